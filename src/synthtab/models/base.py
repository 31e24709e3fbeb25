"""The contract every model honours: arrays in, arrays out, one explicit ``rng``.

A model sees an :class:`~synthtab.encoding.layout.EncodedTable` and a
``numpy.random.Generator``; never pandas, column names' meaning, files or
seeds. It declares what it can do in :class:`Capabilities`, its options in a
frozen ``Params`` dataclass, and persists as JSON scalars and numpy arrays.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast

import numpy as np

from synthtab.encoding.base import State
from synthtab.encoding.layout import EncodedBounds, EncodedTable, EncodingStyle, Layout
from synthtab.encoding.table import EncodingOptions
from synthtab.errors import NotFittedError, PrivacyBudgetError
from synthtab.models.params import ModelParams
from synthtab.progress import ProgressCallback
from synthtab.progress import report as report_progress

P = TypeVar("P", bound=ModelParams)


@dataclass(frozen=True)
class Capabilities:
    """What a model can do, read by the synthesizer, CLI and contract tests."""

    style: EncodingStyle
    native_conditioning: bool = False
    differential_privacy: bool = False
    #: Built on PyTorch: importable only with the ``neural`` extra installed.
    needs_torch: bool = False


@dataclass
class FitReport:
    """What happened during fit: sizes, time, notes and loss history."""

    model: str
    n_rows: int
    n_features: int
    fit_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "model": self.model,
            "n_rows": self.n_rows,
            "n_features": self.n_features,
            "fit_seconds": round(self.fit_seconds, 4),
            "notes": list(self.notes),
            "history": {k: [float(x) for x in v] for k, v in self.history.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FitReport:
        """Inverse of :meth:`to_dict`."""
        return cls(
            model=data["model"],
            n_rows=int(data["n_rows"]),
            n_features=int(data["n_features"]),
            fit_seconds=float(data["fit_seconds"]),
            notes=list(data.get("notes", [])),
            history={k: list(v) for k, v in data.get("history", {}).items()},
        )


class MarginalSource(Protocol):
    """Per-feature distributions of encoded rows a model never held in memory (every
    row of a dataset, reduced partition by partition: ``synthtab.io.dask_stats``)."""

    def grid(self, features: Sequence[int], grid_size: int) -> Any:
        """A ``QuantileGrid`` of ``grid_size`` levels for each of ``features``."""
        ...

    def category_cdfs(self, features: Sequence[int], n_categories: Sequence[int]) -> list[Any]:
        """The cumulative label shares of each code feature in ``features``."""
        ...


@dataclass
class FitContext:
    """Everything a fit is given besides the table: one object, so that a new need
    (a device, a deadline) is one new field and not a new argument in every model."""

    rng: np.random.Generator
    report: FitReport
    progress: ProgressCallback | None = None
    #: The model's share of a privacy budget (a ``synthtab.privacy.ModelBudget``), or None.
    privacy: Any = None
    #: Called after every training epoch by models that train in epochs (a
    #: ``synthtab.models.neural.trainer.TrainingCallback``); other models ignore it.
    callback: Any = None

    def done(self, stage: str = "fit") -> None:
        """Report a one-step stage as finished to the progress callback."""
        report_progress(self.progress, stage, 1, 1)


class Model(ABC, Generic[P]):
    """Base class of every model, generic over its parameters' class.

    Subclasses set ``capabilities`` and ``Params``, and implement
    :meth:`_fit`, :meth:`_sample`, :meth:`_state` and :meth:`_load_state`.
    Fitted state ends in ``_``.
    """

    capabilities: ClassVar[Capabilities]
    Params: ClassVar[type[ModelParams]] = ModelParams
    #: Why a model without differential privacy cannot offer it (shown in the refusal).
    privacy_refusal: ClassVar[str] = ""

    def __init__(self, params: P | None = None) -> None:
        self.params: P = params if params is not None else cast(P, self.Params())
        self.layout_: Layout | None = None

    @property
    def fitted_layout(self) -> Layout:
        """The layout learned by :meth:`fit` (a clear error before it)."""
        if self.layout_ is None:
            raise NotFittedError(f"This {self.Params.owner} model is not fitted yet.")
        return self.layout_

    def encoding_options(self) -> EncodingOptions:
        """The encoding this model wants; models with a choice override this."""
        return EncodingOptions(style=self.capabilities.style)

    def fit(
        self,
        table: EncodedTable,
        *,
        rng: np.random.Generator,
        privacy: Any = None,
        progress: ProgressCallback | None = None,
        callback: Any = None,
    ) -> FitReport:
        """Learn the joint distribution of ``table``; returns a :class:`FitReport`.

        The arguments become the :class:`FitContext` that :meth:`_fit` receives.
        """
        if privacy is not None and not self.capabilities.differential_privacy:
            raise PrivacyBudgetError(refusal_message(type(self)))
        self.layout_ = table.layout
        report = FitReport(
            model=self.Params.owner, n_rows=table.n_rows, n_features=table.layout.width
        )
        context = FitContext(rng, report, progress, privacy=privacy, callback=callback)
        self._fit(table, context)
        return report

    def refit_marginals(self, source: MarginalSource) -> bool:
        """Take every feature's marginal distribution from ``source``, keeping the rest of
        the fit; returns whether this model can (models that cannot keep their fit)."""
        return False

    def sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None = None
    ) -> np.ndarray:
        """Draw ``n`` encoded rows, shape ``(n, layout.width)``."""
        if self.layout_ is None:
            raise NotFittedError(f"This {self.Params.owner} model is not fitted yet.")
        return self._sample(n, rng=rng, condition=condition)

    def state_dict(self) -> State:
        """Learned state as JSON scalars and numpy arrays."""
        if self.layout_ is None:
            raise NotFittedError(f"This {self.Params.owner} model is not fitted yet.")
        return {"layout": self.layout_.to_list(), "learned": self._state()}

    @classmethod
    def from_state_dict(cls, params: ModelParams, state: State) -> Self:
        """Rebuild a fitted model from its parameters and :meth:`state_dict`."""
        model = cls(cast(P, params))
        model.layout_ = Layout.from_list(state["layout"])
        model._load_state(state["learned"])
        return model

    @abstractmethod
    def _fit(self, table: EncodedTable, context: FitContext) -> None: ...

    @abstractmethod
    def _sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None
    ) -> np.ndarray: ...

    @abstractmethod
    def _state(self) -> State: ...

    @abstractmethod
    def _load_state(self, state: State) -> None: ...


def refusal_message(model_cls: type[Model[Any]]) -> str:
    """Why ``model_cls`` cannot train under a privacy budget, and which models can."""
    from synthtab.models.registry import model_registry  # the registry imports this module

    reason = model_cls.privacy_refusal or "it has no private variant"
    owner = model_cls.Params.owner if model_cls.Params is not ModelParams else model_cls.__name__
    able = [
        name
        for name in model_registry.names_where(lambda caps: caps.differential_privacy)
        if model_registry.available(name)
    ]
    return (
        f"The {owner} model cannot train with differential privacy: "
        f"{reason}. Choose a model that can: {', '.join(able)}."
    )
