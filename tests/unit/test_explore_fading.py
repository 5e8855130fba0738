"""explore_fading, FadingExplorer, fading_paths and plot_fading.

The support must be what ``Scaffold.after`` gives, the widget must do what
its buttons say, and without ipywidgets the error must say how to install it.
The widget tests are skipped without ipywidgets (the ``widgets`` extra).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import personalise as pl

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")  # after choosing the off-screen backend

#: success, success, struggle, success, success, success
RUN = (True, True, False, True, True, True)
DEFAULT_LABELS = [
    "linear_fading(8)",
    "exponential_fading(3)",
    "stepwise_fading(3)",
    "contingent_fading()",
    "backward_fading(4)",
    "mastery_fading()",
]


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def ipywidgets() -> Any:
    return pytest.importorskip("ipywidgets")


def by_hand(scaffold: pl.Scaffold, outcomes: tuple[bool, ...], mastery: list[float] | None = None) -> list[float]:
    """Support before the first outcome and after each, with Scaffold.after."""
    history = [scaffold.support]
    for t, success in enumerate(outcomes):
        scaffold = scaffold.after(success, mastery=None if mastery is None else mastery[t])
        history.append(scaffold.support)
    return history


def buttons(explorer: pl.FadingExplorer) -> dict[str, Any]:
    row = explorer.widget.children[0]
    return {button.description: button for button in row.children}


# ------------------------------------------------------------- fading_paths
def test_default_rules_are_one_of_each_factory() -> None:
    paths = pl.fading_paths(outcomes=RUN)
    assert list(paths) == DEFAULT_LABELS
    for path in paths.values():
        assert path.shape == (len(RUN) + 1,)
        assert path.dtype == np.float64
        assert not path.flags.writeable
        assert np.all((path >= 0.0) & (path <= 1.0))
        assert path[0] == 1.0


def test_support_equals_scaffold_after_applied_by_hand() -> None:
    rules = [pl.linear_fading(8), pl.exponential_fading(3), pl.stepwise_fading(3), pl.contingent_fading(), pl.backward_fading(4)]
    paths = pl.fading_paths(rules=rules, outcomes=RUN)
    for rule, path in zip(rules, paths.values()):
        assert path.tolist() == by_hand(pl.Scaffold("goal", rule), RUN)


def test_mastery_rule_follows_update_mastery_on_the_same_outcomes() -> None:
    params = pl.BKTParams.constant(["add"], prior=0.2, learn=0.3, guess=0.2, slip=0.1)
    mastery, p_mastery = np.array([[0.2]]), []
    for success in RUN:
        mastery = pl.update_mastery(params, mastery, [0], [0], [success])
        p_mastery.append(float(mastery[0, 0]))
    scaffold = pl.Scaffold("add", pl.mastery_fading())
    paths = pl.fading_paths(scaffold, rules=[scaffold.rule], outcomes=RUN, params=params)
    assert paths["mastery_fading()"].tolist() == by_hand(scaffold, RUN, p_mastery)


def test_time_based_rules_advance_one_opportunity_per_outcome_whatever_it_is() -> None:
    rule = pl.linear_fading(4)
    assert pl.fading_paths(rules=rule, outcomes=[False] * 5)["linear_fading(4)"].tolist() == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]


def test_a_scaffold_goes_on_from_where_it_is_under_its_own_rule() -> None:
    scaffold = pl.Scaffold("add", pl.contingent_fading(levels=4), kind="worked example").after(True).after(True)
    paths = pl.fading_paths(scaffold, outcomes=[True])
    assert list(paths)[3] == "contingent_fading(levels=4)"  # in place of the default contingent rule
    assert paths["contingent_fading(levels=4)"].tolist() == [0.5, 0.25]
    assert paths["linear_fading(8)"].tolist() == [1.0, 0.875]  # other rules start fresh


def test_a_mapping_names_the_rules() -> None:
    paths = pl.fading_paths(rules={"Wood": pl.contingent_fading(levels=2)}, outcomes=[True])
    assert {name: path.tolist() for name, path in paths.items()} == {"Wood": [1.0, 0.5]}


def test_labels_show_the_options_that_differ_from_the_defaults() -> None:
    rules = [
        pl.contingent_fading(levels=3, fade_after=2, start=1),
        pl.exponential_fading(2.5, floor=0.1),
        pl.stepwise_fading(2, levels=(1.0, 0.0)),
        pl.backward_fading(3, reinstate=False),
        pl.mastery_fading(full=0.2),
    ]
    assert list(pl.fading_paths(rules=rules)) == [
        "contingent_fading(levels=3, fade_after=2, start=1)",
        "exponential_fading(2.5, floor=0.1)",
        "stepwise_fading(2, levels=(1.0, 0.0))",
        "backward_fading(3, reinstate=False)",
        "mastery_fading(full=0.2)",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rules": [pl.linear_fading(3), "contingent"]}, r"rules\[1\] must be a fading rule .*got 'contingent'"),
        ({"rules": {"Wood": 5}}, r"rules\['Wood'\] must be a fading rule .*got 5"),
        ({"rules": {"": pl.linear_fading(3)}}, "names of rules must be non-empty strings"),
        ({"rules": "linear"}, "rules must be a fading rule, a sequence of them"),
        ({"rules": []}, "at least one fading rule"),
        ({"rules": [pl.linear_fading(3), pl.linear_fading(3)]}, r"rules\[1\] repeats linear_fading\(3\)"),
        ({"outcomes": [True, "yes"]}, r"outcomes\[1\] must be True \(a success\) or False \(a struggle\); got 'yes'"),
        ({"outcomes": [True, False, 2]}, r"outcomes\[2\] must be True .*got 2"),
        ({"outcomes": [None]}, r"outcomes\[0\] must be True .*got None"),
        ({"outcomes": "TTF"}, "outcomes must be a sequence of True"),
        ({"outcomes": True}, "outcomes must be a sequence of True"),
        ({"outcomes": np.ones((2, 2), dtype=bool)}, "outcomes must be 1-D"),
        ({"params": {"prior": 0.1}}, "params must be BKTParams"),
    ],
)
def test_bad_inputs_name_the_offending_item(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        pl.fading_paths(**kwargs)
    with pytest.raises(pl.InvalidParameterError, match=message):
        pl.FadingExplorer(**kwargs)


def test_a_scaffold_must_be_a_scaffold() -> None:
    with pytest.raises(pl.InvalidParameterError, match="scaffold must be a Scaffold or None; got 'add'"):
        pl.fading_paths("add")  # type: ignore[arg-type]


def test_params_must_hold_the_goal_skill() -> None:
    params = pl.BKTParams.constant(["other"], prior=0.1, learn=0.1, guess=0.2, slip=0.1)
    with pytest.raises(pl.UnknownSkillError):
        pl.fading_paths(pl.Scaffold("add", pl.mastery_fading()), params=params)


def test_numpy_booleans_and_zero_one_are_outcomes() -> None:
    as_bools = pl.fading_paths(outcomes=RUN)
    for outcomes in (np.array(RUN), [int(o) for o in RUN]):
        for label, path in pl.fading_paths(outcomes=outcomes).items():
            assert np.array_equal(path, as_bools[label])


# -------------------------------------------------------------- the explorer
def test_successes_fade_contingent_support_to_zero_and_a_struggle_brings_it_back() -> None:
    explorer = pl.FadingExplorer(rules=[pl.contingent_fading(levels=5, start=4)])
    label = "contingent_fading(start=4)"
    for _ in range(4):
        explorer.click(True)
    assert explorer.support[label] == (0.8, 0.6, 0.4, 0.2, 0.0)
    assert explorer.scaffolds[label].is_faded
    assert explorer.summary[label] == f"{label}: support 0.00, faded to 0 at attempt 4"
    explorer.click(False)
    assert explorer.support[label][-1] == 0.2
    assert explorer.summary[label] == f"{label}: support 0.20, came back from 0 after the struggle at attempt 5"
    explorer.click(True)
    assert explorer.summary[label].endswith("faded to 0 again at attempt 6 (it came back from 0 after the struggle at attempt 5)")


def test_again_only_when_it_had_faded_to_zero_before() -> None:
    summary = pl.FadingExplorer(outcomes=RUN).summary
    assert summary["backward_fading(4)"] == (
        "backward_fading(4): support 0.00, faded to 0 at attempt 6 (it came back after the struggle at attempt 3)"
    )
    assert summary["contingent_fading()"] == "contingent_fading(): support 0.20, came back after the struggle at attempt 3"
    assert summary["mastery_fading()"].startswith("mastery_fading(): support 0.00 (P(mastery) 0.98), faded to 0 at")


def test_undo_and_reset() -> None:
    explorer = pl.FadingExplorer(outcomes=RUN)
    before = explorer.support
    explorer.click(False)
    explorer.undo()
    assert explorer.outcomes == RUN
    assert explorer.support == before
    explorer.reset()
    assert explorer.outcomes == ()
    assert all(path == (1.0,) for path in explorer.support.values())
    assert all(line.endswith("support 1.00 at the start") for line in explorer.summary.values())
    explorer.undo()  # nothing left to undo: no error
    assert explorer.outcomes == ()


def test_the_explorer_agrees_with_fading_paths() -> None:
    explorer = pl.FadingExplorer()
    for success in RUN:
        explorer.click(success)
    paths = pl.fading_paths(outcomes=RUN)
    assert explorer.support == {label: tuple(path.tolist()) for label, path in paths.items()}
    assert list(explorer.rules) == DEFAULT_LABELS


def test_a_schedule_says_that_struggles_do_not_bring_it_back() -> None:
    explorer = pl.FadingExplorer(rules=pl.linear_fading(8), outcomes=[True, False])
    assert explorer.summary["linear_fading(8)"] == (
        "linear_fading(8): support 0.75, not faded yet (a schedule: a struggle does not bring support back)"
    )


def test_click_takes_only_booleans() -> None:
    explorer = pl.FadingExplorer()
    with pytest.raises(pl.InvalidParameterError, match=r"success must be True \(a success\) or False"):
        explorer.click("yes")  # type: ignore[arg-type]
    assert explorer.outcomes == ()


def test_the_figure_has_one_line_per_rule_and_marks_the_outcomes() -> None:
    explorer = pl.FadingExplorer(outcomes=RUN)
    ax = explorer.figure.axes[0]
    assert [line.get_label() for line in ax.lines] == DEFAULT_LABELS
    assert ax.get_ylabel() == "support"
    successes, struggles = ax.collections
    assert successes.get_offsets()[:, 0].tolist() == [1, 2, 4, 5, 6]
    assert struggles.get_offsets()[:, 0].tolist() == [3]
    explorer.click(False)  # the figure is redrawn: still one line per rule
    ax = explorer.figure.axes[0]
    assert len(explorer.figure.axes) == 1
    assert len(ax.lines) == len(DEFAULT_LABELS)
    assert ax.lines[3].get_ydata().tolist() == list(explorer.support["contingent_fading()"])


# ---------------------------------------------------------------- the widget
def test_explore_fading_returns_an_explorer_with_a_vbox(ipywidgets: Any) -> None:
    explorer = pl.explore_fading(outcomes=RUN)
    assert isinstance(explorer, pl.FadingExplorer)
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert list(buttons(explorer)) == ["success", "struggle", "undo", "reset"]
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_buttons_do_what_they_say(ipywidgets: Any) -> None:
    explorer = pl.explore_fading(rules=[pl.contingent_fading(levels=3), pl.linear_fading(3)])
    press = buttons(explorer)
    image, text = explorer.widget.children[1:]
    assert press["undo"].disabled and press["reset"].disabled
    assert "no attempts yet" in text.value
    first_image = bytes(image.value)
    for _ in range(3):
        press["success"].click()
    assert explorer.outcomes == (True, True, True)
    assert explorer.support["contingent_fading(levels=3)"][-1] == 0.0
    assert "faded to 0 at attempt 3" in text.value
    assert bytes(image.value) != first_image and bytes(image.value).startswith(b"\x89PNG")
    assert not press["undo"].disabled
    press["struggle"].click()
    assert explorer.support["contingent_fading(levels=3)"][-1] == pytest.approx(1 / 3)
    assert "came back from 0 after the struggle at attempt 4" in text.value
    assert "attempts: ✓ ✓ ✓ ✗" in text.value
    press["undo"].click()
    assert explorer.outcomes == (True, True, True)
    press["reset"].click()
    assert explorer.outcomes == ()
    assert press["undo"].disabled
    assert len(explorer.figure.axes[0].lines) == 2


def test_methods_redraw_the_widget(ipywidgets: Any) -> None:
    explorer = pl.explore_fading(rules={"Wood": pl.contingent_fading(levels=1)})
    text = explorer.widget.children[2]
    explorer.click(True)
    assert "Wood: support 0.00, faded to 0 at attempt 1" in text.value


def test_rule_names_are_escaped_in_the_text(ipywidgets: Any) -> None:
    explorer = pl.explore_fading(rules={"<b>Wood</b>": pl.contingent_fading()})
    assert "&lt;b&gt;Wood&lt;/b&gt;" in explorer.widget.children[2].value


def test_explore_fading_validates_its_inputs(ipywidgets: Any) -> None:
    with pytest.raises(pl.InvalidParameterError, match=r"rules\[0\] must be a fading rule"):
        pl.explore_fading(rules=[pl.Scaffold("add", pl.linear_fading(3))])
    with pytest.raises(pl.InvalidParameterError, match=r"outcomes\[0\] must be True"):
        pl.explore_fading(outcomes=["success"])


def test_without_ipywidgets_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r"explore_fading needs ipywidgets: pip install 'personalise\[widgets\]'"):
        pl.explore_fading()
    explorer = pl.FadingExplorer(outcomes=RUN)  # the state needs no widgets
    with pytest.raises(ImportError, match=r"needs ipywidgets: pip install 'personalise\[widgets\]'"):
        explorer.widget  # noqa: B018 - the property builds the widget


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"plot_fading needs matplotlib: pip install 'personalise\[plot\]'"):
        pl.plot_fading()
    if "ipywidgets" in sys.modules or _importable("ipywidgets"):
        with pytest.raises(ImportError, match=r"explore_fading needs matplotlib: pip install 'personalise\[widgets\]'"):
            pl.explore_fading()


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_importing_personalise_imports_neither_ipywidgets_nor_matplotlib() -> None:
    code = textwrap.dedent(
        """
        import sys
        import personalise as pl
        explorer = pl.FadingExplorer(outcomes=[True, False])
        explorer.click(True)
        pl.fading_paths(outcomes=[True])
        print(sorted(m for m in ("ipywidgets", "matplotlib") if m in sys.modules))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- plot_fading
