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

All three functions process learners in blocks of :data:`BLOCK_ROWS` rows:
mastered flags are packed into bits (64 learners per uint64 word), so the
extra memory is bounded by about ``BLOCK_ROWS * (n_skills + n_edges / 8)``
bytes, whatever the size of the cohort, plus the result itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise import _kernels as K
from personalise._validation import (
    check_int,
    check_learner_ids,
    check_mastery,
    check_probability_block,
    check_threshold,
)
from personalise.exceptions import InvalidParameterError
from personalise.graph import CompiledGraph

__all__ = ["BLOCK_ROWS", "Recommendations", "inner_fringe", "readiness", "recommend_next"]

#: Learners processed per block (a multiple of 64). Extra memory scales with it.
BLOCK_ROWS = 8192

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


# --------------------------------------------------------------------- blocks
@attrs.frozen
class _Layout:
    """Per-graph constants of the bit layout (padded column count, CSR starts)."""

    n_skills: int
    n_cols: int  # multiple of 64 and > n_skills: column n_skills is always zero
    pred_starts: IntArray
    pred_indices: IntArray
    has_pred: BoolArray
    succ_starts: IntArray
    succ_indices: IntArray
    has_succ: BoolArray


def _layout(graph: CompiledGraph) -> _Layout:
    n = graph.n_skills
    n_cols = K.words_for(n + 1) * 64
    n_pred = np.diff(graph.pred_indptr)
    n_succ = np.diff(graph.succ_indptr)
    has_pred = np.zeros(n_cols, dtype=bool)
    has_pred[:n] = n_pred > 0
    has_succ = np.zeros(n_cols, dtype=bool)
    has_succ[:n] = n_succ > 0
    return _Layout(
        n_skills=n,
        n_cols=n_cols,
        pred_starts=graph.pred_indptr[:-1][n_pred > 0],
        pred_indices=graph.pred_indices,
        has_pred=has_pred,
        succ_starts=graph.succ_indptr[:-1][n_succ > 0],
        succ_indices=graph.succ_indices,
        has_succ=has_succ,
    )


def _mastered_columns(
    mastery: NDArray[Any], threshold: float, layout: _Layout
) -> Iterator[tuple[int, int, K.U64]]:
    """Yield ``(start, stop, mastered column words)`` for each block of learners."""
    n_learners = mastery.shape[0]
    limit = mastery.dtype.type(threshold)
    rows = min(BLOCK_ROWS, K.words_for(n_learners) * 64)
    flags = np.zeros((rows, layout.n_cols), dtype=bool)
    for start in range(0, n_learners, BLOCK_ROWS):
        block = mastery[start : start + BLOCK_ROWS]
        check_probability_block(block, start)
        n_block = block.shape[0]
        padded = K.words_for(n_block) * 64
        if n_block < padded:
            flags[n_block:padded] = False
        K.threshold_into(block, limit, flags)
        yield start, start + n_block, K.rows_to_columns(K.pack_rows(flags[:padded]))


def _ready_columns(mastered: K.U64, layout: _Layout) -> K.U64:
    ok = K.all_of_neighbours(mastered, layout.pred_starts, layout.pred_indices, layout.has_pred)
    ready = ok & ~mastered
    ready[:, layout.n_skills :] = 0
    return ready


def _prepare(graph: CompiledGraph, mastery: Any, threshold: object) -> tuple[NDArray[Any], float, _Layout]:
    if not isinstance(graph, CompiledGraph):
        raise InvalidParameterError(
            f"compiled must be a CompiledGraph (see compile_graph); got {type(graph).__name__}", value=graph
        )
    limit = check_threshold(threshold)
    array = check_mastery(mastery, graph.n_skills, graph.skill_ids)
    return array, limit, _layout(graph)


