"""Plain-Python references for the simulation kernels (``personalise.simulation``).

One learner at a time, Python floats and ints, plain loops; nothing is
vectorised, nothing here imports NumPy and nothing draws random numbers: the
uniform draws are passed in, so that the tests in
``tests/equivalence/test_simulation_equivalence.py`` can feed the library and
these functions the very same draws. Only :func:`initial_learners_ref` needs
the ``math`` module (``log`` and ``exp`` of the logistic learning rate).

Latent states: ``0`` not learned, ``1`` can do it with support, ``2`` can do
it independently. ``state`` is a list of lists (learner by skill), ``preds[j]``
the list of columns of skill ``j``'s direct prerequisites, and ``model`` a
:class:`personalise.LearnerModel` (only its float and bool fields are read).
Every random event happens when its uniform draw ``u`` satisfies ``u < p``.

:func:`simulate_reference` replays a whole ``personalise.simulate`` run (the
engine loop and every built-in policy) with these kernels. It is the one
exception to the rules above: it imports NumPy (inside the function) to draw
the engine's random numbers, and converts every draw to Python floats at once.

Examples
--------
>>> import personalise as pl
>>> model = pl.LearnerModel(learn_rate=0.5, slip=0.1, guess=0.2)
>>> state = [[2, 0]]                      # one learner: skill 0 mastered, skill 1 not learned
>>> out = practise_ref(model, state, [0.5], [1], [0.5], [1.0], [[0.85], [0.9], [0.85]], [[], [0]])
>>> out.correct, out.exit_correct, out.gained, out.state
([False], [False], [False], [[2, 1]])
>>> forget_ref(pl.LearnerModel(forget=0.5), [[2, 2, 1]], [0], [[0.1, 0.1, 0.1]])
([[False, True, False]], [[2, 1, 1]])
>>> class_quantile_ref([5, 1, 3, 7], [0, 0, 0, 1], 3, 0.5)
[3, 7, 0]
>>> ranks_within_ref([5, 1, 5, 7], [0, 0, 0, 1], 2)
([1, 0, 2, 0], [3, 1])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = [
    "INDEPENDENT",
    "NOT_LEARNED",
    "SUPPORTED",
    "PractiseRef",
    "SimulationRef",
    "bkt_step_ref",
    "class_quantile_ref",
    "forget_ref",
    "initial_learners_ref",
    "practise_ref",
    "ranks_within_ref",
    "simulate_reference",
    "tasks_ref",
    "teaching_sequence_ref",
    "topological_order_ref",
]

NOT_LEARNED = 0
SUPPORTED = 1
INDEPENDENT = 2


class PractiseRef(NamedTuple):
    """What :func:`practise_ref` returns: three per-learner bool lists and the new state."""

    correct: list[bool]
    exit_correct: list[bool]
    gained: list[bool]
    state: list[list[int]]


# ------------------------------------------------------------------ learners
def initial_learners_ref(model: Any, ability: Sequence[float], noise: Sequence[float], n_skills: int) -> tuple[list[float], list[int]]:
    """Each learner's learning rate and number of initially mastered skills.

    ``T_i = sigmoid(logit(T) + ability_effect * a_i)`` and
    ``clip(round(n * (prior_share + prior_spread * a_i + prior_noise * e_i)), 0, floor(n * prior_max_share))``,
    rounding half to even (as ``round`` and ``numpy.rint`` do).
    """
    logit = math.log(model.learn_rate / (1.0 - model.learn_rate))
    top = math.floor(n_skills * model.prior_max_share + 1e-9)
    rates: list[float] = []
    known: list[int] = []
    for a, e in zip(ability, noise, strict=True):
        rates.append(1.0 / (1.0 + math.exp(-(logit + model.ability_effect * a))))
        share = model.prior_share + model.prior_spread * a + model.prior_noise * e
        known.append(min(max(round(n_skills * share), 0), top))
    return rates, known


# ------------------------------------------------------------------ one step
def practise_ref(
    model: Any,
    state: Sequence[Sequence[int]],
    rate: Sequence[float],
    skill: Sequence[int],
    support: Sequence[float],
    quality: Sequence[float],
    uniforms: Sequence[Sequence[float]],
    preds: Sequence[Sequence[int]],
) -> PractiseRef:
    """One learning opportunity per learner, on a copy of ``state``.

    Learner ``i`` practises skill ``skill[i]`` (``-1``: idle, nothing happens
    and every answer is False) with support ``s = support[i]``:

    1. practice answer, before learning: the learner is *able* if independent,
       or supported with ``s > 0``; correct with probability ``1 - slip`` if
       able, else ``guess`` (draw ``uniforms[0][i]``);
    2. learning (draw ``uniforms[1][i]``), with speed
       ``rate * quality * (1 - prerequisite_damping) ** m`` where ``m`` is the
       number of direct prerequisites not independent:
       not learned with ``s > 0`` becomes supported with probability
       ``min(1, speed * (1 + support_boost * s))``; not learned with
       ``s == 0`` becomes independent with probability
       ``unsupported_acquisition * speed``; supported becomes independent with
       probability ``speed * (1 - s)`` (``dependency``) or ``speed``;
    3. exit answer, after learning: correct with probability ``1 - slip`` if
       independent, else ``guess`` (draw ``uniforms[2][i]``).

    ``gained`` is True for a learner who became independent this step.
    """
    new = [list(row) for row in state]
    n = len(skill)
    correct = [False] * n
    exit_correct = [False] * n
    gained = [False] * n
    for i in range(n):
        j = skill[i]
        if j < 0:
            continue
        s = support[i]
        helped = s > 0.0
        before = new[i][j]
        able = before == INDEPENDENT or (before == SUPPORTED and helped)
        correct[i] = uniforms[0][i] < (1.0 - model.slip if able else model.guess)

        missing = 0
        for p in preds[j]:
            if state[i][p] != INDEPENDENT:
                missing += 1
        speed = rate[i] * quality[i] * (1.0 - model.prerequisite_damping) ** missing
        after = before
        if before == NOT_LEARNED:
            if helped:
                if uniforms[1][i] < min(1.0, speed * (1.0 + model.support_boost * s)):
                    after = SUPPORTED
            elif uniforms[1][i] < model.unsupported_acquisition * speed:
                after = INDEPENDENT
        elif before == SUPPORTED:
            p_learn = speed * (1.0 - s) if model.dependency else speed
            if uniforms[1][i] < p_learn:
                after = INDEPENDENT
        new[i][j] = after
        gained[i] = after == INDEPENDENT and before != INDEPENDENT
        exit_correct[i] = uniforms[2][i] < (1.0 - model.slip if after == INDEPENDENT else model.guess)
    return PractiseRef(correct, exit_correct, gained, new)


def forget_ref(
    model: Any, state: Sequence[Sequence[int]], skill: Sequence[int], uniforms: Sequence[Sequence[float]]
) -> tuple[list[list[bool]], list[list[int]]]:
    """Independent skills not practised this step fall back to supported when ``u < forget``.

    Returns the (learner by skill) mask of forgotten skills and the new state.
    """
    lost: list[list[bool]] = []
    new: list[list[int]] = []
    for i, row in enumerate(state):
        lost_row: list[bool] = []
        new_row: list[int] = []
        for j, value in enumerate(row):
            gone = value == INDEPENDENT and uniforms[i][j] < model.forget and skill[i] != j
            lost_row.append(gone)
            new_row.append(SUPPORTED if gone else value)
        lost.append(lost_row)
        new.append(new_row)
    return lost, new


# --------------------------------------------------------- class arithmetic
def class_quantile_ref(values: Sequence[int], labels: Sequence[int], n_labels: int, q: float) -> list[int]:
    """The lower ``q``-quantile of the values within each label: sorted value at ``floor((size - 1) * q)``; 0 if empty."""
    out: list[int] = []
    for label in range(n_labels):
        members = sorted(v for v, lab in zip(values, labels, strict=True) if lab == label)
        out.append(members[int((len(members) - 1) * q)] if members else 0)
    return out


def ranks_within_ref(values: Sequence[int], labels: Sequence[int], n_labels: int) -> tuple[list[int], list[int]]:
    """Each learner's rank within its label (by value, ties by position) and the label sizes."""
    sizes = [0] * n_labels
    for lab in labels:
        sizes[lab] += 1
    rank: list[int] = []
    for i, (v, lab) in enumerate(zip(values, labels, strict=True)):
        below = 0
        for k, (w, other) in enumerate(zip(values, labels, strict=True)):
            if other == lab and (w < v or (w == v and k < i)):
                below += 1
        rank.append(below)
    return rank, sizes


