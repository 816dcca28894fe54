"""What flows through the pipeline: documents, their cues and segments, and edits.

Why: every reader produces one ``Document`` and every writer consumes one, so stages
never know the file format (house style points 3 and 9). Offsets are Python ``str``
indices into ``Document.text``; an ``Edit`` always points into the ORIGINAL text, so
``apply_edits(original.text, edits) == corrected.text`` (point 4).

>>> apply_edits("Open AI en Sam Oldman", [
...     Edit("correct_terms", "openai", "exact", 1.0, 0, 7, "Open AI", "OpenAI"),
...     Edit("correct_terms", "sam-altman", "phonetic", 0.9, 11, 21, "Sam Oldman", "Sam Altman"),
... ])
'OpenAI en Sam Altman'
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "Cue",
    "Document",
    "Edit",
    "Segment",
    "apply_edits",
    "OffsetMap",
    "compose_edits",
]

METHODS = frozenset({"rule", "exact", "fuzzy", "phonetic"})


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: which stage and rule made it, how sure it is, and where it is.

    ``applied=False`` marks a suggestion: reported for review, never written
    (house style point 5).
    """

    stage: str
    rule: str
    method: str
    score: float
    start: int
    end: int
    before: str
    after: str
    applied: bool = True
    line: int | None = None
    column: int | None = None
    cue_time: str | None = None
    context: str = ""

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")
        if len(self.before) != self.end - self.start:
            raise ValueError(f"before {self.before!r} does not fit span {self.start}..{self.end}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside 0..1")

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "rule": self.rule,
            "method": self.method,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "applied": self.applied,
            "line": self.line,
            "column": self.column,
            "cue_time": self.cue_time,
        }


