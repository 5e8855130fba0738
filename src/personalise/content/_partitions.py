"""Data split in partitions, read where it lives (internal).

The knowledge-tracing functions take, besides one table or one Evidence, data
split in partitions: a dask DataFrame, or a list or tuple of
:class:`~personalise.Evidence` objects. :func:`open_parts` reads and
validates each partition where it lives (on a dask worker, or in this
process) and brings back only a :class:`Summary` of it: its learners in
first-appearance order, their numbers of rows, and its skills. The partitions
stay where they were read, as handles (futures on a cluster, plain values
here), in a :class:`Parts`; :class:`Runner` maps the functions that follow
over the handles, in either place, so the rows travel once.

Every learner's rows must be in one partition (the work is learner by
learner). A dask DataFrame whose learners span partitions is shuffled by
learner id; for a list of Evidence it is an
:class:`~personalise.exceptions.EvidenceError` naming the learner.

dask is imported only when the data is a dask DataFrame (it is then already
imported) or a client is given, never by ``import personalise``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.evidence import Evidence
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
)

__all__ = ["Parts", "Runner", "Summary", "is_dask_frame", "numbered", "open_parts", "shared_learner", "union"]

IntArray = NDArray[np.intp]


def check_client(client: object) -> Any:
    """Return ``client`` if it is a ``dask.distributed.Client``; a one-line error naming the extra otherwise."""
    try:
        from distributed import Client
    except ImportError:
        raise InvalidParameterError(
            "client= needs dask.distributed: pip install 'personalise[dask]'", value=client
        ) from None
    if not isinstance(client, Client):
        raise InvalidParameterError(
            f"client must be a dask.distributed.Client; got {type(client).__name__}", value=client
        )
    return client


def is_dask_frame(data: object) -> bool:
    """Whether ``data`` is a dask DataFrame (without importing dask: one exists only if dask is imported)."""
    module = sys.modules.get("dask.dataframe")
    frame_type = getattr(module, "DataFrame", None)
    return isinstance(frame_type, type) and isinstance(data, frame_type)


def current_client() -> Any:
    """The current ``dask.distributed`` client, or None (then dask's default scheduler computes here)."""
    distributed = sys.modules.get("distributed")
    if distributed is None:  # no client can exist before distributed is imported
        return None
    try:
        return distributed.default_client()
    except ValueError:  # "No clients found"
        return None


class Runner:
    """Maps functions over partition handles: in this process, or as tasks of a ``dask.distributed`` client."""

    def __init__(self, client: Any = None) -> None:
        self.client = client

    def map(self, function: Callable[..., Any], *iterables: Sequence[Any], **options: Any) -> list[Any]:
        """``function(*items, **options)`` for each position of ``iterables``: values here, futures on a cluster."""
        if self.client is None:
            return [function(*items, **options) for items in zip(*iterables, strict=True)]
        if not iterables or not len(iterables[0]):
            return []
        return list(self.client.map(function, *iterables, pure=False, **options))

    def gather(self, handles: list[Any]) -> list[Any]:
        """The values of ``handles`` (the results of :meth:`map`), brought here in order."""
        return handles if self.client is None else list(self.client.gather(handles))

    def send(self, items: list[Any]) -> list[Any]:
        """Handles of objects of this process: themselves here, futures of their copy on the cluster."""
        return items if self.client is None or not items else list(self.client.scatter(items, hash=False))


@attrs.frozen(eq=False)
class Summary:
    """What the driver learns of one partition: its learners, their numbers of rows, and its skills."""

    learner_ids: tuple[Hashable, ...]  # first-appearance order
    rows_per_learner: IntArray
    skill_ids: tuple[Hashable, ...]  # first-appearance order

    @property
    def n_rows(self) -> int:
        return int(self.rows_per_learner.sum())


@attrs.frozen(eq=False)
class Parts:
    """The non-empty partitions of some data, where they were read, with their summaries.

    ``indices`` are the partitions' positions in the data as given (error
    messages name them). ``learner_order`` and ``skill_order`` are the
    learners and skills in order of first appearance in the concatenation of
    the partitions as given (before any shuffle), so they equal those of the
    single-process call on the concatenated data.
    """

    runner: Runner
    handles: list[Any]
    indices: list[int]
    summaries: list[Summary]
    learner_order: tuple[Hashable, ...]
    skill_order: tuple[Hashable, ...]

    @property
    def n_rows(self) -> int:
        return sum(summary.n_rows for summary in self.summaries)

    def map(self, function: Callable[..., Any], *iterables: Sequence[Any], **options: Any) -> list[Any]:
        """``function(handle, *items, **options)`` per partition (see :meth:`Runner.map`)."""
        return self.runner.map(function, self.handles, *iterables, **options)

    def gather(self, handles: list[Any]) -> list[Any]:
        return self.runner.gather(handles)


def union(groups: Iterable[Sequence[Hashable]]) -> tuple[Hashable, ...]:
    """The ids of several first-appearance lists, in order of first appearance in their concatenation."""
    return tuple(dict.fromkeys(key for group in groups for key in group))


def shared_learner(summaries: Sequence[Summary], indices: Sequence[int]) -> tuple[Hashable, int, int] | None:
    """The first learner found in two partitions, with the two partitions' indices; None if none is."""
    seen: dict[Hashable, int] = {}
    for summary, index in zip(summaries, indices, strict=True):
        for learner in summary.learner_ids:
            first = seen.setdefault(learner, index)
            if first != index:
                return learner, first, index
    return None


def numbered(frame: Any, column: str) -> Any:
    """A dask DataFrame with ``column`` added: int64 numbers that increase along the concatenated partitions."""
    meta = frame._meta.assign(**{column: np.zeros(0, dtype=np.int64)})
    return frame.map_partitions(_number_rows, column, meta=meta)


def _number_rows(part: Any, column: str, partition_info: dict[str, Any] | None = None) -> Any:
    """Partition ``k``'s rows numbered ``k * 2**40`` onwards (dask passes ``partition_info``)."""
    first = 0 if partition_info is None else int(partition_info["number"]) << 40
    return part.assign(**{column: first + np.arange(len(part), dtype=np.int64)})


def _in_partition(error: PersonaliseError, index: int) -> PersonaliseError:
    """The same error, its message prefixed with the partition it is about."""
    error.args = (f"partition {index}: {error.args[0] if error.args else ''}", *error.args[1:])
    return error


def _read(part: Any, index: int, read: Callable[..., Any], options: dict[str, Any]) -> Any:
    """``read(part, **options)``, its errors naming the partition (runs where the partition is)."""
    try:
        return read(part, **options)
    except PersonaliseError as error:
        raise _in_partition(error, index) from None


def _read_frame(frame: Any, runner: Runner, read: Callable[..., Any], options: dict[str, Any]) -> list[Any]:
    """Handles of the partitions of a dask DataFrame, each read where it is computed."""
    dask: Any = importlib.import_module("dask")
    tasks = [
        dask.delayed(_read, pure=False)(part, index, read, options) for index, part in enumerate(frame.to_delayed())
    ]
    if runner.client is None:
        return list(dask.compute(*tasks))  # dask's default scheduler, in this process
    return list(runner.client.compute(tasks))


def _items(data: Sequence[Any], what: str) -> list[Evidence]:
    items = list(data)
    for position, item in enumerate(items):
        if not isinstance(item, Evidence):
            raise InvalidParameterError(
                f"{what} split in partitions must hold Evidence objects; got {type(item).__name__} at "
                f"position {position}",
                value=item,
            )
    return items


def open_parts(
    data: Any,
    *,
    client: Any,
    read: Callable[..., Any],
    options: dict[str, Any],
    summarise: Callable[[Any], Summary],
    learner_column: str,
    required_columns: Sequence[str],
    before_shuffle: Callable[[Any, dict[str, Any]], tuple[Any, dict[str, Any]]] | None = None,
    what: str = "data",
) -> Parts | None:
    """The partitions of ``data``, read by ``read(part, **options)``; None for data in one piece without a client.

    ``data`` is a dask DataFrame (computed on ``client``, else on the current
    client, else by dask's default scheduler here), a list or tuple of
    Evidence (read here unless ``client`` is given, then sent to it once), or
    anything else ``read`` takes, as one partition when ``client`` is given.
    ``required_columns`` of a frame are checked up front; ``learner_column``
    is the frame's learner column. When a learner spans partitions of a
    frame, ``before_shuffle(frame, options)`` may add what the order of the
    rows needs (it returns the new frame and options), the frame is shuffled
    on ``learner_column`` and read again.
    """
    chosen = None if client is None else check_client(client)
    if is_dask_frame(data):
        for column in required_columns:
            if column not in data.columns:
                raise EvidenceError(f"{what} has no column {column!r}", value=column)
        runner = Runner(chosen if chosen is not None else current_client())
        return _open_frame(data, runner, read, options, summarise, learner_column, before_shuffle)
    if isinstance(data, (list, tuple)):
        items: list[Any] = _items(data, what)
    elif chosen is not None:
        items = [data]
    else:
        return None
    runner = Runner(chosen)
    handles = runner.map(_read, runner.send(items), list(range(len(items))), read=read, options=options)
    summaries = runner.gather(runner.map(summarise, handles))
    indices = list(range(len(items)))
    shared = shared_learner(summaries, indices)
    if shared is not None:
        learner, first, second = shared
        raise EvidenceError(
            f"learner {learner!r} has rows in partitions {first} and {second} of {what}; each learner's rows "
            "must all be in one partition",
            value=learner,
        )
    return _parts(runner, handles, indices, summaries, summaries)


def _open_frame(
    frame: Any,
    runner: Runner,
    read: Callable[..., Any],
    options: dict[str, Any],
    summarise: Callable[[Any], Summary],
    learner_column: str,
    before_shuffle: Callable[[Any, dict[str, Any]], tuple[Any, dict[str, Any]]] | None,
) -> Parts:
    handles = _read_frame(frame, runner, read, options)
    first_read = summaries = runner.gather(runner.map(summarise, handles))
    indices = list(range(len(handles)))
    if shared_learner(summaries, indices) is not None:
        # a learner spans partitions: put each learner's rows in one partition (hash of the learner id)
        del handles
        if before_shuffle is not None:
            frame, options = before_shuffle(frame, options)
        # computed here, the shuffle must be dask's task-based one (p2p needs a cluster); on a cluster, dask's choice
        method = {"shuffle_method": "tasks"} if runner.client is None else {}
        shuffled = frame.shuffle(on=learner_column, **method)
        handles = _read_frame(shuffled, runner, read, options)
        summaries = runner.gather(runner.map(summarise, handles))
        indices = list(range(len(handles)))
        shared = shared_learner(summaries, indices)
        if shared is not None:  # ids that compare equal but hash apart (1 and 1.0 in an object column)
            raise EvidenceError(
                f"learner {shared[0]!r} is still in partitions {shared[1]} and {shared[2]} after shuffling the "
                f"data on {learner_column!r}; give each learner one kind of id",
                value=shared[0],
            )
    return _parts(runner, handles, indices, summaries, first_read)


def _parts(
    runner: Runner, handles: list[Any], indices: list[int], summaries: list[Summary], as_given: list[Summary]
) -> Parts:
    """Parts of the non-empty partitions; the id orders from the partitions as given (``as_given``)."""
    keep = [i for i, summary in enumerate(summaries) if summary.n_rows]
    return Parts(
        runner=runner,
        handles=[handles[i] for i in keep],
        indices=[indices[i] for i in keep],
        summaries=[summaries[i] for i in keep],
        learner_order=union(summary.learner_ids for summary in as_given),
        skill_order=union(summary.skill_ids for summary in as_given),
    )
