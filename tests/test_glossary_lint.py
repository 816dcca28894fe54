"""The glossary is data, tested like code (house style point 6; codespell's test_dictionary).

Three parts:
- the shipped ``glossary/`` and the test glossary pass the lint;
- one test per lint failure kind (issue 3), each pinning the exact problem line;
- the loader's errors name file, line, entry id and field; the JSON Schema export.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_GLOSSARY, REAL_GLOSSARY

from pipeline.cli import main
from pipeline.curation import Problem, lint_glossary
from pipeline.errors import GlossaryError
from pipeline.glossary import GlossaryFile, load_glossary


def entry(id: str, canonical: str, *, kind: str = "company", extra: str = "", source: bool = True) -> str:
    """One YAML entry as curators write it (``extra`` is indented YAML for more fields)."""
    text = f"  - id: {id}\n    canonical: {canonical}\n    kind: {kind}\n"
    if source:
        text += "    source: https://example.com\n"
    return text + extra


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def lint(folder: Path) -> list[str]:
    """Problems as the CLI prints them, with paths relative to ``folder``."""
    return [str(p).replace(f"{folder}/", "") for p in lint_glossary([folder])]


# ------------------------------------------------------------------ clean glossaries


def test_shipped_glossary_passes_lint() -> None:
    errors = [str(p) for p in lint_glossary([REAL_GLOSSARY]) if p.level == "error"]
    assert errors == []


def test_shipped_glossary_passes_lint_through_the_cli() -> None:
    """What ``make check-glossary`` runs."""
    result = CliRunner().invoke(main, ["glossary", "lint", str(REAL_GLOSSARY)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("glossary lint: 0 errors, ")


def test_shipped_glossary_loads_and_has_markers() -> None:
    glossary = load_glossary(REAL_GLOSSARY)
    assert glossary.entries
    assert any("Muziek" in tag.words for tag in glossary.markers.tags)


def test_fixture_glossary_is_lint_clean_without_warnings() -> None:
    assert lint_glossary([FIXTURE_GLOSSARY]) == []


# ------------------------------------------------------------------ one test per kind

LINT_CASES = [
    # (id, files, expected problems as printed)
    (
        "schema-error",
        {"a.yaml": "entries:\n" + entry("x", "X", kind="thing")},
        [("a.yaml:4: error: entry 'x': field 'kind': Input should be 'person', 'company', "
         "'organisation', 'product', 'model', 'media', 'place' or 'term'")],
    ),
    (
        "schema-unknown-field",
        {"a.yaml": "entries:\n" + entry("x", "X", extra="    canonicall: Y\n")},
        ["a.yaml:6: error: entry 'x': field 'canonicall': Extra inputs are not permitted"],
    ),
    (
        "duplicate-id-across-files",
        {"a.yaml": "entries:\n" + entry("x", "Xavier"), "b.yaml": "entries:\n" + entry("x", "Xenon")},
        ["b.yaml:2: error: entry 'x': duplicate id (also in a.yaml)"],
    ),
    (
        "duplicate-id-in-one-file",
        {"a.yaml": "entries:\n" + entry("x", "Xavier") + entry("x", "Xenon")},
        ["a.yaml:6: error: entry 'x': duplicate id (also in a.yaml)"],
    ),
    (
        "variant-under-two-entries",
        {"a.yaml": "entries:\n"
         + entry("anthropic", "Anthropic", extra="    variants: [Antropik]\n")
         + entry("antropik-labs", "Antropik Labs", extra="    variants: [antropik]\n")},
        ["a.yaml:11: error: entry 'antropik-labs': variant 'antropik' is also listed under entry 'anthropic'"],
    ),
    (
        "variant-is-another-canonical",
        {"a.yaml": "entries:\n"
         + entry("claude", "Claude", extra="    variants: [Klaude]\n")
         + entry("klaude", "Klaude")},
        ["a.yaml:6: error: entry 'claude': variant 'Klaude' is the canonical of entry 'klaude'"],
    ),
    (
        "variant-is-another-canonical-across-files",
        {"a.yaml": "entries:\n" + entry("claude", "Claude", extra="    variants: [Klaude]\n"),
         "b.yaml": "entries:\n" + entry("klaude", "Klaude")},
        ["a.yaml:6: error: entry 'claude': variant 'Klaude' is the canonical of entry 'klaude'"],
    ),
    (
        "variant-is-own-canonical",
        {"a.yaml": "entries:\n" + entry("openai", "OpenAI", extra="    variants: [openai]\n")},
        ["a.yaml:6: error: entry 'openai': variant 'openai' equals the entry's own canonical"],
    ),
    (
        "variant-is-own-canonical-spelled-apart",
        # 'GPT 5' and 'GPT-5' have one key, so the variant adds nothing (tokens.py).
        {"a.yaml": "entries:\n" + entry("gpt-5", "GPT-5", kind="model", extra="    variants: [GPT 5]\n")},
        ["a.yaml:6: error: entry 'gpt-5': variant 'GPT 5' equals the entry's own canonical"],
    ),
    (
        "unsorted-file",
        {"a.yaml": "entries:\n" + entry("b", "Bbbb") + entry("a", "Aaaa")},
        ["a.yaml:6: error: entry 'a': entries are not sorted by id: 'a' comes after 'b'"],
    ),
    (
        "common-word-without-guard",
        {"a.yaml": "entries:\n" + entry("claude", "Claude", kind="model", extra="    variants: [cloud]\n")},
        [("a.yaml:6: error: entry 'claude': variant 'cloud' is a common word (nl Zipf 3.84 >= 3.0) "
         "and has no context guard")],
    ),
    (
        "guard-that-can-never-match-not-a-word",
        {"a.yaml": "entries:\n" + entry("x", "Xxxxx", extra="    require_any: ['C++']\n")},
        [("a.yaml:6: error: entry 'x': field 'require_any': Value error, guard phrase 'C++': 'C++' is "
         "not a word and can never match (use words, '_' for the matched term, and a trailing '*' "
         "for a prefix)")],
    ),
    (
        "guard-that-can-never-match-two-underscores",
        {"a.yaml": "entries:\n" + entry("x", "Xxxxx", extra="    forbid_any: ['_ en _']\n")},
        [("a.yaml:6: error: entry 'x': field 'forbid_any': Value error, guard phrase '_ en _' has more "
         "than one '_' (the match)")],
    ),
    (
        "guard-that-can-never-match-longer-than-window",
        {"a.yaml": "entries:\n" + entry(
            "x", "Xxxxx", extra="    window: 1\n    require_any: ['een twee drie vier']\n")},
        [("a.yaml:2: error: entry 'x': guard phrase 'een twee drie vier' is longer than the window "
         "(1 words each side) and can never match")],
    ),
    (
        "missing-source-is-a-warning",
        {"a.yaml": "entries:\n" + entry("x", "Xxxxx", source=False)},
        ["a.yaml:2: warning: entry 'x': no source: say where the spelling was confirmed"],
    ),
    (
        "marker-word-in-two-tags",
        {"m.yaml": "markers:\n  tags:\n    - id: music\n      words: [Muziek]\n"
         "    - id: song\n      words: [muziek]\n"},
        ["m.yaml: error: entry 'song': marker word 'muziek' is also in tag 'music'"],
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in LINT_CASES], ids=[c[0] for c in LINT_CASES])
def test_lint_failure_kind(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    assert lint(write(tmp_path, files)) == expected


@pytest.mark.parametrize(
    "extra",
    [
        "    variants:\n      - text: cloud\n        require_any: [Anthropic]\n",
        "    require_any: [Anthropic]\n    variants: [cloud]\n",
        # A forbid_any guard counts as a context guard too.
        "    variants:\n      - text: cloud\n        forbid_any: [de _]\n",
        # Checked only in the entry's languages: 'fiets' is ordinary Dutch, rare English.
        "    languages: [en]\n    variants: [fiets]\n",
    ],
    ids=["variant-guard", "entry-guard", "forbid-guard", "other-language"],
)
def test_lint_accepts_guarded_common_words(tmp_path: Path, extra: str) -> None:
    folder = write(tmp_path, {"a.yaml": "entries:\n" + entry("claude", "Claude", kind="model", extra=extra)})
    assert lint(folder) == []


def test_lint_missing_path(tmp_path: Path) -> None:
    assert lint_glossary([tmp_path / "nope"]) == [
        Problem("error", str(tmp_path / "nope"), None, None, "no such glossary file or folder")
    ]


def test_lint_cli_exit_codes_and_output(tmp_path: Path) -> None:
    runner = CliRunner()
    warn = tmp_path / "w"
    warn.mkdir()
    (warn / "a.yaml").write_text("entries:\n" + entry("x", "Xxxxx", source=False), encoding="utf-8")
    result = runner.invoke(main, ["glossary", "lint", str(warn)])
    assert result.exit_code == 0
    assert result.stdout == "glossary lint: 0 errors, 1 warnings\n"
    assert result.stderr == (
        "1 warnings (run with --strict to fail on them):\n"
        f"  {warn}/a.yaml:2: warning: entry 'x': no source: say where the spelling was confirmed\n"
    )
    result = runner.invoke(main, ["glossary", "lint", "--strict", str(warn)])
    assert result.exit_code == 1
    assert result.stdout == "glossary lint: 1 errors, 1 warnings\n"

    bad = tmp_path / "e"
    bad.mkdir()
    (bad / "a.yaml").write_text("entries:\n" + entry("b", "Bbbb") + entry("a", "Aaaa"), encoding="utf-8")
    result = runner.invoke(main, ["glossary", "lint", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == f"{bad}/a.yaml:6: error: entry 'a': entries are not sorted by id: 'a' comes after 'b'\n"
    assert result.stdout == "glossary lint: 1 errors, 0 warnings\n"


# ------------------------------------------------------------------ loader errors

LOAD_ERRORS = [
    # (id, text, str(error) without the folder, line, entry, field)
    ("unknown-field", "entries:\n  - id: x\n    canonical: X\n    kind: term\n    canonicall: Y\n",
     "g.yaml:5: entry 'x' field 'canonicall' Extra inputs are not permitted", 5, "x", "canonicall"),
    ("bad-kind", "entries:\n  - id: x\n    canonical: X\n    kind: thing\n",
     ("g.yaml:4: entry 'x' field 'kind' Input should be 'person', 'company', 'organisation', "
     "'product', 'model', 'media', 'place' or 'term'"), 4, "x", "kind"),
    ("bad-id", "entries:\n  - id: Open_AI\n    canonical: X\n    kind: term\n",
     "g.yaml:2: entry 'Open_AI' field 'id' String should match pattern '^[a-z0-9][a-z0-9-]*$'", 2, "Open_AI", "id"),
    ("missing-id", "entries:\n  - canonical: X\n    kind: term\n",
     "g.yaml:2: entry '#1' field 'id' Field required", 2, "#1", "id"),
    ("second-entry", ("entries:\n  - id: a\n    canonical: A\n    kind: term\n  - id: b\n    canonical: B\n"
     "    kind: term\n    fuzzy: maybe\n"),
     "g.yaml:8: entry 'b' field 'fuzzy' Input should be a valid boolean, unable to interpret input", 8, "b", "fuzzy"),
    ("empty-canonical", "entries:\n  - id: a\n    canonical: ''\n    kind: term\n",
     "g.yaml:3: entry 'a' field 'canonical' String should have at least 1 character", 3, "a", "canonical"),
    ("window-zero", "entries:\n  - id: x\n    canonical: X\n    kind: term\n    window: 0\n",
     "g.yaml:5: entry 'x' field 'window' Input should be greater than or equal to 1", 5, "x", "window"),
    ("bad-language", "entries:\n  - id: x\n    canonical: X\n    kind: term\n    languages: [Dutch]\n",
     "g.yaml:5: entry 'x' field 'languages' Value error, language 'Dutch' is not 'any' or an ISO 639 code",
     5, "x", "languages"),
    ("guard-in-variant", ("entries:\n  - id: x\n    canonical: X\n    kind: term\n    variants:\n      - ok\n"
     "      - text: bad\n        require_any: ['C++']\n"),
     ("g.yaml:7: entry 'x' field 'variants.1.require_any' Value error, guard phrase 'C++': 'C++' is not a "
     "word and can never match (use words, '_' for the matched term, and a trailing '*' for a prefix)"), 7, "x",
     "variants.1.require_any"),
    ("invalid-yaml", "entries:\n  - id: x\n    canonical: [X\n",
     "g.yaml:4: invalid YAML: expected ',' or ']', but got '<stream end>'", 4, None, None),
    ("not-a-mapping", "- id: x\n", "g.yaml:1: the file must be a mapping with 'entries:' or 'markers:'", 1, None, None),
    ("top-level-typo", "entry:\n  - id: x\n", "g.yaml: field 'entry' Extra inputs are not permitted", None, None, "entry"),
]


@pytest.mark.parametrize(("text", "message", "line", "entry_id", "field"), [c[1:] for c in LOAD_ERRORS], ids=[c[0] for c in LOAD_ERRORS])
def test_loader_error_names_file_line_entry_and_field(
    tmp_path: Path, text: str, message: str, line, entry_id, field
) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    err = info.value
    assert (err.path, err.line, err.entry, err.field) == (str(path), line, entry_id, field)
    assert str(err) == f"{tmp_path}/{message}"


def test_loader_duplicate_id_across_files(tmp_path: Path) -> None:
    write(tmp_path, {
        "a.yaml": "entries:\n  - id: x\n    canonical: X\n    kind: term\n",
        "b.yaml": "entries:\n  - id: w\n    canonical: W\n    kind: term\n  - id: x\n    canonical: X2\n    kind: term\n",
    })
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path)
    assert str(info.value) == f"{tmp_path}/b.yaml:5: entry 'x' field 'id' duplicate entry id (also in a.yaml)"


def test_loader_missing_path_and_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path / "nope")
    assert str(info.value) == f"{tmp_path}/nope: no such glossary file or folder"
    (tmp_path / "c.yaml").write_bytes(b"entries: \xff\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path / "c.yaml")
    assert str(info.value).startswith(f"{tmp_path}/c.yaml: cannot read: 'utf-8' codec can't decode byte 0xff")


def test_loader_empty_file_is_an_empty_glossary(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_glossary(tmp_path).entries == ()


def test_loader_names_the_unknown_key_inside_a_variant(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "entries:\n  - id: x\n    canonical: X\n    kind: term\n    variants:\n      - ok\n"
        "      - text: bad\n        requires: [a]\n",
        encoding="utf-8",
    )
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert "requires" in str(info.value)


# ------------------------------------------------------------------ JSON Schema export


def _schema() -> dict:
    result = CliRunner().invoke(main, ["glossary", "schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_schema_is_the_glossary_file_model() -> None:
    schema = _schema()
    assert schema == GlossaryFile.model_json_schema()
    assert schema["title"] == "GlossaryFile"
    assert schema["additionalProperties"] is False
    defs = schema["$defs"]
    assert set(defs) == {"Entry", "MarkerSet", "MarkerTag", "Variant"}
    assert all(d["additionalProperties"] is False for d in defs.values())
    assert defs["Entry"]["required"] == ["id", "canonical", "kind"]
    assert defs["Entry"]["properties"]["kind"]["enum"] == [
        "person", "company", "organisation", "product", "model", "media", "place", "term"
    ]


def test_schema_validates_object_variants_and_rejects_unknown_fields() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(_schema())
    good = {"entries": [{"id": "x", "canonical": "X", "kind": "term",
                         "variants": [{"text": "ks", "require_any": ["y"]}]}]}
    assert list(validator.iter_errors(good)) == []
    bad = {"entries": [{"id": "x", "canonical": "X", "kind": "term", "canonicall": "Y"}]}
    assert [e.message for e in validator.iter_errors(bad)] == [
        "Additional properties are not allowed ('canonicall' was unexpected)"
    ]


def test_schema_accepts_every_file_the_loader_accepts() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    validator = jsonschema.Draft202012Validator(_schema())
    for path in sorted(FIXTURE_GLOSSARY.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == [], path.name
