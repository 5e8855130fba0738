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
    "class_quantile_ref",
    "forget_ref",
    "initial_learners_ref",
    "practise_ref",
    "ranks_within_ref",
    "tasks_ref",
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
