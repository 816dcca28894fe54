"""Writes are atomic and faithful; ``check`` never writes (issue 8).

In place and with ``--out``, a file is written to a temporary file in its own folder,
flushed, then renamed over the target (``pipeline.files.atomic_write``), so a killed run
leaves every file either old or new. These tests kill real processes to show it, and
watch a real ``check`` run with an audit hook to show it opens nothing for writing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_support import GLOSSARY_DIR, GOOD_FIXED, GOOD_TEXT, as_nobody, leftovers, snapshot

from pipeline import files
from pipeline.cli import main
from pipeline.files import atomic_write

G = ["--glossary", str(GLOSSARY_DIR)]
EXE = str(Path(sys.executable).with_name("transcript-fix"))


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="transcript-fix", catch_exceptions=False)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- atomic_write -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_atomic_write_keeps_the_files_permissions(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(mode)
    atomic_write(path, "new\r\n")
    assert (path.read_bytes(), mode_of(path)) == (b"new\r\n", mode)
    assert leftovers(tmp_path) == []


def test_atomic_write_gives_a_new_file_the_mode_asked_for(tmp_path: Path) -> None:
    atomic_write(tmp_path / "new.txt", "x", mode=0o600)
    assert mode_of(tmp_path / "new.txt") == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_atomic_write_as_root_keeps_the_files_owner(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old", encoding="utf-8")
    os.chown(path, 65534, 65534)
    atomic_write(path, "new")
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_atomic_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "a.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(("encoding", "prefix"), [
    ("utf-8", b""), ("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
])
def test_atomic_write_keeps_the_encoding(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "a.txt"
    atomic_write(path, "één\r\n", encoding=encoding)
    data = path.read_bytes()
    assert data.startswith(prefix)
    assert files.decode_bytes(data, "a.txt")[0] == "één\r\n"
    assert files.sniff_encoding(data) == encoding


@pytest.mark.parametrize("where", ["os.fsync", "os.replace", "os.chmod"])
def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path: Path, monkeypatch, where: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt  # what Ctrl-C does at the worst moment

    _module, name = where.split(".")
    monkeypatch.setattr(files.os, name, boom)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, "new\n" * 1000)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_unencodable_text_fails_before_the_disk_is_touched(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(path, "lone surrogate \ud800")
    assert path.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


# --- the CLI's writes ---------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    monkeypatch.chdir(tmp_path)
    return Path("in")


def test_in_place_keeps_permissions_and_line_endings(folder: Path) -> None:
    path = folder / "a.txt"
    path.write_bytes(GOOD_TEXT.replace("\n", "\r\n").encode())
    path.chmod(0o600)
    result = run("fix", "--in-place", *G, str(folder))
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_bytes() == GOOD_FIXED.replace("\n", "\r\n").encode()
    assert mode_of(path) == 0o600


def test_out_gives_new_files_the_sources_permissions(folder: Path) -> None:
    path = folder / "private.txt"
    path.write_bytes(GOOD_TEXT.replace("\n", "\r\n").encode())
    path.chmod(0o600)
    result = run("fix", "--out", "out", *G, str(folder))
    assert (result.exit_code, result.stderr) == (0, "")
    written = Path("out/private.txt")
    assert written.read_bytes() == GOOD_FIXED.replace("\n", "\r\n").encode()
    assert mode_of(written) == 0o600  # a private transcript stays private in --out
    # An output that exists already keeps its own permissions.
    written.chmod(0o644)
    assert run("fix", "--out", "out", *G, str(folder)).exit_code == 0
    assert mode_of(written) == 0o644
    assert leftovers(Path(".")) == []


def test_a_fixed_folder_is_not_rewritten(folder: Path) -> None:
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "b.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nOpen AI\n\n", encoding="utf-8")
    assert run("fix", "--in-place", *G, str(folder)).exit_code == 0
    inodes = {p: p.stat().st_ino for p in folder.iterdir()}
    again = run("fix", "--in-place", *G, str(folder))
    assert again.exit_code == 0
    assert again.stdout.splitlines() == ["in/a.txt: 0 edits, 0 suggestions", "in/b.srt: 0 edits, 0 suggestions"]
    assert {p: p.stat().st_ino for p in folder.iterdir()} == inodes  # no file replaced


# --- check never writes ---------------------------------------------------------------------

_AUDIT = textwrap.dedent(
    """
    import atexit, json, os, sys
    WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    seen = []

    def hook(event, args):
        if event == "open":
            path, mode, flags = (list(args) + [None, None])[:3]
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE)
            if writes:
                seen.append(["open", str(path)])
        elif event in ("os.rename", "os.replace", "os.remove", "os.unlink", "os.chmod",
                       "os.truncate", "os.mkdir", "os.symlink", "os.link", "shutil.rmtree"):
            seen.append([event, str(args[0])])

    atexit.register(lambda: sys.stderr.write("AUDIT " + json.dumps(seen) + "\\n"))
    sys.addaudithook(hook)
    from pipeline.cli import main
    main(sys.argv[1:], prog_name="transcript-fix")
    """
)


def test_check_opens_nothing_for_writing_in_a_real_process(folder: Path, tmp_path: Path) -> None:
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "b.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOpen AI\n", encoding="utf-8")
    (folder / "c.md").write_text("# t\n\n## Transcript\n\nSam Oldman\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, "TRANSCRIPT_FIX_CACHE": str(cache)}
    before = snapshot(folder)
    proc = subprocess.run([sys.executable, "-c", _AUDIT, "check", *G, str(folder)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr  # changes found
    assert "in/a.txt:1:14: " in proc.stdout
    audit = [ln for ln in proc.stderr.splitlines() if ln.startswith("AUDIT ")]
    writes = json.loads(audit[-1][len("AUDIT "):])
    # The one thing check may write is the compiled-glossary cache, outside the inputs.
    outside = [w for w in writes if not Path(w[1]).resolve().is_relative_to(cache.resolve())]
    assert outside == []
    assert snapshot(folder) == before


# --- a killed run: every file old or new, never half ---------------------------------------

N_FILES = 40
_WORDS = ["de", "het", "een", "en", "van", "ik", "dat", "die", "in", "is", "niet", "op", "met", "voor", "maar", "om", "dan", "zou", "of", "wat", "dit", "zo"]


def _big_folder(root: Path) -> dict[str, tuple[bytes, bytes]]:
    """``N_FILES`` transcripts of ~120 KB (common words, a few terms), and each one's
    (old, new) bytes."""
    import random

    root.mkdir()
    rnd = random.Random(3)
    expect = {}
    for k in range(N_FILES):
        parts_old, parts_new = [], []
        for _ in range(12):
            words = " ".join(rnd.choice(_WORDS) for _ in range(3000)) + " "
            parts_old.append(words + GOOD_TEXT.rstrip("\n") + " ")
            parts_new.append(words + GOOD_FIXED.rstrip("\n") + " ")
        old = ("".join(parts_old) + f"{k}\n").encode()
        new = ("".join(parts_new) + f"{k}\n").encode()
        (root / f"t{k:03d}.txt").write_bytes(old)
        expect[f"t{k:03d}.txt"] = (old, new)
    return expect


def _assert_old_or_new(root: Path, expect: dict[str, tuple[bytes, bytes]]) -> tuple[int, int]:
    old = new = 0
    for name, (before, after) in expect.items():
        data = (root / name).read_bytes()
        assert data in (before, after), f"{name} is neither old nor new ({len(data)} bytes)"
        old += data == before
        new += data == after
    # An interrupted write may leave its hidden temporary file; it is never a transcript.
    assert all(Path(p).name.startswith(".") and p.endswith(".tmp") for p in leftovers(root))
    return old, new


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_run_killed_midway_leaves_every_file_old_or_new(tmp_path: Path, sig: int) -> None:
    root = tmp_path / "in"
    expect = _big_folder(root)
    env = {**os.environ, "TRANSCRIPT_FIX_CACHE": str(tmp_path / "cache")}
    cmd = [EXE, "fix", "--in-place", "-q", *G, str(root)]
    midway = 0
    for delay in (0.0, 0.05, 0.2):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until this run has written a file, then kill it a moment later.
        start_new = _assert_old_or_new(root, expect)[1]
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if sum((root / n).stat().st_size == len(expect[n][1]) for n in expect) > start_new:
                break
            time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(sig)
        proc.wait(timeout=60)
        old, new = _assert_old_or_new(root, expect)
        midway += old > 0 and new > 0
        if old == 0:
            break
    assert midway >= 1, "no run was killed with some files new and some old; use larger files"
    # A later run finishes the job; files already new stay as they are.
    final = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert final.returncode == 0, final.stderr
    assert _assert_old_or_new(root, expect) == (0, N_FILES)


_SLOW_WRITE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pipeline.files import atomic_write
    print("writing", flush=True)
    atomic_write(Path(sys.argv[1]), "nieuw " * 40_000_000)
    """
)


