"""Scaffolds that fade: hand-made examples (DOMAIN.md section 4 and check 5).

* check 5, Wood's shift rule: levels 0..5; from level s0, support reaches 0
  after exactly s0 consecutive successes; a failure at level 0 brings back
  level 1; ``fade_after=n`` steps down only after n successes in a row; the
  goal is the same at every support level; no scaffold without a fading rule;
* every rule on hand-computed values and against ``tests/scaffold_reference.py``;
* ``advanced(steps)``: the opportunity clock moves, opportunity rules fade with
  it, outcome and mastery rules keep their level;
* immutability: ``after`` returns a new object, the cohort's arrays are
  read-only, inputs are never written;
* ``audit_scaffolds``: permanent fixtures, struggles with review skills, tiered
  task plans.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest

import personalise as pl
from tests.scaffold_reference import (
    COUNTERS,
    RefScaffold,
    close,
    contingent_ref,
    linear_ref,
    make_rule,
    mastery_ref,
    stepwise_ref,
    worked_ref,
)
from tests.strategies import read_only

WOOD = pl.contingent_fading(levels=5)  # DOMAIN 4.2: level 0 = no help ... level 5 = demonstrate


def run(scaffold: pl.Scaffold, outcomes: list[bool]) -> list[pl.Scaffold]:
    """``scaffold`` and its successors after each outcome."""
    out = [scaffold]
    for success in outcomes:
        out.append(out[-1].after(success))
    return out


# ------------------------------------------------------ check 5: Wood's rule
def test_wood_ladder_has_levels_0_to_5() -> None:
    s = pl.Scaffold("fractions", WOOD)
    assert s.level == 5.0 and s.support == 1.0, "a fresh contingent scaffold starts at the top (demonstrate)"
    supports = [pl.Scaffold("fractions", WOOD, level=k).support for k in range(6)]
    assert supports == [k / 5 for k in range(6)]
    assert supports[0] == 0.0 and pl.Scaffold("fractions", WOOD, level=0).is_faded
    with pytest.raises(pl.InvalidParameterError):
        pl.Scaffold("fractions", WOOD, level=6)
    with pytest.raises(pl.InvalidParameterError):
        pl.Scaffold("fractions", WOOD, level=-1)


@pytest.mark.parametrize("s0", range(6))
def test_support_reaches_zero_after_exactly_s0_successes(s0: int) -> None:
    history = run(pl.Scaffold("fractions", pl.contingent_fading(levels=5, start=s0)), [True] * (s0 + 3))
    levels = [s.level for s in history]
    assert levels == [float(max(0, s0 - k)) for k in range(s0 + 4)]
    assert all(s.support > 0 for s in history[:s0]), "still some support before the s0-th success"
    assert all(s.support == 0.0 and s.is_faded for s in history[s0:]), "no support from the s0-th success on"


def test_four_successes_from_level_four() -> None:
    """The example of check 5."""
    s = pl.Scaffold("fractions", pl.contingent_fading(levels=5, start=4))
    for _ in range(3):
        s = s.after(True)
    assert s.level == 1.0 and s.support == pytest.approx(0.2)
    s = s.after(True)
    assert (s.level, s.support) == (0.0, 0.0)


def test_one_failure_at_level_zero_restores_level_one() -> None:
    for s in (
        pl.Scaffold("fractions", pl.contingent_fading(levels=5, start=0)),
        run(pl.Scaffold("fractions", WOOD), [True] * 7)[-1],
        pl.Scaffold("fractions", WOOD, level=0, opportunities=9, successes=9, streak=9),
    ):
        assert s.level == 0.0
        back = s.after(False)
        assert back.level == 1.0 and back.support == pytest.approx(1 / 5)
        assert back.failure_run == 1 and back.streak == 0


def test_failure_at_the_top_stays_at_the_top() -> None:
    s = pl.Scaffold("fractions", WOOD)
    assert [x.level for x in run(s, [False, False, True, False, False])] == [5.0, 5.0, 5.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_fade_after_n_steps_down_only_after_n_consecutive_successes(n: int) -> None:
    rule = pl.contingent_fading(levels=5, fade_after=n)
    s = pl.Scaffold("fractions", rule)
    history = run(s, [True] * (3 * n))
    assert [x.level for x in history] == [5.0 - (k // n) for k in range(3 * n + 1)]
    # a failure before the n-th success: back up one, and the run starts again
    s = history[n]  # level 4 after n successes
    s = run(s, [True] * (n - 1) + [False])[-1]
    assert s.level == 5.0
    after = run(s, [True] * n)
    assert [x.level for x in after] == [5.0] * n + [4.0]


def test_fade_after_matches_reference_on_a_mixed_sequence() -> None:
    outcomes = [True, True, False, True, True, True, True, False, False, True, True, True, True, True, True]
    for n in (1, 2, 3):
        history = run(pl.Scaffold("x", pl.contingent_fading(levels=4, fade_after=n)), outcomes)
        assert [x.level for x in history] == [float(r) for r in contingent_ref(outcomes, levels=4, fade_after=n)]


def test_goal_is_the_same_at_every_support_level() -> None:
    scaffolds = [pl.Scaffold("fractions", WOOD, level=k, kind="worked example") for k in range(6)]
    assert {s.skill for s in scaffolds} == {"fractions"}
    s = pl.Scaffold("fractions", WOOD)
    seen = set()
    for step, success in enumerate([True, True, False, True, True, True, True, True, False, False]):
        s = s.after(success) if step % 3 else s.advanced(2).after(success)
        seen.add(s.level)
        assert s.skill == "fractions" and s.kind == "prompt"
    assert len(seen) >= 4, "the goal was checked at several support levels"


def test_goal_is_the_same_for_every_learner_in_a_cohort() -> None:
    state = pl.ScaffoldState.start(4, [pl.Scaffold("fractions", WOOD), pl.Scaffold(7, pl.backward_fading(3))])
    rng = np.random.default_rng(3)
    for _ in range(6):
        state = state.after(rng.random((4, 2)) < 0.5)
        assert state.skills == ("fractions", 7)
        for i in range(4):
            assert state.scaffold(i, 0).skill == "fractions"
            assert state.scaffold(i, 1).skill == 7


@pytest.mark.parametrize("rule", [None, "contingent", "linear_fading", pl.contingent_fading, lambda t: 1.0, 0.5, {"rule": "linear", "opportunities": 3}])
def test_no_scaffold_without_a_fading_rule(rule: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="fading rule") as info:
        pl.Scaffold("fractions", rule)  # type: ignore[arg-type]
    assert info.value.value is rule


def test_no_cohort_scaffold_without_a_fading_rule() -> None:
    with pytest.raises(pl.InvalidParameterError, match="fading rule"):
        pl.ScaffoldState(["a"], ["prompt"], [None], [[1.0]], [[0]], [[0]], [[0]], [[0]], [[0]])  # type: ignore[list-item]
    with pytest.raises(pl.InvalidParameterError, match="Scaffold"):
        pl.ScaffoldState.start(2, ["a"])  # type: ignore[list-item]


def test_every_factory_gives_support_that_fades() -> None:
    """Temporariness (DOMAIN 4.1): each rule reaches support 0 (with mastery 1 for the mastery rule)."""
    for rule in (
        pl.linear_fading(5),
        pl.exponential_fading(2.0),
        pl.stepwise_fading(3),
        pl.contingent_fading(),
        pl.backward_fading(4, reinstate=False),
        pl.mastery_fading(),
    ):
        s = pl.Scaffold("x", rule)
        assert s.support == 1.0
        for _ in range(40):
            s = s.after(True, mastery=1.0)
        assert s.is_faded, rule


# --------------------------------------------------- each rule, hand values
def test_linear_rule() -> None:
    rule = pl.linear_fading(4)
    assert not rule.uses_outcome and not rule.uses_mastery
    s = pl.Scaffold("add", rule)
    got = [x.support for x in run(s, [True, False, False, True, False, True, True])]
    assert got == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0, 0.0, 0.0], "outcomes do not matter, only the count"
    for n in (1, 3, 7, 10):
        for t in range(n + 3):
            assert close(pl.Scaffold("a", pl.linear_fading(n)).advanced(t).support, linear_ref(t, n))
            assert (pl.Scaffold("a", pl.linear_fading(n)).advanced(t).support == 0.0) == (t >= n)


def test_exponential_rule() -> None:
    s = pl.Scaffold("add", pl.exponential_fading(2))
    got = [x.support for x in run(s, [False] * 10)]
    expected = [2 ** (-t / 2) for t in range(9)] + [0.0, 0.0]  # 2**-4 = 0.0625 >= 0.05 > 2**-4.5
    assert got == pytest.approx(expected, rel=1e-12, abs=0.0)
    assert got[8] == 0.0625 and got[9] == 0.0 and got[10] == 0.0
    s = pl.Scaffold("add", pl.exponential_fading(1))
    assert [s.advanced(t).support for t in range(7)] == [1.0, 0.5, 0.25, 0.125, 0.0625, 0.0, 0.0]
    s = pl.Scaffold("add", pl.exponential_fading(1, floor=0.25))
    assert [s.advanced(t).support for t in range(5)] == [1.0, 0.5, 0.25, 0.0, 0.0], "exactly the floor is kept"
    s = pl.Scaffold("add", pl.exponential_fading(0.5, floor=1.0))
    assert [s.advanced(t).support for t in range(3)] == [1.0, 0.0, 0.0]


def test_stepwise_rule() -> None:
    s = pl.Scaffold("add", pl.stepwise_fading(2))
    assert [x.support for x in run(s, [True, False] * 4)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.0, 0.0, 0.0]
    levels = (0.9, 0.6, 0.6, 0.1, 0.0)
    s = pl.Scaffold("add", pl.stepwise_fading(3, levels=levels))
    for t in range(20):
        assert s.advanced(t).support == stepwise_ref(t, 3, levels)
    assert pl.Scaffold("add", pl.stepwise_fading(1, levels=(0.0,))).support == 0.0


def test_contingent_rule() -> None:
    rule = pl.contingent_fading(levels=4)
    assert rule.uses_outcome and not rule.uses_mastery
    s = pl.Scaffold("fractions_on_number_line", rule, kind="worked example")
    outcomes = [True, True, False, True, True, True, True, False, True]
    history = run(s, outcomes)
    assert [x.level for x in history] == [4, 3, 2, 3, 2, 1, 0, 0, 1, 0]
    assert [x.support for x in history] == [r / 4 for r in contingent_ref(outcomes, levels=4)]


def test_backward_rule_hands_over_the_last_steps() -> None:
    s = pl.Scaffold("long_division", pl.backward_fading(4), kind="worked example")
    assert s.worked_steps == (True, True, True, True) and s.support == 1.0
    expected = [
        (True, True, True, True),
        (True, True, True, False),
        (True, True, False, False),
        (True, False, False, False),
        (False, False, False, False),
        (False, False, False, False),
    ]
    history = run(s, [True] * 5)
    assert [x.worked_steps for x in history] == expected
    assert [x.support for x in history] == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    for k in range(5):
        # after k successes the last k steps are the learner's
        assert history[k].worked_steps[4 - k :] == (False,) * k


@pytest.mark.parametrize("reinstate", [True, False])
def test_backward_rule_failure_gives_one_step_back_only_when_reinstate(reinstate: bool) -> None:
    s = pl.Scaffold("long_division", pl.backward_fading(4, reinstate=reinstate))
    outcomes = [True, True, True, False, False, True, False, False, False, False, False]
    history = run(s, outcomes)
    expected = worked_ref(outcomes, 4, reinstate=reinstate)
    assert [x.worked_steps for x in history] == expected
    after_two = history[2].worked_steps
    assert after_two == (True, True, False, False)
    back = history[2].after(False).worked_steps
    assert back == ((True, True, True, False) if reinstate else after_two)
    assert history[-1].worked_steps == ((True,) * 4 if reinstate else (False,) * 4)


def test_worked_steps_needs_a_backward_rule() -> None:
    with pytest.raises(pl.InvalidParameterError, match="backward") as info:
        _ = pl.Scaffold("a", pl.linear_fading(3)).worked_steps
    assert info.value.value == pl.linear_fading(3)


def test_mastery_rule() -> None:
    rule = pl.mastery_fading()
    assert rule.uses_mastery and not rule.uses_outcome
    s = pl.Scaffold("add", rule)
    assert s.support == 1.0
    for m in (0.0, 0.2, 0.3, 0.31, 0.5, 0.625, 0.9, 0.949, 0.95, 0.99, 1.0):
        got = s.after(True, mastery=m).support
        assert close(got, mastery_ref(m, 0.3, 0.95)), m
        assert s.after(False, mastery=m).support == got, "the outcome does not matter, only the mastery"
    assert s.after(True, mastery=0.95).is_faded and s.after(True, mastery=0.3).support == 1.0
    custom = pl.Scaffold("add", pl.mastery_fading(full=0.5, none=0.7))
    assert [custom.after(True, mastery=m).support for m in (0.5, 0.7, 0.8)] == [1.0, 0.0, 0.0]
    assert close(custom.after(True, mastery=0.6).support, 0.5)


def test_mastery_rule_follows_the_latest_mastery_only() -> None:
    s = pl.Scaffold("add", pl.mastery_fading())
    s = s.after(True, mastery=0.99).after(False, mastery=0.2)
    assert s.support == 1.0, "support comes back when the learner model says mastery fell"


def test_expertise_reversal_support_never_rises_with_mastery() -> None:
    grid = np.linspace(0.0, 1.0, 201)
    for full, none in ((0.3, 0.95), (0.0, 1.0), (0.5, 0.51), (0.2, 0.4)):
        s = pl.Scaffold("add", pl.mastery_fading(full=full, none=none))
        supports = [s.after(True, mastery=float(m)).support for m in grid]
        assert all(a >= b for a, b in itertools.pairwise(supports))
        assert supports[0] == 1.0 and supports[-1] == 0.0


def test_rule_against_reference_on_a_fixed_script() -> None:
    events = [("after", True, 0.1), ("advance", 2, None), ("after", False, 0.5), ("after", True, 0.97),
              ("advance", 1, None), ("after", False, 0.4), ("after", True, 0.8), ("after", True, 0.96)]
    specs = [
        ("linear", {"opportunities": 6}),
        ("exponential", {"half_life": 1.5, "floor": 0.1}),
        ("stepwise", {"every": 2, "levels": (1.0, 0.4, 0.0)}),
        ("contingent", {"levels": 3, "fade_after": 2}),
        ("backward", {"n_steps": 3, "reinstate": True}),
        ("mastery", {"full": 0.2, "none": 0.9}),
    ]
    for spec in specs:
        ref, s = RefScaffold(spec), pl.Scaffold("goal", make_rule(spec))
        for kind, a, m in events:
            if kind == "after":
                ref.after(bool(a), m)
                s = s.after(bool(a), mastery=m)
            else:
                ref.advanced(int(a))
                s = s.advanced(int(a))
            assert close(s.support, ref.support), (spec, kind)
            assert {name: getattr(s, name) for name in ref.counters()} == ref.counters()


# ------------------------------------------------------------- advanced()
def test_advanced_moves_the_clock_and_fades_opportunity_rules() -> None:
    for rule, expected in (
        (pl.linear_fading(10), 0.7),
        (pl.stepwise_fading(2), 0.5),
        (pl.exponential_fading(3.0), 0.5),
    ):
        s = pl.Scaffold("add", rule)
        moved = s.advanced(3)
        assert moved.opportunities == 3 and moved.successes == 0 and moved.failures == 0
        assert close(moved.support, expected)
        assert moved.advanced(2).opportunities == 5
        assert moved.advanced(0) == moved
    s = pl.Scaffold("add", pl.linear_fading(4)).after(True).advanced(2).after(False)
    assert s.opportunities == 4 and s.support == 0.0


@pytest.mark.parametrize(
    "rule", [pl.contingent_fading(levels=5), pl.backward_fading(4), pl.mastery_fading()], ids=["contingent", "backward", "mastery"]
)
def test_advanced_keeps_the_level_of_outcome_and_mastery_rules(rule: object) -> None:
    s = pl.Scaffold("add", rule).after(True, mastery=0.6).after(True, mastery=0.6)
    moved = s.advanced(25)
    assert moved.opportunities == s.opportunities + 25
    assert moved.level == s.level and moved.support == s.support
    assert (moved.successes, moved.failures, moved.streak, moved.failure_run) == (2, 0, 2, 0)


@pytest.mark.parametrize("steps", [-1, -10, 1.5, True, "2", None])
def test_advanced_rejects_bad_steps(steps: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(repr(steps))) as info:
        pl.Scaffold("add", pl.linear_fading(3)).advanced(steps)  # type: ignore[arg-type]
    assert info.value.value is steps or info.value.value == steps


# ----------------------------------------------------------- immutability
def test_after_returns_a_new_scaffold_and_leaves_the_old_one() -> None:
    s = pl.Scaffold("add", pl.contingent_fading(levels=3), kind="worked example", functions={"demonstration"})
    before = attrs.asdict(s, recurse=False)
    t = s.after(True)
    assert t is not s and t != s
    assert attrs.asdict(s, recurse=False) == before
    assert t.functions == s.functions and t.kind == s.kind and t.rule == s.rule
    u = s.advanced(4)
    assert u is not s and attrs.asdict(s, recurse=False) == before
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.level = 0.0  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.rule.levels = 9  # type: ignore[misc]


def test_cohort_arrays_are_read_only() -> None:
    state = pl.ScaffoldState.start(3, [pl.Scaffold("a", pl.contingent_fading()), pl.Scaffold("b", pl.mastery_fading())])
    states = [state, state.after(np.ones((3, 2), bool), mastery=np.full((3, 2), 0.5))]
    states.append(states[-1].after(np.zeros((3, 2), bool), mastery=np.full((3, 2), 0.5), active=np.eye(3, 2, dtype=bool)))
    states.append(pl.ScaffoldState.from_json(states[-1].to_json()))
    for s in states:
        for name in ("level", "opportunities", "successes", "failures", "streak", "failure_run"):
            array = getattr(s, name)
            assert not array.flags.writeable, name
            with pytest.raises(ValueError):
                array[0, 0] = 1
    assert states[1] != states[0] and states[0].opportunities.max() == 0, "the old state is unchanged"


def test_cohort_inputs_are_never_written_or_frozen() -> None:
    rules = [pl.Scaffold("a", pl.contingent_fading()), pl.Scaffold("b", pl.mastery_fading()), pl.Scaffold("c", pl.linear_fading(3))]
    state = pl.ScaffoldState.start(4, rules)
    rng = np.random.default_rng(0)
    for _ in range(3):
        outcomes = rng.random((4, 3)) < 0.5
        mastery = rng.random((4, 3))
        active = rng.random((4, 3)) < 0.7
        copies = [outcomes.copy(), mastery.copy(), active.copy()]
        state = state.after(outcomes, mastery=mastery, active=active)
        state = state.after(outcomes, mastery=mastery)
        for original, copy in zip((outcomes, mastery, active), copies):
            np.testing.assert_array_equal(original, copy)
            assert original.flags.writeable, "the caller's array was frozen"
    # single-rule fast path too
    one = pl.ScaffoldState.start(4, [pl.Scaffold("m", pl.mastery_fading())] * 2)
    mastery = rng.random((4, 2))
    new = one.after(np.ones((4, 2), bool), mastery=mastery)
    assert mastery.flags.writeable and not np.shares_memory(new.level, mastery)
    # the constructor copies: it neither freezes nor aliases the caller's arrays
    level = np.ones((2, 1))
    counters = [np.zeros((2, 1), dtype=np.int64) for _ in range(5)]
    built = pl.ScaffoldState(["a"], ["prompt"], [pl.linear_fading(3)], level, *counters)
    assert level.flags.writeable and all(c.flags.writeable for c in counters)
    level[0, 0] = 0.5
    assert built.level[0, 0] == 1.0


def test_cohort_accepts_read_only_inputs() -> None:
    state = pl.ScaffoldState.start(2, [pl.Scaffold("a", pl.mastery_fading()), pl.Scaffold("b", pl.backward_fading(2))])
    outcomes = read_only(np.array([[True, False], [False, True]]))
    mastery = read_only(np.array([[0.1, 0.9], [0.99, 0.5]]))
    active = read_only(np.array([[True, True], [False, True]]))
    new = state.after(outcomes, mastery=mastery, active=active)
    np.testing.assert_array_equal(new.support, [[1.0, 1.0], [1.0, 0.5]])
    np.testing.assert_array_equal(new.level, [[1.0, 2.0], [1.0, 1.0]])


# ------------------------------------------------------------- the cohort
def test_start_and_scaffold_round_trip_per_cell() -> None:
    scaffolds = [
        pl.Scaffold("a", pl.contingent_fading(levels=3, start=2), kind="worked example"),
        pl.Scaffold("b", pl.linear_fading(4)).advanced(1),
        pl.Scaffold(3, pl.mastery_fading()),
    ]
    state = pl.ScaffoldState.start(2, scaffolds)
    assert (state.n_learners, state.n_scaffolds) == (2, 3)
    assert state.level.shape == state.opportunities.shape == (2, 3)
    assert state.skills == ("a", "b", 3) and state.kinds == ("worked example", "prompt", "prompt")
    for i in range(2):
        for j, s in enumerate(scaffolds):
            assert state.scaffold(i, j) == s
    np.testing.assert_array_equal(state.support, [[2 / 3, 0.75, 1.0]] * 2)


def test_empty_cohorts() -> None:
    state = pl.ScaffoldState.start(0, [pl.Scaffold("a", pl.contingent_fading())])
    assert state.level.shape == (0, 1) and state.support.shape == (0, 1)
    new = state.after(np.zeros((0, 1), bool))
    assert new.level.shape == (0, 1) and new.opportunities.shape == (0, 1)
    assert pl.audit_scaffolds(new) == []
    assert pl.ScaffoldState.from_json(new.to_json()) == new
    none = pl.ScaffoldState.start(3, [])
    assert none.support.shape == (3, 0)
    assert none.after(np.zeros((3, 0), bool)).level.shape == (3, 0)


def test_active_mask_leaves_inactive_cells_unchanged() -> None:
    state = pl.ScaffoldState.start(2, [pl.Scaffold("a", pl.contingent_fading(levels=3)), pl.Scaffold("b", pl.linear_fading(2))])
    new = state.after(np.array([[True, True], [False, False]]), active=np.array([[True, False], [False, True]]))
    np.testing.assert_array_equal(new.level, [[2.0, 1.0], [3.0, 0.5]])
    np.testing.assert_array_equal(new.opportunities, [[1, 0], [0, 1]])
    np.testing.assert_array_equal(new.successes, [[1, 0], [0, 0]])
    np.testing.assert_array_equal(new.failures, [[0, 0], [0, 1]])
    np.testing.assert_array_equal(new.failure_run, [[0, 0], [0, 1]])


def test_outcomes_as_0_1_numbers() -> None:
    state = pl.ScaffoldState.start(1, [pl.Scaffold("a", pl.contingent_fading(levels=3))] * 2)
    for outcomes in ([[1, 0]], np.array([[1.0, 0.0]]), np.array([[1, 0]], dtype=np.uint8), [[True, False]]):
        new = state.after(outcomes)
        np.testing.assert_array_equal(new.level, [[2.0, 3.0]])
        np.testing.assert_array_equal(new.successes, [[1, 0]])


# ------------------------------------------------------------------ JSON
def test_scaffold_json_document() -> None:
    s = pl.Scaffold(12, pl.stepwise_fading(2, levels=(1.0, 0.3, 0.0)), kind="sentence starter",
                    functions={"recruitment", "frustration control"}).after(True).after(False)
    data = json.loads(s.to_json())
    assert data["schema"] == "personalise.scaffold/1"
    assert data["skill"] == 12 and data["rule"] == {"rule": "stepwise", "every": 2, "levels": [1.0, 0.3, 0.0]}
    assert data["functions"] == ["frustration control", "recruitment"]
    back = pl.Scaffold.from_json(s.to_json())
    assert back == s and type(back.skill) is int
    assert pl.Scaffold.from_json(data) == s, "an already-parsed dict works too"


def test_state_json_document() -> None:
    state = pl.ScaffoldState.start(2, [pl.Scaffold("a", pl.contingent_fading(levels=2, fade_after=2, start=1)),
                                       pl.Scaffold(5, pl.exponential_fading(3))])
    state = state.after(np.array([[True, False], [False, True]]))
    data = json.loads(state.to_json())
    assert data["schema"] == "personalise.scaffold_state/1"
    assert data["rules"][0] == {"rule": "contingent", "levels": 2, "fade_after": 2, "start": 1}
    back = pl.ScaffoldState.from_json(state.to_json())
    assert back == state and back.skills == ("a", 5)
    assert back.level.dtype == np.float64


# --------------------------------------------------------------- storage
def stored(state: pl.ScaffoldState) -> dict[str, np.dtype]:
    """The storage type of each array the state keeps (level codes and counters)."""
    return {name: getattr(state, "_" + name).dtype for name in ("level", *COUNTERS)}


@pytest.mark.parametrize(
    ("rule", "level_type"),
    [
        (pl.contingent_fading(levels=5), np.uint8),
        (pl.contingent_fading(levels=254), np.uint8),
        (pl.contingent_fading(levels=255), np.uint16),  # 256 rungs: one more than uint8 has room for
        (pl.backward_fading(4), np.uint8),
        (pl.linear_fading(10), np.uint8),
        (pl.linear_fading(300), np.uint16),
        (pl.linear_fading(70_000), np.float64),  # a table of 70,001 levels is not kept
        (pl.stepwise_fading(3), np.uint8),
        (pl.exponential_fading(3.0), np.uint8),
        (pl.exponential_fading(500.0, floor=1e-9), np.uint16),
        (pl.exponential_fading(1e6), np.float64),  # 4.3 million steps before it fades: not kept as a table
        (pl.mastery_fading(), np.float64),
    ],
)
def test_levels_are_stored_in_the_narrowest_type_that_holds_them(rule: Any, level_type: type) -> None:
    state = pl.ScaffoldState.start(3, [pl.Scaffold("a", rule)])
    assert stored(state) == {"level": np.dtype(level_type), **{name: np.dtype(np.uint8) for name in COUNTERS}}
    assert state.level.dtype == np.float64 and state.support.dtype == np.float64 and state.opportunities.dtype == np.int32
    s = pl.Scaffold("a", rule)
    for success in (True, False, True, True):
        state = state.after(np.full((3, 1), success), mastery=np.full((3, 1), 0.5))
        s = s.after(success, mastery=0.5)
        assert float(state.level[2, 0]) == s.level and float(state.support[2, 0]) == s.support
    assert stored(state)["level"] == np.dtype(level_type)


def test_a_contingent_cohort_is_six_bytes_per_cell() -> None:
    state = pl.ScaffoldState.start(1000, [pl.Scaffold(k, pl.contingent_fading()) for k in "abcdefgh"])
    for _ in range(3):
        state = state.after(np.ones((1000, 8), dtype=bool))
    assert sum(getattr(state, "_" + name).nbytes for name in ("level", *COUNTERS)) == 6 * 8000


def test_levels_that_are_not_table_values_are_kept_as_given() -> None:
    """A level set by hand between a rule's values, or -0.0, keeps float64 storage, bit for bit."""
    for rule, level in ((pl.linear_fading(4), 0.3), (pl.stepwise_fading(2), -0.0), (pl.contingent_fading(), -0.0)):
        s = pl.Scaffold("a", rule, level=level)
        state = pl.ScaffoldState.start(2, [s])
        assert stored(state)["level"] == np.float64
        assert state.level[0, 0].tobytes() == np.float64(level).tobytes()
        assert json.loads(state.to_json())["level"] == [[level], [level]] and f"[{level!r}]" in state.to_json()
        new = state.after(np.array([[True], [False]]), active=np.array([[True], [False]]))
        assert float(new.level[0, 0]) == s.after(True).level and new.level[1, 0].tobytes() == np.float64(level).tobytes()


