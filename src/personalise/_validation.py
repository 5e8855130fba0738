"""Boundary checks shared by the public functions.

Each ``check_*`` helper either returns a cleaned value or raises a documented
:class:`~personalise.exceptions.PersonaliseError` subclass whose message names
the argument, the rule and the offending value. Kernels never validate.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.exceptions import InvalidParameterError, ShapeError

__all__ = [
    "check_id",
    "check_int",
    "load_json_document",
    "require_fields",
    "check_learner_ids",
    "check_mastery",
    "check_probability_block",
    "check_threshold",
    "number_in",
]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_BIT_VIEWS: dict[np.dtype[Any], tuple[type[np.unsignedinteger[Any]], int]] = {
    np.dtype(np.float32): (np.uint32, int(np.array(1.0, dtype=np.float32).view(np.uint32))),
    np.dtype(np.float64): (np.uint64, int(np.array(1.0, dtype=np.float64).view(np.uint64))),
}


def check_int(value: object, name: str, *, minimum: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InvalidParameterError(
            f"{name} must be an integer >= {minimum}; got {value!r}", value=value
        )
    if int(value) < minimum:
        raise InvalidParameterError(
            f"{name} must be an integer >= {minimum}; got {value!r}", value=value
        )
    return int(value)


def check_threshold(value: object, name: str = "threshold") -> float:
    """Return ``value`` as a float in the half-open interval (0, 1]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a number in (0, 1]; got {value!r}", value=value)
    result = float(value)
    if not 0.0 < result <= 1.0:  # also rejects nan
        raise InvalidParameterError(f"{name} must lie in (0, 1]; got {value!r}", value=value)
    return result


def check_mastery(mastery: Any, n_skills: int, skill_ids: Sequence[Hashable]) -> NDArray[np.floating[Any]]:
    """Return ``mastery`` as a 2-D float32 or float64 array with ``n_skills`` columns.

    float32 and float64 arrays are used as given (no copy, no upcast). Other
    real dtypes (bool, integers, float16) are converted to float64. A pandas
    DataFrame whose columns are the graph's skill ids (in any order) is
    reordered to the graph's column order. Values are checked later, block by
    block, by :func:`check_probability_block`.
    """
    if hasattr(mastery, "columns") and hasattr(mastery, "to_numpy"):
        mastery = _frame_to_array(mastery, skill_ids)
    array = np.asarray(mastery)
    if array.dtype not in _FLOATS:
        if array.dtype.kind not in "biuf":
            raise InvalidParameterError(
                f"mastery must hold real numbers; got dtype {array.dtype}", value=array.dtype
            )
        array = array.astype(np.float64)
    if array.ndim != 2:
        raise ShapeError(
            f"mastery must be 2-D (n_learners, n_skills); got shape {array.shape}", value=array.shape
        )
    if array.shape[1] != n_skills:
        raise ShapeError(
            f"mastery must have one column per skill ({n_skills}); got shape {array.shape}",
            value=array.shape,
        )
    return array


def _frame_to_array(frame: Any, skill_ids: Sequence[Hashable]) -> Any:
    from personalise.exceptions import UnknownSkillError

    columns = list(frame.columns)
    if columns == list(skill_ids):
        return frame.to_numpy()
    known = set(skill_ids)
    for column in columns:
        if column not in known:
            raise UnknownSkillError(f"mastery column {column!r} is not a skill of the graph", value=column)
    present = set(columns)
    for skill in skill_ids:
        if skill not in present:
            raise ShapeError(f"mastery has no column for skill {skill!r}", value=skill)
    if len(columns) != len(present):
        duplicate = next(c for c in columns if columns.count(c) > 1)
        raise ShapeError(f"mastery has column {duplicate!r} more than once", value=duplicate)
    return frame[list(skill_ids)].to_numpy()


