"""Shared fixtures: where things are, the two glossaries, and an isolated index cache.

Why two glossaries: unit tests pin exact edits, so they use the small fixed glossary in
``tests/fixtures/glossary/`` that no curator touches; the golden and labelled-case tests
use the real ``glossary/`` on purpose, so that a curation change that alters output
fails until it is reviewed (issue 3).

Why skip on ``../shared``: the real caption samples with an unknown licence may only be
read from there, never copied into the repository (``../shared/corpora/PROVENANCE.md``);
a clone without it still runs every other test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.api import Runner
from pipeline.config import Config
from pipeline.glossary import Glossary, load_glossary

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TESTS = REPO / "tests"
DATA = TESTS / "data"
FIXTURE_GLOSSARY = TESTS / "fixtures" / "glossary"
REAL_GLOSSARY = REPO / "glossary"
SEEDS = REPO / "seeds"
CASES = TESTS / "cases"


def shared_path(*parts: str) -> Path:
    """A file under ``../shared``; the calling test is skipped when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is not checked out here)")
    return path


@pytest.fixture(autouse=True, scope="session")
def _isolated_index_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the compiled-glossary cache out of the user's ``~/.cache`` during tests.

    Subprocess runs inherit it through the environment.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSCRIPT_FIX_CACHE", str(tmp_path_factory.mktemp("index-cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not available")
    return SHARED


@pytest.fixture(scope="session")
def shared_vtt_dir() -> Path:
    """``../shared/corpora/vtt`` (real caption files in four formats)."""
    return shared_path("corpora", "vtt")


@pytest.fixture(scope="session")
def fixture_glossary_dir() -> Path:
    return FIXTURE_GLOSSARY


@pytest.fixture(scope="session")
def fixture_glossary() -> Glossary:
    return load_glossary(FIXTURE_GLOSSARY)


@pytest.fixture(scope="session")
def markers_only_glossary(fixture_glossary: Glossary) -> Glossary:
    """The fixture's markers and no entries: what 'no glossary' means for a round trip."""
    return Glossary(markers=fixture_glossary.markers)


@pytest.fixture(scope="session")
def fixture_runner(fixture_glossary: Glossary) -> Runner:
    return Runner(Config(), fixture_glossary)


@pytest.fixture(scope="session")
def real_glossary() -> Glossary:
    return load_glossary(REAL_GLOSSARY)


@pytest.fixture(scope="session")
def real_runner(real_glossary: Glossary) -> Runner:
    return Runner(Config(), real_glossary)
