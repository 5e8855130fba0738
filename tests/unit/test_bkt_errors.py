"""Bad input for fit_bkt, BKTModel.predict/evaluate/current_mastery, crossvalidate and update_mastery.

Each case: the documented error class (EvidenceError for bad response data,
ShapeError for shapes, InvalidParameterError for options) and a message that
names the column and the row, or the argument and the offending value.
Spec: /work/spec/bkt_api.md, "Response data" and "update_mastery".
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import personalise as pl
from tests.bkt_reference import model_from_params

SKILLS = ("a", "b")
PARAMS = pl.BKTParams(SKILLS, [0.3, 0.4], [0.15, 0.2], [0.2, 0.25], [0.1, 0.05], [0.0, 0.0])

#: Row of the bad value in every case below: far from 0..9, so that "row 17" is unambiguous in a message.
BAD_ROW = 17


def good_data() -> dict[str, Any]:
    """6 learners x 2 skills x 4 opportunities (sequences long enough not to warn), learner-major."""
    rng = np.random.default_rng(5)
    users, skills, correct, order = [], [], [], []
    for u in range(6):
        k = 0
        for t in range(4):
            for s in SKILLS:
                users.append(100 + u)
                skills.append(s)
                correct.append(int(rng.random() < 0.6))
                order.append(k)
                k += 1
    return {
        "user_id": np.array(users),
        "skill_name": np.array(skills, dtype=object),
        "correct": np.array(correct),
        "order_id": np.array(order),
    }


def with_value(column: str, value: Any, row: int = BAD_ROW, dtype: Any = object) -> dict[str, Any]:
    data = good_data()
    array = np.array(data[column], dtype=dtype)
    array[row] = value
    data[column] = array
    return data


@pytest.fixture(scope="module")
def model() -> Any:
    return model_from_params(PARAMS)


def _quiet(function: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """Call ``function``; a short random-start fit may legitimately warn about degeneracy, which is not under test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.DegenerateFitWarning)
        return function(*args, **kw)


def _fit(data: Any, **kw: Any) -> Any:
    return _quiet(pl.fit_bkt, data, n_restarts=1, max_iter=3, rng=0, **kw)


# Every entry point that reads response data; each takes (data, **options).
ENTRY_POINTS: dict[str, Callable[..., Any]] = {
    "fit_bkt": _fit,
    "predict": lambda data, **kw: model_from_params(PARAMS).predict(data, **kw),
    "evaluate": lambda data, **kw: model_from_params(PARAMS).evaluate(data, **kw),
    "current_mastery": lambda data, **kw: model_from_params(PARAMS).current_mastery(data, **kw),
    "crossvalidate": lambda data, **kw: _quiet(pl.crossvalidate, data, folds=2, rng=0, n_restarts=1, max_iter=3, **kw),
}
entry_points = pytest.mark.parametrize("entry", list(ENTRY_POINTS), ids=list(ENTRY_POINTS))


def names_row(message: str, row: int = BAD_ROW) -> bool:
    return re.search(rf"\b{row}\b", message) is not None


# ------------------------------------------------------------------- columns
@entry_points
@pytest.mark.parametrize("column", ["user_id", "skill_name", "correct"])
def test_missing_column(entry: str, column: str) -> None:
    data = good_data()
    del data[column]
    with pytest.raises(pl.EvidenceError, match=re.escape(column)):
        ENTRY_POINTS[entry](data)


@entry_points
def test_missing_column_in_dataframe(entry: str) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(good_data()).drop(columns=["correct"])
    with pytest.raises(pl.EvidenceError, match="correct"):
        ENTRY_POINTS[entry](frame)


COLUMNS = {"user_id": "Anon Student Id", "skill_name": "KC(Default)", "correct": "Correct First Attempt"}


def renamed(data: dict[str, Any]) -> dict[str, Any]:
    return {COLUMNS.get(name, name): value for name, value in data.items()}


@entry_points
def test_column_mapping(entry: str) -> None:
    data = renamed(good_data())
    with pytest.raises(pl.EvidenceError, match="user_id|Anon Student Id"):
        ENTRY_POINTS[entry](data)
    ENTRY_POINTS[entry](data, columns=COLUMNS)  # no error


@entry_points
def test_column_mapping_to_an_absent_column(entry: str) -> None:
    data = renamed(good_data())
    columns = dict(COLUMNS, correct="Correct")
    with pytest.raises(pl.EvidenceError, match="'?Correct'?"):
        ENTRY_POINTS[entry](data, columns=columns)


def test_column_mapping_gives_the_same_predictions(model: Any) -> None:
    expected = model.predict(good_data())
    got = model.predict(renamed(good_data()), columns=COLUMNS)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


