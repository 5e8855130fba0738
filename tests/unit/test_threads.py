"""One CompiledGraph shared by eight threads gives the same answers as one thread.

A compiled graph is frozen, but it keeps a bounded memo of kernel constants
(``CompiledGraph._memoised``) that is filled lazily. Every round here starts
from a freshly compiled (cold) graph, eight threads are released together by a
barrier, and each runs every case that takes the graph, in its own order, on
cohorts of many sizes (so that the memo fills past its bound and drops keys
while other threads read it). Every result must equal the one computed in a
single thread on another graph compiled from the same edges.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import numpy as np
import pytest

import personalise as pl
from personalise import graph as graph_module

N_THREADS = 8
N_ROUNDS = 3

#: Cohort sizes: block sizes of 64, 128, ... learners, so the memo sees more keys than it keeps.
SIZES = tuple(range(1, 64 * (graph_module._MEMO_SIZE + 4), 64))


def _edges(n_skills: int, seed: int) -> list[tuple[str, str]]:
    """A random prerequisite DAG on ``n_skills`` skills (edges from lower to higher rank)."""
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n_skills, n_skills)) < 3.0 / n_skills, k=1)
    names = [f"s{j:03d}" for j in rng.permutation(n_skills)]
    return [(names[u], names[v]) for u, v in zip(*np.nonzero(upper), strict=True)]


EDGES = _edges(90, 11)  # 90 skills: two 64-bit words per learner in the bitset kernels


def _fresh() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


@attrs.frozen
class Inputs:
    """Everything the cases read, built once from a graph (identical for every graph from ``EDGES``)."""

    mastery: dict[int, np.ndarray]
    table: pl.MasteryTable
    learner_ids: tuple[str, ...]
    params: pl.BKTParams
    elapsed: np.ndarray
    half_life: np.ndarray
    question: pl.HingeQuestion
    answers: dict[str, str | None]
    state: pl.ScaffoldState
    evidence: pl.Evidence
    fit_data: dict[str, np.ndarray]
    goal: Hashable
    goal_set: frozenset[Hashable]


def _inputs(graph: pl.CompiledGraph) -> Inputs:
    rng = np.random.default_rng(5)
    n = graph.n_skills
    depth = graph.depth / max(1, int(graph.depth.max()))
    mastery = {}
    for size in SIZES:
        # mastery falls with depth, so that many learners have deep ready skills
        values = np.clip(1.05 - depth[None, :] * rng.uniform(0.5, 1.5, (size, 1)) + rng.normal(0, 0.1, (size, n)), 0, 1)
        values.flags.writeable = False
        mastery[size] = values
    cohort = mastery[SIZES[3]]
    learner_ids = tuple(f"L{i:03d}" for i in range(cohort.shape[0]))
    ids = np.array(graph.skill_ids)
    params = pl.BKTParams(graph.skill_ids, rng.uniform(0.1, 0.3, n), rng.uniform(0.1, 0.3, n),
                          rng.uniform(0.1, 0.25, n), rng.uniform(0.05, 0.1, n), np.zeros(n))
    question = pl.HingeQuestion(graph.skill_ids[5], ("A", "B", "C", "D"), "B",
                                {"A": "adds denominators", "C": "adds denominators", "D": "none-plausible"})
    options = np.array(["A", "B", "C", "D", "-"])
    answers = {learner: (None if a == "-" else str(a))
               for learner, a in zip(learner_ids, rng.choice(options, len(learner_ids)), strict=True)}
    scaffolds = [pl.Scaffold(graph.skill_ids[j], rule, kind="worked example")
                 for j, rule in ((7, pl.contingent_fading()), (30, pl.backward_fading(4)), (60, pl.linear_fading(5)))]
    state = pl.ScaffoldState.start(len(learner_ids), scaffolds)
    for _ in range(12):
        state = state.after(rng.random((len(learner_ids), len(scaffolds))) < 0.6)
    n_events = 600
    who = rng.integers(0, len(learner_ids), n_events)
    what = rng.integers(0, n, n_events)
    evidence = pl.Evidence(np.array(learner_ids)[who], ids[what], rng.integers(0, 2, n_events).astype(float),
                           np.datetime64("2026-09-01T09:00") + rng.permutation(n_events).astype("timedelta64[m]"),
                           [f"e{i}" for i in range(n_events)])
    # answers that improve with practice: 40 learners, 6 skills, 8 answers each
    sequence = np.tile(np.arange(8), 40 * 6)
    fit_data = {
        "user_id": np.repeat([f"u{i}" for i in range(40)], 6 * 8),
        "skill_name": np.tile(np.repeat(ids[:6], 8), 40),
        "correct": (rng.random(sequence.size) < 0.25 + 0.08 * sequence).astype(int),
        "order_id": np.arange(sequence.size),
    }
    deepest = int(np.argmax(graph.depth))
    return Inputs(
        mastery=mastery,
        table=pl.MasteryTable(learner_ids, graph.skill_ids, cohort),
        learner_ids=learner_ids,
        params=params,
        elapsed=rng.uniform(0, 30, cohort.shape),
        half_life=rng.uniform(2, 20, n),
        question=question,
        answers=answers,
        state=state,
        evidence=evidence,
        fit_data=fit_data,
        goal=graph.skill_ids[deepest],
        goal_set=frozenset(graph.skill_ids[j] for j in np.argsort(-graph.depth, kind="stable")[:3].tolist()),
    )


Case = Callable[[pl.CompiledGraph, Inputs], Any]


def _per_size(function: Callable[[pl.CompiledGraph, np.ndarray], Any]) -> Case:
    return lambda graph, x: [function(graph, x.mastery[size]) for size in SIZES]


def _rows(function: Callable[[pl.CompiledGraph, np.ndarray], Any]) -> Case:
    return lambda graph, x: [function(graph, row) for row in x.mastery[SIZES[1]][:40]]


#: Each case calls one or more public functions that take the graph (or a result built on it).
CASES: dict[str, tuple[tuple[Callable[..., Any], ...], Case]] = {
    "readiness": ((pl.readiness,), _per_size(lambda g, m: pl.readiness(g, m))),
    "inner_fringe": ((pl.inner_fringe,), _per_size(lambda g, m: pl.inner_fringe(g, m, threshold=0.9))),
    "recommend_next": ((pl.recommend_next,), _per_size(lambda g, m: pl.recommend_next(g, m, k=3))),
    "recommend_next goals": (
        (pl.recommend_next,),
        lambda g, x: [pl.recommend_next(g, x.mastery[size], k=2, goals=x.goal_set) for size in SIZES[::3]]
        + [pl.recommend_next(g, x.mastery[SIZES[2]], k=4, goals=x.goal)],
    ),
    "recommend_next difficulty and review": (
        (pl.recommend_next,),
        lambda g, x: pl.recommend_next(g, x.table, k=3, params=x.params, elapsed_days=x.elapsed,
                                       half_life_days=x.half_life),
    ),
    "mastery table": (
        (pl.readiness, pl.inner_fringe, pl.recommend_next),
        lambda g, x: (pl.readiness(g, x.table), pl.inner_fringe(g, x.table), pl.recommend_next(g, x.table).skills()),
    ),
    "pathway_to": ((pl.pathway_to,), _rows(lambda g, row: pl.pathway_to(g, g.skill_ids[-1], row))),
    "choice_menu": ((pl.choice_menu,), _rows(lambda g, row: pl.choice_menu(g, row, m=4))),
    "choice_menu with a fixed rng": ((pl.choice_menu,), _rows(lambda g, row: pl.choice_menu(g, row, rng=3))),
    "plan_lesson": (
        (pl.plan_lesson,),
        lambda g, x: pl.plan_lesson(g, x.table, question=x.question, answers=x.answers, params=x.params,
                                    elapsed_days=x.elapsed, half_life_days=x.half_life).to_json(),
    ),
    "plan_lesson without a question": (
        (pl.plan_lesson,),
        lambda g, x: pl.plan_lesson(g, x.table.values, learner_ids=x.learner_ids, goals=x.goal, max_group_size=6),
    ),
    "diagnose, decide and flexible_groups": (
        (pl.diagnose, pl.decide, pl.flexible_groups),
        lambda g, x: (
            pl.decide(pl.diagnose(x.question, x.answers)),
            pl.flexible_groups(x.learner_ids, by=pl.diagnose(x.question, x.answers), max_size=8),
        ),
    ),
    "simulate": (
        (pl.simulate,),
        lambda g, x: [pl.simulate(g, pl.policy_from_name(name), n_learners=70, n_steps=12, rng=7, goal=x.goal)
                      for name in sorted(pl.POLICIES)],
    ),
    "audit_scaffolds": (
        (pl.audit_scaffolds,),
        lambda g, x: pl.audit_scaffolds(x.state, learner_ids=x.learner_ids, graph=g, mastery=x.table.values),
    ),
    "fit_bkt, estimate_mastery and update_mastery": (
        (pl.fit_bkt, pl.estimate_mastery, pl.update_mastery),
        lambda g, x: (
            pl.fit_bkt(x.fit_data, skills=g, rng=2, n_restarts=2, max_iter=30,
                       bounds={"guess": (0, 0.3), "slip": (0, 0.1)}).params,
            pl.estimate_mastery(x.params, x.evidence, learner_ids=x.learner_ids),
            pl.update_mastery(x.params, x.table, x.evidence),
        ),
    ),
    "load_example_class": ((pl.load_example_class,), lambda g, x: pl.load_example_class(pl.load_example_curriculum())),
    "graph methods": (
        (),
        lambda g, x: (g.to_json(), g.indices_of(g.skill_ids[::-1]), [g.prerequisites_of(s) for s in g.skill_ids]),
    ),
}


def _takes_a_graph(function: Any) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any("CompiledGraph" in str(p.annotation) for p in parameters)


def test_every_public_function_taking_a_graph_has_a_case() -> None:
    taking = {name for name in pl.__all__ if inspect.isfunction(getattr(pl, name)) and _takes_a_graph(getattr(pl, name))}
    taking.discard("compile_graph")  # makes graphs; the rounds compile a fresh one each time
    covered = {f.__name__ for functions, _ in CASES.values() for f in functions}
    assert taking, "no public function takes a CompiledGraph: the signature check is broken"
    assert taking <= covered, f"public functions taking a graph without a threaded case: {sorted(taking - covered)}"


def _same(a: Any, b: Any) -> bool:
    """Exact equality: arrays by value, dtype and shape; containers item by item; the rest by ``==``."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and np.array_equal(a, b))
    if isinstance(a, (list, tuple)) and not attrs.has(type(a)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _run_all(graph: pl.CompiledGraph, inputs: Inputs, order: list[str]) -> dict[str, Any]:
    return {name: CASES[name][1](graph, inputs) for name in order}


@pytest.mark.parametrize("round_", range(N_ROUNDS))
def test_eight_threads_on_a_cold_graph_match_one_thread(round_: int) -> None:
    reference_graph = _fresh()
    inputs = _inputs(reference_graph)
    names = sorted(CASES)
    expected = _run_all(reference_graph, inputs, names)

    shared = _fresh()  # cold: nothing memoised yet
    assert not shared._memo
    barrier = threading.Barrier(N_THREADS)

    def work(thread: int) -> dict[str, Any]:
        order = names[thread:] + names[:thread]  # threads start on different cases, so they race on different keys
        if (thread + round_) % 2:
            order.reverse()
        barrier.wait(timeout=60)
        return _run_all(shared, inputs, order)

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(work, range(N_THREADS)))
    for thread, got in enumerate(results):
        for name in names:
            assert _same(got[name], expected[name]), f"thread {thread} of round {round_}: {name!r} differs"
    assert 0 < len(shared._memo) <= graph_module._MEMO_SIZE
    assert shared == reference_graph


