"""Context guards: the words around a match that make it mean the term, or not.

Why: ``cloud`` is Claude in "Cloud Sonnet 4.5 van Anthropic" and the cloud in "naar de
cloud"; ``meter`` is METR only next to "benchmark" (issue 4). A phrase is words; ``_``
stands for the match itself (``"de _"``: right after *de*); a trailing ``*`` is a prefix.

>>> from pipeline.matching.tokens import tokenize
>>> toks = [t.norm for t in tokenize("we gaan het uploaden naar de cloud vandaag")]
>>> phrase_hits(("de _",), toks, 6, 7, 8), phrase_hits(("anthropic", "model*"), toks, 6, 7, 8)
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pipeline.matching.tokens import tokenize

__all__ = ["phrase_hits"]


@lru_cache(maxsize=4096)
def _compile(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(words before ``_``, words after ``_``, has ``_``) in normalized form."""
    words: list[str] = []
    for w in phrase.split():
        if w == "_":
            words.append(w)
            continue
        star = w.endswith("*")
        parts = [t.norm for t in tokenize(w[:-1] if star else w)]
        if star and parts:
            parts[-1] += "*"
        words.extend(parts)
    if "_" in words:
        k = words.index("_")
        return tuple(words[:k]), tuple(words[k + 1 :]), True
    return tuple(words), (), False


def _word_eq(pattern: str, token: str) -> bool:
    if pattern.endswith("*"):
        return token.startswith(pattern[:-1])
    return token == pattern


def _seq_at(pattern: Sequence[str], tokens: Sequence[str], at: int) -> bool:
    if at < 0 or at + len(pattern) > len(tokens):
        return False
    return all(_word_eq(p, tokens[at + k]) for k, p in enumerate(pattern))


def phrase_hits(
    phrases: Sequence[str], tokens: Sequence[str], start: int, end: int, window: int
) -> bool:
    """Does any phrase occur around the match ``tokens[start:end]``?"""
    for phrase in phrases:
        before, after, anchored = _compile(phrase)
        if anchored:
            if _seq_at(before, tokens, start - len(before)) and _seq_at(after, tokens, end):
                return True
            continue
        lo, hi = max(0, start - window), min(len(tokens), end + window)
        for at in range(lo, hi - len(before) + 1):
            if start - len(before) < at < end:
                continue  # overlaps the match itself
            if _seq_at(before, tokens, at):
                return True
    return False
