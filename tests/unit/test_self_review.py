"""SelfReview: the two vocabularies with their sources, grading, JSON, views, plot, evidence, and no ordering."""

from __future__ import annotations

import datetime as dt
import json
import operator
import statistics
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from personalise.teaching.review_evidence import FUNCTIONS, THEMES
from personalise.teaching.review_vocabulary import _parse_vocabulary

WB = "west-burnham-2007"
DFES = "dfes-2004"

#: The DfES's September 2004 wording, as the TLRP (2004) commentary quotes it.
DFES_WORDING = [
    "Assessment for learning and the use of evidence and dialogue to identify every pupil's learning needs",
    ("Teaching and learning strategies that develop the competence and confidence of every learner by actively "
     "engaging and stretching them"),
    ("Curriculum entitlement and choice that delivers breadth of study, personal relevance and flexible learning "
     "pathways through the system"),
    ("A student centred approach to school organisation, with school leaders and teachers thinking creatively about "
     "how to support high quality teaching and learning"),
    ("Strong partnership beyond the school to drive forward progress in the classroom, to remove barriers to learning "
     "and to support pupil well-being"),
]
DESCRIPTORS = [
    "Fully established, confident and consistent practice across the school",
    "Emergent practice across the school or established in parts of the school",
    "At the planning and development stage",
    "Not yet on the school's agenda",
]


# ------------------------------------------------------------------ vocabularies
def test_the_two_vocabularies_carry_their_sources() -> None:
    wb, dfes = pl.review_frameworks()
    assert (wb.name, wb.edition, dfes.name, dfes.edition) == (WB, "2007", DFES, "September 2004")
    assert "West-Burnham" in wb.source and "Leadership for personalising learning" in wb.source
    assert "National College for School Leadership" in wb.source
    assert "DfES" in dfes.source and "2004" in dfes.source and "TLRP" in dfes.source
    for framework in (wb, dfes):
        assert len(framework.components) == 5
        assert framework.caveat
        assert all(component.source == framework.source for component in framework.components)
    assert [c.label for c in wb.components] == [
        "Learning how to learn", "Assessment for learning", "Teaching and learning strategies", "Curriculum choice",
        "Mentoring and support",
    ]
    assert [c.description for c in dfes.components] == DFES_WORDING
    assert not wb.verified and wb.citation().endswith("[not checked against the primary text]")
    assert dfes.verified and dfes.citation() == dfes.source


def test_the_scale_keeps_its_descriptors_source_and_direction() -> None:
    scale = pl.review_scale()
    assert scale is pl.SelfReview.template().scale
    assert scale.grades == ("A", "B", "C", "D")
    assert list(scale.descriptors) == DESCRIPTORS
    assert scale.most_developed == "A"
    assert scale.direction.startswith("A is the most developed")
    assert "West-Burnham" in scale.source and not scale.verified
    assert "not a measurement" in scale.caveat
    assert scale.descriptor(None) == "not yet graded"


def test_the_library_functions_named_as_evidence_exist() -> None:
    assert set(THEMES) == {(f.name, c.code) for f in pl.review_frameworks() for c in f.components}
    for names in FUNCTIONS.values():
        for name in names:
            owner, _, attribute = name.partition(".")
            assert owner in pl.__all__, name
            assert not attribute or callable(getattr(getattr(pl, owner), attribute))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(schema="personalise.other/1"), "personalise.other/1"),
        (lambda d: d.pop("scale"), "'scale'"),
        (lambda d: d["frameworks"][0]["components"].pop(), "five components"),
        (lambda d: d["frameworks"][0].pop("source"), "'source'"),
        (lambda d: d["frameworks"][1]["components"][0].update(label=""), "'label'"),
        (lambda d: d["frameworks"][1]["components"][1].update(code="afl"), "repeated"),
        (lambda d: d["scale"]["grades"].reverse(), "A, B, C, D"),
        (lambda d: d["frameworks"][0].update(verified="yes"), "verified"),
        (lambda d: d["scale"].update(verified=1), "verified"),
        (lambda d: d["scale"]["grades"][2].update(descriptor=" "), "'descriptor'"),
    ],
)
def test_a_broken_vocabulary_file_is_refused(change: Any, match: str) -> None:
    from importlib import resources

    data = json.loads(resources.files("personalise.data").joinpath("self_review.json").read_text(encoding="utf-8"))
    _parse_vocabulary(data)
    change(data)
    with pytest.raises(pl.InvalidParameterError, match=match):
        _parse_vocabulary(data)


