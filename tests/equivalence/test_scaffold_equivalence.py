"""Scaffold object form == cohort form == plain-Python reference (tests/scaffold_reference.py).

* every rule's object form (``Scaffold.after`` / ``Scaffold.advanced``)
  against the reference on random event sequences;
* the object form (one ``Scaffold`` per learner and column, ``after`` in a
  loop) against the cohort form (``ScaffoldState.after`` on
  ``(n_learners, n_scaffolds)`` arrays), step by step: levels, supports and
  every counter, with mixed rules across columns, random ``active`` masks
  (an inactive cell = no ``after`` call for that object), random mastery for
  mastery columns, outcomes as bool / int / float arrays, read-only inputs,
  and states built from warmed-up objects as well as from ``start``;
* regression cases where the two forms have disagreed.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import personalise as pl
from tests.scaffold_reference import (
    BY_OPPORTUNITY,
    COUNTERS,
    RULE_NAMES,
    RefScaffold,
    Spec,
    close,
    contingent_ref,
    make_rule,
    rule_specs,
    uses_mastery,
)
from tests.strategies import examples, read_only, seeds

SKILLS = ("count", 7, "add", "fractions", 12)
KINDS = ("prompt", "worked example", "sentence starter", "manipulative", "representation")


def same_float(spec: Spec, got: float, expected: float) -> bool:
    """Exactly equal; for the exponential rule, within one or two ulps and equally faded.

    The exponential rule computes ``0.5 ** x`` with Python's ``pow`` in the
    object form and NumPy's ``power`` in the cohort form, which may differ in
    the last bit (see :func:`test_exponential_forms_agree_at_the_floor`).
    """
    if spec[0] != "exponential":
        return got == expected
    return (got == 0.0) == (expected == 0.0) and abs(got - expected) <= 2 * math.ulp(max(abs(got), abs(expected)))


# ------------------------------------------------------- object == reference
events = st.lists(
    st.one_of(
        st.tuples(st.just("after"), st.booleans(), st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.3, 0.95, 1.0]))),
        st.tuples(st.just("advance"), st.integers(0, 5), st.none()),
    ),
    max_size=30,
)


@examples(150)
@given(spec=rule_specs(), script=events)
def test_each_rule_matches_the_reference(spec: Spec, script: list[tuple[str, Any, Any]]) -> None:
    event(spec[0])
    ref, s = RefScaffold(spec), pl.Scaffold("goal", make_rule(spec))
    assert close(s.support, ref.support)
    for kind, a, m in script:
        if kind == "after":
            ref.after(a, m)
            s = s.after(a, mastery=m)
        else:
            ref.advanced(a)
            s = s.advanced(a)
        assert {name: getattr(s, name) for name in COUNTERS} == ref.counters()
        assert close(s.support, ref.support), (s.support, ref.support)
        assert 0.0 <= s.support <= 1.0
        if spec[0] == "contingent":
            assert s.level == ref.rung
        elif spec[0] == "backward":
            assert s.worked_steps == ref.worked
        if spec[0] == "exponential":
            raw = 2.0 ** (-s.opportunities / spec[1]["half_life"])
            if not math.isclose(raw, spec[1]["floor"], rel_tol=1e-12):
                assert s.is_faded == (ref.support == 0.0)
        else:
            assert s.is_faded == (ref.support == 0.0)


# ------------------------------------------------------- object == cohort
@st.composite
def cohort_cases(draw: st.DrawFn, names: tuple[str, ...] = RULE_NAMES) -> dict[str, Any]:
    n_cols = draw(st.sampled_from([1, 2, 3, 4, 5]))
    specs = [draw(rule_specs(names)) for _ in range(n_cols)]
    if draw(st.integers(0, 3)) == 0:
        specs = [specs[0]] * n_cols  # one rule for every column (the one-rule path)
    return {
        "specs": specs,
        "n_learners": draw(st.sampled_from([0, 1, 2, 3, 5, 8])),
        "n_steps": draw(st.sampled_from([0, 1, 3, 8, 15, 25])),
        "warm_up": draw(st.sampled_from([0, 0, 1, 3, 6])),
        "p_success": draw(st.sampled_from([0.0, 0.2, 0.5, 0.8, 1.0])),
        "active": draw(st.sampled_from(["none", "all", "random", "nobody"])),
        "dtype": draw(st.sampled_from([np.bool_, np.bool_, np.int64, np.float64, np.uint8])),
        "extra_mastery": draw(st.booleans()),
        "seed": draw(seeds),
    }


def draw_mastery(rng: np.random.Generator, shape: tuple[int, int], specs: list[Spec]) -> np.ndarray:
    """Uniform mastery, with a share of special values: 0, 1 and each mastery column's full and none."""
    values = rng.uniform(0.0, 1.0, size=shape)
    for j, spec in enumerate(specs):
        special = [0.0, 1.0]
        if uses_mastery(spec):
            special += [spec[1]["full"], spec[1]["none"]]
        pick = rng.random(shape[0]) < 0.3
        values[pick, j] = rng.choice(special, size=int(pick.sum()))
    return values


