"""Knowledge tracing on evidence with ids: :func:`estimate_mastery`.

:class:`~personalise.Evidence` rows are applied to a prior in UTC time order
(ties by evidence id), learner by learner and skill by skill, with the same
update as :func:`~personalise.update_mastery`: condition on the answer, then
learn, then forget. A score counts as a right answer when it is at least
``pass_mark``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bkt as BK
from personalise._validation import check_learner_ids, check_sequence, check_threshold
from personalise.content._partitions import Summary, is_dask_frame, open_parts
from personalise.content.bkt_params import BKTParams
from personalise.evidence import Evidence, MasteryTable
from personalise.exceptions import InvalidParameterError, UnknownSkillError

__all__ = ["estimate_mastery", "responses_of"]

IntArray = NDArray[np.intp]


def _positions(ids: NDArray[Any], known: Iterable[Hashable], what: str) -> tuple[IntArray, NDArray[np.bool_]]:
    """Position of each id in ``known`` (-1 where absent) and the absent mask, via one factorisation."""
    index = {key: i for i, key in enumerate(known)}
    uniques, inverse = np.unique(ids, return_inverse=True)
    lookup = np.array([index.get(key, -1) for key in uniques.tolist()], dtype=np.intp)
    positions = lookup[inverse.reshape(-1)] if ids.size else np.zeros(0, dtype=np.intp)
    return positions, positions < 0


def _first_appearance(ids: NDArray[Any]) -> list[Hashable]:
    if not ids.size:
        return []
    uniques, first = np.unique(ids, return_index=True)
    return list(uniques[np.argsort(first, kind="stable")].tolist())


def estimate_mastery(
    params: BKTParams,
    evidence: Any,
    *,
    learner_ids: Iterable[Hashable] | None = None,
    prior: MasteryTable | None = None,
    pass_mark: float = 0.5,
    client: Any = None,
) -> MasteryTable:
    """P(mastery) of every learner and skill after their evidence, by Bayesian Knowledge Tracing.

    Each learner's evidence on each skill is applied in UTC time order, ties
    broken by evidence id, starting from the prior. The result equals
    :func:`~personalise.update_mastery` applied one observation at a time in
    that order, and folding later evidence into an earlier result
    (``prior=``) equals estimating from all of it at once.

    Parameters
    ----------
    params : BKTParams
        Per-skill parameters; the table's columns are ``params.skill_ids``.
    evidence : Evidence, sequence of Evidence, or dask DataFrame
        The observations. A score counts as a right answer when it is
        ``>= pass_mark``. Evidence split in partitions is traced partition
        by partition (see Notes), with each learner's evidence in one
        partition: a list or tuple of Evidence, or a
        ``dask.dataframe.DataFrame`` with the columns of
        :meth:`Evidence.to_frame <personalise.Evidence.to_frame>` (each
        partition read with :meth:`Evidence.from_frame
        <personalise.Evidence.from_frame>`). The result is identical to that
        of the concatenated partitions.
    learner_ids : sequence of str or int, optional
        The rows of the result, in this order (a class roster, say): learners
        without evidence keep the prior, and evidence of learners not listed
        is not used. Default: the prior table's learners, then the other
        learners of the evidence in order of first appearance (for
        partitions: in their concatenation).
    prior : MasteryTable, optional
        Where each learner starts (for example yesterday's result). Learners
        and skills it lacks start at ``params.prior``. Default:
        ``params.prior`` for everyone.
    pass_mark : float, default 0.5
        The score at or above which an observation counts as correct, in (0, 1].
    client : dask.distributed.Client, optional
        Trace the partitions on this cluster (the ``dask`` extra); one
        Evidence then counts as one partition. Default: a dask DataFrame is
        computed on the current client if there is one, else by dask's
        default scheduler here; a sequence of Evidence is traced here.

    Returns
    -------
    MasteryTable
        P(known) at each learner's next opportunity on each skill.

    Raises
    ------
    InvalidParameterError
        If ``params`` is not BKTParams, ``evidence`` not Evidence (or a
        sequence holds something else: the message names its position),
        ``prior`` not a MasteryTable, ``learner_ids`` repeats an id,
        ``pass_mark`` is outside (0, 1], or ``client`` is not a
        ``dask.distributed.Client``.
    UnknownSkillError
        If the evidence (or the prior) has a skill ``params`` lacks; the
        message names the skill and the first row (and its partition).
    EvidenceError
        If a learner has evidence in two Evidence partitions, or a partition
        of a dask DataFrame is not valid evidence.

    See Also
    --------
    update_mastery, fit_bkt, Evidence

    Notes
    -----
    One sort of the evidence by (time, evidence id), then the vectorised
    update of :func:`~personalise.update_mastery`: round ``r`` applies the
    ``r``-th observation of every (learner, skill) pair at once, so the work is
    O(n log n) for the sort and O(n) for the updates.

    Partitioned evidence: each partition is read and checked where it lives
    (a dask worker, or here) and sends back its learner ids; the starting
    values of each partition's learners (from ``prior``) go to it, and their
    final values, one row per learner, come back and are put in place here.
    Each learner is traced by one partition, so the values are those of the
    single-process call, bit for bit. A dask DataFrame in which a learner
    spans partitions is shuffled by ``learner_id`` first (order within a
    learner comes from the timestamps and evidence ids, not from the rows).

    Examples
    --------
    >>> import personalise as pl
    >>> params = pl.BKTParams(["add", "count"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    >>> ev = pl.Evidence(["ann"] * 3 + ["bo"], ["add"] * 3 + ["count"], [1, 1, 0.8, 0.2],
    ...                  ["2026-09-01T09:00Z", "2026-09-02T09:00Z", "2026-09-03T09:00Z", "2026-09-01T09:00Z"],
    ...                  ["q1", "q2", "q3", "q4"])
    >>> table = pl.estimate_mastery(params, ev)
    >>> table.learner_ids, table.values.round(4).tolist()
    (('ann', 'bo'), [[0.9858, 0.3], [0.3, 0.1932]])
    >>> pl.estimate_mastery(params, ev, learner_ids=["cy", "bo"]).values.round(4).tolist()
    [[0.3, 0.3], [0.3, 0.1932]]

    The same evidence in two partitions, one per learner:

    >>> parts = [ev.select(learner_ids=["ann"]), ev.select(learner_ids=["bo"])]
    >>> pl.estimate_mastery(params, parts) == table
    True
    """
    if not isinstance(params, BKTParams):
        raise InvalidParameterError(f"params must be BKTParams; got {type(params).__name__}", value=params)
    if not isinstance(evidence, (Evidence, list, tuple)) and not is_dask_frame(evidence):
        raise InvalidParameterError(
            "evidence must be an Evidence (see read_xapi, read_oneroster, read_marks), a sequence of Evidence or "
            f"a dask DataFrame; got {type(evidence).__name__}",
            value=evidence,
        )
    if prior is not None and not isinstance(prior, MasteryTable):
        raise InvalidParameterError(f"prior must be a MasteryTable or None; got {type(prior).__name__}", value=prior)
    mark = check_threshold(pass_mark, "pass_mark")
    parts = open_parts(
        evidence,
        client=client,
        read=_read_evidence,
        options={"skill_ids": params.skill_ids},
        summarise=_summarise,
        learner_column="learner_id",
        required_columns=("evidence_id", "learner_id", "skill_id", "score", "timestamp"),
        what="evidence",
    )
    if parts is None:
        assert isinstance(evidence, Evidence)
        columns = _skill_columns(evidence, params.skill_ids)
        seen = _first_appearance(evidence.learner_ids) if learner_ids is None else []
        ids = _learner_rows(learner_ids, prior, seen)
        values = _start(params, ids, prior)
        _trace(values, ids, evidence, columns, evidence.passed(mark), params)
        return MasteryTable(ids, params.skill_ids, values)
    ids = _learner_rows(learner_ids, prior, parts.learner_order)
    values = _start(params, ids, prior)
    row_of = {learner: i for i, learner in enumerate(ids)}
    handles, rows = [], []
    for handle, summary in zip(parts.handles, parts.summaries, strict=True):
        listed = np.array([row_of[learner] for learner in summary.learner_ids if learner in row_of], dtype=np.intp)
        if listed.size:  # a partition none of whose learners is listed has nothing to trace
            handles.append(handle)
            rows.append(listed)
    traced = parts.gather(
        parts.runner.map(
            _trace_part, handles, [values[r] for r in rows], [[ids[i] for i in r.tolist()] for r in rows],
            params=params, pass_mark=mark,
        )
    )
    for r, block in zip(rows, traced, strict=True):
        values[r] = block
    return MasteryTable(ids, params.skill_ids, values)


def _skill_columns(evidence: Evidence, skill_ids: tuple[Hashable, ...]) -> IntArray:
    """The column of each row's skill; a skill ``params`` lacks is an UnknownSkillError naming the first row."""
    columns, unknown = _positions(evidence.skill_ids, skill_ids, "skill")
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        skill = evidence.skill_ids[row].item()
        raise UnknownSkillError(f"evidence names skill {skill!r} in row {row}, which params does not have",
                                value=skill)
    return columns


def _learner_rows(
    learner_ids: Iterable[Hashable] | None, prior: MasteryTable | None, seen: Iterable[Hashable]
) -> list[Hashable]:
    """The result's learners: ``learner_ids``, else the prior's then the others ``seen`` in the evidence."""
    if learner_ids is not None:
        listed = check_sequence(learner_ids, "learner_ids") or []
        return check_learner_ids(listed, len(listed))
    ids = list(prior.learner_ids) if prior is not None else []
    known = set(ids)
    return ids + [learner for learner in seen if learner not in known]


def _start(params: BKTParams, ids: list[Hashable], prior: MasteryTable | None) -> NDArray[np.float64]:
    """Where each learner of ``ids`` starts: their row of ``prior`` where it has the skill, else ``params.prior``."""
    values = np.tile(params.prior, (len(ids), 1))
    if prior is not None:
        start = prior.align(params.skill_ids, missing=0.0)  # raises UnknownSkillError for a foreign skill
        have = set(prior.skill_ids)
        present = np.array([skill in have for skill in params.skill_ids], dtype=bool)
        rows = {learner: i for i, learner in enumerate(prior.learner_ids)}
        for i, learner in enumerate(ids):
            if learner in rows:
                values[i, present] = start.values[rows[learner], present]
    return values


def _trace(
    values: NDArray[np.float64],
    ids: list[Hashable],
    evidence: Evidence,
    columns: IntArray,
    passed: NDArray[np.bool_],
    params: BKTParams,
) -> None:
    """Apply the evidence of the learners ``ids`` (the rows of ``values``) in time order, in place."""
    rows_of, absent = _positions(evidence.learner_ids, ids, "learner")
    order = evidence.order()
    order = order[~absent[order]]
    BK.update_events(values, rows_of[order], columns[order], passed[order], params.as_dict())


# ------------------------------------------ the work of one partition (picklable, run where it lives)
def _read_evidence(part: Any, *, skill_ids: tuple[Hashable, ...]) -> Evidence:
    """One partition as Evidence (a pandas partition of a dask DataFrame is read), its skills checked."""
    evidence = part if isinstance(part, Evidence) else Evidence.from_frame(part)
    _skill_columns(evidence, skill_ids)
    return evidence


def _summarise(evidence: Evidence) -> Summary:
    learners = _first_appearance(evidence.learner_ids)
    codes, _ = _positions(evidence.learner_ids, learners, "learner")
    return Summary(tuple(learners), np.bincount(codes, minlength=len(learners)).astype(np.intp), ())


def _trace_part(
    evidence: Evidence, start: NDArray[np.float64], ids: list[Hashable], *, params: BKTParams, pass_mark: float
) -> NDArray[np.float64]:
    """The values of the learners ``ids`` after this partition's evidence, from ``start`` (one row each)."""
    values = np.array(start, dtype=np.float64)
    _trace(values, ids, evidence, _skill_columns(evidence, params.skill_ids), evidence.passed(pass_mark), params)
    return values


def responses_of(data: Any, pass_mark: float, columns: Mapping[str, str] | None) -> Any:
    """Response data for the BKT functions: ``data`` itself, or an Evidence as pyBKT-style columns.

    An Evidence becomes ``user_id``, ``skill_name``, ``correct`` (score at or
    above ``pass_mark``) and ``order_id`` (the rank in time order, ties by
    evidence id), in the Evidence's row order.
    """
    if not isinstance(data, Evidence):
        return data
    if columns is not None:
        raise InvalidParameterError("columns= applies to tables, not to Evidence (its columns are fixed)",
                                    value=columns)
    order = data.order()
    rank = np.empty(len(data), dtype=np.int64)
    rank[order] = np.arange(len(data), dtype=np.int64)
    return {
        "user_id": data.learner_ids,
        "skill_name": data.skill_ids,
        "correct": data.passed(check_threshold(pass_mark, "pass_mark")),
        "order_id": rank,
    }
