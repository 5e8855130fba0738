"""personalise: personalised-learning models for whole cohorts.

The library works at three levels of personalisation (experience, content and
teaching), keeps goals the same for every learner while support varies and
fades, and compiles prerequisite graphs into vectorised NumPy kernels.

Examples
--------
>>> import numpy as np
>>> import personalise as pl
>>> graph = pl.compile_graph([("count", "add"), ("add", "multiply")])
>>> mastery = np.array([[0.99, 0.40, 0.00], [0.99, 0.97, 0.10]])
>>> recs = pl.recommend_next(graph, mastery, k=1)
>>> [[graph.skill_ids[i] for i in row] for row in recs.indices]
[['add'], ['multiply']]
"""

from personalise.content import (
    BKTModel,
    BKTParams,
    Recommendations,
    crossvalidate,
    elo_update,
    fit_bkt,
    inner_fringe,
    readiness,
    recommend_next,
    select_items,
    success_probability,
    target_difficulty,
    update_mastery,
)
from personalise.exceptions import (
    CyclicPrerequisiteError,
    DegenerateFitWarning,
    EvidenceError,
    GraphError,
    IdentifiabilityWarning,
    InvalidParameterError,
    PersonaliseError,
    PersonaliseWarning,
    ShapeError,
    UnknownSkillError,
)
from personalise.experience import (
    ChoiceMenu,
    ChoiceRecord,
    Pathway,
    choice_menu,
    pathway_to,
)
from personalise.fading import (
    backward_fading,
    contingent_fading,
    exponential_fading,
    linear_fading,
    mastery_fading,
    stepwise_fading,
)
from personalise.graph import CompiledGraph, compile_graph
from personalise.lesson import LessonPlan, PlanItem, plan_lesson
from personalise.levels import (
    EvidenceEntry,
    Level,
    effect_size_range,
    evidence,
    months_of_progress,
)
from personalise.loaders import (
    RepairReport,
    load_example_class,
    load_example_curriculum,
    read_edge_csv,
    read_junyi_exercises,
)
from personalise.plotting import plot_support
from personalise.scaffolds import Finding, Scaffold, ScaffoldState, audit_scaffolds
from personalise.simulation import (
    POLICIES,
    SUMMARY_COLUMNS,
    AdaptiveContent,
    Assignment,
    FadingScaffolds,
    FixedGroups,
    FlexibleGroups,
    LearnerModel,
    MasteryLearning,
    PermanentScaffolds,
    Policy,
    PolicyRun,
    PolicySetting,
    ResponsiveTeaching,
    SimulationResult,
    TieredTasks,
    WholeClassPace,
    policy_from_dict,
    policy_from_name,
    simulate,
)
from personalise.teaching import (
    Decision,
    Diagnosis,
    Group,
    GroupingFinding,
    HingeQuestion,
    Verification,
    audit_grouping,
    decide,
    diagnose,
    flexible_groups,
    guess_corrected,
    verify,
)
from personalise.voice import HartRung, ParticipationStage

__version__ = "0.1.0.dev0"

__all__ = [
    "AdaptiveContent",
    "Assignment",
    "BKTModel",
    "BKTParams",
    "ChoiceMenu",
    "ChoiceRecord",
    "CompiledGraph",
    "CyclicPrerequisiteError",
    "Decision",
    "DegenerateFitWarning",
    "Diagnosis",
    "EvidenceEntry",
    "EvidenceError",
    "FadingScaffolds",
    "Finding",
    "FixedGroups",
    "FlexibleGroups",
    "GraphError",
    "Group",
    "GroupingFinding",
    "HartRung",
    "HingeQuestion",
    "IdentifiabilityWarning",
    "InvalidParameterError",
    "LearnerModel",
    "LessonPlan",
    "Level",
    "MasteryLearning",
    "POLICIES",
    "ParticipationStage",
    "Pathway",
    "PermanentScaffolds",
    "PersonaliseError",
    "PersonaliseWarning",
    "PlanItem",
    "Policy",
    "PolicyRun",
    "PolicySetting",
    "Recommendations",
    "RepairReport",
    "ResponsiveTeaching",
    "SUMMARY_COLUMNS",
    "Scaffold",
    "ScaffoldState",
    "ShapeError",
    "SimulationResult",
    "TieredTasks",
    "UnknownSkillError",
    "Verification",
    "WholeClassPace",
    "__version__",
    "audit_grouping",
    "audit_scaffolds",
    "backward_fading",
    "choice_menu",
    "compile_graph",
    "contingent_fading",
    "crossvalidate",
    "decide",
    "diagnose",
    "effect_size_range",
    "elo_update",
    "evidence",
    "exponential_fading",
    "fit_bkt",
    "flexible_groups",
    "guess_corrected",
    "inner_fringe",
    "linear_fading",
    "load_example_class",
    "load_example_curriculum",
    "mastery_fading",
    "months_of_progress",
    "pathway_to",
    "plan_lesson",
    "plot_support",
    "policy_from_dict",
    "policy_from_name",
    "read_edge_csv",
    "read_junyi_exercises",
    "readiness",
    "recommend_next",
    "select_items",
    "simulate",
    "stepwise_fading",
    "success_probability",
    "target_difficulty",
    "update_mastery",
    "verify",
]
