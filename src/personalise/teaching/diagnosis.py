"""Hinge questions and their diagnosis: elicit and interpret (part of :mod:`personalise.teaching`)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_ids,
    check_int,
    check_json_id,
    check_number,
    check_sequence,
    check_text,
    check_texts,
    load_json_document,
    require_fields,
    writable_id,
)
from personalise._validation import check_id as _check_id
from personalise.exceptions import EvidenceError, InvalidParameterError

__all__ = [
    "ACTIONS",
    "Diagnosis",
    "GROUP_KINDS",
    "HingeQuestion",
    "MIN_ANSWERED",
    "NONE_PLAUSIBLE",
    "PROCEED_AT",
    "REGROUP_AT",
    "diagnose",
    "guess_corrected",
]


HINGE_SCHEMA = "personalise.hinge_question/1"
#: Marks a wrong option that points to no misconception (allowed, but a design smell).
NONE_PLAUSIBLE = "none-plausible"
#: The three adjustments :func:`decide` can recommend.
ACTIONS = ("move on", "regroup", "reteach")
#: The kinds of :class:`Group` that :func:`flexible_groups` forms.
GROUP_KINDS = ("misconception", "prerequisite", "reteach", "ready", "unassessed")
#: Design default: move on when the guess-corrected share who know the skill reaches this.
PROCEED_AT = 0.8
#: Design default: below this guess-corrected share, reteach the whole class.
REGROUP_AT = 0.3
#: Design default: decide only when at least this share of the class answered.
MIN_ANSWERED = 0.5

Ids = tuple[Hashable, ...]


# ------------------------------------------------------------ hinge question
def _check_skill(skill: object) -> Hashable:
    if isinstance(skill, (float, np.floating)) and math.isnan(skill):
        raise InvalidParameterError(f"skill must be a skill id; got {skill!r}", value=skill)
    return _check_id(skill, "a hinge question's skill")


def _check_options(options: object) -> tuple[str, ...]:
    if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
        raise InvalidParameterError(f"options must be a sequence of option ids; got {options!r:.80}", value=options)
    result = tuple(check_sequence(options, "options") or ())
    for option in result:
        if not isinstance(option, str) or not option:
            raise InvalidParameterError(f"options must be non-empty strings (option ids); got {option!r:.80}",
                                        value=option)
    if len(result) < 2:
        raise InvalidParameterError(f"a hinge question needs at least 2 options; got {len(result)}: {result!r}", value=result)
    repeated = [option for option, count in Counter(result).items() if count > 1]
    if repeated:
        raise InvalidParameterError(f"option {repeated[0]!r} appears more than once in {result!r}", value=repeated[0])
    return result


def _freeze_misconceptions(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"misconceptions must map each wrong option to a misconception; got {value!r}", value=value)
    return MappingProxyType(dict(value))


def _check_text(text: object) -> str | None:
    if text is not None and not isinstance(text, str):
        raise InvalidParameterError(f"text must be a string or None; got {text!r}", value=text)
    return text


@attrs.frozen
class HingeQuestion:
    """A multiple-choice question whose every wrong option reveals a misconception.

    Asked at a pivot point of a lesson, answered by every learner at once
    (cards, mini-whiteboards), readable by the teacher in about 30 seconds
    (Wiliam 2015; DOMAIN.md section 3.2).

    Parameters
    ----------
    skill : hashable
        The skill the question checks.
    options : sequence of str
        The option ids (at least 2, unique, non-empty strings), e.g. ``"ABCD"``.
    correct : str
        The correct option, one of ``options``.
    misconceptions : mapping of str to str
        Every wrong option mapped to the misconception (an id or a short
        description) a learner who picks it probably holds. Two options may
        share a misconception. :data:`NONE_PLAUSIBLE` (``"none-plausible"``)
        is allowed for a wrong option that reveals nothing, but it is a design
        smell: such options are listed by :attr:`smells`.
    text : str, optional
        The question's wording; :func:`verify` uses it to refuse re-asking
        the same question.

    Raises
    ------
    InvalidParameterError
        If there are fewer than 2 options, an option repeats, ``correct`` is
        not an option, a wrong option has no misconception, or a misconception
        is given for the correct option or for an unknown option. The message
        names the option.

    Examples
    --------
    >>> from personalise.teaching import HingeQuestion
    >>> q = HingeQuestion("area", ("A", "B", "C"), "B", {"A": "adds sides", "C": "none-plausible"})
    >>> q.k, q.smells
    (3, ('C',))
    >>> HingeQuestion.from_json(q.to_json()) == q
    True
    >>> try:
    ...     HingeQuestion("area", ("A", "B", "C"), "B", {"A": "adds sides"})
    ... except ValueError as err:
    ...     print(err)
    wrong option 'C' has no misconception; map it to one, or to 'none-plausible' if it reveals nothing
    """

    skill: Hashable = attrs.field(converter=_check_skill)
    options: tuple[str, ...] = attrs.field(converter=_check_options)
    correct: str = attrs.field()
    misconceptions: Mapping[str, str] = attrs.field(converter=_freeze_misconceptions, hash=False)
    text: str | None = attrs.field(default=None, converter=_check_text, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.correct, str) or self.correct not in self.options:
            raise InvalidParameterError(f"correct must be one of the options {self.options!r}; got {self.correct!r}", value=self.correct)
        for option in self.misconceptions:
            if option == self.correct:
                raise InvalidParameterError(
                    f"option {option!r} is the correct answer and cannot carry a misconception", value=option
                )
            if option not in self.options:
                raise InvalidParameterError(f"misconception given for unknown option {option!r}; options are {self.options!r}", value=option)
        ordered: dict[str, str] = {}
        for option in self.options:
            if option == self.correct:
                continue
            if option not in self.misconceptions:
                raise InvalidParameterError(
                    f"wrong option {option!r} has no misconception; map it to one, or to {NONE_PLAUSIBLE!r} if it reveals nothing",
                    value=option,
                )
            label = self.misconceptions[option]
            if not isinstance(label, str) or not label.strip():
                raise InvalidParameterError(f"the misconception of option {option!r} must be a non-empty string; got {label!r}", value=option)
            ordered[option] = label
        object.__setattr__(self, "misconceptions", MappingProxyType(ordered))

    @property
    def k(self) -> int:
        """The number of options (chance of a blind guess being right is 1/k)."""
        return len(self.options)

    @property
    def smells(self) -> tuple[str, ...]:
        """Wrong options marked :data:`NONE_PLAUSIBLE`: distractors that diagnose nothing."""
        return tuple(option for option, label in self.misconceptions.items() if label == NONE_PLAUSIBLE)

    @property
    def misconception_ids(self) -> tuple[str, ...]:
        """The distinct misconceptions the question can reveal, in option order."""
        return tuple(dict.fromkeys(label for label in self.misconceptions.values() if label != NONE_PLAUSIBLE))

    def to_dict(self) -> dict[str, Any]:
        """The question as a JSON-ready dict (see :meth:`to_json`)."""
        return {
            "skill": writable_id(self.skill),
            "options": list(self.options),
            "correct": self.correct,
            "misconceptions": dict(self.misconceptions),
            "text": self.text,
        }

    def to_json(self) -> str:
        """The question as a JSON document with a ``"schema"`` field.

        Examples
        --------
        >>> from personalise.teaching import HingeQuestion
        >>> HingeQuestion("s", ("A", "B"), "A", {"B": "m"}).to_json()
        '{"schema": "personalise.hinge_question/1", "skill": "s", "options": ["A", "B"], "correct": "A", "misconceptions": {"B": "m"}, "text": null}'
        """
        return json.dumps({"schema": HINGE_SCHEMA, **self.to_dict()})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HingeQuestion:
        """Rebuild a question from :meth:`to_dict` output."""
        require_fields(data, ("skill", "options", "correct", "misconceptions"), "hinge question")
        return cls(check_json_id(data["skill"], "field 'skill' of the hinge question"), data["options"], data["correct"], data["misconceptions"], text=data.get("text"))

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> HingeQuestion:
        """Rebuild a question from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            If the document is not JSON, has another schema, or lacks a field.
        """
        return cls.from_dict(load_json_document(document, HINGE_SCHEMA))


# ----------------------------------------------------------------- diagnosis
def guess_corrected(p_obs: float, k: int) -> float:
    """Share who know the skill, from share correct ``p_obs`` with ``k`` options.

    ``clip((p_obs - 1/k) / (1 - 1/k), 0, 1)``: with 4 options a quarter of
    those who do not know are right by chance.

    Examples
    --------
    >>> from personalise.teaching import guess_corrected
    >>> round(guess_corrected(0.6, 4), 4)
    0.4667

    ``p_obs`` must be a share in [0, 1] and ``k`` a count of options of at
    least 2 (with one option every answer is right by chance, and nothing can
    be told about knowing); anything else raises
    :class:`~personalise.InvalidParameterError` naming the argument.
    """
    share = check_number(p_obs, "p_obs", 0.0, 1.0)
    options = check_int(k, "k", minimum=2)
    return float(guess_corrected_many(np.array([share], dtype=np.float64), options)[0])


def guess_corrected_many(p_obs: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """:func:`guess_corrected` for an array of shares (one per class)."""
    chance = 1.0 / k
    return np.clip((p_obs - chance) / (1.0 - chance), 0.0, 1.0)


def _freeze_answers(value: object) -> Mapping[Hashable, str | None]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"answers must map learner ids to the option chosen (or None); got {value!r}", value=value)
    return MappingProxyType(dict(value))


def _str_tuple(values: Iterable[str], name: str) -> tuple[str, ...]:
    return check_texts(values, name)


def _id_tuple(values: Iterable[Hashable], name: str) -> Ids:
    return check_ids(values, name)


def _id_tuples(values: Iterable[Iterable[Hashable]], name: str) -> tuple[Ids, ...]:
    return tuple(check_ids(group, f"each of {name}") for group in check_sequence(values, name) or ())


def _freeze_prevalence(value: Mapping[str, tuple[float, float]]) -> Mapping[str, tuple[float, float]]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"prevalence must map misconceptions to (before, after) shares; got {value!r:.80}",
                                    value=value)
    frozen: dict[str, tuple[float, float]] = {}
    for label, pair in value.items():
        check_text(label, "prevalence")
        shares = as_array(pair, f"prevalence[{label!r}]", dtype=np.float64, ndim=1, low=0.0, high=1.0)
        if shares.shape != (2,):
            raise InvalidParameterError(f"prevalence[{label!r}] must be a pair (before, after); got {pair!r:.80}",
                                        value=pair)
        frozen[label] = (float(shares[0]), float(shares[1]))
    return MappingProxyType(frozen)


def _one_of(choices: tuple[str, ...]) -> Any:
    def check(instance: object, attribute: Any, value: object) -> None:
        if not isinstance(value, str) or value not in choices:
            raise InvalidParameterError(f"{attribute.name} must be one of {choices!r}; got {value!r}", value=value)

    return check


def _check_question(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, HingeQuestion):
        raise InvalidParameterError(f"question must be a HingeQuestion; got {value!r}", value=value)


def _ids_field() -> Any:
    return attrs.field(init=False, eq=False, hash=False, repr=False)


@attrs.frozen(repr=False)
class Diagnosis:
    """What a class's answers to a hinge question show (build it with :func:`diagnose`).

    Parameters
    ----------
    question : HingeQuestion
        The question asked.
    answers : mapping
        Learner id -> option chosen, or None for a learner who did not answer.

    Attributes
    ----------
    correct : tuple of hashable
        Learners who chose the correct option.
    misconceptions : mapping of str to tuple of hashable
        Each misconception the question can reveal -> learners who hold it
        (possibly empty), in the question's option order.
    unexplained : tuple of hashable
        Learners who chose a wrong option marked :data:`NONE_PLAUSIBLE`.
    unanswered : tuple of hashable
        Learners who did not answer.

    Examples
    --------
    >>> from personalise.teaching import HingeQuestion, diagnose
    >>> q = HingeQuestion("s", ("A", "B"), "A", {"B": "m"})
    >>> d = diagnose(q, {"ann": "A", "bo": "B", "cy": None})
    >>> d.correct, d.misconceptions["m"], d.unanswered
    (('ann',), ('bo',), ('cy',))
    >>> d.p_obs, d.p_know
    (0.5, 0.0)
    """

    question: HingeQuestion = attrs.field(validator=_check_question)
    answers: Mapping[Hashable, str | None] = attrs.field(converter=_freeze_answers, hash=False)
    correct: Ids = _ids_field()
    misconceptions: Mapping[str, Ids] = _ids_field()
    unexplained: Ids = _ids_field()
    unanswered: Ids = _ids_field()

    def __attrs_post_init__(self) -> None:
        question = self.question
        if not self.answers:
            raise EvidenceError("answers is empty: ask every learner (cards, mini-whiteboards) before diagnosing", value=dict(self.answers))
        held: dict[str, list[Hashable]] = {label: [] for label in question.misconception_ids}
        correct: list[Hashable] = []
        unexplained: list[Hashable] = []
        unanswered: list[Hashable] = []
        for learner, option in self.answers.items():
            if option is None:
                unanswered.append(learner)
            elif not isinstance(option, str) or option not in question.options:
                raise EvidenceError(
                    f"answers: learner {learner!r} chose option {option!r}, which the question does not have "
                    f"(options {question.options!r})",
                    value=option,
                )
            elif option == question.correct:
                correct.append(learner)
            elif question.misconceptions[option] == NONE_PLAUSIBLE:
                unexplained.append(learner)
            else:
                held[question.misconceptions[option]].append(learner)
        if len(unanswered) == len(self.answers):
            raise EvidenceError(f"none of the {len(self.answers)} learners answered; there is no evidence to diagnose", value=len(self.answers))
        object.__setattr__(self, "correct", tuple(correct))
        object.__setattr__(self, "misconceptions", MappingProxyType({label: tuple(ids) for label, ids in held.items()}))
        object.__setattr__(self, "unexplained", tuple(unexplained))
        object.__setattr__(self, "unanswered", tuple(unanswered))

    @property
    def skill(self) -> Hashable:
        """The skill the question checks."""
        return self.question.skill

    @property
    def n_learners(self) -> int:
        """Learners in the class (answered or not)."""
        return len(self.answers)

    @property
    def n_answered(self) -> int:
        """Learners who answered."""
        return len(self.answers) - len(self.unanswered)

    @property
    def p_obs(self) -> float:
        """Share correct among those who answered (raw, not corrected for guessing)."""
        return len(self.correct) / self.n_answered

    @property
    def p_know(self) -> float:
        """Guess-corrected share who know the skill: ``clip((p_obs - 1/k) / (1 - 1/k), 0, 1)``."""
        return guess_corrected(self.p_obs, self.question.k)

    @property
    def prevalence(self) -> dict[str, float]:
        """Each misconception -> share of those who answered who hold it."""
        return {label: len(ids) / self.n_answered for label, ids in self.misconceptions.items()}

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as a plain dict (counts, shares and learner lists).

        Examples
        --------
        >>> from personalise.teaching import HingeQuestion, diagnose
        >>> d = diagnose(HingeQuestion("s", ("A", "B"), "A", {"B": "m"}), {"ann": "A", "bo": "B"})
        >>> d.to_dict()["prevalence"]
        {'m': 0.5}
        """
        return {
            "skill": self.skill,
            "n_learners": self.n_learners,
            "n_answered": self.n_answered,
            "p_obs": self.p_obs,
            "p_know": self.p_know,
            "correct": list(self.correct),
            "misconceptions": {label: list(ids) for label, ids in self.misconceptions.items()},
            "prevalence": self.prevalence,
            "unexplained": list(self.unexplained),
            "unanswered": list(self.unanswered),
        }

    def __repr__(self) -> str:
        counts = {label: len(ids) for label, ids in self.misconceptions.items()}
        return (
            f"Diagnosis(skill={self.skill!r}, answered={self.n_answered}/{self.n_learners}, "
            f"correct={self.p_obs:.2f}, p_know={self.p_know:.2f}, misconceptions={counts!r})"
        )

    __str__ = __repr__


