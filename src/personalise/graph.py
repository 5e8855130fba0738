"""Prerequisite graphs compiled into frozen NumPy arrays.

An edge ``u -> v`` means "``u`` is needed before ``v``". :func:`compile_graph`
validates a graph once (acyclic, no self-loops, hashable ids) and returns a
:class:`CompiledGraph`: a frozen value object holding the skill ids in a
deterministic column order and CSR-style predecessor and successor arrays.
Everything downstream (readiness, recommendations, knowledge tracing) works on
these arrays; using a compiled graph never imports networkx.
"""

from __future__ import annotations

import heapq
import json
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_json_id,
    check_sequence,
    load_json_document,
    require_fields,
    writable_id,
)
from personalise.exceptions import (
    CyclicPrerequisiteError,
    GraphError,
    InvalidParameterError,
    UnknownSkillError,
)

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["CompiledGraph", "compile_graph"]

SCHEMA = "personalise.compiled_graph/1"

IntArray = NDArray[np.intp]


def _id_tuple(value: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return tuple(check_sequence(value, "skill_ids") or ())


_INTP_MAX = int(np.iinfo(np.intp).max)


def _frozen_int_array(value: Any) -> IntArray:
    array = np.array(value, dtype=np.intp, copy=True).reshape(-1)
    array.flags.writeable = False
    return array


def _index_array(name: str) -> Callable[[Any], IntArray]:
    """A converter: a 1-D integer array (an empty one of any real dtype) as a frozen intp copy, refusals naming ``name``."""

    def convert(value: Any) -> IntArray:
        array = as_array(value, name, ndim=1)
        if array.size and (array.dtype.kind not in "iu" or (array.dtype.kind == "u" and int(array.max()) > _INTP_MAX)):
            shown = f"dtype {array.dtype}" if array.dtype.kind not in "iu" else f"{int(array.max())}"
            raise InvalidParameterError(f"{name} must hold integers (column positions); got {shown}", value=array.dtype)
        return _frozen_int_array(array)

    return convert


def _array_field(name: str) -> Any:
    # Arrays take part in equality but not in the hash (equal graphs have equal skill ids).
    return attrs.field(converter=_index_array(name), eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False)


#: Kernel constants kept per graph (see ``CompiledGraph._memoised``).
_MEMO_SIZE = 16

#: Guards every change to a graph's memo (reads need no lock).
_MEMO_LOCK = threading.Lock()


def _derived_field() -> Any:
    return attrs.field(init=False, eq=False, repr=False)


@attrs.frozen(repr=False)
class CompiledGraph:
    """A prerequisite graph compiled into frozen NumPy arrays.

    Build one with :func:`compile_graph`, :func:`read_edge_csv` or
    :meth:`from_json`; the constructor is the low-level form that those use.
    Column ``j`` of every learner-by-skill array belongs to ``skill_ids[j]``.

    Parameters
    ----------
    skill_ids : tuple of hashable
        The skill ids in column order. Unique, none of them ``None``.
    pred_indptr : ndarray of intp, shape (n_skills + 1,)
        CSR row pointers: the direct prerequisites of skill ``j`` are
        ``pred_indices[pred_indptr[j]:pred_indptr[j + 1]]``.
    pred_indices : ndarray of intp, shape (n_edges,)
        Column indices of direct prerequisites, sorted within each skill.

    Attributes
    ----------
    succ_indptr, succ_indices : ndarray of intp
        The same CSR layout for direct successors (the skills each skill unlocks).
    n_descendants : ndarray of intp, shape (n_skills,)
        How many skills (directly or indirectly) require each skill.
    depth : ndarray of intp, shape (n_skills,)
        Length of the longest prerequisite chain ending at each skill (roots: 0).

    Raises
    ------
    InvalidParameterError
        If ``skill_ids`` is not a sequence, or an array is not made of
        integers (an empty one may have any real dtype).
    ShapeError
        If an array is not 1-D or is ragged.
    GraphError
        If an id is None, NaN, unhashable or repeated, or the arrays do not
        describe a graph on ``skill_ids`` (lengths, ranges, sortedness,
        self-loops); :class:`CyclicPrerequisiteError` for a cycle.

    Notes
    -----
    Construction validates the arrays (ranges, sortedness, no self-loops, no
    cycles) and derives successors, descendant counts and depths in
    O(V + E) time plus O(V * E / 64) for the descendant counts.

    Examples
    --------
    >>> import personalise as pl
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare")])
    >>> g
    CompiledGraph(n_skills=4, n_edges=3, skill_ids=('count', 'add', 'compare', 'multiply'))
    >>> g.index_of("add")
    1
    >>> g.n_descendants.tolist()
    [3, 1, 0, 0]
    >>> g.prerequisites_of("multiply")
    ('add',)
    """

    skill_ids: tuple[Hashable, ...] = attrs.field(converter=_id_tuple)
    pred_indptr: IntArray = _array_field("pred_indptr")
    pred_indices: IntArray = _array_field("pred_indices")
    succ_indptr: IntArray = _derived_field()
    succ_indices: IntArray = _derived_field()
    n_descendants: IntArray = _derived_field()
    depth: IntArray = _derived_field()
    _index: dict[Hashable, int] = _derived_field()
    _memo: dict[Hashable, Any] = _derived_field()

    def __attrs_post_init__(self) -> None:
        n = len(self.skill_ids)
        index: dict[Hashable, int] = {}
        for position, skill in enumerate(self.skill_ids):
            _check_skill_id(skill, f"skill_ids[{position}]")
            if skill in index:
                raise GraphError(f"skill_ids must be unique; {skill!r:.80} appears twice (positions {index[skill]} "
                                 f"and {position})", value=skill)
            index[skill] = position
        indptr, indices = self.pred_indptr, self.pred_indices
        if indptr.shape != (n + 1,):
            raise GraphError(f"pred_indptr must have n_skills + 1 = {n + 1} entries (one more than skill_ids); "
                             f"got {indptr.size}", value=indptr.shape)
        if indptr[0] != 0 or indptr[-1] != indices.size:
            raise GraphError(f"pred_indptr must run from 0 to the length of pred_indices ({indices.size}); got "
                             f"{int(indptr[0])}..{int(indptr[-1])}", value=(int(indptr[0]), int(indptr[-1])))
        steps = np.diff(indptr)
        if steps.size and steps.min() < 0:
            at = int(np.argmax(steps < 0))
            raise GraphError(f"pred_indptr must be non-decreasing; got {int(indptr[at])} then {int(indptr[at + 1])} "
                             f"at position {at + 1}", value=indptr[at + 1].item())
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            raise GraphError(f"pred_indices must lie in [0, {n}) (columns of skill_ids); got "
                             f"{indices.min()}..{indices.max()}", value=indices)
        owner = np.repeat(np.arange(n, dtype=np.intp), steps)
        loops = np.flatnonzero(owner == indices)
        if loops.size:
            skill = self.skill_ids[int(owner[loops[0]])]
            raise GraphError(f"self-loop: skill {skill!r} is listed as its own prerequisite in pred_indices", value=skill)
        if indices.size > 1:
            same_owner = owner[1:] == owner[:-1]
            if np.any(same_owner & (indices[1:] <= indices[:-1])):
                raise GraphError("pred_indices must be strictly increasing within each skill", value=indices)
        self._derive(index, owner)

    @classmethod
    def _trusted(cls, skill_ids: tuple[Hashable, ...], pred_indptr: IntArray, pred_indices: IntArray) -> CompiledGraph:
        """The graph of arrays already known to be valid (built by :func:`compile_graph`), checks skipped.

        ``skill_ids`` must be unique valid ids, the arrays fresh intp CSR
        arrays (sorted, in range, no self-loops) that nobody else holds.
        Cycles are still found, by the topological sort every graph needs.
        """
        self = object.__new__(cls)
        set_ = object.__setattr__
        for name, array in (("pred_indptr", pred_indptr), ("pred_indices", pred_indices)):
            array.flags.writeable = False
            set_(self, name, array)
        set_(self, "skill_ids", skill_ids)
        n = len(skill_ids)
        self._derive(dict(zip(skill_ids, range(n))), np.repeat(np.arange(n, dtype=np.intp), np.diff(pred_indptr)))
        return self

    def _derive(self, index: dict[Hashable, int], owner: IntArray) -> None:
        """Set the successor arrays, descendant counts, depths, id index and memo from the checked fields."""
        n = len(self.skill_ids)
        indptr, indices = self.pred_indptr, self.pred_indices
        order = np.argsort(indices, kind="stable")
        succ_indptr = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(np.bincount(indices, minlength=n), out=succ_indptr[1:])
        succ_indices = owner[order]
        topo = _topological_order(n, indptr, indices, succ_indptr, succ_indices, self.skill_ids)
        depth = np.zeros(n, dtype=np.intp)
        for v in topo:
            preds = indices[indptr[v] : indptr[v + 1]]
            if preds.size:
                depth[v] = depth[preds].max() + 1
        set_ = object.__setattr__
        set_(self, "succ_indptr", _frozen_int_array(succ_indptr))
        set_(self, "succ_indices", _frozen_int_array(succ_indices))
        set_(self, "n_descendants", _frozen_int_array(_descendant_counts(topo, succ_indptr, succ_indices)))
        set_(self, "depth", _frozen_int_array(depth))
        set_(self, "_index", index)
        set_(self, "_memo", {})

    def _memoised(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per graph and ``key`` (kernel constants derived from the graph).

        The graph never changes, so a memoised value never goes stale. Values
        must be immutable (read-only arrays, frozen objects): threads share
        them. At most :data:`_MEMO_SIZE` keys are kept; the oldest is dropped.
        Two threads asking at once may both compute; the first value stored is
        the one both get. Storing holds :data:`_MEMO_LOCK`, so the bound holds
        however many threads share the graph.
        """
        try:
            return self._memo[key]
        except KeyError:
            pass
        value = make()
        with _MEMO_LOCK:
            memo = self._memo
            if key in memo:  # another thread stored it meanwhile
                return memo[key]
            while len(memo) >= _MEMO_SIZE:
                del memo[next(iter(memo))]
            memo[key] = value
        return value

    # ------------------------------------------------------------------ basics
    @property
    def n_skills(self) -> int:
        """Number of skills (columns)."""
        return len(self.skill_ids)

    @property
    def n_edges(self) -> int:
        """Number of direct prerequisite edges."""
        return int(self.pred_indices.size)

    def __repr__(self) -> str:
        shown = self.skill_ids if self.n_skills <= 6 else (*self.skill_ids[:5], "...")
        ids = "(" + ", ".join("..." if s == "..." and i == 5 else repr(s) for i, s in enumerate(shown)) + ")"
        return f"CompiledGraph(n_skills={self.n_skills}, n_edges={self.n_edges}, skill_ids={ids})"

    def index_of(self, skill_id: Hashable) -> int:
        """Return the column index of ``skill_id``.

        Raises
        ------
        UnknownSkillError
            If ``skill_id`` is not a skill of this graph (an unhashable value,
            such as a list or an array, never is); the message names
            ``skill_id``.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.compile_graph([("a", "b")]).index_of("b")
        1
        """
        try:
            return self._index[skill_id]
        except (KeyError, TypeError):
            raise self._unknown(skill_id, "skill_id") from None

    def _unknown(self, skill: object, what: str) -> UnknownSkillError:
        """The error for a lookup of ``skill`` that failed, naming the argument ``what``."""
        try:
            hash(skill)
        except TypeError:
            return UnknownSkillError(f"{what} must be a hashable skill id; got {skill!r:.80}", value=skill)
        return UnknownSkillError(f"unknown {what} {skill!r:.80}: not in the compiled graph", value=skill)

    def indices_of(self, skill_ids: Iterable[Hashable]) -> IntArray:
        """Return the column indices of several skills as an intp array.

        Raises
        ------
        InvalidParameterError
            If ``skill_ids`` is not a sequence (a single id, a string, a mapping).
        UnknownSkillError
            If one of ``skill_ids`` is not a skill of this graph.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.compile_graph([("a", "b"), ("b", "c")]).indices_of(["c", "a"]).tolist()
        [2, 0]
        """
        index = self._index
        columns: list[int] = []
        for position, skill in enumerate(check_sequence(skill_ids, "skill_ids") or ()):
            try:
                columns.append(index[skill])
            except (KeyError, TypeError):
                raise self._unknown(skill, f"skill_ids[{position}]") from None
        return np.array(columns, dtype=np.intp)

    def prerequisites_of(self, skill_id: Hashable) -> tuple[Hashable, ...]:
        """Return the direct prerequisites of ``skill_id`` in column order.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.compile_graph([("a", "c"), ("b", "c")]).prerequisites_of("c")
        ('a', 'b')
        """
        j = self.index_of(skill_id)
        return tuple(self.skill_ids[i] for i in self.pred_indices[self.pred_indptr[j] : self.pred_indptr[j + 1]])

    def successors_of(self, skill_id: Hashable) -> tuple[Hashable, ...]:
        """Return the skills that list ``skill_id`` as a direct prerequisite.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.compile_graph([("a", "b"), ("a", "c")]).successors_of("a")
        ('b', 'c')
        """
        j = self.index_of(skill_id)
        return tuple(self.skill_ids[i] for i in self.succ_indices[self.succ_indptr[j] : self.succ_indptr[j + 1]])

    def edges(self) -> Iterator[tuple[Hashable, Hashable]]:
        """Yield every ``(prerequisite, skill)`` edge, grouped by skill in column order.

        Examples
        --------
        >>> import personalise as pl
        >>> list(pl.compile_graph([("a", "b"), ("b", "c")]).edges())
        [('a', 'b'), ('b', 'c')]
        """
        ids = self.skill_ids
        for j in range(self.n_skills):
            for i in self.pred_indices[self.pred_indptr[j] : self.pred_indptr[j + 1]]:
                yield ids[i], ids[j]

    # ------------------------------------------------------------ conversions
    def to_networkx(self) -> nx.DiGraph:
        """Return a new ``networkx.DiGraph`` with an edge ``u -> v`` per prerequisite.

        Nodes are added in column order and carry a ``column`` attribute.

        Examples
        --------
        >>> import personalise as pl
        >>> G = pl.compile_graph([("a", "b")]).to_networkx()
        >>> list(G.edges), G.nodes["b"]["column"]
        ([('a', 'b')], 1)
        """
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from((skill, {"column": j}) for j, skill in enumerate(self.skill_ids))
        graph.add_edges_from(self.edges())
        return graph

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready dict form (see :meth:`to_json`).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.compile_graph([("a", "b")]).to_dict()
        {'schema': 'personalise.compiled_graph/1', 'skill_ids': ['a', 'b'], 'edges': [['a', 'b']]}
        """
        for skill in self.skill_ids:
            writable_id(skill)
        return {
            "schema": SCHEMA,
            "skill_ids": list(self.skill_ids),
            "edges": [[u, v] for u, v in self.edges()],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the graph as a JSON document with a ``"schema"`` field.

        The document lists ``skill_ids`` in column order and the ``edges`` as
        ``[prerequisite, skill]`` pairs; :meth:`from_json` restores an equal
        graph with the same column order.

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([("a", "b"), ("a", "c")])
        >>> pl.CompiledGraph.from_json(g.to_json()) == g
        True
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> CompiledGraph:
        """Rebuild a graph from :meth:`to_json` output (text or the parsed dict).

        Raises
        ------
        InvalidParameterError
            If the document is not valid JSON, has another ``"schema"``, or
            lacks a field.
        GraphError
            If the edges form an invalid graph (cycle, self-loop, unknown skill).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.CompiledGraph.from_json('{"schema": "personalise.compiled_graph/1", '
        ...                            '"skill_ids": ["a", "b"], "edges": [["a", "b"]]}')
        CompiledGraph(n_skills=2, n_edges=1, skill_ids=('a', 'b'))
        """
        data = load_json_document(document, SCHEMA)
        require_fields(data, ("skill_ids", "edges"), "compiled graph")
        skill_ids = data["skill_ids"]
        if not isinstance(skill_ids, list):
            raise InvalidParameterError(f"field 'skill_ids' must be a list; got {skill_ids!r}", value=skill_ids)
        raw_edges = data["edges"]
        if not isinstance(raw_edges, list):
            raise InvalidParameterError(f"field 'edges' must be a list; got {raw_edges!r}", value=raw_edges)
        known = set()
        for position, skill in enumerate(skill_ids):
            _check_skill_id(skill)  # None, NaN: a GraphError, as for any graph
            check_json_id(skill, f"field 'skill_ids'[{position}]")  # what to_json writes: str or int
            known.add(skill)
        edges = []
        for edge in raw_edges:
            if not isinstance(edge, list) or len(edge) != 2:
                raise InvalidParameterError(f"each edge must be a [prerequisite, skill] pair; got {edge!r}", value=edge)
            for end in edge:
                _check_skill_id(end)
                if end not in known:
                    raise GraphError(f"edge {edge!r} names {end!r}, which is not in 'skill_ids'", value=end)
            edges.append((edge[0], edge[1]))
        return compile_graph(edges, skill_order=skill_ids, skills=skill_ids)


def _check_skill_id(skill: object, what: str = "skill ids") -> None:
    """Raise a GraphError naming ``what`` unless ``skill`` can be a skill id (hashable, not None, not NaN)."""
    if skill is None:
        raise GraphError(f"{what} must not be None", value=skill)
    try:
        hash(skill)
    except TypeError:
        raise GraphError(f"{what} must be hashable; got {skill!r:.80}", value=skill) from None
    if isinstance(skill, (float, np.floating)) and skill != skill:
        raise GraphError(f"{what} must not be NaN", value=skill)


def _topological_order(
    n: int,
    pred_indptr: IntArray,
    pred_indices: IntArray,
    succ_indptr: IntArray,
    succ_indices: IntArray,
    skill_ids: Sequence[Hashable],
) -> list[int]:
    """Kahn's algorithm on CSR arrays; raises CyclicPrerequisiteError naming a cycle."""
    indegree = np.diff(pred_indptr).tolist()
    stack = [j for j in range(n) if indegree[j] == 0]
    order: list[int] = []
    succ_ptr = succ_indptr.tolist()
    succ = succ_indices.tolist()
    while stack:
        u = stack.pop()
        order.append(u)
        for v in succ[succ_ptr[u] : succ_ptr[u + 1]]:
            indegree[v] -= 1
            if indegree[v] == 0:
                stack.append(v)
    if len(order) < n:
        remaining = {j for j in range(n) if indegree[j] > 0}
        cycle = _find_cycle(remaining, lambda v: pred_indices[pred_indptr[v] : pred_indptr[v + 1]].tolist())
        names = [skill_ids[j] for j in cycle]
        raise _cycle_error(names)
    return order


def _find_cycle(remaining: set[int], preds_of: Any) -> list[int]:
    """Walk prerequisites inside ``remaining`` (all on or behind a cycle) until a node repeats."""
    start = min(remaining)
    seen: dict[int, int] = {}
    walk: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = next(p for p in preds_of(node) if p in remaining)
    cycle = walk[seen[node] :]
    cycle.reverse()  # the walk followed prerequisites backwards
    return cycle


def _cycle_error(names: list[Hashable]) -> CyclicPrerequisiteError:
    try:
        first = names.index(min(names))  # type: ignore[type-var]
    except TypeError:
        first = 0
    names = names[first:] + names[:first]
    text = " -> ".join(repr(s) for s in [*names, names[0]])
    return CyclicPrerequisiteError(f"prerequisite graph has a cycle: {text}", cycle=names)


def _descendant_counts(topo: list[int], succ_indptr: IntArray, succ_indices: IntArray) -> IntArray:
    """Count descendants with Python-int bitsets in reverse topological order."""
    reach = [0] * len(topo)
    ptr = succ_indptr.tolist()
    succ = succ_indices.tolist()
    for u in reversed(topo):
        bits = 0
        for v in succ[ptr[u] : ptr[u + 1]]:
            bits |= reach[v] | (1 << v)
        reach[u] = bits
    return np.array([bits.bit_count() for bits in reach], dtype=np.intp)


def compile_graph(
    graph: Any,
    *,
    skill_order: Sequence[Hashable] | None = None,
    skills: Iterable[Hashable] | None = None,
) -> CompiledGraph:
    """Validate a prerequisite graph and compile it into a :class:`CompiledGraph`.

    Parameters
    ----------
    graph : networkx.DiGraph or iterable of (prerequisite, skill) pairs
        Edge ``u -> v`` means "``u`` is needed before ``v``". With a DiGraph,
        isolated nodes become skills too; duplicate pairs are merged.
    skill_order : sequence of hashable, optional
        The column order: every skill exactly once. By default the order is
        the lexicographic topological order (among the skills whose
        prerequisites are placed, the smallest id comes first), so the same
        graph always gives the same columns.
    skills : iterable of hashable, optional
        Extra skills with no edges (isolated skills) when ``graph`` is a list
        of pairs.

    Returns
    -------
    CompiledGraph

    Raises
    ------
    CyclicPrerequisiteError
        If the prerequisites form a cycle; ``.cycle`` lists it.
    GraphError
        On a self-loop, an undirected graph, or ids that are None, NaN or
        unhashable.
    InvalidParameterError
        If an edge is not a pair, or ``skill_order`` misses or repeats a
        skill, or ids cannot be ordered and no ``skill_order`` is given.
    UnknownSkillError
        If ``skill_order`` names a skill that is not in the graph.

    Notes
    -----
    O((V + E) log V) time. The result holds NumPy arrays only; networkx is
    imported only when ``graph`` is a networkx object is passed (never by
    this module itself).

    Examples
    --------
    >>> import personalise as pl
    >>> pl.compile_graph([("b", "c"), ("a", "c")]).skill_ids
    ('a', 'b', 'c')
    >>> import networkx as nx
    >>> G = nx.DiGraph([("fractions", "decimals")])
    >>> G.add_node("shapes")
    >>> pl.compile_graph(G).skill_ids
    ('fractions', 'decimals', 'shapes')
    """
    nodes, edges = _nodes_and_edges(graph, skills)
    index = {skill: j for j, skill in enumerate(nodes)}
    n = len(nodes)
    preds: list[set[int]] = [set() for _ in range(n)]
    for u, v in edges:
        if u == v:
            raise GraphError(f"self-loop: skill {u!r} is listed as its own prerequisite", value=u)
        preds[index[v]].add(index[u])
    if skill_order is None:
        order = _lexicographic_topological_order(nodes, preds)
    else:
        order = _check_skill_order(skill_order, index)
    column = np.empty(n, dtype=np.intp)
    column[order] = np.arange(n, dtype=np.intp)
    indptr = np.zeros(n + 1, dtype=np.intp)
    indices: list[int] = []
    for j, node in enumerate(order):
        indices.extend(sorted(int(column[i]) for i in preds[node]))
        indptr[j + 1] = len(indices)
    return CompiledGraph._trusted(tuple(nodes[i] for i in order), indptr, np.array(indices, dtype=np.intp))


def _nodes_and_edges(graph: Any, skills: Iterable[Hashable] | None) -> tuple[list[Hashable], list[tuple[Hashable, Hashable]]]:
    nodes: dict[Hashable, None] = {}

    def add(skill: Hashable) -> None:
        _check_skill_id(skill)
        nodes.setdefault(skill, None)

    if hasattr(graph, "is_directed") and hasattr(graph, "edges") and hasattr(graph, "nodes"):
        if not graph.is_directed():
            raise GraphError("prerequisite graph must be directed (a networkx DiGraph); got an undirected graph", value=type(graph).__name__)
        for node in graph.nodes:
            add(node)
        pairs: Iterable[Any] = list(graph.edges())
    elif isinstance(graph, (str, bytes, Mapping)):
        raise InvalidParameterError(
            f"graph must be a networkx DiGraph or an iterable of (prerequisite, skill) pairs; got {type(graph).__name__}",
            value=graph,
        )
    else:
        try:
            pairs = list(graph)
        except TypeError:
            raise InvalidParameterError(
                f"graph must be a networkx DiGraph or an iterable of (prerequisite, skill) pairs; got {graph!r}",
                value=graph,
            ) from None
    edges: list[tuple[Hashable, Hashable]] = []
    for position, item in enumerate(pairs):
        if isinstance(item, (str, bytes)) or not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InvalidParameterError(
                f"graph must hold (prerequisite, skill) pairs; got {item!r:.80} at position {position}", value=item)
        u, v = item
        add(u)
        add(v)
        edges.append((u, v))
    for skill in skills or ():
        add(skill)
    return list(nodes), edges


def _lexicographic_topological_order(nodes: list[Hashable], preds: list[set[int]]) -> list[int]:
    n = len(nodes)
    succ: list[list[int]] = [[] for _ in range(n)]
    indegree = [len(p) for p in preds]
    for v, ps in enumerate(preds):
        for u in ps:
            succ[u].append(v)
    try:
        heap = [(nodes[j], j) for j in range(n) if indegree[j] == 0]
        heapq.heapify(heap)
        order: list[int] = []
        while heap:
            _, u = heapq.heappop(heap)
            order.append(u)
            for v in succ[u]:
                indegree[v] -= 1
                if indegree[v] == 0:
                    heapq.heappush(heap, (nodes[v], v))
    except TypeError:
        raise InvalidParameterError(
            "skill ids of different types cannot be ordered; pass skill_order= or use ids of one type",
            value=tuple({type(s).__name__ for s in nodes}),
        ) from None
    if len(order) < n:
        remaining = {j for j in range(n) if indegree[j] > 0}
        cycle = _find_cycle(remaining, lambda v: sorted(preds[v]))
        raise _cycle_error([nodes[j] for j in cycle])
    return order


def _check_skill_order(skill_order: Sequence[Hashable], index: Mapping[Hashable, int]) -> list[int]:
    if isinstance(skill_order, (str, bytes)):
        raise InvalidParameterError("skill_order must be a sequence of skill ids, not a string", value=skill_order)
    order: list[int] = []
    seen: set[int] = set()
    for skill in skill_order:
        try:
            j = index[skill]
        except (KeyError, TypeError):
            raise UnknownSkillError(f"skill_order names {skill!r}, which is not a skill of the graph", value=skill) from None
        if j in seen:
            raise InvalidParameterError(f"skill_order lists {skill!r} more than once", value=skill)
        seen.add(j)
        order.append(j)
    if len(order) != len(index):
        missing = next(s for s, j in index.items() if j not in seen)
        raise InvalidParameterError(f"skill_order must list every skill; {missing!r} is missing", value=missing)
    return order
