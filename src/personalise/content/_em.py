"""The EM machinery of :func:`~personalise.fit_bkt` (internal): counts, E-step layouts and the M-step.

:class:`EM` holds the distinct answer sequences of some learners and
computes the E-step's expected sufficient statistics for them, per
(restart, skill) pair. These statistics and the counts of
:class:`Counts` are sums over learners, so the ``EM`` of each part of the
learners (a partition of the data) and the sum of their E-steps give the fit
of all of them; :meth:`Counts.m_step` needs nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bkt as BK
from personalise.content._responses import (
    DistinctSequences,
    TimeMajor,
    shrink,
    time_major,
)
from personalise.content.bkt import _EPS
from personalise.content.bkt_params import PARAMETERS

__all__ = ["EM", "Counts", "keep_guess_plus_slip_below_one", "log_fold"]

Float = NDArray[np.float64]


def keep_guess_plus_slip_below_one(params: dict[str, Float], fixed: Mapping[str, Any]) -> None:
    """Keep free guess and slip inside (eps, 1 - eps) with guess + slip <= 1 - eps, in place."""
    if "guess" not in fixed:
        ceiling = 1.0 - _EPS - (params["slip"] if "slip" in fixed else _EPS)
        params["guess"] = np.clip(params["guess"], _EPS, np.maximum(ceiling, _EPS))
    if "slip" not in fixed:
        params["slip"] = np.clip(params["slip"], _EPS, np.maximum(1.0 - _EPS - params["guess"], _EPS))


#: The products of P(answer) over this many answers stay above e**-700, a normal float (see log_fold).
_LOG_SMALLEST_PRODUCT = 700.0
#: A chunk of the fit holds at most this many sequences (the width of one vectorised step) ...
_CHUNK_WIDTH = 16384
#: ... and at most about this many answers (its per-answer buffers: 16 bytes per answer, 32 MB).
_CHUNK_ROWS = 1 << 21
#: Leave converged pairs out of the layout when the pairs still iterating hold less than this share of it.
_RELAYOUT_SHARE = 0.9


def log_fold(fixed: Mapping[str, Float]) -> int:
    """How many answers' P(answer) the E-step may multiply before taking a log.

    P(answer) is at least the smallest emission probability: free guess and
    slip (and one minus them) stay at or above 1e-6, pinned ones are what
    they are. A pinned 0 or 1 gives 1 (a log per answer, as -inf must show).
    """
    smallest = _EPS
    for name in ("guess", "slip"):
        if name in fixed and fixed[name].size:
            smallest = min(smallest, float(fixed[name].min()), float(1.0 - fixed[name].max()))
    if smallest <= 0.0:
        return 1
    return int(max(1, min(64, _LOG_SMALLEST_PRODUCT // -np.log(smallest))))


class Counts:
    """What the M-step needs besides the E-step's sums: per-skill counts of the training data.

    ``n_sequences`` (learner-skill sequences), ``n_answers``, ``n_right``
    and ``n_not_last`` (answers with a next one) per skill, and
    ``length_counts[v]``, the number of sequences of length ``v``. All are
    sums over learners, exact in any order.
    """

    n_sequences: Float
    n_answers: NDArray[np.intp]
    n_right: Float
    n_not_last: Float
    length_counts: NDArray[np.intp]

    def m_step(
        self,
        stats: dict[str, Float],
        params: dict[str, Float],
        fixed: dict[str, Float],
        limits: dict[str, tuple[float, float]],
    ) -> dict[str, Float]:
        """Closed-form M-step from the summed statistics, clipped to the bounds."""
        known, known_right = stats["known"], stats["known_right"]
        known_not_last = known - stats["last"]
        estimates = {
            "prior": (stats["first"], self.n_sequences),
            "learn": (stats["learned"], self.n_not_last - known_not_last),
            "forget": (stats["forgot"], known_not_last),
            "guess": (self.n_right - known_right, self.n_answers - known),
            "slip": (known - known_right, known),
        }
        out = {}
        for name in PARAMETERS:
            if name in fixed:
                out[name] = params[name]
                continue
            numerator, denominator = estimates[name]
            denominator = np.broadcast_to(denominator, params[name].shape)
            value = np.divide(numerator, denominator, out=params[name].copy(), where=denominator > 1e-12)
            out[name] = np.clip(value, *limits[name])
        keep_guess_plus_slip_below_one(out, fixed)
        return out


class EM(Counts):
    """Expected sufficient statistics of one fit, per (restart, skill) pair.

    The E-step runs on the distinct answer sequences of each skill, each
    weighted by the number of learners who gave it, for the (restart, skill)
    pairs still iterating: one sequence of the layout is one (restart,
    distinct sequence) pair. Its result is one ``(n_restarts, n_skills)``
    array per statistic, weighted sums over sequences in a canonical order
    (by skill, then first learner), so the fit does not depend on the
    layout in chunks, to the last bit. The M-step needs only these sums and
    the counts (``n_sequences``, ``n_answers``, ``n_right``), which add up
    over disjoint sets of learners: an ``EM`` per part of the learners and
    the sum of their E-steps give the same fit up to the order of the sums.
    """

    STATS = ("log_lik", "first", "known", "known_right", "last", "learned", "forgot")

    def __init__(
        self,
        distinct: DistinctSequences,
        n_restarts: int,
        n_skills: int,
        *,
        fold: int,
        chunk_rows: int = _CHUNK_ROWS,
        chunk_width: int = _CHUNK_WIDTH,
    ) -> None:
        self.distinct, self.R, self.S, self.fold = distinct, n_restarts, n_skills, fold
        self.chunk_rows, self.chunk_width = chunk_rows, chunk_width
        weight = distinct.count.astype(np.float64)
        right = np.zeros(distinct.n_sequences)
        if distinct.n_sequences:
            right = np.add.reduceat(distinct.answers.astype(np.float64), distinct.ptr[:-1])
        # weighted bincounts are float64 (the stubs say int): asarray only fixes the static type, no copy
        self.n_sequences = np.asarray(np.bincount(distinct.skill, weights=weight, minlength=n_skills), dtype=np.float64)
        answers = np.bincount(distinct.skill, weights=weight * distinct.length, minlength=n_skills)
        self.n_answers = answers.astype(np.intp)
        self.n_right = np.asarray(np.bincount(distinct.skill, weights=weight * right, minlength=n_skills), dtype=np.float64)
        self.n_not_last = self.n_answers - self.n_sequences
        self.length_counts = np.bincount(distinct.all_lengths).astype(np.intp)
        self.skill_ptr = np.searchsorted(distinct.skill, np.arange(n_skills + 1))  # canonical order is by skill
        # pairs of skills without answers need no layout (with a part of the learners, a skill may have none)
        self.nothing_to_lay_out = np.tile(self.skill_ptr[1:] == self.skill_ptr[:-1], n_restarts)
        self.in_layout = self.nothing_to_lay_out.copy()
        self.n_units = 0

    def _lay_out(self, active: NDArray[np.bool_]) -> None:
        """Lay out the distinct sequences of the active pairs; units (restart, sequence) in canonical order."""
        d = self.distinct
        pairs = np.flatnonzero(active.ravel() & ~self.nothing_to_lay_out)
        skill = pairs % self.S
        per_pair = self.skill_ptr[skill + 1] - self.skill_ptr[skill]
        pair_start = np.r_[0, np.cumsum(per_pair)[:-1]].astype(np.intp)
        n_units = int(per_pair.sum())
        self.unit_pair = np.repeat(np.arange(pairs.size), per_pair)
        unit_seq = np.repeat(self.skill_ptr[skill] - pair_start, per_pair) + np.arange(n_units)
        order, seq_ptr, row_ptr, step_ptr, n_active, offsets, source = time_major(
            d.length[unit_seq], d.ptr[unit_seq], self.chunk_rows, self.chunk_width
        )
        self.layout = TimeMajor(seq_ptr, row_ptr, step_ptr, n_active, offsets, d.answers[source])
        self.right = self.layout.correct.astype(np.float64)
        self.pair_of_position = pairs[self.unit_pair[order]]  # flat (restart, skill) index per layout position
        self.position = np.empty(n_units, dtype=np.intp)
        self.position[order] = np.arange(n_units)  # layout position of each unit
        self.weight = d.count[unit_seq].astype(np.float64)
        self.pairs, self.pair_start, self.n_units = pairs, pair_start, n_units
        self.in_layout = self.nothing_to_lay_out.copy()
        self.in_layout[pairs] = True

    def _leave_out(self, active: NDArray[np.bool_]) -> None:
        """Drop the pairs no longer active from the layout (no new sorting; see ``shrink``)."""
        keep_pair = active.ravel()[self.pairs]
        keep_unit = keep_pair[self.unit_pair]
        keep_position = np.zeros(self.n_units, dtype=bool)
        keep_position[self.position] = keep_unit
        self.layout, row_keep = shrink(self.layout, keep_position)
        self.right = self.right[row_keep]
        self.pair_of_position = self.pair_of_position[keep_position]
        self.position = (np.cumsum(keep_position) - 1)[self.position[keep_unit]]
        self.weight = self.weight[keep_unit]
        new_index = np.cumsum(keep_pair) - 1
        self.unit_pair = new_index[self.unit_pair[keep_unit]]
        per_pair = np.diff(np.r_[self.pair_start, self.n_units])[keep_pair]
        self.pairs = self.pairs[keep_pair]
        self.pair_start = np.r_[0, np.cumsum(per_pair)[:-1]].astype(np.intp)
        self.n_units = int(per_pair.sum())
        self.in_layout = self.nothing_to_lay_out.copy()
        self.in_layout[self.pairs] = True

    def e_step(self, params: dict[str, Float], active: NDArray[np.bool_]) -> dict[str, Float]:
        """Log-likelihood and expected sufficient statistics at ``params``, per restart and skill.

        Pairs outside ``active`` may be left out (their entries are then 0).
        """
        flat = active.ravel()
        wanted = int((self.skill_ptr[1:] - self.skill_ptr[:-1])[np.flatnonzero(flat) % self.S].sum())
        out = {name: np.zeros(self.R * self.S) for name in self.STATS}
        if not wanted:
            return {name: values.reshape(self.R, self.S) for name, values in out.items()}
        if not self.in_layout[flat].all():
            self._lay_out(active)
        elif wanted < _RELAYOUT_SHARE * self.n_units:
            self._leave_out(active)
        per_unit = {name: values.ravel()[self.pair_of_position] for name, values in params.items()}
        stats = BK.e_step(self.layout, self.right, per_unit, fold=self.fold)
        stacked = np.stack([stats[name] for name in self.STATS])[:, self.position]
        stacked *= self.weight
        sums = np.add.reduceat(stacked, self.pair_start, axis=1)
        for k, name in enumerate(self.STATS):
            out[name][self.pairs] = sums[k]
        return {name: values.reshape(self.R, self.S) for name, values in out.items()}
