"""benchmarks/run.py: the runner that collects every benchmark's JSON line into one file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    path = ROOT / "benchmarks" / "run.py"
    if not path.exists():
        pytest.skip("benchmarks/ is not part of this installation")
    spec = importlib.util.spec_from_file_location("benchmark_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_script_is_run(runner: ModuleType) -> None:
    scripts = {p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_") and p.stem != "run"}
    assert set(runner.SCRIPTS) | set(runner.ON_REQUEST) == scripts
    assert not set(runner.SCRIPTS) & set(runner.ON_REQUEST)
    assert {row[0] for row in runner.HEADLINES} <= scripts


def test_the_last_json_line_is_kept(runner: ModuleType) -> None:
    text = "table\n{not json\n" + json.dumps({"a": 1}) + "\nfooter\n" + json.dumps({"b": 2}) + "\n  \n"
    assert runner.last_json_line(text) == {"b": 2}
    assert runner.last_json_line("no json here\n[1, 2]\n") is None


def test_headlines_walk_keys_and_lists_and_judge_targets(runner: ModuleType) -> None:
    scripts = {
        "recommend": {"result": {"floor_ratio": 1.5, "loop_speedup": 450.0, "peak_extra_over_mastery": "n/a"}},
        "bkt": {"result": {"sizes": [{"n_learners": 100, "fit_ratio": 0.4}, {"n_learners": 1000}]}},
        "store": {"result": {"engines": {"sqlite": {"ingest_ratio": 0.6}, "postgresql": {"ingest_ratio": 0.4}}}},
        "simulate": {"error": "exit status 1"},
    }
    rows = {row["label"]: row for row in runner.headlines(scripts)}
    assert rows["recommend_next 100,000 x 1,000 float32 over one pass"]["met"] is True
    assert rows["recommend_next 10,000 x 500, speed-up over the networkx loop"]["met"] is False
    assert "recommend_next peak extra memory over the matrix" not in rows  # not a number: left out
    assert rows["fit_bkt over pyBKT C++ (best of serial and parallel), size 100 learners"]["value"] == 0.4
    assert rows["store ingest over a bare insert, sqlite"]["met"] and not rows["store ingest over a bare insert, postgresql"]["met"]
    assert not any(row["script"] == "simulate" for row in rows.values())


def test_a_run_writes_the_document(runner: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(name: str, quick: bool) -> dict[str, object]:
        return {"seconds": 0.1, "result": {"benchmark": name, "quick": quick, "floor_ratio": 1.0}}

    monkeypatch.setattr(runner, "run_script", fake)
    out = tmp_path / "r.json"
    assert runner.main(["--quick", "--only", "recommend", "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["schema"] == "personalise.benchmarks/1" and document["quick"] is True
    assert set(document["scripts"]) == {"recommend"} and document["versions"]["numpy"]
    assert document["machine"]["cpu_count"] >= 1 and document["date"].endswith("Z")
    assert document["headlines"][0]["value"] == 1.0
    monkeypatch.setattr(runner, "run_script", lambda name, quick: {"seconds": 0.1, "error": "exit status 2"})
    assert runner.main(["--only", "bkt", "--out", str(out)]) == 1
