"""SubRip (.srt) through the ``srt`` library, with errors that name the line.

>>> d = read_srt("1\\n00:00:01,000 --> 00:00:02,000\\nOpen AI\\n\\n", "a.srt")
>>> d.text, d.cues[0].start_ms
('Open AI', 1000)
>>> write_srt(d, d)
'1\\n00:00:01,000 --> 00:00:02,000\\nOpen AI\\n\\n'
"""

from __future__ import annotations

from datetime import timedelta

import srt

from pipeline.errors import ParseError
from pipeline.model import Cue, Document, Segment

__all__ = ["read_srt", "write_srt"]


def _ms(td: timedelta) -> int:
    return round(td.total_seconds() * 1000)


def read_srt(text: str, path: str = "<text>") -> Document:
    try:
        subs = list(srt.parse(text, ignore_errors=False))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        snippet = exc.unmatched_content.strip().splitlines()[0][:50] if exc.unmatched_content.strip() else ""
        raise ParseError(path, line, 1, f"not a valid SRT block: {snippet!r}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # OverflowError: fuzzing found a 30-digit hour
        raise ParseError(path, None, None, f"not a valid SRT file: {exc}") from None
    parts, segments, cues = [], [], []
    pos = 0
    line_of_block = _block_lines(text)
    for k, sub in enumerate(subs):
        if _ms(sub.end) < _ms(sub.start):
            raise ParseError(path, line_of_block[k] if k < len(line_of_block) else None, 1,
                             f"cue {sub.index} ends before it starts")
        content = sub.content.replace("\r\n", "\n")
        if cues:
            parts.append("\n")
            pos += 1
        line = line_of_block[k] + 2 if k < len(line_of_block) else 0
        cues.append(Cue(_ms(sub.start), _ms(sub.end), line, sub.proprietary, str(sub.index or "")))
        segments.append(Segment(pos, pos + len(content), cue=len(cues) - 1, line=line))
        parts.append(content)
        pos += len(content)
    if not cues:
        raise ParseError(path, None, None, "no subtitles found in this SRT file")
    return Document(
        text="".join(parts),
        fmt="srt",
        path=path,
        regions=((0, pos),),
        segments=tuple(segments),
        cues=tuple(cues),
        language="",
        meta={"newline": "\r\n" if "\r\n" in text else "\n"},
    )


def _block_lines(text: str) -> list[int]:
    """1-based line numbers of the index line of each SRT block."""
    lines = text.splitlines()
    out = []
    for i, ln in enumerate(lines):
        if "-->" in ln:
            out.append(i if i > 0 and lines[i - 1].strip() else i + 1)
    return out


def write_srt(original: Document, corrected: Document) -> str:
    subs = []
    for index, cue in enumerate(original.cues):
        body = corrected.cue_text(index).strip()
        if not body:
            continue  # a cue that only held a marker is dropped (issue 2)
        subs.append(
            srt.Subtitle(
                index=len(subs) + 1,
                start=timedelta(milliseconds=cue.start_ms),
                end=timedelta(milliseconds=cue.end_ms),
                content=body,
                proprietary=cue.settings,
            )
        )
    if not subs and original.cues:
        # Issue 8: a file of nothing but sound tags keeps its first cue, emptied; an SRT
        # without any cue would be refused on the next run ("no subtitles found").
        cue = original.cues[0]
        subs.append(srt.Subtitle(1, timedelta(milliseconds=cue.start_ms),
                                 timedelta(milliseconds=cue.end_ms), "", cue.settings))
    out = srt.compose(subs, reindex=False)
    nl = original.meta.get("newline", "\n")
    return out.replace("\n", nl) if nl != "\n" else out
