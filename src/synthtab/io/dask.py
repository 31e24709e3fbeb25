"""Dask: row blocks drawn across a cluster, and fitting from Parquet larger than memory.

Sampling gives each task a run of row blocks; each writes its own Parquet part
of one dataset folder. Block ``k`` comes from its own seed wherever it is
drawn, so reading the parts in order gives exactly the rows of a one-process
run with the same seed. The parts go into a temporary folder beside the
target, renamed into place when every part is written: a failure leaves
nothing half-written. Workers must see the target's folder (one machine, or a
shared file system).

A scheduler that does not answer is reported within :data:`CONNECT_TIMEOUT`
seconds.

>>> from synthtab.io.dask import connect  # doctest: +SKIP
>>> synth.sample_to("out.parquet", 10_000_000, client=connect("tcp://host:8786"))  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthtab.errors import DataSourceError, InvalidParameterError, OutputError, SynthtabError
from synthtab.io.atomic import check_writable
from synthtab.progress import ProgressCallback, report
from synthtab.random import BLOCK_ROWS, SeedTree

if TYPE_CHECKING:
    from distributed import Client

    from synthtab.sampling.engine import SamplingEngine

#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT = 5
#: Row blocks per Parquet part (16,384 rows each): about half a million rows a part.
BLOCKS_PER_PART = 32


def connect(
    address: str, *, timeout: float = CONNECT_TIMEOUT, error: type[SynthtabError] = OutputError
) -> Client:
    """A client of the Dask scheduler at ``address`` (``tcp://host:8786``).

    Raises ``error`` (an :class:`OutputError` by default) within ``timeout``
    seconds when the scheduler does not answer.
    """
    try:
        from distributed import Client
    except ImportError:
        raise error(
            "Dask is not installed; install it with: pip install 'synthtab[dask]'."
        ) from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise error(
            f"Cannot reach the Dask scheduler at '{address}' within {timeout:g} s ({exc}). "
            "Start one with 'dask scheduler' and check the address."
        ) from None


def sample_dataset(
    engine: SamplingEngine,
    path: str | os.PathLike[str],
    n: int,
    seeds: SeedTree,
    client: Client,
    *,
    progress: ProgressCallback | None = None,
) -> Path:
    """Write ``n`` unconditioned rows as a Parquet dataset folder, drawn by the workers.

    Part ``i`` holds blocks ``i * BLOCKS_PER_PART`` onwards, in files
    ``part-00000.parquet``, ... whose rows, read in order, equal a one-process
    run with the same seeds.
    """
    target = _check_dataset_target(path)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    )
    try:
        shared = client.scatter(engine, broadcast=True, hash=False)
        blocks = math.ceil(n / BLOCK_ROWS)
        futures = [
            client.submit(
                _write_part, shared, n, seeds, first, str(staging), pure=False, key=_key(first)
            )
            for first in range(0, blocks, BLOCKS_PER_PART)
        ]
        _gather(client, futures, n, progress)
        _replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _key(first: int) -> str:
    import uuid

    return f"synthtab-part-{first}-{uuid.uuid4().hex}"


def _gather(client: Client, futures: list[Any], n: int, progress: ProgressCallback | None) -> None:
    from distributed import as_completed

    done = 0
    try:
        for future in as_completed(futures):
            done += future.result()
            report(progress, "sample", done, n)
    except BaseException:
        client.cancel(futures)
        raise


def _write_part(engine: SamplingEngine, n: int, seeds: SeedTree, first: int, folder: str) -> int:
    """On a worker: draw blocks ``first ..`` of the part and write them; returns the rows."""
    from synthtab.io.streaming import write_batches

    _heap_for_block_arrays()
    part = Path(folder) / f"part-{first // BLOCKS_PER_PART:05d}.parquet"
    blocks = engine.block_range(n, seeds, first, first + BLOCKS_PER_PART)
    write_batches(blocks, part, row_group_rows=BLOCK_ROWS)
    return min(n, (first + BLOCKS_PER_PART) * BLOCK_ROWS) - first * BLOCK_ROWS


@lru_cache(maxsize=1)
def _heap_for_block_arrays() -> None:
    """Let glibc serve a block's arrays from its heap again in this worker process.

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_`` set, which pins glibc's
    mmap threshold at 128 KiB: every array of a 16,384-row block is then mapped
    and unmapped afresh, and the trees model spent 2.9x the CPU of a plain
    process (1.65 s against 0.57 s a part). A 32 MiB threshold restores it; the
    trim threshold that Dask wants for returning memory stays as it was.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name and sys.platform.startswith("linux") else None
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)