def tasks_ref(sequence: Sequence[int], position: Sequence[int]) -> list[int]:
    """The column at each sequence position; -1 past the end."""
    return [sequence[p] if p < len(sequence) else -1 for p in position]


# ====================================================== the whole simulation
#
# ``simulate_reference`` replays :func:`personalise.simulate` one learner at a
# time: the engine loop of ``simulation/engine.py`` (``_run_block``) and every
# built-in policy, written again from their documentation with lists, loops
# and the kernels above. NumPy is used for one thing only, drawing the random
# numbers (the same streams, in the same order and shapes as the engine:
# ``personalise._random.block_generator``); every draw is turned into Python
# floats at once. The fading rules' scalar forms (``rule.start``,
# ``rule.support``, ``rule.next_level``) are the library's, tested against
# their own references in ``tests/scaffold_reference.py``.


class SimulationRef(NamedTuple):
    """What :func:`simulate_reference` returns (the outcome fields of ``SimulationResult``, as lists)."""

    sequence: list[int]
    attainment: list[list[int]]
    goal_reached: list[list[bool]]
    practice_correct: list[int]
    practice_attempts: list[int]
    final_state: list[list[int]]


RNG_BLOCK_REF = 1024  # learners per random stream (personalise._random.RNG_BLOCK)
EXECUTION_BLOCK_REF = 8 * RNG_BLOCK_REF  # simulate's default block_size


