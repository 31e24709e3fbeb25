"""What a user asks for: a differential-privacy budget, validated once.

>>> DPConfig(epsilon=1.0).resolve_delta(30_000)
3.3333333333333333e-06
>>> as_dp_config(3).epsilon
3.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synthtab.errors import InvalidParameterError

#: The default delta is at most this, and at most 1 / (10 n).
MAX_DEFAULT_DELTA = 1e-5


def _is_real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class DPConfig:
    """A differential-privacy budget: ``(epsilon, delta)`` for the whole fit.

    The budget covers everything learned from the rows: the category sets and
    numeric bounds of the schema, and the model's statistics or training.
    Column kinds, dtypes, nullability, decimals and the row count are treated
    as public structure.

    Parameters
    ----------
    epsilon:
        The total privacy loss, in (0, 100].
    delta:
        The failure probability; ``None`` (the default) takes
        ``min(1e-5, 1 / (10 n))`` for a table of ``n`` rows.
    preprocessing_share:
        The share of epsilon spent on the schema (category sets and numeric
        bounds) when some of it must be learned; the model spends the rest.

    Examples
    --------
    >>> DPConfig(1.0, delta=1e-6)
    DPConfig(epsilon=1.0, delta=1e-06, preprocessing_share=0.2)
    """

    epsilon: float
    delta: float | None = None
    preprocessing_share: float = 0.2

    def __post_init__(self) -> None:
        eps = self.epsilon
        if not _is_real(eps) or not math.isfinite(eps) or not 0 < eps <= 100:
            raise InvalidParameterError(
                f"The 'epsilon' parameter of DPConfig must be a float in (0, 100]. "
                f"Got {eps!r} instead."
            )
        delta = self.delta
        if delta is not None and (not _is_real(delta) or not 0 < delta < 1):
            raise InvalidParameterError(
                f"The 'delta' parameter of DPConfig must be None or a float in (0, 1). "
                f"Got {delta!r} instead."
            )
        share = self.preprocessing_share
        if not _is_real(share) or not 0 < share < 1:
            raise InvalidParameterError(
                f"The 'preprocessing_share' parameter of DPConfig must be a float in (0, 1). "
                f"Got {share!r} instead."
            )
        object.__setattr__(self, "epsilon", float(eps))
        object.__setattr__(self, "delta", None if delta is None else float(delta))
        object.__setattr__(self, "preprocessing_share", float(share))

    def resolve_delta(self, n_rows: int) -> float:
        """The delta in force for ``n_rows`` rows: the given one, or the default."""
        if self.delta is not None:
            return self.delta
        return min(MAX_DEFAULT_DELTA, 1.0 / (10.0 * max(int(n_rows), 1)))

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready form."""
        return {
            "epsilon": self.epsilon,
            "delta": self.delta,
            "preprocessing_share": self.preprocessing_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DPConfig:
        """Inverse of :meth:`to_dict`."""
        return cls(
            float(data["epsilon"]),
            delta=data.get("delta"),
            preprocessing_share=float(data.get("preprocessing_share", 0.2)),
        )


def as_dp_config(value: DPConfig | float | None) -> DPConfig | None:
    """``None``, a :class:`DPConfig`, or a bare epsilon, as a :class:`DPConfig` or ``None``.

    >>> as_dp_config(None) is None
    True
    """
    if value is None or isinstance(value, DPConfig):
        return value
    if _is_real(value):
        return DPConfig(float(value))
    raise InvalidParameterError(
        f"The 'privacy' parameter must be None, a DPConfig or an epsilon (a float). "
        f"Got {value!r} instead."
    )
