"""Shared fixtures and Hypothesis settings for the personalise test suite.

Layout (DESIGN.md section 4):

* ``tests/unit/``: hand-made examples, shapes, every documented error;
* ``tests/property/``: Hypothesis properties (graph invariants, KST brute force);
* ``tests/equivalence/``: vectorised kernels == plain-Python references;
* ``tests/api/``: meta-tests over the public API and import footprint;
* ``tests/statistical/``: statistical checks (BKT parameter recovery over many seeds).

``tests/reference.py`` holds the plain-Python references and
``tests/strategies.py`` the Hypothesis strategies.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: The repository root (the folder holding pyproject.toml).
REPO_ROOT = Path(__file__).resolve().parents[1]

#: The real Junyi exercise table lives in ``shared/`` beside the repository,
#: never inside it (its licence forbids copying it into the repository).
JUNYI_TABLE = REPO_ROOT.parent / "shared" / "data" / "junyi" / "junyi_Exercise_table.csv"

# Example counts are modest so the whole suite runs in seconds. For a deep run set
# PERSONALISE_HYPOTHESIS_SCALE=20 (multiplies every count, see tests.strategies.examples).
# CI (CI=true) is derandomised: the same examples on every run.
_SCALE = float(os.environ.get("PERSONALISE_HYPOTHESIS_SCALE", "1"))
settings.register_profile(
    "default",
    max_examples=max(1, round(60 * _SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ci",
    parent=settings.get_profile("default"),
    derandomize=True,
    database=None,
    print_blob=True,
)
settings.load_profile(os.environ.get("PERSONALISE_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))


@pytest.fixture
def junyi_table() -> Path:
    """Path of the real Junyi exercise table; skips the test when it is absent."""
    if not JUNYI_TABLE.is_file():
        pytest.skip(f"real Junyi exercise table not found at {JUNYI_TABLE}")
    return JUNYI_TABLE


@pytest.fixture(params=[64, 128], ids=["block64", "block128"])
def small_blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Shrink ``content.next_steps.BLOCK_ROWS`` so a few hundred learners span several blocks."""
    import personalise.content.next_steps as next_steps

    monkeypatch.setattr(next_steps, "BLOCK_ROWS", request.param)
    yield request.param


@pytest.fixture(scope="session")
def dask_client() -> Iterator[object]:
    """A client of a two-process, one-thread-per-worker ``distributed.LocalCluster``, started once per session.

    Tests that take it run on real worker processes (not threads in this
    process), so whatever a worker needs must be picklable and importable
    there. Skips when ``distributed`` is not installed.
    """
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client

