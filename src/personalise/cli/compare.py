"""Comparing teaching policies on simulated learners: the ``simulate`` command and the demo's closing table."""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import os
import re
from collections.abc import Hashable, Sequence
from typing import Any, Final

import attrs

from personalise._random import RNG_BLOCK
from personalise.cli.text import FORMATS
from personalise.cli.text import fill as _fill
from personalise.cli.text import plural as _plural
from personalise.exceptions import (
    GraphError,
    InvalidParameterError,
    PersonaliseError,
    UnknownSkillError,
)
from personalise.graph import CompiledGraph
from personalise.io import (
    load_example_curriculum,
    read_edge_csv,
)
from personalise.io.example import _example_skill_table
from personalise.simulation import (
    POLICIES,
    SUMMARY_COLUMNS,
    Policy,
    SimulationResult,
    policy_from_name,
    simulate,
)

__all__ = [
    "DEFAULT_POLICIES",
    "Comparison",
    "check_sizes",
    "compare_policies",
    "demo_comparison",
    "demo_comparison_lines",
    "load_graph",
    "render_comparison",
    "resolve_goal",
    "resolve_policies",
    "steps_csv",
]

#: Policies ``simulate`` compares when no ``--policy`` is given: the fixed-pace
#: baseline, scaffolds that fade, and teaching that responds to exit questions.
DEFAULT_POLICIES: Final = ("whole-class-pace", "fading-scaffolds", "responsive-teaching")
#: The word for the bundled curriculum in ``simulate --graph``.
EXAMPLE_GRAPH: Final = "example"
#: The demo's closing comparison: these policies, classes of the bundled class's size.
DEMO_POLICIES: Final = ("whole-class-pace", "tiered-tasks", "fading-scaffolds", "responsive-teaching")
DEMO_CLASSES: Final = 3
DEMO_STEPS: Final = 30
DEMO_SEED: Final = 2024
#: Final summaries of each policy, in the order of the table.
FINAL_COLUMNS: Final = (
    "mean", "sd", "median", "iqr", "bottom_quartile_mean", "top_quartile_mean",
    "share_goal", "practice_accuracy", "effect_size",
)
CAVEAT: Final = (
    "A simulation under stated assumptions (personalise.LearnerModel with its default parameters), "
    "not a measurement of real classes."
)
DEMO_CAVEAT: Final = "Simulated under stated assumptions (see personalise.LearnerModel), not evidence about real classes."
PRACTICE_NOTE: Final = (
    "Practice accuracy is not learning: support and easy tasks raise it without building independence."
)


