"""End-to-end tests of the ``synthtab`` command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthtab.cli.app import app, parse_pairs, parse_value
from synthtab.io import read_table, write_table
from synthtab.models import model_registry

runner = CliRunner()
N_ROWS = 300


def make_people(n: int = N_ROWS, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    income = np.round(age * 800 + rng.normal(0, 4000, n), 2)
    return pd.DataFrame(
        {
            "age": age,
            "income": income,
            "city": rng.choice(["Oslo", "Lima", "Pune"], n, p=[0.5, 0.3, 0.2]),
            "income_class": np.where(income > 40_000, ">50K", "<=50K"),
        }
    )


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def assert_error(result, message: str) -> None:
    """Exit code 2, and stderr is exactly one red line (plain here: not a terminal)."""
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def data_csv(workdir: Path) -> Path:
    return write_table(make_people(), workdir / "people.csv")


@pytest.fixture(scope="module")
def model_file(workdir: Path, data_csv: Path) -> Path:
    out = workdir / "people.synth"
    result = invoke("fit", data_csv, "-m", "copula", "-o", out, "--seed", 3)
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


# -- parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-2.5", -2.5),
        ("true", True),
        ("null", None),
        (">50K", ">50K"),
        ("<=50K", "<=50K"),
        ('"42"', "42"),
        ("[20, 40]", (20, 40)),
        ("Oslo", "Oslo"),
    ],
)
def test_parse_value(text: str, value: object) -> None:
    assert parse_value(text) == value
    assert type(parse_value(text)) is type(value)


def test_malformed_pair_is_a_usage_error(data_csv: Path, tmp_path: Path) -> None:
    result = invoke("fit", data_csv, "-o", tmp_path / "m.synth", "--param", "epochs")
    assert result.exit_code == 2
    assert "Expected KEY=VALUE, got 'epochs'." in result.stderr
    assert parse_pairs(["a=b=c"], option="--x", metavar="K=V") == {"a": "b=c"}


# -- the happy paths -----------------------------------------------------------------


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("fit", "sample", "inspect", "models", "demo"):
        assert command in result.stdout


def test_fit_prints_a_summary(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.synth"
    result = invoke("fit", data_csv, "-m", "copula", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Fitted the 'copula' model (seed 0) on {N_ROWS} rows × 4 columns in "
    )
    assert f"and saved it to {out}." in result.stdout
    assert "Traceback" not in result.output


def test_fit_defaults_to_auto_and_says_what_it_chose(data_csv: Path, tmp_path: Path) -> None:
    result = invoke("fit", data_csv, "-o", tmp_path / "auto.synth")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Fitted the 'trees' model (chosen by auto) (seed 0) on {N_ROWS} rows × 4 columns in "
    )


def test_fit_with_params_and_overrides(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.synth"
    args = ["-m", "marginals", "--param", "grid_size=64", "--override", "age=numeric"]
    result = invoke("fit", data_csv, "-o", out, *args)
    assert result.exit_code == 0, result.output
    shown = invoke("inspect", out)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert any("grid_size" in line and "64" in line for line in lines)
    assert any("│ age " in line and "numeric" in line for line in lines)
    assert "Column kind overrides" in shown.stdout


def test_bad_param_value_is_reported(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.synth"
    result = invoke("fit", data_csv, "-m", "copula", "-o", out, "--param", "grid_size=1")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: The 'grid_size' parameter of ")
    assert result.stderr.endswith("Got 1 instead.\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "rows"), [("out.csv", 120), ("out.parquet", 57)])
def test_sample_writes_the_rows(model_file: Path, tmp_path: Path, name: str, rows: int) -> None:
    out = tmp_path / name
    result = invoke("sample", model_file, "-n", rows, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {rows} rows × 4 columns to {out} in ")
    frame = read_table(out)
    assert frame.shape == (rows, 4)
    assert list(frame.columns) == ["age", "income", "city", "income_class"]


def test_parquet_keeps_the_training_dtypes(model_file: Path, data_csv: Path, tmp_path) -> None:
    out = tmp_path / "s.parquet"
    assert invoke("sample", model_file, "--rows", 40, "--output", out).exit_code == 0
    assert read_table(out).dtypes.to_dict() == read_table(data_csv).dtypes.to_dict()


def test_same_seed_same_rows(model_file: Path, tmp_path: Path) -> None:
    files = [tmp_path / f"{name}.csv" for name in ("a", "b", "c", "d")]
    for path, seed in zip(files, ["7", "7", None, None], strict=True):
        extra = ["--seed", seed] if seed else []
        assert invoke("sample", model_file, "-n", 80, "-o", path, *extra).exit_code == 0
    assert files[0].read_bytes() == files[1].read_bytes()
    assert files[2].read_bytes() == files[3].read_bytes()
    assert files[0].read_bytes() != files[2].read_bytes()


@pytest.mark.parametrize(("column", "value"), [("city", "Lima"), ("income_class", ">50K")])
def test_condition_fixes_a_column(model_file: Path, tmp_path, column: str, value: str) -> None:
    out = tmp_path / "cond.csv"
    result = invoke("sample", model_file, "-n", 60, "-o", out, "--condition", f"{column}={value}")
    assert result.exit_code == 0, result.output
    frame = read_table(out)
    assert len(frame) == 60
    assert (frame[column] == value).all()


def test_inspect_shows_schema_params_and_report(model_file: Path) -> None:
    result = invoke("inspect", model_file)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{model_file}: a 'copula' model fitted on {N_ROWS} rows × 4 columns.")
    for text in ("Schema", "Parameters", "Fit report", "income_class", "Oslo", "categorical"):
        assert text in out


def test_models_lists_the_registry() -> None:
    result = invoke("models")
    assert result.exit_code == 0, result.output
    for text in ("encoding", "conditioning", "privacy"):
        assert text in result.stdout
    lines = result.stdout.splitlines()
    for entry in model_registry:
        style = entry.load().capabilities.style.value
        assert any(f"│ {entry.name} " in line and f"│ {style} " in line for line in lines)
    one = invoke("models", "copula")
    assert one.exit_code == 0
    assert "Parameters of 'copula'" in one.stdout


def test_demo_writes_model_and_rows(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = invoke("demo", "--rows", 200, "--out", out, "--seed", 1)
    assert result.exit_code == 0, result.output
    assert (out / "model.synth").is_file()
    assert read_table(out / "synthetic.csv").shape == (200, 31)
    for text in ("Real vs synthetic", "mean radius", "target", "Pearson", str(out)):
        assert text in result.stdout


# -- errors: one red line, exit code 2, nothing partial --------------------------------


def test_missing_data_file(tmp_path: Path) -> None:
    data = tmp_path / "missing.csv"
    result = invoke("fit", data, "-o", tmp_path / "m.synth")
    assert_error(result, f"The data file '{data}' does not exist.")
    assert list(tmp_path.iterdir()) == []


def test_unknown_model_suggests_the_close_name(data_csv: Path, tmp_path: Path) -> None:
    result = invoke("fit", data_csv, "-m", "copulla", "-o", tmp_path / "m.synth")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Unknown model 'copulla'. Did you mean 'copula'? ")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("rows", [0, -5])
def test_rows_must_be_positive(model_file: Path, tmp_path: Path, rows: int) -> None:
    result = invoke("sample", model_file, "-n", rows, "-o", tmp_path / "out.csv")
    assert_error(
        result, f"The --rows option must be a whole number of rows >= 1. Got {rows} instead."
    )
    assert list(tmp_path.iterdir()) == []


def test_output_folder_must_exist(model_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "out.csv"
    result = invoke("sample", model_file, "-n", 10, "-o", out)
    assert_error(
        result,
        f"Cannot write the output file '{out}': the folder '{out.parent}' does not exist. "
        "Create it first or choose another path.",
    )
    assert list(tmp_path.iterdir()) == []


def test_model_output_folder_must_exist(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "m.synth"
    result = invoke("fit", data_csv, "-o", out)
    assert_error(
        result,
        f"Cannot write the model file '{out}': the folder '{out.parent}' does not exist. "
        "Create it first or choose another path.",
    )
    assert list(tmp_path.iterdir()) == []


def test_unknown_output_suffix(model_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = invoke("sample", model_file, "-n", 10, "-o", out)
    assert_error(
        result,
        f"Cannot write '{out}': suffix '.json' is not a table format synthtab writes. "
        "Use one of: .csv, .tsv, .parquet, .pq.",
    )


def test_unknown_condition_column_leaves_no_file(model_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke("sample", model_file, "-n", 10, "-o", out, "--condition", "colour=red")
    assert_error(result, "Cannot condition on 'colour': the table has no such column.")
    assert list(tmp_path.iterdir()) == []


def test_missing_model_file(tmp_path: Path) -> None:
    path = tmp_path / "none.synth"
    assert_error(invoke("inspect", path), f"The model file '{path}' does not exist.")
    assert_error(
        invoke("sample", path, "-n", 5, "-o", tmp_path / "o.csv"),
        f"The model file '{path}' does not exist.",
    )


def test_damaged_model_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.synth"
    path.write_bytes(b"not a zip")
    result = invoke("inspect", path)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "bad.synth" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_param_is_reported(data_csv: Path, tmp_path: Path) -> None:
    result = invoke(
        "fit", data_csv, "-m", "copula", "-o", tmp_path / "m.synth", "--param", "no_such_param=1"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: GaussianCopula has no parameter 'no_such_param'. "
        "Its parameters are: grid_size, dp_bins.\n"
    )
    assert list(tmp_path.iterdir()) == []


# -- the real console script ----------------------------------------------------------


def _console_script() -> str:
    script = Path(sys.executable).with_name("synthtab")
    found = str(script) if script.exists() else shutil.which("synthtab")
    if found is None:
        pytest.skip("the synthtab console script is not installed (pip install -e .)")
    return found


def test_console_script_help() -> None:
    done = subprocess.run(
        [_console_script(), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert "Usage: synthtab" in done.stdout


def test_console_script_error_has_no_traceback(tmp_path: Path) -> None:
    data = tmp_path / "missing.csv"
    done = subprocess.run(
        [_console_script(), "fit", str(data), "-o", str(tmp_path / "m.synth")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"Error: The data file '{data}' does not exist.\n"
    assert done.stdout == ""


def test_fit_with_constraints_file_and_database_source(tmp_path: Path) -> None:
    import sqlite3

    import numpy as np

    rng = np.random.default_rng(0)
    low = rng.integers(0, 50, 300)
    frame = pd.DataFrame(
        {"low": low, "high": low + rng.integers(0, 9, 300), "kind": rng.choice(["a", "b"], 300)}
    )
    with sqlite3.connect(tmp_path / "src.db") as connection:
        frame.to_sql("rows", connection, index=False)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[constraint]]\nkind = "inequality"\nlow = "low"\nhigh = "high"\n')
    model = tmp_path / "m.synth"
    url = f"sqlite:///{tmp_path / 'src.db'}"
    result = invoke("fit", url, "--table", "rows", "--constraints", rules, "-o", model)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.csv"
    assert invoke("sample", model, "-n", 2000, "-o", out).exit_code == 0
    sampled = pd.read_csv(out)
    assert (sampled["high"] >= sampled["low"]).all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[[constraint]]\nkind = "inequalty"\nlow = "a"\nhigh = "b"\n',
            "Unknown constraint 'inequalty'. Did you mean 'inequality'?",
        ),
        ('[[constraint]]\nkind = "predicate"\ncolumns = ["a"]\n', "custom rules hold code"),
        ('[[constraint]]\nkind = "range"\ncolumn = "a"\n', "(range) has wrong fields"),
    ],
)
def test_bad_constraints_files(tmp_path: Path, data_csv: Path, content: str, message: str) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(content)
    result = invoke("fit", data_csv, "--constraints", rules, "-o", tmp_path / "m.synth")
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "m.synth").exists()


def test_rebalance_command(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=400).round(3), "y": np.where(rng.random(400) < 0.1, "rare", "common")}
    )
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "balanced.parquet"
    result = invoke("rebalance", data, "-t", "y", "-o", out, "--ratio", 0.5)
    assert result.exit_code == 0, result.output
    counts = pd.read_parquet(out)["y"].value_counts()
    assert counts["rare"] == int(np.ceil(0.5 * counts["common"]))
    assert result.stdout.startswith("Rebalanced 'y' (")
    bad = invoke("rebalance", data, "-t", "z", "-o", tmp_path / "bad.csv")
    assert bad.exit_code == 2 and "has no column 'z'" in bad.stderr
    assert not (tmp_path / "bad.csv").exists()
