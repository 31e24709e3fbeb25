"""Differential privacy: a stated budget, spent by parts, or a clear refusal.

* :class:`DPConfig` is what a user asks for (``epsilon``, ``delta``);
* :class:`PrivacyLedger` splits it between the parts of a fit (category sets,
  numeric bounds, the model) and records every spend; :class:`PrivacyReport`
  is the record (``epsilon_total``, ``delta``, spend per part);
* :mod:`~synthtab.privacy.mechanisms` holds the DP statistics (noisy
  histograms, bounds, quantiles, correlations), :mod:`~synthtab.privacy.schema`
  the private schema, :mod:`~synthtab.privacy.pipeline` a private fit's inputs;
* :func:`noise_multiplier_for` and :func:`epsilon_spent` account DP-SGD
  through Opacus for the neural models.
"""

from __future__ import annotations

from synthtab.privacy.accountant import epsilon_spent, noise_multiplier_for
from synthtab.privacy.budget import ModelBudget, as_model_budget
from synthtab.privacy.config import DPConfig, as_dp_config
from synthtab.privacy.ledger import PartSpend, PrivacyLedger, PrivacyReport

__all__ = [
    "DPConfig",
    "ModelBudget",
    "PartSpend",
    "PrivacyLedger",
    "PrivacyReport",
    "as_dp_config",
    "as_model_budget",
    "epsilon_spent",
    "noise_multiplier_for",
]
