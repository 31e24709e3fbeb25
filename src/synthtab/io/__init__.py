"""Reading and writing tables; every write is atomic.

>>> from synthtab.io import read_table, write_table
"""

from synthtab.io.atomic import atomic_output, check_writable
from synthtab.io.tables import FORMATS, check_table_output, read_table, table_format, write_table

__all__ = [
    "FORMATS",
    "atomic_output",
    "check_table_output",
    "check_writable",
    "read_table",
    "table_format",
    "write_table",
]
