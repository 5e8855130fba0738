"""Readers: prerequisite graphs from files, and the bundled example data.

* :func:`read_edge_csv` reads a ``prerequisite,skill`` CSV (one edge a row).
* :func:`read_junyi_exercises` reads the exercise table of the Junyi Academy
  knowledge map and reports, or repairs, its known defects.
* :func:`load_example_curriculum` and :func:`load_example_class` give the
  bundled primary-maths number-and-fractions strand and a class of 28
  learners used by ``python -m personalise demo`` and the documentation.
"""

from __future__ import annotations

from personalise.io.edges import read_edge_csv
from personalise.io.example import load_example_class, load_example_curriculum
from personalise.io.junyi import RepairReport, read_junyi_exercises

__all__ = [
    "RepairReport",
    "load_example_class",
    "load_example_curriculum",
    "read_edge_csv",
    "read_junyi_exercises",
]
