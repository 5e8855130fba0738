"""read_xapi: xAPI statements (an LRS export) as Evidence, by the rules of xAPI 1.0.3.

The fixtures under ``tests/fixtures/xapi/`` were written for these tests from
the specification: ``year5_fractions.json`` is a StatementResult page of a
Year 5 fractions quiz (with a voided statement, a resent copy, a group, a
comment, a plan...), ``year5_fractions.jsonl`` the same statements one a line,
and ``broken/`` holds one file per rule, each breaking it in its second
statement.
"""

from __future__ import annotations

import copy
import io
import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from personalise.evidence import Evidence
from personalise.exceptions import EvidenceError, InvalidParameterError
from personalise.io.xapi import DERIVED_ID_NAMESPACE, VOIDED
from personalise.io.xapi import read_xapi as _read_xapi

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xapi"
EXPORT = FIXTURES / "year5_fractions.json"
LINES = FIXTURES / "year5_fractions.jsonl"
BROKEN = FIXTURES / "broken"

LMS = "https://lms.oakfield-primary.example"
MATHS = "https://maths.oakfield-primary.example/y5/fractions"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
AMARA, BEN, CHEN = "p1042", "p1043", "p1044"
DARA = "mailto:dara.kelly@Oakfield-Primary.example"  # as the export writes it


def same_activity(activity: str) -> str:
    """``skill_of`` for tests about something else: the activity id is the skill id."""
    return activity


def read_xapi(source: Any, **options: Any) -> Evidence:
    """``read_xapi`` with ``skill_of`` defaulting to :func:`same_activity`."""
    options.setdefault("skill_of", same_activity)
    return _read_xapi(source, **options)


def sid(n: int) -> str:
    return f"2f6c8e1a-4b3d-4c5e-9f7a-1b2c3d4e5f{n:02x}"


def statement(n: int = 1, **changes: Any) -> dict[str, Any]:
    """A small valid statement: learner ``p<n>`` answered an activity, right."""
    made: dict[str, Any] = {
        "id": str(uuid.UUID(int=n, version=4)),
        "actor": {"account": {"homePage": LMS, "name": f"p{n}"}},
        "verb": {"id": ANSWERED, "display": {"en-GB": "answered"}},
        "object": {"id": f"{MATHS}/equivalent"},
        "result": {"success": True},
        "timestamp": f"2026-09-08T09:{n % 60:02d}:00Z",
    }
    for key, value in changes.items():
        if value is None:
            made.pop(key, None)
        else:
            made[key] = value
    return made


def only_score(**result: Any) -> float:
    ev = read_xapi([statement(result=result)])
    assert len(ev) == 1, ev.skipped
    return float(ev.scores[0])


def reasons(ev: Evidence) -> dict[Any, str]:
    return dict(ev.skipped)


# ------------------------------------------------------------ the class export


def test_reads_the_class_export_by_the_rules() -> None:
    ev = read_xapi(EXPORT)
    assert ev.evidence_ids.tolist() == [sid(1), sid(2), sid(3), sid(4), sid(5), sid(8)]
    assert ev.learner_ids.tolist() == [AMARA, AMARA, BEN, BEN, CHEN, DARA]
    assert ev.skill_ids.tolist() == [f"{MATHS}/{s}" for s in
                                     ("equivalent", "compare", "equivalent", "add-same-denominator", "compare",
                                      "equivalent")]
    # success true; raw 8 of 0..10; success false; scaled 0.85 (preferred to raw and success); scaled -0.25 -> 0
    assert ev.scores.tolist() == [1.0, 0.8, 0.0, 0.85, 0.0, 1.0]
    assert [str(t) for t in ev.timestamps] == [
        "2026-09-08T09:12:30.250000",
        "2026-09-08T09:20:00.000000",  # 10:20 at +01:00
        "2026-09-08T09:13:05.000000",
        "2026-09-08T09:31:44.000000",
        "2026-09-08T09:14:10.000000",
        "2026-09-08T09:15:27.004000",  # no timestamp: its stored time, as an LRS would set it
    ]
    assert ev.sources is not None and set(ev.sources.tolist()) == {"year5_fractions.json"}
    assert ev.timestamps.dtype == np.dtype("datetime64[us]")


