"""Bad-input cases: the three levels and their evidence catalogue."""

from __future__ import annotations

import personalise as pl
from personalise import levels
from tests.meta.battery import Case


def entry() -> dict[str, object]:
    return {"id": "an-entry", "level": "teaching", "strategy": "feedback", "value": 0.5,
            "unit": "effect size d", "source": "a source", "edition": "2021", "population": "pupils",
            "caveat": "a caveat", "verified": False, "finding": "it helps", "strength": "moderate"}


CASES = [
    Case(("Level",), lambda value: pl.Level(value), lambda: {"value": 2}, names={"value": ("level",)}),
    Case(("Level",), lambda name: pl.Level.from_name(name), lambda: {"name": "Content"},
         names={"name": ("level",)}, label="Level.from_name"),
    Case(("EvidenceEntry",), levels.EvidenceEntry, entry),
    Case(("evidence",), levels.evidence, lambda: {"level": "teaching", "strategy": "feedback"}),
    Case(("effect_size_range",), levels.effect_size_range, lambda: {"months": 6}),
    Case(("months_of_progress",), levels.months_of_progress, lambda: {"effect_size": 0.5}),
]

EXEMPT: dict[str, str] = {}
