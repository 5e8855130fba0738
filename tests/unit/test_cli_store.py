"""``python -m personalise store``: add, next, forget and export, and every error path (one line, exit 2)."""

from __future__ import annotations

import io
import json
import re
from importlib.resources import files
from pathlib import Path

import pytest

import personalise as pl
from personalise.__main__ import main
from personalise.io.example import _example_skill_table

SCHOOL = Path(str(files("personalise.data") / "school"))
TERM = SCHOOL / "term"
LINE_ITEMS = {"li-q1": "place_value_thousands", "li-q2": "times_tables_3_4_8",
              "li-q3": "equivalent_fractions_diagrams", "li-q4": "add_fractions_same_denominator"}
PARAMS = dict(prior=0.2, learn=0.15, guess=0.2, slip=0.1)
WIDTH = 100


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    status, out, err = run(*argv)
    assert status == 0, err
    assert err == ""
    return out


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "school.db")


@pytest.fixture
def term_store(tmp_path: Path) -> str:
    """A store holding the example school's OneRoster bundle (roster and quizzes) and the term's first weeks."""
    path = str(tmp_path / "term.db")
    skill_map = tmp_path / "line-items.json"
    skill_map.write_text(json.dumps(LINE_ITEMS), encoding="utf-8")
    ok("store", "add", path, str(SCHOOL / "oneroster"), "--format", "oneroster", "--skill-of", str(skill_map))
    for name in ("baseline.csv", "week1.csv", "week2.csv"):
        ok("store", "add", path, str(TERM / name), "--format", "marks")
    return path


def _rows(evidence: pl.Evidence) -> list[tuple[object, ...]]:
    return sorted(zip(evidence.evidence_ids.tolist(), evidence.learner_ids.tolist(), evidence.skill_ids.tolist(),
                      evidence.scores.tolist(), evidence.timestamps.tolist()))


def typical() -> pl.BKTParams:
    return pl.BKTParams.constant(pl.load_example_curriculum(), **PARAMS)


# ------------------------------------------------------------------ add
def test_add_marks_prints_the_counts_and_fills_the_store(db: str) -> None:
    path = TERM / "week1.csv"
    out = ok("store", "add", db, str(path), "--format", "marks")
    expected = pl.read_marks(path)
    first = out.splitlines()[0]
    assert first == (f"{path} (marks) -> {db}: {len(expected)} added, 0 duplicates, 0 conflicts, 0 rejected, "
                     "0 skipped by the reader")
    assert out.splitlines()[-1] == f"{db} now holds {len(expected)} evidence rows."
    with pl.open_store(db) as store:
        assert store.evidence() == expected.sorted()
    again = ok("store", "add", db, str(path), "--format", "marks")
    assert f": 0 added, {len(expected)} duplicates, 0 conflicts" in again


def test_add_lists_each_conflict_skipped_row_and_rejection(db: str, tmp_path: Path) -> None:
    first = tmp_path / "marks.csv"
    first.write_text("learner_id,skill_id,mark,out_of,date\nL01,add,3,5,2026-09-07\nL02,add,4,5,2026-09-07\n",
                     encoding="utf-8")
    ok("store", "add", db, str(first), "--format", "marks")
    corrected = tmp_path / "corrected.csv"
    corrected.write_text("learner_id,skill_id,mark,out_of,date\nL01,add,5,5,2026-09-07\nL02,add,4,5,2026-09-07\n"
                         "L03,add,A,5,2026-09-07\nL04,add,1,5,2026-09-08\n", encoding="utf-8")
    out = ok("store", "add", db, str(corrected), "--format", "marks")
    lines = out.splitlines()
    assert ": 1 added, 1 duplicate, 1 conflict, 0 rejected, 1 skipped by the reader" in lines[0]
    assert "conflict L01/add/2026-09-07T12:00:00Z: the ledger has score 0.6, not 1.0; not applied" in out
    assert any(line.startswith("skipped line 4: absent") for line in lines)
    with pl.open_store(db) as store:
        assert store.evidence(learner_ids=["L01"]).scores.tolist() == [0.6]
        store.void(["L04/add/2026-09-08T12:00:00Z"])
    out = ok("store", "add", db, str(corrected), "--format", "marks")
    assert "rejected L04/add/2026-09-08T12:00:00Z: this id was voided; a voided id cannot come back" in out
    assert ", 1 rejected," in out.splitlines()[0]


