"""The store under faults: a writer killed with SIGKILL, a full disk, a read-only database.

Part 5 of the store's contract: a writer killed in the middle of adding
leaves a store that opens, passes ``PRAGMA integrity_check`` and holds whole
``add`` calls only; a full disk or a read-only file gives a
:class:`~personalise.StoreError` whose one-line message names the store and
says what is wrong, and writes nothing.

The faults are real where this machine allows it: the writer is a separate
process killed with SIGKILL; the full disk is SQLite's own page limit
(``PRAGMA max_page_count`` on the store's connection) and a small tmpfs
filled to the last byte; the read-only database is a file on a read-only
bind mount and a file marked immutable with ``chattr +i`` (root, which CI
runs as, ignores file permissions, so ``chmod`` would test nothing). Tests
that need ``mount`` or ``chattr`` skip with the reason when this machine
refuses them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import personalise as pl
from tests.store import workers

#: One batch in LARGE_EVERY has LARGE rows (about half a second to add here); the others 5 to 400.
LARGE_EVERY = 6
LARGE = 40_000
MASTERY_EVERY = 4


def _sqlite_path(target: str) -> str | None:
    """The file of a SQLite target (None for a database server)."""
    return None if "://" in target else target


def _integrity(path: str) -> list[tuple[str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


# ------------------------------------------------------------------- SIGKILL
def _read_log(path: Path) -> list[str]:
    return path.read_text(encoding="ascii").splitlines() if path.exists() else []


def _wait_for(path: Path, child: multiprocessing.process.BaseProcess, wanted: Callable[[str], bool],
              timeout: float = 30.0) -> str:
    """Poll the child's log until a line satisfies ``wanted``; fail if the child dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in _read_log(path):
            if wanted(line):
                return line
        if not child.is_alive():
            pytest.fail(f"the writer exited with code {child.exitcode} before it was killed (its traceback is in "
                        f"the captured stderr); its log: {_read_log(path)[-5:]}")
        time.sleep(0.002)
    pytest.fail(f"the writer's log never showed the awaited line in {timeout} s: {_read_log(path)[-5:]}")


def _check_whole_adds(target: str, begun: dict[int, int], done: set[int]) -> int:
    """The store after a kill: it opens, is intact, holds whole batches and the committed ones, mastery replays."""
    path = _sqlite_path(target)
    if path is not None and os.path.exists(path):
        assert _integrity(path) == [("ok",)]
    with pl.open_store(target) as store:
        evidence = store.evidence()
        numbers = Counter(int(str(i)[1:7]) for i in evidence.evidence_ids.tolist())
        for k, count in sorted(numbers.items()):
            assert k in begun, f"batch {k} is in the ledger but the writer never began adding it"
            assert count == begun[k], f"batch {k} is partly in the ledger: {count} of its {begun[k]} rows"
        missing = sorted(done - set(numbers))
        assert not missing, f"batches {missing} were reported committed before the kill but are not in the ledger"
        expected = pl.Evidence.concat([workers.batch(k, begun[k]) for k in sorted(numbers)]).sorted()
        assert evidence == expected, "the ledger's rows are not exactly those of the batches it holds"
        assert len(store) == len(expected)
        for params, mark in workers.params_sets():
            difference = workers.table_difference(store.mastery(params, pass_mark=mark),
                                                  pl.estimate_mastery(params, evidence, pass_mark=mark))
            assert not difference, f"after a kill, mastery() differs from a replay: {difference}"
        return len(numbers)


class _Log:
    """What the writers' logs say: the rows of each batch begun, the batches done, how long large adds take."""

    def __init__(self) -> None:
        self.begun: dict[int, int] = {}
        self.done: set[int] = set()
        self.large_seconds: list[float] = []

    def read(self, path: Path) -> tuple[int, int] | None:
        """Take in one writer's log; return the (batch, rows) it was adding when it died (None if none)."""
        started: dict[int, float] = {}
        current = None
        for line in _read_log(path):
            words = line.split()
            if words[0] == "begin":
                k, rows = int(words[1]), int(words[2])
                self.begun[k], started[k], current = rows, float(words[3]), (k, rows)
            elif words[0] == "done":
                k = int(words[1])
                self.done.add(k)
                current = None
                if self.begun[k] == LARGE:
                    self.large_seconds.append(float(words[2]) - started[k])
        return current


