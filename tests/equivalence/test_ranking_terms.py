"""recommend_next's learner-model terms (target success, review) against the plain-Python reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.ranking_reference import recommend_terms_ref
from tests.strategies import compiled_dags, examples, goals_for, mastery_matrices, read_only, thresholds


def _params(data: st.DataObject, skill_ids: tuple) -> pl.BKTParams:
    n = len(skill_ids)
    guess = np.array(data.draw(st.lists(st.floats(0.0, 0.45), min_size=n, max_size=n)))
    slip = np.array(data.draw(st.lists(st.floats(0.0, 0.45), min_size=n, max_size=n)))
    # a shuffled skill order: recommend_next must align the parameters to the graph
    order = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).permutation(n)
    return pl.BKTParams([skill_ids[j] for j in order], prior=0.3, learn=0.1, guess=guess[order], slip=slip[order], forget=0)


def _check(recs: pl.Recommendations, indices: list[list[int]], terms: list[list[str]]) -> None:
    for i, (want, want_terms) in enumerate(zip(indices, terms)):
        got = [int(j) for j in recs.indices[i] if j >= 0]
        assert got == want, (i, got, want)
        assert list(recs.term_names[i]) == want_terms
        assert (recs.indices[i, len(want):] == -1).all()


@examples(80)
@given(data=st.data())
def test_target_success_band_matches_reference(data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags(min_skills=1))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids))
    k = data.draw(st.integers(1, 8))
    goals = data.draw(goals_for(graph.skill_ids, mastery.shape[0]))
    params = _params(data, graph.skill_ids)
    low = data.draw(st.floats(0.0, 0.9))
    band = (low, data.draw(st.floats(low + 0.01, 1.0)))
    recs = pl.recommend_next(graph, mastery, k=k, threshold=threshold, goals=goals, params=params, target_success=band)
    aligned = params.aligned(graph)
    want, terms = recommend_terms_ref(
        G, graph.skill_ids, mastery, k=k, threshold=threshold, goals=goals,
        guess=aligned.guess, slip=aligned.slip, band=band,
    )
    _check(recs, want, terms)
    valid = recs.indices >= 0
    rows, cols = np.nonzero(valid)
    skills = recs.indices[rows, cols]
    expected = aligned.guess[skills] + mastery[rows, skills] * (1.0 - aligned.slip[skills] - aligned.guess[skills])
    np.testing.assert_allclose(recs.predicted_success[rows, cols], expected, rtol=0, atol=1e-12)
    assert np.isnan(recs.predicted_success[~valid]).all()


@examples(80)
@given(data=st.data())
def test_review_matches_reference(data: st.DataObject) -> None:
    G, graph = data.draw(compiled_dags(min_skills=1))
    threshold = data.draw(thresholds())
    mastery = data.draw(mastery_matrices(graph.n_skills, threshold, G=G, skill_ids=graph.skill_ids, max_learners=120))
    k = data.draw(st.integers(1, 6))
    max_reviews = data.draw(st.integers(0, 4))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    elapsed = rng.exponential(20.0, size=mastery.shape)
    elapsed[rng.random(mastery.shape) < 0.1] = np.nan  # unknown: never due
    half_life = data.draw(st.sampled_from(["scalar", "per skill", "per learner and skill"]))
    h = {"scalar": 15.0, "per skill": rng.uniform(2, 60, graph.n_skills),
         "per learner and skill": rng.uniform(2, 60, mastery.shape)}[half_life]
    recall_threshold = data.draw(st.sampled_from([0.9, 0.5, 0.99]))
    recs = pl.recommend_next(
        graph, mastery, k=k, threshold=threshold, elapsed_days=read_only(elapsed), half_life_days=h,
        recall_threshold=recall_threshold, max_reviews=max_reviews,
    )
    recall = np.exp2(-elapsed / h)
    want, terms = recommend_terms_ref(
        G, graph.skill_ids, mastery, k=k, threshold=threshold, recall=recall,
        recall_threshold=recall_threshold, max_reviews=max_reviews,
    )
    _check(recs, want, terms)
    is_review = (recs.terms == 4) & (recs.indices >= 0)
    rows, cols = np.nonzero(is_review)
    np.testing.assert_allclose(recs.recall[rows, cols], recall[rows, recs.indices[rows, cols]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(recs.scores[rows, cols], 1.0 - recs.recall[rows, cols], rtol=0, atol=1e-12)
    assert np.isnan(recs.recall[~is_review]).all()


def test_band_and_review_together() -> None:
    graph = pl.compile_graph([("count", "add"), ("count", "compare"), ("add", "multiply")])
    params = pl.BKTParams.constant(graph, prior=0.3, learn=0.1, guess=0.2, slip=0.1)
    # count mastered long ago; add ready at 0.7 (success 0.69: outside 0.70-0.85); compare at 0.8 (0.76: inside)
    mastery = np.array([[0.99, 0.70, 0.80, 0.0]])
    elapsed = np.array([[40.0, 0.0, 0.0, 0.0]])
    recs = pl.recommend_next(graph, mastery, k=3, params=params, elapsed_days=elapsed, half_life_days=20.0)
    assert recs.skills() == (("count", "compare", "add"),)
    assert recs.term_names == (("review", "target success", "outside target success"),)
    reasons = recs.reasons[0]
    assert reasons[0] == "review: mastered, but estimated recall has fallen to 0.25"
    assert "predicted success 0.76, inside the target 0.70-0.85" in reasons[1]
    assert "predicted success 0.69, outside the target 0.70-0.85" in reasons[2]
    record = recs.to_records(["ann"])[0]
    assert record["term"] == "review" and record["recall"] == pytest.approx(0.25)
    assert record["score"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"params": "x"}, pl.InvalidParameterError, "params must be BKTParams"),
        ({"params": pl.BKTParams.constant(["a"], prior=0.3, learn=0.1, guess=0.2, slip=0.1)},
         pl.UnknownSkillError, "'b'"),
        ({"target_success": (0.9, 0.8)}, pl.InvalidParameterError, "low < high"),
        ({"target_success": (0.5, 1.5)}, pl.InvalidParameterError, "target_success high"),
        ({"target_success": 0.8}, pl.InvalidParameterError, "pair"),
        ({"elapsed_days": np.zeros((2, 3))}, pl.ShapeError, "elapsed_days"),
        ({"elapsed_days": np.zeros((1, 2))}, pl.InvalidParameterError, "half_life_days"),
        ({"elapsed_days": np.array([[1.0, -2.0]]), "half_life_days": 5}, pl.InvalidParameterError, r"-2.0 at \(0, 1\)"),
        ({"elapsed_days": np.zeros((1, 2)), "half_life_days": 0}, pl.InvalidParameterError, "> 0"),
        ({"elapsed_days": np.zeros((1, 2)), "half_life_days": [1.0, 2.0, 3.0]}, pl.ShapeError, "half_life_days"),
        ({"elapsed_days": np.zeros((1, 2)), "half_life_days": 5, "recall_threshold": 1.0},
         pl.InvalidParameterError, "recall_threshold"),
        ({"elapsed_days": np.zeros((1, 2)), "half_life_days": 5, "max_reviews": -1},
         pl.InvalidParameterError, "max_reviews"),
        ({"half_life_days": 5}, pl.InvalidParameterError, "needs elapsed_days"),
    ],
)
def test_bad_ranking_options(options: dict, error: type, match: str) -> None:
    graph = pl.compile_graph([("a", "b")])
    params = pl.BKTParams.constant(graph, prior=0.3, learn=0.1, guess=0.2, slip=0.1)
    if "params" not in options and "target_success" in options:
        options = {**options, "params": params}
    with pytest.raises(error, match=match):
        pl.recommend_next(graph, np.array([[1.0, 0.0]]), **options)
