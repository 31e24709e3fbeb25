"""The ``synthtab`` command line: fit, sample, inspect, models, evaluate, demo.

Every synthtab error (and every file-access error) is printed as one red line
on stderr, without a traceback, and the command exits with code 2. Results go
to stdout; progress and status go to stderr.

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["--help"]).exit_code
0
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from synthtab.cli.outputs import (
    HTML_SUFFIXES,
    JSON_SUFFIXES,
    MODEL_SUFFIXES,
    Output,
    guard_outputs,
)
from synthtab.cli.render import (
    cli_errors,
    fit_report_table,
    mapping_table,
    models_table,
    out_console,
    params_table,
    schema_table,
    stage_progress,
    status,
)

if TYPE_CHECKING:
    from synthtab import Synthesizer


class _HelpWithoutPlaceholder:
    """--help is a flag: its help line shows no ``<bool>`` value placeholder."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class _Command(_HelpWithoutPlaceholder, TyperCommand):
    pass


class _Group(_HelpWithoutPlaceholder, TyperGroup):
    pass


app = typer.Typer(
    name="synthtab",
    cls=_Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# synthtab (and so pandas) is imported inside the commands: `synthtab --help` stays fast.

Seed = Annotated[int, typer.Option("--seed", help="Seed: the same seed gives the same output.")]
# metavar="": a flag takes no value, so its help shows no <bool> placeholder
Overwrite = Annotated[
    bool, typer.Option("--overwrite", metavar="", help="Replace an output file that exists.")
]


def _show_version(value: bool) -> None:
    if value:
        from synthtab import __version__

        out_console().print(f"synthtab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, metavar="", help="Show the version."
        ),
    ] = False,
) -> None:
    """Synthetic tabular data: learn a table, then sample new rows that keep its statistics."""


def parse_value(text: str) -> Any:
    """A command-line value: JSON when it parses (1, 2.5, true, null, [1, 9]), else the text.

    JSON lists become tuples (a range for a condition). Strings such as
    ``>50K`` stay strings; quote a number to keep it a string: ``'"42"'``.

    >>> parse_value("3"), parse_value("0.5"), parse_value("true"), parse_value(">50K")
    (3, 0.5, True, '>50K')
    >>> parse_value("[20, 40]")
    (20, 40)
    """
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return tuple(value) if isinstance(value, list) else value


def parse_pairs(items: list[str] | None, *, option: str, metavar: str) -> dict[str, str]:
    """``["a=1", "b=x"]`` to ``{"a": "1", "b": "x"}``; a usage error for a malformed item.

    >>> parse_pairs(["epochs=10", "name=a=b"], option="--param", metavar="KEY=VALUE")
    {'epochs': '10', 'name': 'a=b'}
    """
    pairs: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"Expected {metavar}, got {item!r}.", param_hint=option)
        pairs[key] = value
    return pairs


def _load(path: Path) -> Synthesizer:
    from synthtab import Synthesizer
    from synthtab.errors import ModelFileError

    if path.is_dir():
        raise ModelFileError(f"The model path '{path}' is a folder; give a .synth file.")
    if not path.exists():
        raise ModelFileError(f"The model file '{path}' does not exist.")
    return Synthesizer.load(path)


def _check_model_name(name: str) -> None:
    from synthtab.models import model_registry

    model_registry.get(name)  # raises UnknownNameError with "Did you mean ...?"


def _check_rows(rows: int) -> None:
    from synthtab.errors import InvalidParameterError

    if rows < 1:
        raise InvalidParameterError(
            f"The --rows option must be a whole number of rows >= 1. Got {rows} instead."
        )