def _kill_at(moment: str, log: Path, child: multiprocessing.process.BaseProcess, rng: np.random.Generator,
             large_seconds: list[float]) -> None:
    """Wait for the moment in the child's life, then a random while more."""
    if moment == "starting":  # the interpreter starts, the store opens, the first batches go in
        time.sleep(float(rng.uniform(0.0, 1.2)))
    elif moment == "anywhere":
        _wait_for(log, child, lambda line: line.startswith("done"))
        time.sleep(float(rng.uniform(0.0, 1.0)))
    elif moment == "large":  # inside a large add: a random fraction of how long the last one took
        _wait_for(log, child, lambda line: line.startswith("begin") and line.split()[2] == str(LARGE))
        seconds = large_seconds[-1] if large_seconds else 0.3
        time.sleep(float(rng.uniform(0.05, 0.9)) * seconds)
    else:  # inside the write that folds new evidence into the cached states
        _wait_for(log, child, lambda line: line == "mastery-begin")
        time.sleep(float(rng.uniform(0.0, 0.01)))


def test_sigkill_mid_add_leaves_whole_adds_only(target: str, tmp_path: Path) -> None:
    """A writer killed at random moments (starting, mid large add, mid mastery, anywhere) leaves whole adds only."""
    context = multiprocessing.get_context("spawn")
    rng = np.random.default_rng(4471)
    plan = ["starting", "large", "anywhere", "mastery", "large", "anywhere", "large"]
    spare = ["large"] * 4  # more large adds, only until one kill has landed inside one
    log_of = _Log()
    first, killed_mid_large, kept, rounds = 0, 0, 0, 0
    while plan:
        moment = plan.pop(0)
        rounds += 1
        log = tmp_path / f"writer{rounds}-{moment}.log"
        child = context.Process(target=workers.add_loop, daemon=True,
                                args=(target, str(log), first, LARGE_EVERY, LARGE, MASTERY_EVERY))
        child.start()
        try:
            _kill_at(moment, log, child, rng, log_of.large_seconds)
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.join(30)
        assert child.exitcode == -signal.SIGKILL, (
            f"the writer exited with code {child.exitcode} before the kill ({moment}); see its traceback above"
        )
        dying = log_of.read(log)
        if moment == "large" and dying is not None and dying[1] == LARGE:
            killed_mid_large += 1
        kept = _check_whole_adds(target, log_of.begun, log_of.done)
        first = max(log_of.begun, default=first - 1) + 1
        if not plan and not killed_mid_large and spare:
            plan.append(spare.pop())
    assert killed_mid_large >= 1, "no kill landed inside a large add: the test did not test what it says"
    assert kept >= 5, f"only {kept} batches survived: the writers hardly wrote"


# ---------------------------------------------------------------- full disk
def _export_text(store: pl.EvidenceStore, path: Path) -> str:
    store.export(path)
    return path.read_text(encoding="utf-8")


def _assert_named_error(error: BaseException, where: str, *words: str) -> None:
    """One line that names the store and says what is wrong; a StoreError, so an OSError too."""
    assert isinstance(error, pl.StoreError) and isinstance(error, OSError), repr(error)
    message = str(error)
    assert "\n" not in message, f"the message is not one line: {message!r}"
    assert where in message, f"the message does not name the store {where!r}: {message!r}"
    assert any(word in message for word in words), f"the message does not say {' or '.join(words)}: {message!r}"


