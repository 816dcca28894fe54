"""``normalize``: HTML entities, mojibake and Unicode NFC, stray whitespace.

Why each: YouTube caption dumps carry ``&amp;`` and ``&#39;`` (seed: ``&amp;``); text that
went through a wrong codec shows ``CafÃ©``, which ftfy repairs; NO-BREAK spaces mask
``[\\u00a0__\\u00a0]`` (corpora/markers) and double spaces break term matching.

>>> from pipeline.model import Document
>>> from pipeline.config import Config
>>> doc = Document("R&amp;D  in  CafÃ© e\\u0301", "text", regions=((0, 22),))
>>> new, edits = normalize(doc, Config(), None)
>>> new.text, [e.rule for e in edits]
('R&D in Café é', ['html-entity', 'whitespace', 'whitespace', 'mojibake', 'unicode-nfc'])
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

from pipeline.config import Config
from pipeline.model import Document, Edit, compose_edits

__all__ = ["normalize"]

STAGE = "normalize"
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Runs of horizontal whitespace that are not exactly one plain space, between words.
# Any run of horizontal whitespace between two words; runs that are one plain space
# already are skipped in _whitespace.
_SPACES = re.compile(r"(?<=\S)[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+(?=\S)")
_ZERO_WIDTH = re.compile(r"[\u200b\ufeff]")
_WORD = re.compile(r"\S+")


def _rule_edit(rule: str, start: int, before: str, after: str) -> Edit:
    return Edit(STAGE, rule, "rule", 1.0, start, start + len(before), before, after)


def _entities(chunk: str, a: int) -> list[Edit]:
    edits = []
    for m in _ENTITY.finditer(chunk):
        decoded = html.unescape(m.group())
        if decoded != m.group():
            edits.append(_rule_edit("html-entity", a + m.start(), m.group(), " " if decoded.isspace() else decoded))
    return edits


def _zero_width(chunk: str, a: int) -> list[Edit]:
    return [_rule_edit("zero-width", a + m.start(), m.group(), "") for m in _ZERO_WIDTH.finditer(chunk)]


def _encoding(chunk: str, a: int) -> list[Edit]:
    if chunk.isascii():
        return []
    check_bad = is_bad(chunk)
    check_nfc = not unicodedata.is_normalized("NFC", chunk)
    edits = []
    if check_bad or check_nfc:
        for m in _WORD.finditer(chunk):
            word = m.group()
            if word.isascii():
                continue
            fixed, rule = word, ""
            if check_bad and is_bad(word):
                fixed = ftfy.fix_text(word, normalization="NFC", uncurl_quotes=False,
                                      fix_latin_ligatures=False, fix_character_width=False)
                rule = "mojibake"
            elif check_nfc:
                fixed = unicodedata.normalize("NFC", word)
                rule = "unicode-nfc"
            if fixed != word:
                edits.append(_rule_edit(rule, a + m.start(), word, fixed))
    return edits


def _whitespace(chunk: str, a: int) -> list[Edit]:
    return [
        _rule_edit("whitespace", a + m.start(), m.group(), " ")
        for m in _SPACES.finditer(chunk)
        if m.group() != " "
    ]


def normalize(doc: Document, config: Config, glossary: object) -> tuple[Document, list[Edit]]:
    """Entities, then zero-width characters, then encoding, then whitespace.

    Why in steps: each step sees the text the previous one left, so ``a &nbsp; b``
    collapses to one space and ``CafÃ©&amp;`` is repaired in one run; running the
    stage again changes nothing (issue 8: idempotence).
    """
    cfg = config.normalize
    steps = [
        (cfg.html_entities, _entities),
        (cfg.whitespace, _zero_width),
        (cfg.fix_encoding, _encoding),
        (cfg.whitespace, _whitespace),
    ]
    current, edits = doc, []
    for enabled, step in steps:
        if not enabled:
            continue
        new = [e for a, b in current.regions for e in step(current.text[a:b], a)]
        if new:
            new.sort(key=lambda e: e.start)
            edits = compose_edits(doc.text, current.text, edits, new)
            current = current.with_edits(new)
    return current, edits
