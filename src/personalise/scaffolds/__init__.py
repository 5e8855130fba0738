"""Scaffolds that fade: the same goal for every learner, support that is temporary.

A :class:`Scaffold` is support towards one goal skill (a worked example, a
prompt, a sentence starter...). Its support, in [0, 1], follows a fading rule
(:mod:`personalise.scaffolds.fading`, built with :func:`linear_fading`,
:func:`exponential_fading`, :func:`stepwise_fading`, :func:`contingent_fading`,
:func:`backward_fading` or :func:`mastery_fading`): it falls as the learner
succeeds and, for the contingent and backward rules, comes back when the
learner struggles. A scaffold cannot be built without a fading rule, and
nothing on it changes its goal: support varies, the goal does not.

:class:`ScaffoldState` holds the same for a cohort, ``(n_learners,
n_scaffolds)`` arrays updated in one vectorised call, and
:func:`audit_scaffolds` looks for the two lethal mutations: support that
never fades, and goals lowered for some learners (tiered tasks).

:func:`fading_paths` and :func:`plot_fading` compare the rules on one run of
answers, and :func:`explore_fading` does the same in a notebook, the answers
added by clicking (a :class:`FadingExplorer`; it needs the ``widgets`` extra).
"""

from __future__ import annotations

from personalise.scaffolds.audit import Finding, audit_scaffolds
from personalise.scaffolds.explore import FadingExplorer, explore_fading
from personalise.scaffolds.fading import (
    BackwardFading,
    ContingentFading,
    ExponentialFading,
    FadingRule,
    LinearFading,
    MasteryFading,
    StepwiseFading,
    backward_fading,
    contingent_fading,
    exponential_fading,
    linear_fading,
    mastery_fading,
    rule_from_dict,
    stepwise_fading,
)
from personalise.scaffolds.paths import fading_paths, plot_fading
from personalise.scaffolds.scaffold import KINDS, WOOD_FUNCTIONS, Scaffold
from personalise.scaffolds.state import ScaffoldState

__all__ = [
    "KINDS",
    "WOOD_FUNCTIONS",
    "BackwardFading",
    "ContingentFading",
    "ExponentialFading",
    "FadingExplorer",
    "FadingRule",
    "Finding",
    "LinearFading",
    "MasteryFading",
    "Scaffold",
    "ScaffoldState",
    "StepwiseFading",
    "audit_scaffolds",
    "backward_fading",
    "contingent_fading",
    "explore_fading",
    "exponential_fading",
    "fading_paths",
    "linear_fading",
    "mastery_fading",
    "plot_fading",
    "rule_from_dict",
    "stepwise_fading",
]
