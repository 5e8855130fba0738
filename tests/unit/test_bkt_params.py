"""BKTParams: construction, validation, read-only arrays, JSON and pyBKT round trips, alignment.

Spec: /work/spec/bkt_api.md, "BKTParams (frozen)"; DOMAIN.md 6.3 (degeneracy).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import personalise as pl
from tests.bkt_reference import PARAM_NAMES
from tests.strategies import examples

SKILLS = ("add", "sub", "mul")
VALUES = {
    "prior": [0.3, 0.1, 0.5],
    "learn": [0.15, 0.1, 0.4],
    "guess": [0.2, 0.2, 0.2],
    "slip": [0.1, 0.1, 0.2],
    "forget": [0.0, 0.05, 0.0],
}


def make(skill_ids: Any = SKILLS, **changes: Any) -> pl.BKTParams:
    values: dict[str, Any] = {name: list(v) for name, v in VALUES.items()}
    values.update(changes)
    return pl.BKTParams(skill_ids, **values)


# ------------------------------------------------------------------ construction
def test_fields_are_read_only_float64_arrays() -> None:
    params = make()
    assert params.skill_ids == SKILLS
    assert isinstance(params.skill_ids, tuple)
    assert params.n_skills == 3
    for name in PARAM_NAMES:
        array = getattr(params, name)
        assert isinstance(array, np.ndarray)
        assert array.dtype == np.float64
        assert array.shape == (3,)
        np.testing.assert_array_equal(array, VALUES[name])
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.5


def test_positional_construction_follows_the_documented_field_order() -> None:
    params = pl.BKTParams(SKILLS, *(VALUES[name] for name in PARAM_NAMES))
    assert params == make()


def test_frozen() -> None:
    params = make()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        params.prior = np.zeros(3)  # type: ignore[misc]


def test_input_arrays_are_copied() -> None:
    prior = np.array(VALUES["prior"])
    params = make(prior=prior)
    prior[0] = 0.99
    assert params.prior[0] == 0.3
    assert prior.flags.writeable  # the caller's array is not frozen behind their back


def test_scalars_are_broadcast() -> None:
    params = pl.BKTParams(SKILLS, 0.3, 0.15, 0.2, 0.1, 0.0)
    for name, value in zip(PARAM_NAMES, (0.3, 0.15, 0.2, 0.1, 0.0)):
        array = getattr(params, name)
        assert array.shape == (3,)
        assert array.dtype == np.float64
        assert not array.flags.writeable
        np.testing.assert_array_equal(array, [value] * 3)


def test_other_array_likes_and_dtypes_are_accepted() -> None:
    params = make(prior=(0.3, 0.1, 0.5), learn=np.array([0.15, 0.1, 0.4], dtype=np.float32), forget=[0, 0, 0])
    assert params.learn.dtype == np.float64
    np.testing.assert_array_equal(params.learn, np.array([0.15, 0.1, 0.4], dtype=np.float32).astype(np.float64))
    np.testing.assert_array_equal(params.forget, [0.0, 0.0, 0.0])


def test_ids_may_be_any_hashable_and_any_sequence() -> None:
    params = make(skill_ids=[3, "x", (1, 2)])
    assert params.skill_ids == (3, "x", (1, 2))
    assert params.index_of((1, 2)) == 2


def test_boundary_values_are_valid() -> None:
    params = make(prior=[0.0, 1.0, 0.5], learn=[0.0, 1.0, 0.0], guess=[0.0, 0.0, 0.999], slip=[0.0, 0.999, 0.0])
    np.testing.assert_array_equal(params.prior, [0.0, 1.0, 0.5])


def test_guess_plus_slip_just_below_one_is_valid() -> None:
    guess = 0.25
    slip = 0.75
    while guess + slip >= 1.0:  # the largest slip with guess + slip < 1 in float64
        slip = float(np.nextafter(slip, 0.0))
    assert guess + float(np.nextafter(slip, 1.0)) >= 1.0
    params = make(guess=[0.2, guess, 0.2], slip=[0.1, slip, 0.1])
    assert params.slip[1] == slip


def test_empty_params() -> None:
    params = pl.BKTParams((), [], [], [], [], [])
    assert params.n_skills == 0
    for name in PARAM_NAMES:
        assert getattr(params, name).shape == (0,)


def test_equality_compares_arrays() -> None:
    assert make() == make()
    assert make() != make(prior=[0.3, 0.1, 0.6])
    assert make() != make(skill_ids=("add", "sub", "div"))


def test_index_of() -> None:
    params = make()
    assert [params.index_of(s) for s in SKILLS] == [0, 1, 2]
    with pytest.raises(pl.UnknownSkillError, match="'div'") as info:
        params.index_of("div")
    assert info.value.value == "div"
    assert isinstance(info.value, LookupError)


# --------------------------------------------------------------------- validation
BAD_VALUES = [math.nan, math.inf, -math.inf, -0.1, 1.1, -1e-300, np.nextafter(1.0, 2.0)]
BAD_IDS = ["nan", "inf", "-inf", "negative", "above-one", "tiny-negative", "next-after-one"]


@pytest.mark.parametrize("value", BAD_VALUES, ids=BAD_IDS)
@pytest.mark.parametrize("name", PARAM_NAMES)
def test_invalid_value_names_parameter_and_skill(name: str, value: float) -> None:
    values = list(VALUES[name])
    values[1] = value  # skill "sub"
    with pytest.raises(pl.InvalidParameterError) as info:
        make(**{name: values})
    message = str(info.value)
    assert name in message
    assert "'sub'" in message or "sub" in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("name", PARAM_NAMES)
def test_invalid_scalar_is_rejected(name: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=name):
        make(**{name: math.nan})


@pytest.mark.parametrize("name", PARAM_NAMES)
@pytest.mark.parametrize("length", [2, 4], ids=["short", "long"])
def test_wrong_length(name: str, length: int) -> None:
    with pytest.raises(pl.ShapeError, match=name):
        make(**{name: [0.1] * length})


@pytest.mark.parametrize("name", ["prior", "slip"])
def test_length_one_list_is_not_a_scalar(name: str) -> None:
    """Scalars are broadcast; a one-element list for three skills is a wrong length."""
    with pytest.raises(pl.ShapeError, match=name):
        make(**{name: [0.1]})


@pytest.mark.parametrize("value", [["a", "b", "c"], "high", object()], ids=["strings", "string", "object"])
def test_non_numeric_values(value: object) -> None:
    """A PersonaliseError naming the parameter, not a bare ValueError/TypeError from NumPy's conversion."""
    with pytest.raises(pl.InvalidParameterError, match="learn"):
        make(learn=value)


