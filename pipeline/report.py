"""Render results for people and machines; every function returns a string.

Why word-level: the seed is one 70 KB line, so a line diff shows the whole transcript
for every edit. The diff here is built from edit positions in one pass: a few words of
context, ``[-before-]{+after+}``, a few words after.

>>> from pipeline.api import fix_text
>>> from pipeline.glossary import Entry, Glossary
>>> g = Glossary(entries=(Entry(id="openai", canonical="OpenAI", kind="company", variants=["Open AI"]),))
>>> r = fix_text("vandaag heeft Open AI iets nieuws gelanceerd", glossary=g)
>>> print(word_diff(r))
1: …vandaag heeft [-Open AI-]{+OpenAI+} iets nieuws gelanceerd…
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.api import FileResult, Result

__all__ = ["check_lines", "partition", "summarize", "summary_markdown", "to_json", "to_markdown", "word_diff"]

CONTEXT_WORDS = 6


def _context(text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> tuple[str, str]:
    left = text[max(0, start - 200) : start].split(" ")[-words - 1 :]
    right = text[end : end + 200].split(" ")[: words + 1]
    return " ".join(left).lstrip("\n").split("\n")[-1], " ".join(right).split("\n")[0]


def word_diff(result: Result, *, suggestions: bool = False) -> str:
    text = result.original.text
    edits = result.suggestions if suggestions else result.edits
    lines = []
    for e in edits:
        left, right = _context(text, e.start, e.end)
        where = e.cue_time or e.line
        lines.append(f"{where}: …{left}[-{e.before}-]{{+{e.after}+}}{right}…")
    return "\n".join(lines)


def check_lines(fr: FileResult) -> list[str]:
    """``path:line:col: before -> after (rule)`` per edit, as linters print them.

    A removal (a marker) prints ``[Muziek] -> (removed)``.
    """
    out = []
    for e in fr.result.edits if fr.result else ():
        col = e.column if e.column is not None else 1
        col += len(e.before) - len(e.before.lstrip())  # " [Muziek]": point at the "["
        before = " ".join(e.before.split()) or repr(e.before)
        after = " ".join(e.after.split()) or "(removed)"
        out.append(f"{fr.path}:{e.line or 1}:{col}: {before} -> {after} ({e.stage}:{e.rule})")
    return out


def to_json(fr: FileResult) -> str:
    """The per-file JSON report: ``json.dumps(..., indent=2)`` of the file's edits.

    Why row by row: a file with 100,000 edits made ``json.dumps`` hold a dict per edit
    plus the encoder's pieces at once, ~9 bytes per byte of output (issue 7: a 10 MB
    one-line transcript peaked at 770 MB here); one row at a time gives the same bytes.

    >>> from pipeline.api import FileResult, fix_text
    >>> fr = FileResult("a.txt", "a.txt", "ok", result=fix_text("x &amp; y"))
    >>> rows = [e.as_dict() | {"context": e.context} for e in fr.result.edits]
    >>> to_json(fr) == json.dumps({"path": "a.txt", "format": "text", "language": "nl",
    ...     "title": None, "video_id": None, "edits": rows, "suggestions": []},
    ...     ensure_ascii=False, indent=2) + "\\n"
    True
    """
    r = fr.result
    head = {
        "path": fr.path,
        "format": r.original.fmt,
        "language": r.original.language,
        "title": r.original.meta.get("title"),
        "video_id": r.original.meta.get("video_id"),
    }
    parts = [json.dumps(head, ensure_ascii=False, indent=2)[:-2]]  # without "\n}"
    for key, edits in (("edits", r.edits), ("suggestions", r.suggestions)):
        if not edits:
            parts.append(f',\n  "{key}": []')
            continue
        rows = (
            json.dumps(e.as_dict() | {"context": e.context}, ensure_ascii=False, indent=2)
            .replace("\n", "\n    ")
            for e in edits
        )
        parts.append(f',\n  "{key}": [\n    ' + ",\n    ".join(rows) + "\n  ]")
    parts.append("\n}\n")
    return "".join(parts)


def _code(text: str) -> str:
    """A file name as a code span: a name like ``<script>.md`` must render literally."""
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _cell(text: str) -> str:
    """A table cell: pipes escaped, and ``<``/``&`` as entities so a transcript's
    ``<script>`` never becomes live HTML where the Markdown is rendered."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", "⏎") or "∅"