@app.command(cls=_Command)
def fit(
    data: Annotated[
        str,
        typer.Argument(
            help="The table to learn: a .csv, .tsv, .parquet or .pq file, or a database URL "
            "(sqlite:///shop.db, postgresql://user@host/db) with --table."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to save the model (a .synth file).")
    ],
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="Model name ('auto' picks one); list them with `synthtab models`.",
        ),
    ] = "auto",
    seed: Seed = 0,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="KEY=VALUE",
            help="A model parameter, repeatable; VALUE is read as JSON when it parses.",
        ),
    ] = None,
    override: Annotated[
        list[str] | None,
        typer.Option(
            metavar="COLUMN=KIND[:DETAIL]",
            help="Force a column kind (numeric, integer, categorical, boolean, datetime, "
            "identifier, pii); repeatable. pii takes a Faker provider (phone=pii:phone_number; "
            "without one it is guessed from the values), datetime a format "
            "(joined=datetime:%d/%m/%Y).",
        ),
    ] = None,
    constraints: Annotated[
        Path | None,
        typer.Option(
            "--constraints",
            help="A .toml or .yaml file of business rules every sampled row must obey.",
        ),
    ] = None,
    invalid_rows: Annotated[
        str,
        typer.Option(
            "--invalid-rows", help="When real rows break a rule: 'raise' (default) or 'drop'."
        ),
    ] = "raise",
    table: Annotated[
        str | None,
        typer.Option("--table", help="The table to read when DATA is a database URL."),
    ] = None,
    epsilon: Annotated[
        float | None,
        typer.Option(
            "--epsilon",
            help="Fit with differential privacy at this total epsilon (the models that can "
            "have differential privacy in 'synthtab models').",
        ),
    ] = None,
    delta: Annotated[
        float | None,
        typer.Option("--delta", help="The DP delta; default min(1e-5, 1/(10 rows))."),
    ] = None,
    rules: Annotated[
        str,
        typer.Option(
            "--rules",
            help="'auto' (the default): find the exact rules the rows obey (orders, formulas, "
            "lookups, parts of dates, missingness, grids) and keep them in every sampled row; "
            "`synthtab rules` shows them first. 'none': find none.",
        ),
    ] = "auto",
    reference: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TABLE",
            help="Database: a table kept as it is (a public lookup); children point at its "
            "real keys. Repeatable.",
        ),
    ] = None,
    relation: Annotated[
        list[str] | None,
        typer.Option(
            metavar="'CHILD.COL -> PARENT.COL'",
            help="Database: use exactly these foreign keys instead of detecting them. Repeatable.",
        ),
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TABLE=COL[,COL]",
            help="Database: a table's primary key, where detection should not decide.",
        ),
    ] = None,
    overwrite: Overwrite = False,
) -> None:
    """Learn a table (a file, or a database table) and save the fitted model.

    A folder of table files, or a database URL without --table, is a whole database:
    its keys and relations are found (or read from the database), and one model of
    all its tables is saved.
    """
    params = {
        k: parse_value(v)
        for k, v in parse_pairs(param, option="--param", metavar="KEY=VALUE").items()
    }
    overrides = parse_pairs(override, option="--override", metavar="COLUMN=KIND[:DETAIL]")
    keys = parse_pairs(key, option="--key", metavar="TABLE=COL[,COL]")
    with cli_errors():
        from synthtab.io.database import is_database_source

        if table is None and is_database_source(data):
            from synthtab.cli.database import fit_database

            if model != "auto":
                _check_model_name(model)
            table_only = {"--param": param, "--override": override, "--constraints": constraints,
                          "--epsilon": epsilon, "--delta": delta}  # fmt: skip
            fit_database(
                data, output, model=model, seed=seed, rules=_rules_option(rules),
                reference=reference or [], relations=relation or [], keys=keys,
                table_only=table_only, overwrite=overwrite,
            )  # fmt: skip
            return
        if reference or relation or keys:
            from synthtab.errors import InvalidParameterError

            raise InvalidParameterError(
                "--reference, --relation and --key are for a database (a folder of table "
                f"files, or a database URL without --table); '{data}' is one table."
            )
        from synthtab import Synthesizer
        from synthtab.constraints.config import load_constraints
        from synthtab.io import check_writable, read_table

        # checks the model name, the seed, the parameters and the rules before any data is read
        declared = load_constraints(constraints) if constraints else None
        privacy = _privacy_option(epsilon, delta)
        synth = Synthesizer(
            model,
            seed=seed,
            overrides=overrides or None,
            constraints=declared,
            invalid_rows=invalid_rows,
            privacy=privacy,
            rules=_rules_option(rules),
            **params,
        )
        check_writable(output, option="model file")
        guard_outputs(
            [Output(output, "model file", MODEL_SUFFIXES)],
            inputs=[data, constraints],
            overwrite=overwrite,
        )
        frame = read_table(data, table=table)
        status(f"Read {len(frame):,} rows × {frame.shape[1]} columns from {data}.")
        started = time.perf_counter()
        with stage_progress() as progress:
            synth.fit(frame, progress=progress)
        seconds = time.perf_counter() - started
        path = synth.save(output)
    out_console().print(
        f"Fitted the '{synth.model_name_}' model{' (chosen by auto)' if model == 'auto' else ''} "
        f"(seed {seed}) on {len(frame):,} rows × "
        f"{frame.shape[1]} columns in {seconds:.2f} s and saved it to {path}. "
        f"Sample from it with: synthtab sample {path} -n 1000 -o synthetic.csv",
        soft_wrap=True,
    )
    if synth.privacy_report_ is not None:
        spent = synth.privacy_report_
        out_console().print(
            f"Differential privacy: spent epsilon {spent.epsilon_total:.4g} of "
            f"{spent.epsilon_target:.4g}, delta {spent.delta:.3g} "
            f"({', '.join(f'{k} {v.epsilon:.3g}' for k, v in spent.parts.items())}).",
            soft_wrap=True,
        )


