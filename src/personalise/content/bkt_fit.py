"""Fitting BKT by expectation-maximisation (Baum-Welch), and k-fold cross-validation."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bkt as BK
from personalise._validation import check_int
from personalise.content._responses import (
    COLUMNS,
    DistinctSequences,
    TimeMajor,
    distinct_sequences,
    read_responses,
    shrink,
    time_major,
)
from personalise.content.bkt import _EPS, _INIT, METRICS, BKTModel, _check_metrics
from personalise.content.bkt_params import PARAMETERS, BKTParams, skill_ids_of
from personalise.content.tracing import responses_of
from personalise.exceptions import (
    DegenerateFitWarning,
    EvidenceError,
    IdentifiabilityWarning,
    InvalidParameterError,
)
from personalise.graph import CompiledGraph

__all__ = ["crossvalidate", "fit_bkt"]

Float = NDArray[np.float64]


def _per_skill_values(value: Any, name: str, what: str, skill_ids: Sequence[Hashable]) -> Float:
    array = np.asarray(value, dtype=np.float64) if not isinstance(value, bool) else np.asarray(np.nan)
    if array.ndim == 0:
        array = np.full(len(skill_ids), float(array))
    if array.shape != (len(skill_ids),):
        raise InvalidParameterError(
            f"{what}[{name!r}] must be a number or one value per skill ({len(skill_ids)}); got shape {array.shape}",
            value=value,
        )
    bad = np.flatnonzero(~((array >= 0) & (array <= 1)))
    if bad.size:
        j = int(bad[0])
        raise InvalidParameterError(
            f"{what}[{name!r}] must lie in [0, 1]; got {value!r} for skill {skill_ids[j]!r}", value=value
        )
    return array


def _check_fixed(fixed: Mapping[str, Any] | None, forgets: bool, skill_ids: Sequence[Hashable]) -> dict[str, Float]:
    if fixed is not None and not isinstance(fixed, Mapping):
        raise InvalidParameterError(f"fixed must map parameter names to values; got {fixed!r}", value=fixed)
    result = {}
    for name, value in (fixed or {}).items():
        if name not in PARAMETERS:
            raise InvalidParameterError(f"fixed has unknown parameter {name!r}; expected some of {PARAMETERS}", value=name)
        result[name] = _per_skill_values(value, name, "fixed", skill_ids)
    if "guess" in result and "slip" in result:
        bad = np.flatnonzero(result["guess"] + result["slip"] >= 1.0)
        if bad.size:
            j = int(bad[0])
            raise InvalidParameterError(
                f"fixed guess and slip are degenerate for skill {skill_ids[j]!r}: guess + slip = "
                f"{float(result['guess'][j] + result['slip'][j])!r} >= 1",
                value=skill_ids[j],
            )
    if not forgets and "forget" not in result:
        result["forget"] = np.zeros(len(skill_ids))
    return result


def _check_bounds(bounds: Mapping[str, Any] | None) -> dict[str, tuple[float, float]]:
    if bounds is not None and not isinstance(bounds, Mapping):
        raise InvalidParameterError(f"bounds must map parameter names to (low, high); got {bounds!r}", value=bounds)
    result = {name: (_EPS, 1.0 - _EPS) for name in PARAMETERS}
    for name, pair in (bounds or {}).items():
        if name not in PARAMETERS:
            raise InvalidParameterError(f"bounds has unknown parameter {name!r}; expected some of {PARAMETERS}", value=name)
        try:
            low, high = (float(x) for x in pair)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"bounds[{name!r}] must be a (low, high) pair; got {pair!r}", value=pair) from None
        if not 0.0 <= low <= high <= 1.0:
            raise InvalidParameterError(f"bounds[{name!r}] must satisfy 0 <= low <= high <= 1; got {pair!r}", value=pair)
        result[name] = (max(low, _EPS), min(high, 1.0 - _EPS))
    return result


def _check_tol(tol: object) -> float:
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not float(tol) >= 0:
        raise InvalidParameterError(f"tol must be a number >= 0; got {tol!r}", value=tol)
    return float(tol)


def fit_bkt(
    data: Any,
    *,
    skills: CompiledGraph | Sequence[Hashable] | None = None,
    n_restarts: int = 5,
    rng: Any = None,
    fixed: Mapping[str, Any] | None = None,
    forgets: bool = False,
    tol: float = 1e-6,
    max_iter: int = 100,
    bounds: Mapping[str, Any] | None = None,
    columns: Mapping[str, str] | None = None,
    pass_mark: float = 0.5,
) -> BKTModel:
    """Fit per-skill BKT parameters by EM (Baum-Welch) with random restarts.

    Parameters
    ----------
    data : DataFrame, mapping of column name to array, or Evidence
        One row per answer with pyBKT's columns ``user_id``, ``skill_name``,
        ``correct`` (0/1) and optionally ``order_id`` (the order of each
        learner's answers; input order without it). An
        :class:`~personalise.Evidence` is taken in time order (ties by
        evidence id), and a score counts as correct when it is
        ``>= pass_mark``.
    skills : CompiledGraph or sequence of skill ids, optional
        The skills and their order in the result (default: the data's skills,
        sorted; in first-appearance order if they cannot be sorted). Skills without answers get the median of
        the fitted skills' free parameters (pinned ones keep their pinned
        values) and ``n_observations == 0``.
    n_restarts : int, default 5
        Random initialisations, all fitted at once; the best log-likelihood
        wins, skill by skill.
    rng : None, int, or numpy.random.Generator
        Seed for the initial values; the same integer gives the same fit.
    fixed : mapping, optional
        Parameters to pin, e.g. ``{"guess": 0.25}`` or ``{"forget": 0}``
        (a number or one value per skill).
    forgets : bool, default False
        Fit the forgetting rate; otherwise it is pinned at 0 (standard BKT).
    tol : float, default 1e-6
        A restart of a skill stops when one iteration raises its
        log-likelihood by at most ``tol`` times the skill's number of answers.
    max_iter : int, default 100
        Iteration cap.
    bounds : mapping, optional
        Box constraints such as ``{"guess": (0, 0.3), "slip": (0, 0.1)}``,
        applied in each M-step (the clipped closed form is the constrained
        maximiser). Free parameters always stay within (1e-6, 1 - 1e-6), and
        guess + slip below 1.
    columns : mapping, optional
        Our column names to the data's, e.g. ``{"user_id": "Anon Student Id",
        "skill_name": "KC(Default)", "correct": "Correct First Attempt"}``.
    pass_mark : float, default 0.5
        For Evidence: the score at or above which an answer is right.

    Returns
    -------
    BKTModel

    Raises
    ------
    EvidenceError
        On bad data (missing column, answers not 0/1, missing ids, repeated
        ``order_id`` within a learner, skills outside ``skills``, no rows).
    InvalidParameterError
        On bad options, or if the fit breaks down numerically (never NaN).

    Warns
    -----
    IdentifiabilityWarning
        When the median sequence length is below 3.
    DegenerateFitWarning
        When a skill's fitted guess or slip exceeds 0.5.

    Notes
    -----
    Initial values are drawn as in pyBKT: prior ~ U(0, 1), learn ~ U(0, 0.4),
    guess ~ U(0, 0.4), slip ~ U(0, 0.3), and forget ~ U(0, 0.3) when fitted.
    Learners who gave the same answers on a skill contribute the same terms,
    so each distinct answer sequence of a skill is fitted once and weighted
    by its number of learners (sequences over 62 answers are not merged).
    Each iteration is one forward pass and one backward smoothing pass over
    the answers of these sequences for every restart still iterating, so the
    work is at most O(n_restarts * n_answers) per iteration, with one Python
    step per answer position in each chunk of about 16,000 sequences. The
    result does not depend on how the sequences are chunked.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> rng = np.random.default_rng(0)
    >>> truth = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0)
    >>> known = rng.random(2000) < 0.3
    >>> rows = {"user_id": [], "skill_name": [], "correct": []}
    >>> for step in range(15):
    ...     right = np.where(known, rng.random(2000) > 0.1, rng.random(2000) < 0.2)
    ...     rows["user_id"] += list(range(2000)); rows["skill_name"] += ["add"] * 2000
    ...     rows["correct"] += right.astype(int).tolist()
    ...     known |= rng.random(2000) < 0.15
    >>> model = pl.fit_bkt(rows, rng=1)
    >>> fitted = [model.params.prior[0], model.params.learn[0], model.params.guess[0], model.params.slip[0]]
    >>> bool(np.abs(np.subtract(fitted, [0.3, 0.15, 0.2, 0.1])).max() < 0.03)
    True
    """
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = _check_tol(tol)
    skill_ids = skill_ids_of(skills) if skills is not None else None
    data = responses_of(data, pass_mark, columns)
    responses = read_responses(data, columns=columns, skill_ids=skill_ids)
    if skill_ids is None:
        try:
            ordered = tuple(sorted(responses.skill_ids))  # type: ignore[type-var]
        except TypeError:  # ids of mixed types: keep first-appearance order
            ordered = responses.skill_ids
        responses = responses.with_skill_order(ordered)
    if responses.n_rows == 0:
        raise EvidenceError("the response data has no rows to fit", value=0)
    ids = responses.skill_ids
    fixed_values = _check_fixed(fixed, forgets, ids)
    limits = _check_bounds(bounds)
    distinct = distinct_sequences(responses)
    median_length = np.median(distinct.all_lengths)
    if median_length < 3:
        warnings.warn(
            f"the median sequence length is {median_length:g} (< 3): BKT parameters are not "
            "identifiable from such short sequences; treat the fitted values with care",
            IdentifiabilityWarning,
            stacklevel=2,
        )
    n_skills, R = len(ids), n_restarts
    generator = np.random.default_rng(rng)
    params: dict[str, Float] = {}
    for name in PARAMETERS:
        if name in fixed_values:
            params[name] = np.tile(fixed_values[name], (R, 1))
        else:
            low, high = _INIT[name]
            lo, hi = limits[name]
            params[name] = np.clip(generator.uniform(low, high, size=(R, n_skills)), lo, hi)
    _keep_guess_plus_slip_below_one(params, fixed_values)

    fit = _EM(distinct, R, n_skills, fold=_fold(fixed_values))
    active = np.broadcast_to(fit.n_answers > 0, (R, n_skills)).copy()
    stats = fit.e_step(params, active)
    log_lik = stats["log_lik"]
    n_iter = np.zeros((R, n_skills), dtype=np.intp)
    allowed_gain = tol * fit.n_answers
    for _ in range(max_iter):
        if not active.any():
            break
        proposal = fit.m_step(stats, params, fixed_values, limits)
        params = {name: np.where(active, proposal[name], params[name]) for name in PARAMETERS}
        stats = fit.e_step(params, active)
        gain = stats["log_lik"] - log_lik
        n_iter += active
        log_lik = np.where(active, stats["log_lik"], log_lik)
        active &= gain > allowed_gain
    if not all(np.isfinite(v).all() for v in params.values()) or not np.isfinite(log_lik[:, fit.n_answers > 0]).all():
        raise InvalidParameterError("the EM fit broke down numerically (non-finite values)", value=None)

    best = np.argmax(log_lik, axis=0)
    pick = (best, np.arange(n_skills))
    final = {name: params[name][pick] for name in PARAMETERS}
    observed = fit.n_answers > 0
    if not observed.all() and observed.any():
        for name in PARAMETERS:
            if name not in fixed_values:
                final[name][~observed] = np.median(final[name][observed])
    degenerate = np.flatnonzero(observed & ((final["guess"] > 0.5) | (final["slip"] > 0.5)))
    if degenerate.size:
        names = ", ".join(repr(ids[j]) for j in degenerate[:5])
        warnings.warn(
            f"degenerate fit for {degenerate.size} skill(s) ({names}): guess or slip above 0.5 "
            "contradicts the model's meaning; consider bounds={'guess': (0, 0.3), 'slip': (0, 0.1)}",
            DegenerateFitWarning,
            stacklevel=2,
        )
    return BKTModel(
        BKTParams(ids, *(final[name] for name in PARAMETERS)),
        log_likelihood=np.where(observed, log_lik[pick], 0.0),
        n_iter=n_iter[pick],
        converged=~active[pick] & observed,
        n_observations=fit.n_answers,
    )


def _keep_guess_plus_slip_below_one(params: dict[str, Float], fixed: Mapping[str, Any]) -> None:
    """Keep free guess and slip inside (eps, 1 - eps) with guess + slip <= 1 - eps, in place."""
    if "guess" not in fixed:
        ceiling = 1.0 - _EPS - (params["slip"] if "slip" in fixed else _EPS)
        params["guess"] = np.clip(params["guess"], _EPS, np.maximum(ceiling, _EPS))
    if "slip" not in fixed:
        params["slip"] = np.clip(params["slip"], _EPS, np.maximum(1.0 - _EPS - params["guess"], _EPS))


#: The products of P(answer) over this many answers stay above e**-700, a normal float (see _fold).
_LOG_SMALLEST_PRODUCT = 700.0
#: A chunk of the fit holds at most this many sequences (the width of one vectorised step) ...
_CHUNK_WIDTH = 16384
#: ... and at most about this many answers (its per-answer buffers: 16 bytes per answer, 32 MB).
_CHUNK_ROWS = 1 << 21
#: Leave converged pairs out of the layout when the pairs still iterating hold less than this share of it.
_RELAYOUT_SHARE = 0.9


def _fold(fixed: Mapping[str, Float]) -> int:
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


class _EM:
    """Expected sufficient statistics of one fit, per (restart, skill) pair.

    The E-step runs on the distinct answer sequences of each skill, each
    weighted by the number of learners who gave it, for the (restart, skill)
    pairs still iterating: one sequence of the layout is one (restart,
    distinct sequence) pair. Its result is one ``(n_restarts, n_skills)``
    array per statistic, weighted sums over sequences in a canonical order
    (by skill, then first learner), so the fit does not depend on the
    layout in chunks, to the last bit. The M-step needs only these sums and
    the counts (``n_sequences``, ``n_answers``, ``n_right``), which add up
    over disjoint sets of learners: an ``_EM`` per part of the learners and
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
        self.n_sequences = np.bincount(distinct.skill, weights=weight, minlength=n_skills)
        answers = np.bincount(distinct.skill, weights=weight * distinct.length, minlength=n_skills)
        self.n_answers = answers.astype(np.intp)
        self.n_right = np.bincount(distinct.skill, weights=weight * right, minlength=n_skills)
        self.n_not_last = self.n_answers - self.n_sequences
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
        _keep_guess_plus_slip_below_one(out, fixed)
        return out


