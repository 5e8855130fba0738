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

import heapq
import math
import numbers
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    check_int,
    check_threshold,
    load_json_document,
    require_fields,
)
from personalise.exceptions import InvalidParameterError, ShapeError, UnknownSkillError
from personalise.graph import CompiledGraph
from personalise.voice import HartRung

__all__ = [
    "ChoiceMenu",
    "ChoiceRecord",
    "Pathway",
    "choice_menu",
    "pathway_to",
]

Chooser = Literal["learner", "teacher", "system"]
_CHOOSERS: tuple[str, ...] = ("learner", "teacher", "system")

#: Choice-set sizes outside this range are clamped (Patall, Cooper and Robinson 2008).
MIN_OPTIONS, MAX_OPTIONS = 2, 4

PATHWAY_SCHEMA = "personalise.pathway/1"
RECORD_SCHEMA = "personalise.choice_record/1"


# ----------------------------------------------------------------- helpers
def _check_row(compiled: CompiledGraph, mastery: Any) -> NDArray[np.floating[Any]]:
    """One learner's mastery row as a 1-D float array, checked for length and range."""
    row = np.asarray(mastery)
    if row.dtype.kind not in "biuf":
        raise InvalidParameterError(f"mastery must hold real numbers; got dtype {row.dtype}", value=row.dtype)
    if row.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        row = row.astype(np.float64)
    if row.ndim != 1:
        raise ShapeError(
            f"mastery must be one learner's row, 1-D (n_skills,); got shape {row.shape} "
            "(pass mastery[i] for learner i)",
            value=row.shape,
        )
    if row.shape[0] != compiled.n_skills:
        raise ShapeError(
            f"mastery must have one value per skill ({compiled.n_skills}); got shape {row.shape}", value=row.shape
        )
    bad = np.flatnonzero(~((row >= 0.0) & (row <= 1.0)))
    if bad.size:
        j = int(bad[0])
        value = row[j].item()
        raise InvalidParameterError(
            f"mastery must lie in [0, 1]; got {value!r} at {j} (skill {compiled.skill_ids[j]!r})", value=value
        )
    return row


def _mastered(row: NDArray[np.floating[Any]], threshold: float) -> list[bool]:
    return cast(list[bool], (row >= row.dtype.type(threshold)).tolist())


def _is_skill(compiled: CompiledGraph, value: object) -> bool:
    try:
        compiled.index_of(value)
    except UnknownSkillError:
        return False
    return True


def _goal_columns(compiled: CompiledGraph, goal: Any, name: str = "goal") -> list[int]:
    """Column indices (sorted, unique) of a skill id or a collection of skill ids."""
    if _is_skill(compiled, goal):
        return [compiled.index_of(goal)]
    if isinstance(goal, (set, frozenset, list, tuple)):
        if not goal:
            raise InvalidParameterError(f"{name} must name at least one skill; got {goal!r}", value=goal)
        return sorted({compiled.index_of(skill) for skill in goal})
    raise UnknownSkillError(f"unknown skill {goal!r} in {name}: not in the compiled graph", value=goal)


def _preds(compiled: CompiledGraph, j: int) -> list[int]:
    return cast(list[int], compiled.pred_indices[compiled.pred_indptr[j] : compiled.pred_indptr[j + 1]].tolist())


def _succs(compiled: CompiledGraph, j: int) -> list[int]:
    return cast(list[int], compiled.succ_indices[compiled.succ_indptr[j] : compiled.succ_indptr[j + 1]].tolist())


def _closure(start: Iterable[int], neighbours: Any) -> set[int]:
    """Every node reachable from ``start`` through ``neighbours`` (``start`` excluded unless re-reached)."""
    seen: set[int] = set()
    stack = list(start)
    while stack:
        for v in neighbours(stack.pop()):
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def _ancestors(compiled: CompiledGraph, columns: Iterable[int]) -> set[int]:
    return _closure(columns, lambda j: _preds(compiled, j))


def _descendants(compiled: CompiledGraph, columns: Iterable[int]) -> set[int]:
    return _closure(columns, lambda j: _succs(compiled, j))