def _rules_option(rules: str) -> str | None:
    """'auto' or 'none' from --rules (the Python API's "auto" and None)."""
    from synthtab.errors import InvalidParameterError

    if rules.lower() not in ("auto", "none"):
        raise InvalidParameterError(
            f"--rules must be 'auto' (find the table's exact rules) or 'none'. Got {rules!r}; "
            "declared rules go in a file passed with --constraints."
        )
    return "auto" if rules.lower() == "auto" else None


def _privacy_option(epsilon: float | None, delta: float | None) -> Any:
    """A DPConfig from --epsilon/--delta; --delta alone is a mistake."""
    from synthtab.errors import InvalidParameterError
    from synthtab.privacy import DPConfig

    if epsilon is None:
        if delta is not None:
            raise InvalidParameterError("--delta needs --epsilon (the privacy budget).")
        return None

    return DPConfig(epsilon, delta=delta)


def _conditions(items: list[str] | None, synth: Synthesizer) -> Any:
    """A Condition from ``column=value`` items; a raw label the model knows stays a string."""
    pairs = parse_pairs(items, option="--condition", metavar="COLUMN=VALUE")
    if not pairs:
        return None
    from synthtab import Condition

    schema = synth.schema_
    values: dict[str, Any] = {}
    for column, text in pairs.items():
        known = schema[column].categories if column in schema else None
        values[column] = text if known and text in known else parse_value(text)
    return Condition(values)


@app.command(cls=_Command)
def rebalance(
    data: Annotated[str, typer.Argument(help="The table: a file, or a database URL with --table.")],
    target: Annotated[str, typer.Option("--target", "-t", help="The class column.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the rebalanced table.")
    ],
    strategy: Annotated[
        str,
        typer.Option(
            help="auto, smote, smotenc, adasyn, borderline, or a model name such as trees."
        ),
    ] = "auto",
    ratio: Annotated[
        float, typer.Option(help="Each class's share of the largest class, in (0, 1].")
    ] = 1.0,
    seed: Seed = 0,
    table: Annotated[
        str | None, typer.Option("--table", help="The table to read from a database URL.")
    ] = None,
    overwrite: Overwrite = False,
) -> None:
    """Add synthetic rows of the rarer classes; the real rows are kept."""
    with cli_errors():
        from synthtab.io import check_table_output, read_table, write_table
        from synthtab.rebalance import rebalance as add_rows

        check_table_output(output)
        guard_outputs([Output(output, "output file")], inputs=[data], overwrite=overwrite)
        frame = read_table(data, table=table)
        before = frame[target].value_counts().to_dict() if target in frame else {}
        with stage_progress():
            balanced = add_rows(frame, target, strategy=strategy, ratio=ratio, seed=seed)
        path = write_table(balanced, output)
    after = balanced[target].value_counts().to_dict()
    shown = ", ".join(f"{label}: {before.get(label, 0):,} -> {n:,}" for label, n in after.items())
    out_console().print(
        f"Rebalanced '{target}' ({shown}) and wrote {len(balanced):,} rows to {path}.",
        soft_wrap=True,
    )


