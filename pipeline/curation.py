"""Tools for glossary curators: ``lint`` a glossary, and show the ``impact`` of a change.

Why lint beyond the schema: the mistakes that hurt are valid YAML — a variant under two
entries, a variant that is an ordinary Dutch word (``open``, ``cloud``, ``meter``) with no
context guard, an unsorted file that turns every diff into noise (issue 3, codespell's
``test_dictionary.py``). Why impact: a curator must see what a change does to real
transcripts before it lands, file by file, with context.

>>> from pipeline.glossary import Entry
>>> [p.message for p in lint_entries([Entry(id="b", canonical="OpenAI", kind="company",
...     variants=["open", "openai"], source="x")], "g.yaml", {})]
["variant 'open' is a common word (nl Zipf 5.50 >= 3.0) and has no context guard", "variant 'openai' equals the entry's own canonical"]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import GlossaryError
from pipeline.glossary import Entry, glossary_paths, node_lines, parse_glossary_file
from pipeline.matching.index import zipf
from pipeline.matching.tokens import phrase_key

__all__ = ["Problem", "impact", "impact_markdown", "lint_entries", "lint_glossary"]

#: An ordinary word: wordfreq Zipf frequency at or above this in a language of the
#: entry (3.0 = once per million words; "cloud" is 3.8 in Dutch, "sonnet" 2.5).
COMMON_ZIPF = 3.0
#: The languages an entry with ``languages: [any]`` is checked against.
ANY_LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    path: str
    line: int | None
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" entry '{self.entry}':" if self.entry else ""
        return f"{where}: {self.level}:{who} {self.message}"


def _langs(entry: Entry) -> Sequence[str]:
    return ANY_LANGUAGES if "any" in entry.languages else entry.languages


def lint_entries(entries: Sequence[Entry], path: str, lines: dict) -> list[Problem]:
    """Per-file checks: sorted, no self-variants, common words guarded, guards sane."""
    out: list[Problem] = []
    ids = [e.id for e in entries]
    for k in range(1, len(ids)):
        if ids[k] < ids[k - 1]:
            out.append(Problem("error", path, lines.get((k,)), ids[k],
                               f"entries are not sorted by id: '{ids[k]}' comes after '{ids[k - 1]}'"))
            break
    for i, e in enumerate(entries):
        own = phrase_key(e.canonical)
        for j, v in enumerate(e.variants):
            line = lines.get((i, "variants", j), lines.get((i,)))
            guarded = v.guarded or e.guarded
            for lang in _langs(e):
                z = zipf(" ".join(phrase_key(v.text).split()), lang)
                if z >= COMMON_ZIPF and not guarded:
                    out.append(Problem("error", path, line, e.id,
                                       f"variant '{v.text}' is a common word ({lang} Zipf {z:.2f} >= "
                                       f"{COMMON_ZIPF}) and has no context guard"))
                    break
            if phrase_key(v.text) == own:
                out.append(Problem("error", path, line, e.id, f"variant '{v.text}' equals the entry's own canonical"))
        for v_or_e in (e, *e.variants):
            for phrase in (*v_or_e.require_any, *v_or_e.forbid_any):
                if len(phrase.split()) > 2 * e.window + 1:
                    out.append(Problem("error", path, lines.get((i,)), e.id,
                                       f"guard phrase '{phrase}' is longer than the window "
                                       f"({e.window} words each side) and can never match"))
        if not e.source:
            out.append(Problem("warning", path, lines.get((i,)), e.id, "no source: say where the spelling was confirmed"))
    return out


def lint_glossary(paths: Iterable[Path]) -> list[Problem]:
    """All problems of a glossary (files or folders), errors and warnings."""
    problems: list[Problem] = []
    seen_ids: dict[str, str] = {}
    canonicals: dict[str, tuple[str, str]] = {}
    variants: dict[str, tuple[str, str, int | None]] = {}
    parsed = []
    marker_words: dict[str, str] = {}
    for given in paths:
        try:
            files = glossary_paths(Path(given))
        except GlossaryError as exc:
            problems.append(Problem("error", exc.path, None, None, exc.message))
            continue
        for file in files:
            text = file.read_text(encoding="utf-8")
            try:
                gf = parse_glossary_file(file, text)
            except GlossaryError as exc:
                problems.append(Problem("error", exc.path, exc.line, exc.entry,
                                        (f"field '{exc.field}': " if exc.field else "") + exc.message))
                continue
            lines = node_lines(text)
            parsed.append((str(file), gf, lines))
            problems.extend(lint_entries(gf.entries, str(file), lines))
            if gf.markers:
                for tag in gf.markers.tags:
                    for w in tag.words:
                        key = " ".join(w.lower().split())
                        if key in marker_words:
                            problems.append(Problem("error", str(file), None, tag.id,
                                                    f"marker word '{w}' is also in tag '{marker_words[key]}'"))
                        marker_words[key] = tag.id
    for path, gf, lines in parsed:
        for i, e in enumerate(gf.entries):
            if e.id in seen_ids:
                problems.append(Problem("error", path, lines.get((i,)), e.id, f"duplicate id (also in {seen_ids[e.id]})"))
            seen_ids[e.id] = path
            canonicals.setdefault(phrase_key(e.canonical), (e.id, path))
    for path, gf, lines in parsed:
        for i, e in enumerate(gf.entries):
            for j, v in enumerate(e.variants):
                key = phrase_key(v.text)
                line = lines.get((i, "variants", j))
                other = canonicals.get(key)
                if other and other[0] != e.id:
                    problems.append(Problem("error", path, line, e.id,
                                            f"variant '{v.text}' is the canonical of entry '{other[0]}'"))
                if key in variants and variants[key][0] != e.id:
                    problems.append(Problem("error", path, line, e.id,
                                            f"variant '{v.text}' is also listed under entry '{variants[key][0]}'"))
                variants.setdefault(key, (e.id, path, line))
    return problems


@dataclass(frozen=True)
class Change:
    file: str
    kind: str  # "appears", "disappears", "changes"
    before: str
    old: str
    new: str
    rule: str
    context: str
    line: int | None


def impact(old_runner, new_runner, corpus: Sequence[str]) -> list[Change]:
    """Which corrections appear, disappear or change between two glossaries."""
    from pipeline.api import Mode, fix_path, iter_transcripts

    changes: list[Change] = []
    for path, rel, explicit in iter_transcripts(corpus):
        a = fix_path(path, rel, old_runner, Mode.CHECK, explicit=explicit)
        b = fix_path(path, rel, new_runner, Mode.CHECK, explicit=explicit)
        if a.status != "ok" or b.status != "ok":
            continue
        old = {(e.start, e.end): e for e in a.result.edits if e.stage == "correct_terms"}
        new = {(e.start, e.end): e for e in b.result.edits if e.stage == "correct_terms"}
        for span in sorted(old.keys() | new.keys()):
            x, y = old.get(span), new.get(span)
            e = y or x
            if x and y and (x.after, x.rule) == (y.after, y.rule):
                continue
            kind = "changes" if x and y else "appears" if y else "disappears"
            changes.append(Change(rel, kind, e.before, x.after if x else "", y.after if y else "",
                                  e.rule if not (x and y) else f"{x.rule} -> {y.rule}", e.context, e.line))
    return changes


def impact_markdown(changes: Sequence[Change], corpus: Sequence[str]) -> str:
    """A review table that fits a CI job summary."""
    out = ["## Glossary impact", ""]
    if not changes:
        out.append(f"No correction changes on the corpus ({', '.join(corpus)}).")
        return "\n".join(out) + "\n"
    counts = {k: sum(c.kind == k for c in changes) for k in ("appears", "disappears", "changes")}
    out.append(", ".join(f"{v} {k}" for k, v in counts.items()) + f" on {', '.join(corpus)}.")
    out += ["", "| file | line | change | before | old | new | rule | context |", "|---|---|---|---|---|---|---|---|"]

    def cell(s: str) -> str:
        return (s or "∅").replace("|", "\\|").replace("\n", " ")

    for c in changes:
        out.append(f"| {cell(c.file)} | {c.line or ''} | {c.kind} | {cell(c.before)} | {cell(c.old)} | "
                   f"{cell(c.new)} | {cell(c.rule)} | {cell(c.context)} |")
    return "\n".join(out) + "\n"
