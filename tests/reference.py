"""Plain-Python reference implementations of the personalise kernels.

Everything here loops over a networkx graph and over Python lists, one
learner and one skill at a time; nothing is vectorised. The property tests in
``tests/equivalence/`` compare the vectorised library to these functions
exactly (bool and int arrays equal, float scores equal including NaN
positions).

Conventions shared with the library:

* ``G`` is a networkx DiGraph, edge ``u -> v`` meaning "``u`` is needed
  before ``v``"; ``skill_ids`` is the column order of ``mastery``.
* A skill is *mastered* when ``mastery >= threshold``, compared in the
  mastery array's own dtype: the threshold is first converted with
  ``np.asarray(threshold, dtype=mastery.dtype)``.

Examples
--------
>>> import networkx as nx, numpy as np
>>> G = nx.DiGraph([("count", "add"), ("add", "multiply")])
>>> ids = ("count", "add", "multiply")
>>> readiness_ref(G, ids, np.array([[1.0, 0.2, 0.0]]), 0.95).tolist()
[[False, True, False]]
>>> inner_fringe_ref(G, ids, np.array([[1.0, 0.97, 0.0]]), 0.95).tolist()
[[False, True, False]]
>>> sorted(outer_fringe_bruteforce(G, {"count"}))
['add']
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

__all__ = [
    "RecommendationsRef",
    "depth_ref",
    "down_closure",
    "inner_fringe_bruteforce",
    "inner_fringe_ref",
    "is_down_set",
    "lexicographic_order_ref",
    "mastered_ref",
    "n_descendants_ref",
    "normalise_goals",
    "outer_fringe_bruteforce",
    "readiness_ref",
    "recommend_next_ref",
]


# --------------------------------------------------------------------- graph
def lexicographic_order_ref(G: nx.DiGraph) -> list[Hashable]:
    """Lexicographic topological order: among skills whose prerequisites are placed, smallest id first."""
    placed: set[Hashable] = set()
    order: list[Hashable] = []
    while len(order) < G.number_of_nodes():
        available = [v for v in G.nodes if v not in placed and all(u in placed for u in G.predecessors(v))]
        if not available:
            raise ValueError("graph has a cycle")
        first = min(available)
        order.append(first)
        placed.add(first)
    return order


def n_descendants_ref(G: nx.DiGraph, skill_ids: Sequence[Hashable]) -> list[int]:
    """Number of skills that (directly or indirectly) require each skill."""
    return [len(nx.descendants(G, s)) for s in skill_ids]


def depth_ref(G: nx.DiGraph, skill_ids: Sequence[Hashable]) -> list[int]:
    """Length (in edges) of the longest prerequisite chain ending at each skill."""
    depth: dict[Hashable, int] = {}
    for v in nx.topological_sort(G):
        depth[v] = max((depth[u] + 1 for u in G.predecessors(v)), default=0)
    return [depth[s] for s in skill_ids]


# ---------------------------------------------------------------- mastery
def mastered_ref(mastery: np.ndarray, threshold: float) -> list[list[bool]]:
    """``mastery >= threshold`` cell by cell, compared in ``mastery.dtype``."""
    limit = np.asarray(threshold, dtype=mastery.dtype)[()]
    result = []
    for row in mastery:  # each element is a NumPy scalar of the array's dtype
        result.append([bool(value >= limit) for value in row])
    return result


def _bool_array(rows: list[list[bool]], n_skills: int) -> np.ndarray:
    return np.array(rows, dtype=bool).reshape(len(rows), n_skills)


def readiness_ref(G: nx.DiGraph, skill_ids: Sequence[Hashable], mastery: np.ndarray, threshold: float) -> np.ndarray:
    """Outer fringe: not mastered, and every direct prerequisite mastered."""
    column = {s: j for j, s in enumerate(skill_ids)}
    out = []
    for row in mastered_ref(mastery, threshold):
        ready = []
        for j, skill in enumerate(skill_ids):
            ok = not row[j]
            for prerequisite in G.predecessors(skill):
                if not row[column[prerequisite]]:
                    ok = False
            ready.append(ok)
        out.append(ready)
    return _bool_array(out, len(skill_ids))


def inner_fringe_ref(G: nx.DiGraph, skill_ids: Sequence[Hashable], mastery: np.ndarray, threshold: float) -> np.ndarray:
    """Inner fringe: mastered, and no direct successor mastered."""
    column = {s: j for j, s in enumerate(skill_ids)}
    out = []
    for row in mastered_ref(mastery, threshold):
        fringe = []
        for j, skill in enumerate(skill_ids):
            ok = row[j]
            for successor in G.successors(skill):
                if row[column[successor]]:
                    ok = False
            fringe.append(ok)
        out.append(fringe)
    return _bool_array(out, len(skill_ids))


# ------------------------------------------------------------ recommendations
def normalise_goals(goals: Any, n_learners: int) -> list[frozenset[Hashable] | None]:
    """Per-learner goal sets (skill ids) from the documented ``goals=`` forms.

    None: no goals. A list, tuple or ndarray: one entry per learner, each None,
    a single skill id or a set of skill ids. A set or frozenset: one goal set
    shared by every learner. Anything else: one skill id shared by everyone.
    """

    def one(spec: Any) -> frozenset[Hashable] | None:
        if spec is None:
            return None
        if isinstance(spec, (set, frozenset)):
            return frozenset(spec)
        return frozenset([spec])

    if goals is None:
        return [None] * n_learners
    if isinstance(goals, (list, tuple, np.ndarray)):
        specs = list(goals)
        assert len(specs) == n_learners
        return [one(s) for s in specs]
    return [one(goals)] * n_learners


class RecommendationsRef:
    """What :func:`recommend_next_ref` returns: the three result arrays."""

    def __init__(self, indices: np.ndarray, scores: np.ndarray, steps_to_goal: np.ndarray) -> None:
        self.indices = indices
        self.scores = scores
        self.steps_to_goal = steps_to_goal


def recommend_next_ref(
    G: nx.DiGraph,
    skill_ids: Sequence[Hashable],
    mastery: np.ndarray,
    *,
    k: int,
    threshold: float,
    goals: Any = None,
) -> RecommendationsRef:
    """Top ``k`` ready skills per learner, ranked as documented for ``recommend_next``.

    Without a goal: by descendants (``len(nx.descendants)``) descending, then
    column index; score = descendants. With a goal set: only ready skills that
    are a goal or an ancestor of one, by fewest steps to the nearest goal, then
    descendants descending, then column index; score = minus the steps.
    """
    n_learners = mastery.shape[0]
    descendants = n_descendants_ref(G, skill_ids)
    ready = readiness_ref(G, skill_ids, mastery, threshold).tolist()
    per_learner = normalise_goals(goals, n_learners)
    distance_to: dict[Hashable, dict[Hashable, int]] = {}  # goal -> {skill: steps}

    def steps_to(skill: Hashable, goal_set: Iterable[Hashable]) -> int | None:
        best = None
        for goal in goal_set:
            if goal not in distance_to:
                distance_to[goal] = nx.shortest_path_length(G, target=goal)
            d = distance_to[goal].get(skill)
            if d is not None and (best is None or d < best):
                best = d
        return best

    indices = [[-1] * k for _ in range(n_learners)]
    scores = [[math.nan] * k for _ in range(n_learners)]
    steps_out = [[-1] * k for _ in range(n_learners)]
    for i in range(n_learners):
        candidates = [j for j in range(len(skill_ids)) if ready[i][j]]
        goal_set = per_learner[i]
        if goal_set is None:
            ranked = sorted(candidates, key=lambda j: (-descendants[j], j))
            for rank, j in enumerate(ranked[:k]):
                indices[i][rank] = j
                scores[i][rank] = float(descendants[j])
        else:
            keyed = []
            for j in candidates:
                steps = steps_to(skill_ids[j], goal_set)
                if steps is not None:
                    keyed.append((steps, -descendants[j], j))
            keyed.sort()
            for rank, (steps, _, j) in enumerate(keyed[:k]):
                indices[i][rank] = j
                scores[i][rank] = -float(steps)
                steps_out[i][rank] = steps
    return RecommendationsRef(
        np.array(indices, dtype=np.intp).reshape(n_learners, k),
        np.array(scores, dtype=np.float64).reshape(n_learners, k),
        np.array(steps_out, dtype=np.intp).reshape(n_learners, k),
    )


# ------------------------------------------------- Knowledge Space Theory
def is_down_set(G: nx.DiGraph, state: set[Hashable]) -> bool:
    """True when ``state`` is closed under prerequisites (a feasible KST state)."""
    for skill in state:
        for prerequisite in G.predecessors(skill):
            if prerequisite not in state:
                return False
    return True


def down_closure(G: nx.DiGraph, skills: Iterable[Hashable]) -> set[Hashable]:
    """The smallest down-set containing ``skills``."""
    closed: set[Hashable] = set()
    for skill in skills:
        closed.add(skill)
        closed |= nx.ancestors(G, skill)
    return closed


def outer_fringe_bruteforce(G: nx.DiGraph, state: set[Hashable]) -> set[Hashable]:
    """KST definition: ``{q not in K : K | {q} is feasible}``."""
    return {q for q in G.nodes if q not in state and is_down_set(G, state | {q})}


def inner_fringe_bruteforce(G: nx.DiGraph, state: set[Hashable]) -> set[Hashable]:
    """KST definition: ``{q in K : K - {q} is feasible}``."""
    return {q for q in state if is_down_set(G, state - {q})}
