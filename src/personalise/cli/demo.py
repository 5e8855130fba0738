"""The ``demo`` and ``simulate`` commands: next steps and a policy comparison.

:func:`build_demo` loads the bundled curriculum and class and calls
:func:`~personalise.recommend_next`; :func:`render` turns the result into a
readable text table, JSON or CSV; the table ends with a short simulated
comparison of teaching policies (:func:`demo_comparison`).

For ``simulate``, :func:`load_graph`, :func:`resolve_policies` and
:func:`resolve_goal` turn the command's words into objects (raising a
:class:`~personalise.PersonaliseError` that names the offending item),
:func:`compare_policies` simulates every policy on the same seed, and
:func:`render_comparison` and :func:`steps_csv` give the text table, JSON, CSV
and per-step CSV.

Everything here is pure (no printing, no globals; only :func:`load_graph`
reads a file), so the output is deterministic and easy to test;
:mod:`personalise.cli.main` wires it to the command line.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.cli.compare import demo_comparison, demo_comparison_lines
from personalise.cli.text import FORMATS, WIDTH
from personalise.cli.text import fill as _fill
from personalise.cli.text import plural as _plural
from personalise.content import Recommendations, recommend_next
from personalise.exceptions import (
    InvalidParameterError,
    UnknownSkillError,
)
from personalise.graph import CompiledGraph
from personalise.io import (
    load_example_class,
    load_example_curriculum,
)
from personalise.io.example import _example_skill_table
from personalise.lesson import LessonPlan, plan_lesson
from personalise.scaffolds.fading import MasteryFading, mastery_fading
from personalise.teaching import HingeQuestion

__all__ = [
    "FORMATS",
    "WIDTH",
    "Demo",
    "build_demo",
    "render",
    "example_lesson_plan",
    "render_lesson",
]

#: How many shared next steps the class summary lists at most.
TOP_SHARED: Final = 5

CURRICULUM_NAME: Final = "Primary maths, number and fractions strand"
CLASS_NAME: Final = "a Year 4 class"
REMINDER: Final = (
    "Content-level suggestions; the teaching level (check understanding, respond) has stronger evidence."
)
_GLUE: Final = "\u00a0"  # a space textwrap does not break at
CSV_COLUMNS: Final = (
    "learner_id", "rank", "skill_id", "skill_name", "skill_index", "term", "score",
    "steps_to_goal", "predicted_success", "recall", "reason", "scaffold", "support",
)
#: Every next step comes with support that fades as P(mastery) of that skill rises.
SCAFFOLD_RULE: Final[MasteryFading] = mastery_fading()


def scaffold_kind(skill_id: str) -> str:
    """The kind of support the demo offers for a skill (a teaching choice, the same for every learner).

    Fractions, decimals and percentages get an alternative representation
    (fraction walls, number lines); number facts get prompts; the rest get
    worked examples.
    """
    if any(word in skill_id for word in ("fraction", "decimal", "percent", "tenths", "halves", "thirds")):
        return "representation"
    if any(word in skill_id for word in ("times_tables", "facts", "bonds", "count")):
        return "prompt"
    return "worked example"


@attrs.frozen(eq=False)
class Demo:
    """Everything the demo shows, computed once.

    Parameters
    ----------
    graph : CompiledGraph
        The bundled curriculum.
    learner_ids : tuple of str
        Every learner of the bundled class.
    mastery : ndarray of float64, shape (n_learners, n_skills)
        The class's P(mastery).
    skill_names : dict
        Skill id -> (display name, school year).
    recommendations : Recommendations
        ``recommend_next`` for the whole class.
    shown : tuple of int
        Rows (learners) to show, in display order.
    goals : tuple of str
        The shared goal skill ids (empty: no goal).
    """

    graph: CompiledGraph
    learner_ids: tuple[str, ...]
    mastery: NDArray[np.float64]
    skill_names: dict[str, tuple[str, int]]
    recommendations: Recommendations
    shown: tuple[int, ...]
    goals: tuple[str, ...] = ()

    @property
    def threshold(self) -> float:
        """The mastery threshold used."""
        return float(self.recommendations.threshold)

    @property
    def whole_class(self) -> bool:
        """True when every learner is shown."""
        return len(self.shown) == len(self.learner_ids)

    def name(self, skill_id: object) -> str:
        """The display name of a skill, or its id when the skills table has none."""
        entry = self.skill_names.get(str(skill_id))
        return entry[0] if entry else str(skill_id)

    def n_mastered(self, row: int) -> int:
        """How many skills learner ``row`` has mastered (P(mastery) >= threshold)."""
        return int(np.count_nonzero(self.mastery[row] >= self.threshold))

    def support(self, row: int, skill_id: object) -> float:
        """Support of learner ``row``'s scaffold for a skill: :data:`SCAFFOLD_RULE` at their P(mastery)."""
        return SCAFFOLD_RULE.from_mastery(float(self.mastery[row, self.graph.index_of(skill_id)]))

    def records(self) -> list[dict[str, Any]]:
        """``Recommendations.to_records`` of the shown learners, with ``skill_name``, ``scaffold`` and ``support``."""
        order = {self.learner_ids[row]: position for position, row in enumerate(self.shown)}
        out: list[dict[str, Any]] = []
        for record in self.recommendations.to_records(self.learner_ids):
            if record["learner_id"] not in order:
                continue
            named: dict[str, Any] = {}
            for key, value in record.items():
                named[key] = value
                if key == "skill_id":
                    named["skill_name"] = self.name(value)
            row = self.learner_ids.index(record["learner_id"])
            if record["term"] == "review":
                named["scaffold"], named["support"] = None, None
            else:
                named["scaffold"] = scaffold_kind(str(record["skill_id"]))
                named["support"] = round(self.support(row, record["skill_id"]), 2)
            out.append(named)
        out.sort(key=lambda r: (order[r["learner_id"]], r["rank"]))
        return out


