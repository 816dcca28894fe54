"""Word tokens and the normalized keys that glossary forms and transcript n-grams share.

Why one key function for both sides: ``GPT 5``, ``GPT-5`` and ``gpt5`` must meet the
canonical ``GPT-5``, and ``GPT 3,5`` (Dutch decimal comma) must meet ``GPT-3.5``, without
listing each spelling (issue 2). Keys are lowercase; a space or hyphen between words
becomes one space; a space between a word and a following number disappears; other
punctuation stays, so ``Sam, Oldman`` never matches ``Sam Oldman``.

>>> phrase_key("GPT 3,5"), phrase_key("gpt-3.5"), phrase_key("Claude Sonnet 4.5")
('gpt3.5', 'gpt3.5', 'claude sonnet4.5')
>>> phrase_key("Open A.I."), phrase_key("Open AI")
('open ai', 'open ai')
>>> [t.norm for t in tokenize("OpenAI's model, GPT-5!")]
['openai', 's', 'model', 'gpt', '5']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "gap_key", "letters", "phrase_key", "tokenize"]

TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*$")
_NON_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    norm: str


def _norm(word: str) -> str:
    word = word.lower()
    if "," in word and _NUMBER.match(word):
        word = word.replace(",", ".")
    return word


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), _norm(m.group())) for m in TOKEN.finditer(text, start, end)]


def gap_key(gap: str, left: str, right: str) -> str:
    """Normalize the text between two tokens (see module docstring)."""
    if gap == "." and len(left) == 1 and len(right) == 1:
        return ""  # A.I. -> ai
    stripped = gap.replace("-", " ").replace("\u2011", " ")
    if not stripped.strip():
        if right[:1].isdigit() and not left[-1:].isdigit():
            return ""
        return " "
    return " ".join(stripped.lower().split()) if stripped.strip() != stripped else stripped.lower()


def phrase_key(text: str) -> str:
    toks = tokenize(text)
    if not toks:
        return ""
    parts = [toks[0].norm]
    for prev, tok in zip(toks, toks[1:], strict=False):
        parts.append(gap_key(text[prev.end : tok.start], prev.norm, tok.norm))
        parts.append(tok.norm)
    return "".join(parts)


def letters(text: str) -> str:
    """Lowercase letters and digits only: the spelling that fuzzy matching compares.

    >>> letters("Sam Oldman"), letters("clots on het 4.5")
    ('samoldman', 'clotsonhet45')
    """
    return _NON_ALNUM.sub("", text.lower())
