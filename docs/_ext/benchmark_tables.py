"""Tables of benchmark results, generated at build time from ``benchmarks/results.json``.

``python benchmarks/run.py`` writes that file (schema ``personalise.benchmarks/1``:
the date, the machine, the versions, each script's JSON result and the
``headlines``, every ratio with a target). The performance page shows it
through three directives, so no number on the page is typed by hand:

``.. benchmark-provenance::``
    One paragraph: when, on what machine and with which versions the numbers
    were measured, and whether the run was a full one.

``.. benchmark-headlines::`` with option ``:script: NAME`` (repeatable as a
comma-separated list; all scripts by default)
    A table of the headline ratios: what, measured, target, met.

``.. benchmark-phases::`` with options ``:script:``, ``:keys:`` (the result's
keys holding ``{phase: passes}``, comma-separated), ``:labels:`` (the column
headings, separated by semicolons) and optionally ``:before: PATH`` (a JSON file of
earlier phase costs, ``{"columns": [...], "phases": {phase: [values]}}``)
    A table of what each phase of a call costs, in passes.

A missing file, a wrong schema or a missing key is a build error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results.json"
SCHEMA = "personalise.benchmarks/1"


def load_results(path: Path = RESULTS) -> dict[str, Any]:
    """The benchmark results document; an ExtensionError when it is missing or not of :data:`SCHEMA`."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtensionError(f"{path} is missing: run `python benchmarks/run.py` to write it") from None
    except json.JSONDecodeError as error:
        raise ExtensionError(f"{path} is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise ExtensionError(f"{path} is not a {SCHEMA} document")
    if document.get("quick"):
        raise ExtensionError(f"{path} holds a --quick run; the docs show a full run's numbers")
    return document


def table(headings: list[str], rows: list[list[str]], align_right_from: int = 1) -> nodes.table:
    """A docutils table with one header row."""
    node = nodes.table(classes=["benchmark-table"])
    group = nodes.tgroup(cols=len(headings))
    node += group
    for _ in headings:
        group += nodes.colspec(colwidth=1)

    def row_of(cells: list[str], header: bool) -> nodes.row:
        row = nodes.row()
        for index, text in enumerate(cells):
            entry = nodes.entry(classes=["numeric"] if index >= align_right_from and not header else [])
            entry += nodes.paragraph(text=text)
            row += entry
        return row

    head = nodes.thead()
    head += row_of(headings, True)
    body = nodes.tbody()
    for cells in rows:
        body += row_of(cells, False)
    group += head
    group += body
    return node


def number(value: float) -> str:
    """A ratio as the page shows it: three significant figures, thousands separated."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


class _ResultsDirective(SphinxDirective):
    def results(self) -> dict[str, Any]:
        self.env.note_dependency(str(RESULTS))
        return load_results()

    def scripts_option(self, document: dict[str, Any]) -> list[str]:
        wanted = [s.strip() for s in self.options.get("script", "").split(",") if s.strip()]
        for name in wanted:
            if name not in document["scripts"]:
                raise self.error(f"benchmark results have no script {name!r}")
        return wanted


class BenchmarkProvenance(_ResultsDirective):
    """One paragraph saying when and where the numbers were measured."""

    def run(self) -> list[nodes.Node]:
        document = self.results()
        machine, versions = document["machine"], document["versions"]
        cores, memory = machine.get("cpu_count"), machine.get("memory_gib")
        shown = ", ".join(f"{name} {versions[name]}" for name in ("python", "numpy", "personalise") if name in versions)
        seconds = sum(entry.get("seconds", 0) for entry in document["scripts"].values())
        names = ", ".join(f"{name}.py" for name in document["scripts"])
        text = (
            f"Measured on {document['date'][:10]} by python benchmarks/run.py (full size: {names}; "
            f"{seconds / 60:.1f} minutes) on a {machine.get('system')} {machine.get('machine')} machine with "
            f"{cores} cores and {memory} GiB of memory ({shown}). The numbers below are read from "
            f"benchmarks/results.json when the documentation is built."
        )
        return [nodes.paragraph(text=text)]


class BenchmarkHeadlines(_ResultsDirective):
    """The headline ratios of some scripts, with their targets."""

    option_spec = {"script": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        document = self.results()
        wanted = self.scripts_option(document)
        rows = [
            [row["label"], number(row["value"]), row["target"], "yes" if row["met"] else "no"]
            for row in document["headlines"]
            if not wanted or row["script"] in wanted
        ]
        if not rows:
            raise self.error(f"benchmark results have no headline ratios for {', '.join(wanted) or 'any script'}")
        return [table(["measure", "measured", "target", "met"], rows)]


class BenchmarkPhases(_ResultsDirective):
    """What each phase costs, in passes, from a script's result (and earlier numbers)."""

    option_spec = {
        "script": directives.unchanged_required,
        "keys": directives.unchanged_required,
        "labels": directives.unchanged_required,
        "before": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        document = self.results()
        (script,) = self.scripts_option(document)
        result = document["scripts"][script].get("result")
        if result is None:
            raise self.error(f"benchmark script {script!r} failed in this run: {document['scripts'][script]}")
        keys = [k.strip() for k in self.options["keys"].split(",")]
        labels = [k.strip() for k in self.options["labels"].split(";")]
        if len(labels) != len(keys):
            raise self.error(":labels: needs one heading per key")
        columns = []
        for key in keys:
            if not isinstance(result.get(key), dict):
                raise self.error(f"benchmark script {script!r} has no phase costs under {key!r}")
            columns.append(result[key])
        phases = list(columns[0])
        before_headings: list[str] = []
        before: dict[str, list[float]] = {}
        if self.options.get("before"):
            path = ROOT / self.options["before"]
            self.env.note_dependency(str(path))
            try:
                earlier = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                raise self.error(f"cannot read {path}: {error}") from None
            before_headings, before = list(earlier["columns"]), earlier["phases"]
        rows = []
        for phase in phases:
            cells = [phase]
            cells += [number(v) if v is not None else "" for v in before.get(phase, [None] * len(before_headings))]
            cells += [number(column[phase]) for column in columns]
            rows.append(cells)
        totals = ["total"]
        totals += [number(sum(v[i] for v in before.values() if v[i] is not None)) for i in range(len(before_headings))]
        totals += [number(sum(column.values())) for column in columns]
        rows.append(totals)
        return [table(["phase", *before_headings, *labels], rows)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("benchmark-provenance", BenchmarkProvenance)
    app.add_directive("benchmark-headlines", BenchmarkHeadlines)
    app.add_directive("benchmark-phases", BenchmarkPhases)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
