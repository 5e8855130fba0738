"""The ledger's two writes: adding evidence rows and voiding them, each in one transaction.

:class:`~personalise.store.EvidenceStore` checks its arguments and calls
these; they read and write the ``evidence``, ``tombstones`` and ``meta``
tables and mark or invalidate the derived state (see :mod:`._mastery`).
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from personalise._validation import format_timestamp
from personalise.evidence import Evidence
from personalise.store import _mastery
from personalise.store._codec import Codec, chunks
from personalise.store._dialect import Dialect

__all__ = ["void", "write"]

Report = tuple[list[Hashable], list[Hashable], list[tuple[Hashable, str]], list[tuple[Hashable, str]]]


def write(db: Dialect, codec: Codec, evidence: Evidence) -> Report:
    """Write the rows of ``evidence`` (not empty) the ledger may take: (added, duplicates, conflicts, rejected).

    Rows whose id was voided are rejected; rows whose id the ledger has are
    duplicates (same content) or conflicts (what differs, in words); the
    others are written and their learner-skills marked for replay when late.
    """
    n = len(evidence)
    ids = codec.encode(evidence.evidence_ids)
    learners = codec.encode(evidence.learner_ids)
    skills = codec.encode(evidence.skill_ids)
    scores = evidence.scores.tolist()
    times = evidence.timestamps.astype(np.int64)
    sources = evidence.sources.tolist() if evidence.sources is not None else [None] * n
    with db.write():
        codec.reload()
        for column, array in (("learner", evidence.learner_ids), ("skill", evidence.skill_ids),
                              ("evidence", evidence.evidence_ids)):
            codec.claim(column, array, reload=False)
        voided: set[str] = set()
        if db.execute("SELECT 1 FROM tombstones LIMIT 1"):
            for part in chunks(ids):
                voided.update(r[0] for r in db.execute(
                    f"SELECT evidence_id FROM tombstones WHERE evidence_id IN ({','.join('?' * len(part))})", part))
        # in the order of the ledger's key, so that each page of its index is written once
        candidates = sorted((i for i, key in enumerate(ids) if key not in voided), key=ids.__getitem__)
        seq = int(db.execute("SELECT value FROM meta WHERE key = 'seq'")[0][0])
        # Insert first and look for ids the ledger had only if some row was not inserted: an add of new
        # rows (nearly every add) then reads nothing back. Rows not inserted leave their numbers unused.
        t = times.tolist()
        db.executemany(
            "INSERT INTO evidence (evidence_id, learner_id, skill_id, score, t, source, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (evidence_id) DO NOTHING",
            [(ids[i], learners[i], skills[i], scores[i], t[i], sources[i], seq + 1 + k)
             for k, i in enumerate(candidates)],
        )
        inserted = int(db.execute("SELECT COUNT(*) FROM evidence WHERE seq > ?", (seq,))[0][0])
        existing: dict[str, tuple[str, str, float, int]] = {}
        if inserted < len(candidates):
            mine = {ids[i]: seq + 1 + k for k, i in enumerate(candidates)}
            for part in chunks(list(mine)):
                for row in db.execute(f"SELECT evidence_id, learner_id, skill_id, score, t, seq FROM evidence "
                                      f"WHERE evidence_id IN ({','.join('?' * len(part))})", part):
                    if int(row[5]) != mine[row[0]]:
                        existing[row[0]] = (row[1], row[2], float(row[3]), int(row[4]))
        added: list[Hashable] = []
        duplicates: list[Hashable] = []
        conflicts: list[tuple[Hashable, str]] = []
        rejected: list[tuple[Hashable, str]] = []
        new: list[int] = []
        shown = evidence.evidence_ids.tolist()
        if not voided and not existing:
            added, new = shown, list(range(n))
        else:
            for i, key in enumerate(ids):
                if key in voided:
                    rejected.append((shown[i], "this id was voided; a voided id cannot come back"))
                elif key in existing:
                    difference = _difference(existing[key], (learners[i], skills[i], scores[i], t[i]))
                    (conflicts.append((shown[i], difference)) if difference else duplicates.append(shown[i]))
                else:
                    new.append(i)
                    added.append(shown[i])
        if voided:  # a void that came before its statement now knows whose it is, so forget_learner erases it
            db.executemany("UPDATE tombstones SET learner_id = ? WHERE evidence_id = ? AND learner_id IS NULL",
                           [(learners[i], key) for i, key in enumerate(ids) if key in voided])
        if inserted:
            db.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq + len(candidates)),))
        if new:
            _mastery.mark_late(db, codec, learners, skills, times, evidence.evidence_ids,
                               np.array(new, dtype=np.intp))
    return added, duplicates, conflicts, rejected


def void(db: Dialect, codec: Codec, wanted: list[Hashable]) -> tuple[Hashable, ...]:
    """Remove the rows of ``wanted`` (checked ids) and keep every id as a tombstone; the ids that removed a row."""
    removed: list[Hashable] = []
    with db.write():
        codec.reload()
        keys = [codec.encode_one("evidence", value) for value in wanted]
        seq = int(db.execute("SELECT value FROM meta WHERE key = 'seq'")[0][0])
        pairs = []
        for value, key in zip(wanted, keys):
            rows = db.execute("SELECT learner_id, skill_id FROM evidence WHERE evidence_id = ?", (key,))
            learner = rows[0][0] if rows else None
            if rows:
                pairs.append((rows[0][0], rows[0][1]))
                removed.append(value)
                db.execute("DELETE FROM evidence WHERE evidence_id = ?", (key,))
            db.execute("INSERT INTO tombstones (evidence_id, learner_id, seq) VALUES (?, ?, ?) "
                       "ON CONFLICT (evidence_id) DO NOTHING", (key, learner, seq))
        _mastery.invalidate_pairs(db, pairs)
        _mastery.bump_generation(db)
    return tuple(removed)


def _difference(old: tuple[str, str, float, int], new: tuple[str, str, float, int]) -> str:
    """What differs between a ledger row and a row with the same id, in words ('' when nothing does)."""
    for name, a, b in (("learner", old[0], new[0]), ("skill", old[1], new[1]), ("score", old[2], new[2])):
        if a != b:
            return f"the ledger has {name} {a!r}, not {b!r}"
    if old[3] != new[3]:
        shown = [format_timestamp(np.datetime64(value, "us")) for value in (old[3], new[3])]
        return f"the ledger has time {shown[0]}, not {shown[1]}"
    return ""
