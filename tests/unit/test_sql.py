"""SQL in and out (SQLite here): exact round trips, one transaction, clear errors."""

from __future__ import annotations

import re
import sqlite3

import numpy as np
import pandas as pd
import pytest

from synthtab import Condition, Synthesizer
from synthtab.errors import DataSourceError, InvalidParameterError, OutputError, SamplingError
from synthtab.io import read_table


@pytest.fixture
def db(tmp_path) -> str:
    rng = np.random.default_rng(0)
    people = pd.DataFrame(
        {
            "age": rng.integers(18, 90, 300),
            "income": rng.gamma(2.0, 20_000, 300).round(2),
            "city": rng.choice(["Oslo", "Lima", "Pune"], 300),
        }
    )
    url = f"sqlite:///{tmp_path / 'people.db'}"
    with sqlite3.connect(tmp_path / "people.db") as connection:
        people.to_sql("people", connection, index=False)
    return url


def test_fit_from_a_table_and_write_a_new_one(db: str) -> None:
    real = read_table(db, table="people")
    assert real.shape == (300, 3)
    synth = Synthesizer("copula", seed=1).fit(real)
    assert synth.sample_to(db, 1000, table="synthetic", batch_size=333) == db
    back = read_table(db, table="synthetic")
    pd.testing.assert_frame_equal(back, synth.sample(1000), check_dtype=False)
    assert back.dtypes.to_dict() == real.dtypes.to_dict()


def test_failure_leaves_no_table(db: str) -> None:
    synth = Synthesizer("copula").fit(read_table(db, table="people"))
    with pytest.raises(SamplingError):
        synth.sample_to(db, 50_000, table="broken", conditions=Condition({"age": (30.2, 30.4)}))
    with pytest.raises(DataSourceError, match="has no table 'broken'"):
        read_table(db, table="broken")


def test_existing_table_is_never_overwritten(db: str) -> None:
    synth = Synthesizer("copula").fit(read_table(db, table="people"))
    with pytest.raises(OutputError, match="already has a table 'people'"):
        synth.sample_to(db, 10, table="people")
    assert len(read_table(db, table="people")) == 300


def test_missing_table_suggests_the_close_name(db: str) -> None:
    with pytest.raises(
        DataSourceError, match=re.escape("no table 'peple'. Did you mean 'people'?")
    ):
        read_table(db, table="peple")
    with pytest.raises(DataSourceError, match="needs a table name"):
        read_table(db)


def test_unreachable_database_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(DataSourceError, match="Cannot connect to"):
        read_table(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}", table="t")
    with pytest.raises(DataSourceError, match="not a database URL synthtab can open"):
        read_table("nosuchdb://x/y", table="t")


def test_database_output_needs_a_table_name(db: str) -> None:
    synth = Synthesizer("copula").fit(read_table(db, table="people"))
    with pytest.raises(InvalidParameterError, match="needs a table name"):
        synth.sample_to(db, 10)
