"""Decisions, flexible groups and grouping audits: adjust (part of :mod:`personalise.teaching`)."""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from personalise._validation import check_id as _check_id
from personalise._validation import (
    check_int,
    check_learner_ids,
    check_sequence,
    check_threshold,
    is_text,
    number_in,
)
from personalise.exceptions import EvidenceError, InvalidParameterError
from personalise.teaching.diagnosis import (
    ACTIONS,
    GROUP_KINDS,
    MIN_ANSWERED,
    PROCEED_AT,
    REGROUP_AT,
    Diagnosis,
    Ids,
    _id_tuple,
    _id_tuples,
    _one_of,
    _str_tuple,
)

__all__ = [
    "Decision",
    "Group",
    "GroupingFinding",
    "audit_grouping",
    "decide",
    "flexible_groups",
]


# ------------------------------------------------------------------ decision
def _groups_by(values: Any) -> tuple[str, ...]:
    return _str_tuple(values, "groups_by")


def _members(values: Any) -> Ids:
    return _id_tuple(values, "members")


def _groups(values: Any) -> tuple[Ids, ...]:
    return _id_tuples(values, "groups")


def _check_basis(instance: object, attribute: object, basis: Hashable) -> None:
    if basis is not None:
        if isinstance(basis, (float, np.floating)) and math.isnan(basis):
            raise InvalidParameterError(f"basis must be a misconception or skill id, or None; got {basis!r}",
                                        value=basis)
        _check_id(basis, "basis")


#: The kinds of :class:`GroupingFinding`.
FINDING_KINDS = ("fixed grouping", "tracking")


@attrs.frozen
class Decision:
    """The adjustment :func:`decide` recommends after a hinge question.

    Parameters
    ----------
    action : str
        ``"move on"``, ``"regroup"`` or ``"reteach"`` (see :data:`ACTIONS`).
    reason : str
        Why, in words, with the numbers behind it.
    groups_by : tuple of str
        For ``"regroup"``: the misconceptions to form temporary groups
        around, most prevalent first. Empty otherwise.

    Examples
    --------
    >>> from personalise.teaching import Decision
    >>> Decision("regroup", "p_know 0.47", ("m1",)).groups_by
    ('m1',)
    """

    action: str = attrs.field(validator=_one_of(ACTIONS))
    reason: str = attrs.field(validator=is_text())
    groups_by: tuple[str, ...] = attrs.field(default=(), converter=_groups_by)


def _check_share(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) <= 1.0:
        raise InvalidParameterError(f"{name} must be a number in [0, 1]; got {value!r}", value=value)
    return float(value)


