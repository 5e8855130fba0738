"""Evidence and mastery tables at the boundary: id lists, id lookups, table contents and documents.

The columns of an :class:`~personalise.Evidence` are checked by
:func:`~personalise._validation.check_id_array`,
:func:`~personalise._validation.check_scores` and
:func:`~personalise._validation.check_timestamps`. This module holds what the
methods of :class:`~personalise.Evidence` and :class:`~personalise.MasteryTable`
check besides: the ids a caller selects (:func:`check_id_list`) or looks up
(:func:`check_one_id`, :func:`positions_of`), the ids and values of a table
(:func:`check_table_ids`, :func:`check_table_values`), the columns a table is
aligned to (:func:`take_columns`), a table's JSON document
(:func:`table_document`) and the column names of an evidence frame
(:func:`frame_columns`). Every error names the caller's parameter (or the
document's field) and the offending value.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_id,
    check_id_array,
    check_sequence,
    load_json_document,
    refuse_repeats,
    require_fields,
)
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
    ShapeError,
    UnknownSkillError,
)

__all__ = [
    "check_id_list",
    "check_one_id",
    "check_table_ids",
    "check_table_values",
    "frame_columns",
    "positions_of",
    "table_document",
    "take_columns",
]


def check_id_list(values: object, name: str) -> NDArray[Any]:
    """Ids a caller passes to pick rows or columns, as :func:`check_id_array` returns them.

    A sequence (a list, a tuple, a 1-D array, a generator) of non-empty
    strings or of integers. One string, a mapping, a number, None and a 0-d
    array are an :class:`~personalise.exceptions.InvalidParameterError` naming
    ``name``, as is an item of another kind (a float, a bool, a nested list).
    """
    if isinstance(values, (str, bytes)):
        raise InvalidParameterError(f"{name} must be a sequence of ids, not one string; got {values!r:.80}",
                                    value=values)
    if isinstance(values, np.ndarray) and values.ndim:
        return check_id_array(values, name, InvalidParameterError)
    return check_id_array(check_sequence(values, name), name, InvalidParameterError)


def check_one_id(value: object, name: str) -> str | int:
    """Return one learner or skill id of a table: a non-empty string or an integer (not a bool)."""
    if isinstance(value, (np.str_, np.integer)):
        value = value.item()
    if (isinstance(value, str) and value) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise InvalidParameterError(f"{name} must be an id (a non-empty string or an integer); got {value!r:.80}",
                                value=value)


def positions_of(known: Sequence[Hashable], wanted: Sequence[Hashable], name: str,
                 error: type[PersonaliseError]) -> list[int]:
    """The position in ``known`` of each id of ``wanted``; ``error`` naming ``name`` for an id not there."""
    position = {item: i for i, item in enumerate(known)}
    out = []
    for item in wanted:
        if item not in position:
            raise error(f"{name}: {item!r:.80} is not in the mastery table", value=item)
        out.append(position[item])
    return out


def check_table_ids(values: object, name: str) -> tuple[Hashable, ...]:
    """The learner or skill ids of a table: unique ids (see :func:`check_id_list`) as a tuple."""
    ids: list[Hashable] = check_id_list(values, name).tolist()
    refuse_repeats(ids, name)
    return tuple(ids)


def check_table_values(values: object, learner_ids: Sequence[Hashable],
                       skill_ids: Sequence[Hashable]) -> NDArray[np.float64]:
    """A fresh float64 copy of a table's ``values``: shape (learners, skills), every value in [0, 1]."""
    array = as_array(values, "values", kinds="biufO")
    if array.dtype.kind == "O":
        for item in array.flat:
            if not isinstance(item, (numbers.Real, np.bool_)):
                raise InvalidParameterError(f"values must hold numbers in [0, 1]; got {item!r:.80}", value=item)
    table = np.array(array, dtype=np.float64, copy=True)
    shape = (len(learner_ids), len(skill_ids))
    if table.shape != shape:
        raise ShapeError(f"values must have shape {shape} (len(learner_ids), len(skill_ids)); got {table.shape}",
                         value=table.shape)
    bad = np.argwhere(~((table >= 0.0) & (table <= 1.0)))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise InvalidParameterError(f"values must lie in [0, 1]; got {table[i, j].item()!r} for learner "
                                    f"{learner_ids[i]!r}, skill {skill_ids[j]!r}", value=table[i, j].item())
    table.flags.writeable = False
    return table


