"""The bad inputs every public argument is tried with, and the rule every outcome must follow.

A *case* (:class:`Case`) is one public callable with a factory of valid
keyword arguments. The meta-test replaces one argument at a time by each
value of :data:`BAD` (and, for an array argument, by each of
:data:`VARIANTS` of its valid value) and calls it. The outcome must be one of

- a result with no NaN anywhere in it (and, for the layout variants, equal to
  the result of the valid call), with no ``RuntimeWarning`` on the way; or
- a :class:`personalise.PersonaliseError` whose message names the argument.

Anything else (a builtin or NumPy error, a warning, NaN in a result) fails.
"""

from __future__ import annotations

import enum
import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np

import personalise as pl

__all__ = ["BAD", "VARIANTS", "Case", "assert_outcome", "find_nan", "same"]


def _ragged() -> Any:
    return [[0.5, 0.5], [0.5]]


#: label -> factory of a bad value (a fresh one per call, so nothing is shared between calls).
BAD: dict[str, Callable[[], Any]] = {
    "None": lambda: None,
    "a string": lambda: "no-such-thing",
    "bytes": lambda: b"\xff\xfe\x00",
    "True": lambda: True,
    "a complex number": lambda: 1 + 2j,
    "NaN": lambda: math.nan,
    "inf": lambda: math.inf,
    "-inf": lambda: -math.inf,
    "-1": lambda: -1,
    "-0.5": lambda: -0.5,
    "0": lambda: 0,
    "10**20": lambda: 10**20,
    "1e308": lambda: 1e308,
    "a dict": lambda: {"x": 1},
    "an object": lambda: object(),
    "an empty list": list,
    "a 0-d array": lambda: np.array(0.5),
    "a 3-d array": lambda: np.full((2, 2, 2), 0.5),
    "a ragged list": _ragged,
    "an object array": lambda: np.array([object(), object()], dtype=object),
    "a complex array": lambda: np.full((2, 2), 0.5 + 0.5j),
    "a NaN array": lambda: np.full((2, 2), np.nan),
}


def _strided(array: np.ndarray) -> np.ndarray:
    doubled = np.repeat(array, 2, axis=0) if array.ndim else array
    return doubled[::2] if array.ndim else doubled


def _with(value: float) -> Callable[[np.ndarray], np.ndarray]:
    def make(array: np.ndarray) -> np.ndarray:
        changed = np.array(array, dtype=np.float64 if array.dtype.kind != "f" else array.dtype)
        if changed.size:
            changed.flat[changed.size // 2] = value
        return changed

    return make


def _read_only(array: np.ndarray) -> np.ndarray:
    copy = np.array(array)
    copy.flags.writeable = False
    return copy


#: label -> (make a variant of the valid array, must the result equal the valid call's?).
VARIANTS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], bool]] = {
    "Fortran order": (np.asfortranarray, True),
    "a strided view": (_strided, True),
    "read-only": (_read_only, True),
    "float16": (lambda a: a.astype(np.float16), False),
    "float32": (lambda a: a.astype(np.float32), False),
    "bool": (lambda a: a.astype(bool), False),
    "object dtype": (lambda a: a.astype(object), False),
    "complex dtype": (lambda a: a.astype(np.complex128), False),
    "NaN inside": (_with(math.nan), False),
    "inf inside": (_with(math.inf), False),
    "-1 inside": (_with(-1.0), False),
    "huge inside": (_with(1e300), False),
}


@attrs.frozen
class Case:
    """One public callable, a factory of valid keyword arguments, and what to try.

    ``covers`` are the public names the case stands for (``"recommend_next"``,
    ``"scaffolds.rule_from_dict"`` for a name public only in a subpackage).
    ``perturb`` are the arguments to replace (default: every key of
    ``valid()``). ``names`` gives, per argument, other words a message may use
    for it (a field of a document, say). ``check`` validates a result.
    ``nan_allowed`` lists result paths (``"result.scores"``) where NaN is a
    documented marker (padding, "not asked for"); ``check`` should then say
    where it may appear.
    """

    covers: tuple[str, ...]
    call: Callable[..., Any]
    valid: Callable[[], dict[str, Any]]
    perturb: tuple[str, ...] | None = None
    names: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    check: Callable[[Any], None] | None = None
    label: str = ""
    nan_allowed: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.label or self.covers[0]

    def arguments(self) -> tuple[str, ...]:
        return self.perturb if self.perturb is not None else tuple(self.valid())


def find_nan(value: Any, where: str = "result", depth: int = 0, allowed: tuple[str, ...] = ()) -> str | None:
    """Where the first NaN in ``value`` is (arrays, floats, attrs objects, containers), or None.

    Paths in ``allowed`` (and everything under them) are not searched.
    """
    if depth > 6 or where in allowed:
        return None
    if isinstance(value, float) and math.isnan(value):
        return where
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and value.size and np.isnan(value).any():
            return where
        return None
    if isinstance(value, np.floating) and np.isnan(value):
        return where
    if isinstance(value, (str, bytes, enum.Enum)) or value is None:
        return None
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            found = find_nan(getattr(value, field.name, None), f"{where}.{field.name}", depth + 1, allowed)
            if found:
                return found
        return None
    if isinstance(value, Mapping):
        for key, item in list(value.items())[:1000]:
            found = find_nan(item, f"{where}[{key!r}]", depth + 1, allowed)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value[:1000]):
            found = find_nan(item, f"{where}[{i}]", depth + 1, allowed)
            if found:
                return found
    return None


def same(a: Any, b: Any) -> bool:
    """Whether two results are equal (arrays by value and shape, objects by ``==``)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool(
            np.array_equal(a, b, equal_nan=False))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an object whose == cannot compare is not "the same"
        return False


def assert_outcome(case: Case, argument: str, label: str, value: Any, *, baseline: Any = None,
                   must_equal: bool = False) -> None:
    """Call ``case`` with ``argument`` replaced by ``value`` and apply the rule of this module."""
    kwargs = case.valid()
    kwargs[argument] = value
    call = f"{case.id}({argument}=<{label}>)"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            result = case.call(**kwargs)
        except pl.PersonaliseError as err:
            words = (argument, *case.names.get(argument, ()))
            message = str(err)
            assert any(word in message for word in words), (
                f"{call} raised {type(err).__name__} without naming {argument!r}: {message}")
            return
        except Exception as err:
            raise AssertionError(f"{call} leaked {type(err).__name__}: {err}") from err
    nan = find_nan(result, allowed=case.nan_allowed)
    assert nan is None, f"{call} returned NaN at {nan}"
    if case.check is not None:
        case.check(result)
    if must_equal:
        assert same(result, baseline), f"{call} gave a different result from the same values in C order"
