"""The ``personalise`` command line: ``python -m personalise demo``."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import personalise as pl
from personalise.__main__ import main
from personalise.cli.compare import POLICY_LEVELS
from personalise.io.example import _example_skill_table

N_LEARNERS = 28
N_SKILLS = 44
WIDTH = 100

_LEARNER_ROW = re.compile(r"^(L\d\d)\s+(\d+) / (\d+)\s+(?:(\d+)\. (.+)|\((nothing ready[^)]*)\))$")
_STEP_ROW = re.compile(r"^ {19}\s*(\d+)\. (.+)$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def parse_table(out: str) -> dict[str, tuple[int, list[tuple[int, str]]]]:
    """Learner id -> (skills mastered, [(rank, display name), ...]) from the text table."""
    learners: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    current: list[tuple[int, str]] = []
    for line in out.splitlines():
        if line.startswith("Across the class"):
            break
        row = _LEARNER_ROW.match(line)
        if row:
            learner, mastered, total, rank, name, nothing = row.groups()
            assert int(total) == N_SKILLS
            current = [] if nothing else [(int(rank), name)]
            learners[learner] = (int(mastered), current)
            continue
        step = _STEP_ROW.match(line)
        if step and learners:
            current.append((int(step.group(1)), step.group(2)))
    return learners


@pytest.fixture(scope="module")
def example() -> tuple[pl.CompiledGraph, tuple[str, ...], np.ndarray]:
    graph = pl.load_example_curriculum()
    learner_ids, mastery = pl.load_example_class(graph)
    return graph, learner_ids, mastery


@pytest.fixture(scope="module")
def id_of_name() -> dict[str, str]:
    table = _example_skill_table()
    return {name: skill for skill, (name, _) in table.items()}


# ------------------------------------------------------------------ the table
@pytest.mark.parametrize(
    ("argv", "k", "threshold", "goals"),
    [
        ((), 3, 0.95, None),
        (("--k", "5"), 5, 0.95, None),
        (("--threshold", "0.9", "--k", "2"), 2, 0.9, None),
        (("--goal", "multiply_fractions"), 3, 0.95, frozenset({"multiply_fractions"})),
    ],
)
def test_demo_table_recommends_only_ready_skills_for_every_learner(
    capsys: pytest.CaptureFixture[str],
    example: tuple[pl.CompiledGraph, tuple[str, ...], np.ndarray],
    id_of_name: dict[str, str],
    argv: tuple[str, ...],
    k: int,
    threshold: float,
    goals: frozenset[str] | None,
) -> None:
    graph, learner_ids, mastery = example
    status, out, err = run(capsys, "demo", *argv)
    assert status == 0, err
    assert err == ""
    table = parse_table(out)
    assert list(table) == list(learner_ids)
    assert len(table) == N_LEARNERS
    ready = pl.readiness(graph, mastery, threshold=threshold)
    expected = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals).skills()
    for row, learner in enumerate(learner_ids):
        mastered, steps = table[learner]
        assert mastered == int(np.count_nonzero(mastery[row] >= threshold))
        assert [rank for rank, _ in steps] == list(range(1, len(steps) + 1))
        assert 1 <= len(steps) <= k
        skills = [id_of_name[name] for _, name in steps]
        for skill in skills:
            assert ready[row, graph.index_of(skill)], f"{learner}: {skill} is not ready"
        assert tuple(skills) == expected[row]


def test_demo_table_header_footer_and_width(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo")
    assert status == 0
    header = " ".join(out.split("\n\n")[1].split())
    for fact in ("44 skills", "67 prerequisite links", "28 learners", "0.95"):
        assert fact in header
    footer = out[out.index("Across the class") :]
    assert "small group" in footer
    # the most shared next step of the bundled class, with its learner count
    assert re.search(r"Times tables up to 12 x 12\s+13 / 28", footer)
    assert "content-level" in out.splitlines()[-1].lower()
    assert "teaching level" in out.splitlines()[-1]
    assert max(map(len, out.splitlines())) <= WIDTH
    assert "Traceback" not in out


def test_demo_is_deterministic_and_honours_the_stdout_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = run(capsys, "demo")
    buffer = io.StringIO()
    assert main(["demo"], stdout=buffer) == 0
    assert capsys.readouterr().out == ""
    assert buffer.getvalue() == first


def test_learner_option_shows_only_that_learner(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--learner", "L05")
    assert status == 0
    assert list(parse_table(out)) == ["L05"]
    assert not re.search(r"\bL(?!05)\d\d\b", out)
    assert "Across the class" not in out


def test_unknown_learner_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo", "--learner", "L99")
    assert status == 2
    assert out == ""
    assert "'L99'" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_learners_with_nothing_ready_get_a_clear_line(
    capsys: pytest.CaptureFixture[str], example: tuple[pl.CompiledGraph, tuple[str, ...], np.ndarray]
) -> None:
    _, _, mastery = example
    threshold = float(np.sort(mastery.min(axis=1))[N_LEARNERS // 2])  # about half have mastered everything
    status, out, _ = run(capsys, "demo", "--threshold", repr(threshold))
    assert status == 0
    finished = int(np.count_nonzero((mastery >= threshold).all(axis=1)))
    assert 0 < finished < N_LEARNERS
    assert out.count(f"(nothing ready: all {N_SKILLS} skills mastered)") == finished
    table = parse_table(out)
    assert sum(1 for _, steps in table.values() if not steps) == finished


# ------------------------------------------------------------- json and csv
def test_json_matches_to_records(
    capsys: pytest.CaptureFixture[str], example: tuple[pl.CompiledGraph, tuple[str, ...], np.ndarray]
) -> None:
    graph, learner_ids, mastery = example
    status, out, _ = run(capsys, "demo", "--format", "json")
    assert status == 0
    records = json.loads(out)
    table = _example_skill_table()
    for record in records:
        assert record.pop("skill_name") == table[record["skill_id"]][0]
        assert record.pop("scaffold") in ("worked example", "representation", "prompt")
        assert 0.0 <= record.pop("support") <= 1.0
    assert records == pl.recommend_next(graph, mastery, k=3).to_records(learner_ids)


def test_json_with_goal_and_learner(
    capsys: pytest.CaptureFixture[str], example: tuple[pl.CompiledGraph, tuple[str, ...], np.ndarray]
) -> None:
    graph, learner_ids, mastery = example
    argv = ("demo", "--format", "json", "--goal", "multiply_fractions", "--learner", "L03", "--k", "2")
    status, out, _ = run(capsys, *argv)
    assert status == 0
    records = json.loads(out)
    recs = pl.recommend_next(graph, mastery, k=2, goals="multiply_fractions")
    expected = [r for r in recs.to_records(learner_ids) if r["learner_id"] == "L03"]
    extra = ("skill_name", "scaffold", "support")
    assert [{k: v for k, v in r.items() if k not in extra} for r in records] == expected
    assert all(r["steps_to_goal"] is not None and r["steps_to_goal"] >= 0 for r in records)


def test_csv_parses_and_matches_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, as_json, _ = run(capsys, "demo", "--format", "json")
    status, out, _ = run(capsys, "demo", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    records = json.loads(as_json)
    assert len(rows) == len(records) > 0
    assert {r["learner_id"] for r in rows} == {f"L{i:02d}" for i in range(1, N_LEARNERS + 1)}
    for row, record in zip(rows, records):
        assert list(row) == list(record)
        assert row["skill_id"] == record["skill_id"]
        assert row["skill_name"] == record["skill_name"]
        assert int(row["rank"]) == record["rank"]
        assert float(row["score"]) == record["score"]
        assert row["steps_to_goal"] == ""
        assert row["reason"] == record["reason"]


# ------------------------------------------------------------------- errors
def test_unknown_goal_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo", "--goal", "multiply_fraction")
    assert status == 2
    assert out == ""
    assert "'multiply_fraction'" in err
    assert "did you mean 'multiply_fractions'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("argv", "named"), [(("--k", "0"), "k"), (("--threshold", "1.5"), "threshold")])
def test_bad_options_are_clean_errors(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], named: str) -> None:
    status, out, err = run(capsys, "demo", *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("personalise demo: error: ") and named in err


def test_usage_errors_return_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "demo", "--format", "xml")
    assert status == 2
    assert "invalid choice" in err
    status, _, err = run(capsys, "frobnicate")
    assert status == 2


def test_no_subcommand_prints_help_and_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys)
    assert status == 2
    assert "usage: personalise" in out + err
    assert "demo" in out + err


def test_help_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--help")
    assert status == 0
    assert "--learner" in out and "--format" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out == f"personalise {pl.__version__}\n"


def test_python_dash_m_runs_the_demo() -> None:
    source = str(Path(pl.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-m", "personalise", "demo"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(parse_table(result.stdout)) == N_LEARNERS


def _modules_loaded_by(code: str) -> str:
    """Run ``code`` in a fresh interpreter using this checkout; return what it prints."""
    source = str(Path(pl.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_demo_imports_neither_networkx_nor_pandas() -> None:
    code = (
        "import io, sys\n"
        "from personalise.__main__ import main\n"
        "assert main(['demo'], stdout=io.StringIO()) == 0\n"
        "print(sorted(m for m in ('networkx', 'pandas') if m in sys.modules))\n"
    )
    assert _modules_loaded_by(code) == "[]"


def test_demo_lesson_fits_120_lines_and_names_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--lesson"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) <= 120 and max(map(len, lines)) <= WIDTH
    assert "Lesson plan for 28 learners" in out
    positions = [out.index(f"{n}. {phase.title} (") for n, phase in enumerate(pl.PHASES, start=1)]
    assert positions == sorted(positions)
    for level in ("[teaching]", "[content]", "[experience]"):
        assert level in out
    assert "Full listing" not in out
    names = _example_skill_table()
    assert names["times_tables_to_12"][0] in out  # skills by name, not by id
    # every learner of the class is named somewhere in the plan
    assert all(f"L{i:02d}" in out for i in range(1, N_LEARNERS + 1))


def test_demo_lesson_detail_keeps_the_full_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--lesson", "--detail"]) == 0
    out = capsys.readouterr().out
    listing = out[out.index("Full listing") :]
    for title in ("Teaching level (", "Content level (", "Experience level ("):
        assert title in listing
    assert listing.index("Teaching level (") < listing.index("Content level (") < listing.index("Experience level (")
    assert len(out.splitlines()) > 200  # each learner's three steps, one by one


def test_demo_lesson_writes_the_printable_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "lesson.html"
    assert main(["demo", "--lesson", "--html", str(target)]) == 0
    assert f"Wrote the printable page to {target}" in capsys.readouterr().out
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "Daily review" in page
    for argv, flag in ((["demo", "--html", str(target)], "--html"), (["demo", "--detail"], "--detail"),
                       (["demo", "--term", "--detail"], "--detail")):
        assert main(argv) == 2
        assert flag in capsys.readouterr().err
    assert main(["demo", "--lesson", "--html", str(tmp_path / "missing" / "x.html")]) == 2
    assert "cannot write the lesson page" in capsys.readouterr().err


# ----------------------------------------------------------------- simulate
DEFAULT_POLICIES = ("whole-class-pace", "fading-scaffolds", "responsive-teaching")
EDGES = "prerequisite,skill\ncount,add\nadd,multiply\ncount,compare\nmultiply,fractions\ncompare,fractions\n"
SMALL = ("--learners", "40", "--steps", "6", "--seed", "5")


def table_rows(out: str) -> dict[str, list[str]]:
    """Policy name -> the cells of its row in the simulate table."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Policy "))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        name, *cells = line.split()
        rows[name] = cells
    return rows


