"""Difficulty targeting by hand: golden values, shapes, every documented error, inputs left alone."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.content import elo_update, select_items, success_probability, target_difficulty
from tests.strategies import read_only

#: ln(p / (1 - p)) for the 85% rule's centre and band edges (Wilson et al. 2019)
OFFSETS = {0.85: 1.7346, 0.80: 1.3863, 0.90: 2.1972}


# ------------------------------------------------------------------ golden values
@pytest.mark.parametrize(("p", "offset"), sorted(OFFSETS.items()))
def test_target_difficulty_offsets(p: float, offset: float) -> None:
    theta = np.array([-3.0, 0.0, 0.5, 4.25])
    got = target_difficulty(theta, target_success=p)
    np.testing.assert_allclose(got, theta - offset, rtol=0, atol=1e-4)
    np.testing.assert_allclose(theta - got, math.log(p / (1 - p)), rtol=0, atol=1e-15)


def test_target_difficulty_default_is_0_85() -> None:
    assert float(target_difficulty(0.0)) == pytest.approx(-1.7346, abs=1e-4)
    np.testing.assert_array_equal(target_difficulty([1.0, 2.0]), target_difficulty([1.0, 2.0], target_success=0.85))


def test_target_difficulty_per_learner_targets() -> None:
    got = target_difficulty([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], target_success=[0.80, 0.85, 0.90])
    np.testing.assert_allclose(got, [[-1.3863, -1.7346, -2.1972], [-0.3863, -0.7346, -1.1972]], rtol=0, atol=1e-4)
    assert float(target_difficulty(2.0, target_success=0.5)) == 2.0  # logit(0.5) = 0 exactly


@pytest.mark.parametrize("p", [0.85, 0.80, 0.90, 0.5, 0.6, 0.99, 0.01])
def test_target_difficulty_gives_the_target_success(p: float) -> None:
    theta = np.array([-6.0, -1.2, 0.0, 0.3, 2.5, 6.0])
    got = success_probability(theta, target_difficulty(theta, target_success=p))
    np.testing.assert_allclose(got, p, rtol=0, atol=1e-12)


def test_target_difficulty_round_trip_with_per_learner_targets() -> None:
    theta = np.linspace(-4.0, 4.0, 9)
    p = np.linspace(0.55, 0.95, 9)
    np.testing.assert_allclose(success_probability(theta, target_difficulty(theta, target_success=p)), p, rtol=0, atol=1e-12)


def test_success_probability_values() -> None:
    got = success_probability([0.0, 1.7346, -1.7346, 2.0, 10.0], 0.0)
    np.testing.assert_allclose(got, [0.5, 0.85, 0.15, 1 / (1 + math.exp(-2)), 1 / (1 + math.exp(-10))], atol=1e-4)
    assert float(success_probability(1.0, 1.0)) == 0.5


@pytest.mark.parametrize("x", [30.0, 700.0, 710.0, 1e5, 1e308])
def test_success_probability_is_stable_in_both_tails(x: float) -> None:
    """No overflow (the suite turns warnings into errors) and p(x) + p(-x) == 1."""
    up = success_probability(x, 0.0)
    down = success_probability(-x, 0.0)
    assert 0.0 <= float(down) <= float(up) <= 1.0
    assert float(up) + float(down) == pytest.approx(1.0, abs=1e-15)
    if x >= 1e5:  # exp(-710) is still a (subnormal) float; exp(-1e5) is 0
        assert float(up) == 1.0 and float(down) == 0.0
    assert float(success_probability(-30.0, 0.0)) == pytest.approx(math.exp(-30.0), rel=1e-12)  # relative precision kept


def test_success_probability_far_apart_finite_inputs() -> None:
    """ability - difficulty overflows to +-inf; the probability is still exactly 1 or 0."""
    big = np.finfo(np.float64).max
    got = success_probability([big, -big], [-big, big])
    assert got.tolist() == [1.0, 0.0]


def test_success_probability_broadcasts() -> None:
    ability = np.array([-1.0, 0.0, 1.0])
    items = np.array([[0.0], [1.0]])
    got = success_probability(ability, items)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got[1], success_probability(ability - 1.0, 0.0), rtol=0, atol=1e-15)


def test_elo_update_golden() -> None:
    # p = sigmoid(0) = 0.5; K = 1, 1, 1/2, 1/(1 + 0.05 * 100) = 1/6
    got = elo_update([0.0, 0.0, 0.0, 0.0], 0.0, [1, 0, 1, 0], [0, 0, 20, 100])
    np.testing.assert_allclose(got, [0.5, -0.5, 0.25, -1 / 12], rtol=0, atol=1e-15)
    # an item 1.7346 below the ability: p = 0.85, so a right answer adds 0.15 K, a wrong one takes 0.85 K
    up = elo_update(1.0, -0.7346, True, 0)
    down = elo_update(1.0, -0.7346, False, 0)
    assert float(up) == pytest.approx(1.0 + 0.15, abs=1e-4)
    assert float(down) == pytest.approx(1.0 - 0.85, abs=1e-4)


def test_elo_update_step_shrinks_with_attempts_and_sensitivity() -> None:
    attempts = np.arange(0, 50, 7)
    ability = np.zeros(attempts.size)
    steps = elo_update(ability, 0.0, np.ones(attempts.size, dtype=bool), attempts) - ability
    np.testing.assert_allclose(steps, 0.5 / (1 + 0.05 * attempts), rtol=0, atol=1e-15)
    assert (np.diff(steps) < 0).all()
    fixed = elo_update(ability, 0.0, np.ones(attempts.size, dtype=bool), attempts, sensitivity=0.0)
    np.testing.assert_allclose(fixed, 0.5, rtol=0, atol=0)
    faster = elo_update(ability, 0.0, np.ones(attempts.size, dtype=bool), attempts, sensitivity=0.5)
    np.testing.assert_allclose(faster, 0.5 / (1 + 0.5 * attempts), rtol=0, atol=1e-15)


def test_elo_update_direction() -> None:
    rng = np.random.default_rng(3)
    ability, difficulty = rng.normal(size=50), rng.normal(size=50)
    attempts = rng.integers(0, 100, size=50)
    right = elo_update(ability, difficulty, np.ones(50, dtype=bool), attempts)
    wrong = elo_update(ability, difficulty, np.zeros(50, dtype=bool), attempts)
    assert (right > ability).all() and (wrong < ability).all()


def test_elo_update_accepts_bool_and_integer_answers() -> None:
    args = ([0.2, -0.4], [0.0, 1.0])
    expected = elo_update(*args, np.array([True, False]), [3, 4])
    for correct in ([1, 0], np.array([1, 0], dtype=np.int8), np.array([1, 0], dtype=np.uint64), [True, False]):
        np.testing.assert_array_equal(elo_update(*args, correct, np.array([3, 4], dtype=np.uint8)), expected)


def test_select_items_golden() -> None:
    pool = np.array([0.0, -2.0, -1.5, -1.0, 1.0])
    # targets: -1.7346 (-1.5 nearer than -2.0), -0.7346 (-1.0), 3.2654 (beyond the pool: 1.0), -10.7346 (-2.0)
    assert select_items([0.0, 1.0, 5.0, -9.0], pool).tolist() == [2, 3, 4, 1]
    assert select_items([0.0, 1.0], pool, target_success=0.5).tolist() == [0, 4]
    assert select_items([0.0, 0.0], pool, target_success=[0.80, 0.90]).tolist() == [2, 1]  # -1.39 and -2.20


def test_select_items_ties_go_to_the_lower_index() -> None:
    pool = np.array([3.0, 1.0, -1.0, 1.0, -1.0])
    # target 0 (target_success 0.5, ability 0): 1.0 and -1.0 equally near; lowest index of either is 1
    assert select_items([0.0], pool, target_success=0.5).tolist() == [1]
    # target 1: the repeated 1.0 at 1 and 3
    assert select_items([1.0], pool, target_success=0.5).tolist() == [1]
    # target -1: the repeated -1.0 at 2 and 4
    assert select_items([-1.0], pool, target_success=0.5).tolist() == [2]
    # target 2: 3.0 (index 0) and 1.0 (index 1) equally near
    assert select_items([2.0], pool, target_success=0.5).tolist() == [0]


def test_select_items_matches_the_brute_force_distance_matrix() -> None:
    rng = np.random.default_rng(11)
    pool = rng.uniform(-6.0, 6.0, size=400)
    ability = rng.normal(size=(30, 7))
    got = select_items(ability, pool)
    targets = target_difficulty(ability)
    expected = np.argmin(np.abs(targets[..., None] - pool), axis=-1)
    assert got.shape == (30, 7)
    np.testing.assert_array_equal(got, expected)


def test_select_items_single_item_pool() -> None:
    assert select_items([-50.0, 0.0, 50.0], [0.3]).tolist() == [0, 0, 0]


@pytest.mark.parametrize("shape", [(0,), (0, 5), (3, 0)])
def test_select_items_empty_cohort(shape: tuple[int, ...]) -> None:
    got = select_items(np.empty(shape), np.linspace(-6, 6, 11))
    assert got.shape == shape
    assert got.dtype == np.intp


def test_empty_cohort_everywhere() -> None:
    empty = np.empty(0)
    assert select_items([], [0.0]).dtype == np.intp and select_items([], [0.0]).shape == (0,)
    for got in (
        target_difficulty(empty),
        success_probability(empty, 0.0),
        elo_update(empty, empty, np.empty(0, dtype=bool), np.empty(0, dtype=np.int64)),
        elo_update([], [], [], []),
    ):
        assert got.shape == (0,) and got.dtype == np.float64


def test_scalars_give_0d_arrays() -> None:
    for got in (target_difficulty(0.0), success_probability(0.0, 1.0), elo_update(0.0, 0.0, True, 0)):
        assert isinstance(got, np.ndarray) and got.shape == () and got.dtype == np.float64
    item = select_items(0.0, [-2.0, -1.7, 0.0])
    assert isinstance(item, np.ndarray) and item.shape == () and int(item) == 1


def test_float32_and_integer_inputs_give_float64() -> None:
    assert target_difficulty(np.zeros(3, dtype=np.float32)).dtype == np.float64
    assert success_probability(np.arange(3), np.zeros(3, dtype=np.float32)).dtype == np.float64
    assert elo_update(np.zeros(2, dtype=np.float32), [0, 1], [1, 0], [0, 0]).dtype == np.float64
    assert select_items(np.arange(3), np.array([0.0, -1.0], dtype=np.float32)).tolist() == [1, 1, 0]


# ------------------------------------------------------------------ no mutation
def test_inputs_are_never_modified() -> None:
    ability = np.array([0.3, -1.0, 2.0])
    difficulty = np.array([-1.0, -2.0, 0.5])
    correct = np.array([True, False, True])
    attempts = np.array([0, 5, 50])
    pool = np.array([1.0, -1.0, 0.0, -2.0])
    target = np.array([0.8, 0.85, 0.9])
    copies = [a.copy() for a in (ability, difficulty, correct, attempts, pool, target)]
    outputs = [
        target_difficulty(ability, target_success=target),
        success_probability(ability, difficulty),
        elo_update(ability, difficulty, correct, attempts),
        select_items(ability, pool, target_success=target),
    ]
    for now, before in zip((ability, difficulty, correct, attempts, pool, target), copies):
        np.testing.assert_array_equal(now, before)
    for out in outputs:
        assert out.flags.writeable
        for given in (ability, difficulty, pool, target):
            assert not np.shares_memory(out, given)


def test_read_only_inputs_work() -> None:
    ability = read_only(np.array([0.3, -1.0, 2.0]))
    difficulty = read_only(np.array([-1.0, -2.0, 0.5]))
    correct = read_only(np.array([1, 0, 1]))
    attempts = read_only(np.array([0, 5, 50]))
    pool = read_only(np.array([1.0, -1.0, 0.0, -2.0]))
    target_difficulty(ability, target_success=read_only(np.array([0.8, 0.85, 0.9])))
    success_probability(ability, difficulty)
    new = elo_update(ability, difficulty, correct, attempts)
    new[0] = 0.0  # the result is the caller's to modify
    select_items(ability, pool)


# ------------------------------------------------------------------------ errors
NAN, INF = float("nan"), float("inf")


def message(*parts: str) -> str:
    """A regex matching ``parts`` in order, each taken literally."""
    return ".*".join(re.escape(part) for part in parts)


@pytest.mark.parametrize(
    ("ability", "match"),
    [
        ([0.0, NAN, 1.0], message("ability must be finite", "nan", "at index 1")),
        ([0.0, 1.0, -INF], message("ability must be finite", "-inf", "at index 2")),
        ([[0.0, 1.0], [INF, 0.0]], message("ability must be finite", "inf", "at index (1, 0)")),
        (NAN, message("ability must be finite", "nan")),
        (["a", "b"], message("ability must hold real numbers", "<U1")),
        ([True, False], message("ability must hold real numbers", "bool")),
        ([1.0, None], message("ability must hold real numbers", "object")),
        ([[1.0], [1.0, 2.0]], message("ability must be an array of real numbers")),
    ],
)
def test_bad_ability(ability: Any, match: str) -> None:
    for call in (
        lambda: target_difficulty(ability),
        lambda: success_probability(ability, 0.0),
        lambda: select_items(ability, [0.0, 1.0]),
    ):
        with pytest.raises(pl.InvalidParameterError, match=match):
            call()
    shape = np.shape(ability) if not isinstance(ability, list) or ability[0] != [1.0] else (2,)
    with pytest.raises(pl.InvalidParameterError, match=match):
        elo_update(ability, 0.0, np.zeros(shape, dtype=bool), np.zeros(shape, dtype=int))


@pytest.mark.parametrize(
    ("target", "match"),
    [
        (0.0, message("target_success must lie strictly inside (0, 1)", "0.0")),
        (1.0, message("target_success must lie strictly inside (0, 1)", "1.0")),
        (1, message("target_success must lie strictly inside (0, 1)", "1")),
        (-0.2, message("target_success", "-0.2")),
        (85, message("target_success", "85")),
        (NAN, message("target_success", "nan")),
        (True, message("target_success must be a probability strictly between 0 and 1", "True")),
        ("0.85", message("target_success must hold real numbers")),
        ([0.8, 1.2, 0.9], message("target_success must lie strictly inside (0, 1)", "1.2", "at index 1")),
    ],
)
def test_bad_target_success(target: Any, match: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=match) as info:
        target_difficulty([0.0, 1.0, 2.0], target_success=target)
    assert isinstance(info.value, ValueError)
    with pytest.raises(pl.InvalidParameterError, match=match):
        select_items([0.0, 1.0, 2.0], [0.0, 1.0], target_success=target)


def test_target_success_that_does_not_broadcast() -> None:
    match = message("target_success must broadcast to the shape of ability (3,)", "got shape (2,)")
    with pytest.raises(pl.ShapeError, match=match):
        target_difficulty([0.0, 1.0, 2.0], target_success=[0.8, 0.9])
    with pytest.raises(pl.ShapeError, match=match):
        select_items([0.0, 1.0, 2.0], [0.0], target_success=[0.8, 0.9])
    with pytest.raises(pl.ShapeError, match=message("target_success", "ability ()", "got shape (2, 3)")):  # would grow the result
        target_difficulty(0.0, target_success=np.full((2, 3), 0.85))


def test_offending_values_are_stored() -> None:
    with pytest.raises(pl.InvalidParameterError) as info:
        target_difficulty([0.0, 1.0], target_success=[0.5, 1.5])
    assert info.value.value == 1.5
    with pytest.raises(pl.InvalidParameterError) as info:
        target_difficulty([0.0, INF])
    assert info.value.value == INF
    with pytest.raises(pl.EvidenceError) as evidence:
        elo_update([0.0, 0.0], 0.0, [1, 7], [0, 0])
    assert evidence.value.value == 7


def test_bad_difficulty() -> None:
    with pytest.raises(pl.InvalidParameterError, match=message("difficulty must be finite", "nan", "at index 1")):
        success_probability([0.0, 1.0], [0.0, NAN])
    with pytest.raises(pl.InvalidParameterError, match=message("difficulty must be finite", "inf")):
        elo_update([0.0, 1.0], INF, [1, 0], [0, 0])
    with pytest.raises(pl.ShapeError, match=message("ability and difficulty must broadcast", "(3,) and (4,)")):
        success_probability(np.zeros(3), np.zeros(4))
    with pytest.raises(pl.ShapeError, match=message("difficulty must broadcast to the shape of ability (3,)", "(2,)")):
        elo_update(np.zeros(3), np.zeros(2), [1, 0, 1], [0, 0, 0])
    with pytest.raises(pl.ShapeError, match=message("difficulty", "(3,)", "(2, 3)")):
        elo_update(np.zeros(3), np.zeros((2, 3)), [1, 0, 1], [0, 0, 0])


@pytest.mark.parametrize(
    ("correct", "match"),
    [
        ([1, 2, 0], message("correct must hold bools or the integers 0 and 1", "got 2", "at index 1")),
        ([0, 1, -1], message("correct", "-1", "at index 2")),
        ([1.0, 0.5, 0.0], message("correct", "1.0", "float64", "at index 0")),
        (np.array([1.0, 0.0, 1.0]), message("correct", "float64", "at index 0")),
        (["yes", "no", "no"], message("correct", "'yes'", "at index 0")),
        (np.array([1, 0, None], dtype=object), message("correct", "at index 0")),
    ],
)
def test_bad_correct(correct: Any, match: str) -> None:
    with pytest.raises(pl.EvidenceError, match=match) as info:
        elo_update([0.0, 0.0, 0.0], 0.0, correct, [0, 0, 0])
    assert isinstance(info.value, ValueError)


def test_bad_correct_in_2d_names_the_index() -> None:
    with pytest.raises(pl.EvidenceError, match=message("correct", "got 3", "at index (1, 0)")):
        elo_update(np.zeros((2, 2)), 0.0, [[1, 0], [3, 1]], np.zeros((2, 2), dtype=int))


@pytest.mark.parametrize(
    ("attempts", "match"),
    [
        ([0, -1, 3], message("attempts must be >= 0", "-1", "at index 1")),
        ([0.0, 1.0, 2.0], message("attempts must hold integers", "float64")),
        ([True, False, True], message("attempts must hold integers", "bool")),
        (["1", "2", "3"], message("attempts must hold integers")),
    ],
)
def test_bad_attempts(attempts: Any, match: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=match):
        elo_update([0.0, 0.0, 0.0], 0.0, [1, 0, 1], attempts)


@pytest.mark.parametrize(
    ("argument", "correct", "attempts"),
    [("correct", [1, 0], [0, 0, 0]), ("attempts", [1, 0, 1], [0, 0]), ("attempts", [1, 0, 1], 0)],
)
def test_answers_and_attempts_must_have_the_shape_of_ability(argument: str, correct: Any, attempts: Any) -> None:
    bad = np.shape(correct) if argument == "correct" else np.shape(attempts)
    match = message(f"{argument} must have the shape of ability (3,)", f"got shape {bad}")
    with pytest.raises(pl.ShapeError, match=match):
        elo_update([0.0, 0.0, 0.0], 0.0, correct, attempts)


@pytest.mark.parametrize("sensitivity", [-0.05, NAN, INF, True, "0.05", None, [0.05]])
def test_bad_sensitivity(sensitivity: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message("sensitivity must be a finite number >= 0")):
        elo_update([0.0], 0.0, [1], [0], sensitivity=sensitivity)


@pytest.mark.parametrize(
    ("pool", "error", "match"),
    [
        ([], pl.InvalidParameterError, message("item_difficulty must hold at least one item", "empty pool")),
        (np.empty((0, 3)), pl.ShapeError, message("item_difficulty must be 1-D", "(0, 3)")),
        (np.zeros((2, 2)), pl.ShapeError, message("item_difficulty must be 1-D", "(2, 2)")),
        (1.0, pl.ShapeError, message("item_difficulty must be 1-D", "()")),
        ([0.0, 1.0, NAN], pl.InvalidParameterError, message("item_difficulty must be finite", "nan", "at index 2")),
        ([-INF, 1.0], pl.InvalidParameterError, message("item_difficulty must be finite", "-inf", "at index 0")),
        (["easy", "hard"], pl.InvalidParameterError, message("item_difficulty must hold real numbers")),
    ],
)
def test_bad_item_pool(pool: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        select_items([0.0, 1.0], pool)
    with pytest.raises(error, match=match):  # even for an empty cohort
        select_items([], pool)


def test_functions_are_keyword_only_for_options() -> None:
    with pytest.raises(TypeError):
        target_difficulty([0.0], 0.85)  # type: ignore[misc]
    with pytest.raises(TypeError):
        select_items([0.0], [0.0], 0.85)  # type: ignore[misc]
    with pytest.raises(TypeError):
        elo_update([0.0], 0.0, [1], [0], 0.05)  # type: ignore[misc]
