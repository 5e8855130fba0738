"""A scaffold's support under each fading rule for a run of outcomes, and its plot.

:func:`fading_paths` updates a scaffold with :meth:`Scaffold.after
<personalise.Scaffold.after>` once per outcome (success or struggle) under
each rule; :func:`plot_fading` draws the result (needs matplotlib, the
``plot`` extra, imported when it is first called). Both are the widget-free
core of :func:`~personalise.explore_fading`.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from personalise.content.bkt import update_mastery
from personalise.content.bkt_params import BKTParams
from personalise.exceptions import InvalidParameterError, UnknownSkillError
from personalise.scaffolds.fading import (
    BackwardFading,
    ContingentFading,
    ExponentialFading,
    FadingRule,
    LinearFading,
    MasteryFading,
    StepwiseFading,
    backward_fading,
    contingent_fading,
    exponential_fading,
    linear_fading,
    mastery_fading,
    stepwise_fading,
)
from personalise.scaffolds.scaffold import Scaffold

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["fading_paths", "plot_fading"]

#: The goal skill of the scaffold explored when none is given.
_GOAL = "goal"
#: Knowledge tracing for the mastery-driven rule when no parameters are given (as in the fading tutorial).
_BKT = {"prior": 0.1, "learn": 0.15, "guess": 0.25, "slip": 0.1}
_LINESTYLES: tuple[Literal["-", "--", "-.", ":"], ...] = ("-", "--", "-.", ":")
_FACTORIES: dict[type[FadingRule], Callable[..., FadingRule]] = {
    LinearFading: linear_fading,
    ExponentialFading: exponential_fading,
    StepwiseFading: stepwise_fading,
    ContingentFading: contingent_fading,
    BackwardFading: backward_fading,
    MasteryFading: mastery_fading,
}
_RULE_HINT = "linear_fading, exponential_fading, stepwise_fading, contingent_fading, backward_fading or mastery_fading"


def _default_rules() -> tuple[FadingRule, ...]:
    """One rule of each factory: the documented defaults of :func:`fading_paths`."""
    return (
        linear_fading(8),
        exponential_fading(3),
        stepwise_fading(3),
        contingent_fading(),
        backward_fading(4),
        mastery_fading(),
    )


# ---------------------------------------------------------------- validation
def _check_scaffold(scaffold: object) -> Scaffold | None:
    if scaffold is None or isinstance(scaffold, Scaffold):
        return scaffold
    raise InvalidParameterError(f"scaffold must be a Scaffold or None; got {scaffold!r}", value=scaffold)


def _check_rule(rule: object, where: str) -> FadingRule:
    if not isinstance(rule, FadingRule):
        raise InvalidParameterError(f"{where} must be a fading rule (built by {_RULE_HINT}); got {rule!r}", value=rule)
    return rule


def _format(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return repr(tuple(value))
    return repr(value)


def _label(rule: FadingRule) -> str:
    """The factory call that builds ``rule``, e.g. ``"contingent_fading(levels=4)"`` (its repr for other rules)."""
    factory = _FACTORIES.get(type(rule))
    if factory is None:
        return repr(rule)
    fields = rule.to_dict()
    parts = []
    for parameter in inspect.signature(factory).parameters.values():
        value = fields[parameter.name]
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            parts.append(_format(value))
        elif (tuple(value) if isinstance(value, list) else value) != parameter.default:
            parts.append(f"{parameter.name}={_format(value)}")
    return f"{factory.__name__}({', '.join(parts)})"


def _check_rules(rules: object, scaffold: Scaffold | None) -> dict[str, FadingRule]:
    """The rules by label; by default one of each factory, the scaffold's own rule in place of its kind's."""
    if rules is None:
        defaults = _default_rules()
        if scaffold is not None:
            defaults = tuple(scaffold.rule if type(rule) is type(scaffold.rule) else rule for rule in defaults)
            if scaffold.rule not in defaults:
                defaults = (scaffold.rule, *defaults)
        return {_label(rule): rule for rule in defaults}
    if isinstance(rules, FadingRule):
        return {_label(rules): rules}
    if isinstance(rules, Mapping):
        named: dict[str, FadingRule] = {}
        for key, rule in rules.items():
            if not isinstance(key, str) or not key.strip():
                raise InvalidParameterError(f"the names of rules must be non-empty strings; got {key!r}", value=key)
            named[key] = _check_rule(rule, f"rules[{key!r}]")
        result = named
    elif isinstance(rules, (str, bytes)) or not isinstance(rules, Iterable) or (
            isinstance(rules, np.ndarray) and rules.ndim != 1):
        raise InvalidParameterError(
            f"rules must be a fading rule, a sequence of them, a mapping from names to them, or None; got {rules!r}",
            value=rules,
        )
    else:
        result = {}
        for position, item in enumerate(rules):
            rule = _check_rule(item, f"rules[{position}]")
            label = _label(rule)
            if label in result:
                raise InvalidParameterError(
                    f"rules[{position}] repeats {label}; give each rule once (or name them with a mapping)", value=rule
                )
            result[label] = rule
    if not result:
        raise InvalidParameterError("rules must hold at least one fading rule; got none", value=rules)
    return result


def _check_outcome(value: object, where: str) -> bool:
    # True/False (NumPy's too), or 0/1 as Scaffold.after accepts
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    raise InvalidParameterError(f"{where} must be True (a success) or False (a struggle); got {value!r}", value=value)


def _check_outcomes(outcomes: object) -> tuple[bool, ...]:
    if isinstance(outcomes, (str, bytes, Mapping)) or not isinstance(outcomes, Iterable):
        raise InvalidParameterError(
            f"outcomes must be a sequence of True (success) and False (struggle); got {outcomes!r}", value=outcomes
        )
    if isinstance(outcomes, np.ndarray) and outcomes.ndim != 1:
        raise InvalidParameterError(f"outcomes must be 1-D; got shape {outcomes.shape}", value=outcomes.shape)
    return tuple(_check_outcome(value, f"outcomes[{position}]") for position, value in enumerate(outcomes))


def _check_params(params: object, skill: Hashable, default: bool) -> BKTParams:
    if params is None:
        return BKTParams.constant([skill], **_BKT)
    if not isinstance(params, BKTParams):
        raise InvalidParameterError(f"params must be BKTParams or None; got {params!r}", value=params)
    try:
        return params.aligned([skill])
    except UnknownSkillError as err:
        goal = f"{skill!r} (the goal when no scaffold is given)" if skill == _GOAL and default else repr(skill)
        raise UnknownSkillError(f"params has no parameters for the scaffold's goal skill {goal}", value=skill) from err


# --------------------------------------------------------------- computation
class _Run:
    """Validated inputs and their scaffold histories (one per rule), recomputed when the outcomes change."""

    def __init__(self, scaffold: object, rules: object, outcomes: object, params: object) -> None:
        self.scaffold = _check_scaffold(scaffold)
        self.rules = _check_rules(rules, self.scaffold)
        self.skill: Hashable = _GOAL if self.scaffold is None else self.scaffold.skill
        self.params = _check_params(params, self.skill, self.scaffold is None)
        self.starts = {label: self._start(rule) for label, rule in self.rules.items()}
        self.outcomes: tuple[bool, ...] = ()
        self.mastery: list[float] = []
        self.histories: dict[str, list[Scaffold]] = {}
        self.set_outcomes(_check_outcomes(outcomes))

    def _start(self, rule: FadingRule) -> Scaffold:
        base = self.scaffold
        if base is None:
            return Scaffold(_GOAL, rule)
        if rule == base.rule:
            return base  # the scaffold's own rule goes on from where the scaffold is now
        return Scaffold(base.skill, rule, kind=base.kind, functions=base.functions)

    def set_outcomes(self, outcomes: tuple[bool, ...]) -> None:
        mastery: NDArray[np.floating[Any]] = np.tile(self.params.prior, (1, 1))
        p_mastery = []
        for success in outcomes:
            mastery = update_mastery(self.params, mastery, [0], [0], [success])
            p_mastery.append(float(mastery[0, 0]))
        histories = {}
        for label, scaffold in self.starts.items():
            history = [scaffold]
            for success, m in zip(outcomes, p_mastery):
                scaffold = scaffold.after(success, mastery=m)  # rules that do not use mastery ignore it
                history.append(scaffold)
            histories[label] = history
        self.outcomes, self.mastery, self.histories = outcomes, p_mastery, histories

    def paths(self) -> dict[str, NDArray[np.float64]]:
        result = {}
        for label, history in self.histories.items():
            path = np.array([s.support for s in history], dtype=np.float64)
            path.flags.writeable = False
            result[label] = path
        return result

    def summary(self) -> dict[str, str]:
        return {
            label: _describe(label, self.rules[label], path, self.outcomes, self.mastery)
            for label, path in self.paths().items()
        }

    def title(self) -> str:
        if self.scaffold is None:
            return "Support under each fading rule"
        kind = self.scaffold.kind
        return f"{kind[:1].upper()}{kind[1:]} for {self.skill}: support under each fading rule"


def _describe(
    label: str, rule: FadingRule, path: NDArray[np.float64], outcomes: tuple[bool, ...], mastery: list[float]
) -> str:
    """One line in words: the support now, and whether it has faded to 0 or came back after a struggle."""
    text = f"{label}: support {path[-1]:.2f}"
    if rule.uses_mastery and mastery:
        text += f" (P(mastery) {mastery[-1]:.2f})"
    if not outcomes:
        return text + " at the start"
    rises = [t for t in range(1, path.size) if path[t] > path[t - 1] and not outcomes[t - 1]]
    came_back = ""
    if rises:
        t = rises[-1]
        came_back = f"came back{' from 0' if path[t - 1] == 0.0 else ''} after the struggle at attempt {t}"
    if path[-1] == 0.0:
        nonzero = np.flatnonzero(path != 0.0)
        start = int(nonzero[-1]) + 1 if nonzero.size else 0  # the first attempt of the final run at 0
        again = " again" if np.any(path[:start] == 0.0) else ""
        faded = "faded to 0 before the first attempt" if start == 0 else f"faded to 0{again} at attempt {start}"
        return f"{text}, {faded} (it {came_back})" if rises else f"{text}, {faded}"
    if rises:
        return f"{text}, {came_back}"
    if not (rule.uses_outcome or rule.uses_mastery) and not all(outcomes):
        return f"{text}, not faded yet (a schedule: a struggle does not bring support back)"
    return f"{text}, not faded yet"


def fading_paths(
    scaffold: Scaffold | None = None,
    *,
    rules: FadingRule | Iterable[FadingRule] | Mapping[str, FadingRule] | None = None,
    outcomes: Iterable[bool] = (),
    params: BKTParams | None = None,
) -> dict[str, NDArray[np.float64]]:
    """A scaffold's support under each fading rule, before and after each outcome.

    For each rule, a scaffold with that rule is updated with
    :meth:`Scaffold.after <personalise.Scaffold.after>` once per outcome, in
    order. Time-based rules (linear, exponential, stepwise) advance one
    opportunity per outcome whatever it is; the contingent and backward
    rules step down after a success and back up after a struggle; the
    mastery rule follows P(mastery) of the goal skill, updated from the same
    outcomes by Bayesian Knowledge Tracing (:func:`~personalise.update_mastery`).

    Parameters
    ----------
    scaffold : Scaffold, optional
        The scaffold to explore. Its goal skill, kind and functions are kept
        for every rule. Under its own rule it goes on from where it is now
        (its level and history); every other rule starts a fresh scaffold at
        that rule's starting level. By default, a fresh scaffold for the
        skill ``"goal"``.
    rules : FadingRule, sequence of FadingRule, or mapping of str to FadingRule, optional
        The rules to compare. A sequence is labelled by the factory call of
        each rule (e.g. ``"contingent_fading(levels=4)"``); a mapping gives
        the labels. By default one rule of each factory:
        ``linear_fading(8)``, ``exponential_fading(3)``,
        ``stepwise_fading(3)``, ``contingent_fading()``,
        ``backward_fading(4)`` and ``mastery_fading()``, with the scaffold's
        own rule, when a scaffold is given, in place of the default of its
        kind.
    outcomes : sequence of bool, default ()
        One outcome per attempt, in order: True for a success, False for a
        struggle (0 and 1 are accepted too).
    params : BKTParams, optional
        Knowledge-tracing parameters for the mastery-driven rule, with the
        goal skill among their skills. By default ``prior=0.1, learn=0.15,
        guess=0.25, slip=0.1`` and no forgetting.

    Returns
    -------
    dict of str to ndarray of float64, shape (len(outcomes) + 1,)
        For each rule, by label, in the order of ``rules``: the support in
        [0, 1] before the first attempt (position 0) and after each attempt
        (position ``t`` after attempt ``t``). The arrays are read-only.

    Raises
    ------
    InvalidParameterError
        If ``scaffold`` is not a Scaffold, an item of ``rules`` is not a
        fading rule (the message names it, e.g. ``rules[1]``), a rule is
        repeated, ``rules`` is empty, an outcome is not True or False (the
        message names it, e.g. ``outcomes[2]``), or ``params`` is not
        BKTParams.
    UnknownSkillError
        If ``params`` has no parameters for the goal skill.

    See Also
    --------
    plot_fading : draws these paths.
    explore_fading : the same in a notebook, outcomes added by clicking.

    Notes
    -----
    O(n_rules * n_outcomes) scalar updates: this is for looking at one
    learner's run of answers. For a cohort use :class:`~personalise.ScaffoldState`.

    Examples
    --------
    >>> import personalise as pl
    >>> paths = pl.fading_paths(rules=[pl.contingent_fading(levels=4), pl.linear_fading(4)],
    ...                         outcomes=[True, True, False, True])
    >>> list(paths)
    ['contingent_fading(levels=4)', 'linear_fading(4)']
    >>> paths["contingent_fading(levels=4)"].tolist()  # back up after the struggle
    [1.0, 0.75, 0.5, 0.75, 0.5]
    >>> paths["linear_fading(4)"].tolist()  # a schedule: the struggle changes nothing
    [1.0, 0.75, 0.5, 0.25, 0.0]
    """
    return _Run(scaffold, rules, outcomes, params).paths()


# ------------------------------------------------------------------ plotting
def _import_matplotlib(what: str, extra: str) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as err:
        raise ImportError(f"{what} needs matplotlib: pip install 'personalise[{extra}]'") from err


def _draw(ax: Axes, run: _Run, *, title: str | None, min_attempts: int = 0) -> None:
    """Draw the support of every rule on ``ax``, one line per rule, and mark the outcomes."""
    from personalise.plotting import plot_support

    paths = run.paths()
    labels = list(paths)
    plot_support(np.column_stack([paths[label] for label in labels]), ax=ax, labels=labels)
    for position, line in enumerate(ax.lines):
        line.set_linestyle(_LINESTYLES[position % len(_LINESTYLES)])
    outcomes = np.array(run.outcomes, dtype=bool)
    attempts = np.arange(1, outcomes.size + 1)
    top = ax.get_xaxis_transform()  # x in attempts, y in axes coordinates: a strip above the plot
    ax.scatter(attempts[outcomes], np.full(int(outcomes.sum()), 1.04), transform=top, clip_on=False,
               marker="o", s=36, color="tab:green", label="success", zorder=3)
    ax.scatter(attempts[~outcomes], np.full(int((~outcomes).sum()), 1.04), transform=top, clip_on=False,
               marker="X", s=44, color="tab:red", label="struggle", zorder=3)
    for t in attempts[~outcomes]:
        ax.axvspan(t - 0.2, t + 0.2, color="tab:red", alpha=0.12, linewidth=0, zorder=0)
    ax.set_xlim(-0.4, max(outcomes.size, min_attempts) + 0.6)
    ax.set_xlabel("attempt (0: before the first)")
    ax.set_title(run.title() if title is None else title, pad=16)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def plot_fading(
    scaffold: Scaffold | None = None,
    *,
    rules: FadingRule | Iterable[FadingRule] | Mapping[str, FadingRule] | None = None,
    outcomes: Iterable[bool] = (),
    params: BKTParams | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot a scaffold's support under each fading rule against attempt number.

    The static form of :func:`explore_fading`: the same figure for a fixed
    sequence of outcomes.

    Parameters
    ----------
    scaffold, rules, outcomes, params
        As for :func:`fading_paths`, which computes the support drawn.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on. By default a new figure with one Axes is made
        with :func:`matplotlib.pyplot.subplots`.
    title : str, optional
        The title of the Axes (by default it says what is plotted).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. ``ax.lines`` holds one line per rule, in the order
        of ``rules``, drawn as by :func:`~personalise.plot_support`: x is the
        attempt number ``0 .. len(outcomes)`` (0: before the first attempt),
        y the support in [0, 1]. The outcomes are marked in a strip above the
        plot, a green dot for each success and a red cross for each struggle
        (``ax.collections``), and a light red band marks each struggle. The
        legend, to the right of the Axes, names the rules and the markers.

    Raises
    ------
    ImportError
        If matplotlib is not installed; the message gives the install command
        ``pip install 'personalise[plot]'``.
    InvalidParameterError
        As for :func:`fading_paths`, or if ``ax`` is not a matplotlib Axes.

    See Also
    --------
    fading_paths : the support values, without plotting.
    explore_fading : the same figure in a notebook, outcomes added by clicking.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # draw off-screen; not needed in a notebook
    >>> import personalise as pl
    >>> ax = pl.plot_fading(outcomes=[True, True, False, True, True, True])
    >>> len(ax.lines)  # one line per rule: one of each factory by default
    6
    >>> ax.lines[3].get_label(), ax.lines[3].get_ydata().tolist()
    ('contingent_fading()', [1.0, 0.8, 0.6, 0.8, 0.6, 0.4, 0.2])
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    _import_matplotlib("plot_fading", "plot")
    import matplotlib.axes

    run = _Run(scaffold, rules, outcomes, params)
    if title is not None and not isinstance(title, str):
        raise InvalidParameterError(f"title must be a string or None; got {title!r}", value=title)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8.0, 4.0))
    elif not isinstance(ax, matplotlib.axes.Axes):
        raise InvalidParameterError(f"ax must be a matplotlib Axes or None; got {ax!r}", value=ax)
    _draw(ax, run, title=title)
    return ax
