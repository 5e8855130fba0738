"""Bad-input cases: level 1, the experience (pathways, choice menus, learner voice)."""

from __future__ import annotations

import numpy as np

import personalise as pl
from personalise import experience
from tests.meta.battery import Case

EDGES = [("count", "add"), ("add", "multiply"), ("count", "compare")]


def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def row() -> np.ndarray:
    return np.array([0.99, 0.2, 0.1, 0.0])


def menu() -> pl.ChoiceMenu:
    return pl.choice_menu(graph(), row())


def record_document() -> dict[str, object]:
    return {"schema": "personalise.choice_record/1", "choice": "add", "chooser": "learner",
            "offered": ["add", "compare"], "goal": None, "rung": 5}


def pathway_document() -> dict[str, object]:
    return {"schema": "personalise.pathway/1", "goal": ["multiply"], "steps": ["add", "multiply"],
            "ready": ["add"], "alternatives": []}


CASES = [
    Case(("choice_menu",), experience.choice_menu,
         lambda: {"compiled": graph(), "mastery": row(), "m": 2, "goals": ["multiply", "compare"],
                  "interests": {"add": 1.0}, "topics": {"add": "number"}, "history": ["compare"],
                  "threshold": 0.95, "rng": 0}),
    Case(("pathway_to",), experience.pathway_to,
         lambda: {"compiled": graph(), "goal": "multiply", "mastery": row(), "threshold": 0.95}),
    Case(("ChoiceMenu",), experience.ChoiceMenu,
         lambda: {"options": ("add", "compare"), "scores": (2.0, 1.0), "reasons": ("a", "b"), "goal": None}),
    Case(("ChoiceMenu",), lambda menu, choice, chooser, rung: menu.record(choice, chooser, rung=rung),
         lambda: {"menu": menu(), "choice": "add", "chooser": "teacher", "rung": pl.HartRung(4)},
         perturb=("choice", "chooser", "rung"), label="ChoiceMenu.record"),
    Case(("ChoiceRecord",), experience.ChoiceRecord,
         lambda: {"choice": "add", "chooser": "learner", "offered": ("add", "compare"), "goal": ("multiply",),
                  "rung": pl.HartRung(5)}),
    Case(("ChoiceRecord",), lambda data: pl.ChoiceRecord.from_dict(data), lambda: {"data": record_document()},
         names={"data": ("document", "choice record", "schema")}, label="ChoiceRecord.from_dict"),
    Case(("Pathway",), experience.Pathway,
         lambda: {"goal": ("multiply",), "steps": ("add", "multiply"), "ready": ("add",), "alternatives": ()}),
    Case(("Pathway",), lambda data: pl.Pathway.from_dict(data), lambda: {"data": pathway_document()},
         names={"data": ("document", "pathway", "schema")}, label="Pathway.from_dict"),
    Case(("HartRung",), lambda value: pl.HartRung(value), lambda: {"value": 4}, names={"value": ("rung",)}),
    Case(("ParticipationStage",), lambda value: pl.ParticipationStage(value), lambda: {"value": 2},
         names={"value": ("stage",)}),
]

EXEMPT: dict[str, str] = {}
