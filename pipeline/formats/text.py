"""Plain text: one caption or sentence a line; lines are kept as they are.

>>> d = read_text("een\\ntwee\\n", "a.txt")
>>> [(s.start, s.end, s.line) for s in d.segments]
[(0, 3, 1), (4, 8, 2)]
>>> write_text(d, d)
'een\\ntwee\\n'
"""

from __future__ import annotations

import re

from pipeline.model import Document, Segment

__all__ = ["line_segments", "read_text", "write_text"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")


def line_segments(text: str, start: int, end: int, first_line: int) -> tuple[Segment, ...]:
    """One segment per line of ``text[start:end]`` (without its line ending)."""
    segments = []
    line = first_line
    for m in _LINE.finditer(text, start, end):
        if m.start() == m.end():
            break
        content_end = m.start() + len(m.group().rstrip("\r\n"))
        segments.append(Segment(m.start(), content_end, cue=len(segments), line=line))
        line += 1
    return tuple(segments)


def read_text(text: str, path: str = "<text>") -> Document:
    return Document(
        text=text,
        fmt="text",
        path=path,
        regions=((0, len(text)),),
        segments=line_segments(text, 0, len(text), 1),
    )


def write_text(original: Document, corrected: Document) -> str:
    return corrected.text
