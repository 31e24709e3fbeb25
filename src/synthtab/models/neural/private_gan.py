"""GAN training under DP-SGD: a private critic, a generator trained only through it.

The critic sees Poisson-sampled real rows (in packs of ``pac``), and its
per-pack gradients, gradient penalty included, are clipped and noised
(:mod:`synthtab.models.neural.private`). The generator never sees real rows;
its condition vectors come from the privately released label frequencies.
Nothing computed from real rows without noise goes into the loss history.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.func import grad

from synthtab.models.neural.gan_steps import GANSteps, GeneratorSide, _with
from synthtab.models.neural.losses import LOSSES
from synthtab.models.neural.private import DPPlan, PrivateGradients, functional, poisson_rows


class PrivateGANSteps(GANSteps):
    """:class:`GANSteps` with a DP-SGD critic update."""

    def __init__(
        self, model: GeneratorSide, train: np.ndarray, rng: np.random.Generator, plan: DPPlan
    ) -> None:
        super().__init__(model, train, rng)
        self.sampler = None  # training-by-sampling picks rows by label: not Poisson sampling
        vectors = model.vectors_
        self.codes = None if vectors is None else vectors.labels(train)
        self.plan = plan
        expected_packs = plan.sample_rate * len(train) / self.params.pac
        self.private = PrivateGradients(self.critic, plan, expected_packs)
        self.critic_fn = functional(self.critic)

    @property
    def critic_steps(self) -> int:
        """Private critic updates made so far (what the accountant counts)."""
        return self.private.steps

    def step(self) -> dict[str, torch.Tensor]:
        """Private critic updates, then a generator update; only the generator's loss is kept."""
        updates = self.params.n_critic + self.pretrain
        self.pretrain = 0
        for _ in range(updates):
            if self.private.steps >= self.plan.steps:
                break
            self._private_critic_update()
        return {"generator_loss": self._generator_update()}

    def _private_critic_update(self) -> None:
        pac = self.params.pac
        rows = poisson_rows(len(self.data), self.plan.sample_rate, self.rng)
        rows = rows[: len(rows) // pac * pac]
        real, cond = self.data[rows], self._real_conditions(rows)
        with torch.no_grad():
            _, fake = self._fake_rows(cond, len(rows))
        width = real.shape[1] + (0 if cond is None else cond.shape[1])
        real_units = _with(real, cond).reshape(-1, pac, width)
        fake_units = _with(fake, cond).reshape(-1, pac, width)
        alpha = torch.rand(len(real_units), device=self.model.device)
        self.opt_c.zero_grad(set_to_none=True)
        self.private.apply(self._unit_loss, real_units, fake_units, alpha)
        self.opt_c.step()
        LOSSES[self.kind].after_critic_update(self.critic, self.params.clip_value)

    def _unit_loss(
        self, params: dict, real: torch.Tensor, fake: torch.Tensor, alpha: torch.Tensor
    ) -> torch.Tensor:
        """The critic's loss on one pack (a function of the weights, for ``torch.func``)."""
        loss = LOSSES[self.kind]  # the same loss object as the batched path's
        real_score = self.critic_fn(params, real).sum()
        fake_score = self.critic_fn(params, fake).sum()
        total = loss.critic(real_score, fake_score, 1.0 - self.params.label_smoothing)
        if loss.has_penalty:
            mixed = alpha * real + (1 - alpha) * fake
            slope = grad(lambda x: self.critic_fn(params, x).sum())(mixed)
            penalty = loss.penalty(slope.norm(2), self.params.gp_weight)
            total = total + (penalty if penalty is not None else 0.0)
        return total

    def _real_conditions(self, rows: np.ndarray) -> torch.Tensor | None:
        """Each sampled row's own labels (CTGAN: one random label column per row)."""
        vectors = self.model.vectors_
        if vectors is None or self.codes is None:
            return None
        codes = self.codes[rows]
        if self.model.labels_ is not None:
            return torch.as_tensor(vectors.vectors(codes), device=self.model.device)
        active = self.rng.integers(len(vectors.spans), size=len(rows))
        cond = vectors.vectors(codes, active=active)
        return torch.as_tensor(cond, device=self.model.device)

    def _fake_rows(self, cond: torch.Tensor | None, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        noise = torch.randn(n, self.params.embedding_dim, device=self.model.device)
        if cond is not None:
            noise = torch.cat([noise, cond], dim=1)
        raw, rows = self.model.generator_(noise)
        if cond is not None and self.model.labels_ is not None:
            rows = self.model.write_labels(rows, cond)
        return raw, rows

    def _batch(self) -> tuple[Any, torch.Tensor | None, torch.Tensor | None]:
        """The generator's conditions, from the private label frequencies (no real rows)."""
        n = self.params.batch_size
        if self.model.vectors_ is None:
            return None, None, None
        cond = self.model.condition_for_generation(n, self.rng, None)
        cond_t = torch.as_tensor(cond, device=self.model.device)
        if self.model.labels_ is not None or cond is None:
            return None, cond_t, None
        return None, cond_t, _active_spans(self.model, cond)

    def _fake(self, cond: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        return self._fake_rows(cond, self.params.batch_size)


def _active_spans(model: GeneratorSide, cond: np.ndarray) -> torch.Tensor:
    """Which conditioning span each CTGAN condition vector sets."""
    vectors = model.vectors_
    assert vectors is not None
    starts = np.argmax(cond, axis=1)
    return torch.as_tensor(np.searchsorted(vectors.offsets, starts, side="right") - 1)
