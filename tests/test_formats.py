"""Readers and writers per format, on small inline documents and on real caption files.

Why real files: auto-captions have quirks no hand-written sample has (yt-dlp's rolling
cues and 10 ms hold cues, inline ``<c>`` word timings, a cue missing its blank line,
json3 ``aAppend`` events). The CC0/MIT samples are copied into ``tests/data/`` (see its
``ATTRIBUTION.md``); the ones with an unknown licence are read from
``../shared/corpora/vtt`` and skipped when it is absent (PROVENANCE.md).

House style point 9: readers are lenient, writers strict, timings survive a round trip,
and a reader that cannot parse raises ``ParseError(path, line, column, message)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.api import Runner, fix_text
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.files import decode_bytes, read_text_file
from pipeline.formats import (
    EXTENSIONS,
    READERS,
    WRITERS,
    NoTranscriptSection,
    detect_format,
    read_document,
    write_document,
)
from pipeline.formats.json3 import read_json3, write_json3
from pipeline.formats.markdown import read_markdown, write_markdown
from pipeline.formats.srt import read_srt, write_srt
from pipeline.formats.text import read_text, write_text
from pipeline.formats.vtt import read_vtt, write_vtt
from pipeline.glossary import Glossary
from pipeline.model import Document

BENNU = DATA / "en_auto_glGJqlfLbIQ_anton-petrov-bennu.en.vtt"
FRENCH = DATA / "fr_auto_nfupYzLjFGc_florian-bruniaux-rex-ai-first_0m00-10m59.fr.vtt"
LEGACY = DATA / "en_auto_legacy-youtube-dl-colortags_webvtt-py.vtt"

#: Real samples in ../shared/corpora/vtt with an unknown licence: read there, never copied.
SHARED_SAMPLES = {
    "de_auto_uniwien-zeilinger_first37s.json3": ("json3", "", 12),
    "en_auto_karpathy-dwarkesh_first22s.json3": ("json3", "", 12),
    "nl_auto_EFAu5nYWeCM_anwb-kia-ev2_0m06-0m17_snippet.nl.vtt": ("vtt", "nl", 6),
    "nl_podcast-srt_aitoday-live-s06e83_first9cues.nl.srt": ("srt", "", 9),
    "fr_auto_nfupYzLjFGc_florian-bruniaux-rex-ai-first.fr.vtt": ("vtt", "fr", 1973),
    "en_auto_glGJqlfLbIQ_anton-petrov-bennu.en.vtt": ("vtt", "en", 288),
    "en_auto_legacy-youtube-dl-colortags_webvtt-py.vtt": ("vtt", "en", 3),
}
DATA_SAMPLES = {BENNU: ("vtt", "en", 288), FRENCH: ("vtt", "fr", 315), LEGACY: ("vtt", "en", 3)}


def read_file(path: Path) -> Document:
    text, _ = read_text_file(path)
    return read_document(str(path), text)


def timings(doc: Document) -> list[tuple[int, int]]:
    return [(c.start_ms, c.end_ms) for c in doc.cues]


def test_registry_pairs_every_reader_with_a_writer() -> None:
    assert set(READERS) == set(WRITERS) == set(EXTENSIONS.values())


# ------------------------------------------------------------------------------ WebVTT

ROLLING = """WEBVTT
Kind: captions
Language: nl

00:00:01.000 --> 00:00:02.000 align:start position:0%
 
Open<00:00:01.400><c> AI</c><00:00:01.700><c> heeft</c>

00:00:02.000 --> 00:00:02.010 align:start position:0%
Open AI heeft
 

