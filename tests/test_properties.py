"""Invariants of the whole pipeline, proven by hypothesis over every reader format (issue 8).

Why properties and not more examples: users run this in place over folders they care
about, so "it never loses or corrupts text" has to hold for inputs nobody wrote down.
Each property runs ``reliability_support.EXAMPLES`` examples per format (derandomized,
so CI is reproducible):

- idempotence: fixing a fixed transcript changes nothing;
- replay: the report's edits, applied to the original, give the output exactly;
- offsets: inside the input, sorted, not overlapping, ``before`` is the original slice;
- containment: a note outside its transcript section and every cue timing are kept;
  with an empty glossary only ``normalize`` and ``strip_markers`` edit; with those off
  too, nothing changes at all;
- round trips: VTT and SRT (CRLF, BOM, no final newline) read and written without edits
  are equivalent; text and Markdown come back byte for byte.

Inputs that once broke a property are kept at the bottom as plain regression examples.
A new known bug goes there as an ``xfail(strict=True)`` example until it is fixed.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_support import (
    GLOSSARY,
    MARKERS_ONLY,
    PROPERTY,
    SOURCES,
    file_style,
    rolling_vtt_source,
    srt_source,
    vtt_source,
)

from pipeline import report
from pipeline.api import FileResult, Result, Runner
from pipeline.config import Config
from pipeline.files import atomic_write, decode_bytes, sniff_encoding
from pipeline.formats import read_document, write_document
from pipeline.glossary import Glossary
from pipeline.model import Document, Edit, apply_edits

FORMATS = list(SOURCES)

RUNNER = Runner(Config(), GLOSSARY)
NOTHING = Config.model_validate({"normalize": {"enabled": False}, "strip_markers": {"enabled": False}})


def read(fmt: str, text: str) -> Document:
    """Every file the strategies write must be readable: the readers are lenient."""
    return read_document("t" + SOURCES[fmt][1], text)


def fix(runner: Runner, fmt: str, text: str) -> Result:
    return runner.fix_document(read(fmt, text))


def source(fmt: str) -> st.SearchStrategy[str]:
    return SOURCES[fmt][0]


# --- known bugs (pipeline/stages, pipeline/matching), assumed away by name -----------

# --- idempotence -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data())
def test_fixing_a_fixed_transcript_changes_nothing(fmt: str, data: st.DataObject) -> None:
    text = data.draw(source(fmt))
    first = fix(RUNNER, fmt, text)
    second = fix(RUNNER, fmt, first.output)
    assert second.edits == ()
    assert second.output == first.output


# --- replay ----------------------------------------------------------------------------


def report_edits(result: Result) -> list[Edit]:
    """The applied edits as the JSON report gives them to a reader of the report."""
    fr = FileResult(result.original.path, "t", "ok", result=result)
    rows = json.loads(report.to_json(fr))["edits"]
    return [Edit(**row) for row in rows]


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data())
def test_the_reports_edits_replay_to_the_output(fmt: str, data: st.DataObject) -> None:
    text = data.draw(source(fmt))
    result = fix(RUNNER, fmt, text)
    edits = report_edits(result)
    assert apply_edits(result.original.text, edits) == result.corrected.text
    replayed = result.original.with_edits(edits)
    assert write_document(result.original, replayed) == result.output
    if fmt in ("text", "markdown"):
        # These formats' document text is the file itself: the report points into it.
        assert apply_edits(text, edits) == result.output


# --- offsets ---------------------------------------------------------------------------


def check_spans(text: str, edits: tuple[Edit, ...]) -> None:
    end = 0
    for e in edits:
        assert 0 <= e.start <= e.end <= len(text), e
        assert text[e.start : e.end] == e.before, e
        assert e.start >= end, f"{e} overlaps the edit before it (ends at {end})"
        end = e.end


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data())
def test_offsets_lie_inside_the_input_and_do_not_overlap(fmt: str, data: st.DataObject) -> None:
    result = fix(RUNNER, fmt, data.draw(source(fmt)))
    text = result.original.text
    assert list(result.edits) == sorted(result.edits, key=lambda e: e.start)
    check_spans(text, result.edits)
    check_spans(text, tuple(sorted(result.suggestions, key=lambda e: e.start)))
    for e in result.edits + result.suggestions:
        assert any(a <= e.start and e.end <= b for a, b in result.original.regions), e


# --- containment -----------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_a_note_outside_its_transcript_section_is_unchanged(data: st.DataObject) -> None:
    text = data.draw(source("markdown"))
    result = fix(RUNNER, "markdown", text)
    (a, b), = result.original.regions
    assert result.output[:a] == text[:a]
    assert result.output[len(result.output) - (len(text) - b) :] == text[b:]


def cue_timings(doc: Document) -> list[tuple[int, int, str]]:
    return [(c.start_ms, c.end_ms, c.settings) for c in doc.cues]


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
@PROPERTY
@given(data=st.data())
def test_every_cue_timing_is_kept(fmt: str, data: st.DataObject) -> None:
    result = fix(RUNNER, fmt, data.draw(source(fmt)))
    kept = [i for i in range(len(result.original.cues)) if result.corrected.cue_text(i).strip()]
    if fmt == "srt" and not kept:
        kept = [0]  # an SRT needs one cue: a file of only sound tags keeps its first, emptied
    written = read(fmt, result.output)
    before = cue_timings(result.original)
    assert cue_timings(written) == [before[i] for i in kept]
    if fmt == "vtt":
        ids = [c.identifier for c in result.original.cues]
        assert [c.identifier for c in written.cues] == [ids[i] for i in kept]


@PROPERTY
@given(text=source("json3"))
def test_json3_keeps_every_field_but_the_words(text: str) -> None:
    result = fix(RUNNER, "json3", text)
    before = json.loads(text)["events"]
    after = json.loads(result.output)["events"]

    def strip_words(event: dict) -> dict:
        return {k: v for k, v in event.items() if k != "segs"} | {
            "segs": [{k: v for k, v in s.items() if k != "utf8"} for s in event.get("segs", [])]
        }

    kept = [strip_words(e) for e in before]
    assert all(strip_words(e) in kept for e in after)
    assert [strip_words(e) for e in after] == [
        e for e in kept if e in [strip_words(x) for x in after]
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data())
def test_an_empty_glossary_only_normalizes_and_strips_markers(fmt: str, data: st.DataObject) -> None:
    text = data.draw(source(fmt))
    with_markers = fix(Runner(Config(), MARKERS_ONLY), fmt, text)
    assert {e.stage for e in with_markers.edits + with_markers.suggestions} <= {"normalize", "strip_markers"}
    bare = fix(Runner(Config(), Glossary()), fmt, text)
    assert {e.stage for e in bare.edits + bare.suggestions} <= {"normalize"}
    nothing = fix(Runner(NOTHING, Glossary()), fmt, text)
    assert nothing.edits == nothing.suggestions == ()
    assert nothing.corrected.text == nothing.original.text
    if fmt in ("text", "markdown"):
        assert nothing.output == text


# --- round trips -----------------------------------------------------------------------


def encode(text: str, bom: bool) -> bytes:
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
@PROPERTY
@given(data=st.data())
def test_vtt_and_srt_round_trip_through_a_file(fmt: str, data: st.DataObject, tmp_path_factory) -> None:
    strategy = {"vtt": st.one_of(vtt_source(), rolling_vtt_source()), "srt": srt_source()}[fmt]
    text = data.draw(strategy)
    _nl, bom, _ = data.draw(file_style())
    raw = encode(text, bom)
    decoded, had_bom = decode_bytes(raw, "t")
    doc = read(fmt, decoded)
    path = tmp_path_factory.mktemp("rt") / ("t." + fmt)
    atomic_write(path, write_document(doc, doc), encoding=sniff_encoding(raw))
    written = path.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") == had_bom
    again_text, _ = decode_bytes(written, str(path))
    assert ("\r\n" in again_text) == ("\r\n" in decoded)
    again = read(fmt, again_text)
    assert cue_timings(again) == cue_timings(doc)
    assert [again.cue_text(i).strip() for i in range(len(again.cues))] == [
        doc.cue_text(i).strip() for i in range(len(doc.cues))
    ]
    # Written once, the file is a fixed point of read-then-write.
    assert write_document(again, again) == again_text


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@PROPERTY
@given(data=st.data())
def test_text_and_markdown_round_trip_byte_for_byte(fmt: str, data: st.DataObject) -> None:
    text = data.draw(source(fmt))
    doc = read(fmt, text)
    assert write_document(doc, doc) == text


# --- regressions found by these properties ---------------------------------------------
# Each input once broke idempotence or replay (issue 8); fixed in the stages, model or
# writers, kept here as plain examples.

REGRESSIONS = [
    ("text", "de &nbsp; dag\n"),  # normalize left three spaces
    ("text", "de \u200b dag\n"),  # zero-width space between spaces left two
    ("text", "CafÃ©&amp; open\n"),  # the entity hid the mojibake word from ftfy
    ("text", "clot de de x x x de Open AI Sonnet\n"),  # guard window counted old tokens
    ("text", "Open AIÏ¶Open AI \n"),  # two merged edits shared one fix: overlap
    ("text", "4,5 Altman je\n"),  # fuzzy n-gram deleted the number
    ("text", "Altman L T\n"),  # fuzzy n-gram deleted the one-letter word, then the next
    ("srt", "00:00:00,000 --> 00:00:01,000\n[Muziek]"),  # all cues dropped: unreadable SRT
    ("srt", "00:00:00,000 --> 00:00:00,000\nAntropic"),  # stale cue cache: 'Anthropi'
    # A marker line between two lines of a cue left a blank line: the rest fell out.
    ("vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOpen AI\n[Muziek]\nzegt\n\n00:00:02.000 --> 00:00:03.000\nhoi\n"),
    ("json3", '{"events": [{"tStartMs": 0, "dDurationMs": 9, "segs": [{"utf8": "Open"}, {"utf8": " AI\\u0080"}]}]}'),
    ("markdown", "# t\r\n\r\n## Transcript\r\n\r\nOpen AI\r\n\r\n---\r\n\r\n## Notes\r\nOpen AI\r\n"),
]


@pytest.mark.parametrize(("fmt", "text"), REGRESSIONS)
def test_regressions_replay_and_are_idempotent(fmt: str, text: str) -> None:
    first = fix(RUNNER, fmt, text)
    assert apply_edits(first.original.text, report_edits(first)) == first.corrected.text
    assert write_document(first.original, first.original.with_edits(report_edits(first))) == first.output
    second = fix(RUNNER, fmt, first.output)
    assert (second.edits, second.output) == ((), first.output)


def test_regression_guard_naming_a_corrected_term_is_idempotent() -> None:
    claude = next(e for e in GLOSSARY.entries if e.id == "claude")
    guarded = claude.model_copy(update={"variants": (
        claude.variants[0].model_copy(update={"require_any": ("Anthropic",)}),
    )})
    runner = Runner(Config(), Glossary(entries=tuple(
        guarded if e.id == "claude" else e for e in GLOSSARY.entries
    )))
    first = fix(runner, "text", "Antropic clot\n")
    assert fix(runner, "text", first.output).edits == ()


# --- bugs these properties found, fixed, pinned as examples ------------------------------
# Each was first an xfail(strict=True) reported to the stage's owner; any new one goes in
# the same way and loses its marker when fixed.


def test_known_space_nbsp_space_run_is_collapsed_and_idempotent() -> None:
    first = fix(RUNNER, "text", "de \u00a0 [Muziek]de \n")
    assert first.output == "de de \n"
    assert fix(RUNNER, "text", first.output).edits == ()
