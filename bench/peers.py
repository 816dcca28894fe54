"""Peers measured on the same corpus, each in a child process: ``python -m bench.peers KIND ...``.

``floor``: a single-pass multi-pattern replace (pyahocorasick, every variant of the
glossary, whole words, case-insensitive) that reads and writes every file. Nothing that
reads and writes the files can be much faster, so it is the floor the pipeline is
compared with (issue 7).

``naive``: what fuzzy matching costs without blocking: RapidFuzz ``extractOne`` of every
1-3 word n-gram against every glossary form. Run on a sample only; it is ~100x slower.

Both print one JSON line: seconds (timed inside, after imports and setup are done, plus
setup separately), words, replacements.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted(p.rglob("*.md")) + sorted(p.rglob("*.txt")) if p.is_dir() else [p]
    return out


def floor(patterns: str, out_dir: str, *paths: str) -> dict:
    import ahocorasick

    t0 = time.perf_counter()
    automaton = ahocorasick.Automaton()
    for wrong, right in json.loads(Path(patterns).read_text(encoding="utf-8")):
        key = wrong.lower()
        automaton.add_word(key, (len(key), right))
    automaton.make_automaton()
    setup = time.perf_counter() - t0
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    words = replaced = 0
    t0 = time.perf_counter()
    for path in _files(list(paths)):
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        low = text.lower()
        if len(low) != len(text):  # a few characters change length when lowercased
            low = text
        parts: list[str] = []
        pos = 0
        for end, (n, right) in automaton.iter_long(low):
            start = end - n + 1
            if start < pos:
                continue
            if (start > 0 and low[start - 1].isalnum()) or (end + 1 < len(low) and low[end + 1].isalnum()):
                continue
            parts.append(text[pos:start])
            parts.append(right)
            pos = end + 1
            replaced += 1
        parts.append(text[pos:])
        (out / path.name).write_text("".join(parts), encoding="utf-8")
    return {"seconds": time.perf_counter() - t0, "setup": setup, "words": words, "edits": replaced}


def naive(glossary_dir: str, sample_words: str, *paths: str) -> dict:
    import re

    from rapidfuzz import fuzz, process

    from pipeline.glossary import load_glossary

    g = load_glossary(glossary_dir)
    forms = sorted({e.canonical.lower() for e in g.entries} | {
        v.text.lower() for e in g.entries for v in e.variants})
    limit = int(sample_words)
    words: list[str] = []
    for path in _files(list(paths)):
        words += re.findall(r"\w+", path.read_text(encoding="utf-8"))
        if len(words) >= limit:
            break
    words = words[:limit]
    found = 0
    t0 = time.perf_counter()
    for i in range(len(words)):
        for n in (1, 2, 3):
            if i + n <= len(words):
                ngram = " ".join(words[i : i + n]).lower()
                if process.extractOne(ngram, forms, scorer=fuzz.ratio, score_cutoff=85):
                    found += 1
    return {"seconds": time.perf_counter() - t0, "setup": 0.0, "words": len(words), "edits": found,
            "forms": len(forms)}


def main(argv: list[str]) -> int:
    kind, *args = argv
    result = {"floor": floor, "naive": naive}[kind](*args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
