"""Pathways and choice menus against networkx on random prerequisite DAGs."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise.experience import choice_menu, pathway_to
from tests.strategies import compiled_dags, examples, read_only


@st.composite
def cases(draw: st.DrawFn) -> tuple[nx.DiGraph, Any, np.ndarray, Any]:
    G, compiled = draw(compiled_dags(min_skills=1, max_skills=40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p_mastered = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    row = np.where(rng.random(compiled.n_skills) < p_mastered, 1.0, rng.random(compiled.n_skills) * 0.9)
    ids = list(compiled.skill_ids)
    goal = draw(st.one_of(st.sampled_from(ids), st.sets(st.sampled_from(ids), min_size=1, max_size=4)))
    return G, compiled, read_only(row), goal


def _valid_order(G: nx.DiGraph, order: tuple[Any, ...]) -> bool:
    position = {skill: i for i, skill in enumerate(order)}
    return all(position[u] < position[v] for u, v in G.edges if u in position and v in position)


@examples(60)
@given(cases())
def test_pathway_matches_networkx(case: tuple[nx.DiGraph, Any, np.ndarray, Any]) -> None:
    G, compiled, row, goal = case
    goals = goal if isinstance(goal, set) else {goal}
    mastered = {skill for skill, value in zip(compiled.skill_ids, row) if value >= 0.95}
    region = set(goals).union(*(nx.ancestors(G, g) for g in goals))
    expected_steps = region - mastered

    p = pathway_to(compiled, goal, row)
    assert set(p.steps) == expected_steps and len(p.steps) == len(expected_steps)
    assert _valid_order(G, p.steps)
    ready = {s for s in expected_steps if all(u in mastered for u in G.predecessors(s))}
    assert set(p.ready) == ready
    assert p.steps[: 1] == p.ready[: 1]
    assert len(p.alternatives) == max(0, len(p.ready) - 1)
    for first, order in zip(p.ready[1:], p.alternatives):
        assert order[0] == first and sorted(map(repr, order)) == sorted(map(repr, p.steps))
        assert _valid_order(G, order)


@examples(60)
@given(cases(), st.integers(1, 6), st.booleans())
def test_menu_is_a_ranked_subset_of_the_ready_set(
    case: tuple[nx.DiGraph, Any, np.ndarray, Any], m: int, with_goal: bool
) -> None:
    G, compiled, row, goal = case
    ready_flags = pl.readiness(compiled, row[None, :])[0]
    ready = {compiled.skill_ids[j] for j in np.flatnonzero(ready_flags)}
    if with_goal:
        ready &= set(pathway_to(compiled, goal, row).ready)
    menu = choice_menu(compiled, row, m=m, goals=goal if with_goal else None)
    assert set(menu.options) <= ready
    assert len(menu) == min(max(2, min(m, 4)), len(ready))
    assert len(set(menu.options)) == len(menu)
    assert list(menu.scores) == sorted(menu.scores, reverse=True)
    assert all(score >= 1.0 for score in menu.scores)
