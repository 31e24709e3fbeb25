"""The anchors: SDV's single-table synthesizers and MOSTLY AI's TabularARGN, timed alike.

They are not dependencies of synthtab. They live in the benchmark environment that
``bash scripts/bench_env.sh`` builds (``.bench-venv``), and are imported lazily here,
so that this module imports (and ruff checks it) without them:

    .bench-venv/bin/python benchmarks/bench_anchors.py

Each ``fit_sample_*`` returns an :class:`AnchorRun`: the synthetic rows and the fit
and sample seconds, measured separately. torch runs on the CPU with 2 threads.
"""

from __future__ import annotations

import importlib
import importlib.util
import tempfile
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

SDV_KINDS = ("gaussian_copula", "ctgan", "tvae")
TORCH_THREADS = 2
_TABLE = "table"
_SETUP = (
    "Build the benchmark environment with `bash scripts/bench_env.sh`, then run the "
    "benchmark with `.bench-venv/bin/python benchmarks/<script>.py`."
)


class AnchorUnavailableError(RuntimeError):
    """An anchor's package is not installed in the running Python."""


@dataclass(frozen=True, kw_only=True)
class AnchorRun:
    """Synthetic rows from one anchor and the seconds it took to fit and to sample.

    ``fit_cpu_seconds`` is this process's CPU time during the fit, all its threads together
    (worker processes not counted): on a shared machine it moves less with other
    people's load than the wall-clock seconds.
    """

    name: str
    data: pd.DataFrame
    fit_seconds: float
    sample_seconds: float
    fit_cpu_seconds: float


def sdv_available() -> bool:
    """Whether SDV can be imported here."""
    return importlib.util.find_spec("sdv") is not None


def mostly_available() -> bool:
    """Whether MOSTLY AI's tabular engine (from ``mostlyai[local]``) can be imported here."""
    try:
        return importlib.util.find_spec("mostlyai.engine") is not None
    except ModuleNotFoundError:
        return False


