"""The glossary pull-request workflow is valid and runs what issue 3 asks for.

Three levels: the YAML has the required structure (trigger, checkout depth, Python,
the make targets, the impact report into the job summary, in that order); it validates
against GitHub's workflow schema (``check-jsonschema``'s vendored copy, offline); and the
impact step's own shell script runs for real in a throw-away git repository with a base
branch, so the ``git worktree`` + ``transcript-fix glossary impact`` lines are exercised,
not just grepped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_GLOSSARY, REPO, SEEDS

WORKFLOW = REPO / ".github" / "workflows" / "glossary.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def steps(workflow: dict) -> list[dict]:
    jobs = workflow["jobs"]
    assert len(jobs) == 1
    (job,) = jobs.values()
    assert job["runs-on"] == "ubuntu-latest"
    return job["steps"]


def _index(steps: list[dict], needle: str) -> int:
    hits = [i for i, s in enumerate(steps) if needle in s.get("run", "")]
    assert len(hits) == 1, f"{needle!r} should be in exactly one step, found {len(hits)}"
    return hits[0]


def test_trigger_is_pull_requests_that_touch_the_glossary(workflow: dict) -> None:
    # PyYAML (YAML 1.1) reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert on == {"pull_request": {"paths": ["glossary/**"]}}


def test_checkout_has_full_history(steps: list[dict]) -> None:
    checkout = steps[0]
    assert checkout["uses"].startswith("actions/checkout@v")
    assert checkout["with"]["fetch-depth"] == 0


def test_python_3_11(steps: list[dict]) -> None:
    (setup,) = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@v")]
    assert str(setup["with"]["python-version"]) == "3.11"
    assert steps.index(setup) < _index(steps, "make setup")


def test_steps_run_setup_lint_impact_test_in_order(steps: list[dict]) -> None:
    order = [
        _index(steps, "make setup"),
        _index(steps, "make check-glossary"),
        _index(steps, "transcript-fix glossary impact"),
        _index(steps, "make test"),
    ]
    assert order == sorted(order)
    assert order[-1] == len(steps) - 1


def test_impact_step_compares_with_the_base_branch(steps: list[dict]) -> None:
    step = steps[_index(steps, "transcript-fix glossary impact")]
    script = step["run"]
    assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert "${{" not in script  # untrusted context values reach the script only via env
    assert re.search(r'git worktree add --detach "\$base" "origin/\$BASE_REF"', script)
    assert re.search(
        r'transcript-fix glossary impact "\$base/glossary" glossary --corpus seeds/ --out impact\.md', script
    )
    assert 'cat impact.md >> "$GITHUB_STEP_SUMMARY"' in script


def test_make_targets_exist() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("setup", "check-glossary", "test"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_every_workflow_parses() -> None:
    for path in sorted((REPO / ".github" / "workflows").glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and "jobs" in data, path.name


# ------------------------------------------------------------- schema validation


def _check_jsonschema() -> str:
    found = Path(sys.executable).with_name("check-jsonschema")
    exe = str(found) if found.exists() else shutil.which("check-jsonschema")
    if not exe:
        pytest.skip("check-jsonschema is not installed (it is in the dev extra: make setup)")
    return exe


def _validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_workflow_matches_the_github_workflow_schema() -> None:
    proc = _validate(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_schema_check_does_reject_a_broken_workflow(tmp_path: Path) -> None:
    """The validator is real: a job without runs-on and a misspelt key fail."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on:\n  pull_request:\n    pathz: ['glossary/**']\njobs:\n  x:\n    steps:\n      - run: make test\n",
        encoding="utf-8",
    )
    proc = _validate(broken)
    assert proc.returncode == 1, proc.stdout


# ------------------------------------------------------------- the script, for real


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")
def test_impact_step_script_runs_against_a_base_branch(steps: list[dict], tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    (upstream / "seeds").mkdir(parents=True)
    shutil.copytree(FIXTURE_GLOSSARY, upstream / "glossary")
    shutil.copy(SEEDS / "YULg4vMdULo.nl.md", upstream / "seeds")
    _git(tmp_path, "init", "-q", "-b", "main", str(upstream))
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-q", "-m", "base")
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(upstream), str(work))
    _git(work, "checkout", "-q", "-b", "add-variant")
    terms = work / "glossary" / "terms.yaml"
    terms.write_text(
        terms.read_text(encoding="utf-8").replace("      - En Tropic\n", "      - Anropic\n      - En Tropic\n"),
        encoding="utf-8",
    )
    _git(work, "commit", "-q", "-am", "Add variant Anropic")

    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    summary = tmp_path / "summary.md"
    summary.write_text("", encoding="utf-8")
    script = steps[_index(steps, "transcript-fix glossary impact")]["run"]
    env = {
        **os.environ,
        "BASE_REF": "main",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        # What "make setup" puts on $GITHUB_PATH: the project's own transcript-fix.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    # GitHub runs `run:` with `bash -e {0}`.
    proc = subprocess.run(
        ["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Glossary impact\n\n1 appears, 0 disappears, 0 changes on seeds/.\n")
    assert "| YULg4vMdULo.nl.md | 11 | appears | Anropic | ∅ | Anthropic | anthropic |" in text
    assert (work / "impact.md").read_text(encoding="utf-8") == text
    assert not (runner_temp / "base").exists()  # the worktree is cleaned up
