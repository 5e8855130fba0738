"""Marks exports: learner, skill or objective, mark, out of, date (the plain CSV every school MIS writes).

:func:`read_marks` turns such an export, a CSV file or a pandas DataFrame,
into :class:`~personalise.Evidence`: one score ``mark / out_of`` per row, with
a stable evidence id, and every row it leaves out listed with its reason in
``.skipped``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import itertools
import operator
import os
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, NoReturn, Protocol

import numpy as np
from numpy.typing import NDArray

from personalise._validation import TIME_UNIT, format_timestamp, read_text
from personalise.evidence import Evidence
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
)
from personalise.io._marks_rules import (
    ABSENCE_CODES,
    HEADER_ALIASES,
    MARK_COLUMNS,
    REQUIRED,
    Dates,
    Options,
    Problem,
    clip,
    header_key,
    identifier,
    is_blank,
    parse_maximum,
    parse_number,
    shown,
)

__all__ = ["ABSENCE_CODES", "HEADER_ALIASES", "MARK_COLUMNS", "read_marks"]


def read_marks(
    source: Any,
    *,
    columns: Mapping[str, str | None] | None = None,
    max_marks: float | Mapping[Any, float] | None = None,
    timezone: str | _dt.tzinfo | None = None,
    date_format: str | None = None,
    absence_codes: Mapping[str, str] | Iterable[str] | None = None,
) -> Evidence:
    """Read a marks export (learner, skill or objective, mark, out of, date) as evidence.

    Parameters
    ----------
    source : path, open file, str, bytes or pandas.DataFrame
        A CSV file (UTF-8, with or without the byte-order mark a spreadsheet
        writes; any of ``\\n``, ``\\r\\n`` or ``\\r`` line ends), an open text
        or binary file, the CSV text itself (a string holding a line break),
        its bytes, or a DataFrame with the same columns.
    columns : mapping of str to str or None, optional
        Maps our column names (:data:`MARK_COLUMNS`: ``learner_id``,
        ``skill_id``, ``mark``, ``out_of``, ``date``, ``evidence_id``) to the
        export's headers, e.g. ``{"learner_id": "UPN", "skill_id":
        "Objective", "mark": "Mark", "out_of": "Max", "date": "Date"}``.
        A name not mapped is looked for under our name, then under its
        usual headers (:data:`HEADER_ALIASES`: ``Learner``, ``Pupil``,
        ``UPN``; ``Skill``, ``Objective``; ``Mark``; ``Out of``, ``Max``,
        ``Total``; ``Date``), compared case-insensitively. ``None`` for
        ``out_of`` or ``evidence_id`` says to ignore such a column.
    max_marks : number or mapping of skill id to number, optional
        The maximum mark when the export has no out-of column: one number for
        every row, or one per skill (a curriculum-wide mapping may hold more
        skills than the export).
    timezone : str or datetime.tzinfo, optional
        Where the export's local times were recorded: an IANA name
        (``"Europe/London"``), an offset (``"+01:00"``), ``"UTC"`` or a
        ``tzinfo``. It places dates without a time and times without an
        offset; times with an offset keep their own.
    date_format : str, optional
        A :meth:`datetime.datetime.strptime` format for the dates, e.g.
        ``"%d/%m/%Y"``, for an export that cannot write ISO 8601 dates.
    absence_codes : mapping of str to str, or iterable of str, optional
        The marks that mean "no mark", with the reason each is skipped for
        (an iterable gives the reason "no mark"). Default
        :data:`ABSENCE_CODES`.

    Returns
    -------
    Evidence
        One row per mark in file order; ``sources`` is the file name
        (``"CSV text"`` for text without a name, ``"DataFrame"`` for a
        frame); ``.skipped`` holds ``(line, reason)`` for each row without a
        mark (for a DataFrame, ``(row position, reason)``).

    Raises
    ------
    EvidenceError
        For a missing, empty or non-UTF-8 file, malformed CSV, a required
        header missing or repeated, a row with too many or too few fields, or
        a cell breaking a rule below. The one-line message names the file,
        the line, the column, the rule and the offending value.
    InvalidParameterError
        For a bad argument: an unknown key in ``columns``, a maximum that is
        not a positive number, an unknown time zone, or ``max_marks`` given
        for an export that has an out-of column.

    See Also
    --------
    personalise.Evidence : the value object returned.

    Notes
    -----
    *Rows.* The header is the first non-blank line. Headers named in
    ``columns`` are matched exactly (case-sensitively) after stripping
    surrounding spaces and a byte-order mark; a column not named there is
    found by our name or its usual headers (the first alias that is present
    wins, two headers for one alias are an error); other columns are ignored, and an ``evidence_id``
    column is used when present. Lines that are empty or hold only spaces
    and commas are not rows (spreadsheets write them after the data); every
    other row must have as many fields as the header. Fields are parsed by
    :mod:`csv`, strictly (a quote may only close a field), so quoted fields
    may hold commas, quotes and line breaks; lines are counted from 1, the
    header's included, and a row is named by its first line.

    *Ids.* Learner, skill and evidence ids are stripped of surrounding
    spaces and kept as text (``"0042"`` stays ``"0042"``); a blank id is an
    error. In a DataFrame, whole-number ids stay integers.

    *Marks.* A mark is a number with an optional decimal point (``7``,
    ``7.5``, ``.5``): a decimal comma (``7,5``), an exponent, a sign, a
    negative mark, a mark above its maximum, and any other text are errors
    naming the row. A blank mark, or an absence code (by default ``A``,
    ``ABS``, ``absent``: "absent"; ``N/A``, ``NA``: "not assessed"; ``-``:
    "no mark"; in any case), skips the row into ``.skipped`` with the reason
    (``"blank mark"``, ``"absent (mark 'A')"``), and its other cells are not
    checked. The maximum follows the same number rule and must be above 0;
    it comes from the out-of column or, when the export has none, from
    ``max_marks`` (a skill missing from a mapping is an error naming the
    row). ``max_marks`` with an out-of column is refused rather than one of
    them silently winning: ``columns={"out_of": None}`` ignores the column.
    The score is ``mark / out_of`` in float64, in [0, 1].

    *Dates.* Dates are ISO 8601 and required on every row with a mark. A
    day (``2026-09-14``) is a mark recorded for a day, not a moment: it is
    taken as noon of that day in ``timezone`` (UTC by default), which keeps
    the calendar day in every time zone less than 12 hours from UTC. A time
    with an offset (``2026-09-14T10:30:00+01:00``, ``...Z``) is converted to
    UTC. A time without an offset is a local time: it needs ``timezone``
    (the library never guesses one), and a local time that a clock change
    skips or repeats is refused. National formats such as ``14/09/2026``
    (day or month first?) are refused unless ``date_format`` says how to
    read them; a format without a time directive gives a day, as above.

    *Evidence ids.* Without an ``evidence_id`` column, a row's id is what the
    row is about: ``"<learner>/<skill>/<UTC time>"``, with ``"/2"``,
    ``"/3"``... appended to the second and later rows of the same learner,
    skill and time in file order (``%`` and ``/`` in ids are written ``%25``
    and ``%2F``, so ids never collide). Neither the mark nor the file name
    is part of it: importing the same export again, a re-export under
    another name with rows added or reordered, or a corrected mark gives
    each observation its id again, so a store can deduplicate it or see the
    correction. Given ids must be unique; a repeat names both lines.

    *DataFrames.* Column labels are matched as text, as above. Marks and
    maxima may be numbers (NaN or None: blank) and dates ``datetime``,
    ``date`` or ``Timestamp`` objects (naive ones are local times); text
    cells follow the rules above. Rows are named by position.

    *Speed.* The file is parsed with :mod:`csv` and the columns converted
    with NumPy; each distinct cell of a column is checked once, so the time
    is that of :func:`csv.reader` plus a few passes over the columns.

    Examples
    --------
    >>> import io
    >>> from personalise.io.marks import read_marks
    >>> export = io.StringIO(
    ...     "UPN,Objective,Mark,Max,Date\\n"
    ...     "A800000000001,\\"Count in 6s, 7s and 9s\\",7,10,2026-09-14\\n"
    ...     "A800000000001,Round to 10,ABS,4,2026-09-14\\n"
    ...     "A800000000002,Round to 10,3.5,4,2026-09-15T10:30:00+01:00\\n")
    >>> marks = read_marks(export, columns={"learner_id": "UPN", "skill_id": "Objective", "mark": "Mark",
    ...                                     "out_of": "Max", "date": "Date"})
    >>> marks
    Evidence(2 rows, 2 learners, 2 skills, 2026-09-14T12:00:00Z to 2026-09-15T09:30:00Z, 1 skipped)
    >>> marks.scores.tolist(), marks.skipped
    ([0.7, 0.875], ((3, "absent (mark 'ABS')"),))
    >>> marks.evidence_ids.tolist()
    ['A800000000001/Count in 6s, 7s and 9s/2026-09-14T12:00:00Z', 'A800000000002/Round to 10/2026-09-15T09:30:00Z']

    Without an out-of column, ``max_marks`` gives the maximum (here per skill),
    and ``timezone`` places the days:

    >>> text = "learner_id,skill_id,mark,date\\nann,add,3,2026-09-14\\nbo,count,8,2026-09-14\\n"
    >>> ev = read_marks(text, max_marks={"add": 4, "count": 10}, timezone="Europe/London")
    >>> ev.scores.tolist(), str(ev.timestamps[0])
    ([0.75, 0.8], '2026-09-14T11:00:00.000000')

    Errors name the file, the line, the column, the rule and the value:

    >>> read_marks("learner_id,skill_id,mark,out_of,date\\nann,add,7,5,2026-09-14\\n")
    Traceback (most recent call last):
    ...
    personalise.exceptions.EvidenceError: the marks text line 2, column 'mark': mark 7 is above its maximum 5
    """
    options = Options(columns, max_marks, timezone, date_format, absence_codes)
    pandas = sys.modules.get("pandas")
    table: _Table
    if pandas is not None and isinstance(source, pandas.DataFrame):
        table = _FrameTable(source)
    else:
        table = _CsvTable(source)
    return _read(table, options)


# ------------------------------------------------------------------ tables
class _Column:
    """One column of the export: its distinct raw cells, and per row the position of its cell among them."""

    def __init__(self, header: str, uniques: list[Any], codes: NDArray[np.intp]) -> None:
        self.header, self.uniques, self.codes = header, uniques, codes


def _factorize(cells: list[Any]) -> tuple[list[Any], NDArray[np.intp]]:
    """Distinct cells in first-seen order and each row's position among them (C loops, no per-row bytecode)."""
    uniques = list(dict.fromkeys(cells))
    position = {cell: k for k, cell in enumerate(uniques)}
    return uniques, np.fromiter(map(position.__getitem__, cells), dtype=np.intp, count=len(cells))


