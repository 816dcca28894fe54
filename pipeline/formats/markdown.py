"""Markdown transcript notes: only the ``## Transcript`` section is corrected.

Why: notes like the seed carry a title, front matter, ``## Notes`` and ``## Key
Takeaways`` that a person wrote; those come out byte for byte (issue 2). The section
runs from the line after its heading to the next heading of level 1-2 or a ``---``
thematic break.

>>> note = "# T\\n\\n## Transcript\\n\\nOpen AI zegt\\n\\n---\\n\\n## Notes\\nOpen AI\\n"
>>> d = read_markdown(note, "n.md")
>>> d.text[d.regions[0][0]:d.regions[0][1]].strip()
'Open AI zegt'
"""

from __future__ import annotations

import re

from pipeline.errors import ParseError
from pipeline.formats.text import line_segments
from pipeline.model import Document

__all__ = ["NoTranscriptSection", "read_markdown", "write_markdown"]

# ``\r?$``: in a CRLF note ``$`` stops before ``\r`` (issue 8: CRLF notes were skipped as
# having no transcript, and their ``---`` break did not end the section).
_HEADING = re.compile(r"^#{1,6}[ \t]+transcript(?:ie)?[ \t]*#*[ \t]*\r?$", re.I | re.M)
_SECTION_END = re.compile(r"^(?:#{1,2}[ \t]|(?:-[ \t]*){3,}\r?$|(?:\*[ \t]*){3,}\r?$)", re.M)
_URL = re.compile(r"https?://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/)([\w-]{11})")


class NoTranscriptSection(ParseError):
    """A Markdown file without a ``## Transcript`` section (skipped when walking folders)."""


def read_markdown(text: str, path: str = "<text>") -> Document:
    heading = _HEADING.search(text)
    if heading is None:
        raise NoTranscriptSection(path, None, None, "no '## Transcript' section in this Markdown file")
    start = text.find("\n", heading.end())
    start = len(text) if start < 0 else start + 1
    end_match = _SECTION_END.search(text, start)
    end = end_match.start() if end_match else len(text)
    first_line = text.count("\n", 0, start) + 1
    title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), "")
    url = _URL.search(text[:start])
    return Document(
        text=text,
        fmt="markdown",
        path=path,
        regions=((start, end),),
        segments=line_segments(text, start, end, first_line),
        meta={"title": title, "video_id": url.group(1) if url else None},
    )


def write_markdown(original: Document, corrected: Document) -> str:
    return corrected.text
