"""Model files: identical round trips, versioning, and no way to run code on load."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthtab import Synthesizer
from synthtab.errors import ModelFileError, OutputError
from synthtab.persistence import ARRAYS, FORMAT_VERSION, MANIFEST


@pytest.fixture
def model_file(tmp_path: Path, mixed_frame: pd.DataFrame) -> Path:
    return Synthesizer("copula", seed=5).fit(mixed_frame).save(tmp_path / "m.synth")


def _rewrite(path: Path, *, manifest=None, arrays: bytes | None = None, extra=None) -> None:
    with zipfile.ZipFile(path) as archive:
        old_manifest = json.loads(archive.read(MANIFEST))
        old_arrays = archive.read(ARRAYS)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MANIFEST, json.dumps(manifest or old_manifest))
        archive.writestr(ARRAYS, old_arrays if arrays is None else arrays)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)


class _Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code ran"))


def test_file_is_a_zip_of_manifest_and_plain_arrays(model_file: Path) -> None:
    with zipfile.ZipFile(model_file) as archive:
        assert sorted(archive.namelist()) == sorted([MANIFEST, ARRAYS])
        manifest = json.loads(archive.read(MANIFEST))
    assert manifest["format"] == "synthtab-model"
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["synthesizer"]["model"] == "copula"


def test_pickled_array_in_a_crafted_file_cannot_run_code(model_file: Path, tmp_path) -> None:
    marker = tmp_path / "pwned.txt"
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(marker)
    buffer = io.BytesIO()
    np.savez(buffer, **{"model/learned/grid": evil})  # numpy pickles object arrays
    _rewrite(model_file, arrays=buffer.getvalue())
    with pytest.raises(ModelFileError, match="pickled objects"):
        Synthesizer.load(model_file)
    assert not marker.exists()
    # The payload is live: a loader that allowed pickles would have run it.
    np.load(io.BytesIO(buffer.getvalue()), allow_pickle=True)["model/learned/grid"]
    assert marker.read_text() == "code ran"


def test_crafted_file_with_pickle_runs_nothing_when_loaded(model_file: Path, tmp_path) -> None:
    marker = tmp_path / "pwned.txt"
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(marker)
    buffer = io.BytesIO()
    np.savez(buffer, **{"model/learned/grid": evil})
    _rewrite(model_file, arrays=buffer.getvalue())
    with pytest.raises(ModelFileError, match="pickled objects"):
        Synthesizer.load(model_file)
    assert not marker.exists()


def test_class_path_in_manifest_is_never_imported(model_file: Path) -> None:
    with zipfile.ZipFile(model_file) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    manifest["synthesizer"]["model"] = "os:system"
    _rewrite(model_file, manifest=manifest)
    with pytest.raises(ModelFileError, match="Unknown model 'os:system'"):
        Synthesizer.load(model_file)


def test_extra_member_is_refused(model_file: Path) -> None:
    _rewrite(model_file, extra={"payload.pkl": b"x"})
    with pytest.raises(
        ModelFileError, match=re.escape("expected exactly manifest.json and arrays.npz")
    ):
        Synthesizer.load(model_file)


def test_newer_format_says_to_upgrade(model_file: Path) -> None:
    with zipfile.ZipFile(model_file) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    manifest["format_version"] = FORMAT_VERSION + 1
    _rewrite(model_file, manifest=manifest)
    with pytest.raises(ModelFileError, match=rf"format {FORMAT_VERSION + 1}; .*Upgrade synthtab"):
        Synthesizer.load(model_file)


def test_older_format_without_migration_says_why(model_file: Path) -> None:
    with zipfile.ZipFile(model_file) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    manifest["format_version"] = 0
    _rewrite(model_file, manifest=manifest)
    with pytest.raises(ModelFileError, match="format 0, which this synthtab can no longer read"):
        Synthesizer.load(model_file)


def test_older_format_is_migrated(model_file: Path, monkeypatch) -> None:
    from synthtab import persistence

    with zipfile.ZipFile(model_file) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    manifest["format_version"] = 0
    manifest["synthesizer"]["random_seed"] = manifest["synthesizer"].pop("seed")
    _rewrite(model_file, manifest=manifest)

    def rename_seed(old: dict) -> dict:
        old["synthesizer"]["seed"] = old["synthesizer"].pop("random_seed")
        return old

    monkeypatch.setitem(persistence.MIGRATIONS, 0, rename_seed)
    assert Synthesizer.load(model_file).seed == 5


def test_not_a_zip_and_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.synth"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a readable synthtab model file"):
        Synthesizer.load(junk)
    with pytest.raises(ModelFileError, match="No model file at"):
        Synthesizer.load(tmp_path / "absent.synth")


def test_save_to_missing_folder_leaves_nothing(tmp_path: Path, mixed_frame) -> None:
    synth = Synthesizer("marginals").fit(mixed_frame)
    with pytest.raises(OutputError, match="does not exist"):
        synth.save(tmp_path / "no" / "such" / "m.synth")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_keeps_the_old_file(tmp_path: Path, mixed_frame, monkeypatch) -> None:
    from synthtab import persistence

    target = tmp_path / "m.synth"
    target.write_text("previous")
    synth = Synthesizer("marginals").fit(mixed_frame)

    def broken(*args, **kwargs):
        raise RuntimeError("disk vanished")

    monkeypatch.setattr(persistence.zipfile.ZipFile, "writestr", broken)
    with pytest.raises(RuntimeError, match="disk vanished"):
        synth.save(target)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["m.synth"]