@pytest.mark.parametrize("round_", range(N_ROUNDS))
def test_threads_racing_on_one_memo_key_share_an_equal_value(round_: int) -> None:
    """Many threads asking a cold graph for the same constants at once all get equal, read-only values."""
    graph = _fresh()
    mastery = np.random.default_rng(round_).random((300, graph.n_skills))
    barrier = threading.Barrier(N_THREADS)

    def work(_: int) -> np.ndarray:
        barrier.wait(timeout=60)
        return pl.recommend_next(graph, mastery, k=5).indices

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(work, range(N_THREADS)))
    expected = pl.recommend_next(_fresh(), mastery, k=5).indices
    for got in results:
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
    for value in graph._memo.values():
        for part in attrs.astuple(value, recurse=False) if attrs.has(type(value)) else (value,):
            for array in part if isinstance(part, tuple) else (part,):
                if isinstance(array, np.ndarray):
                    assert not array.flags.writeable


@pytest.fixture
def eager_switching() -> Iterator[None]:
    """Switch threads as often as the interpreter allows, to hit the window between a check and a store."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


@pytest.mark.parametrize("round_", range(N_ROUNDS))
@pytest.mark.usefixtures("eager_switching")
def test_the_memo_stays_bounded_under_contention(round_: int) -> None:
    """Threads storing many keys at once never push the memo past its bound."""
    graph = _fresh()
    barrier = threading.Barrier(N_THREADS)
    sizes: list[int] = []

    def store(thread: int) -> None:
        barrier.wait(timeout=60)
        for i in range(1500):
            graph._memoised((round_, thread, i), functools.partial(int, i))
            sizes.append(len(graph._memo))

    with ThreadPoolExecutor(N_THREADS) as pool:
        list(pool.map(store, range(N_THREADS)))
    assert max(sizes) <= graph_module._MEMO_SIZE


@pytest.mark.parametrize("round_", range(N_ROUNDS))
def test_threads_computing_one_key_at_once_all_get_the_stored_value(round_: int) -> None:
    """When several threads compute the same constant at once, every one of them gets the value that was kept."""
    graph = _fresh()
    barrier = threading.Barrier(N_THREADS)

    def make() -> object:
        barrier.wait(timeout=60)  # every thread is inside make() before any of them stores
        return object()

    def ask(_: int) -> object:
        return graph._memoised(("constant", round_), make)

    with ThreadPoolExecutor(N_THREADS) as pool:
        got = list(pool.map(ask, range(N_THREADS)))
    assert all(value is graph._memo[("constant", round_)] for value in got)
