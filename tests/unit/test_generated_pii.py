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
