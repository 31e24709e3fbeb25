"""``synthtab demo``: fit, sample and compare on a table shipped with scikit-learn.

The breast cancer table (569 rows, 30 measurements and a 0/1 target) comes
with scikit-learn, so the demo needs no download.

>>> load_demo_table().shape
(569, 31)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from synthtab.cli.render import comparison_table, out_console, stage_progress, status

if TYPE_CHECKING:
    import pandas as pd

#: How many feature columns the comparison table shows (the target is added).
SHOWN_COLUMNS = 10


def load_demo_table() -> pd.DataFrame:
    """scikit-learn's breast cancer table as one DataFrame (features and ``target``)."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


def run_demo(*, rows: int, out: Path, model: str, seed: int) -> dict[str, Path]:
    """Fit ``model`` on the breast cancer table, save it and ``rows`` synthetic rows in ``out``.

    Prints a comparison of the first columns and the target, the correlation
    difference, and where the files went. Returns the paths written.
    """
    from synthtab import Synthesizer
    from synthtab.evaluation import compare_columns, correlation_difference
    from synthtab.io import write_table

    real = load_demo_table()
    status(
        f"Loaded scikit-learn's breast cancer table: {len(real)} rows × {real.shape[1]} columns."
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

    shown = [*real.columns[:SHOWN_COLUMNS], "target"]
    comparison = compare_columns(real[shown], synthetic[shown])
    gap = correlation_difference(real, synthetic)
    console = out_console()
    console.print(
        f"Fitted '{model}' in {fit_seconds:.2f} s; sampled {rows:,} rows in "
        f"{sample_seconds:.2f} s.",
        soft_wrap=True,
    )
    console.print(comparison_table(comparison))
    console.print(
        Text.assemble(
            "Mean absolute difference of the Pearson correlations (all numeric columns): ",
            (f"{gap:.3f}", "bold"),
            " (0 is perfect).",
        ),
        soft_wrap=True,
    )
    console.print(f"Model:          {model_path}", soft_wrap=True)
    console.print(f"Synthetic rows: {data_path}", soft_wrap=True)
    console.print(f"Next: synthtab inspect {model_path}", soft_wrap=True)
    return {"model": model_path, "data": data_path}