@entry_points
def test_bad_value_in_a_mapped_column_names_the_data_column(entry: str) -> None:
    data = renamed(with_value("correct", 2))
    with pytest.raises(pl.EvidenceError, match="Correct First Attempt") as info:
        ENTRY_POINTS[entry](data, columns=COLUMNS)
    assert names_row(str(info.value))


# ------------------------------------------------------------------- correct
@entry_points
@pytest.mark.parametrize(
    ("value", "dtype"),
    [(2, np.int64), (-1, np.int64), (0.5, np.float64), (math.nan, np.float64), ("1", object), (None, object)],
    ids=["two", "minus-one", "half", "nan", "string", "none"],
)
def test_correct_not_zero_or_one(entry: str, value: Any, dtype: Any) -> None:
    data = with_value("correct", value, dtype=dtype)
    with pytest.raises(pl.EvidenceError, match="correct") as info:
        ENTRY_POINTS[entry](data)
    message = str(info.value)
    assert names_row(message), message
    if not (isinstance(value, float) and math.isnan(value)) and value is not None:
        assert str(value) in message


@entry_points
@pytest.mark.parametrize("kind", ["bool", "float-zero-one", "int8"])
def test_correct_accepted_types(entry: str, kind: str) -> None:
    data = good_data()
    data["correct"] = {
        "bool": data["correct"].astype(bool),
        "float-zero-one": data["correct"].astype(float),
        "int8": data["correct"].astype(np.int8),
    }[kind]
    ENTRY_POINTS[entry](data)


# ----------------------------------------------------------------------- ids
@entry_points
def test_nan_user_id(entry: str) -> None:
    data = with_value("user_id", math.nan, dtype=np.float64)
    with pytest.raises(pl.EvidenceError, match="user_id") as info:
        ENTRY_POINTS[entry](data)
    assert names_row(str(info.value))


@entry_points
def test_none_user_id(entry: str) -> None:
    data = with_value("user_id", None)
    with pytest.raises(pl.EvidenceError, match="user_id") as info:
        ENTRY_POINTS[entry](data)
    assert names_row(str(info.value))


@entry_points
@pytest.mark.parametrize("value", [None, math.nan], ids=["none", "nan"])
def test_missing_skill(entry: str, value: Any) -> None:
    data = with_value("skill_name", value)
    with pytest.raises(pl.EvidenceError, match="skill_name") as info:
        ENTRY_POINTS[entry](data)
    assert names_row(str(info.value))


def test_nan_user_id_in_dataframe(model: Any) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(with_value("user_id", math.nan, dtype=np.float64))
    with pytest.raises(pl.EvidenceError, match="user_id") as info:
        model.predict(frame)
    assert names_row(str(info.value))


# ------------------------------------------------------------------ order_id
@entry_points
def test_duplicate_order_id_same_skill(entry: str) -> None:
    data = good_data()
    # learner 102 (rows 16..23): rows 16 and 18 are both skill "a"; give row 18 the order_id of row 16
    assert data["skill_name"][16] == data["skill_name"][18] == "a"
    data["order_id"][18] = data["order_id"][16]
    with pytest.raises(pl.EvidenceError, match="order_id") as info:
        ENTRY_POINTS[entry](data)
    message = str(info.value)
    assert "102" in message or names_row(message, 18) or names_row(message, 16), message


@entry_points
def test_duplicate_order_id_across_skills_of_one_learner(entry: str) -> None:
    data = good_data()
    # rows 16 ("a") and 17 ("b") belong to learner 102; order is defined per learner
    data["order_id"][BAD_ROW] = data["order_id"][16]
    with pytest.raises(pl.EvidenceError, match="order_id"):
        ENTRY_POINTS[entry](data)


@entry_points
def test_same_order_id_in_different_learners_is_fine(entry: str) -> None:
    data = good_data()
    assert len(set(zip(data["user_id"].tolist(), data["order_id"].tolist()))) == len(data["order_id"])
    assert len(set(data["order_id"].tolist())) < len(data["order_id"])  # order ids repeat across learners
    ENTRY_POINTS[entry](data)


@entry_points
def test_nan_order_id(entry: str) -> None:
    data = with_value("order_id", math.nan, dtype=np.float64)
    with pytest.raises(pl.EvidenceError, match="order_id") as info:
        ENTRY_POINTS[entry](data)
    assert names_row(str(info.value))


