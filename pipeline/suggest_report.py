"""Render mined glossary suggestions: a YAML snippet for curators and a Markdown summary.

Why a snippet and not a file: every finding is a guess, so the curator reads it, keeps
what is right and pastes that into the right ``glossary/*.yaml``; ``transcript-fix
glossary lint`` then checks it like any other edit (issue 6).

>>> from pipeline.suggest import Suggestions
>>> empty = Suggestions([], [], [], [], [], 0, {}, 0.65, 0.8)
>>> to_yaml(empty).splitlines()[-1]
'entries: []'
"""

from __future__ import annotations

import json

import yaml

from pipeline.suggest import Example, Suggestions, VariantSuggestion

__all__ = ["to_markdown", "to_yaml"]

#: Unknown words are hints, not entries: the snippet lists the most frequent few.
YAML_WORDS = 10


def _scalar(value: str) -> str:
    """A YAML scalar: plain when it reads back unchanged, else double-quoted.

    >>> _scalar("Sam Alman"), _scalar("yes"), _scalar("a: b # c")
    ('Sam Alman', '"yes"', '"a: b # c"')
    """
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value} and "#" not in value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def _one_line(text: str, width: int = 90) -> str:
    text = " ".join(text.replace("**", "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def to_yaml(s: Suggestions) -> str:
    """A snippet in the glossary's format: variant hints as comments, name stubs as entries.

    Why comments for variants and unknown words: pasting a variant as an entry would
    duplicate the entry's id, and an unknown word has no canonical yet; each hint says
    where it would go. The stubs validate as a ``GlossaryFile`` as they are.
    """
    out = [
        f"# transcript-fix suggest: {len(s.files)} file(s), glossary of {s.entries} entries.",
        "# REVIEW BEFORE PASTING: every line is a guess from the corpus, counted and shown",
        "# with an example. Delete what is wrong, fill in every TODO, keep files sorted by id.",
        "#",
    ]
    if s.variants:
        out.append(
            f"# New variants ({s.floor:.2f} to {s.threshold:.2f} against an entry, below what "
            "fix already suggests):"
        )
        out.append("# add each under `variants:` of the entry named above it.")
        for entry_id, group in _by_entry(s.variants):
            where = s.entry_files.get(entry_id)
            out += ["#", f"#   - id: {entry_id}" + (f"    ({where})" if where else ""),
                    "#     variants:"]
            for v in group:
                out.append(
                    f"#       - {_scalar(v.text)}    # {v.count}x, {v.method} {v.score:.2f}: "
                    f"{_one_line(v.examples[0].context, 70)}"
                )
    else:
        out.append("# New variants: none.")
    out.append("#")
    if s.words:
        out.append("# Unknown words (in no entry, unknown to wordfreq): if one is a misheard term,")
        out.append("# add it as that entry's variant.")
        for w in s.words[:YAML_WORDS]:
            out.append(f"#   {w.text}    # {w.count}x: {_one_line(w.examples[0].context, 80)}")
        if len(s.words) > YAML_WORDS:
            out.append(f"#   ... and {len(s.words) - YAML_WORDS} more in the --summary.")
        out.append("#")
    if not s.terms:
        out += ["# New terms: none.", "entries: []"]
        return "\n".join(out) + "\n"
    out.append("# New terms: names that no entry covers, ranked by count.")
    out.append("entries:")
    for t in s.terms:
        ex = t.examples[0]
        note = f"suggest: {t.count}x, e.g. {ex.path} {ex.where}: {_one_line(ex.context, 100)}"
        out += [
            f"  - id: {t.id}",
            f"    canonical: {_scalar(t.text)}    # TODO: the correct spelling",
            "    kind: term    # TODO: person, company, organisation, product, model, media, place?",
            "    variants: []    # TODO: the misheard forms, if the canonical differs",
            f"    notes: {_scalar(note)}",
            "    source: TODO",
            "",
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def _by_entry(variants: list[VariantSuggestion]) -> list[tuple[str, list[VariantSuggestion]]]:
    groups: dict[str, list[VariantSuggestion]] = {}
    for v in variants:
        groups.setdefault(v.entry_id, []).append(v)
    return sorted(groups.items(), key=lambda kv: (-sum(v.count for v in kv[1]), kv[0]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _examples(items: list[Example]) -> str:
    return "<br>".join(f"{_cell(e.context)} ({_cell(e.path)} {_cell(e.where)})" for e in items)


def to_markdown(s: Suggestions) -> str:
    """The review summary: what was mined, from where, with up to three contexts each."""
    out = ["# transcript-fix suggest", ""]
    out.append(
        f"{len(s.files)} file(s), glossary of {s.entries} entries; new variants score "
        f"{s.floor:.2f} to {s.threshold:.2f} against an entry."
    )
    out += ["", f"## New variants ({len(s.variants)})", ""]
    if s.variants:
        out.append("| as heard | entry | canonical | count | method | score | examples |")
        out.append("|---|---|---|---|---|---|---|")
        for v in s.variants:
            out.append(
                f"| {_cell(v.text)} | {v.entry_id} | {_cell(v.canonical)} | {v.count} | {v.method} "
                f"| {v.score:.2f} | {_examples(v.examples)} |"
            )
    else:
        out.append("None.")
    for title, items in (("New terms", s.terms), ("Unknown words", s.words)):
        out += ["", f"## {title} ({len(items)})", ""]
        if items:
            out.append("| term | count | zipf | examples |")
            out.append("|---|---|---|---|")
            for t in items:
                out.append(f"| {_cell(t.text)} | {t.count} | {t.zipf:.2f} | {_examples(t.examples)} |")
        else:
            out.append("None.")
    if s.errors:
        out += ["", "## Errors", ""] + [f"- {m}" for m in s.errors]
    return "\n".join(out) + "\n"
