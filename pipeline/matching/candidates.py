"""Fuzzy and phonetic candidates for an n-gram, in RapidFuzz's shape.

Why this score: spelling alone misses what ASR does to names (``Sam Oldman`` is 0.78
from ``Sam Altman`` by letters but identical by sound), and sound alone is too coarse
for short keys (``Claude`` and ``clot`` and ``cloud`` all sound ``KLT``). The confidence
is the mean of the two, so a candidate must be close in both:

    confidence = (spelling + sound) / 2      (phonetic on)
    confidence = spelling                    (phonetic off)

``spelling`` is ``rapidfuzz.fuzz.ratio`` of the lowercase letters (spaces removed),
``sound`` the same ratio of the Dutch-folded Metaphone keys (``phonetic.py``).

>>> from pipeline.glossary import Entry, Glossary
>>> from pipeline.matching.index import compile_glossary
>>> g = Glossary(entries=(Entry(id="sam-altman", canonical="Sam Altman", kind="person"),))
>>> idx = compile_glossary(g, "nl")
>>> [(c.form.output, round(c.score, 2), c.method) for c in find_candidates("Sam Oldman", idx)]
[('Sam Altman', 0.89, 'phonetic')]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pipeline.matching.index import CompiledGlossary, Form
from pipeline.matching.phonetic import skeleton, sound_key
from pipeline.matching.tokens import letters

__all__ = ["Candidate", "find_candidates", "score_pair"]

Scorer = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class Candidate:
    form: Form
    score: float
    spelling: float
    sound: float
    method: str


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0


def score_pair(
    ngram_letters: str,
    ngram_sound: str,
    form: Form,
    *,
    phonetic: bool,
    scorer: Scorer = _ratio,
    dutch_fold: bool = True,
) -> tuple[float, float, float]:
    """(confidence, spelling, sound) of an n-gram against one form."""
    spelling = scorer(ngram_letters, form.letters)
    if not phonetic:
        return spelling, spelling, 0.0
    form_sound = form.sound if dutch_fold else form.sound_plain
    sound = scorer(ngram_sound, form_sound) if ngram_sound and form_sound else 0.0
    return (spelling + sound) / 2.0, spelling, sound


def find_candidates(
    ngram: str,
    index: CompiledGlossary,
    *,
    scorer: Scorer = _ratio,
    score_cutoff: float = 0.75,
    limit: int = 3,
    dutch_fold: bool = True,
) -> list[Candidate]:
    """The best glossary forms for ``ngram``, best first, at or above ``score_cutoff``."""
    ngram_letters = letters(ngram)
    if not ngram_letters:
        return []
    ngram_sound = sound_key(ngram, dutch=dutch_fold)
    key = skeleton(ngram_sound)[:2]
    blocks = index.blocks if dutch_fold else index.blocks_plain
    forms = blocks.get(key, ())
    if not forms:
        return []
    # Cheap filter before the full score, in RapidFuzz's C loop over the whole block:
    # confidence = (spelling + sound) / 2 with sound <= 1 needs spelling >= 2*cutoff - 1.
    # A phonetic-only entry needs spelling >= cutoff - 0.15 (below); the epsilon keeps a
    # form exactly on the boundary (100 * 0.6 is 60.00000000000001 in floating point).
    floor = max(0.0, min(2 * score_cutoff - 1, score_cutoff - 0.15) - 1e-6)
    if scorer is _ratio:
        choices = [f.letters for f in forms]
        pool = [
            forms[i]
            for _, _, i in process.extract(
                ngram_letters, choices, scorer=fuzz.ratio, score_cutoff=100 * floor, limit=None
            )
        ]
    else:
        pool = list(forms)
    out = []
    for form in pool:
        if not (form.fuzzy or form.phonetic):
            continue
        score, spelling, sound = score_pair(
            ngram_letters, ngram_sound, form, phonetic=form.phonetic, scorer=scorer,
            dutch_fold=dutch_fold,
        )
        if not form.fuzzy:
            score = sound if sound >= 0.999 and spelling >= score_cutoff - 0.15 else 0.0
        if score >= score_cutoff:
            method = "phonetic" if sound > spelling else "fuzzy"
            out.append(Candidate(form, score, spelling, sound, method))
    out.sort(key=lambda c: (-c.score, c.form.ntokens))
    return out[:limit]