def test_plot_fading_draws_one_line_per_rule_on_the_given_axes() -> None:
    _, ax = plt.subplots()
    rules = {"Wood": pl.contingent_fading(levels=4), "schedule": pl.linear_fading(4)}
    returned = pl.plot_fading(rules=rules, outcomes=RUN, ax=ax, title="Two rules")
    assert returned is ax
    assert [line.get_label() for line in ax.lines] == ["Wood", "schedule"]
    assert ax.lines[0].get_xdata().tolist() == list(range(len(RUN) + 1))
    assert ax.lines[0].get_ydata().tolist() == [1.0, 0.75, 0.5, 0.75, 0.5, 0.25, 0.0]
    assert ax.get_title() == "Two rules"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Wood", "schedule", "success", "struggle"]


def test_plot_fading_titles_the_scaffold() -> None:
    ax = pl.plot_fading(pl.Scaffold("add fractions", pl.backward_fading(3), kind="worked example"))
    assert ax.get_title() == "Worked example for add fractions: support under each fading rule"


def test_plot_fading_rejects_bad_axes_and_titles() -> None:
    with pytest.raises(pl.InvalidParameterError, match="ax must be a matplotlib Axes"):
        pl.plot_fading(ax="axes")  # type: ignore[arg-type]
    with pytest.raises(pl.InvalidParameterError, match="title must be a string"):
        pl.plot_fading(title=3)  # type: ignore[arg-type]