def build_demo(
    *,
    k: int = 3,
    threshold: float = 0.95,
    goals: Sequence[str] = (),
    learners: Sequence[str] = (),
) -> Demo:
    """Load the bundled data and recommend up to ``k`` next steps per learner.

    Parameters
    ----------
    k : int, default 3
        Next steps per learner.
    threshold : float, default 0.95
        Mastery threshold in (0, 1].
    goals : sequence of str, optional
        Skill ids of a goal shared by the whole class (several: the nearest counts).
    learners : sequence of str, optional
        Learner ids to show (default: all, in class order).

    Raises
    ------
    InvalidParameterError
        On an unknown learner id, or a bad ``k`` or ``threshold``.
    UnknownSkillError
        On a goal that is not a skill of the curriculum.
    """
    graph = load_example_curriculum()
    learner_ids, mastery = load_example_class(graph)
    skill_names = _example_skill_table()
    goal_ids = tuple(dict.fromkeys(goals))
    for goal in goal_ids:
        _check_goal(graph, skill_names, goal)
    shown = tuple(_learner_row(learner_ids, learner) for learner in dict.fromkeys(learners))
    recs = recommend_next(
        graph, mastery, k=k, threshold=threshold, goals=frozenset(goal_ids) if goal_ids else None
    )
    return Demo(
        graph=graph,
        learner_ids=learner_ids,
        mastery=mastery,
        skill_names=skill_names,
        recommendations=recs,
        shown=shown or tuple(range(len(learner_ids))),
        goals=goal_ids,
    )


def _check_goal(graph: CompiledGraph, skill_names: dict[str, tuple[str, int]], goal: str) -> None:
    if goal in graph.skill_ids:
        return
    ids = [str(s) for s in graph.skill_ids]
    by_name = {name.casefold(): skill for skill, (name, _) in skill_names.items()}
    close = [by_name[goal.casefold()]] if goal.casefold() in by_name else difflib.get_close_matches(goal, ids, n=3)
    quoted = [repr(c) for c in close]
    options = " or ".join(quoted) if len(quoted) < 3 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    hint = f"; did you mean {options}?" if close else f" (skill ids look like {ids[0]!r})"
    raise UnknownSkillError(
        f"--goal {goal!r} is not a skill of the example curriculum{hint}", value=goal
    )


def _learner_row(learner_ids: tuple[str, ...], learner: str) -> int:
    try:
        return learner_ids.index(learner)
    except ValueError:
        raise InvalidParameterError(
            f"unknown learner {learner!r}: the example class has learners "
            f"{learner_ids[0]} to {learner_ids[-1]}",
            value=learner,
        ) from None


