"""The bit-packed kernels of ``personalise._kernels.bitsets`` against plain-Python references.

Each kernel is checked on random bit matrices, with read-only inputs where the
kernel promises not to write, against a loop over Python integers that spells
out its docstring.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from personalise._kernels import bitsets as K
from tests.strategies import examples, read_only

ALL_ONES = (1 << 64) - 1


@st.composite
def bit_matrices(draw: st.DrawFn, *, max_groups: int = 4, max_words: int = 3) -> np.ndarray:
    """A random bool matrix of shape (64 * g, 64 * w)."""
    groups = draw(st.integers(1, max_groups))
    words = draw(st.integers(1, max_words))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.0, 0.02, 0.3, 0.5, 0.97, 1.0]))
    return np.random.default_rng(seed).random((64 * groups, 64 * words)) < density


@st.composite
def word_matrices(draw: st.DrawFn, *, max_rows: int = 70, max_words: int = 70) -> np.ndarray:
    """A random uint64 matrix whose words are often 0, sparse, dense or all ones."""
    n_rows = draw(st.integers(1, max_rows))
    n_words = draw(st.integers(1, max_words))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    bits = rng.random((n_rows, n_words, 64)) < draw(st.sampled_from([0.0, 0.001, 0.02, 0.5, 1.0]))
    keep = rng.random((n_rows, n_words)) < draw(st.sampled_from([0.05, 0.5, 1.0]))
    bits &= keep[:, :, None]
    return np.packbits(bits, axis=2, bitorder="little").view(np.uint64)[:, :, 0].copy()


def bit(word: object, b: int) -> int:
    return (int(word) >> b) & 1  # type: ignore[call-overload]


def rows_reference(flags: np.ndarray) -> np.ndarray:
    """Row words: bit b of word [l, w] <- flags[l, 64w + b]."""
    n_rows, n_cols = flags.shape
    out = np.zeros((n_rows, n_cols // 64), dtype=np.uint64)
    for learner in range(n_rows):
        for w in range(n_cols // 64):
            value = 0
            for b in range(64):
                if flags[learner, 64 * w + b]:
                    value |= 1 << b
            out[learner, w] = value
    return out


def columns_reference(flags: np.ndarray) -> np.ndarray:
    """Column words: bit i of word [positions[c], g] <- flags[64g + i, c]."""
    n_rows, n_cols = flags.shape
    position = K.positions(n_cols // 64)
    out = np.zeros((n_cols, n_rows // 64), dtype=np.uint64)
    for g in range(n_rows // 64):
        for c in range(n_cols):
            value = 0
            for i in range(64):
                if flags[64 * g + i, c]:
                    value |= 1 << i
            out[position[c], g] = value
    return out


def test_positions_is_the_documented_permutation() -> None:
    for n_words in (1, 2, 16):
        got = K.positions(n_words).tolist()
        assert sorted(got) == list(range(64 * n_words))
        assert got == [(c % 64) * n_words + c // 64 for c in range(64 * n_words)]


@given(word_matrices(max_rows=1, max_words=9), st.integers(1, 9))
@examples(40)
def test_transpose_bits_matches_reference(seed_words: np.ndarray, z: int) -> None:
    words = np.resize(seed_words.reshape(-1), 64 * z).reshape(64, z)
    words = words ^ np.arange(64 * z, dtype=np.uint64).reshape(64, z) * np.uint64(0x9E3779B97F4A7C15)
    before = words.copy()
    K.transpose_bits(words, np.empty(32 * z, dtype=np.uint64))
    for j in range(z):
        for i in range(64):
            expected = sum(bit(before[b, j], i) << b for b in range(64))
            assert int(words[i, j]) == expected


@given(bit_matrices())
@examples(40)
def test_rows_to_columns_matches_reference(flags: np.ndarray) -> None:
    n_rows, n_cols = flags.shape
    rows = read_only(rows_reference(flags))
    out = np.empty((n_cols, n_rows // 64), dtype=np.uint64)
    got = K.rows_to_columns(rows, out, np.empty(32 * rows.size // 64, dtype=np.uint64))
    assert got is out
    np.testing.assert_array_equal(got, columns_reference(flags))


@given(bit_matrices(max_words=2), st.data())
@examples(40)
def test_and_slots_matches_reference(flags: np.ndarray, data: st.DataObject) -> None:
    columns = read_only(columns_reference(flags))
    n_sources, width = columns.shape
    lengths = sorted(data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=12)), reverse=True)
    terms = [data.draw(st.lists(st.integers(0, n_sources - 1), min_size=n, max_size=n)) for n in lengths]
    slots = tuple(
        np.array([t[d] for t in terms if len(t) > d], dtype=np.intp) for d in range(max(lengths))
    )
    out = np.empty((len(terms) + 3, width), dtype=np.uint64)
    got = K.and_slots(columns, slots, out, np.empty_like(out))
    assert got.shape == (len(terms), width)
    for r, members in enumerate(terms):
        for g in range(width):
            expected = ALL_ONES
            for m in members:
                expected &= int(columns[m, g])
            assert int(got[r, g]) == expected


@given(word_matrices(max_rows=40, max_words=4), st.data())
@examples(40)
def test_columns_to_rows_matches_reference(sources: np.ndarray, data: st.DataObject) -> None:
    n_sources, n_groups = sources.shape
    n_words = data.draw(st.integers(1, 3))
    order = data.draw(st.lists(st.integers(0, n_sources - 1), min_size=64 * n_words, max_size=64 * n_words))
    rows = np.array(order, dtype=np.intp).reshape(n_words, 64).T.copy()  # [i, w]: order position 64w + i
    index = K.gather_index(rows, n_groups)
    out = np.empty(index.size, dtype=np.uint64)
    got = K.columns_to_rows(read_only(sources), index, out, np.empty(index.size // 2, dtype=np.uint64))
    assert got.shape == (64 * n_groups, n_words)
    for b in range(64):
        for g in range(n_groups):
            for w in range(n_words):
                expected = sum(bit(sources[rows[i, w], g], b) << i for i in range(64))
                assert int(got[b * n_groups + g, w]) == expected


def test_learner_rows_inverts_the_group_major_order() -> None:
    for n_groups in (1, 3, 8):
        got = K.learner_rows(n_groups)
        assert sorted(got.tolist()) == list(range(64 * n_groups))
        for learner in range(64 * n_groups):
            b, g = learner % 64, learner // 64
            assert got[learner] == b * n_groups + g


@given(word_matrices(max_words=64))
@examples(40)
def test_nonzero_words_matches_reference(rows: np.ndarray) -> None:
    got = K.nonzero_words(read_only(rows))
    for i in range(rows.shape[0]):
        assert int(got[i]) == sum(1 << w for w in range(rows.shape[1]) if rows[i, w] != 0)


@given(word_matrices(), st.integers(1, 70))
@examples(60)
def test_first_set_bits_matches_reference(rows: np.ndarray, k: int) -> None:
    """Rows of up to 70 words: both the short-row path (<= 64 words) and the long one."""
    before = rows.copy()
    got = K.first_set_bits(read_only(rows), k)
    np.testing.assert_array_equal(rows, before)
    for i in range(rows.shape[0]):
        found = [64 * w + b for w in range(rows.shape[1]) for b in range(64) if bit(rows[i, w], b)][:k]
        assert got[i].tolist() == found + [-1] * (k - len(found))


def test_first_set_bits_of_nothing() -> None:
    assert K.first_set_bits(np.zeros((0, 3), dtype=np.uint64), 2).shape == (0, 2)
    assert K.first_set_bits(np.zeros((3, 0), dtype=np.uint64), 2).tolist() == [[-1, -1]] * 3
