"""Next steps for a dask array of mastery: :func:`recommend_next`, :func:`readiness`, :func:`inner_fringe` (internal).

The public functions of :mod:`personalise.content.next_steps` hand a
``dask.array.Array`` to this module. A dask array holds learners in row
chunks; each chunk is computed by the NumPy function itself, so every
learner's result is the NumPy result, bit for bit:

* :func:`readiness` and :func:`inner_fringe` return a lazy dask array of
  bool, chunked like ``mastery`` along learners (the result of a large cohort
  may not fit in memory, so nothing is computed here);
* :func:`recommend_next` computes (its result is ``k`` entries per learner)
  with the current scheduler and joins the chunks' results into one
  :class:`~personalise.Recommendations`.

A ``mastery`` with more than one chunk along skills is rechunked to one
chunk along skills (each learner's row is needed whole). Argument-level
errors (the graph, ``threshold``, ``k``, shapes, dtype, goals, the learner
model and review options) are raised here before anything is computed, by
the NumPy path's own checks; value errors (NaN or out-of-range mastery,
negative ``elapsed_days``) are raised by the NumPy function in the chunk,
and name the position in the whole array, not in the chunk. The compiled
graph and the options are one key each in the task graph, so a cluster
ships them once, not with every chunk.

dask is imported only when a dask array is given (it is then already
imported), never by ``import personalise``.
"""

from __future__ import annotations

import importlib
import math
import re
import sys
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from personalise._validation import check_mastery
from personalise.content.recommendations import Recommendations, handed_over
from personalise.exceptions import InvalidParameterError, PersonaliseError, ShapeError
from personalise.graph import CompiledGraph

__all__ = ["inner_fringe", "is_dask_array", "readiness", "recommend_next"]

#: A position in an error message, as :func:`~personalise._validation.check_probability_block` writes it.
_POSITION = re.compile(r"at \((\d+), (\d+)\)")


def is_dask_array(value: object) -> bool:
    """Whether ``value`` is a ``dask.array.Array``, without importing dask.

    A dask array can exist only once ``dask.array`` is imported, so the type is
    looked up in ``sys.modules``; anything else costs one string comparison.
    """
    if not type(value).__module__.startswith("dask.") or not hasattr(value, "__dask_graph__"):
        return False
    module = sys.modules.get("dask.array")
    array_type = getattr(module, "Array", None)
    return isinstance(array_type, type) and isinstance(value, array_type)


def _dask() -> Any:
    return importlib.import_module("dask")


def _dask_array() -> Any:
    return importlib.import_module("dask.array")


def _shipped(value: object, what: str) -> Any:
    """``value`` as one key of the task graph (a ``dask.delayed`` of it, never copied into each task)."""
    return _dask().delayed(value, name=f"{what}-{uuid.uuid4().hex}", traverse=False)


def _at_global_row(error: PersonaliseError, start: int) -> PersonaliseError:
    """``error`` of the chunk whose first row is row ``start``, with its position ``(row, column)`` made global."""
    message = str(error)
    moved = _POSITION.sub(lambda match: f"at ({int(match[1]) + start}, {match[2]})", message, count=1)
    if start == 0 or moved == message:
        return error
    try:
        return type(error)(moved, value=error.value)
    except TypeError:  # an error class with other arguments: keep it as it is
        return error


# ------------------------------------------------------------------- checks
def _known_shape(value: Any, name: str) -> tuple[int, ...]:
    """The shape of a dask array, which must be known (chunk sizes computed)."""
    shape = tuple(value.shape)
    if any(isinstance(size, float) and math.isnan(size) for size in shape):
        raise ShapeError(
            f"{name} has unknown chunk sizes (shape {shape}); call {name}.compute_chunk_sizes() first", value=shape
        )
    return tuple(int(size) for size in shape)


