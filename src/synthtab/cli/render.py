"""How the CLI looks: consoles, error lines, progress bars and rich tables.

Results go to stdout; progress, status lines and errors go to stderr, so that
``synthtab ... > file`` and CI logs stay clean. Progress bars are drawn only
when stderr is a terminal. Markup is off: column names, labels and paths are
printed literally (a label like ``[x]`` stays ``[x]``); styles come from Text.

>>> short({"hidden": [256, 256]}), short(0.1234567)
('{"hidden": [256, 256]}', '0.123457')
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib.util import find_spec
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from synthtab.errors import SynthtabError

_MAX_CELL = 60
_MAX_CATEGORIES = 5


def out_console() -> Console:
    """The console for results (stdout)."""
    return Console(highlight=False, markup=False)


def err_console() -> Console:
    """The console for progress, status and errors (stderr)."""
    return Console(stderr=True, highlight=False, markup=False)


def status(message: str) -> None:
    """One dim status line on stderr."""
    err_console().print(Text(message, style="dim"), soft_wrap=True)


def error_text(exc: BaseException) -> str:
    """The one-line (or, for table problems, one-block) message shown for ``exc``."""
    if isinstance(exc, OSError) and not isinstance(exc, SynthtabError) and exc.strerror:
        where = f" '{exc.filename}'" if exc.filename else ""
        return f"{exc.strerror}{where}."
    return str(exc) or type(exc).__name__


@contextmanager
def cli_errors() -> Iterator[None]:
    """Print a synthtab or file-access error as one red line on stderr and exit with 2."""
    try:
        yield
    except (SynthtabError, OSError) as exc:
        message = Text(f"Error: {error_text(exc)}", style="bold red")
        err_console().print(message, soft_wrap=True)
        raise typer.Exit(2) from None


class _StatusColumn(SpinnerColumn):
    """A spinner while a stage runs, a tick once it has ended."""

    def render(self, task: Task) -> Text:
        if task.finished or task.stop_time is not None:
            return Text("✓", style="green")
        return super().render(task)  # type: ignore[return-value]


class _RateColumn(ProgressColumn):
    """Throughput, e.g. ``12,345 rows/s``."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        text = f"{speed:,.0f} {self.unit}/s" if speed else ""
        return Text(text, style="progress.data.speed")


class StageProgress:
    """A :data:`~synthtab.progress.ProgressCallback` drawing one rich task per stage.

    A stage whose total is 0 (unknown) shows a spinner and a pulsing bar;
    when the next stage starts, the previous one is marked as ended.
    """

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}
        self._current: TaskID | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            self.close()
            task = self._progress.add_task(stage, total=total or None)
            self._tasks[stage] = task
            self._current = task
        self._progress.update(task, completed=done, total=total or None)

    def close(self) -> None:
        """Mark the running stage as ended (a spinner's total becomes its count)."""
        if self._current is None:
            return
        task = self._progress.tasks[self._current]
        if task.total is None:
            count = max(int(task.completed), 1)
            self._progress.update(self._current, total=count, completed=count)
        self._progress.stop_task(self._current)
        self._current = None


@contextmanager
def stage_progress(*, unit: str | None = None) -> Iterator[StageProgress]:
    """A rich progress display on stderr, yielding the callback to pass to synthtab.

    >>> with stage_progress(unit="rows") as progress:
    ...     progress("sampling", 10, 10)
    """
    console = err_console()
    columns: list[str | ProgressColumn] = [
        _StatusColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
    ]
    if unit:
        columns.append(_RateColumn(unit))
    columns.append(TimeElapsedColumn())
    # off a terminal (CI, pipes) rich cannot animate; the summary line says what happened
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        tracker = StageProgress(progress)
        yield tracker
        tracker.close()


def short(value: Any, limit: int = _MAX_CELL) -> str:
    """A compact, one-line text for a parameter or report value."""
    if isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: Any) -> str:
    return "" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def _instants(low: float | None, high: float | None) -> str:
    """Datetime bounds (epoch seconds) as dates, or as instants when either has a time."""
    import pandas as pd  # only here: the CLI's start-up stays fast

    stamps = [None if v is None else pd.Timestamp(v, unit="s") for v in (low, high)]
    dates = all(s is None or s == s.normalize() for s in stamps)
    shown = [
        "" if s is None else s.date().isoformat() if dates else s.isoformat(sep=" ") for s in stamps
    ]
    return f"{shown[0]} to {shown[1]}"


def _details(spec: Any) -> str:
    if spec.categories:
        shown = ", ".join(str(c) for c in spec.categories[:_MAX_CATEGORIES])
        more = len(spec.categories) - _MAX_CATEGORIES
        return shown + (f", … (+{more} more)" if more > 0 else "")
    if spec.minimum is not None or spec.maximum is not None:
        if spec.kind.value == "datetime":  # bounds are epoch seconds: show them as instants
            return _instants(spec.minimum, spec.maximum)
        return f"{_number(spec.minimum)} to {_number(spec.maximum)}"
    generated = spec.pii_provider or spec.identifier_pattern or ""
    if spec.missing_share:
        generated += f" ({spec.missing_share:.1%} missing)"
    return f"{generated} - {spec.reason}" if spec.reason else generated


