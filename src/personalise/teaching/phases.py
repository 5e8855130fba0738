"""The items and phases of a lesson plan, and how each phase is filled from the three levels.

:func:`personalise.plan_lesson` uses these builders; each takes the class's
mastery (and what the teaching level knows: a hinge question's answers,
practice times) and returns one :class:`Phase` of :data:`~personalise.PHASES`,
one :class:`PlanItem` per group of learners who share what they do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.content.next_steps import inner_fringe, readiness
from personalise.content.recommendations import (
    TERM_CODES,
    Names,
    Recommendations,
    _namer,
)
from personalise._validation import as_array, check_id, check_ids, check_sequence, check_text, is_text, require_fields
from personalise.exceptions import InvalidParameterError
from personalise.graph import CompiledGraph
from personalise.levels import Level
from personalise.scaffolds.fading import MasteryFading
from personalise.teaching.diagnosis import Diagnosis, HingeQuestion
from personalise.teaching.grouping import Decision
from personalise.teaching.principles import phase_spec

__all__ = ["Phase", "PlanItem"]

REVIEW_LINES = 3  # skills named in the daily review, at most


def _ids(value: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return check_ids(value, "learners")


def _instances(values: object, kind: type[Any], name: str) -> tuple[Any, ...]:
    """``values`` as a tuple, every item a ``kind``; an error naming ``name`` otherwise."""
    items = tuple(check_sequence(values, name) or ())
    for position, item in enumerate(items):
        if not isinstance(item, kind):
            raise InvalidParameterError(f"{name} must hold {kind.__name__} objects; got {item!r:.80} at {position}",
                                        value=item)
    return items


def _check_level(instance: object, attribute: object, level: Level) -> None:
    if not isinstance(level, Level):
        raise InvalidParameterError(f"level must be a Level; got {level!r:.80}", value=level)


def _check_skill(instance: object, attribute: object, skill: Hashable | None) -> None:
    if skill is not None:
        if isinstance(skill, (float, np.floating)) and math.isnan(skill):
            raise InvalidParameterError(f"skill must be a skill id or None; got {skill!r}", value=skill)
        check_id(skill, "skill")


def _support(value: Iterable[float] | None) -> tuple[float, float] | None:
    if value is None:
        return None
    pair = as_array(value, "support", dtype=np.float64, ndim=1)
    if pair.shape != (2,):
        raise InvalidParameterError(f"support must be a range (low, high); got {value!r:.80}", value=value)
    low, high = float(pair[0]), float(pair[1])
    if not 0.0 <= low <= high <= 1.0:
        raise InvalidParameterError(f"support must be a range (low, high) inside [0, 1]; got {(low, high)!r}",
                                    value=(low, high))
    return (low, high)


@attrs.frozen
class PlanItem:
    """One line of a lesson plan: what, who, why, and at which level.

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
    skill : hashable, optional
        The skill the item is about, when it is about one.
    support : (float, float), optional
        The range of support (1 full, 0 none) the item's learners get, for
        practice with a scaffold that fades.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.PlanItem(pl.Level.TEACHING, "move on", "80% know it", ("ann",)).level.label
    'teaching'
    """

    level: Level = attrs.field(validator=_check_level)
    what: str = attrs.field(validator=is_text())
    reason: str = attrs.field(validator=is_text())
    learners: tuple[Hashable, ...] = attrs.field(converter=_ids)
    skill: Hashable | None = attrs.field(default=None, validator=_check_skill)
    support: tuple[float, float] | None = attrs.field(default=None, converter=_support)

    def to_dict(self) -> dict[str, Any]:
        """The item as a JSON-ready dict (``skill`` and ``support`` only when set)."""
        out: dict[str, Any] = {"level": self.level.label, "what": self.what, "reason": self.reason,
                               "learners": list(self.learners)}
        if self.skill is not None:
            out["skill"] = self.skill
        if self.support is not None:
            out["support"] = list(self.support)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanItem:
        """Rebuild an item from :meth:`to_dict` output."""
        if not isinstance(data, Mapping):
            raise InvalidParameterError(f"a plan item must be a JSON object; got {data!r:.80}", value=data)
        require_fields(data, ("level", "what", "reason", "learners"), "plan item")
        return cls(Level.from_name(data["level"]), data["what"], data["reason"], data["learners"],
                   data.get("skill"), data.get("support"))


def _items(value: Iterable[PlanItem]) -> tuple[PlanItem, ...]:
    return _instances(value, PlanItem, "items")


def _phase_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_text(value, "name")
    phase_spec(value)  # raises InvalidParameterError naming an unknown phase


@attrs.frozen
class Phase:
    """One phase of a lesson (see :data:`~personalise.PHASES`) with its items.

    Parameters
    ----------
    name : str
        The phase, one of the names in :data:`~personalise.PHASES`
        (``"daily review"``, ``"new material"``, ``"guided practice"``,
        ``"checks for understanding"``, ``"independent practice"``,
        ``"weekly and monthly review"``).
    items : tuple of PlanItem
        What happens in it, one item per group of learners.
    note : str
        Why the phase has no items, when it has none ("" otherwise).

    Examples
    --------
    >>> import personalise as pl
    >>> phase = pl.Phase("daily review", ())
    >>> phase.title, phase.principles
    ('Daily review', (1,))
    """

    name: str = attrs.field(validator=_phase_name)
    items: tuple[PlanItem, ...] = attrs.field(converter=_items)
    note: str = attrs.field(default="", validator=is_text())

    @property
    def title(self) -> str:
        """The phase's heading."""
        return phase_spec(self.name).title

    @property
    def principles(self) -> tuple[int, ...]:
        """The numbers of the principles of instruction it follows."""
        return phase_spec(self.name).principles

    def to_dict(self) -> dict[str, Any]:
        """The phase as a JSON-ready dict."""
        return {"name": self.name, "note": self.note, "items": [item.to_dict() for item in self.items]}



