"""The ``transcript-fix`` command line: modes, exit codes and the exact text users see.

Issue 2: ``fix PATH... --out DIR`` / ``--in-place``; ``check`` never writes, prints
``path:line:col: before -> after (rule)`` and exits 1 when anything would change;
``diff`` prints a word diff; exit codes 0 clean, 1 changes in check mode, 2 usage
error, 3 bad input; bad input gives one line naming the file while the other files are
still processed; a Markdown file without ``## Transcript`` met while walking a folder is
skipped with a notice. Every test uses the fixed test glossary, so the text is stable.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_GLOSSARY

from pipeline.cli import main

G = ["--glossary", str(FIXTURE_GLOSSARY)]

A_TXT = "Open AI heeft En Tropic [Muziek] gebeld.\n"
NOTE_MD = "# Notitie\n\n## Transcript\n\nSam Alman zegt [Muziek] hoi.\n\n## Notes\nSam Alman [Muziek]\n"
CLEAN_TXT = "Niets aan de hand.\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of inputs, and the working directory, so paths print relative."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(A_TXT, encoding="utf-8")
    (root / "clean.txt").write_text(CLEAN_TXT, encoding="utf-8")
    (root / "note.md").write_text(NOTE_MD, encoding="utf-8")
    (root / "sub" / "notes.md").write_text("# Alleen notities\n\nOpen AI heeft\n", encoding="utf-8")
    (root / "sub" / "b.srt").write_text(
        "1\n00:00:01,000 --> 00:00:02,000\n[Muziek]\n\n2\n00:00:02,000 --> 00:00:03,000\nchatgept\n\n",
        encoding="utf-8",
    )
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text(A_TXT, encoding="utf-8")
    (root / "ignored.pdf").write_bytes(b"%PDF")
    monkeypatch.chdir(tmp_path)
    return Path("in")


def add_bad_files(root: Path) -> None:
    (root / "bad.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nhoi\n", encoding="utf-8")
    (root / "latin1.txt").write_bytes(b"caf\xe9\n")


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="transcript-fix", catch_exceptions=False)


CHECK_LINES = (
    "in/a.txt:1:1: Open AI -> OpenAI (correct_terms:openai)\n"
    "in/a.txt:1:15: En Tropic -> Anthropic (correct_terms:anthropic)\n"
    "in/a.txt:1:25: [Muziek] -> (removed) (strip_markers:tag:music)\n"
    "in/note.md:5:1: Sam Alman -> Sam Altman (correct_terms:sam-altman)\n"
    "in/note.md:5:16: [Muziek] -> (removed) (strip_markers:tag:music)\n"
    "in/sub/b.srt:3:1: [Muziek] -> (removed) (strip_markers:tag:music)\n"
    "in/sub/b.srt:7:1: chatgept -> ChatGPT (correct_terms:chatgpt)\n"
)


# ------------------------------------------------------------------------------ check


def test_check_prints_one_line_per_edit_and_exits_1(tree: Path) -> None:
    before = snapshot(tree)
    result = run("check", *G, str(tree))
    assert result.exit_code == 1
    assert result.stdout == CHECK_LINES
    assert result.stderr == ""  # the skipped note is only mentioned with -v
    assert snapshot(tree) == before  # check never writes


def test_check_verbose_mentions_skipped_markdown(tree: Path) -> None:
    result = run("check", "-v", *G, str(tree))
    assert result.exit_code == 1
    assert result.stderr == "in/sub/notes.md: skipped, no '## Transcript' section\n"


def test_check_clean_file_exits_0_silently(tree: Path) -> None:
    result = run("check", *G, str(tree / "clean.txt"))
    assert (result.exit_code, result.output) == (0, "")


def test_check_never_opens_a_file_for_writing(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stronger than comparing hashes: no write-mode open and no os.replace at all."""
    import builtins
    import io

    cache = os.environ["TRANSCRIPT_FIX_CACHE"]  # the compiled-glossary cache may be written

    def allowed(path) -> bool:
        return str(path).startswith(cache)

    real_open, real_os_open, real_replace = builtins.open, os.open, os.replace

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and not allowed(file):
            raise AssertionError(f"check opened {file} with mode {mode!r}")
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and not allowed(path):
            raise AssertionError(f"check opened {path} for writing")
        return real_os_open(path, flags, *args, **kwargs)

    def guarded_replace(src, dst, *args, **kwargs):
        if not allowed(dst):
            raise AssertionError(f"check replaced {dst}")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(os, "replace", guarded_replace)
    result = run("check", *G, str(tree))
    assert result.exit_code == 1
    assert result.stdout == CHECK_LINES


