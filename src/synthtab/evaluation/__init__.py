"""Evaluation: how close synthetic data is to the real table, how useful, how private.

>>> from synthtab.evaluation import evaluate, Report, MetricResult, metric_registry
>>> from synthtab.evaluation import compare_columns, correlation_difference
"""

from synthtab.evaluation.api import evaluate
from synthtab.evaluation.base import (
    Direction,
    EvalContext,
    Family,
    Metric,
    MetricResult,
    metric_registry,
)
from synthtab.evaluation.quick import compare_columns, correlation_difference
from synthtab.evaluation.report import Report

__all__ = [
    "Direction",
    "EvalContext",
    "Family",
    "Metric",
    "MetricResult",
    "Report",
    "compare_columns",
    "correlation_difference",
    "evaluate",
    "metric_registry",
]
