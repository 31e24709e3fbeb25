"""Whole databases in and out: a folder of table files, or every table of a database URL.

Reading a folder takes each ``.csv``, ``.tsv``, ``.parquet`` or ``.pq`` file as one
table named after the file. Reading a database URL takes every table of it, with the
primary and foreign keys the database declares (SQLAlchemy reflection), so that
detection need not guess them. Writing a folder fills a hidden staging folder beside
the target and renames it into place; writing a database creates every table with its
primary and foreign keys declared, parents first, in one transaction. A failure leaves
no folder, file or table behind.

>>> import tempfile, pathlib, pandas as pd
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> db = {"shops": pd.DataFrame({"shop_id": [1, 2]}),
...       "sales": pd.DataFrame({"sale_id": [1, 2, 3], "shop_id": [1, 1, 2]})}
>>> _ = write_database(db, root / "out")
>>> sorted(read_database(root / "out").tables)
['sales', 'shops']
>>> url = "sqlite:///" + str(root / "shop.db")
>>> _ = write_database(db, url, primary_keys={"shops": ("shop_id",), "sales": ("sale_id",)},
...                    foreign_keys=[(("sales", ("shop_id",)), ("shops", ("shop_id",)))])
>>> read_database(url).foreign_keys
[(('sales', ('shop_id',)), ('shops', ('shop_id',)))]
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synthtab.errors import DataSourceError, OutputError
from synthtab.io.sql import _engine, is_database_url, safe_url
from synthtab.io.tables import FORMATS, read_table, table_format, write_table

#: (table, columns) -> (table, columns): a child's columns hold a parent's key
ForeignKey = tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]


@dataclass
class DatabaseSource:
    """The tables read, and the keys their source declares (a folder declares none)."""

    tables: dict[str, pd.DataFrame]
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


def is_database_source(source: str | os.PathLike[str]) -> bool:
    """A folder, or a database URL given without a table."""
    return is_database_url(str(source)) or Path(source).expanduser().is_dir()


def read_database(source: str | os.PathLike[str]) -> DatabaseSource:
    """Every table of a folder of table files or of a database URL (see the module)."""
    if is_database_url(str(source)):
        return _read_sql_database(str(source))
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise DataSourceError(f"The database folder '{source}' does not exist.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)
    if not files:
        raise DataSourceError(
            f"The folder '{source}' holds no table files ({', '.join(FORMATS)}); a database "
            "folder holds one file per table."
        )
    stems = [p.stem for p in files]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise DataSourceError(
            f"The folder '{source}' holds more than one file for the table(s) {twice}; "
            "keep one file per table."
        )
    return DatabaseSource({p.stem: read_table(p) for p in files})


def _read_sql_database(url: str) -> DatabaseSource:
    import sqlalchemy as sa

    engine = _engine(url, writing=False)
    inspector = sa.inspect(engine)
    names = inspector.get_table_names()
    if not names:
        raise DataSourceError(f"The database '{safe_url(url)}' holds no tables.")
    tables, keys, links = {}, {}, []
    with engine.connect() as connection:
        for name in names:
            tables[name] = pd.read_sql_table(name, connection)
            key = inspector.get_pk_constraint(name).get("constrained_columns") or []
            if key:
                keys[name] = tuple(key)
            for fk in inspector.get_foreign_keys(name):
                if fk.get("referred_table") in names:
                    links.append(
                        (
                            (name, tuple(fk["constrained_columns"])),
                            (fk["referred_table"], tuple(fk["referred_columns"])),
                        )
                    )
    empty = [n for n, f in tables.items() if f.empty]
    if len(empty) == len(tables):
        raise DataSourceError(f"Every table of '{safe_url(url)}' is empty.")
    return DatabaseSource(tables, keys, links)


def write_database(
    tables: Mapping[str, pd.DataFrame],
    target: str | os.PathLike[str],
    *,
    file_format: str = ".csv",
    primary_keys: Mapping[str, Sequence[str]] | None = None,
    foreign_keys: Sequence[ForeignKey] = (),
    overwrite: bool = False,
) -> str:
    """Write ``tables`` to a new folder (one ``file_format`` file per table) or to a
    database URL (new tables, keys declared); returns where they went."""
    if is_database_url(str(target)):
        return _write_sql_database(tables, str(target), primary_keys or {}, foreign_keys)
    return str(_write_folder(tables, Path(target).expanduser(), file_format, overwrite))


def _write_folder(
    tables: Mapping[str, pd.DataFrame], target: Path, file_format: str, overwrite: bool
) -> Path:
    table_format(f"x{file_format}", writing=True)
    if target.exists() and not (target.is_dir() and overwrite):
        what = "folder" if target.is_dir() else "file"
        hint = " Pass --overwrite to replace it, or" if target.is_dir() else ""
        raise OutputError(
            f"The output {what} '{target}' already exists.{hint} choose another path."
        )
    if not target.parent.is_dir():
        raise OutputError(
            f"Cannot write the database folder '{target}': the folder '{target.parent}' "
            "does not exist."
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, frame in tables.items():
            write_table(frame, staging / f"{name}{file_format}")
        staging.chmod(0o777 & ~_umask())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():  # the old folder goes only once the new one is complete
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        target.rename(old / target.name)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_sql_database(
    tables: Mapping[str, pd.DataFrame],
    url: str,
    primary_keys: Mapping[str, Sequence[str]],
    foreign_keys: Sequence[ForeignKey],
) -> str:
    import sqlalchemy as sa

    engine = _engine(url, writing=True)
    taken = sorted(set(tables) & set(sa.inspect(engine).get_table_names()))
    if taken:
        raise OutputError(
            f"The database '{safe_url(url)}' already has the table(s) {taken}; synthtab "
            "writes new tables only. Choose another database or drop them first."
        )
    metadata = sa.MetaData()
    declared = [fk for fk in foreign_keys if _resolves(tables, fk)]
    for name, frame in tables.items():
        constraints: list[Any] = []
        key = list(primary_keys.get(name, ()))
        if key:
            constraints.append(sa.PrimaryKeyConstraint(*key))
        for (child, cols), (parent, parent_cols) in declared:
            if child == name:
                refs = [f"{parent}.{c}" for c in parent_cols]
                constraints.append(sa.ForeignKeyConstraint(list(cols), refs))
        columns = [sa.Column(str(c), _sql_type(frame[c])) for c in frame.columns]
        sa.Table(name, metadata, *columns, *constraints)
    with engine.begin() as connection:  # one transaction: nothing stays on failure
        metadata.create_all(connection)
        for table in metadata.sorted_tables:  # parents before children
            frame = tables[table.name]
            if len(frame):
                frame.to_sql(table.name, connection, index=False, if_exists="append")
    return url


def _resolves(tables: Mapping[str, pd.DataFrame], fk: ForeignKey) -> bool:
    """Declare a foreign key only where every non-missing value has its parent row (a
    synthetic orphan, kept at the real share, would break the constraint)."""
    (child, cols), (parent, parent_cols) = fk
    if child not in tables or parent not in tables:
        return False
    values = tables[child][list(cols)].dropna()
    keys = pd.MultiIndex.from_frame(tables[parent][list(parent_cols)])
    return bool(pd.MultiIndex.from_frame(values).isin(keys).all())


def _sql_type(series: pd.Series) -> Any:
    import sqlalchemy as sa

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return sa.Boolean()
    if pd.api.types.is_integer_dtype(dtype):
        return sa.BigInteger()
    if pd.api.types.is_float_dtype(dtype):
        return sa.Float()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return sa.DateTime(timezone=getattr(dtype, "tz", None) is not None)
    return sa.Text()
