"""A lesson plan for one class, in the shape of a lesson, from the three levels.

:func:`plan_lesson` lays one lesson out in the phases of Rosenshine's
principles of instruction (:data:`~personalise.PHASES`), each filled from the
levels of personalisation:

1. **daily review**: the skills the class learned last (the inner fringe) and,
   with practice times, the mastered skills whose recall is decaying;
2. **new material in small steps**: the class's most common ready skill;
3. **guided practice, with support that fades**: one group per shared next
   step, with the support (a scaffold that fades with mastery) for that group;
4. **checks for understanding**: the hinge question and what each answer
   triggers (the teaching level's assessment for learning);
5. **independent practice**: learners with nothing blocking them, with a
   choice among ready skills (the experience level);
6. **weekly and monthly review**: what to come back to.

Every item is tagged with its :class:`~personalise.Level`, names who it is
for, and carries its reason. The goal is the same for everyone; what varies
is support and route. Groups are temporary: they come from today's evidence.

:attr:`LessonPlan.items` keeps the full listing as well (the whole-class
decision and groups, each learner's next steps, each learner's choice menu),
shown with ``to_text(detail=True)``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from personalise._validation import (
    as_array,
    check_flag,
    check_graph,
    check_ids,
    check_int,
    check_learner_ids,
    check_mastery,
    load_json_document,
    require_fields,
)
from personalise.content import recommend_next
from personalise.content.bkt_params import BKTParams
from personalise.content.recommendations import Names
from personalise.evidence import MasteryTable
from personalise.experience._graph import _goal_columns
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.experience import choice_menu
from personalise.graph import CompiledGraph
from personalise.levels import Level
from personalise.scaffolds.fading import MasteryFading, mastery_fading
from personalise.teaching import (
    Decision,
    Group,
    HingeQuestion,
    decide,
    diagnose,
    flexible_groups,
)
from personalise.teaching.phases import (
    Phase,
    PlanItem,
    _checks,
    _Context,
    _daily_review,
    _first_new_steps,
    _guided_practice,
    _independent_practice,
    _instances,
    _items,
    _label_function,
    _later_review,
    _new_material,
)
from personalise.teaching.principles import PHASE_NAMES, phase_spec

__all__ = ["LessonPlan", "Phase", "PlanItem", "plan_lesson"]

SCHEMA = "personalise.lesson_plan/2"
_OLD_SCHEMA = "personalise.lesson_plan/1"  # before phases: still read


def _ids(value: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return check_ids(value, "learner_ids")


def _groups(value: Iterable[Group]) -> tuple[Group, ...]:
    return _instances(value, Group, "groups")


def _phases(value: Iterable[Phase]) -> tuple[Phase, ...]:
    return _instances(value, Phase, "phases")


def _check_decision(instance: object, attribute: object, decision: Decision | None) -> None:
    if decision is not None and not isinstance(decision, Decision):
        raise InvalidParameterError(f"decision must be a Decision or None; got {decision!r:.80}", value=decision)


@attrs.frozen
class LessonPlan:
    """A lesson plan for one class, in phases, across the three levels (see :func:`plan_lesson`).

    Parameters
    ----------
    items : tuple of PlanItem
        The full listing: teaching items first (the whole-class decision,
        then the groups), then content (each learner's next steps with their
        support), then experience (each learner's choice menu).
    decision : Decision or None
        The whole-class decision, when a hinge question was answered.
    groups : tuple of Group
        The temporary groups for this lesson.
    phases : tuple of Phase
        The lesson in Rosenshine's shape: one :class:`Phase` per entry of
        :data:`~personalise.PHASES`, in lesson order, each item one group of
        learners who share what they do.
    learner_ids : tuple of hashable
        The class, in order.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("count", "compare")])
    >>> plan = pl.plan_lesson(g, np.array([[0.99, 0.5, 0.2], [0.2, 0.0, 0.0]]), learner_ids=["ann", "bo"])
    >>> [phase.name for phase in plan.phases][:3]
    ['daily review', 'new material', 'guided practice']
    >>> print(plan)  # doctest: +ELLIPSIS
    Lesson plan for 2 learners, in the phases of Rosenshine's principles of instruction.
    ...
    1. Daily review (principle 1)
       - revisit count [content]: ann
         why: among the skills they learned last (the inner fringe) for 1 of 2: a few quick retrieval questions
    ...
    """

    items: tuple[PlanItem, ...] = attrs.field(converter=_items)
    decision: Decision | None = attrs.field(default=None, validator=_check_decision)
    groups: tuple[Group, ...] = attrs.field(default=(), converter=_groups)
    phases: tuple[Phase, ...] = attrs.field(default=(), converter=_phases)
    learner_ids: tuple[Hashable, ...] = attrs.field(default=(), converter=_ids)

    def at(self, level: Level) -> tuple[PlanItem, ...]:
        """The items of one level (from the full listing :attr:`items`)."""
        return tuple(item for item in self.items if item.level is level)

    def phase(self, name: str) -> Phase:
        """The phase of that name (see :data:`~personalise.PHASES`).

        Raises
        ------
        InvalidParameterError
            If no phase has that name.
        """
        phase_spec(name)
        for phase in self.phases:
            if phase.name == name:
                return phase
        raise InvalidParameterError(f"this plan has no {name!r} phase (it was built without phases)", value=name)

    def to_text(self, *, detail: bool = False, width: int = 100) -> str:
        """The plan as text a teacher reads: phases, one line per group, each reason indented below it.

        Parameters
        ----------
        detail : bool, default False
            Also list every learner's next steps and choice menu, one by one.
        width : int, default 100
            Wrap lines at this width (at least 40).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> plan = pl.plan_lesson(g, np.array([[0.99, 0.5], [0.2, 0.0]]), learner_ids=["ann", "bo"])
        >>> "Full listing" in plan.to_text(detail=True), "Full listing" in plan.to_text()
        (True, False)
        """
        from personalise.io._lesson_text import lesson_text

        if not isinstance(width, int) or isinstance(width, bool) or width < 40:
            raise InvalidParameterError(f"width must be an int >= 40; got {width!r}", value=width)
        return lesson_text(self, detail=check_flag(detail, "detail"), width=width)

    def __str__(self) -> str:
        return self.to_text()

    def to_html(self, *, title: str | None = None) -> str:
        """The plan as one self-contained, printable HTML page (inline CSS, no script, A4).

        Level and phase headings, one table per phase with a row per group
        (level, what, who, why): every reason is on the page.

        Parameters
        ----------
        title : str, optional
            The page's heading (default "Lesson plan for N learners").

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> page = pl.plan_lesson(g, np.array([[0.99, 0.5], [0.2, 0.0]]), learner_ids=["ann", "bo"]).to_html()
        >>> page.startswith("<!DOCTYPE html>"), "<script" in page, "Daily review" in page
        (True, False, True)
        """
        from personalise.io._html import lesson_page

        return lesson_page(self, title=title)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(phase.title)}</td><td>{html.escape(item.level.label)}</td>"
            f"<td>{html.escape(item.what)}</td><td>{html.escape(', '.join(map(str, item.learners)))}</td>"
            f"<td>{html.escape(item.reason)}</td></tr>"
            for phase in self.phases
            for item in phase.items
        )
        return (
            "<table><thead><tr><th>phase</th><th>level</th><th>what</th><th>who</th><th>why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def to_json(self) -> str:
        """The plan as a JSON document with a ``"schema"`` field (ids must be str or int).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> plan = pl.plan_lesson(g, np.array([[0.99, 0.5], [0.2, 0.0]]), learner_ids=["ann", "bo"])
        >>> pl.LessonPlan.from_json(plan.to_json()) == plan
        True
        """
        decision = None
        if self.decision is not None:
            decision = {"action": self.decision.action, "reason": self.decision.reason, "groups_by": list(self.decision.groups_by)}
        return json.dumps(
            {
                "schema": SCHEMA,
                "learner_ids": list(self.learner_ids),
                "decision": decision,
                "groups": [{"basis": g.basis, "members": list(g.members), "kind": g.kind} for g in self.groups],
                "items": [item.to_dict() for item in self.items],
                "phases": [phase.to_dict() for phase in self.phases],
            }
        )

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> LessonPlan:
        """Rebuild a plan from :meth:`to_json` output (also reads the earlier schema, without phases).

        Raises
        ------
        InvalidParameterError
            On another schema, a missing field, an unknown level or phase.
        """
        try:
            data = load_json_document(document, SCHEMA)
        except InvalidParameterError:
            data = load_json_document(document, _OLD_SCHEMA)
        require_fields(data, ("decision", "groups", "items"), "lesson plan")
        try:
            items = [PlanItem.from_dict(item) for item in data["items"]]
            groups = [Group(g["basis"], g["members"], g["kind"]) for g in data["groups"]]
            raw = data["decision"]
            decision = None if raw is None else Decision(raw["action"], raw["reason"], raw["groups_by"])
            phases = [Phase(p["name"], [PlanItem.from_dict(i) for i in p["items"]], p["note"])
                      for p in data.get("phases", ())]
            learner_ids = data.get("learner_ids")
            if learner_ids is None:
                learner_ids = list(dict.fromkeys(learner for item in items for learner in item.learners))
        except (KeyError, TypeError, ValueError) as err:
            raise InvalidParameterError(f"bad lesson plan document: {err!r}", value=str(err)) from None
        return cls(items, decision, groups, phases, learner_ids)

    def to_frame(self) -> Any:
        """One row per phase item and learner: phase, level, learner, what, reason (needs pandas).

        A plan without phases (read from the earlier schema) gives one row
        per item of the full listing, with an empty phase.
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - exercised only without pandas
            raise ImportError("LessonPlan.to_frame needs pandas: pip install 'personalise[pandas]'") from None
        listed = [(phase.name, item) for phase in self.phases for item in phase.items] or \
            [("", item) for item in self.items]
        rows = [
            {"phase": phase, "level": item.level.label, "learner_id": learner, "what": item.what,
             "reason": item.reason}
            for phase, item in listed
            for learner in item.learners
        ]
        return pd.DataFrame.from_records(rows, columns=["phase", "level", "learner_id", "what", "reason"])


