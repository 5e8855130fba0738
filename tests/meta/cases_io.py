"""Bad-input cases: the readers' arguments and the value objects they return (documents are fuzzed elsewhere)."""

from __future__ import annotations

import io
from typing import Any

import attrs

import personalise as pl
from personalise import io as readers
from personalise.io.oneroster import example_bundle_files
from tests.meta.battery import Case

UID = "00000000-0000-4000-8000-{:012d}".format
ACTIVITY = "https://maths.school.example/fractions/add"


def _item(n: int, code: str, text: str) -> dict[str, str]:
    return {"identifier": UID(n), "humanCodingScheme": code, "fullStatement": text}


def _link(n: int, kind: str, origin: int, destination: int) -> dict[str, Any]:
    return {"identifier": UID(100 + n), "associationType": kind, "originNodeURI": {"identifier": UID(origin)},
            "destinationNodeURI": {"identifier": UID(destination)}}


def case_package() -> dict[str, Any]:
    return {"CFDocument": {"identifier": UID(0), "title": "Number, Year 1"},
            "CFItems": [_item(1, "N", "Number"), _item(2, "N.1", "Count to 20"), _item(3, "N.2", "Add within 10")],
            "CFAssociations": [_link(1, "isChildOf", 1, 0), _link(2, "isChildOf", 2, 1),
                               _link(3, "isChildOf", 3, 1), _link(4, "precedes", 2, 3)]}


def statements() -> str:
    return ('{"statements": [{"id": "6a1f3c2e-8b4d-4e7a-9c15-2f0b7d9e4a31", '
            '"actor": {"account": {"homePage": "https://lms.school.example", "name": "ann"}}, '
            '"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, '
            f'"object": {{"id": "{ACTIVITY}"}}, "result": {{"score": {{"raw": 7, "min": 0, "max": 10}}}}, '
            '"timestamp": "2026-09-01T09:00:00+01:00"}]}')


MARKS = "UPN,Objective,Mark,Max,Date\nA1,Round to 10,3,4,14/09/2026\nA2,Round to 10,ABS,4,15/09/2026\n"


def fields_of(obj: Any) -> dict[str, Any]:
    """The constructor arguments that rebuild ``obj`` (an attrs object)."""
    return {f.name.lstrip("_"): getattr(obj, f.name) for f in attrs.fields(type(obj)) if f.init}


def framework() -> pl.CaseFramework:
    return readers.read_case(case_package())


def bundle() -> pl.OneRosterBundle:
    return readers.read_oneroster(example_bundle_files())


CASES = [
    Case(("read_case",), readers.read_case,
         lambda: {"source": case_package(), "prerequisite_types": ("precedes", "isPeerOf")},
         names={"source": ("CASE package",)}),
    Case(("CaseFramework",), readers.CaseFramework, lambda: fields_of(framework())),
    Case(("CaseFramework",), lambda document: pl.CaseFramework.from_json(document),
         lambda: {"document": framework().to_json()}, names={"document": ("JSON", "CASE", "schema")},
         label="CaseFramework.from_json"),
    Case(("CaseFramework",), lambda framework, item: framework.label(item),
         lambda: {"framework": framework(), "item": UID(2)}, perturb=("item",), label="CaseFramework.label"),
    Case(("read_xapi",), readers.read_xapi,
         lambda: {"source": statements(), "skill_of": {ACTIVITY: "add_fractions"}, "learner_of": {"ann": "ann"},
                  "pass_mark": 0.5, "verbs": ["http://adlnet.gov/expapi/verbs/answered"]},
         names={"source": ("xAPI statements", "statements")}),
    Case(("read_oneroster",), readers.read_oneroster,
         lambda: {"source": example_bundle_files(), "skill_of": {"fractions": "fractions"},
                  "timezone": "Europe/London"},
         names={"source": ("OneRoster", "content of")}),
    Case(("OneRosterBundle",), readers.OneRosterBundle, lambda: fields_of(bundle())),
    Case(("OneRosterBundle",), lambda bundle, class_id: bundle.class_learners(class_id),
         lambda: {"bundle": bundle(), "class_id": "cls-5a"}, perturb=("class_id",), names={"class_id": ("class",)},
         label="OneRosterBundle.class_learners"),
    Case(("read_marks",), readers.read_marks,
         lambda: {"source": io.StringIO(MARKS),
                  "columns": {"learner_id": "UPN", "skill_id": "Objective", "mark": "Mark", "out_of": None,
                              "date": "Date"},
                  "max_marks": 4.0, "timezone": "Europe/London", "date_format": "%d/%m/%Y",
                  "absence_codes": {"ABS": "absent"}},
         names={"source": ("marks",)}),
    Case(("read_edge_csv",), readers.read_edge_csv,
         lambda: {"source": io.StringIO("prerequisite,skill\ncount,add\nadd,multiply\n"),
                  "skill_order": ["count", "add", "multiply"]},
         names={"source": ("cannot open",)}),
    Case(("read_junyi_exercises",), readers.read_junyi_exercises,
         lambda: {"source": io.StringIO('name,prerequisites\na,\nb,"a,b"\nb,a\n'), "repair": True},
         names={"source": ("cannot open",)}),
    Case(("RepairReport",), readers.RepairReport,
         lambda: {"duplicate_rows": (("b", 3),), "repeated_prerequisites": (), "self_loops": ("b",),
                  "unknown_prerequisites": (), "cycles": (), "dropped_edges": (("b", "b"),)}),
    Case(("RepairReport",), lambda document: pl.RepairReport.from_json(document),
         lambda: {"document": pl.RepairReport(self_loops=("a",), dropped_edges=[("a", "a")]).to_json()},
         names={"document": ("JSON", "report", "schema")}, label="RepairReport.from_json"),
    Case(("load_example_curriculum",), readers.load_example_curriculum, dict),
    Case(("load_example_class",), readers.load_example_class, lambda: {"graph": readers.load_example_curriculum()}),
]

EXEMPT: dict[str, str] = {}
