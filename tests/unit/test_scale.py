"""Scale: the same rows whatever the worker threads and batch sizes; the sample command streams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthtab import ClassMix, Synthesizer
from synthtab.cli.app import app
from synthtab.errors import InvalidParameterError, SynthtabError
from synthtab.random import BLOCK_ROWS, SeedTree
from synthtab.sampling.engine import SamplingEngine

N = 3 * BLOCK_ROWS + 777


def _people(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, n)
    return pd.DataFrame(
        {
            "age": age,
            "income": np.round(age * 700 + rng.normal(0, 3000, n), 2),
            "city": rng.choice(["Paris", "Lyon", "Nice"], n),
            "member": rng.random(n) < 0.3,
        }
    )


@pytest.fixture(scope="module", params=["copula", "trees"])
def synth(request: pytest.FixtureRequest) -> Synthesizer:
    return Synthesizer(request.param, seed=5).fit(_people())


def _rows(synth: Synthesizer, workers: int, request: object = None) -> pd.DataFrame:
    engine = SamplingEngine(synth.model_, synth.encoder_, synth.constraints_, workers=workers)
    seeds = SeedTree(5).child("sample")
    return pd.concat(list(engine.stream(N, seeds, request)))


@pytest.mark.parametrize("workers", [2, 3])
def test_threads_give_the_rows_of_one_thread(synth: Synthesizer, workers: int) -> None:
    pd.testing.assert_frame_equal(_rows(synth, workers), _rows(synth, 1))


def test_threads_keep_conditioned_rows(synth: Synthesizer) -> None:
    mix = ClassMix("city", {"Paris": 0.2, "Lyon": 0.3, "Nice": 0.5})
    one, three = _rows(synth, 1, mix), _rows(synth, 3, mix)
    pd.testing.assert_frame_equal(one, three)
    assert (one["city"].value_counts() / N).round(2).to_dict() == {
        "Nice": 0.5,
        "Lyon": 0.3,
        "Paris": 0.2,
    }


@pytest.mark.parametrize("batch_size", [1000, BLOCK_ROWS, 50_000])
def test_parquet_bytes_do_not_depend_on_the_batch_size(
    synth: Synthesizer, tmp_path: Path, batch_size: int
) -> None:
    reference = synth.sample_to(tmp_path / "ref.parquet", N)
    other = synth.sample_to(tmp_path / "other.parquet", N, batch_size=batch_size)
    assert Path(other).read_bytes() == Path(reference).read_bytes()


def test_parquet_bytes_do_not_depend_on_the_workers(synth: Synthesizer, tmp_path: Path) -> None:
    one = synth.sample_to(tmp_path / "one.parquet", N, workers=1)
    three = synth.sample_to(tmp_path / "three.parquet", N, workers=3)
    assert Path(three).read_bytes() == Path(one).read_bytes()


def test_workers_must_be_positive(synth: Synthesizer) -> None:
    with pytest.raises(InvalidParameterError, match=r"The number of workers must be a positive"):
        synth.sample_batches(10, workers=0)


def test_streamed_file_equals_in_memory_sample(synth: Synthesizer, tmp_path: Path) -> None:
    path = synth.sample_to(tmp_path / "rows.parquet", N)
    pd.testing.assert_frame_equal(pd.read_parquet(path), synth.sample(N))


def test_failure_mid_stream_leaves_no_file(tmp_path: Path) -> None:
    synth = Synthesizer("copula", seed=0).fit(_people())
    batches = synth.sample_batches(N)

    def broken():
        yield next(batches)
        raise KeyboardInterrupt

    from synthtab.io.streaming import write_batches

    with pytest.raises(KeyboardInterrupt):
        write_batches(broken(), tmp_path / "rows.parquet")
    assert list(tmp_path.iterdir()) == []


def _broken_rule(df: pd.DataFrame) -> np.ndarray:
    if df["age"].max() > 0:
        raise ZeroDivisionError("a rule that fails on a worker thread")
    return np.ones(len(df), dtype=bool)


def test_an_error_on_a_worker_thread_reaches_the_caller(tmp_path: Path) -> None:
    from synthtab import Predicate

    synth = Synthesizer("copula", seed=0).fit(_people())
    synth.constraints_ = [Predicate("age", _broken_rule)]  # checked on the block threads
    with pytest.raises(SynthtabError, match="fails on a worker thread"):
        synth.sample_to(tmp_path / "rows.parquet", N)
    assert list(tmp_path.iterdir()) == []


# -- the sample command ------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "people.synth"
    Synthesizer("copula", seed=0).fit(_people()).save(path)
    return path


def _invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_sample_command_streams_to_parquet_and_reports_the_rate(
    model_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.parquet"
    result = _invoke("sample", model_file, "-n", 40_000, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote 40,000 rows × 4 columns to {out} in ")
    assert result.stdout.rstrip().endswith("rows/s).")
    assert len(pd.read_parquet(out)) == 40_000


def test_sample_command_writes_a_sqlite_table(model_file: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    result = _invoke("sample", model_file, "-n", 500, "-o", url, "--table", "people")
    assert result.exit_code == 0, result.output
    assert "to table 'people' of sqlite:///" in result.stdout
    from synthtab.io.sql import read_sql

    frame = read_sql(url, "people")
    assert frame.shape == (500, 4)
    again = _invoke("sample", model_file, "-n", 5, "-o", url, "--table", "people")
    assert again.exit_code == 2
    assert "already has a table 'people'" in again.stderr


def test_sample_command_needs_a_table_for_a_database(model_file: Path, tmp_path: Path) -> None:
    result = _invoke("sample", model_file, "-n", 5, "-o", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Writing to a database needs the name of a new table: add --table NAME.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_sample_command_unreachable_scheduler(model_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    result = _invoke("sample", model_file, "-n", 5, "-o", out, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: Cannot reach the Dask scheduler at 'tcp://127.0.0.1:9' within 5 s"
    )
    assert list(tmp_path.iterdir()) == []
