"""One GAN training step in named phases: draw a batch, update the critic, update the generator."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812
from torch.optim.swa_utils import AveragedModel

from synthtab.encoding.layout import Layout
from synthtab.models.neural.conditioning import ConditionVectors, LabelSampler, TrainingBySampling
from synthtab.models.neural.layers import SpanGrid
from synthtab.models.neural.losses import LOSSES, critic_loss, generator_loss
from synthtab.models.neural.networks import Critic, Generator
from synthtab.models.neural.params import GANParams, LossKind


class GeneratorSide(Protocol):
    """What the training steps read of the model: its generator, where it runs, and how
    it is conditioned. The steps own the critic and write nothing into the model."""

    @property
    def params(self) -> GANParams: ...

    @property
    def generator_(self) -> Generator: ...

    @property
    def vectors_(self) -> ConditionVectors | None: ...

    @property
    def labels_(self) -> LabelSampler | None: ...

    @property
    def device(self) -> torch.device: ...

    @property
    def fitted_layout(self) -> Layout: ...

    @property
    def condition_width(self) -> int: ...

    def write_labels(
        self, rows: torch.Tensor, cond: torch.Tensor, *, active: bool = False
    ) -> torch.Tensor: ...

    def condition_for_generation(
        self, n: int, rng: np.random.Generator, bounds: Any
    ) -> np.ndarray | None: ...


class GANSteps:
    """Holds the critic, the optimisers and the batch sampler of one training run."""

    def __init__(
        self, model: GeneratorSide, train: np.ndarray, rng: np.random.Generator
    ) -> None:
        p: Any = model.params
        self.model, self.rng, self.params = model, rng, p
        self.kind = LossKind(p.loss)
        self.data = torch.as_tensor(train, device=model.device)
        width = model.fitted_layout.width + model.condition_width
        self.critic = Critic(
            width,
            p.critic_dims,
            pac=p.pac,
            dropout=p.critic_dropout,
            spectral_norm=p.spectral_norm,
        )
        self.critic.to(model.device)
        self.opt_g = self._optimizer(model.generator_.parameters(), p.generator_lr)
        self.opt_c = self._optimizer(self.critic.parameters(), p.critic_lr)
        vectors = model.vectors_
        self.sampler = None
        self.codes = None
        if vectors is not None and model.labels_ is None:
            self.sampler = TrainingBySampling(vectors, train)
        elif vectors is not None:
            self.codes = vectors.labels(train)
        self.rows = RowSampler(self.codes, by_label=p.label_sampling == "log_frequency")
        self.pretrain = p.critic_pretrain_steps
        self.critic_updates = 0
        self.condition_grid: SpanGrid | None = None  # CTGAN's label blocks, on first use
        self.average = None
        if p.generator_ema > 0:
            self.average = AveragedModel(
                model.generator_,
                multi_avg_fn=warmed_ema(p.generator_ema),
                use_buffers=True,  # batch-norm statistics averaged alike
            )

    def _condition_grid(self) -> tuple[SpanGrid, ConditionVectors]:
        """The label blocks of the condition vectors in the generator's output (built once)."""
        vectors = self.model.vectors_
        assert vectors is not None  # only conditioned generators have a conditional term
        if self.condition_grid is None:
            layout = self.model.fitted_layout
            self.condition_grid = SpanGrid([layout.slice_of(span) for span in vectors.spans])
        return self.condition_grid, vectors

    @property
    def published(self) -> nn.Module:
        """The generator to validate and keep: the weights' moving average, or the weights."""
        return self.model.generator_ if self.average is None else self.average.module

    def publish(self) -> None:
        """Put the moving average's weights (when there is one) into the model's generator."""
        if self.average is not None:
            self.model.generator_.load_state_dict(self.average.module.state_dict())

    def _optimizer(self, weights: Any, lr: float) -> torch.optim.Optimizer:
        p = self.params
        if p.optimizer == "rmsprop":
            return torch.optim.RMSprop(weights, lr=lr, weight_decay=p.weight_decay, foreach=True)
        # fused: one kernel for every weight (on adult's critic, 0.9 ms a step against 4.9 ms)
        return torch.optim.Adam(
            weights, lr=lr, betas=(p.beta1, p.beta2), weight_decay=p.weight_decay, fused=True
        )

    def step(self) -> dict[str, torch.Tensor]:
        """``n_critic`` critic updates (plus any pre-training), then one generator update.

        The last critic update's fake batch is drawn with its graph kept, and the
        generator update reuses it (scored by the updated critic): one generator
        forward per step instead of two, as in PyTorch's DCGAN example.
        """
        updates = self.params.n_critic + self.pretrain
        self.pretrain = 0
        for update in range(updates):
            drawn = self._draw(keep_graph=update == updates - 1)
            loss = self._critic_update(drawn)
        losses = {
            "critic_loss": loss.total.detach(),
            "generator_loss": self._generator_update(drawn),
        }
        if self.kind.wasserstein:
            losses["wasserstein_estimate"] = loss.distance
        return losses

    def _draw(self, *, keep_graph: bool) -> Drawn:
        real, cond, span = self._batch()
        with torch.set_grad_enabled(keep_graph):
            raw, fake = self._fake(cond)
        return Drawn(real, cond, span, raw, fake)

    def _batch(self) -> tuple[torch.Tensor | None, torch.Tensor | None, torch.Tensor | None]:
        """(real rows, their condition vectors, the conditioned span per row)."""
        n = self.params.batch_size
        device = self.model.device
        if self.sampler is not None:
            cond, span, rows = self.sampler.draw(n, self.rng)
            return self.data[rows], torch.as_tensor(cond, device=device), torch.as_tensor(span)
        rows = self.rows.draw(len(self.data), n, self.rng)
        if self.codes is None:
            return self.data[rows], None, None
        vectors = self.model.vectors_
        assert vectors is not None  # codes exist only with condition vectors
        cond = vectors.vectors(self.codes[rows])
        return self.data[rows], torch.as_tensor(cond, device=device), None

    def _fake(self, cond: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """(raw scores, activated rows) of one batch from the generator."""
        noise = torch.randn(
            self.params.batch_size, self.params.embedding_dim, device=self.model.device
        )
        if cond is not None:
            noise = torch.cat([noise, cond], dim=1)
        raw, rows = self.model.generator_(noise)
        if cond is not None and self.model.labels_ is not None:
            rows = self.model.write_labels(rows, cond)
        return raw, rows

    def _critic_update(self, drawn: Drawn) -> Any:
        assert drawn.real is not None  # the plain critic sees real rows in every batch
        loss = critic_loss(
            self.kind,
            self.critic,
            _with(drawn.real, drawn.cond),
            _with(drawn.fake.detach(), drawn.cond),
            gp_weight=self._penalty_weight(),
            pac=self.params.pac,
            real_label=1.0 - self.params.label_smoothing,
        )
        self.opt_c.zero_grad(set_to_none=True)
        loss.total.backward()
        self.opt_c.step()
        LOSSES[self.kind].after_critic_update(self.critic, self.params.clip_value)
        return loss

    def _penalty_weight(self) -> float:
        """Lazy regularisation (StyleGAN2): every k-th update carries k times the penalty."""
        interval = self.params.gp_interval
        penalised = self.critic_updates % interval == 0
        self.critic_updates += 1
        return self.params.gp_weight * interval if penalised else 0.0

    def _generator_update(self, drawn: Drawn | None = None) -> torch.Tensor:
        """One generator update, on ``drawn`` when its graph was kept, else on a fresh batch."""
        if drawn is None:
            _, cond, span = self._batch()
            raw, fake = self._fake(cond)
        else:
            cond, span, raw, fake = drawn.cond, drawn.span, drawn.raw, drawn.fake
        self.critic.requires_grad_(False)  # gradients flow through the critic, not into it
        loss = generator_loss(self.kind, self.critic(_with(fake, cond)))
        if span is not None and cond is not None:
            loss = loss + conditional_cross_entropy(raw, cond, span, self._condition_grid())
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        if self.average is not None:
            self.average.update_parameters(self.model.generator_)
        self.critic.requires_grad_(True)
        return loss.detach()


def warmed_ema(decay: float) -> Any:
    """``AveragedModel``'s update for a moving average whose decay grows with the updates.

    The ``n``-th update keeps ``min(decay, (1 + n) / (10 + n))`` of the average (as
    TensorFlow's ``ExponentialMovingAverage`` with ``num_updates``): the average spans
    about the last tenth of training until that is ``1 / (1 - decay)`` steps long. With a
    fixed decay, a run of a few hundred steps (a small table) would keep mostly its first,
    untrained weights.
    """

    @torch.no_grad()
    def update(averaged: list, current: list, num_averaged: torch.Tensor | int) -> None:
        n = int(num_averaged)
        weight = 1.0 - min(decay, (1.0 + n) / (10.0 + n))
        for mean, now in zip(averaged, current, strict=True):
            if mean.is_floating_point():
                mean.lerp_(now, weight)
            else:  # counters such as batch norm's num_batches_tracked
                mean.copy_(now)

    return update


class RowSampler:
    """Training rows of a label-conditioned GAN: uniform, or label combinations by log-frequency.

    By log-frequency (CTGAN's weighting, here over the joint labels of cgan/wcgan), a class
    with 25 % of the rows is drawn in about half the batches: the generator learns the rare
    class's rows as well as the common one's, and sampling still follows the real label
    frequencies (the label sampler holds those).
    """

    def __init__(self, codes: np.ndarray | None, *, by_label: bool) -> None:
        self.cumulative = None
        if codes is not None and by_label:
            _, combo, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
            combo = combo.reshape(-1)
            weights = np.log1p(counts)[combo] / counts[combo]
            self.cumulative = np.cumsum(weights / weights.sum())

    def draw(self, rows: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` row indices out of ``rows``."""
        if self.cumulative is None:
            return rng.integers(rows, size=n)
        picks = np.searchsorted(self.cumulative, rng.random(n), side="right")
        return np.minimum(picks, rows - 1)


class Drawn(NamedTuple):
    """One batch: real rows, their conditions, the conditioned spans, the generator's output."""

    real: torch.Tensor | None
    cond: torch.Tensor | None
    span: torch.Tensor | None
    raw: torch.Tensor
    fake: torch.Tensor


def _with(rows: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
    return rows if cond is None else torch.cat([rows, cond], dim=1)


def conditional_cross_entropy(
    raw: torch.Tensor,
    cond: torch.Tensor,
    span_choice: torch.Tensor,
    blocks: tuple[SpanGrid, ConditionVectors],
) -> torch.Tensor:
    """CTGAN's term: the generated label of each row's chosen column should be the asked one."""
    grid, vectors = blocks
    index = grid.index[span_choice].to(raw.device)  # (rows, widest): each row's block, padded
    padding = ~grid.valid[span_choice].to(raw.device)
    logits = raw.gather(1, index).masked_fill(padding, float("-inf"))
    offsets = torch.as_tensor(vectors.offsets[:-1], device=cond.device)
    target = cond.argmax(dim=1) - offsets[span_choice]
    return F.cross_entropy(logits, target)
