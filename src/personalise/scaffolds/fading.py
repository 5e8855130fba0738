"""Fading rules: how a scaffold's support falls as a learner succeeds.

Every rule keeps one number per scaffold and learner, its *level*, and maps
it to a support in [0, 1]. Each rule has a scalar form (plain Python, used by
:class:`~personalise.Scaffold`) and a vectorised form (NumPy, used by
:class:`~personalise.ScaffoldState`); tests check that the two agree.
"""

from __future__ import annotations

import abc
import math
import numbers
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import as_array
from personalise.exceptions import InvalidParameterError

__all__ = [
    "BackwardFading",
    "ContingentFading",
    "ExponentialFading",
    "FadingRule",
    "LinearFading",
    "MasteryFading",
    "StepwiseFading",
    "backward_fading",
    "contingent_fading",
    "exponential_fading",
    "linear_fading",
    "mastery_fading",
    "rule_from_dict",
    "stepwise_fading",
]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


def _positive_int(value: object, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or int(value) < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}", value=value)
    return int(value)


def _number(value: object, name: str, *, low: float, high: float, open_low: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a number; got {value!r}", value=value)
    result = float(value)
    if not ((result > low if open_low else result >= low) and result <= high):
        raise InvalidParameterError(f"{name} must lie in {'(' if open_low else '['}{low}, {high}]; got {value!r}", value=value)
    return result


def _opportunities(value: object) -> int:
    return _positive_int(value, "opportunities")


def _half_life(value: object) -> float:
    result = _number(value, "half_life", low=0.0, high=math.inf, open_low=True)
    if not math.isfinite(result):
        raise InvalidParameterError(f"half_life must be finite (support that never fades); got {value!r}", value=value)
    return result


def _floor(value: object) -> float:
    return _number(value, "floor", low=0.0, high=1.0, open_low=True)


def _every(value: object) -> int:
    return _positive_int(value, "every")


def _n_levels(value: object) -> int:
    return _positive_int(value, "levels")


def _start_level(value: object, levels: int, name: str) -> int:
    level = _positive_int(value, name, minimum=0)
    if level > levels:
        raise InvalidParameterError(f"{name} must lie in [0, levels={levels}]; got {level}", value=level)
    return level


def _fade_after(value: object) -> int:
    return _positive_int(value, "fade_after")


def _n_steps(value: object) -> int:
    return _positive_int(value, "n_steps")


def _full(value: object) -> float:
    return _number(value, "full", low=0.0, high=1.0)


def _none(value: object) -> float:
    return _number(value, "none", low=0.0, high=1.0)


@attrs.frozen
class FadingRule(abc.ABC):
    """Base class of the fading rules (build them with the factory functions).

    ``uses_outcome``: the level moves with successes and failures;
    ``uses_mastery``: the level follows the learner model's P(mastery);
    otherwise it follows the count of opportunities. A rule implements
    ``_supports`` (the vectorised map from levels to support, on arrays
    already checked); :meth:`supports` checks its input and calls it.
    """

    name: ClassVar[str] = ""
    uses_outcome: ClassVar[bool] = False
    uses_mastery: ClassVar[bool] = False

    @abc.abstractmethod
    def start(self) -> float:
        """The level before the first opportunity."""

    @abc.abstractmethod
    def support(self, level: float) -> float:
        """Support in [0, 1] at ``level`` (scalar form)."""

    @abc.abstractmethod
    def _supports(self, level: Float) -> Float:
        """Support at each level of a float64 array (vectorised form, no checks; may return ``level``)."""

    def supports(self, level: Any) -> Float:
        """Support in [0, 1] at each level (vectorised form): a new float64 array of ``level``'s shape.

        Raises
        ------
        InvalidParameterError
            If ``level`` does not hold real numbers (booleans are not
            levels), holds NaN or an infinity, or holds a level this rule
            cannot hold (support outside [0, 1], or not a whole rung of a
            ladder); the message names ``level`` and the first such value.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.linear_fading(4).supports([1.0, 0.5]).tolist()
        [1.0, 0.5]
        >>> pl.contingent_fading(levels=4).supports([[4, 2], [1, 0]]).tolist()
        [[1.0, 0.5], [0.25, 0.0]]
        """
        levels = as_array(level, "level", kinds="iuf", dtype=np.float64, finite=True)
        support = self._supports(levels)
        self._check_support(levels, support)
        if np.may_share_memory(support, levels) or np.may_share_memory(support, level):
            support = support.copy()
        return support

    @abc.abstractmethod
    def next_level(self, level: float, opportunities: int, streak: int, success: bool, mastery: float | None) -> float:
        """Level after one more opportunity (scalar form); counters are the values after it."""

    @abc.abstractmethod
    def next_levels(self, level: Float, opportunities: Int, streak: Int, success: Bool, mastery: Float | None) -> Float:
        """Level after one more opportunity (vectorised form)."""

    def to_dict(self) -> dict[str, Any]:
        """The rule as a JSON-ready dict with its ``"rule"`` name."""
        return {"rule": self.name, **attrs.asdict(self)}

    def check_levels(self, levels: Float) -> None:
        """Raise unless every level is one this rule can hold (support in [0, 1], whole rungs of a ladder)."""
        self._check_support(levels, self._supports(levels))

    def _check_support(self, levels: Float, support: Float) -> None:
        """Raise unless every support is in [0, 1] (NaN is not); a ladder also wants whole rungs."""
        bad = np.flatnonzero(~((support >= 0.0) & (support <= 1.0)))
        if bad.size:
            value = float(levels.reshape(-1)[bad[0]])
            shown = float(support.reshape(-1)[bad[0]])
            raise InvalidParameterError(f"level {value!r} gives support {shown!r} outside [0, 1] for {self!r}", value=value)


# ------------------------------------------------------------ by opportunity
@attrs.frozen
class _ByOpportunity(FadingRule):
    """Rules whose level is a function of the number of opportunities alone."""

    def start(self) -> float:
        return self.at(0)

    @abc.abstractmethod
    def at(self, opportunities: int) -> float:
        """Level after ``opportunities`` opportunities."""

    @abc.abstractmethod
    def at_many(self, opportunities: Int) -> Float:
        """Level after each number of opportunities."""

    def support(self, level: float) -> float:
        return level

    def _supports(self, level: Float) -> Float:
        return level

    def next_level(self, level: float, opportunities: int, streak: int, success: bool, mastery: float | None) -> float:
        return self.at(opportunities)

    def next_levels(self, level: Float, opportunities: Int, streak: Int, success: Bool, mastery: Float | None) -> Float:
        return self.at_many(opportunities)


@attrs.frozen
class LinearFading(_ByOpportunity):
    """Support falls linearly to 0 over ``opportunities`` opportunities (see :func:`linear_fading`)."""

    name: ClassVar[str] = "linear"
    opportunities: int = attrs.field(converter=_opportunities)

    def at(self, opportunities: int) -> float:
        return max(0.0, 1.0 - opportunities / self.opportunities)

    def at_many(self, opportunities: Int) -> Float:
        return np.maximum(0.0, 1.0 - opportunities / self.opportunities)


@attrs.frozen
class ExponentialFading(_ByOpportunity):
    """Support halves every ``half_life`` opportunities, and is 0 below ``floor`` (see :func:`exponential_fading`)."""

    name: ClassVar[str] = "exponential"
    half_life: float = attrs.field(converter=_half_life)
    floor: float = attrs.field(default=0.05, converter=_floor)

    @property
    def last(self) -> int:
        """The last opportunity count with support at or above ``floor`` (after it, support is 0)."""
        # -log2(floor), not log2(1 / floor): 1 / floor overflows for the smallest floors
        steps = -self.half_life * math.log2(self.floor) + 1e-9
        return math.floor(steps) if steps < 2**62 else 2**62

    def at(self, opportunities: int) -> float:
        # the same NumPy power as at_many, so both forms give the same bits
        return float(self.at_many(np.array([opportunities], dtype=np.int64))[0])

    def at_many(self, opportunities: Int) -> Float:
        return np.where(opportunities <= self.last, 0.5 ** (opportunities / self.half_life), 0.0)


def _levels(value: Any) -> tuple[float, ...]:
    try:
        levels = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"levels must be a sequence of numbers; got {value!r}", value=value) from None
    if not levels or any(not 0.0 <= v <= 1.0 for v in levels) or any(b > a for a, b in zip(levels, levels[1:])):
        raise InvalidParameterError(f"levels must be non-increasing supports in [0, 1]; got {value!r}", value=value)
    if levels[-1] != 0.0:
        raise InvalidParameterError(f"levels must end at 0 (support that never fades); got {value!r}", value=value)
    return levels


