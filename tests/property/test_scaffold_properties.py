"""Invariants of scaffolds that fade, whatever the rule and the outcomes (DOMAIN.md section 4, check 5).

* Wood's shift rule: the level never leaves [0, s_max] and moves one rung at
  most; from rung s0, exactly s0 * fade_after successes reach 0; a failure at
  rung 0 restores rung 1 (object and cohort forms);
* goal invariance: the skill never changes under any sequence of ``after`` and
  ``advanced`` calls, in either form;
* support stays in [0, 1]; opportunity rules never rise; every rule fades;
* expertise reversal: mastery support is non-increasing in mastery;
* JSON round trips are exact: Scaffold, ScaffoldState and every rule.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise.scaffolds.fading import rule_from_dict
from personalise.scaffolds import KINDS, WOOD_FUNCTIONS
from tests.scaffold_reference import (
    COUNTERS,
    RULE_NAMES,
    Spec,
    contingent_ref,
    full_none_pairs,
    make_rule,
    rule_specs,
    s_max,
    uses_mastery,
)
from tests.strategies import examples, read_only, seeds

outcome_lists = st.lists(st.booleans(), max_size=40)


@st.composite
def ladders(draw: st.DrawFn) -> tuple[int, int, int]:
    """(levels, fade_after, start) of a contingent rule."""
    levels = draw(st.one_of(st.just(5), st.integers(1, 8)))
    return levels, draw(st.integers(1, 4)), draw(st.integers(0, levels))


# ----------------------------------------------------------- Wood's rule
@examples(100)
@given(ladder=ladders(), outcomes=outcome_lists)
def test_wood_level_never_leaves_the_ladder(ladder: tuple[int, int, int], outcomes: list[bool]) -> None:
    levels, fade_after, start = ladder
    rule = pl.contingent_fading(levels=levels, fade_after=fade_after, start=start)
    s = pl.Scaffold("goal", rule)
    state = pl.ScaffoldState.start(1, [s])
    previous = float(start)
    for success in outcomes:
        s = s.after(success)
        state = state.after(read_only(np.array([[success]])))
        for level in (s.level, float(state.level[0, 0])):
            assert 0.0 <= level <= levels and level == int(level)
            assert abs(level - previous) <= 1.0
            if success:
                assert level <= previous
            else:
                assert level == min(levels, previous + 1)
        assert float(state.level[0, 0]) == s.level
        previous = s.level
    assert contingent_ref(outcomes, levels=levels, fade_after=fade_after, start=start)[-1] == s.level


@examples(60)
@given(ladder=ladders())
def test_exactly_s0_times_fade_after_successes_reach_zero(ladder: tuple[int, int, int]) -> None:
    levels, fade_after, s0 = ladder
    s = pl.Scaffold("goal", pl.contingent_fading(levels=levels, fade_after=fade_after, start=s0))
    needed = s0 * fade_after
    for k in range(needed + 2 * fade_after + 1):
        assert (s.support == 0.0) == (k >= needed), (k, needed)
        assert s.level == (s0 - k // fade_after if k < needed else 0.0)
        s = s.after(True)


@examples(60)
@given(ladder=ladders(), history=outcome_lists)
def test_one_failure_at_level_zero_restores_level_one(ladder: tuple[int, int, int], history: list[bool]) -> None:
    levels, fade_after, start = ladder
    s = pl.Scaffold("goal", pl.contingent_fading(levels=levels, fade_after=fade_after, start=start))
    for success in history:
        s = s.after(success)
    while s.level > 0:
        s = s.after(True)
    state = pl.ScaffoldState(["goal"], ["prompt"], [s.rule], [[s.level]], *[[[getattr(s, c)]] for c in COUNTERS])
    assert s.after(False).level == 1.0 and s.after(False).support == 1 / levels
    assert state.after(np.array([[False]])).level[0, 0] == 1.0


# ------------------------------------------------------- goal invariance
script_steps = st.lists(
    st.one_of(st.tuples(st.just("after"), st.booleans(), st.floats(0.0, 1.0)), st.tuples(st.just("advance"), st.integers(0, 4), st.none())),
    max_size=25,
)


@examples(60)
@given(spec=rule_specs(), script=script_steps, skill=st.one_of(st.text(min_size=1, max_size=8), st.integers(), st.tuples(st.integers(), st.text(max_size=3))))
def test_goal_never_changes(spec: Spec, script: list[tuple[str, Any, Any]], skill: Any) -> None:
    s = pl.Scaffold(skill, make_rule(spec), kind="worked example")
    rule = s.rule
    for kind, a, m in script:
        s = s.after(a, mastery=m) if kind == "after" else s.advanced(a)
        assert s.skill == skill and type(s.skill) is type(skill)
        assert s.rule == rule and s.kind == "worked example"


@examples(40)
@given(specs=st.lists(rule_specs(), min_size=1, max_size=4), n=st.integers(0, 5), steps=st.integers(0, 10), seed=seeds)
def test_cohort_goals_never_change(specs: list[Spec], n: int, steps: int, seed: int) -> None:
    skills = [f"skill {j}" for j in range(len(specs))]
    state = pl.ScaffoldState.start(n, [pl.Scaffold(k, make_rule(spec)) for k, spec in zip(skills, specs)])
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        state = state.after(rng.random((n, len(specs))) < 0.5, mastery=rng.random((n, len(specs))), active=rng.random((n, len(specs))) < 0.8)
        assert list(state.skills) == skills
    for i in range(n):
        assert [state.scaffold(i, j).skill for j in range(len(specs))] == skills


# ------------------------------------------------ support, fading, reversal
@examples(100)
@given(spec=rule_specs(), script=script_steps)
def test_support_stays_in_0_1_and_opportunity_rules_never_rise(spec: Spec, script: list[tuple[str, Any, Any]]) -> None:
    s = pl.Scaffold("goal", make_rule(spec))
    previous = s.support
    for kind, a, m in script:
        s = s.after(a, mastery=m) if kind == "after" else s.advanced(a)
        assert 0.0 <= s.support <= 1.0
        if spec[0] in ("linear", "exponential", "stepwise"):
            assert s.support <= previous
        if spec[0] in ("contingent", "backward"):
            assert 0 <= s.level <= s_max(spec)
        previous = s.support


@examples(60)
@given(spec=rule_specs())
def test_every_rule_fades(spec: Spec) -> None:
    """Temporariness: enough successes (mastery at ``none``) bring every rule to support 0."""
    s = pl.Scaffold("goal", make_rule(spec))
    mastery = spec[1]["none"] if uses_mastery(spec) else None
    for _ in range(200):
        if s.is_faded:
            break
        s = s.after(True, mastery=mastery)
    assert s.is_faded, spec


@examples(100)
@given(
    pair=full_none_pairs,
    ms=st.lists(st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.3, 0.95, 1.0])), min_size=2, max_size=30),
)
def test_expertise_reversal_support_is_non_increasing_in_mastery(pair: tuple[float, float], ms: list[float]) -> None:
    full, none = pair
    rule = pl.mastery_fading(full=full, none=none)
    ms = sorted(ms)
    s = pl.Scaffold("goal", rule)
    scalar = [s.after(True, mastery=m).support for m in ms]
    assert all(a >= b for a, b in itertools.pairwise(scalar)), "more mastery never gets more support"
    assert all(0.0 <= v <= 1.0 for v in scalar)
    assert all(v == 1.0 for m, v in zip(ms, scalar) if m <= full) and all(v == 0.0 for m, v in zip(ms, scalar) if m >= none)
    state = pl.ScaffoldState.start(len(ms), [s])
    cohort = state.after(np.ones((len(ms), 1), bool), mastery=read_only(np.array(ms)[:, None])).support[:, 0]
    assert list(cohort) == scalar
    assert np.all(np.diff(cohort) <= 0)


# ---------------------------------------------------------- JSON round trips
skills_for_json = st.one_of(st.text(max_size=12), st.integers(-(2**40), 2**40))
functions = st.sets(st.sampled_from(WOOD_FUNCTIONS))


def same_bits(a: float, b: float) -> bool:
    return a.hex() == b.hex() or (math.isnan(a) and math.isnan(b))


@examples(100)
@given(spec=rule_specs(), script=script_steps, skill=skills_for_json, fns=functions,
       kind=st.one_of(st.sampled_from(KINDS), st.text(min_size=1).filter(str.strip)))
def test_scaffold_json_round_trip_is_exact(spec: Spec, script: list[tuple[str, Any, Any]], skill: Any, fns: set[str], kind: str) -> None:
    s = pl.Scaffold(skill, make_rule(spec), kind=kind, functions=fns)
    for step, (what, a, m) in enumerate(script):
        s = s.after(a, mastery=m) if what == "after" else s.advanced(a)
        if step % 4 == 0:
            text = s.to_json()
            back = pl.Scaffold.from_json(text)
            assert back == s
            assert type(back.skill) is type(skill) and same_bits(back.level, s.level)
            assert type(back.rule) is type(s.rule) and back.functions == s.functions
            assert back.to_json() == text
            assert pl.Scaffold.from_json(text.encode()) == s


@examples(60)
@given(spec=rule_specs())
def test_rule_dict_round_trip_is_exact(spec: Spec) -> None:
    rule = make_rule(spec)
    data = rule.to_dict()
    assert data["rule"] == spec[0] and data["rule"] in RULE_NAMES
    back = rule_from_dict(json.loads(json.dumps(data)))
    assert back == rule and type(back) is type(rule) and hash(back) == hash(rule)
    assert back.to_dict() == data
    for key, value in data.items():
        if isinstance(value, float):
            assert same_bits(back.to_dict()[key], value)


@examples(60)
@given(specs=st.lists(rule_specs(), min_size=1, max_size=5), n=st.sampled_from([0, 1, 2, 5]), steps=st.integers(0, 8), seed=seeds,
       ids=st.sampled_from(["str", "int"]))
def test_state_json_round_trip_is_exact(specs: list[Spec], n: int, steps: int, seed: int, ids: str) -> None:
    rng = np.random.default_rng(seed)
    skills = [f"s{j}" if ids == "str" else j * 10 for j in range(len(specs))]
    state = pl.ScaffoldState.start(n, [pl.Scaffold(k, make_rule(spec), kind="partial solution") for k, spec in zip(skills, specs)])
    m = len(specs)
    for _ in range(steps):
        state = state.after(rng.random((n, m)) < 0.5, mastery=rng.random((n, m)), active=rng.random((n, m)) < 0.8)
    text = state.to_json()
    back = pl.ScaffoldState.from_json(text)
    assert back == state
    assert back.skills == state.skills and all(type(a) is type(b) for a, b in zip(back.skills, state.skills))
    assert back.rules == state.rules and back.kinds == state.kinds
    assert back.level.dtype == np.float64 and back.level.shape == state.level.shape
    assert back.level.tobytes() == state.level.tobytes(), "levels bit for bit"
    for name in COUNTERS:
        assert getattr(back, name).dtype == getattr(state, name).dtype
        np.testing.assert_array_equal(getattr(back, name), getattr(state, name))
        assert not getattr(back, name).flags.writeable
    assert back.to_json() == text
    np.testing.assert_array_equal(back.support, state.support)


@pytest.mark.parametrize("n_learners", [0, 3])
def test_state_json_round_trip_without_scaffolds(n_learners: int) -> None:
    """An empty cohort is valid (DESIGN.md section 3), so is a cohort with no scaffold yet.

    Found: ``ScaffoldState.from_json`` reshapes an empty table with
    ``reshape(-1, 0)``, which NumPy cannot do: a bare ValueError
    ("cannot reshape array of size 0 ...") for any state with no columns.
    """
    state = pl.ScaffoldState.start(n_learners, [])
    back = pl.ScaffoldState.from_json(state.to_json())
    assert back == state and back.level.shape == (n_learners, 0)
