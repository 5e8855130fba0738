"""1EdTech CASE 1.1 competency frameworks (a CFPackage in JSON) as prerequisite graphs.

CASE (Competencies and Academic Standards Exchange) publishes a framework as a
``CFPackage``: one ``CFDocument``, its ``CFItems`` (the statements, from strands
down to single objectives) and ``CFAssociations`` that relate them
(``isChildOf`` builds the tree, ``precedes`` says what comes first, and so on).
:func:`read_case` turns the items into skills and the prerequisite associations
into edges, and returns a :class:`CaseFramework` that keeps the tree, the
human-readable codes and statements, and a record of everything it left out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import IO, Any

import attrs

from personalise._validation import (
    check_sequence,
    load_json_document,
    parse_json,
    read_text,
    require_fields,
)
from personalise.exceptions import (
    GraphError,
    InvalidParameterError,
    PersonaliseError,
    UnknownSkillError,
)
from personalise.graph import CompiledGraph
from personalise.io._case_reader import (
    ASSOCIATION_TYPES,
    check_prerequisite_types,
    read_package,
    show,
)

__all__ = ["ASSOCIATION_TYPES", "CaseDocument", "CaseFramework", "CaseItem", "read_case"]

SCHEMA = "personalise.case_framework/1"

CaseSource = str | os.PathLike[str] | bytes | IO[str] | IO[bytes] | Mapping[str, Any]


# ------------------------------------------------------------------ records
def _text(optional: bool) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not (optional or value):
            kind = "a string or None" if optional else "a non-empty string"
            raise InvalidParameterError(f"{attribute.name} must be {kind}; got {show(value)}", value=value)

    return check


def _instance_of(cls: type) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, cls):
            raise InvalidParameterError(f"{attribute.name} must be a {cls.__name__}; got {show(value)}", value=value)

    return check


def _optional_int(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidParameterError(f"{attribute.name} must be an integer or None; got {show(value)}", value=value)


@attrs.frozen
class CaseDocument:
    """The ``CFDocument`` of a CASE package: what the framework is and who publishes it.

    Parameters
    ----------
    identifier : str
        The document's UUID.
    title : str
        Its title.
    uri, creator, publisher, version, language, adoption_status, case_version : str or None
        ``uri``, ``creator``, ``publisher``, ``version``, ``language``,
        ``adoptionStatus`` and ``caseVersion`` of the CFDocument, when given.

    Examples
    --------
    >>> from personalise.io.case import CaseDocument
    >>> CaseDocument("00000000-0000-4000-8000-000000000000", "Number, Year 1", version="2.0").version
    '2.0'
    """

    identifier: str = attrs.field(validator=_text(False))
    title: str = attrs.field(validator=_text(False))
    uri: str | None = attrs.field(default=None, validator=_text(True))
    creator: str | None = attrs.field(default=None, validator=_text(True))
    publisher: str | None = attrs.field(default=None, validator=_text(True))
    version: str | None = attrs.field(default=None, validator=_text(True))
    language: str | None = attrs.field(default=None, validator=_text(True))
    adoption_status: str | None = attrs.field(default=None, validator=_text(True))
    case_version: str | None = attrs.field(default=None, validator=_text(True))


@attrs.frozen
class CaseItem:
    """One ``CFItem`` of a CASE package: a statement of the framework.

    Parameters
    ----------
    identifier : str
        The item's UUID (its skill id in :attr:`CaseFramework.graph`).
    statement : str
        The ``fullStatement``.
    human_coding : str or None
        The ``humanCodingScheme``, the code teachers know (``"1.N.3"``).
    item_type : str or None
        The ``CFItemType`` (``"Strand"``, ``"Objective"``...), or the title of
        its ``CFItemTypeURI`` when only that is given.
    abbreviated_statement : str or None
        The ``abbreviatedStatement``.
    sequence : int or None
        The ``sequenceNumber`` of the ``isChildOf`` association that places the
        item under its parent (the first such association when it has several).
    uri : str or None
        The item's ``uri``.

    Examples
    --------
    >>> from personalise.io.case import CaseItem
    >>> CaseItem("00000000-0000-4000-8000-000000000001", "Count to 20", human_coding="N.1").human_coding
    'N.1'
    """

    identifier: str = attrs.field(validator=_text(False))
    statement: str = attrs.field(validator=_text(False))
    human_coding: str | None = attrs.field(default=None, validator=_text(True))
    item_type: str | None = attrs.field(default=None, validator=_text(True))
    abbreviated_statement: str | None = attrs.field(default=None, validator=_text(True))
    sequence: int | None = attrs.field(default=None, validator=_optional_int)
    uri: str | None = attrs.field(default=None, validator=_text(True))


def _frozen_items(value: Mapping[str, CaseItem]) -> Mapping[str, CaseItem]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"items must be a mapping of item id to CaseItem; got {show(value)}", value=value)
    return MappingProxyType(dict(value))


def _frozen_children(value: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, Mapping) or any(isinstance(v, str) or not isinstance(v, Iterable) for v in value.values()):
        raise InvalidParameterError(f"children must map item ids to sequences of item ids; got {show(value)}",
                                    value=value)
    return MappingProxyType({parent: tuple(kids) for parent, kids in value.items()})


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(check_sequence(value, "top_level") or ())


def _pairs(value: Iterable[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidParameterError(f"skipped must be a sequence of (identifier, reason) pairs; got {show(value)}",
                                    value=value)
    pairs: list[tuple[str, str]] = []
    for pair in check_sequence(value, "skipped") or ():
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2 or not all(
            isinstance(part, str) for part in pair
        ):
            raise InvalidParameterError(f"skipped must hold (identifier, reason) string pairs; got {show(pair)}",
                                        value=pair)
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


@attrs.frozen(repr=False)
class CaseFramework:
    """A CASE competency framework read by :func:`read_case`.

    Parameters
    ----------
    document : CaseDocument
        The framework's ``CFDocument``.
    items : mapping of str to CaseItem
        Every ``CFItem``, by identifier, in the package's order (read-only).
    children : mapping of str to tuple of str
        The ``isChildOf`` tree: a parent item's id to its child items' ids, in
        ``sequenceNumber`` order (read-only). Only parents with children are keys.
    graph : CompiledGraph
        The prerequisite graph; its skill ids are item identifiers.
    skipped : tuple of (str, str)
        ``(association or item identifier, reason)`` for every association and
        item left out of :attr:`graph` and :attr:`children`.
    top_level : tuple of str
        The items whose parent is the CFDocument itself, in ``sequenceNumber`` order.
    prerequisite_types : tuple of str
        The association types that were read as prerequisites.

    Examples
    --------
    >>> from personalise.io.case import read_case
    >>> uid = "00000000-0000-4000-8000-{:012d}".format  # small UUIDs for the example
    >>> def item(n, code, text):
    ...     return {"identifier": uid(n), "humanCodingScheme": code, "fullStatement": text}
    >>> def link(n, kind, origin, destination):
    ...     return {"identifier": uid(100 + n), "associationType": kind,
    ...             "originNodeURI": {"identifier": uid(origin)},
    ...             "destinationNodeURI": {"identifier": uid(destination)}}
    >>> package = {
    ...     "CFDocument": {"identifier": uid(0), "title": "Number, Year 1"},
    ...     "CFItems": [item(1, "N", "Number"), item(2, "N.1", "Count to 20"),
    ...                 item(3, "N.2", "Add within 10")],
    ...     "CFAssociations": [link(1, "isChildOf", 1, 0), link(2, "isChildOf", 2, 1),
    ...                        link(3, "isChildOf", 3, 1), link(4, "precedes", 2, 3)],
    ... }
    >>> framework = read_case(package)
    >>> framework
    CaseFramework('Number, Year 1', n_items=3, n_skills=2, n_edges=1, n_skipped=1)
    >>> framework.labels()
    ('N.1 Count to 20', 'N.2 Add within 10')
    >>> framework.children[uid(1)] == (uid(2), uid(3))
    True
    >>> print(framework.skipped[0][1])
    item 00000000-0000-4000-8000-000000000001 (N): a grouping item with 2 children and no prerequisite links; left out of the graph
    """

    document: CaseDocument = attrs.field(validator=_instance_of(CaseDocument))
    items: Mapping[str, CaseItem] = attrs.field(converter=_frozen_items, hash=False)
    children: Mapping[str, tuple[str, ...]] = attrs.field(converter=_frozen_children, hash=False)
    graph: CompiledGraph = attrs.field(validator=_instance_of(CompiledGraph))
    skipped: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    top_level: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    prerequisite_types: tuple[str, ...] = attrs.field(default=("precedes",), converter=check_prerequisite_types)

    def __attrs_post_init__(self) -> None:
        items = self.items
        for key, item in items.items():
            if not isinstance(item, CaseItem) or item.identifier != key:
                raise InvalidParameterError(f"items[{show(key)}] must be a CaseItem with that identifier; got {show(item)}",
                                            value=item)
        for where, ids in (("graph skill", self.graph.skill_ids), ("top_level", self.top_level),
                           ("children", (*self.children, *(i for kids in self.children.values() for i in kids)))):
            for skill in ids:
                if not isinstance(skill, str) or skill not in items:
                    raise InvalidParameterError(f"{where} id {show(skill)} is not one of the items", value=skill)

    # ---------------------------------------------------------------- display
    def __repr__(self) -> str:
        return (f"CaseFramework({self.document.title!r}, n_items={len(self.items)}, n_skills={self.graph.n_skills}, "
                f"n_edges={self.graph.n_edges}, n_skipped={len(self.skipped)})")

    def label(self, skill_id: Hashable) -> str:
        """Return a readable name for an item: its human coding, then its statement.

        CASE identifiers are UUIDs nobody can read; use this wherever an item
        is shown. Runs of white space in the statement become single spaces.

        Raises
        ------
        UnknownSkillError
            If ``skill_id`` is not an item of the framework.

        Examples
        --------
        >>> from personalise.io.case import read_case
        >>> framework = read_case({
        ...     "CFDocument": {"identifier": "00000000-0000-4000-8000-000000000000", "title": "Shape"},
        ...     "CFItems": [{"identifier": "00000000-0000-4000-8000-000000000001",
        ...                  "humanCodingScheme": "S.1", "fullStatement": "Name 2-D shapes\\n(circle, square)."}]})
        >>> framework.label("00000000-0000-4000-8000-000000000001")
        'S.1 Name 2-D shapes (circle, square).'
        """
        item = self.items.get(skill_id) if isinstance(skill_id, str) else None
        if item is None:
            raise UnknownSkillError(f"unknown item {show(skill_id)}: not an item of the CASE framework "
                                    f"{self.document.title!r}", value=skill_id)
        statement = " ".join(item.statement.split())
        return f"{item.human_coding} {statement}" if item.human_coding else statement

    def labels(self) -> tuple[str, ...]:
        """Return :meth:`label` of every skill, in the graph's column order.

        Examples
        --------
        >>> from personalise.io.case import read_case
        >>> read_case({"CFDocument": {"identifier": "00000000-0000-4000-8000-000000000000", "title": "Shape"},
        ...            "CFItems": [{"identifier": "00000000-0000-4000-8000-000000000001",
        ...                         "fullStatement": "Name 2-D shapes."}]}).labels()
        ('Name 2-D shapes.',)
        """
        return tuple(self.label(skill) for skill in self.graph.skill_ids)

    # ---------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready dict form, with a ``"schema"`` field (see :meth:`to_json`).

        Examples
        --------
        >>> from personalise.io.case import read_case
        >>> framework = read_case({"CFDocument": {"identifier": "00000000-0000-4000-8000-000000000000",
        ...                                       "title": "Shape"}})
        >>> framework.to_dict()["schema"], framework.to_dict()["items"]
        ('personalise.case_framework/1', [])
        """
        return {
            "schema": SCHEMA,
            "document": attrs.asdict(self.document),
            "items": [attrs.asdict(item) for item in self.items.values()],
            "children": {parent: list(kids) for parent, kids in self.children.items()},
            "top_level": list(self.top_level),
            "graph": self.graph.to_dict(),
            "skipped": [list(pair) for pair in self.skipped],
            "prerequisite_types": list(self.prerequisite_types),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the framework as a JSON document; :meth:`from_json` restores an equal one.

        The document holds the CFDocument record, the items in order, the
        tree, the compiled graph (same column order), the skipped list and the
        prerequisite types: everything needed without the original package.

        Examples
        --------
        >>> from personalise.io.case import CaseFramework, read_case
        >>> framework = read_case({"CFDocument": {"identifier": "00000000-0000-4000-8000-000000000000",
        ...                                       "title": "Shape"}})
        >>> CaseFramework.from_json(framework.to_json()) == framework
        True
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseFramework:
        """Rebuild a framework from :meth:`to_dict` output.

        Raises
        ------
        InvalidParameterError
            If the document has another ``"schema"``, lacks a field, or a field
            has the wrong type or names an item that is not there.
        GraphError
            If the graph part is not a valid graph.

        Examples
        --------
        >>> from personalise.io.case import CaseFramework, read_case
        >>> framework = read_case({"CFDocument": {"identifier": "00000000-0000-4000-8000-000000000000",
        ...                                       "title": "Shape"}})
        >>> CaseFramework.from_dict(framework.to_dict()).document.title
        'Shape'
        """
        if not isinstance(data, Mapping):
            raise InvalidParameterError(f"a {SCHEMA!r} document must be a JSON object; got {show(data)}", value=data)
        data = load_json_document(data, SCHEMA, name="data")
        require_fields(data, ("document", "items", "children", "top_level", "graph", "skipped",
                              "prerequisite_types"), "CASE framework")
        document = _record_from_dict(CaseDocument, data["document"], "document")
        items: dict[str, CaseItem] = {}
        for position, raw in enumerate(_list_field(data, "items")):
            item = _record_from_dict(CaseItem, raw, f"items[{position}]")
            if item.identifier in items:
                raise InvalidParameterError(f"items[{position}] repeats the identifier {item.identifier!r}",
                                            value=item.identifier)
            items[item.identifier] = item
        children = data["children"]
        if not isinstance(children, Mapping) or not all(
            isinstance(kids, list) and all(isinstance(kid, str) for kid in kids) for kids in children.values()
        ):
            raise InvalidParameterError(f"field 'children' must map item ids to lists of item ids; got "
                                        f"{show(children)}", value=children)
        top_level = _list_field(data, "top_level")
        skipped = _list_field(data, "skipped")
        for pair in skipped:
            if not isinstance(pair, list):
                raise InvalidParameterError(f"field 'skipped' must hold [identifier, reason] pairs; got {show(pair)}",
                                            value=pair)
        graph = data["graph"]
        if not isinstance(graph, Mapping):
            raise InvalidParameterError(f"field 'graph' must be a compiled graph object; got {show(graph)}",
                                        value=graph)
        return cls(document, items, children, CompiledGraph.from_json(graph), skipped, top_level,
                   _list_field(data, "prerequisite_types"))

    @classmethod
    def from_json(cls, document: str | bytes) -> CaseFramework:
        """Rebuild a framework from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            If the text is not JSON, or as for :meth:`from_dict`.

        Examples
        --------
        >>> from personalise.io.case import CaseFramework, read_case
        >>> framework = read_case({"CFDocument": {"identifier": "00000000-0000-4000-8000-000000000000",
        ...                                       "title": "Shape"}})
        >>> CaseFramework.from_json(framework.to_json(indent=2)).graph.n_skills
        0
        """
        if not isinstance(document, (str, bytes)):
            raise InvalidParameterError(f"from_json takes JSON text; got {type(document).__name__} (use from_dict "
                                        "for a parsed document)", value=document)
        return cls.from_dict(parse_json(document, "the CASE framework document", error=InvalidParameterError))


def _list_field(data: Mapping[str, Any], field: str) -> list[Any]:
    value = data[field]
    if not isinstance(value, list):
        raise InvalidParameterError(f"field {field!r} must be a list; got {show(value)}", value=value)
    return value


def _record_from_dict(cls: type[Any], raw: Any, where: str) -> Any:
    names = [field.name for field in attrs.fields(cls)]
    if not isinstance(raw, Mapping):
        raise InvalidParameterError(f"{where} must be an object; got {show(raw)}", value=raw)
    for key in raw:
        if key not in names:
            raise InvalidParameterError(f"{where} has an unknown field {show(key)}; known fields: {', '.join(names)}",
                                        value=key)
    for name in names[:2]:  # identifier and title / statement: the fields without a default
        if name not in raw:
            raise InvalidParameterError(f"{where} is missing the field {name!r}", value=name)
    try:
        return cls(**raw)
    except InvalidParameterError as err:
        raise InvalidParameterError(f"{where}: {err}", value=err.value) from None


# ------------------------------------------------------------------- reading
def read_case(source: CaseSource, *, prerequisite_types: Iterable[str] = ("precedes",)) -> CaseFramework:
    """Read a CASE 1.1 ``CFPackage`` into a prerequisite graph and its framework.

    Parameters
    ----------
    source : path, open file, str, bytes or mapping
        The package: a path to a JSON file, an open (text or binary) file,
        the JSON text itself (a string starting with ``{``), its UTF-8 bytes,
        or the already parsed dict.
    prerequisite_types : iterable of str, default ("precedes",)
        The association types read as prerequisite edges, each with the origin
        as the prerequisite of the destination. Any CASE 1.1 type but
        ``isChildOf`` (which builds the tree), or an extension ``"ext:<name>"``.

    Returns
    -------
    CaseFramework
        ``.graph`` has one skill per item (except grouping items, see Notes),
        keyed by item ``identifier``; ``.skipped`` lists what was left out.

    Raises
    ------
    GraphError
        If the package breaks a rule below; the message names the file, the
        item or association (identifier and position), the rule and the value.
    CyclicPrerequisiteError
        If the prerequisite associations form a cycle; the message names the
        items and the associations on it, ``.cycle`` lists the items.
    InvalidParameterError
        If ``prerequisite_types`` is not a sequence of known association types,
        or ``source`` is of an unsupported type.

    Notes
    -----
    The rules, from the CASE 1.1 specification (REST/JSON binding and its JSON
    Schema):

    * The package is a JSON object whose fields are among ``CFDocument``
      (required), ``CFItems``, ``CFAssociations``, ``CFDefinitions``,
      ``CFRubrics`` and ``extensions``; any other top-level field is an
      error, so a misspelt ``"CFitems"`` is not read as an empty framework.
    * Document, item and association ``identifier`` values are UUIDs
      (8-4-4-4-12 hexadecimal digits) and are unique across the package; the
      CFDocument needs a ``title``, every item a non-empty ``fullStatement``.
      The specification also requires ``uri`` and ``lastChangeDateTime`` on
      every object, and a ``title`` and ``uri`` on each node link; they are not
      needed here, so their absence is accepted.
    * Every association needs an ``associationType`` (one of
      :data:`ASSOCIATION_TYPES`, spelt as in the specification, or
      ``ext:<name>``), an ``originNodeURI`` and a ``destinationNodeURI`` with
      an ``identifier``, and, if given, an integer ``sequenceNumber``. Nodes
      are matched to items by ``identifier`` alone, compared exactly.
    * ``isChildOf``: the origin is the child and the destination its parent.
      A parent that is the CFDocument makes a top-level item
      (``.top_level``); an item may have several parents. Children are ordered
      by the association's ``sequenceNumber`` (numbered first), then by
      package order. A loop of ``isChildOf`` associations, or one from an item
      to itself, is an error.
    * Prerequisite associations (``precedes`` by default) become edges origin
      -> destination ("origin precedes destination"). An association from an
      item to itself is an error; so is a cycle.
    * Left out and listed in ``.skipped`` with the reason: associations of
      other types (``exactMatchOf``, ``isRelatedTo``...), associations whose
      origin or destination is not an item of this package (another
      framework's node, or the CFDocument for a prerequisite), repeats of an
      association already read, and grouping items: items with children and
      no prerequisite link, which organise the framework but are not skills.
    * Column order: the framework's reading order (a depth-first walk of the
      tree in ``sequenceNumber`` order from the top-level items, then any
      items without a parent item, in package order), except that a skill's
      prerequisites not yet placed are placed just before it (depth first,
      in reading order). So every prerequisite comes before the skills it
      opens, the columns read like the published framework (not like the
      lexicographic order of UUIDs), and the same package always gives the
      same columns whatever the order of its associations.

    Where the specification and a convenience disagree, the specification wins:
    association types must be spelt exactly (``"IsChildOf"`` is an error
    that suggests ``"isChildOf"``) and extensions must start with ``ext:``;
    ``sequenceNumber`` must be an int32; an item's ``sequence`` comes from its
    ``isChildOf`` association, because CASE 1.1 orders items there, not on
    the item; ``isChildOf`` (the tree) cannot be a prerequisite type; unknown
    top-level fields are errors (the schema allows none). Three relaxations,
    each harmless here: identifiers may use upper-case hexadecimal letters and
    any UUID variant (RFC 4122 reads UUIDs case-insensitively; the binding's
    pattern is lower-case, variant 8 to b), but are still compared exactly;
    a JSON ``null`` in an optional text field (``humanCodingScheme``...) is
    read as absent; and fields of items and associations that this reader
    does not use are ignored, so CASE 1.0 packages (the same field names,
    plus fields that 1.1 dropped such as ``CFDocumentURI``) read the same way.

    Reading takes time linear in the number of items and associations, plus
    sorting each parent's children; it costs a few times as much as parsing
    the JSON text.

    Examples
    --------
    >>> import json
    >>> from personalise.io.case import read_case
    >>> uid = "00000000-0000-4000-8000-{:012d}".format
    >>> text = json.dumps({
    ...     "CFDocument": {"identifier": uid(0), "title": "Number, Year 1"},
    ...     "CFItems": [{"identifier": uid(n), "humanCodingScheme": f"N.{n}", "fullStatement": text}
    ...                 for n, text in [(1, "Count to 20"), (2, "Add within 10"), (3, "Subtract within 10")]],
    ...     "CFAssociations": [
    ...         {"identifier": uid(11), "associationType": "precedes",
    ...          "originNodeURI": {"identifier": uid(1)}, "destinationNodeURI": {"identifier": uid(2)}},
    ...         {"identifier": uid(12), "associationType": "precedes",
    ...          "originNodeURI": {"identifier": uid(2)}, "destinationNodeURI": {"identifier": uid(3)}},
    ...         {"identifier": uid(13), "associationType": "isRelatedTo",
    ...          "originNodeURI": {"identifier": uid(3)}, "destinationNodeURI": {"identifier": uid(1)}}]})
    >>> framework = read_case(text)
    >>> [(framework.label(u), framework.label(v)) for u, v in framework.graph.edges()]
    [('N.1 Count to 20', 'N.2 Add within 10'), ('N.2 Add within 10', 'N.3 Subtract within 10')]
    >>> print(framework.skipped[0][1])
    association 00000000-0000-4000-8000-000000000013 isRelatedTo: not a prerequisite type (prerequisite_types=('precedes',))
    """
    types = check_prerequisite_types(prerequisite_types)
    if isinstance(source, Mapping):
        data: Any = source
        name = "the CASE package"
    else:
        try:
            text, name = read_text(source, "CASE package", error=GraphError, inline=_looks_like_json)
        except (ValueError, OSError) as err:
            if isinstance(err, PersonaliseError):
                raise
            # a path with a NUL character, a closed file, a failing stream
            raise GraphError(f"cannot read the CASE package {show(source)}: {err}", value=source) from None
        data = parse_json(text, name, error=GraphError)
    package = read_package(data, name, types)
    items = {identifier: CaseItem(**fields) for identifier, fields in package.items.items()}
    return CaseFramework(CaseDocument(**package.document), items, package.children, package.graph,
                         package.skipped, package.top_level, types)


def _looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


