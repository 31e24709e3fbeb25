"""DP-SGD for the neural models: per-unit gradients clipped and noised, accounted by Opacus.

Only the networks that see real rows are trained privately: a GAN's critic
(the generator learns only through the critic's scores, which is
post-processing) and both halves of the VAE. A *unit* is what one person
can touch in one step: a row, or a PacGAN pack of rows (a row belongs to one
pack per step, so clipping a pack's gradient bounds that row's influence).
Per-unit gradients come from ``torch.func`` (``vmap`` over ``grad``), which
also differentiates the gradient penalty, something Opacus' hooks cannot do.

Batches are drawn by Poisson sampling (each row with probability
``q = batch / rows``), the sampling the RDP accountant assumes. Label
frequencies that conditional models keep are released as Laplace histograms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, vmap

from synthtab.errors import InvalidParameterError, PrivacyBudgetError
from synthtab.models.base import FitReport
from synthtab.models.neural.params import TrainingParams
from synthtab.privacy import epsilon_spent, noise_multiplier_for

#: Share of a conditional model's epsilon spent on its label frequencies.
LABEL_SHARE = 0.1
#: Per-unit gradient norm bound C.
MAX_GRAD_NORM = 1.0


@dataclass
class DPPlan:
    """The noise of a private training run, chosen to spend at most ``epsilon``."""

    epsilon: float
    delta: float
    sample_rate: float
    steps: int
    noise_multiplier: float

    @classmethod
    def for_budget(
        cls, *, epsilon: float, delta: float, rows: int, batch: int, steps: int
    ) -> DPPlan:
        """The smallest noise that keeps ``steps`` Poisson-sampled steps within budget."""
        if rows < 2 or epsilon <= 0:
            raise PrivacyBudgetError(
                f"DP-SGD needs rows and budget: got {rows} rows and epsilon {epsilon:g}."
            )
        rate = min(1.0, batch / rows)
        sigma = noise_multiplier_for(epsilon=epsilon, delta=delta, sample_rate=rate, steps=steps)
        return cls(epsilon, delta, rate, steps, sigma)

    def spent(self, steps: int) -> float:
        """Epsilon spent after ``steps`` steps (at most the target when ``steps <= self.steps``)."""
        if steps == 0:
            return 0.0
        return epsilon_spent(
            self.noise_multiplier, delta=self.delta, sample_rate=self.sample_rate, steps=steps
        )


def poisson_rows(n: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of the rows that Poisson sampling includes in one step."""
    return np.flatnonzero(rng.random(n) < rate)


class PrivateGradients:
    """Writes clipped, noised, averaged per-unit gradients into a module's ``.grad``."""

    def __init__(self, module: nn.Module, plan: DPPlan, expected_units: float) -> None:
        self.module = module
        self.plan = plan
        self.expected_units = max(expected_units, 1.0)
        self.steps = 0

    def apply(self, unit_loss: Callable[..., torch.Tensor], *units: torch.Tensor) -> None:
        """Per-unit gradients of ``unit_loss(params, *one_unit)``, privatised, into ``.grad``."""
        params = {k: v.detach() for k, v in self.module.named_parameters()}
        per_unit = vmap(grad(unit_loss), in_dims=(None, *[0] * len(units)), randomness="different")
        grads = per_unit(params, *units) if len(units[0]) else None
        self.steps += 1
        for name, weight in self.module.named_parameters():
            weight.grad = self._private(grads, name, weight)

    def _private(self, grads: dict | None, name: str, weight: torch.Tensor) -> torch.Tensor:
        noise = torch.randn_like(weight) * self.plan.noise_multiplier * MAX_GRAD_NORM
        if grads is None:
            return noise / self.expected_units
        factors = self._clip_factors(grads)
        g = grads[name]
        clipped = (g * factors.view(-1, *[1] * (g.dim() - 1))).sum(dim=0)
        return (clipped + noise) / self.expected_units

    def _clip_factors(self, grads: dict) -> torch.Tensor:
        cached: tuple[dict, torch.Tensor] | None = getattr(self, "_cached", None)
        if cached is not None and cached[0] is grads:
            return cached[1]
        norms = torch.sqrt(sum(g.reshape(len(g), -1).pow(2).sum(dim=1) for g in grads.values()))
        factors = (MAX_GRAD_NORM / (norms + 1e-6)).clamp(max=1.0)
        self._cached = (grads, factors)
        return factors


def functional(module: nn.Module) -> Callable[..., torch.Tensor]:
    """``f(params, x)``: the module as a pure function of its parameters."""
    buffers = dict(module.named_buffers())
    return lambda params, x: functional_call(module, {**params, **buffers}, (x,))


def noisy_frequencies(
    counts: list[np.ndarray], epsilon: float, rng: np.random.Generator
) -> list[np.ndarray]:
    """Laplace histograms of label counts (one row moves one count per histogram)."""
    scale = len(counts) / epsilon
    out = []
    for c in counts:
        noisy = np.clip(c + rng.laplace(0.0, scale, size=len(c)), 0.0, None)
        out.append(noisy / noisy.sum() if noisy.sum() > 0 else np.full(len(c), 1.0 / len(c)))
    return out


def check_private_training(params: TrainingParams, budget: object) -> None:
    """Refuse settings that DP-SGD cannot account for, before training."""
    if budget is None:
        return
    if params.patience is not None:
        raise InvalidParameterError(
            f"{params.owner} cannot stop early under differential privacy: the "
            "validation signal would be computed on real rows outside the budget. "
            "Set patience=None and bound training with epochs, steps or time_budget."
        )


def spend_dp_sgd(budget: Any, plan: DPPlan, steps: int, report: FitReport, what: str) -> None:
    """Record what ``steps`` private steps spent, in the ledger and the fit report."""
    spent = plan.spent(steps)
    budget.spend(
        spent,
        plan.delta if steps else 0.0,
        mechanism=(
            f"DP-SGD on {what}: noise multiplier {plan.noise_multiplier:.3g}, clip "
            f"{MAX_GRAD_NORM:g}, Poisson rate {plan.sample_rate:.3g}, {steps} steps (RDP)"
        ),
    )
    report.notes.append(
        f"DP-SGD on {what}: epsilon {spent:.3g} of {plan.epsilon:.3g} spent over {steps} steps "
        f"(delta {plan.delta:.2g})"
    )