def test_counters_widen_only_when_a_count_passes_255() -> None:
    """The bound of each counter grows by one per update; the values are looked at only when it reaches 255."""
    state = pl.ScaffoldState.start(4, [pl.Scaffold("a", pl.contingent_fading())])
    outcomes = np.array([[True], [False], [True], [True]])
    for step in range(1, 301):
        state = state.after(outcomes if step % 3 else ~outcomes)
        if step == 255:
            assert set(stored(state).values()) == {np.dtype(np.uint8)}
    # opportunities (300), successes (200) and failures (100) passed 255; runs are at most 2
    assert stored(state) == {"level": np.uint8, "opportunities": np.uint16, "successes": np.uint8,
                             "failures": np.uint8, "streak": np.uint8, "failure_run": np.uint8}
    assert int(state.opportunities.max()) == 300 and int(state.streak.max()) <= 2


def test_a_run_at_the_counter_limit_is_refused() -> None:
    """Both forms refuse to count a run past 2**31 - 1 (the cohort form used to wrap it to a negative number)."""
    s = pl.Scaffold("a", pl.contingent_fading(), opportunities=5, streak=2**31 - 1)
    with pytest.raises(pl.InvalidParameterError, match="2147483647"):
        s.after(True)
    state = pl.ScaffoldState.start(1, [s])
    assert stored(state)["streak"] == np.uint32 and state.streak[0, 0] == 2**31 - 1
    with pytest.raises(pl.InvalidParameterError, match="a streak counter is at its limit"):
        state.after(np.array([[True]]))


