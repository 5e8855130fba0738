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
from personalise.loaders import _example_skill_table

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


def test_demo_imports_neither_networkx_nor_pandas() -> None:
    code = (
        "import io, sys\n"
        "from personalise.__main__ import main\n"
        "assert main(['demo'], stdout=io.StringIO()) == 0\n"
        "print(sorted(m for m in ('networkx', 'pandas') if m in sys.modules))\n"
    )
    source = str(Path(pl.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_demo_lesson_prints_a_plan_across_the_three_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--lesson"]) == 0
    out = capsys.readouterr().out
    assert "Lesson plan for 28 learners" in out
    for title in ("Teaching (", "Content (", "Experience ("):
        assert title in out
    assert out.index("Teaching (") < out.index("Content (") < out.index("Experience (")
