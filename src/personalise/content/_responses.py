"""Response data for knowledge tracing: validation and the sequence layout.

A response table has one row per answer with pyBKT's column names
(``user_id``, ``skill_name``, ``correct`` and optionally ``order_id``). It may
be a pandas DataFrame or any mapping of column name to 1-D array.
:func:`read_responses` validates it once and returns :class:`Responses`: codes
for learners and skills, the answers, and the row order that puts each
learner's answers in ``order_id`` order. :func:`sequences` groups the rows
into one sequence per learner and skill, laid out "time-major" so that step
``t`` of every sequence that is at least ``t + 1`` long is a contiguous slice
(sequences are sorted by decreasing length). :func:`distinct_sequences`
keeps one copy of each distinct answer sequence of a skill with its count,
for fitting, and :func:`time_major` lays out any set of sequences in chunks.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise.exceptions import EvidenceError, InvalidParameterError

__all__ = [
    "COLUMNS",
    "DistinctSequences",
    "Responses",
    "Sequences",
    "TimeMajor",
    "distinct_sequences",
    "read_responses",
    "sequences",
    "shrink",
    "time_major",
]

#: The column names used by default (pyBKT's).
COLUMNS = ("user_id", "skill_name", "correct", "order_id")

IntArray = NDArray[np.intp]


@attrs.frozen
class Responses:
    """Validated response rows (internal).

    ``learner`` and ``skill`` are codes into ``learner_ids`` and ``skill_ids``;
    ``order`` lists the row numbers learner by learner, each learner's rows in
    answer order.
    """

    learner_ids: tuple[Hashable, ...]
    skill_ids: tuple[Hashable, ...]
    learner: IntArray
    skill: IntArray
    correct: NDArray[np.bool_]
    order: IntArray

    @property
    def n_rows(self) -> int:
        return int(self.correct.size)

    def with_skill_order(self, skill_ids: Sequence[Hashable]) -> Responses:
        """The same rows with skills recoded to ``skill_ids`` (a permutation of :attr:`skill_ids`)."""
        position = {skill: j for j, skill in enumerate(skill_ids)}
        remap = np.array([position[skill] for skill in self.skill_ids], dtype=np.intp)
        return attrs.evolve(self, skill_ids=tuple(skill_ids), skill=remap[self.skill] if self.skill.size else self.skill)


def _column(data: Any, name: str, columns: Mapping[str, str], *, required: bool = True) -> Any:
    key = columns.get(name, name)
    try:
        values = data[key]
    except (KeyError, IndexError, TypeError):
        if not required:
            return None
        shown = f"{key!r}" + (f" (for {name!r})" if key != name else "")
        raise EvidenceError(f"response data has no column {shown}", value=key) from None
    array = np.asarray(values)
    if array.dtype.kind in "US" and isinstance(values, (list, tuple)) and not all(isinstance(v, str) for v in values):
        array = np.array(values, dtype=object)  # mixed ids such as [1, "1"] stay distinct
    if array.ndim != 1:
        raise EvidenceError(f"column {key!r} must be 1-D; got shape {array.shape}", value=key)
    return array


def _check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InvalidParameterError(f"columns must map {COLUMNS} to the data's column names; got {columns!r}", value=columns)
    for name in columns:
        if name not in COLUMNS:
            raise InvalidParameterError(f"columns has unknown key {name!r}; expected some of {COLUMNS}", value=name)
    return dict(columns)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and value != value)


def _codes(values: NDArray[Any], column: str) -> tuple[list[Hashable], IntArray]:
    """Factorise ids in first-appearance order; reject None / NaN."""
    if values.dtype.kind == "f":
        bad = np.flatnonzero(np.isnan(values))
        if bad.size:
            raise EvidenceError(f"column {column!r} has a missing id (nan) in row {int(bad[0])}", value=int(bad[0]))
    if values.dtype.kind in "iub":
        uniques, first, inverse = np.unique(values, return_index=True, return_inverse=True)
        rank = np.empty(uniques.size, dtype=np.intp)
        rank[np.argsort(first, kind="stable")] = np.arange(uniques.size)
        return [uniques[i].item() for i in np.argsort(first, kind="stable")], rank[inverse].astype(np.intp)
    pandas = sys.modules.get("pandas")  # already imported when the data is a DataFrame
    factorized = None
    if pandas is not None and values.dtype.kind in "OUS":
        try:
            factorized = pandas.factorize(values)  # hash-based, first-appearance order
        except TypeError:  # unhashable ids: the loop below names the row
            factorized = None
    if factorized is not None:
        codes, uniques = factorized
        missing = np.flatnonzero(codes < 0)
        if missing.size:
            row = int(missing[0])
            raise EvidenceError(f"column {column!r} has a missing id ({values[row]!r}) in row {row}", value=row)
        return list(uniques.tolist()), np.asarray(codes, dtype=np.intp)
    index: dict[Hashable, int] = {}
    codes = np.empty(values.size, dtype=np.intp)
    for row, value in enumerate(values.tolist()):
        if _is_missing(value):
            raise EvidenceError(f"column {column!r} has a missing id ({value!r}) in row {row}", value=row)
        try:
            codes[row] = index.setdefault(value, len(index))
        except TypeError:
            raise EvidenceError(f"column {column!r} has an unhashable id {value!r} in row {row}", value=row) from None
    return list(index), codes


def _answers(values: NDArray[Any], column: str) -> NDArray[np.bool_]:
    if values.dtype == np.bool_:
        return values.astype(bool, copy=False)
    if values.dtype.kind not in "iuf":
        for row, value in enumerate(values.tolist()):
            if value not in (0, 1) or isinstance(value, str):
                raise EvidenceError(f"column {column!r} must hold 0 or 1; got {value!r} in row {row}", value=value)
        values = values.astype(np.float64)
    ok = (values == 0) | (values == 1)
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0])
        value = values[row].item()
        raise EvidenceError(f"column {column!r} must hold 0 or 1; got {value!r} in row {row}", value=value)
    return np.asarray(values == 1, dtype=np.bool_)


def _stable_by_code(codes: IntArray, rows: IntArray, n_codes: int) -> IntArray:
    """``rows`` reordered by ``codes[rows]``, keeping the given order within each code (radix sort when small)."""
    keys = codes[rows]
    if n_codes <= np.iinfo(np.uint16).max:
        keys = keys.astype(np.uint16)  # NumPy's stable sort is a radix sort for 16-bit keys
    return rows[np.argsort(keys, kind="stable")].astype(np.intp)


def read_responses(
    data: Any,
    *,
    columns: Mapping[str, str] | None = None,
    skill_ids: Sequence[Hashable] | None = None,
    outside: str = "a known skill",
) -> Responses:
    """Validate a response table and return :class:`Responses`.

    ``skill_ids`` fixes the skill codes; a row naming a skill outside it is an
    :class:`~personalise.exceptions.EvidenceError` ending "which is not
    ``outside``" (say "one of skills", naming the caller's argument). Without
    it, skills are coded in first-appearance order.
    """
    names = _check_columns(columns)
    if isinstance(data, (str, bytes)) or not hasattr(data, "__getitem__"):
        raise InvalidParameterError(
            f"data must be a DataFrame or a mapping of column name to array; got {type(data).__name__}", value=data
        )
    users = _column(data, "user_id", names)
    skills = _column(data, "skill_name", names)
    correct = _column(data, "correct", names)
    order_id = _column(data, "order_id", names, required=False)
    n = users.size
    for column_name, array in (("skill_name", skills), ("correct", correct), ("order_id", order_id)):
        if array is not None and array.size != n:
            shown = names.get(column_name, column_name)
            raise EvidenceError(
                f"column {shown!r} has {array.size} rows but column {names.get('user_id', 'user_id')!r} has {n}",
                value=shown,
            )
    learner_ids, learner = _codes(users, names.get("user_id", "user_id"))
    skill_column = names.get("skill_name", "skill_name")
    seen_skills, skill = _codes(skills, skill_column)
    if skill_ids is not None:
        known = {s: j for j, s in enumerate(skill_ids)}
        remap = np.empty(len(seen_skills), dtype=np.intp)
        for code, name in enumerate(seen_skills):
            if name not in known:
                row = int(np.flatnonzero(skill == code)[0])
                raise EvidenceError(
                    f"column {skill_column!r} names skill {name!r} in row {row}, which is not {outside}",
                    value=name,
                )
            remap[code] = known[name]
        skill = remap[skill] if skill.size else skill
        final_skills = tuple(skill_ids)
    else:
        final_skills = tuple(seen_skills)
    answers = _answers(correct, names.get("correct", "correct"))
    if order_id is None:
        order = _stable_by_code(learner, np.arange(n, dtype=np.intp), len(learner_ids))
    else:
        order_key = names.get("order_id", "order_id")
        if order_id.dtype.kind not in "iuf":
            raise EvidenceError(f"column {order_key!r} must be numeric; got dtype {order_id.dtype}", value=order_key)
        if order_id.dtype.kind == "f" and np.isnan(order_id).any():
            row = int(np.flatnonzero(np.isnan(order_id))[0])
            raise EvidenceError(f"column {order_key!r} is nan in row {row}", value=row)
        order = _stable_by_code(learner, np.argsort(order_id), len(learner_ids))
        if n > 1:
            same = (learner[order[1:]] == learner[order[:-1]]) & (order_id[order[1:]] == order_id[order[:-1]])
            if same.any():
                i = int(np.flatnonzero(same)[0])
                row = int(max(order[i], order[i + 1]))
                raise EvidenceError(
                    f"column {order_key!r} repeats {order_id[row].item()!r} for learner "
                    f"{learner_ids[learner[row]]!r} in row {row}",
                    value=row,
                )
    return Responses(tuple(learner_ids), final_skills, learner, skill, answers, order)


#: Target number of answers per chunk: a chunk's per-sequence work arrays stay in cache.
CHUNK_ROWS = 65536


@attrs.frozen
class TimeMajor:
    """Sequences of answers in cache-sized chunks, laid out time-major (internal).

    Within chunk ``c`` (sequences ``seq_ptr[c]`` to ``seq_ptr[c + 1]``,
    sorted by decreasing length), step ``t`` of every sequence at least
    ``t + 1`` long is the contiguous row slice starting at ``row_ptr[c] +
    offsets[step_ptr[c] + t]`` of length ``n_active[step_ptr[c] + t]``, and
    the sequences keep the same positions at every step.
    """

    seq_ptr: IntArray  # (n_chunks + 1,)
    row_ptr: IntArray  # (n_chunks + 1,)
    step_ptr: IntArray  # (n_chunks + 1,)
    n_active: IntArray  # (total steps,)
    offsets: IntArray  # (total steps,) row offset of each step within its chunk
    correct: NDArray[np.bool_]  # (n_rows,) answers in layout order

    @property
    def n_rows(self) -> int:
        return int(self.correct.size)

    def chunks(self) -> list[tuple[int, int, int, list[tuple[int, int]]]]:
        """Per chunk: first sequence, number of sequences, first row, and (rows start, active) per step."""
        out = []
        for c in range(self.seq_ptr.size - 1):
            s0, s1, r0 = int(self.seq_ptr[c]), int(self.seq_ptr[c + 1]), int(self.row_ptr[c])
            steps = range(int(self.step_ptr[c]), int(self.step_ptr[c + 1]))
            out.append((s0, s1 - s0, r0, [(r0 + int(self.offsets[i]), int(self.n_active[i])) for i in steps]))
        return out


@attrs.frozen
class Sequences(TimeMajor):
    """One sequence per (learner, skill) pair, in cache-sized chunks (internal).

    Sequences are sorted by skill and grouped into chunks of about
    :data:`CHUNK_ROWS` answers (a large skill spans several chunks, small
    skills share one); see :class:`TimeMajor` for the layout of a chunk.
    ``learner``, ``skill`` and ``length`` follow the layout order of the
    sequences; ``rows`` holds the input row of each layout row.
    """

    learner: IntArray  # (n_sequences,)
    skill: IntArray  # (n_sequences,)
    length: IntArray  # (n_sequences,)
    rows: IntArray  # (n_rows,) row numbers in layout order

    @property
    def n_sequences(self) -> int:
        return int(self.length.size)


def time_major(
    lengths: IntArray, starts: IntArray, chunk_rows: int = CHUNK_ROWS, chunk_width: int | None = None
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Chunk sequences (in the given order) every ~``chunk_rows`` answers and lay each chunk out time-major.

    With ``chunk_width``, a chunk also holds at most that many sequences.

    Sequence ``i`` has ``lengths[i] >= 1`` answers at positions ``starts[i]``
    onwards of some answer array. Returns ``order`` (the sequence at each
    layout position), ``seq_ptr``, ``row_ptr``, ``step_ptr``, ``n_active``,
    ``offsets`` (see :class:`TimeMajor`) and ``source``, the answer position
    of each layout row. Within a chunk, ties in length keep the given order.
    """
    cumulative = np.cumsum(lengths)
    cuts = np.searchsorted(cumulative, np.arange(chunk_rows, int(cumulative[-1]), chunk_rows), side="left") + 1
    if chunk_width is not None:
        cuts = np.r_[cuts, np.arange(chunk_width, lengths.size, chunk_width)]
    seq_ptr = np.unique(np.r_[0, cuts, lengths.size]).astype(np.intp)
    chunk_of = np.repeat(np.arange(seq_ptr.size - 1), np.diff(seq_ptr))
    order = np.lexsort((-lengths, chunk_of)).astype(np.intp)  # within a chunk: longest first
    sorted_lengths, sorted_starts = lengths[order], starts[order]
    row_ptr = np.r_[0, np.cumsum(np.add.reduceat(sorted_lengths, seq_ptr[:-1]))].astype(np.intp)
    n_active_parts, offset_parts, step_ptr = [], [], [0]
    source = np.empty(int(row_ptr[-1]), dtype=np.intp)
    for c in range(seq_ptr.size - 1):
        s0, s1 = int(seq_ptr[c]), int(seq_ptr[c + 1])
        chunk_lengths = sorted_lengths[s0:s1]
        depth = int(chunk_lengths[0])
        active = np.searchsorted(-chunk_lengths, -np.arange(1, depth + 1), side="right").astype(np.intp)
        offsets = np.r_[0, np.cumsum(active)[:-1]].astype(np.intp)
        step = np.repeat(np.arange(depth), active)
        member = np.arange(int(row_ptr[c + 1] - row_ptr[c])) - offsets[step]
        source[row_ptr[c] : row_ptr[c + 1]] = sorted_starts[s0 + member] + step
        n_active_parts.append(active)
        offset_parts.append(offsets)
        step_ptr.append(step_ptr[-1] + depth)
    return (
        order,
        seq_ptr,
        row_ptr,
        np.array(step_ptr, dtype=np.intp),
        np.concatenate(n_active_parts),
        np.concatenate(offset_parts),
        source,
    )


