"""Inputs cross one boundary: JSON is parsed only in ``_validation``, generators are built only in ``_random.py``.

DESIGN.md section 4 names ``_validation`` "the one boundary: arrays, rng,
ids, JSON, text files" (a package: text and JSON in its ``documents``
module) and ``_random.py`` the rng helpers, where ``check_rng`` turns a
user's ``rng`` into a generator. This test reads the source (as code, so
docstring examples do not count) and fails on any other call that parses
JSON, builds a random generator, or touches NumPy's or Python's global
random state.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import personalise

ROOT = Path(personalise.__file__).parent
#: Dotted call name -> the one module (relative to the package) allowed to make it.
BOUNDARY_CALLS = {
    "json.loads": "_validation/documents.py",
    "json.load": "_validation/documents.py",
    "np.random.default_rng": "_random.py",
    "numpy.random.default_rng": "_random.py",
    "np.random.Generator": "_random.py",
    "numpy.random.Generator": "_random.py",
}
#: Calls no module may make: global random state.
GLOBAL_STATE = {"np.random.seed", "np.random.rand", "np.random.random", "np.random.randint", "np.random.choice",
                "np.random.shuffle", "np.random.permutation", "np.random.normal", "np.random.uniform",
                "random.random", "random.seed", "random.choice", "random.shuffle", "random.randint"}


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _calls(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name is not None:
                found.append((node.lineno, name))
    return found


SOURCES = sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_only_the_boundary_parses_json_and_builds_generators(path: Path) -> None:
    here = path.relative_to(ROOT).as_posix()
    offending = [f"line {line}: {name}( (belongs in {BOUNDARY_CALLS[name]})" for line, name in _calls(path)
                 if name in BOUNDARY_CALLS and BOUNDARY_CALLS[name] != here]
    assert not offending, f"{here} bypasses the boundary: {offending}"


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_no_module_touches_global_random_state(path: Path) -> None:
    offending = [f"line {line}: {name}(" for line, name in _calls(path) if name in GLOBAL_STATE]
    assert not offending, f"{path.relative_to(ROOT)} uses global random state: {offending}"


def test_the_scan_sees_calls() -> None:
    """The scanner finds a call it must find (so an empty result above means something)."""
    assert "json.loads" in {name for _, name in _calls(ROOT / "_validation" / "documents.py")}
    assert "np.random.Generator" in {name for _, name in _calls(ROOT / "_random.py")}
