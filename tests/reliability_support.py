"""Shared pieces of the reliability tests (issue 8): a small fixed glossary, hypothesis
strategies that build transcripts in every format, the property settings, and helpers
(temporary-file leftovers, snapshots, running code as an unprivileged user).

Why a fixed glossary (``tests/regressions/glossary``) and not ``glossary/``: the
properties must hold for any glossary, and a small one that curators do not edit keeps
the tests deterministic while still exercising every matching path (exact and
multi-word variants, a guarded variant, a person for fuzzy/phonetic, a versioned model,
sound tags and a symbol).

>>> GLOSSARY.entries[0].id, len(GLOSSARY.markers.tags)
('anthropic', 2)
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pipeline.glossary import Glossary, load_glossary

#: A small glossary that is not curated data: exact and multi-word variants, a guarded
#: variant, a person (fuzzy/phonetic), a versioned model, sound tags and a symbol.
GLOSSARY_DIR = Path(__file__).resolve().parent / "regressions" / "glossary"

GLOSSARY: Glossary = load_glossary(GLOSSARY_DIR)
MARKERS_ONLY = Glossary(markers=GLOSSARY.markers)

# --- strategies --------------------------------------------------------------------

#: Ordinary Dutch words, glossary variants and canonicals, and the things normalize and
#: strip_markers act on (entities, odd spaces, mojibake, decomposed accents, markers).
WORDS = ["de", "het", "een", "en", "van", "ik", "dat", "die", "in", "is", "niet", "op", "met", "voor", "maar", "om", "dan", "zou", "of", "wat", "dit", "zo", "door", "over", "ook", "tot", "je", "uit", "daar", "naar", "hoe", "heeft", "deze", "nog", "nu", "geen", "iets", "toch", "veel", "week", "model", "nieuws", "vandaag", "gelanceerd", "zegt", "open", "cloud", "meter", "Sonnet", "4,5", "4.5", "30", "uur"]
TERMS = [
    "Open AI", "open en jij", "OpenAI", "Antropic", "En Tropic", "Entropic", "Anthropic",
    "Anthropics", "Sam Oldman", "Sam Alman", "Sam Altman", "Altman", "clot", "clots on het",
    "Claude", "Claude 4,5", "slack", "Slack", "Entropick", "Sam Oltman", "Antropik", "opening",
]
ODD = [
    "&amp;", "&#39;", "&quot;", "&nbsp;", "&lt;b&gt;", "R&D", "&", "CafÃ©", "e\u0301", "é",
    "[Muziek]", "[muziek]", "[ Applaus ]", "(Music)", "♪", "♪♪", "[Gelach]", "<i>", "-->",
    "\u200b", "\ufeff", ".", ",", "?", "!", ":", "'s", "-", "…", "“", "”", "’",
]
SEPARATORS = [" ", " ", " ", " ", "  ", "\u00a0", "\t", " \u00a0", "", "\n", "\r\n", ". "]

piece = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(TERMS), st.sampled_from(ODD),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"), max_size=3),
)


@st.composite
def transcript_text(draw, *, max_pieces: int = 40, newlines: bool = True) -> str:
    """Text made of words, glossary terms, markers, entities and odd whitespace."""
    parts = draw(st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=max_pieces))
    text = "".join(p + s for p, s in parts)
    if not newlines:
        text = " ".join(text.split())
    return text


def _timestamp(ms: int, comma: bool = False) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{milli:03d}"


def _caption_line(text: str) -> str:
    # A cue body line may not be empty or hold "-->" (that starts the next cue).
    line = " ".join(text.replace("-->", "->").split())
    return line or "x"


@st.composite
def cue_list(draw, *, max_cues: int = 8) -> list[tuple[int, int, list[str]]]:
    """(start_ms, end_ms, body lines): increasing starts, overlaps allowed."""
    n = draw(st.integers(1, max_cues))
    cues = []
    t = draw(st.integers(0, 5_000))
    for _ in range(n):
        length = draw(st.integers(0, 4_000))
        lines = draw(st.lists(transcript_text(max_pieces=8, newlines=False), min_size=1, max_size=3))
        cues.append((t, t + length, [_caption_line(x) for x in lines]))
        t += draw(st.integers(0, 3_000))
    return cues


@st.composite
def file_style(draw) -> tuple[str, bool, bool]:
    """(newline, bom, final newline)."""
    return draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans()), draw(st.booleans())


def _finish(body: str, nl: str, final: bool) -> str:
    body = body.rstrip("\n")
    return body.replace("\n", nl) + (nl if final else "")


@st.composite
def vtt_source(draw) -> str:
    """A WebVTT file: header, optional identifiers and settings, CRLF or LF."""
    nl, _, final = draw(file_style())
    header = ["WEBVTT"] + draw(st.sampled_from([[], ["Kind: captions", "Language: nl"]]))
    blocks = ["\n".join(header)]
    for k, (a, b, lines) in enumerate(draw(cue_list())):
        ident = draw(st.sampled_from(["", f"c{k}", str(k + 1)]))
        settings = draw(st.sampled_from(["", " align:start position:0%"]))
        timing = f"{_timestamp(a)} --> {_timestamp(b)}{settings}"
        blocks.append("\n".join(([ident] if ident else []) + [timing] + lines))
    return _finish("\n\n".join(blocks) + "\n", nl, final)


@st.composite
def rolling_vtt_source(draw) -> str:
    """A YouTube rolling auto-caption VTT: inline word timings, 10 ms hold cues."""
    nl, _, final = draw(file_style())
    out = ["WEBVTT\nKind: captions\nLanguage: nl\n"]
    t = 0
    previous = ""
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(st.sampled_from(WORDS + TERMS + ["[Muziek]", "&amp;"]), min_size=1, max_size=5))
        step = 300
        timed = words[0] + "".join(
            f"<{_timestamp(t + step * (i + 1))}><c> {w}</c>" for i, w in enumerate(words[1:])
        )
        end = t + step * len(words) + 100
        out.append(f"{_timestamp(t)} --> {_timestamp(end)} align:start position:0%\n{previous}\n{timed}\n")
        plain = " ".join(words)
        out.append(f"{_timestamp(end)} --> {_timestamp(end + 10)} align:start position:0%\n{plain}\n \n")
        previous = plain
        t = end + 10
    return _finish("\n".join(out), nl, final)


@st.composite
def srt_source(draw) -> str:
    """An SRT file; indices may be missing (readers are lenient)."""
    nl, _, final = draw(file_style())
    blocks = []
    with_index = draw(st.booleans())
    for k, (a, b, lines) in enumerate(draw(cue_list())):
        timing = f"{_timestamp(a, True)} --> {_timestamp(b, True)}"
        blocks.append("\n".join(([str(k + 1)] if with_index else []) + [timing] + lines))
    return _finish("\n\n".join(blocks) + "\n", nl, final)


@st.composite
def json3_source(draw) -> str:
    events = [{"tStartMs": 0, "dDurationMs": 100000, "id": 1, "wpWinPosId": 1}]
    for a, b, lines in draw(cue_list()):
        words = " ".join(lines).split(" ")
        segs = [{"utf8": words[0]}] + [
            {"utf8": " " + w, "tOffsetMs": 100 * (i + 1), "acAsrConf": 0} for i, w in enumerate(words[1:])
        ]
        events.append({"tStartMs": a, "dDurationMs": b - a, "wWinId": 1, "segs": segs})
        if draw(st.booleans()):
            events.append({"tStartMs": b, "wWinId": 1, "aAppend": 1, "segs": [{"utf8": "\n"}]})
    compact = draw(st.booleans())
    if compact:
        return json.dumps({"wireMagic": "pb3", "events": events}, ensure_ascii=False, separators=(",", ":"))
    return json.dumps({"wireMagic": "pb3", "events": events}, ensure_ascii=False, indent=1) + "\n"


@st.composite
def markdown_source(draw) -> str:
    """A note: title, front text, ``## Transcript``, then sections that must not change."""
    nl, _, final = draw(file_style())
    title = draw(st.sampled_from(["Open AI &amp; <b>Sam Oldman</b>", "AI Report", "<script>x</script>"]))
    front = draw(transcript_text(max_pieces=6)).replace("#", "")
    body = draw(transcript_text())
    body = "\n".join(ln.lstrip("#-*") for ln in body.replace("\r\n", "\n").split("\n"))
    tail = draw(st.sampled_from([
        "", "\n---\n\n## Notes\nOpen AI &amp; [Muziek] clot\n", "\n## Key Takeaways\n- Sam Oldman  zegt\n",
    ]))
    text = f"# {title}\n\n{front}\n\n## Transcript\n\n{body}\n{tail}"
    return _finish(text, nl, final)


