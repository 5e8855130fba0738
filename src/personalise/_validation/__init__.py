"""The one boundary: every public function checks its inputs here.

Each ``check_*`` helper either returns a cleaned value or raises a documented
:class:`~personalise.exceptions.PersonaliseError` subclass whose message names
the argument, the rule and the offending value. Kernels never validate.

This package holds arrays, numbers, ids, flags and enum members;
:mod:`personalise._validation.documents` holds text files, JSON and
timestamps (re-exported here, as is :func:`personalise._random.check_rng`,
which converts ``rng=``); :mod:`personalise._validation.tables` holds the
checks of :class:`~personalise.Evidence` and
:class:`~personalise.MasteryTable` ids and values, imported from there.
"""

from __future__ import annotations

import enum
import math
import numbers
import os
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._random import check_rng, seed_source
from personalise._validation.documents import (
    TIME_UNIT,
    check_timestamps,
    format_timestamp,
    parse_json,
    parse_timestamp,
    parse_timestamps,
    read_text,
)
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
    ShapeError,
)

__all__ = [
    "TIME_UNIT",
    "StrictEnumType",
    "as_array",
    "check_flag",
    "check_graph",
    "check_id",
    "check_id_array",
    "check_ids",
    "check_int",
    "check_json_id",
    "check_json_ids",
    "check_learner_ids",
    "check_mastery",
    "check_number",
    "check_path",
    "check_probability_block",
    "check_rng",
    "check_scores",
    "check_sequence",
    "check_text",
    "check_texts",
    "check_threshold",
    "check_timestamps",
    "format_timestamp",
    "is_flag",
    "is_text",
    "learner_ids_of",
    "load_json_document",
    "number_in",
    "parse_json",
    "parse_timestamp",
    "parse_timestamps",
    "read_text",
    "refuse_member",
    "refuse_repeats",
    "writable_id",
    "require_fields",
    "seed_source",
]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_BIT_VIEWS: dict[np.dtype[Any], tuple[type[np.unsignedinteger[Any]], int]] = {
    np.dtype(np.float32): (np.uint32, int(np.array(1.0, dtype=np.float32).view(np.uint32))),
    np.dtype(np.float64): (np.uint64, int(np.array(1.0, dtype=np.float64).view(np.uint64))),
}


