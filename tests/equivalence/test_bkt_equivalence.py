"""Vectorised BKT == plain-Python references (tests/bkt_reference.py).

* ``update_mastery`` equals the event-by-event loop to 1e-12, repeated
  (learner, skill) pairs applied in order, inputs read-only and untouched;
* ``BKTModel(params).predict`` equals the per-sequence scaled forward pass,
  row by row in input order, whatever order the rows come in;
* one EM iteration of ``fit_bkt`` equals the reference Baum-Welch step
  (``max_iter=k + 1`` versus the reference step applied to ``max_iter=k``);
* the log-likelihood a fit reports equals the reference forward
  log-likelihood at the fitted parameters (1e-8 relative);
* ``current_mastery``, ``evaluate`` and ``crossvalidate`` against hand computations.
"""

from __future__ import annotations

import contextlib
import inspect
import math
from collections.abc import Hashable, Iterator, Mapping
from fractions import Fraction
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import personalise as pl
from tests.bkt_reference import (
    PARAM_NAMES,
    Quiet,
    accuracy_ref,
    auc_ref,
    bkt_params_from_rows,
    combine_parts,
    current_mastery_ref,
    em_step_ref,
    fixed_fit,
    log_likelihood_ref,
    log_loss_ref,
    model_from_params,
    param_rows,
    params_dicts,
    predict_rows_ref,
    probabilities,
    response_data,
    rmse_ref,
    rows_of,
    sequences_ref,
    simulate_responses,
    update_mastery_ref,
)
from tests.strategies import examples, read_only

SKILL_POOL = ("add", "sub", "mul", "div")
#: Free parameters always stay within (1e-6, 1 - 1e-6) (fit_bkt docstring, DOMAIN.md 9.1.2 and 9.1.4).
EPS = 1e-6
#: Forward-pass comparisons: the library rearranges the transition (``T + post (1 - F - T)``), and near
#: P(L) = 1 the posterior after a wrong answer amplifies rounding in ``1 - L`` (relative error ~1e-16 / (1 - L)),
#: so equal formulas in a different order differ by up to ~1e-11 there. Real mistakes are orders larger.
FORWARD_ATOL = 1e-10




def skill_sequences(data: Mapping[str, Any]) -> dict[Hashable, list[list[int]]]:
    """Observations of every (learner, skill) sequence, grouped by skill."""
    users, skills, correct, order = rows_of(data)
    out: dict[Hashable, list[list[int]]] = {}
    for (_, skill), rows in sequences_ref(users, skills, correct, order).items():
        out.setdefault(skill, []).append([correct[r] for r in rows])
    return out


@st.composite
def params_for(draw: st.DrawFn, *, min_skills: int = 1, max_skills: int = 4, forget: bool = True) -> pl.BKTParams:
    n = draw(st.integers(min_skills, max_skills))
    skill_ids = draw(st.permutations(SKILL_POOL))[:n]
    rows = draw(st.lists(param_rows(forget=forget), min_size=n, max_size=n))
    return bkt_params_from_rows(skill_ids, rows)