class _Table(Protocol):
    """The rows of an export, its columns, and the words that locate a row in messages."""

    name: str  # the file in messages
    source: str  # the file in Evidence.sources
    unit: str  # "line" or "row"
    headers: list[str]
    header_where: str
    positions: NDArray[np.intp] | None  # current row -> row before blank rows were dropped

    def n_rows(self) -> int: ...
    def columns(self, index: Mapping[str, int]) -> dict[str, _Column]: ...
    def row_is_blank(self, row: int) -> bool: ...
    def key(self, row: int) -> int: ...


def _where(table: _Table, row: int) -> str:
    return f"{table.name} {table.unit} {table.key(row)}"


def _fail(table: _Table, row: int, header: str, message: str, value: object) -> NoReturn:
    raise EvidenceError(f"{_where(table, row)}, column {header!r}: {message}", value=value)


class _CsvTable:
    """A CSV export read with :mod:`csv`; rows are located by their first line in the file."""

    unit = "line"

    def __init__(self, source: Any) -> None:
        self.source = _source_label(source)
        try:
            text, self.name = read_text(source, "marks", inline=_is_text)
        except PersonaliseError:
            raise
        except (OSError, ValueError) as err:  # a closed or unreadable file object
            raise EvidenceError(f"cannot read the marks file {self.source!r}: {err}", value=source) from None
        self._text = text
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            rows = list(reader)
        except csv.Error as err:
            line = reader.line_num
            raise EvidenceError(f"{self.name} line {line} is not valid CSV ({err}): {self._line_text(line)!r}",
                                value=line) from None
        # Line numbers are needed only for messages and .skipped: when csv read one line per row (no quoted
        # field spans lines), row r is on line r + 1; otherwise csv is run once more to count.
        self._starts = None if reader.line_num == len(rows) else self._start_lines()
        head = next((r for r, row in enumerate(rows) if any(field.strip() for field in row)), None)
        if head is None:
            raise EvidenceError(f"{self.name} is empty; expected a header line naming the columns, such as "
                                f"{','.join(MARK_COLUMNS[:5])!r}", value=self.name)
        self.headers = [field.strip() for field in rows[head]]
        self.headers[0] = self.headers[0].lstrip("\ufeff").strip()
        self._head = head
        self.header_where = f"{self.name} line {self._line(head)}"
        self.positions: NDArray[np.intp] | None = None
        self._body = rows[head + 1:]

    def _start_lines(self) -> list[int]:
        reader = csv.reader(io.StringIO(self._text, newline=""), strict=True)
        starts, previous = [], 0
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
        return starts

    def _line(self, row: int) -> int:
        """The first line of ``row``, counted among all the rows csv read (the header included)."""
        return row + 1 if self._starts is None else self._starts[row]

    def _line_text(self, line: int) -> str:
        lines = io.StringIO(self._text, newline="").readlines()
        return lines[line - 1].rstrip("\r\n")[:80] if 0 < line <= len(lines) else ""

    def n_rows(self) -> int:
        return len(self._body)

    def columns(self, index: Mapping[str, int]) -> dict[str, _Column]:
        """The columns at ``index``, once every row is known to have one field per header."""
        body, width = self._body, len(self.headers)
        lengths = np.fromiter(map(len, body), dtype=np.intp, count=len(body))
        odd = np.flatnonzero(lengths != width)
        if odd.size:  # blank lines are dropped; any other row of the wrong width is an error
            keep = np.ones(len(body), dtype=bool)
            for row in odd.tolist():
                fields = body[row]
                if any(field.strip() for field in fields):
                    raise EvidenceError(
                        f"{self.name} line {self._line(self._head + 1 + row)} has {len(fields)} field"
                        f"{'s' * (len(fields) != 1)} but the header has {width} (a comma inside a value must be "
                        f"quoted); got {clip(fields, 120)}", value=fields)
                keep[row] = False
            self._body = body = list(itertools.compress(body, keep.tolist()))
            self.positions = np.flatnonzero(keep).astype(np.intp)
        return {key: _Column(self.headers[j], *_factorize(list(map(operator.itemgetter(j), body))))
                for key, j in index.items()}

    def row_is_blank(self, row: int) -> bool:
        return not any(field.strip() for field in self._body[row])

    def key(self, row: int) -> int:
        original = row if self.positions is None else int(self.positions[row])
        return self._line(self._head + 1 + original)


