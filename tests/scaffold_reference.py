"""Plain-Python references for scaffolds that fade (DOMAIN.md section 4, check 5).

Written from the factory docstrings of :mod:`personalise.fading` and from
DOMAIN.md, not from the library's code: one scaffold, one learner, Python
numbers and lists. Nothing here imports :mod:`personalise` except
:func:`make_rule` and :func:`make_scaffold` at the end, which turn a spec into
library objects for the tests.

A *spec* is ``(name, params)``, ``params`` holding the keyword arguments of the
factory of that name (``linear_fading(opportunities)``,
``exponential_fading(half_life, floor=...)``, ``stepwise_fading(every, levels=...)``,
``contingent_fading(levels=..., fade_after=..., start=...)``,
``backward_fading(n_steps, reinstate=...)``, ``mastery_fading(full=..., none=...)``).

What each rule promises (the references below):

* **linear**: ``support = max(0, 1 - t / n)`` after ``t`` opportunities;
* **exponential**: ``0.5 ** (t / half_life)``, and 0 once that is below ``floor``;
* **stepwise**: ``levels[0]`` for the first ``every`` opportunities, then the
  next level every ``every`` opportunities, staying on the last (0);
* **contingent** (Wood's shift rule): a ladder ``0..levels`` starting at
  ``levels`` (or ``start``); one rung down after every ``fade_after``
  consecutive successes, one up after a failure, never leaving the ladder;
  support is ``rung / levels``;
* **backward**: ``n_steps`` solution steps, all worked for the learner at
  first; each success hands the last still-worked step to the learner, each
  failure gives the most recently handed-over step back (only when
  ``reinstate``); support is the share of steps still worked;
* **mastery**: ``clip((none - m) / (none - full), 0, 1)`` for the learner's
  P(mastery) ``m`` of the goal skill, 1 before the first observation.

The three opportunity rules follow the opportunity clock alone (outcomes and
:meth:`RefScaffold.advanced` both move it); the contingent and backward rules
follow outcomes only; the mastery rule follows the mastery values only.

Examples
--------
>>> s = RefScaffold(("contingent", {"levels": 5, "start": 4}))
>>> for _ in range(4):
...     s.after(True)
>>> s.rung, s.support
(0, 0.0)
>>> s.after(False); s.rung
1
>>> w = RefScaffold(("backward", {"n_steps": 4}))
>>> w.after(True); w.after(True); w.worked
(True, True, False, False)
>>> [linear_ref(t, 4) for t in range(6)]
[1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
>>> [stepwise_ref(t, 2, (1.0, 0.5, 0.25, 0.0)) for t in range(7)]
[1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.0]
>>> [exponential_ref(t, 2, 0.05) for t in (0, 2, 4, 9)]
[1.0, 0.5, 0.25, 0.0]
>>> [round(mastery_ref(m, 0.3, 0.95), 12) for m in (0.2, 0.625, 0.95)]
[1.0, 0.5, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "COUNTERS",
    "RULE_NAMES",
    "RefScaffold",
    "Spec",
    "close",
    "contingent_ref",
    "exponential_ref",
    "full_none_pairs",
    "linear_ref",
    "make_rule",
    "make_scaffold",
    "mastery_ref",
    "rule_specs",
    "s_max",
    "stepwise_ref",
    "uses_mastery",
    "worked_ref",
]

Spec = tuple[str, dict[str, Any]]

RULE_NAMES = ("linear", "exponential", "stepwise", "contingent", "backward", "mastery")
BY_OPPORTUNITY = ("linear", "exponential", "stepwise")
COUNTERS = ("opportunities", "successes", "failures", "streak", "failure_run")


# ------------------------------------------------------------ by opportunity
def linear_ref(t: int, n: int) -> float:
    """Support after ``t`` opportunities under ``linear_fading(n)``: equal steps from 1 to 0."""
    if t >= n:
        return 0.0
    return (n - t) / n


def exponential_ref(t: int, half_life: float, floor: float) -> float:
    """Support after ``t`` opportunities: halves every ``half_life`` opportunities, 0 below ``floor``."""
    value = 2.0 ** (-t / half_life)
    return 0.0 if value < floor else value


def stepwise_ref(t: int, every: int, levels: Sequence[float]) -> float:
    """Support after ``t`` opportunities: one step down ``levels`` every ``every`` opportunities."""
    position = 0
    clock = 0
    while clock + every <= t and position < len(levels) - 1:
        clock += every
        position += 1
    return float(levels[position])


def mastery_ref(m: float, full: float, none: float) -> float:
    """Support at P(mastery) ``m``: full at or below ``full``, none at or above ``none``, linear between."""
    if m <= full:
        return 1.0
    if m >= none:
        return 0.0
    return (none - m) / (none - full)


# --------------------------------------------------------------- by outcome
def contingent_ref(outcomes: Sequence[bool], *, levels: int = 5, fade_after: int = 1, start: int | None = None) -> list[int]:
    """Rungs of Wood's ladder after each outcome (the first entry is the starting rung)."""
    rung = levels if start is None else start
    pending = 0  # successes in a row not yet "spent" on a step down
    out = [rung]
    for success in outcomes:
        if success:
            pending += 1
            if pending == fade_after:
                pending = 0
                if rung > 0:
                    rung -= 1
        else:
            pending = 0
            if rung < levels:
                rung += 1
        out.append(rung)
    return out


