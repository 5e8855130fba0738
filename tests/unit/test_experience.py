"""Pathways, choice menus, agency records and learner-voice vocabularies on hand-made graphs."""

from __future__ import annotations

import json
import math
from typing import Any

import attrs
import numpy as np
import pytest

import personalise as pl
from personalise.exceptions import InvalidParameterError, ShapeError, UnknownSkillError
from personalise.experience import (
    ChoiceMenu,
    ChoiceRecord,
    Pathway,
    choice_menu,
    pathway_to,
)
from personalise.experience.voice import HartRung, ParticipationStage
from tests.strategies import read_only

# count -> add -> multiply -> divide, count -> compare -> multiply, shapes -> angles
# columns: count, add, compare, multiply, divide, shapes, angles
EDGES = [
    ("count", "add"),
    ("count", "compare"),
    ("add", "multiply"),
    ("compare", "multiply"),
    ("multiply", "divide"),
    ("shapes", "angles"),
]
IDS = ("count", "add", "compare", "multiply", "divide", "shapes", "angles")


@pytest.fixture
def graph() -> pl.CompiledGraph:
    g = pl.compile_graph(EDGES)
    assert g.skill_ids == IDS
    assert g.n_descendants.tolist() == [4, 2, 2, 1, 0, 1, 0]
    return g


def row(**mastered: float) -> np.ndarray:
    """A read-only mastery row: the named skills at the given value, the rest 0."""
    values = np.zeros(len(IDS))
    for skill, value in mastered.items():
        values[IDS.index(skill)] = value
    return read_only(values)


# ---------------------------------------------------------------- pathways
def test_pathway_from_nothing_is_the_whole_chain(graph: pl.CompiledGraph) -> None:
    p = pathway_to(graph, "divide", row())
    assert p.goal == ("divide",)
    assert p.steps == ("count", "add", "compare", "multiply", "divide")
    assert p.ready == ("count",)
    assert p.n_steps == 5 and not p.has_choice and p.alternatives == ()


def test_pathway_skips_mastered_skills_and_offers_the_other_route(graph: pl.CompiledGraph) -> None:
    p = pathway_to(graph, "multiply", row(count=0.99))
    assert p.steps == ("add", "compare", "multiply")
    assert p.ready == ("add", "compare") and p.has_choice
    assert p.alternatives == (("compare", "add", "multiply"),)


def test_pathway_to_a_goal_set(graph: pl.CompiledGraph) -> None:
    p = pathway_to(graph, {"angles", "divide"}, row())
    assert p.goal == ("divide", "angles")  # column order
    assert p.steps == ("count", "add", "compare", "multiply", "divide", "shapes", "angles")
    assert p.ready == ("count", "shapes")
    assert p.alternatives == (("shapes", "count", "add", "compare", "multiply", "divide", "angles"),)
    assert pathway_to(graph, ["divide", "angles"], row()) == p


def test_mastered_goal_gives_an_empty_pathway(graph: pl.CompiledGraph) -> None:
    p = pathway_to(graph, "angles", row(shapes=1.0, angles=0.95))
    assert p == Pathway(goal=("angles",), steps=(), ready=())
    assert p.n_steps == 0 and p.alternatives == ()


def test_threshold_decides_what_is_mastered(graph: pl.CompiledGraph) -> None:
    mastery = row(shapes=0.9)
    assert pathway_to(graph, "angles", mastery).steps == ("shapes", "angles")
    assert pathway_to(graph, "angles", mastery, threshold=0.9).steps == ("angles",)


def test_mastered_skill_in_between_does_not_constrain_the_order(graph: pl.CompiledGraph) -> None:
    # 'add' is mastered although 'count' is not (not a feasible state, but it happens)
    p = pathway_to(graph, "multiply", row(add=1.0))
    assert p.steps == ("count", "compare", "multiply")
    assert p.ready == ("count",)


