"""How columns become numbers and back, exactly.

``TableEncoder`` turns a DataFrame into an :class:`EncodedTable` in the style
a model asks for, and decodes model output to the exact dtypes, rounding,
bounds and missing-value share of the real table.
"""

from synthtab.encoding import categorical, numeric  # noqa: F401  (registers the encoders)
from synthtab.encoding.base import (
    CategoricalEncoding,
    ColumnEncoder,
    NumericEncoding,
    categorical_encoders,
    numeric_encoders,
)
from synthtab.encoding.layout import Activation, EncodedTable, EncodingStyle, Layout, Span
from synthtab.encoding.table import EncodingOptions, TableEncoder

__all__ = [
    "Activation",
    "CategoricalEncoding",
    "ColumnEncoder",
    "EncodedTable",
    "EncodingOptions",
    "EncodingStyle",
    "Layout",
    "NumericEncoding",
    "Span",
    "TableEncoder",
    "categorical_encoders",
    "numeric_encoders",
]
