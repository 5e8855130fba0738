"""The policy protocol: what the simulator gives a policy and what it expects back."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.graph import CompiledGraph

__all__ = ["Assignment", "Policy", "PolicyRun", "PolicySetting"]

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]


# -------------------------------------------------------------- the protocol
@attrs.frozen(eq=False)
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
        Number of classes in the block.

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
    sequence: Int
    goal: int | None
    pretest: Bool
    known: Int
    class_of: Int
    n_classes: int

    @property
    def n_learners(self) -> int:
        """Learners in the block."""
        return int(self.known.shape[0])


@attrs.frozen(eq=False)
class Assignment:
    """One step's tasks: a skill column (or -1 for none) and support per learner.

    Parameters
    ----------
    skill : ndarray of intp, shape (n_learners,)
        Column practised by each learner; -1 means no learning opportunity.
    support : ndarray of float64, shape (n_learners,)
        Support in [0, 1] offered on that task (0: unaided).
    quality : ndarray of float64, shape (n_learners,), optional
        Instructional efficiency multiplying the learning rate (default 1),
        e.g. a track-specific teaching quality.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> a = pl.Assignment(np.array([0, -1]), np.array([0.5, 0.0]))
    >>> a.quality
    array([1., 1.])
    """

    skill: Int
    support: Float
    quality: Float = attrs.field()

    @quality.default
    def _ones(self) -> Float:
        return np.ones(self.skill.shape[0])


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