def _is_text(source: str) -> bool:
    return "\n" in source or "\r" in source


def _source_label(source: Any) -> str:
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not _is_text(source)):
        return os.path.basename(os.fsdecode(source)) or os.fsdecode(source)
    name = getattr(source, "name", None)
    return os.path.basename(name) or name if isinstance(name, str) and name else "CSV text"


class _FrameTable:
    """A pandas DataFrame with the columns of an export; rows are located by their position."""

    unit = "row"

    def __init__(self, frame: Any) -> None:
        self.name, self.source, self.header_where = "the DataFrame", "DataFrame", "the DataFrame"
        self._frame = frame
        self.headers = [str(label).strip() for label in frame.columns]
        self.positions: NDArray[np.intp] | None = None

    def n_rows(self) -> int:
        return len(self._frame)

    def columns(self, index: Mapping[str, int]) -> dict[str, _Column]:
        return {key: self._column(j) for key, j in index.items()}

    def _column(self, index: int) -> _Column:
        series = self._frame.iloc[:, index]
        header = self.headers[index]
        values = series.to_numpy()
        if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
            uniques, codes = np.unique(values, return_inverse=True)
            return _Column(header, uniques.tolist(), codes.astype(np.intp).reshape(-1))
        cells = series.to_numpy(dtype=object).tolist()
        try:
            return _Column(header, *_factorize(cells))
        except TypeError:  # an unhashable cell: a list, a dict...
            row = next(row for row, cell in enumerate(cells) if not isinstance(cell, Hashable))
            raise EvidenceError(f"the DataFrame row {row}, column {header!r}: expected text, a number or a date; got "
                                f"{clip(cells[row])}", value=cells[row]) from None

    def row_is_blank(self, row: int) -> bool:
        return all(is_blank(cell) for cell in self._frame.iloc[row].tolist())

    def key(self, row: int) -> int:
        return row if self.positions is None else int(self.positions[row])


