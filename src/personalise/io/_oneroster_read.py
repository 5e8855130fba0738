"""The work of :func:`~personalise.io.oneroster.read_oneroster`: rows to records, results to evidence (private).

The roster files are small and read row by row into the records of
:mod:`personalise.io.oneroster`; ``results.csv`` can be large and is checked,
scaled and classified column-wise with NumPy (:func:`_evidence`). Every row
left out is recorded as a :class:`~personalise.io.oneroster.SkippedRow`.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._validation import TIME_UNIT
from personalise.evidence import Evidence
from personalise.exceptions import EvidenceError, InvalidParameterError
from personalise.io._oneroster_csv import (
    BOOLEANS,
    COLUMNS,
    ENROLLMENT_ROLES,
    OBJECTIVE_SOURCES,
    ORG_TYPES,
    ROLE_TYPES,
    ROLES,
    SCORE_STATUSES,
    Table,
    distinct,
    file_modes,
    load_bundle,
    parse_manifest,
    split_list,
)
from personalise.io.oneroster import (
    ClassRecord,
    LineItemRecord,
    OrgRecord,
    SkippedRow,
    UserRecord,
)

#: The ``scoreStatus`` values whose results are evidence.
GRADED = frozenset({"fully graded", "partially graded"})
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MICROSECOND = _dt.timedelta(microseconds=1)

Parts = tuple[
    dict[str, str], dict[str, OrgRecord], dict[str, ClassRecord], dict[str, UserRecord],
    dict[str, LineItemRecord], dict[str, tuple[str, ...]], Evidence, list[SkippedRow],
]


def read_bundle(source: Any, skill_of: Any, timezone: Any) -> Parts:
    """The fields of a :class:`~personalise.io.oneroster.OneRosterBundle`, in order, read from ``source``."""
    skills = _check_skill_of(skill_of)
    zone = _check_timezone(timezone)
    bundle = load_bundle(source)
    manifest, manifest_lines = parse_manifest(bundle)
    modes = file_modes(bundle, manifest, manifest_lines)
    for name in ("orgs.csv", "users.csv", "classes.csv", "enrollments.csv"):
        if modes[name] == "absent":
            raise EvidenceError(f"{bundle.label} has no {name}: read_oneroster needs orgs.csv, users.csv, "
                                "classes.csv and enrollments.csv (manifest.csv declares file."
                                f"{name[:-4]} absent)", value=name)
    for name, needs in (("results.csv", "lineItems.csv"), ("lineItemLearningObjectiveIds.csv", "lineItems.csv"),
                        ("resultLearningObjectiveIds.csv", "results.csv")):
        if modes[name] != "absent" and modes[needs] == "absent":
            raise EvidenceError(f"{bundle.label} holds {name} but not {needs}, which it refers to", value=needs)
    tables = {name: Table(name, modes[name], bundle.text(name)) for name in COLUMNS if modes[name] != "absent"}
    skipped: list[SkippedRow] = []
    orgs = _read_orgs(tables["orgs.csv"], skipped)
    users = _read_users(tables["users.csv"], tables.get("roles.csv"), skipped)
    classes = _read_classes(tables["classes.csv"], skipped)
    rosters, learners = _read_enrollments(tables["enrollments.csv"], classes, users, skipped)
    if "roles.csv" in tables:
        learners.update(user_id for user_id, user in users.items() if "student" in user.roles)
    line_items = _read_line_items(tables.get("lineItems.csv"), tables.get("lineItemLearningObjectiveIds.csv"),
                                  skipped)
    results = tables.get("results.csv")
    if results is None:
        evidence = Evidence([], [], [], np.zeros(0, dtype=TIME_UNIT), [])
    else:
        objectives = _read_result_objectives(tables.get("resultLearningObjectiveIds.csv"), results)
        evidence, result_skips = _evidence(results, line_items, users, learners, skills, objectives, zone)
        skipped.extend(result_skips)
        if "resultLearningObjectiveIds.csv" in tables:
            skipped.extend(_result_objective_skips(tables["resultLearningObjectiveIds.csv"], results))
    return manifest, orgs, classes, users, line_items, rosters, evidence, skipped


def _check_skill_of(skill_of: Any) -> dict[str, str]:
    if skill_of is None:
        return {}
    if not isinstance(skill_of, Mapping):
        raise InvalidParameterError(f"skill_of must map line item sourcedIds to skill ids; got "
                                    f"{type(skill_of).__name__}", value=skill_of)
    for key, value in skill_of.items():
        if not (isinstance(key, str) and key and isinstance(value, str) and value):
            raise InvalidParameterError(f"skill_of must map line item sourcedIds (str) to skill ids (non-empty str); "
                                        f"got {key!r}: {value!r}", value=(key, value))
    return dict(skill_of)


def _check_timezone(zone: Any) -> _dt.tzinfo:
    if isinstance(zone, _dt.tzinfo):
        try:  # a user's tzinfo may raise anything (the abstract base class raises NotImplementedError)
            offset = zone.utcoffset(_dt.datetime(2000, 1, 1, tzinfo=zone))
        except Exception as err:
            raise InvalidParameterError(f"timezone {zone!r} cannot give a UTC offset ({err!r})", value=zone) from None
        if offset is None:
            raise InvalidParameterError(f"timezone {zone!r} gives no UTC offset", value=zone)
        return zone
    if not isinstance(zone, str):
        raise InvalidParameterError(f"timezone must be 'UTC', an offset such as '+10:00', an IANA name or a tzinfo; "
                                    f"got {zone!r}", value=zone)
    if zone in ("UTC", "Z"):
        return _dt.timezone.utc
    if len(zone) == 6 and zone[0] in "+-" and zone[3] == ":" and zone[1:3].isdigit() and zone[4:].isdigit():
        hours, minutes = int(zone[1:3]), int(zone[4:])
        if hours < 24 and minutes < 60:
            sign = -1 if zone[0] == "-" else 1
            return _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes))
    try:
        return zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidParameterError(f"timezone must be 'UTC', an offset such as '+10:00' or '-05:00', or an IANA "
                                    f"name such as 'Europe/London'; got {zone!r}", value=zone) from None


def _status_of(table: Table, i: int) -> str:
    return "tobedeleted" if table.deleted[i] else "active"


def _skip(skipped: list[SkippedRow], table: Table, i: int, reason: str) -> None:
    skipped.append(SkippedRow(table.name, table.line(i), table.ids[i], reason))


def _read_orgs(table: Table, skipped: list[SkippedRow]) -> dict[str, OrgRecord]:
    names = table.required("name")
    kinds = table.vocabulary("type", ORG_TYPES, extensible=True)
    identifiers, parents = table.column("identifier"), table.column("parentSourcedId")
    orgs = {}
    for i, sid in enumerate(table.ids):
        orgs[sid] = OrgRecord(names[i], kinds[i], identifiers[i] or None, parents[i] or None, _status_of(table, i))
        if table.deleted[i]:
            _skip(skipped, table, i, "status 'tobedeleted'")
    return orgs


def _read_users(table: Table, roles_table: Table | None, skipped: list[SkippedRow]) -> dict[str, UserRecord]:
    enabled = table.vocabulary("enabledUser", BOOLEANS, extensible=False)
    usernames = table.required("username")
    given, family = table.required("givenName"), table.required("familyName")
    identifiers, agents = table.column("identifier"), table.column("agentSourcedIds")
    primary_orgs = table.column("primaryOrgSourcedId")
    roles: dict[str, list[tuple[bool, str]]] = {}
    role_skips: list[SkippedRow] = []
    if roles_table is not None:
        known = set(table.ids)
        deleted_users = {sid for sid, gone in zip(table.ids, table.deleted) if gone}
        role_users = roles_table.required("userSourcedId")
        role_types = roles_table.vocabulary("roleType", ROLE_TYPES, extensible=False)
        role_names = roles_table.vocabulary("role", ROLES, extensible=True)
        roles_table.required("orgSourcedId")
        for i, user_id in enumerate(role_users):
            if roles_table.deleted[i]:
                _skip(role_skips, roles_table, i, "status 'tobedeleted'")
            elif user_id not in known:
                _skip(role_skips, roles_table, i, f"unknown user {user_id!r} (not in users.csv)")
            elif user_id in deleted_users:
                _skip(role_skips, roles_table, i, f"user {user_id!r} is tobedeleted")
            else:
                roles.setdefault(user_id, []).append((role_types[i] != "primary", role_names[i]))
    users = {}
    for i, sid in enumerate(table.ids):
        user_roles = distinct(role for _, role in sorted(roles.get(sid, ()), key=lambda pair: pair[0]))
        users[sid] = UserRecord(given[i], family[i], usernames[i], identifiers[i] or None, enabled[i] == "true",
                                primary_orgs[i] or None, split_list(agents[i]), user_roles, _status_of(table, i))
        if table.deleted[i]:
            _skip(skipped, table, i, "status 'tobedeleted'")
    skipped.extend(role_skips)
    return users


def _read_classes(table: Table, skipped: list[SkippedRow]) -> dict[str, ClassRecord]:
    titles, schools = table.required("title"), table.required("schoolSourcedId")
    classes = {}
    for i, sid in enumerate(table.ids):
        classes[sid] = ClassRecord(titles[i], schools[i], _status_of(table, i))
        if table.deleted[i]:
            _skip(skipped, table, i, "status 'tobedeleted'")
    return classes


def _read_enrollments(
    table: Table, classes: Mapping[str, ClassRecord], users: Mapping[str, UserRecord], skipped: list[SkippedRow]
) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    class_ids, user_ids = table.required("classSourcedId"), table.required("userSourcedId")
    roles = table.vocabulary("role", ENROLLMENT_ROLES, extensible=True)
    rosters: dict[str, list[str]] = {class_id: [] for class_id in classes}
    members: set[tuple[str, str]] = set()
    for i, (class_id, user_id, role) in enumerate(zip(class_ids, user_ids, roles)):
        klass, user = classes.get(class_id), users.get(user_id)
        if table.deleted[i]:
            reason = "status 'tobedeleted'"
        elif klass is None:
            reason = f"unknown class {class_id!r} (not in classes.csv)"
        elif klass.status == "tobedeleted":
            reason = f"class {class_id!r} is tobedeleted"
        elif user is None:
            reason = f"unknown user {user_id!r} (not in users.csv)"
        elif user.status == "tobedeleted":
            reason = f"user {user_id!r} is tobedeleted"
        elif role != "student":
            reason = f"role {role!r} is not a learner role"
        elif (class_id, user_id) in members:
            reason = f"user {user_id!r} is already enrolled in class {class_id!r}"
        else:
            members.add((class_id, user_id))
            rosters[class_id].append(user_id)
            continue
        _skip(skipped, table, i, reason)
    return {class_id: tuple(learners) for class_id, learners in rosters.items()}, {user for _, user in members}


def _read_line_items(
    table: Table | None, objectives_table: Table | None, skipped: list[SkippedRow]
) -> dict[str, LineItemRecord]:
    if table is None:
        return {}
    titles, class_ids = table.required("title"), table.required("classSourcedId")
    low_text, high_text = table.column("resultValueMin"), table.column("resultValueMax")
    lows, highs = table.numbers("resultValueMin"), table.numbers("resultValueMax")
    objectives: dict[str, list[tuple[str, str]]] = {}
    objective_skips: list[SkippedRow] = []
    if objectives_table is not None:
        targets = objectives_table.required("lineItemSourcedId")
        sources = objectives_table.vocabulary("source", OBJECTIVE_SOURCES, extensible=True)
        ids = objectives_table.required("learningObjectiveId")
        known = set(table.ids)
        for i, target in enumerate(targets):
            if objectives_table.deleted[i]:
                _skip(objective_skips, objectives_table, i, "status 'tobedeleted'")
            elif target not in known:
                _skip(objective_skips, objectives_table, i, f"unknown line item {target!r} (not in lineItems.csv)")
            else:
                objectives.setdefault(target, []).append((sources[i], ids[i]))
    items = {}
    for i, sid in enumerate(table.ids):
        low, high = lows[low_text[i]], highs[high_text[i]]
        if low_text[i] and high_text[i] and not high > low:
            raise table.error(i, "resultValueMax", f"must exceed resultValueMin ({low_text[i]}) so scores can be "
                              "scaled to [0, 1]", high_text[i])
        items[sid] = LineItemRecord(titles[i], class_ids[i], None if np.isnan(low) else low,
                                    None if np.isnan(high) else high, distinct(objectives.get(sid, ())),
                                    _status_of(table, i))
        if table.deleted[i]:
            _skip(skipped, table, i, "status 'tobedeleted'")
    skipped.extend(objective_skips)
    return items


def _read_result_objectives(table: Table | None, results: Table) -> dict[str, tuple[str, ...]]:
    """Result ``sourcedId`` -> its learning objective ids (active rows naming a known result)."""
    if table is None:
        return {}
    targets = table.required("resultSourcedId")
    table.vocabulary("source", OBJECTIVE_SOURCES, extensible=True)
    ids = table.required("learningObjectiveId")
    table.numbers("score")
    known = set(results.ids)
    found: dict[str, list[str]] = {}
    for i, target in enumerate(targets):
        if not table.deleted[i] and target in known:
            found.setdefault(target, []).append(ids[i])
    return {key: distinct(value) for key, value in found.items()}


def _result_objective_skips(table: Table, results: Table) -> list[SkippedRow]:
    known = set(results.ids)
    out: list[SkippedRow] = []
    for i, target in enumerate(table.column("resultSourcedId")):
        if table.deleted[i]:
            _skip(out, table, i, "status 'tobedeleted'")
        elif target not in known:
            _skip(out, table, i, f"unknown result {target!r} (not in results.csv)")
    return out


# Why a result is not evidence, by priority (0: it is evidence).
_REASONS = (
    "", "status 'tobedeleted'", "scoreStatus {status!r} is not a grade", "scoreStatus {status!r} but the score is "
    "empty", "unknown line item {item!r} (not in lineItems.csv)", "line item {item!r} is tobedeleted",
    "line item {item!r} has no resultValueMin/resultValueMax, so its scores cannot be scaled to [0, 1]",
    "unknown student {student!r} (not in users.csv)", "student {student!r} is tobedeleted",
    "user {student!r} is not a student (no active student enrolment or role)",
    "line item {item!r} has no skill (no skill_of entry, no learning objective)",
    "{objectives}: give skill_of to choose one skill",
)


def _evidence(
    table: Table,
    line_items: Mapping[str, LineItemRecord],
    users: Mapping[str, UserRecord],
    learners: set[str],
    skill_of: Mapping[str, str],
    result_objectives: Mapping[str, tuple[str, ...]],
    zone: _dt.tzinfo,
) -> tuple[Evidence, list[SkippedRow]]:
    n = len(table)
    item_col, student_col = table.required("lineItemSourcedId"), table.required("studentSourcedId")
    status_col = table.vocabulary("scoreStatus", SCORE_STATUSES, extensible=True)
    score_col, date_col = table.column("score"), table.column("scoreDate")
    score_of, day_of = table.numbers("score"), table.dates("scoreDate")
    # per line item (position; the last is "unknown"): range, state and skill
    item_ids = list(line_items)
    position = {item_id: k for k, item_id in enumerate(item_ids)}
    unknown = len(item_ids)
    lows = np.array([_or_nan(item.result_value_min) for item in line_items.values()] + [np.nan])
    highs = np.array([_or_nan(item.result_value_max) for item in line_items.values()] + [np.nan])
    item_deleted = np.array([item.status == "tobedeleted" for item in line_items.values()] + [False])
    item_skill, item_code, item_note = _line_item_skills(line_items, skill_of)
    # per row, column-wise
    idx = np.fromiter(map(position.get, item_col, itertools.repeat(unknown)), dtype=np.intp, count=n)
    user_ids = list(users)
    user_at = {user_id: k for k, user_id in enumerate(user_ids)}
    who = np.fromiter(map(user_at.get, student_col, itertools.repeat(len(user_ids))), dtype=np.intp, count=n)
    # per user (the last is "unknown"): 0 a learner, 1 unknown, 2 tobedeleted, 3 not a student
    user_code = np.array([2 if user.status == "tobedeleted" else 0 if user_id in learners else 3
                          for user_id, user in users.items()] + [1], dtype=np.int8)
    student = user_code[who]
    scores = np.fromiter(map(score_of.__getitem__, score_col), dtype=np.float64, count=n)
    graded = np.fromiter(map(GRADED.__contains__, status_col), dtype=bool, count=n)
    deleted = np.array(table.deleted, dtype=bool)
    skills = _strings(item_skill)[idx]
    skill_code = np.array(item_code, dtype=np.int8)[idx]
    notes: dict[int, str] = {}
    if result_objectives:
        skills = skills.astype(object)
        row_of = {sid: i for i, sid in enumerate(table.ids)}
        for result_id, objectives in result_objectives.items():
            i = row_of[result_id]
            if item_col[i] in skill_of:
                continue
            if len(objectives) == 1:
                skills[i], skill_code[i] = objectives[0], 0
            else:
                skill_code[i] = 11
                notes[i] = f"result {result_id!r} has {len(objectives)} learning objectives ({_listed(objectives)})"
    code = np.zeros(n, dtype=np.int8)
    for why, mask in enumerate((deleted, ~graded, np.isnan(scores), idx == unknown, item_deleted[idx],
                                np.isnan(lows[idx]) | np.isnan(highs[idx]), student == 1, student == 2,
                                student == 3), start=1):
        code[(code == 0) & mask] = why
    code[(code == 0) & (skill_code != 0)] = skill_code[(code == 0) & (skill_code != 0)]
    usable = (code == 0) | (code >= 7)
    low, high = lows[idx], highs[idx]
    with np.errstate(invalid="ignore"):
        outside = usable & ((scores < low) | (scores > high))
    if outside.any():
        i = int(np.argmax(outside))
        raise table.error(i, "score", f"must lie in the range [{low[i]:g}, {high[i]:g}] of line item "
                          f"{item_col[i]!r} (resultValueMin, resultValueMax)", score_col[i])
    keep = np.flatnonzero(code == 0)
    stamps = _end_of_day(day_of, zone)
    when = np.fromiter(map(stamps.__getitem__, date_col), dtype=np.int64, count=n)[keep].view(TIME_UNIT)
    scaled = (scores[keep] - low[keep]) / (high[keep] - low[keep])
    skipped = []
    for i in np.flatnonzero(code).tolist():
        c = int(code[i])
        if c == 11:
            reason = _REASONS[11].format(objectives=notes.get(i) or item_note[int(idx[i])])
        else:
            reason = _REASONS[c].format(status=status_col[i], item=item_col[i], student=student_col[i])
        skipped.append(SkippedRow(table.name, table.line(i), table.ids[i], reason))
    evidence = Evidence(
        _strings(user_ids)[who[keep]],
        skills[keep].astype(np.str_) if skills.dtype == object else skills[keep],
        scaled,
        when,
        _strings(table.ids)[keep],
        sources="results.csv" if keep.size else None,  # no rows, no sources (as its JSON round trip gives)
        skipped=[(sid, f"{file} line {line}: {reason}") for file, line, sid, reason in skipped],
    )
    return evidence, skipped


def _strings(values: Sequence[str]) -> NDArray[np.str_]:
    """Strings as a NumPy ``str_`` array (width found first: faster than letting NumPy discover it)."""
    return np.array(values, dtype=f"U{max(map(len, values), default=1) or 1}")


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else value


def _listed(ids: Iterable[str]) -> str:
    return ", ".join(repr(x) for x in ids)


def _line_item_skills(
    line_items: Mapping[str, LineItemRecord], skill_of: Mapping[str, str]
) -> tuple[list[str], list[int], list[str]]:
    """Per line item (and a last "unknown" entry): its skill, 0/10/11 (ok, none, ambiguous) and a note."""
    skills, codes, notes = [], [], []
    for item_id, item in line_items.items():
        objectives = distinct(objective for _, objective in item.learning_objectives)
        skill, code, note = "", 0, ""
        if item_id in skill_of:
            skill = skill_of[item_id]
        elif len(objectives) == 1:
            skill = objectives[0]
        elif not objectives:
            code = 10
        else:
            code = 11
            note = f"line item {item_id!r} has {len(objectives)} learning objectives ({_listed(objectives)})"
        skills.append(skill)
        codes.append(code)
        notes.append(note)
    return skills + [""], codes + [0], notes + [""]


def _end_of_day(days: Mapping[str, _dt.date], zone: _dt.tzinfo) -> dict[str, int]:
    """Each date's last microsecond in ``zone``, as microseconds since the epoch (UTC)."""
    out = {}
    for text, day in sorted(days.items()):
        local = _dt.datetime.combine(day, _dt.time.max, tzinfo=zone)
        try:  # a user's tzinfo may fail on some dates
            out[text] = (local - _EPOCH) // _MICROSECOND
        except Exception as err:
            raise InvalidParameterError(f"timezone {zone!r} gives no UTC offset for {text} ({err!r})",
                                        value=zone) from None
    return out