"""One scaffold: support towards one goal skill that follows a fading rule."""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_id,
    check_int,
    check_json_id,
    check_sequence,
    check_texts,
    load_json_document,
    require_fields,
    writable_id,
)
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.scaffolds.fading import (
    BackwardFading,
    FadingRule,
    _ByOpportunity,
    _rule_from,
)

__all__ = ["KINDS", "WOOD_FUNCTIONS", "Scaffold"]

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
#: Largest value of a history counter (the cohort form reads its counters as int32).
COUNTER_LIMIT = 2**31 - 1

Float = NDArray[np.float64]
Int = NDArray[np.int32]


def _check_skill(skill: object, name: str = "skill") -> Hashable:
    """A goal skill: a hashable id, not None, not NaN."""
    if isinstance(skill, (float, np.floating)) and math.isnan(skill):
        raise InvalidParameterError(f"{name} (a scaffold's goal) must be a skill id; got {skill!r}", value=skill)
    return check_id(skill, f"{name} (a scaffold's goal)")


def _check_kind(kind: object, name: str = "kind") -> str:
    if not isinstance(kind, str) or not kind.strip():
        raise InvalidParameterError(f"{name} must be a non-empty string (e.g. one of {KINDS}); got {kind!r:.80}",
                                    value=kind)
    return kind