def decide(
    diagnosis: Diagnosis,
    *,
    proceed_at: float = PROCEED_AT,
    regroup_at: float = REGROUP_AT,
    min_answered: float = MIN_ANSWERED,
) -> Decision:
    """Move on, regroup by misconception, or reteach: the adjust step of the cycle.

    The rule (a design default, not a research finding; DOMAIN.md 3.2):

    1. fewer than ``min_answered`` of the class answered: refuse
       (:class:`EvidenceError`); a decision from volunteers is not evidence
       about the class;
    2. ``p_know >= proceed_at``: **move on**;
    3. ``p_know < regroup_at``: **reteach** the whole class (most do not
       know the skill, so groups would hold nearly everyone);
    4. otherwise, if some learners hold a diagnosed misconception:
       **regroup**, by each misconception held (``groups_by``, most
       prevalent first; use :func:`flexible_groups`);
    5. otherwise (every wrong answer was a :data:`NONE_PLAUSIBLE` option,
       so there is no misconception to group by): **reteach**.

    Parameters
    ----------
    diagnosis : Diagnosis
        From :func:`diagnose`.
    proceed_at : float, default 0.8
        Guess-corrected share in (0, 1] at or above which the class moves on.
    regroup_at : float, default 0.3
        Guess-corrected share in [0, proceed_at] below which the whole class
        is retaught.
    min_answered : float, default 0.5
        Smallest share of the class, in (0, 1], that must have answered.

    Returns
    -------
    Decision

    Raises
    ------
    EvidenceError
        If fewer than ``min_answered`` of the class answered.
    InvalidParameterError
        If a threshold is out of range or ``regroup_at > proceed_at``.

    Examples
    --------
    >>> from personalise.teaching import HingeQuestion, decide, diagnose
    >>> q = HingeQuestion("s", tuple("ABCD"), "A", {"B": "m1", "C": "m2", "D": "m2"})
    >>> d = diagnose(q, {1: "A", 2: "A", 3: "A", 4: "B", 5: "D", 6: "C"})
    >>> decide(d)
    Decision(action='regroup', reason='p_know 0.33 is between 0.30 and 0.80; group by misconception: m2 (2), m1 (1)', groups_by=('m2', 'm1'))
    >>> decide(d, regroup_at=0.5).action
    'reteach'
    """
    if not isinstance(diagnosis, Diagnosis):
        raise InvalidParameterError(f"diagnosis must be a Diagnosis; got {diagnosis!r}", value=diagnosis)
    proceed = check_threshold(proceed_at, "proceed_at")
    regroup = _check_share(regroup_at, "regroup_at")
    if regroup > proceed:
        raise InvalidParameterError(f"regroup_at ({regroup!r}) must not exceed proceed_at ({proceed!r})", value=regroup)
    needed = check_threshold(min_answered, "min_answered")
    share = diagnosis.n_answered / diagnosis.n_learners
    if share < needed:
        raise EvidenceError(
            f"only {diagnosis.n_answered} of {diagnosis.n_learners} learners answered ({share:.0%}); "
            f"decide needs at least {needed:.0%}: ask everyone again before deciding",
            value=diagnosis.n_answered,
        )
    p_know = diagnosis.p_know
    if p_know >= proceed:
        holders = sum(len(ids) for ids in diagnosis.misconceptions.values())
        follow = f"; follow up the {holders} learner(s) still holding a misconception" if holders else ""
        return Decision("move on", f"p_know {p_know:.2f} >= proceed_at {proceed:.2f}{follow}")
    if p_know < regroup:
        return Decision("reteach", f"p_know {p_know:.2f} < regroup_at {regroup:.2f}: most of the class does not know the skill yet")
    held = [(label, len(ids)) for label, ids in diagnosis.misconceptions.items() if ids]
    held.sort(key=lambda pair: -pair[1])  # stable: ties keep option order
    if not held:
        return Decision(
            "reteach",
            f"p_know {p_know:.2f} is below proceed_at {proceed:.2f} but no wrong answer points to a misconception",
        )
    detail = ", ".join(f"{label} ({count})" for label, count in held)
    return Decision(
        "regroup",
        f"p_know {p_know:.2f} is between {regroup:.2f} and {proceed:.2f}; group by misconception: {detail}",
        tuple(label for label, _ in held),
    )


# -------------------------------------------------------------------- groups
@attrs.frozen
class Group:
    """A temporary group formed from the latest evidence (see :func:`flexible_groups`).

    Parameters
    ----------
    basis : hashable
        What the group is for: a misconception id, a prerequisite skill id,
        or the skill itself (kinds ``"reteach"``, ``"ready"`` and
        ``"unassessed"`` of a diagnosis; None for ``"ready"`` and
        ``"unassessed"`` groups of a needs mapping).
    members : tuple of hashable
        The learners, in the order they were given.
    kind : str
        One of :data:`GROUP_KINDS`: ``"misconception"`` (address it),
        ``"prerequisite"`` (work on the shared unmet prerequisite),
        ``"reteach"`` (wrong without a diagnosed misconception),
        ``"ready"`` (move on / extend) or ``"unassessed"`` (no evidence yet:
        ask them).

    Examples
    --------
    >>> from personalise.teaching import Group
    >>> Group("adds denominators", ("ann", "bo"), "misconception").size
    2
    """

    basis: Hashable = attrs.field(validator=_check_basis)
    members: Ids = attrs.field(converter=_members)
    kind: str = attrs.field(validator=_one_of(GROUP_KINDS))

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.members)


