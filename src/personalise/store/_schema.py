"""The evidence store's tables, their version, and the migrations between versions.

The ledger (``evidence`` and the ``tombstones`` of voided ids) is the truth;
``rosters`` and ``scaffolds`` are what the user told the store; ``states`` and
``folded`` and ``stale`` are derived caches of mastery that can always be
rebuilt from the ledger: for each set of parameters, ``states`` holds each
learner-skill's P(mastery) after its evidence up to a watermark (a time and
an evidence id) and the time of its first row, ``folded`` the last ledger
sequence number folded in, and ``stale`` the learner-skills whose state a
late row or a void removed. Ids are stored as text, with the kind of each id
column (string or integer) kept in ``meta``; times are integer microseconds
since the epoch, UTC. The SQL is written once for SQLite and PostgreSQL.

The ledger has few indexes on purpose, since every index is written by every
add: the evidence id (its key), the sequence number (what a fold reads), the
time (windows) and the learner (a learner's rows: replays of their
learner-skills, erasure). A learner-skill's rows are found through the
learner's (a hundred or so), which costs an add much less than an index on
the pair would.
"""

from __future__ import annotations

from collections.abc import Callable

from personalise.exceptions import StoreError
from personalise.store._dialect import Dialect

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TABLES", "prepare"]

#: The version of the tables this library writes.
SCHEMA_VERSION = 1

TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS evidence (
        evidence_id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        skill_id TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        t BIGINT NOT NULL,
        source TEXT,
        seq BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS evidence_learner ON evidence (learner_id)",
    "CREATE INDEX IF NOT EXISTS evidence_seq ON evidence (seq)",
    "CREATE INDEX IF NOT EXISTS evidence_time ON evidence (t)",
    """CREATE TABLE IF NOT EXISTS tombstones (
        evidence_id TEXT PRIMARY KEY,
        learner_id TEXT,
        seq BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tombstones_learner ON tombstones (learner_id)",
    """CREATE TABLE IF NOT EXISTS rosters (
        class_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        learner_id TEXT NOT NULL,
        PRIMARY KEY (class_id, learner_id))""",
    "CREATE INDEX IF NOT EXISTS rosters_learner ON rosters (learner_id)",
    """CREATE TABLE IF NOT EXISTS scaffolds (
        learner_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        opened_t BIGINT NOT NULL,
        scaffold TEXT NOT NULL,
        PRIMARY KEY (learner_id, position))""",
    """CREATE TABLE IF NOT EXISTS states (
        params_key TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        skill_id TEXT NOT NULL,
        p DOUBLE PRECISION NOT NULL,
        valid_t BIGINT NOT NULL,
        valid_id TEXT NOT NULL,
        first_t BIGINT NOT NULL,
        PRIMARY KEY (params_key, learner_id, skill_id))""",
    "CREATE INDEX IF NOT EXISTS states_pair ON states (learner_id, skill_id)",
    "CREATE TABLE IF NOT EXISTS folded (params_key TEXT PRIMARY KEY, seq BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS stale (
        params_key TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        skill_id TEXT NOT NULL,
        PRIMARY KEY (params_key, learner_id, skill_id))""",
)

#: ``MIGRATIONS[v]`` turns the tables of version ``v`` into those of ``v + 1`` (inside one transaction).
MIGRATIONS: dict[int, Callable[[Dialect], None]] = {}


def _version(db: Dialect) -> int | None:
    rows = db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    return int(rows[0][0]) if rows else None


def prepare(db: Dialect) -> None:
    """Create the tables of a new store, or check and migrate an existing one, in one transaction."""
    with db.write():
        db.execute(TABLES[0])
        found = _version(db)
        if found is None:
            for statement in TABLES[1:]:
                db.execute(statement)
            db.after_create()
            db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("INSERT INTO meta (key, value) VALUES ('seq', '0')")
            return
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"evidence store {db.where} was written by a newer version of personalise (schema {found}; this "
                f"version reads up to {SCHEMA_VERSION}); upgrade personalise to open it", value=db.where
            )
        while found < SCHEMA_VERSION:
            if found not in MIGRATIONS:
                raise StoreError(f"evidence store {db.where}: no migration from schema {found}", value=db.where)
            MIGRATIONS[found](db)
            found += 1
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(found),))