# ------------------------------------------------------------------ reading
def _convert(table: _Table, column: _Column, rows: NDArray[np.bool_], convert: Callable[[Any], tuple[Any, Problem]],
             ) -> list[Any]:
    """Convert each distinct cell of ``column`` used by ``rows``; raise naming the first row whose cell is bad."""
    used = np.zeros(len(column.uniques), dtype=bool)
    used[column.codes[rows]] = True
    out: list[Any] = [None] * len(column.uniques)
    bad: dict[int, str] = {}
    for k in np.flatnonzero(used).tolist():
        value, problem = convert(column.uniques[k])
        if problem is None:
            out[k] = value
        else:
            bad[k] = problem
    if bad:
        is_bad = np.zeros(len(column.uniques), dtype=bool)
        is_bad[list(bad)] = True
        row = int(np.flatnonzero(is_bad[column.codes] & rows)[0])
        k = int(column.codes[row])
        _fail(table, row, column.header, bad[k], column.uniques[k])
    return out


def _ids(table: _Table, column: _Column, rows: NDArray[np.bool_], what: str,
         ) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """The distinct ids (all text or all integers) and each wanted row's position among them."""
    values = _convert(table, column, rows, lambda cell: identifier(cell, what))
    codes = column.codes[rows]
    canonical: dict[tuple[bool, Any], int] = {}
    remap = np.zeros(len(values), dtype=np.intp)
    for k in np.unique(codes).tolist():
        remap[k] = canonical.setdefault((isinstance(values[k], str), values[k]), len(canonical))
    if len({is_text for is_text, _ in canonical}) > 1:
        wanted = np.flatnonzero(rows)
        first = isinstance(values[codes[0]], str)
        position = next(p for p, code in enumerate(codes.tolist()) if isinstance(values[code], str) != first)
        value = values[codes[position]]
        _fail(table, int(wanted[position]), column.header,
              f"{what} {value!r} is {'a number' if first else 'text'} but the first row's is "
              f"{'text' if first else 'a number'}; ids must be all text or all whole numbers", value)
    distinct = [value for _, value in canonical]
    return (np.array(distinct) if distinct else np.zeros(0, dtype=np.str_)), remap[codes]


