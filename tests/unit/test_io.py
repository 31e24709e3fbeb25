"""read_table / write_table: exact round trips, clear errors, atomic writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthtab.errors import DataSourceError, OutputError
from synthtab.io import atomic_output, read_table, write_table


@pytest.fixture
def mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": np.array([31, 45, 27], dtype="int64"),
            "income": [52_000.5, np.nan, 0.1],
            "city": ["Oslo", None, "Lima"],
            "member": [True, False, True],
        }
    )


@pytest.mark.parametrize("name", ["t.csv", "t.tsv", "t.parquet", "t.pq", "T.CSV"])
def test_round_trip_keeps_values_and_plain_dtypes(tmp_path: Path, mixed, name) -> None:
    written = write_table(mixed, tmp_path / name)
    assert written == tmp_path / name
    pd.testing.assert_frame_equal(read_table(written), mixed)


def test_parquet_keeps_every_dtype(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "cat": pd.Categorical(["b", "a", "b"], categories=["b", "a"]),
            "when": pd.to_datetime(["2020-01-01", None, "2021-06-30"]),
            "i8": np.array([1, 2, 3], dtype="int8"),
            "f32": np.array([0.5, 1.5, 2.5], dtype="float32"),
            "text": pd.array(["x", None, "z"], dtype="str"),
        }
    )
    back = read_table(write_table(df, tmp_path / "t.parquet"))
    pd.testing.assert_frame_equal(back, df)
    assert back.dtypes.astype(str).tolist() == df.dtypes.astype(str).tolist()


def test_csv_has_no_index_column(tmp_path: Path) -> None:
    df = pd.DataFrame({"x": [1, 2]}, index=[10, 20])
    assert write_table(df, tmp_path / "t.csv").read_text() == "x\n1\n2\n"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=20
    )
)
def test_csv_floats_round_trip_exactly(tmp_path: Path, values: list[float]) -> None:
    df = pd.DataFrame({"x": np.array(values, dtype="float64")})
    pd.testing.assert_frame_equal(read_table(write_table(df, tmp_path / "f.csv")), df)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ints=st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=15),
    label=st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=8),
)
def test_parquet_round_trips_any_ints_and_labels(tmp_path: Path, ints, label) -> None:
    df = pd.DataFrame({"i": np.array(ints, dtype="int64"), "s": [label] * len(ints)})
    pd.testing.assert_frame_equal(read_table(write_table(df, tmp_path / "p.parquet")), df)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(DataSourceError) as info:
        read_table(path)
    assert str(info.value) == f"The data file '{path}' does not exist."


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError) as info:
        read_table(tmp_path)
    assert str(info.value) == f"The data path '{tmp_path}' is a folder; give a table file."


def test_unknown_suffix_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    with pytest.raises(DataSourceError) as info:
        read_table(path)
    assert str(info.value) == (
        f"Cannot read '{path}': suffix '.xlsx' is not a table format synthtab reads. "
        "Use one of: .csv, .tsv, .parquet, .pq."
    )


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(DataSourceError) as info:
        read_table(path)
    assert str(info.value) == f"The data file '{path}' is empty."


def test_header_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b\n")
    with pytest.raises(DataSourceError) as info:
        read_table(path)
    assert str(info.value) == f"The data file '{path}' is empty (it holds no rows)."


def test_unparsable_csv_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,4,5,6\n")
    with pytest.raises(DataSourceError) as info:
        read_table(path)
    assert str(info.value) == (
        f"Could not read '{path}' as CSV: Error tokenizing data. "
        "C error: Expected 2 fields in line 3, saw 4"
    )


def test_unparsable_parquet(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_text("hello")
    with pytest.raises(DataSourceError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(f"Could not read '{path}' as Parquet: ")
    assert "\n" not in message and len(message) < len(str(path)) + 200


def test_table_option_is_for_databases(tmp_path: Path, mixed) -> None:
    path = write_table(mixed, tmp_path / "t.csv")
    with pytest.raises(DataSourceError) as info:
        read_table(path, table="people")
    assert str(info.value) == (
        f"The table option ('people') applies to database sources only; "
        f"'{path}' is a CSV file that holds one table."
    )


def test_write_unknown_suffix(tmp_path: Path, mixed) -> None:
    path = tmp_path / "out.json"
    with pytest.raises(OutputError) as info:
        write_table(mixed, path)
    assert str(info.value) == (
        f"Cannot write '{path}': suffix '.json' is not a table format synthtab writes. "
        "Use one of: .csv, .tsv, .parquet, .pq."
    )
    assert list(tmp_path.iterdir()) == []


def test_write_into_missing_folder(tmp_path: Path, mixed) -> None:
    path = tmp_path / "missing" / "out.csv"
    with pytest.raises(OutputError) as info:
        write_table(mixed, path)
    assert str(info.value) == (
        f"Cannot write the output file '{path}': the folder '{path.parent}' does not exist. "
        "Create it first or choose another path."
    )
    assert list(tmp_path.iterdir()) == []


def test_unwritable_value_leaves_nothing_and_keeps_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    path.write_bytes(b"old")
    bad = pd.DataFrame({"mixed": pd.Series([1, "a"], dtype=object)})
    with pytest.raises(OutputError) as info:
        write_table(bad, path)
    assert str(info.value).startswith(f"Could not write '{path}' as Parquet: ")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_exception_mid_write_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt), atomic_output(path) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_exception_mid_write_keeps_existing_file(tmp_path: Path, mixed) -> None:
    path = write_table(mixed, tmp_path / "out.csv")
    before = path.read_bytes()
    with pytest.raises(RuntimeError), atomic_output(path) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_overwrite_replaces_whole_file(tmp_path: Path, mixed) -> None:
    path = tmp_path / "out.csv"
    path.write_text("x\n" * 1000)
    write_table(mixed.head(1), path)
    pd.testing.assert_frame_equal(read_table(path), mixed.head(1))


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    try:
        path = write_table(pd.DataFrame({"a": [1, 2]}), tmp_path / "t.csv")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_latin1_csv_names_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("city,n\nZürich,1\nMálaga,2\n".encode("latin-1"))
    with pytest.raises(DataSourceError, match=r"encoding=\"latin-1\""):
        read_table(path)
    assert read_table(path, encoding="latin-1")["city"].tolist() == ["Zürich", "Málaga"]