def _split(members: list[Hashable], max_size: int | None) -> list[list[Hashable]]:
    if max_size is None or len(members) <= max_size:
        return [members]
    parts = -(-len(members) // max_size)
    base, extra = divmod(len(members), parts)
    result: list[list[Hashable]] = []
    start = 0
    for part in range(parts):
        size = base + (part < extra)
        result.append(members[start : start + size])
        start += size
    return result


def flexible_groups(
    learner_ids: Iterable[Hashable],
    *,
    by: Diagnosis | Mapping[Any, Hashable | None],
    max_size: int | None = None,
    min_size: int = 1,
) -> tuple[Group, ...]:
    """Temporary groups by current need, recomputed from the latest evidence.

    Every learner in ``learner_ids`` is placed in exactly one group. Nothing
    is stored on the learner: call again after the next hinge question.

    Parameters
    ----------
    learner_ids : iterable of hashable
        The class (unique ids). Members keep this order.
    by : Diagnosis or mapping
        A :class:`Diagnosis`: one ``"misconception"`` group per misconception
        held (question option order), then ``"reteach"`` (a wrong option
        marked :data:`NONE_PLAUSIBLE`), ``"ready"`` (correct) and
        ``"unassessed"`` (did not answer, or not in the diagnosis), each with
        the question's skill as basis.
        Or a mapping learner -> need id (e.g. the unmet prerequisite skill a
        learner must work on next, from :func:`~personalise.readiness` or
        :func:`~personalise.inner_fringe`): one ``"prerequisite"`` group per
        need in order of first appearance, then ``"ready"`` (need None) and
        ``"unassessed"`` (not in the mapping), both with basis None.
    max_size : int, optional
        Largest group. A larger group is split into the fewest parts that fit,
        as even as possible (sizes differ by at most one), keeping member
        order: 10 with ``max_size=4`` gives 4, 3, 3.
    min_size : int, default 1
        Smallest group. A group below it is **not** merged into another (that
        would mix needs); instead an :class:`InvalidParameterError` names the
        group sizes, so the teacher can see the small groups and choose
        (address those learners individually, or lower ``min_size``).

    Returns
    -------
    tuple of Group

    Raises
    ------
    EvidenceError
        If ``by`` names learners that are not in ``learner_ids`` (the message
        names them).
    InvalidParameterError
        If ids repeat, ``by`` is neither a Diagnosis nor a mapping,
        ``max_size < min_size``, or a group is smaller than ``min_size``.

    Examples
    --------
    >>> from personalise.teaching import HingeQuestion, diagnose, flexible_groups
    >>> q = HingeQuestion("s", tuple("ABC"), "A", {"B": "m1", "C": "m2"})
    >>> d = diagnose(q, {"ann": "B", "bo": "A", "cy": "B", "di": "C", "ed": "A"})
    >>> for g in flexible_groups(["ann", "bo", "cy", "di", "ed", "fay"], by=d):
    ...     print(g.kind, g.basis, g.members)
    misconception m1 ('ann', 'cy')
    misconception m2 ('di',)
    ready s ('bo', 'ed')
    unassessed s ('fay',)
    >>> [g.members for g in flexible_groups(range(5), by={0: "count", 1: "count", 2: "count", 3: None}, max_size=2)]
    [(0, 1), (2,), (3,), (4,)]
    """
    if isinstance(learner_ids, (str, bytes)) or not isinstance(learner_ids, Iterable):
        raise InvalidParameterError(f"learner_ids must be a sequence of ids; got {learner_ids!r}", value=learner_ids)
    ids = check_sequence(learner_ids, "learner_ids") or []
    ids = check_learner_ids(ids, len(ids))
    largest = None if max_size is None else check_int(max_size, "max_size", minimum=1)
    smallest = check_int(min_size, "min_size", minimum=1)
    if largest is not None and largest < smallest:
        raise InvalidParameterError(f"max_size ({largest}) must be at least min_size ({smallest})", value=largest)
    known = set(ids)
    if isinstance(by, Diagnosis):
        named: Iterable[Hashable] = by.answers
    elif isinstance(by, Mapping):
        named = by
    else:
        raise InvalidParameterError(f"by must be a Diagnosis or a mapping learner -> need; got {by!r}", value=by)
    strangers = [learner for learner in named if learner not in known]
    if strangers:
        raise EvidenceError(f"by names learners not in learner_ids: {', '.join(map(repr, strangers))}", value=strangers)

    need: dict[Hashable, tuple[str, Hashable]] = {}  # learner -> (kind, basis)
    order: list[tuple[str, Hashable]] = []
    if isinstance(by, Diagnosis):
        skill = by.skill
        for label, holders in by.misconceptions.items():
            for learner in holders:
                need[learner] = ("misconception", label)
        for learner in by.unexplained:
            need[learner] = ("reteach", skill)
        for learner in by.correct:
            need[learner] = ("ready", skill)
        order = [("misconception", label) for label in by.misconceptions]
        order += [("reteach", skill), ("ready", skill), ("unassessed", skill)]
        missing: tuple[str, Hashable] = ("unassessed", skill)
    else:
        for learner in ids:
            if learner in by:
                value = by[learner]
                key = ("ready", None) if value is None else ("prerequisite", _check_id(value, f"the need of learner {learner!r}"))
                need[learner] = key
                if key[0] == "prerequisite" and key not in order:
                    order.append(key)
        order += [("ready", None), ("unassessed", None)]
        missing = ("unassessed", None)
    members: dict[tuple[str, Hashable], list[Hashable]] = {key: [] for key in order}
    for learner in ids:
        members[need.get(learner, missing)].append(learner)
    groups = [
        Group(basis, part, kind)
        for (kind, basis) in order
        if members[(kind, basis)]
        for part in _split(members[(kind, basis)], largest)
    ]
    small = [group for group in groups if group.size < smallest]
    if small:
        sizes = ", ".join(f"{g.kind} {g.basis!r}: {g.size}" for g in groups)
        raise InvalidParameterError(
            f"{len(small)} group(s) have fewer than min_size={smallest} members (group sizes: {sizes}); "
            "groups of different needs are not merged: lower min_size or address those learners individually",
            value=[g.size for g in small],
        )
    return tuple(groups)


# ------------------------------------------------------------------- audit
@attrs.frozen
class GroupingFinding:
    """One problem found by :func:`audit_grouping`.

    Parameters
    ----------
    kind : str
        ``"fixed grouping"`` (the same groups cycle after cycle) or
        ``"tracking"`` (fixed groups that are also attainment bands).
    message : str
        What was found, in words.
    groups : tuple of tuple of hashable
        The learners who stayed together in every cycle (for tracking: from
        the lowest to the highest mean attainment).
    agreement : float
        Mean co-membership agreement of consecutive cycles (see
        :func:`audit_grouping`).

    Examples
    --------
    >>> from personalise.teaching import GroupingFinding
    >>> GroupingFinding("fixed grouping", "...", (("ann", "bo"),), 1.0).kind
    'fixed grouping'
    """

    kind: str = attrs.field(validator=_one_of(FINDING_KINDS))
    message: str = attrs.field(validator=is_text())
    groups: tuple[Ids, ...] = attrs.field(converter=_groups)
    agreement: float = attrs.field(validator=number_in(0.0, 1.0))


def _labels(cycle: object, position: int) -> dict[Hashable, Hashable]:
    if isinstance(cycle, Mapping):
        for learner, label in cycle.items():
            _check_id(label, f"the group of learner {learner!r} in cycle {position}")
        return dict(cycle)
    if isinstance(cycle, Sequence) and not isinstance(cycle, (str, bytes)) and all(isinstance(g, Group) for g in cycle):
        labels: dict[Hashable, Hashable] = {}
        for index, group in enumerate(cycle):
            for learner in group.members:
                if learner in labels:
                    raise EvidenceError(f"learner {learner!r} is in two groups in cycle {position}", value=learner)
                labels[learner] = index
        return labels
    raise InvalidParameterError(
        f"each cycle of history must map learners to group labels (or be a tuple of Group); got {cycle!r} in cycle {position}",
        value=cycle,
    )


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _agreement(first: Mapping[Hashable, Hashable], second: Mapping[Hashable, Hashable]) -> float:
    common = [learner for learner in first if learner in second]
    together_first = sum(_pairs(n) for n in Counter(first[x] for x in common).values())
    together_second = sum(_pairs(n) for n in Counter(second[x] for x in common).values())
    together_both = sum(_pairs(n) for n in Counter((first[x], second[x]) for x in common).values())
    union = together_first + together_second - together_both
    return together_both / union if union else 0.0


def audit_grouping(
    history: Sequence[Mapping[Any, Hashable] | Sequence[Group]],
    *,
    min_cycles: int = 3,
    stability: float = 0.8,
    attainment: Mapping[Any, float] | None = None,
    banding: float = 0.9,
) -> list[GroupingFinding]:
    """Look for fixed ability grouping: groups that do not change with the evidence.

    Flexible groups dissolve and re-form as needs change; fixed groups (and
    tracking by attainment) harm lower attainers (EEF; DOMAIN.md 3.3 and 9.2).

    Agreement of two consecutive cycles is the Jaccard index of their
    co-membership pairs, over the learners present in both: of the pairs of
    learners grouped together in either cycle, the share grouped together in
    both (1: the same partition, whatever the labels; 0 when no two learners
    share a group in either cycle).

    Parameters
    ----------
    history : sequence
        One entry per cycle, oldest first: a mapping learner -> group label,
        or the tuple of :class:`Group` returned by :func:`flexible_groups`.
    min_cycles : int, default 3
        Fewer cycles than this give no findings (too little history).
    stability : float, default 0.8
        A mean agreement of consecutive cycles at or above this, in (0, 1],
        is a ``"fixed grouping"`` finding. It names the groups of learners who
        were together in every cycle.
    attainment : mapping, optional
        Learner -> an attainment score (e.g. a baseline test). With it, fixed
        groups that are also attainment bands give a ``"tracking"`` finding.
    banding : float, default 0.9
        Share, in (0, 1], of pairs of learners from two different fixed
        groups whose scores are ordered like the groups' mean scores, at or
        above which the groups count as attainment bands.

    Returns
    -------
    list of GroupingFinding
        ``"fixed grouping"`` first, then ``"tracking"``.

    Raises
    ------
    InvalidParameterError
        If ``history`` is not a sequence of cycles, a label is unhashable, or
        an option is out of range.
    EvidenceError
        If ``attainment`` lacks or gives a non-finite score for a learner of a
        fixed group, or a learner is in two groups in one cycle.

    Examples
    --------
    >>> from personalise.teaching import audit_grouping
    >>> cycle = {"ann": "top", "bo": "top", "cy": "low", "di": "low"}
    >>> relabelled = {"ann": 1, "bo": 1, "cy": 2, "di": 2}
    >>> for f in audit_grouping([cycle, relabelled, cycle], attainment={"ann": 9, "bo": 8, "cy": 3, "di": 2}):
    ...     print(f.kind, f.groups)
    fixed grouping (('ann', 'bo'), ('cy', 'di'))
    tracking (('cy', 'di'), ('ann', 'bo'))
    >>> audit_grouping([cycle, {"ann": 1, "cy": 1, "bo": 2, "di": 2}, cycle])
    []
    """
    if isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Sequence):
        raise InvalidParameterError(f"history must be a sequence of cycles; got {history!r}", value=history)
    cycles_needed = check_int(min_cycles, "min_cycles", minimum=2)
    threshold = check_threshold(stability, "stability")
    band = check_threshold(banding, "banding")
    if attainment is not None and not isinstance(attainment, Mapping):
        raise InvalidParameterError(f"attainment must map learners to scores; got {attainment!r}", value=attainment)
    cycles = [_labels(cycle, position) for position, cycle in enumerate(history)]
    if len(cycles) < cycles_needed:
        return []
    agreements = [_agreement(a, b) for a, b in zip(cycles, cycles[1:])]
    mean = sum(agreements) / len(agreements)
    if mean < threshold:
        return []
    everywhere = [learner for learner in cycles[0] if all(learner in cycle for cycle in cycles)]
    cores: dict[tuple[Hashable, ...], list[Hashable]] = {}
    for learner in everywhere:
        cores.setdefault(tuple(cycle[learner] for cycle in cycles), []).append(learner)
    fixed = [tuple(members) for members in cores.values() if len(members) > 1]
    names = "; ".join(", ".join(map(repr, group)) for group in fixed)
    findings = [
        GroupingFinding(
            "fixed grouping",
            f"groups barely changed over {len(cycles)} cycles (mean co-membership agreement {mean:.2f} >= {threshold:.2f}); "
            f"together every time: {names or 'no two learners'}; regroup from each cycle's evidence",
            fixed,
            mean,
        )
    ]
    if attainment is not None and len(fixed) > 1:
        scores: dict[Hashable, float] = {}
        for group in fixed:
            for learner in group:
                score: object = attainment.get(learner)
                if isinstance(score, bool) or not isinstance(score, numbers.Real) or not math.isfinite(score):
                    raise EvidenceError(f"attainment must give a finite score for learner {learner!r}; got {score!r}", value=learner)
                scores[learner] = float(score)
        means = {group: sum(scores[x] for x in group) / len(group) for group in fixed}
        ranked = sorted(fixed, key=lambda group: means[group])
        ordered = total = 0
        for low_rank, low in enumerate(ranked):
            for high in ranked[low_rank + 1 :]:
                if means[high] == means[low]:
                    continue
                for x in low:
                    for y in high:
                        total += 1
                        ordered += scores[x] <= scores[y]
        if total and ordered / total >= band:
            bands = "; ".join(f"{', '.join(map(repr, g))} (mean {means[g]:.2f})" for g in ranked)
            findings.append(
                GroupingFinding(
                    "tracking",
                    f"the fixed groups are attainment bands ({ordered / total:.0%} of cross-group pairs ordered by "
                    f"attainment), lowest first: {bands}; tracking harms lower attainers",
                    ranked,
                    mean,
                )
            )
    return findings
