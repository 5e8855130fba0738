"""What only the PostgreSQL dialect does: placeholders, URLs and passwords, floats, errors, locks, erasure.

The tests that need a server get a fresh database from ``postgres_url``
(see ``conftest.py``); they skip with one line when no server can be had.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
import urllib.parse
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.store import _postgres
from personalise.store._postgres import WRITE_LOCK, public_url, translate

PARAMS = pl.BKTParams(["add", "sub"], prior=[0.2, 1 / 3], learn=[0.15, 1 / 7], guess=0.2, slip=[0.1, 1 / 9],
                      forget=[0.0, 0.01])


def _evidence(rows: list[tuple[Any, ...]]) -> pl.Evidence:
    learners, skills, scores, times, ids = zip(*rows)
    return pl.Evidence(list(learners), list(skills), list(scores), list(times), list(ids))


def _bits(values: Any) -> list[int]:
    return [struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in np.asarray(values, dtype=np.float64).ravel()]


# ----------------------------------------------------------------- placeholders and URLs (no server needed)
@pytest.mark.parametrize(("sql", "expected", "shape"), [
    ("SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = %s AND c = %s", (0, 0)),
    ("SELECT key FROM meta WHERE key LIKE 'kind:%'", "SELECT key FROM meta WHERE key LIKE 'kind:%%'", ()),
    ("SELECT '?', \"odd?name\", ? FROM t", "SELECT '?', \"odd?name\", %s FROM t", (0,)),
    ("SELECT 'it''s ?', ? WHERE x LIKE '%s'", "SELECT 'it''s ?', %s WHERE x LIKE '%%s'", (0,)),
    ("SELECT 5 % 3, ?", "SELECT 5 %% 3, %s", (0,)),
    ("SELECT x FROM t WHERE k = ? AND y IN (?, ?,?) AND z not in (?) AND w IN ('?', ?)",
     "SELECT x FROM t WHERE k = %s AND y = ANY(%s) AND z <> ALL(%s) AND w IN ('?', %s)", (0, 3, 1, 0)),
    ("SELECT a FROM t JOIN (SELECT ? AS b) u ON TRUE", "SELECT a FROM t JOIN (SELECT %s AS b) u ON TRUE", (0,)),
])
def test_translate(sql: str, expected: str, shape: tuple[int, ...]) -> None:
    assert translate(sql) == (expected, shape)


def test_lists_of_placeholders_are_one_array(postgres_url: str) -> None:
    with pl.open_store(postgres_url) as store:
        ids = [f"q{k}" for k in range(2000)]
        store.add(pl.Evidence(["ann"] * 2000, ["add"] * 2000, [1.0] * 2000, ["2026-09-01T09:00Z"] * 2000, ids))
        marks = ",".join("?" * 1500)
        found = store.db.execute(f"SELECT COUNT(*) FROM evidence WHERE learner_id = ? AND evidence_id IN ({marks})",
                                 ["ann", *ids[:1499], "nope"])
        assert found == [(1499,)]
        assert store.db.execute(f"SELECT COUNT(*) FROM evidence WHERE evidence_id NOT IN ({marks})", ids[:1500]) == [
            (500,)]
        assert len(store.evidence(learner_ids=["ann", "bo"])) == 2000


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://ann:s3cret@db.example.org:5432/school", "postgresql://ann@db.example.org:5432/school"),
    ("postgres://:s3cret@db/school", "postgres://db/school"),
    ("postgresql://ann@db/school?password=s3cret&sslmode=require", "postgresql://ann@db/school?sslmode=require"),
    ("postgresql://db/school?sslmode=require&sslpassword=s3cret", "postgresql://db/school?sslmode=require"),
    ("postgresql://ann:s%40cret@[::1]:5432,other:5433/school?password=s3cret",
     "postgresql://ann@[::1]:5432,other:5433/school"),
    ("postgresql:///school?host=/run/postgresql", "postgresql:///school?host=/run/postgresql"),
])
def test_public_url_drops_every_password(url: str, shown: str) -> None:
    assert public_url(url) == shown


def test_missing_psycopg_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(pl.StoreError, match=r"pip install 'personalise\[postgres\]'") as error:
        pl.open_store("postgresql://ann:s3cret@localhost/school")
    assert "s3cret" not in str(error.value) and error.value.value == "postgresql://ann@localhost/school"


@pytest.mark.parametrize("url", [
    "postgresql://ann:s3%zzcret@localhost/school",  # a broken percent code: libpq quotes the text
    "postgresql://ann:s3cret@[::1/school",  # an IPv6 address with no closing bracket
    "postgresql://ann:s3cret@localhost/school?no_such_option=1",
])
def test_a_bad_url_is_an_invalid_parameter_without_its_password(psycopg_module: ModuleType, url: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match="is not a valid PostgreSQL URL") as error:
        pl.open_store(url)
    assert "s3" not in str(error.value).replace("school", "")
    assert "\n" not in str(error.value)


def test_a_refused_connection_is_a_store_error_without_the_password(psycopg_module: ModuleType) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://ann:s3cret@127.0.0.1:{port}/school?password=s3cret"
    with pytest.raises(pl.StoreError) as error:
        pl.open_store(url)
    message = str(error.value)
    assert message.startswith(f"evidence store postgresql://ann@127.0.0.1:{port}/school: cannot connect: ")
    assert "refused" in message and "s3cret" not in message and "\n" not in message
    assert isinstance(error.value, OSError)


# ----------------------------------------------------------------------------------- with a server
def test_a_wrong_role_is_a_store_error_without_the_password(postgres_url: str) -> None:
    url = postgres_url.replace("postgresql://postgres@", "postgresql://nobody_here:pa%25ss?word@", 1)
    with pytest.raises(pl.StoreError, match="nobody_here") as error:
        pl.open_store(url)
    assert "pa%ss" not in str(error.value) and "pa%25ss" not in str(error.value)


def test_percent_and_question_marks_in_the_data(postgres_url: str) -> None:
    rows = _evidence([
        ("50%?", "add", 1.0, "2026-09-01T09:00Z", "%s"),
        ("50%?", "sub", 0.0, "2026-09-01T09:01Z", "?"),
        ("%%", "add", 0.5, "2026-09-01T09:02Z", "it's '?'"),
        ("kind:%", "add", 1.0, "2026-09-01T09:03Z", "%(name)s"),
    ])
    with pl.open_store(postgres_url) as store:
        assert len(store.add(rows).added) == 4
        assert store.evidence() == rows.sorted()
        assert store.evidence(learner_ids=["50%?"]).evidence_ids.tolist() == ["%s", "?"]
        assert store.void(["?"]) == ("?",)
        store.set_roster({"5%": ["50%?", "%%"]})
        assert store.class_learners("5%") == ("50%?", "%%")
        assert store.mastery(PARAMS, class_id="5%") == pl.estimate_mastery(PARAMS, store.evidence(),
                                                                           learner_ids=["50%?", "%%"])
        assert store.forget_learner("50%?") == 1
        assert store.evidence().learner_ids.tolist() == ["%%", "kind:%"]


def test_floats_come_back_bit_for_bit(postgres_url: str) -> None:
    awkward = [5e-324, 2.2250738585072014e-308, 1 / 3, 0.1 + 0.2, float(np.nextafter(0.5, 1.0)), 1 - 2**-53, 1e-17]
    rows = pl.Evidence(["ann"] * len(awkward), ["add"] * len(awkward), awkward,
                       [f"2026-09-01T09:{m:02d}Z" for m in range(len(awkward))], [f"q{m}" for m in range(len(awkward))])
    with pl.open_store(postgres_url) as store:
        store.add(rows)
        store.db.execute("SET extra_float_digits = 0")  # text output would round to 15 digits; binary does not
        assert _bits(store.evidence().scores) == _bits(awkward)
        assert store.db.execute("SELECT pg_typeof(score)::text FROM evidence LIMIT 1") == [("double precision",)]
        expected = pl.estimate_mastery(PARAMS, store.evidence(), pass_mark=1e-17)
        assert _bits(store.mastery(PARAMS, pass_mark=1e-17).values) == _bits(expected.values)
    with pl.open_store(postgres_url) as again:  # the cached states, read back from the table
        cached = again.db.execute("SELECT p FROM states ORDER BY skill_id")
        assert all(type(row[0]) is float for row in cached)
        assert _bits(again.mastery(PARAMS, pass_mark=1e-17).values) == _bits(expected.values)
        assert [type(v) for v in again.db.execute("SELECT t, seq, evidence_id FROM evidence LIMIT 1")[0]] == [
            int, int, str]


def test_nul_in_an_id_is_a_store_error_and_writes_nothing(postgres_url: str) -> None:
    with pl.open_store(postgres_url) as store:
        with pytest.raises(pl.StoreError, match="NUL"):
            store.add(_evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1"),
                                 ("a\x00b", "add", 1.0, "2026-09-01T09:00Z", "q2")]))
        assert len(store) == 0
        assert len(store.add(_evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1")])).added) == 1


def test_a_database_not_in_utf8_is_refused(postgres_server: dict[str, Any]) -> None:
    admin = postgres_server["admin"]
    name = "personalise_test_ascii"
    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'SQL_ASCII' LOCALE 'C'")
    try:
        parts = urllib.parse.urlsplit(postgres_server["url"])
        url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
        with pytest.raises(pl.StoreError, match="encoding is SQL_ASCII; the store needs UTF8"):
            pl.open_store(url)
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_read_is_one_snapshot(postgres_url: str) -> None:
    with pl.open_store(postgres_url) as store, pl.open_store(postgres_url) as other:
        store.add(_evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1")]))
        with store.db.read():
            assert len(store) == 1
            other.add(_evidence([("bo", "add", 1.0, "2026-09-01T09:00Z", "q2")]))
            assert len(store) == 1 and len(store.evidence()) == 1
        assert len(store) == 2


def test_writers_queue_on_the_advisory_lock(postgres_url: str, psycopg_module: ModuleType) -> None:
    with pl.open_store(postgres_url) as store, psycopg_module.connect(postgres_url) as holder:
        holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")  # another writer, mid-transaction
        done: list[Any] = []
        started = time.monotonic()
        adding = threading.Thread(target=lambda: done.append(
            (store.add(_evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1")])), time.monotonic() - started)))
        adding.start()
        time.sleep(0.6)
        assert not done  # waiting its turn, not failing
        holder.commit()
        adding.join(30)
        assert done and len(done[0][0].added) == 1 and done[0][1] >= 0.5
        holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        store.db.execute("SET lock_timeout = 200")
        with pytest.raises(pl.StoreError, match="held a lock for longer than lock_timeout.*nothing was written"):
            store.add(_evidence([("bo", "add", 1.0, "2026-09-01T09:00Z", "q2")]))
        holder.rollback()
        assert store.evidence().evidence_ids.tolist() == ["q1"]


def test_the_id_columns_have_no_planner_statistics(postgres_url: str) -> None:
    with pl.open_store(postgres_url) as store:
        rows = store.db.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname IN ('evidence', 'tombstones', 'states', 'stale', 'rosters', 'scaffolds') "
            "AND a.attnum > 0 AND a.attstattarget = 0 ORDER BY 1, 2"
        )
    assert {(table, column) for table, columns in _postgres.PRIVATE_COLUMNS.items() for column in columns} == set(rows)


def _database_files(connection: Any) -> dict[str, bytes]:
    """Every file of the connection's database on the server, after a checkpoint (needs a superuser)."""
    connection.execute("CHECKPOINT")
    folder = connection.execute("SELECT 'base/' || oid FROM pg_database WHERE datname = current_database()"
                                ).fetchone()[0]
    names = [row[0] for row in connection.execute("SELECT pg_ls_dir(%s)", (folder,)).fetchall()]
    return {name: connection.execute("SELECT pg_read_binary_file(%s)", (f"{folder}/{name}",)).fetchone()[0]
            for name in names}


