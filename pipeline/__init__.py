"""transcript-fix: clean, correct auto-generated transcripts with reviewable reports."""

from pipeline.api import FileResult, Mode, Result, Runner, fix_document, fix_path, fix_text
from pipeline.config import Config
from pipeline.model import Document, Edit, apply_edits

__all__ = [
    "Config",
    "Document",
    "Edit",
    "FileResult",
    "Mode",
    "Result",
    "Runner",
    "apply_edits",
    "fix_document",
    "fix_path",
    "fix_text",
]
