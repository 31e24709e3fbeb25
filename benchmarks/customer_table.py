"""A customer export of the shape users bring: keys, personal data, free text, text dates, gaps.

``customer_export(n, seed)`` builds it with Faker (offline, seeded): a text key, a
UUID, names, emails (gaps), phones in several formats with extensions (gaps), a
street address, a job title written freely (mostly unique), a signup date stored
as text (``%d/%m/%Y``), a country and a city that belongs to it, a plan and the
monthly fee the plan fixes, a spend that grows with tenure, and a churn flag.
Shared by bench_customer_export.py and the end-to-end test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker

CITIES = {
    "France": ["Paris", "Lyon", "Marseille"],
    "Germany": ["Berlin", "Hamburg", "Munich"],
    "Spain": ["Madrid", "Barcelona"],
    "Monaco": ["Monaco"],
}
COUNTRY_SHARES = {"France": 0.45, "Germany": 0.35, "Spain": 0.19, "Monaco": 0.01}
FEES = {"basic": 9.0, "pro": 29.0, "team": 79.0}


def customer_export(n: int = 5_000, seed: int = 0) -> pd.DataFrame:
    """The customer table: ``n`` rows, 17 columns (see the module docstring)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    country = rng.choice(list(COUNTRY_SHARES), n, p=list(COUNTRY_SHARES.values()))
    city = np.array([rng.choice(CITIES[c]) for c in country])  # benchmark data, built once
    plan = rng.choice(list(FEES), n, p=[0.6, 0.3, 0.1])
    tenure = rng.integers(1, 120, n)
    signup = pd.Timestamp("2025-01-01") - pd.to_timedelta(tenure * 30, unit="D")
    phones = [fake.phone_number() for _ in range(n)]
    frame = pd.DataFrame(
        {
            "customer_id": [f"CU-{i:07d}" for i in rng.permutation(n) + 1_000],
            "account_uuid": [fake.uuid4() for _ in range(n)],
            "name": [fake.name() for _ in range(n)],
            "email": [fake.email() for _ in range(n)],
            "phone": phones,
            "address": [fake.street_address() for _ in range(n)],
            "job_title": [f"{fake.job()}, {fake.bs()}" for _ in range(n)],
            "signup_date": signup.strftime("%d/%m/%Y"),
            "country": country,
            "city": city,
            "plan": plan,
            "monthly_fee": np.array([FEES[p] for p in plan]),
            "tenure_months": tenure,
            "total_spend": np.round(
                tenure * np.array([FEES[p] for p in plan]) * rng.uniform(0.8, 1.0, n), 2
            ),
            "segment": rng.choice(["smb", "mid", "enterprise", None], n, p=[0.5, 0.2, 0.05, 0.25]),
            "satisfaction": np.where(rng.random(n) < 0.3, np.nan, rng.integers(1, 6, n)),
            "churned": rng.random(n) < 1 / (1 + np.exp(tenure / 40 - 1)),
        }
    )
    gaps = {"email": 0.12, "phone": 0.2, "address": 0.05, "job_title": 0.15}
    for column, share in gaps.items():
        frame[column] = frame[column].mask(rng.random(n) < share)
    return frame
