"""Knowledge Space Theory brute force (DOMAIN.md section 5.1 and acceptance check 10).

With a prerequisite DAG the feasible knowledge states are the down-sets. For
a feasible state K the O(V + E) fringe functions must agree with the
definitions, checked by brute force over every skill q:

* q is in the outer fringe iff q is not in K and K | {q} is a down-set;
* q is in the inner fringe iff q is in K and K - {q} is a down-set;

and the union (and intersection) of two feasible states is feasible.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.reference import down_closure, inner_fringe_bruteforce, is_down_set, outer_fringe_bruteforce
from tests.strategies import dags, examples, read_only


def random_states(G: nx.DiGraph, rng: np.random.Generator, n_states: int) -> list[set[Hashable]]:
    """Feasible states: down-closures of random seed sets and random learning walks."""
    nodes = list(G.nodes)
    states: list[set[Hashable]] = [set(), set(nodes)]
    while len(states) < n_states:
        if rng.random() < 0.5 and nodes:
            n_seeds = int(rng.integers(0, max(1, len(nodes) // 4) + 1))
            picks = rng.choice(len(nodes), size=min(n_seeds, len(nodes)), replace=False)
            states.append(down_closure(G, (nodes[i] for i in picks)))
        else:  # learn one outer-fringe skill at a time
            state: set[Hashable] = set()
            for _ in range(int(rng.integers(0, len(nodes) + 1))):
                fringe = [q for q in nodes if q not in state and all(p in state for p in G.predecessors(q))]
                if not fringe:
                    break
                state.add(fringe[int(rng.integers(len(fringe)))])
            states.append(state)
    return states[:n_states]


def as_mastery(states: Sequence[set[Hashable]], skill_ids: Sequence[Hashable], rng: np.random.Generator) -> np.ndarray:
    """Mastery values at or above 0.95 exactly on each state's skills (read-only)."""
    mastered = np.array([[s in state for s in skill_ids] for state in states], dtype=bool).reshape(
        len(states), len(skill_ids)
    )
    high = rng.choice([0.95, 0.97, 1.0], size=mastered.shape)
    low = rng.choice([0.0, 0.3, 0.9499999], size=mastered.shape)
    return read_only(np.where(mastered, high, low))


def check_fringes(G: nx.DiGraph, states: list[set[Hashable]], rng: np.random.Generator) -> None:
    graph = pl.compile_graph(G)
    for state in states:
        assert is_down_set(G, state)
    mastery = as_mastery(states, graph.skill_ids, rng)
    ready = pl.readiness(graph, mastery, threshold=0.95)
    fringe = pl.inner_fringe(graph, mastery, threshold=0.95)
    for i, state in enumerate(states):
        got_outer = {graph.skill_ids[j] for j in np.flatnonzero(ready[i])}
        got_inner = {graph.skill_ids[j] for j in np.flatnonzero(fringe[i])}
        assert got_outer == outer_fringe_bruteforce(G, state), f"outer fringe of state {i}"
        assert got_inner == inner_fringe_bruteforce(G, state), f"inner fringe of state {i}"


@examples(40)
@given(G=dags(max_skills=40), seed=st.integers(0, 2**32 - 1))
def test_fringes_match_kst_definitions(G: nx.DiGraph, seed: int) -> None:
    rng = np.random.default_rng(seed)
    check_fringes(G, random_states(G, rng, 12), rng)


@examples(40)
@given(G=dags(max_skills=40), seed=st.integers(0, 2**32 - 1))
def test_union_and_intersection_of_feasible_states_are_feasible(G: nx.DiGraph, seed: int) -> None:
    rng = np.random.default_rng(seed)
    states = random_states(G, rng, 8)
    for a in states:
        for b in states:
            assert is_down_set(G, a | b)
            assert is_down_set(G, a & b)


def test_fringes_on_random_200_skill_dags() -> None:
    """Acceptance check 10 at its stated size: 1,000 random states of random 200-node DAGs."""
    rng = np.random.default_rng(20240610)
    for _ in range(5):
        n = 200
        rank = rng.permutation(n)
        G = nx.DiGraph()
        G.add_nodes_from(f"q{i}" for i in range(n))
        p = 3.0 / n
        for u in range(n):
            for v in range(n):
                if rank[u] < rank[v] and rng.random() < p:
                    G.add_edge(f"q{u}", f"q{v}")
        check_fringes(G, random_states(G, rng, 200), rng)


def test_outer_fringe_of_a_non_down_set_is_still_the_prerequisite_rule() -> None:
    """readiness is defined for any mastery pattern, feasible or not: unmastered with every prerequisite mastered."""
    graph = pl.compile_graph([("a", "b"), ("b", "c")])
    # 'b' mastered without its prerequisite 'a': not a feasible state
    ready = pl.readiness(graph, np.array([[0.0, 1.0, 0.0]]))
    assert ready.tolist() == [[True, False, True]]
