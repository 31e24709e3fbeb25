"""Adversarial losses: the GAN family differs only here.

- ``vanilla``: a discriminator with a sigmoid output (logits here, for a
  numerically stable cross-entropy), the non-saturating generator loss.
- ``clip``: the Wasserstein loss with a linear critic whose weights are
  clipped to ``[-c, c]`` after every critic update (WGAN).
- ``gp``: the Wasserstein loss plus ``lambda * (|grad D(x_hat)| - 1)^2`` on
  random interpolates ``x_hat`` of real and fake rows (WGAN-GP).

For the Wasserstein losses, ``mean D(real) - mean D(fake)`` is the estimate
of the Wasserstein distance that the loss history records.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from synthtab.models.neural.params import LossKind


class AdversarialLoss:
    """One adversarial loss, written once on critic scores.

    Both training paths use it: the batched one (scores of a batch, averaged) and the
    per-sample one of DP-SGD (the score of one pack, a one-element tensor), so the
    maths of a loss exists in one place. The path-specific part is only how the
    gradient of the penalty is taken (autograd on a batch, ``torch.func`` per pack).
    """

    kind: LossKind
    #: Whether the critic's loss adds a penalty on its gradients at interpolates.
    has_penalty = False

    def critic(
        self, real_score: torch.Tensor, fake_score: torch.Tensor, real_label: float = 1.0
    ) -> torch.Tensor:
        """What the critic minimises, before any penalty."""
        raise NotImplementedError

    def generator(self, fake_score: torch.Tensor) -> torch.Tensor:
        """The adversarial part of the generator's loss."""
        raise NotImplementedError

    def penalty(self, gradient_norms: torch.Tensor, weight: float) -> torch.Tensor | None:
        """The critic's penalty on the gradient norms at interpolates (None: no penalty)."""
        return None

    def after_critic_update(self, critic: nn.Module, clip_value: float) -> None:
        """Anything the loss needs done to the critic after each of its updates."""


class CrossEntropyLoss(AdversarialLoss):
    """A discriminator on logits; the non-saturating generator loss.

    ``real_label`` below 1 is one-sided label smoothing (the real rows' target; the fake
    rows' stays 0). ``t * softplus(-x) + (1 - t) * softplus(x)`` is the cross-entropy
    of logit ``x`` with target ``t``.
    """

    kind = LossKind.VANILLA

    def critic(
        self, real_score: torch.Tensor, fake_score: torch.Tensor, real_label: float = 1.0
    ) -> torch.Tensor:
        real = real_label * F.softplus(-real_score) + (1 - real_label) * F.softplus(real_score)
        return real.mean() + F.softplus(fake_score).mean()

    def generator(self, fake_score: torch.Tensor) -> torch.Tensor:
        return F.softplus(-fake_score).mean()


class WassersteinLoss(AdversarialLoss):
    """``mean D(fake) - mean D(real)`` for the critic, ``-mean D(fake)`` for the generator."""

    def critic(
        self, real_score: torch.Tensor, fake_score: torch.Tensor, real_label: float = 1.0
    ) -> torch.Tensor:
        return fake_score.mean() - real_score.mean()

    def generator(self, fake_score: torch.Tensor) -> torch.Tensor:
        return -fake_score.mean()


class ClippedWassersteinLoss(WassersteinLoss):
    """WGAN: the Lipschitz constraint by clipping every critic weight into ``[-c, c]``."""

    kind = LossKind.CLIP

    def after_critic_update(self, critic: nn.Module, clip_value: float) -> None:
        clip_weights(critic, clip_value)


class GradientPenaltyLoss(WassersteinLoss):
    """WGAN-GP: ``weight * (|grad D(x_hat)| - 1)^2`` on interpolates of real and fake."""

    kind = LossKind.GP
    has_penalty = True

    def penalty(self, gradient_norms: torch.Tensor, weight: float) -> torch.Tensor | None:
        return weight * ((gradient_norms - 1.0) ** 2).mean()


#: The loss object of each kind.
LOSSES: dict[LossKind, AdversarialLoss] = {
    LossKind.VANILLA: CrossEntropyLoss(),
    LossKind.CLIP: ClippedWassersteinLoss(),
    LossKind.GP: GradientPenaltyLoss(),
}


@dataclass
class CriticLoss:
    """One critic update's loss, its parts, and the interpolates of the penalty."""

    total: torch.Tensor
    distance: torch.Tensor
    penalty: torch.Tensor | None = None
    interpolates: torch.Tensor | None = None


def critic_loss(
    kind: LossKind,
    critic: nn.Module,
    real: torch.Tensor,
    fake: torch.Tensor,
    *,
    gp_weight: float = 10.0,
    pac: int = 1,
    real_label: float = 1.0,
) -> CriticLoss:
    """The loss the critic (discriminator) minimises on one batch."""
    loss = LOSSES[kind]
    real_score, fake_score = critic(real), critic(fake)
    distance = real_score.mean() - fake_score.mean()
    total = loss.critic(real_score, fake_score, real_label)
    if gp_weight == 0.0 or not loss.has_penalty:
        return CriticLoss(total, distance.detach())
    norms, interpolates = _interpolate_gradient_norms(critic, real, fake, pac=pac)
    penalty = loss.penalty(norms, gp_weight)
    assert penalty is not None
    return CriticLoss(total + penalty, distance.detach(), penalty / gp_weight, interpolates)


def generator_loss(kind: LossKind, fake_score: torch.Tensor) -> torch.Tensor:
    """The adversarial part of the generator's loss."""
    return LOSSES[kind].generator(fake_score)


def gradient_penalty(
    critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, *, pac: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """WGAN-GP's penalty on interpolates (one mixing weight per pack of ``pac`` rows)."""
    norms, interpolates = _interpolate_gradient_norms(critic, real, fake, pac=pac)
    penalty = GradientPenaltyLoss().penalty(norms, 1.0)
    assert penalty is not None
    return penalty, interpolates


def _interpolate_gradient_norms(
    critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, *, pac: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-pack gradient norms of the critic at random interpolates of real and fake."""
    packs = real.shape[0] // pac
    alpha = torch.rand(packs, 1, 1, device=real.device).expand(packs, pac, real.shape[1])
    alpha = alpha.reshape(-1, real.shape[1])
    interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    scores = critic(interpolates)
    (grads,) = torch.autograd.grad(scores.sum(), interpolates, create_graph=True, retain_graph=True)
    return grads.reshape(packs, -1).norm(2, dim=1), interpolates.detach()


def clip_weights(critic: nn.Module, clip_value: float) -> None:
    """WGAN's Lipschitz constraint: every critic weight into ``[-c, c]``."""
    with torch.no_grad():
        for weight in critic.parameters():
            weight.clamp_(-clip_value, clip_value)
