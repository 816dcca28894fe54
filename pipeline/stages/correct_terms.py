"""``correct_terms``: misheard terms -> glossary spelling (exact, then fuzzy/phonetic).

Why this order: exact variants are what curators vetted, so they are found first and
protect their tokens; fuzzy and phonetic candidates are only looked for around rare
tokens (a word that is ordinary in the transcript's language never anchors one), the
cheap filter that keeps the scan linear (issue 7). Every candidate then passes the
entry's context guards; an ordinary word (``open``, ``cloud``, ``max``) needs a guard
that holds, otherwise it is only suggested (house style point 5). Overlapping
candidates resolve to the best non-overlapping set: exact hits longest first, fuzzy hits
best score first; a fuzzy hit may swallow exact hits it contains when it keeps their
output and matches better ("An Tropic" -> Anthropic). Matching repeats until nothing
changes (at most ``MAX_ROUNDS``), because a correction can satisfy a neighbour's guard.

>>> from pipeline.config import Config
>>> from pipeline.formats.text import read_text
>>> from pipeline.glossary import Entry, Glossary
>>> from pipeline.matching.index import compile_glossary
>>> g = Glossary(entries=(
...     Entry(id="openai", canonical="OpenAI", kind="company", variants=["Open AI"]),
...     Entry(id="anthropic", canonical="Anthropic", kind="company"),
...     Entry(id="claude", canonical="Claude", kind="model"),
... ))
>>> doc = read_text("Open AI's model en Antropik met claude 4,5")
>>> new, edits = correct_terms(doc, Config(), compile_glossary(g, "nl"))
>>> new.text
"OpenAI's model en Anthropic met Claude 4.5"
>>> [(e.before, e.method) for e in edits]
[('Open AI', 'exact'), ('Antropik', 'phonetic'), ('claude 4,5', 'exact')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.matching.candidates import find_candidates, score_pair
from pipeline.matching.guards import phrase_hits
from pipeline.matching.index import CompiledGlossary, Form, variant_of, zipf
from pipeline.matching.phonetic import sound_key
from pipeline.matching.tokens import Token, gap_key, letters, tokenize
from pipeline.model import Document, Edit, compose_edits

__all__ = ["correct_terms"]

STAGE = "correct_terms"
APPLY, SUGGEST, PROTECT = "apply", "suggest", "protect"
_DECIMAL_COMMA = re.compile(r"\d+,\d+$")
_SENTENCE_END = re.compile(r"[.!?:]\s*$")
#: Kinds whose names carry version numbers (``Claude 4,5`` -> ``Claude 4.5``).
VERSIONED_KINDS = frozenset({"model", "product"})
#: Rounds of matching until nothing changes (a corrected word can satisfy a guard).
MAX_ROUNDS = 3


@dataclass(slots=True)
class _Hit:
    i: int  # first token
    j: int  # one past the last token
    form: Form
    score: float
    method: str
    status: str
    rule: str  # the entry id
    end_cut: int = 0  # characters of a plural/possessive suffix left outside the edit

    @property
    def rank(self) -> tuple:
        # Exact: the longest match wins. Fuzzy: the best score wins, then the shorter
        # span, so "Demis Hassabies zei" never beats "Demis Hassabies".
        if self.method == "exact":
            return (0, -(self.j - self.i), -self.score)
        return (1, -self.score, self.j - self.i)


def correct_terms(
    doc: Document, config: Config, glossary: CompiledGlossary
) -> tuple[Document, list[Edit]]:
    edits: list[Edit] = []
    if glossary is None or not glossary.entries:
        return doc, edits
    language = doc.language or config.language
    current = doc
    suggestions: list[Edit] = []
    # Guards read the words around a match; once a neighbour is corrected ("Antropic"
    # -> "Anthropic", "Open AI" -> "OpenAI") a guard may hold that did not before. A few
    # rounds reach the fixpoint, so fixing a fixed transcript changes nothing (issue 8).
    for _round in range(MAX_ROUNDS):
        found = [
            e for a, b in current.regions for e in _correct_region(current, a, b, config, glossary, language)
        ]
        applied = sorted((e for e in found if e.applied), key=lambda e: e.start)
        suggestions = compose_edits(doc.text, current.text, edits, [e for e in found if not e.applied])
        suggestions = [e for e in suggestions if not e.applied]
        if not applied:
            break
        edits = compose_edits(doc.text, current.text, edits, applied)
        current = current.with_edits(applied)
    out = sorted(edits + suggestions, key=lambda e: (e.start, not e.applied))
    return current, out


def _correct_region(doc, a, b, config, idx, language):
    cfg = config.correct_terms
    text = doc.text
    toks = tokenize(text, a, b)
    norms = [t.norm for t in toks]
    n = len(toks)
    gaps = [""] + [
        gap_key(text[toks[k - 1].end : toks[k].start], norms[k - 1], norms[k]) for k in range(1, n)
    ]
    protected = _protected_tokens(text, toks, a, b)
    hits: list[_Hit] = []
    # Exact pass: one set lookup per token unless it can start a term.
    for i in range(n):
        if protected[i]:
            continue
        if norms[i] not in idx.first_tokens and not (
            norms[i].endswith("s") and norms[i][:-1] in idx.first_tokens
        ):
            continue
        key = ""
        for j in range(i + 1, min(n, i + idx.max_tokens) + 1):
            if protected[j - 1]:
                break
            key = norms[i] if j == i + 1 else key + gaps[j - 1] + norms[j - 1]
            forms = idx.exact.get(key)
            cut = 0
            if not forms and key.endswith("s") and len(norms[j - 1]) >= 4:
                forms, cut = idx.exact.get(key[:-1]), 1
            if forms:
                hit = _exact_hit(text, toks, norms, i, j, cut, forms, idx, cfg, language)
                if hit:
                    hits.append(hit)
    taken = _resolve([h for h in hits if h.status in (APPLY, PROTECT)], n)
    covered = list(protected)
    for h in taken:
        for k in range(h.i, h.j):
            covered[k] = True
    suggestions = [h for h in hits if h.status == SUGGEST]
    # Fuzzy and phonetic pass, anchored on rare tokens only.
    if cfg.fuzzy or cfg.phonetic:
        fuzzy = _fuzzy_hits(text, toks, norms, gaps, protected, taken, idx, cfg, language)
        def span_score(e: _Hit, form: Form) -> float:
            span = text[toks[e.i].start : toks[e.j - 1].end]
            return score_pair(letters(span), sound_key(span, cfg.dutch_fold), form,
                              phonetic=True, dutch_fold=cfg.dutch_fold)[0]

        taken = _merge_fuzzy(taken, [h for h in fuzzy if h.status == APPLY], protected, span_score)
        covered = list(protected)
        for h in taken:
            for k in range(h.i, h.j):
                covered[k] = True
        suggestions.extend(h for h in fuzzy if h.status == SUGGEST)
    out = []
    for h in taken:
        if h.status == APPLY:
            out.extend(_edits_for(doc, toks, norms, h, applied=True))
    for h in _resolve(suggestions, n, blocked=covered):
        out.extend(_edits_for(doc, toks, norms, h, applied=False))
    return out


_PROTECTED = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.?"  # e-mail addresses: lasing@aireport.
    r"|(?:https?://|www\.)\S+"  # URLs
    r"|(?<=[\w-]\.[a-z]{2})/\S*|(?<=[\w-]\.[a-z]{3})/\S*"  # the path after a domain
)


def _protected_tokens(text: str, toks: list[Token], a: int, b: int) -> list[bool]:
    """Tokens inside e-mail addresses, URLs and URL paths: never corrected.

    Why: ``lasing@aireport.`` is an address that must survive, though ``aireport``
    spells the brand AI Report (seed gold notes).
    """
    flags = [False] * len(toks)
    spans = [(m.start(), m.end()) for m in _PROTECTED.finditer(text, a, b)]
    if not spans:
        return flags
    k = 0
    for t_index, tok in enumerate(toks):
        while k < len(spans) and spans[k][1] <= tok.start:
            k += 1
        if k < len(spans) and spans[k][0] < tok.end:
            flags[t_index] = True
    return flags


def _guard_state(entry, variant, norms, i, j) -> tuple[bool, bool, bool]:
    """(forbidden, has_require, required_ok) for a match of tokens i..j."""
    forbid = entry.forbid_any + (variant.forbid_any if variant else ())
    require = entry.require_any + (variant.require_any if variant else ())
    forbidden = bool(forbid) and phrase_hits(forbid, norms, i, j, entry.window)
    ok = bool(require) and phrase_hits(require, norms, i, j, entry.window)
    return forbidden, bool(require), ok


def _exact_hit(text, toks, norms, i, j, cut, forms, idx, cfg, language) -> _Hit | None:
    span = text[toks[i].start : toks[j - 1].end - cut]
    entry_ids = {f.entry for f in forms}
    # The same spelling under two entries is ambiguous: suggest, never rewrite.
    ambiguous = len(entry_ids) > 1
    form = next((f for f in forms if f.output == span), None) or next(
        (f for f in forms if f.variant is None), forms[0]
    )
    if form.output == span:
        return _Hit(i, j, form, 1.0, "exact", PROTECT, idx.entries[form.entry].id, cut)
    entry = idx.entries[form.entry]
    variant = variant_of(form, idx.entries)
    forbidden, has_require, required_ok = _guard_state(entry, variant, norms, i, j)
    if forbidden:
        return None
    if (
        entry.kind in VERSIONED_KINDS
        and not has_require
        and j < len(norms)
        and norms[j][:1].isdigit()
    ):
        required_ok = True  # "claude 4,5", "gemini 2.5": a version number vouches for it
    status = APPLY
    if has_require and not required_ok:
        status = SUGGEST
    elif variant is None and not required_ok:
        # The canonical in other casing (``opus`` -> ``Opus``, ``XAI`` -> ``xAI``): a
        # real lowercase word, or a short all-caps acronym, is only recased when a guard
        # vouches for it (issue 4). Exact variants were vetted by the lint, which
        # demands a guard on every common-word variant.
        words = " ".join(w for w in norms[i:j] if w.isalpha())
        acronym = span.isupper() and len(span) <= 4 and not form.output.isupper()
        # A capital at the start of a sentence says nothing ("Op 1 januari" -> Op1?).
        rest = span[1:] if _sentence_start(text, toks[i].start) else span
        lowercase = rest == rest.lower()
        ordinary = lowercase and bool(words) and zipf(words, language) >= cfg.common_word_zipf
        if acronym or ordinary:  # "Deepmind" -> "DeepMind" was already a name: fine
            status = SUGGEST
    if ambiguous:
        status = SUGGEST
    return _Hit(i, j, form, 1.0, "exact", status, entry.id, cut)


def _merge_fuzzy(taken: list[_Hit], fuzzy: list[_Hit], protected: list[bool], span_score) -> list[_Hit]:
    """Add fuzzy hits to the exact ones, best first, never overlapping.

    A fuzzy hit may swallow exact hits it contains when its output keeps theirs: "An
    Tropic" (exact ``Tropic``) becomes Anthropic, "Klod Sonnet 4,5" (exact ``Sonnet 4,5``)
    becomes Claude Sonnet 4.5, "Ethen Mollick" (already right ``Mollick``) becomes Ethan
    Mollick. It never contradicts an exact hit, and only swallows one when the longer
    span matches its form better than the exact span alone ("Demis Hasabis has" must
    not swallow "has").
    """
    owner: dict[int, _Hit] = {k: h for h in taken for k in range(h.i, h.j)}
    result = list(taken)
    claimed = list(protected)
    for h in sorted(fuzzy, key=lambda h: h.rank):
        if any(claimed[h.i : h.j]):
            continue
        inside = {id(e): e for k in range(h.i, h.j) if (e := owner.get(k)) is not None}.values()
        if not all(
            h.i <= e.i and e.j <= h.j and (e.i, e.j) != (h.i, h.j)
            and e.form.output.lower() in h.form.output.lower()
            and span_score(e, h.form) < h.score
            for e in inside
        ):
            continue
        if inside:
            gone = {id(e) for e in inside}
            result = [e for e in result if id(e) not in gone]
        for k in range(h.i, h.j):
            claimed[k] = True
        result.append(h)
    result.sort(key=lambda h: h.i)
    return result


def _fuzzy_hits(text, toks, norms, gaps, protected, taken, idx, cfg, language) -> list[_Hit]:
    n = len(toks)
    width = idx.max_fuzzy_tokens + 1
    hits: list[_Hit] = []
    seen: set[tuple[int, int]] = set()
    # Tokens that are already right (protected exact hits) never anchor a candidate;
    # tokens of applied exact variants may, so a fuzzy hit can extend them.
    settled = [False] * n
    for h in taken:
        if h.status == PROTECT:
            for k in range(h.i, h.j):
                settled[k] = True
    for k in range(n):
        word = norms[k]
        if protected[k] or settled[k] or len(word) < 3 or not any(c.isalpha() for c in word):
            continue
        if zipf(word, language) >= cfg.common_word_zipf:
            continue
        for i in range(max(0, k - width + 1), k + 1):
            for j in range(k + 1, min(n, i + width) + 1):
                if (i, j) in seen or any(protected[i:j]):
                    continue
                if any(gaps[m] not in ("", " ") for m in range(i + 1, j)):
                    continue
                seen.add((i, j))
                hit = _fuzzy_hit(text, toks, norms, i, j, idx, cfg, language)
                if hit is not None:
                    hits.append(hit)
    return hits


def _numbers(words) -> list[str]:
    return sorted(w for w in words if w[:1].isdigit())


def _fuzzy_hit(text, toks, norms, i, j, idx, cfg, language) -> _Hit | None:
    """The best fuzzy/phonetic hit for tokens i..j, or None; see the module docstring."""
    ngram = text[toks[i].start : toks[j - 1].end]
    if len(letters(ngram)) < cfg.min_fuzzy_letters:
        return None
    best, cut = None, 0
    variants = [(ngram, 0)]
    # A Dutch genitive or plural s stays outside the edit: Altmens -> Altmans. Names
    # only (a capital), so "slackers" is not read as "slacker" + s.
    if ngram[:1].isupper() and norms[j - 1].endswith("s") and len(norms[j - 1]) >= 5:
        variants.append((ngram[:-1], 1))
    for candidate_text, c_cut in variants:
        cands = _candidates(candidate_text, idx, cfg)
        if cands and (best is None or cands[0].score > best.score):
            best, cut = cands[0], c_cut
    if best is None:
        return None
    c = best
    if c.form.output.lower() == ngram[: len(ngram) - cut].lower():
        return None
    words = norms[i:j]
    form_words = [t.norm for t in tokenize(c.form.text)]
    if all(w in form_words for w in words):
        return None  # a part of the name ("Huang" of Jensen Huang), not a misspelling
    if _numbers(words) != _numbers(form_words):
        return None  # never add, drop or change a version number: "Llamma 3,1" is not "Llama"
    if j - i > 1:
        # Every word must earn its place: if the n-gram without its first or last word
        # matches the form as well, the edge word is a neighbour, not part of the name
        # ("Altman L" must not become "Altman"; "Demis Hasabis has" not "Demis Hassabis").
        for lo, hi in ((i + 1, j), (i, j - 1)):
            sub = text[toks[lo].start : toks[hi - 1].end]
            sub_score = score_pair(letters(sub), sound_key(sub, cfg.dutch_fold), c.form,
                                   phonetic=True, dutch_fold=cfg.dutch_fold)[0]
            if sub_score >= c.score - 0.03:
                return None
    if j - i > 1 and any(
        w not in c.form.letters and _known(w, language) >= cfg.common_word_zipf for w in words
    ):
        # "Moonshot is" -> "Moonshot AI", "Diep Seek" -> "DeepSeek": an ordinary word
        # would be rewritten into a different one.
        return None
    entry = idx.entries[c.form.entry]
    forbidden, has_require, required_ok = _guard_state(entry, None, norms, i, j)
    if forbidden:
        return None
    status = APPLY if c.score >= cfg.apply_threshold else SUGGEST
    if has_require and not required_ok:
        status = SUGGEST
    if c.spelling < cfg.fuzzy_min_spelling:
        status = SUGGEST  # close by sound only: chatbot ~ ChatGPT, Spiere ~ Zapier
    if j - i == 1 and _known(words[0], language) >= cfg.known_word_zipf:
        # A real word (mollig, Blondeel, copiloot) is what the ASR heard and may be
        # what was said: suggest, never rewrite (precision first).
        status = SUGGEST
    method = c.method if cfg.phonetic else "fuzzy"
    return _Hit(i, j, c.form, c.score, method, status, entry.id, cut)


#: Names recur across a corpus, so candidates are memoized; the memo is emptied when it
#: holds this many n-grams, which keeps a long run's memory flat (issue 7, make bench).
CANDIDATE_CACHE_SIZE = 20_000


def _candidates(ngram: str, idx: CompiledGlossary, cfg) -> list:
    """``find_candidates`` memoized on the compiled glossary it searched."""
    memo = idx.candidate_memo
    key = (ngram.lower(), cfg.suggest_threshold, cfg.dutch_fold)
    cands = memo.get(key)
    if cands is None:
        if len(memo) > CANDIDATE_CACHE_SIZE:
            memo.clear()
        cands = find_candidates(ngram, idx, score_cutoff=cfg.suggest_threshold, dutch_fold=cfg.dutch_fold)
        memo[key] = cands
    return cands


def _known(word: str, language: str) -> float:
    """How ordinary a word is in the transcript's language or in English (Zipf)."""
    z = zipf(word, language)
    return z if language == "en" else max(z, zipf(word, "en"))


