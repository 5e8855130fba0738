"""Properties of compile_graph / CompiledGraph on random DAGs, checked against networkx."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import personalise as pl
from tests.reference import depth_ref, lexicographic_order_ref, n_descendants_ref
from tests.strategies import dags, examples

ARRAYS = ("pred_indptr", "pred_indices", "succ_indptr", "succ_indices", "n_descendants", "depth")


def csr_row(indptr: np.ndarray, indices: np.ndarray, j: int) -> list[int]:
    return indices[indptr[j] : indptr[j + 1]].tolist()


@given(G=dags())
def test_default_column_order_is_lexicographic_topological(G: nx.DiGraph) -> None:
    graph = pl.compile_graph(G)
    assert list(graph.skill_ids) == lexicographic_order_ref(G)
    assert list(graph.skill_ids) == list(nx.lexicographical_topological_sort(G))


@given(G=dags(max_skills=60), seed=st.integers(0, 2**32 - 1))
def test_column_order_does_not_depend_on_insertion_order(G: nx.DiGraph, seed: int) -> None:
    rng = np.random.default_rng(seed)
    nodes = list(G.nodes)
    edges = list(G.edges)
    H = nx.DiGraph()
    H.add_nodes_from(nodes[i] for i in rng.permutation(len(nodes)))
    H.add_edges_from(edges[i] for i in rng.permutation(len(edges)))
    as_pairs = pl.compile_graph([edges[i] for i in rng.permutation(len(edges))], skills=nodes[::-1])
    assert pl.compile_graph(H) == pl.compile_graph(G) == as_pairs
    assert pl.compile_graph(H).skill_ids == pl.compile_graph(G).skill_ids == as_pairs.skill_ids


@given(G=dags(), seed=st.integers(0, 2**32 - 1))
def test_skill_order_is_respected(G: nx.DiGraph, seed: int) -> None:
    rng = np.random.default_rng(seed)
    nodes = list(G.nodes)
    order = [nodes[i] for i in rng.permutation(len(nodes))]  # not necessarily topological
    graph = pl.compile_graph(G, skill_order=order)
    assert graph.skill_ids == tuple(order)
    assert all(graph.index_of(s) == j for j, s in enumerate(order))
    assert set(graph.edges()) == set(G.edges)


@given(G=dags(), use_order=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_csr_arrays_match_networkx(G: nx.DiGraph, use_order: bool, seed: int) -> None:
    nodes = list(G.nodes)
    order = None
    if use_order:
        rng = np.random.default_rng(seed)
        order = [nodes[i] for i in rng.permutation(len(nodes))]
    graph = pl.compile_graph(G, skill_order=order)
    ids = graph.skill_ids
    n = G.number_of_nodes()
    assert graph.n_skills == n
    assert graph.n_edges == G.number_of_edges()
    for name in ARRAYS:
        array = getattr(graph, name)
        assert array.dtype == np.intp, name
        assert array.ndim == 1, name
    assert graph.pred_indptr.shape == graph.succ_indptr.shape == (n + 1,)
    assert graph.pred_indices.shape == graph.succ_indices.shape == (G.number_of_edges(),)
    for j, skill in enumerate(ids):
        preds = csr_row(graph.pred_indptr, graph.pred_indices, j)
        succs = csr_row(graph.succ_indptr, graph.succ_indices, j)
        assert preds == sorted(set(preds)), "pred_indices sorted and unique within a skill"
        assert {ids[i] for i in preds} == set(G.predecessors(skill))
        assert sorted({ids[i] for i in succs}, key=repr) == sorted(G.successors(skill), key=repr)
        assert len(succs) == len(set(succs))
        assert graph.prerequisites_of(skill) == tuple(ids[i] for i in preds)
        assert set(graph.successors_of(skill)) == set(G.successors(skill))
    assert graph.n_descendants.tolist() == n_descendants_ref(G, ids)
    assert graph.depth.tolist() == depth_ref(G, ids)


@given(G=dags())
def test_to_networkx_round_trip(G: nx.DiGraph) -> None:
    graph = pl.compile_graph(G)
    H = graph.to_networkx()
    assert isinstance(H, nx.DiGraph)
    assert set(H.nodes) == set(G.nodes)
    assert set(H.edges) == set(G.edges)
    assert H.number_of_edges() == G.number_of_edges()
    assert list(H.nodes) == list(graph.skill_ids)
    assert [H.nodes[s]["column"] for s in graph.skill_ids] == list(range(graph.n_skills))
    assert pl.compile_graph(H) == graph
    # a fresh object every time: editing it leaves the compiled graph alone
    H.add_node("__new__")
    assert "__new__" not in graph.to_networkx()
    assert graph.n_skills == G.number_of_nodes()


@given(G=dags(), reorder=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_json_round_trip_is_exact(G: nx.DiGraph, reorder: bool, seed: int) -> None:
    nodes = list(G.nodes)
    order = None
    if reorder:
        rng = np.random.default_rng(seed)
        order = [nodes[i] for i in rng.permutation(len(nodes))]
    graph = pl.compile_graph(G, skill_order=order)
    text = graph.to_json()
    data = json.loads(text)
    assert data["schema"] == "personalise.compiled_graph/1"
    assert data["skill_ids"] == list(graph.skill_ids)
    back = pl.CompiledGraph.from_json(text)
    assert back == graph
    assert back.skill_ids == graph.skill_ids
    assert all(type(a) is type(b) for a, b in zip(back.skill_ids, graph.skill_ids))
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(back, name), getattr(graph, name))
    # the parsed dict and an indented document restore the same graph
    assert pl.CompiledGraph.from_json(data) == graph
    assert pl.CompiledGraph.from_json(graph.to_json(indent=2)) == graph
    assert pl.CompiledGraph.from_json(back.to_json()) == graph


@examples(40)
@given(
    ids=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=12, unique=True),
    data=st.data(),
)
def test_json_round_trip_with_arbitrary_text_ids(ids: list[str], data: st.DataObject) -> None:
    """Quotes, backslashes, non-ASCII and whitespace survive the JSON round trip."""
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(ids) - 1), st.integers(0, len(ids) - 1)), max_size=20))
    edges = [(ids[min(a, b)], ids[max(a, b)]) for a, b in pairs if a != b]
    graph = pl.compile_graph(edges, skills=ids)
    back = pl.CompiledGraph.from_json(graph.to_json())
    assert back == graph
    assert back.skill_ids == graph.skill_ids


@given(G=dags(min_skills=2, max_skills=60), data=st.data())
def test_cycles_are_rejected_and_named(G: nx.DiGraph, data: st.DataObject) -> None:
    """Adding one edge that closes a path into a cycle raises CyclicPrerequisiteError with a real cycle."""
    paths = [(u, v) for u, v in G.edges]
    assume(paths)
    u, v = data.draw(st.sampled_from(paths))
    # extend the path u -> v a little, then close it
    walk = [u, v]
    while data.draw(st.booleans()) and list(G.successors(walk[-1])):
        walk.append(data.draw(st.sampled_from(sorted(G.successors(walk[-1]), key=repr))))
    H = G.copy()
    H.add_edge(walk[-1], walk[0])
    with pytest.raises(pl.CyclicPrerequisiteError) as info:
        pl.compile_graph(H)
    cycle = info.value.cycle
    assert isinstance(cycle, tuple)
    assert info.value.value == cycle
    assert len(cycle) >= 2
    assert len(set(cycle)) == len(cycle)
    for a, b in zip(cycle, (*cycle[1:], cycle[0])):
        assert H.has_edge(a, b), f"{a!r} -> {b!r} is not an edge"
    assert cycle[0] == min(cycle), "the cycle starts at its smallest id"
    message = str(info.value)
    assert " -> ".join(repr(s) for s in (*cycle, cycle[0])) in message
    # also rejected from a list of pairs
    with pytest.raises(pl.CyclicPrerequisiteError):
        pl.compile_graph(list(H.edges))


@given(G=dags(max_skills=40))
def test_arrays_are_read_only(G: nx.DiGraph) -> None:
    graph = pl.compile_graph(G)
    for name in ARRAYS:
        array = getattr(graph, name)
        assert not array.flags.writeable, name
        if array.size:
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 7