def warm_objects(rng: np.random.Generator, objects: list[list[pl.Scaffold]], steps: int) -> None:
    """A few random events per object, so that learners start the cohort in different states."""
    for row in objects:
        for j, s in enumerate(row):
            for _ in range(int(rng.integers(0, steps + 1))):
                if rng.random() < 0.2:
                    s = s.advanced(int(rng.integers(0, 3)))
                else:
                    s = s.after(bool(rng.random() < 0.5), mastery=float(rng.random()))
            row[j] = s


def build_state(objects: list[list[pl.Scaffold]], fresh: list[pl.Scaffold], n_learners: int, warm: bool) -> pl.ScaffoldState:
    if not warm:
        return pl.ScaffoldState.start(n_learners, fresh)
    m = len(fresh)

    def grid(name: str, dtype: Any) -> np.ndarray:
        return np.array([[getattr(objects[i][j], name) for j in range(m)] for i in range(n_learners)], dtype=dtype).reshape(n_learners, m)

    return pl.ScaffoldState(
        [s.skill for s in fresh],
        [s.kind for s in fresh],
        [s.rule for s in fresh],
        grid("level", np.float64),
        *(grid(name, np.int64) for name in COUNTERS),
    )


def assert_same(state: pl.ScaffoldState, objects: list[list[pl.Scaffold]], specs: list[Spec], step: int) -> None:
    support = state.support
    assert support.shape == state.level.shape == (len(objects), len(specs))
    for i, row in enumerate(objects):
        for j, s in enumerate(row):
            where = f"step {step}, learner {i}, column {j} ({specs[j][0]})"
            assert same_float(specs[j], float(state.level[i, j]), s.level), (where, state.level[i, j], s.level)
            assert same_float(specs[j], float(support[i, j]), s.support), (where, support[i, j], s.support)
            for name in COUNTERS:
                assert int(getattr(state, name)[i, j]) == getattr(s, name), (where, name)


@examples(150)
@given(case=cohort_cases())
def test_object_and_cohort_forms_agree_step_by_step(case: dict[str, Any]) -> None:
    """Mixed rules across columns (and sometimes one rule for all)."""
    event(f"{len({repr(spec) for spec in case['specs']})} rule(s), active={case['active']}")
    check_object_and_cohort(case)


@pytest.mark.parametrize("name", RULE_NAMES)
def test_object_and_cohort_forms_agree_for_each_rule(name: str) -> None:
    """Every column under one kind of rule (with different parameters per column)."""

    @examples(25)
    @given(case=cohort_cases(names=(name,)))
    def run(case: dict[str, Any]) -> None:
        check_object_and_cohort(case)

    run()


