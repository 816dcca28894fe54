"""Self-contained HTML reports: one page per transcript, one index page per run.

Why HTML next to the JSON and Markdown: a reviewer wants to read the transcript with
every edit in place (before struck through, after marked, coloured by method) and the
suggestions that were not applied, not a table of offsets (issue 6). The pages load
nothing (a Content-Security-Policy forbids it), so they work from a CI artefact or an
e-mail attachment. Text and titles come from transcripts and are escaped by Jinja2's
autoescaping; the highlighted text is built in ONE pass over the original from edit
positions (the seed is a 70 KB single line; re-scanning per edit would be quadratic).

>>> from pipeline.model import Edit
>>> e = Edit("correct_terms", "openai", "exact", 1.0, 5, 12, "Open AI", "OpenAI")
>>> [(c.kind, c.text or c.mark.after) for c in highlight("Komt Open AI <b>", [Mark.of(e, 1)])]
[('text', 'Komt '), ('mark', 'OpenAI'), ('text', ' <b>')]
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import re
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.model import Document, Edit, format_time
from pipeline.report import partition

if TYPE_CHECKING:
    import jinja2

    from pipeline.api import FileResult

__all__ = [
    "Chunk",
    "Mark",
    "highlight",
    "render_index",
    "render_report",
    "report_href",
    "video_id_of",
    "youtube_url",
]

#: Methods that get their own colour; ``rule`` is what normalize/strip_markers use.
METHODS = ("exact", "fuzzy", "phonetic", "rule")
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
#: yt-dlp's default output template is ``%(title)s [%(id)s].%(ext)s``.
_BRACKETED_ID = re.compile(r"\[([A-Za-z0-9_-]{11})\]")
_TIME = re.compile(r"^(\d+):(\d\d):(\d\d)(?:[.,](\d+))?$")


@dataclass(frozen=True, slots=True)
class Mark:
    """One edit or suggestion as the page shows it: inline and in the side panel."""

    edit: Edit
    id: str
    url: str | None = None

    @classmethod
    def of(cls, edit: Edit, number: int, video_id: str | None = None) -> Mark:
        prefix = "e" if edit.applied else "s"
        return cls(edit, f"{prefix}{number}", youtube_url(video_id, edit.cue_time))

    @property
    def kind(self) -> str:
        return "edit" if self.edit.applied else "suggestion"

    @property
    def after(self) -> str:
        return self.edit.after

    @property
    def where(self) -> str:
        e = self.edit
        if e.cue_time:
            return e.cue_time
        if e.line is not None:
            return f"{e.line}:{e.column}" if e.column is not None else str(e.line)
        return str(e.start)

    @property
    def tip(self) -> str:
        e = self.edit
        parts = [e.stage, e.rule, f"{e.method} {e.score:.2f}"]
        if e.cue_time:
            parts.append(e.cue_time)
        if not e.applied:
            parts.append("suggestion, not applied")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of the highlighted text: plain ``text``, a ``mark`` or a ``cue`` time."""

    kind: str
    text: str = ""
    mark: Mark | None = None
    url: str | None = None


def _seconds(cue_time: str | None) -> int | None:
    """Whole seconds of ``HH:MM:SS.mmm``.

    >>> _seconds("01:02:03.900"), _seconds(None)
    (3723, None)
    """
    m = _TIME.match(cue_time or "")
    if not m:
        return None
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def youtube_url(video_id: str | None, cue_time: str | None = None) -> str | None:
    """The YouTube link at a cue's second, or None when the video or time is unknown.

    >>> youtube_url("YULg4vMdULo", "00:01:05.250")
    'https://www.youtube.com/watch?v=YULg4vMdULo&t=65s'
    >>> youtube_url(None, "00:01:05.250") is None, youtube_url("YULg4vMdULo", None) is None
    (True, True)
    """
    seconds = _seconds(cue_time)
    if not video_id or seconds is None:
        return None
    return f"https://www.youtube.com/watch?v={video_id}&t={seconds}s"


