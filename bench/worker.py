"""One stage alone over a corpus, in a child process: ``python -m bench.worker STAGE GLOSSARY PATH...``.

Why a child process: the parent reads the child's peak RSS from ``os.wait4``, so each
measurement's memory is its own. Only the stage call is timed (reading the file and
building the document are not), and the result is one JSON line on stdout.

``STAGE`` is ``normalize``, ``strip_markers``, ``correct_terms_exact``,
``correct_terms_fuzzy`` (fuzzy + phonetic), or ``io``: read, compose, write the file and
its JSON and Markdown reports with every stage off (what a run costs besides stages).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    stage_name, glossary_dir, *paths = argv
    from pipeline.api import Mode, Runner, fix_path, iter_transcripts
    from pipeline.config import Config
    from pipeline.files import read_text_file
    from pipeline.formats import read_document
    from pipeline.glossary import load_glossary
    from pipeline.stages import STAGES

    glossary = load_glossary(glossary_dir)
    fuzzy = stage_name == "correct_terms_fuzzy"
    base = {"correct_terms": {"fuzzy": fuzzy, "phonetic": fuzzy}}
    if stage_name == "io":
        off = {"enabled": False}
        config = Config.model_validate(
            {"normalize": off, "strip_markers": off, "correct_terms": off}
        )
    else:
        config = Config.model_validate(base)
    runner = Runner(config, glossary)
    files = list(iter_transcripts(paths))
    words = 0
    seconds = 0.0
    edits = 0
    # Warm what every run loads once (wordfreq's list, compiled regexes) outside the timing.
    Runner(Config(), glossary).fix_document(read_document("warm.txt", "Open AI en Antropic. [Muziek]"))
    if stage_name == "io":
        with tempfile.TemporaryDirectory(prefix="bench-io-") as out:
            for path, rel, explicit in files:
                words += len(read_text_file(path)[0].split())
                t0 = time.perf_counter()
                fix_path(path, rel, runner, Mode.WRITE, explicit=explicit, out_dir=Path(out),
                         report_dir=Path(out) / "reports")
                seconds += time.perf_counter() - t0
    else:
        name = stage_name.removesuffix("_exact").removesuffix("_fuzzy")
        stage = next(s for s in STAGES if s.name == name)
        data = runner.compiled(config.language) if name == "correct_terms" else glossary
        for path, _rel, _explicit in files:
            text, _bom = read_text_file(path)
            words += len(text.split())
            doc = read_document(str(path), text)
            t0 = time.perf_counter()
            _new, found = stage.run(doc, config, data)
            seconds += time.perf_counter() - t0
            edits += len(found)
    print(json.dumps({"seconds": seconds, "words": words, "files": len(files), "edits": edits}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