def _resolve(hits: list[_Hit], n: int, blocked: list[bool] | None = None) -> list[_Hit]:
    """The best non-overlapping hits: exact first, then longer, then higher score."""
    used = list(blocked) if blocked else [False] * n
    chosen = []
    for h in sorted(hits, key=lambda h: h.rank):
        if any(used[h.i : h.j]):
            continue
        for k in range(h.i, h.j):
            used[k] = True
        chosen.append(h)
    chosen.sort(key=lambda h: h.i)
    return chosen


def _edits_for(doc: Document, toks: list[Token], norms, h: _Hit, applied: bool) -> list[Edit]:
    text = doc.text
    start, end = toks[h.i].start, toks[h.j - 1].end - h.end_cut
    after = h.form.output
    # A version with a Dutch decimal comma right after a model name: Claude 4,5 -> 4.5.
    if h.j < len(toks) and h.end_cut == 0 and _DECIMAL_COMMA.fullmatch(text[toks[h.j].start : toks[h.j].end]):
        gap = text[end : toks[h.j].start]
        if gap == " " and not after[-1:].isdigit():
            version = text[toks[h.j].start : toks[h.j].end]
            end = toks[h.j].end
            after = f"{after} {version.replace(',', '.')}"
    # Only an all-lowercase canonical is capitalized (n8n -> N8n); iJustine and xAI
    # keep their brand casing even at the start of a sentence.
    if after.islower() and after[:1].isalpha() and _sentence_start(text, start):
        after = after[:1].upper() + after[1:]
    before = text[start:end]
    if before == after:
        return []
    pieces = [(start, end, before, after)]
    if "\n" in before:
        if not doc.cues:
            applied = False  # never join two lines of a note or text file
        elif len(before.split()) == len(after.split()):
            # A phrase split across cues: each corrected word goes back to its cue.
            pieces = []
            for m_b, w_a in zip(re.finditer(r"\S+", before), after.split(), strict=True):
                if m_b.group() != w_a:
                    pieces.append((start + m_b.start(), start + m_b.end(), m_b.group(), w_a))
    return [
        Edit(STAGE, h.rule, h.method, round(h.score, 4), s, e, bf, af, applied=applied)
        for s, e, bf, af in pieces
    ]


def _sentence_start(text: str, pos: int) -> bool:
    """At the start of the text, of a line, or after ``.``/``!``/``?``/``:``."""
    if pos == 0 or text[pos - 1] == "\n":
        return True
    return bool(_SENTENCE_END.search(text[max(0, pos - 3) : pos]))
