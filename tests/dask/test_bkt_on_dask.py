"""fit_bkt, crossvalidate and estimate_mastery on data split in partitions, here and on a dask cluster.

The reference is the single-process call on the concatenated partitions: the
fitted parameters agree to 1e-9 (the per-partition sums add up in another
order), the cross-validation scores likewise, and the mastery tables are
identical (each learner is traced by one partition).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.content import _partitions

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")

PARAMETERS = ("prior", "learn", "guess", "slip", "forget")
SKILLS = ("fractions", "add", "count", "measure", "shapes")  # first appearance is not sorted order
N_LEARNERS, N_ANSWERS = 200, 10


def _answers(seed: int = 0) -> Any:
    """200 learners x 5 skills x 10 answers from a BKT learner, one row per answer, learner by learner."""
    rng = np.random.default_rng(seed)
    n = N_LEARNERS * len(SKILLS)
    known = rng.random(n) < 0.3
    right = np.empty((N_ANSWERS, n), dtype=np.int64)
    for step in range(N_ANSWERS):
        right[step] = np.where(known, rng.random(n) > 0.1, rng.random(n) < 0.2)
        known |= rng.random(n) < 0.2
    learner = np.repeat(np.arange(N_LEARNERS), len(SKILLS) * N_ANSWERS)
    skill = np.tile(np.repeat(np.arange(len(SKILLS)), N_ANSWERS), N_LEARNERS)
    answer = np.tile(np.arange(N_ANSWERS), n)
    return pd.DataFrame(
        {
            "user_id": [f"u{i:03d}" for i in learner],
            "skill_name": np.array(SKILLS, dtype=object)[skill],
            "correct": right.T.ravel(),
            "order_id": answer * len(SKILLS) + skill,  # each learner practises the skills in turn
        }
    )


ANSWERS = _answers()


def _evidence(table: Any) -> pl.Evidence:
    when = np.datetime64("2026-09-01T09:00", "m") + table["order_id"].to_numpy().astype("timedelta64[m]")
    return pl.Evidence(table["user_id"], table["skill_name"], table["correct"].astype(float), when,
                       [f"e{i}" for i in range(len(table))])


EVIDENCE = _evidence(ANSWERS)


def _evidence_parts(n_parts: int = 3) -> list[pl.Evidence]:
    learners = sorted(set(EVIDENCE.learner_ids.tolist()))
    return [EVIDENCE.select(learner_ids=chunk.tolist()) for chunk in np.array_split(np.array(learners), n_parts)]


def _frame(table: Any, n_parts: int = 4) -> Any:
    return dd.from_pandas(table, npartitions=n_parts, sort=False)


def _learner_partitions(frame: Any, column: str = "user_id") -> list[set[Any]]:
    return [set(part[column].tolist()) for part in dask.compute(*frame.to_delayed(), scheduler="sync")]


def _max_difference(a: pl.BKTModel, b: pl.BKTModel) -> float:
    assert a.params.skill_ids == b.params.skill_ids
    return max(float(np.abs(getattr(a.params, name) - getattr(b.params, name)).max()) for name in PARAMETERS)


def _assert_same_fit(got: pl.BKTModel, expected: pl.BKTModel) -> None:
    assert _max_difference(got, expected) < 1e-9
    np.testing.assert_array_equal(got.n_observations, expected.n_observations)
    np.testing.assert_array_equal(got.n_iter, expected.n_iter)
    np.testing.assert_array_equal(got.converged, expected.converged)
    assert got.log_likelihood is not None and expected.log_likelihood is not None
    np.testing.assert_allclose(got.log_likelihood, expected.log_likelihood, rtol=1e-12, atol=1e-9)


@pytest.fixture
def here(monkeypatch: pytest.MonkeyPatch) -> None:
    """No current client: a dask DataFrame is computed by dask's default scheduler in this process."""
    monkeypatch.setattr(_partitions, "current_client", lambda: None)


