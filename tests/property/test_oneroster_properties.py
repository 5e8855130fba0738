"""Properties of read_oneroster over generated OneRoster 1.2 bundles.

* A generated bundle (random quoting, commas, quotes and line breaks inside
  fields, LF or CRLF, a BOM or not, bulk or delta files, any ``scoreStatus``,
  ranges such as -5..5 or 1..4) reads back to the roster and the scores
  computed from the model: each class's students in enrolment order, and
  ``(score - min) / (max - min)`` at the end of ``scoreDate`` (UTC).
* The same bundle as a zip reads the same, and its JSON round trip is exact.
* Random corruption of the fixture bundle (truncated files or lines, bad
  bytes, wrong types, missing or moved columns, a damaged zip) only ever
  raises :class:`PersonaliseError` subclasses, quickly.
"""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from personalise.exceptions import PersonaliseError
from personalise.io.oneroster import OneRosterBundle, read_oneroster
from tests.strategies import examples

VALID = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "oneroster" / "valid"
#: Each example reads a small bundle: a slow one (say, quadratic in its input) is a bug.
QUICKLY = 5.0

# The OneRoster 1.2 CSV headers, spelled out here independently of the reader.
HEADERS = {
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
                 "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,"
                 "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
                   "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,"
                       "beginDate,endDate",
    "lineItems.csv": "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,"
                     "categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax,schoolSourcedId",
    "results.csv": "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,"
                   "scoreDate,comment,textScore,classSourcedId,inProgress,incomplete,late,missing",
    "lineItemLearningObjectiveIds.csv": "sourcedId,status,dateLastModified,lineItemSourcedId,source,"
                                        "learningObjectiveId",
}
STATUSES = ("fully graded", "partially graded", "exempt", "not submitted", "submitted")

ids = st.text(alphabet="abcdefghijkXYZ0123456789._-", min_size=1, max_size=6)
# titles and names: commas, quotes, line breaks, spaces at the ends, non-ASCII letters
texts = st.text(alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                   st.sampled_from(',"\n\r\t ')), min_size=1, max_size=10)
days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
ranges = st.sampled_from([(0, 10), (0, 20), (0, 100), (-5, 5), (1, 4), (0.5, 2.5)])


@dataclass
class Model:
    """What a generated bundle holds, and what reading it must give."""

    files: dict[str, list[list[str]]] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)
    rosters: dict[str, list[str]] = field(default_factory=dict)
    evidence: dict[str, tuple[str, str, float, str]] = field(default_factory=dict)
    users: dict[str, tuple[str, str]] = field(default_factory=dict)


def lifecycle(draw: Any, mode: str, deletable: bool) -> tuple[str, str, bool]:
    """``(status, dateLastModified, deleted)`` for a row of a bulk or delta file."""
    if mode == "bulk":
        return "", "", False
    deleted = deletable and draw(st.booleans())
    moment = draw(st.sampled_from(["2026-09-01T08:00:00.000Z", "2026-09-01T08:00:00Z", "2026-09-01T10:00:00+02:00"]))
    return ("tobedeleted" if deleted else "active"), moment, deleted