# ------------------------------------------------------------------------------- diff


def test_diff_prints_word_diff_and_exits_0(tree: Path) -> None:
    before = snapshot(tree)
    result = run("diff", *G, str(tree / "a.txt"), str(tree / "clean.txt"))
    assert result.exit_code == 0
    assert result.stdout == (
        "--- in/a.txt\n"
        "1: …[-Open AI-]{+OpenAI+} heeft En Tropic [Muziek] gebeld.…\n"
        "1: …Open AI heeft [-En Tropic-]{+Anthropic+} [Muziek] gebeld.…\n"
        "1: …Open AI heeft En Tropic[- [Muziek]-]{++} gebeld.…\n"
    )
    assert snapshot(tree) == before


def test_diff_verbose_lists_suggestions(tree: Path) -> None:
    (tree / "s.txt").write_text("Sam Oldman zegt dat Open AI heeft\n", encoding="utf-8")
    result = run("diff", "-v", *G, str(tree / "s.txt"))
    assert result.exit_code == 0
    assert result.stdout == (
        "--- in/s.txt\n"
        "1: …Sam Oldman zegt dat [-Open AI-]{+OpenAI+} heeft…\n"
        "suggestions:\n"
        "1: …[-Sam Oldman-]{+Sam Altman+} zegt dat Open AI heeft…\n"
    )


# -------------------------------------------------------------------------------- fix


def test_fix_out_writes_files_reports_and_summary(tree: Path) -> None:
    before = snapshot(tree)
    result = run("fix", *G, str(tree), "--out", "out")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "in/a.txt: 3 edits, 0 suggestions",
        "in/clean.txt: 0 edits, 0 suggestions",
        "in/note.md: 2 edits, 0 suggestions",
        "in/sub/b.srt: 2 edits, 0 suggestions",
    ]
    # The last line points at the reports (its wording follows the report formats).
    assert len(lines) == 5 and lines[4].startswith("reports: out/reports/")
    assert result.stderr == "in/sub/notes.md: skipped, no '## Transcript' section\n"
    assert snapshot(tree) == before  # --out never touches the inputs
    out = Path("out")
    assert (out / "a.txt").read_text(encoding="utf-8") == "OpenAI heeft Anthropic gebeld.\n"
    assert (out / "clean.txt").read_text(encoding="utf-8") == CLEAN_TXT
    # Outside ## Transcript the note is kept byte for byte.
    assert (out / "note.md").read_text(encoding="utf-8") == NOTE_MD.replace(
        "Sam Alman zegt [Muziek] hoi.", "Sam Altman zegt hoi."
    )
    assert (out / "sub" / "b.srt").read_text(encoding="utf-8") == "1\n00:00:02,000 --> 00:00:03,000\nChatGPT\n\n"
    assert not (out / "sub" / "notes.md").exists()
    assert not (out / ".hidden").exists()
    reports = {p.relative_to(out / "reports").as_posix() for p in (out / "reports").rglob("*")}
    assert reports >= {
        "a.txt.json", "a.txt.md", "clean.txt.json", "clean.txt.md", "note.md.json", "note.md.md",
        "sub/b.srt.json", "sub/b.srt.md", "summary.json", "summary.md",
    }
    assert not any("notes.md" in r for r in reports)
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["edits_per_stage"] == {"correct_terms": 4, "strip_markers": 3}
    assert summary["skipped"] == ["in/sub/notes.md"]
    report = json.loads((out / "reports" / "a.txt.json").read_text(encoding="utf-8"))
    assert [(e["stage"], e["rule"], e["before"], e["after"]) for e in report["edits"]] == [
        ("correct_terms", "openai", "Open AI", "OpenAI"),
        ("correct_terms", "anthropic", "En Tropic", "Anthropic"),
        ("strip_markers", "tag:music", " [Muziek]", ""),
    ]


def test_fix_in_place_rewrites_only_changed_files(tree: Path) -> None:
    clean = tree / "clean.txt"
    os.utime(clean, (1_000_000, 1_000_000))
    result = run("fix", *G, str(tree / "a.txt"), str(clean), "--in-place")
    assert result.exit_code == 0
    assert (tree / "a.txt").read_text(encoding="utf-8") == "OpenAI heeft Anthropic gebeld.\n"
    assert clean.stat().st_mtime == 1_000_000  # unchanged files are not rewritten
    assert not list(tree.glob(".*.tmp"))  # no temp files left behind


