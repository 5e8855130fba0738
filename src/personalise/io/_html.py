"""Printable HTML pages: one self-contained file, inline CSS, no script, laid out for A4.

:func:`lesson_page` renders a :class:`~personalise.LessonPlan` and
:func:`recommendations_page` a :class:`~personalise.Recommendations`. Every
text that comes from data is escaped; nothing is fetched from elsewhere (no
fonts, images or scripts), so the page prints and archives as it is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from personalise.levels import Level

if TYPE_CHECKING:
    from personalise.content.recommendations import Recommendations
    from personalise.lesson import LessonPlan, PlanItem

__all__ = ["lesson_page", "page", "recommendations_page"]

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #1b1f24;
       font: 10.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
main { max-width: 186mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 1.5mm; padding-bottom: 1mm; border-bottom: 2px solid #2f5d8a;
     break-after: avoid; page-break-after: avoid; }
h2 .num { display: inline-block; min-width: 6mm; color: #2f5d8a; }
h2 small { font-weight: normal; color: #4a5561; font-size: 9.5pt; margin-left: 2mm; }
p { margin: 1mm 0 2mm; }
.lead { color: #333d47; }
.purpose { color: #4a5561; font-style: italic; margin-bottom: 1.5mm; }
.note { color: #4a5561; border-left: 3px solid #c8ced4; padding-left: 2mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0 0 2mm; font-size: 9.5pt; }
th, td { border: 1px solid #c8ced4; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th { background: #eef2f6; font-weight: bold; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
td.why[rowspan] { vertical-align: middle; background: #fafbfc; }
td.who .count, .muted { color: #4a5561; font-size: 8.5pt; }
.lvl { display: inline-block; white-space: nowrap; padding: 0.2mm 1.4mm; border-radius: 1.5mm; font-size: 8.5pt; font-weight: bold; }
.lvl-teaching { background: #d9ead3; color: #1e4d17; }
.lvl-content { background: #dbe7f4; color: #173a5e; }
.lvl-experience { background: #f6e6c8; color: #5c3d06; }
ul.levels { margin: 1mm 0 3mm 5mm; padding: 0; }
ul.levels li { margin: 0.6mm 0; }
footer { margin-top: 6mm; padding-top: 2mm; border-top: 1px solid #c8ced4; color: #4a5561; font-size: 8.5pt; }
@media screen { body { background: #f4f6f8; } main { background: #fff; padding: 10mm 12mm; margin: 6mm auto;
                box-shadow: 0 0 3mm rgba(0, 0, 0, 0.12); } }
"""


def esc(value: object) -> str:
    """Escape any value for HTML text or an attribute."""
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    """A whole HTML document around ``body`` (already HTML), with the inline stylesheet."""
    from personalise import __version__

    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n"
        f"<footer>Made with personalise {esc(__version__)}. Every line gives its reason; groups are for this "
        "lesson only and are recomputed from the next evidence.</footer>\n</main>\n</body>\n</html>\n"
    )


def level_tag(level: Level) -> str:
    """A small coloured label naming the level."""
    return f'<span class="lvl lvl-{esc(level.label)}">{esc(level.label)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int], css: str = "") -> str:
    """A table of already-escaped cells, with column widths in percent."""
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>\n" for row in rows)
    klass = f' class="{esc(css)}"' if css else ""
    return f"<table{klass}><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>"


def who_cell(learners: Sequence[Hashable], everyone: Sequence[Hashable]) -> str:
    """The learners of a row, and how many."""
    if len(everyone) > 1 and len(learners) == len(everyone) and set(learners) == set(everyone):
        return f'<td class="who">everyone <span class="count">({len(everyone)})</span></td>'
    count = f' <span class="count">({len(learners)})</span>' if len(learners) >= 4 else ""
    return f'<td class="who">{esc(", ".join(map(str, learners)))}{count}</td>'


def _item_rows(items: Sequence[PlanItem], everyone: Sequence[Hashable]) -> list[list[str]]:
    """One row per item; a reason shared by a run of items is one cell spanning the run."""
    rows: list[list[str]] = []
    for position, item in enumerate(items):
        row = [f"<td>{level_tag(item.level)}</td>", f"<td>{esc(item.what)}</td>", who_cell(item.learners, everyone)]
        if position == 0 or items[position - 1].reason != item.reason:
            run = 1
            while position + run < len(items) and items[position + run].reason == item.reason:
                run += 1
            span = f' rowspan="{run}"' if run > 1 else ""
            row.append(f'<td class="why"{span}>{esc(item.reason)}</td>')
        rows.append(row)
    return rows


