"""Bad-input cases: the testing kit (hypothesis strategies and conformance checks).

A strategy factory checks its options when it is called, so a bad option is
a named :class:`~personalise.InvalidParameterError` at once, never a
hypothesis error when the strategy later draws. Each strategy case's call
makes the strategy, draws a few examples with ``@given`` (not
``strategy.example()``) and checks them against the options it was given;
the result is the list of examples, whose NaN the battery looks for.

The two checks raise AssertionError for a genuine violation; what the meta
rule tries (an argument of the wrong type) must be a named error instead.
Their valid calls use mastery of exactly 0 and 1, so that a dtype variant of
the same values (bool, float16, ...) is still the mastery the recommendations
were made from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import personalise as pl
from personalise import scaffolds
from personalise import testing as kit
from tests.meta.battery import Case

EDGES = [("count", "add"), ("add", "multiply"), ("count", "compare")]

#: Learner 0 knows count, learner 1 count and add, learner 2 nothing: every dtype keeps these values.
MASTERY = np.array([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])


def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def drawn(strategy: Any, n: int = 3) -> list[Any]:
    """``n`` examples of ``strategy``, drawn the way a test draws them."""
    assert isinstance(strategy, st.SearchStrategy), f"not a hypothesis strategy: {strategy!r:.80}"
    seen: list[Any] = []

    @settings(max_examples=n, database=None, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def draw(example: Any) -> None:
        seen.append(example)

    draw()
    assert seen, "the strategy drew nothing"
    return seen


def sampled(factory: Callable[..., Any], promise: Callable[[Any, dict[str, Any]], None]) -> Callable[..., list[Any]]:
    """A call that makes the strategy, draws from it and checks each example against the options given."""
    def call(**options: Any) -> list[Any]:
        examples = drawn(factory(**options))
        for example in examples:
            promise(example, options)
        return examples

    return call


#: The defaults of the options the promises read (an option the battery sets to None takes its default).
DEFAULTS = {"min_skills": 1, "max_skills": 12, "min_learners": 0, "max_learners": 10, "min_rows": 0, "max_rows": 20,
            "learner_ids": ("ann", "bo", "cy", "di"), "skill_ids": ("add", "count", "subtract"),
            "scaffold_skill_ids": ("add", "count", "fractions"), "names": tuple(pl.POLICIES), "max_history": 8,
            "read_only": True}


def option(options: dict[str, Any], name: str, default: str | None = None) -> Any:
    value = options.get(name)
    return DEFAULTS[default or name] if value is None else value


def between(count: int, options: dict[str, Any], low: str, high: str) -> None:
    least, most = option(options, low), option(options, high)
    assert least <= count <= most, f"{count} outside [{least}, {most}]"


def a_graph(G: Any, options: dict[str, Any]) -> None:
    assert isinstance(G, nx.DiGraph) and nx.number_of_selfloops(G) == 0
    between(len(G), options, "min_skills", "max_skills")
    assert options.get("max_edges") is None or G.number_of_edges() <= options["max_edges"]
    assert len({type(node) for node in G}) <= 1
    if options.get("acyclic", True):
        assert nx.is_directed_acyclic_graph(G)


def a_compiled_graph(graph: Any, options: dict[str, Any]) -> None:
    assert isinstance(graph, pl.CompiledGraph)
    between(graph.n_skills, options, "min_skills", "max_skills")


def a_mastery_array(array: Any, options: dict[str, Any]) -> None:
    assert isinstance(array, np.ndarray) and array.ndim == 2 and array.dtype in (np.float32, np.float64)
    for axis, name, most in ((0, "n_learners", 12), (1, "n_skills", 8)):
        assert array.shape[axis] == options[name] if options.get(name) is not None else array.shape[axis] <= most
    assert array.flags.writeable is not option(options, "read_only")
    assert ((array >= 0) & (array <= 1)).all()


def a_mastery_table(table: Any, options: dict[str, Any]) -> None:
    assert isinstance(table, pl.MasteryTable)
    between(table.n_learners, options, "min_learners", "max_learners")
    if options["graph"] is not None:
        assert sorted(map(str, table.skill_ids)) == sorted(map(str, graph().skill_ids))


def an_evidence(ev: Any, options: dict[str, Any]) -> None:
    assert isinstance(ev, pl.Evidence)
    assert len(ev) >= option(options, "min_rows")
    assert set(ev.skill_ids.tolist()) <= set(option(options, "skill_ids"))
    assert set(ev.learner_ids.tolist()) <= set(option(options, "learner_ids"))
    assert ((ev.scores >= 0) & (ev.scores <= 1)).all()
    if options["voided"]:
        assert any(reason.startswith("voided by statement") for _, reason in ev.skipped)


def a_rule(rule: Any, options: dict[str, Any]) -> None:
    assert isinstance(rule, scaffolds.FadingRule) and 0.0 <= rule.support(rule.start()) <= 1.0


def a_scaffold(scaffold: Any, options: dict[str, Any]) -> None:
    assert isinstance(scaffold, pl.Scaffold) and scaffold.skill in option(options, "skill_ids", "scaffold_skill_ids")
    assert scaffold.opportunities <= option(options, "max_history") and 0.0 <= scaffold.support <= 1.0


def a_policy(policy: Any, options: dict[str, Any]) -> None:
    assert type(policy) in pl.POLICIES.values() and policy.name in option(options, "names")


def nothing(result: Any) -> None:
    assert result is None, f"a check that passes returns None; got {result!r:.80}"


CASES = [
    # ---------------------------------------------------------------- strategies
    Case(("testing.graphs",), sampled(kit.graphs, a_graph),
         lambda: {"min_skills": 1, "max_skills": 5, "acyclic": False, "id_kinds": ("str",), "max_edges": 4},
         label="testing.graphs"),
    Case(("testing.compiled_graphs",), sampled(kit.compiled_graphs, a_compiled_graph),
         lambda: {"min_skills": 1, "max_skills": 5, "id_kinds": ["int", "str"], "max_edges": 6,
                  "any_column_order": True}, label="testing.compiled_graphs"),
    Case(("testing.mastery_arrays",), sampled(kit.mastery_arrays, a_mastery_array),
         lambda: {"n_learners": 3, "n_skills": 4, "dtypes": (np.float32, np.float64), "threshold": 0.9,
                  "read_only": True}, label="testing.mastery_arrays"),
    Case(("testing.mastery_tables",), sampled(kit.mastery_tables, a_mastery_table),
         lambda: {"graph": graph(), "min_learners": 1, "max_learners": 4, "learner_id_kinds": ["str"],
                  "threshold": 0.9, "any_column_order": True}, label="testing.mastery_tables"),
    Case(("testing.evidence",), sampled(kit.evidence, an_evidence),
         lambda: {"learner_ids": [3, 5, 7], "skill_ids": ["add", "count"], "min_rows": 1, "max_rows": 6,
                  "duplicates": True, "late": True, "voided": True, "evidence_id_kind": "int"},
         label="testing.evidence"),
    Case(("testing.fading_rules",), sampled(kit.fading_rules, a_rule),
         lambda: {"kinds": ["linear", "contingent"]}, label="testing.fading_rules"),
    Case(("testing.scaffolds",), sampled(kit.scaffolds, a_scaffold),
         lambda: {"skill_ids": ["add", 7], "rules": kit.fading_rules(kinds="backward"), "max_history": 4},
         label="testing.scaffolds"),
    Case(("testing.policies",), sampled(kit.policies, a_policy),
         lambda: {"names": ["fading-scaffolds", "tiered-tasks"], "lowered_goals": True}, label="testing.policies"),
    # ---------------------------------------------------------------- checks
    Case(("testing.assert_recommendations_valid",), kit.assert_recommendations_valid,
         lambda: {"graph": graph(), "mastery": MASTERY.copy(), "recs": pl.recommend_next(graph(), MASTERY, k=2),
                  "threshold": 0.95}, check=nothing, label="testing.assert_recommendations_valid"),
    Case(("testing.assert_recommendations_valid",), kit.assert_recommendations_valid,
         lambda: {"graph": graph(),
                  "mastery": pl.MasteryTable(["ann", "bo", "cy"], list(reversed(graph().skill_ids)), MASTERY[:, ::-1]),
                  "recs": pl.recommend_next(graph(), pl.MasteryTable(["ann", "bo", "cy"], graph().skill_ids, MASTERY),
                                            k=3, goals="multiply")},
         check=nothing, label="testing.assert_recommendations_valid(table, goal)"),
    Case(("testing.check_policy",), kit.check_policy,
         lambda: {"policy": pl.FadingScaffolds(), "rng": 3, "graph": graph(), "n_learners": 5, "n_steps": 3,
                  "class_size": 2, "probe_steps": 30}, check=nothing, label="testing.check_policy"),
]

EXEMPT: dict[str, str] = {}
