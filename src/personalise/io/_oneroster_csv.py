"""The OneRoster 1.2 CSV binding, as :func:`~personalise.io.oneroster.read_oneroster` reads it (private).

* the data files of the binding, the columns of the files the reader uses
  (exact names and order), and the vocabularies of the fields it checks;
* opening a bundle (a folder, a zip file or zip bytes, or a mapping of file
  name to content) and reading the files it needs;
* parsing ``manifest.csv`` and a data file into a :class:`Table` whose header,
  row widths, ``sourcedId`` values and bulk/delta ``status`` and
  ``dateLastModified`` fields are checked.

Every problem raises :class:`~personalise.exceptions.EvidenceError` naming the
file, the line, the column, the rule and the offending value.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from personalise._validation import read_text
from personalise.exceptions import EvidenceError, InvalidParameterError

#: Every data file of the OneRoster 1.2 CSV binding (``manifest.csv`` aside).
DATA_FILES = (
    "academicSessions.csv", "categories.csv", "classes.csv", "classResources.csv", "courseResources.csv",
    "courses.csv", "demographics.csv", "enrollments.csv", "lineItemLearningObjectiveIds.csv", "lineItems.csv",
    "lineItemScoreScales.csv", "orgs.csv", "resources.csv", "resultLearningObjectiveIds.csv", "results.csv",
    "resultScoreScales.csv", "roles.csv", "scoreScales.csv", "userProfiles.csv", "userResources.csv", "users.csv",
)

_COMMON = ("sourcedId", "status", "dateLastModified")
#: The columns of the files the reader uses, in the order the binding fixes.
COLUMNS: dict[str, tuple[str, ...]] = {
    "orgs.csv": _COMMON + ("name", "type", "identifier", "parentSourcedId"),
    "users.csv": _COMMON + (
        "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
        "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "preferredGivenName",
        "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
    ),
    "roles.csv": _COMMON + (
        "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId",
    ),
    "classes.csv": _COMMON + (
        "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
        "termSourcedIds", "subjects", "subjectCodes", "periods",
    ),
    "enrollments.csv": _COMMON + (
        "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate",
    ),
    "lineItems.csv": _COMMON + (
        "title", "description", "assignDate", "dueDate", "classSourcedId", "categorySourcedId",
        "academicSessionSourcedId", "resultValueMin", "resultValueMax", "schoolSourcedId",
    ),
    "results.csv": _COMMON + (
        "lineItemSourcedId", "studentSourcedId", "scoreStatus", "score", "scoreDate", "comment", "textScore",
        "classSourcedId", "inProgress", "incomplete", "late", "missing",
    ),
    "lineItemLearningObjectiveIds.csv": _COMMON + ("lineItemSourcedId", "source", "learningObjectiveId"),
    "resultLearningObjectiveIds.csv": _COMMON + (
        "resultSourcedId", "source", "learningObjectiveId", "score", "textScore",
    ),
}

#: What one row of each file is, in messages.
KIND = {
    "orgs.csv": "org", "users.csv": "user", "roles.csv": "role", "classes.csv": "class",
    "enrollments.csv": "enrollment", "lineItems.csv": "line item", "results.csv": "result",
    "lineItemLearningObjectiveIds.csv": "line item objective", "resultLearningObjectiveIds.csv": "result objective",
}

ORG_TYPES = frozenset({"department", "school", "district", "local", "state", "national"})
ROLES = frozenset({
    "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor", "relative",
    "siteAdministrator", "student", "systemAdministrator", "teacher",
})
ROLE_TYPES = frozenset({"primary", "secondary"})
ENROLLMENT_ROLES = frozenset({"administrator", "proctor", "student", "teacher"})
SCORE_STATUSES = frozenset({"exempt", "fully graded", "not submitted", "partially graded", "submitted"})
OBJECTIVE_SOURCES = frozenset({"case", "unknown"})
BOOLEANS = frozenset({"true", "false"})
MODES = ("absent", "bulk", "delta")
STATUSES = frozenset({"active", "tobedeleted"})

_MANIFEST_PROPERTIES = frozenset({"manifest.version", "oneroster.version", "source.systemName", "source.systemCode"})
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, OSError,
               zlib.error, ValueError, struct.error, IndexError)


def shown(value: object) -> str:
    """``repr(value)``, cut to one short line for a message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:76] + "...'"


