"""Pure NumPy kernels for Bayesian Knowledge Tracing (no validation).

All kernels work on a time-major :class:`~personalise.content._responses.TimeMajor`
layout, so every step is one vectorised operation over all sequences still
active at that step. :func:`forward` takes parameter arrays of shape
``(n_restarts, n_sequences)``; :func:`e_step` takes one value per sequence,
where a sequence of the fit's layout is one (restart, distinct sequence)
pair. Probabilities stay in [0, 1] throughout (a scaled forward pass
and a forward-filter, backward-smoother), so sequences of any length stay
finite. Plain-Python references live in ``tests/bkt_reference.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise.content._responses import Sequences, TimeMajor

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
    seq: Sequences, params: dict[str, Float], *, keep_rows: bool = False
) -> tuple[Float, Float, Float, Float | None]:
    """Scaled forward pass, chunk by chunk, step by step.

    ``params`` holds per-sequence arrays of shape ``(n_restarts, n_sequences)``.
    Returns, per restart and sequence, the log-likelihood and the P(L) at the
    opportunity after the last answer; per restart and row (layout order),
    the filtered P(L) after each answer; and, if ``keep_rows``, P(correct)
    before each answer (else None).
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
        for s0, _, _, steps in seq.chunks():
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


def e_step(layout: TimeMajor, right: Float, params: dict[str, Float], *, fold: int) -> dict[str, Float]:
    """Forward filter and backward smoother, chunk by chunk: expected sufficient statistics per sequence.

    ``params`` holds one value per sequence (1-D arrays in layout order) and
    ``right`` the answers as 0.0 / 1.0 in layout order. Each chunk is filtered
    forwards and then smoothed backwards while its per-answer values are still
    in cache. The P(answer) of ``fold`` consecutive answers are multiplied
    before one log is taken (the caller picks ``fold`` so that the product
    stays a normal float).

    Returns a dict of ``(n_sequences,)`` arrays in layout order:
    ``log_lik``, ``first`` (P(L) at the first answer given all answers),
    ``known`` (sum of P(L_t)), ``known_right`` (sum of P(L_t) over right
    answers), ``last`` (P(L) at the last answer), ``learned`` and ``forgot``
    (expected unknown -> known and known -> unknown transitions).
    """
    prior, learn, forget = params["prior"], params["learn"], params["forget"]
    guess, slip = params["guess"], params["slip"]
    known_base, known_shift = slip, 1.0 - 2.0 * slip  # P(answer | known) = slip + right * known_shift
    unknown_base, unknown_shift = 1.0 - guess, 2.0 * guess - 1.0  # P(answer | unknown)
    stay = 1.0 - forget
    keep = stay - learn  # next L = learn + after * keep
    forgets = bool(forget.any())
    # standard BKT: P(L_{t+1} | past) >= learn, so it is 0 only where learn is
    guard = not bool((learn > 0).all())
    n = prior.size
    out = {name: np.zeros(n) for name in ("log_lik", "known", "known_right", "learned", "forgot")}
    gamma, last, product = np.empty(n), np.empty(n), np.ones(n)
    widest_rows = int(np.diff(layout.row_ptr).max(initial=0))
    filtered, ahead = np.empty(widest_rows), np.empty(widest_rows)  # per answer of the current chunk
    widest = int(layout.n_active.max(initial=0))
    b1, b2, b3, b4 = (np.empty(widest) for _ in range(4))
    log_lik, learned, forgot = out["log_lik"], out["learned"], out["forgot"]
    known, known_right = out["known"], out["known_right"]
    with np.errstate(divide="ignore", invalid="ignore"):
        for s0, n0, r0, steps in layout.chunks():
            now = prior[s0 : s0 + n0]
            for t, (a, m) in enumerate(steps):
                cols = slice(s0, s0 + m)
                y = right[a : a + m]
                kn, un, ev = b1[:m], b2[:m], b3[:m]
                np.multiply(known_shift[cols], y, out=kn)
                kn += known_base[cols]
                kn *= now[:m]  # P(L, answer)
                np.multiply(unknown_shift[cols], y, out=un)
                un += unknown_base[cols]
                np.subtract(1.0, now[:m], out=ev)
                un *= ev  # P(not L, answer)
                np.add(kn, un, out=ev)  # P(answer)
                f = filtered[a - r0 : a - r0 + m]
                np.divide(kn, ev, out=f)
                product[cols] *= ev
                if (t + 1) % fold == 0:
                    np.log(product[cols], out=ev)
                    log_lik[cols] += ev
                    product[cols] = 1.0
                now = ahead[a - r0 : a - r0 + m]
                np.multiply(f, keep[cols], out=now)
                now += learn[cols]  # P(L_{t+1} | answers up to t)
            chunk = slice(s0, s0 + n0)
            log_lik[chunk] += np.log(product[chunk])
            product[chunk] = 1.0
            for t in range(len(steps) - 1, -1, -1):
                a, m = steps[t]
                m_next = steps[t + 1][1] if t + 1 < len(steps) else 0
                f = filtered[a - r0 : a - r0 + m]
                if m_next:
                    cols = slice(s0, s0 + m_next)
                    g = gamma[cols]  # P(L_{t+1} | all), replaced by P(L_t | all) below
                    fc, ah = f[:m_next], ahead[a - r0 : a - r0 + m_next]
                    tk, tu, tp, tq = b1[:m_next], b2[:m_next], b3[:m_next], b4[:m_next]
                    if forgets or guard:  # where P(L_{t+1}) is exactly 0 its smoothed value is too: 0 / tiny = 0
                        np.maximum(ah, _TINY, out=tp)
                        np.divide(g, tp, out=tk)
                    else:
                        np.divide(g, ah, out=tk)
                    np.subtract(1.0, fc, out=tq)
                    tq *= tk
                    learned[cols] += tq  # times learn at the end: (1 - f) T g / P(L_{t+1})
                    if not forgets:  # standard BKT: staying known is the only way to be known
                        np.multiply(fc, tk, out=g)
                    else:
                        np.subtract(1.0, ah, out=tp)
                        np.maximum(tp, _TINY, out=tp)
                        np.subtract(1.0, g, out=tu)
                        tu /= tp
                        np.multiply(fc, forget[cols], out=tp)
                        tp *= tu
                        forgot[cols] += tp  # f F (1 - g) / (1 - P(L_{t+1}))
                        np.multiply(fc, stay[cols], out=tu)
                        tu *= tk
                        np.add(tu, tp, out=g)
                if m > m_next:  # sequences whose last answer is step t: smoothed = filtered
                    gamma[s0 + m_next : s0 + m] = f[m_next:m]
                    last[s0 + m_next : s0 + m] = f[m_next:m]
                current = gamma[s0 : s0 + m]
                known[s0 : s0 + m] += current
                np.multiply(current, right[a : a + m], out=b1[:m])
                known_right[s0 : s0 + m] += b1[:m]
    learned *= learn
    out["first"], out["last"] = gamma, last
    return out


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
