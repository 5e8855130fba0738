"""Properties of read_case: random DAGs and trees written as CASE packages, and random broken packages.

Good input: a random prerequisite DAG (and a random isChildOf forest) written as
a CASE 1.1 CFPackage, in a random order, reads back to the same edges, the same
tree, the grouping rule, and the column order of a plain recursive reference.
Bad input (truncated or corrupted text, wrong types anywhere, deep nesting, bad
bytes, bad arguments) only ever raises a PersonaliseError, and quickly.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from personalise.exceptions import InvalidParameterError, PersonaliseError
from personalise.io.case import ASSOCIATION_TYPES, CaseFramework, read_case
from tests.strategies import dags, examples

SLICE = Path(__file__).resolve().parents[1] / "fixtures" / "case" / "addition_slice.json"
SLICE_TEXT = SLICE.read_text(encoding="utf-8")
SLICE_DATA = json.loads(SLICE_TEXT)
#: A broken document must be refused in well under this many seconds (the inputs are small or simply deep).
QUICK = 2.0


def new_ids(rng: np.random.Generator, n: int) -> list[str]:
    return [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]


def association(identifier: str, kind: str, origin: str, destination: str, sequence: int | None) -> dict[str, Any]:
    record: dict[str, Any] = {"identifier": identifier, "associationType": kind,
                              "uri": f"https://case.example/uri/{identifier}",
                              "originNodeURI": {"title": "", "identifier": origin, "uri": "u"},
                              "destinationNodeURI": {"title": "", "identifier": destination, "uri": "u"},
                              "lastChangeDateTime": "2025-01-01T00:00:00+00:00"}
    if sequence is not None:
        record["sequenceNumber"] = sequence
    return record


def write_package(
    rng: np.random.Generator,
    items: list[str],
    edges: list[tuple[str, str]],
    parents: dict[str, list[str]],
    document: str,
) -> dict[str, Any]:
    """A CFPackage with the items (in a random order), prerequisite edges and isChildOf links, all shuffled."""
    links = [association(a, "precedes", u, v, None) for a, (u, v) in zip(new_ids(rng, len(edges)), edges)]
    tree = [(child, parent) for child, ps in parents.items() for parent in ps]
    for a, (child, parent) in zip(new_ids(rng, len(tree)), tree):
        sequence = int(rng.integers(0, 6)) if rng.random() < 0.8 else None  # ties and gaps on purpose
        links.append(association(a, "isChildOf", child, parent, sequence))
    order = rng.permutation(len(items))
    return {
        "CFDocument": {"identifier": document, "title": "Random", "uri": "u", "creator": "c",
                       "lastChangeDateTime": "2025-01-01T00:00:00+00:00"},
        "CFItems": [{"identifier": items[i], "fullStatement": f"Statement {i}", "humanCodingScheme": f"R.{i}",
                     "uri": "u", "lastChangeDateTime": "2025-01-01T00:00:00+00:00"} for i in order],
        "CFAssociations": [links[i] for i in rng.permutation(len(links))],
    }


# ------------------------------------------------------------ plain references
def reference_reading_order(package: dict[str, Any]) -> list[str]:
    """The framework's reading order, recursively: the tree from the top-level items, then orphans."""
    position = {item["identifier"]: k for k, item in enumerate(package["CFItems"])}
    document = package["CFDocument"]["identifier"]
    kids: dict[str, list[tuple[str, int | None]]] = {}
    has_item_parent: set[str] = set()
    seen_links: set[tuple[str, str]] = set()
    for link in package["CFAssociations"]:
        if link["associationType"] != "isChildOf":
            continue
        child, parent = link["originNodeURI"]["identifier"], link["destinationNodeURI"]["identifier"]
        if (child, parent) in seen_links:
            continue
        seen_links.add((child, parent))
        kids.setdefault(parent, []).append((child, link.get("sequenceNumber")))
        if parent != document:
            has_item_parent.add(child)

    def ordered(parent: str) -> list[str]:
        pairs = kids.get(parent, [])
        return [c for c, _ in sorted(pairs, key=lambda p: (p[1] is None, p[1] or 0, position[p[0]]))]

    order: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        order.append(node)
        for child in ordered(node):
            visit(child)

    top = ordered(document)
    for root in top + [i for i in position if i not in has_item_parent and i not in top]:
        visit(root)
    return order


