"""Teaching policies for :func:`~personalise.simulate`: small frozen value objects.

A policy is a recipe; the simulator calls :meth:`Policy.start` once per
block of learners with a :class:`PolicySetting` and gets back a *run*
(:class:`PolicyRun`) that holds that block's mutable bookkeeping. Each step
the run :meth:`~PolicyRun.assign`\\ s every learner a skill and a support
level, and then :meth:`~PolicyRun.observe`\\ s what a teacher could see: the
practice answers and the answers to an unaided exit question. Runs never see
the learners' latent states, and draw no random numbers (all randomness is
the simulator's), so that results are reproducible and comparable.

Write your own policy by implementing the same two methods; see
:class:`Policy`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._kernels.bkt import update_events
from personalise._random import RNG_BLOCK
from personalise._validation import number_in
from personalise.content.bkt_params import BKTParams
from personalise.content.next_steps import recommend_next
from personalise.exceptions import InvalidParameterError
from personalise.scaffolds.fading import FadingRule, contingent_fading, rule_from_dict
from personalise.simulation._parts import (
    _class_quantile,
    _float_tuple,
    _Ladder,
    _PolicyBase,
    _Progress,
    _ranks_within,
    _rule_field,
    _tasks,
    _whole,
    _zeros,
)
from personalise.simulation.protocol import Assignment, Policy, PolicyRun, PolicySetting
from personalise.teaching import PROCEED_AT, REGROUP_AT
from personalise.teaching.diagnosis import guess_corrected_many

__all__ = [
    "POLICIES",
    "AdaptiveContent",
    "FadingScaffolds",
    "FixedGroups",
    "FlexibleGroups",
    "MasteryLearning",
    "PermanentScaffolds",
    "ResponsiveTeaching",
    "TieredTasks",
    "WholeClassPace",
    "policy_from_dict",
    "policy_from_name",
]

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]

#: Most groups per class (classes hold at most 1,024 learners).
MAX_GROUPS = RNG_BLOCK


# ------------------------------------------------------------- whole class
@attrs.frozen
class WholeClassPace(_PolicyBase):
    """The whole class on one skill, moving on every ``steps_per_skill`` steps.

    The fixed-pacing baseline: the class is taught the teaching sequence
    from position ``begin`` at a fixed pace, whether or not learners are
    ready, and whatever they already know. No support.

    Parameters
    ----------
    steps_per_skill : int, default 10
        Steps spent on each skill before the class moves on.
    begin : int, default 0
        Position in the teaching sequence where teaching starts (0: the
        start of the unit).

    Examples
    --------
    >>> import personalise as pl
    >>> pl.WholeClassPace(steps_per_skill=5)
    WholeClassPace(steps_per_skill=5, begin=0)
    """

    name: ClassVar[str] = "whole-class-pace"
    steps_per_skill: int = attrs.field(default=10, validator=_whole(1))
    begin: int = attrs.field(default=0, validator=_whole(0))

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        return _WholeClassRun(self, setting)


class _WholeClassRun:
    def __init__(self, policy: WholeClassPace, setting: PolicySetting) -> None:
        self.policy, self.setting = policy, setting

    def assign(self, step: int) -> Assignment:
        s = self.setting
        # in Python ints first: a start far past the end of the unit is "no task", never an overflow
        at = min(self.policy.begin + step // self.policy.steps_per_skill, s.sequence.shape[0])
        position = np.full(s.n_learners, at, dtype=np.intp)
        return Assignment(_tasks(s.sequence, position), _zeros(s.n_learners))

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        return None


# -------------------------------------------------------------- scaffolds
@attrs.frozen
class TieredTasks(_PolicyBase):
    """Tiered tasks: a lowered goal and fixed support for the lower tier (an anti-pattern, for comparison).

    Each class is split by pretest attainment; the lower ``split`` share gets
    a goal ceiling (only the first ``ceiling`` share of the teaching
    sequence is offered) and ``lower_support``; the others get
    ``upper_support``. Learners move on after ``advance_after`` consecutive
    correct exit questions. The library never recommends this policy: it
    exists so that simulations can show what tiering costs, and the two
    mechanisms can be switched off one at a time:
    ``lower_support=contingent_fading(...)`` replaces fixed support by
    fading, ``ceiling=None`` removes the cap, and with both removed and
    ``upper_support`` the same rule the run is identical, seed for seed,
    to :class:`FadingScaffolds` with that rule.

    Parameters
    ----------
    ceiling : float or None, default 0.6
        Share of the teaching sequence offered to the lower tier (None: no cap).
    lower_support, upper_support : float or FadingRule, default 0.75 and 0.0
        Support in [0, 1] held fixed, or a fading rule that each learner's
        support follows (reset on each new skill).
    split : float, default 0.5
        Share of each class (by pretest attainment) in the lower tier.
    advance_after : int, default 3
        Consecutive correct exit questions needed to move on.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.TieredTasks().ceiling
    0.6
    >>> pl.TieredTasks(lower_support=pl.contingent_fading(levels=4, start=2), ceiling=None).ceiling is None
    True
    """

    name: ClassVar[str] = "tiered-tasks"
    ceiling: float | None = attrs.field(default=0.6)
    lower_support: float | FadingRule = _rule_field(0.75)  # type: ignore[arg-type]
    upper_support: float | FadingRule = _rule_field(0.0)  # type: ignore[arg-type]
    split: float = attrs.field(default=0.5, validator=number_in(0.0, 1.0))
    advance_after: int = attrs.field(default=3, validator=_whole(1))

    @ceiling.validator
    def _check_ceiling(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            number_in(0.0, 1.0)(self, attribute, value)

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        rank, sizes = _ranks_within(setting.known, setting.class_of, setting.n_classes)
        lower = rank < np.floor(sizes[setting.class_of] * self.split)
        n_seq = setting.sequence.shape[0]
        cap = np.full(setting.n_learners, n_seq, dtype=np.intp)
        if self.ceiling is not None:
            cap[lower] = math.floor(n_seq * self.ceiling + 1e-9)
        return _ScaffoldRun(setting, self.advance_after, cap, [(lower, self.lower_support), (~lower, self.upper_support)])


@attrs.frozen
class FadingScaffolds(_PolicyBase):
    """The same goal for everyone, with support that fades (the library's recommended form).

    Every learner works towards the common goal along the teaching sequence,
    at their own next step, with a scaffold following ``rule`` (by default
    Wood's contingent shift rule on a 4-rung ladder from rung 2: one rung
    less after each success, one more after each failure). The scaffold
    restarts on each new skill. Learners move on after ``advance_after``
    consecutive correct *unaided* exit questions.

    Parameters
    ----------
    rule : FadingRule, default ``contingent_fading(levels=4, start=2)``
        Any rule built by the fading factories except :func:`mastery_fading`.
    advance_after : int, default 3
        Consecutive correct exit questions needed to move on.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.FadingScaffolds().rule
    ContingentFading(levels=4, fade_after=1, start_level=2)
    """

    name: ClassVar[str] = "fading-scaffolds"
    rule: FadingRule = _rule_field(contingent_fading(levels=4, start=2))
    advance_after: int = attrs.field(default=3, validator=_whole(1))

    @rule.validator
    def _check_rule(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, FadingRule):
            raise InvalidParameterError(f"rule must be a fading rule (see contingent_fading); got {value!r}", value=value)

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        n_seq = setting.sequence.shape[0]
        cap = np.full(setting.n_learners, n_seq, dtype=np.intp)
        return _ScaffoldRun(setting, self.advance_after, cap, [(np.ones(setting.n_learners, dtype=np.bool_), self.rule)])


@attrs.frozen
class PermanentScaffolds(_PolicyBase):
    """The same goal for everyone, with support that never fades (a defect, for comparison).

    Like :class:`FadingScaffolds` but support stays at ``support``.
    ``support=0`` is the no-support control.

    Parameters
    ----------
    support : float, default 0.75
        Fixed support in [0, 1].
    advance_after : int, default 3
        Consecutive correct exit questions needed to move on.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.PermanentScaffolds(support=0.0)
    PermanentScaffolds(support=0.0, advance_after=3)
    """

    name: ClassVar[str] = "permanent-scaffolds"
    support: float = attrs.field(default=0.75, validator=number_in(0.0, 1.0))
    advance_after: int = attrs.field(default=3, validator=_whole(1))

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        n_seq = setting.sequence.shape[0]
        cap = np.full(setting.n_learners, n_seq, dtype=np.intp)
        return _ScaffoldRun(setting, self.advance_after, cap, [(np.ones(setting.n_learners, dtype=np.bool_), self.support)])


class _ScaffoldRun:
    """Own next step along the sequence, up to a cap, with fixed or fading support per tier."""

    def __init__(
        self, setting: PolicySetting, advance_after: int, cap: Int, tiers: list[tuple[Bool, float | FadingRule]]
    ) -> None:
        self.progress = _Progress(setting, advance_after)
        self.cap = cap
        self.fixed = _zeros(setting.n_learners)
        self.ladders: list[tuple[Bool, _Ladder]] = []
        for who, option in tiers:
            if isinstance(option, FadingRule):
                self.ladders.append((who, _Ladder(option, setting.n_learners)))
            else:
                self.fixed[who] = option

    def assign(self, step: int) -> Assignment:
        position = self.progress.position
        skill = self.progress.next_skill()
        skill[position >= self.cap] = -1
        support = self.fixed.copy()
        for who, ladder in self.ladders:
            support[who] = ladder.support()[who]
        support[skill < 0] = 0.0
        return Assignment(skill, support)

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        active = assignment.skill >= 0
        for who, ladder in self.ladders:
            ladder.after(active & who, practice)
        moved = self.progress.observe(assignment.skill, exit_question)
        for _, ladder in self.ladders:
            ladder.reset(moved)


# --------------------------------------------------------------- content
@attrs.frozen
class _BKTPolicy(_PolicyBase):
    """The fields and the estimate shared by the policies that track P(mastery) with BKT."""

    threshold: float = attrs.field(default=0.95, validator=number_in(0.0, 1.0, open_low=True))
    prior: float = attrs.field(default=0.2, validator=number_in(0.0, 1.0))
    learn: float = attrs.field(default=0.15, validator=number_in(0.0, 1.0))
    guess: float = attrs.field(default=0.2, validator=number_in(0.0, 1.0))
    slip: float = attrs.field(default=0.1, validator=number_in(0.0, 1.0))


class _BKTRun:
    """A P(mastery) estimate per learner and skill, owned by the run and updated in place."""

    def __init__(self, policy: _BKTPolicy, setting: PolicySetting) -> None:
        self.setting = setting
        self.threshold = policy.threshold
        params = BKTParams.constant(
            setting.graph.skill_ids, prior=policy.prior, learn=policy.learn, guess=policy.guess, slip=policy.slip
        )
        self.values = params.as_dict()
        self.estimate: Float = np.where(setting.pretest, 1.0, policy.prior)

    def update(self, assignment: Assignment, practice: Bool) -> tuple[Int, Int]:
        """Apply the practice answers (the kernel of :func:`~personalise.update_mastery`, in place)."""
        rows = np.flatnonzero(assignment.skill >= 0)
        cols = assignment.skill[rows]
        update_events(self.estimate, rows, cols, practice[rows], self.values)
        return rows, cols


@attrs.frozen
class MasteryLearning(_BKTPolicy):
    """Mastery learning: each learner moves on when BKT says the skill is mastered.

    Each learner works on their own next skill of the teaching sequence; the
    policy tracks P(mastery) with Bayesian Knowledge Tracing
    (:func:`~personalise.update_mastery`) from the practice answers and moves
    the learner on when it reaches ``threshold`` (Bloom's mastery learning
    with a BKT gate). No support.

    Parameters
    ----------
    threshold : float, default 0.95
        P(mastery) needed to move on.
    prior, learn, guess, slip : float
        The BKT parameters the policy assumes for every skill
        (default 0.2, 0.15, 0.2, 0.1).

    Examples
    --------
    >>> import personalise as pl
    >>> pl.MasteryLearning().threshold
    0.95
    """

    name: ClassVar[str] = "mastery-learning"

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        return _MasteryRun(self, setting)


class _MasteryRun(_BKTRun):
    def __init__(self, policy: MasteryLearning, setting: PolicySetting) -> None:
        super().__init__(policy, setting)
        self.position = setting.known.copy()

    def assign(self, step: int) -> Assignment:
        return Assignment(_tasks(self.setting.sequence, self.position), _zeros(self.setting.n_learners))

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        rows, cols = self.update(assignment, practice)
        self.position[rows] += self.estimate[rows, cols] >= self.threshold


@attrs.frozen
class AdaptiveContent(_BKTPolicy):
    """Adaptive content: online BKT plus :func:`~personalise.recommend_next` for every learner.

    Each step every learner practises the top recommendation from their
    current P(mastery) estimates (the outer fringe, ranked by what it
    unlocks, towards the goal when there is one); the estimates are updated
    from the practice answers with :func:`~personalise.update_mastery`. No
    support.

    Parameters
    ----------
    threshold : float, default 0.95
        Mastery threshold used by the recommender.
    prior, learn, guess, slip : float
        The BKT parameters the policy assumes for every skill
        (default 0.2, 0.15, 0.2, 0.1).

    Examples
    --------
    >>> import personalise as pl
    >>> pl.AdaptiveContent(threshold=0.9).threshold
    0.9
    """

    name: ClassVar[str] = "adaptive-content"

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        return _AdaptiveRun(self, setting)


class _AdaptiveRun(_BKTRun):
    def __init__(self, policy: AdaptiveContent, setting: PolicySetting) -> None:
        super().__init__(policy, setting)
        goal = setting.goal
        self.goals = None if goal is None else setting.graph.skill_ids[goal]

    def assign(self, step: int) -> Assignment:
        picks = recommend_next(self.setting.graph, self.estimate, k=1, threshold=self.threshold, goals=self.goals)
        return Assignment(np.ascontiguousarray(picks.indices[:, 0]), _zeros(self.setting.n_learners))

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        self.update(assignment, practice)


# -------------------------------------------------------------- teaching
def _p_know(correct: Float, answered: Float, options: int) -> Float:
    """Guess-corrected share who know, per class (as :func:`~personalise.teaching.guess_corrected`)."""
    return guess_corrected_many(correct / np.maximum(answered, 1.0), options)


_MOVE_ON, _REGROUP, _RETEACH = 0, 1, 2


@attrs.frozen
class ResponsiveTeaching(_PolicyBase):
    """Assessment for learning: elicit, interpret, adjust, verify, every lesson.

    Each class has a current target skill. Every step ends with a hinge
    question on it (the exit question, with ``options`` answer options); the
    guess-corrected share who know it drives the decision rule of
    :func:`~personalise.decide`: at or above ``proceed_at`` the class moves
    on; below ``regroup_at`` the whole class is retaught with support;
    in between the class stays and the learners who answered wrongly form a
    temporary group with support. Learners behind the class target work on
    their own next step in a temporary catch-up group with a fading
    scaffold (``rule``) until they catch up; learners ahead work on their
    own next step without support. Groups are re-formed from each lesson's
    evidence (flexible, temporary grouping); learners move on after
    ``advance_after`` consecutive correct exit questions (verification).

    Parameters
    ----------
    proceed_at, regroup_at : float, default 0.8 and 0.3
        The thresholds of :func:`~personalise.decide`.
    rule : FadingRule, default ``contingent_fading(levels=4, start=2)``
        The scaffold given in groups and reteaching.
    options : int, default 4
        Options of each hinge question (for the guess correction).
    advance_after : int, default 3
        Consecutive correct exit questions needed to move a learner on.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.ResponsiveTeaching().proceed_at
    0.8
    """

    name: ClassVar[str] = "responsive-teaching"
    proceed_at: float = attrs.field(default=PROCEED_AT, validator=number_in(0.0, 1.0, open_low=True))
    regroup_at: float = attrs.field(default=REGROUP_AT, validator=number_in(0.0, 1.0))
    rule: FadingRule = _rule_field(contingent_fading(levels=4, start=2))
    options: int = attrs.field(default=4, validator=_whole(2))
    advance_after: int = attrs.field(default=3, validator=_whole(1))

    def __attrs_post_init__(self) -> None:
        if self.regroup_at > self.proceed_at:
            raise InvalidParameterError(
                f"regroup_at ({self.regroup_at!r}) must not exceed proceed_at ({self.proceed_at!r})", value=self.regroup_at
            )
        if not isinstance(self.rule, FadingRule):
            raise InvalidParameterError(f"rule must be a fading rule; got {self.rule!r}", value=self.rule)

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        return _ResponsiveRun(self, setting)


class _ResponsiveRun:
    def __init__(self, policy: ResponsiveTeaching, setting: PolicySetting) -> None:
        self.policy, self.setting = policy, setting
        self.progress = _Progress(setting, policy.advance_after)
        self.target = _class_quantile(setting.known, setting.class_of, setting.n_classes, 0.5)
        self.mode = np.full(setting.n_classes, _MOVE_ON, dtype=np.intp)
        self.grouped = np.zeros(setting.n_learners, dtype=np.bool_)
        self.ladder = _Ladder(policy.rule, setting.n_learners)
        self.on_target = np.zeros(setting.n_learners, dtype=np.bool_)
        self.helped = np.zeros(setting.n_learners, dtype=np.bool_)

    def assign(self, step: int) -> Assignment:
        s = self.setting
        position = self.progress.position
        target = self.target[s.class_of]
        self.on_target = position == target
        helped = (position < target) | self.grouped | (self.on_target & (self.mode[s.class_of] == _RETEACH))
        skill = self.progress.next_skill()
        self.helped = helped & (skill >= 0)
        support = np.where(self.helped, self.ladder.support(), 0.0)
        return Assignment(skill, support)

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        s = self.setting
        active = assignment.skill >= 0
        self.ladder.after(self.helped, practice)  # contingent: a failure at level 0 brings support back
        asked = self.on_target & active
        answered = np.bincount(s.class_of, weights=asked, minlength=s.n_classes).astype(np.float64)
        right = np.bincount(s.class_of, weights=asked & exit_question, minlength=s.n_classes).astype(np.float64)
        p_know = _p_know(right, answered, self.policy.options)
        mode = np.where(p_know >= self.policy.proceed_at, _MOVE_ON, np.where(p_know < self.policy.regroup_at, _RETEACH, _REGROUP))
        nobody = answered == 0
        mode[nobody] = _MOVE_ON
        self.mode = mode
        # regroup: the wrong answerers on the target get support until they answer right
        self.grouped = (self.grouped | (asked & ~exit_question & (mode[s.class_of] == _REGROUP))) & ~(asked & exit_question)
        moved = self.progress.observe(assignment.skill, exit_question)
        self.ladder.reset(moved)
        self.grouped &= ~moved
        self.target = np.where(mode == _MOVE_ON, self.target + 1, self.target)
        # a class whose target nobody was on (all ahead or all behind) follows its median learner
        median = _class_quantile(self.progress.position, s.class_of, s.n_classes, 0.5)
        self.target = np.where(nobody, median, self.target)


# -------------------------------------------------------------- grouping
@attrs.frozen
class FixedGroups(_PolicyBase):
    """Groups fixed once by pretest attainment, each moving at its own pace (setting or tracking).

    Each class is split once into ``n_groups`` groups by pretest attainment.
    Each step a group is taught one target skill; the target moves on when
    ``advance_share`` of the group has shown it (``advance_after``
    consecutive correct exit questions). ``track_quality`` models
    track-specific teaching quality: one learning-rate multiplier per group,
    lowest group first (e.g. ``(0.75, 1.0, 1.1)`` for a low-track penalty).

    Parameters
    ----------
    n_groups : int, default 3
        Groups per class (1 to 1,024).
    advance_share : float, default 0.6
    track_quality : tuple of float or None, default None
        None means 1 for every group.
    advance_after : int, default 3

    Examples
    --------
    >>> import personalise as pl
    >>> pl.FixedGroups(track_quality=(0.75, 1.0, 1.1)).track_quality
    (0.75, 1.0, 1.1)
    """

    name: ClassVar[str] = "fixed-groups"
    n_groups: int = attrs.field(default=3, validator=_whole(1, MAX_GROUPS))
    advance_share: float = attrs.field(default=0.6, validator=number_in(0.0, 1.0, open_low=True))
    track_quality: tuple[float, ...] | None = attrs.field(default=None, converter=_float_tuple)
    advance_after: int = attrs.field(default=3, validator=_whole(1))

    def __attrs_post_init__(self) -> None:
        quality = self.track_quality
        if quality is not None:
            if len(quality) != self.n_groups:
                raise InvalidParameterError(
                    f"track_quality needs one multiplier per group ({self.n_groups}); got {len(quality)}", value=quality
                )
            for value in quality:
                if not 0.0 <= value <= 10.0:  # also rejects nan
                    raise InvalidParameterError(f"track_quality values must lie in [0, 10]; got {value!r}", value=value)

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        return _FixedRun(self, setting)


def _groups_by_rank(values: Int, labels: Int, n_labels: int, n_groups: int) -> Int:
    """Split each label's learners (a class) into ``n_groups`` groups of consecutive rank by ``values``."""
    rank, sizes = _ranks_within(values, labels, n_labels)
    within = rank * n_groups // np.maximum(sizes[labels], 1)
    return labels * n_groups + within


class _FixedRun:
    def __init__(self, policy: FixedGroups, setting: PolicySetting) -> None:
        self.policy, self.setting = policy, setting
        self.progress = _Progress(setting, policy.advance_after)
        self.n_labels = setting.n_classes * policy.n_groups
        self.group = _groups_by_rank(setting.known, setting.class_of, setting.n_classes, policy.n_groups)
        self.target = _class_quantile(setting.known, self.group, self.n_labels, 0.5)
        quality = np.ones(policy.n_groups) if policy.track_quality is None else np.array(policy.track_quality)
        self.quality = quality[self.group % policy.n_groups]

    def assign(self, step: int) -> Assignment:
        skill = _tasks(self.setting.sequence, self.target[self.group])
        return Assignment(skill, _zeros(self.setting.n_learners), self.quality)

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        self.progress.observe(assignment.skill, exit_question)
        past = self.progress.position > self.target[self.group]
        share = np.bincount(self.group, weights=past, minlength=self.n_labels) / np.maximum(
            np.bincount(self.group, minlength=self.n_labels), 1
        )
        self.target = self.target + (share >= self.policy.advance_share)


@attrs.frozen
class FlexibleGroups(_PolicyBase):
    """Flexible, temporary groups re-formed every step from the latest evidence.

    Each step each class is split into ``n_groups`` groups by each learner's
    current next step (as shown by exit questions); each group is taught the
    next step of its lower-quartile learner, so that most of the group is
    ready for it. Learners who have shown the whole sequence are not grouped
    (they have no next step). Groups last one step.

    Parameters
    ----------
    n_groups : int, default 3
        Groups per class (1 to 1,024).
    advance_after : int, default 3
        Consecutive correct exit questions needed to show a skill.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.FlexibleGroups(n_groups=4)
    FlexibleGroups(n_groups=4, advance_after=3)
    """

    name: ClassVar[str] = "flexible-groups"
    n_groups: int = attrs.field(default=3, validator=_whole(1, MAX_GROUPS))
    advance_after: int = attrs.field(default=3, validator=_whole(1))

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block (see :class:`Policy`)."""
        return _FlexibleRun(self, setting)


class _FlexibleRun:
    def __init__(self, policy: FlexibleGroups, setting: PolicySetting) -> None:
        self.policy, self.setting = policy, setting
        self.progress = _Progress(setting, policy.advance_after)
        self.n_labels = (setting.n_classes + 1) * policy.n_groups

    def assign(self, step: int) -> Assignment:
        s = self.setting
        position = self.progress.position
        # Learners who have shown the whole unit have no next step: they are set apart (one label past the
        # classes) so that they neither fill the groups of those still working nor set a group's target.
        # Grouped with them, a slower learner below the group's lower quartile was left with no task.
        finished = position >= s.sequence.shape[0]
        labels = np.where(finished, s.n_classes, s.class_of)
        group = _groups_by_rank(position, labels, s.n_classes + 1, self.policy.n_groups)
        target = _class_quantile(position, group, self.n_labels, 0.25)
        return Assignment(_tasks(s.sequence, target[group]), _zeros(s.n_learners))

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        self.progress.observe(assignment.skill, exit_question)


# -------------------------------------------------------------- registry
POLICIES: Mapping[str, type[Any]] = {
    cls.name: cls
    for cls in (
        WholeClassPace,
        TieredTasks,
        FadingScaffolds,
        PermanentScaffolds,
        AdaptiveContent,
        ResponsiveTeaching,
        MasteryLearning,
        FixedGroups,
        FlexibleGroups,
    )
}
"""The built-in policies by name (``"fading-scaffolds"``, ...)."""


def policy_from_name(name: str, /, **options: Any) -> Policy:
    """The built-in policy called ``name`` (kebab case or class name), with ``options``.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a built-in policy (the message lists them).

    Examples
    --------
    >>> import personalise as pl
    >>> pl.policy_from_name("fading-scaffolds")
    FadingScaffolds(rule=ContingentFading(levels=4, fade_after=1, start_level=2), advance_after=3)
    >>> pl.policy_from_name("MasteryLearning", threshold=0.9).threshold
    0.9
    """
    if not isinstance(name, str):
        raise InvalidParameterError(f"policy name must be a string; got {name!r}", value=name)
    by_class = {cls.__name__: cls for cls in POLICIES.values()}
    cls = POLICIES.get(name.strip().lower().replace("_", "-")) or by_class.get(name.strip())
    if cls is None:
        known = ", ".join(sorted(POLICIES))
        raise InvalidParameterError(f"unknown policy {name!r}: the name must be one of: {known}", value=name)
    accepted = [field.alias for field in attrs.fields(cls) if field.init] if attrs.has(cls) else None
    for key in options:
        if accepted is not None and key not in accepted:
            listed = ", ".join(accepted) if accepted else "none"
            raise InvalidParameterError(f"policy {name!r} has no option {key!r}; its options are: {listed}", value=key)
    try:
        policy: Policy = cls(**options)
    except TypeError as error:
        raise InvalidParameterError(f"bad option for policy {name!r}: {error}", value=options) from None
    return policy


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """Rebuild a built-in policy from its ``to_dict()`` output.

    Examples
    --------
    >>> import personalise as pl
    >>> p = pl.TieredTasks(lower_support=pl.contingent_fading(levels=4, start=2))
    >>> pl.policy_from_dict(p.to_dict()) == p
    True
    """
    if not isinstance(data, Mapping) or "policy" not in data:
        raise InvalidParameterError(f"data (a policy document) needs a 'policy' name; got {data!r:.200}", value=data)
    if not isinstance(data["policy"], str):
        raise InvalidParameterError(f"data (a policy document): its 'policy' must be a name (a string); got "
                                    f"{data['policy']!r:.80}", value=data["policy"])
    options: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise InvalidParameterError(f"data (a policy document): keys must be strings; got {key!r:.80}", value=key)
        if key != "policy":
            options[key] = rule_from_dict(value) if isinstance(value, Mapping) and "rule" in value else value
    return policy_from_name(data["policy"], **options)