_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def _check_dataset_target(path: str | os.PathLike[str]) -> Path:
    target = Path(path).expanduser()
    if target.suffix.lower() not in {".parquet", ".pq", ""}:
        raise OutputError(
            f"Sampling with Dask writes a Parquet dataset folder; '{target}' has the suffix "
            f"'{target.suffix}'. Give a name ending in .parquet (or none)."
        )
    if target.is_file():
        raise OutputError(f"'{target}' is a file; Dask writes a dataset folder there. Remove it.")
    folder = target.parent / "_"  # check_writable checks the parent of the path it is given
    check_writable(folder, option="output dataset")
    return target


def _replace_folder(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``; an old dataset there goes only once the new one is in."""
    staging.chmod(0o777 & ~_umask())
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.replace(old)
    staging.replace(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_client_request(conditions: object) -> None:
    """Dask draws unconditioned rows only; say so before any work starts."""
    if conditions is not None:
        raise InvalidParameterError(
            "Sampling with a Dask client draws unconditioned rows only; sample with "
            "conditions in one process (without client=)."
        )


# -- fitting from a Parquet dataset larger than memory ---------------------------------


def read_uniform_sample(
    path: str | os.PathLike[str], rows: int, *, seed: int = 0, client: Client | None = None
) -> tuple[pd.DataFrame, int]:
    """A uniform random sample of about ``rows`` rows of a Parquet file or dataset folder.

    Returns the sample and the dataset's total row count. Only one partition at
    a time is held in memory (per worker).
    """
    import dask.dataframe as dd

    if not Path(path).exists():
        raise DataSourceError(f"Cannot read '{path}': no such file or folder.")
    try:
        frame = dd.read_parquet(str(path))
        total = int(frame.map_partitions(len).compute(scheduler=client or "threads").sum())
    except (OSError, ValueError) as exc:
        raise DataSourceError(f"Cannot read the Parquet dataset '{path}': {exc}") from None
    if rows >= total:
        return frame.compute(scheduler=client or "threads").reset_index(drop=True), total
    sample = frame.sample(frac=min(1.0, rows * 1.02 / total), random_state=seed)
    data = sample.compute(scheduler=client or "threads").reset_index(drop=True)
    if len(data) > rows:  # the per-partition draw overshoots a little by design; cut it
        keep = SeedTree(seed).rng("cut").choice(len(data), rows, replace=False)
        data = data.iloc[sorted(keep)].reset_index(drop=True)
    return data, total


def fit_from_dataset(
    synth: Any,
    path: str | os.PathLike[str],
    *,
    sample_rows: int = 1_000_000,
    client: Client | None = None,
) -> Any:
    """Fit ``synth`` on a Parquet dataset that may not fit in memory.

    The model is fitted on a uniform sample of ``sample_rows`` rows; every
    label and every numeric range come from a pass over all rows, and
    ``marginals`` and ``copula`` then take their marginal distributions from
    all rows by map/reduce (:mod:`synthtab.io.dask_stats`). Under differential
    privacy only the sample is read (the full-scan facts would not be private).
    The fit report's notes say which statistics came from where.

    >>> fit_from_dataset(Synthesizer("copula"), "big/", sample_rows=10**5)  # doctest: +SKIP
    """
    from synthtab.io.dask_stats import full_scan_facts, refit_marginals

    data, total = read_uniform_sample(path, sample_rows, seed=synth.seed, client=client)
    if len(data) >= total or getattr(synth, "privacy", None) is not None:
        synth.fit(data)
        if len(data) < total:
            _note_sample(synth, path, len(data), total, sample_rows)
        return synth
    import dask.dataframe as dd

    frame, scheduler = dd.read_parquet(str(path)), client or "threads"
    user = dict(synth.overrides or {})
    synth.overrides = {**full_scan_facts(frame, data, scheduler=scheduler), **user}
    try:
        synth.fit(data)
    finally:
        synth.overrides = user or None
    _note_sample(synth, path, len(data), total, sample_rows)
    synth.fit_report_.notes.append(f"labels and numeric ranges from all {total:,} rows")
    rows = refit_marginals(synth, frame, scheduler=scheduler)
    if rows is not None:
        synth.fit_report_.notes.append(
            f"marginal distributions from all {rows:,} rows by map/reduce (dask)"
        )
    return synth


def _note_sample(synth: Any, path: object, rows: int, total: int, asked: int) -> None:
    synth.fit_report_.notes.append(
        f"fitted on a uniform random sample of {rows:,} of the {total:,} rows of "
        f"'{path}' (sample_rows={asked:,})"
    )