def _checked_mastery(compiled: CompiledGraph, mastery: Any, check_options: Callable[[NDArray[Any]], Any]) -> Any:
    """``mastery`` with one chunk along skills, after the checks of the NumPy path.

    ``check_options(empty)`` calls the NumPy function on an empty mastery array
    of the same dtype: it checks the graph, the threshold, ``missing`` and the
    dtype with the NumPy path's errors. The shape is then checked on a
    zero-stride stand-in of the full shape (no memory), so the message shows
    the real shape.
    """
    n_skills = compiled.n_skills if isinstance(compiled, CompiledGraph) else 0
    check_options(np.zeros((0, n_skills), dtype=mastery.dtype))
    shape = _known_shape(mastery, "mastery")
    stand_in = np.lib.stride_tricks.as_strided(np.zeros(1), shape=shape, strides=(0,) * len(shape))
    check_mastery(stand_in, compiled.n_skills, compiled.skill_ids)
    return mastery.rechunk({1: -1}) if mastery.numblocks[1] > 1 else mastery


# ------------------------------------------------------------ the boolean flags
def _flags_block(
    block: NDArray[Any], compiled: CompiledGraph, name: str, threshold: float, block_info: Any = None
) -> NDArray[np.bool_]:
    """The NumPy ``readiness`` or ``inner_fringe`` of one chunk (a task: runs where the chunk is)."""
    from personalise.content import next_steps

    start = int(block_info[0]["array-location"][0][0]) if block_info else 0
    try:
        flags: NDArray[np.bool_] = getattr(next_steps, name)(compiled, block, threshold=threshold)
    except PersonaliseError as err:
        raise _at_global_row(err, start) from None
    return flags


def _flags(compiled: CompiledGraph, mastery: Any, threshold: float, missing: float | None, name: str) -> Any:
    from personalise.content import next_steps

    function = getattr(next_steps, name)
    array = _checked_mastery(
        compiled, mastery, lambda empty: function(compiled, empty, threshold=threshold, missing=missing)
    )
    return array.map_blocks(
        _flags_block,
        _shipped(compiled, "compiled-graph"),
        name,
        threshold,
        dtype=np.bool_,
        meta=np.empty((0, 0), dtype=np.bool_),
        token=name.replace("_", "-"),
    )


def readiness(compiled: CompiledGraph, mastery: Any, *, threshold: float, missing: float | None) -> Any:
    """:func:`~personalise.readiness` of a dask array: a lazy dask array of bool, chunked like ``mastery``."""
    return _flags(compiled, mastery, threshold, missing, "readiness")


def inner_fringe(compiled: CompiledGraph, mastery: Any, *, threshold: float, missing: float | None) -> Any:
    """:func:`~personalise.inner_fringe` of a dask array: a lazy dask array of bool, chunked like ``mastery``."""
    return _flags(compiled, mastery, threshold, missing, "inner_fringe")


# ------------------------------------------------------------ recommendations
class _Part(NamedTuple):
    """One chunk's recommendations, as sent back: None for an array left at its documented default."""

    indices: NDArray[np.intp]
    scores: NDArray[np.float64]
    steps_to_goal: NDArray[np.intp] | None
    goal_index: NDArray[np.intp]
    goal_sets: tuple[tuple[Any, ...], ...]
    terms: NDArray[np.int8] | None
    predicted_success: NDArray[np.float64] | None
    recall: NDArray[np.float64] | None


def _given(array: NDArray[Any]) -> NDArray[Any] | None:
    """``array``, or None when it is a broadcast default (every stride 0: nothing worth sending)."""
    return None if array.ndim and all(stride == 0 for stride in array.strides) else array


def _recommend_block(
    compiled: CompiledGraph,
    block: NDArray[Any],
    start: int,
    goals: Any,
    elapsed_days: Any,
    half_life_days: Any,
    options: dict[str, Any],
) -> _Part:
    """The NumPy ``recommend_next`` of one chunk whose first row is row ``start`` (a task).

    ``goals`` and ``half_life_days`` are the chunk's rows of per-learner
    arguments, or None: then ``options`` holds the value shared by every chunk.
    """
    from personalise.content import next_steps

    arguments = dict(options)
    if goals is not None:
        arguments["goals"] = goals
    if half_life_days is not None:
        arguments["half_life_days"] = half_life_days
    try:
        recs = next_steps.recommend_next(compiled, block, elapsed_days=elapsed_days, **arguments)
    except PersonaliseError as err:
        raise _at_global_row(err, start) from None
    return _Part(
        recs.indices,
        recs.scores,
        _given(recs.steps_to_goal),
        recs.goal_index,
        recs.goal_sets,
        _given(recs.terms),
        _given(recs.predicted_success),
        _given(recs.recall),
    )


