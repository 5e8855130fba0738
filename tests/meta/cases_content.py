"""Bad-input cases: knowledge tracing, difficulty, recommendations and the compiled graph's own methods."""

from __future__ import annotations

from typing import Any

import numpy as np

import personalise as pl
from tests.meta.battery import Case
from tests.meta.cases_graph import graph, mastery

#: Four learners, two skills, four answers each: long enough sequences for an identifiable fit.
_CORRECT = [0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1]
BOUNDS = {"guess": (0, 0.3), "slip": (0, 0.1)}


def answers() -> dict[str, list[Any]]:
    """pyBKT-style columns: user_id, skill_name, correct."""
    users = [learner for learner in "abcd" for _ in range(8)]
    skills = [skill for _ in range(4) for skill in ("add",) * 4 + ("count",) * 4]
    return {"user_id": users, "skill_name": skills, "correct": list(_CORRECT)}


def params() -> pl.BKTParams:
    return pl.BKTParams.constant(graph(), prior=0.2, learn=0.15, guess=0.2, slip=0.1)


def model() -> pl.BKTModel:
    return pl.BKTModel(pl.BKTParams.constant(["add", "count"], prior=0.3, learn=0.2, guess=0.15, slip=0.08))


def evidence() -> pl.Evidence:
    return pl.Evidence(["ann", "ann", "bob"], ["add", "count", "add"], np.array([1.0, 0.0, 1.0]),
                       ["2026-09-01T09:00Z", "2026-09-01T09:05Z", "2026-09-01T09:00Z"], ["e1", "e2", "e3"])


def table() -> pl.MasteryTable:
    return pl.MasteryTable(["ann", "bob"], list(graph().skill_ids), mastery()[:2])


def probabilities(result: Any) -> None:
    for part in result if isinstance(result, tuple) else (result,):
        array = np.asarray(part.values if isinstance(part, pl.MasteryTable) else part)
        assert ((array >= 0) & (array <= 1)).all(), f"a probability outside [0, 1]: {array}"


def fit_options() -> dict[str, Any]:
    return {"n_restarts": 2, "rng": 0, "max_iter": 10, "bounds": BOUNDS}


CASES = [
    # ---------------------------------------------------------------- BKT parameters and models
    Case(("BKTParams",), pl.BKTParams,
         lambda: {"skill_ids": ["add", "count"], "prior": np.array([0.2, 0.3]), "learn": np.array([0.1, 0.2]),
                  "guess": np.array([0.2, 0.2]), "slip": np.array([0.1, 0.05]), "forget": np.array([0.0, 0.0])}),
    Case(("BKTParams",), lambda skills, prior, learn, guess, slip, forget: pl.BKTParams.constant(
        skills, prior=prior, learn=learn, guess=guess, slip=slip, forget=forget),
        lambda: {"skills": ["add", "count"], "prior": 0.2, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0},
        names={"skills": ("skill_ids",)}, label="BKTParams.constant"),
    Case(("BKTParams",), lambda document: pl.BKTParams.from_json(document),
         lambda: {"document": params().to_json()}, label="BKTParams.from_json"),
    Case(("BKTParams",), lambda coef: pl.BKTParams.from_pybkt(coef),
         lambda: {"coef": params().to_pybkt()}, label="BKTParams.from_pybkt"),
    Case(("BKTParams",), lambda obj, skills: obj.aligned(skills),
         lambda: {"obj": params(), "skills": ["add", "count"]}, perturb=("skills",), label="BKTParams.aligned"),
    Case(("BKTParams",), lambda obj, skill_id: obj.index_of(skill_id),
         lambda: {"obj": params(), "skill_id": "add"}, perturb=("skill_id",), label="BKTParams.index_of"),
    Case(("BKTModel",), pl.BKTModel,
         lambda: {"params": model().params, "log_likelihood": np.array([-3.0, -4.0]), "n_iter": np.array([4, 5]),
                  "converged": np.array([True, True]), "n_observations": np.array([12, 14])}),
    Case(("BKTModel",), lambda obj, data, pass_mark: obj.predict(data, pass_mark=pass_mark),
         lambda: {"obj": model(), "data": answers(), "pass_mark": 0.5}, perturb=("data", "pass_mark"),
         check=probabilities, label="BKTModel.predict"),
    Case(("BKTModel",), lambda obj, data, metrics: obj.evaluate(data, metrics=metrics),
         lambda: {"obj": model(), "data": answers(), "metrics": ("auc", "rmse")}, perturb=("data", "metrics"),
         label="BKTModel.evaluate"),
    Case(("BKTModel",), lambda obj, data, learners: obj.current_mastery(data, learners=learners),
         lambda: {"obj": model(), "data": answers(), "learners": ["a", "b"]}, perturb=("data", "learners"),
         label="BKTModel.current_mastery"),
    Case(("fit_bkt",), pl.fit_bkt,
         lambda: {"data": answers(), "skills": ["add", "count"], "n_restarts": 2, "rng": 0, "max_iter": 10,
                  "tol": 1e-6, "bounds": BOUNDS, "fixed": {"forget": 0.0}, "pass_mark": 0.5}),
    Case(("crossvalidate",), pl.crossvalidate,
         lambda: {"data": answers(), "folds": 2, "metrics": ("rmse", "accuracy"), "pass_mark": 0.5,
                  **fit_options()}),
    Case(("estimate_mastery",), pl.estimate_mastery,
         lambda: {"params": params(), "evidence": evidence(), "learner_ids": ["ann", "bob", "cat"],
                  "pass_mark": 0.5}, check=probabilities),
    Case(("estimate_mastery",), pl.estimate_mastery,
         lambda: {"params": params(), "evidence": evidence(), "prior": table()}, label="estimate_mastery.prior"),
    Case(("update_mastery",),
         lambda params, mastery, learners, skills, correct: pl.update_mastery(params, mastery, learners, skills,
                                                                              correct),
         lambda: {"params": params(), "mastery": mastery(), "learners": np.array([0, 1, 2, 0]),
                  "skills": np.array([1, 2, 0, 1]), "correct": np.array([1, 0, 1, 1])}, check=probabilities),
    Case(("update_mastery",),
         lambda params, mastery, learners, pass_mark: pl.update_mastery(params, mastery, learners,
                                                                        pass_mark=pass_mark),
         lambda: {"params": params(), "mastery": table(), "learners": evidence(), "pass_mark": 0.5},
         label="update_mastery.table"),
    # ---------------------------------------------------------------- difficulty
    Case(("elo_update",), pl.elo_update,
         lambda: {"ability": np.array([0.0, 0.5]), "difficulty": np.array([0.2, -0.3]),
                  "correct": np.array([1, 0]), "attempts": np.array([1, 3]), "sensitivity": 0.05}),
    Case(("select_items",), pl.select_items,
         lambda: {"ability": np.array([0.0, 1.0]), "item_difficulty": np.array([-1.0, 0.0, 0.5, 2.0]),
                  "target_success": 0.8}),
    Case(("success_probability",), pl.success_probability,
         lambda: {"ability": np.array([0.0, 1.0]), "difficulty": np.array([0.5, -0.5])}, check=probabilities),
    Case(("target_difficulty",), pl.target_difficulty,
         lambda: {"ability": np.array([0.0, 1.0]), "target_success": 0.85}),
]

EXEMPT: dict[str, str] = {}
