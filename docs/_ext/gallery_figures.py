"""The figures of the documentation's gallery, drawn by the library at build time.

Each function draws one picture from a tutorial or how-to page with the same
calls as that page (smaller cohorts where the page simulates many learners, so
that the build stays fast; every seed fixed). A function either takes a
matplotlib Axes and draws on it, or takes no argument and returns a Figure;
``gallery.ENTRIES`` lists them with their titles, captions and links.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")  # off-screen: the build has no display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import personalise as pl  # noqa: E402

# -- Scaffolds (docs/tutorials/fading-scaffolds.md) ---------------------------

#: One learner's answers on 12 opportunities, failing the 3rd and the 7th (tutorial, section 1).
ANSWERS = [True, True, False, True, True, True, False, True, True, True, True, True]


def fading_rules(ax):
    """Support under every fading rule, for the same run of answers, with the failures marked."""
    params = pl.BKTParams.constant(["add fractions"], prior=0.1, learn=0.15, guess=0.25, slip=0.1)
    mastery = np.array([[0.1]])
    p_mastery = []
    for success in ANSWERS:
        mastery = pl.update_mastery(params, mastery, [0], [0], [success])
        p_mastery.append(float(mastery[0, 0]))
    rules = {
        "linear_fading(8)": pl.linear_fading(8),
        "exponential_fading(3)": pl.exponential_fading(3),
        "stepwise_fading(3)": pl.stepwise_fading(3),
        "contingent_fading(levels=4)": pl.contingent_fading(levels=4),
        "backward_fading(6)": pl.backward_fading(6),
        "mastery_fading()": pl.mastery_fading(),
    }
    columns = []
    for rule in rules.values():
        scaffold = pl.Scaffold("add fractions", rule, kind="worked example")
        history = [scaffold.support]
        for success, m in zip(ANSWERS, p_mastery):
            scaffold = scaffold.after(success, mastery=m)
            history.append(scaffold.support)
        columns.append(history)
    pl.plot_support(np.column_stack(columns), ax=ax, labels=list(rules))
    for t, success in enumerate(ANSWERS):
        if not success:
            ax.axvline(t + 1, color="0.85", linewidth=6, zorder=0)
    ax.legend(fontsize="x-small", loc="upper right", handlelength=1.5)


def contingent_support(ax):
    """Wood's contingent rule: four successes fade the help, one failure brings back the lightest level."""
    scaffold = pl.Scaffold("add fractions", pl.contingent_fading(levels=5, start=4), kind="prompt")
    history = [scaffold]
    for success in [True, True, True, True, False, True]:
        scaffold = scaffold.after(success)
        history.append(scaffold)
    pl.plot_support(history, ax=ax, labels=["one learner"], threshold=0.2)


def class_support(ax):
    """A class of 200 learners under the contingent rule: every learner's support, and the median."""
    rng = np.random.default_rng(2024)
    n_learners, n_opportunities = 200, 20
    state = pl.ScaffoldState.start(n_learners, [pl.Scaffold("add fractions", pl.contingent_fading(levels=5))])
    cohort = [state.support[:, 0]]
    for t in range(n_opportunities):
        outcomes = rng.random((n_learners, 1)) < 0.4 + 0.5 * t / n_opportunities
        state = state.after(outcomes)
        cohort.append(state.support[:, 0])
    cohort = np.stack(cohort)
    pl.plot_support(cohort, ax=ax)
    ax.step(np.arange(n_opportunities + 1), np.median(cohort, axis=1), where="post", color="C1", linewidth=2.5,
            label="median")
    ax.legend(fontsize="small", loc="upper right")


# -- Simulation (docs/tutorials/simulate-cohorts.md) --------------------------

#: A smaller cohort than the tutorial's 300 learners: the same picture, a faster build.
N_LEARNERS, N_STEPS, SEED = 200, 60, 1

POLICIES = {
    "whole-class pace": pl.WholeClassPace(),
    "tiered tasks": pl.TieredTasks(),
    "permanent support": pl.PermanentScaffolds(),
    "no support": pl.PermanentScaffolds(support=0.0),
    "fading support": pl.FadingScaffolds(),
    "responsive teaching": pl.ResponsiveTeaching(),
}


@functools.cache
def _simulate(name: str, dependency: bool = True) -> pl.SimulationResult:
    graph = pl.load_example_curriculum()
    model = pl.LearnerModel(dependency=dependency)
    return pl.simulate(graph, POLICIES[name], n_learners=N_LEARNERS, n_steps=N_STEPS, rng=SEED, model=model)


def policies_compared(ax):
    """Mean attainment with the interquartile band under three policies, the same learners (SimulationResult.plot)."""
    for name in ["whole-class pace", "tiered tasks", "fading support"]:
        _simulate(name).plot(ax=ax, label=name)


def practice_is_not_learning(ax):
    """Practice accuracy against final independent attainment, one point per policy."""
    points = {}
    for name in POLICIES:
        summary = _simulate(name).summary
        points[name] = (float(np.nanmean(summary["practice_accuracy"])), float(summary["mean"][-1]))
    for name, (x, y) in points.items():
        ax.scatter(x, y, s=40)
        # a label that would run into the next point on its right goes below its own point
        crowded = any(0 < x2 - x < 0.2 and abs(y2 - y) < 0.3 for x2, y2 in points.values())
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(5, -11 if crowded else 4), fontsize="small")
    ax.set_xlabel("practice accuracy")
    ax.set_ylabel("final independent skills (mean)")
    ax.set_xlim(0.2, 1.0)
    ax.margins(y=0.12)


def dependency_ablation():
    """Fading against permanent support with the dependency mechanism on and off: a Figure with two Axes."""
    fig, axes = plt.subplots(1, 2, figsize=(4.4, 2.8), sharey=True, layout="constrained")
    for ax, dependency, title in zip(axes, [True, False], ["dependency (default)", "dependency=False"]):
        for name in ["permanent support", "fading support"]:
            _simulate(name, dependency).plot(ax=ax, label=name)
        ax.set_title(title, fontsize="medium")
    axes[1].get_legend().remove()  # one legend for both
    axes[1].set_ylabel("")
    return fig


def self_review_grades(ax):
    """A school's self-review on West-Burnham's five components, graded A-D (an example, not data)."""
    review = pl.SelfReview.template()
    for component, grade in (("learning-to-learn", "C"), ("afl", "B"), ("teaching-strategies", "B"),
                             ("curriculum-choice", "D"), ("mentoring", "A")):
        review = review.with_grade(component, grade)
    review.plot(ax=ax)
