"""Random-number helpers: one seed, independent streams per fixed block of learners.

Every stochastic function calls :func:`root_entropy` once at its boundary
(``rng`` may be None, an int, a :class:`numpy.random.SeedSequence` or a
:class:`numpy.random.Generator`) and draws from :func:`block_generator`
streams, one per fixed-size block of learners. Because a block's stream
depends only on the root entropy and the block's index, results do not depend
on how blocks are grouped into batches or spread over processes.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from personalise.exceptions import InvalidParameterError

__all__ = ["RNG_BLOCK", "block_generator", "check_rng", "root_entropy", "seed_source"]

RNG_BLOCK = 1024
"""Learners per random stream."""

_DEFAULT_POOL_SIZE = np.random.SeedSequence(0).pool_size


def root_entropy(rng: object) -> int:
    """The root entropy for ``rng``; ``SeedSequence(root_entropy(rng))`` reproduces the run.

    An int (or a SeedSequence made from one) gives its own entropy; None
    gives fresh entropy from the operating system; a Generator gives one draw
    from it (so the generator advances, as with any use). A SeedSequence with
    a spawn key (a child of ``SeedSequence.spawn``) or with a list as its
    entropy gives a 128-bit entropy derived from its whole state, so that
    sibling sequences give different runs.
    """
    source = seed_source(rng)
    if isinstance(source, np.random.Generator):
        return int(source.integers(0, 2**63))
    seq = source
    entropy: object = seq.entropy
    if isinstance(entropy, numbers.Integral) and not seq.spawn_key and seq.pool_size == _DEFAULT_POOL_SIZE:
        return int(entropy)
    return int.from_bytes(seq.generate_state(4, np.uint32).tobytes(), "little")


def block_generator(entropy: int, block: int) -> np.random.Generator:
    """The independent stream of learner block ``block`` (spawn key ``(block,)``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(block,))))


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """The one converter for ``rng=``: a :class:`numpy.random.Generator` from None, an int, a SeedSequence or a Generator.

    A Generator is used as it is (drawing from it advances it, as any use
    does); None draws fresh entropy from the operating system; anything else
    (a bool, a negative int, a float, a string, the legacy ``RandomState``)
    is an :class:`~personalise.exceptions.InvalidParameterError` naming
    ``name``. Global random state (``np.random``'s and ``random``'s) is never
    read or written.
    """
    source = seed_source(rng, name)
    if isinstance(source, np.random.Generator):
        return source
    return np.random.Generator(np.random.PCG64(source))


def _is_integer_seed(value: object) -> bool:
    """True for an integer (Python or NumPy) that is not a bool."""
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, numbers.Integral)


def seed_source(rng: object, name: str = "rng") -> np.random.SeedSequence | np.random.Generator:
    """``rng`` checked as :func:`check_rng` checks it: a Generator as given, anything else as a SeedSequence."""
    if isinstance(rng, (np.random.Generator, np.random.SeedSequence)):
        return rng
    if rng is None or _is_integer_seed(rng):
        seed = None if rng is None else operator.index(rng)  # type: ignore[arg-type]
        if seed is not None and seed < 0:
            raise InvalidParameterError(f"{name} must be a non-negative integer seed; got {rng!r}", value=rng)
        return np.random.SeedSequence(seed)
    raise InvalidParameterError(
        f"{name} must be None, a non-negative int, a SeedSequence or a numpy Generator; got {rng!r:.80}", value=rng
    )


# ------------------------------------------------------------ text, flags, enum members
