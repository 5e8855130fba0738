"""Bad-input cases: level 3, teaching (hinge questions, diagnosis, groups, verification, self-review)."""

from __future__ import annotations

import numpy as np

import personalise as pl
from personalise import lesson, teaching
from tests.meta.battery import Case


def question() -> pl.HingeQuestion:
    return pl.HingeQuestion("add fractions", ("A", "B", "C"), "A", {"B": "adds denominators", "C": "none-plausible"},
                            text="1/2 + 1/3 = ?")


def second_question() -> pl.HingeQuestion:
    return pl.HingeQuestion("add fractions", ("A", "B", "C"), "B", {"A": "adds denominators", "C": "none-plausible"},
                            text="1/4 + 1/5 = ?")


def answers() -> dict[str, str | None]:
    return {"ann": "A", "bo": "B", "cy": "B", "di": "C", "ed": None}


def diagnosis() -> pl.Diagnosis:
    return pl.diagnose(question(), answers())


def after() -> pl.Diagnosis:
    return pl.diagnose(second_question(), {"ann": "B", "bo": "B", "cy": "A", "di": "B", "ed": "B"})


def history() -> list[dict[str, str]]:
    cycle = {"ann": "top", "bo": "top", "cy": "low", "di": "low"}
    return [cycle, {"ann": 1, "bo": 1, "cy": 2, "di": 2}, cycle]


def framework() -> pl.ReviewFramework:
    return pl.review_frameworks()[0]


def scale() -> pl.ReviewScale:
    return pl.review_scale()


def component() -> pl.ReviewComponent:
    return framework().components[0]


def review() -> pl.SelfReview:
    return pl.SelfReview.template(school="Hillside").with_grade("afl", "B")


def found() -> pl.ComponentEvidence:
    return review().evidence(diagnoses=[diagnosis()])[1]


