"""The bundled example school (package data): a CASE framework, a OneRoster bundle, xAPI practice, a start table.

It is what the how-to "From a school's exports to tomorrow's next steps" runs
on, so these tests pin what that page says about it.
"""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pytest

import personalise as pl

SCHOOL = files("personalise.data") / "school"


@pytest.fixture(scope="module")
def framework() -> pl.CaseFramework:
    return pl.read_case(SCHOOL / "framework.json")


def test_the_framework_is_the_bundled_curriculum(framework: pl.CaseFramework) -> None:
    curriculum = pl.load_example_curriculum()
    assert framework.graph.n_skills == curriculum.n_skills == 44
    by_statement = {framework.items[s].statement: s for s in framework.graph.skill_ids}
    assert len(by_statement) == 44
    edges = {(framework.items[u].statement, framework.items[v].statement) for u, v in framework.graph.to_networkx().edges}
    assert len(edges) == 67
    kinds = sorted(reason.split(":")[0].split()[-1] for _, reason in framework.skipped if reason.startswith("association"))
    assert kinds == ["exactMatchOf", "isRelatedTo"]


def test_the_roster_marks_and_practice_read_cleanly(framework: pl.CaseFramework) -> None:
    bundle = pl.read_oneroster(SCHOOL / "oneroster")
    learners = bundle.class_learners("class-4m")
    assert len(learners) == 28 and "L29" not in learners and "u-t01" not in learners
    assert len(bundle.evidence) == 110
    reasons = sorted(row.reason for row in bundle.skipped)
    assert any("tobedeleted" in r for r in reasons) and any("exempt" in r for r in reasons)
    assert set(bundle.evidence.skill_ids.tolist()) <= set(framework.graph.skill_ids)
    by_code = {item.human_coding: identifier for identifier, item in framework.items.items()}
    practice = pl.read_xapi(SCHOOL / "practice.jsonl", skill_of=lambda a: by_code.get(a.rsplit("/", 1)[-1]))
    assert len(practice) == 167 and len(practice.skipped) == 4
    assert set(practice.learner_ids.tolist()) == set(learners)
    assert practice.timestamps.min() == np.datetime64("2026-10-12T08:00:40")  # 09:00:40 British Summer Time


def test_from_exports_to_next_steps(framework: pl.CaseFramework) -> None:
    bundle = pl.read_oneroster(SCHOOL / "oneroster")
    by_code = {item.human_coding: identifier for identifier, item in framework.items.items()}
    practice = pl.read_xapi(SCHOOL / "practice.jsonl", skill_of=lambda a: by_code.get(a.rsplit("/", 1)[-1]))
    evidence = pl.Evidence.concat([bundle.evidence, practice])
    start = pl.MasteryTable.from_json((SCHOOL / "start_of_term.json").read_text(encoding="utf-8"))
    params = pl.BKTParams.constant(framework.graph, prior=0.2, learn=0.15, guess=0.2, slip=0.1)
    learners = bundle.class_learners("class-4m")
    mastery = pl.estimate_mastery(params, evidence, learner_ids=learners, prior=start)
    assert mastery.learner_ids == learners
    recs = pl.recommend_next(framework.graph, mastery, k=2)
    records = recs.to_records(names=framework.label)
    assert {r["learner_id"] for r in records} <= set(learners)
    labels = set(framework.labels())
    assert all(r["skill_name"] in labels for r in records)
    year4 = [r for r in records if r["rank"] == 1 and r["skill_name"].startswith("Y4")]
    assert len(year4) > len(learners) / 2  # a Year 4 class: most are ready for Year 4 work; a few have gaps
    assert all(identifier not in r["reason"] for r in records for identifier in framework.graph.skill_ids)
    plan = pl.plan_lesson(framework.graph, mastery, k=2)
    assert pl.LessonPlan.from_json(plan.to_json()) == plan
