"""``synthtab evaluate``: the headline, the report files, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthtab.cli.app import app
from tests.conftest import make_mixed_frame

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("evaluate")
    paths = {}
    for name, n, seed in (("real", 200, 0), ("synthetic", 200, 1), ("holdout", 100, 2)):
        paths[name] = folder / f"{name}.csv"
        make_mixed_frame(n, seed=seed).to_csv(paths[name], index=False)
    return paths


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_evaluate_prints_the_headline_and_writes_both_reports(
    files: dict[str, Path], tmp_path: Path
) -> None:
    html, out = tmp_path / "report.html", tmp_path / "scores.json"
    result = invoke(
        "evaluate", files["real"], files["synthetic"], "--target", "member",
        "--holdout", files["holdout"], "--report", html, "--json", out, "--seed", 3,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for text in ("Evaluation headline", "Fidelity", "Utility", "Privacy", f"Wrote {html}"):
        assert text in result.stdout
    assert "share closer to training than holdout (0.5 is best)" in result.stdout
    assert "Evaluating 200 synthetic rows against 200 real." in result.stderr
    page = html.read_text(encoding="utf-8")
    assert page.count("<img ") >= 7
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["context"]["seed"] == 3
    assert 0.0 <= scores["scores"]["fidelity_score"] <= 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "scores.json"]


def assert_error(result, message: str) -> None:
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"Error: {message}" in result.stderr


def test_unknown_target_is_named_with_a_suggestion(files: dict[str, Path], tmp_path: Path) -> None:
    result = invoke(
        "evaluate", files["real"], files["synthetic"], "--target", "grop",
        "--report", tmp_path / "r.html",
    )  # fmt: skip
    assert_error(result, "The evaluation input has 1 problem:")
    assert "the target 'grop' is not a column of the real table. Did you mean 'group'?" in (
        result.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_missing_synthetic_file(files: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = invoke("evaluate", files["real"], missing)
    assert_error(result, f"The data file '{missing}' does not exist.")


def test_missing_holdout_file(files: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "holdout.csv"
    result = invoke("evaluate", files["real"], files["synthetic"], "--holdout", missing)
    assert_error(result, f"The data file '{missing}' does not exist.")


def test_report_folder_must_exist_before_any_work(files: dict[str, Path], tmp_path: Path) -> None:
    report = tmp_path / "no" / "report.html"
    result = invoke("evaluate", files["real"], files["synthetic"], "--report", report)
    assert_error(result, f"Cannot write the HTML report '{report}': the folder")
    assert "Evaluating" not in result.stderr


def test_mismatched_columns_are_listed(files: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    make_mixed_frame(50, seed=4).drop(columns=["income"]).to_csv(other, index=False)
    result = invoke("evaluate", files["real"], other)
    assert_error(result, "The evaluation input has 1 problem:")
    assert "the synthetic table lacks the real columns ['income']" in result.stderr


def test_help_lists_evaluate() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "evaluate" in result.stdout


def test_the_model_file_adds_its_privacy_spend(files: dict[str, Path], tmp_path: Path) -> None:
    import pandas as pd

    from synthtab import DPConfig, Synthesizer

    real = pd.read_csv(files["real"])[["age", "member"]]
    real.to_csv(tmp_path / "real.csv", index=False)
    synth = Synthesizer("marginals", seed=0, privacy=DPConfig(epsilon=5.0)).fit(real)
    synth.sample(200).to_csv(tmp_path / "synthetic.csv", index=False)
    out = tmp_path / "scores.json"
    result = invoke(
        "evaluate", tmp_path / "real.csv", tmp_path / "synthetic.csv",
        "--model", synth.save(tmp_path / "m.synth"), "--json", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    spend = json.loads(out.read_text(encoding="utf-8"))["context"]["privacy"]
    assert 0 < spend["epsilon_total"] <= 5.0
