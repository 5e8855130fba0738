"""The plain-Python references themselves, on examples worked out by hand.

If a reference were wrong the equivalence tests could agree with a wrong
kernel; these pin the references to the definitions independently.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from tests.reference import (
    depth_ref,
    down_closure,
    inner_fringe_bruteforce,
    inner_fringe_ref,
    is_down_set,
    lexicographic_order_ref,
    mastered_ref,
    n_descendants_ref,
    normalise_goals,
    outer_fringe_bruteforce,
    readiness_ref,
    recommend_next_ref,
)

# count -> add -> multiply -> divide, add -> divide, count -> compare
G = nx.DiGraph([("count", "add"), ("add", "multiply"), ("count", "compare"), ("add", "divide"), ("multiply", "divide")])
IDS = ("count", "add", "compare", "multiply", "divide")


def test_graph_references() -> None:
    assert lexicographic_order_ref(G) == list(IDS)
    assert n_descendants_ref(G, IDS) == [4, 2, 0, 1, 0]
    assert depth_ref(G, IDS) == [0, 1, 1, 2, 3]
    assert lexicographic_order_ref(nx.DiGraph([("z", "b"), ("a", "c")])) == ["a", "c", "z", "b"]


def test_mastered_ref_compares_in_the_array_dtype() -> None:
    m32 = np.array([[np.float32(0.95)]], dtype=np.float32)
    assert mastered_ref(m32, 0.95) == [[True]]
    assert mastered_ref(m32.astype(np.float64), 0.95) == [[False]]


def test_fringe_references() -> None:
    mastery = np.array([[1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    assert readiness_ref(G, IDS, mastery, 0.95).tolist() == [
        [False, False, True, True, False],
        [True, False, False, False, False],
        [False, False, False, False, False],
    ]
    assert inner_fringe_ref(G, IDS, mastery, 0.95).tolist() == [
        [False, True, False, False, False],
        [False, False, False, False, False],
        [False, False, True, False, True],
    ]
    assert readiness_ref(G, IDS, np.zeros((0, 5)), 0.95).shape == (0, 5)


def test_recommend_reference() -> None:
    mastery = np.array([[1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
    plain = recommend_next_ref(G, IDS, mastery, k=3, threshold=0.95)
    assert plain.indices.tolist() == [[3, 2, -1], [0, -1, -1]]
    assert plain.scores[0, :2].tolist() == [1.0, 0.0]
    assert math.isnan(plain.scores[0, 2])
    assert plain.steps_to_goal.tolist() == [[-1] * 3] * 2
    goal = recommend_next_ref(G, IDS, mastery, k=3, threshold=0.95, goals=["divide", {"compare", "add"}])
    assert goal.indices.tolist() == [[3, -1, -1], [0, -1, -1]]
    assert goal.steps_to_goal.tolist() == [[1, -1, -1], [1, -1, -1]]
    assert goal.scores[:, 0].tolist() == [-1.0, -1.0]


def test_normalise_goals() -> None:
    assert normalise_goals(None, 2) == [None, None]
    assert normalise_goals("a", 2) == [frozenset("a")] * 2
    assert normalise_goals({"a", "b"}, 1) == [frozenset("ab")]
    assert normalise_goals(("a", None), 2) == [frozenset("a"), None]


def test_kst_references() -> None:
    assert is_down_set(G, set())
    assert is_down_set(G, {"count", "compare"})
    assert not is_down_set(G, {"add"})
    assert down_closure(G, ["multiply"]) == {"count", "add", "multiply"}
    assert outer_fringe_bruteforce(G, {"count", "add"}) == {"compare", "multiply"}
    assert inner_fringe_bruteforce(G, {"count", "add", "compare"}) == {"add", "compare"}
    assert outer_fringe_bruteforce(G, set(IDS)) == set()
    assert inner_fringe_bruteforce(G, set()) == set()
