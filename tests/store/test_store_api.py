"""The evidence store's API: the ledger, rosters, derived state, scaffolds, next steps, erasure and export.

Every test runs on each engine of ``tests/store/conftest.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import personalise as pl

PARAMS = pl.BKTParams(["add", "count", "sub"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
T = ["2026-09-01T09:00Z", "2026-09-02T09:00Z", "2026-09-03T09:00Z", "2026-09-04T09:00Z"]


def ev(learners: list, skills: list, scores: list, times: list, ids: list, **options: object) -> pl.Evidence:
    return pl.Evidence(learners, skills, scores, times, ids, **options)  # type: ignore[arg-type]


def replay(store: pl.EvidenceStore, params: pl.BKTParams = PARAMS, **options: object) -> pl.MasteryTable:
    return pl.estimate_mastery(params, store.evidence(), **options)  # type: ignore[arg-type]


# ------------------------------------------------------------------ ledger
def test_add_reports_added_duplicates_conflicts_and_rejections(store: pl.EvidenceStore) -> None:
    first = ev(["ann", "bo"], ["add", "add"], [1.0, 0.0], T[:2], ["q1", "q2"], sources="quiz.json")
    assert store.add(first).added == ("q1", "q2")
    assert len(store) == 2
    again = ev(["ann", "bo", "cy"], ["add", "add", "add"], [1.0, 0.5, 1.0], [T[0], T[1], T[2]], ["q1", "q2", "q3"])
    report = store.add(again)
    assert report.added == ("q3",)
    assert report.duplicates == ("q1",)
    assert report.conflicts == (("q2", "the ledger has score 0.0, not 0.5"),)
    assert store.evidence().scores.tolist() == [1.0, 0.0, 1.0]  # the conflicting row was not applied
    moved = store.add(ev(["ann"], ["add"], [1.0], [T[3]], ["q1"]))
    assert moved.conflicts[0][1].startswith("the ledger has time 2026-09-01T09:00:00Z")
    other = store.add(ev(["bo"], ["add"], [1.0], [T[0]], ["q1"]))
    assert other.conflicts == (("q1", "the ledger has learner 'ann', not 'bo'"),)
    assert repr(report) == "AddReport(added=1, duplicates=1, conflicts=1, rejected=0)"
    assert report.to_dict()["conflicts"] == [["q2", "the ledger has score 0.0, not 0.5"]]
    assert store.add(ev([], [], [], np.zeros(0, "datetime64[us]"), [])) == pl.AddReport()


def test_evidence_round_trips_through_the_ledger(store: pl.EvidenceStore) -> None:
    original = ev(["ann", "bo", "ann"], ["sub", "add", "add"], [0.25, 1.0, 0.75], [T[2], T[0], T[1]],
                  ["s3", "s1", "s2"], sources=["a.json", "b.csv", "a.json"])
    store.add(original)
    assert store.evidence() == original.sorted()
    assert store.evidence(learner_ids=["ann"]).evidence_ids.tolist() == ["s2", "s3"]
    assert store.evidence(skills=["add"]).evidence_ids.tolist() == ["s1", "s2"]
    assert store.evidence(since=T[1], until=T[2]).evidence_ids.tolist() == ["s2"]
    assert len(store.evidence(learner_ids=[])) == 0
    with pytest.raises(pl.InvalidParameterError, match="not one string"):
        store.evidence(learner_ids="ann")
    with pytest.raises(pl.EvidenceError, match="no UTC offset"):
        store.evidence(since="2026-09-01T09:00")


def test_id_kinds_are_kept_and_checked(store: pl.EvidenceStore) -> None:
    store.add(ev([1042, 1043], [7, 7], [1.0, 0.0], T[:2], [1, 2]))
    back = store.evidence()
    assert back.learner_ids.dtype == np.int64 and back.evidence_ids.tolist() == [1, 2]
    with pytest.raises(pl.InvalidParameterError, match="keeps learner ids as integers; got strings"):
        store.add(ev(["ann"], [7], [1.0], T[:1], [3]))
    assert len(store) == 2  # the refused call wrote nothing
    ordered = store.add(ev([1042, 1042], [7, 7], [1.0, 1.0], [T[3], T[3]], [10, 9]))
    assert ordered.added == (10, 9)
    assert store.evidence().evidence_ids.tolist() == [1, 2, 9, 10]  # integer ids sort as numbers


def test_void_keeps_a_tombstone(store: pl.EvidenceStore) -> None:
    store.add(ev(["ann", "ann"], ["add", "add"], [1.0, 0.0], T[:2], ["q1", "q2"]))
    assert store.void(["q2", "never-seen"]) == ("q2",)
    assert store.void(["q2"]) == ()
    assert store.evidence().evidence_ids.tolist() == ["q1"]
    report = store.add(ev(["ann", "ann"], ["add", "add"], [0.0, 1.0], [T[1], T[2]], ["q2", "never-seen"]))
    assert [key for key, _ in report.rejected] == ["q2", "never-seen"]
    with pytest.raises(pl.InvalidParameterError, match="sequence of ids"):
        store.void("q1")


def test_rosters(store: pl.EvidenceStore) -> None:
    store.set_roster({"4M": ["ann", "bo", "cy"], "3B": ["di"]})
    assert store.classes() == ("3B", "4M")
    assert store.class_learners("4M") == ("ann", "bo", "cy")
    store.set_roster({"4M": ["cy", "ann"]})
    assert store.class_learners("4M") == ("cy", "ann") and store.class_learners("3B") == ("di",)
    with pytest.raises(pl.UnknownClassError, match="no roster for class '5X'.*'3B', '4M'"):
        store.class_learners("5X")
    with pytest.raises(pl.InvalidParameterError, match="lists a learner twice"):
        store.set_roster({"4M": ["ann", "ann"]})
    assert store.class_learners("4M") == ("cy", "ann")  # the refused call changed nothing
    with pytest.raises(pl.InvalidParameterError, match="OneRosterBundle or a mapping"):
        store.set_roster(["4M"])


def test_roster_from_a_oneroster_bundle(store: pl.EvidenceStore) -> None:
    from importlib.resources import files

    bundle = pl.read_oneroster(files("personalise.data") / "school" / "oneroster")
    store.set_roster(bundle)
    assert store.class_learners("class-4m") == bundle.class_learners("class-4m")
    assert store.add(bundle.evidence).added == tuple(bundle.evidence.evidence_ids.tolist())


# --------------------------------------------------------------- mastery
def test_mastery_equals_a_replay_through_late_rows_voids_and_new_learners(store: pl.EvidenceStore) -> None:
    store.add(ev(["ann", "ann", "bo"], ["add", "sub", "add"], [1.0, 0.7, 1.0], [T[1], T[2], T[1]], ["a", "b", "c"]))
    assert store.mastery(PARAMS) == replay(store)
    store.add(ev(["ann"], ["add"], [0.0], [T[0]], ["late"]))  # before what was folded
    assert store.mastery(PARAMS) == replay(store)
    store.add(ev(["ann"], ["add"], [1.0], [T[3]], ["later"]))
    assert store.mastery(PARAMS) == replay(store)
    store.void(["c"])
    table = store.mastery(PARAMS)
    assert table == replay(store)
    assert "bo" not in table.learner_ids  # bo's only row was voided: bo has no evidence
    assert store.mastery(PARAMS, learner_ids=["bo"]).value("bo", "add") == 0.3  # back to the prior
    store.add(ev(["cy"], ["count"], [1.0], [T[0]], ["d"]))
    assert store.mastery(PARAMS) == replay(store)
    strict = store.mastery(PARAMS, pass_mark=0.9)
    assert strict == replay(store, pass_mark=0.9) and strict != store.mastery(PARAMS, pass_mark=0.5)
    other = pl.BKTParams(["add", "count", "sub"], prior=0.1, learn=0.3, guess=0.25, slip=0.05, forget=0.01)
    assert store.mastery(other) == replay(store, other)
    store.add(ev(["cy"], ["count"], [0.0], ["2026-08-31T09:00Z"], ["e"]))  # late for both parameter sets
    assert store.mastery(other) == replay(store, other) and store.mastery(PARAMS) == replay(store)


def test_mastery_rows_by_learner_class_and_time(store: pl.EvidenceStore) -> None:
    store.add(ev(["ann", "bo", "ann"], ["add", "add", "sub"], [1.0, 0.0, 1.0], T[:3], ["a", "b", "c"]))
    store.set_roster({"4M": ["bo", "zed"]})
    by_class = store.mastery(PARAMS, class_id="4M")
    assert by_class.learner_ids == ("bo", "zed")
    assert by_class == pl.estimate_mastery(PARAMS, store.evidence(), learner_ids=["bo", "zed"])
    assert store.mastery(PARAMS, learner_ids=["ann"]).learner_ids == ("ann",)
    at = store.mastery(PARAMS, at=T[1])
    assert at == pl.estimate_mastery(PARAMS, store.evidence(until=T[1]))
    assert at.learner_ids == ("ann",)
    with pytest.raises(pl.InvalidParameterError, match="not both"):
        store.mastery(PARAMS, learner_ids=["ann"], class_id="4M")
    with pytest.raises(pl.UnknownClassError):
        store.mastery(PARAMS, class_id="nope")
    with pytest.raises(pl.InvalidParameterError, match="params must be BKTParams"):
        store.mastery({"prior": 0.3})  # type: ignore[arg-type]


def test_mastery_refuses_evidence_on_unknown_skills(store: pl.EvidenceStore) -> None:
    store.add(ev(["ann"], ["algebra"], [1.0], T[:1], ["a"]))
    with pytest.raises(pl.UnknownSkillError, match="'algebra'"):
        store.mastery(PARAMS)


def test_last_practice(store: pl.EvidenceStore) -> None:
    store.add(ev(["ann", "ann", "bo"], ["add", "add", "sub"], [1.0, 0.0, 1.0], [T[0], T[2], T[1]], ["a", "b", "c"]))
    last = store.last_practice(["ann", "bo", "cy"], ["add", "sub"])
    assert last[0, 0] == np.datetime64("2026-09-03T09:00") and np.isnat(last[0, 1])
    assert last[1, 1] == np.datetime64("2026-09-02T09:00") and np.isnat(last[2]).all()


# ------------------------------------------------------- views of a term
def test_recommend_and_plan_lesson_follow_the_store(store: pl.EvidenceStore) -> None:
    graph = pl.compile_graph([("count", "add"), ("add", "sub")])
    params = pl.BKTParams.constant(graph, prior=0.3, learn=0.15, guess=0.2, slip=0.1)
    store.add(ev(["ann"] * 3 + ["bo"], ["count"] * 3 + ["count"], [1.0, 1.0, 1.0, 0.0], [T[0]] * 4,
                 ["a", "b", "c", "d"]))
    store.set_roster({"4M": ["ann", "bo"]})
    recs = store.recommend(graph, params, class_id="4M", k=1)
    assert recs.learner_ids == ("ann", "bo") and recs.skills() == (("add",), ("count",))
    assert recs == pl.recommend_next(graph, store.mastery(params, class_id="4M"), k=1)
    review = store.recommend(graph, params, class_id="4M", k=2, now="2026-12-01T09:00Z", half_life_days=20)
    assert review.term_names[0][0] == "review"
    fresh = store.recommend(graph, params, class_id="4M", k=2, now="2026-09-01T10:00Z", half_life_days=20)
    assert "review" not in fresh.term_names[0]
    plan = store.plan_lesson(graph, params, class_id="4M", k=1)
    assert plan == pl.plan_lesson(graph, store.mastery(params, class_id="4M"), k=1)
    with pytest.raises(pl.InvalidParameterError, match="graph must be a CompiledGraph"):
        store.recommend("graph", params)  # type: ignore[arg-type]


def test_scaffolds_advance_with_evidence_after_they_were_opened(store: pl.EvidenceStore) -> None:
    rule = pl.contingent_fading(levels=3)
    store.add(ev(["ann"], ["add"], [1.0], ["2026-09-01T08:00Z"], ["before"]))  # before the scaffold: not counted
    store.open_scaffold("ann", pl.Scaffold("add", rule, kind="worked example"), at="2026-09-01T08:30Z")
    store.open_scaffold("bo", pl.Scaffold("add", rule, kind="worked example"), at="2026-09-01T08:30Z")
    store.add(ev(["ann", "ann", "bo", "bo"], ["add"] * 4, [1.0, 1.0, 0.0, 0.2], [T[0], T[1], T[0], T[1]],
                 ["a1", "a2", "b1", "b2"]))
    state = store.scaffolds()
    expected = pl.Scaffold("add", rule, kind="worked example").after(True).after(True)
    assert state.skills == ("add",) and state.support[0, 0] == expected.support
    assert state.opportunities.tolist() == [[2], [2]]
    assert state.support[1, 0] == 1.0 and state.failure_run.tolist() == [[0], [2]]
    store.add(ev(["ann"], ["add"], [0.0], ["2026-09-01T08:45Z"], ["late"]))  # late, but after the opening
    assert store.scaffolds().opportunities.tolist() == [[3], [2]]
    assert store.scaffolds(["bo"]).failure_run.tolist() == [[2]]
    store.open_scaffold("cy", pl.Scaffold("sub", pl.mastery_fading()), at=T[0])
    with pytest.raises(pl.InvalidParameterError, match="pass params="):
        store.scaffolds()
    faded = store.scaffolds(["cy"], params=PARAMS)
    assert faded.skills == ("sub",) and faded.support.tolist() == [[1.0]]
    with pytest.raises(pl.InvalidParameterError, match="must be a Scaffold"):
        store.open_scaffold("ann", "worked example")  # type: ignore[arg-type]


# ------------------------------------------------------ erasure, export
def test_forget_learner_removes_every_row_about_them(store: pl.EvidenceStore) -> None:
    store.add(ev(["ann", "ann", "bo"], ["add", "sub", "add"], [1.0, 0.0, 1.0], T[:3], ["a1", "a2", "b1"]))
    store.void(["a2"])
    store.set_roster({"4M": ["ann", "bo"]})
    store.open_scaffold("ann", pl.Scaffold("add", pl.linear_fading(3)), at=T[0])
    store.mastery(PARAMS)
    assert store.forget_learner("ann") == 1
    assert store.evidence().learner_ids.tolist() == ["bo"]
    assert store.class_learners("4M") == ("bo",)
    assert store.scaffolds().skills == ()
    assert store.mastery(PARAMS) == replay(store)
    assert store.add(ev(["ann"], ["sub"], [1.0], T[:1], ["a2"])).added == ("a2",)  # the tombstone went too
    assert store.forget_learner("nobody") == 0


def test_export_and_import_rebuild_an_identical_store(store: pl.EvidenceStore, tmp_path: Path) -> None:
    store.add(ev(["ann", "bo", "ann"], ["add", "add", "sub"], [1.0, 0.0, 0.5], T[:3], ["a", "b", "c"],
                 sources="quiz.json"))
    store.void(["b", "ghost"])
    store.set_roster({"4M": ["ann", "bo"], "3B": ["cy"]})
    store.open_scaffold("ann", pl.Scaffold("add", pl.contingent_fading(levels=2)), at=T[0])
    path = tmp_path / "term.jsonl"
    assert store.export(path) == 7  # 2 rows, 2 tombstones, 2 rosters, 1 scaffold
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["schema"] == "personalise.store_export/1"
    copy = pl.import_store(path, tmp_path / "copy.db")
    try:
        assert copy.evidence() == store.evidence()
        assert copy.classes() == store.classes() and copy.class_learners("4M") == ("ann", "bo")
        assert copy.scaffolds() == store.scaffolds()
        assert copy.mastery(PARAMS) == store.mastery(PARAMS)
        assert copy.add(ev(["bo"], ["add"], [0.0], T[:1], ["b"])).rejected  # the tombstone came along
        again = tmp_path / "again.jsonl"
        copy.void(["b"])
        copy.export(again)
        assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    finally:
        copy.close()
    with pytest.raises(pl.StoreError, match="not empty"):
        pl.import_store(path, tmp_path / "copy.db")
    with pytest.raises(pl.EvidenceError, match="first line must be the header"):
        pl.import_store('{"schema": "something else"}')


# --------------------------------------------------------------- lifecycle
def test_closed_stores_and_bad_targets(target: str) -> None:
    store = pl.open_store(target)
    assert repr(store).startswith("EvidenceStore(")
    store.close()
    store.close()
    with pytest.raises(pl.StoreError, match="is closed"):
        len(store)
    assert "closed" in repr(store)
    with pytest.raises(pl.InvalidParameterError, match="postgresql:// URL"):
        pl.open_store(42)  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="only SQLite paths and postgresql"):
        pl.open_store("mysql://localhost/db")


def test_a_store_reopens_with_its_ledger(tmp_path: Path) -> None:
    path = tmp_path / "school.db"
    with pl.open_store(path) as store:
        store.add(ev(["ann"], ["add"], [1.0], T[:1], ["a"]))
        first = store.mastery(PARAMS)
    with pl.open_store(str(path)) as again:
        assert len(again) == 1 and again.mastery(PARAMS) == first


def test_newer_schema_is_refused_and_older_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from personalise.store import _schema

    path = tmp_path / "school.db"
    pl.open_store(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(pl.StoreError, match="newer version of personalise .schema 99"):
        pl.open_store(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    calls: list[int] = []
    monkeypatch.setitem(_schema.MIGRATIONS, 0, lambda db: calls.append(0))
    pl.open_store(path).close()
    assert calls == [0]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)


def test_a_folder_that_does_not_exist_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(pl.StoreError, match="does not exist"):
        pl.open_store(tmp_path / "no" / "such" / "school.db")


def test_evidence_of_a_long_class_list(store: pl.EvidenceStore) -> None:
    """More learner ids than one SQL statement may hold (SQLite allows 32,766 parameters)."""
    learners = [f"p{i:05d}" for i in range(40_000)]
    store.add(ev(learners[:3], ["add"] * 3, [1.0] * 3, [T[0]] * 3, ["a", "b", "c"]))
    assert store.evidence(learner_ids=learners, skills=["add"], since=T[0]).evidence_ids.tolist() == ["a", "b", "c"]
