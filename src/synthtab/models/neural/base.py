"""What every neural model shares: encoding choice, data split, training plan, sampling loop."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import torch

from synthtab.encoding.base import CategoricalEncoding
from synthtab.encoding.layout import EncodedTable, EncodingStyle
from synthtab.encoding.table import EncodingOptions
from synthtab.models.base import FitReport, Model
from synthtab.models.neural.params import TrainingParams
from synthtab.models.neural.torch_state import cpu_threads, resolve_device
from synthtab.models.neural.trainer import TrainingPlan, TrainingResult

#: Rows generated per forward pass when sampling.
SAMPLE_BATCH = 8192
#: Validation rows compared with as many generated rows for early stopping.
_VALIDATION_ROWS = 2048


TP = TypeVar("TP", bound=TrainingParams)


class NeuralModel(Model[TP]):
    """Base of the torch models; subclasses build networks and a training step."""

    def fit(self, table: EncodedTable, **kwargs: Any) -> FitReport:
        """:meth:`Model.fit` on the asked number of torch CPU threads."""
        with cpu_threads(self.params.threads):
            return super().fit(table, **kwargs)

    def sample(self, n: int, **kwargs: Any) -> np.ndarray:
        """:meth:`Model.sample` on the asked number of torch CPU threads."""
        with cpu_threads(self.params.threads):
            return super().sample(n, **kwargs)

    def encoding_options(self) -> EncodingOptions:
        """Mode-specific numbers and the chosen categorical encoding."""
        categorical = CategoricalEncoding(self.params.categorical)
        return EncodingOptions(style=EncodingStyle.NEURAL, categorical=categorical)

    @property
    def device(self) -> torch.device:
        """The torch device asked for by ``device=``."""
        return resolve_device(self.params.device, self.Params.owner)

    def split(
        self, values: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Training rows (float32) and, when early stopping is on, held-out rows."""
        data = values.astype(np.float32)
        p = self.params
        if p.patience is None or len(data) < 20:
            return data, None
        n_val = max(1, round(len(data) * p.validation_fraction))
        order = rng.permutation(len(data))
        return data[order[n_val:]], data[order[:n_val][:_VALIDATION_ROWS]]

    def plan(self, n_rows: int) -> TrainingPlan:
        """Epochs of ``ceil(rows / batch)`` steps, with the stopping rules asked for."""
        p: Any = self.params
        return TrainingPlan(
            epochs=p.epochs,
            steps_per_epoch=max(1, math.ceil(n_rows / p.batch_size)),
            max_steps=p.steps,
            time_budget=p.time_budget,
            patience=p.patience,
        )

    def record(self, report: FitReport, result: TrainingResult) -> None:
        """Loss history and how training ended, in the fit report."""
        report.history = result.history
        report.notes.append(
            f"trained {result.epochs} epochs ({result.steps} steps); {result.stopped}"
        )

    def in_batches(self, n: int, draw: Callable[[int], torch.Tensor]) -> np.ndarray:
        """``draw(rows)`` over batches of :data:`SAMPLE_BATCH`, as one float64 matrix."""
        parts = [draw(min(SAMPLE_BATCH, n - start)) for start in range(0, n, SAMPLE_BATCH)]
        if not parts:
            return np.empty((0, self.fitted_layout.width))
        return torch.cat(parts).cpu().numpy().astype(np.float64)


def marginal_gap(real: np.ndarray, fake: np.ndarray, groups: np.ndarray | None = None) -> float:
    """Validation signal: mean 1-D Wasserstein distance of the encoded features (lower is better).

    ``real`` and ``fake`` have as many rows (within each group, when ``groups`` labels
    the rows of both), so the distance is the mean gap of sorted values. Unlike a gap of
    means and standard deviations, it sees a lost spike or a collapsed mode.
    """
    if groups is None:
        return float(np.abs(np.sort(real, axis=0) - np.sort(fake, axis=0)).mean())
    total = 0.0
    for group in np.unique(groups):
        rows = groups == group
        gap = np.abs(np.sort(real[rows], axis=0) - np.sort(fake[rows], axis=0)).mean()
        total += float(gap) * rows.mean()
    return total