def _read(table: _Table, options: Options) -> Evidence:
    index = _locate(table, options)
    cols = table.columns(index)
    _drop_blank_rows(table, cols)

    # marks: numbers, or a blank or an absence code, which skips the row
    mark_col = cols["mark"]
    reasons: list[str | None] = []
    for cell in mark_col.uniques:
        code = cell.strip() if isinstance(cell, str) else cell
        if is_blank(cell):
            reasons.append("blank mark")
        elif isinstance(code, str) and code.casefold() in options.codes:
            reasons.append(f"{options.codes[code.casefold()]} (mark {code!r})")
        else:
            reasons.append(None)
    skip = np.array([reason is not None for reason in reasons], dtype=bool)[mark_col.codes]
    rows = ~skip
    mark_values = _convert(table, mark_col, rows, lambda cell: parse_number(cell, "mark"))
    marks = np.array([0.0 if v is None else v for v in mark_values], dtype=np.float64)[mark_col.codes[rows]]

    learners, learner_codes = _ids(table, cols["learner_id"], rows, "learner id")
    skills, skill_codes = _ids(table, cols["skill_id"], rows, "skill id")
    out_of = _maxima(table, cols, rows, options, skills, skill_codes)
    over = np.flatnonzero(marks > out_of)
    if over.size:
        row = int(np.flatnonzero(rows)[over[0]])
        cell = mark_col.uniques[mark_col.codes[row]]
        _fail(table, row, mark_col.header, f"mark {shown(cell)} is above its maximum {out_of[over[0]]:g}", cell)

    date_col = cols["date"]
    stamp_u = np.full(len(date_col.uniques), np.datetime64("NaT"), dtype=TIME_UNIT)
    for k, stamp in enumerate(_convert(table, date_col, rows, Dates(options))):
        if stamp is not None:
            stamp_u[k] = stamp
    stamps = stamp_u[date_col.codes[rows]]

    if "evidence_id" in cols:
        ids, id_codes = _ids(table, cols["evidence_id"], rows, "evidence id")
        if len(ids) < id_codes.size:
            _repeated_id(table, cols["evidence_id"], rows, ids, id_codes)
        evidence_ids = ids[id_codes]
    else:
        evidence_ids = _derived_ids(learners, learner_codes, skills, skill_codes, stamp_u, date_col.codes[rows])

    skipped = [(table.key(row), reasons[mark_col.codes[row]] or "") for row in np.flatnonzero(skip).tolist()]
    return Evidence(learners[learner_codes], skills[skill_codes], marks / out_of, stamps, evidence_ids,
                    sources=table.source, skipped=skipped)


