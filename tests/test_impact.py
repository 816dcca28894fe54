"""``transcript-fix glossary impact OLD NEW --corpus ...``: what a glossary edit does.

Issue 3: a curator must see what a change does to real transcripts before it lands.
The main test makes a real edit -- one variant added to the test glossary -- and shows
the report on the seed transcript, exactly as the pull-request job summary shows it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_GLOSSARY, SEEDS

from pipeline.api import Runner
from pipeline.cli import main
from pipeline.config import Config
from pipeline.curation import Change, impact, impact_markdown
from pipeline.glossary import load_glossary

SEED = SEEDS / "YULg4vMdULo.nl.md"


def copy_glossary(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURE_GLOSSARY, target)
    return target


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "terms.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def run_impact(old: Path, new: Path, *corpus: Path, extra: tuple[str, ...] = ()):
    args = ["glossary", "impact", str(old), str(new)]
    for c in corpus:
        args += ["--corpus", str(c)]
    return CliRunner().invoke(main, [*args, *extra], prog_name="transcript-fix", catch_exceptions=False)


@pytest.fixture
def glossaries(tmp_path: Path) -> tuple[Path, Path]:
    return copy_glossary(tmp_path, "old"), copy_glossary(tmp_path, "new")


def test_adding_a_variant_shows_where_it_now_corrects(glossaries, tmp_path: Path, monkeypatch) -> None:
    old, new = glossaries
    # The real edit: the seed says "Anropic" once; the test glossary does not know it yet.
    edit(new, "      - En Tropic\n", "      - Anropic\n      - En Tropic\n")
    monkeypatch.chdir(SEEDS.parent)
    result = run_impact(old, new, Path("seeds"), extra=("--out", str(tmp_path / "impact.md")))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "## Glossary impact\n"
        "\n"
        "1 appears, 0 disappears, 0 changes on seeds.\n"
        "\n"
        "| file | line | change | before | old | new | rule | context |\n"
        "|---|---|---|---|---|---|---|---|\n"
        "| YULg4vMdULo.nl.md | 11 | appears | Anropic | ∅ | Anthropic | anthropic | door andere "
        "partijen. Dus als Google of Anropic iets uitbrengt, zijn ze binnen van 48 uur |\n"
    )
    # --out writes the same Markdown, for $GITHUB_STEP_SUMMARY.
    assert (tmp_path / "impact.md").read_text(encoding="utf-8") == result.stdout


def test_no_change_says_so(glossaries) -> None:
    old, new = glossaries
    result = run_impact(old, new, SEED)
    assert result.exit_code == 0
    assert result.stdout == f"## Glossary impact\n\nNo correction changes on the corpus ({SEED}).\n"


def test_unrelated_edit_has_no_impact(glossaries) -> None:
    old, new = glossaries
    edit(new, "    source: https://slack.com\n", "    source: https://slack.com\n    notes: chat app\n")
    assert "No correction changes" in run_impact(old, new, SEED).stdout


CORPUS = "De meter benchmark is uit.\nSam Alman zegt iets.\nGoed.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(CORPUS, encoding="utf-8")
    (folder / "notes.md").write_text("# Geen transcript\n\nSam Alman\n", encoding="utf-8")  # skipped
    (folder / "broken.vtt").write_text("not a caption file\n", encoding="utf-8")  # error: ignored
    return folder


def _runner(folder: Path) -> Runner:
    return Runner(Config(), load_glossary(folder))


def test_removed_variant_disappears_and_changed_canonical_changes(glossaries, corpus: Path) -> None:
    old, new = glossaries
    edit(new, "      - text: meter\n        require_any: [benchmark, time horizon, \"_ onderzoek*\"]\n"
              "        forbid_any: [\"vierkante _\", \"kilo_\"]\n", "      - Meetr\n")
    edit(new, "    canonical: Sam Altman\n", "    canonical: Samuel Altman\n")
    changes = impact(_runner(old), _runner(new), [str(corpus)])
    assert changes == [
        Change("a.txt", "disappears", "meter", "METR", "", "metr",
               "De meter benchmark is uit. Sam Alman zegt iets. Goed.", 1),
        Change("a.txt", "changes", "Sam Alman", "Sam Altman", "Samuel Altman", "sam-altman -> sam-altman",
               "De meter benchmark is uit. Sam Alman zegt iets. Goed.", 2),
    ]
    text = impact_markdown(changes, [str(corpus)])
    assert text.splitlines()[2] == f"0 appears, 1 disappears, 1 changes on {corpus}."
    assert text.splitlines()[-1] == (
        "| a.txt | 2 | changes | Sam Alman | Sam Altman | Samuel Altman | sam-altman -> sam-altman | "
        "De meter benchmark is uit. Sam Alman zegt iets. Goed. |"
    )


def test_impact_markdown_escapes_table_cells() -> None:
    change = Change("a|b.txt", "appears", "x|y", "", "X", "r", "line one\nline two", None)
    assert impact_markdown([change], ["c"]).splitlines()[-1] == (
        "| a\\|b.txt |  | appears | x\\|y | ∅ | X | r | line one line two |"
    )


def test_impact_cli_errors(glossaries, tmp_path: Path) -> None:
    old, new = glossaries
    missing = run_impact(old, tmp_path / "nope", SEED)
    assert missing.exit_code == 2
    assert missing.stderr.endswith(f"Error: Invalid value for 'NEW': Path '{tmp_path / 'nope'}' does not exist.\n")
    no_corpus = CliRunner().invoke(main, ["glossary", "impact", str(old), str(new)], prog_name="transcript-fix")
    assert no_corpus.exit_code == 2
    assert no_corpus.stderr.endswith("Error: Missing option '--corpus'.\n")
    (new / "terms.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    broken = run_impact(old, new, SEED)
    assert broken.exit_code != 0
    assert broken.stderr == f"Error: {new / 'terms.yaml'}:2: entry 'x' field 'canonical' Field required\n"