def plan_lesson(
    compiled: CompiledGraph,
    mastery: Any,
    *,
    learner_ids: Iterable[Hashable] | None = None,
    question: HingeQuestion | None = None,
    answers: Mapping[Any, str | None] | None = None,
    k: int = 3,
    threshold: float = 0.95,
    goals: Any = None,
    params: BKTParams | None = None,
    max_group_size: int | None = None,
    menu_size: int = 3,
    scaffold_rule: MasteryFading | None = None,
    missing: float | None = None,
    elapsed_days: Any = None,
    half_life_days: Any = None,
    recall_threshold: float = 0.9,
    names: Names | None = None,
) -> LessonPlan:
    """Plan one lesson for a class, in Rosenshine's phases, across the three levels.

    Parameters
    ----------
    compiled : CompiledGraph
        The curriculum.
    mastery : array_like, shape (n_learners, n_skills), or MasteryTable
        P(mastery) per learner and skill (see :func:`~personalise.recommend_next`).
        A :class:`~personalise.MasteryTable` is matched to the graph by skill
        id and carries the learner ids.
    learner_ids : sequence of hashable, optional
        One unique id per row of an array ``mastery`` (required then). With a
        MasteryTable: the class to plan for, in this order (a subset of the
        table's learners; default: all of them).
    question, answers : HingeQuestion and mapping, optional
        The latest hinge question and each learner's answer (None: did not
        answer). With them, the plan starts from :func:`~personalise.decide`,
        groups by misconception, and only learners who answered right go to
        independent practice straight away; without them, learners are
        grouped by their first next step (a shared need).
    k : int, default 3
        Next steps per learner.
    threshold : float, default 0.95
        Mastery threshold.
    goals : optional
        Goals, as for :func:`~personalise.recommend_next` (the same for every
        learner, or per learner; never lowered for anyone).
    params : BKTParams, optional
        Learner-model parameters for the target-success band.
    max_group_size : int, optional
        Largest group; larger groups are split evenly.
    menu_size : int, default 3
        Options per choice menu (2 to 4).
    scaffold_rule : MasteryFading, optional
        How support follows mastery (default :func:`~personalise.mastery_fading`).
    missing : float in [0, 1], optional
        For a MasteryTable lacking some graph skills: the P(mastery) to
        assume for them (by default that is a ``ShapeError``).
    elapsed_days, half_life_days, recall_threshold : optional
        Days since each learner last practised each skill, the recall
        half-life and the recall below which a mastered skill is due, as for
        :func:`~personalise.recommend_next` (an evidence store's
        :meth:`~personalise.EvidenceStore.plan_lesson` fills them in from its
        last-practice times). With them, the daily review starts from
        decaying skills, and the weekly and monthly review names the skills
        falling due within 7 and 30 days.
    names : mapping or callable, optional
        A readable name for each skill id, used in every line of the plan
        (a mapping, or a function such as :meth:`CaseFramework.label
        <personalise.CaseFramework.label>`); by default skills show by id.

    Returns
    -------
    LessonPlan
        With :attr:`~LessonPlan.phases` in lesson order, and the full
        listing in :attr:`~LessonPlan.items`.

    Raises
    ------
    ShapeError
        If ``learner_ids`` does not have one id per row, or the class is empty.
    EvidenceError, InvalidParameterError, UnknownSkillError
        As the functions it combines raise them (answers naming options the
        question lacks, learners outside the class, unknown goals...).

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("halves", "quarters"), ("halves", "thirds")])
    >>> q = pl.HingeQuestion("quarters", ("A", "B", "C"), "B", {"A": "bigger denominator, bigger part", "C": "none-plausible"})
    >>> mastery = np.array([[0.97, 0.4, 0.3], [0.96, 0.2, 0.1], [0.99, 0.9, 0.5],
    ...                     [0.98, 0.7, 0.2], [0.99, 0.8, 0.6]])
    >>> plan = pl.plan_lesson(g, mastery, learner_ids=["ann", "bo", "cy", "di", "ed"], question=q,
    ...                       answers={"ann": "A", "bo": "A", "cy": "B", "di": "B", "ed": "B"})
    >>> plan.decision.action
    'regroup'
    >>> plan.at(pl.Level.TEACHING)[1].what
    "group on 'bigger denominator, bigger part'"
    >>> [item.what for item in plan.phase("checks for understanding").items][1:]
    ["answered 'A': holds 'bigger denominator, bigger part'", "answered 'B': right"]
    >>> [item.learners for item in plan.phase("independent practice").items]
    [('cy', 'di', 'ed')]
    """
    check_graph(compiled)
    menu_size = check_int(menu_size, "menu_size", minimum=1)
    if max_group_size is not None:
        max_group_size = check_int(max_group_size, "max_group_size", minimum=1)
    if answers is not None and not isinstance(answers, Mapping):
        raise InvalidParameterError(f"answers must map learner ids to the option chosen; got {answers!r:.80}",
                                    value=answers)
    if goals is not None:
        per_learner = isinstance(goals, (list, tuple)) or (isinstance(goals, np.ndarray) and goals.ndim > 0)
        for goal in (goals if per_learner else [goals]):
            if goal is not None:
                _goal_columns(compiled, goal, "goals")  # an unknown skill is an error naming goals
    if elapsed_days is not None:
        elapsed_days = as_array(elapsed_days, "elapsed_days")
    if half_life_days is not None:
        half_life_days = as_array(half_life_days, "half_life_days")
    if isinstance(mastery, MasteryTable):
        table = mastery if learner_ids is None else mastery.select(learner_ids)
        mastery, learner_ids = table.values_for(compiled.skill_ids, missing=missing), table.learner_ids
    elif learner_ids is None:
        raise InvalidParameterError("learner_ids is required when mastery is an array (a MasteryTable carries them)",
                                    value=None)
    elif missing is not None:
        raise InvalidParameterError("missing= applies only to a MasteryTable", value=missing)
    else:
        mastery = check_mastery(mastery, compiled.n_skills, compiled.skill_ids)
    ids = tuple(check_learner_ids(learner_ids, mastery.shape[0]))
    if not ids:
        raise ShapeError("cannot plan a lesson for an empty class", value=0)
    rule = mastery_fading() if scaffold_rule is None else scaffold_rule
    if not isinstance(rule, MasteryFading):
        raise InvalidParameterError(f"scaffold_rule must come from mastery_fading(); got {rule!r}", value=rule)
    recs = recommend_next(compiled, mastery, k=k, threshold=threshold, goals=goals, params=params,
                          elapsed_days=elapsed_days, half_life_days=half_life_days, recall_threshold=recall_threshold)
    label = _label_function(names)
    array = np.asarray(mastery, dtype=np.float64)
    elapsed = None if elapsed_days is None else np.asarray(elapsed_days, dtype=np.float64)
    items: list[PlanItem] = []

    decision = diagnosis = None
    if question is not None or answers is not None:
        if question is None or answers is None:
            raise InvalidParameterError("question and answers go together (both or neither)", value=None)
        unknown = [learner for learner in answers if learner not in set(ids)]
        if unknown:
            raise InvalidParameterError(f"answers name learners who are not in the class: {unknown!r}", value=unknown[0])
        diagnosis = diagnose(question, answers)
        decision = decide(diagnosis)
        items.append(PlanItem(Level.TEACHING, decision.action, decision.reason, ids))
        groups = flexible_groups(ids, by=diagnosis, max_size=max_group_size)
    else:
        first_any = {ids[i]: compiled.skill_ids[int(row[0])] if row[0] >= 0 else None
                     for i, row in enumerate(recs.indices)}
        groups = flexible_groups(ids, by=first_any, max_size=max_group_size)
    for group in groups:
        if group.kind == "misconception":
            what, why = f"group on {group.basis!r}", "they chose the option that reveals this misconception"
        elif group.kind == "prerequisite":
            what, why = f"group on {group.basis!r}", "their first next step is the same skill"
        elif group.kind == "reteach":
            what, why = "group: reteach the idea", "wrong, with no misconception the question can name"
        elif group.kind == "ready":
            what, why = "group: independent practice", "nothing is blocking them right now"
        else:
            what, why = "check in first", "no evidence from this question yet"
        items.append(PlanItem(Level.TEACHING, what, f"{why} (temporary: recomputed from the next evidence)", group.members))

    reasons = recs.reasons
    for i, learner in enumerate(ids):
        for rank, j in enumerate(recs.indices[i].tolist()):
            if j < 0:
                break
            support = rule.from_mastery(float(array[i, j]))
            items.append(PlanItem(Level.CONTENT, f"{rank + 1}. {compiled.skill_ids[j]} (support {support:.2f}, "
                                  "fading as mastery grows)", reasons[i][rank], (learner,)))
    menus: dict[Hashable, tuple[Hashable, ...]] = {}
    for i, learner in enumerate(ids):
        goal = goals[i] if isinstance(goals, (list, tuple, np.ndarray)) else goals
        menu = choice_menu(compiled, array[i], m=menu_size, goals=goal, threshold=threshold)
        if len(menu.options):
            menus[learner] = tuple(menu.options)
            items.append(PlanItem(Level.EXPERIENCE, "choose one of " + ", ".join(map(str, menu.options)),
                                  "a real choice among ready skills on different branches (2 to 4 options)", (learner,)))

    context = _Context(compiled, ids, array, threshold, label)
    first = _first_new_steps(recs)
    new_material, new_skill = _new_material(context)
    guided = _guided_practice(context, first, rule)
    if diagnosis is not None:
        unblocked = tuple(learner for learner in ids if learner in set(diagnosis.correct))
    else:
        unblocked = ids
    review = _daily_review(context, elapsed, half_life_days, recall_threshold)
    taught = ([new_skill] if new_skill >= 0 else []) + [
        compiled.index_of(item.skill) for item in guided.items if item.skill is not None
        and compiled.index_of(item.skill) != new_skill]
    phases = [
        review,
        new_material,
        guided,
        _checks(context, question, diagnosis, decision, answers, new_skill),
        _independent_practice(context, unblocked, first, menus, diagnosis is None),
        _later_review(context, elapsed, half_life_days, recall_threshold, taught,
                      [item.skill for item in review.items if item.skill is not None]),
    ]
    assert tuple(phase.name for phase in phases) == PHASE_NAMES
    return LessonPlan(items, decision, groups, phases, ids)

