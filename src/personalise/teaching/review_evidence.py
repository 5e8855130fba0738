"""What the library records for each component of a self-review (part of :mod:`personalise.teaching`).

A :class:`~personalise.SelfReview` holds a school's own grades. Beside each
grade, :meth:`SelfReview.evidence <personalise.SelfReview.evidence>` lists
the library functions that give evidence for the component and, when their
records are passed in, counts taken from them: observations, learners and
sources of evidence in an evidence store, hinge questions diagnosed,
adjustments verified, scaffolds opened and faded, choices recorded. These
indicators are shown beside the grade; they never set or suggest one, and the
components for which the library holds nothing (for example learning how to
learn, mentoring and support) say so.

Examples
--------
>>> import personalise as pl
>>> q = pl.HingeQuestion("add fractions", ("A", "B", "C"), "A", {"B": "adds denominators", "C": "none-plausible"})
>>> d = pl.diagnose(q, {"ann": "A", "bo": "B", "cy": "B", "di": None})
>>> afl = pl.SelfReview.template().with_grade("afl", "B").evidence(diagnoses=[d])[1]
>>> print(afl)
Assessment for learning (the school's grade: B)
  from the library: HingeQuestion, diagnose, decide, verify, estimate_mastery, EvidenceStore.evidence
  hinge questions diagnosed: 1
  answers read: 3
  misconceptions found (held by at least one learner): 1
  Indicators from the library's records, to read beside the school's own grade: they never set or suggest one.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from personalise._validation import (
    check_int,
    check_sequence,
    check_text,
    check_texts,
    check_timestamps,
    format_timestamp,
    is_text,
    load_json_document,
    require_fields,
)
from personalise.exceptions import InvalidParameterError
from personalise.experience.choice import ChoiceRecord
from personalise.scaffolds.audit import audit_scaffolds
from personalise.teaching.diagnosis import Diagnosis
from personalise.teaching.review_vocabulary import (
    ReviewComponent,
    string_field,
    strings_field,
)
from personalise.teaching.verification import Verification

if TYPE_CHECKING:
    from personalise.content.bkt_params import BKTParams
    from personalise.store import EvidenceStore

__all__ = ["ComponentEvidence"]

SCHEMA = "personalise.component_evidence/1"

#: What an evidence store must offer to be read (duck typing: an EvidenceStore does).
_STORE_METHODS = ("evidence", "classes", "class_learners", "scaffolds")

Indicators = tuple[tuple[str, int], ...]

#: The library functions that give evidence for each theme, by name (all importable from ``personalise``).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "afl": ("HingeQuestion", "diagnose", "decide", "verify", "estimate_mastery", "EvidenceStore.evidence"),
    "teaching": ("Scaffold", "linear_fading", "exponential_fading", "stepwise_fading", "contingent_fading",
                 "backward_fading", "mastery_fading", "audit_scaffolds", "flexible_groups", "plan_lesson"),
    "choice": ("choice_menu", "pathway_to", "ChoiceRecord"),
    "organisation": ("flexible_groups", "audit_grouping"),
    "none": (),
}

#: Which theme each component of each framework belongs to.
THEMES: dict[tuple[str, str], str] = {
    ("west-burnham-2007", "learning-to-learn"): "none",
    ("west-burnham-2007", "afl"): "afl",
    ("west-burnham-2007", "teaching-strategies"): "teaching",
    ("west-burnham-2007", "curriculum-choice"): "choice",
    ("west-burnham-2007", "mentoring"): "none",
    ("dfes-2004", "afl"): "afl",
    ("dfes-2004", "teaching-strategies"): "teaching",
    ("dfes-2004", "curriculum"): "choice",
    ("dfes-2004", "organisation"): "organisation",
    ("dfes-2004", "partnership"): "none",
}

_NOTES = {
    "none": "The library holds no evidence for this component: it is for the school to record, in the review's notes.",
    "organisation": ("The library sees only grouping within classes (flexible groups, and groups that have become "
                     "fixed tracks); the rest of the school's organisation is for the school to record."),
}
_INDICATORS_NOTE = ("Indicators from the library's records, to read beside the school's own grade: they never set "
                    "or suggest one.")
_NOTHING_PASSED = ("Pass the library's records (a store, diagnoses, verifications, choices) to count what they hold; "
                   "the counts never set or suggest a grade.")
#: A scaffold still giving support after this many opportunities is a permanent fixture (as in audit_scaffolds).
MAX_OPPORTUNITIES = 10


def _functions(values: object) -> tuple[str, ...]:
    return check_texts(values, "functions")


def _indicators(values: object) -> Indicators:
    pairs = []
    for pair in check_sequence(values, "indicators") or ():
        items = check_sequence(pair, "each of indicators") or []
        if len(items) != 2:
            raise InvalidParameterError(f"indicators must hold (label, count) pairs; got {pair!r:.80}", value=pair)
        label = check_text(items[0], "the label of an indicator in indicators")
        pairs.append((str(label), check_int(items[1], f"indicators[{label!r}]", minimum=0)))
    return tuple(pairs)


@attrs.frozen
class ComponentEvidence:
    """What the library records for one component of a self-review, beside the school's grade.

    Parameters
    ----------
    component : str
        The component's code.
    label : str
        The component's name.
    grade : str or None
        The school's own grade (None: not yet graded). The indicators never set it.
    functions : tuple of str
        The library functions that give evidence for the component (names
        importable from ``personalise``); empty when the library holds none.
    indicators : tuple of (str, int)
        Counts taken from the records passed in, each with its label, in a
        fixed order; empty when nothing was passed.
    note : str
        What the indicators are, or that the library holds no evidence.

    Examples
    --------
    >>> import personalise as pl
    >>> found = pl.SelfReview.template().evidence(choices=[pl.ChoiceRecord("add", "learner", ("add", "count"))])
    >>> found[3].component, found[3].indicators
    ('curriculum-choice', (('choices recorded', 1), ('of them made by the learner', 1)))
    >>> found[3].value("choices recorded")
    1
    """

    component: str = attrs.field(validator=is_text(empty=False))
    label: str = attrs.field(validator=is_text())
    grade: str | None = attrs.field(validator=is_text(optional=True))
    functions: tuple[str, ...] = attrs.field(converter=_functions)
    indicators: Indicators = attrs.field(converter=_indicators)
    note: str = attrs.field(validator=is_text())

    def value(self, label: str) -> int:
        """The indicator called ``label``.

        Raises
        ------
        InvalidParameterError
            If there is no such indicator; the message names it and lists the labels.

        Examples
        --------
        >>> import personalise as pl
        >>> choices = [pl.ChoiceRecord("add", "teacher", ("add", "count"))]
        >>> pl.SelfReview.template("dfes-2004").evidence(choices=choices)[2].value("of them made by the learner")
        0
        """
        for name, value in self.indicators:
            if isinstance(label, str) and name == label:
                return value
        raise InvalidParameterError(f"no indicator {label!r} for {self.component!r}; the indicators are "
                                    f"{[name for name, _ in self.indicators]}", value=label)

    def __str__(self) -> str:
        lines = [f"{self.label} (the school's grade: {self.grade or 'not yet graded'})"]
        if self.functions:
            lines.append("  from the library: " + ", ".join(self.functions))
        lines += [f"  {name}: {value}" for name, value in self.indicators]
        lines.append(f"  {self.note}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The evidence as a JSON-ready dict with a ``"schema"`` field (see :meth:`to_json`)."""
        return {"schema": SCHEMA, "component": self.component, "label": self.label, "grade": self.grade,
                "functions": list(self.functions), "indicators": [[name, value] for name, value in self.indicators],
                "note": self.note}

    def to_json(self, **options: Any) -> str:
        """The evidence as a JSON document; ``options`` go to :func:`json.dumps`.

        Examples
        --------
        >>> import personalise as pl
        >>> found = pl.SelfReview.template().with_grade("afl", "B").evidence()[1]
        >>> pl.ComponentEvidence.from_json(found.to_json()) == found
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComponentEvidence:
        """Rebuild the evidence from :meth:`to_dict` output (see :meth:`from_json`)."""
        return cls.from_json(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> ComponentEvidence:
        """Rebuild the evidence from :meth:`to_json` output (text or the parsed dict).

        Raises
        ------
        InvalidParameterError
            If the document is not JSON or not an object, has another schema,
            lacks a field, or a field has the wrong type (each named; an
            indicator must be a ``[label, count]`` pair with an integer count).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.ComponentEvidence.from_json('{"schema": "personalise.component_evidence/1", "component": "afl", '
        ...     '"label": "AfL", "grade": "B", "functions": ["diagnose"], "indicators": [["answers read", 3]], '
        ...     '"note": ""}').value("answers read")
        3
        """
        data = load_json_document(document, SCHEMA)
        what = "component evidence"
        require_fields(data, ("component", "label", "grade", "functions", "indicators", "note"), what)
        grade = data["grade"]
        if grade is not None and not isinstance(grade, str):
            raise InvalidParameterError(f"{what}: field 'grade' must be a string or null; got {grade!r:.80}",
                                        value=grade)
        raw = data["indicators"]
        if not isinstance(raw, list):
            raise InvalidParameterError(f"{what}: field 'indicators' must be a list; got {raw!r:.80}", value=raw)
        indicators = []
        for position, pair in enumerate(raw):
            if (not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str)
                    or isinstance(pair[1], bool) or not isinstance(pair[1], int)):
                raise InvalidParameterError(f"{what}: indicator {position} must be a [label, count] pair with an "
                                            f"integer count; got {pair!r:.80}", value=pair)
            indicators.append((pair[0], pair[1]))
        return cls(string_field(data, "component", what), string_field(data, "label", what), grade,
                   strings_field(data, "functions", what), tuple(indicators), string_field(data, "note", what))

    def _repr_html_(self) -> str:
        e = html.escape
        functions = ", ".join(f"<code>{e(name)}</code>" for name in self.functions) or "none"
        rows = "".join(f"<tr><td>{e(name)}</td><td>{value}</td></tr>" for name, value in self.indicators)
        table = f"<table><tbody>{rows}</tbody></table>" if rows else ""
        return (f"<p><b>{e(self.label)}</b> (the school's grade: {e(self.grade or 'not yet graded')})<br>"
                f"from the library: {functions}</p>{table}<p><small>{e(self.note)}</small></p>")


def _items(values: Iterable[Any], kind: type, name: str) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidParameterError(f"{name} must be a sequence of {kind.__name__} objects; got {values!r}",
                                    value=values)
    items = check_sequence(values, name) or []
    for position, item in enumerate(items):
        if not isinstance(item, kind):
            raise InvalidParameterError(f"{name} must hold {kind.__name__} objects; got {item!r} at position "
                                        f"{position}", value=item)
    return items


def _now(now: Any) -> np.datetime64:
    moment = _dt.datetime.now(_dt.UTC) if now is None else now
    stamp: np.datetime64 = check_timestamps([moment], "now")[0]
    return stamp


def _store_indicators(store: Any, class_id: str | None, now: Any, days: int,
                      params: BKTParams | None) -> tuple[Indicators, Indicators]:
    """The store's counts for assessment for learning, and for teaching strategies (scaffolds)."""
    if not all(callable(getattr(store, name, None)) for name in _STORE_METHODS):
        raise InvalidParameterError(f"store must be an EvidenceStore (see open_store) or None; got "
                                    f"{type(store).__name__}", value=store)
    if class_id is not None:
        learners: list[Hashable] = list(store.class_learners(class_id))
        evidence = store.evidence(learner_ids=learners)
        scope = f"on the roster of {class_id!r}"
    else:
        evidence = store.evidence()
        rostered = [learner for name in store.classes() for learner in store.class_learners(name)]
        learners = list(dict.fromkeys([*evidence.learner_ids.tolist(), *rostered]))
        scope = "in the store (with evidence or on a roster)"
    moment = _now(now)
    recent = (evidence.timestamps >= moment - np.timedelta64(days, "D")) & (evidence.timestamps <= moment)
    sources = set() if evidence.sources is None else set(evidence.sources.tolist()) - {"unknown"}
    afl = (
        ("observations recorded", len(evidence)),
        (f"learners {scope}", len(learners)),
        (f"of them assessed in the {days} days to {format_timestamp(moment)[:10]}",
         len(set(evidence.learner_ids[recent].tolist()))),
        ("distinct sources of evidence (files, systems)", len(sources)),
        ("skills assessed", len(set(evidence.skill_ids.tolist()))),
    )
    opened = faded = holders = fixtures = 0
    for learner in learners:
        state = store.scaffolds([learner], params=params)
        if state.n_scaffolds == 0:
            continue
        holders += 1
        opened += state.n_scaffolds
        faded += int((state.support == 0.0).sum())
        found = audit_scaffolds(state, learner_ids=[learner], max_opportunities=MAX_OPPORTUNITIES)
        fixtures += sum(finding.kind == "permanent fixture" for finding in found)
    teaching = (
        ("learners holding a scaffold", holders),
        ("scaffolds opened", opened),
        ("of them faded (no support now)", faded),
        ("of them still giving support", opened - faded),
        (f"still giving support after {MAX_OPPORTUNITIES} or more opportunities (permanent fixtures)", fixtures),
    )
    return afl, teaching


