"""Measure everything in one run, print the table, write ``bench/results.json``.

Why each measurement is a child process: peak memory is then the child's own
(``ru_maxrss`` from ``os.wait4``; with ``--jobs`` it is the largest process of the
tree), and a slow or crashing configuration cannot take the others down. Tool runs
(the pipeline CLI, codespell, the floor) are timed on the wall clock around the child,
interpreter start and glossary loading included, as a user would time them; a stage
alone and the naive RapidFuzz scan are timed inside the child.

Why adaptive sizes: a configuration that would take longer than ``--budget`` seconds on
the whole corpus is run on the first files only (a 4-file probe estimates its speed),
and the table says on how many words it ran, so ``make bench`` stays under ~15 minutes
on a 2-core machine however slow a matcher gets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.corpus import CORPUS_DIR, ROOT, Corpus, CorpusSpec, load_corpus

__all__ = ["main"]

#: Figures measured on a 2-core machine like this one (issue 7), printed beside ours.
ANCHORS = {
    "codespell -w": 0.14e6,
    "codespell (check only)": 2.3e6,
    "floor: Aho-Corasick replace+write": 6.6e6,
    "naive RapidFuzz extractOne over n-grams": 0.007e6,
}
MAIN = "fuzzy+phonetic, 1,000 entries, 1 process"


@dataclass
class Row:
    name: str
    group: str
    words: int
    seconds: float
    peak_mb: float
    rc: int
    timing: str  # "wall" (child process, start to end) or "inner" (timed inside the child)
    files: int = 0
    #: CPU seconds of the child and its children: cpu / wall is how many cores it got,
    #: which on a shared machine says whether --jobs could scale at all.
    cpu: float = 0.0
    wall: float = 0.0
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall > 0 else 0.0


class Bench:
    def __init__(self, corpus: Corpus, args: argparse.Namespace) -> None:
        self.corpus = corpus
        self.args = args
        self.rows: list[Row] = []
        self.py = sys.executable
        # The peers (codespell) and our CLI come from this interpreter's environment:
        # `make bench` runs .venv/bin/python without activating the venv.
        bin_dir = str(Path(sys.executable).parent)
        self.env = dict(os.environ, TRANSCRIPT_FIX_CACHE=str(corpus.root / "cache"),
                        PYTHONPATH=str(ROOT),
                        PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-", dir=corpus.root))
        self.last_cpu = 0.0
        self.speedup_available = 0.0
        self.words_of = {p: len(p.read_text(encoding="utf-8").split()) for p in corpus.files}

    # --- running children ---------------------------------------------------------------

    def run(self, cmd: list[str], *, env: dict | None = None) -> tuple[float, float, int, str, str]:
        """(wall seconds, peak MB, exit code, stdout, stderr) of one child process; its CPU
        seconds are left in ``self.last_cpu``."""
        with tempfile.TemporaryFile(dir=self.tmp) as out, tempfile.TemporaryFile(dir=self.tmp) as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env or self.env, cwd=ROOT)
            try:
                _pid, status, usage = os.wait4(proc.pid, 0)
            except KeyboardInterrupt:
                proc.kill()
                raise
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            self.last_cpu = usage.ru_utime + usage.ru_stime
            out.seek(0)
            err.seek(0)
            return (wall, usage.ru_maxrss / 1024, proc.returncode,
                    out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))

    def measure(self, name: str, group: str, cmd: list[str], words: int, *, files: int = 0,
                inner: bool = False, note: str = "", env: dict | None = None,
                ok: tuple[int, ...] = (0,)) -> Row:
        wall, peak, rc, out, err = self.run(cmd, env=env)
        seconds, extra = wall, {}
        if inner and rc == 0:
            extra = json.loads(out.strip().splitlines()[-1])
            seconds, words = extra["seconds"], extra["words"]
        if rc not in ok:
            note = (note + "; " if note else "") + f"exit {rc}: {err.strip()[-300:]}"
        row = Row(name, group, words, seconds, peak, rc, "inner" if inner else "wall", files=files,
                  note=note, extra=extra, cpu=self.last_cpu, wall=wall)
        self.log(row)
        return row

    def adaptive(self, name: str, group: str, make_cmd, files: list[Path], *, inner: bool = False,
                 note: str = "", ok: tuple[int, ...] = (0,)) -> Row:
        """Run on all ``files`` if that fits the budget, else on as many as fit."""
        probe = files[: min(len(files), self.args.probe)]
        words = sum(self.words_of[p] for p in probe)
        row = self.measure(name, group, make_cmd(probe), words, files=len(probe), inner=inner,
                           note=note, ok=ok)
        if len(probe) == len(files) or row.rc not in ok:
            return self.keep(row)
        per_file = words / len(probe)
        fit = int(self.args.budget * row.words_per_s / per_file)
        n = max(len(probe), min(len(files), fit))
        if n == len(probe):
            row.note = _join(row.note, f"only {len(probe)} of {len(files)} files: too slow for the budget")
            return self.keep(row)
        chosen = files[:n]
        words = sum(self.words_of[p] for p in chosen)
        if n < len(files):
            note = _join(note, f"{n} of {len(files)} files (budget {self.args.budget:.0f} s)")
        return self.keep(self.measure(name, group, make_cmd(chosen), words, files=n, inner=inner,
                                      note=note, ok=ok))

    def keep(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def log(self, row: Row) -> None:
        print(f"  {row.group:9} {row.name:55} {row.words:>10,} words {row.seconds:8.2f} s "
              f"{row.words_per_s / 1e6:7.3f} M/s {row.peak_mb:7.0f} MB {row.cores:4.2f} cores"
              + (f"  [{row.note}]" if row.note else ""), flush=True)

    def out_dir(self) -> Path:
        d = Path(tempfile.mkdtemp(prefix="out-", dir=self.tmp))
        return d

    # --- configurations -----------------------------------------------------------------

    def pipeline_cmd(self, files: list[Path], size: int, *, exact: bool = False, jobs: int = 1,
                     engine: str | None = None, out: Path | None = None) -> list[str]:
        cmd = [self.py, "-m", "pipeline", "fix", *map(str, files), "--out", str(out or self.out_dir()),
               "--glossary", str(self.corpus.glossaries[size]), "-q", "--jobs", str(jobs)]
        if exact:
            cmd += ["--no-fuzzy", "--no-phonetic"]
        if engine:
            cmd += ["--engine", engine]
        return cmd

    def warm(self) -> None:
        """Compile and cache every glossary once, so runs measure steady state (the
        pre-commit rows measure the cold and warm cache separately)."""
        one = self.corpus.files[:1]
        for size in self.corpus.glossaries:
            _wall, _peak, rc, _out, err = self.run(self.pipeline_cmd(one, size))
            if rc != 0:
                raise SystemExit(f"bench: the pipeline fails on {one[0]}:\n{err}")

    def capacity(self) -> None:
        """How much parallelism the machine gives right now: the same CPU-bound Python
        loop in 1 and in 2 processes. On a shared machine this, not the pipeline, is
        what caps the --jobs rows."""
        code = ("import time,sys\nfrom concurrent.futures import ProcessPoolExecutor as P\n"
                "def burn(n):\n x=0\n for i in range(n): x+=i*i\n"
                "def clock(f):\n t=time.perf_counter(); f(); return time.perf_counter()-t\n"
                "if __name__=='__main__':\n N=10_000_000\n"
                " with P(2) as p:\n  list(p.map(burn,[1,1]))\n"
                "  one=min(clock(lambda: burn(N)) for _ in range(3))\n"
                "  two=min(clock(lambda: list(p.map(burn,[N,N]))) for _ in range(3))\n"
                " print(2*one/two)\n")
        _wall, _peak, rc, out, _err = self.run([self.py, "-c", code])
        self.speedup_available = float(out.strip()) if rc == 0 else 0.0
        print(f"  machine   2 CPU-bound processes vs 1: {self.speedup_available:.2f}x", flush=True)

    def peers(self) -> None:
        c, files, size = self.corpus, self.corpus.files, 1000
        self.adaptive("floor: Aho-Corasick replace+write", "peers",
                      lambda fs: [self.py, "-m", "bench.peers", "floor", str(c.patterns[size]),
                                  str(self.out_dir()), *map(str, fs)], files)
        dictionary = str(c.codespell_dicts[size])
        self.adaptive("codespell (check only)", "peers",
                      lambda fs: ["codespell", "-D", dictionary, *map(str, fs)], files, ok=(0, 65))

        def write_cmd(fs: list[Path]) -> list[str]:
            copy = self.out_dir()
            for p in fs:
                shutil.copy(p, copy / p.name)
            return ["codespell", "-w", "-D", dictionary, str(copy)]

        self.adaptive("codespell -w", "peers", write_cmd, files, ok=(0, 65),
                      note="single-word variants only")
        sample = str(self.args.naive_words)
        self.keep(self.measure(
            "naive RapidFuzz extractOne over n-grams", "peers",
            [self.py, "-m", "bench.peers", "naive", str(c.glossaries[size]), sample,
             *map(str, files[:4])], 0, inner=True, note=f"first {int(sample):,} words"))

    def stages(self) -> None:
        files, g = self.corpus.files, str(self.corpus.glossaries[1000])
        for stage, label in (("io", "read + write + reports, no stage"),
                             ("normalize", "normalize"), ("strip_markers", "strip_markers"),
                             ("correct_terms_exact", "correct_terms, exact only"),
                             ("correct_terms_fuzzy", "correct_terms, fuzzy+phonetic")):
            self.adaptive(label, "stage", lambda fs, s=stage: [
                self.py, "-m", "bench.worker", s, g, *map(str, fs)], files, inner=True)

    def pipeline(self) -> None:
        files = self.corpus.files
        jobs = sorted({1, 2, self.args.jobs})
        for j in jobs:
            self.adaptive(f"exact only, 1,000 entries, {j} process{'es' * (j > 1)}", "pipeline",
                          lambda fs, j=j: self.pipeline_cmd(fs, 1000, exact=True, jobs=j), files)
        for size in sorted(self.corpus.glossaries):
            self.adaptive(f"fuzzy+phonetic, {size:,} entries, 1 process", "pipeline",
                          lambda fs, s=size: self.pipeline_cmd(fs, s), files)
        for j in jobs[1:]:
            self.adaptive(f"fuzzy+phonetic, 1,000 entries, {j} processes", "pipeline",
                          lambda fs, j=j: self.pipeline_cmd(fs, 1000, jobs=j), files)
        if self.has_dask():
            j = max(2, self.args.jobs)
            self.adaptive(f"fuzzy+phonetic, 1,000 entries, dask LocalCluster {j} workers",
                          "pipeline", lambda fs: self.pipeline_cmd(fs, 1000, jobs=j, engine="dask"),
                          files)

    def has_dask(self) -> bool:
        _wall, _peak, _rc, out, _err = self.run([self.py, "-m", "pipeline", "fix", "--help"])
        if "--engine" not in out:
            return False
        return subprocess.run([self.py, "-c", "import dask.distributed"], env=self.env,
                              capture_output=True, check=False).returncode == 0

    def scaling(self) -> None:
        main = self.find(MAIN)
        if main is None or main.files < 2:
            return
        files = self.corpus.files
        empty = self.tmp / "empty"
        empty.mkdir(exist_ok=True)
        self.keep(self.measure("start-up + glossary load, no files (1,000 entries)", "scaling",
                               self.pipeline_cmd([empty], 1000), 0))
        quarter = max(1, main.files // 4)
        words = sum(self.words_of[p] for p in files[:quarter])
        self.keep(self.measure(f"{MAIN}, 1/4 of its files", "scaling",
                               self.pipeline_cmd(files[:quarter], 1000), words, files=quarter))
        big = self.corpus.big
        big_words = self.corpus.big_words
        rate = main.words_per_s
        budget = self.args.budget * 2
        note = f"one line, {big.stat().st_size / 1e6:.0f} MB"
        if rate > 0 and big_words / rate > budget:
            # Too slow for the whole file: cut it (at a space) to what fits, and say so.
            keep = int(big.stat().st_size * budget * rate / big_words)
            big, big_words = _cut(big, max(keep, 1_000_000), self.tmp / "big-cut.txt")
            note = f"one line, cut to {big.stat().st_size / 1e6:.0f} of {self.corpus.spec.big_mb} MB (budget)"
        self.keep(self.measure("single-line transcript, fuzzy+phonetic, 1,000 entries", "scaling",
                               self.pipeline_cmd([big], 1000), big_words, files=1, note=note))

    def precommit(self) -> None:
        """One transcript through the console script, as the pre-commit hook runs it."""
        exe = Path(self.py).parent / "transcript-fix"
        cli = [str(exe)] if exe.exists() else [self.py, "-m", "pipeline"]
        seed = min((ROOT / "seeds").glob("*.md"))
        words = len(seed.read_text(encoding="utf-8").split())
        cache = self.tmp / "pre-commit-cache"
        env = dict(self.env, TRANSCRIPT_FIX_CACHE=str(cache))
        check = [*cli, "check", str(seed), "--glossary", str(ROOT / "glossary")]
        self.keep(self.measure("check one transcript, real glossary, first run after install",
                               "pre-commit", check, words, files=1, env=env, ok=(0, 1),
                               note="builds the word-frequency tables once"))
        for stale in (cache / "transcript-fix").glob("*.pickle"):
            stale.unlink()  # what a glossary edit does: parse and compile again
        self.keep(self.measure("check one transcript, real glossary, glossary just edited",
                               "pre-commit", check, words, files=1, env=env, ok=(0, 1)))
        self.keep(self.measure("check one transcript, real glossary, warm cache", "pre-commit",
                               check, words, files=1, env=env, ok=(0, 1)))
        self.keep(self.measure("check one transcript, 10,000 entries, warm cache", "pre-commit",
                               [*cli, "check", str(seed), "--glossary",
                                str(self.corpus.glossaries[10000])], words, files=1, ok=(0, 1)))

    def find(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)


def _cut(src: Path, size: int, dst: Path) -> tuple[Path, int]:
    """The first ~``size`` bytes of ``src`` up to a space, copied in chunks (the parent
    must stay small, see ``corpus.load_corpus``); and its word count."""
    words = 0
    carry = b""
    with src.open("rb") as fi, dst.open("wb") as fo:
        left = size
        while left > 0:
            chunk = fi.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
            chunk = carry + chunk
            cut = chunk.rfind(b" ") + 1 or len(chunk)  # whole words only; the rest waits
            chunk, carry = chunk[:cut], chunk[cut:]
            words += len(chunk.split())
            fo.write(chunk)
        fo.write(b"\n")
    return dst, words


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


# --- report -------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": load}


def table(rows: list[Row]) -> str:
    ref = {r.name: r.words_per_s for r in rows}
    cs, fl = ref.get("codespell -w", 0.0), ref.get("floor: Aho-Corasick replace+write", 0.0)
    header = ("| group | configuration | words | seconds | M words/s | peak MB | cores used "
              "| ÷ codespell -w | ÷ floor | note |")
    out = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        rate = r.words_per_s
        vs_cs = f"{rate / cs:.2f}" if cs and r.words else ""
        vs_fl = f"{rate / fl:.3f}" if fl and r.words else ""
        mwps = f"{rate / 1e6:.3f}" if r.words else ""
        words = f"{r.words:,}" if r.words else ""
        out.append(f"| {r.group} | {r.name} | {words} | {r.seconds:.2f} | {mwps} | {r.peak_mb:.0f} "
                   f"| {r.cores:.2f} | {vs_cs} | {vs_fl} | {r.note} |")
    return "\n".join(out)


def targets(rows: list[Row], jobs: int, available: float = 0.0) -> list[dict]:
    by = {r.name: r for r in rows}
    main = by.get(MAIN)
    cs = by.get("codespell -w")
    fl = by.get("floor: Aho-Corasick replace+write")
    big10k = by.get("fuzzy+phonetic, 10,000 entries, 1 process")
    two = by.get(f"fuzzy+phonetic, 1,000 entries, {max(2, jobs)} processes")
    quarter = by.get(f"{MAIN}, 1/4 of its files")
    startup = by.get("start-up + glossary load, no files (1,000 entries)")
    single = by.get("single-line transcript, fuzzy+phonetic, 1,000 entries")
    pre = [r for r in rows if r.group == "pre-commit"]
    out: list[dict] = []

    def add(target: str, met: bool | None, measured: str) -> None:
        out.append({"target": target, "met": met, "measured": measured})

    if main and cs:
        ratio = main.words_per_s / cs.words_per_s
        add("full pipeline, fuzzy+phonetic, 1,000 entries, 1 process: faster than codespell -w",
            ratio >= 1.0, f"ratio {ratio:.2f} ({main.words_per_s / 1e6:.3f} vs {cs.words_per_s / 1e6:.3f} M words/s)")
    if main and fl:
        ratio = main.words_per_s / fl.words_per_s
        add("... and within 10x of the floor (>= 0.1 of it, >= ~0.7 M words/s)",
            ratio >= 0.1 and main.words_per_s >= 0.7e6,
            f"ratio {ratio:.3f}; {main.words_per_s / 1e6:.3f} M words/s")
    if main and big10k:
        ratio = main.words_per_s / big10k.words_per_s if big10k.words_per_s else float("inf")
        add("10,000 entries cost at most 1.5x the time of 1,000 (per word)", ratio <= 1.5,
            f"{ratio:.2f}x")
        add("peak memory < 300 MB with 10,000 entries", big10k.peak_mb < 300, f"{big10k.peak_mb:.0f} MB")
    if main and quarter:
        fixed = startup.seconds if startup else 0.0
        a = quarter.words / max(1e-9, quarter.seconds - fixed)
        b = main.words / max(1e-9, main.seconds - fixed)
        add("time linear in corpus size (words/s of 1/4 vs all, start-up subtracted, within 15%)",
            abs(b / a - 1) <= 0.15, f"{a / 1e6:.3f} vs {b / 1e6:.3f} M words/s ({main.files // 4 or 1} vs {main.files} files)")
        add("peak memory independent of the number of files (all vs 1/4, within 10%)",
            main.peak_mb <= quarter.peak_mb * 1.10, f"{quarter.peak_mb:.0f} MB vs {main.peak_mb:.0f} MB")
    if single:
        add("a single-line transcript runs in bounded memory (< 300 MB)", single.peak_mb < 300,
            f"{single.peak_mb:.0f} MB for {single.note}")
    if main and two:
        speedup = two.words_per_s / main.words_per_s
        add(f"--jobs {max(2, jobs)} gives >= 1.8x on two cores", speedup >= 1.8,
            f"{speedup:.2f}x; the run got {two.cores:.2f} cores of CPU time per wall second "
            f"(1 process: {main.cores:.2f}); a CPU-bound loop got {available:.2f}x on this "
            f"machine at the time")
    for r in pre:
        add(f"pre-commit path under 1 s ({', '.join(r.name.split(', ')[1:])})", r.seconds < 1.0,
            f"{r.seconds:.2f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small corpus (16 files, 5 MB single line): a smoke test")
    ap.add_argument("--files", type=int, help="transcripts in the corpus [200; quick 16]")
    ap.add_argument("--big-mb", type=int, help="size of the single-line transcript [50; quick 5]")
    ap.add_argument("--budget", type=float, help="seconds one configuration may take [40; quick 15]")
    ap.add_argument("--probe", type=int, default=4, help="files in the speed probe of a slow configuration")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="the '--jobs N' row [cores]")
    ap.add_argument("--naive-words", type=int, default=3000, help="words for the naive RapidFuzz scan")
    ap.add_argument("--only", default="", help="comma-separated groups: peers,stage,pipeline,scaling,pre-commit")
    ap.add_argument("--out", type=Path, help="results JSON [bench/results.json; quick: bench/corpus/results-quick.json]")
    ap.add_argument("--keep", action="store_true", help="keep the outputs of every run")
    args = ap.parse_args(argv)
    spec = CorpusSpec()
    if args.quick:
        spec = CorpusSpec(files=16, big_mb=5)
    if args.files:
        spec = CorpusSpec(files=args.files, big_mb=spec.big_mb)
    if args.big_mb:
        spec = CorpusSpec(files=spec.files, big_mb=args.big_mb)
    args.budget = args.budget or (15.0 if args.quick else 40.0)
    root = CORPUS_DIR / ("quick" if args.quick else "full")
    out_path = args.out or (CORPUS_DIR / "results-quick.json" if args.quick else ROOT / "bench" / "results.json")
    started = time.perf_counter()
    info = machine()
    print(f"bench: {info['cpu']}, {info['cores']} cores, {info['memory']}, Python {info['python']}, "
          f"load {info['load_average_at_start']}")
    corpus = load_corpus(spec, root)
    bench = Bench(corpus, args)
    groups = set(filter(None, args.only.split(","))) or {"peers", "stage", "pipeline", "scaling", "pre-commit"}
    try:
        bench.warm()
        bench.capacity()
        if "peers" in groups:
            bench.peers()
        if "stage" in groups:
            bench.stages()
        if "pipeline" in groups:
            bench.pipeline()
        if "scaling" in groups:
            bench.scaling()
        if "pre-commit" in groups:
            bench.precommit()
    finally:
        if not args.keep:
            shutil.rmtree(bench.tmp, ignore_errors=True)
    rows = bench.rows
    checks = targets(rows, args.jobs, bench.speedup_available)
    elapsed = time.perf_counter() - started
    text = table(rows)
    print()
    print(f"Corpus: {len(corpus.files)} transcripts, {corpus.words:,} words (seed sentences shuffled, "
          f"{corpus.injected:,} variants/misspellings injected); glossaries of "
          f"{', '.join(f'{k:,}' for k in sorted(corpus.glossaries))} entries "
          f"({corpus.real_entries} real). Peak MB: largest process.")
    print()
    print(text)
    print()
    for t in checks:
        mark = {True: "MET    ", False: "NOT MET", None: "n/a    "}[t["met"]]
        print(f"{mark} {t['target']}: {t['measured']}")
    print(f"\nbench: {elapsed / 60:.1f} min; results in {out_path}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps({
        "machine": info,
        "corpus": corpus.to_json(),
        "anchors_words_per_s": ANCHORS,
        "rows": [asdict(r) | {"words_per_s": r.words_per_s} for r in rows],
        "targets": checks,
        "parallel_speedup_available": bench.speedup_available,
        "table_markdown": text,
        "elapsed_s": elapsed,
        "quick": args.quick,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0