CASES = [
    Case(("HingeQuestion",), lambda skill, options, correct, misconceptions, text: pl.HingeQuestion(
        skill, options, correct, misconceptions, text=text),
         lambda: {"skill": "add fractions", "options": ("A", "B", "C"), "correct": "A",
                  "misconceptions": {"B": "adds denominators", "C": "none-plausible"}, "text": "1/2 + 1/3 = ?"},
         names={"misconceptions": ("misconception", "option")}),
    Case(("HingeQuestion",), lambda document: pl.HingeQuestion.from_json(document),
         lambda: {"document": question().to_json()}, names={"document": ("JSON", "hinge", "schema")},
         label="HingeQuestion.from_json"),
    Case(("diagnose",), teaching.diagnose, lambda: {"question": question(), "answers": answers()}),
    Case(("Diagnosis",), teaching.Diagnosis, lambda: {"question": question(), "answers": answers()}),
    Case(("decide",), teaching.decide,
         lambda: {"diagnosis": diagnosis(), "proceed_at": 0.8, "regroup_at": 0.3, "min_answered": 0.5}),
    Case(("Decision",), teaching.Decision,
         lambda: {"action": "regroup", "reason": "p_know 0.47", "groups_by": ("adds denominators",)}),
    Case(("flexible_groups",), teaching.flexible_groups,
         lambda: {"learner_ids": ["ann", "bo", "cy", "di", "ed", "fay"], "by": diagnosis(), "max_size": 2,
                  "min_size": 1}),
    Case(("flexible_groups",), teaching.flexible_groups,
         lambda: {"learner_ids": [0, 1, 2, 3], "by": {0: "count", 1: "count", 2: None}, "max_size": 3,
                  "min_size": 1},
         perturb=("by",), label="flexible_groups-needs"),
    Case(("Group",), teaching.Group, lambda: {"basis": "adds denominators", "members": ("ann", "bo"),
                                              "kind": "misconception"}),
    Case(("audit_grouping",), teaching.audit_grouping,
         lambda: {"history": history(), "min_cycles": 3, "stability": 0.8,
                  "attainment": {"ann": 9.0, "bo": 8.0, "cy": 3.0, "di": 2.0}, "banding": 0.9}),
    Case(("GroupingFinding",), teaching.GroupingFinding,
         lambda: {"kind": "fixed grouping", "message": "the same groups", "groups": (("ann", "bo"),),
                  "agreement": 1.0}),
    Case(("guess_corrected",), teaching.guess_corrected, lambda: {"p_obs": 0.6, "k": 4}),
    Case(("verify",), teaching.verify,
         lambda: {"before": diagnosis(), "after": after(), "targeted": ["adds denominators"]}),
    Case(("Verification",), teaching.Verification,
         lambda: {"skill": "s", "p_know_before": 0.2, "p_know_after": 0.6, "prevalence": {"m": (0.5, 0.1)},
                  "targeted": ("m",), "worked": True}),
    Case(("principles_of_instruction",), teaching.principles_of_instruction, dict),
    Case(("Principle",), teaching.Principle,
         lambda: {"number": 7, "text": "Obtain a high success rate.", "phase": "guided practice",
                  "source": "Rosenshine (2012)"}),
    Case(("PhaseSpec",), teaching.PhaseSpec,
         lambda: {"name": "daily review", "title": "Daily review", "principles": (1,),
                  "purpose": "Start with a short review."}),
    Case(("review_frameworks",), teaching.review_frameworks, dict),
    Case(("review_scale",), teaching.review_scale, dict),
    Case(("ReviewComponent",), teaching.ReviewComponent,
         lambda: {"code": "afl", "label": "Assessment for learning", "description": "what it is",
                  "source": "a source", "aliases": ("AfL",)}),
    Case(("ReviewFramework",), teaching.ReviewFramework,
         lambda: {"name": "a-framework", "title": "A framework", "source": "a source", "edition": "2007",
                  "verified": False, "caveat": "a caveat", "components": framework().components}),
    Case(("ReviewFramework",), lambda framework, name: framework.component(name),
         lambda: {"framework": framework(), "name": "Learning to learn"}, perturb=("name",),
         names={"name": ("component",)}, label="ReviewFramework.component"),
    Case(("ReviewScale",), teaching.ReviewScale,
         lambda: {"grades": ("A", "B"), "descriptors": ("good", "less good"), "direction": "A is most developed",
                  "source": "a source", "verified": False, "caveat": "a caveat"}),
    Case(("ReviewScale",), lambda scale, grade: scale.check(grade), lambda: {"scale": scale(), "grade": "C"},
         perturb=("grade",), label="ReviewScale.check"),
    Case(("ReviewScale",), lambda scale, grade: scale.descriptor(grade), lambda: {"scale": scale(), "grade": "C"},
         perturb=("grade",), label="ReviewScale.descriptor"),
    Case(("SelfReview",), teaching.SelfReview,
         lambda: {"framework": "dfes-2004", "grades": {"afl": "B", "School organisation": "C"},
                  "notes": {"afl": "hinge questions"}, "school": "Hillside", "date": "2026-10-09"},
         names={"grades": ("component",), "notes": ("component",)}),
    Case(("SelfReview",), lambda framework, school, date: pl.SelfReview.template(framework, school=school, date=date),
         lambda: {"framework": "dfes-2004", "school": "Hillside", "date": "2026-10-09"},
         label="SelfReview.template"),
    Case(("SelfReview",), lambda review, component, grade, notes: review.with_grade(component, grade, notes),
         lambda: {"review": review(), "component": "afl", "grade": "C", "notes": "more hinge questions"},
         perturb=("component", "grade", "notes"), label="SelfReview.with_grade"),
    Case(("SelfReview",), lambda review, diagnoses, verifications, choices, now, days: review.evidence(
        diagnoses=diagnoses, verifications=verifications, choices=choices, now=now, days=days),
         lambda: {"review": review(), "diagnoses": [diagnosis()], "verifications": [pl.verify(diagnosis(), after())],
                  "choices": [pl.ChoiceRecord("add", "learner", ("add", "count"))], "now": "2026-09-25T00:00Z",
                  "days": 14},
         perturb=("diagnoses", "verifications", "choices", "now", "days"), label="SelfReview.evidence"),
    Case(("SelfReview",), lambda document: pl.SelfReview.from_json(document),
         lambda: {"document": review().to_json()}, names={"document": ("JSON", "review", "schema")},
         label="SelfReview.from_json"),
    Case(("ComponentEvidence",), teaching.ComponentEvidence,
         lambda: {"component": "afl", "label": "Assessment for learning", "grade": "B",
                  "functions": ("diagnose",), "indicators": (("hinge questions asked", 1),), "note": "a note"}),
    Case(("ComponentEvidence",), lambda found, label: found.value(label),
         lambda: {"found": found(), "label": found().indicators[0][0]}, perturb=("label",),
         names={"label": ("indicator",)}, label="ComponentEvidence.value"),
]


