"""The vocabularies of a school's self-review, as data with their sources (part of :mod:`personalise.teaching`).

The bundled file ``personalise/data/self_review.json`` holds two versioned
lists of five components of personalised learning, West-Burnham (2007) and
the DfES (September 2004), and the A-D self-review scale with its
descriptors. :func:`review_frameworks` and :func:`review_scale` read it once.
Entries taken from a secondary source carry ``verified=False`` and say so
wherever they are shown.

These are labels for a school's own judgement: nothing in the library infers
a component or a grade from data.

Examples
--------
>>> import personalise as pl
>>> [f.name for f in pl.review_frameworks()]
['west-burnham-2007', 'dfes-2004']
>>> pl.review_scale().descriptor("A")
'Fully established, confident and consistent practice across the school'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

from personalise._validation import load_json_document, require_fields
from personalise.exceptions import InvalidParameterError

__all__ = ["ReviewComponent", "ReviewFramework", "ReviewScale", "review_frameworks", "review_scale"]

VOCABULARY_SCHEMA = "personalise.self_review_vocabulary/1"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@attrs.frozen
class ReviewComponent:
    """One component of personalised learning, as a vocabulary (see :func:`review_frameworks`).

    Parameters
    ----------
    code : str
        A short slug (``"afl"``), stable across editions of the library.
    label : str
        The component's name.
    description : str
        The component in its source's wording.
    source : str
        The reference the component comes from.
    aliases : tuple of str
        Other names the component goes by, accepted by :meth:`SelfReview.with_grade`.

    Examples
    --------
    >>> import personalise as pl
    >>> afl = pl.review_frameworks()[1].components[0]
    >>> afl.code, afl.label
    ('afl', 'Assessment for learning')
    >>> afl.description
    "Assessment for learning and the use of evidence and dialogue to identify every pupil's learning needs"
    """

    code: str
    label: str
    description: str
    source: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The code, the label and the aliases: every name that finds this component.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.review_frameworks()[0].components[0].names()
        ('learning-to-learn', 'Learning how to learn', 'learning to learn')
        """
        return (self.code, self.label, *self.aliases)


@attrs.frozen
class ReviewFramework:
    """A versioned vocabulary of five components, with its source.

    Parameters
    ----------
    name : str
        The key a :class:`SelfReview` uses (``"west-burnham-2007"``, ``"dfes-2004"``).
    title : str
        What the source calls the list.
    source : str
        The reference.
    edition : str
        Edition or date: the components changed between versions.
    verified : bool
        False when the list comes from a secondary source and has not been
        checked against the primary text.
    caveat : str
        What must be said alongside the list.
    components : tuple of ReviewComponent
        The components, in the source's order.

    Examples
    --------
    >>> import personalise as pl
    >>> dfes = pl.review_frameworks()[1]
    >>> dfes.name, dfes.edition, dfes.verified
    ('dfes-2004', 'September 2004', True)
    >>> [c.code for c in dfes.components]
    ['afl', 'teaching-strategies', 'curriculum', 'organisation', 'partnership']
    """

    name: str
    title: str
    source: str
    edition: str
    verified: bool
    caveat: str
    components: tuple[ReviewComponent, ...]

    def component(self, name: str) -> ReviewComponent:
        """The component named ``name``: its code, label or an alias (case and spacing ignored).

        Raises
        ------
        InvalidParameterError
            If no component of this framework has that name; the message
            names it and lists the codes.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.review_frameworks()[0].component("Learning to learn").code
        'learning-to-learn'
        """
        if isinstance(name, str):
            wanted = _key(name)
            for item in self.components:
                if wanted in {_key(n) for n in item.names()}:
                    return item
        raise InvalidParameterError(
            f"unknown component {name!r} for the {self.name!r} framework; its components are "
            f"{[c.code for c in self.components]} (a code, a label or an alias)",
            value=name,
        )

    def citation(self) -> str:
        """The source, marked when it has not been checked against the primary text.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.review_frameworks()[0].citation().endswith("[not checked against the primary text]")
        True
        """
        return self.source + ("" if self.verified else " [not checked against the primary text]")


@attrs.frozen
class ReviewScale:
    """The A-D self-review scale: its grades, their descriptors and its direction.

    An ordinal self-assessment, not a measurement: grades are labels, never
    numbers, and the scale gives no mean, no score and no ranking of schools.

    Parameters
    ----------
    grades : tuple of str
        ``("A", "B", "C", "D")``, from the most developed practice to the least.
    descriptors : tuple of str
        What each grade means, in the source's wording, in grade order.
    direction : str
        Which end is the most developed, in words.
    source : str
        The reference.
    verified : bool
        False: the scale comes from a secondary source.
    caveat : str
        What must be said alongside a grade.

    Examples
    --------
    >>> import personalise as pl
    >>> scale = pl.SelfReview.template().scale
    >>> scale.grades, scale.most_developed
    (('A', 'B', 'C', 'D'), 'A')
    >>> scale.descriptor("D")
    "Not yet on the school's agenda"
    """

    grades: tuple[str, ...]
    descriptors: tuple[str, ...]
    direction: str
    source: str
    verified: bool
    caveat: str

    @property
    def most_developed(self) -> str:
        """The grade of the most developed practice (the first grade, ``"A"``).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template().scale.most_developed
        'A'
        """
        return self.grades[0]

    def check(self, grade: object) -> str | None:
        """Return ``grade`` if it is one of the grades or None (not yet graded).

        Raises
        ------
        InvalidParameterError
            If it is anything else; the message names it and the allowed grades.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template().scale.check("C")
        'C'
        """
        if grade is None or (isinstance(grade, str) and grade in self.grades):
            return grade
        allowed = ", ".join(map(repr, self.grades))
        raise InvalidParameterError(f"grade must be one of {allowed} or None (not yet graded); got {grade!r}",
                                    value=grade)

    def descriptor(self, grade: str | None) -> str:
        """What ``grade`` means (``"not yet graded"`` for None).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template().scale.descriptor("C")
        'At the planning and development stage'
        """
        checked = self.check(grade)
        return "not yet graded" if checked is None else self.descriptors[self.grades.index(checked)]


