"""The library entry points: fix a text, a document, or a file on disk.

Why here and not in the CLI: the CLI, the pre-commit hook, ``eval``, the benchmark and
the Dask engine all run exactly this code (house style point 12).

>>> from pipeline.glossary import Entry, Glossary, MarkerSet, MarkerTag
>>> g = Glossary(entries=(Entry(id="openai", canonical="OpenAI", kind="company", variants=["Open AI"]),),
...              markers=MarkerSet(tags=(MarkerTag(id="music", words=("Muziek",)),)))
>>> r = fix_text("Open AI &amp; Sam [Muziek] zegt", glossary=g)
>>> r.corrected.text, [(e.stage, e.before) for e in r.edits]
('OpenAI & Sam zegt', [('correct_terms', 'Open AI'), ('normalize', '&amp;'), ('strip_markers', ' [Muziek]')])
"""

from __future__ import annotations

import enum
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ParseError, TranscriptFixError
from pipeline.files import atomic_write, load_text
from pipeline.formats import EXTENSIONS, NoTranscriptSection, read_document, write_document
from pipeline.glossary import Glossary, default_glossary_dir, load_glossary
from pipeline.matching.index import CompiledGlossary, load_compiled
from pipeline.model import Document, Edit, compose_edits
from pipeline.stages import STAGES

__all__ = [
    "FileResult",
    "Mode",
    "Result",
    "Runner",
    "fix_document",
    "fix_path",
    "fix_text",
    "iter_transcripts",
]


class Mode(enum.Enum):
    """What a run does with its results (black's ``WriteBack``)."""

    CHECK = "check"
    DIFF = "diff"
    WRITE = "write"

    @classmethod
    def from_flags(cls, *, check: bool = False, diff: bool = False) -> Mode:
        """The one place flags become a mode.

        >>> Mode.from_flags(check=True), Mode.from_flags(diff=True), Mode.from_flags()
        (<Mode.CHECK: 'check'>, <Mode.DIFF: 'diff'>, <Mode.WRITE: 'write'>)
        """
        return cls.CHECK if check else cls.DIFF if diff else cls.WRITE


@dataclass(frozen=True)
class Result:
    """A corrected document with the edits and suggestions that explain it."""

    original: Document
    corrected: Document
    edits: tuple[Edit, ...]
    suggestions: tuple[Edit, ...]
    output: str

    @property
    def changed(self) -> bool:
        return bool(self.edits)


@dataclass
class FileResult:
    """One file of a run: its result, or why it was skipped or failed."""

    path: str
    rel: str
    status: str  # "ok", "skipped", "error"
    result: Result | None = None
    message: str = ""
    written: list[str] = field(default_factory=list)

    def for_summary(self) -> FileResult:
        """This result without its texts: the edits and suggestions a summary counts.

        Why: a run keeps one result per file until it writes the summary; with the
        original and corrected texts that is the corpus in memory twice over (issue 7:
        memory independent of the number of files). The documents keep their format,
        language and metadata, with empty text.

        >>> r = fix_text("Open AI")
        >>> FileResult("a.txt", "a.txt", "ok", result=r).for_summary().result.original.text
        ''
        """
        if self.result is None:
            return self
        r = self.result

        def empty(doc: Document) -> Document:
            meta = {k: v for k, v in doc.meta.items() if not k.startswith("_")}  # no lookup caches
            return replace(doc, text="", regions=(), segments=(), cues=(), meta=meta)

        light = replace(r, original=empty(r.original), corrected=empty(r.corrected), output="")
        return replace(self, result=light)


