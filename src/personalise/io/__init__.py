"""Readers: a school's curricula, rosters and results in the formats schools use, and the bundled data.

Curricula:

* :func:`read_case` reads a 1EdTech CASE 1.1 framework (CFPackage JSON) as a
  :class:`CaseFramework` whose ``.graph`` is the prerequisite graph;
* :func:`read_edge_csv` reads a ``prerequisite,skill`` CSV (one edge a row);
* :func:`read_junyi_exercises` reads the exercise table of the Junyi Academy
  knowledge map and reports, or repairs, its known defects.

Rosters and evidence (each returns :class:`~personalise.Evidence`, listing in
``.skipped`` everything it left out and why):

* :func:`read_oneroster` reads a OneRoster 1.2 CSV bundle (folder or zip) as
  a :class:`OneRosterBundle`: classes, learners, line items and results;
* :func:`read_xapi` reads xAPI statements (a Learning Record Store's export);
* :func:`read_marks` reads the plain marks export of a school MIS (learner,
  skill or objective, mark, out of, date), from CSV or a DataFrame.

Bundled data: :func:`load_example_curriculum` and :func:`load_example_class`
give the primary-maths number-and-fractions strand and a class of 28
learners used by ``python -m personalise demo`` and the documentation.
:mod:`personalise.io.formats` holds the library's own formats for evidence.
"""

from __future__ import annotations

from personalise.io.case import CaseFramework, read_case
from personalise.io.edges import read_edge_csv
from personalise.io.example import load_example_class, load_example_curriculum
from personalise.io.junyi import RepairReport, read_junyi_exercises
from personalise.io.marks import read_marks
from personalise.io.oneroster import OneRosterBundle, read_oneroster
from personalise.io.xapi import read_xapi

__all__ = [
    "CaseFramework",
    "OneRosterBundle",
    "RepairReport",
    "load_example_class",
    "load_example_curriculum",
    "read_case",
    "read_edge_csv",
    "read_junyi_exercises",
    "read_marks",
    "read_oneroster",
    "read_xapi",
]
