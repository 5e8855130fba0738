"""A lesson plan for one class that combines the three levels.

:func:`plan_lesson` puts together, for one class and one lesson:

* **teaching** (closest to learning, strongest evidence): the whole-class
  decision from the latest hinge question, and temporary flexible groups,
  each with what it works on;
* **content**: each learner's next steps on the prerequisite graph, with the
  support (a scaffold that fades with mastery) offered towards the same goal;
* **experience**: each learner's choice menu of a few ready skills.

Every item is tagged with its :class:`~personalise.Level` and carries its
reason. The goal is the same for everyone; what varies is support and route.
"""

from __future__ import annotations

import html
import json
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from personalise._validation import (
    check_learner_ids,
    load_json_document,
    require_fields,
)
from personalise.content import recommend_next
from personalise.content.bkt_params import BKTParams
from personalise.evidence import MasteryTable
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.experience import choice_menu
from personalise.graph import CompiledGraph
from personalise.levels import Level
from personalise.scaffolds.fading import MasteryFading, mastery_fading
from personalise.teaching import (
    Decision,
    Diagnosis,
    Group,
    HingeQuestion,
    decide,
    diagnose,
    flexible_groups,
)

__all__ = ["LessonPlan", "PlanItem", "plan_lesson"]

SCHEMA = "personalise.lesson_plan/1"