# Written by the previous, full-width implementation (float64 levels, int32 counters) for the
# state built in test_documents_are_the_same_as_before: mixed rules, hand-set levels (0.3, -0.0),
# counts past 255 and 65,535, and an update with some cells inactive.
DOCUMENT = (
    '{"schema": "personalise.scaffold_state/1", "skills": ["s0", "s1", "s2", "s3", "s4"], "kinds": ["prompt", "prompt", "prompt", "prompt", "prompt"], "rules": [{"rule": "contingent", "levels": 3, "fade_after": 2, "start": null}, {"rule": "linear", "opportunities": 4}, {"rule": "exponential", "half_life": 1.5, "floor": 0.05}, {"rule": "stepwise", "every": 2, "levels": [1.0, 0.4, 0.0]}, {"rule": "backward", "n_steps": 2, "reinstate": false}], "level": [[3.0, 0.5, 0.6299605249474366, 0.4, 2.0], [0.0, 0.0, 0.0, -0.0, 0.0], [0.0, 0.0, 0.3, 0.0, 0.0]], "opportunities": [[1, 2, 1, 3, 1], [301, 6, 70001, 3, 2], [256, 65536, 7, 10, 3]], "successes": [[1, 1, 1, 2, 0], [201, 3, 1, 1, 2], [255, 0, 7, 9, 2]], "failures": [[0, 1, 0, 1, 1], [99, 3, 1, 2, 0], [0, 65536, 0, 1, 1]], "streak": [[1, 0, 1, 1, 0], [256, 1, 0, 0, 2], [255, 0, 7, 0, 1]], "failure_run": [[0, 1, 0, 0, 1], [0, 0, 1, 2, 0], [0, 65536, 0, 1, 0]]}'
)


