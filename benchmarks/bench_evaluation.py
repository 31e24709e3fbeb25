"""How long does the full evaluation report take on adult? Seconds per stage.

Run from the repository root:  .venv/bin/python benchmarks/bench_evaluation.py
adult is split 24,000 training rows / 6,162 holdout rows (stratified on income);
Synthesizer(model="auto", seed=0) learns the training rows and samples 24,000;
then ``evaluate(..., figures=True)`` and ``to_html``. The goal is the report
(metrics, figures and HTML) in under 60 s on 2 cores. It prints figures and the
load average (other work on the machine slows every stage); it asserts nothing.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from common import TARGET, load_adult
from sklearn.model_selection import train_test_split

from synthtab import Synthesizer
from synthtab.evaluation import evaluate

TRAIN_ROWS = 24_000
BUDGET_SECONDS = 60.0


def _line(stage: str, seconds: float, cpu: float | None = None) -> None:
    used = f"{cpu:>9.2f} s CPU" if cpu is not None else ""
    print(f"  {stage:<28}{seconds:>8.2f} s{used}", flush=True)


class _Clock:
    """Wall and process CPU seconds since the last lap (CPU shows a busy machine's toll)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


def main() -> None:
    real = load_adult()
    train, holdout = train_test_split(
        real, train_size=TRAIN_ROWS, stratify=real[TARGET], random_state=0
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"adult: {len(train):,} training rows, {len(holdout):,} holdout rows; "
        f"{os.cpu_count()} cores, load average {load}\n"
    )
    clock = _Clock()
    synth = Synthesizer(model="auto", seed=0).fit(train)
    _line(f"fit ({synth.model_name_})", *clock.lap())
    synthetic = synth.sample(len(train))
    _line("sample", *clock.lap())

    report_clock = _Clock()
    report = evaluate(
        train, synthetic, target=TARGET, holdout=holdout, history=synth.fit_report_.history
    )
    context = report.context
    _line("metrics", context["seconds_metrics"])
    for name, seconds in context["figure_seconds"].items():
        _line(f"  figure: {name}", seconds)
    _line("figures", context["seconds_figures"])
    _line("evaluate (metrics + figures)", *clock.lap())
    with tempfile.TemporaryDirectory() as folder:
        path = report.to_html(Path(folder) / "adult_report.html")
        size = path.stat().st_size
    _line("HTML", *clock.lap())
    total, total_cpu = report_clock.lap()
    _line("report total", total, total_cpu)
    verdict = "within" if total < BUDGET_SECONDS else "OVER"
    print(
        f"\nreport: {total:.1f} s ({verdict} the {BUDGET_SECONDS:.0f} s budget), "
        f"{len(report.figures)} figures, HTML {size / 1e6:.2f} MB"
    )
    for family, (score, verdict_text) in report.headline().items():
        print(f"  {family:<10}{score:.3f}  {verdict_text}")
    for note in context["notes"]:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()
