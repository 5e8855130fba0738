"""compile_graph and CompiledGraph on small hand-made graphs."""

from __future__ import annotations

import json

import attrs
import networkx as nx
import numpy as np
import pytest

import personalise as pl

EDGES = [("count", "add"), ("add", "multiply"), ("count", "compare")]


@pytest.fixture
def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def test_column_order_and_arrays(graph: pl.CompiledGraph) -> None:
    # 'count' first; then of the skills it unlocks, 'add' < 'compare'; 'multiply' waits for 'add'
    assert graph.skill_ids == ("count", "add", "compare", "multiply")
    assert graph.n_skills == 4
    assert graph.n_edges == 3
    assert graph.pred_indptr.tolist() == [0, 0, 1, 2, 3]
    assert graph.pred_indices.tolist() == [0, 0, 1]
    assert graph.succ_indptr.tolist() == [0, 2, 3, 3, 3]
    assert sorted(graph.succ_indices[0:2].tolist()) == [1, 2]
    assert graph.succ_indices[2:3].tolist() == [3]
    assert graph.n_descendants.tolist() == [3, 1, 0, 0]
    assert graph.depth.tolist() == [0, 1, 1, 2]
    assert [graph.index_of(s) for s in graph.skill_ids] == [0, 1, 2, 3]
    assert graph.indices_of(["multiply", "count"]).tolist() == [3, 0]
    assert graph.indices_of(["multiply"]).dtype == np.intp
    assert graph.prerequisites_of("multiply") == ("add",)
    assert graph.prerequisites_of("count") == ()
    assert set(graph.successors_of("count")) == {"add", "compare"}
    assert list(graph.edges()) == [("count", "add"), ("count", "compare"), ("add", "multiply")]


def test_repr_is_short(graph: pl.CompiledGraph) -> None:
    assert repr(graph) == "CompiledGraph(n_skills=4, n_edges=3, skill_ids=('count', 'add', 'compare', 'multiply'))"
    big = pl.compile_graph([(f"s{i:02d}", f"s{i + 1:02d}") for i in range(9)])
    assert repr(big) == "CompiledGraph(n_skills=10, n_edges=9, skill_ids=('s00', 's01', 's02', 's03', 's04', ...))"


def test_lexicographic_topological_order_examples() -> None:
    # not plain sorted order: 'b' must wait for 'z'
    assert pl.compile_graph([("z", "b"), ("a", "c")]).skill_ids == ("a", "c", "z", "b")
    # ints sort numerically, strings lexicographically ('s10' < 's9')
    assert pl.compile_graph([(10, 2), (3, 1)]).skill_ids == (3, 1, 10, 2)
    assert pl.compile_graph([], skills=["s9", "s10", "s1"]).skill_ids == ("s1", "s10", "s9")


def test_order_is_deterministic_across_input_orders() -> None:
    a = pl.compile_graph([("b", "c"), ("a", "c"), ("c", "d")])
    b = pl.compile_graph([("c", "d"), ("a", "c"), ("b", "c")])
    G = nx.DiGraph()
    G.add_nodes_from(["d", "c", "b", "a"])
    G.add_edges_from([("c", "d"), ("b", "c"), ("a", "c")])
    assert a == b == pl.compile_graph(G)
    assert a.skill_ids == ("a", "b", "c", "d")


def test_skill_order_is_used_as_given() -> None:
    graph = pl.compile_graph(EDGES, skill_order=["multiply", "compare", "add", "count"])
    assert graph.skill_ids == ("multiply", "compare", "add", "count")
    assert graph.prerequisites_of("multiply") == ("add",)
    assert graph.n_descendants.tolist() == [0, 0, 1, 3]
    assert graph.depth.tolist() == [2, 1, 1, 0]
    assert graph != pl.compile_graph(EDGES)


def test_networkx_graph_with_isolated_nodes_and_attributes() -> None:
    G = nx.DiGraph()
    G.add_node("shapes", year=1)
    G.add_edge("fractions", "decimals", weight=3)
    graph = pl.compile_graph(G)
    assert graph.skill_ids == ("fractions", "decimals", "shapes")
    assert graph.n_edges == 1


def test_duplicate_pairs_are_merged() -> None:
    graph = pl.compile_graph([("a", "b"), ("a", "b"), ["a", "b"]])
    assert graph.n_edges == 1
    assert graph.prerequisites_of("b") == ("a",)


def test_isolated_skills_via_skills_argument() -> None:
    graph = pl.compile_graph([("a", "b")], skills=["c", "a"])
    assert graph.skill_ids == ("a", "b", "c")
    assert graph.prerequisites_of("c") == ()


def test_int_ids() -> None:
    graph = pl.compile_graph([(0, 1), (1, 2)])
    assert graph.skill_ids == (0, 1, 2)
    assert graph.index_of(2) == 2
    back = pl.CompiledGraph.from_json(graph.to_json())
    assert back == graph
    assert all(type(s) is int for s in back.skill_ids)