def take_columns(values: NDArray[np.float64], columns: Sequence[Hashable], skill_ids: Sequence[Hashable],
                 missing: float | None, *, name: str, among: str) -> NDArray[np.float64]:
    """``values`` (whose columns are ``columns``) with its columns in the order of ``skill_ids``.

    A column ``skill_ids`` lacks is an :class:`~personalise.exceptions.UnknownSkillError`
    saying it is not ``among`` (a phrase naming the caller's parameter); a
    skill the table lacks takes the value ``missing``, or is a
    :class:`~personalise.exceptions.ShapeError` when ``missing`` is None.
    """
    known = set(skill_ids)
    for skill in columns:
        if skill not in known:
            raise UnknownSkillError(f"{name} has a column for skill {skill!r}, which is not {among}", value=skill)
    if missing is not None and (isinstance(missing, bool) or not isinstance(missing, (int, float, np.floating))
                                or not 0.0 <= float(missing) <= 1.0):
        raise InvalidParameterError(f"missing must be a number in [0, 1] or None; got {missing!r}", value=missing)
    position = {skill: j for j, skill in enumerate(columns)}
    cols = [position.get(skill, -1) for skill in skill_ids]
    absent = [k for k, col in enumerate(cols) if col < 0]
    if absent and missing is None:
        raise ShapeError(f"{name} has no column for skill {skill_ids[absent[0]]!r} (pass missing= to assume a value "
                         "for skills it lacks)", value=skill_ids[absent[0]])
    if not absent and cols == list(range(len(columns))):
        return values
    out = values[:, np.array(cols, dtype=np.intp)] if cols else np.zeros((values.shape[0], 0))
    if absent:
        out[:, absent] = float(missing)  # type: ignore[arg-type]
    out.flags.writeable = False
    return out


def table_document(data: Any, schema: str) -> tuple[list[Any], list[Any], NDArray[Any]]:
    """The learner ids, skill ids and values of a mastery-table document (``data``: a dict or JSON text)."""
    document = load_json_document(data, schema, name="data")
    require_fields(document, ("learner_ids", "skill_ids", "values"), "mastery table")
    for field in ("learner_ids", "skill_ids"):
        if not isinstance(document[field], list):
            raise InvalidParameterError(f"a mastery table's {field!r} must be a list of ids; got "
                                        f"{document[field]!r:.80}", value=document[field])
    values = document["values"]
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise InvalidParameterError("a mastery table's 'values' must be a list of rows", value=type(values))
    array = as_array(values, "values", ndim=2) if values else np.zeros((0, len(document["skill_ids"])))
    return document["learner_ids"], document["skill_ids"], array


def frame_columns(frame: Any, columns: object, names: Sequence[str], optional: Sequence[str]) -> dict[str, Any]:
    """For ``Evidence.from_frame``: the frame's column for each of ``names`` (``columns`` maps ours to the frame's).

    ``columns`` is None or a mapping whose keys are among ``names``; every
    name not in ``optional`` must then be a column of ``frame``.
    """
    if columns is not None and not isinstance(columns, Mapping):
        raise InvalidParameterError(f"columns must be a mapping from our column names to the frame's (a dict) or "
                                    f"None; got {columns!r:.80}", value=columns)
    chosen: dict[str, Any] = dict(columns or {})
    for key, column in chosen.items():
        if key not in names:
            raise InvalidParameterError(f"columns has unknown key {key!r:.80}; expected some of {tuple(names)}",
                                        value=key)
        check_id(column, f"columns[{key!r}]")
    if not hasattr(frame, "columns"):
        raise InvalidParameterError(f"frame must be a pandas DataFrame; got {type(frame).__name__}", value=frame)
    present = set(frame.columns)
    for name in names:
        column = chosen.setdefault(name, name)
        if column not in present and name not in optional:
            shown = f"frame has no column {column!r}" + (f" (for {name!r})" if column != name else "")
            raise EvidenceError(f"{shown}; name the frame's column for it in columns, e.g. columns={{{name!r}: ...}}",
                                value=column)
    return chosen
