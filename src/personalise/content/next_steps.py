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
from personalise.content import _on_dask
from personalise.content import ranking as R
from personalise.content.bkt_params import BKTParams
from personalise.content.recommendations import Recommendations
from personalise.exceptions import InvalidParameterError, UnknownLearnerError
from personalise.graph import CompiledGraph

__all__ = ["BLOCK_ROWS", "Recommendations", "inner_fringe", "readiness", "recommend_next"]

#: Learners processed per block (a multiple of 64). Extra memory scales with it.
BLOCK_ROWS = 8192
#: The largest ``k`` beyond the number of skills (the extra columns are padding).
_MAX_K = 1024

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


# --------------------------------------------------------------------- blocks
#: Rows checked, thresholded and packed at a time inside a block, so that the
#: range check, the comparison and the packing read the same rows while they
#: are in cache (128 rows of 1,000 float32 skills are 500 kB).
_CHECK_ROWS = 128


#: Per float dtype: the unsigned view and the bit pattern of 1.0. Non-negative
#: floats order like their bit patterns; negative numbers and NaN have
#: patterns above that of 1.0, so one ``max`` of the view checks a slice.
_ONE_BITS: dict[np.dtype[Any], tuple[type[np.unsignedinteger[Any]], int]] = {
    np.dtype(np.float32): (np.uint32, 0x3F800000),
    np.dtype(np.float64): (np.uint64, 0x3FF0000000000000),
}


@attrs.frozen
class _Layout:
    """Per-graph constants of the column-word layout (see :mod:`personalise._kernels.bitsets`).

    There are ``64 * n_words`` columns, at least one more than there are
    skills: column ``n_skills`` is padding that is never mastered.
    """

    n_skills: int
    n_words: int
    position: IntArray


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


