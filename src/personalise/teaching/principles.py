"""Rosenshine's principles of instruction, as data, and the lesson phases they give.

Rosenshine (2012) drew ten principles from research on how learners acquire
and retain knowledge, from the classroom practice of the most effective
teachers, and from cognitive supports. They are stored with their source in
the bundled file ``personalise/data/principles.json``, like the evidence
catalogue, and :func:`principles_of_instruction` reads them.

A :class:`~personalise.LessonPlan` is laid out in :data:`PHASES`, the shape of
a lesson those principles describe: a daily review, new material in small
steps, guided practice with support that fades, checks for understanding,
independent practice, and weekly and monthly review. Each phase names the
principles it follows.

Examples
--------
>>> import personalise as pl
>>> first = pl.principles_of_instruction()[0]
>>> first.number, first.text
(1, 'Begin a lesson with a short review of previous learning.')
>>> [phase.title for phase in pl.PHASES][:2]
['Daily review', 'New material in small steps']
"""

from __future__ import annotations

import functools
from importlib import resources

import attrs

from personalise._validation import check_int, check_sequence, is_text, parse_json
from personalise.exceptions import InvalidParameterError

__all__ = ["PHASES", "PhaseSpec", "Principle", "principles_of_instruction"]

_SCHEMA = "personalise.principles/1"

#: The source of the principles, as cited in the bundled data file.
SOURCE = (
    "Rosenshine, B. (2012). Principles of Instruction: Research-Based Strategies That All Teachers "
    "Should Know. American Educator, 36(1), 12-19, 39."
)


#: Rosenshine gives ten principles.
N_PRINCIPLES = 10


def _check_number(instance: object, attribute: object, number: int) -> None:
    check_int(number, "number", minimum=1, maximum=N_PRINCIPLES)


def _numbers(values: object) -> tuple[int, ...]:
    return tuple(check_int(value, "principles", minimum=1, maximum=N_PRINCIPLES)
                 for value in check_sequence(values, "principles") or ())


@attrs.frozen
class Principle:
    """One of Rosenshine's ten principles of instruction.

    Parameters
    ----------
    number : int
        Its number, 1 to 10, in Rosenshine's order.
    text : str
        A short form of the principle.
    phase : str
        The name of the lesson phase (see :data:`PHASES`) it belongs to.
    source : str
        The publication it comes from.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.principles_of_instruction()[6].text
    'Obtain a high success rate (about 80% in guided practice).'
    """

    number: int = attrs.field(validator=_check_number)
    text: str = attrs.field(validator=is_text(empty=False))
    phase: str = attrs.field(validator=is_text(empty=False))
    source: str = attrs.field(default=SOURCE, validator=is_text())


@attrs.frozen
class PhaseSpec:
    """A phase of a lesson and the principles of instruction it follows.

    Parameters
    ----------
    name : str
        The key of the phase (``"daily review"``, ...).
    title : str
        Its heading in a lesson plan.
    principles : tuple of int
        The numbers of the principles it follows (see :func:`principles_of_instruction`).
    purpose : str
        What the phase is for, in one sentence.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.PHASES[2].principles
    (5, 7, 8)
    """

    name: str = attrs.field(validator=is_text(empty=False))
    title: str = attrs.field(validator=is_text())
    principles: tuple[int, ...] = attrs.field(converter=_numbers)
    purpose: str = attrs.field(validator=is_text())


#: The phases of a lesson in Rosenshine's shape, in lesson order.
PHASES: tuple[PhaseSpec, ...] = (
    PhaseSpec("daily review", "Daily review", (1,),
              "Start with a short review of what was learned last, and of what is being forgotten."),
    PhaseSpec("new material", "New material in small steps", (2, 4),
              "Present the class's most common next skill in small steps, with models and practice after each."),
    PhaseSpec("guided practice", "Guided practice, with support that fades", (5, 7, 8),
              "Practise with support matched to each group, removed as success grows (aim for about 80%)."),
    PhaseSpec("checks for understanding", "Checks for understanding", (3, 6),
              "Ask every learner, read every answer, and let each answer decide what happens next."),
    PhaseSpec("independent practice", "Independent practice", (9,),
              "Learners with nothing blocking them practise alone, with a real choice where there is one."),
    PhaseSpec("weekly and monthly review", "Weekly and monthly review", (10,),
              "What to come back to next week and next month, so that learning lasts."),
)

PHASE_NAMES: tuple[str, ...] = tuple(phase.name for phase in PHASES)


def phase_spec(name: str) -> PhaseSpec:
    """The :class:`PhaseSpec` of a phase name (``InvalidParameterError`` naming it if unknown)."""
    for phase in PHASES:
        if isinstance(name, str) and phase.name == name:
            return phase
    raise InvalidParameterError(f"unknown lesson phase {name!r}; the phases are {list(PHASE_NAMES)}", value=name)


@functools.cache
def principles_of_instruction() -> tuple[Principle, ...]:
    """Rosenshine's ten principles of instruction, in order, with their source.

    Returns
    -------
    tuple of Principle
        Ten principles, numbered 1 to 10.

    Examples
    --------
    >>> import personalise as pl
    >>> principles = pl.principles_of_instruction()
    >>> len(principles), principles[-1].phase
    (10, 'weekly and monthly review')
    >>> principles[0].source.startswith("Rosenshine, B. (2012)")
    True
    """
    text = resources.files("personalise.data").joinpath("principles.json").read_text(encoding="utf-8")
    data = parse_json(text, "the bundled principles.json", error=InvalidParameterError)
    if data.get("schema") != _SCHEMA:  # pragma: no cover - the bundled file is tested
        raise InvalidParameterError(f"principles.json has schema {data.get('schema')!r}, expected {_SCHEMA!r}",
                                    value=data.get("schema"))
    return tuple(Principle(int(p["number"]), str(p["text"]), str(p["phase"]), str(data["source"]))
                 for p in data["principles"])
