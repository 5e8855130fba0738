"""Choice menus and the agency record of who chose what."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    check_graph,
    check_id,
    check_int,
    check_rng,
    check_threshold,
    writable_id,
)
from personalise.exceptions import InvalidParameterError, UnknownSkillError
from personalise.experience._graph import (
    _CHOOSERS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    RECORD_SCHEMA,
    Chooser,
    _ancestors,
    _check_row,
    _closure,
    _column,
    _descendants,
    _goal_columns,
    _is_skill,
    _mastered,
    _preds,
    _succs,
    _to_floats,
    _to_ids,
    _to_optional_ids,
    _to_strs,
)
from personalise.experience.pathways import _check_document
from personalise.experience.voice import HartRung
from personalise.graph import CompiledGraph

__all__ = ["ChoiceMenu", "ChoiceRecord", "choice_menu"]


# ----------------------------------------------------------------- choices
def _check_chooser(chooser: object) -> Chooser:
    if not isinstance(chooser, str) or chooser not in _CHOOSERS:
        raise InvalidParameterError(f"chooser must be one of {list(_CHOOSERS)}; got {chooser!r}", value=chooser)
    return cast(Chooser, chooser)


def _offered(values: Any) -> tuple[Hashable, ...]:
    return _to_ids(values, "offered")


def _options(values: Any) -> tuple[Hashable, ...]:
    return _to_ids(values, "options")


def _goal(values: Any) -> tuple[Hashable, ...] | None:
    return _to_optional_ids(values, "goal")


def _scores(values: Any) -> tuple[float, ...]:
    return _to_floats(values, "scores")


def _reasons(values: Any) -> tuple[str, ...]:
    return _to_strs(values, "reasons")


def _check_rung(instance: object, attribute: object, rung: HartRung | None) -> None:
    if rung is not None and not isinstance(rung, HartRung):
        raise InvalidParameterError(f"rung must be a HartRung or None; got {rung!r:.80}", value=rung)


def _check_choice(choice: object) -> Hashable:
    if isinstance(choice, (float, np.floating)) and math.isnan(choice):
        raise InvalidParameterError(f"choice must be a skill id; got {choice!r}", value=choice)
    return check_id(choice, "choice")


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

    choice: Hashable = attrs.field(converter=_check_choice)
    chooser: Chooser = attrs.field(converter=_check_chooser)
    offered: tuple[Hashable, ...] = attrs.field(converter=_offered)
    goal: tuple[Hashable, ...] | None = attrs.field(default=None, converter=_goal)
    rung: HartRung | None = attrs.field(default=None, validator=_check_rung)

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
            "choice": writable_id(self.choice),
            "chooser": self.chooser,
            "offered": [writable_id(s) for s in self.offered],
            "goal": None if self.goal is None else [writable_id(s) for s in self.goal],
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

    options: tuple[Hashable, ...] = attrs.field(converter=_options)
    scores: tuple[float, ...] = attrs.field(converter=_scores)
    reasons: tuple[str, ...] = attrs.field(converter=_reasons)
    goal: tuple[Hashable, ...] | None = attrs.field(default=None, converter=_goal)

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
    if topics is not None and not isinstance(topics, Mapping):
        raise InvalidParameterError(f"topics must be a mapping of skill id -> topic; got {topics!r:.80}", value=topics)
    for skill, topic in (topics or {}).items():
        check_id(topic, f"the topic of {skill!r} in topics")
        by_topic.setdefault(topic, []).append(_column(compiled, skill, "topics"))
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
                f"interests key {key!r} is neither a skill of the graph nor a topic in 'topics'", value=key
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
    if isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Iterable) or (
            isinstance(history, np.ndarray) and history.ndim != 1):
        raise InvalidParameterError(
            f"history must be a sequence of chosen skill ids or ChoiceRecords; got {history!r:.80}", value=history
        )
    chosen = []
    for item in history:
        if isinstance(item, ChoiceRecord):
            if item.chooser != "learner":
                continue  # a teacher's or the system's choice says nothing about the learner's interests
            item = item.choice
        chosen.append(_column(compiled, item, "history"))
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
    missing: float | None = None,
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
    mastery : array_like, shape (n_skills,), or MasteryTable
        One learner's P(mastery) per skill, in [0, 1]; or a one-learner
        :class:`~personalise.MasteryTable`, matched to the graph by skill id.
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
    missing : float in [0, 1], optional
        For a MasteryTable lacking some graph skills: the P(mastery) to
        assume for them (by default that is a ``ShapeError``).

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
    check_graph(compiled)
    k = min(max(check_int(m, "m", minimum=1), MIN_OPTIONS), MAX_OPTIONS)
    generator = None if rng is None else check_rng(rng)
    goal_columns = None if goals is None else _goal_columns(compiled, goals, "goals")
    row = _check_row(compiled, mastery, missing)
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
    if generator is None:
        tie = {j: float(j) for j in candidates}
    else:
        draws = generator.random(len(candidates))
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
