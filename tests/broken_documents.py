"""Hypothesis strategies for broken documents, and the check every reader must pass on them.

Each strategy starts from a valid document (a parsed JSON value or the text
of a CSV file) and breaks it in one way a real file gets broken: truncated
at a byte, a field deleted or given the wrong type, the ``"schema"`` lost,
nesting far too deep, bytes that are not UTF-8, a UTF-16 file, NUL bytes,
an empty file, a lone byte-order mark, ``NaN`` literals, duplicate keys;
for CSV also ragged rows, a missing header and extra columns.

:func:`outcome` runs one call and enforces the contract: the call returns,
or raises a :class:`~personalise.PersonaliseError` (never a bare builtin),
within :data:`TIME_LIMIT` seconds, with a message naming the file (and the
line when asked).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from personalise.exceptions import PersonaliseError
from tests.strategies import examples

__all__ = [
    "DEEP",
    "HUGE",
    "TIME_LIMIT",
    "Broken",
    "broken_csv",
    "broken_json",
    "broken_lines",
    "fuzz",
    "outcome",
    "wrong_values",
]

#: Seconds one call may take on any input (checked per example; hypothesis runs with ``deadline=None``).
TIME_LIMIT = 2.0
#: How deeply the nesting attack nests lists.
DEEP = 100_000
#: The length of the huge string put in a field.
HUGE = 10**6

_BAD_BYTES = (b"\xff", b"\xfe\xfe", b"\xc3", b"\xc3(", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"\xf8\x88\x80\x80\x80")
_NUMBER_LITERALS = ("NaN", "Infinity", "-Infinity")
_MARK = "\u2603deep\u2603"  # stands for the deep value until the text is written


@attrs.frozen
class Broken:
    """One broken document.

    ``data`` is the file's bytes; ``how`` says what was done; ``must_fail`` is
    true when no reader may accept it; ``names_line`` when the error must also
    give the line; ``parsed`` is the broken value itself when it is still a
    JSON value (for the ``from_dict`` constructors), else ``None``.
    """

    data: bytes
    how: str
    must_fail: bool = False
    names_line: bool = False
    parsed: Any = None


def wrong_values() -> st.SearchStrategy[Any]:
    """Values of every JSON type, none of them what a field expects (well, rarely)."""
    return st.sampled_from(
        [None, True, False, 0, -1, 1.5, -1e308, 10**30, "", "x", [], [None], {}, {"": None}, [[[]]], {"a": {"b": []}}]
    ) | st.just("x" * HUGE)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (a tuple of keys and indices) to a value inside ``value``, outermost first."""
    found: list[tuple[Any, ...]] = []
    stack = [(prefix, value)]
    while stack:
        path, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            found.append((*path, key))
            stack.append(((*path, key), child))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


def _dumped(doc: Any) -> bytes:
    text = json.dumps(doc, ensure_ascii=False)
    deep = "[" * DEEP + "]" * DEEP
    return text.replace(json.dumps(_MARK, ensure_ascii=False), deep).encode("utf-8")


@st.composite
def _structural(draw: st.DrawFn, document: Any) -> Broken:
    doc = copy.deepcopy(document)
    paths = _paths(doc)
    action = draw(st.sampled_from(["delete", "retype", "deep", "literal", "schema", "duplicate"]))
    if action == "schema" or not paths:
        if not isinstance(doc, dict):
            doc = {"schema": doc}
        choice = draw(st.sampled_from(["missing", "other", "wrong type"]))
        if choice == "missing":
            doc.pop("schema", None)
        else:
            doc["schema"] = "personalise.other/1" if choice == "other" else draw(wrong_values())
        return Broken(_dumped(doc), f"schema {choice}", parsed=doc)
    path = draw(st.sampled_from(paths))
    parent = _parent(doc, path)
    if action == "delete":
        del parent[path[-1]]
        return Broken(_dumped(doc), f"deleted {path}", parsed=doc)
    if action == "retype":
        parent[path[-1]] = value = draw(wrong_values())
        return Broken(_dumped(doc), f"{path} set to {str(value)[:20]!r}", parsed=doc)
    if action == "deep":
        parent[path[-1]] = _MARK
        return Broken(_dumped(doc), f"{path} nested {DEEP} deep", must_fail=True)
    if action == "literal":
        literal = draw(st.sampled_from(_NUMBER_LITERALS))
        parent[path[-1]] = _MARK
        text = _dumped(doc).replace(b"[" * DEEP + b"]" * DEEP, literal.encode())
        return Broken(text, f"{path} set to {literal}", must_fail=True)
    # a duplicate key: the same key again, with a wrong value, just after the opening brace
    holder = parent if isinstance(parent, dict) else doc if isinstance(doc, dict) else None
    if not holder:
        return Broken(_dumped(doc), "unchanged", parsed=doc)
    key = draw(st.sampled_from(sorted(holder)))
    holder[_MARK] = None  # find this object in the text by a key only it has
    text = json.dumps(doc, ensure_ascii=False)
    marker = json.dumps(_MARK, ensure_ascii=False) + ": null"
    before, after = text.split(marker, 1)
    text = before + f"{json.dumps(key)}: {json.dumps(draw(wrong_values()))}" + after
    return Broken(text.encode("utf-8"), f"duplicate key {key!r}")


