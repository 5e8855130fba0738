"""The evidence store: a term of evidence on a real database (SQLite by default, PostgreSQL), and what follows from it.

:func:`open_store` opens an :class:`EvidenceStore`; its ledger is the truth
and everything derived from it (mastery, scaffold support, last practice
times) equals a replay of the surviving evidence.
"""

from __future__ import annotations

from personalise.store.evidence_store import (
    AddReport,
    EvidenceStore,
    import_store,
    open_store,
)

__all__ = ["AddReport", "EvidenceStore", "import_store", "open_store"]
