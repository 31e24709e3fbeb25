"""One training loop for every neural model: epochs of steps, history, stopping rules.

A model hands the :class:`Trainer` a ``step`` (one optimisation step,
returning its losses as tensors) and optionally a ``validate`` (a number,
lower is better). The trainer owns the rest: how many steps, the time
budget, early stopping with the best weights restored, the loss history,
progress reports, and the user's callback, which sees every epoch's losses
and may stop training by returning ``True``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch

from synthtab.progress import ProgressCallback
from synthtab.progress import report as report_progress


@dataclass(frozen=True)
class EpochStatus:
    """What a training callback sees after each epoch."""

    epoch: int
    epochs: int
    losses: Mapping[str, float]
    validation: float | None = None


#: Called after every epoch; returning ``True`` stops training.
TrainingCallback = Callable[[EpochStatus], bool | None]


@dataclass(frozen=True)
class TrainingPlan:
    """How long to train and when to stop early."""

    epochs: int
    steps_per_epoch: int
    max_steps: int | None = None
    time_budget: float | None = None
    patience: int | None = None

    @property
    def planned_steps(self) -> int:
        """Steps to run when nothing stops training early."""
        full = self.epochs * self.steps_per_epoch
        return full if self.max_steps is None else self.max_steps

    @property
    def total_epochs(self) -> int:
        """Epochs to run when nothing stops training early."""
        if self.max_steps is None:
            return self.epochs
        return max(1, math.ceil(self.max_steps / self.steps_per_epoch))


@dataclass
class TrainingResult:
    """The per-epoch loss history and why training ended."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs: int = 0
    steps: int = 0
    stopped: str = "completed the planned epochs"
    restored: bool = False  # whether the best epoch's snapshot was restored


class Trainer:
    """Runs a model's step function under a :class:`TrainingPlan`."""

    def __init__(
        self,
        plan: TrainingPlan,
        *,
        progress: ProgressCallback | None = None,
        callback: TrainingCallback | None = None,
        snapshot: Callable[[], object] | None = None,
        restore: Callable[[object], None] | None = None,
    ) -> None:
        self.plan = plan
        self.progress = progress
        self.callback = callback
        self.snapshot, self.restore = snapshot, restore
        self.result = TrainingResult()
        self._best: tuple[float, object] | None = None
        self._stale = 0

    def run(
        self,
        step: Callable[[], Mapping[str, torch.Tensor]],
        validate: Callable[[], float] | None = None,
    ) -> TrainingResult:
        """Train until the plan, the budget, early stopping or the callback ends it."""
        started = time.perf_counter()
        epochs = self.plan.total_epochs
        report_progress(self.progress, "train", 0, epochs)
        for epoch in range(1, epochs + 1):
            sums = self._epoch(step, started)
            losses = self._record(sums)
            score = self._validate(validate)
            self.result.epochs = epoch
            report_progress(self.progress, "train", epoch, epochs)
            if self._should_stop(EpochStatus(epoch, epochs, losses, score), started):
                break
        if self._best is not None and self.restore is not None:
            self.restore(self._best[1])
            self.result.restored = True
        return self.result

    def _epoch(self, step: Callable[[], Mapping[str, torch.Tensor]], started: float) -> dict:
        sums: dict[str, torch.Tensor] = {}
        count = 0
        for _ in range(self.plan.steps_per_epoch):
            if self.plan.max_steps is not None and self.result.steps >= self.plan.max_steps:
                break
            for name, value in step().items():
                sums[name] = sums.get(name, 0.0) + value.detach()
            count += 1
            self.result.steps += 1
            if self._out_of_time(started):
                break
        # one device sync per epoch, not per step
        return {name: float(total) / max(count, 1) for name, total in sums.items()}

    def _record(self, losses: dict[str, float]) -> dict[str, float]:
        for name, value in losses.items():
            self.result.history.setdefault(name, []).append(value)
        return losses

    def _validate(self, validate: Callable[[], float] | None) -> float | None:
        if validate is None or self.plan.patience is None:
            return None
        score = float(validate())
        self.result.history.setdefault("validation", []).append(score)
        if self._best is None or score < self._best[0]:
            snapshot = self.snapshot() if self.snapshot is not None else None
            self._best, self._stale = (score, snapshot), 0
        else:
            self._stale += 1
        return score

    def _should_stop(self, status: EpochStatus, started: float) -> bool:
        if self.callback is not None and self.callback(status) is True:
            self.result.stopped = f"stopped by the callback after epoch {status.epoch}"
            return True
        if self.plan.patience is not None and self._stale >= self.plan.patience:
            self.result.stopped = (
                f"stopped early after epoch {status.epoch}: the validation signal did not "
                f"improve for {self.plan.patience} epochs (best weights restored)"
            )
            return True
        if self.plan.max_steps is not None and self.result.steps >= self.plan.max_steps:
            self.result.stopped = f"completed the planned {self.plan.max_steps} steps"
            return True
        if self._out_of_time(started):
            self.result.stopped = (
                f"stopped after epoch {status.epoch}: the time budget of "
                f"{self.plan.time_budget:g} s was spent"
            )
            return True
        return False

    def _out_of_time(self, started: float) -> bool:
        budget = self.plan.time_budget
        return budget is not None and time.perf_counter() - started >= budget
