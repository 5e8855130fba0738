"""Bad-input cases: scaffolds, fading rules, cohort state, audits, and the support plots."""

from __future__ import annotations

from typing import Any

import numpy as np

import personalise as pl
from personalise import scaffolds
from tests.meta.battery import Case
from tests.meta.cases_graph import graph


def scaffold() -> pl.Scaffold:
    return pl.Scaffold("add", pl.contingent_fading(levels=4), kind="prompt")


def state() -> scaffolds.ScaffoldState:
    start = scaffolds.ScaffoldState.start(3, [scaffold(), pl.Scaffold("count", pl.linear_fading(5))])
    return start.after(np.array([[True, False], [False, False], [True, True]]))


def state_fields() -> dict[str, Any]:
    grown = state()
    return {"skills": ["add", "count"], "kinds": ["prompt", "prompt"],
            "rules": [pl.contingent_fading(levels=4), pl.linear_fading(5)], "level": np.array(grown.level),
            **{name: np.array(getattr(grown, name))
               for name in ("opportunities", "successes", "failures", "streak", "failure_run")}}


def drawn(axes: Any) -> tuple[Any, ...]:
    """The data of every line an Axes holds (the figure is closed: hundreds of calls must not pile up)."""
    import matplotlib.pyplot as plt

    data = tuple(np.asarray(line.get_ydata(), dtype=float) for line in axes.get_lines())
    plt.close(axes.figure)
    return data


def plotting(function: Any) -> Any:
    def call(**kwargs: Any) -> Any:
        return drawn(function(**kwargs))

    return call


def supports(result: Any) -> None:
    for values in result.values() if isinstance(result, dict) else (result,):
        array = np.asarray(values)
        assert ((array >= 0) & (array <= 1)).all(), f"support outside [0, 1]: {array}"


RULES = {"linear": {"rule": "linear", "opportunities": 5}}

