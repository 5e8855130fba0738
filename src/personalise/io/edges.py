"""Prerequisite graphs from ``prerequisite,skill`` CSV files."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from personalise._validation import check_sequence
from personalise.exceptions import (
    EvidenceError,
)
from personalise.graph import CompiledGraph, compile_graph
from personalise.io._files import PathOrFile, _open_text, _reader, _rows

__all__ = ["read_edge_csv"]


def read_edge_csv(source: PathOrFile, *, skill_order: Sequence[Hashable] | None = None) -> CompiledGraph:
    """Read a prerequisite graph from a CSV file with columns ``prerequisite,skill``.

    Each row is one edge "``prerequisite`` is needed before ``skill``". A row
    with an empty ``prerequisite`` declares a skill without prerequisites
    (so isolated skills can be listed). Other columns are ignored; ids are
    stripped of surrounding spaces and kept as strings.

    Parameters
    ----------
    source : path or open file
        The CSV file (UTF-8, a byte-order mark is allowed) or an open text or binary file.
    skill_order : sequence of str, optional
        Column order, passed to :func:`compile_graph`.

    Returns
    -------
    CompiledGraph

    Raises
    ------
    EvidenceError
        If the file is not UTF-8 text or not CSV, a column is missing or a
        row has an empty ``skill`` (the message names the file and the line).
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
    with _open_text(source, "edge CSV") as (handle, what):
        for line, row in _rows(_reader(handle, ("prerequisite", "skill"), what), what):
            skill = (row.get("skill") or "").strip()
            prerequisite = (row.get("prerequisite") or "").strip()
            if not skill:
                raise EvidenceError(f"{what}, line {line}: column 'skill' is empty", value=line)
            skills.append(skill)
            if prerequisite:
                edges.append((prerequisite, skill))
    if skill_order is not None:
        skill_order = check_sequence(skill_order, "skill_order")
    return compile_graph(edges, skill_order=skill_order, skills=skills)


