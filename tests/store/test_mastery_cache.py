"""The caches behind ``mastery()`` on every engine: what each store object keeps, and when it must read again.

A store object keeps the last table of every learner it computed while it
mirrors the cached states (``personalise.store._mastery.Memo``), and a new
row after the ``watermark`` in ``meta`` is never looked up as late. These
tests drive the cases where either shortcut would give a wrong table: a
second store object (another process) folding, adding late rows or voiding
on the same database; a late row that moves a learner's first appearance;
ties in time at the watermark and in first appearances; and a fold that
fails half-way. Every table must equal ``estimate_mastery`` on the
evidence, ids and bits.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import personalise as pl

SKILLS = ["count", "add", "sub"]
PARAMS = pl.BKTParams(SKILLS, prior=[0.1, 0.2, 1 / 3], learn=[0.15, 0.1, 1 / 7], guess=0.2, slip=[0.1, 0.05, 1 / 9],
                      forget=[0.0, 0.01, 0.02])
OTHER = pl.BKTParams(SKILLS, prior=0.3, learn=0.2, guess=0.25, slip=0.1, forget=0.0)
START = np.datetime64("2026-09-07T09:00", "us")
MINUTE = np.timedelta64(60_000_000, "us")


def rows(spec: list[tuple[str, str, float, int, str]]) -> pl.Evidence:
    """Evidence from ``(learner, skill, score, minutes after START, id)``."""
    learners, skills, scores, minutes, ids = zip(*spec)
    return pl.Evidence(list(learners), list(skills), list(scores), START + np.array(minutes) * MINUTE, list(ids))


def replayed(store: pl.EvidenceStore, params: pl.BKTParams = PARAMS) -> pl.MasteryTable:
    return pl.estimate_mastery(params, store.evidence())


@pytest.fixture
def pair(target: str) -> Iterator[tuple[pl.EvidenceStore, pl.EvidenceStore]]:
    """Two store objects on one new database, as two processes would have."""
    with pl.open_store(target) as first, pl.open_store(target) as second:
        yield first, second


def term(n: int, seed: int) -> pl.Evidence:
    rng = np.random.default_rng(seed)
    learners = [f"p{i:02d}" for i in range(12)]
    return rows([(learners[int(rng.integers(12))], SKILLS[int(rng.integers(3))], float(rng.choice([0, 0.5, 1])),
                  int(rng.integers(0, 600)), f"e{seed}-{k:03d}") for k in range(n)])


def test_another_store_objects_writes_are_seen(pair: tuple[pl.EvidenceStore, pl.EvidenceStore]) -> None:
    mine, theirs = pair
    mine.add(term(80, 1))
    assert mine.mastery(PARAMS) == replayed(mine)  # mine keeps this table
    theirs.add(rows([("p01", "add", 1.0, 700, "later-1"), ("p02", "count", 0.0, 5, "late-1")]))
    assert theirs.mastery(PARAMS) == replayed(theirs)  # theirs folds: mine's table no longer mirrors the states
    mine.add(rows([("p03", "sub", 1.0, 710, "later-2")]))
    assert mine.mastery(PARAMS) == replayed(mine)
    theirs.add(rows([("p04", "add", 0.5, 3, "late-2")]))  # late, and folded by mine, not theirs
    assert mine.mastery(PARAMS) == replayed(mine)
    voided = mine.evidence(learner_ids=["p05"]).evidence_ids[:2].tolist()
    theirs.void(voided)
    assert mine.mastery(PARAMS) == replayed(mine)
    theirs.forget_learner("p06")
    table = mine.mastery(PARAMS)
    assert table == replayed(mine) and "p06" not in table.learner_ids
    assert mine.mastery(PARAMS, learner_ids=["p06", "p07"]) == pl.estimate_mastery(
        PARAMS, mine.evidence(), learner_ids=["p06", "p07"])


def test_two_models_keep_their_own_states(store: pl.EvidenceStore) -> None:
    store.add(term(60, 2))
    for k in range(3):
        store.add(rows([("p01", "add", 1.0, 900 + k, f"new-{k}"), ("p02", "sub", 0.0, 10 + k, f"old-{k}")]))
        assert store.mastery(PARAMS) == replayed(store)
        assert store.mastery(OTHER, pass_mark=0.6) == pl.estimate_mastery(OTHER, store.evidence(), pass_mark=0.6)


def test_a_late_row_moves_a_learner_up_the_table(pair: tuple[pl.EvidenceStore, pl.EvidenceStore]) -> None:
    mine, theirs = pair
    mine.add(rows([("ann", "add", 1.0, 10, "a1"), ("bo", "add", 0.0, 20, "b1"), ("cy", "count", 1.0, 30, "c1")]))
    assert mine.mastery(PARAMS).learner_ids == ("ann", "bo", "cy")
    mine.add(rows([("cy", "sub", 0.5, 5, "c0"), ("dee", "add", 1.0, 40, "d1")]))
    table = mine.mastery(PARAMS)
    assert table.learner_ids == ("cy", "ann", "bo", "dee") and table == replayed(mine)
    assert theirs.mastery(PARAMS) == table  # read afresh: the same order and values


def test_ties_in_time_are_broken_by_evidence_id(pair: tuple[pl.EvidenceStore, pl.EvidenceStore]) -> None:
    mine, theirs = pair
    mine.add(rows([("bo", "add", 1.0, 10, "q2"), ("ann", "add", 0.0, 10, "q3"), ("cy", "add", 1.0, 10, "q1")]))
    assert mine.mastery(PARAMS).learner_ids == ("cy", "bo", "ann")
    # at the time of the latest folded row, before it by id: late for that learner-skill
    mine.add(rows([("ann", "add", 1.0, 10, "q0"), ("ann", "count", 1.0, 10, "q4")]))
    table = mine.mastery(PARAMS)
    assert table.learner_ids == ("ann", "cy", "bo") and table == replayed(mine)
    assert theirs.mastery(PARAMS) == table


def test_integer_ids_sort_as_numbers(target: str) -> None:
    with pl.open_store(target) as store, pl.open_store(target) as again:
        store.add(pl.Evidence([7, 30, 200], ["add"] * 3, [1.0, 0.0, 1.0], [START] * 3, [10, 9, 100]))
        assert store.mastery(PARAMS).learner_ids == (30, 7, 200)
        store.add(pl.Evidence([200], ["add"], [0.0], [START], [8]))
        assert store.mastery(PARAMS).learner_ids == (200, 30, 7) == again.mastery(PARAMS).learner_ids


def test_a_fold_that_fails_leaves_nothing_behind(store: pl.EvidenceStore) -> None:
    store.add(term(40, 3))
    assert store.mastery(PARAMS) == replayed(store)
    store.add(rows([("p01", "mul", 1.0, 5, "mul-1"), ("p02", "add", 1.0, 2, "late-3")]))
    with pytest.raises(pl.UnknownSkillError, match="'mul'"):
        store.mastery(PARAMS)
    store.void(["mul-1"])
    assert store.mastery(PARAMS) == replayed(store)
