"""The text view of a lesson plan: phases, one line per group, every reason below its line."""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from personalise.levels import Level

if TYPE_CHECKING:
    from personalise.lesson import LessonPlan, PlanItem

LEVEL_TITLES = {
    Level.TEACHING: "Teaching level (assessment for learning, flexible groups)",
    Level.CONTENT: "Content level (next steps, with support that fades)",
    Level.EXPERIENCE: "Experience level (choices)",
}


def who(learners: Sequence[Hashable], everyone: Sequence[Hashable]) -> str:
    """Who an item is for: every id (with a count from four), or "everyone (n)" for the whole class."""
    if len(everyone) > 1 and len(learners) == len(everyone) and set(learners) == set(everyone):
        return f"everyone ({len(everyone)})"
    names = ", ".join(map(str, learners))
    return f"{names} ({len(learners)})" if len(learners) >= 4 else names


def principles(numbers: Sequence[int]) -> str:
    """``principle 1`` or ``principles 5, 7, 8``."""
    word = "principle" if len(numbers) == 1 else "principles"
    return f"{word} {', '.join(map(str, numbers))}"


def _head(item: PlanItem, everyone: Sequence[Hashable], width: int) -> list[str]:
    return textwrap.wrap(f"- {item.what} [{item.level.label}]: {who(item.learners, everyone)}", width,
                         initial_indent="   ", subsequent_indent="       ", break_on_hyphens=False)


def _why(reason: str, width: int, *, shared: bool) -> list[str]:
    lead = "why (each line above): " if shared else "why: "
    return textwrap.wrap(lead + reason, width, initial_indent="     ", subsequent_indent="          ",
                         break_on_hyphens=False)


def _items(items: Sequence[PlanItem], everyone: Sequence[Hashable], width: int) -> list[str]:
    """Each item's line; a reason shared by a run of items is written once, after the run."""
    lines: list[str] = []
    start = 0
    while start < len(items):
        stop = start + 1
        while stop < len(items) and items[stop].reason == items[start].reason:
            stop += 1
        for item in items[start:stop]:
            lines += _head(item, everyone, width)
        lines += _why(items[start].reason, width, shared=stop - start > 1)
        start = stop
    return lines


def _detail(plan: LessonPlan, width: int) -> list[str]:
    lines = ["", "Full listing (every learner, one by one)"]
    for level in (Level.TEACHING, Level.CONTENT, Level.EXPERIENCE):
        lines += ["", LEVEL_TITLES[level]]
        for item in plan.at(level):
            listed = ", ".join(map(str, item.learners)) if len(item.learners) <= 6 else f"{len(item.learners)} learners"
            lines += textwrap.wrap(f"{item.what} [{listed}]", width, initial_indent="  ", subsequent_indent="    ")
            lines += textwrap.wrap(item.reason, width, initial_indent="      ", subsequent_indent="      ")
    return lines


def lesson_text(plan: LessonPlan, *, detail: bool, width: int) -> str:
    """The plan as text (see :meth:`LessonPlan.to_text`)."""
    everyone = plan.learner_ids or tuple(dict.fromkeys(m for item in plan.items for m in item.learners))
    lines = [f"Lesson plan for {len(everyone)} learners, in the phases of Rosenshine's principles of instruction."]
    lines += textwrap.wrap(
        "Each line says what happens, at which level, and for whom; the reason is below it. "
        "The groups are for today only: they are recomputed from the next evidence.", width)
    for number, phase in enumerate(plan.phases, start=1):
        lines += ["", f"{number}. {phase.title} ({principles(phase.principles)})"]
        lines += _items(phase.items, everyone, width)
        if not phase.items:
            lines += textwrap.wrap(f"(nothing today: {phase.note})", width, initial_indent="   ",
                                   subsequent_indent="    ")
    if not plan.phases:
        detail = True
    if detail:
        lines += _detail(plan, width)
    return "\n".join(lines)
