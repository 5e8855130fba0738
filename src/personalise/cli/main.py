"""The ``personalise`` command line (``python -m personalise``).

Commands
--------
``personalise demo``
    Load the bundled primary-maths curriculum (44 skills, 67 prerequisite
    links) and class (28 learners), recommend up to three next steps per
    learner with :func:`personalise.recommend_next`, and print them as an
    aligned table with the reason for each step, followed by a class summary:
    the next steps most learners share (candidates for a temporary small
    group). Options: ``--k N`` next steps per learner, ``--threshold T``
    mastery threshold, ``--goal SKILL_ID`` a goal shared by the class
    (repeatable), ``--learner ID`` show only that learner (repeatable) and
    ``--format {table,json,csv}`` (JSON and CSV give the records of
    :meth:`personalise.Recommendations.to_records` with a ``skill_name``
    column).

    The table ends with a short simulated comparison of four teaching
    policies (:func:`personalise.simulate`) on three classes of simulated
    learners the size of the bundled class; JSON and CSV hold only the
    recommendations.

    ``--term`` instead replays six bundled weeks of the class's evidence
    (``personalise/data/school/term/``: a start-of-term check, weekly marks,
    practice-app xAPI statements, a late mark, a voided statement and a pupil
    who leaves) through an in-memory :class:`personalise.EvidenceStore`, with
    a scaffold on each learner's next step, and prints how next steps and
    support changed from week 1 to week 6 (:mod:`personalise.cli.term`).

``personalise simulate``
    Compare teaching policies on the same simulated learners (one seed) with
    :func:`personalise.simulate`, and print one row per policy: final mean,
    SD, median and IQR of attainment (independent skills of the N taught),
    the mean of the bottom and top quartiles of initial attainment, the
    share who reach the goal, practice accuracy (which is not learning), and
    the effect size d against the first policy listed. Options:
    ``--graph FILE`` a ``prerequisite,skill`` edge CSV
    (:func:`personalise.read_edge_csv`), a :meth:`CompiledGraph.to_json
    <personalise.CompiledGraph.to_json>` file (read as JSON when the name
    ends in ``.json`` or the text starts with ``{``) or ``example``, the
    bundled curriculum (the default); ``--policy NAME`` a built-in policy
    (kebab case such as ``fading-scaffolds`` or a class name such as
    ``FadingScaffolds``; repeatable, the first is the baseline; ``all`` for
    every one; default ``whole-class-pace``, ``fading-scaffolds`` and
    ``responsive-teaching``); ``--learners N`` (default 300), ``--steps T``
    (default 40), ``--seed S`` (default 0), ``--class-size C`` (default 30);
    ``--goal SKILL`` teach only this skill and its prerequisites;
    ``--format {table,json,csv}`` (JSON: each policy's settings, final
    summary and per-step arrays; CSV: one row per policy with the final
    summary); ``--out FILE`` also write every policy's per-step summaries
    (columns ``policy``, ``step`` and :data:`personalise.SUMMARY_COLUMNS`)
    as CSV. For example::

        python -m personalise simulate --policy all --learners 300 --steps 40 --seed 1

``personalise store``
    Keep a class's evidence in an evidence store (:func:`personalise.open_store`:
    a SQLite file, created by ``add`` when missing, or a ``postgresql://``
    URL); see :mod:`personalise.cli.store`::

        python -m personalise store add STORE FILE --format xapi|oneroster|marks [--skill-of MAP.json]
        python -m personalise store next STORE --class CLASS [--graph FILE] [--k N] [--params FILE]
                                               [--half-life DAYS] [--now TIME]
        python -m personalise store forget STORE LEARNER
        python -m personalise store export STORE OUT.jsonl

    ``add`` reads the file with :func:`personalise.read_xapi` (voiding
    statements void the statements they name), :func:`personalise.read_oneroster`
    (and sets the store's rosters from the bundle) or
    :func:`personalise.read_marks`, adds it in one transaction and prints the
    counts and one line per void, skipped row, conflict and rejection;
    ``MAP.json`` maps xAPI activity ids, OneRoster line item ids or the marks'
    skill column to skill ids. ``next`` prints each learner of the class's
    roster with their next steps and the reason for each: ``--graph`` is an
    edge CSV, a CompiledGraph JSON, a CASE package JSON or ``example`` (the
    default), ``--params`` a BKTParams JSON (default: typical parameters for
    every skill), ``--half-life`` turns on review of skills practised long
    ago (days counted to ``--now``). ``forget`` erases a learner, ``export``
    writes the store as JSON Lines for :func:`personalise.import_store`.

``personalise --version`` prints the version; ``personalise`` alone prints
this help and exits with status 2. Bad input (an unknown learner, skill,
class or policy, a threshold outside (0, 1], a negative size, a missing or
malformed graph, export or store file) gives a one-line message naming it
on standard error and exit status 2, never a traceback.

The entry point is :func:`main`, which returns the exit status instead of
exiting, and writes to the streams it is given (``sys.stdout`` and
``sys.stderr`` by default), so the command is easy to test and embed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from personalise import __version__
from personalise.cli import store as store_cli
from personalise.cli.compare import (
    DEFAULT_POLICIES,
    EXAMPLE_GRAPH,
    check_sizes,
    compare_policies,
    load_graph,
    render_comparison,
    resolve_goal,
    resolve_policies,
    steps_csv,
)
from personalise.cli.demo import build_demo, example_lesson_plan, render, render_lesson
from personalise.cli.term import render_term
from personalise.cli.text import FORMATS
from personalise.exceptions import InvalidParameterError, PersonaliseError
from personalise.simulation import POLICIES

__all__ = ["main"]

PROG = "personalise"

Handler = Callable[[argparse.Namespace, TextIO], None]


class _Exit(Exception):
    """Raised by :class:`_Parser` instead of exiting the interpreter."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An argument parser that writes to given streams and never calls ``sys.exit``."""

    def __init__(self, *args: Any, stdout: TextIO, stderr: TextIO, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stdout = stdout
        self._stderr = stderr

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        if file is None or file is sys.stdout:
            file = self._stdout
        elif file is sys.stderr:
            file = self._stderr
        file.write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._stderr.write(message)
        raise _Exit(status)


def _build_parser(stdout: TextIO, stderr: TextIO) -> _Parser:
    streams: dict[str, Any] = {"stdout": stdout, "stderr": stderr}
    parser = _Parser(
        prog=PROG,
        description="Personalised-learning models: prerequisite graphs, next steps, scaffolds that fade.",
        **streams,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser(
        "demo",
        help="next steps for the bundled example class",
        description=(
            "Recommend next steps for each learner of the bundled example class (28 learners) "
            "on the bundled primary-maths curriculum (44 skills), with a reason for each, "
            "and summarise the next steps the class shares."
        ),
        **streams,
    )
    demo.add_argument("--k", type=int, default=3, metavar="N", help="next steps per learner (default: 3)")
    demo.add_argument(
        "--threshold", type=float, default=0.95, metavar="T",
        help="P(mastery) at or above which a skill counts as mastered, in (0, 1] (default: 0.95)",
    )
    demo.add_argument(
        "--goal", action="append", default=[], metavar="SKILL_ID",
        help="a goal skill shared by the class: only steps that lead to it (repeatable: nearest goal)",
    )
    demo.add_argument(
        "--learner", action="append", default=[], metavar="ID",
        help="show only this learner, e.g. L05 (repeatable)",
    )
    demo.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    demo.add_argument(
        "--lesson",
        action="store_true",
        help=(
            "print a lesson plan for the class instead, in the phases of a lesson (review, new material, "
            "guided practice, checks for understanding, independent practice, later review), one line per group"
        ),
    )
    demo.add_argument(
        "--detail", action="store_true",
        help="with --lesson: also list every learner's next steps and choices one by one",
    )
    demo.add_argument(
        "--html", default=None, metavar="FILE",
        help="with --lesson: also write the plan as a printable HTML page (A4, no script) to FILE",
    )
    demo.add_argument(
        "--term",
        action="store_true",
        help=(
            "replay six bundled weeks of the class's evidence through an evidence store and print how next "
            "steps and support changed from week 1 to week 6"
        ),
    )
    demo.set_defaults(handler=_run_demo)

    sim = commands.add_parser(
        "simulate",
        help="compare teaching policies on simulated learners",
        description=(
            "Simulate the same learners (one seed) under each teaching policy and compare the final "
            "attainment (independent skills of those taught), its spread, the bottom and top quartiles, "
            "the share reaching the goal, practice accuracy and the effect size against the first policy. "
            "A simulation under stated assumptions (personalise.LearnerModel), not a measurement of real classes."
        ),
        **streams,
    )
    sim.add_argument(
        "--graph", default=EXAMPLE_GRAPH, metavar="FILE",
        help=(
            "a prerequisite,skill edge CSV, a CompiledGraph JSON file (name ending in .json or text starting "
            "with '{'), or 'example', the bundled curriculum (default; ./example for a file of that name)"
        ),
    )
    sim.add_argument(
        "--policy", action="append", default=None, metavar="NAME",
        help=(
            f"a built-in policy, repeatable, the first is the baseline; 'all' for every one; "
            f"choices: {', '.join(POLICIES)} (default: {', '.join(DEFAULT_POLICIES)})"
        ),
    )
    sim.add_argument("--learners", type=int, default=300, metavar="N", help="simulated learners (default: 300)")
    sim.add_argument("--steps", type=int, default=40, metavar="T", help="steps, one learning opportunity each (default: 40)")
    sim.add_argument("--seed", type=int, default=0, metavar="S", help="random seed, a non-negative integer (default: 0)")
    sim.add_argument(
        "--goal", default=None, metavar="SKILL",
        help="a common goal skill: teach only it and its prerequisites (default: the whole curriculum)",
    )
    sim.add_argument("--class-size", type=int, default=30, metavar="C", help="learners per class (default: 30)")
    sim.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    sim.add_argument(
        "--out", default=None, metavar="FILE",
        help="also write every policy's per-step summaries to this CSV file",
    )
    sim.set_defaults(handler=_run_simulate)

    store = commands.add_parser(
        "store",
        help="keep a class's evidence in an evidence store (add, next, forget, export)",
        description=(
            "Keep a class's evidence over a term in an evidence store (a SQLite file or a postgresql:// URL): "
            "add school exports, print each learner's next steps, erase a learner, export the store."
        ),
        **streams,
    )
    store_cli.configure(store, parser_class=_Parser, streams=streams)
    store.set_defaults(store_parser=store)
    return parser


def _run_demo(args: argparse.Namespace, stdout: TextIO) -> None:
    if args.term:
        others = [name for name, given in (("--lesson", args.lesson), ("--format", args.format != "table"),
                                           ("--goal", bool(args.goal)), ("--learner", bool(args.learner)),
                                           ("--k", args.k != 3), ("--threshold", args.threshold != 0.95),
                                           ("--detail", args.detail), ("--html", args.html is not None)) if given]
        if others:
            raise InvalidParameterError(f"--term prints its own report; {others[0]} does not apply to it",
                                        value=others[0])
        stdout.write(render_term())
        return
    if not args.lesson:
        for name, given in (("--detail", args.detail), ("--html", args.html is not None)):
            if given:
                raise InvalidParameterError(f"{name} applies only with --lesson", value=name)
    if args.lesson:
        stdout.write(render_lesson(k=args.k, threshold=args.threshold, detail=args.detail))
        if args.html is not None:
            page = example_lesson_plan(k=args.k, threshold=args.threshold).to_html(
                title="Lesson plan: Year 4, fractions (bundled example class)")
            try:
                with open(args.html, "w", encoding="utf-8") as out:
                    out.write(page)
            except OSError as err:
                raise InvalidParameterError(f"cannot write the lesson page to {args.html!r}: {err.strerror}",
                                            value=args.html) from None
            stdout.write(f"\nWrote the printable page to {args.html}\n")
        return
    demo = build_demo(k=args.k, threshold=args.threshold, goals=args.goal, learners=args.learner)
    stdout.write(render(demo, args.format))


def _run_simulate(args: argparse.Namespace, stdout: TextIO) -> None:
    # every check comes before the output file is opened (and truncated)
    check_sizes(n_learners=args.learners, n_steps=args.steps, seed=args.seed, class_size=args.class_size)
    policies = resolve_policies(args.policy or DEFAULT_POLICIES)
    graph = load_graph(args.graph)
    goal = None if args.goal is None else resolve_goal(graph, args.goal, args.graph)
    with contextlib.ExitStack() as stack:
        handle: TextIO | None = None
        if args.out is not None:
            try:
                handle = stack.enter_context(open(args.out, "w", encoding="utf-8", newline=""))
            except OSError as error:
                raise InvalidParameterError(
                    f"--out {args.out!r}: cannot write it: {error.strerror or error}", value=args.out
                ) from None
        comparison = compare_policies(
            graph, policies, n_learners=args.learners, n_steps=args.steps, seed=args.seed,
            goal=goal, class_size=args.class_size, source=args.graph,
        )
        if handle is not None:
            handle.write(steps_csv(comparison))
    text = render_comparison(comparison, args.format)
    if args.out is not None and args.format == "table":
        text += f"Per-step summaries of every policy written to {args.out}.\n"
    stdout.write(text)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the ``personalise`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).
    stdout, stderr : text file, optional
        Where output and error messages go (default: ``sys.stdout`` and
        ``sys.stderr`` at call time).

    Returns
    -------
    int
        0 on success, 2 on a usage error or bad input (the message is on
        ``stderr``), 1 when standard output was closed early (a broken pipe).
    """
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    parser = _build_parser(out, err)
    try:
        args = parser.parse_args(argv)
    except _Exit as exit_:
        return exit_.status
    if args.version:
        out.write(f"{PROG} {__version__}\n")
        return 0
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        getattr(args, "store_parser", parser).print_help(err)
        return 2
    try:
        handler(args, out)
        out.flush()
    except PersonaliseError as error:
        label = getattr(args, "label", args.command)
        err.write(f"{PROG} {label}: error: {' '.join(str(error).split())}\n")
        return 2
    except BrokenPipeError:
        # The reader (``| head``) went away: silence the flush at interpreter exit.
        real = sys.__stdout__
        if real is not None and out is real:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, real.fileno())
        return 1
    return 0

