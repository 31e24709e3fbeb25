"""Report figures: which ones are drawn, their titles and captions, and the HTML embedding."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from synthtab.evaluation import EvalContext, Report, evaluate
from synthtab.evaluation.figures_common import REAL_COLOUR, SYNTHETIC_COLOUR
from synthtab.evaluation.figures_fidelity import correlations, marginals
from synthtab.evaluation.plots import BUILDERS, build_figures
from tests.conftest import make_mixed_frame

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HISTORY = {"generator": [3.0, 2.0, 1.5, 1.2], "discriminator": [1.0, 1.1, 0.9, 1.0]}


@pytest.fixture(scope="module")
def report() -> Report:
    real, synthetic = make_mixed_frame(240, seed=0), make_mixed_frame(240, seed=1)
    holdout = make_mixed_frame(120, seed=2)
    return evaluate(real, synthetic, target="group", holdout=holdout, history=HISTORY)


def test_every_figure_is_drawn_with_title_caption_and_section(report: Report) -> None:
    assert [f.name for f in report.figures] == list(BUILDERS)
    for figure in report.figures:
        assert figure.section in {"fidelity", "utility", "privacy", "training"}
        assert figure.title and figure.caption.endswith(".")
        assert figure.png.startswith(PNG_MAGIC)
        assert 5_000 < len(figure.png) < 400_000
    sections = {f.name: f.section for f in report.figures}
    assert sections["utility"] == "utility"
    assert sections["distances"] == "privacy"
    assert sections["training"] == "training"


def test_captions_state_subsampling_and_scores(report: Report) -> None:
    captions = {f.name: f.caption for f in report.figures}
    assert "240 real and 240 synthetic rows drawn at random" in captions["projections"]
    assert "500 rows at most per table" in captions["pair_plot"]
    share = report.scores["dcr_share_closer_to_train"]
    assert f"closer to training than holdout {share:.3f}" in captions["distances"]
    assert "generator, discriminator" in captions["training"]


def test_figure_timings_are_recorded(report: Report) -> None:
    assert set(report.context["figure_seconds"]) == set(BUILDERS)
    assert report.context["seconds_figures"] >= 0.0


def test_to_html_embeds_every_figure_inline(report: Report, tmp_path) -> None:
    text = report.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    images = re.findall(r"<img alt='([^']*)' src='data:image/png;base64,([^']+)'>", text)
    assert [alt for alt, _ in images] == [
        f.title
        for s in ("fidelity", "utility", "privacy", "training")
        for f in report.figures
        if f.section == s
    ]
    decoded = {base64.b64decode(data) for _, data in images}
    assert decoded == {f.png for f in report.figures}
    assert "http://" not in text and "https://" not in text
    assert f"background:{REAL_COLOUR}" in text and f"background:{SYNTHETIC_COLOUR}" in text
    assert "<h2>Training</h2>" in text
    assert len(text) < 1_500_000


def test_without_holdout_history_or_target_those_figures_are_left_out() -> None:
    real, synthetic = make_mixed_frame(150, seed=0), make_mixed_frame(150, seed=1)
    ctx = EvalContext(real=real, synthetic=synthetic)
    names = [f.name for f in build_figures(ctx, [])]
    assert names == ["marginals", "projections", "pair_plot"]


def test_marginals_cap_at_24_columns_and_say_so() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"c{i}": rng.normal(size=60) for i in range(30)})
    figure = marginals(EvalContext(real=frame, synthetic=frame), {})
    assert figure is not None
    assert "Showing the first 24 of 30 columns." in figure.caption


def test_no_correlation_figure_without_the_correlation_details() -> None:
    frame = pd.DataFrame({"x": np.arange(20.0), "c": list("ab") * 10})
    assert correlations(EvalContext(real=frame, synthetic=frame), {}) is None


def test_figures_false_draws_nothing() -> None:
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 5.0] * 10, "y": [2.0, 1.0, 4.0, 3.0] * 10})
    assert evaluate(real, real, figures=False).figures == []
