"""Fixtures for the evidence-store tests: every test that asks for ``store`` or ``target`` runs on each engine.

``engine`` is ``"sqlite"`` or ``"postgresql"`` (a test that makes sense on
one engine only asks for it and skips the other). ``target`` is where a new,
empty store can be opened: a SQLite file in a temporary folder, and a fresh
PostgreSQL database (created for the test, dropped after it). ``store`` is
that store, opened, and closed after the test.

The PostgreSQL server is the one ``PERSONALISE_TEST_POSTGRES`` names (a
``postgresql://`` URL of a role that may create databases), or else a
throwaway cluster started here for the session (``initdb`` and ``pg_ctl``
from ``/usr/lib/postgresql/*/bin``, run as the ``postgres`` user when the
tests run as root, listening only on a Unix socket in a temporary folder)
and stopped at the end. When neither can be had, the PostgreSQL tests skip
with one line saying why, or fail when ``PERSONALISE_REQUIRE_POSTGRES=1``
(as in CI). Each test database uses ICU's ``en-US`` collation when the
server has ICU, so that text sorted by the server would come out in another
order than SQLite's and a test would notice.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import personalise as pl

ENGINES = ["sqlite", "postgresql"]

#: A URL of a PostgreSQL server on which the tests may create databases.
SERVER_VARIABLE = "PERSONALISE_TEST_POSTGRES"
#: Set to 1 to make a missing server a failure rather than a skip.
REQUIRE_VARIABLE = "PERSONALISE_REQUIRE_POSTGRES"
NO_SERVER = f"no PostgreSQL server: set {SERVER_VARIABLE} or install postgresql"


class Unavailable(Exception):
    """PostgreSQL cannot be had for these tests, and why (one line)."""


def _unavailable(reason: str) -> None:
    """Skip (or, when PostgreSQL is required, fail) with one line.

    Called from :func:`pytest_runtest_setup`, not from a fixture: pytest
    reports a skip raised in a fixture at each test's own line, but folds the
    skips raised here into one summary line.
    """
    if os.environ.get(REQUIRE_VARIABLE, "") not in ("", "0"):
        pytest.fail(f"{reason} (and {REQUIRE_VARIABLE} is set)", pytrace=False)
    pytest.skip(reason)


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead of its own."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class Cluster:
    """A throwaway PostgreSQL cluster on a Unix socket in a temporary folder."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                       key=lambda path: [int(n) for n in re.findall(r"\d+", path)])
        which = shutil.which("initdb")
        if not found and which is None:
            raise Unavailable(NO_SERVER)
        self.bin = os.path.dirname(found[-1] if found else str(which))
        self.run_as: list[str] = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable(NO_SERVER + " (running as root, and there is no 'postgres' user to run initdb as)"
                                  ) from None
            self.run_as = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else ["su", "postgres", "-c"]
        base = tempfile.gettempdir()
        if len(base) > 60:  # a Unix socket's path must stay under about 100 bytes
            base = "/tmp"
        self.folder = tempfile.mkdtemp(prefix="personalise-pg-", dir=base)
        if owner is not None:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = os.path.join(self.folder, "data")
        self.started = False
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync")
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
                  "-c full_page_writes=off -c max_connections=200"
        self.started = True  # from here on, stop() stops it, even if pg_ctl gives up waiting for it
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.folder, "server.log"), "-w", "-t", "60",
                  "-o", options, "start")
        self.url = f"postgresql://postgres@/postgres?host={urllib.parse.quote(self.folder, safe='/')}"

    def _command(self, program: str, *arguments: str) -> list[str]:
        command = [os.path.join(self.bin, program), *arguments]
        if self.run_as[-1:] == ["-c"]:  # su takes one shell command
            return [*self.run_as, " ".join(map(_shell_quote, command))]
        return [*self.run_as, *command]

    def _run(self, program: str, *arguments: str) -> None:
        try:
            done = subprocess.run(self._command(program, *arguments), capture_output=True, text=True,
                                  cwd=self.folder, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            self.stop()
            raise Unavailable(f"{NO_SERVER} ({program} did not run: {err})") from None
        if done.returncode:
            self.stop()
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise Unavailable(f"{NO_SERVER} ({program} failed: {last[0]})")

    def stop(self) -> None:
        """Stop the server (if it was started) and remove its folder."""
        if self.started:
            self.started = False
            subprocess.run(self._command("pg_ctl", "-D", self.data, "-m", "immediate", "stop"), capture_output=True,
                           cwd=self.folder, timeout=60, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


#: What this session found: ``reason`` (why there is no server) or ``url``, ``create``, ``admin``, ``cluster``.
_SERVER: dict[str, Any] = {}
#: Fixtures that need psycopg, and those that need a server too.
_PSYCOPG_FIXTURES = {"psycopg_module"}
_SERVER_FIXTURES = {"postgres_server", "postgres_databases", "postgres_url"}
NO_PSYCOPG = "psycopg is not installed: pip install 'personalise[postgres]'"


def _psycopg() -> ModuleType | None:
    try:
        import psycopg
    except ImportError:
        return None
    return psycopg


def _server() -> dict[str, Any]:
    """The session's server, found or started on first use (``{"reason": ...}`` when there is none)."""
    if _SERVER:
        return _SERVER
    psycopg = _psycopg()
    if psycopg is None:
        _SERVER["reason"] = NO_PSYCOPG
        return _SERVER
    cluster = None
    url = os.environ.get(SERVER_VARIABLE, "")
    try:
        if not url:
            cluster = Cluster()
            url = cluster.url
        try:
            admin = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as err:
            message = " ".join(str(err).split())
            if cluster is None:
                _SERVER["failure"] = f"{SERVER_VARIABLE} is set, but its server cannot be reached: {message}"
                return _SERVER
            raise Unavailable(f"{NO_SERVER} (the throwaway cluster does not answer: {message})") from None
    except Unavailable as why:
        if cluster is not None:
            cluster.stop()
        _SERVER["reason"] = str(why)
        return _SERVER
    icu = admin.execute("SELECT current_setting('server_version_num')::int >= 150000 AND EXISTS "
                        "(SELECT 1 FROM pg_collation WHERE collprovider = 'i')").fetchone()
    create = "TEMPLATE template0 ENCODING 'UTF8'"
    if icu and icu[0]:
        create += " LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
    _SERVER.update(url=url, create=create, admin=admin, cluster=cluster)
    return _SERVER


def _check(needs_server: bool) -> None:
    """Skip or fail (one line) unless psycopg, and the server when ``needs_server``, are there."""
    if _psycopg() is None:
        _unavailable(NO_PSYCOPG)
    if needs_server:
        found = _server()
        if "failure" in found:
            pytest.fail(found["failure"], pytrace=False)
        if "reason" in found:
            _unavailable(found["reason"])


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture: skip (one line) the PostgreSQL tests when there is no server."""
    names = set(getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    needs_server = bool(names & _SERVER_FIXTURES) or (callspec is not None and
                                                      callspec.params.get("engine") == "postgresql")
    if needs_server or names & _PSYCOPG_FIXTURES:
        _check(needs_server)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the throwaway cluster, if this session started one."""
    admin, cluster = _SERVER.get("admin"), _SERVER.get("cluster")
    if admin is not None:
        admin.close()
    if cluster is not None:
        cluster.stop()
    _SERVER.clear()


@pytest.fixture(scope="session")
def psycopg_module() -> ModuleType:
    """psycopg 3 (the test skips, in one line, without it)."""
    _check(needs_server=False)
    module = _psycopg()
    assert module is not None
    return module


@pytest.fixture(scope="session")
def postgres_server() -> dict[str, Any]:
    """The session's server: ``url`` (a role that may create databases), ``create`` (the clause), ``admin``."""
    _check(needs_server=True)
    return _SERVER


@pytest.fixture
def postgres_databases(postgres_server: dict[str, Any]) -> Iterator[Callable[[], str]]:
    """A maker of fresh PostgreSQL databases (each dropped at the end of the test)."""
    admin = postgres_server["admin"]
    names: list[str] = []

    def make() -> str:
        name = f"personalise_test_{uuid.uuid4().hex[:16]}"
        admin.execute(f"CREATE DATABASE {name} {postgres_server['create']}")
        names.append(name)
        return with_database(postgres_server["url"], name)

    try:
        yield make
    finally:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_url(postgres_databases: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for one test (dropped after it, with any connection left to it)."""
    return postgres_databases()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine under test: ``"sqlite"`` or ``"postgresql"``."""
    return str(request.param)


@pytest.fixture
def target(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A place for a new store on each engine."""
    if engine == "sqlite":
        return str(tmp_path / "school.db")
    if engine == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    raise AssertionError(engine)  # pragma: no cover - engines are listed above


@pytest.fixture
def make_target(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A maker of more new places on the test's engine (for a test that needs several stores)."""
    if engine == "postgresql":
        databases: Callable[[], str] = request.getfixturevalue("postgres_databases")
        return databases
    made = itertools.count(1)
    return lambda: str(tmp_path / f"other{next(made)}.db")


@pytest.fixture
def store(target: str) -> Iterator[pl.EvidenceStore]:
    """A new, empty store on each engine."""
    with pl.open_store(target) as opened:
        yield opened
