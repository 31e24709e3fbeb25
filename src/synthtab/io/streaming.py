"""Stream DataFrame batches into one CSV, TSV or Parquet file, atomically.

Memory stays bounded by one batch; the file appears under its name only when
every batch is written, so a failure or Ctrl-C leaves nothing behind.

>>> import tempfile, pathlib, pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.parquet"
>>> batches = (pd.DataFrame({"x": [i, i + 1]}) for i in range(0, 6, 2))
>>> write_batches(batches, path).name, len(pd.read_parquet(path))
('rows.parquet', 6)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from synthtab.io.atomic import atomic_output
from synthtab.io.tables import table_format


def write_batches(
    batches: Iterable[pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    row_group_rows: int | None = None,
) -> Path:
    """Write every batch to ``path`` (format from its suffix); returns the path.

    With ``row_group_rows``, Parquet row groups have that size whatever the
    batches are, so the same rows always give the same bytes.
    """
    fmt = table_format(path, writing=True)
    if row_group_rows:
        batches = rebatch(iter(batches), row_group_rows)
    with atomic_output(path, option="output file") as tmp:
        if fmt == "Parquet":
            _parquet(batches, tmp)
        else:
            _text(batches, tmp, sep="\t" if fmt == "TSV" else ",")
    return Path(path)


def _parquet(batches: Iterable[pd.DataFrame], target: Path) -> None:
    """Write on a second thread (pyarrow releases the GIL) while the next batch is made."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    writing: Future[None] | None = None
    with ThreadPoolExecutor(1, thread_name_prefix="synthtab-write") as thread:
        try:
            for batch in batches:
                table = pa.Table.from_pandas(batch, preserve_index=False, nthreads=1)
                if writer is None:
                    writer = pq.ParquetWriter(target, table.schema)
                table = table.cast(writer.schema)
                if writing is not None:
                    writing.result()
                writing = thread.submit(writer.write_table, table)
            if writing is not None:
                writing.result()
        finally:
            if writing is not None:
                writing.exception()  # wait before closing; the first error is already raised
            if writer is not None:
                writer.close()


def _text(batches: Iterable[pd.DataFrame], target: Path, *, sep: str) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        for i, batch in enumerate(batches):
            batch.to_csv(handle, sep=sep, index=False, header=i == 0)


def rebatch(blocks: Iterator[pd.DataFrame], size: int) -> Iterator[pd.DataFrame]:
    """Cut a stream of frames into frames of ``size`` rows (the last may be shorter)."""
    pending: list[pd.DataFrame] = []
    held = 0
    for block in blocks:
        pending.append(block)
        held += len(block)
        while held >= size:
            joined = pd.concat(pending) if len(pending) > 1 else pending[0]
            yield joined if len(joined) == size else joined.iloc[:size]
            held -= size
            pending = [joined.iloc[size:]] if held else []  # no copying a block to join nothing
    if held:
        yield pd.concat(pending) if len(pending) > 1 else pending[0]
