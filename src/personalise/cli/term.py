"""``demo --term``: six bundled weeks of a class's evidence replayed through an evidence store.

:func:`load_term` reads the bundled term's manifest
(``personalise/data/school/term/term.json``); :func:`replay_term` opens an
in-memory :class:`~personalise.EvidenceStore`, sets the class's roster, adds
the start-of-term check, and then, week by week, gives every learner a
scaffold on their next step (:meth:`~personalise.EvidenceStore.recommend`),
adds the week's files (late marks and voids included), erases a pupil who
leaves, and takes a snapshot; :func:`render_term` writes the teacher's
report. Everything the report shows is read back from the store.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Hashable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

import attrs
import numpy as np

from personalise._validation import parse_json
from personalise.cli.demo import scaffold_kind
from personalise.cli.store import apply_batch, read_batch, typical_params
from personalise.cli.text import WIDTH
from personalise.cli.text import fill as _fill
from personalise.cli.text import plural as _plural
from personalise.content.tracing import estimate_mastery
from personalise.exceptions import InvalidParameterError
from personalise.io import load_example_class, load_example_curriculum
from personalise.io.example import _example_skill_table
from personalise.scaffolds.fading import ContingentFading, contingent_fading
from personalise.scaffolds.scaffold import Scaffold
from personalise.store import EvidenceStore, open_store

__all__ = ["SCAFFOLD_RULE", "Snapshot", "Term", "TermReplay", "Week", "load_term", "render_term", "replay_term"]

#: Support on each next step: full at first, one level less after a success, one more after a failure.
SCAFFOLD_RULE: Final[ContingentFading] = contingent_fading(levels=2)
#: P(mastery) at or above which a skill counts as mastered.
THRESHOLD: Final = 0.95
TERM_SCHEMA: Final = "personalise.term/1"
_SUPPORT_WORDS: Final = {1.0: "full", 0.5: "half", 0.0: "none"}


@attrs.frozen
class Week:
    """One week of the term: its number, its Monday, and its files ``(name, format)`` in the order to add."""

    number: int
    monday: _dt.date
    files: tuple[tuple[str, str], ...]

    @property
    def starts(self) -> str:
        """Monday 08:00 UTC, when each learner's next step for the week is set."""
        return f"{self.monday.isoformat()}T08:00Z"

    def dates(self) -> str:
        """``7 to 11 September``."""
        friday = self.monday + _dt.timedelta(days=4)
        first = f"{self.monday.day}" if self.monday.month == friday.month else _day(self.monday)
        return f"{first} to {_day(friday)}"


def _day(date: _dt.date) -> str:
    return f"{date.day} {date.strftime('%B')}"


@attrs.frozen
class Term:
    """The bundled term: the class, the start-of-term files, the six weeks and who leaves when."""

    title: str
    class_id: str
    start: tuple[tuple[str, str], ...]
    weeks: tuple[Week, ...]
    leavers: tuple[tuple[str, int, _dt.date], ...]
    folder: Traversable


def _term_folder() -> Traversable:
    return resources.files("personalise.data") / "school" / "term"