# ------------------------------------------------------------------------------------ fit_bkt
def test_dask_frame_whose_learners_need_no_shuffle(dask_client: Any) -> None:
    frame = _frame(ANSWERS)
    learners = _learner_partitions(frame)
    assert len(learners) == 4 and sum(len(s) for s in learners) == len(set().union(*learners))  # disjoint
    expected = pl.fit_bkt(ANSWERS, rng=7, n_restarts=3)
    got = pl.fit_bkt(frame, rng=7, n_restarts=3, client=dask_client)
    assert got.params.skill_ids == tuple(sorted(SKILLS))
    _assert_same_fit(got, expected)


@pytest.mark.parametrize("order", ["order_id", None], ids=["order_id", "row order"])
def test_dask_frame_whose_learners_span_partitions_is_shuffled(dask_client: Any, order: str | None) -> None:
    # answers in time order, all learners interleaved: every partition holds every learner
    table = ANSWERS.sort_values(["order_id", "user_id"], kind="stable").reset_index(drop=True)
    if order is None:
        table = table.drop(columns="order_id")  # then each learner's answers are in row order
    frame = _frame(table)
    assert all(len(s) == N_LEARNERS for s in _learner_partitions(frame))
    expected = pl.fit_bkt(table, rng=3, n_restarts=2)
    _assert_same_fit(pl.fit_bkt(frame, rng=3, n_restarts=2, client=dask_client), expected)


def test_dask_frame_with_the_default_scheduler_here(here: None) -> None:
    table = ANSWERS.sort_values(["order_id", "user_id"], kind="stable").drop(columns="order_id")
    expected = pl.fit_bkt(table, rng=3, n_restarts=2)
    with dask.config.set(scheduler="threads"):
        got = pl.fit_bkt(_frame(table, 3), rng=3, n_restarts=2)
    _assert_same_fit(got, expected)


def test_renamed_columns_of_a_dask_frame(dask_client: Any) -> None:
    names = {"user_id": "pupil", "skill_name": "kc", "correct": "right", "order_id": "when"}
    table = ANSWERS.rename(columns={ours: theirs for ours, theirs in names.items()})
    expected = pl.fit_bkt(table, rng=1, n_restarts=2, columns=names)
    _assert_same_fit(pl.fit_bkt(_frame(table, 5), rng=1, n_restarts=2, columns=names, client=dask_client), expected)


@pytest.mark.parametrize("on_cluster", [False, True], ids=["here", "cluster"])
def test_a_list_of_evidence(dask_client: Any, on_cluster: bool) -> None:
    parts = _evidence_parts()
    expected = pl.fit_bkt(pl.Evidence.concat(parts), rng=5, n_restarts=3)
    got = pl.fit_bkt(parts, rng=5, n_restarts=3, client=dask_client if on_cluster else None)
    _assert_same_fit(got, expected)
    _assert_same_fit(pl.fit_bkt(tuple(parts), rng=5, n_restarts=3), expected)


def test_data_in_one_piece_with_a_client_is_one_partition(dask_client: Any) -> None:
    expected = pl.fit_bkt(ANSWERS, rng=2, n_restarts=2)
    _assert_same_fit(pl.fit_bkt(ANSWERS, rng=2, n_restarts=2, client=dask_client), expected)
    assert pl.estimate_mastery(PARAMS, EVIDENCE, client=dask_client) == pl.estimate_mastery(PARAMS, EVIDENCE)


def test_pinned_parameters_forgetting_bounds_and_given_skills(dask_client: Any) -> None:
    skills = ["shapes", "unseen", *SKILLS[:4]]  # a skill without answers gets the median
    options: dict[str, Any] = {
        "rng": 11, "n_restarts": 3, "fixed": {"guess": 0.2}, "forgets": True,
        "bounds": {"slip": (0.0, 0.2)}, "skills": skills,
    }  # fmt: skip
    parts = _evidence_parts(4)
    expected = pl.fit_bkt(pl.Evidence.concat(parts), **options)
    assert expected.n_observations is not None and expected.n_observations[1] == 0
    assert expected.params.skill_ids == tuple(skills)
    assert np.all(expected.params.guess == 0.2) and np.any(expected.params.forget > 0)
    _assert_same_fit(pl.fit_bkt(parts, client=dask_client, **options), expected)
    _assert_same_fit(pl.fit_bkt(_frame(ANSWERS), client=dask_client, **options), pl.fit_bkt(ANSWERS, **options))