def shrink(layout: TimeMajor, keep: NDArray[np.bool_]) -> tuple[TimeMajor, NDArray[np.bool_]]:
    """The layout of the sequences at the positions where ``keep`` is true, and which rows it keeps.

    Kept sequences keep their chunk and their order, so each chunk stays
    sorted by decreasing length and no sorting is needed; a chunk may become
    empty.
    """
    chunk_of_step = np.repeat(np.arange(layout.seq_ptr.size - 1), np.diff(layout.step_ptr))
    first_of_step = layout.seq_ptr[chunk_of_step]
    kept_before = np.r_[0, np.cumsum(keep)]
    n_active = kept_before[first_of_step + layout.n_active] - kept_before[first_of_step]
    # step t of a chunk holds its first n_active[t] sequences, in order
    row_keep = np.concatenate(
        [keep[s0 : s0 + m] for s0, m in zip(first_of_step.tolist(), layout.n_active.tolist())] or [np.zeros(0, bool)]
    )
    row_ptr = np.r_[0, np.cumsum(n_active)][layout.step_ptr]  # empty chunks have no steps: no reduceat
    offsets = np.cumsum(n_active) - n_active - row_ptr[chunk_of_step]
    nonzero = n_active > 0  # widths do not grow within a chunk, so the steps left out end their chunk
    step_ptr = np.r_[0, np.cumsum(nonzero)][layout.step_ptr]
    shrunk = TimeMajor(
        seq_ptr=kept_before[layout.seq_ptr].astype(np.intp),
        row_ptr=np.asarray(row_ptr, dtype=np.intp),
        step_ptr=np.asarray(step_ptr, dtype=np.intp),
        n_active=n_active[nonzero].astype(np.intp),
        offsets=offsets[nonzero].astype(np.intp),
        correct=layout.correct[row_keep],
    )
    return shrunk, row_keep