def video_id_of(doc: Document) -> str | None:
    """The YouTube id: the note's ``**Source:**`` link, else ``[id]`` in a yt-dlp file name.

    Why only these two: an 11-character file stem is often just a word
    (``transcripts.nl.vtt``); only the bracketed form is unambiguous.

    >>> video_id_of(Document("x", "vtt", path="Talk [nfupYzLjFGc].fr.vtt"))
    'nfupYzLjFGc'
    >>> video_id_of(Document("x", "vtt", path="transcripts.nl.vtt")) is None
    True
    """
    vid = doc.meta.get("video_id")
    if isinstance(vid, str) and _VIDEO_ID.match(vid):
        return vid
    m = _BRACKETED_ID.search(Path(doc.path).name)
    return m.group(1) if m else None


def _cue_anchors(doc: Document) -> list[tuple[int, str]]:
    """(offset, cue start time) where each caption cue's text begins."""
    if not doc.cues:
        return []
    anchors: list[tuple[int, str]] = []
    seen: set[int] = set()
    for seg in doc.segments:
        if seg.cue not in seen:
            seen.add(seg.cue)
            anchors.append((seg.start, format_time(doc.cues[seg.cue].start_ms)))
    anchors.sort()
    return anchors


def highlight(
    text: str,
    marks: Sequence[Mark],
    anchors: Sequence[tuple[int, str]] = (),
    lo: int = 0,
    hi: int | None = None,
    video_id: str | None = None,
) -> list[Chunk]:
    """``text[lo:hi]`` cut into plain text, marks and cue times, in one pass.

    Marks must not overlap (``split_marks`` keeps the ones that do for the side panel);
    a cue time that falls inside a mark is dropped rather than splitting it.

    >>> from pipeline.model import Edit
    >>> m = Mark.of(Edit("correct_terms", "x", "fuzzy", 0.9, 2, 3, "b", "B", applied=False), 1)
    >>> [(c.kind, c.text) for c in highlight("a\\nb\\nc", [m], [(0, "t0"), (2, "t1"), (4, "t2")])]
    [('cue', 't0'), ('text', 'a\\n'), ('cue', 't1'), ('mark', ''), ('text', '\\n'), ('cue', 't2'), ('text', 'c')]
    """
    hi = len(text) if hi is None else hi
    out: list[Chunk] = []
    k = 0  # next anchor
    pos = lo

    def emit(a: int, b: int) -> None:
        nonlocal k
        while k < len(anchors) and anchors[k][0] <= b:
            at, time = anchors[k]
            k += 1
            if at < a:
                continue  # inside the previous mark
            if at > a:
                out.append(Chunk("text", text[a:at]))
                a = at
            out.append(Chunk("cue", time, url=youtube_url(video_id, time)))
        if b > a:
            out.append(Chunk("text", text[a:b]))

    for m in marks:
        emit(pos, m.edit.start)
        out.append(Chunk("mark", mark=m))
        pos = m.edit.end
    emit(pos, hi)
    return out


def split_marks(marks: Iterable[Mark], lo: int, hi: int) -> tuple[list[Mark], list[Mark]]:
    """(inline, panel-only), inline sorted by position.

    Applied edits never overlap each other and always go inline; a suggestion that
    overlaps one of them (or an earlier suggestion) is listed in the side panel only,
    so the inline text never shows a character twice.

    >>> from pipeline.model import Edit
    >>> e = Mark.of(Edit("strip_markers", "music", "rule", 1.0, 4, 13, " [Muziek]", ""), 1)
    >>> s = Mark.of(Edit("correct_terms", "x", "fuzzy", 0.8, 0, 20, "4.5 [Muziek] Sam Old", "X", applied=False), 1)
    >>> [[m.id for m in part] for part in split_marks([s, e], 0, 30)]
    [['e1'], ['s1']]
    """
    applied = sorted((m for m in marks if m.edit.applied), key=lambda m: m.edit.start)
    taken = [(m.edit.start, m.edit.end) for m in applied]
    inline = [m for m in applied if lo <= m.edit.start and m.edit.end <= hi]
    panel_only = [m for m in applied if not (lo <= m.edit.start and m.edit.end <= hi)]
    for m in sorted((m for m in marks if not m.edit.applied), key=lambda m: (m.edit.start, m.edit.end)):
        a, b = m.edit.start, m.edit.end
        k = bisect.bisect_right(taken, (a, b))
        # Only the neighbours can overlap: ``taken`` stays sorted and non-overlapping.
        near = taken[max(0, k - 1) : k + 1]
        clash = any(x < b and a < y or x == a for x, y in near)
        if clash or a < lo or b > hi:
            panel_only.append(m)
        else:
            inline.append(m)
            taken.insert(k, (a, b))
    inline.sort(key=lambda m: (m.edit.start, m.edit.end))
    return inline, panel_only


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,  # every template here is HTML; transcript text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["methods"] = METHODS
    return env


