"""Hypothesis strategies for prerequisite DAGs, mastery matrices, thresholds and goals.

Large objects (a 150-skill DAG, a 300 x 150 mastery matrix) are built by
NumPy from a drawn seed and a few drawn shape parameters, which keeps
generation fast; the interesting values (exactly the threshold, its
neighbouring floats, 0 and 1) are mixed in on purpose. Mastery arrays are
returned READ-ONLY so that a kernel writing into its input fails loudly.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

__all__ = [
    "BLOCK_EDGE_SIZES",
    "compiled_dags",
    "dags",
    "examples",
    "goals_for",
    "mastery_matrices",
    "read_only",
    "thresholds",
]

#: Learner counts around multiples of 64 (the bit-packing word size).
BLOCK_EDGE_SIZES = (1, 2, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257)

seeds = st.integers(min_value=0, max_value=2**32 - 1)

#: Multiplies every test's example count: PERSONALISE_HYPOTHESIS_SCALE=20 for a deep run.
SCALE = float(os.environ.get("PERSONALISE_HYPOTHESIS_SCALE", "1"))


def examples(n: int) -> settings:
    """``@settings(max_examples=n)``, scaled by ``PERSONALISE_HYPOTHESIS_SCALE``."""
    return settings(max_examples=max(1, round(n * SCALE)))


def read_only(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` (and the array it is a view of) read-only and return it."""
    base = array
    while isinstance(base, np.ndarray):
        base.flags.writeable = False
        base = base.base  # type: ignore[assignment]
    return array


def _ids(rng: np.random.Generator, n: int, kind: str) -> list[Hashable]:
    if kind == "int":
        return [int(v) for v in rng.choice(10 * n + 10, size=n, replace=False)]
    if kind == "word":
        # short random words: many share prefixes, so lexicographic order matters
        letters = np.array(list("abcdez_"))
        ids: dict[str, None] = {}
        while len(ids) < n:
            length = int(rng.integers(1, 6))
            ids.setdefault("".join(rng.choice(letters, size=length)), None)
        return list(ids)
    # "str": unpadded numbers, so "s10" sorts before "s9"
    return [f"s{int(v)}" for v in rng.choice(10 * n + 10, size=n, replace=False)]


@st.composite
def dags(
    draw: st.DrawFn,
    *,
    min_skills: int = 0,
    max_skills: int = 150,
    id_kinds: Sequence[str] = ("str", "int", "word"),
) -> nx.DiGraph:
    """A random prerequisite DAG (networkx DiGraph, possibly with isolated skills).

    Each node gets a random rank; edges only go from lower to higher rank, so
    the graph is acyclic whatever the ids are. Node and edge insertion orders
    are random too, since compiled column order must not depend on them.
    """
    # size classes, so that small, medium and large graphs all turn up often
    bounds = sorted({min_skills, min(max(min_skills, 5), max_skills), min(max(min_skills, 30), max_skills),
                     min(max(min_skills, 90), max_skills), max_skills})
    classes = [(lo, hi) for lo, hi in zip(bounds, bounds[1:])] or [(min_skills, max_skills)]
    lo, hi = draw(st.sampled_from(classes))
    n = draw(st.integers(lo, hi))
    kind = draw(st.sampled_from(list(id_kinds)))
    mean_in_degree = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 4.0]))
    rng = np.random.default_rng(draw(seeds))
    ids = _ids(rng, n, kind)
    rank = rng.permutation(n)
    G = nx.DiGraph()
    G.add_nodes_from(ids[i] for i in rng.permutation(n))
    if n > 1 and mean_in_degree > 0:
        p = min(1.0, 2.0 * mean_in_degree / (n - 1))
        upper = rank[:, None] < rank[None, :]
        sources, targets = np.nonzero(upper & (rng.random((n, n)) < p))
        edges = [(ids[u], ids[v]) for u, v in zip(sources.tolist(), targets.tolist())]
        G.add_edges_from(edges[i] for i in rng.permutation(len(edges)))
    return G


@st.composite
def thresholds(draw: st.DrawFn) -> float:
    """A threshold in (0, 1], often a familiar value."""
    return draw(
        st.one_of(
            st.sampled_from([0.95, 0.98, 0.8, 0.5, 1.0, 0.1]),
            st.floats(min_value=0.05, max_value=1.0),
            st.floats(min_value=0.0, max_value=1.0, exclude_min=True),
        )
    )


def _special_values(dtype: type, threshold: float) -> np.ndarray:
    """0, 1, the threshold in ``dtype`` and its two neighbouring floats (all within [0, 1])."""
    zero, one = dtype(0), dtype(1)
    limit = np.asarray(threshold, dtype=dtype)[()]
    values = [zero, one, limit, np.nextafter(limit, zero), np.nextafter(limit, one)]
    values += [np.nextafter(zero, one), np.nextafter(one, zero)]
    return np.clip(np.array(values, dtype=dtype), zero, one)


