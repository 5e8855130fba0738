"""Every public callable, every argument, every bad input: a valid result or a named PersonaliseError.

See :mod:`tests.meta.battery` for the values tried and the rule; the cases
(valid calls) live in ``tests/meta/cases_*.py``. A public name (of
``personalise.__all__`` or a subpackage's ``__all__``) with no case and no
stated exemption fails :func:`test_every_public_name_has_a_case`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from typing import Any

import numpy as np
import pytest

import personalise as pl
from tests.meta import battery
from tests.meta.battery import BAD, VARIANTS, Case, assert_outcome

#: Subpackages and modules whose ``__all__`` is public API too.
NAMESPACES = ("experience", "content", "teaching", "scaffolds", "simulation", "io", "store", "levels", "lesson",
              "graph", "evidence", "plotting", "teaching.principles", "testing")


def _case_modules() -> list[Any]:
    here = __name__.rsplit(".", 1)[0]
    package = importlib.import_module(here)
    return [importlib.import_module(f"{here}.{info.name}") for info in pkgutil.iter_modules(package.__path__)
            if info.name.startswith("cases_")]


MODULES = _case_modules()
CASES: list[Case] = [case for module in MODULES for case in module.CASES]
EXEMPT: dict[str, str] = {name: why for module in MODULES for name, why in getattr(module, "EXEMPT", {}).items()}


def public_names() -> dict[str, Any]:
    """Every public name, once per object: top-level names as ``name``, others as ``subpackage.name``."""
    names: dict[str, Any] = {name: getattr(pl, name) for name in pl.__all__}
    seen = {id(obj) for obj in names.values()}
    for namespace in NAMESPACES:
        try:
            module = importlib.import_module(f"personalise.{namespace}")
        except ImportError:
            continue
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if id(obj) not in seen:
                seen.add(id(obj))
                names[f"{namespace}.{name}"] = obj
    return names


def needs_case(obj: Any) -> bool:
    """Whether a public object is something a caller calls (so it needs a case)."""
    if not callable(obj):
        return False  # constants: tuples, mappings, numbers, version strings
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return False  # the error hierarchy itself
        if getattr(obj, "_is_protocol", False) and obj is not typing.Protocol:
            return False  # a Protocol is implemented, not called
    return True


def test_every_public_name_has_a_case() -> None:
    covered = {name for case in CASES for name in case.covers}
    missing = [name for name, obj in public_names().items()
               if needs_case(obj) and name not in covered and name not in EXEMPT]
    assert not missing, f"public names with no bad-input case (add one to tests/meta/cases_*.py): {missing}"


def test_cases_cover_only_public_names() -> None:
    names = public_names()
    unknown = sorted({name for case in CASES for name in case.covers} - set(names))
    assert not unknown, f"cases cover names that are not public: {unknown}"
    stale = sorted(set(EXEMPT) - set(names))
    assert not stale, f"exemptions for names that are not public: {stale}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_valid_call_works(case: Case) -> None:
    result = case.call(**case.valid())
    nan = battery.find_nan(result, allowed=case.nan_allowed)
    assert nan is None, f"{case.id} returned NaN at {nan}"
    if case.check is not None:
        case.check(result)


def _bad_params() -> list[Any]:
    params = []
    for case in CASES:
        for argument in case.arguments():
            for label in BAD:
                params.append(pytest.param(case, argument, label, id=f"{case.id}-{argument}-{label}"))
    return params


@pytest.mark.parametrize(("case", "argument", "label"), _bad_params())
def test_bad_value(case: Case, argument: str, label: str) -> None:
    assert_outcome(case, argument, label, BAD[label]())


def _variant_params() -> list[Any]:
    params = []
    for case in CASES:
        valid = case.valid()
        for argument in case.arguments():
            if isinstance(valid[argument], np.ndarray):
                for label in VARIANTS:
                    params.append(pytest.param(case, argument, label, id=f"{case.id}-{argument}-{label}"))
    return params


@pytest.mark.parametrize(("case", "argument", "label"), _variant_params())
def test_array_variant(case: Case, argument: str, label: str) -> None:
    make, must_equal = VARIANTS[label]
    valid = case.valid()
    baseline = case.call(**valid) if must_equal else None
    assert_outcome(case, argument, label, make(valid[argument]), baseline=baseline, must_equal=must_equal)
