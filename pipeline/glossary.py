"""The glossary schema (pydantic) and its loader for ``glossary/*.yaml``.

Why: the glossary is curated by people who are not programmers, so every file is
validated at load with ``extra="forbid"`` and an error that names the file, the line,
the entry id and the field (house style point 6). The data itself lives in the
top-level ``glossary/`` folder; the wheel bundles a copy as ``pipeline/_glossary``.

>>> e = Entry(id="openai", canonical="OpenAI", kind="company", variants=["Open AI"])
>>> [v.text for v in e.variants], e.fuzzy_enabled
(['Open AI'], True)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.errors import GlossaryError

__all__ = [
    "Entry",
    "Glossary",
    "GlossaryFile",
    "MarkerSet",
    "MarkerTag",
    "Variant",
    "bundled_glossary_dir",
    "default_glossary_dir",
    "load_glossary",
]

Kind = Literal[
    "person", "company", "organisation", "product", "model", "media", "place", "term"
]
#: Kinds that are names: fuzzy and phonetic matching default to on for them, since
#: auto-captions mangle names (issue 3) while ordinary terms are better left to variants.
NAME_KINDS = frozenset({"person", "company", "organisation", "product", "model", "media"})
#: A canonical shorter than this (letters only) gets no fuzzy/phonetic matching by
#: default: with 3-4 letters almost every word is "close" to it (Grok ~ grof, Veo ~ veto).
MIN_FUZZY_LETTERS = 5

_ID = r"^[a-z0-9][a-z0-9-]*$"
_GUARD_TOKEN = re.compile(r"^(_|[\w][\w'.-]*\*?)$")


def _guard_list(values: Sequence[str]) -> tuple[str, ...]:
    """Validate context-guard phrases; a phrase that can never match is an error."""
    out = []
    for phrase in values:
        words = phrase.split()
        if not words:
            raise ValueError("a context guard phrase is empty and can never match")
        if words.count("_") > 1:
            raise ValueError(f"guard phrase {phrase!r} has more than one '_' (the match)")
        for w in words:
            if not _GUARD_TOKEN.match(w):
                raise ValueError(
                    f"guard phrase {phrase!r}: {w!r} is not a word and can never match "
                    "(use words, '_' for the matched term, and a trailing '*' for a prefix)"
                )
        out.append(" ".join(words))
    return tuple(out)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variant(_Strict):
    """One known misrecognition of an entry, optionally with its own context guard."""

    text: Annotated[str, Field(min_length=1)]
    require_any: tuple[str, ...] = ()
    forbid_any: tuple[str, ...] = ()

    @field_validator("require_any", "forbid_any")
    @classmethod
    def _guards(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _guard_list(value)

    @property
    def guarded(self) -> bool:
        return bool(self.require_any or self.forbid_any)


def _variant_from_str(value: object) -> object:
    """A variant may be written as a plain string (``- Antropic``)."""
    return {"text": value} if isinstance(value, str) else value


class Entry(_Strict):
    """A term with its canonical spelling and what auto-captions make of it."""

    id: Annotated[str, Field(pattern=_ID)]
    canonical: Annotated[str, Field(min_length=1)]
    kind: Kind
    variants: tuple[Annotated[Variant, BeforeValidator(_variant_from_str, json_schema_input_type=str | Variant)], ...] = ()
    languages: tuple[str, ...] = ("any",)
    require_any: tuple[str, ...] = ()
    forbid_any: tuple[str, ...] = ()
    window: Annotated[int, Field(ge=1, le=50)] = 8
    fuzzy: bool | None = None
    phonetic: bool | None = None
    notes: str = ""
    source: str | None = None

    @field_validator("require_any", "forbid_any")
    @classmethod
    def _guards(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _guard_list(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for lang in value:
            if lang != "any" and not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ValueError(f"language {lang!r} is not 'any' or an ISO 639 code")
        return value

    @property
    def guarded(self) -> bool:
        return bool(self.require_any or self.forbid_any)

    @property
    def _name_like(self) -> bool:
        letters = sum(ch.isalpha() for ch in self.canonical)
        return self.kind in NAME_KINDS and letters >= MIN_FUZZY_LETTERS

    @property
    def fuzzy_enabled(self) -> bool:
        return self._name_like if self.fuzzy is None else self.fuzzy

    @property
    def phonetic_enabled(self) -> bool:
        return self._name_like if self.phonetic is None else self.phonetic

    def applies_to(self, language: str) -> bool:
        return "any" in self.languages or language in self.languages


class MarkerTag(_Strict):
    """Words that, alone inside brackets, make a caption sound tag (``[Muziek]``)."""

    id: Annotated[str, Field(pattern=_ID)]
    words: tuple[str, ...]
    notes: str = ""


class MarkerSet(_Strict):
    """The data behind ``strip_markers``: tag words in any language, and symbols."""

    tags: tuple[MarkerTag, ...] = ()
    symbols: tuple[str, ...] = ()


class GlossaryFile(_Strict):
    """One ``glossary/*.yaml`` file: a domain's entries, or the markers."""

    description: str = ""
    entries: tuple[Entry, ...] = ()
    markers: MarkerSet | None = None


class Glossary(BaseModel):
    """All entries and markers of a glossary folder, with the content hash for caching."""

    model_config = ConfigDict(frozen=True)

    entries: tuple[Entry, ...] = ()
    markers: MarkerSet = MarkerSet()
    files: tuple[str, ...] = ()
    digest: str = ""

    @model_validator(mode="after")
    def _unique_ids(self) -> Glossary:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise ValueError(f"duplicate entry id {entry.id!r}")
            seen.add(entry.id)
        return self


def bundled_glossary_dir() -> Path:
    """The glossary that ships with the package (wheel), else the source checkout's."""
    here = Path(__file__).resolve().parent
    inside = here / "_glossary"
    return inside if inside.is_dir() else here.parent / "glossary"


def default_glossary_dir(cwd: Path | None = None) -> Path:
    """``glossary/`` of the current repository if it has one, else the bundled glossary."""
    local = (cwd or Path.cwd()) / "glossary"
    if local.is_dir() and any(local.glob("*.yaml")):
        return local
    return bundled_glossary_dir()


def node_lines(text: str) -> dict[tuple, int]:
    """Map (entry index,) and (entry index, field) to 1-based YAML line numbers."""
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value == "entries" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                lines[(i,)] = item.start_mark.line + 1
                if isinstance(item, yaml.MappingNode):
                    for k, v in item.value:
                        lines[(i, k.value)] = k.start_mark.line + 1
                        if isinstance(v, yaml.SequenceNode):
                            for j, sub in enumerate(v.value):
                                lines[(i, k.value, j)] = sub.start_mark.line + 1
    return lines


def parse_glossary_file(path: Path, text: str) -> GlossaryFile:
    """Validate one file's text; errors name file, line, entry id and field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise GlossaryError(str(path), f"invalid YAML: {problem}", line=line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GlossaryError(str(path), "the file must be a mapping with 'entries:' or 'markers:'", line=1)
    try:
        return GlossaryFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        lines = node_lines(text)
        entry_id = field = None
        line = None
        if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
            raw = data.get("entries") or []
            item = raw[loc[1]] if loc[1] < len(raw) else None
            entry_id = item.get("id") if isinstance(item, dict) else None
            entry_id = str(entry_id) if entry_id is not None else f"#{loc[1] + 1}"
            field = ".".join(str(p) for p in loc[2:]) if len(loc) > 2 else None
            for depth in range(len(loc), 1, -1):
                key = tuple(loc[1:depth])
                if key in lines:
                    line = lines[key]
                    break
        else:
            field = ".".join(str(p) for p in loc) or None
        raise GlossaryError(
            str(path), err["msg"], line=line, entry=entry_id, field=field
        ) from None


def glossary_paths(path: Path) -> list[Path]:
    """The YAML files of a glossary given as a folder or a single file, sorted."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
    if path.is_file():
        return [path]
    raise GlossaryError(str(path), "no such glossary file or folder")


def load_glossary(paths: Path | str | Iterable[Path | str]) -> Glossary:
    """Load and merge glossary files or folders (later paths add entries).

    Why merge: a pre-commit consumer adds its own glossary to the bundled one (issue 5).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    entries: list[Entry] = []
    tags: list[MarkerTag] = []
    symbols: list[str] = []
    files: list[str] = []
    digest = hashlib.sha256()
    owner: dict[str, str] = {}
    for given in paths:
        for file in glossary_paths(Path(given)):
            try:
                raw = file.read_bytes()
                text = raw.decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise GlossaryError(str(file), f"cannot read: {exc}") from None
            digest.update(file.name.encode() + b"\0" + raw + b"\0")
            parsed = parse_glossary_file(file, text)
            lines = node_lines(text)
            for i, entry in enumerate(parsed.entries):
                if entry.id in owner:
                    raise GlossaryError(
                        str(file),
                        f"duplicate entry id (also in {owner[entry.id]})",
                        line=lines.get((i,)),
                        entry=entry.id,
                        field="id",
                    )
                owner[entry.id] = file.name
            entries.extend(parsed.entries)
            if parsed.markers:
                tags.extend(parsed.markers.tags)
                symbols.extend(parsed.markers.symbols)
            files.append(str(file))
    return Glossary(
        entries=tuple(entries),
        markers=MarkerSet(tags=tuple(tags), symbols=tuple(dict.fromkeys(symbols))),
        files=tuple(files),
        digest=digest.hexdigest(),
    )