def _label_function(names: Names | None) -> Callable[[Hashable], str]:
    namer = _namer(names)
    return namer if namer is not None else str


def _who(ids: tuple[Hashable, ...], rows: Iterable[int]) -> tuple[Hashable, ...]:
    return tuple(ids[int(i)] for i in rows)


def _top_columns(counts: NDArray[np.intp], graph: CompiledGraph, limit: int,
                 skip: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Columns with a positive count, most learners first, then most descendants, then column order."""
    order = np.lexsort((np.arange(graph.n_skills), -graph.n_descendants, -counts))
    return [int(j) for j in order if counts[j] > 0 and int(j) not in skip][:limit]


class _Context:
    """What the phase builders share: the class, its mastery, the graph and how to name skills."""

    def __init__(self, graph: CompiledGraph, ids: tuple[Hashable, ...], mastery: NDArray[np.float64],
                 threshold: float, label: Callable[[Hashable], str]) -> None:
        self.graph, self.ids, self.mastery, self.threshold, self.label = graph, ids, mastery, threshold, label
        self.n = len(ids)
        self.mastered = mastery >= threshold

    def skill(self, j: int) -> Hashable:
        return self.graph.skill_ids[j]

    def name(self, j: int) -> str:
        return self.label(self.graph.skill_ids[j])

    def of_class(self, count: int) -> str:
        return "everyone" if count == self.n else f"{count} of {self.n}"


def _recall(elapsed: NDArray[np.float64], half_life: Any) -> NDArray[np.float64]:
    with np.errstate(invalid="ignore", over="ignore"):
        return np.asarray(np.exp2(-elapsed / half_life), dtype=np.float64)


def _daily_review(c: _Context, elapsed: NDArray[np.float64] | None, half_life: Any, recall_threshold: float) -> Phase:
    items: list[PlanItem] = []
    listed: set[int] = set()
    if elapsed is not None:
        due = c.mastered & (_recall(elapsed, half_life) < recall_threshold)
        for j in _top_columns(due.sum(axis=0), c.graph, REVIEW_LINES):
            rows = np.flatnonzero(due[:, j])
            items.append(PlanItem(
                Level.CONTENT, f"revisit {c.name(j)}",
                f"mastered, but estimated recall has fallen below {recall_threshold:.2f} since it was last "
                f"practised ({c.of_class(rows.size)}): retrieve it before new material",
                _who(c.ids, rows), c.skill(j)))
            listed.add(j)
    inner = inner_fringe(c.graph, c.mastery, threshold=c.threshold)
    for j in _top_columns(inner.sum(axis=0), c.graph, REVIEW_LINES - len(items), listed):
        rows = np.flatnonzero(inner[:, j])
        items.append(PlanItem(
            Level.CONTENT, f"revisit {c.name(j)}",
            f"among the skills they learned last (the inner fringe) for {c.of_class(rows.size)}: "
            "a few quick retrieval questions",
            _who(c.ids, rows), c.skill(j)))
    note = "" if items else "no learner has mastered a skill yet: start from the new material"
    return Phase("daily review", items, note)


def _new_material(c: _Context) -> tuple[Phase, int]:
    ready = readiness(c.graph, c.mastery, threshold=c.threshold)
    top = _top_columns(ready.sum(axis=0), c.graph, 1)
    if not top:
        return Phase("new material", (), "no skill is ready for any learner (everything is mastered)"), -1
    j = top[0]
    rows = np.flatnonzero(ready[:, j])
    known = int(c.mastered[:, j].sum())
    reason = (f"the class's most common ready skill: ready for {c.of_class(rows.size)} (all its prerequisites "
              f"mastered), unlocking {int(c.graph.n_descendants[j])} later skills; model it with a worked example, "
              "then practise after each small step")
    if known:
        reason += f"; {known} already know it"
    return Phase("new material", [PlanItem(Level.TEACHING, f"teach {c.name(j)} in small steps", reason,
                                           _who(c.ids, rows), c.skill(j))]), j


def _first_new_steps(recs: Recommendations) -> NDArray[np.intp]:
    """Each learner's first recommendation that is new learning (not a review), -1 for none."""
    indices = recs.indices
    new = (indices >= 0) & (recs.terms != TERM_CODES["review"])
    first = np.full(indices.shape[0], -1, dtype=np.intp)
    rows = np.flatnonzero(new.any(axis=1))
    first[rows] = indices[rows, np.argmax(new[rows], axis=1)]
    return first


def _guided_practice(c: _Context, first: NDArray[np.intp], rule: MasteryFading) -> Phase:
    items: list[PlanItem] = []
    counts = np.bincount(first[first >= 0], minlength=c.graph.n_skills)
    for j in _top_columns(counts, c.graph, c.graph.n_skills):
        rows = np.flatnonzero(first == j)
        support = [rule.from_mastery(float(c.mastery[i, j])) for i in rows]
        low, high = min(support), max(support)
        level = f"{low:.2f}" if round(low, 2) == round(high, 2) else f"{low:.2f}-{high:.2f}"
        prereqs = c.graph.pred_indptr[j + 1] - c.graph.pred_indptr[j]
        ready = "ready: no prerequisites" if prereqs == 0 else "ready: its prerequisites are mastered"
        items.append(PlanItem(
            Level.TEACHING, f"practise {c.name(j)} with support {level}",
            f"their next step ({ready}); the support fades as their mastery grows and comes back if they "
            "struggle; hand over to independent practice at about 80% success",
            _who(c.ids, rows), c.skill(j), (low, high)))
    note = "" if items else "no learner has a next step: every skill is mastered"
    return Phase("guided practice", items, note)


def _checks(c: _Context, question: HingeQuestion | None, diagnosis: Diagnosis | None,
            decision: Decision | None, answers: Mapping[Any, str | None] | None, new_skill: int) -> Phase:
    if question is None or diagnosis is None or decision is None or answers is None:
        target = c.name(new_skill) if new_skill >= 0 else "today's skill"
        return Phase("checks for understanding", [PlanItem(
            Level.TEACHING, f"ask a hinge question on {target}",
            "no answers yet: one question, answered by everyone at once (cards or mini-whiteboards), whose wrong "
            "options each reveal a misconception, before guided practice ends",
            c.ids, c.graph.skill_ids[new_skill] if new_skill >= 0 else None)])
    subject = question.text or c.label(question.skill)
    items = [PlanItem(Level.TEACHING, f"{decision.action}: from the hinge question '{subject}'",
                      _decision_in_words(decision, diagnosis), c.ids, question.skill)]
    for option in question.options:
        who = tuple(learner for learner in c.ids if answers.get(learner) == option)
        if not who:
            continue
        if option == question.correct:
            what, why = f"answered {option!r}: right", "nothing blocking them: independent practice"
        else:
            held = question.misconceptions.get(option)
            if held and held != "none-plausible":
                what, why = f"answered {option!r}: holds '{held}'", \
                    "a short group with the teacher on this misconception, then check again with a different question"
            else:
                what, why = f"answered {option!r}: wrong", "reteach the idea, then check again"
        items.append(PlanItem(Level.TEACHING, what, why, who, question.skill))
    silent = tuple(learner for learner in c.ids if answers.get(learner) is None)
    if silent:
        items.append(PlanItem(Level.TEACHING, "no answer", "no evidence from this question yet: check in first",
                              silent, question.skill))
    return Phase("checks for understanding", items)


def _decision_in_words(decision: Decision, diagnosis: Diagnosis) -> str:
    """The whole-class decision's reason, for a teacher (the numbers of :func:`decide`'s reason, in words)."""
    know = f"about {diagnosis.p_know:.0%} of the class know it, allowing for lucky guesses"
    asked = f" ({diagnosis.n_answered} of {diagnosis.n_learners} answered)"
    holders = sum(len(ids) for ids in diagnosis.misconceptions.values())
    if decision.action == "move on":
        follow = f"; follow up the {holders} still holding a misconception" if holders else ""
        return f"{know}{asked}: enough to move on{follow}"
    if decision.action == "regroup":
        return (f"{know}{asked}, and the wrong answers point to misconceptions: group those who share one, "
                "for this lesson only")
    return f"{know}{asked}: teach the idea again to the class, differently, then check again"


def _independent_practice(c: _Context, unblocked: tuple[Hashable, ...], first: NDArray[np.intp],
                          menus: Mapping[Hashable, tuple[Hashable, ...]], after_guided: bool) -> Phase:
    row_of = {learner: i for i, learner in enumerate(c.ids)}
    by_menu: dict[tuple[Hashable, ...], list[Hashable]] = {}
    alone: dict[int, list[Hashable]] = {}
    for learner in unblocked:
        options = menus.get(learner, ())
        if len(options) >= 2:
            by_menu.setdefault(options, []).append(learner)
        elif first[row_of[learner]] >= 0:
            alone.setdefault(int(first[row_of[learner]]), []).append(learner)
    when = "once their guided practice reaches about 80% success" if after_guided else "nothing is blocking them"
    items = [
        PlanItem(Level.EXPERIENCE, "choose one of " + ", ".join(c.label(s) for s in options),
                 f"{when}; a real choice among ready skills on different branches of the curriculum", who)
        for options, who in sorted(by_menu.items(), key=lambda entry: (-len(entry[1]), [str(s) for s in entry[0]]))
    ]
    items += [
        PlanItem(Level.CONTENT, f"practise {c.name(j)} alone", f"{when}; their one ready skill", who, c.skill(j))
        for j, who in sorted(alone.items(), key=lambda entry: (-len(entry[1]), entry[0]))
    ]
    note = "" if items else "no learner is free of a block today: everyone works with the teacher first"
    return Phase("independent practice", items, note)


def _later_review(c: _Context, elapsed: NDArray[np.float64] | None, half_life: Any, recall_threshold: float,
                  taught: list[int], reviewed: list[Hashable]) -> Phase:
    items: list[PlanItem] = []
    if elapsed is not None:
        now = _recall(elapsed, half_life) < recall_threshold
        done = now.copy()
        for days, when in ((7, "next week"), (30, "next month")):
            due = c.mastered & ~done & (_recall(elapsed + days, half_life) < recall_threshold)
            done |= due
            columns = _top_columns(due.sum(axis=0), c.graph, REVIEW_LINES)
            if columns:
                counts = due.sum(axis=0)
                rows = np.flatnonzero(due[:, columns].any(axis=1))
                items.append(PlanItem(
                    Level.CONTENT, f"{when}, revisit " + ", ".join(f"{c.name(j)} ({int(counts[j])})" for j in columns),
                    f"estimated recall falls below {recall_threshold:.2f} within {days} days for the learners in "
                    "brackets", _who(c.ids, rows)))
        if not items:
            return Phase("weekly and monthly review", (), "no mastered skill's recall falls due within 30 days")
        return Phase("weekly and monthly review", items)
    if taught:
        items.append(PlanItem(
            Level.CONTENT, "next week, revisit " + ", ".join(c.name(j) for j in taught[:REVIEW_LINES]),
            "taught or practised in this lesson; without practice times, review follows a weekly rhythm", c.ids))
    if reviewed:
        items.append(PlanItem(
            Level.CONTENT, "next month, revisit " + ", ".join(map(c.label, reviewed)),
            "today's daily review; coming back after a longer gap makes the learning last", c.ids))
    note = "" if items else "nothing taught or reviewed today to come back to"
    return Phase("weekly and monthly review", items, note)