def stem(name: str) -> str:
    """``'results.csv'`` -> ``'results'`` (the manifest property is ``file.results``)."""
    return name[: -len(".csv")]


def is_extension(value: str) -> bool:
    """An ``ext:`` vocabulary extension token, which the binding allows in extensible vocabularies."""
    return value.startswith("ext:") and len(value) > 4


# ------------------------------------------------------------------ the bundle
class Bundle:
    """The files of a bundle: every name at its top level, and the content of the ones the reader uses."""

    __slots__ = ("label", "names", "data")

    def __init__(self, label: str, names: frozenset[str], data: dict[str, bytes]) -> None:
        self.label = label
        self.names = names
        self.data = data

    def text(self, name: str) -> str:
        """The decoded text of one file (UTF-8, a byte-order mark dropped); bad bytes name the line."""
        data = self.data[name]
        # drop a byte-order mark here: read_text would also drop it, but then name the byte and line of a
        # decoding error from the start of the text after it
        data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        text, _ = read_text(_Named(data, name), name, error=EvidenceError)
        nul = text.find("\x00")
        if nul >= 0:
            line = text.count("\n", 0, nul) + 1
            raise EvidenceError(f"{name} line {line}: contains a NUL character (a UTF-16 file, or binary data?); "
                                "OneRoster CSV files are UTF-8 text", value=line)
        return text

    def hint(self, name: str) -> str:
        """A note on files whose names differ from ``name`` only in case."""
        close = sorted(other for other in self.names if other.lower() == name.lower() and other != name)
        return f" (found {close[0]!r}: OneRoster file names are case-sensitive)" if close else ""


class _Named:
    """Bytes that :func:`read_text` reads as an open file named ``name``."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = data
        self.name = name

    def read(self) -> bytes:
        return self._data


#: The files read: the manifest and the data files of :data:`COLUMNS`.
WANTED = frozenset({"manifest.csv", *COLUMNS})


def load_bundle(source: Any) -> Bundle:
    """Read a bundle: a folder or zip path, zip bytes or a binary file, or a mapping of file name to content."""
    if isinstance(source, Mapping):
        return _from_mapping(source)
    if isinstance(source, (str, os.PathLike)):
        path = os.fsdecode(os.fspath(source))
        if os.path.isdir(path):
            return _from_folder(path)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise EvidenceError(f"no such OneRoster bundle (a folder or a .zip file): {path!r}", value=path) from None
        except (OSError, ValueError) as err:  # ValueError: a NUL in the path
            raise EvidenceError(f"cannot read the OneRoster bundle {path!r}: {err}", value=path) from None
        return _from_zip(data, repr(path))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _from_zip(bytes(source), "the OneRoster zip bytes")
    if hasattr(source, "read"):
        label = repr(str(getattr(source, "name", "the OneRoster zip file")))
        try:
            data = source.read()
        except (OSError, ValueError) as err:
            raise EvidenceError(f"cannot read the OneRoster bundle {label}: {err}", value=label) from None
        if not isinstance(data, (bytes, bytearray)):
            raise InvalidParameterError(f"source {label} gave text, not bytes: open a zip file in binary mode ('rb')",
                                        value=source)
        return _from_zip(bytes(data), label)
    raise InvalidParameterError(
        "source must be a folder or zip path, zip bytes, a binary file or a mapping of file name to content; "
        f"got {type(source).__name__}", value=source)


def _from_mapping(source: Mapping[Any, Any]) -> Bundle:
    data: dict[str, bytes] = {}
    for key, value in source.items():
        if not isinstance(key, str):
            raise InvalidParameterError(f"a bundle mapping's keys must be file names; got {key!r}", value=key)
        if isinstance(value, str):
            data[key] = value.encode("utf-8")
        elif isinstance(value, (bytes, bytearray, memoryview)):
            data[key] = bytes(value)
        else:
            raise InvalidParameterError(f"the content of {key!r} must be text or bytes; got {type(value).__name__}",
                                        value=key)
    return Bundle("the OneRoster bundle", frozenset(data), {name: data[name] for name in WANTED if name in data})


def _from_folder(path: str) -> Bundle:
    try:
        entries = os.listdir(path)
        if "manifest.csv" not in entries:
            folders = [entry for entry in entries if os.path.isfile(os.path.join(path, entry, "manifest.csv"))]
            if len(folders) == 1:
                path = os.path.join(path, folders[0])
                entries = os.listdir(path)
        names = frozenset(entry for entry in entries if os.path.isfile(os.path.join(path, entry)))
        data = {}
        for name in WANTED & names:
            with open(os.path.join(path, name), "rb") as handle:
                data[name] = handle.read()
    except OSError as err:
        raise EvidenceError(f"cannot read the OneRoster bundle {path!r}: {err.strerror or err}", value=path) from None
    return Bundle(repr(path), names, data)


def _from_zip(data: bytes, label: str) -> Bundle:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as err:
        raise EvidenceError(f"{label} is not a readable zip file or bundle folder ({err})", value=label) from None
    with archive:
        try:
            members = [info.filename for info in archive.infolist() if not info.is_dir()]
        except _ZIP_ERRORS as err:  # pragma: no cover - infolist is read when the archive opens
            raise EvidenceError(f"{label} is a damaged zip file ({err})", value=label) from None
        members = [name for name in members if not name.startswith("__MACOSX/")]
        prefix = ""
        if "manifest.csv" not in members:
            folders = sorted({name[: -len("manifest.csv")] for name in members
                              if name.endswith("/manifest.csv") and name.count("/") == 1})
            if len(folders) > 1:
                raise EvidenceError(f"{label} holds several bundles ({', '.join(folders)}): zip one bundle at a time",
                                    value=folders)
            if not folders:
                raise EvidenceError(f"{label} has no manifest.csv at its top level or in a single top-level folder; "
                                    "is it a OneRoster CSV bundle?", value=label)
            prefix = folders[0]
        names = frozenset(name[len(prefix):] for name in members
                          if name.startswith(prefix) and "/" not in name[len(prefix):])
        contents = {}
        for name in WANTED & names:
            try:
                contents[name] = archive.read(prefix + name)
            except _ZIP_ERRORS as err:
                raise EvidenceError(f"cannot read {name} from {label}: {err}", value=name) from None
    return Bundle(label, names, contents)


# ------------------------------------------------------------------ CSV
def _csv_error(name: str, text: str) -> EvidenceError:
    """The error for text that is not CSV, naming the line where the broken record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as err:
        seen = f" (noticed on line {reader.line_num}: is a quote left open?)" if reader.line_num != start else ""
        return EvidenceError(f"{name} line {start}: not valid CSV ({err}){seen}", value=start)
    return EvidenceError(f"{name}: not valid CSV", value=name)  # pragma: no cover - only called after an error


