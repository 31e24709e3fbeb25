"""What the tests know about the registered models, asked of the registry (never listed by hand).

A model registered in a plugin or a user's script appears in every list here and
in every contract suite that runs over them, with no edit to any test.
"""

from __future__ import annotations

from typing import Any

from synthtab import Synthesizer
from synthtab.models import model_registry

#: Every model that can be built here (models on torch need the neural extra).
MODELS: list[str] = [name for name in model_registry.names() if model_registry.available(name)]
#: Models on torch: their fast preset trains one tiny epoch, so it has not learned shares.
NEURAL: set[str] = {n for n in MODELS if model_registry.capabilities(n).needs_torch}
#: Models that can train under a differential-privacy budget.
PRIVATE: list[str] = [n for n in MODELS if model_registry.capabilities(n).differential_privacy]
#: Models that condition natively (the others meet conditions by rejection).
CONDITIONAL: list[str] = [n for n in MODELS if model_registry.capabilities(n).native_conditioning]


def fast_params(name: str) -> dict[str, Any]:
    """The registered model's ``Params.fast()`` overrides."""
    return model_registry.fast_params(name)


def fast_synth(name: str, seed: int = 0, **options: Any) -> Synthesizer:
    """A synthesizer of model ``name`` at its fast preset (options override it)."""
    return Synthesizer(name, seed=seed, **{**fast_params(name), **options})
