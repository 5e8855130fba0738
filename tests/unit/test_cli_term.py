"""``python -m personalise demo --term`` and the bundled term it replays."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

import personalise as pl
from personalise.__main__ import main
from personalise.cli.demo import scaffold_kind
from personalise.cli.store import read_batch
from personalise.cli.term import SCAFFOLD_RULE, load_term
from personalise.io.example import _example_skill_table

TERM = Path(str(files("personalise.data") / "school" / "term"))
PARAMS = dict(prior=0.2, learn=0.15, guess=0.2, slip=0.1)
WORDS = {"full": 1.0, "half": 0.5, "none": 0.0}
LEAVER = "L17"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def report() -> str:
    status, out, err = run("demo", "--term")
    assert status == 0, err
    assert err == ""
    return out


def section(text: str, title: str) -> list[str]:
    """The lines after the line starting with ``title``, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def groups(lines: list[str]) -> list[tuple[str, dict[str, float | None]]]:
    """``[(skill name, {learner: support})]`` from a week's group lines (wrapped lines joined)."""
    joined: list[str] = []
    for line in lines:
        if line.startswith("    "):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    out = []
    for line in joined:
        match = re.match(r"^  (\S.*?)\s{2,}(\S.*)$", line)
        assert match, line
        name, rest = match.groups()
        support: dict[str, float | None] = {}
        if name.startswith("(nothing left"):
            support.update({learner: None for learner in rest.split()})
        else:
            for word, who in re.findall(r"(none|half|full): ((?:L\d\d ?)+)", rest):
                support.update({learner: WORDS[word] for learner in who.split()})
            assert re.sub(r"(none|half|full): ((?:L\d\d ?)+)", "", rest).strip() == "", rest
        out.append((name, support))
    return out


# ------------------------------------------------------------------ the report
def test_report_is_deterministic_and_fits_a_screen(report: str) -> None:
    assert run("demo", "--term")[1] == report
    lines = report.splitlines()
    assert len(lines) <= 60
    assert max(map(len, lines)) <= 100
    assert "Traceback" not in report


def test_week_1_shows_every_learner_once_and_week_6_not_the_leaver(report: str) -> None:
    learners = list(pl.load_example_class()[0])
    week1 = groups(section(report, "Week 1,"))
    seen = [learner for _, support in week1 for learner in support]
    assert sorted(seen) == learners
    week6_lines = section(report, "Week 6,")
    week6 = groups(week6_lines)
    seen6 = [learner for _, support in week6 for learner in support]
    assert sorted(seen6) == [lr for lr in learners if lr != LEAVER]
    assert LEAVER not in " ".join(week6_lines)
    assert "(28 learners)" in report and "(27 learners)" in report


def test_skills_are_named_by_the_bundled_names(report: str) -> None:
    names = {name for name, _ in _example_skill_table().values()}
    ids = set(pl.load_example_curriculum().skill_ids)
    for title in ("Week 1,", "Week 6,"):
        for name, _ in groups(section(report, title)):
            assert name in names or name.startswith("(nothing left: all 44 skills mastered)"), name
    for skill in ids:
        assert not re.search(rf"\b{re.escape(str(skill))}\b", report), skill


def test_week_1_groups_and_support_match_a_store_replayed_by_hand(report: str) -> None:
    """The week-1 section equals what the store gives when the same files are added through the public API."""
    term = load_term()
    graph = pl.load_example_curriculum()
    learners = list(pl.load_example_class()[0])
    params = pl.BKTParams.constant(graph, **PARAMS)
    table = _example_skill_table()
    with pl.open_store() as store:
        store.set_roster({term.class_id: learners})
        store.add(pl.read_marks(TERM / "baseline.csv"))
        steps = store.recommend(graph, params, class_id=term.class_id, k=1).skills()
        for learner, skills in zip(learners, steps):
            store.open_scaffold(learner, pl.Scaffold(skills[0], SCAFFOLD_RULE, kind=scaffold_kind(str(skills[0]))),
                                at="2026-09-07T08:00Z")
        store.add(pl.read_marks(TERM / "week1.csv"))
        state = store.scaffolds(learners)
        expected = {}
        for i, (learner, skills) in enumerate(zip(learners, steps)):
            j = state.skills.index(skills[0])
            expected[learner] = (table[str(skills[0])][0], float(state.support[i, j]))
    shown = {learner: (name, support) for name, who in groups(section(report, "Week 1,"))
             for learner, support in who.items()}
    assert shown == expected


