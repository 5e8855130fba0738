"""Simulation of cohorts under teaching policies.

:func:`simulate` runs a cohort of simulated learners (:class:`LearnerModel`)
on a prerequisite graph under a teaching policy (:class:`WholeClassPace`,
:class:`TieredTasks`, :class:`FadingScaffolds`, :class:`PermanentScaffolds`,
:class:`AdaptiveContent`, :class:`ResponsiveTeaching`,
:class:`MasteryLearning`, :class:`FixedGroups`, :class:`FlexibleGroups`, or
your own :class:`Policy`) and returns a :class:`SimulationResult`.
Reproducible from one seed, vectorised over learners in blocks with their own
random streams, and optionally spread over a dask cluster.
"""

from personalise.simulation.engine import simulate
from personalise.simulation.model import LearnerModel
from personalise.simulation.policies import (
    POLICIES,
    AdaptiveContent,
    FadingScaffolds,
    FixedGroups,
    FlexibleGroups,
    MasteryLearning,
    PermanentScaffolds,
    ResponsiveTeaching,
    TieredTasks,
    WholeClassPace,
    policy_from_dict,
    policy_from_name,
)
from personalise.simulation.protocol import Assignment, Policy, PolicyRun, PolicySetting
from personalise.simulation.result import SUMMARY_COLUMNS, SimulationResult

__all__ = [
    "POLICIES",
    "SUMMARY_COLUMNS",
    "AdaptiveContent",
    "Assignment",
    "FadingScaffolds",
    "FixedGroups",
    "FlexibleGroups",
    "LearnerModel",
    "MasteryLearning",
    "PermanentScaffolds",
    "Policy",
    "PolicyRun",
    "PolicySetting",
    "ResponsiveTeaching",
    "SimulationResult",
    "TieredTasks",
    "WholeClassPace",
    "policy_from_dict",
    "policy_from_name",
    "simulate",
]