def test_documents_are_the_same_as_before() -> None:
    rules = [pl.contingent_fading(levels=3, fade_after=2), pl.linear_fading(4), pl.exponential_fading(1.5),
             pl.stepwise_fading(2, levels=(1.0, 0.4, 0.0)), pl.backward_fading(2, reinstate=False)]
    state = pl.ScaffoldState(
        [f"s{j}" for j in range(5)], ["prompt"] * 5, rules,
        [[3.0, 0.75, 1.0, 1.0, 2.0], [1.0, 0.3, 1.0, -0.0, 0.0], [0.0, 0.0, 0.3, 0.0, 1.0]],
        [[0, 1, 0, 2, 0], [300, 5, 70000, 3, 1], [255, 65535, 7, 9, 2]],
        [[0, 1, 0, 1, 0], [200, 2, 1, 1, 1], [254, 0, 7, 9, 1]],
        [[0, 0, 0, 1, 0], [99, 3, 0, 2, 0], [0, 65535, 0, 0, 1]],
        [[0, 1, 0, 0, 0], [255, 0, 0, 0, 1], [254, 0, 7, 9, 0]],
        [[0, 0, 0, 1, 0], [0, 3, 0, 2, 0], [0, 65535, 0, 0, 1]],
    )
    state = state.after(np.array([[1, 0, 1, 1, 0], [1, 1, 0, 0, 1], [1, 0, 1, 0, 1]]),
                        active=np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 1], [1, 1, 0, 1, 1]]))
    assert state.to_json() == DOCUMENT
    loaded = pl.ScaffoldState.from_json(DOCUMENT)
    assert loaded == state and loaded.to_json() == DOCUMENT
    outcomes = np.eye(3, 5, dtype=bool)
    assert loaded.after(outcomes).to_json() == state.after(outcomes).to_json()


