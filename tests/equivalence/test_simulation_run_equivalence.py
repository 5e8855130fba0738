"""Whole simulations == the plain-Python replay (``simulate_reference`` in tests/simulation_reference.py).

``personalise.simulate`` and ``simulate_reference`` are run on the same seed
for every built-in policy, on random small DAGs (columns in any order), random
learner models (forgetting on and off, prerequisite damping 0, 0.5 or 1),
random class sizes, with and without a goal. The reference draws the very
same random numbers (one stream per 1,024 learners, same order and shapes) and
does everything else with lists and loops, so the outcomes must agree exactly:
attainment and goal reached after every step, practice counts, final states.

The library runs with its default ``block_size`` (8,192 learners), which the
reference mirrors; a few tests also run ``block_size=1024`` (results must not
depend on it) and cohorts spanning several random-stream blocks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import personalise as pl
from tests.simulation_reference import SimulationRef, simulate_reference
from tests.strategies import compiled_dags, examples, seeds

unit = st.floats(0.0, 1.0)


# ---------------------------------------------------------------- strategies
@st.composite
def learner_models(draw: st.DrawFn) -> pl.LearnerModel:
    """Random learner models: forgetting often on, damping 0, 0.5 or 1, every mechanism switchable."""
    slip = draw(st.sampled_from([0.0, 0.1, 0.3]))
    guess = draw(st.sampled_from([0.0, 0.2, 0.25, 0.5]))
    return pl.LearnerModel(
        learn_rate=draw(st.one_of(st.sampled_from([0.15, 0.5, 0.9]), st.floats(0.01, 0.99))),
        ability_effect=draw(st.sampled_from([0.0, 0.8, 2.5])),
        prior_share=draw(st.sampled_from([0.0, 0.2, 0.5])),
        prior_spread=draw(st.sampled_from([0.0, 0.1, 0.4])),
        prior_noise=draw(st.sampled_from([0.0, 0.07, 0.5])),
        prior_max_share=draw(st.sampled_from([0.0, 0.5, 1.0])),
        slip=slip,
        guess=guess,
        unsupported_acquisition=draw(st.sampled_from([0.0, 0.5, 1.0])),
        support_boost=draw(st.sampled_from([0.0, 2.0, 7.5])),
        dependency=draw(st.booleans()),
        prerequisite_damping=draw(st.sampled_from([0.0, 0.5, 1.0])),
        forget=draw(st.sampled_from([0.0, 0.0, 0.05, 0.3, 1.0])),
    )


def chain(n: int) -> pl.CompiledGraph:
    return pl.compile_graph([(f"s{i}", f"s{i + 1}") for i in range(n - 1)], skills=[f"s{i}" for i in range(n)])


@st.composite
def graphs(draw: st.DrawFn) -> pl.CompiledGraph:
    """A small random DAG (sometimes with a non-topological column order) or a chain."""
    if draw(st.integers(0, 3)) == 0:
        return chain(draw(st.integers(1, 10)))
    return draw(compiled_dags(min_skills=1, max_skills=12))[1]


@st.composite
def cases(draw: st.DrawFn, *, large: bool = True) -> dict[str, Any]:
    graph = draw(graphs())
    sizes = [st.integers(0, 60), st.sampled_from([0, 1, 2, 29, 30, 31, 59, 60])]
    if large:  # past one random-stream block now and then
        sizes.append(st.sampled_from([1023, 1024, 1025, 1100]))
    n = draw(st.one_of(*sizes))
    if n > 1000:
        event("cohort over 1,024 learners")
    goal = draw(st.one_of(st.none(), st.sampled_from(list(graph.skill_ids))))
    event(f"goal={'yes' if goal is not None else 'no'}")
    model = draw(learner_models())
    event(f"forget={'yes' if model.forget > 0 else 'no'}")
    return {
        "graph": graph,
        "n_learners": n,
        "n_steps": draw(st.integers(0, 5 if n > 1000 else 15)),
        "rng": draw(seeds),
        "model": model,
        "goal": goal,
        "class_size": draw(st.one_of(st.integers(1, 40), st.sampled_from([1, 2, 3, 30, 1024]))),
    }


def contingent_rules() -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> Any:
        levels = draw(st.integers(1, 5))
        start = draw(st.one_of(st.none(), st.integers(0, levels)))
        return pl.contingent_fading(levels=levels, fade_after=draw(st.integers(1, 3)), start=start)

    return build()


def opportunity_rules() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(pl.linear_fading, st.integers(1, 6)),
        st.builds(pl.stepwise_fading, st.integers(1, 3)),
    )


def rules() -> st.SearchStrategy[Any]:
    return st.one_of(contingent_rules(), opportunity_rules(), st.builds(pl.backward_fading, st.integers(1, 4), reinstate=st.booleans()))


def supports() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 0.25, 0.75, 1.0]), unit)


advance = st.integers(1, 4)


@st.composite
def bkt_fields(draw: st.DrawFn) -> dict[str, float]:
    slip = draw(st.sampled_from([0.0, 0.05, 0.1, 0.3]))
    guess = draw(st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5]))
    return {
        "threshold": draw(st.one_of(st.sampled_from([0.5, 0.8, 0.95, 1.0]), st.floats(0.05, 1.0))),
        "prior": draw(st.one_of(st.sampled_from([0.0, 0.2, 0.5, 1.0]), unit)),
        "learn": draw(st.one_of(st.sampled_from([0.0, 0.15, 0.4, 1.0]), unit)),
        "guess": guess,
        "slip": slip,
    }


@st.composite
def responsive(draw: st.DrawFn) -> pl.ResponsiveTeaching:
    proceed = draw(st.one_of(st.sampled_from([0.8, 0.5, 1.0]), st.floats(0.01, 1.0)))
    regroup = min(proceed, draw(st.one_of(st.sampled_from([0.0, 0.3, proceed]), st.floats(0.0, 1.0))))
    return pl.ResponsiveTeaching(
        proceed_at=proceed,
        regroup_at=regroup,
        rule=draw(rules()),
        options=draw(st.integers(2, 5)),
        advance_after=draw(advance),
    )


@st.composite
def track_qualities(draw: st.DrawFn, n_groups: int) -> tuple[float, ...] | None:
    if draw(st.booleans()):
        return None
    return tuple(draw(st.lists(st.sampled_from([0.0, 0.5, 0.75, 1.0, 1.1, 3.0]), min_size=n_groups, max_size=n_groups)))


@st.composite
def fixed_groups(draw: st.DrawFn) -> pl.FixedGroups:
    n_groups = draw(st.integers(1, 4))
    return pl.FixedGroups(
        n_groups=n_groups,
        advance_share=draw(st.one_of(st.sampled_from([0.6, 1.0, 0.5]), st.floats(0.01, 1.0))),
        track_quality=draw(track_qualities(n_groups)),
        advance_after=draw(advance),
    )


POLICIES: dict[str, st.SearchStrategy[Any]] = {
    "whole-class-pace": st.builds(pl.WholeClassPace, steps_per_skill=st.integers(1, 5), begin=st.integers(0, 3)),
    "permanent-scaffolds": st.builds(pl.PermanentScaffolds, support=supports(), advance_after=advance),
    "fading-scaffolds": st.builds(pl.FadingScaffolds, rule=rules(), advance_after=advance),
    "tiered-tasks": st.builds(
        pl.TieredTasks,
        ceiling=st.one_of(st.none(), st.sampled_from([0.0, 0.6, 1.0]), unit),
        lower_support=st.one_of(supports(), rules()),
        upper_support=st.one_of(supports(), rules()),
        split=st.one_of(st.sampled_from([0.0, 0.5, 1.0]), unit),
        advance_after=advance,
    ),
    "mastery-learning": bkt_fields().map(lambda fields: pl.MasteryLearning(**fields)),
    "adaptive-content": bkt_fields().map(lambda fields: pl.AdaptiveContent(**fields)),
    "fixed-groups": fixed_groups(),
    "flexible-groups": st.builds(pl.FlexibleGroups, n_groups=st.integers(1, 4), advance_after=advance),
    "responsive-teaching": responsive(),
}


# ------------------------------------------------------------------- checks
def assert_same(result: pl.SimulationResult, ref: SimulationRef, graph: pl.CompiledGraph) -> None:
    ids = graph.skill_ids
    assert result.sequence == tuple(ids[j] for j in ref.sequence)
    assert result.attainment.tolist() == ref.attainment
    assert result.goal_reached.tolist() == ref.goal_reached
    assert result.practice_correct.tolist() == ref.practice_correct
    assert result.practice_attempts.tolist() == ref.practice_attempts
    assert result.final_state.tolist() == ref.final_state


def run_both(policy: Any, case: dict[str, Any], **library: Any) -> tuple[pl.SimulationResult, SimulationRef]:
    result = pl.simulate(case["graph"], policy, **{k: v for k, v in case.items() if k != "graph"}, **library)
    ref = simulate_reference(case["graph"], policy, **{k: v for k, v in case.items() if k != "graph"})
    return result, ref


def check(policy: Any, case: dict[str, Any]) -> None:
    result, ref = run_both(policy, case)
    assert_same(result, ref, case["graph"])
    if case["n_steps"]:
        event(f"someone learned: {result.attainment[-1].sum() > result.attainment[0].sum()}")


# ---------------------------------------------------------- property tests
N_EXAMPLES = {"adaptive-content": 40, "tiered-tasks": 80, "responsive-teaching": 80, "fading-scaffolds": 80}


@pytest.mark.parametrize("name", list(POLICIES))
def test_simulate_matches_the_reference(name: str) -> None:
    @examples(N_EXAMPLES.get(name, 60))
    @given(policy=POLICIES[name], case=cases(large=name != "adaptive-content"))
    def inner(policy: Any, case: dict[str, Any]) -> None:
        check(policy, case)

    inner()


# -------------------------------------------------------- worked examples
EXAMPLE_POLICIES = [
    pl.WholeClassPace(steps_per_skill=2),
    pl.PermanentScaffolds(),
    pl.PermanentScaffolds(support=0.0),
    pl.FadingScaffolds(),
    pl.FadingScaffolds(rule=pl.linear_fading(3)),
    pl.TieredTasks(),
    pl.TieredTasks(ceiling=None),
    pl.TieredTasks(lower_support=pl.contingent_fading(levels=4, start=2)),
    pl.TieredTasks(lower_support=pl.contingent_fading(levels=4, start=2), ceiling=None),
    pl.MasteryLearning(),
    pl.AdaptiveContent(),
    pl.FixedGroups(),
    pl.FixedGroups(track_quality=(0.75, 1.0, 1.1)),
    pl.FlexibleGroups(),
    pl.ResponsiveTeaching(),
]


@pytest.mark.parametrize("policy", EXAMPLE_POLICIES, ids=repr)
@pytest.mark.parametrize(
    ("model", "goal"),
    [(pl.LearnerModel(), None), (pl.LearnerModel(forget=0.05, prerequisite_damping=0.5), "s6")],
    ids=["default", "forget-goal"],
)
def test_ten_skill_chain(policy: Any, model: pl.LearnerModel, goal: str | None) -> None:
    graph = chain(10)
    case = {"graph": graph, "n_learners": 50, "n_steps": 20, "rng": 11, "model": model, "goal": goal, "class_size": 30}
    result, ref = run_both(policy, case)
    assert_same(result, ref, graph)
    assert result.practice_attempts.sum() > 0


@pytest.mark.parametrize("policy", [pl.FadingScaffolds(), pl.ResponsiveTeaching(), pl.FixedGroups(), pl.FlexibleGroups()], ids=repr)
def test_several_random_blocks_and_block_size(policy: Any) -> None:
    """2,100 learners span three random-stream blocks: the same with block_size 8192 and 1024."""
    graph = pl.compile_graph([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c"), ("c", "e")])
    case = {"graph": graph, "n_learners": 2100, "n_steps": 6, "rng": 5, "model": pl.LearnerModel(forget=0.1), "goal": None,
            "class_size": 25}
    options = {k: v for k, v in case.items() if k != "graph"}
    ref = simulate_reference(graph, policy, **options)
    for block_size in (8192, 1024):
        assert_same(pl.simulate(graph, policy, **options, block_size=block_size), ref, graph)


def test_two_execution_blocks() -> None:
    """More than 8,192 learners: two library blocks (two policy runs), mirrored by the reference."""
    graph = chain(3)
    policy = pl.ResponsiveTeaching()
    case = {"n_learners": 8200, "n_steps": 2, "rng": 3, "model": pl.LearnerModel(), "goal": None, "class_size": 7}
    result = pl.simulate(graph, policy, **case)
    assert_same(result, simulate_reference(graph, policy, **case), graph)


def test_generator_seed_is_consumed_once() -> None:
    """A Generator seed gives one draw of root entropy, in both."""
    graph = chain(4)
    policy = pl.FadingScaffolds()
    result = pl.simulate(graph, policy, n_learners=20, n_steps=5, rng=np.random.default_rng(9))
    ref = simulate_reference(graph, policy, n_learners=20, n_steps=5, rng=np.random.default_rng(9))
    assert_same(result, ref, graph)


@examples(25)
@given(rule=rules(), advance_after=advance, case=cases(large=False))
def test_tiered_without_ceiling_or_tiers_is_fading_scaffolds(rule: Any, advance_after: int, case: dict[str, Any]) -> None:
    """TieredTasks' documented ablation: no ceiling, the same rule for both tiers == FadingScaffolds, seed for seed."""
    options = {k: v for k, v in case.items() if k != "graph"}
    tiered = pl.TieredTasks(ceiling=None, lower_support=rule, upper_support=rule, advance_after=advance_after)
    fading = pl.FadingScaffolds(rule=rule, advance_after=advance_after)
    result = pl.simulate(case["graph"], tiered, **options)
    assert result == pl.simulate(case["graph"], fading, **options)
    assert_same(result, simulate_reference(case["graph"], fading, **options), case["graph"])
