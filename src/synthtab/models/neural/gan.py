"""The GAN family: one class, composed with a loss and a conditioning design.

``gan`` (cross-entropy), ``wgan`` (weight clipping, RMSprop, ``n_critic``),
``wgan_gp`` (gradient penalty), ``cgan`` / ``wcgan`` (conditioned on label
columns) and ``ctgan`` (training-by-sampling, PacGAN critic, residual
generator) are presets of :class:`GANModel` (see
:mod:`synthtab.models.neural.params`).

Conditional sampling is native: the engine passes the asked labels as
encoded bounds; a label-conditioned generator writes the asked label into
its output exactly, and CTGAN's generator is given the label's condition
vector (its cross-entropy term teaches it to produce that label).
"""

from __future__ import annotations

from functools import partial
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from synthtab.encoding.base import State
from synthtab.encoding.layout import EncodedBounds, EncodedTable
from synthtab.errors import InvalidParameterError
from synthtab.models.base import FitContext, FitReport
from synthtab.models.neural.base import NeuralModel, marginal_gap
from synthtab.models.neural.conditioning import (
    ConditionVectors,
    LabelSampler,
    generation_vectors,
)
from synthtab.models.neural.gan_steps import GANSteps
from synthtab.models.neural.networks import Generator
from synthtab.models.neural.params import GAN_CAPABILITIES, Conditioning, GANParams
from synthtab.models.neural.private import (
    LABEL_SHARE,
    DPPlan,
    check_private_training,
    noisy_frequencies,
    spend_dp_sgd,
)
from synthtab.models.neural.private_gan import PrivateGANSteps
from synthtab.models.neural.torch_state import (
    load_module_arrays,
    module_arrays,
    seeded,
    torch_generator,
)
from synthtab.models.neural.trainer import Trainer


