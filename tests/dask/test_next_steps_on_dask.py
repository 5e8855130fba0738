"""recommend_next, readiness and inner_fringe on a dask array of mastery, here and on a dask cluster.

The reference is the NumPy call on the same values: every array of the
Recommendations is identical (same dtype, ``np.array_equal``) whatever the
chunking, and the boolean fringes are lazy dask arrays equal to the NumPy
matrices once computed. Errors are the NumPy path's, raised before anything
is computed for the arguments, and naming the position in the whole array
for values found in a chunk.
"""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise.content import _on_dask
from tests.strategies import compiled_dags, examples, mastery_matrices, thresholds

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
pytest.importorskip("distributed")

ARRAYS = ("indices", "scores", "steps_to_goal", "goal_index", "terms", "predicted_success", "recall")
N_LEARNERS, N_SKILLS = 700, 120

#: Row chunkings of the 700 learners: uneven, not multiples of 64, a chunk of one row, one chunk.
ROW_CHUNKS = {
    "uneven": (250, 1, 64, 385),
    "by-100": (100,) * 7,
    "one-row-first": (1, 699),
    "whole": (700,),
}


def _graph() -> pl.CompiledGraph:
    """120 skills in 8 layers, each outside the first with 1 to 3 prerequisites in the layer before."""
    rng = np.random.default_rng(5)
    layers = np.repeat(np.arange(8), N_SKILLS // 8)
    edges = []
    for j in range(N_SKILLS):
        if layers[j]:
            previous = np.flatnonzero(layers == layers[j] - 1)
            edges += [(f"s{i:03d}", f"s{j:03d}") for i in rng.choice(previous, size=rng.integers(1, 4), replace=False)]
    G = nx.DiGraph()
    G.add_nodes_from(f"s{j:03d}" for j in range(N_SKILLS))  # a first-layer skill nothing needs is a skill too
    G.add_edges_from(edges)
    return pl.compile_graph(G)


GRAPH = _graph()
SKILLS = GRAPH.skill_ids


def _mastery(dtype: Any = np.float32, seed: int = 1) -> np.ndarray:
    """Mastery that falls with depth, learner by learner, with values exactly at the threshold mixed in."""
    rng = np.random.default_rng(seed)
    depth = GRAPH.depth / GRAPH.depth.max()
    ability = rng.uniform(0.0, 1.2, size=(N_LEARNERS, 1))
    values = 1.0 / (1.0 + np.exp(-10.0 * (ability - depth) + rng.normal(0.0, 1.0, (N_LEARNERS, N_SKILLS))))
    values[rng.random(values.shape) < 0.02] = 0.95
    return values.astype(dtype)


MASTERY = {np.dtype(np.float32): _mastery(np.float32), np.dtype(np.float64): _mastery(np.float64)}
PARAMS = pl.BKTParams(SKILLS[::-1], prior=0.2, learn=0.1, guess=np.linspace(0.05, 0.3, N_SKILLS),
                      slip=0.1, forget=0.0)
ELAPSED = np.where(np.random.default_rng(2).random((N_LEARNERS, N_SKILLS)) < 0.2, np.nan,
                   np.random.default_rng(3).uniform(0.0, 60.0, (N_LEARNERS, N_SKILLS)))
PER_LEARNER_GOALS = [
    None if i % 5 == 0 else {SKILLS[-1 - i % 7], SKILLS[60 + i % 11]} if i % 3 == 0 else SKILLS[40 + i % 80]
    for i in range(N_LEARNERS)
]

OPTIONS: dict[str, dict[str, Any]] = {
    "plain": {},
    "shared goal": {"goals": SKILLS[-1]},
    "goals per learner": {"goals": PER_LEARNER_GOALS},
    "goals per learner, a tuple, the first chunks without": {
        "goals": tuple([None] * 300 + PER_LEARNER_GOALS[300:])
    },
    "params band": {"params": PARAMS, "target_success": (0.6, 0.85)},
    "review": {"elapsed_days": ELAPSED, "half_life_days": 20.0, "max_reviews": 2},
    "review, half-life per skill, goals": {
        "elapsed_days": ELAPSED, "half_life_days": np.linspace(5.0, 50.0, N_SKILLS), "goals": {SKILLS[-3]},
    },
    "everything": {
        "elapsed_days": ELAPSED, "half_life_days": np.full((N_LEARNERS, N_SKILLS), 15.0),
        "goals": PER_LEARNER_GOALS, "params": PARAMS, "threshold": 0.8, "k": 7,
    },
}


def _assert_same(got: pl.Recommendations, expected: pl.Recommendations) -> None:
    for name in ARRAYS:
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype, name
        assert a.shape == b.shape, name
        assert np.array_equal(a, b, equal_nan=True), name
    assert got.goal_sets == expected.goal_sets
    assert got.threshold == expected.threshold
    assert got.target_success == expected.target_success
    assert got.learner_ids is None and got.graph is GRAPH
    assert got.reasons == expected.reasons


def _chunked(values: np.ndarray, rows: tuple[int, ...], skills: Any = -1) -> Any:
    return da.from_array(values, chunks=(rows, skills))


def _dask_options(options: dict[str, Any], rows: tuple[int, ...]) -> dict[str, Any]:
    """The same options with the per-learner-and-skill arrays as dask arrays, chunked otherwise than mastery."""
    out = dict(options)
    for name in ("elapsed_days", "half_life_days"):
        if isinstance(out.get(name), np.ndarray) and out[name].ndim == 2:
            out[name] = da.from_array(out[name], chunks=(max(1, N_LEARNERS // 3), 50))
    return out


@pytest.fixture
def synchronous() -> Iterator[None]:
    """dask's synchronous scheduler in this process (it also overrides a client made default by another test)."""
    with dask.config.set(scheduler="synchronous"):
        yield


def _loads_counted(values: np.ndarray, rows: tuple[int, ...]) -> tuple[Any, list[int]]:
    """A dask array of ``values`` whose chunks record, when they are loaded, their first row."""
    loaded: list[int] = []

    def load(start: int, stop: int) -> np.ndarray:
        loaded.append(start)
        return values[start:stop]

    starts = np.concatenate([[0], np.cumsum(rows)]).tolist()
    blocks = [
        da.from_delayed(dask.delayed(load)(a, b), shape=(b - a, values.shape[1]), dtype=values.dtype)
        for a, b in zip(starts[:-1], starts[1:])
    ]
    return da.concatenate(blocks, axis=0), loaded


# --------------------------------------------------------------------------- recommend_next
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("rows", list(ROW_CHUNKS.values()), ids=list(ROW_CHUNKS))
@pytest.mark.parametrize("case", list(OPTIONS))
def test_recommend_next_is_the_numpy_result(synchronous: None, case: str, rows: tuple[int, ...], dtype: Any) -> None:
    mastery = MASTERY[np.dtype(dtype)]
    options = {"k": 5, **OPTIONS[case]}
    expected = pl.recommend_next(GRAPH, mastery, **options)
    _assert_same(pl.recommend_next(GRAPH, _chunked(mastery, rows), **options), expected)


@pytest.mark.parametrize("case", ["review", "everything"])
def test_per_cell_arguments_may_be_dask_arrays_chunked_otherwise(synchronous: None, case: str) -> None:
    mastery = MASTERY[np.dtype(np.float32)]
    options = {"k": 5, **OPTIONS[case]}
    rows = ROW_CHUNKS["uneven"]
    expected = pl.recommend_next(GRAPH, mastery, **options)
    _assert_same(pl.recommend_next(GRAPH, _chunked(mastery, rows), **_dask_options(options, rows)), expected)


@pytest.mark.parametrize("skills", [(50, 70), (1,) * N_SKILLS, (33, 33, 33, 21)], ids=["two", "one-each", "four"])
def test_chunks_along_skills_are_joined(synchronous: None, skills: tuple[int, ...]) -> None:
    mastery = MASTERY[np.dtype(np.float64)]
    chunked = _chunked(mastery, ROW_CHUNKS["uneven"], skills)
    assert chunked.numblocks[1] == len(skills)
    for case in ("plain", "everything"):
        options = {"k": 5, **OPTIONS[case]}
        _assert_same(pl.recommend_next(GRAPH, chunked, **options), pl.recommend_next(GRAPH, mastery, **options))
    flags = pl.readiness(GRAPH, chunked)
    assert flags.chunks == (ROW_CHUNKS["uneven"], (N_SKILLS,))
    np.testing.assert_array_equal(flags.compute(), pl.readiness(GRAPH, mastery))


def test_other_real_dtypes_are_read_as_float64_like_numpy(synchronous: None) -> None:
    mastery = (MASTERY[np.dtype(np.float64)] >= 0.5).astype(np.int8)
    chunked = _chunked(mastery, ROW_CHUNKS["by-100"])
    options = {"k": 4, "params": PARAMS}
    _assert_same(pl.recommend_next(GRAPH, chunked, **options), pl.recommend_next(GRAPH, mastery, **options))
    np.testing.assert_array_equal(pl.inner_fringe(GRAPH, chunked).compute(), pl.inner_fringe(GRAPH, mastery))


def test_no_learners(synchronous: None) -> None:
    empty = np.zeros((0, N_SKILLS), dtype=np.float32)
    got = pl.recommend_next(GRAPH, da.from_array(empty), k=3, goals=[])
    _assert_same(got, pl.recommend_next(GRAPH, empty, k=3, goals=[]))
    assert pl.readiness(GRAPH, da.from_array(empty)).compute().shape == (0, N_SKILLS)


def test_the_default_threaded_scheduler() -> None:
    mastery = MASTERY[np.dtype(np.float32)]
    options = {"k": 5, **OPTIONS["everything"]}
    with dask.config.set(scheduler="threads"):
        got = pl.recommend_next(GRAPH, _chunked(mastery, ROW_CHUNKS["by-100"]), **options)
    _assert_same(got, pl.recommend_next(GRAPH, mastery, **options))


# ------------------------------------------------------------------- readiness, inner_fringe
@pytest.mark.parametrize("function", [pl.readiness, pl.inner_fringe], ids=["readiness", "inner_fringe"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_fringes_are_lazy_and_equal_after_compute(synchronous: None, function: Any, dtype: Any) -> None:
    mastery = MASTERY[np.dtype(dtype)]
    rows = ROW_CHUNKS["uneven"]
    chunked, loaded = _loads_counted(mastery, rows)
    flags = function(GRAPH, chunked, threshold=0.9)
    assert _on_dask.is_dask_array(flags)
    assert loaded == []  # nothing was computed
    assert flags.dtype == np.bool_ and flags.shape == mastery.shape
    assert flags.chunks == (rows, (N_SKILLS,))
    got = flags.compute()
    assert sorted(loaded) == [0, 250, 251, 315]
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, function(GRAPH, mastery, threshold=0.9))
    np.testing.assert_array_equal(flags[300:320].compute(), function(GRAPH, mastery[300:320], threshold=0.9))


def _keys_holding(graph: Any, target: object) -> list[Any]:
    """The keys of a task graph whose task holds ``target`` (found by pickling each task)."""

    class Finder(pickle.Pickler):
        found = False

        def persistent_id(self, obj: Any) -> Any:
            if obj is target:
                self.found = True
                return "target"
            return None

    keys = []
    for key, task in dict(graph).items():
        finder = Finder(io.BytesIO())
        finder.dump(task)
        if finder.found:
            keys.append(key)
    return keys


@pytest.mark.parametrize("function", [pl.readiness, pl.inner_fringe], ids=["readiness", "inner_fringe"])
def test_fringes_ship_the_graph_once(function: Any) -> None:
    flags = function(GRAPH, _chunked(MASTERY[np.dtype(np.float32)], ROW_CHUNKS["by-100"]))
    graph = flags.__dask_graph__()
    assert len(_keys_holding(graph, GRAPH)) == 1
    assert len(dict(graph)) >= 14  # 7 chunks of mastery, 7 of flags


def test_recommend_next_ships_the_graph_and_options_once() -> None:
    mastery = _chunked(MASTERY[np.dtype(np.float32)], ROW_CHUNKS["by-100"])
    arguments = {
        "k": 5, "threshold": 0.8, "goals": PER_LEARNER_GOALS, "params": PARAMS, "target_success": (0.7, 0.85),
        "elapsed_days": ELAPSED, "half_life_days": 15.0, "recall_threshold": 0.9, "max_reviews": 1, "missing": None,
    }
    _, tasks = _on_dask.recommendation_tasks(GRAPH, mastery, **arguments)
    assert len(tasks) == 7
    graph = dask.delayed(list)(tasks).__dask_graph__()
    assert len(_keys_holding(graph, GRAPH)) == 1
    assert len(_keys_holding(graph, PARAMS)) == 1  # the options shared by every chunk: one key too


# ------------------------------------------------------------------------------ a cluster
@pytest.mark.parametrize("case", ["plain", "goals per learner", "everything"])
def test_recommend_next_on_a_cluster(dask_client: Any, case: str) -> None:
    mastery = MASTERY[np.dtype(np.float32)]
    options = {"k": 5, **OPTIONS[case]}
    expected = pl.recommend_next(GRAPH, mastery, **options)
    rows = ROW_CHUNKS["uneven"]
    _assert_same(pl.recommend_next(GRAPH, _chunked(mastery, rows), **_dask_options(options, rows)), expected)


def test_fringes_on_a_cluster(dask_client: Any) -> None:
    mastery = MASTERY[np.dtype(np.float64)]
    chunked = _chunked(mastery, ROW_CHUNKS["by-100"], (60, 60))
    ready, inner = pl.readiness(GRAPH, chunked), pl.inner_fringe(GRAPH, chunked)
    got_ready, got_inner = dask.compute(ready, inner)
    np.testing.assert_array_equal(got_ready, pl.readiness(GRAPH, mastery))
    np.testing.assert_array_equal(got_inner, pl.inner_fringe(GRAPH, mastery))
    assert int(ready.sum().compute()) == int(pl.readiness(GRAPH, mastery).sum())


def test_value_errors_on_a_cluster_name_the_global_row(dask_client: Any) -> None:
    bad = MASTERY[np.dtype(np.float32)].copy()
    bad[623, 17] = np.nan
    chunked = _chunked(bad, ROW_CHUNKS["by-100"])
    with pytest.raises(pl.InvalidParameterError, match=r"got nan at \(623, 17\)"):
        pl.recommend_next(GRAPH, chunked)
    with pytest.raises(pl.InvalidParameterError, match=r"got nan at \(623, 17\)"):
        pl.readiness(GRAPH, chunked).compute()


# ------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("value", [np.nan, 1.5, -0.25])
@pytest.mark.parametrize("function", ["recommend_next", "readiness", "inner_fringe"])
def test_a_bad_value_in_a_late_chunk_names_the_global_row(synchronous: None, function: str, value: float) -> None:
    bad = MASTERY[np.dtype(np.float64)].copy()
    bad[651, 99] = value
    call = getattr(pl, function)
    with pytest.raises(pl.InvalidParameterError) as expected:
        call(GRAPH, bad)
    assert "(651, 99)" in str(expected.value)
    chunked = _chunked(bad, ROW_CHUNKS["uneven"])
    with pytest.raises(pl.InvalidParameterError) as got:
        result = call(GRAPH, chunked)
        if function != "recommend_next":
            result.compute()
    assert str(got.value) == str(expected.value)
    assert got.value.value is not None and np.array_equal(got.value.value, expected.value.value, equal_nan=True)


def test_negative_elapsed_days_in_a_late_chunk_names_the_global_row(synchronous: None) -> None:
    elapsed = ELAPSED.copy()
    elapsed[402, 3] = -1.0
    mastery = MASTERY[np.dtype(np.float32)]
    with pytest.raises(pl.InvalidParameterError) as expected:
        pl.recommend_next(GRAPH, mastery, elapsed_days=elapsed, half_life_days=10.0)
    with pytest.raises(pl.InvalidParameterError) as got:
        pl.recommend_next(GRAPH, _chunked(mastery, ROW_CHUNKS["by-100"]), elapsed_days=elapsed, half_life_days=10.0)
    assert "(402, 3)" in str(got.value) and str(got.value) == str(expected.value)


ARGUMENT_ERRORS: dict[str, tuple[type[Exception], dict[str, Any], Any]] = {
    "wrong columns": (pl.ShapeError, {}, lambda m: m[:, :-1]),
    "1-D": (pl.ShapeError, {}, lambda m: m[:, 0]),
    "threshold": (pl.InvalidParameterError, {"threshold": 0.0}, None),
    "threshold nan": (pl.InvalidParameterError, {"threshold": float("nan")}, None),
    "text": (pl.InvalidParameterError, {}, lambda m: m.astype("U4")),
    "missing without a table": (pl.InvalidParameterError, {"missing": 0.0}, None),
}

RECOMMEND_ERRORS: dict[str, tuple[type[Exception], dict[str, Any]]] = {
    "k zero": (pl.InvalidParameterError, {"k": 0}),
    "k float": (pl.InvalidParameterError, {"k": 2.0}),
    "goals too short": (pl.InvalidParameterError, {"goals": PER_LEARNER_GOALS[:-1]}),
    "unknown goal": (pl.UnknownSkillError, {"goals": "no such skill"}),
    "unknown goal per learner": (pl.UnknownSkillError, {"goals": [None] * 699 + ["nope"]}),
    "empty goal set": (pl.InvalidParameterError, {"goals": [set()] + [None] * 699}),
    "goals by learner id": (pl.InvalidParameterError, {"goals": {"ann": SKILLS[0]}}),
    "params lacks a skill": (pl.UnknownSkillError, {"params": pl.BKTParams(SKILLS[1:], prior=0.2, learn=0.1,
                                                                           guess=0.2, slip=0.1, forget=0.0)}),
    "bad band": (pl.InvalidParameterError, {"params": PARAMS, "target_success": (0.9, 0.8)}),
    "elapsed shape": (pl.ShapeError, {"elapsed_days": ELAPSED[:-1], "half_life_days": 1.0}),
    "half-life missing": (pl.InvalidParameterError, {"elapsed_days": ELAPSED}),
    "half-life shape": (pl.ShapeError, {"elapsed_days": ELAPSED, "half_life_days": np.ones(N_SKILLS - 1)}),
    "half-life per cell shape": (pl.ShapeError, {"elapsed_days": ELAPSED, "half_life_days": np.ones((3, N_SKILLS))}),
    "half-life zero": (pl.InvalidParameterError, {"elapsed_days": ELAPSED, "half_life_days": 0.0}),
    "half-life without elapsed": (pl.InvalidParameterError, {"half_life_days": 3.0}),
    "recall threshold": (pl.InvalidParameterError, {"elapsed_days": ELAPSED, "half_life_days": 1.0,
                                                    "recall_threshold": 1.0}),
    "max reviews": (pl.InvalidParameterError, {"elapsed_days": ELAPSED, "half_life_days": 1.0, "max_reviews": -1}),
}


@pytest.mark.parametrize("case", list(ARGUMENT_ERRORS))
@pytest.mark.parametrize("function", ["recommend_next", "readiness", "inner_fringe"])
def test_argument_errors_are_raised_before_computing(function: str, case: str) -> None:
    error, options, change = ARGUMENT_ERRORS[case]
    mastery = MASTERY[np.dtype(np.float32)]
    values = mastery if change is None else change(mastery)
    call = getattr(pl, function)
    with pytest.raises(error) as expected:
        call(GRAPH, values, **options)
    chunked, loaded = _loads_counted(values if values.ndim == 2 else mastery, ROW_CHUNKS["uneven"])
    if values.ndim != 2:
        chunked = chunked[:, 0]
    with pytest.raises(error) as got:
        call(GRAPH, chunked, **options)
    assert loaded == []
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("case", list(RECOMMEND_ERRORS))
def test_recommend_next_argument_errors_are_raised_before_computing(case: str) -> None:
    error, options = RECOMMEND_ERRORS[case]
    mastery = MASTERY[np.dtype(np.float32)]
    with pytest.raises(error) as expected:
        pl.recommend_next(GRAPH, mastery, **options)
    chunked, loaded = _loads_counted(mastery, ROW_CHUNKS["uneven"])
    with pytest.raises(error) as got:
        pl.recommend_next(GRAPH, chunked, **options)
    assert loaded == []
    assert str(got.value) == str(expected.value)


def test_not_a_graph() -> None:
    with pytest.raises(pl.InvalidParameterError, match="compiled must be a CompiledGraph"):
        pl.recommend_next("graph", da.zeros((3, 2)))  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="compiled must be a CompiledGraph"):
        pl.readiness(None, da.zeros((3, 2)))  # type: ignore[arg-type]


def test_unknown_chunk_sizes_are_a_shape_error() -> None:
    mastery = _chunked(MASTERY[np.dtype(np.float32)], ROW_CHUNKS["by-100"])
    unknown = mastery[mastery[:, 0] >= 0.0]  # boolean selection: row counts unknown until computed
    with pytest.raises(pl.ShapeError, match="compute_chunk_sizes"):
        pl.recommend_next(GRAPH, unknown)


def test_numpy_calls_do_not_import_dask() -> None:
    code = (
        "import sys, numpy as np, personalise as pl\n"
        "g = pl.compile_graph([('a', 'b')])\n"
        "pl.recommend_next(g, np.zeros((2, 2))); pl.readiness(g, np.zeros((2, 2)))\n"
        "print(sorted(m for m in ('dask', 'dask.array', 'distributed') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_is_dask_array() -> None:
    assert _on_dask.is_dask_array(da.zeros((2, 2)))
    assert not _on_dask.is_dask_array(np.zeros((2, 2)))
    assert not _on_dask.is_dask_array(dask.delayed(np.zeros)((2, 2)))
    assert not _on_dask.is_dask_array(pl.MasteryTable(["ann"], ["a"], [[0.5]]))


# -------------------------------------------------------------------------------- property
@st.composite
def _splits(draw: st.DrawFn, total: int) -> tuple[int, ...]:
    """A random chunking of ``total`` items (one chunk of 0 when there are none)."""
    if total == 0:
        return (0,)
    cuts = draw(st.lists(st.integers(1, total - 1), max_size=min(5, total - 1), unique=True)) if total > 1 else []
    bounds = [0, *sorted(cuts), total]
    return tuple(b - a for a, b in zip(bounds, bounds[1:]))


@examples(12)
@given(data=st.data())
def test_property_dask_equals_numpy_for_random_dags_and_chunkings(data: st.DataObject) -> None:
    _, graph = data.draw(compiled_dags(max_skills=40))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, max_learners=150))
    rows = data.draw(_splits(mastery.shape[0]))
    skills = data.draw(_splits(graph.n_skills))
    chunked = da.from_array(mastery, chunks=(rows, skills))
    k = data.draw(st.integers(1, 4))
    goals = data.draw(st.one_of(st.none(), st.sampled_from(graph.skill_ids or (None,)),
                                st.lists(st.sampled_from([None, *graph.skill_ids]), min_size=mastery.shape[0],
                                         max_size=mastery.shape[0])))
    with dask.config.set(scheduler="synchronous"):
        got = pl.recommend_next(graph, chunked, k=k, threshold=threshold, goals=goals)
        ready = pl.readiness(graph, chunked, threshold=threshold)
        inner = pl.inner_fringe(graph, chunked, threshold=threshold)
        assert ready.chunks[0] == rows and inner.chunks[0] == rows
        ready_values, inner_values = dask.compute(ready, inner)
    expected = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals)
    for name in ARRAYS:
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), name
    assert got.goal_sets == expected.goal_sets
    np.testing.assert_array_equal(ready_values, pl.readiness(graph, mastery, threshold=threshold))
    np.testing.assert_array_equal(inner_values, pl.inner_fringe(graph, mastery, threshold=threshold))
