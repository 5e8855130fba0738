"""Regressions at the simulation boundary: constructors that check their fields, documents, two policy bugs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.simulation import PolicySetting

CHAIN = pl.compile_graph([("a", "b")])


def test_from_json_round_trips_entropy_zero_and_small_values() -> None:
    for seed in (0, 1, 9):
        result = pl.simulate(CHAIN, pl.FixedGroups(), n_learners=4, n_steps=2, rng=seed)
        document = json.loads(result.to_json())
        assert document["entropy"] == str(seed)
        back = pl.SimulationResult.from_json(document)
        assert back == result and back.entropy == seed
        assert pl.SimulationResult.from_json(back.to_json()) == back


@pytest.mark.parametrize("entropy", [-1, "-1", 1.0, True, None, " 7"])
def test_from_json_refuses_an_entropy_that_would_not_round_trip(entropy: Any) -> None:
    document = json.loads(pl.simulate(CHAIN, pl.FixedGroups(), n_learners=4, n_steps=2, rng=0).to_json())
    document["entropy"] = entropy
    with pytest.raises(pl.InvalidParameterError, match="entropy"):
        pl.SimulationResult.from_json(document)


def _setting(known: list[int], n_skills: int = 2) -> PolicySetting:
    graph = pl.compile_graph([(i, i + 1) for i in range(n_skills - 1)])
    pretest = np.arange(n_skills)[None, :] < np.array(known)[:, None]
    n = len(known)
    return PolicySetting(graph, np.arange(n_skills), None, pretest, np.array(known), np.zeros(n, np.intp), 1)


@pytest.mark.parametrize("n_groups", [1, 2, 3])
def test_flexible_groups_teach_the_unfinished_learner_of_a_short_unit(n_groups: int) -> None:
    # four of five learners have shown the whole 2-skill unit; the lower quartile of a group that mixed
    # them with the fifth was a finished learner, so the fifth got no task
    run = pl.FlexibleGroups(n_groups=n_groups, advance_after=1).start(_setting([0, 2, 2, 2, 2]))
    skill = run.assign(0).skill
    assert skill[0] == 0
    assert (skill[1:] == -1).all()


class _Watched:
    """FlexibleGroups, with a replica of its progress to tell who has shown the whole unit."""

    name = "watched-flexible-groups"

    def __init__(self) -> None:
        self.idle_unfinished = 0

    def start(self, setting: PolicySetting) -> Any:
        inner = pl.FlexibleGroups(n_groups=3, advance_after=1).start(setting)
        position = setting.known.copy()
        sequence, watcher = setting.sequence, self

        class Run:
            def assign(self, step: int) -> pl.Assignment:
                assignment = inner.assign(step)
                watcher.idle_unfinished += int(np.sum((assignment.skill < 0) & (position < sequence.shape[0])))
                return assignment

            def observe(self, assignment: pl.Assignment, practice: np.ndarray, exit_question: np.ndarray) -> None:
                own = np.where(position < sequence.shape[0], sequence[np.minimum(position, sequence.shape[0] - 1)], -2)
                position[:] += (assignment.skill == own) & exit_question
                inner.observe(assignment, practice, exit_question)

        return Run()


@pytest.mark.parametrize("n_skills", [2, 3, 5])
def test_flexible_groups_never_leave_an_unfinished_learner_idle(n_skills: int) -> None:
    graph = pl.compile_graph([(i, i + 1) for i in range(n_skills - 1)])
    policy = _Watched()
    pl.simulate(graph, policy, n_learners=60, n_steps=40, rng=1)
    assert policy.idle_unfinished == 0


def test_whole_class_pace_far_past_the_unit_is_no_task_not_an_overflow() -> None:
    result = pl.simulate(CHAIN, pl.WholeClassPace(begin=10**20), n_learners=3, n_steps=2, rng=0)
    assert result.practice_attempts.tolist() == [0, 0]


@pytest.mark.parametrize(("call", "word"), [
    (lambda: pl.policy_from_dict(None), "data"),
    (lambda: pl.policy_from_dict({"policy": 3}), "data"),
    (lambda: pl.policy_from_name("no-such-policy"), "name"),
    (lambda: pl.LearnerModel.from_dict("x"), "data"),
    (lambda: pl.LearnerModel.from_dict({1: 0.2, "slip": 0.1}), "data"),
    (lambda: pl.simulate(CHAIN, pl.FixedGroups(), n_learners=2, n_steps=1, goal="nope"), "goal"),
    (lambda: pl.FlexibleGroups(n_groups=10**20), "n_groups"),
    (lambda: pl.FixedGroups(n_groups=2, track_quality=np.array([1 + 0j, 1])), "track_quality"),
])
def test_errors_name_the_argument(call: Any, word: str) -> None:
    with pytest.raises(pl.PersonaliseError, match=word):
        call()


def test_assignment_checks_and_compares_its_arrays() -> None:
    skill, support = np.array([0, -1]), np.array([0.5, 0.0])
    assignment = pl.Assignment(skill, support)
    assert assignment == pl.Assignment(np.asfortranarray(skill), support[::1].copy())
    assert not assignment.skill.flags.writeable and skill.flags.writeable
    for bad, word in [({"skill": np.array([0.0, 1.0])}, "skill"), ({"skill": np.array([0, -2])}, "skill"),
                      ({"support": np.array([np.nan, 0.0])}, "support"), ({"support": np.zeros(3)}, "support"),
                      ({"quality": np.array([1.0, np.inf])}, "quality")]:
        with pytest.raises(pl.InvalidParameterError, match=word):
            pl.Assignment(**{"skill": skill, "support": support, **bad})


def test_policy_setting_checks_its_fields_against_each_other() -> None:
    good = _setting([0, 1, 2])
    assert good == _setting([0, 1, 2]) and not good.known.flags.writeable
    fields = {"graph": good.graph, "sequence": good.sequence, "goal": None, "pretest": good.pretest,
              "known": good.known, "class_of": good.class_of, "n_classes": 1}
    for name, value in [("graph", None), ("sequence", np.array([0, 5])), ("goal", float("nan")),
                        ("pretest", np.zeros((2, 2), bool)), ("known", np.array([0, 1, 3])),
                        ("class_of", np.array([0, 0, 1])), ("n_classes", 0)]:
        with pytest.raises(pl.PersonaliseError, match=name):
            PolicySetting(**{**fields, name: value})


def test_simulation_result_checks_its_fields_against_each_other() -> None:
    made = pl.simulate(CHAIN, pl.WholeClassPace(steps_per_skill=1), n_learners=4, n_steps=3, rng=0)
    fields = {name: getattr(made, name) for name in ("skill_ids", "sequence", "goal", "policy", "model", "entropy",
                                                      "class_size", "attainment", "goal_reached", "practice_correct",
                                                      "practice_attempts", "final_state", "trajectories")}
    assert pl.SimulationResult(**fields) == made
    for name, value in [("skill_ids", []), ("sequence", ["a", "zzz"]), ("goal", "zzz"), ("policy", "fixed"),
                        ("model", None), ("entropy", -1), ("class_size", 0), ("attainment", np.full((4, 4), 9)),
                        ("attainment", np.zeros((4, 4)) + 0.5), ("goal_reached", np.zeros((3, 4), bool)),
                        ("practice_correct", np.full(3, 5)), ("final_state", np.full((4, 2), 3)),
                        ("trajectories", np.zeros((4, 4, 3), np.int8))]:
        with pytest.raises(pl.PersonaliseError, match=name):
            pl.SimulationResult(**{**fields, name: value})
