"""Meta-tests over the whole public API (in the spirit of scikit-learn's common tests)."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import personalise as pl
from personalise import exceptions

PUBLIC = [name for name in pl.__all__ if name != "__version__"]
DOCUMENTED = [name for name in PUBLIC if inspect.isclass(getattr(pl, name)) or callable(getattr(pl, name))]

#: DESIGN.md section 2: "subclasses also inherit the builtin a caller would catch".
BUILTIN_BASES = {
    "InvalidParameterError": (ValueError, TypeError),
    "ShapeError": (ValueError,),
    "GraphError": (ValueError,),
    "CyclicPrerequisiteError": (pl.GraphError, ValueError),
    "UnknownSkillError": (LookupError,),
    "UnknownLearnerError": (LookupError,),
    "UnknownClassError": (LookupError,),
    "StoreError": (OSError,),
    "EvidenceError": (ValueError,),
}


def test_all_is_sorted_and_unique() -> None:
    assert pl.__all__ == sorted(pl.__all__)
    assert len(pl.__all__) == len(set(pl.__all__))


@pytest.mark.parametrize("name", pl.__all__)
def test_every_public_name_is_importable(name: str) -> None:
    module = importlib.import_module("personalise")
    assert hasattr(module, name)
    namespace: dict[str, object] = {}
    exec(f"from personalise import {name}", namespace)  # noqa: S102 - the import statement users write
    assert namespace[name] is getattr(pl, name)


def test_version_is_a_string() -> None:
    assert isinstance(pl.__version__, str)
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", pl.__version__)


def test_promised_names_are_public() -> None:
    """The names DESIGN.md section 2 and the foundation issue promise so far."""
    promised = (
        "compile_graph CompiledGraph read_edge_csv read_junyi_exercises readiness inner_fringe recommend_next "
        "Recommendations PersonaliseError InvalidParameterError ShapeError GraphError CyclicPrerequisiteError "
        "UnknownSkillError EvidenceError"
    ).split()
    assert set(promised) <= set(pl.__all__)


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_objects_have_a_docstring_with_examples(name: str) -> None:
    obj = getattr(pl, name)
    doc = inspect.getdoc(obj)
    assert doc, f"{name} has no docstring"
    assert re.search(r"^Examples\n-{8,}$", doc, flags=re.MULTILINE), f"{name}'s docstring has no Examples section"
    assert ">>> " in doc, f"{name}'s Examples section has no example"


@pytest.mark.parametrize("name", [n for n in DOCUMENTED if inspect.isclass(getattr(pl, n))])
def test_public_methods_have_docstrings(name: str) -> None:
    cls = getattr(pl, name)
    for attribute, value in vars(cls).items():
        if attribute.startswith("_") or not (callable(value) or isinstance(value, (property, classmethod, staticmethod))):
            continue
        assert inspect.getdoc(getattr(cls, attribute)), f"{name}.{attribute} has no docstring"


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_objects_live_in_the_package(name: str) -> None:
    obj = getattr(pl, name)
    assert obj.__module__.startswith("personalise"), obj.__module__
    assert not obj.__module__.split(".")[-1].startswith("_"), f"{name} is defined in a private module"


@pytest.mark.parametrize(("name", "bases"), sorted(BUILTIN_BASES.items()))
def test_exceptions_inherit_the_builtins_a_caller_would_catch(name: str, bases: tuple[type, ...]) -> None:
    cls = getattr(pl, name)
    assert issubclass(cls, pl.PersonaliseError)
    for base in bases:
        assert issubclass(cls, base), f"{name} is not a {base.__name__}"


def test_every_exception_is_exported() -> None:
    defined = {
        name
        for name, value in vars(exceptions).items()
        if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == exceptions.__name__
    }
    warning_classes = {"PersonaliseWarning", "IdentifiabilityWarning", "DegenerateFitWarning"}
    assert defined == set(BUILTIN_BASES) | {"PersonaliseError"} | warning_classes
    assert defined <= set(pl.__all__)
    for name in warning_classes:
        assert issubclass(getattr(pl, name), UserWarning)
    assert issubclass(pl.PersonaliseError, Exception)


@pytest.mark.parametrize("name", sorted(BUILTIN_BASES) + ["PersonaliseError"])
def test_exceptions_store_the_offending_value(name: str) -> None:
    cls = getattr(pl, name)
    if cls is pl.CyclicPrerequisiteError:
        err = cls("prerequisite graph has a cycle: 'a' -> 'b' -> 'a'", cycle=["a", "b"])
        assert err.cycle == ("a", "b")
        assert err.value == ("a", "b")
    else:
        err = cls("k must be an integer >= 1; got 0", value=0)
        assert err.value == 0
    assert str(err).startswith(("k must", "prerequisite graph"))
    with pytest.raises(pl.PersonaliseError):
        raise err