@st.composite
def models(draw: Any) -> Model:
    m = Model()
    for name in HEADERS:
        m.modes[name] = draw(st.sampled_from(["bulk", "delta"]))
    m.files["orgs.csv"] = [["org." + draw(ids), *lifecycle(draw, m.modes["orgs.csv"], False)[:2], draw(texts),
                            "school", "", ""]]
    org = m.files["orgs.csv"][0][0]
    students = [f"s{i}-{draw(ids)}" for i in range(draw(st.integers(1, 6)))]
    teacher = "t-" + draw(ids)
    users = []
    for user_id in [*students, teacher]:
        given, family = draw(texts), draw(texts)
        m.users[user_id] = (given, family)
        status, modified, _ = lifecycle(draw, m.modes["users.csv"], False)
        users.append([user_id, status, modified, "true", draw(texts), "", given, family, *[""] * 5, "", "", "", "",
                      "", "", "", org, ""])
    m.files["users.csv"] = users
    classes = [f"c{k}-{draw(ids)}" for k in range(draw(st.integers(1, 3)))]
    m.files["classes.csv"] = []
    for class_id in classes:
        status, modified, _ = lifecycle(draw, m.modes["classes.csv"], False)
        m.files["classes.csv"].append([class_id, status, modified, draw(texts), "", "", "", "scheduled", draw(texts),
                                       org, "", "", "", ""])
        m.rosters[class_id] = []
    m.files["enrollments.csv"] = []
    for k, (class_id, user_id) in enumerate(draw(st.lists(st.tuples(st.sampled_from(classes),
                                                                    st.sampled_from([*students, teacher])),
                                                          max_size=12))):
        role = "teacher" if user_id == teacher else "student"
        status, modified, deleted = lifecycle(draw, m.modes["enrollments.csv"], True)
        m.files["enrollments.csv"].append([f"e{k}", status, modified, class_id, org, user_id, role, "", "", ""])
        if role == "student" and not deleted and user_id not in m.rosters[class_id]:
            m.rosters[class_id].append(user_id)
    learners = {user for roster in m.rosters.values() for user in roster}
    items = []
    m.files["lineItems.csv"], m.files["lineItemLearningObjectiveIds.csv"] = [], []
    for j in range(draw(st.integers(1, 3))):
        low, high = draw(ranges)
        item_id, skill = f"li{j}-{draw(ids)}", draw(st.none() | ids)
        items.append((item_id, low, high, skill))
        status, modified, _ = lifecycle(draw, m.modes["lineItems.csv"], False)
        m.files["lineItems.csv"].append([item_id, status, modified, draw(texts), draw(texts), "2026-09-01",
                                         "2026-09-30", classes[0], "cat", "term", f"{low}", f"{high}", org])
        if skill is not None:
            status, modified, _ = lifecycle(draw, m.modes["lineItemLearningObjectiveIds.csv"], False)
            m.files["lineItemLearningObjectiveIds.csv"].append([f"lo{j}", status, modified, item_id,
                                                                draw(st.sampled_from(["case", "unknown"])), skill])
    m.files["results.csv"] = []
    for k in range(draw(st.integers(0, 15))):
        item_id, low, high, skill = draw(st.sampled_from(items))
        student = draw(st.sampled_from([*students, teacher]))
        score_status = draw(st.sampled_from(STATUSES))
        steps = draw(st.integers(0, 8))
        value = low + steps * (high - low) / 8
        score = draw(st.sampled_from([repr(value), f"{value:.3f}", f"{value:g}", ""]))
        day = draw(days)
        status, modified, deleted = lifecycle(draw, m.modes["results.csv"], True)
        result_id = f"r{k}-{draw(ids)}"
        m.files["results.csv"].append([result_id, status, modified, item_id, student, score_status, score,
                                       day.isoformat(), draw(texts), "", "", "", "", "", ""])
        if (score and score_status in STATUSES[:2] and not deleted and student in learners
                and skill is not None):
            stamp = f"{day.isoformat()}T23:59:59.999999"
            m.evidence[result_id] = (student, skill, (float(score) - low) / (high - low), stamp)
    return m


@st.composite
def written(draw: Any, model: Model) -> dict[str, bytes]:
    """The model's files as CSV bytes: each field quoted when it must be, and at random otherwise."""
    out = {}
    manifest = ["propertyName,value", "manifest.version,1.0", "oneroster.version,1.2"]
    manifest += [f"file.{name[:-4]},{mode}" for name, mode in model.modes.items()]
    out["manifest.csv"] = ("\n".join(manifest) + "\n").encode("utf-8")
    for name, rows in model.files.items():
        end = draw(st.sampled_from(["\n", "\r\n"]))
        lines = [HEADERS[name]]
        for row in rows:
            cells = []
            for cell in row:
                needs = any(c in cell for c in ',"\n\r')
                if needs or draw(st.booleans()):
                    cell = '"' + cell.replace('"', '""') + '"'
                cells.append(cell)
            lines.append(",".join(cells))
        data = (end.join(lines) + draw(st.sampled_from([end, ""]))).encode("utf-8")
        out[name] = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data
    return out