# ------------------------------------------------------------------ building and grading
@pytest.mark.parametrize("framework", [WB, DFES])
def test_template_has_every_component_ungraded(framework: str) -> None:
    review = pl.SelfReview.template(framework)
    assert review.framework == framework
    assert list(review.grades) == [c.code for c in review.components]
    assert set(review.grades.values()) == {None} and set(review.notes.values()) == {""}
    assert review.school is None and review.date is None


def test_the_default_vocabulary_is_west_burnham() -> None:
    assert pl.SelfReview.template().framework == WB == pl.SelfReview().framework


def test_with_grade_returns_a_new_review() -> None:
    empty = pl.SelfReview.template(school="Hillside", date="2026-10-09")
    review = empty.with_grade("afl", "B", "hinge questions in most maths lessons")
    assert empty.grades["afl"] is None and empty.notes["afl"] == ""
    assert review.grades["afl"] == "B" and review.notes["afl"] == "hinge questions in most maths lessons"
    assert (review.school, review.date) == ("Hillside", dt.date(2026, 10, 9))
    kept = review.with_grade("afl", "A")
    assert kept.grades["afl"] == "A" and kept.notes["afl"] == "hinge questions in most maths lessons"
    cleared = kept.with_grade("afl", None, "")
    assert cleared == empty
    with pytest.raises(AttributeError):
        review.framework = DFES  # type: ignore[misc]
    with pytest.raises(TypeError):
        review.grades["afl"] = "C"  # type: ignore[index]


@pytest.mark.parametrize(
    ("framework", "name", "code"),
    [
        (WB, "learning-to-learn", "learning-to-learn"),
        (WB, "Learning how to learn", "learning-to-learn"),
        (WB, "  learning  TO learn ", "learning-to-learn"),
        (WB, "mentoring and support", "mentoring"),
        (WB, "a portfolio of effective teaching and learning strategies", "teaching-strategies"),
        (DFES, "Curriculum entitlement and choice", "curriculum"),
        (DFES, "curriculum choice", "curriculum"),
        (DFES, "PARTNERSHIP", "partnership"),
    ],
)
def test_components_are_found_by_code_label_or_alias(framework: str, name: str, code: str) -> None:
    review = pl.SelfReview.template(framework).with_grade(name, "C")
    assert [c for c, g in review.grades.items() if g] == [code]


def test_the_constructor_takes_grades_and_notes_by_component() -> None:
    review = pl.SelfReview(DFES, {"afl": "A", "School organisation": "D"}, {"partnership": "two local colleges"})
    assert dict(review.grades) == {"afl": "A", "teaching-strategies": None, "curriculum": None,
                                   "organisation": "D", "partnership": None}
    assert review.notes["partnership"] == "two local colleges"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda r: r.with_grade("metacognition", "A"), pl.InvalidParameterError, r"unknown component 'metacognition'"),
        (lambda r: r.with_grade("partnership", "A"), pl.InvalidParameterError, r"'partnership'.*'west-burnham-2007'"),
        (lambda r: r.with_grade(3, "A"), pl.InvalidParameterError, r"unknown component 3"),
        (lambda r: r.with_grade("afl", "E"), pl.InvalidParameterError, r"got 'E'"),
        (lambda r: r.with_grade("afl", "a"), pl.InvalidParameterError, r"'A', 'B', 'C', 'D' or None.*got 'a'"),
        (lambda r: r.with_grade("afl", 1), pl.InvalidParameterError, r"got 1"),
        (lambda r: r.with_grade("afl", ""), pl.InvalidParameterError, r"got ''"),
        (lambda r: r.with_grade("afl", "B", notes=5), pl.InvalidParameterError, r"notes on 'afl'.*got 5"),
        (lambda r: pl.SelfReview("dfes2004"), pl.InvalidParameterError, r"'dfes2004'"),
        (lambda r: pl.SelfReview(school=7), pl.InvalidParameterError, r"school.*got 7"),
        (lambda r: pl.SelfReview(date="9 Oct 2026"), pl.InvalidParameterError, r"'9 Oct 2026'"),
        (lambda r: pl.SelfReview(date=dt.datetime(2026, 10, 9)), pl.InvalidParameterError, r"date must be"),
        (lambda r: pl.SelfReview(grades=["A"] * 5), pl.InvalidParameterError, r"grades must map"),
        (lambda r: pl.SelfReview(grades={"afl": "A", "Assessment for learning": "B"}), pl.InvalidParameterError,
         r"'afl' twice \(as 'Assessment for learning'\)"),
        (lambda r: pl.SelfReview(grades={"afl": "F"}), pl.InvalidParameterError, r"got 'F' \(for 'afl'\)"),
        (lambda r: pl.SelfReview(notes={"nowhere": "x"}), pl.InvalidParameterError, r"'nowhere'"),
    ],
)
def test_bad_input_is_refused_naming_the_offending_item(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match) as caught:
        call(pl.SelfReview.template())
    assert isinstance(caught.value, pl.PersonaliseError)
    assert isinstance(caught.value, ValueError)