class Runner:
    """Holds the glossary and its compiled index per language for a whole run."""

    def __init__(self, config: Config | None = None, glossary: Glossary | None = None) -> None:
        self.config = config or Config()
        self.glossary = glossary if glossary is not None else load_glossary(default_glossary_dir())
        self._compiled: dict[str, CompiledGlossary] = {}

    def compiled(self, language: str) -> CompiledGlossary:
        if language not in self._compiled:
            self._compiled[language] = load_compiled(self.glossary, language)
        return self._compiled[language]

    def fix_document(self, doc: Document) -> Result:
        language = doc.language or self.config.language
        doc = replace(doc, language=language)
        current, pieces = _split_regions(doc)
        applied: list[Edit] = []
        suggestions: list[Edit] = []
        for stage in STAGES:
            if not getattr(self.config, stage.name).enabled:
                continue
            glossary = self.compiled(language) if stage.name == "correct_terms" else self.glossary
            new, edits = stage.run(current, self.config, glossary)
            composed = compose_edits(doc.text, current.text, applied, edits)
            applied = [e for e in composed if e.applied]
            suggestions.extend(e for e in composed if not e.applied)
            current = new
        current = _join_regions(current, pieces)
        # Issue 8: write what the report's edits give. Where a later stage's edit was
        # merged with an earlier one, stage-by-stage text moves can spread text over
        # segments (json3 words, cues) differently; the replayed document is the truth.
        replayed = doc.with_edits(applied)
        assert replayed.text == current.text, "edits do not replay"
        current = replace(replayed, regions=current.regions)
        return Result(
            original=doc,
            corrected=current,
            edits=tuple(_annotate(doc, e) for e in applied),
            suggestions=tuple(_annotate(doc, e) for e in suggestions),
            output=write_document(doc, current),
        )


#: A region longer than this many characters is given to the stages in pieces.
#: Why: the stages hold per-token lists for a region; a 50 MB one-line transcript took
#: ~90 MB per MB of text (issue 7: bounded memory). 250,000 characters is ~40,000 words,
#: four hours of speech: the seed's section is 73,000, so real transcripts are not split.
MAX_REGION_CHARS = 250_000
#: Where a long region is cut: after a sentence end and its one space, before the next
#: word; failing that after other punctuation and a space. No stage matches across
#: punctuation (a term never spans ". " or ", "), so only context guards lose the words
#: on the other side of a cut. A stretch without any is left whole: correct, not small.
_SENTENCE_CUT = re.compile(r"[.!?] (?=\w)")
_PUNCTUATION_CUT = re.compile(r"[,;:)\]] (?=\w)")
#: Last resort, for auto-captions without any punctuation: memory stays bounded, and a
#: term split by a cut every 250,000 characters is the price (issue 8).
_WORD_CUT = re.compile(r" (?=\w)")


