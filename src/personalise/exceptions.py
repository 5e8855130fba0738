"""The error and warning hierarchy of :mod:`personalise`.

Every error the library raises on bad input is a :class:`PersonaliseError`.
Each subclass also inherits the builtin exception a caller would naturally
catch (``ValueError``, ``LookupError``...), so ``except ValueError`` keeps
working in code that does not know about this library.

Every error stores the offending value on ``.value`` and names it in its
message, for example ``"mastery must lie in [0, 1]; got nan at (3, 7)"``.

Examples
--------
>>> import personalise as pl
>>> try:
...     pl.compile_graph([("a", "b"), ("b", "a")])
... except pl.CyclicPrerequisiteError as err:
...     print(err.cycle)
('a', 'b')
>>> issubclass(pl.UnknownSkillError, LookupError)
True
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

__all__ = [
    "CyclicPrerequisiteError",
    "DegenerateFitWarning",
    "EvidenceError",
    "GraphError",
    "IdentifiabilityWarning",
    "InvalidParameterError",
    "PersonaliseError",
    "PersonaliseWarning",
    "ShapeError",
    "StoreError",
    "UnknownClassError",
    "UnknownLearnerError",
    "UnknownSkillError",
]


class PersonaliseError(Exception):
    """Base class of every error raised by :mod:`personalise` on bad input.

    Parameters
    ----------
    message : str
        What was wrong: the argument, the rule, and the offending value.
    value : object, optional
        The offending value, stored as ``.value`` for programmatic handling.

    Examples
    --------
    >>> import personalise as pl
    >>> err = pl.PersonaliseError("k must be at least 1; got 0", value=0)
    >>> err.value
    0
    """

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message)
        self.value = value


class InvalidParameterError(PersonaliseError, ValueError, TypeError):
    """An argument has the wrong type or a value outside its allowed range.

    Inherits both ``ValueError`` and ``TypeError``, so either builtin catches it.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("a", "b")])
    >>> try:
    ...     pl.recommend_next(g, np.zeros((1, 2)), k=0)
    ... except pl.InvalidParameterError as err:
    ...     print(err)
    k must be an integer >= 1; got 0
    """


class ShapeError(PersonaliseError, ValueError):
    """An array has the wrong number of dimensions or the wrong length.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> g = pl.compile_graph([("a", "b")])
    >>> try:
    ...     pl.readiness(g, np.zeros((4, 3)))
    ... except pl.ShapeError as err:
    ...     print(err.value)
    (4, 3)
    """


class GraphError(PersonaliseError, ValueError):
    """A prerequisite graph is malformed (self-loop, undirected, bad ids...).

    Examples
    --------
    >>> import personalise as pl
    >>> try:
    ...     pl.compile_graph([("a", "a")])
    ... except pl.GraphError as err:
    ...     print(err)
    self-loop: skill 'a' is listed as its own prerequisite
    """


class CyclicPrerequisiteError(GraphError):
    """The prerequisite graph has a cycle, so no learning order exists.

    Parameters
    ----------
    message : str
        The error message, which spells out the cycle.
    cycle : sequence of hashable
        The skills on one cycle, each a prerequisite of the next and the last
        a prerequisite of the first. Stored as ``.cycle`` (a tuple) and as
        ``.value``.

    Examples
    --------
    >>> import personalise as pl
    >>> try:
    ...     pl.compile_graph([("x", "y"), ("y", "z"), ("z", "x")])
    ... except pl.CyclicPrerequisiteError as err:
    ...     print(err)
    prerequisite graph has a cycle: 'x' -> 'y' -> 'z' -> 'x'
    """

    def __init__(self, message: str, *, cycle: Sequence[Hashable]) -> None:
        self.cycle: tuple[Hashable, ...] = tuple(cycle)
        super().__init__(message, value=self.cycle)


class UnknownSkillError(PersonaliseError, LookupError):
    """A skill id is not part of the compiled graph (or of the given params).

    The unknown id is stored as ``.skill`` and as ``.value``.

    Examples
    --------
    >>> import personalise as pl
    >>> g = pl.compile_graph([("a", "b")])
    >>> try:
    ...     g.index_of("c")
    ... except pl.UnknownSkillError as err:
    ...     print(err.skill)
    c
    """

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message, value=value)
        self.skill = value

    def __str__(self) -> str:
        # LookupError subclasses (KeyError) would quote the message; we keep it plain.
        return str(self.args[0])


class UnknownLearnerError(PersonaliseError, LookupError):
    """A learner id is not part of a :class:`~personalise.MasteryTable` (or a roster).

    The unknown id is stored as ``.learner`` and as ``.value``.

    Examples
    --------
    >>> import personalise as pl
    >>> table = pl.MasteryTable(["ann"], ["add"], [[0.5]])
    >>> try:
    ...     table.select(["bo"])
    ... except pl.UnknownLearnerError as err:
    ...     print(err.learner)
    bo
    """

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message, value=value)
        self.learner = value

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownClassError(PersonaliseError, LookupError):
    """A class id is not part of a roster (a :class:`~personalise.OneRosterBundle`, say).

    The unknown id is stored as ``.class_id`` and as ``.value``.

    Examples
    --------
    >>> import personalise as pl
    >>> err = pl.UnknownClassError("unknown class '4X'", value="4X")
    >>> err.class_id, isinstance(err, LookupError)
    ('4X', True)
    """

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message, value=value)
        self.class_id = value

    def __str__(self) -> str:
        return str(self.args[0])


class EvidenceError(PersonaliseError, ValueError):
    """Assessment data (responses, answers, mastery tables) is malformed.

    Raised for missing columns, responses that are not 0/1, NaN ids and similar
    problems; the message names the column and row.

    Examples
    --------
    >>> import personalise as pl
    >>> err = pl.EvidenceError("column 'correct' must hold 0 or 1; got 2 in row 5", value=2)
    >>> isinstance(err, ValueError)
    True
    """


class StoreError(PersonaliseError, OSError):
    """The evidence store cannot do what was asked: a read-only or full disk, a newer schema, a closed store.

    Nothing was written when it is raised during a write: every write is one
    transaction. The store's path (or URL) is stored as ``.value``.

    Examples
    --------
    >>> import personalise as pl
    >>> store = pl.open_store()
    >>> store.close()
    >>> try:
    ...     len(store)
    ... except pl.StoreError as err:
    ...     print(err)
    evidence store :memory: is closed
    """

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message, value=value)

    def __str__(self) -> str:
        return str(self.args[0])


class PersonaliseWarning(UserWarning):
    """Base class of the warnings :mod:`personalise` emits about results to treat with care.

    Examples
    --------
    >>> import warnings, personalise as pl
    >>> issubclass(pl.IdentifiabilityWarning, pl.PersonaliseWarning)
    True
    """


class IdentifiabilityWarning(PersonaliseWarning):
    """The data cannot tell the fitted parameters apart from other values.

    Emitted by :func:`~personalise.fit_bkt` when the median sequence length is
    below 3: with such short sequences different parameter sets fit equally
    well (Beck and Chang 2007), so the values should not be over-interpreted.

    Examples
    --------
    >>> import personalise as pl
    >>> issubclass(pl.IdentifiabilityWarning, UserWarning)
    True
    """


class DegenerateFitWarning(PersonaliseWarning):
    """A fitted parameter set contradicts the model's meaning (Baker, Corbett and Aleven 2008).

    Emitted by :func:`~personalise.fit_bkt` when a skill's fitted guess or slip
    exceeds 0.5 (a learner who has not mastered the skill would more often be
    right than wrong, or one who has would more often be wrong).

    Examples
    --------
    >>> import personalise as pl
    >>> issubclass(pl.DegenerateFitWarning, pl.PersonaliseWarning)
    True
    """
