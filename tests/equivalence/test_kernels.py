"""The bit-packed kernels of ``personalise._kernels.bitsets`` against plain-Python references.

Each kernel is checked on random bit matrices, with read-only inputs where the
kernel promises not to write, against a loop that spells out its docstring.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from personalise._kernels import bitsets as K
from tests.strategies import examples, read_only


@st.composite
def bit_matrices(draw: st.DrawFn, *, max_groups: int = 4, max_words: int = 3) -> np.ndarray:
    """A random bool matrix of shape (64 * g, 64 * w)."""
    groups = draw(st.integers(1, max_groups))
    words = draw(st.integers(1, max_words))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.0, 0.02, 0.3, 0.5, 0.97, 1.0]))
    return np.random.default_rng(seed).random((64 * groups, 64 * words)) < density


def pack_octets_reference(flags: np.ndarray) -> np.ndarray:
    """Byte i of word [q, c], bit j <- flags[8q + j, 8c + i]."""
    n_rows, width = flags.shape
    out = np.zeros((n_rows // 8, width // 8), dtype=np.uint64)
    for q in range(n_rows // 8):
        for c in range(width // 8):
            value = 0
            for i in range(8):
                for j in range(8):
                    if flags[8 * q + j, 8 * c + i]:
                        value |= 1 << (8 * i + j)
            out[q, c] = value
    return out


def columns_reference(flags: np.ndarray) -> np.ndarray:
    """Bit r of word [g, positions[s]] <- flags[64g + r, s]."""
    n_rows, n_cols = flags.shape
    position = K.positions(n_cols)
    out = np.zeros((n_rows // 64, n_cols), dtype=np.uint64)
    for g in range(n_rows // 64):
        for s in range(n_cols):
            value = 0
            for r in range(64):
                if flags[64 * g + r, s]:
                    value |= 1 << r
            out[g, position[s]] = value
    return out


@given(bit_matrices())
@examples(40)
def test_flags_to_octets_matches_reference(flags: np.ndarray) -> None:
    out = np.zeros((flags.shape[0] // 8, flags.shape[1] // 8), dtype=np.uint64)
    K.flags_to_octets(read_only(flags), out)
    np.testing.assert_array_equal(out, pack_octets_reference(flags))


@given(bit_matrices())
@examples(40)
def test_octets_to_columns_matches_reference(flags: np.ndarray) -> None:
    octets = np.zeros((flags.shape[0] // 8, flags.shape[1] // 8), dtype=np.uint64)
    K.flags_to_octets(flags, octets)
    np.testing.assert_array_equal(K.octets_to_columns(octets), columns_reference(flags))


@given(bit_matrices())
@examples(40)
def test_columns_to_flags_inverts_the_packing(flags: np.ndarray) -> None:
    restored = K.columns_to_flags(columns_reference(flags))
    np.testing.assert_array_equal(restored, flags)


@given(bit_matrices())
@examples(40)
def test_columns_to_rows_matches_reference(flags: np.ndarray) -> None:
    rows = K.columns_to_rows(columns_reference(flags))
    n_rows, n_cols = flags.shape
    expected = np.zeros((n_rows, n_cols // 64), dtype=np.uint64)
    for i in range(n_rows):
        for s in range(n_cols):
            if flags[i, s]:
                expected[i, s // 64] |= np.uint64(1) << np.uint64(s % 64)
    np.testing.assert_array_equal(rows, expected)


@given(bit_matrices(max_words=2), st.integers(1, 70))
@examples(40)
def test_first_set_bits_matches_reference(flags: np.ndarray, k: int) -> None:
    rows = K.columns_to_rows(columns_reference(flags))
    got = K.first_set_bits(rows, k)
    for i in range(flags.shape[0]):
        expected = [int(s) for s in np.flatnonzero(flags[i])[:k]]
        assert got[i].tolist() == expected + [-1] * (k - len(expected))


@given(bit_matrices(max_words=2), st.data())
@examples(40)
def test_and_or_reduce_match_reference(flags: np.ndarray, data: st.DataObject) -> None:
    columns = read_only(columns_reference(flags))
    n_cols = columns.shape[1]
    lists = [data.draw(st.lists(st.integers(0, n_cols - 1), min_size=1, max_size=4)) for _ in range(n_cols)]
    starts = np.cumsum([0] + [len(x) for x in lists])[:-1].astype(np.intp)
    indices = np.array([i for x in lists for i in x], dtype=np.intp)
    got_and = K.and_reduce(columns, starts, indices)
    got_or = K.or_reduce(columns, starts, indices)
    for p, members in enumerate(lists):
        want_and = np.full(columns.shape[0], np.uint64(2**64 - 1))
        want_or = np.zeros(columns.shape[0], dtype=np.uint64)
        for m in members:
            want_and &= columns[:, m]
            want_or |= columns[:, m]
        np.testing.assert_array_equal(got_and[:, p], want_and)
        np.testing.assert_array_equal(got_or[:, p], want_or)


def test_positions_is_a_permutation() -> None:
    for n_cols in (64, 128, 1024):
        assert sorted(K.positions(n_cols).tolist()) == list(range(n_cols))