def check_object_and_cohort(case: dict[str, Any]) -> None:
    specs: list[Spec] = case["specs"]
    n, m = case["n_learners"], len(specs)
    rng = np.random.default_rng(case["seed"])
    fresh = [pl.Scaffold(SKILLS[j], make_rule(spec), kind=KINDS[j]) for j, spec in enumerate(specs)]
    objects = [list(fresh) for _ in range(n)]
    warm = case["warm_up"] > 0
    if warm:
        warm_objects(rng, objects, case["warm_up"])
    state = build_state(objects, fresh, n, warm)
    assert_same(state, objects, specs, step=0)
    needs_mastery = any(uses_mastery(spec) for spec in specs)

    for step in range(1, case["n_steps"] + 1):
        outcomes = read_only((rng.random((n, m)) < case["p_success"]).astype(case["dtype"]))
        active = None
        if case["active"] == "all":
            active = read_only(np.ones((n, m), dtype=bool))
        elif case["active"] == "random":
            active = read_only(rng.random((n, m)) < 0.6)
        elif case["active"] == "nobody":
            active = read_only(np.zeros((n, m), dtype=bool))
        mastery = read_only(draw_mastery(rng, (n, m), specs)) if needs_mastery or case["extra_mastery"] else None
        kept = (outcomes.copy(), None if active is None else active.copy(), None if mastery is None else mastery.copy())

        new = state.after(outcomes, mastery=mastery, active=active)

        for i in range(n):
            for j in range(m):
                if active is None or active[i, j]:
                    objects[i][j] = objects[i][j].after(bool(outcomes[i, j]), mastery=None if mastery is None else float(mastery[i, j]))
        assert_same(new, objects, specs, step)
        if active is not None:  # inactive cells: bit for bit what they were
            off = ~active
            for name in ("level", *COUNTERS):
                np.testing.assert_array_equal(getattr(new, name)[off], getattr(state, name)[off])
        assert new.skills == state.skills and new.kinds == state.kinds and new.rules == state.rules
        for name in ("level", *COUNTERS):
            assert not getattr(new, name).flags.writeable
        np.testing.assert_array_equal(outcomes, kept[0])
        if active is not None:
            np.testing.assert_array_equal(active, kept[1])
        if mastery is not None:
            np.testing.assert_array_equal(mastery, kept[2])
        state = new

    # the cells as objects: the same scaffolds, rule and goal included
    for i in range(n):
        for j in range(m):
            cell = state.scaffold(i, j)
            assert cell.skill == SKILLS[j] and cell.kind == KINDS[j] and cell.rule == fresh[j].rule
            assert same_float(specs[j], cell.level, objects[i][j].level)
            assert all(getattr(cell, name) == getattr(objects[i][j], name) for name in COUNTERS)


@examples(30)
@given(case=cohort_cases(names=("contingent", "backward")))
def test_outcome_rules_agree_exactly_with_the_reference_in_the_cohort(case: dict[str, Any]) -> None:
    """The discrete state (rung, worked steps) of the cohort equals the reference's, cell by cell."""
    specs: list[Spec] = case["specs"]
    n, m = case["n_learners"], len(specs)
    rng = np.random.default_rng(case["seed"])
    state = pl.ScaffoldState.start(n, [pl.Scaffold(SKILLS[j], make_rule(spec)) for j, spec in enumerate(specs)])
    refs = [[RefScaffold(spec) for spec in specs] for _ in range(n)]
    for _ in range(case["n_steps"]):
        outcomes = read_only(rng.random((n, m)) < case["p_success"])
        state = state.after(outcomes)
        for i in range(n):
            for j in range(m):
                refs[i][j].after(bool(outcomes[i, j]))
                ref = refs[i][j]
                if specs[j][0] == "contingent":
                    assert state.level[i, j] == ref.rung
                else:
                    assert state.scaffold(i, j).worked_steps == ref.worked
                assert state.support[i, j] == ref.support


# ------------------------------------------------------------- regressions
def one_step_both_forms(s: pl.Scaffold, success: bool) -> tuple[pl.Scaffold, pl.ScaffoldState]:
    return s.after(success), pl.ScaffoldState.start(1, [s]).after(np.array([[success]]))


def test_ladder_rules_hold_whole_rungs_only() -> None:
    """Contingent and backward levels are rungs of a ladder: a level between rungs is refused.

    (A level such as 0.5 would step off the ladder in one form and not the other.)
    """
    for rule, level in (
        (pl.contingent_fading(levels=5, fade_after=2), 0.5),
        (pl.contingent_fading(levels=5), 4.5),
        (pl.backward_fading(4), 3.5),
    ):
        with pytest.raises(pl.InvalidParameterError, match=repr(level)):
            pl.Scaffold("a", rule, level=level)
        state = pl.ScaffoldState.start(1, [pl.Scaffold("a", rule)])
        with pytest.raises(pl.InvalidParameterError, match=repr(level)):
            pl.ScaffoldState(state.skills, state.kinds, state.rules, [[level]], [[0]], [[0]], [[0]], [[0]], [[0]])