@lru_cache(maxsize=1)
def _script() -> tuple[str, str]:
    """The pages' one inline script and its CSP hash (only that script may run)."""
    source = (Path(__file__).parent / "templates" / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return source, f"sha256-{digest}"


def report_href(rel: str) -> str:
    """Link from the run's index page to a file's report (``<rel>.html``, URL-quoted).

    >>> report_href("sub dir/a#1.vtt")
    'sub%20dir/a%231.vtt.html'
    """
    return urllib.parse.quote(rel.replace("\\", "/") + ".html")


def render_report(fr: FileResult) -> str:
    """The HTML page of one transcript: highlighted text, side panel, legend."""
    r = fr.result
    doc = r.original
    video_id = video_id_of(doc)
    marks = [Mark.of(e, i, video_id) for i, e in enumerate(r.edits, 1)]
    marks += [Mark.of(e, i, video_id) for i, e in enumerate(r.suggestions, 1)]
    spans = [m.edit for m in marks]
    if doc.regions:
        lo = min([a for a, _ in doc.regions] + [e.start for e in spans])
        hi = max([b for _, b in doc.regions] + [e.end for e in spans])
    else:
        lo, hi = 0, len(doc.text)
    first = min((e.start for e in spans), default=hi)
    while lo < min(hi, first) and doc.text[lo] in "\r\n":
        lo += 1  # the blank line after ``## Transcript``
    inline, panel_only = split_marks(marks, lo, hi)
    chunks = highlight(doc.text, inline, _cue_anchors(doc), lo, hi, video_id)
    script, script_hash = _script()
    return _environment().get_template("report.html.j2").render(
        title=doc.meta.get("title") or fr.rel,
        rel=fr.rel,
        path=fr.path,
        fmt=doc.fmt,
        language=doc.language,
        video_url=f"https://www.youtube.com/watch?v={video_id}" if video_id else None,
        chunks=chunks,
        marks=sorted(marks, key=lambda m: (m.edit.start, not m.edit.applied)),
        panel_only={m.id for m in panel_only},
        counts=Counter(e.method for e in r.edits),
        n_edits=len(r.edits),
        n_suggestions=len(r.suggestions),
        script=script,
        script_hash=script_hash,
    )


def render_index(results: Iterable[FileResult], title: str = "transcript-fix run") -> str:
    """The run's index: files, edit counts, most corrected terms, suggestions to review."""
    files = []
    terms: Counter = Counter()
    canonical: dict[str, str] = {}
    waiting: dict[tuple[str, str, str], list] = defaultdict(list)
    ran, errors, skipped = partition(results)
    for fr in ran:
        r = fr.result
        href = report_href(fr.rel)
        files.append(
            {
                "rel": fr.rel,
                "href": href,
                "edits": len(r.edits),
                "suggestions": len(r.suggestions),
                "counts": Counter(e.method for e in r.edits),
            }
        )
        for e in r.edits:
            if e.stage == "correct_terms":
                terms[e.rule] += 1
                canonical[e.rule] = e.after
        for i, e in enumerate(r.suggestions, 1):
            waiting[(e.rule, e.before, e.after)].append(
                {"rel": fr.rel, "href": f"{href}#s{i}", "where": Mark.of(e, i).where,
                 "context": e.context, "score": e.score, "method": e.method}
            )
    suggestions = sorted(waiting.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return _environment().get_template("index.html.j2").render(
        title=title,
        files=files,
        terms=[(rule, canonical[rule], n) for rule, n in terms.most_common()],
        suggestions=suggestions,
        errors=errors,
        skipped=skipped,
        n_edits=sum(f["edits"] for f in files),
        n_suggestions=sum(f["suggestions"] for f in files),
    )
