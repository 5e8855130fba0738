"""A school's self-review of personalised learning: five components, each graded A to D by the school.

Two versioned vocabularies of five components are stored as data with their
sources, in the bundled file ``personalise/data/self_review.json``:

* ``"west-burnham-2007"`` (the default): West-Burnham's (2007) five elements of
  personalising learning (learning how to learn, assessment for learning,
  teaching and learning strategies, curriculum choice, mentoring and support);
* ``"dfes-2004"``: the DfES's five key components of September 2004, in the
  DfES's own wording.

A school grades each component on the A-D scale of the self-review task that
accompanies West-Burnham's elements (A: fully established, confident and
consistent practice across the school; D: not yet on the school's agenda) and
writes its notes beside each grade. The grades are the school's own judgement:
the library never assigns one, never infers a component from logs, and never
turns grades into numbers. The scale is ordinal and self-assessed, not a
measurement, so two schools' reviews cannot be ordered, averaged or compared.

Beside each grade, :meth:`SelfReview.evidence` lists what the library itself
records for the component (see :mod:`personalise.teaching.review_evidence`).

Examples
--------
>>> import personalise as pl
>>> review = pl.SelfReview.template()
>>> [c.code for c in review.components]
['learning-to-learn', 'afl', 'teaching-strategies', 'curriculum-choice', 'mentoring']
>>> review = review.with_grade("afl", "B", "hinge questions in most maths lessons")
>>> review.grades["afl"], review.scale.descriptor("B")
('B', 'Emergent practice across the school or established in parts of the school')
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from personalise._validation import load_json_document, require_fields
from personalise.exceptions import InvalidParameterError
from personalise.plotting import plot_self_review
from personalise.teaching.review_evidence import ComponentEvidence, component_evidence
from personalise.teaching.review_vocabulary import (
    ReviewComponent,
    ReviewFramework,
    ReviewScale,
    framework_named,
    review_scale,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from personalise.content.bkt_params import BKTParams
    from personalise.experience import ChoiceRecord
    from personalise.store import EvidenceStore
    from personalise.teaching.diagnosis import Diagnosis
    from personalise.teaching.verification import Verification

__all__ = ["SelfReview"]

SCHEMA = "personalise.self_review/1"
_FIELDS = ("framework", "school", "date", "components")
_NOT_GRADED = "-"
_ORDINAL_NOTE = "The grades are the school's own judgement on an ordinal scale: never averaged, never compared."
_NO_ORDER = (
    "self-reviews cannot be ordered or compared: each grade is a school's own ordinal judgement on the A-D "
    "scale, not a measurement, so two schools' grades (or their averages) mean nothing side by side; read the "
    "notes, and compare a school with its own earlier review component by component"
)


# ------------------------------------------------------------------ the review
def _date(value: object) -> _dt.date | None:
    if value is None or (isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidParameterError(f"date must be a datetime.date, an ISO date such as '2026-10-09' or None; "
                                f"got {value!r}", value=value)


def _school(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidParameterError(f"school must be a string or None; got {value!r}", value=value)
    return value


def _notes(value: object, code: str) -> str:
    if not isinstance(value, str):
        raise InvalidParameterError(f"the notes on {code!r} must be a string; got {value!r}", value=value)
    return value


def _per_component(framework: ReviewFramework, given: object, what: str) -> dict[str, Any]:
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise InvalidParameterError(f"{what} must map components to values; got {given!r}", value=given)
    out: dict[str, Any] = {}
    for name, value in given.items():
        code = framework.component(name).code
        if code in out:
            raise InvalidParameterError(f"{what} names the component {code!r} twice (as {name!r})", value=name)
        out[code] = value
    return out


@attrs.frozen(init=False, order=False)
class SelfReview:
    """A school's self-review: a grade from A to D and notes for each of five components.

    Build one with :meth:`template` and fill it with :meth:`with_grade`; each
    call returns a new review. The grades are the school's own judgement: the
    library never assigns, suggests or infers one.

    Parameters
    ----------
    framework : {"west-burnham-2007", "dfes-2004"}
        The vocabulary of five components (see :func:`review_frameworks`).
    grades : mapping, optional
        Component (code, label or alias) -> ``"A"``, ``"B"``, ``"C"``, ``"D"``
        or None (not yet graded). Components not named are not yet graded.
    notes : mapping, optional
        Component -> the school's notes (free text; default ``""``).
    school : str, optional
        The school's name.
    date : datetime.date or str, optional
        The day of the review (an ISO date such as ``"2026-10-09"``).

    Attributes
    ----------
    grades, notes : mapping of str
        Read-only, keyed by component code in the framework's order.

    Raises
    ------
    InvalidParameterError
        On an unknown framework, an unknown or repeated component (the
        message names it and lists the codes), a grade other than A-D or
        None (the message names it and the allowed grades), notes that are
        not text, or a bad school or date.

    Notes
    -----
    Reviews support ``==`` but no ordering: ``a < b`` raises ``TypeError``,
    and there is no score, mean or ``float()`` of a review. The A-D scale is an
    ordinal self-assessment, not a measurement, so neither two schools'
    reviews nor averages of grades can be compared.

    Examples
    --------
    >>> import personalise as pl
    >>> review = pl.SelfReview("dfes-2004", {"afl": "B", "School organisation": "C"}, school="Hillside")
    >>> dict(review.grades)
    {'afl': 'B', 'teaching-strategies': None, 'curriculum': None, 'organisation': 'C', 'partnership': None}
    """

    framework: str
    grades: Mapping[str, str | None] = attrs.field(hash=False)
    notes: Mapping[str, str] = attrs.field(hash=False)
    school: str | None
    date: _dt.date | None

    def __init__(self, framework: str = "west-burnham-2007", grades: Mapping[str, str | None] | None = None,
                 notes: Mapping[str, str] | None = None, *, school: str | None = None,
                 date: _dt.date | str | None = None) -> None:
        chosen = framework_named(framework)
        given_grades = _per_component(chosen, grades, "grades")
        given_notes = _per_component(chosen, notes, "notes")
        scale = review_scale()
        checked: dict[str, str | None] = {}
        for component in chosen.components:
            try:
                checked[component.code] = scale.check(given_grades.get(component.code))
            except InvalidParameterError as err:
                raise InvalidParameterError(f"{err} (for {component.code!r})", value=err.value) from None
        texts = {c.code: _notes(given_notes.get(c.code, ""), c.code) for c in chosen.components}
        self.__attrs_init__(chosen.name, MappingProxyType(checked), MappingProxyType(texts), _school(school),
                            _date(date))

    # ------------------------------------------------------------ building
    @classmethod
    def template(cls, framework: str = "west-burnham-2007", *, school: str | None = None,
                 date: _dt.date | str | None = None) -> SelfReview:
        """An empty review: every component of ``framework`` not yet graded, with empty notes.

        Examples
        --------
        >>> import personalise as pl
        >>> review = pl.SelfReview.template("dfes-2004")
        >>> set(review.grades.values()), set(review.notes.values())
        ({None}, {''})
        """
        return cls(framework, school=school, date=date)

    def with_grade(self, component: str, grade: str | None, notes: str | None = None) -> SelfReview:
        """A new review with ``component`` graded ``grade`` (and its notes replaced, when given).

        Parameters
        ----------
        component : str
            The component's code, label or an alias (case and spacing ignored).
        grade : {"A", "B", "C", "D"} or None
            The school's grade; None clears it (not yet graded).
        notes : str, optional
            The school's notes on the component; None keeps the current notes.

        Raises
        ------
        InvalidParameterError
            If the framework has no such component (the message names it and
            lists the codes), the grade is not one of A-D or None (the message
            names it and the allowed grades), or the notes are not text.

        Examples
        --------
        >>> import personalise as pl
        >>> review = pl.SelfReview.template().with_grade("Curriculum choice", "C", "options in Year 9 only")
        >>> review.grades["curriculum-choice"], review.notes["curriculum-choice"]
        ('C', 'options in Year 9 only')
        >>> try:
        ...     review.with_grade("afl", "E")
        ... except pl.InvalidParameterError as err:
        ...     print(err)
        grade must be one of 'A', 'B', 'C', 'D' or None (not yet graded); got 'E'
        """
        code = self.framework_info.component(component).code
        grades = {**self.grades, code: self.scale.check(grade)}
        texts = dict(self.notes) if notes is None else {**self.notes, code: _notes(notes, code)}
        return SelfReview(self.framework, grades, texts, school=self.school, date=self.date)

    # ------------------------------------------------------------ reading
    @property
    def framework_info(self) -> ReviewFramework:
        """The vocabulary the review uses, with its source.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template("dfes-2004").framework_info.edition
        'September 2004'
        """
        return framework_named(self.framework)

    @property
    def components(self) -> tuple[ReviewComponent, ...]:
        """The five components, in the framework's order.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template().components[-1].label
        'Mentoring and support'
        """
        return self.framework_info.components

    @property
    def scale(self) -> ReviewScale:
        """The A-D scale the grades are on, with its descriptors and source.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template().scale.direction.split(":")[0]
        'A is the most developed practice and D the least'
        """
        return review_scale()

    def __lt__(self, other: object) -> bool:
        raise TypeError(_NO_ORDER)

    __le__ = __gt__ = __ge__ = __lt__

    # ------------------------------------------------------------ evidence
    def evidence(self, store: EvidenceStore | None = None, *, class_id: str | None = None,
                 diagnoses: Iterable[Diagnosis] = (), verifications: Iterable[Verification] = (),
                 choices: Iterable[ChoiceRecord] = (), now: Any = None, days: int = 14,
                 params: BKTParams | None = None) -> tuple[ComponentEvidence, ...]:
        """What the library records for each component, to read beside the school's grade.

        For each component: the library functions that give evidence for it
        and, when their records are passed in, counts taken from them. Every
        count comes from the records given; nothing is estimated, and nothing
        sets or suggests a grade. Components the library holds no evidence
        for (learning how to learn, mentoring and support, partnership beyond
        the school) say so: they are for the school to record.

        Parameters
        ----------
        store : EvidenceStore, optional
            For assessment for learning: observations recorded, learners (the
            roster of ``class_id``, else every learner with evidence or on a
            roster), how many of them have evidence in the ``days`` days up
            to ``now``, distinct sources of evidence (the files or systems
            it came from, not counting ``"unknown"``) and skills assessed.
            For teaching
            strategies: learners holding a scaffold, scaffolds opened, how
            many have faded to no support and how many still give it, and
            permanent fixtures (support after 10 or more opportunities, as
            :func:`~personalise.audit_scaffolds` finds them).
        class_id : str, optional
            Count only the learners of this class (needs ``store``).
        diagnoses : sequence of Diagnosis, optional
            Hinge questions diagnosed, answers read, and misconceptions found
            (distinct misconceptions held by at least one learner).
        verifications : sequence of Verification, optional
            Adjustments verified on an equivalent question, and how many worked.
        choices : sequence of ChoiceRecord, optional
            For curriculum choice: choices recorded, and how many the learner made.
        now : datetime-like, optional
            The end of the recent window (ISO text with an offset, an aware
            datetime, or ``datetime64`` as UTC); default the current time.
        days : int, default 14
            The length of the recent window, in days.
        params : BKTParams, optional
            Needed when a scaffold in the store fades with mastery.

        Returns
        -------
        tuple of ComponentEvidence
            One per component, in the framework's order, each with the
            indicators of what was passed in (none when nothing was).

        Raises
        ------
        InvalidParameterError
            If ``store`` is not an evidence store, ``class_id`` is given
            without a store, an item of ``diagnoses``, ``verifications`` or
            ``choices`` is not of its type (the message names its position),
            ``days`` is not an integer >= 1, or a scaffold fades with mastery
            and ``params`` is missing.
        UnknownClassError
            If the store has no roster for ``class_id``.
        EvidenceError
            If ``now`` is not a timestamp with a UTC offset.

        Notes
        -----
        Scaffolds are read learner by learner (:meth:`EvidenceStore.scaffolds
        <personalise.EvidenceStore.scaffolds>` for each), so that each
        learner's count holds only the scaffolds they were given.

        Examples
        --------
        >>> import personalise as pl
        >>> found = pl.SelfReview.template().evidence()
        >>> found[1].functions[:3]
        ('HingeQuestion', 'diagnose', 'decide')
        >>> found[0].note
        "The library holds no evidence for this component: it is for the school to record, in the review's notes."
        >>> store = pl.open_store()
        >>> store.set_roster({"4M": ["ann", "bo", "cy"]})
        >>> _ = store.add(pl.Evidence(["ann", "bo", "ann"], ["add"] * 3, [1, 0, 1],
        ...                           ["2026-09-01T09:00Z", "2026-09-20T09:00Z", "2026-09-21T09:00Z"],
        ...                           ["e1", "e2", "e3"], sources=["quiz 1", "quiz 2", "quiz 2"]))
        >>> afl = pl.SelfReview.template().evidence(store, class_id="4M", now="2026-09-25T00:00Z")[1]
        >>> for name, value in afl.indicators:
        ...     print(f"{name}: {value}")
        observations recorded: 3
        learners on the roster of '4M': 3
        of them assessed in the 14 days to 2026-09-25: 2
        distinct sources of evidence (files, systems): 2
        skills assessed: 1
        """
        return component_evidence(self.framework, self.components, self.grades, store, class_id=class_id,
                                  diagnoses=diagnoses, verifications=verifications, choices=choices, now=now,
                                  days=days, params=params)

    # ------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """The review as a JSON-ready dict with a ``"schema"`` field (see :meth:`to_json`).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.SelfReview.template(date="2026-10-09").to_dict()["components"][0]
        {'code': 'learning-to-learn', 'grade': None, 'notes': ''}
        """
        return {
            "schema": SCHEMA,
            "framework": self.framework,
            "school": self.school,
            "date": None if self.date is None else self.date.isoformat(),
            "components": [{"code": code, "grade": self.grades[code], "notes": self.notes[code]}
                           for code in self.grades],
        }

    def to_json(self, **options: Any) -> str:
        """The review as a JSON document; ``options`` go to :func:`json.dumps` (``indent=2``...).

        Examples
        --------
        >>> import personalise as pl
        >>> review = pl.SelfReview.template(school="Hillside").with_grade("afl", "B", "Y5 “hinge” cards")
        >>> pl.SelfReview.from_json(review.to_json()) == review
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SelfReview:
        """Rebuild a review from :meth:`to_dict` output (see :meth:`from_json`).

        Examples
        --------
        >>> import personalise as pl
        >>> review = pl.SelfReview.template("dfes-2004").with_grade("partnership", "D")
        >>> pl.SelfReview.from_dict(review.to_dict()) == review
        True
        """
        return cls.from_json(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> SelfReview:
        """Rebuild a review from :meth:`to_json` output: the exact review that was written.

        Raises
        ------
        InvalidParameterError
            If the document is not JSON or not an object, has another schema,
            lacks a field (named), names an unknown framework, an unknown,
            repeated or missing component, or a bad grade (each named).

        Examples
        --------
        >>> import personalise as pl
        >>> try:
        ...     pl.SelfReview.from_json('{"schema": "personalise.self_review/1", "framework": "dfes-2004"}')
        ... except pl.InvalidParameterError as err:
        ...     print(err)
        self-review document is missing the field 'school'
        """
        data = load_json_document(document, SCHEMA)
        require_fields(data, _FIELDS, "self-review")
        framework = framework_named(data["framework"])
        rows = data["components"]
        if not isinstance(rows, list):
            raise InvalidParameterError(f"'components' must be a list; got {rows!r}", value=rows)
        grades: dict[str, Any] = {}
        notes: dict[str, Any] = {}
        for position, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise InvalidParameterError(f"component {position} must be an object; got {row!r}", value=row)
            require_fields(row, ("code", "grade", "notes"), f"self-review component {position}")
            code = row["code"]
            if not isinstance(code, str):
                raise InvalidParameterError(f"component {position} must be given by its code (a string); got "
                                            f"{code!r:.80}", value=code)
            if code not in {c.code for c in framework.components}:
                framework.component(code)  # raises naming the unknown component
                raise InvalidParameterError(f"component {position} must be given by its code; got {code!r}",
                                            value=code)
            if code in grades:
                raise InvalidParameterError(f"component {code!r} appears twice in the document", value=code)
            grades[code], notes[code] = row["grade"], row["notes"]
        missing = [c.code for c in framework.components if c.code not in grades]
        if missing:
            raise InvalidParameterError(f"the document lacks the component {missing[0]!r}", value=missing[0])
        return cls(framework.name, grades, notes, school=data["school"], date=data["date"])

    # ------------------------------------------------------------ views
    def to_frame(self) -> Any:
        """One row per component: code, label, description, grade, descriptor, notes (needs pandas).

        ``grade`` is None for a component not yet graded.

        Raises
        ------
        ImportError
            If pandas is not installed: ``pip install 'personalise[pandas]'``.

        Examples
        --------
        >>> import personalise as pl
        >>> frame = pl.SelfReview.template().with_grade("mentoring", "A").to_frame()
        >>> list(frame.columns)
        ['code', 'label', 'description', 'grade', 'descriptor', 'notes']
        >>> frame.loc[4, "descriptor"]
        'Fully established, confident and consistent practice across the school'
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SelfReview.to_frame needs pandas: pip install 'personalise[pandas]'") from None
        components = self.components
        grades = [self.grades[c.code] for c in components]
        return pd.DataFrame({
            "code": [c.code for c in components],
            "label": [c.label for c in components],
            "description": [c.description for c in components],
            "grade": pd.Series(grades, dtype=object),  # None, not NaN, for a component not yet graded
            "descriptor": [self.scale.descriptor(grade) for grade in grades],
            "notes": [self.notes[c.code] for c in components],
        })

    def plot(self, ax: Axes | None = None) -> Axes:
        """Each component's grade on the A-D axis (see :func:`~personalise.plotting.plot_self_review`).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import personalise as pl
        >>> ax = pl.SelfReview.template().with_grade("afl", "B").plot()
        >>> len(ax.patches)  # one bar: the other four components are not yet graded
        1
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        return plot_self_review(self, ax=ax)

    def _heading(self) -> str:
        where = ": " + ", ".join(p for p in (self.school, self.date and self.date.isoformat()) if p)
        return "Self-review of personalised learning" + (where if where != ": " else "")

    def __str__(self) -> str:
        info, scale = self.framework_info, self.scale
        width = max(len(c.label) for c in self.components)
        lines = [self._heading(), f"{info.title}: {info.citation()}", "",
                 f"{'component':<{width}}  grade  notes"]
        for c in self.components:
            note = " ".join(self.notes[c.code].split())
            note = note if len(note) <= 60 else note[:57] + "..."
            lines.append(f"{c.label:<{width}}  {self.grades[c.code] or _NOT_GRADED:<5}  {note}".rstrip())
        lines.append("")
        lines += [f"{g}  {d}" for g, d in zip(scale.grades, scale.descriptors)]
        lines += [f"{_NOT_GRADED}  not yet graded", _ORDINAL_NOTE]
        return "\n".join(lines)

    def __repr__(self) -> str:
        date = None if self.date is None else self.date.isoformat()
        return f"SelfReview({self.framework!r}, {dict(self.grades)!r}, school={self.school!r}, date={date!r})"

    def _repr_html_(self) -> str:
        info, e = self.framework_info, html.escape
        rows = "".join(
            f"<tr><td>{e(c.label)}</td><td>{e(self.grades[c.code] or _NOT_GRADED)}</td>"
            f"<td>{e(self.scale.descriptor(self.grades[c.code]))}</td><td>{e(self.notes[c.code])}</td></tr>"
            for c in self.components
        )
        return (
            f"<table><caption>{e(self._heading())}<br><small>{e(info.title)}: {e(info.citation())}</small></caption>"
            "<thead><tr><th>component</th><th>grade</th><th>what the grade means</th><th>notes</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p><small>{e(self.scale.caveat)} Scale: {e(self.scale.source)}."
            "</small></p>"
        )