def readiness(compiled: CompiledGraph, mastery: Any, *, threshold: float = 0.95) -> BoolArray:
    """Which skills each learner is ready to learn next (the outer fringe).

    A skill is ready for a learner when its mastery is below ``threshold``
    and every direct prerequisite is at or above ``threshold``.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_learners, n_skills)
        P(mastery) per learner and skill, in [0, 1], columns in
        ``compiled.skill_ids`` order. float32 and float64 are read as given; a
        pandas DataFrame with the skill ids as columns is also accepted.
    threshold : float, default 0.95
        Mastery threshold in (0, 1] (Corbett and Anderson's convention).

    Returns
    -------
    ndarray of bool, shape (n_learners, n_skills)

    Raises
    ------
    ShapeError
        If ``mastery`` is not 2-D with one column per skill.
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
    array, limit, layout = _prepare(compiled, mastery, threshold)
    out = np.zeros(array.shape, dtype=bool)
    for start, stop, mastered in _mastered_columns(array, limit, layout):
        rows = K.columns_to_rows(_ready_columns(mastered, layout))
        out[start:stop] = K.unpack_rows(rows[: stop - start], layout.n_skills)
    return out


def inner_fringe(compiled: CompiledGraph, mastery: Any, *, threshold: float = 0.95) -> BoolArray:
    """Mastered skills none of whose direct successors is mastered (the inner fringe).

    These are the skills a learner may have learned last: the first ones to
    review when the learner struggles with something new.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_learners, n_skills)
        P(mastery) per learner and skill in [0, 1] (see :func:`readiness`).
    threshold : float, default 0.95
        Mastery threshold in (0, 1].

    Returns
    -------
    ndarray of bool, shape (n_learners, n_skills)

    Raises
    ------
    ShapeError, InvalidParameterError
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
    array, limit, layout = _prepare(compiled, mastery, threshold)
    out = np.zeros(array.shape, dtype=bool)
    for start, stop, mastered in _mastered_columns(array, limit, layout):
        later = K.any_of_neighbours(mastered, layout.succ_starts, layout.succ_indices, layout.has_succ)
        rows = K.columns_to_rows(mastered & ~later)
        out[start:stop] = K.unpack_rows(rows[: stop - start], layout.n_skills)
    return out


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


def _pad_order(order: IntArray, n_skills: int) -> IntArray:
    """Pad a ranking order to whole words with the always-zero column ``n_skills``."""
    padded = np.full(K.words_for(order.size) * 64, n_skills, dtype=np.intp)
    padded[: order.size] = order
    return padded


# ------------------------------------------------------------ recommendations
def recommend_next(
    compiled: CompiledGraph,
    mastery: Any,
    *,
    k: int = 3,
    threshold: float = 0.95,
    goals: Any = None,
) -> Recommendations:
    """Rank the ready skills of every learner and return the top ``k``.

    Only ready skills are recommended (see :func:`readiness`). Without goals,
    they rank by how many later skills they unlock (``compiled.n_descendants``,
    the score), ties broken by lower column index. With goals, only ready
    skills that lead to a goal (the goal itself or one of its prerequisites,
    directly or not) are recommended, nearest first: the score is minus the
    number of prerequisite steps to the nearest goal, ties broken by
    descendants and then column index.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_learners, n_skills)
        P(mastery) per learner and skill in [0, 1] (see :func:`readiness`).
    k : int, default 3
        Recommendations per learner (>= 1). Rows with fewer ready skills are
        padded with -1.
    threshold : float, default 0.95
        Mastery threshold in (0, 1].
    goals : skill id, set of skill ids, or sequence, optional
        A skill id or a ``set``/``frozenset`` of skill ids shared by every
        learner, or a list, tuple or array with one entry per learner, each a
        skill id, a set of skill ids, or None (no goal for that learner).

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
        If a goal is not a skill of the graph.

    See Also
    --------
    readiness, inner_fringe

    Notes
    -----
    Learners are processed in blocks of :data:`BLOCK_ROWS`; within a block
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
    >>> recs.indices
    array([[ 1,  2],
           [ 3, -1]])
    >>> recs.reasons[0][0]
    "ready: all 1 prerequisite mastered ('count'); unlocks 1 later skill"
    >>> pl.recommend_next(g, mastery, k=2, goals="compare").skills()
    (('compare',), ())
    """
    array, limit, layout = _prepare(compiled, mastery, threshold)
    k = check_int(k, "k", minimum=1)
    n_learners, n_skills = array.shape
    goal_sets, goal_index = _goal_keys(compiled, goals, n_learners)
    descendants = compiled.n_descendants
    base_order = np.lexsort((np.arange(n_skills), -descendants)).astype(np.intp)
    plans: list[tuple[int, IntArray]] = []  # (goal code, ranking order)
    if np.any(goal_index < 0):
        plans.append((-1, _pad_order(base_order, n_skills)))
    steps_table = np.full((len(goal_sets), n_skills), -1, dtype=np.intp)
    for code, goal in enumerate(goal_sets):
        steps_table[code] = steps = _steps_to(compiled, goal)
        eligible = base_order[steps[base_order] >= 0]
        order = eligible[np.argsort(steps[eligible], kind="stable")]
        plans.append((code, _pad_order(order, n_skills)))

    indices = np.full((n_learners, k), -1, dtype=np.intp)
    for start, stop, mastered in _mastered_columns(array, limit, layout):
        ready = _ready_columns(mastered, layout)
        block_goals = goal_index[start:stop]
        for code, order in plans:
            members = np.flatnonzero(block_goals == code)
            if members.size == 0:
                continue
            rows = K.columns_to_rows(np.take(ready, order, axis=1))
            rows = rows[members] if members.size < stop - start else rows[: members.size]
            positions = K.first_set_bits(rows, k)
            chosen = np.where(positions >= 0, order[positions], -1)
            indices[start + members] = chosen

    valid = indices >= 0
    safe = np.where(valid, indices, 0)
    has_goal = (goal_index >= 0)[:, None] & valid
    steps_to_goal = np.where(has_goal, steps_table[np.maximum(goal_index, 0)[:, None], safe] if goal_sets else -1, -1)
    scores = np.where(valid, descendants[safe].astype(np.float64), np.nan)
    scores = np.where(has_goal, -steps_to_goal.astype(np.float64), scores)
    return Recommendations(
        graph=compiled,
        indices=indices,
        scores=scores,
        steps_to_goal=steps_to_goal,
        goal_index=goal_index,
        goal_sets=tuple(
tuple(compiled.skill_ids[j] for j in sorted(g)) for g in goal_sets),
        threshold=limit,
    )