def _topological(compiled: CompiledGraph, steps: set[int], first: int | None = None) -> list[int]:
    """Kahn's algorithm on the subgraph induced by ``steps``; ties by lowest column.

    Only edges between two steps constrain the order: a mastered skill in
    between already satisfies its successors. ``first`` (a step without
    prerequisites among the steps) is put first.
    """
    indegree = {j: sum(1 for p in _preds(compiled, j) if p in steps) for j in steps}
    heap = [j for j, d in indegree.items() if d == 0 and j != first]
    heapq.heapify(heap)
    order: list[int] = []

    def take(u: int) -> None:
        order.append(u)
        for v in _succs(compiled, u):
            if v in steps:
                indegree[v] -= 1
                if indegree[v] == 0:
                    heapq.heappush(heap, v)

    if first is not None:
        take(first)
    while heap:
        take(heapq.heappop(heap))
    return order


def _json_id(value: Hashable) -> Hashable:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidParameterError(f"only str and int skill ids can be written to JSON; got {value!r}", value=value)
    return value


def _to_ids(values: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return tuple(values)


def _to_optional_ids(values: Iterable[Hashable] | None) -> tuple[Hashable, ...] | None:
    return None if values is None else tuple(values)


def _to_orders(orders: Iterable[Iterable[Hashable]]) -> tuple[tuple[Hashable, ...], ...]:
    return tuple(tuple(order) for order in orders)


def _to_floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _to_strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


# ----------------------------------------------------------------- pathways
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

    goal: tuple[Hashable, ...] = attrs.field(converter=_to_ids)
    steps: tuple[Hashable, ...] = attrs.field(converter=_to_ids)
    ready: tuple[Hashable, ...] = attrs.field(converter=_to_ids)
    alternatives: tuple[tuple[Hashable, ...], ...] = attrs.field(default=(), converter=_to_orders)

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
            "goal": [_json_id(s) for s in self.goal],
            "steps": [_json_id(s) for s in self.steps],
            "ready": [_json_id(s) for s in self.ready],
            "alternatives": [[_json_id(s) for s in order] for order in self.alternatives],
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
    require_fields(load_json_document(data, schema), fields, schema)


def pathway_to(compiled: CompiledGraph, goal: Any, mastery: Any, *, threshold: float = 0.95) -> Pathway:
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
    mastery : array_like, shape (n_skills,)
        One learner's P(mastery) per skill, in [0, 1], in
        ``compiled.skill_ids`` order.
    threshold : float, default 0.95
        Mastery threshold in (0, 1].

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
    columns = _goal_columns(compiled, goal)
    row = _check_row(compiled, mastery)
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


# ----------------------------------------------------------------- choices
def _check_chooser(chooser: object) -> Chooser:
    if chooser not in _CHOOSERS:
        raise InvalidParameterError(f"chooser must be one of {list(_CHOOSERS)}; got {chooser!r}", value=chooser)
    return cast(Chooser, chooser)


@attrs.frozen
class ChoiceRecord:
    """Who chose what, and from which options: the agency record (DOMAIN.md section 1.3).

    Records let teachers and learners review participation (see
    :class:`HartRung`). They are evidence of what was offered and chosen,
    never a measure of "autonomy".

    Parameters
    ----------
    choice : hashable
        The skill id chosen.
    chooser : {"learner", "teacher", "system"}
        Who made the choice.
    offered : tuple of hashable
        The options that were on the menu, in menu order.
    goal : tuple of hashable or None
        The goals the menu was restricted to, if any.
    rung : HartRung or None
        Optional human-assigned label of the participation the choice
        represents. Never inferred.

    Examples
    --------
    >>> from personalise.experience import ChoiceRecord, HartRung
    >>> r = ChoiceRecord("add", "learner", ("add", "compare"), rung=HartRung.CONSULTED_AND_INFORMED)
    >>> r.to_dict()["offered"]
    ['add', 'compare']
    >>> ChoiceRecord.from_dict(r.to_dict()) == r
    True
    """

    choice: Hashable
    chooser: Chooser = attrs.field(converter=_check_chooser)
    offered: tuple[Hashable, ...] = attrs.field(converter=_to_ids)
    goal: tuple[Hashable, ...] | None = attrs.field(default=None, converter=_to_optional_ids)
    rung: HartRung | None = None

    def __attrs_post_init__(self) -> None:
        if self.choice not in self.offered:
            raise InvalidParameterError(
                f"choice must be one of the offered options {self.offered!r}; got {self.choice!r}", value=self.choice
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready dict form (with a ``"schema"`` field).

        Examples
        --------
        >>> from personalise.experience import ChoiceRecord
        >>> ChoiceRecord("a", "teacher", ("a", "b")).to_dict()["chooser"]
        'teacher'
        """
        return {
            "schema": RECORD_SCHEMA,
            "choice": _json_id(self.choice),
            "chooser": self.chooser,
            "offered": [_json_id(s) for s in self.offered],
            "goal": None if self.goal is None else [_json_id(s) for s in self.goal],
            "rung": None if self.rung is None else int(self.rung),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChoiceRecord:
        """Rebuild a record from :meth:`to_dict` output.

        Raises
        ------
        InvalidParameterError
            If the schema differs, a field is missing, or the choice was not offered.

        Examples
        --------
        >>> from personalise.experience import ChoiceRecord
        >>> doc = {"schema": "personalise.choice_record/1", "choice": "a", "chooser": "system",
        ...        "offered": ["a", "b"], "goal": None, "rung": None}
        >>> ChoiceRecord.from_dict(doc).chooser
        'system'
        """
        _check_document(data, RECORD_SCHEMA, ("choice", "chooser", "offered"))
        rung = data.get("rung")
        if rung is not None:
            try:
                rung = HartRung(rung)
            except ValueError:
                raise InvalidParameterError(f"rung must be a Hart rung 1-8; got {rung!r}", value=rung) from None
        return cls(data["choice"], data["chooser"], data["offered"], data.get("goal"), rung)


@attrs.frozen
class ChoiceMenu:
    """A short, ranked menu of next skills offered to one learner.

    Built by :func:`choice_menu`. Options are ranked by goal relevance (how
    much of the way to the goals, or how much of the graph, each opens)
    weighted by the learner's interests, never by predicted ease.

    Parameters
    ----------
    options : tuple of hashable
        The skill ids offered, best first.
    scores : tuple of float
        The ranking score of each option.
    reasons : tuple of str
        Why each option is on the menu.
    goal : tuple of hashable or None
        The goals the menu was restricted to, if any.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> from personalise.experience import choice_menu
    >>> g = pl.compile_graph([("a", "b"), ("c", "d")])
    >>> menu = choice_menu(g, np.zeros(4))
    >>> menu.options, len(menu), menu.is_choice
    (('a', 'c'), 2, True)
    >>> menu.record("c").chooser
    'learner'
    """

    options: tuple[Hashable, ...] = attrs.field(converter=_to_ids)
    scores: tuple[float, ...] = attrs.field(converter=_to_floats)
    reasons: tuple[str, ...] = attrs.field(converter=_to_strs)
    goal: tuple[Hashable, ...] | None = attrs.field(default=None, converter=_to_optional_ids)

    def __len__(self) -> int:
        return len(self.options)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.options)

    def __contains__(self, skill: object) -> bool:
        return skill in self.options

    @property
    def is_choice(self) -> bool:
        """True when the menu offers at least two options (one option is no choice).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> from personalise.experience import choice_menu
        >>> choice_menu(pl.compile_graph([("a", "b")]), np.zeros(2)).is_choice
        False
        """
        return len(self.options) >= MIN_OPTIONS

    def record(self, choice: Hashable, chooser: Chooser = "learner", *, rung: HartRung | None = None) -> ChoiceRecord:
        """Record that ``chooser`` chose ``choice`` from this menu.

        Parameters
        ----------
        choice : hashable
            The skill chosen; it must be one of :attr:`options`.
        chooser : {"learner", "teacher", "system"}, default "learner"
            Who made the choice.
        rung : HartRung, optional
            A human-assigned participation label for the record.

        Returns
        -------
        ChoiceRecord

        Raises
        ------
        InvalidParameterError
            If ``choice`` was not offered or ``chooser`` is not one of the three.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> from personalise.experience import choice_menu
        >>> menu = choice_menu(pl.compile_graph([("a", "b"), ("c", "d")]), np.zeros(4))
        >>> menu.record("a", "teacher")
        ChoiceRecord(choice='a', chooser='teacher', offered=('a', 'c'), goal=None, rung=None)
        """
        return ChoiceRecord(choice, chooser, self.options, self.goal, rung)


def _check_weight(value: object, key: Hashable) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
        math.isfinite(float(value)) and float(value) >= 0.0
    ):
        raise InvalidParameterError(
            f"interests must map to finite weights >= 0; got {value!r} for {key!r}", value=value
        )
    return float(value)


def _region(compiled: CompiledGraph, j: int) -> set[int]:
    """A skill, what leads to it and what builds on it."""
    return {j} | _ancestors(compiled, [j]) | _descendants(compiled, [j])


def _interest_weights(
    compiled: CompiledGraph, interests: Mapping[Hashable, float] | None, topics: Mapping[Hashable, Hashable] | None
) -> NDArray[np.float64]:
    weights = np.zeros(compiled.n_skills)
    by_topic: dict[Hashable, list[int]] = {}
    for skill, topic in (topics or {}).items():
        by_topic.setdefault(topic, []).append(compiled.index_of(skill))
    if interests is None:
        return weights
    if not isinstance(interests, Mapping):
        raise InvalidParameterError(
            f"interests must be a mapping of skill id or topic -> weight; got {interests!r}", value=interests
        )
    for key, raw in interests.items():
        weight = _check_weight(raw, key)
        if _is_skill(compiled, key):
            members = [compiled.index_of(key)]
        elif key in by_topic:
            members = by_topic[key]
        else:
            raise UnknownSkillError(
                f"interest {key!r} is neither a skill of the graph nor a topic in 'topics'", value=key
            )
        region: set[int] = set()
        for j in members:
            region |= _region(compiled, j)
        weights[sorted(region)] += weight
    return weights


def _revealed_weights(compiled: CompiledGraph, history: Iterable[Any] | None) -> NDArray[np.float64]:
    weights = np.zeros(compiled.n_skills)
    if history is None:
        return weights
    if isinstance(history, (str, bytes)) or not isinstance(history, Iterable):
        raise InvalidParameterError(
            f"history must be a sequence of chosen skill ids or ChoiceRecords; got {history!r}", value=history
        )
    chosen = []
    for item in history:
        if isinstance(item, ChoiceRecord):
            if item.chooser != "learner":
                continue  # a teacher's or the system's choice says nothing about the learner's interests
            item = item.choice
        chosen.append(compiled.index_of(item))
    for j in chosen:
        weights[sorted(_region(compiled, j))] += 1.0 / len(chosen)
    return weights


def choice_menu(
    compiled: CompiledGraph,
    mastery: Any,
    *,
    m: int = 3,
    goals: Any = None,
    interests: Mapping[Hashable, float] | None = None,
    topics: Mapping[Hashable, Hashable] | None = None,
    history: Iterable[Any] | None = None,
    threshold: float = 0.95,
    rng: Any = None,
) -> ChoiceMenu:
    """A ranked menu of ``m`` next skills for one learner to choose from.

    The options come from the learner's ready set (the outer fringe: skills
    below ``threshold`` whose direct prerequisites are all mastered),
    restricted to skills that lead to ``goals`` when goals are given
    (``C = ready & (ancestors(goals) | goals)``, DOMAIN.md section 1.3).

    **Size.** ``m`` is clamped to 2-4: choice helps most with 2 to 4 options
    (Patall, Cooper and Robinson 2008). The menu is shorter when fewer skills
    are ready; one option is no choice (:attr:`ChoiceMenu.is_choice`).

    **Ranking** is by goal relevance, never by predicted ease:
    ``score = relevance * (1 + interest + revealed)`` where

    * ``relevance`` is 1 plus the number of remaining pathway steps that
      build on the option (with goals), or 1 plus the number of skills it
      unlocks in the whole graph (without goals);
    * ``interest`` sums the declared weights of the ``interests`` the option
      belongs to: an interest in a skill covers that skill, what leads to it
      and what builds on it; an interest in a topic (see ``topics``) covers
      the same for every skill of the topic;
    * ``revealed`` is the share of the learner's earlier choices in
      ``history`` whose region (as above) contains the option. Choices made
      by a teacher or the system are not the learner's and are ignored.

    Ties go to the lower column index, or are broken at random when ``rng``
    is given.

    **Spread.** Options are taken in rank order, first skipping any option
    that shares a direct prerequisite with an option already taken (so the
    menu spans different branches of the graph rather than siblings unlocked
    by the same skill; skills without prerequisites are each their own
    branch); remaining places are then filled in rank order. The menu lists
    the chosen options in rank order.

    Parameters
    ----------
    compiled : CompiledGraph
        The prerequisite graph.
    mastery : array_like, shape (n_skills,)
        One learner's P(mastery) per skill, in [0, 1].
    m : int, default 3
        Requested number of options; clamped to 2-4.
    goals : skill id or collection of skill ids, optional
        Restrict the menu to skills on the way to these goals.
    interests : mapping, optional
        Skill id or topic -> weight >= 0, declared by the learner.
    topics : mapping, optional
        Skill id -> topic label, so that ``interests`` can name topics.
    history : iterable of skill ids or ChoiceRecord, optional
        Earlier choices (bare ids count as the learner's own choices).
    threshold : float, default 0.95
        Mastery threshold in (0, 1].
    rng : None, int or numpy.random.Generator, optional
        Only used to break exact score ties at random; None keeps the
        deterministic column-order tie-break.

    Returns
    -------
    ChoiceMenu

    Raises
    ------
    UnknownSkillError
        If a goal, interest, topic skill or history choice is not a skill of
        the graph (or an interest is not a known topic).
    ShapeError
        If ``mastery`` is not 1-D with one value per skill.
    InvalidParameterError
        If a mastery value is NaN or outside [0, 1], ``m`` is not an integer
        >= 1, an interest weight is negative or not finite, or ``threshold``
        is outside (0, 1].

    See Also
    --------
    pathway_to, personalise.recommend_next

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> from personalise.experience import choice_menu
    >>> g = pl.compile_graph([("count", "add"), ("count", "compare"), ("add", "multiply"),
    ...                       ("shapes", "angles")])
    >>> row = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # 'count' mastered
    >>> g.skill_ids
    ('count', 'add', 'compare', 'multiply', 'shapes', 'angles')
    >>> choice_menu(g, row, m=2).options  # 'add' and 'compare' share 'count': spread
    ('add', 'shapes')
    >>> choice_menu(g, row, m=2, interests={"angles": 3.0}).options
    ('shapes', 'add')
    >>> choice_menu(g, row, goals="multiply").options
    ('add',)
    """
    k = min(max(check_int(m, "m", minimum=1), MIN_OPTIONS), MAX_OPTIONS)
    goal_columns = None if goals is None else _goal_columns(compiled, goals, "goals")
    row = _check_row(compiled, mastery)
    mastered = _mastered(row, check_threshold(threshold))
    declared = _interest_weights(compiled, interests, topics)
    revealed = _revealed_weights(compiled, history)

    ready = [j for j in range(compiled.n_skills) if not mastered[j] and all(mastered[p] for p in _preds(compiled, j))]
    relevance: dict[int, int] = {}
    if goal_columns is None:
        for j in ready:
            relevance[j] = 1 + int(compiled.n_descendants[j])
    else:
        steps = {j for j in _ancestors(compiled, goal_columns) | set(goal_columns) if not mastered[j]}
        for j in ready:
            if j in steps:
                relevance[j] = 1 + len(_closure([j], lambda v: (s for s in _succs(compiled, v) if s in steps)))
    candidates = sorted(relevance)
    scores = {j: relevance[j] * (1.0 + declared[j] + revealed[j]) for j in candidates}
    if rng is None:
        tie = {j: float(j) for j in candidates}
    else:
        draws = np.random.default_rng(rng).random(len(candidates))
        tie = dict(zip(candidates, draws.tolist()))
    ranked = sorted(candidates, key=lambda j: (-scores[j], tie[j]))

    taken: list[int] = []
    used: set[int] = set()
    for j in ranked:
        if len(taken) == k:
            break
        preds = set(_preds(compiled, j))
        if not preds & used:
            taken.append(j)
            used |= preds
    for j in ranked:
        if len(taken) == k:
            break
        if j not in taken:
            taken.append(j)
    taken.sort(key=ranked.index)

    ids = compiled.skill_ids
    reasons = []
    for j in taken:
        if goal_columns is None:
            reason = f"ready now; unlocks {relevance[j] - 1} later skills"
        else:
            reason = f"ready now; leads to the goal, opening {relevance[j]} of the remaining steps"
        if declared[j]:
            reason += f"; matches declared interests (weight {declared[j]:g})"
        if revealed[j]:
            reason += f"; near earlier choices ({revealed[j]:.0%} of them)"
        reasons.append(reason)
    return ChoiceMenu(
        options=[ids[j] for j in taken],
        scores=[scores[j] for j in taken],
        reasons=reasons,
        goal=None if goal_columns is None else [ids[j] for j in goal_columns],
    )
