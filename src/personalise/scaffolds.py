"""Scaffolds that fade: the same goal for every learner, support that is temporary.

A :class:`Scaffold` is support towards one goal skill (a worked example, a
prompt, a sentence starter...). Its support, in [0, 1], follows a fading rule
(:mod:`personalise.fading`, built with :func:`linear_fading`,
:func:`exponential_fading`, :func:`stepwise_fading`, :func:`contingent_fading`,
:func:`backward_fading` or :func:`mastery_fading`): it falls as the learner
succeeds and, for the contingent and backward rules, comes back when the
learner struggles. A scaffold cannot be built without a fading rule, and
nothing on it changes its goal: support varies, the goal does not.

:class:`ScaffoldState` holds the same for a cohort, ``(n_learners,
n_scaffolds)`` arrays updated in one vectorised call, and
:func:`audit_scaffolds` looks for the two lethal mutations: support that
never fades, and goals lowered for some learners (tiered tasks).
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    check_id,
    check_int,
    check_learner_ids,
    load_json_document,
    require_fields,
)
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.fading import (
    BackwardFading,
    FadingRule,
    _ByOpportunity,
    rule_from_dict,
)
from personalise.graph import CompiledGraph

__all__ = ["KINDS", "WOOD_FUNCTIONS", "Finding", "Scaffold", "ScaffoldState", "audit_scaffolds"]

#: Common kinds of scaffold; any other non-empty string is allowed too.
KINDS = ("worked example", "partial solution", "prompt", "sentence starter", "manipulative", "representation")
#: The six functions of scaffolding (Wood, Bruner and Ross 1976), a vocabulary for tagging.
WOOD_FUNCTIONS = (
    "recruitment",
    "reduction in degrees of freedom",
    "direction maintenance",
    "marking critical features",
    "frustration control",
    "demonstration",
)
SCAFFOLD_SCHEMA = "personalise.scaffold/1"
STATE_SCHEMA = "personalise.scaffold_state/1"
_COUNTERS = ("opportunities", "successes", "failures", "streak", "failure_run")
#: Largest value of a history counter (counters are stored as int32 in the cohort form).
COUNTER_LIMIT = 2**31 - 1

Float = NDArray[np.float64]
Int = NDArray[np.int32]


def _check_skill(skill: object) -> Hashable:
    return check_id(skill, "a scaffold's skill (its goal)")


def _check_kind(kind: object) -> str:
    if not isinstance(kind, str) or not kind.strip():
        raise InvalidParameterError(f"kind must be a non-empty string (e.g. one of {KINDS}); got {kind!r}", value=kind)
    return kind


def _check_rule(rule: object) -> FadingRule:
    if not isinstance(rule, FadingRule):
        raise InvalidParameterError(
            "a scaffold needs a fading rule (linear_fading, exponential_fading, stepwise_fading, "
            f"contingent_fading, backward_fading or mastery_fading); got {rule!r}",
            value=rule,
        )
    return rule


def _check_success(success: object) -> bool:
    if isinstance(success, (bool, np.bool_)) or (isinstance(success, numbers.Integral) and success in (0, 1)):
        return bool(success)
    raise InvalidParameterError(f"success must be True or False; got {success!r}", value=success)


def _check_mastery_value(mastery: object, rule: FadingRule) -> float | None:
    if not rule.uses_mastery:
        return None
    if mastery is None:
        raise InvalidParameterError("a mastery_fading scaffold needs mastery= (P(mastery) of its goal skill)", value=None)
    if isinstance(mastery, (bool, np.bool_)) or not isinstance(mastery, numbers.Real) or not 0.0 <= float(mastery) <= 1.0:
        raise InvalidParameterError(f"mastery must be a number in [0, 1]; got {mastery!r}", value=mastery)
    return float(mastery)


def _function_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _hashable_tuple(values: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return tuple(values)


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _rule_tuple(values: Iterable[FadingRule]) -> tuple[FadingRule, ...]:
    return tuple(values)


def _counter(name: str) -> Any:
    def check(value: object) -> int:
        result = check_int(value, name, minimum=0)
        if result > COUNTER_LIMIT:
            raise InvalidParameterError(f"{name} must be at most {COUNTER_LIMIT}; got {result}", value=result)
        return result

    return attrs.field(default=0, converter=check)


@attrs.frozen
class Scaffold:
    """Temporary support towards one goal skill, for one learner.

    Parameters
    ----------
    skill : hashable
        The goal skill. It is the same for every learner and never changes.
    rule : FadingRule
        How support fades (required: a scaffold without a fading rule would
        be a permanent fixture).
    kind : str, default "prompt"
        What the support is: one of :data:`KINDS` or any other description.
    level : float, optional
        The rule's state (default: the rule's starting level).
    opportunities, successes, failures, streak, failure_run : int, default 0
        History counters: opportunities so far, successes and failures among
        them, the current run of consecutive successes and of failures.
    functions : iterable of str, optional
        Which of Wood, Bruner and Ross's six functions the scaffold serves
        (:data:`WOOD_FUNCTIONS`), for tagging.

    Examples
    --------
    >>> import personalise as pl
    >>> s = pl.Scaffold("fractions_on_number_line", pl.contingent_fading(levels=4), kind="worked example")
    >>> s.support
    1.0
    >>> s = s.after(True).after(True)
    >>> s.level, s.support, s.successes
    (2.0, 0.5, 2)
    >>> s.after(False).support  # it comes back when the learner struggles
    0.75
    """

    skill: Hashable = attrs.field(converter=_check_skill)
    rule: FadingRule = attrs.field(converter=_check_rule)
    kind: str = attrs.field(default="prompt", converter=_check_kind)
    level: float = attrs.field(default=None)
    opportunities: int = _counter("opportunities")
    successes: int = _counter("successes")
    failures: int = _counter("failures")
    streak: int = _counter("streak")
    failure_run: int = _counter("failure_run")
    functions: frozenset[str] = attrs.field(default=frozenset(), converter=_function_set)

    def __attrs_post_init__(self) -> None:
        level: object = self.rule.start() if self.level is None else self.level
        if isinstance(level, (bool, np.bool_)) or not isinstance(level, numbers.Real):
            raise InvalidParameterError(f"level must be a number; got {level!r}", value=level)
        object.__setattr__(self, "level", float(level))
        self.rule.check_levels(np.array([self.level]))
        if self.successes + self.failures > self.opportunities:
            raise InvalidParameterError(
                f"successes + failures ({self.successes + self.failures}) exceed opportunities ({self.opportunities})",
                value=self.opportunities,
            )
        unknown = self.functions - set(WOOD_FUNCTIONS)
        if unknown:
            raise InvalidParameterError(f"unknown scaffolding function {sorted(unknown)[0]!r}; expected some of {WOOD_FUNCTIONS}", value=sorted(unknown)[0])

    @property
    def support(self) -> float:
        """Current support in [0, 1] (1: full support, 0: faded)."""
        return self.rule.support(self.level)

    @property
    def is_faded(self) -> bool:
        """True when the support has faded to 0 (the learner works unaided)."""
        return self.support == 0.0

    @property
    def worked_steps(self) -> tuple[bool, ...]:
        """For a backward-faded worked example: which steps are still worked for the learner.

        Raises
        ------
        InvalidParameterError
            If the rule is not :func:`backward_fading`.
        """
        if not isinstance(self.rule, BackwardFading):
            raise InvalidParameterError(f"worked_steps needs a backward_fading rule; got {self.rule!r}", value=self.rule)
        worked = int(self.level)
        return tuple(step < worked for step in range(self.rule.n_steps))

    def after(self, success: bool, *, mastery: float | None = None) -> Scaffold:
        """The scaffold after one more opportunity with this outcome (a new object).

        Parameters
        ----------
        success : bool
            Whether the learner succeeded.
        mastery : float, optional
            P(mastery) of the goal skill now; required by :func:`mastery_fading`.
        """
        right = _check_success(success)
        value = _check_mastery_value(mastery, self.rule)
        if self.opportunities >= COUNTER_LIMIT:
            raise InvalidParameterError(f"the opportunity counter is at its limit ({COUNTER_LIMIT})", value=self.opportunities)
        opportunities = self.opportunities + 1
        streak = self.streak + 1 if right else 0
        level = self.rule.next_level(self.level, opportunities, streak, right, value)
        return attrs.evolve(
            self,
            level=level,
            opportunities=opportunities,
            successes=self.successes + right,
            failures=self.failures + (not right),
            streak=streak,
            failure_run=0 if right else self.failure_run + 1,
        )

    def advanced(self, steps: int) -> Scaffold:
        """The scaffold after ``steps`` opportunities with no recorded outcome (a new object).

        Opportunity-based rules (linear, exponential, stepwise) fade with the
        clock; outcome- and mastery-driven rules keep their level.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.Scaffold("add", pl.linear_fading(10)).advanced(3).support
        0.7
        """
        steps = check_int(steps, "steps", minimum=0)
        opportunities = self.opportunities + steps
        level = self.rule.at(opportunities) if isinstance(self.rule, _ByOpportunity) else self.level
        return attrs.evolve(self, level=level, opportunities=opportunities)

    def to_dict(self) -> dict[str, Any]:
        """The scaffold as a JSON-ready dict (see :meth:`to_json`)."""
        if isinstance(self.skill, bool) or not isinstance(self.skill, (str, int)):
            raise InvalidParameterError(f"only str and int skill ids can be written to JSON; got {self.skill!r}", value=self.skill)
        data: dict[str, Any] = {"skill": self.skill, "kind": self.kind, "rule": self.rule.to_dict(), "level": self.level}
        data.update({name: getattr(self, name) for name in _COUNTERS})
        data["functions"] = sorted(self.functions)
        return data

    def to_json(self) -> str:
        """The scaffold as a JSON document with a ``"schema"`` field.

        Examples
        --------
        >>> import personalise as pl
        >>> s = pl.Scaffold("add", pl.backward_fading(3), kind="worked example").after(True)
        >>> pl.Scaffold.from_json(s.to_json()) == s
        True
        """
        return json.dumps({"schema": SCAFFOLD_SCHEMA, **self.to_dict()})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scaffold:
        """Rebuild a scaffold from :meth:`to_dict` output."""
        require_fields(data, ("skill", "kind", "rule", "level", *_COUNTERS), "scaffold")
        return cls(
            data["skill"],
            rule_from_dict(data["rule"]),
            kind=data["kind"],
            level=data["level"],
            opportunities=data["opportunities"],
            successes=data["successes"],
            failures=data["failures"],
            streak=data["streak"],
            failure_run=data["failure_run"],
            functions=data.get("functions", ()),
        )

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> Scaffold:
        """Rebuild a scaffold from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            If the document has another schema, lacks a field, or names an
            unknown fading rule.
        """
        return cls.from_dict(load_json_document(document, SCAFFOLD_SCHEMA))


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
        mastery : array_like, shape (n_learners, n_scaffolds), optional
            P(mastery) of each column's goal skill; required when a column
            uses :func:`mastery_fading`.
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


# -------------------------------------------------------------------- audits
@attrs.frozen
class Finding:
    """One problem found by :func:`audit_scaffolds`.

    Parameters
    ----------
    kind : str
        ``"permanent fixture"`` (support that has not faded after many
        opportunities) or ``"struggle"`` (a long run of failures: support
        kept rising).
    learner : hashable
        The learner's id (their row number when no ids were given).
    column : int
        The scaffold's column in the state.
    skill : hashable
        The scaffold's goal skill.
    message : str
        What was found, in words.
    review : tuple of hashable
        For a struggle: the learner's inner-fringe skills that are
        prerequisites of the goal (what to review first), when a graph and
        mastery were given.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.Finding("struggle", "ann", 0, "add", "ann failed 4 times in a row").kind
    'struggle'
    """

    kind: str
    learner: Hashable
    column: int
    skill: Hashable
    message: str
    review: tuple[Hashable, ...] = attrs.field(default=(), converter=_hashable_tuple)


def _ancestors(graph: CompiledGraph, skill: Hashable) -> NDArray[np.bool_]:
    mask = np.zeros(graph.n_skills, dtype=bool)
    frontier = [graph.index_of(skill)]
    while frontier:
        nxt = []
        for v in frontier:
            for u in graph.pred_indices[graph.pred_indptr[v] : graph.pred_indptr[v + 1]].tolist():
                if not mask[u]:
                    mask[u] = True
                    nxt.append(u)
        frontier = nxt
    return mask


def audit_scaffolds(
    state: ScaffoldState,
    *,
    learner_ids: Iterable[Hashable] | None = None,
    max_opportunities: int = 10,
    struggle_after: int = 4,
    graph: CompiledGraph | None = None,
    mastery: Any = None,
    threshold: float = 0.95,
    plan: Mapping[Hashable, Mapping[Hashable, Hashable]] | None = None,
) -> list[Finding]:
    """Look for support that never fades, learners who struggle, and tiered tasks.

    Parameters
    ----------
    state : ScaffoldState
        The cohort's scaffolds.
    learner_ids : sequence of hashable, optional
        One unique id per row (row numbers by default).
    max_opportunities : int, default 10
        A scaffold still giving support after this many opportunities is a
        *permanent fixture*: the lethal mutation of support that never fades.
    struggle_after : int, default 4
        A run of this many failures in a row (support rising each time) is a
        *struggle*: more of the same will not help; review prerequisites.
    graph, mastery : CompiledGraph and array_like, optional
        With both, each struggle finding lists the learner's inner-fringe
        skills that are prerequisites of the goal (see
        :func:`~personalise.inner_fringe`). ``mastery`` has one row per
        learner and one column per skill of ``graph``.
    threshold : float, default 0.95
        Mastery threshold for the inner fringe.
    plan : mapping, optional
        ``{task: {learner: goal skill}}``. A task whose learners hold
        different goals is a tiered task, and the plan is refused.

    Returns
    -------
    list of Finding
        Permanent fixtures first, then struggles, each in learner order.

    Raises
    ------
    InvalidParameterError
        If ``plan`` gives different learners different goals for one task
        (the message names the task, the goals and the learners), or on bad
        options.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> state = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.contingent_fading(levels=3))])
    >>> for _ in range(4):
    ...     state = state.after(np.array([[True], [False]]))
    >>> [(f.kind, f.learner) for f in pl.audit_scaffolds(state, learner_ids=["ann", "bo"], max_opportunities=4)]
    [('permanent fixture', 'bo'), ('struggle', 'bo')]
    >>> try:
    ...     pl.audit_scaffolds(state, plan={"worksheet 3": {"ann": "add", "bo": "count"}})
    ... except pl.InvalidParameterError as err:
    ...     print(err)
    tiered task 'worksheet 3': learners hold different goals ('add' for 'ann'; 'count' for 'bo'); the goal must be the same for everyone, vary the support instead
    """
    if not isinstance(state, ScaffoldState):
        raise InvalidParameterError(f"state must be a ScaffoldState; got {type(state).__name__}", value=state)
    ids = check_learner_ids(learner_ids, state.n_learners)
    limit = check_int(max_opportunities, "max_opportunities", minimum=1)
    run = check_int(struggle_after, "struggle_after", minimum=1)
    if plan is not None:
        _refuse_tiered_tasks(plan)
    fringe = None
    if graph is not None or mastery is not None:
        if graph is None or mastery is None:
            raise InvalidParameterError("graph and mastery go together (both or neither)", value=None)
        from personalise.content import inner_fringe

        fringe = inner_fringe(graph, mastery, threshold=threshold)
        if fringe.shape[0] != state.n_learners:
            raise ShapeError(f"mastery must have one row per learner ({state.n_learners}); got {fringe.shape[0]}", value=fringe.shape)
    findings: list[Finding] = []
    support = state.support
    for i, j in np.argwhere((state.opportunities >= limit) & (support > 0)).tolist():
        findings.append(
            Finding(
                "permanent fixture", ids[i], j, state.skills[j],
                f"{state.kinds[j]} for {state.skills[j]!r} still gives support {support[i, j]:.2f} to {ids[i]!r} "
                f"after {int(state.opportunities[i, j])} opportunities",
            )
        )
    ancestors: dict[Hashable, NDArray[np.bool_]] = {}
    for i, j in np.argwhere(state.failure_run >= run).tolist():
        skill = state.skills[j]
        review: tuple[Hashable, ...] = ()
        if fringe is not None and graph is not None:
            if skill not in ancestors:
                ancestors[skill] = _ancestors(graph, skill)
            review = tuple(graph.skill_ids[s] for s in np.flatnonzero(fringe[i] & ancestors[skill]))
        advice = f"; review {', '.join(map(repr, review))}" if review else "; review its prerequisites"
        findings.append(
            Finding(
                "struggle", ids[i], j, skill,
                f"{ids[i]!r} failed {int(state.failure_run[i, j])} times in a row on {skill!r} "
                f"(support now {support[i, j]:.2f}){advice}",
                review,
            )
        )
    return findings


def _refuse_tiered_tasks(plan: Mapping[Hashable, Mapping[Hashable, Hashable]]) -> None:
    if not isinstance(plan, Mapping):
        raise InvalidParameterError(f"plan must map tasks to {{learner: goal}}; got {plan!r}", value=plan)
    for task, goals in plan.items():
        if not isinstance(goals, Mapping):
            raise InvalidParameterError(f"plan[{task!r}] must map learners to goal skills; got {goals!r}", value=task)
        by_goal: dict[Hashable, list[Hashable]] = {}
        for learner, goal in goals.items():
            by_goal.setdefault(goal, []).append(learner)
        if len(by_goal) > 1:
            detail = "; ".join(f"{goal!r} for {', '.join(map(repr, learners))}" for goal, learners in by_goal.items())
            raise InvalidParameterError(
                f"tiered task {task!r}: learners hold different goals ({detail}); the goal must be the same "
                "for everyone, vary the support instead",
                value=task,
            )
