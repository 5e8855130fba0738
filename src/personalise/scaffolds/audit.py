"""Audits of scaffold state: support that never fades, learners who struggle, tiered tasks."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    check_id,
    check_ids,
    check_int,
    check_learner_ids,
    check_text,
)
from personalise.evidence import MasteryTable
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.graph import CompiledGraph
from personalise.scaffolds.state import ScaffoldState

__all__ = ["Finding", "audit_scaffolds"]


# -------------------------------------------------------------------- audits
#: The kinds of finding :func:`audit_scaffolds` reports.
_FINDING_KINDS = ("permanent fixture", "struggle")


def _check_finding_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in _FINDING_KINDS:
        raise InvalidParameterError(f"kind must be one of {_FINDING_KINDS}; got {kind!r:.80}", value=kind)
    return kind


def _check_column(value: object) -> int:
    return check_int(value, "column", minimum=0)


def _check_message(value: object) -> str:
    message = check_text(value, "message", empty=False)
    assert message is not None
    return message


def _check_learner(value: object) -> Hashable:
    return _check_id(value, "learner")


def _check_skill(value: object) -> Hashable:
    return _check_id(value, "skill")


def _check_review(value: object) -> tuple[Hashable, ...]:
    return check_ids(value, "review")


def _check_id(value: object, name: str) -> Hashable:
    """A learner or skill id: hashable, not None, not NaN, not a container."""
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        raise InvalidParameterError(f"{name} must be an id; got {value!r}", value=value)
    return check_id(value, name)


@attrs.frozen
class Finding:
    """One problem found by :func:`audit_scaffolds`.

    Parameters
    ----------
    kind : str
        ``"permanent fixture"`` (support that has not faded after many
        opportunities) or ``"struggle"`` (a long run of failures: support
        kept rising).
    learner : hashable
        The learner's id (their row number when no ids were given).
    column : int
        The scaffold's column in the state.
    skill : hashable
        The scaffold's goal skill.
    message : str
        What was found, in words.
    review : tuple of hashable
        For a struggle: the learner's inner-fringe skills that are
        prerequisites of the goal (what to review first), when a graph and
        mastery were given.

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type or value (an unknown kind, a NaN or
        unhashable id, a negative column, an empty message); the message
        names the field.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.Finding("struggle", "ann", 0, "add", "ann failed 4 times in a row").kind
    'struggle'
    """

    kind: str = attrs.field(converter=_check_finding_kind)
    learner: Hashable = attrs.field(converter=_check_learner)
    column: int = attrs.field(converter=_check_column)
    skill: Hashable = attrs.field(converter=_check_skill)
    message: str = attrs.field(converter=_check_message)
    review: tuple[Hashable, ...] = attrs.field(default=(), converter=_check_review)

    @classmethod
    def _trusted(cls, kind: str, learner: Hashable, column: int, skill: Hashable, message: str,
                 review: tuple[Hashable, ...] = ()) -> Finding:
        """A finding from :func:`audit_scaffolds`'s own checked values (no converter runs)."""
        finding = object.__new__(cls)
        for name, value in zip(_FINDING_FIELDS, (kind, learner, column, skill, message, review)):
            object.__setattr__(finding, name, value)
        return finding


_FINDING_FIELDS = tuple(field.name for field in attrs.fields(Finding))


def _ancestors(graph: CompiledGraph, skill: Hashable) -> NDArray[np.bool_]:
    mask = np.zeros(graph.n_skills, dtype=bool)
    frontier = [graph.index_of(skill)]
    while frontier:
        nxt = []
        for v in frontier:
            for u in graph.pred_indices[graph.pred_indptr[v] : graph.pred_indptr[v + 1]].tolist():
                if not mask[u]:
                    mask[u] = True
                    nxt.append(u)
        frontier = nxt
    return mask