def _is_per_learner(goals: Any) -> bool:
    return isinstance(goals, (list, tuple, np.ndarray))


def _distinct(goals: Any) -> list[Any]:
    """The distinct entries of per-learner goals, in order of first appearance (unhashable ones all kept)."""
    seen: set[Any] = set()
    entries: list[Any] = []
    for entry in goals:
        try:
            key = ("set", frozenset(entry)) if isinstance(entry, (set, frozenset)) else ("id", entry)
            if key in seen:
                continue
            seen.add(key)
        except TypeError:  # unhashable: the check below names it
            pass
        entries.append(entry)
    return entries


def _as_chunked(value: Any, name: str, shape: tuple[int, int], rows: tuple[int, ...]) -> Any:
    """A per-learner-and-skill argument as a dask array with the row chunks of ``mastery`` and one column chunk."""
    da = _dask_array()
    if is_dask_array(value):
        got = _known_shape(value, name)
    else:
        value = np.asarray(value)
        got = value.shape
    if got != shape:
        raise ShapeError(f"{name} must have the shape of mastery {shape}; got {got}", value=got)
    if is_dask_array(value):
        return value.rechunk((rows, (shape[1],)))
    return da.from_array(value, chunks=(rows, (shape[1],)))


def _check_half_life(half_life_days: Any, shape: tuple[int, int]) -> Any:
    """``half_life_days`` with its shape checked against the whole mastery array, as the NumPy path checks it.

    A dask array of one number or one per skill is computed (it is small); per
    learner and skill it stays a dask array.
    """
    if half_life_days is None:
        return None
    if is_dask_array(half_life_days) and half_life_days.ndim != 2:
        half_life_days = half_life_days.compute()
    got = _known_shape(half_life_days, "half_life_days") if is_dask_array(half_life_days) else np.shape(half_life_days)
    if len(got) == 1 and got != (shape[1],) or len(got) == 2 and got != shape or len(got) > 2:
        raise ShapeError(
            f"half_life_days must be a number, one value per skill ({shape[1]}) or per learner and skill {shape}; "
            f"got shape {got}",
            value=got,
        )
    return half_life_days


def recommendation_tasks(
    compiled: CompiledGraph,
    mastery: Any,
    *,
    k: int,
    threshold: float,
    goals: Any,
    params: Any,
    target_success: Any,
    elapsed_days: Any,
    half_life_days: Any,
    recall_threshold: float,
    max_reviews: int,
    missing: float | None,
) -> tuple[Recommendations, list[Any]]:
    """Check the arguments and build one delayed task per row chunk of ``mastery``.

    Returns the NumPy call on a few empty rows (it checks every argument that
    does not depend on the number of learners; its threshold and target band
    are the result's) and the tasks, in row order, each computing a
    :class:`_Part`. The graph and the options shared by every chunk are one
    key each; per-learner arguments are split by chunk.
    """
    from personalise.content import next_steps

    dask = _dask()
    array = _checked_mastery(
        compiled, mastery, lambda empty: next_steps.readiness(compiled, empty, threshold=threshold, missing=missing)
    )
    n_learners, n_skills = _known_shape(array, "mastery")
    shape = (n_learners, n_skills)
    rows = tuple(int(size) for size in array.chunks[0])
    elapsed = None if elapsed_days is None else _as_chunked(elapsed_days, "elapsed_days", shape, rows)
    half_life_days = _check_half_life(half_life_days, shape)
    per_cell = half_life_days is not None and (is_dask_array(half_life_days) or np.ndim(half_life_days) == 2)
    half_life = _as_chunked(half_life_days, "half_life_days", shape, rows) if per_cell else None
    per_learner = _is_per_learner(goals)
    if per_learner and len(goals) != n_learners:
        raise InvalidParameterError(
            f"per-learner goals must have one entry per learner ({n_learners}); got {len(goals)}", value=len(goals)
        )
    entries = _distinct(goals) if per_learner else goals
    n_probe = len(entries) if per_learner else 0
    options = {"k": k, "threshold": threshold, "params": params, "target_success": target_success,
               "recall_threshold": recall_threshold, "max_reviews": max_reviews}
    probe = next_steps.recommend_next(  # the NumPy path's own checks of the other arguments
        compiled,
        np.zeros((n_probe, n_skills), dtype=array.dtype),
        goals=entries,
        elapsed_days=None if elapsed_days is None else np.zeros((n_probe, n_skills)),
        half_life_days=np.ones((n_probe, n_skills)) if per_cell else half_life_days,
        **options,
    )

    graph = _shipped(compiled, "compiled-graph")
    shared = _shipped({**options, "goals": None if per_learner else goals,
                       "half_life_days": None if per_cell else half_life_days}, "recommend-next-options")
    blocks = array.to_delayed().ravel().tolist()
    nothing: list[Any] = [None] * len(blocks)
    elapsed_blocks = nothing if elapsed is None else elapsed.to_delayed().ravel().tolist()
    half_life_blocks = nothing if half_life is None else half_life.to_delayed().ravel().tolist()
    starts = np.concatenate([[0], np.cumsum(rows, dtype=np.int64)]).tolist()
    task = dask.delayed(_recommend_block, pure=False)
    name = f"recommend-next-{uuid.uuid4().hex}"
    tasks = []
    for number, block in enumerate(blocks):
        start, stop = starts[number], starts[number + 1]
        part_goals = _shipped(goals[start:stop], "goals") if per_learner else None
        tasks.append(task(graph, block, start, part_goals, elapsed_blocks[number], half_life_blocks[number], shared,
                          dask_key_name=(name, number)))
    return probe, tasks