def _rows(name: str, text: str) -> tuple[list[list[str]], int]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error:
        raise _csv_error(name, text) from None
    if not rows:
        raise EvidenceError(f"{name} is empty; it must start with its header line", value=name)
    return rows, reader.line_num


def _record_lines(text: str) -> list[int]:
    """The first physical line of each CSV record (a quoted field may hold line breaks)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    starts = []
    previous = 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


def parse_manifest(bundle: Bundle) -> tuple[dict[str, str], dict[str, int]]:
    """The properties of ``manifest.csv`` and the line of each; checks names, versions and file modes."""
    if "manifest.csv" not in bundle.names:
        raise EvidenceError(f"{bundle.label} has no manifest.csv{bundle.hint('manifest.csv')}; every OneRoster "
                            "CSV bundle starts with one", value="manifest.csv")
    text = bundle.text("manifest.csv")
    rows, physical = _rows("manifest.csv", text)
    starts = None if physical == len(rows) else _record_lines(text)
    if rows[0] != ["propertyName", "value"]:
        raise EvidenceError(f"manifest.csv line 1: the header must be 'propertyName,value'; got "
                            f"{shown(','.join(rows[0]))}", value=rows[0])
    properties: dict[str, str] = {}
    lines: dict[str, int] = {}
    known_files = {f"file.{stem(name)}" for name in DATA_FILES}
    for index, row in enumerate(rows[1:], start=1):
        line = starts[index] if starts is not None else index + 1
        if not row:
            continue
        if len(row) != 2:
            raise EvidenceError(f"manifest.csv line {line}: {len(row)} fields but a manifest row has 2 "
                                f"(propertyName,value); got {shown(','.join(row))}", value=line)
        key, value = row
        if key not in _MANIFEST_PROPERTIES and key not in known_files:
            raise EvidenceError(f"manifest.csv line {line}, column 'propertyName': unknown property {shown(key)}; "
                                "OneRoster 1.2 has manifest.version, oneroster.version, source.systemName, "
                                "source.systemCode and one file.<name> per data file", value=key)
        if key in properties:
            raise EvidenceError(f"manifest.csv line {line}, column 'propertyName': {key!r} repeats line "
                                f"{lines[key]}", value=key)
        if key in known_files and value not in MODES:
            raise EvidenceError(f"manifest.csv line {line}, column 'value': {key} must be 'absent', 'bulk' or "
                                f"'delta'; got {shown(value)}", value=value)
        properties[key] = value
        lines[key] = line
    for key, wanted in (("manifest.version", "1.0"), ("oneroster.version", "1.2")):
        if key not in properties:
            raise EvidenceError(f"manifest.csv has no {key!r} property (a OneRoster 1.2 manifest says "
                                f"{key},{wanted})", value=key)
        if properties[key] != wanted:
            hint = " (this reader reads OneRoster 1.2 bundles)" if key == "oneroster.version" else ""
            raise EvidenceError(f"manifest.csv line {lines[key]}, column 'value': {key} must be {wanted!r}{hint}; "
                                f"got {shown(properties[key])}", value=properties[key])
    return properties, lines


def file_modes(bundle: Bundle, properties: Mapping[str, str], lines: Mapping[str, int]) -> dict[str, str]:
    """``'bulk'``, ``'delta'`` or ``'absent'`` per data file; the manifest and the bundle's files must agree."""
    modes = {}
    for name in DATA_FILES:
        key = f"file.{stem(name)}"
        mode = properties.get(key, "absent")
        present = name in bundle.names
        if mode != "absent" and not present:
            raise EvidenceError(f"{bundle.label} has no {name}{bundle.hint(name)}, but manifest.csv line "
                                f"{lines[key]} declares {key} {mode!r}", value=name)
        if mode == "absent" and present:
            said = f"line {lines[key]} declares {key} 'absent'" if key in lines else f"has no {key} entry"
            raise EvidenceError(f"{bundle.label} holds {name}, but manifest.csv {said}; declare it 'bulk' or "
                                "'delta', or leave the file out", value=name)
        modes[name] = mode
    return modes