# ---------------------------------------------------------------- audits
#   count -> add -> multiply -> divide
#   count -> compare ---------> divide
EDGES = [("count", "add"), ("add", "multiply"), ("multiply", "divide"), ("count", "compare"), ("compare", "divide")]
MASTERY = {  # learner -> mastered skills (P = 0.99; others 0.2)
    "ann": {"count", "add"},
    "bo": {"count", "compare"},
    "cy": {"count"},
    "di": {"count", "add", "compare"},
    "ed": set(),
}
LEARNERS = list(MASTERY)


def mastery_matrix(graph: pl.CompiledGraph) -> np.ndarray:
    return np.array([[0.99 if s in MASTERY[x] else 0.2 for s in graph.skill_ids] for x in LEARNERS])


def review_expected(learner: str, skill: str, threshold: float = 0.95) -> set[str]:
    """The learner's inner fringe (mastered, no mastered successor) among the ancestors of ``skill``."""
    G = nx.DiGraph(EDGES)
    mastered = MASTERY[learner]
    fringe = {v for v in mastered if not any(w in mastered for w in G.successors(v))}
    return fringe & nx.ancestors(G, skill)


def struggling_state() -> pl.ScaffoldState:
    """Columns: multiply (contingent), divide (backward), compare (linear, fades by 4).

    Row outcomes over 10 opportunities: ann and di fail the last 4 everywhere
    (struggle), bo succeeds always, cy fails 3 at the end (no struggle at 4),
    ed fails everything.
    """
    state = pl.ScaffoldState.start(5, [
        pl.Scaffold("multiply", pl.contingent_fading(levels=3)),
        pl.Scaffold("divide", pl.backward_fading(3), kind="worked example"),
        pl.Scaffold("compare", pl.linear_fading(4)),
    ])
    for t in range(10):
        row = [t < 6, True, t < 7, t < 6, False]
        state = state.after(np.repeat(np.array(row)[:, None], 3, axis=1))
    return state


