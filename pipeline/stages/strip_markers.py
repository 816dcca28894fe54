"""``strip_markers``: caption sound tags (``[Muziek]``, ``[Applause]``, ``♪``) in any language.

Why data, not code: the tag words live in ``glossary/markers.yaml`` so a curator adds
``[Gelach]`` or ``[risas]`` without touching Python (issue 2). A tag is removed with one
adjoining space, so no double space is left (gold rule 2: the space before it).

>>> from pipeline.formats.text import read_text
>>> from pipeline.config import Config
>>> from pipeline.glossary import MarkerSet, MarkerTag
>>> class G: markers = MarkerSet(tags=(MarkerTag(id="music", words=("Muziek",)),), symbols=("♪",))
>>> new, edits = strip_markers(read_text("Heel veel plezier. [Muziek] [muziek] Wie ♪"), Config(), G())
>>> new.text, [e.before for e in edits]
('Heel veel plezier. Wie', [' [Muziek]', ' [muziek]', ' ♪'])
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.config import Config
from pipeline.glossary import MarkerSet
from pipeline.model import Document, Edit

__all__ = ["strip_markers"]

STAGE = "strip_markers"
_TAG = re.compile(r"[\[(]\s*([^\[\]()\n]{1,60}?)\s*[\])]")


@lru_cache(maxsize=16)
def _compile(markers: MarkerSet) -> tuple[dict[str, str], re.Pattern[str] | None]:
    words = {}
    for tag in markers.tags:
        for w in tag.words:
            words[" ".join(w.lower().split())] = tag.id
    symbols = None
    if markers.symbols:
        alt = "|".join(re.escape(s) for s in sorted(markers.symbols, key=len, reverse=True))
        symbols = re.compile(f"(?:{alt})+")
    return words, symbols


def strip_markers(doc: Document, config: Config, glossary: object) -> tuple[Document, list[Edit]]:
    markers: MarkerSet = getattr(glossary, "markers", MarkerSet())
    words, symbols = _compile(markers)
    text = doc.text
    found: list[tuple[int, int, str]] = []
    for a, b in doc.regions:
        for m in _TAG.finditer(text, a, b):
            inner = " ".join(m.group(1).lower().split())
            if inner in words:
                found.append((m.start(), m.end(), "tag:" + words[inner]))
        if symbols is not None and config.strip_markers.symbols:
            for m in symbols.finditer(text, a, b):
                found.append((m.start(), m.end(), "symbol"))
    found.sort()
    edits: list[Edit] = []
    last_end = 0
    for start, end, rule in found:
        if start < last_end:
            continue
        # Take the space before the marker, else the one after it; never the space
        # before a marker glued to the next word ("de [Muziek]de" -> "de de").
        glued = end < len(text) and text[end].isalnum()
        if start > last_end and text[start - 1] == " " and not glued:
            start -= 1
        elif end < len(text) and text[end] == " ":
            end += 1
        edits.append(Edit(STAGE, rule, "rule", 1.0, start, end, text[start:end], ""))
        last_end = end
    return doc.with_edits(edits), edits