def test_forget_learner_leaves_no_byte_of_the_id_in_the_database_files(postgres_url: str,
                                                                       psycopg_module: ModuleType) -> None:
    gone, kept = "Zqx-forgotten-7781", "Zqy-staying-5512"
    with psycopg_module.connect(postgres_url, autocommit=True) as admin:
        if not admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            pytest.skip("reading the database files needs a superuser")
        with pl.open_store(postgres_url) as store:
            times = [f"2026-09-{d:02d}T09:00Z" for d in range(1, 21)]
            for learner in (gone, kept):
                store.add(pl.Evidence([learner] * 20, ["add", "sub"] * 10, [1.0, 0.0] * 10, times,
                                      [f"{learner}/{k}" for k in range(20)]))  # ids that hold the learner's id
            store.set_roster({"4M": [gone, kept]})
            store.open_scaffold(gone, pl.Scaffold("add", pl.contingent_fading(levels=2)), at="2026-09-01T08:00Z")
            store.mastery(PARAMS)
            store.void([f"{gone}/3"])
            admin.execute("ANALYZE")  # what autovacuum does by itself
            before = _database_files(admin)
            assert any(gone.encode() in data for data in before.values())  # the test can see the id
            assert store.forget_learner(gone) == 19
            after = _database_files(admin)
            holding = sorted(name for name, data in after.items() if gone.encode() in data)
            assert holding == []
            assert any(kept.encode() in data for data in after.values())
            assert store.class_learners("4M") == (kept,)


