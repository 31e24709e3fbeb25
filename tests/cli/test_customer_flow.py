"""The customer-export flow a new user runs first: fit, inspect, sample with a condition,
evaluate with a report; on a Faker table with keys, personal data, text dates and gaps."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthtab.cli.app import app

runner = CliRunner()
_TABLE = Path(__file__).resolve().parents[2] / "benchmarks" / "customer_table.py"


def _customer_export(n: int, seed: int) -> pd.DataFrame:
    spec = importlib.util.spec_from_file_location("customer_table", _TABLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.customer_export(n, seed)


def invoke(*args: object):
    result = runner.invoke(app, [str(a) for a in args], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def flow(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("customers")
    paths = {name: folder / f"{name}.csv" for name in ("customers", "holdout", "synthetic")}
    _customer_export(1_200, 0).to_csv(paths["customers"], index=False)
    _customer_export(400, 1).to_csv(paths["holdout"], index=False)
    rules = folder / "rules.toml"
    rules.write_text(
        '[[constraint]]\nkind = "fixed_combinations"\ncolumns = ["plan", "monthly_fee"]\n'
        '[[constraint]]\nkind = "fixed_combinations"\ncolumns = ["country", "city"]\n'
    )
    paths["model"] = folder / "customers.synth"
    invoke("fit", paths["customers"], "-o", paths["model"], "--constraints", rules)
    invoke("sample", paths["model"], "-n", 1_200, "-o", paths["synthetic"])
    return paths


def test_inspect_says_why_columns_are_generated(flow: dict[str, Path]) -> None:
    shown = invoke("inspect", flow["model"]).output
    for provider in ("phone_number", "email", "uuid4", "street_address"):
        assert provider in shown
    assert "free text" in shown  # the job titles
    assert "missing)" in shown  # generated columns keep their gaps


def test_synthetic_customers_copy_no_personal_value(flow: dict[str, Path]) -> None:
    real, synthetic = (pd.read_csv(flow[n]) for n in ("customers", "synthetic"))
    for column in ("customer_id", "account_uuid", "email", "phone", "job_title"):
        assert not synthetic[column].dropna().isin(set(real[column].dropna())).any(), column
    for column in ("email", "phone", "segment", "satisfaction"):
        assert abs(synthetic[column].isna().mean() - real[column].isna().mean()) < 0.06, column
    fees = synthetic.groupby("plan")["monthly_fee"].nunique()
    assert (fees == 1).all()


def test_conditioning_on_a_rare_country_keeps_its_cities(flow: dict[str, Path]) -> None:
    out = flow["synthetic"].with_name("monaco.csv")
    invoke("sample", flow["model"], "-n", 200, "-o", out, "--condition", "country=Monaco")
    rows = pd.read_csv(out)
    assert (rows["country"] == "Monaco").all()
    assert (rows["city"] == "Monaco").all()


def test_evaluate_with_the_model_reads_its_schema_and_rules(flow: dict[str, Path]) -> None:
    html, scores = flow["synthetic"].with_name("report.html"), flow["synthetic"].with_name("s.json")
    invoke(
        "evaluate", flow["customers"], flow["synthetic"], "-t", "churned",
        "--holdout", flow["holdout"], "-m", flow["model"], "--report", html, "--json", scores,
    )  # fmt: skip
    written = json.loads(scores.read_text())
    assert written["scores"]["constraint_validity"] == pytest.approx(1.0)
    excluded = written["context"]["excluded_columns"]
    assert {"customer_id", "email", "phone", "job_title"} <= set(excluded)
    assert written["scores"]["copied_values"] < 0.1
    assert "Copied values" not in html.read_text()
