"""Pure NumPy kernels for Bayesian Knowledge Tracing (no validation).

All kernels work on a time-major :class:`~personalise.content._responses.Sequences`
layout and on parameter arrays of shape ``(n_restarts, n_sequences)`` (one
value per restart and sequence, gathered from per-skill parameters), so every
step is one vectorised operation over all sequences and restarts still active
at that step. Probabilities stay in [0, 1] throughout (a scaled forward pass
and a forward-filter, backward-smoother), so sequences of any length stay
finite. Plain-Python references live in ``tests/bkt_reference.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise.content._responses import Sequences

Float = NDArray[np.float64]


def posterior(mastery: Float, correct: NDArray[np.bool_], guess: Float, slip: Float) -> Float:
    """P(L | answer) from P(L) before the answer (element-wise)."""
    known = np.where(correct, mastery * (1.0 - slip), mastery * slip)
    unknown = np.where(correct, (1.0 - mastery) * guess, (1.0 - mastery) * (1.0 - guess))
    total = known + unknown
    result: Float = np.divide(known, total, out=np.zeros_like(known), where=total > 0)
    return result


def transition(after: Float, learn: Float, forget: Float) -> Float:
    """P(L) at the next opportunity from P(L) after the evidence (element-wise)."""
    return after * (1.0 - forget) + (1.0 - after) * learn


def forward(seq: Sequences, params: dict[str, Float]) -> tuple[Float, Float, Float]:
    """Scaled forward pass.

    Returns ``p_correct`` and ``filtered`` of shape ``(n_restarts, n_rows)``
    (time-major: P(correct) before each answer and P(L) after conditioning on
    it) and ``final`` of shape ``(n_restarts, n_sequences)``: P(L) at the
    opportunity after each sequence's last answer.
    """
    prior = params["prior"]
    n_restarts = prior.shape[0]
    n_rows = int(seq.offsets[-1])
    p_correct = np.empty((n_restarts, n_rows))
    filtered = np.empty((n_restarts, n_rows))
    mastery = prior.copy()
    right_known = 1.0 - params["slip"]
    wrong_known = params["slip"]
    right_unknown = params["guess"]
    learn = params["learn"]
    keep = 1.0 - params["forget"] - learn  # next = learn + after * keep
    for t in range(seq.n_active.size):
        m = int(seq.n_active[t])
        a, b = int(seq.offsets[t]), int(seq.offsets[t + 1])
        answer = seq.correct[a:b]
        now = mastery[:, :m]
        pc = now * right_known[:, :m] + (1.0 - now) * right_unknown[:, :m]
        known = now * np.where(answer, right_known[:, :m], wrong_known[:, :m])
        evidence = np.where(answer, pc, 1.0 - pc)
        after = np.divide(known, evidence, out=np.zeros_like(known), where=evidence > 0)
        p_correct[:, a:b] = pc
        filtered[:, a:b] = after
        np.multiply(after, keep[:, :m], out=now)
        now += learn[:, :m]
    return p_correct, filtered, mastery


def log_evidence(seq: Sequences, p_correct: Float) -> Float:
    """log P(answer | earlier answers) per row, time-major, shape of ``p_correct``."""
    evidence = np.where(seq.correct, p_correct, 1.0 - p_correct)
    with np.errstate(divide="ignore"):
        return np.log(evidence)


def smooth(seq: Sequences, filtered: Float, params: dict[str, Float]) -> tuple[Float, Float, Float]:
    """Forward-filter, backward-smoother for the two-state chain.

    Returns ``gamma`` (P(L_t | all answers), time-major, like ``filtered``)
    and, per restart and sequence, the expected number of unknown -> known
    and known -> unknown transitions (``learned``, ``forgot``).
    """
    gamma = np.empty_like(filtered)
    n_restarts, n_sequences = params["prior"].shape
    learned = np.zeros((n_restarts, n_sequences))
    forgot = np.zeros((n_restarts, n_sequences))
    learn, forget = params["learn"], params["forget"]
    steps = seq.n_active.size
    last_a, last_b = int(seq.offsets[steps - 1]), int(seq.offsets[steps])
    gamma[:, last_a:last_b] = filtered[:, last_a:last_b]
    for t in range(steps - 2, -1, -1):
        m_next = int(seq.n_active[t + 1])
        a, b = int(seq.offsets[t]), int(seq.offsets[t + 1])
        f = filtered[:, a : a + m_next]
        g_next = gamma[:, b : b + m_next]
        lr, fg = learn[:, :m_next], forget[:, :m_next]
        ahead = f * (1.0 - fg) + (1.0 - f) * lr  # P(L_{t+1} | answers up to t)
        to_known = np.divide(g_next, ahead, out=np.zeros_like(f), where=ahead > 0)
        to_unknown = np.divide(1.0 - g_next, 1.0 - ahead, out=np.zeros_like(f), where=ahead < 1)
        stay_known = f * (1.0 - fg) * to_known
        lose = f * fg * to_unknown
        gamma[:, a : a + m_next] = stay_known + lose
        gamma[:, a + m_next : b] = filtered[:, a + m_next : b]  # sequences whose last answer is step t
        learned[:, :m_next] += (1.0 - f) * lr * to_known
        forgot[:, :m_next] += lose
    return gamma, learned, forgot


def per_skill(values: Float, keys: NDArray[np.intp], n_restarts: int, n_skills: int) -> Float:
    """Sum ``values`` (n_restarts, n) into (n_restarts, n_skills) with ``keys`` = restart * n_skills + skill."""
    sums = np.bincount(keys, weights=values.reshape(-1), minlength=n_restarts * n_skills)
    return np.asarray(sums, dtype=np.float64).reshape(n_restarts, n_skills)


def update_events(
    mastery: NDArray[Any],
    learners: NDArray[np.intp],
    skills: NDArray[np.intp],
    correct: NDArray[np.bool_],
    params: dict[str, Float],
) -> None:
    """Apply answer events to ``mastery`` in place, in order within each (learner, skill)."""
    if learners.size == 0:
        return
    n_skills = mastery.shape[1]
    key = learners * n_skills + skills
    order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    start = np.r_[True, key_sorted[1:] != key_sorted[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(key.size), 0))
    rank = np.arange(key.size) - first
    for r in range(int(rank.max()) + 1):
        events = order[rank == r]
        l, s = learners[events], skills[events]
        now = mastery[l, s].astype(np.float64)
        after = posterior(now, correct[events], params["guess"][s], params["slip"][s])
        mastery[l, s] = transition(after, params["learn"][s], params["forget"][s])
