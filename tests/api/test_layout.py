"""The source tree shows the architecture, and moving code inside it never breaks an import.

DESIGN.md section 4: the three levels, scaffolds, simulation, io and the
private kernels are packages a reader sees in ``src/personalise/``; every
name public before the tree was reorganised is still importable from
``personalise``, and lives in the package of its topic.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import personalise as pl

ROOT = Path(pl.__file__).parent

#: Every public name of the flat namespace before the tree was reorganised (new names may be added).
NAMES_BEFORE = ['AdaptiveContent', 'Assignment', 'BKTModel', 'BKTParams', 'ChoiceMenu', 'ChoiceRecord', 'CompiledGraph', 'CyclicPrerequisiteError', 'Decision', 'DegenerateFitWarning', 'Diagnosis', 'EvidenceEntry', 'EvidenceError', 'FadingScaffolds', 'Finding', 'FixedGroups', 'FlexibleGroups', 'GraphError', 'Group', 'GroupingFinding', 'HartRung', 'HingeQuestion', 'IdentifiabilityWarning', 'InvalidParameterError', 'LearnerModel', 'LessonPlan', 'Level', 'MasteryLearning', 'POLICIES', 'ParticipationStage', 'Pathway', 'PermanentScaffolds', 'PersonaliseError', 'PersonaliseWarning', 'PlanItem', 'Policy', 'PolicyRun', 'PolicySetting', 'Recommendations', 'RepairReport', 'ResponsiveTeaching', 'SUMMARY_COLUMNS', 'Scaffold', 'ScaffoldState', 'ShapeError', 'SimulationResult', 'TieredTasks', 'UnknownSkillError', 'Verification', 'WholeClassPace', '__version__', 'audit_grouping', 'audit_scaffolds', 'backward_fading', 'choice_menu', 'compile_graph', 'contingent_fading', 'crossvalidate', 'decide', 'diagnose', 'effect_size_range', 'elo_update', 'evidence', 'exponential_fading', 'fit_bkt', 'flexible_groups', 'guess_corrected', 'inner_fringe', 'linear_fading', 'load_example_class', 'load_example_curriculum', 'mastery_fading', 'months_of_progress', 'pathway_to', 'plan_lesson', 'plot_support', 'policy_from_dict', 'policy_from_name', 'read_edge_csv', 'read_junyi_exercises', 'readiness', 'recommend_next', 'select_items', 'simulate', 'stepwise_fading', 'success_probability', 'target_difficulty', 'update_mastery', 'verify']

TOP_LEVEL_MODULES = {
    "__init__.py",
    "__main__.py",
    "exceptions.py",
    "graph.py",
    "evidence.py",
    "levels.py",
    "lesson.py",
    "plotting.py",
    "_random.py",
}
PACKAGES = ("experience", "content", "teaching", "scaffolds", "simulation", "io", "cli", "testing", "_validation", "_kernels")

#: Where a public name lives, by topic: (package, names).
HOMES = {
    "personalise.experience": "ChoiceMenu ChoiceRecord HartRung ParticipationStage Pathway choice_menu pathway_to",
    "personalise.content": "BKTModel BKTParams Recommendations crossvalidate elo_update estimate_mastery fit_bkt "
    "inner_fringe readiness "
    "recommend_next select_items success_probability target_difficulty update_mastery",
    "personalise.teaching": "ComponentEvidence Decision Diagnosis Group GroupingFinding HingeQuestion ReviewComponent "
    "ReviewFramework ReviewScale SelfReview Verification audit_grouping decide diagnose flexible_groups guess_corrected "
    "review_frameworks review_scale verify",
    "personalise.scaffolds": "FadingExplorer Finding Scaffold ScaffoldState audit_scaffolds backward_fading "
    "contingent_fading explore_fading exponential_fading fading_paths linear_fading mastery_fading plot_fading "
    "stepwise_fading",
    "personalise.simulation": "AdaptiveContent Assignment FadingScaffolds FixedGroups FlexibleGroups LearnerModel "
    "MasteryLearning PermanentScaffolds PolicyRun PolicySetting ResponsiveTeaching SimulationResult TieredTasks "
    "WholeClassPace policy_from_dict policy_from_name simulate",
    "personalise.io": "CaseFramework OneRosterBundle read_oneroster RepairReport load_example_class load_example_curriculum read_case read_edge_csv "
    "read_junyi_exercises read_marks read_xapi",
}


@pytest.mark.parametrize("name", NAMES_BEFORE)
def test_names_public_before_the_reorganisation_are_still_public(name: str) -> None:
    assert name in pl.__all__
    namespace: dict[str, object] = {}
    exec(f"from personalise import {name}", namespace)  # noqa: S102 - the import statement users write
    assert namespace[name] is getattr(pl, name)


def test_evidence_is_still_the_catalogue_function() -> None:
    """``personalise.evidence`` (the evidence catalogue) is not shadowed by the module of the same name."""
    assert callable(pl.evidence)
    assert pl.evidence(level="teaching")
    assert all(entry.level is pl.Level.TEACHING for entry in pl.evidence(level="teaching"))


def test_top_level_holds_only_the_modules_of_the_design() -> None:
    loose = {path.name for path in ROOT.glob("*.py")} - TOP_LEVEL_MODULES
    assert not loose, f"modules outside the tree of DESIGN.md section 4: {sorted(loose)}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_part_of_the_architecture_is_a_package(package: str) -> None:
    assert (ROOT / package / "__init__.py").is_file()
    importlib.import_module(f"personalise.{package}")


@pytest.mark.parametrize(("package", "name"), [(p, n) for p, names in HOMES.items() for n in names.split()])
def test_public_names_live_in_the_package_of_their_topic(package: str, name: str) -> None:
    obj = getattr(pl, name)
    assert obj.__module__.startswith(package + "."), f"{name} lives in {obj.__module__}, not in {package}"
    assert getattr(importlib.import_module(package), name) is obj


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small_enough_to_read(path: Path) -> None:
    """DESIGN.md section 4: split a module past about 800 lines."""
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= 800, f"{path.relative_to(ROOT)} has {n_lines} lines"


def test_python_dash_m_hands_over_to_the_cli_package() -> None:
    from personalise import __main__, cli

    assert __main__.main is cli.main
