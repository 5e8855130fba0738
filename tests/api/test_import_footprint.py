"""Using a compiled graph never imports networkx (DESIGN.md section 2), nor the optional pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import personalise as pl

    document = json.dumps({
        "schema": "personalise.compiled_graph/1",
        "skill_ids": ["count", "add", "multiply", "compare"],
        "edges": [["count", "add"], ["add", "multiply"], ["count", "compare"]],
    })
    from_json = pl.CompiledGraph.from_json(document)
    from_csv = pl.read_edge_csv(sys.argv[1])
    assert from_csv.skill_ids == ("count", "add", "compare", "multiply"), from_csv.skill_ids
    mastery = np.array([[0.99, 0.10, 0.00, 0.20], [0.99, 0.99, 0.30, 0.99], [0.0, 0.0, 0.0, 0.0]])
    mastery.flags.writeable = False
    for graph in (from_json, from_csv):
        ready = pl.readiness(graph, mastery)
        fringe = pl.inner_fringe(graph, mastery)
        recs = pl.recommend_next(graph, mastery, k=2, goals=[graph.skill_ids[-1], None, {"add"}])
        records = recs.to_records(["ann", "bo", "cy"])
        assert ready.shape == fringe.shape == (3, 4)
        assert records and all(r["reason"] for r in records)
        graph.index_of("add"), graph.to_json(), recs.reasons, recs.skills()
    pl.read_junyi_exercises(sys.argv[2], repair=True)
    pl.load_example_class(pl.load_example_curriculum())
    leaked = sorted(m for m in ("networkx", "pandas", "matplotlib", "hypothesis") if m in sys.modules)
    assert not leaked, leaked
    print("ok")
    """
)


def test_compiled_graphs_work_without_importing_networkx(tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    edges.write_text("prerequisite,skill\ncount,add\nadd,multiply\ncount,compare\n", encoding="utf-8")
    table = tmp_path / "exercises.csv"
    table.write_text('name,prerequisites\ncount,\nadd,"count,count"\nadd,\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", SCRIPT, str(edges), str(table)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_is_light() -> None:
    code = "import sys, personalise; print(sorted(m for m in ('networkx', 'pandas', 'scipy') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
