"""Invariants of the teaching level (DOMAIN.md section 3), whatever the class's answers.

* diagnosis: every learner counted once; shares add up; p_know in [0, 1],
  monotone in p_obs (and in the number of correct answers);
* flexible groups: every learner in exactly one group; sizes <= max_size and
  split parts even; groups change when the evidence changes;
* decide always returns one of the three actions;
* audit: a history repeating one partition (under any relabelling) is fixed;
* JSON round trips of hinge questions are exact.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Hashable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from personalise.teaching import (
    ACTIONS,
    NONE_PLAUSIBLE,
    Diagnosis,
    Group,
    HingeQuestion,
    audit_grouping,
    decide,
    diagnose,
    flexible_groups,
    guess_corrected,
)
from tests.strategies import examples

LABELS = ("m1", "m2", "m3", NONE_PLAUSIBLE)


@st.composite
def questions(draw: st.DrawFn) -> HingeQuestion:
    k = draw(st.integers(2, 5))
    options = tuple(string.ascii_uppercase[:k])
    correct = draw(st.sampled_from(options))
    misconceptions = {o: draw(st.sampled_from(LABELS)) for o in options if o != correct}
    return HingeQuestion(draw(st.sampled_from(["s", 3])), options, correct, misconceptions)


@st.composite
def diagnoses(draw: st.DrawFn, min_learners: int = 1) -> Diagnosis:
    q = draw(questions())
    n = draw(st.integers(min_learners, 30))
    answers = {learner: draw(st.sampled_from((*q.options, None))) for learner in range(n)}
    assume(any(a is not None for a in answers.values()))
    return diagnose(q, answers)


def placement(groups: tuple[Group, ...]) -> dict[Hashable, tuple[str, Hashable]]:
    return {learner: (g.kind, g.basis) for g in groups for learner in g.members}


def check_partition(groups: tuple[Group, ...], learners: list[Hashable], max_size: int | None) -> None:
    placed = [learner for g in groups for learner in g.members]
    assert Counter(placed) == Counter(learners)
    assert all(g.size >= 1 for g in groups)
    if max_size is not None:
        assert all(g.size <= max_size for g in groups)
    parts: dict[tuple[str, Hashable], list[int]] = {}
    for g in groups:
        parts.setdefault((g.kind, g.basis), []).append(g.size)
    for sizes in parts.values():
        assert max(sizes) - min(sizes) <= 1
        if max_size is None:
            assert len(sizes) == 1


@examples(60)
@given(diagnoses())
def test_diagnosis_counts_every_learner_once(d: Diagnosis) -> None:
    counted = list(d.correct) + list(d.unexplained) + list(d.unanswered)
    counted += [x for ids in d.misconceptions.values() for x in ids]
    assert sorted(counted) == sorted(d.answers)
    share = d.p_obs + sum(d.prevalence.values()) + len(d.unexplained) / d.n_answered
    assert share == pytest.approx(1.0)
    assert 0.0 <= d.p_know <= 1.0
    assert d.p_know <= d.p_obs + 1e-12  # guessing correction never raises the estimate


@examples(60)
@given(st.integers(2, 10), st.floats(0, 1), st.floats(0, 1))
def test_p_know_in_unit_interval_and_monotone(k: int, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert 0.0 <= guess_corrected(low, k) <= guess_corrected(high, k) <= 1.0
    assert guess_corrected(1.0 / k, k) == pytest.approx(0.0, abs=1e-12)


@examples(40)
@given(questions(), st.integers(1, 20), st.data())
def test_more_correct_answers_never_lower_p_know(q: HingeQuestion, n: int, data: st.DataObject) -> None:
    wrong = [o for o in q.options if o != q.correct]
    answers: dict[int, str | None] = {i: data.draw(st.sampled_from(wrong)) for i in range(n)}
    p_know = [diagnose(q, answers).p_know]
    for i in range(n):
        answers[i] = q.correct
        p_know.append(diagnose(q, answers).p_know)
    assert p_know == sorted(p_know)
    assert p_know[-1] == 1.0


@examples(60)
@given(diagnoses(), st.one_of(st.none(), st.integers(1, 6)), st.integers(0, 5))
def test_groups_from_diagnosis_partition_the_class(d: Diagnosis, max_size: int | None, extra: int) -> None:
    learners: list[Hashable] = [*d.answers, *(f"new{i}" for i in range(extra))]
    groups = flexible_groups(learners, by=d, max_size=max_size)
    check_partition(groups, learners, max_size)
    where = placement(groups)
    for label, holders in d.misconceptions.items():
        assert all(where[x] == ("misconception", label) for x in holders)
    assert all(where[x][0] == "ready" for x in d.correct)
    assert all(where[f"new{i}"][0] == "unassessed" for i in range(extra))


@examples(60)
@given(
    st.lists(st.integers(0, 40), unique=True, max_size=30),
    st.data(),
    st.one_of(st.none(), st.integers(1, 5)),
)
def test_groups_from_needs_partition_the_class(learners: list[int], data: st.DataObject, max_size: int | None) -> None:
    subset = data.draw(st.lists(st.sampled_from(learners), unique=True) if learners else st.just([]))
    needs = {x: data.draw(st.sampled_from(["count", "place value", None])) for x in subset}
    groups = flexible_groups(learners, by=needs, max_size=max_size)
    check_partition(groups, list(learners), max_size)
    assert flexible_groups(learners, by=needs, max_size=max_size) == groups  # deterministic


@examples(60)
@given(diagnoses(min_learners=2), st.data())
def test_groups_change_when_evidence_changes(d: Diagnosis, data: st.DataObject) -> None:
    q = d.question
    by_label: dict[str, list[str]] = {}
    for option, label in q.misconceptions.items():
        if label != NONE_PLAUSIBLE:
            by_label.setdefault(label, []).append(option)
    assume(len(by_label) >= 2)
    holders = [x for ids in d.misconceptions.values() for x in ids]
    assume(holders)
    learner = data.draw(st.sampled_from(holders))
    old_label = q.misconceptions[d.answers[learner]]  # type: ignore[index]
    new_label = data.draw(st.sampled_from(sorted(set(by_label) - {old_label})))
    answers = dict(d.answers)
    answers[learner] = by_label[new_label][0]
    changed = diagnose(q, answers)
    before = flexible_groups(list(d.answers), by=d)
    after = flexible_groups(list(d.answers), by=changed)
    assert placement(before)[learner] == ("misconception", old_label)
    assert placement(after)[learner] == ("misconception", new_label)
    assert before != after
    if len(d.misconceptions[old_label]) > 1 or d.misconceptions[new_label]:
        # the unlabelled partition changes too: the learner left or joined company
        assert {frozenset(g.members) for g in before} != {frozenset(g.members) for g in after}


@examples(60)
@given(diagnoses())
def test_decide_always_decides(d: Diagnosis) -> None:
    assume(d.n_answered * 2 >= d.n_learners)
    decision = decide(d)
    assert decision.action in ACTIONS
    if decision.action == "regroup":
        assert decision.groups_by and set(decision.groups_by) <= set(d.misconceptions)
        assert all(d.misconceptions[m] for m in decision.groups_by)
    else:
        assert decision.groups_by == ()
    assert (decision.action == "move on") == (d.p_know >= 0.8)


@examples(40)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=20), st.integers(3, 6), st.permutations(range(4)))
def test_repeated_partition_is_fixed_under_relabelling(labels: list[int], n_cycles: int, relabel: list[int]) -> None:
    first = dict(enumerate(labels))
    second = {x: relabel[label] for x, label in first.items()}
    history = [first if i % 2 == 0 else second for i in range(n_cycles)]
    findings = audit_grouping(history)
    together = any(count > 1 for count in Counter(labels).values())
    assert [f.kind for f in findings] == (["fixed grouping"] if together else [])
    if together:
        assert findings[0].agreement == 1.0
        for group in findings[0].groups:
            assert len({first[x] for x in group}) == 1


@examples(40)
@given(questions(), st.one_of(st.none(), st.text(max_size=20)))
def test_hinge_question_json_round_trip(q: HingeQuestion, text: str | None) -> None:
    q = HingeQuestion(q.skill, q.options, q.correct, q.misconceptions, text=text)
    assert HingeQuestion.from_json(q.to_json()) == q
    assert all(q.misconceptions[o] == NONE_PLAUSIBLE for o in q.smells)
