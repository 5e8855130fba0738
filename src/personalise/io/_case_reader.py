"""Walking a parsed CASE CFPackage: the checks behind :func:`personalise.io.case.read_case`.

The :class:`Reader` checks every rule once, in one pass over the items and one
over the associations, and returns plain data (:class:`Package`); the public
records are built from it in :mod:`personalise.io.case`. Every error names the
source, the item or association (identifier and position), the rule and the
offending value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from personalise._validation import check_sequence
from personalise.exceptions import (
    CyclicPrerequisiteError,
    GraphError,
    InvalidParameterError,
)
from personalise.graph import CompiledGraph

#: The association types of CASE 1.1 (``CFAssociation.associationType``), in the specification's order.
#: Publishers may add their own types spelled ``ext:<name>``.
ASSOCIATION_TYPES = (
    "isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes",
    "isRelatedTo", "replacedBy", "exemplar", "hasSkillLevel", "isTranslationOf",
)
_KNOWN_TYPES = frozenset(ASSOCIATION_TYPES)
_TYPE_BY_LOWER = {kind.lower(): kind for kind in ASSOCIATION_TYPES}
_EXTENSION_TYPE = re.compile(r"ext:[A-Za-z0-9.\-_]+")
_is_uuid = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}").fullmatch
_PACKAGE_FIELDS = {"CFDocument": "an object", "CFItems": "an array", "CFAssociations": "an array",
                   "CFDefinitions": "an object", "CFRubrics": "an array", "extensions": "an object"}
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_JSON_KINDS: dict[str, type | tuple[type, ...]] = {"an object": Mapping, "an array": (list, tuple)}


#: An origin or destination: its identifier and the LinkGenURI object it came from.
Node = tuple[str, Mapping[str, Any]]


class Package(NamedTuple):
    """What :class:`Reader` found: the fields of the records, the tree and the graph."""

    document: dict[str, Any]
    items: dict[str, dict[str, Any]]
    children: dict[str, list[str]]
    graph: CompiledGraph
    skipped: list[tuple[str, str]]
    top_level: list[str]


def read_package(data: Any, name: str, types: tuple[str, ...]) -> Package:
    """Check a parsed CFPackage (``name`` is how messages call it) and read it."""
    return Reader(name, types).read(data)


def named(node: Node) -> str:
    """A node of a skipped association as a reason names it: its identifier, and its title if it has one."""
    identifier, link = node
    title = link.get("title")
    return f"{identifier} ({show(title.strip())})" if isinstance(title, str) and title.strip() else identifier


def check_prerequisite_types(value: Any) -> tuple[str, ...]:
    """The ``prerequisite_types`` argument as a tuple of distinct, known association types."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidParameterError("prerequisite_types must be a sequence of CASE association types such as "
                                    f"('precedes',), not a single value; got {show(value)}", value=value)
    types: list[str] = []
    for position, kind in enumerate(check_sequence(value, "prerequisite_types") or ()):
        if not isinstance(kind, str):
            raise InvalidParameterError(f"prerequisite_types[{position}] must be a string; got {show(kind)}",
                                        value=kind)
        if kind == "isChildOf":
            raise InvalidParameterError("prerequisite_types cannot include 'isChildOf': isChildOf associations "
                                        "build the tree (.children), not prerequisites", value=kind)
        if kind not in _KNOWN_TYPES and not _EXTENSION_TYPE.fullmatch(kind):
            raise InvalidParameterError(f"prerequisite_types[{position}] is {show(kind)}, not a CASE 1.1 association type"
                                        f"{did_you_mean(kind)}; known types: {', '.join(ASSOCIATION_TYPES)}, or "
                                        "'ext:<name>'", value=kind)
        if kind not in types:
            types.append(kind)
    return tuple(types)


def did_you_mean(kind: str) -> str:
    """A hint when ``kind`` is a CASE type spelt with the wrong case (``"IsChildOf"``)."""
    match = _TYPE_BY_LOWER.get(kind.lower())
    return f" (did you mean {match!r}?)" if match else ""


