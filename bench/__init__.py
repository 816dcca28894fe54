"""The speed benchmark behind ``make bench`` (issue 7): corpus, peers, measurements, table.

Why a package of its own and not a test: timings on a shared 2-core machine are noisy,
so the benchmark reports ratios against peers measured in the same run (codespell with
the same variants as a custom dictionary, and a single-pass Aho-Corasick replace as the
floor) beside the absolute figures, and never fails a build.

- ``corpus.py`` builds the reproducible corpus and the 100/1,000/10,000-entry glossaries;
- ``peers.py`` holds the peers (floor, naive RapidFuzz) run as child processes;
- ``worker.py`` runs one stage alone in a child process;
- ``run.py`` measures every configuration in its own child process (wall time and peak
  RSS from ``os.wait4``), prints the table and writes ``bench/results.json``.
"""

__all__: list[str] = []
