"""The public constructors of CompiledGraph and Recommendations, and the graph's lookups, refuse bad input by name."""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np
import pytest

import personalise as pl

EDGES = [("count", "add"), ("add", "multiply"), ("count", "compare")]
MASTERY = np.array([[0.99, 0.2, 0.1, 0.0], [0.99, 0.97, 0.3, 0.1], [0.1, 0.0, 0.0, 0.0]])


@pytest.fixture
def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def fields(recs: pl.Recommendations) -> dict[str, Any]:
    return {field.name: getattr(recs, field.name) for field in attrs.fields(pl.Recommendations)}


# ------------------------------------------------------------------ CompiledGraph(...)
@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"skill_ids": None}, pl.InvalidParameterError, "skill_ids must be a sequence"),
        ({"skill_ids": 3.5}, pl.InvalidParameterError, "skill_ids must be a sequence"),
        ({"skill_ids": "abc"}, pl.InvalidParameterError, "skill_ids must be a sequence"),
        ({"skill_ids": ["a", np.array([1, 2])]}, pl.GraphError, "skill_ids[1] must be hashable"),
        ({"skill_ids": ["a", float("nan")]}, pl.GraphError, "skill_ids[1] must not be NaN"),
        ({"skill_ids": ["a", "a"]}, pl.GraphError, "skill_ids must be unique; 'a' appears twice"),
        ({"skill_ids": ["a"]}, pl.GraphError, "n_skills + 1 = 2 entries (one more than skill_ids)"),
        ({"pred_indptr": None}, pl.InvalidParameterError, "pred_indptr must be an array"),
        ({"pred_indptr": np.array([0.0, 0.0, 1.0])}, pl.InvalidParameterError, "pred_indptr must hold integers"),
        ({"pred_indptr": np.array([0, 0, np.nan])}, pl.InvalidParameterError, "pred_indptr must hold integers"),
        ({"pred_indptr": np.array([0, 0, 2**63], dtype=np.uint64)}, pl.InvalidParameterError, "pred_indptr"),
        ({"pred_indptr": [[0, 0], [1]]}, pl.ShapeError, "pred_indptr must be a rectangular array"),
        ({"pred_indptr": np.array([[0, 0, 1]])}, pl.ShapeError, "pred_indptr must be 1-D"),
        ({"pred_indices": 10**20}, pl.InvalidParameterError, "pred_indices"),
        ({"pred_indices": np.array([0.5 + 1j])}, pl.InvalidParameterError, "pred_indices must hold"),
        ({"pred_indices": []}, pl.GraphError, "length of pred_indices (0)"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_compiled_graph_constructor_names_the_field(changes: dict[str, Any], error: type, words: str) -> None:
    arguments = {"skill_ids": ["a", "b"], "pred_indptr": np.array([0, 0, 1]), "pred_indices": np.array([0])}
    with pytest.raises(error, match=re.escape(words)):
        pl.CompiledGraph(**{**arguments, **changes})


def test_compiled_graph_constructor_takes_empty_and_integer_arrays() -> None:
    isolated = pl.CompiledGraph(["a", "b"], [0, 0, 0], [])  # an empty list is a float array: no edges
    assert isolated == pl.compile_graph([], skills=["a", "b"])
    small = pl.CompiledGraph(("a", "b"), np.array([0, 0, 1], dtype=np.uint8), np.array([0], dtype=np.int16))
    assert small == pl.compile_graph([("a", "b")])
    assert small.pred_indptr.dtype == np.intp


def test_compile_graph_equals_the_checked_constructor(graph: pl.CompiledGraph) -> None:
    rebuilt = pl.CompiledGraph(graph.skill_ids, np.array(graph.pred_indptr), np.array(graph.pred_indices))
    assert rebuilt == graph
    for name in ("succ_indptr", "succ_indices", "n_descendants", "depth"):
        assert np.array_equal(getattr(rebuilt, name), getattr(graph, name))
        assert not getattr(graph, name).flags.writeable
    assert not graph.pred_indptr.flags.writeable and not graph.pred_indices.flags.writeable


def test_compile_graph_still_finds_cycles() -> None:
    with pytest.raises(pl.CyclicPrerequisiteError):
        pl.compile_graph([("a", "b"), ("b", "a")])


# ------------------------------------------------------------------ lookups
@pytest.mark.parametrize("method", ["index_of", "prerequisites_of", "successors_of"])
@pytest.mark.parametrize("bad", [np.array(["add"]), np.array(0.5), ["add"], {"x": 1}, None, 1.5, "divide"],
                         ids=["array", "0-d", "list", "dict", "None", "float", "unknown"])
def test_lookups_name_skill_id(graph: pl.CompiledGraph, method: str, bad: object) -> None:
    with pytest.raises(pl.UnknownSkillError, match="skill_id") as info:
        getattr(graph, method)(bad)
    assert info.value.value is bad
    assert "unhashable" not in str(info.value)


@pytest.mark.parametrize("bad", [None, 1.5, 3, True, "add", b"add", {"add": 1}, np.array(0.5), object()],
                         ids=["None", "float", "int", "bool", "str", "bytes", "dict", "0-d", "object"])
def test_indices_of_refuses_a_non_sequence(graph: pl.CompiledGraph, bad: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="skill_ids must be a sequence"):
        graph.indices_of(bad)  # type: ignore[arg-type]


def test_indices_of_names_the_position(graph: pl.CompiledGraph) -> None:
    assert graph.indices_of(np.array(["add", "count"])).tolist() == [1, 0]
    assert graph.indices_of(()).dtype == np.intp
    with pytest.raises(pl.UnknownSkillError, match=re.escape("skill_ids[1] 'divide'")):
        graph.indices_of(["add", "divide"])
    with pytest.raises(pl.UnknownSkillError, match=re.escape("skill_ids[0] must be a hashable skill id")):
        graph.indices_of(np.zeros((2, 2)))


# ------------------------------------------------------------------ Recommendations(...)
def test_recommendations_round_trip_through_the_checked_constructor(graph: pl.CompiledGraph) -> None:
    for options in ({}, {"goals": "multiply"}, {"params": pl.BKTParams.constant(graph.skill_ids, prior=0.2,
                                                                                learn=0.2, guess=0.2, slip=0.1)}):
        recs = pl.recommend_next(graph, MASTERY, k=2, **options)
        rebuilt = pl.Recommendations(**fields(recs))
        assert rebuilt == recs
        assert rebuilt.reasons == recs.reasons
        for name in ("indices", "scores", "steps_to_goal", "goal_index", "terms", "predicted_success", "recall"):
            assert not getattr(recs, name).flags.writeable


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"graph": None}, pl.InvalidParameterError, "graph must be a CompiledGraph"),
        ({"indices": np.array([[1.0, 2.0]] * 3)}, pl.InvalidParameterError, "indices must hold integers"),
        ({"indices": np.array([[1, 9], [2, 3], [0, -1]])}, pl.InvalidParameterError, "indices must lie in [-1, 4)"),
        ({"indices": np.array([[1, -2], [2, 3], [0, -1]])}, pl.InvalidParameterError, "indices must be >= -1"),
        ({"indices": np.array([[-1, 2], [2, 3], [0, -1]])}, pl.InvalidParameterError, "padding after"),
        ({"indices": np.array([[2, 2], [2, 3], [0, -1]])}, pl.InvalidParameterError, "twice"),
        ({"indices": np.array([1, 2])}, pl.ShapeError, "indices must be 2-D"),
        ({"scores": np.zeros((2, 2))}, pl.ShapeError, "scores must have the shape of indices"),
        ({"scores": np.full((3, 2), np.inf)}, pl.InvalidParameterError, "scores must be finite"),
        ({"scores": np.zeros((3, 2))}, pl.InvalidParameterError, "scores must be NaN for padding"),
        ({"scores": np.full((3, 2), 1 + 1j)}, pl.InvalidParameterError, "scores must hold"),
        ({"steps_to_goal": np.full((3, 2), 1)}, pl.InvalidParameterError, "steps_to_goal must be -1"),
        ({"steps_to_goal": np.full((3, 2), np.nan)}, pl.InvalidParameterError, "steps_to_goal must hold integers"),
        ({"goal_index": np.array([0, -1, -1])}, pl.InvalidParameterError, "goal_index must lie in [-1, 0)"),
        ({"goal_index": np.array([-1, -1])}, pl.ShapeError, "goal_index must have one entry per row"),
        ({"goal_index": np.array([10**19, 0, 0], dtype=np.uint64)}, pl.InvalidParameterError, "goal_index must lie in [-1, 9223372036854775807]"),
        ({"indices": np.full((3, 2), 2**63, dtype=np.uint64)}, pl.InvalidParameterError, "indices must lie in [-1,"),
        ({"goal_sets": 3}, pl.InvalidParameterError, "goal_sets must be a sequence"),
        ({"goal_sets": [()]}, pl.InvalidParameterError, "goal_sets[0] must not be empty"),
        ({"goal_sets": [("divide",)]}, pl.InvalidParameterError, "goal_sets[0] names 'divide'"),
        ({"threshold": float("nan")}, pl.InvalidParameterError, "threshold must lie in (0, 1]"),
        ({"terms": np.full((3, 2), 300)}, pl.InvalidParameterError, "terms must lie in [0, 4]"),
        ({"predicted_success": np.full((3, 2), 2.0)}, pl.InvalidParameterError, "predicted_success must lie in"),
        ({"recall": np.zeros((3, 3))}, pl.ShapeError, "recall must have the shape of indices"),
        ({"target_success": (0.9, 0.1)}, pl.InvalidParameterError, "target_success must lie in"),
        ({"learner_ids": 5}, pl.InvalidParameterError, "learner_ids must be a sequence"),
        ({"learner_ids": ["a", "a", "b"]}, pl.InvalidParameterError, "learner_ids must be unique"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_recommendations_constructor_names_the_field(graph: pl.CompiledGraph, changes: dict[str, Any], error: type,
                                                     words: str) -> None:
    recs = pl.recommend_next(graph, MASTERY, k=2)  # rows: 2, 2 and 1 recommendations
    with pytest.raises(error, match=re.escape(words)):
        pl.Recommendations(**{**fields(recs), **changes})


def test_recommendations_constructor_copies_and_freezes(graph: pl.CompiledGraph) -> None:
    recs = pl.recommend_next(graph, MASTERY, k=2)
    given = {name: np.array(value) if isinstance(value, np.ndarray) else value for name, value in fields(recs).items()}
    built = pl.Recommendations(**given)
    given["indices"][0, 0] = 3
    assert built == recs
    assert not built.indices.flags.writeable