def topological_order_ref(preds: Sequence[Sequence[int]]) -> list[int]:
    """Columns in topological order, the lowest ready column first."""
    n = len(preds)
    placed = [False] * n
    order: list[int] = []
    while len(order) < n:
        first = min(j for j in range(n) if not placed[j] and all(placed[p] for p in preds[j]))
        placed[first] = True
        order.append(first)
    return order


def teaching_sequence_ref(preds: Sequence[Sequence[int]], order: Sequence[int], goal: int | None) -> list[int]:
    """The whole order, or only the goal and its ancestors, in that order."""
    if goal is None:
        return list(order)
    keep = {goal}
    stack = [goal]
    while stack:
        for p in preds[stack.pop()]:
            if p not in keep:
                keep.add(p)
                stack.append(p)
    return [j for j in order if j in keep]


def _members(labels: Sequence[int], n_labels: int) -> list[list[int]]:
    """Learners of each label, in learner order."""
    out: list[list[int]] = [[] for _ in range(n_labels)]
    for i, lab in enumerate(labels):
        out[lab].append(i)
    return out


def _ranks(values: Sequence[int], members: Sequence[Sequence[int]], n: int) -> list[int]:
    """Rank within the label by value, ties by learner order."""
    rank = [0] * n
    for group in members:
        for r, i in enumerate(sorted(group, key=lambda i: (values[i], i))):
            rank[i] = r
    return rank


def _quantiles(values: Sequence[int], members: Sequence[Sequence[int]], q: float) -> list[int]:
    """Lower q-quantile within each label: sorted value at floor((size - 1) * q); 0 if empty."""
    out = []
    for group in members:
        ordered = sorted(values[i] for i in group)
        out.append(ordered[math.floor((len(ordered) - 1) * q)] if ordered else 0)
    return out