@attrs.frozen
class StepwiseFading(_ByOpportunity):
    """Support steps down through ``levels`` every ``every`` opportunities (see :func:`stepwise_fading`)."""

    name: ClassVar[str] = "stepwise"
    every: int = attrs.field(converter=_every)
    levels: tuple[float, ...] = attrs.field(default=(1.0, 0.5, 0.25, 0.0), converter=_levels)

    def at(self, opportunities: int) -> float:
        return self.levels[min(opportunities // self.every, len(self.levels) - 1)]

    def at_many(self, opportunities: Int) -> Float:
        table = np.array(self.levels)
        return table[np.minimum(opportunities // self.every, table.size - 1)]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.name, "every": self.every, "levels": list(self.levels)}


# ----------------------------------------------------------------- by outcome
class _Ladder(FadingRule):
    """Rules whose level is a whole rung of a ladder from 0 to ``top``, moved by outcomes.

    A success steps down one rung when :meth:`fades` says so; a failure steps
    up one rung when ``climbs`` is true. Support is ``level / top``.
    """

    uses_outcome: ClassVar[bool] = True

    @property
    @abc.abstractmethod
    def top(self) -> int:
        """The highest rung (full support)."""

    @property
    def climbs(self) -> bool:
        """Whether a failure brings back one rung of support."""
        return True

    def fades(self, streak: int) -> bool:
        """Whether a success that makes a run of ``streak`` successes steps down."""
        return True

    def fades_many(self, streak: Int) -> Bool | bool:
        """:meth:`fades` for many runs at once."""
        return True

    def support(self, level: float) -> float:
        return level / self.top

    def _supports(self, level: Float) -> Float:
        return level / self.top

    def _check_support(self, levels: Float, support: Float) -> None:
        super()._check_support(levels, support)
        bad = np.flatnonzero(levels.reshape(-1) != np.round(levels.reshape(-1)))
        if bad.size:
            value = float(levels.reshape(-1)[bad[0]])
            raise InvalidParameterError(f"level must be a whole rung for {self!r}; got {value!r}", value=value)

    def next_level(self, level: float, opportunities: int, streak: int, success: bool, mastery: float | None) -> float:
        if success:
            return max(0.0, level - 1.0) if self.fades(streak) else level
        return min(float(self.top), level + 1.0) if self.climbs else level

    def next_levels(self, level: Float, opportunities: Int, streak: Int, success: Bool, mastery: Float | None) -> Float:
        fades = self.fades_many(streak)
        if fades is True and self.climbs:  # one rung down on success, one up on failure, then clip
            new: Float = np.multiply(success, -2.0)
            new += 1.0
            new += level
            np.clip(new, 0.0, float(self.top), out=new)
            return new
        stepped: Float = level - (success & (level > 0) & fades)
        if self.climbs:
            stepped += ~success & (level < self.top)
        return stepped


@attrs.frozen
class ContingentFading(_Ladder):
    """Wood's contingent shift rule on a ladder of ``levels`` (see :func:`contingent_fading`)."""

    name: ClassVar[str] = "contingent"
    levels: int = attrs.field(default=5, converter=_n_levels)
    fade_after: int = attrs.field(default=1, converter=_fade_after)
    start_level: int | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.start_level is not None:
            object.__setattr__(self, "start_level", _start_level(self.start_level, self.levels, "start_level"))

    @property
    def top(self) -> int:
        return self.levels

    def start(self) -> float:
        return float(self.levels if self.start_level is None else self.start_level)

    def fades(self, streak: int) -> bool:
        return streak % self.fade_after == 0

    def fades_many(self, streak: Int) -> Bool | bool:
        return True if self.fade_after == 1 else np.asarray(streak % self.fade_after == 0)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.name, "levels": self.levels, "fade_after": self.fade_after, "start": self.start_level}


@attrs.frozen
class BackwardFading(_Ladder):
    """Backward fading of a worked example with ``n_steps`` steps (see :func:`backward_fading`)."""

    name: ClassVar[str] = "backward"
    n_steps: int = attrs.field(converter=_n_steps)
    reinstate: bool = attrs.field(default=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.reinstate, (bool, np.bool_)):
            raise InvalidParameterError(f"reinstate must be True or False; got {self.reinstate!r}", value=self.reinstate)

    @property
    def top(self) -> int:
        return self.n_steps

    @property
    def climbs(self) -> bool:
        return bool(self.reinstate)

    def start(self) -> float:
        return float(self.n_steps)  # level = steps still worked for the learner

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.name, "n_steps": self.n_steps, "reinstate": bool(self.reinstate)}


@attrs.frozen
class MasteryFading(FadingRule):
    """Support falls as P(mastery) of the goal skill rises (see :func:`mastery_fading`)."""

    name: ClassVar[str] = "mastery"
    uses_mastery: ClassVar[bool] = True
    full: float = attrs.field(default=0.3, converter=_full)
    none: float = attrs.field(default=0.95, converter=_none)

    def __attrs_post_init__(self) -> None:
        if not self.full < self.none:
            raise InvalidParameterError(f"full must be below none; got full={self.full}, none={self.none}", value=self.full)

    def start(self) -> float:
        return 1.0

    def support(self, level: float) -> float:
        return level

    def _supports(self, level: Float) -> Float:
        return level

    def from_mastery(self, mastery: float) -> float:
        return min(1.0, max(0.0, (self.none - mastery) / (self.none - self.full)))

    def next_level(self, level: float, opportunities: int, streak: int, success: bool, mastery: float | None) -> float:
        assert mastery is not None
        return self.from_mastery(mastery)

    def next_levels(self, level: Float, opportunities: Int, streak: Int, success: Bool, mastery: Float | None) -> Float:
        assert mastery is not None
        return np.clip((self.none - mastery) / (self.none - self.full), 0.0, 1.0)


# ----------------------------------------------------------------- factories
def linear_fading(opportunities: int) -> LinearFading:
    """Support falls in equal steps from 1 to 0 over ``opportunities`` opportunities.

    ``support = max(0, 1 - t / opportunities)`` after ``t`` opportunities,
    whatever their outcome.

    Examples
    --------
    >>> import personalise as pl
    >>> rule = pl.linear_fading(4)
    >>> rule
    LinearFading(opportunities=4)
    >>> [pl.Scaffold("add", rule).advanced(t).support for t in range(6)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    return LinearFading(opportunities)


def exponential_fading(half_life: float, *, floor: float = 0.05) -> ExponentialFading:
    """Support halves every ``half_life`` opportunities and snaps to 0 below ``floor``.

    Examples
    --------
    >>> import personalise as pl
    >>> [round(pl.Scaffold("add", pl.exponential_fading(2)).advanced(t).support, 3) for t in (0, 2, 4, 9)]
    [1.0, 0.5, 0.25, 0.0]
    """
    return ExponentialFading(half_life, floor)


def stepwise_fading(every: int, *, levels: tuple[float, ...] = (1.0, 0.5, 0.25, 0.0)) -> StepwiseFading:
    """Support steps down through ``levels`` (ending at 0) every ``every`` opportunities.

    Examples
    --------
    >>> import personalise as pl
    >>> [pl.Scaffold("add", pl.stepwise_fading(2)).advanced(t).support for t in range(7)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.0]
    """
    return StepwiseFading(every, levels)


def contingent_fading(*, levels: int = 5, fade_after: int = 1, start: int | None = None) -> ContingentFading:
    """Wood's contingent shift rule: less help after success, more after failure.

    The level starts at ``levels`` (or ``start``), goes down one after every
    ``fade_after`` consecutive successes and up one after a failure, and stays
    in ``[0, levels]``; support is ``level / levels``. From level ``s`` support
    reaches 0 after exactly ``s`` successes (``fade_after=1``), and a failure at
    level 0 brings back level 1.

    Examples
    --------
    >>> import personalise as pl
    >>> s = pl.Scaffold("fractions", pl.contingent_fading(levels=5, start=4))
    >>> for success in (True, True, True, True):
    ...     s = s.after(success)
    >>> s.level, s.support
    (0.0, 0.0)
    >>> s.after(False).level
    1.0
    """
    rule = ContingentFading(levels, fade_after)
    if start is None:
        return rule
    return ContingentFading(rule.levels, rule.fade_after, _start_level(start, rule.levels, "start"))


def backward_fading(n_steps: int, *, reinstate: bool = True) -> BackwardFading:
    """Backward fading of a worked example with ``n_steps`` solution steps.

    At first every step is worked for the learner. After each success one
    more step, counted from the end, is left for the learner to do; after a
    failure one step is worked again (unless ``reinstate=False``). Support is
    the share of steps still worked (Renkl et al. 2002: backward fading beats
    forward fading for near transfer).

    Examples
    --------
    >>> import personalise as pl
    >>> s = pl.Scaffold("long_division", pl.backward_fading(4), kind="worked example")
    >>> s.after(True).after(True).worked_steps
    (True, True, False, False)
    """
    return BackwardFading(n_steps, reinstate)


def mastery_fading(*, full: float = 0.3, none: float = 0.95) -> MasteryFading:
    """Support follows the learner model: full below ``full`` P(mastery), none from ``none`` on.

    ``support = clip((none - m) / (none - full), 0, 1)`` for P(mastery) ``m``
    of the goal skill: non-increasing in mastery, as expertise reversal
    requires (Kalyuga et al. 2003).

    Examples
    --------
    >>> import personalise as pl
    >>> s = pl.Scaffold("add", pl.mastery_fading())
    >>> [round(s.after(True, mastery=m).support, 2) for m in (0.2, 0.625, 0.95)]
    [1.0, 0.5, 0.0]
    """
    return MasteryFading(full, none)


_RULES: dict[str, type[FadingRule]] = {
    cls.name: cls for cls in (LinearFading, ExponentialFading, StepwiseFading, ContingentFading, BackwardFading, MasteryFading)
}


def rule_from_dict(data: Mapping[str, Any]) -> FadingRule:
    """Rebuild a rule from :meth:`FadingRule.to_dict` output.

    Raises
    ------
    InvalidParameterError
        If ``data`` is not a mapping, for an unknown ``"rule"`` name, or for
        missing, unknown or bad fields (the message names ``data`` and the
        field).

    Examples
    --------
    >>> from personalise.scaffolds import rule_from_dict
    >>> rule_from_dict({"rule": "linear", "opportunities": 4})
    LinearFading(opportunities=4)
    """
    return _rule_from(data, "data")


def _rule_from(data: object, where: str) -> FadingRule:
    """:func:`rule_from_dict` with ``where`` (the parameter or document field read) named in every error."""
    if not isinstance(data, Mapping) or "rule" not in data:
        raise InvalidParameterError(f"{where} must be a fading rule: a JSON object with a 'rule' name; got {data!r:.80}",
                                    value=data)
    name = data["rule"]
    if not isinstance(name, str) or name not in _RULES:
        raise InvalidParameterError(f"{where}: unknown fading rule {name!r:.80}; expected one of {sorted(_RULES)}",
                                    value=name)
    fields = {k: v for k, v in data.items() if k != "rule"}
    if name == "contingent" and "start" in fields:
        fields["start_level"] = fields.pop("start")
    try:
        return _RULES[name](**fields)
    except InvalidParameterError as err:  # a bad field, named in the message
        raise InvalidParameterError(f"{where} (a {name!r} fading rule): {err}", value=err.value) from None
    except TypeError as err:  # a missing or unknown field
        raise InvalidParameterError(f"{where}: bad fields for fading rule {name!r}: {err}", value=dict(data)) from None


# ------------------------------------------------------------- level codes
#: Most entries of a level table (:func:`_coding`): its codes then fit ``uint16`` with room for one rung more.
TABLE_LIMIT = 65_535


def _frozen_table(values: Any) -> Float:
    table = np.array(values, dtype=np.float64)
    table.flags.writeable = False
    return table


@attrs.frozen(eq=False)
class _Coding:
    """How the cohort form stores one rule's levels: ``level = levels[code]``, ``support = supports[code]``.

    ``ladder``: the code is the rung, ``0 .. cap``, moved by outcomes (one
    down after a success when the run of successes is a multiple of
    ``fade_after``, one up after a failure when ``climbs``). Otherwise the
    code is the rule's clock, ``min(opportunities // every, cap)``: the level
    is a function of the opportunity count that stops changing at ``cap``.
    """

    levels: Float
    supports: Float
    ladder: bool
    every: int = 1
    cap: int = 0
    climbs: bool = True
    fade_after: int = 1


def _coding(rule: FadingRule) -> _Coding | None:
    """The code table of ``rule``, or None when the cohort form keeps its levels as float64.

    Only this module's rule classes are coded (a subclass may redefine its
    levels), and only when the table has at most :data:`TABLE_LIMIT` entries.
    The tables are made with each rule's own vectorised form, so a level read
    from its code has exactly the bits the rule computes.
    """
    kind = type(rule)
    if kind is ContingentFading or kind is BackwardFading:
        assert isinstance(rule, _Ladder)
        if rule.top + 1 > TABLE_LIMIT:
            return None
        levels = _frozen_table(np.arange(rule.top + 1))
        fade_after = rule.fade_after if isinstance(rule, ContingentFading) else 1
        return _Coding(levels, _frozen_table(rule._supports(levels)), True, cap=rule.top, climbs=rule.climbs, fade_after=fade_after)
    if kind is StepwiseFading:
        assert isinstance(rule, StepwiseFading)
        if len(rule.levels) > TABLE_LIMIT:
            return None
        levels = _frozen_table(rule.levels)
        return _Coding(levels, levels, False, every=rule.every, cap=len(rule.levels) - 1)
    if kind is LinearFading:
        assert isinstance(rule, LinearFading)
        cap = rule.opportunities
    elif kind is ExponentialFading:
        assert isinstance(rule, ExponentialFading)
        try:
            cap = rule.last + 1
        except OverflowError:  # a half-life too long to count the clock
            return None
    else:
        return None
    if cap + 1 > TABLE_LIMIT:
        return None
    levels = _frozen_table(rule.at_many(np.arange(cap + 1, dtype=np.int64)))
    return _Coding(levels, levels, False, cap=cap)
