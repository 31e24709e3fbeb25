"""Read and write tables as CSV, TSV or Parquet files.

Reading turns every failure (a missing file, a folder, an unknown suffix, an
empty or unparsable file) into a :class:`~synthtab.errors.DataSourceError` that
names the file. Writing goes through :func:`~synthtab.io.atomic.atomic_output`,
so a failed write leaves neither a partial file nor a temporary one, and raises
:class:`~synthtab.errors.OutputError`.

>>> import tempfile, pathlib
>>> import pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "people.parquet"
>>> _ = write_table(pd.DataFrame({"age": [31, 45]}), path)
>>> read_table(path)["age"].tolist()
[31, 45]
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from synthtab.errors import DataSourceError, OutputError
from synthtab.io.atomic import atomic_output, check_writable
from synthtab.io.sql import is_database_url, read_sql

#: File suffixes (lower case) and the format each one means.
FORMATS: dict[str, str] = {".csv": "CSV", ".tsv": "TSV", ".parquet": "Parquet", ".pq": "Parquet"}

_SEPARATORS = {"CSV": ",", "TSV": "\t"}
_MAX_REASON = 160
# pandas 3 parses floats exactly by default (and deprecates the option); pandas 2 needs it
_EXACT_FLOATS = {"float_precision": "round_trip"} if pd.__version__ < "3" else {}


def _suffixes_text() -> str:
    return ", ".join(FORMATS)


def _short(exc: BaseException) -> str:
    """The first line of an underlying error, cut to a readable length."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 3] + "..."


def table_format(path: str | os.PathLike[str], *, writing: bool = False) -> str:
    """The format ("CSV", "TSV" or "Parquet") that ``path``'s suffix names.

    Raises :class:`DataSourceError` (or :class:`OutputError` when ``writing``)
    for a suffix synthtab does not know, listing the ones it does.

    >>> table_format("train.pq")
    'Parquet'
    """
    suffix = Path(path).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    given = f"suffix '{suffix}'" if suffix else "no suffix"
    if writing:
        raise OutputError(
            f"Cannot write '{path}': {given} is not a table format synthtab writes. "
            f"Use one of: {_suffixes_text()}."
        )
    raise DataSourceError(
        f"Cannot read '{path}': {given} is not a table format synthtab reads. "
        f"Use one of: {_suffixes_text()}."
    )


def read_table(
    path: str | os.PathLike[str], *, table: str | None = None, encoding: str = "utf-8"
) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file, or a database table, into a DataFrame.

    Parameters
    ----------
    path: the file, whose suffix (.csv, .tsv, .parquet, .pq) picks the format,
        or a database URL (``sqlite:///shop.db``, ``postgresql://user@host/db``).
    table: the table to read from a database; files hold one table, so it
        must be ``None`` for them.
    encoding: the text encoding of a CSV or TSV file (default ``"utf-8"``),
        e.g. ``"latin-1"``; ignored for Parquet.

    Raises
    ------
    DataSourceError: the file is missing, a folder, of an unknown format,
        empty, or cannot be parsed. The message names the file.

    Examples
    --------
    >>> read_table("no/such/file.csv")
    Traceback (most recent call last):
    ...
    synthtab.errors.DataSourceError: The data file 'no/such/file.csv' does not exist.
    """
    if is_database_url(path):
        return read_sql(str(path), table)
    source = Path(path).expanduser()
    if source.is_dir():
        raise DataSourceError(f"The data path '{path}' is a folder; give a table file.")
    if not source.exists():
        raise DataSourceError(f"The data file '{path}' does not exist.")
    fmt = table_format(path)
    if table is not None:
        raise DataSourceError(
            f"The table option ({table!r}) applies to database sources only; "
            f"'{path}' is a {fmt} file that holds one table."
        )
    try:
        frame = _read(source, fmt, encoding)
    except PermissionError:
        raise DataSourceError(f"Cannot read the data file '{path}': permission denied.") from None
    except pd.errors.EmptyDataError:
        raise DataSourceError(f"The data file '{path}' is empty.") from None
    except UnicodeDecodeError:
        raise DataSourceError(
            f"Could not read '{path}' as {fmt}: it is not {encoding} text. "
            "Pass its encoding, e.g. read_table(path, encoding=\"latin-1\")."
        ) from None
    except LookupError:
        raise DataSourceError(f"Cannot read '{path}': unknown encoding {encoding!r}.") from None
    except (ValueError, TypeError, NotImplementedError, OSError) as exc:
        # pandas and pyarrow raise ValueError subclasses (ParserError, ArrowInvalid)
        raise DataSourceError(f"Could not read '{path}' as {fmt}: {_short(exc)}") from None
    if frame.shape[1] == 0 or len(frame) == 0:
        raise DataSourceError(f"The data file '{path}' is empty (it holds no rows).")
    return frame


def _read(source: Path, fmt: str, encoding: str = "utf-8") -> pd.DataFrame:
    if fmt == "Parquet":
        return pd.read_parquet(source, engine="pyarrow")
    return pd.read_csv(source, sep=_SEPARATORS[fmt], encoding=encoding, **_EXACT_FLOATS)


def check_table_output(path: str | os.PathLike[str], *, option: str = "output file") -> Path:
    """Check, before any work is done, that a table can be written to ``path``.

    Raises :class:`OutputError` for an unknown suffix, a folder, or a folder
    that does not exist or is not writable.

    >>> check_table_output("synthetic.csv").name
    'synthetic.csv'
    """
    table_format(path, writing=True)
    return check_writable(path, option=option)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to a CSV, TSV or Parquet file, atomically.

    CSV and TSV are written without the index; Parquet keeps every dtype
    (nullable integers, categories, strings, datetimes). On any failure the
    target is left as it was and no temporary file remains.

    Raises
    ------
    OutputError: unknown suffix, missing or unwritable folder, or a value
        the format cannot hold.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_table(pd.DataFrame({"x": [1.5]}), pathlib.Path(tempfile.mkdtemp()) / "x.csv")
    >>> out.read_text()
    'x\\n1.5\\n'
    """
    fmt = table_format(path, writing=True)
    with atomic_output(path, option="output file") as tmp:
        try:
            _writer(fmt)(df, tmp)
        except (ValueError, TypeError, NotImplementedError) as exc:
            raise OutputError(f"Could not write '{path}' as {fmt}: {_short(exc)}") from None
    return Path(path).expanduser()


def _writer(fmt: str) -> Callable[[pd.DataFrame, Path], None]:
    if fmt == "Parquet":
        return lambda df, tmp: df.to_parquet(tmp, engine="pyarrow", index=False)
    return lambda df, tmp: df.to_csv(tmp, sep=_SEPARATORS[fmt], index=False)
