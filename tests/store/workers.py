"""Work for the child processes of the store's fault and load tests (``multiprocessing`` with ``spawn``).

Everything here is importable on its own (the standard library, NumPy and
``personalise``), because a spawned child imports this module afresh. The
children speak to the test through files, never through a pipe a SIGKILL
could leave half written:

* :func:`add_loop` appends one line per event to a log opened with
  ``O_APPEND`` (``begin K N T`` before ``add`` of batch ``K`` with ``N``
  rows, ``done K T`` after it returned, ``T`` the system's monotonic clock;
  ``mastery-begin`` / ``mastery-done`` around a ``mastery()`` call); the
  test kills it and reads the log.
* :func:`write_batches` and :func:`read_mastery` write one JSON result file
  when they finish, holding either what they saw or the exception they met
  (its type, message and traceback), so the test can fail with it.

A batch is a pure function of its number: :func:`batch` rebuilds the same
rows in the parent, and every row of batch ``K`` has an evidence id starting
with :func:`prefix` ``(K)``.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import personalise as pl

__all__ = [
    "SKILLS",
    "add_loop",
    "batch",
    "batch_size",
    "params_sets",
    "prefix",
    "read_mastery",
    "table_difference",
    "write_batches",
]

SKILLS = ("add", "sub", "mul", "div")
#: The first moment of the term; batches are spread over the following weeks.
START = np.datetime64("2026-09-01T08:00", "us")
_HOUR = np.timedelta64(3_600_000_000, "us")


def params_sets() -> tuple[tuple[pl.BKTParams, float], tuple[pl.BKTParams, float]]:
    """Two learner models with their pass marks: the one the children cache, and one nobody cached."""
    first = pl.BKTParams(SKILLS, prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    second = pl.BKTParams(SKILLS, prior=[0.1, 0.2, 0.4, 0.5], learn=0.3, guess=0.25, slip=0.05, forget=0.02)
    return (first, 0.5), (second, 0.7)


def prefix(k: int) -> str:
    """The start of every evidence id of batch ``k``."""
    return f"b{k:06d}-"


def batch_size(k: int, *, large_every: int = 0, large: int = 0) -> int:
    """How many rows batch ``k`` has: ``large`` every ``large_every`` batches, else between 5 and 400."""
    if large_every and k % large_every == large_every - 1:
        return large
    return int(np.random.default_rng([k, 1]).integers(5, 400))


def batch(k: int, n: int, *, n_learners: int = 60, learner_offset: int = 0) -> pl.Evidence:
    """Batch ``k``: ``n`` rows whose ids start with ``prefix(k)``.

    Batch ``k`` lies around hour ``k`` of the term, and one batch in three is
    late (its rows fall up to two days before the batches already added), so
    that adding it replays the learner-skills it lands on. Times fall on
    whole minutes, so rows of one learner-skill often tie and the evidence id
    decides their order.
    """
    rng = np.random.default_rng([k, 2])
    learners = [f"l{learner_offset + int(i):04d}" for i in rng.integers(0, n_learners, n)]
    skills = [SKILLS[int(i)] for i in rng.integers(0, len(SKILLS), n)]
    scores = rng.choice([0.0, 0.4, 0.5, 0.7, 1.0], n)
    base = START + k * _HOUR - (48 * _HOUR if k % 3 == 2 else 0 * _HOUR)
    minutes = rng.integers(0, 90, n).astype("timedelta64[m]").astype("timedelta64[us]")
    ids = [f"{prefix(k)}{i:06d}" for i in range(n)]
    return pl.Evidence(learners, skills, scores, base + minutes, ids)


def table_difference(got: pl.MasteryTable, expected: pl.MasteryTable) -> str:
    """How two mastery tables differ, in words ('' when they are identical: same ids, array_equal values)."""
    if got.learner_ids != expected.learner_ids:
        return f"learners {got.learner_ids[:8]}... != {expected.learner_ids[:8]}..."
    if got.skill_ids != expected.skill_ids:
        return f"skills {got.skill_ids} != {expected.skill_ids}"
    if not np.array_equal(got.values, expected.values):
        row, column = (int(i[0]) for i in np.nonzero(got.values != expected.values))
        return (f"value of {got.learner_ids[row]!r} on {got.skill_ids[column]!r}: {got.values[row, column]!r} != "
                f"{expected.values[row, column]!r}")
    return ""


def _log(fd: int, text: str) -> None:
    os.write(fd, (text + "\n").encode("ascii"))


def add_loop(target: str, log_path: str, first: int, large_every: int, large: int, mastery_every: int) -> None:
    """Add batches ``first``, ``first + 1``, ... to the store at ``target`` until killed, logging each one.

    Every ``mastery_every`` batches it also asks for ``mastery()`` with the
    first of :func:`params_sets`, so the store holds cached state (and a kill
    can land inside the write that updates it).
    """
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    (params, mark), _ = params_sets()
    with pl.open_store(target) as store:
        _log(fd, "open")
        k = first
        while True:
            evidence = batch(k, batch_size(k, large_every=large_every, large=large))
            _log(fd, f"begin {k} {len(evidence)} {time.monotonic():.6f}")
            store.add(evidence)
            _log(fd, f"done {k} {time.monotonic():.6f}")
            if mastery_every and k % mastery_every == 0:
                _log(fd, "mastery-begin")
                store.mastery(params, pass_mark=mark)
                _log(fd, "mastery-done")
            k += 1


def _run(result_path: str, work: Callable[[], dict[str, Any]]) -> None:
    """Run ``work`` and write its result, or the exception it raised, to ``result_path`` as JSON."""
    try:
        result = {"ok": True, **work()}
    except BaseException as err:  # noqa: BLE001 - every failure must reach the test with its message
        result = {"ok": False, "error": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()}
    temporary = result_path + ".part"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    os.replace(temporary, result_path)


def write_batches(target: str, result_path: str, go: Any, numbers: Sequence[int], n: int) -> None:
    """Wait for ``go`` (a multiprocessing Event), open the store and add the given batches, one call each.

    The result holds, for every batch, the ids ``add`` reported as added,
    duplicates, conflicts and rejected.
    """

    def work() -> dict[str, Any]:
        if not go.wait(60):
            raise TimeoutError("the test never said go")
        reports = {}
        with pl.open_store(target) as store:
            for k in numbers:
                reports[str(k)] = store.add(batch(k, n)).to_dict()
        return {"reports": reports}

    _run(result_path, work)


def read_mastery(target: str, result_path: str, go: Any, writers_done: Any) -> None:
    """Read ``mastery()`` over and over while writers add, until ``writers_done`` is set, then once more.

    Whenever the ledger did not change around a call (``evidence()`` before
    and after it are equal), the table must equal ``estimate_mastery`` on
    that evidence; the result says how many calls were made and checked.
    """

    def work() -> dict[str, Any]:
        if not go.wait(60):
            raise TimeoutError("the test never said go")
        (params, mark), _ = params_sets()
        calls = checked = 0
        sizes = []
        with pl.open_store(target) as store:
            last = False
            while not last:
                last = writers_done.is_set()
                before = store.evidence()
                table = store.mastery(params, pass_mark=mark)
                after = store.evidence()
                calls += 1
                sizes.append(len(after))
                if before == after:
                    expected = pl.estimate_mastery(params, after, pass_mark=mark)
                    difference = table_difference(table, expected)
                    if difference:
                        raise AssertionError(f"mastery() differs from estimate_mastery on {len(after)} rows: "
                                             f"{difference}")
                    checked += 1
                if not last:
                    time.sleep(0.01)
        if sizes != sorted(sizes):
            raise AssertionError(f"the ledger shrank while only adds ran: sizes {sizes}")
        return {"calls": calls, "checked": checked}

    _run(result_path, work)
