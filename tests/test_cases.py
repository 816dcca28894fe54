"""Labelled cases: every entry of ``tests/cases/*.yaml`` is one test (ftfy's test cases).

Each case has ``label``, ``comment``, ``language``, ``input``, ``expected`` and
``expect: pass|xfail``; it runs through the whole pipeline with the REAL glossary, the
same way ``make eval`` counts it (``pipeline.evaluate.run_case``). A case labelled
``xfail`` is a known failure under ``xfail(strict=True)``: when it starts passing, the
suite fails until the label is changed, so the labels stay true (house style point 13).

``negative.yaml`` holds clean text: its ``expected`` must equal its ``input``, and the
pipeline must leave it unchanged.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import CASES

from pipeline.api import Runner
from pipeline.evaluate import run_case

CASE_FILES = sorted(CASES.glob("*.yaml"))
REQUIRED = {"label", "comment", "input", "expected", "expect"}
ALLOWED = REQUIRED | {"language"}
NEGATIVE = "negative"


def _load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def _params() -> list:
    params = []
    for path in CASE_FILES:
        for case in _load(path):
            if not isinstance(case, dict) or "label" not in case:
                continue  # reported by test_case_files_are_well_formed
            marks = []
            if case.get("expect") == "xfail":
                marks.append(pytest.mark.xfail(strict=True, reason=str(case.get("comment", "known failure"))))
            params.append(pytest.param(path.stem, case, marks=marks, id=f"{path.stem}/{case['label']}"))
    return params


def test_there_are_case_files() -> None:
    assert {p.stem for p in CASE_FILES} >= {NEGATIVE}
    assert all(_load(p) for p in CASE_FILES)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_files_are_well_formed(path: Path) -> None:
    cases = _load(path)
    assert isinstance(cases, list)
    problems = []
    for k, case in enumerate(cases):
        where = f"{path.name} case {k + 1} ({case.get('label') if isinstance(case, dict) else case!r})"
        if not isinstance(case, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if missing := REQUIRED - case.keys():
            problems.append(f"{where}: missing {sorted(missing)}")
        if unknown := case.keys() - ALLOWED:
            problems.append(f"{where}: unknown {sorted(unknown)}")
        if case.get("expect") not in ("pass", "xfail"):
            problems.append(f"{where}: expect must be pass or xfail, not {case.get('expect')!r}")
        if not all(isinstance(case.get(f), str) for f in ("input", "expected")):
            problems.append(f"{where}: input and expected must be strings")
        if path.stem == NEGATIVE and case.get("input") != case.get("expected"):
            problems.append(f"{where}: a negative case must expect its input unchanged")
    labels = Counter(c.get("label") for c in cases if isinstance(c, dict))
    problems += [f"{path.name}: label {label!r} is used {n} times" for label, n in labels.items() if n > 1]
    assert problems == []


@pytest.mark.parametrize(("file", "case"), _params())
def test_case(file: str, case: dict, real_runner: Runner) -> None:
    got = run_case(real_runner, case)
    if file == NEGATIVE:
        assert got == case["input"], "clean text was changed"
    assert got == case["expected"]
