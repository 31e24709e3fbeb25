"""The customer-export flow end to end through the command line, with timings.

Run from the repository root:  .venv/bin/python benchmarks/bench_customer_export.py [--rows N]

Builds the Faker customer table of customer_table.py (5,000 rows by default, and a
1,500-row holdout), then times, as a user would run them: ``synthtab fit``,
``inspect``, ``sample -n N``, ``sample --condition country=Monaco`` (a 1% country),
and ``evaluate -t churned --holdout ... -m ... --report``. It prints seconds per
step, the peak memory of each, what the evaluation left out and flagged, and the
machine's load average (other work slows every step). It asserts nothing.
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

from customer_table import customer_export

SYNTHTAB = Path(sys.executable).with_name("synthtab")


def _run(step: str, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(SYNTHTAB), *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    status = "ok" if done.returncode == 0 else f"FAILED ({done.stderr.strip()[:200]})"
    print(f"  {step:<34}{seconds:>8.2f} s   peak so far {peak:>7.0f} MB   {status}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        real, holdout = work / "customers.csv", work / "holdout.csv"
        customer_export(args.rows, 0).to_csv(real, index=False)
        customer_export(max(args.rows * 3 // 10, 300), 1).to_csv(holdout, index=False)
        model, synthetic = work / "customers.synth", work / "synthetic.csv"
        scores, report = work / "scores.json", work / "report.html"
        total = _run("fit (auto)", "fit", str(real), "-o", str(model))
        total += _run("inspect", "inspect", str(model))
        total += _run(f"sample -n {args.rows:,}", "sample", str(model), "-n", str(args.rows),
                      "-o", str(synthetic))  # fmt: skip
        total += _run("sample 500 with country=Monaco", "sample", str(model), "-n", "500",
                      "-o", str(work / "monaco.csv"), "--condition", "country=Monaco")  # fmt: skip
        total += _run("evaluate --report (with -m)", "evaluate", str(real), str(synthetic),
                      "-t", "churned", "--holdout", str(holdout), "-m", str(model),
                      "--report", str(report), "--json", str(scores))  # fmt: skip
        print(f"  {'whole flow':<34}{total:>8.2f} s")
        if scores.exists():
            written = json.loads(scores.read_text())
            print("left out of the metrics:", ", ".join(written["context"]["excluded_columns"]))
            copied = written["scores"].get("copied_values")
            print(f"copied_values (largest excess over chance): {copied:.3f}")
            for family, headline in written["headline"].items():
                print(f"  {family}: {headline['verdict']}")


if __name__ == "__main__":
    main()
