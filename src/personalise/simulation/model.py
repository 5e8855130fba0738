"""The simulated learner: latent states, learning, responses and forgetting.

Each learner holds, for every skill, one of three latent states (the
reference toy mechanisms for simulated-student studies, generalised from a
chain to any prerequisite graph):

* ``0`` not learned;
* ``1`` can do it *with support* (a scaffold is needed to succeed);
* ``2`` can do it *independently*.

Every mechanism is a named parameter of :class:`LearnerModel` and can be
switched off, so that any finding of a simulation can be traced to the
mechanism that produced it (an *ablation*).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import number_in
from personalise.exceptions import InvalidParameterError

__all__ = ["INDEPENDENT", "NOT_LEARNED", "SUPPORTED", "LearnerModel"]

NOT_LEARNED = 0
SUPPORTED = 1
INDEPENDENT = 2

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]
State = NDArray[np.int8]


def _boolean(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{attribute.name} must be True or False; got {value!r}", value=value)


def _field(default: float, low: float, high: float, *, open_low: bool = False, open_high: bool = False) -> Any:
    return attrs.field(default=default, validator=number_in(low, high, open_low=open_low, open_high=open_high))


@attrs.frozen(kw_only=True)
class LearnerModel:
    """How simulated learners learn, answer and forget (every mechanism switchable).

    The defaults are reference toy mechanisms for simulated-student
    studies, calibrated on a 10-skill chain. They are a model
    for comparing teaching policies under stated assumptions, not a claim
    about real classrooms.

    Parameters
    ----------
    learn_rate : float, default 0.15
        Mean per-opportunity learning probability ``T``, in (0, 1).
    ability_effect : float, default 0.8
        Heterogeneity: learner ``i`` has ability ``a_i ~ N(0, 1)`` and
        learning rate ``T_i = sigmoid(logit(T) + ability_effect * a_i)``.
        ``0`` switches heterogeneous rates off.
    prior_share, prior_spread, prior_noise, prior_max_share : float
        Prior knowledge, correlated with ability: learner ``i`` starts having
        mastered (independently) the first
        ``clip(round(n * (prior_share + prior_spread * a_i + prior_noise * e_i)), 0, n * prior_max_share)``
        skills of the curriculum's topological order (``n`` skills,
        ``e_i ~ N(0, 1)``); a prefix of a topological order is always a
        feasible knowledge state. Defaults 0.2, 0.1, 0.07 and 0.5 give the
        toy's ``clip(round(2 + a_i + N(0, 0.7)), 0, 5)`` on 10 skills.
    slip, guess : float, default 0.1, 0.2
        Response noise: a learner who can do the task fails with probability
        ``slip``; one who cannot succeeds with probability ``guess``.
    unsupported_acquisition : float, default 0.5
        Without support, a not-learned skill becomes independent with
        probability ``unsupported_acquisition * T_i``.
    support_boost : float, default 2.0
        With support ``s`` in (0, 1], a not-learned skill becomes doable with
        support with probability ``min(1, T_i * (1 + support_boost * s))``:
        support raises success and acquisition now.
    dependency : bool, default True
        The scaffold mechanism's cost: a skill doable with support becomes
        independent with probability ``T_i * (1 - s)`` under support ``s``
        (heavy support blocks the transfer of responsibility). ``False``
        switches it off: consolidation is ``T_i`` whatever the support.
    prerequisite_damping : float, default 1.0
        Learning on a skill is multiplied by ``(1 - prerequisite_damping) ** m``
        where ``m`` is the number of its direct prerequisites the learner
        cannot yet do independently. ``1`` gates learning by readiness
        (Knowledge Space Theory); ``0`` switches prerequisites off.
    forget : float, default 0.0
        Per-step probability that an independent skill that was not
        practised falls back to "can do with support". ``0`` (the default,
        as in the reference toy) switches forgetting off; it is the one
        mechanism that costs a pass over every learner and skill per step.

    Raises
    ------
    InvalidParameterError
        If a parameter is not a number in its range (the message names it).

    Notes
    -----
    One simulation step is one learning opportunity per learner: the
    learner answers a practice task on the skill and with the support the
    policy assigns (state before learning, with slip and guess), may learn
    from it, and then answers an unaided exit question on the same skill
    (the evidence policies may use to move learners on). Exit questions are
    assessment only: they never change the latent state.

    Sources: the standard set-up of simulated-student studies (for
    example Fancsali et al. 2013), Wood, Bruner and Ross (1976) for contingent
    support, Koedinger and Aleven (2007) for the assistance dilemma that the
    ``dependency`` mechanism encodes.

    Examples
    --------
    >>> import personalise as pl
    >>> pl.LearnerModel().learn_rate
    0.15
    >>> pl.LearnerModel(dependency=False).dependency
    False
    >>> pl.LearnerModel(slip=1.5)
    Traceback (most recent call last):
    ...
    personalise.exceptions.InvalidParameterError: slip must lie in [0, 1]; got 1.5
    """

    learn_rate: float = _field(0.15, 0.0, 1.0, open_low=True, open_high=True)
    ability_effect: float = _field(0.8, 0.0, 10.0)
    prior_share: float = _field(0.2, 0.0, 1.0)
    prior_spread: float = _field(0.1, 0.0, 1.0)
    prior_noise: float = _field(0.07, 0.0, 1.0)
    prior_max_share: float = _field(0.5, 0.0, 1.0)
    slip: float = _field(0.1, 0.0, 1.0)
    guess: float = _field(0.2, 0.0, 1.0)
    unsupported_acquisition: float = _field(0.5, 0.0, 1.0)
    support_boost: float = _field(2.0, 0.0, 100.0)
    dependency: bool = attrs.field(default=True, validator=_boolean)
    prerequisite_damping: float = _field(1.0, 0.0, 1.0)
    forget: float = _field(0.0, 0.0, 1.0)

    def __attrs_post_init__(self) -> None:
        for field in attrs.fields(type(self)):  # numbers are stored as floats, once validated
            if field.name != "dependency":
                object.__setattr__(self, field.name, float(getattr(self, field.name)))
        if self.guess + self.slip >= 1.0:
            raise InvalidParameterError(
                f"guess + slip must be below 1 (or answers carry no evidence); got {self.guess!r} + {self.slip!r}",
                value=(self.guess, self.slip),
            )

    def to_dict(self) -> dict[str, Any]:
        """The model as a JSON-ready dict (see :meth:`from_dict`).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.LearnerModel.from_dict(pl.LearnerModel(forget=0.01).to_dict()).forget
        0.01
        """
        return attrs.asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> LearnerModel:
        """Rebuild a model from :meth:`to_dict` output; unknown keys are rejected."""
        if not isinstance(data, Mapping):
            raise InvalidParameterError(f"data (a learner model) must be a dict; got {data!r:.80}", value=data)
        known = {field.name for field in attrs.fields(cls)}
        for key in data:
            if not isinstance(key, str) or key not in known:
                raise InvalidParameterError(f"data (a learner model): unknown learner model parameter {key!r:.80}",
                                            value=key)
        return cls(**data)


# ----------------------------------------------------------------- kernels
def initial_learners(model: LearnerModel, normals: Float, n_skills: int) -> tuple[Float, Int]:
    """Learning rates and the number of initially mastered skills.

    ``normals`` has shape (2, n): ability ``a`` and prior noise ``e``.
    """
    ability, noise = normals
    logit = math.log(model.learn_rate / (1.0 - model.learn_rate))
    rate = 1.0 / (1.0 + np.exp(-(logit + model.ability_effect * ability)))
    share = model.prior_share + model.prior_spread * ability + model.prior_noise * noise
    top = math.floor(n_skills * model.prior_max_share + 1e-9)
    known = np.clip(np.rint(n_skills * share), 0, top).astype(np.intp)
    return rate, known


def practise(
    model: LearnerModel,
    state: State,
    rate: Float,
    skill: Int,
    support: Float,
    quality: Float,
    uniforms: Float,
    pred_indptr: Int,
    pred_indices: Int,
) -> tuple[Bool, Bool, Bool]:
    """One opportunity per learner; updates ``state`` in place.

    ``skill`` is -1 for learners with no task this step. ``uniforms`` has
    shape (3, n): the practice answer, the learning draw and the exit
    question. Returns (practice correct, exit question correct, became
    independent), all False for idle learners.
    """
    n = skill.shape[0]
    correct = np.zeros(n, dtype=np.bool_)
    probe = np.zeros(n, dtype=np.bool_)
    gained = np.zeros(n, dtype=np.bool_)
    rows = np.flatnonzero(skill >= 0)
    if rows.size == 0:
        return correct, probe, gained
    cols = skill[rows]
    before = state[rows, cols]
    held = support[rows]
    helped = held > 0.0
    able = (before == INDEPENDENT) | ((before == SUPPORTED) & helped)
    correct[rows] = uniforms[0, rows] < np.where(able, 1.0 - model.slip, model.guess)

    speed = rate[rows] * quality[rows]
    if model.prerequisite_damping > 0.0:
        starts, stops = pred_indptr[cols], pred_indptr[cols + 1]
        counts = stops - starts
        if counts.any():
            owner = np.repeat(np.arange(rows.size), counts)
            offsets = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
            missing_each = state[rows[owner], pred_indices[starts[owner] + offsets]] != INDEPENDENT
            missing = np.bincount(owner, weights=missing_each, minlength=rows.size)
            speed = speed * (1.0 - model.prerequisite_damping) ** missing
    consolidation = speed * (1.0 - held) if model.dependency else speed
    p_learn = np.where(
        before == NOT_LEARNED,
        np.where(helped, np.minimum(1.0, speed * (1.0 + model.support_boost * held)), model.unsupported_acquisition * speed),
        np.where(before == SUPPORTED, consolidation, 0.0),
    )
    learns = uniforms[1, rows] < p_learn
    after = np.where(learns, np.where((before == NOT_LEARNED) & helped, SUPPORTED, INDEPENDENT), before).astype(np.int8)
    state[rows, cols] = after
    gained[rows] = (after == INDEPENDENT) & (before != INDEPENDENT)
    probe[rows] = uniforms[2, rows] < np.where(after == INDEPENDENT, 1.0 - model.slip, model.guess)
    return correct, probe, gained


def forget(model: LearnerModel, state: State, skill: Int, uniforms: Float) -> Bool:
    """Independent skills not practised this step fall back with probability ``forget``.

    ``uniforms`` has the shape of ``state``. Updates ``state`` in place and
    returns the (n_learners, n_skills) mask of skills forgotten.
    """
    lost: Bool = (state == INDEPENDENT) & (uniforms < model.forget)
    rows = np.flatnonzero(skill >= 0)
    lost[rows, skill[rows]] = False
    state[lost] = SUPPORTED
    return lost
