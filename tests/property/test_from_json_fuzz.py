"""Every ``from_json`` and ``from_dict`` of the value objects, fed broken documents.

Each value object's own ``to_json()`` (or ``to_dict()``) is broken by the
strategies of :mod:`tests.broken_documents` and handed back, as bytes, as
text and (while it is still JSON) as the parsed value. Every call returns a
valid object (one that round-trips again) or raises a
:class:`~personalise.PersonaliseError`, within two seconds; JSON that is
broken as text is refused with a message giving the line.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given

import personalise as pl
from personalise.exceptions import InvalidParameterError, PersonaliseError
from personalise.experience import ChoiceRecord, HartRung, pathway_to
from personalise.io import formats
from personalise.scaffolds.fading import rule_from_dict
from tests.broken_documents import DEEP, Broken, broken_json, fuzz, outcome

GRAPH = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare")])
LEARNERS = ["ann", "bo", "cy"]
MASTERY = np.array([[0.97, 0.4, 0.3, 0.0], [0.96, 0.99, 0.1, 0.0], [0.3, 0.0, 0.0, 0.0]])
EVIDENCE = pl.Evidence(
    LEARNERS, ["add", "add", "count"], [1.0, 0.25, 0.5],
    np.array(["2026-09-14T09:00", "2026-09-14T09:05", "2026-09-15T10:00"], dtype="datetime64[us]"), ["e1", "e2", "e3"],
)
QUESTION = pl.HingeQuestion("add", ("A", "B", "C"), "A", {"B": "adds the denominators", "C": "none-plausible"},
                            text="1/2 + 1/3 = ?")
PLAN = pl.plan_lesson(GRAPH, MASTERY, learner_ids=LEARNERS, question=QUESTION,
                      answers={"ann": "A", "bo": "B", "cy": "C"})
SCAFFOLD = pl.Scaffold("add", pl.contingent_fading(levels=2))
UID = "00000000-0000-4000-8000-00000000000{}".format
CASE_PACKAGE = {
    "CFDocument": {"identifier": UID(0), "title": "Fractions"},
    "CFItems": [{"identifier": UID(1), "fullStatement": "Halves"}, {"identifier": UID(2), "fullStatement": "Quarters"}],
    "CFAssociations": [{"identifier": UID(3), "associationType": "precedes", "originNodeURI": {"identifier": UID(1)},
                        "destinationNodeURI": {"identifier": UID(2)}}],
}
_, REPORT = pl.read_junyi_exercises(io.StringIO("name,prerequisites\nadd,\nmultiply,add\nadd,\nhalves,halves\n"),
                                    repair=True)

#: (name, the object, from_json or None, from_dict or None) for every value object with a JSON round trip.
OBJECTS: list[tuple[str, Any, Callable[[Any], Any] | None, Callable[[Any], Any] | None]] = [
    ("CompiledGraph", GRAPH, pl.CompiledGraph.from_json, None),
    ("Evidence", EVIDENCE, pl.Evidence.from_json, pl.Evidence.from_dict),
    ("evidence formats", EVIDENCE, None, formats.from_dict),
    ("MasteryTable", pl.MasteryTable(LEARNERS, list(GRAPH.skill_ids), MASTERY), pl.MasteryTable.from_json,
     pl.MasteryTable.from_dict),
    ("BKTParams", pl.BKTParams(GRAPH.skill_ids, [0.1] * 4, [0.2] * 4, [0.2] * 4, [0.1] * 4, [0.0] * 4),
     pl.BKTParams.from_json, None),
    ("Scaffold", SCAFFOLD, pl.Scaffold.from_json, pl.Scaffold.from_dict),
    ("fading rule", SCAFFOLD.rule, None, rule_from_dict),
    ("ScaffoldState", pl.ScaffoldState.start(3, [SCAFFOLD, pl.Scaffold("count", pl.linear_fading(4))]),
     pl.ScaffoldState.from_json, None),
    ("HingeQuestion", QUESTION, pl.HingeQuestion.from_json, pl.HingeQuestion.from_dict),
    ("SelfReview", pl.SelfReview.template(school="Hillside", date="2026-10-09").with_grade("afl", "B", "a note"),
     pl.SelfReview.from_json, pl.SelfReview.from_dict),
    ("LessonPlan", PLAN, pl.LessonPlan.from_json, None),
    ("PlanItem", PLAN.items[0], None, pl.PlanItem.from_dict),
    ("SimulationResult", pl.simulate(GRAPH, pl.policy_from_name("mastery-learning"), n_learners=4, n_steps=3, rng=1),
     pl.SimulationResult.from_json, None),
    ("LearnerModel", pl.LearnerModel(), None, pl.LearnerModel.from_dict),
    ("policy", pl.policy_from_name("mastery-learning"), None, pl.policy_from_dict),
    ("ChoiceRecord", ChoiceRecord("add", "learner", ("add", "compare"), rung=HartRung.CONSULTED_AND_INFORMED),
     None, ChoiceRecord.from_dict),
    ("Pathway", pathway_to(GRAPH, "multiply", MASTERY[0]), None, pl.Pathway.from_dict),
    ("OneRosterBundle", pl.read_oneroster(pl.io.oneroster.example_bundle_files()), pl.OneRosterBundle.from_json,
     pl.OneRosterBundle.from_dict),
    ("CaseFramework", pl.read_case(CASE_PACKAGE),
     pl.CaseFramework.from_json, pl.CaseFramework.from_dict),
    ("RepairReport", REPORT, pl.RepairReport.from_json, None),
]


def document_of(value: Any) -> Any:
    """The plain JSON value a value object writes."""
    return json.loads(value.to_json()) if hasattr(value, "to_json") else json.loads(json.dumps(value.to_dict()))



def check_result(result: Any, kind: type) -> None:
    """A returned object is whole: of the right type, and it round-trips again."""
    if isinstance(result, PersonaliseError):
        return
    assert isinstance(result, kind), type(result)
    if hasattr(result, "to_json") and hasattr(kind, "from_json") and kind is not pl.LessonPlan:
        assert kind.from_json(result.to_json()) == result


def test_every_value_object_round_trips_before_it_is_broken() -> None:
    for name, value, from_json, from_dict in OBJECTS:
        if from_json is not None:
            assert from_json(value.to_json()) is not None, name
        if from_dict is not None:
            assert from_dict(document_of(value)) is not None, name


@pytest.mark.parametrize(("name", "value", "from_json", "from_dict"), OBJECTS, ids=[entry[0] for entry in OBJECTS])
def test_from_json_and_from_dict_on_broken_documents(
    name: str, value: Any, from_json: Callable[[Any], Any] | None, from_dict: Callable[[Any], Any] | None
) -> None:
    kind = type(value)

    @fuzz(25)
    @given(broken=broken_json(document_of(value)))
    def check(broken: Broken) -> None:
        if from_json is not None:
            sources: list[Any] = [broken.data]
            try:
                sources.append(broken.data.decode("utf-8"))
            except UnicodeDecodeError:
                pass
            for source in sources:
                check_result(outcome(lambda source=source: from_json(source), broken=broken), kind)
        if from_dict is not None and broken.parsed is not None:
            check_result(outcome(lambda: from_dict(broken.parsed)), kind)
        elif from_dict is not None and from_json is None:
            # a from_dict constructor is given what a caller would have parsed, or refuses
            try:
                parsed = json.loads(broken.data)
            except (ValueError, RecursionError):
                return
            check_result(outcome(lambda: from_dict(parsed)), kind)

    check()


@pytest.mark.parametrize(("name", "value", "from_json"), [entry[:3] for entry in OBJECTS if entry[2] is not None],
                         ids=[entry[0] for entry in OBJECTS if entry[2] is not None])
def test_from_json_refuses_deep_nesting_and_non_json_values(
    name: str, value: Any, from_json: Callable[[Any], Any]
) -> None:
    for text in ("[" * DEEP + "]" * DEEP, '{"schema": ' + "[" * 300 + "]" * 300 + "}", "NaN", "", "\ufeff"):
        err = outcome(lambda text=text: from_json(text))
        assert isinstance(err, InvalidParameterError), (name, text[:20], err)
    for wrong in (None, 3, [1, 2], object()):
        assert isinstance(outcome(lambda wrong=wrong: from_json(wrong)), PersonaliseError), (name, wrong)