def test_an_older_snapshot_elsewhere_is_reported_and_a_second_forget_finishes(
        postgres_url: str, psycopg_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_postgres, "_VACUUM_PAUSES", (0.05,))
    with pl.open_store(postgres_url) as store, psycopg_module.connect(postgres_url) as other:
        store.add(_evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1"), ("bo", "add", 1.0, "2026-09-01T09:00Z",
                                                                             "q2")]))
        other.isolation_level = psycopg_module.IsolationLevel.REPEATABLE_READ
        other.execute("SELECT 1")  # a snapshot older than the erasure, holding no lock on the store's tables
        with pytest.raises(pl.StoreError, match="the learner's rows are deleted, but another connection's open "
                                                "transaction can still see 1 old row version"):
            store.forget_learner("ann")
        assert store.evidence().learner_ids.tolist() == ["bo"]
        other.rollback()
        assert store.forget_learner("ann") == 0  # nothing left to delete; the rewrite now drops the old versions


def test_a_lock_held_elsewhere_stops_the_rewrite_with_a_named_error(postgres_url: str,
                                                                    psycopg_module: ModuleType) -> None:
    with pl.open_store(postgres_url) as store, psycopg_module.connect(postgres_url) as other:
        store.add(_evidence([("ann", "add", 1.0, "2026-09-01T09:00Z", "q1")]))
        other.execute("SELECT count(*) FROM evidence")  # an open transaction holding a lock on the table
        store.db.execute("SET lock_timeout = 200")
        with pytest.raises(pl.StoreError, match="VACUUM FULL could not rewrite the tables .*lock_timeout"):
            store.forget_learner("ann")
        other.rollback()
        assert len(store) == 0
        assert store.add(_evidence([("bo", "add", 1.0, "2026-09-01T09:00Z", "q2")])).added == ("q2",)
