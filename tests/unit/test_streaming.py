"""Streaming: batches equal the in-memory rows, files are atomic and batch-size free."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

from synthtab import ClassMix, Condition, Synthesizer
from synthtab.errors import InvalidParameterError, OutputError, SamplingError
from synthtab.random import BLOCK_ROWS


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    from tests.conftest import make_mixed_frame

    real = make_mixed_frame(500)
    real["customer_id"] = range(5000, 5500)
    return Synthesizer("copula", seed=3).fit(real)


@pytest.mark.parametrize("batch_size", [1_000, 7_777, BLOCK_ROWS, 50_000])
def test_batches_are_the_in_memory_rows(synth: Synthesizer, batch_size: int) -> None:
    n = 2 * BLOCK_ROWS + 123
    batches = list(synth.sample_batches(n, batch_size=batch_size))
    assert all(len(b) == batch_size for b in batches[:-1]) and len(batches[-1]) <= batch_size
    joined = pd.concat(batches)
    assert list(joined.index) == list(range(n))
    pd.testing.assert_frame_equal(joined.reset_index(drop=True), synth.sample(n))


@pytest.mark.parametrize(
    "conditions",
    [
        Condition({"group": "south"}),
        ClassMix("group", {"north": 0.5, "rare": 0.5}),
        [Condition({"group": "east"}, n=20_000), Condition({"group": "rare"}, n=5_000)],
    ],
)
def test_conditions_stream_the_same_rows(synth: Synthesizer, conditions) -> None:
    whole = synth.sample(25_000, conditions=conditions)
    parts = pd.concat(synth.sample_batches(25_000, batch_size=6_000, conditions=conditions))
    pd.testing.assert_frame_equal(parts.reset_index(drop=True), whole)


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_files_do_not_depend_on_batch_size(synth: Synthesizer, tmp_path, suffix: str) -> None:
    n = BLOCK_ROWS + 500
    one = synth.sample_to(tmp_path / f"a.{suffix}", n, batch_size=999)
    two = synth.sample_to(tmp_path / f"b.{suffix}", n, batch_size=40_000)
    assert one.read_bytes() == two.read_bytes()
    if suffix == "parquet":
        table = pq.read_table(one).to_pandas()
        # Parquet gives text back as pandas' string dtype; the values are the same rows.
        pd.testing.assert_frame_equal(table, synth.sample(n), check_dtype=False)
        assert table["customer_id"].is_unique


def test_failure_mid_stream_leaves_no_file(synth: Synthesizer, tmp_path) -> None:
    never = Condition({"age": (30.2, 30.4)})
    with pytest.raises(SamplingError):
        synth.sample_to(tmp_path / "out.parquet", 100_000, conditions=never)
    assert list(tmp_path.iterdir()) == []


def test_bad_requests_fail_before_any_work(synth: Synthesizer, tmp_path) -> None:
    with pytest.raises(
        InvalidParameterError, match=re.escape("The batch_size must be a positive int")
    ):
        synth.sample_batches(10, batch_size=0)
    with pytest.raises(OutputError, match="not a table format"):
        synth.sample_to(tmp_path / "out.xlsx", 10)
    with pytest.raises(OutputError, match="does not exist"):
        synth.sample_to(tmp_path / "missing" / "out.csv", 10)
