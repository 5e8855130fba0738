"""Bad-input cases: the simulated learner, the teaching policies and the simulation engine.

A policy's case builds the policy from the arguments and simulates a tiny
cohort with it, so that a value the constructor accepts is also one the
simulation can use.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import personalise as pl
from personalise import simulation
from tests.meta.battery import Case
from tests.meta.cases_graph import graph


def run(policy_class: Any) -> Any:
    def call(**options: Any) -> pl.SimulationResult:
        return pl.simulate(graph(), policy_class(**options), n_learners=4, n_steps=4, rng=0, class_size=2)

    return call


def result() -> pl.SimulationResult:
    return pl.simulate(graph(), simulation.WholeClassPace(steps_per_skill=1), n_learners=4, n_steps=3, rng=0,
                       class_size=2)


def result_fields() -> dict[str, Any]:
    made = result()
    return {"skill_ids": list(made.skill_ids), "sequence": list(made.sequence), "goal": None, "policy": made.policy,
            "model": made.model, "entropy": 7, "class_size": 2, "attainment": np.array(made.attainment),
            "goal_reached": np.array(made.goal_reached), "practice_correct": np.array(made.practice_correct),
            "practice_attempts": np.array(made.practice_attempts), "final_state": np.array(made.final_state),
            "trajectories": None}


def setting_fields() -> dict[str, Any]:
    return {"graph": graph(), "sequence": np.array([0, 1, 2, 3]), "goal": None, "pretest": np.zeros((3, 4), bool),
            "known": np.zeros(3, np.intp), "class_of": np.zeros(3, np.intp), "n_classes": 1}


POLICY_OPTIONS: dict[str, dict[str, Any]] = {
    "WholeClassPace": {"steps_per_skill": 2, "begin": 1},
    "TieredTasks": {"ceiling": 0.6, "lower_support": 0.75, "upper_support": 0.0, "split": 0.5, "advance_after": 2},
    "FadingScaffolds": {"rule": pl.contingent_fading(levels=4), "advance_after": 2},
    "PermanentScaffolds": {"support": 0.75, "advance_after": 2},
    "AdaptiveContent": {"threshold": 0.95, "prior": 0.2, "learn": 0.15, "guess": 0.2, "slip": 0.1},
    "ResponsiveTeaching": {"proceed_at": 0.8, "regroup_at": 0.3, "rule": pl.contingent_fading(levels=4),
                           "options": 4, "advance_after": 2},
    "MasteryLearning": {"threshold": 0.95, "prior": 0.2, "learn": 0.15, "guess": 0.2, "slip": 0.1},
    "FixedGroups": {"n_groups": 2, "advance_share": 0.6, "track_quality": np.array([0.6, 0.8]), "advance_after": 2},
    "FlexibleGroups": {"n_groups": 2, "advance_after": 2},
}


def _policy_case(name: str) -> Case:
    options = POLICY_OPTIONS[name]
    return Case((name,), run(getattr(simulation, name)), lambda: dict(options))


CASES = [
    *(_policy_case(name) for name in POLICY_OPTIONS),
    Case(("policy_from_name",),
         lambda name, steps_per_skill: simulation.policy_from_name(name, steps_per_skill=steps_per_skill),
         lambda: {"name": "whole-class-pace", "steps_per_skill": 3}),
    Case(("policy_from_dict",), simulation.policy_from_dict,
         lambda: {"data": {"policy": "fixed-groups", "n_groups": 2, "advance_share": 0.5, "advance_after": 2}}),
    Case(("LearnerModel",),
         lambda **options: pl.simulate(graph(), simulation.WholeClassPace(), n_learners=4, n_steps=3, rng=0,
                                       model=simulation.LearnerModel(**options)),
         lambda: {"learn_rate": 0.2, "ability_effect": 0.8, "prior_share": 0.2, "prior_spread": 0.1,
                  "prior_noise": 0.07, "prior_max_share": 0.5, "slip": 0.1, "guess": 0.2,
                  "unsupported_acquisition": 0.5, "support_boost": 2.0, "dependency": True,
                  "prerequisite_damping": 1.0, "forget": 0.01}),
    Case(("LearnerModel",), lambda data: simulation.LearnerModel.from_dict(data),
         lambda: {"data": simulation.LearnerModel(learn_rate=0.3).to_dict()}, label="LearnerModel.from_dict"),
    Case(("Assignment",), simulation.Assignment,
         lambda: {"skill": np.array([0, 1, 2]), "support": np.array([0.0, 0.5, 1.0]),
                  "quality": np.array([1.0, 0.8, 0.6])}),
    Case(("PolicySetting",), simulation.PolicySetting, setting_fields),
    Case(("simulate",), pl.simulate,
         lambda: {"graph": graph(), "policy": simulation.TieredTasks(), "n_learners": 5, "n_steps": 4, "rng": 3,
                  "model": simulation.LearnerModel(), "goal": "multiply", "class_size": 2, "trajectories": True,
                  "block_size": 1024}),
    Case(("SimulationResult",), simulation.SimulationResult, result_fields),
    Case(("SimulationResult",), lambda document: pl.SimulationResult.from_json(document),
         lambda: {"document": result().to_json()}, label="SimulationResult.from_json"),
    Case(("SimulationResult",), lambda obj, baseline: obj.effect_size(baseline),
         lambda: {"obj": pl.simulate(graph(), simulation.TieredTasks(), n_learners=4, n_steps=3, rng=0,
                                     class_size=2), "baseline": result()},
         perturb=("baseline",), label="SimulationResult.effect_size"),
]

EXEMPT: dict[str, str] = {}
