"""A variational autoencoder for mixed tables (TVAE's design, on the encoder's layout).

The loss is the ELBO with one reconstruction term per span type: a Gaussian
with a learned scale per feature for continuous parts (mode-specific values,
Gaussian-in-interval codes) and a cross-entropy for one-hot labels and modes,
so that a mixed table is not forced through one squared error. Sampling
decodes standard normal codes, adds each feature's learned noise, and draws
labels from their softmax (not the argmax, which would lose rare labels).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from synthtab.encoding.base import State
from synthtab.encoding.layout import Activation, EncodedBounds, EncodedTable, Layout
from synthtab.models.base import FitContext
from synthtab.models.neural.base import NeuralModel
from synthtab.models.neural.layers import mlp, one_hot_draw, segment_logsumexp
from synthtab.models.neural.params import VAE_CAPABILITIES, VAEParams
from synthtab.models.neural.private import (
    DPPlan,
    PrivateGradients,
    check_private_training,
    poisson_rows,
    spend_dp_sgd,
)
from synthtab.models.neural.torch_state import (
    load_module_arrays,
    module_arrays,
    seeded,
    torch_generator,
)
from synthtab.models.neural.trainer import Trainer


class _Encoder(nn.Module):
    def __init__(self, width: int, dims: tuple[int, ...], latent: int) -> None:
        super().__init__()
        self.body, hidden = mlp(width, dims)
        self.mu, self.logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.mu(h), self.logvar(h)


class _Decoder(nn.Module):
    def __init__(self, latent: int, dims: tuple[int, ...], width: int) -> None:
        super().__init__()
        body, hidden = mlp(latent, dims)
        self.net = nn.Sequential(body, nn.Linear(hidden, width))
        self.log_sigma = nn.Parameter(torch.full((width,), float(np.log(0.1))))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    @property
    def sigma(self) -> torch.Tensor:
        """Per-feature noise scale, kept in [0.01, 1]."""
        return self.log_sigma.exp().clamp(0.01, 1.0)


class _Spans:
    """Feature indices of the continuous parts and of the one-hot blocks (flat, with block ids).

    Tanh and sigmoid spans are squashed into their encoder's range; linear spans are
    left as they are (squashing them would cut off every value outside [-1, 1]).
    """

    def __init__(self, layout: Layout, device: torch.device | str = "cpu") -> None:
        self.tanh: list[int] = []
        self.sigmoid: list[int] = []
        self.linear: list[int] = []
        self.softmax: list[slice] = []
        for i, span in enumerate(layout.spans):
            block = layout.slice_of(i)
            if span.activation is Activation.SOFTMAX:
                self.softmax.append(block)
            else:
                features = {
                    Activation.SIGMOID: self.sigmoid,
                    Activation.TANH: self.tanh,
                    Activation.LINEAR: self.linear,
                }[span.activation]
                features.extend(range(block.start, block.stop))
        continuous = sorted(self.tanh + self.sigmoid + self.linear)
        sigmoid, linear = set(self.sigmoid), set(self.linear)
        widths = [b.stop - b.start for b in self.softmax]
        self.continuous = _index(continuous, device)
        self.is_sigmoid = torch.as_tensor([j in sigmoid for j in continuous], device=device)
        self.is_linear = torch.as_tensor([j in linear for j in continuous], device=device)
        self.tanh_t, self.sigmoid_t = _index(self.tanh, device), _index(self.sigmoid, device)
        features = [j for b in self.softmax for j in range(b.start, b.stop)]
        self.softmax_index = _index(features, device)
        self.block_of = _index(np.repeat(np.arange(len(widths)), widths), device)

    def means(self, raw: torch.Tensor) -> torch.Tensor:
        """Continuous parts squashed into the encoder's ranges."""
        out = raw.clone()
        out[:, self.tanh_t] = torch.tanh(raw[:, self.tanh_t])
        out[:, self.sigmoid_t] = torch.sigmoid(raw[:, self.sigmoid_t])
        return out

    def continuous_means(self, raw: torch.Tensor) -> torch.Tensor:
        """The squashed continuous features only, in :attr:`continuous` order."""
        values = raw.index_select(1, self.continuous)
        squashed = torch.where(self.is_sigmoid, torch.sigmoid(values), torch.tanh(values))
        return torch.where(self.is_linear, values, squashed)

    def cross_entropy(self, raw: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """Summed cross-entropy of every one-hot block (a segment log-sum-exp, no loop)."""
        if not self.softmax:
            return raw.new_zeros(())
        logits = raw.index_select(1, self.softmax_index)
        targets = batch.index_select(1, self.softmax_index)  # one-hot per block
        normaliser = segment_logsumexp(logits, self.block_of, len(self.softmax))
        return normaliser.sum() - (logits * targets).sum()


def _index(values: Any, device: torch.device | str) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values, dtype=np.int64), device=device)


