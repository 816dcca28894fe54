"""Golden files: the corrected output and the JSON edits of every seed and two real VTTs.

Why: these run the REAL ``glossary/`` on real transcripts, so a glossary or matcher
change that alters any output fails here until a person has looked at the new output
(issues 2 and 3). To accept a reviewed change::

    .venv/bin/python -m pytest tests/test_golden.py --force-regen   # rewrites tests/test_golden/
    git diff tests/test_golden/                                      # review, then commit

Cases: every transcript in ``seeds/``, plus two real auto-caption VTTs copied into
``tests/data/`` (CC0 Bennu, MIT French; see ``tests/data/ATTRIBUTION.md``).

House style point 4: applying the JSON edits to the original must reproduce the
corrected file exactly, asserted for every golden case, both in memory and from the
stored golden files themselves.
"""

from __future__ import annotations

import difflib
import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO, SEEDS

from pipeline import report
from pipeline.api import FileResult, Mode, Runner, fix_path
from pipeline.files import read_text_file
from pipeline.formats import EXTENSIONS, read_document, write_document
from pipeline.model import Edit, apply_edits

GOLDEN_DIR = Path(__file__).with_suffix("")  # tests/test_golden/, pytest-regressions' datadir

SEED_FILES = sorted(p for p in SEEDS.iterdir() if p.suffix.lower() in EXTENSIONS and not p.name.startswith("."))
VTT_FILES = [
    DATA / "en_auto_glGJqlfLbIQ_anton-petrov-bennu.en.vtt",
    DATA / "fr_auto_nfupYzLjFGc_florian-bruniaux-rex-ai-first_0m00-10m59.fr.vtt",
]
CASES = SEED_FILES + VTT_FILES


def _stem(path: Path) -> str:
    """``YULg4vMdULo.nl.md`` -> ``YULg4vMdULo.nl`` (the golden files add the extension back)."""
    return path.name[: -len(path.suffix)]


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _run(path: Path, runner: Runner) -> FileResult:
    fr = fix_path(path, path.name, runner, Mode.CHECK)
    assert fr.status == "ok", fr.message
    # The report names the file relative to the repository, so the golden data does not
    # depend on where the checkout lives.
    fr.path = _rel(path)
    return fr


def check_words(obtained: Path, expected: Path, *, limit: int = 25) -> None:
    """Compare golden files and, when they differ, show the changed words with context.

    Why not pytest-regressions' line diff: the seed is one 70 KB line, so a line diff
    prints the whole transcript twice for a one-word change.
    """
    new = obtained.read_text(encoding="utf-8")
    old = expected.read_text(encoding="utf-8")
    if new == old:
        return
    a, b = old.split(" "), new.split(" ")
    hunks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        left = " ".join(a[max(0, i1 - 6) : i1]).replace("\n", "⏎")
        right = " ".join(a[i2 : i2 + 6]).replace("\n", "⏎")
        was = " ".join(a[i1:i2]).replace("\n", "⏎")
        now = " ".join(b[j1:j2]).replace("\n", "⏎")
        hunks.append(f"  …{left} [-{was}-]{{+{now}+}} {right}…")
    shown = "\n".join(hunks[:limit]) + (f"\n  … and {len(hunks) - limit} more" if len(hunks) > limit else "")
    raise AssertionError(
        f"golden output changed: {expected.name} ({len(hunks)} changes; review, then rerun with "
        f"--force-regen to accept)\n{shown}"
    )


def _edits_from_json(rows: list[dict]) -> list[Edit]:
    fields = ("stage", "rule", "method", "score", "start", "end", "before", "after", "applied")
    return [Edit(**{k: row[k] for k in fields}) for row in rows]


def _replay(path: Path, edits: list[Edit]) -> str:
    """The corrected file rebuilt from the original file and the edits alone."""
    text, _ = read_text_file(path)
    original = read_document(str(path), text)
    if original.fmt in ("markdown", "text"):
        # The document text IS the file: the edits apply to the file byte for byte.
        return apply_edits(text, edits)
    return write_document(original, original.with_edits(edits))


