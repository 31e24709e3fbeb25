"""The contract every model honours for a user, as a suite any model's test can inherit.

``TestEveryRegisteredModel`` (test_model_contract.py) runs it over the registry;
a model defined outside the package runs the very same suite by inheriting
:class:`ModelContract` and naming itself in a ``model_name`` fixture.
"""

from __future__ import annotations

import pandas as pd
import pytest

from synthtab import Condition, DPConfig, Inequality, Synthesizer
from synthtab.errors import NotFittedError, PrivacyBudgetError
from synthtab.models import model_registry
from synthtab.persistence import pack
from tests.contract.models import fast_synth


class ModelContract:
    """Inherit and provide a ``model_name`` fixture to run the model contract."""

    @pytest.fixture
    def fitted(self, model_name: str, mixed_frame: pd.DataFrame) -> Synthesizer:
        return fast_synth(model_name).fit(mixed_frame)

    @staticmethod
    def _has_learned_shares(name: str) -> bool:
        # a model on torch trains one tiny epoch at its fast preset; shares are tested elsewhere
        return not model_registry.capabilities(name).needs_torch

    def test_sample_has_requested_shape_and_exact_dtypes(
        self, fitted: Synthesizer, mixed_frame: pd.DataFrame
    ) -> None:
        out = fitted.sample(257)
        assert out.shape == (257, mixed_frame.shape[1])
        assert list(out.columns) == list(mixed_frame.columns)
        assert out.dtypes.to_dict() == mixed_frame.dtypes.to_dict()
        assert isinstance(out.index, pd.RangeIndex)

    def test_same_seed_same_output_and_other_seed_other_output(self, fitted: Synthesizer) -> None:
        pd.testing.assert_frame_equal(fitted.sample(100), fitted.sample(100))
        pd.testing.assert_frame_equal(fitted.sample(100, seed=7), fitted.sample(100, seed=7))
        assert not fitted.sample(100, seed=7).equals(fitted.sample(100, seed=8))

    def test_fitting_is_reproducible_from_the_seed(
        self, fitted: Synthesizer, mixed_frame: pd.DataFrame
    ) -> None:
        again = fast_synth(fitted.model).fit(mixed_frame)
        pd.testing.assert_frame_equal(fitted.sample(200), again.sample(200))

    def test_first_rows_do_not_depend_on_how_many_are_asked(self, fitted: Synthesizer) -> None:
        pd.testing.assert_frame_equal(fitted.sample(50), fitted.sample(20_000).iloc[:50])

    def test_save_then_load_gives_identical_samples(self, fitted: Synthesizer, tmp_path) -> None:
        path = fitted.save(tmp_path / "model.synth")
        loaded = Synthesizer.load(path)
        pd.testing.assert_frame_equal(fitted.sample(300, seed=3), loaded.sample(300, seed=3))
        assert loaded.schema_ == fitted.schema_
        assert loaded.get_params() == fitted.get_params()

    def test_values_stay_in_training_ranges_and_labels(
        self, fitted: Synthesizer, mixed_frame: pd.DataFrame
    ) -> None:
        out = fitted.sample(2000)
        for column in ("age", "income", "visits", "joined"):
            assert out[column].min() >= mixed_frame[column].min()
            assert out[column].max() <= mixed_frame[column].max()
        assert set(out["group"].dropna()) <= set(mixed_frame["group"])
        assert (out["age"] == out["age"].round()).all()
        assert (out["income"].dropna() == out["income"].dropna().round(2)).all()

    def test_missing_values_keep_their_share(
        self, fitted: Synthesizer, mixed_frame: pd.DataFrame
    ) -> None:
        out = fitted.sample(5000)
        for column in ("income", "visits"):
            real = mixed_frame[column].isna().mean()
            share = out[column].isna().mean()
            if self._has_learned_shares(fitted.model):
                assert abs(share - real) < 0.03, column
            else:
                assert 0 < share < 1, column

    def test_rare_category_is_kept(self, fitted: Synthesizer) -> None:
        assert (fitted.sample(10_000)["group"] == "rare").sum() > 0

    def test_conditions_hold_in_every_row(self, fitted: Synthesizer) -> None:
        out = fitted.sample(200, conditions=Condition({"group": "north", "age": (30, 60)}))
        assert len(out) == 200
        assert (out["group"] == "north").all()
        assert out["age"].between(30, 60).all()

    def test_constraints_hold_in_every_row(self, model_name: str, mixed_frame) -> None:
        real = mixed_frame.assign(spent=(mixed_frame["income"] * 0.3).round(2))
        rule = Inequality("spent", "income")
        out = fast_synth(model_name, constraints=[rule]).fit(real).sample(1000)
        both = out.dropna(subset=["spent", "income"])
        assert len(both) > 0
        assert (both["spent"] <= both["income"]).all()

    def test_privacy_spends_at_most_the_budget_or_is_refused(
        self, model_name: str, mixed_frame: pd.DataFrame
    ) -> None:
        if not model_registry.capabilities(model_name).differential_privacy:
            with pytest.raises(PrivacyBudgetError, match="model cannot train with differential"):
                fast_synth(model_name, privacy=DPConfig(epsilon=2.0))
            return
        synth = fast_synth(model_name, privacy=DPConfig(epsilon=2.0)).fit(mixed_frame)
        assert synth.privacy_report_.epsilon_total <= 2.0 + 1e-9
        out = synth.sample(200)
        assert out.dtypes.to_dict() == mixed_frame.dtypes.to_dict()

    def test_sampling_before_fit_is_a_clear_error(self, model_name: str, tmp_path) -> None:
        synth = fast_synth(model_name)
        with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
            synth.sample(5)
        with pytest.raises(NotFittedError):
            synth.save(tmp_path / "x.synth")

    def test_model_state_holds_only_json_and_numeric_arrays(
        self, fitted: Synthesizer
    ) -> None:
        _, arrays = pack(fitted.model_.state_dict())
        assert all(a.dtype.kind in "biuf" for a in arrays.values())
