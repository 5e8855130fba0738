"""Every public value object with ``to_json`` round-trips exactly, and its JSON text is stable.

For objects built from drawn parameters through the public constructors and
functions: ``type(x).from_json(x.to_json()) == x``, ``from_dict`` (where
there is one) reads the parsed document back the same, and writing the object
read back gives the same text again. A public class with ``to_json`` but no
strategy here fails :func:`test_every_public_class_with_to_json_has_a_case`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise.io.case import read_case
from personalise.scaffolds import KINDS, WOOD_FUNCTIONS
from tests.property.test_case_properties import write_package
from tests.property.test_oneroster_properties import models, written
from tests.strategies import compiled_dags, dags, examples, seeds

NAMESPACES = ("personalise", "personalise.content", "personalise.teaching", "personalise.experience",
              "personalise.scaffolds", "personalise.simulation", "personalise.io", "personalise.store")

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
names = texts.filter(str.strip)  # non-blank: what the vocabulary and label fields require
words = st.text("abcdxyz_-é1", min_size=1, max_size=6)
probabilities = st.floats(0.0, 1.0)


def _public_classes_with_to_json() -> set[type]:
    found = set()
    for module_name in NAMESPACES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) and callable(getattr(value, "to_json", None)):
                found.add(value)
    return found


# ------------------------------------------------------------------ strategies
@st.composite
def graphs(draw: st.DrawFn) -> pl.CompiledGraph:
    return draw(compiled_dags(max_skills=40))[1]


@st.composite
def bkt_params(draw: st.DrawFn) -> pl.BKTParams:
    ids = draw(st.lists(words, unique=True, max_size=8))
    n = len(ids)
    column = st.lists(probabilities, min_size=n, max_size=n)
    low = st.lists(st.floats(0.0, 0.49), min_size=n, max_size=n)
    return pl.BKTParams(ids, draw(column), draw(column), draw(low), draw(low), draw(column))


@st.composite
def evidence(draw: st.DrawFn) -> pl.Evidence:
    n = draw(st.integers(0, 12))
    learners = draw(st.lists(words, min_size=n, max_size=n))
    skills = draw(st.one_of(st.lists(words, min_size=n, max_size=n),
                            st.lists(st.integers(0, 2**40), min_size=n, max_size=n)))
    scores = draw(st.lists(probabilities, min_size=n, max_size=n))
    micros = draw(st.lists(st.integers(0, 4 * 10**15), min_size=n, max_size=n))
    stamps = np.array(micros, dtype=np.int64).astype("datetime64[us]")
    ids = [f"e{i}" for i in draw(st.permutations(range(n)))]
    sources = draw(st.one_of(st.none(), st.lists(words, min_size=n, max_size=n)))
    skipped = draw(st.lists(st.tuples(words, texts.filter(str.strip)), max_size=3))
    return pl.Evidence(learners, skills, scores, stamps, ids, sources=sources, skipped=skipped)


@st.composite
def mastery_tables(draw: st.DrawFn) -> pl.MasteryTable:
    learners = draw(st.lists(words, unique=True, max_size=6))
    skills = draw(st.lists(st.integers(0, 10**6), unique=True, max_size=6))
    values = draw(st.lists(st.lists(probabilities, min_size=len(skills), max_size=len(skills)),
                           min_size=len(learners), max_size=len(learners)))
    return pl.MasteryTable(learners, skills, np.array(values, dtype=np.float64).reshape(len(learners), len(skills)))


@st.composite
def case_frameworks(draw: st.DrawFn) -> pl.CaseFramework:
    G = draw(dags(max_skills=15))
    rng = np.random.default_rng(draw(seeds))
    ids = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(G.number_of_nodes() + 1)]
    name = dict(zip(G.nodes, ids, strict=False))
    parents = {name[n]: [ids[-1]] for n in G.nodes} if draw(st.booleans()) else {}
    return read_case(write_package(rng, ids[:-1], [(name[u], name[v]) for u, v in G.edges], parents, ids[-1]))


pairs = st.lists(st.tuples(st.integers(1, 999), words), max_size=3)
repair_reports = st.builds(pl.RepairReport, duplicate_rows=pairs, repeated_prerequisites=st.lists(st.tuples(words, words),
                                                                                                 max_size=3),
                           self_loops=st.lists(words, max_size=3),
                           unknown_prerequisites=st.lists(st.tuples(words, words), max_size=3),
                           cycles=st.lists(st.lists(words, min_size=2, max_size=4).map(tuple), max_size=2),
                           dropped_edges=st.lists(st.tuples(words, words), max_size=3))


@st.composite
def oneroster_bundles(draw: st.DrawFn) -> pl.OneRosterBundle:
    return pl.read_oneroster(draw(written(draw(models()))))


@st.composite
def hinge_questions(draw: st.DrawFn) -> pl.HingeQuestion:
    options = draw(st.lists(st.sampled_from("ABCDE"), unique=True, min_size=2, max_size=5))
    correct = draw(st.sampled_from(options))
    labels = st.one_of(st.just("none-plausible"), texts.filter(str.strip))
    misconceptions = {option: draw(labels) for option in options if option != correct}
    return pl.HingeQuestion(draw(words), tuple(options), correct, misconceptions,
                            text=draw(st.one_of(st.none(), texts.filter(str.strip))))


@st.composite
def lesson_plans(draw: st.DrawFn) -> pl.LessonPlan:
    graph = pl.compile_graph(draw(dags(min_skills=1, max_skills=12, id_kinds=("str", "word"))))
    n = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(seeds))
    mastery = np.where(rng.random((n, graph.n_skills)) < 0.5, 1.0, rng.random((n, graph.n_skills)))
    learners = [f"L{i}" for i in range(n)]
    question = answers = None
    if draw(st.booleans()):
        skill = draw(st.sampled_from(graph.skill_ids))
        question = pl.HingeQuestion(skill, ("A", "B", "C"), "A", {"B": "misreads", "C": "none-plausible"})
        answers = {learner: draw(st.sampled_from(["A", "B", "C"])) for learner in learners}
        if n > 2:
            answers[learners[0]] = None  # someone absent (most still answer, so decide() has evidence)
    return pl.plan_lesson(graph, mastery, learner_ids=learners, question=question, answers=answers,
                          k=draw(st.integers(1, 4)), max_group_size=draw(st.one_of(st.none(), st.integers(1, 6))))


rules = st.one_of(
    st.builds(pl.linear_fading, st.integers(1, 10)),
    st.builds(pl.exponential_fading, st.floats(0.5, 20.0), floor=st.floats(0.0, 0.5, exclude_min=True)),
    st.builds(pl.stepwise_fading, st.integers(1, 5)),
    st.builds(pl.contingent_fading, levels=st.integers(2, 6), fade_after=st.integers(1, 3)),
    st.builds(pl.backward_fading, st.integers(1, 6), reinstate=st.booleans()),
)


@st.composite
def scaffolds(draw: st.DrawFn) -> pl.Scaffold:
    scaffold = pl.Scaffold(draw(words), draw(rules), kind=draw(st.sampled_from(KINDS)),
                           functions=draw(st.frozensets(st.sampled_from(WOOD_FUNCTIONS))))
    for outcome in draw(st.lists(st.booleans(), max_size=12)):
        scaffold = scaffold.after(outcome)
    return scaffold


@st.composite
def scaffold_states(draw: st.DrawFn) -> pl.ScaffoldState:
    n = draw(st.integers(0, 6))
    state = pl.ScaffoldState.start(n, draw(st.lists(scaffolds(), max_size=4)))
    rng = np.random.default_rng(draw(seeds))
    for _ in range(draw(st.integers(0, 6))):
        state = state.after(rng.random((n, state.n_scaffolds)) < 0.6)
    return state


@st.composite
def simulation_results(draw: st.DrawFn) -> pl.SimulationResult:
    graph = pl.compile_graph(draw(dags(min_skills=1, max_skills=8, id_kinds=("str", "int"))))
    policy = pl.policy_from_name(draw(st.sampled_from(sorted(pl.POLICIES))))
    return pl.simulate(graph, policy, n_learners=draw(st.integers(0, 20)), n_steps=draw(st.integers(0, 6)),
                       rng=draw(seeds), trajectories=draw(st.booleans()),
                       goal=draw(st.one_of(st.none(), st.sampled_from(graph.skill_ids))))


@st.composite
def self_reviews(draw: st.DrawFn) -> pl.SelfReview:
    review = pl.SelfReview.template(draw(st.sampled_from([f.name for f in pl.review_frameworks()])),
                                    school=draw(st.one_of(st.none(), texts.filter(str.strip))),
                                    date=draw(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1)))))
    for component in review.components:
        review = review.with_grade(component.code, draw(st.sampled_from(["A", "B", "C", "D", None])), draw(texts))
    return review


review_components = st.builds(pl.ReviewComponent, names, names, texts, texts, st.lists(names, max_size=3).map(tuple))
review_frameworks = st.one_of(
    st.sampled_from(pl.review_frameworks()),
    st.builds(pl.ReviewFramework, names, names, names, names, st.booleans(), names,
              st.lists(review_components, max_size=5).map(tuple)),
)


@st.composite
def review_scales(draw: st.DrawFn) -> pl.ReviewScale:
    grades = draw(st.lists(names, unique=True, min_size=1, max_size=5))
    descriptors = draw(st.lists(names, min_size=len(grades), max_size=len(grades)))
    return pl.ReviewScale(tuple(grades), tuple(descriptors), draw(names), draw(names), draw(st.booleans()),
                          draw(names))


@st.composite
def component_evidence(draw: st.DrawFn) -> pl.ComponentEvidence:
    if draw(st.booleans()):
        question = pl.HingeQuestion("s", ("A", "B"), "A", {"B": "m"})
        answers = draw(st.dictionaries(words, st.sampled_from(["A", "B"]), min_size=1, max_size=6))
        choices = [pl.ChoiceRecord("add", draw(st.sampled_from(["learner", "teacher"])), ("add", "count"))
                   for _ in range(draw(st.integers(0, 3)))]
        found = pl.SelfReview.template().evidence(diagnoses=[pl.diagnose(question, answers)], choices=choices)
        return draw(st.sampled_from(found))
    return pl.ComponentEvidence(draw(names), draw(names), draw(st.one_of(st.none(), st.sampled_from("ABCD"))),
                                tuple(draw(st.lists(names, max_size=3))),
                                tuple(draw(st.lists(st.tuples(names, st.integers(0, 2**70)), max_size=4))),
                                draw(texts))


#: A strategy per public class with a JSON round trip, and how many examples it gets.
CASES: dict[type, tuple[st.SearchStrategy[Any], int]] = {
    pl.BKTParams: (bkt_params(), 120),
    pl.CaseFramework: (case_frameworks(), 30),
    pl.CompiledGraph: (graphs(), 120),
    pl.ComponentEvidence: (component_evidence(), 120),
    pl.Evidence: (evidence(), 120),
    pl.HingeQuestion: (hinge_questions(), 120),
    pl.LessonPlan: (lesson_plans(), 45),
    pl.MasteryTable: (mastery_tables(), 120),
    pl.OneRosterBundle: (oneroster_bundles(), 30),
    pl.RepairReport: (repair_reports, 120),
    pl.ReviewComponent: (review_components, 120),
    pl.ReviewFramework: (review_frameworks, 90),
    pl.ReviewScale: (review_scales(), 120),
    pl.Scaffold: (scaffolds(), 120),
    pl.ScaffoldState: (scaffold_states(), 75),
    pl.SelfReview: (self_reviews(), 90),
    pl.SimulationResult: (simulation_results(), 45),
}


def test_every_public_class_with_to_json_has_a_case() -> None:
    found = _public_classes_with_to_json()
    assert pl.CompiledGraph in found, "the scan for to_json missed CompiledGraph"
    missing = sorted(cls.__name__ for cls in found - set(CASES))
    assert not missing, f"public classes with to_json but no round-trip strategy: {missing}"


def _round_trip(cls: type, value: Any) -> None:
    assert type(value) is cls
    text = value.to_json()
    data = json.loads(text)
    assert isinstance(data, dict) and str(data.get("schema", "")).startswith("personalise.")
    back = cls.from_json(text)
    assert type(back) is cls
    assert back == value, f"{cls.__name__}.from_json(x.to_json()) != x"
    assert back.to_json() == text, f"{cls.__name__}: the JSON text changed after a round trip"
    from_dict = getattr(cls, "from_dict", None)
    if from_dict is not None:
        assert from_dict(data) == value, f"{cls.__name__}.from_dict does not read the parsed document back"


def _test_for(cls: type) -> Callable[[], None]:
    strategy, n = CASES[cls]

    @examples(n)
    @given(value=strategy)
    def check(value: Any) -> None:
        _round_trip(cls, value)

    return check


@pytest.mark.parametrize("cls", sorted(CASES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_round_trip_is_exact_and_the_text_stable(cls: type) -> None:
    _test_for(cls)()
