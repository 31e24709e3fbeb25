"""Neural models on PyTorch: the GAN family (gan, wgan, wgan_gp, cgan, wcgan, ctgan) and a VAE.

This package's ``__init__`` imports nothing; the registry holds lazy entries
(:func:`register_neural_models`) so that torch is imported only when a
neural model is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from synthtab.models.base import Model
    from synthtab.registry import Registry

_DESCRIPTIONS = {
    "gan": "GAN: MLP generator and discriminator, cross-entropy loss.",
    "wgan": "Wasserstein GAN: weight-clipped critic, n_critic updates, RMSprop.",
    "wgan_gp": "Wasserstein GAN with gradient penalty (Adam, betas 0.5/0.9).",
    "cgan": "Conditional GAN: generator and discriminator given label columns.",
    "wcgan": "Conditional Wasserstein GAN (gradient penalty) given label columns.",
    "ctgan": "CTGAN: mode-specific normalisation, training-by-sampling, PacGAN critic.",
}


def register_neural_models(registry: Registry[Model]) -> None:
    """Add the neural models to ``registry`` as lazy entries (no torch import)."""
    from synthtab.models.neural.params import GAN_PRESETS

    for name, preset in GAN_PRESETS.items():
        registry.add(
            name,
            "synthtab.models.neural.gan:GANModel",
            preset=preset,
            description=_DESCRIPTIONS[name],
        )
    registry.add(
        "vae",
        "synthtab.models.neural.vae:VAEModel",
        description="Variational autoencoder with a per-span ELBO (TVAE's design).",
    )