class _ELBO(nn.Module):
    """Both networks and the per-span ELBO; a module so DP-SGD can call it functionally."""

    def __init__(self, encoder: _Encoder, decoder: _Decoder, spans: _Spans) -> None:
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.spans = spans

    def forward(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction negative log-likelihood, KL divergence), summed over ``batch``."""
        mu, logvar = self.encoder(batch)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        raw = self.decoder(z)
        idx = self.spans.continuous
        sigma = self.decoder.sigma.index_select(0, idx)
        means = self.spans.continuous_means(raw)
        squared = ((batch.index_select(1, idx) - means) ** 2) / (2 * sigma**2)
        recon = squared.sum() + len(batch) * torch.log(sigma).sum()
        recon = recon + self.spans.cross_entropy(raw, batch)
        kl = -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp())
        return recon, kl


class VAEModel(NeuralModel[VAEParams]):
    """Encoder and decoder MLPs trained on the ELBO."""

    capabilities = VAE_CAPABILITIES
    Params = VAEParams

    def _fit(self, table: EncodedTable, context: FitContext) -> None:
        rng, budget = context.rng, context.privacy
        check_private_training(self.params, budget)
        train, validation = self.split(table.values, rng)
        with seeded(rng, self.device):
            self._build()
            data = torch.as_tensor(train, device=self.device)
            held = None if validation is None else torch.as_tensor(validation, device=self.device)
            plan = self.plan(len(train))
            step = self._step_function(data, rng, plan.planned_steps, budget)
            trainer = Trainer(
                plan,
                progress=context.progress,
                callback=context.callback,
                snapshot=lambda: (module_arrays(self.encoder_), module_arrays(self.decoder_)),
                restore=self._restore,
            )
            validate = None if held is None else lambda: self._validation_loss(held)
            self.record(context.report, trainer.run(step, validate))
        if self.dp_ is not None:
            spend_dp_sgd(budget, self.dp_.plan, self.dp_.steps, context.report, "the VAE")
        self.decoder_.eval()

    def _step_function(
        self, data: torch.Tensor, rng: np.random.Generator, planned: int, budget: Any
    ) -> Callable[[], dict[str, torch.Tensor]]:
        """One Adam step on a batch: plain, or DP-SGD on a Poisson sample."""
        p: Any = self.params
        net = self.elbo_
        optimizer = torch.optim.Adam(
            net.parameters(), lr=p.lr, weight_decay=p.weight_decay, fused=True
        )
        self.dp_: PrivateGradients | None = None
        if budget is not None:
            plan = DPPlan.for_budget(
                epsilon=budget.epsilon,
                delta=budget.delta,
                rows=len(data),
                batch=p.batch_size,
                steps=planned,
            )
            self.dp_ = PrivateGradients(net, plan, plan.sample_rate * len(data))
            return lambda: self._private_step(data, rng, optimizer)

        def step() -> dict[str, torch.Tensor]:
            batch = data[torch.as_tensor(rng.integers(len(data), size=p.batch_size))]
            recon, kl = self._elbo_parts(batch)
            loss = (p.loss_factor * recon + kl) / len(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            return {"loss": loss.detach(), "reconstruction": recon.detach() / len(batch)}

        return step

    def _private_step(
        self, data: torch.Tensor, rng: np.random.Generator, optimizer: torch.optim.Optimizer
    ) -> dict[str, torch.Tensor]:
        """DP-SGD: per-row ELBO gradients, clipped and noised; no real-row loss is kept."""
        dp = self.dp_
        assert dp is not None
        if dp.steps >= dp.plan.steps:
            return {}
        rows = data[torch.as_tensor(poisson_rows(len(data), dp.plan.sample_rate, rng))]
        factor = self.params.loss_factor
        net = dp.module

        def unit_loss(params: dict, row: torch.Tensor) -> torch.Tensor:
            recon, kl = functional_call(net, params, (row[None],))
            return factor * recon + kl

        optimizer.zero_grad(set_to_none=True)
        dp.apply(unit_loss, rows)
        optimizer.step()
        return {}

    def _build(self) -> None:
        p: Any = self.params
        width = self.fitted_layout.width
        self.spans_ = _Spans(self.fitted_layout, self.device)
        self.encoder_ = _Encoder(width, p.encoder_dims, p.latent_dim).to(self.device)
        self.decoder_ = _Decoder(p.latent_dim, p.decoder_dims, width).to(self.device)
        self.elbo_ = _ELBO(self.encoder_, self.decoder_, self.spans_)

    def _elbo_parts(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction negative log-likelihood, KL divergence), summed over the batch."""
        recon, kl = self.elbo_(batch)
        return recon, kl

    def _validation_loss(self, held: torch.Tensor) -> float:
        self.encoder_.eval()
        self.decoder_.eval()
        with torch.no_grad():
            recon, kl = self._elbo_parts(held)
        self.encoder_.train()
        self.decoder_.train()
        return float((self.params.loss_factor * recon + kl) / len(held))

    def _restore(self, arrays: Any) -> None:
        load_module_arrays(self.encoder_, arrays[0], "encoder")
        load_module_arrays(self.decoder_, arrays[1], "decoder")

    def _sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None
    ) -> np.ndarray:
        self.decoder_.eval()
        generator = torch_generator(rng, self.device)
        with torch.inference_mode():
            return self.in_batches(n, lambda rows: self._decode_noise(rows, generator))

    def _decode_noise(self, rows: int, generator: torch.Generator) -> torch.Tensor:
        latent = self.params.latent_dim
        z = torch.randn(rows, latent, device=self.device, generator=generator)
        raw = self.decoder_(z)
        out = self.spans_.means(raw)
        idx = self.spans_.continuous
        noise = torch.randn(rows, len(idx), device=self.device, generator=generator)
        out[:, idx] = out[:, idx] + noise * self.decoder_.sigma[idx]
        out[:, self.spans_.tanh_t] = out[:, self.spans_.tanh_t].clamp(-1.0, 1.0)
        out[:, self.spans_.sigmoid_t] = out[:, self.spans_.sigmoid_t].clamp(0.0, 1.0)
        for block in self.spans_.softmax:
            out[:, block] = one_hot_draw(raw[:, block], generator)
        return out

    def _state(self) -> State:
        return {"decoder": module_arrays(self.decoder_)}

    def _load_state(self, state: State) -> None:
        self._build()
        load_module_arrays(self.decoder_, list(state["decoder"]), "decoder")
        self.decoder_.eval()