def check_int(value: object, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= ``minimum`` (and <= ``maximum`` when given)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        shown = f"an integer >= {minimum}" if maximum is None else f"an integer in [{minimum}, {maximum}]"
        raise InvalidParameterError(f"{name} must be {shown}; got {value!r:.80}", value=value)
    if int(value) < minimum:
        shown = f"an integer >= {minimum}" if maximum is None else f"an integer in [{minimum}, {maximum}]"
        raise InvalidParameterError(f"{name} must be {shown}; got {value!r}", value=value)
    if maximum is not None and int(value) > maximum:
        raise InvalidParameterError(f"{name} must be an integer in [{minimum}, {maximum}]; got {value!r}", value=value)
    return int(value)


def check_threshold(value: object, name: str = "threshold") -> float:
    """Return ``value`` as a float in the half-open interval (0, 1]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a number in (0, 1]; got {value!r}", value=value)
    result = float(value)
    if not 0.0 < result <= 1.0:  # also rejects nan
        raise InvalidParameterError(f"{name} must lie in (0, 1]; got {value!r}", value=value)
    return result


def check_mastery(
    mastery: Any, n_skills: int, skill_ids: Sequence[Hashable], *, missing: float | None = None
) -> NDArray[np.floating[Any]]:
    """Return ``mastery`` as a 2-D float32 or float64 array with ``n_skills`` columns.

    float32 and float64 arrays are used as given (no copy, no upcast). Other
    real dtypes (bool, integers, float16) are converted to float64. A
    :class:`~personalise.MasteryTable` or a pandas DataFrame whose columns are
    the graph's skill ids (in any order) is reordered to the graph's column
    order; a table may lack skills when ``missing`` gives the value to assume.
    Values are checked later, block by block, by :func:`check_probability_block`.
    """
    from personalise.evidence import MasteryTable

    if isinstance(mastery, MasteryTable):
        return mastery.values_for(skill_ids, missing=missing)
    if missing is not None:
        raise InvalidParameterError("missing= applies only to a MasteryTable (an array has every column)",
                                    value=missing)
    if hasattr(mastery, "columns") and hasattr(mastery, "to_numpy"):
        mastery = _frame_to_array(mastery, skill_ids)
    array = as_array(mastery, "mastery")
    if array.dtype not in _FLOATS:
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


def learner_ids_of(mastery: Any) -> tuple[Hashable, ...] | None:
    """The learner ids a mastery argument carries (a MasteryTable's), else None."""
    from personalise.evidence import MasteryTable

    return mastery.learner_ids if isinstance(mastery, MasteryTable) else None


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
    ids = check_sequence(learner_ids, "learner_ids") or []
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


def load_json_document(document: str | bytes | Mapping[str, Any], schema: str, *,
                       name: str = "document") -> Mapping[str, Any]:
    """Parse ``document`` (JSON text or an already parsed dict) and check its ``"schema"`` field.

    Text is read by :func:`parse_json` (so with its size and depth limits);
    every refusal is an :class:`InvalidParameterError` naming ``name`` (the
    caller's parameter) and the schema.
    """
    if isinstance(document, (str, bytes)):
        try:
            data = parse_json(document, f"{name} (a {schema!r} document)", error=InvalidParameterError)
        except InvalidParameterError as err:
            raise InvalidParameterError(f"{name} is not a JSON document: {err}", value=err.value) from None
    else:
        data = document
    if not isinstance(data, Mapping):
        raise InvalidParameterError(f"{name} (a {schema!r} document) must be a JSON object; got {data!r:.80}",
                                    value=data)
    if data.get("schema") != schema:
        raise InvalidParameterError(f"{name}: expected schema {schema!r}; got {data.get('schema')!r:.80}",
                                    value=data.get("schema"))
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


def check_number(value: object, name: str, low: float = -math.inf, high: float = math.inf, *,
                 open_low: bool = False, open_high: bool = False) -> float:
    """Return ``value`` as a float if it is a real number (not a bool, not NaN) in the interval."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(f"{name} must be a number; got {value!r:.80}", value=value)
    number = float(value)
    below = number <= low if open_low else number < low
    above = number >= high if open_high else number > high
    if math.isnan(number) or below or above:
        left, right = "(" if open_low else "[", ")" if open_high else "]"
        raise InvalidParameterError(f"{name} must lie in {left}{low:g}, {high:g}{right}; got {value!r}", value=value)
    return number


def number_in(low: float, high: float, *, open_low: bool = False, open_high: bool = False) -> Any:
    """An attrs validator: a real number (not a bool) in the interval, ends open or closed as asked."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_number(value, attribute.name, low, high, open_low=open_low, open_high=open_high)

    return check


# ------------------------------------------------------------ ids, scores, time


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_id_array(values: Any, name: str, error: type[PersonaliseError] = EvidenceError) -> NDArray[Any]:
    """Return ids as a 1-D array: ``str_`` when all are strings, ``int64`` when all are integers.

    Ids are the keys of school data: non-empty strings or integers, all of one
    kind in one column (so they sort, group and round-trip through JSON). The
    error names the column, the row and the offending value.
    """
    if values is None or isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise error(f"{name} must be a sequence of ids (strings or integers); got {values!r}", value=values)
    raw = values.to_numpy() if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray) else values
    if isinstance(raw, np.ndarray):
        if raw.ndim != 1:
            raise error(f"{name} must be 1-D; got shape {raw.shape}", value=raw.shape)
        if raw.dtype.kind == "U":
            empty = np.flatnonzero(raw == "")
            if empty.size:
                raise error(f"{name} has an empty id in row {int(empty[0])}", value=int(empty[0]))
            return raw
        if raw.dtype.kind in "iu":
            if raw.dtype.kind == "u" and raw.size and raw.max() > np.iinfo(np.int64).max:
                row = int(np.argmax(raw))
                raise error(f"{name} has an integer id too large for int64 in row {row}", value=raw[row].item())
            return raw.astype(np.int64)
        if raw.dtype.kind != "O":
            raise error(f"{name} must hold strings or integers; got dtype {raw.dtype}", value=raw.dtype)
        items = raw.tolist()
    else:
        items = list(raw)
    if not items:
        return np.zeros(0, dtype=np.str_)
    first = items[0]
    if isinstance(first, str):
        for row, item in enumerate(items):
            if not isinstance(item, str) or not item:
                shown = "an empty id" if item == "" else f"{item!r} among string ids"
                raise error(f"{name} has {shown} in row {row}; ids must be all non-empty strings or all integers",
                            value=item)
        return np.array(items, dtype=np.str_)
    if _is_int(first):
        for row, item in enumerate(items):
            if not _is_int(item):
                raise error(f"{name} has {item!r} among integer ids in row {row}; ids must be all strings or all "
                            "integers", value=item)
        try:
            return np.array(items, dtype=np.int64)
        except OverflowError:
            raise error(f"{name} has an integer id outside int64", value=None) from None
    raise error(f"{name} must hold strings or integers; got {first!r} in row 0", value=first)


def check_scores(values: Any, name: str = "scores") -> NDArray[np.float64]:
    """Return scores as float64 in [0, 1] (booleans become 0/1); NaN, inf and text are errors naming the row."""
    if values is None or isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise EvidenceError(f"{name} must be a sequence of numbers in [0, 1]; got {values!r}", value=values)
    raw = values.to_numpy() if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray) else values
    array = np.asarray(raw) if isinstance(raw, np.ndarray) else None
    if array is None:
        items = list(raw)
        for row, item in enumerate(items):
            if not isinstance(item, (numbers.Real, np.bool_)):
                raise EvidenceError(f"{name} must hold numbers in [0, 1]; got {item!r} in row {row}", value=item)
        array = np.array(items, dtype=np.float64) if items else np.zeros(0)
    elif array.dtype.kind not in "biuf":
        for row, item in enumerate(array.tolist()):
            if not isinstance(item, (numbers.Real, np.bool_)):
                raise EvidenceError(f"{name} must hold numbers in [0, 1]; got {item!r} in row {row}", value=item)
    try:
        scores = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise EvidenceError(f"{name} must hold numbers in [0, 1]", value=values) from None
    if scores.ndim != 1:
        raise EvidenceError(f"{name} must be 1-D; got shape {scores.shape}", value=scores.shape)
    bad = np.flatnonzero(~((scores >= 0.0) & (scores <= 1.0)))
    if bad.size:
        row = int(bad[0])
        raise EvidenceError(f"{name} must lie in [0, 1]; got {scores[row].item()!r} in row {row}", value=scores[row].item())
    return scores