def component_evidence(framework: str, components: Sequence[ReviewComponent], grades: Mapping[str, str | None],
                       store: EvidenceStore | None, *, class_id: str | None, diagnoses: Iterable[Diagnosis],
                       verifications: Iterable[Verification], choices: Iterable[ChoiceRecord], now: Any, days: int,
                       params: BKTParams | None) -> tuple[ComponentEvidence, ...]:
    """The evidence of :meth:`SelfReview.evidence <personalise.SelfReview.evidence>`, which documents it."""
    span = check_int(days, "days", minimum=1)
    found_diagnoses: Sequence[Diagnosis] = _items(diagnoses, Diagnosis, "diagnoses")
    found_verifications: Sequence[Verification] = _items(verifications, Verification, "verifications")
    found_choices: Sequence[ChoiceRecord] = _items(choices, ChoiceRecord, "choices")
    if class_id is not None and store is None:
        raise InvalidParameterError(f"class_id={class_id!r} needs a store to count its learners", value=class_id)
    by_theme: dict[str, list[tuple[str, int]]] = {theme: [] for theme in FUNCTIONS}
    if store is not None:
        afl, teaching = _store_indicators(store, class_id, now, span, params)
        by_theme["afl"] += afl
        by_theme["teaching"] += teaching
    if found_diagnoses:
        held = {label for d in found_diagnoses for label, ids in d.misconceptions.items() if ids}
        by_theme["afl"] += [("hinge questions diagnosed", len(found_diagnoses)),
                            ("answers read", sum(d.n_answered for d in found_diagnoses)),
                            ("misconceptions found (held by at least one learner)", len(held))]
    if found_verifications:
        by_theme["afl"] += [("adjustments verified on an equivalent question", len(found_verifications)),
                            ("of them worked (verify)", sum(bool(v.worked) for v in found_verifications))]
    if found_choices:
        by_theme["choice"] += [("choices recorded", len(found_choices)),
                               ("of them made by the learner", sum(c.chooser == "learner" for c in found_choices))]
    out = []
    for component in components:
        theme = THEMES[(framework, component.code)]
        found = tuple(by_theme[theme])
        note = _NOTES.get(theme, _INDICATORS_NOTE if found else _NOTHING_PASSED)
        out.append(ComponentEvidence(component.code, component.label, grades[component.code],
                                     FUNCTIONS[theme], found, note))
    return tuple(out)