def test_empty_partitions_are_skipped(dask_client: Any) -> None:
    parts = _evidence_parts(2)
    empty = EVIDENCE.select(learner_ids=["nobody"])
    expected = pl.fit_bkt(pl.Evidence.concat(parts), rng=2, n_restarts=2)
    _assert_same_fit(pl.fit_bkt([empty, parts[0], empty, parts[1]], rng=2, n_restarts=2), expected)
    # a dask DataFrame with empty partitions (rows of learners u000-u049 and u150-u199 only)
    kept = ANSWERS[~ANSWERS["user_id"].between("u050", "u149")]
    frame = _frame(ANSWERS)
    frame = frame[~frame["user_id"].between("u050", "u149")]
    assert [len(p) for p in dask.compute(*frame.to_delayed(), scheduler="sync")].count(0) == 2
    _assert_same_fit(pl.fit_bkt(frame, rng=2, n_restarts=2, client=dask_client), pl.fit_bkt(kept, rng=2, n_restarts=2))


def test_rows_travel_once_and_each_iteration_sends_only_parameters(dask_client: Any) -> None:
    """Each partition is read and laid out by one task; the E-step tasks of every iteration use that layout."""
    key_split = pytest.importorskip("dask.utils").key_split
    frame = _frame(ANSWERS, 4)  # learners need no shuffle (a shuffle reads the rows once more)
    with distributed.get_task_stream(dask_client) as stream:
        model = pl.fit_bkt(frame, rng=7, n_restarts=2, client=dask_client)
    names = [key_split(task["key"]) for task in stream.data]
    # (key_split drops the leading underscore of our function names)
    assert names.count("read") == names.count("prepare_part") == names.count("counts_of") == 4
    assert names.count("frompandas") <= 4  # the rows themselves: one task per partition, run once
    e_steps = names.count("e_step_of")
    assert model.n_iter is not None
    assert e_steps % 4 == 0 and e_steps // 4 >= int(model.n_iter.max()) + 1  # one per partition per iteration
    # the layouts stay where they were made: the scheduler may copy one to the other worker to balance the
    # load (once: then both hold it), but never sends it again iteration after iteration
    transfers = [
        (task["worker"], part["source"]) for task in stream.data if key_split(task["key"]) == "e_step_of"
        for part in task["startstops"] if part["action"] == "transfer"
    ]  # fmt: skip
    n_workers = len(dask_client.scheduler_info()["workers"])
    assert len(transfers) <= 4 * (n_workers - 1) < e_steps


# ----------------------------------------------------------------------------- estimate_mastery
PARAMS = pl.BKTParams(list(SKILLS), prior=[0.2, 0.3, 0.4, 0.25, 0.35], learn=0.15, guess=0.2, slip=0.1, forget=0.01)


@pytest.mark.parametrize("on_cluster", [False, True], ids=["here", "cluster"])
def test_estimate_mastery_of_a_list_of_evidence(dask_client: Any, on_cluster: bool) -> None:
    parts = _evidence_parts()
    client = dask_client if on_cluster else None
    whole = pl.Evidence.concat(parts)
    expected = pl.estimate_mastery(PARAMS, whole)
    got = pl.estimate_mastery(PARAMS, parts, client=client)
    assert got.learner_ids == expected.learner_ids and np.array_equal(got.values, expected.values)
    roster = ["new", "u150", "u007", "u099"]
    prior = pl.MasteryTable(["u099", "ghost"], list(SKILLS[:3]), [[0.9, 0.8, 0.7], [0.1, 0.2, 0.3]])
    expected = pl.estimate_mastery(PARAMS, whole, learner_ids=roster, prior=prior)
    got = pl.estimate_mastery(PARAMS, parts, learner_ids=roster, prior=prior, client=client)
    assert got == expected
    expected = pl.estimate_mastery(PARAMS, whole, prior=prior)  # the prior's learners first
    assert pl.estimate_mastery(PARAMS, parts, prior=prior, client=client) == expected