def to_markdown(fr: FileResult) -> str:
    r = fr.result
    out = [f"# transcript-fix report: `{fr.rel}`", ""]
    by_stage = Counter(e.stage for e in r.edits)
    out.append(
        f"{len(r.edits)} edits ("
        + ", ".join(f"{k}: {v}" for k, v in sorted(by_stage.items()))
        + f"), {len(r.suggestions)} suggestions for review."
    )
    out += ["", "## Word diff", "", "```diff"]
    out.append(word_diff(r) or "(no changes)")
    out += ["```", "", "## Edits", ""]
    out.append("| where | stage | rule | method | score | before | after |")
    out.append("|---|---|---|---|---|---|---|")
    for e in r.edits:
        where = e.cue_time or f"{e.line}:{e.column}"
        out.append(
            f"| {where} | {e.stage} | {e.rule} | {e.method} | {e.score:.2f} | {_cell(e.before)} | {_cell(e.after)} |"
        )
    if r.suggestions:
        out += ["", "## Suggestions (not applied)", ""]
        out.append("| where | rule | method | score | before | after | context |")
        out.append("|---|---|---|---|---|---|---|")
        for e in r.suggestions:
            where = e.cue_time or f"{e.line}:{e.column}"
            out.append(
                f"| {where} | {e.rule} | {e.method} | {e.score:.2f} | {_cell(e.before)} | {_cell(e.after)} | {_cell(e.context)} |"
            )
    return "\n".join(out) + "\n"


def partition(results: Iterable[FileResult]) -> tuple[list[FileResult], list[str], list[str]]:
    """(files that ran, error messages, skipped paths): what every run summary starts from."""
    ran, errors, skipped = [], [], []
    for fr in results:
        if fr.status == "error":
            errors.append(fr.message)
        elif fr.status == "skipped":
            skipped.append(fr.path)
        else:
            ran.append(fr)
    return ran, errors, skipped


def summarize(results: Iterable[FileResult]) -> dict:
    """Files, edits per stage and per term, suggestions, errors: the corpus summary."""
    stages: Counter = Counter()
    terms: Counter = Counter()
    files = []
    n_suggestions = 0
    ran, errors, skipped = partition(results)
    for fr in ran:
        r = fr.result
        stages.update(e.stage for e in r.edits)
        terms.update(e.rule for e in r.edits if e.stage == "correct_terms")
        n_suggestions += len(r.suggestions)
        files.append({"path": fr.path, "edits": len(r.edits), "suggestions": len(r.suggestions)})
    return {
        "files": files,
        "edits_per_stage": dict(sorted(stages.items())),
        "edits_per_term": dict(terms.most_common()),
        "suggestions": n_suggestions,
        "skipped": skipped,
        "errors": errors,
    }


def summary_markdown(summary: dict) -> str:
    out = ["# transcript-fix run summary", ""]
    out.append("| file | edits | suggestions |")
    out.append("|---|---|---|")
    for f in summary["files"]:
        out.append(f"| {_code(f['path'])} | {f['edits']} | {f['suggestions']} |")
    out += ["", "## Edits per stage", ""]
    out += [f"- {k}: {v}" for k, v in summary["edits_per_stage"].items()] or ["- none"]
    out += ["", "## Edits per term", ""]
    out += [f"- {k}: {v}" for k, v in summary["edits_per_term"].items()] or ["- none"]
    if summary["errors"]:
        out += ["", "## Errors", ""] + [f"- {_code(m)}" for m in summary["errors"]]
    if summary["skipped"]:
        out += ["", "## Skipped", ""] + [f"- {_code(m)}" for m in summary["skipped"]]
    return "\n".join(out) + "\n"
