"""Pure NumPy kernels on bit-packed learner-by-skill flags.

Nothing here validates its input, copies it needlessly, or writes into it.
The public functions in :mod:`personalise.content` check arguments once and
call these kernels block by block. Plain-Python references for each kernel
live in ``tests/``.

Two layouts of the same bit matrix are used (one bit per learner and skill):

* *row words*, shape ``(n_rows, n_words)`` uint64: bit ``c`` of word ``w`` in
  row ``i`` is the flag of learner ``i`` for skill ``64 * w + c``;
* *column words*, shape ``(n_rows // 64, n_cols)`` uint64: bit ``r`` of word
  ``(g, s)`` is the flag of learner ``64 * g + r`` for skill ``s``.

Prerequisite checks gather whole columns (64 learners per word); top-k
selection scans rows. :func:`transpose_bits` converts between the two with a
64 x 64 bit-matrix transpose (six rounds of mask, shift and xor).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
IntArray = NDArray[np.intp]

_ROUNDS = (
    (32, np.uint64(0x00000000FFFFFFFF)),
    (16, np.uint64(0x0000FFFF0000FFFF)),
    (8, np.uint64(0x00FF00FF00FF00FF)),
    (4, np.uint64(0x0F0F0F0F0F0F0F0F)),
    (2, np.uint64(0x3333333333333333)),
    (1, np.uint64(0x5555555555555555)),
)
_ONE = np.uint64(1)


def words_for(n_bits: int) -> int:
    """Number of uint64 words that hold ``n_bits`` bits."""
    return (n_bits + 63) // 64


def pack_rows(flags: NDArray[np.bool_]) -> U64:
    """Pack a C-contiguous bool matrix whose width is a multiple of 64 into row words."""
    packed = np.packbits(flags, axis=1, bitorder="little")
    return packed.view(np.uint64)


def transpose_blocks64(words: U64) -> None:
    """Transpose, in place, every 64 x 64 bit block along the last axis of ``words``.

    ``words`` has shape ``(..., 64)`` and is C-contiguous; afterwards bit ``c``
    of ``words[..., r]`` holds what bit ``r`` of ``words[..., c]`` held.
    """
    lead = words.shape[:-1]
    for width, mask in _ROUNDS:
        pairs = words.reshape(*lead, 64 // (2 * width), 2, width)
        low = pairs[..., 0, :]
        high = pairs[..., 1, :]
        shift = np.uint64(width)
        swap = ((low >> shift) ^ high) & mask
        high ^= swap
        low ^= swap << shift


def rows_to_columns(rows: U64) -> U64:
    """Row words ``(64 * g, w)`` -> column words ``(g, 64 * w)`` (a new array)."""
    n_rows, n_words = rows.shape
    blocks = np.ascontiguousarray(rows.reshape(n_rows // 64, 64, n_words).transpose(0, 2, 1))
    transpose_blocks64(blocks)
    return blocks.reshape(n_rows // 64, n_words * 64)


def columns_to_rows(columns: U64) -> U64:
    """Column words ``(g, 64 * w)`` -> row words ``(64 * g, w)`` (a new array)."""
    n_groups, n_cols = columns.shape
    blocks = np.array(columns.reshape(n_groups, n_cols // 64, 64), copy=True)
    transpose_blocks64(blocks)
    return np.ascontiguousarray(blocks.transpose(0, 2, 1)).reshape(n_groups * 64, n_cols // 64)


def all_of_neighbours(columns: U64, indptr_starts: IntArray, indices: IntArray, has_any: NDArray[np.bool_]) -> U64:
    """For each column ``s``: AND of the columns listed for ``s`` (all ones when none are).

    ``indptr_starts`` are the CSR starts of the columns that have at least one
    neighbour (``has_any``), in column order.
    """
    result = np.full(columns.shape, np.uint64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    if indices.size:
        gathered = np.take(columns, indices, axis=1)
        result[:, has_any] = np.bitwise_and.reduceat(gathered, indptr_starts, axis=1)
    return result


def any_of_neighbours(columns: U64, indptr_starts: IntArray, indices: IntArray, has_any: NDArray[np.bool_]) -> U64:
    """For each column ``s``: OR of the columns listed for ``s`` (zero when none are)."""
    result = np.zeros(columns.shape, dtype=np.uint64)
    if indices.size:
        gathered = np.take(columns, indices, axis=1)
        result[:, has_any] = np.bitwise_or.reduceat(gathered, indptr_starts, axis=1)
    return result


def first_set_bits(rows: U64, k: int) -> IntArray:
    """Positions of the first ``k`` set bits of each row, padded with -1.

    ``rows`` (row words) is consumed: set bits are cleared as they are found.
    """
    n_rows = rows.shape[0]
    out = np.full((n_rows, k), -1, dtype=np.intp)
    if n_rows == 0 or rows.shape[1] == 0:
        return out
    row_index = np.arange(n_rows)
    for j in range(k):
        word_index = np.argmax(rows != 0, axis=1)
        word = rows[row_index, word_index]
        found = word != 0
        if not found.any():
            break
        lowest = word & (~word + _ONE)
        bit = np.bitwise_count(lowest - _ONE).astype(np.intp)
        out[:, j] = np.where(found, word_index * 64 + bit, -1)
        rows[row_index, word_index] = word & (word - _ONE)
    return out


def unpack_rows(rows: U64, n_cols: int) -> NDArray[np.bool_]:
    """Row words -> bool matrix with ``n_cols`` columns."""
    as_bytes = rows.view(np.uint8).reshape(rows.shape[0], -1)
    return np.unpackbits(as_bytes, axis=1, count=n_cols, bitorder="little").view(np.bool_)


def threshold_into(block: NDArray[Any], threshold: Any, out: NDArray[np.bool_]) -> None:
    """``out[:len(block), :n_skills] = block >= threshold`` in the block's own dtype."""
    np.greater_equal(block, threshold, out=out[: block.shape[0], : block.shape[1]])
