"""Shared pieces of the built-in policies: validators, progress, fading ladders, class arithmetic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import number_in
from personalise.exceptions import InvalidParameterError
from personalise.scaffolds.fading import FadingRule
from personalise.simulation.protocol import PolicySetting

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]


# ----------------------------------------------------------------- checkers
def _whole(minimum: int, maximum: int | None = None) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
            raise InvalidParameterError(f"{attribute.name} must be an integer >= {minimum}; got {value!r:.80}",
                                        value=value)
        if maximum is not None and value > maximum:
            raise InvalidParameterError(f"{attribute.name} must be at most {maximum}; got {value!r}", value=value)

    return check


def _support_option(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, FadingRule):
        if value.uses_mastery:
            raise InvalidParameterError(
                f"{attribute.name}: a rule that follows P(mastery) ({value!r}) needs a learner model the "
                "scaffold policies do not keep; use a contingent or opportunity-based rule",
                value=value,
            )
        return
    number_in(0.0, 1.0)(instance, attribute, value)


def _rule_field(default: FadingRule) -> Any:
    return attrs.field(default=default, validator=_support_option)


# ---------------------------------------------------------- shared helpers
def _class_quantile(values: Int, labels: Int, n_labels: int, q: float) -> Int:
    """The lower ``q``-quantile of ``values`` within each label (0 for empty labels)."""
    order = np.lexsort((values, labels))
    sizes = np.bincount(labels, minlength=n_labels)
    starts = np.cumsum(sizes) - sizes
    picks = starts + np.floor((np.maximum(sizes, 1) - 1) * q).astype(np.intp)
    out = np.zeros(n_labels, dtype=np.intp)
    filled = sizes > 0
    out[filled] = values[order][picks[filled]]
    return out


def _ranks_within(values: Int, labels: Int, n_labels: int) -> tuple[Int, Int]:
    """Rank of each learner within its label (ties by position) and the label sizes."""
    order = np.lexsort((values, labels))
    sizes = np.bincount(labels, minlength=n_labels)
    starts = np.cumsum(sizes) - sizes
    rank = np.empty(values.shape[0], dtype=np.intp)
    rank[order] = np.arange(values.shape[0]) - starts[labels[order]]
    return rank, sizes


def _tasks(sequence: Int, position: Int) -> Int:
    """Columns at the given sequence positions; -1 past the end."""
    out = np.full(position.shape[0], -1, dtype=np.intp)
    inside = position < sequence.shape[0]
    out[inside] = sequence[position[inside]]
    return out


class _Progress:
    """Each learner's next step in the sequence, moved on by exit questions.

    A learner moves past a skill after ``advance_after`` consecutive correct
    exit questions on it (the N-consecutive-correct mastery criterion).
    """

    def __init__(self, setting: PolicySetting, advance_after: int) -> None:
        self.sequence = setting.sequence
        self.position = setting.known.copy()
        self.streak = np.zeros(setting.n_learners, dtype=np.intp)
        self.advance_after = advance_after

    def next_skill(self) -> Int:
        return _tasks(self.sequence, self.position)

    def observe(self, skill: Int, exit_question: Bool) -> Bool:
        """Update from the exit questions; returns who moved on."""
        own = (skill >= 0) & (skill == self.next_skill())
        self.streak = np.where(own, np.where(exit_question, self.streak + 1, 0), self.streak)
        moved: Bool = own & (self.streak >= self.advance_after)
        self.position += moved
        self.streak[moved] = 0
        return moved


class _Ladder:
    """A fading rule's state for one task per learner (reset when the task changes)."""

    def __init__(self, rule: FadingRule, n: int) -> None:
        self.rule = rule
        self.level = np.full(n, rule.start())
        self.opportunities = np.zeros(n, dtype=np.intp)
        self.streak = np.zeros(n, dtype=np.intp)

    def support(self) -> Float:
        return np.asarray(self.rule._supports(self.level), dtype=np.float64)

    def after(self, active: Bool, success: Bool) -> None:
        opportunities: Int = self.opportunities + active
        streak: Int = np.where(active, np.where(success, self.streak + 1, 0), self.streak)
        level = self.rule.next_levels(self.level, opportunities, streak, success, None)
        self.level = np.where(active, level, self.level)
        self.opportunities, self.streak = opportunities, streak

    def reset(self, who: Bool) -> None:
        self.level[who] = self.rule.start()
        self.opportunities[who] = 0
        self.streak[who] = 0


def _float_tuple(value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable) or (
            isinstance(value, np.ndarray) and value.ndim != 1):
        raise InvalidParameterError(f"track_quality must be a sequence of numbers; got {value!r:.80}", value=value)
    items = list(value)
    for item in items:  # real numbers only: no bool, complex, text or nested sequence
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, float, np.integer, np.floating)):
            raise InvalidParameterError(f"track_quality must be a sequence of numbers; got {item!r:.80} in it",
                                        value=item)
    return tuple(float(x) for x in items)


def _zeros(n: int) -> Float:
    return np.zeros(n, dtype=np.float64)


# ------------------------------------------------------------- base class
class _PolicyBase:
    name: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """The policy as a JSON-ready dict with its ``"policy"`` name (see :func:`policy_from_dict`)."""
        fields: dict[str, Any] = {}
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            fields[field.name] = value.to_dict() if isinstance(value, FadingRule) else (
                list(value) if isinstance(value, tuple) else value
            )
        return {"policy": self.name, **fields}
