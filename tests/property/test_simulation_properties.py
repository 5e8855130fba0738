"""Properties of :func:`personalise.simulate`: reproducibility, block independence, invariants.

* the same seed gives equal results for every built-in policy, whatever
  ``block_size``; ``rng=result.entropy`` reproduces a run seeded by the OS;
* the DOMAIN check 7c identity: untiered, uncapped :class:`TieredTasks` with
  the same rule for both tiers is :class:`FadingScaffolds`, seed for seed;
* invariants on random graphs, policies, cohorts and learner models
  (attainment against the latent states of the trajectories, shapes, the
  pretest prefix, monotone attainment without forgetting, goals);
* custom policies following the protocol run, and invalid assignments are
  refused with the step and learner named.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise._random import RNG_BLOCK, block_generator, root_entropy
from personalise.simulation.model import initial_learners
from tests.strategies import compiled_dags, examples, seeds

#: A small curriculum: two strands joining, a shortcut edge and an isolated skill.
CURRICULUM = pl.compile_graph(
    [
        ("count", "add"),
        ("add", "subtract"),
        ("add", "multiply"),
        ("multiply", "divide"),
        ("subtract", "divide"),
        ("divide", "fractions"),
        ("count", "fractions"),
        ("fractions", "decimals"),
    ],
    skills=["count", "add", "subtract", "multiply", "divide", "fractions", "decimals", "time"],
)

POLICY_VARIANTS: tuple[Any, ...] = (
    *(cls() for cls in pl.POLICIES.values()),
    pl.WholeClassPace(steps_per_skill=2, begin=1),
    pl.TieredTasks(ceiling=None, lower_support=pl.linear_fading(3)),
    pl.TieredTasks(ceiling=0.0, split=1.0),
    pl.FadingScaffolds(rule=pl.backward_fading(3), advance_after=1),
    pl.PermanentScaffolds(support=0.0),
    pl.PermanentScaffolds(support=1.0),
    pl.ResponsiveTeaching(proceed_at=0.5, regroup_at=0.5, options=2, advance_after=1),
    pl.MasteryLearning(threshold=0.6),
    pl.FixedGroups(n_groups=2, track_quality=(0.5, 1.2), advance_share=1.0),
    pl.FlexibleGroups(n_groups=1, advance_after=1),
    pl.AdaptiveContent(threshold=0.7),
)


def run(policy: Any, *, graph: pl.CompiledGraph = CURRICULUM, **options: Any) -> pl.SimulationResult:
    options.setdefault("n_learners", 60)
    options.setdefault("n_steps", 12)
    options.setdefault("rng", 11)
    return pl.simulate(graph, policy, **options)


# ------------------------------------------------------------ reproducibility
@pytest.mark.parametrize("name", sorted(pl.POLICIES))
def test_same_seed_same_result(name: str) -> None:
    policy = pl.POLICIES[name]()
    first = run(policy, class_size=17, goal="fractions")
    again = run(pl.policy_from_name(name), class_size=17, goal="fractions")
    assert first == again
    assert first.entropy == 11
    other = run(policy, class_size=17, goal="fractions", rng=12)
    assert other != first


@pytest.mark.parametrize(
    "policy",
    [pl.ResponsiveTeaching(), pl.AdaptiveContent(), pl.FixedGroups(track_quality=(0.75, 1.0, 1.1)), pl.TieredTasks()],
    ids=lambda p: p.name,
)
def test_results_do_not_depend_on_block_size(policy: Any) -> None:
    model = pl.LearnerModel(forget=0.02)
    results = [
        run(policy, n_learners=2500, n_steps=10, rng=2024, model=model, block_size=size, trajectories=True)
        for size in (RNG_BLOCK, 2 * RNG_BLOCK, 8 * RNG_BLOCK)
    ]
    assert results[0] == results[1] == results[2]
    # a whole random-stream block does not depend on how many learners follow it
    first_block = run(policy, n_learners=RNG_BLOCK, n_steps=10, rng=2024, model=model)
    np.testing.assert_array_equal(first_block.attainment, results[0].attainment[:, :RNG_BLOCK])
    np.testing.assert_array_equal(first_block.final_state, results[0].final_state[:RNG_BLOCK])


def test_entropy_reproduces_an_os_seeded_run() -> None:
    fresh = run(pl.FadingScaffolds(), rng=None)
    assert isinstance(fresh.entropy, int) and fresh.entropy >= 0
    assert run(pl.FadingScaffolds(), rng=fresh.entropy) == fresh
    assert run(pl.FadingScaffolds(), rng=np.random.SeedSequence(fresh.entropy)) == fresh
    assert run(pl.FadingScaffolds(), rng=None).entropy != fresh.entropy


def test_a_generator_is_accepted_and_advanced() -> None:
    gen = np.random.default_rng(5)
    first = run(pl.ResponsiveTeaching(), rng=gen)
    assert first == run(pl.ResponsiveTeaching(), rng=np.random.default_rng(5))
    assert first.entropy == root_entropy(np.random.default_rng(5))
    assert run(pl.ResponsiveTeaching(), rng=first.entropy) == first
    second = run(pl.ResponsiveTeaching(), rng=gen)  # the generator moved on
    assert second.entropy != first.entropy


# ------------------------------------------------------- DOMAIN check 7c
@pytest.mark.parametrize(("seed", "goal", "class_size"), [(0, None, 30), (1, "fractions", 7), (2, None, 1024)])
def test_untiered_uncapped_tiered_tasks_is_fading_scaffolds(seed: int, goal: Any, class_size: int) -> None:
    rule = pl.contingent_fading(levels=4, start=2)
    options = {"n_learners": 150, "n_steps": 30, "rng": seed, "goal": goal, "class_size": class_size}
    tiered = run(pl.TieredTasks(ceiling=None, lower_support=rule, upper_support=rule), **options)
    fading = run(pl.FadingScaffolds(rule=rule), **options)
    np.testing.assert_array_equal(tiered.attainment, fading.attainment)
    np.testing.assert_array_equal(tiered.final_state, fading.final_state)
    assert tiered == fading  # every recorded outcome, practice answers included
    # switching either mechanism back on changes the run
    assert run(pl.TieredTasks(ceiling=0.3, lower_support=rule, upper_support=rule), **options) != fading


# ---------------------------------------------------------------- invariants
@st.composite
def simulation_cases(draw: st.DrawFn, policy: Any = None) -> dict[str, Any]:
    G, graph = draw(compiled_dags(min_skills=1, max_skills=10))
    goal = draw(st.one_of(st.none(), st.sampled_from(list(graph.skill_ids))))
    forget = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5]))
    model = pl.LearnerModel(
        forget=forget,
        dependency=draw(st.booleans()),
        prerequisite_damping=draw(st.sampled_from([0.0, 0.5, 1.0])),
        learn_rate=draw(st.sampled_from([0.15, 0.6])),
        prior_share=draw(st.sampled_from([0.0, 0.2, 0.6])),
        prior_max_share=draw(st.sampled_from([0.5, 1.0])),
    )
    return {
        "G": G,
        "graph": graph,
        "policy": draw(st.sampled_from(POLICY_VARIANTS)) if policy is None else policy,
        "model": model,
        "goal": goal,
        "n_learners": draw(st.sampled_from([0, 1, 4, 9, 33])),
        "n_steps": draw(st.sampled_from([0, 1, 5, 12])),
        "class_size": draw(st.sampled_from([1, 7, 30])),
        "rng": draw(seeds),
    }


def simulate_case(case: dict[str, Any], **extra: Any) -> pl.SimulationResult:
    keys = ("policy", "model", "goal", "n_learners", "n_steps", "class_size", "rng")
    return pl.simulate(case["graph"], **{key: case[key] for key in keys}, **extra)


def independent_count(states: np.ndarray, columns: list[int]) -> np.ndarray:
    counts: np.ndarray = (states[..., columns] == 2).sum(axis=-1)
    return counts


@pytest.mark.parametrize("policy", POLICY_VARIANTS, ids=repr)
def test_invariants(policy: Any) -> None:
    @examples(12)
    @given(case=simulation_cases(policy))
    def check(case: dict[str, Any]) -> None:
        check_invariants(case)

    check()


def check_invariants(case: dict[str, Any]) -> None:
    graph, G = case["graph"], case["G"]
    n, steps, k = case["n_learners"], case["n_steps"], graph.n_skills
    result = simulate_case(case, trajectories=True)
    column = {s: j for j, s in enumerate(graph.skill_ids)}
    seq = [column[s] for s in result.sequence]

    # shapes and dtypes
    assert result.n_learners == n and result.n_steps == steps
    assert result.attainment.shape == result.goal_reached.shape == (steps + 1, n)
    assert result.practice_correct.shape == result.practice_attempts.shape == (steps,)
    assert result.final_state.shape == result.final_mastery.shape == (n, k)
    assert result.trajectories is not None and result.trajectories.shape == (steps + 1, n, k)
    assert set(np.unique(result.final_mastery).tolist()) <= {0.0, 1.0}
    summary = result.summary
    assert list(summary) == list(pl.SUMMARY_COLUMNS)
    assert all(values.shape == (steps + 1,) for values in summary.values())

    # counts and ranges
    assert (result.attainment >= 0).all() and (result.attainment <= len(seq)).all()
    assert (result.practice_attempts <= n).all() and (result.practice_attempts >= 0).all()
    assert (result.practice_correct <= result.practice_attempts).all() and (result.practice_correct >= 0).all()
    assert set(np.unique(result.trajectories).tolist()) <= {0, 1, 2}
    np.testing.assert_array_equal(result.final_mastery, result.final_state == 2)

    # attainment and goal_reached are read off the latent states
    paths = result.trajectories
    np.testing.assert_array_equal(paths[-1], result.final_state)
    np.testing.assert_array_equal(result.attainment, independent_count(paths, seq))
    if case["goal"] is None:
        assert result.goal is None
        np.testing.assert_array_equal(result.goal_reached, result.attainment == len(seq))
    else:
        np.testing.assert_array_equal(result.goal_reached, paths[:, :, column[case["goal"]]] == 2)

    # pretest: only 0 / 2, a prefix of a topological order, so prerequisite-closed
    start = paths[0]
    assert set(np.unique(start).tolist()) <= {0, 2}
    for u, v in G.edges:
        assert not ((start[:, column[v]] == 2) & (start[:, column[u]] != 2)).any()

    # one opportunity per learner and step: at most one cell moves up, and only forgetting moves down
    for t in range(steps):
        before, after = paths[t], paths[t + 1]
        up = after > before
        assert (up.sum(axis=1) <= 1).all()
        down = after < before
        if case["model"].forget == 0.0:
            assert not down.any()
        else:
            assert ((before[down] == 2) & (after[down] == 1)).all()
        assert int(result.practice_attempts[t]) >= int(up.any(axis=1).sum())
    if case["model"].forget == 0.0:
        assert (np.diff(result.attainment.astype(np.int64), axis=0) >= 0).all()

    # trajectories are a record only: the same run without them is the same result
    plain = simulate_case(case)
    assert plain.trajectories is None
    np.testing.assert_array_equal(plain.attainment, result.attainment)
    np.testing.assert_array_equal(plain.final_state, result.final_state)


@pytest.mark.parametrize("goal", [None, "divide"])
def test_initial_attainment_is_the_prior_knowledge_of_the_model(goal: Any) -> None:
    """Row 0 counts the pretest-mastered skills: the first ``known`` skills of the topological order.

    ``known`` comes from :func:`initial_learners` on each 1,024-learner block's
    first draws (two standard normals per learner).
    """
    model = pl.LearnerModel(prior_share=0.4, prior_spread=0.2, prior_max_share=0.75)
    n = RNG_BLOCK + 300
    result = run(pl.WholeClassPace(), n_learners=n, n_steps=0, rng=77, model=model, goal=goal, trajectories=True)
    sizes = [RNG_BLOCK, 300]
    normals = np.concatenate([block_generator(77, b).standard_normal((2, m)) for b, m in enumerate(sizes)], axis=1)
    _, known = initial_learners(model, normals, CURRICULUM.n_skills)
    assert result.trajectories is not None
    pretest = result.trajectories[0] == 2
    np.testing.assert_array_equal(pretest.sum(axis=1), known)
    in_sequence = [CURRICULUM.index_of(s) for s in result.sequence]
    np.testing.assert_array_equal(result.attainment[0], pretest[:, in_sequence].sum(axis=1))
    if goal is None:
        np.testing.assert_array_equal(result.attainment[0], known)
    assert result.attainment.shape == (1, n)


def test_forgetting_can_lower_attainment_but_states_stay_valid() -> None:
    model = pl.LearnerModel(forget=0.3, prior_share=0.5)
    result = run(pl.WholeClassPace(steps_per_skill=3), n_learners=80, n_steps=15, model=model, trajectories=True)
    assert (np.diff(result.attainment.astype(np.int64), axis=0) < 0).any()
    assert result.trajectories is not None
    assert set(np.unique(result.trajectories).tolist()) <= {0, 1, 2}
    steady = run(pl.WholeClassPace(steps_per_skill=3), n_learners=80, n_steps=15, model=pl.LearnerModel(prior_share=0.5))
    assert (np.diff(steady.attainment.astype(np.int64), axis=0) >= 0).all()


def test_trajectories_first_and_last_slices() -> None:
    result = run(pl.ResponsiveTeaching(), n_learners=45, n_steps=20, trajectories=True)
    assert result.trajectories is not None
    assert result.trajectories.dtype == np.int8
    np.testing.assert_array_equal(result.trajectories[-1], result.final_state)
    columns = [CURRICULUM.index_of(s) for s in result.sequence]
    np.testing.assert_array_equal((result.trajectories[0][:, columns] == 2).sum(axis=1), result.attainment[0])
    assert not result.trajectories.flags.writeable and not result.attainment.flags.writeable


def test_empty_cohort() -> None:
    result = run(pl.ResponsiveTeaching(), n_learners=0, n_steps=4, trajectories=True)
    k = CURRICULUM.n_skills
    assert result.attainment.shape == result.goal_reached.shape == (5, 0)
    assert result.final_state.shape == result.final_mastery.shape == (0, k)
    assert result.trajectories is not None and result.trajectories.shape == (5, 0, k)
    assert result.practice_attempts.tolist() == result.practice_correct.tolist() == [0, 0, 0, 0]
    for name, values in result.summary.items():
        assert values.shape == (5,) and np.isnan(values).all(), name
    assert result.gain_by_quartile().shape == (4,) and np.isnan(result.gain_by_quartile()).all()
    assert "n_learners=0" in repr(result) and "nan -> nan" in repr(result)
    plain = run(pl.ResponsiveTeaching(), n_learners=0, n_steps=4)
    assert pl.SimulationResult.from_json(plain.to_json()) == plain


def test_empty_cohort_with_trajectories_round_trips_through_json() -> None:
    result = run(pl.ResponsiveTeaching(), n_learners=0, n_steps=4, trajectories=True)
    back = pl.SimulationResult.from_json(result.to_json())
    assert back.trajectories is not None and back.trajectories.shape == (5, 0, CURRICULUM.n_skills)
    assert back == result


def test_zero_steps() -> None:
    result = run(pl.AdaptiveContent(), n_learners=10, n_steps=0, trajectories=True)
    assert result.n_steps == 0
    assert result.attainment.shape == (1, 10)
    assert result.practice_attempts.shape == result.practice_correct.shape == (0,)
    assert result.trajectories is not None and result.trajectories.shape == (1, 10, CURRICULUM.n_skills)
    np.testing.assert_array_equal(result.trajectories[0], result.final_state)
    assert all(values.shape == (1,) for values in result.summary.values())
    assert np.isnan(result.summary["practice_accuracy"]).all()
    np.testing.assert_array_equal(result.gain_by_quartile(), np.zeros(4))


# --------------------------------------------------------------------- goals
@examples(40)
@given(case=simulation_cases(), goal_seed=seeds)
def test_goal_restricts_the_sequence_to_the_goal_and_its_prerequisites(case: dict[str, Any], goal_seed: int) -> None:
    graph = case["graph"]
    goal = graph.skill_ids[goal_seed % graph.n_skills]
    result = simulate_case({**case, "goal": goal})
    G = graph.to_networkx()
    assert set(result.sequence) == nx.ancestors(G, goal) | {goal}
    assert len(result.sequence) == len(set(result.sequence))
    assert result.sequence[-1] == goal  # every other skill taught is one of its prerequisites
    position = {s: i for i, s in enumerate(result.sequence)}
    for u, v in G.subgraph(result.sequence).edges:
        assert position[u] < position[v]
    assert result.goal == goal
    summary = result.summary
    if result.n_learners:
        np.testing.assert_allclose(summary["share_goal"], result.goal_reached.mean(axis=1), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(result.goal_reached[-1], result.final_state[:, graph.index_of(goal)] == 2)
    whole = simulate_case({**case, "goal": None})
    assert set(whole.sequence) == set(graph.skill_ids) and whole.goal is None
    position = {s: i for i, s in enumerate(whole.sequence)}
    assert all(position[u] < position[v] for u, v in G.edges)


# ------------------------------------------------------------ custom policies
class EveryoneOnTheFirstSkill:
    """The :class:`personalise.Policy` docstring example."""

    name = "first-skill"

    def start(self, setting: pl.PolicySetting) -> Any:
        return _FirstSkillRun(setting.n_learners)


class _FirstSkillRun:
    def __init__(self, n: int) -> None:
        self.task = pl.Assignment(np.zeros(n, np.intp), np.zeros(n))
        self.seen: list[tuple[int, int]] = []

    def assign(self, step: int) -> pl.Assignment:
        return self.task

    def observe(self, assignment: pl.Assignment, practice: np.ndarray, exit_question: np.ndarray) -> None:
        self.seen.append((int(practice.sum()), int(exit_question.sum())))


def test_a_custom_policy_runs() -> None:
    policy = EveryoneOnTheFirstSkill()
    assert isinstance(policy, pl.Policy)
    result = pl.simulate(CURRICULUM, policy, n_learners=25, n_steps=6, rng=1)
    assert result.final_mastery.shape == (25, CURRICULUM.n_skills)
    assert result.practice_attempts.tolist() == [25] * 6
    assert result == pl.simulate(CURRICULUM, policy, n_learners=25, n_steps=6, rng=1)
    # only the first skill is ever practised: no other state changes after the pretest
    traced = pl.simulate(CURRICULUM, policy, n_learners=25, n_steps=6, rng=1, trajectories=True)
    assert traced.trajectories is not None
    np.testing.assert_array_equal(traced.trajectories[-1][:, 1:], traced.trajectories[0][:, 1:])
    # the custom policy keeps only its name in JSON
    back = pl.SimulationResult.from_json(result.to_json())
    assert back == result and back.policy == {"policy": "first-skill"}


class _Broken:
    """Assigns a valid task except at ``step`` for ``learner``, where ``spoil`` breaks the assignment."""

    name = "broken"

    def __init__(self, spoil: Any, step: int = 2, learner: int = 3) -> None:
        self.spoil, self.step, self.learner = spoil, step, learner

    def start(self, setting: pl.PolicySetting) -> Any:
        return _BrokenRun(self, setting.n_learners)


class _BrokenRun:
    def __init__(self, policy: _Broken, n: int) -> None:
        self.policy, self.n = policy, n

    def assign(self, step: int) -> Any:
        skill, support = np.zeros(self.n, np.intp), np.full(self.n, 0.5)
        if step == self.policy.step:
            return self.policy.spoil(skill, support, self.policy.learner)
        return pl.Assignment(skill, support)

    def observe(self, assignment: Any, practice: np.ndarray, exit_question: np.ndarray) -> None:
        return None


def _set(array: np.ndarray, i: int, value: Any) -> np.ndarray:
    array = array.astype(np.result_type(array, np.asarray(value)))
    array[i] = value
    return array


K = CURRICULUM.n_skills
BROKEN = {
    "column past the end": (
        lambda skill, support, i: pl.Assignment(_set(skill, i, K), support),
        rf"skill column {K} to learner 3 at step 2",
    ),
    "column below -1": (lambda skill, support, i: pl.Assignment(_set(skill, i, -2), support), r"skill column -2 to learner 3 at step 2"),
    "float skills": (
        lambda skill, support, i: pl.Assignment(skill.astype(float), support),
        r"assignment at step 2 must hold an integer skill array of shape \(10,\)",
    ),
    "short skills": (
        lambda skill, support, i: pl.Assignment(skill[:-1], support[:-1]),
        r"assignment at step 2 must hold an integer skill array of shape \(10,\); got int\d+ of shape \(9,\)",
    ),
    "wrong-shaped support": (
        lambda skill, support, i: pl.Assignment(skill, np.append(support, 0.5)),
        r"support at step 2 must have shape \(10,\); got \(11,\)",
    ),
    "support above 1": (lambda skill, support, i: pl.Assignment(skill, _set(support, i, 1.5)), r"support 1\.5 to learner 3 at step 2"),
    "negative support": (lambda skill, support, i: pl.Assignment(skill, _set(support, i, -0.25)), r"support -0\.25 to learner 3 at step 2"),
    "nan support": (lambda skill, support, i: pl.Assignment(skill, _set(support, i, np.nan)), r"support nan to learner 3 at step 2"),
    "no assignment": (lambda skill, support, i: None, r"at step 2 must hold an integer skill array"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_invalid_assignments_are_refused_naming_step_and_learner(kind: str) -> None:
    spoil, message = BROKEN[kind]
    with pytest.raises(pl.InvalidParameterError, match=message):
        pl.simulate(CURRICULUM, _Broken(spoil), n_learners=10, n_steps=4, rng=0)


def test_an_idle_learner_may_get_any_valid_support() -> None:
    """-1 is "no task" and support 0 or 1 are the closed ends of the range: all accepted."""

    def spoil(skill: np.ndarray, support: np.ndarray, i: int) -> pl.Assignment:
        return pl.Assignment(_set(skill, i, -1), _set(_set(support, 0, 0.0), i, 1.0))

    result = pl.simulate(CURRICULUM, _Broken(spoil), n_learners=10, n_steps=4, rng=0)
    assert result.practice_attempts.tolist() == [10, 10, 9, 10]
    assert re.search(r"policy='broken'", repr(result))
