"""The kernel constants a CompiledGraph keeps for ``recommend_next`` and the fringes.

They are derived from the graph alone, so keeping them must change nothing a
user can see: results, equality, pickling and JSON stay the same, the memo
stays bounded, and threads sharing a graph get the same answers.
"""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import attrs
import numpy as np

import personalise as pl
from personalise import graph as graph_module


def _graph() -> pl.CompiledGraph:
    return pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare"), ("compare", "multiply")])


def _mastery(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 4))


def test_results_do_not_depend_on_what_the_graph_has_kept() -> None:
    warm = _graph()
    for n in (1, 30, 64, 65, 9000):
        mastery = _mastery(n, n)
        pl.recommend_next(warm, mastery, k=2)
        pl.readiness(warm, mastery)
        fresh = _graph()
        np.testing.assert_array_equal(pl.recommend_next(warm, mastery, k=2).indices,
                                      pl.recommend_next(fresh, mastery, k=2).indices)
        np.testing.assert_array_equal(pl.readiness(warm, mastery), pl.readiness(fresh, mastery))
        np.testing.assert_array_equal(pl.inner_fringe(warm, mastery), pl.inner_fringe(fresh, mastery))


def test_kept_constants_are_read_only_and_bounded() -> None:
    g = _graph()
    for n in range(64, 64 * 40, 64):  # a new block size each time
        pl.recommend_next(g, _mastery(n, 0), k=1)
    memo = g._memo
    assert 0 < len(memo) <= graph_module._MEMO_SIZE
    arrays = []
    for value in memo.values():
        parts = [getattr(value, f.name) for f in attrs.fields(type(value))] if attrs.has(type(value)) else [value]
        for part in parts:
            arrays.extend(part if isinstance(part, tuple) else [part])
    arrays = [a for a in arrays if isinstance(a, np.ndarray)]
    assert len(arrays) >= 5
    for array in arrays:
        assert not array.flags.writeable


def test_equality_pickle_and_json_ignore_the_kept_constants() -> None:
    used, unused = _graph(), _graph()
    pl.recommend_next(used, _mastery(100, 1))
    assert used == unused
    assert used.to_json() == unused.to_json()
    restored = pickle.loads(pickle.dumps(used))
    assert restored == used
    np.testing.assert_array_equal(pl.recommend_next(restored, _mastery(100, 2)).indices,
                                  pl.recommend_next(unused, _mastery(100, 2)).indices)


def test_eight_threads_sharing_a_cold_graph_agree() -> None:
    g = _graph()
    mastery = _mastery(5000, 3)
    expected = pl.recommend_next(_graph(), mastery, k=3).indices
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: pl.recommend_next(g, mastery, k=3).indices, range(32)))
    for got in results:
        np.testing.assert_array_equal(got, expected)
