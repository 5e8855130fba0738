"""plan_lesson and LessonPlan: the three levels combined for one class."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.strategies import examples

QUESTION = pl.HingeQuestion(
    "quarters", ("A", "B", "C"), "B", {"A": "bigger denominator, bigger part", "C": "none-plausible"}
)
IDS = ["ann", "bo", "cy", "di", "ed"]


@pytest.fixture
def graph() -> pl.CompiledGraph:
    return pl.compile_graph([("halves", "quarters"), ("halves", "thirds"), ("quarters", "eighths")])


@pytest.fixture
def mastery() -> np.ndarray:
    return np.array(
        [[0.97, 0.4, 0.3, 0.0], [0.96, 0.2, 0.1, 0.0], [0.99, 0.96, 0.5, 0.1], [0.98, 0.7, 0.2, 0.0], [0.3, 0.0, 0.0, 0.0]]
    )


def test_plan_with_a_hinge_question(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    answers = {"ann": "A", "bo": "A", "cy": "B", "di": "B", "ed": "B"}
    plan = pl.plan_lesson(graph, mastery, learner_ids=IDS, question=QUESTION, answers=answers)
    assert plan.decision is not None and plan.decision.action == "regroup"
    teaching = plan.at(pl.Level.TEACHING)
    assert teaching[0].what == "regroup" and set(teaching[0].learners) == set(IDS)
    misconception = [g for g in plan.groups if g.kind == "misconception"]
    assert misconception and set(misconception[0].members) == {"ann", "bo"}
    placed = [m for g in plan.groups for m in g.members]
    assert sorted(placed) == sorted(IDS)  # every learner in exactly one group
    assert [item.level for item in plan.items] == sorted(
        (item.level for item in plan.items), key=lambda level: -int(level)
    )  # teaching, then content, then experience


def test_plan_without_a_question_groups_by_first_next_step(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    plan = pl.plan_lesson(graph, mastery, learner_ids=IDS)
    assert plan.decision is None
    recs = pl.recommend_next(graph, mastery, k=3)
    for group in plan.groups:
        for learner in group.members:
            first = recs.skills()[IDS.index(learner)]
            assert group.basis == (first[0] if first else None)
    content = plan.at(pl.Level.CONTENT)
    assert {item.learners[0] for item in content} == {IDS[i] for i, s in enumerate(recs.skills()) if s}
    assert all("support" in item.what for item in content)


def test_renderings(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    plan = pl.plan_lesson(graph, mastery, learner_ids=IDS)
    text = str(plan)
    assert text.startswith("Lesson plan for 5 learners")
    assert all(f"{n}. {phase.title}" in text for n, phase in enumerate(pl.PHASES, start=1))
    detail = plan.to_text(detail=True)
    assert "Teaching level" in detail and "Content level" in detail and "Experience level" in detail
    assert plan._repr_html_().startswith("<table>")
    document = json.loads(plan.to_json())
    assert document["schema"] == "personalise.lesson_plan/2" and len(document["items"]) == len(plan.items)
    assert [phase["name"] for phase in document["phases"]] == [phase.name for phase in pl.PHASES]
    pd = pytest.importorskip("pandas")
    frame = plan.to_frame()
    assert isinstance(frame, pd.DataFrame) and set(frame["level"]) <= {"teaching", "content", "experience"}
    assert list(frame.columns) == ["phase", "level", "learner_id", "what", "reason"]


def test_bad_input(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    with pytest.raises(pl.ShapeError, match="empty class"):
        pl.plan_lesson(graph, np.zeros((0, 4)), learner_ids=[])
    with pytest.raises(pl.ShapeError):
        pl.plan_lesson(graph, mastery, learner_ids=IDS[:3])
    with pytest.raises(pl.InvalidParameterError, match="'zed'"):
        pl.plan_lesson(graph, mastery, learner_ids=IDS, question=QUESTION, answers={"zed": "A", "ann": "B"})
    with pytest.raises(pl.EvidenceError, match="'Z'"):
        pl.plan_lesson(graph, mastery, learner_ids=IDS, question=QUESTION, answers={i: "Z" for i in IDS})
    with pytest.raises(pl.InvalidParameterError, match="both or neither"):
        pl.plan_lesson(graph, mastery, learner_ids=IDS, question=QUESTION)
    with pytest.raises(pl.UnknownSkillError, match="'tenths'"):
        pl.plan_lesson(graph, mastery, learner_ids=IDS, goals="tenths")


@examples(30)
@given(seed=st.integers(0, 2**32 - 1), goal=st.sampled_from([None, "eighths", "thirds"]))
def test_the_plan_never_lowers_a_goal_and_ignores_learner_labels(seed: int, goal: str | None) -> None:
    """Goals are shared and unchanged; labels such as a 'learning style' cannot reach the plan."""
    graph = pl.compile_graph([("halves", "quarters"), ("halves", "thirds"), ("quarters", "eighths")])
    rng = np.random.default_rng(seed)
    mastery = rng.random((6, 4))
    records = [{"id": f"L{i}", "learning_style": style} for i, style in enumerate(rng.permutation(
        ["visual", "auditory", "kinaesthetic", "visual", "auditory", "reading"]))]
    relabelled = [{**record, "learning_style": "visual"} for record in records]
    plans = [
        pl.plan_lesson(graph, mastery, learner_ids=[r["id"] for r in rs], goals=goal) for rs in (records, relabelled)
    ]
    assert plans[0] == plans[1]
    if goal is not None:
        recs = pl.recommend_next(graph, mastery, goals=goal)
        for row in recs.steps_to_goal:
            assert all(s >= 0 for s in row if s != -1)  # every step leads to the same shared goal


def test_json_round_trip_with_a_question(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    answers = {"ann": "A", "bo": "A", "cy": "B", "di": "B", "ed": None}
    plan = pl.plan_lesson(graph, mastery, learner_ids=IDS, question=QUESTION, answers=answers)
    assert pl.LessonPlan.from_json(plan.to_json()) == plan
    with pytest.raises(pl.InvalidParameterError, match="schema"):
        pl.LessonPlan.from_json('{"schema": "other/1"}')
    with pytest.raises(pl.InvalidParameterError, match="'items'"):
        pl.LessonPlan.from_json('{"schema": "personalise.lesson_plan/2", "decision": null, "groups": []}')
