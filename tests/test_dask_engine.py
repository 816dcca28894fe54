"""``fix --engine dask`` leaves exactly the bytes ``--jobs 1`` leaves (issue 7).

A real ``LocalCluster`` of two worker processes runs the same per-file function as a
local run; every corrected file, per-file report and summary must be byte-for-byte equal,
and a file that cannot be read, or whose task raises on a worker, fails alone.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_GLOSSARY, SEEDS

from pipeline.api import Mode, Runner
from pipeline.cli import main
from pipeline.errors import ConfigError

pytest.importorskip("dask.distributed")
pytestmark = pytest.mark.slow

VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
Deze week heeft Open AI Sora 2 gelanceerd

00:00:03.000 --> 00:00:05.000
en Antropic kwam met [Muziek] een nieuw model
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=":0") as c:
        yield c


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for seed in SEEDS.glob("*.md"):
        shutil.copy(seed, src / seed.name)
    (src / "talk.nl.vtt").write_text(VTT, encoding="utf-8")
    (src / "sub" / "clean.txt").write_text("Niets te verbeteren hier.\n", encoding="utf-8")
    (src / "sub" / "notes.md").write_text("# Notes\n\nNo transcript here.\n", encoding="utf-8")
    (src / "sub" / "bad.txt").write_bytes(b"Open AI \xff\xfe kapot\n")
    return src


def _fix(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["fix", *args, "--glossary", str(FIXTURE_GLOSSARY), "-q"])
    return result.exit_code, result.stderr


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_dask_run_equals_a_local_run_byte_for_byte(corpus: Path, tmp_path: Path, cluster) -> None:
    local, remote = tmp_path / "local", tmp_path / "dask"
    code_local, err_local = _fix(str(corpus), "--out", str(local), "--jobs", "1")
    code_dask, err_dask = _fix(str(corpus), "--out", str(remote), "--engine", "dask",
                               "--scheduler", cluster.scheduler_address)
    assert (code_dask, err_dask) == (code_local, err_local)
    assert code_local == 3  # bad.txt is bad input; the other files were still fixed
    assert "bad.txt:1:9: not valid UTF-8" in err_dask
    a, b = _tree(local), _tree(remote)
    assert sorted(a) == sorted(b)
    assert "YULg4vMdULo.nl.md" in a and "talk.nl.vtt" in a and "reports/summary.json" in a
    for name in a:
        assert a[name] == b[name], name


def test_engine_dask_alone_starts_and_stops_a_local_cluster(corpus: Path, tmp_path: Path) -> None:
    small = corpus / "sub"
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert _fix(str(small), "--out", str(local))[0] == 3
    assert _fix(str(small), "--out", str(remote), "--engine", "dask", "--jobs", "2")[0] == 3
    assert _tree(local) == _tree(remote)


def test_a_task_that_raises_on_a_worker_fails_alone(corpus: Path, tmp_path: Path, cluster) -> None:
    from pipeline.engines import run_dask

    runner = Runner(glossary=_glossary())
    out = tmp_path / "out"
    seed = next(corpus.glob("*.md"))
    tasks = [
        (seed, seed.name, True, Mode.WRITE, out, None),
        (seed, None, True, Mode.WRITE, out, None),  # out / None: a TypeError on the worker
        (corpus / "talk.nl.vtt", "talk.nl.vtt", True, Mode.WRITE, out, None),
    ]
    results = list(run_dask(runner, tasks, scheduler=cluster.scheduler_address))
    assert [r.status for r in results] == ["ok", "error", "ok"]
    assert results[1].message.startswith(f"{seed}: failed on a Dask worker: TypeError: ")
    assert (out / seed.name).is_file() and (out / "talk.nl.vtt").is_file()


def test_a_path_the_workers_cannot_see_is_named(cluster, tmp_path: Path) -> None:
    from pipeline.engines import run_dask

    task = (Path("only/on/the/client.txt"), "client.txt", True, Mode.CHECK, None, None)
    [result] = run_dask(Runner(glossary=_glossary()), [task], scheduler=cluster.scheduler_address)
    assert result.status == "error"
    assert "only/on/the/client.txt: not found on worker" in result.message
    assert result.message.endswith("give absolute paths on a filesystem every worker sees")


def test_without_dask_installed_the_error_says_how_to_get_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.engines import run_dask

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import now fails
    with pytest.raises(ConfigError, match=r"pip install 'transcript-fix\[dask\]'"):
        list(run_dask(Runner(glossary=_glossary()), []))
    result = CliRunner().invoke(main, ["fix", str(corpus), "--out", str(tmp_path / "o"),
                                       "--engine", "dask", "--glossary", str(FIXTURE_GLOSSARY)])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: --engine dask needs Dask: pip install 'transcript-fix[dask]'\n")


def test_scheduler_without_engine_dask_is_a_usage_error(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["fix", str(corpus), "--out", str(tmp_path / "o"),
                                       "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --scheduler needs --engine dask\n")


def _glossary():
    from pipeline.glossary import load_glossary

    return load_glossary(FIXTURE_GLOSSARY)