@dataclass(frozen=True, slots=True)
class Cue:
    """A caption cue as the source had it: timings in milliseconds, settings, source line."""

    start_ms: int
    end_ms: int
    line: int
    settings: str = ""
    identifier: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of ``Document.text`` that belongs to one cue (or one line of a note).

    Segments of a cue tile its text; a caption's segments can be single words with their
    own start time (YouTube's inline ``<c>`` timings), so corrected words go back into
    the cue, and the word, they came from.
    """

    start: int
    end: int
    cue: int
    line: int
    time_ms: int | None = None


@dataclass(frozen=True)
class Document:
    """A transcript in one model for all formats.

    ``text`` is what stages see and edit, but only inside ``regions`` (for a Markdown
    note: the ``## Transcript`` section; the rest is carried byte for byte). ``cues``
    and ``segments`` let the caption writers put text back into timed cues.
    """

    text: str
    fmt: str
    path: str = "<text>"
    regions: tuple[tuple[int, int], ...] = ()
    segments: tuple[Segment, ...] = ()
    cues: tuple[Cue, ...] = ()
    language: str = ""  # "" = not declared by the file: the run's --language applies
    meta: dict[str, Any] = field(default_factory=dict)

    def with_edits(self, edits: Sequence[Edit]) -> Document:
        """A new document with ``edits`` (offsets into this text) applied, spans mapped."""
        edits = sorted((e for e in edits if e.applied), key=lambda e: e.start)
        if not edits:
            return self
        text = apply_edits(self.text, edits)
        move = OffsetMap(edits)

        return replace(
            self,
            text=text,
            regions=tuple((move(a, False), move(b, True)) for a, b in self.regions),
            segments=tuple(
                replace(s, start=move(s.start, False), end=move(s.end, True))
                for s in self.segments
            ),
        )

    def cue_text(self, index: int) -> str:
        return "".join(self.text[s.start : s.end] for s in self.segments_of(index))

    def segments_of(self, index: int) -> list[Segment]:
        # Caches live in ``meta``, which ``dataclasses.replace`` shares between a document
        # and its corrected copy; keyed on the segments themselves, a copy with moved
        # segments never reads the original's (issue 8: 'Antropic' was written 'Anthropi').
        cached = self.meta.get("_by_cue")
        if cached is None or cached[0] is not self.segments:
            by_cue: dict[int, list[Segment]] = {}
            for s in self.segments:
                by_cue.setdefault(s.cue, []).append(s)
            cached = self.meta["_by_cue"] = (self.segments, by_cue)
        return cached[1].get(index, [])

    def locate(self, offset: int) -> tuple[int | None, int | None, str | None]:
        """Source line, column and cue time of a text offset (for reports)."""
        segs = self.segments
        if not segs:
            return None, None, None
        cached = self.meta.get("_seg_starts")
        if cached is None or cached[0] is not segs:
            cached = self.meta["_seg_starts"] = (segs, [s.start for s in segs])
        starts = cached[1]
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        seg = segs[i]
        time_ms = seg.time_ms
        if time_ms is None and self.cues:
            time_ms = self.cues[seg.cue].start_ms
        time = format_time(time_ms) if time_ms is not None else None
        # In a caption the column counts from the start of the cue's text.
        first = self.segments_of(seg.cue)[0] if self.cues else seg
        return seg.line, offset - first.start + 1, time


def format_time(ms: int) -> str:
    """``HH:MM:SS.mmm`` as WebVTT writes it.

    >>> format_time(3_723_004)
    '01:02:03.004'
    """
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{milli:03d}"


class OffsetMap:
    """Where old offsets land after ``edits`` (sorted, non-overlapping) are applied.

    A position strictly inside a replaced span moves to the end of the replacement, so
    a phrase that spanned two cues lands whole in the first one (issue 2).

    >>> m = OffsetMap([Edit("x", "r", "rule", 1.0, 2, 4, "cd", "C")])
    >>> [m(p) for p in range(6)], m(4, is_end=True), m(2, is_end=True)
    ([0, 1, 2, 3, 3, 4], 3, 2)
    """

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.starts = [e.start for e in edits]
        self.ends = [e.end for e in edits]
        self.news = []
        self.deltas = [0]
        d = 0
        for e in edits:
            self.news.append(e.start + d)
            d += len(e.after) - (e.end - e.start)
            self.deltas.append(d)
        self.edits = edits

    def __call__(self, pos: int, is_end: bool = False) -> int:
        k = bisect.bisect_right(self.ends, pos)  # edits ending at or before pos
        if k < len(self.edits) and self.starts[k] < pos:
            return self.news[k] + len(self.edits[k].after)  # inside edit k
        if is_end and k > 0 and self.ends[k - 1] == pos and self.starts[k - 1] < pos:
            return self.news[k - 1] + len(self.edits[k - 1].after)
        return pos + self.deltas[k]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply applied edits (offsets into ``text``) in one pass from match positions."""
    out: list[str] = []
    pos = 0
    for e in sorted((e for e in edits if e.applied), key=lambda e: e.start):
        if e.start < pos:
            raise ValueError(f"overlapping edits at {e.start}")
        if text[e.start : e.end] != e.before:
            raise ValueError(f"edit {e.rule} does not match the text at {e.start}")
        out.append(text[pos : e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def compose_edits(
    original: str, intermediate: str, earlier: Sequence[Edit], later: Sequence[Edit]
) -> list[Edit]:
    """Express ``later`` edits (offsets into ``intermediate``) in ``original`` offsets.

    Why: stages run one after another, but the report must point into the input file.
    ``intermediate`` is ``original`` with ``earlier`` applied. A later edit that overlaps
    an earlier one is merged with it into one edit with the later stage and both rules.

    >>> a = Edit("normalize", "entity", "rule", 1.0, 4, 9, "&amp;", "&")
    >>> b = Edit("correct_terms", "x", "exact", 1.0, 0, 3, "R&D", "R & D")
    >>> [(e.start, e.before, e.after) for e in compose_edits("R&D &amp; x", "R&D & x", [a], [b])]
    [(0, 'R&D', 'R & D'), (4, '&amp;', '&')]

    Two later edits that overlap the same earlier one become one edit:

    >>> m = Edit("normalize", "mojibake", "rule", 1.0, 2, 5, "bÃc", "bxc")
    >>> x = Edit("correct_terms", "p", "exact", 1.0, 0, 3, "a b", "AB")
    >>> y = Edit("correct_terms", "q", "exact", 1.0, 4, 7, "c d", "CD")
    >>> [(e.start, e.end, e.after, e.rule) for e in compose_edits("a bÃc d", "a bxc d", [m], [x, y])]
    [(0, 7, 'ABxCD', 'mojibake+p+q')]
    """
    earlier = sorted(earlier, key=lambda e: e.start)
    out_starts: list[int] = []
    out_ends: list[int] = []
    deltas: list[int] = [0]  # deltas[k]: original - intermediate offset after k edits
    d = 0
    for e in earlier:
        out_starts.append(e.start - d)
        out_ends.append(e.start - d + len(e.after))
        d += (e.end - e.start) - len(e.after)
        deltas.append(d)

    def to_original(pos: int) -> int:
        return pos + deltas[bisect.bisect_right(out_ends, pos)] if earlier else pos

    result: list[Edit] = []
    merged: set[int] = set()
    # Applied later edits that overlap earlier ones, grouped so that two later edits
    # touching the same earlier edit become ONE merged edit (issue 8: "Open AIÏ¶Open AI"
    # gave two merged edits sharing the mojibake fix, which overlapped and broke replay).
    clusters: list[tuple[list[Edit], int, int]] = []  # (later edits, first, last earlier)
    for new in sorted(later, key=lambda e: e.start):
        lo = bisect.bisect_left(out_ends, new.start + 1) if new.end > new.start else len(earlier)
        hits = []
        for k in range(lo, len(earlier)):
            if out_starts[k] >= new.end:
                break
            if out_starts[k] < out_ends[k] or new.start < out_starts[k]:
                hits.append(k)
        if not hits or not new.applied:
            start, end = to_original(new.start), to_original(new.end)
            if not hits:
                end = start + (new.end - new.start)
            result.append(replace(new, start=start, end=end, before=original[start:end]))
            continue
        if clusters and hits[0] <= clusters[-1][2]:
            group, first, _ = clusters[-1]
            clusters[-1] = (group + [new], first, max(hits[-1], clusters[-1][2]))
        else:
            clusters.append(([new], hits[0], hits[-1]))
    for group, first, last in clusters:
        a = min(group[0].start, out_starts[first])
        b = max(group[-1].end, out_ends[last])
        orig_a = earlier[first].start - (out_starts[first] - a)
        orig_b = earlier[last].end + (b - out_ends[last])
        pieces, pos = [], a
        for new in group:
            pieces += [intermediate[pos : new.start], new.after]
            pos = new.end
        pieces.append(intermediate[pos:b])
        rule = "+".join([earlier[k].rule for k in range(first, last + 1)] + [n.rule for n in group])
        merged.update(range(first, last + 1))
        result.append(
            replace(group[0], start=orig_a, end=orig_b, before=original[orig_a:orig_b],
                    after="".join(pieces), rule=rule, score=min(n.score for n in group))
        )
    result.extend(e for k, e in enumerate(earlier) if k not in merged)
    result.sort(key=lambda e: (e.start, e.end, not e.applied))
    return result