# ------------------------------------------------------------------ rendering
def render(demo: Demo, fmt: str = "table") -> str:
    """The demo as text in one of :data:`FORMATS`, ending with a newline."""
    if fmt == "table":
        return render_table(demo)
    if fmt == "json":
        return json.dumps(demo.records(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(demo)
    raise InvalidParameterError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}", value=fmt)


def render_csv(demo: Demo) -> str:
    """The records of :meth:`Demo.records` as CSV with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in demo.records():
        writer.writerow({key: "" if value is None else value for key, value in record.items()})
    return buffer.getvalue()


def _fill_reason(reason: str, *, indent: str, width: int = WIDTH) -> str:
    """Wrap a reason, keeping each clause after the first ("unlocks 5 later skills") on one line."""
    room = width - len(indent)
    first, *rest = reason.split("; ")
    glued = [c.replace(" ", _GLUE) if len(c) + 2 <= room else c for c in rest]
    return _fill("; ".join([first, *glued]), indent=indent, width=width).replace(_GLUE, " ")


def _header(demo: Demo) -> list[str]:
    graph, recs = demo.graph, demo.recommendations
    years = sorted({year for _, year in demo.skill_names.values()})
    span = ""
    if years:
        low = "Reception" if years[0] == 0 else f"Year {years[0]}"
        span = f" ({low} to Year {years[-1]})"
    n_learners = len(demo.learner_ids)
    if demo.goals:
        goal_text = " or ".join(f"{demo.name(g)} ({g})" for g in demo.goals)
        ranking = (
            f"only those that lead to the shared goal, {goal_text}, nearest first "
            f"(fewest prerequisite steps)."
        )
    else:
        ranking = "ranked by how many later skills each one unlocks."
    who = "" if demo.whole_class else (
        f" Showing {', '.join(demo.learner_ids[row] for row in demo.shown)} "
        f"({len(demo.shown)} of {n_learners})."
    )
    paragraph = (
        f"Curriculum: {CURRICULUM_NAME}{span}: {graph.n_skills} skills, "
        f"{_plural(graph.n_edges, 'prerequisite link')}. Class: {n_learners} learners "
        f"({CLASS_NAME}, bundled example data).{who} A skill counts as mastered when "
        f"P(mastery) >= {demo.threshold:g}; it is ready when it is not yet mastered and "
        f"all its direct prerequisites are. Up to {_plural(recs.k, 'next step')} per learner, "
        f"{ranking}"
    )
    scaffolds = (
        "Each next step comes with support towards the same goal for everyone: a worked example, "
        "a prompt or another representation, at a level that fades as the learner's P(mastery) of "
        f"the skill rises (full below {SCAFFOLD_RULE.full:g}, none from {SCAFFOLD_RULE.none:g})."
    )
    sections = (
        "Three sections: each learner's next steps (the content level), the class's shared needs as "
        "temporary groups (the teaching level, where the evidence is strongest), and a simulation "
        "comparing teaching policies, each tagged with the level it personalises."
    )
    return ["personalise demo: next steps for each learner", "", _fill(paragraph), "", _fill(scaffolds), "",
            _fill(sections), "", "Content level: each learner's next steps", ""]


def _learner_block(demo: Demo, row: int, widths: tuple[int, int]) -> list[str]:
    recs = demo.recommendations
    n_skills = demo.graph.n_skills
    id_width, done_width = widths
    mastered = demo.n_mastered(row)
    count = f"{mastered:>{len(str(n_skills))}} / {n_skills}"
    left = f"{demo.learner_ids[row]:<{id_width}}  {count:<{done_width}}  "
    pad = " " * len(left)
    reasons = recs.reasons[row]
    if not reasons:
        if mastered == n_skills:
            note = f"(nothing ready: all {n_skills} skills mastered)"
        elif demo.goals:
            note = "(nothing ready towards the goal: it and all its prerequisites are mastered)"
        else:
            note = "(nothing ready)"
        return [left + note]
    number_width = len(str(recs.k)) + 1
    lines: list[str] = []
    for rank, reason in enumerate(reasons):
        skill = demo.graph.skill_ids[int(recs.indices[row, rank])]
        number = f"{rank + 1}.".rjust(number_width)
        lines.append(f"{left if rank == 0 else pad}{number} {demo.name(skill)}")
        indent = pad + " " * (number_width + 1)
        lines.append(_fill_reason(reason, indent=indent))
        support = demo.support(row, skill)
        lines.append(
            f"{indent}support: {scaffold_kind(str(skill))} at {support:.2f}"
            + (", fading as mastery grows" if support > 0 else ", faded")
        )
    return lines


def _summary(demo: Demo) -> list[str]:
    recs = demo.recommendations
    n_shown = len(demo.shown)
    counts: dict[int, list[int]] = {}  # skill column -> rows recommending it
    firsts: dict[int, int] = {}
    for row in demo.shown:
        for rank, j in enumerate(recs.indices[row].tolist()):
            if j < 0:
                break
            counts.setdefault(j, []).append(row)
            if rank == 0:
                firsts[j] = firsts.get(j, 0) + 1
    title = "Across the class: temporary groups (teaching level)"
    lines = [title, "-" * len(title)]
    finished = sum(1 for row in demo.shown if recs.indices[row, 0] < 0)
    if finished:
        lines.append(f"{_plural(finished, 'learner')} with nothing ready (see above).")
    shared = sorted(
        ((j, rows) for j, rows in counts.items() if len(rows) >= 2),
        key=lambda item: (-len(item[1]), -firsts.get(item[0], 0), item[0]),
    )[:TOP_SHARED]
    if not shared:
        lines.append("No next step is shared by two or more learners.")
        return lines
    lines.append(
        _fill(
            f"Most common next steps (in a learner's top {recs.k}; 'first' = their top "
            f"recommendation). Learners who share a next step are candidates for a temporary "
            f"small group:"
        )
    )
    names = [demo.name(demo.graph.skill_ids[j]) for j, _ in shared]
    name_width = max(len("Next step"), *map(len, names))
    head = f"  {'Next step':<{name_width}}  {'Learners':>8}  {'First':>5}  "
    lines.append(head + "Who")
    for name, (j, rows) in zip(names, shared):
        left = f"  {name:<{name_width}}  {f'{len(rows)} / {n_shown}':>8}  {firsts.get(j, 0):>5}  "
        who = " ".join(demo.learner_ids[row] for row in rows)
        lines.append(_fill(who, first=left, indent=" " * len(left)))
    return lines


def render_table(demo: Demo) -> str:
    """The demo as a header paragraph, an aligned table and a class summary."""
    n_skills = demo.graph.n_skills
    id_width = max(len("Learner"), *(len(demo.learner_ids[row]) for row in demo.shown))
    done_width = max(len("Mastered"), len(f"{n_skills} / {n_skills}"))
    left = f"{'Learner':<{id_width}}  {'Mastered':<{done_width}}  "
    title = "Next steps, best first, and why"
    lines = _header(demo)
    lines.append(left + title)
    lines.append(f"{'-' * id_width}  {'-' * done_width}  {'-' * (WIDTH - len(left))}")
    for position, row in enumerate(demo.shown):
        if position:
            lines.append("")
        lines.extend(_learner_block(demo, row, (id_width, done_width)))
    lines.append("")
    if demo.whole_class:
        lines.extend(_summary(demo))
        lines.append("")
        lines.extend(demo_comparison_lines(demo_comparison()))
        lines.append("")
    lines.append(_fill(REMINDER))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- lesson plan
#: The bundled hinge question: which fraction is bigger, 1/3 or 1/5? (skill: comparing unit fractions)
EXAMPLE_QUESTION: Final = HingeQuestion(
    "compare_fractions_same_denominator",
    ("A: 1/5, because 5 is bigger", "B: 1/3", "C: they are the same size"),
    "B: 1/3",
    {
        "A: 1/5, because 5 is bigger": "bigger denominator means a bigger part",
        "C: they are the same size": "fractions with numerator 1 are all equal",
    },
    text="Which is bigger, 1/3 or 1/5?",
)


def example_answers(learner_ids: Sequence[str], mastery: NDArray[np.float64], column: int) -> dict[str, str | None]:
    """Deterministic answers for the bundled class: learners who know unit fractions answer right."""
    options = EXAMPLE_QUESTION.options
    answers: dict[str, str | None] = {}
    for i, learner in enumerate(learner_ids):
        m = float(mastery[i, column])
        answers[learner] = None if i % 9 == 8 else options[1] if m >= 0.6 else options[0] if i % 3 else options[2]
    return answers


def example_lesson_plan(*, k: int = 3, threshold: float = 0.95) -> LessonPlan:
    """The lesson plan of the bundled class, from the bundled hinge question's answers, skills by name."""
    graph = load_example_curriculum()
    learner_ids, mastery = load_example_class(graph)
    column = graph.index_of("unit_fractions_of_shapes")
    return plan_lesson(
        graph,
        mastery,
        learner_ids=learner_ids,
        question=EXAMPLE_QUESTION,
        answers=example_answers(learner_ids, mastery, column),
        k=k,
        threshold=threshold,
        max_group_size=8,
        names={skill: name for skill, (name, _) in _example_skill_table().items()},
    )


def render_lesson(*, k: int = 3, threshold: float = 0.95, detail: bool = False) -> str:
    """A lesson plan for the bundled class as text (``detail``: every learner's listing as well)."""
    plan = example_lesson_plan(k=k, threshold=threshold)
    header = _fill(
        f"Exit question: {EXAMPLE_QUESTION.text} Each wrong option reveals a misconception. "
        "The plan follows the phases of a lesson; each line is tagged with its level: teaching (closest to "
        "learning, strongest evidence), content or experience."
    )
    return header + "\n\n" + plan.to_text(detail=detail, width=WIDTH) + "\n"
