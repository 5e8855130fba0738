"""``estimate_mastery`` == its plain-Python definition, and == ``update_mastery`` event by event.

* against :func:`tests.evidence_reference.estimate_mastery_ref` (Python
  ``sorted`` by time and evidence id, the scalar update of
  ``tests/bkt_reference.py``) to 1e-12, with ties in time, mixed UTC offsets,
  fractional scores, rosters and prior tables;
* against ``update_mastery`` called once per observation in time order;
* folding evidence in two batches (``prior=`` the first result) equals one
  batch, whatever the split point in time;
* row order of the evidence does not matter;
* ``fit_bkt``, ``BKTModel.predict`` and ``crossvalidate`` on an Evidence equal
  the same calls on its ``to_pybkt()`` frame.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.bkt_reference import bkt_params_from_rows, combine_parts, param_rows, simulate_responses
from tests.evidence_reference import estimate_mastery_ref, evidence_sets, rows_of, table_dict
from tests.strategies import examples

SKILLS = ("add", "count", "sub")


def _params(rows: list[dict[str, float]]) -> pl.BKTParams:
    return bkt_params_from_rows(SKILLS, rows)


def _close(table: pl.MasteryTable, expected: dict[object, dict[object, float]]) -> None:
    got = table_dict(table)
    assert list(got) == list(expected)
    for learner, skills in expected.items():
        for skill, value in skills.items():
            assert got[learner][skill] == pytest.approx(value, abs=1e-12), (learner, skill)


params_strategy = st.lists(param_rows(), min_size=3, max_size=3)
pass_marks = st.sampled_from([0.5, 0.25, 1.0, 0.7])


@examples(120)
@given(columns=evidence_sets(), rows=params_strategy, pass_mark=pass_marks)
def test_estimate_mastery_equals_the_definition(columns: dict, rows: list, pass_mark: float) -> None:
    params = _params(rows)
    evidence = pl.Evidence(**columns)
    table = pl.estimate_mastery(params, evidence, pass_mark=pass_mark)
    reference = estimate_mastery_ref(dict(zip(SKILLS, rows)), rows_of(columns), pass_mark=pass_mark)
    assert table.skill_ids == SKILLS
    _close(table, reference)


@examples(60)
@given(columns=evidence_sets(), rows=params_strategy, roster=st.lists(st.sampled_from(["ann", "bo", "zed"]),
       unique=True, max_size=3), prior_values=st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_rosters_and_prior_tables_follow_the_definition(
    columns: dict, rows: list, roster: list, prior_values: list
) -> None:
    params = _params(rows)
    evidence = pl.Evidence(**columns)
    prior = pl.MasteryTable(["bo", "cy"], ["count", "add"], np.reshape(prior_values, (2, 2)))
    prior_ref = {lr: {s: float(prior.values[i, j]) for j, s in enumerate(prior.skill_ids)}
                 for i, lr in enumerate(prior.learner_ids)}
    table = pl.estimate_mastery(params, evidence, learner_ids=roster, prior=prior)
    reference = estimate_mastery_ref(dict(zip(SKILLS, rows)), rows_of(columns), learner_ids=roster, prior=prior_ref)
    _close(table, reference)
    default_rows = pl.estimate_mastery(params, evidence, prior=prior)
    assert default_rows.learner_ids[:2] == ("bo", "cy")
    _close(default_rows, estimate_mastery_ref(dict(zip(SKILLS, rows)), rows_of(columns), prior=prior_ref))


@examples(60)
@given(columns=evidence_sets(max_rows=16), rows=params_strategy)
def test_estimate_mastery_equals_update_mastery_one_event_at_a_time(columns: dict, rows: list) -> None:
    params = _params(rows)
    evidence = pl.Evidence(**columns)
    table = pl.estimate_mastery(params, evidence)
    learners = list(table.learner_ids)
    mastery = np.tile(params.prior, (len(learners), 1))
    for r in evidence.order().tolist():
        i = learners.index(evidence.learner_ids[r].item())
        j = SKILLS.index(evidence.skill_ids[r].item())
        mastery = pl.update_mastery(params, mastery, [i], [j], [int(evidence.scores[r] >= 0.5)])
    np.testing.assert_allclose(table.values, mastery, rtol=0, atol=1e-12)


@examples(80)
@given(columns=evidence_sets(), rows=params_strategy, cut=st.integers(0, 6))
def test_folding_later_evidence_into_an_earlier_result_equals_one_batch(columns: dict, rows: list, cut: int) -> None:
    params = _params(rows)
    evidence = pl.Evidence(**columns)
    moment = np.datetime64("2026-09-01T09:00") + np.timedelta64(7 * cut, "m")
    first = pl.estimate_mastery(params, evidence.select(until=moment))
    both = pl.update_mastery(params, first, evidence.select(since=moment))
    whole = pl.estimate_mastery(params, evidence)
    assert set(both.learner_ids) == set(whole.learner_ids)
    np.testing.assert_allclose(both.select(whole.learner_ids).values, whole.values, rtol=0, atol=1e-12)


@examples(40)
@given(columns=evidence_sets(), rows=params_strategy, data=st.data())
def test_row_order_of_the_evidence_does_not_matter(columns: dict, rows: list, data: st.DataObject) -> None:
    params = _params(rows)
    n = len(columns["scores"])
    permutation = data.draw(st.permutations(range(n)))
    shuffled = {name: [values[i] for i in permutation] for name, values in columns.items()}
    a = pl.estimate_mastery(params, pl.Evidence(**columns))
    b = pl.estimate_mastery(params, pl.Evidence(**shuffled))
    np.testing.assert_array_equal(a.select(b.learner_ids).values, b.values)


def _evidence(n_learners: int = 60, length: int = 8, seed: int = 3) -> pl.Evidence:
    """BKT-generated answers on two skills, as marks (right: 0.6 or 1.0, wrong: 0 or 0.4), shuffled in time."""
    rng = np.random.default_rng(seed)
    truth = {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1, "forget": 0.0}
    data = combine_parts([simulate_responses(rng, n_learners, length, truth, skill=s) for s in ("add", "count")])
    n = data["correct"].size
    right = data["correct"].astype(bool)
    scores = np.where(right, rng.choice([0.6, 1.0], size=n), rng.choice([0.0, 0.4], size=n))
    # time follows each learner's order_id (a random start per learner); rows stay in generator order
    start = rng.integers(0, 10_000, size=n_learners)[data["user_id"]]
    times = np.datetime64("2026-09-01T09:00") + (start + 10 * data["order_id"]).astype("timedelta64[m]")
    return pl.Evidence([f"p{u:02d}" for u in data["user_id"]], data["skill_name"].astype(str), scores, times,
                       [f"r{i}" for i in range(n)])


def test_fit_bkt_on_evidence_equals_the_fit_on_its_pybkt_frame() -> None:
    evidence = _evidence()
    a = pl.fit_bkt(evidence, rng=4, n_restarts=2)
    b = pl.fit_bkt(evidence.to_pybkt(), rng=4, n_restarts=2)
    for name in ("prior", "learn", "guess", "slip", "forget"):  # equal up to the order of float sums
        np.testing.assert_allclose(getattr(a.params, name), getattr(b.params, name), rtol=0, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.DegenerateFitWarning)
        strict = pl.fit_bkt(evidence, rng=4, n_restarts=2, pass_mark=0.8)
    assert strict.params != a.params  # the pass mark changes which answers count as right


def test_predict_and_evaluate_on_evidence_follow_its_rows() -> None:
    evidence = _evidence(n_learners=5)
    model = pl.BKTModel(pl.BKTParams(["add", "count"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0))
    p_correct, p_mastery = model.predict(evidence)
    frame = evidence.to_pybkt()
    order = evidence.order()
    q_correct, q_mastery = model.predict(frame)
    np.testing.assert_array_equal(p_correct[order], q_correct)
    np.testing.assert_array_equal(p_mastery[order], q_mastery)
    assert model.evaluate(evidence) == pytest.approx(model.evaluate(frame), rel=1e-12)
    ids, mastery = model.current_mastery(evidence)
    table = pl.estimate_mastery(model.params, evidence)
    np.testing.assert_allclose(table.select(ids).values, mastery, rtol=0, atol=1e-12)


def test_crossvalidate_on_evidence_equals_crossvalidate_on_the_same_rows_as_columns() -> None:
    evidence = _evidence()
    rank = np.empty(len(evidence), dtype=int)
    rank[evidence.order()] = np.arange(len(evidence))
    columns = {"user_id": evidence.learner_ids, "skill_name": evidence.skill_ids,
               "correct": (evidence.scores >= 0.5).astype(int), "order_id": rank}
    a = pl.crossvalidate(evidence, folds=3, rng=2, n_restarts=1, metrics=("rmse", "auc"))
    b = pl.crossvalidate(columns, folds=3, rng=2, n_restarts=1, metrics=("rmse", "auc"))
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=0, atol=1e-12)


def test_golden_values_from_the_domain_brief() -> None:
    """DOMAIN check 1: three right answers from (0.3, 0.15, 0.2, 0.1) give 0.9858."""
    params = pl.BKTParams(["add"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    evidence = pl.Evidence(["ann"] * 3, ["add"] * 3, [1.0, 0.9, 0.5],
                           ["2026-09-03T10:00+01:00", "2026-09-03T09:00Z", "2026-09-03T08:30Z"], ["c", "b", "a"])
    assert pl.estimate_mastery(params, evidence).value("ann", "add") == pytest.approx(0.9858, abs=1e-4)
    assert pl.estimate_mastery(params, evidence, pass_mark=0.95).value("ann", "add") < 0.9
