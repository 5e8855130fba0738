"""Explore fading rules in a Jupyter notebook: buttons add outcomes, the plot follows.

:func:`explore_fading` builds a :class:`FadingExplorer`, which shows a
scaffold's support under each fading rule (as :func:`~personalise.plot_fading`
draws it) with buttons "success", "struggle", "undo" and "reset". It needs
ipywidgets and matplotlib, the ``widgets`` extra: ``pip install
'personalise[widgets]'``. They are imported only when a widget or a figure is
made, so ``import personalise`` never imports them; the explorer's state
(outcomes, support, the text per rule) needs neither.
"""

from __future__ import annotations

import html
import importlib
import io
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from personalise.content.bkt_params import BKTParams
from personalise.scaffolds.fading import FadingRule
from personalise.scaffolds.paths import _check_outcome, _draw, _import_matplotlib, _Run
from personalise.scaffolds.scaffold import Scaffold

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FadingExplorer", "explore_fading"]

#: The x axis of the widget spans at least this many attempts, so that it does not jump at every click.
_MIN_ATTEMPTS = 10
_WIDGETS_HINT = "pip install 'personalise[widgets]'"


def _import_ipywidgets(what: str) -> Any:
    """The ipywidgets module (untyped: it ships no type information)."""
    try:
        return importlib.import_module("ipywidgets")
    except ImportError as err:
        raise ImportError(f"{what} needs ipywidgets: {_WIDGETS_HINT}") from err


class FadingExplorer:
    """A scaffold's support under each fading rule, for outcomes added one at a time.

    The state behind :func:`explore_fading`, which builds one and its
    widget. The state (:attr:`outcomes`, :attr:`support`, :attr:`summary`)
    and the methods that change it need neither ipywidgets nor matplotlib;
    :attr:`figure` needs matplotlib and :attr:`widget` ipywidgets too. Every
    change redraws the figure and the widget once they exist. In a notebook
    the explorer displays as its widget.

    Parameters
    ----------
    scaffold, rules, outcomes, params
        As for :func:`fading_paths`; ``outcomes`` are the attempts to start
        with.

    Raises
    ------
    InvalidParameterError
        As for :func:`fading_paths`.

    See Also
    --------
    explore_fading : builds an explorer and its widget.

    Examples
    --------
    >>> import personalise as pl
    >>> explorer = pl.FadingExplorer(rules=[pl.contingent_fading(levels=2), pl.linear_fading(4)])
    >>> explorer.click(True)
    >>> explorer.click(True)
    >>> explorer.support["contingent_fading(levels=2)"]
    (1.0, 0.5, 0.0)
    >>> explorer.click(False)
    >>> print(explorer.summary["contingent_fading(levels=2)"])
    contingent_fading(levels=2): support 0.50, came back from 0 after the struggle at attempt 3
    >>> explorer.undo()
    >>> explorer.outcomes
    (True, True)
    >>> explorer.reset()
    >>> explorer.support["linear_fading(4)"]
    (1.0,)
    """

    def __init__(
        self,
        scaffold: Scaffold | None = None,
        *,
        rules: FadingRule | Iterable[FadingRule] | Mapping[str, FadingRule] | None = None,
        outcomes: Iterable[bool] = (),
        params: BKTParams | None = None,
    ) -> None:
        self._run = _Run(scaffold, rules, outcomes, params)
        self._figure: Figure | None = None
        self._widget: Any = None
        self._parts: dict[str, Any] = {}

    def __repr__(self) -> str:
        marks = " ".join("✓" if success else "✗" for success in self.outcomes) or "none yet"
        return f"<FadingExplorer: {len(self._run.rules)} rules, outcomes: {marks}>"

    # -- state
    @property
    def rules(self) -> dict[str, FadingRule]:
        """The rules compared, by label (a new dict)."""
        return dict(self._run.rules)

    @property
    def outcomes(self) -> tuple[bool, ...]:
        """The outcomes so far, in order: True for a success, False for a struggle."""
        return self._run.outcomes

    @property
    def support(self) -> dict[str, tuple[float, ...]]:
        """For each rule, by label: the support before the first attempt and after each attempt."""
        return {label: tuple(float(s.support) for s in history) for label, history in self._run.histories.items()}

    @property
    def scaffolds(self) -> dict[str, Scaffold]:
        """For each rule, by label: the scaffold after the last attempt."""
        return {label: history[-1] for label, history in self._run.histories.items()}

    @property
    def summary(self) -> dict[str, str]:
        """For each rule, by label: one line in words, the current support and whether it has faded or came back."""
        return self._run.summary()

    # -- changes
    def click(self, success: bool) -> None:
        """Add one attempt: a success (True, the "success" button) or a struggle (False, the "struggle" button).

        Raises
        ------
        InvalidParameterError
            If ``success`` is not True or False.
        """
        self._set((*self.outcomes, _check_outcome(success, "success")))

    def undo(self) -> None:
        """Remove the last attempt (nothing happens when there is none)."""
        if self.outcomes:
            self._set(self.outcomes[:-1])

    def reset(self) -> None:
        """Remove every attempt, including those the explorer started with: back to the starting support."""
        self._set(())

    def _set(self, outcomes: tuple[bool, ...]) -> None:
        self._run.set_outcomes(outcomes)
        self._redraw()

    # -- display
    @property
    def figure(self) -> Figure:
        """The matplotlib Figure the widget shows, one line per rule on its Axes (needs matplotlib).

        It is not registered with :mod:`matplotlib.pyplot`, so a notebook
        does not display it twice; the widget shows it as a PNG image.
        """
        if self._figure is None:
            _import_matplotlib("FadingExplorer.figure", "plot")
            from matplotlib.figure import Figure

            self._figure = Figure(figsize=(8.0, 4.0), dpi=96)
            self._draw_figure()
        return self._figure

    @property
    def widget(self) -> Any:
        """The ipywidgets ``VBox`` shown in a notebook: buttons, the figure, one line of text per rule.

        The buttons are "success", "struggle", "undo" and "reset", and do
        what :meth:`click`, :meth:`undo` and :meth:`reset` do. Built on first
        use (needs ipywidgets and matplotlib: ``pip install 'personalise[widgets]'``).
        """
        if self._widget is None:
            self._widget = self._build("FadingExplorer.widget")
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _build(self, what: str) -> Any:
        widgets = _import_ipywidgets(what)
        _import_matplotlib(what, "widgets")

        def button(description: str, style: str, icon: str, tooltip: str, action: Callable[[], None]) -> Any:
            result = widgets.Button(description=description, button_style=style, icon=icon, tooltip=tooltip)
            result.on_click(lambda _: action())
            return result

        self._parts = {
            "success": button("success", "success", "check", "the learner succeeds on the next attempt", lambda: self.click(True)),
            "struggle": button("struggle", "danger", "times", "the learner struggles on the next attempt", lambda: self.click(False)),
            "undo": button("undo", "", "undo", "remove the last attempt", self.undo),
            "reset": button("reset", "", "refresh", "remove every attempt", self.reset),
            "image": widgets.Image(format="png"),
            "text": widgets.HTML(),
        }
        parts = self._parts
        box = widgets.VBox(
            [widgets.HBox([parts["success"], parts["struggle"], parts["undo"], parts["reset"]]), parts["image"], parts["text"]]
        )
        self._redraw_widget()
        return box

    def _draw_figure(self) -> None:
        figure = self.figure
        figure.clear()
        _draw(figure.subplots(), self._run, title=None, min_attempts=_MIN_ATTEMPTS)

    def _redraw(self) -> None:
        if self._figure is not None:
            self._draw_figure()
        if self._parts:
            self._redraw_widget()

    def _redraw_widget(self) -> None:
        parts = self._parts
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", bbox_inches="tight")
        parts["image"].value = buffer.getvalue()
        marks = " ".join("✓" if success else "✗" for success in self.outcomes)
        head = f"attempts: {marks}" if marks else "no attempts yet: click success or struggle"
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.summary.values())
        parts["text"].value = f"<div><b>{html.escape(head)}</b><ul>{items}</ul></div>"
        parts["undo"].disabled = parts["reset"].disabled = not self.outcomes