def load_term() -> Term:
    """The bundled term's manifest (``term.json``).

    Examples
    --------
    >>> term = load_term()
    >>> term.class_id, len(term.weeks), term.leavers[0][:2]
    ('class-4m', 6, ('L17', 6))
    """
    folder = _term_folder()
    document = parse_json(folder.joinpath("term.json").read_text(encoding="utf-8"), "the bundled term.json",
                          error=InvalidParameterError)
    assert document["schema"] == TERM_SCHEMA

    def files(entries: Sequence[dict[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((entry["file"], entry["format"]) for entry in entries)

    weeks = tuple(Week(int(w["week"]), _dt.date.fromisoformat(w["monday"]), files(w["files"]))
                  for w in document["weeks"])
    leavers = tuple((entry["learner_id"], int(entry["week"]), _dt.date.fromisoformat(entry["date"]))
                    for entry in document["leavers"])
    return Term(document["title"], document["class_id"], files(document["start"]["files"]), weeks, leavers, folder)


@attrs.frozen
class Snapshot:
    """The class at the end of a week.

    ``steps`` is each learner's next step for the week (None: nothing ready),
    ``support`` the support of their scaffold on it at the week's end,
    ``mastered`` how many skills each has mastered then.
    """

    week: Week
    learners: tuple[Hashable, ...]
    steps: dict[Hashable, Hashable | None]
    support: dict[Hashable, float | None]
    mastered: dict[Hashable, int]


@attrs.frozen
class TermReplay:
    """Everything :func:`render_term` shows, read back from the store."""

    term: Term
    baseline: dict[Hashable, int]  # skills mastered after the start-of-term check
    snapshots: tuple[Snapshot, ...]
    late: tuple[tuple[int, Hashable, Hashable, str, int, float, float], ...]
    # (week it arrived, learner, skill, its date, its week, P(mastery) at that week's end before and after)
    voided: tuple[tuple[int, Hashable, Hashable, str], ...]  # (week of the void, learner, skill, date of the row)
    left: tuple[tuple[Hashable, int, _dt.date, int, int], ...]  # (learner, week, date, rows erased, scaffolds)
    n_rows: int
    n_learners: int
    replay_equal: bool


def _support_on(store: EvidenceStore, learners: Sequence[Hashable],
                steps: dict[Hashable, Hashable | None]) -> dict[Hashable, float | None]:
    state = store.scaffolds(learners)
    support = state.support
    out: dict[Hashable, float | None] = {}
    for i, learner in enumerate(learners):
        step = steps.get(learner)
        columns = [j for j, skill in enumerate(state.skills) if skill == step]
        out[learner] = float(support[i, columns[0]]) if step is not None and columns else None
    return out


def replay_term(term: Term | None = None) -> TermReplay:
    """Replay the bundled term through an in-memory store and read back what the report shows.

    Examples
    --------
    >>> replay = replay_term()
    >>> [s.week.number for s in replay.snapshots], replay.replay_equal
    ([1, 2, 3, 4, 5, 6], True)
    """
    term = load_term() if term is None else term
    graph = load_example_curriculum()
    learners, _ = load_example_class(graph)
    params = typical_params(graph)
    late: list[tuple[int, Hashable, Hashable, str, int, float, float]] = []
    voided: list[tuple[int, Hashable, Hashable, str]] = []
    left: list[tuple[Hashable, int, _dt.date, int, int]] = []
    snapshots: list[Snapshot] = []
    with open_store() as store:
        store.set_roster({term.class_id: list(learners)})
        for name, fmt in term.start:
            apply_batch(store, read_batch(str(term.folder / name), fmt))
        baseline = _mastered(store, params, term.class_id)
        held: dict[Hashable, Hashable] = {}  # each learner's scaffold skill
        for week in term.weeks:
            roster = store.class_learners(term.class_id)
            recommended = store.recommend(graph, params, class_id=term.class_id, k=1).skills()
            steps: dict[Hashable, Hashable | None] = {}
            for learner, skills in zip(roster, recommended):
                steps[learner] = skills[0] if skills else None
                if skills and held.get(learner) != skills[0]:
                    scaffold = Scaffold(skills[0], SCAFFOLD_RULE, kind=scaffold_kind(str(skills[0])))
                    store.open_scaffold(learner, scaffold, at=week.starts)
                    held[learner] = skills[0]
            for name, fmt in week.files:
                batch = read_batch(str(term.folder / name), fmt)
                rows = batch.evidence
                monday = np.datetime64(week.monday.isoformat(), "us")
                early = [(rows.learner_ids[k].item(), rows.skill_ids[k].item(), rows.timestamps[k])
                         for k in np.flatnonzero(rows.timestamps < monday).tolist()]
                ends = [_week_end(term, moment) for _, _, moment in early]
                before = [store.mastery(params, learner_ids=[lr], at=end[1]).value(lr, sk)
                          for (lr, sk, _), end in zip(early, ends)]
                if batch.voids:
                    targets = {target for _, target in batch.voids}
                    ledger = store.evidence()
                    for k in np.flatnonzero(np.isin(ledger.evidence_ids, list(targets))).tolist():
                        voided.append((week.number, ledger.learner_ids[k].item(), ledger.skill_ids[k].item(),
                                       str(ledger.timestamps[k].astype("datetime64[D]"))))
                apply_batch(store, batch)
                for (lr, sk, moment), (number, end), value in zip(early, ends, before):
                    after = store.mastery(params, learner_ids=[lr], at=end).value(lr, sk)
                    late.append((week.number, lr, sk, str(moment.astype("datetime64[D]")), number, value, after))
            for learner, number, date in term.leavers:
                if number == week.number:
                    scaffolds = store.scaffolds([learner]).n_scaffolds
                    left.append((learner, number, date, store.forget_learner(learner), scaffolds))
            roster = store.class_learners(term.class_id)
            snapshots.append(Snapshot(week, roster, {lr: steps.get(lr) for lr in roster},
                                      _support_on(store, roster, steps), _mastered(store, params, term.class_id)))
        roster = store.class_learners(term.class_id)
        table = store.mastery(params, class_id=term.class_id)
        again = estimate_mastery(params, store.evidence(learner_ids=roster), learner_ids=roster)
        return TermReplay(term, baseline, tuple(snapshots), tuple(late), tuple(voided), tuple(left), len(store),
                          len(roster), bool(table == again))


def _week_end(term: Term, moment: np.datetime64) -> tuple[int, str]:
    """The week a moment falls in, and the Monday after it (ISO text)."""
    day = _dt.date.fromisoformat(str(moment.astype("datetime64[D]")))
    week = max((w for w in term.weeks if w.monday <= day), key=lambda w: w.monday, default=term.weeks[0])
    return week.number, f"{(week.monday + _dt.timedelta(days=7)).isoformat()}T00:00Z"


def _mastered(store: EvidenceStore, params: Any, class_id: str) -> dict[Hashable, int]:
    table = store.mastery(params, class_id=class_id)
    counts = np.count_nonzero(table.values >= THRESHOLD, axis=1)
    return {learner: int(n) for learner, n in zip(table.learner_ids, counts.tolist())}


# ------------------------------------------------------------------ the report
def _word(support: float | None) -> str:
    if support is None:
        return "none"
    return _SUPPORT_WORDS.get(support, f"{support:.2f}")


def _who(learners: Sequence[Hashable]) -> str:
    return " ".join(str(learner) for learner in learners)


def _week_lines(snapshot: Snapshot, names: dict[str, tuple[str, int]], order: dict[Hashable, int],
                n_skills: int) -> list[str]:
    groups: dict[Hashable | None, list[Hashable]] = {}
    for learner in snapshot.learners:
        groups.setdefault(snapshot.steps[learner], []).append(learner)
    ranked = sorted(groups.items(), key=lambda item: (item[0] is None, -len(item[1]), order.get(item[0], -1)))
    shown = [(names[str(step)][0] if step is not None else f"(nothing left: all {n_skills} skills mastered)", who)
             for step, who in ranked]
    width = max(len(name) for name, _ in shown)
    lines = []
    for (name, who), (step, _) in zip(shown, ranked):
        parts = []
        if step is None:
            parts.append(_who(who))
        else:
            by_level: dict[str, list[Hashable]] = {}
            for learner in who:
                by_level.setdefault(_word(snapshot.support[learner]), []).append(learner)
            for word in ("none", "half", "full", *sorted(set(by_level) - {"none", "half", "full"})):
                if word in by_level:
                    parts.append(f"{word}: {_who(by_level[word])}")
        left = f"  {name:<{width}}  "
        lines.append(_fill("   ".join(parts), first=left, indent=" " * (len(left) + 2), width=WIDTH))
    return lines


def render_term(replay: TermReplay | None = None) -> str:
    """The teacher's report of the bundled term: week 1 and week 6, what changed, and where it comes from.

    Examples
    --------
    >>> text = render_term()
    >>> text.splitlines()[0]
    'personalise demo --term: six weeks of a Year 4 class, kept in an evidence store'
    """
    replay = replay_term() if replay is None else replay
    names = _example_skill_table()
    graph = load_example_curriculum()
    order = {skill: j for j, skill in enumerate(graph.skill_ids)}
    first, last = replay.snapshots[0], replay.snapshots[-1]
    lines = ["personalise demo --term: six weeks of a Year 4 class, kept in an evidence store", ""]
    intro = (
        f"{replay.term.title}: a start-of-term check, then each week's marks and practice-app statements, "
        f"added to an evidence store. Each Monday every learner's next step comes from the store (mastered "
        f"at P(mastery) >= {THRESHOLD:g}), with support that fades after a success and comes back after a "
        f"failure: full, half, none."
    )
    lines += [_fill(intro), ""]
    for snapshot in (first, last):
        week = snapshot.week
        lines.append(f"Week {week.number}, {week.dates()}: next steps by group, and the support left on Friday "
                     f"({_plural(len(snapshot.learners), 'learner')})")
        lines += _week_lines(snapshot, names, order, graph.n_skills)
        lines.append("")
    lines.append(f"What changed from week {first.week.number} to week {last.week.number}")
    stayed = [lr for lr in last.learners if last.steps[lr] is not None and last.steps[lr] == first.steps.get(lr)]
    moved = [lr for lr in last.learners if lr not in stayed]
    gains = [last.mastered[lr] - replay.baseline[lr] for lr in moved]
    but = f"; still on it: {_who(stayed)}" if stayed else ""
    lines.append(_fill(
        f"Moved on: {len(moved)} of {len(last.learners)} mastered their week-1 step and more "
        f"({min(gains, default=0)} to {max(gains, default=0)} new skills each){but}.",
        first="  ", indent="    "))
    faded = [lr for lr in last.learners if last.support[lr] == 0.0]
    some = [lr for lr in last.learners if last.support[lr] not in (None, 0.0)]
    working = [lr for lr in last.learners if last.steps[lr] is not None]
    lines.append(_fill(
        f"Support faded: {len(faded)} of the {len(working)} with a step end week {last.week.number} without "
        f"support" + (f"; some left: {', '.join(f'{lr} ({_word(last.support[lr])})' for lr in some)}." if some
                      else "."),
        first="  ", indent="    "))
    back = []
    for lr in last.learners:
        history = [(s.week.number, s.support.get(lr)) for s in replay.snapshots
                   if lr in s.steps and s.steps[lr] == last.steps[lr] and s.support.get(lr) is not None]
        if len(history) < 2:
            continue
        low_week, low = min(history[:-1], key=lambda item: (item[1], -item[0]))
        now = history[-1][1]
        assert now is not None and low is not None
        if now > low:
            step = names[str(last.steps[lr])][0]
            back.append(f"{lr} on {step}, {_word(low)} after week {low_week}, {_word(now)} by week "
                        f"{last.week.number}")
    lines.append(_fill("Needs support back: " + ("; ".join(back) if back else "nobody") + ".",
                       first="  ", indent="    "))
    for number, learner, skill, day, of_week, before, after in replay.late:
        secured = "; secured then after all" if before < THRESHOLD <= after else ""
        lines.append(_fill(
            f"Late mark in week {number}: {learner}'s mark of {_day(_dt.date.fromisoformat(day))} on "
            f"{names[str(skill)][0]}. Replaying that learner-skill moves its P(mastery) at the end of week "
            f"{of_week} from {before:.2f} to {after:.2f}{secured}.", first="  ", indent="    "))
    for number, learner, skill, day in replay.voided:
        lines.append(_fill(
            f"Voided in week {number}: {learner}'s answer of {_day(_dt.date.fromisoformat(day))} on "
            f"{names[str(skill)][0]}; its id stays as a tombstone.", first="  ", indent="    "))
    for learner, number, date, rows, scaffolds in replay.left:
        lines.append(_fill(
            f"Left: {learner} on {_day(date)} (week {number}); forget_learner erased "
            f"{_plural(rows, 'evidence row')}, {_plural(scaffolds, 'scaffold')} and their roster place.",
            first="  ", indent="    "))
    lines.append("")
    check = "equals" if replay.replay_equal else "does NOT equal"
    lines.append(_fill(
        f"Everything shown is derived from the ledger ({replay.n_rows:,} evidence rows) and the scaffolds "
        f"opened on it; mastery {check} a replay of the surviving evidence (checked)."))
    return "\n".join(lines) + "\n"
