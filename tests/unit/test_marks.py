"""read_marks: the plain marks export (learner, skill or objective, mark, out of, date), from CSV or a DataFrame.

The fixtures in ``tests/fixtures/marks/`` are small hand-made exports: a Year 4
maths assessment written by a spreadsheet (BOM, CRLF, quoted objectives, an
absence, a blank mark, trailing empty rows), a quiz export with our column
names and its own ids, a mark book without a maximum column, UK dates, and
one ``broken_*.csv`` per rule, each breaking it on line 3.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from personalise.evidence import Evidence
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
)
from personalise.io.marks import ABSENCE_CODES, MARK_COLUMNS, read_marks

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "marks"
YEAR4 = FIXTURES / "year4_maths_autumn.csv"
EXPORT = {"learner_id": "UPN", "skill_id": "Objective", "mark": "Mark", "out_of": "Max", "date": "Date"}
HEAD = "learner_id,skill_id,mark,out_of,date\n"
COUNT = "Count in multiples of 6, 7, 9, 25 and 1000"
ROUND = "Round any number to the nearest 10 or 100"


def stamp(text: str) -> np.datetime64:
    return np.datetime64(text, "us")


def one_line_error(err: PersonaliseError, *fragments: str) -> None:
    message = str(err)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def read(text: str, **options: Any) -> Evidence:
    return read_marks(io.StringIO(text), **options)


# ------------------------------------------------------------------ the Year 4 export
def test_year4_export_reads_every_mark_and_skips_the_absence_and_the_blank() -> None:
    ev = read_marks(YEAR4, columns=EXPORT)
    assert ev.learner_ids.tolist() == ["H801200001001", "H801200001001", "H801200001002", "H801200001003",
                                       "H801200001004", "H801200001004"]
    assert ev.skill_ids.tolist() == [COUNT, ROUND, ROUND, COUNT, "Recall multiplication facts up to 12 x 12",
                                     'Solve "two-step" word problems']
    assert ev.scores.tolist() == [0.8, 0.75, 0.625, 1.0, 0.95, 0.0]
    assert ev.timestamps.tolist() == [stamp("2026-09-14T12:00").item()] * 4 + [stamp("2026-09-15T12:00").item()] * 2
    assert ev.skipped == ((4, "absent (mark 'A')"), (7, "blank mark"))
    assert ev.sources is not None and set(ev.sources.tolist()) == {"year4_maths_autumn.csv"}
    assert ev.evidence_ids[0] == f"H801200001001/{COUNT}/2026-09-14T12:00:00Z"


@pytest.mark.parametrize("how", ["str", "Path", "binary file", "text file", "bytes", "text"])
def test_every_kind_of_source_gives_the_same_evidence(how: str) -> None:
    expected = read_marks(YEAR4, columns=EXPORT)
    data = YEAR4.read_bytes()
    if how == "str":
        ev = read_marks(str(YEAR4), columns=EXPORT)
    elif how == "Path":
        ev = read_marks(YEAR4, columns=EXPORT)
    elif how == "binary file":
        with open(YEAR4, "rb") as handle:
            ev = read_marks(handle, columns=EXPORT)
    elif how == "text file":
        with open(YEAR4, encoding="utf-8", newline="") as handle:  # the BOM stays in the text: it must not matter
            ev = read_marks(handle, columns=EXPORT)
    elif how == "bytes":
        ev = read_marks(data, columns=EXPORT)
    else:
        ev = read_marks(data.decode("utf-8-sig"), columns=EXPORT)
    for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids"):
        assert np.array_equal(getattr(ev, name), getattr(expected, name)), name
    assert ev.skipped == expected.skipped
    assert ev.sources is not None
    assert ev.sources[0] == ("year4_maths_autumn.csv" if how in ("str", "Path", "binary file", "text file")
                             else "CSV text")


def test_bom_and_crlf_do_not_break_the_first_header() -> None:
    text = "\ufeff learner_id ,skill_id,mark,out_of,date\r\nann,add,1,2,2026-09-14\r\n"
    assert read(text).learner_ids.tolist() == ["ann"]
    assert read_marks(text.encode("utf-8")).learner_ids.tolist() == ["ann"]
    assert read_marks(b"\xef\xbb\xbf" + text.encode("utf-8")).learner_ids.tolist() == ["ann"]


def test_lone_carriage_returns_end_lines_too() -> None:
    ev = read("learner_id,skill_id,mark,out_of,date\rann,add,1,2,2026-09-14\rbo,add,A,2,2026-09-14\r")
    assert ev.learner_ids.tolist() == ["ann"]
    assert ev.skipped == ((3, "absent (mark 'A')"),)


def test_quiz_export_with_our_column_names_keeps_its_ids_and_converts_offsets() -> None:
    ev = read_marks(FIXTURES / "quiz_default_columns.csv")
    assert ev.evidence_ids.tolist() == ["q1-0001", "q1-0002", "q1-0003"]
    assert ev.timestamps.tolist() == [stamp(t).item() for t in
                                      ("2026-09-16T08:05", "2026-09-16T08:06:30", "2026-09-16T08:10")]
    assert ev.scores.tolist() == [0.8, 1.0, 0.5]
    assert ev.skipped == ((5, "absent (mark 'ABSENT')"),)


def test_header_only_export_is_empty_evidence() -> None:
    ev = read_marks(FIXTURES / "header_only.csv", columns=EXPORT)
    assert len(ev) == 0 and ev.skipped == ()
    assert ev.learner_ids.dtype.kind == "U" and ev.timestamps.dtype == np.dtype("datetime64[us]")


def test_an_export_of_absences_only_is_empty_evidence_with_everything_skipped() -> None:
    ev = read(HEAD + "ann,add,A,2,2026-09-14\nbo,add,,2,\n")
    assert len(ev) == 0
    assert ev.skipped == ((2, "absent (mark 'A')"), (3, "blank mark"))


# ------------------------------------------------------------------ rows and fields
def test_blank_lines_and_rows_of_commas_are_not_rows() -> None:
    text = "\n\n" + HEAD + "ann,add,1,2,2026-09-14\n\n   \n,,,,\n , ,, ,\nbo,add,2,2,2026-09-14\n\n\n"
    ev = read(text)
    assert ev.learner_ids.tolist() == ["ann", "bo"]
    assert ev.skipped == ()
    with pytest.raises(EvidenceError) as info:
        read(text + "cy,add,x,2,2026-09-14\n")
    one_line_error(info.value, "line 12", "'x'")


def test_a_row_with_only_an_ignored_column_filled_is_skipped_as_a_blank_mark_not_dropped() -> None:
    ev = read("learner_id,skill_id,mark,out_of,date,note\nann,add,1,2,2026-09-14,\n,,,,,moved to 4C\n")
    assert ev.skipped == ((3, "blank mark"),)
    with pytest.raises(EvidenceError) as info:
        read("learner_id,skill_id,mark,out_of,date,note\nann,add,1,2,2026-09-14,\n,,1,,,moved to 4C\n")
    one_line_error(info.value, "line 3, column 'learner_id'", "blank")


def test_quoted_fields_hold_commas_quotes_and_line_breaks_and_lines_are_still_counted() -> None:
    text = HEAD + 'ann,"add, carry",1,2,2026-09-14\n"b""o","two\nlines",1,2,2026-09-14\ncy,add,A,2,2026-09-14\n'
    ev = read(text)
    assert ev.learner_ids.tolist() == ["ann", 'b"o']
    assert ev.skill_ids.tolist() == ["add, carry", "two\nlines"]
    assert ev.skipped == ((5, "absent (mark 'A')"),)
    with pytest.raises(EvidenceError) as info:
        read(text + "dee,add,?,2,2026-09-14\n")
    one_line_error(info.value, "line 6", "'?'")


def test_ids_are_stripped_and_kept_as_text() -> None:
    ev = read(HEAD + "  0042 , N4.1 ,1,2,2026-09-14\n")
    assert ev.learner_ids.tolist() == ["0042"] and ev.skill_ids.tolist() == ["N4.1"]


def test_other_columns_are_ignored_and_columns_may_come_in_any_order() -> None:
    ev = read("date,name,mark,skill_id,out_of,learner_id\n2026-09-14,Ann,3,add,4,ann\n")
    assert (ev.learner_ids.tolist(), ev.scores.tolist()) == (["ann"], [0.75])


# ------------------------------------------------------------------ broken fixtures: one per rule
BROKEN = [
    # file, columns, line, column header, offending value, words of the rule
    ("decimal_comma", EXPORT, 3, "Mark", "'2,5'", "decimal point ('2.5')"),
    ("not_a_number", EXPORT, 3, "Mark", "'75%'", "not a number"),
    ("negative_mark", EXPORT, 3, "Mark", "-1", "negative"),
    ("above_max", EXPORT, 3, "Mark", "12", "above its maximum 10"),
    ("zero_max", EXPORT, 3, "Max", "0", "above 0"),
    ("blank_max", EXPORT, 3, "Max", "", "maximum (out of) is blank"),
    ("naive_time", EXPORT, 3, "Date", "'2026-09-14 10:30'", "no UTC offset"),
    ("calendar_date", EXPORT, 3, "Date", "'2026-09-31'", "not a calendar date"),
    ("blank_date", EXPORT, 3, "Date", "", "date is blank"),
    ("blank_learner", EXPORT, 3, "UPN", "", "learner id is blank"),
]


@pytest.mark.parametrize(("name", "columns", "line", "header", "value", "rule"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_cell_names_the_file_line_column_value_and_rule(
    name: str, columns: dict[str, str], line: int, header: str, value: str, rule: str
) -> None:
    path = FIXTURES / f"broken_{name}.csv"
    with pytest.raises(EvidenceError) as info:
        read_marks(path, columns=columns)
    one_line_error(info.value, repr(str(path)), f"line {line}, column {header!r}", value, rule)


def test_uk_dates_are_refused_with_a_way_out() -> None:
    path = FIXTURES / "uk_dates.csv"
    with pytest.raises(EvidenceError) as info:
        read_marks(path, columns=EXPORT)
    one_line_error(info.value, "uk_dates.csv", "line 2, column 'Date'", "'14/09/2026'", "not ISO 8601",
                   "YYYY-MM-DD", "date_format=")
    ev = read_marks(path, columns=EXPORT, date_format="%d/%m/%Y")
    assert ev.timestamps.tolist() == [stamp("2026-09-14T12:00").item(), stamp("2026-10-01T12:00").item()]


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("too_many_fields", ["line 3 has 6 fields but the header has 5", "quoted", "'Round to 10'"]),
        ("too_few_fields", ["line 3 has 4 fields but the header has 5", "'H801200001002'"]),
        ("stray_quote", ["line 3 is not valid CSV", "',' expected after '\"'", '"Y4.N.rounding"x']),
        ("unclosed_quote", ["line 3 is not valid CSV", "unexpected end of data"]),
        ("latin1", ["not UTF-8 text", "byte 0xe1 on line 3"]),
        ("missing_column", ["line 1: no column 'Mark' (for 'mark')", "headers found are ['UPN', 'Objective', "
                                                                      "'Score', 'Max', 'Date']"]),
        ("duplicate_column", ["line 1: the header 'Mark' appears 2 times (columns 3, 5)"]),
        ("title_line", ["line 1: no column 'UPN'", "headers found are ['Year 4 Maths - Autumn 1 assessment']"]),
        ("empty", ["is empty", "header line"]),
    ],
)
def test_a_broken_file_names_the_file_the_line_and_what_is_wrong(name: str, fragments: list[str]) -> None:
    path = FIXTURES / f"broken_{name}.csv"
    with pytest.raises(EvidenceError) as info:
        read_marks(path, columns=EXPORT)
    one_line_error(info.value, f"broken_{name}.csv", *fragments)


def test_repeated_evidence_id_names_both_lines() -> None:
    with pytest.raises(EvidenceError) as info:
        read_marks(FIXTURES / "broken_duplicate_evidence_id.csv")
    one_line_error(info.value, "line 4, column 'evidence_id'", "'q1-0001'", "repeats line 2", "unique")
    assert info.value.value == "q1-0001"


def test_blank_evidence_id_is_an_error() -> None:
    with pytest.raises(EvidenceError) as info:
        read("evidence_id," + HEAD + "e1,ann,add,1,2,2026-09-14\n ,bo,add,1,2,2026-09-14\n")
    one_line_error(info.value, "line 3, column 'evidence_id'", "evidence id is blank")


def test_missing_file_folder_and_wrong_source_type() -> None:
    with pytest.raises(EvidenceError, match="no such marks file"):
        read_marks(FIXTURES / "no_such_export.csv")
    with pytest.raises(EvidenceError, match="is a folder"):
        read_marks(FIXTURES)
    with pytest.raises(InvalidParameterError, match="source must be a path, an open file or text; got int"):
        read_marks(12)


def test_a_closed_file_is_a_named_error() -> None:
    handle = open(YEAR4, "rb")
    handle.close()
    with pytest.raises(EvidenceError) as info:
        read_marks(handle, columns=EXPORT)
    one_line_error(info.value, "cannot read", "year4_maths_autumn.csv", "closed file")


def test_a_path_with_a_nul_byte_is_a_named_error() -> None:
    with pytest.raises(EvidenceError, match="cannot read"):
        read_marks("marks\x00.csv")


def test_huge_fields_and_huge_numbers_are_named_errors() -> None:
    with pytest.raises(EvidenceError) as info:
        read(HEAD + "ann,add,1," + "9" * 400 + ",2026-09-14\n")
    one_line_error(info.value, "line 2, column 'out_of'", "not a finite number", "...")
    assert len(str(info.value)) < 200
    with pytest.raises(EvidenceError, match="line 2 is not valid CSV.*field larger than field limit"):
        read(HEAD + 'ann,"' + "x" * 200_000 + '",1,2,2026-09-14\n')


# ------------------------------------------------------------------ marks
@pytest.mark.parametrize(("mark", "out_of", "score"), [
    ("7.5", "10", 0.75), (".5", "2", 0.25), ("7.", "10", 0.7), (" 7 ", "10", 0.7), ("07", "10", 0.7),
    ("0", "3", 0.0), ("3", "3", 1.0), ("2", "2.5", 0.8), ("1", "3", 1 / 3),
])
def test_numbers_with_a_decimal_point(mark: str, out_of: str, score: float) -> None:
    assert read(HEAD + f"ann,add,{mark},{out_of},2026-09-14\n").scores.tolist() == [score]


@pytest.mark.parametrize(("mark", "words"), [
    ("1e3", "not a number"), ("+3", "not a number"), ("0x1", "not a number"), ("nan", "not a number"),
    ("inf", "not a number"), ("½", "not a number"), ("٣", "not a number"), ("7 .5", "not a number"),
    ("1,000", "decimal comma"), ("-0.5", "negative"), ("seven", "not a number"),
])
def test_other_marks_are_errors_naming_the_row_and_the_value(mark: str, words: str) -> None:
    with pytest.raises(EvidenceError) as info:
        read(HEAD + f'ann,add,1,2,2026-09-14\nbo,add,"{mark}",10,2026-09-14\n')
    one_line_error(info.value, "line 3, column 'mark'", words, mark.strip())


@pytest.mark.parametrize("code", ["", " ", "A", "a", "ABS", "abs", "Absent", "ABSENT", "N/A", "n/a", "NA", "-", " A "])
def test_blank_marks_and_absence_codes_are_skipped_with_the_reason(code: str) -> None:
    ev = read(HEAD + f"ann,add,1,2,2026-09-14\nbo,add,{code},2,2026-09-14\n")
    assert ev.learner_ids.tolist() == ["ann"]
    ((line, reason),) = ev.skipped
    assert line == 3
    expected = "blank mark" if not code.strip() else f"{ABSENCE_CODES[code.strip().casefold()]} (mark {code.strip()!r})"
    assert reason == expected


def test_a_skipped_row_is_not_checked_further() -> None:
    ev = read(HEAD + "ann,add,1,2,2026-09-14\n,,A,,14/09/2026\n")
    assert ev.skipped == ((3, "absent (mark 'A')"),)


def test_absence_codes_can_be_replaced() -> None:
    text = HEAD + "ann,add,X,2,2026-09-14\nbo,add,A,2,2026-09-14\ncy,add,D,2,2026-09-14\n"
    with pytest.raises(EvidenceError, match="line 2, column 'mark': mark 'X' is not a number"):
        read(text)
    with pytest.raises(EvidenceError, match="line 3, column 'mark': mark 'A' is not a number"):
        read(text, absence_codes=["x", "D"])
    ev = read(text, absence_codes={"X": "not required", "a": "absent", "d": "disapplied"})
    assert ev.skipped == ((2, "not required (mark 'X')"), (3, "absent (mark 'A')"), (4, "disapplied (mark 'D')"))


@pytest.mark.parametrize("codes", ["A", b"A", 3, ["A", ""], [1], {"A": 2}])
def test_bad_absence_codes_are_invalid_parameters(codes: Any) -> None:
    with pytest.raises(InvalidParameterError, match="absence_codes"):
        read(HEAD, absence_codes=codes)


def test_absence_codes_constant_is_read_only() -> None:
    with pytest.raises(TypeError):
        ABSENCE_CODES["x"] = "no mark"  # type: ignore[index]
    assert MARK_COLUMNS == ("learner_id", "skill_id", "mark", "out_of", "date", "evidence_id")


# ------------------------------------------------------------------ maxima
MARKBOOK = FIXTURES / "markbook_no_max.csv"
MARKBOOK_COLUMNS = {"learner_id": "UPN", "skill_id": "Objective", "mark": "Mark", "date": "Date"}


def test_max_marks_gives_one_maximum_for_every_row() -> None:
    ev = read_marks(MARKBOOK, columns=MARKBOOK_COLUMNS, max_marks=10)
    assert ev.scores.tolist() == [0.7, 0.3, 0.4]
    assert ev.skipped == ((3, "not assessed (mark 'N/A')"),)


def test_max_marks_per_skill_and_a_skill_without_one_names_the_row() -> None:
    ev = read_marks(MARKBOOK, columns=MARKBOOK_COLUMNS,
                    max_marks={"Y4.N.multiples": 10, "Y4.F.equivalent": 4, "Y4.G.angles": 6})
    assert ev.scores.tolist() == [0.7, 0.75, 1.0]
    with pytest.raises(EvidenceError) as info:
        read_marks(MARKBOOK, columns=MARKBOOK_COLUMNS, max_marks={"Y4.N.multiples": 10})
    one_line_error(info.value, "markbook_no_max.csv", "line 4, column 'Objective'", "'Y4.F.equivalent'",
                   "max_marks has no maximum", "'Y4.N.multiples'")


def test_a_mark_above_a_max_marks_maximum_names_the_row() -> None:
    with pytest.raises(EvidenceError) as info:
        read_marks(MARKBOOK, columns=MARKBOOK_COLUMNS, max_marks=5)
    one_line_error(info.value, "line 2, column 'Mark'", "mark 7 is above its maximum 5")


def test_no_out_of_column_and_no_max_marks_is_an_error() -> None:
    with pytest.raises(EvidenceError) as info:
        read_marks(MARKBOOK, columns=MARKBOOK_COLUMNS)
    one_line_error(info.value, "line 1", "no column 'out_of' and no max_marks= given", "'UPN', 'Objective'")


def test_an_out_of_column_and_max_marks_together_is_refused_unless_the_column_is_ignored() -> None:
    with pytest.raises(InvalidParameterError) as info:
        read_marks(YEAR4, columns=EXPORT, max_marks=10)
    one_line_error(info.value, "max_marks was given", "out-of column 'Max'", "columns={'out_of': None}")
    ev = read_marks(YEAR4, columns={**EXPORT, "out_of": None}, max_marks=20)
    assert ev.scores.tolist() == [0.4, 0.15, 0.125, 0.5, 0.95, 0.0]


def test_an_out_of_column_mapped_but_absent_is_an_error() -> None:
    with pytest.raises(EvidenceError, match=r"no column 'Max' \(for 'out_of'\)"):
        read_marks(MARKBOOK, columns={**MARKBOOK_COLUMNS, "out_of": "Max"}, max_marks=10)


@pytest.mark.parametrize("max_marks", [0, -1, float("nan"), float("inf"), True, "10", [10], {"add": 0}, {"add": "4"}])
def test_bad_max_marks_are_invalid_parameters(max_marks: Any) -> None:
    with pytest.raises(InvalidParameterError) as info:
        read("learner_id,skill_id,mark,date\nann,add,1,2026-09-14\n", max_marks=max_marks)
    one_line_error(info.value, "max_marks", "above 0")


# ------------------------------------------------------------------ columns
def test_columns_maps_only_what_differs() -> None:
    ev = read("UPN,skill_id,mark,out_of,date\nann,add,1,2,2026-09-14\n", columns={"learner_id": "UPN"})
    assert ev.learner_ids.tolist() == ["ann"]


@pytest.mark.parametrize(("columns", "words"), [
    ({"learner": "UPN"}, "unknown key 'learner'"),
    ({"mark": 3}, "columns['mark'] must be a header name"),
    ({"mark": " "}, "columns['mark'] must be a header name"),
    ({"mark": None}, "columns['mark'] cannot be None"),
    ({"learner_id": "Code", "skill_id": "Code"}, "maps both 'learner_id' and 'skill_id' to the header 'Code'"),
    ({"learner_id": "mark"}, "maps both 'learner_id' and 'mark' to the header 'mark'"),
    (["learner_id"], "columns must be a mapping"),
])
def test_bad_columns_are_invalid_parameters(columns: Any, words: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        read(HEAD + "ann,add,1,2,2026-09-14\n", columns=columns)
    one_line_error(info.value, words)


def test_headers_are_matched_exactly_and_a_near_miss_is_pointed_out() -> None:
    with pytest.raises(EvidenceError) as info:
        read("Learner_ID,skill_id,mark,out_of,date\nann,add,1,2,2026-09-14\n", columns={"learner_id": "learner_id"})
    one_line_error(info.value, "no column 'learner_id'", "did you mean 'Learner_ID'?", "matched exactly")
    with pytest.raises(EvidenceError) as info:
        read_marks(YEAR4, columns={**EXPORT, "mark": "mark", "date": "When"})
    one_line_error(info.value, "no column 'mark'", "did you mean 'Mark'?", "no column 'When' (for 'date')")


@pytest.mark.parametrize(
    "header",
    ["Learner_ID,skill_id,mark,out_of,date", "Pupil,Objective,Mark,Out of,Date", "UPN,Skill,Marks,Max,Date",
     "student,objective_id,MARK,Total,date assessed", "learner,skill,mark,maximum,DATE"],
)
def test_columns_not_mapped_are_found_by_their_usual_headers(header: str) -> None:
    ev = read(f"{header}\nann,add,3,4,2026-09-14\nbo,add,1,4,2026-09-14\n")
    assert ev.learner_ids.tolist() == ["ann", "bo"] and ev.scores.tolist() == [0.75, 0.25]


def test_two_usual_headers_for_one_column_are_an_error() -> None:
    with pytest.raises(EvidenceError, match=r"the headers 'MARK', 'Mark' could each be the mark column .*columns 3, 4"):
        read("learner,skill,Mark,MARK,out of,date\nann,add,3,3,4,2026-09-14\n")
    ev = read("learner,skill,mark,score,max,date\nann,add,3,0.2,4,2026-09-14\n")  # 'mark' is the mark, 'score' ignored
    assert ev.scores.tolist() == [0.75]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_an_export_with_another_separator_is_pointed_out(separator: str) -> None:
    text = separator.join(["UPN", "Objective", "Mark", "Max", "Date"]) + "\n"
    with pytest.raises(EvidenceError) as info:
        read(text + separator.join(["H801200001001", "N4.1", "7,5", "10", "14/09/2026"]) + "\n", columns=EXPORT)
    one_line_error(info.value, "line 1: no column 'UPN'", f"the header holds {separator!r}", "comma-separated")


# ------------------------------------------------------------------ dates
def test_a_day_is_noon_utc_and_an_offset_is_converted() -> None:
    ev = read(HEAD + "a,s,1,2,2026-09-14\nb,s,1,2,2026-09-14T08:30:00+01:00\nc,s,1,2,2026-09-14 23:30Z\n"
                     "d,s,1,2,2026-09-14T10:00:00.250-05:00\n")
    assert ev.timestamps.tolist() == [stamp(t).item() for t in ("2026-09-14T12:00", "2026-09-14T07:30",
                                                                "2026-09-14T23:30", "2026-09-14T15:00:00.250")]


@pytest.mark.parametrize("zone", ["Europe/London", zoneinfo.ZoneInfo("Europe/London"), "+01:00", "+0100"])
def test_timezone_places_days_and_local_times(zone: Any) -> None:
    ev = read(HEAD + "a,s,1,2,2026-09-14\nb,s,1,2,2026-09-14T10:30\nc,s,1,2,2026-09-14T10:30Z\n", timezone=zone)
    assert ev.timestamps.tolist() == [stamp(t).item() for t in ("2026-09-14T11:00", "2026-09-14T09:30",
                                                                "2026-09-14T10:30")]


def test_timezone_follows_daylight_saving_and_refuses_a_skipped_or_repeated_local_time() -> None:
    ev = read(HEAD + "a,s,1,2,2026-01-14\nb,s,1,2,2026-07-14\n", timezone="Europe/London")
    assert ev.timestamps.tolist() == [stamp("2026-01-14T12:00").item(), stamp("2026-07-14T11:00").item()]
    for local in ("2026-03-29T01:30", "2026-10-25T01:30"):
        with pytest.raises(EvidenceError) as info:
            read(HEAD + f"a,s,1,2,{local}\n", timezone="Europe/London")
        one_line_error(info.value, "line 2, column 'date'", repr(local), "clock change in Europe/London")


@pytest.mark.parametrize("zone", ["UTC", "Z", dt.timezone.utc, "utc"])
def test_utc_timezones(zone: Any) -> None:
    ev = read(HEAD + "a,s,1,2,2026-09-14T10:30\n", timezone=zone)
    assert ev.timestamps.tolist() == [stamp("2026-09-14T10:30").item()]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "+25:00", "BST+1", "../etc/passwd", 1, ""])
def test_bad_timezones_are_invalid_parameters(zone: Any) -> None:
    with pytest.raises(InvalidParameterError, match="timezone"):
        read(HEAD, timezone=zone)


def test_date_format_reads_days_and_local_times() -> None:
    ev = read(HEAD + "a,s,1,2,14/09/2026\n", date_format="%d/%m/%Y", timezone="Europe/London")
    assert ev.timestamps.tolist() == [stamp("2026-09-14T11:00").item()]
    ev = read(HEAD + "a,s,1,2,14/09/2026 10:30\n", date_format="%d/%m/%Y %H:%M", timezone="Europe/London")
    assert ev.timestamps.tolist() == [stamp("2026-09-14T09:30").item()]
    ev = read(HEAD + "a,s,1,2,14/09/2026 10:30 +0200\n", date_format="%d/%m/%Y %H:%M %z")
    assert ev.timestamps.tolist() == [stamp("2026-09-14T08:30").item()]
    with pytest.raises(EvidenceError, match="no UTC offset"):
        read(HEAD + "a,s,1,2,14/09/2026 10:30\n", date_format="%d/%m/%Y %H:%M")
    with pytest.raises(EvidenceError) as info:
        read(HEAD + "a,s,1,2,14/09/2026\nb,s,1,2,2026-09-14\n", date_format="%d/%m/%Y")
    one_line_error(info.value, "line 3, column 'date'", "'2026-09-14' does not match date_format '%d/%m/%Y'")


@pytest.mark.parametrize("fmt", ["dd/mm/yyyy", "", 3])
def test_bad_date_formats_are_invalid_parameters(fmt: Any) -> None:
    with pytest.raises(InvalidParameterError, match="date_format"):
        read(HEAD, date_format=fmt)


@pytest.mark.parametrize(("text", "words"), [
    ("09/14/2026", "not ISO 8601"), ("14.09.2026", "not ISO 8601"), ("2026/09/14", "not ISO 8601"),
    ("2026-9-14", "not ISO 8601"), ("next Monday", "not an ISO 8601 date"), ("20260914", "not an ISO 8601 date"),
    ("2026-09-14T25:00Z", "not an ISO 8601 time"), ("2026-13-01", "not a calendar date"),
    ("0000-01-01", "not a calendar date"),
    ("2026-09-14T10:00", "no UTC offset"),
])
def test_dates_that_are_not_iso_8601_are_refused(text: str, words: str) -> None:
    with pytest.raises(EvidenceError) as info:
        read(HEAD + f"a,s,1,2,2026-09-14\nb,s,1,2,{text}\n")
    one_line_error(info.value, "line 3, column 'date'", repr(text), words)


# ------------------------------------------------------------------ evidence ids
def test_derived_ids_number_repeats_in_file_order_and_escape_slashes() -> None:
    ev = read(HEAD + "ann,add,1,2,2026-09-14\nann,add,2,2,2026-09-14\nann,add,0,2,2026-09-14T12:00:00Z\n"
                     "ann,add,1,2,2026-09-15\n4/B,50% of,1,2,2026-09-14\n")
    assert ev.evidence_ids.tolist() == [
        "ann/add/2026-09-14T12:00:00Z", "ann/add/2026-09-14T12:00:00Z/2", "ann/add/2026-09-14T12:00:00Z/3",
        "ann/add/2026-09-15T12:00:00Z", "4%2FB/50%25 of/2026-09-14T12:00:00Z",
    ]


def test_ids_cannot_collide_through_the_separator() -> None:
    ev = read(HEAD + "a/b,c,1,2,2026-09-14\na,b/c,1,2,2026-09-14\na,b,1,2,2026-09-14\n")
    assert len(set(ev.evidence_ids.tolist())) == 3


def test_the_same_export_again_renamed_reordered_or_corrected_gives_the_same_ids(tmp_path: Path) -> None:
    first = read_marks(YEAR4, columns=EXPORT)
    lines = YEAR4.read_bytes().decode("utf-8-sig").splitlines()
    header, rows = lines[0], [line for line in lines[1:] if line.strip(",")]
    again = tmp_path / "year4_reexport_2026-09-20.csv"
    corrected = [row.replace(",0,5,", ",4,5,") for row in reversed(rows)]
    again.write_text("\n".join([header, *corrected, 'H801200001005,Dee,Eve,4B,New objective,1,2,2026-09-20']) + "\n")
    second = read_marks(again, columns=EXPORT)
    before = dict(zip(first.evidence_ids.tolist(), first.scores.tolist()))
    after = dict(zip(second.evidence_ids.tolist(), second.scores.tolist()))
    assert set(before) < set(after)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {'H801200001004/Solve "two-step" word problems/2026-09-15T12:00:00Z'}
    assert after[next(iter(changed))] == 0.8


# ------------------------------------------------------------------ DataFrames
def frame_of(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_a_dataframe_gives_the_same_evidence_as_the_csv() -> None:
    text = YEAR4.read_bytes().decode("utf-8-sig")
    from_csv = read_marks(YEAR4, columns=EXPORT)
    from_frame = read_marks(frame_of(text), columns=EXPORT)
    for name in ("learner_ids", "skill_ids", "scores", "timestamps", "evidence_ids"):
        assert np.array_equal(getattr(from_frame, name), getattr(from_csv, name)), name
    assert from_frame.skipped == ((2, "absent (mark 'A')"), (5, "blank mark"))  # row positions, not lines
    assert from_frame.sources is not None and set(from_frame.sources.tolist()) == {"DataFrame"}


def test_a_dataframe_may_hold_numbers_nan_and_datetimes() -> None:
    frame = pd.DataFrame({
        "learner_id": [101, 102, 103, 104],
        "skill_id": ["add", "add", "count", "count"],
        "mark": [3, np.nan, 2.5, 5],
        "out_of": [4, 4, 5, 5],
        "date": [dt.date(2026, 9, 14), None, pd.Timestamp("2026-09-14T10:00", tz="Europe/London"),
                 dt.datetime(2026, 9, 14, 10, tzinfo=dt.timezone.utc)],
    })
    ev = read_marks(frame)
    assert ev.learner_ids.tolist() == [101, 103, 104] and ev.learner_ids.dtype == np.int64
    assert ev.scores.tolist() == [0.75, 0.5, 1.0]
    assert ev.timestamps.tolist() == [stamp(t).item() for t in ("2026-09-14T12:00", "2026-09-14T09:00",
                                                                "2026-09-14T10:00")]
    assert ev.skipped == ((1, "blank mark"),)
    assert ev.evidence_ids[0] == "101/add/2026-09-14T12:00:00Z"


def test_naive_datetimes_in_a_dataframe_are_local_times() -> None:
    frame = pd.DataFrame({"learner_id": ["a"], "skill_id": ["s"], "mark": [1], "out_of": [2],
                          "date": pd.to_datetime(["2026-09-14 10:30"])})
    with pytest.raises(EvidenceError) as info:
        read_marks(frame)
    one_line_error(info.value, "the DataFrame row 0, column 'date'", "no UTC offset")
    assert read_marks(frame, timezone="Europe/London").timestamps.tolist() == [stamp("2026-09-14T09:30").item()]
    frame["date"] = np.array(["2026-09-14"], dtype="datetime64[D]").astype(object)
    assert read_marks(frame).timestamps.tolist() == [stamp("2026-09-14T12:00").item()]


def test_a_dataframe_with_nullable_and_string_columns() -> None:
    frame = pd.DataFrame({"learner_id": pd.array(["a", "b", pd.NA], dtype="string"),
                          "skill_id": ["s", "s", "s"], "mark": pd.array([1, None, 2], dtype="Int64"),
                          "out_of": [2, 2, 2], "date": ["2026-09-14"] * 3})
    with pytest.raises(EvidenceError, match="row 2, column 'learner_id': the learner id is blank"):
        read_marks(frame)
    ev = read_marks(frame.iloc[:2])
    assert (ev.learner_ids.tolist(), ev.skipped) == (["a"], ((1, "blank mark"),))


def test_an_all_blank_dataframe_row_is_not_a_row() -> None:
    frame = pd.DataFrame({"learner_id": ["a", None], "skill_id": ["s", ""], "mark": [1, np.nan],
                          "out_of": [2, np.nan], "date": ["2026-09-14", None]})
    ev = read_marks(frame)
    assert len(ev) == 1 and ev.skipped == ()


@pytest.mark.parametrize(("column", "values", "words"), [
    ("mark", [True, False], "row 0, column 'mark': mark True is not a number"),
    ("mark", [1, -1], "row 1, column 'mark': mark -1 is negative"),
    ("mark", [1, np.inf], "row 1, column 'mark': mark inf is not a finite number"),
    ("out_of", [2, 0], "row 1, column 'out_of': maximum 0 must be above 0"),
    ("learner_id", [1.0, 2.0], "row 0, column 'learner_id': a learner id must be text or a whole number; got 1.0"),
    ("learner_id", ["a", 7], "row 1, column 'learner_id': learner id 7 is a number but the first row's is text"),
    ("learner_id", [7, "a"], "row 1, column 'learner_id': learner id 'a' is text but the first row's is a number"),
    ("learner_id", [np.uint64(2**63), 1], "too large an integer"),
    ("skill_id", [["a"], ["b"]], "row 0, column 'skill_id': expected text, a number or a date; got ['a']"),
    ("date", [dt.time(10), None], "row 0, column 'date': expected a date; got datetime.time(10, 0)"),
    ("date", ["2026-09-14", pd.NaT], "row 1, column 'date': the date is blank"),
])
def test_bad_dataframe_cells_are_named_errors(column: str, values: list[Any], words: str) -> None:
    data: dict[str, Any] = {"learner_id": ["a", "b"], "skill_id": ["s", "s"], "mark": [1, 1], "out_of": [2, 2],
                            "date": ["2026-09-14"] * 2}
    data[column] = pd.Series(values, dtype=np.uint64) if isinstance(values[0], np.uint64) else values
    with pytest.raises(EvidenceError) as info:
        read_marks(pd.DataFrame(data))
    one_line_error(info.value, "the DataFrame", words)


def test_a_dataframe_without_a_required_column() -> None:
    with pytest.raises(EvidenceError) as info:
        read_marks(pd.DataFrame({"learner_id": ["a"], "skill_id": ["s"], "out_of": [2], "date": ["2026-09-14"]}))
    one_line_error(info.value, "the DataFrame: no column 'mark'", "['learner_id', 'skill_id', 'out_of', 'date']")


def test_reading_a_csv_never_imports_pandas(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom personalise.io.marks import read_marks\n"
        f"ev = read_marks({str(YEAR4)!r}, columns={EXPORT!r})\n"
        "assert len(ev) == 6\nassert 'pandas' not in sys.modules, 'pandas was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_errors_are_value_errors_and_carry_the_value() -> None:
    with pytest.raises(ValueError) as info:
        read(HEAD + "ann,add,seven,2,2026-09-14\n")
    assert isinstance(info.value, EvidenceError) and info.value.value == "seven"
    assert re.fullmatch(r"the marks file line 2, column 'mark': mark 'seven' is not a number \(such as 7 or 7\.5\)"
                        r" nor one of the absence_codes",
                        str(info.value))
