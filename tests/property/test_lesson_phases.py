"""The phases of a lesson plan against a plain-Python reference over the networkx graph."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.strategies import compiled_dags, examples, mastery_matrices, seeds

THRESHOLD = 0.95


def _rank(G: nx.DiGraph, compiled: pl.CompiledGraph, counts: dict[Hashable, int], limit: int) -> list[Hashable]:
    """Skills with a positive count: most learners, then most descendants, then column order."""
    column = {s: j for j, s in enumerate(compiled.skill_ids)}
    ranked = sorted((s for s, c in counts.items() if c > 0),
                    key=lambda s: (-counts[s], -len(nx.descendants(G, s)), column[s]))
    return ranked[:limit]


def ref_new_material(G: nx.DiGraph, compiled: pl.CompiledGraph, ids: Sequence[Hashable],
                     m: np.ndarray) -> tuple[Hashable, set[Hashable]] | None:
    col = {s: j for j, s in enumerate(compiled.skill_ids)}
    ready = {s: {ids[i] for i in range(len(ids))
                 if m[i, col[s]] < THRESHOLD and all(m[i, col[p]] >= THRESHOLD for p in G.predecessors(s))}
             for s in compiled.skill_ids}
    top = _rank(G, compiled, {s: len(who) for s, who in ready.items()}, 1)
    return (top[0], ready[top[0]]) if top else None


def ref_inner_fringe(G: nx.DiGraph, compiled: pl.CompiledGraph, ids: Sequence[Hashable],
                     m: np.ndarray) -> list[tuple[Hashable, set[Hashable]]]:
    col = {s: j for j, s in enumerate(compiled.skill_ids)}
    inner = {s: {ids[i] for i in range(len(ids))
                 if m[i, col[s]] >= THRESHOLD and not any(m[i, col[t]] >= THRESHOLD for t in G.successors(s))}
             for s in compiled.skill_ids}
    return [(s, inner[s]) for s in _rank(G, compiled, {s: len(w) for s, w in inner.items()}, 3)]


def _plan(compiled: pl.CompiledGraph, m: np.ndarray, **options: object) -> tuple[list[str], pl.LessonPlan]:
    ids = [f"L{i}" for i in range(m.shape[0])]
    return ids, pl.plan_lesson(compiled, m, learner_ids=ids, threshold=THRESHOLD, **options)


@examples(40)
@given(data=st.data())
def test_phases_equal_the_reference(data: st.DataObject) -> None:
    G, compiled = data.draw(compiled_dags(min_skills=1, max_skills=25))
    m = data.draw(mastery_matrices(compiled.n_skills, THRESHOLD, G=G, skill_ids=compiled.skill_ids,
                                   learner_sizes=st.integers(1, 30)))
    ids, plan = _plan(compiled, m)
    assert [phase.name for phase in plan.phases] == [spec.name for spec in pl.PHASES]

    expected = ref_new_material(G, compiled, ids, np.asarray(m, dtype=np.float64))
    items = plan.phase("new material").items
    if expected is None:
        assert items == () and plan.phase("new material").note
    else:
        assert (items[0].skill, set(items[0].learners)) == expected

    review = plan.phase("daily review").items
    assert [(item.skill, set(item.learners)) for item in review] == ref_inner_fringe(
        G, compiled, ids, np.asarray(m, dtype=np.float64))

    # guided practice: one item per shared first next step, covering every learner who has one, exactly once
    recs = pl.recommend_next(compiled, m, k=3, threshold=THRESHOLD)
    first = {ids[i]: steps[0] for i, steps in enumerate(recs.skills()) if steps}
    guided = plan.phase("guided practice").items
    assert sorted(learner for item in guided for learner in item.learners) == sorted(first)
    rule = pl.mastery_fading()
    for item in guided:
        assert {first[learner] for learner in item.learners} == {item.skill}
        support = [rule.from_mastery(float(m[ids.index(learner), compiled.index_of(item.skill)]))
                   for learner in item.learners]
        assert item.support == (min(support), max(support))
    sizes = [len(item.learners) for item in guided]
    assert sizes == sorted(sizes, reverse=True)

    # independent practice (no hinge question): every learner with a menu or a step; identical menus merged
    free = plan.phase("independent practice").items
    whats = [item.what for item in free]
    assert len(whats) == len(set(whats))
    placed = [learner for item in free for learner in item.learners]
    assert len(placed) == len(set(placed))
    assert set(placed) <= set(ids)
    # the whole plan survives JSON exactly
    assert pl.LessonPlan.from_json(plan.to_json()) == plan


@examples(25)
@given(seed=seeds, n=st.integers(2, 25))
def test_with_a_hinge_question_only_learners_who_answered_right_work_alone(seed: int, n: int) -> None:
    compiled = pl.compile_graph([("halves", "quarters"), ("halves", "thirds"), ("quarters", "eighths")])
    rng = np.random.default_rng(seed)
    m = rng.random((n, 4))
    ids = [f"L{i}" for i in range(n)]
    question = pl.HingeQuestion("quarters", ("A", "B", "C"), "B", {"A": "bigger denominator, bigger part",
                                                                 "C": "none-plausible"})
    answers = {learner: [None, "A", "B", "C"][int(rng.integers(0, 4))] for learner in ids}
    for learner in ids[: n // 2 + 1]:  # decide() needs at least half the class to have answered
        answers[learner] = answers[learner] or "B"
    plan = pl.plan_lesson(compiled, m, learner_ids=ids, question=question, answers=answers)
    checks = plan.phase("checks for understanding").items
    assert checks[0].what.startswith(plan.decision.action)
    lines = {item.what: set(item.learners) for item in checks[1:]}
    for option in question.options:
        chose = {learner for learner, answer in answers.items() if answer == option}
        matching = [who for what, who in lines.items() if what.startswith(f"answered {option!r}")]
        assert matching == ([chose] if chose else [])
    silent = {learner for learner, answer in answers.items() if answer is None}
    assert lines.get("no answer", set()) == silent
    right = {learner for learner, answer in answers.items() if answer == "B"}
    placed = {learner for item in plan.phase("independent practice").items for learner in item.learners}
    assert placed <= right


def test_practice_times_bring_decaying_skills_to_the_daily_and_later_review() -> None:
    compiled = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare")])
    # columns: count, add, compare, multiply (lexicographic topological order)
    assert compiled.skill_ids == ("count", "add", "compare", "multiply")
    m = np.array([[0.99, 0.99, 0.2, 0.1], [0.99, 0.97, 0.99, 0.3], [0.99, 0.5, 0.1, 0.0]])
    elapsed = np.array([[40.0, 1.0, np.nan, np.nan], [2.0, 9.0, 25.0, np.nan], [3.0, np.nan, np.nan, np.nan]])
    ids, plan = _plan(compiled, m, elapsed_days=elapsed, half_life_days=60.0, recall_threshold=0.9)
    # recall 2 ** (-days / 60) < 0.9  <=>  days > 9.12: L0's count (40 days) and L1's compare (25 days) are due
    daily = plan.phase("daily review").items
    due = {item.skill: set(item.learners) for item in daily if "recall" in item.reason}
    assert due == {"count": {"L0"}, "compare": {"L1"}}
    later = plan.phase("weekly and monthly review").items
    week = next(item for item in later if item.what.startswith("next week"))
    month = next(item for item in later if item.what.startswith("next month"))
    # within 7 days (days + 7 > 9.12): L0 add (1 -> 8? no), L1 count (2 -> 9? no), L1 add (9 -> 16 yes), L2 count (3 -> 10 yes)
    assert week.what == "next week, revisit count (1), add (1)" and set(week.learners) == {"L1", "L2"}
    # within 30 days, not already due: L0 add (31), L1 count (32)
    assert month.what == "next month, revisit count (1), add (1)" and set(month.learners) == {"L0", "L1"}


def test_names_and_empty_phases() -> None:
    compiled = pl.compile_graph([("count", "add")])
    names = {"count": "Count to 10", "add": "Add within 10"}
    _, plan = _plan(compiled, np.array([[0.2, 0.0], [0.3, 0.1]]), names=names)
    assert plan.phase("new material").items[0].what == "teach Count to 10 in small steps"
    assert plan.phase("daily review").items == () and "no learner has mastered" in plan.phase("daily review").note
    assert "(nothing today: no learner has mastered" in plan.to_text()
    _, done = _plan(compiled, np.array([[1.0, 1.0]]))
    assert done.phase("guided practice").items == () and done.phase("guided practice").note
    with pytest.raises(pl.InvalidParameterError, match="'lunch'"):
        done.phase("lunch")
    with pytest.raises(pl.InvalidParameterError, match="'lunch'"):
        pl.Phase("lunch", ())
    with pytest.raises(pl.InvalidParameterError, match="width"):
        done.to_text(width=10)
    with pytest.raises(pl.InvalidParameterError, match="support"):
        pl.PlanItem(pl.Level.TEACHING, "x", "y", (), support=(0.8, 0.2))


def test_the_old_schema_still_reads() -> None:
    document = ('{"schema": "personalise.lesson_plan/1", "decision": null, "groups": [], "items": '
                '[{"level": "content", "what": "1. add", "reason": "ready", "learners": ["ann"]}]}')
    plan = pl.LessonPlan.from_json(document)
    assert plan.phases == () and plan.learner_ids == ("ann",)
    assert "Full listing" in plan.to_text()
    with pytest.raises(pl.InvalidParameterError, match="has no 'daily review' phase"):
        plan.phase("daily review")


def test_principles_are_data_with_their_source() -> None:
    principles = pl.principles_of_instruction()
    assert [p.number for p in principles] == list(range(1, 11))
    assert all(p.source.startswith("Rosenshine, B. (2012)") for p in principles)
    phases = {spec.name for spec in pl.PHASES}
    assert {p.phase for p in principles} == phases
    assert sorted(n for spec in pl.PHASES for n in spec.principles) == list(range(1, 11))
