"""read_edge_csv, read_junyi_exercises (synthetic and, when present, the real table) and the bundled data.

The real Junyi table is read from ``shared/`` beside the repository and never
copied into it; the synthetic tables below only mimic its columns and defects.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import personalise as pl

# ----------------------------------------------------------------- edge CSVs


def test_read_edge_csv_from_a_file_object() -> None:
    text = "prerequisite,skill\ncount,add\nadd,multiply\n,shapes\n"
    graph = pl.read_edge_csv(io.StringIO(text))
    assert graph.skill_ids == ("count", "add", "multiply", "shapes")
    assert set(graph.edges()) == {("count", "add"), ("add", "multiply")}
    assert graph.prerequisites_of("shapes") == ()


@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "Path"])
def test_read_edge_csv_from_a_path_with_bom(tmp_path: Path, as_path: type) -> None:
    path = tmp_path / "edges.csv"
    path.write_text("prerequisite,skill\ncount,add\n,shapes\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    graph = pl.read_edge_csv(as_path(path))
    assert graph.skill_ids == ("count", "add", "shapes")
    assert graph.n_edges == 1


def test_read_edge_csv_with_bom_in_a_text_stream() -> None:
    graph = pl.read_edge_csv(io.StringIO("\ufeffprerequisite,skill\na,b\n"))
    assert graph.skill_ids == ("a", "b")


def test_read_edge_csv_isolated_skills_spaces_and_extra_columns() -> None:
    text = "skill,prerequisite,note\n b , a ,x\n c ,,isolated\nd,  ,also isolated\nb,a,duplicate edge\n"
    graph = pl.read_edge_csv(io.StringIO(text))
    assert graph.skill_ids == ("a", "b", "c", "d")
    assert list(graph.edges()) == [("a", "b")]


def test_read_edge_csv_with_skill_order() -> None:
    graph = pl.read_edge_csv(io.StringIO("prerequisite,skill\na,b\n,c\n"), skill_order=["c", "b", "a"])
    assert graph.skill_ids == ("c", "b", "a")


def test_read_edge_csv_header_only_gives_an_empty_graph() -> None:
    assert pl.read_edge_csv(io.StringIO("prerequisite,skill\n")).n_skills == 0


def test_read_edge_csv_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(b"prerequisite,skill\r\na,b\r\nb,c\r\n")
    assert pl.read_edge_csv(path).skill_ids == ("a", "b", "c")


@pytest.mark.parametrize(("header", "missing"), [("prereq,skill", "prerequisite"), ("prerequisite,name", "skill")])
def test_read_edge_csv_missing_column(header: str, missing: str) -> None:
    with pytest.raises(pl.EvidenceError, match=f"no column '{missing}'") as info:
        pl.read_edge_csv(io.StringIO(f"{header}\na,b\n"))
    assert info.value.value == missing


def test_read_edge_csv_empty_file() -> None:
    with pytest.raises(pl.EvidenceError, match="no column 'prerequisite'"):
        pl.read_edge_csv(io.StringIO(""))


@pytest.mark.parametrize("empty", ["", "   "], ids=["empty", "spaces"])
def test_read_edge_csv_empty_skill_names_the_line(empty: str) -> None:
    with pytest.raises(pl.EvidenceError, match="line 3: column 'skill' is empty") as info:
        pl.read_edge_csv(io.StringIO(f"prerequisite,skill\na,b\nb,{empty}\n"))
    assert info.value.value == 3


def test_read_edge_csv_cycle() -> None:
    with pytest.raises(pl.CyclicPrerequisiteError, match=re.escape("'a' -> 'b' -> 'a'")):
        pl.read_edge_csv(io.StringIO("prerequisite,skill\na,b\nb,a\n"))


def test_read_edge_csv_self_loop() -> None:
    with pytest.raises(pl.GraphError, match="self-loop.*'a'"):
        pl.read_edge_csv(io.StringIO("prerequisite,skill\na,a\n"))


# -------------------------------------------------------- synthetic Junyi
JUNYI_COLUMNS = [
    "name",
    "live",
    "prerequisites",
    "h_position",
    "v_position",
    "creation_date",
    "seconds_per_fast_problem",
    "pretty_display_name",
    "short_display_name",
    "topic",
    "area",
]

#: (name, prerequisites) in file order; line numbers count the header as line 1.
DEFECTIVE_ROWS = [
    ("count_to_10", ""),  # line 2
    ("add_within_10", "count_to_10"),  # line 3
    ("subtract_within_10", "count_to_10,add_within_10,count_to_10"),  # line 4: repeated prerequisite
    ("place_value", "place_value,count_to_10"),  # line 5: self-loop
    ("add_within_10", "place_value"),  # line 6: duplicate row (ignored)
    ("number_line", "number_line"),  # line 7: self-loop
    ("beta_roots", "alpha_roots"),  # line 8
    ("gamma_roots", "beta_roots"),  # line 9
    ("alpha_roots", "gamma_roots,number_line"),  # line 10: closes the 3-cycle
    ("fractions", "place_value,ghost_skill"),  # line 11: unknown prerequisite
]

EXPECTED_EDGES = {
    ("count_to_10", "add_within_10"),
    ("count_to_10", "subtract_within_10"),
    ("add_within_10", "subtract_within_10"),
    ("count_to_10", "place_value"),
    ("alpha_roots", "beta_roots"),
    ("beta_roots", "gamma_roots"),
    ("number_line", "alpha_roots"),
    ("place_value", "fractions"),
}

EXPECTED_REPORT = pl.RepairReport(
    duplicate_rows=[(6, "add_within_10")],
    repeated_prerequisites=[("count_to_10", "subtract_within_10")],
    self_loops=["place_value", "number_line"],
    unknown_prerequisites=[("ghost_skill", "fractions")],
    cycles=[("alpha_roots", "beta_roots", "gamma_roots")],
    dropped_edges=[
        ("place_value", "place_value"),
        ("number_line", "number_line"),
        ("ghost_skill", "fractions"),
        ("gamma_roots", "alpha_roots"),
    ],
)


def write_junyi(path: Path, rows: list[tuple[str, str]]) -> Path:
    """Write a table with the real Junyi columns (and a BOM, as the real file has)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(JUNYI_COLUMNS)
        for i, (name, prerequisites) in enumerate(rows):
            writer.writerow(
                [
                    name,
                    "TRUE" if i % 4 else "FALSE",
                    prerequisites,
                    i,
                    -i,
                    "2012-10-11 17:55:24.8056 UTC",
                    13,
                    f"?物線 {name}",  # damaged display names, as in the real table
                    f"短 {i}",
                    "topic-x",
                    "algebra",
                ]
            )
    return path


