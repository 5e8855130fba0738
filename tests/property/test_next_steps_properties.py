"""Invariants of readiness, inner_fringe and recommend_next that hold whatever the graph and mastery."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.strategies import compiled_dags, examples, goals_for, mastery_matrices, thresholds


@examples(40)
@given(data=st.data())
def test_fringes_and_recommendations_are_consistent(data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=80))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, max_learners=150))
    goals = data.draw(goals_for(graph.skill_ids, mastery.shape[0]))
    k = data.draw(st.integers(1, 8))
    mastered = mastery >= mastery.dtype.type(threshold)
    ready = pl.readiness(graph, mastery, threshold=threshold)
    fringe = pl.inner_fringe(graph, mastery, threshold=threshold)
    assert not (ready & mastered).any(), "a ready skill is never already mastered"
    assert not (fringe & ~mastered).any(), "the inner fringe is mastered"
    # roots are ready exactly when unmastered
    roots = np.diff(graph.pred_indptr) == 0
    np.testing.assert_array_equal(ready[:, roots], ~mastered[:, roots])
    # leaves are in the inner fringe exactly when mastered
    leaves = np.diff(graph.succ_indptr) == 0
    np.testing.assert_array_equal(fringe[:, leaves], mastered[:, leaves])

    recs = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals)
    for i, row in enumerate(recs.indices.tolist()):
        chosen = [j for j in row if j >= 0]
        assert row[: len(chosen)] == chosen, "padding only at the end"
        assert len(set(chosen)) == len(chosen), "no skill twice"
        assert all(ready[i, j] for j in chosen), "only ready skills are recommended"
        if recs.goal_index[i] < 0:
            assert len(chosen) == min(k, int(ready[i].sum()))
            keys = [(-graph.n_descendants[j], j) for j in chosen]
            assert keys == sorted(keys)
        else:
            steps = recs.steps_to_goal[i, : len(chosen)].tolist()
            assert all(s >= 0 for s in steps)
            assert steps == sorted(steps)
            np.testing.assert_array_equal(recs.scores[i, : len(chosen)], -np.array(steps, dtype=float))
        assert np.isnan(recs.scores[i, len(chosen) :]).all()
        assert (recs.steps_to_goal[i, len(chosen) :] == -1).all()


@examples(30)
@given(data=st.data())
def test_smaller_k_is_a_prefix(data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=60))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, max_learners=100))
    goals = data.draw(goals_for(graph.skill_ids, mastery.shape[0]))
    big = pl.recommend_next(graph, mastery, k=9, threshold=threshold, goals=goals)
    for k in (1, 4):
        small = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals)
        np.testing.assert_array_equal(small.indices, big.indices[:, :k])
        np.testing.assert_array_equal(small.scores, big.scores[:, :k])
        np.testing.assert_array_equal(small.steps_to_goal, big.steps_to_goal[:, :k])


@examples(30)
@given(data=st.data())
def test_records_match_arrays(data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags(min_skills=1, max_skills=30))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, max_learners=40))
    goals = data.draw(goals_for(graph.skill_ids, mastery.shape[0]))
    recs = pl.recommend_next(graph, mastery, k=3, threshold=threshold, goals=goals)
    learner_ids = [f"learner-{i}" for i in range(mastery.shape[0])]
    records = recs.to_records(learner_ids)
    assert len(records) == int((recs.indices >= 0).sum())
    reasons = recs.reasons
    skills = recs.skills()
    for record in records:
        i = learner_ids.index(record["learner_id"])
        rank = record["rank"] - 1
        assert record["skill_index"] == recs.indices[i, rank]
        assert record["skill_id"] == graph.skill_ids[record["skill_index"]] == skills[i][rank]
        assert record["score"] == recs.scores[i, rank]
        steps = int(recs.steps_to_goal[i, rank])
        assert record["steps_to_goal"] == (steps if steps >= 0 else None)
        assert record["reason"] == reasons[i][rank]
        assert record["reason"].startswith("ready: ")
