"""WebVTT, including the rolling auto-captions yt-dlp writes for YouTube.

Why not webvtt-py: it keeps a cue's inline ``<00:00:01.234><c> word</c>`` timings only
as raw markup and raises ``MalformedFileError`` without a line number; we need each
word's time (so corrected words go back where they were said) and errors that name
the line (issue 2). The format itself is small, so the reader is written here.

Rolling captions repeat the previous line at the top of every cue and add 10 ms
"hold" cues; the reader keeps each spoken line once, with the timing of the cue that
introduced it and a time for every word.

>>> src = '''WEBVTT
... Kind: captions
... Language: nl
...
... 00:00:01.000 --> 00:00:02.000 align:start position:0%
...
... Open<00:00:01.400><c> AI</c>
...
... 00:00:02.000 --> 00:00:02.010 align:start position:0%
... Open AI
...
...
... 00:00:02.010 --> 00:00:04.000 align:start position:0%
... Open AI
... zegt<00:00:02.500><c> iets</c>
... '''
>>> d = read_vtt(src, "a.vtt")
>>> d.text, d.language, [s.time_ms for s in d.segments]
('Open AI\\nzegt iets', 'nl', [1000, 1400, 2010, 2500])
>>> print(write_vtt(d, d), end="")
WEBVTT
Kind: captions
Language: nl
<BLANKLINE>
00:00:01.000 --> 00:00:02.000 align:start position:0%
Open AI
<BLANKLINE>
00:00:02.010 --> 00:00:04.000 align:start position:0%
zegt iets
"""

from __future__ import annotations

import html
import re

from pipeline.errors import ParseError
from pipeline.model import Cue, Document, Segment, format_time

__all__ = ["parse_timestamp", "read_vtt", "write_vtt"]

_TIMESTAMP = re.compile(r"^(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})$")
_TIMING = re.compile(r"^(\S+)[ \t]+-->[ \t]+(\S+)(.*)$")
_INLINE_TIME = re.compile(r"<(\d+:\d{2}:\d{2}\.\d{3}|\d{2}:\d{2}\.\d{3})>")
# Cue tags: <c.colorE5E5E5>, <i>, <b>, <u>, <v Speaker>, <lang en>, <ruby>; a clean VTT
# keeps none of them (issue 2), so the text that stages see has none either.
_C_TAG = re.compile(r"</?(?:c|i|b|u|v|lang|ruby|rt)(?:[.\s][^>]*)?>")
#: A "hold" cue of a rolling track: shorter than this, it only repeats what was said.
HOLD_MS = 50


def parse_timestamp(value: str) -> int | None:
    """``HH:MM:SS.mmm`` or ``MM:SS.mmm`` to milliseconds, else ``None``.

    >>> parse_timestamp("01:02:03.004"), parse_timestamp("02:03.004"), parse_timestamp("2:3.4")
    (3723004, 123004, None)
    """
    m = _TIMESTAMP.match(value)
    if not m:
        return None
    h, mi, s, ms = (int(g) if g else 0 for g in m.groups())
    return ((h * 60 + mi) * 60 + s) * 1000 + ms


def _words(line: str, start_ms: int) -> list[tuple[str, int]]:
    """Split a cue line with inline timestamps into (text, time) pieces; tags removed."""
    pieces = []
    pos = 0
    time = start_ms
    for m in _INLINE_TIME.finditer(line):
        pieces.append((line[pos : m.start()], time))
        time = parse_timestamp(m.group(1)) or time
        pos = m.end()
    pieces.append((line[pos:], time))
    out = []
    for text, t in pieces:
        text = html.unescape(_C_TAG.sub("", text))
        if text:
            out.append((text, t))
    return out


def _clean(line: str) -> str:
    return html.unescape(_C_TAG.sub("", _INLINE_TIME.sub("", line)))


