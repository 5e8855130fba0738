"""Vectorised difficulty targeting == plain-Python references (tests/difficulty_reference.py).

* ``target_difficulty``, ``success_probability`` and ``elo_update`` equal the
  learner-by-learner loops to 1e-12 (absolute, or relative for large values:
  NumPy's ``log``/``exp`` and the ``math`` module's may differ in the last bit);
* ``select_items`` equals the brute-force scan over the pool in exact integer
  arithmetic, index for index, ties (repeated difficulties, exact midpoints,
  distances that round to the same float) included;
* every array input is read-only (a function writing into its input fails)
  and comes C-ordered, Fortran-ordered or as a strided view; values range
  from the everyday (abilities within a few logits) to the float extremes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from personalise.content import elo_update, select_items, success_probability, target_difficulty
from tests.difficulty_reference import (
    elo_update_ref,
    select_item_ref,
    select_items_ref,
    success_probability_ref,
    target_difficulty_ref,
)
from tests.strategies import examples, read_only

TOL = {"rtol": 1e-12, "atol": 1e-12}

SHAPES = st.sampled_from([(), (0,), (1,), (7,), (40,), (3, 5), (0, 4), (2, 3, 2)])

#: abilities and difficulties: everyday logits, wide values, the float extremes and a few exact ones
everyday = st.floats(-8.0, 8.0)
wide = st.floats(-1e6, 1e6)
extreme = st.floats(allow_nan=False, allow_infinity=False)
exact_values = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1.7346, -2.1972, 1e-300, 5e-324, 1.7976931348623157e308])

#: target successes strictly inside (0, 1): the 85% band, 0.5 (logit exactly 0), the open ends
targets = st.one_of(
    st.sampled_from([0.85, 0.80, 0.90, 0.5, 0.7, 5e-324, 1e-300, 1.0 - 2**-53, 0.5 - 2**-54]),
    st.floats(0.0, 1.0, exclude_min=True, exclude_max=True),
)


def layout(draw: st.DrawFn, values: np.ndarray) -> np.ndarray:
    """``values`` as a read-only C, Fortran or strided array."""
    kind = draw(st.sampled_from(["C", "F", "strided"]))
    if kind == "F" and values.ndim:  # (np.asfortranarray makes a 0-d array 1-D)
        values = np.asfortranarray(values)
    elif kind == "strided" and values.ndim:
        wider = np.zeros(values.shape[:-1] + (2 * values.shape[-1],), dtype=values.dtype)
        wider[..., ::2] = values
        values = wider[..., ::2]
    return read_only(values)


@st.composite
def float_arrays(draw: st.DrawFn, shape: tuple[int, ...], elements: st.SearchStrategy[float]) -> np.ndarray:
    """A read-only array of ``shape``; everyday float64, float32, or integer values."""
    size = int(np.prod(shape, dtype=np.int64))
    dtype = draw(st.sampled_from(["float64", "float64", "float32", "int"]))
    if dtype == "float32":
        values = np.array(draw(st.lists(everyday, min_size=size, max_size=size)), dtype=np.float32)
    elif dtype == "int":
        values = np.array(draw(st.lists(st.integers(-10, 10), min_size=size, max_size=size)), dtype=np.int64)
    else:
        values = np.array(draw(st.lists(st.one_of(elements, exact_values), min_size=size, max_size=size)))
    return layout(draw, values.reshape(shape))


def value_ranges() -> st.SearchStrategy[st.SearchStrategy[float]]:
    return st.sampled_from([everyday, wide, extreme])


def broadcast_shape(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``shape``: itself, a scalar, its trailing part, or with 1s."""
    options = [shape, (), shape[1:], tuple(1 for _ in shape)]
    if shape:
        options.append((1,) + shape[1:])
    return draw(st.sampled_from(options))


def as_floats(array: np.ndarray, shape: tuple[int, ...]) -> list[float]:
    """``array`` broadcast to ``shape``, flattened, as Python floats (float32 values exactly)."""
    return [float(v) for v in np.broadcast_to(np.asarray(array, dtype=np.float64), shape).ravel().tolist()]


