"""Level 3, teaching: hinge questions, diagnosis, decisions, flexible groups, audit, verification.

Hand-computed values (DOMAIN.md section 3.2: k = 4, p_obs = 0.6 -> p_know 0.4667)
and every documented error, whose message must name the offending value.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from personalise.exceptions import EvidenceError, InvalidParameterError, PersonaliseError
from personalise.teaching import (
    NONE_PLAUSIBLE,
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


def fails(cls: type[PersonaliseError], call: Callable[[], object], *fragments: str) -> PersonaliseError:
    """``call()`` raises ``cls`` and its message contains every fragment."""
    with pytest.raises(cls) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return info.value


FOUR = ("A", "B", "C", "D")
MIS = {"B": "adds denominators", "C": "adds denominators", "D": "multiplies"}


def question(**kw: object) -> HingeQuestion:
    args: dict[str, object] = {"skill": "add fractions", "options": FOUR, "correct": "A", "misconceptions": MIS}
    args.update(kw)
    return HingeQuestion(**args)  # type: ignore[arg-type]


def class_of_ten() -> dict[object, str | None]:
    # 10 answered, 6 correct (p_obs 0.6); 2 add denominators (B, C); 2 multiply (D)
    answers: dict[object, str | None] = {f"L{i}": "A" for i in range(6)}
    answers.update({"L6": "B", "L7": "C", "L8": "D", "L9": "D"})
    return answers


# ------------------------------------------------------------------ question
class TestHingeQuestion:
    def test_fields_and_smells(self) -> None:
        q = HingeQuestion("s", ("A", "B", "C"), "A", {"C": NONE_PLAUSIBLE, "B": "m"}, text="2 + 2?")
        assert q.k == 3
        assert q.smells == ("C",)
        assert q.misconception_ids == ("m",)
        assert list(q.misconceptions) == ["B", "C"]  # option order
        assert q.text == "2 + 2?"

    def test_no_smell(self) -> None:
        assert question().smells == ()
        assert question().misconception_ids == ("adds denominators", "multiplies")

    def test_frozen_and_hashable(self) -> None:
        q = question()
        with pytest.raises(AttributeError):
            q.correct = "B"  # type: ignore[misc]
        assert hash(q) == hash(question())
        assert q == question()
        assert q != question(text="other")

    def test_json_round_trip(self) -> None:
        q = HingeQuestion(7, ("x", "y"), "y", {"x": NONE_PLAUSIBLE}, text="which?")
        doc = json.loads(q.to_json())
        assert doc["schema"] == "personalise.hinge_question/1"
        assert HingeQuestion.from_json(q.to_json()) == q
        assert HingeQuestion.from_json(doc) == q

    def test_json_errors(self) -> None:
        fails(InvalidParameterError, lambda: HingeQuestion.from_json('{"schema": "x"}'), "'x'")
        fails(InvalidParameterError, lambda: HingeQuestion.from_json("{nope"), "not a JSON")
        doc = json.loads(question().to_json())
        del doc["correct"]
        fails(InvalidParameterError, lambda: HingeQuestion.from_dict(doc), "'correct'")
        fails(InvalidParameterError, lambda: question(skill=("a", "b")).to_json(), "('a', 'b')")

    @pytest.mark.parametrize(
        ("kw", "fragment"),
        [
            ({"options": ("A",)}, "at least 2 options"),
            ({"options": "ABCD"}, "'ABCD'"),
            ({"options": ("A", "B", "A")}, "option 'A' appears more than once"),
            ({"options": ("A", 2)}, "got 2"),
            ({"options": ("A", "")}, "got ''"),
            ({"correct": "E"}, "got 'E'"),
            ({"misconceptions": {"B": "m", "C": "m"}}, "wrong option 'D' has no misconception"),
            ({"misconceptions": {**MIS, "A": "m"}}, "option 'A' is the correct answer"),
            ({"misconceptions": {**MIS, "Z": "m"}}, "unknown option 'Z'"),
            ({"misconceptions": {**MIS, "D": ""}}, "option 'D'"),
            ({"misconceptions": {**MIS, "D": 3}}, "option 'D'"),
            ({"misconceptions": ["B"]}, "['B']"),
            ({"skill": None}, "None"),
            ({"skill": ["a"]}, "['a']"),
            ({"text": 5}, "got 5"),
        ],
    )
    def test_bad_input_names_the_value(self, kw: dict[str, object], fragment: str) -> None:
        fails(InvalidParameterError, lambda: question(**kw), fragment)


# ----------------------------------------------------------------- diagnosis
class TestDiagnose:
    def test_domain_example(self) -> None:
        d = diagnose(question(), class_of_ten())
        assert d.p_obs == pytest.approx(0.6)
        assert d.p_know == pytest.approx(0.4666666666666667, abs=1e-12)
        assert round(d.p_know, 4) == 0.4667
        assert d.n_learners == 10 and d.n_answered == 10
        assert d.correct == tuple(f"L{i}" for i in range(6))
        assert dict(d.misconceptions) == {"adds denominators": ("L6", "L7"), "multiplies": ("L8", "L9")}
        assert d.prevalence == {"adds denominators": pytest.approx(0.2), "multiplies": pytest.approx(0.2)}
        assert d.unanswered == () and d.unexplained == ()

    def test_unanswered_are_excluded_from_shares(self) -> None:
        answers = class_of_ten()
        answers.update({"S1": None, "S2": None})
        d = diagnose(question(), answers)
        assert (d.n_learners, d.n_answered) == (12, 10)
        assert d.p_obs == pytest.approx(0.6)
        assert d.unanswered == ("S1", "S2")
        assert d.prevalence["multiplies"] == pytest.approx(0.2)

    def test_unexplained_and_empty_misconceptions(self) -> None:
        q = HingeQuestion("s", ("A", "B", "C"), "A", {"B": "m", "C": NONE_PLAUSIBLE})
        d = diagnose(q, {1: "C", 2: "A", 3: "C"})
        assert d.unexplained == (1, 3)
        assert dict(d.misconceptions) == {"m": ()}
        assert d.prevalence == {"m": 0.0}
        # k = 3, p_obs = 1/3 -> exactly chance -> 0
        assert d.p_know == 0.0

    def test_clipping(self) -> None:
        assert guess_corrected(0.0, 4) == 0.0
        assert guess_corrected(1.0, 4) == 1.0
        assert guess_corrected(0.5, 2) == 0.0
        assert guess_corrected(0.75, 2) == pytest.approx(0.5)
        assert guess_corrected(0.6, 4) == pytest.approx(7 / 15)

    def test_repr_and_str(self) -> None:
        answers = class_of_ten()
        answers["S1"] = None
        d = diagnose(question(), answers)
        text = "Diagnosis(skill='add fractions', answered=10/11, correct=0.60, p_know=0.47, misconceptions={'adds denominators': 2, 'multiplies': 2})"
        assert repr(d) == text
        assert str(d) == text

    def test_to_dict(self) -> None:
        answers = {"a": "A", "b": "D", "c": None}
        data = diagnose(question(), answers).to_dict()
        assert data == {
            "skill": "add fractions",
            "n_learners": 3,
            "n_answered": 2,
            "p_obs": 0.5,
            "p_know": pytest.approx(1 / 3),
            "correct": ["a"],
            "misconceptions": {"adds denominators": [], "multiplies": ["b"]},
            "prevalence": {"adds denominators": 0.0, "multiplies": 0.5},
            "unexplained": [],
            "unanswered": ["c"],
        }
        json.dumps(data)

    def test_diagnosis_is_a_value(self) -> None:
        a = diagnose(question(), class_of_ten())
        b = Diagnosis(question(), dict(class_of_ten()))
        assert a == b
        with pytest.raises(AttributeError):
            a.correct = ()  # type: ignore[misc]

    def test_input_not_mutated(self) -> None:
        answers = class_of_ten()
        copy = dict(answers)
        diagnose(question(), answers)
        assert answers == copy

    def test_unknown_option_names_learner_and_option(self) -> None:
        err = fails(EvidenceError, lambda: diagnose(question(), {"ann": "A", "bo": "E"}), "'bo'", "'E'")
        assert err.value == "E"
        fails(EvidenceError, lambda: diagnose(question(), {"ann": 1}), "'ann'", "option 1")

    def test_empty_and_silent(self) -> None:
        fails(EvidenceError, lambda: diagnose(question(), {}), "answers is empty")
        fails(EvidenceError, lambda: diagnose(question(), {"a": None, "b": None}), "none of the 2 learners answered")

    def test_bad_types(self) -> None:
        fails(InvalidParameterError, lambda: diagnose("q", {"a": "A"}), "'q'")  # type: ignore[arg-type]
        fails(InvalidParameterError, lambda: diagnose(question(), [("a", "A")]), "[('a', 'A')]")  # type: ignore[arg-type]


# ------------------------------------------------------------------ decision
def diag_with(n_correct: int, wrong: dict[str, int], silent: int = 0, q: HingeQuestion | None = None) -> Diagnosis:
    answers: dict[object, str | None] = {f"c{i}": "A" for i in range(n_correct)}
    for option, count in wrong.items():
        answers.update({f"{option}{i}": option for i in range(count)})
    answers.update({f"s{i}": None for i in range(silent)})
    return diagnose(q or question(), answers)


class TestDecide:
    def test_move_on(self) -> None:
        # p_obs 0.9 -> p_know (0.9 - 0.25) / 0.75 = 0.8667 >= 0.8
        d = decide(diag_with(9, {"D": 1}))
        assert d == Decision("move on", d.reason)
        assert d.groups_by == ()
        assert "0.87 >= proceed_at 0.80" in d.reason and "1 learner(s)" in d.reason

    def test_move_on_at_exact_threshold(self) -> None:
        # k = 2: p_obs 0.9 -> p_know 0.8 exactly
        q = HingeQuestion("s", ("A", "B"), "A", {"B": "m"})
        d = diag_with(9, {"B": 1}, q=q)
        assert d.p_know == pytest.approx(0.8)
        assert decide(d, proceed_at=d.p_know).action == "move on"

    def test_regroup_by_prevalence(self) -> None:
        # 6 correct, B 1 + C 1 (adds denominators: 2), D 2 (multiplies: 2) -> tie keeps option order
        d = decide(diag_with(6, {"B": 1, "C": 1, "D": 2}))
        assert d.action == "regroup"
        assert d.groups_by == ("adds denominators", "multiplies")
        d = decide(diag_with(6, {"B": 1, "D": 3}))
        assert d.groups_by == ("multiplies", "adds denominators")
        assert "multiplies (3), adds denominators (1)" in d.reason

    def test_regroup_lists_only_held(self) -> None:
        assert decide(diag_with(6, {"D": 4})).groups_by == ("multiplies",)

    def test_reteach_when_low(self) -> None:
        # p_obs 0.4 -> p_know 0.2 < 0.3
        d = decide(diag_with(4, {"B": 6}))
        assert d.action == "reteach" and d.groups_by == ()
        assert "0.20 < regroup_at 0.30" in d.reason

    def test_reteach_when_no_misconception(self) -> None:
        q = HingeQuestion("s", FOUR, "A", {"B": NONE_PLAUSIBLE, "C": NONE_PLAUSIBLE, "D": NONE_PLAUSIBLE})
        d = decide(diag_with(6, {"B": 4}, q=q))
        assert d.action == "reteach"
        assert "no wrong answer points to a misconception" in d.reason

    def test_thresholds_configurable(self) -> None:
        d = diag_with(6, {"D": 4})  # p_know 0.4667
        assert decide(d, proceed_at=0.4).action == "move on"
        assert decide(d, regroup_at=0.5).action == "reteach"
        assert decide(d, regroup_at=0.0).action == "regroup"

    def test_refuses_when_too_few_answered(self) -> None:
        d = diag_with(3, {"D": 1}, silent=5)  # 4 of 9 answered
        fails(EvidenceError, lambda: decide(d), "only 4 of 9 learners answered (44%)", "50%")
        assert decide(d, min_answered=0.4).action in ("move on", "regroup", "reteach")
        assert decide(diag_with(3, {"D": 1}, silent=4)).action == "regroup"  # exactly half

    @pytest.mark.parametrize(
        ("kw", "fragment"),
        [
            ({"proceed_at": 0.0}, "proceed_at must lie in (0, 1]; got 0.0"),
            ({"proceed_at": 1.5}, "got 1.5"),
            ({"proceed_at": "high"}, "'high'"),
            ({"regroup_at": -0.1}, "regroup_at must be a number in [0, 1]; got -0.1"),
            ({"regroup_at": float("nan")}, "got nan"),
            ({"regroup_at": 0.9}, "regroup_at (0.9) must not exceed proceed_at (0.8)"),
            ({"min_answered": 0}, "min_answered"),
        ],
    )
    def test_bad_options(self, kw: dict[str, object], fragment: str) -> None:
        d = diag_with(6, {"D": 4})
        fails(InvalidParameterError, lambda: decide(d, **kw), fragment)  # type: ignore[arg-type]

    def test_bad_diagnosis(self) -> None:
        fails(InvalidParameterError, lambda: decide({"p_know": 0.9}), "{'p_know': 0.9}")  # type: ignore[arg-type]
        fails(InvalidParameterError, lambda: Decision("ignore", "why"), "ignore")


# -------------------------------------------------------------------- groups
CLASS = ["ann", "bo", "cy", "di", "ed", "fay", "gus"]


class TestFlexibleGroups:
    def diagnosis(self) -> Diagnosis:
        q = HingeQuestion("s", FOUR, "A", {"B": "m1", "C": "m2", "D": NONE_PLAUSIBLE})
        return diagnose(q, {"ann": "B", "bo": "A", "cy": "B", "di": "C", "ed": "D", "fay": None})

    def test_by_diagnosis(self) -> None:
        groups = flexible_groups(CLASS, by=self.diagnosis())
        assert groups == (
            Group("m1", ("ann", "cy"), "misconception"),
            Group("m2", ("di",), "misconception"),
            Group("s", ("ed",), "reteach"),
            Group("s", ("bo",), "ready"),
            Group("s", ("fay", "gus"), "unassessed"),
        )

    def test_members_follow_learner_ids_order(self) -> None:
        groups = flexible_groups(list(reversed(CLASS)), by=self.diagnosis())
        assert groups[0].members == ("cy", "ann")
        assert groups[-1].members == ("gus", "fay")

    def test_by_needs_mapping(self) -> None:
        needs = {"ann": "count", "bo": None, "cy": "place value", "di": "count"}
        groups = flexible_groups(["ann", "bo", "cy", "di", "ed"], by=needs)
        assert groups == (
            Group("count", ("ann", "di"), "prerequisite"),
            Group("place value", ("cy",), "prerequisite"),
            Group(None, ("bo",), "ready"),
            Group(None, ("ed",), "unassessed"),
        )

    def test_split_evenly(self) -> None:
        needs = {i: "n" for i in range(10)}
        groups = flexible_groups(range(10), by=needs, max_size=4)
        assert [g.members for g in groups] == [(0, 1, 2, 3), (4, 5, 6), (7, 8, 9)]
        assert all(g.basis == "n" and g.kind == "prerequisite" for g in groups)
        assert [g.size for g in flexible_groups(range(9), by={i: "n" for i in range(9)}, max_size=3)] == [3, 3, 3]
        assert [g.size for g in flexible_groups(range(7), by={i: "n" for i in range(7)}, max_size=6)] == [4, 3]

    def test_min_size_raises_naming_sizes(self) -> None:
        err = fails(
            InvalidParameterError,
            lambda: flexible_groups(CLASS, by=self.diagnosis(), min_size=2),
            "3 group(s) have fewer than min_size=2",
            "misconception 'm1': 2",
            "misconception 'm2': 1",
            "ready 's': 1",
        )
        assert err.value == [1, 1, 1]
        # split parts below min_size are reported too: 5 with max 4 -> 3 + 2
        fails(InvalidParameterError, lambda: flexible_groups(range(5), by={i: 1 for i in range(5)}, max_size=4, min_size=3), ": 2")
        assert [g.size for g in flexible_groups(range(5), by={i: 1 for i in range(5)}, max_size=4, min_size=2)] == [3, 2]

    def test_empty_class(self) -> None:
        assert flexible_groups([], by={}) == ()

    def test_strangers_in_by(self) -> None:
        fails(EvidenceError, lambda: flexible_groups(["ann"], by={"ann": "x", "zed": "y", "yan": None}), "'zed', 'yan'")
        fails(EvidenceError, lambda: flexible_groups(["ann", "bo"], by=self.diagnosis()), "'cy'", "'fay'")

    @pytest.mark.parametrize(
        ("call", "fragment"),
        [
            (lambda: flexible_groups("abc", by={}), "'abc'"),
            (lambda: flexible_groups(5, by={}), "got 5"),
            (lambda: flexible_groups(["a", "a"], by={}), "'a' appears again"),
            (lambda: flexible_groups(["a"], by=["a"]), "['a']"),
            (lambda: flexible_groups(["a"], by={}, max_size=0), "max_size must be an integer >= 1; got 0"),
            (lambda: flexible_groups(["a"], by={}, min_size=0), "min_size must be an integer >= 1; got 0"),
            (lambda: flexible_groups(["a"], by={}, max_size=2, min_size=3), "max_size (2) must be at least min_size (3)"),
            (lambda: flexible_groups(["a"], by={"a": ["x"]}), "['x']"),
        ],
    )
    def test_bad_input(self, call: Callable[[], object], fragment: str) -> None:
        fails(InvalidParameterError, call, fragment)

    def test_bad_group(self) -> None:
        fails(InvalidParameterError, lambda: Group("m", ("a",), "ability"), "ability")


# --------------------------------------------------------------------- audit
FIXED = {"ann": "top", "bo": "top", "cy": "mid", "di": "mid", "ed": "low", "fay": "low"}


class TestAuditGrouping:
    def test_fixed_grouping_named(self) -> None:
        relabelled = {learner: label.upper() for learner, label in FIXED.items()}
        [finding] = audit_grouping([FIXED, relabelled, FIXED])
        assert finding.kind == "fixed grouping"
        assert finding.agreement == 1.0
        assert finding.groups == (("ann", "bo"), ("cy", "di"), ("ed", "fay"))
        assert "'ann', 'bo'; 'cy', 'di'; 'ed', 'fay'" in finding.message
        assert "3 cycles" in finding.message

    def test_agreement_value(self) -> None:
        # cycle 2 moves fay to mid: pairs {ab, cd, ef} vs {ab, cd, cf, df}; both: {ab, cd};
        # union 5 -> 2/5 = 0.4; back again, also 0.4; mean 0.4
        moved = {**FIXED, "fay": "mid"}
        assert audit_grouping([FIXED, moved, FIXED]) == []
        [finding] = audit_grouping([FIXED, moved, FIXED], stability=0.4)
        assert finding.agreement == pytest.approx(0.4)
        assert finding.groups == (("ann", "bo"), ("cy", "di"))

    def test_flexible_history_is_clean(self) -> None:
        shuffled = {"ann": 1, "cy": 1, "bo": 2, "ed": 2, "di": 3, "fay": 3}
        assert audit_grouping([FIXED, shuffled, FIXED, shuffled]) == []

    def test_too_few_cycles(self) -> None:
        assert audit_grouping([FIXED, FIXED]) == []
        assert len(audit_grouping([FIXED, FIXED], min_cycles=2)) == 1
        assert audit_grouping([]) == []

    def test_all_singletons_is_not_fixed(self) -> None:
        alone = {learner: learner for learner in FIXED}
        assert audit_grouping([alone, alone, alone]) == []

    def test_tracking(self) -> None:
        attainment = {"ann": 9, "bo": 8, "cy": 6, "di": 5, "ed": 2, "fay": 1}
        fixed, tracking = audit_grouping([FIXED, FIXED, FIXED], attainment=attainment)
        assert tracking.kind == "tracking"
        assert tracking.groups == (("ed", "fay"), ("cy", "di"), ("ann", "bo"))
        assert "'ed', 'fay' (mean 1.50)" in tracking.message and "100%" in tracking.message

    def test_fixed_but_mixed_attainment_is_not_tracking(self) -> None:
        attainment = {"ann": 9, "bo": 1, "cy": 8, "di": 2, "ed": 7, "fay": 3}
        findings = audit_grouping([FIXED, FIXED, FIXED], attainment=attainment)
        assert [f.kind for f in findings] == ["fixed grouping"]

    def test_accepts_flexible_groups_output(self) -> None:
        groups = flexible_groups(["a", "b", "c", "d"], by={"a": 1, "b": 1, "c": 2, "d": 2})
        [finding] = audit_grouping([groups, groups, groups])
        assert finding.groups == (("a", "b"), ("c", "d"))

    def test_learners_joining_later(self) -> None:
        later = {**FIXED, "new": "top"}
        [finding] = audit_grouping([FIXED, later, later])
        assert finding.groups == (("ann", "bo"), ("cy", "di"), ("ed", "fay"))

    def test_bad_input(self) -> None:
        fails(InvalidParameterError, lambda: audit_grouping(FIXED), "history must be a sequence")  # type: ignore[arg-type]
        fails(InvalidParameterError, lambda: audit_grouping([FIXED, "ab"]), "'ab' in cycle 1")  # type: ignore[list-item]
        fails(InvalidParameterError, lambda: audit_grouping([{"a": ["x"]}]), "['x']", "'a'", "cycle 0")
        fails(InvalidParameterError, lambda: audit_grouping([FIXED], min_cycles=1), "min_cycles must be an integer >= 2; got 1")
        fails(InvalidParameterError, lambda: audit_grouping([FIXED], stability=0), "stability must lie in (0, 1]; got 0")
        fails(InvalidParameterError, lambda: audit_grouping([FIXED], banding=2), "banding must lie in (0, 1]; got 2")
        fails(InvalidParameterError, lambda: audit_grouping([FIXED], attainment=[1]), "[1]")  # type: ignore[arg-type]
        twice = (Group(1, ("a",), "ready"), Group(2, ("a",), "ready"))
        fails(EvidenceError, lambda: audit_grouping([twice]), "learner 'a' is in two groups in cycle 0")

    def test_missing_attainment(self) -> None:
        attainment = {"ann": 9, "bo": 8, "cy": 6, "di": 5, "ed": float("nan"), "fay": 1}
        fails(EvidenceError, lambda: audit_grouping([FIXED] * 3, attainment=attainment), "learner 'ed'", "nan")
        del attainment["ed"]
        fails(EvidenceError, lambda: audit_grouping([FIXED] * 3, attainment=attainment), "learner 'ed'", "None")

    def test_finding_is_frozen(self) -> None:
        f = GroupingFinding("fixed grouping", "m", [["a", "b"]], 1.0)
        assert f.groups == (("a", "b"),)
        with pytest.raises(AttributeError):
            f.kind = "x"  # type: ignore[misc]


# -------------------------------------------------------------- verification
Q1 = HingeQuestion("s", FOUR, "A", {"B": "m1", "C": "m2", "D": "m2"}, text="1/2 + 1/3 = ?")
Q2 = HingeQuestion("s", FOUR, "C", {"A": "m1", "B": "m2", "D": NONE_PLAUSIBLE}, text="1/4 + 1/5 = ?")


class TestVerify:
    def before(self) -> Diagnosis:
        # 4 answered: 2 correct (p_obs 0.5 -> p_know 1/3), m1 1, m2 1
        return diagnose(Q1, {"a": "A", "b": "A", "c": "B", "d": "D", "e": None})

    def test_worked(self) -> None:
        after = diagnose(Q2, {"a": "C", "b": "C", "c": "C", "d": "B", "e": "C"})
        v = verify(self.before(), after)
        assert v.p_know_before == pytest.approx(1 / 3)
        assert v.p_know_after == pytest.approx((0.8 - 0.25) / 0.75)
        assert v.change == pytest.approx(0.4)
        assert v.targeted == ("m1", "m2")
        assert dict(v.prevalence) == {"m1": (0.25, 0.0), "m2": (0.25, 0.2)}
        assert v.worked is True
        assert repr(v) == (
            "Verification(skill='s', p_know=0.33 -> 0.73 (+0.40), "
            "prevalence={'m1': 0.25 -> 0.00, 'm2': 0.25 -> 0.20}, targeted=('m1', 'm2'), worked=True)"
        )
        assert str(v) == repr(v)

    def test_targeted_prevalence_must_fall(self) -> None:
        # p_know rises but m2 stays at 0.25
        after = diagnose(Q2, {"a": "C", "b": "C", "c": "C", "d": "B"})
        v = verify(self.before(), after)
        assert v.change > 0
        assert v.prevalence["m2"] == (0.25, 0.25)
        assert v.worked is False
        assert verify(self.before(), after, targeted=["m1"]).worked is True

    def test_p_know_must_rise(self) -> None:
        after = diagnose(Q2, {"a": "C", "b": "C", "c": "D", "d": "D"})  # same p_know 1/3, prevalences 0
        v = verify(self.before(), after)
        assert v.change == pytest.approx(0.0)
        assert v.worked is False

    def test_untargeted_zero_stays_zero(self) -> None:
        before = diagnose(Q1, {"a": "A", "b": "B"})
        after = diagnose(Q2, {"a": "C", "b": "C"})
        v = verify(before, after, targeted=["m1", "m2"])
        assert v.prevalence["m2"] == (0.0, 0.0)
        assert v.worked is True

    def test_same_question_refused(self) -> None:
        before = self.before()
        again = diagnose(Q1, {"a": "A", "b": "A", "c": "A", "d": "A"})
        fails(InvalidParameterError, lambda: verify(before, again), "re-asks the same question", "1/2 + 1/3")
        reworded = HingeQuestion("s", ("W", "X", "Y", "Z"), "W", {"X": "m1", "Y": "m2", "Z": "m2"}, text="  1/2  +  1/3 = ? ")
        fails(InvalidParameterError, lambda: verify(before, diagnose(reworded, {"a": "W"})), "re-asks")
        untitled = HingeQuestion("s", ("A", "B"), "A", {"B": "m1"})
        fails(InvalidParameterError, lambda: verify(diagnose(untitled, {"a": "B"}), diagnose(untitled, {"a": "A"})), "('A', 'B')")

    def test_errors(self) -> None:
        other = HingeQuestion("t", FOUR, "A", {"B": "m1", "C": "m2", "D": "m2"})
        fails(InvalidParameterError, lambda: verify(self.before(), diagnose(other, {"a": "A"})), "'s' and 't'")
        fails(InvalidParameterError, lambda: verify(self.before(), "after"), "after must be a Diagnosis; got 'after'")  # type: ignore[arg-type]
        after = diagnose(Q2, {"a": "C"})
        fails(InvalidParameterError, lambda: verify(self.before(), after, targeted=["m9"]), "'m9'", "before question")
        fails(InvalidParameterError, lambda: verify(self.before(), after, targeted="m1"), "'m1'")
        narrow = HingeQuestion("s", ("A", "B"), "A", {"B": "m1"})
        fails(InvalidParameterError, lambda: verify(self.before(), diagnose(narrow, {"a": "A"})), "'m2'", "after question")

    def test_verification_value(self) -> None:
        v = Verification("s", 0.1, 0.5, {"m": (0.4, 0.1)}, ["m"], True)
        assert v.targeted == ("m",)
        with pytest.raises(TypeError):
            v.prevalence["m"] = (0.0, 0.0)  # type: ignore[index]
