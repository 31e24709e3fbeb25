"""One seed for everything: named child generators, and one seed per row block.

No global state is read or written. A component asks for its own stream by
name, so adding a component never shifts the draws of another::

    >>> seeds = SeedTree(42)
    >>> rng = seeds.rng("encoder")
    >>> block_rng = seeds.child("sample").block_rng(3)
"""

from __future__ import annotations

import zlib

import numpy as np

from synthtab.errors import InvalidParameterError

#: Rows drawn from one block seed. Fixed inside the library so that sampled
#: output does not depend on the batch size a user asks for.
BLOCK_ROWS = 16_384


def _name_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def check_seed(seed: object, *, option: str = "seed") -> int:
    """Return ``seed`` as a non-negative int, or raise a clear error."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        raise InvalidParameterError(
            f"The '{option}' option must be a non-negative int. Got {seed!r} instead."
        )
    return int(seed)


class SeedTree:
    """A node of the seed tree: derives named children and row-block generators.

    Parameters
    ----------
    seed:
        The root seed (a non-negative int), or an existing ``SeedSequence``.

    Examples
    --------
    >>> SeedTree(0).rng("copula").normal() == SeedTree(0).rng("copula").normal()
    True
    """

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        if isinstance(seed, np.random.SeedSequence):
            self.sequence = seed
        else:
            self.sequence = np.random.SeedSequence(check_seed(seed))

    def child(self, name: str) -> SeedTree:
        """The subtree for the component called ``name``."""
        return self._spawn(_name_key(name))

    def rng(self, name: str) -> np.random.Generator:
        """A fresh generator for the component called ``name``."""
        return np.random.default_rng(self.child(name).sequence)

    def block_rng(self, block: int) -> np.random.Generator:
        """The generator for row block ``block`` (rows ``block*BLOCK_ROWS`` onwards)."""
        return np.random.default_rng(self._spawn(1_000_003 + int(block)).sequence)

    def integer_seed(self) -> int:
        """A 32-bit int for libraries that take only an int seed (scikit-learn, Faker)."""
        return int(self.sequence.generate_state(1, dtype=np.uint32)[0])

    def _spawn(self, key: int) -> SeedTree:
        seq = self.sequence
        return SeedTree(np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, key)))


def integer_seed(rng: np.random.Generator) -> int:
    """Draw a 32-bit int seed from ``rng`` for a library that takes only ints."""
    return int(rng.integers(0, 2**32 - 1, dtype=np.uint64))