# ------------------------------------------------------------- target_difficulty
@examples(150)
@given(data=st.data())
def test_target_difficulty_matches_reference(data: st.DataObject) -> None:
    shape = data.draw(SHAPES)
    ability = data.draw(float_arrays(shape, data.draw(value_ranges())))
    if data.draw(st.booleans()):
        target: Any = data.draw(targets)
    else:
        tshape = broadcast_shape(data.draw, shape)
        size = int(np.prod(tshape, dtype=np.int64))
        target = read_only(np.array(data.draw(st.lists(targets, min_size=size, max_size=size))).reshape(tshape))
    before = ability.copy()
    got = target_difficulty(ability, target_success=target)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == shape
    assert not np.shares_memory(got, ability)
    np.testing.assert_array_equal(ability, before)
    expected = [target_difficulty_ref(a, p) for a, p in zip(as_floats(ability, shape), as_floats(target, shape))]
    np.testing.assert_allclose(got.ravel(), expected, **TOL)


# ----------------------------------------------------------- success_probability
@examples(150)
@given(data=st.data())
def test_success_probability_matches_reference(data: st.DataObject) -> None:
    shape = data.draw(SHAPES)
    values = data.draw(value_ranges())
    ability = data.draw(float_arrays(shape, values))
    other = broadcast_shape(data.draw, shape)
    if data.draw(st.booleans()):  # ability as the trailing axes, difficulty with an extra leading axis
        other = (data.draw(st.integers(1, 3)),) + (1,) * (len(shape) - len(other)) + other
    difficulty = data.draw(float_arrays(other, values))
    out_shape = np.broadcast_shapes(shape, other)
    got = success_probability(ability, difficulty)
    assert got.dtype == np.float64
    assert got.shape == out_shape
    expected = [
        success_probability_ref(a, d) for a, d in zip(as_floats(ability, out_shape), as_floats(difficulty, out_shape))
    ]
    np.testing.assert_allclose(got.ravel(), expected, **TOL)
    assert ((got >= 0.0) & (got <= 1.0)).all()


# -------------------------------------------------------------------- elo_update
@st.composite
def elo_cases(draw: st.DrawFn) -> tuple[Any, ...]:
    shape = draw(SHAPES)
    values = draw(value_ranges())
    ability = draw(float_arrays(shape, values))
    difficulty = draw(float_arrays(broadcast_shape(draw, shape), values))
    size = int(np.prod(shape, dtype=np.int64))
    right = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool).reshape(shape)
    kind = draw(st.sampled_from(["bool", "int64", "int8", "uint8", "list"]))
    if kind == "list" and size:  # nested lists keep the shape (an empty one would not)
        correct: Any = right.astype(int).tolist()
    else:
        correct = layout(draw, right.astype("bool" if kind == "list" else kind))
    counts = st.one_of(st.integers(0, 30), st.integers(0, 10**6), st.just(2**62))
    n = np.array(draw(st.lists(counts, min_size=size, max_size=size)), dtype=np.int64).reshape(shape)
    attempts: Any = layout(draw, n.astype(draw(st.sampled_from(["int64", "int32", "uint64"]))) if n.max(initial=0) < 2**31 else n)
    sensitivity = draw(st.one_of(st.sampled_from([0.05, 0.0, 0, 1, 1e300]), st.floats(0.0, 10.0)))
    return ability, difficulty, correct, attempts, sensitivity


@examples(200)
@given(case=elo_cases())
def test_elo_update_matches_reference(case: tuple[Any, ...]) -> None:
    ability, difficulty, correct, attempts, sensitivity = case
    shape = ability.shape
    before = [np.array(a, copy=True) for a in (ability, difficulty, attempts)]
    got = elo_update(ability, difficulty, correct, attempts, sensitivity=sensitivity)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == shape
    assert not np.shares_memory(got, ability)
    for original, now in zip(before, (ability, difficulty, attempts)):
        np.testing.assert_array_equal(now, original)
    flat_correct = np.asarray(correct).ravel().tolist()
    flat_attempts = np.asarray(attempts).ravel().tolist()
    expected = [
        elo_update_ref(a, d, c, int(n), float(sensitivity))
        for a, d, c, n in zip(as_floats(ability, shape), as_floats(difficulty, shape), flat_correct, flat_attempts)
    ]
    np.testing.assert_allclose(got.ravel(), expected, **TOL)


