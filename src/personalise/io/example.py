"""The bundled example curriculum and class."""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from personalise._validation import check_graph
from personalise.exceptions import (
    InvalidParameterError,
)
from personalise.graph import CompiledGraph
from personalise.io.edges import read_edge_csv

__all__ = ["load_example_class", "load_example_curriculum"]

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
    graph = load_example_curriculum() if graph is None else check_graph(graph, "graph")
    reader = csv.reader(io.StringIO(_data_text("example_class.csv")))
    header = next(reader)
    rows = list(reader)
    columns = [header.index(str(skill)) if str(skill) in header else -1 for skill in graph.skill_ids]
    if -1 in columns:
        missing = graph.skill_ids[columns.index(-1)]
        raise InvalidParameterError(f"the example class has no column for skill {missing!r}", value=missing)
    values = np.array([[float(row[c]) for c in columns] for row in rows], dtype=np.float64)
    return tuple(row[0] for row in rows), values