@pytest.fixture
def defective_table(tmp_path: Path) -> Path:
    return write_junyi(tmp_path / "junyi_like.csv", DEFECTIVE_ROWS)


def test_junyi_strict_mode_raises_for_the_cycle_and_names_every_defect(defective_table: Path) -> None:
    with pytest.raises(pl.CyclicPrerequisiteError) as info:
        pl.read_junyi_exercises(defective_table)
    message = str(info.value)
    assert info.value.cycle == ("alpha_roots", "beta_roots", "gamma_roots")
    assert "repair=True" in message
    for fragment in (
        "'add_within_10' on line 6",
        "'count_to_10' in 'subtract_within_10'",
        "'place_value'",
        "'number_line'",
        "'ghost_skill' -> 'fractions'",
        "'alpha_roots' -> 'beta_roots' -> 'gamma_roots' -> 'alpha_roots'",
    ):
        assert fragment in message, fragment


def test_junyi_strict_mode_without_a_cycle_raises_graph_error_with_the_report(tmp_path: Path) -> None:
    rows = [(name, prereqs.replace("gamma_roots,", "")) for name, prereqs in DEFECTIVE_ROWS]
    path = write_junyi(tmp_path / "acyclic.csv", rows)
    with pytest.raises(pl.GraphError) as info:
        pl.read_junyi_exercises(path)
    assert type(info.value) is pl.GraphError
    report = info.value.value
    assert isinstance(report, pl.RepairReport)
    assert report.cycles == ()
    assert report.duplicate_rows == EXPECTED_REPORT.duplicate_rows
    assert report.repeated_prerequisites == EXPECTED_REPORT.repeated_prerequisites
    assert report.self_loops == EXPECTED_REPORT.self_loops
    assert report.unknown_prerequisites == EXPECTED_REPORT.unknown_prerequisites
    assert report.dropped_edges == EXPECTED_REPORT.dropped_edges[:-1]
    message = str(info.value)
    for fragment in ("'add_within_10' on line 6", "'count_to_10' in 'subtract_within_10'", "'place_value'",
                     "'number_line'", "'ghost_skill' -> 'fractions'"):
        assert fragment in message, fragment
    assert str(report) in message
    # repair gives the report the error carried
    assert pl.read_junyi_exercises(path, repair=True)[1] == report


