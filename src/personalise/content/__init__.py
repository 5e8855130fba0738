"""Level 2, content: next steps on the prerequisite graph.

Content-level personalisation adapts *what is practised next* to what each
learner has shown. This package holds the learner model (Bayesian Knowledge Tracing:
:class:`BKTParams`, :func:`update_mastery`, :func:`fit_bkt`, :class:`BKTModel`,
:func:`crossvalidate`) and the cohort-wide next-step functions
(:func:`readiness`, :func:`inner_fringe`, :func:`recommend_next`), and
difficulty targeting on a calibrated item pool (:func:`target_difficulty`,
:func:`success_probability`, :func:`elo_update`, :func:`select_items`).
"""

from personalise.content.bkt import METRICS, BKTModel, update_mastery
from personalise.content.bkt_fit import crossvalidate, fit_bkt
from personalise.content.bkt_params import BKTParams
from personalise.content.difficulty import (
    elo_update,
    select_items,
    success_probability,
    target_difficulty,
)
from personalise.content.next_steps import (
    BLOCK_ROWS,
    Recommendations,
    inner_fringe,
    readiness,
    recommend_next,
)
from personalise.content.tracing import estimate_mastery

__all__ = [
    "BLOCK_ROWS",
    "METRICS",
    "BKTModel",
    "BKTParams",
    "Recommendations",
    "crossvalidate",
    "elo_update",
    "estimate_mastery",
    "fit_bkt",
    "inner_fringe",
    "readiness",
    "recommend_next",
    "select_items",
    "success_probability",
    "target_difficulty",
    "update_mastery",
]
