"""Difficulty targeting: pick items each learner answers right about 85% of the time.

The "85% rule" (Wilson, Shenhav, Straccia and Cohen 2019) finds that learning
by gradient descent on a binary task is fastest when the error rate is about
15%, so practice is aimed at a success band of [0.80, 0.90] with centre
0.85. Under a logistic (Rasch) model of one answer::

    P(correct)  = sigmoid(theta - d) = 1 / (1 + exp(-(theta - d)))

where ``theta`` is the learner's ability and ``d`` the item's difficulty (both
on the logit scale), the difficulty that gives a target success ``p*`` is::

    d*          = theta - logit(p*) = theta - ln(p* / (1 - p*))

so ``p* = 0.85`` puts the item 1.7346 logits below the learner's ability
(0.80: 1.3863; 0.90: 2.1972). Abilities are estimated online with the Elo
rating system and an uncertainty step that shrinks with each attempt
(Papousek, Pelanek and Stanislav 2014; Pelanek 2016)::

    K(n)        = 1 / (1 + sensitivity * n)          (n: earlier attempts)
    theta       <- theta + K(n) * (correct - sigmoid(theta - d))

Every function takes and returns NumPy arrays, works on a whole cohort at
once, never modifies its inputs and returns float64 (or ``intp``) arrays.

* :func:`target_difficulty`: the difficulty each learner should practise at;
* :func:`success_probability`: P(correct) under the logistic model;
* :func:`elo_update`: one Elo step per learner after one answer each;
* :func:`select_items`: the item of a calibrated pool closest to each
  learner's target difficulty.

References
----------
Wilson, R. C., Shenhav, A., Straccia, M. and Cohen, J. D. (2019). The Eighty
Five Percent Rule for optimal learning. *Nature Communications* 10, 4646.

Papousek, J., Pelanek, R. and Stanislav, V. (2014). Adaptive practice of
facts in domains with varied prior knowledge. *Proceedings of Educational
Data Mining 2014*, 6-13.

Pelanek, R. (2016). Applications of the Elo rating system in adaptive
educational systems. *Computers & Education* 98, 169-179.

Examples
--------
>>> import numpy as np
>>> from personalise.content import elo_update, select_items
>>> pool = np.linspace(-3.0, 3.0, 13)             # calibrated item difficulties
>>> ability = np.array([0.0, 1.5])                # current estimates
>>> item = select_items(ability, pool)             # targets -1.7346 and -0.2346
>>> pool[item].tolist()
[-1.5, 0.0]
>>> new = elo_update(ability, pool[item], [True, False], [0, 10])
>>> np.round(new, 4).tolist()
[0.1824, 0.955]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from personalise.exceptions import EvidenceError, InvalidParameterError, ShapeError

__all__ = ["elo_update", "select_items", "success_probability", "target_difficulty"]

Float = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Default target success: the centre of the 85% rule's band [0.80, 0.90].
DEFAULT_TARGET_SUCCESS = 0.85
#: Default Elo sensitivity: the step after ``n`` attempts is ``1 / (1 + 0.05 n)``.
DEFAULT_SENSITIVITY = 0.05


# ------------------------------------------------------------------ public
def target_difficulty(ability: ArrayLike, *, target_success: ArrayLike = DEFAULT_TARGET_SUCCESS) -> Float:
    """The item difficulty at which each learner succeeds with probability ``target_success``.

    Parameters
    ----------
    ability : array_like of float, any shape
        Each learner's ability on the logit scale; every value finite.
    target_success : float or array_like of float, default 0.85
        The success probability to aim at, strictly between 0 and 1: one value
        for everybody, or an array that broadcasts to the shape of ``ability``
        (one target per learner, say). 0.85 is the centre of the 85% rule's
        band [0.80, 0.90].

    Returns
    -------
    ndarray of float64, same shape as ``ability``
        ``ability - ln(target_success / (1 - target_success))``. A new array;
        ``ability`` is not modified.

    Raises
    ------
    InvalidParameterError
        If ``ability`` holds something other than real numbers or a value that
        is not finite (the message names the value and its index), or
        ``target_success`` is not strictly inside (0, 1).
    ShapeError
        If ``target_success`` does not broadcast to the shape of ``ability``.

    Notes
    -----
    Under the logistic model ``P(correct) = sigmoid(theta - d)`` the target
    success ``p*`` is reached at ``d* = theta - logit(p*)``, so
    ``success_probability(theta, target_difficulty(theta, target_success=p))``
    is ``p`` up to rounding. The 85% rule (Wilson et al. 2019) puts ``p*`` at
    0.85: the item sits 1.7346 logits below the ability (0.80: 1.3863; 0.90:
    2.1972). A target above 0.5 always gives an item easier than the ability.

    Examples
    --------
    >>> import numpy as np
    >>> from personalise.content import target_difficulty
    >>> np.round(target_difficulty([0.0, 1.0, -2.0]), 4).tolist()
    [-1.7346, -0.7346, -3.7346]
    >>> np.round(target_difficulty([0.0, 0.0], target_success=[0.80, 0.90]), 4).tolist()
    [-1.3863, -2.1972]
    """
    theta = _finite_array(ability, "ability")
    target = _check_target(target_success, theta.shape)
    return _target_difficulty(theta, target)


def success_probability(ability: ArrayLike, difficulty: ArrayLike) -> Float:
    """P(correct) of each learner on each item under the logistic (Rasch) model.

    Parameters
    ----------
    ability : array_like of float
        Abilities on the logit scale; every value finite.
    difficulty : array_like of float
        Item difficulties on the same scale; every value finite. ``ability``
        and ``difficulty`` broadcast together (one item per learner, one item
        for everybody, or ``ability[:, None]`` against a row of items).

    Returns
    -------
    ndarray of float64, the broadcast shape
        ``sigmoid(ability - difficulty)``, each value in [0, 1].

    Raises
    ------
    InvalidParameterError
        If either argument holds something other than real numbers, or a value
        that is not finite (the message names the argument, value and index).
    ShapeError
        If the two shapes do not broadcast together.

    Notes
    -----
    ``sigmoid(x) = 1 / (1 + exp(-x))`` is evaluated as ``1 / (1 + e)`` for
    ``x >= 0`` and ``e / (1 + e)`` for ``x < 0``, with ``e = exp(-|x|) <= 1``,
    so it never overflows and keeps full relative precision in both tails:
    ``x = -800`` gives 0.0 and ``x = 800`` gives 1.0, without warnings. This
    is the Rasch (one-parameter logistic) model of item response theory, also
    the prediction of the Elo rating system (Pelanek 2016).

    Examples
    --------
    >>> import numpy as np
    >>> from personalise.content import success_probability
    >>> np.round(success_probability([0.0, 1.7346, 2.0], 0.0), 4).tolist()
    [0.5, 0.85, 0.8808]
    >>> success_probability([-1000.0, 1000.0], 0.0).tolist()
    [0.0, 1.0]
    >>> success_probability([0.0, 1.0], [[0.0], [1.0]]).shape
    (2, 2)
    """
    theta = _finite_array(ability, "ability")
    d = _finite_array(difficulty, "difficulty")
    try:
        np.broadcast_shapes(theta.shape, d.shape)
    except ValueError:
        raise ShapeError(
            f"ability and difficulty must broadcast together; got shapes {theta.shape} and {d.shape}",
            value=(theta.shape, d.shape),
        ) from None
    return _sigmoid(_difference(theta, d))


def elo_update(
    ability: ArrayLike,
    difficulty: ArrayLike,
    correct: ArrayLike,
    attempts: ArrayLike,
    *,
    sensitivity: float = DEFAULT_SENSITIVITY,
) -> Float:
    """New ability estimates after one answer per learner (one Elo step).

    Parameters
    ----------
    ability : array_like of float, any shape
        Current ability estimates on the logit scale; every value finite.
        Start a new learner at 0 (an average learner) with 0 attempts.
    difficulty : array_like of float
        The difficulty of the item each learner answered; every value finite.
        Same shape as ``ability``, or any shape that broadcasts to it (a
        single number when everybody answered the same item).
    correct : array_like of bool or {0, 1} int, same shape as ``ability``
        Whether each answer was right.
    attempts : array_like of int, same shape as ``ability``
        How many earlier answers each learner's estimate is already based on
        (0 for the first answer). Non-negative.
    sensitivity : float, default 0.05
        How fast the step shrinks with attempts; finite and >= 0. 0 keeps the
        step at 1 for ever.

    Returns
    -------
    ndarray of float64, same shape as ``ability``
        The updated abilities. A new array: no input is modified. Increment
        ``attempts`` yourself (``attempts + 1``) before the next call.

    Raises
    ------
    InvalidParameterError
        If ``ability`` or ``difficulty`` holds a value that is not a finite
        real number, ``attempts`` holds something other than non-negative
        integers, or ``sensitivity`` is not a finite number >= 0. The message
        names the argument, the value and its index.
    EvidenceError
        If ``correct`` holds something other than bools or the integers 0 and
        1 (floats such as 1.0 included); the message names the index.
    ShapeError
        If ``correct`` or ``attempts`` does not have the shape of ``ability``,
        or ``difficulty`` does not broadcast to it; the message names both
        shapes.

    Notes
    -----
    The Elo rating system (Elo 1978) as used for learners answering items
    (Pelanek 2016), with the item difficulties known (a calibrated pool)::

        K(n)  = 1 / (1 + sensitivity * n)
        theta <- theta + K(n) * (correct - sigmoid(theta - d))

    The step ``K(n)`` is the "uncertainty function" ``alpha / (1 + beta n)`` of
    Papousek, Pelanek and Stanislav (2014) with ``alpha = 1`` and ``beta =
    sensitivity``: large for a new learner, so the estimate moves quickly
    from its starting point, and shrinking as evidence accumulates, so it
    settles. A right answer never lowers the estimate and a wrong one never
    raises it.

    Examples
    --------
    >>> import numpy as np
    >>> from personalise.content import elo_update
    >>> ability = np.zeros(3)
    >>> new = elo_update(ability, [0.0, 0.0, 0.0], [1, 0, 1], [0, 0, 20])
    >>> new.tolist()
    [0.5, -0.5, 0.25]
    >>> ability.tolist()  # not modified
    [0.0, 0.0, 0.0]
    """
    theta = _finite_array(ability, "ability")
    d = _finite_array(difficulty, "difficulty")
    _check_broadcasts_to(d.shape, theta.shape, "difficulty")
    right = _check_correct(correct, theta.shape)
    n = _check_attempts(attempts, theta.shape)
    s = _check_sensitivity(sensitivity)
    with np.errstate(over="ignore"):  # a huge s * n gives K = 0, the right limit
        step = 1.0 / (1.0 + s * n)
    expected = _sigmoid(_difference(theta, d))
    return np.asarray(theta + step * (right - expected), dtype=np.float64)


def select_items(
    ability: ArrayLike,
    item_difficulty: ArrayLike,
    *,
    target_success: ArrayLike = DEFAULT_TARGET_SUCCESS,
) -> IntArray:
    """For each learner, the item of a calibrated pool nearest their target difficulty.

    Parameters
    ----------
    ability : array_like of float, any shape
        Each learner's (estimated) ability on the logit scale; every value
        finite. An empty array is an empty cohort.
    item_difficulty : array_like of float, shape (n_items,)
        The calibrated difficulty of every item in the pool, in any order,
        repeats allowed; every value finite, at least one item.
    target_success : float or array_like of float, default 0.85
        The success probability to aim at, strictly between 0 and 1, as for
        :func:`target_difficulty` (broadcasts to the shape of ``ability``).

    Returns
    -------
    ndarray of intp, same shape as ``ability``
        The index into ``item_difficulty`` of the item whose difficulty is
        closest to ``target_difficulty(ability, target_success=...)``. When
        two items are equally close (the same difficulty, or one either side
        at the same distance) the lower index wins.

    Raises
    ------
    InvalidParameterError
        If ``ability`` or ``item_difficulty`` holds a value that is not a
        finite real number, the pool is empty, or ``target_success`` is not
        strictly inside (0, 1).
    ShapeError
        If ``item_difficulty`` is not 1-D or ``target_success`` does not
        broadcast to the shape of ``ability``.

    Notes
    -----
    The target is ``d* = theta - ln(p* / (1 - p*))`` (see
    :func:`target_difficulty`; the 85% rule of Wilson et al. 2019 for
    ``p* = 0.85``). The pool is sorted once (a stable sort, so equal
    difficulties keep their index order) and every target is located with
    one binary search, :func:`numpy.searchsorted`: O(m log m + n log m) time
    and O(n + m) memory for n learners and m items, never an n x m distance
    matrix. Only the nearest item on either side of the target can be the
    closest. "Closest" is decided on the exact distances: when the two
    rounded distances are equal, their rounding errors (recovered exactly by
    Knuth's TwoSum) break the tie, so an item that is truly nearer always
    wins.

    Examples
    --------
    >>> import numpy as np
    >>> from personalise.content import select_items
    >>> pool = np.array([0.0, -2.0, -1.5, -1.0, 1.0])
    >>> select_items([0.0, 1.0, 5.0, -9.0], pool).tolist()   # targets -1.73, -0.73, 3.27, -10.73
    [2, 3, 4, 1]
    >>> select_items([1.0], [2.0, 0.0, 0.0], target_success=0.5).tolist()  # tie: lowest index
    [0]
    >>> empty = select_items(np.empty(0), pool)   # an empty cohort
    >>> empty.shape, empty.dtype == np.intp
    ((0,), True)
    """
    theta = _finite_array(ability, "ability")
    pool = _real_array(item_difficulty, "item_difficulty")
    if pool.ndim != 1:
        raise ShapeError(
            f"item_difficulty must be 1-D (one difficulty per item); got shape {pool.shape}", value=pool.shape
        )
    if pool.size == 0:
        raise InvalidParameterError("item_difficulty must hold at least one item; got an empty pool", value=pool.size)
    _check_finite(pool, "item_difficulty")
    target = _check_target(target_success, theta.shape)
    wanted = _target_difficulty(theta, target)
    return _nearest(pool, wanted.ravel()).reshape(theta.shape)


# ------------------------------------------------------------------ kernels
def _target_difficulty(theta: Float, target: Float) -> Float:
    return np.asarray(theta - np.log(target / (1.0 - target)), dtype=np.float64)


def _difference(a: Float, b: Float) -> Float:
    with np.errstate(over="ignore"):  # finite inputs far apart give +-inf, whose sigmoid is exact
        return np.asarray(a - b, dtype=np.float64)


def _sigmoid(x: Float) -> Float:
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.asarray(np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e)), dtype=np.float64)


def _nearest(pool: Float, targets: Float) -> IntArray:
    """Index of the pool value closest to each target (exact distances, lowest index on ties)."""
    order = np.argsort(pool, kind="stable")
    values = pool[order]
    m = values.size
    # first sorted position of each run of equal values: its lowest original index (stable sort)
    starts = np.ones(m, dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    run_first = np.maximum.accumulate(np.where(starts, np.arange(m), 0))
    # values[pos - 1] < target <= values[pos]; pos starts a run, so it is the lowest index of its value
    pos = np.searchsorted(values, targets, side="left")
    left = np.maximum(pos - 1, 0)
    right = np.minimum(pos, m - 1)
    below, above = values[left], values[right]
    with np.errstate(over="ignore", invalid="ignore"):  # at most one of two true distances can exceed the float range
        d_left = targets - below
        d_right = above - targets
    left_index = order[run_first[left]]
    right_index = order[right]
    take_right = d_right < d_left
    both = (pos > 0) & (pos < m)
    tied = np.flatnonzero(both & (d_right == d_left))
    if tied.size:
        # equal rounded distances: compare the exact ones, d + rounding error
        t = targets[tied]
        err_left = _subtraction_error(t, below[tied], d_left[tied])
        err_right = _subtraction_error(above[tied], t, d_right[tied])
        exact_tie = err_right == err_left
        take_right[tied] = (err_right < err_left) | (exact_tie & (right_index[tied] < left_index[tied]))
    take_right = np.where(pos == 0, True, np.where(pos == m, False, take_right))
    return np.asarray(np.where(take_right, right_index, left_index), dtype=np.intp)


def _subtraction_error(a: Float, b: Float, difference: Float) -> Float:
    """``(a - b) - difference`` exactly, where ``difference = fl(a - b)`` is finite (Knuth's TwoSum)."""
    minus_b = -b
    b_part = difference - a
    a_part = difference - b_part
    return np.asarray((a - a_part) + (minus_b - b_part), dtype=np.float64)


# --------------------------------------------------------------- validation
def _where(shape: tuple[int, ...], flat: int) -> str:
    """`` at index i`` (1-D) or `` at index (i, j, ...)``; nothing for a 0-d array."""
    if not shape:
        return ""
    index = tuple(int(i) for i in np.unravel_index(flat, shape))
    return f" at index {index[0]}" if len(index) == 1 else f" at index {index}"


def _real_array(values: ArrayLike, name: str) -> Float:
    """``values`` as a float64 array (no copy when it already is one); raises unless it holds real numbers."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"{name} must be an array of real numbers; {err}", value=values) from None
    if array.dtype.kind not in "iuf":
        raise InvalidParameterError(f"{name} must hold real numbers; got dtype {array.dtype}", value=array.dtype)
    return np.asarray(array, dtype=np.float64)


def _check_finite(array: Float, name: str) -> None:
    finite = np.isfinite(array)
    if finite.all():
        return
    flat = int(np.flatnonzero(~finite.ravel())[0])
    value = array.ravel()[flat].item()
    raise InvalidParameterError(
        f"{name} must be finite (no nan or inf); got {value!r}{_where(array.shape, flat)}", value=value
    )


def _finite_array(values: ArrayLike, name: str) -> Float:
    array = _real_array(values, name)
    _check_finite(array, name)
    return array


def _check_broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...], name: str) -> None:
    try:
        ok = np.broadcast_shapes(shape, target) == target
    except ValueError:
        ok = False
    if not ok:
        raise ShapeError(
            f"{name} must broadcast to the shape of ability {target}; got shape {shape}", value=(shape, target)
        )


def _check_target(target_success: ArrayLike, shape: tuple[int, ...]) -> Float:
    if isinstance(target_success, (bool, np.bool_)):
        raise InvalidParameterError(
            f"target_success must be a probability strictly between 0 and 1; got {target_success!r}",
            value=target_success,
        )
    target = _real_array(target_success, "target_success")
    inside = (target > 0.0) & (target < 1.0)  # nan fails both
    if not inside.all():
        flat = int(np.flatnonzero(~inside.ravel())[0])
        value = target.ravel()[flat].item()
        raise InvalidParameterError(
            f"target_success must lie strictly inside (0, 1); got {value!r}{_where(target.shape, flat)}", value=value
        )
    _check_broadcasts_to(target.shape, shape, "target_success")
    return target


def _check_same_shape(array: NDArray[Any], shape: tuple[int, ...], name: str) -> None:
    if array.shape != shape:
        raise ShapeError(
            f"{name} must have the shape of ability {shape}; got shape {array.shape}", value=(array.shape, shape)
        )


def _check_correct(correct: ArrayLike, shape: tuple[int, ...]) -> Float:
    """``correct`` as 0.0/1.0 floats; bools and the integers 0 and 1 only."""
    try:
        array = np.asarray(correct)
    except (TypeError, ValueError) as err:
        raise EvidenceError(f"correct must be an array of bools or 0/1 integers; {err}", value=correct) from None
    _check_same_shape(array, shape, "correct")
    if array.dtype == np.bool_:
        return array.astype(np.float64)
    if array.size == 0 and array.dtype.kind in "biuf":  # np.asarray([]) is float64
        return np.zeros(shape)
    if array.dtype.kind in "iu":
        bad = np.flatnonzero(((array != 0) & (array != 1)).ravel())
    else:  # floats (even 1.0), strings, objects: the first value is already wrong
        bad = np.zeros(1, dtype=np.intp)
    if bad.size:
        flat = int(bad[0])
        value = array.ravel()[flat]
        value = value.item() if isinstance(value, np.generic) else value
        raise EvidenceError(
            f"correct must hold bools or the integers 0 and 1; got {value!r} (dtype {array.dtype})"
            f"{_where(array.shape, flat)}",
            value=value,
        )
    return array.astype(np.float64)


def _check_attempts(attempts: ArrayLike, shape: tuple[int, ...]) -> Float:
    """``attempts`` as floats; non-negative integers only."""
    try:
        array = np.asarray(attempts)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"attempts must be an array of integers; {err}", value=attempts) from None
    _check_same_shape(array, shape, "attempts")
    if array.size == 0 and array.dtype.kind in "iuf":
        return np.zeros(shape)
    if array.dtype.kind not in "iu":
        raise InvalidParameterError(
            f"attempts must hold integers (earlier answers per learner); got dtype {array.dtype}", value=array.dtype
        )
    negative = np.flatnonzero((array < 0).ravel())
    if negative.size:
        flat = int(negative[0])
        value = array.ravel()[flat].item()
        raise InvalidParameterError(
            f"attempts must be >= 0 (earlier answers per learner); got {value!r}{_where(array.shape, flat)}",
            value=value,
        )
    return array.astype(np.float64)


def _check_sensitivity(sensitivity: object) -> float:
    if isinstance(sensitivity, (bool, np.bool_)) or not isinstance(sensitivity, numbers.Real):
        raise InvalidParameterError(f"sensitivity must be a finite number >= 0; got {sensitivity!r}", value=sensitivity)
    value = float(sensitivity)
    if not (np.isfinite(value) and value >= 0.0):
        raise InvalidParameterError(f"sensitivity must be a finite number >= 0; got {sensitivity!r}", value=sensitivity)
    return value