def test_every_statement_left_out_is_listed_with_its_reason() -> None:
    ev = read_xapi(EXPORT)
    n_statements = len(json.loads(EXPORT.read_text())["statements"])
    assert len(ev) + len(ev.skipped) - 1 == n_statements  # every statement once, plus the "more" page
    why = ev.skipped
    assert [key for key, _ in why] == [sid(6), sid(7), sid(9), sid(1), sid(11), sid(12), sid(13), sid(14), sid(15),
                                       sid(16), "more"]
    text = dict(why[:3] + why[4:])
    assert "no result" in text[sid(6)]
    assert "completion but no score" in text[sid(7)]
    assert text[sid(9)] == f"voided by statement {sid(11)}"
    assert why[3] == (sid(1), "sent twice: the same statement as statement 1, which is kept")
    assert f"voids statement {sid(9)}" in text[sid(11)]
    assert "actor is a Group" in text[sid(12)]
    assert "another statement (a comment or a grade on it)" in text[sid(13)]
    assert "no result" in text[sid(14)]
    assert "SubStatement" in text[sid(15)]
    assert "raw 14 but no scaled score and no min and max" in text[sid(16)]
    assert "/xapi/statements?more=5c1e0f2a" in text["more"]


def test_json_lines_give_the_same_evidence() -> None:
    a, b = read_xapi(EXPORT), read_xapi(LINES)
    for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert [key for key, _ in b.skipped] == [key for key, _ in a.skipped][:-1]  # no "more" in JSON Lines
    assert dict(b.skipped)[sid(1)] == "sent twice: the same statement as line 1, which is kept"


def test_every_kind_of_source_reads_alike() -> None:
    text = EXPORT.read_text(encoding="utf-8")
    data = json.loads(text)
    expected = read_xapi(EXPORT)
    with open(EXPORT, encoding="utf-8") as handle:
        from_text_file = read_xapi(handle)
    with open(EXPORT, "rb") as handle:
        from_binary_file = read_xapi(handle)
    sources = [
        (read_xapi(str(EXPORT)), "year5_fractions.json"),
        (from_text_file, "year5_fractions.json"),
        (from_binary_file, "year5_fractions.json"),
        (read_xapi(text), "xapi"),
        (read_xapi(b"\xef\xbb\xbf" + text.encode("utf-8")), "xapi"),  # with a byte-order mark
        (read_xapi(io.StringIO(text)), "xapi"),
        (read_xapi(io.BytesIO(text.encode("utf-8"))), "xapi"),
        (read_xapi(data), "xapi"),
    ]
    for ev, label in sources:
        assert ev.evidence_ids.tolist() == expected.evidence_ids.tolist()
        assert ev.scores.tolist() == expected.scores.tolist()
        assert ev.skipped == expected.skipped
        assert ev.sources is not None and ev.sources[0] == label
    as_list = read_xapi(data["statements"])
    assert as_list.evidence_ids.tolist() == expected.evidence_ids.tolist()
    assert as_list.skipped == expected.skipped[:-1]


def test_one_statement_object_is_read_as_one_statement() -> None:
    ev = read_xapi(json.dumps(statement(3)))
    assert ev.evidence_ids.tolist() == [statement(3)["id"]] and ev.scores.tolist() == [1.0]


def test_json_lines_name_the_line_of_a_broken_statement() -> None:
    good, bad = statement(1), statement(2, result={"success": "yes"})
    text = json.dumps(good) + "\r\n\r\n" + json.dumps(bad) + "\r\n"
    with pytest.raises(EvidenceError, match=rf"the xAPI statements text, line 3 \(id {bad['id']}\): result.success"):
        read_xapi(text)
    assert len(read_xapi(text.replace('"yes"', "true"))) == 2


def test_parsed_input_is_not_changed() -> None:
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    before = copy.deepcopy(data)
    read_xapi(data)
    assert data == before