class GANModel(NeuralModel[GANParams]):
    """A generative adversarial network on the encoder's layout."""

    capabilities = GAN_CAPABILITIES
    Params = GANParams
    generator_: Generator
    critic_: nn.Module  # kept for inspection after training, not saved
    vectors_: ConditionVectors | None
    labels_: LabelSampler | None

    def _fit(self, table: EncodedTable, context: FitContext) -> None:
        p: Any = self.params
        if p.batch_size % p.pac:
            raise InvalidParameterError(
                f"The 'batch_size' parameter of GAN ({p.batch_size}) must be a multiple of "
                f"'pac' ({p.pac}), since the critic judges packs of pac rows."
            )
        rng, report, budget = context.rng, context.report, context.privacy
        check_private_training(self.params, budget)
        train, validation = self.split(table.values, rng)
        self._fit_conditions(train, report)
        if budget is not None and self.vectors_ is not None:
            self._privatise_labels(len(train), rng, budget)
        with seeded(rng, self.device):
            self.generator_ = self._new_generator()
            plan = self.plan(len(train))
            critic_steps = plan.planned_steps * p.n_critic + p.critic_pretrain_steps
            steps = self._steps(train, rng, critic_steps, budget)
            self.critic_ = steps.critic  # kept for inspection, not saved
            trainer = Trainer(
                plan,
                progress=context.progress,
                callback=context.callback,
                snapshot=lambda: module_arrays(steps.published),
                restore=lambda arrays: load_module_arrays(
                    self.generator_, cast(list[np.ndarray], arrays), "generator"
                ),
            )
            validate = None
            if validation is not None:
                validate = partial(self._validation_gap, validation, rng, steps.published)
            result = trainer.run(steps.step, validate)
            if not result.restored:
                steps.publish()
            self.record(report, result)
        if isinstance(steps, PrivateGANSteps):
            spend_dp_sgd(budget, steps.plan, steps.critic_steps, report, "the critic")
        self.generator_.eval()

    def _steps(
        self, train: np.ndarray, rng: np.random.Generator, critic_steps: int, budget: Any
    ) -> GANSteps:
        """Plain steps, or DP-SGD steps that spend the model's budget."""
        if budget is None:
            return GANSteps(self, train, rng)
        plan = DPPlan.for_budget(
            epsilon=budget.epsilon,
            delta=budget.delta,
            rows=len(train),
            batch=self.params.batch_size,
            steps=critic_steps,
        )
        return PrivateGANSteps(self, train, rng, plan)

    def _privatise_labels(self, rows: int, rng: np.random.Generator, budget: Any) -> None:
        """Release the label frequencies as Laplace histograms from the model's budget."""
        vectors = self.vectors_
        assert vectors is not None
        epsilon = budget.epsilon * LABEL_SHARE
        counts = [f * rows for f in vectors.frequencies]
        vectors.frequencies = noisy_frequencies(counts, epsilon, rng)
        budget.spend(epsilon, mechanism="Laplace histograms of the condition labels")
        if self.labels_ is not None:
            self.labels_ = LabelSampler.independent(vectors)

    def _fit_conditions(self, train: np.ndarray, report: FitReport) -> None:
        mode = self.params.conditioning
        self.vectors_ = None
        self.labels_ = None
        if mode is Conditioning.NONE:
            return
        columns = self._condition_columns(report) if mode is Conditioning.COLUMNS else None
        vectors = ConditionVectors.fit(self.fitted_layout, train, columns)
        if not vectors.spans:
            report.notes.append("no one-hot label columns to condition on: trained unconditioned")
            return
        self.vectors_ = vectors
        if mode is Conditioning.COLUMNS:
            self.labels_ = LabelSampler.fit(vectors, train)

    def _condition_columns(self, report: FitReport) -> list[str]:
        asked = self.params.condition_columns
        labels = [s.column for s in self.fitted_layout.spans if s.one_hot and s.role == "category"]
        if asked is None:
            if not labels:
                return []
            report.notes.append(f"conditioned on '{labels[-1]}' (set condition_columns to choose)")
            return [labels[-1]]
        missing = [c for c in asked if c not in labels]
        if missing:
            raise InvalidParameterError(
                f"The 'condition_columns' parameter of GAN names {missing}, which are not "
                f"one-hot label columns of this table; label columns: {sorted(set(labels))}. "
                "(With categorical='gaussian_interval' no column is one-hot: use 'onehot'.)"
            )
        return list(asked)

    def _new_generator(self) -> Generator:
        p: Any = self.params
        width_in = p.embedding_dim + self.condition_width
        return Generator(width_in, p.generator_dims, self.fitted_layout, residual=p.residual).to(
            self.device
        )

    @property
    def condition_width(self) -> int:
        """Width of the condition vector (0 when unconditioned)."""
        vectors: ConditionVectors | None = getattr(self, "vectors_", None)
        return 0 if vectors is None else vectors.width

    def condition_for_generation(
        self, n: int, rng: np.random.Generator, bounds: Any
    ) -> np.ndarray | None:
        """Condition vectors for ``n`` generated rows (asked labels fixed)."""
        if self.vectors_ is None:
            return None
        if self.labels_ is not None:
            return self.labels_.draw(n, rng, bounds)
        return generation_vectors(self.vectors_, n, rng, bounds)

    def generate(
        self,
        cond: np.ndarray | None,
        n: int,
        *,
        generator: torch.Generator | None = None,
        network: nn.Module | None = None,
    ) -> torch.Tensor:
        """Sampled rows from the generator, or ``network`` (labels written in for CGAN)."""
        width = self.params.embedding_dim
        noise = torch.randn(n, width, device=self.device, generator=generator)
        cond_t = None if cond is None else torch.as_tensor(cond, device=self.device)
        if cond_t is not None:
            noise = torch.cat([noise, cond_t], dim=1)
        network = self.generator_ if network is None else network
        _, rows = network(noise, sample=True, generator=generator)
        if cond_t is not None and self.labels_ is not None:
            rows = self.write_labels(rows, cond_t)
        return rows

    def write_labels(
        self, rows: torch.Tensor, cond: torch.Tensor, *, active: bool = False
    ) -> torch.Tensor:
        """Put the condition's labels into their spans (with ``active``, only set ones)."""
        vectors = self.vectors_
        assert vectors is not None
        rows = rows.clone()
        for k, span in enumerate(vectors.spans):
            block = self.fitted_layout.slice_of(span)
            labels = cond[:, vectors.offsets[k] : vectors.offsets[k + 1]]
            if active:
                labels = torch.where(labels.sum(dim=1, keepdim=True) > 0, labels, rows[:, block])
            rows[:, block] = labels
        return rows

    def _validation_gap(
        self, validation: np.ndarray, rng: np.random.Generator, network: nn.Module
    ) -> float:
        network.eval()
        groups = None
        cond: np.ndarray | None
        with torch.inference_mode():
            if self.labels_ is not None:  # each class against its own generated rows
                codes = self.labels_.vectors.labels(validation)
                groups = np.unique(codes, axis=0, return_inverse=True)[1].reshape(-1)
                cond = self.labels_.vectors.vectors(codes)
            else:
                cond = self.condition_for_generation(len(validation), rng, None)
            fake = self.generate(cond, len(validation), network=network).cpu().numpy()
        network.train()
        return marginal_gap(validation, fake, groups)

    def _sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None
    ) -> np.ndarray:
        self.generator_.eval()
        generator = torch_generator(rng, self.device)
        with torch.inference_mode():
            return self.in_batches(
                n,
                lambda rows: self._generate_asked(rows, rng, condition, generator),
            )

    def _generate_asked(
        self, n: int, rng: np.random.Generator, bounds: Any, generator: torch.Generator
    ) -> torch.Tensor:
        """Rows for a sampling request; CTGAN's asked label is written in as CGAN's is."""
        cond = self.condition_for_generation(n, rng, bounds)
        rows = self.generate(cond, n, generator=generator)
        vectors = self.vectors_
        if cond is not None and self.labels_ is None and vectors and vectors.fixed_codes(bounds):
            rows = self.write_labels(rows, torch.as_tensor(cond, device=self.device), active=True)
        return rows

    def _state(self) -> State:
        state: State = {"generator": module_arrays(self.generator_)}
        if self.vectors_ is not None:
            state["vectors"] = self.vectors_.to_state()
        if self.labels_ is not None:
            state["labels"] = {"combos": self.labels_.combos, "weights": self.labels_.weights}
        return state

    def _load_state(self, state: State) -> None:
        self.vectors_ = None
        self.labels_ = None
        if "vectors" in state:
            self.vectors_ = ConditionVectors.from_state(self.fitted_layout, state["vectors"])
        if "labels" in state and self.vectors_ is not None:
            labels = state["labels"]
            self.labels_ = LabelSampler(
                self.vectors_,
                np.asarray(labels["combos"]),
                np.asarray(labels["weights"], dtype=np.float64),
            )
        self.generator_ = self._new_generator()
        load_module_arrays(self.generator_, list(state["generator"]), "generator")
        self.generator_.eval()
