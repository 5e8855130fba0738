"""Observations and P(mastery) with their ids: :class:`Evidence` and :class:`MasteryTable`.

Users speak in learner and skill ids; the kernels speak in positions. These
two value objects carry the ids across that edge.

* :class:`Evidence`: one row per observation (a learner's score on a skill at
  a moment), with the id it had in its source, so that a statement sent twice
  or a mark corrected later can be recognised. Readers
  (:func:`~personalise.read_xapi`, :func:`~personalise.read_oneroster`,
  :func:`~personalise.read_marks`) return it, and list in ``.skipped`` every
  row they left out and why.
* :class:`MasteryTable`: P(mastery) per learner and skill, with both sets of
  labels. Every function that takes a ``mastery`` array also takes a table,
  matching its columns to the graph by skill id.

Time is UTC ``datetime64[us]``; the order of a learner's evidence on a skill
is by time, then by evidence id.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import IO, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    TIME_UNIT,
    check_id_array,
    check_ids,
    check_scores,
    check_sequence,
    check_threshold,
    check_timestamps,
    format_timestamp,
    load_json_document,
)
from personalise._validation.tables import (
    check_id_list,
    check_one_id,
    check_table_ids,
    check_table_values,
    frame_columns,
    positions_of,
    table_document,
    take_columns,
)
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    UnknownLearnerError,
    UnknownSkillError,
)

__all__ = ["Evidence", "MasteryTable"]

EVIDENCE_SCHEMA = "personalise.evidence_set/1"
TABLE_SCHEMA = "personalise.mastery_table/1"
#: The columns of :meth:`Evidence.to_frame`, in order.
FRAME_COLUMNS = ("evidence_id", "learner_id", "skill_id", "score", "timestamp", "source")

Ids = NDArray[Any]
Skipped = tuple[tuple[Hashable, str], ...]


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


def _skipped(value: Iterable[Any]) -> Skipped:
    out = []
    for position, item in enumerate(value):
        if not isinstance(item, (tuple, list)) or len(item) != 2 or not isinstance(item[1], str):
            raise EvidenceError(
                f"skipped must hold (source id or row, reason) pairs; got {item!r} at position {position}", value=item
            )
        out.append((item[0], item[1]))
    return tuple(out)


def _array_eq(a: NDArray[Any] | None, b: NDArray[Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.dtype.kind == b.dtype.kind and bool(np.array_equal(a, b))


_ARRAY_EQ = attrs.cmp_using(eq=_array_eq)


def _given(value: Any) -> Any:
    """A converter that only widens the constructor's types; ``__attrs_post_init__`` validates."""
    return value


