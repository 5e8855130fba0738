"""Bad-input cases: evidence (observations with their ids) and mastery tables."""

from __future__ import annotations

from typing import Any

import numpy as np

import personalise as pl
from tests.meta.battery import Case


def evidence_fields() -> dict[str, Any]:
    return {"learner_ids": ["ann", "ann", "bob"], "skill_ids": ["add", "count", "add"],
            "scores": np.array([1.0, 0.25, 0.75]),
            "timestamps": ["2026-09-01T09:00Z", "2026-09-01T09:05Z", "2026-09-02T10:00Z"],
            "evidence_ids": ["e1", "e2", "e3"], "sources": "quiz"}


def evidence() -> pl.Evidence:
    return pl.Evidence(**evidence_fields())


def table_fields() -> dict[str, Any]:
    return {"learner_ids": ["ann", "bob"], "skill_ids": ["add", "count", "compare"],
            "values": np.array([[0.2, 0.9, 0.5], [0.7, 0.1, 0.0]])}


def table() -> pl.MasteryTable:
    return pl.MasteryTable(**table_fields())


CASES = [
    Case(("Evidence",), pl.Evidence, evidence_fields),
    Case(("Evidence",), lambda obj, learner_ids, skill_ids, since, until: obj.select(
        learner_ids=learner_ids, skill_ids=skill_ids, since=since, until=until),
        lambda: {"obj": evidence(), "learner_ids": ["ann"], "skill_ids": ["add", "count"],
                 "since": "2026-09-01T09:00Z", "until": "2026-09-03T00:00Z"},
        perturb=("learner_ids", "skill_ids", "since", "until"), label="Evidence.select"),
    Case(("Evidence",), lambda obj, pass_mark: obj.passed(pass_mark), lambda: {"obj": evidence(), "pass_mark": 0.5},
         perturb=("pass_mark",), label="Evidence.passed"),
    Case(("Evidence",), lambda obj, pass_mark: obj.to_pybkt(pass_mark), lambda: {"obj": evidence(), "pass_mark": 0.5},
         perturb=("pass_mark",), label="Evidence.to_pybkt"),
    Case(("Evidence",), lambda parts: pl.Evidence.concat(parts), lambda: {"parts": [evidence().select(learner_ids=["ann"]),
                                                              evidence().select(learner_ids=["bob"])]}, label="Evidence.concat"),
    Case(("Evidence",), lambda data: pl.Evidence.from_dict(data), lambda: {"data": evidence().to_dict()},
         label="Evidence.from_dict"),
    Case(("Evidence",), lambda document: pl.Evidence.from_json(document), lambda: {"document": evidence().to_json()},
         label="Evidence.from_json"),
    Case(("Evidence",), lambda frame, columns: pl.Evidence.from_frame(frame, columns=columns),
         lambda: {"frame": evidence().to_frame().rename(columns={"score": "mark"}), "columns": {"score": "mark"}},
         label="Evidence.from_frame"),
    Case(("MasteryTable",), pl.MasteryTable, table_fields),
    Case(("MasteryTable",), lambda obj, learner_id, skill_id: obj.value(learner_id, skill_id),
         lambda: {"obj": table(), "learner_id": "bob", "skill_id": "count"}, perturb=("learner_id", "skill_id"),
         label="MasteryTable.value"),
    Case(("MasteryTable",), lambda obj, learner_ids: obj.select(learner_ids),
         lambda: {"obj": table(), "learner_ids": ["bob"]}, perturb=("learner_ids",), label="MasteryTable.select"),
    Case(("MasteryTable",), lambda obj, skills, missing: obj.align(skills, missing=missing),
         lambda: {"obj": table(), "skills": ["count", "add", "compare", "multiply"], "missing": 0.1},
         perturb=("skills", "missing"), label="MasteryTable.align"),
    Case(("MasteryTable",), lambda obj, skill_ids, missing: obj.values_for(skill_ids, missing=missing),
         lambda: {"obj": table(), "skill_ids": ["count", "add", "compare", "multiply"], "missing": 0.1},
         perturb=("skill_ids", "missing"), label="MasteryTable.values_for"),
    Case(("MasteryTable",), lambda data: pl.MasteryTable.from_dict(data), lambda: {"data": table().to_dict()},
         label="MasteryTable.from_dict"),
    Case(("MasteryTable",), lambda document: pl.MasteryTable.from_json(document),
         lambda: {"document": table().to_json()}, label="MasteryTable.from_json"),
    Case(("MasteryTable",), lambda frame: pl.MasteryTable.from_frame(frame), lambda: {"frame": table().to_frame()},
         label="MasteryTable.from_frame"),
]

EXEMPT: dict[str, str] = {}
