"""Level 1, the experience: goals, pathways through the graph, and choice.

This level personalises how a learner travels through the curriculum, not
what happens in the lesson (see :class:`~personalise.levels.Level`). What it
can compute is small and exact (DOMAIN.md section 1.3):

* :func:`pathway_to`: the unmastered skills that lead to a goal, in an order
  that puts prerequisites first, with the other routes the graph allows;
* :func:`choice_menu`: a short, ranked menu of next skills for a learner to
  choose from, and :meth:`ChoiceMenu.record`, the agency record of who chose
  what from which options;
* :class:`HartRung` and :class:`ParticipationStage`: learner-voice
  vocabularies for *labelling* activities and self-review. They are never
  inferred from data.

Everything here works on one learner's mastery row (a 1-D array over
``compiled.skill_ids``). A skill counts as mastered when its mastery is at or
above ``threshold``, compared in the dtype of the row, as in
:func:`~personalise.readiness`.

Examples
--------
>>> import numpy as np, personalise as pl
>>> from personalise.experience import choice_menu, pathway_to
>>> g = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare")])
>>> row = np.array([1.0, 0.2, 0.0, 0.0])
>>> pathway_to(g, "multiply", row).steps
('add', 'multiply')
>>> choice_menu(g, row).options
('add', 'compare')
"""

from __future__ import annotations

from personalise.experience.choice import ChoiceMenu, ChoiceRecord, choice_menu
from personalise.experience.pathways import Pathway, pathway_to
from personalise.experience.voice import HartRung, ParticipationStage

__all__ = [
    "ChoiceMenu",
    "ChoiceRecord",
    "HartRung",
    "ParticipationStage",
    "Pathway",
    "choice_menu",
    "pathway_to",
]