def worked_ref(outcomes: Sequence[bool], n_steps: int, *, reinstate: bool = True) -> list[tuple[bool, ...]]:
    """Which steps are worked for the learner after each outcome (backward fading; first entry: the start)."""
    worked = [True] * n_steps
    handed_over: list[int] = []  # steps given to the learner, most recent last
    out = [tuple(worked)]
    for success in outcomes:
        if success:
            still = [i for i, w in enumerate(worked) if w]
            if still:
                last = still[-1]
                worked[last] = False
                handed_over.append(last)
        elif reinstate and handed_over:
            worked[handed_over.pop()] = True
        out.append(tuple(worked))
    return out


# ------------------------------------------------------------ one scaffold
class RefScaffold:
    """One learner's scaffold under one rule spec, updated in place.

    ``after(success, mastery)`` is one opportunity with an outcome;
    ``advanced(steps)`` is ``steps`` opportunities with no recorded outcome.
    """

    def __init__(self, spec: Spec) -> None:
        self.name, self.params = spec
        assert self.name in RULE_NAMES, self.name
        self.opportunities = 0
        self.successes = 0
        self.failures = 0
        self.streak = 0
        self.failure_run = 0
        self.outcomes: list[bool] = []
        self.mastery: float | None = None

    # state
    @property
    def rung(self) -> int:
        """Contingent rule: the rung of the ladder."""
        assert self.name == "contingent"
        return contingent_ref(self.outcomes, **self.params)[-1]

    @property
    def worked(self) -> tuple[bool, ...]:
        """Backward rule: which steps are still worked for the learner."""
        assert self.name == "backward"
        return worked_ref(self.outcomes, self.params["n_steps"], reinstate=self.params.get("reinstate", True))[-1]

    @property
    def support(self) -> float:
        p, t = self.params, self.opportunities
        if self.name == "linear":
            return linear_ref(t, p["opportunities"])
        if self.name == "exponential":
            return exponential_ref(t, p["half_life"], p.get("floor", 0.05))
        if self.name == "stepwise":
            return stepwise_ref(t, p["every"], p.get("levels", (1.0, 0.5, 0.25, 0.0)))
        if self.name == "contingent":
            return self.rung / p.get("levels", 5)
        if self.name == "backward":
            return sum(self.worked) / p["n_steps"]
        if self.mastery is None:
            return 1.0
        return mastery_ref(self.mastery, p.get("full", 0.3), p.get("none", 0.95))

    def counters(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTERS}

    # events
    def after(self, success: bool, mastery: float | None = None) -> None:
        self.opportunities += 1
        if success:
            self.successes += 1
            self.streak += 1
            self.failure_run = 0
        else:
            self.failures += 1
            self.failure_run += 1
            self.streak = 0
        self.outcomes.append(bool(success))
        if self.name == "mastery":
            assert mastery is not None
            self.mastery = mastery

    def advanced(self, steps: int) -> None:
        self.opportunities += steps