@pytest.mark.parametrize("name", PARAM_NAMES)
def test_two_dimensional_array_is_a_shape_error(name: str) -> None:
    with pytest.raises(pl.ShapeError, match=name):
        make(**{name: [[0.1, 0.1, 0.1]]})


def test_duplicate_skill_ids() -> None:
    with pytest.raises(pl.PersonaliseError, match="'sub'") as info:
        make(skill_ids=("add", "sub", "sub"))
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("guess", "slip"),
    [(0.5, 0.5), (0.6, 0.5), (0.9, 0.3), (1.0, 0.0), (0.0, 1.0), (0.7, 0.3)],
    ids=["half-half", "above", "far-above", "guess-one", "slip-one", "sum-exactly-one"],
)
def test_degenerate_guess_plus_slip(guess: float, slip: float) -> None:
    with pytest.raises(pl.InvalidParameterError, match="degenerate") as info:
        make(guess=[0.2, 0.2, guess], slip=[0.1, 0.1, slip])
    assert "mul" in str(info.value)
    assert "add" not in str(info.value)


def test_degenerate_constant() -> None:
    with pytest.raises(pl.InvalidParameterError, match="degenerate"):
        pl.BKTParams.constant(["only"], prior=0.3, learn=0.1, guess=0.6, slip=0.4)