class Table:
    """One data file as columns (header dropped, blank lines skipped), each row's line, and checks by column."""

    __slots__ = ("name", "mode", "ids", "deleted", "_n", "_lines", "_columns")

    def __init__(self, name: str, mode: str, text: str) -> None:
        self.name = name
        self.mode = mode
        rows, physical = _rows(name, text)
        header = rows[0]
        _check_header(name, header, COLUMNS[name])
        starts = None if physical == len(rows) else _record_lines(text)
        del rows[0]
        if not all(rows):  # blank lines hold no data: drop them, keep the lines of the others
            keep = [i for i, row in enumerate(rows) if row]
            starts = [starts[i + 1] if starts is not None else i + 2 for i in keep]
            rows = [rows[i] for i in keep]
        elif starts is not None:
            del starts[0]
        self._lines = starts
        self._n = len(rows)
        width = len(header)
        if set(map(len, rows)) - {width}:
            i = next(i for i, row in enumerate(rows) if len(row) != width)
            raise EvidenceError(f"{name} line {self.line(i)}: {len(rows[i])} fields but the header has {width} "
                                "(a truncated line, or a comma in an unquoted field?)", value=len(rows[i]))
        columns = list(zip(*rows)) if rows else [() for _ in header]
        del rows
        self._columns: dict[str, tuple[str, ...]] = dict(zip(header, columns))
        self.ids = self.column("sourcedId")
        self._check_ids()
        self.deleted = self._check_lifecycle()

    def __len__(self) -> int:
        return self._n

    def line(self, i: int) -> int:
        """The line of row ``i`` in the file (the header is line 1)."""
        return self._lines[i] if self._lines is not None else i + 2

    def column(self, column: str) -> tuple[str, ...]:
        """The values of one column, row by row."""
        return self._columns[column]

    def error(self, i: int, column: str, rule: str, value: object) -> EvidenceError:
        """An error for row ``i``: ``"<file> line <n>, column '<c>' (<kind> '<id>'): <rule>; got <value>"``."""
        sid = self.ids[i]
        item = f" ({KIND[self.name]} {sid!r})" if sid else ""
        return EvidenceError(f"{self.name} line {self.line(i)}, column {column!r}{item}: {rule}; got {shown(value)}",
                             value=value)

    def _check_ids(self) -> None:
        ids = self.ids
        if not all(ids):
            raise self.error(ids.index(""), "sourcedId", "is required (every row has a unique sourcedId)", "")
        if len(set(ids)) != len(ids):
            seen: dict[str, int] = {}
            for i, sid in enumerate(ids):
                if sid in seen:
                    raise self.error(i, "sourcedId", f"must be unique in {self.name}; it repeats line "
                                     f"{self.line(seen[sid])}", sid)
                seen[sid] = i

    def _check_lifecycle(self) -> list[bool]:
        status = self.column("status")
        modified = self.column("dateLastModified")
        where = f"manifest.csv declares file.{stem(self.name)} {self.mode!r}"
        if self.mode == "bulk":
            for column, values in (("status", status), ("dateLastModified", modified)):
                if any(values):
                    i = next(i for i, value in enumerate(values) if value)
                    raise self.error(i, column, f"must be blank in a bulk file ({where}; status and "
                                     "dateLastModified belong to delta files)", values[i])
            return [False] * len(status)
        self.first_bad(status, "status", lambda value: value in STATUSES,
                       f"must be 'active' or 'tobedeleted' in a delta file ({where})")
        self.first_bad(modified, "dateLastModified", _is_datetime,
                       f"must be a date and time with a UTC offset, such as '2026-09-01T09:00:00.000Z', in a delta "
                       f"file ({where})")
        return [value == "tobedeleted" for value in status]

    # -------------------------------------------------------- column checks
    def first_bad(self, values: tuple[str, ...], column: str, good: Any, rule: str) -> None:
        """Raise for the first row whose value fails ``good`` (checked once per distinct value)."""
        bad = {value for value in set(values) if not good(value)}
        if bad:
            i = next(i for i, value in enumerate(values) if value in bad)
            raise self.error(i, column, rule, values[i])

    def required(self, column: str) -> tuple[str, ...]:
        """A column every row must fill."""
        values = self.column(column)
        if not all(values):
            raise self.error(values.index(""), column, "is required (may not be empty)", "")
        return values

    def vocabulary(self, column: str, allowed: frozenset[str], *, extensible: bool) -> tuple[str, ...]:
        """A required column whose values come from a vocabulary (``ext:`` tokens too when ``extensible``)."""
        values = self.required(column)
        listed = ", ".join(repr(word) for word in sorted(allowed))
        rule = f"must be one of {listed}" + (" or an 'ext:' extension" if extensible else "") + \
            " (values are case-sensitive)"
        self.first_bad(values, column, lambda v: v in allowed or (extensible and is_extension(v)), rule)
        return values

    def numbers(self, column: str) -> dict[str, float]:
        """The number of each distinct value of an optional numeric column (``''`` -> nan)."""
        values = self.column(column)
        parsed = {"": math.nan}
        for value in set(values):
            if value and _NUMBER.fullmatch(value) is not None and math.isfinite(float(value)):
                parsed[value] = float(value)
        self.first_bad(values, column, parsed.__contains__, "must be a finite decimal number such as '7' or '7.5'")
        return parsed

    def dates(self, column: str) -> dict[str, _dt.date]:
        """The date of each distinct value of a required ``YYYY-MM-DD`` column."""
        values = self.required(column)
        parsed = {}
        for value in set(values):
            day = parse_date(value)
            if day is not None:
                parsed[value] = day
        self.first_bad(values, column, parsed.__contains__, "must be a calendar date YYYY-MM-DD (OneRoster 1.2 "
                       "gives this field as a date, without a time)")
        return parsed


