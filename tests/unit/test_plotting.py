"""plot_support: what it draws, the Axes it draws on, its legend, its errors, and its lazy matplotlib import.

matplotlib is optional (the ``plot`` extra): the drawing tests are skipped
without it, and the import tests check that ``import personalise`` never
imports it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.plotting import plot_support

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the off-screen backend

#: Two learners, six opportunities: columns are learners.
TWO = np.array([[1.0, 1.0], [0.75, 1.0], [0.5, 0.75], [0.75, 0.5], [0.5, 0.25], [0.25, 0.0]])


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    plt.close("all")
    yield
    plt.close("all")


def learner_lines(ax: Any, n_learners: int) -> list[Any]:
    """The learners' lines: the first n_learners lines of the Axes (the threshold line comes after)."""
    return list(ax.lines[:n_learners])


# -- what is drawn -------------------------------------------------------------------------------------------------


def test_exported_from_the_package() -> None:
    assert pl.plot_support is plot_support
    assert "plot_support" in pl.__all__


def test_one_learner_is_one_step_line_against_opportunity_number() -> None:
    support = [1.0, 0.8, 0.6, 0.4, 0.2, 0.0]
    ax = plot_support(support)
    assert len(ax.lines) == 1
    line = ax.lines[0]
    np.testing.assert_array_equal(line.get_ydata(), support)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(6))
    assert line.get_drawstyle() == "steps-post"
    assert ax.get_ylabel() == "support"
    assert ax.get_xlabel() == "opportunity"
    low, high = ax.get_ylim()
    assert low <= 0.0 and high >= 1.0
    assert low > -0.1 and high < 1.1
    assert ax.get_legend() is None


def test_one_line_per_learner_column() -> None:
    ax = plot_support(TWO)
    lines = learner_lines(ax, 2)
    assert len(ax.lines) == 2
    for column, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_ydata(), TWO[:, column])
        np.testing.assert_array_equal(line.get_xdata(), np.arange(TWO.shape[0]))
        assert line.get_drawstyle() == "steps-post"


def test_integer_and_boolean_support_are_accepted() -> None:
    ax = plot_support(np.array([1, 1, 0, 0]))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 1.0, 0.0, 0.0])
    ax = plot_support(np.array([[True], [False]]))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 0.0])


def test_input_is_not_modified_and_read_only_input_works() -> None:
    support = TWO.copy()
    support.flags.writeable = False
    plot_support(support)
    np.testing.assert_array_equal(support, TWO)


def test_a_single_opportunity_is_drawn() -> None:
    ax = plot_support([0.5])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0.5])


def test_many_learners_are_thin_translucent_lines() -> None:
    support = np.random.default_rng(3).random((12, 40))
    ax = plot_support(support)
    assert len(ax.lines) == 40
    for column, line in enumerate(ax.lines):
        np.testing.assert_array_equal(line.get_ydata(), support[:, column])
        assert line.get_alpha() is not None and line.get_alpha() < 1.0
        assert line.get_marker() in ("None", None, "")
    assert len({line.get_color() for line in ax.lines}) == 1  # one colour for an unlabelled bundle
    labelled = plot_support(support, labels=[f"L{i}" for i in range(40)])
    assert len({line.get_color() for line in labelled.lines}) > 1


def test_few_learners_have_markers() -> None:
    ax = plot_support(TWO)
    assert all(line.get_marker() == "o" for line in ax.lines)


# -- the Axes, the legend, the threshold, the title ---------------------------------------------------------------


def test_draws_on_the_given_axes_and_makes_no_figure() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    returned = plot_support(TWO, ax=right)
    assert returned is right
    assert len(right.lines) == 2 and len(left.lines) == 0
    assert plt.get_fignums() == [fig.number]


def test_adds_to_lines_already_on_the_axes() -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0.3, 0.3])
    plot_support(TWO, ax=ax)
    assert len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), TWO[:, 0])


def test_without_axes_a_new_figure_each_call() -> None:
    first = plot_support(TWO)
    second = plot_support(TWO)
    assert first is not second
    assert first.figure is not second.figure
    assert len(plt.get_fignums()) == 2


def test_labels_give_a_legend_in_column_order() -> None:
    ax = plot_support(TWO, labels=["Ana", "Ben"])
    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["Ana", "Ben"]
    assert [line.get_label() for line in ax.lines] == ["Ana", "Ben"]


def test_labels_may_be_any_sequence_and_are_converted_to_strings() -> None:
    ax = plot_support(TWO, labels=(101, 102))  # type: ignore[arg-type]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["101", "102"]


def test_threshold_is_a_dashed_horizontal_line_after_the_learners_and_not_in_the_legend() -> None:
    ax = plot_support(TWO, labels=["Ana", "Ben"], threshold=0.25)
    assert len(ax.lines) == 3
    line = ax.lines[2]
    np.testing.assert_array_equal(line.get_ydata(), [0.25, 0.25])
    assert line.get_linestyle() == "--"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Ana", "Ben"]


@pytest.mark.parametrize("threshold", [0, 1, 0.0, 1.0, np.float32(0.5)])
def test_threshold_bounds_are_allowed(threshold: Any) -> None:
    ax = plot_support(TWO, threshold=threshold)
    assert ax.lines[-1].get_ydata()[0] == pytest.approx(float(threshold))


def test_title() -> None:
    ax = plot_support(TWO, title="Contingent fading")
    assert ax.get_title() == "Contingent fading"
    assert plot_support(TWO).get_title() == ""


# -- a learner's history of scaffolds ------------------------------------------------------------------------------