def test_fix_in_place_keeps_bom_and_permissions(tree: Path) -> None:
    path = tree / "bom.txt"
    path.write_bytes("\ufeffOpen AI heeft\n".encode())
    path.chmod(0o640)
    assert run("fix", *G, str(path), "--in-place").exit_code == 0
    assert path.read_bytes() == "\ufeffOpenAI heeft\n".encode()
    assert path.stat().st_mode & 0o777 == 0o640


def test_fix_is_idempotent(tree: Path) -> None:
    assert run("fix", *G, str(tree), "--in-place", "-q").exit_code == 0
    result = run("check", *G, str(tree))
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_jobs_gives_the_same_output(tree: Path) -> None:
    assert run("fix", *G, str(tree), "--out", "one", "-q").exit_code == 0
    assert run("fix", *G, str(tree), "--out", "two", "-q", "-j", "2").exit_code == 0
    one = {p.relative_to("one"): p.read_bytes() for p in Path("one").rglob("*") if p.is_file()}
    two = {p.relative_to("two"): p.read_bytes() for p in Path("two").rglob("*") if p.is_file()}
    assert one == two


# ------------------------------------------------------------------------ exit codes

USAGE = [
    # (id, args, message) -- click prints usage, a hint, then the message
    ("fix-needs-out-or-in-place", ["fix", "in/a.txt"], "fix", "give exactly one of --out DIR or --in-place"),
    ("fix-not-both", ["fix", "in/a.txt", "--out", "o", "--in-place"], "fix", "give exactly one of --out DIR or --in-place"),
    ("missing-path", ["check", "nope.txt"], "check", "no such file or folder: nope.txt"),
    ("thresholds-out-of-order", ["check", "--apply-threshold", "0.5", "in/a.txt"], "check",
     "Value error, suggest_threshold (0.8) must not be above apply_threshold (0.5)"),
    ("eval-needs-something", ["eval"], "eval",
     "nothing to evaluate: give INPUT --reference, --clean or --cases"),
]


@pytest.mark.parametrize(("args", "command", "message"), [c[1:] for c in USAGE], ids=[c[0] for c in USAGE])
def test_usage_errors_exit_2(tree: Path, args: list[str], command: str, message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Usage: transcript-fix {command} [OPTIONS] {'[INPUT_PATH]' if command == 'eval' else 'PATHS...'}\n"
        f"Try 'transcript-fix {command} --help' for help.\n\nError: {message}\n"
    )


def test_bad_input_is_one_line_per_file_and_exit_3_while_others_run(tree: Path) -> None:
    add_bad_files(tree)
    result = run("check", *G, str(tree))
    assert result.exit_code == 3
    assert result.stdout == CHECK_LINES  # every good file is still checked
    assert result.stderr == (
        "error: in/bad.vtt:3:18: bad timestamp '00:0x:02.000'\n"
        "error: in/latin1.txt:1:4: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8\n"
    )


def test_bad_input_in_fix_still_writes_the_good_files(tree: Path) -> None:
    add_bad_files(tree)
    result = run("fix", *G, str(tree), "--out", "out", "-q")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        "error: in/bad.vtt:3:18: bad timestamp '00:0x:02.000'\n"
        "error: in/latin1.txt:1:4: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8\n"
    )
    assert Path("out/a.txt").read_text(encoding="utf-8") == "OpenAI heeft Anthropic gebeld.\n"
    assert not Path("out/bad.vtt").exists()
    summary = json.loads(Path("out/reports/summary.json").read_text(encoding="utf-8"))
    assert summary["errors"] == [
        "in/bad.vtt:3:18: bad timestamp '00:0x:02.000'",
        "in/latin1.txt:1:4: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8",
    ]


def test_bad_input_in_diff_exits_3(tree: Path) -> None:
    add_bad_files(tree)
    result = run("diff", *G, str(tree / "bad.vtt"), str(tree / "clean.txt"))
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == "error: in/bad.vtt:3:18: bad timestamp '00:0x:02.000'\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.md", b"# Alleen notities\n", "in/notes.md: no '## Transcript' section in this Markdown file"),
        ("empty.txt", b"", "in/empty.txt: file is empty"),
        ("blob.txt", b"\x00\x01\x02", "in/blob.txt: binary file (contains NUL bytes), not a transcript"),
        ("a.pdf", b"%PDF-1.4", "in/a.pdf: unsupported file type (expected .md, .vtt, .srt, .json3 or .txt)"),
    ],
)
def test_explicitly_named_bad_file_is_an_error(tree: Path, name: str, content: bytes, message: str) -> None:
    (tree / name).write_bytes(content)
    result = run("check", *G, str(tree / name))
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", f"error: {message}\n")