def test_add_xapi_applies_voids_from_a_later_file(db: str) -> None:
    week3, week5 = TERM / "week3-practice.jsonl", TERM / "week5-practice.jsonl"
    ok("store", "add", db, str(week3), "--format", "xapi")
    before = pl.read_xapi(week3, skill_of=lambda a: a.rsplit("/", 1)[-1])
    void = next(json.loads(line) for line in week5.read_text(encoding="utf-8").splitlines()
                if "verbs/voided" in line)
    target = void["object"]["id"]
    assert target in before.evidence_ids.tolist()
    out = ok("store", "add", db, str(week5), "--format", "xapi")
    assert f"voided {target}: removed from the ledger (statement {void['id']} voids it)" in out
    assert ", 1 void" in out.splitlines()[0] and "0 skipped by the reader" in out.splitlines()[0]
    assert "not among the statements read" not in out  # the reader's note is answered by the store
    with pl.open_store(db) as store:
        assert target not in store.evidence().evidence_ids.tolist()
        assert len(store) == len(before) - 1 + len(pl.read_xapi(week5, skill_of=lambda a: a.rsplit("/", 1)[-1]))
    out = ok("store", "add", db, str(week3), "--format", "xapi")
    assert f"rejected {target}: this id was voided" in out
    out = ok("store", "add", db, str(week5), "--format", "xapi")
    assert f"voided {target}: not in the ledger; its id is kept as a tombstone" in out


def test_add_xapi_skill_map_and_default(db: str, tmp_path: Path) -> None:
    week3 = TERM / "week3-practice.jsonl"
    statements = [json.loads(line) for line in week3.read_text(encoding="utf-8").splitlines()]
    activity = statements[0]["object"]["id"]
    skill_map = tmp_path / "map.json"
    skill_map.write_text(json.dumps({activity: "mapped_skill"}), encoding="utf-8")
    out = ok("store", "add", db, str(week3), "--format", "xapi", "--skill-of", str(skill_map))
    mapped = sum(s["object"]["id"] == activity for s in statements)
    assert f": {mapped} added," in out
    assert out.count("is not mapped to a skill by skill_of") == len(statements) - mapped
    with pl.open_store(db) as store:
        assert set(store.evidence().skill_ids.tolist()) == {"mapped_skill"}


def test_add_oneroster_sets_the_roster_and_maps_line_items(db: str, tmp_path: Path) -> None:
    skill_map = tmp_path / "line-items.json"
    skill_map.write_text(json.dumps(LINE_ITEMS), encoding="utf-8")
    out = ok("store", "add", db, str(SCHOOL / "oneroster"), "--format", "oneroster", "--skill-of", str(skill_map))
    bundle = pl.read_oneroster(SCHOOL / "oneroster", skill_of=LINE_ITEMS)
    assert "roster class-4m: 28 learners" in out
    assert out.count("\nskipped res-") == len(bundle.evidence.skipped) == 2
    with pl.open_store(db) as store:
        assert store.class_learners("class-4m") == bundle.class_learners("class-4m")
        assert set(store.evidence().skill_ids.tolist()) == set(LINE_ITEMS.values())
        assert _rows(store.evidence()) == _rows(bundle.evidence)


