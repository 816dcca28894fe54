"""Measure accuracy: WER, edit precision/recall, damage on clean text, labelled cases.

Why word-level edit sets: an edit is correct when it turns the same input words into
the same reference words (issue 4). Both the reference and our output are aligned to
the same input with ``difflib``, so each side becomes a set of
``(first word, last word, replacement words)``; precision and recall are set overlaps.

>>> s = score_edits("a Open AI b [Muziek] c", "a OpenAI b c", "a OpenAI b [Muziek] c")
>>> s.true_positives, s.precision, s.recall
(1, 1.0, 0.5)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import jiwer
import yaml

from pipeline.api import Runner
from pipeline.formats import read_document
from pipeline.formats.text import read_text

__all__ = ["CaseReport", "CleanReport", "EditScore", "evaluate_cases", "evaluate_clean", "score_edits"]


@dataclass
class EditScore:
    true_positives: int
    predicted: int
    gold: int
    false_corrections: list[tuple[str, str, str]] = field(default_factory=list)  # before, after, context
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    wer_input: float = 0.0
    wer_output: float = 0.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0


def _edit_set(src: list[str], dst: list[str]) -> dict[tuple, tuple[str, str]]:
    sm = difflib.SequenceMatcher(a=src, b=dst, autojunk=False)
    out = {}
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            out[(i1, i2, tuple(dst[j1:j2]))] = (" ".join(src[i1:i2]), " ".join(dst[j1:j2]))
    return out


def score_edits(source: str, reference: str, output: str) -> EditScore:
    src, ref, out = source.split(), reference.split(), output.split()
    gold = _edit_set(src, ref)
    pred = _edit_set(src, out)
    tp = set(gold) & set(pred)

    def ctx(i1: int, i2: int) -> str:
        return " ".join(src[max(0, i1 - 6) : i2 + 6])

    score = EditScore(len(tp), len(pred), len(gold))
    score.false_corrections = [(*pred[k], ctx(k[0], k[1])) for k in sorted(set(pred) - tp)]
    score.misses = [(*gold[k], ctx(k[0], k[1])) for k in sorted(set(gold) - tp)]
    score.wer_input = jiwer.wer(reference, source)
    score.wer_output = jiwer.wer(reference, output)
    return score


def evaluate_reference(runner: Runner, input_path: Path, reference_path: Path) -> EditScore:
    """Fix ``input_path`` and score it against ``reference_path`` (same format)."""
    src_text = input_path.read_text(encoding="utf-8")
    ref_text = reference_path.read_text(encoding="utf-8")
    doc = read_document(str(input_path), src_text)
    ref = read_document(str(reference_path), ref_text, doc.fmt)
    result = runner.fix_document(doc)

    def body(d, text: str) -> str:
        return " ".join(text[a:b] for a, b in d.regions)

    return score_edits(body(doc, doc.text), body(ref, ref.text), body(result.corrected, result.corrected.text))


@dataclass
class CleanReport:
    sentences: int = 0
    changed: int = 0
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # file, before, after

    @property
    def per_10k(self) -> float:
        return 10_000 * self.changed / self.sentences if self.sentences else 0.0


def evaluate_clean(runner: Runner, folder: Path, *, stage: str = "correct_terms") -> CleanReport:
    """Run over clean sentences (one a line); count the lines that ``stage`` changed."""
    rep = CleanReport()
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = runner.fix_document(read_text(text, str(path)))
        lines = text.splitlines()
        rep.sentences += sum(1 for ln in lines if ln.strip())
        changed = sorted({e.line for e in result.edits if e.stage == stage})
        rep.changed += len(changed)
        for line in changed:
            after = result.corrected.text.splitlines()[line - 1]
            rep.examples.append((path.name, lines[line - 1], after))
    return rep


@dataclass
class CaseReport:
    total: int = 0
    passed: int = 0
    failures: list[dict] = field(default_factory=list)
    unexpected_passes: list[dict] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 1.0


def load_cases(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return data


def run_case(runner: Runner, case: dict) -> str:
    from dataclasses import replace

    doc = replace(read_text(case["input"]), language=case.get("language", runner.config.language))
    return runner.fix_document(doc).corrected.text


def evaluate_cases(runner: Runner, path: Path) -> CaseReport:
    """How many labelled cases come out exactly as expected (xfail ones included)."""
    rep = CaseReport()
    for case in load_cases(path):
        got = run_case(runner, case)
        rep.total += 1
        ok = got == case["expected"]
        rep.passed += ok
        if not ok:
            rep.failures.append({**case, "got": got})
    return rep