def test_history_of_objects_with_a_support_attribute() -> None:
    history = [SimpleNamespace(support=value) for value in (1.0, 0.5, 0.0, 0.5)]
    ax = plot_support(history, labels=["Ana"])
    assert len(ax.lines) == 1
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 0.5, 0.0, 0.5])


def test_history_of_scaffolds_under_the_contingent_rule() -> None:
    """Wood's rule from level 4: four successes fade the support to 0, one failure brings level 1 back."""
    scaffold = pl.Scaffold("add fractions", pl.contingent_fading(levels=4))
    history = [scaffold]
    for success in (True, True, True, True, False, True):
        scaffold = scaffold.after(success)
        history.append(scaffold)
    ax = plot_support(history)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.75, 0.5, 0.25, 0.0, 0.25, 0.0])


def test_support_history_of_a_cohort() -> None:
    """Stacked ScaffoldState.support columns: (n_opportunities, n_learners)."""
    state = pl.ScaffoldState.start(3, [pl.Scaffold("add fractions", pl.contingent_fading(levels=2))])
    outcomes = np.array([[True], [False], [True]])
    history = [state.support[:, 0]]
    for _ in range(2):
        state = state.after(outcomes)
        history.append(state.support[:, 0])
    ax = plot_support(np.stack(history))
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5, 0.0])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.0, 1.0, 1.0])


# -- bad input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("support", "shape"),
    [
        (0.5, ()),
        (np.full((2, 2, 2), 0.5), (2, 2, 2)),
        ([], (0,)),
        (np.empty((3, 0)), (3, 0)),
        (np.empty((0, 2)), (0, 2)),
    ],
)
def test_wrong_shapes_raise_shape_error(support: Any, shape: tuple[int, ...]) -> None:
    with pytest.raises(pl.ShapeError, match=re.escape(str(shape))) as info:
        plot_support(support)
    assert info.value.value == shape
    assert plt.get_fignums() == []  # checked before any figure is made


def test_ragged_support_raises_shape_error() -> None:
    with pytest.raises(pl.ShapeError, match="rectangular"):
        plot_support([[1.0, 0.5], [0.5]])


@pytest.mark.parametrize(
    ("support", "bad", "where"),
    [
        ([1.0, 0.5, 1.5, 2.0], 1.5, "at 2"),
        ([1.0, -0.25], -0.25, "at 1"),
        ([[1.0, 1.0], [0.5, float("nan")], [2.0, 0.0]], float("nan"), "at (1, 1)"),
        ([[1.0, 1.0], [0.5, float("inf")]], float("inf"), "at (1, 1)"),
    ],
)
def test_values_outside_unit_interval_name_the_first_position(support: Any, bad: float, where: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"got {bad!r} {where}")) as info:
        plot_support(support)
    assert str(info.value).startswith("support must lie in [0, 1]")
    assert info.value.value == bad or (np.isnan(bad) and np.isnan(info.value.value))
    assert plt.get_fignums() == []


def test_non_numeric_support_raises_invalid_parameter_error() -> None:
    with pytest.raises(pl.InvalidParameterError, match="real numbers"):
        plot_support(["high", "low"])
    with pytest.raises(pl.InvalidParameterError, match="real numbers"):
        plot_support("high")


def test_history_item_without_support_is_named() -> None:
    history = [SimpleNamespace(support=1.0), SimpleNamespace(level=3)]
    with pytest.raises(pl.InvalidParameterError, match="item 1"):
        plot_support(history)


def test_history_value_outside_unit_interval_names_the_opportunity() -> None:
    history = [SimpleNamespace(support=1.0), SimpleNamespace(support=0.5), SimpleNamespace(support=1.25)]
    with pytest.raises(pl.InvalidParameterError, match=re.escape("got 1.25 at 2")):
        plot_support(history)


def test_a_single_object_with_support_is_refused() -> None:
    state = SimpleNamespace(support=np.ones((3, 2)))
    with pytest.raises(pl.InvalidParameterError, match="history"):
        plot_support(state)  # type: ignore[arg-type]


@pytest.mark.parametrize("labels", [["Ana"], ["Ana", "Ben", "Cy"], []])
def test_labels_of_the_wrong_length_raise_shape_error(labels: list[str]) -> None:
    with pytest.raises(pl.ShapeError, match=re.escape(f"one label per learner (2); got {len(labels)}")):
        plot_support(TWO, labels=labels)
    assert plt.get_fignums() == []


def test_a_single_string_label_is_refused() -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape("not a single string; got 'Ana'")):
        plot_support([1.0, 0.5], labels="Ana")


def test_labels_must_be_iterable() -> None:
    with pytest.raises(pl.InvalidParameterError, match="labels must be a sequence"):
        plot_support([1.0, 0.5], labels=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_bad_threshold_raises_invalid_parameter_error(threshold: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match="threshold"):
        plot_support(TWO, threshold=threshold)


def test_bad_title_and_axes_raise_invalid_parameter_error() -> None:
    with pytest.raises(pl.InvalidParameterError, match="title"):
        plot_support(TWO, title=3)  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="ax must be a matplotlib Axes"):
        plot_support(TWO, ax="left")  # type: ignore[arg-type]


def test_errors_are_also_value_errors() -> None:
    with pytest.raises(ValueError):
        plot_support([2.0])
    with pytest.raises(ValueError):
        plot_support(np.zeros((1, 1, 1)))


# -- matplotlib is optional and imported lazily --------------------------------------------------------------------


def test_missing_matplotlib_gives_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    with pytest.raises(ImportError, match=re.escape("pip install 'personalise[plot]'")):
        plot_support(TWO)


def test_importing_personalise_does_not_import_matplotlib() -> None:
    code = textwrap.dedent(
        """
        import sys
        import personalise
        import personalise.plotting
        personalise.plot_support
        print(sorted(m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")))
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
