"""Simulation kernels == plain-Python references (tests/simulation_reference.py).

* ``model.practise`` and ``model.forget`` on random small DAGs (columns in
  any order), random learner models (every mechanism on or off), states in
  {0, 1, 2}, supports in [0, 1] with exact 0 and 1, idle learners (skill -1)
  and uniform draws that sit exactly on the probabilities (so ``u < p`` is
  strict): bool and int8 outputs equal exactly. ``state`` is updated in place
  by design; only the practised (or forgotten) cells may change, and every
  other input is read-only.
* ``model.initial_learners``: rates to 1e-12, mastered counts exactly.
* ``_class_quantile`` and ``_ranks_within`` (and ``_tasks``) exactly, with
  empty labels and many ties.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

import personalise as pl
from personalise.simulation import model as kernels
from personalise.simulation._parts import _class_quantile, _ranks_within, _tasks
from tests.simulation_reference import (
    class_quantile_ref,
    forget_ref,
    initial_learners_ref,
    practise_ref,
    ranks_within_ref,
    tasks_ref,
)
from tests.strategies import compiled_dags, examples, read_only, seeds

LEARNER_COUNTS = st.sampled_from([0, 1, 2, 3, 7, 16, 40])
unit = st.floats(0.0, 1.0)


@st.composite
def learner_models(draw: st.DrawFn) -> pl.LearnerModel:
    """A LearnerModel with each mechanism sometimes switched off and some parameters at their bounds."""
    slip = draw(st.one_of(st.sampled_from([0.0, 0.1, 0.3]), st.floats(0.0, 0.45)))
    guess = draw(st.one_of(st.sampled_from([0.0, 0.2, 0.25]), st.floats(0.0, 0.5)))
    return pl.LearnerModel(
        learn_rate=draw(st.one_of(st.sampled_from([0.15, 0.5, 0.999]), st.floats(0.001, 0.99))),
        ability_effect=draw(st.sampled_from([0.0, 0.8, 2.5])),
        prior_share=draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])),
        prior_spread=draw(st.sampled_from([0.0, 0.1, 0.4])),
        prior_noise=draw(st.sampled_from([0.0, 0.07, 0.5])),
        prior_max_share=draw(st.sampled_from([0.0, 0.3, 0.5, 1.0])),
        slip=slip,
        guess=guess,
        unsupported_acquisition=draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), unit)),
        support_boost=draw(st.sampled_from([0.0, 2.0, 7.5, 100.0])),
        dependency=draw(st.booleans()),
        prerequisite_damping=draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), unit)),
        forget=draw(st.one_of(st.sampled_from([0.0, 0.05, 0.5, 1.0]), unit)),
    )


def predecessor_lists(G: nx.DiGraph, graph: pl.CompiledGraph) -> list[list[int]]:
    """Direct prerequisites of each column, from networkx (independently of the CSR arrays)."""
    column = {s: j for j, s in enumerate(graph.skill_ids)}
    return [[column[u] for u in G.predecessors(s)] for s in graph.skill_ids]


def uniforms_with_edges(rng: np.random.Generator, shape: tuple[int, ...], edges: list[float], share: float) -> np.ndarray:
    """Uniform draws in [0, 1), a share of them replaced by the exact probabilities compared against."""
    values = rng.random(shape)
    if edges and share > 0.0:
        pick = rng.random(shape) < share
        values = np.where(pick, np.array(edges)[rng.integers(0, len(edges), size=shape)], values)
    return values


def supports(rng: np.random.Generator, n: int) -> np.ndarray:
    values = rng.random(n)
    kind = rng.integers(0, 4, size=n)
    return np.where(kind == 0, 0.0, np.where(kind == 1, 1.0, np.where(kind == 2, rng.choice([0.25, 0.5, 0.75], size=n), values)))


def random_state(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    weights = rng.dirichlet(np.ones(3))
    return rng.choice(np.array([0, 1, 2], dtype=np.int8), size=(n, k), p=weights).astype(np.int8)


@st.composite
def step_cases(draw: st.DrawFn) -> dict[str, Any]:
    G, graph = draw(compiled_dags(min_skills=1, max_skills=12))
    n = draw(LEARNER_COUNTS)
    k = graph.n_skills
    model = draw(learner_models())
    rng = np.random.default_rng(draw(seeds))
    idle_share = draw(st.sampled_from([0.0, 0.2, 1.0]))
    skill = np.where(rng.random(n) < idle_share, -1, rng.integers(0, k, size=n)).astype(np.intp)
    rate = rng.uniform(0.0, 1.0, size=n)
    rate[rng.random(n) < 0.1] = 1.0
    quality = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.0, 1.5, size=n))
    edge_share = draw(st.sampled_from([0.0, 0.3]))
    edges = [0.0, model.guess, 1.0 - model.slip, model.forget]
    return {
        "G": G,
        "graph": graph,
        "model": model,
        "state": random_state(rng, n, k),
        "rate": read_only(rate),
        "skill": read_only(skill),
        "support": read_only(supports(rng, n)),
        "quality": read_only(quality),
        "uniforms": read_only(uniforms_with_edges(rng, (3, n), edges, edge_share)),
        "forget_uniforms": read_only(uniforms_with_edges(rng, (n, k), edges, edge_share)),
    }


def assert_only_cells_changed(before: np.ndarray, after: np.ndarray, allowed: np.ndarray) -> None:
    changed = before != after
    assert not (changed & ~allowed).any(), np.argwhere(changed & ~allowed)[:5]


# ----------------------------------------------------------------- practise
@examples(200)
@given(case=step_cases())
def test_practise_matches_the_reference(case: dict[str, Any]) -> None:
    graph, model = case["graph"], case["model"]
    state, skill = case["state"], case["skill"]
    n, k = state.shape
    event(f"dependency={model.dependency}, damping={'0' if model.prerequisite_damping == 0 else '>0'}")
    start = state.copy()
    ref = practise_ref(
        model,
        start.tolist(),
        case["rate"].tolist(),
        skill.tolist(),
        case["support"].tolist(),
        case["quality"].tolist(),
        case["uniforms"].tolist(),
        predecessor_lists(case["G"], graph),
    )
    correct, probe, gained = kernels.practise(
        model,
        state,
        case["rate"],
        skill,
        case["support"],
        case["quality"],
        case["uniforms"],
        graph.pred_indptr,
        graph.pred_indices,
    )
    for got in (correct, probe, gained):
        assert got.dtype == np.bool_ and got.shape == (n,)
    assert correct.tolist() == ref.correct
    assert probe.tolist() == ref.exit_correct
    assert gained.tolist() == ref.gained
    assert state.dtype == np.int8
    assert state.tolist() == ref.state
    practised = np.zeros((n, k), dtype=np.bool_)
    active = np.flatnonzero(skill >= 0)
    practised[active, skill[active]] = True
    assert_only_cells_changed(start, state, practised)
    # a state only moves up, by the rules: 0 -> 1 (supported) or 0 -> 2 (unaided), 1 -> 2
    assert (state >= start).all()
    idle = skill < 0
    assert not (correct[idle] | probe[idle] | gained[idle]).any()


@examples(60)
@given(case=step_cases(), damping=st.sampled_from([0.0, 1.0]))
def test_practise_damping_extremes(case: dict[str, Any], damping: float) -> None:
    """Damping 1 gates learning entirely on readiness; 0 ignores prerequisites."""
    model = pl.LearnerModel(**{**case["model"].to_dict(), "prerequisite_damping": damping})
    state = case["state"]
    start = state.copy()
    preds = predecessor_lists(case["G"], case["graph"])
    ref = practise_ref(
        model, start.tolist(), case["rate"].tolist(), case["skill"].tolist(), case["support"].tolist(),
        case["quality"].tolist(), case["uniforms"].tolist(), preds,
    )
    kernels.practise(
        model, state, case["rate"], case["skill"], case["support"], case["quality"], case["uniforms"],
        case["graph"].pred_indptr, case["graph"].pred_indices,
    )
    assert state.tolist() == ref.state
    if damping == 1.0:
        for i, j in enumerate(case["skill"].tolist()):
            if j >= 0 and any(start[i, p] != 2 for p in preds[j]):
                assert state[i, j] == start[i, j]


# ------------------------------------------------------------------- forget
@examples(150)
@given(case=step_cases())
def test_forget_matches_the_reference(case: dict[str, Any]) -> None:
    model, state, skill, draws = case["model"], case["state"], case["skill"], case["forget_uniforms"]
    start = state.copy()
    ref_lost, ref_state = forget_ref(model, start.tolist(), skill.tolist(), draws.tolist())
    lost = kernels.forget(model, state, skill, draws)
    assert lost.dtype == np.bool_ and lost.shape == state.shape
    assert lost.tolist() == ref_lost
    assert state.tolist() == ref_state
    assert_only_cells_changed(start, state, lost)
    assert (state[lost] == 1).all() and (start[lost] == 2).all()


# ---------------------------------------------------------- initial learners
@examples(150)
@given(
    model=learner_models(),
    n=LEARNER_COUNTS,
    n_skills=st.integers(1, 60),
    seed=seeds,
    halves=st.booleans(),
)
def test_initial_learners_match_the_reference(model: pl.LearnerModel, n: int, n_skills: int, seed: int, halves: bool) -> None:
    rng = np.random.default_rng(seed)
    normals = rng.standard_normal((2, n)) * rng.choice([0.5, 1.0, 3.0])
    if halves:  # shares that land exactly on .5 of a skill: round half to even
        normals = np.round(normals * 4) / 4
    normals = read_only(normals)
    ref_rate, ref_known = initial_learners_ref(model, normals[0].tolist(), normals[1].tolist(), n_skills)
    rate, known = kernels.initial_learners(model, normals, n_skills)
    assert rate.shape == known.shape == (n,)
    assert known.dtype == np.intp
    np.testing.assert_allclose(rate, ref_rate, rtol=0, atol=1e-12)
    assert known.tolist() == ref_known
    assert ((0 <= rate) & (rate <= 1)).all()
    assert (known >= 0).all() and (known <= n_skills * model.prior_max_share + 1e-9).all()


def test_initial_learners_round_half_to_even() -> None:
    """``n * share`` exactly on a half rounds to the even neighbour (2.5 -> 2, 3.5 -> 4)."""
    model = pl.LearnerModel(prior_share=0.25, prior_spread=0.0, prior_noise=0.0, prior_max_share=1.0)
    _, known = kernels.initial_learners(model, read_only(np.zeros((2, 1))), 10)
    assert known.tolist() == [2] == initial_learners_ref(model, [0.0], [0.0], 10)[1]
    _, known = kernels.initial_learners(model, read_only(np.zeros((2, 1))), 14)
    assert known.tolist() == [4] == initial_learners_ref(model, [0.0], [0.0], 14)[1]


# ---------------------------------------------------------- class arithmetic
@st.composite
def labelled_values(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    n = draw(st.integers(0, 60))
    n_labels = draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(seeds))
    spread = draw(st.sampled_from([1, 3, 20]))  # few distinct values: many ties
    values = rng.integers(0, spread, size=n).astype(np.intp)
    used = draw(st.integers(1, n_labels))  # labels >= used stay empty
    labels = rng.integers(0, used, size=n).astype(np.intp)
    if draw(st.booleans()):
        labels = np.sort(labels)  # classes in blocks, as the engine numbers them
    return read_only(values), read_only(labels), n_labels


@examples(200)
@given(data=labelled_values(), q=st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), unit))
def test_class_quantile_matches_the_reference(data: tuple[np.ndarray, np.ndarray, int], q: float) -> None:
    values, labels, n_labels = data
    got = _class_quantile(values, labels, n_labels, q)
    assert got.shape == (n_labels,)
    assert got.tolist() == class_quantile_ref(values.tolist(), labels.tolist(), n_labels, q)


@examples(200)
@given(data=labelled_values())
def test_ranks_within_match_the_reference(data: tuple[np.ndarray, np.ndarray, int]) -> None:
    values, labels, n_labels = data
    rank, sizes = _ranks_within(values, labels, n_labels)
    ref_rank, ref_sizes = ranks_within_ref(values.tolist(), labels.tolist(), n_labels)
    assert rank.tolist() == ref_rank
    assert sizes.tolist() == ref_sizes
    for label in range(n_labels):  # a permutation of 0..size-1 within each label
        assert sorted(rank[labels == label].tolist()) == list(range(int(sizes[label])))


@examples(100)
@given(
    sequence=st.lists(st.integers(0, 30), max_size=10, unique=True),
    position=st.lists(st.integers(0, 12), max_size=20),
)
def test_tasks_match_the_reference(sequence: list[int], position: list[int]) -> None:
    seq = read_only(np.array(sequence, dtype=np.intp))
    pos = read_only(np.array(position, dtype=np.intp))
    assert _tasks(seq, pos).tolist() == tasks_ref(sequence, position)