def parse_date(value: str) -> _dt.date | None:
    """A ``YYYY-MM-DD`` calendar date, or None."""
    if _DATE.fullmatch(value) is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def _is_datetime(value: str) -> bool:
    if _DATETIME.fullmatch(value) is None:
        return False
    try:
        _dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_header(name: str, header: list[str], expected: tuple[str, ...]) -> None:
    spec = set(expected)
    lowered = {column.lower(): column for column in expected}
    for position, column in enumerate(header, start=1):
        if column not in spec and not (column.startswith("metadata.") and len(column) > len("metadata.")):
            near = lowered.get(column.strip().lower())
            hint = f" (did you mean {near!r}? column names are case-sensitive)" if near else ""
            raise EvidenceError(
                f"{name} line 1, column {position}: unknown column {shown(column)}{hint}; OneRoster 1.2 {name} has "
                f"its {len(expected)} columns, in order, then optional 'metadata.*' extension columns", value=column)
    for position, column in enumerate(expected, start=1):
        if column not in header:
            raise EvidenceError(f"{name} line 1: missing column {column!r} (position {position} of OneRoster 1.2 "
                                f"{name}; every column must be present, even when its values are empty)",
                                value=column)
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if column in seen:
            raise EvidenceError(f"{name} line 1, column {position}: {column!r} appears twice", value=column)
        seen.add(column)
    for position, (got, wanted) in enumerate(zip(header, expected), start=1):
        if got != wanted:
            raise EvidenceError(f"{name} line 1, column {position}: OneRoster 1.2 puts {wanted!r} here (the column "
                                f"order is fixed; 'metadata.*' columns go last); got {shown(got)}", value=got)


