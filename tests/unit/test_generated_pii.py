"""Generated personal data looks like real data: an email belongs to the row's name."""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker

from synthtab import Synthesizer


def test_generated_emails_follow_generated_names_at_real_domains() -> None:
    fake = Faker()
    fake.seed_instance(1)
    n = 300
    df = pd.DataFrame(
        {
            "name": [fake.name() for _ in range(n)],
            "email": [fake.email() for _ in range(n)],
            "x": np.random.default_rng(0).normal(size=n),
        }
    )
    out = Synthesizer("marginals", seed=0).fit(df).sample(1_000)
    last_names = out["name"].str.lower().str.replace(r"[^a-z ]", "", regex=True).str.split().str[-1]
    local = out["email"].str.split("@").str[0]
    assert np.mean([ln in lp for ln, lp in zip(last_names, local, strict=True)]) > 0.95
    assert not out["email"].str.contains("@example.").any()
    assert out["email"].is_unique
    assert not out["email"].isin(df["email"]).any()


def _customers(n: int = 400) -> pd.DataFrame:
    fake = Faker()
    fake.seed_instance(2)
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {
            "customer_id": [f"C-{i:06d}" for i in rng.permutation(n)],
            "name": [fake.name() for _ in range(n)],
            "email": pd.Series([fake.email() for _ in range(n)]).mask(rng.random(n) < 0.2),
            "phone": [fake.phone_number() for _ in range(n)],
            "token": [fake.uuid4() for _ in range(n)],
            "plan": rng.choice(["basic", "pro"], n),
        }
    )


def test_generated_columns_of_the_first_rows_do_not_depend_on_how_many_are_asked() -> None:
    synth = Synthesizer("marginals", seed=4).fit(_customers())
    many = synth.sample(20_000)
    pd.testing.assert_frame_equal(synth.sample(7), many.iloc[:7])
    pd.testing.assert_frame_equal(synth.sample(3_000), many.iloc[:3_000])
    assert many["email"].iloc[:16_384].dropna().is_unique  # unique within a block
    assert many["token"].is_unique


def test_a_few_rows_cost_a_few_rows_of_faker_calls(monkeypatch) -> None:
    """Ten rows make a few chunks of the Faker pool, not the whole pool."""
    from faker import Faker as FakerClass

    synth = Synthesizer("marginals", seed=0).fit(_customers())
    calls: list[str] = []
    original = FakerClass.seed_instance

    def counting(self, seed=None):  # one seed per pool chunk made
        calls.append("seed")
        return original(self, seed)

    monkeypatch.setattr(FakerClass, "seed_instance", counting)
    synth.sample(10)
    assert 0 < len(calls) <= 3 * 10 + 1  # at most one chunk per row and provider, + domains