def test_a_bad_grade_names_the_allowed_ones() -> None:
    with pytest.raises(pl.InvalidParameterError) as caught:
        pl.SelfReview.template().with_grade("afl", "E")
    assert str(caught.value) == "grade must be one of 'A', 'B', 'C', 'D' or None (not yet graded); got 'E'"
    assert caught.value.value == "E"


# ------------------------------------------------------------------ no comparison
@pytest.mark.parametrize("op", [operator.lt, operator.le, operator.gt, operator.ge])
def test_reviews_cannot_be_ordered(op: Any) -> None:
    a = pl.SelfReview.template().with_grade("afl", "A")
    b = pl.SelfReview.template().with_grade("afl", "D")
    with pytest.raises(TypeError, match="not a measurement"):
        op(a, b)
    with pytest.raises(TypeError):
        sorted([a, b])
    with pytest.raises(TypeError):
        max([a, b])


def test_reviews_have_no_score_or_mean() -> None:
    a = pl.SelfReview.template().with_grade("afl", "A")
    b = pl.SelfReview.template().with_grade("afl", "C")
    for name in ("score", "mean", "total", "rank", "__float__", "__int__", "__add__"):
        assert not hasattr(a, name), name
    with pytest.raises(TypeError):
        float(a)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        statistics.mean([a, b])  # type: ignore[type-var]
    with pytest.raises(TypeError):
        statistics.mean(a.grades[c] for c in ("afl",))  # grades are letters, not numbers
    assert a == pl.SelfReview.template().with_grade("afl", "A") and a != b
    assert len({a, b, pl.SelfReview.template().with_grade("afl", "A")}) == 2


# ------------------------------------------------------------------ JSON
grades = st.sampled_from(["A", "B", "C", "D", None])


@st.composite
def reviews(draw: st.DrawFn) -> pl.SelfReview:
    framework = draw(st.sampled_from([WB, DFES]))
    codes = [c.code for c in pl.SelfReview.template(framework).components]
    return pl.SelfReview(
        framework,
        {code: draw(grades) for code in codes},
        {code: draw(st.text()) for code in codes},
        school=draw(st.none() | st.text()),
        date=draw(st.none() | st.dates()),
    )


@given(reviews())
def test_json_round_trip_is_exact(review: pl.SelfReview) -> None:
    text = review.to_json()
    again = pl.SelfReview.from_json(text)
    assert again == review
    assert dict(again.grades) == dict(review.grades) and dict(again.notes) == dict(review.notes)
    assert (again.school, again.date, again.framework) == (review.school, review.date, review.framework)
    assert again.to_json() == text
    assert pl.SelfReview.from_dict(json.loads(text)) == review
    assert pl.SelfReview.from_json(review.to_json(indent=2).encode("utf-8")) == review