def test_an_empty_export_gives_empty_evidence() -> None:
    for source in ("[]", '{"statements": [], "more": ""}', []):
        ev = read_xapi(source)
        assert len(ev) == 0 and ev.skipped == ()
        assert ev.timestamps.dtype == np.dtype("datetime64[us]")


def test_evidence_round_trips_through_json() -> None:
    ev = read_xapi(EXPORT)
    assert Evidence.from_json(ev.to_json()) == ev
    assert Evidence.from_json(ev.to_json()).skipped == ev.skipped


# --------------------------------------------------------- learners and skills


def test_learners_and_skills_map_keys_to_roster_and_curriculum_ids() -> None:
    ev = read_xapi(
        EXPORT,
        learner_of={AMARA: "amara", BEN: "ben", DARA: "dara"},  # Chen is not on this roster
        skill_of={f"{MATHS}/equivalent": "fractions.equivalent", f"{MATHS}/compare": "fractions.compare"},
    )
    assert ev.learner_ids.tolist() == ["amara", "amara", "ben", "dara"]
    assert ev.skill_ids.tolist() == ["fractions.equivalent", "fractions.compare", "fractions.equivalent",
                                     "fractions.equivalent"]
    why = reasons(ev)
    assert why[sid(4)] == f"activity '{MATHS}/add-same-denominator' is not mapped to a skill by skill_of"
    assert why[sid(5)] == f"learner '{CHEN}' is not mapped by learner_of (not on this roster)"


def test_skill_of_and_learner_of_can_be_functions() -> None:
    calls: list[str] = []

    def skill(activity: str) -> str | None:
        calls.append(activity)
        return activity.rsplit("/", 1)[-1] if "compare" not in activity else None

    ev = read_xapi(EXPORT, skill_of=skill, learner_of=lambda learner: learner.upper())
    assert set(ev.skill_ids.tolist()) == {"equivalent", "add-same-denominator"}
    assert ev.learner_ids.tolist()[0] == AMARA.upper()
    assert len(calls) == len(set(calls))  # one call per distinct activity
    assert any("not mapped to a skill by skill_of" in reason for reason in reasons(ev).values())
    with pytest.raises(InvalidParameterError, match=r"skill_of\('https://.*'\) raised KeyError"):
        read_xapi(EXPORT, skill_of={}.__getitem__)
    with pytest.raises(InvalidParameterError, match=r"skill_of\('https://.*'\) must give a non-empty string"):
        read_xapi(EXPORT, skill_of=lambda activity: 1.5)
    with pytest.raises(InvalidParameterError, match="skill_of is required"):
        _read_xapi(EXPORT, skill_of=None)  # type: ignore[arg-type]


def test_pass_mark_turns_scores_into_right_and_wrong() -> None:
    ev = read_xapi(EXPORT)
    cut = read_xapi(EXPORT, pass_mark=0.6)
    assert cut.scores.tolist() == [1.0 if s >= 0.6 else 0.0 for s in ev.scores.tolist()]
    assert cut.skipped == ev.skipped and (cut.evidence_ids == ev.evidence_ids).all()
    with pytest.raises(InvalidParameterError, match="pass_mark"):
        read_xapi(EXPORT, pass_mark=0)


def test_integer_ids_from_the_mappings() -> None:
    ev = read_xapi(EXPORT, learner_of={AMARA: 1042, BEN: 1043, CHEN: 1044, DARA: 1045},
                   skill_of={f"{MATHS}/equivalent": 7, f"{MATHS}/compare": 8, f"{MATHS}/add-same-denominator": 9})
    assert ev.learner_ids.dtype == np.int64 and ev.learner_ids.tolist() == [1042, 1042, 1043, 1043, 1044, 1045]
    assert ev.skill_ids.tolist() == [7, 8, 7, 9, 8, 7]


