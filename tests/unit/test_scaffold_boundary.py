"""Regressions at the scaffolds package boundary: every bad input is a PersonaliseError naming its parameter."""

from __future__ import annotations

import contextlib
import json
import math
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise import scaffolds


def fails(cls: type[pl.PersonaliseError], call: Callable[[], object], *words: str) -> pl.PersonaliseError:
    with pytest.raises(cls) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {str(info.value)!r}"
    return info.value


@contextlib.contextmanager
def no_warning() -> Iterator[None]:
    """Any warning (a NumPy cast or complex warning) is an error inside."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def state() -> pl.ScaffoldState:
    return pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.contingent_fading(levels=4)),
                                      pl.Scaffold("count", pl.linear_fading(5))])


def fields(**override: Any) -> dict[str, Any]:
    grown = state().after(np.array([[True, False], [False, True]]))
    args: dict[str, Any] = {"skills": ["add", "count"], "kinds": ["prompt", "prompt"],
                            "rules": list(grown.rules), "level": np.array(grown.level)}
    args.update({name: np.array(getattr(grown, name))
                 for name in ("opportunities", "successes", "failures", "streak", "failure_run")})
    args.update(override)
    return args


# ------------------------------------------------------------------ rules
@pytest.mark.parametrize("start", [-1, 0.5, math.nan, True, 10**20, "3", object()])
def test_contingent_start_level_is_named_exactly(start: object) -> None:
    fails(pl.InvalidParameterError, lambda: scaffolds.ContingentFading(levels=4, start_level=start),  # type: ignore[arg-type]
          "start_level")
    err = fails(pl.InvalidParameterError, lambda: pl.contingent_fading(levels=4, start=start), "start")  # type: ignore[arg-type]
    assert "start_level" not in str(err)  # the factory's parameter is called start


@pytest.mark.parametrize("data", [None, 3, "linear", b"x", [], np.array(0.5), object()])
def test_rule_from_dict_names_data(data: object) -> None:
    fails(pl.InvalidParameterError, lambda: scaffolds.rule_from_dict(data), "data")  # type: ignore[arg-type]


def test_rule_from_dict_bad_field_keeps_its_value() -> None:
    err = fails(pl.InvalidParameterError, lambda: scaffolds.rule_from_dict({"rule": "linear", "opportunities": 0}),
                "data", "opportunities")
    assert err.value == 0


@pytest.mark.parametrize(
    ("rule", "level", "words"),
    [
        (pl.linear_fading(4), [0.5, math.nan], ("level", "finite")),
        (pl.linear_fading(4), [[0.5, math.inf]], ("level",)),
        (pl.linear_fading(4), [-1.0], ("level", "-1.0", "[0, 1]")),
        (pl.linear_fading(4), [True, False], ("level",)),
        (pl.linear_fading(4), [1 + 2j], ("level",)),
        (pl.linear_fading(4), None, ("level",)),
        (pl.linear_fading(4), [[1.0], [0.5, 0.0]], ("level",)),
        (pl.contingent_fading(levels=4), [0.5], ("level", "whole rung")),
        (pl.mastery_fading(), [1e300], ("level",)),
    ],
)
def test_supports_checks_its_levels(rule: scaffolds.FadingRule, level: object, words: tuple[str, ...]) -> None:
    with no_warning():
        fails(pl.PersonaliseError, lambda: rule.supports(level), *words)


def test_supports_returns_a_new_array() -> None:
    level = np.array([[1.0, 0.5], [0.25, 0.0]])
    level.flags.writeable = False
    support = pl.linear_fading(4).supports(level)
    assert support.tolist() == level.tolist() and not np.shares_memory(support, level)
    assert support.flags.writeable
    assert pl.contingent_fading(levels=4).supports(np.array([[4, 2], [1, 0]])).tolist() == [[1.0, 0.5], [0.25, 0.0]]


# ------------------------------------------------------------------ Scaffold
@pytest.mark.parametrize("data", [None, 0, "x", [], np.zeros(2), object()])
def test_scaffold_from_dict_names_data(data: object) -> None:
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_dict(data), "data")  # type: ignore[arg-type]


def test_scaffold_document_fields_are_named() -> None:
    good = pl.Scaffold("add", pl.linear_fading(4)).to_dict()
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_dict({"x": 1}), "data", "skill")
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_dict({**good, "rule": 3}), "rule")
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_dict({**good, "functions": "demonstration"}), "functions")
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(json.dumps({"schema": "personalise.scaffold/1"})),
          "document", "skill")


@pytest.mark.parametrize("functions", ["demonstration", np.array("demonstration"), np.array([object()]), [1], 5])
def test_scaffold_functions_are_named(functions: object) -> None:
    fails(pl.InvalidParameterError, lambda: pl.Scaffold("add", pl.linear_fading(4), functions=functions), "functions")  # type: ignore[arg-type]


def test_scaffold_skill_nan_is_refused() -> None:
    fails(pl.InvalidParameterError, lambda: pl.Scaffold(math.nan, pl.linear_fading(4)), "skill")


def test_scaffold_advanced_names_steps_at_the_counter_limit() -> None:
    s = pl.Scaffold("add", pl.linear_fading(4), opportunities=10)
    fails(pl.InvalidParameterError, lambda: s.advanced(10**20), "steps")
    fails(pl.InvalidParameterError, lambda: s.advanced(2**31 - 10), "steps")
    assert s.advanced(2**31 - 11).opportunities == 2**31 - 1


def test_scaffold_after_is_the_checked_result() -> None:
    s = pl.Scaffold("add", pl.contingent_fading(levels=3), kind="worked example", functions=["demonstration"])
    after = s.after(True).after(False).after(True)
    assert after == pl.Scaffold("add", pl.contingent_fading(levels=3), kind="worked example", level=2.0,
                                opportunities=3, successes=2, failures=1, streak=1, failure_run=0,
                                functions=["demonstration"])
    fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.linear_fading(2), failure_run=2**31 - 1).after(False),
          "failure_run", "2147483647")


# ------------------------------------------------------------------ ScaffoldState
@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("skills", 3, pl.InvalidParameterError),
        ("skills", np.array(0.5), pl.InvalidParameterError),
        ("skills", [math.nan, "count"], pl.InvalidParameterError),
        ("kinds", np.array(0.5), pl.InvalidParameterError),
        ("kinds", np.array([object(), object()]), pl.InvalidParameterError),
        ("kinds", ["prompt", " "], pl.InvalidParameterError),
        ("rules", np.full((2, 2), 0.5), pl.InvalidParameterError),
        ("rules", [pl.linear_fading(4), "x"], pl.InvalidParameterError),
        ("level", np.full((2, 2), 0.5 + 0.5j), pl.InvalidParameterError),
        ("level", np.full((3, 2), math.nan), pl.InvalidParameterError),
        ("opportunities", [[0.5, 0.5], [0.5]], pl.ShapeError),
        ("streak", np.full((3, 2), 1), pl.ShapeError),
    ],
)
def test_state_fields_are_named(name: str, value: object, error: type[pl.PersonaliseError]) -> None:
    with no_warning():
        fails(error, lambda: pl.ScaffoldState(**fields(**{name: value})), name)


def test_state_counters_of_any_real_dtype() -> None:
    base = pl.ScaffoldState(**fields())
    for dtype in (np.float16, np.float32, np.uint8, np.int64):
        with no_warning():
            assert pl.ScaffoldState(**fields(opportunities=fields()["opportunities"].astype(dtype))) == base


@pytest.mark.parametrize("scaffolds_", [None, 3, math.nan, np.array(0.5), object(), "ab", [pl.linear_fading(3)]])
def test_start_names_scaffolds(scaffolds_: object) -> None:
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.start(3, scaffolds_), "scaffolds")  # type: ignore[arg-type]


def test_start_refuses_a_cohort_too_large_to_index() -> None:
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.start(10**20, [pl.Scaffold("a", pl.linear_fading(3))]),
          "n_learners")


def test_start_equals_the_checked_constructor() -> None:
    items = [pl.Scaffold("a", pl.contingent_fading(levels=3)).after(True), pl.Scaffold("b", pl.mastery_fading())]
    started = pl.ScaffoldState.start(2, items)
    built = pl.ScaffoldState(["a", "b"], ["prompt", "prompt"], [s.rule for s in items], [[2.0, 1.0]] * 2,
                             [[1, 0]] * 2, [[1, 0]] * 2, [[0, 0]] * 2, [[1, 0]] * 2, [[0, 0]] * 2)
    assert started == built and started.scaffold(1, 0) == items[0]


def test_scaffold_lookup_names_learner_and_column() -> None:
    fails(pl.InvalidParameterError, lambda: state().scaffold(10**20, 0), "learner")
    fails(pl.InvalidParameterError, lambda: state().scaffold(0, 2), "column")


def test_after_names_ragged_and_complex_inputs() -> None:
    ok = np.ones((2, 2), dtype=bool)
    fails(pl.ShapeError, lambda: state().after([[True, False], [True]]), "outcomes")
    fails(pl.ShapeError, lambda: state().after(ok, active=[[True, False], [True]]), "active")
    mixed = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.mastery_fading())])
    with no_warning():
        fails(pl.InvalidParameterError, lambda: mixed.after(ok[:, :1], mastery=np.full((2, 1), 0.5 + 0j)), "mastery")


def test_after_takes_a_mastery_table_by_skill() -> None:
    mixed = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.mastery_fading())])
    table = pl.MasteryTable(["ann", "bo"], ["count", "add"], [[0.1, 0.95], [0.9, 0.3]])
    assert mixed.after(np.ones((2, 1), dtype=bool), mastery=table).support.tolist() == [[0.0], [1.0]]
    other = pl.MasteryTable(["ann", "bo"], ["count"], [[0.1], [0.9]])
    fails(pl.ShapeError, lambda: mixed.after(np.ones((2, 1), dtype=bool), mastery=other), "mastery", "'add'")


def test_state_document_fields_are_named() -> None:
    doc = json.loads(state().to_json())
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json({**doc, "level": [[1 + 2j, 0]]}), "level")
    fails(pl.ShapeError, lambda: pl.ScaffoldState.from_json({**doc, "streak": [[0, 0], [0]]}), "streak")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json({**doc, "rules": [{"rule": "no"}, 1]}),
          "rules[0]")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json({"schema": doc["schema"]}), "document", "skills")


# ------------------------------------------------------------------ Finding and the audit
@pytest.mark.parametrize(
    ("name", "value"),
    [("kind", math.nan), ("kind", "other"), ("learner", math.nan), ("learner", [1]), ("column", -1), ("column", 0.5),
     ("skill", math.nan), ("message", math.nan), ("message", ""), ("review", 0), ("review", "add"),
     ("review", np.array(0.5)), ("review", [math.nan])],
)
def test_finding_fields_are_named(name: str, value: object) -> None:
    args: dict[str, Any] = {"kind": "struggle", "learner": "ann", "column": 0, "skill": "add", "message": "m",
                            "review": ["count"]}
    args[name] = value
    fails(pl.InvalidParameterError, lambda: pl.Finding(**args), name)


def test_audit_findings_equal_checked_ones() -> None:
    grown = state()
    for _ in range(4):
        grown = grown.after(np.array([[True, False], [False, False]]))
    found = pl.audit_scaffolds(grown, learner_ids=["ann", "bo"], max_opportunities=4)
    assert found and all(f == pl.Finding(f.kind, f.learner, f.column, f.skill, f.message, f.review) for f in found)


# ------------------------------------------------------------------ exploring and plotting
def test_fading_paths_without_scaffold_names_it_when_params_lack_the_goal() -> None:
    params = pl.BKTParams.constant(["add"], prior=0.2, learn=0.2, guess=0.2, slip=0.1)
    fails(pl.UnknownSkillError, lambda: pl.fading_paths(rules=[pl.mastery_fading()], params=params),
          "params", "scaffold", "'goal'")


def test_rules_as_an_array_that_is_not_1d_are_named() -> None:
    fails(pl.InvalidParameterError, lambda: pl.fading_paths(rules=np.array(0.5)), "rules")


def test_plot_support_labels_as_a_0d_array_are_named() -> None:
    pytest.importorskip("matplotlib")
    fails(pl.InvalidParameterError, lambda: pl.plot_support([1.0, 0.5], labels=np.array("ann")), "labels")  # type: ignore[arg-type]