# ------------------------------------------------------------------ vocabulary
def _text(raw: Mapping[str, Any], field: str, what: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(f"{what}: field {field!r} must be a non-empty string; got {value!r}", value=value)
    return value


def _parse_framework(raw: Mapping[str, Any]) -> ReviewFramework:
    require_fields(raw, ("name", "title", "source", "edition", "verified", "caveat", "components"), "framework")
    name = _text(raw, "name", "a framework")
    what = f"framework {name!r}"
    components = []
    for item in raw["components"]:
        require_fields(item, ("code", "label", "description"), f"{what} component")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InvalidParameterError(f"{what}: aliases of {item['code']!r} must be a list of strings", value=aliases)
        components.append(ReviewComponent(_text(item, "code", what), _text(item, "label", what),
                                          _text(item, "description", what), _text(raw, "source", what),
                                          tuple(aliases)))
    names = [_key(n) for c in components for n in c.names()]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if len(components) != 5 or repeated:
        raise InvalidParameterError(f"{what} must have five components with distinct names; got "
                                    f"{[c.code for c in components]} (repeated: {repeated})", value=name)
    if not isinstance(raw["verified"], bool):
        raise InvalidParameterError(f"{what}: 'verified' must be true or false", value=raw["verified"])
    return ReviewFramework(name, _text(raw, "title", what), _text(raw, "source", what), _text(raw, "edition", what),
                           raw["verified"], _text(raw, "caveat", what), tuple(components))


def _parse_scale(raw: Mapping[str, Any]) -> ReviewScale:
    require_fields(raw, ("grades", "direction", "source", "verified", "caveat"), "self-review scale")
    grades = tuple(_text(g, "grade", "the scale") for g in raw["grades"])
    if grades != ("A", "B", "C", "D"):
        raise InvalidParameterError(f"the self-review scale must have the grades A, B, C, D in order; got {grades}",
                                    value=grades)
    if not isinstance(raw["verified"], bool):
        raise InvalidParameterError("the self-review scale: 'verified' must be true or false", value=raw["verified"])
    return ReviewScale(grades, tuple(_text(g, "descriptor", f"grade {g['grade']!r}") for g in raw["grades"]),
                       _text(raw, "direction", "the scale"), _text(raw, "source", "the scale"),
                       raw["verified"], _text(raw, "caveat", "the scale"))


def _parse_vocabulary(data: Mapping[str, Any]) -> tuple[tuple[ReviewFramework, ...], ReviewScale]:
    data = load_json_document(data, VOCABULARY_SCHEMA)
    require_fields(data, ("frameworks", "scale"), "self-review vocabulary")
    return tuple(_parse_framework(raw) for raw in data["frameworks"]), _parse_scale(data["scale"])


@functools.cache
def _vocabulary() -> tuple[tuple[ReviewFramework, ...], ReviewScale]:
    text = resources.files("personalise.data").joinpath("self_review.json").read_text(encoding="utf-8")
    return _parse_vocabulary(json.loads(text))


def review_frameworks() -> tuple[ReviewFramework, ...]:
    """The vocabularies of five components a :class:`SelfReview` can use, with their sources.

    Returns
    -------
    tuple of ReviewFramework
        West-Burnham (2007) first (the default), then the DfES (2004).

    Examples
    --------
    >>> import personalise as pl
    >>> [(f.name, f.edition) for f in pl.review_frameworks()]
    [('west-burnham-2007', '2007'), ('dfes-2004', 'September 2004')]
    >>> "National College for School Leadership" in pl.review_frameworks()[0].source
    True
    """
    return _vocabulary()[0]


def review_scale() -> ReviewScale:
    """The A-D self-review scale: grades, descriptors, direction and source.

    Returns
    -------
    ReviewScale

    Examples
    --------
    >>> import personalise as pl
    >>> scale = pl.review_scale()
    >>> scale.grades, scale.verified
    (('A', 'B', 'C', 'D'), False)
    """
    return _vocabulary()[1]


def framework_named(name: object) -> ReviewFramework:
    """The framework called ``name`` (``InvalidParameterError`` naming it and the frameworks if unknown)."""
    for framework in review_frameworks():
        if framework.name == name:
            return framework
    raise InvalidParameterError(
        f"framework must be one of {[f.name for f in review_frameworks()]}; got {name!r}", value=name
    )
