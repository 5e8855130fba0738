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

import numpy as np

from personalise._validation import seed_source
from personalise.exceptions import InvalidParameterError

__all__ = ["RNG_BLOCK", "block_generator", "root_entropy"]

RNG_BLOCK = 1024
"""Learners per random stream."""


def root_entropy(rng: object) -> int:
    """The root entropy for ``rng``; ``SeedSequence(root_entropy(rng))`` reproduces the run.

    An int (or SeedSequence) gives its own entropy; None gives fresh entropy
    from the operating system; a Generator gives one draw from it (so the
    generator advances, as with any use).
    """
    source = seed_source(rng)
    if isinstance(source, np.random.Generator):
        return int(source.integers(0, 2**63))
    seq = source
    entropy: object = seq.entropy
    if isinstance(entropy, numbers.Integral):
        return int(entropy)
    raise InvalidParameterError(f"rng's SeedSequence must have integer entropy; got {entropy!r}", value=entropy)


def block_generator(entropy: int, block: int) -> np.random.Generator:
    """The independent stream of learner block ``block`` (spawn key ``(block,)``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(block,))))
