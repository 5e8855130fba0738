"""Graph walks and checks shared by the experience level (one learner's row at a time)."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from personalise._validation import as_array, check_ids, check_sequence, check_texts
from personalise.exceptions import InvalidParameterError, ShapeError, UnknownSkillError
from personalise.graph import CompiledGraph

Chooser = Literal["learner", "teacher", "system"]
_CHOOSERS: tuple[str, ...] = ("learner", "teacher", "system")

#: Choice-set sizes outside this range are clamped (Patall, Cooper and Robinson 2008).
MIN_OPTIONS, MAX_OPTIONS = 2, 4

PATHWAY_SCHEMA = "personalise.pathway/1"
RECORD_SCHEMA = "personalise.choice_record/1"


# ----------------------------------------------------------------- helpers
def _check_row(compiled: CompiledGraph, mastery: Any, missing: float | None = None) -> NDArray[np.floating[Any]]:
    """One learner's mastery row as a 1-D float array, checked for length and range.

    A :class:`~personalise.MasteryTable` of one learner gives its row, columns
    matched to the graph by skill id.
    """
    from personalise.evidence import MasteryTable

    if isinstance(mastery, MasteryTable):
        if mastery.n_learners != 1:
            raise ShapeError(
                f"mastery must be one learner's row; the MasteryTable has {mastery.n_learners} learners "
                "(pass table.select([learner_id]))",
                value=mastery.n_learners,
            )
        row: NDArray[np.floating[Any]] = mastery.values_for(compiled.skill_ids, missing=missing)[0]
        return row
    if missing is not None:
        raise InvalidParameterError("missing= applies only to a MasteryTable (an array has every column)",
                                    value=missing)
    row = as_array(mastery, "mastery")
    if row.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        row = row.astype(np.float64)
    if row.ndim != 1:
        raise ShapeError(
            f"mastery must be one learner's row, 1-D (n_skills,); got shape {row.shape} "
            "(pass mastery[i] for learner i)",
            value=row.shape,
        )
    if row.shape[0] != compiled.n_skills:
        raise ShapeError(
            f"mastery must have one value per skill ({compiled.n_skills}); got shape {row.shape}", value=row.shape
        )
    bad = np.flatnonzero(~((row >= 0.0) & (row <= 1.0)))
    if bad.size:
        j = int(bad[0])
        value = row[j].item()
        raise InvalidParameterError(
            f"mastery must lie in [0, 1]; got {value!r} at {j} (skill {compiled.skill_ids[j]!r})", value=value
        )
    return row


def _mastered(row: NDArray[np.floating[Any]], threshold: float) -> list[bool]:
    return cast(list[bool], (row >= row.dtype.type(threshold)).tolist())


def _is_skill(compiled: CompiledGraph, value: object) -> bool:
    try:
        compiled.index_of(value)
    except UnknownSkillError:
        return False
    return True


def _goal_columns(compiled: CompiledGraph, goal: Any, name: str = "goal") -> list[int]:
    """Column indices (sorted, unique) of a skill id or a collection of skill ids."""
    if _is_skill(compiled, goal):
        return [compiled.index_of(goal)]
    if isinstance(goal, (set, frozenset, list, tuple)):
        if not goal:
            raise InvalidParameterError(f"{name} must name at least one skill; got {goal!r}", value=goal)
        return sorted({_column(compiled, skill, name) for skill in goal})
    raise UnknownSkillError(f"unknown skill {goal!r} in {name}: not in the compiled graph", value=goal)


def _column(compiled: CompiledGraph, skill: object, name: str) -> int:
    """The column of ``skill``; an UnknownSkillError naming ``name`` when it is not a skill of the graph."""
    if not _is_skill(compiled, skill):
        raise UnknownSkillError(f"unknown skill {skill!r:.80} in {name}: not in the compiled graph", value=skill)
    return compiled.index_of(skill)


def _preds(compiled: CompiledGraph, j: int) -> list[int]:
    return cast(list[int], compiled.pred_indices[compiled.pred_indptr[j] : compiled.pred_indptr[j + 1]].tolist())


def _succs(compiled: CompiledGraph, j: int) -> list[int]:
    return cast(list[int], compiled.succ_indices[compiled.succ_indptr[j] : compiled.succ_indptr[j + 1]].tolist())


def _closure(start: Iterable[int], neighbours: Any) -> set[int]:
    """Every node reachable from ``start`` through ``neighbours`` (``start`` excluded unless re-reached)."""
    seen: set[int] = set()
    stack = list(start)
    while stack:
        for v in neighbours(stack.pop()):
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def _ancestors(compiled: CompiledGraph, columns: Iterable[int]) -> set[int]:
    return _closure(columns, lambda j: _preds(compiled, j))


def _descendants(compiled: CompiledGraph, columns: Iterable[int]) -> set[int]:
    return _closure(columns, lambda j: _succs(compiled, j))


def _topological(compiled: CompiledGraph, steps: set[int], first: int | None = None) -> list[int]:
    """Kahn's algorithm on the subgraph induced by ``steps``; ties by lowest column.

    Only edges between two steps constrain the order: a mastered skill in
    between already satisfies its successors. ``first`` (a step without
    prerequisites among the steps) is put first.
    """
    indegree = {j: sum(1 for p in _preds(compiled, j) if p in steps) for j in steps}
    heap = [j for j, d in indegree.items() if d == 0 and j != first]
    heapq.heapify(heap)
    order: list[int] = []

    def take(u: int) -> None:
        order.append(u)
        for v in _succs(compiled, u):
            if v in steps:
                indegree[v] -= 1
                if indegree[v] == 0:
                    heapq.heappush(heap, v)

    if first is not None:
        take(first)
    while heap:
        take(heapq.heappop(heap))
    return order


def _to_ids(values: Any, name: str) -> tuple[Hashable, ...]:
    """``values`` as a tuple of ids, an error naming ``name`` otherwise."""
    return check_ids(values, name)


def _to_optional_ids(values: Any, name: str) -> tuple[Hashable, ...] | None:
    """``values`` as a tuple of ids, or None."""
    return None if values is None else check_ids(values, name)


def _to_orders(orders: Any, name: str) -> tuple[tuple[Hashable, ...], ...]:
    """``orders`` as a tuple of id tuples, an error naming ``name`` otherwise."""
    return tuple(check_ids(order, f"each of {name}") for order in check_sequence(orders, name) or [])


def _to_floats(values: Any, name: str) -> tuple[float, ...]:
    """``values`` as a tuple of finite floats, an error naming ``name`` otherwise."""
    array = as_array(values, name, kinds="biuf", dtype=np.float64, ndim=1, finite=True)
    return tuple(float(v) for v in array.tolist())


def _to_strs(values: Any, name: str) -> tuple[str, ...]:
    """``values`` as a tuple of strings, an error naming ``name`` otherwise."""
    return check_texts(values, name)