def _pairs(responses: Responses) -> tuple[IntArray, IntArray, IntArray]:
    """Rows by skill, learner and answer order; the first position and the length of each (learner, skill) run."""
    # the order already sorts learner and time, so a stable sort by skill gives (skill, learner, time)
    rows_by_pair = _stable_by_code(responses.skill, responses.order, len(responses.skill_ids))
    pair_sorted = responses.skill[rows_by_pair].astype(np.int64) * max(len(responses.learner_ids), 1)
    pair_sorted += responses.learner[rows_by_pair]
    if pair_sorted.size == 0:
        return rows_by_pair, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, pair_sorted[1:] != pair_sorted[:-1]])
    return rows_by_pair, starts, np.diff(np.r_[starts, pair_sorted.size]).astype(np.intp)


def sequences(responses: Responses, *, chunk_rows: int = CHUNK_ROWS) -> Sequences:
    """Group rows into (learner, skill) sequences in answer order, in cache-sized chunks."""
    rows_by_pair, starts, lengths = _pairs(responses)
    if starts.size == 0:
        empty, zero = np.zeros(0, dtype=np.intp), np.zeros(1, dtype=np.intp)
        return Sequences(
            seq_ptr=zero, row_ptr=zero, step_ptr=zero, n_active=empty, offsets=empty,
            correct=np.zeros(0, dtype=bool), learner=empty, skill=empty, length=empty, rows=empty,
        )  # fmt: skip
    order, seq_ptr, row_ptr, step_ptr, n_active, offsets, source = time_major(lengths, starts, chunk_rows)
    layout = rows_by_pair[source]
    first = rows_by_pair[starts[order]]
    return Sequences(
        seq_ptr=seq_ptr,
        row_ptr=row_ptr,
        step_ptr=step_ptr,
        n_active=n_active,
        offsets=offsets,
        correct=responses.correct[layout],
        learner=responses.learner[first],
        skill=responses.skill[first],
        length=lengths[order],
        rows=layout,
    )


