"""The small dialect layer under the evidence store: SQLite through :mod:`sqlite3`, PostgreSQL through psycopg.

Every statement the store runs is written once, with ``?`` placeholders and
SQL both engines understand (``INSERT ... ON CONFLICT``, row values,
temporary tables); a dialect only translates placeholders, opens the
connection with the settings its engine needs, starts write transactions so
that concurrent writers queue instead of failing, and turns the engine's
errors into :class:`~personalise.StoreError`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from personalise.exceptions import InvalidParameterError, StoreError

__all__ = ["Dialect", "SQLite", "connect"]

#: How long a writer waits for another writer before giving up, in seconds.
BUSY_TIMEOUT = 60.0


class Dialect(Protocol):
    """What differs between engines; the store speaks to its database only through this."""

    #: ``"sqlite"`` or ``"postgresql"``.
    name: str
    #: Where the store lives, for messages (a path, or a URL without its password).
    where: str

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` placeholders) and return its rows (empty when it returns none)."""
        ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        ...

    def write(self) -> contextlib.AbstractContextManager[None]:
        """One write transaction: wholly applied or wholly not, writers one at a time."""
        ...

    def read(self) -> contextlib.AbstractContextManager[None]:
        """One read transaction: a consistent snapshot for several statements."""
        ...

    def close(self) -> None:
        """Close the connection (idempotent)."""
        ...

    def after_create(self) -> None:
        """Engine-specific settings of the tables just created (inside the transaction that created them)."""
        ...

    def after_erasure(self) -> None:
        """Make deleted rows unrecoverable from the database files (after ``forget_learner``)."""
        ...


def _not_writable(path: str) -> bool:
    """Whether SQLite's files at ``path`` (the database, its journal, their folder) cannot be written.

    ``os.access`` reports read-only mounts and immutable files even to root,
    who ignores permissions; SQLite itself only says "disk I/O error" or
    "unable to open database file" then.
    """
    if path == ":memory:" or "://" in path:
        return False
    files = [path, path + "-wal", path + "-shm"]
    folder = os.path.dirname(os.path.abspath(path))
    return any(os.path.exists(name) and not os.access(name, os.W_OK) for name in files) or not os.access(
        folder, os.W_OK)


def _reason(err: BaseException, where: str) -> str:
    """What is wrong, in words, from one of SQLite's errors."""
    text = str(err)
    if isinstance(err, sqlite3.OperationalError) and ("readonly" in text or (
            ("disk I/O error" in text or "unable to open" in text) and _not_writable(where))):
        text = "the database file or its folder is read-only"
    elif isinstance(err, (sqlite3.OperationalError, OSError)) and ("full" in text or getattr(err, "errno", 0) ==
                                                                   errno.ENOSPC):
        text = "the disk is full"
    elif isinstance(err, sqlite3.DatabaseError) and "not a database" in text:
        text = "the file is not a SQLite database"
    return text


def _store_error(err: BaseException, where: str, doing: str) -> StoreError:
    return StoreError(f"evidence store {where}: cannot {doing}: {_reason(err, where)}; nothing was written",
                      value=where)


class SQLite:
    """A SQLite file (or ``:memory:``) through the standard library.

    WAL journal (readers never block the writer), a busy timeout so that
    writers from other processes wait their turn, ``secure_delete`` so that
    deleted rows are overwritten, foreign keys on. Write transactions are
    ``BEGIN IMMEDIATE``: the write lock is taken at the start, so two writers
    can never deadlock on an upgrade and never see "database is locked".
    """

    name = "sqlite"

    def __init__(self, path: str) -> None:
        self.where = path
        self.path = path
        try:
            if path != ":memory:":
                folder = os.path.dirname(os.path.abspath(path))
                if not os.path.isdir(folder):
                    raise StoreError(f"evidence store {path}: the folder {folder!r} does not exist", value=path)
            self.connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                              check_same_thread=False)
            self.connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            if path != ":memory:":
                mode = self.connection.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode is None or str(mode[0]).lower() != "wal":
                    raise StoreError(f"evidence store {path}: the WAL journal could not be turned on", value=path)
            self.connection.execute("PRAGMA secure_delete = ON")
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.execute("PRAGMA synchronous = NORMAL" if path == ":memory:" else "PRAGMA synchronous = FULL")
        except sqlite3.Error as err:
            raise _store_error(err, path, "open the database") from None

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.connection.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.Error as err:
            raise _store_error(err, self.where, "run a query") from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self.connection.executemany(sql, rows)
        except sqlite3.Error as err:
            raise _store_error(err, self.where, "write") from None

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise _store_error(err, self.where, "start a write") from None
        try:
            yield
            self.connection.execute("COMMIT")
        except BaseException as err:
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                raise _store_error(err, self.where, "write") from None
            raise

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        try:
            self.connection.execute("BEGIN")
        except sqlite3.Error as err:
            raise _store_error(err, self.where, "read") from None
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()

    def after_create(self) -> None:
        return None

    def after_erasure(self) -> None:
        if self.path == ":memory:":
            return
        # secure_delete zeroed the cells it freed, but not the old copies of cells that rebalancing a page left
        # in its unallocated middle: VACUUM rebuilds every page from the surviving rows. The WAL then holds the
        # old pages and the new: copy what is current into the main file and truncate the WAL to nothing.
        try:
            self.connection.execute("VACUUM")
        except sqlite3.Error as err:
            raise StoreError(f"evidence store {self.where}: the learner's rows are deleted, but the file could not be "
                             f"rebuilt to erase their old copies ({_reason(err, self.where)}); "
                             "run forget_learner again once that is fixed", value=self.where) from None
        rows = self.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if rows and rows[0][0]:
            raise StoreError(f"evidence store {self.where}: another connection is reading, so the journal could not "
                             "be emptied; the learner's rows are deleted but old copies remain in the journal until "
                             "forget_learner is run again with no other reader", value=self.where)


def connect(target: object) -> Dialect:
    """The dialect for ``target``: a path (or ``":memory:"``) for SQLite, a ``postgresql://`` URL for PostgreSQL."""
    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    if not isinstance(target, str) or not target:
        raise InvalidParameterError(
            f"target must be a file path, ':memory:' or a postgresql:// URL; got {target!r}", value=target
        )
    if target.startswith(("postgresql://", "postgres://")):
        from personalise.store._postgres import PostgreSQL

        return PostgreSQL(target)
    if "://" in target:
        raise InvalidParameterError(f"target {target!r}: only SQLite paths and postgresql:// URLs are supported",
                                    value=target)
    return SQLite(target)
