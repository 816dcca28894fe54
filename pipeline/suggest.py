"""Mine a corpus for glossary work: new variants of known entries, and new terms.

Why: curators add variants they happen to notice; the corpus already holds the ones
they missed (issue 6). Two kinds of finding, each counted over the corpus and shown
with example contexts so a curator can judge them:

- **variants**: n-grams of the *corrected* text that score between ``floor`` and the
  suggest threshold against an entry (``find_candidates`` with a low cutoff). Above the
  suggest threshold the pipeline already reports them; below ``floor`` it is noise.
- **terms**: capitalized words in mid-sentence (Dutch capitalizes names only) and words
  that no dictionary knows, that no entry covers, and that wordfreq does not call
  ordinary: likely names that auto-captions heard, possibly wrongly.

This module returns data; ``suggest_report`` renders it as a snippet in the glossary's
own format (it validates as a ``GlossaryFile``) and as a Markdown review summary.

>>> from pipeline.api import Runner
>>> from pipeline.glossary import Entry, Glossary
>>> g = Glossary(entries=(Entry(id="anthropic", canonical="Anthropic", kind="company"),))
>>> text = "Wiets Hagen zegt dat Entropisch groeit. Ook Wiets Hagen ziet dat Entropisch wint."
>>> found = mine_texts(Runner(glossary=g), [("a.txt", text)])
>>> [(v.text, v.entry_id, v.count) for v in found.variants]
[('Entropisch', 'anthropic', 2)]
>>> [(t.text, t.count) for t in found.terms]
[('Wiets Hagen', 2)]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.api import Mode, Runner, fix_path, iter_transcripts
from pipeline.formats import read_document
from pipeline.glossary import parse_glossary_file
from pipeline.matching.candidates import find_candidates
from pipeline.matching.index import CompiledGlossary, zipf
from pipeline.matching.tokens import Token, letters, phrase_key, tokenize
from pipeline.model import Document

__all__ = [
    "Example",
    "Suggestions",
    "TermSuggestion",
    "VariantSuggestion",
    "mine",
    "mine_texts",
]

#: Lowest confidence against an entry worth showing a curator. 0.65 still finds
#: ``clots`` for Claude and ``Sam Alman`` for Sam Altman style slips; below it the
#: candidates are mostly unrelated words that share two consonants.
DEFAULT_FLOOR = 0.65
#: Function words (``en``, ``de``, ``die``, ``bij``: all above 5). A sentence-initial
#: capital says nothing, so such a first word is dropped from a name run, and an n-gram
#: that starts or ends with one is not a variant.
FUNCTION_WORD_ZIPF = 5.0
#: Parts of a Dutch compound (``videomodel`` = video + model) must be at least this
#: common for the word to count as ordinary although wordfreq does not list it.
COMPOUND_PART_ZIPF = 3.0
#: In the variant band, sound alone is too coarse (``feeds`` sounds like Wietse,
#: ``outen`` like Adyen: spelling 0.40); real slips keep most letters (``entropy team``
#: for Anthropic 0.63, ``Claude/Cloud Code`` 0.80 in shared/corpora/asr-errors).
MIN_SPELLING = 0.6
EXAMPLES = 3
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$")


@dataclass(frozen=True, slots=True)
class Example:
    """Where a finding was seen: file, line or cue time, and the words around it."""

    path: str
    where: str
    context: str


@dataclass
class VariantSuggestion:
    """An n-gram close to an entry but not close enough to be corrected or suggested."""

    text: str
    entry_id: str
    canonical: str
    count: int
    score: float
    method: str
    zipf: float
    examples: list[Example] = field(default_factory=list)


@dataclass
class TermSuggestion:
    """A name-like word or phrase that no glossary entry covers."""

    text: str
    id: str
    count: int
    zipf: float
    capitalized: bool
    examples: list[Example] = field(default_factory=list)


@dataclass
class Suggestions:
    variants: list[VariantSuggestion]
    terms: list[TermSuggestion]  # capitalized: names, entry stubs in the snippet
    words: list[TermSuggestion]  # lowercase and unknown to wordfreq: probably slips
    files: list[str]
    errors: list[str]
    entries: int
    entry_files: dict[str, str]
    floor: float
    threshold: float


@dataclass
class _Tally:
    count: int = 0
    surface: Counter = field(default_factory=Counter)
    score: float = 0.0
    method: str = ""
    examples: list[Example] = field(default_factory=list)


def _context(text: str, start: int, end: int, words: int = 6) -> str:
    """A few words either side, the finding in bold, punctuation kept in place.

    >>> _context("Maar weet wel dat eh Sonet, want dit", 21, 26, 2)
    'dat eh **Sonet**, want'
    """
    left, right = text[max(0, start - 120) : start], text[end : end + 120]
    return (
        " ".join(left.split()[-words:]) + (" " if left[-1:].isspace() else "")
        + f"**{' '.join(text[start:end].split())}**"
        + (" " if right[:1].isspace() else "") + " ".join(right.split()[:words])
    ).strip()


def _where(doc: Document, offset: int) -> str:
    line, _column, time = doc.locate(offset)
    return time or (f"line {line}" if line is not None else "")


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4) : pos]
    return pos == 0 or "\n" in before[-1:] or bool(_SENTENCE_END.search(before))


def _in_address(text: str, start: int, end: int) -> bool:
    """Part of an e-mail address, URL or domain (``lasing@aireport``, ``x.com/jobs``).

    >>> _in_address("mail lasing@aireport nu", 5, 11), _in_address("Dat is alles.", 7, 12)
    (True, False)
    """
    before, after = text[start - 1 : start], text[end : end + 2]
    return before in ("@", "/", ".") and start > 0 or after[:1] in ("@", "/") or (
        after[:1] == "." and after[1:2].isalnum()
    )


def _inflections(word: str, language: str) -> set[str]:
    """The word and, for Dutch, the base forms its common endings point to.

    Why: wordfreq lists ``installeren`` but not every inflection, and unlisted verb
    forms (``installeert``, ``circuleert``, ``gemanaged``) were most of the noise the
    seed produced as "variants" of Instagram, Carry Slee and Gemini.

    >>> sorted(_inflections("installeert", "nl"))
    ['installeer', 'installeert', 'installeren']
    """
    forms = {word}
    if language != "nl" or len(word) < 5:
        return forms
    if word.endswith("eert"):
        forms.add(word[:-4] + "eren")
    if word.startswith("ge") and word[-1] in "dt":
        forms.add(word[2:])  # gemanaged -> managed, geprompt -> prompt
    for ending in ("en", "de", "te", "t", "d", "e", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            forms.add(word[: -len(ending)])
    return forms


def _is_ordinary(word: str, language: str, common: float, *, name: bool = False) -> bool:
    """Frequent in the transcript's language or English (in some inflection), or a
    compound of common parts (Dutch writes ``videomodel`` as one word).

    A ``name`` is only checked as written: ``Wiets`` is not ``wiet`` + s.

    >>> _is_ordinary("videomodel", "nl", 3.0), _is_ordinary("slebericht", "nl", 3.0)
    (True, False)
    >>> _is_ordinary("Wiets", "nl", 3.0), _is_ordinary("Wiets", "nl", 3.0, name=True)
    (True, False)
    """
    w = word.lower()
    if name:
        return zipf(w, language) >= common or zipf(w, "en") >= common
    for form in _inflections(w, language):
        if zipf(form, language) >= common or zipf(form, "en") >= common:
            return True
    for i in range(3, len(w) - 3):  # head 3+ letters, tail 4+: "old|man" is no compound
        head, tail = w[:i], w[i:]
        if zipf(tail, language) >= COMPOUND_PART_ZIPF and (
            zipf(head, language) >= COMPOUND_PART_ZIPF
            or head.endswith("s") and zipf(head[:-1], language) >= COMPOUND_PART_ZIPF
        ):
            return True
    return False


def _unknown_word(word: str, language: str, common: float) -> bool:
    """A lowercase word no dictionary lists, in no inflection or compound.

    >>> _unknown_word("slebericht", "nl", 3.0), _unknown_word("videomodel", "nl", 3.0)
    (True, False)
    """
    return (
        word.islower() and len(word) >= 5 and word.isalpha() and zipf(word, language) == 0.0
        and not _is_ordinary(word, language, common)
    )


def _known_spans(text: str, toks: list[Token], idx: CompiledGlossary) -> list[bool]:
    """Tokens inside an exact glossary form (canonical or variant) in this text."""
    covered = [False] * len(toks)
    for i, tok in enumerate(toks):
        if tok.norm not in idx.first_tokens:
            continue
        for j in range(min(len(toks), i + idx.max_tokens), i, -1):
            if phrase_key(text[tok.start : toks[j - 1].end]) in idx.exact:
                covered[i:j] = [True] * (j - i)
                break
    return covered


def _slug(text: str) -> str:
    """A glossary id for a new term.

    >>> _slug("Alexander Clübing"), _slug("VO3")
    ('alexander-clubing', 'vo3')
    """
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "term"


class _Miner:
    def __init__(self, runner: Runner, floor: float) -> None:
        self.runner = runner
        self.floor = floor
        cfg = runner.config.correct_terms
        self.threshold = cfg.suggest_threshold
        self.common = cfg.common_word_zipf
        self.min_letters = max(4, cfg.min_fuzzy_letters - 1)
        self.variants: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
        self.terms: dict[str, _Tally] = defaultdict(_Tally)

    def add(self, path: str, doc: Document) -> None:
        language = doc.language or self.runner.config.language
        idx = self.runner.compiled(language)
        regions = doc.regions or ((0, len(doc.text)),)
        for a, b in regions:
            toks = tokenize(doc.text, a, b)
            known = _known_spans(doc.text, toks, idx)
            near = self._variants(path, doc, toks, known, idx, language)
            self._terms(path, doc, toks, [k or n for k, n in zip(known, near, strict=True)],
                        language)

    def _variants(self, path, doc, toks, known, idx, language) -> list[bool]:
        """Record n-grams close to an entry; return the tokens that are near one."""
        text = doc.text
        width = min(idx.max_fuzzy_tokens + 1, 4)
        ordinary = [
            t.norm.isdigit() or _is_ordinary(t.norm, language, self.common) for t in toks
        ]
        function = [zipf(t.norm, language) >= FUNCTION_WORD_ZIPF for t in toks]
        hits = []
        seen = [False] * len(toks)
        cache: dict[str, list] = {}
        for i in range(len(toks)):
            for j in range(i + 1, min(len(toks), i + width) + 1):
                if any(known[i:j]):
                    break
                if j - 1 > i and text[toks[j - 2].end : toks[j - 1].start] != " ":
                    break  # punctuation or a line break inside: not one phrase
                ngram = text[toks[i].start : toks[j - 1].end]
                if len(letters(ngram)) < self.min_letters or not any(c.isalpha() for c in ngram):
                    continue
                # As in correct_terms: a phrase of ordinary words only ("doen", "die een")
                # is close to some entry by chance; the seed gave 40 such hits per entry.
                if all(ordinary[i:j]):
                    continue
                # "avatars en", "bij Strava": a function word at an edge only pads the match.
                if j - i > 1 and (function[i] or function[j - 1]):
                    continue
                key = ngram.lower()
                if key not in cache:
                    cache[key] = find_candidates(ngram, idx, score_cutoff=self.floor, limit=1)
                for c in cache[key]:
                    if c.score >= self.threshold or c.form.output.lower() == key:
                        # fix already reports it (or it is the term): not new to anyone
                        seen[i:j] = [True] * (j - i)
                        continue
                    if c.spelling >= MIN_SPELLING:
                        hits.append((c.score, i, j, c))
        used = [False] * len(toks)
        for score, i, j, c in sorted(hits, key=lambda h: (-h[0], h[1])):
            if any(used[i:j]):
                continue
            used[i:j] = [True] * (j - i)
            ngram = text[toks[i].start : toks[j - 1].end]
            entry = idx.entries[c.form.entry]
            tally = self.variants[(ngram.lower(), entry.id)]
            self._count(tally, ngram, path, doc, toks[i].start, toks[j - 1].end)
            if score > tally.score:
                tally.score, tally.method = score, c.method
        return [a or b for a, b in zip(used, seen, strict=True)]

    def _terms(self, path, doc, toks, covered, language) -> None:
        """Count runs of capitalized words (names) and unknown lowercase words."""
        text = doc.text
        run: list[int] = []
        for k, tok in enumerate(toks):
            word = text[tok.start : tok.end]
            if covered[k] or _in_address(text, tok.start, tok.end):
                eligible = False
            elif word[:1].isupper():
                if run and text[toks[run[-1]].end : tok.start] == " " and run[-1] == k - 1:
                    run.append(k)
                    continue
                eligible = True
            else:
                eligible = False
                if _unknown_word(word, language, self.common):
                    self._count(self.terms[word], word, path, doc, tok.start, tok.end)
            if run:
                self._name_run(path, doc, toks, run, language)
            run = [k] if eligible else []
        if run:
            self._name_run(path, doc, toks, run, language)

    def _name_run(self, path, doc, toks, run, language) -> None:
        text = doc.text
        words = [text[toks[k].start : toks[k].end] for k in run]
        initial = _sentence_start(text, toks[run[0]].start)
        if initial and zipf(words[0], language) >= FUNCTION_WORD_ZIPF:
            run, words = run[1:], words[1:]
        if not run or sum(c.isalpha() for c in "".join(words)) < 3:
            return
        if initial and len(words) == 1:
            # A capital at a sentence start says nothing: judge it as an ordinary word
            # (seed: "Basketballen", "Omgevingsgeluiden" are Dutch compounds).
            if _is_ordinary(words[0], language, self.common):
                return
        elif all(_is_ordinary(w, language, self.common, name=True) for w in words):
            return
        start, end = toks[run[0]].start, toks[run[-1]].end
        self._count(self.terms[" ".join(words).lower()], " ".join(words), path, doc, start, end)

    def _count(self, tally: _Tally, surface: str, path, doc, start, end) -> None:
        tally.count += 1
        tally.surface[surface] += 1
        if len(tally.examples) < EXAMPLES:
            tally.examples.append(Example(path, _where(doc, start), _context(doc.text, start, end)))


def _entry_files(runner: Runner) -> dict[str, str]:
    """Entry id -> the glossary file that defines it (for 'paste under' hints)."""
    out: dict[str, str] = {}
    for name in runner.glossary.files:
        path = Path(name)
        try:
            parsed = parse_glossary_file(path, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        out.update({e.id: str(path) for e in parsed.entries})
    return out


def _collect(miner: _Miner, files: list[str], errors: list[str], min_count: int,
             limit: int) -> Suggestions:
    runner = miner.runner
    by_id = {e.id: e for e in runner.glossary.entries}
    variants = []
    for (key, entry_id), t in miner.variants.items():
        if t.count < min_count:
            continue
        text = t.surface.most_common(1)[0][0]
        variants.append(
            VariantSuggestion(text, entry_id, by_id[entry_id].canonical, t.count,
                              round(t.score, 2), t.method, zipf(key, runner.config.language),
                              t.examples)
        )
    variants.sort(key=lambda v: (-v.count, -v.score, v.text.lower()))
    taken = {e.id for e in runner.glossary.entries}
    terms, words = [], []
    for key, t in sorted(miner.terms.items(), key=lambda kv: (-kv[1].count, kv[0])):
        text = t.surface.most_common(1)[0][0]
        # Names get entry stubs; unknown lowercase words are more often slips or Dutch
        # compounds (``computerura``, ``plaatjesgenator``), so they are listed apart.
        bucket = terms if text[:1].isupper() else words
        if t.count < min_count or len(bucket) >= limit:
            continue
        slug = base = _slug(text)
        n = 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        bucket.append(
            TermSuggestion(text, slug, t.count, zipf(key, runner.config.language),
                           text[:1].isupper(), t.examples)
        )
    return Suggestions(
        variants=variants[:limit],
        terms=terms,
        words=words,
        files=files,
        errors=errors,
        entries=len(runner.glossary.entries),
        entry_files=_entry_files(runner),
        floor=miner.floor,
        threshold=miner.threshold,
    )


def mine(
    runner: Runner,
    paths: Iterable[str | Path],
    *,
    floor: float = DEFAULT_FLOOR,
    min_count: int = 1,
    limit: int = 30,
) -> Suggestions:
    """Mine transcript files or folders (corrected first, so known fixes do not return)."""
    miner = _Miner(runner, floor)
    files, errors = [], []
    for path, rel, explicit in iter_transcripts(paths):
        fr = fix_path(path, rel, runner, Mode.CHECK, explicit=explicit)
        if fr.status == "error":
            errors.append(fr.message)
        elif fr.status == "ok":
            files.append(str(path))
            miner.add(str(path), fr.result.corrected)
    return _collect(miner, files, errors, min_count, limit)


def mine_texts(
    runner: Runner,
    texts: Iterable[tuple[str, str]],
    *,
    floor: float = DEFAULT_FLOOR,
    min_count: int = 1,
    limit: int = 30,
) -> Suggestions:
    """``mine`` over (name, text) pairs; the format follows the name's extension."""
    miner = _Miner(runner, floor)
    files = []
    for name, text in texts:
        fmt = "text" if Path(name).suffix in ("", ".txt") else None
        doc = read_document(name, text, fmt) if fmt else read_document(name, text)
        miner.add(name, runner.fix_document(doc).corrected)
        files.append(name)
    return _collect(miner, files, [], min_count, limit)
