"""Bad-input cases: the prerequisite graph and next steps."""

from __future__ import annotations

from typing import Any

import numpy as np

import personalise as pl
from tests.meta.battery import Case

EDGES = [("count", "add"), ("add", "multiply"), ("count", "compare")]


def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def mastery() -> np.ndarray:
    return np.array([[0.99, 0.2, 0.1, 0.0], [0.99, 0.97, 0.3, 0.1], [0.1, 0.0, 0.0, 0.0]])


def valid_recommendations(recs: pl.Recommendations) -> None:
    """NaN only where the documented padding or "not asked for" markers are."""
    padding = recs.indices < 0
    assert not np.isnan(recs.scores[~padding]).any(), "a recommended item has a NaN score"
    assert np.isnan(recs.scores[padding]).all(), "padding without its NaN score"


RECOMMENDATION_MARKERS = ("result.scores", "result.predicted_success", "result.recall")


def recommendation_fields() -> dict[str, Any]:
    recs = pl.recommend_next(graph(), mastery(), k=2)
    return {"graph": recs.graph, "indices": np.array(recs.indices), "scores": np.array(recs.scores),
            "steps_to_goal": np.array(recs.steps_to_goal), "goal_index": np.array(recs.goal_index)}


def recommendations() -> pl.Recommendations:
    return pl.recommend_next(graph(), mastery(), k=2)


CASES = [
    Case(("compile_graph",), pl.compile_graph, lambda: {"graph": EDGES}),
    Case(("recommend_next",), pl.recommend_next,
         lambda: {"compiled": graph(), "mastery": mastery(), "k": 2, "threshold": 0.95},
         check=valid_recommendations, nan_allowed=RECOMMENDATION_MARKERS),
    Case(("readiness",), pl.readiness, lambda: {"compiled": graph(), "mastery": mastery(), "threshold": 0.95}),
    Case(("inner_fringe",), pl.inner_fringe, lambda: {"compiled": graph(), "mastery": mastery(), "threshold": 0.95}),
    # ---------------------------------------------------------------- recommendations
    Case(("Recommendations",), pl.Recommendations, recommendation_fields,
         nan_allowed=RECOMMENDATION_MARKERS),
    Case(("Recommendations",), lambda obj, learner_ids, names: obj.to_records(learner_ids, names=names),
         lambda: {"obj": recommendations(), "learner_ids": ["ann", "bob", "cat"], "names": {"add": "Adding"}},
         perturb=("learner_ids", "names"), label="Recommendations.to_records"),
    Case(("Recommendations",), lambda obj, learner_ids, title: obj.to_html(learner_ids, title=title),
         lambda: {"obj": recommendations(), "learner_ids": ["ann", "bob", "cat"], "title": "Next steps"},
         perturb=("learner_ids", "title"), label="Recommendations.to_html"),
    # ---------------------------------------------------------------- the compiled graph's methods
    Case(("CompiledGraph",), pl.CompiledGraph,
         lambda: {"skill_ids": ["count", "add", "multiply"], "pred_indptr": np.array([0, 0, 1, 2]),
                  "pred_indices": np.array([0, 1])}),
    Case(("CompiledGraph",), lambda document: pl.CompiledGraph.from_json(document),
         lambda: {"document": pl.compile_graph(EDGES).to_json()}, label="CompiledGraph.from_json"),
    Case(("CompiledGraph",), lambda obj, skill_id: obj.index_of(skill_id),
         lambda: {"obj": graph(), "skill_id": "add"}, perturb=("skill_id",), label="CompiledGraph.index_of"),
    Case(("CompiledGraph",), lambda obj, skill_ids: obj.indices_of(skill_ids),
         lambda: {"obj": graph(), "skill_ids": ["add", "count"]}, perturb=("skill_ids",),
         label="CompiledGraph.indices_of"),
    Case(("CompiledGraph",), lambda obj, skill_id: obj.prerequisites_of(skill_id),
         lambda: {"obj": graph(), "skill_id": "add"}, perturb=("skill_id",), label="CompiledGraph.prerequisites_of"),
    Case(("CompiledGraph",), lambda obj, skill_id: obj.successors_of(skill_id),
         lambda: {"obj": graph(), "skill_id": "add"}, perturb=("skill_id",), label="CompiledGraph.successors_of"),
]

EXEMPT: dict[str, str] = {}