@examples(60)
@given(st.data())
def test_generated_bundles_read_back_to_the_model(data: st.DataObject) -> None:
    model = data.draw(models())
    files = data.draw(written(model))
    bundle = read_oneroster(files)
    assert {class_id: list(bundle.class_learners(class_id)) for class_id in bundle.classes} == model.rosters
    assert {user_id: (user.given_name, user.family_name) for user_id, user in bundle.users.items()} == model.users
    ev = bundle.evidence
    got = {e: (learner, skill, score, str(stamp)) for e, learner, skill, score, stamp in zip(
        ev.evidence_ids.tolist(), ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.scores.tolist(), ev.timestamps)}
    assert got == model.evidence
    results = [row[0] for row in model.files["results.csv"]]
    skipped = [row.sourced_id for row in bundle.skipped if row.file == "results.csv"]
    assert sorted(skipped + list(got)) == sorted(results)  # every result is evidence or skipped, once
    # the same files zipped, and the JSON round trip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    assert read_oneroster(buffer.getvalue()) == bundle
    assert OneRosterBundle.from_json(bundle.to_json()) == bundle


def _valid() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in VALID.iterdir()}


def _corrupt(data: st.DataObject, content: bytes) -> bytes:
    kind = data.draw(st.sampled_from(["truncate", "bytes", "drop_line", "cut_line", "field", "header",
                                      "duplicate_line", "swap_columns"]))
    lines = content.split(b"\n")
    if kind == "truncate":
        return content[: data.draw(st.integers(0, len(content)))]
    if kind == "bytes":
        at = data.draw(st.integers(0, len(content)))
        return content[:at] + data.draw(st.binary(min_size=1, max_size=4)) + content[at:]
    i = data.draw(st.integers(0, len(lines) - 1))
    if kind == "drop_line":
        del lines[i]
    elif kind == "cut_line":
        lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind in ("field", "header"):
        i = 0 if kind == "header" else i
        cells = lines[i].split(b",")
        k = data.draw(st.integers(0, len(cells) - 1))
        cells[k] = data.draw(st.sampled_from([b"", b"x", b"-1", b"1e999", b"nan", b'"', b"2026-02-30", b"ext:",
                                              b"tobedeleted", b"fully graded", b"metadata.x", b"\xff"]))
        lines[i] = b",".join(cells)
    else:  # swap two header columns
        cells = lines[0].split(b",")
        a, b = data.draw(st.integers(0, len(cells) - 1)), data.draw(st.integers(0, len(cells) - 1))
        cells[a], cells[b] = cells[b], cells[a]
        lines[0] = b",".join(cells)
    return b"\n".join(lines)


def _read(source: Any) -> None:
    start = time.perf_counter()
    try:
        result = read_oneroster(source)
    except PersonaliseError:
        pass
    else:
        assert isinstance(result, OneRosterBundle)
    assert time.perf_counter() - start < QUICKLY


@examples(120)
@given(st.data())
def test_corrupted_files_only_raise_named_errors(data: st.DataObject) -> None:
    files = _valid()
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from(sorted(files)))
        files[name] = _corrupt(data, files[name])
    _read(files)


@examples(40)
@given(st.data())
def test_corrupted_zips_only_raise_named_errors(data: st.DataObject) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=data.draw(st.sampled_from([zipfile.ZIP_STORED,
                                                                              zipfile.ZIP_DEFLATED]))) as archive:
        for name, content in _valid().items():
            archive.writestr(name, content)
    raw = bytearray(buffer.getvalue())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    _read(bytes(raw))
