"""Properties of read_marks over generated exports.

* An export written by :mod:`csv` (random quoting, commas, quotes and line
  breaks in names, CRLF / LF / CR, a BOM or not, blank rows, extra columns,
  random marks and maxima, absences) reads back to exactly ``mark / out_of``,
  the same ids and timestamps, and ``.skipped`` naming the right lines.
* The same data as a DataFrame gives the same evidence.
* Reordering an export keeps every row's evidence id.
* Random corruption (truncation, bad bytes, wrong field counts, wrong types)
  only ever raises :class:`PersonaliseError` subclasses, quickly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from personalise.evidence import Evidence
from personalise.exceptions import PersonaliseError
from personalise.io.marks import read_marks
from tests.strategies import examples

#: Each example reads a small export; a slow one (say, quadratic in the input) fails the deadline.
QUICKLY = timedelta(seconds=2)
OURS = ("learner_id", "skill_id", "mark", "out_of", "date")
HEADERS = {"learner_id": ["learner_id", "UPN", "Pupil ID"], "skill_id": ["skill_id", "Objective", "Skill, code"],
           "mark": ["mark", "Mark", "Score"], "out_of": ["out_of", "Max", "Out of"], "date": ["date", "Date"]}
ABSENT = {"": "blank mark", " ": "blank mark", "A": "absent (mark 'A')", "abs": "absent (mark 'abs')",
          "N/A": "not assessed (mark 'N/A')", "-": "no mark (mark '-')"}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

# names with commas, quotes, inner spaces, line breaks and non-ASCII letters; stripped, as the reader strips them
names = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), st.sampled_from(',"\n 0')),
    min_size=1, max_size=10,
).map(str.strip).filter(bool)

days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timezone(timedelta(minutes=m)))
moments = st.builds(lambda d, s, zone: (dt.datetime.combine(d, dt.time()) + timedelta(seconds=s)).replace(tzinfo=zone),
                    days, st.integers(0, 86_399), offsets)


def tenths(value: int, style: int) -> str:
    """A number of tenths as an export writes it: ``7``, ``7.0``, `` 7 ``, ``0.5``, ``.5``..."""
    whole, tenth = divmod(value, 10)
    if tenth:
        return f".{tenth}" if whole == 0 and style == 1 else f"{whole}.{tenth}"
    return (f"{whole}", f"{whole}.0", f" {whole} ")[style]


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    out_of = draw(st.integers(1, 1000))
    mark = draw(st.integers(0, out_of))
    when = draw(st.one_of(days, moments))
    absent = draw(st.one_of(st.none(), st.none(), st.sampled_from(sorted(ABSENT))))
    expected = (np.datetime64(f"{when.isoformat()}T12:00", "us") if not isinstance(when, dt.datetime)
                else np.datetime64((when - EPOCH) // timedelta(microseconds=1), "us"))
    return {
        "learner_id": draw(names), "skill_id": draw(names),
        "mark": absent if absent is not None else tenths(mark, draw(st.integers(0, 2))),
        "out_of": tenths(out_of, draw(st.integers(0, 2))), "date": when.isoformat(),
        "score": (mark / 10) / (out_of / 10), "stamp": expected, "absent": absent,  # the quotient of the decimals
    }


@st.composite
def exports(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(st.lists(rows(), max_size=25))
    extra = draw(st.lists(st.sampled_from(["Surname", "Class", "Comment"]), unique=True, max_size=2))
    order = draw(st.permutations([*OURS, *extra]))
    headers = {key: draw(st.sampled_from(HEADERS[key])) if key in HEADERS else key for key in order}
    padded = {key: draw(st.sampled_from(["", " ", "  "])) + header + draw(st.sampled_from(["", " "]))
              for key, header in headers.items()}
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    # csv.writer quotes a line break only when it is part of its line terminator: a lone-CR file quotes all
    quoting: Any = csv.QUOTE_ALL if terminator == "\r" else draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=quoting, lineterminator=terminator)
    writer.writerow([padded[key] for key in order])
    lines = []
    for row in data:
        for _ in range(draw(st.integers(0, 1)) * draw(st.integers(0, 2))):  # blank lines and rows of commas
            buffer.write(draw(st.sampled_from(["", ",,", " ", ","])) * (len(order) - 1) + terminator)
        lines.append(len(io.StringIO(buffer.getvalue(), newline="").readlines()) + 1)
        writer.writerow([row[key] if key in row else draw(st.sampled_from(["", "x", "4B, set 2"])) for key in order])
    text = buffer.getvalue() + terminator * draw(st.integers(0, 2))
    bom = draw(st.booleans())
    return {"data": data, "lines": lines, "order": order, "headers": headers, "text": text,
            "bytes": (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"),
            "columns": {key: headers[key] for key in OURS}}


def check_against(ev: Evidence, export: dict[str, Any], keys: list[int]) -> None:
    kept = [row for row in export["data"] if row["absent"] is None]
    assert ev.learner_ids.tolist() == [row["learner_id"] for row in kept]
    assert ev.skill_ids.tolist() == [row["skill_id"] for row in kept]
    assert ev.scores.tolist() == [row["score"] for row in kept]
    assert ev.timestamps.tolist() == [row["stamp"].item() for row in kept]
    assert ev.skipped == tuple((key, ABSENT[row["absent"]]) for key, row in zip(keys, export["data"])
                               if row["absent"] is not None)


@given(exports())
@settings(examples(80), deadline=QUICKLY)
def test_generated_exports_read_back_exactly(export: dict[str, Any]) -> None:
    ev = read_marks(export["bytes"], columns=export["columns"])
    check_against(ev, export, export["lines"])
    assert len(set(ev.evidence_ids.tolist())) == len(ev)
    assert ev.sources is None or set(ev.sources.tolist()) <= {"CSV text"}
    again = read_marks(export["text"], columns=export["columns"])
    assert again == ev


@given(exports())
@settings(examples(40), deadline=QUICKLY)
def test_a_dataframe_of_the_same_data_gives_the_same_evidence(export: dict[str, Any]) -> None:
    from_csv = read_marks(export["bytes"], columns=export["columns"])
    frame = pd.DataFrame({export["headers"][key]: [row.get(key, "x") for row in export["data"]]
                          for key in export["order"]}, columns=[export["headers"][key] for key in export["order"]],
                         dtype=object)
    from_frame = read_marks(frame, columns=export["columns"])
    for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids"):
        assert np.array_equal(getattr(from_frame, name), getattr(from_csv, name)), name
    check_against(from_frame, export, list(range(len(export["data"]))))


def quoted_export(data: list[dict[str, Any]]) -> str:
    quote = lambda text: '"' + text.replace('"', '""') + '"'  # noqa: E731
    return "learner_id,skill_id,mark,out_of,date\n" + "".join(
        f"{quote(r['learner_id'])},{quote(r['skill_id'])},{r['mark']},{r['out_of']},{r['date']}\n" for r in data)


def about(ev: Evidence) -> dict[str, tuple[Any, ...]]:
    """What each evidence id is about: its learner, skill and time."""
    return {e: (lr, s, np.datetime64(t, "us")) for e, lr, s, t in zip(
        ev.evidence_ids.tolist(), ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.timestamps.tolist())}


@given(exports(), st.randoms(use_true_random=False))
@settings(examples(40), deadline=QUICKLY)
def test_reordering_an_export_keeps_every_rows_id(export: dict[str, Any], random: Any) -> None:
    data = [row for row in export["data"] if row["absent"] is None]
    shuffled = data[:]
    random.shuffle(shuffled)
    first, second = read_marks(quoted_export(data)), read_marks(quoted_export(shuffled))
    assert about(first) == about(second)
    keys = [(r["learner_id"], r["skill_id"], r["stamp"]) for r in data]
    alone = {key for key in keys if keys.count(key) == 1}  # a row alone with its learner, skill and time
    before = dict(zip(first.evidence_ids.tolist(), first.scores.tolist()))
    after = dict(zip(second.evidence_ids.tolist(), second.scores.tolist()))
    for row_id, key in about(first).items():
        if key in alone:
            assert before[row_id] == after[row_id]


# ------------------------------------------------------------------ corruption
mutations = st.lists(st.tuples(st.sampled_from(["truncate", "insert", "delete", "replace", "comma", "quote",
                                                "newline", "duplicate"]),
                               st.floats(0, 1), st.binary(min_size=1, max_size=4)), min_size=1, max_size=4)


def corrupt(data: bytes, steps: list[tuple[str, float, bytes]]) -> bytes:
    for kind, where, junk in steps:
        at = int(where * len(data))
        if kind == "truncate":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + junk + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(junk):]
        elif kind == "replace":
            data = data[:at] + junk + data[at + len(junk):]
        elif kind == "comma":
            data = data[:at] + b"," + data[at:]
        elif kind == "quote":
            data = data[:at] + b'"' + data[at:]
        elif kind == "newline":
            data = data[:at] + b"\r\n" + data[at:]
        else:
            lines = data.splitlines(keepends=True)
            data = b"".join(lines + lines[: int(where * len(lines))])
    return data


@given(exports(), mutations)
@settings(examples(150), deadline=QUICKLY)
def test_corrupted_exports_raise_only_named_errors(export: dict[str, Any], steps: list[Any]) -> None:
    data = corrupt(export["bytes"], steps)
    try:
        ev = read_marks(data, columns=export["columns"])
    except PersonaliseError as err:
        assert str(err) and "\n" not in str(err).replace("\\n", "")
    else:
        assert isinstance(ev, Evidence)


cells = st.one_of(st.none(), st.floats(), st.integers(-(2**70), 2**70), st.text(max_size=8), st.booleans(),
                  st.datetimes(), st.dates(), st.just(float("nan")), st.just(pd.NaT), st.lists(st.integers(), max_size=2),
                  st.sampled_from(["A", "7,5", "-1", "14/09/2026", "2026-09-14", "2026-09-14T10:00Z", "1e400"]))


@given(exports(), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(OURS), cells), min_size=1, max_size=5))
@settings(examples(100), deadline=QUICKLY)
def test_dataframes_with_wrong_types_raise_only_named_errors(export: dict[str, Any], changes: list[Any]) -> None:
    data = export["data"] or [{"learner_id": "a", "skill_id": "s", "mark": "1", "out_of": "2", "date": "2026-09-14"}]
    frame = pd.DataFrame({key: [row[key] for row in data] for key in OURS}, dtype=object)
    for where, key, value in changes:
        frame.iat[int(where * (len(frame) - 1)), OURS.index(key)] = value
    try:
        ev = read_marks(frame)
    except PersonaliseError as err:
        assert str(err)
    else:
        assert isinstance(ev, Evidence)


@given(st.text(max_size=200), st.dictionaries(st.sampled_from(["learner_id", "mark", "date", "out_of", "x"]),
                                              st.one_of(st.none(), st.text(max_size=5), st.integers()), max_size=3),
       st.one_of(st.none(), st.floats(), st.integers(), st.dictionaries(st.text(max_size=3), st.floats(), max_size=2)))
@settings(examples(100), deadline=QUICKLY)
def test_any_text_and_any_options_raise_only_named_errors(text: str, columns: dict[str, Any], max_marks: Any) -> None:
    try:
        read_marks(text + "\n", columns=columns, max_marks=max_marks)
    except PersonaliseError as err:
        assert str(err)
