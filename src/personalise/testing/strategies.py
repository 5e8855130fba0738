"""Hypothesis strategies for the library's inputs and value objects.

Each function takes keyword-only options and returns a
:class:`hypothesis.strategies.SearchStrategy`. The objects are built from
hypothesis' own primitives, so a failing example shrinks to a small one
(few skills, few learners, simple ids). Values that catch bugs are mixed in
on purpose: mastery exactly 0, exactly 1 and exactly at the threshold (and
the floats next to it), ties in time, repeated observations, rows that
arrive late and voided statements.

Prerequisite edges run ``u -> v`` when ``u`` is needed before ``v``.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from personalise._validation import (
    check_flag,
    check_ids,
    check_int,
    check_texts,
    check_threshold,
)
from personalise.evidence import Evidence, MasteryTable
from personalise.exceptions import InvalidParameterError
from personalise.graph import CompiledGraph, compile_graph
from personalise.scaffolds.fading import (
    FadingRule,
    backward_fading,
    contingent_fading,
    exponential_fading,
    linear_fading,
    mastery_fading,
    stepwise_fading,
)
from personalise.scaffolds.scaffold import KINDS, Scaffold
from personalise.simulation.policies import (
    POLICIES,
    AdaptiveContent,
    FadingScaffolds,
    FixedGroups,
    FlexibleGroups,
    MasteryLearning,
    PermanentScaffolds,
    ResponsiveTeaching,
    TieredTasks,
    WholeClassPace,
)
from personalise.simulation.protocol import Policy

__all__ = [
    "ID_KINDS",
    "RULE_KINDS",
    "compiled_graphs",
    "evidence",
    "fading_rules",
    "graphs",
    "mastery_arrays",
    "mastery_tables",
    "policies",
    "scaffolds",
]

#: The kinds of id the strategies draw: short strings or non-negative integers (one kind per object).
ID_KINDS = ("str", "int")
#: The fading rules :func:`fading_rules` draws, by the name of their factory (without ``_fading``).
RULE_KINDS = ("linear", "exponential", "stepwise", "contingent", "backward", "mastery")

#: The most skills, learners, array rows or columns and scaffold opportunities an option may ask for.
_MOST = 1000
#: The most evidence rows an option may ask for (each row takes several draws: hypothesis' buffer is finite).
_MOST_ROWS = 200

_START = np.datetime64("2026-09-01T09:00:00", "us")
_LETTERS = "abcdefghijklmnopqrstuvwxyz_"


# ------------------------------------------------------------------ helpers
def _names(value: object, name: str, allowed: Sequence[str]) -> list[str]:
    """``value`` (one name or a sequence of names) as a list: not empty, each one of ``allowed``."""
    names = [value] if isinstance(value, str) else list(check_texts(value, name))
    if not names or any(item not in allowed for item in names):
        raise InvalidParameterError(f"{name} must name some of {tuple(allowed)}; got {value!r:.80}", value=value)
    return names


def _ids(kind: str, n: int) -> st.SearchStrategy[list[Hashable]]:
    """``n`` distinct ids of one kind; strings share prefixes so that their order matters."""
    element: st.SearchStrategy[Any] = (
        st.integers(0, 10 * n + 10) if kind == "int" else st.text(_LETTERS, min_size=1, max_size=4)
    )
    return st.lists(element, min_size=n, max_size=n, unique=True)


def _sizes(min_value: object, max_value: object, name: str, most: int = _MOST) -> tuple[int, int]:
    low = check_int(min_value, f"min_{name}", minimum=0, maximum=most)
    high = check_int(max_value, f"max_{name}", minimum=0, maximum=most)
    if high < low:
        raise InvalidParameterError(f"max_{name} must be at least min_{name} ({low}); got {max_value!r}",
                                    value=max_value)
    return low, high


def _special_values(dtype: Any, threshold: float) -> list[float]:
    """0, 1, the threshold in ``dtype`` and the floats on either side of it, all in [0, 1]."""
    kind = np.dtype(dtype).type
    zero, one, limit = kind(0), kind(1), kind(threshold)
    values = [zero, one, limit, np.nextafter(limit, zero), np.nextafter(limit, one), np.nextafter(one, zero)]
    return sorted({float(np.clip(v, zero, one)) for v in values})


def _graph_of(graph: Any) -> CompiledGraph:
    if isinstance(graph, CompiledGraph):
        return graph
    if isinstance(graph, nx.DiGraph):
        return compile_graph(graph)
    raise InvalidParameterError(
        f"graph must be a CompiledGraph, a networkx DiGraph or None; got {type(graph).__name__}", value=graph
    )


# ------------------------------------------------------------------ graphs
@st.composite
def _graphs(
    draw: st.DrawFn, min_skills: int, max_skills: int, acyclic: bool, kinds: list[str], max_edges: int | None
) -> nx.DiGraph:
    n = draw(st.integers(min_skills, max_skills))
    ids = draw(_ids(draw(st.sampled_from(kinds)), n))  # drawn in random order: the order is the rank
    G = nx.DiGraph()
    G.add_nodes_from(ids)
    if n < 2:
        return G
    limit = (n * (n - 1) // (2 if acyclic else 1)) if max_edges is None else min(max_edges, n * (n - 1))
    if not acyclic and limit >= 2 and draw(st.booleans()):  # often a cycle for sure: a ring through some skills
        ring = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=min(n, 4, limit), unique=True))
        G.add_edges_from((ids[a], ids[b]) for a, b in zip(ring, ring[1:] + ring[:1]))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    if acyclic:  # from lower to higher rank: no cycle whatever the ids
        pairs = pairs.map(lambda p: (min(p), max(p)))
    for a, b in draw(st.lists(pairs, max_size=limit - G.number_of_edges(), unique=True)):
        G.add_edge(ids[a], ids[b])
    return G


def graphs(
    *,
    min_skills: int = 1,
    max_skills: int = 12,
    acyclic: bool = True,
    id_kinds: Sequence[str] = ID_KINDS,
    max_edges: int | None = None,
) -> st.SearchStrategy[nx.DiGraph]:
    """Prerequisite graphs: networkx DiGraphs whose edge ``u -> v`` means ``u`` is needed before ``v``.

    Parameters
    ----------
    min_skills, max_skills : int, default 1 and 12
        Bounds on the number of skills (nodes), at most 1000.
    acyclic : bool, default True
        True gives DAGs that :func:`~personalise.compile_graph` accepts
        (possibly with isolated skills). False may include cycles (often a
        ring through two to four skills), never a self-loop.
    id_kinds : sequence of {"str", "int"}, default both
        The kinds of skill id; each graph uses one kind (so that ids can be
        ordered).
    max_edges : int, optional
        At most this many edges, ring included (default: any number).

    Returns
    -------
    SearchStrategy of networkx.DiGraph

    Raises
    ------
    InvalidParameterError
        If a bound is not an integer in [0, 1000], ``max_skills`` is below
        ``min_skills``, ``max_edges`` is negative, ``acyclic`` is not a bool
        or ``id_kinds`` names another kind. Options are checked when the
        strategy is made, not when it draws.

    Examples
    --------
    >>> import networkx as nx
    >>> from hypothesis import given, settings
    >>> from personalise.testing import graphs
    >>> @settings(max_examples=20)
    ... @given(graphs(max_skills=6))
    ... def test_prerequisite_graphs_are_acyclic(G):
    ...     assert nx.is_directed_acyclic_graph(G) and 1 <= len(G) <= 6
    >>> test_prerequisite_graphs_are_acyclic()
    """
    low, high = _sizes(min_skills, max_skills, "skills")
    if max_edges is not None:
        max_edges = check_int(max_edges, "max_edges", minimum=0)
    return _graphs(low, high, check_flag(acyclic, "acyclic"), _names(id_kinds, "id_kinds", ID_KINDS), max_edges)


@st.composite
def _compiled(draw: st.DrawFn, graph_strategy: st.SearchStrategy[nx.DiGraph], shuffle: bool) -> CompiledGraph:
    G = draw(graph_strategy)
    if shuffle and draw(st.booleans()):
        order = draw(st.permutations(list(G.nodes)))
        return compile_graph(G, skill_order=order)
    return compile_graph(G)


def compiled_graphs(
    *,
    min_skills: int = 1,
    max_skills: int = 12,
    id_kinds: Sequence[str] = ID_KINDS,
    max_edges: int | None = None,
    any_column_order: bool = True,
) -> st.SearchStrategy[CompiledGraph]:
    """:class:`~personalise.CompiledGraph`\\ s of the acyclic :func:`graphs`.

    Parameters
    ----------
    min_skills, max_skills, id_kinds, max_edges
        As for :func:`graphs`.
    any_column_order : bool, default True
        Sometimes compile with a random ``skill_order`` (not necessarily
        topological), so that code cannot assume prerequisites sit in lower
        columns. False always uses the default order.

    Returns
    -------
    SearchStrategy of CompiledGraph

    Raises
    ------
    InvalidParameterError
        As for :func:`graphs`, or if ``any_column_order`` is not a bool.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from personalise.testing import compiled_graphs
    >>> @settings(max_examples=20)
    ... @given(compiled_graphs(max_skills=5))
    ... def test_every_skill_has_a_column(graph):
    ...     assert [graph.index_of(s) for s in graph.skill_ids] == list(range(graph.n_skills))
    >>> test_every_skill_has_a_column()
    """
    strategy = graphs(min_skills=min_skills, max_skills=max_skills, id_kinds=id_kinds, max_edges=max_edges)
    return _compiled(strategy, check_flag(any_column_order, "any_column_order"))


# ----------------------------------------------------------------- mastery
def _dtypes(dtypes: Any) -> list[np.dtype[Any]]:
    items = [dtypes] if isinstance(dtypes, (type, np.dtype, str)) else check_ids(dtypes, "dtypes")
    out = []
    for item in items:
        try:
            dtype = None if item is None else np.dtype(item)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            dtype = None
        if dtype is None or dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise InvalidParameterError(f"dtypes must be float32 and/or float64; got {item!r}", value=item)
        out.append(dtype)
    if not out:
        raise InvalidParameterError("dtypes must name at least one of float32 and float64", value=dtypes)
    return out


def _values(dtype: np.dtype[Any], threshold: float) -> st.SearchStrategy[float]:
    floats = st.floats(0.0, 1.0, width=32) if dtype == np.float32 else st.floats(0.0, 1.0)
    return st.one_of(st.sampled_from(_special_values(dtype, threshold)), floats)


def _count(value: int | st.SearchStrategy[int] | None, name: str, default: int) -> st.SearchStrategy[int]:
    if value is None:
        return st.integers(0, default)
    if isinstance(value, st.SearchStrategy):
        return value.map(lambda drawn: check_int(drawn, f"a value drawn from {name}", minimum=0, maximum=_MOST))
    return st.just(check_int(value, name, minimum=0, maximum=_MOST))


@st.composite
def _arrays(
    draw: st.DrawFn, rows: st.SearchStrategy[int], columns: st.SearchStrategy[int], dtypes: list[np.dtype[Any]],
    threshold: float, read_only: bool,
) -> NDArray[np.floating[Any]]:
    dtype = draw(st.sampled_from(dtypes))
    shape = (draw(rows), draw(columns))
    array = draw(hnp.arrays(dtype, shape, elements=_values(dtype, threshold)))
    if draw(st.booleans()):  # a Fortran-ordered copy: code must not assume C order
        array = np.asfortranarray(array)
    array.flags.writeable = not read_only
    return array


def mastery_arrays(
    *,
    n_learners: int | st.SearchStrategy[int] | None = None,
    n_skills: int | st.SearchStrategy[int] | None = None,
    dtypes: Any = (np.float32, np.float64),
    threshold: float = 0.95,
    read_only: bool = True,
) -> st.SearchStrategy[NDArray[np.floating[Any]]]:
    """Mastery arrays of shape (n_learners, n_skills): P(mastery) in [0, 1], float32 or float64.

    Values are any floats in [0, 1] of the dtype, with 0, 1, the threshold
    (in the array's dtype) and its neighbouring floats mixed in: a skill is
    mastered *at* the threshold, not just above it. Arrays are C- or
    Fortran-ordered and read-only by default, so that code writing into
    its input fails loudly.

    Parameters
    ----------
    n_learners, n_skills : int or SearchStrategy of int, optional
        The shape (default: 0 to 12 learners, 0 to 8 skills), each at most
        1000. Pass ``graph.n_skills`` for arrays that fit a graph.
    dtypes : dtype or sequence of dtypes, default (float32, float64)
    threshold : float, default 0.95
        The threshold whose exact value (and neighbours) are mixed in.
    read_only : bool, default True

    Returns
    -------
    SearchStrategy of ndarray

    Raises
    ------
    InvalidParameterError
        If a size is not an integer in [0, 1000] (a strategy's draws are
        checked when drawn), ``dtypes`` names another dtype, ``threshold``
        is not in (0, 1] or ``read_only`` is not a bool.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from personalise.testing import mastery_arrays
    >>> @settings(max_examples=20)
    ... @given(mastery_arrays(n_skills=3))
    ... def test_values_are_probabilities(mastery):
    ...     assert mastery.shape[1] == 3 and not mastery.flags.writeable
    ...     assert ((mastery >= 0) & (mastery <= 1)).all()
    >>> test_values_are_probabilities()
    """
    limit = check_threshold(threshold)
    rows, columns = _count(n_learners, "n_learners", 12), _count(n_skills, "n_skills", 8)
    return _arrays(rows, columns, _dtypes(dtypes), limit, check_flag(read_only, "read_only"))


@st.composite
def _tables(
    draw: st.DrawFn, graph: Any, low: int, high: int, kinds: list[str], threshold: float, shuffle: bool
) -> MasteryTable:
    compiled = draw(compiled_graphs()) if graph is None else graph
    skills = list(compiled.skill_ids)
    if shuffle:
        skills = draw(st.permutations(skills))
    n = draw(st.integers(low, high))
    learners = draw(_ids(draw(st.sampled_from(kinds)), n))
    values = draw(hnp.arrays(np.float64, (n, len(skills)), elements=_values(np.dtype(np.float64), threshold)))
    return MasteryTable(learners, skills, values)


def mastery_tables(
    graph: Any = None,
    *,
    min_learners: int = 0,
    max_learners: int = 10,
    learner_id_kinds: Sequence[str] = ID_KINDS,
    threshold: float = 0.95,
    any_column_order: bool = True,
) -> st.SearchStrategy[MasteryTable]:
    """:class:`~personalise.MasteryTable`\\ s: P(mastery) with learner and skill ids.

    Parameters
    ----------
    graph : CompiledGraph or networkx.DiGraph, optional
        The skills of the table's columns (default: a graph drawn from
        :func:`compiled_graphs` for each table).
    min_learners, max_learners : int, default 0 and 10
        Bounds on the number of learners (an empty cohort is valid), at
        most 1000.
    learner_id_kinds : sequence of {"str", "int"}, default both
        The kinds of learner id (one kind per table).
    threshold : float, default 0.95
        Values exactly at it, and the floats on either side, are mixed in
        with 0, 1 and any value in [0, 1].
    any_column_order : bool, default True
        Columns in a random order (tables are matched to graphs by skill
        id); False keeps the graph's column order.

    Returns
    -------
    SearchStrategy of MasteryTable

    Raises
    ------
    InvalidParameterError
        If ``graph`` is not a graph, a bound is not an integer in [0, 1000]
        or out of order, ``learner_id_kinds`` names another kind,
        ``threshold`` is not in (0, 1] or ``any_column_order`` is not a bool.
    CyclicPrerequisiteError
        If ``graph`` is a networkx DiGraph with a cycle.

    Examples
    --------
    >>> import personalise as pl
    >>> from hypothesis import given, settings
    >>> from personalise.testing import mastery_tables
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply")])
    >>> @settings(max_examples=20)
    ... @given(mastery_tables(g, max_learners=4))
    ... def test_a_table_fits_its_graph(table):
    ...     assert sorted(table.skill_ids) == sorted(g.skill_ids)
    ...     assert pl.readiness(g, table).shape == (table.n_learners, g.n_skills)
    >>> test_a_table_fits_its_graph()
    """
    compiled = None if graph is None else _graph_of(graph)
    low, high = _sizes(min_learners, max_learners, "learners")
    return _tables(compiled, low, high, _names(learner_id_kinds, "learner_id_kinds", ID_KINDS), check_threshold(threshold),
                   check_flag(any_column_order, "any_column_order"))


# ---------------------------------------------------------------- evidence
def _id_list(
    values: Sequence[Hashable] | None, default: Sequence[Hashable], name: str, *, one_kind: bool = False
) -> list[Hashable]:
    """``values`` (default ``default``) as distinct ids, non-empty strings or ints (not bools), of one kind if asked."""
    items = list(default if values is None else check_ids(values, name))
    for position, item in enumerate(items):
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (str, numbers.Integral)) or item == "":
            raise InvalidParameterError(f"{name} must hold non-empty strings or integers; got {item!r:.80} at "
                                        f"position {position}", value=item)
    items = [item if isinstance(item, str) else int(item) for item in items]  # type: ignore[call-overload]
    if not items or len(set(items)) != len(items):
        raise InvalidParameterError(f"{name} must be a non-empty sequence of distinct ids; got {values!r:.80}",
                                    value=values)
    if one_kind and len({isinstance(item, str) for item in items}) > 1:
        raise InvalidParameterError(f"{name} must be all strings or all integers (as Evidence's ids are); got "
                                    f"{values!r:.80}", value=values)
    return items


def _row_times(minutes: list[int]) -> NDArray[np.datetime64]:
    return _START + np.array(minutes, dtype=np.int64) * np.timedelta64(7 * 60_000_000, "us")


@st.composite
def _evidence(
    draw: st.DrawFn, learners: list[Hashable], skills: list[Hashable], low: int, high: int, duplicates: bool,
    late: bool, voided: bool, id_kind: str,
) -> Evidence:
    least = max(low, 2 if late else 0, 1 if duplicates else 0)
    n = draw(st.integers(least, max(least, high)))
    rows = draw(st.lists(st.tuples(st.sampled_from(learners), st.sampled_from(skills),
                                   st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0)),
                                   st.integers(0, 6)),  # few distinct times: many ties
                         min_size=n, max_size=n))
    if duplicates:  # the same observation recorded twice (e.g. by two systems), under another evidence id
        copies = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=max(1, n // 3)))
        rows += [rows[i] for i in copies]
    rows.sort(key=lambda row: row[3])  # in time order ...
    if late:  # ... except rows that arrive after later ones (a mark entered late)
        if rows[0][3] == rows[-1][3]:  # one time only: a later observation, so that a row can come late
            rows.append((*rows[0][:2], 1.0, rows[-1][3] + 1))
        moves = draw(st.lists(st.integers(0, len(rows) - 2), min_size=1, max_size=3))
        for position in moves:
            rows.append(rows.pop(position))
        if all(a[3] <= b[3] for a, b in itertools.pairwise(rows)):  # every move was within a tie: move the first row
            rows.append(rows.pop(0))
    total = len(rows) + (2 * len(skills) if voided else 0)
    ids: list[Hashable] = list(range(1, total + 1)) if id_kind == "int" else [f"e{i:03d}" for i in range(total)]
    ids = draw(st.permutations(ids))
    kept, spare = ids[: len(rows)], ids[len(rows):]
    skipped: list[tuple[Hashable, str]] = []
    if voided:  # statements voided before the evidence was built: left out, and listed in .skipped
        n_void = draw(st.integers(1, max(1, len(spare) // 2)))
        for target, void in zip(spare[:n_void], spare[n_void: 2 * n_void]):
            skipped.append((target, f"voided by statement {void}"))
            skipped.append((void, f"it voids statement {target}, which is left out"))
    sources = draw(st.sampled_from([None, "xapi", "per-row"]))
    columns: list[list[Any]] = [list(column) for column in zip(*rows)] if rows else [[], [], [], []]
    times = _row_times(columns[3])
    if sources == "per-row":
        return Evidence(columns[0], columns[1], columns[2], times, kept,
                        sources=[draw(st.sampled_from(["xapi", "marks.csv"])) for _ in rows], skipped=skipped)
    return Evidence(columns[0], columns[1], columns[2], times, kept, sources=sources,
                    skipped=skipped)


def evidence(
    *,
    learner_ids: Sequence[Hashable] | None = None,
    skill_ids: Sequence[Hashable] | None = None,
    min_rows: int = 0,
    max_rows: int = 20,
    duplicates: bool = False,
    late: bool = False,
    voided: bool = False,
    evidence_id_kind: str = "str",
) -> st.SearchStrategy[Evidence]:
    """:class:`~personalise.Evidence`: observations with their ids, times and scores.

    Rows have scores in [0, 1] (often 0, 0.5 or 1), UTC times seven minutes
    apart with many ties (ties are ordered by evidence id), and unique
    evidence ids. Rows are in time order unless ``late``.

    Parameters
    ----------
    learner_ids, skill_ids : sequence of str or sequence of int, optional
        The distinct ids rows draw from, all strings or all integers
        (default ``("ann", "bo", "cy", "di")`` and
        ``("add", "count", "subtract")``); pass a graph's ``skill_ids`` for
        evidence about its skills.
    min_rows, max_rows : int, default 0 and 20
        Bounds on the number of observations (before duplicates are
        added), at most 200.
    duplicates : bool, default False
        At least one row repeats the learner, skill, score and time of
        another row under a different evidence id: the same observation
        recorded twice (an id repeated within one Evidence is an error, so
        this is how a repeat reaches code that reads Evidence).
    late : bool, default False
        At least one row comes after a row with a later time: rows are not
        in time order, as when a mark is entered late. Code must order by
        :meth:`~personalise.Evidence.order`, never by row position.
    voided : bool, default False
        ``.skipped`` lists voided statements as a reader leaves them: each
        voided id with ``"voided by statement <id>"`` and the voiding
        statement with ``"it voids statement <id>, which is left out"``.
        Neither id is among the rows' evidence ids.
    evidence_id_kind : {"str", "int"}, default "str"

    Returns
    -------
    SearchStrategy of Evidence

    Raises
    ------
    InvalidParameterError
        If an id list is empty, repeats an id or holds something other than
        non-empty strings and integers, a bound is not an integer in
        [0, 200] or out of order, a flag is not a bool, or
        ``evidence_id_kind`` is not one of ``"str"`` and ``"int"``.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> from personalise.testing import evidence
    >>> @settings(max_examples=20)
    ... @given(evidence(late=True, voided=True))
    ... def test_rows_arrive_late_and_voids_are_listed(ev):
    ...     assert (np.diff(ev.timestamps) < np.timedelta64(0)).any()
    ...     assert any(reason.startswith("voided by") for _, reason in ev.skipped)
    >>> test_rows_arrive_late_and_voids_are_listed()
    """
    learners = _id_list(learner_ids, ("ann", "bo", "cy", "di"), "learner_ids", one_kind=True)
    skills = _id_list(skill_ids, ("add", "count", "subtract"), "skill_ids", one_kind=True)
    low, high = _sizes(min_rows, max_rows, "rows", _MOST_ROWS)
    repeat, arrive_late, void = (check_flag(flag, name) for name, flag in
                                 (("duplicates", duplicates), ("late", late), ("voided", voided)))
    if not isinstance(evidence_id_kind, str) or evidence_id_kind not in ID_KINDS:
        raise InvalidParameterError(f"evidence_id_kind must be one of {ID_KINDS}; got {evidence_id_kind!r:.80}",
                                    value=evidence_id_kind)
    return _evidence(learners, skills, low, high, repeat, arrive_late, void, evidence_id_kind)


# --------------------------------------------------------------- scaffolds
def _rule(kind: str) -> st.SearchStrategy[FadingRule]:
    if kind == "linear":
        return st.builds(linear_fading, st.integers(1, 12))
    if kind == "exponential":
        return st.builds(exponential_fading, st.floats(0.25, 8.0), floor=st.sampled_from([0.05, 0.1, 0.5, 1.0]))
    if kind == "stepwise":
        levels = st.lists(st.sampled_from([1.0, 0.75, 0.5, 0.25]), max_size=3).map(
            lambda values: (*sorted(values, reverse=True), 0.0)
        )
        return st.builds(stepwise_fading, st.integers(1, 4), levels=levels)
    if kind == "contingent":
        return st.integers(1, 6).flatmap(lambda levels: st.builds(
            contingent_fading, levels=st.just(levels), fade_after=st.integers(1, 3),
            start=st.one_of(st.none(), st.integers(0, levels)),
        ))
    if kind == "backward":
        return st.builds(backward_fading, st.integers(1, 6), reinstate=st.booleans())
    return st.tuples(st.floats(0.0, 0.9), st.floats(0.05, 1.0)).filter(lambda p: p[0] < p[1]).map(
        lambda p: mastery_fading(full=p[0], none=p[1])
    )


def fading_rules(*, kinds: Sequence[str] = RULE_KINDS) -> st.SearchStrategy[FadingRule]:
    """Fading rules built by the library's factories (:func:`~personalise.contingent_fading`, ...).

    Parameters
    ----------
    kinds : sequence of str, default :data:`RULE_KINDS`
        Which factories to draw from: ``"linear"``, ``"exponential"``,
        ``"stepwise"``, ``"contingent"``, ``"backward"``, ``"mastery"``.

    Returns
    -------
    SearchStrategy of FadingRule

    Raises
    ------
    InvalidParameterError
        If ``kinds`` is empty or names another kind.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from personalise.testing import fading_rules
    >>> @settings(max_examples=20)
    ... @given(fading_rules(kinds=["contingent", "backward"]))
    ... def test_support_starts_in_the_unit_interval(rule):
    ...     assert 0.0 <= rule.support(rule.start()) <= 1.0
    >>> test_support_starts_in_the_unit_interval()
    """
    return st.one_of(*(_rule(name) for name in _names(kinds, "kinds", RULE_KINDS)))


@st.composite
def _scaffolds(
    draw: st.DrawFn, skills: list[Hashable], rules: st.SearchStrategy[FadingRule], max_history: int
) -> Scaffold:
    rule = draw(rules)
    scaffold = Scaffold(draw(st.sampled_from(skills)), rule, kind=draw(st.sampled_from(KINDS)))
    outcomes = draw(st.lists(st.booleans(), max_size=max_history))
    masteries = draw(st.lists(st.floats(0.0, 1.0), min_size=len(outcomes), max_size=len(outcomes)))
    for success, mastery in zip(outcomes, masteries):  # a state the rule can reach, with its history
        scaffold = scaffold.after(success, mastery=mastery if rule.uses_mastery else None)
    return scaffold


def scaffolds(
    *,
    skill_ids: Sequence[Hashable] | None = None,
    rules: st.SearchStrategy[FadingRule] | None = None,
    max_history: int = 8,
) -> st.SearchStrategy[Scaffold]:
    """:class:`~personalise.Scaffold`\\ s with a fading rule, in a state their rule can reach.

    Each scaffold starts at its rule's first level and takes up to
    ``max_history`` opportunities with drawn outcomes (and P(mastery) for a
    :func:`~personalise.mastery_fading` rule), so its level and history
    counters agree with each other.

    Parameters
    ----------
    skill_ids : sequence of str or int, optional
        The goal skills to draw from (default ``("add", "count", "fractions")``).
    rules : SearchStrategy of FadingRule, optional
        Default :func:`fading_rules`.
    max_history : int, default 8
        At most this many opportunities (0 to 1000).

    Returns
    -------
    SearchStrategy of Scaffold

    Raises
    ------
    InvalidParameterError
        If ``skill_ids`` is not a non-empty sequence of distinct ids,
        ``rules`` is not a strategy or ``max_history`` is not an integer in
        [0, 1000].

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from personalise.testing import scaffolds
    >>> @settings(max_examples=20)
    ... @given(scaffolds())
    ... def test_history_adds_up(s):
    ...     assert 0.0 <= s.support <= 1.0 and s.successes + s.failures == s.opportunities
    >>> test_history_adds_up()
    """
    skills = _id_list(skill_ids, ("add", "count", "fractions"), "skill_ids")
    if rules is not None and not isinstance(rules, st.SearchStrategy):
        raise InvalidParameterError(f"rules must be a hypothesis strategy of fading rules; got {rules!r}", value=rules)
    return _scaffolds(skills, fading_rules() if rules is None else rules,
                      check_int(max_history, "max_history", minimum=0, maximum=_MOST))


# ---------------------------------------------------------------- policies
_UNIT = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.floats(0.0, 1.0))
_ADVANCE = st.integers(1, 4)
#: Rules the scaffold policies accept (a rule that follows P(mastery) needs a learner model they do not keep).
_POLICY_RULES = fading_rules(kinds=("linear", "exponential", "stepwise", "contingent", "backward"))


@st.composite
def _bkt(draw: st.DrawFn, cls: type[Any]) -> Any:
    threshold = draw(st.one_of(st.sampled_from([0.5, 0.8, 0.95, 1.0]), st.floats(0.05, 1.0)))
    prior = draw(st.floats(0.0, threshold, exclude_max=True))  # nobody starts out mastered
    return cls(threshold=threshold, prior=prior, learn=draw(_UNIT), guess=draw(st.sampled_from([0.0, 0.1, 0.2, 0.5])),
               slip=draw(st.sampled_from([0.0, 0.05, 0.1, 0.3])))


@st.composite
def _responsive(draw: st.DrawFn) -> ResponsiveTeaching:
    proceed = draw(st.one_of(st.sampled_from([0.8, 0.5, 1.0]), st.floats(0.01, 1.0)))
    regroup = draw(st.one_of(st.sampled_from([0.0, 0.3]), st.floats(0.0, 1.0)).map(lambda r: min(r, proceed)))
    return ResponsiveTeaching(proceed_at=proceed, regroup_at=regroup, rule=draw(_POLICY_RULES),
                              options=draw(st.integers(2, 5)), advance_after=draw(_ADVANCE))


@st.composite
def _fixed(draw: st.DrawFn) -> FixedGroups:
    n_groups = draw(st.integers(1, 4))
    quality = draw(st.one_of(st.none(), st.lists(st.sampled_from([0.5, 0.75, 1.0, 1.1, 2.0]), min_size=n_groups,
                                                 max_size=n_groups).map(tuple)))
    return FixedGroups(n_groups=n_groups, advance_share=draw(st.one_of(st.sampled_from([0.6, 1.0]),
                                                                      st.floats(0.01, 1.0))),
                       track_quality=quality, advance_after=draw(_ADVANCE))


def _tiered(lowered_goals: bool) -> st.SearchStrategy[TieredTasks]:
    ceiling = st.one_of(st.none(), st.just(1.0), st.floats(0.0, 1.0)) if lowered_goals else st.sampled_from([None, 1.0])
    support = st.one_of(_UNIT, _POLICY_RULES)
    return st.builds(TieredTasks, ceiling=ceiling, lower_support=support, upper_support=support, split=_UNIT,
                     advance_after=_ADVANCE)


def _policy(name: str, lowered_goals: bool) -> st.SearchStrategy[Any]:
    builders: dict[str, Any] = {
        "whole-class-pace": lambda: st.builds(WholeClassPace, steps_per_skill=st.integers(1, 12),
                                              begin=st.integers(0, 2)),
        "tiered-tasks": lambda: _tiered(lowered_goals),
        "fading-scaffolds": lambda: st.builds(FadingScaffolds, rule=_POLICY_RULES, advance_after=_ADVANCE),
        "permanent-scaffolds": lambda: st.builds(PermanentScaffolds, support=_UNIT, advance_after=_ADVANCE),
        "adaptive-content": lambda: _bkt(AdaptiveContent),
        "responsive-teaching": _responsive,
        "mastery-learning": lambda: _bkt(MasteryLearning),
        "fixed-groups": _fixed,
        "flexible-groups": lambda: st.builds(FlexibleGroups, n_groups=st.integers(1, 4), advance_after=_ADVANCE),
    }
    return builders[name]()  # type: ignore[no-any-return]


def policies(*, names: Sequence[str] | None = None, lowered_goals: bool = False) -> st.SearchStrategy[Policy]:
    """The built-in policies of :data:`~personalise.POLICIES`, with valid settings.

    Parameters
    ----------
    names : sequence of str, optional
        Which policies (kebab-case names, the keys of ``POLICIES``); default all.
    lowered_goals : bool, default False
        Whether :class:`~personalise.TieredTasks` may cap the lower tier's
        goal (``ceiling`` below 1). The library's rule is that the goal is
        the same for every learner, and :func:`check_policy` rejects such a
        policy; by default tiered tasks are drawn without a ceiling
        (``ceiling`` None or 1), differing only in support.

    Returns
    -------
    SearchStrategy of Policy

    Raises
    ------
    InvalidParameterError
        If ``names`` is empty or names a policy :data:`~personalise.POLICIES`
        does not have, or ``lowered_goals`` is not a bool.

    Notes
    -----
    :class:`~personalise.WholeClassPace` starts at position 0 to 2 of the
    teaching sequence, and the BKT-based policies start below their own
    threshold, so that every drawn policy passes :func:`check_policy` on its
    default unit (:data:`PROBE_EDGES`). On other units two built-in
    behaviours can fail its goal check, rightly: ``WholeClassPace`` whose
    ``begin`` is at or past the end of a teaching sequence teaches nobody,
    and ``FlexibleGroups`` on a short unit gives a whole group no task once
    the group's lower-quartile learner has finished, members who have not
    finished included.

    Examples
    --------
    >>> import personalise as pl
    >>> from hypothesis import given, settings
    >>> from personalise.testing import policies
    >>> @settings(max_examples=10)
    ... @given(policies(names=["fading-scaffolds", "mastery-learning"]))
    ... def test_policies_round_trip(policy):
    ...     assert pl.policy_from_dict(policy.to_dict()) == policy
    >>> test_policies_round_trip()
    """
    chosen = list(POLICIES) if names is None else _names(names, "names", sorted(POLICIES))
    lowered = check_flag(lowered_goals, "lowered_goals")
    return st.one_of(*(_policy(name, lowered) for name in chosen))