def _joined(
    compiled: CompiledGraph, probe: Recommendations, parts: list[_Part], k: int
) -> Recommendations:
    """One :class:`Recommendations` from the chunks' parts, in row order, as the NumPy path builds it."""
    goal_sets: dict[tuple[Any, ...], int] = {}  # the distinct goal sets in order of first appearance
    goal_index = []
    for part in parts:
        codes = [goal_sets.setdefault(goal, len(goal_sets)) for goal in part.goal_sets]
        goal_index.append(np.array([*codes, -1], dtype=np.intp)[part.goal_index])
    indices = np.concatenate([part.indices for part in parts]) if parts else np.empty((0, k), dtype=np.intp)

    def joined(name: str, fill: object, dtype: Any) -> NDArray[Any] | None:
        pieces = [getattr(part, name) for part in parts]
        if all(piece is None for piece in pieces):
            return None
        return np.concatenate([
            np.full(part.indices.shape, fill, dtype=dtype) if piece is None else piece
            for part, piece in zip(parts, pieces, strict=True)
        ])

    steps = joined("steps_to_goal", -1, np.intp)
    terms = joined("terms", 0, np.int8)
    predicted = joined("predicted_success", np.nan, np.float64)
    recall = joined("recall", np.nan, np.float64)
    not_given: NDArray[Any] = np.empty(0)  # Recommendations' documented default
    return Recommendations(
        graph=compiled,
        indices=handed_over(indices),
        scores=handed_over(np.concatenate([part.scores for part in parts]) if parts else np.empty((0, k))),
        steps_to_goal=np.broadcast_to(np.intp(-1), indices.shape) if steps is None else handed_over(steps),
        goal_index=handed_over(np.concatenate(goal_index) if parts else np.empty(0, dtype=np.intp)),
        goal_sets=list(goal_sets),
        threshold=probe.threshold,
        terms=not_given if terms is None else handed_over(terms),
        predicted_success=not_given if predicted is None else handed_over(predicted),
        recall=not_given if recall is None else handed_over(recall),
        target_success=probe.target_success,
        learner_ids=None,
    )


def recommend_next(compiled: CompiledGraph, mastery: Any, **arguments: Any) -> Recommendations:
    """:func:`~personalise.recommend_next` of a dask array, computed chunk by chunk with the current scheduler.

    ``arguments`` are the keyword arguments of :func:`~personalise.recommend_next`.
    """
    probe, tasks = recommendation_tasks(compiled, mastery, **arguments)
    parts = list(_dask().compute(*tasks))
    return _joined(compiled, probe, parts, probe.k)
