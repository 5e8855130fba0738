"""The policy protocol: what the simulator gives a policy and what it expects back."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import as_array, check_int
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.graph import CompiledGraph

__all__ = ["Assignment", "Policy", "PolicyRun", "PolicySetting"]

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]


#: The largest learning-rate multiplier an :class:`Assignment` may give (as ``FixedGroups.track_quality``).
MAX_QUALITY = 10.0


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    """A read-only copy (one copy at construction: the caller's array is never frozen or shared)."""
    copy = np.array(array)
    copy.flags.writeable = False
    return copy


def _vector(value: Any, name: str, kinds: str, dtype: Any, ndim: int = 1, **bounds: float) -> NDArray[Any]:
    """``value`` as a read-only array of ``dtype`` (elements of ``kinds``; NaN and out-of-range values refused)."""
    array = as_array(value, name, kinds=kinds, ndim=ndim, finite=True, **bounds)  # type: ignore[arg-type]
    return _frozen(array.astype(dtype, copy=False))


#: The step :func:`~personalise.simulate` is asking a policy for (named in an invalid assignment's error).
_STEP: ContextVar[int | None] = ContextVar("personalise_assignment_step", default=None)


def _where() -> str:
    step = _STEP.get()
    return "" if step is None else f" at step {step}"


def _floats(value: Any, name: str, n: int, high: float, at: str) -> NDArray[np.float64]:
    """An assignment's ``support`` or ``quality``: real numbers in [0, high], one per learner."""
    raw = as_array(value, name, kinds="biuf")
    if raw.shape != (n,):
        raise InvalidParameterError(f"policy's {name}{at} must have shape ({n},); got {raw.shape} (one value per "
                                    "learner of skill)", value=raw.shape)
    values = raw.astype(np.float64, copy=False)
    bad = np.flatnonzero(~((values >= 0.0) & (values <= high)))
    if bad.size:
        shown = float(values[bad[0]])
        raise InvalidParameterError(f"policy gave {name} {shown!r} to learner {int(bad[0])}{at}; {name} must lie "
                                    f"in [0, {high:g}]", value=shown)
    return values


def _array_eq() -> Any:
    return attrs.cmp_using(eq=np.array_equal)


# -------------------------------------------------------------- the protocol
@attrs.frozen
class PolicySetting:
    """What a policy knows about one block of learners when it starts.

    Parameters
    ----------
    graph : CompiledGraph
        The curriculum.
    sequence : ndarray of intp
        The teaching sequence: the columns to be taught, in topological order
        (all skills, or the goal and its prerequisites).
    goal : int or None
        Column of the common goal (None: the whole sequence).
    pretest : ndarray of bool, shape (n_learners, n_skills)
        Skills each learner showed independently before the first step
        (a perfect pretest: a stated simplification).
    known : ndarray of intp, shape (n_learners,)
        How many skills of ``sequence`` each learner showed on the pretest
        (always a prefix of ``sequence``).
    class_of : ndarray of intp, shape (n_learners,)
        Each learner's class, numbered from 0 within the block.
    n_classes : int
        Number of classes in the block (1 to n_learners; 0 for no learners).

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type or a value out of its range (columns
        of ``graph``, positions of ``sequence``, classes); the message names
        the field.
    ShapeError
        If the arrays' shapes disagree with each other or with ``graph``.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("a", "b")])
    >>> s = pl.PolicySetting(g, np.array([0, 1]), None, np.zeros((2, 2), bool),
    ...                      np.zeros(2, np.intp), np.zeros(2, np.intp), 1)
    >>> s.n_learners
    2
    """

    graph: CompiledGraph
    sequence: Int = attrs.field(eq=_array_eq())
    goal: int | None
    pretest: Bool = attrs.field(eq=_array_eq())
    known: Int = attrs.field(eq=_array_eq())
    class_of: Int = attrs.field(eq=_array_eq())
    n_classes: int

    def __attrs_post_init__(self) -> None:
        graph = self.graph
        if not isinstance(graph, CompiledGraph):
            raise InvalidParameterError(f"graph must be a CompiledGraph (see compile_graph); got {graph!r:.80}",
                                        value=graph)
        k = graph.n_skills
        sequence = _vector(self.sequence, "sequence", "iu", np.intp, low=0, high=k - 1)
        if np.unique(sequence).shape[0] != sequence.shape[0]:
            raise InvalidParameterError("sequence must not repeat a column", value=sequence.tolist())
        goal = None if self.goal is None else check_int(self.goal, "goal", minimum=0, maximum=k - 1)
        if goal is not None and goal not in sequence:
            raise InvalidParameterError(f"goal (column {goal}) must be in sequence", value=goal)
        known = _vector(self.known, "known", "iu", np.intp, low=0, high=sequence.shape[0])
        n = known.shape[0]
        pretest = as_array(self.pretest, "pretest", kinds="b", ndim=2)
        if pretest.shape != (n, k):
            raise ShapeError(f"pretest must have shape (n_learners, n_skills) = ({n}, {k}) to match known and "
                             f"graph; got {pretest.shape}", value=pretest.shape)
        n_classes = check_int(self.n_classes, "n_classes", minimum=1 if n else 0, maximum=max(n, 1))
        class_of = _vector(self.class_of, "class_of", "iu", np.intp, low=0, high=n_classes - 1)
        if class_of.shape != (n,):
            raise ShapeError(f"class_of must have shape ({n},) to match known; got {class_of.shape}",
                             value=class_of.shape)
        for name, value in (("sequence", sequence), ("goal", goal), ("pretest", _frozen(pretest)), ("known", known),
                            ("class_of", class_of), ("n_classes", n_classes)):
            object.__setattr__(self, name, value)

    @property
    def n_learners(self) -> int:
        """Learners in the block."""
        return int(self.known.shape[0])


@attrs.frozen
class Assignment:
    """One step's tasks: a skill column (or -1 for none) and support per learner.

    Parameters
    ----------
    skill : ndarray of intp, shape (n_learners,)
        Column practised by each learner; -1 means no learning opportunity.
    support : ndarray of float64, shape (n_learners,)
        Support in [0, 1] offered on that task (0: unaided).
    quality : ndarray of float64, shape (n_learners,), optional
        Instructional efficiency in [0, 10] multiplying the learning rate
        (default, or None: 1), e.g. a track-specific teaching quality.

    Raises
    ------
    InvalidParameterError
        If ``skill`` is not a 1-D array of integers >= -1, or ``support``
        (``quality``) is not numbers in [0, 1] ([0, 10]); the message names
        the field and the learner (and, inside :func:`~personalise.simulate`,
        the step), or ``support`` or ``quality`` is not one number per
        learner of ``skill``.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> a = pl.Assignment(np.array([0, -1]), np.array([0.5, 0.0]))
    >>> a.quality
    array([1., 1.])
    """

    skill: Int = attrs.field(eq=_array_eq())
    support: Float = attrs.field(eq=_array_eq())
    quality: Float = attrs.field(default=None, eq=_array_eq())

    def __attrs_post_init__(self) -> None:
        at = _where()
        raw = as_array(self.skill, "skill", kinds="biuf")
        n = raw.shape[0] if raw.ndim else None
        if raw.ndim != 1 or raw.dtype.kind not in "iu":
            shape = f"shape ({n},)" if raw.ndim == 1 else "one dimension"
            raise InvalidParameterError(f"assignment{at} must hold an integer skill array of {shape}; got "
                                        f"{raw.dtype} of shape {raw.shape}", value=raw.shape)
        skill = raw.astype(np.intp, copy=False)
        low = np.flatnonzero(skill < -1)
        if low.size:
            raise InvalidParameterError(f"policy assigned skill column {int(skill[low[0]])} to learner {int(low[0])}"
                                        f"{at}; columns start at 0 (-1 for no task)", value=int(skill[low[0]]))
        support = _floats(self.support, "support", len(skill), 1.0, at)
        quality = np.ones(len(skill)) if self.quality is None else _floats(self.quality, "quality", len(skill),
                                                                           MAX_QUALITY, at)
        for name, array in (("skill", skill), ("support", support), ("quality", quality)):
            object.__setattr__(self, name, _frozen(array))


@runtime_checkable
class PolicyRun(Protocol):
    """The mutable, per-block side of a policy (returned by :meth:`Policy.start`).

    Examples
    --------
    >>> import personalise as pl
    >>> isinstance(object(), pl.PolicyRun)
    False
    """

    def assign(self, step: int) -> Assignment:
        """Tasks for step ``step`` (0-based)."""
        ...

    def observe(self, assignment: Assignment, practice: Bool, exit_question: Bool) -> None:
        """Evidence after the step: practice answers and unaided exit-question answers.

        Both are False for learners with no task.
        """
        ...


@runtime_checkable
class Policy(Protocol):
    """The policy protocol: a frozen value object with a ``start`` method.

    Any object with ``name`` and ``start(setting) -> PolicyRun`` can be
    simulated. The built-in policies are frozen attrs classes, compare by
    value, round-trip through :meth:`to_dict` / :func:`policy_from_dict`
    and keep their mutable state in the run, never in the policy.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> class EveryoneOnTheFirstSkill:
    ...     name = "first-skill"
    ...     def start(self, setting):
    ...         return _Run(setting.n_learners)
    >>> class _Run:
    ...     def __init__(self, n):
    ...         self.task = pl.Assignment(np.zeros(n, np.intp), np.zeros(n))
    ...     def assign(self, step):
    ...         return self.task
    ...     def observe(self, assignment, practice, exit_question):
    ...         pass
    >>> g = pl.compile_graph([("a", "b")])
    >>> result = pl.simulate(g, EveryoneOnTheFirstSkill(), n_learners=5, n_steps=3, rng=1)
    >>> result.final_mastery.shape
    (5, 2)
    """

    @property
    def name(self) -> str:
        """A short name (kebab case for the built-in policies)."""
        ...

    def start(self, setting: PolicySetting) -> PolicyRun:
        """The run for one block of learners."""
        ...
