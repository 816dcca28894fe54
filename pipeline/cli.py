"""The ``transcript-fix`` command: a thin click layer over ``pipeline.api``.

Why thin: options become a ``Config`` and a ``Runner``; results are rendered by
``report.py``; library errors become one line and an exit code here and only here
(house style points 10-12). Exit codes: 0 clean, 1 changes found in check mode,
2 usage error, 3 bad input.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from pydantic import ValidationError

from pipeline import report
from pipeline.api import FileResult, Mode, Runner, fix_path, iter_transcripts
from pipeline.config import Config
from pipeline.errors import TranscriptFixError
from pipeline.glossary import GlossaryFile, default_glossary_dir
from pipeline.matching.index import load_glossary_cached

__all__ = ["main"]

EXIT_CLEAN, EXIT_CHANGES, EXIT_USAGE, EXIT_BAD_INPUT = 0, 1, 2, 3


class BadInput(click.ClickException):
    """A bad glossary or input named on the command line: one line, exit code 3.

    Why not 1: in check mode 1 means "changes found", which a pre-commit hook or CI
    must be able to tell apart from "the glossary is broken".
    """

    exit_code = EXIT_BAD_INPUT


@dataclass
class Report:
    """Owns the exit code of a run (black's ``Report.return_code``)."""

    changed: int = 0
    failed: int = 0
    check: bool = False

    def add(self, fr: FileResult) -> None:
        if fr.status == "error":
            self.failed += 1
        elif fr.result is not None and fr.result.changed:
            self.changed += 1

    @property
    def return_code(self) -> int:
        if self.failed:
            return EXIT_BAD_INPUT
        if self.check and self.changed:
            return EXIT_CHANGES
        return EXIT_CLEAN


def _build_config(
    language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold=True
) -> Config:
    data: dict = {
        "language": language,
        "correct_terms": {"fuzzy": fuzzy, "phonetic": phonetic, "dutch_fold": dutch_fold},
    }
    if apply_threshold is not None:
        data["correct_terms"]["apply_threshold"] = apply_threshold
    if suggest_threshold is not None:
        data["correct_terms"]["suggest_threshold"] = suggest_threshold
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise click.UsageError("; ".join(e["msg"] for e in exc.errors())) from None


def _load_runner(glossary: tuple[str, ...], add_glossary: tuple[str, ...], config: Config) -> Runner:
    paths = list(glossary) or [str(default_glossary_dir())]
    paths += list(add_glossary)
    try:
        # Cached on the files' bytes: parsing YAML is most of a one-file run (issue 7).
        return Runner(config, load_glossary_cached(paths))
    except TranscriptFixError as exc:
        raise BadInput(str(exc)) from None


def common_options(f):
    options = [
        click.option("--glossary", "glossary", multiple=True, type=click.Path(),
                     help="Glossary file or folder (repeatable); replaces the default "
                     "(./glossary if present, else the bundled one)."),
        click.option("--add-glossary", "add_glossary", multiple=True, type=click.Path(),
                     help="Glossary file or folder merged on top of the default one."),
        click.option("--language", default="nl", show_default=True,
                     help="Transcript language when the file does not declare one."),
        click.option("--apply-threshold", type=click.FloatRange(0, 1), default=None,
                     help="Fuzzy/phonetic confidence at or above which an edit is applied [0.90]."),
        click.option("--suggest-threshold", type=click.FloatRange(0, 1), default=None,
                     help="Confidence at or above which a match is reported as a suggestion [0.80]."),
        click.option("--fuzzy/--no-fuzzy", default=True, help="Fuzzy spelling matching."),
        click.option("--phonetic/--no-phonetic", default=True, help="Phonetic matching."),
        click.option("--dutch-fold/--no-dutch-fold", default=True,
                     help="Fold Dutch spellings of sounds before the phonetic key."),
        click.option("-q", "--quiet", is_flag=True, help="Only errors."),
        click.option("-v", "--verbose", is_flag=True, help="Also print suggestions."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


_WORKER: Runner | None = None


def _init_worker(runner: Runner) -> None:
    global _WORKER
    _WORKER = runner


def _work(args) -> FileResult:
    path, rel, explicit, mode, out_dir, report_dir = args
    return fix_path(path, rel, _WORKER, mode, explicit=explicit, out_dir=out_dir, report_dir=report_dir)


def run_files(
    runner: Runner,
    paths: Iterable[str],
    mode: Mode,
    *,
    out_dir: Path | None = None,
    report_dir: Path | None = None,
    jobs: int = 1,
    skip_non_transcripts: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterable[FileResult]:
    """Run every transcript under ``paths``; files are the unit of work.

    ``skip_non_transcripts`` treats named files like files found in a folder: Markdown
    without a ``## Transcript`` section is skipped, not an error (issue 5: pre-commit
    names every staged ``.md`` file, and a README is not a broken transcript).

    ``engine="dask"`` maps the same per-file function over a Dask cluster (``scheduler``,
    or a local one of ``jobs`` processes; ``pipeline/engines.py``, issue 7).
    """
    tasks = [
        (p, rel, explicit and not skip_non_transcripts, mode, out_dir, report_dir)
        for p, rel, explicit in iter_transcripts(paths)
    ]
    with _fewer_collections(runner):
        if engine == "dask":
            from pipeline.engines import run_dask

            yield from run_dask(runner, tasks, scheduler=scheduler, workers=jobs if jobs > 1 else None)
            return
        if jobs <= 1 or len(tasks) <= 1:
            _init_worker(runner)
            yield from map(_work, tasks)
            return
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(runner,)) as pool:
            yield from pool.map(_work, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))


@contextmanager
def _fewer_collections(runner: Runner) -> Iterator[None]:
    """Fewer cyclic garbage collections during a run (issue 7); restored afterwards.

    Why: a run allocates millions of short-lived, acyclic objects (tokens, n-grams,
    candidates), and with Python's default threshold (700) the collector took a quarter
    of a fuzzy run (bench, 30 files: 15.6 s, 11.6 s with the collector off, 12.2 s with
    this). The glossary and its index live for the whole run, so they are frozen out of
    every collection; forked ``--jobs`` workers inherit both settings.
    """
    import gc

    runner.compiled(runner.config.language)
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


_SKIP_OPTION = click.option(
    "--skip-non-transcripts", is_flag=True,
    help="Skip named Markdown files without a '## Transcript' section silently instead of "
    "failing (for the pre-commit hooks).")


def _check_paths(paths: tuple[str, ...]) -> None:
    for p in paths:
        if not Path(p).exists():
            raise click.UsageError(f"no such file or folder: {p}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="transcript-fix")
def main() -> None:
    """Clean and correct auto-generated transcripts (Markdown notes, VTT, SRT, json3, text)."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write corrected files here (same relative paths).")
@click.option("--in-place", is_flag=True, help="Overwrite the input files.")
@click.option("--report-dir", type=click.Path(file_okay=False),
              help="Write per-file JSON, Markdown and HTML reports here [OUT/reports with --out].")
@click.option("--summary/--no-summary", default=True, help="Write summary.json, summary.md and index.html to the report folder.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1), help="Processes.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are fixed: here (--jobs processes) or on a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to use with --engine dask (tcp://host:8786) [a local "
              "cluster of --jobs workers, one per core if --jobs is 1].")
@_SKIP_OPTION
@common_options
def fix(paths, out_dir, in_place, report_dir, summary, jobs, engine, scheduler, skip_non_transcripts, glossary,
        add_glossary, language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold, quiet, verbose):
    """Correct transcripts into --out DIR (or --in-place), with reports."""
    if bool(out_dir) == bool(in_place):
        raise click.UsageError("give exactly one of --out DIR or --in-place")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    _check_paths(paths)
    config = _build_config(language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold)
    runner = _load_runner(glossary, add_glossary, config)
    out = Path(out_dir) if out_dir else None
    reports = Path(report_dir) if report_dir else (out / "reports" if out else None)
    rep = Report()
    results = []
    with _progress(paths, quiet) as advance:
        for fr in _usage_errors(run_files(
            runner, paths, Mode.WRITE, out_dir=out, report_dir=reports, jobs=jobs,
            skip_non_transcripts=skip_non_transcripts, engine=engine, scheduler=scheduler,
        )):
            rep.add(fr)
            results.append(fr.for_summary())  # the texts are written; keep only the counts
            advance(fr)
            if fr.status == "skipped" and skip_non_transcripts and not verbose:
                continue  # issue 5: the hook leaves other Markdown alone, silently
            _echo_result(fr, quiet, verbose)
    if reports is not None and summary:
        from pipeline import html_report
        from pipeline.files import atomic_write

        data = report.summarize(results)
        atomic_write(reports / "summary.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        atomic_write(reports / "summary.md", report.summary_markdown(data))
        atomic_write(reports / "index.html", html_report.render_index(results))
        if not quiet:
            click.echo(f"reports: {reports / 'index.html'} (open in a browser); also summary.md, "
                       "summary.json and a .json, .md and .html per file")
    elif reports is not None and not quiet:
        click.echo(f"reports: {reports}/ (a .json, .md and .html per file)")
    sys.exit(rep.return_code)


def _usage_errors(results: Iterable[FileResult]) -> Iterator[FileResult]:
    """Library errors raised while a run starts (no Dask installed, no scheduler at that
    address) as a usage error: one line, exit 2."""
    try:
        yield from results
    except TranscriptFixError as exc:
        raise click.UsageError(str(exc)) from None


@contextmanager
def _progress(paths: tuple[str, ...], quiet: bool) -> Iterator[Callable[[FileResult], None]]:
    """A rich progress bar (files done, edits found) on an interactive stderr.

    Why only there: CI logs and pipes get one line per file instead (issue 6); ``CI`` is
    set by GitHub Actions, GitLab and most other CI systems.
    """
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        yield lambda fr: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    total = sum(1 for _ in iter_transcripts(paths))
    columns = (TextColumn("fixing"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TextColumn("{task.fields[edits]} edits"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("fix", total=total, edits=0)
        found = 0

        def advance(fr: FileResult) -> None:
            nonlocal found
            found += len(fr.result.edits) if fr.result is not None else 0
            bar.update(task, advance=1, edits=found)

        yield advance


def _echo_result(fr: FileResult, quiet: bool, verbose: bool) -> None:
    if fr.status == "error":
        click.echo(f"error: {fr.message}", err=True)
        return
    if fr.status == "skipped":
        if not quiet:
            click.echo(fr.message, err=True)
        return
    if quiet:
        return
    r = fr.result
    click.echo(f"{fr.path}: {len(r.edits)} edits, {len(r.suggestions)} suggestions")
    if verbose:
        for e in r.suggestions:
            click.echo(f"  suggest {e.before!r} -> {e.after!r} ({e.rule}, {e.method} {e.score:.2f})")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_SKIP_OPTION
@common_options
def check(paths, skip_non_transcripts, glossary, add_glossary, language, apply_threshold,
          suggest_threshold, fuzzy, phonetic, dutch_fold, quiet, verbose):
    """Report what fix would change; never writes. Exit 1 if anything would change."""
    _check_paths(paths)
    config = _build_config(language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold)
    runner = _load_runner(glossary, add_glossary, config)
    rep = Report(check=True)
    for fr in run_files(runner, paths, Mode.CHECK, skip_non_transcripts=skip_non_transcripts):
        rep.add(fr)
        if fr.status == "error":
            click.echo(f"error: {fr.message}", err=True)
        elif fr.status == "skipped":
            if verbose:
                click.echo(fr.message, err=True)
        else:
            for line in report.check_lines(fr):
                click.echo(line)
    sys.exit(rep.return_code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@common_options
def diff(paths, glossary, add_glossary, language, apply_threshold, suggest_threshold, fuzzy,
         phonetic, dutch_fold, quiet, verbose):
    """Print a word-level diff of what fix would change; never writes."""
    _check_paths(paths)
    config = _build_config(language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold)
    runner = _load_runner(glossary, add_glossary, config)
    rep = Report()
    for fr in run_files(runner, paths, Mode.DIFF):
        rep.add(fr)
        if fr.status == "error":
            click.echo(f"error: {fr.message}", err=True)
        elif fr.status == "ok" and fr.result.edits:
            click.echo(f"--- {fr.path}")
            click.echo(report.word_diff(fr.result))
            if verbose and fr.result.suggestions:
                click.echo("suggestions:")
                click.echo(report.word_diff(fr.result, suggestions=True))
    sys.exit(rep.return_code)


@main.group(name="glossary")
def glossary_group() -> None:
    """Work on the glossary: lint, schema, impact."""


@glossary_group.command()
def schema() -> None:
    """Print the JSON Schema of a glossary file (for editors that validate YAML)."""
    click.echo(json.dumps(GlossaryFile.model_json_schema(), indent=2))


@glossary_group.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def lint(paths, strict) -> None:
    """Check glossary files: schema, duplicates, sorting, common words, guards."""
    from pipeline.curation import lint_glossary

    problems = lint_glossary([Path(p) for p in (paths or [str(default_glossary_dir())])])
    errors = [p for p in problems if p.level == "error" or strict]
    for p in problems:
        if p.level == "error":
            click.echo(str(p), err=True)
    warnings = [p for p in problems if p.level == "warning"]
    if warnings:
        click.echo(f"{len(warnings)} warnings (run with --strict to fail on them):", err=True)
        for p in warnings[:20]:
            click.echo(f"  {p}", err=True)
    click.echo(f"glossary lint: {len(errors)} errors, {len(warnings)} warnings")
    sys.exit(1 if errors else 0)


@glossary_group.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("--corpus", multiple=True, required=True, type=click.Path(exists=True),
              help="Transcripts (files or folders) to run both glossaries over.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the Markdown here.")
@click.option("--language", default="nl", show_default=True)
def impact(old, new, corpus, out_file, language) -> None:
    """Show which corrections appear, disappear or change from glossary OLD to NEW."""
    from pipeline.curation import impact as run_impact
    from pipeline.curation import impact_markdown

    config = _build_config(language, None, None, True, True)
    old_runner = _load_runner((old,), (), config)
    new_runner = _load_runner((new,), (), config)
    text = impact_markdown(run_impact(old_runner, new_runner, corpus), corpus)
    click.echo(text, nl=False)
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")


@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="Write the YAML snippet here instead of stdout.")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False),
              help="Also write a Markdown summary with example contexts here.")
@click.option("--floor", type=click.FloatRange(0, 1), default=0.65, show_default=True,
              help="Lowest confidence against an entry that is shown as a new variant.")
@click.option("--min-count", type=click.IntRange(1), default=1, show_default=True,
              help="Only findings seen at least this often (raise it on a large corpus).")
@click.option("--limit", type=click.IntRange(1), default=30, show_default=True,
              help="At most this many new variants and this many new terms.")
@click.option("--glossary", "glossary", multiple=True, type=click.Path(),
              help="Glossary file or folder (repeatable); replaces the default.")
@click.option("--add-glossary", "add_glossary", multiple=True, type=click.Path(),
              help="Glossary file or folder merged on top of the default one.")
@click.option("--language", default="nl", show_default=True,
              help="Transcript language when the file does not declare one.")
@click.option("--suggest-threshold", type=click.FloatRange(0, 1), default=None,
              help="Upper end of the variant range: the pipeline's own suggest threshold [0.80].")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def suggest(corpus, out_file, summary_file, floor, min_count, limit, glossary, add_glossary,
            language, suggest_threshold, quiet):
    """Mine CORPUS for glossary work: new variants of entries and new terms, as a YAML
    snippet in the glossary's format for a curator to review and paste."""
    from pipeline import suggest as mining
    from pipeline.files import atomic_write
    from pipeline.suggest_report import to_markdown, to_yaml

    _check_paths(corpus)
    config = _build_config(language, None, suggest_threshold, True, True)
    if floor >= config.correct_terms.suggest_threshold:
        raise click.UsageError(
            f"--floor ({floor}) must be below the suggest threshold "
            f"({config.correct_terms.suggest_threshold})"
        )
    runner = _load_runner(glossary, add_glossary, config)
    found = mining.mine(runner, corpus, floor=floor, min_count=min_count, limit=limit)
    for message in found.errors:
        click.echo(f"error: {message}", err=True)
    snippet = to_yaml(found)
    if out_file:
        atomic_write(Path(out_file), snippet)
    else:
        click.echo(snippet, nl=False)
    if summary_file:
        atomic_write(Path(summary_file), to_markdown(found))
    if not quiet:
        click.echo(
            f"suggest: {len(found.files)} file(s), {len(found.variants)} new variants, "
            f"{len(found.terms)} new terms" + (f"; snippet in {out_file}" if out_file else "")
            + (f"; summary in {summary_file}" if summary_file else ""),
            err=True,
        )
    sys.exit(EXIT_BAD_INPUT if found.errors else EXIT_CLEAN)


@main.command(name="eval")
@click.argument("input_path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--reference", type=click.Path(exists=True, dir_okay=False),
              help="The corrected reference of INPUT (same format).")
@click.option("--clean", "clean_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of clean sentences (*.txt, one a line) where nothing may change.")
@click.option("--cases", "case_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Labelled case file (tests/cases/*.yaml); repeatable.")
@click.option("--examples", default=15, show_default=True, help="How many errors to list.")
@common_options
def eval_command(input_path, reference, clean_dir, case_files, examples, glossary, add_glossary,
                 language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold, quiet, verbose):
    """Measure: WER and edit precision/recall against a reference, damage on clean text,
    pass rate of labelled cases."""
    from pipeline import evaluate

    if bool(input_path) != bool(reference):
        raise click.UsageError("INPUT and --reference go together")
    if not (input_path or clean_dir or case_files):
        raise click.UsageError("nothing to evaluate: give INPUT --reference, --clean or --cases")
    config = _build_config(language, apply_threshold, suggest_threshold, fuzzy, phonetic, dutch_fold)
    runner = _load_runner(glossary, add_glossary, config)
    if input_path:
        s = evaluate.evaluate_reference(runner, Path(input_path), Path(reference))
        click.echo(f"## {input_path} vs {reference}")
        click.echo(f"WER input  {s.wer_input:.4f}")
        click.echo(f"WER output {s.wer_output:.4f}")
        click.echo(f"edits: predicted {s.predicted}, gold {s.gold}, correct {s.true_positives}")
        click.echo(f"precision {s.precision:.4f}  recall {s.recall:.4f}")
        for title, rows in (("false corrections", s.false_corrections), ("misses", s.misses)):
            click.echo(f"{title}: {len(rows)}")
            for before, after, ctx in rows[:examples]:
                click.echo(f"  {before!r} -> {after!r}   | {ctx}")
    if clean_dir:
        c = evaluate.evaluate_clean(runner, Path(clean_dir))
        click.echo(f"## clean text: {clean_dir}")
        click.echo(f"sentences {c.sentences}, changed by correct_terms {c.changed} "
                   f"({c.per_10k:.2f} per 10,000)")
        for name, before, after in c.examples[:examples]:
            click.echo(f"  {name}: {before}\n    -> {after}")
    for case_file in case_files:
        r = evaluate.evaluate_cases(runner, Path(case_file))
        click.echo(f"## cases: {case_file}: {r.passed}/{r.total} as expected ({r.rate:.3f})")
        for f in r.failures[:examples]:
            click.echo(f"  [{f['label']}] {f['input']}\n    expected: {f['expected']}\n    got:      {f['got']}")


if __name__ == "__main__":  # pragma: no cover
    main()