def split_list(value: str) -> tuple[str, ...]:
    """A OneRoster list field (comma-separated ids in one quoted field) as a tuple, empty items dropped."""
    return tuple(item.strip() for item in value.split(",") if item.strip()) if value else ()


_T = TypeVar("_T")


def distinct(items: Iterable[_T]) -> tuple[_T, ...]:
    """The items in first-seen order, each once."""
    return tuple(dict.fromkeys(items))


#: The files of the tiny bundle of :func:`~personalise.io.oneroster.example_bundle_files`.
EXAMPLE_FILES = {
    "manifest.csv": (
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\nfile.users,bulk\n"
        "file.classes,bulk\nfile.enrollments,bulk\nfile.lineItems,bulk\nfile.results,bulk\n"
        "file.lineItemLearningObjectiveIds,bulk\n"
    ),
    "orgs.csv": (
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
        "org-1,,,Hillside Primary,school,HS01,\n"
    ),
    "users.csv": (
        ",".join(COLUMNS["users.csv"]) + "\n"
        "u-ann,,,true,ann,,Ann,Lee,,S001,,,,,05,,,,,,org-1,\n"
        "u-bo,,,true,bo,,Bo,Khan,,S002,,,,,05,,,,,,org-1,\n"
        "u-tess,,,true,tess,,Tess,Moreau,,T001,,,,,,,,,,,org-1,\n"
    ),
    "classes.csv": (
        ",".join(COLUMNS["classes.csv"]) + "\n"
        "cls-5a,,,Maths 5A,05,crs-maths5,5A,scheduled,Room 4,org-1,term-1,Mathematics,,1\n"
    ),
    "enrollments.csv": (
        ",".join(COLUMNS["enrollments.csv"]) + "\n"
        "enr-1,,,cls-5a,org-1,u-ann,student,false,,\n"
        "enr-2,,,cls-5a,org-1,u-bo,student,false,,\n"
        "enr-3,,,cls-5a,org-1,u-tess,teacher,true,,\n"
    ),
    "lineItems.csv": (
        ",".join(COLUMNS["lineItems.csv"]) + "\n"
        "li-quiz,,,Fractions quiz,,2026-09-07,2026-09-11,cls-5a,cat-quiz,term-1,0,10,org-1\n"
        "li-project,,,Area project,,2026-09-07,2026-09-18,cls-5a,cat-project,term-1,0,20,org-1\n"
    ),
    "results.csv": (
        ",".join(COLUMNS["results.csv"]) + "\n"
        'res-1,,,li-quiz,u-ann,fully graded,7,2026-09-11,"Good, check step 3",,cls-5a,,,,\n'
        "res-2,,,li-quiz,u-bo,exempt,,2026-09-11,,,cls-5a,,,,\n"
        "res-3,,,li-project,u-ann,fully graded,15,2026-09-18,,,cls-5a,,,,\n"
    ),
    "lineItemLearningObjectiveIds.csv": (
        "sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId\n"
        "lilo-1,,,li-quiz,unknown,fractions\n"
    ),
}