def test_the_document_has_a_schema_and_every_component() -> None:
    data = json.loads(pl.SelfReview.template(DFES, date=dt.date(2026, 10, 9)).with_grade("afl", "B", "é").to_json())
    assert data["schema"] == "personalise.self_review/1"
    assert data["date"] == "2026-10-09"
    assert data["components"][0] == {"code": "afl", "grade": "B", "notes": "é"}
    assert [row["code"] for row in data["components"]] == ["afl", "teaching-strategies", "curriculum",
                                                           "organisation", "partnership"]


def _document(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(pl.SelfReview.template().with_grade("afl", "B").to_json())
    data.update(changes)
    return data


def _rows(change: Any) -> dict[str, Any]:
    data = _document()
    change(data["components"])
    return data


@pytest.mark.parametrize(
    ("document", "match"),
    [
        ("{not json", "not a JSON document"),
        ("[1, 2]", "must be a JSON object"),
        (_document(schema="personalise.self_review/2"), r"expected schema 'personalise.self_review/1'; got 'personalise.self_review/2'"),
        ({k: v for k, v in _document().items() if k != "schema"}, r"got None"),
        ({k: v for k, v in _document().items() if k != "framework"}, r"missing the field 'framework'"),
        ({k: v for k, v in _document().items() if k != "school"}, r"missing the field 'school'"),
        ({k: v for k, v in _document().items() if k != "date"}, r"missing the field 'date'"),
        ({k: v for k, v in _document().items() if k != "components"}, r"missing the field 'components'"),
        (_document(framework="west-burnham-2008"), r"'west-burnham-2008'"),
        (_document(components={"afl": "B"}), r"'components' must be a list"),
        (_document(date="2026-13-01"), r"'2026-13-01'"),
        (_document(school=3), r"school.*got 3"),
        (_rows(lambda rows: rows.append({"code": "ict", "grade": "A", "notes": ""})), r"unknown component 'ict'"),
        (_rows(lambda rows: rows[1].update(code="Assessment for learning")), r"by its code; got 'Assessment for"),
        (_rows(lambda rows: rows.append(dict(rows[1]))), r"component 'afl' appears twice"),
        (_rows(lambda rows: rows.pop()), r"lacks the component 'mentoring'"),
        (_rows(lambda rows: rows[1].update(grade="E")), r"got 'E' \(for 'afl'\)"),
        (_rows(lambda rows: rows[1].update(grade=2)), r"got 2 \(for 'afl'\)"),
        (_rows(lambda rows: rows[2].update(notes=None)), r"notes on 'teaching-strategies'.*got None"),
        (_rows(lambda rows: rows[2].pop("grade")), r"component 2 document is missing the field 'grade'"),
        (_rows(lambda rows: rows.__setitem__(0, "afl")), r"component 0 must be an object; got 'afl'"),
    ],
)
def test_broken_documents_are_refused_naming_the_problem(document: Any, match: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=match):
        pl.SelfReview.from_json(document if isinstance(document, str) else json.dumps(document))
    if not isinstance(document, str):
        with pytest.raises(pl.InvalidParameterError, match=match):
            pl.SelfReview.from_json(document)


# ------------------------------------------------------------------ views
def test_to_frame_has_one_row_per_component() -> None:
    pytest.importorskip("pandas")
    review = pl.SelfReview.template(DFES).with_grade("afl", "A", "every lesson").with_grade("partnership", "D")
    frame = review.to_frame()
    assert list(frame.columns) == ["code", "label", "description", "grade", "descriptor", "notes"]
    assert frame["code"].tolist() == ["afl", "teaching-strategies", "curriculum", "organisation", "partnership"]
    assert frame["description"].tolist() == DFES_WORDING
    assert frame["grade"].tolist() == ["A", None, None, None, "D"]
    assert frame["descriptor"].tolist() == [DESCRIPTORS[0], *["not yet graded"] * 3, DESCRIPTORS[3]]
    assert frame["notes"].tolist() == ["every lesson", "", "", "", ""]


def test_text_view_is_a_short_table_with_the_scale_and_source() -> None:
    long_note = "pupils keep learning logs in Years 5 and 6; Years 3 and 4 start after half term\nsecond line"
    review = (pl.SelfReview.template(school="Hillside", date="2026-10-09")
              .with_grade("afl", "B", "hinge questions").with_grade("learning-to-learn", "C", long_note))
    text = str(review)
    lines = text.splitlines()
    assert lines[0] == "Self-review of personalised learning: Hillside, 2026-10-09"
    assert "West-Burnham" in lines[1] and "[not checked against the primary text]" in lines[1]
    assert len(lines) < 20
    row = next(line for line in lines if line.startswith("Assessment for learning"))
    assert row.split() == ["Assessment", "for", "learning", "B", "hinge", "questions"]
    assert next(line for line in lines if line.startswith("Mentoring")).split()[-1] == "-"
    assert any(line.endswith("...") and "learning logs" in line for line in lines)
    for grade, descriptor in zip("ABCD", DESCRIPTORS):
        assert f"{grade}  {descriptor}" in lines
    assert "never compared" in text
    assert repr(review).startswith("SelfReview('west-burnham-2007', {'learning-to-learn': 'C', 'afl': 'B'")


def test_html_view_escapes_the_text() -> None:
    review = pl.SelfReview.template(school="<b>Hill & Dale</b>").with_grade("afl", "B", "<script>alert(1)</script>")
    page = review._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Hill &amp; Dale&lt;/b&gt;" in page
    assert page.count("<tr>") == 6  # the header and five components
    assert DESCRIPTORS[1] in page and "not yet graded" in page


# ------------------------------------------------------------------ plot
@pytest.fixture
def plt() -> Iterator[Any]:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib import pyplot

    pyplot.close("all")
    yield pyplot
    pyplot.close("all")


def test_plot_draws_each_grade_on_the_ordinal_axis(plt: Any) -> None:
    review = (pl.SelfReview.template(DFES, school="Hillside").with_grade("afl", "A")
              .with_grade("curriculum", "C").with_grade("organisation", "D"))
    ax = review.plot()
    bars = [(bar.get_y() + bar.get_height() / 2, bar.get_x(), bar.get_x() + bar.get_width()) for bar in ax.patches]
    # afl (row 0) reaches A's column (3), curriculum (row 2) C's (1), organisation (row 3) D's (0)
    assert [value for bar in bars for value in bar] == pytest.approx([0, -0.5, 3.4, 2, -0.5, 1.4, 3, -0.5, 0.4])
    assert [label.get_text().replace("\n", " ") for label in ax.get_yticklabels()] == [
        c.label for c in review.components]
    ticks = [label.get_text().replace("\n", " ") for label in ax.get_xticklabels()]
    assert ticks == [f"{g}: {d}" for g, d in zip("DCBA", reversed(DESCRIPTORS))]
    assert list(ax.get_xticks()) == [0, 1, 2, 3]
    assert ax.get_xlim() == (-0.5, 3.5)
    ungraded = [text for text in ax.texts if text.get_text() == "not yet graded"]
    assert [text.get_position()[1] for text in ungraded] == [1, 4]
    assert "Hillside" in ax.get_title()
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the first component at the top


def test_plot_uses_the_given_axes_and_refuses_others(plt: Any) -> None:
    _, ax = plt.subplots()
    review = pl.SelfReview.template()
    assert pl.plot_self_review(review, ax=ax) is ax
    assert not ax.patches
    with pytest.raises(pl.InvalidParameterError, match="ax must be a matplotlib Axes"):
        review.plot(ax="left")  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="review must be a SelfReview; got dict"):
        pl.plot_self_review({"afl": "A"})  # type: ignore[arg-type]