def simulated(
    graph: pl.CompiledGraph, names: tuple[str, ...], learners: int, steps: int, seed: int, **options: object
) -> list[pl.SimulationResult]:
    return [
        pl.simulate(graph, pl.policy_from_name(name), n_learners=learners, n_steps=steps, rng=seed, **options)  # type: ignore[arg-type]
        for name in names
    ]


def test_simulate_example_table_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "simulate", *SMALL)
    assert status == 0, err
    assert err == ""
    title = out.splitlines()[0]
    assert "independent skills of 44 taught" in title and "seed 5" in title
    assert "practice accuracy is not learning" in " ".join(out.split()).lower()
    assert "LearnerModel" in out
    assert max(map(len, out.splitlines())) <= WIDTH
    rows = table_rows(out)
    assert tuple(rows) == DEFAULT_POLICIES
    results = simulated(pl.load_example_curriculum(), DEFAULT_POLICIES, 40, 6, 5)
    for name, result in zip(DEFAULT_POLICIES, results):
        mean, sd, median, iqr, bottom, top, goal, practice, d = rows[name]
        final = {key: float(values[-1]) for key, values in result.summary.items()}
        assert mean == f"{final['mean']:.2f}"
        assert sd == f"{final['sd']:.2f}"
        assert median == f"{final['median']:.2f}"
        assert iqr == f"{final['iqr']:.2f}"
        assert bottom == f"{final['bottom_quartile_mean']:.2f}"
        assert top == f"{final['top_quartile_mean']:.2f}"
        assert goal == f"{final['share_goal']:.1%}"
        accuracy = float(result.practice_correct.sum() / result.practice_attempts.sum())
        assert practice == f"{accuracy:.1%}"
        assert d == f"{result.effect_size(results[0]):+.2f}"
    assert rows[DEFAULT_POLICIES[0]][-1] == "+0.00"