@st.composite
def mastery_matrices(
    draw: st.DrawFn,
    n_skills: int,
    threshold: float,
    *,
    G: nx.DiGraph | None = None,
    skill_ids: Sequence[Hashable] | None = None,
    max_learners: int = 300,
    learner_sizes: st.SearchStrategy[int] | None = None,
) -> np.ndarray:
    """A read-only (n_learners, n_skills) float32 or float64 mastery matrix with values in [0, 1].

    Styles: uniform noise; per-learner Bernoulli mastery (values on either
    side of the threshold); mastered down-sets of ``G`` (when given), so that
    many skills deep in the graph are ready; plus a share of special values.
    The array is C-ordered, Fortran-ordered or a strided view.
    """
    if learner_sizes is None:
        learner_sizes = st.one_of(
            st.integers(0, max_learners),
            st.sampled_from([n for n in (0, *BLOCK_EDGE_SIZES) if n <= max_learners]),
        )
    n = draw(learner_sizes)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    style = draw(st.sampled_from(["uniform", "bernoulli", "downset"] if G is not None else ["uniform", "bernoulli"]))
    special_share = draw(st.sampled_from([0.0, 0.05, 0.3, 1.0]))
    layout = draw(st.sampled_from(["C", "F", "strided"]))
    rng = np.random.default_rng(draw(seeds))
    limit = float(np.asarray(threshold, dtype=dtype)[()])

    shape = (n, n_skills)
    above = rng.uniform(limit, 1.0, size=shape)
    below = rng.uniform(0.0, limit, size=shape)
    if style == "uniform":
        values = rng.uniform(0.0, 1.0, size=shape)
    elif style == "bernoulli":
        p = rng.uniform(0.0, 1.0, size=(n, 1))
        values = np.where(rng.random(shape) < p, above, below)
    else:
        assert G is not None and skill_ids is not None
        column = {s: j for j, s in enumerate(skill_ids)}
        ancestors = [[column[a] for a in nx.ancestors(G, s)] for s in skill_ids]
        mastered = np.zeros(shape, dtype=bool)
        for i in range(n):
            seeds_ = np.flatnonzero(rng.random(n_skills) < rng.uniform(0.0, 0.3))
            for j in seeds_.tolist():
                mastered[i, j] = True
                mastered[i, ancestors[j]] = True
        # a few learners "forget" a prerequisite, so states need not be down-sets
        flips = rng.random(shape) < 0.02
        mastered ^= flips
        values = np.where(mastered, above, below)
    specials = _special_values(dtype, threshold)
    use_special = rng.random(shape) < special_share
    values = np.where(use_special, specials[rng.integers(0, specials.size, size=shape)], values)
    values = np.clip(values.astype(dtype), dtype(0), dtype(1))

    if layout == "F":
        values = np.asfortranarray(values)
    elif layout == "strided":
        wide = np.zeros((n, 2 * n_skills), dtype=dtype)
        wide[:, ::2] = values
        values = wide[:, ::2]
    return read_only(values)


@st.composite
def goals_for(draw: st.DrawFn, skill_ids: Sequence[Hashable], n_learners: int) -> Any:
    """A ``goals=`` argument: None, a shared id, a shared set, or a per-learner list/tuple with some None."""
    if not skill_ids:
        return draw(st.sampled_from([None, [None] * n_learners]))
    one_id = st.sampled_from(list(skill_ids))
    a_set = st.sets(one_id, min_size=1, max_size=min(4, len(skill_ids)))
    entry = st.one_of(st.none(), one_id, a_set, st.frozensets(one_id, min_size=1, max_size=3))
    kind = draw(st.sampled_from(["none", "single", "set", "list", "tuple"]))
    if kind == "none":
        return None
    if kind == "single":
        return draw(one_id)
    if kind == "set":
        return draw(a_set)
    # per-learner: draw a small palette and index into it (fast for 300 learners)
    palette = draw(st.lists(entry, min_size=1, max_size=5))
    rng = np.random.default_rng(draw(seeds))
    chosen = [palette[i] for i in rng.integers(0, len(palette), size=n_learners).tolist()]
    return chosen if kind == "list" else tuple(chosen)


@st.composite
def compiled_dags(draw: st.DrawFn, **dag_options: Any) -> tuple[nx.DiGraph, Any]:
    """``(G, compile_graph(G, ...))``: default column order, or sometimes a random ``skill_order``.

    A random order need not be topological, so kernels may not assume that
    prerequisites sit in lower columns.
    """
    import personalise as pl

    G = draw(dags(**dag_options))
    if draw(st.booleans()):
        return G, pl.compile_graph(G)
    rng = np.random.default_rng(draw(seeds))
    nodes = list(G.nodes)
    order = [nodes[i] for i in rng.permutation(len(nodes))]
    return G, pl.compile_graph(G, skill_order=order)
