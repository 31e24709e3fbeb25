"""The commands' database paths: ``fit DIR|URL``, ``sample db.synth -o DIR|URL``, ``inspect``.

A folder of table files, or a database URL given without ``--table``, is a database;
a model file whose manifest holds a database is a database model. The one-table
commands hand over to these functions, which print what they did like the others.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from synthtab.cli.outputs import MODEL_SUFFIXES, Output, guard_outputs
from synthtab.cli.render import mapping_table, out_console, status

#: The one-table options of ``fit`` that a database fit does not take yet.
TABLE_ONLY_OPTIONS = ("--param", "--override", "--constraints", "--epsilon", "--delta")


def is_database_model(path: Path) -> bool:
    """Whether the model file at ``path`` holds a database (read without running code)."""
    from synthtab.persistence import read_model_file

    return path.is_file() and "database" in read_model_file(path)


def fit_database(
    data: str,
    output: Path,
    *,
    model: str,
    seed: int,
    rules: str | None,
    reference: Sequence[str],
    relations: Sequence[str],
    keys: dict[str, str],
    table_only: dict[str, Any],
    overwrite: bool,
) -> None:
    """Learn every table of a folder or database URL and save one database model."""
    from synthtab.errors import InvalidParameterError
    from synthtab.io import check_writable
    from synthtab.io.database import read_database
    from synthtab.relational import MultiTableSynthesizer, Relation

    given = [name for name, value in table_only.items() if value]
    if given:
        raise InvalidParameterError(
            f"'{data}' is a database (a folder or a URL without --table): {', '.join(given)} "
            "apply to one table only. Fit one table with a file or --table, or leave them out."
        )
    check_writable(output, option="model file")
    guard_outputs([Output(output, "model file", MODEL_SUFFIXES)], inputs=[], overwrite=overwrite)
    source = read_database(data)
    primary = {**{k: list(v) for k, v in source.primary_keys.items()}, **_split_keys(keys)}
    declared = [Relation(c, cols, p, pcols) for (c, cols), (p, pcols) in source.foreign_keys]
    rows = sum(len(f) for f in source.tables.values())
    status(f"Read {len(source.tables)} tables ({rows:,} rows) from {data}.")
    db = MultiTableSynthesizer(
        model, seed=seed, rules=rules, reference=list(reference), primary_keys=primary
    )
    started = time.perf_counter()
    db.fit(source.tables, relations=list(relations) or None, declared=declared)
    seconds = time.perf_counter() - started
    path = db.save(output)
    console = out_console()
    console.print(
        f"Fitted {len(source.tables)} tables (seed {seed}) in {seconds:.2f} s and saved them "
        f"to {path}. Sample with: synthtab sample {path} -o synthetic_db --scale 1",
        soft_wrap=True,
    )
    console.print(mapping_table("Relations", {str(r): _how(db, r) for r in db.relations_}))


def _split_keys(keys: dict[str, str]) -> dict[str, list[str]]:
    return {
        table: [c.strip() for c in cols.split(",") if c.strip()] for table, cols in keys.items()
    }


def _how(db: Any, relation: Any) -> str:
    plan = db.plans_[relation.child]
    link = next(link for link in plan.links if link.relation == relation)
    return {
        "generated": "child drawn per parent",
        "natural": "child drawn per parent (key of data columns)",
        "reference": "points at a kept reference table",
        "self": "a tree of the table's own rows",
    }[link.kind]


def sample_database(
    model_file: Path,
    output: str,
    *,
    scale: float,
    seed: int | None,
    file_format: str,
    overwrite: bool,
) -> None:
    """Draw a database from a database model and write it to a folder or a database URL."""
    from synthtab.io.database import write_database
    from synthtab.io.sql import is_database_url, safe_url
    from synthtab.relational import MultiTableSynthesizer

    db = MultiTableSynthesizer.load(model_file)
    started = time.perf_counter()
    tables = db.sample(scale=scale, seed=seed)
    for note in db.sample_notes_:
        status(note)
    keys = [((r.child, r.child_columns), (r.parent, r.parent_columns)) for r in db.relations_]
    ordered = {name: tables[name] for name in db.order_}
    where = write_database(
        ordered,
        output,
        file_format=file_format,
        primary_keys=db.primary_keys_,
        foreign_keys=keys,
        overwrite=overwrite,
    )
    seconds = time.perf_counter() - started
    shown = safe_url(where) if is_database_url(where) else where
    counts = ", ".join(f"{name} {len(frame):,}" for name, frame in ordered.items())
    out_console().print(
        f"Wrote {len(ordered)} tables ({counts} rows) to {shown} in {seconds:.2f} s.",
        soft_wrap=True,
    )


def inspect_database(model_file: Path) -> None:
    """Show a database model: its tables, keys and relations."""
    from synthtab.relational import MultiTableSynthesizer

    db = MultiTableSynthesizer.load(model_file)
    console = out_console()
    console.print(
        f"{model_file}: a database model of {len(db.order_)} tables (seed {db.seed}).",
        soft_wrap=True,
    )
    tables = {
        name: f"{plan.n_rows:,} rows; key {', '.join(plan.key) or '(none)'}"
        + ("; kept as it is (reference)" if name in db.reference_ else "")
        for name, plan in db.plans_.items()
    }
    console.print(mapping_table("Tables (parents first)", tables))
    console.print(mapping_table("Relations", {str(r): _how(db, r) for r in db.relations_}))
