"""Outer fringe, inner fringe and ranked next steps for whole cohorts.

With a prerequisite DAG the feasible knowledge states of Knowledge Space
Theory are the down-sets of the graph, so

* the **outer fringe** (ALEKS "ready to learn") of a learner is the set of
  unmastered skills whose direct prerequisites are all mastered, and
* the **inner fringe** is the set of mastered skills none of whose direct
  successors is mastered (what may have been learned last: what to review
  first when a learner struggles).

A skill counts as mastered when its mastery is at or above ``threshold``,
compared in the dtype of the mastery array (a float32 array is compared with
``float32(threshold)``).

All three functions process learners in blocks of ``personalise.content.BLOCK_ROWS``
(8,192) rows, and each block in slices of 512 rows that are range-checked,
thresholded and packed while they are in cache. Mastered flags are packed into
bits, 64 learners per uint64 word, so the working memory is bounded whatever
the size of the cohort: about ``BLOCK_ROWS * (n_edges + 6 * n_skills) / 8``
bytes (7 MB for 1,000 skills and 3,000 edges), plus the result (about
``50 * k`` bytes per learner for :func:`recommend_next`, ``n_skills`` bytes per
learner for the boolean matrices). The mastery array itself is never copied,
upcast or written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bitsets as K
from personalise._validation import (
    check_int,
    check_mastery,
    check_probability_block,
    check_threshold,
    learner_ids_of,
)
from personalise.content import ranking as R
from personalise.content.bkt_params import BKTParams
from personalise.content.recommendations import Recommendations
from personalise.exceptions import InvalidParameterError, UnknownLearnerError
from personalise.graph import CompiledGraph

__all__ = ["BLOCK_ROWS", "Recommendations", "inner_fringe", "readiness", "recommend_next"]

#: An empty array: Recommendations then uses its documented default (NaN).
_NOT_GIVEN = np.empty(0)

#: Learners processed per block (a multiple of 64). Extra memory scales with it.
BLOCK_ROWS = 8192

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


# --------------------------------------------------------------------- blocks
#: Rows checked and thresholded at a time inside a block, so that the range
#: check and the comparison read the same rows while they are in cache.
_CHECK_ROWS = 512


def _permute_csr(indptr: IntArray, indices: IntArray, row_order: IntArray) -> tuple[IntArray, IntArray]:
    """The CSR rows ``row_order[0], row_order[1], ...`` as a new CSR matrix."""
    counts = np.diff(indptr)[row_order]
    new_indptr = np.zeros(row_order.size + 1, dtype=np.intp)
    np.cumsum(counts, out=new_indptr[1:])
    offsets = np.arange(new_indptr[-1], dtype=np.intp) - np.repeat(new_indptr[:-1], counts)
    return new_indptr, indices[np.repeat(indptr[row_order], counts) + offsets]


@attrs.frozen
class _Layout:
    """Per-graph constants of the bit layout (see :mod:`personalise._kernels.bitsets`).

    Columns ``n_skills`` and ``n_skills + 1`` are padding that is always
    mastered (``one``) and never mastered (``zero``). Every column gets at
    least one prerequisite and one successor: skills without prerequisites
    depend on ``one``, skills without successors unlock ``zero``, and padding
    columns depend on themselves, so no reduction is ever empty and padding is
    never ready and never in the inner fringe.
    """

    n_skills: int
    n_cols: int
    width: int
    tail: K.U64
    position: IntArray
    pred_starts: IntArray
    pred_positions: IntArray
    succ_starts: IntArray
    succ_positions: IntArray


def _layout(graph: CompiledGraph) -> _Layout:
    n = graph.n_skills
    n_cols = K.round_up(n + 2, 64)
    width = K.round_up(n, 8)
    one, zero = n, n + 1
    position = K.positions(n_cols)
    # Octet words of the columns past ``width``: byte i of word c is 0xFF (all eight
    # learners) when column width + 8c + i is the always-mastered column.
    tail_words = np.zeros((n_cols - width) // 8, dtype=np.uint64)
    if one >= width:
        tail_words.view(np.uint8)[one - width] = 0xFF

    def extended(indptr: IntArray, indices: IntArray, fallback: int, pad: int | None) -> tuple[IntArray, IntArray]:
        counts = np.diff(indptr)
        lists_ptr = np.zeros(n_cols + 1, dtype=np.intp)
        full_counts = np.ones(n_cols, dtype=np.intp)
        full_counts[:n] = np.maximum(counts, 1)
        np.cumsum(full_counts, out=lists_ptr[1:])
        values = np.empty(lists_ptr[-1], dtype=np.intp)
        real = np.repeat(np.arange(n), counts)
        offsets = np.arange(indices.size) - np.repeat(indptr[:-1], counts)
        values[lists_ptr[real] + offsets] = indices
        empty = np.flatnonzero(counts == 0)
        values[lists_ptr[empty]] = fallback
        pads = np.arange(n, n_cols)
        values[lists_ptr[pads]] = pads if pad is None else pad
        ptr, vals = _permute_csr(lists_ptr, values, np.argsort(position))
        return ptr[:-1], position[vals]

    pred_starts, pred_positions = extended(graph.pred_indptr, graph.pred_indices, one, None)
    succ_starts, succ_positions = extended(graph.succ_indptr, graph.succ_indices, zero, one)
    return _Layout(n, n_cols, width, tail_words, position, pred_starts, pred_positions, succ_starts, succ_positions)


FlagMaker = Callable[[NDArray[Any], BoolArray], None]


def _mastered_columns(
    mastery: NDArray[Any], threshold: float, layout: _Layout, extra: FlagMaker | None = None
) -> Iterator[tuple[int, int, K.U64, K.U64 | None]]:
    """Yield ``(start, stop, mastered column words, extra column words)`` per block of learners.

    Each block is checked, thresholded and packed :data:`_CHECK_ROWS` rows at a
    time, so the rows stay in cache between the passes. ``extra`` fills a
    second flag matrix (``out[:rows, :n_skills]``) from the same rows; it is
    packed the same way (None when not given). The column words are views of
    buffers that the next block reuses.
    """
    n_learners, n_skills = mastery.shape
    limit = mastery.dtype.type(threshold)
    sub_rows = min(_CHECK_ROWS, BLOCK_ROWS, K.round_up(n_learners, 64))
    block_rows = min(BLOCK_ROWS, K.round_up(n_learners, 64))
    n_sets = 1 if extra is None else 2
    flags = np.zeros((n_sets, sub_rows, layout.width), dtype=bool)
    if n_skills < layout.width:
        flags[:, :, n_skills] = True  # the always-mastered padding column
    octets = np.empty((n_sets, block_rows // 8, layout.n_cols // 8), dtype=np.uint64)
    makers: list[FlagMaker] = [lambda part, out: K.threshold_into(part, limit, out)]
    if extra is not None:
        makers.append(extra)
    n_words = layout.width // 8
    for start in range(0, n_learners, BLOCK_ROWS):
        block = mastery[start : start + BLOCK_ROWS]
        n_block = block.shape[0]
        padded = K.round_up(n_block, 64)
        for sub in range(0, padded, sub_rows):
            part = block[sub : sub + sub_rows]
            n_part = part.shape[0]
            check_probability_block(part, start + sub)
            for index, make in enumerate(makers):
                make(part, flags[index])
                if n_part < sub_rows:
                    flags[index, n_part:, :n_skills] = False
                rows = min(sub_rows, padded - sub)  # the last slice of a block may be shorter
                K.flags_to_octets(flags[index, :rows], octets[index, sub // 8 : (sub + rows) // 8, :n_words])
        columns = []
        for index in range(n_sets):
            block_octets = octets[index, : padded // 8]
            block_octets[:, n_words:] = layout.tail
            columns.append(K.octets_to_columns(block_octets))
        yield start, start + n_block, columns[0], (columns[1] if extra is not None else None)


def _ready_columns(mastered: K.U64, layout: _Layout) -> K.U64:
    ready = K.and_reduce(mastered, layout.pred_starts, layout.pred_positions)
    ready &= ~mastered
    return ready


def _inner_columns(mastered: K.U64, layout: _Layout) -> K.U64:
    return mastered & ~K.or_reduce(mastered, layout.succ_starts, layout.succ_positions)


def _flag_matrix(
    graph: CompiledGraph,
    mastery: Any,
    threshold: object,
    select: Callable[[K.U64, _Layout], K.U64],
    missing: float | None = None,
) -> BoolArray:
    """The (n_learners, n_skills) bool matrix of the column words that ``select`` derives."""
    array, limit, layout = _prepare(graph, mastery, threshold, missing)
    out = np.zeros(array.shape, dtype=bool)
    gather = _gather_order(layout, np.arange(layout.n_skills, dtype=np.intp))
    for start, stop, mastered, _ in _mastered_columns(array, limit, layout):
        chosen = np.take(select(mastered, layout), gather, axis=1)
        out[start:stop] = K.columns_to_flags(chosen)[: stop - start, : layout.n_skills]
    return out


def _gather_order(layout: _Layout, order: IntArray, n_sets: int = 1) -> IntArray:
    """Column-word positions that lay out ``n_sets`` stacked candidate sets, each in ``order``.

    The candidate sets are stacked side by side (set ``i`` at columns
    ``i * n_cols`` onwards). Each set's copy of ``order`` is padded to whole
    words with the never-ready column ``n_skills + 1``, so order position
    ``P`` is set ``P // width`` and skill ``order[P % width]``, where
    ``width`` is the padded length. The result feeds :func:`K.columns_to_rows`
    or :func:`K.columns_to_flags`.
    """
    width = K.round_up(max(order.size, 1), 64)
    padded = np.full(width, layout.n_skills + 1, dtype=np.intp)
    padded[: order.size] = order
    source = (np.arange(n_sets)[:, None] * layout.n_cols + layout.position[padded][None, :]).reshape(-1)
    gather = np.empty(n_sets * width, dtype=np.intp)
    gather[K.positions(n_sets * width)] = source
    return gather


def _prepare(
    graph: CompiledGraph, mastery: Any, threshold: object, missing: float | None = None
) -> tuple[NDArray[Any], float, _Layout]:
    if not isinstance(graph, CompiledGraph):
        raise InvalidParameterError(
            f"compiled must be a CompiledGraph (see compile_graph); got {type(graph).__name__}", value=graph
        )
    limit = check_threshold(threshold)
    array = check_mastery(mastery, graph.n_skills, graph.skill_ids, missing=missing)
    return array, limit, _layout(graph)


def readiness(
    compiled: CompiledGraph, mastery: Any, *, threshold: float = 0.95, missing: float | None = None
) -> BoolArray:
    """Which skills each learner is ready to learn next (the outer fringe).

    A skill is ready for a learner when its mastery is below ``threshold``
    and every direct prerequisite is at or above ``threshold``.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_learners, n_skills), or MasteryTable
        P(mastery) per learner and skill, in [0, 1], columns in
        ``compiled.skill_ids`` order. float32 and float64 are read as given. A
        :class:`~personalise.MasteryTable` (or a pandas DataFrame) with the
        skill ids as columns, in any order, is matched to the graph by id; the
        result's rows follow the table's ``learner_ids``.
    threshold : float, default 0.95
        Mastery threshold in (0, 1] (Corbett and Anderson's convention).
    missing : float in [0, 1], optional
        For a MasteryTable: the P(mastery) to assume for a graph skill the
        table has no column for (by default that is a ``ShapeError``).

    Returns
    -------
    ndarray of bool, shape (n_learners, n_skills)

    Raises
    ------
    ShapeError
        If ``mastery`` is not 2-D with one column per skill, or a table lacks a
        graph skill and ``missing`` is None.
    UnknownSkillError
        If a table has a column for a skill the graph lacks.
    InvalidParameterError
        If a value is NaN or outside [0, 1] (the message names the first
        position) or ``threshold`` is outside (0, 1].

    See Also
    --------
    inner_fringe, recommend_next

    Notes
    -----
    O(n_learners * (n_skills + n_edges) / 64) word operations after one
    threshold pass over ``mastery``.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply")])
    >>> pl.readiness(g, np.array([[1.0, 0.2, 0.0], [0.99, 0.96, 0.5]]))
    array([[False,  True, False],
           [False, False,  True]])
    """
    return _flag_matrix(compiled, mastery, threshold, _ready_columns, missing)


def inner_fringe(
    compiled: CompiledGraph, mastery: Any, *, threshold: float = 0.95, missing: float | None = None
) -> BoolArray:
    """Mastered skills none of whose direct successors is mastered (the inner fringe).

    These are the skills a learner may have learned last: the first ones to
    review when the learner struggles with something new.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_learners, n_skills), or MasteryTable
        P(mastery) per learner and skill in [0, 1] (see :func:`readiness`).
    threshold : float, default 0.95
        Mastery threshold in (0, 1].
    missing : float in [0, 1], optional
        For a MasteryTable lacking some graph skills (see :func:`readiness`).

    Returns
    -------
    ndarray of bool, shape (n_learners, n_skills)

    Raises
    ------
    ShapeError, UnknownSkillError, InvalidParameterError
        As for :func:`readiness`.

    See Also
    --------
    readiness

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply")])
    >>> pl.inner_fringe(g, np.array([[1.0, 0.97, 0.0], [0.5, 0.0, 0.0]]))
    array([[False,  True, False],
           [False, False, False]])
    """
    return _flag_matrix(compiled, mastery, threshold, _inner_columns, missing)


# ---------------------------------------------------------------------- goals
def _goal_keys(graph: CompiledGraph, goals: Any, n_learners: int) -> tuple[list[frozenset[int]], IntArray]:
    """Resolve ``goals`` to distinct goal sets and, per learner, an index into them (-1: none)."""

    def resolve(spec: Any) -> frozenset[int] | None:
        if spec is None:
            return None
        if isinstance(spec, (set, frozenset)):
            if not spec:
                raise InvalidParameterError("a goal set must not be empty", value=spec)
            return frozenset(graph.index_of(s) for s in spec)
        return frozenset((graph.index_of(spec),))

    if goals is None:
        return [], np.full(n_learners, -1, dtype=np.intp)
    per_learner = isinstance(goals, (list, tuple, np.ndarray))
    specs = list(goals) if per_learner else [goals]
    if per_learner and len(specs) != n_learners:
        raise InvalidParameterError(
            f"per-learner goals must have one entry per learner ({n_learners}); got {len(specs)}",
            value=len(specs),
        )
    keys: dict[frozenset[int], int] = {}
    codes = []
    for spec in specs:
        key = resolve(spec)
        codes.append(-1 if key is None else keys.setdefault(key, len(keys)))
    if per_learner:
        return list(keys), np.array(codes, dtype=np.intp).reshape(-1)
    return list(keys), np.full(n_learners, codes[0], dtype=np.intp)


def _steps_to(graph: CompiledGraph, goal: frozenset[int]) -> IntArray:
    """Fewest prerequisite steps from each skill to the nearest goal (-1: does not lead there)."""
    steps = np.full(graph.n_skills, -1, dtype=np.intp)
    frontier = sorted(goal)
    steps[frontier] = 0
    ptr, idx = graph.pred_indptr, graph.pred_indices
    distance = 0
    while frontier:
        distance += 1
        nxt: list[int] = []
        for v in frontier:
            for u in idx[ptr[v] : ptr[v + 1]].tolist():
                if steps[u] < 0:
                    steps[u] = distance
                    nxt.append(u)
        frontier = nxt
    return steps


# ------------------------------------------------------------ recommendations
def recommend_next(
    compiled: CompiledGraph,
    mastery: Any,
    *,
    k: int = 3,
    threshold: float = 0.95,
    goals: Any = None,
    params: BKTParams | None = None,
    target_success: tuple[float, float] = (0.70, 0.85),
    elapsed_days: Any = None,
    half_life_days: Any = None,
    recall_threshold: float = 0.9,
    max_reviews: int = 1,
    missing: float | None = None,
) -> Recommendations:
    """Rank the ready skills of every learner and return the top ``k``.

    Only ready skills are recommended as new learning (see :func:`readiness`).
    Without goals, they rank by how many later skills they unlock
    (``compiled.n_descendants``, the score), ties broken by lower column
    index. With goals, only ready skills that lead to a goal (the goal itself
    or one of its prerequisites, directly or not) are recommended, nearest
    first: the score is minus the number of prerequisite steps to the nearest
    goal, ties broken by descendants and then column index.

    Two optional terms use a learner model (see :mod:`personalise.content.ranking`):

    * with ``params``, ready skills whose predicted success
      ``guess + mastery * (1 - slip - guess)`` lies inside ``target_success``
      come before the other ready skills (each group in the order above);
    * with ``elapsed_days``, up to ``max_reviews`` mastered skills whose
      recall ``2 ** (-elapsed_days / half_life_days)`` has fallen below
      ``recall_threshold`` come first, most decayed first (a short review
      before new material); their score is 1 - recall.

    ``Recommendations.terms`` says which term put each skill in its place.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_learners, n_skills), or MasteryTable
        P(mastery) per learner and skill in [0, 1] (see :func:`readiness`). A
        :class:`~personalise.MasteryTable` is matched to the graph by skill id,
        and its learner ids travel with the result
        (``Recommendations.learner_ids``).
    k : int, default 3
        Recommendations per learner (>= 1). Rows with fewer ready skills are
        padded with -1.
    threshold : float, default 0.95
        Mastery threshold in (0, 1].
    goals : skill id, set of skill ids, or sequence, optional
        A skill id or a ``set``/``frozenset`` of skill ids shared by every
        learner, or a list, tuple or array with one entry per learner, each a
        skill id, a set of skill ids, or None (no goal for that learner). With
        a MasteryTable, also a mapping of learner id to such an entry
        (learners not in it have no goal).
    params : BKTParams, optional
        Learner-model parameters for the graph's skills (any order), used to
        predict success on each ready skill.
    target_success : (float, float), default (0.70, 0.85)
        The band of predicted success that counts as desirable difficulty.
    elapsed_days : array_like, shape (n_learners, n_skills), optional
        Days since each skill was last practised (NaN: unknown, never
        reviewed). Turns on review of prior learning.
    half_life_days : float or array_like, optional
        Recall half-life in days: one number, one per skill, or one per
        learner and skill. Required with ``elapsed_days``.
    recall_threshold : float, default 0.9
        A mastered skill is due for review when its recall falls below this.
    max_reviews : int, default 1
        Review items per learner and call (the daily cap); 0 turns review off.
    missing : float in [0, 1], optional
        For a MasteryTable lacking some graph skills (see :func:`readiness`).

    Returns
    -------
    Recommendations
        ``.indices`` (n_learners, k) intp padded with -1, ``.scores``,
        ``.reasons`` and conversions to records and data frames.

    Raises
    ------
    ShapeError
        If ``mastery`` is not 2-D with one column per skill.
    InvalidParameterError
        On NaN or out-of-range mastery, ``threshold`` outside (0, 1], ``k``
        not an integer >= 1, or per-learner goals of the wrong length.
    UnknownSkillError
        If a goal is not a skill of the graph, ``params`` lacks a skill, or a
        table has a skill the graph lacks.
    UnknownLearnerError
        If ``goals`` maps a learner the table does not have.

    See Also
    --------
    readiness, inner_fringe, fit_bkt

    Notes
    -----
    Learners are processed in blocks of ``personalise.content.BLOCK_ROWS``; within a block
    mastered flags are packed 64 learners to a word, prerequisites are
    checked with one gather and AND-reduction per block, and the top ``k``
    are read off as the first set bits of each learner's ready set laid out in
    ranking order (no row is sorted). Each distinct goal adds one pass over
    the skills that lead to it. The mastery array is never copied or written.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare")])
    >>> mastery = np.array([[0.99, 0.10, 0.00, 0.20],
    ...                     [0.99, 0.99, 0.30, 0.99]])
    >>> recs = pl.recommend_next(g, mastery, k=2)
    >>> g.skill_ids
    ('count', 'add', 'compare', 'multiply')
    >>> recs.indices
    array([[ 1,  2],
           [ 2, -1]])
    >>> recs.reasons[0][0]
    "ready: 1 prerequisite mastered ('count'); unlocks 1 later skill"
    >>> pl.recommend_next(g, mastery, k=2, goals="multiply").skills()
    (('add',), ())
    """
    array, limit, layout = _prepare(compiled, mastery, threshold, missing)
    k = check_int(k, "k", minimum=1)
    n_learners, n_skills = array.shape
    learner_ids = learner_ids_of(mastery)
    if isinstance(goals, Mapping):
        goals = _goals_by_learner(goals, learner_ids)
    band = R.check_success_band(compiled, params, target_success)
    review = R.check_review(elapsed_days, half_life_days, recall_threshold, max_reviews, array.shape)
    goal_sets, goal_index = _goal_keys(compiled, goals, n_learners)
    descendants = compiled.n_descendants
    base_order = np.lexsort((np.arange(n_skills), -descendants)).astype(np.intp)
    plans: list[tuple[int, IntArray]] = []  # (goal code, ranking order)
    if np.any(goal_index < 0):
        plans.append((-1, base_order))
    steps_table = np.full((len(goal_sets), n_skills), -1, dtype=np.intp)
    for code, goal in enumerate(goal_sets):
        steps_table[code] = steps = _steps_to(compiled, goal)
        eligible = base_order[steps[base_order] >= 0]
        order = eligible[np.argsort(steps[eligible], kind="stable")]
        plans.append((code, order))

    n_sets = 1 if band is None else 2  # candidate sets in priority: [in band, outside band]
    # order position P -> skill: lookup[P % width]; -1 (padding) reads the appended -1.
    gathers = []
    for code, order in plans:
        width = K.round_up(max(order.size, 1), 64)
        lookup = np.full(width + 1, -1, dtype=np.intp)
        lookup[: order.size] = order
        gathers.append((code, lookup, width, _gather_order(layout, order, n_sets)))
    indices = np.full((n_learners, k), -1, dtype=np.intp)
    terms = np.full((n_learners, k), R.UNLOCKS, dtype=np.int8)
    recall = np.full((n_learners, k), np.nan) if review is not None else None
    extra = None if band is None else band.fill_flags
    for start, stop, mastered, in_band in _mastered_columns(array, limit, layout, extra):
        ready = _ready_columns(mastered, layout)
        candidates = ready if in_band is None else np.concatenate([ready & in_band, ready & ~in_band], axis=1)
        block_goals = goal_index[start:stop]
        for code, lookup, width, gather in gathers:
            rows = K.columns_to_rows(np.take(candidates, gather, axis=1))
            members = np.arange(stop - start) if len(gathers) == 1 else np.flatnonzero(block_goals == code)
            if not members.size:
                continue
            positions = K.first_set_bits(rows[members] if len(gathers) > 1 else rows[: stop - start], k)
            chosen = lookup.take(np.where(positions >= 0, positions % width, width))
            if band is not None:
                terms[start + members] = np.where(positions < width, R.IN_BAND, R.OUT_OF_BAND)
            elif code >= 0:
                terms[start + members] = R.GOAL
            indices[start + members] = chosen
        if review is not None and review.max_reviews:
            due, due_recall = review.choose(array[start:stop] >= array.dtype.type(limit), start, stop)
            assert recall is not None
            _put_reviews_first(indices[start:stop], terms[start:stop], recall[start:stop], due, due_recall)

    valid = indices >= 0
    is_review = terms == R.REVIEW
    new = valid & ~is_review
    # Padding (-1) reads the extra last entry: NaN scores, -1 steps; empty graphs work too.
    scores = np.append(descendants.astype(np.float64), np.nan).take(indices)
    steps_to_goal = np.full((n_learners, k), -1, dtype=np.intp)
    if goal_sets:
        has_goal = (goal_index >= 0)[:, None] & new
        table = np.pad(steps_table, ((0, 0), (0, 1)), constant_values=-1)
        steps_to_goal = np.where(has_goal, table[np.maximum(goal_index, 0)[:, None], indices], -1)
        scores = np.where(has_goal, -steps_to_goal.astype(np.float64), scores)
    if recall is not None:
        scores = np.where(is_review, 1.0 - recall, scores)
    terms[~valid] = R.UNLOCKS
    predicted = None
    if band is not None:
        predicted = np.full((n_learners, k), np.nan)
        rows_index = np.nonzero(valid)
        skills = indices[rows_index]
        predicted[rows_index] = band.guess[skills] + array[rows_index[0], skills] * band.rise[skills]
    return Recommendations(
        graph=compiled,
        indices=indices,
        scores=scores,
        steps_to_goal=steps_to_goal,
        goal_index=goal_index,
        goal_sets=[tuple(compiled.skill_ids[j] for j in sorted(g)) for g in goal_sets],
        threshold=limit,
        terms=terms,
        predicted_success=predicted if predicted is not None else _NOT_GIVEN,
        recall=recall if recall is not None else _NOT_GIVEN,
        target_success=None if band is None else (band.low, band.high),
        learner_ids=learner_ids,
    )


def _goals_by_learner(goals: Mapping[Any, Any], learner_ids: tuple[Any, ...] | None) -> list[Any]:
    """A mapping of learner id to goal as the per-learner goal list of a table's rows."""
    if learner_ids is None:
        raise InvalidParameterError(
            "goals can map learner ids to goals only when mastery is a MasteryTable (an array has no learner ids)",
            value=goals,
        )
    known = set(learner_ids)
    for learner in goals:
        if learner not in known:
            raise UnknownLearnerError(f"goals names learner {learner!r}, who is not in the mastery table",
                                      value=learner)
    return [goals.get(learner) for learner in learner_ids]


def _put_reviews_first(
    indices: IntArray, terms: NDArray[np.int8], recall: NDArray[np.float64], due: IntArray, due_recall: NDArray[np.float64]
) -> None:
    """In place: each row becomes its due reviews, then its new skills, cut to ``k``."""
    n, k = indices.shape
    merged = np.concatenate([due, indices], axis=1)
    merged_terms = np.concatenate([np.full(due.shape, R.REVIEW, dtype=np.int8), terms], axis=1)
    merged_recall = np.concatenate([due_recall, np.full(indices.shape, np.nan)], axis=1)
    keep = np.argsort(merged < 0, axis=1, kind="stable")[:, :k]  # valid entries first, order kept
    indices[...] = np.take_along_axis(merged, keep, axis=1)
    terms[...] = np.take_along_axis(merged_terms, keep, axis=1)
    recall[...] = np.take_along_axis(merged_recall, keep, axis=1)