00:00:02.010 --> 00:00:04.000 align:start position:0%
Open AI heeft
iets<00:00:02.500><c> nieuws</c>
"""


def test_read_vtt_rolling_keeps_each_line_once_with_word_times() -> None:
    doc = read_vtt(ROLLING, "a.vtt")
    assert doc.text == "Open AI heeft\niets nieuws"
    assert doc.language == "nl"
    assert timings(doc) == [(1000, 2000), (2010, 4000)]  # the 10 ms hold cue is dropped
    assert [(doc.text[s.start : s.end], s.time_ms) for s in doc.segments] == [
        ("Open", 1000), (" AI", 1400), (" heeft", 1700), ("iets", 2010), (" nieuws", 2500),
    ]
    assert [s.line for s in doc.segments] == [7, 7, 7, 15, 15]


def test_write_vtt_rolling_is_one_clean_cue_per_spoken_line() -> None:
    doc = read_vtt(ROLLING, "a.vtt")
    assert write_vtt(doc, doc) == (
        "WEBVTT\nKind: captions\nLanguage: nl\n\n"
        "00:00:01.000 --> 00:00:02.000 align:start position:0%\nOpen AI heeft\n\n"
        "00:00:02.010 --> 00:00:04.000 align:start position:0%\niets nieuws\n"
    )


PLAIN_VTT = (
    "WEBVTT\r\n\r\n"
    "intro\r\n00:00:01.000 --> 00:00:02.000 line:0\r\nOpen &amp; AI\r\ntweede regel\r\n\r\n"
    "NOTE dit is commentaar\r\n\r\n"
    "STYLE\r\n::cue { color: red }\r\n\r\n"
    "01:00:02.000 --> 01:00:03.500\r\nzegt\r\n"
)


def test_read_vtt_plain_keeps_identifiers_settings_and_skips_blocks() -> None:
    doc = read_vtt(PLAIN_VTT, "a.vtt")
    assert doc.text == "Open & AI\ntweede regel\nzegt"
    assert doc.language == ""
    assert [(c.identifier, c.settings, c.line) for c in doc.cues] == [("intro", "line:0", 4), ("", "", 13)]
    assert timings(doc) == [(1000, 2000), (3_602_000, 3_603_500)]


def test_write_vtt_plain_round_trip_is_byte_identical_with_crlf() -> None:
    doc = read_vtt(PLAIN_VTT, "a.vtt")
    expected = (
        "WEBVTT\r\n\r\nintro\r\n00:00:01.000 --> 00:00:02.000 line:0\r\nOpen &amp; AI\r\ntweede regel\r\n\r\n"
        "01:00:02.000 --> 01:00:03.500\r\nzegt\r\n"
    )
    assert write_vtt(doc, doc) == expected  # NOTE/STYLE blocks are not carried over
    assert write_vtt(read_vtt(expected), read_vtt(expected)) == expected


def test_read_vtt_short_timestamps_and_missing_blank_line() -> None:
    doc = read_vtt("WEBVTT\n\n00:01.000 --> 00:02.500\neen\n00:03.000 --> 00:04.000\ntwee\n", "a.vtt")
    assert doc.text == "een\ntwee"
    assert timings(doc) == [(1000, 2500), (3000, 4000)]


def test_vtt_markup_other_than_c_tags_survives_a_round_trip() -> None:
    src = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Hallo <i>daar</i>\n"
    doc = read_vtt(src, "a.vtt")
    assert "&lt;" not in write_vtt(doc, doc)


# Found while writing these tests (fixed in 4ee72fe): the cue cache lived in the meta dict
# that with_edits() shares with the corrected copy, so writers put text under the wrong
# timings or split a word across cues ('An' / 'thropic').
def test_corrected_document_does_not_reuse_the_originals_cue_cache() -> None:
    from pipeline.model import Edit

    src = (
        "1\n00:00:01,000 --> 00:00:02,000\nOpen\n\n2\n00:00:03,000 --> 00:00:04,000\n[Muziek]\n\n"
        "3\n00:00:04,000 --> 00:00:05,000\niets\n\n"
    )
    doc = read_srt(src, "a.srt")
    doc.segments_of(0)  # what a report's locate() does before the writer runs
    new = doc.with_edits([Edit("strip_markers", "tag:music", "rule", 1.0, 5, 13, "[Muziek]", "")])
    assert [new.cue_text(i) for i in range(3)] == ["Open", "", "iets"]


def test_vtt_word_corrected_across_two_cues_goes_to_the_first(fixture_glossary: Glossary) -> None:
    src = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ndit is En\n\n"
        "00:00:02.000 --> 00:00:03.000\nTropic en zo\n\n"
        "00:00:03.000 --> 00:00:04.000\n[Muziek]\n\n"
        "00:00:04.000 --> 00:00:05.000\nchat\n\n"
        "00:00:05.000 --> 00:00:06.000\nGPT is leuk\n"
    )
    result = fix_text(src, glossary=fixture_glossary, fmt="vtt")
    assert result.output == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ndit is Anthropic\n\n"
        "00:00:02.000 --> 00:00:03.000\nen zo\n\n"
        "00:00:04.000 --> 00:00:05.000\nChatGPT\n\n"
        "00:00:05.000 --> 00:00:06.000\nis leuk\n"
    )
    assert [(e.before, e.cue_time, e.line) for e in result.edits] == [
        ("En\nTropic", "00:00:01.000", 4),
        ("[Muziek]", "00:00:03.000", 10),
        ("chat\nGPT", "00:00:04.000", 13),
    ]


# ---------------------------------------------------------------------------------- SRT

SRT = "1\n00:00:01,000 --> 00:00:02,500\nOpen AI\nmaakt\n\n2\n00:00:03,000 --> 00:00:04,000\n[Muziek]\n\n3\n00:00:04,000 --> 00:00:05,000\niets\n\n"


def test_read_srt() -> None:
    doc = read_srt(SRT, "a.srt")
    assert doc.text == "Open AI\nmaakt\n[Muziek]\niets"
    assert timings(doc) == [(1000, 2500), (3000, 4000), (4000, 5000)]
    assert [(c.identifier, c.line) for c in doc.cues] == [("1", 3), ("2", 8), ("3", 12)]


def test_write_srt_round_trip_is_byte_identical() -> None:
    doc = read_srt(SRT, "a.srt")
    assert write_srt(doc, doc) == SRT
    crlf = SRT.replace("\n", "\r\n")
    doc = read_srt(crlf, "a.srt")
    assert doc.text == "Open AI\nmaakt\n[Muziek]\niets"
    assert write_srt(doc, doc) == crlf


def test_write_srt_drops_emptied_cues_and_renumbers(fixture_glossary: Glossary) -> None:
    result = fix_text(SRT, glossary=fixture_glossary, fmt="srt")
    assert result.output == (
        "1\n00:00:01,000 --> 00:00:02,500\nOpen AI\nmaakt\n\n"
        "2\n00:00:04,000 --> 00:00:05,000\niets\n\n"
    )


# -------------------------------------------------------------------------------- json3

JSON3 = {
    "wireMagic": "pb3",
    "events": [
        {"tStartMs": 0, "dDurationMs": 5000, "id": 1, "wpWinPosId": 1},
        {"tStartMs": 0, "dDurationMs": 2000, "wWinId": 1, "segs": [
            {"utf8": "En"}, {"utf8": " Tropic", "tOffsetMs": 400, "acAsrConf": 0}, {"utf8": " zegt", "tOffsetMs": 800}]},
        {"tStartMs": 2000, "wWinId": 1, "aAppend": 1, "segs": [{"utf8": "\n"}]},
        {"tStartMs": 2000, "dDurationMs": 1000, "segs": [{"utf8": "[Muziek]"}]},
        {"tStartMs": 3000, "dDurationMs": 1000, "segs": [{"utf8": "chat"}, {"utf8": " GPT", "tOffsetMs": 300}]},
    ],
}


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "indented"])
def test_json3_round_trip_keeps_layout(compact: bool) -> None:
    src = (
        json.dumps(JSON3, ensure_ascii=False, separators=(",", ":"))
        if compact
        else json.dumps(JSON3, ensure_ascii=False, indent=1) + "\n"
    )
    doc = read_json3(src, "a.json3")
    assert doc.text == "En Tropic zegt\n[Muziek]\nchat GPT"
    assert [s.time_ms for s in doc.segments] == [0, 400, 800, 2000, 3000, 3300]
    assert [c.identifier for c in doc.cues] == ["1", "3", "4"]
    assert write_json3(doc, doc) == src


def test_json3_corrected_words_go_back_into_their_segs(fixture_glossary: Glossary) -> None:
    result = fix_text(json.dumps(JSON3), glossary=fixture_glossary, fmt="json3")
    events = json.loads(result.output)["events"]
    assert [e.get("segs") for e in events] == [
        None,
        [{"utf8": "Anthropic"}, {"utf8": "", "tOffsetMs": 400, "acAsrConf": 0}, {"utf8": " zegt", "tOffsetMs": 800}],
        [{"utf8": "\n"}],
        [{"utf8": "ChatGPT"}, {"utf8": "", "tOffsetMs": 300}],
    ]  # the event that only held [Muziek] is dropped; every other field is kept


# ----------------------------------------------------------------------- Markdown, text

NOTE = (
    "# Open AI &amp; zo\n\n**Source:** [YouTube](https://www.youtube.com/watch?v=YULg4vMdULo)\n\n"
    "## Transcript\n\nOpen AI heeft [Muziek] iets\ntweede regel\n\n---\n\n## Notes\nOpen AI heeft\n"
)


def test_read_markdown_section_title_and_video_id() -> None:
    doc = read_markdown(NOTE, "n.md")
    a, b = doc.regions[0]
    assert doc.text[a:b] == "\nOpen AI heeft [Muziek] iets\ntweede regel\n\n"
    assert doc.meta == {"title": "Open AI &amp; zo", "video_id": "YULg4vMdULo"}
    assert [(s.line, doc.text[s.start : s.end]) for s in doc.segments if s.end > s.start] == [
        (7, "Open AI heeft [Muziek] iets"), (8, "tweede regel"),
    ]


def test_markdown_outside_the_transcript_is_byte_for_byte(fixture_glossary: Glossary) -> None:
    result = fix_text(NOTE, glossary=fixture_glossary, fmt="markdown")
    assert result.output == NOTE.replace("Open AI heeft [Muziek] iets", "OpenAI heeft iets")
    assert write_markdown(result.original, result.corrected) == result.output


@pytest.mark.parametrize(
    "heading", ["## Transcript", "# Transcript", "### transcript", "## Transcriptie", "## Transcript ##"]
)
def test_markdown_transcript_heading_variants(heading: str) -> None:
    doc = read_markdown(f"# T\n\n{heading}\n\nhoi\n", "n.md")
    assert doc.text[doc.regions[0][0] : doc.regions[0][1]] == "\nhoi\n"


def test_markdown_without_transcript_section() -> None:
    with pytest.raises(NoTranscriptSection) as info:
        read_markdown("# Notes\n\n## Transcripts of talks\n", "n.md")
    assert (info.value.path, info.value.line, info.value.column) == ("n.md", None, None)
    assert str(info.value) == "n.md: no '## Transcript' section in this Markdown file"
    assert isinstance(info.value, ParseError)


def test_text_round_trip_keeps_line_endings() -> None:
    src = "een\r\ntwee\nlaatste zonder einde"
    doc = read_text(src, "a.txt")
    assert [(s.line, src[s.start : s.end]) for s in doc.segments] == [
        (1, "een"), (2, "twee"), (3, "laatste zonder einde"),
    ]
    assert write_text(doc, doc) == src


# ----------------------------------------------------------------- detection and errors


@pytest.mark.parametrize(
    ("path", "text", "fmt"),
    [
        ("a.VTT", "", "vtt"),
        ("a.srt", "", "srt"),
        ("a.json3", "", "json3"),
        ("a.md", "", "markdown"),
        ("a.markdown", "", "markdown"),
        ("a.txt", "", "text"),
        ("captions", "WEBVTT\n", "vtt"),
        ("captions", '{"events": []}', "json3"),
        ("captions", "1\n00:00:01,000 --> 00:00:02,000\nhoi\n", "srt"),
    ],
)
def test_detect_format(path: str, text: str, fmt: str) -> None:
    assert detect_format(path, text) == fmt


READ_ERRORS = [
    # (id, path, text, message as printed, line, column)
    ("vtt-no-header", "a.vtt", "hello\n", "a.vtt:1:1: missing 'WEBVTT' header on the first line", 1, 1),
    ("vtt-bad-arrow", "a.vtt", "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhoi\n",
     "a.vtt:3:1: expected a cue timing line 'start --> end', got '00:00:01.000 -> 00:00:02.000'", 3, 1),
    ("vtt-bad-start", "a.vtt", "WEBVTT\n\nxx --> 00:00:02.000\nhoi\n", "a.vtt:3:1: bad timestamp 'xx'", 3, 1),
    ("vtt-bad-end-column", "a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nhoi\n",
     "a.vtt:3:18: bad timestamp '00:0x:02.000'", 3, 18),
    ("vtt-ends-before-start", "a.vtt", "WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nhoi\n",
     "a.vtt:3:1: cue ends (00:00:02.000) before it starts (00:00:03.000)", 3, 1),
    ("vtt-stray-line", "a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhoi\n\nrommel\n",
     "a.vtt:6:1: expected a cue timing line 'start --> end', got 'rommel'", 6, 1),
    ("srt-garbage", "a.srt", "garbage", "a.srt:1:1: not a valid SRT block: 'garbage'", 1, 1),
    ("srt-ends-before-start", "a.srt", "1\n00:00:03,000 --> 00:00:02,000\nhoi\n",
     "a.srt:1:1: cue 1 ends before it starts", 1, 1),
    ("srt-empty", "a.srt", "\n\n", "a.srt: no subtitles found in this SRT file", None, None),
    ("json3-invalid", "a.json3", '{"events": [}', "a.json3:1:13: invalid JSON: Expecting value", 1, 13),
    ("json3-no-events", "a.json3", '{"foo": 1}', "a.json3: not YouTube json3 timedtext (no 'events' list)", None, None),
    ("json3-bad-event", "a.json3", '{"events": [1]}', "a.json3: event 0 is not an object", None, None),
    ("json3-bad-segs", "a.json3", '{"events": [{"segs": [1]}]}', "a.json3: event 0 has malformed 'segs'", None, None),
    ("unsupported", "a.xyz", "hello", "a.xyz: unsupported file type (expected .md, .vtt, .srt, .json3 or .txt)", None, None),
]


@pytest.mark.parametrize(("path", "text", "message", "line", "column"), [c[1:] for c in READ_ERRORS], ids=[c[0] for c in READ_ERRORS])
def test_reader_errors_name_file_line_and_column(path: str, text: str, message: str, line, column) -> None:
    with pytest.raises(ParseError) as info:
        read_document(path, text)
    assert str(info.value) == message
    assert (info.value.path, info.value.line, info.value.column) == (path, line, column)


DECODE = [
    ("empty", b"", "f.txt: file is empty"),
    ("binary", b"\x00\x01abc", "f.txt: binary file (contains NUL bytes), not a transcript"),
    ("latin-1", b"caf\xe9", "f.txt:1:4: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8"),
    ("bad-byte-line-2", b"ok\n\xff", "f.txt:2:1: not valid UTF-8 (byte 0xff); re-save the file as UTF-8"),
    ("truncated-utf16", b"\xff\xfe\x00\xd8", "f.txt: invalid UTF-16: unexpected end of data"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in DECODE], ids=[c[0] for c in DECODE])
def test_decode_errors(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        decode_bytes(data, "f.txt")
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("data", "decoded"),
    [(b"hoi", ("hoi", False)), (b"\xef\xbb\xbfhoi", ("hoi", True)), (b"\xff\xfeh\x00i\x00", ("hi", True))],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom"],
)
def test_decode_accepts(data: bytes, decoded: tuple[str, bool]) -> None:
    assert decode_bytes(data, "f.txt") == decoded


# ------------------------------------------------------------------------ real samples


def _round_trip(doc: Document) -> None:
    """Writing then reading again gives the same text and every cue timing."""
    out = write_document(doc, doc)
    again = read_document(doc.path, out)
    assert again.text == doc.text
    assert timings(again) == timings(doc)
    assert write_document(again, again) == out


@pytest.mark.parametrize("path", list(DATA_SAMPLES), ids=[p.name for p in DATA_SAMPLES])
def test_copied_samples_read_and_round_trip(path: Path) -> None:
    fmt, language, cues = DATA_SAMPLES[path]
    doc = read_file(path)
    assert (doc.fmt, doc.language, len(doc.cues)) == (fmt, language, cues)
    _round_trip(doc)


@pytest.mark.parametrize("name", list(SHARED_SAMPLES))
def test_shared_samples_read_and_round_trip(name: str) -> None:
    fmt, language, cues = SHARED_SAMPLES[name]
    doc = read_file(shared_path("corpora", "vtt", name))
    assert (doc.fmt, doc.language, len(doc.cues)) == (fmt, language, cues)
    _round_trip(doc)


@pytest.mark.parametrize("name", [n for n, (fmt, _, _) in SHARED_SAMPLES.items() if fmt != "vtt"])
def test_shared_srt_and_json3_round_trip_byte_identical(name: str) -> None:
    path = shared_path("corpora", "vtt", name)
    text, _ = read_text_file(path)
    doc = read_document(str(path), text)
    # The AIToday SRT lacks the blank line after its last block; the writer adds it.
    assert write_document(doc, doc).rstrip("\n") == text.rstrip("\n")


def test_real_sample_details(shared_vtt_dir: Path) -> None:
    bennu = read_file(BENNU)
    assert bennu.text.startswith("hello wonderful person this is Anton and\n")
    assert timings(bennu)[0] == (40, 1949)
    legacy = read_file(LEGACY)
    assert legacy.text == "yeah\nwhat\nthis will happen is I'm telling"  # colour tags gone
    karpathy = read_file(shared_vtt_dir / "en_auto_karpathy-dwarkesh_first22s.json3")
    assert karpathy.text.startswith("reinforcement learning is terrible.\n")
    zeilinger = read_file(shared_vtt_dir / "de_auto_uniwien-zeilinger_first37s.json3")
    assert "im Audimx der" in zeilinger.text  # the ASR error is read as it is
    srt_doc = read_file(shared_vtt_dir / "nl_podcast-srt_aitoday-live-s06e83_first9cues.nl.srt")
    assert srt_doc.cues[0].start_ms == 1 and srt_doc.text.endswith("bij het bedrijf ID&T.")


VTT_SAMPLES = [BENNU, FRENCH, LEGACY]
SHARED_VTT = [n for n, (fmt, _, _) in SHARED_SAMPLES.items() if fmt == "vtt"]


@pytest.mark.parametrize(
    "source",
    [str(p) for p in VTT_SAMPLES] + [f"shared:{n}" for n in SHARED_VTT],
    ids=[p.name for p in VTT_SAMPLES] + [f"shared-{n}" for n in SHARED_VTT],
)
def test_vtt_round_trip_without_glossary_changes_only_markers_and_normalization(
    source: str, markers_only_glossary: Glossary
) -> None:
    """Issue 2: no glossary entries -> only markers and normalization change, timings stay."""
    path = shared_path("corpora", "vtt", source[7:]) if source.startswith("shared:") else Path(source)
    doc = read_file(path)
    result = Runner(Config(), markers_only_glossary).fix_document(doc)
    assert {e.stage for e in result.edits} <= {"normalize", "strip_markers"}
    assert not result.suggestions
    out = read_document(str(path), result.output)
    kept = [i for i in range(len(doc.cues)) if result.corrected.cue_text(i).strip()]
    # Every cue that still has text keeps its exact timing and settings, in order.
    assert [(c.start_ms, c.end_ms, c.settings) for c in out.cues] == [
        (doc.cues[i].start_ms, doc.cues[i].end_ms, doc.cues[i].settings) for i in kept
    ]
    assert out.text == "\n".join(result.corrected.cue_text(i).strip() for i in kept)
    # A cue is only dropped when a marker was all it held.
    for i in set(range(len(doc.cues))) - set(kept):
        assert doc.cue_text(i).strip().strip("[]()♪♫ ").lower() in {"music", "musique", "muziek", "applause", "rires", ""}


def test_french_sample_strips_markers_inside_word_timing_tags(markers_only_glossary: Glossary) -> None:
    # The full file (not the copied cut) has `[rires]` inside `<c>` word-timing tags.
    path = shared_path("corpora", "vtt", "fr_auto_nfupYzLjFGc_florian-bruniaux-rex-ai-first.fr.vtt")
    result = Runner(Config(), markers_only_glossary).fix_document(read_file(path))
    assert sorted({e.before.strip() for e in result.edits}) == ["[musique]", "[rires]"]
    assert "[musique]" not in result.output and "[rires]" not in result.output


# --------------------------------------------------------------------------- properties

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëï ,.?!'", min_size=1, max_size=30).filter(
    lambda s: s.strip() != "" and s == " ".join(s.split())
)


@st.composite
def _cues(draw):
    n = draw(st.integers(1, 8))
    start = draw(st.integers(0, 10_000_000))
    cues = []
    for _ in range(n):
        length = draw(st.integers(1, 60_000))
        lines = draw(st.lists(_WORDS, min_size=1, max_size=2))
        cues.append((start, start + length, lines))
        start += length + draw(st.integers(0, 5000))
    return cues


def _ts(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


@settings(max_examples=60, deadline=None)
@given(_cues())
def test_property_srt_round_trip(cues) -> None:
    src = "".join(
        f"{k}\n{_ts(a, ',')} --> {_ts(b, ',')}\n" + "\n".join(lines) + "\n\n"
        for k, (a, b, lines) in enumerate(cues, 1)
    )
    doc = read_srt(src, "p.srt")
    assert timings(doc) == [(a, b) for a, b, _ in cues]
    assert doc.text == "\n".join("\n".join(lines) for _, _, lines in cues)
    assert write_srt(doc, doc) == src


@settings(max_examples=60, deadline=None)
@given(_cues())
def test_property_vtt_round_trip(cues) -> None:
    src = "WEBVTT\n\n" + "\n".join(
        f"{_ts(a, '.')} --> {_ts(b, '.')}\n" + "\n".join(lines) + "\n" for a, b, lines in cues
    )
    doc = read_vtt(src, "p.vtt")
    assert timings(doc) == [(a, b) for a, b, _ in cues]
    assert doc.text == "\n".join("\n".join(lines) for _, _, lines in cues)
    assert write_vtt(doc, doc) == src
