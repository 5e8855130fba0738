"""Verification on an equivalent question: did the adjustment work (part of :mod:`personalise.teaching`)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs

from personalise._validation import check_texts, is_flag, number_in
from personalise.exceptions import InvalidParameterError
from personalise.teaching.diagnosis import (
    Diagnosis,
    _freeze_prevalence,
    _str_tuple,
)
from personalise.teaching.diagnosis import _check_skill as _skill

__all__ = [
    "Verification",
    "verify",
]


# -------------------------------------------------------------- verification
def _targeted(values: Any) -> tuple[str, ...]:
    return _str_tuple(values, "targeted")


def _check_skill(instance: object, attribute: object, skill: Hashable) -> None:
    _skill(skill)


@attrs.frozen(repr=False)
class Verification:
    """Whether an adjustment worked, from a second, equivalent hinge question (see :func:`verify`).

    Parameters
    ----------
    skill : hashable
        The skill both questions check.
    p_know_before, p_know_after : float
        Guess-corrected share who know the skill, before and after.
    prevalence : mapping of str to (float, float)
        Each misconception both questions can reveal -> (before, after)
        share of those who answered holding it.
    targeted : tuple of str
        The misconceptions the adjustment addressed.
    worked : bool
        ``p_know`` rose and every targeted prevalence fell (or stayed at 0).

    Examples
    --------
    >>> from personalise.teaching import Verification
    >>> v = Verification("s", 0.2, 0.6, {"m": (0.5, 0.1)}, ("m",), True)
    >>> round(v.change, 2)
    0.4
    """

    skill: Hashable = attrs.field(validator=_check_skill)
    p_know_before: float = attrs.field(validator=number_in(0.0, 1.0))
    p_know_after: float = attrs.field(validator=number_in(0.0, 1.0))
    prevalence: Mapping[str, tuple[float, float]] = attrs.field(converter=_freeze_prevalence, hash=False)
    targeted: tuple[str, ...] = attrs.field(converter=_targeted)
    worked: bool = attrs.field(validator=is_flag)

    @property
    def change(self) -> float:
        """Change in ``p_know`` (after minus before)."""
        return self.p_know_after - self.p_know_before

    def __repr__(self) -> str:
        shares = ", ".join(f"{label!r}: {a:.2f} -> {b:.2f}" for label, (a, b) in self.prevalence.items())
        return (
            f"Verification(skill={self.skill!r}, p_know={self.p_know_before:.2f} -> {self.p_know_after:.2f} "
            f"({self.change:+.2f}), prevalence={{{shares}}}, targeted={self.targeted!r}, worked={self.worked})"
        )

    __str__ = __repr__


def _same_text(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return False
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def verify(before: Diagnosis, after: Diagnosis, *, targeted: Iterable[str] | None = None) -> Verification:
    """Did the adjustment work? Compare diagnoses from two equivalent questions.

    The cycle closes only with new evidence from a *different* question on
    the same skill: re-asking the same item measures memory of the answer
    (DOMAIN.md 3.1).

    Parameters
    ----------
    before, after : Diagnosis
        From the hinge question that led to the adjustment, and from an
        equivalent (isomorphic) question asked afterwards.
    targeted : iterable of str, optional
        The misconceptions the adjustment addressed (e.g.
        ``decide(before).groups_by``). Default: every misconception someone
        held before.

    Returns
    -------
    Verification
        ``worked`` is True when ``p_know`` rose strictly and each targeted
        misconception's prevalence fell strictly (or was 0 and stayed 0).

    Raises
    ------
    InvalidParameterError
        If the questions check different skills, are the same question (equal
        objects, or the same wording ignoring case and spacing), or a targeted
        misconception cannot be revealed by both questions.

    Examples
    --------
    >>> from personalise.teaching import HingeQuestion, diagnose, verify
    >>> q1 = HingeQuestion("s", ("A", "B", "C"), "A", {"B": "m1", "C": "m2"}, text="1/2 + 1/3 = ?")
    >>> q2 = HingeQuestion("s", ("A", "B", "C"), "B", {"A": "m1", "C": "m2"}, text="1/4 + 1/5 = ?")
    >>> before = diagnose(q1, {"ann": "B", "bo": "B", "cy": "A", "di": "C"})
    >>> after = diagnose(q2, {"ann": "B", "bo": "B", "cy": "B", "di": "C"})
    >>> verify(before, after, targeted=["m1"])
    Verification(skill='s', p_know=0.00 -> 0.62 (+0.62), prevalence={'m1': 0.50 -> 0.00, 'm2': 0.25 -> 0.25}, targeted=('m1',), worked=True)
    """
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, Diagnosis):
            raise InvalidParameterError(f"{name} must be a Diagnosis; got {value!r}", value=value)
    if before.skill != after.skill:
        raise InvalidParameterError(
            f"before and after must check the same skill; got {before.skill!r} and {after.skill!r}", value=after.skill
        )
    if before.question == after.question or _same_text(before.question.text, after.question.text):
        raise InvalidParameterError(
            f"after re-asks the same question ({after.question.text or after.question.options!r}); "
            "verify with a different but equivalent question: re-asking measures memory of the answer",
            value=after.question,
        )
    shared = [label for label in before.question.misconception_ids if label in after.question.misconception_ids]
    if targeted is None:
        aims = tuple(label for label, ids in before.misconceptions.items() if ids)
    else:
        if isinstance(targeted, str) or not isinstance(targeted, Iterable):
            raise InvalidParameterError(f"targeted must be a sequence of misconception ids; got {targeted!r}", value=targeted)
        aims = tuple(dict.fromkeys(check_texts(targeted, "targeted")))
    for label in aims:
        if label not in shared:
            missing = "before" if label not in before.question.misconception_ids else "after"
            raise InvalidParameterError(
                f"targeted misconception {label!r} cannot be revealed by the {missing} question; "
                "give it a distractor for that misconception",
                value=label,
            )
    old, new = before.prevalence, after.prevalence
    prevalence: dict[str, tuple[float, float]] = {label: (old[label], new[label]) for label in shared}
    fell = all(new[label] < old[label] or old[label] == new[label] == 0.0 for label in aims)
    return Verification(before.skill, before.p_know, after.p_know, prevalence, aims, after.p_know > before.p_know and fell)
