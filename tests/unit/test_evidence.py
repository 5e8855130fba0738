"""Evidence: construction, validation (each rule names the row), conversions and round trips."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

import personalise as pl
from tests.evidence_reference import evidence_sets, utc_micros
from tests.strategies import examples

T0 = "2026-09-01T09:00:00Z"


def _ev(**changes: object) -> pl.Evidence:
    columns: dict[str, object] = {
        "learner_ids": ["ann", "ann", "bo"],
        "skill_ids": ["add", "add", "count"],
        "scores": [1.0, 0.5, 0.0],
        "timestamps": [T0, "2026-09-02T10:00:00+01:00", "2026-09-01T08:00:00-04:00"],
        "evidence_ids": ["s1", "s2", "s3"],
    }
    options = {key: changes.pop(key) for key in ("sources", "skipped") if key in changes}
    columns.update(changes)
    return pl.Evidence(**columns, **options)  # type: ignore[arg-type]


def test_columns_are_validated_copied_and_read_only() -> None:
    scores = np.array([1.0, 0.5, 0.0])
    ev = _ev(scores=scores)
    scores[0] = 0.0
    assert ev.scores[0] == 1.0
    for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids"):
        with pytest.raises(ValueError):
            getattr(ev, name)[0] = getattr(ev, name)[1]
    assert ev.timestamps.dtype == np.dtype("datetime64[us]")
    assert ev.learner_ids.dtype.kind == "U" and len(ev) == 3


def test_offsets_become_utc() -> None:
    ev = _ev()
    assert ev.timestamps[1] == np.datetime64("2026-09-02T09:00:00")
    assert ev.timestamps[2] == np.datetime64("2026-09-01T12:00:00")


def test_other_timestamp_forms() -> None:
    aware = dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    ev = _ev(timestamps=[aware, np.datetime64("2026-09-01T09:00"), "20260901T090000Z"])
    assert (ev.timestamps == np.datetime64("2026-09-01T09:00")).all()
    series = pd.Series(pd.to_datetime(["2026-09-01 10:00"] * 3)).dt.tz_localize("Europe/London")
    assert (_ev(timestamps=series).timestamps == np.datetime64("2026-09-01T09:00")).all()
    stamps = np.array(["2026-09-01T09:00"] * 3, dtype="datetime64[s]")
    assert (_ev(timestamps=stamps).timestamps == np.datetime64("2026-09-01T09:00")).all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scores": [1.0, 0.5]}, "scores has 2 rows but learner_ids has 3"),
        ({"scores": [1.0, float("nan"), 0.0]}, r"scores must lie in \[0, 1\]; got nan in row 1"),
        ({"scores": [1.0, 1.5, 0.0]}, r"got 1.5 in row 1"),
        ({"scores": [1.0, -0.1, 0.0]}, r"got -0.1 in row 1"),
        ({"scores": [1.0, "1", 0.0]}, r"got '1' in row 1"),
        ({"scores": [1.0, float("inf"), 0.0]}, r"got inf in row 1"),
        ({"evidence_ids": ["s1", "s2", "s1"]}, r"'s1' in row 2 repeats row 0"),
        ({"evidence_ids": ["s1", "", "s3"]}, "empty id in row 1"),
        ({"learner_ids": ["ann", None, "bo"]}, "None among string ids in row 1"),
        ({"learner_ids": ["ann", 7, "bo"]}, "7 among string ids in row 1"),
        ({"learner_ids": [1, "b", 2]}, "'b' among integer ids in row 1"),
        ({"skill_ids": [1.5, 2.5, 3.5]}, "strings or integers"),
        ({"learner_ids": "ann"}, "sequence of ids"),
        ({"timestamps": [T0, "2026-09-02T10:00:00", T0]}, r"'2026-09-02T10:00:00' in row 1 of timestamps has no UTC"),
        ({"timestamps": [T0, "next tuesday", T0]}, "unparseable timestamp 'next tuesday' in row 1"),
        ({"timestamps": [T0, dt.datetime(2026, 9, 1), T0]}, "row 1 of timestamps has no UTC offset"),
        ({"timestamps": [T0, 17, T0]}, "got 17 in row 1"),
        ({"timestamps": np.array(["2026-09-01", "NaT", "2026-09-01"], dtype="datetime64[D]")}, "NaT.*row 1"),
        ({"timestamps": [T0, "2026-02-30T09:00Z", T0]}, "unparseable timestamp '2026-02-30T09:00Z' in row 1"),
        ({"timestamps": [T0, "nowZ", T0]}, "unparseable timestamp 'nowZ' in row 1"),
        ({"timestamps": [T0, "2026-09-01Z", T0]}, "unparseable timestamp '2026-09-01Z' in row 1"),
        ({"timestamps": [T0, "2026-09-01T09:00:00+01:00Z", T0]}, "unparseable timestamp '2026-09-01T09:00:00"),
        ({"sources": ["a", "b"]}, "sources has 2 rows"),
        ({"skipped": [("x",)]}, "skipped must hold"),
    ],
)
def test_bad_columns_raise_evidence_errors_naming_the_row(changes: dict, message: str) -> None:
    with pytest.raises(pl.EvidenceError, match=message):
        _ev(**changes)


def test_integer_ids_and_empty_evidence() -> None:
    ev = pl.Evidence([7, 7], [1, 2], [True, False], [T0, T0], [10, 11])
    assert ev.learner_ids.dtype == np.int64 and ev.scores.tolist() == [1.0, 0.0]
    empty = pl.Evidence([], [], [], [], [])
    assert len(empty) == 0 and repr(empty) == "Evidence(0 rows)"
    assert pl.Evidence.from_jsonl(empty.to_jsonl()) == empty  # type: ignore[arg-type]


def test_order_is_by_time_then_evidence_id() -> None:
    ev = pl.Evidence(["a"] * 4, ["x"] * 4, [1, 0, 1, 0], [T0, T0, "2026-09-01T08:59:59.999999Z", T0],
                     ["b", "a", "z", "c"])
    assert ev.order().tolist() == [2, 1, 0, 3]
    assert ev.sorted().evidence_ids.tolist() == ["z", "a", "b", "c"]


def test_select_by_learner_skill_and_time_window() -> None:
    ev = _ev()
    assert ev.select(learner_ids=["bo"]).evidence_ids.tolist() == ["s3"]
    assert ev.select(skill_ids=["add"]).evidence_ids.tolist() == ["s1", "s2"]
    assert ev.select(since="2026-09-01T12:00Z").evidence_ids.tolist() == ["s2", "s3"]
    assert ev.select(until="2026-09-01T12:00Z").evidence_ids.tolist() == ["s1"]
    assert len(ev.select(learner_ids=[5])) == 0  # integer ids never match string ids
    with pytest.raises(pl.InvalidParameterError, match="not one string"):
        ev.select(learner_ids="ann")
    with pytest.raises(pl.EvidenceError, match="no UTC offset"):
        ev.select(since="2026-09-01T12:00")


def test_concat_joins_rows_and_skipped_and_refuses_duplicates() -> None:
    a = _ev(skipped=[("x9", "no result")])
    b = pl.Evidence(["cy"], ["add"], [1], [T0], ["s4"], sources="quiz.json")
    both = pl.Evidence.concat([a, b])
    assert both.evidence_ids.tolist() == ["s1", "s2", "s3", "s4"]
    assert both.skipped == (("x9", "no result"),)
    assert both.sources is not None and both.sources.tolist() == ["unknown"] * 3 + ["quiz.json"]
    with pytest.raises(pl.EvidenceError, match="'s1' in row 3 repeats row 0"):
        pl.Evidence.concat([a, a.select(learner_ids=["ann"])])
    with pytest.raises(pl.EvidenceError, match="strings in one part and integers"):
        pl.Evidence.concat([a, pl.Evidence([1], ["add"], [1], [T0], ["s9"])])
    with pytest.raises(pl.InvalidParameterError, match="position 1"):
        pl.Evidence.concat([a, "b"])  # type: ignore[list-item]
    assert len(pl.Evidence.concat([])) == 0


def test_to_pybkt_orders_by_time_and_applies_the_pass_mark() -> None:
    frame = _ev().to_pybkt(pass_mark=0.5)
    assert list(frame.columns) == ["user_id", "skill_name", "correct", "order_id"]
    assert frame["user_id"].tolist() == ["ann", "bo", "ann"]
    assert frame["correct"].tolist() == [1, 0, 1]
    assert frame["order_id"].tolist() == [0, 1, 2]
    assert _ev().to_pybkt(pass_mark=0.6)["correct"].tolist() == [1, 0, 0]
    with pytest.raises(pl.InvalidParameterError, match="pass_mark"):
        _ev().to_pybkt(pass_mark=0)


def test_frame_round_trip_and_column_mapping() -> None:
    ev = _ev(sources=["a.json", "a.json", "b.csv"], skipped=[(3, "blank mark")])
    frame = ev.to_frame()
    assert str(frame["timestamp"].dtype) == "datetime64[us, UTC]"
    back = pl.Evidence.from_frame(frame)
    assert back == pl.Evidence(ev.learner_ids, ev.skill_ids, ev.scores, ev.timestamps, ev.evidence_ids,
                               sources=ev.sources)
    renamed = frame.rename(columns={"learner_id": "pupil"})
    assert pl.Evidence.from_frame(renamed, columns={"learner_id": "pupil"}).learner_ids.tolist() == ["ann", "ann", "bo"]
    with pytest.raises(pl.EvidenceError, match="no column 'pupil'"):
        pl.Evidence.from_frame(frame, columns={"learner_id": "pupil"})
    with pytest.raises(pl.InvalidParameterError, match="unknown key 'who'"):
        pl.Evidence.from_frame(frame, columns={"who": "pupil"})
    with pytest.raises(pl.InvalidParameterError, match="DataFrame"):
        pl.Evidence.from_frame({"learner_id": []})


def test_json_and_jsonl_round_trips_are_exact() -> None:
    ev = _ev(sources="export.json", skipped=[("stmt-9", "voided"), (12, "no result")])
    assert pl.Evidence.from_json(ev.to_json()) == ev
    assert pl.Evidence.from_jsonl(ev.to_jsonl()) == ev  # type: ignore[arg-type]
    assert pl.Evidence.from_jsonl(io.StringIO(ev.to_jsonl())) == ev  # type: ignore[arg-type]


def test_jsonl_file_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ev = _ev()
    path = tmp_path / "evidence.jsonl"
    assert ev.to_jsonl(path) is None
    assert pl.Evidence.from_jsonl(path) == ev
    assert pl.Evidence.from_jsonl(str(path)) == ev


def test_broken_jsonl_names_the_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = _ev().to_jsonl()
    assert text is not None
    lines = text.splitlines()
    with pytest.raises(pl.EvidenceError, match="line 3 is not JSON"):
        pl.Evidence.from_jsonl("\n".join(lines[:2] + ['{"evidence_id": "s2", '] + lines[3:]))
    with pytest.raises(pl.EvidenceError, match="promises 3 rows but 2 follow"):
        pl.Evidence.from_jsonl("\n".join(lines[:-1]))
    with pytest.raises(pl.EvidenceError, match="header"):
        pl.Evidence.from_jsonl("\n".join(lines[1:]))
    with pytest.raises(pl.EvidenceError, match=r"line 3 has no field 'score'"):
        pl.Evidence.from_jsonl("\n".join([lines[0], lines[1], lines[2].replace('"score"', '"mark"'), lines[3]]))
    with pytest.raises(pl.EvidenceError, match="no such evidence file"):
        pl.Evidence.from_jsonl(tmp_path / "missing.jsonl")
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(text.replace("ann", "Zo\u00eb").encode("latin-1"))
    with pytest.raises(pl.EvidenceError, match="not UTF-8 text: byte 0xeb on line 2"):
        pl.Evidence.from_jsonl(bad)


def test_from_json_refuses_other_documents() -> None:
    with pytest.raises(pl.InvalidParameterError, match="expected schema"):
        pl.Evidence.from_json(json.dumps({"schema": "personalise.mastery_table/1"}))
    with pytest.raises(pl.InvalidParameterError, match="missing the field 'rows'"):
        pl.Evidence.from_json(json.dumps({"schema": "personalise.evidence_set/1"}))
    with pytest.raises(pl.EvidenceError, match="must be a list"):
        pl.Evidence.from_json(json.dumps({"schema": "personalise.evidence_set/1", "rows": {}}))


def test_repr_and_html() -> None:
    ev = _ev(skipped=[("x", "no result")])
    assert repr(ev) == "Evidence(3 rows, 2 learners, 2 skills, 2026-09-01T09:00:00Z to 2026-09-02T09:00:00Z, 1 skipped)"
    page = ev._repr_html_()
    assert "<table>" in page and "s3" in page and "1 skipped" in page


def test_passed_uses_greater_or_equal() -> None:
    assert _ev().passed(0.5).tolist() == [True, True, False]


@examples(100)
@given(columns=evidence_sets())
def test_round_trips_are_exact_and_times_are_utc(columns: dict) -> None:
    ev = pl.Evidence(**columns)
    assert pl.Evidence.from_json(ev.to_json()) == ev
    assert pl.Evidence.from_jsonl(ev.to_jsonl()) == ev  # type: ignore[arg-type]
    assert pl.Evidence.from_frame(ev.to_frame()) == ev
    micros = ev.timestamps.astype(np.int64).tolist()
    assert micros == [utc_micros(text) for text in columns["timestamps"]]
    order = ev.order().tolist()
    keys = [(micros[i], columns["evidence_ids"][i]) for i in range(len(ev))]
    assert [keys[i] for i in order] == sorted(keys)
