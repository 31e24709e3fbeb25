"""Where the budget goes: allowances per part, every spend recorded, never overdrawn.

Parts compose sequentially: the total epsilon (and delta) is the sum of the
parts' spends, and a spend past a part's allowance raises
:class:`~synthtab.errors.PrivacyBudgetError` before anything is released.

>>> ledger = PrivacyLedger(epsilon=1.0, delta=1e-6)
>>> ledger.allocate({"bounds": (0.2, 0.0), "model": (0.8, 1e-6)})
>>> ledger.spend("bounds", epsilon=0.2, mechanism="Laplace")
>>> ledger.report().epsilon_total
0.2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from synthtab.errors import PrivacyBudgetError

#: Relative slack for float round-off when a part spends exactly its allowance.
_SLACK = 1e-9


@dataclass
class PartSpend:
    """What one part of the fit spent, and how."""

    epsilon: float = 0.0
    delta: float = 0.0
    mechanisms: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"epsilon": self.epsilon, "delta": self.delta, "mechanisms": list(self.mechanisms)}


@dataclass
class PrivacyReport:
    """The privacy spent by one fit: totals against the target, and per part.

    ``epsilon_total`` and ``delta`` are sums over the parts (basic sequential
    composition), never more than ``epsilon_target`` and ``delta_target``.
    """

    epsilon_target: float
    delta_target: float
    parts: dict[str, PartSpend] = field(default_factory=dict)

    @property
    def epsilon_total(self) -> float:
        """Epsilon spent in total."""
        return float(sum(p.epsilon for p in self.parts.values()))

    @property
    def delta(self) -> float:
        """Delta spent in total."""
        return float(sum(p.delta for p in self.parts.values()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the totals."""
        return {
            "epsilon_total": self.epsilon_total,
            "delta": self.delta,
            "epsilon_target": self.epsilon_target,
            "delta_target": self.delta_target,
            "parts": {name: part.to_dict() for name, part in self.parts.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrivacyReport:
        """Inverse of :meth:`to_dict`."""
        parts = {
            str(name): PartSpend(
                float(p["epsilon"]), float(p["delta"]), [str(m) for m in p["mechanisms"]]
            )
            for name, p in data["parts"].items()
        }
        return cls(float(data["epsilon_target"]), float(data["delta_target"]), parts)


class PrivacyLedger:
    """Allowances per part of a fit, and the spends recorded against them."""

    def __init__(self, *, epsilon: float, delta: float) -> None:
        self.epsilon = float(epsilon)
        self.delta = float(delta)
        self._allowances: dict[str, tuple[float, float]] = {}
        self._report = PrivacyReport(self.epsilon, self.delta)

    def allocate(self, allowances: dict[str, tuple[float, float]]) -> None:
        """Set each part's ``(epsilon, delta)`` allowance; together within the target."""
        eps = sum(a for a, _ in allowances.values())
        delta = sum(d for _, d in allowances.values())
        if eps > self.epsilon * (1 + _SLACK) or delta > self.delta * (1 + _SLACK):
            raise PrivacyBudgetError(
                f"The allowances ({eps:g}, {delta:g}) exceed the budget "
                f"(epsilon={self.epsilon:g}, delta={self.delta:g})."
            )
        self._allowances = dict(allowances)

    def allowance(self, part: str) -> tuple[float, float]:
        """What ``part`` may still spend, as ``(epsilon, delta)``."""
        if part not in self._allowances:
            raise PrivacyBudgetError(
                f"No privacy budget was set aside for '{part}'; parts: {sorted(self._allowances)}."
            )
        eps, delta = self._allowances[part]
        spent = self._report.parts.get(part, PartSpend())
        return max(eps - spent.epsilon, 0.0), max(delta - spent.delta, 0.0)

    def spend(self, part: str, *, epsilon: float, delta: float = 0.0, mechanism: str = "") -> None:
        """Record a release by ``part``; raises if it would pass the part's allowance."""
        left_eps, left_delta = self.allowance(part)
        if not (np.isfinite(epsilon) and epsilon >= 0 and delta >= 0):
            raise PrivacyBudgetError(f"A spend of epsilon={epsilon!r}, delta={delta!r} is invalid.")
        if epsilon > left_eps * (1 + _SLACK) + 1e-12 or delta > left_delta * (1 + _SLACK) + 1e-15:
            raise PrivacyBudgetError(
                f"'{part}' asked to spend epsilon={epsilon:g}, delta={delta:g} but only "
                f"epsilon={left_eps:g}, delta={left_delta:g} is left of its allowance."
            )
        record = self._report.parts.setdefault(part, PartSpend())
        record.epsilon += float(epsilon)
        record.delta += float(delta)
        if mechanism:
            record.mechanisms.append(mechanism)

    def report(self) -> PrivacyReport:
        """The spends so far (a copy)."""
        return PrivacyReport.from_dict(self._report.to_dict())
