"""Dask: row blocks drawn by workers give the rows of a one-process run, atomically."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthtab import Predicate, Synthesizer
from synthtab.errors import InvalidParameterError, OutputError, SamplingError
from synthtab.io.dask import BLOCKS_PER_PART
from synthtab.random import BLOCK_ROWS

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            protocol="tcp",  # reachable by address, as --scheduler needs
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "age": rng.integers(18, 90, 400),
            "income": rng.gamma(2.0, 20_000.0, 400).round(2),
            "city": rng.choice(["Paris", "Lyon", "Nice"], 400),
        }
    )
    return Synthesizer("copula", seed=3).fit(real)


def test_dask_dataset_equals_one_process_file(client, synth, tmp_path: Path) -> None:
    n = 2 * BLOCK_ROWS * BLOCKS_PER_PART + 1_000  # three parts, the last one short
    single = synth.sample_to(tmp_path / "one.parquet", n)
    dataset = synth.sample_to(tmp_path / "many.parquet", n, client=client)
    parts = sorted(p.name for p in Path(dataset).iterdir())
    assert parts == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    expected = pd.read_parquet(single)
    got = pd.read_parquet(dataset)
    pd.testing.assert_frame_equal(got, expected)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_dask_replaces_an_old_dataset_only_when_done(client, synth, tmp_path: Path) -> None:
    target = tmp_path / "rows.parquet"
    synth.sample_to(target, 100, client=client)
    synth.sample_to(target, 50, client=client)
    assert len(pd.read_parquet(target)) == 50


def test_dask_refuses_conditions(client, synth, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="unconditioned rows only"):
        synth.sample_to(tmp_path / "x.parquet", 10, client=client, conditions={"city": "Nice"})


def test_dask_needs_a_parquet_dataset_name(client, synth, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="writes a Parquet dataset folder"):
        synth.sample_to(tmp_path / "x.csv", 10, client=client)
    assert list(tmp_path.iterdir()) == []


def _below_one(df: pd.DataFrame) -> np.ndarray:
    return (df["a"] + df["b"] < 1.001).to_numpy()


def test_dask_failure_in_a_worker_leaves_nothing(client, tmp_path: Path) -> None:
    a = np.random.default_rng(1).uniform(0, 1, 300)
    real = pd.DataFrame({"a": a, "b": 1 - a})  # the copula's draws stray past the rule now and then
    synth = Synthesizer("copula", seed=0, constraints=[Predicate(["a", "b"], _below_one)])
    synth.fit(real)
    with pytest.raises(SamplingError, match="Sample in one process"):
        synth.sample_to(tmp_path / "x.parquet", 3 * BLOCK_ROWS, client=client)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_scheduler_is_a_clear_error_within_seconds() -> None:
    from synthtab.io.dask import connect

    started = time.perf_counter()
    with pytest.raises(
        OutputError, match=r"Cannot reach the Dask scheduler at 'tcp://127\.0\.0\.1:9'"
    ):
        connect("tcp://127.0.0.1:9", timeout=2)
    assert time.perf_counter() - started < 10


def test_fit_from_dataset_uses_a_stated_uniform_sample(synth, tmp_path: Path) -> None:
    from synthtab.io.dask import fit_from_dataset

    big = tmp_path / "big"
    big.mkdir()
    for i in range(3):
        synth.sample(2_000, seed=i).to_parquet(big / f"part-{i}.parquet")
    fitted = fit_from_dataset(Synthesizer("copula", seed=1), big, sample_rows=1_500)
    notes = " | ".join(fitted.fit_report_.notes)
    assert "uniform random sample of 1,500 of the 6,000 rows" in notes
    assert "marginal distributions from all 6,000 rows by map/reduce" in notes
    assert fitted.fit_report_.n_rows == 1_500


def _lake_with_rare_facts(folder: Path) -> pd.DataFrame:
    """Four parts; one row holds a label and an extreme that a small sample misses."""
    rng = np.random.default_rng(5)
    parts = []
    for i in range(4):
        part = pd.DataFrame(
            {
                "x": rng.normal(50.0, 5.0, 5_000).round(2),
                "city": rng.choice(["north", "south"], 5_000, p=[0.7, 0.3]),
            }
        )
        if i == 3:
            part.loc[0, ["x", "city"]] = [500.0, "island"]
        part.to_parquet(folder / f"part-{i}.parquet")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("model", ["copula", "marginals"])
def test_fit_from_dataset_takes_labels_ranges_and_marginals_from_every_row(
    model: str, tmp_path: Path
) -> None:
    from synthtab.io.dask import fit_from_dataset

    full = _lake_with_rare_facts(tmp_path)
    fitted = fit_from_dataset(Synthesizer(model, seed=0), tmp_path, sample_rows=500)
    assert fitted.schema_["city"].categories == ("north", "south", "island")
    assert fitted.schema_["x"].maximum == 500.0
    assert fitted.model_.grid_.values[-1].max() == 500.0  # the extreme is in the marginal
    out = fitted.sample(40_000)
    assert abs(out["x"].median() - full["x"].median()) < 0.5
    assert abs((out["city"] == "south").mean() - (full["city"] == "south").mean()) < 0.02
    assert fitted.overrides is None  # the full-scan facts do not become the user's options


def test_sample_command_with_a_scheduler(client, synth, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synthtab.cli.app import app

    model = synth.save(tmp_path / "m.synth")
    out = tmp_path / "rows.parquet"
    address = client.scheduler.address
    args = ["sample", str(model), "-n", "40000", "-o", str(out), "--scheduler", address]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote 40,000 rows × 3 columns to {out} in ")
    pd.testing.assert_frame_equal(pd.read_parquet(out), synth.sample(40_000))


def test_fit_from_dataset_runs_its_passes_on_the_cluster(client, tmp_path: Path) -> None:
    from synthtab.io.dask import fit_from_dataset

    _lake_with_rare_facts(tmp_path)
    fitted = fit_from_dataset(
        Synthesizer("copula", seed=0), tmp_path, sample_rows=500, client=client
    )
    assert "island" in fitted.schema_["city"].categories
    assert "by map/reduce (dask)" in fitted.fit_report_.notes[-1]
