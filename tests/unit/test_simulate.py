"""simulate by hand: every documented error (naming what is wrong), JSON round trips, summaries, progress, repr."""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

import numpy as np
import pytest

import personalise as pl

G = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare")])


def sim(policy: Any = None, **options: Any) -> pl.SimulationResult:
    options.setdefault("n_learners", 12)
    options.setdefault("n_steps", 5)
    options.setdefault("rng", 3)
    graph = options.pop("graph", G)
    return pl.simulate(graph, pl.FadingScaffolds() if policy is None else policy, **options)


# --------------------------------------------------------------- policy names
def test_unknown_policy_name_lists_the_choices() -> None:
    with pytest.raises(pl.InvalidParameterError, match="unknown policy 'scaffolding'") as info:
        pl.policy_from_name("scaffolding")
    for name in pl.POLICIES:
        assert name in str(info.value)


def test_policy_names_accept_kebab_snake_and_class_names() -> None:
    assert pl.policy_from_name("fading-scaffolds") == pl.FadingScaffolds()
    assert pl.policy_from_name("Fading_Scaffolds ") == pl.FadingScaffolds()
    assert pl.policy_from_name("ResponsiveTeaching", proceed_at=0.9) == pl.ResponsiveTeaching(proceed_at=0.9)
    assert set(pl.POLICIES) == {cls.name for cls in pl.POLICIES.values()}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pl.policy_from_name(3), "policy name must be a string; got 3"),
        (lambda: pl.policy_from_name("fixed-groups", colour="red"), "policy 'fixed-groups' has no option 'colour'"),
        (lambda: pl.policy_from_dict({"steps_per_skill": 3}), "needs a 'policy' name"),
        (lambda: pl.policy_from_dict(["whole-class-pace"]), "needs a 'policy' name"),
        (lambda: pl.policy_from_dict({"policy": "nope"}), "unknown policy 'nope'"),
    ],
)
def test_bad_policy_documents(call: Any, message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        call()


# ----------------------------------------------------------- simulate sizes
@pytest.mark.parametrize("name", ["n_learners", "n_steps"])
@pytest.mark.parametrize("value", [-1, 2.0, "3", True, None, 10**20])
def test_bad_sizes(name: str, value: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match=rf"{name} must be an integer in \[0, \d+\]; got {value!r}"):
        sim(**{name: value})


def test_numpy_integer_sizes_are_accepted() -> None:
    assert sim(n_learners=np.int64(12), n_steps=np.int32(5)) == sim()


@pytest.mark.parametrize(
    ("value", "message"),
    [(0, "class_size must be an integer >= 1; got 0"), (1025, "class_size must be at most 1024; got 1025"), (2.5, "class_size")],
)
def test_bad_class_size(value: Any, message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        sim(class_size=value)


def test_class_size_bounds_are_accepted() -> None:
    assert sim(class_size=1).n_learners == sim(class_size=1024).n_learners == 12


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1000, "block_size must be an integer >= 1024; got 1000"),
        (0, "block_size must be an integer >= 1024"),
        (3000, "block_size must be a multiple of 1024; got 3000"),
        (1024.0, "block_size must be an integer"),
    ],
)
def test_bad_block_size(value: Any, message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        sim(block_size=value)


# ------------------------------------------------------------------ the graph
def test_graph_with_no_skills() -> None:
    empty = pl.compile_graph([], skills=[])
    assert empty.n_skills == 0
    with pytest.raises(pl.GraphError, match="no skills"):
        sim(graph=empty)


@pytest.mark.parametrize("graph", [G.to_networkx(), [("a", "b")], None], ids=["DiGraph", "list", "None"])
def test_graph_must_be_compiled(graph: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match=f"graph must be a CompiledGraph.*got {type(graph).__name__}"):
        sim(graph=graph)


def test_unknown_goal() -> None:
    with pytest.raises(pl.UnknownSkillError, match="'fractions'"):
        sim(goal="fractions")


# ---------------------------------------------------------------- the policy
@pytest.mark.parametrize("policy", [3, "fading-scaffolds", {"policy": "fading-scaffolds"}, object()], ids=repr)
def test_not_a_policy(policy: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="policy must follow the Policy protocol"):
        sim(policy)


def test_a_policy_needs_a_string_name() -> None:
    class Nameless:
        name = 7

        def start(self, setting: Any) -> Any:
            raise AssertionError("never started")

    with pytest.raises(pl.InvalidParameterError, match="Policy protocol"):
        sim(Nameless())


def test_a_policy_class_instead_of_an_instance() -> None:
    with pytest.raises(pl.InvalidParameterError, match="FadingScaffolds"):
        sim(pl.FadingScaffolds)


# ----------------------------------------------------------------- the model
def test_model_must_be_a_learner_model() -> None:
    with pytest.raises(pl.InvalidParameterError, match="model must be a LearnerModel; got"):
        sim(model={"learn_rate": 0.2})


BAD_MODEL_VALUES = [
    ("learn_rate", 0.0),
    ("learn_rate", 1.0),
    ("learn_rate", -0.1),
    ("ability_effect", -0.5),
    ("ability_effect", 10.5),
    ("prior_share", -0.01),
    ("prior_share", 1.01),
    ("prior_spread", 2.0),
    ("prior_noise", -1.0),
    ("prior_max_share", 1.5),
    ("slip", -0.1),
    ("slip", 1.5),
    ("guess", -0.1),
    ("guess", 1.1),
    ("unsupported_acquisition", 1.2),
    ("unsupported_acquisition", -0.2),
    ("support_boost", -1.0),
    ("support_boost", 101.0),
    ("prerequisite_damping", 1.5),
    ("prerequisite_damping", -0.5),
    ("forget", 1.01),
    ("forget", -0.01),
    ("forget", math.nan),
    ("learn_rate", math.inf),
    ("dependency", "yes"),
    ("dependency", 1),
    ("dependency", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_MODEL_VALUES)
def test_learner_model_out_of_range(field: str, value: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match=f"^{field} must "):
        pl.LearnerModel(**{field: value})


def test_every_learner_model_field_is_range_checked() -> None:
    assert {field for field, _ in BAD_MODEL_VALUES} == set(pl.LearnerModel().to_dict())


@pytest.mark.parametrize(("guess", "slip"), [(0.5, 0.5), (0.6, 0.4), (0.9, 0.2), (1.0, 0.0)])
def test_guess_plus_slip_must_stay_below_one(guess: float, slip: float) -> None:
    with pytest.raises(pl.InvalidParameterError, match=r"guess \+ slip must be below 1"):
        pl.LearnerModel(guess=guess, slip=slip)


def test_learner_model_bounds_are_accepted() -> None:
    model = pl.LearnerModel(
        learn_rate=0.999, ability_effect=0, prior_share=1, prior_max_share=0, slip=0, guess=0.999,
        unsupported_acquisition=0, support_boost=100, dependency=False, prerequisite_damping=0, forget=1,
    )
    assert model.ability_effect == 0.0 and isinstance(model.ability_effect, float)
    assert sim(model=model).n_learners == 12


@pytest.mark.parametrize("value", ["x", None, [0.1]])
def test_learner_model_non_numbers(value: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="slip must be a number"):
        pl.LearnerModel(slip=value)


def test_learner_model_rejects_bools_as_numbers() -> None:
    with pytest.raises(pl.InvalidParameterError, match="forget must be a number; got True"):
        pl.LearnerModel(forget=True)


@pytest.mark.parametrize(
    "make",
    [lambda: pl.PermanentScaffolds(support="x"), lambda: pl.MasteryLearning(threshold=None), lambda: pl.ResponsiveTeaching(proceed_at="high")],
)
def test_policy_non_numbers(make: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="must be a number"):
        make()


# ------------------------------------------------------ policy parameters
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: pl.FixedGroups(track_quality=(1, 2)), r"track_quality needs one multiplier per group \(3\); got 2"),
        (lambda: pl.FixedGroups(n_groups=2, track_quality=(1.0, 11.0)), r"track_quality values must lie in \[0, 10\]; got 11.0"),
        (lambda: pl.FixedGroups(track_quality=(1.0, math.nan, 1.0)), "track_quality values must lie in"),
        (lambda: pl.FixedGroups(track_quality="abc"), "track_quality must be a sequence of numbers"),
        (lambda: pl.FixedGroups(n_groups=0), "n_groups must be an integer >= 1; got 0"),
        (lambda: pl.FixedGroups(advance_share=0.0), r"advance_share must lie in \(0, 1\]"),
        (lambda: pl.ResponsiveTeaching(regroup_at=0.9, proceed_at=0.5), r"regroup_at \(0.9\) must not exceed proceed_at \(0.5\)"),
        (lambda: pl.ResponsiveTeaching(options=1), "options must be an integer >= 2; got 1"),
        (lambda: pl.ResponsiveTeaching(rule=0.5), "rule must be a fading rule"),
        (lambda: pl.ResponsiveTeaching(rule=pl.mastery_fading()), "rule: a rule that follows P\\(mastery\\)"),
        (lambda: pl.FadingScaffolds(rule=pl.mastery_fading()), "rule: a rule that follows P\\(mastery\\)"),
        (lambda: pl.FadingScaffolds(rule=0.5), "rule must be a fading rule"),
        (lambda: pl.FadingScaffolds(advance_after=0), "advance_after must be an integer >= 1; got 0"),
        (lambda: pl.TieredTasks(ceiling=1.5), r"ceiling must lie in \[0, 1\]; got 1.5"),
        (lambda: pl.TieredTasks(ceiling=-0.1), "ceiling must lie in"),
        (lambda: pl.TieredTasks(lower_support=1.2), r"lower_support must lie in \[0, 1\]; got 1.2"),
        (lambda: pl.TieredTasks(upper_support=pl.mastery_fading()), "upper_support: a rule that follows P\\(mastery\\)"),
        (lambda: pl.TieredTasks(split=2), r"split must lie in \[0, 1\]; got 2"),
        (lambda: pl.PermanentScaffolds(support=-0.5), r"support must lie in \[0, 1\]; got -0.5"),
        (lambda: pl.MasteryLearning(threshold=0.0), r"threshold must lie in \(0, 1\]"),
        (lambda: pl.MasteryLearning(slip=1.5), "slip must lie in"),
        (lambda: pl.AdaptiveContent(threshold=1.5), "threshold must lie in"),
        (lambda: pl.WholeClassPace(steps_per_skill=0), "steps_per_skill must be an integer >= 1; got 0"),
        (lambda: pl.WholeClassPace(begin=-1), "begin must be an integer >= 0; got -1"),
        (lambda: pl.FlexibleGroups(n_groups=2.0), "n_groups must be an integer >= 1; got 2.0"),
    ],
)
def test_policy_parameters_out_of_range(make: Any, message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        make()


# ---------------------------------------------------------- other arguments
class NotAClient:
    pass


def test_client_must_be_a_dask_client() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        message = r"client= needs dask\.distributed"
    else:
        message = "client must be a dask.distributed.Client; got NotAClient"
    with pytest.raises(pl.InvalidParameterError, match=message):
        sim(client=NotAClient())


@pytest.mark.parametrize("value", [3, "yes", [print]])
def test_progress_must_be_callable(value: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match=r"progress must be None, True or a callable"):
        sim(progress=value)


@pytest.mark.parametrize(
    ("rng", "message"),
    [
        (-1, "rng must be a non-negative integer seed; got -1"),
        ("x", "rng must be None, a non-negative int, a SeedSequence or a numpy Generator; got 'x'"),
        (1.5, "rng must be None"),
        (True, "rng must be None.*got True"),
        (np.random.RandomState(0), "rng must be None"),
    ],
)
def test_bad_rng(rng: Any, message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        sim(rng=rng)


def test_trajectories_must_be_a_bool() -> None:
    with pytest.raises(pl.InvalidParameterError, match="trajectories must be True or False; got 1"):
        sim(trajectories=1)


# ----------------------------------------------------------- JSON round trips
def test_result_json_round_trip() -> None:
    result = sim(pl.TieredTasks(lower_support=pl.linear_fading(4)), goal="multiply", trajectories=True,
                 model=pl.LearnerModel(forget=0.05), class_size=5)
    text = result.to_json(indent=1)
    back = pl.SimulationResult.from_json(text)
    assert back == result
    assert back.policy == result.policy
    assert back.goal == "multiply" and back.sequence == result.sequence
    assert back.trajectories is not None and back.trajectories.shape == (6, 12, 4)
    assert back.class_size == 5 and back.model == pl.LearnerModel(forget=0.05)
    assert pl.SimulationResult.from_json(json.loads(text)) == result
    assert pl.SimulationResult.from_json(text.encode()) == result
    assert json.loads(text)["schema"] == "personalise.simulation-result/1"


def test_result_json_keeps_a_huge_entropy_exactly() -> None:
    result = sim(rng=2**127 + 5)
    assert result.entropy == 2**127 + 5
    assert pl.SimulationResult.from_json(result.to_json()).entropy == 2**127 + 5


def test_result_json_with_int_skill_ids_and_no_trajectories() -> None:
    chain = pl.compile_graph([(0, 1), (1, 2)])
    result = sim(pl.MasteryLearning(), graph=chain, goal=1)
    back = pl.SimulationResult.from_json(result.to_json())
    assert back == result and back.trajectories is None and back.skill_ids == (0, 1, 2)


@pytest.mark.parametrize(
    "policy",
    [
        *(cls() for cls in pl.POLICIES.values()),
        pl.TieredTasks(ceiling=None, lower_support=pl.contingent_fading(levels=4, start=2), upper_support=pl.linear_fading(5)),
        pl.TieredTasks(lower_support=0.3, upper_support=pl.backward_fading(3)),
        pl.FadingScaffolds(rule=pl.exponential_fading(2.5, floor=0.1), advance_after=2),
        pl.FadingScaffolds(rule=pl.stepwise_fading(2)),
        pl.ResponsiveTeaching(rule=pl.backward_fading(4, reinstate=False), options=5),
        pl.FixedGroups(n_groups=2, track_quality=(0.75, 1.1)),
        pl.WholeClassPace(steps_per_skill=3, begin=2),
    ],
    ids=repr,
)
def test_policy_dict_round_trip(policy: Any) -> None:
    data = policy.to_dict()
    assert data["policy"] == policy.name
    assert pl.policy_from_dict(data) == policy
    assert pl.policy_from_dict(json.loads(json.dumps(data))) == policy


def test_learner_model_dict_round_trip() -> None:
    model = pl.LearnerModel(learn_rate=0.3, dependency=False, forget=0.01, support_boost=5)
    assert pl.LearnerModel.from_dict(model.to_dict()) == model
    assert pl.LearnerModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model
    assert pl.LearnerModel.from_dict({}) == pl.LearnerModel()


def test_learner_model_from_dict_rejects_unknown_keys_and_non_dicts() -> None:
    with pytest.raises(pl.InvalidParameterError, match="unknown learner model parameter 'learning_rate'"):
        pl.LearnerModel.from_dict({"learning_rate": 0.2})
    with pytest.raises(pl.InvalidParameterError, match=r"data \(a learner model\) must be a dict"):
        pl.LearnerModel.from_dict([("learn_rate", 0.2)])


# ------------------------------------------------------------------ summaries
def test_to_frame_columns() -> None:
    frame = sim(n_steps=4).to_frame()
    assert list(frame.columns) == ["step", *pl.SUMMARY_COLUMNS, "policy"]
    assert frame.shape == (5, len(pl.SUMMARY_COLUMNS) + 2)
    assert frame["step"].tolist() == [0, 1, 2, 3, 4]
    assert set(frame["policy"]) == {"fading-scaffolds"}
    assert math.isnan(frame["practice_accuracy"].iloc[0])


def test_summary_values_by_hand() -> None:
    result = sim(n_learners=40, n_steps=6)
    values = result.attainment.astype(float)
    summary = result.summary
    np.testing.assert_allclose(summary["mean"], values.mean(axis=1))
    np.testing.assert_allclose(summary["sd"], values.std(axis=1, ddof=1))
    np.testing.assert_allclose(summary["iqr"], summary["q3"] - summary["q1"])
    np.testing.assert_allclose(summary["gap"], summary["top_quartile_mean"] - summary["bottom_quartile_mean"])
    np.testing.assert_allclose(summary["practice_accuracy"][1:], result.practice_correct / result.practice_attempts)
    assert np.bincount(result.initial_quartile, minlength=4).tolist() == [10, 10, 10, 10]


def _result(final: list[int], initial: list[int] | None = None) -> pl.SimulationResult:
    """A hand-made result with the given final (and initial) attainment on a 10-skill sequence."""
    n = len(final)
    ids = tuple(range(10))
    return pl.SimulationResult(
        skill_ids=ids, sequence=ids, goal=None, policy=pl.WholeClassPace(), model=pl.LearnerModel(),
        entropy=0, class_size=30,
        attainment=[initial if initial is not None else [0] * n, final],
        goal_reached=np.zeros((2, n), bool), practice_correct=[0], practice_attempts=[n],
        final_state=np.zeros((n, 10), np.int8), trajectories=None,
    )


def test_effect_size_sign_and_value() -> None:
    better, worse = _result([2, 3, 4]), _result([1, 2, 3])
    assert better.effect_size(worse) == pytest.approx(1.0)
    assert worse.effect_size(better) == pytest.approx(-1.0)
    assert better.effect_size(better) == 0.0
    flat = _result([2, 2, 2])
    assert better.effect_size(flat) == math.inf and worse.effect_size(_result([5, 5])) == -math.inf
    assert flat.effect_size(flat) == 0.0


def test_effect_size_on_simulations() -> None:
    chain = pl.compile_graph([(i, i + 1) for i in range(7)])
    fading = sim(pl.FadingScaffolds(), graph=chain, n_learners=200, n_steps=40, rng=1)
    stuck = sim(pl.WholeClassPace(steps_per_skill=1000), graph=chain, n_learners=200, n_steps=40, rng=1)
    assert fading.effect_size(stuck) > 0 > stuck.effect_size(fading)


def test_effect_size_errors() -> None:
    result = _result([1, 2, 3])
    with pytest.raises(pl.InvalidParameterError, match="baseline must be a SimulationResult"):
        result.effect_size(np.array([1, 2, 3]))
    with pytest.raises(pl.InvalidParameterError, match="at least 2 learners"):
        result.effect_size(_result([1]))
    with pytest.raises(pl.InvalidParameterError, match="at least 2 learners"):
        result.effect_size(_result([]))


def test_gain_by_quartile() -> None:
    result = _result(final=[1, 3, 5, 8, 9, 9, 10, 10], initial=[0, 2, 4, 6, 1, 3, 5, 7])
    gains = result.gain_by_quartile()
    assert gains.shape == (4,) and gains.dtype == np.float64
    # quartiles by initial attainment: {0, 1}, {2, 3}, {4, 5}, {6, 7}
    np.testing.assert_allclose(gains, [(1 + 8) / 2, (1 + 6) / 2, (1 + 5) / 2, (2 + 3) / 2])
    assert sim(n_learners=50).gain_by_quartile().shape == (4,)
    few = _result(final=[3, 4], initial=[1, 1]).gain_by_quartile()
    assert np.isnan(few[[1, 3]]).all() and few[[0, 2]].tolist() == [2.0, 3.0]


# ------------------------------------------------------------------ progress
@pytest.mark.parametrize(("n", "block_size"), [(12, 8192), (2500, 1024), (2500, 2048)])
def test_progress_callable(n: int, block_size: int) -> None:
    calls: list[tuple[int, int]] = []
    result = sim(n_learners=n, n_steps=4, block_size=block_size, progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert {t for _, t in calls} == {n * 4}
    assert all(b > a for a, b in itertools.pairwise(done))
    assert done[-1] == n * 4
    assert result == sim(n_learners=n, n_steps=4, block_size=block_size)


def test_progress_true_without_failing(capsys: pytest.CaptureFixture[str]) -> None:
    assert sim(progress=True) == sim()


def test_progress_on_an_empty_run_is_never_called() -> None:
    calls: list[Any] = []
    sim(n_learners=0, progress=lambda *args: calls.append(args))
    sim(n_steps=0, progress=lambda *args: calls.append(args))
    assert calls == []


# ----------------------------------------------------------------------- repr
def test_repr() -> None:
    result = sim(pl.ResponsiveTeaching(), n_learners=12, n_steps=5)
    first, last = result.attainment[0].mean(), result.attainment[-1].mean()
    assert repr(result) == (
        f"SimulationResult(policy='responsive-teaching', n_learners=12, n_steps=5, n_skills=4, "
        f"mean {first:.2f} -> {last:.2f} skills)"
    )
    assert repr(pl.FixedGroups(track_quality=[1, 2, 3])) == (
        "FixedGroups(n_groups=3, advance_share=0.6, track_quality=(1.0, 2.0, 3.0), advance_after=3)"
    )
    assert repr(pl.LearnerModel()).startswith("LearnerModel(learn_rate=0.15, ")
