"""Fixtures for the evidence-store tests: every test that asks for ``store`` or ``target`` runs on each engine.

``target`` is where a new, empty store can be opened: a SQLite file in a
temporary folder, and (when a PostgreSQL server is available) a fresh
database on it. ``store`` is that store, opened, and closed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import personalise as pl

ENGINES = ["sqlite"]


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A place for a new store on each engine."""
    if request.param == "sqlite":
        yield str(tmp_path / "school.db")
    else:  # pragma: no cover - engines are added above
        raise AssertionError(request.param)


@pytest.fixture
def store(target: str) -> Iterator[pl.EvidenceStore]:
    """A new, empty store on each engine."""
    with pl.open_store(target) as opened:
        yield opened
