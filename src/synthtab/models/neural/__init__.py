"""Neural models on PyTorch: the GAN family (gan, wgan, wgan_gp, cgan, wcgan, ctgan) and a VAE.

This package's ``__init__`` imports no torch: :data:`NEURAL_MODELS` is the one
table of lazy registry entries (class path, preset, description, capabilities),
so that listing the models never imports torch and a model is imported only
when it is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from synthtab.models.base import Capabilities
from synthtab.models.neural.params import (
    GAN_CAPABILITIES,
    GAN_PRESETS,
    VAE_CAPABILITIES,
)

if TYPE_CHECKING:
    from synthtab.models.base import Model
    from synthtab.registry import Registry


@dataclass(frozen=True)
class LazyModel:
    """A registry entry whose class is imported on first use."""

    target: str
    description: str
    capabilities: Capabilities
    preset: Mapping[str, Any] = field(default_factory=dict)


_GAN = "synthtab.models.neural.gan:GANModel"


def _gan(name: str, description: str) -> LazyModel:
    return LazyModel(_GAN, description, GAN_CAPABILITIES, GAN_PRESETS[name])


NEURAL_MODELS: dict[str, LazyModel] = {
    "gan": _gan("gan", "GAN: MLP generator and discriminator, cross-entropy loss."),
    "wgan": _gan("wgan", "Wasserstein GAN: weight-clipped critic, n_critic updates, RMSprop."),
    "wgan_gp": _gan("wgan_gp", "Wasserstein GAN with gradient penalty (Adam, betas 0.5/0.9)."),
    "cgan": _gan("cgan", "Conditional GAN: generator and discriminator given label columns."),
    "wcgan": _gan("wcgan", "Conditional Wasserstein GAN (gradient penalty) given label columns."),
    "ctgan": _gan(
        "ctgan", "CTGAN: mode-specific normalisation, training-by-sampling, PacGAN critic."
    ),
    "vae": LazyModel(
        "synthtab.models.neural.vae:VAEModel",
        "Variational autoencoder with a per-span ELBO (TVAE's design).",
        VAE_CAPABILITIES,
    ),
}


def register_neural_models(registry: Registry[Model]) -> None:
    """Add :data:`NEURAL_MODELS` to ``registry`` as lazy entries (no torch import)."""
    for name, lazy in NEURAL_MODELS.items():
        registry.add(
            name,
            lazy.target,
            preset=lazy.preset,
            description=lazy.description,
            capabilities=lazy.capabilities,
        )