def test_learner_ids_are_the_identifier_of_the_agent_as_written() -> None:
    sha = "A9993E364706816ABA3E25717850C26C9CD0D89D"
    actors = [
        {"objectType": "Agent", "mbox": "mailto:Zoe.Ward@Oakfield-Primary.EXAMPLE"},
        {"mbox_sha1sum": sha},
        {"openid": "https://id.oakfield-primary.example/zoe"},
        {"account": {"homePage": LMS, "name": "Zoe W"}},
    ]
    ev = read_xapi([statement(i + 1, actor=actor) for i, actor in enumerate(actors)])
    assert ev.learner_ids.tolist() == [
        "mailto:Zoe.Ward@Oakfield-Primary.EXAMPLE",  # as written: account.name, else mbox, mbox_sha1sum, openid
        sha,
        "https://id.oakfield-primary.example/zoe",
        "Zoe W",
    ]


def test_verbs_keep_only_the_verbs_asked_for_and_voids_still_apply() -> None:
    ev = read_xapi(EXPORT, verbs=[ANSWERED])
    assert ev.evidence_ids.tolist() == [sid(1), sid(3), sid(5), sid(8)]
    why = reasons(ev)
    assert why[sid(2)] == "its verb 'http://adlnet.gov/expapi/verbs/scored' is not one of the verbs asked for"
    assert why[sid(9)] == f"voided by statement {sid(11)}"


# ------------------------------------------------------------------ the score


def test_scaled_score_is_the_score() -> None:
    assert only_score(score={"scaled": 0.62, "raw": 3, "min": 0, "max": 10}, success=False) == 0.62


def test_negative_scaled_score_counts_as_zero() -> None:
    assert only_score(score={"scaled": -1}) == 0.0
    assert only_score(score={"scaled": -0.0}) == 0.0


def test_raw_score_between_min_and_max_is_a_fraction() -> None:
    assert only_score(score={"raw": 15, "min": 10, "max": 20}) == 0.5
    assert only_score(score={"raw": 10, "min": 10, "max": 20}) == 0.0
    assert only_score(score={"raw": 2.5, "min": -5, "max": 5}) == 0.75


def test_success_alone_is_one_or_zero() -> None:
    assert only_score(success=True) == 1.0
    assert only_score(success=False, completion=True) == 0.0
    assert only_score(score={"raw": 14}, success=True) == 1.0  # raw without min and max: success decides


def test_statements_without_an_outcome_are_skipped_with_the_reason() -> None:
    cases = {
        "no result": statement(1, result=None),
        "result has no score and no success": statement(2, result={"response": "3/4", "duration": "PT3S"}),
        "completion but no score": statement(3, result={"completion": True}),
        "raw 7 but no scaled score": statement(4, result={"score": {"raw": 7, "min": 0}}),
        "empty score": statement(5, result={"score": {}}),
    }
    ev = read_xapi(list(cases.values()))
    assert len(ev) == 0
    texts = [reason for _, reason in ev.skipped]
    assert "no result" in texts[0]
    assert "its result has no score and no success" in texts[1]
    assert "completion but no score" in texts[2]
    assert "raw 7 but no scaled score and no min and max" in texts[3]
    assert "its result has no score and no success" in texts[4]


def test_objects_and_actors_that_are_not_a_learner_on_an_activity_are_skipped() -> None:
    group = {"objectType": "Group", "member": [{"mbox": "mailto:a@oakfield-primary.example"}]}
    agent = {"objectType": "Agent", "mbox": "mailto:ben@oakfield-primary.example"}
    sub = {"objectType": "SubStatement", "actor": agent, "verb": {"id": ANSWERED}, "object": {"id": MATHS}}
    ref = {"objectType": "StatementRef", "id": str(uuid.UUID(int=99, version=4))}
    ev = read_xapi([
        statement(1, actor=group),
        statement(2, object=agent),
        statement(3, object={"objectType": "Group", "mbox": "mailto:table3@oakfield-primary.example"}),
        statement(4, object=sub),
        statement(5, object=ref, result={"score": {"scaled": 1}}),
        statement(6, object={"objectType": "Activity", "id": MATHS}),
    ])
    assert ev.evidence_ids.tolist() == [statement(6)["id"]]
    texts = [reason for _, reason in ev.skipped]
    assert "actor is a Group" in texts[0]
    assert "object is an Agent" in texts[1]
    assert "object is a Group" in texts[2]
    assert "SubStatement" in texts[3]
    assert "another statement" in texts[4]