CASES = [
    # ---------------------------------------------------------------- rules
    Case(("linear_fading",), pl.linear_fading, lambda: {"opportunities": 5}),
    Case(("scaffolds.LinearFading",), scaffolds.LinearFading, lambda: {"opportunities": 5},
         label="LinearFading"),
    Case(("exponential_fading",), pl.exponential_fading, lambda: {"half_life": 3.0, "floor": 0.05}),
    Case(("scaffolds.ExponentialFading",), scaffolds.ExponentialFading, lambda: {"half_life": 3.0, "floor": 0.05},
         label="ExponentialFading"),
    Case(("stepwise_fading",), pl.stepwise_fading, lambda: {"every": 2, "levels": (1.0, 0.5, 0.0)}),
    Case(("scaffolds.StepwiseFading",), scaffolds.StepwiseFading, lambda: {"every": 2, "levels": (1.0, 0.5, 0.0)},
         label="StepwiseFading"),
    Case(("contingent_fading",), pl.contingent_fading, lambda: {"levels": 4, "fade_after": 2, "start": 3}),
    Case(("scaffolds.ContingentFading",), scaffolds.ContingentFading,
         lambda: {"levels": 4, "fade_after": 2, "start_level": 3}, label="ContingentFading"),
    Case(("backward_fading",), pl.backward_fading, lambda: {"n_steps": 4, "reinstate": True}),
    Case(("scaffolds.BackwardFading",), scaffolds.BackwardFading, lambda: {"n_steps": 4, "reinstate": True},
         label="BackwardFading"),
    Case(("mastery_fading",), pl.mastery_fading, lambda: {"full": 0.3, "none": 0.95}),
    Case(("scaffolds.MasteryFading",), scaffolds.MasteryFading, lambda: {"full": 0.3, "none": 0.95},
         label="MasteryFading"),
    Case(("scaffolds.rule_from_dict",), scaffolds.rule_from_dict, lambda: {"data": dict(RULES["linear"])}),
    Case(("scaffolds.FadingRule",), lambda rule, level: rule.supports(level),
         lambda: {"rule": pl.linear_fading(4), "level": np.array([[1.0, 0.5], [0.25, 0.0]])}, perturb=("level",),
         check=supports, label="FadingRule.supports"),
    # ---------------------------------------------------------------- one scaffold
    Case(("Scaffold",), pl.Scaffold,
         lambda: {"skill": "add", "rule": pl.contingent_fading(levels=4), "kind": "worked example", "level": 3,
                  "opportunities": 2, "successes": 1, "failures": 1, "streak": 1, "failure_run": 0,
                  "functions": ["reduction in degrees of freedom"]}),
    Case(("Scaffold",), lambda obj, success, mastery: obj.after(success, mastery=mastery),
         lambda: {"obj": pl.Scaffold("add", pl.mastery_fading()), "success": True, "mastery": 0.5},
         perturb=("success", "mastery"), label="Scaffold.after"),
    Case(("Scaffold",), lambda obj, steps: obj.advanced(steps),
         lambda: {"obj": pl.Scaffold("add", pl.linear_fading(5)), "steps": 2}, perturb=("steps",),
         label="Scaffold.advanced"),
    Case(("Scaffold",), lambda document: pl.Scaffold.from_json(document), lambda: {"document": scaffold().to_json()},
         label="Scaffold.from_json"),
    Case(("Scaffold",), lambda data: pl.Scaffold.from_dict(data), lambda: {"data": scaffold().to_dict()},
         label="Scaffold.from_dict"),
    # ---------------------------------------------------------------- cohort state
    Case(("ScaffoldState",), scaffolds.ScaffoldState, state_fields),
    Case(("ScaffoldState",), lambda n_learners, scaffolds: pl.ScaffoldState.start(n_learners, scaffolds),
         lambda: {"n_learners": 3, "scaffolds": [scaffold()]}, label="ScaffoldState.start"),
    Case(("ScaffoldState",), lambda obj, outcomes, mastery, active: obj.after(outcomes, mastery=mastery,
                                                                               active=active),
         lambda: {"obj": scaffolds.ScaffoldState.start(3, [pl.Scaffold("add", pl.mastery_fading()),
                                                           pl.Scaffold("count", pl.linear_fading(5))]),
                  "outcomes": np.array([[True, False], [False, False], [True, True]]),
                  "mastery": np.array([[0.5, 0.2], [0.9, 0.1], [0.3, 0.3]]),
                  "active": np.array([[True, True], [False, True], [True, False]])},
         perturb=("outcomes", "mastery", "active"), label="ScaffoldState.after"),
    Case(("ScaffoldState",), lambda obj, learner, column: obj.scaffold(learner, column),
         lambda: {"obj": state(), "learner": 1, "column": 0}, perturb=("learner", "column"),
         label="ScaffoldState.scaffold"),
    Case(("ScaffoldState",), lambda document: pl.ScaffoldState.from_json(document),
         lambda: {"document": state().to_json()}, label="ScaffoldState.from_json"),
    # ---------------------------------------------------------------- audits
    Case(("audit_scaffolds",), pl.audit_scaffolds,
         lambda: {"state": state(), "learner_ids": ["ann", "bob", "cat"], "max_opportunities": 1,
                  "struggle_after": 1, "graph": graph(),
                  "mastery": np.array([[0.99, 0.2, 0.1, 0.0], [0.5, 0.1, 0.3, 0.1], [0.1, 0.0, 0.0, 0.0]]),
                  "threshold": 0.95}),
    Case(("Finding",), pl.Finding,
         lambda: {"kind": "struggle", "learner": "ann", "column": 0, "skill": "add", "message": "ann failed 4 times",
                  "review": ["count"]}),
    # ---------------------------------------------------------------- exploring fading
    Case(("fading_paths",), scaffolds.fading_paths,
         lambda: {"scaffold": scaffold(), "rules": [pl.linear_fading(4), pl.mastery_fading()],
                  "outcomes": [True, False, True], "params": pl.BKTParams.constant(["add"], prior=0.2, learn=0.2,
                                                                                 guess=0.2, slip=0.1)},
         check=supports),
    Case(("explore_fading",), scaffolds.explore_fading,
         lambda: {"scaffold": scaffold(), "rules": {"linear": pl.linear_fading(4)}, "outcomes": [True, False]}),
    Case(("FadingExplorer",), scaffolds.FadingExplorer,
         lambda: {"scaffold": scaffold(), "rules": {"linear": pl.linear_fading(4)}, "outcomes": [True, False]}),
    Case(("FadingExplorer",), lambda obj, success: obj.click(success),
         lambda: {"obj": scaffolds.FadingExplorer(scaffold()), "success": True}, perturb=("success",),
         label="FadingExplorer.click"),
    Case(("plot_fading",), plotting(scaffolds.plot_fading),
         lambda: {"scaffold": scaffold(), "rules": [pl.linear_fading(4)], "outcomes": [True, False],
                  "title": "Fading"}),
    # ---------------------------------------------------------------- plots
    Case(("plot_support",), plotting(pl.plot_support),
         lambda: {"support": np.array([[1.0, 1.0], [0.75, 0.5], [0.5, 0.75]]), "labels": ["ann", "bob"],
                  "title": "Support", "threshold": 0.25}),
    Case(("plot_self_review",), plotting(pl.plot_self_review),
         lambda: {"review": pl.SelfReview()}),
]

EXEMPT: dict[str, str] = {}