def show(value: object, limit: int = 60) -> str:
    """A short description of an offending value (no repr of huge or deeply nested data)."""
    if isinstance(value, str):
        text = repr(value[:limit])
        return text if len(text) <= limit else text[: limit - 4] + "...'"
    if isinstance(value, int) and value.bit_length() > 128:  # repr refuses ints of over 4300 digits
        return f"an integer of {value.bit_length()} bits"
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return f"an array of {len(value)} value{'' if len(value) == 1 else 's'}"
    if isinstance(value, Mapping):
        keys = [show(key, 24) for key, _ in zip(value, range(3))]
        more = ", ..." if len(value) > 3 else ""
        return f"an object with keys [{', '.join(keys)}{more}]"
    return f"a {type(value).__name__}"


class Reader:
    """One pass over a parsed CFPackage; holds what the checks need for their messages."""

    def __init__(self, name: str, types: tuple[str, ...]) -> None:
        self.name = name
        self.types = types
        self.document_id = ""
        self.codes: dict[str, str | None] = {}  # item id -> human coding, for messages
        self.position: dict[str, int] = {}  # item id -> index in CFItems
        self.skipped: list[tuple[str, str]] = []
        self.edges: dict[tuple[str, str], tuple[str, str]] = {}  # (origin, destination) -> (association, type)
        self.parents: dict[tuple[str, str], tuple[str, int | None]] = {}  # (child, parent) -> (association, seq)
        self.sequence: dict[str, int | None] = {}  # item id -> seq of its first isChildOf association

    def ref(self, identifier: str) -> str:
        code = self.codes.get(identifier)
        return f"{identifier} ({code})" if code else identifier

    def fail(self, message: str, value: object) -> GraphError:
        return GraphError(f"{self.name}: {message}", value=value)

    # ---------------------------------------------------------------- fields
    def identifier(self, record: Mapping[str, Any], where: str) -> str:
        value = record.get("identifier")
        if value is None:
            raise self.fail(f"{where} has no identifier", None)
        if not isinstance(value, str) or not _is_uuid(value):
            raise self.fail(f"{where}: identifier must be a UUID such as '3f2b8c1e-5d4a-4c2b-9e1f-0a1b2c3d4e5f' "
                            f"(CASE identifiers are UUIDs); got {show(value)}", value)
        return value

    def text(self, record: Mapping[str, Any], field: str, where: str) -> str | None:
        """An optional text field, stripped; absent, null and blank all give None."""
        value = record.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{where}: {field} must be a string; got {show(value)}", value)
        return value.strip() or None

    def required_text(self, record: Mapping[str, Any], field: str, where: str) -> str:
        text = self.text(record, field, where)
        if text is None:
            shown = "is empty" if isinstance(record.get(field), str) else "is missing"
            raise self.fail(f"{where} has no {field} (it {shown}; CASE requires it)", record.get(field))
        return text

    def node(self, record: Mapping[str, Any], field: str, where: str) -> tuple[str, Mapping[str, Any]]:
        """The identifier of an origin or destination link (a LinkGenURI), and the link."""
        link = record.get(field)
        if link is None:
            raise self.fail(f"{where} has no {field}", None)
        if type(link) is not dict and not isinstance(link, Mapping):
            raise self.fail(f"{where}: {field} must be an object with an 'identifier'; got {show(link)}", link)
        identifier = link.get("identifier")
        if not isinstance(identifier, str) or not identifier or identifier.isspace():
            raise self.fail(f"{where}: {field} needs an identifier (a non-empty string); got {show(identifier)}",
                            identifier)
        return identifier, link

    # --------------------------------------------------------------- package
    def read(self, data: Any) -> Package:
        if not isinstance(data, Mapping):
            raise self.fail(f"a CASE package must be a JSON object (a CFPackage); got {show(data)}", data)
        for key, value in data.items():
            kind = _PACKAGE_FIELDS.get(key) if isinstance(key, str) else None
            if kind is None:
                raise self.fail(f"unknown top-level field {show(key)}; a CASE 1.1 CFPackage has "
                                f"{', '.join(_PACKAGE_FIELDS)}", key)
            if not isinstance(value, _JSON_KINDS[kind]):
                raise self.fail(f"{key} must be {kind}; got {show(value)}", value)
        if "CFDocument" not in data:
            raise self.fail("the package has no CFDocument", None)
        document = self.document(data["CFDocument"])
        items = self.items(data.get("CFItems", ()))
        self.associations(data.get("CFAssociations", ()), items)
        return self.framework(document, items)

    def document(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        self.document_id = identifier = self.identifier(raw, "CFDocument")
        where = f"CFDocument {identifier}"
        return {
            "identifier": identifier, "title": self.required_text(raw, "title", where),
            "uri": self.text(raw, "uri", where), "creator": self.text(raw, "creator", where),
            "publisher": self.text(raw, "publisher", where), "version": self.text(raw, "version", where),
            "language": self.text(raw, "language", where),
            "adoption_status": self.text(raw, "adoptionStatus", where),
            "case_version": self.text(raw, "caseVersion", where),
        }

    def items(self, raw_items: Sequence[Any]) -> dict[str, dict[str, Any]]:
        items: dict[str, dict[str, Any]] = {}
        for position, raw in enumerate(raw_items):
            if type(raw) is not dict and not isinstance(raw, Mapping):
                raise self.fail(f"CFItems[{position}] must be an object; got {show(raw)}", raw)
            identifier = self.identifier(raw, f"CFItems[{position}]")
            if identifier in items:
                raise self.fail(f"CFItems[{position}] repeats the identifier {identifier} of "
                                f"CFItems[{self.position[identifier]}]; CASE identifiers must be unique", identifier)
            if identifier == self.document_id:
                raise self.fail(f"CFItems[{position}] has the identifier {identifier} of the CFDocument; CASE "
                                "identifiers must be unique", identifier)
            where = f"item {identifier} (CFItems[{position}])"
            statement = self.required_text(raw, "fullStatement", where)
            item_type = self.text(raw, "CFItemType", where)
            link = raw.get("CFItemTypeURI")
            if link is not None:
                if not isinstance(link, Mapping):
                    raise self.fail(f"{where}: CFItemTypeURI must be an object; got {show(link)}", link)
                linked_type = self.text(link, "title", f"{where}: CFItemTypeURI")
                item_type = item_type or linked_type
            code = self.text(raw, "humanCodingScheme", where)
            self.codes[identifier] = code
            self.position[identifier] = position
            items[identifier] = {
                "statement": statement, "human_coding": code, "item_type": item_type,
                "abbreviated_statement": self.text(raw, "abbreviatedStatement", where),
                "uri": self.text(raw, "uri", where),
            }
        return items

    def associations(self, raw_links: Sequence[Any], items: Mapping[str, Any]) -> None:
        seen: dict[str, int] = {}
        for position, raw in enumerate(raw_links):
            if type(raw) is not dict and not isinstance(raw, Mapping):
                raise self.fail(f"CFAssociations[{position}] must be an object; got {show(raw)}", raw)
            aid = self.identifier(raw, f"CFAssociations[{position}]")
            if aid in seen:
                raise self.fail(f"CFAssociations[{position}] repeats the identifier {aid} of "
                                f"CFAssociations[{seen[aid]}]; CASE identifiers must be unique", aid)
            if aid in items or aid == self.document_id:
                what = f"item {self.ref(aid)}" if aid in items else "the CFDocument"
                raise self.fail(f"CFAssociations[{position}] has the identifier of {what}; CASE identifiers must "
                                "be unique", aid)
            seen[aid] = position
            where = f"association {aid} (CFAssociations[{position}])"
            kind = raw.get("associationType")
            if kind is None:
                raise self.fail(f"{where} has no associationType", None)
            if not isinstance(kind, str) or (kind not in _KNOWN_TYPES and not _EXTENSION_TYPE.fullmatch(kind)):
                hint = did_you_mean(kind) if isinstance(kind, str) else ""
                raise self.fail(f"{where}: associationType {show(kind)} is not a CASE 1.1 association type{hint}; "
                                f"known types: {', '.join(ASSOCIATION_TYPES)}, or 'ext:<name>'", kind)
            origin = self.node(raw, "originNodeURI", where)
            destination = self.node(raw, "destinationNodeURI", where)
            sequence = raw.get("sequenceNumber")
            if sequence is not None and (
                isinstance(sequence, bool) or not isinstance(sequence, int) or not _INT32_MIN <= sequence <= _INT32_MAX
            ):
                raise self.fail(f"{where}: sequenceNumber must be an integer (int32 in CASE); got {show(sequence)}",
                                sequence)
            if kind == "isChildOf":
                reason = self.child_of(aid, where, origin, destination, items, sequence)
            elif kind in self.types:
                reason = self.prerequisite(aid, kind, where, origin, destination, items)
            else:
                reason = f"not a prerequisite type (prerequisite_types={self.types!r})"
            if reason is not None:
                self.skipped.append((aid, f"association {aid} {kind}: {reason}"))

    def child_of(self, aid: str, where: str, origin: Node, destination: Node,
                 items: Mapping[str, Any], sequence: int | None) -> str | None:
        """Record one isChildOf link (origin: the child); return why it is skipped, or None."""
        child, parent = origin[0], destination[0]
        if child == parent:
            raise self.fail(f"{where}: {self.ref(child)} isChildOf itself", child)
        if child == self.document_id:
            raise self.fail(f"{where}: the CFDocument cannot be the child (the origin) of an isChildOf association",
                            child)
        if child not in items:
            return f"origin (the child) {named(origin)} is not in this package"
        if parent != self.document_id and parent not in items:
            return f"destination (the parent) {named(destination)} is not in this package"
        first = self.parents.get((child, parent))
        if first is not None:
            return f"repeats association {first[0]} ({child} isChildOf {parent})"
        self.parents[(child, parent)] = (aid, sequence)
        self.sequence.setdefault(child, sequence)
        return None

    def prerequisite(self, aid: str, kind: str, where: str, origin: Node, destination: Node,
                     items: Mapping[str, Any]) -> str | None:
        """Record one prerequisite edge origin -> destination; return why it is skipped, or None."""
        if origin[0] == destination[0]:
            raise self.fail(f"{where}: a {kind} association from {self.ref(origin[0])} to itself; an item cannot "
                            "be its own prerequisite", origin[0])
        for end, node in (("origin", origin), ("destination", destination)):
            if node[0] == self.document_id:
                return f"{end} {named(node)} is the CFDocument, not an item"
            if node[0] not in items:
                return f"{end} {named(node)} is not in this package"
        pair = (origin[0], destination[0])
        first = self.edges.get(pair)
        if first is not None:
            return f"repeats association {first[0]} ({pair[0]} -> {pair[1]})"
        self.edges[pair] = (aid, kind)
        return None

    # ------------------------------------------------------------- structure
    def framework(self, document: dict[str, Any], items: dict[str, dict[str, Any]]) -> Package:
        ids = list(items)
        position = self.position

        def sibling_key(pair: tuple[str, int | None]) -> tuple[bool, int, int]:
            return (pair[1] is None, pair[1] or 0, position[pair[0]])

        kids: dict[str, list[tuple[str, int | None]]] = {}
        top: list[tuple[str, int | None]] = []
        parent_links: dict[str, list[tuple[str, str]]] = {}  # child -> [(parent item, association)]
        for (child, parent), (aid, sequence) in self.parents.items():
            if parent == self.document_id:
                top.append((child, sequence))
            else:
                kids.setdefault(parent, []).append((child, sequence))
                parent_links.setdefault(child, []).append((parent, aid))
        children = {parent: [child for child, _ in sorted(pairs, key=sibling_key)] for parent, pairs in kids.items()}
        loop = _find_cycle(ids, position, parent_links, children)
        if loop:
            steps = "; ".join(f"{self.ref(child)} isChildOf {self.ref(parent)} in association {aid}"
                              for parent, child, aid in loop)
            raise self.fail(f"the isChildOf associations form a loop, so the items have no tree: {steps}",
                            tuple(child for _, child, _ in loop))
        top_level = [child for child, _ in sorted(top, key=sibling_key)]
        order = _reading_order(ids, top_level, children, parent_links)
        rank = {identifier: k for k, identifier in enumerate(order)}

        linked = {node for pair in self.edges for node in pair}
        for parent in order:
            if parent in children and parent not in linked:
                n = len(children[parent])
                self.skipped.append((parent, f"item {self.ref(parent)}: a grouping item with {n} "
                                             f"{'child' if n == 1 else 'children'} and no prerequisite links; "
                                             "left out of the graph"))
        skills = [identifier for identifier in order if identifier not in children or identifier in linked]
        preds: dict[str, list[tuple[str, str]]] = {}
        succs: dict[str, list[str]] = {}
        for (origin, destination), (aid, _) in self.edges.items():
            preds.setdefault(destination, []).append((origin, aid))
            succs.setdefault(origin, []).append(destination)
        cycle = _find_cycle(skills, rank, preds, succs)
        if cycle:
            raise self.cycle_error(cycle, rank)
        columns = _prerequisites_first(skills, rank, preds)
        # The checks compile_graph would make are done, so build its CSR arrays directly.
        column = {skill: j for j, skill in enumerate(columns)}
        n_edges = len(self.edges)
        origins = np.fromiter((column[u] for u, _ in self.edges), dtype=np.intp, count=n_edges)
        destinations = np.fromiter((column[v] for _, v in self.edges), dtype=np.intp, count=n_edges)
        indptr = np.zeros(len(columns) + 1, dtype=np.intp)
        np.cumsum(np.bincount(destinations, minlength=len(columns)), out=indptr[1:])
        graph = CompiledGraph(tuple(columns), indptr, origins[np.lexsort((origins, destinations))])
        for identifier, fields in items.items():
            fields["identifier"] = identifier
            fields["sequence"] = self.sequence.get(identifier)
        return Package(document, items, {p: children[p] for p in order if p in children}, graph,
                       self.skipped, top_level)

    def cycle_error(self, steps: list[tuple[str, str, str]], rank: Mapping[str, int]) -> CyclicPrerequisiteError:
        first = min(range(len(steps)), key=lambda k: rank[steps[k][0]])
        steps = steps[first:] + steps[:first]
        text = "; ".join(f"{self.ref(u)} {self.edges[(u, v)][1]} {self.ref(v)} in association {aid}"
                         for u, v, aid in steps)
        return CyclicPrerequisiteError(f"{self.name}: the prerequisite associations form a cycle, so no learning "
                                       f"order exists: {text}", cycle=[u for u, _, _ in steps])


def _find_cycle(
    nodes: list[str],
    rank: Mapping[str, int],
    preds: Mapping[str, list[tuple[str, str]]],
    succs: Mapping[str, list[str]],
) -> list[tuple[str, str, str]]:
    """One cycle of the links, as ``(u, v, association)`` steps (each ``v`` the next ``u``), or [] if none.

    ``preds[v]`` lists ``(u, association)`` for each link u -> v. Kahn's
    algorithm removes every node not on or behind a cycle; from the
    remaining node of smallest rank, walking back through remaining
    predecessors must repeat a node.
    """
    indegree = {node: len(preds.get(node, ())) for node in nodes}
    stack = [node for node in nodes if not indegree[node]]
    n_done = 0
    while stack:
        u = stack.pop()
        n_done += 1
        for v in succs.get(u, ()):
            indegree[v] -= 1
            if not indegree[v]:
                stack.append(v)
    if n_done == len(nodes):
        return []
    remaining = {node for node in nodes if indegree[node]}
    node = min(remaining, key=rank.__getitem__)
    steps: list[tuple[str, str, str]] = []
    at: dict[str, int] = {}
    while node not in at:
        at[node] = len(steps)
        u, aid = next((u, aid) for u, aid in preds[node] if u in remaining)
        steps.append((u, node, aid))
        node = u
    cycle = steps[at[node]:]
    cycle.reverse()
    return cycle


def _prerequisites_first(
    skills: list[str], rank: Mapping[str, int], preds: Mapping[str, list[tuple[str, str]]]
) -> list[str]:
    """Reading order, each skill preceded by its prerequisites not placed yet (depth first, in reading order)."""
    before = {skill: sorted((u for u, _ in links), key=rank.__getitem__) for skill, links in preds.items()}
    placed: set[str] = set()
    order: list[str] = []
    for skill in skills:
        if skill in placed:
            continue
        stack = [(skill, iter(before.get(skill, ())))]
        while stack:
            node, pending = stack[-1]
            for u in pending:
                if u not in placed:
                    stack.append((u, iter(before.get(u, ()))))
                    break
            else:
                stack.pop()
                if node not in placed:
                    placed.add(node)
                    order.append(node)
    return order


def _reading_order(
    ids: list[str],
    top_level: list[str],
    children: Mapping[str, list[str]],
    parent_links: Mapping[str, list[tuple[str, str]]],
) -> list[str]:
    """Depth-first preorder of the tree from the top-level items, then from items without a parent item."""
    order: list[str] = []
    seen: set[str] = set()
    top = set(top_level)
    roots = top_level + [identifier for identifier in ids if identifier not in parent_links and identifier not in top]
    for root in roots:
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            stack.extend(reversed(children.get(node, ())))
    return order
