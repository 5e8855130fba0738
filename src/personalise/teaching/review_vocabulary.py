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

from personalise._validation import (
    check_sequence,
    check_texts,
    is_flag,
    is_text,
    load_json_document,
    parse_json,
    require_fields,
)
from personalise.exceptions import InvalidParameterError

__all__ = ["ReviewComponent", "ReviewFramework", "ReviewScale", "review_frameworks", "review_scale"]

VOCABULARY_SCHEMA = "personalise.self_review_vocabulary/1"
COMPONENT_SCHEMA = "personalise.review_component/1"
FRAMEWORK_SCHEMA = "personalise.review_framework/1"
SCALE_SCHEMA = "personalise.review_scale/1"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def string_field(data: Mapping[str, Any], field: str, what: str) -> str:
    """``data[field]``, which must be a string (an ``InvalidParameterError`` naming the field otherwise)."""
    value = data[field]
    if not isinstance(value, str):
        raise InvalidParameterError(f"{what}: field {field!r} must be a string; got {value!r:.80}", value=value)
    return value


def strings_field(data: Mapping[str, Any], field: str, what: str) -> tuple[str, ...]:
    """``data[field]``, which must be a list of strings, as a tuple."""
    value = data[field]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidParameterError(f"{what}: field {field!r} must be a list of strings; got {value!r:.80}",
                                    value=value)
    return tuple(value)


def _bool_field(data: Mapping[str, Any], field: str, what: str) -> bool:
    value = data[field]
    if not isinstance(value, bool):
        raise InvalidParameterError(f"{what}: field {field!r} must be true or false; got {value!r:.80}", value=value)
    return value


def _aliases(values: Any) -> tuple[str, ...]:
    return check_texts(values, "aliases")


def _grades(values: Any) -> tuple[str, ...]:
    return check_texts(values, "grades")


def _descriptors(values: Any) -> tuple[str, ...]:
    return check_texts(values, "descriptors")