def _split_regions(doc: Document, size: int = MAX_REGION_CHARS) -> tuple[Document, list[int]]:
    """``doc`` with regions longer than ``size`` cut into pieces, and pieces per region.

    >>> d = Document("Een. Twee. Drie. Vier.", "text", regions=((0, 22),))
    >>> split, pieces = _split_regions(d, size=11)
    >>> [d.text[a:b] for a, b in split.regions], pieces
    (['Een. Twee. ', 'Drie. Vier.'], [2])
    """
    if all(b - a <= size for a, b in doc.regions):
        return doc, [1] * len(doc.regions)
    regions: list[tuple[int, int]] = []
    pieces: list[int] = []
    for a, b in doc.regions:
        count = 0
        while b - a > size:
            cut = None
            for pattern in (_SENTENCE_CUT, _PUNCTUATION_CUT, _WORD_CUT):
                last = None
                for last in pattern.finditer(doc.text, a + size // 2, min(b, a + size + 1)):
                    pass
                if last is not None:
                    cut = last.end()
                    break
            if cut is None:
                break  # no punctuation in half a piece: leave the rest whole
            regions.append((a, cut))
            count += 1
            a = cut
        regions.append((a, b))
        pieces.append(count + 1)
    return replace(doc, regions=tuple(regions)), pieces


def _join_regions(doc: Document, pieces: list[int]) -> Document:
    """Undo ``_split_regions`` on the (corrected) document: one region per original."""
    if all(n == 1 for n in pieces):
        return doc
    joined, k = [], 0
    for n in pieces:
        joined.append((doc.regions[k][0], doc.regions[k + n - 1][1]))
        k += n
    return replace(doc, regions=tuple(joined))


def _annotate(doc: Document, e: Edit) -> Edit:
    line, column, time = doc.locate(e.start)
    lo = doc.text.rfind(" ", 0, max(0, e.start - 40)) + 1
    hi = doc.text.find(" ", min(len(doc.text), e.end + 40))
    hi = len(doc.text) if hi < 0 else hi
    context = " ".join(doc.text[lo:hi].split())
    return replace(e, line=line, column=column, cue_time=time, context=context)


def fix_document(doc: Document, config: Config | None = None, glossary: Glossary | None = None) -> Result:
    return Runner(config, glossary).fix_document(doc)


def fix_text(
    text: str, config: Config | None = None, glossary: Glossary | None = None, fmt: str = "text"
) -> Result:
    """Fix a string as if it were a file of format ``fmt`` (plain text by default)."""
    return fix_document(read_document("<text>", text, fmt), config, glossary)


def iter_transcripts(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str, bool]]:
    """(file, path relative to what was named, named explicitly) for every input.

    Folders are walked in sorted order without following symlinks (no loops); hidden
    folders are skipped. A folder that cannot be listed is yielded as if named, so
    reading it reports why (issue 8: never skip files silently).
    """
    for given in paths:
        given = Path(given)
        if given.is_dir():
            unreadable: list[OSError] = []
            for root, dirs, files in os.walk(given, onerror=unreadable.append, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                yield from _unreadable(unreadable, given)
                for name in sorted(files):
                    p = Path(root) / name
                    if p.suffix.lower() in EXTENSIONS and not name.startswith("."):
                        yield p, str(p.relative_to(given)), False
            yield from _unreadable(unreadable, given)
        else:
            yield given, given.name, True


def _unreadable(errors: list[OSError], given: Path) -> Iterator[tuple[Path, str, bool]]:
    while errors:
        folder = Path(errors.pop(0).filename or given)
        rel = str(folder.relative_to(given)) if folder != given else given.name
        yield folder, rel, True


def fix_path(
    path: Path,
    rel: str,
    runner: Runner,
    mode: Mode,
    *,
    explicit: bool = True,
    out_dir: Path | None = None,
    report_dir: Path | None = None,
) -> FileResult:
    """Read, fix and (in WRITE mode) write one file; errors become a failed FileResult."""
    from pipeline import html_report, report

    try:
        text, encoding = load_text(path)
        doc = read_document(str(path), text)
        doc = replace(doc, meta={**doc.meta, "bom": encoding != "utf-8", "encoding": encoding})
        result = runner.fix_document(doc)
    except NoTranscriptSection as exc:
        if explicit:
            return FileResult(str(path), rel, "error", message=str(exc))
        return FileResult(str(path), rel, "skipped", message=f"{path}: skipped, no '## Transcript' section")
    except ParseError as exc:
        return FileResult(str(path), rel, "error", message=str(exc))
    except TranscriptFixError as exc:
        return FileResult(str(path), rel, "error", message=f"{path}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one file's bug must not abort the run (issue 8)
        return FileResult(
            str(path), rel, "error",
            message=f"{path}: internal error ({type(exc).__name__}: {exc}); please report this file",
        )
    fr = FileResult(str(path), rel, "ok", result=result)
    if mode is not Mode.WRITE:
        return fr
    try:
        if out_dir is not None:
            target = out_dir / rel
            # A new output file gets the source's permissions: a private transcript stays private.
            atomic_write(target, result.output, encoding=encoding, mode=_mode_of(path))
            fr.written.append(str(target))
        elif result.output != text:
            atomic_write(path, result.output, encoding=encoding)
            fr.written.append(str(path))
        if report_dir is not None:
            base = report_dir / rel
            for suffix, body in (
                (".json", report.to_json(fr)),
                (".md", report.to_markdown(fr)),
                (".html", html_report.render_report(fr)),
            ):
                target = base.with_name(base.name + suffix)
                atomic_write(target, body)
                fr.written.append(str(target))
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return FileResult(str(path), rel, "error", message=f"{path}: cannot write: {reason}")
    return fr


def _mode_of(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