def test_exponential_forms_agree_at_the_floor() -> None:
    """Object and cohort forms must agree whether an exponential scaffold has faded.

    ``ExponentialFading.at`` computes ``0.5 ** (t / h)`` with Python's pow,
    ``at_many`` with NumPy's power; on this machine (NumPy SIMD power) they differ
    by one ulp for e.g. h = 3.3, t = 7. With the floor at the object form's
    value, the object form keeps support = floor while the cohort form snaps to 0.
    Platform dependent: where both pows round alike, the test passes.
    """
    mismatches = []
    for h in (0.7, 3.3, 7.77):
        for t in range(1, 60):
            floor = pl.Scaffold("a", pl.exponential_fading(h, floor=1e-300)).advanced(t).support
            rule = pl.exponential_fading(h, floor=floor)
            obj = pl.Scaffold("a", rule)
            state = pl.ScaffoldState.start(1, [obj])
            for _ in range(t):
                obj = obj.after(True)
                state = state.after(np.array([[True]]))
            if obj.support != state.support[0, 0]:
                mismatches.append((h, t, obj.support, float(state.support[0, 0])))
    assert not mismatches, f"{len(mismatches)} (half_life, t, object support, cohort support), e.g. {mismatches[:3]}"


def test_counters_agree_at_the_int32_boundary() -> None:
    """Both forms refuse to count past the documented counter limit (2**31 - 1) instead of wrapping."""
    s = pl.Scaffold("a", pl.linear_fading(3), opportunities=2**31 - 1)
    with pytest.raises(pl.InvalidParameterError, match="limit"):
        s.after(True)
    with pytest.raises(pl.InvalidParameterError, match="limit"):
        pl.ScaffoldState.start(1, [s]).after(np.array([[True]]))


# ------------------------------------------------------- storage boundaries
# The cohort form stores counters as uint8, uint16 or uint32 and levels as
# codes (ScaffoldState, Notes). These tests put counters and rungs at the
# edges of those types and check that nothing wraps, saturates or changes
# behaviour there: the cohort form equals the object form (Python ints) and
# the plain-Python reference, step by step.
EDGES = (254, 255, 256, 65_534, 65_535, 65_536)


def stored(state: pl.ScaffoldState, name: str) -> np.ndarray:
    """The array a state keeps for ``name`` (level codes or a counter), in its storage type."""
    return getattr(state, "_" + name)


