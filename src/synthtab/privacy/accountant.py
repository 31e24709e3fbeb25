"""DP-SGD accounting through Opacus, for the neural models.

Opacus (the ``privacy`` extra) is imported only when these functions run, so
``import synthtab`` never imports torch.

>>> sigma = noise_multiplier_for(epsilon=3.0, delta=1e-5, sample_rate=0.01, steps=1000)
>>> epsilon_spent(sigma, delta=1e-5, sample_rate=0.01, steps=1000) <= 3.0
True
"""

from __future__ import annotations

from typing import Any

from synthtab.errors import InvalidParameterError, PrivacyBudgetError

#: Accountants Opacus offers by these names.
ACCOUNTANTS = ("rdp", "prv")


def _check(sample_rate: float, steps: int, accountant: str) -> None:
    if not 0 < sample_rate <= 1:
        raise InvalidParameterError(
            f"The 'sample_rate' must be a float in (0, 1]. Got {sample_rate!r} instead."
        )
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InvalidParameterError(f"The 'steps' must be an int >= 1. Got {steps!r} instead.")
    if accountant not in ACCOUNTANTS:
        raise InvalidParameterError(
            f"The 'accountant' must be one of {ACCOUNTANTS}. Got {accountant!r} instead."
        )


def _opacus_accountants() -> Any:
    try:
        from opacus import accountants
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PrivacyBudgetError(
            "DP-SGD needs Opacus: pip install 'synthtab[neural,privacy]'."
        ) from exc
    return accountants


def noise_multiplier_for(
    *,
    epsilon: float,
    delta: float,
    sample_rate: float,
    steps: int,
    accountant: str = "rdp",
) -> float:
    """The DP-SGD noise multiplier that spends at most ``epsilon`` over ``steps`` steps.

    ``sample_rate`` is batch size over rows (Poisson sampling). Wraps
    ``opacus.accountants.utils.get_noise_multiplier``.
    """
    _check(sample_rate, steps, accountant)
    _opacus_accountants()
    from opacus.accountants.utils import get_noise_multiplier

    return float(
        get_noise_multiplier(
            target_epsilon=epsilon,
            target_delta=delta,
            sample_rate=sample_rate,
            steps=steps,
            accountant=accountant,
        )
    )


def epsilon_spent(
    noise_multiplier: float,
    *,
    delta: float,
    sample_rate: float,
    steps: int,
    accountant: str = "rdp",
) -> float:
    """Epsilon that ``steps`` DP-SGD steps with ``noise_multiplier`` spend, per Opacus."""
    _check(sample_rate, steps, accountant)
    module = _opacus_accountants()
    acc = module.create_accountant(mechanism=accountant)
    acc.history = [(noise_multiplier, sample_rate, steps)]
    return float(acc.get_epsilon(delta=delta))
