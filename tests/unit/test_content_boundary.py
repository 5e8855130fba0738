"""Regressions at the boundary of knowledge tracing: every bad input is a PersonaliseError naming its argument."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import personalise as pl

PARAMS = pl.BKTParams.constant(["add", "count"], prior=0.3, learn=0.2, guess=0.15, slip=0.08)
DATA = {"user_id": ["a"] * 3 + ["b"] * 3, "skill_name": ["add", "count", "add"] * 2, "correct": [1, 0, 1, 1, 1, 0]}


@pytest.mark.parametrize("value", [None, 3, 0.5, object(), np.array(0.5), {"x": 1}, [[1, 2]], [math.nan]])
def test_skill_ids_are_checked_by_name(value: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="skill_ids"):
        pl.BKTParams.constant(value, prior=0.3, learn=0.2, guess=0.15, slip=0.08)
    with pytest.raises(pl.InvalidParameterError, match="skills"):
        PARAMS.aligned(value)
    if value is not None:  # fit_bkt's default
        with pytest.raises(pl.InvalidParameterError, match="skills"):
            pl.fit_bkt(DATA, skills=value, n_restarts=1, rng=0, max_iter=2)


def test_wrong_number_of_skill_ids_names_skill_ids() -> None:
    with pytest.raises(pl.ShapeError, match="skill_ids"):
        pl.BKTParams([], prior=[0.2, 0.3], learn=0.1, guess=0.2, slip=0.1, forget=0)


@pytest.mark.parametrize("name", ["prior", "learn", "guess", "slip", "forget"])
@pytest.mark.parametrize("value", [None, "high", 1 + 2j, [0.1], np.full(2, 0.5 + 0.5j), True, math.nan, 2.0])
def test_constant_checks_each_number(name: str, value: Any) -> None:
    numbers = {"prior": 0.3, "learn": 0.2, "guess": 0.15, "slip": 0.08, "forget": 0.0, name: value}
    with pytest.raises(pl.InvalidParameterError, match=name):
        pl.BKTParams.constant(["add"], **numbers)


@pytest.mark.parametrize("name", ["prior", "learn", "guess", "slip", "forget"])
def test_complex_or_object_parameters_are_refused_without_a_warning(name: str) -> None:
    for bad in (np.array([0.2 + 0j, 0.3]), np.array([object(), object()])):
        numbers: dict[str, Any] = {"prior": 0.3, "learn": 0.2, "guess": 0.15, "slip": 0.08, "forget": 0.0, name: bad}
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(pl.InvalidParameterError, match=name):
                pl.BKTParams(["a", "b"], **numbers)


@pytest.mark.parametrize("value", [None, [], {"x": 1}, np.zeros(2)])
def test_index_of_names_skill_id(value: Any) -> None:
    with pytest.raises(pl.PersonaliseError, match="skill_id"):
        PARAMS.index_of(value)
    with pytest.raises(pl.UnknownSkillError, match="skill_id 'zzz'"):
        PARAMS.index_of("zzz")


def test_aligned_names_the_missing_skill_and_its_position() -> None:
    with pytest.raises(pl.UnknownSkillError, match="skills has 'zzz' at position 1"):
        PARAMS.aligned(["add", "zzz"])


@pytest.mark.parametrize("coef", [None, "add", 3, [("add", 1)], {"add": {"prior": "x", "learns": [0.1], "guesses": [0.2],
                                                                          "slips": [0.1], "forgets": [0.0]}}])
def test_from_pybkt_names_coef(coef: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="coef"):
        pl.BKTParams.from_pybkt(coef)


@pytest.mark.parametrize("name", ["log_likelihood", "n_iter", "n_observations"])
@pytest.mark.parametrize("value", ["x", [math.nan, 1.0], [math.inf, 1.0], [1e300, 1.0], [[1.0], [2.0]],
                                   np.full(2, 1 + 1j), 10**20, [1.0]])
def test_model_fields_are_checked_by_name(name: str, value: Any) -> None:
    if name == "log_likelihood" and isinstance(value, list) and value == [1e300, 1.0]:
        value = [-1e300, math.nan]  # a huge log-likelihood is finite, so valid
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(pl.PersonaliseError, match=name):
            pl.BKTModel(PARAMS, **{name: value})


def test_model_counts_accept_whole_floats_and_refuse_fractions() -> None:
    model = pl.BKTModel(PARAMS, n_iter=np.array([4.0, 5.0], dtype=np.float16), n_observations=[3, 0])
    assert model.n_iter is not None and model.n_iter.dtype == np.intp and model.n_iter.tolist() == [4, 5]
    with pytest.raises(pl.InvalidParameterError, match="n_iter"):
        pl.BKTModel(PARAMS, n_iter=[1.5, 2.0])
    with pytest.raises(pl.InvalidParameterError, match="n_observations"):
        pl.BKTModel(PARAMS, n_observations=[2.0**63, 1.0])
    with pytest.raises(pl.PersonaliseError, match="converged"):
        pl.BKTModel(PARAMS, converged=[[True], [True, False]])
    with pytest.raises(pl.InvalidParameterError, match="params"):
        pl.BKTModel(math.nan)  # type: ignore[arg-type]


@pytest.mark.parametrize("metrics", [None, 3, b"auc", {"auc": 1}, [["auc"]], np.array(0.5), "brier"])
def test_metrics_are_checked_by_name(metrics: Any) -> None:
    model = pl.BKTModel(PARAMS)
    with pytest.raises(pl.InvalidParameterError, match="metrics"):
        model.evaluate(DATA, metrics=metrics)
    with pytest.raises(pl.InvalidParameterError, match="metrics"):
        pl.crossvalidate(DATA, folds=2, rng=0, metrics=metrics, n_restarts=1, max_iter=2)
    assert set(model.evaluate(DATA, metrics="rmse")) == {"rmse"}


@pytest.mark.parametrize("learners", ["a", 3, math.nan, np.array(0.5), {"x": 1}, [[1, 2]], ["a", "a"]])
def test_current_mastery_names_learners(learners: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="learners"):
        pl.BKTModel(PARAMS).current_mastery(DATA, learners=learners)


@pytest.mark.parametrize("learner_ids", [True, 0, 1e308, object(), np.array(0.5), "ann"])
def test_estimate_mastery_names_learner_ids(learner_ids: Any) -> None:
    evidence = pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["e1"])
    with pytest.raises(pl.InvalidParameterError, match="learner_ids"):
        pl.estimate_mastery(PARAMS, evidence, learner_ids=learner_ids)


@pytest.mark.parametrize("which", ["mastery", "learners", "skills", "correct"])
def test_update_mastery_ragged_input_is_a_shape_error(which: str) -> None:
    args: dict[str, Any] = {"mastery": np.full((2, 2), 0.3), "learners": [0, 1], "skills": [1, 0], "correct": [1, 0]}
    args[which] = [[0.5, 0.5], [0.5]]
    with pytest.raises(pl.ShapeError, match=which):
        pl.update_mastery(PARAMS, args["mastery"], args["learners"], args["skills"], args["correct"])


def test_update_mastery_on_a_table_names_learners() -> None:
    table = pl.MasteryTable(["ann"], ["add", "count"], [[0.3, 0.3]])
    with pytest.raises(pl.InvalidParameterError, match="learners"):
        pl.update_mastery(PARAMS, table, [0, 1])  # type: ignore[call-overload]


def test_fit_options_are_bounded() -> None:
    with pytest.raises(pl.InvalidParameterError, match="n_restarts"):
        pl.fit_bkt(DATA, n_restarts=10**20, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(pl.InvalidParameterError, match="tol"):
            pl.fit_bkt(DATA, tol=1e308, rng=0)


def test_fit_names_skills_when_the_data_has_another_skill() -> None:
    with pytest.raises(pl.EvidenceError, match="not one of skills"):
        pl.fit_bkt(DATA, skills=["add"], n_restarts=1, rng=0, max_iter=2)


def test_crossvalidate_on_no_data_names_data() -> None:
    with pytest.raises(pl.EvidenceError, match="data"):
        pl.crossvalidate([], folds=2, rng=0)