def _layout(graph: CompiledGraph) -> _Layout:
    def make() -> _Layout:
        n_words = max(1, K.round_up(graph.n_skills + 1, 64) // 64)
        return _Layout(graph.n_skills, n_words, _frozen(K.positions(n_words)))

    return graph._memoised("layout", make)  # type: ignore[no-any-return]


@attrs.frozen
class _Terms:
    """What each output row ANDs, as the slots of :func:`K.and_slots`.

    The sources are the stacked column words ``[mastered; not mastered]``
    (``2 * 64 * n_words`` rows). There is one output row per skill and a last
    one that is never set; ``row[s]`` is the output row of skill ``s``
    (``row[n_skills]``: the never-set row) and ``skill[r]`` its inverse.
    """

    slots: tuple[IntArray, ...]
    row: IntArray
    skill: IntArray


def _terms(layout: _Layout, indptr: IntArray, indices: IntArray, own: int, listed: int) -> _Terms:
    """Skill ``s`` ANDs its own column from stack half ``own`` and its listed columns from half ``listed``.

    Half 0 is the mastered flags, half 1 their complement.
    """
    n = layout.n_skills
    half = 64 * layout.n_words
    position = layout.position
    lengths = np.diff(indptr)
    counts = np.append(lengths + 1, 1)
    ptr = np.zeros(n + 2, dtype=np.intp)
    np.cumsum(counts, out=ptr[1:])
    items = np.empty(ptr[-1], dtype=np.intp)
    items[ptr[:n]] = own * half + position[:n]
    listed_of = np.repeat(np.arange(n, dtype=np.intp), lengths)
    offsets = np.arange(indices.size, dtype=np.intp) - np.repeat(indptr[:-1], lengths)
    items[ptr[listed_of] + 1 + offsets] = listed * half + position[indices]
    items[ptr[n]] = position[n]  # a padding column: never mastered, so the row is never set
    skill = np.argsort(-counts, kind="stable").astype(np.intp)
    row = np.empty(n + 1, dtype=np.intp)
    row[skill] = np.arange(n + 1, dtype=np.intp)
    n_rows = [int(np.count_nonzero(counts > d)) for d in range(int(counts.max()))]
    slots = tuple(_frozen(items[ptr[skill[:count]] + d]) for d, count in enumerate(n_rows))
    return _Terms(slots, _frozen(row), _frozen(skill))


def _ready_terms(graph: CompiledGraph, layout: _Layout) -> _Terms:
    """Ready: not mastered, and every direct prerequisite mastered."""
    make = lambda: _terms(layout, graph.pred_indptr, graph.pred_indices, own=1, listed=0)  # noqa: E731
    return graph._memoised("ready terms", make)  # type: ignore[no-any-return]


def _inner_terms(graph: CompiledGraph, layout: _Layout) -> _Terms:
    """Inner fringe: mastered, and no direct successor mastered."""
    make = lambda: _terms(layout, graph.succ_indptr, graph.succ_indices, own=0, listed=1)  # noqa: E731
    return graph._memoised("inner terms", make)  # type: ignore[no-any-return]


def _block_rows(n_learners: int) -> int:
    """Learners per block: at most ``BLOCK_ROWS``, the blocks of a cohort as even as multiples of 64 allow."""
    n_blocks = max(1, -(-n_learners // BLOCK_ROWS))
    return max(64, K.round_up(-(-n_learners // n_blocks), 64))


FlagMaker = Callable[[NDArray[Any], BoolArray], None]


def _pack(flags: BoolArray) -> NDArray[np.uint8]:
    """Row bytes of C-contiguous bool ``flags`` (bit ``b`` of byte ``c``: column ``8 * c + b``).

    Rows of whole bytes are packed as one flat run, which NumPy does faster
    than row by row.
    """
    n_rows, n_cols = flags.shape
    if n_cols % 8:
        return np.packbits(flags, axis=1, bitorder="little")
    return np.packbits(flags.reshape(-1), bitorder="little").reshape(n_rows, n_cols // 8)


def _mastered_columns(
    mastery: NDArray[Any],
    threshold: float,
    layout: _Layout,
    extra: FlagMaker | None = None,
) -> Iterator[tuple[int, int, K.U64, K.U64 | None]]:
    """Yield ``(start, stop, stacked, extra columns)`` per block of learners.

    ``stacked`` holds the column words of the mastered flags (rows ``0 ..
    64 * n_words - 1``) and of their complement (the next as many rows).
    Each block is checked, thresholded and packed into row words
    :data:`_CHECK_ROWS` rows at a time, so the rows stay in cache between the
    three steps; the block's row words are then transposed at once. ``extra``
    fills a second flag matrix (``out[:rows, :n_skills]``) from the same rows;
    its column words come as the fourth item (None when not given). Rows past
    ``stop`` in the last block have no flags set. The arrays are buffers that the next block reuses.
    """
    n_learners, n_skills = mastery.shape
    rows = _block_rows(n_learners)
    n_groups, n_cols = rows // 64, 64 * layout.n_words
    sub_rows = min(_CHECK_ROWS, rows)
    n_sets = 1 if extra is None else 2
    flags = np.zeros((n_sets, sub_rows, n_skills), dtype=bool)  # contiguous: the comparison writes whole rows
    packed = np.zeros((n_sets, rows, n_cols // 8), dtype=np.uint8)
    n_bytes = -(-n_skills // 8)
    stacked = np.empty((2 * n_cols, n_groups), dtype=np.uint64)
    extra_columns = None if extra is None else np.empty((n_cols, n_groups), dtype=np.uint64)
    tmp = np.empty(32 * layout.n_words * n_groups, dtype=np.uint64)
    limit = mastery.dtype.type(threshold)
    unsigned, one_bits = _ONE_BITS[mastery.dtype]
    bits, one = mastery.view(unsigned), unsigned(one_bits)
    largest, compare, pack = np.maximum.reduce, np.greater_equal, _pack
    mastered_flags, mastered_bytes = flags[0], packed[0, :, :n_bytes]
    for start in range(0, n_learners, rows):
        stop = min(n_learners, start + rows)
        for sub in range(start, stop, sub_rows):
            end = min(stop, sub + sub_rows)
            part = mastery[sub:end]
            if part.size and largest(bits[sub:end], axis=None) > one:
                check_probability_block(part, sub)  # raises, unless the only culprits are -0.0
            n_part, at = end - sub, sub - start
            out = mastered_flags[:n_part]
            compare(part, limit, out=out)
            mastered_bytes[at : at + n_part] = pack(out)
            if extra is not None:
                extra(part, flags[1])
                packed[1, at : at + n_part, :n_bytes] = pack(flags[1, :n_part])
        if stop - start < rows:
            packed[:, stop - start :] = 0
        K.rows_to_columns(packed[0].view(np.uint64), stacked[:n_cols], tmp)
        np.invert(stacked[:n_cols], out=stacked[n_cols:])
        if extra_columns is not None:
            K.rows_to_columns(packed[1].view(np.uint64), extra_columns, tmp)
        yield start, stop, stacked, extra_columns


@attrs.frozen
class _Order:
    """The constants of a :class:`_Gather`: which source row feeds each order position.

    ``order`` is the ranking order of skills; ``n_sets`` candidate sets are
    stacked (set ``t`` at source rows ``t * n_sources`` onwards), each laid out
    in ``order`` padded to whole words with the never-set row. Order position
    ``P`` is then set ``P // width`` and skill ``lookup[P % width]``.
    """

    width: int
    rows: IntArray
    n_groups: int
    index: IntArray | None
    lookup: IntArray


def _order(terms: _Terms, order: IntArray, n_sets: int, n_groups: int, keep_index: bool) -> _Order:
    n_sources = terms.row.size
    width = K.round_up(max(order.size, 1), 64)
    padded = np.full(width, n_sources - 1, dtype=np.intp)
    padded[: order.size] = order
    source = (np.arange(n_sets, dtype=np.intp)[:, None] * n_sources + terms.row[padded][None, :]).reshape(-1)
    rows = _frozen(np.ascontiguousarray(source.reshape(-1, 64).T))  # [i, w]: order position 64 w + i
    index = _frozen(K.gather_index(rows, n_groups)) if keep_index else None
    lookup = np.full(width + 1, -1, dtype=np.intp)  # order position % width -> skill
    lookup[: order.size] = order
    return _Order(width, rows, n_groups, index, _frozen(lookup))


def _memoised_order(
    graph: CompiledGraph, name: str, terms: _Terms, order: Callable[[], IntArray], n_sets: int, n_groups: int
) -> _Order:
    """:func:`_order` for one of the graph's fixed orders, computed once per graph, ``n_sets`` and block size."""
    make = lambda: _order(terms, order(), n_sets, n_groups, keep_index=True)  # noqa: E731
    return graph._memoised(("order", name, n_sets, n_groups), make)  # type: ignore[no-any-return]


class _Gather:
    """Lays out candidate rows in one ranking order and reads them back as row words (see :class:`_Order`)."""

    def __init__(self, plan: _Order) -> None:
        self.plan, self.width, self.lookup = plan, plan.width, plan.lookup
        self.out = np.empty(plan.rows.size * plan.n_groups, dtype=np.uint64)
        self.tmp = np.empty(plan.rows.size * plan.n_groups // 2, dtype=np.uint64)

    def row_words(self, sources: K.U64) -> K.U64:
        """Row words of the candidates (group-major learner rows, see :func:`K.columns_to_rows`)."""
        plan = self.plan
        index = plan.index if plan.index is not None else K.gather_index(plan.rows, plan.n_groups)
        return K.columns_to_rows(sources, index, self.out, self.tmp)


def _learner_rows(graph: CompiledGraph, n_groups: int) -> IntArray:
    """:func:`K.learner_rows`, kept with the graph's other constants for this block size."""
    make = lambda: _frozen(K.learner_rows(n_groups))  # noqa: E731
    return graph._memoised(("learner rows", n_groups), make)  # type: ignore[no-any-return]


def _base_order(graph: CompiledGraph) -> IntArray:
    """Skills by descendants, most first, ties by column (the ranking without goals)."""
    make = lambda: _frozen(  # noqa: E731
        np.lexsort((np.arange(graph.n_skills), -graph.n_descendants)).astype(np.intp)
    )
    return graph._memoised("base order", make)  # type: ignore[no-any-return]


def _flag_matrix(
    graph: CompiledGraph,
    mastery: Any,
    threshold: object,
    make_terms: Callable[[CompiledGraph, _Layout], _Terms],
    missing: float | None = None,
) -> BoolArray:
    """The (n_learners, n_skills) bool matrix of the flags that ``make_terms`` ANDs."""
    array, limit, layout = _prepare(graph, mastery, threshold, missing)
    terms = make_terms(graph, layout)
    n_learners, n_skills = array.shape
    out = np.zeros(array.shape, dtype=bool)
    n_groups = _block_rows(n_learners) // 64
    identity = lambda: np.arange(n_skills, dtype=np.intp)  # noqa: E731
    gather = _Gather(_memoised_order(graph, make_terms.__name__, terms, identity, 1, n_groups))
    learner = _learner_rows(graph, n_groups)
    result = np.empty((terms.row.size, n_groups), dtype=np.uint64)
    scratch = np.empty((terms.slots[1].size if len(terms.slots) > 1 else 1, n_groups), dtype=np.uint64)
    for start, stop, stacked, _ in _mastered_columns(array, limit, layout):
        words = gather.row_words(K.and_slots(stacked, terms.slots, result, scratch))
        rows = words[learner[: stop - start]]
        out[start:stop] = np.unpackbits(rows.view(np.uint8), axis=1, count=n_skills, bitorder="little")
    return out


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
        result's rows follow the table's ``learner_ids``. A ``dask.array.Array``
        chunked by learners gives a lazy dask array of bool (see Notes).
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

    For a dask array, each chunk is computed by this function when the lazy
    result is (same learner chunks, one chunk along skills: several are
    rechunked to one); store it (``to_zarr``) or reduce it rather than compute it.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply")])
    >>> pl.readiness(g, np.array([[1.0, 0.2, 0.0], [0.99, 0.96, 0.5]]))
    array([[False,  True, False],
           [False, False,  True]])
    """
    if _on_dask.is_dask_array(mastery):
        return _on_dask.readiness(compiled, mastery, threshold=threshold, missing=missing)  # type: ignore[no-any-return]
    return _flag_matrix(compiled, mastery, threshold, _ready_terms, missing)


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
        P(mastery) per learner and skill in [0, 1] (see :func:`readiness`). A
        ``dask.array.Array`` chunked by learners gives a lazy dask array of bool.
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

    Notes
    -----
    A dask array of mastery is handled as by :func:`readiness` (lazily).

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply")])
    >>> pl.inner_fringe(g, np.array([[1.0, 0.97, 0.0], [0.5, 0.0, 0.0]]))
    array([[False,  True, False],
           [False, False, False]])
    """
    if _on_dask.is_dask_array(mastery):
        return _on_dask.inner_fringe(compiled, mastery, threshold=threshold, missing=missing)  # type: ignore[no-any-return]
    return _flag_matrix(compiled, mastery, threshold, _inner_terms, missing)


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
        (``Recommendations.learner_ids``). A ``dask.array.Array`` chunked by
        learners is computed chunk by chunk into the same Recommendations.
    k : int, default 3
        Recommendations per learner: at least 1, at most the number of skills
        or 1,024, whichever is larger. Rows with fewer ready skills
        are padded with -1.
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
        not an integer >= 1 or above max(n_skills, 1024), or per-learner
        goals of the wrong length.
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

    A dask array is computed by the current scheduler, each chunk (rechunked to
    one chunk along skills) by this function; per-learner goals and
    ``elapsed_days`` are split to match, and the graph is sent once.

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
    if _on_dask.is_dask_array(mastery):
        return _on_dask.recommend_next(compiled, mastery, k=k, threshold=threshold, goals=goals, params=params,
                                       target_success=target_success, elapsed_days=elapsed_days,
                                       half_life_days=half_life_days, recall_threshold=recall_threshold,
                                       max_reviews=max_reviews, missing=missing)
    array, limit, layout = _prepare(compiled, mastery, threshold, missing)
    k = check_int(k, "k", minimum=1)
    if k > max(array.shape[1], _MAX_K):
        raise InvalidParameterError(f"k must be at most the number of skills or {_MAX_K:,}, whichever is larger "
                                    f"({max(array.shape[1], _MAX_K):,}); got {k}", value=k)
    n_learners, n_skills = array.shape
    learner_ids = learner_ids_of(mastery)
    if isinstance(goals, Mapping):
        goals = _goals_by_learner(goals, learner_ids)
    band = R.check_success_band(compiled, params, target_success)
    review = R.check_review(elapsed_days, half_life_days, recall_threshold, max_reviews, array.shape)
    goal_sets, goal_index = _goal_keys(compiled, goals, n_learners)
    descendants = compiled.n_descendants
    base_order = _base_order(compiled)
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
    ready_terms = _ready_terms(compiled, layout)
    n_sources = ready_terms.row.size
    n_groups = _block_rows(n_learners) // 64
    gathers = [
        (code, _Gather(
            _memoised_order(compiled, "ranked", ready_terms, lambda: base_order, n_sets, n_groups) if code < 0
            else _order(ready_terms, order, n_sets, n_groups, keep_index=len(plans) <= 4)
        ))
        for code, order in plans
    ]
    ready = np.empty((n_sources, n_groups), dtype=np.uint64)
    scratch = np.empty((ready_terms.slots[1].size if len(ready_terms.slots) > 1 else 1, n_groups), dtype=np.uint64)
    candidates = ready if band is None else np.empty((2 * n_sources, n_groups), dtype=np.uint64)
    band_rows = layout.position[ready_terms.skill]  # the never-set row reads a padding column
    indices = np.empty((n_learners, k), dtype=np.intp)
    plain = not goal_sets and band is None and review is None
    terms = np.full((0, k) if plain else (n_learners, k), R.UNLOCKS, dtype=np.int8)  # unused when plain
    recall = np.full((n_learners, k), np.nan) if review is not None else None
    extra = None if band is None else band.fill_flags
    slot = _learner_rows(compiled, n_groups)  # block row -> row of the row words
    for start, stop, stacked, in_band in _mastered_columns(array, limit, layout, extra):
        K.and_slots(stacked, ready_terms.slots, ready, scratch)
        if in_band is not None:
            banded = in_band.take(band_rows, axis=0)
            np.bitwise_and(ready, banded, out=candidates[:n_sources])
            np.invert(banded, out=banded)
            np.bitwise_and(ready, banded, out=candidates[n_sources:])
        block_goals = goal_index[start:stop]
        for code, gather in gathers:
            target: slice | IntArray
            if len(gathers) == 1:
                members, target = slot[: stop - start], slice(start, stop)
            else:
                chosen_rows = np.flatnonzero(block_goals == code)
                if not chosen_rows.size:
                    continue
                members, target = slot[chosen_rows], start + chosen_rows
            positions = K.first_set_bits(gather.row_words(candidates), k)[members]
            if n_sets == 1:
                indices[target] = gather.lookup.take(positions)  # -1 reads the appended -1
            else:
                in_first = positions < gather.width
                indices[target] = gather.lookup.take(np.where(positions >= 0, positions % gather.width, gather.width))
                terms[target] = np.where(in_first, R.IN_BAND, R.OUT_OF_BAND)
            if code >= 0 and band is None:
                terms[target] = R.GOAL
        if review is not None and review.max_reviews:
            due, due_recall = review.choose(array[start:stop] >= array.dtype.type(limit), start, stop)
            assert recall is not None
            _put_reviews_first(indices[start:stop], terms[start:stop], recall[start:stop], due, due_recall)

    # Padding (-1) reads the extra last entry: NaN scores, -1 steps; empty graphs work too.
    scores = np.append(descendants.astype(np.float64), np.nan).take(indices)
    if plain:  # every term is "unlocks" and no learner has a goal: nothing more to compute
        return Recommendations._trusted(compiled, indices, scores, np.broadcast_to(np.intp(-1), indices.shape),
                                        goal_index, threshold=limit, learner_ids=learner_ids)
    valid = indices >= 0
    is_review = terms == R.REVIEW
    new = valid & ~is_review
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
    return Recommendations._trusted(
        compiled, indices, scores, steps_to_goal, goal_index,
        goal_sets=tuple(tuple(compiled.skill_ids[j] for j in sorted(g)) for g in goal_sets),
        threshold=limit, terms=terms, predicted_success=predicted, recall=recall,
        target_success=None if band is None else (band.low, band.high), learner_ids=learner_ids,
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