def _levels_summary(plan: LessonPlan) -> str:
    counts = {level: 0 for level in (Level.TEACHING, Level.CONTENT, Level.EXPERIENCE)}
    for phase in plan.phases:
        for item in phase.items:
            counts[item.level] += 1
    lines = "".join(
        f"<li>{level_tag(level)} {esc(level.description)} "
        f'<span class="muted">({counts[level]} {"line" if counts[level] == 1 else "lines"} below)</span></li>'
        for level in counts
    )
    return f'<ul class="levels">{lines}</ul>'


def lesson_page(plan: LessonPlan, *, title: str | None = None) -> str:
    """The printable page of a lesson plan (see :meth:`LessonPlan.to_html`)."""
    from personalise.io._lesson_text import principles

    everyone = plan.learner_ids or tuple(dict.fromkeys(m for item in plan.items for m in item.learners))
    heading = title if title is not None else f"Lesson plan for {len(everyone)} learners"
    parts = [
        f"<header><h1>{esc(heading)}</h1>",
        f'<p class="lead">{len(everyone)} learners, in the phases of Rosenshine\'s principles of instruction. '
        "Each row says at which level it personalises, what happens, for whom, and why.</p>",
        _levels_summary(plan),
        "</header>",
    ]
    from personalise.teaching.principles import phase_spec

    for number, phase in enumerate(plan.phases, start=1):
        slug = phase.name.replace(" ", "-")
        parts.append(f'<section class="phase" id="phase-{esc(slug)}">')
        parts.append(f'<h2><span class="num">{number}</span>{esc(phase.title)} '
                     f"<small>{esc(principles(phase.principles))}</small></h2>")
        parts.append(f'<p class="purpose">{esc(phase_spec(phase.name).purpose)}</p>')
        if phase.items:
            parts.append(table(("Level", "What", "Who", "Why"), _item_rows(phase.items, everyone),
                               (14, 29, 22, 35), css="groups"))
        else:
            parts.append(f'<p class="note">Nothing today: {esc(phase.note)}</p>')
        parts.append("</section>")
    if not plan.phases:
        parts.append(table(("Level", "What", "Who", "Why"), _item_rows(plan.items, everyone),
                           (14, 29, 22, 35), css="groups"))
    return page(heading, "\n".join(parts))


def recommendations_page(recs: Recommendations, learner_ids: Sequence[Hashable], *,
                         name: Callable[[Hashable], str], title: str | None) -> str:
    """The printable page of next steps (see :meth:`Recommendations.to_html`)."""
    records = recs.to_records(learner_ids, names=name)
    by_learner: dict[Hashable, list[dict[str, Any]]] = {learner: [] for learner in learner_ids}
    for record in records:
        by_learner[record["learner_id"]].append(record)
    heading = title if title is not None else f"Next steps for {len(learner_ids)} learners"
    shared: dict[Hashable, list[Hashable]] = {}
    for learner, steps in by_learner.items():
        if steps:
            shared.setdefault(steps[0]["skill_id"], []).append(learner)
    groups = sorted(shared.items(), key=lambda entry: (-len(entry[1]), str(entry[0])))
    parts = [
        f"<header><h1>{esc(heading)}</h1>",
        f'<p class="lead">{level_tag(Level.CONTENT)} Each learner\'s next skills on the prerequisite graph, '
        f"best first: a skill is ready when it is not yet mastered (P(mastery) below {recs.threshold:g}) and "
        "all its direct prerequisites are. Every recommendation gives its reason.</p></header>",
        f'<section id="groups"><h2>Shared first steps {level_tag(Level.TEACHING)}</h2>',
        '<p class="purpose">Learners whose first next step is the same skill: candidates for a temporary '
        "group, for this lesson only.</p>",
        table(("First next step", "Who"),
              ([f"<td>{esc(name(skill))}</td>", who_cell(members, learner_ids)] for skill, members in groups),
              (45, 55), css="groups") if groups else '<p class="note">No learner has a next step.</p>',
        "</section>",
        '<section id="learners"><h2>Each learner\'s next steps</h2>',
    ]
    rows: list[list[str]] = []
    for learner, steps in by_learner.items():
        if not steps:
            rows.append([f"<td>{esc(learner)}</td>", "<td>-</td>", "<td>nothing ready</td>",
                         "<td>every skill on the way is mastered, or none is ready</td>"])
        for record in steps:
            rows.append([f"<td>{esc(learner) if record['rank'] == 1 else ''}</td>", f"<td>{record['rank']}</td>",
                         f"<td>{esc(record.get('skill_name', record['skill_id']))}</td>",
                         f"<td>{esc(record['reason'])}</td>"])
    parts.append(table(("Learner", "Rank", "Next step", "Why"), rows, (13, 7, 30, 50), css="learners"))
    parts.append("</section>")
    return page(heading, "\n".join(parts))