# ------------------------------------------------------------------ select_items
@st.composite
def pools(draw: st.DrawFn) -> np.ndarray:
    """A 1-D pool, often with repeated difficulties and values on a grid (so exact ties occur)."""
    n = draw(st.one_of(st.integers(1, 8), st.integers(1, 60)))
    style = draw(st.sampled_from(["grid", "everyday", "wide", "extreme", "clustered"]))
    if style == "grid":  # halves: repeated values and exact midpoints
        values = [v / 2 for v in draw(st.lists(st.integers(-12, 12), min_size=n, max_size=n))]
    elif style == "clustered":  # a few ulps apart around a large value: rounded distances tie
        base = draw(st.sampled_from([2.0**56, -(2.0**60), 1e17, 3.0]))
        step = float(np.spacing(base))
        values = [base + k * step for k in draw(st.lists(st.integers(-6, 6), min_size=n, max_size=n))]
        values += draw(st.lists(st.sampled_from([0.0, 2 * base, -base]), max_size=3))
    else:
        elements = {"everyday": everyday, "wide": wide, "extreme": extreme}[style]
        values = draw(st.lists(st.one_of(elements, exact_values), min_size=n, max_size=n))
    return layout(draw, np.array(values, dtype=np.float64))


def neighbour(x: float, step: int) -> float:
    """The float next to ``x`` below (-1) or above (+1), or ``x`` itself (0, or when that would overflow)."""
    if step == 0:
        return x
    with np.errstate(over="ignore"):
        nudged = float(np.nextafter(x, step * np.inf))
    return nudged if np.isfinite(nudged) else x


@st.composite
def cohorts(draw: st.DrawFn, pool: np.ndarray) -> np.ndarray:
    shape = draw(SHAPES)
    size = int(np.prod(shape, dtype=np.int64))
    style = draw(st.sampled_from(["grid", "near pool", "everyday", "extreme"]))
    if style == "grid":
        values = [v / 2 for v in draw(st.lists(st.integers(-14, 14), min_size=size, max_size=size))]
    elif style == "near pool":  # the pool's values and their neighbouring floats
        picks = draw(st.lists(st.integers(0, pool.size - 1), min_size=size, max_size=size))
        steps = draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=size, max_size=size))
        values = [neighbour(float(pool[i]), step) for i, step in zip(picks, steps)]
    else:
        values = draw(st.lists(everyday if style == "everyday" else extreme, min_size=size, max_size=size))
    return layout(draw, np.array(values, dtype=np.float64).reshape(shape))


@examples(250)
@given(data=st.data())
def test_select_items_matches_reference(data: st.DataObject) -> None:
    pool = data.draw(pools())
    ability = data.draw(cohorts(pool))
    shape = ability.shape
    if data.draw(st.booleans()):
        target: Any = data.draw(st.one_of(st.just(0.5), targets))  # 0.5: targets are the abilities, exactly
    else:
        tshape = broadcast_shape(data.draw, shape)
        size = int(np.prod(tshape, dtype=np.int64))
        target = read_only(np.array(data.draw(st.lists(targets, min_size=size, max_size=size))).reshape(tshape))
    pool_before, ability_before = pool.copy(), ability.copy()
    got = select_items(ability, pool, target_success=target)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.intp
    assert got.shape == shape
    np.testing.assert_array_equal(pool, pool_before)
    np.testing.assert_array_equal(ability, ability_before)
    expected = select_items_ref(as_floats(ability, shape), pool.tolist(), as_floats(target, shape))
    np.testing.assert_array_equal(got.ravel(), np.array(expected, dtype=np.intp))


@pytest.mark.parametrize(
    ("theta", "expected"),
    [(1.0, 1), (-1.0, 0), (0.0, 0)],
    ids=["right-truly-nearer", "left-truly-nearer", "exact-tie"],
)
def test_select_items_breaks_rounded_ties_exactly(theta: float, expected: int) -> None:
    """Both distances round to 2**56, but only one is truly the smaller (the TwoSum branch)."""
    pool = read_only(np.array([-(2.0**56), 2.0**56]))
    assert (theta - pool[0]) == (pool[1] - theta)  # the rounded distances are equal
    got = select_items([theta], pool, target_success=0.5)
    assert got.tolist() == [expected] == [select_item_ref(theta, pool.tolist(), 0.5)]


def test_select_items_large_pool_matches_reference() -> None:
    """Many learners against a large pool (several thousand items, repeats included)."""
    rng = np.random.default_rng(20190)
    pool = read_only(np.round(rng.uniform(-6.0, 6.0, size=5000), 3))
    ability = read_only(rng.normal(0.0, 2.0, size=300))
    target = read_only(rng.uniform(0.6, 0.95, size=300))
    got = select_items(ability, pool, target_success=target)
    expected = select_items_ref(ability.tolist(), pool.tolist(), target.tolist())
    np.testing.assert_array_equal(got, expected)