def explore_fading(
    scaffold: Scaffold | None = None,
    *,
    rules: FadingRule | Iterable[FadingRule] | Mapping[str, FadingRule] | None = None,
    outcomes: Iterable[bool] = (),
    params: BKTParams | None = None,
) -> FadingExplorer:
    """Explore, in a Jupyter notebook, how support fades under each rule as you click outcomes.

    Shows buttons "success", "struggle" (a failure), "undo" and "reset".
    After each click it redraws a plot of support (0 to 1) against attempt
    number, one line per rule, with the outcomes marked (green for a
    success, red for a struggle), and one line of text per rule: the support
    now, and whether it has faded to 0 or came back after a struggle. The
    support is computed by :func:`fading_paths`, with
    :meth:`Scaffold.after <personalise.Scaffold.after>`, and drawn by
    :func:`plot_fading`.

    Parameters
    ----------
    scaffold, rules, outcomes, params
        As for :func:`fading_paths`; ``outcomes`` are the attempts to start
        with (by default none: each rule's starting support). By default
        one rule of each factory is compared.

    Returns
    -------
    FadingExplorer
        The explorer. As the last expression of a cell it displays as its
        widget; ``explorer.widget`` is the ipywidgets ``VBox`` itself, to
        place in a layout of your own. Its :attr:`~FadingExplorer.outcomes`,
        :attr:`~FadingExplorer.support` and :attr:`~FadingExplorer.summary`
        give the current state, and :meth:`~FadingExplorer.click`,
        :meth:`~FadingExplorer.undo` and :meth:`~FadingExplorer.reset` do
        what the buttons do.

    Raises
    ------
    ImportError
        If ipywidgets or matplotlib is not installed; the message gives the
        install command ``pip install 'personalise[widgets]'`` (the
        ``widgets`` extra installs both).
    InvalidParameterError
        As for :func:`fading_paths`.

    See Also
    --------
    plot_fading : the same figure for a fixed sequence of outcomes, without widgets.
    fading_paths : the support values.

    Notes
    -----
    The widget needs a live kernel: each click runs Python. Every click
    recomputes the support from the start, so the widget shows exactly what
    :func:`fading_paths` gives for the outcomes so far.

    Examples
    --------
    In a notebook cell:

    >>> import personalise as pl
    >>> explorer = pl.explore_fading(pl.Scaffold("add fractions", pl.contingent_fading(levels=4)))  # doctest: +SKIP
    >>> explorer  # doctest: +SKIP

    The explorer can also be driven from code, as its buttons do:

    >>> explorer.click(True)  # doctest: +SKIP
    >>> explorer.support["contingent_fading(levels=4)"]  # doctest: +SKIP
    (1.0, 0.75)
    """
    _import_ipywidgets("explore_fading")  # fail before any work when an extra is missing
    _import_matplotlib("explore_fading", "widgets")
    explorer = FadingExplorer(scaffold, rules=rules, outcomes=outcomes, params=params)
    explorer._widget = explorer._build("explore_fading")
    return explorer
