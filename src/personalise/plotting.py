"""Plots of support over time and of a school's self-review (optional: needs matplotlib, ``pip install 'personalise[plot]'``).

matplotlib is imported inside :func:`plot_support` and :func:`plot_self_review`,
when one is first called, so ``import personalise`` never imports it and the
rest of the library works without it.
"""

from __future__ import annotations

import numbers
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from personalise.exceptions import InvalidParameterError, ShapeError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from personalise.teaching.self_review import SelfReview

__all__ = ["plot_self_review", "plot_support"]

#: Above this many learners the lines are drawn thin and translucent, without markers.
_MANY_LINES = 10

_INSTALL_HINT = "plot_support needs matplotlib, an optional dependency: pip install 'personalise[plot]'"


class _HasSupport(Protocol):
    """Anything with a ``support`` value in [0, 1], such as a :class:`~personalise.Scaffold`."""

    @property
    def support(self) -> float: ...


def plot_support(
    support: ArrayLike | Sequence[_HasSupport],
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    threshold: float | None = None,
) -> Axes:
    """Plot support against opportunity number, one step-style line per learner.

    Support is the amount of help a learner gets on an opportunity, from 1
    (full support) to 0 (none: the scaffold has faded). The plot shows how
    quickly it comes down, and where it comes back after a failure.

    Parameters
    ----------
    support : array_like or sequence of Scaffold
        Support in [0, 1], shape ``(n_opportunities,)`` for one learner or
        ``(n_opportunities, n_learners)`` for several, one column per learner
        (for example the support of one scaffold column of a
        :class:`~personalise.ScaffoldState`, collected after every update and
        stacked with ``np.stack``). A sequence of :class:`~personalise.Scaffold`
        objects, one learner's history (the scaffold before the first
        opportunity and after each one), is read through each object's
        ``support`` attribute; any object with a ``support`` attribute works.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on. By default a new figure with one Axes is made
        with :func:`matplotlib.pyplot.subplots`.
    labels : sequence of str, optional
        One label per learner (per column of ``support``). When given, the
        Axes gets a legend.
    title : str, optional
        The title of the Axes.
    threshold : float, optional
        A value in [0, 1] drawn as a dashed horizontal line, for example
        the level below which support counts as light.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. The learners' lines are added to ``ax.lines`` in
        column order, followed by the threshold line when there is one. Each
        line's data are the opportunity numbers ``0 .. n_opportunities - 1``
        (x) and that learner's support (y), drawn with
        ``drawstyle="steps-post"``: support holds its value until the next
        opportunity. The y axis is labelled "support" and spans [0, 1]; the x
        axis is labelled "opportunity". With more than ten learners the lines
        are thin and translucent, so that the bundle shows where support
        concentrates (in one colour unless ``labels`` are given).

    Raises
    ------
    ImportError
        If matplotlib is not installed; the message gives the install command
        ``pip install 'personalise[plot]'``.
    ShapeError
        If ``support`` is not 1-D or 2-D, has no opportunity or no learner,
        is ragged, or if ``labels`` does not have one label per learner.
    InvalidParameterError
        If a support value is outside [0, 1] or NaN (the message names the
        first such position), if ``support`` does not hold real numbers, if an
        item of a sequence of scaffolds has no ``support`` attribute, if
        ``labels`` is a single string, if ``threshold`` is not a number in
        [0, 1], or if ``ax`` is not a matplotlib Axes.

    See Also
    --------
    Scaffold : one learner's scaffold; ``Scaffold.after`` gives the next one.
    ScaffoldState : the scaffolds of a whole cohort, updated in one step.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # draw off-screen; not needed in a notebook
    >>> import numpy as np
    >>> import personalise as pl
    >>> support = np.array([[1.0, 1.0], [0.75, 1.0], [0.5, 0.75], [0.75, 0.5], [0.5, 0.25], [0.25, 0.0]])
    >>> ax = pl.plot_support(support, labels=["Ana", "Ben"], threshold=0.25, title="Two learners")
    >>> len(ax.lines)  # one line per learner, then the threshold
    3
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 0.75, 0.5, 0.75, 0.5, 0.25]
    >>> ax.get_ylabel(), [text.get_text() for text in ax.get_legend().get_texts()]
    ('support', ['Ana', 'Ben'])
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    try:
        import matplotlib
        import matplotlib.axes
        import matplotlib.ticker
    except ImportError as err:
        raise ImportError(_INSTALL_HINT) from err

    values = _support_array(support)
    n_opportunities, n_learners = values.shape
    names = _check_labels(labels, n_learners)
    level = _check_threshold(threshold)
    if title is not None and not isinstance(title, str):
        raise InvalidParameterError(f"title must be a string or None; got {title!r}", value=title)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    elif not isinstance(ax, matplotlib.axes.Axes):
        raise InvalidParameterError(f"ax must be a matplotlib Axes or None; got {ax!r}", value=ax)

    x = np.arange(n_opportunities)
    style: dict[str, Any] = (
        {"marker": "o", "markersize": 3.5, "linewidth": 1.5}
        if n_learners <= _MANY_LINES
        else {"linewidth": 0.8, "alpha": max(0.05, min(0.5, 5.0 / n_learners))}
    )
    if n_learners > _MANY_LINES and names is None:
        style["color"] = "C0"  # one colour for an unlabelled bundle; labelled lines keep the colour cycle
    for column in range(n_learners):
        label = names[column] if names is not None else f"_learner {column}"  # "_" keeps it out of legends
        ax.plot(x, values[:, column], drawstyle="steps-post", label=label, **style)
    if level is not None:
        ax.axhline(level, color="0.4", linestyle="--", linewidth=1.0, label="_threshold")
    ax.set_ylim(-0.04, 1.04)
    ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
    ax.set_ylabel("support")
    ax.set_xlabel("opportunity")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    if title is not None:
        ax.set_title(title)
    if names is not None:
        ax.legend()
    return ax


def _support_array(support: object) -> NDArray[np.float64]:
    """Return ``support`` as a float64 array of shape (n_opportunities, n_learners), checked."""
    if isinstance(support, np.ndarray) or hasattr(support, "__array__"):
        raw: object = support
    elif hasattr(support, "support") and not isinstance(support, Sequence):
        raise InvalidParameterError(
            "support must be an array or a sequence of scaffolds (one learner's history); got a single "
            f"{type(support).__name__}: pass its history, or its .support array for one opportunity",
            value=support,
        )
    elif isinstance(support, (str, bytes)):
        raise InvalidParameterError(f"support must hold real numbers in [0, 1]; got {support!r}", value=support)
    elif isinstance(support, Sequence) and any(hasattr(item, "support") for item in support):
        raw = _read_support_attributes(support)
    else:
        raw = support
    try:
        array = np.asarray(raw)
    except ValueError as err:  # ragged nested sequences
        raise ShapeError(
            "support must be a rectangular array of shape (n_opportunities,) or (n_opportunities, n_learners); "
            "its rows have different lengths",
            value=None,
        ) from err
    if array.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"support must hold real numbers in [0, 1]; got dtype {array.dtype}", value=array.dtype
        )
    if array.ndim not in (1, 2):
        raise ShapeError(
            f"support must be 1-D (n_opportunities,) or 2-D (n_opportunities, n_learners); got shape {array.shape}",
            value=array.shape,
        )
    if array.shape[0] == 0 or (array.ndim == 2 and array.shape[1] == 0):
        raise ShapeError(
            f"support must have at least one opportunity and one learner; got shape {array.shape}", value=array.shape
        )
    values = array.astype(np.float64)
    bad = ~((values >= 0.0) & (values <= 1.0))  # NaN fails both comparisons
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        value = values[position].item()
        where = position[0] if values.ndim == 1 else position
        raise InvalidParameterError(f"support must lie in [0, 1]; got {value!r} at {where}", value=value)
    return values.reshape(values.shape[0], -1)


def _read_support_attributes(items: Sequence[object]) -> list[object]:
    """Read ``item.support`` from every item of a learner's history (duck typing: any such object works)."""
    result = []
    for position, item in enumerate(items):
        value = getattr(item, "support", None)
        if value is None:
            raise InvalidParameterError(
                f"support must be an array or a sequence of scaffolds; item {position} ({item!r}) has no support",
                value=item,
            )
        result.append(value)
    return result