def test_mixed_id_types_need_a_skill_order_when_they_must_be_compared() -> None:
    with pytest.raises(pl.InvalidParameterError, match="skill_order"):
        pl.compile_graph([("a", "b")], skills=[1])
    graph = pl.compile_graph([("a", "b")], skills=[1], skill_order=[1, "a", "b"])
    assert graph.skill_ids == (1, "a", "b")
    # the topology alone fixes the order here, so no comparison is needed
    assert pl.compile_graph([("a", 1)]).skill_ids == ("a", 1)


def test_empty_graph() -> None:
    graph = pl.compile_graph([])
    assert graph.skill_ids == ()
    assert graph.n_skills == 0
    assert graph.n_edges == 0
    assert graph.pred_indptr.tolist() == [0]
    assert graph.succ_indptr.tolist() == [0]
    assert graph.pred_indices.shape == graph.succ_indices.shape == (0,)
    assert graph.n_descendants.shape == graph.depth.shape == (0,)
    assert list(graph.edges()) == []
    assert graph.to_networkx().number_of_nodes() == 0
    assert pl.CompiledGraph.from_json(graph.to_json()) == graph
    assert graph == pl.compile_graph(nx.DiGraph())
    with pytest.raises(pl.UnknownSkillError):
        graph.index_of("a")


def test_to_dict_and_json(graph: pl.CompiledGraph) -> None:
    assert graph.to_dict() == {
        "schema": "personalise.compiled_graph/1",
        "skill_ids": ["count", "add", "compare", "multiply"],
        "edges": [["count", "add"], ["count", "compare"], ["add", "multiply"]],
    }
    assert json.loads(graph.to_json()) == graph.to_dict()
    assert pl.CompiledGraph.from_json(graph.to_json()) == graph
    assert pl.CompiledGraph.from_json(graph.to_json().encode("utf-8")) == graph


def test_json_keeps_a_custom_column_order() -> None:
    graph = pl.compile_graph(EDGES, skill_order=["compare", "count", "multiply", "add"])
    back = pl.CompiledGraph.from_json(graph.to_json())
    assert back.skill_ids == ("compare", "count", "multiply", "add")
    assert back == graph


def test_to_json_rejects_ids_json_cannot_hold() -> None:
    graph = pl.compile_graph([(("a", 1), ("b", 2))])
    with pytest.raises(pl.InvalidParameterError, match=r"\('a', 1\)"):
        graph.to_json()


def test_equality_and_immutability(graph: pl.CompiledGraph) -> None:
    same = pl.compile_graph(list(reversed(EDGES)))
    assert graph == same
    assert not (graph != same)
    assert graph != pl.compile_graph(EDGES + [("compare", "multiply")])
    assert graph != pl.compile_graph(EDGES, skills=["extra"])
    assert graph != "not a graph"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        graph.skill_ids = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        graph.pred_indices = np.array([], dtype=np.intp)  # type: ignore[misc]


def test_hash_is_consistent_with_equality_or_refused(graph: pl.CompiledGraph) -> None:
    """A frozen value object either hashes consistently with == or refuses with TypeError."""
    same = pl.compile_graph(list(reversed(EDGES)))
    try:
        h1, h2 = hash(graph), hash(same)
    except TypeError:
        return
    assert h1 == h2


def test_arrays_are_read_only(graph: pl.CompiledGraph) -> None:
    for name in ("pred_indptr", "pred_indices", "succ_indptr", "succ_indices", "n_descendants", "depth"):
        array = getattr(graph, name)
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[0] = 5


def test_constructor_copies_its_arrays() -> None:
    indptr = np.array([0, 0, 1], dtype=np.intp)
    indices = np.array([0], dtype=np.intp)
    graph = pl.CompiledGraph(("a", "b"), indptr, indices)
    indptr[1] = 1
    indices[0] = 1
    assert graph.pred_indptr.tolist() == [0, 0, 1]
    assert graph.pred_indices.tolist() == [0]
    assert graph == pl.compile_graph([("a", "b")])


@pytest.mark.parametrize(
    ("skill_ids", "indptr", "indices", "match"),
    [
        (("a", "b"), [0, 0], [], "n_skills \\+ 1"),
        (("a", "b"), [0, 2, 1], [1], "non-decreasing"),
        (("a", "b"), [0, 0, 1], [5], "pred_indices must lie in"),
        (("a", "b"), [0, 0, 1], [1], "self-loop: skill 'b'"),
        (("a", "b", "c"), [0, 0, 0, 2], [1, 0], "strictly increasing"),
        (("a", "a"), [0, 0, 0], [], "unique; 'a'"),
        (("a", None), [0, 0, 0], [], "None"),
    ],
)
def test_constructor_validates_arrays(skill_ids: tuple, indptr: list, indices: list, match: str) -> None:
    with pytest.raises(pl.GraphError, match=match):
        pl.CompiledGraph(skill_ids, np.array(indptr, dtype=np.intp), np.array(indices, dtype=np.intp))


def test_constructor_detects_cycles() -> None:
    # a <- b, b <- a
    with pytest.raises(pl.CyclicPrerequisiteError, match="'a' -> 'b' -> 'a'") as info:
        pl.CompiledGraph(("a", "b"), np.array([0, 1, 2]), np.array([1, 0]))
    assert info.value.cycle == ("a", "b")