def _number(value: object) -> float | None:
    """``value`` as a float, or None when it is missing, NaN or infinite."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def load_graph(source: str) -> CompiledGraph:
    """The graph ``simulate --graph`` names: ``"example"``, an edge CSV or a CompiledGraph JSON file.

    A file is read as JSON (:meth:`CompiledGraph.from_json`) when its name
    ends in ``.json`` or its text starts with ``{``, and as a
    ``prerequisite,skill`` CSV (:func:`~personalise.read_edge_csv`) otherwise.

    Raises
    ------
    InvalidParameterError
        If the file is missing, unreadable or malformed (the message names it).
    GraphError
        If the graph has no skills.

    Examples
    --------
    >>> load_graph("example").n_skills
    44
    >>> load_graph("no-such-file.csv")
    Traceback (most recent call last):
    ...
    personalise.exceptions.InvalidParameterError: --graph 'no-such-file.csv': no such file (give a \
prerequisite,skill CSV file, a CompiledGraph JSON file or 'example')
    """
    if source == EXAMPLE_GRAPH:
        return load_example_curriculum()
    where = f"--graph {source!r}"
    try:
        with open(source, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise InvalidParameterError(
            f"{where}: no such file (give a prerequisite,skill CSV file, a CompiledGraph JSON file "
            f"or {EXAMPLE_GRAPH!r})",
            value=source,
        ) from None
    except IsADirectoryError:
        raise InvalidParameterError(f"{where} is a directory, not a graph file", value=source) from None
    except OSError as error:
        raise InvalidParameterError(f"{where}: cannot read it: {error.strerror or error}", value=source) from None
    except UnicodeDecodeError:
        raise InvalidParameterError(f"{where} is not a UTF-8 text file", value=source) from None
    as_json = os.path.splitext(source)[1].lower() == ".json" or text.lstrip().startswith("{")
    kind = "read as CompiledGraph JSON" if as_json else "read as a prerequisite,skill edge CSV"
    try:
        graph = CompiledGraph.from_json(text) if as_json else read_edge_csv(io.StringIO(text))
    except (PersonaliseError, csv.Error) as error:
        raise InvalidParameterError(f"{where} ({kind}): {_one_line(error)}", value=source) from None
    if graph.n_skills == 0:
        raise GraphError(f"{where} has no skills", value=source)
    return graph


def resolve_policies(names: Sequence[str]) -> tuple[Policy, ...]:
    """Built-in policies by name (kebab case or class name; ``"all"`` for every one), without repeats.

    Raises
    ------
    InvalidParameterError
        On a name that is not a built-in policy (the message lists them).

    Examples
    --------
    >>> [p.name for p in resolve_policies(["FadingScaffolds", "whole-class-pace", "fading-scaffolds"])]
    ['fading-scaffolds', 'whole-class-pace']
    >>> len(resolve_policies(["all"]))
    9
    """
    chosen: dict[str, Policy] = {}
    for name in names:
        if name.strip().lower() == "all":
            for key in POLICIES:
                chosen.setdefault(key, policy_from_name(key))
            continue
        try:
            policy = policy_from_name(name)
        except InvalidParameterError:
            close = difflib.get_close_matches(name.strip().lower().replace("_", "-"), list(POLICIES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "."
            raise InvalidParameterError(
                f"--policy {name!r} is not a built-in policy{hint} Choose from: {', '.join(POLICIES)} or all",
                value=name,
            ) from None
        chosen.setdefault(policy.name, policy)
    if not chosen:
        raise InvalidParameterError("give at least one --policy", value=tuple(names))
    return tuple(chosen.values())


def resolve_goal(graph: CompiledGraph, goal: str, source: str = EXAMPLE_GRAPH) -> Hashable:
    """The skill id of the graph that ``--goal`` names (ids are compared as text).

    For the bundled curriculum, a skill's display name works too.

    Raises
    ------
    UnknownSkillError
        If no skill of the graph has that id (the message suggests close ones).

    Examples
    --------
    >>> graph = load_example_curriculum()
    >>> resolve_goal(graph, "equivalent_fractions"), resolve_goal(graph, "times tables up to 12 x 12")
    ('equivalent_fractions', 'times_tables_to_12')
    """
    if goal in graph.skill_ids:
        return goal
    by_text = {str(skill): skill for skill in graph.skill_ids}
    if goal in by_text:
        return by_text[goal]
    if source == EXAMPLE_GRAPH:  # the bundled skills also have display names
        by_name = {name.casefold(): skill for skill, (name, _) in _example_skill_table().items()}
        if goal.casefold() in by_name and by_name[goal.casefold()] in by_text:
            return by_text[by_name[goal.casefold()]]
    ids = list(by_text)
    close = difflib.get_close_matches(goal, ids, n=3)
    quoted = [repr(c) for c in close]
    options = " or ".join(quoted) if len(quoted) < 3 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    hint = f"; did you mean {options}?" if close else f" (skill ids look like {ids[0]!r})"
    where = "the example curriculum" if source == EXAMPLE_GRAPH else f"the graph {source!r}"
    raise UnknownSkillError(f"--goal {goal!r} is not a skill of {where}{hint}", value=goal)


def _check_size(value: int, option: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is not None:
            rule = f"an integer from {minimum} to {maximum}"
        else:
            rule = "a non-negative integer" if minimum == 0 else f"an integer >= {minimum}"
        raise InvalidParameterError(f"{option} must be {rule}; got {value}", value=value)
    return value


def check_sizes(*, n_learners: int, n_steps: int, seed: int, class_size: int) -> None:
    """Check the sizes and seed of ``simulate`` (the message names the command-line option).

    Examples
    --------
    >>> check_sizes(n_learners=-1, n_steps=5, seed=0, class_size=30)
    Traceback (most recent call last):
    ...
    personalise.exceptions.InvalidParameterError: --learners must be a non-negative integer; got -1
    """
    _check_size(n_learners, "--learners")
    _check_size(n_steps, "--steps")
    _check_size(seed, "--seed")
    _check_size(class_size, "--class-size", minimum=1, maximum=RNG_BLOCK)


@attrs.frozen(eq=False)
class Comparison:
    """Several policies simulated on the same learners (one seed): what ``simulate`` shows.

    Parameters
    ----------
    graph : CompiledGraph
        The curriculum.
    source : str
        Where it came from: ``"example"`` or the file name given.
    seed : int
        The seed every policy was simulated with (the same simulated learners).
    results : tuple of SimulationResult
        One per policy, the baseline (effect sizes are against it) first.
    """

    graph: CompiledGraph
    source: str
    seed: int
    results: tuple[SimulationResult, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The policies' names, baseline first."""
        return tuple(str(getattr(r.policy, "name", type(r.policy).__name__)) for r in self.results)

    @property
    def n_learners(self) -> int:
        """Simulated learners (the same for every policy)."""
        return self.results[0].n_learners

    @property
    def n_steps(self) -> int:
        """Steps simulated."""
        return self.results[0].n_steps

    @property
    def n_taught(self) -> int:
        """Skills taught: the goal and its prerequisites, or the whole curriculum."""
        return len(self.results[0].sequence)

    @property
    def goal(self) -> Hashable | None:
        """The common goal skill, or None for the whole curriculum."""
        return self.results[0].goal

    @property
    def units(self) -> str:
        """What attainment counts."""
        return f"independent skills of {self.n_taught} taught"

    @property
    def initial_mean(self) -> float | None:
        """Mean attainment before the first step (the same under every policy)."""
        return _number(self.results[0].summary["mean"][0])

    def final(self, result: SimulationResult) -> dict[str, float | None]:
        """The :data:`FINAL_COLUMNS` of one result (None where undefined).

        ``practice_accuracy`` is the share of all practice tasks answered
        correctly; ``effect_size`` is Cohen's d against the first result.
        """
        summary = result.summary
        out: dict[str, float | None] = {key: _number(summary[key][-1]) for key in FINAL_COLUMNS[:7]}
        attempts = int(result.practice_attempts.sum())
        out["practice_accuracy"] = int(result.practice_correct.sum()) / attempts if attempts else None
        try:
            out["effect_size"] = _number(result.effect_size(self.results[0]))
        except InvalidParameterError:  # fewer than two learners
            out["effect_size"] = None
        return out


def compare_policies(
    graph: CompiledGraph,
    policies: Sequence[Policy],
    *,
    n_learners: int,
    n_steps: int,
    seed: int,
    goal: Hashable | None = None,
    class_size: int = 30,
    source: str = EXAMPLE_GRAPH,
) -> Comparison:
    """Simulate every policy on the same seed (the same learners), the first being the baseline.

    Raises
    ------
    InvalidParameterError
        If a size or the seed is negative, or ``class_size`` is outside 1 to
        1,024 (the message names the command-line option).

    Examples
    --------
    >>> c = compare_policies(load_example_curriculum(), resolve_policies(DEFAULT_POLICIES),
    ...                      n_learners=40, n_steps=5, seed=1)
    >>> c.names, c.units
    (('whole-class-pace', 'fading-scaffolds', 'responsive-teaching'), 'independent skills of 44 taught')
    """
    check_sizes(n_learners=n_learners, n_steps=n_steps, seed=seed, class_size=class_size)
    if not policies:
        raise InvalidParameterError("give at least one --policy", value=policies)
    results = tuple(
        simulate(graph, policy, n_learners=n_learners, n_steps=n_steps, rng=seed, goal=goal, class_size=class_size)
        for policy in policies
    )
    return Comparison(graph=graph, source=source, seed=seed, results=results)


#: An indented JSON array of numbers (and nulls), to print on one line.
_NUMBER_ARRAY: Final = re.compile(r"\[\s*((?:-?[0-9][0-9.eE+-]*|null)(?:,\s*(?:-?[0-9][0-9.eE+-]*|null))*)\s*\]")


def _cell(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _csv_cell(value: object) -> str:
    number = _number(value)
    return "" if number is None else repr(number)


def render_comparison(comparison: Comparison, fmt: str = "table") -> str:
    """The comparison as text in one of :data:`FORMATS`, ending with a newline.

    ``table`` is a header, one row per policy and notes; ``json`` is a
    document with each policy's final summary and per-step arrays; ``csv``
    is one row per policy with the :data:`FINAL_COLUMNS`.
    """
    if fmt == "table":
        return _comparison_table(comparison)
    if fmt == "json":
        text = json.dumps(_comparison_document(comparison), indent=2, ensure_ascii=False, allow_nan=False)
        return _NUMBER_ARRAY.sub(lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]", text) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(("policy", *FINAL_COLUMNS))
        for name, result in zip(comparison.names, comparison.results):
            final = comparison.final(result)
            writer.writerow((name, *(_csv_cell(final[key]) for key in FINAL_COLUMNS)))
        return buffer.getvalue()
    raise InvalidParameterError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}", value=fmt)


def steps_csv(comparison: Comparison) -> str:
    """Per-step summaries of every policy as CSV: ``policy``, ``step`` and the ``SUMMARY_COLUMNS``.

    One row per policy and step (step 0 is before the first step); empty
    cells where a value is undefined (practice accuracy at step 0).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("policy", "step", *SUMMARY_COLUMNS))
    for name, result in zip(comparison.names, comparison.results):
        summary = result.summary
        for step in range(result.n_steps + 1):
            writer.writerow((name, step, *(_csv_cell(summary[key][step]) for key in SUMMARY_COLUMNS)))
    return buffer.getvalue()


def _comparison_document(comparison: Comparison) -> dict[str, Any]:
    policies = []
    for name, result in zip(comparison.names, comparison.results):
        summary = result.summary
        per_step: dict[str, list[Any]] = {"step": list(range(result.n_steps + 1))}
        per_step.update({key: [_number(v) for v in summary[key].tolist()] for key in SUMMARY_COLUMNS})
        policy = result.policy
        settings = policy.to_dict() if hasattr(policy, "to_dict") else {"policy": name}
        policies.append({"policy": name, "settings": settings, "final": comparison.final(result), "per_step": per_step})
    graph = comparison.graph
    return {
        "command": "simulate",
        "graph": comparison.source,
        "n_skills": graph.n_skills,
        "n_edges": graph.n_edges,
        "goal": comparison.goal,
        "n_taught": comparison.n_taught,
        "units": comparison.units,
        "n_learners": comparison.n_learners,
        "n_steps": comparison.n_steps,
        "class_size": comparison.results[0].class_size,
        "seed": comparison.seed,
        "baseline": comparison.names[0],
        "initial_mean": comparison.initial_mean,
        "caveat": CAVEAT,
        "policies": policies,
    }


_TABLE_COLUMNS: Final = (
    # title, width, key, format
    ("Mean", 6, "mean", ".2f"),
    ("SD", 5, "sd", ".2f"),
    ("Median", 6, "median", ".2f"),
    ("IQR", 5, "iqr", ".2f"),
    ("Bottom Q", 8, "bottom_quartile_mean", ".2f"),
    ("Top Q", 6, "top_quartile_mean", ".2f"),
    ("Goal", 6, "share_goal", ".1%"),
    ("Practice", 8, "practice_accuracy", ".1%"),
    ("d", 6, "effect_size", "+.2f"),
)


def _comparison_table(comparison: Comparison) -> str:
    graph, names = comparison.graph, comparison.names
    n, steps, taught = comparison.n_learners, comparison.n_steps, comparison.n_taught
    count = f"{len(names)} teaching policies" if len(names) != 1 else "1 teaching policy"
    title = f"personalise simulate: final attainment in {comparison.units}, seed {comparison.seed}"
    source = "the bundled example curriculum" if comparison.source == EXAMPLE_GRAPH else repr(comparison.source)
    goal = comparison.goal
    if goal is None:
        taught_text = f"all {taught} skills"
        goal_text = f"all {taught} skills taught"
    else:
        taught_text = f"the goal {goal!r} and its {_plural(taught - 1, 'prerequisite')}"
        goal_text = f"the goal {goal!r}"
    initial = comparison.initial_mean
    before = "" if initial is None else f"; before the first step the mean is {initial:.2f} under every policy"
    paragraph = (
        f"{count.capitalize()} compared on the same {_plural(n, 'simulated learner')} over "
        f"{_plural(steps, 'step')}. Graph: {source} ({_plural(graph.n_skills, 'skill')}, {_plural(graph.n_edges, 'prerequisite link')}). "
        f"Taught: {taught_text}, in prerequisite order, to classes of {comparison.results[0].class_size}. "
        f"Attainment is in {comparison.units} (can do without any support){before}."
    )
    width = max(len("Policy"), *map(len, names))
    head = f"{'Policy':<{width}}" + "".join(f"  {t:>{w}}" for t, w, _, _ in _TABLE_COLUMNS)
    rule = "-" * width + "".join("  " + "-" * w for _, w, _, _ in _TABLE_COLUMNS)
    lines = [title, "", _fill(paragraph), "", head, rule]
    for name, result in zip(names, comparison.results):
        final = comparison.final(result)
        lines.append(f"{name:<{width}}" + "".join(f"  {_cell(final[k], f):>{w}}" for _, w, k, f in _TABLE_COLUMNS))
    notes = (
        f"Final attainment after step {steps}: Mean, SD, Median, IQR (interquartile range). "
        f"Bottom Q, Top Q: mean of the learners who started in the bottom, top quartile. "
        f"Goal: share who can do {goal_text} independently. "
        f"Practice: share of practice tasks answered correctly over all steps. "
        f"d: effect size against {names[0]} (the first policy): difference in means over its SD."
    )
    settings = "Every policy runs with its default settings (--format json lists them)."
    pace = _pace_note(comparison)
    lines += ["", _fill(notes), _fill(PRACTICE_NOTE), _fill(f"{settings}{pace} {CAVEAT}")]
    return "\n".join(lines) + "\n"


def _pace_note(comparison: Comparison) -> str:
    """How the whole-class-pace baseline moves, when it is compared (it explains its results)."""
    for result in comparison.results:
        policy = result.policy
        if getattr(policy, "name", None) == "whole-class-pace":
            every = int(getattr(policy, "steps_per_skill", 0))
            begin = int(getattr(policy, "begin", 0))
            start = "the first skill taught" if begin == 0 else f"skill {begin + 1} of those taught"
            return (
                f" Whole-class-pace moves on every {_plural(every, 'step')} from {start}, "
                f"whatever learners already know."
            )
    return ""


def demo_comparison(graph: CompiledGraph | None = None, class_size: int = 28) -> Comparison:
    """The demo's closing comparison: :data:`DEMO_POLICIES` on three classes of ``class_size`` simulated learners.

    Examples
    --------
    >>> c = demo_comparison()
    >>> c.names[0], c.n_learners, c.n_steps
    ('whole-class-pace', 84, 30)
    """
    graph = load_example_curriculum() if graph is None else graph
    return compare_policies(
        graph,
        resolve_policies(DEMO_POLICIES),
        n_learners=DEMO_CLASSES * class_size,
        n_steps=DEMO_STEPS,
        seed=DEMO_SEED,
        class_size=class_size,
    )


#: The level each built-in policy personalises, for the demo's table (the baselines personalise nothing).
POLICY_LEVELS = {
    "whole-class-pace": "none: one pace for all",
    "tiered-tasks": "none: lowers some goals",
    "fading-scaffolds": "teaching: scaffolds",
    "permanent-scaffolds": "none: support never fades",
    "adaptive-content": "content",
    "responsive-teaching": "teaching: AfL",
    "mastery-learning": "content",
    "fixed-groups": "none: fixed groups",
    "flexible-groups": "teaching: groups",
}


def demo_comparison_lines(comparison: Comparison) -> list[str]:
    title = "Teaching policies compared: a simulation (more with python -m personalise simulate)"
    class_size = comparison.results[0].class_size
    before = "" if comparison.initial_mean is None else f", mean {comparison.initial_mean:.2f} before"
    intro = (
        f"{comparison.n_learners} simulated learners ({DEMO_CLASSES} classes of {class_size} drawn from the "
        f"learner model, not the class above), {comparison.n_steps} steps per policy, seed {comparison.seed}. "
        f"Final attainment in {comparison.units}{before}. Bottom quartile: the learners who started "
        f"lowest.{_pace_note(comparison)}"
    )
    width = max(len("Policy"), *map(len, comparison.names))
    lines = [title, "-" * len(title), _fill(intro)]
    lines.append(f"  {'Policy':<{width}}  {'Mean':>5}  {'IQR':>5}  Bottom quartile  Level personalised")
    for name, result in zip(comparison.names, comparison.results):
        final = comparison.final(result)
        lines.append(
            f"  {name:<{width}}  {_cell(final['mean'], '.2f'):>5}  {_cell(final['iqr'], '.2f'):>5}  "
            f"{_cell(final['bottom_quartile_mean'], '.2f'):>15}  {POLICY_LEVELS.get(name, '')}".rstrip()
        )
    lines.append(DEMO_CAVEAT)
    return lines
