"""The rules for the arguments and the cells of a marks export (see :func:`personalise.io.marks.read_marks`).

Each cell rule takes one distinct cell of a column and returns its value and
``None``, or a stand-in value and the problem in words; the reader adds the
file, the line and the column.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from personalise._validation import TIME_UNIT, check_sequence, parse_timestamp
from personalise.exceptions import EvidenceError, InvalidParameterError

#: Our names for the columns of a marks export: the keys ``columns=`` may map.
MARK_COLUMNS = ("learner_id", "skill_id", "mark", "out_of", "date", "evidence_id")
#: The headers a column not named in ``columns=`` is recognised by (compared
#: case-insensitively, spaces and underscores alike), in order of preference.
HEADER_ALIASES = {
    "learner_id": ("learner_id", "learner", "pupil_id", "pupil", "student_id", "student", "upn"),
    "skill_id": ("skill_id", "skill", "objective_id", "objective"),
    "mark": ("mark", "marks"),
    "out_of": ("out_of", "max_mark", "max_marks", "maximum", "max", "total"),
    "date": ("date", "assessed", "date_assessed"),
    "evidence_id": ("evidence_id", "mark_id"),
}


def header_key(header: str) -> str:
    """A header as the aliases compare it: case-folded, with spaces and hyphens as underscores."""
    return "_".join(header.casefold().replace("-", " ").replace("_", " ").split())
REQUIRED = ("learner_id", "skill_id", "mark", "date")

#: The marks that mean "no mark was given" (matched case-insensitively after
#: stripping spaces), with the reason a skipped row is given. A blank mark is
#: always skipped too.
ABSENCE_CODES: Mapping[str, str] = MappingProxyType({
    "a": "absent", "abs": "absent", "absent": "absent",
    "n/a": "not assessed", "na": "not assessed",
    "-": "no mark",
})

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_DECIMAL_COMMA = re.compile(r"-?[0-9]*,[0-9]+")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")
_NATIONAL_DATE = re.compile(r"[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}(?:[T ].*)?")
_OFFSET = re.compile(r"([+-])([0-9]{2}):?([0-9]{2})")
_TIME_DIRECTIVE = re.compile(r"%[-#]?[HIMSfpXcTR]")
_NOON = _dt.time(12)

Problem = str | None


# ------------------------------------------------------------------ options
class Options:
    """The checked keyword arguments of :func:`personalise.io.marks.read_marks`."""

    def __init__(self, columns: Any, max_marks: Any, timezone: Any, date_format: Any, absence_codes: Any) -> None:
        self.headers = _check_columns(columns)
        self.given = {key for key, header in (columns or {}).items() if header is not None}
        self.max_marks: float | Mapping[Any, float] | None = _check_max_marks(max_marks)
        self.zone, self.zone_label = _check_timezone(timezone)
        if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
            raise InvalidParameterError(
                f"date_format must be a strptime format such as '%d/%m/%Y'; got {date_format!r}", value=date_format
            )
        self.date_format: str | None = date_format
        self.codes = _check_codes(absence_codes)


def _check_columns(columns: Any) -> dict[str, str | None]:
    if columns is None:
        columns = {}
    if not isinstance(columns, Mapping):
        raise InvalidParameterError(f"columns must be a mapping of our column names to the export's headers; got "
                                    f"{columns!r}", value=columns)
    headers: dict[str, str | None] = {name: name for name in MARK_COLUMNS}
    for key, header in columns.items():
        if key not in MARK_COLUMNS:
            raise InvalidParameterError(f"columns has unknown key {key!r}; expected some of {MARK_COLUMNS}", value=key)
        if header is None and key in REQUIRED:
            raise InvalidParameterError(f"columns[{key!r}] cannot be None: the {key} column is required", value=key)
        if header is not None and (not isinstance(header, str) or not header.strip()):
            raise InvalidParameterError(f"columns[{key!r}] must be a header name; got {header!r}", value=header)
        headers[key] = None if header is None else header.strip()
    named = [(key, header) for key, header in headers.items() if header is not None]
    for position, (key, header) in enumerate(named):
        for other, again in named[:position]:
            if again == header:
                raise InvalidParameterError(f"columns maps both {other!r} and {key!r} to the header {header!r}",
                                            value=header)
    return headers


def _positive(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a number above 0; got {value!r}", value=value)
    result = float(value)
    if not (math.isfinite(result) and result > 0.0):
        raise InvalidParameterError(f"{name} must be a finite number above 0; got {value!r}", value=value)
    return result


def _check_max_marks(max_marks: Any) -> float | Mapping[Any, float] | None:
    if max_marks is None:
        return None
    if isinstance(max_marks, Mapping):
        return {skill: _positive(value, f"max_marks[{skill!r}]") for skill, value in max_marks.items()}
    return _positive(max_marks, "max_marks")


def _check_timezone(timezone: Any) -> tuple[_dt.tzinfo | None, str]:
    if timezone is None or isinstance(timezone, _dt.tzinfo):
        return timezone, str(timezone)
    if not isinstance(timezone, str):
        raise InvalidParameterError(f"timezone must be a name such as 'Europe/London', an offset such as '+01:00' "
                                    f"or a tzinfo; got {timezone!r}", value=timezone)
    if timezone.strip().upper() in ("UTC", "Z"):
        return _dt.timezone.utc, "UTC"
    offset = _OFFSET.fullmatch(timezone.strip())
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        hours, minutes = int(offset.group(2)), int(offset.group(3))
        if hours < 24 and minutes < 60:
            return _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes)), timezone.strip()
    else:
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(timezone), timezone
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise InvalidParameterError(f"timezone {timezone!r} is neither a time zone name known to this system "
                                "(such as 'Europe/London') nor an offset such as '+01:00'", value=timezone)


def _check_codes(codes: Any) -> dict[str, str]:
    if codes is None:
        return dict(ABSENCE_CODES)
    if isinstance(codes, (str, bytes)) or not isinstance(codes, Iterable):
        raise InvalidParameterError(f"absence_codes must be a collection of codes such as ['A', 'ABS']; got "
                                    f"{codes!r}", value=codes)
    pairs = codes.items() if isinstance(codes, Mapping) else (
        (code, "no mark") for code in check_sequence(codes, "absence_codes") or ())
    out = {}
    for code, reason in pairs:
        if not isinstance(code, str) or not code.strip() or not isinstance(reason, str):
            raise InvalidParameterError(f"absence_codes must hold non-empty text codes (and text reasons); got "
                                        f"{code!r}", value=code)
        out[code.strip().casefold()] = reason
    return out


# ------------------------------------------------------------------ cells
def is_missing(cell: object) -> bool:
    if cell is None or type(cell).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(cell, (float, np.floating)):
        return math.isnan(cell)
    return isinstance(cell, np.datetime64) and bool(np.isnat(cell))


def is_blank(cell: object) -> bool:
    return is_missing(cell) or (isinstance(cell, str) and not cell.strip())


def parse_number(cell: object, what: str) -> tuple[float, Problem]:
    """A mark or maximum: a finite number >= 0 (text with an optional decimal point, or a real number)."""
    if isinstance(cell, (bool, np.bool_)):
        return 0.0, f"{what} {clip(cell)} is not a number (such as 7 or 7.5)"
    if isinstance(cell, str):
        text = cell.strip()
        if text.startswith("-") and _NUMBER.fullmatch(text[1:]):
            return 0.0, f"{what} {text} is negative"
        if _DECIMAL_COMMA.fullmatch(text):
            point = clip(text.replace(",", "."))
            return 0.0, f"{what} {clip(text)} has a decimal comma; write a decimal point ({point})"
        if not _NUMBER.fullmatch(text):
            codes = " nor one of the absence_codes" if what == "mark" else ""
            return 0.0, f"{what} {clip(text)} is not a number (such as 7 or 7.5){codes}"
        value = float(text)
    elif isinstance(cell, numbers.Real):
        value = float(cell)
    else:
        return 0.0, f"{what} {clip(cell)} is not a number (such as 7 or 7.5)"
    if not math.isfinite(value):
        return 0.0, f"{what} {shown(cell)} is not a finite number"
    if value < 0.0:
        return 0.0, f"{what} {shown(cell)} is negative"
    return value, None


def parse_maximum(cell: object) -> tuple[float, Problem]:
    """A maximum mark: a number above 0."""
    if is_blank(cell):
        return 0.0, "the maximum (out of) is blank"
    value, problem = parse_number(cell, "maximum")
    return value, problem or (None if value > 0.0 else f"maximum {shown(cell)} must be above 0")


def clip(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short with ``...`` past ``limit`` characters (messages stay one readable line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(cell: object) -> str:
    """A cell in a message: text as written (stripped, cut short), anything else as its repr."""
    if isinstance(cell, str):
        text = cell.strip()
        return text if len(text) <= 60 else text[:57] + "..."
    return clip(cell)


def identifier(cell: object, what: str) -> tuple[str | int, Problem]:
    if isinstance(cell, str):
        text = cell.strip()
        return text, (None if text else f"the {what} is blank")
    if isinstance(cell, (int, np.integer)) and not isinstance(cell, (bool, np.bool_)):
        if -(2**63) <= int(cell) < 2**63:
            return int(cell), None
        return 0, f"{what} {clip(cell)} is too large an integer"
    if is_missing(cell):
        return "", f"the {what} is blank"
    return "", f"a {what} must be text or a whole number; got {clip(cell)}"


class Dates:
    """Turns date cells into UTC ``datetime64[us]`` by the rules of :func:`personalise.io.marks.read_marks`."""

    def __init__(self, options: Options) -> None:
        self.zone, self.label, self.format = options.zone, options.zone_label, options.date_format
        self.format_has_time = bool(_TIME_DIRECTIVE.search(self.format or ""))

    def __call__(self, cell: object) -> tuple[np.datetime64 | None, Problem]:
        if is_missing(cell):
            return None, "the date is blank"
        if isinstance(cell, str):
            return self.text(cell.strip())
        if isinstance(cell, np.datetime64):
            if np.datetime_data(cell.dtype)[0] in ("Y", "M", "W", "D"):
                return self.iso(np.datetime_as_string(cell.astype("datetime64[D]")))
            return self.iso(np.datetime_as_string(cell.astype(TIME_UNIT)))
        if isinstance(cell, (_dt.datetime, _dt.date)):
            return self.iso(cell.isoformat())
        return None, f"expected a date; got {clip(cell)}"

    def text(self, text: str) -> tuple[np.datetime64 | None, Problem]:
        if not text:
            return None, "the date is blank"
        if self.format is None:
            return self.iso(text)
        try:
            moment = _dt.datetime.strptime(text, self.format)
        except ValueError:
            return None, f"date {clip(text)} does not match date_format {self.format!r}"
        if moment.tzinfo is not None:
            return self.aware(moment)
        return self.local(moment, text) if self.format_has_time else self.day(moment.date(), text)

    def iso(self, text: str) -> tuple[np.datetime64 | None, Problem]:
        if _ISO_DAY.fullmatch(text):
            try:
                return self.day(_dt.date.fromisoformat(text), text)
            except ValueError:
                return None, f"date {clip(text)} is not a calendar date"
        if _ISO_MOMENT.match(text):
            try:
                moment = _dt.datetime.fromisoformat(text)
            except ValueError:
                return None, f"date {clip(text)} is not an ISO 8601 time such as '2026-09-14T10:30:00+01:00'"
            return self.aware(moment) if moment.utcoffset() is not None else self.local(moment, text)
        if _NATIONAL_DATE.fullmatch(text):
            return None, (f"date {clip(text)} is not ISO 8601 (in such dates the day and month cannot be told "
                          "apart); export dates as YYYY-MM-DD, or pass date_format= (such as '%d/%m/%Y')")
        return None, f"{clip(text)} is not an ISO 8601 date such as '2026-09-14'"

    def day(self, day: _dt.date, text: str) -> tuple[np.datetime64 | None, Problem]:
        if self.zone is None:
            return self.local(_dt.datetime.combine(day, _NOON), text, _dt.timezone.utc, "UTC")
        return self.local(_dt.datetime.combine(day, _NOON), text)

    def local(self, moment: _dt.datetime, text: str, zone: _dt.tzinfo | None = None,
              label: str | None = None) -> tuple[np.datetime64 | None, Problem]:
        zone, label = (zone, label) if zone is not None else (self.zone, self.label)
        if zone is None:
            return None, (f"time {clip(text)} has no UTC offset (a naive local time); add 'Z' or an offset such as "
                          "'+01:00', or pass timezone= (such as 'Europe/London')")
        first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
        if first.utcoffset() is None or first.utcoffset() != second.utcoffset():
            return None, (f"local time {clip(text)} is skipped or repeated by a clock change in {label}; add an offset "
                          "such as '+01:00'")
        return self.aware(first)

    def aware(self, moment: _dt.datetime) -> tuple[np.datetime64 | None, Problem]:
        try:
            return parse_timestamp(moment.isoformat(), "in the marks export"), None
        except (EvidenceError, OverflowError) as err:
            return None, str(err)
