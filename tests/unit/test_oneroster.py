"""read_oneroster and OneRosterBundle: the fixture bundle read back, every rule broken once.

The fixture ``tests/fixtures/oneroster/valid`` is a OneRoster 1.2 bundle of one
school, two classes, ten students, a teacher and a guardian, with line items
out of 10, 20 and 100 and results of every ``scoreStatus``. Each folder under
``broken/`` holds the files of ``valid/`` that one broken rule changes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import pathlib
import shutil
import zipfile
from typing import Any

import numpy as np
import pytest

from personalise.evidence import Evidence
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
    UnknownClassError,
    UnknownLearnerError,
)
from personalise.io.oneroster import (
    ClassRecord,
    LineItemRecord,
    OneRosterBundle,
    OrgRecord,
    SkippedRow,
    UserRecord,
    example_bundle_files,
    read_oneroster,
)

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "oneroster"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
CASE_QUIZ_SKILL = "c4f7a1e2-0b3d-4e5f-8a9b-1c2d3e4f5a6b"


def valid_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in VALID.iterdir()}


def with_changes(changes: dict[str, str | bytes | None]) -> dict[str, bytes]:
    """The valid bundle as a mapping, with files replaced (or removed when None)."""
    files = valid_files()
    for name, content in changes.items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content.encode("utf-8") if isinstance(content, str) else content
    return files


def text(name: str) -> str:
    return (VALID / name).read_bytes().decode("utf-8-sig")


def replaced(name: str, old: str, new: str) -> str:
    content = text(name)
    assert old in content, old
    return content.replace(old, new, 1)


def manifest_with(**modes: str) -> str:
    content = text("manifest.csv")
    for stem, mode in modes.items():
        lines = [line for line in content.split("\n") if not line.startswith(f"file.{stem},")]
        content = "\n".join(lines[:-1] + [f"file.{stem},{mode}", ""])
    return content


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(folder + name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bundle() -> OneRosterBundle:
    return read_oneroster(VALID)


def skipped_reason(bundle: OneRosterBundle, sourced_id: str) -> str:
    reasons = [row.reason for row in bundle.skipped if row.sourced_id == sourced_id]
    assert len(reasons) == 1, (sourced_id, reasons)
    return reasons[0]


def evidence_rows(bundle: OneRosterBundle) -> dict[str, tuple[str, str, float]]:
    ev = bundle.evidence
    return {e: (learner, skill, score) for e, learner, skill, score in zip(
        ev.evidence_ids.tolist(), ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.scores.tolist())}


# ------------------------------------------------------------------ the roster
def test_reads_the_fixture_bundle(bundle: OneRosterBundle) -> None:
    assert repr(bundle) == "OneRosterBundle(1 org, 2 classes, 12 users, 4 line items, 9 evidence rows, 14 skipped)"
    assert bundle.orgs["org-rps"] == OrgRecord("Riverside Primary School", "school", "RPS-0412", None, "active")
    assert bundle.classes["cls-y5-maths"] == ClassRecord("Year 5 Maths", "org-rps", "active")
    assert list(bundle.classes) == ["cls-y5-maths", "cls-y5-sci"]
    assert bundle.manifest["oneroster.version"] == "1.2"
    assert bundle.manifest["file.enrollments"] == "delta"
    assert bundle.manifest["source.systemName"] == "Riverside SIS"


def test_class_learners_are_active_students_in_file_order(bundle: OneRosterBundle) -> None:
    # u-s04's maths enrolment is tobedeleted; the teacher's enrolments are not learners
    assert bundle.class_learners("cls-y5-maths") == ("u-s01", "u-s02", "u-s03", "u-s05", "u-s06", "u-s07", "u-s08")
    assert bundle.class_learners("cls-y5-sci") == ("u-s05", "u-s06", "u-s07", "u-s08", "u-s09", "u-s10")
    assert skipped_reason(bundle, "enr-m-s04") == "status 'tobedeleted'"
    assert skipped_reason(bundle, "enr-m-t01") == "role 'teacher' is not a learner role"
    assert next(row for row in bundle.skipped if row.sourced_id == "enr-m-s04") == SkippedRow(
        "enrollments.csv", 6, "enr-m-s04", "status 'tobedeleted'")


def test_classes_of_follows_classes_file_order(bundle: OneRosterBundle) -> None:
    assert bundle.classes_of("u-s06") == ("cls-y5-maths", "cls-y5-sci")
    assert bundle.classes_of("u-s10") == ("cls-y5-sci",)
    assert bundle.classes_of("u-s04") == ()  # enrolment tobedeleted
    assert bundle.classes_of("u-t01") == ()
    assert bundle.classes_of("u-g01") == ()


def test_unknown_class_or_user_is_a_named_lookup_error(bundle: OneRosterBundle) -> None:
    with pytest.raises(UnknownClassError, match=r"unknown class 'cls-art'.*'cls-y5-maths', 'cls-y5-sci'") as info:
        bundle.class_learners("cls-art")
    assert isinstance(info.value, LookupError) and isinstance(info.value, PersonaliseError)
    assert info.value.value == "cls-art"
    with pytest.raises(UnknownLearnerError, match="unknown user 'u-x'"):
        bundle.classes_of("u-x")
    with pytest.raises(InvalidParameterError, match="class_id must be a class sourcedId"):
        bundle.class_learners(["cls-y5-maths"])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="learner_id must be a user sourcedId"):
        bundle.classes_of(3)  # type: ignore[arg-type]


def test_users_carry_roles_names_and_links(bundle: OneRosterBundle) -> None:
    teacher = bundle.users["u-t01"]
    assert teacher.roles == ("teacher", "counselor")  # primary first, although the secondary row comes first
    assert (teacher.given_name, teacher.family_name, teacher.identifier) == ("Rie", "Sato", "STAFF-31")
    guardian = bundle.users["u-g01"]
    assert guardian.roles == ("guardian",)
    assert guardian.agents == ("u-s01", "u-s02")  # a quoted list with a comma inside
    assert guardian.enabled is False and guardian.identifier is None
    student = bundle.users["u-s06"]
    assert (student.family_name, student.roles, student.primary_org) == ("O'Brien", ("student",), "org-rps")
    assert not hasattr(student, "email") and not hasattr(student, "password")


def test_line_items_carry_range_and_learning_objectives(bundle: OneRosterBundle) -> None:
    assert bundle.line_items["li-frac-quiz"] == LineItemRecord(
        "Fractions quiz", "cls-y5-maths", 0.0, 10.0, (("case", CASE_QUIZ_SKILL),), "active")
    assert bundle.line_items["li-sci-project"].title == "Habitats project, part 1"
    assert bundle.line_items["li-sci-project"].learning_objectives == ()
    reading = bundle.line_items["li-reading-log"]
    assert (reading.result_value_min, reading.result_value_max) == (None, None)


# ------------------------------------------------------------------ the evidence
def test_scores_are_scaled_by_each_line_item_range(bundle: OneRosterBundle) -> None:
    rows = evidence_rows(bundle)
    assert rows == {
        "r-001": ("u-s01", CASE_QUIZ_SKILL, 0.8),   # 8 / 10
        "r-002": ("u-s02", CASE_QUIZ_SKILL, 1.0),
        "r-003": ("u-s03", CASE_QUIZ_SKILL, 0.5),   # partially graded counts
        "r-004": ("u-s04", CASE_QUIZ_SKILL, 0.6),   # a student by role, though no longer enrolled
        "r-010": ("u-s01", "decimals-tenths", 0.85),  # 17 / 20
        "r-011": ("u-s02", "decimals-tenths", 0.0),
        "r-012": ("u-s03", "decimals-tenths", 1.0),
        "r-018": ("u-s04", "decimals-tenths", 0.7),
        "r-020": ("u-s10", CASE_QUIZ_SKILL, 0.9),   # counts although u-s10 is in the other class
    }
    ev = bundle.evidence
    assert isinstance(ev, Evidence)
    assert set(ev.sources.tolist()) == {"results.csv"}


def test_skill_of_names_the_skill_of_a_line_item(bundle: OneRosterBundle) -> None:
    mapped = read_oneroster(VALID, skill_of={"li-sci-project": "habitats", "li-frac-quiz": "fractions",
                                             "li-not-in-bundle": "ignored"})
    rows = evidence_rows(mapped)
    assert rows["r-013"] == ("u-s05", "habitats", 0.725)  # 72.5 / 100
    assert rows["r-014"] == ("u-s06", "habitats", 0.95)
    assert rows["r-001"][1] == "fractions"  # skill_of wins over the learning objective
    assert rows["r-010"][1] == "decimals-tenths"  # not in skill_of: the learning objective


def test_unscored_and_unusable_results_are_skipped_with_reasons(bundle: OneRosterBundle) -> None:
    expected = {
        "r-005": "scoreStatus 'exempt' is not a grade",
        "r-006": "scoreStatus 'not submitted' is not a grade",
        "r-007": "scoreStatus 'submitted' is not a grade",
        "r-008": "scoreStatus 'fully graded' but the score is empty",
        "r-009": "status 'tobedeleted'",
        "r-013": "line item 'li-sci-project' has no skill (no skill_of entry, no learning objective)",
        "r-015": "line item 'li-reading-log' has no resultValueMin/resultValueMax, so its scores cannot be "
                 "scaled to [0, 1]",
        "r-016": "user 'u-t01' is not a student (no active student enrolment or role)",
        "r-017": "unknown student 'u-s99' (not in users.csv)",
        "r-019": "unknown line item 'li-fractions-old' (not in lineItems.csv)",
    }
    for sourced_id, reason in expected.items():
        assert skipped_reason(bundle, sourced_id) == reason
    result_ids = {row.sourced_id for row in bundle.skipped if row.file == "results.csv"}
    assert result_ids | set(bundle.evidence.evidence_ids.tolist()) == {f"r-{i:03d}" for i in range(1, 21)}
    assert dict(bundle.evidence.skipped)["r-005"] == "results.csv line 6: scoreStatus 'exempt' is not a grade"
    assert len(bundle.evidence.skipped) == len(result_ids)


def test_line_numbers_count_line_breaks_inside_quoted_fields(bundle: OneRosterBundle) -> None:
    # r-018's comment holds a line break, so r-019 starts on line 21
    assert next(row for row in bundle.skipped if row.sourced_id == "r-019").line == 21


def test_score_date_is_the_end_of_that_day_in_the_school_time_zone(bundle: OneRosterBundle) -> None:
    def stamp(b: OneRosterBundle, sid: str) -> str:
        ev = b.evidence
        return str(ev.timestamps[ev.evidence_ids.tolist().index(sid)])

    assert stamp(bundle, "r-001") == "2026-09-11T23:59:59.999999"
    assert stamp(read_oneroster(VALID, timezone="+10:00"), "r-001") == "2026-09-11T13:59:59.999999"
    assert stamp(read_oneroster(VALID, timezone="-05:30"), "r-001") == "2026-09-12T05:29:59.999999"
    assert stamp(read_oneroster(VALID, timezone="Europe/London"), "r-001") == "2026-09-11T22:59:59.999999"  # BST
    zone = dt.timezone(dt.timedelta(hours=2))
    assert stamp(read_oneroster(VALID, timezone=zone), "r-001") == "2026-09-11T21:59:59.999999"
    # results of one day keep sourcedId order in time order
    ordered = bundle.evidence.sorted().evidence_ids.tolist()
    assert ordered == ["r-001", "r-002", "r-003", "r-004", "r-020", "r-010", "r-011", "r-012", "r-018"]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "+25:00", "10:00", "", 10, None])
def test_a_bad_timezone_is_refused(zone: Any) -> None:
    with pytest.raises(InvalidParameterError, match="timezone"):
        read_oneroster(VALID, timezone=zone)


@pytest.mark.parametrize("skill_of", [["li-frac-quiz"], {"li-frac-quiz": 3}, {"li-frac-quiz": ""}, {1: "x"}])
def test_a_bad_skill_of_is_refused(skill_of: Any) -> None:
    with pytest.raises(InvalidParameterError, match="skill_of"):
        read_oneroster(VALID, skill_of=skill_of)


# ------------------------------------------------------------------ learning objectives
RESULT_OBJECTIVES = (
    "sourcedId,status,dateLastModified,resultSourcedId,source,learningObjectiveId,score,textScore\n"
    "rlo-1,,,r-010,unknown,decimals-hundredths,0.5,\n"
    "rlo-2,,,r-011,unknown,decimals-tenths,,\n"
    "rlo-3,,,r-011,case,c4f7a1e2-0b3d-4e5f-8a9b-1c2d3e4f5a6b,,\n"
    "rlo-4,,,r-404,unknown,decimals-tenths,,\n"
)


def test_result_learning_objectives_override_the_line_item() -> None:
    b = read_oneroster(with_changes({"manifest.csv": manifest_with(resultLearningObjectiveIds="bulk"),
                                     "resultLearningObjectiveIds.csv": RESULT_OBJECTIVES}))
    rows = evidence_rows(b)
    assert rows["r-010"][1] == "decimals-hundredths"
    assert "r-011" not in rows
    assert skipped_reason(b, "r-011") == (f"result 'r-011' has 2 learning objectives ('decimals-tenths', "
                                          f"'{CASE_QUIZ_SKILL}'): give skill_of to choose one skill")
    assert skipped_reason(b, "rlo-4") == "unknown result 'r-404' (not in results.csv)"
    # skill_of wins over the result's objectives
    mapped = read_oneroster(with_changes({"manifest.csv": manifest_with(resultLearningObjectiveIds="bulk"),
                                          "resultLearningObjectiveIds.csv": RESULT_OBJECTIVES}),
                            skill_of={"li-dec-test": "decimals"})
    assert {evidence_rows(mapped)[sid][1] for sid in ("r-010", "r-011")} == {"decimals"}


def test_a_line_item_with_several_objectives_needs_skill_of() -> None:
    objectives = text("lineItemLearningObjectiveIds.csv") + "lilo-4,,,li-dec-test,unknown,place-value\n"
    b = read_oneroster(with_changes({"lineItemLearningObjectiveIds.csv": objectives}))
    assert skipped_reason(b, "r-010") == ("line item 'li-dec-test' has 2 learning objectives ('decimals-tenths', "
                                          "'place-value'): give skill_of to choose one skill")
    assert b.line_items["li-dec-test"].learning_objectives == (("unknown", "decimals-tenths"),
                                                               ("unknown", "place-value"))
    chosen = read_oneroster(with_changes({"lineItemLearningObjectiveIds.csv": objectives}),
                            skill_of={"li-dec-test": "place-value"})
    assert evidence_rows(chosen)["r-010"][1] == "place-value"


def test_objective_rows_for_unknown_or_deleted_line_items_are_skipped() -> None:
    objectives = (text("lineItemLearningObjectiveIds.csv") + "lilo-8,,,li-gone,unknown,x\n")
    b = read_oneroster(with_changes({"lineItemLearningObjectiveIds.csv": objectives}))
    assert skipped_reason(b, "lilo-8") == "unknown line item 'li-gone' (not in lineItems.csv)"


# ------------------------------------------------------------------ sources
def test_zip_file_zip_bytes_binary_file_and_mapping_read_the_same(bundle: OneRosterBundle,
                                                                  tmp_path: pathlib.Path) -> None:
    files = valid_files()
    path = tmp_path / "bundle.zip"
    path.write_bytes(zipped(files))
    assert read_oneroster(path) == bundle
    assert read_oneroster(str(path)) == bundle
    assert read_oneroster(zipped(files)) == bundle
    with open(path, "rb") as handle:
        assert read_oneroster(handle) == bundle
    assert read_oneroster(files) == bundle
    assert read_oneroster({name: content.decode("utf-8") for name, content in files.items()}) == bundle


def test_a_zip_may_hold_the_bundle_in_one_top_level_folder(bundle: OneRosterBundle, tmp_path: pathlib.Path) -> None:
    files = valid_files()
    data = zipped(files, "riverside-2026-09/")
    with_mac = io.BytesIO(data)
    with zipfile.ZipFile(with_mac, "a") as archive:  # what macOS adds when it zips a folder
        archive.writestr("__MACOSX/riverside-2026-09/._manifest.csv", b"\x00\x05\x16\x07")
    assert read_oneroster(data) == bundle
    assert read_oneroster(with_mac.getvalue()) == bundle
    folder = tmp_path / "outer"
    shutil.copytree(VALID, folder / "inner")
    assert read_oneroster(folder) == bundle


def test_crlf_bom_and_quoting_everywhere_read_the_same(bundle: OneRosterBundle) -> None:
    import csv

    changed = {}
    for name, content in valid_files().items():
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
        changed[name] = b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
    assert read_oneroster(changed) == bundle


def test_metadata_columns_and_blank_lines_are_allowed(bundle: OneRosterBundle) -> None:
    lines = text("orgs.csv").split("\n")
    orgs = lines[0] + ",metadata.region\n\n" + lines[1] + ",North\n\n"
    assert read_oneroster(with_changes({"orgs.csv": orgs})) == bundle


def test_a_roster_only_bundle_has_empty_evidence() -> None:
    b = read_oneroster(with_changes({
        "manifest.csv": manifest_with(lineItems="absent", results="absent", lineItemLearningObjectiveIds="absent"),
        "lineItems.csv": None, "results.csv": None, "lineItemLearningObjectiveIds.csv": None}))
    assert len(b.evidence) == 0 and b.line_items == {}
    assert b.class_learners("cls-y5-sci")[0] == "u-s05"
    assert b.evidence.timestamps.dtype == np.dtype("datetime64[us]")


def test_a_file_without_manifest_entry_is_absent() -> None:
    content = "\n".join(line for line in text("manifest.csv").split("\n") if not line.startswith("file.roles,"))
    b = read_oneroster(with_changes({"manifest.csv": content, "roles.csv": None}))
    assert b.users["u-t01"].roles == ()
    # without roles.csv a student is a user with an active student enrolment: u-s04 no longer is
    assert skipped_reason(b, "r-004") == "user 'u-s04' is not a student (no active student enrolment or role)"


def test_deleted_users_and_classes_stay_in_the_mappings_and_leave_the_roster() -> None:
    users = replaced("users.csv", "u-s02,,,true,", "u-s02,tobedeleted,2026-09-15T08:00:00Z,true,")
    users = "".join(line if line.startswith("sourcedId") or "tobedeleted" in line
                    else line.replace(",,,", ",active,2026-09-01T08:00:00Z,", 1)
                    for line in io.StringIO(users, newline=""))
    classes = replaced("classes.csv", "cls-y5-sci,,,", "cls-y5-sci,tobedeleted,2026-09-15T08:00:00.000Z,")
    classes = classes.replace("cls-y5-maths,,,", "cls-y5-maths,active,2026-09-01T08:00:00.000+00:00,")
    b = read_oneroster(with_changes({"manifest.csv": manifest_with(users="delta", classes="delta"),
                                     "users.csv": users, "classes.csv": classes}))
    assert b.users["u-s02"].status == "tobedeleted"
    assert b.classes["cls-y5-sci"].status == "tobedeleted"
    assert "u-s02" not in b.class_learners("cls-y5-maths")
    assert b.class_learners("cls-y5-sci") == ()
    assert skipped_reason(b, "u-s02") == "status 'tobedeleted'"
    assert skipped_reason(b, "enr-m-s02") == "user 'u-s02' is tobedeleted"
    assert skipped_reason(b, "enr-s-s05") == "class 'cls-y5-sci' is tobedeleted"
    assert skipped_reason(b, "role-s02") == "user 'u-s02' is tobedeleted"
    assert skipped_reason(b, "r-002") == "student 'u-s02' is tobedeleted"


def test_repeated_or_dangling_enrolments_are_skipped() -> None:
    extra = ("enr-again,active,2026-09-02T07:30:00.000Z,cls-y5-maths,org-rps,u-s01,student,false,,\n"
             "enr-ghost,active,2026-09-02T07:30:00.000Z,cls-y5-maths,org-rps,u-s77,student,false,,\n"
             "enr-nowhere,active,2026-09-02T07:30:00.000Z,cls-y9,org-rps,u-s01,student,false,,\n"
             "enr-aide,active,2026-09-02T07:30:00.000Z,cls-y5-maths,org-rps,u-g01,ext:parentHelper,false,,\n")
    b = read_oneroster(with_changes({"enrollments.csv": text("enrollments.csv") + extra}))
    assert skipped_reason(b, "enr-again") == "user 'u-s01' is already enrolled in class 'cls-y5-maths'"
    assert skipped_reason(b, "enr-ghost") == "unknown user 'u-s77' (not in users.csv)"
    assert skipped_reason(b, "enr-nowhere") == "unknown class 'cls-y9' (not in classes.csv)"
    assert skipped_reason(b, "enr-aide") == "role 'ext:parentHelper' is not a learner role"
    assert b.class_learners("cls-y5-maths").count("u-s01") == 1


def test_extension_score_status_is_skipped_not_refused() -> None:
    b = read_oneroster(with_changes({"results.csv": replaced("results.csv", "u-s02,fully graded,10",
                                                            "u-s02,ext:moderated,10")}))
    assert skipped_reason(b, "r-002") == "scoreStatus 'ext:moderated' is not a grade"


def test_deleted_line_item_skips_its_results() -> None:
    items = replaced("lineItems.csv", "li-dec-test,,,", "li-dec-test,tobedeleted,2026-09-16T10:00:00.000Z,")
    items = "\n".join(line.replace(",,,", ",active,2026-09-01T10:00:00.000Z,", 1) if line.startswith("li-")
                      and "tobedeleted" not in line else line for line in items.split("\n"))
    b = read_oneroster(with_changes({"manifest.csv": manifest_with(lineItems="delta"), "lineItems.csv": items}))
    assert b.line_items["li-dec-test"].status == "tobedeleted"
    assert skipped_reason(b, "r-010") == "line item 'li-dec-test' is tobedeleted"
    assert skipped_reason(b, "li-dec-test") == "status 'tobedeleted'"


# ------------------------------------------------------------------ JSON
def test_json_round_trip_is_exact(bundle: OneRosterBundle) -> None:
    document = bundle.to_json()
    again = OneRosterBundle.from_json(document)
    assert again == bundle
    assert again.to_json() == document
    assert OneRosterBundle.from_dict(json.loads(document)) == bundle
    assert OneRosterBundle.from_json(document.encode("utf-8")) == bundle
    data = bundle.to_dict()
    assert data["schema"] == "personalise.oneroster_bundle/1"
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    assert again.skipped[0] == bundle.skipped[0] and isinstance(again.skipped[0], SkippedRow)
    assert again.classes_of("u-s06") == ("cls-y5-maths", "cls-y5-sci")


def test_bundle_is_read_only(bundle: OneRosterBundle) -> None:
    with pytest.raises(TypeError):
        bundle.classes["x"] = ClassRecord("X", "org-rps", "active")  # type: ignore[index]
    with pytest.raises(AttributeError):
        bundle.users = {}  # type: ignore[misc]
    assert not bundle.evidence.scores.flags.writeable


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(schema="personalise.evidence_set/1"), "expected schema"),
    (lambda d: d.pop("rosters"), "missing the field 'rosters'"),
    (lambda d: d["users"]["u-s01"].pop("roles"), r"users\['u-s01'\] must have the fields"),
    (lambda d: d["users"]["u-s01"].update(enabled="yes"), "enabled"),
    (lambda d: d["orgs"]["org-rps"].update(status="archived"), "status must be 'active' or 'tobedeleted'"),
    (lambda d: d["line_items"]["li-dec-test"].update(result_value_min=30.0), "must exceed result_value_min"),
    (lambda d: d["line_items"]["li-dec-test"].update(learning_objectives=[["unknown"]]), "learning_objectives"),
    (lambda d: d["rosters"].update({"cls-y5-sci": ["u-nobody"]}), "names 'u-nobody', who is not in users"),
    (lambda d: d["rosters"].pop("cls-y5-sci"), "one entry per class"),
    (lambda d: d.update(classes=[]), "classes must be an object"),
    (lambda d: d["skipped"].append(["results.csv", "7", "r", "why"]), "skipped"),
    (lambda d: d["skipped"].append("results.csv"), r"skipped\[14\]"),
    (lambda d: d["manifest"].update({"file.users": 1}), "manifest"),
])
def test_from_dict_rejects_malformed_documents(bundle: OneRosterBundle, change: Any, message: str) -> None:
    data = json.loads(bundle.to_json())
    change(data)
    with pytest.raises(InvalidParameterError, match=message):
        OneRosterBundle.from_dict(data)


def test_from_json_rejects_text_that_is_not_json() -> None:
    with pytest.raises(InvalidParameterError, match="not a JSON document"):
        OneRosterBundle.from_json("{not json")
    with pytest.raises(EvidenceError):
        OneRosterBundle.from_dict({**json.loads(read_oneroster(example_bundle_files()).to_json()),
                                   "evidence": {"schema": "personalise.evidence_set/1", "rows": [{}]}})


def test_records_validate_their_fields() -> None:
    with pytest.raises(InvalidParameterError, match="name must be a non-empty string"):
        OrgRecord("", "school", None, None, "active")
    with pytest.raises(InvalidParameterError, match="result_value_max must be a finite number"):
        LineItemRecord("Quiz", "c1", 0.0, float("inf"), (), "active")
    with pytest.raises(InvalidParameterError, match="roles must be a non-empty string"):
        UserRecord("A", "B", "ab", None, True, None, (), ("",), "active")
    assert UserRecord("A", "B", "ab", None, True, None, ["u2"], ["student"], "active").agents == ("u2",)


# ------------------------------------------------------------------ broken fixtures
# case -> (error class, fragments its message must contain: the file, the line, the column, the item, the value)
BROKEN_CASES: dict[str, tuple[type[PersonaliseError], tuple[str, ...]]] = {
    "manifest_version_1_1": (EvidenceError, ("manifest.csv line 3", "'value'", "oneroster.version", "'1.1'")),
    "manifest_bad_mode": (EvidenceError, ("manifest.csv line 20", "'value'", "file.results", "'full'")),
    "manifest_header": (EvidenceError, ("manifest.csv line 1", "propertyName,value", "'property,value'")),
    "manifest_unknown_property": (EvidenceError, ("manifest.csv line 6", "'propertyName'", "'file.grades'")),
    "manifest_duplicate_property": (EvidenceError, ("manifest.csv line 27", "'file.users' repeats line 26",)),
    "manifest_absent_but_present": (EvidenceError, ("roles.csv", "manifest.csv line 22", "file.roles 'absent'")),
    "manifest_declared_but_missing": (EvidenceError, ("no courses.csv", "manifest.csv line 11", "'bulk'")),
    "users_missing_column": (EvidenceError, ("users.csv line 1", "missing column 'pronouns'", "position 22")),
    "users_unknown_column": (EvidenceError, ("users.csv line 1, column 23", "unknown column 'nickname'")),
    "users_wrong_case_column": (EvidenceError, ("users.csv line 1, column 7", "'givenname'", "'givenName'")),
    "users_metadata_before_spec": (EvidenceError, ("users.csv line 1, column 22", "'pronouns'",
                                                   "'metadata.house'")),
    "classes_column_order": (EvidenceError, ("classes.csv line 1, column 4", "'title'", "got 'grades'")),
    "classes_empty_file": (EvidenceError, ("classes.csv is empty", "header")),
    "results_truncated_line": (EvidenceError, ("results.csv line 4", "6 fields", "header has 15")),
    "results_bad_score": (EvidenceError, ("results.csv line 3, column 'score' (result 'r-002')", "'seven'")),
    "results_infinite_score": (EvidenceError, ("results.csv line 3, column 'score' (result 'r-002')", "finite",
                                               "'1e999'")),
    "results_score_out_of_range": (EvidenceError, ("results.csv line 3, column 'score' (result 'r-002')",
                                                   "line item 'li-frac-quiz'", "[0, 10]", "'12'")),
    "results_bad_date": (EvidenceError, ("results.csv line 4, column 'scoreDate' (result 'r-003')",
                                         "YYYY-MM-DD", "'11/09/2026'")),
    "results_datetime_score_date": (EvidenceError, ("results.csv line 4, column 'scoreDate' (result 'r-003')",
                                                    "without a time", "'2026-09-11T10:00:00Z'")),
    "results_bad_score_status": (EvidenceError, ("results.csv line 5, column 'scoreStatus' (result 'r-004')",
                                                 "'fully graded'", "case-sensitive", "'Fully Graded'")),
    "results_missing_student": (EvidenceError, ("results.csv line 8, column 'studentSourcedId' (result 'r-007')",
                                                "required", "got ''")),
    "results_bad_encoding": (EvidenceError, ("results.csv", "not UTF-8", "byte 0xff", "line 5")),
    "results_nul_byte": (EvidenceError, ("results.csv line 6", "NUL")),
    "results_unclosed_quote": (EvidenceError, ("results.csv line 2", "not valid CSV", "quote")),
    "lineitems_max_not_above_min": (EvidenceError, ("lineItems.csv line 3, column 'resultValueMax' (line item "
                                                    "'li-dec-test')", "exceed resultValueMin (20)", "'20'")),
    "lineitems_bad_number": (EvidenceError, ("lineItems.csv line 4, column 'resultValueMax' (line item "
                                             "'li-sci-project')", "'one hundred'")),
    "orgs_status_in_bulk": (EvidenceError, ("orgs.csv line 2, column 'status' (org 'org-rps')", "blank in a bulk",
                                            "file.orgs 'bulk'", "'active'")),
    "orgs_bad_type": (EvidenceError, ("orgs.csv line 2, column 'type' (org 'org-rps')", "'academy'")),
    "enrollments_delta_missing_status": (EvidenceError, ("enrollments.csv line 3, column 'status' (enrollment "
                                                         "'enr-m-s01')", "delta", "got ''")),
    "enrollments_delta_bad_datetime": (EvidenceError, ("enrollments.csv line 4, column 'dateLastModified' "
                                                       "(enrollment 'enr-m-s02')", "'yesterday'")),
    "enrollments_bad_role": (EvidenceError, ("enrollments.csv line 8, column 'role' (enrollment 'enr-m-s06')",
                                             "'student'", "'pupil'")),
    "users_duplicate_id": (EvidenceError, ("users.csv line 9, column 'sourcedId' (user 'u-s03')", "unique",
                                           "repeats line 5")),
    "users_empty_required": (EvidenceError, ("users.csv line 7, column 'givenName' (user 'u-s05')", "required")),
    "users_bad_boolean": (EvidenceError, ("users.csv line 10, column 'enabledUser' (user 'u-s08')", "'yes'")),
    "roles_bad_role_type": (EvidenceError, ("roles.csv line 5, column 'roleType' (role 'role-s02')", "'main'")),
    "objectives_bad_source": (EvidenceError, ("lineItemLearningObjectiveIds.csv line 3, column 'source' "
                                              "(line item objective 'lilo-2')", "'standard'")),
}


def test_every_broken_fixture_has_a_case() -> None:
    assert sorted(path.name for path in BROKEN.iterdir()) == sorted(BROKEN_CASES)


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_fixture_raises_a_named_error(case: str, tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(VALID, folder)
    shutil.copytree(BROKEN / case, folder, dirs_exist_ok=True)
    error, fragments = BROKEN_CASES[case]
    with pytest.raises(error) as info:
        read_oneroster(folder)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    # the same bundle zipped gives the same message
    zip_path = tmp_path / "bundle.zip"
    zip_path.write_bytes(zipped({path.name: path.read_bytes() for path in folder.iterdir()}))
    with pytest.raises(error) as again:
        read_oneroster(zip_path)
    assert str(again.value).replace(repr(str(zip_path)), "B") == message.replace(repr(str(folder)), "B")


# ------------------------------------------------------------------ broken bundles made in code
def test_a_missing_required_file_is_named(tmp_path: pathlib.Path) -> None:
    with pytest.raises(EvidenceError, match=r"has no results.csv, but manifest.csv line 20 declares "
                                            r"file.results 'delta'"):
        read_oneroster(with_changes({"results.csv": None}))
    with pytest.raises(EvidenceError, match=r"has no manifest.csv"):
        read_oneroster(with_changes({"manifest.csv": None}))
    with pytest.raises(EvidenceError, match=r"found 'LineItems.csv': OneRoster file names are case-sensitive"):
        files = with_changes({"lineItems.csv": None})
        files["LineItems.csv"] = (VALID / "lineItems.csv").read_bytes()
        read_oneroster(files)
    with pytest.raises(EvidenceError, match=r"read_oneroster needs orgs.csv, users.csv, classes.csv and "
                                            r"enrollments.csv \(manifest.csv declares file.users absent\)"):
        read_oneroster(with_changes({"manifest.csv": manifest_with(users="absent"), "users.csv": None}))
    with pytest.raises(EvidenceError, match=r"holds results.csv but not lineItems.csv"):
        read_oneroster(with_changes({"manifest.csv": manifest_with(lineItems="absent", lineItemLearningObjectiveIds=
                                                                   "absent"),
                                     "lineItems.csv": None, "lineItemLearningObjectiveIds.csv": None}))


def test_bad_zips_and_paths_are_named(tmp_path: pathlib.Path) -> None:
    data = zipped(valid_files())
    with pytest.raises(EvidenceError, match="not a readable zip file"):
        read_oneroster(data[: len(data) // 2])
    not_zip = tmp_path / "bundle.zip"
    not_zip.write_text("sourcedId,status\n", encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"bundle.zip' is not a readable zip file"):
        read_oneroster(not_zip)
    with pytest.raises(EvidenceError, match="no such OneRoster bundle"):
        read_oneroster(tmp_path / "nowhere")
    with pytest.raises(EvidenceError, match="no manifest.csv at its top level or in a single top-level folder"):
        read_oneroster(zipped(valid_files(), "a/b/"))
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as archive:
        for folder in ("2025/", "2026/"):
            for name, content in valid_files().items():
                archive.writestr(folder + name, content)
    with pytest.raises(EvidenceError, match=r"holds several bundles \(2025/, 2026/\)"):
        read_oneroster(two.getvalue())
    corrupt = bytearray(data)
    start = corrupt.index(b"PK\x03\x04")
    corrupt[start + 40: start + 60] = b"\x00" * 20  # damage the first member's compressed data
    with pytest.raises(EvidenceError):
        read_oneroster(bytes(corrupt))


def test_wrong_source_types_are_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(InvalidParameterError, match="source must be"):
        read_oneroster(42)
    (tmp_path / "b.zip").write_bytes(zipped(valid_files()))
    with open(tmp_path / "b.zip", encoding="latin-1") as handle, \
            pytest.raises(InvalidParameterError, match="binary mode"):
        read_oneroster(handle)
    with pytest.raises(InvalidParameterError, match="keys must be file names"):
        read_oneroster({1: "x"})
    with pytest.raises(InvalidParameterError, match="must be text or bytes"):
        read_oneroster({"manifest.csv": 3})


def test_a_delta_file_with_an_offset_free_date_is_refused() -> None:
    enrollments = replaced("enrollments.csv", "2026-09-01T07:30:00.000Z", "2026-09-01T07:30:00")
    with pytest.raises(EvidenceError, match=r"enrollments.csv line 2, column 'dateLastModified' \(enrollment "
                                            r"'enr-m-t01'\).*UTC offset.*'2026-09-01T07:30:00'"):
        read_oneroster(with_changes({"enrollments.csv": enrollments}))


def test_results_of_a_line_item_with_a_score_inside_another_range_are_checked_per_item() -> None:
    # 95 is fine out of 100, not out of 20
    results = replaced("results.csv", "li-dec-test,u-s01,fully graded,17,", "li-dec-test,u-s01,fully graded,95,")
    with pytest.raises(EvidenceError, match=r"line 11, column 'score' \(result 'r-010'\): must lie in the range "
                                            r"\[0, 20\] of line item 'li-dec-test'.*got '95'"):
        read_oneroster(with_changes({"results.csv": results}))


def test_the_example_bundle_reads() -> None:
    b = read_oneroster(example_bundle_files())
    assert b.class_learners("cls-5a") == ("u-ann", "u-bo")
    assert evidence_rows(b) == {"res-1": ("u-ann", "fractions", 0.7)}
    assert example_bundle_files() is not example_bundle_files()


def test_a_tzinfo_that_cannot_give_an_offset_is_refused() -> None:
    class FailsIn2026(dt.tzinfo):
        def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta:
            if moment is not None and moment.year == 2026:
                raise RuntimeError("no rules for 2026")
            return dt.timedelta(0)

    with pytest.raises(InvalidParameterError, match="cannot give a UTC offset"):
        read_oneroster(VALID, timezone=dt.tzinfo())
    with pytest.raises(InvalidParameterError, match="gives no UTC offset for 2026-09-04"):
        read_oneroster(VALID, timezone=FailsIn2026())


def test_the_first_bad_row_is_named_whatever_the_hash_order() -> None:
    results = replaced("results.csv", "u-s02,fully graded,10,", "u-s02,fully graded,ten,")
    results = results.replace("u-s03,partially graded,5,2026-09-11", "u-s03,partially graded,five,2026-9-11")
    results = results.replace("u-s04,fully graded,6,2026-09-11", "u-s04,fully graded,six,2026-09-31")
    with pytest.raises(EvidenceError, match=r"results.csv line 3, column 'score' \(result 'r-002'\).*'ten'"):
        read_oneroster(with_changes({"results.csv": results}))
    dates = results.replace(",ten,", ",10,").replace(",five,", ",5,").replace(",six,", ",6,")
    with pytest.raises(EvidenceError, match=r"results.csv line 4, column 'scoreDate' \(result 'r-003'\).*'2026-9-11'"):
        read_oneroster(with_changes({"results.csv": dates}))


def test_a_path_with_a_nul_byte_is_a_named_error() -> None:
    with pytest.raises(EvidenceError, match="cannot read the OneRoster bundle"):
        read_oneroster("bundle\x00.zip")


def test_from_dict_rejects_a_roster_entry_that_is_not_an_id(bundle: OneRosterBundle) -> None:
    data = json.loads(bundle.to_json())
    data["rosters"]["cls-y5-sci"] = [["u-s05"]]
    with pytest.raises(InvalidParameterError, match=r"names \['u-s05'\], who is not in users"):
        OneRosterBundle.from_dict(data)


def test_roles_and_objectives_headers_are_the_specification_s() -> None:
    # the property tests write the other files with headers spelled out from the specification
    assert text("roles.csv").split("\r\n" if "\r\n" in text("roles.csv") else "\n")[0] == (
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,"
        "userProfileSourcedId")
    assert RESULT_OBJECTIVES.split("\n")[0] == ("sourcedId,status,dateLastModified,resultSourcedId,source,"
                                                "learningObjectiveId,score,textScore")


def test_a_range_that_does_not_start_at_zero_scales_from_its_minimum() -> None:
    items = replaced("lineItems.csv", "cls-y5-maths,cat-test,term-2026-a,0,20,",
                     "cls-y5-maths,cat-test,term-2026-a,-4,20,")
    rows = evidence_rows(read_oneroster(with_changes({"lineItems.csv": items})))
    assert rows["r-010"][2] == (17 + 4) / 24  # (score - min) / (max - min)
    assert rows["r-011"][2] == 4 / 24
    assert rows["r-012"][2] == 1.0