# ------------------------------------------------------------------ evidence from the library
@pytest.fixture
def store() -> Iterator[pl.EvidenceStore]:
    with pl.open_store(":memory:") as opened:
        opened.set_roster({"4M": ["ann", "bo", "cy", "di"]})
        start = "2026-09-01T08:00Z"
        opened.open_scaffold("ann", pl.Scaffold("add", pl.contingent_fading(levels=2)), at=start)
        opened.open_scaffold("bo", pl.Scaffold("add", pl.linear_fading(4)), at=start)
        opened.open_scaffold("cy", pl.Scaffold("add", pl.contingent_fading(levels=3)), at=start)
        opened.open_scaffold("zed", pl.Scaffold("sub", pl.linear_fading(4)), at=start)
        opened.add(pl.Evidence(["ann", "ann"], ["add", "add"], [1, 1], ["2026-09-01T09:00Z", "2026-09-02T09:00Z"],
                               ["a1", "a2"], sources="quiz 1"))
        opened.add(pl.Evidence(["bo", "bo"], ["add", "add"], [1, 0], ["2026-09-20T09:00Z", "2026-09-21T09:00Z"],
                               ["b1", "b2"], sources="quiz 2"))
        opened.add(pl.Evidence(["cy"] * 10, ["add"] * 10, [0] * 10,
                               [f"2026-09-12T{9 + k:02d}:00Z" for k in range(10)], [f"c{k}" for k in range(10)]))
        opened.add(pl.Evidence(["zed"], ["sub"], [1], ["2026-09-24T09:00Z"], ["z1"], sources="quiz 3"))
        yield opened


