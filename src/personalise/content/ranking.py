"""Optional ranking terms of :func:`~personalise.recommend_next` that use a learner model.

* **Target success (desirable difficulty).** With BKT parameters, the
  predicted P(correct) of a ready skill is ``guess + L (1 - slip - guess)``.
  Ready skills whose prediction falls inside a target band (default 0.70 to
  0.85) come first: hard enough to be worth practising, easy enough to
  succeed at. The band follows the "85% rule" (Wilson et al. 2019) and
  Rosenshine's ~80% success in guided practice, used as a band, not a law.
* **Review of prior learning.** A mastered skill whose estimated recall has
  decayed below a threshold is offered for review, at most ``max_reviews``
  per learner per call (the daily cap). Recall decays exponentially with the
  days since the skill was last practised, with a half-life in days, as in
  half-life regression (Settles and Meeder 2016): ``recall = 2 ** (-days /
  half_life)``. BKT's own forgetting parameter is per opportunity, not per
  day, so it is not used for this.
"""

from __future__ import annotations

import numbers
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import check_int
from personalise.content.bkt_params import BKTParams
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.graph import CompiledGraph

__all__ = ["TERMS", "Review", "SuccessBand", "check_review", "check_success_band"]

#: What put a recommendation in its place, by code (``Recommendations.terms``).
TERMS = ("unlocks", "goal", "target success", "outside target success", "review")
UNLOCKS, GOAL, IN_BAND, OUT_OF_BAND, REVIEW = range(5)

Float = NDArray[np.float64]


@attrs.frozen
class SuccessBand:
    """Per-skill predicted-success parameters and the target band (internal)."""

    guess: Float
    rise: Float  # 1 - slip - guess
    low: float
    high: float

    def predicted(self, mastery: NDArray[Any]) -> Float:
        """P(correct) for each (learner, skill) in ``mastery``."""
        return np.asarray(self.guess + mastery * self.rise, dtype=np.float64)

    def fill_flags(self, part: NDArray[Any], out: NDArray[np.bool_]) -> None:
        """``out[:rows, :skills]`` = predicted success of ``part`` inside the band."""
        success = self.predicted(part)
        view = out[: part.shape[0], : part.shape[1]]
        np.greater_equal(success, self.low, out=view)
        view &= success <= self.high


@attrs.frozen
class Review:
    """Validated review options (internal)."""

    elapsed_days: NDArray[Any]
    half_life_days: NDArray[Any]
    recall_threshold: float
    max_reviews: int

    def recall(self, start: int, stop: int) -> Float:
        """Estimated recall for learners ``start:stop`` (NaN where the elapsed time is unknown)."""
        half_life = self.half_life_days if self.half_life_days.ndim < 2 else self.half_life_days[start:stop]
        return np.asarray(np.exp2(-self.elapsed_days[start:stop] / half_life), dtype=np.float64)

    def choose(self, mastered: NDArray[np.bool_], start: int, stop: int) -> tuple[NDArray[np.intp], Float]:
        """Up to ``max_reviews`` review skills per learner, most decayed first, padded with -1."""
        recall = self.recall(start, stop)
        due = mastered & (recall < self.recall_threshold)  # NaN is never due
        urgency = np.where(due, recall, np.inf)
        n, m = urgency.shape
        cap = min(self.max_reviews, m)
        if cap == 0 or n == 0:
            return np.full((n, self.max_reviews), -1, dtype=np.intp), np.full((n, self.max_reviews), np.nan)
        picked = np.argpartition(urgency, cap - 1, axis=1)[:, :cap] if cap < m else np.tile(np.arange(m), (n, 1))
        values = np.take_along_axis(urgency, picked, axis=1)
        order = np.lexsort((picked, values), axis=1)  # lowest recall first, then lower column
        picked = np.take_along_axis(picked, order, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        chosen = np.where(np.isfinite(values), picked, -1)
        out = np.full((n, self.max_reviews), -1, dtype=np.intp)
        out[:, :cap] = chosen
        recalls = np.full((n, self.max_reviews), np.nan)
        recalls[:, :cap] = np.where(chosen >= 0, values, np.nan)
        return out, recalls


def _probability(value: object, name: str, *, open_low: bool = False, open_high: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a number in [0, 1]; got {value!r}", value=value)
    result = float(value)
    low_ok = result > 0 if open_low else result >= 0
    high_ok = result < 1 if open_high else result <= 1
    if not (low_ok and high_ok):
        interval = ("(" if open_low else "[") + "0, 1" + (")" if open_high else "]")
        raise InvalidParameterError(f"{name} must lie in {interval}; got {value!r}", value=value)
    return result


def check_success_band(
    graph: CompiledGraph, params: BKTParams | None, target_success: Any
) -> SuccessBand | None:
    """Validate ``params`` and ``target_success``; None when no params are given."""
    if params is None:
        return None
    if not isinstance(params, BKTParams):
        raise InvalidParameterError(f"params must be BKTParams; got {type(params).__name__}", value=params)
    aligned = params.aligned(graph)
    try:
        low, high = target_success
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"target_success must be a (low, high) pair; got {target_success!r}", value=target_success
        ) from None
    low = _probability(low, "target_success low")
    high = _probability(high, "target_success high")
    if not low < high:
        raise InvalidParameterError(f"target_success must have low < high; got {target_success!r}", value=target_success)
    return SuccessBand(aligned.guess, 1.0 - aligned.slip - aligned.guess, low, high)


def check_review(
    elapsed_days: Any,
    half_life_days: Any,
    recall_threshold: object,
    max_reviews: object,
    shape: tuple[int, int],
) -> Review | None:
    """Validate the review options; None when ``elapsed_days`` is not given."""
    if elapsed_days is None:
        if half_life_days is not None:
            raise InvalidParameterError("half_life_days needs elapsed_days", value=half_life_days)
        return None
    elapsed = np.asarray(elapsed_days, dtype=np.float64)
    if elapsed.shape != shape:
        raise ShapeError(f"elapsed_days must have the shape of mastery {shape}; got {elapsed.shape}", value=elapsed.shape)
    negative = np.argwhere(elapsed < 0)
    if negative.size:
        i, j = (int(x) for x in negative[0])
        raise InvalidParameterError(f"elapsed_days must be >= 0 (or nan: unknown); got {float(elapsed[i, j])!r} at ({i}, {j})", value=float(elapsed[i, j]))
    if half_life_days is None:
        raise InvalidParameterError("elapsed_days needs half_life_days (a number, one per skill, or one per learner and skill)", value=None)
    half_life = np.asarray(half_life_days, dtype=np.float64)
    if half_life.ndim == 1 and half_life.shape != (shape[1],) or half_life.ndim == 2 and half_life.shape != shape or half_life.ndim > 2:
        raise ShapeError(
            f"half_life_days must be a number, one value per skill ({shape[1]}) or per learner and skill {shape}; "
            f"got shape {half_life.shape}",
            value=half_life.shape,
        )
    if not (np.isfinite(half_life) & (half_life > 0)).all():
        raise InvalidParameterError("half_life_days must be finite and > 0", value=half_life_days)
    threshold = _probability(recall_threshold, "recall_threshold", open_low=True, open_high=True)
    cap = check_int(max_reviews, "max_reviews", minimum=0)
    return Review(elapsed, half_life, threshold, cap)