def _check_rule(rule: object, name: str = "rule") -> FadingRule:
    if not isinstance(rule, FadingRule):
        raise InvalidParameterError(
            f"{name} must be a fading rule (a scaffold needs one: linear_fading, exponential_fading, stepwise_fading, "
            f"contingent_fading, backward_fading or mastery_fading); got {rule!r:.80}",
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


def _sequence(values: object, name: str) -> list[Any]:
    """The items of a 1-D sequence (a list, tuple, 1-D array...), or an error naming ``name``."""
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise InvalidParameterError(f"{name} must be a 1-D sequence; got an array of shape {values.shape}",
                                    value=values.shape)
    return check_sequence(values, name) or []


def _function_set(values: Iterable[str]) -> frozenset[str]:
    """The scaffolding functions: strings among :data:`WOOD_FUNCTIONS`."""
    names = frozenset(check_texts(_sequence(values, "functions"), "functions"))
    unknown = names - set(WOOD_FUNCTIONS)
    if unknown:
        first = min(unknown)
        raise InvalidParameterError(f"functions: unknown scaffolding function {first!r:.80}; expected some of "
                                    f"{WOOD_FUNCTIONS}", value=first)
    return names


def _counter(name: str) -> Any:
    def check(value: object) -> int:
        result = check_int(value, name, minimum=0)
        if result > COUNTER_LIMIT:
            raise InvalidParameterError(f"{name} must be at most {COUNTER_LIMIT}; got {result}", value=result)
        return result

    return attrs.field(default=0, converter=check)


def _level_grid(value: Any) -> Float:
    """``value`` as a new float64 array of finite levels, for the cohort form."""
    return np.array(as_array(value, "level", kinds="iuf", dtype=np.float64, finite=True), copy=True)


def _counter_grid(value: Any, name: str) -> NDArray[Any]:
    """``value`` as an array of whole numbers in [0, COUNTER_LIMIT], for the cohort form (not yet copied)."""
    raw = as_array(value, name, kinds="iuf")
    if not raw.size:
        return raw.astype(np.int32)
    if raw.dtype.kind == "f" and raw.dtype != np.float64:
        raw = raw.astype(np.float64)  # COUNTER_LIMIT does not fit a narrower float
    bad = np.flatnonzero(~((raw == np.round(raw)) & (raw >= 0) & (raw <= COUNTER_LIMIT)).reshape(-1))
    if bad.size:
        item = raw.reshape(-1)[bad[0]].item()
        where = np.unravel_index(int(bad[0]), raw.shape) if raw.ndim else ()
        raise InvalidParameterError(
            f"{name} must hold whole numbers in [0, {COUNTER_LIMIT}]; got {item!r} at {tuple(int(x) for x in where)}",
            value=item,
        )
    return raw


def _bool_array(values: Any, name: str, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    array = values if isinstance(values, np.ndarray) else as_array(values, name, kinds="biufcOUSMmV")
    if array.shape != shape:
        raise ShapeError(f"{name} must have shape {shape}; got {array.shape}", value=array.shape)
    if array.dtype == np.bool_:
        return np.ascontiguousarray(array, dtype=np.bool_)
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
    raw = values if isinstance(values, np.ndarray) else as_array(values, "mastery", kinds="biufcOUSMmV")
    if raw.dtype.kind not in "biuf":
        raise InvalidParameterError(f"mastery must hold numbers in [0, 1]; got dtype {raw.dtype}", value=raw.dtype)
    array = np.asarray(raw, dtype=np.float64)
    if array.shape != shape:
        raise ShapeError(f"mastery must have shape {shape}; got {array.shape}", value=array.shape)
    bad = np.argwhere(~((array >= 0.0) & (array <= 1.0)))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise InvalidParameterError(f"mastery must lie in [0, 1]; got {float(array[i, j])!r} at ({i}, {j})", value=float(array[i, j]))
    return array


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

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type or value (a NaN or unhashable skill,
        no fading rule, an empty kind, a level this rule cannot hold, a
        negative or too large counter, an unknown function); the message
        names the field.

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
        failure_run = 0 if right else self.failure_run + 1
        for name, count in (("streak", streak), ("failure_run", failure_run)):  # not bounded by opportunities
            if count > COUNTER_LIMIT:
                raise InvalidParameterError(f"{name} must be at most {COUNTER_LIMIT}; got {count}", value=count)
        level = self.rule.next_level(self.level, opportunities, streak, right, value)
        return self._evolved(
            level=float(level),
            opportunities=opportunities,
            successes=self.successes + right,
            failures=self.failures + (not right),
            streak=streak,
            failure_run=failure_run,
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
        steps = check_int(steps, "steps", minimum=0, maximum=COUNTER_LIMIT - self.opportunities)
        opportunities = self.opportunities + steps
        level = self.rule.at(opportunities) if isinstance(self.rule, _ByOpportunity) else self.level
        return self._evolved(level=float(level), opportunities=opportunities)

    def _evolved(self, **changes: Any) -> Scaffold:
        """A copy with ``changes``, trusted: values computed from this (checked) scaffold skip the converters."""
        new = object.__new__(self.__class__)
        for name in _FIELDS:
            object.__setattr__(new, name, changes[name] if name in changes else getattr(self, name))
        return new

    def to_dict(self) -> dict[str, Any]:
        """The scaffold as a JSON-ready dict (see :meth:`to_json`)."""
        data: dict[str, Any] = {"skill": writable_id(self.skill), "kind": self.kind, "rule": self.rule.to_dict(), "level": self.level}
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
        """Rebuild a scaffold from :meth:`to_dict` output.

        Raises
        ------
        InvalidParameterError
            If ``data`` is not a mapping, lacks a field, or has a bad field
            (the message names it), such as an unknown fading rule.
        """
        return cls._from_mapping(data, "data")

    @classmethod
    def _from_mapping(cls, data: object, name: str) -> Scaffold:
        """:meth:`from_dict`, naming ``name`` (the caller's parameter) when ``data`` is not a scaffold document."""
        if not isinstance(data, Mapping):
            raise InvalidParameterError(f"{name} must be a scaffold document (a JSON object); got {data!r:.80}", value=data)
        require_fields(data, ("skill", "kind", "rule", "level", *_COUNTERS), f"{name}: the scaffold")
        return cls(
            check_json_id(data["skill"], "field 'skill' of the scaffold document"),
            _rule_from(data["rule"], "field 'rule' of the scaffold document"),
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
        return cls._from_mapping(load_json_document(document, SCAFFOLD_SCHEMA), "document")


_FIELDS = tuple(field.name for field in attrs.fields(Scaffold))
