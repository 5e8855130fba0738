"""Pure NumPy kernels on bit-packed learner-by-skill flags.

Nothing here validates its input, copies it needlessly, or writes into it.
The public functions in :mod:`personalise.content` check arguments once and
call these kernels block by block. Plain-Python references for each kernel
live in ``tests/``.

Layouts
-------
A block holds ``n_rows`` learners (a multiple of 64). Its mastered flags are
thresholded into a bool matrix ``flags`` of shape ``(n_rows, width)``
(``width`` a multiple of 8), then packed *across learners*:

* an **octet word** ``acc[q, c]`` (shape ``(n_rows // 8, n_cols // 8)``) holds,
  in byte ``i``, the flags of learners ``8q .. 8q + 7`` (bit ``j`` for learner
  ``8q + j``) for column ``8c + i``;
* a **column word** ``cols[g, p]`` (shape ``(n_rows // 64, n_cols)``) holds,
  in bit ``r``, the flag of learner ``64g + r`` for the column stored at
  *position* ``p = (s % 8) * (n_cols // 8) + s // 8`` (see :func:`positions`).

Octet words come from the bool flags with eight shifts and ORs (bool bytes
are 0 or 1); column words from octet words with an 8 x 8 byte transpose
(three rounds of mask, shift and xor). Both steps are their own inverse in
the sense used by :func:`columns_to_flags`. Prerequisite checks gather whole
columns (64 learners per word operation).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

_U = np.uint64
_BYTE_ROUNDS = (
    (4, _U(32), _U(0x00000000FFFFFFFF)),
    (2, _U(16), _U(0x0000FFFF0000FFFF)),
    (1, _U(8), _U(0x00FF00FF00FF00FF)),
)
_LOW_BITS = _U(0x0101010101010101)
_BIT_ROUNDS = (
    (_U(7), _U(0x00AA00AA00AA00AA)),
    (_U(14), _U(0x0000CCCC0000CCCC)),
    (_U(28), _U(0x00000000F0F0F0F0)),
)
_ONE = _U(1)


def round_up(value: int, multiple: int) -> int:
    """Smallest multiple of ``multiple`` that is >= ``value``."""
    return -(-value // multiple) * multiple


def positions(n_cols: int) -> IntArray:
    """Position of each column in the column-word layout (a permutation of ``range(n_cols)``)."""
    column = np.arange(n_cols, dtype=np.intp)
    return (column % 8) * (n_cols // 8) + column // 8


def threshold_into(block: NDArray[Any], threshold: Any, flags: BoolArray) -> None:
    """``flags[:len(block), :block.shape[1]] = block >= threshold`` in the block's dtype."""
    np.greater_equal(block, threshold, out=flags[: block.shape[0], : block.shape[1]])