def _json_id(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@attrs.frozen(repr=False, init=False)
class Evidence:
    """Observations of learning: who scored what on which skill, when, and under which id.

    One row per observation. Arrays are copied once and read-only; the
    constructor validates everything and names the offending row.

    Parameters
    ----------
    learner_ids, skill_ids : sequence of str or int, length n
        The learner and the skill of each row. Ids are non-empty strings or
        integers, all of one kind in a column.
    scores : sequence of float, length n
        In [0, 1]: 1 or 0 for a right or wrong answer, a fraction for a mark
        (7 out of 10 is 0.7). Booleans count as 1/0.
    timestamps : sequence, length n
        When each observation was made. ``datetime64`` values are taken as UTC
        (NumPy's convention); ISO 8601 strings and ``datetime`` objects must
        carry an offset (``Z``, ``+01:00``) and are converted to UTC. Stored as
        ``datetime64[us]``.
    evidence_ids : sequence of str or int, length n
        A unique id per row: the id the observation had in its source (an
        xAPI statement id, a OneRoster result ``sourcedId``) or one you derive.
        It identifies an observation sent twice, and breaks ties in time.
    sources : str or sequence of str, optional
        Where each row came from (a file name, a system); one string for all.
        Evidence with no rows has no sources (``sources`` is None).
    skipped : sequence of (id or row, reason), optional
        What a reader left out, and why (kept with the evidence, never
        silently dropped).

    Raises
    ------
    EvidenceError
        If the columns differ in length, an id is missing, empty or of mixed
        kind, a score is NaN or outside [0, 1], an evidence id repeats, or a
        timestamp is naive, missing or unparseable; the message names the row.

    See Also
    --------
    estimate_mastery : P(mastery) from evidence, in time order.
    read_xapi, read_oneroster, read_marks : Evidence from a school's exports.

    Examples
    --------
    >>> import personalise as pl
    >>> ev = pl.Evidence(["ann", "ann", "bo"], ["add", "add", "add"], [1, 0.5, 0],
    ...                  ["2026-09-01T09:00:00Z", "2026-09-02T09:00:00+01:00", "2026-09-01T10:00:00Z"],
    ...                  ["s1", "s2", "s3"])
    >>> len(ev), ev.timestamps[1]
    (3, np.datetime64('2026-09-02T08:00:00.000000'))
    >>> ev
    Evidence(3 rows, 2 learners, 1 skill, 2026-09-01T09:00:00Z to 2026-09-02T08:00:00Z)
    """

    learner_ids: Ids = attrs.field(eq=_ARRAY_EQ, hash=False)
    skill_ids: Ids = attrs.field(eq=_ARRAY_EQ, hash=False)
    scores: NDArray[np.float64] = attrs.field(eq=_ARRAY_EQ, hash=False)
    timestamps: NDArray[np.datetime64] = attrs.field(eq=_ARRAY_EQ, hash=False)
    evidence_ids: Ids = attrs.field(eq=_ARRAY_EQ, hash=False)
    sources: NDArray[np.str_] | None = attrs.field(eq=_ARRAY_EQ, hash=False)
    skipped: Skipped = attrs.field()

    def __init__(
        self,
        learner_ids: Any,
        skill_ids: Any,
        scores: Any,
        timestamps: Any,
        evidence_ids: Any,
        *,
        sources: str | Sequence[str] | NDArray[np.str_] | None = None,
        skipped: Iterable[tuple[Hashable, str]] = (),
    ) -> None:
        columns = {
            "learner_ids": check_id_array(learner_ids, "learner_ids"),
            "skill_ids": check_id_array(skill_ids, "skill_ids"),
            "scores": check_scores(scores, "scores"),
            "timestamps": check_timestamps(timestamps, "timestamps"),
            "evidence_ids": check_id_array(evidence_ids, "evidence_ids"),
        }
        n = len(columns["learner_ids"])
        for name, values in columns.items():
            if len(values) != n:
                raise EvidenceError(f"{name} has {len(values)} rows but learner_ids has {n}", value=len(values))
        source_array: NDArray[np.str_] | None = None
        if isinstance(sources, str):
            source_array = np.full(n, sources)
        elif sources is not None:
            source_array = check_id_array(sources, "sources")
            if n and source_array.dtype.kind != "U":
                raise EvidenceError("sources must be strings", value=source_array.dtype)
            if len(source_array) != n:
                raise EvidenceError(f"sources has {len(source_array)} rows but learner_ids has {n}",
                                    value=len(source_array))
        if n == 0:
            source_array = None  # no row to carry a source (and none written to JSON)
        ids = columns["evidence_ids"]
        if n > 1:
            order = np.argsort(ids, kind="stable")
            repeat = np.flatnonzero(ids[order][1:] == ids[order][:-1])
            if repeat.size:
                first, again = (int(order[repeat[0]]), int(order[repeat[0] + 1]))
                raise EvidenceError(
                    f"evidence_ids must be unique; {_json_id(ids[again])!r} in row {again} repeats row {first}",
                    value=_json_id(ids[again]),
                )
        frozen = {name: _frozen(np.array(values, copy=True)) for name, values in columns.items()}
        self.__attrs_init__(
            frozen["learner_ids"],
            frozen["skill_ids"],
            frozen["scores"],
            frozen["timestamps"],
            frozen["evidence_ids"],
            None if source_array is None else _frozen(np.array(source_array, copy=True)),
            _skipped(skipped),
        )

    # ----------------------------------------------------------- reading
    def __len__(self) -> int:
        return int(self.scores.size)

    def __repr__(self) -> str:
        n = len(self)
        if n == 0:
            return f"Evidence(0 rows{self._skipped_note()})"
        learners, skills = np.unique(self.learner_ids).size, np.unique(self.skill_ids).size
        first, last = format_timestamp(self.timestamps.min()), format_timestamp(self.timestamps.max())
        return (
            f"Evidence({n} row{'s' * (n != 1)}, {learners} learner{'s' * (learners != 1)}, {skills} "
            f"skill{'s' * (skills != 1)}, {first} to {last}{self._skipped_note()})"
        )

    def _skipped_note(self) -> str:
        return f", {len(self.skipped)} skipped" if self.skipped else ""

    def _repr_html_(self) -> str:
        from personalise.io import formats

        return formats.evidence_html(self)

    def order(self) -> NDArray[np.intp]:
        """Row numbers in time order, ties broken by evidence id.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a", "a"], ["x", "x"], [1, 0], ["2026-09-02T00:00Z", "2026-09-01T00:00Z"], ["e1", "e2"])
        >>> ev.order().tolist()
        [1, 0]
        """
        return np.lexsort((self.evidence_ids, self.timestamps)).astype(np.intp)

    def sorted(self) -> Evidence:
        """The same evidence with rows in time order (ties by evidence id).

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a", "a"], ["x", "x"], [1, 0], ["2026-09-02T00:00Z", "2026-09-01T00:00Z"], ["e1", "e2"])
        >>> ev.sorted().evidence_ids.tolist()
        ['e2', 'e1']
        """
        return self._take(self.order())

    def _take(self, rows: NDArray[np.intp], skipped: Skipped | None = None) -> Evidence:
        new = object.__new__(Evidence)
        for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids"):
            object.__setattr__(new, name, _frozen(getattr(self, name)[rows]))
        sources = None if self.sources is None else self.sources[rows]
        object.__setattr__(new, "sources", None if sources is None or not sources.size else _frozen(sources))
        object.__setattr__(new, "skipped", self.skipped if skipped is None else skipped)
        return new

    def select(
        self,
        *,
        learner_ids: Iterable[Hashable] | None = None,
        skill_ids: Iterable[Hashable] | None = None,
        since: Any = None,
        until: Any = None,
    ) -> Evidence:
        """The rows of some learners, some skills, or a time window (``since <= t < until``).

        Row order and ``.skipped`` are kept. Times are ISO 8601 text with an
        offset, aware datetimes or ``datetime64`` (UTC).

        Raises
        ------
        InvalidParameterError
            If ``learner_ids`` or ``skill_ids`` is not a sequence of string or
            integer ids (one string, a number and a mapping are refused).
        EvidenceError
            If ``since`` or ``until`` is not a UTC time.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a", "b"], ["x", "y"], [1, 0], ["2026-09-01T00:00Z", "2026-09-02T00:00Z"], ["e1", "e2"])
        >>> ev.select(learner_ids=["b"]).evidence_ids.tolist()
        ['e2']
        >>> len(ev.select(since="2026-09-01T12:00Z")), len(ev.select(until="2026-09-01T12:00Z"))
        (1, 1)
        """
        keep = np.ones(len(self), dtype=bool)
        for name, wanted, column in (("learner_ids", learner_ids, self.learner_ids),
                                     ("skill_ids", skill_ids, self.skill_ids)):
            if wanted is not None:
                ids = check_id_list(wanted, name)
                keep &= np.isin(column, ids) if ids.dtype.kind == column.dtype.kind else False
        for name, bound, above in (("since", since, True), ("until", until, False)):
            if bound is not None:
                moment = check_timestamps([bound], name)[0]
                keep &= (self.timestamps >= moment) if above else (self.timestamps < moment)
        return self._take(np.flatnonzero(keep).astype(np.intp))

    def passed(self, pass_mark: float = 0.5) -> NDArray[np.bool_]:
        """Whether each row counts as a right answer: ``score >= pass_mark``.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a", "a"], ["x", "x"], [0.7, 0.4], ["2026-09-01T00:00Z"] * 2, ["e1", "e2"])
        >>> ev.passed().tolist(), ev.passed(0.8).tolist()
        ([True, False], [False, False])
        """
        return self.scores >= check_threshold(pass_mark, "pass_mark")

    # ------------------------------------------------------- combining
    @classmethod
    def concat(cls, parts: Iterable[Evidence]) -> Evidence:
        """Several evidence sets as one (rows in the given order; ``.skipped`` joined).

        Raises
        ------
        InvalidParameterError
            If ``parts`` is not a sequence (a list, a tuple, a generator) of
            Evidence objects.
        EvidenceError
            If an evidence id appears in more than one part, or the parts' ids
            are of different kinds (strings in one, integers in another).
            Rows of a part without ``sources`` get the source ``"unknown"``
            when other parts have sources.

        Examples
        --------
        >>> import personalise as pl
        >>> a = pl.Evidence(["ann"], ["add"], [1], ["2026-09-01T09:00Z"], ["x1"])
        >>> b = pl.Evidence(["bo"], ["add"], [0], ["2026-09-01T09:05Z"], ["x2"], skipped=[("x3", "no result")])
        >>> both = pl.Evidence.concat([a, b])
        >>> both.evidence_ids.tolist(), both.skipped
        (['x1', 'x2'], (('x3', 'no result'),))
        """
        items = check_sequence(parts, "parts") or []
        for position, part in enumerate(items):
            if not isinstance(part, Evidence):
                raise InvalidParameterError(f"parts must hold Evidence objects; got {part!r:.80} at position "
                                            f"{position}", value=part)
        skipped = [item for part in items for item in part.skipped]
        nonempty = [part for part in items if len(part)]
        if not nonempty:
            return cls([], [], [], np.zeros(0, dtype=TIME_UNIT), [], skipped=skipped)
        for name in ("learner_ids", "skill_ids", "evidence_ids"):
            if len({getattr(part, name).dtype.kind for part in nonempty}) > 1:
                raise EvidenceError(f"cannot concatenate evidence whose {name} are strings in one part and integers "
                                    "in another", value=name)
        sources = None
        if any(part.sources is not None for part in nonempty):
            sources = np.concatenate(
                [part.sources if part.sources is not None else np.full(len(part), "unknown") for part in nonempty]
            )
        return cls(
            *(np.concatenate([getattr(part, name) for part in nonempty])
              for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids")),
            sources=sources,
            skipped=skipped,
        )

    # -------------------------------------------------- to other shapes
    def to_pybkt(self, pass_mark: float = 0.5) -> Any:
        """A pandas DataFrame in pyBKT's layout: ``user_id, skill_name, correct, order_id``.

        Rows are in time order (ties by evidence id); ``order_id`` numbers
        them from 0, and ``correct`` is 1 where ``score >= pass_mark``. Needs
        the ``pandas`` extra.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a", "a"], ["x", "x"], [0.8, 0.3], ["2026-09-02T00:00Z", "2026-09-01T00:00Z"],
        ...                  ["e1", "e2"])
        >>> ev.to_pybkt()
          user_id skill_name  correct  order_id
        0       a          x        0         0
        1       a          x        1         1
        """
        from personalise.io import formats

        return formats.pybkt_frame(self, pass_mark)

    def to_frame(self) -> Any:
        """A pandas DataFrame with the columns :data:`FRAME_COLUMNS` (timestamps tz-aware UTC).

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"], sources="quiz.json")
        >>> ev.to_frame()
          evidence_id learner_id skill_id  score                 timestamp     source
        0          e1          a        x    1.0 2026-09-01 09:00:00+00:00  quiz.json
        """
        from personalise.io import formats

        return formats.to_frame(self)

    @classmethod
    def from_frame(cls, frame: Any, *, columns: Mapping[str, str] | None = None) -> Evidence:
        """Evidence from a DataFrame with the columns of :meth:`to_frame` (``source`` optional).

        ``columns`` maps our names to the frame's, e.g. ``{"learner_id": "pupil"}``.

        Raises
        ------
        InvalidParameterError
            If ``frame`` is not a DataFrame, or ``columns`` is not a mapping
            (or None) whose keys are among :data:`FRAME_COLUMNS`.
        EvidenceError
            If the frame lacks a column (the message says how to name it in
            ``columns``), or a row is invalid (see :class:`Evidence`).

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"])
        >>> pl.Evidence.from_frame(ev.to_frame()) == ev
        True
        """
        from personalise.io import formats

        return formats.from_frame(frame, frame_columns(frame, columns, FRAME_COLUMNS, ("source",)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``"schema"``, ``"rows"`` (one dict per row) and ``"skipped"``.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"]).to_dict()["rows"]
        [{'evidence_id': 'e1', 'learner_id': 'a', 'skill_id': 'x', 'score': 1.0, 'timestamp': '2026-09-01T09:00:00Z'}]
        """
        from personalise.io import formats

        return formats.to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        """Rebuild evidence from :meth:`to_dict`'s output.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"])
        >>> pl.Evidence.from_dict(ev.to_dict()) == ev
        True
        """
        from personalise.io import formats

        return formats.from_dict(data)

    def to_json(self, **options: Any) -> str:
        """The :meth:`to_dict` document as JSON text (``options`` go to :func:`json.dumps`).

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"])
        >>> pl.Evidence.from_json(ev.to_json()) == ev
        True
        """
        return json.dumps(self.to_dict(), **options)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> Evidence:
        """Rebuild evidence from :meth:`to_json` text (or its parsed dict).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.Evidence.from_json('{"schema": "personalise.evidence_set/1", "rows": []}')
        Evidence(0 rows)
        """
        return cls.from_dict(load_json_document(document, EVIDENCE_SCHEMA))

    def to_jsonl(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """JSON Lines: a header line (schema, row count, skipped), then one line per row.

        Returns the text when ``path`` is None, else writes the file (UTF-8)
        and returns None. :meth:`from_jsonl` reads it back exactly.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"])
        >>> print(ev.to_jsonl(), end="")
        {"schema": "personalise.evidence_set/1", "n_rows": 1, "skipped": []}
        {"evidence_id": "e1", "learner_id": "a", "skill_id": "x", "score": 1.0, "timestamp": "2026-09-01T09:00:00Z"}
        """
        from personalise.io import formats

        return formats.to_jsonl(self, path)

    @classmethod
    def from_jsonl(cls, source: str | os.PathLike[str] | IO[str]) -> Evidence:
        """Read :meth:`to_jsonl` output: a path, an open text file, or the text itself.

        Raises
        ------
        EvidenceError
            If the file is missing, a line is not JSON (the line is named), the
            header is not an evidence header, or the row count disagrees.

        Examples
        --------
        >>> import personalise as pl
        >>> ev = pl.Evidence(["a"], ["x"], [1], ["2026-09-01T09:00Z"], ["e1"])
        >>> pl.Evidence.from_jsonl(ev.to_jsonl()) == ev
        True
        """
        from personalise.io import formats

        return formats.from_jsonl(source)


# ------------------------------------------------------------------ mastery
@attrs.frozen(repr=False)
class MasteryTable:
    """P(mastery) per learner and skill, with the learner and skill ids.

    Read-only. Every function that takes a ``mastery`` array also takes a
    table: its columns are matched to the graph by skill id (in any order),
    and results carry its learner ids.

    Parameters
    ----------
    learner_ids : sequence of str or int
        One unique id per row.
    skill_ids : sequence of str or int
        One unique id per column.
    values : array_like, shape (n_learners, n_skills)
        P(mastery) in [0, 1]; copied to a read-only float64 array.

    Raises
    ------
    ShapeError
        If ``values`` is not ``(len(learner_ids), len(skill_ids))``.
    InvalidParameterError
        If an id repeats or is not a string or integer, or a value is NaN or
        outside [0, 1] (the message names the learner and the skill).

    Examples
    --------
    >>> import personalise as pl
    >>> table = pl.MasteryTable(["ann", "bo"], ["add", "count"], [[0.4, 0.99], [0.97, 0.98]])
    >>> table
    MasteryTable(2 learners x 2 skills)
    >>> table.value("ann", "count")
    0.99
    >>> g = pl.compile_graph([("count", "add")])
    >>> pl.recommend_next(g, table).to_records()[0]["learner_id"]
    'ann'
    """

    learner_ids: tuple[Hashable, ...] = attrs.field(converter=_given)
    skill_ids: tuple[Hashable, ...] = attrs.field(converter=_given)
    values: NDArray[np.float64] = attrs.field(
        converter=_given, eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        learner_ids = check_table_ids(self.learner_ids, "learner_ids")
        skill_ids = check_table_ids(self.skill_ids, "skill_ids")
        object.__setattr__(self, "values", check_table_values(self.values, learner_ids, skill_ids))
        object.__setattr__(self, "learner_ids", learner_ids)
        object.__setattr__(self, "skill_ids", skill_ids)

    @property
    def n_learners(self) -> int:
        """Number of learners (rows)."""
        return len(self.learner_ids)

    @property
    def n_skills(self) -> int:
        """Number of skills (columns)."""
        return len(self.skill_ids)

    def __repr__(self) -> str:
        return (f"MasteryTable({self.n_learners} learner{'s' * (self.n_learners != 1)} x {self.n_skills} "
                f"skill{'s' * (self.n_skills != 1)})")

    def _repr_html_(self) -> str:
        from personalise.io import formats

        return formats.table_html(self)

    def value(self, learner_id: Hashable, skill_id: Hashable) -> float:
        """P(mastery) of one learner on one skill.

        Raises
        ------
        InvalidParameterError
            If an id is not a string or an integer.
        UnknownLearnerError, UnknownSkillError
            If the learner or the skill is not in the table.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.MasteryTable(["ann"], ["add"], [[0.25]]).value("ann", "add")
        0.25
        """
        i = positions_of(self.learner_ids, [check_one_id(learner_id, "learner_id")], "learner_id",
                         UnknownLearnerError)[0]
        j = positions_of(self.skill_ids, [check_one_id(skill_id, "skill_id")], "skill_id", UnknownSkillError)[0]
        return float(self.values[i, j])

    def select(self, learner_ids: Iterable[Hashable]) -> MasteryTable:
        """The rows of these learners, in this order.

        Raises
        ------
        InvalidParameterError
            If ``learner_ids`` is not a sequence of string or integer ids.
        UnknownLearnerError
            If a learner is not in the table.

        Examples
        --------
        >>> import personalise as pl
        >>> table = pl.MasteryTable(["ann", "bo"], ["add"], [[0.1], [0.9]])
        >>> table.select(["bo"]).values.tolist()
        [[0.9]]
        """
        ids = check_id_list(learner_ids, "learner_ids").tolist()
        rows = positions_of(self.learner_ids, ids, "learner_ids", UnknownLearnerError)
        return MasteryTable(ids, self.skill_ids, self.values[np.array(rows, dtype=np.intp)])

    def align(self, skills: Any, *, missing: float | None = None) -> MasteryTable:
        """The table with its columns in the order of ``skills`` (a graph, parameters or skill ids).

        Parameters
        ----------
        skills : CompiledGraph, BKTParams or sequence of skill ids
            The columns wanted.
        missing : float in [0, 1], optional
            P(mastery) to assume for a wanted skill the table lacks. By default
            such a skill is an error.

        Raises
        ------
        UnknownSkillError
            If the table has a skill that ``skills`` lacks.
        ShapeError
            If ``skills`` has a skill the table lacks and ``missing`` is None.

        Examples
        --------
        >>> import personalise as pl
        >>> table = pl.MasteryTable(["ann"], ["b", "a"], [[0.2, 0.9]])
        >>> table.align(["a", "b", "c"], missing=0.0).values.tolist()
        [[0.9, 0.2, 0.0]]
        """
        wanted = tuple(check_id_list(getattr(skills, "skill_ids", skills), "skills").tolist())
        values = take_columns(self.values, self.skill_ids, wanted, missing, name="the table", among="in skills")
        return MasteryTable(self.learner_ids, wanted, values)

    def values_for(self, skill_ids: Sequence[Hashable], *, missing: float | None = None,
                   name: str = "mastery") -> NDArray[np.float64]:
        """The values as an array whose columns follow ``skill_ids`` (see :meth:`align`).

        ``name`` is the caller's word for the table, used in error messages.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.MasteryTable(["ann"], ["b", "a"], [[0.2, 0.9]]).values_for(["a", "b"]).tolist()
        [[0.9, 0.2]]
        """
        return take_columns(self.values, self.skill_ids, check_ids(skill_ids, "skill_ids"), missing, name=name,
                            among="a skill of the graph (not in skill_ids)")

    # --------------------------------------------------------- to and from
    def to_frame(self) -> Any:
        """A pandas DataFrame: learners on the index (``learner_id``), skills as columns.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.MasteryTable(["ann", "bo"], ["add"], [[0.25], [1.0]]).to_frame()
                     add
        learner_id
        ann         0.25
        bo          1.00
        """
        from personalise.io import formats

        return formats.table_frame(self)

    @classmethod
    def from_frame(cls, frame: Any) -> MasteryTable:
        """A table from a DataFrame whose index holds learner ids and whose columns are skill ids.

        Examples
        --------
        >>> import personalise as pl
        >>> table = pl.MasteryTable(["ann"], ["add"], [[0.5]])
        >>> pl.MasteryTable.from_frame(table.to_frame()) == table
        True
        """
        if not (hasattr(frame, "columns") and hasattr(frame, "index")):
            raise InvalidParameterError(f"frame must be a pandas DataFrame; got {type(frame).__name__}", value=frame)
        return cls(list(frame.index), list(frame.columns), frame.to_numpy(dtype=np.float64))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with ``"schema"``, ``"learner_ids"``, ``"skill_ids"`` and ``"values"``.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.MasteryTable(["ann"], ["add"], [[0.5]]).to_dict()
        {'schema': 'personalise.mastery_table/1', 'learner_ids': ['ann'], 'skill_ids': ['add'], 'values': [[0.5]]}
        """
        return {"schema": TABLE_SCHEMA, "learner_ids": list(self.learner_ids), "skill_ids": list(self.skill_ids),
                "values": self.values.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MasteryTable:
        """Rebuild a table from :meth:`to_dict`'s output.

        Examples
        --------
        >>> import personalise as pl
        >>> table = pl.MasteryTable(["ann"], ["add"], [[0.5]])
        >>> pl.MasteryTable.from_dict(table.to_dict()) == table
        True
        """
        return cls(*table_document(data, TABLE_SCHEMA))

    def to_json(self, **options: Any) -> str:
        """The :meth:`to_dict` document as JSON text; floats round-trip exactly.

        Examples
        --------
        >>> import personalise as pl
        >>> table = pl.MasteryTable(["ann"], ["add"], [[1 / 3]])
        >>> pl.MasteryTable.from_json(table.to_json()) == table
        True
        """
        return json.dumps(self.to_dict(), **options)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> MasteryTable:
        """Rebuild a table from :meth:`to_json` text (or its parsed dict).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.MasteryTable.from_json('{"schema": "personalise.mastery_table/1", "learner_ids": ["a"], '
        ...                           '"skill_ids": ["x"], "values": [[0.5]]}')
        MasteryTable(1 learner x 1 skill)
        """
        return cls.from_dict(load_json_document(document, TABLE_SCHEMA))