def test_what_changed_tells_the_term_story(report: str) -> None:
    changed = " ".join(" ".join(section(report, "What changed")).split())
    assert re.search(r"Moved on: 26 of 27 mastered their week-1 step and more \(\d+ to \d+ new skills each\); "
                     r"still on it: L21\.", changed)
    assert "Support faded:" in changed
    assert re.search(r"Needs support back: L21 on Halves and quarters of quantities, none after week \d, "
                     r"full by week 6\.", changed)
    assert ("Late mark in week 4: L02's mark of 18 September on Division facts up to 12 x 12. Replaying that "
            "learner-skill moves its P(mastery) at the end of week 2 from 0.87 to 0.97; secured then after all."
            ) in changed
    assert "Voided in week 5: L07's answer of 23 September" in changed
    left = re.search(r"Left: L17 on 14 October \(week 6\); forget_learner erased (\d+) evidence rows, "
                     r"(\d+) scaffolds and their roster place\.", changed)
    assert left
    rows = 0
    for name, fmt in [*load_term().start, *(f for week in load_term().weeks for f in week.files)]:
        rows += int(np.count_nonzero(read_batch(str(TERM / name), fmt).evidence.learner_ids == LEAVER))
    assert int(left.group(1)) == rows
    last = report.strip().splitlines()[-2:]
    assert "derived from the ledger" in " ".join(last)
    assert "mastery equals a replay of the surviving evidence (checked)" in " ".join(" ".join(last).split())


def test_term_refuses_options_it_does_not_use() -> None:
    for argv in (("--k", "2"), ("--format", "json"), ("--lesson",), ("--learner", "L01"), ("--goal", "add"),
                 ("--threshold", "0.9")):
        status, out, err = run("demo", "--term", *argv)
        assert status == 2 and out == ""
        assert err == f"personalise demo: error: --term prints its own report; {argv[0]} does not apply to it\n"


def test_term_imports_neither_networkx_nor_pandas() -> None:
    code = (
        "import io, sys\n"
        "from personalise.__main__ import main\n"
        "assert main(['demo', '--term'], stdout=io.StringIO()) == 0\n"
        "print(sorted(m for m in ('networkx', 'pandas') if m in sys.modules))\n"
    )
    source = str(Path(pl.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ the bundled data
def test_the_term_files_are_small_and_listed_in_the_manifest() -> None:
    term = load_term()
    listed = {name for name, _ in term.start} | {name for week in term.weeks for name, _ in week.files}
    present = {path.name for path in TERM.iterdir()} - {"term.json", "README.md"}
    assert listed == present
    assert sum(path.stat().st_size for path in TERM.iterdir()) < 150_000
    assert [week.number for week in term.weeks] == [1, 2, 3, 4, 5, 6]
    assert all(b.monday - a.monday == dt.timedelta(days=7) for a, b in zip(term.weeks, term.weeks[1:]))
    assert term.class_id in pl.read_oneroster(TERM.parent / "oneroster").classes


def test_the_term_is_about_the_example_class_and_curriculum() -> None:
    term = load_term()
    learners = set(pl.load_example_class()[0])
    skills = set(pl.load_example_curriculum().skill_ids)
    for name, fmt in [*term.start, *(f for week in term.weeks for f in week.files)]:
        evidence = read_batch(str(TERM / name), fmt).evidence
        assert set(evidence.learner_ids.tolist()) <= learners, name
        assert set(evidence.skill_ids.tolist()) <= skills, name
        assert not [reason for key, reason in evidence.skipped if "voids statement" not in reason], name


def test_the_term_holds_a_late_mark_a_void_and_a_leaver() -> None:
    term = load_term()
    week = {w.number: w for w in term.weeks}
    late = []
    for w in term.weeks:
        for name, fmt in w.files:
            evidence = read_batch(str(TERM / name), fmt).evidence
            early = evidence.timestamps < np.datetime64(w.monday.isoformat(), "us")
            late += [(w.number, str(t.astype("datetime64[D]"))) for t in evidence.timestamps[early]]
    assert late == [(4, "2026-09-18")]
    assert week[2].monday <= dt.date(2026, 9, 18) < week[3].monday
    voids = [v for name, fmt in week[5].files for v in read_batch(str(TERM / name), fmt).voids]
    assert len(voids) == 1
    week3 = [read_batch(str(TERM / name), fmt).evidence for name, fmt in week[3].files]
    assert sum(voids[0][1] in e.evidence_ids.tolist() for e in week3) == 1
    (learner, number, date), = term.leavers
    assert (learner, number) == (LEAVER, 6)
    for name, fmt in week[6].files:
        evidence = read_batch(str(TERM / name), fmt).evidence
        mine = evidence.timestamps[evidence.learner_ids == learner]
        assert mine.size and (mine < np.datetime64(date.isoformat(), "us")).all()
    assert json.loads((TERM / "term.json").read_text(encoding="utf-8"))["schema"] == "personalise.term/1"