@app.command(cls=_Command)
def sample(
    model_file: Annotated[Path, typer.Argument(help="A model saved by `synthtab fit`.")],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the rows: a .csv, .tsv or .parquet file, or a database URL "
            "(sqlite:///shop.db, postgresql://user@host/db) with --table. For a database "
            "model: a new folder (one file per table) or a database URL.",
        ),
    ],
    rows: Annotated[
        int | None,
        typer.Option("--rows", "-n", help="How many rows to generate (one-table models)."),
    ] = None,
    scale: Annotated[
        float,
        typer.Option(help="Database models: root tables this many times their real rows."),
    ] = 1.0,
    file_format: Annotated[
        str,
        typer.Option("--format", help="Database models writing a folder: csv, tsv or parquet."),
    ] = "csv",
    table: Annotated[
        str | None, typer.Option(help="The new table to create when --output is a database URL.")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Seed for this draw; default: the model's seed (same rows each time)."),
    ] = None,
    condition: Annotated[
        list[str] | None,
        typer.Option(
            metavar="COLUMN=VALUE",
            help="Fix a column, repeatable; VALUE is JSON when it parses ([20,40] is a range).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="A Dask scheduler (tcp://host:8786): its workers draw the rows and write "
            "--output as a Parquet dataset folder, one part per task.",
        ),
    ] = None,
    overwrite: Overwrite = False,
) -> None:
    """Generate rows from a saved model, streaming them to a file, a database or a dataset."""
    parse_pairs(condition, option="--condition", metavar="COLUMN=VALUE")  # usage errors first
    with cli_errors():
        from synthtab.cli.database import is_database_model

        if is_database_model(model_file):
            from synthtab.cli.database import sample_database

            _no_table_options(rows=rows, table=table, condition=condition, scheduler=scheduler)
            sample_database(
                model_file, output, scale=scale, seed=seed,
                file_format=f".{file_format.lower().lstrip('.')}", overwrite=overwrite,
            )  # fmt: skip
            return
        if rows is None:
            from synthtab.errors import InvalidParameterError

            raise InvalidParameterError(
                f"Sampling the one-table model '{model_file}' needs --rows N (-n N)."
            )
        _check_rows(rows)
        _check_sample_output(output, table, scheduler)
        if not table:
            guard_outputs([Output(output, "output file")], inputs=[model_file], overwrite=overwrite)
        synth = _load(model_file)
        conditions = _conditions(condition, synth)
        client = _dask_client(scheduler)
        started = time.perf_counter()
        try:
            with stage_progress(unit="rows") as progress:
                path = synth.sample_to(
                    output, rows, table=table, seed=seed, conditions=conditions,
                    progress=progress, client=client,
                )  # fmt: skip
        finally:
            if client is not None:
                client.close()
        seconds = time.perf_counter() - started
        from synthtab.io.sql import safe_url
    where = f"table '{table}' of {safe_url(str(path))}" if table else str(path)
    rate = f" ({rows / seconds:,.0f} rows/s)" if seconds > 0 else ""
    out_console().print(
        f"Wrote {rows:,} rows × {len(synth.schema_)} columns to {where} in {seconds:.2f} s{rate}.",
        soft_wrap=True,
    )


def _no_table_options(**given: Any) -> None:
    """Options of a one-table draw that a database draw does not take."""
    from synthtab.errors import InvalidParameterError

    named = [f"--{name}" for name, value in given.items() if value]
    if named:
        raise InvalidParameterError(
            f"{', '.join(named)} apply to one-table models; a database model draws every "
            "table (set its size with --scale)."
        )


def _check_sample_output(output: str, table: str | None, scheduler: str | None) -> None:
    """Usage errors about --output, --table and --scheduler, before any work."""
    from synthtab.errors import InvalidParameterError
    from synthtab.io import check_table_output
    from synthtab.io.sql import is_database_url

    if is_database_url(output):
        if not table:
            raise InvalidParameterError(
                "Writing to a database needs the name of a new table: add --table NAME."
            )
        if scheduler:
            raise InvalidParameterError(
                "--scheduler writes a Parquet dataset folder, not a database table."
            )
    elif table:
        raise InvalidParameterError(
            f"--table names a database table, but --output '{output}' is a file path."
        )
    elif not scheduler:
        check_table_output(output)