def test_every_alternative_is_a_valid_order_of_the_same_steps() -> None:
    g = pl.compile_graph([("a", "d"), ("b", "d"), ("c", "d"), ("d", "e")])
    p = pathway_to(g, "e", np.zeros(5))
    assert p.steps == ("a", "b", "c", "d", "e") and p.ready == ("a", "b", "c")
    assert p.alternatives == (("b", "a", "c", "d", "e"), ("c", "a", "b", "d", "e"))
    for order in p.alternatives:
        assert sorted(order) == sorted(p.steps)
        for u, v in g.edges():
            assert order.index(u) < order.index(v)


def test_tuple_skill_ids_are_single_goals() -> None:
    g = pl.compile_graph([(("n", 1), ("n", 2))])
    assert pathway_to(g, ("n", 2), np.zeros(2)).steps == (("n", 1), ("n", 2))
    assert pathway_to(g, [("n", 2)], np.zeros(2)).goal == (("n", 2),)


def test_pathway_repr_and_json_round_trip(graph: pl.CompiledGraph) -> None:
    p = pathway_to(graph, "multiply", row(count=1.0))
    assert repr(p) == (
        "Pathway(goal=('multiply',), n_steps=3, steps=('add', 'compare', 'multiply'), "
        "ready=('add', 'compare'), n_alternatives=1)"
    )
    document = json.loads(json.dumps(p.to_dict()))
    assert Pathway.from_dict(document) == p
    with pytest.raises(InvalidParameterError, match="'personalise.other/1'"):
        Pathway.from_dict({**document, "schema": "personalise.other/1"})
    with pytest.raises(InvalidParameterError, match="'ready'"):
        Pathway.from_dict({k: v for k, v in document.items() if k != "ready"})


def test_pathway_is_frozen(graph: pl.CompiledGraph) -> None:
    p = pathway_to(graph, "add", row())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.steps = ()  # type: ignore[misc]


def test_pathway_accepts_float32_and_int_rows(graph: pl.CompiledGraph) -> None:
    expected = pathway_to(graph, "divide", row(count=1.0))
    assert pathway_to(graph, "divide", row(count=1.0).astype(np.float32)) == expected
    assert pathway_to(graph, "divide", [1, 0, 0, 0, 0, 0, 0]) == expected


# ---------------------------------------------------------- pathway errors
def test_unknown_goal(graph: pl.CompiledGraph) -> None:
    with pytest.raises(UnknownSkillError, match="'fractions'") as info:
        pathway_to(graph, "fractions", row())
    assert info.value.value == "fractions"
    with pytest.raises(UnknownSkillError, match="'fractions'"):
        pathway_to(graph, {"add", "fractions"}, row())


def test_empty_goal_set(graph: pl.CompiledGraph) -> None:
    with pytest.raises(InvalidParameterError, match=r"got set\(\)"):
        pathway_to(graph, set(), row())


@pytest.mark.parametrize(
    ("mastery", "shape"),
    [(np.zeros(6), "(6,)"), (np.zeros((1, 7)), "(1, 7)"), (np.zeros(()), "()")],
)
def test_mastery_shape(graph: pl.CompiledGraph, mastery: np.ndarray, shape: str) -> None:
    with pytest.raises(ShapeError, match=f"got shape {shape}".replace("(", r"\(").replace(")", r"\)")):
        pathway_to(graph, "add", mastery)
    with pytest.raises(ShapeError):
        choice_menu(graph, mastery)


@pytest.mark.parametrize(("value", "text"), [(math.nan, "nan"), (1.5, "1.5"), (-0.1, "-0.1"), (math.inf, "inf")])
def test_mastery_values_name_the_position(graph: pl.CompiledGraph, value: float, text: str) -> None:
    mastery = np.zeros(7)
    mastery[2] = value
    with pytest.raises(InvalidParameterError, match=f"got {text} at 2 \\(skill 'compare'\\)"):
        pathway_to(graph, "add", mastery)
    with pytest.raises(InvalidParameterError, match=f"got {text} at 2"):
        choice_menu(graph, mastery)