def crossvalidate(
    data: Any,
    *,
    folds: int = 5,
    rng: Any = None,
    metrics: Sequence[str] = METRICS,
    columns: Mapping[str, str] | None = None,
    pass_mark: float = 0.5,
    **fit_options: Any,
) -> dict[str, Float]:
    """K-fold cross-validation of :func:`fit_bkt`, split by learner.

    Every learner's answers fall in exactly one test fold, so a model is never
    scored on a learner it was trained on.

    Parameters
    ----------
    data : DataFrame, mapping of column name to array, or Evidence
        As for :func:`fit_bkt` (for Evidence, a score counts as correct when
        it is ``>= pass_mark``).
    folds : int, default 5
        Number of folds (2 to the number of learners).
    rng : None, int, or numpy.random.Generator
        Seed for the split and, through spawned streams, for each fit.
    metrics : sequence of str
        Some of ``"auc"``, ``"rmse"``, ``"accuracy"``, ``"log_loss"``.
    columns : mapping, optional
        Column names, as for :func:`fit_bkt`.
    pass_mark : float, default 0.5
        For Evidence: the score at or above which an answer is right.
    **fit_options
        Passed on to :func:`fit_bkt` (``n_restarts``, ``fixed``, ...).

    Returns
    -------
    dict of str to ndarray of shape (folds,)
        Each metric on each test fold.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> rng = np.random.default_rng(3)
    >>> improving = np.tile(np.linspace(0.3, 0.9, 6), 40)  # 40 learners, 6 answers each
    >>> data = {"user_id": np.repeat(np.arange(40), 6), "skill_name": ["a"] * 240,
    ...         "correct": (rng.random(240) < improving).astype(int)}
    >>> scores = pl.crossvalidate(data, folds=4, rng=0, metrics=("rmse",))
    >>> scores["rmse"].shape
    (4,)
    """
    wanted = _check_metrics(metrics)
    data = responses_of(data, pass_mark, columns)
    responses = read_responses(data, columns=columns, skill_ids=None)
    n_learners = len(responses.learner_ids)
    folds = check_int(folds, "folds", minimum=2)
    if folds > n_learners:
        raise InvalidParameterError(f"folds must be at most the number of learners ({n_learners}); got {folds}", value=folds)
    if "skills" not in fit_options:
        fit_options["skills"] = responses.skill_ids
    generator = np.random.default_rng(rng)
    fold_of = generator.permutation(n_learners) % folds
    names = dict(columns or {})
    table = {name: np.asarray(data[names.get(name, name)]) for name in COLUMNS if name != "order_id"}
    order_key = names.get("order_id", "order_id")
    try:
        table["order_id"] = np.asarray(data[order_key])
    except (KeyError, IndexError, TypeError):
        pass
    scores = {name: np.empty(folds) for name in wanted}
    for k, stream in enumerate(generator.spawn(folds)):
        test = fold_of[responses.learner] == k
        train_model = fit_bkt({c: v[~test] for c, v in table.items()}, rng=stream, **fit_options)
        result = train_model.evaluate({c: v[test] for c, v in table.items()}, metrics=wanted)
        for name in wanted:
            scores[name][k] = result[name]
    return scores