def test_junyi_repair_returns_the_exact_report_and_graph(defective_table: Path) -> None:
    graph, report = pl.read_junyi_exercises(defective_table, repair=True)
    assert report == EXPECTED_REPORT
    assert not report.is_clean
    assert set(graph.skill_ids) == {name for name, _ in DEFECTIVE_ROWS}
    assert graph.n_skills == 9
    assert set(graph.edges()) == EXPECTED_EDGES
    assert graph.n_edges == len(EXPECTED_EDGES)
    assert nx.is_directed_acyclic_graph(graph.to_networkx())


def test_junyi_repair_report_text(defective_table: Path) -> None:
    _, report = pl.read_junyi_exercises(defective_table, repair=True)
    assert str(report) == "\n".join(
        [
            "1 duplicate row (kept the first): 'add_within_10' on line 6",
            "1 repeated prerequisite merged: 'count_to_10' in 'subtract_within_10'",
            "2 self-loops dropped: 'place_value', 'number_line'",
            "1 unknown prerequisite dropped: 'ghost_skill' -> 'fractions'",
            "cycle 'alpha_roots' -> 'beta_roots' -> 'gamma_roots' -> 'alpha_roots': "
            "dropped edge 'gamma_roots' -> 'alpha_roots'",
        ]
    )


def test_junyi_repair_report_json_round_trip(defective_table: Path) -> None:
    _, report = pl.read_junyi_exercises(defective_table, repair=True)
    text = report.to_json()
    data = json.loads(text)
    assert data["schema"] == "personalise.repair_report/1"
    assert data["duplicate_rows"] == [[6, "add_within_10"]]
    assert data["cycles"] == [["alpha_roots", "beta_roots", "gamma_roots"]]
    back = pl.RepairReport.from_json(text)
    assert back == report
    assert str(back) == str(report)


def test_junyi_from_a_text_stream(defective_table: Path) -> None:
    text = defective_table.read_text(encoding="utf-8-sig")
    graph, report = pl.read_junyi_exercises(io.StringIO(text), repair=True)
    assert report == EXPECTED_REPORT
    assert set(graph.edges()) == EXPECTED_EDGES


def test_junyi_repair_removes_every_cycle(tmp_path: Path) -> None:
    rows = [("a", "c"), ("b", "a"), ("c", "b"), ("x", "y"), ("y", "x"), ("z", "x")]
    graph, report = pl.read_junyi_exercises(write_junyi(tmp_path / "two_cycles.csv", rows), repair=True)
    assert sorted(report.cycles) == [("a", "b", "c"), ("x", "y")]
    assert set(report.dropped_edges) == {("c", "a"), ("y", "x")}
    assert graph.n_edges == 4
    assert nx.is_directed_acyclic_graph(graph.to_networkx())


def test_junyi_clean_table(tmp_path: Path) -> None:
    rows = [("count", ""), ("add", "count"), ("multiply", "add,count")]
    path = write_junyi(tmp_path / "clean.csv", rows)
    for repair in (False, True):
        graph, report = pl.read_junyi_exercises(path, repair=repair)
        assert report.is_clean
        assert report == pl.RepairReport()
        assert str(report) == "no defects"
        assert graph.skill_ids == ("count", "add", "multiply")
        assert graph.prerequisites_of("multiply") == ("count", "add")


def test_junyi_missing_column() -> None:
    with pytest.raises(pl.EvidenceError, match="no column 'prerequisites'") as info:
        pl.read_junyi_exercises(io.StringIO("name,live\na,TRUE\n"))
    assert info.value.value == "prerequisites"


def test_junyi_empty_name_names_the_line() -> None:
    with pytest.raises(pl.EvidenceError, match="line 3: column 'name' is empty") as info:
        pl.read_junyi_exercises(io.StringIO('name,prerequisites\na,\n  ,"a"\n'))
    assert info.value.value == 3


# ------------------------------------------------------------ the real table
@pytest.mark.junyi
def test_real_junyi_strict_mode_names_the_radicals_cycle(junyi_table: Path) -> None:
    with pytest.raises(pl.CyclicPrerequisiteError) as info:
        pl.read_junyi_exercises(junyi_table)
    cycle = ("adding_and_subtracting_radicals", "radical_multiplication_and_division", "simplifying_radicals")
    assert info.value.cycle == cycle
    message = str(info.value)
    assert " -> ".join(repr(s) for s in (*cycle, cycle[0])) in message
    assert "'proportions_1'" in message and "'number_sense_length_l1'" in message
    assert "2 duplicate rows" in message


