"""The one ordered list of stages (house style point 2).

Each stage is a pure function ``(Document, Config, CompiledGlossary) -> (Document,
list[Edit])``: no I/O, no printing. Its name is the registry key, the config section,
every ``Edit.stage`` and the report label (point 1). The glossary is passed beside the
config because it is data loaded once per run, not a setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from pipeline.stages.correct_terms import correct_terms
from pipeline.stages.normalize import normalize
from pipeline.stages.strip_markers import strip_markers

__all__ = ["STAGES", "Stage"]


class Stage(NamedTuple):
    name: str
    run: Callable


STAGES: tuple[Stage, ...] = (
    Stage("normalize", normalize),
    Stage("strip_markers", strip_markers),
    Stage("correct_terms", correct_terms),
)
