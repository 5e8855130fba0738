"""Text, JSON and timestamps at the boundary: the library's one decoder and one JSON loader.

Every file or document the readers take passes through :func:`read_text`
(bytes as UTF-8, errors naming the file and the line) and :func:`parse_json`
(size and depth limits, no non-standard constants); every timestamp through
:func:`parse_timestamp` or :func:`check_timestamps` (UTC, offsets required).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise.exceptions import EvidenceError, InvalidParameterError, PersonaliseError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_JSON_SIZE",
    "TIME_UNIT",
    "check_timestamps",
    "decode",
    "format_timestamp",
    "parse_json",
    "parse_timestamp",
    "parse_timestamps",
    "read_text",
]

#: The unit every timestamp is stored in (UTC, microseconds).
TIME_UNIT = "datetime64[us]"
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
#: ``YYYY-MM-DDThh:mm...Z``: the extended form NumPy parses exactly like ``datetime.fromisoformat``.
_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z\Z")
_MICROSECOND = _dt.timedelta(microseconds=1)


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
    text = text.removesuffix(".000000")
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
            return decode(data, name, error), name
        if not isinstance(data, str):
            raise error(f"{name} did not give text when read", value=name)
        return data.removeprefix("\ufeff"), name
    if isinstance(source, bytes):
        return decode(source, f"the {what} bytes", error), f"the {what} bytes"
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
    return decode(data, repr(path), error), repr(path)


def decode(data: bytes, name: str, error: type[PersonaliseError], *, line_offset: int = 0) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); bad bytes are ``error`` naming ``name`` and the line."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark is not text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        line = body[: err.start].count(b"\n") + 1 + line_offset
        raise error(f"{name} is not UTF-8 text: byte {body[err.start]:#04x} on line {line} ({err.reason})",
                    value=line) from None


#: The longest JSON text :func:`parse_json` reads: 256 MiB (bytes, or characters of a ``str``).
MAX_JSON_SIZE = 256 * 2**20
#: The deepest nesting of arrays and objects :func:`parse_json` accepts (a top-level object is depth 1).
MAX_JSON_DEPTH = 200


def parse_json(text: str | bytes, name: str, *, error: type[PersonaliseError] = EvidenceError, line_offset: int = 0) -> Any:
    """Parse JSON text; a syntax error names ``name``, the line and the column.

    This is the library's one JSON loader. Bytes must be UTF-8 (a byte-order
    mark is dropped). It refuses, with ``error`` naming ``name``: text longer
    than :data:`MAX_JSON_SIZE`, arrays and objects nested deeper than
    :data:`MAX_JSON_DEPTH` (checked without recursion, so never a
    ``RecursionError``), and the non-standard constants ``NaN`` and
    ``Infinity``. ``line_offset`` is added to line numbers (for one line of
    a JSON Lines file).
    """
    if not isinstance(text, (str, bytes)):
        raise InvalidParameterError(f"{name} must be JSON text (str or bytes); got {type(text).__name__}", value=text)
    if len(text) > MAX_JSON_SIZE:
        raise error(f"{name} is {len(text)} {'bytes' if isinstance(text, bytes) else 'characters'} long; "
                    f"JSON documents are read up to {MAX_JSON_SIZE} ({MAX_JSON_SIZE // 2**20} MiB)", value=len(text))
    if isinstance(text, bytes):
        text = decode(text, name, error, line_offset=line_offset)
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise error(f"{name} is not valid JSON: {err.msg} (line {err.lineno + line_offset}, column {err.colno})",
                    value=err.lineno + line_offset) from None
    except RecursionError:
        raise error(f"{name} is nested too deeply to be a school data document (more than {MAX_JSON_DEPTH} levels)",
                    value=name) from None
    except ValueError as err:  # a refused constant; the first one outside a string is the likely culprit
        found = re.search(r"(?<![\w\"])(?:-?Infinity|NaN)(?![\w\"])", text)
        line = (text.count("\n", 0, found.start()) + 1 if found else 1) + line_offset
        raise error(f"{name} is not valid JSON: {err} (line {line})", value=line) from None
    if _json_depth(data) > MAX_JSON_DEPTH:
        raise error(f"{name} is nested too deeply to be a school data document (more than {MAX_JSON_DEPTH} levels)",
                    value=name)
    return data


def _json_depth(data: Any) -> int:
    """How deeply arrays and objects nest in parsed JSON (0 for a scalar), by an explicit stack."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")
