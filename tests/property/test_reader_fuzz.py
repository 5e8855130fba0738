"""Every reader, fed broken files: it returns a valid object or raises a PersonaliseError naming the file.

Each test starts from a valid file (the fixtures under ``tests/fixtures``)
and breaks it with the strategies of :mod:`tests.broken_documents`:
truncated, fields deleted or of the wrong type, nesting 100 000 deep, bytes
that are not UTF-8, UTF-16, NUL bytes, empty, a lone BOM, NaN literals,
duplicate keys; CSV files also get ragged rows, a lost header and extra
columns. A read is given the file by path (so the message must name it),
and where the reader takes them, as bytes and as the parsed value. No call
may take longer than two seconds, and a failed import leaves its target
store empty.

The end of the file holds hand-written broken files from the formats'
specifications, one section per reader.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise.exceptions import EvidenceError, GraphError, PersonaliseError
from personalise.io import formats
from tests.broken_documents import (
    Broken,
    broken_csv,
    broken_json,
    broken_lines,
    fuzz,
    outcome,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASE = json.loads((FIXTURES / "case" / "addition_slice.json").read_text(encoding="utf-8"))
XAPI = json.loads((FIXTURES / "xapi" / "year5_fractions.json").read_text(encoding="utf-8"))
XAPI_LINES = [json.loads(line) for line in (FIXTURES / "xapi" / "year5_fractions.jsonl").read_text("utf-8").split("\n")
              if line.strip()]
ROSTER = {path.name: path.read_text(encoding="utf-8") for path in sorted((FIXTURES / "oneroster" / "valid").iterdir())}
MARKS = (FIXTURES / "marks" / "year4_maths_autumn.csv").read_text(encoding="utf-8-sig")
MARKS_COLUMNS = {"learner_id": "UPN", "skill_id": "Objective", "mark": "Mark", "out_of": "Max", "date": "Date"}
QUIZ = (FIXTURES / "marks" / "quiz_default_columns.csv").read_text(encoding="utf-8")
EDGES = "prerequisite,skill\ncount,add\nadd,multiply\ncount,compare\n,shapes\n"
JUNYI = (
    "name,live,prerequisites,h_position,v_position,topic\n"
    "count_to_10,TRUE,,0,0,number\n"
    'add_within_10,TRUE,count_to_10,1,0,number\n'
    '"subtract_within_10",FALSE,"count_to_10,add_within_10",2,0,number\n'
    "place_value,TRUE,count_to_10,3,1,number\n"
)
EVIDENCE = pl.Evidence(
    ["ann", "bo", "ann"], ["add", "add", "count"], [1.0, 0.25, 0.5],
    np.array(["2026-09-14T09:00", "2026-09-14T09:05", "2026-09-15T10:00"], dtype="datetime64[us]"), ["e1", "e2", "e3"],
)


def same_activity(activity: str) -> str:
    return activity


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("broken")


def written(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def each_json_source(folder: Path, name: str, broken: Broken) -> Iterator[tuple[Any, str | None]]:
    """The broken document as a path (whose name the message must give), as bytes, and parsed."""
    yield written(folder, name, broken.data), name
    yield broken.data, None
    if broken.parsed is not None:
        yield broken.parsed, None


# ------------------------------------------------------------------ CASE
@fuzz(60)
@given(broken=broken_json(CASE))
def test_read_case_on_broken_packages(folder: Path, broken: Broken) -> None:
    for source, name in each_json_source(folder, "framework.json", broken):
        result = outcome(lambda source=source: pl.read_case(source), broken=broken, names=name)
        assert isinstance(result, (pl.CaseFramework, PersonaliseError))


# ------------------------------------------------------------------ xAPI
@fuzz(60)
@given(broken=broken_json(XAPI))
def test_read_xapi_on_broken_statements(folder: Path, broken: Broken) -> None:
    for source, name in each_json_source(folder, "statements.json", broken):
        result = outcome(lambda source=source: pl.read_xapi(source, skill_of=same_activity), broken=broken, names=name)
        assert isinstance(result, (pl.Evidence, PersonaliseError))


@fuzz(40)
@given(broken=broken_lines(XAPI_LINES))
def test_read_xapi_on_broken_statement_lines(folder: Path, broken: Broken) -> None:
    path = written(folder, "statements.jsonl", broken.data)
    result = outcome(lambda: pl.read_xapi(path, skill_of=same_activity), broken=broken, names="statements.jsonl")
    assert isinstance(result, (pl.Evidence, PersonaliseError))


# ------------------------------------------------------------------ OneRoster
def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def broken_bundles(draw: st.DrawFn) -> tuple[str, Broken, dict[str, bytes]]:
    name = draw(st.sampled_from(sorted(ROSTER)))
    broken = draw(broken_csv(ROSTER[name]))
    files = {other: text.encode("utf-8") for other, text in ROSTER.items()}
    files[name] = broken.data
    return name, broken, files


@fuzz(80)
@given(bundle=broken_bundles())
def test_read_oneroster_on_broken_bundles(folder: Path, bundle: tuple[str, Broken, dict[str, bytes]]) -> None:
    name, broken, files = bundle
    where = folder / "bundle"
    where.mkdir(exist_ok=True)
    for file, data in files.items():
        written(where, file, data)
    for source in (files, zipped(files), where, written(folder, "bundle.zip", zipped(files))):
        result = outcome(lambda source=source: pl.read_oneroster(source), broken=broken,
                         names=name if broken.names_line else None)
        if isinstance(result, PersonaliseError):
            assert ".csv" in str(result), str(result)
        else:
            assert isinstance(result, pl.OneRosterBundle)
    assert sorted(path.name for path in where.iterdir()) == sorted(files)  # the reader wrote nothing


# ------------------------------------------------------------------ marks
@fuzz(60)
@given(broken=broken_csv(MARKS))
def test_read_marks_on_broken_markbooks(folder: Path, broken: Broken) -> None:
    path = written(folder, "markbook.csv", broken.data)
    for source, name in ((path, "markbook.csv"), (broken.data, None)):
        result = outcome(lambda source=source: pl.read_marks(source, columns=MARKS_COLUMNS), broken=broken, names=name)
        assert isinstance(result, (pl.Evidence, PersonaliseError))


@fuzz(40)
@given(broken=broken_csv(QUIZ))
def test_read_marks_on_broken_quiz_exports(folder: Path, broken: Broken) -> None:
    path = written(folder, "quiz.csv", broken.data)
    result = outcome(lambda: pl.read_marks(path), broken=broken, names="quiz.csv")
    assert isinstance(result, (pl.Evidence, PersonaliseError))


# ------------------------------------------------------------------ edge CSV and Junyi
@fuzz(50)
@given(broken=broken_csv(EDGES))
def test_read_edge_csv_on_broken_files(folder: Path, broken: Broken) -> None:
    path = written(folder, "edges.csv", broken.data)
    result = outcome(lambda: pl.read_edge_csv(path), broken=broken, names="edges.csv")
    assert isinstance(result, (pl.CompiledGraph, PersonaliseError))
    with path.open("rb") as handle:
        outcome(lambda: pl.read_edge_csv(handle), broken=broken, names="edges.csv")


@fuzz(50)
@given(broken=broken_csv(JUNYI), repair=st.booleans())
def test_read_junyi_exercises_on_broken_tables(folder: Path, broken: Broken, repair: bool) -> None:
    path = written(folder, "junyi.csv", broken.data)
    result = outcome(lambda: pl.read_junyi_exercises(path, repair=repair), broken=broken, names="junyi.csv")
    if not isinstance(result, PersonaliseError):
        graph, report = result
        assert isinstance(graph, pl.CompiledGraph) and isinstance(report, pl.RepairReport)


# ------------------------------------------------------------------ evidence JSON Lines and store exports
@fuzz(50)
@given(broken=broken_lines([json.loads(line) for line in str(EVIDENCE.to_jsonl()).splitlines()]))
def test_evidence_from_jsonl_on_broken_files(folder: Path, broken: Broken) -> None:
    path = written(folder, "evidence.jsonl", broken.data)
    for read in (pl.Evidence.from_jsonl, formats.from_jsonl):
        result = outcome(lambda read=read: read(path), broken=broken, names="evidence.jsonl")
        assert isinstance(result, (pl.Evidence, PersonaliseError))


def store_export() -> list[Any]:
    """The records of a small store's export: evidence, a roster and an open scaffold."""
    store = pl.open_store()
    store.add(EVIDENCE)
    store.set_roster({"4B": ["ann", "bo"]})
    store.open_scaffold("ann", pl.Scaffold("add", pl.linear_fading(3)), at="2026-09-14T09:00:00Z")
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "export.jsonl"
        store.export(path)
        store.close()
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


