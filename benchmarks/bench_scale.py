"""Scale: rows/s and peak memory writing adult-like rows to Parquet, one process and Dask.

    .venv/bin/python benchmarks/bench_scale.py                      # 10M rows, copula and trees
    .venv/bin/python benchmarks/bench_scale.py --rows 2000000 --models copula --dask

Each run is a fresh subprocess that loads a saved model (fitting is not timed), so
its peak RSS is its own. CPU seconds (user + system, threads and Dask worker
processes included) are printed beside the wall clock: on a shared machine they
say what the work costs when the wall clock says how busy the cores were.
With --dask, a LocalCluster of two worker processes writes a dataset folder, and
its contents are checked, row group by row group, against the one-process file.
Targets (issue 8): copula >= 1M rows/s, trees >= 300k rows/s, peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import load_adult

from synthtab import Synthesizer


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def run_one(model_file: str, rows: int, out: str, workers: int) -> dict[str, float]:
    """Sample ``rows`` rows to ``out`` in this process (``workers`` Dask workers if > 0)."""
    synth = Synthesizer.load(model_file)
    client = None
    if workers:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    started, cpu = time.perf_counter(), os.times()
    synth.sample_to(out, rows, client=client)
    seconds = time.perf_counter() - started
    if client is not None:
        client.close()
        cluster.close()  # the workers' CPU time counts once their processes are reaped
    used = os.times()
    return {
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "cpu_s": sum(used[:4]) - sum(cpu[:4]),
        "peak_mb": _peak_mb(resource.RUSAGE_SELF),
        "worker_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN) if workers else 0.0,
    }


def _measure(model_file: Path, rows: int, out: Path, workers: int) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); from bench_scale import run_one; "
        f"print(json.dumps(run_one({str(model_file)!r}, {rows}, {str(out)!r}, {workers})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_contents(single: Path, dataset: Path) -> bool:
    """Whether a Parquet file and a dataset folder hold the same rows, one row group at a time."""
    import pyarrow.parquet as pq

    one = pq.ParquetFile(single)
    groups = (
        part.read_row_group(i)
        for path in sorted(dataset.iterdir())
        for part in [pq.ParquetFile(path)]
        for i in range(part.num_row_groups)
    )
    count = 0
    for i in range(one.num_row_groups):
        other = next(groups, None)
        if other is None or not one.read_row_group(i).equals(other):
            return False
        count += 1
    return next(groups, None) is None and count == one.num_row_groups


def _line(label: str, result: dict[str, float], rows: int) -> str:
    text = (
        f"{label:<28} {rows:>11,} rows {result['seconds']:7.2f} s {result['rows_per_s']:>11,.0f} "
        f"rows/s  cpu {result['cpu_s']:6.1f} s  peak RSS {result['peak_mb']:6.0f} MB"
    )
    if result["worker_peak_mb"]:
        text += f" (largest worker {result['worker_peak_mb']:.0f} MB)"
    return text


_ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Fit each model on adult, then time sampling to Parquet in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--models", nargs="+", default=["copula", "trees"])
    parser.add_argument("--dask", action="store_true", help="also time a 2-worker LocalCluster")
    args = parser.parse_args()
    real = load_adult()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for model in args.models:
            model_file = Synthesizer(model, seed=0).fit(real).save(tmp / f"{model}.synth")
            single = tmp / f"{model}.parquet"
            result = _measure(model_file, args.rows, single, 0)
            print(_line(f"{model}, one process", result, args.rows))
            if args.dask:
                dataset = tmp / f"{model}-dask.parquet"
                result = _measure(model_file, args.rows, dataset, 2)
                print(_line(f"{model}, Dask 2 workers", result, args.rows))
                print(f"{'':<28} same rows as one process: {same_contents(single, dataset)}")
            single.unlink()


if __name__ == "__main__":
    main()
