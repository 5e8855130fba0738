"""Bad input for Scaffold, ScaffoldState, the fading factories, rule_from_dict and audit_scaffolds.

Each case: a documented :class:`~personalise.PersonaliseError` subclass
(``InvalidParameterError`` for values and types, ``ShapeError`` for shapes)
whose message names the offending value (DESIGN.md: "Messages name the
argument, the rule, and the offending value").
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.scaffolds.fading import rule_from_dict

RULES = {
    "linear": pl.linear_fading(3),
    "exponential": pl.exponential_fading(2.5, floor=0.1),
    "stepwise": pl.stepwise_fading(2, levels=(1.0, 0.5, 0.0)),
    "contingent": pl.contingent_fading(levels=4, fade_after=2, start=3),
    "backward": pl.backward_fading(3, reinstate=False),
    "mastery": pl.mastery_fading(full=0.2, none=0.9),
}
COUNTERS = ("opportunities", "successes", "failures", "streak", "failure_run")


def fails(cls: type[pl.PersonaliseError], call: Callable[[], object], *fragments: str) -> pl.PersonaliseError:
    """``call()`` raises ``cls`` (a PersonaliseError) and its message contains every fragment."""
    with pytest.raises(cls) as info:
        call()
    assert isinstance(info.value, pl.PersonaliseError)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return info.value


def state(n_learners: int = 2) -> pl.ScaffoldState:
    return pl.ScaffoldState.start(n_learners, [pl.Scaffold("a", pl.contingent_fading()), pl.Scaffold("b", pl.mastery_fading())])


def state_args(**override: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "skills": ["a", "b"],
        "kinds": ["prompt", "prompt"],
        "rules": [pl.linear_fading(3), pl.contingent_fading(levels=2)],
        "level": [[1.0, 2.0], [0.5, 1.0]],
        "opportunities": [[0, 0], [2, 3]],
        "successes": [[0, 0], [1, 2]],
        "failures": [[0, 0], [1, 1]],
        "streak": [[0, 0], [0, 1]],
        "failure_run": [[0, 0], [1, 0]],
    }
    args.update(override)
    return args


# ------------------------------------------------------------ Scaffold
@pytest.mark.parametrize(
    ("rule", "level", "shown"),
    [
        (pl.linear_fading(3), 1.5, "1.5"),
        (pl.linear_fading(3), -0.25, "-0.25"),
        (pl.contingent_fading(levels=5), 6, "6"),
        (pl.contingent_fading(levels=5), -1, "-1"),
        (pl.backward_fading(3), 4, "4"),
        (pl.mastery_fading(), 2.0, "2.0"),
        (pl.exponential_fading(2), math.nan, "nan"),
        (pl.stepwise_fading(2), math.inf, "inf"),
    ],
)
def test_level_with_support_outside_0_1(rule: pl.linear_fading, level: float, shown: str) -> None:
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", rule, level=level), shown, "[0, 1]")
    assert err.value == level or (math.isnan(level) and math.isnan(err.value))  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["high", True, [1.0]])
def test_level_that_is_not_a_number(level: object) -> None:
    fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.linear_fading(3), level=level), repr(level))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", COUNTERS)
def test_negative_counters(name: str) -> None:
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.linear_fading(3), **{name: -1}), name, "-1")
    assert err.value == -1


@pytest.mark.parametrize("name", COUNTERS)
@pytest.mark.parametrize("value", [1.5, "2", True])
def test_counters_that_are_not_integers(name: str, value: object) -> None:
    counters: dict[str, object] = {"opportunities": 5, name: value}
    fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.linear_fading(3), **counters), name, repr(value))  # type: ignore[arg-type]


def test_successes_and_failures_exceed_opportunities() -> None:
    fails(
        pl.InvalidParameterError,
        lambda: pl.Scaffold("a", pl.linear_fading(3), opportunities=3, successes=2, failures=2),
        "4",
        "3",
        "opportunities",
    )
    assert pl.Scaffold("a", pl.linear_fading(3), opportunities=5, successes=2, failures=2).opportunities == 5, "advanced() leaves gaps"


def test_unknown_wood_function() -> None:
    err = fails(
        pl.InvalidParameterError,
        lambda: pl.Scaffold("a", pl.linear_fading(3), functions={"recruitment", "motivation"}),
        "'motivation'",
    )
    assert err.value == "motivation"
    assert pl.Scaffold("a", pl.linear_fading(3), functions=["demonstration"]).functions == {"demonstration"}


@pytest.mark.parametrize("kind", ["", "   ", None, 3, ["prompt"]])
def test_empty_or_non_string_kind(kind: object) -> None:
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.linear_fading(3), kind=kind), "kind", repr(kind))  # type: ignore[arg-type]
    assert err.value == kind


@pytest.mark.parametrize("skill", [None, ["a"], {"a": 1}, {"a"}, np.array([1, 2])])
def test_unhashable_or_missing_skill(skill: object) -> None:
    with pytest.raises(pl.InvalidParameterError) as info:
        pl.Scaffold(skill, pl.linear_fading(3))
    assert "skill" in str(info.value)
    assert repr(skill) in str(info.value) or str(skill) in str(info.value)
    assert info.value.value is skill


@pytest.mark.parametrize("success", [2, -1, "yes", "True", None, 0.5, 1.0, [True]])
def test_after_needs_a_boolean_outcome(success: object) -> None:
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.contingent_fading()).after(success), "success", repr(success))  # type: ignore[arg-type]
    assert err.value is success


def test_after_accepts_booleans_and_0_1() -> None:
    s = pl.Scaffold("a", pl.contingent_fading())
    assert s.after(1) == s.after(True) == s.after(np.True_) and s.after(0) == s.after(False) == s.after(np.int64(0))


@pytest.mark.parametrize(
    ("mastery", "fragments"),
    [(None, ("mastery",)), (math.nan, ("mastery", "nan")), (1.5, ("mastery", "1.5")), (-0.1, ("-0.1",)),
     ("high", ("'high'",)), (True, ("True",))],
)
def test_mastery_rule_needs_a_probability(mastery: object, fragments: tuple[str, ...]) -> None:
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.mastery_fading()).after(True, mastery=mastery), *fragments)  # type: ignore[arg-type]
    assert err.value is mastery or (isinstance(mastery, float) and math.isnan(mastery) and math.isnan(err.value))  # type: ignore[arg-type]


def test_advanced_rejects_negative_steps() -> None:
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold("a", pl.linear_fading(3)).advanced(-2), "steps", "-2")
    assert err.value == -2


# ------------------------------------------------------------ factories
@pytest.mark.parametrize(
    ("make", "fragments", "value"),
    [
        (lambda: pl.linear_fading(0), ("opportunities", "0"), 0),
        (lambda: pl.linear_fading(-3), ("opportunities", "-3"), -3),
        (lambda: pl.linear_fading(2.5), ("opportunities", "2.5"), 2.5),
        (lambda: pl.linear_fading(True), ("opportunities", "True"), True),
        (lambda: pl.exponential_fading(-1), ("half_life", "-1"), -1),
        (lambda: pl.exponential_fading(0), ("half_life", "0"), 0),
        (lambda: pl.exponential_fading(math.nan), ("half_life", "nan"), None),
        (lambda: pl.exponential_fading("2"), ("half_life", "'2'"), "2"),
        (lambda: pl.exponential_fading(2, floor=0), ("floor", "0"), 0),
        (lambda: pl.exponential_fading(2, floor=1.5), ("floor", "1.5"), 1.5),
        (lambda: pl.stepwise_fading(0), ("every", "0"), 0),
        (lambda: pl.stepwise_fading(2, levels=(1, 0.5)), ("end at 0", "(1, 0.5)"), (1, 0.5)),
        (lambda: pl.stepwise_fading(2, levels=(0.5, 1.0, 0.0)), ("non-increasing", "(0.5, 1.0, 0.0)"), (0.5, 1.0, 0.0)),
        (lambda: pl.stepwise_fading(2, levels=(0, 0.5, 0)), ("non-increasing", "(0, 0.5, 0)"), (0, 0.5, 0)),
        (lambda: pl.stepwise_fading(2, levels=(1.5, 0.0)), ("(1.5, 0.0)",), (1.5, 0.0)),
        (lambda: pl.stepwise_fading(2, levels=()), ("levels", "()"), ()),
        (lambda: pl.stepwise_fading(2, levels=("a", 0)), ("levels", "('a', 0)"), ("a", 0)),
        (lambda: pl.contingent_fading(start=7, levels=5), ("start", "7", "5"), 7),
        (lambda: pl.contingent_fading(start=-1), ("start", "-1"), -1),
        (lambda: pl.contingent_fading(levels=0), ("levels", "0"), 0),
        (lambda: pl.contingent_fading(fade_after=0), ("fade_after", "0"), 0),
        (lambda: pl.backward_fading(0), ("n_steps", "0"), 0),
        (lambda: pl.backward_fading(3, reinstate="yes"), ("reinstate", "'yes'"), "yes"),
        (lambda: pl.mastery_fading(full=0.9, none=0.5), ("full", "0.9", "none", "0.5"), None),
        (lambda: pl.mastery_fading(full=0.5, none=0.5), ("0.5",), None),
        (lambda: pl.mastery_fading(full=-0.1), ("full", "-0.1"), -0.1),
        (lambda: pl.mastery_fading(none=1.2), ("none", "1.2"), 1.2),
    ],
)
def test_bad_factory_arguments(make: Callable[[], object], fragments: tuple[str, ...], value: object) -> None:
    err = fails(pl.InvalidParameterError, make, *fragments)
    if value is not None:
        assert err.value == value


def test_exponential_fading_that_never_fades_is_refused() -> None:
    """DOMAIN 4.1 temporariness: every scaffold has a fading policy; half_life=inf keeps support at 1 for ever.

    Found: ``exponential_fading(math.inf)`` is accepted (``_half_life`` allows
    ``high=math.inf`` inclusive), and the scaffold gives support 1.0 after any
    number of opportunities: a permanent fixture built through a fading rule.
    """
    fails(pl.InvalidParameterError, lambda: pl.exponential_fading(math.inf), "half_life", "inf")


# ------------------------------------------------------- rule_from_dict
@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({"rule": "sigmoid", "opportunities": 3}, ("'sigmoid'",)),
        ({"rule": "Linear", "opportunities": 3}, ("'Linear'",)),
        ({"rule": None}, ("None",)),
        ({"opportunities": 3}, ("rule", "opportunities")),
        ("linear", ("'linear'",)),
        ({"rule": "linear"}, ("'linear'", "opportunities")),
        ({"rule": "linear", "opportunities": 3, "speed": 2}, ("'linear'", "speed")),
        ({"rule": "contingent", "levels": 5, "fade_after": 1, "start": 9}, ("start", "9")),
        ({"rule": "stepwise", "every": 2, "levels": [1.0, 0.5]}, ("end at 0",)),
        ({"rule": "mastery", "full": 0.9, "none": 0.5}, ("full", "0.9")),
    ],
)
def test_rule_from_dict_errors(data: Any, fragments: tuple[str, ...]) -> None:
    fails(pl.InvalidParameterError, lambda: rule_from_dict(data), *fragments)


def test_rule_from_dict_unhashable_rule_name() -> None:
    """Found: an unhashable ``"rule"`` value reaches ``name not in _RULES`` and raises a bare TypeError."""
    fails(pl.InvalidParameterError, lambda: rule_from_dict({"rule": ["linear"], "opportunities": 3}), "['linear']")


# ------------------------------------------------------------- JSON
def scaffold_doc() -> dict[str, Any]:
    s = pl.Scaffold("add", RULES["contingent"], kind="worked example", functions={"demonstration"}).after(True)
    return json.loads(s.to_json())


def state_doc() -> dict[str, Any]:
    return json.loads(pl.ScaffoldState.start(2, [pl.Scaffold(k, r) for k, r in RULES.items()]).to_json())


@pytest.mark.parametrize("schema", ["personalise.scaffold/2", "personalise.scaffold_state/1", None, 1])
def test_scaffold_json_schema_mismatch(schema: object) -> None:
    doc = scaffold_doc()
    doc["schema"] = schema
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(json.dumps(doc)), "personalise.scaffold/1", repr(schema))
    assert err.value == schema
    del doc["schema"]
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(doc), "personalise.scaffold/1")


@pytest.mark.parametrize("field", ["skill", "kind", "rule", "level", *COUNTERS])
def test_scaffold_json_missing_field(field: str) -> None:
    doc = scaffold_doc()
    del doc[field]
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(json.dumps(doc)), repr(field))
    assert err.value == field


def test_scaffold_json_unknown_rule_and_bad_values() -> None:
    doc = scaffold_doc()
    doc["rule"]["rule"] = "sigmoid"
    err = fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(doc), "'sigmoid'")
    assert err.value == "sigmoid"
    doc = scaffold_doc()
    doc["level"] = 9.0
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(doc), "9.0")
    doc = scaffold_doc()
    doc["successes"] = -2
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json(doc), "successes", "-2")
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json("{not json"), "JSON")
    fails(pl.InvalidParameterError, lambda: pl.Scaffold.from_json("[1, 2]"), "[1, 2]")


@pytest.mark.parametrize("skill", [("a", 1), 1.5, True])
def test_scaffold_json_needs_str_or_int_skill(skill: object) -> None:
    s = pl.Scaffold(skill, pl.linear_fading(3))
    fails(pl.InvalidParameterError, s.to_json, repr(skill))
    st = pl.ScaffoldState.start(1, [s])
    fails(pl.InvalidParameterError, st.to_json, repr(skill))


@pytest.mark.parametrize("schema", ["personalise.scaffold_state/2", "personalise.scaffold/1", None])
def test_state_json_schema_mismatch(schema: object) -> None:
    doc = state_doc()
    doc["schema"] = schema
    err = fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(json.dumps(doc)), "personalise.scaffold_state/1", repr(schema))
    assert err.value == schema


@pytest.mark.parametrize("field", ["skills", "kinds", "rules", "level", *COUNTERS])
def test_state_json_missing_field(field: str) -> None:
    doc = state_doc()
    del doc[field]
    err = fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(doc), repr(field))
    assert err.value == field


def test_state_json_unknown_rule_and_bad_values() -> None:
    doc = state_doc()
    doc["rules"][3]["rule"] = "tiered"
    err = fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(doc), "'tiered'")
    assert err.value == "tiered"
    doc = state_doc()
    doc["level"][1][0] = 1.25
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(doc), "1.25", "(1, 0)")
    doc = state_doc()
    doc["failures"][0][2] = -3
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(doc), "failures", "-3", "(0, 2)")
    doc = state_doc()
    doc["streak"] = [[0, "x", 0, 0, 0, 0], [0] * 6]
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(doc), "streak")
    doc = state_doc()
    doc["streak"] = [[0] * 6]
    fails(pl.ShapeError, lambda: pl.ScaffoldState.from_json(doc), "streak", "(1, 6)")


# ------------------------------------------------------- ScaffoldState
def test_state_constructor_errors() -> None:
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(level=[[1.5, 2.0], [0.5, 1.0]])), "1.5", "(0, 0)")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(level=[[1.0, 3.0], [0.5, 1.0]])), "1.5", "(0, 1)")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(level=[[1.0, 2.0], [math.nan, 1.0]])), "nan", "(1, 0)")
    for name in COUNTERS:
        bad = np.array(state_args()[name])
        bad[1, 1] = -4
        err = fails(pl.InvalidParameterError, lambda name=name, bad=bad: pl.ScaffoldState(**state_args(**{name: bad})), name, "-4", "(1, 1)")
        assert err.value == -4
    fails(pl.ShapeError, lambda: pl.ScaffoldState(**state_args(level=[1.0, 2.0])), "level", "(2,)")
    fails(pl.ShapeError, lambda: pl.ScaffoldState(**state_args(streak=[[0, 0]])), "streak", "(1, 2)")
    fails(pl.ShapeError, lambda: pl.ScaffoldState(**state_args(kinds=["prompt"])), "2")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(kinds=["prompt", ""])), "kind", "''")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(skills=["a", None])), "skill", "None")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(skills=["a", ["b"]])), "skill", "['b']")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(rules=[pl.linear_fading(3), "contingent"])), "fading rule", "'contingent'")
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.start(-1, []), "n_learners", "-1")


def test_state_successes_and_failures_exceed_opportunities() -> None:
    """As for Scaffold: the counters must be consistent.

    Found: ScaffoldState checks only that counters are >= 0. It accepts
    successes + failures > opportunities, and the state then holds a cell that
    ``state.scaffold(i, j)`` cannot turn into a Scaffold.
    """
    args = state_args(successes=[[0, 0], [2, 2]], failures=[[0, 0], [1, 2]])  # cell (1, 0): 2 + 1 > 2
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**args), "opportunities")


def test_state_counters_must_be_whole_numbers() -> None:
    """Found: counters are cast to integers silently (1.7 opportunities become 1), in the constructor and from JSON."""
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState(**state_args(opportunities=[[0, 0], [2.7, 3]])), "opportunities", "2.7")
    doc = state_doc()
    doc["opportunities"][0][0] = 1.5
    fails(pl.InvalidParameterError, lambda: pl.ScaffoldState.from_json(doc), "opportunities", "1.5")


def test_state_counters_beyond_int32_are_kept_or_refused() -> None:
    """Counters are exact up to 2**31 - 1 in the cohort form; a larger count must be refused, never wrapped.

    Found (since "int32 counters"): ``ScaffoldState.from_json`` wraps
    ``2**32 + 3`` opportunities to 3 silently, and ``ScaffoldState.start`` with
    a Scaffold holding ``2**31`` opportunities (valid for the object form)
    raises a bare OverflowError.
    """
    doc = state_doc()
    doc["opportunities"][0][0] = 2**32 + 3
    try:
        loaded = pl.ScaffoldState.from_json(doc)
    except pl.PersonaliseError as err:
        assert str(2**32 + 3) in str(err)
    else:
        assert int(loaded.opportunities[0, 0]) == 2**32 + 3, f"silently changed to {int(loaded.opportunities[0, 0])}"
    with pytest.raises(pl.InvalidParameterError, match=str(2**31)):
        pl.Scaffold("a", pl.linear_fading(3), opportunities=2**31)


@pytest.mark.parametrize("shape", [(3, 2), (2, 3), (2,), (2, 2, 1), ()])
def test_after_outcomes_of_the_wrong_shape(shape: tuple[int, ...]) -> None:
    err = fails(pl.ShapeError, lambda: state().after(np.ones(shape, dtype=bool), mastery=np.zeros((2, 2))), "outcomes", str(shape), "(2, 2)")
    assert err.value == shape


@pytest.mark.parametrize(
    ("outcomes", "fragments"),
    [
        (np.array([["yes", "no"], ["no", "no"]]), ("outcomes", "<U3")),
        ([[True, None], [False, False]], ("outcomes", "object")),
        ([[1, 0], [2, 0]], ("outcomes", "2", "(1, 0)")),
        ([[1.0, math.nan], [0.0, 0.0]], ("outcomes", "nan", "(0, 1)")),
        ([[1, 0], [0, -1]], ("outcomes", "-1", "(1, 1)")),
        ([[1, 0.5], [0, 1]], ("outcomes", "0.5", "(0, 1)")),
        (np.array([[1 + 0j, 0], [0, 1]]), ("outcomes", "complex")),
    ],
)
def test_after_outcomes_that_are_not_boolean(outcomes: Any, fragments: tuple[str, ...]) -> None:
    fails(pl.InvalidParameterError, lambda: state().after(outcomes, mastery=np.zeros((2, 2))), *fragments)


def test_after_active_errors() -> None:
    ok = np.ones((2, 2), dtype=bool)
    fails(pl.ShapeError, lambda: state().after(ok, mastery=np.zeros((2, 2)), active=np.ones((2, 1), bool)), "active", "(2, 1)")
    fails(pl.InvalidParameterError, lambda: state().after(ok, mastery=np.zeros((2, 2)), active=[[1, 2], [0, 0]]), "active", "2", "(0, 1)")
    fails(pl.InvalidParameterError, lambda: state().after(ok, mastery=np.zeros((2, 2)), active=[["a", "b"], ["c", "d"]]), "active")


def test_after_mastery_errors() -> None:
    ok = np.ones((2, 2), dtype=bool)
    fails(pl.InvalidParameterError, lambda: state().after(ok), "mastery")
    fails(pl.ShapeError, lambda: state().after(ok, mastery=np.zeros((2, 3))), "mastery", "(2, 3)")
    fails(pl.ShapeError, lambda: state().after(ok, mastery=np.zeros(2)), "mastery", "(2,)")
    fails(pl.InvalidParameterError, lambda: state().after(ok, mastery=[[0.1, 0.2], [math.nan, 0.3]]), "mastery", "nan", "(1, 0)")
    fails(pl.InvalidParameterError, lambda: state().after(ok, mastery=[[0.1, 1.5], [0.2, 0.3]]), "mastery", "1.5", "(0, 1)")
    fails(pl.InvalidParameterError, lambda: state().after(ok, mastery=[[0.1, 0.5], [0.2, -0.3]]), "mastery", "-0.3", "(1, 1)")
    # mastery is checked even in a column whose learner is inactive
    fails(pl.InvalidParameterError, lambda: state().after(ok, mastery=[[0.1, 0.5], [0.2, 2.0]], active=[[1, 1], [1, 0]]), "2.0")


def test_after_mastery_of_strings() -> None:
    """Found: strings in ``mastery`` reach ``np.asarray(..., dtype=float64)`` and raise a bare ValueError."""
    fails(pl.InvalidParameterError, lambda: state().after(np.ones((2, 2), bool), mastery=[["high", "low"], ["low", "low"]]), "mastery")


@pytest.mark.parametrize(("i", "j"), [(2, 0), (0, 2), (5, 5), (-1, 0), (0, -1)])
def test_scaffold_cell_out_of_range(i: int, j: int) -> None:
    err = fails(pl.InvalidParameterError, lambda: state().scaffold(i, j), str(i if i < 0 or i >= 2 else j))
    assert err.value in ((i, j), i, j)


@pytest.mark.parametrize(("i", "j"), [(0.0, 0), (True, 0), ("0", 0), (0, None)])
def test_scaffold_cell_not_an_integer(i: object, j: object) -> None:
    fails(pl.InvalidParameterError, lambda: state().scaffold(i, j))  # type: ignore[arg-type]


# -------------------------------------------------------------- audits
def audited() -> pl.ScaffoldState:
    st = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.contingent_fading(levels=2))])
    for _ in range(4):
        st = st.after(np.array([[True], [False]]))
    return st


def test_audit_learner_ids_errors() -> None:
    fails(pl.ShapeError, lambda: pl.audit_scaffolds(audited(), learner_ids=["ann"]), "learner_ids", "1")
    fails(pl.ShapeError, lambda: pl.audit_scaffolds(audited(), learner_ids=["ann", "bo", "cy"]), "learner_ids", "3")
    err = fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), learner_ids=["ann", "ann"]), "'ann'", "unique")
    assert err.value == "ann"
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), learner_ids="ab"), "'ab'")
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), learner_ids=[["a"], "b"]), "['a']")


def test_audit_graph_and_mastery_go_together() -> None:
    graph = pl.compile_graph([("count", "add")])
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), graph=graph), "mastery")
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), mastery=np.ones((2, 2))), "graph")
    fails(pl.ShapeError, lambda: pl.audit_scaffolds(audited(), graph=graph, mastery=np.ones((3, 2))), "3")
    fails(pl.ShapeError, lambda: pl.audit_scaffolds(audited(), graph=graph, mastery=np.ones((2, 3))), "(2, 3)")
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), graph=graph, mastery=np.full((2, 2), 1.5)), "1.5")
    with pytest.raises(pl.UnknownSkillError, match="'add'"):
        pl.audit_scaffolds(audited(), graph=pl.compile_graph([("x", "y")]), mastery=np.ones((2, 2)))


def test_audit_option_errors() -> None:
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), max_opportunities=0), "max_opportunities", "0")
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), struggle_after=0), "struggle_after", "0")
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), struggle_after=2.5), "struggle_after", "2.5")
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds("state"), "state", "str")  # type: ignore[arg-type]
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), plan=["worksheet"]), "plan", "['worksheet']")  # type: ignore[arg-type]
    fails(pl.InvalidParameterError, lambda: pl.audit_scaffolds(audited(), plan={"w": "add"}), "'w'", "'add'")  # type: ignore[dict-item]


def test_audit_tiered_task_message_names_task_goals_and_learners() -> None:
    err = fails(
        pl.InvalidParameterError,
        lambda: pl.audit_scaffolds(audited(), plan={"worksheet 3": {"ann": "add", "bo": "count"}}),
        "'worksheet 3'", "'add' for 'ann'", "'count' for 'bo'",
    )
    assert err.value == "worksheet 3"


def test_errors_are_builtin_catchable() -> None:
    with pytest.raises(ValueError):
        pl.linear_fading(0)
    with pytest.raises(TypeError):
        pl.Scaffold("a", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        state().after(np.ones((1, 2), bool))
