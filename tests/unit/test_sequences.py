"""Histories per entity: what a user of SequenceSynthesizer sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import Condition, Synthesizer
from synthtab.errors import (
    ConditionError,
    DataValidationError,
    InvalidParameterError,
    ModelFileError,
    NotFittedError,
    OutputError,
    PrivacyBudgetError,
)
from synthtab.sequences import SequenceSynthesizer
from synthtab.sequences.evaluation import sequence_scores


def patients(n: int = 160, seed: int = 0) -> pd.DataFrame:
    """Visits per patient: a static sex and group, irregular visit times, a blood value
    drifting as an AR(1) around the patient's own level, a ward that mostly stays the
    same from one visit to the next, a dose missing in a fifth of the visits."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 14, n)
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    level = rng.normal(100, 15, n) + np.where(group == "a", 20.0, 0.0)
    rows = []
    for i, k in enumerate(lengths):
        gaps = rng.exponential(20.0, k).round() + 1
        days = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.cumsum(gaps), unit="D")
        x = np.empty(k)
        x[0] = level[i] + rng.normal(0, 5)
        for t in range(1, k):
            x[t] = level[i] + 0.9 * (x[t - 1] - level[i]) + rng.normal(0, 2)
        ward = np.empty(k, dtype=object)
        ward[0] = rng.choice(["north", "south"])
        for t in range(1, k):
            stay = rng.random() < 0.85
            ward[t] = ward[t - 1] if stay else ("south" if ward[t - 1] == "north" else "north")
        dose = rng.gamma(2.0, 5.0, k).round(1)
        dose[rng.random(k) < 0.2] = np.nan
        rows.append(
            pd.DataFrame(
                {
                    "patient": f"P{i:04d}",
                    "visit": days,
                    "sex": rng.choice(["F", "M"]),
                    "group": group[i],
                    "blood": x.round(1),
                    "ward": ward,
                    "dose": dose,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return patients()


@pytest.fixture(scope="module")
def fitted(real: pd.DataFrame) -> SequenceSynthesizer:
    return SequenceSynthesizer(entity="patient", order_by="visit", seed=0).fit(real)


@pytest.fixture(scope="module")
def synthetic(fitted: SequenceSynthesizer) -> pd.DataFrame:
    return fitted.sample()


def test_histories_come_back_as_a_long_table_like_the_real_one(real, fitted, synthetic):
    assert list(synthetic.columns) == list(real.columns)
    assert (synthetic.dtypes == real.dtypes).all()
    assert synthetic["patient"].nunique() == real["patient"].nunique()
    assert not set(synthetic["patient"]) & set(real["patient"])  # fresh keys
    assert fitted.static_ == ["sex", "group"]
    per_entity = synthetic.groupby("patient")[["sex", "group"]].nunique()
    assert (per_entity == 1).all().all()


def test_each_history_runs_forward_in_time(synthetic):
    gaps = synthetic.groupby("patient", sort=False)["visit"].diff().dropna()
    assert (gaps >= pd.Timedelta(0)).all()
    assert gaps.min() >= pd.Timedelta(days=1)  # no gap shorter than any real one


def test_lengths_dynamics_and_transitions_are_kept(real, synthetic):
    scores = sequence_scores(real, synthetic, entity="patient", order_by="visit")
    by_column = scores.columns.set_index("column")
    assert scores.scores["length_ks"] <= 0.15
    assert scores.scores["gap_ks"] <= 0.1
    assert (
        abs(by_column.loc["blood", "lag1_real"] - by_column.loc["blood", "lag1_synthetic"]) <= 0.05
    )
    assert by_column.loc["blood", "entity_mean_ks"] <= 0.15
    assert by_column.loc["ward", "transition_tv"] <= 0.1
    # the group's effect on the level survives (most of it: 160 patients teach the trees)
    real_means, means = (
        real.groupby("group")["blood"].mean(),
        synthetic.groupby("group")["blood"].mean(),
    )
    assert means["a"] - means["b"] >= 0.6 * (real_means["a"] - real_means["b"])


def test_missing_share_and_labels_of_event_columns_are_kept(real, synthetic):
    assert synthetic["dose"].isna().mean() == pytest.approx(real["dose"].isna().mean(), abs=0.04)
    shares = synthetic["ward"].value_counts(normalize=True)
    truth = real["ward"].value_counts(normalize=True)
    assert (shares - truth).abs().max() <= 0.08


def test_same_seed_same_histories_and_the_model_file_keeps_them(fitted, synthetic, tmp_path):
    assert fitted.sample().equals(synthetic)
    assert not fitted.sample(seed=1).equals(synthetic)
    path = fitted.save(tmp_path / "visits.synth")
    again = SequenceSynthesizer.load(path)
    assert again.sample().equals(synthetic)
    assert again.sample(20, seed=3).equals(fitted.sample(20, seed=3))


def test_histories_stream_to_a_file_block_by_block(fitted, monkeypatch, tmp_path):
    import synthtab.sequences.synthesizer as module

    whole = fitted.sample(60, seed=4)
    monkeypatch.setattr(module, "BLOCK_EVENTS", 50)  # many blocks of whole histories
    blocks = list(fitted.sample_batches(60, seed=4))
    assert len(blocks) > 5
    keys = [set(block["patient"]) for block in blocks]
    assert sum(map(len, keys)) == len(set().union(*keys)) == 60  # whole histories a block
    path = fitted.sample_to(tmp_path / "visits.parquet", 60, seed=4)
    written = pd.read_parquet(path)
    assert len(written) == sum(map(len, blocks))
    assert written["patient"].nunique() == 60 == whole["patient"].nunique()
    with pytest.raises(OutputError):
        fitted.sample_to(tmp_path / "visits.xlsx", 5)
    assert not (tmp_path / "visits.xlsx").exists()


def test_a_fixed_calendar_is_kept_exactly():
    rng = np.random.default_rng(1)
    n = 60
    panel = pd.DataFrame(
        {
            "country": np.repeat([f"C{i}" for i in range(n)], 12),
            "year": np.tile(np.arange(1952, 2008, 5), n),
            "gdp": np.exp(np.repeat(rng.normal(8, 1, n), 12) + np.tile(np.arange(12) * 0.03, n)),
        }
    )
    out = SequenceSynthesizer(entity="country", order_by="year", seed=0).fit(panel).sample()
    years = out.groupby("country")["year"].apply(list)
    assert all(list(y) == list(range(1952, 2008, 5)) for y in years)


def test_conditions_on_the_entity_draw_only_such_entities(fitted):
    out = fitted.sample(30, conditions=Condition({"group": "c"}))
    assert out["patient"].nunique() == 30
    assert (out["group"] == "c").all()
    with pytest.raises(ConditionError, match=r"\['blood'\].*entity's own columns"):
        fitted.sample(5, conditions=Condition({"blood": (90, 100)}))


def test_histories_continue_after_their_last_event(real, fitted):
    prefix = real[real["patient"].isin(["P0001", "P0002", "P0003"])]
    more = fitted.continue_histories(prefix, steps=4)
    assert more.groupby("patient").size().to_dict() == {"P0001": 4, "P0002": 4, "P0003": 4}
    last = prefix.groupby("patient")["visit"].max()
    first_new = more.groupby("patient")["visit"].min()
    assert (first_new >= last).all()
    kept = more.groupby("patient")["group"].first()
    assert kept.equals(prefix.groupby("patient")["group"].first())
    # the drift goes on from where each history stopped
    end = prefix.groupby("patient")["blood"].last()
    start = more.groupby("patient")["blood"].first()
    assert (start - end).abs().max() < 25


def test_entity_table_columns_condition_the_histories():
    rng = np.random.default_rng(2)
    planes = pd.DataFrame(
        {"tail": [f"N{i}" for i in range(120)], "seats": rng.choice([50, 300], 120)}
    )
    n = np.where(planes["seats"] == 300, 3, 8)
    flights = pd.DataFrame(
        {
            "tail": np.repeat(planes["tail"], n),
            "hour": np.concatenate([np.arange(k) * 6 for k in n]),
            "distance": np.repeat(np.where(planes["seats"] == 300, 3000, 400), n)
            + rng.normal(0, 30, n.sum()).round(),
        }
    )
    synth = SequenceSynthesizer(entity="tail", order_by="hour", seed=0).fit(
        flights, entities=planes
    )
    out = synth.sample(80)
    assert "seats" not in out  # the entity table's columns are not the events'
    wide = synth.sample(40, conditions=Condition({"seats": 300}))
    assert wide.groupby("tail").size().median() == 3
    long_haul = wide.groupby("tail")["distance"].median() > 2000
    assert long_haul.mean() >= 0.9


def test_rules_found_in_the_events_hold_in_every_event():
    rng = np.random.default_rng(3)
    n = rng.integers(2, 10, 100)
    minutes = rng.gamma(3.0, 20.0, n.sum()).round(1)
    calls = pd.DataFrame(
        {
            "customer": np.repeat(np.arange(100), n),
            "month": np.concatenate([np.arange(k) for k in n]),
            "minutes": minutes,
            "charge": (minutes * 0.17).round(2),
        }
    )
    synth = SequenceSynthesizer(entity="customer", order_by="month", seed=0).fit(calls)
    out = synth.sample()
    assert any("Formula" in repr(r) for r in synth.event_rules_)
    for rule in synth.event_rules_:
        assert rule.is_valid(out).all(), rule
    assert np.abs(out["charge"] - out["minutes"] * 0.17).max() <= 0.005 + 1e-9


def test_bad_tables_and_options_are_refused_with_the_reason(real, fitted, tmp_path):
    with pytest.raises(DataValidationError, match="entity column 'who' is not in the table"):
        SequenceSynthesizer(entity="who", order_by="visit").fit(real)
    gappy = real.assign(visit=real["visit"].where(real.index % 7 != 0))
    with pytest.raises(
        DataValidationError, match=r"order_by column 'visit' is missing in \d+ rows"
    ):
        SequenceSynthesizer(entity="patient", order_by="visit").fit(gappy)
    with pytest.raises(PrivacyBudgetError, match="whole history"):
        SequenceSynthesizer(entity="patient", order_by="visit", privacy=1.0)
    with pytest.raises(InvalidParameterError, match="min_leaf"):
        SequenceSynthesizer(entity="patient", order_by="visit", min_leaf=0)
    with pytest.raises(InvalidParameterError, match="number of entities"):
        fitted.sample(0)
    with pytest.raises(NotFittedError, match="fit"):
        SequenceSynthesizer(entity="patient", order_by="visit").sample()
    single = (
        Synthesizer("marginals", seed=0).fit(real[["sex", "blood"]]).save(tmp_path / "one.synth")
    )
    with pytest.raises(ModelFileError, match="no history model"):
        SequenceSynthesizer.load(single)
    damaged = tmp_path / "damaged.synth"
    _damage_first_tree(fitted.save(tmp_path / "good.synth"), damaged)
    with pytest.raises(ModelFileError, match="damaged"):
        SequenceSynthesizer.load(damaged)
    with pytest.raises(DataValidationError, match="lacks the columns"):
        fitted.continue_histories(real[["patient", "visit"]], steps=2)


def test_history_scores_see_broken_dynamics(real):
    rng = np.random.default_rng(0)
    shuffled = real.copy()
    shuffled["blood"] = rng.permutation(real["blood"].to_numpy())  # dynamics destroyed
    same = sequence_scores(real, real, entity="patient", order_by="visit").scores
    broken = sequence_scores(real, shuffled, entity="patient", order_by="visit")
    assert same["length_ks"] == 0 and same["gap_ks"] == 0 and same["worst_lag1_gap"] == 0
    blood = broken.columns.set_index("column").loc["blood"]
    assert blood["lag1_gap"] > 0.5
    assert broken.scores["entity_detection_auc"] > 0.8
    assert same["entity_detection_auc"] < 0.6


def test_history_privacy_share_is_half_for_a_fresh_draw_and_flags_copies():
    train, holdout, fresh = patients(seed=0), patients(seed=1), patients(seed=2)
    holdout["patient"] = "H" + holdout["patient"]
    copies = sequence_scores(train, train, entity="patient", order_by="visit", holdout=holdout)
    new = sequence_scores(train, fresh, entity="patient", order_by="visit", holdout=holdout)
    assert copies.scores["entity_dcr_share"] == 1.0
    assert new.scores["entity_dcr_share"] == pytest.approx(0.5, abs=0.1)


def _damage_first_tree(source, target) -> None:
    """A model file whose first event tree points at nodes it does not have."""
    import io
    import zipfile

    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    arrays_name = next(name for name in members if name.endswith(".npz"))
    arrays = dict(np.load(io.BytesIO(members[arrays_name]), allow_pickle=False))
    key = next(k for k in arrays if k.startswith("events/first/steps/1/") and k.endswith("left"))
    arrays[key] = np.full_like(arrays[key], 10**6)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    members[arrays_name] = buffer.getvalue()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
