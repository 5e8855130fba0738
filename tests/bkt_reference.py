"""Plain-Python references for Bayesian Knowledge Tracing (DOMAIN.md section 6).

Everything here works on one learner and one skill at a time, with Python
floats and plain loops; nothing is vectorised (the one exception is
:func:`simulate_responses`, a data generator, not a reference). The tests in
``tests/equivalence/``, ``tests/property/`` and ``tests/statistical/`` compare
the library with these functions. The last two sections hold what those BKT
tests share: models with given parameters (:func:`model_from_params`,
:func:`fixed_fit`) and Hypothesis strategies for parameters and response data.

Conventions (DOMAIN.md 6.1): states are ``0 = unknown`` and ``1 = known``;

* transition ``A = [[1 - T, T], [F, 1 - F]]``;
* emission ``B = [[1 - G, G], [S, 1 - S]]`` (columns: incorrect, correct);
* the update *conditions on the evidence, then transitions*.

A parameter set is a mapping with keys ``prior``, ``learn``, ``guess``,
``slip`` and ``forget`` (see :data:`PARAM_NAMES`); a sequence of
observations is a list of 0/1 ints.

Examples
--------
>>> p = {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0}
>>> L = p["prior"]
>>> for _ in range(3):
...     L = update_ref(L, p, 1)
>>> round(L, 4)
0.9858
>>> fwd = forward_ref([1, 0, 1], p)
>>> [round(x, 4) for x in fwd.p_correct]
[0.41, 0.6968, 0.4443]
>>> abs(fwd.log_likelihood - brute_force_log_likelihood([1, 0, 1], p)) < 1e-12
True
>>> abs(fwd.log_likelihood - log_forward_ref([1, 0, 1], p)) < 1e-12
True
>>> round(transition_ref(0.0, 0.1, 0.05), 3), round(transition_ref(1.0, 0.1, 0.05), 3)
(0.1, 0.95)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PARAM_NAMES",
    "Forward",
    "Smoothed",
    "accuracy_ref",
    "auc_ref",
    "backward_ref",
    "bkt_params_from_rows",
    "brute_force_log_likelihood",
    "combine_parts",
    "current_mastery_ref",
    "em_step_ref",
    "fixed_fit",
    "forward_ref",
    "log_forward_ref",
    "log_likelihood_ref",
    "log_loss_ref",
    "model_from_params",
    "param_rows",
    "params_dicts",
    "posterior_ref",
    "predict_correct_ref",
    "predict_rows_ref",
    "probabilities",
    "response_data",
    "rmse_ref",
    "rows_of",
    "sequences_ref",
    "simulate_responses",
    "smooth_ref",
    "transition_ref",
    "update_mastery_ref",
    "update_ref",
]

#: The five BKT parameters, in the order of the BKTParams fields.
PARAM_NAMES = ("prior", "learn", "guess", "slip", "forget")

Params = Mapping[str, float]


# ------------------------------------------------------------ online update
def predict_correct_ref(L: float, guess: float, slip: float) -> float:
    """P(correct) for a learner whose P(known) is ``L``: ``L (1 - S) + (1 - L) G``."""
    return L * (1.0 - slip) + (1.0 - L) * guess


def posterior_ref(L: float, guess: float, slip: float, correct: int) -> float:
    """P(known | response): Bayes' rule with the emission probabilities (DOMAIN.md 6.1).

    >>> round(posterior_ref(0.4, 0.2, 0.1, 1) - 0.4, 2), round(posterior_ref(0.4, 0.2, 0.1, 0) - 0.4, 2)
    (0.35, -0.32)
    >>> posterior_ref(0.4, 0.5, 0.5, 1)
    0.4
    """
    if correct:
        known = L * (1.0 - slip)
        return known / (known + (1.0 - L) * guess)
    known = L * slip
    return known / (known + (1.0 - L) * (1.0 - guess))


def transition_ref(post: float, learn: float, forget: float) -> float:
    """The learning/forgetting transition: ``post (1 - F) + (1 - post) T``."""
    return post * (1.0 - forget) + (1.0 - post) * learn


def update_ref(L: float, params: Params, correct: int) -> float:
    """One opportunity: condition on the response, then the learn transition, then forgetting."""
    post = posterior_ref(L, params["guess"], params["slip"], correct)
    return transition_ref(post, params["learn"], params["forget"])


def update_mastery_ref(
    params: Sequence[Params],
    mastery: Any,
    learners: Sequence[int],
    skills: Sequence[int],
    correct: Sequence[Any],
) -> list[list[float]]:
    """``update_mastery`` one event at a time, in order; ``params[j]`` holds skill column ``j``.

    ``mastery`` is any 2-D array-like; a new list of lists is returned.

    >>> p = {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0}
    >>> out = update_mastery_ref([p], [[0.3], [0.3]], [0, 0, 0], [0, 0, 0], [1, 1, 1])
    >>> [round(row[0], 4) for row in out]
    [0.9858, 0.3]
    """
    state = [[float(x) for x in row] for row in np.asarray(mastery).tolist()]
    for i, j, c in zip(list(learners), list(skills), list(correct)):
        state[int(i)][int(j)] = update_ref(state[int(i)][int(j)], params[int(j)], int(bool(c)))
    return state


# ----------------------------------------------------------- forward-backward
def _matrices(params: Params) -> tuple[list[list[float]], list[list[float]]]:
    T, F, G, S = params["learn"], params["forget"], params["guess"], params["slip"]
    A = [[1.0 - T, T], [F, 1.0 - F]]
    B = [[1.0 - G, G], [S, 1.0 - S]]
    return A, B


@dataclass(frozen=True)
class Forward:
    """Result of the scaled forward pass over one sequence.

    Attributes
    ----------
    p_correct : list of float
        P(correct at step t | responses before t): the prediction *before* the response.
    p_mastery : list of float
        P(known at step t | responses up to and including t): the posterior, before the transition.
    alpha : list of [float, float]
        The scaled forward variables (``alpha[t]`` sums to 1; ``alpha[t][1] == p_mastery[t]``).
    scale : list of float
        The scaling constants ``c_t = P(o_t | o_<t)``.
    log_likelihood : float
        ``sum(log c_t)``.
    next_mastery : float
        The predictive P(known) for the next opportunity after the sequence.
    """

    p_correct: list[float]
    p_mastery: list[float]
    alpha: list[list[float]]
    scale: list[float]
    log_likelihood: float
    next_mastery: float


def forward_ref(obs: Sequence[int], params: Params) -> Forward:
    """Scaled forward pass over one sequence of 0/1 responses (DOMAIN.md 6.2)."""
    A, B = _matrices(params)
    pred = [1.0 - params["prior"], params["prior"]]  # P(z_t | o_<t)
    p_correct: list[float] = []
    p_mastery: list[float] = []
    alpha: list[list[float]] = []
    scale: list[float] = []
    log_likelihood = 0.0
    for o in obs:
        o = int(o)
        p_correct.append(pred[0] * B[0][1] + pred[1] * B[1][1])
        joint = [pred[0] * B[0][o], pred[1] * B[1][o]]
        c = joint[0] + joint[1]
        a = [joint[0] / c, joint[1] / c]
        alpha.append(a)
        scale.append(c)
        p_mastery.append(a[1])
        log_likelihood += math.log(c)
        pred = [a[0] * A[0][0] + a[1] * A[1][0], a[0] * A[0][1] + a[1] * A[1][1]]
    return Forward(p_correct, p_mastery, alpha, scale, log_likelihood, pred[1])


def backward_ref(obs: Sequence[int], params: Params, scale: Sequence[float]) -> list[list[float]]:
    """Scaled backward variables: ``beta[T-1] = [1, 1]``, ``beta[t] = sum_k A[.,k] B[k,o_{t+1}] beta[t+1][k] / c_{t+1}``."""
    A, B = _matrices(params)
    n = len(obs)
    beta = [[1.0, 1.0] for _ in range(n)]
    for t in range(n - 2, -1, -1):
        o = int(obs[t + 1])
        for j in range(2):
            beta[t][j] = sum(A[j][k] * B[k][o] * beta[t + 1][k] for k in range(2)) / scale[t + 1]
    return beta


@dataclass(frozen=True)
class Smoothed:
    """Posterior state marginals ``gamma[t][k]`` and pair marginals ``xi[t][j][k]`` (``t < T - 1``)."""

    gamma: list[list[float]]
    xi: list[list[list[float]]]
    log_likelihood: float


def smooth_ref(obs: Sequence[int], params: Params) -> Smoothed:
    """Forward-backward smoothing of one sequence."""
    A, B = _matrices(params)
    fwd = forward_ref(obs, params)
    beta = backward_ref(obs, params, fwd.scale)
    gamma = [[fwd.alpha[t][k] * beta[t][k] for k in range(2)] for t in range(len(obs))]
    xi = []
    for t in range(len(obs) - 1):
        o = int(obs[t + 1])
        xi.append(
            [
                [fwd.alpha[t][j] * A[j][k] * B[k][o] * beta[t + 1][k] / fwd.scale[t + 1] for k in range(2)]
                for j in range(2)
            ]
        )
    return Smoothed(gamma, xi, fwd.log_likelihood)


def log_likelihood_ref(sequences: Sequence[Sequence[int]], params: Params) -> float:
    """Total log-likelihood of several independent sequences (scaled forward)."""
    return math.fsum(forward_ref(seq, params).log_likelihood for seq in sequences if len(seq))


def em_step_ref(
    sequences: Sequence[Sequence[int]],
    params: Params,
    *,
    fixed: Sequence[str] = (),
    bounds: Mapping[str, tuple[float, float]] | None = None,
    sum_margin: float | None = None,
) -> dict[str, float]:
    """One Baum-Welch iteration for one skill (DOMAIN.md 6.2 M-step formulas).

    Parameters named in ``fixed`` keep their value; the others are replaced by
    the closed-form maximiser, clipped to ``bounds`` when given. A parameter
    whose denominator is zero (no evidence about it at all, e.g. ``learn``
    when every sequence has length 1) keeps its value. With ``sum_margin``
    (``eps``), free guess and slip are then kept inside [eps, 1 - eps] with
    guess + slip <= 1 - eps, as ``fit_bkt`` documents: a free guess is capped
    first (leaving room for a slip of eps, or for the pinned slip), then a
    free slip.

    >>> p = {"prior": 0.5, "learn": 0.2, "guess": 0.2, "slip": 0.1, "forget": 0.0}
    >>> new = em_step_ref([[1, 1, 0], [0, 1, 1, 1]], p, fixed=("forget",))
    >>> new["forget"], 0.0 < new["learn"] < 1.0
    (0.0, True)
    """
    num = {"prior": 0.0, "learn": 0.0, "forget": 0.0, "guess": 0.0, "slip": 0.0}
    den = {"prior": 0.0, "learn": 0.0, "forget": 0.0, "guess": 0.0, "slip": 0.0}
    for seq in sequences:
        if not len(seq):
            continue
        sm = smooth_ref(seq, params)
        num["prior"] += sm.gamma[0][1]
        den["prior"] += 1.0
        for t, o in enumerate(seq):
            g0, g1 = sm.gamma[t]
            den["guess"] += g0
            den["slip"] += g1
            if int(o) == 1:
                num["guess"] += g0
            else:
                num["slip"] += g1
            if t < len(seq) - 1:
                den["learn"] += g0
                den["forget"] += g1
                num["learn"] += sm.xi[t][0][1]
                num["forget"] += sm.xi[t][1][0]
    new = dict(params)
    for name in PARAM_NAMES:
        if name in fixed or den[name] == 0.0:
            continue
        value = num[name] / den[name]
        if bounds is not None and name in bounds:
            lo, hi = bounds[name]
            value = min(max(value, lo), hi)
        new[name] = value
    if sum_margin is not None:
        eps = sum_margin
        if "guess" not in fixed:  # leave room for a slip of at least eps (or for the pinned slip)
            ceiling = 1.0 - eps - (new["slip"] if "slip" in fixed else eps)
            new["guess"] = min(max(new["guess"], eps), max(ceiling, eps))
        if "slip" not in fixed:
            new["slip"] = min(max(new["slip"], eps), max(1.0 - eps - new["guess"], eps))
    return new


# ------------------------------------------------------- independent checks
def _log(x: float) -> float:
    return math.log(x) if x > 0.0 else -math.inf


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return -math.inf
    return top + math.log(math.fsum(math.exp(v - top) for v in values))


def log_forward_ref(obs: Sequence[int], params: Params) -> float:
    """Log-likelihood by a forward pass entirely in log space (log-sum-exp), no scaling."""
    A, B = _matrices(params)
    logA = [[_log(A[j][k]) for k in range(2)] for j in range(2)]
    logB = [[_log(B[k][o]) for o in range(2)] for k in range(2)]
    if not len(obs):
        return 0.0
    o = int(obs[0])
    log_alpha = [_log(1.0 - params["prior"]) + logB[0][o], _log(params["prior"]) + logB[1][o]]
    for o in obs[1:]:
        o = int(o)
        log_alpha = [_logsumexp([log_alpha[j] + logA[j][k] for j in range(2)]) + logB[k][o] for k in range(2)]
    return _logsumexp(log_alpha)


def brute_force_log_likelihood(obs: Sequence[int], params: Params) -> float:
    """``log sum over all 2^T hidden paths of P(path, obs)``; only for short sequences (T <= 12 or so)."""
    if len(obs) > 16:
        raise ValueError("brute force over 2^T paths is only meant for short sequences")
    A, B = _matrices(params)
    start = [1.0 - params["prior"], params["prior"]]
    total = []
    for path in itertools.product((0, 1), repeat=len(obs)):
        p = start[path[0]] * B[path[0]][int(obs[0])] if obs else 1.0
        for t in range(1, len(obs)):
            p *= A[path[t - 1]][path[t]] * B[path[t]][int(obs[t])]
        total.append(p)
    return math.log(math.fsum(total))


# ------------------------------------------------------------- response data
def sequences_ref(
    users: Sequence[Hashable],
    skills: Sequence[Hashable],
    correct: Sequence[Any],
    order: Sequence[Any] | None = None,
) -> dict[tuple[Hashable, Hashable], list[int]]:
    """Row indices of each (user, skill) sequence, ordered by ``order`` (ties and no order: input order)."""
    rows = list(range(len(users)))
    if order is not None:
        rows.sort(key=lambda r: order[r])  # stable: ties keep input order
    out: dict[tuple[Hashable, Hashable], list[int]] = {}
    for r in rows:
        out.setdefault((users[r], skills[r]), []).append(r)
    return out


def predict_rows_ref(
    users: Sequence[Hashable],
    skills: Sequence[Hashable],
    correct: Sequence[Any],
    params_by_skill: Mapping[Hashable, Params],
    order: Sequence[Any] | None = None,
) -> tuple[list[float], list[float]]:
    """Per-row (p_correct before the response, posterior P(L) after it), in input row order."""
    p_correct = [math.nan] * len(users)
    p_mastery = [math.nan] * len(users)
    for (_, skill), rows in sequences_ref(users, skills, correct, order).items():
        fwd = forward_ref([int(bool(correct[r])) for r in rows], params_by_skill[skill])
        for k, r in enumerate(rows):
            p_correct[r] = fwd.p_correct[k]
            p_mastery[r] = fwd.p_mastery[k]
    return p_correct, p_mastery


def current_mastery_ref(
    users: Sequence[Hashable],
    skills: Sequence[Hashable],
    correct: Sequence[Any],
    params_by_skill: Mapping[Hashable, Params],
    learner: Hashable,
    skill: Hashable,
    order: Sequence[Any] | None = None,
) -> float:
    """Predictive P(L) of ``learner`` on ``skill`` for the next opportunity (the prior when unseen)."""
    rows = sequences_ref(users, skills, correct, order).get((learner, skill))
    if not rows:
        return float(params_by_skill[skill]["prior"])
    return forward_ref([int(bool(correct[r])) for r in rows], params_by_skill[skill]).next_mastery


# ------------------------------------------------------------------- metrics
def auc_ref(y: Sequence[int], p: Sequence[float]) -> float:
    """Area under the ROC curve by comparing every (positive, negative) pair; ties count 1/2."""
    pos = [pi for yi, pi in zip(y, p) if yi]
    neg = [pi for yi, pi in zip(y, p) if not yi]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


def rmse_ref(y: Sequence[int], p: Sequence[float]) -> float:
    """Root mean squared error between 0/1 outcomes and predicted probabilities."""
    return math.sqrt(math.fsum((yi - pi) ** 2 for yi, pi in zip(y, p)) / len(y))


def accuracy_ref(y: Sequence[int], p: Sequence[float]) -> float:
    """Share of rows whose thresholded prediction matches the outcome; ``p >= 0.5`` predicts a right answer."""
    return sum(int(pi >= 0.5) == yi for yi, pi in zip(y, p)) / len(y)


def log_loss_ref(y: Sequence[int], p: Sequence[float]) -> float:
    """Mean negative log-likelihood (natural log) of the outcomes."""
    return -math.fsum(math.log(pi) if yi else math.log(1.0 - pi) for yi, pi in zip(y, p)) / len(y)


# -------------------------------------------------------------- data maker
def simulate_responses(
    rng: np.random.Generator,
    n_learners: int,
    n_steps: int,
    params: Params,
    *,
    skill: Hashable = "s",
    user_offset: int = 0,
) -> dict[str, np.ndarray]:
    """Responses of ``n_learners`` learners on one skill, ``n_steps`` each, drawn from the BKT HMM.

    Vectorised over learners (this is a data generator, not a reference).
    Returns pyBKT-style columns ``user_id``, ``skill_name``, ``correct``,
    ``order_id``, learner-major.
    """
    known = rng.random(n_learners) < params["prior"]
    correct = np.empty((n_learners, n_steps), dtype=np.int64)
    for t in range(n_steps):
        p = np.where(known, 1.0 - params["slip"], params["guess"])
        correct[:, t] = rng.random(n_learners) < p
        u = rng.random(n_learners)
        known = np.where(known, u >= params["forget"], u < params["learn"])
    users = np.repeat(np.arange(user_offset, user_offset + n_learners), n_steps)
    return {
        "user_id": users,
        "skill_name": np.full(n_learners * n_steps, skill, dtype=object),
        "correct": correct.ravel(),
        "order_id": np.tile(np.arange(n_steps), n_learners),
    }


def combine_parts(parts: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate simulated parts (one per skill, same learners); ``order_id`` stays unique per learner.

    Part ``k``'s opportunity ``t`` gets ``order_id = t * len(parts) + k``, so a
    learner's skills interleave.
    """
    data = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    data["order_id"] = np.concatenate([part["order_id"] * len(parts) + k for k, part in enumerate(parts)])
    return data