@pytest.mark.junyi
def test_real_junyi_repair(junyi_table: Path) -> None:
    graph, report = pl.read_junyi_exercises(junyi_table, repair=True)
    assert graph.n_skills == 835
    assert graph.n_edges == 978
    assert len(report.duplicate_rows) == 2
    assert {name for _, name in report.duplicate_rows} == {"matrix_mul_two", "matrix_app_fruit_oil"}
    assert set(report.self_loops) == {"proportions_1", "number_sense_length_l1"}
    assert len(report.self_loops) == 2
    assert len(report.cycles) == 1
    assert sorted(report.cycles[0]) == [
        "adding_and_subtracting_radicals",
        "radical_multiplication_and_division",
        "simplifying_radicals",
    ]
    assert report.unknown_prerequisites == ()
    assert len(report.dropped_edges) == 3  # two self-loops and the edge closing the cycle
    assert nx.is_directed_acyclic_graph(graph.to_networkx())
    G = graph.to_networkx()
    assert sum(1 for v in G if G.in_degree(v) == 0) > 0
    assert pl.RepairReport.from_json(report.to_json()) == report
    assert pl.CompiledGraph.from_json(graph.to_json()) == graph


@pytest.mark.junyi
def test_real_junyi_recommendations_run(junyi_table: Path) -> None:
    graph, _ = pl.read_junyi_exercises(junyi_table, repair=True)
    rng = np.random.default_rng(7)
    mastery = rng.random((130, graph.n_skills))
    mastery.flags.writeable = False
    recs = pl.recommend_next(graph, mastery, k=5)
    ready = pl.readiness(graph, mastery)
    for i in range(mastery.shape[0]):
        chosen = [j for j in recs.indices[i] if j >= 0]
        assert all(ready[i, j] for j in chosen)
        assert len(chosen) == min(5, int(ready[i].sum()))


# --------------------------------------------------------------- bundled data
def bundled_text(name: str) -> str:
    return resources.files("personalise.data").joinpath(name).read_text(encoding="utf-8")


def test_example_curriculum() -> None:
    graph = pl.load_example_curriculum()
    assert graph.n_skills == 44
    assert nx.is_directed_acyclic_graph(graph.to_networkx())
    assert graph.skill_ids[0] == "count_to_20"
    assert graph == pl.load_example_curriculum()
    skills = list(csv.DictReader(io.StringIO(bundled_text("number_fractions_skills.csv"))))
    assert {row["skill"] for row in skills} == set(graph.skill_ids)


def test_example_class() -> None:
    graph = pl.load_example_curriculum()
    ids, mastery = pl.load_example_class()
    assert ids == tuple(f"L{i:02d}" for i in range(1, 29))
    assert mastery.shape == (28, 44)
    assert mastery.dtype == np.float64
    assert np.isfinite(mastery).all()
    assert ((mastery >= 0) & (mastery <= 1)).all()
    # columns follow the graph's column order
    rows = list(csv.DictReader(io.StringIO(bundled_text("example_class.csv"))))
    for i, row in enumerate(rows):
        assert row["learner_id"] == ids[i]
        for j, skill in enumerate(graph.skill_ids):
            assert mastery[i, j] == float(row[skill])


def test_example_class_follows_a_custom_column_order() -> None:
    default = pl.load_example_curriculum()
    reordered = pl.compile_graph(default.to_networkx(), skill_order=default.skill_ids[::-1])
    ids, mastery = pl.load_example_class()
    ids2, mastery2 = pl.load_example_class(reordered)
    assert ids2 == ids
    np.testing.assert_array_equal(mastery2, mastery[:, ::-1])


def test_example_class_rejects_a_graph_with_other_skills() -> None:
    with pytest.raises(pl.InvalidParameterError, match="no column for skill 'unheard_of'"):
        pl.load_example_class(pl.compile_graph([("count_to_20", "unheard_of")]))


def test_every_example_learner_has_a_next_step() -> None:
    graph = pl.load_example_curriculum()
    _, mastery = pl.load_example_class(graph)
    assert pl.readiness(graph, mastery).any(axis=1).all()
    recs = pl.recommend_next(graph, mastery, k=3)
    assert (recs.indices[:, 0] >= 0).all()
