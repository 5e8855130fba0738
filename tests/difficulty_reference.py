"""Plain-Python references for difficulty targeting (``personalise.content.difficulty``).

One learner at a time, Python floats, plain loops and the ``math`` module;
nothing is vectorised and nothing here imports NumPy. The tests in
``tests/equivalence/test_difficulty_equivalence.py`` compare the library with
these functions.

* logistic model: ``P(correct) = sigmoid(theta - d)``;
* target difficulty: ``d* = theta - ln(p* / (1 - p*))`` (the 85% rule of
  Wilson et al. 2019 for ``p* = 0.85``);
* Elo step: ``theta + K(n) (correct - sigmoid(theta - d))`` with
  ``K(n) = 1 / (1 + sensitivity n)``;
* item selection: the pool item at the smallest *exact* distance from the
  target (floats converted to integers, so no rounding), lowest index on ties.

Examples
--------
>>> round(target_difficulty_ref(0.0, 0.85), 4)
-1.7346
>>> round(success_probability_ref(0.0, target_difficulty_ref(0.0, 0.85)), 12)
0.85
>>> elo_update_ref(0.0, 0.0, True, 20, 0.05)
0.25
>>> select_item_ref(1.0, [2.0, 0.0, 0.0], 0.5)
0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "elo_update_ref",
    "exact",
    "select_item_ref",
    "select_items_ref",
    "sigmoid_ref",
    "success_probability_ref",
    "target_difficulty_ref",
]

#: Every finite double is an integer multiple of 2**-1074 (the smallest subnormal).
_SCALE_BITS = 1074


def exact(x: float) -> int:
    """``x * 2**1074`` as an exact Python int (finite ``x``), so differences and comparisons are exact."""
    numerator, denominator = float(x).as_integer_ratio()  # denominator: a power of two <= 2**1074
    return numerator * ((1 << _SCALE_BITS) // denominator)


def sigmoid_ref(x: float) -> float:
    """``1 / (1 + exp(-x))``, without overflow in either tail."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def target_difficulty_ref(theta: float, target_success: float) -> float:
    """``theta - ln(p / (1 - p))``."""
    p = float(target_success)
    return float(theta) - math.log(p / (1.0 - p))


def success_probability_ref(theta: float, difficulty: float) -> float:
    """``sigmoid(theta - d)``; Python float subtraction gives +-inf when finite inputs are far apart."""
    return sigmoid_ref(float(theta) - float(difficulty))


def elo_update_ref(theta: float, difficulty: float, correct: bool | int, attempts: int, sensitivity: float) -> float:
    """One learner, one answer: ``theta + K(n) (correct - sigmoid(theta - d))``, ``K(n) = 1 / (1 + s n)``."""
    k = 1.0 / (1.0 + sensitivity * int(attempts))
    observed = 1.0 if correct else 0.0
    return float(theta) + k * (observed - success_probability_ref(theta, difficulty))


def select_item_ref(theta: float, pool: Sequence[float], target_success: float) -> int:
    """Index of the pool item closest (exactly) to ``theta``'s target difficulty; lowest index on ties."""
    target = exact(target_difficulty_ref(theta, target_success))
    best_index = -1
    best_distance = 0
    for j, difficulty in enumerate(pool):
        distance = abs(target - exact(difficulty))
        if best_index < 0 or distance < best_distance:  # strict: an equal distance keeps the lower index
            best_index, best_distance = j, distance
    return best_index


def select_items_ref(thetas: Sequence[float], pool: Sequence[float], targets: Sequence[float]) -> list[int]:
    """:func:`select_item_ref` for each learner, with one target success per learner."""
    return [select_item_ref(theta, pool, target) for theta, target in zip(thetas, targets)]
