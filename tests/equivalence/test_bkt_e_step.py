"""The fit's E-step kernel and its layout == plain-Python references (tests/bkt_reference.py).

* ``distinct_sequences`` keeps every (learner, skill) sequence: each
  distinct answer sequence of a skill once, with the number of learners who
  gave it (sequences over 62 answers one per learner);
* ``shrink`` of a time-major layout equals the layout of the kept sequences,
  answer for answer, without new sorting;
* ``_kernels.bkt.e_step`` equals the reference forward-backward smoother
  (``smooth_ref``) statistic by statistic and sequence by sequence, with
  read-only inputs, whatever the chunk size and the log folding;
* one EM iteration of ``fit_bkt`` on many repeated and some long sequences
  equals the reference Baum-Welch step.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from personalise._kernels import bkt as BK
from personalise.content._responses import (
    TimeMajor,
    distinct_sequences,
    read_responses,
    shrink,
    time_major,
)
from tests.bkt_reference import (
    combine_parts,
    forward_ref,
    param_rows,
    response_data,
    simulate_responses,
    smooth_ref,
)
from tests.equivalence.test_bkt_equivalence import check_one_em_step, skill_sequences
from tests.strategies import examples, read_only

#: The kernel carries P(L) alone, so it knows 1 - P(L) to about 1e-16 absolute (FORWARD_ATOL in
#: test_bkt_equivalence): where the reference's scaled forward variables reach min(alpha) = d, answers that
#: move P(L) back amplify that rounding by about 1 / d (seen: 6e-10 in ``first`` with d = 1e-9, after three
#: right answers at guess = slip = 0.001; the kernel this one replaced gave the same value). The tolerance
#: is STAT_TOL plus ILL_CONDITIONED / d, so well-conditioned cases are held to 1e-12.
STAT_TOL = 1e-12
ILL_CONDITIONED = 1e-15


def unpack(layout: TimeMajor) -> list[list[int]]:
    """The answers of every layout position, read step by step (plain loops)."""
    n = int(layout.seq_ptr[-1])
    out: list[list[int]] = [[] for _ in range(n)]
    for s0, _, _, steps in layout.chunks():
        for a, m in steps:
            for i in range(m):
                out[s0 + i].append(int(layout.correct[a + i]))
    return out


def layout_of(sequences: list[list[int]], chunk_rows: int) -> tuple[TimeMajor, np.ndarray]:
    lengths = np.array([len(s) for s in sequences], dtype=np.intp)
    starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.intp)
    answers = np.array([a for s in sequences for a in s], dtype=bool)
    order, seq_ptr, row_ptr, step_ptr, n_active, offsets, source = time_major(lengths, starts, chunk_rows)
    return TimeMajor(seq_ptr, row_ptr, step_ptr, n_active, offsets, answers[source]), order


answer_lists = st.lists(st.lists(st.integers(0, 1), min_size=1, max_size=12), min_size=1, max_size=25)


# ------------------------------------------------------------ distinct sequences
@examples(60)
@given(data=response_data(["a", "b", "c"], max_learners=12, max_length=6))
def test_distinct_sequences_keep_every_sequence(data: dict[str, np.ndarray]) -> None:
    responses = read_responses(data)
    distinct = distinct_sequences(responses)
    got: Counter[tuple[Any, tuple[int, ...]]] = Counter()
    seen = set()
    for i in range(distinct.n_sequences):
        skill = responses.skill_ids[distinct.skill[i]]
        answers = tuple(int(a) for a in distinct.answers[distinct.ptr[i] : distinct.ptr[i + 1]])
        assert len(answers) == distinct.length[i]
        assert (skill, answers) not in seen, "a sequence of a skill is kept twice"
        seen.add((skill, answers))
        got[(skill, answers)] += int(distinct.count[i])
    expected = Counter((skill, tuple(seq)) for skill, seqs in skill_sequences(data).items() for seq in seqs)
    assert got == expected
    assert list(distinct.skill) == sorted(distinct.skill), "canonical order is by skill first"
    assert sorted(distinct.all_lengths.tolist()) == sorted(len(seq) for _, seq in expected.elements())


@pytest.mark.parametrize(("length", "kept"), [(62, 1), (63, 2)])
def test_sequences_over_62_answers_stay_one_per_learner(length: int, kept: int) -> None:
    answers = (np.arange(length) % 3 == 0).astype(int)
    data = {"user_id": np.repeat([1, 2], length), "skill_name": ["s"] * (2 * length), "correct": np.tile(answers, 2)}
    distinct = distinct_sequences(read_responses(data))
    assert distinct.n_sequences == kept
    assert distinct.count.sum() == 2


# ----------------------------------------------------------------- shrink
@examples(60)
@given(sequences=answer_lists, chunk_rows=st.integers(1, 40), seed=st.integers(0, 2**32 - 1))
def test_shrink_equals_the_layout_of_the_kept_sequences(sequences: list[list[int]], chunk_rows: int, seed: int) -> None:
    layout, _ = layout_of(sequences, chunk_rows)
    rng = np.random.default_rng(seed)
    keep = rng.random(len(sequences)) < 0.6
    for _ in range(2):  # shrinking twice (empty chunks included) still holds
        before = unpack(layout)
        layout, row_keep = shrink(layout, read_only(keep.copy()))
        assert unpack(layout) == [before[i] for i in np.flatnonzero(keep)]
        assert row_keep.sum() == layout.n_rows
        for s0, n, _, steps in layout.chunks():
            widths = [m for _, m in steps]
            assert widths == sorted(widths, reverse=True) and all(m > 0 for m in widths)
            assert not n or widths[0] == n
        keep = rng.random(int(layout.seq_ptr[-1])) < 0.7


# ------------------------------------------------------------------ e_step
def expected_stats(obs: list[int], p: dict[str, float]) -> tuple[dict[str, float], float]:
    """The statistics of one sequence, and the tolerance its conditioning allows."""
    sm = smooth_ref(obs, p)
    smallest = min(min(a) for a in forward_ref(obs, p).alpha)
    tolerance = STAT_TOL + (ILL_CONDITIONED / smallest if smallest > 0 else np.inf)
    return {
        "log_lik": sm.log_likelihood,
        "first": sm.gamma[0][1],
        "last": sm.gamma[-1][1],
        "known": sum(g[1] for g in sm.gamma),
        "known_right": sum(g[1] for g, o in zip(sm.gamma, obs) if o == 1),
        "learned": sum(x[0][1] for x in sm.xi),
        "forgot": sum(x[1][0] for x in sm.xi),
    }, tolerance


@examples(80)
@given(
    sequences=answer_lists,
    rows=st.lists(param_rows(forget=True), min_size=1, max_size=4),
    chunk_rows=st.sampled_from([1, 3, 16, 1000]),
    fold=st.sampled_from([1, 2, 3, 64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_e_step_matches_the_reference_smoother(
    sequences: list[list[int]], rows: list[dict[str, float]], chunk_rows: int, fold: int, seed: int
) -> None:
    layout, order = layout_of(sequences, chunk_rows)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(rows), len(sequences))  # the parameters of each sequence
    params = {name: read_only(np.array([rows[which[i]][name] for i in order])) for name in rows[0]}
    right = read_only(layout.correct.astype(np.float64))
    for array in (layout.seq_ptr, layout.row_ptr, layout.step_ptr, layout.n_active, layout.offsets, layout.correct):
        read_only(array)
    got = BK.e_step(layout, right, params, fold=fold)
    for position, i in enumerate(order.tolist()):
        expected, tolerance = expected_stats(sequences[i], rows[which[i]])
        for name, value in expected.items():
            assert got[name][position] == pytest.approx(value, rel=STAT_TOL, abs=tolerance), (name, sequences[i])


# ------------------------------------------------------- fit with repeats
@examples(8)
@given(forgets=st.booleans(), k=st.integers(1, 4))
def test_one_em_iteration_with_repeated_and_long_sequences(forgets: bool, k: int) -> None:
    """Hundreds of learners share a few short sequences; a few long ones (over 62 answers) repeat too."""
    rng = np.random.default_rng(5)
    truth = {"prior": 0.3, "learn": 0.2, "guess": 0.2, "slip": 0.1, "forget": 0.0}
    short = simulate_responses(rng, 400, 4, truth, skill="a")
    long = simulate_responses(rng, 3, 90, {**truth, "prior": 0.1, "learn": 0.05}, skill="b")
    twin = {name: column[long["user_id"] == long["user_id"][0]].copy() for name, column in long.items()}
    twin["user_id"][:] = -1  # a learner with exactly the first learner's long sequence
    data = combine_parts([short, long, twin])
    distinct = distinct_sequences(read_responses(data))
    assert distinct.n_sequences <= 16 + 4 and distinct.count.max() > 10
    check_one_em_step((data, forgets, {}, None, k, 11))
