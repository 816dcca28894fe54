"""The compiled glossary: exact keys, fuzzy forms blocked by sound, word commonness.

Why compile: the transcript is scanned once, and each position costs one set lookup
(is this token the start of any term?) unless it is a candidate. Fuzzy forms are
grouped by the first two consonants of their sound key, so a candidate n-gram is
scored against a handful of forms, not the whole glossary (issue 7). The compiled
index is cached on disk keyed on the glossary's content hash.

>>> from pipeline.glossary import Entry, Glossary
>>> g = Glossary(entries=(Entry(id="openai", canonical="OpenAI", kind="company",
...                             variants=["Open AI", "open en jij"]),))
>>> idx = compile_glossary(g, "nl")
>>> sorted(idx.exact), idx.max_tokens
(['open ai', 'open en jij', 'openai'], 3)
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import GlossaryError
from pipeline.glossary import Entry, Glossary, Variant
from pipeline.matching.phonetic import skeleton, sound_key
from pipeline.matching.tokens import letters, phrase_key, tokenize

__all__ = [
    "CompiledGlossary",
    "Form",
    "compile_glossary",
    "load_compiled",
    "load_glossary_cached",
    "zipf",
]

CACHE_VERSION = 5


@dataclass(frozen=True, slots=True)
class Form:
    """One spelling of an entry that transcripts are compared with."""

    entry: int  # index into CompiledGlossary.entries
    text: str
    output: str  # what a match is replaced with (the canonical, or a surname)
    variant: int | None  # index into entry.variants, None for canonical/derived forms
    ntokens: int
    letters: str
    sound: str
    sound_plain: str  # without the Dutch fold, for measuring what the fold brings
    fuzzy: bool = False  # the entry's flags, resolved once here: scoring reads them a lot
    phonetic: bool = False


@dataclass
class CompiledGlossary:
    entries: tuple[Entry, ...]
    language: str
    digest: str
    #: phrase key -> forms with that key (canonicals and exact variants)
    exact: dict[str, list[Form]] = field(default_factory=dict)
    first_tokens: set[str] = field(default_factory=set)
    max_tokens: int = 1
    #: blocking key (2 consonants of the sound key) -> fuzzy forms; and without the fold
    blocks: dict[str, list[Form]] = field(default_factory=dict)
    blocks_plain: dict[str, list[Form]] = field(default_factory=dict)
    max_fuzzy_tokens: int = 1
    #: candidates per n-gram, filled while matching (``correct_terms._candidates``);
    #: it belongs to this index, so it is never shared with another glossary
    candidate_memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # The memo is run state: not written to the on-disk cache nor sent to workers.
        return {**self.__dict__, "candidate_memo": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def _surname(entry: Entry) -> str | None:
    words = entry.canonical.split()
    if entry.kind == "person" and len(words) >= 2 and sum(c.isalpha() for c in words[-1]) >= 5:
        return words[-1]
    return None


def compile_glossary(glossary: Glossary, language: str) -> CompiledGlossary:
    entries = tuple(e for e in glossary.entries)
    idx = CompiledGlossary(entries=entries, language=language, digest=glossary.digest)
    exact: dict[str, list[Form]] = defaultdict(list)
    blocks: dict[str, list[Form]] = defaultdict(list)
    blocks_plain: dict[str, list[Form]] = defaultdict(list)

    def form(i: int, text: str, output: str, variant: int | None) -> Form:
        entry = entries[i]
        return Form(i, text, output, variant, len(tokenize(text)), letters(text),
                    sound_key(text), sound_key(text, dutch=False),
                    entry.fuzzy_enabled, entry.phonetic_enabled)

    for i, entry in enumerate(entries):
        canonical = form(i, entry.canonical, entry.canonical, None)
        exact[phrase_key(entry.canonical)].append(canonical)
        variant_forms = []
        if entry.applies_to(language):
            for j, variant in enumerate(entry.variants):
                f = form(i, variant.text, entry.canonical, j)
                exact[phrase_key(variant.text)].append(f)
                variant_forms.append((variant, f))
        if entry.fuzzy_enabled or entry.phonetic_enabled:
            fuzzy_forms = [canonical] + [f for v, f in variant_forms if not v.guarded]
            surname = _surname(entry)
            if surname:
                fuzzy_forms.append(form(i, surname, surname, None))
            for f in fuzzy_forms:
                if len(f.letters) >= 4:
                    blocks[skeleton(f.sound)[:2]].append(f)
                    blocks_plain[skeleton(f.sound_plain)[:2]].append(f)
                    idx.max_fuzzy_tokens = max(idx.max_fuzzy_tokens, f.ntokens)
    idx.exact = dict(exact)
    idx.blocks = dict(blocks)
    idx.blocks_plain = dict(blocks_plain)
    # A key starts with its first token ("GPT 1" -> "gpt") or, where a number is glued
    # on, with the first chunk of the key ("GPT1" -> "gpt1"): index both.
    idx.first_tokens = {
        toks[0].norm for forms in exact.values() for f in forms if (toks := tokenize(f.text))
    } | {key.split(" ")[0] for key in exact}
    idx.max_tokens = max((f.ntokens for forms in exact.values() for f in forms), default=1)
    return idx


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Hash of the code that builds an index: a changed compiler never reads an old cache."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(str(CACHE_VERSION).encode())
    for name in ("index.py", "tokens.py", "phonetic.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> Path:
    base = os.environ.get("TRANSCRIPT_FIX_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "transcript-fix" if base else Path.home() / ".cache" / "transcript-fix"


def load_compiled(glossary: Glossary, language: str, *, use_cache: bool = True) -> CompiledGlossary:
    """``compile_glossary`` with an on-disk cache keyed on the glossary's content hash.

    Why: the pre-commit path runs once per commit and must stay under a second (issue 7);
    a stale cache cannot be used because the key is the hash of every glossary file.
    """
    if not use_cache or not glossary.digest:
        return compile_glossary(glossary, language)
    path = _cache_dir() / f"index-{_code_digest()}-{language}-{glossary.digest[:32]}.pickle"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, CompiledGlossary) and cached.digest == glossary.digest:
            return cached
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError):
        pass
    compiled = compile_glossary(glossary, language)
    _write_pickle(path, compiled)
    return compiled


def load_glossary_cached(paths: Path | str | Iterable[Path | str]) -> Glossary:
    """``load_glossary`` with an on-disk cache keyed on the bytes of every glossary file.

    Why: PyYAML and pydantic take ~0.5 s for the real glossary and ~10 s for 10,000
    entries, on every start; the pre-commit path must stay under a second (issue 7).
    The key covers the file paths and bytes and the schema's code, so an edited glossary
    or schema is parsed again; errors always come from ``load_glossary`` itself.
    """
    from pipeline import glossary as schema

    given = [paths] if isinstance(paths, str | Path) else list(paths)
    h = hashlib.sha256(f"{CACHE_VERSION}\0{pydantic_version()}\0".encode())
    try:
        h.update(Path(schema.__file__).read_bytes())
        for g in given:
            for file in schema.glossary_paths(Path(g)):
                h.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    except (OSError, GlossaryError):
        return schema.load_glossary(given)  # let the loader name the problem
    path = _cache_dir() / f"glossary-{h.hexdigest()[:32]}.pickle"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, Glossary):
            return cached
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
        pass
    loaded = schema.load_glossary(given)
    _write_pickle(path, loaded)
    return loaded


def pydantic_version() -> str:
    from pydantic import VERSION

    return VERSION


def _write_pickle(path: Path, obj: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache folder is no reason to fail a run


class _FreqTable:
    """wordfreq's frequencies of one language, looked up in an on-disk SQLite table.

    Why not wordfreq's dict: building it costs ~0.3 s per language on every start (two
    languages: about half of the pre-commit path's second, issue 7), while a run looks up
    only its distinct words (``zipf`` is memoized). The table is built from wordfreq once
    per wordfreq version, atomically, in the cache folder. A run that looks up more than
    ``SWITCH_AFTER`` words (a big corpus) loads the dict after all: from there on it is
    the cheaper of the two.
    """

    SWITCH_AFTER = 10_000

    def __init__(self, path: Path, language: str) -> None:
        self.path = path
        self.language = language
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._lookups = 0
        self._dict: dict[str, float] | None = None

    def get(self, word: str, default: float = 0.0) -> float:
        if self._dict is not None:
            return self._dict.get(word, default)
        self._lookups += 1
        if self._lookups > self.SWITCH_AFTER:
            from wordfreq import get_frequency_dict

            self._dict = get_frequency_dict(self.language, wordlist="best")
            self._db = None
            return self._dict.get(word, default)
        if self._db is None or self._pid != os.getpid():  # never share a connection across fork
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        row = self._db.execute("SELECT f FROM freq WHERE w = ?", (word,)).fetchone()
        return row[0] if row else default


def _build_freq_table(freqs: dict[str, float], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f REAL) WITHOUT ROWID")
        db.executemany("INSERT OR IGNORE INTO freq VALUES (?, ?)", freqs.items())
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)


@lru_cache(maxsize=8)
def _freqs(language: str) -> _FreqTable | dict[str, float]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        wordfreq_version = version("wordfreq")
    except PackageNotFoundError:
        wordfreq_version = "unknown"
    path = _cache_dir() / f"wordfreq-{wordfreq_version}-{language}.sqlite3"
    if path.is_file():
        return _FreqTable(path, language)  # wordfreq itself takes 0.15 s to import
    from wordfreq import get_frequency_dict

    try:
        freqs = get_frequency_dict(language, wordlist="best")
    except (LookupError, ValueError):
        return {}
    try:
        _build_freq_table(freqs, path)
    except (OSError, sqlite3.Error):
        pass  # a read-only cache folder: use the dict this time
    return freqs


#: 65,536 phrases (~15 MB) keep a run's memory flat however many files it reads (issue 7);
#: a miss costs one dict or table lookup per word, so a bigger cache buys almost nothing.
@lru_cache(maxsize=65_536)
def zipf(phrase: str, language: str) -> float:
    """wordfreq Zipf frequency of a word or phrase (words combined as wordfreq does).

    >>> zipf("open", "nl") > 5 > zipf("anthropic", "nl")
    True
    """
    freqs = _freqs(language)
    words = phrase.lower().split()
    if not words:
        return 0.0
    inv = 0.0
    for w in words:
        f = freqs.get(w, 0.0)
        if f <= 0:
            return 0.0
        inv += 1.0 / f
    return round(math.log10(1.0 / inv * 1e9), 2)


def variant_of(form: Form, entries: tuple[Entry, ...]) -> Variant | None:
    return entries[form.entry].variants[form.variant] if form.variant is not None else None