def reference_columns(reading: list[str], skills: set[str], edges: set[tuple[str, str]]) -> list[str]:
    """Reading order, each skill preceded (recursively, in reading order) by its unplaced prerequisites."""
    rank = {node: k for k, node in enumerate(reading)}
    placed: list[str] = []

    def place(skill: str) -> None:
        if skill in placed:
            return
        for u in sorted((u for u, v in edges if v == skill), key=rank.__getitem__):
            place(u)
        placed.append(skill)

    for skill in reading:
        if skill in skills:
            place(skill)
    return placed


# ----------------------------------------------------------------- good input
@examples(60)
@given(G=dags(max_skills=60), seed=st.integers(0, 2**32 - 1), top_level=st.booleans())
def test_a_random_dag_reads_back_to_the_same_edges(G: nx.DiGraph, seed: int, top_level: bool) -> None:
    rng = np.random.default_rng(seed)
    nodes: list[Hashable] = list(G.nodes)
    ids = new_ids(rng, len(nodes) + 1)
    name = dict(zip(nodes, ids))
    document = ids[-1]
    edges = [(name[u], name[v]) for u, v in G.edges]
    parents = {name[n]: [document] for n in nodes} if top_level else {}
    package = write_package(rng, ids[:-1], edges, parents, document)
    framework = read_case(json.dumps(package))
    assert set(framework.graph.edges()) == set(edges)
    assert framework.graph.n_edges == len(edges)
    assert set(framework.graph.skill_ids) == set(ids[:-1])
    column = {skill: j for j, skill in enumerate(framework.graph.skill_ids)}
    assert all(column[u] < column[v] for u, v in edges)
    assert framework.skipped == ()
    assert CaseFramework.from_json(framework.to_json()) == framework
    assert read_case(package) == framework


@examples(60)
@given(n=st.integers(0, 40), seed=st.integers(0, 2**32 - 1), p_edge=st.sampled_from([0.0, 0.05, 0.2]))
def test_a_random_forest_gives_the_tree_the_grouping_rule_and_the_reference_columns(
    n: int, seed: int, p_edge: float
) -> None:
    rng = np.random.default_rng(seed)
    ids = new_ids(rng, n + 1)
    items, document = ids[:-1], ids[-1]
    parents: dict[str, list[str]] = {}
    for i, item in enumerate(items):
        roll = rng.random()
        if roll < 0.25:
            parents[item] = [document]
        elif roll < 0.9 and i:
            chosen = {int(j) for j in rng.integers(0, i, size=1 + int(rng.random() < 0.15))}  # sometimes two parents
            parents[item] = [items[j] for j in sorted(chosen)]
    rank = rng.permutation(n)  # prerequisites go from lower to higher rank: acyclic
    edges = [(items[u], items[v]) for u in range(n) for v in range(n) if rank[u] < rank[v] and rng.random() < p_edge]
    package = write_package(rng, items, edges, parents, document)
    framework = read_case(package)

    expected_children: dict[str, set[str]] = {}
    for child, ps in parents.items():
        for parent in ps:
            if parent != document:
                expected_children.setdefault(parent, set()).add(child)
    assert {p: set(kids) for p, kids in framework.children.items()} == expected_children
    assert set(framework.top_level) == {c for c, ps in parents.items() if document in ps}
    linked = {node for edge in edges for node in edge}
    grouping = {p for p in expected_children if p not in linked}
    assert set(framework.graph.skill_ids) == set(items) - grouping
    assert {i for i, _ in framework.skipped} == grouping
    assert set(framework.graph.edges()) == set(edges)
    reading = reference_reading_order(package)
    assert sorted(reading) == sorted(items)
    assert list(framework.graph.skill_ids) == reference_columns(reading, set(items) - grouping, set(edges))
    assert CaseFramework.from_json(framework.to_json()) == framework