# ------------------------------------------------- helpers for the BKT tests
def params_dicts(params: Any) -> dict[Hashable, dict[str, float]]:
    """A ``BKTParams`` as ``{skill: {"prior": ..., ...}}`` of Python floats (for the references above)."""
    return {
        skill: {name: float(getattr(params, name)[j]) for name in PARAM_NAMES}
        for j, skill in enumerate(params.skill_ids)
    }


def model_from_params(params: Any) -> Any:
    """A ``BKTModel`` that predicts with exactly ``params`` (no fit): ``BKTModel(params)``."""
    import personalise as pl

    return pl.BKTModel(params)


def fixed_fit(params: Any, data: Any, **options: Any) -> Any:
    """``fit_bkt`` with every parameter pinned to ``params`` (``fixed=`` all five, per-skill arrays).

    The spec lets ``fixed=`` pin any parameter, so the fit must return
    ``params`` unchanged whatever the data, and its ``log_likelihood`` is the
    likelihood of ``data`` at ``params``. Identifiability and degeneracy
    warnings are irrelevant here and silenced.
    """
    import warnings

    import personalise as pl

    fixed = {name: np.array(getattr(params, name)) for name in PARAM_NAMES}
    forgets = bool(np.any(params.forget > 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.IdentifiabilityWarning)
        warnings.simplefilter("ignore", pl.DegenerateFitWarning)
        model = pl.fit_bkt(data, skills=params.skill_ids, fixed=fixed, forgets=forgets, rng=0, n_restarts=1, **options)
    assert model.params == params, "fit_bkt with every parameter fixed must return exactly those parameters"
    return model


# ------------------------------------------------- hypothesis strategies
def _strategies() -> Any:
    from hypothesis import strategies as st

    return st


def probabilities(lo: float = 0.0, hi: float = 1.0) -> Any:
    """Floats in [lo, hi], with the end points and a few round values mixed in."""
    st = _strategies()
    specials = [v for v in (0.0, 1.0, 0.5, 0.1, 0.9, 1e-6, 1 - 1e-6) if lo <= v <= hi]
    return st.one_of(st.sampled_from(specials), st.floats(min_value=lo, max_value=hi))


def param_rows(*, forget: bool = True, lo: float = 1e-3) -> Any:
    """One skill's parameters as a dict: every value in [lo, 1 - lo] and guess + slip <= 1 - lo.

    ``lo`` keeps every response possible (no 0/0 posterior); forget is 0 half of the time.
    """
    st = _strategies()
    inner = probabilities(lo, 1.0 - lo)
    # guess in [lo, 1 - 2 lo], then slip in [lo, 1 - lo - guess] (a share u of the room left; u = 1 is the edge)
    guess_slip = st.builds(
        lambda g, u: (g, lo + u * (1.0 - 2.0 * lo - g)),
        probabilities(lo, 1.0 - 2.0 * lo),
        st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0)),
    ).filter(lambda gs: lo <= gs[1] and gs[0] + gs[1] <= 1.0 - lo + 1e-15 and gs[0] + gs[1] < 1.0)
    forget_values = st.one_of(st.just(0.0), inner) if forget else st.just(0.0)
    return st.builds(
        lambda p, t, gs, f: {"prior": p, "learn": t, "guess": gs[0], "slip": gs[1], "forget": f},
        inner,
        st.one_of(inner, st.just(0.0)),
        guess_slip,
        forget_values,
    )