# ------------------------------------------------------------------------ time


def test_offsets_are_converted_to_utc_and_stored_stands_in_for_a_missing_timestamp() -> None:
    ev = read_xapi([
        statement(1, timestamp="2026-03-29T01:30:00+01:00"),
        statement(2, timestamp="2026-03-29T02:30:00.123456789Z"),  # digits beyond microseconds are dropped
        statement(3, timestamp="2026-03-28T21:00:00-04:30"),
        statement(4, timestamp=None, stored="2026-03-29T03:00:00.5Z"),
        statement(5, timestamp="20260329T040000+0000"),  # ISO 8601 basic format
    ])
    assert [str(t) for t in ev.timestamps] == [
        "2026-03-29T00:30:00.000000",
        "2026-03-29T02:30:00.123456",
        "2026-03-29T01:30:00.000000",
        "2026-03-29T03:00:00.500000",
        "2026-03-29T04:00:00.000000",
    ]


def test_a_statement_without_any_time_is_skipped() -> None:
    ev = read_xapi([statement(1, timestamp=None)])
    assert len(ev) == 0
    assert ev.skipped == ((statement(1)["id"], "it has neither a timestamp nor a stored time, so it cannot be "
                                               "placed in time"),)


def test_a_malformed_stored_time_is_named_when_it_stands_in() -> None:
    with pytest.raises(EvidenceError, match=r"'09:15 8 Sept'.* statement 1 \(id [0-9a-f-]+\), property 'stored'"):
        read_xapi([statement(1, timestamp=None, stored="09:15 8 Sept")])


# ------------------------------------------------------------ ids and copies


def test_ids_are_compared_without_regard_to_case_and_kept_in_lower_case() -> None:
    upper = statement(1)
    upper["id"] = upper["id"].upper()
    ev = read_xapi([upper, statement(1)])
    assert ev.evidence_ids.tolist() == [statement(1)["id"]]
    assert ev.skipped == ((statement(1)["id"], "sent twice: the same statement as statement 1, which is kept"),)


def test_any_uuid_variant_in_standard_form_is_an_id() -> None:
    ids = ["12345678-1234-5678-1234-567812345678", "00000000-0000-0000-0000-000000000000"]
    ev = read_xapi([statement(1, id=ids[0]), statement(2, id=ids[1])])
    assert ev.evidence_ids.tolist() == ids


def test_a_copy_that_differs_only_where_statement_comparison_looks_away_is_the_same_statement() -> None:
    first = statement(1, version="1.0.0", stored="2026-09-08T09:40:00Z",
                      object={"objectType": "Activity", "id": f"{MATHS}/equivalent",
                              "definition": {"name": {"en-GB": "Equivalent fractions"}}},
                      actor={"objectType": "Agent", "mbox": "mailto:ann@oakfield-primary.example"},
                      context={"contextActivities": {"parent": {"id": f"{MATHS}/quiz-3"}}},
                      authority={"account": {"homePage": LMS, "name": "quiz-app"}})
    copy_ = copy.deepcopy(first)
    copy_.update(version="1.0.3", stored="2026-09-08T11:00:00Z", timestamp="2026-09-08T10:01:00+01:00",
                 authority={"mbox": "mailto:lrs@oakfield-primary.example"}, attachments=[])
    copy_["verb"]["display"] = {"fr": "a répondu"}
    copy_["object"] = {"id": f"{MATHS}/equivalent"}  # no objectType, no definition
    copy_["actor"] = {"mbox": "mailto:ann@OAKFIELD-primary.example"}
    copy_["context"] = {"contextActivities": {"parent": [{"id": f"{MATHS}/quiz-3", "objectType": "Activity"}]}}
    ev = read_xapi([first, copy_])
    assert len(ev) == 1 and "sent twice" in ev.skipped[0][1]


