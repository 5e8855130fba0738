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
_TINY = 1e-300


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


def forward(
    seq: Sequences, params: dict[str, Float], *, keep_rows: bool = False, skip: NDArray[np.bool_] | None = None
) -> tuple[Float, Float, Float, Float | None]:
    """Scaled forward pass, chunk by chunk, step by step.

    ``params`` holds per-sequence arrays of shape ``(n_restarts, n_sequences)``.
    Returns, per restart and sequence, the log-likelihood and the P(L) at the
    opportunity after the last answer; per restart and row (layout order),
    the filtered P(L) after each answer; and, if ``keep_rows``, P(correct)
    before each answer (else None). Chunks flagged in ``skip`` are left out
    (their outputs are meaningless).
    """
    n_restarts = params["prior"].shape[0]
    log_lik = np.zeros_like(params["prior"])
    mastery = params["prior"].copy()
    filtered = np.empty((n_restarts, seq.n_rows))
    p_correct = np.empty((n_restarts, seq.n_rows)) if keep_rows else None
    guess, slip, learn = params["guess"], params["slip"], params["learn"]
    rise = 1.0 - slip - guess  # P(right) = guess + L * rise
    known_shift = 1.0 - 2.0 * slip  # P(answer | known) = slip + right * known_shift
    unknown_base = 1.0 - guess
    unknown_shift = 2.0 * guess - 1.0  # P(answer | unknown) = 1 - guess + right * unknown_shift
    keep = 1.0 - params["forget"] - learn  # next L = learn + after * keep
    right = seq.correct.astype(np.float64)
    widest = int(seq.n_active.max(initial=0))
    buffers = [np.empty((n_restarts, widest)) for _ in range(3)]
    with np.errstate(divide="ignore", invalid="ignore"):
        for c, (s0, _, _, steps) in enumerate(seq.chunks()):
            if skip is not None and skip[c]:
                continue
            for a, m in steps:
                cols = slice(s0, s0 + m)
                now = mastery[:, cols]
                answer = right[a : a + m]
                known, unknown, evidence = (buf[:, :m] for buf in buffers)
                np.multiply(known_shift[:, cols], answer, out=known)
                known += slip[:, cols]
                known *= now  # P(L, answer)
                np.multiply(unknown_shift[:, cols], answer, out=unknown)
                unknown += unknown_base[:, cols]
                np.subtract(1.0, now, out=evidence)
                unknown *= evidence  # P(not L, answer)
                np.add(known, unknown, out=evidence)  # P(answer)
                if p_correct is not None:
                    pc = p_correct[:, a : a + m]
                    np.multiply(now, rise[:, cols], out=pc)
                    pc += guess[:, cols]
                after = filtered[:, a : a + m]
                np.divide(known, evidence, out=after)
                np.log(evidence, out=evidence)
                log_lik[:, cols] += evidence
                np.multiply(after, keep[:, cols], out=now)
                now += learn[:, cols]
    return log_lik, mastery, filtered, p_correct


