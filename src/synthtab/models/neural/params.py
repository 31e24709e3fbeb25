"""Parameters of the neural models, declared once with their rules.

The GAN family shares one parameter class; the registered names (``gan``,
``wgan``, ``wgan_gp``, ``cgan``, ``wcgan``, ``ctgan``) are presets of it.
Defaults follow the ONS census study where it applies (batch 128, three
hidden ReLU layers, learning rate 5e-5 for the Wasserstein models, critic
pre-training), and CTGAN's published settings for ``ctgan``. ``gan`` and ``cgan``
add spectral normalisation of the critic and a moving average of the generator's
weights, which their cross-entropy loss needs to keep every mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from synthtab.encoding.layout import EncodingStyle
from synthtab.models.base import Capabilities
from synthtab.models.params import (
    Bool,
    Choice,
    Int,
    ModelParams,
    OneOf,
    Optional,
    Real,
    Sequence,
    Text,
    param,
)


class LossKind(StrEnum):
    """The adversarial loss of a GAN (the objects are in ``losses``)."""

    VANILLA = "vanilla"  # cross-entropy
    CLIP = "clip"  # Wasserstein, weight-clipped critic
    GP = "gp"  # Wasserstein with gradient penalty

    @property
    def wasserstein(self) -> bool:
        """Whether the critic estimates a Wasserstein distance."""
        return self is not LossKind.VANILLA


class Conditioning(StrEnum):
    """What a GAN is conditioned on while it trains."""

    NONE = "none"
    COLUMNS = "columns"  # CGAN, WCGAN: the labels of fixed columns
    TRAINING_BY_SAMPLING = "training_by_sampling"  # CTGAN: one label column per row


_POSITIVE = Real(0.0, None, closed_low=False)
_UNIT_OPEN = Real(0.0, 1.0, closed_high=False)


@dataclass(frozen=True, kw_only=True)
class TrainingParams(ModelParams):
    """How long and where a neural model trains (shared by every neural model)."""

    epochs: int = param(300, Int(1), doc="passes over the training rows")
    steps: int | None = param(None, Optional(Int(1)), doc="generator steps; overrides epochs")
    batch_size: int = param(128, Int(2), doc="rows per step")
    time_budget: float | None = param(None, Optional(_POSITIVE), doc="seconds of training at most")
    patience: int | None = param(
        None, Optional(Int(1)), doc="stop after this many epochs without validation gain"
    )
    validation_fraction: float = param(
        0.1, Real(0.0, 0.5, closed_low=False), doc="rows held out for early stopping"
    )
    categorical: str = param("onehot", OneOf(("onehot", "gaussian_interval")))
    device: str = param("cpu", OneOf(("cpu", "cuda", "mps")))
    threads: int = param(
        1, Int(1, 256), doc="torch CPU threads while fitting and sampling (restored after)"
    )

    @classmethod
    def fast(cls) -> dict[str, object]:
        """One epoch in small batches: a smoke run, not a model that has learned."""
        return {"epochs": 1, "batch_size": 100}


@dataclass(frozen=True, kw_only=True)
class GANParams(TrainingParams):
    """Parameters of the GAN family (one class, presets per registered name)."""

    owner = "GAN"
    loss: LossKind = param(LossKind.VANILLA, Choice(LossKind), doc="adversarial loss")
    conditioning: Conditioning = param(Conditioning.NONE, Choice(Conditioning))
    condition_columns: tuple[str, ...] | None = param(
        None, Optional(Sequence(Text())), doc="label columns of cgan/wcgan (default: the last)"
    )
    label_sampling: str = param(
        "log_frequency",
        OneOf(("data", "log_frequency")),
        doc="cgan/wcgan training rows: as in the data, or label combinations by log-frequency",
    )
    embedding_dim: int = param(128, Int(1), doc="size of the noise vector")
    generator_dims: tuple[int, ...] = param((256, 256, 256), Sequence(Int(1)))
    critic_dims: tuple[int, ...] = param((256, 256, 256), Sequence(Int(1)))
    residual: bool = param(False, Bool(), doc="CTGAN's residual generator blocks")
    optimizer: str = param("adam", OneOf(("adam", "rmsprop")))
    generator_lr: float = param(2e-4, _POSITIVE)
    critic_lr: float = param(2e-4, _POSITIVE)
    beta1: float = param(0.5, _UNIT_OPEN, doc="Adam's first beta")
    beta2: float = param(0.999, _UNIT_OPEN, doc="Adam's second beta")
    weight_decay: float = param(0.0, Real(0.0))
    n_critic: int = param(1, Int(1), doc="critic updates per generator update")
    critic_pretrain_steps: int = param(0, Int(0), doc="extra critic updates before the first")
    clip_value: float = param(0.01, _POSITIVE, doc="weight clipping bound c (loss='clip')")
    gp_weight: float = param(10.0, Real(0.0), doc="gradient penalty weight (loss='gp')")
    gp_interval: int = param(
        1,
        Int(1),
        doc="penalise every k-th critic update, weighted k times (lazy; DP training: every)",
    )
    label_smoothing: float = param(
        0.0, Real(0.0, 0.5, closed_high=False), doc="one-sided: real target 1 - s (loss='vanilla')"
    )
    generator_ema: float = param(
        0.0,
        Real(0.0, 1.0, closed_high=False),
        doc="decay of an exponential moving average of the generator's weights, which is "
        "the generator kept and sampled from (0: the last weights)",
    )
    spectral_norm: bool = param(
        False, Bool(), doc="spectral normalisation of the critic's layers (SN-GAN)"
    )
    pac: int = param(1, Int(1), doc="rows the critic judges together (PacGAN)")
    critic_dropout: float = param(0.0, _UNIT_OPEN)

    @classmethod
    def fast(cls) -> dict[str, object]:
        """Narrow networks and no critic warm-up on top of one epoch."""
        small = {"generator_dims": [32], "critic_dims": [32], "embedding_dim": 16}
        return {**super().fast(), **small, "critic_pretrain_steps": 0}


_WASSERSTEIN = {"generator_lr": 5e-5, "critic_lr": 5e-5, "n_critic": 5, "critic_pretrain_steps": 25}

# An SN-GAN critic and a moving-average generator for the cross-entropy loss: without them
# gan and cgan dropped modes and swung from epoch to epoch (on adult, cgan's class-wise KS
# 0.11-0.24 instead of <= 0.07; gan's fidelity 0.87 instead of 0.94).
_STABLE_CROSS_ENTROPY: dict[str, object] = {"spectral_norm": True, "generator_ema": 0.999}

GAN_PRESETS: dict[str, dict[str, object]] = {
    "gan": _STABLE_CROSS_ENTROPY,
    "wgan": {"loss": "clip", "optimizer": "rmsprop", **_WASSERSTEIN},
    "wgan_gp": {"loss": "gp", "beta2": 0.9, **_WASSERSTEIN},
    "cgan": {"conditioning": "columns", **_STABLE_CROSS_ENTROPY},
    "wcgan": {"loss": "gp", "beta2": 0.9, "conditioning": "columns", **_WASSERSTEIN},
    "ctgan": {
        "loss": "gp",
        "conditioning": "training_by_sampling",
        "batch_size": 500,
        "generator_dims": (256, 256),
        "critic_dims": (256, 256),
        "residual": True,
        "beta2": 0.9,
        "weight_decay": 1e-6,
        "pac": 10,
        "critic_dropout": 0.5,
    },
}


@dataclass(frozen=True, kw_only=True)
class VAEParams(TrainingParams):
    """Parameters of the variational autoencoder."""

    owner = "VAE"
    batch_size: int = param(500, Int(2), doc="rows per step")
    latent_dim: int = param(128, Int(1), doc="size of the latent code")
    encoder_dims: tuple[int, ...] = param((128, 128), Sequence(Int(1)))
    decoder_dims: tuple[int, ...] = param((128, 128), Sequence(Int(1)))
    lr: float = param(1e-3, _POSITIVE)
    weight_decay: float = param(1e-5, Real(0.0))
    loss_factor: float = param(2.0, _POSITIVE, doc="weight of reconstruction against KL")

    @classmethod
    def fast(cls) -> dict[str, object]:
        """Narrow networks and a small latent code on top of one epoch."""
        small = {"encoder_dims": [32], "decoder_dims": [32], "latent_dim": 8}
        return {**super().fast(), **small}


# Declared here, free of torch, so that the registry can list what the neural models
# can do without importing them; the model classes take theirs from these.
GAN_CAPABILITIES = Capabilities(
    style=EncodingStyle.NEURAL,
    native_conditioning=True,
    differential_privacy=True,
    needs_torch=True,
)
VAE_CAPABILITIES = Capabilities(
    style=EncodingStyle.NEURAL, differential_privacy=True, needs_torch=True
)