@st.composite
def _bytewise(draw: st.DrawFn, data: bytes, *, text_format: str) -> Broken:
    """Byte-level damage to ``data``. ``text_format`` is "json" (every damage is fatal), "lines" or "csv"."""
    action = draw(st.sampled_from(["truncate", "bad bytes", "nul", "utf-16", "empty", "bom", "bom truncated"]))
    fatal = text_format == "json"
    if action == "empty":
        return Broken(b"", "empty", must_fail=fatal)
    if action == "bom":
        return Broken(b"\xef\xbb\xbf", "a lone BOM", must_fail=fatal)
    if action == "utf-16":
        return Broken(data.decode("utf-8").encode("utf-16"), "UTF-16", must_fail=True, names_line=True)
    at = draw(st.integers(0, max(0, len(data) - 1)))
    if action in ("truncate", "bom truncated"):
        cut = data[:at]
        try:
            cut.decode("utf-8")
        except UnicodeDecodeError:  # cut inside a character: the reader must say so, with the line
            return Broken(cut, f"truncated at byte {at} inside a character", must_fail=True, names_line=True)
        if action == "bom truncated":
            cut = b"\xef\xbb\xbf" + cut
        return Broken(cut, f"truncated at byte {at}", must_fail=fatal, names_line=fatal and bool(data[:at].strip()))
    if action == "nul":
        return Broken(data[:at] + b"\x00" + data[at:], f"NUL at byte {at}", must_fail=fatal, names_line=fatal)
    bad = draw(st.sampled_from(_BAD_BYTES))
    return Broken(data[:at] + bad + data[at:], f"{bad!r} at byte {at}", must_fail=True, names_line=True)


def broken_json(document: Any) -> st.SearchStrategy[Broken]:
    """Broken versions of the JSON value ``document``, as file bytes (and as values when still JSON)."""
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return _structural(document) | _bytewise(data, text_format="json")


@st.composite
def _line_damage(draw: st.DrawFn, lines: list[Any]) -> Broken:
    at = draw(st.integers(0, len(lines) - 1))
    damaged = draw(_structural(lines[at]))
    texts = [json.dumps(line, ensure_ascii=False).encode("utf-8") for line in lines]
    texts[at] = damaged.data
    return Broken(b"\n".join(texts) + b"\n", f"line {at + 1}: {damaged.how}", must_fail=damaged.must_fail)


def broken_lines(lines: list[Any]) -> st.SearchStrategy[Broken]:
    """Broken versions of a JSON Lines file holding the JSON values ``lines``, as file bytes."""
    data = b"\n".join(json.dumps(line, ensure_ascii=False).encode("utf-8") for line in lines) + b"\n"
    return _line_damage(lines) | _bytewise(data, text_format="lines")


@st.composite
def _csv_damage(draw: st.DrawFn, text: str) -> Broken:
    lines = text.splitlines()
    action = draw(st.sampled_from(["ragged", "no header", "extra column", "extra header", "huge field",
                                   "unclosed quote", "blank lines", "duplicate header"]))
    if action == "no header":
        lines = lines[1:]
    elif action == "blank lines":
        at = draw(st.integers(0, len(lines)))
        lines = lines[:at] + ["", " ", ""] + lines[at:]
    elif action in ("extra column", "extra header"):
        lines = [lines[0] + ",extra"] + [line + (",x" if action == "extra column" else "") for line in lines[1:]]
    elif action == "duplicate header":
        first = lines[0].split(",")[0]
        lines = [lines[0] + "," + first] + [line + ",again" for line in lines[1:]]
    elif len(lines) > 1:
        at = draw(st.integers(1, len(lines) - 1))
        fields = lines[at].split(",")
        if action == "ragged":
            fields = fields[:-1] if draw(st.booleans()) else [*fields, "surplus"]
        elif action == "huge field":
            fields[draw(st.integers(0, len(fields) - 1))] = "9" * HUGE
        else:
            column = draw(st.integers(0, len(fields) - 1))
            fields[column] = '"' + fields[column]
        lines[at] = ",".join(fields)
    return Broken("\n".join(lines).encode("utf-8") + b"\n", action)


def broken_csv(text: str) -> st.SearchStrategy[Broken]:
    """Broken versions of the CSV file ``text``, as file bytes."""
    return _csv_damage(text) | _bytewise(text.encode("utf-8"), text_format="csv")


def fuzz(n: int) -> settings:
    """``examples(n)`` with the time limit checked per call by :func:`outcome` instead of by hypothesis."""
    slow = [HealthCheck.too_slow, HealthCheck.data_too_large]
    return settings(examples(n), deadline=None, suppress_health_check=slow)


def outcome(
    call: Callable[[], Any],
    *,
    broken: Broken | None = None,
    names: str | None = None,
) -> Any:
    """Run ``call``; return its result or the :class:`PersonaliseError` it raised.

    Fails the test if ``call`` raises anything else, takes longer than
    :data:`TIME_LIMIT`, returns when ``broken.must_fail``, or raises an error
    whose message does not contain ``names`` (the file) and, when
    ``broken.names_line``, the word "line".
    """
    start = time.perf_counter()
    try:
        result = call()
    except PersonaliseError as err:
        result = err
    except RecursionError as err:  # pragma: no cover - reported, never expected
        raise AssertionError(f"RecursionError leaked on {broken and broken.how}") from err
    elapsed = time.perf_counter() - start
    how = broken.how if broken is not None else "this input"
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s on {how}"
    if isinstance(result, PersonaliseError):
        message = str(result)
        assert message.strip(), f"an empty message on {how}"
        if names is not None:
            assert names in message, f"the message does not name {names!r} on {how}: {message[:300]!r}"
        if broken is not None and broken.names_line:
            assert "line" in message, f"the message gives no line on {how}: {message[:300]!r}"
    elif broken is not None:
        assert not broken.must_fail, f"accepted {how}"
    return result
