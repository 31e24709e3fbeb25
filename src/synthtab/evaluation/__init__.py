"""Evaluation: how close synthetic data is to the real table.

For now the quick checks the CLI demo prints; the full metric suite and the
HTML report come later.

>>> from synthtab.evaluation import compare_columns, correlation_difference
"""

from synthtab.evaluation.quick import compare_columns, correlation_difference

__all__ = ["compare_columns", "correlation_difference"]