def _drop_blank_rows(table: _Table, cols: dict[str, _Column]) -> None:
    """Forget the rows whose every field is blank (a spreadsheet's ``,,,,`` lines)."""
    n = table.n_rows()
    blank = np.ones(n, dtype=bool)
    for key in REQUIRED:  # a blank row is blank in these; row_is_blank confirms the rest
        column = cols[key]
        blank &= np.array([is_blank(cell) for cell in column.uniques], dtype=bool)[column.codes]
    blank_rows = [row for row in np.flatnonzero(blank).tolist() if table.row_is_blank(row)]
    if blank_rows:
        keep = np.ones(n, dtype=bool)
        keep[blank_rows] = False
        kept = np.flatnonzero(keep).astype(np.intp)
        table.positions = kept if table.positions is None else table.positions[kept]
        for column in cols.values():
            column.codes = column.codes[kept]


def _locate(table: _Table, options: Options) -> dict[str, int]:
    """Each used column's position among the headers; missing, repeated or conflicting columns are errors."""
    found = table.headers
    index: dict[str, int] = {}
    missing = []
    for key, header in options.headers.items():
        if header is None:
            continue
        positions = [j for j, name in enumerate(found) if name == header]
        if not positions and key not in options.given:  # not mapped: look for one of its usual headers
            keys = [header_key(name) for name in found]
            for alias in HEADER_ALIASES[key]:
                positions = [j for j, name in enumerate(keys) if name == alias]
                if positions:
                    break
        if len(positions) > 1:
            names = sorted({found[j] for j in positions})
            what = f"the header {names[0]!r} appears {len(positions)} times" if len(names) == 1 else (
                f"the headers {', '.join(map(repr, names))} could each be the {key} column (pass columns= to choose)")
            raise EvidenceError(f"{table.header_where}: {what} (columns {', '.join(str(j + 1) for j in positions)})",
                                value=header)
        if positions:
            index[key] = positions[0]
        elif key in REQUIRED or key in options.given or (key == "out_of" and options.max_marks is None):
            missing.append((key, header))
    if missing:
        described = "; ".join(_describe_missing(key, header, found, options) for key, header in missing)
        hint = "" if options.given else "; pass columns= to map our names to the export's headers"
        separator = next((sep for sep in (";", "\t", "|") if len(found) == 1 and sep in found[0]), None)
        if separator is not None:
            hint = f"; the header holds {separator!r}: save the export as comma-separated values"
        raise EvidenceError(f"{table.header_where}: {described}; the headers found are {found}{hint}",
                            value=missing[0][1])
    if "out_of" in index and options.max_marks is not None:
        raise InvalidParameterError(
            f"max_marks was given but {table.name} has an out-of column {found[index['out_of']]!r}; use one of them "
            "(columns={'out_of': None} ignores the column)", value=options.max_marks)
    return index


def _describe_missing(key: str, header: str, found: list[str], options: Options) -> str:
    text = f"no column {header!r}" + (f" (for {key!r})" if header != key else "")
    if key == "out_of" and options.max_marks is None and key not in options.given:
        text += " and no max_marks= given"
    near = [name for name in found if name.casefold() == header.casefold()]
    return text + (f" (did you mean {near[0]!r}? headers are matched exactly)" if near else "")