def test_add_marks_skill_map_renames_the_skill_column(db: str, tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text("learner_id,skill_id,mark,out_of,date\nL01,Y4.N3,3,5,2026-09-07\nL02,other,4,5,2026-09-07\n",
                     encoding="utf-8")
    skill_map = tmp_path / "codes.json"
    skill_map.write_text('{"Y4.N3": "times_tables_to_12"}', encoding="utf-8")
    ok("store", "add", db, str(marks), "--format", "marks", "--skill-of", str(skill_map))
    with pl.open_store(db) as store:
        assert store.evidence().skill_ids.tolist() == ["times_tables_to_12", "other"]


# ------------------------------------------------------------------ next
def _next_table(out: str) -> dict[str, list[str]]:
    """Learner id -> the skill names of their next steps, in rank order."""
    table: dict[str, list[str]] = {}
    current = ""
    for line in out.splitlines():
        row = re.match(r"^(L\d\d)  (?:1\. (.+)|\((.+)\))$", line)
        if row:
            current = row.group(1)
            table[current] = [row.group(2)] if row.group(2) else []
            continue
        step = re.match(r"^ {5}(\d)\. (.+)$", line)
        if step and current:
            assert int(step.group(1)) == len(table[current]) + 1
            table[current].append(step.group(2))
    return table


def test_next_prints_every_learner_of_the_roster_with_reasons(term_store: str) -> None:
    out = ok("store", "next", term_store, "--class", "class-4m", "--k", "2")
    names = _example_skill_table()
    graph = pl.load_example_curriculum()
    with pl.open_store(term_store) as store:
        roster = store.class_learners("class-4m")
        expected = store.recommend(graph, typical(), class_id="class-4m", k=2)
    table = _next_table(out)
    assert list(table) == list(roster)
    assert [[names[str(s)][0] for s in row] for row in expected.skills()] == list(table.values())
    assert "ready: " in out and "unlocks" in out
    assert "Next steps for class class-4m: 28 learners" in out.splitlines()[0]
    assert max(map(len, out.splitlines())) <= WIDTH


def test_next_with_review_and_now(term_store: str) -> None:
    out = ok("store", "next", term_store, "--class", "class-4m", "--k", "1", "--half-life", "20",
             "--now", "2026-12-01T09:00Z")
    assert "half-life 20 days, to 2026-12-01T09:00Z" in " ".join(out.split())
    assert out.count("review: mastered, but estimated recall has fallen to") == 28
    fresh = ok("store", "next", term_store, "--class", "class-4m", "--k", "1", "--half-life", "365",
               "--now", "2026-09-19T09:00Z")
    assert "review:" not in fresh
    assert _next_table(fresh) == _next_table(ok("store", "next", term_store, "--class", "class-4m", "--k", "1"))


def test_next_marks_learners_without_evidence(tmp_path: Path) -> None:
    db = str(tmp_path / "roster.db")
    marks = tmp_path / "m.csv"
    marks.write_text("learner_id,skill_id,mark,out_of,date\nann,count_to_20,1,1,2026-09-07\n", encoding="utf-8")
    ok("store", "add", db, str(marks), "--format", "marks")
    with pl.open_store(db) as store:
        store.set_roster({"4M": ["ann", "bo"]})
    out = ok("store", "next", db, "--class", "4M", "--k", "1")
    assert out.count("(no evidence yet: these follow from the prior alone)") == 1
    assert out.index("bo  ") < out.index("(no evidence yet")


def test_next_reads_csv_json_and_case_graphs_and_params(tmp_path: Path) -> None:
    db = str(tmp_path / "small.db")
    marks = tmp_path / "m.csv"
    marks.write_text("learner_id,skill_id,mark,out_of,date\n" + "".join(
        f"ann,count,1,1,2026-09-0{d}\n" for d in range(1, 4)), encoding="utf-8")
    ok("store", "add", db, str(marks), "--format", "marks")
    with pl.open_store(db) as store:
        store.set_roster({"4M": ["ann"]})
    edges = tmp_path / "g.csv"
    edges.write_text("prerequisite,skill\ncount,add\nadd,multiply\n", encoding="utf-8")
    from_csv = ok("store", "next", db, "--class", "4M", "--graph", str(edges), "--k", "1")
    assert "ann  1. 'add'" in from_csv
    compiled = tmp_path / "g.json"
    compiled.write_text(pl.read_edge_csv(edges).to_json(), encoding="utf-8")
    from_json = ok("store", "next", db, "--class", "4M", "--graph", str(compiled), "--k", "1")
    assert from_json.split("\n\n", 1)[1] == from_csv.split("\n\n", 1)[1]
    params = tmp_path / "params.json"
    params.write_text(pl.BKTParams(["add", "count", "multiply"], prior=0.2, learn=0.15, guess=0.2, slip=0.1,
                                   forget=0.0).to_json(), encoding="utf-8")
    with_params = ok("store", "next", db, "--class", "4M", "--graph", str(edges), "--params", str(params))
    assert f"BKT parameters from {params}" in " ".join(with_params.split())
    # a CASE package: skills named by their human coding and statement
    framework = SCHOOL / "framework.json"
    case_db = str(tmp_path / "case.db")
    ok("store", "add", case_db, str(SCHOOL / "oneroster"), "--format", "oneroster")
    out = ok("store", "next", case_db, "--class", "class-4m", "--graph", str(framework), "--k", "1")
    case = pl.read_case(framework)
    assert "the CASE framework 'Primary maths: number and fractions (example)'" in " ".join(out.split())
    with pl.open_store(case_db) as store:
        expected = store.recommend(case.graph, pl.BKTParams.constant(case.graph, **PARAMS), class_id="class-4m",
                                   k=1)
    assert [row[0] for row in _next_table(out).values()] == [case.label(s[0]) for s in expected.skills()]


def test_next_for_a_learner_with_everything_mastered(tmp_path: Path) -> None:
    db = str(tmp_path / "done.db")
    marks = tmp_path / "m.csv"
    marks.write_text("learner_id,skill_id,mark,out_of,date\n" + "".join(
        f"ann,{skill},1,1,2026-09-0{d}\n" for skill in ("a", "b") for d in range(1, 5)), encoding="utf-8")
    ok("store", "add", db, str(marks), "--format", "marks")
    with pl.open_store(db) as store:
        store.set_roster({"4M": ["ann"]})
    edges = tmp_path / "g.csv"
    edges.write_text("prerequisite,skill\na,b\n", encoding="utf-8")
    out = ok("store", "next", db, "--class", "4M", "--graph", str(edges))
    assert "ann  (nothing ready: every skill of the graph is mastered)" in out


# ------------------------------------------------------------------ forget and export
def test_forget_erases_the_learner_and_says_what_went(term_store: str) -> None:
    with pl.open_store(term_store) as store:
        rows = len(store.evidence(learner_ids=["L17"]))
        store.open_scaffold("L17", pl.Scaffold("times_tables_to_12", pl.contingent_fading(levels=2)),
                            at="2026-09-07T08:00Z")
    assert rows > 0
    out = ok("store", "forget", term_store, "L17")
    assert out == (f"Forgot learner 'L17' in {term_store}: {rows} evidence rows, their places on 1 roster "
                   "(class-4m), 1 scaffold, and every tombstone and cached state about them.\n")
    with pl.open_store(term_store) as store:
        assert len(store.evidence(learner_ids=["L17"])) == 0
        assert "L17" not in store.class_learners("class-4m")
    status, out, err = run("store", "forget", term_store, "L17")
    assert status == 2 and out == ""
    assert err == (f"personalise store forget: error: {term_store} had no evidence, roster place or scaffold "
                   "for learner 'L17' (ids are case-sensitive)\n")


def test_forget_in_a_store_of_integer_learner_ids(db: str) -> None:
    with pl.open_store(db) as store:
        store.add(pl.Evidence([7, 8], ["add", "add"], [1.0, 0.0], ["2026-09-01T09:00Z"] * 2, ["q1", "q2"]))
    assert ok("store", "forget", db, "7").startswith(f"Forgot learner '7' in {db}: 1 evidence row")
    with pl.open_store(db) as store:
        assert store.evidence().learner_ids.tolist() == [8]
    status, _, err = run("store", "forget", db, "seven")
    assert status == 2 and "'seven'" in err


def test_export_round_trips_through_import_store(term_store: str, tmp_path: Path) -> None:
    out_path = tmp_path / "term.jsonl"
    out = ok("store", "export", term_store, str(out_path))
    with pl.open_store(term_store) as store:
        n = len(store)
        assert out.startswith(f"Wrote {n + 1:,} records")  # the rows and the roster
        rebuilt = pl.import_store(out_path)
        assert rebuilt.evidence() == store.evidence()
        assert rebuilt.class_learners("class-4m") == store.class_learners("class-4m")
        params = typical()
        assert rebuilt.mastery(params, class_id="class-4m") == store.mastery(params, class_id="class-4m")
        rebuilt.close()


def test_store_without_a_subcommand_prints_its_help() -> None:
    status, out, err = run("store")
    assert status == 2 and out == ""
    for command in ("add", "next", "forget", "export"):
        assert command in err
    status, out, _ = run("store", "add", "--help")
    assert status == 0 and "--skill-of" in out and "--format" in out
    status, out, _ = run("store", "next", "--help")
    assert status == 0
    for option in ("--class", "--graph", "--k", "--params", "--half-life", "--now"):
        assert option in out


# ------------------------------------------------------------------ errors
def _write(tmp_path: Path, files_: dict[str, str | bytes]) -> None:
    for name, content in files_.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


ErrorCase = tuple[dict[str, str | bytes], tuple[str, ...], str]
MARKS = "learner_id,skill_id,mark,out_of,date\nL01,count_to_20,1,1,2026-09-07\n"
ADD_ERRORS: list[ErrorCase] = [
    ({}, ("add", "s.db", "missing.csv", "--format", "marks"), "'missing.csv'"),
    ({"bad.csv": "learner_id,skill_id,mark,out_of,date\nL01,add,7,5,2026-09-07\n"},
     ("add", "s.db", "bad.csv", "--format", "marks"), "'bad.csv'"),
    ({"bad.jsonl": '{"id": 1}\n{"id": 2}\n'}, ("add", "s.db", "bad.jsonl", "--format", "xapi"), "'bad.jsonl'"),
    ({}, ("add", "s.db", "no-bundle", "--format", "oneroster"), "no-bundle"),
    ({"m.csv": MARKS}, ("add", "s.db", "m.csv", "--format", "marks", "--skill-of", "nomap.json"), "'nomap.json'"),
    ({"m.csv": MARKS, "map.json": "{"}, ("add", "s.db", "m.csv", "--format", "marks", "--skill-of", "map.json"),
     "--skill-of 'map.json' is not valid JSON"),
    ({"m.csv": MARKS, "map.json": "[1, 2]"}, ("add", "s.db", "m.csv", "--format", "marks", "--skill-of",
                                              "map.json"), "--skill-of 'map.json' must hold a JSON object"),
    ({"m.csv": MARKS, "map.json": '{"a": ""}'}, ("add", "s.db", "m.csv", "--format", "marks", "--skill-of",
                                                 "map.json"), "'a' must map to a skill id"),
    ({"m2.csv": MARKS + "L01,count_to_100,1,1,2026-09-07\n", "map.json": '{"count_to_20": 5}'},
     ("add", "s.db", "m2.csv", "--format", "marks", "--skill-of", "map.json"),
     "'m2.csv' with --skill-of: skill_ids has"),
    ({"m.csv": MARKS, "folder/x": ""}, ("add", "folder", "m.csv", "--format", "marks"), "'folder' is a folder"),
    ({"m.csv": MARKS}, ("add", "no-such-dir/s.db", "m.csv", "--format", "marks"), "no-such-dir"),
    ({"m.csv": MARKS, "text.db": "this is not a database, it is a text file\n" * 40},
     ("add", "text.db", "m.csv", "--format", "marks"), "text.db"),
]
NEXT_ERRORS: list[ErrorCase] = [
    ({}, ("next", "none.db", "--class", "class-4m"), "no evidence store at 'none.db'"),
    ({"folder/x": ""}, ("next", "folder", "--class", "class-4m"), "'folder' is a folder"),
    ({}, ("next", "{db}", "--class", "4X"), "no roster for class '4X' (classes: 'class-4m')"),
    ({}, ("next", "{db}", "--class", "class-4m", "--graph", "missing.csv"), "'missing.csv'"),
    ({"case.json": '{"CFDocument": {"identifier": "x"}}'}, ("next", "{db}", "--class", "class-4m", "--graph",
                                                           "case.json"), "--graph 'case.json' (read as a CASE package)"),
    ({"bad.json": '{"schema": "something/1"}'}, ("next", "{db}", "--class", "class-4m", "--graph", "bad.json"),
     "--graph 'bad.json' (read as CompiledGraph JSON)"),
    ({"broken.json": '{"schema": '}, ("next", "{db}", "--class", "class-4m", "--graph", "broken.json"),
     "--graph 'broken.json' is not valid JSON"),
    ({"g.csv": "prerequisite,skill\na,b\n"}, ("next", "{db}", "--class", "class-4m", "--graph", "g.csv"),
     "give the --graph (and --params) that cover every skill of"),
    ({"empty.csv": "prerequisite,skill\n"}, ("next", "{db}", "--class", "class-4m", "--graph", "empty.csv"),
     "--graph 'empty.csv' has no skills"),
    ({}, ("next", "{db}", "--class", "class-4m", "--params", "p.json"), "'p.json'"),
    ({"p.json": "{}"}, ("next", "{db}", "--class", "class-4m", "--params", "p.json"), "--params 'p.json'"),
    ({"p.json": pl.BKTParams(["count_to_20"], prior=0.2, learn=0.1, guess=0.2, slip=0.1, forget=0.0).to_json()},
     ("next", "{db}", "--class", "class-4m", "--params", "p.json"), "has no parameters for skill"),
    ({}, ("next", "{db}", "--class", "class-4m", "--now", "2026-10-01T09:00Z"), "give --half-life too"),
    ({}, ("next", "{db}", "--class", "class-4m", "--half-life", "5", "--now", "2026-10-01T09:00"),
     "--now '2026-10-01T09:00' is not a time with an offset"),
    ({}, ("next", "{db}", "--class", "class-4m", "--k", "0"), "--k must be at least 1; got 0"),
    ({}, ("next", "{db}", "--class", "class-4m", "--half-life", "0"), "--half-life must be a positive number"),
    ({}, ("next", "{db}", "--class", "class-4m", "--half-life", "nan"), "--half-life must be a positive number"),
]
OTHER_ERRORS: list[ErrorCase] = [
    ({}, ("forget", "none.db", "L01"), "no evidence store at 'none.db'"),
    ({}, ("forget", "{db}", "L99"), "for learner 'L99'"),
    ({}, ("export", "none.db", "out.jsonl"), "no evidence store at 'none.db'"),
    ({}, ("export", "{db}", "no-such-dir/out.jsonl"), "no-such-dir/out.jsonl"),
    ({}, ("export", "{db}", "{db}"), "is the store itself"),
]


@pytest.mark.parametrize(("files_", "argv", "named"), ADD_ERRORS + NEXT_ERRORS + OTHER_ERRORS)
def test_errors_are_one_line_name_the_item_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files_: dict[str, str | bytes], argv: tuple[str, ...],
    named: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, files_)
    db = "term.db"
    ok("store", "add", db, str(TERM / "week1.csv"), "--format", "marks")
    with pl.open_store(db) as store:
        store.set_roster({"class-4m": list(pl.load_example_class()[0])})
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run("store", *(a.replace("{db}", db) for a in argv))
    assert status == 2, out
    assert out == ""
    assert err.startswith(f"personalise store {argv[0]}: error: "), err
    assert named.replace("{db}", db) in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    created = set(sorted(p.name for p in tmp_path.iterdir())) - set(before)
    assert not {name for name in created if not name.startswith("term.db")}  # a failed command creates no store


