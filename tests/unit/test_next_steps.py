"""readiness, inner_fringe, recommend_next and Recommendations on hand-made examples and edge shapes."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest

import personalise as pl
from tests.strategies import read_only

# count -> add -> multiply -> divide, add -> divide, count -> compare
# columns (lexicographic topological): count, add, compare, multiply, divide
# descendants:                         4      2    0        1         0
EDGES = [("count", "add"), ("add", "multiply"), ("count", "compare"), ("add", "divide"), ("multiply", "divide")]
LEARNERS = ["ann", "bo", "cy", "di"]


@pytest.fixture
def graph() -> pl.CompiledGraph:
    g = pl.compile_graph(EDGES)
    assert g.skill_ids == ("count", "add", "compare", "multiply", "divide")
    assert g.n_descendants.tolist() == [4, 2, 0, 1, 0]
    return g


@pytest.fixture
def mastery() -> np.ndarray:
    return read_only(
        np.array(
            [
                [0.20, 0.00, 0.00, 0.00, 0.00],  # ann: nothing mastered
                [0.99, 0.00, 0.00, 0.00, 0.00],  # bo: count
                [1.00, 0.96, 0.50, 0.00, 0.00],  # cy: count, add
                [1.00, 1.00, 1.00, 1.00, 1.00],  # di: everything
            ]
        )
    )


# ------------------------------------------------------------------ readiness
def test_readiness_hand_example(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    ready = pl.readiness(graph, mastery)
    assert ready.dtype == np.bool_
    assert ready.tolist() == [
        [True, False, False, False, False],
        [False, True, True, False, False],
        [False, False, True, True, False],
        [False, False, False, False, False],
    ]


def test_inner_fringe_hand_example(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    fringe = pl.inner_fringe(graph, mastery)
    assert fringe.dtype == np.bool_
    assert fringe.tolist() == [
        [False, False, False, False, False],
        [True, False, False, False, False],
        [False, True, False, False, False],
        [False, False, True, False, True],
    ]


def test_threshold_is_inclusive_and_respected(graph: pl.CompiledGraph) -> None:
    m = np.array([[0.8, 0.0, 0.0, 0.0, 0.0]])
    assert pl.readiness(graph, m, threshold=0.8)[0].tolist() == [False, True, True, False, False]
    assert pl.readiness(graph, m, threshold=0.81)[0].tolist() == [True, False, False, False, False]
    # threshold 1.0: only exactly 1.0 counts as mastered
    m1 = np.array([[1.0, np.nextafter(1.0, 0.0), 0.0, 0.0, 0.0]])
    assert pl.readiness(graph, m1, threshold=1.0)[0].tolist() == [False, True, True, False, False]


def test_threshold_is_compared_in_the_mastery_dtype(graph: pl.CompiledGraph) -> None:
    """float32(0.95) < 0.95 in float64, but float32(0.95) >= float32(0.95)."""
    value32 = np.float32(0.95)
    assert float(value32) < 0.95
    m32 = read_only(np.array([[value32, 0, 0, 0, 0]], dtype=np.float32))
    assert pl.readiness(graph, m32, threshold=0.95)[0].tolist() == [False, True, True, False, False]
    assert pl.inner_fringe(graph, m32, threshold=0.95)[0].tolist() == [True, False, False, False, False]
    # the same number held in float64 is below the float64 threshold
    m64 = read_only(m32.astype(np.float64))
    assert pl.readiness(graph, m64, threshold=0.95)[0].tolist() == [True, False, False, False, False]
    assert pl.recommend_next(graph, m32, k=1).skills() == (("add",),)
    assert pl.recommend_next(graph, m64, k=1).skills() == (("count",),)


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda m: m.astype(bool), id="bool"),
        pytest.param(lambda m: m.astype(np.int64), id="int64"),
        pytest.param(lambda m: m.astype(np.uint8), id="uint8"),
        pytest.param(lambda m: m.astype(np.float16), id="float16"),
        pytest.param(lambda m: m.astype(np.float32), id="float32"),
        pytest.param(lambda m: m.tolist(), id="list"),
        pytest.param(np.asfortranarray, id="fortran"),
        pytest.param(lambda m: np.repeat(m, 2, axis=1)[:, ::2], id="strided"),
    ],
)
def test_other_real_inputs_are_accepted(graph: pl.CompiledGraph, convert: object) -> None:
    binary = np.array([[0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=np.float64)
    expected = pl.readiness(graph, binary)
    given = convert(binary)  # type: ignore[operator]
    if isinstance(given, np.ndarray):
        given = read_only(given)
    np.testing.assert_array_equal(pl.readiness(graph, given), expected)
    np.testing.assert_array_equal(pl.inner_fringe(graph, given), pl.inner_fringe(graph, binary))
    assert pl.recommend_next(graph, given) == pl.recommend_next(graph, binary)


def test_readonly_input_is_accepted(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    assert not mastery.flags.writeable
    pl.readiness(graph, mastery)
    pl.inner_fringe(graph, mastery)
    pl.recommend_next(graph, mastery, goals="divide")


# ------------------------------------------------------------ recommendations
def test_recommendations_without_goals(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    recs = pl.recommend_next(graph, mastery, k=3)
    assert recs.indices.dtype == np.intp
    assert recs.indices.tolist() == [[0, -1, -1], [1, 2, -1], [3, 2, -1], [-1, -1, -1]]
    np.testing.assert_array_equal(
        recs.scores,
        [[4.0, np.nan, np.nan], [2.0, 0.0, np.nan], [1.0, 0.0, np.nan], [np.nan, np.nan, np.nan]],
    )
    assert recs.steps_to_goal.tolist() == [[-1] * 3] * 4
    assert recs.goal_index.tolist() == [-1] * 4
    assert recs.goal_sets == ()
    assert recs.threshold == 0.95
    assert recs.n_learners == 4
    assert recs.k == 3
    assert repr(recs) == "Recommendations(n_learners=4, k=3, threshold=0.95)"
    assert recs.skills() == (("count",), ("add", "compare"), ("multiply", "compare"), ())
    assert recs.reasons == (
        ("ready: no prerequisites; unlocks 4 later skills",),
        (
            "ready: 1 prerequisite mastered ('count'); unlocks 2 later skills",
            "ready: 1 prerequisite mastered ('count'); unlocks 0 later skills",
        ),
        (
            "ready: 1 prerequisite mastered ('add'); unlocks 1 later skill",
            "ready: 1 prerequisite mastered ('count'); unlocks 0 later skills",
        ),
        (),
    )


GOALS = ["divide", None, {"compare", "divide"}, "count"]


def test_recommendations_with_per_learner_goals(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    recs = pl.recommend_next(graph, mastery, k=3, goals=GOALS)
    # ann: count leads to divide in 2 steps; bo: no goal; cy: compare is a goal, multiply 1 step
    # from divide; di: everything mastered (goal 'count' already reached)
    assert recs.indices.tolist() == [[0, -1, -1], [1, 2, -1], [2, 3, -1], [-1, -1, -1]]
    np.testing.assert_array_equal(
        recs.scores,
        [[-2.0, np.nan, np.nan], [2.0, 0.0, np.nan], [0.0, -1.0, np.nan], [np.nan, np.nan, np.nan]],
    )
    assert recs.steps_to_goal.tolist() == [[2, -1, -1], [-1, -1, -1], [0, 1, -1], [-1, -1, -1]]
    assert recs.goal_sets == (("divide",), ("compare", "divide"), ("count",))
    assert recs.goal_index.tolist() == [0, -1, 1, 2]
    assert recs.reasons == (
        ("ready: no prerequisites; leads to goal 'divide' in 2 steps",),
        (
            "ready: 1 prerequisite mastered ('count'); unlocks 2 later skills",
            "ready: 1 prerequisite mastered ('count'); unlocks 0 later skills",
        ),
        (
            "ready: 1 prerequisite mastered ('count'); it is the goal one of 'compare', 'divide'",
            "ready: 1 prerequisite mastered ('add'); leads to goal one of 'compare', 'divide' in 1 step",
        ),
        (),
    )


def test_to_records_exact(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    records = pl.recommend_next(graph, mastery, k=3, goals=GOALS).to_records(LEARNERS)
    assert records == [
        {
            "learner_id": "ann",
            "rank": 1,
            "skill_id": "count",
            "skill_index": 0,
            "term": "goal",
            "score": -2.0,
            "steps_to_goal": 2,
            "predicted_success": None,
            "recall": None,
            "reason": "ready: no prerequisites; leads to goal 'divide' in 2 steps",
        },
        {
            "learner_id": "bo",
            "rank": 1,
            "skill_id": "add",
            "skill_index": 1,
            "term": "unlocks",
            "score": 2.0,
            "steps_to_goal": None,
            "predicted_success": None,
            "recall": None,
            "reason": "ready: 1 prerequisite mastered ('count'); unlocks 2 later skills",
        },
        {
            "learner_id": "bo",
            "rank": 2,
            "skill_id": "compare",
            "skill_index": 2,
            "term": "unlocks",
            "score": 0.0,
            "steps_to_goal": None,
            "predicted_success": None,
            "recall": None,
            "reason": "ready: 1 prerequisite mastered ('count'); unlocks 0 later skills",
        },
        {
            "learner_id": "cy",
            "rank": 1,
            "skill_id": "compare",
            "skill_index": 2,
            "term": "goal",
            "score": 0.0,
            "steps_to_goal": 0,
            "predicted_success": None,
            "recall": None,
            "reason": "ready: 1 prerequisite mastered ('count'); it is the goal one of 'compare', 'divide'",
        },
        {
            "learner_id": "cy",
            "rank": 2,
            "skill_id": "multiply",
            "skill_index": 3,
            "term": "goal",
            "score": -1.0,
            "steps_to_goal": 1,
            "predicted_success": None,
            "recall": None,
            "reason": "ready: 1 prerequisite mastered ('add'); leads to goal one of 'compare', 'divide' in 1 step",
        },
    ]
    for record in records:
        assert type(record["score"]) is float
        assert type(record["skill_index"]) is int
        assert type(record["rank"]) is int


def test_to_records_default_ids_are_row_numbers(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    records = pl.recommend_next(graph, mastery, k=1).to_records()
    assert [(r["learner_id"], r["skill_id"]) for r in records] == [(0, "count"), (1, "add"), (2, "multiply")]


def test_to_frame_exact(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    pd = pytest.importorskip("pandas")
    recs = pl.recommend_next(graph, mastery, k=3, goals=GOALS)
    frame = recs.to_frame(LEARNERS)
    assert isinstance(frame, pd.DataFrame)
    assert frame.columns.tolist() == [
        "learner_id",
        "rank",
        "skill_id",
        "skill_index",
        "term",
        "score",
        "steps_to_goal",
        "predicted_success",
        "recall",
        "reason",
    ]
    assert frame["learner_id"].tolist() == ["ann", "bo", "bo", "cy", "cy"]
    assert frame["rank"].tolist() == [1, 1, 2, 1, 2]
    assert frame["skill_id"].tolist() == ["count", "add", "compare", "compare", "multiply"]
    assert frame["skill_index"].tolist() == [0, 1, 2, 2, 3]
    assert frame["score"].tolist() == [-2.0, 2.0, 0.0, 0.0, -1.0]
    steps = frame["steps_to_goal"].tolist()
    assert steps[0] == 2 and steps[3] == 0 and steps[4] == 1
    assert all(s is None or (isinstance(s, float) and math.isnan(s)) for s in steps[1:3])
    assert frame["reason"].tolist() == [r["reason"] for r in recs.to_records(LEARNERS)]


def test_to_frame_of_an_empty_cohort(graph: pl.CompiledGraph) -> None:
    pytest.importorskip("pandas")
    frame = pl.recommend_next(graph, np.zeros((0, 5))).to_frame()
    assert frame.shape == (0, 10)
    assert frame.columns.tolist()[:3] == ["learner_id", "rank", "skill_id"]


def test_reason_lists_at_most_three_prerequisites() -> None:
    graph = pl.compile_graph([("a", "e"), ("b", "e"), ("c", "e"), ("d", "e")])
    recs = pl.recommend_next(graph, np.array([[1.0, 1.0, 1.0, 1.0, 0.0]]))
    assert recs.reasons == (("ready: all 4 prerequisites mastered ('a', 'b', 'c', ...); unlocks 0 later skills",),)
    two = pl.compile_graph([("a", "c"), ("b", "c")])
    recs = pl.recommend_next(two, np.array([[1.0, 1.0, 0.0]]), goals="c")
    assert recs.reasons == (("ready: all 2 prerequisites mastered ('a', 'b'); it is the goal 'c'",),)


def test_shared_goal_forms_agree(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    single = pl.recommend_next(graph, mastery, goals="divide")
    as_set = pl.recommend_next(graph, mastery, goals={"divide"})
    as_frozenset = pl.recommend_next(graph, mastery, goals=frozenset(["divide"]))
    per_learner = pl.recommend_next(graph, mastery, goals=["divide"] * 4)
    as_tuple = pl.recommend_next(graph, mastery, goals=("divide",) * 4)
    for other in (as_set, as_frozenset, per_learner, as_tuple):
        np.testing.assert_array_equal(other.indices, single.indices)
        np.testing.assert_array_equal(other.scores, single.scores)
        np.testing.assert_array_equal(other.steps_to_goal, single.steps_to_goal)
    assert single.indices.tolist() == [[0, -1, -1], [1, -1, -1], [3, -1, -1], [-1, -1, -1]]


def test_goal_that_nothing_ready_leads_to(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    recs = pl.recommend_next(graph, mastery, goals="compare")
    # bo and cy can take 'compare' itself; ann needs 'count' first (1 step); di has mastered it
    assert recs.skills() == (("count",), ("compare",), ("compare",), ())
    assert recs.steps_to_goal[:, 0].tolist() == [1, 0, 0, -1]


def test_recommendations_are_frozen(graph: pl.CompiledGraph, mastery: np.ndarray) -> None:
    recs = pl.recommend_next(graph, mastery)
    for name in ("indices", "scores", "steps_to_goal", "goal_index"):
        array = getattr(recs, name)
        assert not array.flags.writeable, name
        with pytest.raises(ValueError):
            array[0] = 0
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        recs.threshold = 0.5  # type: ignore[misc]
    assert recs == pl.recommend_next(graph, mastery)
    assert recs != pl.recommend_next(graph, mastery, k=2)


# --------------------------------------------------------------------- shapes
@pytest.mark.parametrize("k", [1, 3, 10])
def test_zero_learners(graph: pl.CompiledGraph, k: int) -> None:
    for dtype in (np.float32, np.float64):
        empty = read_only(np.zeros((0, graph.n_skills), dtype=dtype))
        ready = pl.readiness(graph, empty)
        fringe = pl.inner_fringe(graph, empty)
        assert ready.shape == fringe.shape == (0, 5)
        assert ready.dtype == fringe.dtype == np.bool_
        for goals in (None, "divide", [], ()):
            recs = pl.recommend_next(graph, empty, k=k, goals=goals)
            assert recs.indices.shape == recs.scores.shape == recs.steps_to_goal.shape == (0, k)
            assert recs.indices.dtype == np.intp
            assert recs.goal_index.shape == (0,)
            assert recs.n_learners == 0
            assert recs.k == k
            assert recs.skills() == ()
            assert recs.reasons == ()
            assert recs.to_records() == []
            assert recs.to_records([]) == []


def test_zero_ready_skills(graph: pl.CompiledGraph) -> None:
    everything = np.ones((3, 5))
    recs = pl.recommend_next(graph, everything, k=4)
    assert (recs.indices == -1).all()
    assert np.isnan(recs.scores).all()
    assert (recs.steps_to_goal == -1).all()
    assert recs.skills() == ((), (), ())
    assert recs.reasons == ((), (), ())
    assert recs.to_records(["a", "b", "c"]) == []
    assert not pl.readiness(graph, everything).any()


def test_k_larger_than_n_skills(graph: pl.CompiledGraph) -> None:
    zeros = np.zeros((2, 5))
    zeros[1, 0] = 1.0
    recs = pl.recommend_next(graph, zeros, k=12)
    assert recs.indices.shape == (2, 12)
    assert recs.indices[0].tolist() == [0] + [-1] * 11
    assert recs.indices[1].tolist() == [1, 2] + [-1] * 10
    assert np.isnan(recs.scores[1, 2:]).all()


@pytest.mark.parametrize("n_learners", [0, 1, 3, 64, 65])
def test_graph_with_no_skills(n_learners: int) -> None:
    """compile_graph([]) is a valid, empty graph; every function gives correctly shaped results."""
    graph = pl.compile_graph([])
    mastery = read_only(np.zeros((n_learners, 0)))
    assert pl.readiness(graph, mastery).shape == (n_learners, 0)
    assert pl.inner_fringe(graph, mastery).shape == (n_learners, 0)
    recs = pl.recommend_next(graph, mastery, k=2)
    assert recs.indices.shape == (n_learners, 2)
    assert (recs.indices == -1).all()
    assert np.isnan(recs.scores).all()
    assert recs.to_records() == []


def test_one_skill_many_learners_across_word_boundaries() -> None:
    graph = pl.compile_graph([], skills=["only"])
    mastery = read_only(np.tile([[0.0], [1.0]], (100, 1)))  # 200 learners alternating
    ready = pl.readiness(graph, mastery)
    assert ready[:, 0].tolist() == [True, False] * 100
    recs = pl.recommend_next(graph, mastery, k=2)
    assert recs.indices[:, 0].tolist() == [0, -1] * 100
    assert (recs.indices[:, 1] == -1).all()


@pytest.mark.parametrize("n_learners", [600, 1808, 3000, 7000])
def test_a_last_slice_shorter_than_the_check_rows_is_packed_correctly(n_learners: int) -> None:
    # 1808 rows pad to 1856, which is not a multiple of the 512-row check slices
    graph = pl.compile_graph([(i, i + 1) for i in range(11)] + [(0, 5), (2, 9)])
    mastery = np.random.default_rng(n_learners).random((n_learners, graph.n_skills))
    whole = pl.recommend_next(graph, mastery, k=2)
    parts = [pl.recommend_next(graph, mastery[i : i + 64], k=2).indices for i in range(0, n_learners, 64)]
    assert np.array_equal(whole.indices, np.concatenate(parts))