def test_expected_review_sets_by_hand() -> None:
    assert review_expected("ann", "multiply") == {"add"}
    assert review_expected("ann", "divide") == {"add"}
    assert review_expected("di", "divide") == {"add", "compare"}
    assert review_expected("di", "multiply") == {"add"}
    assert review_expected("di", "compare") == set()
    assert review_expected("ed", "divide") == set()
    assert review_expected("cy", "compare") == {"count"}


def test_audit_permanent_fixtures_and_struggles() -> None:
    state = struggling_state()
    graph = pl.compile_graph(EDGES)
    findings = pl.audit_scaffolds(state, learner_ids=LEARNERS, graph=graph, mastery=mastery_matrix(graph))
    fixtures = [(f.learner, f.column, f.skill) for f in findings if f.kind == "permanent fixture"]
    # multiply/divide: ann, cy, di and ed end with support > 0 after 10 opportunities; bo faded;
    # compare (linear over 4) has faded for everyone whatever the outcomes
    support = state.support
    assert support[LEARNERS.index("bo"), 0] == 0.0 and np.all(support[:, 2] == 0.0)
    expected_fixtures = [(x, j, ("multiply", "divide")[j]) for x in LEARNERS for j in (0, 1) if support[LEARNERS.index(x), j] > 0]
    assert fixtures == expected_fixtures
    assert ("bo", 0, "multiply") not in fixtures and all(column != 2 for _, column, _ in fixtures)
    struggles = [f for f in findings if f.kind == "struggle"]
    assert [(f.learner, f.column) for f in struggles] == [(x, j) for x in ("ann", "di", "ed") for j in (0, 1, 2)]
    for f in struggles:
        assert set(f.review) == review_expected(str(f.learner), str(f.skill)) and len(set(f.review)) == len(f.review)
        assert f.skill == state.skills[f.column]
        assert repr(f.learner) in f.message
    assert [f.kind for f in findings] == ["permanent fixture"] * len(fixtures) + ["struggle"] * len(struggles), "fixtures first"
    di_divide = next(f for f in struggles if f.learner == "di" and f.skill == "divide")
    assert set(di_divide.review) == {"add", "compare"}
    for f in findings:
        if f.kind == "permanent fixture":
            assert repr(f.learner) in f.message and repr(f.skill) in f.message