#: Sequences up to this long are compared as one 64-bit key (a leading 1 bit, then the answers).
_KEY_LENGTH = 62


@attrs.frozen
class DistinctSequences:
    """The distinct answer sequences of each skill and how many learners gave each (internal).

    Learners with the same answers on a skill contribute the same terms to a
    BKT fit, so the fit runs once per distinct sequence and weights it by
    ``count``. Sequences are in canonical order: by skill, then by the first
    learner (in learner-code order) who gave them; sequence ``i``'s answers
    are ``answers[ptr[i]:ptr[i + 1]]`` in answer order. Sequences longer than
    62 answers are kept one per learner (they are rarely repeated).
    """

    skill: IntArray  # (n_distinct,)
    length: IntArray  # (n_distinct,)
    count: IntArray  # (n_distinct,) learners who gave this sequence
    ptr: IntArray  # (n_distinct + 1,)
    answers: NDArray[np.bool_]  # (ptr[-1],)
    all_lengths: IntArray  # the length of every (learner, skill) sequence, in (skill, learner) order

    @property
    def n_sequences(self) -> int:
        return int(self.length.size)


def distinct_sequences(responses: Responses) -> DistinctSequences:
    """The (learner, skill) sequences of ``responses``, one per distinct answer sequence of a skill."""
    rows_by_pair, starts, lengths = _pairs(responses)
    answers = responses.correct[rows_by_pair]
    skill = responses.skill[rows_by_pair[starts]]
    n_pairs = starts.size
    if n_pairs == 0:
        empty = np.zeros(0, dtype=np.intp)
        return DistinctSequences(empty, empty, empty, np.zeros(1, dtype=np.intp), np.zeros(0, dtype=bool), empty)
    step = np.arange(answers.size) - np.repeat(starts, lengths)
    bits = np.where(answers & (step < _KEY_LENGTH), np.left_shift(1, np.minimum(step, _KEY_LENGTH)), 0)
    key = np.add.reduceat(bits.astype(np.int64), starts)
    short = lengths <= _KEY_LENGTH
    key |= np.left_shift(1, np.minimum(lengths, _KEY_LENGTH)).astype(np.int64)  # the length, as a leading 1
    key = np.where(short, key, -1 - np.arange(n_pairs))  # longer sequences: a key of their own
    by_key = np.lexsort((key, skill))  # stable: within a group, the first learner comes first
    new = np.r_[True, (skill[by_key][1:] != skill[by_key][:-1]) | (key[by_key][1:] != key[by_key][:-1])]
    group_start = np.flatnonzero(new)
    first = by_key[group_start]
    count = np.diff(np.r_[group_start, n_pairs]).astype(np.intp)
    canonical = np.argsort(first)
    first, count = first[canonical], count[canonical]
    kept_lengths = lengths[first]
    ptr = np.r_[0, np.cumsum(kept_lengths)].astype(np.intp)
    source = np.repeat(starts[first] - ptr[:-1], kept_lengths) + np.arange(int(ptr[-1]))
    return DistinctSequences(
        skill=skill[first].astype(np.intp),
        length=kept_lengths,
        count=count,
        ptr=ptr,
        answers=answers[source],
        all_lengths=lengths,
    )
