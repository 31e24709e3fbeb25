"""Hybrid: columns grouped by dependence, each group drawn by the model that suits it.

Fit: columns are grouped by normalised mutual information
(:mod:`synthtab.models.grouping`). Groups that are (nearly) all numbers, with
at most :data:`~synthtab.models.auto.COPULA_LABEL_SHARE` of their columns
labels (the rule ``model="auto"`` applies to whole tables), are smooth: they
are drawn by one Gaussian copula over all of them, first. A copula chained
group after group, each conditioned on the ones before through the Gaussian
conditional, is the same joint model as one copula over their union, so they
are fitted as one. Every other group is mixed: its
features are drawn by trees (:mod:`synthtab.models.trees`) in group order,
each tree reading every feature already drawn (the copula's and the earlier
groups'), so later groups are conditioned on earlier ones and dependencies
across groups survive. The copula and every tree are fitted in parallel
(joblib threads).

Sample: the copula block for all rows at once, then each tree feature in turn,
vectorised over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthtab.encoding.base import State
from synthtab.encoding.layout import EncodedBounds, EncodedTable, EncodingStyle, Layout
from synthtab.models.auto import COPULA_LABEL_SHARE
from synthtab.models.base import Capabilities, FitContext, Model
from synthtab.models.copula import CopulaParams, GaussianCopulaModel
from synthtab.models.grouping import column_units, dependence, dependence_groups
from synthtab.models.params import Int, Real, param
from synthtab.models.registry import model_registry
from synthtab.models.trees import TreeLeafParams, TreeStep, feature_order, fit_step
from synthtab.random import integer_seed


@dataclass(frozen=True, kw_only=True)
class HybridParams(TreeLeafParams):
    """Parameters of the hybrid model."""

    owner = "Hybrid"
    min_dependence: float = param(
        0.1, Real(0.0, 1.0), doc="normalised mutual information that joins columns in a group"
    )
    grid_size: int = param(1001, Int(2, 100_000), doc="copula quantile levels per feature")


@model_registry.register(
    "hybrid",
    description="Columns grouped by mutual information: copula for numeric groups, trees after.",
)
class HybridModel(Model[HybridParams]):
    """A copula for the smooth numeric groups, then trees for the mixed groups in turn."""

    capabilities = Capabilities(style=EncodingStyle.ORDINAL)
    privacy_refusal = "its tree groups keep real training values in their leaves"
    Params = HybridParams

    def _fit(self, table: EncodedTable, context: FitContext) -> None:
        from joblib import Parallel, delayed

        layout, units = table.layout, column_units(table.layout)
        groups = dependence_groups(
            dependence(table.values, layout, units, context.rng),
            min_dependence=self.params.min_dependence,
        )
        smooth = [g for g in groups if _label_share(layout, units, g) <= COPULA_LABEL_SHARE]
        mixed = [g for g in groups if g not in smooth]
        self.smooth_ = np.array(sorted(f for g in smooth for c in g for f in units[c]), dtype=int)
        order = list(self.smooth_) + [f for g in mixed for f in _group_order(layout, units, g)]
        rng = context.rng
        copula_seed, seeds = integer_seed(rng), [integer_seed(rng) for _ in order]
        jobs = [delayed(self._fit_copula)(table, copula_seed)] + [
            delayed(fit_step)(table.values, order[:k], order[k], layout, self.params, seeds[k])
            for k in range(self.smooth_.size, len(order))
        ]
        fitted = list(Parallel(n_jobs=-1, prefer="threads")(jobs))
        self.copula_: GaussianCopulaModel | None = fitted[0]
        self.steps_: list[TreeStep] = fitted[1:]
        context.report.notes.extend(_describe(layout, units, smooth, mixed))
        context.done()

    def _fit_copula(self, table: EncodedTable, seed: int) -> GaussianCopulaModel | None:
        if not self.smooth_.size:
            return None
        part = EncodedTable(table.values[:, self.smooth_], _sub_layout(table.layout, self.smooth_))
        copula = GaussianCopulaModel(CopulaParams(grid_size=self.params.grid_size))
        copula.fit(part, rng=np.random.default_rng(seed))
        return copula

    def _sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None
    ) -> np.ndarray:
        x = np.zeros((n, self.fitted_layout.width))
        if self.copula_ is not None:
            x[:, self.smooth_] = self.copula_.sample(n, rng=rng)
        for step in self.steps_:
            x[:, step.target] = step.draw(x, rng)
        return x

    def _state(self) -> State:
        copula = self.copula_.state_dict() if self.copula_ is not None else None
        return {
            "smooth": self.smooth_,
            "copula": copula,
            "steps": [step.to_state() for step in self.steps_],
        }

    def _load_state(self, state: State) -> None:
        self.smooth_ = np.asarray(state["smooth"], dtype=int)
        self.copula_ = None
        if state["copula"] is not None:
            params = CopulaParams(grid_size=self.params.grid_size)
            self.copula_ = GaussianCopulaModel.from_state_dict(params, state["copula"])
        self.steps_ = [TreeStep.from_state(item) for item in state["steps"]]


def _label_share(layout: Layout, units: list[list[int]], group: list[int]) -> float:
    """Share of the group's columns that are labels (a missing indicator alone is not)."""
    labels = sum(
        any(layout.spans[f].discrete and layout.spans[f].role != "missing" for f in units[c])
        for c in group
    )
    return labels / len(group)


def _sub_layout(layout: Layout, features: np.ndarray) -> Layout:
    return Layout(tuple(layout.spans[int(f)] for f in features))


def _group_order(layout: Layout, units: list[list[int]], group: list[int]) -> list[int]:
    """The group's features in the trees' order (numbers first, then labels)."""
    features = [f for c in group for f in units[c]]
    inner = feature_order(_sub_layout(layout, np.array(features)))
    return [features[i] for i in inner]


def _describe(
    layout: Layout, units: list[list[int]], smooth: list[list[int]], mixed: list[list[int]]
) -> list[str]:
    def names(group: list[int]) -> str:
        return ", ".join(layout.spans[units[c][0]].column for c in group)

    return [f"copula group: {names(g)}" for g in smooth] + [
        f"trees group {k + 1}: {names(g)}" for k, g in enumerate(mixed)
    ]