def test_estimate_mastery_of_a_dask_frame(dask_client: Any, here: None) -> None:
    table = EVIDENCE.to_frame().sample(frac=1.0, random_state=0)  # shuffled rows: learners span partitions
    expected = pl.estimate_mastery(PARAMS, pl.Evidence.from_frame(table))
    frame = _frame(table, 3)
    assert all(len(s) > N_LEARNERS / 2 for s in _learner_partitions(frame, "learner_id"))
    assert pl.estimate_mastery(PARAMS, frame, client=dask_client) == expected
    assert pl.estimate_mastery(PARAMS, frame) == expected  # here, by dask's default scheduler


def test_estimate_mastery_names_the_partition_of_an_unknown_skill() -> None:
    parts = _evidence_parts()
    params = pl.BKTParams(list(SKILLS[:4]), prior=0.3, learn=0.1, guess=0.2, slip=0.1, forget=0.0)
    with pytest.raises(pl.UnknownSkillError, match=r"partition 0: evidence names skill 'shapes' in row 40"):
        pl.estimate_mastery(params, parts)


# -------------------------------------------------------------------------------- crossvalidate
def test_crossvalidate_a_dask_frame_on_the_cluster(dask_client: Any) -> None:
    table = ANSWERS.sort_values(["order_id", "user_id"], kind="stable")  # learners span partitions
    expected = pl.crossvalidate(table, folds=3, rng=4, n_restarts=2)
    got = pl.crossvalidate(_frame(table), folds=3, rng=4, n_restarts=2, client=dask_client)
    assert set(got) == set(expected)
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=0, atol=1e-9)


@pytest.mark.parametrize("on_cluster", [False, True], ids=["here", "cluster"])
def test_crossvalidate_a_list_of_evidence(dask_client: Any, on_cluster: bool) -> None:
    parts = _evidence_parts(4)
    options: dict[str, Any] = {"folds": 4, "rng": 9, "n_restarts": 2, "metrics": ("auc", "rmse"), "forgets": True,
                               "max_iter": 30}
    expected = pl.crossvalidate(pl.Evidence.concat(parts), **options)
    got = pl.crossvalidate(parts, client=dask_client if on_cluster else None, **options)
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=0, atol=1e-9)


# ---------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call",
    [
        lambda data, **kw: pl.fit_bkt(data, **kw),
        lambda data, **kw: pl.crossvalidate(data, folds=2, **kw),
        lambda data, **kw: pl.estimate_mastery(PARAMS, data, **kw),
    ],
    ids=["fit_bkt", "crossvalidate", "estimate_mastery"],
)
def test_bad_partitioned_input(call: Any) -> None:
    parts = _evidence_parts(2)
    with pytest.raises(pl.InvalidParameterError, match=r"client must be a dask\.distributed\.Client; got str"):
        call(parts, client="abc")
    with pytest.raises(pl.InvalidParameterError, match=r"got DataFrame at position 1"):
        call([parts[0], ANSWERS], client=None)
    overlapping = [parts[0], parts[1], EVIDENCE.select(learner_ids=["u150"])]
    with pytest.raises(pl.EvidenceError, match=r"learner 'u150' has rows in partitions 1 and 2"):
        call(overlapping, client=None)


def test_errors_inside_a_partition_name_it(dask_client: Any) -> None:
    table = ANSWERS.copy()
    table.loc[len(table) - 1, "correct"] = 2
    with pytest.raises(pl.EvidenceError, match=r"partition 3: column 'correct' must hold 0 or 1; got 2 in row 2499"):
        pl.fit_bkt(_frame(table), client=dask_client)
    with pytest.raises(pl.EvidenceError, match=r"partition 0: row 0 names skill 'fractions', which is not one of skills"):
        pl.fit_bkt(_evidence_parts(2), skills=SKILLS[1:])
    with pytest.raises(pl.EvidenceError, match=r"response data has no column 'skill'"):
        pl.fit_bkt(_frame(ANSWERS), columns={"skill_name": "skill"}, client=dask_client)
    with pytest.raises(pl.InvalidParameterError, match=r"columns= applies to tables, not to Evidence"):
        pl.fit_bkt(_evidence_parts(2), columns={"user_id": "pupil"})
    with pytest.raises(pl.EvidenceError, match=r"no rows to fit"):
        pl.fit_bkt([EVIDENCE.select(learner_ids=["nobody"])])


def test_importing_personalise_does_not_import_dask() -> None:
    import subprocess
    import sys

    code = "import sys, personalise; print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