EXPORT = store_export()


@fuzz(50)
@given(broken=broken_lines(EXPORT))
def test_import_store_on_broken_exports_writes_nothing(folder: Path, broken: Broken) -> None:
    path = written(folder, "export.jsonl", broken.data)
    target = folder / "imported.sqlite"
    for stale in folder.glob("imported.sqlite*"):
        stale.unlink()
    result = outcome(lambda: pl.import_store(path, target), broken=broken, names="export.jsonl")
    if isinstance(result, PersonaliseError):
        reopened = pl.open_store(target)
        try:
            assert len(reopened) == 0 and reopened.classes() == (), f"a failed import left rows: {broken.how}"
        finally:
            reopened.close()
    else:
        result.close()


# ------------------------------------------------------------------ hand-written broken files, one section per reader
def refused(call: Any, error: type[PersonaliseError], *fragments: str) -> None:
    """``call()`` raises ``error`` with a one-line message holding every fragment."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


CASE_BROKEN = {
    "utf16.json": ("not UTF-8 text", "byte 0xff on line 1"),
    "nan_sequence_number.json": ("NaN is not a JSON number", "(line 20)"),
    "nested_too_deep.json": ("nested too deeply", "200 levels"),
    "lone_bom.json": ("not valid JSON", "line 1, column 1"),
}


@pytest.mark.parametrize("name", sorted(CASE_BROKEN))
def test_read_case_broken_fixture(name: str) -> None:
    refused(lambda: pl.read_case(FIXTURES / "case" / "broken" / name), GraphError, name, *CASE_BROKEN[name])


XAPI_BROKEN = {
    "nan_on_first_line.jsonl": ("NaN is not a JSON number", "(line 1)"),
    "utf16.json": ("not UTF-8 text", "byte 0xff on line 1"),
    "nul_in_verb.json": ("Invalid control character", "line 13, column 49"),
}


@pytest.mark.parametrize("name", sorted(XAPI_BROKEN))
def test_read_xapi_broken_fixture(name: str) -> None:
    path = FIXTURES / "xapi" / "broken_bytes" / name
    refused(lambda: pl.read_xapi(path, skill_of=same_activity), EvidenceError, name, *XAPI_BROKEN[name])


ONEROSTER_BROKEN = {
    "results_utf16": ("results.csv is not UTF-8 text", "byte 0xff on line 1"),
    "manifest_lone_bom": ("manifest.csv is empty",),
}


@pytest.mark.parametrize("name", sorted(ONEROSTER_BROKEN))
def test_read_oneroster_broken_fixture(name: str) -> None:
    files = {file: text.encode("utf-8") for file, text in ROSTER.items()}
    for path in (FIXTURES / "oneroster" / "broken_bytes" / name).iterdir():
        files[path.name] = path.read_bytes()
    for source in (files, zipped(files)):
        refused(lambda source=source: pl.read_oneroster(source), EvidenceError, *ONEROSTER_BROKEN[name])


MARKS_BROKEN = {
    "utf16.csv": ("not UTF-8 text", "byte 0xff on line 1"),
    "nul_in_mark.csv": ("line 3, column 'mark'", "'5\\x00' is not a number"),
}


@pytest.mark.parametrize("name", sorted(MARKS_BROKEN))
def test_read_marks_broken_fixture(name: str) -> None:
    refused(lambda: pl.read_marks(FIXTURES / "marks" / "broken" / name), EvidenceError, name, *MARKS_BROKEN[name])


EDGES_BROKEN = {
    "utf16.csv": ("not UTF-8 text", "byte 0xff on line 1"),
    "latin1.csv": ("not UTF-8 text", "byte 0xe9 on line 3"),
    "no_header.csv": ("has no column 'prerequisite'", "columns are ['count', 'add']"),
}


@pytest.mark.parametrize("name", sorted(EDGES_BROKEN))
def test_read_edge_csv_broken_fixture(name: str) -> None:
    path = FIXTURES / "edges" / "broken" / name
    refused(lambda: pl.read_edge_csv(path), EvidenceError, name, *EDGES_BROKEN[name])
    with path.open("rb") as handle:  # a binary file is decoded the same way
        refused(lambda: pl.read_edge_csv(handle), EvidenceError, name, *EDGES_BROKEN[name])


JUNYI_BROKEN = {
    "utf16.csv": ("not UTF-8 text", "byte 0xff on line 1"),
    "unclosed_quote.csv": ("line 3: not CSV", "unexpected end of data"),
    "missing_prerequisites_column.csv": ("has no column 'prerequisites'",),
}


@pytest.mark.parametrize("name", sorted(JUNYI_BROKEN))
def test_read_junyi_exercises_broken_fixture(name: str) -> None:
    path = FIXTURES / "junyi" / "broken" / name
    for repair in (False, True):
        refused(lambda repair=repair: pl.read_junyi_exercises(path, repair=repair), EvidenceError, name,
                *JUNYI_BROKEN[name])


def test_csv_fields_longer_than_the_csv_module_allows_are_a_named_error(folder: Path) -> None:
    path = written(folder, "long_field.csv", f"prerequisite,skill\ncount,add\nadd,{'x' * 200_000}\n".encode())
    refused(lambda: pl.read_edge_csv(path), EvidenceError, "long_field.csv", "line 3", "field larger than field limit")


def test_import_store_broken_export_leaves_the_target_empty(folder: Path) -> None:
    lines = [json.dumps(record) for record in EXPORT]
    lines[-1] = lines[-1].replace('"scaffold": {', '"scaffold": {"level": "high", "x": ', 1)  # the last line breaks
    path = written(folder, "late_break.jsonl", ("\n".join(lines) + "\n").encode())
    target = folder / "late_break.sqlite"
    refused(lambda: pl.import_store(path, target), PersonaliseError, "late_break.jsonl", f"line {len(lines)}")
    store = pl.open_store(target)
    try:
        assert len(store) == 0 and store.classes() == ()
    finally:
        store.close()