def check_probability_block(block: NDArray[np.floating[Any]], row_offset: int, name: str = "mastery") -> None:
    """Raise unless every value of ``block`` lies in [0, 1] (NaN included).

    ``row_offset`` is the row of ``block[0]`` in the full array, so the message
    names the position in the caller's array.
    """
    if block.size == 0:
        return
    # Fast path, one pass: non-negative floats order like their bit patterns, and
    # negative numbers and NaN have patterns above that of 1.0.
    bits = _BIT_VIEWS.get(block.dtype)
    if bits is not None and block.view(bits[0]).max() <= bits[1]:
        return
    if block.min() >= 0.0 and block.max() <= 1.0:  # exact check (accepts -0.0); nan fails it
        return
    bad = ~((block >= 0.0) & (block <= 1.0))
    row, col = (int(i) for i in np.argwhere(bad)[0])
    value = block[row, col].item()
    raise InvalidParameterError(
        f"{name} must lie in [0, 1]; got {value!r} at ({row + row_offset}, {col})", value=value
    )


def check_learner_ids(learner_ids: Iterable[Hashable] | None, n_learners: int) -> list[Hashable]:
    """Return learner ids as a list: ``range(n_learners)`` when None, else unique ids of that length."""
    if learner_ids is None:
        return list(range(n_learners))
    if isinstance(learner_ids, (str, bytes)):
        raise InvalidParameterError(
            f"learner_ids must be a sequence of ids, not a single string; got {learner_ids!r}", value=learner_ids
        )
    ids = list(learner_ids)
    if len(ids) != n_learners:
        raise ShapeError(f"learner_ids must have one id per learner ({n_learners}); got {len(ids)}", value=len(ids))
    seen: set[Hashable] = set()
    for position, learner in enumerate(ids):
        try:
            repeated = learner in seen
        except TypeError:
            raise InvalidParameterError(
                f"learner_ids must be hashable; got {learner!r} at position {position}", value=learner
            ) from None
        if repeated:
            raise InvalidParameterError(
                f"learner_ids must be unique; {learner!r} appears again at position {position}", value=learner
            )
        seen.add(learner)
    return ids


def load_json_document(document: str | bytes | Mapping[str, Any], schema: str) -> Mapping[str, Any]:
    """Parse ``document`` (JSON text or an already parsed dict) and check its ``"schema"`` field."""
    if isinstance(document, (str, bytes)):
        try:
            data = json.loads(document)
        except json.JSONDecodeError as err:
            raise InvalidParameterError(f"not a JSON document: {err}", value=document) from None
    else:
        data = document
    if not isinstance(data, Mapping):
        raise InvalidParameterError(f"a {schema!r} document must be a JSON object; got {data!r}", value=data)
    if data.get("schema") != schema:
        raise InvalidParameterError(f"expected schema {schema!r}; got {data.get('schema')!r}", value=data.get("schema"))
    return data


def check_id(value: object, what: str) -> Hashable:
    """Return ``value`` if it can serve as an id (hashable, not None, not a container)."""
    if value is None or isinstance(value, (list, dict, set)):
        raise InvalidParameterError(f"{what} must be a hashable id; got {value!r}", value=value)
    try:
        hash(value)
    except TypeError:
        raise InvalidParameterError(f"{what} must be hashable; got {value!r}", value=value) from None
    return value


def require_fields(data: Mapping[str, Any], fields: Iterable[str], what: str) -> None:
    """Raise naming the first of ``fields`` that the ``what`` document lacks."""
    for field in fields:
        if field not in data:
            raise InvalidParameterError(f"{what} document is missing the field {field!r}", value=field)


def number_in(low: float, high: float, *, open_low: bool = False, open_high: bool = False) -> Any:
    """An attrs validator: a real number (not a bool) in the interval, ends open or closed as asked."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise InvalidParameterError(f"{attribute.name} must be a number; got {value!r}", value=value)
        number = float(value)
        below = number <= low if open_low else number < low
        above = number >= high if open_high else number > high
        if math.isnan(number) or below or above:
            left, right = "(" if open_low else "[", ")" if open_high else "]"
            raise InvalidParameterError(
                f"{attribute.name} must lie in {left}{low:g}, {high:g}{right}; got {value!r}", value=value
            )

    return check
