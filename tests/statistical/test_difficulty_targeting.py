"""Acceptance check of difficulty targeting: simulated learners succeed at the targeted rate.

200 learners with true abilities theta ~ N(0, 1) practise from a calibrated
pool of 2,000 items whose difficulties are known exactly, uniformly spaced
over [-6, 6]. Each learner's ability estimate starts at 0 with no attempts.
Every round, vectorised over the cohort: one call to ``select_items`` on the
current estimates, one draw of answers with P(correct) = sigmoid(theta - d)
from the *true* abilities, one ``elo_update`` (K(n) = 1 / (1 + 0.05 n)).
After 1,000 rounds, the success rate over rounds 101-1,000 (the first 100
are warm-up, while the estimates move from 0 to the learners' abilities)
must be, for the target 0.85 (the 85% rule, Wilson et al. 2019) and for
the band's lower edge 0.80:

* within 0.03 of the target for every learner;
* within 0.01 of the target for the cohort mean.

Reference values: 0.851 (per learner 0.831-0.873) at 0.85 and 0.800
(0.783-0.818) at 0.80. A fixed seed makes the test deterministic; the
thresholds are acceptance thresholds, never loosened. (Over 100 other seeds
the worst learner was 0.826-0.879 at 0.85 and 0.776-0.828 at 0.80, and no
seed failed.) It takes well under a second.
"""

from __future__ import annotations

import numpy as np
import pytest

from personalise.content import elo_update, select_items

N_LEARNERS = 200
N_ITEMS = 2_000
N_ROUNDS = 1_000
WARM_UP = 100
PER_LEARNER_TOLERANCE = 0.03
MEAN_TOLERANCE = 0.01
SEED = 2019


def simulate(target: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-learner success rates after warm-up, final estimates and true abilities."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, size=N_LEARNERS)
    pool = np.linspace(-6.0, 6.0, N_ITEMS)  # calibrated: these are the items' true difficulties
    estimate = np.zeros(N_LEARNERS)
    attempts = np.zeros(N_LEARNERS, dtype=np.int64)
    right = np.zeros((N_ROUNDS, N_LEARNERS), dtype=bool)
    for step in range(N_ROUNDS):
        item = select_items(estimate, pool, target_success=target)
        difficulty = pool[item]
        p_true = 1.0 / (1.0 + np.exp(-(theta - difficulty)))  # the simulated world, not the library's sigmoid
        right[step] = rng.random(N_LEARNERS) < p_true
        estimate = elo_update(estimate, difficulty, right[step], attempts)
        attempts += 1
    return right[WARM_UP:].mean(axis=0), estimate, theta


@pytest.mark.parametrize("target", [0.85, 0.80], ids=["target-0.85", "target-0.80"])
def test_learners_succeed_at_the_target_rate(target: float) -> None:
    rates, estimate, theta = simulate(target, SEED)
    summary = (
        f"target {target}: mean {rates.mean():.4f}, min {rates.min():.4f}, max {rates.max():.4f}; "
        f"largest |estimate - theta| {np.abs(estimate - theta).max():.3f}"
    )
    outside = np.flatnonzero(np.abs(rates - target) > PER_LEARNER_TOLERANCE)
    assert outside.size == 0, f"learners {outside.tolist()} at {rates[outside].round(4).tolist()}; {summary}"
    assert abs(rates.mean() - target) <= MEAN_TOLERANCE, summary