# ------------------------------------------------------------- length mismatch
@entry_points
@pytest.mark.parametrize("column", ["user_id", "skill_name", "correct", "order_id"])
def test_length_mismatch(entry: str, column: str) -> None:
    data = good_data()
    data[column] = data[column][:-1]
    with pytest.raises(pl.EvidenceError, match=re.escape(column)):
        ENTRY_POINTS[entry](data)


@entry_points
def test_two_dimensional_column(entry: str) -> None:
    data = good_data()
    data["correct"] = data["correct"].reshape(-1, 2)
    with pytest.raises((pl.EvidenceError, pl.ShapeError), match="correct"):
        ENTRY_POINTS[entry](data)


# ------------------------------------------------------------- unknown skills
def test_fit_skill_unknown_to_skills() -> None:
    data = good_data()
    with pytest.raises(pl.EvidenceError, match="'b'") as info:
        _fit(data, skills=["a"])
    assert "skill_name" in str(info.value)


def test_fit_skill_unknown_to_compiled_graph() -> None:
    graph = pl.compile_graph([("a", "c")])
    with pytest.raises(pl.EvidenceError, match="'b'"):
        _fit(good_data(), skills=graph)


@pytest.mark.parametrize("method", ["predict", "evaluate", "current_mastery"])
def test_model_skill_unknown_to_params(model: Any, method: str) -> None:
    data = with_value("skill_name", "zzz")
    with pytest.raises(pl.EvidenceError, match="zzz") as info:
        getattr(model, method)(data)
    assert names_row(str(info.value))


# ------------------------------------------------------------- fit options
@pytest.mark.parametrize(
    "options",
    [
        {"n_restarts": 0},
        {"max_iter": 0},
        {"tol": -1.0},
        {"tol": math.nan},
        {"fixed": {"speed": 0.1}},
        {"fixed": {"guess": 1.5}},
        {"fixed": {"guess": math.nan}},
        {"fixed": {"guess": [0.1, 0.2, 0.3]}},
        {"bounds": {"guess": (0.5, 0.2)}},
        {"bounds": {"guess": (-0.1, 0.3)}},
        {"bounds": {"speed": (0.0, 0.3)}},
    ],
    ids=[
        "no-restarts",
        "no-iterations",
        "negative-tol",
        "nan-tol",
        "fixed-unknown-name",
        "fixed-out-of-range",
        "fixed-nan",
        "fixed-wrong-length",
        "bounds-reversed",
        "bounds-out-of-range",
        "bounds-unknown-name",
    ],
)
def test_bad_fit_options(options: dict[str, Any]) -> None:
    with pytest.raises((pl.InvalidParameterError, pl.ShapeError)):
        pl.fit_bkt(good_data(), rng=0, **options)


def test_degenerate_fixed_values_are_rejected_before_fitting() -> None:
    # guess + slip >= 1 pinned by the caller is a bad option: InvalidParameterError naming the
    # degeneracy, raised up front (no fit, and no DegenerateFitWarning about values the caller chose)
    with pytest.raises(pl.InvalidParameterError, match="degenerate"):
        pl.fit_bkt(good_data(), rng=0, fixed={"guess": 0.6, "slip": 0.5})


def test_signatures_follow_the_spec() -> None:
    """Keyword-only options and their documented defaults (spec: fit_bkt, crossvalidate, BKTModel)."""
    import inspect

    fit = inspect.signature(pl.fit_bkt).parameters
    expected = {
        "skills": None,
        "n_restarts": 5,
        "rng": None,
        "fixed": None,
        "forgets": False,
        "tol": 1e-6,  # per answer: a skill stops when its gain <= tol * its number of answers
        "max_iter": 100,
        "bounds": None,
        "columns": None,
    }
    for name, default in expected.items():
        assert fit[name].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert fit[name].default == default, (name, fit[name].default)
    cv = inspect.signature(pl.crossvalidate).parameters
    assert cv["folds"].default == 5 and cv["rng"].default is None
    assert cv["metrics"].default == ("auc", "rmse", "accuracy", "log_loss")
    assert set(inspect.signature(pl.BKTModel.current_mastery).parameters) >= {"data", "columns", "learners"}


def test_fit_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        pl.fit_bkt(good_data(), None)  # type: ignore[misc]


@pytest.mark.parametrize("folds", [0, 1, 7], ids=["zero", "one", "more-than-learners"])
def test_bad_folds(folds: int) -> None:
    with pytest.raises(pl.PersonaliseError, match="folds"):
        pl.crossvalidate(good_data(), folds=folds, rng=0, n_restarts=1, max_iter=3)


def test_unknown_metric(model: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="brier"):
        model.evaluate(good_data(), metrics=("auc", "brier"))


