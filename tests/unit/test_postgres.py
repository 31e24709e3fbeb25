"""PostgreSQL in and out, against a real server (scripts/postgres.sh starts one for the tests).

Set SYNTHTAB_TEST_POSTGRES_URL to a database URL to run these; without it they skip.
"""

from __future__ import annotations

import os
import time
import uuid

import numpy as np
import pandas as pd
import pytest

from synthtab import Synthesizer
from synthtab.errors import DataSourceError, OutputError
from synthtab.io.sql import read_sql, write_sql

URL = os.environ.get("SYNTHTAB_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="SYNTHTAB_TEST_POSTGRES_URL is not set (scripts/postgres.sh starts a server)"
)


def _name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


def _people(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "income": np.round(rng.gamma(2.0, 20_000.0, n), 2),
            "city": pd.Series(rng.choice(["Paris", "Lyon", "Nice"], n), dtype="str"),
            "member": rng.random(n) < 0.3,
            "joined": pd.to_datetime("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
        }
    )


def test_write_then_read_back_keeps_rows_and_types() -> None:
    frame, table = _people(), _name()
    write_sql([frame.iloc[:100], frame.iloc[100:]], URL, table)
    back = read_sql(URL, table)
    assert back.dtypes.astype(str).to_dict() == frame.dtypes.astype(str).to_dict()
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_sample_to_postgres_then_fit_from_it() -> None:
    synth = Synthesizer("copula", seed=1).fit(_people())
    table = _name()
    assert synth.sample_to(URL, 20_000, table=table) == URL
    back = read_sql(URL, table)
    expected = synth.sample(20_000)
    assert back.dtypes.astype(str).to_dict() == expected.dtypes.astype(str).to_dict()
    pd.testing.assert_frame_equal(back, expected)
    again = Synthesizer("copula", seed=2).fit(back)
    assert again.sample(10).shape == (10, 5)


def test_existing_table_is_not_overwritten() -> None:
    table = _name()
    write_sql([pd.DataFrame({"x": [1, 2, 3]})], URL, table)
    with pytest.raises(OutputError, match=f"already has a table '{table}'"):
        write_sql([pd.DataFrame({"x": [9]})], URL, table)
    assert read_sql(URL, table)["x"].tolist() == [1, 2, 3]


def test_failure_mid_write_leaves_no_table() -> None:
    table = _name()

    def batches():
        yield pd.DataFrame({"x": [1, 2]})
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write_sql(batches(), URL, table)
    with pytest.raises(DataSourceError, match=f"has no table '{table}'"):
        read_sql(URL, table)


def test_missing_table_lists_the_others() -> None:
    with pytest.raises(DataSourceError, match="has no table 'no_such_table'"):
        read_sql(URL, "no_such_table")


def test_unreachable_server_errors_within_seconds() -> None:
    started = time.perf_counter()
    with pytest.raises(
        DataSourceError, match=r"^Cannot connect to 'postgresql://u@127\.0\.0\.1:9/x'"
    ):
        read_sql("postgresql://u@127.0.0.1:9/x", "people")
    with pytest.raises(OutputError, match="Cannot connect to") as caught:
        write_sql([pd.DataFrame({"x": [1]})], "postgresql://u:secret@127.0.0.1:9/x", "t")
    assert "secret" not in str(caught.value)
    assert time.perf_counter() - started < 10
