"""Fuzzing the readers and the whole pipeline for a bounded time (issue 8).

Why hypothesis and not atheris: it needs no compiled harness, runs inside pytest, shrinks
what it finds to a small input, and its byte strategies mutate real transcripts well
enough for parsers this size. Each target runs fresh random examples for
``TRANSCRIPT_FIX_FUZZ_SECONDS`` (default 20 s per target, three targets) and prints how
many it executed. An input that crashed once is kept in ``tests/regressions/crashes/``
(file name = the reader it reached) and checked on every run by
``test_regression_inputs``.

What counts as a crash: any exception other than ``ParseError`` from a reader; any
``internal error`` from the pipeline; edits that do not replay or lie outside the input;
an output, written or re-read, that the tool itself refuses; a report that does not
render.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import GLOSSARY, SOURCES

from pipeline import html_report, report
from pipeline.api import FileResult, Runner
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.files import decode_bytes
from pipeline.formats import EXTENSIONS, read_document, write_document
from pipeline.model import Edit, apply_edits

SECONDS = float(os.environ.get("TRANSCRIPT_FIX_FUZZ_SECONDS", "20"))
CRASHES = Path(__file__).resolve().parent / "regressions" / "crashes"
RUNNER = Runner(Config(), GLOSSARY)
EXTS = sorted(EXTENSIONS)

#: Small bursts of fresh random examples until the time is up; the database replays
#: failures found earlier on this machine first.
BURST = settings(
    max_examples=200,
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)

# --- inputs ----------------------------------------------------------------------------

TOKENS = [
    b"WEBVTT\n", b"-->", b" --> ", b"00:00:01.000", b"00:00:01,000", b"99:59:59.999", b"\n\n",
    b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe9", b"<c>", b"</c>",
    b"<00:00:01.500>", b"NOTE ", b"&amp;", b"&#", b"&#x1F600;", b"[Muziek]", b"\xe2\x99\xaa",
    b"## Transcript\n", b"---\n", b"# ", b"{", b"}", b"[", b"]", b'"', b'"segs":', b'"utf8":',
    b'"events":', b'"tStartMs":', b"\\u", b"\\ud800", b"1\n", b"Open AI", b"Sam Oldman", b"clot",
    b"\t", b"\xa0", b"\xc2\xa0", b"\xe2\x80\x8b", b"-" * 3, b"9" * 30, b"e" * 200,
]


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """(extension, bytes): a valid transcript of any format, then byte-level mutations."""
    fmt = draw(st.sampled_from(list(SOURCES)))
    strategy, ext = SOURCES[fmt]
    data = bytearray(draw(strategy).encode("utf-8"))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup", "truncate", "token"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif op == "replace" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "dup":
            end = min(len(data), at + draw(st.integers(1, 60)))
            data[end:end] = data[at:end]
        elif op == "truncate":
            del data[at:]
    ext = draw(st.sampled_from([ext] * 4 + EXTS))  # sometimes the wrong reader
    return ext, bytes(data)


any_bytes = st.tuples(st.sampled_from(EXTS), st.binary(max_size=400))
fuzz_input = st.one_of(mutated(), mutated(), mutated(), any_bytes)

# --- the checks a fuzz input must pass ----------------------------------------------------


def read_bytes(ext: str, data: bytes):
    """The document, or None where the tool refuses the input with a ParseError."""
    try:
        text, _ = decode_bytes(data, "f" + ext)
        return read_document("f" + ext, text)
    except ParseError as exc:
        assert str(exc).startswith("f" + ext), exc  # the message names the file
        assert "\n" not in str(exc), exc  # and is one line
        return None


def check_document(doc) -> None:
    n = len(doc.text)
    for a, b in doc.regions:
        assert 0 <= a <= b <= n
    for s in doc.segments:
        assert 0 <= s.start <= s.end <= n
        if doc.cues:
            assert 0 <= s.cue < len(doc.cues)
    again = write_document(doc, doc)
    again.encode("utf-8")  # writable
    reread = read_document("f." + {"markdown": "md", "text": "txt"}.get(doc.fmt, doc.fmt), again)
    assert reread.fmt == doc.fmt


def check_pipeline(ext: str, doc) -> None:
    result = RUNNER.fix_document(doc)
    text = doc.text
    end = 0
    for e in result.edits:
        assert 0 <= e.start <= e.end <= len(text) and text[e.start : e.end] == e.before
        assert e.start >= end
        end = e.end
    assert apply_edits(text, result.edits) == result.corrected.text
    rows = json.loads(report.to_json(FileResult("f" + ext, "f" + ext, "ok", result=result)))["edits"]
    assert apply_edits(text, [Edit(**r) for r in rows]) == result.corrected.text
    fr = FileResult("f" + ext, "f" + ext, "ok", result=result)
    report.to_markdown(fr)
    report.word_diff(result)
    report.check_lines(fr)
    html_report.render_report(fr)
    result.output.encode("utf-8")
    if result.output.strip():
        again = read_document("f" + ext, result.output)
        RUNNER.fix_document(again)


def check_input(ext: str, data: bytes) -> None:
    doc = read_bytes(ext, data)
    if doc is not None:
        check_document(doc)
        check_pipeline(ext, doc)


# --- the fuzz targets -----------------------------------------------------------------------


def fuzz(target, budget: float, capsys) -> None:
    """Run ``target`` (a @given test) in bursts until ``budget`` seconds have passed."""
    count = [0]
    start = time.monotonic()

    def counted(*args):
        count[0] += 1
        target(*args)

    wrapped = BURST(given(fuzz_input)(lambda pair: counted(*pair)))
    while time.monotonic() - start < budget:
        wrapped()
    spent = time.monotonic() - start
    with capsys.disabled():
        print(f"\nfuzz {target.__name__}: {count[0]} executions in {spent:.1f} s")


def test_fuzz_readers(capsys) -> None:
    def readers(ext: str, data: bytes) -> None:
        doc = read_bytes(ext, data)
        if doc is not None:
            check_document(doc)

    fuzz(readers, SECONDS, capsys)


def test_fuzz_pipeline(capsys) -> None:
    fuzz(check_input, SECONDS, capsys)


def test_fuzz_pipeline_without_markers_or_normalization(capsys) -> None:
    global RUNNER
    saved = RUNNER
    RUNNER = Runner(Config.model_validate({"normalize": {"enabled": False}}), GLOSSARY)
    try:
        fuzz(check_input, SECONDS / 2, capsys)
    finally:
        RUNNER = saved


# --- what fuzzing found ---------------------------------------------------------------------


def _crash_files() -> list[Path]:
    return sorted(p for p in CRASHES.iterdir() if p.is_file() and p.suffix in EXTENSIONS) if CRASHES.is_dir() else []


@pytest.mark.parametrize("path", _crash_files(), ids=lambda p: p.name)
def test_regression_inputs(path: Path) -> None:
    check_input(path.suffix, path.read_bytes())
