"""The command line on whole databases: a folder or a database URL in, a folder or a
database out, keys kept; every misuse a one-line error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthtab.cli.app import app
from synthtab.io import write_table
from synthtab.io.database import read_database, write_database

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def shop(seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    shops = pd.DataFrame({"shop_id": np.arange(1, 41), "size": rng.choice(["s", "l"], 40)})
    owner = rng.integers(1, 41, 400)
    sales = pd.DataFrame(
        {
            "sale_id": np.arange(1, 401),
            "shop_id": owner,
            "amount": np.round(rng.gamma(2, 30, 400), 2),
        }
    )
    return {"shops": shops, "sales": sales}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("db") / "shop"
    root.mkdir()
    for name, frame in shop().items():
        write_table(frame, root / f"{name}.csv")
    return root


@pytest.fixture(scope="module")
def db_model(folder: Path) -> Path:
    out = folder.parent / "shop.synth"
    result = invoke("fit", folder, "-o", out, "--seed", 1)
    assert result.exit_code == 0, result.output
    assert "sales.shop_id -> shops.shop_id" in result.stdout
    return out


def test_a_folder_is_fitted_as_a_database_and_sampled_to_a_folder(db_model: Path) -> None:
    out = db_model.parent / "fake"
    result = invoke("sample", db_model, "-o", out, "--scale", 2, "--format", "parquet")
    assert result.exit_code == 0, result.output
    tables = read_database(out).tables
    assert sorted(p.name for p in out.iterdir()) == ["sales.parquet", "shops.parquet"]
    assert len(tables["shops"]) == 80
    assert tables["sales"]["shop_id"].isin(tables["shops"]["shop_id"]).all()
    assert len(tables["sales"]) == pytest.approx(800, rel=0.02)
    again = db_model.parent / "again"
    assert (
        invoke("sample", db_model, "-o", again, "--scale", 2, "--format", "parquet").exit_code == 0
    )
    pd.testing.assert_frame_equal(read_database(again).tables["sales"], tables["sales"])


def test_an_existing_output_folder_is_kept_unless_overwrite(db_model: Path) -> None:
    out = db_model.parent / "kept"
    out.mkdir()
    (out / "mine.txt").write_text("precious")
    result = invoke("sample", db_model, "-o", out)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (out / "mine.txt").read_text() == "precious"
    assert invoke("sample", db_model, "-o", out, "--overwrite").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["sales.csv", "shops.csv"]


def test_a_database_url_in_and_out_keeps_its_declared_keys(tmp_path: Path) -> None:
    source = "sqlite:///" + str(tmp_path / "real.db")
    # keys named so that detection alone would not find them: the database states them
    tables = shop()
    tables["shops"] = tables["shops"].rename(columns={"shop_id": "ref"})
    tables["sales"] = tables["sales"].rename(columns={"shop_id": "outlet"})
    write_database(
        tables,
        source,
        primary_keys={"shops": ("ref",), "sales": ("sale_id",)},
        foreign_keys=[(("sales", ("outlet",)), ("shops", ("ref",)))],
    )
    model = tmp_path / "db.synth"
    fitted = invoke("fit", source, "-o", model)
    assert fitted.exit_code == 0, fitted.output
    assert "sales.outlet -> shops.ref" in fitted.stdout
    target = "sqlite:///" + str(tmp_path / "fake.db")
    assert invoke("sample", model, "-o", target).exit_code == 0
    with sqlite3.connect(tmp_path / "fake.db") as connection:
        declared = connection.execute("PRAGMA foreign_key_list(sales)").fetchall()
        orphans = connection.execute(
            "SELECT COUNT(*) FROM sales WHERE outlet NOT IN (SELECT ref FROM shops)"
        ).fetchone()[0]
    assert [(row[2], row[3], row[4]) for row in declared] == [("shops", "outlet", "ref")]
    assert orphans == 0
    # a second write to the same database is refused, and leaves it as it was
    again = invoke("sample", model, "-o", target)
    assert again.exit_code == 2
    assert "already has the table(s) ['sales', 'shops']" in again.stderr


def test_inspect_shows_the_tables_and_relations(db_model: Path) -> None:
    result = invoke("inspect", db_model)
    assert result.exit_code == 0, result.output
    assert "database model of 2 tables" in result.stdout
    assert "sales.shop_id -> shops.shop_id" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epsilon", "1"], "--epsilon apply to one table only"),
        (["--override", "size=categorical"], "--override apply to one table only"),
    ],
)
def test_one_table_options_on_a_database_are_refused(
    folder: Path, tmp_path: Path, args, message
) -> None:
    result = invoke("fit", folder, "-o", tmp_path / "x.synth", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "x.synth").exists()


def test_database_options_on_one_table_and_table_options_on_a_database_are_refused(
    folder: Path, db_model: Path, tmp_path: Path
) -> None:
    one = invoke("fit", folder / "shops.csv", "-o", tmp_path / "x.synth", "--reference", "shops")
    assert one.exit_code == 2
    assert "are for a database" in one.stderr
    rows = invoke("sample", db_model, "-o", tmp_path / "out", "-n", 10)
    assert rows.exit_code == 2
    assert "--rows apply to one-table models" in rows.stderr


def test_an_empty_folder_is_not_a_database(tmp_path: Path) -> None:
    result = invoke("fit", tmp_path, "-o", tmp_path.parent / "x.synth")
    assert result.exit_code == 2
    assert "holds no table files" in result.stderr
