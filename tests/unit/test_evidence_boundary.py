"""Evidence and MasteryTable at the boundary: every bad id, id list, document or column map is named."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import personalise as pl

T0 = "2026-09-01T09:00Z"
NOT_LISTS = [None, True, 0, -1, 1.5, math.nan, 1 + 2j, object(), np.array(0.5), {"ann": 1}]


def _ev() -> pl.Evidence:
    return pl.Evidence(["ann", "bo"], ["add", "count"], [1.0, 0.5], [T0, T0], ["e1", "e2"])


def _table() -> pl.MasteryTable:
    return pl.MasteryTable(["ann", "bo"], ["add", "count"], [[0.2, 0.9], [0.7, 0.1]])


@pytest.mark.parametrize("bad", NOT_LISTS[1:])  # None means "every learner" (or skill)
@pytest.mark.parametrize("name", ["learner_ids", "skill_ids"])
def test_evidence_select_refuses_what_is_not_a_list_of_ids(name: str, bad: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match=name):
        _ev().select(**{name: bad})  # type: ignore[arg-type]


def test_evidence_select_takes_arrays_and_generators() -> None:
    assert _ev().select(learner_ids=np.array(["bo"])).evidence_ids.tolist() == ["e2"]
    assert _ev().select(skill_ids=(s for s in ["add"])).evidence_ids.tolist() == ["e1"]
    with pytest.raises(pl.InvalidParameterError, match=r"learner_ids has \[1\] among|learner_ids must hold"):
        _ev().select(learner_ids=[[1]])  # type: ignore[list-item]


@pytest.mark.parametrize("bad", [*NOT_LISTS, "ab", [np.full((2, 2), 0.5)]])
def test_concat_names_parts(bad: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="parts"):
        pl.Evidence.concat(bad)  # type: ignore[arg-type]
    assert len(pl.Evidence.concat(part for part in [_ev(), _ev().select(learner_ids=[])])) == 2


@pytest.mark.parametrize("bad", ["score", b"x", 0, 1.5, True, [("score", "mark")], np.array(["a", "b"])])
def test_from_frame_refuses_a_column_map_that_is_not_a_mapping(bad: object) -> None:
    frame = _ev().to_frame()
    with pytest.raises(pl.InvalidParameterError, match="columns must be a mapping"):
        pl.Evidence.from_frame(frame, columns=bad)  # type: ignore[arg-type]


def test_from_frame_says_how_to_name_a_missing_column() -> None:
    frame = _ev().to_frame().rename(columns={"score": "mark"})
    for columns in (None, {}):  # type: ignore[var-annotated]
        with pytest.raises(pl.EvidenceError, match=r"no column 'score'; name .* in columns, e\.g\. columns="):
            pl.Evidence.from_frame(frame, columns=columns)
    with pytest.raises(pl.InvalidParameterError, match=r"columns\['score'\]"):
        pl.Evidence.from_frame(frame, columns={"score": ["mark"]})  # type: ignore[dict-item]
    assert pl.Evidence.from_frame(frame, columns={"score": "mark"}) == _ev()


@pytest.mark.parametrize("bad", [None, True, 1.5, math.nan, 1 + 2j, "", b"ann", object(), [], np.array(0.5),
                                 np.array(["ann"]), {"ann": 1}])
@pytest.mark.parametrize("name", ["learner_id", "skill_id"])
def test_value_refuses_what_cannot_be_an_id(name: str, bad: object) -> None:
    given = {"learner_id": "ann", "skill_id": "add", name: bad}
    with pytest.raises(pl.InvalidParameterError, match=f"{name} must be an id"):
        _table().value(**given)


def test_value_names_an_unknown_id_and_takes_numpy_ids() -> None:
    with pytest.raises(pl.UnknownLearnerError, match="learner_id: 'cy' is not in the mastery table"):
        _table().value("cy", "add")
    with pytest.raises(pl.UnknownSkillError, match="skill_id: 7 is not in the mastery table") as info:
        _table().value("ann", 7)
    assert info.value.skill == 7
    assert _table().value(np.str_("bo"), np.str_("count")) == 0.1
    assert pl.MasteryTable([3], [4], [[0.5]]).value(np.int64(3), np.int32(4)) == 0.5


@pytest.mark.parametrize("bad", [*NOT_LISTS, "ann", np.full((2, 2, 2), 0.5), [[0.5, 0.5], [0.5]],
                                 np.array([object(), object()], dtype=object)])
def test_table_select_names_learner_ids(bad: object) -> None:
    with pytest.raises((pl.InvalidParameterError, pl.UnknownLearnerError), match="learner_ids"):
        _table().select(bad)  # type: ignore[arg-type]
    assert _table().select([]).values.shape == (0, 2)


@pytest.mark.parametrize("bad", [*NOT_LISTS, "add", [], [[0.5]], np.full((2, 2), np.nan)])
def test_align_and_values_for_name_the_skills(bad: object) -> None:
    with pytest.raises((pl.InvalidParameterError, pl.UnknownSkillError), match="skills"):
        _table().align(bad, missing=0.1)
    with pytest.raises((pl.InvalidParameterError, pl.UnknownSkillError), match="skill_ids"):
        _table().values_for(bad, missing=0.1)  # type: ignore[arg-type]


def test_align_and_values_for_keep_their_results() -> None:
    graph = pl.compile_graph([("count", "add"), ("add", "compare")])
    aligned = _table().align(graph, missing=0.0)
    assert aligned.skill_ids == ("count", "add", "compare")
    assert aligned.values.tolist() == [[0.9, 0.2, 0.0], [0.1, 0.7, 0.0]]
    with pytest.raises(pl.UnknownSkillError, match="which is not in skills"):
        _table().align(["add"])
    with pytest.raises(pl.ShapeError, match="no column for skill 'compare'"):
        _table().values_for(graph.skill_ids)
    table = _table()
    assert table.values_for(["add", "count"]) is table.values


@pytest.mark.parametrize("bad", [{"ann": 0}, 5, None, "ab", [["ann"]]])
@pytest.mark.parametrize("name", ["learner_ids", "skill_ids"])
def test_table_ids_are_named(name: str, bad: object) -> None:
    fields = {"learner_ids": ["ann", "bo"], "skill_ids": ["add", "count"], "values": np.full((2, 2), 0.5)}
    fields[name] = bad
    with pytest.raises(pl.InvalidParameterError, match=name):
        pl.MasteryTable(**fields)


def test_table_values_are_named() -> None:
    with pytest.raises(pl.ShapeError, match=r"values must have shape \(0, 2\) \(len\(learner_ids\), len\(skill_ids\)\)"):
        pl.MasteryTable([], ["add", "count"], np.full((2, 2), 0.5))
    for bad in (math.nan, math.inf, -1.0, 1e300):
        with pytest.raises(pl.InvalidParameterError, match=r"values must lie in \[0, 1\]; got .* for learner 'bo'"):
            pl.MasteryTable(["ann", "bo"], ["add"], [[0.5], [bad]])
    for wrong in (np.full((1, 1), 0.5 + 0.5j), np.array([[object()]], dtype=object), [["high"]]):
        with pytest.raises(pl.InvalidParameterError, match="values must hold"):
            pl.MasteryTable(["ann"], ["add"], wrong)
    numbers = pl.MasteryTable(["ann"], ["add", "count"], np.array([[0.5, True]], dtype=object))
    assert numbers.values.tolist() == [[0.5, 1.0]]


@pytest.mark.parametrize("cls", [pl.Evidence, pl.MasteryTable])
@pytest.mark.parametrize("bad", [None, 0, math.nan, True, [], [[0.5]], object(), np.array(0.5), {"x": 1}, "not json"])
def test_from_dict_names_data_and_from_json_names_document(cls: Any, bad: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="data"):
        cls.from_dict(bad)
    with pytest.raises(pl.InvalidParameterError, match="document"):
        cls.from_json(bad)


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("learner_ids", "ann", "'learner_ids' must be a list of ids"),
    ("skill_ids", {"add": 0}, "'skill_ids' must be a list of ids"),
    ("values", [[0.5, "x"]], "values must hold"),
    ("values", [[0.5], [0.5, 0.5]], "values must be a rectangular array"),
    ("values", [[[0.5]]], "values must be 2-D"),
    ("values", [[2.0]], r"values must lie in \[0, 1\]"),
])
def test_table_document_fields_are_named(field: str, bad: object, message: str) -> None:
    document = pl.MasteryTable(["ann"], ["add"], [[0.5]]).to_dict()
    document[field] = bad
    with pytest.raises((pl.InvalidParameterError, pl.ShapeError), match=message):
        pl.MasteryTable.from_dict(document)
