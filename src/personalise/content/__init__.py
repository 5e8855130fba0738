"""Level 2, content: next steps on the prerequisite graph.

Content-level personalisation adapts *what is practised next* to what each
learner has shown. This package holds the cohort-wide next-step functions
(:func:`readiness`, :func:`inner_fringe`, :func:`recommend_next`).
"""

from personalise.content.next_steps import (
    BLOCK_ROWS,
    Recommendations,
    inner_fringe,
    readiness,
    recommend_next,
)

__all__ = ["BLOCK_ROWS", "Recommendations", "inner_fringe", "readiness", "recommend_next"]
