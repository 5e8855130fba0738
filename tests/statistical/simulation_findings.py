"""The simulator's findings (DOMAIN.md checks 6-9), computed once and shared.

The statistical tests assert on these numbers; run this module to print them
(``python tests/statistical/simulation_findings.py``); the docs page "What
the simulator reproduces, and what it cannot show" quotes its output.

Every comparison uses equal time (the same number of steps), the same seeds
for every condition (common random numbers), 20 seeds, a 10-skill chain and
outcomes measured with all support removed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

import personalise as pl

SEEDS = range(20)
CHAIN = pl.compile_graph([(i, i + 1) for i in range(9)])
FADE = pl.contingent_fading(levels=4, start=2)
#: The reference grouping and pacing toys: one transition probability T_i per opportunity.
PER_OPPORTUNITY = pl.LearnerModel(unsupported_acquisition=1.0)


@functools.cache
def runs(policy: object, n_steps: int, n_learners: int = 300, model: pl.LearnerModel | None = None) -> tuple[pl.SimulationResult, ...]:
    """One result per seed (cached: policies and models are hashable value objects)."""
    return tuple(
        pl.simulate(CHAIN, policy, n_learners=n_learners, n_steps=n_steps, rng=seed, model=model)  # type: ignore[arg-type]
        for seed in SEEDS
    )


def final(results: Sequence[pl.SimulationResult], column: str) -> float:
    """Mean over seeds of a final summary column."""
    return float(np.mean([r.summary[column][-1] for r in results]))


def effect_sizes(a: Sequence[pl.SimulationResult], b: Sequence[pl.SimulationResult]) -> np.ndarray:
    """d of ``a`` against baseline ``b``, seed by seed."""
    return np.array([x.effect_size(y) for x, y in zip(a, b, strict=True)])


def interval(values: np.ndarray) -> tuple[float, float]:
    """95% interval of the mean across seeds (normal approximation)."""
    half = 1.96 * values.std(ddof=1) / np.sqrt(values.size)
    return float(values.mean() - half), float(values.mean() + half)


def row(name: str, results: Sequence[pl.SimulationResult]) -> str:
    return (
        f"| {name} | {final(results, 'mean'):.2f} | {final(results, 'iqr'):.2f} | "
        f"{final(results, 'bottom_quartile_mean'):.2f} | {final(results, 'gap'):.2f} | "
        f"{np.mean([np.nanmean(r.summary['practice_accuracy']) for r in results]):.2f} |"
    )


HEADER = "| condition | mean | IQR | bottom quartile | top - bottom gap | practice accuracy |\n|---|---|---|---|---|---|"


def report() -> str:  # pragma: no cover - a printing helper
    lines: list[str] = []
    for steps in (60, 90):
        none = runs(pl.PermanentScaffolds(support=0.0), steps)
        permanent = runs(pl.PermanentScaffolds(), steps)
        fading = runs(pl.FadingScaffolds(), steps)
        lines += [f"\nCheck 6, {steps} steps", HEADER, row("none", none), row("permanent", permanent), row("fading", fading)]
        lines.append(f"d fading - permanent {effect_sizes(fading, permanent).mean():.2f}; fading - none {effect_sizes(fading, none).mean():.2f}")
        off = pl.LearnerModel(dependency=False)
        d_off = effect_sizes(runs(pl.FadingScaffolds(), steps, model=off), runs(pl.PermanentScaffolds(), steps, model=off))
        lines.append(f"dependency off: d fading - permanent {d_off.mean():.2f}")
    for steps in (90, 120, 150):
        lines += [f"\nCheck 7, {steps} steps", HEADER]
        for name, policy in TIERED.items():
            lines.append(row(name, runs(policy, steps)))
        ratio = final(runs(TIERED["tiered"], steps), "iqr") / final(runs(TIERED["common goal, fading for all"], steps), "iqr")
        lines.append(f"IQR tiered / common goal {ratio:.2f}")
    lines += ["\nCheck 8, 90 learners (3 classes), 60 lessons, per-opportunity acquisition", HEADER]
    for name, policy in GROUPING.items():
        lines.append(row(name, runs(policy, 60, 90, PER_OPPORTUNITY)))
    lines += ["\nCheck 8 under the default model (acquisition without support 0.5 T_i)", HEADER]
    for name, policy in GROUPING.items():
        lines.append(row(name, runs(policy, 60, 90)))
    lines += ["\nCheck 9, 100 steps", HEADER]
    for label, model in (("per-opportunity acquisition", PER_OPPORTUNITY), ("default model", None)):
        fixed, mastery = runs(pl.WholeClassPace(), 100, 300, model), runs(pl.MasteryLearning(), 100, 300, model)
        d = effect_sizes(mastery, fixed)
        low, high = interval(d)
        gains = np.mean([m.gain_by_quartile() - f.gain_by_quartile() for m, f in zip(mastery, fixed, strict=True)], axis=0)
        lines += [row(f"fixed pace ({label})", fixed), row(f"mastery ({label})", mastery)]
        lines.append(f"{label}: d {d.mean():.2f} [{low:.2f}, {high:.2f}]; extra gain bottom quartile {gains[0]:+.2f}, top {gains[3]:+.2f}")
    ungated = pl.LearnerModel(unsupported_acquisition=1.0, prerequisite_damping=0.0)
    fixed, mastery = runs(pl.WholeClassPace(), 100, 300, ungated), runs(pl.MasteryLearning(), 100, 300, ungated)
    gains = np.mean([m.gain_by_quartile() - f.gain_by_quartile() for m, f in zip(mastery, fixed, strict=True)], axis=0)
    lines.append(
        f"ablation, prerequisite gating off: d {effect_sizes(mastery, fixed).mean():.2f}; "
        f"extra gain bottom quartile {gains[0]:+.2f}, top {gains[3]:+.2f}"
    )
    lines.append("\nEvery policy against whole-class pace, 100 steps, default model (plausibility: d <= 2)")
    base = runs(pl.WholeClassPace(), 100)
    for name, cls in pl.POLICIES.items():
        lines.append(f"{name}: d {effect_sizes(runs(cls(), 100), base).mean():.2f}")
    return "\n".join(lines)


TIERED = {
    "tiered (cap + fixed support for the lower tier)": pl.TieredTasks(),
    "cap, fading for the lower tier": pl.TieredTasks(lower_support=FADE),
    "cap, fading for all": pl.TieredTasks(lower_support=FADE, upper_support=FADE),
    "common goal, fading for all": pl.FadingScaffolds(rule=FADE),
}
TIERED["tiered"] = TIERED["tiered (cap + fixed support for the lower tier)"]

GROUPING = {
    "whole class": pl.WholeClassPace(),
    "fixed groups": pl.FixedGroups(),
    "fixed groups + low-track penalty": pl.FixedGroups(track_quality=(0.75, 1.0, 1.1)),
    "flexible groups": pl.FlexibleGroups(),
}


if __name__ == "__main__":  # pragma: no cover
    print(report())