def flags_to_octets(flags: BoolArray, out: U64) -> None:
    """Pack eight learners per byte: ``out[:, :width // 8]`` from bool ``flags`` (n_rows, width).

    Bool bytes are 0 or 1, so shifting whole words moves eight skills at once;
    three rounds of shift-and-or combine rows pairwise (2, then 4, then 8).
    """
    n_rows, width = flags.shape
    words = flags.view(_U).reshape(n_rows // 8, 8, width // 8)
    pairs = np.left_shift(words[:, 1::2], _U(1))
    pairs |= words[:, 0::2]
    quads = np.left_shift(pairs[:, 1::2], _U(2))
    quads |= pairs[:, 0::2]
    acc = out[:, : width // 8]
    np.left_shift(quads[:, 1], _U(4), out=acc)
    acc |= quads[:, 0]


def transpose_bytes(words: U64) -> None:
    """In place: 8 x 8 byte transpose between axis 1 (length 8) and the bytes of each word.

    ``words`` has shape ``(a, 8, z)``; afterwards byte ``b`` of ``words[x, i, y]``
    is what byte ``i`` of ``words[x, b, y]`` was.
    """
    a, _, z = words.shape
    swap = np.empty((a, 4 * z), dtype=_U)
    for width, shift, mask in _BYTE_ROUNDS:
        pairs = words.reshape(a, 8 // (2 * width), 2, width, z)
        low = pairs[:, :, 0]
        _delta_swap(low, pairs[:, :, 1], shift, mask, swap.reshape(low.shape))


def _delta_swap(low: U64, high: U64, shift: np.uint64, mask: np.uint64, tmp: U64) -> None:
    """Swap the ``mask`` bits of ``high`` with the ``mask << shift`` bits of ``low``, in place.

    ``low`` and ``high`` may be the same array (a swap within each word).
    """
    np.right_shift(low, shift, out=tmp)
    tmp ^= high
    tmp &= mask
    high ^= tmp
    tmp <<= shift
    low ^= tmp


def octets_to_columns(octets: U64) -> U64:
    """Octet words ``(n_rows // 8, n_cols // 8)`` -> column words ``(n_rows // 64, n_cols)``, in place.

    ``octets`` must be C-contiguous; the result is a view of the same memory.
    """
    n_octets, n_words = octets.shape
    columns = octets.reshape(n_octets // 8, 8, n_words)
    transpose_bytes(columns)
    return columns.reshape(n_octets // 8, 8 * n_words)


def columns_to_flags(columns: U64) -> BoolArray:
    """Column words ``(n_rows // 64, n_cols)`` -> bool flags ``(n_rows, n_cols)``; consumes ``columns``.

    The inverse of :func:`flags_to_octets` followed by :func:`octets_to_columns`
    (for columns laid out at :func:`positions`). ``columns`` must be C-contiguous.
    """
    n_groups, n_cols = columns.shape
    grouped = columns.reshape(n_groups, 8, n_cols // 8)
    transpose_bytes(grouped)  # now the octet words of learner octets 8g + b
    octets = grouped.reshape(n_groups * 8, n_cols // 8)
    out = np.empty((n_groups * 8, 8, n_cols // 8), dtype=_U)
    for j in range(8):
        part = out[:, j, :]
        np.right_shift(octets, _U(j), out=part)
        part &= _LOW_BITS
    return out.view(np.bool_).reshape(n_groups * 64, n_cols)


def transpose_bits8(words: U64) -> None:
    """In place: transpose each word as an 8 x 8 bit matrix (bit ``i`` of byte ``j`` <-> bit ``j`` of byte ``i``)."""
    tmp = np.empty_like(words)
    for shift, mask in _BIT_ROUNDS:
        _delta_swap(words, words, shift, mask, tmp)


def columns_to_rows(columns: U64) -> U64:
    """Column words ``(n_rows // 64, n_cols)`` -> row words ``(n_rows, n_cols // 64)``; consumes ``columns``.

    Row word ``w`` of learner ``i`` holds, in bit ``b``, the flag of the column
    at order ``64 * w + b``, where columns are laid out at :func:`positions`.
    ``n_cols`` must be a multiple of 64 and ``columns`` C-contiguous.
    """
    n_groups, n_cols = columns.shape
    n_octets, n_words = n_groups * 8, n_cols // 8
    grouped = columns.reshape(n_groups, 8, n_words)
    transpose_bytes(grouped)  # octet words: byte i of [q, c] = column 8c + i, bit j = learner 8q + j
    octets = grouped.reshape(n_octets, n_words)
    transpose_bits8(octets)  # byte j of [q, c] = learner 8q + j, bit i = column 8c + i
    chunks = np.ascontiguousarray(octets.reshape(n_octets, n_words // 8, 8).transpose(0, 2, 1))
    transpose_bytes(chunks)  # [q, j, w]: byte c of the word = columns 64w + 8c .. + 7 of learner 8q + j
    return chunks.reshape(n_octets * 8, n_words // 8)


def and_reduce(columns: U64, starts: IntArray, indices: IntArray) -> U64:
    """For each position: AND of the positions ``indices[starts[p]:starts[p + 1]]`` (never empty)."""
    return np.bitwise_and.reduceat(np.take(columns, indices, axis=1), starts, axis=1)


def or_reduce(columns: U64, starts: IntArray, indices: IntArray) -> U64:
    """For each position: OR of the positions ``indices[starts[p]:starts[p + 1]]`` (never empty)."""
    return np.bitwise_or.reduceat(np.take(columns, indices, axis=1), starts, axis=1)


def first_set_bits(rows: U64, k: int) -> IntArray:
    """Positions of the first ``k`` set bits of each row of row words, padded with -1.

    ``rows`` is consumed: set bits are cleared as they are found.
    """
    n_rows, n_words = rows.shape
    out = np.full((n_rows, k), -1, dtype=np.intp)
    if n_rows == 0 or n_words == 0:
        return out
    flat = rows.reshape(-1)
    row_start = np.arange(0, n_rows * n_words, n_words)
    for j in range(k):
        word_index = np.argmax(rows != 0, axis=1)
        where = row_start + word_index
        word = flat.take(where)
        found = word != 0
        if not found.any():
            break
        bit = np.bitwise_count((word & (~word + _ONE)) - _ONE)
        out[:, j] = np.where(found, word_index * 64 + bit, -1)
        flat.put(where, word & (word - _ONE))
    return out
