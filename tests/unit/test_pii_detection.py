"""Personal data and mostly-unique text are recognised, generated afresh and never copied."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest
from faker import Faker
from typer.testing import CliRunner

from synthtab import Synthesizer, infer_schema
from synthtab.cli.app import app
from synthtab.errors import InvalidParameterError, UnknownNameError
from synthtab.schema.spec import ColumnKind

N = 600


def _fake(seed: int = 0) -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return fake


def _column(method: str, n: int = N, seed: int = 0) -> list[str]:
    fake = _fake(seed)
    return [str(getattr(fake, method)()) for _ in range(n)]


def _with_numbers(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({**columns, "x": np.random.default_rng(0).normal(size=n)})


def test_phones_with_extensions_are_personal_data() -> None:
    rng = np.random.default_rng(1)
    base = [f"{a}-{b}-{c}" for a, b, c in rng.integers([200, 100, 1000], [999, 999, 9999], (N, 3))]
    forms = [f"{p}x{rng.integers(1, 9999)}" if i % 2 else p for i, p in enumerate(base)]
    df = _with_numbers(phone=forms)
    spec = infer_schema(df)["phone"]
    assert spec.kind is ColumnKind.PII
    assert spec.pii_provider == "phone_number"


@pytest.mark.parametrize(
    "values",
    [
        ["+44 20 7946 0958", "+1 (555) 010-2030 ext. 12", "0049 30 1234567"] * 200,
        _column("phone_number"),
    ],
    ids=["country-codes", "faker-formats"],
)
def test_phone_formats_are_recognised_by_their_shape(values: list[str]) -> None:
    rng = np.random.default_rng(2)
    digits = [
        v[:-2] + f"{d:02d}" for v, d in zip(values, rng.integers(0, 99, len(values)), strict=True)
    ]
    spec = infer_schema(_with_numbers(contact=digits))["contact"]
    assert spec.kind is ColumnKind.PII
    assert spec.pii_provider == "phone_number"


@pytest.mark.parametrize(
    ("method", "provider"),
    [
        ("email", "email"),
        ("name", "name"),
        ("iban", "iban"),
        ("credit_card_number", "credit_card_number"),
        ("ipv4", "ipv4"),
        ("street_address", "street_address"),
    ],
)
def test_each_format_is_recognised_without_a_name_hint(method: str, provider: str) -> None:
    spec = infer_schema(_with_numbers(field=_column(method)))["field"]
    assert spec.kind is ColumnKind.PII
    assert spec.pii_provider == provider
    assert spec.reason


def test_uuids_are_generated_unique_and_valid() -> None:
    df = _with_numbers(token=[str(uuid.UUID(int=int(i) * 7919 + 3, version=4)) for i in range(N)])
    spec = infer_schema(df)["token"]
    assert spec.kind.is_generated
    out = Synthesizer("marginals", seed=0).fit(df).sample(2_000)
    assert out["token"].is_unique
    assert all(uuid.UUID(v).version == 4 for v in out["token"])
    assert not out["token"].isin(df["token"]).any()


def test_mostly_unique_free_text_is_never_copied() -> None:
    fake = _fake(3)
    jobs = [f"{fake.job()} ({fake.word()})" for _ in range(N)]
    df = pd.DataFrame({"title": jobs, "grade": np.random.default_rng(0).choice(["a", "b"], N)})
    spec = infer_schema(df)["title"]
    assert spec.kind.is_generated
    assert "free text" in (spec.reason or "") or "unique" in (spec.reason or "")
    out = Synthesizer("trees", seed=0).fit(df).sample(N)
    assert not out["title"].isin(set(jobs)).any()


def test_generated_columns_keep_their_missing_share() -> None:
    rng = np.random.default_rng(4)
    emails = pd.Series(_column("email", 3_000)).mask(rng.random(3_000) < 0.3)
    df = pd.DataFrame({"email": emails, "x": rng.normal(size=3_000)})
    spec = infer_schema(df)["email"]
    assert spec.missing_share == pytest.approx(emails.isna().mean(), abs=1e-6)
    out = Synthesizer("trees", seed=0).fit(df).sample(4_000)
    assert out["email"].isna().mean() == pytest.approx(emails.isna().mean(), abs=0.03)


@pytest.mark.parametrize(
    "override",
    [{"kind": "pii", "pii_provider": "phone_number"}, "pii:phone_number"],
    ids=["mapping", "string"],
)
def test_provider_overrides(override: object) -> None:
    df = _with_numbers(ref=[f"R{i:05d}" for i in range(N)])
    spec = infer_schema(df, overrides={"ref": override})["ref"]
    assert spec.kind is ColumnKind.PII
    assert spec.pii_provider == "phone_number"
    out = Synthesizer("marginals", seed=0, overrides={"ref": override}).fit(df).sample(50)
    assert out["ref"].str.contains(r"\d{3}").all()


def test_misspelt_provider_suggests_the_right_one() -> None:
    df = _with_numbers(phone=_column("phone_number"))
    with pytest.raises(UnknownNameError, match="phone_number"):
        infer_schema(df, overrides={"phone": "pii:phone_numbr"})


def test_pii_without_provider_is_guessed_from_the_values() -> None:
    df = _with_numbers(contact=_column("phone_number"), who=_column("email"))
    schema = infer_schema(df, overrides={"contact": "pii", "who": {"kind": "pii"}})
    assert schema["contact"].pii_provider == "phone_number"
    assert schema["who"].pii_provider == "email"


def test_pii_whose_provider_cannot_be_guessed_says_how_to_name_it() -> None:
    df = _with_numbers(code=[f"{i % 7}" for i in range(N)])
    with pytest.raises(InvalidParameterError, match="pii:"):
        infer_schema(df, overrides={"code": "pii"})


def test_a_detail_on_a_kind_that_takes_none_is_refused() -> None:
    df = _with_numbers(code=[f"{i % 7}" for i in range(N)])
    with pytest.raises(InvalidParameterError, match="only pii:<provider>"):
        infer_schema(df, overrides={"code": "categorical:big"})


def test_cli_override_with_a_provider(tmp_path) -> None:
    data = tmp_path / "people.csv"
    _with_numbers(ref=[f"R{i:05d}" for i in range(N)]).to_csv(data, index=False)
    model = tmp_path / "people.synth"
    runner = CliRunner()
    fitted = runner.invoke(
        app,
        [
            "fit",
            str(data),
            "-o",
            str(model),
            "--model",
            "marginals",
            "--override",
            "ref=pii:phone_number",
        ],
    )
    assert fitted.exit_code == 0, fitted.output
    shown = runner.invoke(app, ["inspect", str(model)], terminal_width=200)
    assert "phone_number" in shown.output
    bad = runner.invoke(
        app,
        ["fit", str(data), "-o", str(tmp_path / "b.synth"), "--override", "ref=pii:phone_numbr"],
    )
    assert bad.exit_code != 0
    assert "phone_number" in bad.output
