"""DOMAIN.md checks 6-9: findings the simulator must reproduce, each with its ablation.

Deterministic (fixed seeds 0-19, common random numbers across conditions);
numbers are computed in :mod:`simulation_findings` and quoted in the docs.
"""

from __future__ import annotations

import numpy as np
import pytest

import personalise as pl

from .simulation_findings import (
    FADE,
    GROUPING,
    PER_OPPORTUNITY,
    TIERED,
    effect_sizes,
    final,
    interval,
    runs,
)


# ------------------------------------------------------------------ check 6
@pytest.mark.parametrize("steps", [60, 90])
def test_fading_beats_permanent_support_by_half_a_standard_deviation(steps: int) -> None:
    d = effect_sizes(runs(pl.FadingScaffolds(), steps), runs(pl.PermanentScaffolds(), steps))
    assert d.mean() >= 0.5
    assert interval(d)[0] > 0.5 - 0.1


def test_fading_is_at_least_as_good_as_no_support() -> None:
    # small in this parameterisation (as in the reference toy, d 0.06-0.10): 0.00 at 60 steps, 0.03 at 90
    assert effect_sizes(runs(pl.FadingScaffolds(), 90), runs(pl.PermanentScaffolds(support=0.0), 90)).mean() >= 0.0
    assert effect_sizes(runs(pl.FadingScaffolds(), 60), runs(pl.PermanentScaffolds(support=0.0), 60)).mean() > -0.05


@pytest.mark.parametrize("steps", [60, 90])
def test_without_the_dependency_mechanism_the_fading_advantage_disappears(steps: int) -> None:
    off = pl.LearnerModel(dependency=False)
    d = effect_sizes(runs(pl.FadingScaffolds(), steps, model=off), runs(pl.PermanentScaffolds(), steps, model=off))
    assert abs(d.mean()) < 0.2


def test_support_raises_practice_accuracy_but_not_independent_mastery() -> None:
    permanent, fading = runs(pl.PermanentScaffolds(), 90), runs(pl.FadingScaffolds(), 90)
    accuracy = [np.nanmean(r.summary["practice_accuracy"]) for r in permanent]
    assert np.mean(accuracy) > np.mean([np.nanmean(r.summary["practice_accuracy"]) for r in fading])
    assert final(permanent, "mean") < final(fading, "mean")


# ------------------------------------------------------------------ check 7
def test_tiering_widens_dispersion_against_a_common_goal() -> None:
    tiered, common = runs(TIERED["tiered"], 120), runs(pl.FadingScaffolds(rule=FADE), 120)
    assert final(tiered, "iqr") >= 1.25 * final(common, "iqr")
    assert final(tiered, "bottom_quartile_mean") < final(common, "bottom_quartile_mean")


def test_tiering_decomposition_fixed_support_dominates_at_90_steps() -> None:
    tiered = runs(TIERED["tiered"], 90)
    fading_low = runs(TIERED["cap, fading for the lower tier"], 90)
    assert final(fading_low, "iqr") < final(tiered, "iqr")
    assert final(fading_low, "bottom_quartile_mean") > final(tiered, "bottom_quartile_mean")


def test_tiering_decomposition_the_cap_binds_at_150_steps() -> None:
    capped = runs(TIERED["cap, fading for all"], 150)
    common = runs(TIERED["common goal, fading for all"], 150)
    assert final(common, "bottom_quartile_mean") > final(capped, "bottom_quartile_mean")


def test_tiering_with_both_mechanisms_removed_is_the_common_goal_condition() -> None:
    g = pl.load_example_curriculum()
    removed = pl.TieredTasks(ceiling=None, lower_support=FADE, upper_support=FADE)
    a = pl.simulate(g, removed, n_learners=150, n_steps=40, rng=11)
    b = pl.simulate(g, pl.FadingScaffolds(rule=FADE), n_learners=150, n_steps=40, rng=11)
    assert np.array_equal(a.attainment, b.attainment)
    assert np.array_equal(a.final_state, b.final_state)
    assert np.array_equal(a.practice_correct, b.practice_correct)


# ------------------------------------------------------------------ check 8
def _grouping(name: str) -> tuple[pl.SimulationResult, ...]:
    return runs(GROUPING[name], 60, 90, PER_OPPORTUNITY)


def test_flexible_groups_raise_the_bottom_quartile_and_lower_dispersion() -> None:
    fixed, flexible = _grouping("fixed groups"), _grouping("flexible groups")
    assert final(flexible, "bottom_quartile_mean") > final(fixed, "bottom_quartile_mean")
    assert final(flexible, "iqr") < final(fixed, "iqr")


def test_a_low_track_penalty_lowers_the_bottom_quartile_and_widens_the_gap() -> None:
    fixed, penalised = _grouping("fixed groups"), _grouping("fixed groups + low-track penalty")
    assert final(penalised, "bottom_quartile_mean") < final(fixed, "bottom_quartile_mean")
    assert final(penalised, "gap") > final(fixed, "gap")  # gap = top minus bottom initial-attainment quartile mean


# ------------------------------------------------------------------ check 9
def test_mastery_learning_beats_fixed_pacing_plausibly() -> None:
    d = effect_sizes(runs(pl.MasteryLearning(), 100, 300, PER_OPPORTUNITY), runs(pl.WholeClassPace(), 100, 300, PER_OPPORTUNITY))
    assert 0.3 <= d.mean() <= 1.2
    assert interval(d)[0] > 0.0


def test_mastery_learning_helps_the_bottom_prior_quartile_most() -> None:
    mastery = runs(pl.MasteryLearning(), 100, 300, PER_OPPORTUNITY)
    fixed = runs(pl.WholeClassPace(), 100, 300, PER_OPPORTUNITY)
    extra = np.mean([m.gain_by_quartile() - f.gain_by_quartile() for m, f in zip(mastery, fixed, strict=True)], axis=0)
    assert extra[0] > extra[3]


def test_no_default_policy_is_implausibly_strong() -> None:
    base = runs(pl.WholeClassPace(), 100)
    for cls in pl.POLICIES.values():
        assert effect_sizes(runs(cls(), 100), base).mean() <= 2.0, cls.name


def test_without_prerequisite_gating_most_of_the_mastery_advantage_goes() -> None:
    def contrast(model: pl.LearnerModel) -> tuple[float, float]:
        mastery = runs(pl.MasteryLearning(), 100, 300, model)
        fixed = runs(pl.WholeClassPace(), 100, 300, model)
        extra = np.mean([m.gain_by_quartile() - f.gain_by_quartile() for m, f in zip(mastery, fixed, strict=True)], axis=0)
        return float(effect_sizes(mastery, fixed).mean()), float(extra[0] - extra[3])

    d_gated, tilt_gated = contrast(PER_OPPORTUNITY)
    d_free, tilt_free = contrast(pl.LearnerModel(unsupported_acquisition=1.0, prerequisite_damping=0.0))
    assert d_free < d_gated - 0.2
    assert tilt_free < tilt_gated / 2
