"""Hypothesis strategies and conformance checks for plugin and policy authors.

``personalise.testing`` is for code built on the library: a policy for
:func:`~personalise.simulate`, a recommender whose output is a
:class:`~personalise.Recommendations`, a reader that produces
:class:`~personalise.Evidence`. It needs hypothesis
(``pip install hypothesis``, or ``pip install 'personalise[test]'``);
``import personalise`` never imports it.

* Strategies (:mod:`personalise.testing.strategies`): :func:`graphs`,
  :func:`compiled_graphs`, :func:`mastery_arrays`, :func:`mastery_tables`,
  :func:`evidence`, :func:`fading_rules`, :func:`scaffolds` and
  :func:`policies`.
* Checks (:mod:`personalise.testing.checks`):
  :func:`assert_recommendations_valid` and :func:`check_policy`, which
  raise :class:`AssertionError` naming what failed (and
  :class:`~personalise.InvalidParameterError` for an argument that is not a
  graph, recommendations or a policy at all).

Options are checked when a strategy is made: a bad one is an
:class:`~personalise.InvalidParameterError` naming it, not a hypothesis
error when the strategy draws.

Examples
--------
>>> import personalise as pl
>>> from hypothesis import given, settings
>>> from personalise.testing import assert_recommendations_valid, compiled_graphs, mastery_tables
>>> @settings(max_examples=20)
... @given(compiled_graphs(max_skills=6).flatmap(lambda g: mastery_tables(g).map(lambda t: (g, t))))
... def test_recommend_next_keeps_its_contract(case):
...     graph, table = case
...     assert_recommendations_valid(graph, table, pl.recommend_next(graph, table, k=2))
>>> test_recommend_next_keeps_its_contract()
"""

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess without hypothesis
    raise ImportError(
        "personalise.testing needs hypothesis: pip install hypothesis (or pip install 'personalise[test]')"
    ) from error

from personalise.testing.checks import (
    PROBE_EDGES,
    assert_recommendations_valid,
    check_policy,
)
from personalise.testing.strategies import (
    ID_KINDS,
    RULE_KINDS,
    compiled_graphs,
    evidence,
    fading_rules,
    graphs,
    mastery_arrays,
    mastery_tables,
    policies,
    scaffolds,
)

__all__ = [
    "ID_KINDS",
    "PROBE_EDGES",
    "RULE_KINDS",
    "assert_recommendations_valid",
    "check_policy",
    "compiled_graphs",
    "evidence",
    "fading_rules",
    "graphs",
    "mastery_arrays",
    "mastery_tables",
    "policies",
    "scaffolds",
]
