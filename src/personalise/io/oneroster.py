"""Rosters and scores from a 1EdTech OneRoster 1.2 CSV bundle: :func:`read_oneroster`.

A school's student information system or gradebook exports a OneRoster
bundle: a folder or zip of CSV files described by ``manifest.csv``.
:func:`read_oneroster` reads the roster (``orgs``, ``users``, ``roles``,
``classes``, ``enrollments``) and the gradebook (``lineItems``, ``results``
and the 1.2 learning-objective links) into a :class:`OneRosterBundle`: who
is in which class, and an :class:`~personalise.evidence.Evidence` of scores
in [0, 1] with their skills, ready for knowledge tracing.

Nothing is dropped silently: every row left out of the roster or the
evidence is in :attr:`OneRosterBundle.skipped` with its file, line and reason.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import math
import types
from collections.abc import Mapping
from typing import Any, NamedTuple

import attrs

from personalise._validation import load_json_document, require_fields
from personalise.evidence import Evidence
from personalise.exceptions import (
    InvalidParameterError,
    UnknownClassError,
    UnknownLearnerError,
)
from personalise.io._oneroster_csv import EXAMPLE_FILES

__all__ = [
    "ClassRecord",
    "LineItemRecord",
    "OneRosterBundle",
    "OrgRecord",
    "SkippedRow",
    "UserRecord",
    "example_bundle_files",
    "read_oneroster",
]

BUNDLE_SCHEMA = "personalise.oneroster_bundle/1"
_STATUS = ("active", "tobedeleted")


# ------------------------------------------------------------------ records
def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidParameterError(f"{attribute.name} must be a non-empty string; got {value!r}", value=value)


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _status(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in _STATUS:
        raise InvalidParameterError(f"{attribute.name} must be 'active' or 'tobedeleted'; got {value!r}", value=value)


def _texts(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise InvalidParameterError(f"{attribute.name} must be a sequence of ids; got {value!r}", value=value)
    for item in value:
        _text(instance, attribute, item)


def _flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise InvalidParameterError(f"{attribute.name} must be True or False; got {value!r}", value=value)


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _pairs(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(tuple(item) if isinstance(item, (list, tuple)) else item for item in value)
    return value


def _objectives(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise InvalidParameterError(f"{attribute.name} must be a sequence of (source, id) pairs; got {value!r}",
                                    value=value)
    for item in value:
        if not (isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) and x for x in item)):
            raise InvalidParameterError(f"{attribute.name} must hold (source, learning objective id) pairs of "
                                        f"non-empty strings; got {item!r}", value=item)


def _as_float(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # left for the validator to name
            return value
    return value


def _bound(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    finite = False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int too large for a float
            finite = False
    if not finite:
        raise InvalidParameterError(f"{attribute.name} must be a finite number or None; got {value!r}", value=value)


@attrs.frozen
class OrgRecord:
    """An organisation of ``orgs.csv`` (a school, a district...).

    Parameters
    ----------
    name : str
        Its name.
    type : str
        ``school``, ``district``, ``department``, ``local``, ``state``,
        ``national`` or an ``ext:`` extension.
    identifier : str or None
        A human-readable identifier (a school number), if given.
    parent : str or None
        The ``sourcedId`` of the parent org, if given.
    status : str
        ``'active'``, or ``'tobedeleted'`` when a delta file deletes it.

    Examples
    --------
    >>> from personalise.io.oneroster import OrgRecord
    >>> OrgRecord("Hillside Primary", "school", "HS01", None, "active").type
    'school'
    """

    name: str = attrs.field(validator=_text)
    type: str = attrs.field(validator=_text)
    identifier: str | None = attrs.field(validator=_optional_text)
    parent: str | None = attrs.field(validator=_optional_text)
    status: str = attrs.field(validator=_status)


@attrs.frozen
class ClassRecord:
    """A class of ``classes.csv``.

    Parameters
    ----------
    title : str
        Its title, e.g. ``'Maths 5A'``.
    org : str
        The ``sourcedId`` of its school (``schoolSourcedId``).
    status : str
        ``'active'`` or ``'tobedeleted'``.

    Examples
    --------
    >>> from personalise.io.oneroster import ClassRecord
    >>> ClassRecord("Maths 5A", "org-1", "active").title
    'Maths 5A'
    """

    title: str = attrs.field(validator=_text)
    org: str = attrs.field(validator=_text)
    status: str = attrs.field(validator=_status)


@attrs.frozen
class UserRecord:
    """A person of ``users.csv``, with the roles ``roles.csv`` gives them.

    Contact details (email, phone, SMS) and passwords are not kept.

    Parameters
    ----------
    given_name, family_name : str
        The names.
    username : str
        The login name.
    identifier : str or None
        A human-readable identifier (a student number), if given.
    enabled : bool
        ``enabledUser``: whether the account may sign in.
    primary_org : str or None
        ``primaryOrgSourcedId``, if given.
    agents : tuple of str
        ``agentSourcedIds``: the users this one is linked to (a guardian's
        children, a student's guardians).
    roles : tuple of str
        The user's active roles from ``roles.csv`` (primary roles first), e.g.
        ``('student',)``; empty when the bundle has no ``roles.csv``. Class
        membership comes from ``enrollments.csv`` instead.
    status : str
        ``'active'`` or ``'tobedeleted'``.

    Examples
    --------
    >>> from personalise.io.oneroster import UserRecord
    >>> UserRecord("Ann", "Lee", "ann", "S001", True, "org-1", (), ("student",), "active").roles
    ('student',)
    """

    given_name: str = attrs.field(validator=_text)
    family_name: str = attrs.field(validator=_text)
    username: str = attrs.field(validator=_text)
    identifier: str | None = attrs.field(validator=_optional_text)
    enabled: bool = attrs.field(validator=_flag)
    primary_org: str | None = attrs.field(validator=_optional_text)
    agents: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_texts)
    roles: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_texts)
    status: str = attrs.field(validator=_status)


@attrs.frozen
class LineItemRecord:
    """A gradebook column of ``lineItems.csv`` (a quiz, a test, a project).

    Parameters
    ----------
    title : str
        Its title.
    class_id : str
        The ``sourcedId`` of its class (``classSourcedId``).
    result_value_min, result_value_max : float or None
        The score range (``resultValueMin``, ``resultValueMax``), if given.
        Scores are scaled to ``(score - min) / (max - min)``.
    learning_objectives : tuple of (str, str)
        ``(source, learningObjectiveId)`` pairs from
        ``lineItemLearningObjectiveIds.csv``; ``source`` is ``'case'`` (a CASE
        item identifier), ``'unknown'`` or an ``ext:`` extension.
    status : str
        ``'active'`` or ``'tobedeleted'``.

    Examples
    --------
    >>> from personalise.io.oneroster import LineItemRecord
    >>> item = LineItemRecord("Fractions quiz", "cls-5a", 0.0, 10.0, (("unknown", "fractions"),), "active")
    >>> item.result_value_max, item.learning_objectives[0][1]
    (10.0, 'fractions')
    """

    title: str = attrs.field(validator=_text)
    class_id: str = attrs.field(validator=_text)
    result_value_min: float | None = attrs.field(converter=_as_float, validator=_bound)
    result_value_max: float | None = attrs.field(converter=_as_float, validator=_bound)
    learning_objectives: tuple[tuple[str, str], ...] = attrs.field(converter=_pairs, validator=_objectives)
    status: str = attrs.field(validator=_status)

    def __attrs_post_init__(self) -> None:
        low, high = self.result_value_min, self.result_value_max
        if low is not None and high is not None and not high > low:
            raise InvalidParameterError(f"result_value_max must exceed result_value_min; got {low!r} and {high!r}",
                                        value=high)


class SkippedRow(NamedTuple):
    """A row left out of the roster or the evidence: where it is and why.

    Examples
    --------
    >>> from personalise.io.oneroster import SkippedRow
    >>> row = SkippedRow("results.csv", 7, "res-6", "scoreStatus 'exempt' is not a grade")
    >>> row.file, row.line
    ('results.csv', 7)
    """

    file: str
    line: int
    sourced_id: str
    reason: str


# ------------------------------------------------------------------ the bundle
def _frozen_map(value: Any) -> Any:
    return types.MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


def _skipped_rows(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(SkippedRow(*item) if isinstance(item, (list, tuple)) and not isinstance(item, SkippedRow)
                     and len(item) == 4 else item for item in value)
    return value


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


@attrs.frozen(repr=False)
class OneRosterBundle:
    """A OneRoster 1.2 bundle as read by :func:`read_oneroster`: the roster, the gradebook, the evidence.

    Read-only: the mappings are :class:`types.MappingProxyType` views, in
    file order. Round-trips exactly through :meth:`to_dict` / :meth:`to_json`.

    Parameters
    ----------
    manifest : mapping of str to str
        The properties of ``manifest.csv`` (``oneroster.version``,
        ``file.results``...): a store learns from ``file.*`` whether a file
        was a full ``'bulk'`` snapshot or a ``'delta'`` of changes.
    orgs : mapping of str to OrgRecord
        By ``sourcedId``.
    classes : mapping of str to ClassRecord
        By ``sourcedId``.
    users : mapping of str to UserRecord
        By ``sourcedId``, every role (students, teachers, guardians...).
    line_items : mapping of str to LineItemRecord
        By ``sourcedId``.
    rosters : mapping of str to tuple of str
        For every class, its active students in ``enrollments.csv`` order
        (what :meth:`class_learners` gives).
    evidence : Evidence
        The scored results: learner ``studentSourcedId``, the skill, the
        score scaled to [0, 1], ``scoreDate`` as a UTC time, evidence id the
        result ``sourcedId``, source ``'results.csv'``. Its ``skipped`` lists
        the results left out.
    skipped : tuple of SkippedRow
        Every row left out of the roster or the evidence, with its reason.

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type, a roster names a class or user the
        bundle lacks, or a class has no roster entry.

    See Also
    --------
    read_oneroster : Read a bundle folder or zip.

    Examples
    --------
    >>> from personalise.io.oneroster import example_bundle_files, read_oneroster
    >>> bundle = read_oneroster(example_bundle_files())
    >>> bundle
    OneRosterBundle(1 org, 1 class, 3 users, 2 line items, 1 evidence row, 3 skipped)
    >>> bundle.classes["cls-5a"].title, bundle.class_learners("cls-5a")
    ('Maths 5A', ('u-ann', 'u-bo'))
    """

    manifest: Mapping[str, str] = attrs.field(converter=_frozen_map, hash=False)
    orgs: Mapping[str, OrgRecord] = attrs.field(converter=_frozen_map, hash=False)
    classes: Mapping[str, ClassRecord] = attrs.field(converter=_frozen_map, hash=False)
    users: Mapping[str, UserRecord] = attrs.field(converter=_frozen_map, hash=False)
    line_items: Mapping[str, LineItemRecord] = attrs.field(converter=_frozen_map, hash=False)
    rosters: Mapping[str, tuple[str, ...]] = attrs.field(converter=_frozen_map, hash=False)
    evidence: Evidence = attrs.field(hash=False)
    skipped: tuple[SkippedRow, ...] = attrs.field(converter=_skipped_rows)
    _learner_classes: Mapping[str, tuple[str, ...]] = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for name, kind in (("orgs", OrgRecord), ("classes", ClassRecord), ("users", UserRecord),
                           ("line_items", LineItemRecord)):
            _check_mapping(getattr(self, name), name, kind)
        _check_mapping(self.manifest, "manifest", str)
        if not isinstance(self.evidence, Evidence):
            raise InvalidParameterError(f"evidence must be an Evidence; got {type(self.evidence).__name__}",
                                        value=self.evidence)
        if not isinstance(self.skipped, tuple) or not all(_is_skipped_row(row) for row in self.skipped):
            raise InvalidParameterError("skipped must hold (file, line, sourcedId, reason) rows", value=self.skipped)
        if not isinstance(self.rosters, Mapping) or set(self.rosters) != set(self.classes):
            raise InvalidParameterError("rosters must have one entry per class of classes", value=self.rosters)
        index: dict[str, list[str]] = {}
        for class_id in self.classes:
            learners = self.rosters[class_id]
            if not isinstance(learners, tuple):
                raise InvalidParameterError(f"the roster of class {class_id!r} must be a tuple of user ids; got "
                                            f"{learners!r}", value=learners)
            for learner in learners:
                if not isinstance(learner, str) or learner not in self.users:
                    raise InvalidParameterError(f"the roster of class {class_id!r} names {learner!r}, who is not "
                                                "in users", value=learner)
                index.setdefault(learner, []).append(class_id)
        object.__setattr__(self, "_learner_classes", types.MappingProxyType(
            {learner: tuple(classes) for learner, classes in index.items()}))

    def __repr__(self) -> str:
        return (f"OneRosterBundle({_plural(len(self.orgs), 'org')}, {_plural(len(self.classes), 'class', 'classes')}"
                f", {_plural(len(self.users), 'user')}, {_plural(len(self.line_items), 'line item')}, "
                f"{_plural(len(self.evidence), 'evidence row')}, {len(self.skipped)} skipped)")

    def class_learners(self, class_id: str) -> tuple[str, ...]:
        """The active students of a class, in ``enrollments.csv`` order.

        Students whose enrolment or user is ``tobedeleted``, and teachers,
        aides and other non-student enrolments, are left out (see
        :attr:`skipped`). A class that is itself ``tobedeleted`` has none.

        Raises
        ------
        UnknownClassError
            If the bundle has no class ``class_id`` (a ``LookupError``).
        InvalidParameterError
            If ``class_id`` is not a string.

        Examples
        --------
        >>> from personalise.io.oneroster import example_bundle_files, read_oneroster
        >>> bundle = read_oneroster(example_bundle_files())
        >>> bundle.class_learners("cls-5a")
        ('u-ann', 'u-bo')
        >>> bundle.class_learners("cls-9z")
        Traceback (most recent call last):
        ...
        personalise.exceptions.UnknownClassError: unknown class 'cls-9z': the bundle's classes are 'cls-5a'
        """
        if not isinstance(class_id, str):
            raise InvalidParameterError(f"class_id must be a class sourcedId (str); got {class_id!r}", value=class_id)
        roster = self.rosters.get(class_id)
        if roster is None:
            known = ", ".join(repr(c) for c in itertools.islice(self.classes, 5))
            more = ", ..." if len(self.classes) > 5 else ""
            raise UnknownClassError(f"unknown class {class_id!r}: the bundle's classes are {known or 'none'}{more}",
                                      value=class_id)
        return roster

    def classes_of(self, learner_id: str) -> tuple[str, ...]:
        """The classes a user is an active student of, in ``classes.csv`` order.

        A user who is in no class (a teacher, a guardian) gets ``()``.

        Raises
        ------
        UnknownLearnerError
            If the bundle has no user ``learner_id``.
        InvalidParameterError
            If ``learner_id`` is not a string.

        Examples
        --------
        >>> from personalise.io.oneroster import example_bundle_files, read_oneroster
        >>> bundle = read_oneroster(example_bundle_files())
        >>> bundle.classes_of("u-ann"), bundle.classes_of("u-tess")
        (('cls-5a',), ())
        """
        if not isinstance(learner_id, str):
            raise InvalidParameterError(f"learner_id must be a user sourcedId (str); got {learner_id!r}",
                                        value=learner_id)
        if learner_id not in self.users:
            raise UnknownLearnerError(f"unknown user {learner_id!r}: not in the bundle's users.csv", value=learner_id)
        return self._learner_classes.get(learner_id, ())

    # -------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with ``"schema": "personalise.oneroster_bundle/1"``.

        Examples
        --------
        >>> from personalise.io.oneroster import example_bundle_files, read_oneroster
        >>> data = read_oneroster(example_bundle_files()).to_dict()
        >>> data["schema"], data["rosters"], data["users"]["u-ann"]["roles"]
        ('personalise.oneroster_bundle/1', {'cls-5a': ['u-ann', 'u-bo']}, [])
        """
        def records(mapping: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
            return {key: {field.name: _plain(getattr(record, field.name)) for field in attrs.fields(type(record))}
                    for key, record in mapping.items()}

        return {
            "schema": BUNDLE_SCHEMA,
            "manifest": dict(self.manifest),
            "orgs": records(self.orgs),
            "classes": records(self.classes),
            "users": records(self.users),
            "line_items": records(self.line_items),
            "rosters": {key: list(value) for key, value in self.rosters.items()},
            "evidence": self.evidence.to_dict(),
            "skipped": [list(row) for row in self.skipped],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OneRosterBundle:
        """Rebuild a bundle from :meth:`to_dict`'s output (validated as strictly as the constructor).

        Raises
        ------
        InvalidParameterError
            If the schema is not ``personalise.oneroster_bundle/1`` or a field
            is missing or malformed.
        EvidenceError
            If the evidence rows are malformed.

        Examples
        --------
        >>> from personalise.io.oneroster import OneRosterBundle, example_bundle_files, read_oneroster
        >>> bundle = read_oneroster(example_bundle_files())
        >>> OneRosterBundle.from_dict(bundle.to_dict()) == bundle
        True
        """
        data = load_json_document(data, BUNDLE_SCHEMA, name="data")
        fields = ("manifest", "orgs", "classes", "users", "line_items", "rosters", "evidence", "skipped")
        require_fields(data, fields, "OneRoster bundle")
        mappings = {}
        for name, kind in (("orgs", OrgRecord), ("classes", ClassRecord), ("users", UserRecord),
                           ("line_items", LineItemRecord)):
            mappings[name] = {key: _record(kind, value, f"{name}[{key!r}]")
                              for key, value in _object(data[name], name).items()}
        rosters = {key: tuple(_list(value, f"rosters[{key!r}]")) for key, value in _object(data["rosters"],
                                                                                         "rosters").items()}
        skipped = []
        for i, row in enumerate(_list(data["skipped"], "skipped")):
            if not (isinstance(row, list) and len(row) == 4):
                raise InvalidParameterError(f"skipped[{i}] must be [file, line, sourcedId, reason]; got {row!r}",
                                            value=row)
            skipped.append(SkippedRow(*row))
        return cls(_object(data["manifest"], "manifest"), mappings["orgs"], mappings["classes"], mappings["users"],
                   mappings["line_items"], rosters, Evidence.from_dict(_object(data["evidence"], "evidence")),
                   skipped)

    def to_json(self, **options: Any) -> str:
        """The :meth:`to_dict` document as JSON text (``options`` go to :func:`json.dumps`).

        Examples
        --------
        >>> from personalise.io.oneroster import OneRosterBundle, example_bundle_files, read_oneroster
        >>> bundle = read_oneroster(example_bundle_files())
        >>> OneRosterBundle.from_json(bundle.to_json()) == bundle
        True
        """
        return json.dumps(self.to_dict(), **options)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> OneRosterBundle:
        """Rebuild a bundle from :meth:`to_json` text (or its parsed dict).

        Examples
        --------
        >>> from personalise.io.oneroster import OneRosterBundle, example_bundle_files, read_oneroster
        >>> text = read_oneroster(example_bundle_files()).to_json()
        >>> OneRosterBundle.from_json(text).evidence.evidence_ids.tolist()
        ['res-1']
        """
        return cls.from_dict(load_json_document(document, BUNDLE_SCHEMA))


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


def _check_mapping(mapping: Any, name: str, kind: type) -> None:
    if not isinstance(mapping, Mapping):
        raise InvalidParameterError(f"{name} must be a mapping; got {type(mapping).__name__}", value=mapping)
    for key, value in mapping.items():
        if not isinstance(key, str) or not key:
            raise InvalidParameterError(f"{name} keys must be non-empty sourcedIds (str); got {key!r}", value=key)
        if not isinstance(value, kind):
            raise InvalidParameterError(f"{name}[{key!r}] must be a {kind.__name__}; got {value!r}", value=value)


def _is_skipped_row(row: object) -> bool:
    return isinstance(row, SkippedRow) and all(map(isinstance, row, (str, int, str, str))) and \
        not isinstance(row.line, bool)


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"{where} must be an object; got {value!r}", value=value)
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidParameterError(f"{where} must be a list; got {value!r}", value=value)
    return value


def _record(kind: type[Any], value: Any, where: str) -> Any:
    fields = {field.name for field in attrs.fields(kind)}
    value = _object(value, where)
    if set(value) != fields:
        raise InvalidParameterError(f"{where} must have the fields {sorted(fields)}; got {sorted(value)}",
                                    value=sorted(value))
    return kind(**value)


# ------------------------------------------------------------------ reading
def read_oneroster(
    source: Any,
    *,
    skill_of: Mapping[str, str] | None = None,
    timezone: str | _dt.tzinfo = "UTC",
) -> OneRosterBundle:
    """Read a 1EdTech OneRoster 1.2 CSV bundle: the roster and the scored results.

    Parameters
    ----------
    source : path, bytes, binary file or mapping
        The bundle: a folder holding ``manifest.csv`` and the CSV files; a zip
        (its path, its bytes, or the zip file opened in binary mode) with the
        files at its top level or in a single top-level folder; or a mapping
        of file name to content (text or bytes).
    skill_of : mapping of str to str, optional
        Line item ``sourcedId`` -> skill id. A line item listed here gives its
        results that skill; the others take it from the learning-objective
        files (see Notes).
    timezone : str or datetime.tzinfo, default "UTC"
        The time zone of the school's calendar: ``scoreDate`` is a date, and
        a result dated D is stamped at the end of D in this zone. ``"UTC"``,
        an offset such as ``"+10:00"``, an IANA name such as
        ``"Europe/London"`` (daylight saving applied) or a ``tzinfo``.

    Returns
    -------
    OneRosterBundle
        Orgs, classes, users, line items, class rosters, the evidence and
        every skipped row with its reason.

    Raises
    ------
    EvidenceError
        If a file is missing, empty, not UTF-8 or not CSV; a header lacks,
        adds or reorders a column; a row is too short or too long; a required
        field is empty; a value breaks its rule (vocabulary, number, date,
        bulk/delta status); a ``sourcedId`` repeats; a line item's
        ``resultValueMax`` does not exceed its ``resultValueMin``; or a score
        lies outside its line item's range. The message names the file, the
        line, the column, the item and the value.
    InvalidParameterError
        If ``source``, ``skill_of`` or ``timezone`` has the wrong type or form.

    See Also
    --------
    OneRosterBundle : What is read, and its JSON round trip.
    personalise.evidence.Evidence : The scores with their ids.

    Notes
    -----
    **Files.** ``manifest.csv`` must say ``manifest.version`` 1.0 and
    ``oneroster.version`` 1.2 and give each file as ``bulk``, ``delta`` or
    ``absent`` (a file without an entry is absent). The manifest and the
    bundle must agree both ways: a declared file that is missing, and a file
    that is present but declared absent, are errors. The reader needs
    ``orgs``, ``users``, ``classes`` and ``enrollments``; reads ``roles``,
    ``lineItems``, ``results``, ``lineItemLearningObjectiveIds`` and
    ``resultLearningObjectiveIds`` when present (``results`` needs
    ``lineItems``); and does not read the binding's other files
    (``courses``, ``academicSessions``, ``categories``, ``demographics``,
    score scales, resources). The binding puts the files at the top of the
    zip; as a convenience the reader also accepts them in one top-level
    folder (what zipping a folder gives), and ignores macOS ``__MACOSX/``
    entries.

    **CSV.** UTF-8 (a byte-order mark is allowed), RFC 4180 quoting (commas
    and line breaks inside quoted fields), LF or CRLF line ends; blank lines
    are ignored. Every column of the specification must be present, with the
    exact case and in the specification's order, followed only by
    ``metadata.*`` extension columns. Every row has one field per column and
    a ``sourcedId`` unique in its file. Values are taken as written (no
    trimming); vocabularies are case-sensitive, and extensible ones accept
    ``ext:`` tokens.

    **Bulk and delta.** As the binding requires, ``status`` and
    ``dateLastModified`` are blank in a ``bulk`` file (every record active)
    and filled in a ``delta`` file (``active`` or ``tobedeleted``, and a date
    and time with an offset: the binding writes ``2026-09-01T09:00:00.000Z``;
    other ISO 8601 forms with an offset are accepted, naive times are not).
    A ``status`` in a bulk file is an error, not tolerated, even
    ``active``. A delta file is read as the records it holds;
    merging it into an earlier roster is the job of a store, which finds the
    modes in :attr:`OneRosterBundle.manifest`. Records referring to ids
    outside the bundle are skipped as unknown.

    **Roster.** Roles come from ``roles.csv`` (OneRoster 1.2 moved them out
    of ``users.csv``, which has no ``role`` column); class membership comes
    from ``enrollments.csv``, whose ``role`` is authoritative for the class.
    A class's learners are its ``student`` enrolments in file order, less
    enrolments, users or classes that are ``tobedeleted``, enrolments of
    unknown users or classes, and repeated enrolments of one user. Records
    that are ``tobedeleted`` stay in the mappings with that ``status`` (so a
    store can delete them) and are listed in ``skipped``. Enrolment dates
    (``beginDate``, ``endDate``) and ``enabledUser`` do not change
    membership.

    **Scores.** A result is evidence when its ``scoreStatus`` is ``fully
    graded`` or ``partially graded``, its ``score`` is given and its status is
    active; ``exempt``, ``not submitted``, ``submitted``, ``ext:`` statuses,
    empty scores (even with a ``textScore``) and ``tobedeleted`` results are
    skipped, as are results whose line item is unknown, ``tobedeleted`` or
    has no ``resultValueMin``/``resultValueMax`` (no scale), and results of
    unknown, ``tobedeleted`` or non-student users (a student is a user with
    an active ``student`` enrolment or role; results count whether or not the
    student is still in the line item's class). The score is
    ``(score - resultValueMin) / (resultValueMax - resultValueMin)``. A
    score outside the range is an ``EvidenceError`` naming the result and the
    line item, not a row to skip: bonus marks or a wrong maximum are data
    errors a silent clip or skip would hide. A line item whose maximum does
    not exceed its minimum is an error for the same reason.

    **Skills.** In order: ``skill_of[lineItemSourcedId]``; else the result's
    own learning objective (``resultLearningObjectiveIds.csv``); else the
    line item's (``lineItemLearningObjectiveIds.csv``). The skill id is the
    ``learningObjectiveId`` (a CASE item id when ``source`` is ``case``). A
    result with no skill, or with several objectives and no ``skill_of``
    entry, is skipped. The per-objective ``score`` of
    ``resultLearningObjectiveIds.csv`` is not used (its scale is not the line
    item's).

    **Time.** OneRoster 1.2 gives ``scoreDate`` as a date (``YYYY-MM-DD``),
    without a time or a zone; a date with a time is an error. A result
    dated D gets the last microsecond of D in ``timezone``, converted to
    UTC: by then the score certainly existed, so a replay of the evidence
    never uses a score before it was given (the start of the day could).
    Same-day results keep the order of their ``sourcedId`` (the evidence
    tie-break).

    **Not checked.** Fields the reader does not use (``dueDate``,
    ``categorySourcedId``, ``classType``, ``grades``...) are not validated;
    use 1EdTech's validator for full conformance.

    The work is one ``csv`` parse per file; the results are checked and
    scaled column-wise with NumPy.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from personalise.io.oneroster import example_bundle_files, read_oneroster
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for name, text in example_bundle_files().items():
    ...         _ = pathlib.Path(folder, name).write_text(text, encoding="utf-8")
    ...     bundle = read_oneroster(folder)
    >>> bundle.class_learners("cls-5a")
    ('u-ann', 'u-bo')
    >>> ev = bundle.evidence
    >>> ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.scores.tolist()
    (['u-ann'], ['fractions'], [0.7])
    >>> ev.timestamps[0]
    np.datetime64('2026-09-11T23:59:59.999999')
    >>> for row in bundle.skipped:
    ...     print(row.file, row.line, row.sourced_id, "-", row.reason)
    enrollments.csv 4 enr-3 - role 'teacher' is not a learner role
    results.csv 3 res-2 - scoreStatus 'exempt' is not a grade
    results.csv 4 res-3 - line item 'li-project' has no skill (no skill_of entry, no learning objective)
    >>> read_oneroster(example_bundle_files(), skill_of={"li-project": "area"}).evidence.skill_ids.tolist()
    ['fractions', 'area']
    """
    from personalise.io import _oneroster_read

    return OneRosterBundle(*_oneroster_read.read_bundle(source, skill_of, timezone))


def example_bundle_files() -> dict[str, str]:
    """The CSV files of a tiny OneRoster 1.2 bundle, by file name, to try :func:`read_oneroster` on.

    One school, one class (``cls-5a``) with two students and a teacher, two
    line items (a quiz out of 10 linked to the learning objective
    ``fractions``, a project out of 20 with no objective) and three results
    (one graded, one exempt, one on the project).

    Examples
    --------
    >>> from personalise.io.oneroster import example_bundle_files
    >>> files = example_bundle_files()
    >>> sorted(files)[:3]
    ['classes.csv', 'enrollments.csv', 'lineItemLearningObjectiveIds.csv']
    >>> print(files["orgs.csv"], end="")
    sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
    org-1,,,Hillside Primary,school,HS01,
    """
    return dict(EXAMPLE_FILES)