def bkt_params_from_rows(skill_ids: Sequence[Hashable], rows: Sequence[Params]) -> Any:
    import personalise as pl

    return pl.BKTParams(tuple(skill_ids), **{name: [row[name] for row in rows] for name in PARAM_NAMES})


def response_data(
    skill_ids: Sequence[Hashable],
    *,
    max_learners: int = 6,
    max_length: int = 8,
    min_length: int = 0,
    with_order: bool | None = None,
) -> Any:
    """Random response data over ``skill_ids``: a dict of pyBKT columns (NumPy arrays), rows shuffled.

    Each learner's opportunities on different skills are interleaved; ``order_id``
    (when present) is a per-learner increasing sequence with gaps, and the rows
    are given in a random order, so only ``order_id`` recovers the sequences.
    Without ``order_id`` the rows stay learner-interleaved but each learner's
    rows keep their sequence order. Every drawn dataset has at least one row.
    """
    st = _strategies()

    @st.composite
    def draw_data(draw: Any) -> dict[str, np.ndarray]:
        n_learners = draw(st.integers(1, max_learners))
        order = draw(st.booleans()) if with_order is None else with_order
        id_kind = draw(st.sampled_from(["int", "str"]))
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        bias = draw(st.sampled_from([0.5, 0.8, 0.2, 1.0, 0.0]))
        users: list[Any] = []
        skills: list[Any] = []
        correct: list[int] = []
        order_id: list[int] = []
        for u in range(n_learners):
            uid: Any = int(rng.integers(0, 10**6)) * 10 + u if id_kind == "int" else f"learner-{u}-{int(rng.integers(100))}"
            lengths = rng.integers(min_length, max_length + 1, size=len(skill_ids))
            events = [j for j, n in enumerate(lengths.tolist()) for _ in range(n)]
            rng.shuffle(events)
            stamps = np.cumsum(rng.integers(1, 4, size=len(events))) + int(rng.integers(-5, 5))
            for k, j in enumerate(events):
                users.append(uid)
                skills.append(skill_ids[j])
                correct.append(int(rng.random() < bias))
                order_id.append(int(stamps[k]))
        if not users:
            users, skills, correct, order_id = ["only" if id_kind == "str" else 7], [skill_ids[0]], [1], [0]
        n = len(users)
        if order:
            perm = rng.permutation(n)
        else:
            # interleave learners but keep each learner's rows in sequence order
            keys = rng.random(n)
            by_user: dict[Any, list[int]] = {}
            for r, u in enumerate(users):
                by_user.setdefault(u, []).append(r)
            slots = sorted(range(n), key=lambda r: keys[r])
            perm_list: list[int] = []
            cursors = {u: iter(rows) for u, rows in by_user.items()}
            for r in slots:
                perm_list.append(next(cursors[users[r]]))
            perm = np.array(perm_list, dtype=np.intp)
        data = {
            "user_id": np.array([users[i] for i in perm], dtype=object if id_kind == "str" else np.int64),
            "skill_name": np.array([skills[i] for i in perm], dtype=object),
            "correct": np.array([correct[i] for i in perm], dtype=np.int64),
        }
        if order:
            data["order_id"] = np.array([order_id[i] for i in perm], dtype=np.int64)
        return data

    return draw_data()


def rows_of(data: Mapping[str, Any]) -> tuple[list[Any], list[Any], list[int], list[Any] | None]:
    """``(users, skills, correct, order)`` of a data dict as Python lists (order None without ``order_id``)."""
    order = data.get("order_id")
    return (
        list(np.asarray(data["user_id"]).tolist()),
        list(np.asarray(data["skill_name"]).tolist()),
        [int(bool(c)) for c in np.asarray(data["correct"]).tolist()],
        None if order is None else list(np.asarray(order).tolist()),
    )


class Quiet:
    """Silence identifiability/degeneracy warnings where they are not under test (random small data)."""

    def __enter__(self) -> None:
        import warnings

        import personalise as pl

        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.simplefilter("ignore", pl.IdentifiabilityWarning)
        warnings.simplefilter("ignore", pl.DegenerateFitWarning)

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)