def _dask_client(scheduler: str | None) -> Any:
    if not scheduler:
        return None
    from synthtab.io.dask import connect

    return connect(scheduler)


@app.command(cls=_Command)
def inspect(
    model_file: Annotated[Path, typer.Argument(help="A model saved by `synthtab fit`.")],
) -> None:
    """Show a saved model: its schema, parameters and fit report (a database model: its
    tables and relations)."""
    with cli_errors():
        from synthtab.cli.database import inspect_database, is_database_model

        if is_database_model(model_file):
            inspect_database(model_file)
            return
        synth = _load(model_file)
        report = synth.fit_report_.to_dict()
        params: dict[str, Any] = {
            k: v for k, v in synth.get_params().items() if k not in ("overrides", "privacy")
        }
        params.update(synth.model_params_)
        overrides: Mapping[str, Any] = synth.get_params().get("overrides") or {}
    console = out_console()
    console.print(
        f"{model_file}: a '{synth.model_name_}' model fitted on "
        f"{report.get('n_rows', 0):,} rows × {len(synth.schema_)} columns.",
        soft_wrap=True,
    )
    console.print(schema_table(synth.schema_))
    console.print(mapping_table("Parameters", params))
    if overrides:
        console.print(mapping_table("Column kind overrides", overrides))
    console.print(fit_report_table(report))
    if synth.privacy_report_ is not None:
        console.print(mapping_table("Differential privacy", _privacy_rows(synth)))


def _privacy_rows(synth: Synthesizer) -> dict[str, Any]:
    assert synth.privacy_report_ is not None  # shown only when there is one
    spent = synth.privacy_report_.to_dict()
    rows = {k: spent[k] for k in ("epsilon_total", "delta", "epsilon_target", "delta_target")}
    for name, part in spent["parts"].items():
        how = ", ".join(part["mechanisms"])
        spend = f"epsilon {part['epsilon']:.4g}, delta {part['delta']:.3g}"
        rows[f"spent on {name}"] = f"{spend} ({how})"
    return rows


@app.command(cls=_Command)
def rules(
    data: Annotated[
        str, typer.Argument(help="The table: a .csv, .tsv, .parquet file or a database URL.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the rules as an editable constraints file (.toml) that "
            "`synthtab fit --constraints` reads back.",
        ),
    ] = None,
    min_support: Annotated[
        int, typer.Option("--min-support", help="Fewest rows that must show a rule.")
    ] = 20,
    table: Annotated[
        str | None,
        typer.Option("--table", help="The table to read when DATA is a database URL."),
    ] = None,
    seed: Seed = 0,
    overwrite: Overwrite = False,
) -> None:
    """Find the exact rules a table obeys: orders between columns, labels that fix others."""
    with cli_errors():
        from synthtab.constraints.config import constraints_to_toml
        from synthtab.constraints.discovery import discover_rules
        from synthtab.io import atomic_output, read_table

        if output is not None:
            guard_outputs(
                [Output(output, "rules file", (".toml",))], inputs=[data], overwrite=overwrite
            )
        frame = read_table(data, table=table)
        started = time.perf_counter()
        found = discover_rules(frame, min_support=min_support, seed=seed)
        seconds = time.perf_counter() - started
        console = out_console()
        console.print(
            f"{len(found)} rules hold in all {len(frame):,} rows of '{data}' "
            f"(found in {seconds:.2f} s):"
        )
        for rule in found:
            console.print(f"  {rule!r}", soft_wrap=True)
        if output is not None:
            with atomic_output(output, option="rules file") as tmp:
                tmp.write_text(constraints_to_toml(found), encoding="utf-8")
            status(f"Wrote {output}; edit it, then: synthtab fit DATA --constraints {output}")


@app.command(cls=_Command)
def models(
    name: Annotated[
        str | None, typer.Argument(help="Show the parameters of this model instead.")
    ] = None,
) -> None:
    """List the models you can fit, or the parameters of one."""
    with cli_errors():
        from synthtab.models import model_registry

        table = (
            models_table(model_registry) if name is None else params_table(model_registry.get(name))
        )
    out_console().print(table)


