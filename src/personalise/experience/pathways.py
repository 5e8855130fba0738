"""Pathways: the unmastered skills that lead to a goal, prerequisites first."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs

from personalise._validation import (
    check_graph,
    check_threshold,
    load_json_document,
    require_fields,
    writable_id,
)
from personalise.experience._graph import (
    PATHWAY_SCHEMA,
    _ancestors,
    _check_row,
    _goal_columns,
    _mastered,
    _preds,
    _to_ids,
    _to_orders,
    _topological,
)
from personalise.graph import CompiledGraph

__all__ = ["Pathway", "pathway_to"]


# ----------------------------------------------------------------- pathways
def _goal(values: Any) -> tuple[Hashable, ...]:
    return _to_ids(values, "goal")


def _steps(values: Any) -> tuple[Hashable, ...]:
    return _to_ids(values, "steps")


def _ready(values: Any) -> tuple[Hashable, ...]:
    return _to_ids(values, "ready")


def _alternatives(values: Any) -> tuple[tuple[Hashable, ...], ...]:
    return _to_orders(values, "alternatives")


@attrs.frozen(repr=False)
class Pathway:
    """The unmastered skills between one learner and a goal, prerequisites first.

    Built by :func:`pathway_to`.

    Parameters
    ----------
    goal : tuple of hashable
        The goal skill ids, in column order.
    steps : tuple of hashable
        The unmastered ancestors of the goal, plus the goal skills that are
        not yet mastered, in a topological order (prerequisites first, ties
        by lower column index). Empty when the goal is already mastered.
    ready : tuple of hashable
        The steps that can be started now (every direct prerequisite
        mastered), in column order. More than one is a real choice of route.
    alternatives : tuple of tuple of hashable
        For each ready step other than ``steps[0]``, a valid order of the same
        steps that starts with it (ties again by lower column index).

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> from personalise.experience import pathway_to
    >>> g = pl.compile_graph([("a", "c"), ("b", "c")])
    >>> p = pathway_to(g, "c", np.zeros(3))
    >>> p
    Pathway(goal=('c',), n_steps=3, steps=('a', 'b', 'c'), ready=('a', 'b'), n_alternatives=1)
    >>> p.alternatives
    (('b', 'a', 'c'),)
    """

    goal: tuple[Hashable, ...] = attrs.field(converter=_goal)
    steps: tuple[Hashable, ...] = attrs.field(converter=_steps)
    ready: tuple[Hashable, ...] = attrs.field(converter=_ready)
    alternatives: tuple[tuple[Hashable, ...], ...] = attrs.field(default=(), converter=_alternatives)

    @property
    def n_steps(self) -> int:
        """Number of skills still to learn on the way to the goal.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> from personalise.experience import pathway_to
        >>> pathway_to(pl.compile_graph([("a", "b")]), "b", np.array([1.0, 0.0])).n_steps
        1
        """
        return len(self.steps)

    @property
    def has_choice(self) -> bool:
        """True when more than one step can be started now (several routes).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> from personalise.experience import pathway_to
        >>> pathway_to(pl.compile_graph([("a", "b")]), "b", np.zeros(2)).has_choice
        False
        """
        return len(self.ready) > 1

    def __repr__(self) -> str:
        return (
            f"Pathway(goal={self.goal!r}, n_steps={self.n_steps}, steps={self.steps!r}, "
            f"ready={self.ready!r}, n_alternatives={len(self.alternatives)})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready dict form (with a ``"schema"`` field).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> from personalise.experience import Pathway, pathway_to
        >>> p = pathway_to(pl.compile_graph([("a", "b")]), "b", np.zeros(2))
        >>> p.to_dict()["steps"]
        ['a', 'b']
        >>> Pathway.from_dict(p.to_dict()) == p
        True
        """
        return {
            "schema": PATHWAY_SCHEMA,
            "goal": [writable_id(s) for s in self.goal],
            "steps": [writable_id(s) for s in self.steps],
            "ready": [writable_id(s) for s in self.ready],
            "alternatives": [[writable_id(s) for s in order] for order in self.alternatives],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pathway:
        """Rebuild a pathway from :meth:`to_dict` output.

        Raises
        ------
        InvalidParameterError
            If the schema differs or a field is missing.

        Examples
        --------
        >>> from personalise.experience import Pathway
        >>> Pathway.from_dict({"schema": "personalise.pathway/1", "goal": ["b"], "steps": ["b"],
        ...                    "ready": ["b"], "alternatives": []}).steps
        ('b',)
        """
        _check_document(data, PATHWAY_SCHEMA, ("goal", "steps", "ready", "alternatives"))
        return cls(data["goal"], data["steps"], data["ready"], data["alternatives"])


def _check_document(data: Mapping[str, Any], schema: str, fields: Sequence[str]) -> None:
    require_fields(load_json_document(data, schema, name="data"), fields, schema)


def pathway_to(
    compiled: CompiledGraph, goal: Any, mastery: Any, *, threshold: float = 0.95, missing: float | None = None
) -> Pathway:
    """The ordered unmastered skills that lead one learner to ``goal``.

    ``path(goal) = topological order of (ancestors(goal) | goal) minus the mastered skills``
    (DOMAIN.md section 1.3). The order puts every step after its unmastered
    prerequisites and breaks ties by lower column index, so it is
    deterministic. Where the graph allows several routes, the pathway says so:
    ``ready`` lists every step that can be started now, and ``alternatives``
    gives, for each other ready step, a valid order that starts with it.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    goal : skill id or collection of skill ids
        One goal skill, or a set (list, tuple) of goal skills. A value that
        is itself a skill id of the graph is read as a single goal.
    mastery : array_like, shape (n_skills,), or MasteryTable
        One learner's P(mastery) per skill, in [0, 1], in
        ``compiled.skill_ids`` order; or a one-learner
        :class:`~personalise.MasteryTable` (``table.select([learner_id])``),
        matched to the graph by skill id.
    threshold : float, default 0.95
        Mastery threshold in (0, 1].
    missing : float in [0, 1], optional
        For a MasteryTable lacking some graph skills: the P(mastery) to
        assume for them (by default that is a ``ShapeError``).

    Returns
    -------
    Pathway

    Raises
    ------
    UnknownSkillError
        If a goal is not a skill of the graph.
    ShapeError
        If ``mastery`` is not 1-D with one value per skill.
    InvalidParameterError
        If a mastery value is NaN or outside [0, 1] (the message names the
        position and skill), ``threshold`` is outside (0, 1], or ``goal`` is
        an empty collection.

    Notes
    -----
    Only prerequisite edges between two unmastered skills constrain the
    order: a mastered skill in between already satisfies what follows it.
    O(n_skills + n_edges) for the pathway, times the number of ready steps
    for the alternatives. The number of all valid orders can be exponential,
    so only one order per distinct first step is listed.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> from personalise.experience import pathway_to
    >>> g = pl.compile_graph([("count", "add"), ("count", "compare"), ("add", "multiply"),
    ...                       ("compare", "multiply")])
    >>> p = pathway_to(g, "multiply", np.array([1.0, 0.1, 0.2, 0.0]))
    >>> p.steps, p.ready
    (('add', 'compare', 'multiply'), ('add', 'compare'))
    >>> p.alternatives
    (('compare', 'add', 'multiply'),)
    """
    columns = _goal_columns(check_graph(compiled), goal)
    row = _check_row(compiled, mastery, missing)
    limit = check_threshold(threshold)
    mastered = _mastered(row, limit)
    return _pathway(compiled, columns, mastered)


def _pathway(compiled: CompiledGraph, columns: list[int], mastered: list[bool]) -> Pathway:
    ids = compiled.skill_ids
    region = _ancestors(compiled, columns) | set(columns)
    steps = {j for j in region if not mastered[j]}
    order = _topological(compiled, steps)
    ready = sorted(j for j in steps if all(mastered[p] for p in _preds(compiled, j)))
    alternatives = [_topological(compiled, steps, first=r) for r in ready[1:]] if order else []
    return Pathway(
        goal=[ids[j] for j in columns],
        steps=[ids[j] for j in order],
        ready=[ids[j] for j in ready],
        alternatives=[[ids[j] for j in alt] for alt in alternatives],
    )