def test_a_process_killed_inside_atomic_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("oud\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "writing\n"
    # Wait until the temporary file is being filled, then kill.
    deadline = time.monotonic() + 30
    while not leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.kill()
    proc.wait(timeout=30)
    assert path.read_text(encoding="utf-8") == "oud\n"
    assert len(leftovers(tmp_path)) <= 1


# --- check on read-only files, as a user --------------------------------------------------


def test_check_and_diff_on_read_only_files_as_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="transcript-fix-ro-", dir="/tmp"))
    try:
        root = base / "in"
        root.mkdir()
        (root / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
        (root / "b.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nOpen AI\n\n", encoding="utf-8")
        for p in root.iterdir():
            p.chmod(0o444)
        root.chmod(0o555)
        base.chmod(0o755)
        monkeypatch.chdir(base)
        run("check", *G, "in")  # warm imports for the child
        run("diff", *G, "in")
        before = snapshot(root)

        def both() -> list[tuple[int, str]]:
            out = []
            for cmd in ("check", "diff"):
                r = CliRunner().invoke(main, [cmd, *G, "in"], prog_name="transcript-fix")
                out.append((r.exit_code, r.stderr))
            return out

        check, diff = as_nobody(both)
        assert check == (1, "")  # changes found, nothing written, no error
        assert diff == (0, "")
        assert snapshot(root) == before
        assert sorted(p.name for p in root.iterdir()) == ["a.txt", "b.srt"]
    finally:
        base.chmod(0o755)
        (base / "in").chmod(0o755)
        shutil.rmtree(base)
