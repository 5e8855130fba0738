"""Bayesian Knowledge Tracing: online updates, EM fitting, prediction and evaluation.

Convention: condition on the evidence, then apply the learning transition,
then forgetting (DOMAIN conventions of Corbett and Anderson 1995)::

    P(correct)       = L (1 - S) + (1 - L) G
    P(L | right)     = L (1 - S) / P(correct)
    P(L | wrong)     = L S / (1 - P(correct))
    L at next step   = P(L | answer) (1 - F) + (1 - P(L | answer)) T

Fitting is Baum-Welch (EM) with a scaled forward pass and a forward-filter,
backward-smoother, vectorised across the distinct answer sequences of every
skill (each weighted by its number of learners) and the random restarts
still iterating.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bkt as BK
from personalise._validation import (
    as_array,
    check_ids,
    check_probability_block,
    check_texts,
    refuse_repeats,
)
from personalise.content._responses import (
    Responses,
    Sequences,
    read_responses,
    sequences,
)
from personalise.content.bkt_params import BKTParams
from personalise.content.tracing import estimate_mastery, responses_of
from personalise.evidence import Evidence, MasteryTable
from personalise.exceptions import (  # the warnings are re-exported for fit_bkt's users
    DegenerateFitWarning,
    EvidenceError,
    IdentifiabilityWarning,
    InvalidParameterError,
    ShapeError,
)

__all__ = ["METRICS", "BKTModel", "DegenerateFitWarning", "IdentifiabilityWarning", "update_mastery"]

Float = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Metrics understood by :meth:`BKTModel.evaluate` and :func:`crossvalidate`.
METRICS = ("auc", "rmse", "accuracy", "log_loss")

#: Random initial values (uniform ranges) for free parameters, as in pyBKT.
_INIT = {"prior": (0.0, 1.0), "learn": (0.0, 0.4), "guess": (0.0, 0.4), "slip": (0.0, 0.3), "forget": (0.0, 0.3)}
#: Free parameters never start or end closer than this to 0 or 1 (EM cannot leave 0 or 1).
_EPS = 1e-6


# ------------------------------------------------------------------ updates
_NOT_GIVEN: Any = object()


@overload
def update_mastery(
    params: BKTParams, mastery: MasteryTable, learners: Evidence, *, pass_mark: float = 0.5
) -> MasteryTable: ...


@overload
def update_mastery(
    params: BKTParams, mastery: Any, learners: Any, skills: Any, correct: Any
) -> NDArray[np.floating[Any]]: ...


def update_mastery(
    params: BKTParams,
    mastery: Any,
    learners: Any,
    skills: Any = _NOT_GIVEN,
    correct: Any = _NOT_GIVEN,
    *,
    pass_mark: float = 0.5,
) -> NDArray[np.floating[Any]] | MasteryTable:
    """Update P(mastery) from a batch of answers (condition, learn, then forget).

    Two forms: by position, ``update_mastery(params, mastery, learners,
    skills, correct)`` on an array; and by id, ``update_mastery(params,
    table, evidence)`` on a :class:`~personalise.MasteryTable`, which folds
    an :class:`~personalise.Evidence` into it in time order (the same as
    ``estimate_mastery(params, evidence, prior=table)``).

    Parameters
    ----------
    params : BKTParams
        Parameters aligned with the columns of ``mastery`` (for a table: any
        order, matched by skill id).
    mastery : array_like, shape (n_learners, n_skills), or MasteryTable
        P(known) at each learner's next opportunity on each skill, in [0, 1]
        (start from ``np.tile(params.prior, (n_learners, 1))``).
    learners : array_like of int, shape (n_events,), or Evidence
        Row of each answer; with a table, the evidence (learners it adds to
        the table start at ``params.prior``).
    skills : array_like of int, shape (n_events,)
        Column of each answer (positional form only).
    correct : array_like of bool or {0, 1}, shape (n_events,)
        Whether each answer was right (positional form only).
    pass_mark : float, default 0.5
        With evidence: a score counts as right when it is ``>= pass_mark``.

    Returns
    -------
    ndarray, shape (n_learners, n_skills), or MasteryTable
        A new array of the same float dtype (``mastery`` is not modified), or
        a new table. Answers by the same learner on the same skill are applied
        in the order given (for evidence: by time, then evidence id).

    Raises
    ------
    ShapeError
        If ``mastery`` does not have one column per skill of ``params`` or the
        event arrays differ in length.
    InvalidParameterError
        If an index is out of range or a mastery value is outside [0, 1].
    EvidenceError
        If ``correct`` holds something other than 0/1.

    Notes
    -----
    O(n_events) work in rounds: round ``r`` applies the ``r``-th answer of
    every (learner, skill) pair at once, so the number of Python iterations
    is the largest number of answers one pair has in the batch.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> params = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    >>> mastery = np.full((1, 1), 0.3)
    >>> after = pl.update_mastery(params, mastery, [0, 0, 0], [0, 0, 0], [1, 1, 1])
    >>> round(float(after[0, 0]), 4)
    0.9858
    >>> table = pl.MasteryTable(["ann"], ["add"], [[0.3]])
    >>> ev = pl.Evidence(["ann"] * 3, ["add"] * 3, [1, 1, 1], ["2026-09-01T09:00Z"] * 3, ["a", "b", "c"])
    >>> pl.update_mastery(params, table, ev).values.round(4).tolist()
    [[0.9858]]
    """
    if not isinstance(params, BKTParams):
        raise InvalidParameterError(f"params must be BKTParams; got {type(params).__name__}", value=params)
    if isinstance(mastery, MasteryTable):
        if skills is not _NOT_GIVEN or correct is not _NOT_GIVEN:
            raise InvalidParameterError(
                "with a MasteryTable, pass the evidence as the third argument: update_mastery(params, table, "
                "evidence); skills and correct belong to the positional form", value=skills
            )
        if not isinstance(learners, Evidence):
            raise InvalidParameterError(
                "with a MasteryTable, the third argument must be an Evidence; got learners of type "
                f"{type(learners).__name__}",
                value=learners,
            )
        return estimate_mastery(params, learners, prior=mastery, pass_mark=pass_mark)
    if isinstance(learners, Evidence):
        raise InvalidParameterError("evidence updates a MasteryTable (it carries the ids); got an array for mastery",
                                    value=type(mastery).__name__)
    if skills is _NOT_GIVEN or correct is _NOT_GIVEN:
        raise InvalidParameterError("update_mastery(params, mastery, learners, skills, correct) needs skills and "
                                    "correct", value=None)
    array = as_array(mastery, "mastery")
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if array.ndim != 2 or array.shape[1] != params.n_skills:
        raise ShapeError(
            f"mastery must have shape (n_learners, {params.n_skills}); got {array.shape}", value=array.shape
        )
    check_probability_block(array, 0)
    rows = _index_array(learners, "learners", array.shape[0])
    cols = _index_array(skills, "skills", params.n_skills)
    answers = as_array(correct, "correct", error=EvidenceError)
    if rows.size != cols.size or answers.shape != (rows.size,):
        raise ShapeError(
            f"learners, skills and correct must have the same length; got {rows.size}, {cols.size}, {answers.shape}",
            value=(rows.size, cols.size, answers.shape),
        )
    right = _binary(answers, "correct")
    out = np.array(array, copy=True)
    BK.update_events(out, rows, cols, right, params.as_dict())
    return out


def _index_array(values: Any, name: str, size: int) -> IntArray:
    array = as_array(values, name, ndim=1)
    if array.size and array.dtype.kind not in "iu":
        raise InvalidParameterError(f"{name} must hold integer indices; got dtype {array.dtype}", value=array.dtype)
    bad = np.flatnonzero((array < 0) | (array >= size))
    if bad.size:
        i = int(bad[0])
        raise InvalidParameterError(f"{name}[{i}] = {array[i].item()} is out of range [0, {size})", value=array[i].item())
    return array.astype(np.intp, copy=False)


def _binary(values: NDArray[Any], name: str) -> NDArray[np.bool_]:
    if values.dtype == np.bool_:
        return values
    ok = (values == 0) | (values == 1) if values.dtype.kind in "iuf" else np.zeros(values.shape, bool)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise EvidenceError(f"{name} must hold 0 or 1; got {values[i]!r} at position {i}", value=values[i])
    return np.asarray(values == 1, dtype=np.bool_)


# ------------------------------------------------------------------- model
def _frozen(array: NDArray[Any], dtype: Any) -> Any:
    out = np.array(array, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def _counts(value: Any, name: str) -> IntArray | None:
    """Whole numbers >= 0 (integers, or floats without a fraction) as a read-only intp copy, or None."""
    if value is None:
        return None
    array = as_array(value, name, kinds="iuf", ndim=1, finite=True, low=0)
    if array.dtype.kind == "f":
        array = array.astype(np.float64, copy=False)  # float16 cannot hold the bound below
    if array.size:
        if array.dtype.kind == "f":  # 2.0**63 is the first float above the largest intp
            whole = (array == np.floor(array)) & (array < 2.0 ** (8 * np.dtype(np.intp).itemsize - 1))
        else:
            whole = array <= np.iinfo(np.intp).max
        if not whole.all():
            i = int(np.flatnonzero(~whole)[0])
            raise InvalidParameterError(f"{name} must hold whole numbers >= 0 that fit in intp; got "
                                        f"{array[i].item()!r} at {i}", value=array[i].item())
    return _frozen(array, np.intp)  # type: ignore[no-any-return]


def _log_likelihood(value: Any) -> Float | None:
    if value is None:
        return None
    return _frozen(as_array(value, "log_likelihood", kinds="iuf", ndim=1, finite=True), np.float64)  # type: ignore[no-any-return]


def _n_iter(value: Any) -> IntArray | None:
    return _counts(value, "n_iter")


def _converged(value: Any) -> NDArray[np.bool_] | None:
    if value is None:
        return None
    return _frozen(as_array(value, "converged", kinds="b", ndim=1), np.bool_)  # type: ignore[no-any-return]


def _n_observations(value: Any) -> IntArray | None:
    return _counts(value, "n_observations")


_ARRAY_EQ = attrs.cmp_using(eq=np.array_equal)


def _is_params(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, BKTParams):
        raise InvalidParameterError(f"params must be BKTParams; got {value!r:.80}", value=value)


@attrs.frozen
class BKTModel:
    """A BKT learner model: parameters, and how the fit went.

    Returned by :func:`fit_bkt`; build one from known parameters with
    ``BKTModel(params)`` to predict without fitting.

    Parameters
    ----------
    params : BKTParams
        The per-skill parameters.
    log_likelihood : ndarray of float64, shape (n_skills,), optional
        Log-likelihood of the training data per skill at ``params``.
    n_iter : ndarray of intp, shape (n_skills,), optional
        EM iterations used by the best restart of each skill.
    converged : ndarray of bool, shape (n_skills,), optional
        Whether each skill met the tolerance before ``max_iter``.
    n_observations : ndarray of intp, shape (n_skills,), optional
        Training answers per skill (0: the skill had no data; its parameters
        are the median of the fitted skills').

    Raises
    ------
    InvalidParameterError
        If ``params`` is not BKTParams, ``log_likelihood`` holds NaN, an
        infinity or something other than real numbers, the counts hold
        anything but whole numbers >= 0 (floats such as ``4.0`` are taken),
        or ``converged`` anything but booleans.
    ShapeError
        If an array is ragged or does not have one value per skill.

    Examples
    --------
    >>> import personalise as pl
    >>> params = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    >>> model = pl.BKTModel(params)
    >>> p_correct, p_mastery = model.predict({"user_id": [1, 1], "skill_name": ["add", "add"], "correct": [1, 0]})
    >>> p_correct.round(3).tolist(), p_mastery.round(3).tolist()
    ([0.41, 0.697], [0.659, 0.234])
    """

    params: BKTParams = attrs.field(validator=_is_params)
    log_likelihood: Float | None = attrs.field(
        default=None, converter=_log_likelihood, eq=_ARRAY_EQ, hash=False, repr=False
    )
    n_iter: IntArray | None = attrs.field(
        default=None, converter=_n_iter, eq=_ARRAY_EQ, hash=False, repr=False
    )
    converged: NDArray[np.bool_] | None = attrs.field(
        default=None, converter=_converged, eq=_ARRAY_EQ, hash=False, repr=False
    )
    n_observations: IntArray | None = attrs.field(
        default=None, converter=_n_observations, eq=_ARRAY_EQ, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        n = self.params.n_skills
        for name in ("log_likelihood", "n_iter", "converged", "n_observations"):
            values = getattr(self, name)
            if values is not None and values.shape != (n,):
                raise ShapeError(f"{name} must have one value per skill of params ({n}); got shape {values.shape}",
                                 value=values.shape)

    def __repr__(self) -> str:
        fitted = "fitted" if self.log_likelihood is not None else "not fitted"
        return f"BKTModel(n_skills={self.params.n_skills}, {fitted})"

    def _forward(
        self, data: Any, columns: Mapping[str, str] | None, pass_mark: float = 0.5
    ) -> tuple[Responses, Sequences, Float, Float, Float]:
        data = responses_of(data, pass_mark, columns)
        responses = read_responses(data, columns=columns, skill_ids=self.params.skill_ids)
        return (responses, *forward_responses(self.params, responses))

    def predict(
        self, data: Any, *, columns: Mapping[str, str] | None = None, pass_mark: float = 0.5
    ) -> tuple[Float, Float]:
        """P(correct) before each answer and P(mastery) after it, one value per row.

        Parameters
        ----------
        data : DataFrame, mapping of column name to array, or Evidence
            Answers with columns ``user_id``, ``skill_name``, ``correct`` and
            optionally ``order_id`` (see :func:`fit_bkt`); or an
            :class:`~personalise.Evidence`, ordered by time (ties by evidence
            id), where a score counts as correct when it is ``>= pass_mark``.
        columns : mapping, optional
            Our column names to the data's, e.g. ``{"user_id": "student"}``.
        pass_mark : float, default 0.5
            For Evidence: the score at or above which an answer is right.

        Returns
        -------
        p_correct : ndarray of float64, shape (n_rows,)
            P(right answer) given the learner's earlier answers on the skill.
        p_mastery : ndarray of float64, shape (n_rows,)
            P(known) after conditioning on the answer (before the learning
            transition). Both follow the input row order.
        """
        responses, seq, p_correct, filtered, _ = self._forward(data, columns, pass_mark)
        out_correct = np.empty(responses.n_rows)
        out_mastery = np.empty(responses.n_rows)
        out_correct[seq.rows] = p_correct
        out_mastery[seq.rows] = filtered
        return out_correct, out_mastery

    def evaluate(
        self,
        data: Any,
        *,
        metrics: Sequence[str] = METRICS,
        columns: Mapping[str, str] | None = None,
        pass_mark: float = 0.5,
    ) -> dict[str, float]:
        """Score next-answer predictions: AUC, RMSE, accuracy (at 0.5) and log loss.

        ``data``, ``columns`` and ``pass_mark`` are as for :meth:`predict`;
        ``metrics`` holds some of ``"auc"``, ``"rmse"``, ``"accuracy"`` and
        ``"log_loss"``.

        Examples
        --------
        >>> import personalise as pl
        >>> model = pl.BKTModel(pl.BKTParams(["a"], prior=0.5, learn=0.2, guess=0.2, slip=0.1, forget=0))
        >>> data = {"user_id": [1, 1, 2, 2], "skill_name": ["a"] * 4, "correct": [1, 1, 0, 0]}
        >>> scores = model.evaluate(data, metrics=("accuracy", "auc"))
        >>> scores["accuracy"], scores["auc"]
        (0.75, 0.875)
        """
        wanted = _check_metrics(metrics)
        data = responses_of(data, pass_mark, columns)
        responses = read_responses(data, columns=columns, skill_ids=self.params.skill_ids)
        if responses.n_rows == 0:
            raise EvidenceError("cannot evaluate on response data with no rows", value=0)
        p_correct, _ = self.predict(data, columns=columns)
        return {name: _METRIC_FUNCTIONS[name](responses.correct, p_correct) for name in wanted}

    def current_mastery(
        self,
        data: Any,
        *,
        columns: Mapping[str, str] | None = None,
        learners: Sequence[Hashable] | None = None,
        pass_mark: float = 0.5,
    ) -> tuple[tuple[Hashable, ...], Float]:
        """Each learner's P(known) at their next opportunity on every skill.

        Skills a learner has not answered keep the prior. Feed the matrix to
        :func:`~personalise.recommend_next` (with a graph whose skills are the
        parameters' skills, in the same order).

        Parameters
        ----------
        data : DataFrame, mapping of column name to array, or Evidence
            The answers so far (see :func:`fit_bkt`). For Evidence,
            :func:`~personalise.estimate_mastery` gives the same values as a
            :class:`~personalise.MasteryTable`.
        columns : mapping, optional
            Column names, as for :func:`fit_bkt`.
        learners : sequence of hashable, optional
            The rows to return, in this order (a class roster, say); learners
            with no answers get the prior. Default: the learners in ``data``.
        pass_mark : float, default 0.5
            For Evidence: the score at or above which an answer is right.

        Returns
        -------
        learner_ids : tuple
            One id per row: ``learners``, or the data's learners in
            first-appearance order.
        mastery : ndarray of float64, shape (n_learners, n_skills)

        Examples
        --------
        >>> import personalise as pl
        >>> model = pl.BKTModel(pl.BKTParams(["a", "b"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0))
        >>> ids, mastery = model.current_mastery({"user_id": ["x"] * 3, "skill_name": ["a"] * 3, "correct": [1, 1, 1]})
        >>> ids, mastery.round(4).tolist()
        (('x',), [[0.9858, 0.3]])
        """
        responses, seq, _, _, final = self._forward(data, columns, pass_mark)
        if learners is None:
            ids, row_of = responses.learner_ids, seq.learner
        else:
            ids = _unique_ids(learners, "learners")
            position = {learner: i for i, learner in enumerate(ids)}
            lookup = np.array([position.get(learner, -1) for learner in responses.learner_ids], dtype=np.intp)
            row_of = lookup[seq.learner] if seq.learner.size else seq.learner
            kept = row_of >= 0
            row_of, seq_skill, final = row_of[kept], seq.skill[kept], final[kept]
        mastery = np.tile(self.params.prior, (len(ids), 1))
        mastery[row_of, seq.skill if learners is None else seq_skill] = final
        return ids, mastery


def forward_responses(params: BKTParams, responses: Responses) -> tuple[Sequences, Float, Float, Float]:
    """The forward pass over validated responses whose skill codes follow ``params.skill_ids``.

    Returns the sequences and, in their layout order, P(correct) before each
    answer, P(known) after it, and P(known) at each sequence's next
    opportunity.
    """
    seq = sequences(responses)
    per_sequence = {name: values[seq.skill][None, :] for name, values in params.as_dict().items()}
    _, final, filtered, p_correct = BK.forward(seq, per_sequence, keep_rows=True)
    assert p_correct is not None
    return seq, p_correct[0], filtered[0], final[0]


# ------------------------------------------------------------------ metrics
def _auc(y: NDArray[np.bool_], p: Float) -> float:
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise EvidenceError("AUC needs both right and wrong answers in the data", value=n_pos)
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(p.size)
    sorted_p = p[order]
    starts = np.r_[0, np.flatnonzero(sorted_p[1:] != sorted_p[:-1]) + 1]
    ends = np.r_[starts[1:], p.size]
    average = (starts + ends + 1) / 2.0  # mid-ranks for ties, 1-based
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _rmse(y: NDArray[np.bool_], p: Float) -> float:
    return float(np.sqrt(np.mean((y - p) ** 2)))


def _accuracy(y: NDArray[np.bool_], p: Float) -> float:
    return float(np.mean((p >= 0.5) == y))


def _log_loss(y: NDArray[np.bool_], p: Float) -> float:
    clipped = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(np.where(y, np.log(clipped), np.log1p(-clipped))))


_METRIC_FUNCTIONS = {"auc": _auc, "rmse": _rmse, "accuracy": _accuracy, "log_loss": _log_loss}


def _check_metrics(metrics: Sequence[str]) -> list[str]:
    """The metrics asked for (one name or a sequence of names), each one of :data:`METRICS`."""
    wanted = list(check_texts((metrics,) if isinstance(metrics, str) else metrics, "metrics"))
    for name in wanted:
        if name not in _METRIC_FUNCTIONS:
            raise InvalidParameterError(f"metrics has unknown metric {name!r}; expected some of {METRICS}", value=name)
    return wanted


def _unique_ids(values: Any, name: str) -> tuple[Hashable, ...]:
    """``values`` as a tuple of ids (see ``check_ids``) in which no id repeats; the error names ``name``."""
    ids = check_ids(values, name)
    refuse_repeats(ids, name)
    return ids