def test_group_members_in_another_order_are_the_same_statement() -> None:
    members = [{"mbox": "mailto:a@oakfield-primary.example"}, {"mbox": "mailto:b@oakfield-primary.example"}]
    a = statement(1, actor={"objectType": "Group", "member": members})
    b = statement(1, actor={"objectType": "Group", "member": members[::-1]})
    ev = read_xapi([a, b])
    assert [reason.split(":")[0] for _, reason in ev.skipped] == ["its actor is a Group", "sent twice"]


def test_a_statement_without_an_id_gets_one_derived_from_its_content() -> None:
    plain = statement(1, id=None)
    ev = read_xapi([plain, copy.deepcopy(plain), statement(2, id=None)])
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert ev.evidence_ids[0] == str(uuid.uuid5(DERIVED_ID_NAMESPACE, text))
    assert len(ev) == 2 and len(set(ev.evidence_ids.tolist())) == 2
    assert ev.skipped == (("statement 2", "sent twice: the same statement as statement 1, which is kept"),)


def test_a_statement_sent_twice_with_other_content_is_an_error_naming_both() -> None:
    with pytest.raises(EvidenceError, match=r"statement 3 \(id 2f6c8e1a-4b3d-4c5e-9f7a-1b2c3d4e5f01\): its id "
                                            r"was already used by statement 1 .*'result' differs"):
        read_xapi([statement(1, id=sid(1)), statement(2), statement(1, id=sid(1), result={"success": False})])


# --------------------------------------------------------------------- voiding


def void(n: int, target: str) -> dict[str, Any]:
    return statement(n, verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}, result=None)


def test_a_voided_statement_is_left_out_wherever_the_voiding_statement_is() -> None:
    target = statement(1)
    for order in ([target, void(2, target["id"])], [void(2, target["id"].upper()), target]):
        ev = read_xapi(order)
        assert len(ev) == 0
        why = reasons(ev)
        assert why[target["id"]] == f"voided by statement {statement(2)['id']}"
        assert why[statement(2)["id"]] == f"it voids statement {target['id']}, which is left out"


def test_a_voiding_statement_cannot_be_voided() -> None:
    target = statement(1)
    ev = read_xapi([target, void(2, target["id"]), void(3, statement(2)["id"])])
    assert len(ev) == 0
    why = reasons(ev)
    assert why[target["id"]] == f"voided by statement {statement(2)['id']}"
    assert "itself a voiding statement and cannot be voided" in why[statement(3)["id"]]


def test_a_void_whose_target_is_elsewhere_says_how_to_apply_it() -> None:
    ev = read_xapi([statement(1), void(2, sid(200))])
    assert len(ev) == 1
    assert "not among the statements read" in reasons(ev)[statement(2)["id"]]


def test_a_voided_statement_that_was_not_evidence_anyway_says_it_was_voided() -> None:
    launched = statement(1, result=None)
    ev = read_xapi([launched, void(2, launched["id"])])
    assert reasons(ev)[launched["id"]] == f"voided by statement {statement(2)['id']}"


# ------------------------------------------------------------ other properties


def test_versions_of_xapi_1_0_and_2_0_and_unknown_properties_are_accepted() -> None:
    ev = read_xapi([
        statement(1, version="1.0.3"),
        statement(2, version="2.0.0", context={"contextAgents": [{"objectType": "contextAgent",
                                                                   "agent": {"mbox": "mailto:t@o.example"}}]}),
        statement(3, x_vendor_flag=True),
    ])
    assert len(ev) == 3


# --------------------------------------------------------------- broken input