def test_audit_without_graph_has_no_review_and_row_numbers_as_ids() -> None:
    findings = pl.audit_scaffolds(struggling_state())
    struggles = [f for f in findings if f.kind == "struggle"]
    assert [(f.learner, f.column) for f in struggles] == [(i, j) for i in (0, 3, 4) for j in (0, 1, 2)]
    assert all(f.review == () for f in struggles)


def test_audit_struggle_after_and_max_opportunities() -> None:
    state = struggling_state()
    cy = LEARNERS.index("cy")
    assert int(state.failure_run[cy, 0]) == 3
    with_three = pl.audit_scaffolds(state, learner_ids=LEARNERS, struggle_after=3)
    assert ("cy", 0) in {(f.learner, f.column) for f in with_three if f.kind == "struggle"}
    assert ("cy", 0) not in {(f.learner, f.column) for f in pl.audit_scaffolds(state, learner_ids=LEARNERS) if f.kind == "struggle"}
    # nobody has had 11 opportunities: no permanent fixture yet
    assert [f for f in pl.audit_scaffolds(state, max_opportunities=11) if f.kind == "permanent fixture"] == []


def test_audit_review_changes_with_threshold() -> None:
    graph = pl.compile_graph(EDGES)
    mastery = mastery_matrix(graph)
    mastery[:, graph.index_of("compare")] = np.where(mastery[:, graph.index_of("compare")] > 0.5, 0.9, 0.2)
    state = struggling_state()
    strict = {(f.learner, f.skill): set(f.review) for f in pl.audit_scaffolds(state, learner_ids=LEARNERS, graph=graph, mastery=mastery)
              if f.kind == "struggle"}
    assert strict[("di", "divide")] == {"add"}, "compare (0.9) is not mastered at 0.95"
    loose = {(f.learner, f.skill): set(f.review) for f in pl.audit_scaffolds(state, learner_ids=LEARNERS, graph=graph, mastery=mastery,
                                                                              threshold=0.85) if f.kind == "struggle"}
    assert loose[("di", "divide")] == {"add", "compare"}


