"""Fresh primary keys for synthetic rows, and fresh keys that no parent holds (orphans).

Whole-number keys count up from 1; text keys keep the prefix every real key shares
and, after it, the real keys' commonest shape (``AC-00123`` stays ``AC-`` and five
digits; ``N123AA`` a letter, three digits and two letters), and are unique.

>>> spec = KeySpec.learn(pd.Series(["N101AA", "N202BB", "N303CC"]))
>>> keys = spec.fresh(4, rng=np.random.default_rng(0))
>>> len(set(keys)), all(len(k) == 6 and k[0].isupper() for k in keys)
(4, True)
>>> KeySpec.learn(pd.Series(["AC-00123", "AC-04567"])).fresh(1, rng=np.random.default_rng(0))[0][:3]
'AC-'
>>> KeySpec.learn(pd.Series([7, 9, 30])).fresh(3, rng=np.random.default_rng(0)).tolist()
[1, 2, 3]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthtab.encoding.columns import pattern_strings
from synthtab.schema.pii import text_pattern

_DRAWS = 8  # rounds of drawing before a text key gets a counter appended


@dataclass(frozen=True)
class KeySpec:
    """How a table's keys look: whole numbers (``pattern=None``) or text of one shape."""

    dtype: str
    pattern: str | None
    prefix: str = ""  # characters every real key starts with, kept as they are

    @classmethod
    def learn(cls, keys: pd.Series) -> KeySpec:
        """The shape of the real keys."""
        if pd.api.types.is_numeric_dtype(keys):
            return cls(str(keys.dtype), None)
        text = keys.dropna().astype(str)
        prefix = _common_prefix(text)
        shapes = text_pattern(text.str.slice(len(prefix)))
        pattern = str(shapes.value_counts().index[0]) if len(shapes) else "A9"
        return cls(str(keys.dtype), pattern or "9", prefix)

    def fresh(
        self, n: int, *, rng: np.random.Generator, avoid: np.ndarray | None = None
    ) -> np.ndarray:
        """``n`` distinct keys, none of them in ``avoid``."""
        if self.pattern is None:
            start = 1 if avoid is None or not len(avoid) else int(np.nanmax(avoid)) + 1
            return np.arange(start, start + n, dtype=np.int64)
        taken = np.array([], dtype=object) if avoid is None else np.asarray(avoid, dtype=object)
        keys = np.array([], dtype=object)
        for _ in range(_DRAWS):
            draw = self.prefix + pattern_strings(self.pattern, 2 * (n - len(keys)) + 8, rng)
            draw = pd.unique(np.concatenate([keys, draw]))
            keys = draw[~np.isin(draw, taken)][:n]
            if len(keys) == n:
                return keys.astype(object)
        # a shape too small for n keys: number the rest
        counter = np.arange(n - len(keys)).astype(str).astype(object)
        rest = f"{self.prefix}{self.pattern}-" + counter
        return np.concatenate([keys, rest]).astype(object)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"dtype": self.dtype, "pattern": self.pattern, "prefix": self.prefix}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeySpec:
        """Inverse of :meth:`to_dict`."""
        return cls(str(data["dtype"]), data["pattern"], str(data.get("prefix", "")))


def _common_prefix(text: pd.Series) -> str:
    """The longest start all keys share, always shorter than the shortest key."""
    distinct = pd.Series(pd.unique(text.to_numpy())).astype(str)
    if distinct.empty:
        return ""
    first, shortest = str(distinct.iloc[0]), int(distinct.str.len().min())
    size = 0
    while size < shortest - 1 and distinct.str.startswith(first[: size + 1]).all():
        size += 1
    return first[:size]
