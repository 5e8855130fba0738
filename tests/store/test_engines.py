"""The public store API behaves the same on SQLite and PostgreSQL: smoke tests run on every engine.

Each test asks for ``store`` or ``target`` and so runs once per engine of
``conftest.ENGINES``; the last tests run one term on both engines at once
and compare everything the store gives back, byte for byte. The deeper
semantics of the API are tested in ``tests/unit/test_store.py``, the load
and faults in ``test_concurrency.py`` and ``test_faults.py`` (on every
engine too).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import personalise as pl

SKILLS = ["count", "add", "sub", "mul"]
GRAPH = pl.compile_graph([("count", "add"), ("add", "sub"), ("add", "mul")])
#: Awkward floats on purpose: the store must give back estimate_mastery's values bit for bit.
PARAMS = pl.BKTParams(SKILLS, prior=[0.1, 0.2, 1 / 3, 0.3], learn=[0.15, 0.1, 0.2, 1 / 7], guess=0.2,
                      slip=[0.1, 0.05, 0.1, 1 / 9], forget=[0.0, 0.01, 0.0, 0.02])


def evidence(rows: list[tuple[Any, ...]]) -> pl.Evidence:
    """Evidence from ``(learner, skill, score, time, id)`` rows."""
    learners, skills, scores, times, ids = zip(*rows)
    return pl.Evidence(list(learners), list(skills), list(scores), list(times), list(ids))


def take(rows: pl.Evidence, index: Any) -> pl.Evidence:
    """The rows of ``rows`` at positions ``index``."""
    return pl.Evidence(rows.learner_ids[index], rows.skill_ids[index], rows.scores[index], rows.timestamps[index],
                       rows.evidence_ids[index])


def term(seed: int = 7, n_rows: int = 240) -> pl.Evidence:
    """A term of evidence: six learners, four skills, ties in time, scores that are not round numbers."""
    rng = np.random.default_rng(seed)
    learners = ["ann", "Bo", "cy", "Dee", "_eve", "finn"]
    days = rng.integers(1, 60, n_rows)
    return pl.Evidence(
        [learners[i] for i in rng.integers(0, len(learners), n_rows)],
        [SKILLS[i] for i in rng.integers(0, len(SKILLS), n_rows)],
        np.round(rng.random(n_rows), 3) / 1.7 + 0.1 * (rng.random(n_rows) < 0.3),
        np.datetime64("2026-09-01T09:00", "us") + days * np.timedelta64(86_400_000_000, "us"),
        [f"s{k:04d}" for k in rng.permutation(n_rows)],
    )


def test_add_reports_duplicates_conflicts_and_rejections(store: pl.EvidenceStore) -> None:
    first = evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1"), ("bo", "add", 0.0, "2026-09-01T09:05Z", "q2")])
    assert store.add(first).added == ("q1", "q2")
    again = store.add(first)
    assert again.added == () and again.duplicates == ("q1", "q2")
    changed = store.add(evidence([("ann", "add", 0.5, "2026-09-01T09:00Z", "q1")]))
    assert changed.conflicts == (("q1", "the ledger has score 1.0, not 0.5"),)
    assert len(store) == 2
    assert store.void(["q2", "q9"]) == ("q2",)
    assert store.add(evidence([("bo", "add", 0.0, "2026-09-01T09:05Z", "q2")])).rejected == (
        ("q2", "this id was voided; a voided id cannot come back"),)
    assert store.evidence().evidence_ids.tolist() == ["q1"]


def test_evidence_comes_back_with_its_types(store: pl.EvidenceStore) -> None:
    rows = evidence([(7, 3, 1 / 3, "2026-09-01T09:00:00.000001Z", 11), (2, 3, 0.1 + 0.2, "2026-09-02T09:00Z", 10)])
    store.add(rows)
    back = store.evidence()
    assert back == rows.sorted()
    assert back.learner_ids.dtype == np.int64 and back.evidence_ids.dtype == np.int64
    assert back.scores.dtype == np.float64 and back.scores.tolist() == [1 / 3, 0.1 + 0.2]
    assert back.timestamps.dtype == np.dtype("datetime64[us]")
    assert store.evidence(learner_ids=[7], since="2026-09-01T09:00:00.000001Z").evidence_ids.tolist() == [11]
    assert len(store.evidence(until="2026-09-01T09:00:00.000001Z")) == 0


def test_mastery_equals_estimate_mastery_exactly_with_late_rows_and_voids(store: pl.EvidenceStore) -> None:
    rows = term()
    batches = np.array_split(np.random.default_rng(3).permutation(len(rows)), 6)
    for k, batch in enumerate(batches):  # each batch lands partly before what is already folded in: late rows
        store.add(take(rows, batch))
        if k % 2:
            store.void(rows.evidence_ids[batch[:3]].tolist())
        table = store.mastery(PARAMS)
        assert table == pl.estimate_mastery(PARAMS, store.evidence())
        assert np.array_equal(table.values, pl.estimate_mastery(PARAMS, store.evidence()).values)
    moment = "2026-10-01T00:00Z"
    assert store.mastery(PARAMS, at=moment) == pl.estimate_mastery(PARAMS, store.evidence(until=moment))
    assert store.mastery(PARAMS, pass_mark=0.3) == pl.estimate_mastery(PARAMS, store.evidence(), pass_mark=0.3)


def test_forget_learner_leaves_nothing_about_them(store: pl.EvidenceStore) -> None:
    rows = term(n_rows=60)
    store.add(rows)
    store.set_roster({"4M": ["ann", "Bo", "cy"]})
    store.open_scaffold("ann", pl.Scaffold("add", pl.contingent_fading(levels=2)), at="2026-09-01T08:00Z")
    store.mastery(PARAMS)
    store.void([rows.evidence_ids[rows.learner_ids == "ann"][0]])
    removed = store.forget_learner("ann")
    assert removed == int((rows.learner_ids == "ann").sum()) - 1
    assert "ann" not in store.evidence().learner_ids.tolist()
    assert store.class_learners("4M") == ("Bo", "cy")
    assert store.scaffolds().n_learners == 0
    assert store.mastery(PARAMS) == pl.estimate_mastery(PARAMS, store.evidence())
    assert "ann" not in store.mastery(PARAMS).learner_ids


def test_rosters_and_classes(store: pl.EvidenceStore) -> None:
    store.set_roster({"b": ["ann", "bo"], "B": ["cy"], "a": ["bo"], "_x": ["dee"]})
    store.set_roster({"b": ["bo", "ann"]})
    assert store.classes() == ("B", "_x", "a", "b")  # code-point order on every engine, whatever the collation
    assert store.class_learners("b") == ("bo", "ann")
    with pytest.raises(pl.UnknownClassError, match="'4M'"):
        store.class_learners("4M")
    store.add(evidence([("bo", "count", 1.0, "2026-09-01T09:00Z", "q1")]))
    table = store.mastery(PARAMS, class_id="b")
    assert table.learner_ids == ("bo", "ann")
    assert table == pl.estimate_mastery(PARAMS, store.evidence(), learner_ids=["bo", "ann"])


def test_export_import_round_trip(store: pl.EvidenceStore, make_target: Callable[[], str], tmp_path: Path) -> None:
    rows = term(n_rows=80)
    store.add(rows)
    store.void([rows.evidence_ids[0], "never-added"])
    store.set_roster({"4M": ["ann", "Bo"], "3B": ["cy"]})
    store.open_scaffold("Bo", pl.Scaffold("add", pl.linear_fading(4)), at="2026-09-10T08:00Z")
    path = tmp_path / "term.jsonl"
    count = store.export(path)
    with pl.import_store(path, make_target()) as copy:
        assert copy.evidence() == store.evidence()
        assert copy.classes() == store.classes() and copy.class_learners("4M") == ("ann", "Bo")
        assert copy.mastery(PARAMS) == store.mastery(PARAMS)
        assert copy.scaffolds() == store.scaffolds()
        again = tmp_path / "again.jsonl"
        assert copy.export(again) == count
        assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
        assert copy.add(evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "never-added")])).rejected


def _one_term(store: pl.EvidenceStore, path: Path) -> dict[str, Any]:
    """Run the same term on ``store`` and collect everything it gives back."""
    rows = term(seed=11, n_rows=300)
    order = np.random.default_rng(5).permutation(len(rows))
    store.set_roster({"4M": ["ann", "Bo", "cy", "Dee"], "4m": ["_eve", "finn"]})
    store.open_scaffold("cy", pl.Scaffold("sub", pl.contingent_fading(levels=3)), at="2026-09-01T08:00Z")
    store.open_scaffold("Bo", pl.Scaffold("add", pl.mastery_fading()), at="2026-09-20T08:00Z")
    tables = []
    for k, batch in enumerate(np.array_split(order, 5)):
        store.add(take(rows, batch))
        tables.append(store.mastery(PARAMS).to_dict())
        if k == 2:
            store.void(rows.evidence_ids[batch[:5]].tolist())
    store.forget_learner("Dee")
    store.export(path)
    return {
        "tables": tables,
        "class": store.mastery(PARAMS, class_id="4M").to_dict(),
        "at": store.mastery(PARAMS, at="2026-10-01T00:00Z").to_dict(),
        "recommend": store.recommend(GRAPH, PARAMS, class_id="4M", now="2026-12-01T00:00Z", half_life_days=20,
                                     k=2).to_records(),
        "scaffolds": store.scaffolds(params=PARAMS).support.tolist(),
        "last": store.last_practice(["ann", "Bo", "cy"], SKILLS).astype(np.int64).tolist(),
        "classes": store.classes(),
        "export": path.read_text(encoding="utf-8"),
        "repr": repr(store).replace(store.where, "WHERE"),
    }


def test_both_engines_give_back_the_same_term(tmp_path: Path, postgres_url: str) -> None:
    with pl.open_store(tmp_path / "school.db") as lite, pl.open_store(postgres_url) as pg:
        on_sqlite = _one_term(lite, tmp_path / "sqlite.jsonl")
        on_postgres = _one_term(pg, tmp_path / "postgres.jsonl")
        assert pg.mastery(PARAMS) == pl.estimate_mastery(PARAMS, pg.evidence())
    for key in on_sqlite:
        assert json.dumps(on_postgres[key], default=str) == json.dumps(on_sqlite[key], default=str), key
