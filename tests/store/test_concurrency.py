"""The store under load: several processes adding to one store at once, and one reading mastery meanwhile.

Part 5 of the store's contract: two and four processes adding at once lose
nothing, duplicate nothing and never surface "database is locked". The
writers are separate processes (``spawn``), started together on a store none
of them has created yet, so they also race to create its tables; a reader
asks for ``mastery()`` all the while. Any exception in a child fails the
test with the child's message and traceback.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import personalise as pl
from tests.store import workers

#: Rows per batch; batches in all, shared out between the writers.
ROWS = 150
BATCHES = 48
#: How long the test waits for its children, in seconds (each test takes a few seconds here).
PATIENCE = 120


def _run_children(target: str, tmp_path: Path, plans: list[list[int]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Writers adding the batches of each plan, one reader; all start together. Their results, or a failure."""
    context = multiprocessing.get_context("spawn")
    go, writers_done = context.Event(), context.Event()
    results = [tmp_path / f"writer{w}.json" for w in range(len(plans))]
    writers = [context.Process(target=workers.write_batches, args=(target, str(result), go, plan, ROWS), daemon=True)
               for result, plan in zip(results, plans)]
    reader_result = tmp_path / "reader.json"
    reader = context.Process(target=workers.read_mastery, args=(target, str(reader_result), go, writers_done),
                             daemon=True)
    children = [*writers, reader]
    try:
        for child in children:
            child.start()
        go.set()
        for child in writers:
            child.join(PATIENCE)
        writers_done.set()
        reader.join(PATIENCE)
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
                child.join()
    found = []
    for number, (child, result) in enumerate(zip(children, [*results, reader_result])):
        name = "the reader" if child is reader else f"writer {number}"
        if not result.exists():
            pytest.fail(f"{name} left no result (exit code {child.exitcode}); see the captured stderr")
        outcome = json.loads(result.read_text(encoding="utf-8"))
        if not outcome["ok"]:
            pytest.fail(f"{name} failed: {outcome['error']}\n{outcome['traceback']}")
        found.append(outcome)
    return found[:-1], found[-1]


def _check_final(target: str, numbers: range) -> None:
    """The store holds exactly the batches, once each, and its mastery equals a replay of them."""
    expected = pl.Evidence.concat([workers.batch(k, ROWS) for k in numbers]).sorted()
    with pl.open_store(target) as store:
        assert len(store) == len(expected)
        evidence = store.evidence()
        assert evidence == expected, "the ledger is not exactly the batches the writers added"
        for params, mark in workers.params_sets():
            difference = workers.table_difference(store.mastery(params, pass_mark=mark),
                                                  pl.estimate_mastery(params, evidence, pass_mark=mark))
            assert not difference, f"after concurrent adds, mastery() differs from a replay: {difference}"


@pytest.mark.parametrize("n_writers", [2, 4])
def test_writers_adding_disjoint_batches_lose_nothing(target: str, tmp_path: Path, n_writers: int) -> None:
    """Each writer adds its own batches; every row is added once, none is reported as anything else."""
    plans = [list(range(w, BATCHES, n_writers)) for w in range(n_writers)]
    found, reader = _run_children(target, tmp_path, plans)
    added = Counter()
    for plan, outcome in zip(plans, found):
        assert sorted(map(int, outcome["reports"])) == plan
        for k, report in outcome["reports"].items():
            assert len(report["added"]) == ROWS, f"batch {k} was not wholly added: {report}"
            assert not (report["duplicates"] or report["conflicts"] or report["rejected"]), report
            added.update(report["added"])
    assert len(added) == BATCHES * ROWS and set(added.values()) == {1}
    assert reader["calls"] >= 1 and reader["checked"] >= 1
    _check_final(target, range(BATCHES))


@pytest.mark.parametrize("n_writers", [2, 4])
def test_writers_adding_the_same_batches_double_nothing(target: str, tmp_path: Path, n_writers: int) -> None:
    """Every writer adds every batch (each in its own order): each row is added by one, a duplicate to the rest."""
    rng = np.random.default_rng(n_writers)
    plans = [rng.permutation(BATCHES // 2).tolist() for _ in range(n_writers)]
    found, reader = _run_children(target, tmp_path, plans)
    added, duplicated = Counter(), Counter()
    for outcome in found:
        for k, report in outcome["reports"].items():
            assert not (report["conflicts"] or report["rejected"]), report
            assert len(report["added"]) + len(report["duplicates"]) == ROWS, f"batch {k}: {report}"
            added.update(report["added"])
            duplicated.update(report["duplicates"])
    everything = {str(i) for k in range(BATCHES // 2) for i in workers.batch(k, ROWS).evidence_ids.tolist()}
    assert set(added) == everything and set(added.values()) == {1}, "a row was added twice, or never"
    assert set(duplicated) == everything and set(duplicated.values()) == {n_writers - 1}, (
        "a row was not reported as a duplicate by every writer but the one that added it"
    )
    assert reader["calls"] >= 1 and reader["checked"] >= 1
    _check_final(target, range(BATCHES // 2))
