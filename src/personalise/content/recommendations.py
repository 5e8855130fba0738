"""The :class:`Recommendations` value object returned by :func:`~personalise.recommend_next`."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_graph,
    check_ids,
    check_learner_ids,
    check_number,
    check_sequence,
    check_threshold,
)
from personalise.content.ranking import TERMS
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.graph import CompiledGraph

TERM_CODES = {name: code for code, name in enumerate(TERMS)}

__all__ = ["TERMS", "Recommendations"]

IntArray = NDArray[np.intp]


class _HandedOver(np.ndarray):
    """Marks an array that its only owner hands over (see :func:`handed_over`)."""


ArrayT = TypeVar("ArrayT", bound="NDArray[Any]")


def handed_over(array: ArrayT) -> ArrayT:
    """``array`` marked to be frozen in place by :class:`Recommendations` instead of copied.

    :func:`~personalise.recommend_next` builds its result arrays itself and
    keeps no reference to them, so copying them again would only cost time
    and memory. Unmarked arrays, and marked ones of another dtype, are copied.
    """
    return cast(ArrayT, array.view(_HandedOver))


_INTP_MAX = int(np.iinfo(np.intp).max)


def _freeze(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


def _checked_array(name: str, dtype: Any, ndim: int, *, optional: bool = False, low: int | None = None,
                   high: int | None = None) -> Callable[[Any], NDArray[Any]]:
    """A converter: ``value`` as a frozen ``dtype`` copy after the checks that need no other field.

    Integer fields refuse other kinds (an empty array of any real dtype
    excepted) and values outside [``low``, ``high``] before any cast, so
    nothing wraps around. ``optional`` fields take None or an empty 1-D array
    for "not given" (an empty array of dtype ``dtype``).
    """
    integer = np.dtype(dtype).kind == "i"

    def convert(value: Any) -> NDArray[Any]:
        if isinstance(value, _HandedOver) and value.dtype == dtype:
            array = value.view(np.ndarray)
        else:
            array = as_array(() if optional and value is None else value, name)
        if optional and array.shape == (0,):
            return _freeze(np.empty(0, dtype=dtype))
        if array.ndim != ndim:
            raise ShapeError(f"{name} must be {ndim}-D; got shape {array.shape}", value=array.shape)
        if integer and array.size:
            if array.dtype.kind not in "iu":
                raise InvalidParameterError(f"{name} must hold integers; got dtype {array.dtype}", value=array.dtype)
            lowest, highest = int(array.min()), int(array.max())
            top = _INTP_MAX if high is None else high  # nothing may wrap around in the cast
            too_low = low is not None and lowest < low
            if too_low or highest > top:
                bad = lowest if too_low else highest
                where = tuple(int(i) for i in np.argwhere(array == bad)[0])
                rule = f"be >= {low}" if high is None and too_low else f"lie in [{low}, {top}]"
                raise InvalidParameterError(f"{name} must {rule}; got {bad} at {where}", value=bad)
        if isinstance(value, _HandedOver) and value.dtype == dtype:
            return _freeze(array)
        return _freeze(np.array(array, dtype=dtype, copy=True))

    return convert


def _array_field(name: str, dtype: Any, ndim: int = 2, *, optional: bool = False, **bounds: int) -> Any:
    options: dict[str, Any] = {
        "converter": _checked_array(name, dtype, ndim, optional=optional, **bounds),
        "eq": attrs.cmp_using(eq=lambda a, b: np.array_equal(a, b, equal_nan=True)),
        "hash": False,
        "repr": False,
    }
    return attrs.field(default=None, **options) if optional else attrs.field(**options)


def _goal_tuple(value: Any) -> tuple[tuple[Hashable, ...], ...]:
    goals = []
    for position, goal in enumerate(check_sequence(value, "goal_sets") or ()):
        ids = check_ids(goal, f"goal_sets[{position}]")
        if not ids:
            raise InvalidParameterError(f"goal_sets[{position}] must not be empty", value=goal)
        goals.append(ids)
    return tuple(goals)


def _threshold(value: Any) -> float:
    return check_threshold(value, "threshold")


def _band(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    pair = check_sequence(value, "target_success") or []
    if len(pair) != 2:
        raise InvalidParameterError(f"target_success must be a (low, high) pair or None; got {value!r:.80}",
                                    value=value)
    low = check_number(pair[0], "target_success", 0.0, 1.0)
    high = check_number(pair[1], "target_success", low, 1.0)
    return (low, high)


def _first(mask: NDArray[np.bool_]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


Names = Mapping[Hashable, str] | Callable[[Hashable], str]


def _namer(names: Names | None) -> Callable[[Hashable], str] | None:
    """A function giving each skill id its display name (its repr where a mapping has none)."""
    if names is None:
        return None
    if isinstance(names, Mapping):
        return lambda skill: str(names[skill]) if skill in names else repr(skill)
    if not callable(names):
        raise InvalidParameterError(f"names must be a mapping or a function of skill ids; got {names!r}", value=names)
    return lambda skill: str(names(skill))


def _optional_ids(value: Iterable[Hashable] | None) -> tuple[Hashable, ...] | None:
    return None if value is None else tuple(check_sequence(value, "learner_ids") or ())


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@attrs.frozen(repr=False)
class Recommendations:
    """The next skills recommended for each learner, best first.

    Returned by :func:`recommend_next`; not usually built by hand.

    Parameters
    ----------
    graph : CompiledGraph
        The graph the column indices refer to.
    indices : ndarray of intp, shape (n_learners, k)
        Column indices of the recommended skills, best first, padded with -1.
    scores : ndarray of float64, shape (n_learners, k)
        The ranking score of each recommendation (NaN for padding): the number
        of later skills it unlocks, or, for learners with a goal, minus the
        number of prerequisite steps to the nearest goal.
    steps_to_goal : ndarray of intp, shape (n_learners, k)
        Prerequisite steps from each recommendation to the learner's nearest
        goal (0: the goal itself), -1 without a goal or for padding.
    goal_index : ndarray of intp, shape (n_learners,)
        Index into ``goal_sets`` of each learner's goal, -1 for none.
    goal_sets : tuple of tuple of hashable
        The distinct goal sets, as skill ids.
    threshold : float
        The mastery threshold used.
    terms : ndarray of int8, shape (n_learners, k), optional
        Which ranking term put each recommendation in its place, as a code
        into :data:`TERMS`: ``"unlocks"`` (ready, ranked by what it unlocks),
        ``"goal"`` (ready, on the way to a goal), ``"target success"`` /
        ``"outside target success"`` (ready, predicted success inside or
        outside the target band) or ``"review"`` (mastered, recall decayed).
        For review items the score is 1 - recall.
    predicted_success : ndarray of float64, shape (n_learners, k), optional
        Predicted P(correct) of each recommendation when learner-model
        parameters were given, else NaN.
    recall : ndarray of float64, shape (n_learners, k), optional
        Estimated recall of review items, NaN for the others.
    target_success : (float, float) or None
        The target band of predicted success, when one was used.
    learner_ids : tuple of hashable, optional
        The learner of each row, when the mastery came as a
        :class:`~personalise.MasteryTable`; :meth:`to_records` and
        :meth:`to_frame` then use them.

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type or dtype (integer fields take integer
        arrays only) or a value out of range: an index outside [-1,
        n_skills), padding before a skill or a skill twice in a row, a score
        that is not NaN exactly at the padding, steps other than -1 for
        padding or learners without a goal, a goal index outside
        ``goal_sets``, a goal skill not in ``graph``, predicted success or
        recall outside [0, 1].
    ShapeError
        If the arrays do not share the shape of ``indices`` (``goal_index``:
        one entry per row).

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("count", "add")])
    >>> recs = pl.recommend_next(g, np.array([[0.2, 0.0], [1.0, 0.5]]), k=1)
    >>> recs
    Recommendations(n_learners=2, k=1, threshold=0.95)
    >>> recs.skills()
    (('count',), ('add',))
    >>> recs.to_records(["ann", "bo"])[1]["skill_id"]
    'add'
    >>> table = pl.MasteryTable(["ann", "bo"], ["add", "count"], [[0.0, 0.2], [0.5, 1.0]])
    >>> pl.recommend_next(g, table, k=1).to_records()[1]["learner_id"]
    'bo'
    """

    graph: CompiledGraph = attrs.field(repr=False, validator=lambda _, __, value: check_graph(value, "graph"))
    indices: IntArray = _array_field("indices", np.intp, low=-1)
    scores: NDArray[np.float64] = _array_field("scores", np.float64)
    steps_to_goal: IntArray = _array_field("steps_to_goal", np.intp, low=-1)
    goal_index: IntArray = _array_field("goal_index", np.intp, 1, low=-1)
    goal_sets: tuple[tuple[Hashable, ...], ...] = attrs.field(default=(), converter=_goal_tuple, repr=False)
    threshold: float = attrs.field(default=0.95, converter=_threshold)
    terms: NDArray[np.int8] = _array_field("terms", np.int8, optional=True, low=0, high=len(TERMS) - 1)
    predicted_success: NDArray[np.float64] = _array_field("predicted_success", np.float64, optional=True)
    recall: NDArray[np.float64] = _array_field("recall", np.float64, optional=True)
    target_success: tuple[float, float] | None = attrs.field(default=None, converter=_band, repr=False)
    learner_ids: tuple[Hashable, ...] | None = attrs.field(default=None, converter=_optional_ids, repr=False)

    def __attrs_post_init__(self) -> None:
        shape = self.indices.shape
        for name in ("scores", "steps_to_goal"):
            if getattr(self, name).shape != shape:
                raise ShapeError(f"{name} must have the shape of indices {shape}; got {getattr(self, name).shape}",
                                 value=getattr(self, name).shape)
        if self.goal_index.shape != shape[:1]:
            raise ShapeError(f"goal_index must have one entry per row of indices ({shape[0]}); got shape "
                             f"{self.goal_index.shape}", value=self.goal_index.shape)
        for name in ("terms", "predicted_success", "recall"):
            value = getattr(self, name)
            if value.shape == (0,) and shape != (0,):
                continue  # not given: filled in below
            if value.shape != shape:
                raise ShapeError(f"{name} must have the shape of indices {shape}; got {value.shape}",
                                 value=value.shape)
            if name != "terms":
                ok = value >= 0.0
                ok &= value <= 1.0
                ok |= np.isnan(value)
                if not ok.all():
                    where = _first(~ok)
                    raise InvalidParameterError(f"{name} must lie in [0, 1] (or be NaN); got {float(value[where])!r} "
                                                f"at {where}", value=float(value[where]))
        self._fill_defaults()
        self._check_consistency()
        if self.learner_ids is not None:
            object.__setattr__(self, "learner_ids", tuple(check_learner_ids(self.learner_ids, shape[0])))

    def _fill_defaults(self) -> None:
        """Terms, predicted success and recall not given: the documented defaults, as read-only views (no memory)."""
        shape = self.indices.shape
        for name, fill in (("terms", 0), ("predicted_success", np.nan), ("recall", np.nan)):
            value = getattr(self, name)
            if value.shape == (0,) and shape != (0,):
                object.__setattr__(self, name, np.broadcast_to(np.array(fill, dtype=value.dtype), shape))

    def _check_consistency(self) -> None:
        """The checks that relate fields to each other and to the graph (vectorised, O(n_learners * k))."""
        indices, n_skills = self.indices, self.graph.n_skills
        if indices.size and int(indices.max()) >= n_skills:
            raise InvalidParameterError(f"indices must lie in [-1, {n_skills}) (columns of graph); got "
                                        f"{int(indices.max())} at {_first(indices == indices.max())}",
                                        value=int(indices.max()))
        padding = indices < 0
        if np.any(padding[:, :-1] & ~padding[:, 1:]):
            raise InvalidParameterError("indices must put their -1 padding after the recommendations of each row; "
                                        f"got -1 before a skill at {_first(padding[:, :-1] & ~padding[:, 1:])}",
                                        value=-1)
        ranked = np.sort(indices, axis=1)
        repeated = (ranked[:, 1:] == ranked[:, :-1]) & (ranked[:, 1:] >= 0)
        if np.any(repeated):
            row = _first(repeated)[0]
            raise InvalidParameterError(f"indices must not recommend a skill twice to a learner; row {row} repeats "
                                        f"{int(ranked[row, 1:][repeated[row]][0])}", value=row)
        scores = self.scores
        bad = np.isfinite(scores)
        bad ^= ~padding  # a finite score for padding, or a NaN or infinite one for a skill
        if np.any(bad) or np.isinf(scores[padding]).any():
            bad |= np.isinf(scores)
            where = _first(bad)
            rule = "NaN for padding (-1 in indices)" if padding[where] else "finite for every recommendation"
            raise InvalidParameterError(f"scores must be {rule}; got {float(scores[where])!r} at {where}",
                                        value=float(scores[where]))
        steps = self.steps_to_goal
        goal = self.goal_index
        if goal.size and int(goal.max()) >= len(self.goal_sets):
            raise InvalidParameterError(f"goal_index must lie in [-1, {len(self.goal_sets)}) (entries of goal_sets); "
                                        f"got {int(goal.max())}", value=int(goal.max()))
        if steps.size:
            unset = padding | (goal < 0)[:, None]
            unset &= steps != -1
            if np.any(unset):
                raise InvalidParameterError(f"steps_to_goal must be -1 for padding and for learners without a goal "
                                            f"(goal_index -1); got {int(steps[_first(unset)])} at {_first(unset)}",
                                            value=int(steps[_first(unset)]))
            if int(steps.max()) >= max(n_skills, 1):
                raise InvalidParameterError(f"steps_to_goal must be below the number of skills ({n_skills}); got "
                                            f"{int(steps.max())}", value=int(steps.max()))
        for position, goal_ids in enumerate(self.goal_sets):
            for skill in goal_ids:
                try:
                    self.graph.index_of(skill)
                except LookupError:
                    raise InvalidParameterError(f"goal_sets[{position}] names {skill!r:.80}, which is not a skill "
                                                "of graph", value=skill) from None

    @classmethod
    def _trusted(cls, graph: CompiledGraph, indices: IntArray, scores: NDArray[np.float64], steps_to_goal: IntArray,
                 goal_index: IntArray, *, goal_sets: tuple[tuple[Hashable, ...], ...] = (), threshold: float = 0.95,
                 terms: NDArray[np.int8] | None = None, predicted_success: NDArray[np.float64] | None = None,
                 recall: NDArray[np.float64] | None = None, target_success: tuple[float, float] | None = None,
                 learner_ids: tuple[Hashable, ...] | None = None) -> Recommendations:
        """Recommendations from fields :func:`recommend_next` built itself and hands over: no checks, no copies.

        The arrays must already have their dtypes and consistent shapes and
        values, and nobody else may hold them (they are frozen in place).
        """
        self = object.__new__(cls)
        set_ = object.__setattr__
        empty = np.empty(0)
        for name, value in (("indices", indices), ("scores", scores), ("steps_to_goal", steps_to_goal),
                            ("goal_index", goal_index), ("terms", empty.astype(np.int8) if terms is None else terms),
                            ("predicted_success", empty if predicted_success is None else predicted_success),
                            ("recall", empty if recall is None else recall)):
            set_(self, name, _freeze(value))
        for name, field in (("graph", graph), ("goal_sets", goal_sets), ("threshold", threshold),
                            ("target_success", target_success), ("learner_ids", learner_ids)):
            set_(self, name, field)
        self._fill_defaults()
        return self

    def __repr__(self) -> str:
        return f"Recommendations(n_learners={self.n_learners}, k={self.k}, threshold={self.threshold})"

    @property
    def n_learners(self) -> int:
        """Number of learners (rows)."""
        return int(self.indices.shape[0])

    @property
    def k(self) -> int:
        """Recommendations per learner (columns, including padding)."""
        return int(self.indices.shape[1])

    def skills(self) -> tuple[tuple[Hashable, ...], ...]:
        """The recommended skill ids per learner, best first, without padding.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0]])).skills()
        (('b',),)
        """
        ids = self.graph.skill_ids
        return tuple(tuple(ids[j] for j in row if j >= 0) for row in self.indices.tolist())

    def _reason(self, learner: int, rank: int, name: Callable[[Hashable], str] = repr) -> str:
        graph = self.graph
        j = int(self.indices[learner, rank])
        term = int(self.terms[learner, rank])
        if term == TERM_CODES["review"]:
            recall = float(self.recall[learner, rank])
            return f"review: mastered, but estimated recall has fallen to {recall:.2f}"
        prereqs = graph.pred_indices[graph.pred_indptr[j] : graph.pred_indptr[j + 1]]
        if prereqs.size == 0:
            base = "ready: no prerequisites"
        else:
            names = ", ".join(name(graph.skill_ids[i]) for i in prereqs[:3])
            more = ", ..." if prereqs.size > 3 else ""
            every = "all " if prereqs.size > 1 else ""
            base = f"ready: {every}{_plural(int(prereqs.size), 'prerequisite')} mastered ({names}{more})"
        parts = [base]
        if term in (TERM_CODES["target success"], TERM_CODES["outside target success"]) and self.target_success:
            low, high = self.target_success
            where = "inside" if term == TERM_CODES["target success"] else "outside"
            success = float(self.predicted_success[learner, rank])
            parts.append(f"predicted success {success:.2f}, {where} the target {low:.2f}-{high:.2f}")
        goal = int(self.goal_index[learner])
        if goal < 0:
            parts.append(f"unlocks {_plural(int(graph.n_descendants[j]), 'later skill')}")
            return "; ".join(parts)
        goal_ids = self.goal_sets[goal]
        target = name(goal_ids[0]) if len(goal_ids) == 1 else "one of " + ", ".join(map(name, goal_ids))
        steps = int(self.steps_to_goal[learner, rank])
        parts.append(f"it is the goal {target}" if steps == 0 else f"leads to goal {target} in {_plural(steps, 'step')}")
        return "; ".join(parts)

    @property
    def term_names(self) -> tuple[tuple[str, ...], ...]:
        """The name of the ranking term behind each recommendation (see :data:`TERMS`), without padding.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0]])).term_names
        (('unlocks',),)
        """
        return tuple(
            tuple(TERMS[int(t)] for t, j in zip(terms, row) if j >= 0)
            for terms, row in zip(self.terms.tolist(), self.indices.tolist())
        )

    @property
    def reasons(self) -> tuple[tuple[str, ...], ...]:
        """Why each skill was recommended, one string per recommendation (built on access).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[0.0, 0.0]])).reasons
        (('ready: no prerequisites; unlocks 1 later skill',),)
        """
        return tuple(
            tuple(self._reason(i, r) for r in range(self.k) if self.indices[i, r] >= 0)
            for i in range(self.n_learners)
        )

    def to_records(
        self, learner_ids: Iterable[Hashable] | None = None, *, names: Names | None = None
    ) -> list[dict[str, Any]]:
        """One dict per recommendation: learner id, rank (1 = best), skill id, score, reason.

        Parameters
        ----------
        learner_ids : sequence of hashable, optional
            One unique id per learner (row). By default the ids the
            recommendations carry (from a MasteryTable), else row numbers.
        names : mapping or callable, optional
            A readable name for each skill id (a mapping, or a function such
            as :meth:`CaseFramework.label <personalise.CaseFramework.label>`):
            records gain a ``skill_name`` and reasons name skills by it
            instead of by id. A skill the mapping lacks keeps its id.

        Raises
        ------
        InvalidParameterError
            If ``learner_ids`` repeats an id.
        ShapeError
            If ``learner_ids`` does not have one id per learner.

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0]])).to_records(["ann"])  # doctest: +NORMALIZE_WHITESPACE
        [{'learner_id': 'ann', 'rank': 1, 'skill_id': 'b', 'skill_index': 1, 'term': 'unlocks',
          'score': 0.0, 'steps_to_goal': None, 'predicted_success': None, 'recall': None,
          'reason': "ready: 1 prerequisite mastered ('a'); unlocks 0 later skills"}]
        >>> names = {"a": "Count to 10", "b": "Add within 10"}
        >>> record = pl.recommend_next(g, np.array([[1.0, 0.0]])).to_records(names=names)[0]
        >>> record["skill_name"], record["reason"]
        ('Add within 10', 'ready: 1 prerequisite mastered (Count to 10); unlocks 0 later skills')
        """
        ids = check_learner_ids(self.learner_ids if learner_ids is None else learner_ids, self.n_learners)
        name = _namer(names)
        records: list[dict[str, Any]] = []
        skill_ids = self.graph.skill_ids
        for i, learner in enumerate(ids):
            for rank in range(self.k):
                j = int(self.indices[i, rank])
                if j < 0:
                    break
                steps = int(self.steps_to_goal[i, rank])
                success = float(self.predicted_success[i, rank])
                recall = float(self.recall[i, rank])
                records.append(
                    {
                        "learner_id": learner,
                        "rank": rank + 1,
                        "skill_id": skill_ids[j],
                        "skill_index": j,
                        "term": TERMS[int(self.terms[i, rank])],
                        "score": float(self.scores[i, rank]),
                        "steps_to_goal": steps if steps >= 0 else None,
                        "predicted_success": None if success != success else success,
                        "recall": None if recall != recall else recall,
                        "reason": self._reason(i, rank, name or repr),
                    }
                )
                if name is not None:
                    records[-1]["skill_name"] = name(skill_ids[j])
        return records

    def to_frame(self, learner_ids: Iterable[Hashable] | None = None, *, names: Names | None = None) -> Any:
        """The records of :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("a", "b")])
        >>> pl.recommend_next(g, np.array([[1.0, 0.0], [0.0, 0.0]])).to_frame(["ann", "bo"])[
        ...     ["learner_id", "rank", "skill_id"]]
          learner_id  rank skill_id
        0        ann     1        b
        1         bo     1        a
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - exercised only without pandas
            raise ImportError("Recommendations.to_frame needs pandas: pip install 'personalise[pandas]'") from None
        columns = [
            "learner_id", "rank", "skill_id", *(["skill_name"] if names is not None else []), "skill_index", "term",
            "score", "steps_to_goal", "predicted_success", "recall", "reason",
        ]
        return pd.DataFrame.from_records(self.to_records(learner_ids, names=names), columns=columns)

    def to_html(
        self, learner_ids: Iterable[Hashable] | None = None, *, names: Names | None = None, title: str | None = None
    ) -> str:
        """The next steps as one self-contained, printable HTML page (inline CSS, no script, A4).

        The page groups learners by their first next step (candidates for a
        temporary group), then lists each learner's next steps with every
        reason.

        Parameters
        ----------
        learner_ids : sequence of hashable, optional
            As for :meth:`to_records`.
        names : mapping or callable, optional
            A readable name for each skill id, as for :meth:`to_records`.
        title : str, optional
            The page's heading (default "Next steps for N learners").

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> page = pl.recommend_next(g, np.array([[1.0, 0.0], [0.0, 0.0]])).to_html(["ann", "bo"])
        >>> page.startswith("<!DOCTYPE html>"), "<script" in page, "ann" in page
        (True, False, True)
        """
        from personalise.io._html import recommendations_page

        ids = check_learner_ids(self.learner_ids if learner_ids is None else learner_ids, self.n_learners)
        if title is not None and not isinstance(title, str):
            raise InvalidParameterError(f"title must be a str; got {title!r}", value=title)
        return recommendations_page(self, tuple(ids), name=_namer(names) or str, title=title)
