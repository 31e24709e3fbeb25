"""SQL databases in and out, through SQLAlchemy: any database URL it knows.

Reading takes one table; writing creates a new table and fills it in one
transaction, so a failure leaves no table behind (SQLite and PostgreSQL both
roll back table creation). Connection problems surface within seconds as a
:class:`~synthtab.errors.DataSourceError` or :class:`~synthtab.errors.OutputError`.

>>> import tempfile, pathlib, pandas as pd
>>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "shop.db")
>>> write_sql([pd.DataFrame({"x": [1, 2]})], url, "rows")
'rows'
>>> read_sql(url, "rows")["x"].tolist()
[1, 2]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from synthtab.errors import DataSourceError, OutputError, did_you_mean

#: Seconds to wait for a database server before giving up.
CONNECT_TIMEOUT = 5


def is_database_url(source: object) -> bool:
    """Whether ``source`` is a database URL such as ``sqlite:///x.db`` or ``postgresql://...``."""
    return isinstance(source, str) and "://" in source


def _engine(url: str, *, writing: bool) -> Any:
    import sqlalchemy as sa

    error = OutputError if writing else DataSourceError
    try:
        engine = sa.create_engine(url, connect_args=_timeout_args(url))
        with engine.connect():
            pass
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise error(f"'{safe_url(url)}' is not a database URL synthtab can open ({exc}).") from None
    except sa.exc.SQLAlchemyError as exc:
        raise error(f"Cannot connect to '{safe_url(url)}': {_first_line(exc)}") from None
    return engine


def _timeout_args(url: str) -> dict[str, Any]:
    if url.startswith("postgresql"):
        return {"connect_timeout": CONNECT_TIMEOUT}
    if url.startswith("sqlite"):
        return {"timeout": CONNECT_TIMEOUT}
    return {}


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL has no password to hide
        return url


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def read_sql(url: str, table: str | None) -> pd.DataFrame:
    """Read ``table`` from the database at ``url``.

    Raises :class:`DataSourceError` for an unreachable database, a missing
    ``table`` option, or a table that does not exist (listing the ones that do).
    """
    import sqlalchemy as sa

    engine = _engine(url, writing=False)
    names = sa.inspect(engine).get_table_names()
    if not table:
        raise DataSourceError(
            f"Reading from a database needs a table name; '{safe_url(url)}' has: {names}."
        )
    if table not in names:
        raise DataSourceError(
            f"The database '{safe_url(url)}' has no table '{table}'.{did_you_mean(table, names)} "
            f"Its tables: {names}."
        )
    with engine.connect() as connection:
        frame = pd.read_sql_table(table, connection)
    if frame.empty:
        raise DataSourceError(f"The table '{table}' in '{safe_url(url)}' holds no rows.")
    return frame


def write_sql(batches: Iterable[pd.DataFrame], url: str, table: str) -> str:
    """Create ``table`` at ``url`` and insert every batch, all in one transaction."""
    import sqlalchemy as sa

    engine = _engine(url, writing=True)
    if table in sa.inspect(engine).get_table_names():
        raise OutputError(
            f"The database '{safe_url(url)}' already has a table '{table}'; synthtab writes "
            "new tables only. Choose another name or drop that table first."
        )
    with engine.begin() as connection:  # commits at the end, rolls back on any error
        for i, batch in enumerate(batches):
            batch.to_sql(table, connection, index=False, if_exists="fail" if i == 0 else "append")
    return table
