"""The Junyi Academy exercise table, with its known defects reported or repaired."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from personalise._validation import (
    check_flag,
    check_ids,
    check_sequence,
    check_texts,
    load_json_document,
)
from personalise.exceptions import (
    CyclicPrerequisiteError,
    EvidenceError,
    GraphError,
    InvalidParameterError,
)
from personalise.graph import CompiledGraph, compile_graph
from personalise.io._files import PathOrFile, _open_text, _reader, _rows

__all__ = ["RepairReport", "read_junyi_exercises"]

REPORT_SCHEMA = "personalise.repair_report/1"


def _pairs(value: Iterable[Sequence[Any]], name: str) -> tuple[tuple[Any, ...], ...]:
    return tuple(check_ids(item, f"each entry of {name}") for item in check_sequence(value, name) or ())


def _duplicate_rows(value: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return _pairs(value, "duplicate_rows")


def _repeated_prerequisites(value: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return _pairs(value, "repeated_prerequisites")


def _unknown_prerequisites(value: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return _pairs(value, "unknown_prerequisites")


def _cycles(value: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return _pairs(value, "cycles")


def _dropped_edges(value: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return _pairs(value, "dropped_edges")


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return check_texts(value, "self_loops")


@attrs.frozen
class RepairReport:
    """What :func:`read_junyi_exercises` found wrong with an exercise table, and dropped.

    Parameters
    ----------
    duplicate_rows : tuple of (int, str)
        ``(line, name)`` of each row whose ``name`` was already defined on an
        earlier line (the header is line 1). The first definition is kept.
    repeated_prerequisites : tuple of (str, str)
        ``(prerequisite, name)`` listed more than once in one row.
    self_loops : tuple of str
        Exercises listed as their own prerequisite.
    unknown_prerequisites : tuple of (str, str)
        ``(prerequisite, name)`` where the prerequisite is not an exercise of
        the table.
    cycles : tuple of tuple of str
        Each prerequisite cycle found, as the exercises on it in order.
    dropped_edges : tuple of (str, str)
        Every ``(prerequisite, name)`` edge removed: self-loops, unknown
        prerequisites, and one edge per cycle (the edge that closes the cycle
        back to its lexicographically smallest exercise).

    Examples
    --------
    >>> import io, personalise as pl
    >>> text = "name,prerequisites\\na,\\nb,\\"a,b\\"\\nb,a\\n"
    >>> graph, report = pl.read_junyi_exercises(io.StringIO(text), repair=True)
    >>> report.duplicate_rows, report.self_loops, report.is_clean
    (((4, 'b'),), ('b',), False)
    >>> print(report)
    1 duplicate row (kept the first): 'b' on line 4
    1 self-loop dropped: 'b'
    """

    duplicate_rows: tuple[tuple[int, str], ...] = attrs.field(default=(), converter=_duplicate_rows)
    repeated_prerequisites: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_repeated_prerequisites)
    self_loops: tuple[str, ...] = attrs.field(default=(), converter=_names)
    unknown_prerequisites: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_unknown_prerequisites)
    cycles: tuple[tuple[str, ...], ...] = attrs.field(default=(), converter=_cycles)
    dropped_edges: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_dropped_edges)

    @property
    def is_clean(self) -> bool:
        """True when the table had none of the defects above."""
        return not (
            self.duplicate_rows or self.repeated_prerequisites or self.self_loops
            or self.unknown_prerequisites or self.cycles
        )

    def __str__(self) -> str:
        lines = []
        if self.duplicate_rows:
            where = ", ".join(f"{name!r} on line {line}" for line, name in self.duplicate_rows)
            lines.append(f"{_count(len(self.duplicate_rows), 'duplicate row')} (kept the first): {where}")
        if self.repeated_prerequisites:
            where = ", ".join(f"{u!r} in {v!r}" for u, v in self.repeated_prerequisites)
            lines.append(f"{_count(len(self.repeated_prerequisites), 'repeated prerequisite')} merged: {where}")
        if self.self_loops:
            lines.append(f"{_count(len(self.self_loops), 'self-loop')} dropped: " + ", ".join(map(repr, self.self_loops)))
        if self.unknown_prerequisites:
            where = ", ".join(f"{u!r} -> {v!r}" for u, v in self.unknown_prerequisites)
            lines.append(f"{_count(len(self.unknown_prerequisites), 'unknown prerequisite')} dropped: {where}")
        for cycle, (u, v) in zip(self.cycles, self.dropped_edges[-len(self.cycles) :] if self.cycles else ()):
            text = " -> ".join(map(repr, (*cycle, cycle[0])))
            lines.append(f"cycle {text}: dropped edge {u!r} -> {v!r}")
        return "\n".join(lines) if lines else "no defects"

    def to_json(self) -> str:
        """Return the report as a JSON document with a ``"schema"`` field.

        Examples
        --------
        >>> import personalise as pl
        >>> report = pl.RepairReport(self_loops=("a",), dropped_edges=[("a", "a")])
        >>> pl.RepairReport.from_json(report.to_json()) == report
        True
        """
        data: dict[str, Any] = {"schema": REPORT_SCHEMA}
        data.update({k: [list(x) if isinstance(x, tuple) else x for x in v] for k, v in attrs.asdict(self).items()})
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, document: str) -> RepairReport:
        """Rebuild a report from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            If the document has another schema or a missing field.
        """
        data = load_json_document(document, REPORT_SCHEMA)
        fields: dict[str, Any] = {}
        for name, shape in _REPORT_FIELDS.items():
            if name not in data:
                raise InvalidParameterError(f"repair report document is missing the field {name!r}", value=name)
            value = data[name]
            if not isinstance(value, list) or not all(_matches(item, shape) for item in value):
                raise InvalidParameterError(f"field {name!r} must be a list of {shape}; got {value!r}", value=value)
            fields[name] = value
        return cls(**fields)


_REPORT_FIELDS = {
    "duplicate_rows": "[line, name] pairs",
    "repeated_prerequisites": "[prerequisite, name] pairs",
    "self_loops": "names",
    "unknown_prerequisites": "[prerequisite, name] pairs",
    "cycles": "lists of names",
    "dropped_edges": "[prerequisite, name] pairs",
}


def _matches(item: object, shape: str) -> bool:
    if shape == "names":
        return isinstance(item, str)
    if not isinstance(item, list):
        return False
    if shape == "lists of names":
        return bool(item) and all(isinstance(x, str) for x in item)
    if len(item) != 2:
        return False
    first_ok = isinstance(item[0], int) and not isinstance(item[0], bool) if shape.startswith("[line") else isinstance(item[0], str)
    return first_ok and isinstance(item[1], str)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def read_junyi_exercises(source: PathOrFile, *, repair: bool = False) -> tuple[CompiledGraph, RepairReport]:
    """Read the Junyi Academy exercise table into a prerequisite graph.

    The table (``junyi_Exercise_table.csv``, Chang, Hsu and Chen, EDM 2015)
    has one row per exercise with a ``name`` and a comma-separated list of
    ``prerequisites``; each gives the edge prerequisite -> name. Only those
    two columns are read; every exercise (live or not) becomes a skill.

    The published table has defects: rows defined twice, prerequisites
    repeated within a row, self-loops and a prerequisite cycle. By default
    they are an error; with ``repair=True`` they are removed and the returned
    :class:`RepairReport` lists exactly what was dropped.

    Parameters
    ----------
    source : path or open file
        The CSV file (UTF-8) or an open text or binary file.
    repair : bool, default False
        Drop duplicate rows (keeping the first), repeated prerequisites,
        self-loops, prerequisites that are not exercises of the table, and
        one edge per cycle, instead of raising.

    Returns
    -------
    graph : CompiledGraph
    report : RepairReport
        What was found and dropped (clean when ``repair`` is False).

    Raises
    ------
    CyclicPrerequisiteError
        Without ``repair``, if the prerequisites have a cycle; the message
        also names every other defect.
    GraphError
        Without ``repair``, on any other defect; ``.value`` is the
        :class:`RepairReport` a repair would produce.
    EvidenceError
        If the file is not UTF-8 text or not CSV, a column is missing or a
        name is empty (the message names the file and the line).

    Examples
    --------
    >>> import io, personalise as pl
    >>> text = "name,prerequisites\\nadd,\\nmultiply,add\\nadd,\\n"
    >>> try:
    ...     pl.read_junyi_exercises(io.StringIO(text))
    ... except pl.GraphError as err:
    ...     print(err)
    exercise table has defects; repair=True would make these repairs:
    1 duplicate row (kept the first): 'add' on line 4
    >>> graph, report = pl.read_junyi_exercises(io.StringIO(text), repair=True)
    >>> graph.skill_ids
    ('add', 'multiply')
    """
    repair = check_flag(repair, "repair")
    rows: dict[str, list[str]] = {}
    duplicates: list[tuple[int, str]] = []
    with _open_text(source, "exercise table") as (handle, what):
        for line, row in _rows(_reader(handle, ("name", "prerequisites"), what), what):
            name = (row.get("name") or "").strip()
            if not name:
                raise EvidenceError(f"{what}, line {line}: column 'name' is empty", value=line)
            if name in rows:
                duplicates.append((line, name))
                continue
            rows[name] = [p.strip() for p in (row.get("prerequisites") or "").split(",") if p.strip()]
    repeated: list[tuple[str, str]] = []
    loops: list[str] = []
    unknown: list[tuple[str, str]] = []
    dropped: list[tuple[str, str]] = []
    edges: list[tuple[str, str]] = []
    for name, prerequisites in rows.items():
        seen: set[str] = set()
        for prerequisite in prerequisites:
            if prerequisite in seen:
                repeated.append((prerequisite, name))
                continue
            seen.add(prerequisite)
            if prerequisite == name:
                loops.append(name)
                dropped.append((name, name))
            elif prerequisite not in rows:
                unknown.append((prerequisite, name))
                dropped.append((prerequisite, name))
            else:
                edges.append((prerequisite, name))
    cycles: list[tuple[str, ...]] = []
    while True:
        try:
            graph = compile_graph(edges, skills=rows)
            break
        except CyclicPrerequisiteError as err:
            cycle = tuple(str(s) for s in err.cycle)
            cycles.append(cycle)
            closing = (cycle[-1], cycle[0])
            edges.remove(closing)
            dropped.append(closing)
            if not repair:
                break
    report = RepairReport(duplicates, repeated, loops, unknown, cycles, dropped)
    if not repair and not report.is_clean:
        message = f"{what} has defects; repair=True would make these repairs:\n{report}"
        if cycles:
            raise CyclicPrerequisiteError(message, cycle=cycles[0])
        raise GraphError(message, value=report)
    return graph, report


