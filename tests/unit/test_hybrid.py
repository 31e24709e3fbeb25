"""The hybrid model: dependence groups, the model each group gets, and what users see."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import Synthesizer
from synthtab.encoding.layout import Activation, Layout, Span
from synthtab.errors import InvalidParameterError
from synthtab.models.grouping import column_codes, column_units, dependence, dependence_groups


def _table(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    level = rng.choice(["low", "mid", "high"], n)
    return pd.DataFrame(
        {
            "x": x,
            "y": 2 * x + rng.normal(0, 0.3, n),
            "level": level,
            "score": pd.Series(level).map({"low": 1, "mid": 2, "high": 3}).to_numpy(),
            "noise": rng.uniform(size=n),
        }
    )


def test_dependent_columns_share_a_group_and_independent_ones_do_not() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, 4000).astype(float)
    values = np.column_stack([a, a + rng.normal(0, 0.01, 4000), rng.normal(size=4000)])
    layout = Layout(
        (
            Span("a", "category", 1, Activation.LINEAR, n_categories=3),
            Span("b", "value", 1, Activation.LINEAR),
            Span("c", "value", 1, Activation.LINEAR),
        )
    )
    nmi = dependence(values, layout, column_units(layout), rng)
    assert nmi[0, 1] > 0.5 and nmi[0, 2] < 0.05  # 3 labels against 10 bins: at most ~0.64
    assert dependence_groups(nmi, min_dependence=0.1) == [[0, 1], [2]]
    assert dependence_groups(nmi, min_dependence=0.0) == [[0, 1, 2]]


def test_a_missing_indicator_stays_with_its_column() -> None:
    layout = Layout(
        (
            Span("v", "missing", 1, Activation.LINEAR, n_categories=2),
            Span("v", "value", 1, Activation.LINEAR),
        )
    )
    assert column_units(layout) == [[0, 1]]
    codes = column_codes(np.array([[1, 0.0], [0, 5.0], [0, 9.0]]), layout, [0, 1])
    assert len(set(codes)) == 3


def test_the_fit_report_names_each_group_and_its_model() -> None:
    # rules=None: a found Lookup(score -> level) would take level out of the groups
    synth = Synthesizer("hybrid", seed=0, rules=None).fit(_table())
    notes = synth.fit_report_.notes
    assert "copula group: x, y" in notes
    assert "trees group 1: level, score" in notes


def test_one_to_one_label_and_number_survive() -> None:
    real = _table()
    out = Synthesizer("hybrid", seed=0).fit(real).sample(3000)
    pairs = set(zip(real["level"], real["score"], strict=True))
    unseen = np.mean([p not in pairs for p in zip(out["level"], out["score"], strict=True)])
    assert unseen <= 0.01


def test_numeric_dependence_survives_in_the_copula_group() -> None:
    out = Synthesizer("hybrid", seed=0).fit(_table()).sample(3000)
    assert abs(out["x"].corr(out["y"]) - 0.989) < 0.02


def test_save_and_load_give_the_same_rows(tmp_path) -> None:
    from synthtab import load

    synth = Synthesizer("hybrid", seed=0).fit(_table(500))
    again = load(synth.save(tmp_path / "hybrid.synth"))
    pd.testing.assert_frame_equal(synth.sample(300), again.sample(300))


def test_a_table_of_labels_only_has_no_copula() -> None:
    rng = np.random.default_rng(1)
    real = pd.DataFrame({"a": rng.choice(["p", "q"], 400), "b": rng.choice(["r", "s"], 400)})
    synth = Synthesizer("hybrid", seed=0).fit(real)
    assert synth.model_.copula_ is None
    assert synth.sample(50).shape == (50, 2)


def test_min_dependence_is_validated() -> None:
    with pytest.raises(InvalidParameterError, match="The 'min_dependence' parameter of Hybrid"):
        Synthesizer("hybrid", min_dependence=1.5).fit(_table(200))