BROKEN_RULES = [
    ("missing_actor.json", r"statement 2 \(id 8d0f6a2b-1c3e-4f5a-b6c7-d8e9f0a1b2c2\): a statement must have 'actor'"),
    ("missing_verb.json", r"statement 2 \(id 8d0f6a2b-[0-9a-f-]+\): a statement must have 'verb'"),
    ("missing_object.json", r"statement 2 \(id 8d0f6a2b-[0-9a-f-]+\): a statement must have 'object'"),
    ("null_value.json", r"statement 2 .*: result.success is null"),
    ("bad_id.json", r"statement 2 \(id stmt-0002\): id must be a UUID .*got 'stmt-0002'"),
    ("two_identifiers.json", r"statement 2 .*exactly one identifier .*has mbox, account"),
    ("no_identifier.json", r"statement 2 .*exactly one identifier .*has none"),
    ("bad_mbox.json", r"statement 2 .*actor.mbox must be a mailto IRI.*'ben.hughes@oakfield-primary.example'"),
    ("bad_sha1.json", r"statement 2 .*mbox_sha1sum must be 40 hexadecimal digits; got 'not-a-hash'"),
    ("account_without_homepage.json", r"statement 2 .*actor.account.homePage must be an IRI.*got None"),
    ("actor_type_unknown.json", r"statement 2 .*actor.objectType must be 'Agent' or 'Group'.*got 'Person'"),
    ("verb_without_id.json", r"statement 2 .*verb.id must be an IRI"),
    ("activity_without_scheme.json", r"statement 2 .*object.id must be an IRI.*'y5/fractions/equivalent'"),
    ("object_type_case.json", r"statement 2 .*object.objectType must be one of .*\(exact case\); got 'activity'"),
    ("scaled_out_of_range.json", r"statement 2 .*result.score.scaled must lie in \[-1, 1\]; got 1.5"),
    ("raw_above_max.json", r"statement 2 .*raw must lie between min and max; got raw 12 with min 0 and max 10"),
    ("min_not_below_max.json", r"statement 2 .*min must be less than result.score.max; got min 10 and max 10"),
    ("score_as_string.json", r"statement 2 .*result.score.scaled must be a finite number; got '0.8'"),
    ("success_as_string.json", r"statement 2 .*result.success must be true or false; got 'true'"),
    ("completion_not_bool.json", r"statement 2 .*result.completion must be true or false; got 1"),
    ("result_not_object.json", r"statement 2 .*result must be an object; got True"),
    ("naive_timestamp.json", r"'2026-09-08T10:15:00' in .*naive_timestamp.json', statement 2 \(id [0-9a-f-]+\), "
                             r"property 'timestamp' has no UTC offset"),
    ("bad_timestamp.json", r"unparseable timestamp '08/09/2026 10:15' in .*statement 2 \(id [0-9a-f-]+\)"),
    ("bad_timestamp_utc.json", r"unparseable timestamp '2026-09-08T25:15:00Z' in .*statement 2"),
    ("timestamp_not_string.json", r"statement 2 .*timestamp must be an ISO 8601 string; got 1788862500"),
    ("bad_version.json", r"statement 2 .*version must start with '1.0.'.*got '0.95'"),
    ("void_without_statementref.json", r"statement 2 .*voiding statement's object must have objectType "
                                       r"'StatementRef'; got 'Activity'"),
    ("void_bad_target.json", r"statement 2 .*object.id must be the UUID of a statement; got 'statement 1'"),
    ("conflicting_duplicate.json", r"statement 2 \(id 8d0f6a2b-1c3e-4f5a-b6c7-d8e9f0a1b2c1\): its id was already "
                                   r"used by statement 1 for a different statement \('result' differs\)"),
    ("statement_not_object.json", r"statement 2: a statement must be a JSON object; got 'answered'"),
    ("not_statements.json", r"not_statements.json' is neither a statement.*keys are \['count', 'data'\]"),
    ("statements_not_array.json", r"'statements' of a StatementResult must be an array; got dict"),
    ("more_not_string.json", r"'more' of a StatementResult must be a string \(an IRL\); got 2"),
    ("not_json.json", r"not_json.json' is not valid JSON: .* \(line 48, column 17\)"),
    ("nan_score.json", r"nan_score.json' is not valid JSON: NaN is not a JSON number"),
    ("not_utf8.json", r"not_utf8.json' is not UTF-8 text: byte 0xeb on line 29"),
    ("bad_line.jsonl", r"bad_line.jsonl' is not valid JSON: .* \(line 3, column"),
    ("deep_nesting.json", r"deep_nesting.json' is nested too deeply"),
]