def _require(module: str, package: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise AnchorUnavailableError(
            f"{package} is not installed in this Python ({exc}). {_SETUP}"
        ) from exc


def limit_torch_threads() -> None:
    """Run torch on ``TORCH_THREADS`` CPU threads (the benchmark machine has 2 cores)."""
    _require("torch", "torch").set_num_threads(TORCH_THREADS)


def warm_torch() -> None:
    """Pay torch's one-off cost of a first optimizer (it imports ``torch._dynamo``, ~2.5 s).

    A process pays it once, in whichever fit builds the first optimizer; warming it
    before every timer keeps each model's fit time free of it, whatever the run order.
    """
    torch = _require("torch", "torch")
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def _seed_torch(seed: int) -> None:
    # The anchors draw from the global numpy and torch generators; seeding them is
    # the only way to make their fit repeatable.
    limit_torch_threads()
    warm_torch()
    _require("torch", "torch").manual_seed(seed)
    np.random.seed(seed)  # noqa: NPY002


def sdv_metadata(frame: pd.DataFrame):
    """SDV metadata detected from ``frame``, as one table without keys (no column is an id)."""
    metadata = _require("sdv.metadata", "sdv")
    return metadata.Metadata.detect_from_dataframes({_TABLE: frame}, infer_keys=None)


def _sdv_synthesizer(kind: str, frame: pd.DataFrame, epochs: int):
    single = _require("sdv.single_table", "sdv")
    # Numbers stay inside the real range and keep the real rounding (adult's are integers).
    common = {"enforce_min_max_values": True, "enforce_rounding": True}
    if kind == "gaussian_copula":
        return single.GaussianCopulaSynthesizer(sdv_metadata(frame), **common)
    neural = {"epochs": epochs, "enable_gpu": False, "verbose": False}
    if kind == "ctgan":
        return single.CTGANSynthesizer(sdv_metadata(frame), **common, **neural)
    if kind == "tvae":
        return single.TVAESynthesizer(sdv_metadata(frame), **common, **neural)
    raise ValueError(f"Unknown SDV synthesizer '{kind}'; expected one of {', '.join(SDV_KINDS)}.")


def fit_sample_sdv(
    kind: str, train_df: pd.DataFrame, n: int, epochs: int = 10, seed: int = 0
) -> AnchorRun:
    """Fit SDV's ``kind`` synthesizer on ``train_df`` and sample ``n`` rows.

    ``kind`` is one of ``gaussian_copula``, ``ctgan``, ``tvae``; ``epochs`` applies to
    the neural two. SDV samples from its own fixed seed; ``seed`` seeds the fit.

    >>> run = fit_sample_sdv("gaussian_copula", train, 1_000)  # doctest: +SKIP
    >>> run.fit_seconds, run.data.shape  # doctest: +SKIP
    """
    if kind not in SDV_KINDS:
        raise ValueError(
            f"Unknown SDV synthesizer '{kind}'; expected one of {', '.join(SDV_KINDS)}."
        )
    _seed_torch(seed)
    with warnings.catch_warnings():
        # SDV urges saving detected metadata to JSON; a benchmark detects it every run.
        warnings.filterwarnings("ignore", message=".*save_to_json.*", category=UserWarning)
        synthesizer = _sdv_synthesizer(kind, train_df, epochs)
    started, cpu = time.perf_counter(), time.process_time()
    synthesizer.fit({_TABLE: train_df})  # SDV 2 takes and returns {table name: frame}
    fitted, cpu = time.perf_counter(), time.process_time() - cpu
    data = synthesizer.sample(num_rows=n)[_TABLE]
    done = time.perf_counter()
    return AnchorRun(
        name=f"sdv {kind}",
        data=data,
        fit_seconds=fitted - started,
        sample_seconds=done - fitted,
        fit_cpu_seconds=cpu,
    )


def fit_sample_mostly(
    train_df: pd.DataFrame, n: int, seed: int = 0, max_epochs: float = 10
) -> AnchorRun:
    """Fit MOSTLY AI's TabularARGN (the engine of ``mostlyai[local]``) and sample ``n`` rows.

    Runs the engine in-process on the CPU, in a temporary workspace, without the SDK's
    local server. ``max_epochs`` caps training (its early stopping may end it sooner).

    >>> run = fit_sample_mostly(train, 1_000, max_epochs=5)  # doctest: +SKIP
    """
    engine = _require("mostlyai.engine", "mostlyai[local]")
    _seed_torch(seed)
    with tempfile.TemporaryDirectory(prefix="tabularargn-") as workspace:
        model = engine.TabularARGN(
            max_epochs=max_epochs,
            device="cpu",
            workspace_dir=workspace,
            random_state=seed,
            verbose=0,
        )
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(train_df)
        fitted, cpu = time.perf_counter(), time.process_time() - cpu
        data = model.sample(n_samples=n)
        done = time.perf_counter()
        model.close()
    data = data[list(train_df.columns)].astype(train_df.dtypes.to_dict(), errors="ignore")
    return AnchorRun(
        name="mostlyai tabularargn",
        data=data,
        fit_seconds=fitted - started,
        sample_seconds=done - fitted,
        fit_cpu_seconds=cpu,
    )


def quality_score(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """SDMetrics' classic single-table QualityReport score (shapes and pair trends), 0 to 1.

    >>> quality_score(train, synthetic)  # doctest: +SKIP
    0.87
    """
    with warnings.catch_warnings():
        # Deprecated for SDMetrics' unified report, which scores pair trends only over
        # pairs above a real-correlation threshold: the classic one stays comparable with
        # the figures issue 6 quotes.
        warnings.filterwarnings("ignore", category=FutureWarning)
        reports = _require(
            "sdmetrics.reports.single_table.quality_report", "sdmetrics (it comes with sdv)"
        )
    metadata = sdv_metadata(real).to_dict()["tables"][_TABLE]
    report = reports.QualityReport()
    report.generate(real, synthetic[list(real.columns)], metadata, verbose=False)
    return float(report.get_score())


def fit_sample_ours(
    model: str, train_df: pd.DataFrame, n: int, seed: int = 0, **params: object
) -> AnchorRun:
    """Fit ``Synthesizer(model, seed=seed, **params)`` and sample ``n`` rows, timed alike.

    Raises synthtab's ``UnknownNameError`` when ``model`` is not registered (yet).

    >>> run = fit_sample_ours("trees", train, 1_000)  # doctest: +SKIP
    """
    import sklearn.mixture  # noqa: F401  (SDV imports it before its timer; synthtab in fit)

    from synthtab import Synthesizer

    warm_torch()
    synthesizer = Synthesizer(model, seed=seed, **params)
    started, cpu = time.perf_counter(), time.process_time()
    synthesizer.fit(train_df)
    fitted, cpu = time.perf_counter(), time.process_time() - cpu
    data = synthesizer.sample(n)
    done = time.perf_counter()
    chosen = getattr(getattr(synthesizer, "fit_report_", None), "model", model)
    name = f"synthtab {model}" + (f" ({chosen})" if chosen != model else "")
    return AnchorRun(
        name=name,
        data=data,
        fit_seconds=fitted - started,
        sample_seconds=done - fitted,
        fit_cpu_seconds=cpu,
    )