def s_max(spec: Spec) -> int:
    """Top rung (contingent) or number of steps (backward)."""
    name, p = spec
    return p.get("levels", 5) if name == "contingent" else p["n_steps"]


def uses_mastery(spec: Spec) -> bool:
    return spec[0] == "mastery"


# ---------------------------------------------------------------- strategies
def _full_none(pair: tuple[float, float]) -> tuple[float, float]:
    """``(full, none)`` with ``full < none``; widths below 1e-300 (subnormal quotients) are replaced."""
    full, none = min(pair), max(pair)
    return (full, none) if none - full >= 1e-300 else (0.3, 0.95)


#: (full, none) of a mastery rule.
full_none_pairs = st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)).map(_full_none)


@st.composite
def rule_specs(draw: st.DrawFn, names: Sequence[str] = RULE_NAMES) -> Spec:
    """A random spec of one of ``names``, with familiar and random parameters."""
    name = draw(st.sampled_from(list(names)))
    if name == "linear":
        return name, {"opportunities": draw(st.integers(1, 12))}
    if name == "exponential":
        half_life = draw(st.one_of(st.sampled_from([0.5, 1.0, 2.0, 3.0, 3.3, 7.77]), st.floats(0.05, 20.0)))
        floor = draw(st.one_of(st.sampled_from([0.05, 0.1, 0.25, 1.0]), st.floats(0.001, 1.0)))
        return name, {"half_life": half_life, "floor": floor}
    if name == "stepwise":
        every = draw(st.integers(1, 4))
        if draw(st.booleans()):
            return name, {"every": every}
        head = draw(st.lists(st.floats(0.0, 1.0), min_size=0, max_size=4))
        return name, {"every": every, "levels": (*sorted(head, reverse=True), 0.0)}
    if name == "contingent":
        levels = draw(st.integers(1, 6))
        params: dict[str, Any] = {"levels": levels, "fade_after": draw(st.sampled_from([1, 1, 2, 3]))}
        start = draw(st.one_of(st.none(), st.integers(0, levels)))
        if start is not None:
            params["start"] = start
        return name, params
    if name == "backward":
        return name, {"n_steps": draw(st.integers(1, 6)), "reinstate": draw(st.booleans())}
    full, none = draw(st.one_of(st.just((0.3, 0.95)), full_none_pairs))
    return name, {"full": full, "none": none}


# -------------------------------------------- specs -> library (tests only)
def make_rule(spec: Spec) -> Any:
    """The library's rule for ``spec``, built with the public factory of that name."""
    import personalise as pl

    name, params = spec
    p = dict(params)
    if name == "linear":
        return pl.linear_fading(p.pop("opportunities"), **p)
    if name == "exponential":
        return pl.exponential_fading(p.pop("half_life"), **p)
    if name == "stepwise":
        return pl.stepwise_fading(p.pop("every"), **p)
    if name == "contingent":
        return pl.contingent_fading(**p)
    if name == "backward":
        return pl.backward_fading(p.pop("n_steps"), **p)
    return pl.mastery_fading(**p)


def make_scaffold(spec: Spec, skill: Any = "goal", **options: Any) -> Any:
    """A fresh :class:`personalise.Scaffold` with the rule of ``spec``."""
    import personalise as pl

    return pl.Scaffold(skill, make_rule(spec), **options)


def close(a: float, b: float) -> bool:
    """Equal up to rounding (the references compute the same mathematics in another order)."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