# ---------------------------------------------------------------------- constant
def test_constant() -> None:
    params = pl.BKTParams.constant(["a", "b"], prior=0.3, learn=0.15, guess=0.2, slip=0.1)
    assert params.skill_ids == ("a", "b")
    np.testing.assert_array_equal(params.prior, [0.3, 0.3])
    np.testing.assert_array_equal(params.learn, [0.15, 0.15])
    np.testing.assert_array_equal(params.guess, [0.2, 0.2])
    np.testing.assert_array_equal(params.slip, [0.1, 0.1])
    np.testing.assert_array_equal(params.forget, [0.0, 0.0])  # documented default
    assert params == pl.BKTParams(("a", "b"), 0.3, 0.15, 0.2, 0.1, 0.0)
    with_forget = pl.BKTParams.constant(["a"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.05)
    np.testing.assert_array_equal(with_forget.forget, [0.05])


def test_constant_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        pl.BKTParams.constant(["a"], 0.3, 0.15, 0.2, 0.1)  # type: ignore[misc]


# ----------------------------------------------------------------------- aligned
def test_aligned_reorders() -> None:
    params = make()
    out = params.aligned(["mul", "add", "sub"])
    assert out.skill_ids == ("mul", "add", "sub")
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(getattr(out, name), np.asarray(VALUES[name])[[2, 0, 1]])
        assert not getattr(out, name).flags.writeable
    assert out.aligned(SKILLS) == params


def test_aligned_to_compiled_graph() -> None:
    graph = pl.compile_graph([("mul", "add"), ("sub", "add")])  # column order: mul, sub, add
    assert graph.skill_ids == ("mul", "sub", "add")
    out = make().aligned(graph)
    assert out.skill_ids == graph.skill_ids
    for j, skill in enumerate(graph.skill_ids):
        assert out.prior[j] == VALUES["prior"][SKILLS.index(skill)]


def test_aligned_unknown_skill() -> None:
    with pytest.raises(pl.UnknownSkillError, match="'div'") as info:
        make().aligned(["mul", "div", "add"])
    assert info.value.value == "div"


def test_aligned_unknown_skill_in_graph() -> None:
    graph = pl.compile_graph([("add", "div")])
    with pytest.raises(pl.UnknownSkillError, match="'div'"):
        make().aligned(graph)


# -------------------------------------------------------------------------- JSON
def test_to_json_document() -> None:
    document = json.loads(make().to_json())
    assert document["schema"] == "personalise.bkt_params/1"


def test_json_round_trip_from_str_and_mapping() -> None:
    params = make()
    text = params.to_json()
    assert pl.BKTParams.from_json(text) == params
    assert pl.BKTParams.from_json(json.loads(text)) == params


def test_from_json_wrong_schema() -> None:
    document = json.loads(make().to_json())
    document["schema"] = "personalise.compiled_graph/1"
    with pytest.raises(pl.PersonaliseError, match="schema"):
        pl.BKTParams.from_json(document)


def test_from_json_validates() -> None:
    document = json.loads(make().to_json())
    text = json.dumps(document).replace("0.15", "1.5")
    with pytest.raises(pl.InvalidParameterError, match="learn"):
        pl.BKTParams.from_json(text)


ids_strategy = st.one_of(
    st.lists(st.text(min_size=0, max_size=6), unique=True, max_size=6),
    st.lists(st.integers(-(2**40), 2**40), unique=True, max_size=6),
)
unit = st.floats(min_value=0.0, max_value=1.0, allow_subnormal=True)


@st.composite
def bkt_params(draw: st.DrawFn) -> pl.BKTParams:
    skill_ids = draw(ids_strategy)
    n = len(skill_ids)
    columns: dict[str, list[float]] = {name: draw(st.lists(unit, min_size=n, max_size=n)) for name in PARAM_NAMES}
    columns["guess"] = [g if g < 1.0 else 0.5 for g in columns["guess"]]
    # keep guess + slip < 1 (degenerate sets are rejected; tested separately)
    columns["slip"] = [s if g + s < 1.0 else 0.0 for g, s in zip(columns["guess"], columns["slip"])]
    return pl.BKTParams(skill_ids, **columns)


@examples(100)
@given(params=bkt_params())
def test_json_round_trip_is_exact(params: pl.BKTParams) -> None:
    text = params.to_json()
    back = pl.BKTParams.from_json(text)
    assert back == params
    assert back.skill_ids == params.skill_ids
    for name in PARAM_NAMES:
        # bit for bit, not just ==
        np.testing.assert_array_equal(getattr(back, name).view(np.uint64), getattr(params, name).view(np.uint64))
        assert not getattr(back, name).flags.writeable
    assert back.to_json() == text


# ------------------------------------------------------------------------- pyBKT
def test_to_pybkt_layout() -> None:
    coef = make().to_pybkt()
    assert list(coef) == list(SKILLS)
    for j, skill in enumerate(SKILLS):
        entry = coef[skill]
        assert set(entry) >= {"prior", "learns", "guesses", "slips", "forgets"}
        assert float(entry["prior"]) == VALUES["prior"][j]
        for key, name in [("learns", "learn"), ("guesses", "guess"), ("slips", "slip"), ("forgets", "forget")]:
            value = np.asarray(entry[key])
            assert value.shape == (1,)
            assert value[0] == VALUES[name][j]


def test_from_pybkt() -> None:
    coef = {
        "Box and Whisker": {
            "prior": 0.3,
            "learns": np.array([0.15]),
            "guesses": np.array([0.2]),
            "slips": np.array([0.1]),
            "forgets": np.array([0.0]),
        },
        "Circle Graph": {
            "prior": np.float64(0.5),
            "learns": np.array([0.4]),
            "guesses": np.array([0.25]),
            "slips": np.array([0.05]),
            "forgets": np.array([0.02]),
        },
    }
    params = pl.BKTParams.from_pybkt(coef)
    assert set(params.skill_ids) == {"Box and Whisker", "Circle Graph"}
    j = params.index_of("Circle Graph")
    assert (params.prior[j], params.learn[j], params.guess[j], params.slip[j], params.forget[j]) == (
        0.5,
        0.4,
        0.25,
        0.05,
        0.02,
    )
    assert pl.BKTParams.from_pybkt(params.to_pybkt()) == params


@examples(60)
@given(params=bkt_params())
def test_pybkt_round_trip(params: pl.BKTParams) -> None:
    back = pl.BKTParams.from_pybkt(params.to_pybkt())
    assert back.aligned(params.skill_ids) == params


@pytest.mark.parametrize("key", ["learns", "guesses", "slips", "forgets"])
def test_from_pybkt_rejects_several_values(key: str) -> None:
    entry: dict[str, Any] = {
        "prior": 0.3,
        "learns": np.array([0.15]),
        "guesses": np.array([0.2]),
        "slips": np.array([0.1]),
        "forgets": np.array([0.0]),
    }
    entry[key] = np.array([0.1, 0.2])
    with pytest.raises(pl.InvalidParameterError, match=re.escape(key) + "|skill"):
        pl.BKTParams.from_pybkt({"s": entry})


def test_from_pybkt_validates_values() -> None:
    entry = {
        "prior": 0.3,
        "learns": np.array([0.15]),
        "guesses": np.array([0.6]),
        "slips": np.array([0.5]),
        "forgets": np.array([0.0]),
    }
    with pytest.raises(pl.InvalidParameterError, match="degenerate"):
        pl.BKTParams.from_pybkt({"s": entry})
