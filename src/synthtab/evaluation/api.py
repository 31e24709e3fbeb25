"""``evaluate``: run every registered metric on real and synthetic tables.

>>> import pandas as pd
>>> from synthtab.evaluation import evaluate
>>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0] * 10, "c": list("abab") * 10})
>>> evaluate(real, real, figures=False).scores["column_shapes"]
1.0
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError, SchemaMismatchError, SynthtabError, did_you_mean
from synthtab.evaluation.base import (
    EvalContext,
    MetricResult,
    RawTables,
    is_numeric,
    metric_registry,
)
from synthtab.evaluation.prepare import prepare_tables
from synthtab.evaluation.report import Report
from synthtab.progress import ProgressCallback, report

#: Modules whose import registers the built-in metrics.
METRIC_MODULES = ("fidelity", "utility", "privacy", "validity")


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    target: str | None = None,
    holdout: pd.DataFrame | None = None,
    schema: Any = None,
    seed: int = 0,
    constraints: Sequence[Any] | None = None,
    history: Mapping[str, Sequence[float]] | None = None,
    figures: bool = True,
    privacy: Any = None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Compare ``synthetic`` with the ``real`` training rows on fidelity, utility, privacy.

    Parameters
    ----------
    real, synthetic : the training table and the synthetic table (same columns).
    target : the column to predict for utility and conditional distributions.
    holdout : real rows *not* used to fit the generator; privacy metrics need it, and
        utility tests on it (without it, utility splits ``real`` 80/20 and says so).
    schema, seed, constraints, history : schema (inferred when None), the seed of every
        random draw, constraint objects with ``is_valid(df)``, training loss curves.
    figures : build the plots (needs matplotlib).
    privacy : the differential-privacy spend of the fit that made ``synthetic``
        (``synthesizer.privacy_report_``, or its ``to_dict()``), shown in the report.
    progress : a ``(stage, done, total)`` callback, called as each metric starts.

    The schema decides what is compared (see :mod:`synthtab.evaluation.prepare`):
    identifiers and personal data are left out of fidelity, utility and distance
    metrics and checked for copied values instead, text dates are parsed, and label
    columns with many labels are capped.

    Examples
    --------
    >>> report = evaluate(real, synthetic, target="income", holdout=test)  # doctest: +SKIP
    >>> report.scores["dcr_share_closer_to_train"]  # doctest: +SKIP
    """
    start = time.perf_counter()
    report(progress, "read the schema", 0, 0)
    ctx = build_context(
        real,
        synthetic,
        target=target,
        holdout=holdout,
        schema=schema,
        seed=seed,
        constraints=constraints,
        history=history,
    )
    synthetic = ctx.raw_tables().synthetic
    holdout = ctx.raw_tables().holdout
    results = run_metrics(ctx, progress=progress)
    metrics_done = time.perf_counter()
    figs = _figures(ctx, results, progress) if figures else []
    end = time.perf_counter()
    context = {
        "n_real": len(real),
        "n_synthetic": len(synthetic),
        "n_holdout": None if holdout is None else len(holdout),
        "target": target,
        "seed": seed,
        "seconds": round(end - start, 3),
        "seconds_metrics": round(metrics_done - start, 3),
        "seconds_figures": round(end - metrics_done, 3),
        "figure_seconds": ctx.cache.get("figure_seconds", {}),
        "notes": ctx.notes,
        "excluded_columns": ctx.raw_tables().excluded,
    }
    if privacy is not None:
        context["privacy"] = privacy.to_dict() if hasattr(privacy, "to_dict") else dict(privacy)
    return Report(results, figs, context)


def build_context(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    target: str | None = None,
    holdout: pd.DataFrame | None = None,
    schema: Any = None,
    seed: int = 0,
    constraints: Sequence[Any] | None = None,
    history: Mapping[str, Sequence[float]] | None = None,
) -> EvalContext:
    """The checked, schema-prepared tables every metric computes on (see :func:`evaluate`)."""
    _check_tables(real, synthetic, holdout, target)
    columns = list(real.columns)
    synthetic = synthetic[columns]
    holdout = None if holdout is None else holdout[columns]
    schema = schema if schema is not None else _infer(real)
    prepared = prepare_tables(real, synthetic, holdout, schema, target=target)
    return EvalContext(
        real=prepared.real,
        synthetic=prepared.synthetic,
        holdout=prepared.holdout,
        target=target,
        schema=schema,
        rng=np.random.default_rng(seed),
        constraints=list(constraints or []),
        history={k: list(v) for k, v in (history or {}).items()},
        notes=prepared.notes(),
        raw=RawTables(real, synthetic, holdout, prepared.excluded),
    )


def run_metrics(ctx: EvalContext, progress: ProgressCallback | None = None) -> list[MetricResult]:
    """Every registered metric's results on ``ctx``, plus the overall fidelity score."""
    import importlib

    from synthtab.evaluation.fidelity import overall_fidelity

    for module in METRIC_MODULES:
        try:
            importlib.import_module(f"synthtab.evaluation.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"synthtab.evaluation.{module}":
                raise
    results: list[MetricResult] = []
    for entry in metric_registry:
        report(progress, f"metric {entry.name}", 0, 0)  # one line per metric, as it starts
        try:
            out = entry.load()(**entry.preset).compute(ctx)
        except SynthtabError as exc:  # e.g. an optional package missing
            ctx.notes.append(f"{entry.name} skipped: {exc}")
            continue
        results.extend(out if isinstance(out, list) else [out])
    overall = overall_fidelity(results)
    results += [overall] if overall is not None else []
    order = ["fidelity", "utility", "privacy", "validity"]
    return sorted(results, key=lambda r: order.index(str(r.family)))


def _figures(
    ctx: EvalContext, results: list[MetricResult], progress: ProgressCallback | None
) -> list[Any]:
    try:
        from synthtab.evaluation.plots import build_figures
    except ModuleNotFoundError as exc:
        ctx.notes.append(f"figures skipped: {exc}")
        return []
    report(progress, "figures", 0, 0)
    return build_figures(ctx, results)


def _infer(real: pd.DataFrame) -> Any:
    from synthtab.schema import infer_schema

    return infer_schema(real)


def _check_tables(real: Any, synthetic: Any, holdout: Any, target: str | None) -> None:
    problems = []
    tables = {"real": real, "synthetic": synthetic}
    if holdout is not None:
        tables["holdout"] = holdout
    for what, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            problems.append(f"the {what} table is a {type(frame).__name__}; pass a DataFrame")
        elif len(frame) == 0:
            problems.append(f"the {what} table has no rows")
    if problems:
        raise DataValidationError(problems, what="The evaluation input")
    cols = list(real.columns)
    for what, frame in tables.items():
        if what == "real":
            continue
        missing = [c for c in cols if c not in frame.columns]
        added = [c for c in frame.columns if c not in cols]
        if missing:
            problems.append(f"the {what} table lacks the real columns {missing}")
        if added:
            problems.append(f"the {what} table has columns not in the real table: {added}")
        shared = [c for c in cols if c in frame.columns]
        mixed = [c for c in shared if is_numeric(frame[c]) != is_numeric(real[c])]
        if mixed:
            problems.append(f"these {what} columns are numeric in one table only: {mixed}")
    if problems:
        raise SchemaMismatchError(problems, what="The evaluation input")
    if target is not None and target not in cols:
        raise DataValidationError(
            [
                f"the target '{target}' is not a column of the real table."
                f"{did_you_mean(target, cols)} Columns: {', '.join(map(str, cols))}"
            ],
            what="The evaluation input",
        )