# ---------------------------------------------------------------- update_mastery
@st.composite
def update_batches(draw: st.DrawFn, dtype: Any = np.float64) -> tuple[Any, ...]:
    params = draw(params_for())
    n_learners = draw(st.integers(1, 5))
    n_events = draw(st.integers(0, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # few learners and skills, many events: the same (learner, skill) pair recurs within the batch
    learners = rng.integers(0, n_learners, size=n_events)
    skills = rng.integers(0, params.n_skills, size=n_events)
    correct = rng.random(n_events) < draw(st.sampled_from([0.5, 0.9, 0.1]))
    style = draw(st.sampled_from(["prior", "random", "special"]))
    if style == "prior":
        mastery = np.tile(params.prior, (n_learners, 1))
    elif style == "random":
        mastery = rng.random((n_learners, params.n_skills))
    else:
        values = np.array([0.0, 1.0, 0.5, 1e-300, 1.0 - 2**-53, 0.95, np.nextafter(0.95, 0)])
        mastery = values[rng.integers(0, values.size, size=(n_learners, params.n_skills))]
    mastery = mastery.astype(dtype)
    layout = draw(st.sampled_from(["C", "F", "strided"]))
    if layout == "F":
        mastery = np.asfortranarray(mastery)
    elif layout == "strided":
        wide = np.zeros((n_learners, 2 * params.n_skills), dtype=dtype)
        wide[:, ::2] = mastery
        mastery = wide[:, ::2]
    kind = draw(st.sampled_from(["int", "bool", "int8", "list"]))
    if kind == "int":
        correct_arg: Any = correct.astype(np.int64)
    elif kind == "bool":
        correct_arg = correct
    elif kind == "int8":
        correct_arg = correct.astype(np.int8)
    else:
        correct_arg = correct.astype(int).tolist()
    index_kind = draw(st.sampled_from(["intp", "int32", "uint16", "list"]))
    if index_kind == "list":
        learners_arg: Any = learners.tolist()
        skills_arg: Any = skills.tolist()
    else:
        learners_arg = read_only(learners.astype(index_kind))
        skills_arg = read_only(skills.astype(index_kind))
    if isinstance(correct_arg, np.ndarray):
        read_only(correct_arg)
    return params, read_only(mastery), learners_arg, skills_arg, correct_arg


@examples(150)
@given(batch=update_batches())
def test_update_mastery_matches_reference(batch: tuple[Any, ...]) -> None:
    params, mastery, learners, skills, correct = batch
    before = mastery.copy()
    got = pl.update_mastery(params, mastery, learners, skills, correct)
    expected = update_mastery_ref(list(params_dicts(params).values()), mastery, learners, skills, correct)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == mastery.shape
    assert not np.shares_memory(got, mastery)
    np.testing.assert_array_equal(mastery, before)  # untouched
    np.testing.assert_allclose(got, np.array(expected, dtype=np.float64).reshape(mastery.shape), rtol=0, atol=1e-12)
    assert ((got >= 0.0) & (got <= 1.0)).all()


@examples(60)
@given(batch=update_batches(dtype=np.float32))
def test_update_mastery_float32(batch: tuple[Any, ...]) -> None:
    params, mastery, learners, skills, correct = batch
    got = pl.update_mastery(params, mastery, learners, skills, correct)
    expected = update_mastery_ref(list(params_dicts(params).values()), mastery, learners, skills, correct)
    assert got.dtype == np.float32
    assert got.shape == mastery.shape
    # float32 storage between events: a few float32 ulps per event
    np.testing.assert_allclose(got, np.array(expected).reshape(mastery.shape), rtol=0, atol=2e-5)


def test_update_mastery_applies_repeated_pairs_in_order() -> None:
    params = pl.BKTParams(["a"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    start = np.full((2, 1), 0.3)
    right_then_wrong = pl.update_mastery(params, start, [0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 1])
    p = params_dicts(params)["a"]
    from tests.bkt_reference import update_ref

    assert right_then_wrong[0, 0] == pytest.approx(update_ref(update_ref(0.3, p, 1), p, 0), abs=1e-15)
    assert right_then_wrong[1, 0] == pytest.approx(update_ref(update_ref(0.3, p, 0), p, 1), abs=1e-15)
    assert right_then_wrong[0, 0] != right_then_wrong[1, 0]  # order matters


def test_update_mastery_integer_mastery_is_float64() -> None:
    params = pl.BKTParams(["a"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    got = pl.update_mastery(params, np.array([[0], [1]]), [0, 1], [0, 0], [True, False])
    assert got.dtype == np.float64
    np.testing.assert_allclose(got[:, 0], [0.15, 1.0], rtol=0, atol=1e-15)


def test_update_mastery_with_no_events_returns_a_copy() -> None:
    params = pl.BKTParams(["a", "b"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    mastery = read_only(np.full((3, 2), 0.3))
    got = pl.update_mastery(params, mastery, [], [], [])
    np.testing.assert_array_equal(got, mastery)
    assert not np.shares_memory(got, mastery)
    assert got.flags.writeable
    empty = pl.update_mastery(params, np.zeros((0, 2)), [], [], [])
    assert empty.shape == (0, 2)


# ---------------------------------------------------------------------- predict
@st.composite
def params_and_data(
    draw: st.DrawFn, *, every_skill: bool = False, **data_options: Any
) -> tuple[pl.BKTParams, dict[str, np.ndarray]]:
    """Parameters and data; the data may use only some of the skills (``every_skill``: the params are cut to those)."""
    params = draw(params_for())
    used = draw(st.lists(st.sampled_from(params.skill_ids), min_size=1, max_size=params.n_skills, unique=True))
    data = draw(response_data(used, **data_options))
    if every_skill:
        present = set(data["skill_name"].tolist())
        params = params.aligned([s for s in params.skill_ids if s in present])
    return params, data


@examples(100)
@given(case=params_and_data())
def test_predict_matches_forward_reference(case: tuple[pl.BKTParams, dict[str, np.ndarray]]) -> None:
    params, data = case
    for column in data.values():
        read_only(column)
    before = {name: column.copy() for name, column in data.items()}
    p_correct, p_mastery = model_from_params(params).predict(data)
    users, skills, correct, order = rows_of(data)
    # The reference runs in exact rational arithmetic: with extreme parameters (guess and slip
    # near 0) the float reference is itself off by more than the tolerance.
    exact = {skill: {name: Fraction(value) for name, value in values.items()} for skill, values in params_dicts(params).items()}
    expected_correct, expected_mastery = (
        np.array(values, dtype=np.float64) for values in predict_rows_ref(users, skills, correct, exact, order)
    )
    n = len(users)
    for got in (p_correct, p_mastery):
        assert isinstance(got, np.ndarray)
        assert got.dtype == np.float64
        assert got.shape == (n,)
    np.testing.assert_allclose(p_correct, expected_correct, rtol=0, atol=FORWARD_ATOL)
    np.testing.assert_allclose(p_mastery, expected_mastery, rtol=0, atol=FORWARD_ATOL)
    for name, column in data.items():
        np.testing.assert_array_equal(column, before[name])


@examples(40)
@given(case=params_and_data(with_order=True), seed=st.integers(0, 2**32 - 1))
def test_predict_follows_input_row_order(case: tuple[pl.BKTParams, dict[str, np.ndarray]], seed: int) -> None:
    """Shuffling the rows (order_id present) shuffles the predictions the same way."""
    params, data = case
    model = model_from_params(params)
    p_correct, p_mastery = model.predict(data)
    perm = np.random.default_rng(seed).permutation(len(data["correct"]))
    shuffled = {name: column[perm] for name, column in data.items()}
    q_correct, q_mastery = model.predict(shuffled)
    np.testing.assert_array_equal(q_correct, p_correct[perm])
    np.testing.assert_array_equal(q_mastery, p_mastery[perm])


@examples(30)
@given(case=params_and_data(), seed=st.integers(0, 2**32 - 1))
def test_predict_dataframe_with_shuffled_index(case: tuple[pl.BKTParams, dict[str, np.ndarray]], seed: int) -> None:
    pd = pytest.importorskip("pandas")
    params, data = case
    n = len(data["correct"])
    index = np.random.default_rng(seed).permutation(n) * 7 + 3  # labels unrelated to positions
    frame = pd.DataFrame({name: list(column) for name, column in data.items()}, index=index)
    got = model_from_params(params).predict(frame)
    expected = model_from_params(params).predict(data)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_empty_data_gives_empty_results() -> None:
    """DESIGN.md: an empty cohort is valid and gives correctly shaped empty results."""
    params = pl.BKTParams(["a", "b"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    empty = {"user_id": np.array([], dtype=int), "skill_name": np.array([], dtype=object), "correct": np.array([], dtype=int)}
    p_correct, p_mastery = model_from_params(params).predict(empty)
    assert p_correct.shape == p_mastery.shape == (0,)
    assert p_correct.dtype == p_mastery.dtype == np.float64
    learner_ids, mastery = model_from_params(params).current_mastery(empty)
    assert learner_ids == ()
    assert mastery.shape == (0, 2)


def test_predict_uses_order_id_not_input_order() -> None:
    params = pl.BKTParams(["a"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    data = {"user_id": [1, 1, 1], "skill_name": ["a"] * 3, "correct": [0, 1, 1], "order_id": [30, 10, 20]}
    p_correct, p_mastery = model_from_params(params).predict(data)
    expected = predict_rows_ref([1, 1, 1], ["a"] * 3, [0, 1, 1], params_dicts(params), [30, 10, 20])
    np.testing.assert_allclose(p_correct, expected[0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(p_mastery, expected[1], rtol=0, atol=1e-15)
    assert p_correct[1] == pytest.approx(0.41)  # the first answer by order_id sees the prior
    without_order = model_from_params(params).predict({k: v for k, v in data.items() if k != "order_id"})
    assert without_order[0][0] == pytest.approx(0.41)  # input order: row 0 is first


# -------------------------------------------------------------- current_mastery
@examples(60)
@given(case=params_and_data())
def test_current_mastery_matches_reference(case: tuple[pl.BKTParams, dict[str, np.ndarray]]) -> None:
    params, data = case
    learner_ids, mastery = model_from_params(params).current_mastery(data)
    users, skills, correct, order = rows_of(data)
    assert isinstance(learner_ids, tuple)
    assert sorted(map(str, learner_ids)) == sorted(map(str, set(users)))
    assert mastery.dtype == np.float64
    assert mastery.shape == (len(set(users)), params.n_skills)
    by_skill = params_dicts(params)
    for i, learner in enumerate(learner_ids):
        for j, skill in enumerate(params.skill_ids):
            expected = current_mastery_ref(users, skills, correct, by_skill, learner, skill, order)
            assert mastery[i, j] == pytest.approx(expected, abs=FORWARD_ATOL)


def test_current_mastery_learners_option() -> None:
    """Spec: ``current_mastery(data, *, columns=None, learners=None)``: rows for the given learners, in that order."""
    params = pl.BKTParams(["a", "b"], prior=[0.3, 0.2], learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    data = {"user_id": ["x", "y", "x", "z"], "skill_name": ["a", "a", "b", "b"], "correct": [1, 0, 1, 1]}
    ids, mastery = model_from_params(params).current_mastery(data, learners=["z", "x"])
    assert ids == ("z", "x")
    all_ids, full = model_from_params(params).current_mastery(data)
    np.testing.assert_array_equal(mastery, full[[all_ids.index("z"), all_ids.index("x")]])


# ---------------------------------------------------------------- log-likelihood
@examples(40)
@given(case=params_and_data(every_skill=True, max_learners=4, max_length=10))
def test_fixed_fit_log_likelihood_matches_reference(case: tuple[pl.BKTParams, dict[str, np.ndarray]]) -> None:
    params, data = case
    model = fixed_fit(params, data)
    by_skill = params_dicts(params)
    sequences = skill_sequences(data)
    assert model.log_likelihood.shape == (params.n_skills,)
    for j, skill in enumerate(params.skill_ids):
        expected = log_likelihood_ref(sequences.get(skill, []), by_skill[skill])
        assert model.log_likelihood[j] == pytest.approx(expected, rel=1e-10, abs=1e-10)
        assert model.n_observations[j] == sum(len(s) for s in sequences.get(skill, []))


def test_fixed_parameters_hold_for_skills_without_data() -> None:
    """Pinned values win over the "median of the fitted skills" default for a skill with no answers."""
    params = pl.BKTParams(["a", "b"], prior=[0.3, 0.6], learn=[0.1, 0.2], guess=[0.2, 0.25], slip=[0.1, 0.05], forget=0.0)
    data = simulated(20, 5, seed=1, skills=("a",))
    with Quiet():
        model = pl.fit_bkt(data, skills=["a", "b"], fixed={name: getattr(params, name) for name in PARAM_NAMES}, rng=0)
    assert model.n_observations.tolist() == [100, 0]
    for name in PARAM_NAMES:
        assert getattr(model.params, name).tolist() == getattr(params, name).tolist(), name
    # only guess pinned: the free parameters of "b" take the documented default, guess keeps its pinned value
    with Quiet():
        model = pl.fit_bkt(data, skills=["a", "b"], fixed={"guess": [0.2, 0.25]}, rng=0)
    assert model.params.guess.tolist() == [0.2, 0.25]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("forgets", [False, True], ids=["standard", "forgets"])
def test_reported_log_likelihood_is_at_the_fitted_params(seed: int, forgets: bool) -> None:
    rng = np.random.default_rng(seed)
    truth = [
        {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.05 if forgets else 0.0},
        {"prior": 0.5, "learn": 0.3, "guess": 0.25, "slip": 0.05, "forget": 0.0},
    ]
    data = combine_parts([simulate_responses(rng, 150, 6, p, skill=s) for p, s in zip(truth, ["x", "y"])])
    model = pl.fit_bkt(data, rng=seed, forgets=forgets, n_restarts=3)
    sequences = skill_sequences(data)
    fitted = params_dicts(model.params)
    for j, skill in enumerate(model.params.skill_ids):
        expected = log_likelihood_ref(sequences[skill], fitted[skill])
        assert model.log_likelihood[j] == pytest.approx(expected, rel=1e-8)
        assert model.n_observations[j] == 900


# ----------------------------------------------------------------- one EM step
@st.composite
def em_cases(draw: st.DrawFn) -> tuple[Any, ...]:
    truth = draw(params_for(max_skills=3, forget=True))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    parts = []
    for j, skill in enumerate(truth.skill_ids):
        n_learners = draw(st.integers(3, 40))
        n_steps = draw(st.integers(1, 9))
        p = {name: float(getattr(truth, name)[j]) for name in PARAM_NAMES}
        part = simulate_responses(rng, n_learners, n_steps, p, skill=skill)
        if draw(st.booleans()):  # ragged: drop a random tail of some learners' sequences
            keep = part["order_id"] < rng.integers(1, n_steps + 1, size=n_learners).repeat(n_steps)
            part = {name: column[keep] for name, column in part.items()}
        parts.append(part)
    data = combine_parts(parts)
    perm = rng.permutation(len(data["correct"]))
    data = {name: column[perm] for name, column in data.items()}
    forgets = draw(st.booleans())
    fixed_names = draw(st.lists(st.sampled_from(["prior", "learn", "guess", "slip"]), max_size=2, unique=True))
    fixed = {name: draw(probabilities(0.05, 0.3)) for name in fixed_names}
    bounds = draw(st.sampled_from([None, {"guess": (0.0, 0.3), "slip": (0.0, 0.1)}, {"learn": (0.05, 0.2)}]))
    k = draw(st.integers(1, 4))
    return data, forgets, fixed, bounds, k, draw(st.integers(0, 2**32 - 1))


def check_one_em_step(case: tuple[Any, ...]) -> None:
    """``fit_bkt(max_iter=k + 1)`` equals one reference Baum-Welch step applied to ``fit_bkt(max_iter=k)``.

    Same ``rng``, one restart and ``tol=0``: both fits start from the same
    initial values, so the (k + 1)-th iteration is the only difference.
    """
    data, forgets, fixed, bounds, k, seed = case
    options = {"n_restarts": 1, "rng": seed, "tol": 0.0, "forgets": forgets, "fixed": fixed, "bounds": bounds}
    with Quiet():
        before = pl.fit_bkt(data, max_iter=k, **options)
        after = pl.fit_bkt(data, max_iter=k + 1, **options)
    sequences = skill_sequences(data)
    pinned = set(fixed) | (set() if forgets else {"forget"})
    limits = {name: (EPS, 1.0 - EPS) for name in PARAM_NAMES}
    for name, (lo, hi) in (bounds or {}).items():
        limits[name] = (max(lo, EPS), min(hi, 1.0 - EPS))
    start = params_dicts(before.params)
    got = params_dicts(after.params)
    for j, skill in enumerate(before.params.skill_ids):
        if before.n_iter[j] < k or after.n_iter[j] < k + 1:
            event("a skill stopped early")
            continue  # this skill stopped early (no gain at all): nothing to compare
        event("compared an EM step")
        expected = em_step_ref(sequences[skill], start[skill], fixed=sorted(pinned), bounds=limits, sum_margin=EPS)
        for name in PARAM_NAMES:
            if name in pinned:
                assert got[skill][name] == start[skill][name]
                continue
            assert got[skill][name] == pytest.approx(expected[name], rel=1e-8, abs=1e-12), (skill, name)
        # and the reported log-likelihood is the reference one at the returned params
        assert after.log_likelihood[j] == pytest.approx(log_likelihood_ref(sequences[skill], got[skill]), rel=1e-9)


@examples(60)
@given(case=em_cases())
def test_one_em_iteration_matches_reference(case: tuple[Any, ...]) -> None:
    check_one_em_step(case)


# ---------------------------------------------------------------------- evaluate
TINY_PARAMS = pl.BKTParams(["a"], prior=0.5, learn=0.2, guess=0.2, slip=0.1, forget=0.0)
TINY_DATA = {"user_id": [1, 1, 2, 2], "skill_name": ["a"] * 4, "correct": [1, 1, 0, 0]}


def test_evaluate_tiny_example_by_hand() -> None:
    # P(correct): learner 1: 0.55, then P(L) = (0.45 / 0.55) + (0.1 / 0.55) * 0.2 = 0.854545..., P(c) = 0.798182
    #             learner 2: 0.55, then P(L) = 0.05 / 0.45 + (0.4 / 0.45) * 0.2 = 0.288889, P(c) = 0.402222
    known_1 = 0.45 / 0.55 + (0.1 / 0.55) * 0.2
    known_2 = 0.05 / 0.45 + (0.4 / 0.45) * 0.2
    p = [0.55, known_1 * 0.9 + (1 - known_1) * 0.2, 0.55, known_2 * 0.9 + (1 - known_2) * 0.2]
    assert p[1] == pytest.approx(0.798182, abs=1e-6) and p[3] == pytest.approx(0.402222, abs=1e-6)
    p_correct, _ = model_from_params(TINY_PARAMS).predict(TINY_DATA)
    np.testing.assert_allclose(p_correct, p, rtol=0, atol=1e-12)
    scores = model_from_params(TINY_PARAMS).evaluate(TINY_DATA)
    assert set(scores) == {"auc", "rmse", "accuracy", "log_loss"}
    # auc: positives {0.55, 0.798}, negatives {0.55, 0.402}: 0.5 (tie) + 1 + 1 + 1 out of 4 pairs
    assert scores["auc"] == pytest.approx(3.5 / 4, abs=1e-12)
    # accuracy at 0.5: predictions 1, 1, 1, 0 against 1, 1, 0, 0
    assert scores["accuracy"] == pytest.approx(0.75, abs=1e-12)
    rmse = math.sqrt(((1 - p[0]) ** 2 + (1 - p[1]) ** 2 + p[2] ** 2 + p[3] ** 2) / 4)
    assert scores["rmse"] == pytest.approx(rmse, abs=1e-12)
    assert scores["rmse"] == pytest.approx(0.4206, abs=1e-4)
    log_loss = -(math.log(p[0]) + math.log(p[1]) + math.log(1 - p[2]) + math.log(1 - p[3])) / 4
    assert scores["log_loss"] == pytest.approx(log_loss, abs=1e-12)
    assert scores["log_loss"] == pytest.approx(0.5341, abs=1e-4)
    for name, value in scores.items():
        assert isinstance(value, float), name


def test_evaluate_metric_subset() -> None:
    scores = model_from_params(TINY_PARAMS).evaluate(TINY_DATA, metrics=("rmse",))
    assert list(scores) == ["rmse"]


@examples(60)
@given(case=params_and_data())
def test_evaluate_matches_metric_references(case: tuple[pl.BKTParams, dict[str, np.ndarray]]) -> None:
    """The metrics of the model's own predictions (predict == reference is tested above).

    Scoring the library's ``p_correct`` rather than the reference's keeps exact
    ties exact: predictions equal in exact arithmetic may differ in the last
    bit between two evaluation orders, which flips an AUC pair.
    """
    params, data = case
    _, _, correct, _ = rows_of(data)
    model = model_from_params(params)
    p = model.predict(data)[0].tolist()
    if 0 < sum(correct) < len(correct):
        scores = model.evaluate(data)
        assert scores["auc"] == pytest.approx(auc_ref(correct, p), abs=1e-12)
    else:
        # AUC is undefined with one class: documented EvidenceError, never NaN
        with pytest.raises(pl.EvidenceError):
            model.evaluate(data)
        scores = model.evaluate(data, metrics=("rmse", "accuracy", "log_loss"))
    assert scores["rmse"] == pytest.approx(rmse_ref(correct, p), abs=1e-12)
    assert scores["accuracy"] == pytest.approx(accuracy_ref(correct, p), abs=1e-12)
    if all(0 < pi < 1 for pi in p):
        assert scores["log_loss"] == pytest.approx(log_loss_ref(correct, p), rel=1e-9, abs=1e-12)


# ----------------------------------------------------------------- crossvalidate
def simulated(n_learners: int, n_steps: int, seed: int, skills: tuple[str, ...] = ("x", "y")) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0}
    return combine_parts([simulate_responses(rng, n_learners, n_steps, truth, skill=s) for s in skills])


def test_crossvalidate_shapes() -> None:
    data = simulated(30, 6, seed=4)
    scores = pl.crossvalidate(data, folds=3, rng=0, n_restarts=2)
    assert set(scores) == {"auc", "rmse", "accuracy", "log_loss"}
    for name, values in scores.items():
        assert isinstance(values, np.ndarray), name
        assert values.shape == (3,), name
        assert values.dtype == np.float64
        assert np.isfinite(values).all()
    subset = pl.crossvalidate(data, folds=4, rng=0, metrics=("rmse",), n_restarts=1)
    assert list(subset) == ["rmse"] and subset["rmse"].shape == (4,)


def test_crossvalidate_is_reproducible() -> None:
    data = simulated(20, 5, seed=5)
    first = pl.crossvalidate(data, folds=4, rng=11, n_restarts=2)
    second = pl.crossvalidate(data, folds=4, rng=11, n_restarts=2)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])


@pytest.mark.parametrize("with_order", [True, False], ids=["order_id", "input-order"])
def test_crossvalidate_splits_by_learner(with_order: bool) -> None:
    """Leave-one-learner-out with every parameter pinned: fold k scores exactly one learner's full sequences.

    With all parameters fixed the fit ignores its training data, so each
    fold's scores are those of the fixed model on that fold's test rows. If a
    learner's rows were split across folds, some test fold would hold a
    sequence cut in the middle (predicted from the prior again) or a mix of
    learners, and its scores would match no single learner's.
    """
    users = ["u1"] * 5 + ["u2"] * 6 + ["u3"] * 4 + ["u4"] * 7
    rng = np.random.default_rng(8)
    skills = [str(s) for s in rng.choice(["a", "b"], size=len(users))]
    correct = [1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1]
    data: dict[str, Any] = {"user_id": users, "skill_name": skills, "correct": correct}
    if with_order:
        data["order_id"] = list(range(len(users)))
    truth = {"prior": 0.4, "learn": 0.2, "guess": 0.25, "slip": 0.1, "forget": 0.0}
    by_skill = {"a": truth, "b": truth}
    expected = []
    for learner in ["u1", "u2", "u3", "u4"]:
        rows = [r for r, u in enumerate(users) if u == learner]
        sub_users = [users[r] for r in rows]
        sub_skills = [skills[r] for r in rows]
        sub_correct = [correct[r] for r in rows]
        p, _ = predict_rows_ref(sub_users, sub_skills, sub_correct, by_skill)
        expected.append((rmse_ref(sub_correct, p), log_loss_ref(sub_correct, p)))
    fixed = {name: value for name, value in truth.items()}
    with Quiet():  # training folds of three short-sequence learners: identifiability is not under test
        scores = pl.crossvalidate(data, folds=4, rng=3, metrics=("rmse", "log_loss"), fixed=fixed)
    got = sorted(zip(scores["rmse"].tolist(), scores["log_loss"].tolist()))
    for (g_rmse, g_ll), (e_rmse, e_ll) in zip(got, sorted(expected)):
        assert g_rmse == pytest.approx(e_rmse, abs=1e-12)
        assert g_ll == pytest.approx(e_ll, abs=1e-12)


def test_crossvalidate_with_column_mapping() -> None:
    data = simulated(12, 5, seed=6)
    columns = {"user_id": "student", "skill_name": "kc", "correct": "right", "order_id": "t"}
    renamed = {columns[name]: value for name, value in data.items()}
    plain = pl.crossvalidate(data, folds=3, rng=2, n_restarts=1)
    mapped = pl.crossvalidate(renamed, folds=3, rng=2, n_restarts=1, columns=columns)
    for name in plain:
        np.testing.assert_array_equal(plain[name], mapped[name])


# ------------------------------------------------------------ chunk boundaries
@contextlib.contextmanager
def small_chunks(chunk_rows: int) -> Iterator[None]:
    """Make ``fit_bkt`` and ``BKTModel`` lay sequences out in chunks of ``chunk_rows`` answers.

    The library groups sequences into cache-sized chunks (``CHUNK_ROWS``
    answers, 65,536), so every small example above fits in one chunk. Like
    ``small_blocks`` for the next-step kernels, this shrinks the chunks so a
    few dozen answers span many of them (and a skill spans several): for
    predictions through ``sequences``, for fits through ``time_major``.
    """
    from personalise.content import _em, _responses, bkt

    for function in (_responses.sequences, _responses.time_major):
        if "chunk_rows" not in inspect.signature(function).parameters:
            pytest.skip("the sequence layout has no chunks")
    calls = []

    def patched_sequences(*args: Any, **kwargs: Any) -> Any:
        layout = _responses.sequences(*args, **{**kwargs, "chunk_rows": chunk_rows})
        calls.append(int(layout.seq_ptr.size) - 1)  # number of chunks
        return layout

    def patched_time_major(lengths: Any, starts: Any, *args: Any, **kwargs: Any) -> Any:
        layout = _responses.time_major(lengths, starts, chunk_rows=chunk_rows)
        calls.append(int(layout[1].size) - 1)
        return layout

    with (
        mock.patch.object(bkt, "sequences", patched_sequences),
        mock.patch.object(_em, "time_major", patched_time_major),  # the layout of the EM fit
    ):
        yield
    assert calls, "the patched layout was not used"


@pytest.mark.parametrize("chunk_rows", [1, 5, 64])
@examples(30)
@given(case=params_and_data(every_skill=True, max_learners=12, max_length=9))
def test_predict_and_likelihood_across_chunks(chunk_rows: int, case: tuple[pl.BKTParams, dict[str, np.ndarray]]) -> None:
    params, data = case
    users, skills, correct, order = rows_of(data)
    by_skill = params_dicts(params)
    expected_correct, expected_mastery = predict_rows_ref(users, skills, correct, by_skill, order)
    with small_chunks(chunk_rows):
        p_correct, p_mastery = model_from_params(params).predict(data)
        learner_ids, current = model_from_params(params).current_mastery(data)
        model = fixed_fit(params, data)
    np.testing.assert_allclose(p_correct, expected_correct, rtol=0, atol=FORWARD_ATOL)
    np.testing.assert_allclose(p_mastery, expected_mastery, rtol=0, atol=FORWARD_ATOL)
    for i, learner in enumerate(learner_ids):
        for j, skill in enumerate(params.skill_ids):
            expected = current_mastery_ref(users, skills, correct, by_skill, learner, skill, order)
            assert current[i, j] == pytest.approx(expected, abs=FORWARD_ATOL)
    sequences = skill_sequences(data)
    for j, skill in enumerate(params.skill_ids):
        expected = log_likelihood_ref(sequences.get(skill, []), by_skill[skill])
        assert model.log_likelihood[j] == pytest.approx(expected, rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("chunk_rows", [1, 7, 50])
@examples(25)
@given(case=em_cases())
def test_one_em_iteration_across_chunks(chunk_rows: int, case: tuple[Any, ...]) -> None:
    with small_chunks(chunk_rows):
        check_one_em_step(case)


@pytest.mark.parametrize("chunk_rows", [1, 7, 50])
@examples(25)
@given(case=em_cases())
def test_em_iterations_do_not_depend_on_chunking(chunk_rows: int, case: tuple[Any, ...]) -> None:
    """Several EM iterations (convergence and leaving converged restarts out included) give the same fit,
    to the last bit, whatever the chunk size.

    Every statistic is computed answer by answer with element-wise
    operations and summed per (restart, skill) in one canonical order of
    the distinct sequences, so the layout in chunks cannot change a bit
    (over several iterations EM would amplify last-bit differences, so
    anything short of equality would show here).
    """
    data, forgets, fixed, bounds, k, seed = case
    options = {"n_restarts": 2, "rng": seed, "forgets": forgets, "fixed": fixed, "bounds": bounds, "max_iter": 3 * k}
    with Quiet():
        whole = pl.fit_bkt(data, **options)
        with small_chunks(chunk_rows):
            chunked = pl.fit_bkt(data, **options)
    np.testing.assert_array_equal(chunked.n_iter, whole.n_iter)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(getattr(chunked.params, name), getattr(whole.params, name))
    np.testing.assert_array_equal(chunked.log_likelihood, whole.log_likelihood)


def test_more_answers_than_one_chunk() -> None:
    """Black box: ~100,000 answers (beyond any cache-sized chunk) still match the reference row for row."""
    truths = [
        {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0},
        {"prior": 0.5, "learn": 0.05, "guess": 0.25, "slip": 0.08, "forget": 0.02},
        {"prior": 0.1, "learn": 0.3, "guess": 0.15, "slip": 0.12, "forget": 0.0},
    ]
    rng = np.random.default_rng(99)
    parts = [simulate_responses(rng, 2500, 14, t, skill=s) for t, s in zip(truths, ["s0", "s1", "s2"])]
    data = combine_parts(parts)
    perm = rng.permutation(len(data["correct"]))
    data = {name: column[perm] for name, column in data.items()}
    assert len(perm) > 100_000
    params = bkt_params_from_rows(["s0", "s1", "s2"], truths)
    users, skills, correct, order = rows_of(data)
    expected_correct, _ = predict_rows_ref(users, skills, correct, params_dicts(params), order)
    p_correct, _ = model_from_params(params).predict(data)
    np.testing.assert_allclose(p_correct, expected_correct, rtol=0, atol=FORWARD_ATOL)
    model = fixed_fit(params, data)
    sequences = skill_sequences(data)
    for j, skill in enumerate(params.skill_ids):
        expected = log_likelihood_ref(sequences[skill], params_dicts(params)[skill])
        assert model.log_likelihood[j] == pytest.approx(expected, rel=1e-10)
