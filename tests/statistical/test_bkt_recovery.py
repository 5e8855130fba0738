"""Statistical checks of the BKT fit (DOMAIN.md section 10, check 3, and 4's forgetting test).

These simulate data from known parameters and fit it. They are slower than
the rest of the suite (a few seconds in all) but fully seeded, so they are
deterministic. Thresholds are the DOMAIN.md acceptance thresholds, never
loosened:

* 2,000 learners x 15 opportunities from (0.30, 0.15, 0.20, 0.10), 5 restarts,
  20 seeds: every parameter within 0.05 of the truth in at least 19 of 20
  seeds, and the median absolute error of each parameter <= 0.02;
* with forgetting, (0.3, 0.2, 0.2, 0.1, F = 0.05) at 3,000 x 20 with
  ``forgets=True``, 10 seeds (as in DOMAIN.md Appendix A): every parameter
  within 0.05 in every seed, and F is not 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import personalise as pl
from tests.bkt_reference import (
    PARAM_NAMES,
    combine_parts,
    fixed_fit,
    simulate_responses,
)

TRUTH = {"prior": 0.30, "learn": 0.15, "guess": 0.20, "slip": 0.10, "forget": 0.0}
FORGET_TRUTH = {"prior": 0.3, "learn": 0.2, "guess": 0.2, "slip": 0.1, "forget": 0.05}
FOUR = ("prior", "learn", "guess", "slip")
N_SEEDS = 20


def fitted(model: Any, j: int = 0) -> dict[str, float]:
    return {name: float(getattr(model.params, name)[j]) for name in PARAM_NAMES}


@pytest.fixture(scope="module")
def recovery_errors() -> np.ndarray:
    """Absolute errors (seed, parameter) of 20 independent simulate-and-fit runs."""
    errors = []
    for seed in range(N_SEEDS):
        data = simulate_responses(np.random.default_rng(1000 + seed), 2000, 15, TRUTH)
        model = pl.fit_bkt(data, n_restarts=5, rng=seed)
        assert model.converged.all()
        got = fitted(model)
        assert got["forget"] == 0.0
        errors.append([abs(got[name] - TRUTH[name]) for name in FOUR])
    return np.array(errors)


def test_recovery_within_0_05_in_19_of_20_seeds(recovery_errors: np.ndarray) -> None:
    within = (recovery_errors <= 0.05).all(axis=1)
    assert within.sum() >= 19, f"seeds with an error > 0.05: {np.flatnonzero(~within).tolist()}\n{recovery_errors}"


def test_recovery_median_error_at_most_0_02(recovery_errors: np.ndarray) -> None:
    medians = np.median(recovery_errors, axis=0)
    assert (medians <= 0.02).all(), dict(zip(FOUR, medians.tolist()))


def test_fitted_likelihood_is_at_least_the_truths() -> None:
    """EM climbs to (near) the maximum, so the fitted log-likelihood is not below the generating parameters'."""
    data = simulate_responses(np.random.default_rng(7), 2000, 15, TRUTH)
    model = pl.fit_bkt(data, n_restarts=5, rng=7)
    at_truth = fixed_fit(pl.BKTParams(["s"], **{k: TRUTH[k] for k in PARAM_NAMES}), data).log_likelihood[0]
    assert model.log_likelihood[0] >= at_truth - 0.1


@pytest.mark.parametrize("seed", range(10))
def test_recovery_with_forgetting(seed: int) -> None:
    data = simulate_responses(np.random.default_rng(500 + seed), 3000, 20, FORGET_TRUTH)
    model = pl.fit_bkt(data, n_restarts=5, rng=seed, forgets=True)
    got = fitted(model)
    errors = {name: abs(got[name] - FORGET_TRUTH[name]) for name in PARAM_NAMES}
    assert max(errors.values()) <= 0.05, errors
    assert got["forget"] > 0.0  # the absorbing zero is not used for a fitted forget
    assert got["forget"] >= 1e-3, got["forget"]  # and it did not collapse towards it either


def test_forget_pinned_at_zero_stays_zero_on_forgetting_data() -> None:
    data = simulate_responses(np.random.default_rng(77), 3000, 20, FORGET_TRUTH)
    model = pl.fit_bkt(data, n_restarts=2, rng=0, forgets=True, fixed={"forget": 0})
    assert fitted(model)["forget"] == 0.0


def test_several_skills_recovered_in_one_fit() -> None:
    """Fitting is vectorised across skills: each skill recovers its own parameters, none mixed up."""
    truths = [
        TRUTH,
        {"prior": 0.6, "learn": 0.05, "guess": 0.25, "slip": 0.05, "forget": 0.0},
        {"prior": 0.1, "learn": 0.3, "guess": 0.1, "slip": 0.15, "forget": 0.0},
    ]
    rng = np.random.default_rng(31)
    data = combine_parts([simulate_responses(rng, 2000, 15, t, skill=f"s{j}") for j, t in enumerate(truths)])
    perm = rng.permutation(len(data["correct"]))
    data = {name: column[perm] for name, column in data.items()}
    model = pl.fit_bkt(data, n_restarts=5, rng=3, skills=["s2", "s0", "s1"])
    for j, skill in enumerate(model.params.skill_ids):
        truth = truths[int(skill[1])]
        got = fitted(model, j)
        errors = {name: abs(got[name] - truth[name]) for name in FOUR}
        assert max(errors.values()) <= 0.05, (skill, errors)


def test_row_order_does_not_change_the_fit() -> None:
    rng = np.random.default_rng(5)
    data = combine_parts([simulate_responses(rng, 500, 10, TRUTH, skill=s) for s in ("a", "b")])
    ordered = pl.fit_bkt(data, n_restarts=3, rng=9, skills=["a", "b"])
    perm = rng.permutation(len(data["correct"]))
    shuffled = pl.fit_bkt({k: v[perm] for k, v in data.items()}, n_restarts=3, rng=9, skills=["a", "b"])
    for name in PARAM_NAMES:
        np.testing.assert_allclose(getattr(shuffled.params, name), getattr(ordered.params, name), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(shuffled.log_likelihood, ordered.log_likelihood, rtol=1e-12)


def test_crossvalidated_predictions_beat_a_constant() -> None:
    """Held-out next-answer predictions of a BKT fit on BKT data beat the base rate (AUC > 0.5, lower log loss)."""
    data = simulate_responses(np.random.default_rng(21), 1000, 12, TRUTH)
    scores = pl.crossvalidate(data, folds=5, rng=4, n_restarts=3)
    assert (scores["auc"] > 0.65).all(), scores["auc"]
    base = data["correct"].mean()
    constant_log_loss = -(base * np.log(base) + (1 - base) * np.log(1 - base))
    assert (scores["log_loss"] < constant_log_loss).all(), (scores["log_loss"], constant_log_loss)
    assert (scores["accuracy"] > max(base, 1 - base) - 0.02).all()
