"""evaluate(): API shape, scores, atomic JSON output and input errors."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from synthtab.errors import DataValidationError, SchemaMismatchError, SynthtabError
from synthtab.evaluation import MetricResult, Report, evaluate, metric_registry
from tests.conftest import make_mixed_frame


@pytest.fixture(scope="module")
def report() -> Report:
    real = make_mixed_frame(400, seed=0)
    synthetic = make_mixed_frame(400, seed=1)
    holdout = make_mixed_frame(200, seed=2)
    return evaluate(real, synthetic, target="group", holdout=holdout, figures=False)


def test_summary_has_one_row_per_result(report: Report) -> None:
    summary = report.summary()
    assert summary.columns.tolist() == ["metric", "family", "score", "direction", "target"]
    assert len(summary) == len(report.results)
    assert set(summary["family"]) == {"fidelity", "utility", "privacy"}
    assert summary["score"].notna().all()


def test_scores_are_flat_and_include_extras(report: Report) -> None:
    scores = report.scores
    for key in ("column_shapes", "fidelity_score", "utility_score", "dcr_share_closer_to_train"):
        assert key in scores
    assert "memorisation.wilcoxon_p" in scores
    assert all(isinstance(v, float) for v in scores.values())
    assert 0.0 <= scores["fidelity_score"] <= 1.0


def test_headline_gives_three_families_in_unit_interval(report: Report) -> None:
    head = report.headline()
    assert set(head) == {"fidelity", "utility", "privacy"}
    assert all(0.0 <= score <= 1.0 and verdict for score, verdict in head.values())


def test_column_shapes_details_cover_every_column(report: Report) -> None:
    details = report.result("column_shapes").details
    assert list(details.index) == list(make_mixed_frame(10).columns)
    assert details.loc["joined", "kind"] == "datetime"
    assert details.loc["group", "statistic_name"] == "tvd"


def test_correlation_details_pivot_to_square_matrices(report: Report) -> None:
    pairs = report.result("correlation").details
    real = pairs.pivot(index="column_a", columns="column_b", values="real")
    assert real.shape[0] == real.shape[1]
    assert np.allclose(np.diag(real.to_numpy()), 1.0)


def test_to_json_writes_valid_json_and_leaves_no_temp(report: Report, tmp_path) -> None:
    path = report.to_json(tmp_path / "scores.json")
    data = json.loads(path.read_text())
    assert data["scores"]["column_shapes"] == pytest.approx(report.scores["column_shapes"])
    assert [p.name for p in tmp_path.iterdir()] == ["scores.json"]


def test_to_json_bad_folder_raises_synthtab_error(report: Report, tmp_path) -> None:
    with pytest.raises(SynthtabError, match="does not exist"):
        report.to_json(tmp_path / "missing" / "scores.json")


def test_unknown_target_suggests_the_column() -> None:
    real = make_mixed_frame(50)
    with pytest.raises(DataValidationError, match="Did you mean 'group'"):
        evaluate(real, real, target="grup", figures=False)


def test_mismatched_columns_are_named() -> None:
    real = make_mixed_frame(50)
    synthetic = real.drop(columns=["age"]).assign(extra=1)
    with pytest.raises(SchemaMismatchError) as info:
        evaluate(real, synthetic, figures=False)
    assert "lacks the real columns ['age']" in str(info.value)
    assert "not in the real table: ['extra']" in str(info.value)


def test_not_a_dataframe_is_rejected() -> None:
    with pytest.raises(DataValidationError, match="synthetic table is a list"):
        evaluate(make_mixed_frame(20), [1, 2], figures=False)


def test_without_holdout_privacy_is_skipped_with_a_note() -> None:
    real = make_mixed_frame(200)
    rep = evaluate(real, make_mixed_frame(200, seed=3), target="member", figures=False)
    assert "dcr_share_closer_to_train" not in rep.scores
    assert any("holdout" in n for n in rep.context["notes"])
    assert "split 80/20" in rep.result("utility_score").note


def test_constraint_validity_counts_rows() -> None:
    class Adult:
        name = "age >= 30"

        def is_valid(self, df: pd.DataFrame) -> np.ndarray:
            return (df["age"] >= 30).to_numpy()

    real = make_mixed_frame(200)
    rep = evaluate(real, real, constraints=[Adult()], figures=False)
    assert rep.scores["constraint_validity"] == pytest.approx((real["age"] >= 30).mean())


def test_every_registered_metric_is_a_metric() -> None:
    names = metric_registry.names()
    assert {"column_shapes", "detection", "utility", "memorisation"} <= set(names)
    assert isinstance(Report([]).summary(), pd.DataFrame)
    assert MetricResult("x", "fidelity", 1.0, "higher").extra == {}


def test_anonymeter_risks_are_reported(report: Report) -> None:
    pytest.importorskip("anonymeter")
    for key in ("singling_out_risk", "linkability_risk", "inference_risk"):
        assert 0.0 <= report.scores[key] <= 1.0
        assert report.scores[f"{key}.ci_low"] <= report.scores[f"{key}.ci_high"]


def test_results_are_grouped_by_family(report: Report) -> None:
    families = report.summary()["family"].tolist()
    assert families == sorted(families, key=["fidelity", "utility", "privacy"].index)


def test_top_level_evaluate_is_exported() -> None:
    import synthtab

    assert synthtab.evaluate is evaluate


def test_a_target_of_digit_labels_is_scored() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    frame["y"] = (frame["a"] + rng.normal(size=300) > 0).astype(int).astype(str)
    rep = evaluate(frame, frame.sample(frac=1.0, random_state=1), target="y", figures=False)
    assert rep.scores["utility_tstr.random_forest.roc_auc"] > 0.6


def test_the_privacy_spend_is_shown_in_the_report(tmp_path) -> None:
    real = make_mixed_frame(200)
    spend = {
        "epsilon_total": 0.9,
        "delta": 1e-6,
        "epsilon_target": 1.0,
        "delta_target": 1e-5,
        "parts": {"model": {"epsilon": 0.9, "delta": 1e-6, "mechanisms": ["DP-SGD on the VAE"]}},
    }
    rep = evaluate(real, make_mixed_frame(200, seed=3), figures=False, privacy=spend)
    assert rep.context["privacy"]["epsilon_total"] == 0.9
    page = rep.to_html(tmp_path / "r.html").read_text()
    assert "Differential privacy" in page and "DP-SGD on the VAE" in page
    assert "epsilon 0.9 of 1" in page


def test_anonymeter_warnings_go_to_the_note_not_the_terminal(capsys) -> None:
    pytest.importorskip("anonymeter")
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"a": rng.normal(size=120), "g": rng.choice(["x", "y"], 120)})
    synthetic = pd.DataFrame({"a": rng.normal(size=120), "g": rng.choice(["x", "y"], 120)})
    holdout = pd.DataFrame({"a": rng.normal(size=60), "g": rng.choice(["x", "y"], 60)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = evaluate(real, synthetic, holdout=holdout, target="g", figures=False)
    assert [str(w.message) for w in caught if "anonymeter" in w.filename] == []
    assert capsys.readouterr().err == ""
    notes = " ".join(r.note for r in report.results if r.name.endswith("_risk"))
    assert "Attack is as good or worse as baseline model" in notes
