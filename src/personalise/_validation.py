"""Boundary checks shared by the public functions.

Each ``check_*`` helper either returns a cleaned value or raises a documented
:class:`~personalise.exceptions.PersonaliseError` subclass whose message names
the argument, the rule and the offending value. Kernels never validate.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import operator
import os
import re
import sys
import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
    ShapeError,
)

__all__ = [
    "as_array",
    "check_client",
    "check_number",
    "check_rng",
    "seed_source",
    "check_id",
    "check_id_array",
    "check_scores",
    "check_timestamps",
    "parse_timestamp",
    "parse_timestamps",
    "read_text",
    "parse_json",
    "check_int",
    "load_json_document",
    "require_fields",
    "check_learner_ids",
    "check_mastery",
    "learner_ids_of",
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


def check_client(client: object) -> Any:
    """Return ``client`` if it is a ``dask.distributed.Client``; a one-line error naming the extra otherwise."""
    try:
        from distributed import Client
    except ImportError:
        raise InvalidParameterError(
            "client= needs dask.distributed: pip install 'personalise[dask]'", value=client
        ) from None
    if not isinstance(client, Client):
        raise InvalidParameterError(
            f"client must be a dask.distributed.Client; got {type(client).__name__}", value=client
        )
    return client


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
#: The unit every timestamp is stored in (UTC, microseconds).
TIME_UNIT = "datetime64[us]"
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
#: ``YYYY-MM-DDThh:mm...Z``: the extended form NumPy parses exactly like ``datetime.fromisoformat``.
_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z\Z")
_MICROSECOND = _dt.timedelta(microseconds=1)


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


def parse_timestamp(text: str, where: str) -> np.datetime64:
    """One ISO 8601 timestamp with a UTC offset (``Z`` or ``+01:00``) as UTC ``datetime64[us]``."""
    try:
        moment = _dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise EvidenceError(f"unparseable timestamp {text!r} {where}; expected ISO 8601 such as "
                            "'2026-09-01T09:00:00Z'", value=text) from None
    return _aware_to_utc(moment, where, text)


def _aware_to_utc(moment: _dt.datetime, where: str, shown: object) -> np.datetime64:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EvidenceError(f"timestamp {shown!r} {where} has no UTC offset (a naive local time); add 'Z' or an "
                            "offset such as '+01:00'", value=shown)
    return np.datetime64((moment - _EPOCH) // _MICROSECOND, "us")


def parse_timestamps(texts: Sequence[str], place: Callable[[int], str]) -> NDArray[np.datetime64]:
    """ISO 8601 texts as UTC ``datetime64[us]``: one vectorised pass for the ``...Z`` ones, the rest one by one.

    ``place(i)`` says where text ``i`` is (``"in row 3 of timestamps"``), for
    the message of an error.
    """
    stamps = np.empty(len(texts), dtype=TIME_UNIT)
    fast = [i for i, text in enumerate(texts) if _UTC_TEXT.match(text)]
    slow: Iterable[int] = range(len(texts))
    if fast:
        try:  # the common case: dates and times in UTC ('Z'), parsed by NumPy in one pass
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                stamps[fast] = np.array([texts[i][:-1] for i in fast], dtype=TIME_UNIT)
            chosen = set(fast)
            slow = [i for i in range(len(texts)) if i not in chosen] if len(fast) < len(texts) else []
        except (ValueError, Warning):  # something unusual: parse one by one so that the error names the place
            slow = range(len(texts))
    for i in slow:
        stamps[i] = parse_timestamp(texts[i], place(i))
    return stamps


def check_timestamps(values: Any, name: str = "timestamps") -> NDArray[np.datetime64]:
    """Return timestamps as UTC ``datetime64[us]``.

    Accepted: ``datetime64`` arrays (taken as UTC, NumPy's convention),
    timezone-aware pandas columns, and sequences of ISO 8601 strings, aware
    ``datetime`` objects or ``datetime64`` scalars. Strings and datetimes
    without an offset are naive local times and are refused, as are NaT and
    unparseable text; the error names the row.
    """
    if values is None or isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise EvidenceError(f"{name} must be a sequence of timestamps; got {values!r}", value=values)
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(values, (pandas.Series, pandas.Index)):
        dtype = values.dtype
        if isinstance(dtype, pandas.DatetimeTZDtype):
            if isinstance(values, pandas.Series):
                values = values.dt.tz_convert("UTC").dt.tz_localize(None)
            else:
                values = values.tz_convert("UTC").tz_localize(None)
        if values.dtype.kind == "M":
            values = values.to_numpy()
        else:
            values = values.to_numpy(dtype=object)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        if values.ndim != 1:
            raise EvidenceError(f"{name} must be 1-D; got shape {values.shape}", value=values.shape)
        stamps = values.astype(TIME_UNIT)
    else:
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if isinstance(values, np.ndarray) and values.ndim != 1:
            raise EvidenceError(f"{name} must be 1-D; got shape {values.shape}", value=values.shape)
        stamps = np.empty(len(items), dtype=TIME_UNIT)
        texts = [row for row, item in enumerate(items) if isinstance(item, str)]
        if texts:
            stamps[texts] = parse_timestamps([items[row] for row in texts],
                                             lambda i: f"in row {texts[i]} of {name}")
        for row, item in enumerate(items):
            if isinstance(item, str):
                continue
            where = f"in row {row} of {name}"
            if isinstance(item, _dt.datetime):
                stamps[row] = _aware_to_utc(item, where, item.isoformat())
            elif isinstance(item, np.datetime64):
                stamps[row] = item.astype(TIME_UNIT)
            else:
                raise EvidenceError(f"{name} must hold timestamps; got {item!r} in row {row}", value=item)
    missing = np.flatnonzero(np.isnat(stamps))
    if missing.size:
        raise EvidenceError(f"{name} has a missing timestamp (NaT) in row {int(missing[0])}", value=int(missing[0]))
    return stamps


def format_timestamp(stamp: np.datetime64) -> str:
    """A UTC ``datetime64`` as ISO 8601 text ending in ``Z`` (microseconds only when non-zero)."""
    text = str(stamp.astype(TIME_UNIT))
    if text.endswith(".000000"):
        text = text[:-7]
    return text + "Z"


# ------------------------------------------------------------------ text files
def read_text(
    source: Any,
    what: str,
    *,
    error: type[PersonaliseError] = EvidenceError,
    inline: Callable[[str], bool] | None = None,
) -> tuple[str, str]:
    """The text of a source and a name for it in messages: ``(text, name)``.

    ``source`` is a path (``str`` or ``os.PathLike``), an open file (text or
    binary) or, when ``inline(source)`` is true for a string, the text itself.
    Bytes are decoded as UTF-8 (a byte-order mark is dropped); a missing file,
    a directory or bytes that are not UTF-8 raise ``error`` naming the file
    and the line.
    """
    if hasattr(source, "read"):
        name = str(getattr(source, "name", f"the {what} file"))
        try:
            data = source.read()
        except UnicodeDecodeError as err:
            raise error(f"{name} is not UTF-8 text ({err.reason})", value=name) from None
        except (OSError, ValueError) as err:  # a closed file, a file opened for writing
            raise error(f"cannot read {name}: {err}", value=name) from None
        if isinstance(data, bytes):
            return _decode(data, name, error), name
        if not isinstance(data, str):
            raise error(f"{name} did not give text when read", value=name)
        return data.removeprefix("\ufeff"), name
    if isinstance(source, bytes):
        return _decode(source, f"the {what} bytes", error), f"the {what} bytes"
    if isinstance(source, str) and inline is not None and inline(source):
        return source.removeprefix("\ufeff"), f"the {what} text"
    if not isinstance(source, (str, os.PathLike)):
        raise InvalidParameterError(
            f"source must be a path, an open file or text; got {type(source).__name__}", value=source
        )
    path = os.fspath(source)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise error(f"no such {what} file: {path!r}", value=path) from None
    except IsADirectoryError:
        raise error(f"{path!r} is a folder, not a {what} file", value=path) from None
    except OSError as err:
        raise error(f"cannot read {what} file {path!r}: {err.strerror}", value=path) from None
    except ValueError as err:  # a NUL byte in the path
        raise error(f"cannot read {what} file {path!r}: {err}", value=path) from None
    return _decode(data, repr(path), error), repr(path)


def _decode(data: bytes, name: str, error: type[PersonaliseError]) -> str:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark is not text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        line = body[: err.start].count(b"\n") + 1
        raise error(f"{name} is not UTF-8 text: byte {body[err.start]:#04x} on line {line} ({err.reason})",
                    value=line) from None


def parse_json(text: str | bytes, name: str, *, error: type[PersonaliseError] = EvidenceError, line_offset: int = 0) -> Any:
    """Parse JSON text; a syntax error names ``name``, the line and the column.

    A document nested too deeply for the parser is refused with ``error``
    (never a ``RecursionError``), and so are the non-standard constants
    ``NaN`` and ``Infinity``.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise error(f"{name} is not valid JSON: {err.msg} (line {err.lineno + line_offset}, column {err.colno})",
                    value=err.lineno + line_offset) from None
    except RecursionError:
        raise error(f"{name} is nested too deeply to be a school data document", value=name) from None
    except UnicodeDecodeError as err:
        raise error(f"{name} is not UTF-8 text ({err.reason})", value=name) from None
    except ValueError as err:  # a refused constant
        raise error(f"{name} is not valid JSON: {err}", value=str(err)) from None


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")


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


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """The one converter for ``rng=``: a :class:`numpy.random.Generator` from None, an int, a SeedSequence or a Generator.

    A Generator is used as it is (drawing from it advances it, as any use
    does); None draws fresh entropy from the operating system; anything else
    (a bool, a negative int, a float, a string, the legacy ``RandomState``)
    is an :class:`~personalise.exceptions.InvalidParameterError` naming
    ``name``. Global random state (``np.random``'s and ``random``'s) is never
    read or written.
    """
    source = seed_source(rng, name)
    if isinstance(source, np.random.Generator):
        return source
    return np.random.Generator(np.random.PCG64(source))


def _is_integer_seed(value: object) -> bool:
    """True for an integer (Python or NumPy) that is not a bool."""
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, numbers.Integral)


def seed_source(rng: object, name: str = "rng") -> np.random.SeedSequence | np.random.Generator:
    """``rng`` checked as :func:`check_rng` checks it: a Generator as given, anything else as a SeedSequence."""
    if isinstance(rng, (np.random.Generator, np.random.SeedSequence)):
        return rng
    if rng is None or _is_integer_seed(rng):
        seed = None if rng is None else operator.index(rng)  # type: ignore[arg-type]
        if seed is not None and seed < 0:
            raise InvalidParameterError(f"{name} must be a non-negative integer seed; got {rng!r}", value=rng)
        return np.random.SeedSequence(seed)
    raise InvalidParameterError(
        f"{name} must be None, a non-negative int, a SeedSequence or a numpy Generator; got {rng!r:.80}", value=rng
    )
