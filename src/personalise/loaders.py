"""Reading prerequisite graphs from files, and the bundled example data.

* :func:`read_edge_csv` reads a ``prerequisite,skill`` CSV (one edge a row).
* :func:`read_junyi_exercises` reads the exercise table of the Junyi Academy
  knowledge map and reports, or repairs, its known defects.
* :func:`load_example_curriculum` and :func:`load_example_class` give the
  bundled primary-maths number-and-fractions strand and a class of 28
  learners used by ``python -m personalise demo`` and the documentation.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import IO, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import load_json_document
from personalise.exceptions import (
    CyclicPrerequisiteError,
    EvidenceError,
    GraphError,
    InvalidParameterError,
)
from personalise.graph import CompiledGraph, compile_graph

__all__ = [
    "RepairReport",
    "load_example_class",
    "load_example_curriculum",
    "read_edge_csv",
    "read_junyi_exercises",
]

PathOrFile = str | os.PathLike[str] | IO[str]
REPORT_SCHEMA = "personalise.repair_report/1"


@contextmanager
def _open_text(source: PathOrFile) -> Iterator[IO[str]]:
    if hasattr(source, "read"):
        yield source  # type: ignore[misc]
        return
    try:
        handle = open(os.fspath(source), encoding="utf-8-sig", newline="")
    except OSError as err:
        raise InvalidParameterError(f"cannot open {source!r}: {err.strerror}", value=source) from None
    with handle:
        yield handle


def _reader(handle: IO[str], required: Sequence[str], what: str) -> csv.DictReader[str]:
    reader = csv.DictReader(handle)
    fields = [f.strip().lstrip("\ufeff") for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    for column in required:
        if column not in fields:
            raise EvidenceError(f"{what} has no column {column!r}; columns are {fields}", value=column)
    return reader


def read_edge_csv(source: PathOrFile, *, skill_order: Sequence[Hashable] | None = None) -> CompiledGraph:
    """Read a prerequisite graph from a CSV file with columns ``prerequisite,skill``.

    Each row is one edge "``prerequisite`` is needed before ``skill``". A row
    with an empty ``prerequisite`` declares a skill without prerequisites
    (so isolated skills can be listed). Other columns are ignored; ids are
    stripped of surrounding spaces and kept as strings.

    Parameters
    ----------
    source : path or text file
        The CSV file (UTF-8, a byte-order mark is allowed) or an open text file.
    skill_order : sequence of str, optional
        Column order, passed to :func:`compile_graph`.

    Returns
    -------
    CompiledGraph

    Raises
    ------
    EvidenceError
        If a column is missing or a row has an empty ``skill`` (the message
        names the line).
    GraphError, CyclicPrerequisiteError
        As for :func:`compile_graph`.
    InvalidParameterError
        If the file cannot be opened.

    Examples
    --------
    >>> import io, personalise as pl
    >>> text = "prerequisite,skill\\ncount,add\\nadd,multiply\\n,shapes\\n"
    >>> pl.read_edge_csv(io.StringIO(text)).skill_ids
    ('count', 'add', 'multiply', 'shapes')
    """
    edges: list[tuple[str, str]] = []
    skills: list[str] = []
    with _open_text(source) as handle:
        reader = _reader(handle, ("prerequisite", "skill"), "edge CSV")
        for row in reader:
            line = reader.line_num
            skill = (row.get("skill") or "").strip()
            prerequisite = (row.get("prerequisite") or "").strip()
            if not skill:
                raise EvidenceError(f"edge CSV line {line}: column 'skill' is empty", value=line)
            skills.append(skill)
            if prerequisite:
                edges.append((prerequisite, skill))
    return compile_graph(edges, skill_order=skill_order, skills=skills)


def _pairs(value: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(item) for item in value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


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

    duplicate_rows: tuple[tuple[int, str], ...] = attrs.field(default=(), converter=_pairs)
    repeated_prerequisites: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    self_loops: tuple[str, ...] = attrs.field(default=(), converter=_names)
    unknown_prerequisites: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    cycles: tuple[tuple[str, ...], ...] = attrs.field(default=(), converter=_pairs)
    dropped_edges: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

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
    source : path or text file
        The CSV file (UTF-8) or an open text file.
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
        If a column is missing or a name is empty.

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
    rows: dict[str, list[str]] = {}
    duplicates: list[tuple[int, str]] = []
    with _open_text(source) as handle:
        reader = _reader(handle, ("name", "prerequisites"), "exercise table")
        for row in reader:
            line = reader.line_num
            name = (row.get("name") or "").strip()
            if not name:
                raise EvidenceError(f"exercise table line {line}: column 'name' is empty", value=line)
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
        message = f"exercise table has defects; repair=True would make these repairs:\n{report}"
        if cycles:
            raise CyclicPrerequisiteError(message, cycle=cycles[0])
        raise GraphError(message, value=report)
    return graph, report


# ------------------------------------------------------------- bundled data
_DATA = "personalise.data"


def _data_text(name: str) -> str:
    return resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")


def load_example_curriculum() -> CompiledGraph:
    """The bundled primary-maths number-and-fractions strand (44 skills).

    From counting to 20 up to dividing a fraction by a whole number, with
    place value, addition, times tables, division, fractions, decimals and
    percentages, sequenced as common primary progressions do.

    Examples
    --------
    >>> import personalise as pl
    >>> graph = pl.load_example_curriculum()
    >>> graph.n_skills, graph.n_edges, int(graph.depth.max())
    (44, 67, 11)
    >>> graph.prerequisites_of("equivalent_fractions")
    ('times_tables_3_4_8', 'equivalent_fractions_diagrams')
    """
    return read_edge_csv(io.StringIO(_data_text("number_fractions_edges.csv")))


def _example_skill_table() -> dict[str, tuple[str, int]]:
    """Skill id -> (display name, school year) for the bundled curriculum."""
    reader = csv.DictReader(io.StringIO(_data_text("number_fractions_skills.csv")))
    return {row["skill"]: (row["name"], int(row["year"])) for row in reader}


def load_example_class(graph: CompiledGraph | None = None) -> tuple[tuple[str, ...], NDArray[np.float64]]:
    """The bundled class: 28 Year 4 learners' mastery of the example curriculum.

    Parameters
    ----------
    graph : CompiledGraph, optional
        The graph whose column order the mastery columns follow; by default
        :func:`load_example_curriculum`.

    Returns
    -------
    learner_ids : tuple of str
        ``"L01"`` to ``"L28"``.
    mastery : ndarray of float64, shape (28, graph.n_skills)
        P(mastery) per learner and skill.

    Examples
    --------
    >>> import personalise as pl
    >>> ids, mastery = pl.load_example_class()
    >>> len(ids), mastery.shape
    (28, (28, 44))
    """
    graph = load_example_curriculum() if graph is None else graph
    reader = csv.reader(io.StringIO(_data_text("example_class.csv")))
    header = next(reader)
    rows = list(reader)
    columns = [header.index(str(skill)) if str(skill) in header else -1 for skill in graph.skill_ids]
    if -1 in columns:
        missing = graph.skill_ids[columns.index(-1)]
        raise InvalidParameterError(f"the example class has no column for skill {missing!r}", value=missing)
    values = np.array([[float(row[c]) for c in columns] for row in rows], dtype=np.float64)
    return tuple(row[0] for row in rows), values
