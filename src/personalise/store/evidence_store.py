"""The evidence store: an append-only ledger of evidence on a real database, and the learner state derived from it.

Personalisation happens over a term: evidence arrives every lesson, sometimes
late, sometimes twice, sometimes wrongly, and pupils leave. The store keeps
the ledger (every :class:`~personalise.Evidence` row under its id, and the
ids of voided rows), the rosters and the scaffolds it is told about, and
derives from them, incrementally, exactly what a replay of the surviving
evidence gives: mastery, scaffold support, and the last practice time of
every learner-skill.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import IO, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_ids,
    check_path,
    check_sequence,
    check_text,
    check_threshold,
    check_timestamps,
)
from personalise.content.bkt_params import BKTParams
from personalise.content.recommendations import Recommendations
from personalise.content.tracing import estimate_mastery
from personalise.evidence import Evidence, MasteryTable
from personalise.exceptions import (
    InvalidParameterError,
    StoreError,
    UnknownClassError,
)
from personalise.graph import CompiledGraph
from personalise.lesson import LessonPlan, plan_lesson
from personalise.scaffolds.scaffold import Scaffold
from personalise.scaffolds.state import ScaffoldState
from personalise.store import _ledger, _mastery, _schema, _views
from personalise.store._codec import Codec, chunks, micros
from personalise.store._dialect import Dialect, connect

__all__ = ["AddReport", "EvidenceStore", "import_store", "open_store"]

_DAY_US = 86_400_000_000


def _pairs(value: Iterable[Any], name: str) -> tuple[tuple[Hashable, str], ...]:
    pairs = []
    for item in check_sequence(value, name) or ():
        pair = check_sequence(item, f"each of {name}") or []
        if len(pair) != 2:
            raise InvalidParameterError(f"{name} must hold (id, reason) pairs; got {item!r:.80}", value=item)
        key = check_ids(pair[:1], name)[0]
        pairs.append((key, str(check_text(pair[1], f"the reason for {key!r} in {name}"))))
    return tuple(pairs)


def _added(value: Iterable[Any]) -> tuple[Hashable, ...]:
    return check_ids(value, "added")


def _duplicates(value: Iterable[Any]) -> tuple[Hashable, ...]:
    return check_ids(value, "duplicates")


def _conflicts(value: Iterable[Any]) -> tuple[tuple[Hashable, str], ...]:
    return _pairs(value, "conflicts")


def _rejected(value: Iterable[Any]) -> tuple[tuple[Hashable, str], ...]:
    return _pairs(value, "rejected")


@attrs.frozen
class AddReport:
    """What one :meth:`EvidenceStore.add` call did with each row.

    Parameters
    ----------
    added : tuple of id
        Evidence ids written to the ledger.
    duplicates : tuple of id
        Ids already in the ledger with the same learner, skill, score and
        time (a statement sent twice): nothing to do.
    conflicts : tuple of (id, str)
        Ids already in the ledger with different content, and what differs:
        not applied (void the old row first if the new one is right).
    rejected : tuple of (id, str)
        Rows refused, with the reason (a voided id cannot come back).

    Examples
    --------
    >>> import personalise as pl
    >>> store = pl.open_store()
    >>> ev = pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"])
    >>> store.add(ev)
    AddReport(added=1, duplicates=0, conflicts=0, rejected=0)
    >>> store.add(ev).duplicates
    ('q1',)
    """

    added: tuple[Hashable, ...] = attrs.field(default=(), converter=_added)
    duplicates: tuple[Hashable, ...] = attrs.field(default=(), converter=_duplicates)
    conflicts: tuple[tuple[Hashable, str], ...] = attrs.field(default=(), converter=_conflicts)
    rejected: tuple[tuple[Hashable, str], ...] = attrs.field(default=(), converter=_rejected)

    def __repr__(self) -> str:
        return (f"AddReport(added={len(self.added)}, duplicates={len(self.duplicates)}, "
                f"conflicts={len(self.conflicts)}, rejected={len(self.rejected)})")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the four lists.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.AddReport(added=["q1"]).to_dict()
        {'added': ['q1'], 'duplicates': [], 'conflicts': [], 'rejected': []}
        """
        return {"added": list(self.added), "duplicates": list(self.duplicates),
                "conflicts": [list(c) for c in self.conflicts], "rejected": [list(r) for r in self.rejected]}


