"""Scaffolds for a whole cohort: ``(n_learners, n_scaffolds)`` arrays updated in one call."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    check_int,
    load_json_document,
    require_fields,
)
from personalise.evidence import MasteryTable
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.scaffolds.fading import (
    FadingRule,
    rule_from_dict,
)
from personalise.scaffolds.scaffold import (
    _COUNTERS,
    COUNTER_LIMIT,
    STATE_SCHEMA,
    Float,
    Int,
    Scaffold,
    _check_kind,
    _check_rule,
    _check_skill,
    _hashable_tuple,
    _rule_tuple,
    _str_tuple,
)

__all__ = ["ScaffoldState"]


# ------------------------------------------------------------------- cohort
def _frozen_array(dtype: Any, name: str = "level") -> Any:
    def convert(value: Any) -> NDArray[Any]:
        raw = np.asarray(value)
        if np.dtype(dtype).kind == "i" and raw.size:
            if raw.dtype.kind not in "iuf" or raw.dtype == np.bool_:
                raise InvalidParameterError(f"{name} must hold whole numbers; got dtype {raw.dtype}", value=raw.dtype)
            bad = np.flatnonzero(~((raw == np.round(raw)) & (raw >= 0) & (raw <= COUNTER_LIMIT)).reshape(-1))
            if bad.size:
                item = raw.reshape(-1)[bad[0]].item()
                where = np.unravel_index(int(bad[0]), raw.shape) if raw.ndim else ()
                raise InvalidParameterError(
                    f"{name} must hold whole numbers in [0, {COUNTER_LIMIT}]; got {item!r} at {tuple(int(x) for x in where)}",
                    value=item,
                )
        try:
            array = np.array(raw, dtype=dtype, copy=True)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"{name} must hold numbers; got {value!r}", value=value) from None
        array.flags.writeable = False
        return array

    return attrs.field(converter=convert, eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False)


def _freeze(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


@attrs.frozen(repr=False)
class ScaffoldState:
    """Scaffolds for a whole cohort: ``(n_learners, n_scaffolds)`` arrays, one column per scaffold.

    Column ``j`` supports skill ``skills[j]`` with rule ``rules[j]`` for every
    learner (the same goal for all); each learner has their own level and
    history. Build one with :meth:`start`; update it with :meth:`after`.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> state = pl.ScaffoldState.start(3, [pl.Scaffold("add", pl.contingent_fading(levels=2)),
    ...                                    pl.Scaffold("sub", pl.linear_fading(4))])
    >>> state.support
    array([[1., 1.],
           [1., 1.],
           [1., 1.]])
    >>> state = state.after(np.array([[True, True], [False, True], [True, False]]))
    >>> state.support
    array([[0.5 , 0.75],
           [1.  , 0.75],
           [0.5 , 0.75]])
    >>> state.scaffold(1, 0).failures
    1
    """

    skills: tuple[Hashable, ...] = attrs.field(converter=_hashable_tuple)
    kinds: tuple[str, ...] = attrs.field(converter=_str_tuple)
    rules: tuple[FadingRule, ...] = attrs.field(converter=_rule_tuple)
    level: Float = _frozen_array(np.float64)
    opportunities: Int = _frozen_array(np.int32, "opportunities")
    successes: Int = _frozen_array(np.int32, "successes")
    failures: Int = _frozen_array(np.int32, "failures")
    streak: Int = _frozen_array(np.int32, "streak")
    failure_run: Int = _frozen_array(np.int32, "failure_run")

    def __attrs_post_init__(self) -> None:
        m = len(self.skills)
        if len(self.kinds) != m or len(self.rules) != m:
            raise ShapeError(f"skills, kinds and rules must have one entry per scaffold ({m})", value=(m, len(self.kinds), len(self.rules)))
        for skill, kind, rule in zip(self.skills, self.kinds, self.rules):
            _check_skill(skill)
            _check_kind(kind)
            _check_rule(rule)
        shape = self.level.shape
        if len(shape) != 2 or shape[1] != m:
            raise ShapeError(f"level must have shape (n_learners, {m}); got {shape}", value=shape)
        for name in _COUNTERS:
            values = getattr(self, name)
            if values.shape != shape:
                raise ShapeError(f"{name} must have shape {shape}; got {values.shape}", value=values.shape)
            if values.size and values.min() < 0:
                i, j = (int(x) for x in np.argwhere(values < 0)[0])
                raise InvalidParameterError(f"{name} must be >= 0; got {int(values[i, j])} at ({i}, {j})", value=int(values[i, j]))
        for rule, cols in self._groups():
            block = np.ascontiguousarray(self.level[:, cols])
            try:
                rule.check_levels(block)
            except InvalidParameterError as err:
                value = float(err.value)  # type: ignore[arg-type]
                i, j = (int(x) for x in np.argwhere(np.isnan(block) if value != value else block == value)[0])
                column = j if isinstance(cols, slice) else cols[j]
                raise InvalidParameterError(f"{err} at ({i}, {column})", value=err.value) from None
        over = np.argwhere(self.successes.astype(np.int64) + self.failures > self.opportunities)
        if over.size:
            i, j = (int(x) for x in over[0])
            raise InvalidParameterError(
                f"successes + failures exceed opportunities at ({i}, {j})", value=int(self.opportunities[i, j])
            )

    def __repr__(self) -> str:
        return f"ScaffoldState(n_learners={self.n_learners}, n_scaffolds={self.n_scaffolds})"

    @property
    def n_learners(self) -> int:
        """Number of learners (rows)."""
        return int(self.level.shape[0])

    @property
    def n_scaffolds(self) -> int:
        """Number of scaffolds (columns)."""
        return len(self.skills)

    def _groups(self) -> list[tuple[FadingRule, slice | list[int]]]:
        """Columns grouped by rule (a slice when one rule covers every column)."""
        if len(set(self.rules)) == 1:
            return [(self.rules[0], slice(None))]
        groups: dict[FadingRule, list[int]] = {}
        for j, rule in enumerate(self.rules):
            groups.setdefault(rule, []).append(j)
        return list(groups.items())

    @property
    def support(self) -> Float:
        """Support in [0, 1] of every learner and scaffold, shape (n_learners, n_scaffolds)."""
        out = np.empty(self.level.shape)
        for rule, cols in self._groups():
            out[:, cols] = rule.supports(self.level[:, cols])
        return out

    @classmethod
    def start(cls, n_learners: int, scaffolds: Sequence[Scaffold]) -> ScaffoldState:
        """Every learner starts from the given scaffolds (one column each).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.ScaffoldState.start(30, [pl.Scaffold("add", pl.mastery_fading())])
        ScaffoldState(n_learners=30, n_scaffolds=1)
        """
        n = check_int(n_learners, "n_learners", minimum=0)
        items = list(scaffolds)
        for item in items:
            if not isinstance(item, Scaffold):
                raise InvalidParameterError(f"scaffolds must be Scaffold objects; got {item!r}", value=item)

        def column(name: str) -> Any:
            return np.tile(np.array([getattr(s, name) for s in items], dtype=np.float64 if name == "level" else np.int32), (n, 1))

        return cls(
            [s.skill for s in items],
            [s.kind for s in items],
            [s.rule for s in items],
            column("level"),
            *(column(name) for name in _COUNTERS),
        )

    def after(self, outcomes: Any, *, mastery: Any = None, active: Any = None) -> ScaffoldState:
        """The state after one opportunity per learner and scaffold (a new object).

        Parameters
        ----------
        outcomes : array_like of bool, shape (n_learners, n_scaffolds)
            Success (True) or failure of each learner on each scaffold's task.
        mastery : array_like, shape (n_learners, n_scaffolds), or MasteryTable, optional
            P(mastery) of each column's goal skill; required when a column
            uses :func:`mastery_fading`. A :class:`~personalise.MasteryTable`
            (one row per learner, in the state's row order) gives each column
            its goal skill's P(mastery); its other skills are not used.
        active : array_like of bool, shape (n_learners, n_scaffolds), optional
            Who had an opportunity; the others are left unchanged (default: all).

        Raises
        ------
        ShapeError
            If an array does not have the state's shape.
        InvalidParameterError
            If ``outcomes`` or ``active`` is not boolean (0/1), or mastery is
            missing, NaN or outside [0, 1].
        """
        shape = self.level.shape
        right = _bool_array(outcomes, "outcomes", shape)
        if self.opportunities.size and int(self.opportunities.max()) >= COUNTER_LIMIT:
            raise InvalidParameterError(f"an opportunity counter is at its limit ({COUNTER_LIMIT})", value=COUNTER_LIMIT)
        on = None if active is None else _bool_array(active, "active", shape)
        needs_mastery = any(rule.uses_mastery for rule in self.rules)
        if isinstance(mastery, MasteryTable) and needs_mastery:
            columns, _ = mastery._columns_of(self.skills, None)  # the table's other skills are not needed here
            mastery = mastery.values[:, columns]
        values = _mastery_array(mastery, shape) if needs_mastery else None
        wrong = ~right
        new_streak = self.streak + np.int32(1)
        new_streak *= right
        new_run = self.failure_run + np.int32(1)
        new_run *= wrong
        if on is None:
            counters = {
                "opportunities": self.opportunities + np.int32(1),
                "successes": self.successes + right,
                "failures": self.failures + wrong,
                "streak": new_streak,
                "failure_run": new_run,
            }
        else:
            counters = {
                "opportunities": self.opportunities + on,
                "successes": self.successes + (right & on),
                "failures": self.failures + (wrong & on),
                "streak": np.where(on, new_streak, self.streak),
                "failure_run": np.where(on, new_run, self.failure_run),
            }
        groups = self._groups()
        if len(groups) == 1 and on is None:  # one rule for every column: no gathering, no copy
            rule = groups[0][0]
            level = rule.next_levels(self.level, counters["opportunities"], counters["streak"], right, values)
            return _built(self, np.asarray(level, dtype=np.float64), counters)
        level = np.empty(shape)
        for rule, cols in groups:
            new = rule.next_levels(  # a fresh array
                self.level[:, cols],
                counters["opportunities"][:, cols],
                counters["streak"][:, cols],
                right[:, cols],
                None if values is None else values[:, cols],
            )
            level[:, cols] = new if on is None else np.where(on[:, cols], new, self.level[:, cols])
        return _built(self, level, counters)

    def scaffold(self, learner: int, column: int) -> Scaffold:
        """The :class:`Scaffold` of one learner (row) and column, as an object."""
        i = check_int(learner, "learner", minimum=0)
        j = check_int(column, "column", minimum=0)
        if i >= self.n_learners or j >= self.n_scaffolds:
            raise InvalidParameterError(
                f"({i}, {j}) is outside the state's shape ({self.n_learners}, {self.n_scaffolds})", value=(i, j)
            )
        return Scaffold(
            self.skills[j],
            self.rules[j],
            kind=self.kinds[j],
            level=float(self.level[i, j]),
            opportunities=int(self.opportunities[i, j]),
            successes=int(self.successes[i, j]),
            failures=int(self.failures[i, j]),
            streak=int(self.streak[i, j]),
            failure_run=int(self.failure_run[i, j]),
        )

    def to_json(self) -> str:
        """The state as a JSON document with a ``"schema"`` field (exact round trip).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> state = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.exponential_fading(3))])
        >>> state = state.after(np.array([[True], [False]]))
        >>> pl.ScaffoldState.from_json(state.to_json()) == state
        True
        """
        for skill in self.skills:
            if isinstance(skill, bool) or not isinstance(skill, (str, int)):
                raise InvalidParameterError(f"only str and int skill ids can be written to JSON; got {skill!r}", value=skill)
        data: dict[str, Any] = {
            "schema": STATE_SCHEMA,
            "skills": list(self.skills),
            "kinds": list(self.kinds),
            "rules": [rule.to_dict() for rule in self.rules],
            "level": self.level.tolist(),
        }
        data.update({name: getattr(self, name).tolist() for name in _COUNTERS})
        return json.dumps(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> ScaffoldState:
        """Rebuild a state from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            On another schema, a missing field or an unknown rule name.
        """
        data = load_json_document(document, STATE_SCHEMA)
        require_fields(data, ("skills", "kinds", "rules", "level", *_COUNTERS), "scaffold state")
        n_cols = len(data["skills"])

        def grid(name: str, dtype: Any) -> NDArray[Any]:
            try:
                array = np.array(data[name], dtype=dtype)
            except (TypeError, ValueError):
                raise InvalidParameterError(f"field {name!r} must be a table of numbers", value=name) from None
            if array.ndim == 2:
                return array
            if array.size:
                raise InvalidParameterError(f"field {name!r} must be a table (one row per learner)", value=name)
            return array.reshape(0, n_cols)

        return cls(
            data["skills"],
            data["kinds"],
            [rule_from_dict(rule) for rule in data["rules"]],
            grid("level", np.float64),
            *(grid(name, None) for name in _COUNTERS),  # the constructor checks they are whole numbers
        )


def _built(state: ScaffoldState, level: Float, counters: Mapping[str, NDArray[Any]]) -> ScaffoldState:
    """A new state from freshly computed arrays (validated, not copied again)."""
    new = object.__new__(ScaffoldState)
    for name, value in (("skills", state.skills), ("kinds", state.kinds), ("rules", state.rules)):
        object.__setattr__(new, name, value)
    object.__setattr__(new, "level", _freeze(level))
    for name in _COUNTERS:
        object.__setattr__(new, name, _freeze(np.asarray(counters[name], dtype=np.int32)))
    return new


def _bool_array(values: Any, name: str, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    array = np.asarray(values)
    if array.shape != shape:
        raise ShapeError(f"{name} must have shape {shape}; got {array.shape}", value=array.shape)
    if array.dtype == np.bool_:
        return np.asarray(array, dtype=np.bool_)
    if array.dtype.kind not in "iuf":
        raise InvalidParameterError(f"{name} must be boolean (or 0/1); got dtype {array.dtype}", value=array.dtype)
    bad = np.argwhere((array != 0) & (array != 1))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise InvalidParameterError(f"{name} must be boolean (or 0/1); got {array[i, j].item()!r} at ({i}, {j})", value=array[i, j].item())
    return np.asarray(array != 0, dtype=np.bool_)


def _mastery_array(values: Any, shape: tuple[int, ...]) -> Float:
    if values is None:
        raise InvalidParameterError("mastery= is required: a column uses mastery_fading", value=None)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"mastery must hold numbers in [0, 1]; got {values!r}", value=values) from None
    if array.shape != shape:
        raise ShapeError(f"mastery must have shape {shape}; got {array.shape}", value=array.shape)
    bad = np.argwhere(~((array >= 0.0) & (array <= 1.0)))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise InvalidParameterError(f"mastery must lie in [0, 1]; got {float(array[i, j])!r} at ({i}, {j})", value=float(array[i, j]))
    return array


