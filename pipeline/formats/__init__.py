"""Readers and writers in pairs around one ``Document`` model (house style point 9).

Why one module per format holding both directions (``read_vtt``/``write_vtt``): the
round trip of a format is one concern, as in srt's ``parse``/``compose``; readers are
lenient, writers strict, timings survive.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import ParseError
from pipeline.formats.json3 import read_json3, write_json3
from pipeline.formats.markdown import NoTranscriptSection, read_markdown, write_markdown
from pipeline.formats.srt import read_srt, write_srt
from pipeline.formats.text import read_text, write_text
from pipeline.formats.vtt import read_vtt, write_vtt
from pipeline.model import Document

__all__ = [
    "EXTENSIONS",
    "READERS",
    "WRITERS",
    "NoTranscriptSection",
    "detect_format",
    "read_document",
    "write_document",
]

Reader = Callable[[str, str], Document]
Writer = Callable[[Document, Document], str]

READERS: dict[str, Reader] = {
    "vtt": read_vtt,
    "srt": read_srt,
    "json3": read_json3,
    "markdown": read_markdown,
    "text": read_text,
}
WRITERS: dict[str, Writer] = {
    "vtt": write_vtt,
    "srt": write_srt,
    "json3": write_json3,
    "markdown": write_markdown,
    "text": write_text,
}
EXTENSIONS = {
    ".vtt": "vtt",
    ".srt": "srt",
    ".json3": "json3",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}


def detect_format(path: str, text: str) -> str:
    """Format by extension, then by content; a clear error for anything else."""
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt:
        return fmt
    head = text.lstrip()[:200]
    if head.startswith("WEBVTT"):
        return "vtt"
    if head[:1] in "{[":
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and "events" in data:
            return "json3"
    first = head.splitlines()[:2]
    if len(first) == 2 and first[0].strip().isdigit() and "-->" in first[1]:
        return "srt"
    raise ParseError(
        path, None, None,
        "unsupported file type (expected .md, .vtt, .srt, .json3 or .txt)",
    )


def read_document(path: str, text: str, fmt: str | None = None) -> Document:
    return READERS[fmt or detect_format(path, text)](text, path)


def write_document(original: Document, corrected: Document) -> str:
    return WRITERS[original.fmt](original, corrected)