def audit_scaffolds(
    state: ScaffoldState,
    *,
    learner_ids: Iterable[Hashable] | None = None,
    max_opportunities: int = 10,
    struggle_after: int = 4,
    graph: CompiledGraph | None = None,
    mastery: Any = None,
    threshold: float = 0.95,
    plan: Mapping[Hashable, Mapping[Hashable, Hashable]] | None = None,
) -> list[Finding]:
    """Look for support that never fades, learners who struggle, and tiered tasks.

    Parameters
    ----------
    state : ScaffoldState
        The cohort's scaffolds.
    learner_ids : sequence of hashable, optional
        One unique id per row (by default the ids of a MasteryTable
        ``mastery``, else row numbers).
    max_opportunities : int, default 10
        A scaffold still giving support after this many opportunities is a
        *permanent fixture*: the lethal mutation of support that never fades.
    struggle_after : int, default 4
        A run of this many failures in a row (support rising each time) is a
        *struggle*: more of the same will not help; review prerequisites.
    graph, mastery : CompiledGraph and array_like, optional
        With both, each struggle finding lists the learner's inner-fringe
        skills that are prerequisites of the goal (see
        :func:`~personalise.inner_fringe`). ``mastery`` has one row per
        learner and one column per skill of ``graph``; a
        :class:`~personalise.MasteryTable` is matched to the graph by skill id
        and, when ``learner_ids`` is given, to the state's rows by learner id.
    threshold : float, default 0.95
        Mastery threshold for the inner fringe.
    plan : mapping, optional
        ``{task: {learner: goal skill}}``. A task whose learners hold
        different goals is a tiered task, and the plan is refused.

    Returns
    -------
    list of Finding
        Permanent fixtures first, then struggles, each in learner order.

    Raises
    ------
    InvalidParameterError
        If ``plan`` gives different learners different goals for one task
        (the message names the task, the goals and the learners), or on bad
        options.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> state = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.contingent_fading(levels=3))])
    >>> for _ in range(4):
    ...     state = state.after(np.array([[True], [False]]))
    >>> [(f.kind, f.learner) for f in pl.audit_scaffolds(state, learner_ids=["ann", "bo"], max_opportunities=4)]
    [('permanent fixture', 'bo'), ('struggle', 'bo')]
    >>> try:
    ...     pl.audit_scaffolds(state, plan={"worksheet 3": {"ann": "add", "bo": "count"}})
    ... except pl.InvalidParameterError as err:
    ...     print(err)
    tiered task 'worksheet 3': learners hold different goals ('add' for 'ann'; 'count' for 'bo'); the goal must be the same for everyone, vary the support instead
    """
    if not isinstance(state, ScaffoldState):
        raise InvalidParameterError(f"state must be a ScaffoldState; got {type(state).__name__}", value=state)
    if isinstance(mastery, MasteryTable):
        if learner_ids is None:
            learner_ids = mastery.learner_ids
        else:
            learner_ids = list(learner_ids)
            mastery = mastery.select(learner_ids)
    ids = check_learner_ids(learner_ids, state.n_learners)
    limit = check_int(max_opportunities, "max_opportunities", minimum=1)
    run = check_int(struggle_after, "struggle_after", minimum=1)
    if plan is not None:
        _refuse_tiered_tasks(plan)
    fringe = None
    if graph is not None or mastery is not None:
        if graph is None or mastery is None:
            raise InvalidParameterError("graph and mastery go together (both or neither)", value=None)
        from personalise.content import inner_fringe

        fringe = inner_fringe(graph, mastery, threshold=threshold)
        if fringe.shape[0] != state.n_learners:
            raise ShapeError(f"mastery must have one row per learner ({state.n_learners}); got {fringe.shape[0]}", value=fringe.shape)
    findings: list[Finding] = []
    support = state.support
    for i, j in np.argwhere((state.opportunities >= limit) & (support > 0)).tolist():
        findings.append(
            Finding._trusted(
                "permanent fixture", ids[i], j, state.skills[j],
                f"{state.kinds[j]} for {state.skills[j]!r} still gives support {support[i, j]:.2f} to {ids[i]!r} "
                f"after {int(state.opportunities[i, j])} opportunities",
            )
        )
    ancestors: dict[Hashable, NDArray[np.bool_]] = {}
    for i, j in np.argwhere(state.failure_run >= run).tolist():
        skill = state.skills[j]
        review: tuple[Hashable, ...] = ()
        if fringe is not None and graph is not None:
            if skill not in ancestors:
                ancestors[skill] = _ancestors(graph, skill)
            review = tuple(graph.skill_ids[s] for s in np.flatnonzero(fringe[i] & ancestors[skill]))
        advice = f"; review {', '.join(map(repr, review))}" if review else "; review its prerequisites"
        findings.append(
            Finding._trusted(
                "struggle", ids[i], j, skill,
                f"{ids[i]!r} failed {int(state.failure_run[i, j])} times in a row on {skill!r} "
                f"(support now {support[i, j]:.2f}){advice}",
                review,
            )
        )
    return findings


def _refuse_tiered_tasks(plan: Mapping[Hashable, Mapping[Hashable, Hashable]]) -> None:
    if not isinstance(plan, Mapping):
        raise InvalidParameterError(f"plan must map tasks to {{learner: goal}}; got {plan!r}", value=plan)
    for task, goals in plan.items():
        if not isinstance(goals, Mapping):
            raise InvalidParameterError(f"plan[{task!r}] must map learners to goal skills; got {goals!r}", value=task)
        by_goal: dict[Hashable, list[Hashable]] = {}
        for learner, goal in goals.items():
            by_goal.setdefault(goal, []).append(learner)
        if len(by_goal) > 1:
            detail = "; ".join(f"{goal!r} for {', '.join(map(repr, learners))}" for goal, learners in by_goal.items())
            raise InvalidParameterError(
                f"tiered task {task!r}: learners hold different goals ({detail}); the goal must be the same "
                "for everyone, vary the support instead",
                value=task,
            )
