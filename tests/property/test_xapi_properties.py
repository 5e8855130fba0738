"""Properties of read_xapi over generated xAPI statements.

* every valid statement with an outcome gives exactly the row its rules say
  (learner key, activity, score, UTC time, lower-case id), whatever the
  serialisation (array, StatementResult, JSON Lines, bytes, parsed);
* the evidence does not depend on the order of the statements, nor on copies
  sent again (with another ``stored``, ``authority`` or id case);
* voiding any subset removes exactly that subset;
* no input, however mangled, raises anything but ``EvidenceError``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from personalise.exceptions import EvidenceError
from personalise.io.xapi import VOIDED
from personalise.io.xapi import read_xapi as _read_xapi
from tests.strategies import examples

LMS = "https://lms.oakfield-primary.example"
UTC = dt.timezone.utc

offsets = st.integers(min_value=-14 * 4, max_value=14 * 4).map(lambda q: dt.timezone(dt.timedelta(minutes=15 * q)))
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31), timezones=offsets)


def read_xapi(source: Any, **options: Any) -> Any:
    """``read_xapi`` with the activity id as the skill id."""
    options.setdefault("skill_of", lambda activity: activity)
    return _read_xapi(source, **options)


@st.composite
def agents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """An Agent and the learner id read_xapi must give it (account.name, else the identifier as written)."""
    name = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=8))
    kind = draw(st.sampled_from(["mbox", "mbox_sha1sum", "openid", "account"]))
    if kind == "mbox":
        domain = draw(st.sampled_from(["oakfield-primary.example", "Oakfield-Primary.EXAMPLE"]))
        return {"mbox": f"mailto:{name}@{domain}"}, f"mailto:{name}@{domain}"
    if kind == "mbox_sha1sum":
        digest = draw(st.text("0123456789abcdefABCDEF", min_size=40, max_size=40))
        return {"objectType": "Agent", "mbox_sha1sum": digest}, digest
    if kind == "openid":
        return {"openid": f"https://id.oakfield-primary.example/{name}"}, f"https://id.oakfield-primary.example/{name}"
    return {"account": {"homePage": LMS, "name": name}}, name


@st.composite
def results(draw: st.DrawFn) -> tuple[dict[str, Any], float]:
    """A result with an outcome and the score in [0, 1] it stands for."""
    kind = draw(st.sampled_from(["scaled", "raw", "success"]))
    if kind == "scaled":
        scaled = draw(st.floats(min_value=-1, max_value=1))
        extra = draw(st.dictionaries(st.sampled_from(["success", "completion"]), st.booleans()))
        return {"score": {"scaled": scaled}, **extra}, max(scaled, 0.0)
    if kind == "raw":
        low = draw(st.integers(min_value=-50, max_value=50))
        high = low + draw(st.integers(min_value=1, max_value=100))
        raw = draw(st.floats(min_value=low, max_value=high))
        return {"score": {"raw": raw, "min": low, "max": high}}, (raw - low) / (high - low)
    success = draw(st.booleans())
    return {"success": success, "completion": True}, float(success)


def stamp_text(moment: dt.datetime, style: int) -> str:
    text = moment.isoformat()
    if style == 1 and moment.utcoffset() == dt.timedelta(0):
        text = text.removesuffix("+00:00") + "Z"
    elif style == 2:
        text = moment.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"
    return text


@st.composite
def exports(draw: st.DrawFn, max_size: int = 12) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """Valid statements with outcomes, and the rows expected of them (in order)."""
    learners = draw(st.lists(agents(), min_size=1, max_size=4))
    activities = [f"https://maths.oakfield-primary.example/{n}" for n in range(draw(st.integers(1, 4)))]
    ids = draw(st.lists(st.uuids(), min_size=1, max_size=max_size, unique=True))
    statements, rows = [], []
    for sid in ids:
        agent, key = draw(st.sampled_from(learners))
        activity = draw(st.sampled_from(activities))
        result, score = draw(results())
        moment = draw(moments)
        text_id = str(sid).upper() if draw(st.booleans()) else str(sid)
        statements.append({
            "id": text_id,
            "actor": copy.deepcopy(agent),
            "verb": {"id": draw(st.sampled_from(["http://adlnet.gov/expapi/verbs/answered",
                                                 "http://adlnet.gov/expapi/verbs/scored"]))},
            "object": {"objectType": "Activity", "id": activity} if draw(st.booleans()) else {"id": activity},
            "result": result,
            "timestamp": stamp_text(moment, draw(st.integers(0, 2))),
            "stored": "2026-09-08T12:00:00Z",
        })
        utc = np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")
        rows.append((str(sid), key, activity, score, utc))
    return statements, rows


def serialised(statements: list[dict[str, Any]], form: str) -> Any:
    if form == "array":
        return json.dumps(statements)
    if form == "result":
        return json.dumps({"statements": statements, "more": ""}, indent=2)
    if form == "lines":
        return "\n".join(json.dumps(s) for s in statements) + "\n"
    if form == "bytes":
        return b"\xef\xbb\xbf" + json.dumps(statements, ensure_ascii=False).encode("utf-8")
    return copy.deepcopy(statements)


def rows_of(ev: Any) -> list[tuple[Any, ...]]:
    return list(zip(ev.evidence_ids.tolist(), ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.scores.tolist(),
                    ev.timestamps.tolist()))


@examples(60)
@given(exports(), st.sampled_from(["array", "result", "lines", "bytes", "parsed"]))
def test_each_statement_gives_the_row_its_rules_say(export: Any, form: str) -> None:
    statements, expected = export
    if form == "lines" and len(statements) == 1:
        form = "array"  # one line of JSON Lines is one JSON object: read as a single statement
    ev = read_xapi(serialised(statements, form))
    assert ev.skipped == ()
    got = rows_of(ev)
    assert [row[:4] for row in got] == [row[:4] for row in expected]
    assert [row[4] for row in got] == [row[4].item() for row in expected]


@examples(60)
@given(exports(), st.data())
def test_order_and_copies_sent_again_do_not_change_the_evidence(export: Any, data: st.DataObject) -> None:
    statements, _ = export
    base = read_xapi(statements)
    copies = []
    for original in data.draw(st.lists(st.sampled_from(statements), max_size=5)):
        again = copy.deepcopy(original)
        again["id"] = again["id"].swapcase()
        again["stored"] = "2026-09-09T08:00:00Z"
        again["authority"] = {"account": {"homePage": LMS, "name": "resender"}}
        again["verb"]["display"] = {"en-GB": "sent again"}
        copies.append(again)
    mixed = data.draw(st.permutations(statements + copies))
    ev = read_xapi(mixed)
    assert sorted(rows_of(ev)) == sorted(rows_of(base))
    assert len(ev.skipped) == len(copies)
    assert all(reason.startswith("sent twice") for _, reason in ev.skipped)
    assert rows_of(ev.sorted()) == rows_of(base.sorted())


@examples(60)
@given(exports(), st.data())
def test_voiding_a_subset_removes_exactly_that_subset(export: Any, data: st.DataObject) -> None:
    statements, expected = export
    chosen = data.draw(st.sets(st.sampled_from(range(len(statements)))))
    voids = []
    for n, i in enumerate(sorted(chosen)):
        voids.append({
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "actor": {"mbox": "mailto:teacher@oakfield-primary.example"},
            "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": statements[i]["id"]},
            "timestamp": "2026-09-10T15:00:00Z",
        })
    ev = read_xapi(data.draw(st.permutations(statements + voids)))
    kept = {row[0] for i, row in enumerate(expected) if i not in chosen}
    assert set(ev.evidence_ids.tolist()) == kept
    why = dict(ev.skipped)
    assert {expected[i][0] for i in chosen} <= set(why)
    assert all(why[expected[i][0]].startswith("voided by statement 00000000-") for i in chosen)
    assert len(ev.skipped) == 2 * len(chosen)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6)
    | st.sampled_from([10**400, -(10**400), 1e308, "2026-09-08T09:00:00Z", "mailto:a@b.example"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
PLACES = ["id", "actor", "actor/mbox", "actor/account", "actor/account/name", "actor/objectType", "verb", "verb/id",
          "object", "object/id", "object/objectType", "result", "result/score", "result/score/scaled",
          "result/score/raw", "result/score/min", "result/success", "result/completion", "timestamp", "stored",
          "version", "context"]


def mutate(statement: dict[str, Any], place: str, value: Any, delete: bool) -> dict[str, Any]:
    mangled = copy.deepcopy(statement)
    *parents, last = place.split("/")
    target: Any = mangled
    for key in parents:
        if not isinstance(target, dict) or not isinstance(target.get(key), dict):
            target[key] = {} if isinstance(target, dict) else target
        target = target[key]
    if delete:
        target.pop(last, None)
    else:
        target[last] = value
    return mangled


@examples(200)
@given(exports(max_size=4), st.lists(st.tuples(st.sampled_from(PLACES), json_values, st.booleans()), min_size=1,
                                     max_size=3), st.data())
def test_mangled_statements_raise_only_evidence_errors(export: Any, changes: Any, data: st.DataObject) -> None:
    statements, _ = export
    i = data.draw(st.sampled_from(range(len(statements))))
    for place, value, delete in changes:
        statements[i] = mutate(statements[i], place, value, delete)
    for source in (statements, json.dumps(statements)):
        try:
            ev = read_xapi(source)
        except EvidenceError as err:
            assert str(err)
        else:
            assert len(ev) + len(ev.skipped) <= len(statements)


@examples(100)
@given(st.one_of(json_values.map(json.dumps).map(str.encode), st.binary(max_size=60)))
def test_any_bytes_give_evidence_or_an_evidence_error(raw: bytes) -> None:
    try:
        read_xapi(raw)
    except EvidenceError:
        pass