NOW = "2026-09-25T00:00Z"


def test_store_indicators_for_a_class(store: pl.EvidenceStore) -> None:
    found = pl.SelfReview.template().with_grade("afl", "B").evidence(store, class_id="4M", now=NOW)
    afl, teaching = found[1], found[2]
    # ann 2 + bo 2 + cy 10 observations; of the four on the roster, bo and cy have evidence since 11 September;
    # quiz 1 and quiz 2 (cy's rows have no source); one skill
    assert afl.indicators == (
        ("observations recorded", 14),
        ("learners on the roster of '4M'", 4),
        ("of them assessed in the 14 days to 2026-09-25", 2),
        ("distinct sources of evidence (files, systems)", 2),
        ("skills assessed", 1),
    )
    assert afl.grade == "B" and afl.component == "afl"
    # ann's scaffold faded after two successes, bo's (linear, 4) is at 0.5, cy's is at full support after 10 failures
    assert teaching.indicators == (
        ("learners holding a scaffold", 3),
        ("scaffolds opened", 3),
        ("of them faded (no support now)", 1),
        ("of them still giving support", 2),
        ("still giving support after 10 or more opportunities (permanent fixtures)", 1),
    )
    assert teaching.grade is None


def test_store_indicators_for_the_whole_store(store: pl.EvidenceStore) -> None:
    afl, teaching = pl.SelfReview.template(DFES).evidence(store, now=NOW, days=30)[:2]
    assert afl.value("observations recorded") == 15
    assert afl.value("learners in the store (with evidence or on a roster)") == 5  # ann bo cy zed, and di
    assert afl.value("of them assessed in the 30 days to 2026-09-25") == 4
    assert afl.value("distinct sources of evidence (files, systems)") == 3
    assert afl.value("skills assessed") == 2
    assert [value for _, value in teaching.indicators] == [4, 4, 1, 3, 1]
    assert pl.SelfReview.template(DFES).evidence(store, now=NOW, days=1)[0].value(
        "of them assessed in the 1 days to 2026-09-25") == 1  # zed, on the 24th


def test_recent_window_ends_at_now(store: pl.EvidenceStore) -> None:
    afl = pl.SelfReview.template().evidence(store, class_id="4M", now="2026-09-12T12:00Z", days=14)[1]
    assert afl.value("of them assessed in the 14 days to 2026-09-12") == 2  # ann (1 and 2 Sept) and cy; bo later


