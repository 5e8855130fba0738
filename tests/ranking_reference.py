"""Plain-Python reference for the learner-model ranking terms of ``recommend_next``.

Loops over learners and skills; spells out the documented rules:

* new learning: the ready skills (``readiness_ref``), restricted to skills that
  lead to the learner's goal when there is one and ranked as in
  ``recommend_next_ref``; with parameters, the ready skills whose predicted
  success ``guess + m * (1 - slip - guess)`` lies in ``[low, high]`` come
  first, then the others, each group in that ranking;
* review: mastered skills whose recall ``2 ** (-elapsed / half_life)`` is below
  ``recall_threshold`` (NaN elapsed: never due), most decayed first (ties: lower
  column), at most ``max_reviews``, placed before the new skills;
* the row is cut to ``k`` and padded with -1.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from tests.reference import n_descendants_ref, normalise_goals, readiness_ref

TERMS = ("unlocks", "goal", "target success", "outside target success", "review")


def recommend_terms_ref(
    G: nx.DiGraph,
    skill_ids: Sequence[Hashable],
    mastery: np.ndarray,
    *,
    k: int,
    threshold: float,
    goals: Any = None,
    guess: np.ndarray | None = None,
    slip: np.ndarray | None = None,
    band: tuple[float, float] = (0.70, 0.85),
    recall: np.ndarray | None = None,
    recall_threshold: float = 0.9,
    max_reviews: int = 1,
) -> tuple[list[list[int]], list[list[str]]]:
    """Per learner: the recommended column indices and their term names (no padding)."""
    n_learners, n_skills = mastery.shape
    descendants = n_descendants_ref(G, skill_ids)
    ready = readiness_ref(G, skill_ids, mastery, threshold)
    limit = np.asarray(threshold, dtype=mastery.dtype)
    per_learner = normalise_goals(goals, n_learners)
    lengths = {goal: nx.shortest_path_length(G, target=goal) for goal in skill_ids}
    out_indices, out_terms = [], []
    for i in range(n_learners):
        goal_set = per_learner[i]
        keyed = []
        for j in range(n_skills):
            if not ready[i, j]:
                continue
            if goal_set is None:
                keyed.append(((-descendants[j], j), j))
            else:
                steps = [lengths[g][skill_ids[j]] for g in goal_set if skill_ids[j] in lengths[g]]
                if steps:
                    keyed.append(((min(steps), -descendants[j], j), j))
        keyed.sort()
        ranked = [j for _, j in keyed]
        base_term = "unlocks" if goal_set is None else "goal"
        if guess is not None and slip is not None:
            def inside(j: int) -> bool:
                success = guess[j] + float(mastery[i, j]) * (1.0 - slip[j] - guess[j])
                return bool(band[0] <= success <= band[1])

            new = [(j, "target success") for j in ranked if inside(j)]
            new += [(j, "outside target success") for j in ranked if not inside(j)]
        else:
            new = [(j, base_term) for j in ranked]
        reviews = []
        if recall is not None and max_reviews > 0:
            due = [
                (float(recall[i, j]), j)
                for j in range(n_skills)
                if mastery[i, j] >= limit and not np.isnan(recall[i, j]) and recall[i, j] < recall_threshold
            ]
            due.sort()
            reviews = [(j, "review") for _, j in due[:max_reviews]]
        chosen = (reviews + new)[:k]
        out_indices.append([j for j, _ in chosen])
        out_terms.append([t for _, t in chosen])
    return out_indices, out_terms
