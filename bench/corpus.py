"""The benchmark corpus and glossaries, rebuilt byte for byte from a seed.

Why synthetic and not more real transcripts: the repository carries one seed transcript
(~13k words), and the benchmark needs millions of words and glossaries ten and a hundred
times the real one. Shuffling the seed's sentences keeps real Dutch ASR text (its word
frequencies decide how often the fuzzy pass is entered), and injecting known variants
and unseen misspellings at a fixed rate keeps the correction work realistic. Generated
glossary entries are made-up names (``Veltrano``, ``Dariel Brokmeijer``) whose variants
are what Dutch ASR does to names (split words, Dutch respellings), filtered so that no
generated word is an ordinary Dutch or English word.

Everything derives from ``CorpusSpec.seed``; the manifest records the spec, and a corpus
whose manifest matches is reused.

>>> rng = random.Random(1)
>>> _respell("Theodor", random.Random(3)) != "Theodor"
True
>>> _split_word("Veltrano", rng)
'Vel Trano'
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Corpus", "CorpusSpec", "build_corpus", "load_corpus"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "bench" / "corpus"
GENERATOR_VERSION = 3

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class CorpusSpec:
    """What to build; the manifest stores it, so a changed spec rebuilds the corpus."""

    #: Transcripts of about the seed's length (~13.4k words each): 200 give ~2.7 M words.
    files: int = 200
    #: Folders the files are spread over, so a run over a quarter of the corpus (the
    #: linearity and memory-per-file-count check) is one folder argument.
    parts: int = 4
    #: One injected variant or misspelling per this many words (the seed has ~1 correction
    #: per 250 words).
    inject_every: int = 200
    #: Share of injections that are unseen misspellings (fuzzy/phonetic work), not variants.
    unseen_share: float = 0.25
    #: One made-up rare word (``Brixmo``, ``tegeckvun``) per this many words, different in
    #: every file: every episode brings names and jargon never seen before, and without
    #: them 200 reshuffles of one transcript would let cross-file caches see one
    #: vocabulary over and over, which flatters them.
    novel_every: int = 100
    glossary_sizes: tuple[int, ...] = (100, 1000, 10000)
    #: The single-line transcript for the bounded-memory check.
    big_mb: int = 50
    seed: int = 20251125


@dataclass
class Corpus:
    root: Path
    spec: CorpusSpec
    parts: list[Path]
    files: list[Path]
    words: int
    words_per_part: list[int]
    glossaries: dict[int, Path]
    codespell_dicts: dict[int, Path]
    patterns: dict[int, Path]
    big: Path
    big_words: int
    real_entries: int
    injected: int
    codespell_skipped: dict[int, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "root": str(self.root),
            "spec": asdict(self.spec),
            "files": len(self.files),
            "words": self.words,
            "words_per_part": self.words_per_part,
            "glossaries": {str(k): str(v) for k, v in self.glossaries.items()},
            "codespell_dicts": {str(k): str(v) for k, v in self.codespell_dicts.items()},
            "codespell_skipped": {str(k): v for k, v in self.codespell_skipped.items()},
            "patterns": {str(k): str(v) for k, v in self.patterns.items()},
            "big": str(self.big),
            "big_words": self.big_words,
            "real_entries": self.real_entries,
            "injected": self.injected,
        }


# --- made-up names --------------------------------------------------------------------

# Weighted by repetition: mostly single consonants and vowels, so names stay sayable.
_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"] * 3 + [
    "br", "dr", "kr", "st", "tr", "th", "ph", "c", "qu", "ch", "w", "j"]
_VOWELS = ["a", "e", "i", "o", "u"] * 4 + ["ei", "au", "oo", "y", "ie"]
_CODAS = [""] * 12 + ["n", "r", "s", "l", "x", "k", "ck", "m", "nt", "rd"]

#: What Dutch ASR does to the spelling of an English-looking name (the reverse of
#: ``phonetic.DUTCH_FOLD``), plus vowel and final-consonant slips.
_RESPELL = [("th", "t"), ("ph", "f"), ("ck", "k"), ("c", "k"), ("qu", "kw"), ("y", "ij"),
            ("v", "f"), ("z", "s"), ("s", "z"), ("ou", "au"), ("au", "ou"), ("x", "ks"),
            ("ei", "ij"), ("oo", "o"), ("ie", "i"), ("w", "v"), ("a", "e"), ("o", "oe"),
            ("i", "ie"), ("d", "t"), ("t", "d"), ("rd", "rt"), ("e", "a")]


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(_syllable(rng) for _ in range(syllables)).capitalize()


def _respell(word: str, rng: random.Random) -> str | None:
    lower = word.lower()
    rules = [r for r in _RESPELL if r[0] in lower[1:] or (r[0] in lower and len(r[0]) > 1)]
    if not rules:
        return None
    a, b = rng.choice(rules)
    starts = [m.start() for m in re.finditer(re.escape(a), lower) if m.start() > 0 or len(a) > 1]
    if not starts:
        return None
    at = rng.choice(starts)
    out = lower[:at] + b + lower[at + len(a):]
    return out.capitalize() if word[:1].isupper() else out


def _split_word(word: str, rng: random.Random) -> str | None:
    """``Veltrano`` -> ``Vel Trano``: ASR hears a long name as two words (``En Tropic``)."""
    if len(word) < 6:
        return None
    cuts = [k for k in range(3, len(word) - 2) if word[k].lower() not in "aeiouy"]
    if not cuts:
        return None
    k = rng.choice(cuts)
    left, right = word[:k], word[k:]
    return f"{left} {right.capitalize() if word[:1].isupper() else right}"


def _misspell(phrase: str, rng: random.Random) -> str | None:
    """An unseen misspelling for the fuzzy/phonetic pass: respell one long word."""
    words = phrase.split()
    longs = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 5]
    if not longs:
        return None
    i = rng.choice(longs)
    new = _respell(words[i], rng)
    if new is None:
        return None
    words[i] = new
    return " ".join(words)


class _Rarity:
    """Rejects generated words that are ordinary Dutch or English (they would be guarded)."""

    def __init__(self) -> None:
        from wordfreq import zipf_frequency

        self._zipf = zipf_frequency

    def ok(self, phrase: str) -> bool:
        for w in re.findall(r"[^\W\d_]+", phrase.lower()):
            if len(w) < 3 or self._zipf(w, "nl") >= 1.5 or self._zipf(w, "en") >= 1.5:
                return False
        return True


def _key(phrase: str) -> str:
    return " ".join(re.findall(r"\w+", phrase.lower()))


def _generate_entries(n: int, rng: random.Random, taken: set[str], taken_ids: set[str]) -> list[dict]:
    rarity = _Rarity()
    out: list[dict] = []
    kinds = ["person"] * 35 + ["company"] * 25 + ["product"] * 15 + ["model"] * 15 + ["term"] * 10
    while len(out) < n:
        kind = rng.choice(kinds)
        if kind == "person":
            canonical = f"{_name(rng, 2)} {_name(rng, rng.choice((2, 3)))}"
        elif kind == "model":
            canonical = f"{_name(rng, 2)} {rng.randint(1, 9)}"
            if rng.random() < 0.4:
                canonical += f".{rng.randint(1, 9)}"
        elif kind == "term":
            canonical = _name(rng, 3).lower()
        else:
            canonical = _name(rng, rng.choice((2, 3)))
        if sum(c.isalpha() for c in canonical) < 5 or not rarity.ok(canonical) or _key(canonical) in taken:
            continue
        variants: list[dict] = []
        keys = {_key(canonical)}
        for _ in range(rng.choice((1, 2, 2, 3))):
            words = canonical.split()
            i = rng.randrange(len(words)) if kind != "model" else 0
            if kind == "person":
                i = len(words) - 1 if rng.random() < 0.7 else 0
            change = _split_word if rng.random() < 0.3 else _respell
            new = change(words[i], rng)
            if new is None:
                continue
            text = " ".join(words[:i] + [new] + words[i + 1 :])
            if _key(text) in keys or _key(text) in taken or not rarity.ok(text):
                continue
            keys.add(_key(text))
            variant: dict = {"text": text}
            if rng.random() < 0.1:
                variant["require_any"] = ["AI", "model*", "bedrijf", "software"]
            variants.append(variant)
        if not variants:
            continue
        base = "gen-" + re.sub(r"[^a-z0-9]+", "-", canonical.lower()).strip("-")
        ident, k = base, 2
        while ident in taken_ids:
            ident, k = f"{base}-{k}", k + 1
        taken_ids.add(ident)
        taken.update(keys)
        out.append({"id": ident, "canonical": canonical, "kind": kind, "variants": variants})
    return out


# --- building ---------------------------------------------------------------------------


def _seed_sentences(seed_dir: Path) -> list[str]:
    from pipeline.formats.markdown import NoTranscriptSection, read_markdown

    sentences: list[str] = []
    for path in sorted(seed_dir.glob("*.md")):
        try:
            doc = read_markdown(path.read_text(encoding="utf-8"), str(path))
        except NoTranscriptSection:
            continue
        for a, b in doc.regions:
            body = " ".join(doc.text[a:b].split())
            sentences += [s for s in _SENTENCE.split(body) if s]
    if not sentences:
        raise SystemExit(f"bench: no '## Transcript' section in any {seed_dir}/*.md")
    return sentences


def _real_entries(glossary_dir: Path) -> tuple[list[dict], dict | None]:
    from pipeline.glossary import load_glossary

    g = load_glossary(glossary_dir)
    entries = [e.model_dump(mode="json", exclude_defaults=True) for e in g.entries]
    markers = g.markers.model_dump(mode="json", exclude_defaults=True) if g.markers.tags else None
    return entries, markers


def _dump(path: Path, data: dict) -> None:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(
        yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1000),
        encoding="utf-8",
    )


def _inject(sentences: list[str], words: int, rng: random.Random, pool: list[tuple[str, str]],
            spec: CorpusSpec) -> tuple[str, int]:
    """Sentences in random order up to ``words`` words, a phrase from ``pool`` every
    ``inject_every`` words (inserted after a random word of the sentence)."""
    out: list[str] = []
    count = injected = 0
    next_at = rng.randint(1, spec.inject_every)
    while count < words:
        s = rng.choice(sentences)
        n = s.count(" ") + 1
        if count + n >= next_at:
            parts = s.split(" ")
            at = rng.randint(1, len(parts))
            phrase = rng.choice(pool)[0]
            parts.insert(at, phrase)
            s = " ".join(parts)
            injected += 1
            next_at += spec.inject_every
        if spec.novel_every and rng.random() < (s.count(" ") + 1) / spec.novel_every:
            parts = s.split(" ")
            novel = _name(rng, rng.choice((2, 3)))
            parts.insert(rng.randint(1, len(parts)), novel if rng.random() < 0.5 else novel.lower())
            s = " ".join(parts)
        out.append(s)
        count += s.count(" ") + 1
    return " ".join(out), injected


def _manifest_key(spec: CorpusSpec, seed_dir: Path, glossary_dir: Path) -> str:
    h = hashlib.sha256(json.dumps([GENERATOR_VERSION, asdict(spec)]).encode())
    h.update(Path(__file__).read_bytes())  # a changed generator rebuilds the corpus
    for d in (seed_dir, glossary_dir):
        for p in sorted(d.glob("*")):
            if p.is_file():
                h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def build_corpus(spec: CorpusSpec, root: Path = CORPUS_DIR, *, seed_dir: Path | None = None,
                 glossary_dir: Path | None = None, log=print) -> Corpus:
    """Build (or reuse) the corpus under ``root``; deterministic for a given spec."""
    seed_dir = seed_dir or ROOT / "seeds"
    glossary_dir = glossary_dir or ROOT / "glossary"
    key = _manifest_key(spec, seed_dir, glossary_dir)
    manifest = root / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return _corpus_from_manifest(root, spec, data["corpus"])
    log(f"bench: building corpus in {root} (seed {spec.seed}) ...")
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(spec.seed)
    sentences = _seed_sentences(seed_dir)
    real, markers = _real_entries(glossary_dir)
    taken = set()
    for e in real:
        taken.add(_key(e["canonical"]))
        taken.update(_key(v["text"] if isinstance(v, dict) else v) for v in e.get("variants", ()))
    taken_ids = {e["id"] for e in real}
    biggest = max(spec.glossary_sizes)
    generated = _generate_entries(max(0, biggest - min(len(real), biggest)), rng, taken, taken_ids)

    glossaries: dict[int, Path] = {}
    codespell_dicts: dict[int, Path] = {}
    patterns: dict[int, Path] = {}
    skipped: dict[int, int] = {}
    for size in spec.glossary_sizes:
        chosen = real[:size] + generated[: max(0, size - len(real))]
        gdir = root / f"glossary-{size}"
        gdir.mkdir()
        _dump(gdir / "entries.yaml", {"description": f"bench: {size} entries", "entries": chosen})
        if markers:
            _dump(gdir / "markers.yaml", {"markers": markers})
        glossaries[size] = gdir
        pairs = [
            ((v["text"] if isinstance(v, dict) else v), e["canonical"])
            for e in chosen
            for v in e.get("variants", ())
        ]
        # codespell checks single words ([\w'-]+): a multi-word variant is listed as its
        # changed words when it has as many words as the canonical (``Sam Oldman`` ->
        # ``oldman->Altman``); split words (``En Tropic``) cannot be listed at all.
        single: dict[str, str] = {}
        skipped[size] = 0
        for w, c in pairs:
            ws, cs = w.split(), c.split()
            if len(ws) != len(cs):
                skipped[size] += 1
                continue
            for a, b in zip(ws, cs, strict=True):
                if a.lower() != b.lower():
                    single.setdefault(a.lower(), b)
        codespell_dicts[size] = root / f"codespell-{size}.txt"
        codespell_dicts[size].write_text(
            "".join(f"{w}->{c.replace(',', ' ')}\n" for w, c in sorted(single.items())), encoding="utf-8"
        )
        patterns[size] = root / f"patterns-{size}.json"
        patterns[size].write_text(json.dumps(sorted(set(pairs)), ensure_ascii=False), encoding="utf-8")

    # What is injected: variants of the first 100 entries half the time (every glossary
    # size has work), of entries 100-1,000 the other half; plus unseen misspellings.
    small, large = real[:100] + generated[: max(0, 100 - len(real))], None
    large = (real + generated)[100:1000] or small

    def pool_of(entries: list[dict]) -> list[tuple[str, str]]:
        return [
            (v["text"], e["canonical"])
            for e in entries
            for v in e.get("variants", ())
            if isinstance(v, dict) and not v.get("require_any") and not v.get("forbid_any")
        ] or [(e["canonical"], e["canonical"]) for e in entries]

    pools = [pool_of(small), pool_of(large)]
    unseen: list[tuple[str, str]] = []
    for e in small + large:
        if e.get("kind") in {"person", "company", "product", "model", "organisation", "media"}:
            m = _misspell(e["canonical"], rng)
            if m and _key(m) not in taken:
                unseen.append((m, e["canonical"]))
    seed_words = sum(s.count(" ") + 1 for s in sentences)
    files: list[Path] = []
    parts = [root / "transcripts" / f"part-{k}" for k in range(spec.parts)]
    words_per_part = [0] * spec.parts
    injected = 0
    for i in range(spec.files):
        part = i * spec.parts // spec.files
        parts[part].mkdir(parents=True, exist_ok=True)
        frng = random.Random(rng.getrandbits(64))
        pool = frng.choice(pools) if frng.random() >= spec.unseen_share or not unseen else unseen
        body, k = _inject(sentences, seed_words, frng, pool if pool else pools[0], spec)
        injected += k
        text = (
            f"# Bench transcript {i:03d}\n\n**Video ID:** bench{i:07d}\n\n---\n\n## Transcript\n\n"
            f"{body}\n\n---\n\n## Notes\n"
        )
        path = parts[part] / f"t{i:03d}.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        words_per_part[part] += len(text.split())

    big_dir = root / "big"
    big_dir.mkdir()
    big = big_dir / "big.txt"
    brng = random.Random(spec.seed + 1)
    chunks, size = [], 0
    while size < spec.big_mb * 1_000_000:
        chunk, _ = _inject(sentences, seed_words, brng, pools[0], spec)
        chunks.append(chunk)
        size += len(chunk.encode("utf-8")) + 1
    big_text = " ".join(chunks) + "\n"
    big.write_text(big_text, encoding="utf-8")

    corpus = Corpus(
        root=root, spec=spec, parts=parts, files=files, words=sum(words_per_part),
        words_per_part=words_per_part, glossaries=glossaries, codespell_dicts=codespell_dicts,
        patterns=patterns, big=big, big_words=len(big_text.split()), real_entries=len(real),
        injected=injected, codespell_skipped=skipped,
    )
    manifest.write_text(json.dumps({"key": key, "corpus": corpus.to_json()}, indent=2), encoding="utf-8")
    log(f"bench: corpus ready: {len(files)} files, {corpus.words:,} words, "
        f"big file {big.stat().st_size / 1e6:.0f} MB")
    return corpus


def load_corpus(spec: CorpusSpec, root: Path = CORPUS_DIR) -> Corpus:
    """Build the corpus in a child process, then read its manifest.

    Why a child: the parent that measures must stay small, because a child process
    starts with its parent's peak RSS as its own ``ru_maxrss`` (fork, then exec).
    """
    import subprocess

    cmd = [sys.executable, "-m", "bench.corpus", str(root), json.dumps(asdict(spec))]
    if subprocess.run(cmd, cwd=ROOT, check=False).returncode != 0:
        raise SystemExit("bench: building the corpus failed")
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return _corpus_from_manifest(root, spec, data["corpus"])


def _corpus_from_manifest(root: Path, spec: CorpusSpec, data: dict) -> Corpus:
    parts = [root / "transcripts" / f"part-{k}" for k in range(spec.parts)]
    return Corpus(
        root=root,
        spec=spec,
        parts=parts,
        files=sorted(p for part in parts for p in part.glob("*.md")),
        words=data["words"],
        words_per_part=data["words_per_part"],
        glossaries={int(k): Path(v) for k, v in data["glossaries"].items()},
        codespell_dicts={int(k): Path(v) for k, v in data["codespell_dicts"].items()},
        patterns={int(k): Path(v) for k, v in data["patterns"].items()},
        big=Path(data["big"]),
        big_words=data["big_words"],
        real_entries=data["real_entries"],
        injected=data["injected"],
        codespell_skipped={int(k): v for k, v in data.get("codespell_skipped", {}).items()},
    )


if __name__ == "__main__":
    _spec = json.loads(sys.argv[2])
    _spec["glossary_sizes"] = tuple(_spec["glossary_sizes"])
    build_corpus(CorpusSpec(**_spec), Path(sys.argv[1]))