def _groups_by_rank_ref(values: Sequence[int], class_of: Sequence[int], n_classes: int, n_groups: int) -> list[int]:
    """Class ``c`` split into ``n_groups`` by rank: group ``c * n_groups + rank * n_groups // size``."""
    members = _members(class_of, n_classes)
    rank = _ranks(values, members, len(values))
    sizes = [len(m) for m in members]
    return [c * n_groups + rank[i] * n_groups // max(sizes[c], 1) for i, c in enumerate(class_of)]


class _Setting(NamedTuple):
    preds: list[list[int]]
    skill_ids: tuple[Any, ...]
    sequence: list[int]
    goal: int | None
    pretest: list[list[bool]]
    known: list[int]
    class_of: list[int]
    n_classes: int


class _ProgressRef:
    """Own next step along the sequence; moved on by ``advance_after`` consecutive correct exit questions on it."""

    def __init__(self, setting: _Setting, advance_after: int) -> None:
        self.sequence = setting.sequence
        self.position = list(setting.known)
        self.streak = [0] * len(self.position)
        self.advance_after = advance_after

    def next_skill(self, i: int) -> int:
        p = self.position[i]
        return self.sequence[p] if p < len(self.sequence) else -1

    def observe(self, skill: Sequence[int], exit_correct: Sequence[bool]) -> list[bool]:
        moved = [False] * len(skill)
        for i, j in enumerate(skill):
            if j < 0 or j != self.next_skill(i):
                continue  # only a task on the learner's own next step counts
            self.streak[i] = self.streak[i] + 1 if exit_correct[i] else 0
            if self.streak[i] >= self.advance_after:
                self.position[i] += 1
                self.streak[i] = 0
                moved[i] = True
        return moved


class _LadderRef:
    """One fading rule's level, opportunity count and success run per learner (reset on a new skill)."""

    def __init__(self, rule: Any, n: int) -> None:
        self.rule = rule
        self.level = [rule.start()] * n
        self.opportunities = [0] * n
        self.streak = [0] * n

    def support(self, i: int) -> float:
        return self.rule.support(self.level[i])

    def after(self, i: int, success: bool) -> None:
        self.opportunities[i] += 1
        self.streak[i] = self.streak[i] + 1 if success else 0
        self.level[i] = self.rule.next_level(self.level[i], self.opportunities[i], self.streak[i], success, None)

    def reset(self, i: int) -> None:
        self.level[i] = self.rule.start()
        self.opportunities[i] = 0
        self.streak[i] = 0


Step = tuple[list[int], list[float], list[float]]  # skill, support, quality


class _WholeClassRef:
    def __init__(self, policy: Any, s: _Setting) -> None:
        self.policy, self.s = policy, s

    def assign(self, t: int) -> Step:
        n = len(self.s.known)
        p = self.policy.begin + t // self.policy.steps_per_skill
        j = self.s.sequence[p] if p < len(self.s.sequence) else -1
        return [j] * n, [0.0] * n, [1.0] * n

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        pass


class _ScaffoldRef:
    """Permanent, fading and tiered scaffolds: own next step up to a cap, fixed or fading support per tier."""

    def __init__(self, s: _Setting, advance_after: int, cap: list[int], tiers: list[tuple[list[bool], Any]]) -> None:
        n = len(s.known)
        self.progress = _ProgressRef(s, advance_after)
        self.cap = cap
        self.fixed = [0.0] * n
        self.ladders: list[tuple[list[bool], _LadderRef]] = []
        for who, option in tiers:
            if isinstance(option, (int, float)):
                for i in range(n):
                    if who[i]:
                        self.fixed[i] = float(option)
            else:
                self.ladders.append((who, _LadderRef(option, n)))

    def assign(self, t: int) -> Step:
        n = len(self.cap)
        skill, support = [], []
        for i in range(n):
            j = self.progress.next_skill(i) if self.progress.position[i] < self.cap[i] else -1
            s = self.fixed[i]
            for who, ladder in self.ladders:
                if who[i]:
                    s = ladder.support(i)
            skill.append(j)
            support.append(s if j >= 0 else 0.0)
        return skill, support, [1.0] * n

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        skill = step[0]
        for who, ladder in self.ladders:  # practice answers move the scaffold
            for i, j in enumerate(skill):
                if j >= 0 and who[i]:
                    ladder.after(i, practice[i])
        moved = self.progress.observe(skill, exit_correct)
        for _, ladder in self.ladders:
            for i, m in enumerate(moved):
                if m:
                    ladder.reset(i)


def _tiered_ref(policy: Any, s: _Setting) -> _ScaffoldRef:
    n = len(s.known)
    members = _members(s.class_of, s.n_classes)
    rank = _ranks(s.known, members, n)
    lower = [rank[i] < math.floor(len(members[s.class_of[i]]) * policy.split) for i in range(n)]
    n_seq = len(s.sequence)
    cap = [n_seq] * n
    if policy.ceiling is not None:
        lowered = math.floor(n_seq * policy.ceiling + 1e-9)
        cap = [lowered if lower[i] else n_seq for i in range(n)]
    upper = [not x for x in lower]
    return _ScaffoldRef(s, policy.advance_after, cap, [(lower, policy.lower_support), (upper, policy.upper_support)])


def bkt_step_ref(mastery: float, correct: bool, *, learn: float, guess: float, slip: float, forget: float = 0.0) -> float:
    """One online BKT update: P(L | answer) (0 when the answer is impossible), then the learning transition."""
    known = mastery * (1.0 - slip) if correct else mastery * slip
    unknown = (1.0 - mastery) * guess if correct else (1.0 - mastery) * (1.0 - guess)
    total = known + unknown
    after = known / total if total > 0.0 else 0.0
    return after * (1.0 - forget) + (1.0 - after) * learn


class _BKTRef:
    """P(mastery) per learner and skill: 1 where the pretest showed the skill, else the prior."""

    def __init__(self, policy: Any, s: _Setting) -> None:
        self.s = s
        self.threshold = float(policy.threshold)
        self.bkt = {"learn": float(policy.learn), "guess": float(policy.guess), "slip": float(policy.slip)}
        prior = float(policy.prior)
        self.estimate = [[1.0 if seen else prior for seen in row] for row in s.pretest]

    def update(self, skill: list[int], practice: list[bool]) -> None:
        for i, j in enumerate(skill):
            if j >= 0:
                self.estimate[i][j] = bkt_step_ref(self.estimate[i][j], practice[i], **self.bkt)


class _MasteryRef(_BKTRef):
    def __init__(self, policy: Any, s: _Setting) -> None:
        super().__init__(policy, s)
        self.position = list(s.known)

    def assign(self, t: int) -> Step:
        n = len(self.position)
        return tasks_ref(self.s.sequence, self.position), [0.0] * n, [1.0] * n

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        skill = step[0]
        self.update(skill, practice)
        for i, j in enumerate(skill):
            if j >= 0 and self.estimate[i][j] >= self.threshold:
                self.position[i] += 1


class _AdaptiveRef(_BKTRef):
    """The top ready skill (outer fringe of the mastered set), ranked as ``recommend_next`` documents."""

    def __init__(self, policy: Any, s: _Setting) -> None:
        super().__init__(policy, s)
        k = len(s.preds)
        succs: list[list[int]] = [[] for _ in range(k)]
        for j, ps in enumerate(s.preds):
            for p in ps:
                succs[p].append(j)
        self.descendants = []
        for j in range(k):
            seen: set[int] = set()
            stack = [j]
            while stack:
                for v in succs[stack.pop()]:
                    if v not in seen:
                        seen.add(v)
                        stack.append(v)
            self.descendants.append(len(seen))
        self.steps: dict[int, int] | None = None
        if s.goal is not None:  # fewest prerequisite steps from each ancestor to the goal (breadth first)
            self.steps = {s.goal: 0}
            frontier = [s.goal]
            while frontier:
                nxt = []
                for v in frontier:
                    for p in s.preds[v]:
                        if p not in self.steps:
                            self.steps[p] = self.steps[v] + 1
                            nxt.append(p)
                frontier = nxt

    def assign(self, t: int) -> Step:
        skill = []
        for row in self.estimate:
            mastered = [m >= self.threshold for m in row]
            best: tuple[int, ...] | None = None
            for j, ps in enumerate(self.s.preds):
                if mastered[j] or not all(mastered[p] for p in ps):
                    continue
                if self.steps is None:
                    key: tuple[int, ...] = (-self.descendants[j], j)
                elif j in self.steps:
                    key = (self.steps[j], -self.descendants[j], j)
                else:
                    continue
                if best is None or key < best:
                    best = key
            skill.append(-1 if best is None else best[-1])
        n = len(skill)
        return skill, [0.0] * n, [1.0] * n

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        self.update(step[0], practice)


MOVE_ON_REF, REGROUP_REF, RETEACH_REF = 0, 1, 2


class _ResponsiveRef:
    """Per class: a target skill, a hinge question on it each step, and the proceed / regroup / reteach rule."""

    def __init__(self, policy: Any, s: _Setting) -> None:
        n = len(s.known)
        self.policy, self.s = policy, s
        self.members = _members(s.class_of, s.n_classes)
        self.progress = _ProgressRef(s, policy.advance_after)
        self.target = _quantiles(s.known, self.members, 0.5)  # positions in the sequence
        self.mode = [MOVE_ON_REF] * s.n_classes
        self.grouped = [False] * n
        self.ladder = _LadderRef(policy.rule, n)
        self.on_target = [False] * n
        self.helped = [False] * n

    def assign(self, t: int) -> Step:
        n = len(self.grouped)
        skill, support = [], []
        for i in range(n):
            c = self.s.class_of[i]
            position, target = self.progress.position[i], self.target[c]
            self.on_target[i] = position == target
            helped = position < target or self.grouped[i] or (self.on_target[i] and self.mode[c] == RETEACH_REF)
            j = self.progress.next_skill(i)
            skill.append(j)
            self.helped[i] = helped and j >= 0
            support.append(self.ladder.support(i) if self.helped[i] else 0.0)
        return skill, support, [1.0] * n

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        skill, support, _ = step
        n = len(skill)
        for i in range(n):  # the scaffold moves on every task of a learner in a support group
            if self.helped[i]:
                self.ladder.after(i, practice[i])
        asked = [self.on_target[i] and skill[i] >= 0 for i in range(n)]
        chance = 1.0 / self.policy.options
        nobody = []
        for c, group in enumerate(self.members):
            answered = sum(1 for i in group if asked[i])
            right = sum(1 for i in group if asked[i] and exit_correct[i])
            p_know = min(1.0, max(0.0, (right / max(answered, 1) - chance) / (1.0 - chance)))
            if answered == 0 or p_know >= self.policy.proceed_at:
                self.mode[c] = MOVE_ON_REF
            elif p_know < self.policy.regroup_at:
                self.mode[c] = RETEACH_REF
            else:
                self.mode[c] = REGROUP_REF
            nobody.append(answered == 0)
        for i in range(n):
            if asked[i] and not exit_correct[i] and self.mode[self.s.class_of[i]] == REGROUP_REF:
                self.grouped[i] = True
            if asked[i] and exit_correct[i]:
                self.grouped[i] = False
        moved = self.progress.observe(skill, exit_correct)
        for i in range(n):
            if moved[i]:
                self.ladder.reset(i)
                self.grouped[i] = False
        median = _quantiles(self.progress.position, self.members, 0.5)
        for c in range(self.s.n_classes):
            if nobody[c]:
                self.target[c] = median[c]  # nobody on the target: follow the median learner
            elif self.mode[c] == MOVE_ON_REF:
                self.target[c] += 1


class _FixedGroupsRef:
    def __init__(self, policy: Any, s: _Setting) -> None:
        self.policy, self.s = policy, s
        g = policy.n_groups
        self.progress = _ProgressRef(s, policy.advance_after)
        self.group = _groups_by_rank_ref(s.known, s.class_of, s.n_classes, g)
        self.members = _members(self.group, s.n_classes * g)
        self.target = _quantiles(s.known, self.members, 0.5)
        quality = [1.0] * g if policy.track_quality is None else [float(x) for x in policy.track_quality]
        self.quality = [quality[label % g] for label in self.group]

    def assign(self, t: int) -> Step:
        skill = tasks_ref(self.s.sequence, [self.target[label] for label in self.group])
        return skill, [0.0] * len(skill), list(self.quality)

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        self.progress.observe(step[0], exit_correct)
        position = self.progress.position
        for label, group in enumerate(self.members):
            past = sum(1 for i in group if position[i] > self.target[label])
            if past / max(len(group), 1) >= self.policy.advance_share:
                self.target[label] += 1


class _FlexibleGroupsRef:
    def __init__(self, policy: Any, s: _Setting) -> None:
        self.policy, self.s = policy, s
        self.progress = _ProgressRef(s, policy.advance_after)

    def assign(self, t: int) -> Step:
        s, g = self.s, self.policy.n_groups
        position = self.progress.position
        # learners who finished the unit form their own groups, so they never set a target for those still working
        labels = [s.n_classes if position[i] >= len(s.sequence) else s.class_of[i] for i in range(len(position))]
        group = _groups_by_rank_ref(position, labels, s.n_classes + 1, g)
        target = _quantiles(position, _members(group, (s.n_classes + 1) * g), 0.25)
        skill = tasks_ref(s.sequence, [target[label] for label in group])
        return skill, [0.0] * len(skill), [1.0] * len(skill)

    def observe(self, step: Step, practice: list[bool], exit_correct: list[bool]) -> None:
        self.progress.observe(step[0], exit_correct)


def _start_ref(policy: Any, s: _Setting) -> Any:
    import personalise as pl

    n = len(s.known)
    everyone = [True] * n
    if isinstance(policy, pl.WholeClassPace):
        return _WholeClassRef(policy, s)
    if isinstance(policy, pl.PermanentScaffolds):
        return _ScaffoldRef(s, policy.advance_after, [len(s.sequence)] * n, [(everyone, policy.support)])
    if isinstance(policy, pl.FadingScaffolds):
        return _ScaffoldRef(s, policy.advance_after, [len(s.sequence)] * n, [(everyone, policy.rule)])
    if isinstance(policy, pl.TieredTasks):
        return _tiered_ref(policy, s)
    if isinstance(policy, pl.MasteryLearning):
        return _MasteryRef(policy, s)
    if isinstance(policy, pl.AdaptiveContent):
        return _AdaptiveRef(policy, s)
    if isinstance(policy, pl.ResponsiveTeaching):
        return _ResponsiveRef(policy, s)
    if isinstance(policy, pl.FixedGroups):
        return _FixedGroupsRef(policy, s)
    if isinstance(policy, pl.FlexibleGroups):
        return _FlexibleGroupsRef(policy, s)
    raise TypeError(f"no reference for policy {policy!r}")


def simulate_reference(
    graph: Any,
    policy: Any,
    *,
    n_learners: int,
    n_steps: int,
    rng: Any,
    model: Any = None,
    goal: Any = None,
    class_size: int = 30,
) -> SimulationRef:
    """``personalise.simulate`` (default ``block_size``), one learner at a time.

    * Columns are taught in topological order, the lowest ready column first
      (with a goal: only the goal and its ancestors). Learner ``i`` starts
      with the first ``known_i`` skills of the *whole* order independent
      (:func:`initial_learners_ref`); the pretest is perfect.
    * Random numbers: learner block ``b`` (learners ``1024 b`` to
      ``1024 b + 1023``) draws from ``block_generator(root_entropy(rng), b)``:
      first normals of shape (2, m) (ability, prior noise), then each step
      uniforms (3, m) (practice answer, learning, exit question) and, when
      ``model.forget > 0``, uniforms (m, n_skills) for forgetting.
    * Classes are ``class_size`` consecutive learners of one 1,024-learner
      random block (the last class of a block may be smaller), numbered from
      0 in learner order within each execution block of 8,192 learners (the
      default ``block_size``: one policy run per execution block). No policy
      looks across classes, so only the partition matters.
    * Each step: the policy assigns (skill, support, quality); the learners
      practise (:func:`practise_ref`); attainment grows by the skills of the
      sequence that became independent; independent skills not practised
      may be forgotten (:func:`forget_ref`) and attainment falls by those in
      the sequence; the policy observes the practice and exit answers.

    Learning rates come from :func:`initial_learners_ref` (``math.exp``), which
    may differ from the library's ``numpy.exp`` in the last bit; an outcome
    could flip only if a uniform draw fell within that bit of its probability
    (about 1e-16 per draw), so in practice the replay is exact.

    Examples
    --------
    >>> import personalise as pl
    >>> g = pl.compile_graph([("a", "b"), ("b", "c")])
    >>> ref = simulate_reference(g, pl.FadingScaffolds(), n_learners=5, n_steps=4, rng=1)
    >>> r = pl.simulate(g, pl.FadingScaffolds(), n_learners=5, n_steps=4, rng=1)
    >>> r.attainment.tolist() == ref.attainment and r.final_state.tolist() == ref.final_state
    True
    """
    import personalise as pl
    from personalise._random import block_generator, root_entropy

    if model is None:
        model = pl.LearnerModel()
    skill_ids = tuple(graph.skill_ids)
    column = {s: j for j, s in enumerate(skill_ids)}
    preds = [[column[p] for p in graph.prerequisites_of(s)] for s in skill_ids]
    k = len(skill_ids)
    order = topological_order_ref(preds)
    goal_col = None if goal is None else column[goal]
    sequence = teaching_sequence_ref(preds, order, goal_col)
    taught = set(sequence)
    entropy = root_entropy(rng)

    attainment: list[list[int]] = [[] for _ in range(n_steps + 1)]
    reached: list[list[bool]] = [[] for _ in range(n_steps + 1)]
    correct_total = [0] * n_steps
    attempts_total = [0] * n_steps
    final_state: list[list[int]] = []

    for start in range(0, n_learners, EXECUTION_BLOCK_REF):
        stop = min(n_learners, start + EXECUTION_BLOCK_REF)
        blocks = [(b, min(RNG_BLOCK_REF, stop - b * RNG_BLOCK_REF)) for b in range(start // RNG_BLOCK_REF, -(-stop // RNG_BLOCK_REF))]
        streams = [(block_generator(entropy, b), m) for b, m in blocks]
        ability: list[float] = []
        noise: list[float] = []
        for g, m in streams:
            a, e = g.standard_normal((2, m)).tolist()
            ability += a
            noise += e
        n = len(ability)
        rate, known_all = initial_learners_ref(model, ability, noise, k)
        state = [[0] * k for _ in range(n)]
        for i in range(n):
            for j in order[: known_all[i]]:
                state[i][j] = INDEPENDENT
        pretest = [[x == INDEPENDENT for x in row] for row in state]
        count = [sum(1 for j in sequence if row[j] == INDEPENDENT) for row in state]
        class_of: list[int] = []
        label: dict[tuple[int, int], int] = {}
        for b, m in blocks:
            for local in range(m):
                class_of.append(label.setdefault((b, local // class_size), len(label)))
        setting = _Setting(preds, skill_ids, sequence, goal_col, pretest, list(count), class_of, len(label))
        run = _start_ref(policy, setting)

        def record(t: int, count: list[int], state: list[list[int]]) -> None:
            attainment[t] += count
            if goal_col is not None:
                reached[t] += [row[goal_col] == INDEPENDENT for row in state]
            else:
                reached[t] += [c == len(sequence) for c in count]

        record(0, count, state)
        for t in range(n_steps):
            step = run.assign(t)
            skill, support, quality = step
            uniforms: list[list[float]] = [[], [], []]
            for g, m in streams:
                for row, draws in zip(uniforms, g.random((3, m)).tolist(), strict=True):
                    row += draws
            out = practise_ref(model, state, rate, skill, support, quality, uniforms, preds)
            state = out.state
            for i in range(n):
                if out.gained[i] and skill[i] in taught:
                    count[i] += 1
            if model.forget > 0.0:
                draws_all: list[list[float]] = []
                for g, m in streams:
                    draws_all += g.random((m, k)).tolist()
                lost, state = forget_ref(model, state, skill, draws_all)
                for i in range(n):
                    count[i] -= sum(1 for j in sequence if lost[i][j])
            run.observe(step, out.correct, out.exit_correct)
            correct_total[t] += sum(out.correct)
            attempts_total[t] += sum(1 for j in skill if j >= 0)
            record(t + 1, count, state)
        final_state += state
    return SimulationRef(sequence, attainment, reached, correct_total, attempts_total, final_state)
