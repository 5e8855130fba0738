"""Random interleavings of everything that changes a store, against a plain-Python model of its ledger.

Part 5 of the store's contract: whatever the order of adds (on time, late,
duplicated, conflicting, voided, of new learners), voids (of rows, of
unknown ids, of voided ids), forgotten learners, rosters and ``mastery()``
calls (which fill the caches that later operations must invalidate), the
store's mastery equals ``estimate_mastery`` on its surviving evidence,
exactly. The model here is a dict of the live rows, a dict of the
tombstones and their learners, and the rosters; it knows nothing of caches.

After every step, through each of the store's two connections,
``store.evidence()`` equals the model's rows, ``len(store)`` their number,
and no voided id is among them. And ``store.mastery(params)`` equals
``estimate_mastery(params, store.evidence())`` (the same learner and skill
ids, ``array_equal`` values): for one learner model (of two parameter sets
times two pass marks) through the first connection at every step, so that
its in-memory state lives on from step to step, and for the other three in
turn through the second connection, so that their caches lag behind by
several operations. Each operation goes through either connection, so what
one writes the other's caches must notice. A rule also asks for
``mastery`` of some learners, of a class and at a moment, each against
``estimate_mastery`` on the model's rows.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import personalise as pl
from personalise.store import _schema
from tests.store import workers
from tests.strategies import examples

SKILLS = ("add", "sub", "mul")
PARAMS = (
    pl.BKTParams(SKILLS, prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0),
    pl.BKTParams(SKILLS, prior=[0.1, 0.5, 0.25], learn=[0.3, 0.05, 0.2], guess=0.25, slip=[0.05, 0.1, 0.15],
                 forget=[0.0, 0.03, 0.1]),
)
#: The four learner models: each parameter set with each pass mark (the scores below straddle both marks).
MODELS = tuple((params, mark) for params in PARAMS for mark in (0.5, 0.7))
SCORES = (0.0, 0.5, 0.6, 0.7, 1.0)
START = np.datetime64("2026-09-01T08:00", "us")
MINUTE = np.timedelta64(60_000_000, "us")
CLASSES = ("4M", "5K")
#: What a row of an add is: new and on time (at or after the latest row), late (before it), a duplicate of a
#: live row, a live id with other content, a voided id, or a row of a learner the store has never seen.
ROW_KINDS = ("on-time", "late", "duplicate", "conflict", "voided", "new-learner")
TABLE_NAMES = tuple(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", " ".join(_schema.TABLES)))

Row = tuple[Hashable, str, float, int]  # learner, skill, score, minutes after START

rows_of_an_add = st.lists(
    st.tuples(st.sampled_from(ROW_KINDS), st.integers(0, 40), st.integers(0, 2), st.integers(0, 4),
              st.integers(0, 60), st.integers(0, 999)),
    min_size=1, max_size=8,
)


def _fresh_store(target: str) -> pl.EvidenceStore:
    """An empty store at ``target`` (on any engine): its tables dropped, then created again by opening it."""
    with pl.open_store(target) as old:
        with old.db.write():
            for table in TABLE_NAMES:
                old.db.execute(f"DROP TABLE IF EXISTS {table}")
    return pl.open_store(target)


class Interleavings(RuleBasedStateMachine):
    """One store (through two connections) and its model; the test sets ``target``."""

    target = ""

    def __init__(self) -> None:
        super().__init__()
        # two connections to one store: what one writes, the other's caches must notice
        self.handles = (_fresh_store(self.target), pl.open_store(self.target))
        self.live: dict[Hashable, Row] = {}
        self.tombstones: dict[Hashable, Hashable | None] = {}  # voided id -> its learner (None: never seen)
        self.rosters: dict[str, list[Hashable]] = {}
        self.used: set[Hashable] = set()
        self.clock = 0  # minutes after START of the latest row added so far
        self.steps = 0
        self.int_ids = False
        self.learners: list[Hashable] = []

    def teardown(self) -> None:
        for handle in self.handles:
            handle.close()

    # ------------------------------------------------------------ the model
    @initialize(int_ids=st.booleans(), int_learners=st.booleans())
    def kinds(self, int_ids: bool, int_learners: bool) -> None:
        """Integer or string ids (integers order as numbers, strings by code point: 'e10' < 'e9')."""
        self.int_ids = int_ids
        self.learners = [3, 1, 20, 7] if int_learners else ["bo", "ann", "cy", "Dee"]

    def _new_id(self, pick: int) -> Hashable:
        number = pick
        while (number if self.int_ids else f"e{number}") in self.used:
            number += 1000
        new = number if self.int_ids else f"e{number}"
        self.used.add(new)
        return new

    def _new_learner(self) -> Hashable:
        count = len(self.learners)
        learner: Hashable = 100 + count if isinstance(self.learners[0], int) else f"new{count}"
        self.learners.append(learner)
        return learner

    def _changed(self, old: Row, field: int, when: int, score: int) -> Row:
        """``old`` with one field changed: its time, score, skill or learner."""
        if field == 0:
            return (old[0], old[1], old[2], old[3] + 1 + when)
        if field == 1:
            return (old[0], old[1], SCORES[(SCORES.index(old[2]) + 1 + score % 4) % len(SCORES)], old[3])
        if field == 2:
            return (old[0], SKILLS[(SKILLS.index(old[1]) + 1) % len(SKILLS)], old[2], old[3])
        other = [learner for learner in self.learners if learner != old[0]]
        return (other[when % len(other)], *old[1:])

    def _evidence(self, live: dict[Hashable, Row] | None = None) -> pl.Evidence:
        rows = self.live if live is None else live
        if not rows:
            return pl.Evidence([], [], [], np.zeros(0, dtype="datetime64[us]"), [])
        ids = list(rows)
        return pl.Evidence([rows[i][0] for i in ids], [rows[i][1] for i in ids], [rows[i][2] for i in ids],
                           START + MINUTE * np.array([rows[i][3] for i in ids], dtype=np.int64), ids).sorted()

    def _check(self, got: pl.MasteryTable, expected: pl.MasteryTable, what: str) -> None:
        difference = workers.table_difference(got, expected)
        assert not difference, f"{what}: {difference}"

    # ------------------------------------------------------------ the rules
    @rule(rows=rows_of_an_add, via=st.integers(0, 1))
    def add(self, rows: list[tuple[str, int, int, int, int, int]], via: int) -> None:
        """One add of rows of every kind; the report and the ledger are what the model says."""
        batch: dict[Hashable, Row] = {}
        expected: dict[str, set[Hashable]] = {"added": set(), "duplicates": set(), "conflicts": set(),
                                              "rejected": set()}
        live, voided = sorted(self.live, key=str), sorted(self.tombstones, key=str)
        for kind, who, skill, score, when, pick in rows:
            row: Row = (self.learners[who % len(self.learners)], SKILLS[skill], SCORES[score], self.clock + when % 3)
            if kind == "late" and self.clock:
                row = (*row[:3], when % self.clock)
            elif kind == "new-learner":
                row = (self._new_learner(), *row[1:])
            if kind == "duplicate" and live:
                key = live[pick % len(live)]
                row, outcome = self.live[key], "duplicates"
            elif kind == "conflict" and live:
                key = live[pick % len(live)]
                row, outcome = self._changed(self.live[key], pick % 4, when, score), "conflicts"
            elif kind == "voided" and voided:
                key, outcome = voided[pick % len(voided)], "rejected"
            else:
                key, outcome = self._new_id(pick), "added"
            if key in batch:
                continue  # an Evidence holds each id once
            batch[key] = row
            expected[outcome].add(key)
        evidence = self._evidence(batch)
        report = self.handles[via].add(evidence)
        got = {"added": set(report.added), "duplicates": set(report.duplicates),
               "conflicts": {key for key, _ in report.conflicts}, "rejected": {key for key, _ in report.rejected}}
        assert got == expected, f"add reported {got}, the model expected {expected}"
        for key in expected["added"]:
            self.live[key] = batch[key]
            self.clock = max(self.clock, batch[key][3])
        for key in expected["rejected"]:
            if self.tombstones[key] is None:  # a void that came before its statement learns whose it is
                self.tombstones[key] = batch[key][0]

    @rule(picks=st.lists(st.tuples(st.sampled_from(("live", "unknown", "voided")), st.integers(0, 999)),
                         min_size=1, max_size=5), via=st.integers(0, 1))
    def void(self, picks: list[tuple[str, int]], via: int) -> None:
        """Void live ids, unknown ids and voided ids (some twice): only live ones remove a row."""
        ids: list[Hashable] = []
        for kind, pick in picks:
            live, voided = sorted(self.live, key=str), sorted(self.tombstones, key=str)
            if kind == "live" and live:
                ids.append(live[pick % len(live)])
            elif kind == "voided" and voided:
                ids.append(voided[pick % len(voided)])
            elif ids and pick % 5 == 0:
                ids.append(ids[0])  # the same id twice in one call
            else:
                ids.append(self._new_id(pick))
        removed = []
        for key in ids:
            if key in self.live:
                removed.append(key)
                self.tombstones[key] = self.live.pop(key)[0]
            else:
                self.tombstones.setdefault(key, None)
        assert self.handles[via].void(ids) == tuple(removed)

    @rule(who=st.integers(0, 40), via=st.integers(0, 1))
    def forget(self, who: int, via: int) -> None:
        """Forget a learner (or one the store never saw): their rows, tombstones and roster places go."""
        learner = self.learners[who % len(self.learners)]
        gone = [key for key, row in self.live.items() if row[0] == learner]
        for key in gone:
            del self.live[key]
        self.tombstones = {key: owner for key, owner in self.tombstones.items() if owner != learner}
        self.rosters = {c: [m for m in members if m != learner] for c, members in self.rosters.items()}
        self.rosters = {c: members for c, members in self.rosters.items() if members}
        assert self.handles[via].forget_learner(learner) == len(gone)

    @rule(which=st.sampled_from(CLASSES), members=st.lists(st.integers(0, 40), max_size=5), via=st.integers(0, 1))
    def set_roster(self, which: str, members: list[int], via: int) -> None:
        """Replace a class's learners (with learners who have no evidence, too; none empties the class)."""
        learners = list(dict.fromkeys(self.learners[m % len(self.learners)] for m in members))
        self.handles[via].set_roster({which: learners})
        if learners:
            self.rosters[which] = learners
        else:
            self.rosters.pop(which, None)

    @rule(model=st.integers(0, len(MODELS) - 1), view=st.sampled_from(("all", "learners", "class", "at")),
          picks=st.lists(st.integers(0, 40), max_size=4), when=st.integers(0, 70), via=st.integers(0, 1))
    def mastery(self, model: int, view: str, picks: list[int], when: int, via: int) -> None:
        """mastery() of everyone, of some learners, of a class or at a moment, each against a replay."""
        params, mark = MODELS[model]
        store = self.handles[via]
        evidence = self._evidence()
        if view == "all":
            self._check(store.mastery(params, pass_mark=mark),
                        pl.estimate_mastery(params, evidence, pass_mark=mark), "mastery()")
        elif view == "learners":
            learners = list(dict.fromkeys(self.learners[p % len(self.learners)] for p in picks))
            self._check(store.mastery(params, learner_ids=learners, pass_mark=mark),
                        pl.estimate_mastery(params, evidence, learner_ids=learners, pass_mark=mark),
                        f"mastery(learner_ids={learners})")
        elif view == "class":
            which = CLASSES[when % 2]
            if which not in self.rosters:
                with pytest.raises(pl.UnknownClassError):
                    store.mastery(params, class_id=which, pass_mark=mark)
                return
            assert store.class_learners(which) == tuple(self.rosters[which])
            self._check(store.mastery(params, class_id=which, pass_mark=mark),
                        pl.estimate_mastery(params, evidence, learner_ids=self.rosters[which], pass_mark=mark),
                        f"mastery(class_id={which!r})")
        else:
            moment = when % (self.clock + 3)
            before = {key: row for key, row in self.live.items() if row[3] < moment}
            self._check(store.mastery(params, at=START + moment * MINUTE, pass_mark=mark),
                        pl.estimate_mastery(params, self._evidence(before), pass_mark=mark),
                        f"mastery(at=minute {moment})")

    # -------------------------------------------------------- the invariant
    @invariant()
    def the_store_replays_its_ledger(self) -> None:
        self.steps += 1
        expected = self._evidence()
        for via, store in enumerate(self.handles):
            evidence = store.evidence()
            assert evidence == expected, f"the evidence through connection {via} differs from the model's ledger"
            assert len(store) == len(self.live)
            assert not set(evidence.evidence_ids.tolist()) & set(self.tombstones), "a voided id came back"
        # model 0 through connection 0 at every step (its in-memory state lives on from step to step); one of the
        # others, in turn, through connection 1 (their caches lag behind by several operations)
        for via, model in ((0, 0), (1, 1 + self.steps % (len(MODELS) - 1))):
            params, mark = MODELS[model]
            self._check(self.handles[via].mastery(params, pass_mark=mark),
                        pl.estimate_mastery(params, expected, pass_mark=mark),
                        f"mastery() with model {model} through connection {via}")

def test_interleavings_replay_the_surviving_evidence(target: str) -> None:
    """Random sequences of add / void / forget / roster / mastery keep mastery equal to a replay, exactly."""
    machine: Any = type("StoreInterleavings", (Interleavings,), {"target": target})
    run_state_machine_as_test(machine, settings=settings(examples(50), stateful_step_count=30))
