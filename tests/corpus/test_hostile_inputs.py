"""Hostile files, model files and command lines: each gives one clear error, never a traceback.

Every case states the words the error must contain, so a case that stops being
refused, or is refused for another reason, fails.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthtab import Synthesizer
from synthtab.cli.app import app
from synthtab.errors import ModelFileError

runner = CliRunner()
ROWS = 200


def _table(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, ROWS),
            "income": rng.lognormal(10, 0.5, ROWS).round(2),
            "plan": rng.choice(["basic", "pro", "team"], ROWS),
        }
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def data_csv(folder: Path) -> Path:
    path = folder / "people.csv"
    _table().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def good_model(folder: Path, data_csv: Path) -> Path:
    path = folder / "good.synth"
    Synthesizer("trees", seed=0).fit(_table()).save(path)
    return path


# -- model files ------------------------------------------------------------------------


def _members(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        raw = archive.read("arrays.npz")
    with np.load(io.BytesIO(raw)) as npz:
        return manifest, {key: npz[key] for key in npz.files}


def _write(path: Path, manifest: dict | bytes, arrays: dict[str, np.ndarray] | bytes) -> Path:
    if isinstance(arrays, dict):
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        arrays = buffer.getvalue()
    text = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", text)
        archive.writestr("arrays.npz", arrays)
    return path


def _first_float_key(arrays: dict[str, np.ndarray]) -> str:
    return next(k for k, a in arrays.items() if a.dtype.kind == "f" and a.size > 1)


def _nan_array(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    key = _first_float_key(a)
    broken = a[key].copy()
    broken.flat[0] = np.nan
    return m, {**a, key: broken}


def _short_arrays(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    # every tree step's arrays cut to one entry: the chain can no longer be walked
    return m, {k: (v[:1] if k.startswith("model/") and v.ndim else v) for k, v in a.items()}


def _forged_header(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, bytes]:
    """A tiny .npy whose header declares 10**12 floats."""
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }"
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\0" * 64
    forged = _first_float_key(a)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        for key, value in a.items():
            one = io.BytesIO()
            np.save(one, value)
            inner.writestr(f"{key}.npy", npy if key == forged else one.getvalue())
    return m, buffer.getvalue()


def _missing_array(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return m, {k: v for i, (k, v) in enumerate(a.items()) if i != 0}


def _unknown_model(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return {**m, "synthesizer": {**m["synthesizer"], "model_name": "diffusion"}}, a


def _seed_as_text(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return {**m, "synthesizer": {**m["synthesizer"], "seed": "seven"}}, a


def _no_marker(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return {k: v for k, v in m.items() if k != "format"}, a


def _newer(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return {**m, "format_version": 99}, a


def _no_schema(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return {k: v for k, v in m.items() if k != "schema"}, a


def _manifest_text(m: dict, a: dict[str, np.ndarray]) -> tuple[bytes, dict]:
    return b"{not json", a


def _manifest_list(m: dict, a: dict[str, np.ndarray]) -> tuple[bytes, dict]:
    return b"[1, 2, 3]", a


def _object_array(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, dict]:
    return m, {**a, next(iter(a)): np.array([{"x": 1}], dtype=object)}


def _arrays_not_npz(m: dict, a: dict[str, np.ndarray]) -> tuple[dict, bytes]:
    return m, b"PK\x03\x04 definitely not a zip"


MODEL_CASES: dict[str, tuple[Callable, str]] = {
    "nan_in_weights": (_nan_array, "holds missing numbers (NaN)"),
    "arrays_of_wrong_shape": (_short_arrays, "is damaged: its model cannot draw rows"),
    "forged_array_header": (_forged_header, "the file is damaged or forged"),
    "missing_array": (_missing_array, "refers to a missing array"),
    "unknown_model": (_unknown_model, "diffusion"),
    "seed_as_text": (_seed_as_text, "cannot be loaded"),
    "no_format_marker": (_no_marker, "no format marker"),
    "newer_format": (_newer, "Upgrade synthtab"),
    "no_schema": (_no_schema, "incomplete or damaged"),
    "manifest_not_json": (_manifest_text, "not a readable synthtab model file"),
    "manifest_a_list": (_manifest_list, "no format marker"),
    "pickled_object_array": (_object_array, "pickled objects"),
    "arrays_member_not_npz": (_arrays_not_npz, "unreadable arrays"),
}


@pytest.mark.parametrize("case", sorted(MODEL_CASES))
def test_damaged_model_file_is_refused(case: str, good_model: Path, tmp_path: Path) -> None:
    craft, message = MODEL_CASES[case]
    manifest, arrays = craft(*_members(good_model))
    path = _write(tmp_path / f"{case}.synth", manifest, arrays)
    with pytest.raises(ModelFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Synthesizer.load(path)


def _zip_bomb(path: Path) -> None:
    """A member that declares 3 GiB but stores a few bytes (its size field rewritten)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", b"{}")
        archive.writestr("arrays.npz", b"\0" * 1000)
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")  # the last central entry: arrays.npz
    raw[central + 24 : central + 28] = struct.pack("<I", 3 * 1024**3)
    path.write_bytes(bytes(raw))