def _maxima(table: _Table, cols: dict[str, _Column], rows: NDArray[np.bool_], options: Options,
            skills: NDArray[Any], skill_codes: NDArray[np.intp]) -> NDArray[np.float64]:
    """The maximum mark of each wanted row: the out-of column, or ``max_marks``."""
    if "out_of" in cols:
        column = cols["out_of"]
        values = _convert(table, column, rows, parse_maximum)
        return np.array([0.0 if v is None else v for v in values], dtype=np.float64)[column.codes[rows]]
    if options.max_marks is None:
        raise InvalidParameterError(f"{table.name} has no out-of column (columns={{'out_of': None}}) and no max_marks= "
                                    "given: give max_marks (a number, or one per skill) so marks become scores",
                                    value=None)
    if not isinstance(options.max_marks, Mapping):
        return np.full(skill_codes.size, options.max_marks, dtype=np.float64)
    per_skill = np.zeros(len(skills))
    for k, skill in enumerate(skills.tolist()):
        if skill not in options.max_marks:
            row = int(np.flatnonzero(rows)[np.flatnonzero(skill_codes == k)[0]])
            known = ", ".join(repr(s) for s in list(options.max_marks)[:5])
            more = ", ..." if len(options.max_marks) > 5 else ""
            _fail(table, row, cols["skill_id"].header,
                  f"max_marks has no maximum for skill {skill!r} (it has {known or 'none'}{more})", skill)
        per_skill[k] = options.max_marks[skill]
    return per_skill[skill_codes]


def _repeated_id(table: _Table, column: _Column, rows: NDArray[np.bool_], ids: NDArray[Any],
                 codes: NDArray[np.intp]) -> NoReturn:
    _, first = np.unique(codes, return_index=True)  # codes are 0..len(ids)-1
    is_first = np.zeros(codes.size, dtype=bool)
    is_first[first] = True
    position = int(np.flatnonzero(~is_first)[0])
    wanted = np.flatnonzero(rows)
    value = ids[codes[position]].item()
    earlier = table.key(int(wanted[first[codes[position]]]))
    _fail(table, int(wanted[position]), column.header,
          f"evidence id {value!r} repeats {table.unit} {earlier}; evidence ids must be unique", value)


def _escape(value: object) -> str:
    return str(value).replace("%", "%25").replace("/", "%2F")


def _derived_ids(learners: NDArray[Any], learner_codes: NDArray[np.intp], skills: NDArray[Any],
                 skill_codes: NDArray[np.intp], stamp_u: NDArray[np.datetime64], date_codes: NDArray[np.intp],
                 ) -> NDArray[np.str_]:
    """``learner/skill/time``, with ``/2``, ``/3``... from the second row of the same three in file order.

    The text is built per distinct learner, skill and time, then joined per row by NumPy; the rows of one
    learner, skill and time are counted after one stable sort.
    """
    if not date_codes.size:
        return np.zeros(0, dtype=np.str_)
    canonical: dict[np.datetime64, int] = {}
    time_codes = np.zeros(len(stamp_u), dtype=np.intp)
    texts = [""] * len(stamp_u)
    for k in np.unique(date_codes).tolist():
        time_codes[k] = canonical.setdefault(stamp_u[k], len(canonical))
        texts[k] = "/" + format_timestamp(stamp_u[k])
    time_text = np.array(texts)
    learner_text = np.array([_escape(v) + "/" for v in learners.tolist()])
    skill_text = np.array([_escape(v) for v in skills.tolist()])
    ids = np.strings.add(np.strings.add(learner_text[learner_codes], skill_text[skill_codes]),
                         time_text[date_codes])
    times = time_codes[date_codes]
    if len(learners) * len(skills) * max(len(canonical), 1) < 2**62:
        order = np.argsort((learner_codes * len(skills) + skill_codes) * len(canonical) + times, kind="stable")
    else:  # pragma: no cover - more distinct learners x skills x times than an int64 holds
        order = np.lexsort((times, skill_codes, learner_codes))
    keys = np.stack([learner_codes[order], skill_codes[order], times[order]])
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = (keys[:, 1:] != keys[:, :-1]).any(axis=0)
    group_start = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
    occurrence = np.empty(order.size, dtype=np.intp)
    occurrence[order] = np.arange(order.size) - group_start + 1
    again = occurrence > 1
    if again.any():
        ids = np.strings.add(ids, np.where(again, np.strings.add("/", occurrence.astype(np.str_)), ""))
    # the sum of the parts' widths: trim it to the longest id, so Evidence sorts and copies no padding
    return ids.astype(f"U{max(int(np.strings.str_len(ids).max()), 1)}")