def _parse_blocks(text: str, path: str) -> tuple[list[str], list[dict]]:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("WEBVTT"):
        raise ParseError(path, 1, 1, "missing 'WEBVTT' header on the first line")
    i = 1
    header = [lines[0]]
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        header.append(lines[i])
        i += 1
    cues = []
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in line:
            while i < len(lines) and lines[i].strip():
                i += 1
            continue
        identifier = ""
        if "-->" not in line:
            if i + 1 < len(lines) and "-->" in lines[i + 1]:
                identifier = line
                i += 1
                line = lines[i]
            else:
                raise ParseError(path, i + 1, 1, f"expected a cue timing line 'start --> end', got {line[:40]!r}")
        m = _TIMING.match(line.strip())
        if not m:
            raise ParseError(path, i + 1, 1, f"bad cue timing line {line[:60]!r}")
        start, end = parse_timestamp(m.group(1)), parse_timestamp(m.group(2))
        if start is None:
            raise ParseError(path, i + 1, 1, f"bad timestamp {m.group(1)!r}")
        if end is None:
            raise ParseError(path, i + 1, line.find(m.group(2)) + 1, f"bad timestamp {m.group(2)!r}")
        if end < start:
            raise ParseError(path, i + 1, 1, f"cue ends ({m.group(2)}) before it starts ({m.group(1)})")
        timing_line = i + 1
        i += 1
        # Lenient: YouTube's rolling cues start with a line holding one space, which
        # some tools strip to an empty line; text right after it still belongs here.
        if (
            i + 1 < len(lines)
            and lines[i] == ""
            and lines[i + 1].strip()
            and "-->" not in lines[i + 1]
            and not (i + 2 < len(lines) and "-->" in lines[i + 2])
        ):
            i += 1
        body = []
        while i < len(lines) and lines[i] != "" and "-->" not in lines[i]:
            body.append((i + 1, lines[i]))
            i += 1
        cues.append(
            dict(start=start, end=end, settings=m.group(3).strip(), identifier=identifier,
                 line=timing_line, body=body)
        )
    return header, cues


def read_vtt(text: str, path: str = "<text>") -> Document:
    header, raw_cues = _parse_blocks(text, path)
    language = next(
        (h.split(":", 1)[1].strip() for h in header if h.lower().startswith("language:")), ""
    )
    rolling = bool(_INLINE_TIME.search(text))
    parts: list[str] = []
    segments: list[Segment] = []
    cues: list[Cue] = []
    pos = 0
    recent: list[str] = []

    def emit(pieces: list[tuple[str, int | None]], raw: dict, line_no: int) -> None:
        nonlocal pos
        if cues:
            parts.append("\n")
            pos += 1
        index = len(cues)
        cues.append(Cue(raw["start"], raw["end"], raw["line"], raw["settings"], raw["identifier"]))
        for piece, t in pieces:
            segments.append(Segment(pos, pos + len(piece), cue=index, line=line_no, time_ms=t))
            parts.append(piece)
            pos += len(piece)

    for raw in raw_cues:
        body = [(n, ln) for n, ln in raw["body"] if ln.strip()]
        if not rolling:
            if body:
                text_lines = "\n".join(_clean(ln) for _, ln in body)
                emit([(text_lines, None)], raw, body[0][0])
            continue
        tagged = any(_INLINE_TIME.search(ln) for _, ln in body)
        if raw["end"] - raw["start"] < HOLD_MS and not tagged:
            continue
        for n, ln in body:
            clean = _clean(ln).strip()
            # A timed line is always new speech (a speaker may repeat a sentence);
            # an untimed one is new only if it is not the line that rolled up.
            if not clean or (not _INLINE_TIME.search(ln) and clean in recent[-2:]):
                continue
            words = _words(ln.strip(), raw["start"])
            emit([(w, t) for w, t in words], raw, n)
            recent.append(clean)
    return Document(
        text="".join(parts),
        fmt="vtt",
        path=path,
        regions=((0, pos),),
        segments=tuple(segments),
        cues=tuple(cues),
        language=language.split("-")[0].lower() if language else "",
        meta={"header": header, "newline": "\r\n" if "\r\n" in text else "\n"},
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(original: Document, corrected: Document) -> str:
    """A clean VTT: one cue per spoken line, no inline tags, source timings."""
    nl = original.meta.get("newline", "\n")
    blocks = [nl.join(original.meta.get("header") or ["WEBVTT"])]
    for index, cue in enumerate(original.cues):
        # A blank line ends a cue: a line emptied by an edit ("[Muziek]" between two
        # lines) would push the rest out of the cue and make the file unreadable (issue 8).
        body = "\n".join(ln for ln in corrected.cue_text(index).strip().split("\n") if ln.strip())
        if not body:
            continue  # a cue that only held a marker is dropped (issue 2)
        timing = f"{format_time(cue.start_ms)} --> {format_time(cue.end_ms)}"
        if cue.settings:
            timing += " " + cue.settings
        lines = ([cue.identifier] if cue.identifier else []) + [timing, _escape(body).replace("\n", nl)]
        blocks.append(nl.join(lines))
    return (nl + nl).join(blocks) + nl