def diagnose(question: HingeQuestion, answers: Mapping[Any, str | None]) -> Diagnosis:
    """Interpret a class's answers to a hinge question.

    Parameters
    ----------
    question : HingeQuestion
        The question asked.
    answers : mapping
        Every learner in the class -> the option they chose, or None when they
        did not answer (count them: deciding from volunteers alone is a
        classic pitfall).

    Returns
    -------
    Diagnosis
        ``p_obs`` (share correct among those who answered), ``p_know`` (the
        guess-corrected share, see :func:`guess_corrected`), who holds which
        misconception (``prevalence`` = holders / answered), who gave an
        unexplained wrong answer and who did not answer.

    Raises
    ------
    EvidenceError
        If ``answers`` is empty, nobody answered, or a learner chose an
        option the question does not have (the message names the learner
        and the option).
    InvalidParameterError
        If ``question`` is not a HingeQuestion or ``answers`` not a mapping.

    Examples
    --------
    >>> from personalise.teaching import HingeQuestion, diagnose
    >>> q = HingeQuestion("s", tuple("ABCD"), "A", {"B": "m1", "C": "m2", "D": "m2"})
    >>> d = diagnose(q, {1: "A", 2: "A", 3: "A", 4: "B", 5: "D"})
    >>> round(d.p_know, 4), d.misconceptions["m2"]
    (0.4667, (5,))
    >>> try:
    ...     diagnose(q, {1: "E"})
    ... except ValueError as err:
    ...     print(err)
    answers: learner 1 chose option 'E', which the question does not have (options ('A', 'B', 'C', 'D'))
    """
    return Diagnosis(question, answers)