@st.composite
def plain_source(draw) -> str:
    nl, _, final = draw(file_style())
    return _finish(draw(transcript_text()), nl, final)


#: Strategy per reader format, and the file extension each is written with.
SOURCES = {
    "text": (plain_source(), ".txt"),
    "markdown": (markdown_source(), ".md"),
    "vtt": (st.one_of(vtt_source(), rolling_vtt_source()), ".vtt"),
    "srt": (srt_source(), ".srt"),
    "json3": (json3_source(), ".json3"),
}

# --- helpers -----------------------------------------------------------------------

GOOD_TEXT = "Vandaag zegt Open AI iets &amp; [Muziek] Sam Oldman lacht.\n"
GOOD_FIXED = "Vandaag zegt OpenAI iets & Sam Altman lacht.\n"


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted or failed write could have left behind."""
    return sorted(str(p) for p in folder.rglob(".*.tmp"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _nobody() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return None
    return entry.pw_uid, entry.pw_gid


def as_nobody(fn: Callable[[], object]) -> object:
    """Run ``fn`` in a forked child that has dropped root for ``nobody``.

    Why fork and not a subprocess: the interpreter lives under /root, which nobody may
    not read; a forked child already has every module it needs loaded.
    """
    ids = _nobody()
    if ids is None:
        if os.geteuid() == 0:
            pytest.skip("running as root and there is no 'nobody' user to drop privileges to")
        return fn()  # already unprivileged: permissions apply as they are
    uid, gid = ids
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            payload = pickle.dumps(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001
            payload = pickle.dumps(("raised", repr(exc)))
        try:
            with os.fdopen(w, "wb") as fh:
                fh.write(payload)
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    assert status == "ok", value
    return value


# --- settings ----------------------------------------------------------------------

#: Examples per property and format; ``TRANSCRIPT_FIX_PROPERTY_EXAMPLES`` raises it for a
#: longer local run. Derandomized so CI is reproducible (fuzzing, test_fuzz.py, is
#: random); ``TRANSCRIPT_FIX_PROPERTY_RANDOM=1`` explores new examples locally.
EXAMPLES = int(os.environ.get("TRANSCRIPT_FIX_PROPERTY_EXAMPLES", "300"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("TRANSCRIPT_FIX_PROPERTY_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