def _check_labels(labels: object, n_learners: int) -> list[str] | None:
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)):
        raise InvalidParameterError(
            f"labels must be a sequence of strings, one per learner, not a single string; got {labels!r} "
            f"(for one learner write [{labels!r}])",
            value=labels,
        )
    if not isinstance(labels, Iterable) or (isinstance(labels, np.ndarray) and labels.ndim != 1):
        raise InvalidParameterError(
            f"labels must be a sequence of strings, one per learner; got {labels!r:.80}", value=labels
        )
    names = [str(label) for label in labels]
    if len(names) != n_learners:
        raise ShapeError(
            f"labels must have one label per learner ({n_learners}); got {len(names)}", value=len(names)
        )
    return names


def _check_threshold(threshold: object) -> float | None:
    if threshold is None:
        return None
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
        raise InvalidParameterError(
            f"threshold must be a number in [0, 1] or None; got {threshold!r}", value=threshold
        )
    level = float(threshold)
    if not 0.0 <= level <= 1.0:  # also rejects nan
        raise InvalidParameterError(f"threshold must lie in [0, 1]; got {threshold!r}", value=threshold)
    return level


def plot_self_review(review: SelfReview, *, ax: Axes | None = None) -> Axes:
    """Draw each component's grade on the ordinal A-D axis, one horizontal bar per graded component.

    The axis runs from D (not yet on the school's agenda) at the left to A
    (fully established across the school) at the right; its tick labels carry
    each grade's descriptor. A bar reaches the column of its component's
    grade; a component not yet graded gets no bar and says so. The axis is
    ordinal: the positions place the grades in order and measure nothing, so
    bar lengths must not be added, averaged or compared across schools.

    Parameters
    ----------
    review : SelfReview
        The school's review.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on. By default a new figure with one Axes is made
        with :func:`matplotlib.pyplot.subplots`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. ``ax.patches`` holds one bar per graded component,
        in the framework's order; the bar of component ``k`` (counted from
        the top, ``y = k``) starts at the left edge ``-0.5`` and ends at the
        grade's column plus 0.4 (D is column 0, A column 3). The y tick
        labels are the components' labels, top to bottom; each ungraded
        component gets the text ``"not yet graded"``.

    Raises
    ------
    ImportError
        If matplotlib is not installed; the message gives the install command
        ``pip install 'personalise[plot]'``.
    InvalidParameterError
        If ``review`` is not a :class:`~personalise.SelfReview` or ``ax`` is
        not a matplotlib Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # draw off-screen; not needed in a notebook
    >>> import personalise as pl
    >>> review = pl.SelfReview.template(school="Hillside").with_grade("afl", "A").with_grade("mentoring", "C")
    >>> ax = pl.plot_self_review(review)
    >>> [(float(bar.get_y() + bar.get_height() / 2), float(bar.get_x() + bar.get_width())) for bar in ax.patches]
    [(1.0, 3.4), (4.0, 1.4)]
    >>> [label.get_text().split(":")[0] for label in ax.get_xticklabels()]
    ['D', 'C', 'B', 'A']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    try:
        import matplotlib.axes
    except ImportError as err:
        raise ImportError(_INSTALL_HINT.replace("plot_support", "plot_self_review")) from err
    if not all(hasattr(review, name) for name in ("components", "grades", "scale", "framework_info")):
        raise InvalidParameterError(f"review must be a SelfReview; got {type(review).__name__}", value=review)
    components, scale = review.components, review.scale
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9.0, 1.2 + 0.55 * len(components)), layout="constrained")
    elif not isinstance(ax, matplotlib.axes.Axes):
        raise InvalidParameterError(f"ax must be a matplotlib Axes or None; got {ax!r}", value=ax)

    columns = {grade: len(scale.grades) - 1 - k for k, grade in enumerate(scale.grades)}  # D left, A right
    for row, component in enumerate(components):
        grade = review.grades[component.code]
        if grade is None:
            ax.text(-0.45, row, "not yet graded", va="center", ha="left", style="italic", color="0.35")
            continue
        ax.barh(row, columns[grade] + 0.9, left=-0.5, height=0.55, color="C0", label=f"_{component.code}")
        ax.text(columns[grade] + 0.35, row, grade, va="center", ha="right", color="white", fontweight="bold")
    order = sorted(scale.grades, key=columns.__getitem__)
    ax.set_xticks([columns[g] for g in order])
    ax.set_xticklabels([textwrap.fill(f"{g}: {scale.descriptor(g)}", 24) for g in order], fontsize=8)
    ax.set_xlim(-0.5, len(scale.grades) - 0.5)
    ax.set_yticks(range(len(components)))
    ax.set_yticklabels([textwrap.fill(c.label, 28) for c in components])
    ax.set_ylim(len(components) - 0.5, -0.5)  # the first component at the top
    for edge in range(len(scale.grades) - 1):
        ax.axvline(edge + 0.5, color="0.85", linewidth=0.8, zorder=0)
    named = [part for part in (review.school, review.date and review.date.isoformat()) if part]
    title = "Self-review" + (f": {', '.join(named)}" if named else "")
    ax.set_title(f"{title}\n{review.framework_info.title} (the school's own grades, an ordinal scale)", fontsize=10)
    return ax