_KIND_NAMES = {"b": "booleans", "i": "integers", "u": "integers", "f": "real numbers", "c": "complex numbers",
               "O": "Python objects", "U": "text", "S": "bytes", "M": "dates", "m": "durations", "V": "records"}


def as_array(
    value: Any,
    name: str,
    *,
    kinds: str = "biuf",
    dtype: Any = None,
    ndim: int | tuple[int, ...] | None = None,
    finite: bool = False,
    low: float | None = None,
    high: float | None = None,
    error: type[PersonaliseError] = InvalidParameterError,
) -> NDArray[Any]:
    """The one converter for array-likes: ``value`` as an ndarray, or an error naming ``name``.

    ``np.asarray`` is called once (no copy for an array of the right dtype;
    read-only, Fortran-order and strided views are used as they are). A
    ragged nested sequence is a :class:`~personalise.exceptions.ShapeError`
    (never NumPy's "inhomogeneous shape" ``ValueError``); an element kind
    outside ``kinds`` (object, complex, text ... by default) is ``error``;
    ``dtype`` converts the accepted kinds; ``ndim`` (one count or several)
    is checked; ``finite`` refuses NaN and infinities; ``low`` and ``high``
    bound every value (NaN fails them too). Messages give the position of
    the first offending value.
    """
    if isinstance(value, (str, bytes, Mapping)) or value is None:
        raise error(f"{name} must be an array; got {value!r:.80}", value=value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            array = np.asarray(value)
    except (ValueError, TypeError, np.exceptions.ComplexWarning) as err:
        text = str(err)
        if "inhomogeneous" in text or "sequence" in text:
            raise ShapeError(f"{name} must be a rectangular array; got a ragged sequence (rows of different "
                             "lengths or shapes)", value=name) from None
        raise error(f"{name} cannot be read as an array: {text}", value=name) from None
    if array.dtype.kind not in kinds:
        allowed = list(dict.fromkeys(_KIND_NAMES.get(kind, kind) for kind in kinds))
        listed = allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + " or " + allowed[-1]
        raise error(f"{name} must hold {listed}; got dtype {array.dtype}", value=array.dtype)
    if dtype is not None and array.dtype != np.dtype(dtype):
        array = array.astype(dtype)
    wanted = (ndim,) if isinstance(ndim, int) else ndim
    if wanted is not None and array.ndim not in wanted:
        counts = " or ".join(f"{n}-D" for n in wanted)
        raise ShapeError(f"{name} must be {counts}; got shape {array.shape}", value=array.shape)
    if array.size and array.dtype.kind in "fc" and (finite or low is not None or high is not None):
        ok = np.isfinite(array) if finite else np.ones(array.shape, dtype=bool)
        if low is not None:
            ok &= array >= low
        if high is not None:
            ok &= array <= high
        if not ok.all():
            where = tuple(int(i) for i in np.argwhere(~ok)[0])
            shown = where[0] if len(where) == 1 else where
            rule = f"lie in [{low}, {high}]" if low is not None and high is not None else (
                f"be >= {low}" if low is not None else f"be <= {high}" if high is not None else "be finite")
            bad = array[where].item()
            raise error(f"{name} must {rule}; got {bad!r} at {shown}", value=bad)
    elif array.size and array.dtype.kind in "iub" and (low is not None or high is not None):
        lowest, highest = array.min(), array.max()
        if (low is not None and lowest < low) or (high is not None and highest > high):
            position = int(np.argmin(array)) if low is not None and lowest < low else int(np.argmax(array))
            index = tuple(int(i) for i in np.unravel_index(position, array.shape))
            bad = array[index].item()
            raise error(f"{name} must lie in [{low}, {high}]; got {bad!r} at {index}",
                        value=bad)
    return array


def check_text(value: object, name: str, *, optional: bool = False, empty: bool = True) -> str | None:
    """Return ``value`` if it is a ``str`` (None too when ``optional``; ``""`` only when ``empty``).

    Raises an :class:`~personalise.exceptions.InvalidParameterError` naming
    ``name`` for anything else: a number (NaN included), bytes, a container.
    """
    if value is None and optional:
        return None
    if not isinstance(value, str):
        kind = "a string or None" if optional else "a string"
        raise InvalidParameterError(f"{name} must be {kind}; got {value!r:.80}", value=value)
    if not empty and not value.strip():
        raise InvalidParameterError(f"{name} must be a non-empty string; got {value!r}", value=value)
    return value


def is_text(*, optional: bool = False, empty: bool = True) -> Any:
    """An attrs validator: the field is a ``str`` (see :func:`check_text`), named in the error."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_text(value, attribute.name, optional=optional, empty=empty)

    return check


def check_flag(value: object, name: str) -> bool:
    """Return ``value`` as a ``bool`` if it is ``True`` or ``False`` (NumPy's too), else an error naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{name} must be True or False; got {value!r:.80}", value=value)
    return bool(value)


def is_flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator: the field is ``True`` or ``False`` (see :func:`check_flag`)."""
    check_flag(value, attribute.name)


def refuse_member(enum_class: type[Any], value: object, name: str) -> Any:
    """For an Enum's ``_missing_``: raise an error naming ``name``, the allowed values and ``value``.

    ``Level("nonsense")`` then raises an
    :class:`~personalise.exceptions.InvalidParameterError` (a ``ValueError``
    too, as Enum lookups raise) instead of the bare ``ValueError``.
    """
    allowed = ", ".join(repr(member.value) for member in enum_class)
    raise InvalidParameterError(
        f"{name} must be one of {allowed} (a {enum_class.__name__}); got {value!r:.80}", value=value
    )


class StrictEnumType(enum.EnumType):
    """The metaclass of the library's Enums: an unhashable lookup value goes to ``_missing_`` too.

    ``Enum.__call__`` compares an unhashable value (a list, an array) with
    every member before ``_missing_`` is asked, and an array comparison
    raises NumPy's "truth value is ambiguous"; here such a value is handed
    straight to the class's ``_missing_`` (see :func:`refuse_member`).
    """

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            try:
                hash(value)
            except TypeError:
                return cls._missing_(value)  # type: ignore[attr-defined]
        return super().__call__(value, *args, **kwargs)


def check_path(value: object, name: str, *, error: type[PersonaliseError] = InvalidParameterError) -> str:
    """Return ``value`` as a file path string if it is a ``str`` or ``os.PathLike`` naming a file.

    An int (``open`` would take it for a file descriptor), bytes, an empty
    string or a path holding a NUL character is ``error`` naming ``name``.
    """
    path = os.fspath(value) if isinstance(value, os.PathLike) else value
    if not isinstance(path, str):
        raise error(f"{name} must be a path (a str or os.PathLike); got {value!r:.80}", value=value)
    if not path.strip() or "\x00" in path:
        raise error(f"{name} must be a path naming a file; got {path!r:.80}", value=value)
    return path


def check_sequence(values: object, name: str, *, optional: bool = False) -> list[Any] | None:
    """Return the items of ``values`` as a list if it is a collection (a list, tuple, 1-D array...).

    None (unless ``optional``), a single string or bytes, a mapping, a scalar
    and a 0-d array are an :class:`~personalise.exceptions.InvalidParameterError`
    naming ``name``.
    """
    if values is None and optional:
        return None
    if isinstance(values, (str, bytes)):
        raise InvalidParameterError(f"{name} must be a sequence (a list or tuple), not one string; got {values!r:.80}",
                                    value=values)
    if (values is None or isinstance(values, Mapping) or not isinstance(values, Iterable)
            or (isinstance(values, np.ndarray) and values.ndim == 0)):
        raise InvalidParameterError(f"{name} must be a sequence (a list or tuple); got {values!r:.80}", value=values)
    return list(values)


def check_ids(values: object, name: str) -> tuple[Hashable, ...]:
    """Return ``values`` as a tuple of ids: a sequence (see :func:`check_sequence`) of hashable, non-NaN items."""
    items = check_sequence(values, name) or []
    for position, item in enumerate(items):
        if item is None or isinstance(item, (list, dict, set, np.ndarray)) or (
                isinstance(item, (float, np.floating)) and math.isnan(item)):
            raise InvalidParameterError(f"{name} must hold ids; got {item!r:.80} at position {position}", value=item)
        try:
            hash(item)
        except TypeError:
            raise InvalidParameterError(f"{name} must hold hashable ids; got {item!r:.80} at position {position}",
                                        value=item) from None
    return tuple(items)


def check_texts(values: object, name: str) -> tuple[str, ...]:
    """Return ``values`` as a tuple of strings: a sequence (see :func:`check_sequence`) whose items are all ``str``."""
    items = check_sequence(values, name) or []
    for position, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidParameterError(f"{name} must hold strings; got {item!r:.80} at position {position}",
                                        value=item)
    return tuple(items)


def check_graph(value: object, name: str = "compiled") -> Any:
    """Return ``value`` if it is a :class:`~personalise.CompiledGraph`, else an error naming ``name``."""
    from personalise.graph import CompiledGraph

    if not isinstance(value, CompiledGraph):
        raise InvalidParameterError(f"{name} must be a CompiledGraph (see compile_graph); got {value!r:.80}",
                                    value=value)
    return value


def check_json_id(value: object, what: str) -> str | int:
    """An id read from a JSON document: a str or an int, as the library writes them (a bool is not an id)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidParameterError(f"{what} must be a str or int id (the ids a JSON document holds); got {value!r:.80}",
                                    value=value)
    return value


def check_json_ids(values: object, what: str) -> list[str | int]:
    """A JSON list of ids (see :func:`check_json_id`); ``what`` names the field, positions are added."""
    if not isinstance(values, list):
        raise InvalidParameterError(f"{what} must be a list of ids; got {values!r:.80}", value=values)
    return [check_json_id(value, f"{what}[{position}]") for position, value in enumerate(values)]


def refuse_repeats(ids: Sequence[Hashable], name: str) -> None:
    """Raise an :class:`InvalidParameterError` naming ``name`` and the position of the first id that repeats."""
    seen: set[Hashable] = set()
    for position, item in enumerate(ids):
        if item in seen:
            raise InvalidParameterError(f"{name} must be unique; {item!r:.80} appears again at position {position}",
                                        value=item)
        seen.add(item)


def writable_id(value: Hashable) -> str | int:
    """``value`` if a JSON document can hold it as an id (a str or an int, not a bool): the mirror of :func:`check_json_id`."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidParameterError(f"only str and int skill ids can be written to JSON; got {value!r}", value=value)
    return value