def test_mastery_dtype_and_threshold(graph: pl.CompiledGraph) -> None:
    with pytest.raises(InvalidParameterError, match="dtype <U1"):
        pathway_to(graph, "add", ["a"] * 7)
    with pytest.raises(InvalidParameterError, match="got 0"):
        pathway_to(graph, "add", row(), threshold=0)
    with pytest.raises(InvalidParameterError, match="got 1.5"):
        choice_menu(graph, row(), threshold=1.5)


# ----------------------------------------------------------- choice menus
WIDE = pl.compile_graph([(f"r{i}", f"c{i}") for i in range(6)])  # six independent two-skill branches


def test_menu_size_defaults_to_three_and_is_clamped_to_two_to_four() -> None:
    nothing = np.zeros(WIDE.n_skills)
    assert len(choice_menu(WIDE, nothing)) == 3
    assert len(choice_menu(WIDE, nothing, m=1)) == 2
    assert len(choice_menu(WIDE, nothing, m=2)) == 2
    assert len(choice_menu(WIDE, nothing, m=4)) == 4
    assert len(choice_menu(WIDE, nothing, m=100)) == 4


def test_menu_offers_only_ready_skills(graph: pl.CompiledGraph) -> None:
    for mastery in (row(), row(count=1.0), row(count=1.0, add=1.0, shapes=1.0), row(add=1.0)):
        ready = pl.readiness(graph, mastery[None, :])[0]
        menu = choice_menu(graph, mastery, m=4)
        assert set(menu.options) <= {IDS[j] for j in np.flatnonzero(ready)}
        assert len(menu) == min(4, int(ready.sum()))


def test_menu_when_nothing_or_one_thing_is_ready(graph: pl.CompiledGraph) -> None:
    empty = choice_menu(graph, np.ones(7))
    assert empty.options == () and not empty.is_choice and len(empty) == 0
    with pytest.raises(InvalidParameterError, match="got 'add'"):
        empty.record("add")
    single = choice_menu(graph, row(count=1.0, add=1.0, compare=1.0, multiply=1.0, shapes=1.0, angles=1.0))
    assert single.options == ("divide",) and not single.is_choice


def test_menu_ranks_by_how_much_an_option_unlocks(graph: pl.CompiledGraph) -> None:
    menu = choice_menu(graph, row())
    assert menu.options == ("count", "shapes")
    assert menu.scores == (5.0, 2.0)
    assert menu.reasons == ("ready now; unlocks 4 later skills", "ready now; unlocks 1 later skills")
    assert menu.goal is None


def test_goals_restrict_the_menu(graph: pl.CompiledGraph) -> None:
    mastery = row(count=1.0)
    assert set(choice_menu(graph, mastery).options) == {"add", "compare", "shapes"}
    menu = choice_menu(graph, mastery, goals="multiply")
    assert menu.options == ("add", "compare")  # 'shapes' does not lead to 'multiply'
    assert menu.goal == ("multiply",)
    assert menu.scores == (2.0, 2.0)  # each opens itself and 'multiply' ('divide' is past the goal)
    assert choice_menu(graph, mastery, goals={"angles"}).options == ("shapes",)
    assert choice_menu(graph, mastery, goals={"angles", "divide"}, m=4).options == ("add", "compare", "shapes")
    assert choice_menu(graph, row(count=1.0, add=1.0, compare=1.0), goals="add").options == ()


def test_goal_relevance_counts_remaining_steps(graph: pl.CompiledGraph) -> None:
    menu = choice_menu(graph, row(), goals="divide")
    assert menu.options == ("count",)
    assert menu.scores == (5.0,)
    assert "opening 5 of the remaining steps" in menu.reasons[0]


