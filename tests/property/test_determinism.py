"""Every public function that takes ``rng=`` is reproducible and leaves global random state alone.

For each of them (found by signature over the public namespaces, so a new one
without a case here fails :func:`test_every_public_rng_function_has_a_case`):

* the same int seed, the same SeedSequence, or a fresh Generator seeded the
  same give bit-identical results (arrays equal in value and dtype, value
  objects equal and with equal JSON);
* an int seed and ``SeedSequence(seed)`` give the same result (as NumPy's
  ``default_rng`` does);
* neither ``np.random``'s global state nor the ``random`` module's changes;
* a Generator passed in is the one drawn from: it advances, and the result
  equals the one from an identical copy of it;
* ``rng=None`` works and gives a result of the same kind.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import random
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.strategies import examples

NAMESPACES = ("personalise", "personalise.content", "personalise.teaching", "personalise.experience",
              "personalise.scaffolds", "personalise.simulation", "personalise.io", "personalise.store")

seeds = st.integers(min_value=0, max_value=2**63 - 1)


def _public_rng_callables() -> set[str]:
    """Names (``function`` or ``Class.method``) of every public callable with an ``rng`` parameter."""
    found: set[str] = set()

    def check(name: str, value: Any) -> None:
        try:
            parameters = inspect.signature(value).parameters
        except (TypeError, ValueError):
            return
        if "rng" in parameters:
            found.add(name)

    for module_name in NAMESPACES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value):
                check(name, value)
                for member, attribute in inspect.getmembers(value):
                    if not member.startswith("_") and callable(attribute):
                        check(f"{name}.{member}", attribute)
            elif callable(value):
                check(name, value)
    return found


# ------------------------------------------------------------------- inputs
GRAPH = pl.compile_graph([("count", "add"), ("count", "compare"), ("add", "multiply"), ("compare", "measure")],
                         skills=["shapes", "angles", "time", "money", "colour"])
#: 'count' mastered: 'add' and 'compare' tie, and six roots tie too, so a random tie-break has work to do.
ROW = np.array([1.0 if skill == "count" else 0.1 for skill in GRAPH.skill_ids])
ROW.flags.writeable = False


def _fit_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    sequence = np.tile(np.arange(8), 30 * 3)
    return {
        "user_id": np.repeat([f"u{i}" for i in range(30)], 3 * 8),
        "skill_name": np.tile(np.repeat(["add", "compare", "count"], 8), 30),
        "correct": (rng.random(sequence.size) < 0.25 + 0.08 * sequence).astype(int),
        "order_id": np.arange(sequence.size),
    }


FIT_DATA = _fit_data()
BOUNDS = {"guess": (0.0, 0.3), "slip": (0.0, 0.1)}

#: One call per public rng function (``rng`` is the only thing that varies).
CASES: dict[str, Callable[[Any], Any]] = {
    "choice_menu": lambda rng: pl.choice_menu(GRAPH, ROW, m=4, rng=rng),
    "fit_bkt": lambda rng: pl.fit_bkt(FIT_DATA, rng=rng, n_restarts=3, max_iter=25, bounds=BOUNDS),
    "crossvalidate": lambda rng: pl.crossvalidate(FIT_DATA, folds=3, rng=rng, n_restarts=2, max_iter=15,
                                                  bounds=BOUNDS),
    "simulate": lambda rng: pl.simulate(GRAPH, pl.FlexibleGroups(), n_learners=40, n_steps=8, rng=rng,
                                        goal="multiply"),
}


def test_every_public_rng_function_has_a_case() -> None:
    found = _public_rng_callables()
    assert {"simulate", "fit_bkt"} <= found, "the signature scan missed known rng functions"
    assert found <= set(CASES), f"public functions with rng= but no determinism case: {sorted(found - set(CASES))}"


# --------------------------------------------------------------- comparison
def _same(a: Any, b: Any) -> bool:
    """Bit-identical: arrays by value and dtype, mappings and sequences item by item, objects by == and JSON."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and not attrs.has(type(a)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b) or a != b:
        return False
    if hasattr(a, "to_json"):
        return bool(a.to_json() == b.to_json())
    if attrs.has(type(a)):  # e.g. a fitted model: every field, arrays included
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a)))
    return True


class _GlobalState:
    """The global random states a library function must not touch."""

    def __init__(self) -> None:
        self.numpy = np.random.get_state()
        self.python = random.getstate()

    def unchanged(self) -> bool:
        now = np.random.get_state()
        same_numpy = all(_same_part(x, y) for x, y in zip(self.numpy, now, strict=True))
        return same_numpy and random.getstate() == self.python


def _same_part(x: Any, y: Any) -> bool:
    return bool(np.array_equal(x, y)) if isinstance(x, np.ndarray) else bool(x == y)


def _call(name: str, rng: Any) -> Any:
    before = _GlobalState()
    result = CASES[name](rng)
    assert before.unchanged(), f"{name} changed the global random state (np.random or random)"
    return result


NAMES = sorted(CASES)


@pytest.mark.parametrize("name", NAMES)
@examples(6)
@given(seed=seeds)
def test_the_same_seed_gives_the_same_result(name: str, seed: int) -> None:
    by_int = _call(name, seed)
    assert _same(by_int, _call(name, seed)), f"{name}: two runs with rng={seed} differ"
    by_sequence = _call(name, np.random.SeedSequence(seed))
    assert _same(by_sequence, _call(name, np.random.SeedSequence(seed))), f"{name}: two runs with a SeedSequence differ"
    assert _same(by_int, by_sequence), f"{name}: rng={seed} and rng=SeedSequence({seed}) differ"


@pytest.mark.parametrize("name", NAMES)
@examples(6)
@given(seed=seeds)
def test_a_generator_is_drawn_from_not_replaced(name: str, seed: int) -> None:
    generator = np.random.default_rng(seed)
    twin = copy.deepcopy(generator)
    start = generator.bit_generator.state
    result = _call(name, generator)
    assert generator.bit_generator.state != start, f"{name} did not draw from the Generator it was given"
    assert _same(result, _call(name, twin)), f"{name}: two Generators in the same state give different results"
    assert twin.bit_generator.state == generator.bit_generator.state, f"{name} advanced equal Generators differently"
    assert _same(result, _call(name, np.random.default_rng(seed))), f"{name}: fresh Generators seeded alike differ"


@pytest.mark.parametrize("name", NAMES)
def test_rng_none_works_and_leaves_global_state_alone(name: str) -> None:
    np.random.seed(12345)  # a known global state; the call must neither use nor reseed it
    random.seed(12345)
    first, second = _call(name, None), _call(name, None)
    assert type(first) is type(second)
    assert type(first) is type(_call(name, 0))
    np.random.seed(None)
    random.seed()



@pytest.mark.parametrize("name", NAMES)
def test_spawned_seed_sequences_give_their_own_results(name: str) -> None:
    """Children of one SeedSequence are different seeds: they must not all give the parent's (or one) result."""
    children = np.random.SeedSequence(2024).spawn(4)
    results = [_call(name, child) for child in children]
    assert not all(_same(results[0], other) for other in results[1:]), f"{name} ignores a SeedSequence's spawn key"
    again = np.random.SeedSequence(2024).spawn(4)[2]
    assert _same(results[2], _call(name, again)), f"{name}: equal spawned SeedSequences give different results"