def test_audit_faded_scaffolds_are_not_reported() -> None:
    state = pl.ScaffoldState.start(3, [pl.Scaffold("a", pl.contingent_fading(levels=2)), pl.Scaffold("b", pl.exponential_fading(1))])
    for _ in range(12):
        state = state.after(np.ones((3, 2), bool))
    assert np.all(state.support == 0.0)
    assert pl.audit_scaffolds(state) == []


def test_audit_refuses_tiered_task_plans() -> None:
    state = struggling_state()
    plan = {"worksheet 3": {"ann": "divide", "bo": "divide"}, "worksheet 4": {"ann": "add", "bo": "count", "cy": "add"}}
    with pytest.raises(pl.InvalidParameterError) as info:
        pl.audit_scaffolds(state, learner_ids=LEARNERS, plan=plan)
    message = str(info.value)
    assert info.value.value == "worksheet 4"
    for part in ("'worksheet 4'", "'add'", "'count'", "'ann'", "'bo'", "'cy'"):
        assert part in message, part
    assert "worksheet 3" not in message


def test_audit_same_goal_for_everyone_is_fine() -> None:
    state = struggling_state()
    plan = {"worksheet 3": {x: "divide" for x in LEARNERS}, "exit ticket": {"ann": "add"}, "empty": {}}
    assert pl.audit_scaffolds(state, learner_ids=LEARNERS, plan=plan) == pl.audit_scaffolds(state, learner_ids=LEARNERS)