def test_every_broken_fixture_has_a_rule() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(name for name, _ in BROKEN_RULES)


@pytest.mark.parametrize(("fixture", "message"), BROKEN_RULES, ids=[name for name, _ in BROKEN_RULES])
def test_a_broken_rule_is_an_evidence_error_naming_the_file_and_statement(fixture: str, message: str) -> None:
    with pytest.raises(EvidenceError, match=message) as caught:
        read_xapi(BROKEN / fixture)
    assert fixture in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_first_statement_of_each_broken_fixture_is_valid() -> None:
    """So the errors above come from the second statement, which each fixture breaks."""
    for name, _ in BROKEN_RULES:
        if name.endswith(".json") and name not in ("not_json.json", "nan_score.json", "not_utf8.json",
                                                   "deep_nesting.json", "not_statements.json",
                                                   "statements_not_array.json", "more_not_string.json"):
            first = json.loads((BROKEN / name).read_text())[0]
            assert len(read_xapi([first])) == 1, name


def test_null_values_are_refused_wherever_they_are_read() -> None:
    for key, where in (("id", "id"), ("actor", "actor"), ("result", "result"), ("timestamp", "timestamp"),
                       ("version", "version")):
        broken = statement(1)
        broken[key] = None
        with pytest.raises(EvidenceError, match=rf"statement 1.*: {where} is null"):
            read_xapi([broken])
    with pytest.raises(EvidenceError, match=r"result.score.raw is null"):
        read_xapi([statement(1, result={"score": {"raw": None, "min": 0, "max": 1}})])


def test_numbers_and_structures_a_float_cannot_hold_are_refused() -> None:
    with pytest.raises(EvidenceError, match=r"statement 1 .*result.score.scaled must be a finite number; got nan"):
        read_xapi([statement(1, result={"score": {"scaled": float("nan")}})])
    with pytest.raises(EvidenceError, match=r"statement 1 .*result.score.raw must be a finite number; got 1000"):
        read_xapi(json.dumps([statement(1, result={"score": {"raw": 10**400, "min": 0, "max": 1}})]))
    looped = statement(1, id=None)
    looped["context"] = {"extensions": {}}
    looped["context"]["extensions"]["https://x.example/self"] = looped
    with pytest.raises(EvidenceError, match=r"statement 1: it has no id and its content cannot be written as JSON"):
        read_xapi([looped])


def test_a_json_value_that_is_not_statements_is_refused() -> None:
    for text in (b"42", b'"statements"', b"null"):
        with pytest.raises(EvidenceError, match=r"the xAPI statements bytes must hold an array of xAPI statements"):
            read_xapi(text)


def test_missing_files_and_folders_are_evidence_errors(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no such xAPI statements file: .*absent.json"):
        read_xapi(tmp_path / "absent.json")
    with pytest.raises(EvidenceError, match=r"is a folder, not a xAPI statements file"):
        read_xapi(tmp_path)


def test_bad_arguments_are_invalid_parameter_errors() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"skill_of": [("a", "b")]}, r"skill_of must be a mapping or a function of activity ids; got list"),
        ({"skill_of": {"https://a.example": True}}, r"skill_of\['https://a.example'\] must give a non-empty string"),
        ({"skill_of": {"https://a.example": ""}}, r"must give a non-empty string or an integer id .*; got ''"),
        ({"learner_of": {3: "ann"}}, r"learner_of keys must be non-empty strings \(learner ids\); got 3"),
        ({"verbs": ANSWERED}, r"verbs must be a collection of verb IRIs, not 'http"),
        ({"verbs": ["answered"]}, r"verbs must hold verb IRIs .*got 'answered'"),
    ]
    for options, message in cases:
        with pytest.raises(InvalidParameterError, match=message):
            read_xapi([statement(1)], **options)
    with pytest.raises(InvalidParameterError, match=r"source must be a path, an open file or text; got int"):
        read_xapi(42)