def test_empty_data_fit() -> None:
    data = {name: value[:0] for name, value in good_data().items()}
    with pytest.raises((pl.EvidenceError, pl.InvalidParameterError)):
        pl.fit_bkt(data, rng=0)


# ------------------------------------------------------------ update_mastery
def start(n_learners: int = 3) -> np.ndarray:
    return np.broadcast_to(PARAMS.prior, (n_learners, PARAMS.n_skills)).copy()


@pytest.mark.parametrize("index", [3, 100, -1], ids=["n", "far", "negative"])
def test_update_learner_index_out_of_range(index: int) -> None:
    with pytest.raises(pl.PersonaliseError, match=re.escape(str(index))) as info:
        pl.update_mastery(PARAMS, start(3), [0, index], [0, 1], [1, 0])
    assert "learner" in str(info.value)
    assert isinstance(info.value, (pl.EvidenceError, pl.InvalidParameterError, pl.ShapeError))


@pytest.mark.parametrize("index", [2, 50, -1], ids=["n", "far", "negative"])
def test_update_skill_index_out_of_range(index: int) -> None:
    with pytest.raises(pl.PersonaliseError, match=re.escape(str(index))) as info:
        pl.update_mastery(PARAMS, start(3), [0, 1], [0, index], [1, 0])
    assert "skill" in str(info.value)
    assert isinstance(info.value, (pl.EvidenceError, pl.InvalidParameterError, pl.ShapeError, pl.UnknownSkillError))


@pytest.mark.parametrize("shape", [(3, 3), (3, 1), (6,), (3, 2, 1)], ids=["3-cols", "1-col", "1-D", "3-D"])
def test_update_mastery_wrong_shape(shape: tuple[int, ...]) -> None:
    with pytest.raises(pl.ShapeError, match="mastery"):
        pl.update_mastery(PARAMS, np.full(shape, 0.5), [0], [0], [1])


@pytest.mark.parametrize("value", [-0.1, 1.5, math.nan, math.inf], ids=["negative", "above-one", "nan", "inf"])
def test_update_mastery_values_outside_unit_interval(value: float) -> None:
    mastery = start(3)
    mastery[2, 1] = value
    with pytest.raises((pl.InvalidParameterError, pl.EvidenceError), match="mastery") as info:
        pl.update_mastery(PARAMS, mastery, [0], [0], [1])
    assert "(2, 1)" in str(info.value) or (str(value) in str(info.value))


@pytest.mark.parametrize("value", [2, -1, 0.5, math.nan], ids=["two", "minus-one", "half", "nan"])
def test_update_mastery_correct_not_zero_or_one(value: float) -> None:
    correct = np.array([1.0, 0.0, value, 1.0])
    with pytest.raises(pl.EvidenceError, match="correct") as info:
        pl.update_mastery(PARAMS, start(3), [0, 1, 2, 0], [0, 1, 1, 0], correct)
    assert re.search(r"\b2\b", str(info.value))


@pytest.mark.parametrize("which", ["learners", "skills", "correct"])
def test_update_mastery_length_mismatch(which: str) -> None:
    args = {"learners": [0, 1, 2], "skills": [0, 1, 0], "correct": [1, 0, 1]}
    args[which] = args[which][:2]
    with pytest.raises((pl.ShapeError, pl.EvidenceError), match=which):
        pl.update_mastery(PARAMS, start(3), args["learners"], args["skills"], args["correct"])


def test_update_mastery_fractional_indices() -> None:
    with pytest.raises(pl.PersonaliseError, match="learners"):
        pl.update_mastery(PARAMS, start(3), np.array([0.5, 1.5]), [0, 1], [1, 0])


def test_update_mastery_params_type() -> None:
    with pytest.raises(pl.InvalidParameterError, match="params"):
        pl.update_mastery({"prior": 0.3}, start(3), [0], [0], [1])  # type: ignore[arg-type]


def test_evaluate_on_no_rows_raises() -> None:
    model = pl.BKTModel(pl.BKTParams(["a"], prior=0.3, learn=0.1, guess=0.2, slip=0.1, forget=0))
    with pytest.raises(pl.EvidenceError, match="no rows"):
        model.evaluate({"user_id": [], "skill_name": [], "correct": []})


def test_mixed_type_ids_in_a_list_stay_distinct() -> None:
    model = pl.BKTModel(pl.BKTParams(["a"], prior=0.3, learn=0.1, guess=0.2, slip=0.1, forget=0))
    ids, mastery = model.current_mastery({"user_id": [1, "1"], "skill_name": ["a", "a"], "correct": [1, 0]})
    assert ids == (1, "1")
    assert mastery[0, 0] > mastery[1, 0]