def _frozen(dtype: Any) -> Any:
    def convert(value: Any) -> NDArray[Any]:
        array = np.array(value, dtype=dtype, copy=True)
        array.flags.writeable = False
        return array

    return attrs.field(converter=convert, eq=attrs.cmp_using(eq=lambda a, b: np.array_equal(a, b, equal_nan=True)), repr=False)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@attrs.frozen(repr=False)
class Recommendations:
    """The next skills recommended for each learner, best first.

    Returned by :func:`recommend_next`; not usually built by hand.

    Parameters
    ----------
    graph : CompiledGraph
        The graph the column indices refer to.
    indices : ndarray of intp, shape (n_learners, k)
        Column indices of the recommended skills, best first, padded with -1.
    scores : ndarray of float64, shape (n_learners, k)
        The ranking score of each recommendation (NaN for padding): the number
        of later skills it unlocks, or, for learners with a goal, minus the
        number of prerequisite steps to the nearest goal.
    steps_to_goal : ndarray of intp, shape (n_learners, k)
        Prerequisite steps from each recommendation to the learner's nearest
        goal (0: the goal itself), -1 without a goal or for padding.
    goal_index : ndarray of intp, shape (n_learners,)
        Index into ``goal_sets`` of each learner's goal, -1 for none.
    goal_sets : tuple of tuple of hashable
        The distinct goal sets, as skill ids.
    threshold : float
        The mastery threshold used.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add")])
    >>> recs = pl.recommend_next(g, np.array([[0.2, 0.0], [1.0, 0.5]]), k=1)
    >>> recs
    Recommendations(n_learners=2, k=1, threshold=0.95)
    >>> recs.skills()
    (('count',), ('add',))
    >>> recs.to_records(["ann", "bo"])[1]["skill_id"]
    'add'
    """

    graph: CompiledGraph = attrs.field(repr=False)
    indices: IntArray = _frozen(np.intp)
    scores: NDArray[np.float64] = _frozen(np.float64)
    steps_to_goal: IntArray = _frozen(np.intp)
    goal_index: IntArray = _frozen(np.intp)
    goal_sets: tuple[tuple[Hashable, ...], ...] = attrs.field(default=(), converter=tuple, repr=False)
    threshold: float = 0.95

    def __repr__(self) -> str:
        return f"Recommendations(n_learners={self.n_learners}, k={self.k}, threshold={self.threshold})"

    @property
    def n_learners(self) -> int:
        """Number of learners (rows)."""
        return int(self.indices.shape[0])

    @property
    def k(self) -> int:
        """Recommendations per learner (columns, including padding)."""
        return int(self.indices.shape[1])

    def skills(self) -> tuple[tuple[Hashable, ...], ...]:
        """The recommended skill ids per learner, best first, without padding.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0]])).skills()
        (('b',),)
        """
        ids = self.graph.skill_ids
        return tuple(tuple(ids[j] for j in row if j >= 0) for row in self.indices.tolist())

    def _reason(self, learner: int, rank: int) -> str:
        graph = self.graph
        j = int(self.indices[learner, rank])
        prereqs = graph.pred_indices[graph.pred_indptr[j] : graph.pred_indptr[j + 1]]
        if prereqs.size == 0:
            base = "ready: no prerequisites"
        else:
            names = ", ".join(repr(graph.skill_ids[i]) for i in prereqs[:3])
            more = ", ..." if prereqs.size > 3 else ""
            every = "all " if prereqs.size > 1 else ""
            base = f"ready: {every}{_plural(int(prereqs.size), 'prerequisite')} mastered ({names}{more})"
        goal = int(self.goal_index[learner])
        if goal < 0:
            return f"{base}; unlocks {_plural(int(graph.n_descendants[j]), 'later skill')}"
        goal_ids = self.goal_sets[goal]
        target = repr(goal_ids[0]) if len(goal_ids) == 1 else "one of " + ", ".join(map(repr, goal_ids))
        steps = int(self.steps_to_goal[learner, rank])
        if steps == 0:
            return f"{base}; it is the goal {target}"
        return f"{base}; leads to goal {target} in {_plural(steps, 'step')}"

    @property
    def reasons(self) -> tuple[tuple[str, ...], ...]:
        """Why each skill was recommended, one string per recommendation (built on access).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[0.0, 0.0]])).reasons
        (('ready: no prerequisites; unlocks 1 later skill',),)
        """
        return tuple(
            tuple(self._reason(i, r) for r in range(self.k) if self.indices[i, r] >= 0)
            for i in range(self.n_learners)
        )

    def to_records(self, learner_ids: Iterable[Hashable] | None = None) -> list[dict[str, Any]]:
        """One dict per recommendation: learner id, rank (1 = best), skill id, score, reason.

        Parameters
        ----------
        learner_ids : sequence of hashable, optional
            One unique id per learner (row); row numbers when omitted.

        Raises
        ------
        InvalidParameterError
            If ``learner_ids`` repeats an id.
        ShapeError
            If ``learner_ids`` does not have one id per learner.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0]])).to_records(["ann"])
        [{'learner_id': 'ann', 'rank': 1, 'skill_id': 'b', 'skill_index': 1, 'score': 0.0, 'steps_to_goal': None, 'reason': "ready: 1 prerequisite mastered ('a'); unlocks 0 later skills"}]
        """
        ids = check_learner_ids(learner_ids, self.n_learners)
        records: list[dict[str, Any]] = []
        skill_ids = self.graph.skill_ids
        for i, learner in enumerate(ids):
            for rank in range(self.k):
                j = int(self.indices[i, rank])
                if j < 0:
                    break
                steps = int(self.steps_to_goal[i, rank])
                records.append(
                    {
                        "learner_id": learner,
                        "rank": rank + 1,
                        "skill_id": skill_ids[j],
                        "skill_index": j,
                        "score": float(self.scores[i, rank]),
                        "steps_to_goal": steps if steps >= 0 else None,
                        "reason": self._reason(i, rank),
                    }
                )
        return records

    def to_frame(self, learner_ids: Iterable[Hashable] | None = None) -> Any:
        """The records of :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0], [0.0, 0.0]])).to_frame(["ann", "bo"])[
        ...     ["learner_id", "rank", "skill_id"]]
          learner_id  rank skill_id
        0        ann     1        b
        1         bo     1        a
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - exercised only without pandas
            raise ImportError("Recommendations.to_frame needs pandas: pip install 'personalise[pandas]'") from None
        columns = ["learner_id", "rank", "skill_id", "skill_index", "score", "steps_to_goal", "reason"]
        return pd.DataFrame.from_records(self.to_records(learner_ids), columns=columns)
