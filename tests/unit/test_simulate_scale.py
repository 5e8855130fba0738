"""simulate at scale: dask.distributed runs, progress reporting.

* ``client=``: blocks run on a two-process ``LocalCluster`` give a result
  equal (``==``) to the single-process run with the same seed, for a
  class-based policy (ResponsiveTeaching) and a per-learner one
  (AdaptiveContent), with a cohort spanning several blocks and a partial last
  block;
* ``progress=``: True shows a tqdm bar on stderr, or a percentage when tqdm
  cannot be imported; a callable gets strictly increasing ``done`` values
  ending at ``total``, in the single process and on the dask client.

Speed and memory are measured by ``benchmarks/simulate.py``, never asserted
here.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

import personalise as pl  # noqa: E402

# five blocks of 1,024 learners, the last one partial (504 learners; partial blocks of 513 or
# more learners are tested at the end)
N_LEARNERS = 4 * 1024 + 504
N_STEPS = 12
BLOCK = 1024
SEED = 11

POLICIES = [pl.ResponsiveTeaching(), pl.AdaptiveContent()]


@pytest.fixture(scope="module")
def graph() -> pl.CompiledGraph:
    return pl.load_example_curriculum()


@pytest.fixture(scope="module")
def client(dask_client: Any) -> Any:
    """The session's two-process cluster (tests/conftest.py): one cluster for every dask test."""
    return dask_client


def _run(graph: pl.CompiledGraph, policy: Any, **options: Any) -> pl.SimulationResult:
    options = {"n_learners": N_LEARNERS, "n_steps": N_STEPS, "rng": SEED, **options}
    return pl.simulate(graph, policy, **options)


def _check_progress(calls: list[tuple[int, int]], total: int) -> None:
    assert calls, "progress was never called"
    done = [d for d, _ in calls]
    assert all(t == total for _, t in calls)
    assert all(a < b for a, b in zip(done, done[1:], strict=False)), done
    assert done[-1] == total


# ------------------------------------------------------------------- dask
@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_dask_client_gives_the_single_process_result(graph: pl.CompiledGraph, client: Any, policy: Any) -> None:
    with distributed.get_task_stream(client) as stream:
        on_dask = _run(graph, policy, block_size=BLOCK, client=client)
    assert len(stream.data) == -(-N_LEARNERS // BLOCK)  # one dask task per block
    same_blocks = _run(graph, policy, block_size=BLOCK)
    default_blocks = _run(graph, policy)
    assert on_dask == same_blocks
    assert on_dask == default_blocks
    assert on_dask.final_state.shape == (N_LEARNERS, graph.n_skills)
    assert on_dask.attainment.shape == (N_STEPS + 1, N_LEARNERS)
    assert on_dask.entropy == SEED


def test_dask_client_reports_progress(graph: pl.CompiledGraph, client: Any) -> None:
    calls: list[tuple[int, int]] = []
    result = _run(graph, pl.ResponsiveTeaching(), block_size=BLOCK, client=client,
                  progress=lambda done, total: calls.append((done, total)))
    _check_progress(calls, N_LEARNERS * N_STEPS)
    assert len(calls) == -(-N_LEARNERS // BLOCK)  # one call per finished block
    assert result == _run(graph, pl.ResponsiveTeaching(), block_size=BLOCK)


# --------------------------------------------------------------- progress
def test_progress_callable_gets_increasing_counts_ending_at_total(graph: pl.CompiledGraph) -> None:
    calls: list[tuple[int, int]] = []
    result = _run(graph, pl.ResponsiveTeaching(), block_size=2 * BLOCK,
                  progress=lambda done, total: calls.append((done, total)))
    _check_progress(calls, N_LEARNERS * N_STEPS)
    assert len(calls) == 3 * N_STEPS  # once per step of each of the three blocks
    assert result == _run(graph, pl.ResponsiveTeaching())


def test_progress_true_shows_a_tqdm_bar_on_stderr(graph: pl.CompiledGraph, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    result = pl.simulate(graph, pl.FadingScaffolds(), n_learners=300, n_steps=5, rng=SEED, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "simulate" in err
    assert "100%" in err
    assert result == pl.simulate(graph, pl.FadingScaffolds(), n_learners=300, n_steps=5, rng=SEED)


def test_progress_true_without_tqdm_prints_a_percentage(
    graph: pl.CompiledGraph, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` raise ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    result = pl.simulate(graph, pl.FadingScaffolds(), n_learners=300, n_steps=5, rng=SEED, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "simulate: 100%" in err
    assert err.endswith("\n")
    assert result == pl.simulate(graph, pl.FadingScaffolds(), n_learners=300, n_steps=5, rng=SEED)


# ------------------------------------------------------ partial last block
@pytest.mark.parametrize("n_learners", [1808, 5000])
def test_adaptive_content_with_a_partial_last_block(graph: pl.CompiledGraph, n_learners: int) -> None:
    one = pl.simulate(graph, pl.AdaptiveContent(), n_learners=n_learners, n_steps=2, rng=SEED, block_size=BLOCK)
    assert one == pl.simulate(graph, pl.AdaptiveContent(), n_learners=n_learners, n_steps=2, rng=SEED)