@app.command(cls=_Command)
def evaluate(
    real: Annotated[str, typer.Argument(help="The real rows the generator learned (a file).")],
    synthetic: Annotated[str, typer.Argument(help="The synthetic rows to judge (a file).")],
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="Column to predict for utility.")
    ] = None,
    holdout: Annotated[
        str | None,
        typer.Option(help="Real rows the generator never saw; privacy metrics need them."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the HTML report (with figures) here.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the scores as JSON here.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="The .synth file that made the rows: adds its loss curves "
            "and privacy spend to the report.",
        ),
    ] = None,
    seed: Seed = 0,
    overwrite: Overwrite = False,
) -> None:
    """Judge synthetic rows against real ones: fidelity, utility and privacy."""
    from synthtab.cli.demo import print_evaluation

    with cli_errors():
        from synthtab.evaluation import evaluate as run_evaluation
        from synthtab.io import check_writable, read_table

        written_to = [
            (report, "HTML report", HTML_SUFFIXES),
            (json_out, "JSON report", JSON_SUFFIXES),
        ]
        for path, what, _ in written_to:
            if path is not None:
                check_writable(path, option=what)
        guard_outputs(
            [Output(p, what, suffixes) for p, what, suffixes in written_to if p is not None],
            inputs=[real, synthetic, holdout, model],
            overwrite=overwrite,
        )
        fitted = _load(model) if model is not None else None
        real_rows, fake_rows = read_table(real), read_table(synthetic)
        held = read_table(holdout) if holdout else None
        status(f"Evaluating {len(fake_rows):,} synthetic rows against {len(real_rows):,} real.")
        with stage_progress() as progress:
            result = run_evaluation(
                real_rows,
                fake_rows,
                target=target,
                holdout=held,
                seed=seed,
                figures=report is not None,
                progress=progress,
                **_model_facts(fitted),
            )
        written = [
            p
            for p in (report and result.to_html(report), json_out and result.to_json(json_out))
            if p
        ]
    print_evaluation(result)
    for path in written:
        out_console().print(f"Wrote {path}", soft_wrap=True)


def _model_facts(fitted: Synthesizer | None) -> dict[str, Any]:
    """What a fitted model tells the evaluation: its schema (which columns are learned),
    its rules (shown with their validity), its loss curves and its privacy spend."""
    if fitted is None:
        return {}
    return {
        "schema": fitted.schema_,
        "constraints": list(fitted.constraints_),
        "history": fitted.fit_report_.history,
        "privacy": fitted.privacy_report_,
    }


@app.command(cls=_Command)
def demo(
    rows: Annotated[int, typer.Option("--rows", "-n", help="Synthetic rows to generate.")] = 2000,
    out: Annotated[Path, typer.Option("--out", help="Folder for the model and the rows.")] = Path(
        "synthtab-demo"
    ),
    model: Annotated[str, typer.Option("--model", "-m", help="Model to fit.")] = "copula",
    seed: Seed = 0,
) -> None:
    """Fit a model on scikit-learn's breast cancer table, sample it, and compare."""
    from synthtab.cli.demo import run_demo

    with cli_errors():
        _check_rows(rows)
        _check_model_name(model)
        run_demo(rows=rows, out=out, model=model, seed=seed)


def main() -> None:
    """Entry point of the ``synthtab`` console script.

    An error outside the synthtab tree is a bug: it is printed as one line that
    says so and how to see the traceback (``SYNTHTAB_DEBUG=1``), with exit code 1.
    """
    try:
        app()
    except Exception as exc:  # typer's own exits are SystemExit, not caught here
        if os.environ.get("SYNTHTAB_DEBUG"):
            raise
        from synthtab.cli.render import err_console

        err_console().print(
            Text(
                f"Unexpected error ({type(exc).__name__}): {exc}. This is a bug in synthtab; "
                "please report it. Run again with SYNTHTAB_DEBUG=1 to see the traceback.",
                style="bold red",
            ),
            soft_wrap=True,
        )
        sys.exit(1)
