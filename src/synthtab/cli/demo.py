"""``synthtab demo``: fit, sample, compare and report on a table shipped with scikit-learn.

The breast cancer table (569 rows, 30 measurements and a 0/1 target) comes
with scikit-learn, so the demo needs no download. A fifth of it is held out
(never shown to the model) so that the report's privacy section has unseen
real rows to compare with. :func:`print_evaluation` is shared with
``synthtab evaluate``.

>>> load_demo_table().shape
(569, 31)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from synthtab.cli.render import comparison_table, out_console, stage_progress, status

if TYPE_CHECKING:
    import pandas as pd

    from synthtab import Synthesizer
    from synthtab.evaluation import Report

#: How many feature columns the comparison table shows (the target is added).
SHOWN_COLUMNS = 10
#: Share of the demo table held out from fitting, for the report's privacy section.
HOLDOUT_SHARE = 0.2
#: Scores printed under the headline, when computed: (key, label).
KEY_SCORES = (
    ("column_shapes", "column shapes (1 - KS/TVD, 1 is best)"),
    ("detection", "real-vs-synthetic detection AUC (0.5 is best)"),
    ("utility_tstr", "TSTR ROC AUC (train synthetic, test real)"),
    ("utility_trtr", "TRTR ROC AUC (train real, test real)"),
    ("dcr_share_closer_to_train", "share closer to training than holdout (0.5 is best)"),
    ("exact_copy_rate", "synthetic rows copied from training"),
)


def load_demo_table() -> pd.DataFrame:
    """scikit-learn's breast cancer table as one DataFrame (features and ``target``)."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


def run_demo(*, rows: int, out: Path, model: str, seed: int) -> dict[str, Path]:
    """Fit ``model`` on the breast cancer table, save it, ``rows`` synthetic rows and a report.

    Four fifths of the table fit the model; the rest is the holdout of the report.
    Prints a comparison of the first columns and the target, the correlation
    difference, the report's headline, and where the files went. Returns the
    paths written (``model``, ``data``, ``report``).
    """
    from sklearn.model_selection import train_test_split

    from synthtab import Synthesizer
    from synthtab.io import write_table

    table = load_demo_table()
    real, holdout = train_test_split(
        table, test_size=HOLDOUT_SHARE, stratify=table["target"], random_state=seed
    )
    status(
        f"Loaded scikit-learn's breast cancer table: {len(table)} rows × {table.shape[1]} "
        f"columns; fitting on {len(real)}, holding out {len(holdout)} for the report."
    )
    out.mkdir(parents=True, exist_ok=True)
    synth = Synthesizer(model, seed=seed)
    started = time.perf_counter()
    with stage_progress() as progress:
        synth.fit(real, progress=progress)
    fit_seconds = time.perf_counter() - started
    model_path = synth.save(out / "model.synth")
    started = time.perf_counter()
    with stage_progress(unit="rows") as progress:
        synthetic = synth.sample(rows, progress=progress)
    sample_seconds = time.perf_counter() - started
    data_path = write_table(synthetic, out / "synthetic.csv")
    console = out_console()
    console.print(
        f"Fitted '{model}' in {fit_seconds:.2f} s; sampled {rows:,} rows in "
        f"{sample_seconds:.2f} s.",
        soft_wrap=True,
    )
    _print_comparison(real, synthetic)
    report_path = _write_report(synth, real, synthetic, holdout, out / "report.html", seed)
    console.print(f"Model:          {model_path}", soft_wrap=True)
    console.print(f"Synthetic rows: {data_path}", soft_wrap=True)
    console.print(f"Report:         {report_path}", soft_wrap=True)
    console.print(f"Next: synthtab inspect {model_path}", soft_wrap=True)
    return {"model": model_path, "data": data_path, "report": report_path}


def _print_comparison(real: pd.DataFrame, synthetic: pd.DataFrame) -> None:
    from synthtab.evaluation import compare_columns, correlation_difference

    shown = [*real.columns[:SHOWN_COLUMNS], "target"]
    console = out_console()
    console.print(comparison_table(compare_columns(real[shown], synthetic[shown])))
    console.print(
        Text.assemble(
            "Mean absolute difference of the Pearson correlations (all numeric columns): ",
            (f"{correlation_difference(real, synthetic):.3f}", "bold"),
            " (0 is perfect).",
        ),
        soft_wrap=True,
    )


def _write_report(
    synth: Synthesizer,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    path: Path,
    seed: int,
) -> Path:
    from synthtab.evaluation import evaluate

    status("Evaluating fidelity, utility and privacy, and drawing the report's figures ...")
    real, synthetic, holdout = (_named_classes(f) for f in (real, synthetic, holdout))
    report = evaluate(
        real,
        synthetic,
        target="target",
        holdout=holdout,
        seed=seed,
        history=synth.fit_report_.history,
    )
    report.to_html(path)
    print_evaluation(report)
    return path


def _named_classes(frame: pd.DataFrame) -> pd.DataFrame:
    """The 0/1 target as 'malignant'/'benign'.

    The report reads better with class names, and scikit-learn 1.9's random forest
    rejects balanced class weights for labels such as '0' and '1'.
    """
    names = {0: "malignant", 1: "benign"}
    return frame.assign(target=frame["target"].round().astype("Int64").map(names))


def print_evaluation(report: Report) -> None:
    """Print a report's headline (three scores with verdicts) and its key scores.

    Examples
    --------
    >>> print_evaluation(evaluate(real, synthetic, target="y", holdout=test))  # doctest: +SKIP
    """
    console = out_console()
    headline = Table(title="Evaluation headline", title_justify="left")
    columns: tuple[tuple[str, Any], ...] = (
        ("family", "left"),
        ("score", "right"),
        ("verdict", "left"),
    )
    for name, justify in columns:
        headline.add_column(name, justify=justify)
    for family, (score, verdict) in report.headline().items():
        headline.add_row(family.capitalize(), f"{score:.2f}", verdict)
    console.print(headline)
    scores = report.scores
    for key, label in KEY_SCORES:
        if key in scores:
            console.print(f"  {label}: {scores[key]:.3f}", soft_wrap=True)
    for note in report.context.get("notes", []):
        status(f"Note: {note}")
