"""Fitting BKT by expectation-maximisation (Baum-Welch), and k-fold cross-validation."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import check_int, check_number, check_rng, check_threshold
from personalise.content._em import EM, Counts, keep_guess_plus_slip_below_one, log_fold
from personalise.content._partitions import Parts, Summary, numbered, open_parts
from personalise.content._responses import (
    COLUMNS,
    Responses,
    _check_columns,
    distinct_sequences,
    read_responses,
)
from personalise.content.bkt import (
    _EPS,
    _INIT,
    _METRIC_FUNCTIONS,
    METRICS,
    BKTModel,
    _check_metrics,
    forward_responses,
)
from personalise.content.bkt_params import PARAMETERS, BKTParams, skill_ids_of
from personalise.content.tracing import responses_of
from personalise.evidence import Evidence
from personalise.exceptions import (
    DegenerateFitWarning,
    EvidenceError,
    IdentifiabilityWarning,
    InvalidParameterError,
)
from personalise.graph import CompiledGraph

__all__ = ["crossvalidate", "fit_bkt"]

Float = NDArray[np.float64]

#: The most random restarts one fit runs (each is an array row of every E-step).
_MAX_RESTARTS = 10_000


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
    """A per-answer log-likelihood gain: a number in [0, 1] (a gain of 1 nat per answer is already huge)."""
    return check_number(tol, "tol", 0.0, 1.0)


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
    client: Any = None,
) -> BKTModel:
    """Fit per-skill BKT parameters by EM (Baum-Welch) with random restarts.

    Parameters
    ----------
    data : DataFrame, mapping of column name to array, Evidence, dask DataFrame, or sequence of Evidence
        One row per answer with pyBKT's columns ``user_id``, ``skill_name``,
        ``correct`` (0/1) and optionally ``order_id`` (the order of each
        learner's answers; input order without it). An
        :class:`~personalise.Evidence` is taken in time order (ties by
        evidence id), and a score counts as correct when it is
        ``>= pass_mark``. Data split in partitions is fitted partition by
        partition (see Notes): a ``dask.dataframe.DataFrame`` with the same
        columns, or a list or tuple of Evidence, one per partition, each
        learner in one of them. The fit equals that of the concatenated
        partitions (to rounding: the sums add up in another order).
    skills : CompiledGraph or sequence of skill ids, optional
        The skills and their order in the result (default: the data's skills,
        sorted; in first-appearance order if they cannot be sorted). Skills without answers get the median of
        the fitted skills' free parameters (pinned ones keep their pinned
        values) and ``n_observations == 0``.
    n_restarts : int, default 5
        Random initialisations (1 to 10,000), all fitted at once; the best
        log-likelihood wins, skill by skill.
    rng : None, int, or numpy.random.Generator
        Seed for the initial values; the same integer gives the same fit.
    fixed : mapping, optional
        Parameters to pin, e.g. ``{"guess": 0.25}`` or ``{"forget": 0}``
        (a number or one value per skill).
    forgets : bool, default False
        Fit the forgetting rate; otherwise it is pinned at 0 (standard BKT).
    tol : float, default 1e-6
        A restart of a skill stops when one iteration raises its
        log-likelihood by at most ``tol`` times the skill's number of answers
        (a number in [0, 1]).
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
    client : dask.distributed.Client, optional
        Run the work of each partition on this cluster (the ``dask`` extra);
        data in one piece then counts as one partition. Default: a dask
        DataFrame is computed on the current client if there is one, else by
        dask's default scheduler in this process; a sequence of Evidence is
        fitted here, partition by partition.

    Returns
    -------
    BKTModel

    Raises
    ------
    EvidenceError
        On bad data (missing column, answers not 0/1, missing ids, repeated
        ``order_id`` within a learner, skills outside ``skills``, no rows),
        or a learner in two Evidence partitions; messages about one
        partition name it (``partition 2: ...``).
    InvalidParameterError
        On bad options, if ``client`` is not a ``dask.distributed.Client``
        (or dask is not installed), if a sequence holds something other than
        Evidence (the message names its position), or if the fit breaks
        down numerically (never NaN).

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

    Partitioned data: the E-step's sufficient statistics are sums over
    learners, so each partition computes its own and they are added up here,
    where the M-step, the convergence checks and the draw of the initial
    values run. Each partition is read, validated and laid out once, where it
    lives (on a dask worker, or here), and stays there: per iteration only
    the parameters and the mask of (restart, skill) pairs still iterating,
    shape (n_restarts, n_skills), go out to each partition, and seven arrays
    of that shape come back. The driver also receives each partition's
    learner and skill ids, once per reading. A learner's answers must all be
    in one partition: a dask DataFrame in which a learner spans partitions is
    read once to find that out, then shuffled by learner id
    (``DataFrame.shuffle``; each row first numbered in partition order when
    there is no ``order_id`` column, so answers keep their order) and read
    again.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> rng = np.random.Generator(np.random.PCG64(0))
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

    The same answers as Evidence in two partitions (learners 0-999 and
    1000-1999) give the same fit:

    >>> when = np.datetime64("2026-09-01T09:00") + np.repeat(np.arange(15), 2000).astype("timedelta64[m]")
    >>> ev = pl.Evidence(rows["user_id"], rows["skill_name"], rows["correct"], when, np.arange(30000))
    >>> halves = [ev.select(learner_ids=range(0, 1000)), ev.select(learner_ids=range(1000, 2000))]
    >>> split = pl.fit_bkt(halves, rng=1)
    >>> bool(np.abs(split.params.learn - pl.fit_bkt(ev, rng=1).params.learn).max() < 1e-9)
    True
    """
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1, maximum=_MAX_RESTARTS)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = _check_tol(tol)
    generator = check_rng(rng)
    skill_ids = skill_ids_of(skills, "skills") if skills is not None else None
    parts = _response_parts(data, columns, pass_mark, client)
    responses = None
    if parts is None:
        data = responses_of(data, pass_mark, columns)
        responses = read_responses(data, columns=columns, skill_ids=skill_ids, outside="one of skills")
        if skill_ids is None:
            responses = responses.with_skill_order(_default_skill_order(responses.skill_ids))
        ids, n_rows = responses.skill_ids, responses.n_rows
    else:
        ids = skill_ids if skill_ids is not None else _default_skill_order(parts.skill_order)
        n_rows = parts.n_rows
    if n_rows == 0:
        raise EvidenceError("the response data has no rows to fit", value=0)
    fixed_values = _check_fixed(fixed, forgets, ids)
    limits = _check_bounds(bounds)
    n_skills, R = len(ids), n_restarts
    fit: EM | _Partitioned
    if responses is not None:
        fit = EM(distinct_sequences(responses), R, n_skills, fold=log_fold(fixed_values))
    else:
        assert parts is not None
        fit = _Partitioned(parts, ids, R, fold=log_fold(fixed_values))
    median_length = _median(fit.length_counts)
    if median_length < 3:
        warnings.warn(
            f"the median sequence length is {median_length:g} (< 3): BKT parameters are not "
            "identifiable from such short sequences; treat the fitted values with care",
            IdentifiabilityWarning,
            stacklevel=2,
        )
    params: dict[str, Float] = {}
    for name in PARAMETERS:
        if name in fixed_values:
            params[name] = np.tile(fixed_values[name], (R, 1))
        else:
            low, high = _INIT[name]
            lo, hi = limits[name]
            params[name] = np.clip(generator.uniform(low, high, size=(R, n_skills)), lo, hi)
    keep_guess_plus_slip_below_one(params, fixed_values)

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


def _default_skill_order(skill_ids: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    """The data's skills sorted, or in first-appearance order if they cannot be sorted."""
    try:
        return tuple(sorted(skill_ids))  # type: ignore[type-var]
    except TypeError:  # ids of mixed types: keep first-appearance order
        return skill_ids