def test_simulate_is_deterministic_for_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "simulate", *SMALL, "--format", "json")
    assert first[0] == 0
    assert run(capsys, "simulate", *SMALL, "--format", "json") == first
    buffer = io.StringIO()
    assert main(["simulate", *SMALL], stdout=buffer) == 0
    assert main(["simulate", *SMALL], stdout=(again := io.StringIO())) == 0
    assert buffer.getvalue() == again.getvalue()
    other = run(capsys, "simulate", "--learners", "40", "--steps", "6", "--seed", "6", "--format", "json")
    assert other[1] != first[1]


def test_simulate_reads_an_edge_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    path.write_text(EDGES, encoding="utf-8")
    status, out, err = run(capsys, "simulate", "--graph", str(path), "--policy", "mastery-learning", *SMALL)
    assert status == 0, err
    assert "independent skills of 5 taught" in out.splitlines()[0]
    assert str(path) in " ".join(out.split())
    assert list(table_rows(out)) == ["mastery-learning"]
    expected = simulated(pl.read_edge_csv(path), ("mastery-learning",), 40, 6, 5)[0]
    assert table_rows(out)["mastery-learning"][0] == f"{expected.summary['mean'][-1]:.2f}"


@pytest.mark.parametrize("name", ["graph.json", "graph.txt"])  # by extension, and by content starting with "{"
def test_simulate_reads_a_json_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    graph = pl.read_edge_csv(io.StringIO(EDGES))
    path = tmp_path / name
    path.write_text(graph.to_json(indent=2), encoding="utf-8")
    status, out, err = run(capsys, "simulate", "--graph", str(path), *SMALL, "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    assert document["n_skills"] == 5 and document["n_edges"] == 5
    csv_path = tmp_path / "edges.csv"
    csv_path.write_text(EDGES, encoding="utf-8")
    _, from_csv, _ = run(capsys, "simulate", "--graph", str(csv_path), *SMALL, "--format", "json")
    assert json.loads(from_csv)["policies"] == document["policies"]


def test_simulate_policy_names_all_and_repeats(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "simulate", "--policy", "all", *SMALL)
    assert status == 0
    assert tuple(table_rows(out)) == tuple(pl.POLICIES)
    argv = ("--policy", "TieredTasks", "--policy", "fading-scaffolds", "--policy", "tiered_tasks")
    status, out, _ = run(capsys, "simulate", *argv, *SMALL)
    assert status == 0
    assert tuple(table_rows(out)) == ("tiered-tasks", "fading-scaffolds")
    assert "against tiered-tasks" in " ".join(out.split())


def test_simulate_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("--policy", "whole-class-pace", "--policy", "responsive-teaching", "--goal", "equivalent_fractions")
    status, out, err = run(capsys, "simulate", *argv, *SMALL, "--class-size", "20", "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    graph = pl.load_example_curriculum()
    results = simulated(graph, ("whole-class-pace", "responsive-teaching"), 40, 6, 5,
                        goal="equivalent_fractions", class_size=20)
    assert document["seed"] == 5 and document["n_learners"] == 40 and document["n_steps"] == 6
    assert document["goal"] == "equivalent_fractions" and document["class_size"] == 20
    assert document["n_taught"] == len(results[0].sequence) < graph.n_skills
    assert document["units"] == f"independent skills of {len(results[0].sequence)} taught"
    assert document["baseline"] == "whole-class-pace"
    assert [p["policy"] for p in document["policies"]] == ["whole-class-pace", "responsive-teaching"]
    for entry, result in zip(document["policies"], results):
        assert entry["settings"] == result.policy.to_dict()
        summary = result.summary
        assert entry["per_step"]["step"] == list(range(7))
        for column in pl.SUMMARY_COLUMNS:
            expected = [None if np.isnan(v) else v for v in summary[column].tolist()]
            assert entry["per_step"][column] == pytest.approx(expected), column
        final = entry["final"]
        assert final["mean"] == pytest.approx(summary["mean"][-1])
        assert final["share_goal"] == pytest.approx(summary["share_goal"][-1])
        assert final["effect_size"] == pytest.approx(result.effect_size(results[0]))
    assert document["policies"][0]["final"]["effect_size"] == 0.0


def test_simulate_csv_format_has_a_row_per_policy(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "simulate", *SMALL, "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["policy"] for r in rows] == list(DEFAULT_POLICIES)
    _, as_json, _ = run(capsys, "simulate", *SMALL, "--format", "json")
    for row, entry in zip(rows, json.loads(as_json)["policies"]):
        for key, value in entry["final"].items():
            assert row[key] == ("" if value is None else repr(value))


def test_simulate_out_writes_per_step_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("old content\n", encoding="utf-8")
    argv = ("--policy", "fading-scaffolds", "--policy", "whole-class-pace", "--policy", "flexible-groups")
    status, out, err = run(capsys, "simulate", *argv, *SMALL, "--out", str(path))
    assert status == 0, err
    assert f"written to {path}" in out
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert header == ["policy", "step", *pl.SUMMARY_COLUMNS]
    assert len(rows) == 3 * (6 + 1)
    names = ("fading-scaffolds", "whole-class-pace", "flexible-groups")
    assert [r[0] for r in rows] == [name for name in names for _ in range(7)]
    assert [int(r[1]) for r in rows] == list(range(7)) * 3
    results = simulated(pl.load_example_curriculum(), names, 40, 6, 5)
    for row, (result, step) in zip(rows, [(r, t) for r in results for t in range(7)]):
        for column, cell in zip(pl.SUMMARY_COLUMNS, row[2:]):
            value = float(result.summary[column][step])
            if np.isnan(value):
                assert cell == "", (column, step)
            else:
                assert float(cell) == value, (column, step)
    # json output is not mixed with the note
    status, out, _ = run(capsys, "simulate", *SMALL, "--out", str(path), "--format", "json")
    assert status == 0
    json.loads(out)
    with path.open(newline="", encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 1 + 3 * 7


def test_simulate_out_and_zero_sizes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    status, out, err = run(capsys, "simulate", "--learners", "0", "--steps", "0", "--out", str(path))
    assert status == 0, err
    assert all(cell == "-" for cells in table_rows(out).values() for cell in cells)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(DEFAULT_POLICIES)
    status, out, err = run(capsys, "simulate", "--learners", "1", "--steps", "0", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["policies"][0]["final"]["effect_size"] is None


def test_simulate_without_pandas() -> None:
    code = (
        "import io, sys, tempfile, os\n"
        "from personalise.__main__ import main\n"
        "path = os.path.join(tempfile.mkdtemp(), 'r.csv')\n"
        "assert main(['simulate', '--learners', '20', '--steps', '3', '--out', path], stdout=io.StringIO()) == 0\n"
        "assert main(['simulate', '--learners', '20', '--steps', '3', '--format', 'json'], stdout=io.StringIO()) == 0\n"
        "print(sorted(m for m in ('networkx', 'pandas') if m in sys.modules))\n"
    )
    assert _modules_loaded_by(code) == "[]"


@pytest.mark.parametrize(
    ("files", "argv", "named"),
    [
        ({}, ("--policy", "fading"), "'fading'"),
        ({}, ("--policy", "fading-scafolds"), "did you mean 'fading-scaffolds'"),
        ({}, ("--learners", "-1"), "--learners"),
        ({}, ("--steps", "-3"), "--steps"),
        ({}, ("--seed", "-2"), "--seed"),
        ({}, ("--class-size", "0"), "--class-size"),
        ({}, ("--class-size", "2000"), "--class-size"),
        ({}, ("--graph", "missing.csv"), "'missing.csv': no such file"),
        ({"empty.csv": "prerequisite,skill\n"}, ("--graph", "empty.csv"), "'empty.csv' has no skills"),
        ({"empty.json": '{"schema": "personalise.compiled_graph/1", "skill_ids": [], "edges": []}'},
         ("--graph", "empty.json"), "'empty.json' has no skills"),
        ({"bad.csv": "from,to\na,b\n"}, ("--graph", "bad.csv"), "'bad.csv'"),
        ({"cycle.csv": "prerequisite,skill\na,b\nb,a\n"}, ("--graph", "cycle.csv"), "'cycle.csv'"),
        ({"blank.csv": "prerequisite,skill\na,\n"}, ("--graph", "blank.csv"), "'blank.csv'"),
        ({"bad.json": '{"schema": "personalise.compiled_graph/1", "skill_ids": ["a"]'},
         ("--graph", "bad.json"), "'bad.json'"),
        ({"other.json": '{"schema": "something/1"}'}, ("--graph", "other.json"), "'other.json'"),
        ({"binary.csv": b"\xff\xfe\x00\x81"}, ("--graph", "binary.csv"), "'binary.csv'"),
        ({"folder/x": ""}, ("--graph", "folder"), "'folder'"),
        ({}, ("--goal", "multiply_fraction"), "did you mean 'multiply_fractions'"),
        ({"edges.csv": EDGES}, ("--graph", "edges.csv", "--goal", "division"), "'division'"),
        ({}, ("--out", "no-such-folder/results.csv"), "'no-such-folder/results.csv'"),
    ],
)
def test_simulate_errors_are_one_line_and_name_the_item(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes],
    argv: tuple[str, ...],
    named: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "simulate", "--learners", "5", "--steps", "2", *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("personalise simulate: error: ")
    assert named in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_simulate_error_leaves_the_out_file_alone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("keep me\n", encoding="utf-8")
    status, _, _ = run(capsys, "simulate", "--policy", "nope", "--out", str(path))
    assert status == 2
    assert path.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("argv", [("--learners", "many"), ("--steps", "1.5"), ("--seed", "x"), ("--format", "xml")])
def test_simulate_usage_errors_return_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    status, out, err = run(capsys, "simulate", *argv)
    assert status == 2
    assert out == ""
    assert argv[0] in err
    assert "Traceback" not in err


def test_simulate_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "simulate", "--help")
    assert status == 0
    for option in ("--graph", "--policy", "--learners", "--steps", "--seed", "--out", "--goal", "--class-size"):
        assert option in out
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "simulate" in out


# --------------------------------------------------- the demo's comparison
def test_demo_ends_with_a_policy_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo")
    assert status == 0
    section = out[out.index("Teaching policies compared") :]
    assert out.index("Across the class") < out.index("Teaching policies compared")
    lines = section.splitlines()
    header = next(i for i, line in enumerate(lines) if line.strip().startswith("Policy"))
    assert lines[header].split() == ["Policy", "Mean", "IQR", "Bottom", "quartile", "Level", "personalised"]
    names = ("whole-class-pace", "tiered-tasks", "fading-scaffolds", "responsive-teaching")
    rows = [line.split() for line in lines[header + 1 : header + 1 + len(names)]]
    assert [row[0] for row in rows] == list(names)
    graph = pl.load_example_curriculum()
    results = simulated(graph, names, 3 * N_LEARNERS, 30, 2024, class_size=N_LEARNERS)
    for row, result in zip(rows, results):
        summary = result.summary
        assert row[1:4] == [f"{summary[key][-1]:.2f}" for key in ("mean", "iqr", "bottom_quartile_mean")]
        assert " ".join(row[4:]) == POLICY_LEVELS[row[0]]
    caveat = lines[header + 1 + len(names)]
    assert "simulated under stated assumptions" in caveat.lower() and "LearnerModel" in caveat
    assert "seed 2024" in " ".join(section.split())
    assert "independent skills of 44 taught" in " ".join(section.split())
    assert "content-level" in out.splitlines()[-1].lower()
    assert max(map(len, out.splitlines())) <= WIDTH


def test_demo_comparison_only_in_the_whole_class_table(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (("--learner", "L05"), ("--format", "json"), ("--format", "csv"), ("--lesson",)):
        status, out, _ = run(capsys, "demo", *argv)
        assert status == 0
        assert "Teaching policies compared" not in out