def _optional_ids(values: object, name: str) -> None:
    """Raise unless ``values`` is None or a sequence of ids (see ``check_ids``)."""
    if values is not None:
        for position, item in enumerate(check_ids(values, name)):
            _key(item, name, position)


def _key(value: object, name: str, position: int | None = None) -> None:
    """Raise unless ``value`` can be a key of the ledger: a non-empty string or an integer (not a bool)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, int, np.integer)) or value == "":
        where = "" if position is None else f" at position {position}"
        raise InvalidParameterError(f"{name} must hold non-empty strings or integers; got {value!r:.80}{where}"
                                    if position is not None else
                                    f"{name} must be a non-empty string or an integer; got {value!r:.80}", value=value)


def _check_params(params: object) -> BKTParams:
    if not isinstance(params, BKTParams):
        raise InvalidParameterError(f"params must be BKTParams; got {type(params).__name__}", value=params)
    return params


class EvidenceStore:
    """Evidence for a school or a group of schools, kept over a term on SQLite or PostgreSQL.

    Open one with :func:`open_store`. The ledger is append-only: :meth:`add`
    writes new rows (one transaction a call), :meth:`void` removes a row and
    keeps its id as a tombstone, :meth:`forget_learner` erases a learner.
    Everything else is derived from the ledger and equals a replay of it:
    :meth:`mastery` is ``estimate_mastery(params, store.evidence(...))``,
    whatever order the evidence arrived in, but computed incrementally.

    Examples
    --------
    >>> import personalise as pl
    >>> params = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    >>> with pl.open_store() as store:
    ...     _ = store.add(pl.Evidence(["ann"] * 3, ["add"] * 3, [1, 1, 1],
    ...                               ["2026-09-01T09:00Z", "2026-09-02T09:00Z", "2026-09-03T09:00Z"],
    ...                               ["q1", "q2", "q3"]))
    ...     print(round(store.mastery(params).value("ann", "add"), 4))
    0.9858
    """

    def __init__(self, db: Dialect) -> None:
        if not all(callable(getattr(db, method, None)) for method in ("execute", "write", "close")):
            raise InvalidParameterError(f"db must be a store dialect (open a store with open_store); got {db!r:.80}",
                                        value=db)
        self._db: Dialect | None = db
        _schema.prepare(db)
        self._codec = Codec(db)
        self._memo: _mastery.Memo | None = None  # the last table of every learner, while it mirrors the states

    # ---------------------------------------------------------- lifecycle
    @property
    def db(self) -> Dialect:
        """The store's dialect (its connection); a :class:`~personalise.StoreError` once the store is closed."""
        if self._db is None:
            raise StoreError(f"evidence store {self.where} is closed", value=self.where)
        return self._db

    @property
    def where(self) -> str:
        """The store's path or URL (without a password)."""
        return self._where if hasattr(self, "_where") else self._db.where if self._db else "?"

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards (closing twice is fine)."""
        if self._db is not None:
            self._where = self._db.where
            self._db.close()
            self._db = None

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM evidence")[0][0])

    def __repr__(self) -> str:
        if self._db is None:
            return f"EvidenceStore({self.where!r}, closed)"
        learners = self.db.execute("SELECT COUNT(DISTINCT learner_id) FROM evidence")[0][0]
        return f"EvidenceStore({self.where!r}, {len(self)} rows, {learners} learners)"

    # ------------------------------------------------------------- ledger
    def add(self, evidence: Evidence) -> AddReport:
        """Write evidence to the ledger, in one transaction: the whole call is applied or none of it.

        Rows whose id the ledger already has with the same content are
        duplicates (nothing to do); with other content they are conflicts
        (listed, not applied); rows whose id was voided are rejected. A row
        earlier than what the store has already folded into a learner's
        mastery (a late mark) marks that learner-skill for replay.

        Raises
        ------
        InvalidParameterError
            If ``evidence`` is not an Evidence, or its ids are of another kind
            (strings or integers) than the store's.
        StoreError
            If the database cannot be written (read-only, disk full); nothing
            is written then.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"]))
        >>> report = store.add(pl.Evidence(["ann"], ["add"], [0.0], ["2026-09-01T09:00Z"], ["q1"]))
        >>> report.conflicts
        (('q1', 'the ledger has score 1.0, not 0.0'),)
        """
        if not isinstance(evidence, Evidence):
            raise InvalidParameterError(f"evidence must be an Evidence; got {type(evidence).__name__}", value=evidence)
        if not len(evidence):
            return AddReport()
        return AddReport(*_ledger.write(self.db, self._codec, evidence))

    def void(self, evidence_ids: Iterable[Hashable]) -> tuple[Hashable, ...]:
        """Remove rows from the ledger and keep their ids as tombstones, so that they cannot be added again.

        An id the ledger does not have (a void that arrives before its
        statement) is kept as a tombstone too. Returns the ids that removed a
        row.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"]))
        >>> store.void(["q1", "q9"]), len(store)
        (('q1',), 0)
        >>> store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"])).rejected
        (('q1', 'this id was voided; a voided id cannot come back'),)
        """
        if isinstance(evidence_ids, (str, bytes)) or not isinstance(evidence_ids, Iterable):
            raise InvalidParameterError(f"evidence_ids must be a sequence of ids; got {evidence_ids!r}",
                                        value=evidence_ids)
        for position, item in enumerate(check_ids(evidence_ids, "evidence_ids")):
            _key(item, "evidence_ids", position)
        return _ledger.void(self.db, self._codec, list(evidence_ids))

    def evidence(
        self,
        learner_ids: Iterable[Hashable] | None = None,
        skills: Iterable[Hashable] | None = None,
        since: Any = None,
        until: Any = None,
    ) -> Evidence:
        """The ledger's rows (all, or some learners, some skills, a time window), in time order.

        ``since`` is inclusive and ``until`` exclusive, as for
        :meth:`Evidence.select <personalise.Evidence.select>`.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann", "bo"], ["add", "add"], [1.0, 0.0],
        ...                           ["2026-09-02T09:00Z", "2026-09-01T09:00Z"], ["q1", "q2"]))
        >>> store.evidence().evidence_ids.tolist(), store.evidence(learner_ids=["ann"]).evidence_ids.tolist()
        (['q2', 'q1'], ['q1'])
        """
        _optional_ids(learner_ids, "learner_ids")
        _optional_ids(skills, "skills")
        db, codec = self.db, self._codec
        codec.reload()
        clauses: list[str] = []
        parameters: list[Any] = []
        learner_keys: list[str] | None = None
        for column, name, values in (("learner_id", "learner", learner_ids), ("skill_id", "skill", skills)):
            if values is not None:
                if isinstance(values, (str, bytes)):
                    raise InvalidParameterError(f"{column}s must be a sequence of ids, not one string; got {values!r}",
                                                value=values)
                keys = [codec.encode_one(name, value) for value in values]
                if column == "learner_id":
                    learner_keys = keys  # a class list can be long: asked for in chunks below
                    continue
                clauses.append(f"{column} IN ({','.join('?' * len(keys))})" if keys else "1 = 0")
                parameters += keys
        if since is not None:
            clauses.append("t >= ?")
            parameters.append(micros(since, "since"))
        if until is not None:
            clauses.append("t < ?")
            parameters.append(micros(until, "until"))
        select = "SELECT evidence_id, learner_id, skill_id, score, t, source FROM evidence"
        if learner_keys is None:
            where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
            rows = db.execute(select + where, parameters)
        else:
            rows = []
            for part in chunks(learner_keys):
                where = " AND ".join([f"learner_id IN ({','.join('?' * len(part))})", *clauses])
                rows += db.execute(f"{select} WHERE {where}", [*part, *parameters])
        return self._as_evidence(rows)

    def _as_evidence(self, rows: Sequence[tuple[Any, ...]]) -> Evidence:
        codec = self._codec
        if not rows:
            return Evidence([], [], [], np.zeros(0, dtype="datetime64[us]"), [])
        ids, learners, skills, scores, times, sources = (list(column) for column in zip(*rows))
        has_sources = any(source is not None for source in sources)
        evidence = Evidence(codec.decode("learner", learners), codec.decode("skill", skills),
                            np.array(scores, dtype=np.float64), codec.times(times), codec.decode("evidence", ids),
                            sources=[s if s is not None else "unknown" for s in sources] if has_sources else None)
        return evidence.sorted()

    # ------------------------------------------------------------ rosters
    def set_roster(self, roster: Any) -> None:
        """Replace the learners of some classes: a :class:`~personalise.OneRosterBundle` or ``{class: learners}``.

        Classes not named keep their learners. From a OneRoster bundle every
        class's :meth:`class_learners` is taken (active students, in file order).

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> store.set_roster({"4M": ["ann", "bo"]})
        >>> store.class_learners("4M")
        ('ann', 'bo')
        """
        if hasattr(roster, "class_learners") and hasattr(roster, "classes"):
            mapping = {class_id: roster.class_learners(class_id) for class_id in roster.classes}
        elif isinstance(roster, Mapping):
            mapping = dict(roster)
        else:
            raise InvalidParameterError(f"roster must be a OneRosterBundle or a mapping of class id to learner ids; "
                                        f"got {type(roster).__name__}", value=roster)
        db, codec = self.db, self._codec
        with db.write():
            for class_id, learners in mapping.items():
                if not isinstance(class_id, str) or not class_id:
                    raise InvalidParameterError(f"class ids must be non-empty strings; got {class_id!r}",
                                                value=class_id)
                if isinstance(learners, (str, bytes)) or not isinstance(learners, Iterable):
                    raise InvalidParameterError(f"roster[{class_id!r}] must be a sequence of learner ids; got "
                                                f"{learners!r}", value=class_id)
                members = list(learners)
                codec.claim("learner", np.array(members) if members else np.zeros(0))
                keys = [codec.encode_one("learner", learner) for learner in members]
                if len(set(keys)) != len(keys):
                    raise InvalidParameterError(f"roster[{class_id!r}] lists a learner twice", value=class_id)
                db.execute("DELETE FROM rosters WHERE class_id = ?", (class_id,))
                db.executemany("INSERT INTO rosters (class_id, position, learner_id) VALUES (?, ?, ?)",
                               [(class_id, k, key) for k, key in enumerate(keys)])

    def classes(self) -> tuple[str, ...]:
        """The class ids with a roster, sorted.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> store.set_roster({"4M": ["ann"], "3B": ["bo"]})
        >>> store.classes()
        ('3B', '4M')
        """
        return tuple(sorted(row[0] for row in self.db.execute("SELECT DISTINCT class_id FROM rosters")))

    def class_learners(self, class_id: str) -> tuple[Hashable, ...]:
        """The learners of a class, in roster order.

        Raises
        ------
        UnknownClassError
            If the store has no roster for ``class_id``.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> store.set_roster({"4M": ["ann", "bo"]})
        >>> store.class_learners("4M")
        ('ann', 'bo')
        """
        check_text(class_id, "class_id")
        self._codec.reload()
        rows = self.db.execute("SELECT learner_id FROM rosters WHERE class_id = ? ORDER BY position", (class_id,))
        if not rows:
            known = ", ".join(map(repr, self.classes())) or "none"
            raise UnknownClassError(f"class_id: the store has no roster for class {class_id!r:.80} (classes: {known})",
                                    value=class_id)
        return tuple(self._codec.decode_one("learner", row[0]) for row in rows)

    # ------------------------------------------------------ derived state
    def _learners(self, learner_ids: Iterable[Hashable] | None, class_id: str | None) -> list[Hashable] | None:
        if learner_ids is not None and class_id is not None:
            raise InvalidParameterError("give learner_ids or class_id, not both", value=class_id)
        if class_id is not None:
            return list(self.class_learners(class_id))
        if learner_ids is not None:
            if isinstance(learner_ids, (str, bytes)):
                raise InvalidParameterError(f"learner_ids must be a sequence of ids, not one string; got "
                                            f"{learner_ids!r}", value=learner_ids)
            return list(learner_ids)
        return None

    def mastery(
        self,
        params: BKTParams,
        *,
        learner_ids: Iterable[Hashable] | None = None,
        class_id: str | None = None,
        at: Any = None,
        pass_mark: float = 0.5,
    ) -> MasteryTable:
        """P(mastery) from the ledger: exactly ``estimate_mastery(params, self.evidence(...))``.

        The store keeps each learner-skill's state and the (time, evidence
        id) it is valid to, per set of parameters. Evidence added since is
        folded in; a late row or a void replays only the learner-skills it
        touches. With ``at``, the evidence before that moment is replayed
        instead (nothing is cached).

        Parameters
        ----------
        params : BKTParams
            The learner model; the table's columns are its skills.
        learner_ids : sequence of id, optional
            The rows, in this order (learners without evidence keep the prior).
        class_id : str, optional
            The rows: the class's roster (see :meth:`set_roster`).
        at : time, optional
            Use only evidence before this moment (ISO text with an offset, an
            aware datetime or ``datetime64`` in UTC).
        pass_mark : float, default 0.5
            A score at or above it counts as a right answer.

        Raises
        ------
        UnknownSkillError
            If the ledger has evidence on a skill ``params`` lacks.
        UnknownClassError
            If ``class_id`` has no roster.

        Notes
        -----
        The work is that of the rows added since the last call (and of the
        learner-skills a late row or a void touches), plus reading the
        cached states of the learners asked for. The table of every learner
        would read every cached state; instead, a store object keeps the
        last such table it computed (one float64 array of learners x skills)
        for as long as it mirrors the cached states, and brings it up to date
        with the learner-skills each fold changes. A store object opened
        afresh, or one whose caches another writer changed, reads them all
        once. ``benchmarks/store.py`` measures each case.

        Examples
        --------
        >>> import personalise as pl
        >>> params = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-02T09:00Z"], ["q2"]))
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"]))  # late
        >>> store.mastery(params) == pl.estimate_mastery(params, store.evidence())
        True
        """
        params = _check_params(params)
        mark = check_threshold(pass_mark, "pass_mark")
        _optional_ids(learner_ids, "learner_ids")
        check_text(class_id, "class_id", optional=True)
        rows = self._learners(learner_ids, class_id)
        if at is not None:
            moment = micros(at, "at")
            evidence = self.evidence(learner_ids=rows, until=np.int64(moment).astype("datetime64[us]"))
            return estimate_mastery(params, evidence, learner_ids=rows, pass_mark=mark)
        key = _mastery.params_key(params, mark)
        db, codec = self.db, self._codec
        memo, self._memo = self._memo, None  # kept again only if the transaction commits
        with db.write():
            codec.reload()
            memo = _mastery.fold(db, codec, params, key, mark, memo)
            table, memo = _mastery.table(db, codec, params, key, rows, memo)
        self._memo = memo
        return table

    def last_practice(self, learner_ids: Iterable[Hashable], skills: Sequence[Hashable]) -> NDArray[np.datetime64]:
        """When each learner last had evidence on each skill: ``(n_learners, n_skills)`` UTC, NaT for never.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"]))
        >>> store.last_practice(["ann", "bo"], ["add", "sub"])
        array([['2026-09-01T09:00:00.000000',                        'NaT'],
               [                       'NaT',                        'NaT']], dtype='datetime64[us]')
        """
        learners = list(check_ids(learner_ids, "learner_ids"))
        skills = check_ids(skills, "skills")
        codec = self._codec
        codec.reload()
        out = np.full((len(learners), len(skills)), np.datetime64("NaT"), dtype="datetime64[us]")
        row_of = {str(learner): i for i, learner in enumerate(learners)}
        column = {str(skill): j for j, skill in enumerate(skills)}
        for part in chunks(sorted(row_of)):
            marks = ",".join("?" * len(part))
            for learner, skill, t in self.db.execute(
                f"SELECT learner_id, skill_id, MAX(t) FROM evidence WHERE learner_id IN ({marks}) "
                "GROUP BY learner_id, skill_id", part
            ):
                if skill in column:
                    out[row_of[learner], column[skill]] = np.int64(t).astype("datetime64[us]")
        return out

    def open_scaffold(self, learner_id: Hashable, scaffold: Scaffold, *, at: Any = None) -> None:
        """Give a learner a scaffold from ``at`` (default: now); it advances with their evidence on its skill.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> store.open_scaffold("ann", pl.Scaffold("add", pl.contingent_fading(levels=2)), at="2026-09-01T08:00Z")
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"]))
        >>> store.scaffolds().support
        array([[0.5]])
        """
        _key(learner_id, "learner_id")
        if at is not None:
            check_timestamps([at], "at")
        _views.open_scaffold(self, learner_id, scaffold, at)

    def scaffolds(
        self, learner_ids: Iterable[Hashable] | None = None, *, pass_mark: float = 0.5, params: BKTParams | None = None
    ) -> ScaffoldState:
        """The learners' scaffolds now: each advanced by its learner's outcomes on its skill, in time order.

        Rows are the learners (given, or every learner with a scaffold in
        order of opening), columns the distinct scaffolds (skill, kind and
        rule) they hold. A learner who was not given a column's scaffold shows
        it as it starts, with no opportunities. An outcome is a success when
        the score is at least ``pass_mark``; a scaffold that fades with
        mastery needs ``params`` (the mastery after each outcome is BKT's).

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> store.open_scaffold("ann", pl.Scaffold("add", pl.linear_fading(4)), at="2026-09-01T08:00Z")
        >>> _ = store.add(pl.Evidence(["ann"] * 2, ["add"] * 2, [1.0, 0.0], ["2026-09-01T09:00Z"] * 2, ["a", "b"]))
        >>> store.scaffolds().opportunities
        array([[2]], dtype=int32)
        """
        _optional_ids(learner_ids, "learner_ids")
        return _views.scaffolds(self, learner_ids, pass_mark, params)

    def recommend(
        self,
        graph: CompiledGraph,
        params: BKTParams,
        *,
        learner_ids: Iterable[Hashable] | None = None,
        class_id: str | None = None,
        now: Any = None,
        half_life_days: Any = None,
        pass_mark: float = 0.5,
        **options: Any,
    ) -> Recommendations:
        """Next steps from the store: :func:`~personalise.recommend_next` on :meth:`mastery`.

        With ``half_life_days``, the days since each learner last practised
        each skill (up to ``now``, default the current time) feed the review
        term: mastered skills whose recall has decayed come back first. Other
        options (``k``, ``goals``, ...) go to ``recommend_next``.

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> params = pl.BKTParams.constant(g, prior=0.3, learn=0.15, guess=0.2, slip=0.1)
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann"] * 3, ["count"] * 3, [1, 1, 1], ["2026-09-01T09:00Z"] * 3, ["a", "b", "c"]))
        >>> store.recommend(g, params, k=1).skills()
        (('add',),)
        >>> store.recommend(g, params, k=1, now="2026-12-01T09:00Z", half_life_days=30).term_names
        (('review',),)
        """
        _optional_ids(learner_ids, "learner_ids")
        if half_life_days is not None:
            half_life_days = as_array(half_life_days, "half_life_days")
        return _views.recommend(self, graph, params, learner_ids=learner_ids, class_id=class_id, now=now,
                                half_life_days=half_life_days, pass_mark=pass_mark, options=options)

    def plan_lesson(
        self,
        graph: CompiledGraph,
        params: BKTParams,
        *,
        class_id: str | None = None,
        learner_ids: Iterable[Hashable] | None = None,
        now: Any = None,
        half_life_days: Any = None,
        pass_mark: float = 0.5,
        **options: Any,
    ) -> LessonPlan:
        """A lesson plan for a class from the store: :func:`~personalise.plan_lesson` on :meth:`mastery`.

        With ``half_life_days``, the days since each learner last practised
        each skill (up to ``now``, default the current time) feed the plan's
        daily review (decaying skills first) and its weekly and monthly review
        (skills falling due within 7 and 30 days). Other options
        (``question``, ``answers``, ``names``, ...) go to ``plan_lesson``.

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> params = pl.BKTParams.constant(g, prior=0.3, learn=0.15, guess=0.2, slip=0.1)
        >>> store = pl.open_store()
        >>> store.set_roster({"4M": ["ann", "bo"]})
        >>> store.plan_lesson(g, params, class_id="4M").at(pl.Level.TEACHING)[0].learners
        ('ann', 'bo')
        >>> _ = store.add(pl.Evidence(["ann"] * 3, ["count"] * 3, [1, 1, 1], ["2026-09-01T09:00Z"] * 3, ["a", "b", "c"]))
        >>> plan = store.plan_lesson(g, params, class_id="4M", now="2026-12-01T09:00Z", half_life_days=30)
        >>> plan.phase("daily review").items[0].reason.split(",")[0]
        'mastered'
        """
        if not isinstance(graph, CompiledGraph):
            raise InvalidParameterError(f"graph must be a CompiledGraph; got {type(graph).__name__}", value=graph)
        if half_life_days is not None:
            half_life_days = as_array(half_life_days, "half_life_days")
        table = self.mastery(params, learner_ids=learner_ids, class_id=class_id, pass_mark=pass_mark)
        if half_life_days is None:
            return plan_lesson(graph, table, **options)
        elapsed = _views.elapsed_days(self, table.learner_ids, graph.skill_ids, now)
        return plan_lesson(graph, table, elapsed_days=elapsed, half_life_days=half_life_days, **options)

    def export(self, path: str | os.PathLike[str]) -> int:
        """Write the whole store as JSON Lines; :func:`import_store` rebuilds an identical store from it.

        The ledger (evidence and tombstones), the rosters and the scaffolds
        are written; derived state is not (it is rebuilt). Returns the number
        of records written.

        Raises
        ------
        InvalidParameterError
            If ``path`` is not a path (a ``str`` or ``os.PathLike``; an int
            would be taken for a file descriptor).
        StoreError
            If the file cannot be written.

        Examples
        --------
        >>> import os, tempfile, personalise as pl
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann"], ["add"], [1.0], ["2026-09-01T09:00Z"], ["q1"]))
        >>> path = os.path.join(tempfile.mkdtemp(), "term.jsonl")
        >>> store.export(path)
        1
        >>> pl.import_store(path).evidence() == store.evidence()
        True
        """
        return _views.export(self, check_path(path, "path"))

    # ------------------------------------------------------------ erasure
    def forget_learner(self, learner_id: Hashable) -> int:
        """Erase a learner: their evidence, tombstones, cached state, scaffolds and roster places.

        After it returns no byte of the id remains in a SQLite store's files
        (deleted cells are overwritten, the file is rebuilt with ``VACUUM``
        and the journal is emptied), so erasing takes time in proportion to
        the size of the store. On PostgreSQL the tables are rewritten with
        ``VACUUM FULL``; the server's WAL, replicas and backups keep old
        copies until they are overwritten (see the PostgreSQL dialect's
        ``after_erasure``). Returns the number of evidence rows removed.

        Examples
        --------
        >>> import personalise as pl
        >>> store = pl.open_store()
        >>> _ = store.add(pl.Evidence(["ann", "bo"], ["add"] * 2, [1.0, 0.0], ["2026-09-01T09:00Z"] * 2, ["q1", "q2"]))
        >>> store.forget_learner("ann"), len(store)
        (1, 1)
        """
        _key(learner_id, "learner_id")
        db, codec = self.db, self._codec
        self._memo = None  # it holds the learner's id and mastery too
        with db.write():
            codec.reload()
            key = codec.encode_one("learner", learner_id)
            removed = int(db.execute("SELECT COUNT(*) FROM evidence WHERE learner_id = ?", (key,))[0][0])
            for table in ("evidence", "tombstones", "states", "stale", "rosters", "scaffolds"):
                db.execute(f"DELETE FROM {table} WHERE learner_id = ?", (key,))
            _mastery.bump_generation(db)
        db.after_erasure()
        return removed


def import_store(source: str | os.PathLike[str] | IO[str], target: str | os.PathLike[str] = ":memory:") -> EvidenceStore:
    """A new store at ``target`` holding what :meth:`EvidenceStore.export` wrote.

    Raises
    ------
    EvidenceError
        If the export is not one (the header is missing) or a line is broken.
    StoreError
        If ``target`` already holds evidence.

    Examples
    --------
    >>> import io, personalise as pl
    >>> pl.import_store(io.StringIO('{"schema": "personalise.store_export/1", "kinds": {}}'))
    EvidenceStore(':memory:', 0 rows, 0 learners)
    """
    store = open_store(target)
    try:
        _views.import_rows(store, source)
    except BaseException:
        store.close()
        raise
    return store


def open_store(target: str | os.PathLike[str] = ":memory:") -> EvidenceStore:
    """Open (or create) an evidence store: a SQLite file, ``":memory:"``, or a ``postgresql://`` URL.

    A SQLite store uses the standard library's :mod:`sqlite3` with a WAL
    journal, a busy timeout and ``secure_delete``; PostgreSQL needs the
    ``postgres`` extra (psycopg 3). The tables carry a schema version: a
    store written by a newer version of the library is refused, an older one
    is migrated in one transaction.

    Raises
    ------
    StoreError
        If the database cannot be opened or was written by a newer version.
    InvalidParameterError
        If ``target`` is neither a path nor a ``postgresql://`` URL.

    Examples
    --------
    >>> import personalise as pl
    >>> with pl.open_store() as store:
    ...     print(len(store))
    0
    """
    return EvidenceStore(connect(target))