def _ids(value: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return tuple(value)


def _groups(value: Iterable[Group]) -> tuple[Group, ...]:
    return tuple(value)


@attrs.frozen
class PlanItem:
    """One line of a lesson plan: who, what, why, and at which level.

    Parameters
    ----------
    level : Level
        The level the item belongs to.
    what : str
        What happens (a decision, a group's focus, a next step, a menu).
    reason : str
        Why, in words.
    learners : tuple of hashable
        Who it concerns (every learner for a whole-class item).

    Examples
    --------
    >>> import personalise as pl
    >>> pl.PlanItem(pl.Level.TEACHING, "move on", "80% know it", ("ann",)).level.label
    'teaching'
    """

    level: Level
    what: str
    reason: str
    learners: tuple[Hashable, ...] = attrs.field(converter=_ids)

    def to_dict(self) -> dict[str, Any]:
        """The item as a JSON-ready dict."""
        return {"level": self.level.label, "what": self.what, "reason": self.reason, "learners": list(self.learners)}


def _items(value: Iterable[PlanItem]) -> tuple[PlanItem, ...]:
    return tuple(value)


@attrs.frozen
class LessonPlan:
    """A lesson plan across the three levels (see :func:`plan_lesson`).

    Parameters
    ----------
    items : tuple of PlanItem
        Teaching items first (the whole-class decision, then the groups),
        then content (each learner's next steps with their support), then
        experience (each learner's choice menu).
    decision : Decision or None
        The whole-class decision, when a hinge question was answered.
    groups : tuple of Group
        The temporary groups for this lesson.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("count", "compare")])
    >>> plan = pl.plan_lesson(g, np.array([[0.99, 0.5, 0.2], [0.2, 0.0, 0.0]]), learner_ids=["ann", "bo"])
    >>> [item.level.label for item in plan.items][:2]
    ['teaching', 'teaching']
    >>> print(plan)  # doctest: +ELLIPSIS
    Lesson plan for 2 learners
    <BLANKLINE>
    Teaching (assessment for learning, flexible groups)
      ...
    """

    items: tuple[PlanItem, ...] = attrs.field(converter=_items)
    decision: Decision | None = None
    groups: tuple[Group, ...] = attrs.field(default=(), converter=_groups)

    def at(self, level: Level) -> tuple[PlanItem, ...]:
        """The items of one level."""
        return tuple(item for item in self.items if item.level is level)

    def __str__(self) -> str:
        titles = {
            Level.TEACHING: "Teaching (assessment for learning, flexible groups)",
            Level.CONTENT: "Content (next steps, with support that fades)",
            Level.EXPERIENCE: "Experience (choices)",
        }
        learners = {learner for item in self.items for learner in item.learners}
        lines = [f"Lesson plan for {len(learners)} learners"]
        for level in (Level.TEACHING, Level.CONTENT, Level.EXPERIENCE):
            lines += ["", titles[level]]
            for item in self.at(level):
                who = ", ".join(map(str, item.learners)) if len(item.learners) <= 6 else f"{len(item.learners)} learners"
                lines.append(f"  {item.what} [{who}]")
                lines.append(f"      {item.reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(item.level.label)}</td><td>{html.escape(item.what)}</td>"
            f"<td>{html.escape(', '.join(map(str, item.learners)))}</td><td>{html.escape(item.reason)}</td></tr>"
            for item in self.items
        )
        return (
            "<table><thead><tr><th>level</th><th>what</th><th>who</th><th>why</th></tr></thead>"
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
                "decision": decision,
                "groups": [{"basis": g.basis, "members": list(g.members), "kind": g.kind} for g in self.groups],
                "items": [item.to_dict() for item in self.items],
            }
        )

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> LessonPlan:
        """Rebuild a plan from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            On another schema, a missing field or an unknown level.
        """
        data = load_json_document(document, SCHEMA)
        require_fields(data, ("decision", "groups", "items"), "lesson plan")
        try:
            items = [
                PlanItem(Level.from_name(item["level"]), item["what"], item["reason"], item["learners"])
                for item in data["items"]
            ]
            groups = [Group(g["basis"], g["members"], g["kind"]) for g in data["groups"]]
            raw = data["decision"]
            decision = None if raw is None else Decision(raw["action"], raw["reason"], raw["groups_by"])
        except (KeyError, TypeError, ValueError) as err:
            raise InvalidParameterError(f"bad lesson plan document: {err!r}", value=str(err)) from None
        return cls(items, decision, groups)

    def to_frame(self) -> Any:
        """One row per item and learner: level, learner, what, reason (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - exercised only without pandas
            raise ImportError("LessonPlan.to_frame needs pandas: pip install 'personalise[pandas]'") from None
        rows = [
            {"level": item.level.label, "learner_id": learner, "what": item.what, "reason": item.reason}
            for item in self.items
            for learner in item.learners
        ]
        return pd.DataFrame.from_records(rows, columns=["level", "learner_id", "what", "reason"])


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
) -> LessonPlan:
    """Plan one lesson for a class across the three levels.

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
        answer). With them, the plan starts from :func:`~personalise.decide`
        and groups by misconception; without them, learners are grouped by
        their first next step (a shared need).
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

    Returns
    -------
    LessonPlan

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
    """
    if isinstance(mastery, MasteryTable):
        table = mastery if learner_ids is None else mastery.select(learner_ids)
        mastery, learner_ids = table.values_for(compiled.skill_ids, missing=missing), table.learner_ids
    elif learner_ids is None:
        raise InvalidParameterError("learner_ids is required when mastery is an array (a MasteryTable carries them)",
                                    value=None)
    elif missing is not None:
        raise InvalidParameterError("missing= applies only to a MasteryTable", value=missing)
    ids = check_learner_ids(learner_ids, np.asarray(mastery).shape[0] if np.ndim(mastery) == 2 else -1)
    if not ids:
        raise ShapeError("cannot plan a lesson for an empty class", value=0)
    rule = mastery_fading() if scaffold_rule is None else scaffold_rule
    if not isinstance(rule, MasteryFading):
        raise InvalidParameterError(f"scaffold_rule must come from mastery_fading(); got {rule!r}", value=rule)
    recs = recommend_next(compiled, mastery, k=k, threshold=threshold, goals=goals, params=params)
    array = np.asarray(mastery, dtype=np.float64)
    items: list[PlanItem] = []

    decision = None
    if question is not None or answers is not None:
        if question is None or answers is None:
            raise InvalidParameterError("question and answers go together (both or neither)", value=None)
        unknown = [learner for learner in answers if learner not in set(ids)]
        if unknown:
            raise InvalidParameterError(f"answers name learners who are not in the class: {unknown!r}", value=unknown[0])
        diagnosis: Diagnosis = diagnose(question, answers)
        decision = decide(diagnosis)
        items.append(PlanItem(Level.TEACHING, decision.action, decision.reason, ids))
        groups = flexible_groups(ids, by=diagnosis, max_size=max_group_size)
    else:
        first = {ids[i]: compiled.skill_ids[int(row[0])] if row[0] >= 0 else None for i, row in enumerate(recs.indices)}
        groups = flexible_groups(ids, by=first, max_size=max_group_size)
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
            skill = compiled.skill_ids[j]
            support = rule.from_mastery(float(array[i, j]))
            items.append(
                PlanItem(
                    Level.CONTENT,
                    f"{rank + 1}. {skill} (support {support:.2f}, fading as mastery grows)",
                    reasons[i][rank],
                    (learner,),
                )
            )
    for i, learner in enumerate(ids):
        menu = choice_menu(compiled, array[i], m=menu_size, goals=goals if not isinstance(goals, (list, tuple, np.ndarray)) else goals[i], threshold=threshold)
        if len(menu.options):
            items.append(
                PlanItem(
                    Level.EXPERIENCE,
                    "choose one of " + ", ".join(map(str, menu.options)),
                    "a real choice among ready skills on different branches (2 to 4 options)",
                    (learner,),
                )
            )
    return LessonPlan(items, decision, groups)
