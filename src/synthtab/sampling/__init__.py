"""Sampling: conditions, class mixes, and the engine that honours them."""

from synthtab.sampling.conditions import ClassMix, Condition
from synthtab.sampling.engine import SamplingEngine, as_request

__all__ = ["ClassMix", "Condition", "SamplingEngine", "as_request"]