def _components(values: Any) -> tuple[Any, ...]:
    items = tuple(check_sequence(values, "components") or ())
    for position, item in enumerate(items):
        if not isinstance(item, ReviewComponent):
            raise InvalidParameterError(f"components must hold ReviewComponents; got {item!r:.80} at {position}",
                                        value=item)
    return items


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

    code: str = attrs.field(validator=is_text(empty=False))
    label: str = attrs.field(validator=is_text(empty=False))
    description: str = attrs.field(validator=is_text())
    source: str = attrs.field(validator=is_text())
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_aliases)

    def names(self) -> tuple[str, ...]:
        """The code, the label and the aliases: every name that finds this component.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.review_frameworks()[0].components[0].names()
        ('learning-to-learn', 'Learning how to learn', 'learning to learn')
        """
        return (self.code, self.label, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """The component as a JSON-ready dict with a ``"schema"`` field (see :meth:`to_json`)."""
        return {"schema": COMPONENT_SCHEMA, "code": self.code, "label": self.label,
                "description": self.description, "source": self.source, "aliases": list(self.aliases)}

    def to_json(self, **options: Any) -> str:
        """The component as a JSON document; ``options`` go to :func:`json.dumps`.

        Examples
        --------
        >>> import personalise as pl
        >>> afl = pl.review_frameworks()[1].components[0]
        >>> pl.ReviewComponent.from_json(afl.to_json()) == afl
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewComponent:
        """Rebuild a component from :meth:`to_dict` output (see :meth:`from_json`)."""
        return cls.from_json(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> ReviewComponent:
        """Rebuild a component from :meth:`to_json` output (text or the parsed dict).

        Raises
        ------
        InvalidParameterError
            If the document is not JSON or not an object, has another schema,
            lacks a field, or a field has the wrong type (each named).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.ReviewComponent.from_json('{"schema": "personalise.review_component/1", "code": "afl", '
        ...     '"label": "Assessment for learning", "description": "", "source": "", "aliases": ["AfL"]}').names()
        ('afl', 'Assessment for learning', 'AfL')
        """
        data = load_json_document(document, COMPONENT_SCHEMA)
        what = "review component"
        require_fields(data, ("code", "label", "description", "source", "aliases"), what)
        return cls(string_field(data, "code", what), string_field(data, "label", what),
                   string_field(data, "description", what), string_field(data, "source", what),
                   strings_field(data, "aliases", what))


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

    name: str = attrs.field(validator=is_text(empty=False))
    title: str = attrs.field(validator=is_text())
    source: str = attrs.field(validator=is_text())
    edition: str = attrs.field(validator=is_text())
    verified: bool = attrs.field(validator=is_flag)
    caveat: str = attrs.field(validator=is_text())
    components: tuple[ReviewComponent, ...] = attrs.field(converter=_components)

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

    def to_dict(self) -> dict[str, Any]:
        """The framework as a JSON-ready dict with a ``"schema"`` field, its components nested (see :meth:`to_json`)."""
        return {"schema": FRAMEWORK_SCHEMA, "name": self.name, "title": self.title, "source": self.source,
                "edition": self.edition, "verified": self.verified, "caveat": self.caveat,
                "components": [component.to_dict() for component in self.components]}

    def to_json(self, **options: Any) -> str:
        """The framework as a JSON document; ``options`` go to :func:`json.dumps`.

        Examples
        --------
        >>> import personalise as pl
        >>> dfes = pl.review_frameworks()[1]
        >>> pl.ReviewFramework.from_json(dfes.to_json()) == dfes
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewFramework:
        """Rebuild a framework from :meth:`to_dict` output (see :meth:`from_json`)."""
        return cls.from_json(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> ReviewFramework:
        """Rebuild a framework from :meth:`to_json` output (text or the parsed dict).

        Raises
        ------
        InvalidParameterError
            If the document is not JSON or not an object, has another schema,
            lacks a field, or a field or a component has the wrong type (each
            named).

        Examples
        --------
        >>> import personalise as pl
        >>> text = pl.review_frameworks()[0].to_json()
        >>> [c.code for c in pl.ReviewFramework.from_json(text).components][:2]
        ['learning-to-learn', 'afl']
        """
        data = load_json_document(document, FRAMEWORK_SCHEMA)
        what = "review framework"
        require_fields(data, ("name", "title", "source", "edition", "verified", "caveat", "components"), what)
        raw = data["components"]
        if not isinstance(raw, list):
            raise InvalidParameterError(f"{what}: field 'components' must be a list; got {raw!r:.80}", value=raw)
        components = []
        for position, item in enumerate(raw):
            try:
                components.append(ReviewComponent.from_json(item))
            except InvalidParameterError as err:
                raise InvalidParameterError(f"{what}: component {position}: {err}", value=err.value) from None
        return cls(string_field(data, "name", what), string_field(data, "title", what),
                   string_field(data, "source", what), string_field(data, "edition", what),
                   _bool_field(data, "verified", what), string_field(data, "caveat", what), tuple(components))


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

    grades: tuple[str, ...] = attrs.field(converter=_grades)
    descriptors: tuple[str, ...] = attrs.field(converter=_descriptors)
    direction: str = attrs.field(validator=is_text())
    source: str = attrs.field(validator=is_text())
    verified: bool = attrs.field(validator=is_flag)
    caveat: str = attrs.field(validator=is_text())

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

    def to_dict(self) -> dict[str, Any]:
        """The scale as a JSON-ready dict with a ``"schema"`` field (see :meth:`to_json`)."""
        return {"schema": SCALE_SCHEMA, "grades": list(self.grades), "descriptors": list(self.descriptors),
                "direction": self.direction, "source": self.source, "verified": self.verified,
                "caveat": self.caveat}

    def to_json(self, **options: Any) -> str:
        """The scale as a JSON document; ``options`` go to :func:`json.dumps`.

        Examples
        --------
        >>> import personalise as pl
        >>> scale = pl.review_scale()
        >>> pl.ReviewScale.from_json(scale.to_json()) == scale
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewScale:
        """Rebuild a scale from :meth:`to_dict` output (see :meth:`from_json`)."""
        return cls.from_json(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> ReviewScale:
        """Rebuild a scale from :meth:`to_json` output (text or the parsed dict).

        Raises
        ------
        InvalidParameterError
            If the document is not JSON or not an object, has another schema,
            lacks a field, a field has the wrong type, or there is not one
            descriptor per grade (each named).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.ReviewScale.from_json(pl.review_scale().to_json()).descriptor("C")
        'At the planning and development stage'
        """
        data = load_json_document(document, SCALE_SCHEMA)
        what = "review scale"
        require_fields(data, ("grades", "descriptors", "direction", "source", "verified", "caveat"), what)
        grades, descriptors = strings_field(data, "grades", what), strings_field(data, "descriptors", what)
        if len(grades) != len(descriptors):
            raise InvalidParameterError(f"{what}: one descriptor per grade is needed; got {len(grades)} grades and "
                                        f"{len(descriptors)} descriptors", value=descriptors)
        return cls(grades, descriptors, string_field(data, "direction", what), string_field(data, "source", what),
                   _bool_field(data, "verified", what), string_field(data, "caveat", what))


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
    return _parse_vocabulary(parse_json(text, "the bundled self_review.json", error=InvalidParameterError))


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
        if isinstance(name, str) and framework.name == name:
            return framework
    raise InvalidParameterError(
        f"framework must be one of {[f.name for f in review_frameworks()]}; got {name!r}", value=name
    )