@pytest.mark.parametrize("argv", [
    ("add", "s.db", "f.csv"),  # --format is required
    ("add", "s.db", "f.csv", "--format", "csv"),
    ("next", "s.db"),  # --class is required
    ("next", "s.db", "--class", "4M", "--k", "two"),
    ("forget", "s.db"),
    ("export", "s.db"),
    ("frobnicate",),
])
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run("store", *argv)
    assert status == 2
    assert out == ""
    assert "usage: personalise store" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_a_failed_add_writes_nothing(db: str, tmp_path: Path) -> None:
    ok("store", "add", db, str(TERM / "week1.csv"), "--format", "marks")
    broken = tmp_path / "broken.csv"
    text = (TERM / "week2.csv").read_text(encoding="utf-8")
    broken.write_text(text + "L01,add,9,5,2026-09-18\n", encoding="utf-8")  # 9 out of 5: the whole file is refused
    status, _, err = run("store", "add", db, str(broken), "--format", "marks")
    assert status == 2 and "9" in err
    with pl.open_store(db) as store:
        assert len(store) == len(pl.read_marks(TERM / "week1.csv"))


def test_a_file_with_no_marks_adds_nothing(db: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("learner_id,skill_id,mark,out_of,date\nL01,add,A,5,2026-09-07\n", encoding="utf-8")
    out = ok("store", "add", db, str(empty), "--format", "marks")
    assert ": 0 added, 0 duplicates, 0 conflicts, 0 rejected, 1 skipped by the reader" in out
    assert out.splitlines()[-1] == f"{db} now holds 0 evidence rows."
