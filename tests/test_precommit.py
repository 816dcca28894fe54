"""End to end: the real ``pre-commit`` runs this project's hooks in a consumer repository.

Why: issue 5 asks for hooks that work in someone else's repository from a clean clone.
Nothing short of the real tool proves that: it clones this project, ``pip install``s it
into its own virtualenv (so the glossary must come from inside the wheel), passes the
staged files, and judges a fixer by whether files changed. The ``.pre-commit-config.yaml``
of every consumer here is a snippet read from README.md, so the README is proven too.

Cost (measured): the hook environment is installed once per test session
(PRE_COMMIT_HOME is a session temp dir), about 10 s with a warm pip cache and 40 s with
none; each pre-commit run after that takes 2-4 s, mostly loading the glossary. The whole
file takes about 30 s warm, 70 s cold.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


# A note as a consumer would commit it: errors in the transcript that the bundled
# glossary corrects (variants "Open AI" and "Antropic", the marker [Muziek], an HTML
# entity), and the same "Open AI" under ## Notes, which a person wrote and must stay.
NOTE = """\
# Aflevering 12

## Transcript

Open AI en Antropic [Muziek] praten over de toekomst &amp; meer.

## Notes

Open AI
"""
NOTE_FIXED = """\
# Aflevering 12

## Transcript

OpenAI en Anthropic praten over de toekomst & meer.

## Notes

Open AI
"""
# yt-dlp auto-subs: a cue that is only a marker is dropped. "&amp;" is how WebVTT
# escapes "&", so it stays.
VTT = """\
WEBVTT
Kind: captions
Language: nl

00:00:01.000 --> 00:00:03.000
[Muziek]

00:00:03.000 --> 00:00:06.000
Welkom, vandaag gaat het over Open AI

00:00:06.000 --> 00:00:09.000
en Antropic &amp; hun nieuwe modellen.
"""
VTT_FIXED = """\
WEBVTT
Kind: captions
Language: nl

00:00:03.000 --> 00:00:06.000
Welkom, vandaag gaat het over OpenAI

00:00:06.000 --> 00:00:09.000
en Anthropic &amp; hun nieuwe modellen.
"""
# Ordinary Markdown with the same errors: no ## Transcript section, so both hooks must
# leave it alone without a word (it is not an error either).
README = "# Our podcast notes\n\nWe talk about Open AI &amp; Antropic here.\n"
# A consumer's own term, for the --add-glossary / --glossary options.
CONSUMER_GLOSSARY = """\
entries:
  - id: zorgpodcast
    canonical: ZorgPodcast
    kind: media
    variants:
      - Sorg Podcast
    source: https://example.org/zorgpodcast
