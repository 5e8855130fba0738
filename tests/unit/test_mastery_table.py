"""MasteryTable: validation, conversions, and the id path of every function that takes mastery.

Each function given a table whose columns are a permutation of the graph's
skills must give exactly what it gives for the array in graph order; a skill
the graph lacks is an UnknownSkillError, a graph skill the table lacks is a
ShapeError unless ``missing=`` says what to assume; results carry the ids.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.strategies import examples

GRAPH = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare"), ("compare", "fractions"),
                          ("multiply", "fractions")])
LEARNERS = ("ann", "bo", "cy")
ARRAY = np.array([[0.99, 0.40, 0.20, 0.00, 0.00],
                  [0.99, 0.97, 0.96, 0.30, 0.10],
                  [0.50, 0.10, 0.00, 0.00, 0.00]])
PERMUTATION = [3, 0, 4, 2, 1]


def _table(order: list[int] = PERMUTATION) -> pl.MasteryTable:
    return pl.MasteryTable(LEARNERS, [GRAPH.skill_ids[j] for j in order], ARRAY[:, order])


def test_construction_validates_and_freezes() -> None:
    values = ARRAY.copy()
    table = pl.MasteryTable(list(LEARNERS), GRAPH.skill_ids, values)
    values[0, 0] = 0.0
    assert table.values[0, 0] == 0.99 and not table.values.flags.writeable
    assert (table.n_learners, table.n_skills) == (3, 5)
    assert repr(table) == "MasteryTable(3 learners x 5 skills)"
    assert table == pl.MasteryTable(LEARNERS, GRAPH.skill_ids, ARRAY)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((["a", "a"], ["x"], [[0.1], [0.2]]), pl.InvalidParameterError, "learner_ids must be unique; 'a'"),
        ((["a"], ["x", "x"], [[0.1, 0.2]]), pl.InvalidParameterError, "skill_ids must be unique; 'x'"),
        ((["a"], ["x"], [[0.1, 0.2]]), pl.ShapeError, r"shape \(1, 1\)"),
        ((["a"], ["x"], [[float("nan")]]), pl.InvalidParameterError, "got nan for learner 'a', skill 'x'"),
        ((["a"], ["x"], [[1.2]]), pl.InvalidParameterError, "got 1.2 for learner 'a'"),
        ((["a"], ["x"], [["high"]]), pl.InvalidParameterError, "numbers"),
        ((["a", None], ["x"], [[0.1], [0.2]]), pl.InvalidParameterError, "None among string ids"),
        (("ab", ["x"], [[0.1]]), pl.InvalidParameterError, "sequence of ids"),
    ],
)
def test_bad_tables_are_refused(args: tuple, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pl.MasteryTable(*args)


def test_value_select_align_and_values_for() -> None:
    table = _table()
    assert table.value("bo", "add") == 0.97
    assert table.select(["cy", "ann"]).learner_ids == ("cy", "ann")
    np.testing.assert_array_equal(table.align(GRAPH).values, ARRAY)
    with pytest.raises(pl.UnknownLearnerError, match="'zed' is not in the mastery table") as info:
        table.select(["zed"])
    assert info.value.learner == "zed" and isinstance(info.value, LookupError)
    with pytest.raises(pl.UnknownSkillError, match="column for skill '.*', which is not a skill of the graph"):
        table.values_for(["count"])
    partial = pl.MasteryTable(LEARNERS, ["count"], ARRAY[:, :1])
    with pytest.raises(pl.ShapeError, match="no column for skill 'add'"):
        partial.values_for(GRAPH.skill_ids)
    filled = partial.values_for(GRAPH.skill_ids, missing=0.0)
    assert filled[:, 0].tolist() == [0.99, 0.99, 0.5] and (filled[:, 1:] == 0).all()
    for bad in (1.5, "0", True, float("nan")):
        with pytest.raises(pl.InvalidParameterError, match="missing must be a number"):
            partial.values_for(GRAPH.skill_ids, missing=bad)  # type: ignore[arg-type]


def test_frame_json_and_html() -> None:
    table = _table()
    assert pl.MasteryTable.from_frame(table.to_frame()) == table
    assert pl.MasteryTable.from_json(table.to_json()) == table
    assert pl.MasteryTable.from_dict(table.to_dict()) == table
    page = table._repr_html_()
    assert page.count("<tr>") == 4 and "fractions" in page
    big = pl.MasteryTable([f"p{i}" for i in range(30)], [f"s{j}" for j in range(15)], np.zeros((30, 15)))
    assert "10 more learners" in big._repr_html_()
    with pytest.raises(pl.InvalidParameterError, match="list of rows"):
        pl.MasteryTable.from_json('{"schema": "personalise.mastery_table/1", "learner_ids": [], '
                                  '"skill_ids": [], "values": 3}')
    empty = pl.MasteryTable([], ["x"], np.zeros((0, 1)))
    assert pl.MasteryTable.from_json(empty.to_json()) == empty


@examples(60)
@given(values=st.lists(st.floats(0, 1), min_size=6, max_size=6), data=st.data())
def test_json_round_trip_is_exact(values: list[float], data: st.DataObject) -> None:
    ids = data.draw(st.lists(st.one_of(st.integers(-5, 5), st.just(0)), min_size=2, max_size=2, unique=True))
    table = pl.MasteryTable(ids, ["a", "b", "c"], np.reshape(values, (2, 3)))
    again = pl.MasteryTable.from_json(table.to_json())
    assert again == table and again.learner_ids == table.learner_ids


# ------------------------------------------------------------ the id path
def test_readiness_and_inner_fringe_match_by_skill_id() -> None:
    table = _table()
    np.testing.assert_array_equal(pl.readiness(GRAPH, table), pl.readiness(GRAPH, ARRAY))
    np.testing.assert_array_equal(pl.inner_fringe(GRAPH, table), pl.inner_fringe(GRAPH, ARRAY))


def test_unknown_and_missing_skills() -> None:
    extra = pl.MasteryTable(LEARNERS, list(GRAPH.skill_ids) + ["algebra"], np.zeros((3, 6)))
    with pytest.raises(pl.UnknownSkillError, match="'algebra'"):
        pl.recommend_next(GRAPH, extra)
    partial = pl.MasteryTable(LEARNERS, ["count", "add"], ARRAY[:, :2])
    with pytest.raises(pl.ShapeError, match="no column for skill 'compare'"):
        pl.readiness(GRAPH, partial)
    filled = ARRAY.copy()
    filled[:, 2:] = 0.0
    np.testing.assert_array_equal(pl.readiness(GRAPH, partial, missing=0.0), pl.readiness(GRAPH, filled))
    with pytest.raises(pl.InvalidParameterError, match="missing= applies only to a MasteryTable"):
        pl.readiness(GRAPH, ARRAY, missing=0.0)


def test_recommend_next_carries_the_learner_ids() -> None:
    table = _table()
    recs = pl.recommend_next(GRAPH, table, k=2)
    plain = pl.recommend_next(GRAPH, ARRAY, k=2)
    np.testing.assert_array_equal(recs.indices, plain.indices)
    assert recs.learner_ids == LEARNERS and plain.learner_ids is None
    assert recs.to_records() == plain.to_records(LEARNERS)
    assert recs.to_records(["x", "y", "z"])[0]["learner_id"] == "x"
    assert recs.to_frame()["learner_id"].tolist()[0] == "ann"


def test_goals_by_learner_id() -> None:
    table = _table()
    recs = pl.recommend_next(GRAPH, table, goals={"cy": "compare"})
    expected = pl.recommend_next(GRAPH, ARRAY, goals=[None, None, "compare"])
    np.testing.assert_array_equal(recs.indices, expected.indices)
    with pytest.raises(pl.UnknownLearnerError, match="'zed'"):
        pl.recommend_next(GRAPH, table, goals={"zed": "compare"})
    with pytest.raises(pl.InvalidParameterError, match="only when mastery is a MasteryTable"):
        pl.recommend_next(GRAPH, ARRAY, goals={"ann": "compare"})


def test_pathway_and_choice_menu_take_a_one_learner_table() -> None:
    table = _table()
    assert pl.pathway_to(GRAPH, "fractions", table.select(["bo"])) == pl.pathway_to(GRAPH, "fractions", ARRAY[1])
    assert pl.choice_menu(GRAPH, table.select(["ann"])) == pl.choice_menu(GRAPH, ARRAY[0])
    with pytest.raises(pl.ShapeError, match=r"has 3 learners \(pass table.select"):
        pl.pathway_to(GRAPH, "fractions", table)
    with pytest.raises(pl.ShapeError, match="has 3 learners"):
        pl.choice_menu(GRAPH, table)


def test_plan_lesson_takes_the_ids_from_the_table() -> None:
    table = _table()
    assert pl.plan_lesson(GRAPH, table) == pl.plan_lesson(GRAPH, ARRAY, learner_ids=LEARNERS)
    sub = pl.plan_lesson(GRAPH, table, learner_ids=["cy", "ann"])
    assert sub == pl.plan_lesson(GRAPH, ARRAY[[2, 0]], learner_ids=["cy", "ann"])
    with pytest.raises(pl.InvalidParameterError, match="learner_ids is required"):
        pl.plan_lesson(GRAPH, ARRAY)
    with pytest.raises(pl.UnknownLearnerError, match="'zed'"):
        pl.plan_lesson(GRAPH, table, learner_ids=["zed"])


def test_update_mastery_id_path() -> None:
    params = pl.BKTParams(GRAPH.skill_ids, prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    table = _table()
    ev = pl.Evidence(["bo", "dee"], ["fractions", "add"], [1, 0], ["2026-09-01T09:00Z"] * 2, ["e1", "e2"])
    after = pl.update_mastery(params, table, ev)
    assert after.learner_ids == LEARNERS + ("dee",) and after.skill_ids == GRAPH.skill_ids
    j = GRAPH.index_of("fractions")
    expected = pl.update_mastery(params, ARRAY, [1], [j], [1])
    np.testing.assert_allclose(after.values[:3], expected, rtol=0, atol=1e-15)
    with pytest.raises(pl.InvalidParameterError, match="third argument must be an Evidence"):
        pl.update_mastery(params, table, [0])
    with pytest.raises(pl.InvalidParameterError, match="skills and correct belong to the positional form"):
        pl.update_mastery(params, table, ev, [0], [1])  # type: ignore[call-overload]
    with pytest.raises(pl.InvalidParameterError, match="needs skills and correct"):
        pl.update_mastery(params, ARRAY, [0])  # type: ignore[call-overload]
    with pytest.raises(pl.InvalidParameterError, match="evidence updates a MasteryTable"):
        pl.update_mastery(params, ARRAY, ev)  # type: ignore[call-overload]


def test_estimate_mastery_errors() -> None:
    params = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    ev = pl.Evidence(["ann", "ann"], ["add", "subtract"], [1, 0], ["2026-09-01T09:00Z"] * 2, ["e1", "e2"])
    with pytest.raises(pl.UnknownSkillError, match="skill 'subtract' in row 1"):
        pl.estimate_mastery(params, ev)
    with pytest.raises(pl.InvalidParameterError, match="evidence must be an Evidence"):
        pl.estimate_mastery(params, {"user_id": []})  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="params must be BKTParams"):
        pl.estimate_mastery(None, ev)  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="prior must be a MasteryTable"):
        pl.estimate_mastery(params, ev.select(skill_ids=["add"]), prior=np.zeros((1, 1)))  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="pass_mark"):
        pl.estimate_mastery(params, ev.select(skill_ids=["add"]), pass_mark=1.5)
    with pytest.raises(pl.InvalidParameterError, match="unique"):
        pl.estimate_mastery(params, ev.select(skill_ids=["add"]), learner_ids=["a", "a"])
    foreign = pl.MasteryTable(["ann"], ["add", "subtract"], [[0.5, 0.5]])
    with pytest.raises(pl.UnknownSkillError, match="'subtract'"):
        pl.estimate_mastery(params, ev.select(skill_ids=["add"]), prior=foreign)
    empty = pl.estimate_mastery(params, ev.select(learner_ids=["nobody"]))
    assert empty.n_learners == 0 and empty.skill_ids == ("add",)


def test_audit_scaffolds_and_scaffold_state_take_tables() -> None:
    scaffolds = [pl.Scaffold("add", pl.mastery_fading()), pl.Scaffold("compare", pl.contingent_fading())]
    state = pl.ScaffoldState.start(3, scaffolds)
    table = _table()
    columns = [GRAPH.index_of("add"), GRAPH.index_of("compare")]
    outcomes = np.array([[True, False], [True, True], [False, False]])
    assert state.after(outcomes, mastery=table) == state.after(outcomes, mastery=ARRAY[:, columns])
    lacking = pl.MasteryTable(LEARNERS, ["count"], ARRAY[:, :1])
    with pytest.raises(pl.ShapeError, match="no column for skill 'add'"):
        state.after(outcomes, mastery=lacking)
    struggling = state
    for _ in range(4):
        struggling = struggling.after(np.array([[False, False]] * 3), mastery=table)
    by_table = pl.audit_scaffolds(struggling, graph=GRAPH, mastery=table)
    by_array = pl.audit_scaffolds(struggling, graph=GRAPH, mastery=ARRAY, learner_ids=LEARNERS)
    assert by_table == by_array and {f.learner for f in by_table} <= set(LEARNERS)
    reordered = pl.audit_scaffolds(struggling, graph=GRAPH, mastery=table, learner_ids=["cy", "bo", "ann"])
    assert {f.learner for f in reordered} <= set(LEARNERS)


def test_records_name_skills_by_a_mapping_or_a_function() -> None:
    recs = pl.recommend_next(GRAPH, _table(), k=2, goals={"cy": "fractions"})
    names = {"count": "Count to 20", "add": "Add within 20"}
    by_map = recs.to_records(names=names)
    assert [r["skill_name"] for r in by_map if r["learner_id"] == "ann"] == ["Add within 20", "'compare'"]
    assert "mastered (Count to 20)" in by_map[0]["reason"]
    cy = [r for r in recs.to_records(names=str.upper) if r["learner_id"] == "cy"]
    assert cy and "goal FRACTIONS" in cy[0]["reason"]
    frame = recs.to_frame(names=names)
    assert list(frame.columns)[:4] == ["learner_id", "rank", "skill_id", "skill_name"]
    assert "skill_name" not in recs.to_records()[0]
    with pytest.raises(pl.InvalidParameterError, match="names must be a mapping or a function"):
        recs.to_records(names=3)  # type: ignore[arg-type]