def _seed(store: pl.EvidenceStore) -> None:
    """Some of everything in a store: evidence, a void, a roster, a scaffold, cached mastery."""
    store.add(workers.batch(0, 300))
    store.add(workers.batch(2, 50))  # late: before batch 0's rows
    store.void([f"{workers.prefix(0)}{i:06d}" for i in range(0, 300, 7)] + ["never-added"])
    store.set_roster({"4M": [f"l{i:04d}" for i in range(0, 60, 2)]})
    store.open_scaffold("l0000", pl.Scaffold("add", pl.contingent_fading(levels=3)), at="2026-09-01T07:00Z")
    for params, mark in workers.params_sets():
        store.mastery(params, pass_mark=mark)


def _writes(store: pl.EvidenceStore) -> list[tuple[str, Callable[[], object]]]:
    """Writes that need room: a large add, a large late add, a void of many ids, a large roster."""
    return [
        ("add", lambda: store.add(workers.batch(3, 5_000))),
        ("late add", lambda: store.add(workers.batch(5, 5_000))),
        ("void", lambda: store.void([f"unknown-{i:06d}" for i in range(10_000)])),
        ("set_roster", lambda: store.set_roster({f"class-{c}": [f"l{i:04d}" for i in range(60)]
                                                 for c in range(300)})),
        ("mixed add", lambda: store.add(pl.Evidence.concat([workers.batch(0, 300), workers.batch(7, 5_000)]))),
    ]


def _assert_unchanged_after_failed_writes(store: pl.EvidenceStore, where: str, tmp_path: Path,
                                          words: tuple[str, ...]) -> None:
    before = _export_text(store, tmp_path / "before.jsonl")
    count = len(store)
    for name, write in _writes(store):
        with pytest.raises(pl.StoreError) as error:
            write()
        _assert_named_error(error.value, where, *words)
        assert len(store) == count, f"a failed {name} changed the ledger"
        assert _export_text(store, tmp_path / f"after-{name}.jsonl") == before, f"a failed {name} wrote something"
    # mastery() writes only its cache; a model no call has cached needs a state row per learner-skill. It may
    # refuse with the same named error, or answer right; either way the ledger is untouched.
    evidence = store.evidence()
    for params, mark in (*workers.params_sets(), (workers.params_sets()[0][0], 0.9)):
        try:
            table = store.mastery(params, pass_mark=mark)
        except pl.StoreError as err:
            _assert_named_error(err, where, *words)
        else:
            difference = workers.table_difference(table, pl.estimate_mastery(params, evidence, pass_mark=mark))
            assert not difference, difference
    assert _export_text(store, tmp_path / "after-mastery.jsonl") == before, "mastery() on a failing disk wrote"


def _assert_works_again(store: pl.EvidenceStore) -> None:
    count = len(store)
    report = store.add(workers.batch(9, 5_000))
    assert len(report.added) == 5_000 and len(store) == count + 5_000
    for params, mark in workers.params_sets():
        difference = workers.table_difference(store.mastery(params, pass_mark=mark),
                                              pl.estimate_mastery(params, store.evidence(), pass_mark=mark))
        assert not difference, difference


@pytest.mark.parametrize("room", [1, 70])
def test_full_disk_at_the_page_limit(store: pl.EvidenceStore, target: str, tmp_path: Path, room: int) -> None:
    """SQLite's page limit reached mid-write (at once, or after about half): a named error, nothing written."""
    if _sqlite_path(target) is None:
        pytest.skip("max_page_count is SQLite's own limit")
    _seed(store)
    pages = int(store.db.execute("PRAGMA page_count")[0][0])
    assert int(store.db.execute(f"PRAGMA max_page_count = {pages + room}")[0][0]) == pages + room
    _assert_unchanged_after_failed_writes(store, store.where, tmp_path, ("full",))
    store.db.execute("PRAGMA max_page_count = 4294967294")
    _assert_works_again(store)
    assert _integrity(target) == [("ok",)]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextlib.contextmanager