def _titled(title: str) -> Table:
    # wide enough for its title: rich would otherwise wrap the title of a narrow table
    return Table(title=title, title_justify="left", min_width=len(title) + 2)


def schema_table(schema: Any) -> Table:
    """Name, kind, dtype, nullability and range or categories of every column."""
    table = _titled("Schema")
    for header in ("column", "kind", "dtype", "nullable", "range / categories"):
        table.add_column(header, overflow="fold")
    for spec in schema.columns:
        nullable = "yes" if spec.nullable else "no"
        table.add_row(spec.name, spec.kind.value, spec.dtype, nullable, _details(spec))
    return table


def mapping_table(title: str, values: Mapping[str, Any], *, whole: Iterable[str] = ()) -> Table:
    """A two-column key/value table; values of the keys in ``whole`` are never shortened."""
    keep = set(whole)
    table = _titled(title)
    table.add_column("name")
    table.add_column("value", overflow="fold")
    for key, value in values.items():
        table.add_row(str(key), str(value) if key in keep else short(value))
    return table


def fit_report_table(report: Mapping[str, Any]) -> Table:
    """The fit report: scalars as they are, histories as their length and last value."""
    rows: dict[str, Any] = {}
    for key, value in report.items():
        if key == "history" and isinstance(value, Mapping):
            for name, series in value.items():
                last = short(series[-1]) if series else "-"
                rows[f"history.{name}"] = f"{len(series)} values, last {last}"
        elif key == "notes":
            for i, note in enumerate(value or ["-"], start=1):
                rows["notes" if len(value or ()) < 2 else f"note {i}"] = str(note)
        else:
            rows[key] = value
    notes = [k for k in rows if k == "notes" or k.startswith("note ")]
    return mapping_table("Fit report", rows, whole=notes)


def _yes_no(flag: bool) -> Text:
    return Text("yes", style="green") if flag else Text("no")


def models_table(entries: Iterable[Any]) -> Table:
    """One row per registered model: what it is and what it can do."""
    table = _titled("Models")
    headers = ("name", "description", "encoding", "native\nconditioning", "differential\nprivacy")
    for header in headers:
        table.add_column(header, overflow="fold")
    for entry in entries:
        try:  # a lazy entry declares its capabilities: listing it imports no torch
            caps = entry.capabilities or entry.load().capabilities
            if caps.needs_torch and find_spec("torch") is None:
                raise SynthtabError("it needs torch: pip install 'synthtab[neural]'")
        except SynthtabError as exc:
            reason = Text.assemble(entry.description, "\n", (f"unavailable: {exc}", "red"))
            table.add_row(entry.name, reason, "-", "-", "-")
            continue
        table.add_row(
            entry.name,
            entry.description,
            str(getattr(caps.style, "value", caps.style)),
            _yes_no(caps.native_conditioning),
            _yes_no(caps.differential_privacy),
        )
    return table


def params_table(entry: Any) -> Table:
    """The parameters of one model with their defaults (its preset applied)."""
    cls = entry.load()
    table = _titled(f"Parameters of '{entry.name}'")
    table.add_column("parameter")
    table.add_column("default", overflow="fold")
    table.add_column("meaning", overflow="fold")
    for field in dataclasses.fields(cls.Params):
        if field.name in entry.preset:
            default: Any = entry.preset[field.name]
        elif field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = "(required)"
        table.add_row(field.name, short(default), field.metadata.get("doc", ""))
    return table


def comparison_table(comparison: Any) -> Table:
    """The output of :func:`synthtab.evaluation.compare_columns` as a table."""
    table = Table(
        title="Real vs synthetic",
        title_justify="left",
        caption="difference: relative difference of the means; "
        "TV: total variation distance of the label shares (0 = same).",
        caption_justify="left",
    )
    table.add_column("column", overflow="fold")
    for header in ("real mean ± std", "synthetic mean ± std", "difference"):
        table.add_column(header, justify="right")
    for name, row in comparison.iterrows():
        if row["kind"] == "categorical":
            table.add_row(str(name), "", "", f"TV {row['tv_distance']:.3f}")
            continue
        diff = row["relative_difference"]
        table.add_row(
            str(name),
            f"{row['real_mean']:.4g} ± {row['real_std']:.3g}",
            f"{row['synthetic_mean']:.4g} ± {row['synthetic_std']:.3g}",
            "n/a" if diff != diff else f"{diff:+.1%}",  # NaN when the real mean is 0
        )
    return table
