"""Where the per-file work runs beyond this machine: a Dask distributed cluster.

Why files are the unit of work: a transcript is corrected on its own (one glossary, no
state between files), so a run over a folder is an embarrassingly parallel map of
``fix_task`` over files, the same function ``--jobs`` maps over a process pool. On a
cluster each worker reads its file, writes the corrected file and its reports exactly as
a local run would, and sends back the ``FileResult``; the client echoes them in input
order and writes the summary, so a Dask run leaves the same bytes as ``--jobs 1``
(issue 7). Dask is optional (``pip install transcript-fix[dask]``) and imported only here.

Workers open the paths as the client gives them: run them in the client's working
directory or pass absolute paths, on a filesystem every worker sees (NFS, a shared
volume). A file that fails on a worker, whatever the reason (unreadable, a worker that
died, a bug), becomes a failed ``FileResult`` and the run goes on.

>>> task = (Path("nope.txt"), "nope.txt", True, Mode.CHECK, None, None)
>>> fr = failed_result(task, KeyError("boom"))
>>> fr.status, fr.message
('error', "nope.txt: failed on a Dask worker: KeyError: 'boom'")
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.api import FileResult, Mode, Runner, fix_path
from pipeline.errors import ConfigError

__all__ = ["ENGINES", "Task", "failed_result", "fix_task", "run_dask"]

ENGINES = ("local", "dask")

#: (path, path relative to what was named, named explicitly, mode, out dir, report dir)
Task = tuple[Path, str, bool, Mode, "Path | None", "Path | None"]

#: Seconds to wait for a scheduler given with ``--scheduler`` before giving up.
CONNECT_TIMEOUT = 30


def fix_task(runner: Runner, task: Task) -> FileResult:
    """``fix_path`` for one task tuple: the function both engines map over files."""
    path, rel, explicit, mode, out_dir, report_dir = task
    if not path.exists() and not path.is_symlink():
        # On a cluster this is nearly always a path that only the client can see.
        return FileResult(
            str(path), rel, "error",
            message=f"{path}: not found on worker {socket.gethostname()} (working directory "
            f"{os.getcwd()}); give absolute paths on a filesystem every worker sees",
        )
    return fix_path(path, rel, runner, mode, explicit=explicit, out_dir=out_dir, report_dir=report_dir)


def failed_result(task: Task, exc: BaseException) -> FileResult:
    """A task that raised on a worker (or whose worker died) as a failed ``FileResult``."""
    path, rel = task[0], task[1]
    return FileResult(
        str(path), rel, "error",
        message=f"{path}: failed on a Dask worker: {type(exc).__name__}: {exc}",
    )


def _client(scheduler: str | None, workers: int):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(
            "--engine dask needs Dask: pip install 'transcript-fix[dask]'"
        ) from None
    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    # One single-threaded process per worker: the matcher is pure Python (the GIL), so
    # processes, not threads, are what use the cores.
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True,
        dashboard_address=":0", silence_logs=logging.ERROR,  # any free port: never a clash
    )
    return Client(cluster, set_as_default=False), cluster


def run_dask(
    runner: Runner,
    tasks: Iterable[Task],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Iterator[FileResult]:
    """Map ``fix_task`` over ``tasks`` on a Dask cluster; results in input order.

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``); without
    it a ``LocalCluster`` of ``workers`` processes (default: one per core) is started
    and closed again. The runner (glossary and config) is sent to every worker once.
    """
    tasks = list(tasks)
    client, cluster = _client(scheduler, workers or os.cpu_count() or 1)
    try:
        shared = client.scatter(runner, broadcast=True, hash=False)
        # Earlier files first, so results stream back roughly in the order they are shown.
        futures = [
            client.submit(fix_task, shared, task, pure=False, priority=-i)
            for i, task in enumerate(tasks)
        ]
        for i, (task, future) in enumerate(zip(tasks, futures, strict=True)):
            try:
                result = future.result()
            except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - reported per file
                result = failed_result(task, exc)
            future.release()
            futures[i] = None
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