def test_there_are_golden_cases() -> None:
    assert SEED_FILES, "seeds/ has no transcripts"
    assert all(p.is_file() for p in VTT_FILES)


# Output and edits are two tests so that one --force-regen run rewrites both files
# (pytest-regressions stops a test at its first regenerated file).
@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden_output(path: Path, real_runner: Runner, file_regression) -> None:
    fr = _run(path, real_runner)
    file_regression.check(
        fr.result.output, basename=_stem(path), extension=path.suffix, newline="", check_fn=check_words
    )


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden_edits(path: Path, real_runner: Runner, data_regression) -> None:
    fr = _run(path, real_runner)
    data_regression.check(json.loads(report.to_json(fr)), basename=_stem(path) + ".edits")


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden_json_edits_replay(path: Path, real_runner: Runner) -> None:
    fr = _run(path, real_runner)
    result = fr.result
    assert apply_edits(result.original.text, result.edits) == result.corrected.text
    rows = json.loads(report.to_json(fr))["edits"]
    assert all(row["applied"] for row in rows)
    assert _replay(path, _edits_from_json(rows)) == result.output


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_stored_golden_edits_replay_to_stored_golden_output(path: Path) -> None:
    """The committed files agree with each other: edits.yml applied to the input == output."""
    output = GOLDEN_DIR / (_stem(path) + path.suffix)
    edits = GOLDEN_DIR / (_stem(path) + ".edits.yml")
    if not (output.exists() and edits.exists()):
        pytest.skip("golden files not generated yet (run with --force-regen)")
    rows = yaml.safe_load(edits.read_text(encoding="utf-8"))["edits"]
    assert _replay(path, _edits_from_json(rows)) == output.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden_edits_point_into_the_original(path: Path, real_runner: Runner) -> None:
    result = _run(path, real_runner).result
    text = result.original.text
    spans = sorted((e.start, e.end) for e in result.edits)
    assert all(0 <= a <= b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans)), "edits overlap"
    assert all(text[e.start : e.end] == e.before for e in (*result.edits, *result.suggestions))
    assert all(e.stage in {"normalize", "strip_markers", "correct_terms"} for e in result.edits)


CAPTIONS = [p for p in CASES if p.suffix in (".vtt", ".srt", ".json3")]


@pytest.mark.parametrize("path", CAPTIONS, ids=[p.name for p in CAPTIONS])
def test_golden_captions_keep_each_text_under_its_own_timing(path: Path, real_runner: Runner) -> None:
    """Independent of the golden files: each written cue holds its own corrected text.

    Why: a regenerated golden file would silently accept text moved to the wrong cue;
    this recomputes every cue from a fresh copy of the corrected document (no cached
    segment tables) and compares it with what the writer produced.
    """
    result = _run(path, real_runner).result
    fresh = replace(result.corrected, meta={k: v for k, v in result.corrected.meta.items() if not k.startswith("_")})
    expected = [
        (cue.start_ms, cue.end_ms, " ".join(fresh.cue_text(i).split()))
        for i, cue in enumerate(result.original.cues)
        if fresh.cue_text(i).strip()
    ]
    written = read_document(str(path), result.output)
    got = [(c.start_ms, c.end_ms, " ".join(written.cue_text(i).split())) for i, c in enumerate(written.cues)]
    assert got == expected


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden_output_is_a_fixed_point(path: Path, real_runner: Runner, tmp_path: Path) -> None:
    """fix(fix(x)) == fix(x): running the tool on its own output changes nothing."""
    first = _run(path, real_runner).result.output
    again = tmp_path / path.name
    again.write_text(first, encoding="utf-8")
    second = fix_path(again, again.name, real_runner, Mode.CHECK)
    assert second.status == "ok", second.message
    assert [(e.before, e.after, e.rule) for e in second.result.edits] == []
    assert second.result.output == first
