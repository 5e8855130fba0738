"""PostgreSQL under the evidence store, through psycopg 3 (the ``postgres`` extra, imported only here, lazily).

The store's statements are the same as on SQLite; this dialect translates
their ``?`` placeholders (and lists of them, ``IN (?, ?)``, into one array
parameter), runs every write transaction under one advisory
lock so that writers from any number of processes queue (as ``BEGIN
IMMEDIATE`` makes them queue on SQLite), reads in repeatable-read
snapshots, loads results in binary so that ``DOUBLE PRECISION`` comes back
bit for bit, and turns psycopg's errors into :class:`~personalise.StoreError`
naming the URL without its password.

Why a lock rather than ``SERIALIZABLE`` with retries: a write is a
``with db.write():`` block of Python code that reads, decides and writes
(the ledger's sequence counter, the duplicate and conflict checks, the
cached mastery), and a context manager cannot run its block a second time,
so a serialisation failure could only be reported, never retried. Every
write also updates the same counter row, so concurrent writers could never
run in parallel anyway. ``pg_advisory_xact_lock`` taken as the first
statement of a ``READ COMMITTED`` transaction makes each writer wait for the
one before it to commit, and every later statement of the transaction then
sees that commit. (Under ``REPEATABLE READ`` the snapshot would be taken by
the locking statement itself, before the wait, and miss it.)
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from personalise.exceptions import InvalidParameterError, StoreError
from personalise.store._dialect import BUSY_TIMEOUT

if TYPE_CHECKING:
    import psycopg
    from psycopg.errors import Diagnostic

__all__ = ["INSTALL_HINT", "WRITE_LOCK", "PostgreSQL", "public_url", "translate"]

#: The advisory lock every write transaction takes (advisory locks are per database): b"personal" as an integer.
WRITE_LOCK = int.from_bytes(b"personal", "big")
#: What to install when psycopg is missing.
INSTALL_HINT = "pip install 'personalise[postgres]'"

#: The tables that hold rows about a learner (what ``forget_learner`` deletes from and ``after_erasure`` rewrites).
LEARNER_TABLES = ("evidence", "tombstones", "states", "stale", "rosters", "scaffolds")
#: Columns that hold learner ids, or evidence ids that may contain one (the marks reader's ``learner/skill/time``):
#: ANALYZE must never copy their values into the ``pg_statistic`` catalog, which ``VACUUM FULL`` cannot clean.
PRIVATE_COLUMNS = {
    "evidence": ("evidence_id", "learner_id"),
    "tombstones": ("evidence_id", "learner_id"),
    "states": ("learner_id", "valid_id"),
    "stale": ("learner_id",),
    "rosters": ("learner_id",),
    "scaffolds": ("learner_id",),
}
#: Pauses between the tries of ``VACUUM FULL`` while another transaction's snapshot keeps old row versions.
_VACUUM_PAUSES = (0.2, 0.5, 1.0, 2.0)

_AUTHORITY = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^@/]*)@")
_SECRET_PARAMETER = re.compile(r"(?:(?<=[?&])|^)(?:ssl)?password=[^&#]*&?")
_VACUUM_TABLE = re.compile(r'^"(?:[^"]*\.)?(?P<table>[^".]+)": ')
_VACUUM_KEPT = re.compile(r"^(?P<count>\d+) dead row versions cannot be removed yet")


def public_url(url: str) -> str:
    """``url`` without its password (in the user info, or a ``password=``/``sslpassword=`` parameter).

    Examples
    --------
    >>> public_url("postgresql://ann:s3cret@db.example.org:5432/school?sslmode=require&password=x")
    'postgresql://ann@db.example.org:5432/school?sslmode=require'
    """
    match = _AUTHORITY.match(url)
    if match:
        user = match.group("userinfo").split(":", 1)[0]
        url = match.group("head") + (f"{user}@" if user else "") + url[match.end():]
    base, mark, query = url.partition("?")
    if mark:
        query = _SECRET_PARAMETER.sub("", query).rstrip("&")
        url = base + ("?" + query if query else "")
    return url


def _secrets(url: str) -> list[str]:
    """The password texts in ``url`` (as written and percent-decoded), to scrub from error messages."""
    found: list[str] = []
    match = _AUTHORITY.match(url)
    if match and ":" in match.group("userinfo"):
        found.append(match.group("userinfo").split(":", 1)[1])
    _, _, query = url.partition("?")
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key in ("password", "sslpassword"):
            found.append(value)
    found += [urllib.parse.unquote(text) for text in found]
    return sorted({text for text in found if text}, key=len, reverse=True)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PLACES = re.compile(r"(?P<list>\b(?P<not>NOT\s+)?IN\s*\(\s*\?(?:\s*,\s*\?)*\s*\))|(?P<one>\?)", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[int, ...]]:
    """``sql`` for psycopg, and how to pass its parameters: ``(text, shape)``.

    Every ``?`` becomes ``%s``, and every literal ``%`` is doubled (psycopg
    reads placeholders in the whole text). A list of placeholders
    ``IN (?, ?, ...)`` becomes ``= ANY(%s)`` (``NOT IN``, ``<> ALL(%s)``),
    which means the same and takes the values as one array: the statement
    stays short, so that psycopg does not parse 900 placeholders at every
    call and PostgreSQL prepares it once whatever the length of the list.
    ``shape`` has one number per ``%s``: 0 for one value, ``n`` for an array
    of the next ``n`` values. A ``?`` inside a quoted literal or identifier
    is left alone.

    Examples
    --------
    >>> translate("SELECT key FROM meta WHERE key LIKE 'kind:%' AND value <> '?' AND key = ?")
    ("SELECT key FROM meta WHERE key LIKE 'kind:%%' AND value <> '?' AND key = %s", (0,))
    >>> translate("SELECT t FROM evidence WHERE seq > ? AND learner_id IN (?, ?,?)")
    ('SELECT t FROM evidence WHERE seq > %s AND learner_id = ANY(%s)', (0, 3))
    """
    out: list[str] = []
    shape: list[int] = []

    def places(match: re.Match[str]) -> str:
        if match.group("one"):
            shape.append(0)
            return "%s"
        shape.append(match.group("list").count("?"))
        return "<> ALL(%s)" if match.group("not") else "= ANY(%s)"

    start = 0
    for quoted in _QUOTED.finditer(sql):
        out.append(_PLACES.sub(places, sql[start:quoted.start()].replace("%", "%%")))
        out.append(quoted.group().replace("%", "%%"))
        start = quoted.end()
    out.append(_PLACES.sub(places, sql[start:].replace("%", "%%")))
    return "".join(out), tuple(shape)


def _arguments(shape: tuple[int, ...], parameters: Sequence[Any]) -> tuple[Any, ...]:
    """``parameters`` as :func:`translate`'s ``shape`` takes them (arrays packed as lists)."""
    if not any(shape):
        return tuple(parameters)
    packed: list[Any] = []
    at = 0
    for size in shape:
        if size:
            packed.append(list(parameters[at : at + size]))
            at += size
        else:
            packed.append(parameters[at])
            at += 1
    return tuple(packed)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class PostgreSQL:
    """A PostgreSQL database through psycopg 3: the same tables and statements as SQLite.

    The connection runs with autocommit off; :meth:`write` and :meth:`read`
    are its explicit transactions, and a statement outside them is committed
    at once, so that the connection never sits idle in a transaction (which
    would hold back ``VACUUM`` and the other writers). Writers queue on an
    advisory lock for up to ``BUSY_TIMEOUT`` seconds (``lock_timeout``);
    readers take a repeatable-read snapshot. Results are loaded in binary:
    ``DOUBLE PRECISION`` is ``float`` bit for bit, ``BIGINT`` ``int`` and
    ``TEXT`` ``str``, as from :mod:`sqlite3`. The database must be UTF8.
    """

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.where = public_url(url)
        self._secret_texts = _secrets(url)
        self._in_transaction = False
        try:
            import psycopg
        except ImportError:
            raise StoreError(f"evidence store {self.where}: PostgreSQL needs psycopg 3, which is not installed: "
                             f"{INSTALL_HINT}", value=self.where) from None
        self._psycopg = psycopg
        try:
            options = psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.Error as err:
            raise InvalidParameterError(f"target {self.where!r} is not a valid PostgreSQL URL: "
                                        f"{self._clean(str(err))}", value=self.where) from None
        extra: dict[str, Any] = {} if "connect_timeout" in options else {"connect_timeout": 10}
        try:
            self.connection: psycopg.Connection[tuple[Any, ...]] = psycopg.connect(url, autocommit=False, **extra)
        except psycopg.Error as err:
            raise self._error(err, "connect", written=False) from None
        try:
            encoding = self.connection.info.parameter_status("server_encoding")
            if encoding != "UTF8":
                raise StoreError(f"evidence store {self.where}: the database's encoding is {encoding}; the store "
                                 "needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')", value=self.where)
            self._cursor = self.connection.cursor(binary=True)
            self.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT * 1000)}")
            self.execute("SET client_min_messages = warning")
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ errors
    def _clean(self, text: str) -> str:
        """One line of ``text`` without any password of the URL."""
        for secret in self._secret_texts:
            text = text.replace(secret, "***")
        return _one_line(text)

    def _error(self, err: BaseException, doing: str, *, written: bool = True) -> StoreError:
        """``err`` as a one-line StoreError naming the URL without its password."""
        tail = "; nothing was written" if written else ""
        return StoreError(f"evidence store {self.where}: cannot {doing}: {self._explain(err)}{tail}", value=self.where)

    def _explain(self, err: BaseException) -> str:
        """What went wrong, in one line, without any password."""
        state = getattr(err, "sqlstate", None) or ""
        diag = getattr(err, "diag", None)
        primary = getattr(diag, "message_primary", None) if diag is not None else None
        text = self._clean(primary or str(err))
        if state == "25006":
            text = f"the database is read-only ({text})"
        elif state in ("53100", "53000"):
            text = f"the server's disk is full ({text})"
        elif state in ("40001", "40P01"):
            text = f"a concurrent transaction conflicted with this one ({text})"
        elif state == "55P03":
            text = f"another connection's transaction held a lock for longer than lock_timeout ({text})"
        return text

    def _rollback(self) -> None:
        with contextlib.suppress(self._psycopg.Error):
            self.connection.rollback()

    # -------------------------------------------------------- statements
    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            cursor = self._cursor
            text, shape = translate(sql)
            cursor.execute(text, _arguments(shape, parameters))
            rows = cursor.fetchall() if cursor.description is not None else []
            if not self._in_transaction:
                self.connection.commit()
            return rows
        except self._psycopg.Error as err:
            if not self._in_transaction:
                self._rollback()
            raise self._error(err, "run a query") from None
        except BaseException:  # an interrupt: leave no transaction open behind a lone statement
            if not self._in_transaction:
                self._rollback()
            raise

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            text, shape = translate(sql)
            self._cursor.executemany(text, rows if not any(shape) else (_arguments(shape, row) for row in rows))
            if not self._in_transaction:
                self.connection.commit()
        except self._psycopg.Error as err:
            if not self._in_transaction:
                self._rollback()
            raise self._error(err, "write") from None
        except BaseException:
            if not self._in_transaction:
                self._rollback()
            raise

    # ------------------------------------------------------ transactions
    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        psycopg = self._psycopg
        connection = self.connection
        try:
            connection.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
            connection.read_only = None  # the server's default: a database or session set read-only stays so
            self._cursor.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        except psycopg.Error as err:
            self._rollback()
            raise self._error(err, "start a write") from None
        self._in_transaction = True
        try:
            yield
            connection.commit()
        except BaseException as err:
            self._rollback()
            if isinstance(err, psycopg.Error):
                raise self._error(err, "write") from None
            raise
        finally:
            self._in_transaction = False
            self._default_mode()

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        psycopg = self._psycopg
        try:
            self.connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self.connection.read_only = True
        except psycopg.Error as err:
            raise self._error(err, "read", written=False) from None
        self._in_transaction = True
        try:
            yield
        finally:
            self._in_transaction = False
            self._rollback()  # nothing to keep: the snapshot only ends
            self._default_mode()

    def _default_mode(self) -> None:
        with contextlib.suppress(self._psycopg.Error):
            self.connection.isolation_level = None
            self.connection.read_only = None

    def close(self) -> None:
        connection = getattr(self, "connection", None)
        if connection is not None and not connection.closed:
            self._rollback()
            with contextlib.suppress(self._psycopg.Error):
                connection.close()

    # ----------------------------------------------------------- schema
    def after_create(self) -> None:
        """Keep learner ids out of the planner's statistics (inside the transaction that creates the tables).

        ``ANALYZE`` (which autovacuum runs by itself) copies sample values of
        each column into the ``pg_statistic`` catalog, where no erasure by the
        store could reach them; a statistics target of 0 makes it skip the id
        columns. The planner then uses default estimates for them; the
        store's queries go by index anyway.
        """
        for table, columns in PRIVATE_COLUMNS.items():
            changes = ", ".join(f"ALTER COLUMN {column} SET STATISTICS 0" for column in columns)
            self.execute(f"ALTER TABLE {table} {changes}")

    # ---------------------------------------------------------- erasure
    def after_erasure(self) -> None:
        """Rewrite the learner tables with ``VACUUM FULL`` so that the deleted rows leave the table files.

        ``DELETE`` only marks rows dead; ``VACUUM FULL`` (run outside a
        transaction, under the writers' lock so no write interleaves) copies
        the live rows of each table and its indexes into new files, and the
        old files are truncated to nothing when it commits. It rewrites whole
        tables, so it takes time in proportion to the store (seconds for a
        million rows) and waits for other connections' transactions on these
        tables. It copies a dead row too while an older snapshot could still
        see it (another connection's open transaction on this database, a
        replication slot, a standby's ``hot_standby_feedback``): then it is
        tried again a few times, and if rows are still kept a
        :class:`StoreError` says so (running ``forget_learner`` again, once
        that transaction has ended, finishes the erasure). That check reads
        the server's English ``VACUUM VERBOSE`` report; with ``lc_messages``
        in another language it cannot be made, and only the rewrite is done.

        What PostgreSQL keeps beyond the store's reach: the write-ahead log
        (``pg_wal``) holds the rows as they were written and deleted until
        its segments are recycled and overwritten, and so do WAL archives,
        replicas and any backup or dump taken before; the server's log holds
        statement parameters only if parameter logging is turned on; the
        file system may keep the freed blocks of the old files until it
        reuses them. The ``pg_statistic`` catalog never holds learner ids (see
        :meth:`after_create`).
        """
        psycopg = self._psycopg
        connection = self.connection
        unowned = self.execute(
            "SELECT c.relname FROM pg_class c WHERE c.oid IN (" + ", ".join(f"'{t}'::regclass" for t in LEARNER_TABLES)
            + ") AND NOT pg_has_role(c.relowner, 'USAGE') ORDER BY c.relname"
        )
        if unowned:
            raise StoreError(f"evidence store {self.where}: the learner's rows are deleted, but only the owner of "
                             f"table {unowned[0][0]!r} can rewrite it with VACUUM FULL, so old copies remain in the "
                             "table files; run forget_learner again as the tables' owner", value=self.where)
        reports: list[tuple[str, str]] = []

        def handler(report: Diagnostic) -> None:  # a report is readable only during the call
            reports.append((report.message_primary or "", report.message_detail or ""))

        kept: dict[str, int] = {}
        connection.add_notice_handler(handler)
        try:
            connection.autocommit = True
            self._cursor.execute(f"SELECT pg_advisory_lock({WRITE_LOCK})")
            try:
                tables = list(LEARNER_TABLES)
                for pause in (*_VACUUM_PAUSES, None):
                    reports.clear()
                    self._cursor.execute(f"VACUUM (FULL, VERBOSE) {', '.join(tables)}")
                    kept = _kept_rows(reports)
                    if not kept or pause is None:
                        break
                    tables = sorted(kept)
                    time.sleep(pause)
            finally:
                self._cursor.execute(f"SELECT pg_advisory_unlock({WRITE_LOCK})")
        except psycopg.Error as err:
            raise StoreError(f"evidence store {self.where}: the learner's rows are deleted, but VACUUM FULL could "
                             f"not rewrite the tables ({self._explain(err)}), so old "
                             "copies remain in the table files until forget_learner is run again", value=self.where
                             ) from None
        finally:
            connection.remove_notice_handler(handler)
            with contextlib.suppress(psycopg.Error):
                connection.autocommit = False
        if kept:
            table, count = sorted(kept.items())[0]
            raise StoreError(f"evidence store {self.where}: the learner's rows are deleted, but another connection's "
                             f"open transaction can still see {count} old row version(s) of table {table!r}, so "
                             "VACUUM FULL kept them; run forget_learner again when that transaction has ended",
                             value=self.where)


def _kept_rows(reports: Sequence[tuple[str, str]]) -> dict[str, int]:
    """From ``VACUUM (FULL, VERBOSE)``'s (message, detail) reports: the tables where dead rows were kept, how many."""
    kept: dict[str, int] = {}
    for message, detail in reports:
        table = _VACUUM_TABLE.match(message)
        count = _VACUUM_KEPT.match(detail)
        if table and count and int(count.group("count")):
            kept[table.group("table")] = int(count.group("count"))
    return kept