def test_menu_spreads_across_branches(graph: pl.CompiledGraph) -> None:
    mastery = row(count=1.0)
    # ranked: add (unlocks 2), compare (2), shapes (1); add and compare share 'count'
    assert choice_menu(graph, mastery, m=2).options == ("add", "shapes")
    # with room for three, the sibling comes back, in rank order
    assert choice_menu(graph, mastery, m=3).options == ("add", "compare", "shapes")


def test_interests_change_the_ranking(graph: pl.CompiledGraph) -> None:
    mastery = row(count=1.0)
    plain = choice_menu(graph, mastery, m=3)
    assert plain.options == ("add", "compare", "shapes")
    liked = choice_menu(graph, mastery, m=3, interests={"angles": 3.0})
    assert liked.options == ("shapes", "add", "compare")
    assert liked.scores[0] == 2.0 * 4.0
    assert "declared interests (weight 3)" in liked.reasons[0]
    # interest in one of two siblings breaks their tie
    assert choice_menu(graph, mastery, m=2, interests={"compare": 1.0}).options == ("compare", "shapes")
    # zero weight changes nothing
    assert choice_menu(graph, mastery, m=3, interests={"angles": 0}) == plain


def test_interests_in_a_topic(graph: pl.CompiledGraph) -> None:
    topics = {"shapes": "geometry", "angles": "geometry", "add": "number"}
    menu = choice_menu(graph, row(count=1.0), m=3, interests={"geometry": 5.0}, topics=topics)
    assert menu.options[0] == "shapes"
    with pytest.raises(UnknownSkillError, match="'music'"):
        choice_menu(graph, row(), interests={"music": 1.0}, topics=topics)
    with pytest.raises(UnknownSkillError, match="'painting'"):
        choice_menu(graph, row(), topics={"painting": "art"})


def test_history_of_learner_choices_counts_as_revealed_interest(graph: pl.CompiledGraph) -> None:
    mastery = row(count=1.0)
    assert choice_menu(graph, mastery, m=3, history=["shapes"]).options[0] == "shapes"
    record = ChoiceRecord("shapes", "learner", ("add", "shapes"))
    menu = choice_menu(graph, mastery, m=3, history=[record])
    assert menu.options[0] == "shapes" and "earlier choices (100% of them)" in menu.reasons[0]
    # a teacher's choice is not evidence of the learner's interests
    teacher = ChoiceRecord("shapes", "teacher", ("add", "shapes"))
    assert choice_menu(graph, mastery, m=3, history=[teacher]) == choice_menu(graph, mastery, m=3)
    assert choice_menu(graph, mastery, m=3, history=[]) == choice_menu(graph, mastery, m=3)


def test_recording_a_choice(graph: pl.CompiledGraph) -> None:
    menu = choice_menu(graph, row(count=1.0), goals="multiply")
    record = menu.record("compare")
    assert record == ChoiceRecord("compare", "learner", ("add", "compare"), ("multiply",))
    assert menu.record("add", "system").chooser == "system"
    labelled = menu.record("add", "teacher", rung=HartRung.ASSIGNED_BUT_INFORMED)
    assert labelled.rung is HartRung.ASSIGNED_BUT_INFORMED
    assert ChoiceRecord.from_dict(json.loads(json.dumps(labelled.to_dict()))) == labelled
    assert ChoiceRecord.from_dict(record.to_dict()) == record


def test_choosing_an_option_not_offered(graph: pl.CompiledGraph) -> None:
    menu = choice_menu(graph, row(count=1.0), goals="multiply")
    with pytest.raises(InvalidParameterError, match="got 'shapes'") as info:
        menu.record("shapes")
    assert info.value.value == "shapes"
    with pytest.raises(InvalidParameterError, match="got 'parent'"):
        menu.record("add", "parent")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="rung must be a Hart rung 1-8; got 9"):
        ChoiceRecord.from_dict({**menu.record("add").to_dict(), "rung": 9})