"""


# --- fixtures -------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    """A subprocess environment that no developer or CI git/pre-commit setting leaks into.

    Why: a global ``core.hooksPath`` makes ``pre-commit install`` refuse, ``GIT_DIR``
    from an outer hook would point git at the wrong repository, and commit signing would
    need keys. Package-index settings (PIP_*) are kept: pre-commit installs from PyPI.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
    )
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, check=False, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=900,
    )


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    proc = _run(["git", *args], cwd, env)
    assert proc.returncode == 0, f"git {' '.join(args)} failed:\n{proc.stdout}"
    return proc.stdout


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, pre_commit_home: Path) -> tuple[Path, str]:
    """This checkout as a one-commit git repository: (path, commit) for ``repo:``/``rev:``.

    Why a snapshot and not ``pre-commit try-repo``: try-repo picks up uncommitted edits
    with ``git add -u``, which leaves out new files (a new glossary file, or
    .pre-commit-hooks.yaml itself before it is committed). The snapshot holds what
    ``git ls-files`` knows plus untracked files that are not ignored; in CI, on a clean
    clone, that is exactly HEAD.
    """
    env = _env(pre_commit_home)
    listed = _git(ROOT, env, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    dest = tmp_path_factory.mktemp("transcript-fix-hook-repo")
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if src.is_file():  # a tracked file deleted in the working tree is not copied
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    assert (dest / ".pre-commit-hooks.yaml").is_file()
    _git(dest, env, "init", "-q")
    _git(dest, env, "add", "-A")
    _git(dest, env, "commit", "-q", "--no-verify", "-m", "snapshot for test_precommit")
    return dest, _git(dest, env, "rev-parse", "HEAD").strip()


def readme_snippet(name: str) -> str:
    """The ``.pre-commit-config.yaml`` snippet ``name`` from README.md, verbatim."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(
        rf"<!-- precommit-snippet: {re.escape(name)} -->\n```yaml\n(.*?)```\n<!-- /precommit-snippet -->",
        text,
        re.DOTALL,
    )
    assert len(found) == 1, f"README.md must hold exactly one precommit-snippet '{name}'"
    return found[0]


def consumer_config(name: str, hook_repo: tuple[Path, str]) -> str:
    """README snippet ``name`` with ``repo:`` at the snapshot and ``rev:`` at its commit."""
    path, rev = hook_repo
    text = readme_snippet(name)
    text, n_repo = re.subn(r"(?m)^(\s*- repo: ).*$", lambda m: m.group(1) + str(path), text)
    text, n_rev = re.subn(r"(?m)^(\s*rev: ).*$", lambda m: m.group(1) + rev, text)
    assert (n_repo, n_rev) == (1, 1), "a snippet names one repo and one rev"
    return text


class Consumer:
    """A git repository that uses transcript-fix through pre-commit."""

    def __init__(self, root: Path, home: Path, config: str) -> None:
        self.root, self.env = root, _env(home)
        root.mkdir()
        _git(root, self.env, "init", "-q")
        self.write(".pre-commit-config.yaml", config)

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))  # bytes: no newline translation

    def read(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8")

    def git(self, *args: str) -> str:
        return _git(self.root, self.env, *args)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _run(list(args), self.root, self.env)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(*PRE_COMMIT, *args)


@pytest.fixture
def make_consumer(tmp_path: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]):
    def make(snippet: str) -> Consumer:
        return Consumer(tmp_path / f"consumer-{snippet}", pre_commit_home,
                        consumer_config(snippet, hook_repo))

    return make


def _add_transcripts(c: Consumer) -> None:
    c.write("notes/aflevering-12.md", NOTE)
    c.write("captions/aflevering-12.nl.vtt", VTT)
    c.write("README.md", README)


# --- tests ----------------------------------------------------------------------------


def test_readme_snippets_are_valid_pre_commit_configs():
    hook_repo = (Path("/srv/transcript-fix"), "0" * 40)
    for name, hook in (("fix", "transcript-fix"), ("check", "transcript-check"),
                       ("options", "transcript-fix")):
        config = yaml.safe_load(consumer_config(name, hook_repo))
        assert [h["id"] for h in config["repos"][0]["hooks"]] == [hook]
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["transcript-fix", "transcript-check"]


@pytest.mark.slow
def test_fix_hook_blocks_the_commit_rewrites_and_then_lets_it_through(make_consumer):
    c = make_consumer("fix")
    assert c.pre_commit("install").returncode == 0
    _add_transcripts(c)
    c.git("add", "-A")

    first = c.run("git", "commit", "-m", "add episode 12")
    assert first.returncode != 0, first.stdout
    assert "transcript-fix" in first.stdout and "Failed" in first.stdout, first.stdout
    assert "files were modified by this hook" in first.stdout, first.stdout
    assert c.run("git", "rev-parse", "--verify", "-q", "HEAD").returncode != 0, "nothing committed"
    assert c.read("notes/aflevering-12.md") == NOTE_FIXED
    assert c.read("captions/aflevering-12.nl.vtt") == VTT_FIXED
    assert c.read("README.md") == README
    assert "README.md" not in first.stdout, "other Markdown is skipped silently"

    # The person reviews the rewrite and adds it again; now the commit goes through.
    c.git("add", "-A")
    second = c.run("git", "commit", "-m", "add episode 12")
    assert second.returncode == 0, second.stdout
    assert "transcript-fix" in second.stdout and "Passed" in second.stdout, second.stdout
    assert c.read("notes/aflevering-12.md") == NOTE_FIXED
    assert c.read("captions/aflevering-12.nl.vtt") == VTT_FIXED
    assert c.git("status", "--porcelain") == ""


@pytest.mark.slow
def test_check_hook_reports_without_writing_and_passes_clean_transcripts(make_consumer):
    c = make_consumer("check")
    _add_transcripts(c)
    c.git("add", "-A")

    dirty = c.pre_commit("run")  # the staged files, as in a commit
    assert dirty.returncode == 1, dirty.stdout
    assert c.read("notes/aflevering-12.md") == NOTE
    assert c.read("captions/aflevering-12.nl.vtt") == VTT
    assert c.read("README.md") == README
    lines = dirty.stdout.splitlines()
    for expected in (
        "notes/aflevering-12.md:5:1: Open AI -> OpenAI (correct_terms:openai)",
        "notes/aflevering-12.md:5:12: Antropic -> Anthropic (correct_terms:anthropic)",
        "notes/aflevering-12.md:5:54: &amp; -> & (normalize:html-entity)",
    ):
        assert expected in lines, dirty.stdout
    assert any(re.fullmatch(r"notes/aflevering-12\.md:5:\d+: \[Muziek\] -> \(removed\) \(strip_markers:.+\)", ln)
               for ln in lines), dirty.stdout
    for line_no, before in ((6, "[Muziek]"), (9, "Open AI"), (12, "Antropic")):
        pattern = rf"captions/aflevering-12\.nl\.vtt:{line_no}:\d+: {re.escape(before)} -> .*"
        assert any(re.fullmatch(pattern, ln) for ln in lines), dirty.stdout
    assert "README.md" not in dirty.stdout and "error" not in dirty.stdout.lower(), dirty.stdout

    c.write("notes/aflevering-12.md", NOTE_FIXED)
    c.write("captions/aflevering-12.nl.vtt", VTT_FIXED)
    c.git("add", "-A")
    clean = c.pre_commit("run")
    assert clean.returncode == 0, clean.stdout
    assert "transcript-check" in clean.stdout and "Passed" in clean.stdout, clean.stdout


@pytest.mark.slow
def test_fix_hook_options_glossary_and_reports(make_consumer):
    c = make_consumer("options")
    c.write("transcripts/glossary.yaml", CONSUMER_GLOSSARY)
    c.write("transcripts/aflevering-13.md",
            "# Aflevering 13\n\n## Transcript\n\nWelkom bij de Sorg Podcast over Antropic.\n")
    c.git("add", "-A")

    merged = c.pre_commit("run")
    assert merged.returncode == 1 and "files were modified by this hook" in merged.stdout, merged.stdout
    # --add-glossary: the consumer's term and the bundled one are both corrected.
    assert c.read("transcripts/aflevering-13.md").endswith(
        "Welkom bij de ZorgPodcast over Anthropic.\n")
    report = json.loads(c.read(".transcript-reports/aflevering-13.md.json"))
    assert {(e["before"], e["after"]) for e in report["edits"]} == {
        ("Sorg Podcast", "ZorgPodcast"), ("Antropic", "Anthropic")}
    assert (c.root / ".transcript-reports/summary.json").is_file()

    # --glossary instead of --add-glossary: the consumer's glossary replaces the bundled one.
    config = c.read(".pre-commit-config.yaml")
    assert config.count("--add-glossary") == 1
    c.write(".pre-commit-config.yaml", config.replace("--add-glossary", "--glossary"))
    c.write("transcripts/aflevering-13.md",
            "# Aflevering 13\n\n## Transcript\n\nWelkom bij de Sorg Podcast over Antropic.\n")
    c.git("add", "-A")
    replaced = c.pre_commit("run")
    assert replaced.returncode == 1, replaced.stdout
    assert c.read("transcripts/aflevering-13.md").endswith(
        "Welkom bij de ZorgPodcast over Antropic.\n")

    # A bad option is the consumer's mistake: one line, no traceback, the hook fails.
    c.write(".pre-commit-config.yaml", config.replace('"0.95"', '"1.5"'))
    c.git("add", "-A")
    bad = c.pre_commit("run")
    assert bad.returncode == 1, bad.stdout
    assert "--apply-threshold" in bad.stdout and "Traceback" not in bad.stdout, bad.stdout


# --- the CLI flag the hooks rely on (fast; no pre-commit) -----------------------------


@pytest.mark.parametrize("command", [["check"], ["fix", "--in-place"]])
def test_skip_non_transcripts_flag(tmp_path, command):
    from click.testing import CliRunner

    from pipeline.cli import main

    glossary = tmp_path / "g.yaml"
    glossary.write_text(
        "entries:\n  - id: openai\n    canonical: OpenAI\n    kind: company\n"
        "    variants: [Open AI]\n", encoding="utf-8")
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    args = [*command, "--glossary", str(glossary), str(tmp_path / "README.md")]

    named = CliRunner().invoke(main, args)
    assert named.exit_code == 3
    assert named.output == f"error: {tmp_path / 'README.md'}: no '## Transcript' section in this Markdown file\n"

    skipped = CliRunner().invoke(main, [*args, "--skip-non-transcripts"])
    assert (skipped.exit_code, skipped.output) == (0, "")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README
