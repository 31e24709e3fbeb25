"""The models: the math of synthesis, on arrays.

Importing this package registers the statistical models; neural models are
lazy registry entries (torch is imported only when one is built).
"""

from synthtab.models import copula, hybrid, marginals, trees  # noqa: F401  (registers the models)
from synthtab.models.base import Capabilities, FitReport, Model
from synthtab.models.neural import register_neural_models
from synthtab.models.params import ModelParams
from synthtab.models.registry import model_registry

register_neural_models(model_registry)

__all__ = ["Capabilities", "FitReport", "Model", "ModelParams", "model_registry"]
