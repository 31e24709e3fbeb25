"""What the table is: column kinds, exact dtypes, facts learned, and validation."""

from synthtab.schema.inference import infer_schema
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema
from synthtab.schema.validation import validate_against_schema, validate_table

__all__ = [
    "ColumnKind",
    "ColumnSpec",
    "TableSchema",
    "infer_schema",
    "validate_against_schema",
    "validate_table",
]
