"""BKT properties and the DOMAIN.md section 10 acceptance checks 1, 2 and 4 (and the EM part of 3).

Check 1: golden update values, direction of evidence, degenerate sets rejected, stationary P(L).
Check 2: long sequences stay finite; scaled == log-space == brute force.
Check 3 (EM part): the log-likelihood never decreases across iterations.
Check 4: length-1 sequences cannot tell parameter sets apart; short data warns.
Plus fit_bkt options: fixed, forgets, bounds, reproducibility and the global RNG.
The slow recovery checks (check 3) live in tests/statistical/.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.bkt_reference import (
    PARAM_NAMES,
    Quiet,
    brute_force_log_likelihood,
    combine_parts,
    em_step_ref,
    fixed_fit,
    forward_ref,
    log_forward_ref,
    log_likelihood_ref,
    param_rows,
    posterior_ref,
    probabilities,
    simulate_responses,
    transition_ref,
    update_ref,
)
from tests.strategies import examples, read_only

TRUTH = {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0}




def one_skill(params: dict[str, float], skill: str = "s") -> pl.BKTParams:
    return pl.BKTParams([skill], **{name: params[name] for name in PARAM_NAMES})


def simulated(n_learners: int, n_steps: int, seed: int, truths: list[dict[str, float]] | None = None) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    truths = truths or [TRUTH]
    return combine_parts(
        [simulate_responses(rng, n_learners, n_steps, truth, skill=f"k{j}") for j, truth in enumerate(truths)]
    )


def single_sequence(obs: list[int], skill: str = "s") -> dict[str, Any]:
    return {"user_id": [0] * len(obs), "skill_name": [skill] * len(obs), "correct": list(obs)}


# ============================================================ check 1: updates
GOLDEN = [
    # (L0, T, G, S), corrects needed to reach 0.95, P(L) reached (DOMAIN.md Appendix A)
    ((0.3, 0.15, 0.2, 0.1), 3, 0.9858),
    ((0.1, 0.1, 0.2, 0.1), 4, 0.9886),
    ((0.5, 0.4, 0.2, 0.2), 2, 0.9802),
    ((0.2, 0.1, 0.25, 0.1), 4, 0.9866),
]


@pytest.mark.parametrize(("values", "n_correct", "reached"), GOLDEN, ids=[str(g[0]) for g in GOLDEN])
def test_golden_consecutive_corrects(values: tuple[float, ...], n_correct: int, reached: float) -> None:
    L0, T, G, S = values
    p = {"prior": L0, "learn": T, "guess": G, "slip": S, "forget": 0.0}
    # reference: below 0.95 after n - 1 corrects, at the golden value after n
    L = L0
    trajectory = []
    for _ in range(n_correct):
        L = update_ref(L, p, 1)
        trajectory.append(L)
    assert trajectory[-1] == pytest.approx(reached, abs=1e-4)
    assert trajectory[-1] >= 0.95
    assert all(x < 0.95 for x in trajectory[:-1])
    # library: one batch of n events for learner 1 (learner 0 untouched), and one event per call
    params = one_skill(p)
    start = read_only(np.full((2, 1), L0))
    batch = pl.update_mastery(params, start, [1] * n_correct, [0] * n_correct, [1] * n_correct)
    assert batch[1, 0] == pytest.approx(reached, abs=1e-4)
    assert batch[0, 0] == L0
    mastery = start
    for step in range(n_correct):
        mastery = pl.update_mastery(params, mastery, [1], [0], [True])
        assert mastery[1, 0] == pytest.approx(trajectory[step], abs=1e-15)
    # the model's current mastery after the same answers
    _, current = pl.BKTModel(params).current_mastery(single_sequence([1] * n_correct))
    assert current[0, 0] == pytest.approx(reached, abs=1e-4)


def test_three_corrects_golden_value_exactly_once_more() -> None:
    """DOMAIN.md check 1, first bullet, stated on its own: 0.9858 +- 1e-4 after three corrects."""
    params = pl.BKTParams(["s"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    after = pl.update_mastery(params, np.full((1, 1), 0.3), [0, 0, 0], [0, 0, 0], [1, 1, 1])
    assert abs(after[0, 0] - 0.9858) <= 1e-4


@examples(200)
@given(
    L=probabilities(1e-3, 1 - 1e-3),
    gs=st.tuples(probabilities(0.0, 0.999), probabilities(0.0, 0.999)).filter(lambda gs: gs[0] + gs[1] <= 0.999),
)
def test_direction_of_evidence(L: float, gs: tuple[float, float]) -> None:
    """G + S < 1 and 0 < L < 1: P(L | correct) > L > P(L | incorrect), in the reference and the library."""
    G, S = gs
    assert posterior_ref(L, G, S, 1) > L > posterior_ref(L, G, S, 0)
    # with learn = forget = 0 the update is the bare posterior
    params = pl.BKTParams(["s"], prior=L, learn=0.0, guess=G, slip=S, forget=0.0)
    mastery = read_only(np.full((2, 1), L))
    after = pl.update_mastery(params, mastery, [0, 1], [0, 0], [1, 0])
    assert after[0, 0] > L > after[1, 0]
    assert after[0, 0] == pytest.approx(posterior_ref(L, G, S, 1), abs=1e-12)
    assert after[1, 0] == pytest.approx(posterior_ref(L, G, S, 0), abs=1e-12)


def test_direction_table_and_reversal() -> None:
    """DOMAIN.md Appendix A, direction of evidence at L = 0.4 (reference; the library rejects G + S >= 1)."""
    assert posterior_ref(0.4, 0.2, 0.1, 1) - 0.4 == pytest.approx(0.35, abs=5e-3)
    assert posterior_ref(0.4, 0.2, 0.1, 0) - 0.4 == pytest.approx(-0.32, abs=5e-3)
    assert posterior_ref(0.4, 0.5, 0.5, 1) == pytest.approx(0.4, abs=1e-15)
    assert posterior_ref(0.4, 0.5, 0.5, 0) == pytest.approx(0.4, abs=1e-15)
    assert posterior_ref(0.4, 0.6, 0.5, 1) - 0.4 == pytest.approx(-0.043, abs=1e-3)
    assert posterior_ref(0.4, 0.6, 0.5, 0) - 0.4 == pytest.approx(0.055, abs=1e-3)


@pytest.mark.parametrize(("guess", "slip"), [(0.5, 0.5), (0.6, 0.5), (0.3, 0.7)])
def test_degenerate_parameters_raise(guess: float, slip: float) -> None:
    with pytest.raises(pl.InvalidParameterError, match="degenerate.*'s'|'s'.*degenerate"):
        pl.BKTParams(["s"], prior=0.3, learn=0.1, guess=guess, slip=slip, forget=0.0)


@examples(100)
@given(L=probabilities())
def test_stationary_mastery_without_evidence(L: float) -> None:
    """No evidence, (T, F) = (0.1, 0.05): P(L) -> T / (T + F) = 2/3 within 1e-9 after 500 steps."""
    for _ in range(500):
        L = transition_ref(L, 0.1, 0.05)
    assert abs(L - 2 / 3) <= 1e-9


def test_update_mastery_uses_the_reference_transition() -> None:
    """At P(L) = 0 or 1 an answer carries no information, so one update is the bare transition."""
    params = pl.BKTParams(["s"], prior=0.3, learn=0.1, guess=0.2, slip=0.1, forget=0.05)
    mastery = read_only(np.array([[0.0], [0.0], [1.0], [1.0]]))
    after = pl.update_mastery(params, mastery, [0, 1, 2, 3], [0, 0, 0, 0], [1, 0, 1, 0])
    np.testing.assert_allclose(
        after[:, 0],
        [transition_ref(0.0, 0.1, 0.05)] * 2 + [transition_ref(1.0, 0.1, 0.05)] * 2,
        rtol=0,
        atol=1e-15,
    )
    np.testing.assert_allclose(after[:, 0], [0.1, 0.1, 0.95, 0.95], rtol=0, atol=1e-15)
    # and in general the library's update is transition(posterior)
    L = np.linspace(0.0, 1.0, 11)
    after = pl.update_mastery(params, L[:, None], np.arange(11), np.zeros(11, dtype=int), np.ones(11, dtype=int))
    expected = [transition_ref(posterior_ref(x, 0.2, 0.1, 1), 0.1, 0.05) for x in L.tolist()]
    np.testing.assert_allclose(after[:, 0], expected, rtol=0, atol=1e-12)


def test_update_mastery_tends_to_stationary_point_when_answers_carry_little_information() -> None:
    """Guess and slip close to 1/2 (barely informative answers), T = 0.1, F = 0.05: P(L) ends near 2/3."""
    params = pl.BKTParams(["s"], prior=0.0, learn=0.1, guess=0.4999995, slip=0.4999995, forget=0.05)
    rng = np.random.default_rng(0)
    mastery = np.zeros((1, 1))
    n = 500
    mastery = pl.update_mastery(params, mastery, np.zeros(n, dtype=int), np.zeros(n, dtype=int), rng.random(n) < 0.5)
    assert mastery[0, 0] == pytest.approx(2 / 3, abs=1e-4)


@examples(100)
@given(row=param_rows(forget=False), L=probabilities(), correct=st.booleans())
def test_without_forgetting_next_mastery_is_at_least_learn(row: dict[str, float], L: float, correct: bool) -> None:
    params = one_skill(row)
    after = pl.update_mastery(params, np.array([[L]]), [0], [0], [correct])
    assert after[0, 0] >= row["learn"] - 1e-15
    assert 0.0 <= after[0, 0] <= 1.0


# ========================================================== check 2: numerics
LONG_PARAMS = {"prior": 0.3, "learn": 0.1, "guess": 0.2, "slip": 0.1, "forget": 0.05}


@pytest.fixture(scope="module")
def long_sequence() -> list[int]:
    data = simulate_responses(np.random.default_rng(42), 1, 10_000, LONG_PARAMS)
    return [int(c) for c in data["correct"].tolist()]


def test_long_sequence_log_likelihood_is_finite_and_methods_agree(long_sequence: list[int]) -> None:
    fwd = forward_ref(long_sequence, LONG_PARAMS)
    assert math.isfinite(fwd.log_likelihood)
    assert fwd.log_likelihood < -1000  # far below what a plain product can represent
    log_space = log_forward_ref(long_sequence, LONG_PARAMS)
    assert math.isfinite(log_space)
    assert log_space == pytest.approx(fwd.log_likelihood, rel=1e-8)
    # the naive unscaled product underflows to exactly 0.0 (why scaling is needed)
    product = 1.0
    for c in fwd.scale:
        product *= c
    assert product == 0.0


def test_long_sequence_library_log_likelihood(long_sequence: list[int]) -> None:
    params = one_skill(LONG_PARAMS)
    model = fixed_fit(params, single_sequence(long_sequence))
    reference = forward_ref(long_sequence, LONG_PARAMS).log_likelihood
    assert np.isfinite(model.log_likelihood).all()
    assert model.log_likelihood[0] == pytest.approx(reference, rel=1e-8)
    assert model.log_likelihood[0] == pytest.approx(log_forward_ref(long_sequence, LONG_PARAMS), rel=1e-8)
    p_correct, p_mastery = pl.BKTModel(params).predict(single_sequence(long_sequence))
    assert np.isfinite(p_correct).all() and np.isfinite(p_mastery).all()
    assert ((p_mastery >= 0) & (p_mastery <= 1)).all()


def test_long_sequence_fit_is_finite(long_sequence: list[int]) -> None:
    data = single_sequence(long_sequence)
    model = pl.fit_bkt(data, rng=0, forgets=True, n_restarts=2, max_iter=20)
    assert np.isfinite(model.log_likelihood).all()
    for name in PARAM_NAMES:
        assert np.isfinite(getattr(model.params, name)).all()


@examples(40)
@given(row=param_rows(), obs=st.lists(st.integers(0, 1), min_size=1, max_size=12))
def test_short_sequences_equal_brute_force(row: dict[str, float], obs: list[int]) -> None:
    """Scaled forward, log-space forward and the library all equal enumeration of the 2^T paths (1e-10)."""
    brute = brute_force_log_likelihood(obs, row)
    assert forward_ref(obs, row).log_likelihood == pytest.approx(brute, abs=1e-10)
    assert log_forward_ref(obs, row) == pytest.approx(brute, abs=1e-10)
    model = fixed_fit(one_skill(row), single_sequence(obs))
    assert model.log_likelihood[0] == pytest.approx(brute, abs=1e-10)
    # and the per-step predictions multiply to the same likelihood
    p_correct, _ = pl.BKTModel(one_skill(row)).predict(single_sequence(obs))
    from_predictions = sum(math.log(p if o else 1.0 - p) for p, o in zip(p_correct.tolist(), obs))
    assert from_predictions == pytest.approx(brute, abs=1e-9)


def test_brute_force_reference_worked_example() -> None:
    # one step: log P(correct) = log(L0 (1 - S) + (1 - L0) G)
    assert brute_force_log_likelihood([1], TRUTH) == pytest.approx(math.log(0.41), abs=1e-15)
    # two steps by hand: paths (u,u), (u,k), (k,k) (F = 0 forbids k -> u)
    p = 0.7 * 0.2 * 0.85 * 0.8 + 0.7 * 0.2 * 0.15 * 0.1 + 0.3 * 0.9 * 1.0 * 0.1
    assert brute_force_log_likelihood([1, 0], TRUTH) == pytest.approx(math.log(p), abs=1e-15)


# ================================================ check 3 (EM): monotone EM
@pytest.mark.parametrize(
    "options",
    [{}, {"forgets": True}, {"bounds": {"guess": (0.0, 0.3), "slip": (0.0, 0.1)}}, {"fixed": {"guess": 0.25}}],
    ids=["standard", "forgets", "bounds", "fixed-guess"],
)
def test_log_likelihood_never_decreases_across_iterations(options: dict[str, Any]) -> None:
    """LL(max_iter = i) with the same rng is non-decreasing in i (tolerance 1e-9), per skill and in total.

    ``fit_bkt`` exposes no per-iteration trace, so the i-th iterate is
    obtained as the fit stopped after i iterations (tol = 0 so no skill stops
    early on its own; the same rng gives the same initial values).
    """
    truths = [TRUTH, {"prior": 0.5, "learn": 0.3, "guess": 0.25, "slip": 0.05, "forget": 0.02}]
    data = simulated(120, 8, seed=7, truths=truths)
    previous = None
    for i in range(1, 16):
        model = pl.fit_bkt(data, rng=123, n_restarts=3, tol=0.0, max_iter=i, **options)
        current = np.asarray(model.log_likelihood, dtype=float)
        if previous is not None:
            assert (current >= previous - 1e-9).all(), (i, current, previous)
            assert current.sum() >= previous.sum() - 1e-9
        previous = current


@examples(40)
@given(
    row=param_rows(),
    seed=st.integers(0, 2**32 - 1),
    fixed=st.lists(st.sampled_from(PARAM_NAMES), max_size=3, unique=True),
)
def test_reference_em_step_never_decreases_the_likelihood(row: dict[str, float], seed: int, fixed: list[str]) -> None:
    """The reference Baum-Welch step itself is monotone (a check on the reference used by the equivalence tests)."""
    rng = np.random.default_rng(seed)
    truth = {"prior": 0.4, "learn": 0.2, "guess": 0.2, "slip": 0.1, "forget": 0.05}
    data = simulate_responses(rng, 12, 6, truth)
    sequences = [data["correct"][i * 6 : (i + 1) * 6].tolist() for i in range(12)]
    params = dict(row)
    ll = log_likelihood_ref(sequences, params)
    for _ in range(4):
        params = em_step_ref(sequences, params, fixed=fixed)
        new_ll = log_likelihood_ref(sequences, params)
        assert new_ll >= ll - 1e-9
        for name in fixed:
            assert params[name] == row[name]
        ll = new_ll


# ================================================= check 4: identifiability
@examples(60)
@given(obs=st.lists(st.integers(0, 1), min_size=1, max_size=200), learn_a=probabilities(), learn_b=probabilities())
def test_length_one_sequences_cannot_tell_parameter_sets_apart(obs: list[int], learn_a: float, learn_b: float) -> None:
    """(L0, G, S) = (0.3, 0.2, 0.1) and (0.2, 0.275, 0.05) both give P(correct) = 0.41 at the first answer."""
    a = {"prior": 0.3, "learn": learn_a, "guess": 0.2, "slip": 0.1, "forget": 0.0}
    b = {"prior": 0.2, "learn": learn_b, "guess": 0.275, "slip": 0.05, "forget": 0.0}
    sequences = [[o] for o in obs]  # every learner answers once
    ll_a = log_likelihood_ref(sequences, a)
    ll_b = log_likelihood_ref(sequences, b)
    assert ll_a == pytest.approx(ll_b, abs=1e-9)
    data = {"user_id": list(range(len(obs))), "skill_name": ["s"] * len(obs), "correct": obs}
    lib_a = fixed_fit(one_skill(a), data).log_likelihood[0]
    lib_b = fixed_fit(one_skill(b), data).log_likelihood[0]
    assert lib_a == pytest.approx(lib_b, abs=1e-9)
    assert lib_a == pytest.approx(ll_a, abs=1e-9)


@pytest.mark.parametrize("lengths", [[1], [2], [1, 2, 5], [2, 2, 3, 9]], ids=["all-1", "all-2", "median-2", "median-2.5"])
def test_short_sequences_warn(lengths: list[int]) -> None:
    rng = np.random.default_rng(1)
    users, correct = [], []
    for u in range(300):
        n = lengths[u % len(lengths)]
        users += [u] * n
        correct += (rng.random(n) < 0.6).astype(int).tolist()
    data = {"user_id": users, "skill_name": ["s"] * len(users), "correct": correct}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.DegenerateFitWarning)  # not under test here
        with pytest.warns(pl.IdentifiabilityWarning, match="3"):
            pl.fit_bkt(data, rng=0, n_restarts=2)


def test_identifiability_warning_class() -> None:
    from personalise.content import bkt

    # the spec names them personalise.content.bkt.*; they are also public at the top level
    assert bkt.IdentifiabilityWarning is pl.IdentifiabilityWarning
    assert bkt.DegenerateFitWarning is pl.DegenerateFitWarning
    assert issubclass(pl.IdentifiabilityWarning, UserWarning)
    assert issubclass(pl.DegenerateFitWarning, UserWarning)


def test_healthy_data_does_not_warn() -> None:
    """Median length 3 (not < 3) and plausible parameters: no warning at all (filterwarnings=error)."""
    data = simulated(600, 3, seed=2)
    pl.fit_bkt(data, rng=0, n_restarts=2)
    pl.fit_bkt(simulated(200, 10, seed=3), rng=0, n_restarts=2)


def test_degenerate_fit_warns() -> None:
    """Data generated with guess 0.7 (still G + S < 1): the recovered guess exceeds 0.5, which warns."""
    truth = {"prior": 0.2, "learn": 0.1, "guess": 0.7, "slip": 0.05, "forget": 0.0}
    data = simulated(800, 10, seed=9, truths=[truth])
    with pytest.warns(pl.DegenerateFitWarning, match="k0"):
        model = pl.fit_bkt(data, rng=0)
    assert model.params.guess[0] > 0.5
    # with the customary bounds the same data fits without the warning, inside the bounds
    bounded = pl.fit_bkt(data, rng=0, bounds={"guess": (0.0, 0.3), "slip": (0.0, 0.1)})
    assert bounded.params.guess[0] <= 0.3
    assert bounded.params.slip[0] <= 0.1


# ====================================================== fit options and rng
def test_forget_is_exactly_zero_unless_fitted() -> None:
    data = simulated(150, 8, seed=4)
    model = pl.fit_bkt(data, rng=0, n_restarts=2)
    assert model.params.forget.tolist() == [0.0]
    with_forget = pl.fit_bkt(data, rng=0, n_restarts=2, forgets=True)
    assert 0.0 < with_forget.params.forget[0] < 1.0  # free: never exactly 0 (absorbing) or 1
    pinned = pl.fit_bkt(data, rng=0, n_restarts=2, forgets=True, fixed={"forget": 0})
    assert pinned.params.forget.tolist() == [0.0]


def test_fixed_parameters_are_respected() -> None:
    truths = [TRUTH, {"prior": 0.5, "learn": 0.3, "guess": 0.25, "slip": 0.05, "forget": 0.0}]
    data = simulated(120, 8, seed=5, truths=truths)
    model = pl.fit_bkt(data, rng=0, n_restarts=2, fixed={"guess": 0.25})
    assert model.params.guess.tolist() == [0.25, 0.25]
    per_skill = pl.fit_bkt(data, rng=0, n_restarts=2, fixed={"slip": [0.08, 0.04], "prior": 0.4})
    assert per_skill.params.skill_ids == ("k0", "k1")
    assert per_skill.params.slip.tolist() == [0.08, 0.04]
    assert per_skill.params.prior.tolist() == [0.4, 0.4]
    free = [getattr(per_skill.params, name) for name in ("learn", "guess")]
    assert all(((v > 0) & (v < 1)).all() for v in free)


def test_bounds_are_respected() -> None:
    data = simulated(150, 8, seed=6, truths=[{"prior": 0.3, "learn": 0.15, "guess": 0.35, "slip": 0.15, "forget": 0.0}])
    model = pl.fit_bkt(data, rng=0, n_restarts=3, bounds={"guess": (0.0, 0.3), "slip": (0.0, 0.1), "learn": (0.2, 0.5)})
    assert 0.0 <= model.params.guess[0] <= 0.3
    assert 0.0 <= model.params.slip[0] <= 0.1
    assert 0.2 <= model.params.learn[0] <= 0.5


def test_free_parameters_stay_inside_the_open_interval() -> None:
    """All-correct and all-incorrect data push estimates to 0 or 1; free values must stay strictly inside."""
    for value in (0, 1):
        data = {"user_id": np.repeat(np.arange(50), 5), "skill_name": ["s"] * 250, "correct": [value] * 250}
        with Quiet():
            model = pl.fit_bkt(data, rng=0, forgets=True)
        for name in PARAM_NAMES:
            array = getattr(model.params, name)
            assert np.isfinite(array).all(), name
            assert ((array > 0.0) & (array < 1.0)).all(), (value, name, array)
        assert np.isfinite(model.log_likelihood).all()


def test_default_skill_order_is_sorted() -> None:
    """Spec: ``skills`` defaults to the sorted skills of the data."""
    data = combine_parts(
        [simulate_responses(np.random.default_rng(0), 40, 5, TRUTH, skill=s) for s in ("zeta", "alpha", "mu")]
    )
    model = pl.fit_bkt(data, rng=0, n_restarts=1)
    assert model.params.skill_ids == ("alpha", "mu", "zeta")


def test_skills_option_sets_the_order_and_flags_skills_without_data() -> None:
    data = simulated(60, 6, seed=8, truths=[TRUTH, TRUTH])  # skills k0, k1
    graph = pl.compile_graph([("k1", "k0"), ("k1", "extra")])
    model = pl.fit_bkt(data, skills=graph, rng=0, n_restarts=2)
    assert model.params.skill_ids == graph.skill_ids == ("k1", "extra", "k0")
    assert model.n_observations.tolist() == [360, 0, 360]
    assert model.log_likelihood.shape == model.n_iter.shape == model.converged.shape == (3,)
    assert not model.converged[1]
    for name in PARAM_NAMES:
        array = getattr(model.params, name)
        assert np.isfinite(array).all() and ((array >= 0) & (array <= 1)).all()
    listed = pl.fit_bkt(data, skills=["k0", "extra", "k1"], rng=0, n_restarts=2)
    assert listed.params.skill_ids == ("k0", "extra", "k1")


def test_model_attributes() -> None:
    data = simulated(80, 6, seed=10, truths=[TRUTH, TRUTH])
    model = pl.fit_bkt(data, rng=0, n_restarts=2, max_iter=50)
    assert isinstance(model, pl.BKTModel)
    assert isinstance(model.params, pl.BKTParams)
    assert model.log_likelihood.dtype == np.float64
    assert model.converged.dtype == np.bool_
    assert np.issubdtype(model.n_iter.dtype, np.integer)
    assert np.issubdtype(model.n_observations.dtype, np.integer)
    assert ((model.n_iter >= 1) & (model.n_iter <= 50)).all()
    assert (model.log_likelihood < 0).all()
    assert model.n_observations.tolist() == [480, 480]
    one_iteration = pl.fit_bkt(data, rng=0, n_restarts=2, max_iter=1, tol=0.0)
    assert one_iteration.n_iter.tolist() == [1, 1]
    assert not one_iteration.converged.any()


@pytest.mark.parametrize("kind", ["int", "generator"])
def test_same_rng_gives_identical_fits(kind: str) -> None:
    data = simulated(100, 8, seed=11, truths=[TRUTH, TRUTH])

    def rng() -> Any:
        return 2024 if kind == "int" else np.random.default_rng(2024)

    first = pl.fit_bkt(data, rng=rng(), forgets=True)
    second = pl.fit_bkt(data, rng=rng(), forgets=True)
    assert first.params == second.params
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(getattr(first.params, name), getattr(second.params, name))
    np.testing.assert_array_equal(first.log_likelihood, second.log_likelihood)
    np.testing.assert_array_equal(first.n_iter, second.n_iter)


def test_global_numpy_rng_is_untouched() -> None:
    data = simulated(60, 6, seed=12)
    np.random.seed(12345)
    state = np.random.get_state()
    pl.fit_bkt(data, rng=None, n_restarts=2)
    pl.fit_bkt(data, rng=1, n_restarts=2)
    pl.crossvalidate(data, folds=3, rng=None, n_restarts=1)
    model = pl.BKTModel(one_skill(TRUTH, "k0"))
    model.predict(data)
    model.evaluate(data)
    pl.update_mastery(model.params, np.full((2, 1), 0.3), [0, 1], [0, 0], [1, 0])
    after = np.random.get_state()
    assert state[0] == after[0]
    np.testing.assert_array_equal(state[1], after[1])
    assert state[2:] == after[2:]


def test_dataframe_and_mapping_give_the_same_fit() -> None:
    pd = pytest.importorskip("pandas")
    data = simulated(60, 6, seed=13)
    from_mapping = pl.fit_bkt(data, rng=0, n_restarts=2)
    from_frame = pl.fit_bkt(pd.DataFrame(data), rng=0, n_restarts=2)
    assert from_mapping.params == from_frame.params