def _median(counts: NDArray[np.integer[Any]]) -> float:
    """The median of values given as counts (``counts[v]`` values equal ``v``), as ``np.median`` gives it."""
    n = int(counts.sum())
    cumulative = np.cumsum(counts)
    lower = int(np.searchsorted(cumulative, (n - 1) // 2, side="right"))
    upper = int(np.searchsorted(cumulative, n // 2, side="right"))
    return (lower + upper) / 2


class _Partitioned(Counts):
    """The fit of data split in partitions: one :class:`EM` per partition, kept where it was read.

    The counts are summed here once; each E-step runs on every partition
    (on its worker, with a client) and its ``(n_restarts, n_skills)`` sums are
    added up here in partition order, so the result does not depend on which
    partition finishes first.
    """

    def __init__(self, parts: Parts, skill_ids: Sequence[Hashable], n_restarts: int, *, fold: int) -> None:
        self.parts, self.R, self.S = parts, n_restarts, len(skill_ids)
        self.fits = parts.map(_prepare_part, parts.indices, skill_ids=tuple(skill_ids), n_restarts=n_restarts, fold=fold)
        counts = parts.gather(parts.runner.map(_counts_of, self.fits))
        longest = max(part[3].size for part in counts)
        self.n_sequences, self.n_right = np.zeros(self.S), np.zeros(self.S)
        self.n_answers = np.zeros(self.S, dtype=np.intp)
        self.length_counts = np.zeros(longest, dtype=np.intp)
        for n_sequences, n_answers, n_right, length_counts in counts:
            self.n_sequences += n_sequences
            self.n_answers += n_answers
            self.n_right += n_right
            self.length_counts[: length_counts.size] += length_counts
        self.n_not_last = self.n_answers - self.n_sequences

    def e_step(self, params: dict[str, Float], active: NDArray[np.bool_]) -> dict[str, Float]:
        """The sums of the partitions' E-steps (see :meth:`EM.e_step`)."""
        sums = self.parts.gather(self.parts.runner.map(_e_step_of, self.fits, params=params, active=active))
        total = {name: np.array(sums[0][name], dtype=np.float64) for name in EM.STATS}
        for part in sums[1:]:
            for name in EM.STATS:
                total[name] += part[name]
        return total


# ------------------------------------------------- the work of one partition (picklable, run where it lives)
def _read_part(part: Any, *, names: dict[str, str], pass_mark: float) -> Responses:
    """One partition (a table or an Evidence) as validated responses, skills in first-appearance order."""
    return read_responses(responses_of(part, pass_mark, names or None), columns=names or None, skill_ids=None)


def _summarise(responses: Responses) -> Summary:
    rows = np.bincount(responses.learner, minlength=len(responses.learner_ids)).astype(np.intp)
    return Summary(responses.learner_ids, rows, responses.skill_ids)


def _recode(responses: Responses, skill_ids: Sequence[Hashable], index: int, outside: str = "a known skill") -> Responses:
    """``responses`` with skill codes into ``skill_ids``; a row with another skill is an EvidenceError."""
    known = {skill: j for j, skill in enumerate(skill_ids)}
    remap = np.array([known.get(skill, -1) for skill in responses.skill_ids], dtype=np.intp)
    skill = remap[responses.skill] if responses.skill.size else responses.skill
    unknown = np.flatnonzero(skill < 0)
    if unknown.size:
        row = int(unknown[0])
        name = responses.skill_ids[responses.skill[row]]
        raise EvidenceError(
            f"partition {index}: row {row} names skill {name!r}, which is not {outside}", value=name
        )
    return attrs.evolve(responses, skill_ids=tuple(skill_ids), skill=skill)


def _subset(responses: Responses, keep_learner: NDArray[np.bool_]) -> Responses:
    """The rows of the learners (by code) where ``keep_learner`` is true, in the same order."""
    keep_row = keep_learner[responses.learner] if responses.learner.size else np.zeros(0, dtype=bool)
    new_row = (np.cumsum(keep_row) - 1).astype(np.intp)
    order = new_row[responses.order[keep_row[responses.order]]]
    return Responses(
        responses.learner_ids,
        responses.skill_ids,
        responses.learner[keep_row],
        responses.skill[keep_row],
        responses.correct[keep_row],
        order,
    )


def _prepare_part(responses: Responses, index: int, *, skill_ids: tuple[Hashable, ...], n_restarts: int, fold: int) -> EM:
    return EM(distinct_sequences(_recode(responses, skill_ids, index, "one of skills")), n_restarts, len(skill_ids),
              fold=fold)


def _counts_of(fit: EM) -> tuple[Float, NDArray[np.intp], Float, NDArray[np.intp]]:
    return fit.n_sequences, fit.n_answers, fit.n_right, fit.length_counts


def _e_step_of(fit: EM, *, params: dict[str, Float], active: NDArray[np.bool_]) -> dict[str, Float]:
    return fit.e_step(params, active)


def _predict_part(
    responses: Responses, keep_learner: NDArray[np.bool_], index: int, *, params: BKTParams
) -> tuple[NDArray[np.bool_], Float]:
    """The answers of some learners of a partition and P(correct) before each, in row order."""
    test = _recode(_subset(responses, keep_learner), params.skill_ids, index)
    p_correct = np.empty(test.n_rows)
    if test.n_rows:
        seq, before, _, _ = forward_responses(params, test)
        p_correct[seq.rows] = before
    return test.correct, p_correct


#: The column that numbers the rows of a dask DataFrame without an order column before it is shuffled.
_ROW_NUMBER = "__personalise_row__"


def _keep_row_order(frame: Any, options: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Before a shuffle: without an order column, number the rows so that each learner keeps their order."""
    names = dict(options["names"])
    if names.get("order_id", "order_id") in frame.columns:
        return frame, options
    column = _ROW_NUMBER
    while column in frame.columns:
        column += "_"
    return numbered(frame, column), {**options, "names": {**names, "order_id": column}}


def _response_parts(data: Any, columns: Mapping[str, str] | None, pass_mark: float, client: Any) -> Parts | None:
    """The partitions of response data (see :func:`~personalise.content._partitions.open_parts`), or None."""
    if isinstance(data, Parts):  # already read (the training folds of crossvalidate)
        return data
    names = _check_columns(columns)
    if isinstance(data, (list, tuple, Evidence)):
        if columns is not None:
            raise InvalidParameterError(
                "columns= applies to tables, not to Evidence (its columns are fixed)", value=columns
            )
        check_threshold(pass_mark, "pass_mark")
    return open_parts(
        data,
        client=client,
        read=_read_part,
        options={"names": names, "pass_mark": pass_mark},
        summarise=_summarise,
        learner_column=names.get("user_id", "user_id"),
        required_columns=[names.get(name, name) for name in COLUMNS if name != "order_id"],
        before_shuffle=_keep_row_order,
        what="response data",
    )


def crossvalidate(
    data: Any,
    *,
    folds: int = 5,
    rng: Any = None,
    metrics: Sequence[str] = METRICS,
    columns: Mapping[str, str] | None = None,
    pass_mark: float = 0.5,
    client: Any = None,
    **fit_options: Any,
) -> dict[str, Float]:
    """K-fold cross-validation of :func:`fit_bkt`, split by learner.

    Every learner's answers fall in exactly one test fold, so a model is never
    scored on a learner it was trained on.

    Parameters
    ----------
    data : DataFrame, mapping of column name to array, Evidence, dask DataFrame, or sequence of Evidence
        As for :func:`fit_bkt` (for Evidence, a score counts as correct when
        it is ``>= pass_mark``). Data split in partitions gives the same
        folds and scores as the concatenated partitions (see Notes).
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
    client : dask.distributed.Client, optional
        Where the partitions are read, fitted and predicted, as for
        :func:`fit_bkt`.
    **fit_options
        Passed on to :func:`fit_bkt` (``n_restarts``, ``fixed``, ...).

    Returns
    -------
    dict of str to ndarray of shape (folds,)
        Each metric on each test fold.

    Raises
    ------
    EvidenceError, InvalidParameterError
        As for :func:`fit_bkt`; also for an unknown metric, or ``folds``
        below 2 or above the number of learners.

    Notes
    -----
    Learners are numbered in order of first appearance in the data (for
    partitions: in their concatenation) and dealt into folds by one random
    permutation, so partitioned data gets the same folds as in one piece.
    Partitions are read once and stay where they are: for each fold, every
    partition keeps the rows of its training learners for the partitioned
    :func:`fit_bkt`, then predicts the answers of its test learners with the
    fitted parameters; those predictions, one float and one bool per answer
    of the test fold, are gathered here, where the metrics are computed.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> rng = np.random.Generator(np.random.PCG64(3))
    >>> improving = np.tile(np.linspace(0.3, 0.9, 6), 40)  # 40 learners, 6 answers each
    >>> data = {"user_id": np.repeat(np.arange(40), 6), "skill_name": ["a"] * 240,
    ...         "correct": (rng.random(240) < improving).astype(int)}
    >>> scores = pl.crossvalidate(data, folds=4, rng=0, metrics=("rmse",))
    >>> scores["rmse"].shape
    (4,)

    The same rows as a dask DataFrame in three partitions (computed here by
    dask's synchronous scheduler) give the same scores:

    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> frame = dd.from_pandas(pd.DataFrame(data), npartitions=3, sort=False)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     split = pl.crossvalidate(frame, folds=4, rng=0, metrics=("rmse",))
    >>> bool(np.abs(split["rmse"] - scores["rmse"]).max() < 1e-9)
    True
    """
    wanted = _check_metrics(metrics)
    generator = check_rng(rng)
    parts = _response_parts(data, columns, pass_mark, client)
    if parts is not None:
        return _crossvalidate_parts(parts, folds, generator, wanted, fit_options)
    data = responses_of(data, pass_mark, columns)
    responses = read_responses(data, columns=columns, skill_ids=None)
    n_learners = len(responses.learner_ids)
    folds = _check_folds(folds, n_learners)
    if "skills" not in fit_options:
        fit_options["skills"] = responses.skill_ids
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


def _check_folds(folds: object, n_learners: int) -> int:
    if n_learners == 0:
        raise EvidenceError("the response data has no learners to cross-validate", value=0)
    folds = check_int(folds, "folds", minimum=2)
    if folds > n_learners:
        raise InvalidParameterError(f"folds must be at most the number of learners ({n_learners}); got {folds}", value=folds)
    return folds


def _crossvalidate_parts(
    parts: Parts, folds: object, rng: Any, wanted: list[str], fit_options: dict[str, Any]
) -> dict[str, Float]:
    """:func:`crossvalidate` on partitions: the same folds; fits and predictions where the partitions are."""
    n_folds = _check_folds(folds, len(parts.learner_order))
    if "skills" not in fit_options:
        fit_options["skills"] = parts.skill_order
    generator = check_rng(rng)
    fold_of = generator.permutation(len(parts.learner_order)) % n_folds
    number = {learner: i for i, learner in enumerate(parts.learner_order)}
    part_folds = [
        fold_of[np.array([number[learner] for learner in summary.learner_ids], dtype=np.intp)]
        for summary in parts.summaries
    ]
    scores = {name: np.empty(n_folds) for name in wanted}
    for k, stream in enumerate(generator.spawn(n_folds)):
        train = [fold != k for fold in part_folds]
        summaries = [
            Summary(summary.learner_ids, np.where(keep, summary.rows_per_learner, 0), summary.skill_ids)
            for summary, keep in zip(parts.summaries, train, strict=True)
        ]
        kept = [i for i, summary in enumerate(summaries) if summary.n_rows]
        handles = parts.runner.map(_subset, [parts.handles[i] for i in kept], [train[i] for i in kept])
        training = Parts(
            runner=parts.runner,
            handles=handles,
            indices=[parts.indices[i] for i in kept],
            summaries=[summaries[i] for i in kept],
            learner_order=parts.learner_order,
            skill_order=parts.skill_order,
        )
        model = fit_bkt(training, rng=stream, **fit_options)
        del training, handles  # the training rows are no longer needed where they are
        tests = [fold == k for fold in part_folds]
        predicted = parts.gather(parts.map(_predict_part, tests, parts.indices, params=model.params))
        correct = np.concatenate([answers for answers, _ in predicted])
        p_correct = np.concatenate([values for _, values in predicted])
        for name in wanted:
            scores[name][k] = _METRIC_FUNCTIONS[name](correct, p_correct)
    return scores