def _mounted(point: Path, *arguments: str) -> Iterator[Path]:
    """``mount ARGUMENTS POINT`` for the block, unmounted after it; skip when this machine refuses to mount."""
    point.mkdir(exist_ok=True)
    done = _run("mount", *arguments, str(point))
    if done.returncode:
        pytest.skip(f"cannot mount here (needs root with CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield point
    finally:
        if _run("umount", str(point)).returncode:
            _run("umount", "-l", str(point))


def _fill(folder: Path) -> Path:
    """Fill the filesystem of ``folder`` to the last byte; the filler file is returned (delete it to make room)."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as handle:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(chunk[:size])
    assert os.statvfs(folder).f_bavail == 0
    return filler


def test_full_disk_on_a_small_filesystem(tmp_path: Path) -> None:
    """A store on a 4 MiB tmpfs filled to the brim: a named error, nothing written, writes work once room is made."""
    with _mounted(tmp_path / "small", "-t", "tmpfs", "-o", "size=4m", "tmpfs") as small:
        path = str(small / "school.db")
        with pl.open_store(path) as store:
            _seed(store)
            filler = _fill(small)
            try:
                _assert_unchanged_after_failed_writes(store, path, tmp_path, ("full",))
                with pytest.raises(pl.StoreError) as error:
                    pl.open_store(str(small / "new.db"))
                _assert_named_error(error.value, str(small / "new.db"), "full")
            finally:
                filler.unlink()
            _assert_works_again(store)
        assert _integrity(path) == [("ok",)]


# ---------------------------------------------------------------- read-only
def test_read_only_connection_names_the_store_and_writes_nothing(store: pl.EvidenceStore, tmp_path: Path) -> None:
    """The engine's own read-only switch on the store's connection: every write is a named error."""
    _seed(store)
    if store.db.name == "sqlite":
        store.db.execute("PRAGMA query_only = ON")
    else:
        store.db.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    _assert_unchanged_after_failed_writes(store, store.where, tmp_path, ("read-only",))
    if store.db.name == "sqlite":
        store.db.execute("PRAGMA query_only = OFF")
    else:
        store.db.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
    _assert_works_again(store)


def test_read_only_filesystem(tmp_path: Path) -> None:
    """A store reached through a read-only bind mount: opening or writing is a named error, the file is unchanged."""
    folder = tmp_path / "rw"
    folder.mkdir()
    path = folder / "school.db"
    with pl.open_store(path) as store:
        _seed(store)
    before = path.read_bytes()
    with _mounted(tmp_path / "ro", "--bind", str(folder)) as mounted:
        if _run("mount", "-o", "remount,ro,bind", str(mounted)).returncode:
            pytest.skip("cannot remount the bind mount read-only here")
        ro_path = str(mounted / "school.db")
        # closed cleanly, the store is one file, and SQLite cannot make its journal beside it
        with pytest.raises(pl.StoreError) as error:
            pl.open_store(ro_path)
        _assert_named_error(error.value, ro_path, "read-only")
        assert path.read_bytes() == before and sorted(os.listdir(folder)) == ["school.db"]
        # open elsewhere, the journal exists: the store opens, and every write is refused
        with pl.open_store(path) as writable:
            with pl.open_store(ro_path) as read_only:
                assert read_only.evidence() == writable.evidence()
                _assert_unchanged_after_failed_writes(read_only, ro_path, tmp_path, ("read-only",))
            _assert_works_again(writable)
    assert _integrity(str(path)) == [("ok",)]


@contextlib.contextmanager
def _immutable(*paths: str) -> Iterator[None]:
    """``chattr +i`` on the files for the block (writes fail even for root), ``chattr -i`` after it."""
    done = _run("chattr", "+i", *paths)
    try:
        if done.returncode:
            pytest.skip(f"chattr +i is not possible here: {done.stderr.strip()}")
        yield
    finally:
        _run("chattr", "-i", *paths)


def test_read_only_file_while_open(tmp_path: Path) -> None:
    """The database file and its journal made immutable under an open store: named errors, and writes work after."""
    path = str(tmp_path / "school.db")
    with pl.open_store(path) as store:
        _seed(store)
        store.add(workers.batch(1, 10))  # the journal holds frames, so the WAL file is there
        assert os.path.exists(path + "-wal")
        # not the -shm file: SQLite maps it into memory, and an immutable mapping kills the process (SIGBUS)
        with _immutable(path, path + "-wal"):
            _assert_unchanged_after_failed_writes(store, path, tmp_path, ("read-only",))
        _assert_works_again(store)
        count = len(store)
    # closed, the store is one file; immutable, it opens for reading and refuses every write
    assert not os.path.exists(path + "-wal")
    before = Path(path).read_bytes()
    with _immutable(path):
        with pl.open_store(path) as store:
            assert len(store) == count
            _assert_unchanged_after_failed_writes(store, path, tmp_path, ("read-only",))
    assert Path(path).read_bytes() == before
    assert _integrity(path) == [("ok",)]



# ------------------------------------------------------------------ erasure
FORGOTTEN = "zz-forget-me-4471"


def test_forget_learner_leaves_no_byte_of_the_id_in_the_files(tmp_path: Path) -> None:
    """After forget_learner, the id is in neither the database, its -wal nor its -shm file; others are intact."""
    path = tmp_path / "school.db"
    others = [f"l{i:04d}" for i in range(30)]
    rng = np.random.default_rng(4471)
    (params, mark), (second, second_mark) = workers.params_sets()
    with pl.open_store(path) as store:
        store.set_roster({"4M": [others[0], FORGOTTEN, others[1]], "5K": others[2:9]})
        store.open_scaffold(FORGOTTEN, pl.Scaffold("add", pl.contingent_fading(levels=3)), at="2026-09-01T07:00Z")
        store.open_scaffold(others[0], pl.Scaffold("add", pl.contingent_fading(levels=3)), at="2026-09-01T07:00Z")
        store.void([f"{FORGOTTEN}-sent-late"])  # a void that arrives before its statement
        for k in range(40):  # the learner's rows share pages with everyone else's, over many page splits
            ev = workers.batch(k, 200)
            learners = [FORGOTTEN if rng.random() < 0.25 else learner for learner in ev.learner_ids.tolist()]
            ids = [f"{learner}-q{k}-{i}" for i, learner in enumerate(learners)]
            store.add(pl.Evidence(learners, ev.skill_ids, ev.scores, ev.timestamps, ids))
            if k % 6 == 0:
                store.mastery(params, pass_mark=mark)
        statement = pl.Evidence([FORGOTTEN], ["add"], [1.0], ["2026-09-02T09:00Z"], [f"{FORGOTTEN}-sent-late"])
        assert store.add(statement).rejected
        mine = store.evidence(learner_ids=[FORGOTTEN]).evidence_ids.tolist()
        store.void(mine[::9])
        store.mastery(second, pass_mark=second_mark)
        others = sorted({str(learner) for learner in store.evidence().learner_ids.tolist()} - {FORGOTTEN})
        kept = store.evidence(learner_ids=others)
        kept_table = store.mastery(params, learner_ids=others, pass_mark=mark)
        kept_scaffolds = store.scaffolds([others[0]])
        assert FORGOTTEN.encode() in path.read_bytes() + Path(f"{path}-wal").read_bytes()
        assert store.forget_learner(FORGOTTEN) == len(mine) - len(mine[::9])
        for suffix in ("", "-wal", "-shm"):
            data = Path(f"{path}{suffix}").read_bytes() if os.path.exists(f"{path}{suffix}") else b""
            assert FORGOTTEN.encode() not in data, f"the forgotten id is still in school.db{suffix}"
        assert store.evidence(learner_ids=others) == kept
        assert store.evidence(learner_ids=[FORGOTTEN]) == store.evidence(learner_ids=[])
        assert store.mastery(params, learner_ids=others, pass_mark=mark) == kept_table
        assert store.scaffolds([others[0]]) == kept_scaffolds
        assert store.class_learners("4M") == (others[0], others[1])
        for model, model_mark in workers.params_sets():
            difference = workers.table_difference(store.mastery(model, pass_mark=model_mark),
                                                  pl.estimate_mastery(model, kept, pass_mark=model_mark))
            assert not difference, difference
    assert FORGOTTEN.encode() not in path.read_bytes()
    assert _integrity(str(path)) == [("ok",)]
