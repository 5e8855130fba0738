"""Pure NumPy kernels on bit-packed learner-by-skill flags.

Nothing here validates its input, copies it needlessly, or writes into it
(buffers named ``out`` or ``tmp`` are the only arrays written). The public
functions in :mod:`personalise.content` check arguments once and call these
kernels block by block. Plain-Python references for each kernel live in
``tests/``.

Layouts
-------
A block holds ``64 * n_groups`` learners and ``64 * n_words`` columns (skills,
padded with columns that are never set).

* **Row words** ``rows[l, w]``, shape ``(64 * n_groups, n_words)``: bit ``b``
  of word ``w`` is the flag of column ``64 * w + b`` for learner ``l``. This is
  what ``np.packbits(flags, axis=1, bitorder="little")`` gives for a bool
  matrix, viewed as ``uint64``: packing along the contiguous axis of each
  learner's row, which NumPy does with SIMD.
* **Column words** ``cols[p, g]``, shape ``(64 * n_words, n_groups)``: bit
  ``i`` of word ``g`` is the flag of learner ``64 * g + i`` for the column at
  *position* ``p = (c % 64) * n_words + c // 64`` (see :func:`positions`).
  One word operation on a row of column words answers for 64 learners at once:
  this is where prerequisites are checked.

Row words become column words with one word-level transpose (a copy) and a
64 x 64 bit transpose of each tile of 64 words (:func:`transpose_bits`: six
rounds of mask, shift and xor between the two halves of the tile). The way
back, :func:`columns_to_rows`, gathers the rows of column words in any order
into tiles and transposes them the same way; its rows are in *group-major*
learner order (row ``b * n_groups + g`` is learner ``64 * g + b``, see
:func:`learner_rows`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
IntArray = NDArray[np.intp]

_U = np.uint64
#: (shift, mask) of the six rounds of a 64 x 64 bit transpose: round ``s``
#: swaps bits ``p`` (with ``p & s == 0``) of word ``i + s`` with bits ``p + s``
#: of word ``i`` (with ``i & s == 0``).
_ROUNDS = tuple(
    (_U(shift), _U(mask))
    for shift, mask in (
        (32, 0x00000000FFFFFFFF),
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    )
)
#: Multiplying a word of eight bool bytes (0 or 1) by this puts byte ``j`` in bit ``56 + j``.
_GATHER_BYTES = _U(0x0102040810204080)
_ONE = _U(1)


def round_up(value: int, multiple: int) -> int:
    """Smallest multiple of ``multiple`` that is >= ``value``."""
    return -(-value // multiple) * multiple


def positions(n_words: int) -> IntArray:
    """Position of each of the ``64 * n_words`` columns in the column-word layout (a permutation)."""
    column = np.arange(64 * n_words, dtype=np.intp)
    return (column % 64) * n_words + column // 64


def transpose_bits(words: U64, tmp: U64) -> None:
    """In place: for every ``j``, bit ``b`` of ``words[i, j]`` <-> bit ``i`` of ``words[b, j]``.

    ``words`` is C-contiguous with shape ``(64, z)``; ``tmp`` is scratch space
    of at least ``32 * z`` words. Each round works on the two halves of
    blocks of rows, so every operation runs over contiguous runs of at least
    ``z`` words.
    """
    z = words.shape[1]
    for shift, mask in _ROUNDS:
        s = int(shift)
        pairs = words.reshape(32 // s, 2, s * z)
        low, high = pairs[:, 0], pairs[:, 1]
        t = tmp[: low.size].reshape(low.shape)
        np.right_shift(low, shift, out=t)
        t ^= high
        t &= mask
        high ^= t
        t <<= shift
        low ^= t


def rows_to_columns(rows: U64, out: U64, tmp: U64) -> U64:
    """Row words ``(64 * n_groups, n_words)`` -> column words ``(64 * n_words, n_groups)`` in ``out``.

    ``out`` is a C-contiguous buffer of that shape; ``tmp`` holds at least
    ``32 * n_words * n_groups`` words. Returns ``out``.
    """
    n_rows, n_words = rows.shape
    n_groups = n_rows // 64
    np.copyto(out.reshape(64, n_words, n_groups), rows.reshape(n_groups, 64, n_words).transpose(1, 2, 0))
    transpose_bits(out.reshape(64, n_words * n_groups), tmp)
    return out


def and_slots(columns: U64, slots: tuple[IntArray, ...], out: U64, tmp: U64) -> U64:
    """AND of gathered rows: row ``r`` of the result is the AND of ``columns[slots[d][r]]``
    over every ``d`` with ``r < len(slots[d])``.

    Slots shrink (``len(slots[d + 1]) <= len(slots[d])``), so each one updates
    a prefix of the rows: the rows are sorted by how many terms they AND, most
    first. ``out`` and ``tmp`` hold at least ``len(slots[0])`` rows of
    ``columns``' width. Returns ``out[:len(slots[0])]``.
    """
    n_out = slots[0].size
    result = out[:n_out]
    np.take(columns, slots[0], axis=0, out=result, mode="clip")
    for slot in slots[1:]:
        part = tmp[: slot.size]
        np.take(columns, slot, axis=0, out=part, mode="clip")
        np.bitwise_and(result[: slot.size], part, out=result[: slot.size])
    return result


def gather_index(rows: IntArray, n_groups: int) -> IntArray:
    """Flat indices for :func:`columns_to_rows`: word ``g`` of source row ``rows[i, w]`` at ``[i, g, w]``.

    ``rows`` has shape ``(64, n_words)``: order position ``64 * w + i`` of the
    result reads source row ``rows[i, w]``.
    """
    index = rows[:, None, :] * n_groups + np.arange(n_groups, dtype=np.intp)[None, :, None]
    return index.reshape(-1)


def columns_to_rows(sources: U64, index: IntArray, out: U64, tmp: U64) -> U64:
    """Gather rows of column words and transpose them into row words, group-major.

    ``sources`` has shape ``(n_sources, n_groups)``; ``index`` comes from
    :func:`gather_index` for order rows ``rows`` of shape ``(64, n_words)``.
    Returns ``out`` reshaped to ``(64 * n_groups, n_words)``: bit ``i`` of word
    ``w`` of row ``b * n_groups + g`` is bit ``b`` of ``sources[rows[i, w], g]``,
    the flag of learner ``64 * g + b`` at order position ``64 * w + i``.
    """
    n_groups = sources.shape[1]
    n_words = index.size // (64 * n_groups)
    flat = out.reshape(-1)[: index.size]
    np.take(sources.reshape(-1), index, out=flat, mode="clip")
    transpose_bits(flat.reshape(64, n_groups * n_words), tmp)
    return flat.reshape(64 * n_groups, n_words)


def learner_rows(n_groups: int) -> IntArray:
    """Row of each learner ``0 .. 64 * n_groups - 1`` in the group-major order of :func:`columns_to_rows`."""
    learner = np.arange(64 * n_groups, dtype=np.intp)
    return (learner % 64) * n_groups + learner // 64


def _lowest_bit(words: U64) -> NDArray[np.uint8]:
    """Index of the lowest set bit of each word, 64 for a zero word."""
    lowest: U64 = words & np.negative(words)
    lowest -= _ONE
    return np.bitwise_count(lowest)


def nonzero_words(rows: U64) -> U64:
    """Bit ``w`` of word ``i``: ``rows[i, w] != 0``. ``rows`` has at most 64 words per row."""
    n_rows, n_words = rows.shape
    if n_words % 8:
        flags = np.zeros((n_rows, round_up(n_words, 8)), dtype=np.bool_)
        np.not_equal(rows, 0, out=flags[:, :n_words])
    else:
        flags = np.not_equal(rows, 0)
    octets = flags.view(_U)
    octets *= _GATHER_BYTES  # byte j of each octet (0 or 1) lands in bit 56 + j
    mask = octets[:, 0] >> _U(56)
    for c in range(1, octets.shape[1]):
        part = octets[:, c] >> _U(56)
        part <<= _U(8 * c)
        mask |= part
    return mask


def first_set_bits(rows: U64, k: int) -> IntArray:
    """Positions of the first ``k`` set bits of each row of row words, padded with -1.

    ``rows`` is C-contiguous, shape ``(n_rows, n_words)``; position ``64 * w +
    b`` is bit ``b`` of word ``w``. Each step takes the lowest set bit of each
    row's current word; a row moves to its next nonzero word (the lowest bit
    of a mask of its nonzero words) only when the current one is used up.
    """
    n_rows, n_words = rows.shape
    if n_rows == 0 or n_words == 0:
        return np.full((n_rows, k), -1, dtype=np.intp)
    if n_words > 64:
        return _first_set_bits_long(rows, k)
    out, _ = _first_set_bits(rows, k)
    out[out >= 64 * n_words] = -1
    return out


def _first_set_bits(rows: U64, k: int) -> tuple[IntArray, IntArray]:
    """:func:`first_set_bits` for rows of 1 to 64 words, with how many were found in each row.

    Positions past the last found bit are ``64 * n_words`` or more (a row with
    no set bit left reads a sentinel word of all ones past its last word).
    """
    n_rows, n_words = rows.shape
    flat = rows.reshape(-1)
    last = np.uint8(n_words - 1)
    mask = nonzero_words(rows)
    word_index = _lowest_bit(mask)  # 64 when the row has no set bit
    empty = mask == 0
    word_index[empty] = n_words
    current = flat.take(np.arange(0, n_rows * n_words, n_words, dtype=np.intp) + np.minimum(word_index, last))
    current[empty] = ~_U(0)
    words = np.empty((k, n_rows), dtype=np.uint8)
    bits = np.empty((k, n_rows), dtype=np.uint8)
    low = np.empty_like(current)
    for j in range(k):
        np.negative(current, out=low)
        low &= current  # the lowest set bit
        current ^= low
        low -= _ONE
        np.bitwise_count(low, out=bits[j])
        words[j] = word_index
        if j == k - 1:
            break
        spent = np.flatnonzero(current == 0)
        if spent.size:
            left = mask[spent]
            left &= left - _ONE  # drop the word just used up
            mask[spent] = left
            nxt = _lowest_bit(left)
            gone = left == 0
            nxt[gone] = n_words
            fresh = flat.take(spent * n_words + np.minimum(nxt, last))
            fresh[gone] = ~_U(0)
            current[spent] = fresh
            word_index[spent] = nxt
    counts = np.count_nonzero(words < n_words, axis=0)
    out = words.astype(np.intp)
    out <<= 6
    out += bits
    return out.T, counts


def _first_set_bits_long(rows: U64, k: int) -> IntArray:
    """:func:`first_set_bits` for rows of more than 64 words: one search over the row per step."""
    n_rows, n_words = rows.shape
    work = rows.copy()
    flat = work.reshape(-1)
    out = np.full((n_rows, k), -1, dtype=np.intp)
    row_start = np.arange(0, n_rows * n_words, n_words, dtype=np.intp)
    for j in range(k):
        word_index = np.argmax(work != 0, axis=1)
        where = row_start + word_index
        word = flat.take(where)
        found = word != 0
        if not found.any():
            break
        out[:, j] = np.where(found, word_index * 64 + _lowest_bit(word), -1)
        flat.put(where, word & (word - _ONE))
    return out