@st.composite
def edge_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A cohort whose counters start at or next to the largest value of a storage type."""
    specs = [draw(rule_specs()) for _ in range(draw(st.integers(1, 3)))]
    return {
        "specs": specs,
        "n": draw(st.integers(1, 4)),
        "steps": draw(st.integers(1, 4)),
        "edge": draw(st.sampled_from(EDGES)),
        "which": draw(st.sampled_from(COUNTERS)),
        "p_success": draw(st.sampled_from([0.0, 0.5, 1.0])),
        "active": draw(st.booleans()),
        "seed": draw(seeds),
    }


@examples(150)
@given(case=edge_cases())
def test_counters_stay_exact_at_the_edges_of_their_storage_types(case: dict[str, Any]) -> None:
    """A counter at 255 or 65,535 counts on to 256 or 65,536 (the storage widens); the rules do not notice."""
    specs, n = case["specs"], case["n"]
    m = len(specs)
    rng = np.random.default_rng(case["seed"])
    edge, which = case["edge"], case["which"]
    counts = {"opportunities": edge, "successes": 0, "failures": 0, "streak": 0, "failure_run": 0}
    if which in ("successes", "failures"):
        counts[which] = edge
    elif which != "opportunities":
        counts[which] = edge
        if which == "streak":  # a run of successes that leaves the reference's pending count at 0
            counts[which] = edge - edge % math.lcm(*(spec[1].get("fade_after", 1) for spec in specs))
    event(f"{which} at {counts[which]}")
    fresh = [pl.Scaffold(SKILLS[j], make_rule(spec)) for j, spec in enumerate(specs)]
    others = {name: value for name, value in counts.items() if name != "opportunities"}
    objects = [[attrs.evolve(s.advanced(edge), **others) for s in fresh] for _ in range(n)]  # levels agree with the clock
    refs = [[RefScaffold(spec) for spec in specs] for _ in range(n)]
    for row in refs:
        for ref in row:
            for name, value in counts.items():
                setattr(ref, name, value)
    state = pl.ScaffoldState.start(0, fresh)
    state = pl.ScaffoldState(state.skills, state.kinds, state.rules,
                             [[s.level for s in row] for row in objects],
                             *([[getattr(s, name) for s in row] for row in objects] for name in COUNTERS))
    assert_same(state, objects, specs, step=0)
    for name in COUNTERS:  # a state built from counts stores each in the narrowest type that holds it
        assert stored(state, name).dtype == np.dtype(np.uint8 if counts[name] <= 255 else np.uint16 if counts[name] <= 65_535 else np.uint32)
    for step in range(1, case["steps"] + 1):
        outcomes = read_only(rng.random((n, m)) < case["p_success"])
        active = read_only(rng.random((n, m)) < 0.7) if case["active"] else None
        mastery = read_only(rng.random((n, m)))
        state = state.after(outcomes, mastery=mastery, active=active)
        for i in range(n):
            for j in range(m):
                if active is None or active[i, j]:
                    objects[i][j] = objects[i][j].after(bool(outcomes[i, j]), mastery=float(mastery[i, j]))
                    refs[i][j].after(bool(outcomes[i, j]), float(mastery[i, j]))
        assert_same(state, objects, specs, step)
        for i in range(n):
            for j in range(m):
                assert {name: int(getattr(state, name)[i, j]) for name in COUNTERS} == refs[i][j].counters()
                assert close(float(state.support[i, j]), refs[i][j].support), (specs[j], step)
        for name in COUNTERS:  # unsigned storage, wide enough for every count (checked above against the objects)
            assert stored(state, name).dtype.kind == "u"


@pytest.mark.parametrize("fade_after", [2, 255, 256, 300])
def test_a_long_run_of_successes_fades_on_time_past_255(fade_after: int) -> None:
    """``streak`` modulo ``fade_after`` decides each step down, so the run must stay exact past 255."""
    rule = pl.contingent_fading(levels=3, fade_after=fade_after)
    s = pl.Scaffold("a", rule)
    state = pl.ScaffoldState.start(2, [s])
    steps = max(260, 2 * fade_after + 2)
    rungs = contingent_ref([True] * steps, levels=3, fade_after=fade_after)
    for k in range(1, steps + 1):
        s = s.after(True)
        state = state.after(np.ones((2, 1), dtype=bool))
        assert state.level[0, 0] == s.level == rungs[k], k
        assert state.streak[1, 0] == s.streak == k
    assert stored(state, "streak").dtype == np.uint16 and stored(state, "opportunities").dtype == np.uint16


@examples(60)
@given(spec=rule_specs(BY_OPPORTUNITY), seed=seeds)
def test_clock_codes_give_the_rule_s_own_levels_for_any_count(spec: Spec, seed: int) -> None:
    """An opportunity rule's level stops changing at its last step, so ``min(t // every, cap)`` codes every count.

    The stored table holds the rule's own vectorised values: decoding gives
    the same bits as :meth:`at_many` for any count, however large.
    """
    from personalise.scaffolds.fading import _coding

    rule = make_rule(spec)
    coding = _coding(rule)
    assert coding is not None and not coding.ladder
    rng = np.random.default_rng(seed)
    t = np.concatenate([np.arange(3 * (coding.cap + 1) * coding.every + 3), rng.integers(0, 2**31 - 1, 200)])
    codes = np.minimum(t // coding.every, coding.cap)
    np.testing.assert_array_equal(coding.levels[codes].view(np.uint64), np.asarray(rule.at_many(t)).view(np.uint64))
    for count in (0, coding.cap * coding.every, coding.cap * coding.every + 1, 70_000):
        assert pl.Scaffold("a", rule).advanced(count).level == coding.levels[min(count // coding.every, coding.cap)]


@examples(40)
@given(spec=rule_specs(("contingent", "backward")), start=st.sampled_from([0, 1, 253, 254]), steps=st.integers(1, 6),
       p=st.sampled_from([0.0, 0.5, 1.0]), seed=seeds)
def test_ladder_codes_at_the_top_of_uint8(spec: Spec, start: int, steps: int, p: float, seed: int) -> None:
    """A ladder with 254 rungs keeps uint8 codes: one rung more than the top still fits, nothing wraps."""
    name, params = spec
    params = {**params, ("levels" if name == "contingent" else "n_steps"): 254}
    if name == "contingent":
        params["start"] = start
    rule = make_rule((name, params))
    s = pl.Scaffold("a", rule, level=float(start))
    state = pl.ScaffoldState.start(3, [s])
    assert stored(state, "level").dtype == np.uint8
    objects = [s] * 3
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        outcomes = rng.random((3, 1)) < p
        state = state.after(outcomes)
        objects = [o.after(bool(outcomes[i, 0])) for i, o in enumerate(objects)]
        assert [float(x) for x in state.level[:, 0]] == [o.level for o in objects]
        assert [float(x) for x in state.support[:, 0]] == [o.support for o in objects]
