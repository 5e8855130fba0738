"""The value object returned by :func:`~personalise.simulate`."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._random import RNG_BLOCK
from personalise._validation import as_array, check_id, check_ids, check_int, load_json_document, require_fields
from personalise.exceptions import InvalidParameterError, ShapeError
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


#: name -> (dtype, element kinds accepted, ndim, largest value) of the outcome arrays of a result.
_TABLES: dict[str, tuple[Any, str, int, int | None]] = {
    "attainment": (np.int16, "iu", 2, int(np.iinfo(np.int16).max)),
    "goal_reached": (np.bool_, "b", 2, None),
    "practice_correct": (np.int64, "iu", 1, int(np.iinfo(np.int64).max)),
    "practice_attempts": (np.int64, "iu", 1, int(np.iinfo(np.int64).max)),
    "final_state": (np.int8, "iu", 2, INDEPENDENT),
    "trajectories": (np.int8, "iu", 3, INDEPENDENT),
}


def _table(name: str) -> Any:
    """An outcome array field: checked (kind, ndim, range), copied once and frozen; NaN, floats, text refused."""
    dtype, kinds, ndim, high = _TABLES[name]

    def convert(value: Any) -> NDArray[Any] | None:
        if value is None and name == "trajectories":
            return None
        array = as_array(value, name, kinds="biuf", ndim=ndim)
        if array.size and array.dtype.kind not in kinds:  # an empty list reads as float64: it holds no values
            wanted = "True or False" if kinds == "b" else "integers"
            raise InvalidParameterError(f"{name} must hold {wanted}; got dtype {array.dtype}", value=array.dtype)
        if array.size and high is not None:
            as_array(array, name, kinds=kinds, low=0, high=high)
        frozen = np.array(array, dtype=dtype)  # one copy at construction
        frozen.flags.writeable = False
        return frozen

    return attrs.field(converter=convert, eq=attrs.cmp_using(eq=np.array_equal), repr=False)


def _skill_ids(values: Any) -> tuple[Hashable, ...]:
    return check_ids(values, "skill_ids")


def _sequence(values: Any) -> tuple[Hashable, ...]:
    return check_ids(values, "sequence")


def _entropy(value: Any) -> int:
    return check_int(value, "entropy", minimum=0)


def _class_size(value: Any) -> int:
    return check_int(value, "class_size", minimum=1, maximum=RNG_BLOCK)


def _policy_name(policy: Any) -> str:
    if isinstance(policy, Mapping):
        return str(policy.get("policy", "?"))
    return str(getattr(policy, "name", type(policy).__name__))


def _check_policy(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, Mapping):  # a policy document that is not a built-in policy (from from_json)
        if not isinstance(value.get("policy"), str):
            raise InvalidParameterError(f"policy as a document must have a 'policy' name (a string); got {value!r:.80}",
                                        value=value)
    elif isinstance(value, type) or not (callable(getattr(value, "start", None))
                                         and isinstance(getattr(value, "name", None), str)):
        raise InvalidParameterError(f"policy must follow the Policy protocol (a name and start(setting)) or be a "
                                    f"policy document; got {value!r:.80}", value=value)


def _check_model(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, LearnerModel):
        raise InvalidParameterError(f"model must be a LearnerModel; got {value!r:.80}", value=value)


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

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type or a value out of range (ids that are
        not ids or repeat, a sequence or goal outside ``skill_ids``, a
        negative ``entropy``, counts that are not integers or exceed the
        sequence or the cohort, states outside 0-2); the message names it.
    ShapeError
        If an outcome array's shape disagrees with ``attainment``'s
        (n_steps + 1, n_learners) or with ``skill_ids``.

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

    skill_ids: tuple[Hashable, ...] = attrs.field(converter=_skill_ids)
    sequence: tuple[Hashable, ...] = attrs.field(converter=_sequence)
    goal: Hashable | None
    policy: Any = attrs.field(eq=False, validator=_check_policy)
    model: LearnerModel = attrs.field(validator=_check_model)
    entropy: int = attrs.field(converter=_entropy)
    class_size: int = attrs.field(converter=_class_size)
    attainment: NDArray[np.int16] = _table("attainment")
    goal_reached: NDArray[np.bool_] = _table("goal_reached")
    practice_correct: NDArray[np.int64] = _table("practice_correct")
    practice_attempts: NDArray[np.int64] = _table("practice_attempts")
    final_state: NDArray[np.int8] = _table("final_state")
    trajectories: NDArray[np.int8] | None = _table("trajectories")

    def __attrs_post_init__(self) -> None:
        ids, sequence = self.skill_ids, self.sequence
        for name, values in (("skill_ids", ids), ("sequence", sequence)):
            if not values:
                raise InvalidParameterError(f"{name} must hold at least one skill", value=name)
            if len(set(values)) != len(values):
                raise InvalidParameterError(f"{name} must not repeat a skill", value=name)
        known = set(ids)
        stray = next((skill for skill in sequence if skill not in known), None)
        if stray is not None:
            raise InvalidParameterError(f"sequence holds {stray!r:.80}, which is not in skill_ids", value=stray)
        if self.goal is not None and check_id(self.goal, "goal") not in set(sequence):
            raise InvalidParameterError(f"goal must be a skill of sequence (or None); got {self.goal!r:.80}",
                                        value=self.goal)
        rows, n = self.attainment.shape
        if rows == 0:
            raise ShapeError("attainment must have a row for before the first step; got 0 rows", value=0)
        shapes = {"goal_reached": (rows, n), "practice_correct": (rows - 1,), "practice_attempts": (rows - 1,),
                  "final_state": (n, len(ids)), "trajectories": (rows, n, len(ids))}
        for name, shape in shapes.items():
            array = getattr(self, name)
            if array is not None and array.shape != shape:
                raise ShapeError(f"{name} must have shape {shape} (from attainment's (n_steps + 1, n_learners) = "
                                 f"{(rows, n)} and the {len(ids)} skill_ids); got {array.shape}", value=array.shape)
        if n and int(self.attainment.max()) > len(sequence):
            raise InvalidParameterError(f"attainment counts skills of sequence: at most {len(sequence)}; got "
                                        f"{int(self.attainment.max())}", value=int(self.attainment.max()))
        attempts = self.practice_attempts
        if attempts.size and (int(attempts.max()) > n or bool(np.any(self.practice_correct > attempts))):
            raise InvalidParameterError(f"practice_correct and practice_attempts must satisfy 0 <= correct <= "
                                        f"attempts <= n_learners ({n}) at every step", value=attempts.tolist()[:10])
        if self.trajectories is not None and not np.array_equal(self.trajectories[-1], self.final_state):
            raise InvalidParameterError("final_state must equal the last step of trajectories", value=None)
        if isinstance(self.policy, Mapping):
            object.__setattr__(self, "policy", dict(self.policy))

    @classmethod
    def _trusted(cls, **fields: Any) -> SimulationResult:
        """A result from :func:`~personalise.simulate`'s own, already consistent parts: no checks, no copies.

        The arrays must be fresh (owned by nobody else); they are frozen in place.
        """
        result = cls.__new__(cls)
        for field in attrs.fields(cls):
            value = fields[field.name]
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            elif field.name in ("skill_ids", "sequence"):
                value = tuple(value)
            object.__setattr__(result, field.name, value)
        return result

    def __repr__(self) -> str:
        name = _policy_name(self.policy)
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
        frame["policy"] = _policy_name(self.policy)
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
        name = label or _policy_name(self.policy)
        (line,) = ax.plot(steps, summary["mean"], label=name)
        ax.fill_between(steps, summary["q1"], summary["q3"], alpha=0.2, color=line.get_color())
        ax.set_xlabel("step")
        ax.set_ylabel("independent skills")
        ax.legend(loc="upper left", fontsize="small")
        return ax

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict with a ``"schema"`` field (see :meth:`from_json`)."""
        if isinstance(self.policy, Mapping):
            policy = dict(self.policy)
        else:
            policy = self.policy.to_dict() if hasattr(self.policy, "to_dict") else {"policy": _policy_name(self.policy)}
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
        for name, kind, what in (("skill_ids", list, "a list"), ("policy", Mapping, "an object"),
                                 ("model", Mapping, "an object")):
            if not isinstance(data[name], kind):
                raise InvalidParameterError(f"document: a simulation result's {name!r} must be {what}; got "
                                            f"{data[name]!r:.80}", value=name)
        entropy = data["entropy"]
        if isinstance(entropy, str) and entropy.isascii() and entropy.isdigit():
            entropy = int(entropy)  # written as text: it is wider than a JSON number
        elif not isinstance(entropy, int) or isinstance(entropy, bool):
            raise InvalidParameterError(f"document: a simulation result's 'entropy' must be a non-negative whole "
                                        f"number (as text); got {entropy!r:.80}", value="entropy")
        policy_data = data["policy"]
        try:
            policy: Any = policy_from_dict(policy_data)
        except InvalidParameterError:
            policy = dict(policy_data)  # not a built-in policy: kept as its document
        n_skills = len(data["skill_ids"])
        final_state, trajectories = data["final_state"], data["trajectories"]
        if isinstance(final_state, list) and not final_state:  # no learners: JSON keeps no column count
            final_state = np.zeros((0, n_skills), np.int8)
        if isinstance(trajectories, list) and trajectories and all(row == [] for row in trajectories):
            trajectories = np.zeros((len(trajectories), 0, n_skills), np.int8)
        return cls(
            skill_ids=data["skill_ids"],
            sequence=data["sequence"],
            goal=data["goal"],
            policy=policy,
            model=LearnerModel.from_dict(data["model"]),
            entropy=entropy,
            class_size=data["class_size"],
            attainment=data["attainment"],
            goal_reached=data["goal_reached"],
            practice_correct=data["practice_correct"],
            practice_attempts=data["practice_attempts"],
            final_state=final_state,
            trajectories=trajectories,
        )