def test_menu_is_a_frozen_container(graph: pl.CompiledGraph) -> None:
    menu = choice_menu(graph, row())
    assert list(menu) == ["count", "shapes"] and "count" in menu and "add" not in menu
    assert isinstance(menu, ChoiceMenu)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        menu.options = ()  # type: ignore[misc]


def test_rng_only_breaks_ties() -> None:
    nothing = np.zeros(WIDE.n_skills)
    assert choice_menu(WIDE, nothing).options == ("r0", "r1", "r2")  # deterministic without rng
    seeded = [choice_menu(WIDE, nothing, rng=seed).options for seed in range(8)]
    assert seeded[3] == choice_menu(WIDE, nothing, rng=3).options
    assert len(set(seeded)) > 1
    assert all(set(options) <= {f"r{i}" for i in range(6)} for options in seeded)
    # no ties: the rng changes nothing
    g = pl.compile_graph([("a", "b"), ("b", "c"), ("d", "e")])
    assert {choice_menu(g, np.zeros(5), rng=seed).options for seed in range(5)} == {("a", "d")}


def test_menu_does_not_write_its_input(graph: pl.CompiledGraph) -> None:
    mastery = row(count=1.0)
    before = mastery.copy()
    choice_menu(graph, mastery, interests={"add": 1.0}, history=["add"], goals="divide")
    np.testing.assert_array_equal(mastery, before)


# ----------------------------------------------------------- menu errors
@pytest.mark.parametrize("m", [0, -1, 2.5, True, "3", None])
def test_bad_m(graph: pl.CompiledGraph, m: Any) -> None:
    with pytest.raises(InvalidParameterError, match=f"got {m!r}"):
        choice_menu(graph, row(), m=m)


@pytest.mark.parametrize("weight", [-1.0, math.nan, math.inf, "high", True])
def test_bad_interest_weight(graph: pl.CompiledGraph, weight: Any) -> None:
    with pytest.raises(InvalidParameterError, match=f"got {weight!r} for 'add'"):
        choice_menu(graph, row(), interests={"add": weight})


def test_bad_interests_goals_and_history(graph: pl.CompiledGraph) -> None:
    with pytest.raises(UnknownSkillError, match="'music'"):
        choice_menu(graph, row(), interests={"music": 1.0})
    with pytest.raises(InvalidParameterError, match=r"got \['add'\]"):
        choice_menu(graph, row(), interests=["add"])  # type: ignore[arg-type]
    with pytest.raises(UnknownSkillError, match="'fractions'"):
        choice_menu(graph, row(), goals="fractions")
    with pytest.raises(InvalidParameterError, match=r"got \[\]"):
        choice_menu(graph, row(), goals=[])
    with pytest.raises(UnknownSkillError, match="'fractions'"):
        choice_menu(graph, row(), history=["fractions"])
    with pytest.raises(InvalidParameterError, match="got 'add'"):
        choice_menu(graph, row(), history="add")


# ------------------------------------------------------------ vocabularies
def test_hart_ladder() -> None:
    assert [rung.value for rung in HartRung] == list(range(1, 9))
    assert [rung.label for rung in HartRung] == [
        "Manipulation",
        "Decoration",
        "Tokenism",
        "Assigned but informed",
        "Consulted and informed",
        "Adult-initiated, shared decisions with children",
        "Child-initiated and directed",
        "Child-initiated, shared decisions with adults",
    ]
    assert [rung.is_participation for rung in HartRung] == [False] * 3 + [True] * 5
    assert all(rung.verified and "1992" in rung.source for rung in HartRung)


def test_participation_stages_are_marked_unverified() -> None:
    assert [stage.label for stage in ParticipationStage] == [
        "Students as data source",
        "Students as active respondents",
        "Students as co-researchers",
        "Students as researchers",
    ]
    assert not any(stage.verified for stage in ParticipationStage)
    assert "unverified" in ParticipationStage.DATA_SOURCE.source
    assert "Unverified" in (ParticipationStage.__doc__ or "")
