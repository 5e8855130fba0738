"""Vectorised next steps == plain-Python references, exactly.

readiness and inner_fringe must equal the reference cell for cell; the
recommendations must equal it index for index, score for score (NaN
positions included) and step for step. Every mastery input is read-only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.reference import inner_fringe_ref, readiness_ref, recommend_next_ref
from tests.strategies import compiled_dags, examples, goals_for, mastery_matrices, read_only, thresholds

ks = st.one_of(st.integers(1, 10), st.sampled_from([1, 3]))


def assert_recommendations_equal(got: pl.Recommendations, expected: object, n_learners: int, k: int) -> None:
    assert got.indices.dtype == np.intp
    assert got.scores.dtype == np.float64
    assert got.steps_to_goal.dtype == np.intp
    assert got.indices.shape == got.scores.shape == got.steps_to_goal.shape == (n_learners, k)
    np.testing.assert_array_equal(got.indices, expected.indices)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(got.steps_to_goal, expected.steps_to_goal)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(np.isnan(got.scores), np.isnan(expected.scores))  # type: ignore[attr-defined]
    np.testing.assert_array_equal(got.scores, expected.scores)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("function", "reference"),
    [(pl.readiness, readiness_ref), (pl.inner_fringe, inner_fringe_ref)],
    ids=["readiness", "inner_fringe"],
)
@examples(100)
@given(data=st.data())
def test_fringe_matches_reference(function: Any, reference: Any, data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags())
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids))
    got = function(graph, mastery, threshold=threshold)
    assert got.dtype == np.bool_
    assert got.shape == mastery.shape
    np.testing.assert_array_equal(got, reference(G, graph.skill_ids, mastery, threshold))


@examples(100)
@given(data=st.data())
def test_recommend_next_matches_reference(data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags(min_skills=1))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids))
    k = data.draw(ks)
    goals = data.draw(goals_for(graph.skill_ids, mastery.shape[0]))
    got = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals)
    expected = recommend_next_ref(G, graph.skill_ids, mastery, k=k, threshold=threshold, goals=goals)
    assert_recommendations_equal(got, expected, mastery.shape[0], k)
    assert got.threshold == threshold


@given(data=st.data())
def test_recommend_next_without_goals_matches_reference(data: st.DataObject) -> None:
    """The default ranking (descendants, then column) on its own, with k often above n_skills."""
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=40))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids))
    k = data.draw(st.integers(1, 50))
    got = pl.recommend_next(graph, mastery, k=k, threshold=threshold)
    expected = recommend_next_ref(G, graph.skill_ids, mastery, k=k, threshold=threshold)
    assert_recommendations_equal(got, expected, mastery.shape[0], k)
    assert (got.goal_index == -1).all()


@examples(25)
@given(data=st.data(), block_rows=st.sampled_from([64, 128]))
def test_multi_block_matches_reference(data: st.DataObject, block_rows: int) -> None:
    """With BLOCK_ROWS shrunk to 64 or 128, several blocks (and a ragged last one) are processed."""
    G, graph = data.draw(compiled_dags(max_skills=70))
    threshold = data.draw(thresholds())
    sizes = st.one_of(st.integers(block_rows + 1, 5 * block_rows + 7), st.sampled_from([2 * block_rows, 3 * block_rows + 1]))
    mastery = data.draw(
        mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, learner_sizes=sizes)
    )
    n_learners = mastery.shape[0]
    k = data.draw(ks)
    goals = data.draw(goals_for(graph.skill_ids, n_learners))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("personalise.content.next_steps.BLOCK_ROWS", block_rows)
        ready = pl.readiness(graph, mastery, threshold=threshold)
        fringe = pl.inner_fringe(graph, mastery, threshold=threshold)
        recs = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals) if graph.n_skills else None
    np.testing.assert_array_equal(ready, readiness_ref(G, graph.skill_ids, mastery, threshold))
    np.testing.assert_array_equal(fringe, inner_fringe_ref(G, graph.skill_ids, mastery, threshold))
    if recs is not None:
        expected = recommend_next_ref(G, graph.skill_ids, mastery, k=k, threshold=threshold, goals=goals)
        assert_recommendations_equal(recs, expected, n_learners, k)


@examples(20)
@given(data=st.data())
def test_results_do_not_depend_on_block_size(data: st.DataObject) -> None:
    """Splitting the cohort into blocks differently gives identical results."""
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=60))
    threshold = data.draw(thresholds())
    mastery = data.draw(
        mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, learner_sizes=st.integers(0, 400))
    )
    goals = data.draw(goals_for(graph.skill_ids, mastery.shape[0]))
    results = []
    for block_rows in (64, 192, 8192):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("personalise.content.next_steps.BLOCK_ROWS", block_rows)
            results.append(
                (
                    pl.readiness(graph, mastery, threshold=threshold),
                    pl.inner_fringe(graph, mastery, threshold=threshold),
                    pl.recommend_next(graph, mastery, k=4, threshold=threshold, goals=goals),
                )
            )
    first = results[0]
    for other in results[1:]:
        np.testing.assert_array_equal(first[0], other[0])
        np.testing.assert_array_equal(first[1], other[1])
        assert first[2] == other[2]


@examples(30)
@given(data=st.data())
def test_dataframe_mastery_matches_array(data: st.DataObject) -> None:
    """A DataFrame whose columns are the skill ids in any order gives the same results."""
    pd = pytest.importorskip("pandas")
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=30))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, max_learners=80))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    permutation = rng.permutation(graph.n_skills)
    frame = pd.DataFrame(mastery[:, permutation], columns=[graph.skill_ids[j] for j in permutation])
    np.testing.assert_array_equal(
        pl.readiness(graph, frame, threshold=threshold), pl.readiness(graph, mastery, threshold=threshold)
    )
    np.testing.assert_array_equal(
        pl.inner_fringe(graph, frame, threshold=threshold), pl.inner_fringe(graph, mastery, threshold=threshold)
    )
    assert pl.recommend_next(graph, frame, threshold=threshold) == pl.recommend_next(
        graph, mastery, threshold=threshold
    )


@examples(30)
@given(data=st.data())
def test_learner_rows_are_independent(data: st.DataObject) -> None:
    """Permuting the learners permutes the results: no learner affects another's row."""
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=60))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, max_learners=200))
    n = mastery.shape[0]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    permutation = rng.permutation(n)
    shuffled = read_only(np.ascontiguousarray(mastery[permutation]))
    goals = [graph.skill_ids[int(j)] if j % 3 else None for j in rng.integers(0, graph.n_skills, size=n)]
    shuffled_goals = [goals[i] for i in permutation]
    np.testing.assert_array_equal(
        pl.readiness(graph, shuffled, threshold=threshold), pl.readiness(graph, mastery, threshold=threshold)[permutation]
    )
    np.testing.assert_array_equal(
        pl.inner_fringe(graph, shuffled, threshold=threshold),
        pl.inner_fringe(graph, mastery, threshold=threshold)[permutation],
    )
    a = pl.recommend_next(graph, mastery, k=3, threshold=threshold, goals=goals)
    b = pl.recommend_next(graph, shuffled, k=3, threshold=threshold, goals=shuffled_goals)
    np.testing.assert_array_equal(b.indices, a.indices[permutation])
    np.testing.assert_array_equal(b.scores, a.scores[permutation])
    np.testing.assert_array_equal(b.steps_to_goal, a.steps_to_goal[permutation])


@examples(20)
@given(data=st.data())
def test_writable_inputs_are_left_unchanged(data: st.DataObject) -> None:
    """Even a writable mastery array is never written (the read-only tests prove it; this checks values)."""
    G, graph = data.draw(compiled_dags(max_skills=60))
    threshold = data.draw(thresholds())
    mastery = np.array(data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids)))
    before = mastery.copy()
    pl.readiness(graph, mastery, threshold=threshold)
    pl.inner_fringe(graph, mastery, threshold=threshold)
    if graph.n_skills:
        pl.recommend_next(graph, mastery, threshold=threshold, k=2)
    np.testing.assert_array_equal(mastery, before)
    assert mastery.dtype == before.dtype