def test_diagnoses_verifications_and_choices_are_counted() -> None:
    q1 = pl.HingeQuestion("add", ("A", "B", "C"), "A", {"B": "m1", "C": "m2"}, text="1/2 + 1/3")
    q2 = pl.HingeQuestion("add", ("A", "B", "C"), "B", {"A": "m1", "C": "m2"}, text="1/4 + 1/5")
    d1 = pl.diagnose(q1, {"ann": "A", "bo": "B", "cy": "C", "di": None})
    d2 = pl.diagnose(q2, {"ann": "B", "bo": "B", "cy": "A", "di": "A"})
    worked = pl.verify(d1, d2, targeted=["m2"])  # p_know 0 -> 0.25, m2 1/3 -> 0
    failed = pl.verify(d1, d2)  # m1 rose, 1/3 -> 1/2
    assert (worked.worked, failed.worked) == (True, False)
    choices = [pl.ChoiceRecord("add", "learner", ("add", "sub")), pl.ChoiceRecord("sub", "learner", ("add", "sub")),
               pl.ChoiceRecord("add", "teacher", ("add", "sub"))]
    found = pl.SelfReview.template().evidence(diagnoses=[d1, d2], verifications=(worked, failed), choices=choices)
    assert found[1].indicators == (
        ("hinge questions diagnosed", 2),
        ("answers read", 7),
        ("misconceptions found (held by at least one learner)", 2),
        ("adjustments verified on an equivalent question", 2),
        ("of them worked (verify)", 1),
    )
    assert found[3].indicators == (("choices recorded", 3), ("of them made by the learner", 2))
    assert found[2].indicators == ()  # no store: nothing counted for teaching strategies


def test_components_without_library_evidence_say_so() -> None:
    wb = pl.SelfReview.template().evidence()
    dfes = pl.SelfReview.template(DFES).evidence()
    for item in (wb[0], wb[4], dfes[4]):
        assert item.functions == () and item.indicators == ()
        assert "holds no evidence" in item.note and "for the school to record" in item.note
    assert dfes[3].functions == ("flexible_groups", "audit_grouping") and "for the school to record" in dfes[3].note
    assert wb[1].functions == ("HingeQuestion", "diagnose", "decide", "verify", "estimate_mastery",
                               "EvidenceStore.evidence")
    assert "audit_scaffolds" in wb[2].functions and "plan_lesson" in wb[2].functions
    assert wb[3].functions == ("choice_menu", "pathway_to", "ChoiceRecord")
    assert "Pass the library's records" in wb[1].note


def test_evidence_never_changes_the_grades(store: pl.EvidenceStore) -> None:
    review = pl.SelfReview.template().with_grade("teaching-strategies", "D")
    before = review.to_json()
    found = review.evidence(store, now=NOW)
    assert review.to_json() == before
    assert [item.grade for item in found] == [None, None, "D", None, None]
    assert "grade" not in " ".join(name for item in found for name, _ in item.indicators)


def test_evidence_views(store: pl.EvidenceStore) -> None:
    item = pl.SelfReview.template().with_grade("afl", "C").evidence(store, class_id="4M", now=NOW)[1]
    text = str(item)
    assert text.splitlines()[0] == "Assessment for learning (the school's grade: C)"
    assert "  observations recorded: 14" in text.splitlines()
    assert "never set or suggest" in text
    page = item._repr_html_()
    assert "<td>learners on the roster of &#x27;4M&#x27;</td><td>4</td>" in page
    with pytest.raises(pl.InvalidParameterError, match=r"no indicator 'pupils'"):
        item.value("pupils")


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"store": "school.db"}, pl.InvalidParameterError, r"store must be an EvidenceStore.*got str"),
        ({"class_id": "4M"}, pl.InvalidParameterError, r"class_id='4M' needs a store"),
        ({"diagnoses": ["d"]}, pl.InvalidParameterError, r"diagnoses must hold Diagnosis objects; got 'd' at position 0"),
        ({"verifications": "v"}, pl.InvalidParameterError, r"verifications must be a sequence"),
        ({"choices": [None]}, pl.InvalidParameterError, r"choices must hold ChoiceRecord.*None at position 0"),
        ({"days": 0}, pl.InvalidParameterError, r"days"),
        ({"days": 1.5}, pl.InvalidParameterError, r"days"),
    ],
)
def test_evidence_refuses_bad_input(options: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        pl.SelfReview.template().evidence(**options)


def test_evidence_refuses_an_unknown_class_and_a_naive_now(store: pl.EvidenceStore) -> None:
    with pytest.raises(pl.UnknownClassError, match="'5B'"):
        pl.SelfReview.template().evidence(store, class_id="5B", now=NOW)
    with pytest.raises(pl.EvidenceError, match="UTC offset"):
        pl.SelfReview.template().evidence(store, now="2026-09-25T00:00")
