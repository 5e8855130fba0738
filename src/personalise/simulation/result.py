"""The value object returned by :func:`~personalise.simulate`."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import load_json_document, require_fields
from personalise.exceptions import InvalidParameterError
from personalise.simulation.model import INDEPENDENT, LearnerModel
from personalise.simulation.policies import policy_from_dict

__all__ = ["SUMMARY_COLUMNS", "SimulationResult"]

SCHEMA = "personalise.simulation-result/1"

SUMMARY_COLUMNS = (
    "mean",
    "sd",
    "q1",
    "median",
    "q3",
    "iqr",
    "bottom_quartile_mean",
    "top_quartile_mean",
    "gap",
    "share_goal",
    "practice_accuracy",
)
"""Per-step summary columns of :attr:`SimulationResult.summary` (see there)."""


def _ids(values: Any) -> tuple[Hashable, ...]:
    return tuple(values)


def _frozen(dtype: Any) -> Any:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        array = np.array(value, dtype=dtype)  # one copy at construction
        array.flags.writeable = False
        return array

    return attrs.field(converter=convert, eq=attrs.cmp_using(eq=np.array_equal), repr=False)


@attrs.frozen
class SimulationResult:
    """A simulated cohort under one policy: outcomes per step and at the end.

    Outcomes are *independent* mastery: measured with all support removed
    (latent state "can do it independently"), never practice accuracy.
    Attainment is the number of skills of the teaching sequence a learner
    can do independently. Quartiles of learners are by *initial* attainment
    (ranked, ties by learner order).

    Parameters
    ----------
    skill_ids : tuple
        The graph's skills (columns of :attr:`final_state`).
    sequence : tuple
        The teaching sequence (skill ids), in the order taught.
    goal : hashable or None
        The common goal (None: the whole sequence).
    policy : Policy
        The policy simulated.
    model : LearnerModel
        The learner model.
    entropy : int
        Root seed entropy: ``simulate(..., rng=result.entropy)`` reproduces the run.
    class_size : int
        Learners per class.
    attainment : ndarray of int16, shape (n_steps + 1, n_learners)
        Independent skills of the sequence per learner after each step (row 0: before).
    goal_reached : ndarray of bool, shape (n_steps + 1, n_learners)
        Whether each learner can do the goal independently after each step.
    practice_correct, practice_attempts : ndarray of int64, shape (n_steps,)
        Correct practice answers and practice tasks per step (practice
        accuracy is *not* learning; it is reported so that the two can be
        compared).
    final_state : ndarray of int8, shape (n_learners, n_skills)
        Latent state at the end: 0 not learned, 1 with support, 2 independent.
    trajectories : ndarray of int8, shape (n_steps + 1, n_learners, n_skills), optional
        Every step's latent states, when asked for.

    Examples
    --------
    >>> import personalise as pl
    >>> g = pl.load_example_curriculum()
    >>> r = pl.simulate(g, pl.FadingScaffolds(), n_learners=60, n_steps=20, rng=7)
    >>> r
    SimulationResult(policy='fading-scaffolds', n_learners=60, n_steps=20, n_skills=44, mean 8.58 -> 9.78 skills)
    >>> r.final_mastery.shape
    (60, 44)
    >>> round(float(r.summary["iqr"][-1]), 2)
    7.5
    """

    skill_ids: tuple[Hashable, ...] = attrs.field(converter=_ids)
    sequence: tuple[Hashable, ...] = attrs.field(converter=_ids)
    goal: Hashable | None
    policy: Any = attrs.field(eq=False)
    model: LearnerModel
    entropy: int
    class_size: int
    attainment: NDArray[np.int16] = _frozen(np.int16)
    goal_reached: NDArray[np.bool_] = _frozen(np.bool_)
    practice_correct: NDArray[np.int64] = _frozen(np.int64)
    practice_attempts: NDArray[np.int64] = _frozen(np.int64)
    final_state: NDArray[np.int8] = _frozen(np.int8)
    trajectories: NDArray[np.int8] | None = _frozen(np.int8)

    def __repr__(self) -> str:
        name = getattr(self.policy, "name", type(self.policy).__name__)
        first, last = (float(row.mean()) if row.size else float("nan") for row in (self.attainment[0], self.attainment[-1]))
        return (
            f"SimulationResult(policy={name!r}, n_learners={self.n_learners}, n_steps={self.n_steps}, "
            f"n_skills={len(self.skill_ids)}, mean {first:.2f} -> {last:.2f} skills)"
        )

    # ------------------------------------------------------------ sizes
    @property
    def n_learners(self) -> int:
        """Learners simulated."""
        return int(self.attainment.shape[1])

    @property
    def n_steps(self) -> int:
        """Steps simulated."""
        return int(self.attainment.shape[0]) - 1

    # --------------------------------------------------------- outcomes
    @property
    def final_mastery(self) -> NDArray[np.float64]:
        """Independent mastery at the end, shape (n_learners, n_skills): 1.0 or 0.0 per skill.

        Measured with all support removed: a skill the learner can only do
        with a scaffold counts as not mastered.
        """
        mastered: NDArray[np.float64] = (self.final_state == INDEPENDENT).astype(np.float64)
        return mastered

    @property
    def initial_attainment(self) -> NDArray[np.int16]:
        """Independent skills of the sequence per learner before the first step."""
        first: NDArray[np.int16] = self.attainment[0]
        return first

    @property
    def final_attainment(self) -> NDArray[np.int16]:
        """Independent skills of the sequence per learner after the last step."""
        last: NDArray[np.int16] = self.attainment[-1]
        return last

    @property
    def initial_quartile(self) -> NDArray[np.intp]:
        """Each learner's quartile (0 = bottom, 3 = top) of initial attainment, by rank (ties by learner order)."""
        n = self.n_learners
        order = np.argsort(self.initial_attainment, kind="stable")
        quartile = np.empty(n, dtype=np.intp)
        quartile[order] = (np.arange(n) * 4) // max(n, 1)
        return quartile

    @property
    def summary(self) -> dict[str, NDArray[np.float64]]:
        """Per-step summaries of attainment, each of shape (n_steps + 1,).

        ``mean``, ``sd`` (ddof=1), ``q1``, ``median``, ``q3``, ``iqr``
        (``q3 - q1``, linear interpolation), ``bottom_quartile_mean`` and
        ``top_quartile_mean`` (learners in the bottom or top quartile of
        *initial* attainment), ``gap`` (top minus bottom quartile mean),
        ``share_goal`` (share who can do the goal independently) and
        ``practice_accuracy`` (NaN before the first step). NaN for an empty
        cohort.
        """
        values = self.attainment.astype(np.float64)
        steps = values.shape[0]
        out: dict[str, NDArray[np.float64]] = {}
        if self.n_learners == 0:
            return {name: np.full(steps, np.nan) for name in SUMMARY_COLUMNS}
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75], axis=1)
        quartile = self.initial_quartile
        out["mean"] = values.mean(axis=1)
        out["sd"] = values.std(axis=1, ddof=1) if self.n_learners > 1 else np.full(steps, np.nan)
        out["q1"], out["median"], out["q3"] = q1, median, q3
        out["iqr"] = q3 - q1
        out["bottom_quartile_mean"] = values[:, quartile == 0].mean(axis=1)
        out["top_quartile_mean"] = values[:, quartile == 3].mean(axis=1) if self.n_learners >= 4 else np.full(steps, np.nan)
        out["gap"] = out["top_quartile_mean"] - out["bottom_quartile_mean"]
        out["share_goal"] = self.goal_reached.mean(axis=1)
        accuracy = np.full(steps, np.nan)
        attempts = self.practice_attempts
        accuracy[1:] = np.where(attempts > 0, self.practice_correct / np.maximum(attempts, 1), np.nan)
        out["practice_accuracy"] = accuracy
        return out

    def gain_by_quartile(self) -> NDArray[np.float64]:
        """Mean gain (final minus initial attainment) per quartile of initial attainment, bottom first.

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([(i, i + 1) for i in range(9)])
        >>> r = pl.simulate(g, pl.MasteryLearning(), n_learners=200, n_steps=50, rng=3)
        >>> r.gain_by_quartile().round(2)
        array([1.54, 2.78, 2.94, 3.92])
        """
        gain = self.final_attainment.astype(np.float64) - self.initial_attainment
        quartile = self.initial_quartile
        return np.array([gain[quartile == q].mean() if np.any(quartile == q) else np.nan for q in range(4)])

    def effect_size(self, baseline: SimulationResult) -> float:
        """Cohen's d of final attainment against ``baseline``: ``(mean - mean_b) / sd_b``.

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([(i, i + 1) for i in range(9)])
        >>> fading = pl.simulate(g, pl.FadingScaffolds(), n_learners=300, n_steps=60, rng=1)
        >>> permanent = pl.simulate(g, pl.PermanentScaffolds(), n_learners=300, n_steps=60, rng=1)
        >>> fading.effect_size(permanent) > 0.5
        True
        """
        if not isinstance(baseline, SimulationResult):
            raise InvalidParameterError(f"baseline must be a SimulationResult; got {baseline!r}", value=baseline)
        base = baseline.final_attainment.astype(np.float64)
        if base.size < 2:
            raise InvalidParameterError("an effect size needs a baseline of at least 2 learners", value=base.size)
        sd = float(base.std(ddof=1))
        diff = float(self.final_attainment.mean() - base.mean())
        if sd == 0.0:
            return 0.0 if diff == 0.0 else float("inf") * np.sign(diff)
        return diff / sd

    # ---------------------------------------------------------- exports
    def to_frame(self) -> Any:
        """Per-step summaries as a pandas DataFrame (needs the ``pandas`` extra).

        One row per step (0 = before the first), columns ``step``, the
        :data:`SUMMARY_COLUMNS`, and ``policy``.

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.simulate(g, pl.WholeClassPace(), n_learners=10, n_steps=2, rng=0).to_frame().shape
        (3, 13)
        """
        try:
            import pandas as pd
        except ImportError as error:  # pragma: no cover - exercised without pandas
            raise ImportError("to_frame needs pandas: pip install 'personalise[pandas]'") from error
        summary = self.summary
        frame = pd.DataFrame({"step": np.arange(self.n_steps + 1), **summary})
        frame["policy"] = getattr(self.policy, "name", type(self.policy).__name__)
        return frame

    def plot(self, *, ax: Any = None, label: str | None = None) -> Any:
        """Mean attainment per step with the interquartile band (needs the ``plot`` extra).

        Returns the matplotlib Axes. Call it on several results with the same
        ``ax`` to compare policies.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import personalise as pl
        >>> g = pl.compile_graph([("a", "b"), ("b", "c")])
        >>> ax = pl.simulate(g, pl.FadingScaffolds(), n_learners=20, n_steps=5, rng=0).plot()
        >>> ax.get_ylabel()
        'independent skills'
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as error:  # pragma: no cover - exercised without matplotlib
            raise ImportError("plot needs matplotlib: pip install 'personalise[plot]'") from error
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        summary = self.summary
        steps = np.arange(self.n_steps + 1)
        name = label or getattr(self.policy, "name", type(self.policy).__name__)
        (line,) = ax.plot(steps, summary["mean"], label=name)
        ax.fill_between(steps, summary["q1"], summary["q3"], alpha=0.2, color=line.get_color())
        ax.set_xlabel("step")
        ax.set_ylabel("independent skills")
        ax.legend(loc="upper left", fontsize="small")
        return ax

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict with a ``"schema"`` field (see :meth:`from_json`)."""
        policy = self.policy.to_dict() if hasattr(self.policy, "to_dict") else {"policy": getattr(self.policy, "name", "?")}
        return {
            "schema": SCHEMA,
            "skill_ids": list(self.skill_ids),
            "sequence": list(self.sequence),
            "goal": self.goal,
            "policy": policy,
            "model": self.model.to_dict(),
            "entropy": str(self.entropy),
            "class_size": self.class_size,
            "attainment": self.attainment.tolist(),
            "goal_reached": self.goal_reached.tolist(),
            "practice_correct": self.practice_correct.tolist(),
            "practice_attempts": self.practice_attempts.tolist(),
            "final_state": self.final_state.tolist(),
            "trajectories": None if self.trajectories is None else self.trajectories.tolist(),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The result as JSON text (built-in policies round-trip; others keep only their name).

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> r = pl.simulate(g, pl.FixedGroups(), n_learners=4, n_steps=2, rng=0)
        >>> pl.SimulationResult.from_json(r.to_json()) == r
        True
        """
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> SimulationResult:
        """Rebuild a result from :meth:`to_json` output."""
        data = load_json_document(document, SCHEMA)
        require_fields(data, [f.name for f in attrs.fields(cls)], "a simulation result")
        policy_data = data["policy"]
        try:
            policy: Any = policy_from_dict(policy_data)
        except InvalidParameterError:
            policy = dict(policy_data)
        empty = (0, len(data["skill_ids"]))
        return cls(
            skill_ids=data["skill_ids"],
            sequence=data["sequence"],
            goal=data["goal"],
            policy=policy,
            model=LearnerModel.from_dict(dict(data["model"])),
            entropy=int(data["entropy"]),
            class_size=int(data["class_size"]),
            attainment=data["attainment"],
            goal_reached=data["goal_reached"],
            practice_correct=data["practice_correct"],
            practice_attempts=data["practice_attempts"],
            final_state=data["final_state"] if data["final_state"] else np.zeros(empty, np.int8),
            trajectories=None
            if data["trajectories"] is None
            else np.array(data["trajectories"], dtype=np.int8).reshape(
                len(data["attainment"]), len(data["attainment"][0]) if data["attainment"] else 0, len(data["skill_ids"])
            ),
        )