# ---------------------------------------------------------------- the lesson plan (all three levels)
EDGES = [("halves", "quarters"), ("halves", "thirds")]


def lesson_graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def lesson_mastery() -> np.ndarray:
    return np.array([[0.97, 0.4, 0.3], [0.96, 0.2, 0.1], [0.99, 0.9, 0.5], [0.2, 0.1, 0.0]])


def lesson_question() -> pl.HingeQuestion:
    return pl.HingeQuestion("quarters", ("A", "B", "C"), "B", {"A": "bigger denominator, bigger part",
                                                               "C": "none-plausible"})


LEARNERS = ["ann", "bo", "cy", "di"]


def plan() -> pl.LessonPlan:
    return pl.plan_lesson(lesson_graph(), lesson_mastery(), learner_ids=LEARNERS, question=lesson_question(),
                          answers={"ann": "B", "bo": "A", "cy": "B", "di": None})


def item() -> pl.PlanItem:
    return pl.PlanItem(pl.Level.TEACHING, "move on", "80% know it", ("ann",), skill="quarters", support=(0.2, 0.6))


CASES += [
    Case(("plan_lesson",), lesson.plan_lesson,
         lambda: {"compiled": lesson_graph(), "mastery": lesson_mastery(), "learner_ids": LEARNERS,
                  "question": lesson_question(), "answers": {"ann": "B", "bo": "A", "cy": "B", "di": None}, "k": 2,
                  "threshold": 0.95, "goals": "quarters", "max_group_size": 3, "menu_size": 2,
                  "elapsed_days": np.array([[1.0, 2.0, 3.0]] * 4), "half_life_days": 7.0,
                  "recall_threshold": 0.9}),
    Case(("PlanItem",), lesson.PlanItem,
         lambda: {"level": pl.Level.TEACHING, "what": "move on", "reason": "80% know it", "learners": ("ann",),
                  "skill": "quarters", "support": (0.2, 0.6)}),
    Case(("Phase",), lesson.Phase, lambda: {"name": "guided practice", "items": (item(),), "note": ""},
         names={"name": ("phase",)}),
    Case(("LessonPlan",), lesson.LessonPlan,
         lambda: {"items": (item(),), "decision": pl.Decision("regroup", "p_know 0.47", ("m1",)),
                  "groups": (pl.Group("m1", ("ann",), "misconception"),),
                  "phases": (pl.Phase("guided practice", (item(),)),), "learner_ids": ("ann",)}),
    Case(("LessonPlan",), lambda document: pl.LessonPlan.from_json(document), lambda: {"document": plan().to_json()},
         names={"document": ("JSON", "lesson", "schema")}, label="LessonPlan.from_json"),
    Case(("LessonPlan",), lambda plan, detail, width: plan.to_text(detail=detail, width=width),
         lambda: {"plan": plan(), "detail": True, "width": 80}, perturb=("detail", "width"),
         label="LessonPlan.to_text"),
    Case(("LessonPlan",), lambda plan, title: plan.to_html(title=title), lambda: {"plan": plan(), "title": "4M"},
         perturb=("title",), label="LessonPlan.to_html"),
    Case(("LessonPlan",), lambda plan, level: plan.at(level), lambda: {"plan": plan(), "level": pl.Level.TEACHING},
         perturb=("level",), label="LessonPlan.at"),
    Case(("LessonPlan",), lambda plan, name: plan.phase(name), lambda: {"plan": plan(), "name": "guided practice"},
         perturb=("name",), names={"name": ("phase",)}, label="LessonPlan.phase"),
]

EXEMPT: dict[str, str] = {}