def smooth(
    seq: Sequences, filtered: Float, params: dict[str, Float], *, skip: NDArray[np.bool_] | None = None
) -> dict[str, Float]:
    """Backward smoothing pass; expected sufficient statistics per restart and sequence.

    Returns a dict of ``(n_restarts, n_sequences)`` arrays: ``first`` (P(L) at
    the first answer), ``known`` (sum of P(L_t)), ``known_right`` (sum of P(L_t)
    over right answers), ``known_not_last`` (sum over all but the last answer),
    ``learned`` and ``forgot`` (expected unknown -> known and known -> unknown
    transitions).
    """
    shape = params["prior"].shape
    stats = {name: np.zeros(shape) for name in ("known", "known_right", "known_not_last", "learned", "forgot")}
    gamma = np.zeros(shape)  # P(L) at the current step, per sequence
    learn, forget = params["learn"], params["forget"]
    stay = 1.0 - forget
    keep = stay - learn
    right = seq.correct.astype(np.float64)
    widest = int(seq.n_active.max(initial=0))
    ahead, to_known, to_unknown, tmp = (np.empty((shape[0], widest)) for _ in range(4))
    forgets = bool(forget.any())
    for c, (s0, _, _, steps) in enumerate(seq.chunks()):
        if skip is not None and skip[c]:
            continue
        for t in range(len(steps) - 1, -1, -1):
            a, m = steps[t]
            m_next = steps[t + 1][1] if t + 1 < len(steps) else 0
            f = filtered[:, a : a + m_next]
            cols = slice(s0, s0 + m_next)
            g = gamma[:, cols]  # holds P(L_{t+1} | all) for continuing sequences
            ah, tk, tu, tp = ahead[:, :m_next], to_known[:, :m_next], to_unknown[:, :m_next], tmp[:, :m_next]
            if m_next and not forgets:  # standard BKT: fewer operations, same values
                np.multiply(f, keep[:, cols], out=ah)
                ah += learn[:, cols]
                np.maximum(ah, _TINY, out=ah)
                np.divide(g, ah, out=tk)
                np.multiply(f, tk, out=tu)  # P(L_t | all): staying known is the only way to be known
            elif m_next:
                np.multiply(f, keep[:, cols], out=ah)
                ah += learn[:, cols]
                np.subtract(1.0, ah, out=tp)
                # where P(L_{t+1}) is exactly 0 (or 1) its smoothed value is too: 0 / tiny = 0
                np.maximum(ah, _TINY, out=ah)
                np.maximum(tp, _TINY, out=tp)
                np.divide(g, ah, out=tk)
                np.subtract(1.0, g, out=tu)
                tu /= tp
                # forgot += f F to_unknown ; learned += (1 - f) T to_known
                np.multiply(f, forget[:, cols], out=tp)
                tp *= tu
                stats["forgot"][:, cols] += tp
                np.multiply(f, stay[:, cols], out=tu)
                tu *= tk
                tu += tp  # P(L_t | all) for continuing sequences
            if m_next:  # learned += (1 - f) T to_known; P(L_t | all) replaces P(L_{t+1} | all)
                np.subtract(1.0, f, out=tp)
                tp *= learn[:, cols]
                tp *= tk
                stats["learned"][:, cols] += tp
                g[...] = tu
                stats["known_not_last"][:, cols] += tu
            if m > m_next:  # sequences whose last answer is step t: smoothed = filtered
                gamma[:, s0 + m_next : s0 + m] = filtered[:, a + m_next : a + m]
            current = gamma[:, s0 : s0 + m]
            stats["known"][:, s0 : s0 + m] += current
            np.multiply(current, right[a : a + m], out=tmp[:, :m])
            stats["known_right"][:, s0 : s0 + m] += tmp[:, :m]
    stats["first"] = gamma
    return stats


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
    key = learners.astype(np.int64) * n_skills + skills
    n_events = key.size
    if mastery.size * n_events < np.iinfo(np.int64).max:
        # one plain sort of unique composite keys orders by cell, then by event (a fast stable sort)
        composite = np.sort(key * n_events + np.arange(n_events))
        key_sorted, order = np.divmod(composite, n_events)
    else:
        order = np.argsort(key, kind="stable")
        key_sorted = key[order]
    start = np.r_[True, key_sorted[1:] != key_sorted[:-1]]
    # Work in float64 on the touched cells only; write each cell back once (one rounding).
    cells = key_sorted[start]
    cell_of = np.cumsum(start) - 1  # per sorted event: its cell's position in `cells`
    row_of_cell, skill_of_cell = np.divmod(cells, n_skills)
    values = mastery[row_of_cell, skill_of_cell].astype(np.float64)
    _rounds(values, cell_of, start, order, skill_of_cell, correct, params)
    mastery[row_of_cell, skill_of_cell] = values


def fold_events(
    values: Float,
    cell_of_event: NDArray[np.intp],
    skill_of_cell: NDArray[np.intp],
    correct: NDArray[np.bool_],
    params: dict[str, Float],
) -> None:
    """Apply events, in the order given, to a 1-D array of cells in place (the evidence store's form).

    Event ``e`` updates ``values[cell_of_event[e]]`` with the parameters of
    skill ``skill_of_cell[cell]``; the arithmetic is that of
    :func:`update_events`, so the two give identical bits.
    """
    if cell_of_event.size == 0:
        return
    order = np.argsort(cell_of_event, kind="stable")
    sorted_cells = cell_of_event[order]
    start = np.r_[True, sorted_cells[1:] != sorted_cells[:-1]]
    _rounds(values, sorted_cells, start, order, skill_of_cell, correct, params)


def _rounds(
    values: Float,
    cell_of: NDArray[Any],
    start: NDArray[np.bool_],
    order: NDArray[Any],
    skill_of_cell: NDArray[Any],
    correct: NDArray[np.bool_],
    params: dict[str, Float],
) -> None:
    """Round ``r`` applies the ``r``-th event of every cell at once (events sorted by cell, then in order)."""
    first = np.maximum.accumulate(np.where(start, np.arange(start.size), 0))
    rank = np.arange(start.size) - first
    for r in range(int(rank.max()) + 1):
        at = rank == r
        cell = cell_of[at]
        skill = skill_of_cell[cell]
        after = posterior(values[cell], correct[order[at]], params["guess"][skill], params["slip"][skill])
        values[cell] = transition(after, params["learn"][skill], params["forget"][skill])