FILE_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty_file": (lambda p: p.write_bytes(b""), "not a readable synthtab model file"),
    "random_bytes": (lambda p: p.write_bytes(bytes(range(256)) * 8), "not a readable"),
    "truncated_zip": (None, "not a readable synthtab model file"),  # type: ignore[dict-item]
    "zip_bomb": (_zip_bomb, "declares 3,221,225,472 bytes"),
    "only_a_manifest": (
        lambda p: zipfile.ZipFile(p, "w").writestr("manifest.json", "{}"),
        "expected exactly manifest.json and arrays.npz",
    ),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_model_file_that_is_not_one_is_refused(case: str, good_model: Path, tmp_path) -> None:
    make, message = FILE_CASES[case]
    path = tmp_path / f"{case}.synth"
    if make is None:
        path.write_bytes(good_model.read_bytes()[: good_model.stat().st_size // 2])
    else:
        make(path)
    with pytest.raises(ModelFileError, match=message):
        Synthesizer.load(path)


# -- data files -------------------------------------------------------------------------


def _write_text(content: str | bytes, suffix: str = ".csv") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"data{suffix}"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return make


DATA_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty_csv": (_write_text(""), "empty"),
    "header_only_csv": (_write_text("a,b\n"), "no rows"),
    "binary_csv": (_write_text(bytes(range(256)) * 4), "Could not read"),
    "latin1_csv": (_write_text("name\nJos\xe9\n".encode("latin-1")), "encoding"),
    "ragged_csv": (_write_text("a,b\n1,2\n3,4,5,6\n"), "data.csv"),
    "parquet_garbage": (_write_text(b"PAR1 nonsense", ".parquet"), "data.parquet"),
    "excel_suffix": (_write_text("a\n1\n", ".xlsx"), "not a table format synthtab reads"),
    "no_suffix": (_write_text("a\n1\n", ""), "no suffix"),
    "folder": (lambda f: (f / "dir.csv").mkdir() or f / "dir.csv", "dir.csv"),
    "missing": (lambda f: f / "absent.csv", "does not exist"),
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_unreadable_data_file_is_one_clear_cli_error(case: str, tmp_path: Path) -> None:
    make, message = DATA_CASES[case]
    data = make(tmp_path)
    result = runner.invoke(app, ["fit", str(data), "-o", str(tmp_path / "m.synth")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert not (tmp_path / "m.synth").exists()


# -- command lines ----------------------------------------------------------------------

CLI_CASES: dict[str, tuple[list[str], str]] = {
    "zero_rows": (["sample", "{model}", "-n", "0", "-o", "{out}/a.csv"], ">= 1"),
    "negative_rows": (["sample", "{model}", "-n", "-5", "-o", "{out}/a.csv"], ">= 1"),
    "rows_not_a_number": (
        ["sample", "{model}", "-n", "many", "-o", "{out}/a.csv"],
        "Invalid value for '--rows'",
    ),
    "rows_past_the_disk": (
        ["sample", "{model}", "-n", str(10**15), "-o", "{out}/a.csv"],
        "at the least, but its disk has",
    ),
    "unknown_condition_column": (
        ["sample", "{model}", "-n", "5", "-o", "{out}/a.csv", "--condition", "pln=pro"],
        "plan",
    ),
    "condition_without_equals": (
        ["sample", "{model}", "-n", "5", "-o", "{out}/a.csv", "--condition", "plan"],
        "COLUMN=VALUE",
    ),
    "model_is_a_folder": (["sample", "{out}", "-n", "5", "-o", "{out}/a.csv"], "is a folder"),
    "model_is_a_csv": (["inspect", "{data}"], "not a readable synthtab model file"),
    "unknown_kind": (
        ["fit", "{data}", "-o", "{out}/m.synth", "--override", "age=nmber"],
        "numeric",
    ),
    "override_unknown_column": (
        ["fit", "{data}", "-o", "{out}/m.synth", "--override", "agee=numeric"],
        "age",
    ),
    "unknown_provider": (
        ["fit", "{data}", "-o", "{out}/m.synth", "--override", "plan=pii:phone_nmber"],
        "phone_number",
    ),
    "detail_on_a_plain_kind": (
        ["fit", "{data}", "-o", "{out}/m.synth", "--override", "plan=categorical:x"],
        "only pii:<provider>",
    ),
    "param_without_equals": (["fit", "{data}", "-o", "{out}/m.synth", "-p", "epochs"], "KEY=VALUE"),
    "unknown_param": (
        ["fit", "{data}", "-o", "{out}/m.synth", "-m", "trees", "-p", "epohcs=3"],
        "epohcs",
    ),
    "negative_epsilon": (["fit", "{data}", "-o", "{out}/m.synth", "--epsilon", "-1"], "epsilon"),
    "missing_constraints_file": (
        ["fit", "{data}", "-o", "{out}/m.synth", "--constraints", "{out}/rules.toml"],
        "rules.toml",
    ),
    "model_output_is_the_data": (["fit", "{data}", "-o", "{data}"], "must end in '.synth'"),
    "model_output_without_suffix": (["fit", "{data}", "-o", "{out}/model"], "has no suffix"),
    "table_without_database": (
        ["sample", "{model}", "-n", "5", "-o", "{out}/a.csv", "--table", "t"],
        "is a file path",
    ),
    "database_without_table": (
        ["sample", "{model}", "-n", "5", "-o", "sqlite:///{out}/x.db"],
        "--table NAME",
    ),
    "report_over_the_data": (["evaluate", "{data}", "{data}", "--report", "{data}"], ".html"),
    "json_report_as_html": (
        ["evaluate", "{data}", "{data}", "--json", "{out}/r.html"],
        "must end in '.json'",
    ),
    "evaluate_unknown_target": (["evaluate", "{data}", "{data}", "-t", "pla"], "plan"),
    "rebalance_unknown_target": (
        ["rebalance", "{data}", "-t", "pla", "-o", "{out}/b.csv"],
        "pla",
    ),
    "rebalance_bad_ratio": (
        ["rebalance", "{data}", "-t", "plan", "-o", "{out}/b.csv", "--ratio", "3"],
        "ratio",
    ),
    "unknown_model": (["fit", "{data}", "-o", "{out}/m.synth", "-m", "tres"], "trees"),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_hostile_command_line_is_one_clear_error(
    case: str, folder: Path, data_csv: Path, good_model: Path, tmp_path: Path
) -> None:
    args, message = CLI_CASES[case]
    filled = [a.format(model=good_model, data=data_csv, out=tmp_path) for a in args]
    before = data_csv.read_bytes()
    result = runner.invoke(app, filled, terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in result.output
    assert data_csv.read_bytes() == before
    assert not (tmp_path / "a.csv").exists()