@examples(40)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_order_of_associations_does_not_change_the_framework(seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = read_case(SLICE_DATA)
    shuffled = copy.deepcopy(SLICE_DATA)
    links = shuffled["CFAssociations"]
    shuffled["CFAssociations"] = [links[i] for i in rng.permutation(len(links))]
    framework = read_case(shuffled)
    assert framework.graph == base.graph
    assert framework.children == base.children
    assert framework.top_level == base.top_level
    assert framework.items == base.items


# ------------------------------------------------------------------ bad input
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["isChildOf", "precedes", SLICE_DATA["CFItems"][1]["identifier"]]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a JSON value, as a path of keys and indices."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


SLICE_PATHS = paths(SLICE_DATA)[1:]


def refused_quickly(call: Callable[[], Any]) -> None:
    """``call`` either reads a framework or raises a PersonaliseError, within QUICK seconds."""
    start = time.perf_counter()
    try:
        result = call()
    except PersonaliseError:
        pass
    else:
        assert isinstance(result, CaseFramework)
    assert time.perf_counter() - start < QUICK


@examples(150)
@given(where=st.sampled_from(SLICE_PATHS), how=st.sampled_from(["replace", "delete", "rename"]), value=json_values,
       key=st.text(max_size=12))
def test_a_package_broken_anywhere_raises_only_personalise_errors(where: tuple[Any, ...], how: str, value: Any,
                                                                 key: str) -> None:
    data = copy.deepcopy(SLICE_DATA)
    container = data
    for step in where[:-1]:
        container = container[step]
    last = where[-1]
    if how == "replace":
        container[last] = value
    elif how == "delete":
        del container[last]
    elif isinstance(container, dict):
        container[key] = container.pop(last)
    else:
        container.insert(last, value)
    refused_quickly(lambda: read_case(data))
    refused_quickly(lambda: read_case(json.dumps(data).encode("utf-8")))


@examples(80)
@given(cut=st.integers(0, len(SLICE_TEXT)))
def test_truncated_text_raises_only_personalise_errors(cut: int) -> None:
    refused_quickly(lambda: read_case(SLICE_TEXT[:cut].encode("utf-8")))
    refused_quickly(lambda: read_case("{" + SLICE_TEXT[1:cut]))


@examples(80)
@given(data=st.binary(max_size=200), position=st.integers(0, len(SLICE_TEXT) - 1), byte=st.integers(0, 255))
def test_bad_bytes_raise_only_personalise_errors(data: bytes, position: int, byte: int) -> None:
    refused_quickly(lambda: read_case(data))
    corrupted = bytearray(SLICE_TEXT.encode("utf-8"))
    corrupted[position] = byte
    refused_quickly(lambda: read_case(bytes(corrupted)))


@examples(30)
@given(depth=st.integers(1, 200_000), bracket=st.sampled_from(["[", '{"a":']),
       where=st.sampled_from(["top", "CFItems", "CFAssociations", "CFDefinitions"]))
def test_deep_nesting_raises_only_personalise_errors(depth: int, bracket: str, where: str) -> None:
    nested = bracket * depth + ("]" if bracket == "[" else "}") * depth
    if where == "top":
        text = nested
    elif where == "CFDefinitions":  # a new top-level field
        text = '{"CFDefinitions": ' + nested + "," + SLICE_TEXT.lstrip()[1:]
    else:  # a first element of the array
        text = SLICE_TEXT.replace(f'"{where}": [', f'"{where}": [{nested},', 1)
    assert text != SLICE_TEXT
    refused_quickly(lambda: read_case(text.encode("utf-8")))


@examples(80)
@given(types=st.one_of(st.none(), st.integers(), st.text(max_size=12),
                       st.lists(st.one_of(st.text(max_size=12), st.integers(), st.none(),
                                          st.sampled_from(ASSOCIATION_TYPES),
                                          st.from_regex(r"ext:[A-Za-z0-9._-]{1,8}", fullmatch=True)), max_size=4)))
def test_any_prerequisite_types_argument_is_read_or_refused_by_name(types: Any) -> None:
    try:
        framework = read_case(SLICE_DATA, prerequisite_types=types)
    except InvalidParameterError as err:
        assert "prerequisite_types" in str(err)
    else:
        assert set(framework.prerequisite_types) == set(types)
        assert "isChildOf" not in framework.prerequisite_types