def test_folder_given_as_file_list_is_walked(tree: Path) -> None:
    result = run("check", *G, str(tree / "sub"))
    assert result.exit_code == 1
    assert result.stdout == (
        "in/sub/b.srt:3:1: [Muziek] -> (removed) (strip_markers:tag:music)\n"
        "in/sub/b.srt:7:1: chatgept -> ChatGPT (correct_terms:chatgpt)\n"
    )


def test_bad_glossary_message(tree: Path) -> None:
    (tree / "g.yaml").write_text("entries:\n  - id: x\n    canonical: X\n    kind: thing\n", encoding="utf-8")
    result = run("check", "--glossary", "in/g.yaml", "in/a.txt")
    assert result.stdout == ""
    assert result.stderr == (
        "Error: in/g.yaml:4: entry 'x' field 'kind' Input should be 'person', 'company', "
        "'organisation', 'product', 'model', 'media', 'place' or 'term'\n"
    )
    missing = run("check", "--glossary", "in/nope.yaml", "in/a.txt")
    assert missing.stderr == "Error: in/nope.yaml: no such glossary file or folder\n"


def test_bad_glossary_exits_3(tree: Path) -> None:
    (tree / "g.yaml").write_text("entries:\n  - id: x\n    canonical: X\n    kind: thing\n", encoding="utf-8")
    assert run("check", "--glossary", "in/g.yaml", "in/a.txt").exit_code == 3


def test_default_glossary_is_the_one_in_the_working_directory(tree: Path) -> None:
    local = Path("glossary")
    local.mkdir()
    (local / "g.yaml").write_text(
        "entries:\n  - id: veo\n    canonical: Veo\n    kind: model\n    variants: [Vio]\n    source: x\n",
        encoding="utf-8",
    )
    (tree / "v.txt").write_text("Vio 3 is uit\n", encoding="utf-8")
    result = run("check", "in/v.txt")
    assert result.stdout == "in/v.txt:1:1: Vio -> Veo (correct_terms:veo)\n"


def test_add_glossary_merges(tree: Path) -> None:
    (tree / "extra.yaml").write_text(
        "entries:\n  - id: veo\n    canonical: Veo\n    kind: model\n    variants: [Vio]\n    source: x\n",
        encoding="utf-8",
    )
    (tree / "v.txt").write_text("Vio en chatgept\n", encoding="utf-8")
    result = run("check", *G, "--add-glossary", "in/extra.yaml", "in/v.txt")
    assert result.stdout == (
        "in/v.txt:1:1: Vio -> Veo (correct_terms:veo)\n"
        "in/v.txt:1:8: chatgept -> ChatGPT (correct_terms:chatgpt)\n"
    )


def test_language_option_applies_to_text_and_markdown(tree: Path) -> None:
    (tree / "g.yaml").write_text(
        "entries:\n  - id: veo\n    canonical: Veo\n    kind: model\n    languages: [nl]\n"
        "    variants: [Vio]\n    source: x\n",
        encoding="utf-8",
    )
    (tree / "v.txt").write_text("Vio 3 is out\n", encoding="utf-8")
    result = run("check", "--glossary", "in/g.yaml", "--language", "en", "in/v.txt")
    assert (result.exit_code, result.stdout) == (0, "")


def test_check_column_points_at_the_printed_text(tree: Path) -> None:
    result = run("check", *G, str(tree / "a.txt"))
    assert "in/a.txt:1:25: [Muziek] -> (removed) (strip_markers:tag:music)\n" in result.stdout


# ------------------------------------------------------------------ a real process


def _command() -> list[str]:
    script = Path(sys.executable).with_name("transcript-fix")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]


def test_real_subprocess_check(tree: Path) -> None:
    add_bad_files(tree)
    proc = subprocess.run(
        [*_command(), "check", *G, "in"], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 3
    assert proc.stdout == CHECK_LINES
    assert proc.stderr == (
        "error: in/bad.vtt:3:18: bad timestamp '00:0x:02.000'\n"
        "error: in/latin1.txt:1:4: not valid UTF-8 (byte 0xe9); re-save the file as UTF-8\n"
    )
    assert "Traceback" not in proc.stderr


def test_real_subprocess_python_m_pipeline(tree: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", *G, "in/a.txt"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert (proc.returncode, proc.stdout.splitlines()[0]) == (
        1, "in/a.txt:1:1: Open AI -> OpenAI (correct_terms:openai)"
    )
