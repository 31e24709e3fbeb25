"""Model files that cannot run code: a zip of ``manifest.json`` and ``arrays.npz``.

State trees (dicts and lists of JSON scalars and numpy arrays) are split into
JSON, where each array is replaced by ``{"__array__": key}``, and an ``.npz``
of plain numeric arrays read with ``allow_pickle=False``. Classes are found by
registry name, never by an import path taken from the file. The format is
versioned: a newer file is refused with the reason, an older one is migrated.

>>> tree, arrays = pack({"w": np.arange(3.0), "n": 2})
>>> tree
{'w': {'__array__': 'w'}, 'n': 2}
>>> unpack(tree, arrays)["w"]
array([0., 1., 2.])
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from synthtab.errors import ModelFileError
from synthtab.io.atomic import atomic_output

FORMAT_NAME = "synthtab-model"
#: Version of the file layout; bump on incompatible changes and add a migration.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ARRAYS = "arrays.npz"
#: Uncompressed size past which a member is refused (a zip bomb guard).
MAX_MEMBER_BYTES = 8 * 1024**3
#: Deflate expands at most ~1032-fold; a member that declares more is forged.
_MAX_EXPANSION = 1_100

#: Upgrades from format ``v`` to ``v + 1``, applied in turn to an older manifest.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_ARRAY_KEY = "__array__"
_ALLOWED_KINDS = frozenset("biufcUSM")  # bool, ints, floats, complex, strings, datetimes


def pack(state: Any, prefix: str = "") -> tuple[Any, dict[str, np.ndarray]]:
    """Split a state tree into a JSON tree and a dict of arrays."""
    arrays: dict[str, np.ndarray] = {}

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, np.ndarray):
            if node.dtype.kind not in _ALLOWED_KINDS:
                raise ModelFileError(f"State '{path}' is an array of {node.dtype}; not storable.")
            arrays[path] = node
            return {_ARRAY_KEY: path}
        if isinstance(node, dict):
            return {str(k): walk(v, f"{path}/{k}" if path else str(k)) for k, v in node.items()}
        if isinstance(node, list | tuple):
            return [walk(v, f"{path}/{i}") for i, v in enumerate(node)]
        if isinstance(node, np.generic):
            return node.item()
        if node is None or isinstance(node, str | int | float | bool):
            return node
        raise ModelFileError(f"State '{path}' holds a {type(node).__name__}; not storable.")

    return walk(state, prefix), arrays


def unpack(tree: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Inverse of :func:`pack`."""
    if isinstance(tree, dict):
        if set(tree) == {_ARRAY_KEY}:
            key = tree[_ARRAY_KEY]
            if key not in arrays:
                raise ModelFileError(f"The model file refers to a missing array '{key}'.")
            return arrays[key]
        return {k: unpack(v, arrays) for k, v in tree.items()}
    if isinstance(tree, list):
        return [unpack(v, arrays) for v in tree]
    return tree


def write_model_file(path: str | os.PathLike[str], manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` (a state tree) to ``path`` atomically; returns the path."""
    tree, arrays = pack(manifest)
    header = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION}
    text = json.dumps({**header, **tree}, indent=1, allow_nan=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    with (
        atomic_output(path, option="model file") as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(MANIFEST, text)
        archive.writestr(ARRAYS, buffer.getvalue())
    return Path(path)


def read_model_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a model file written by :func:`write_model_file`, safely."""
    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"No model file at '{source}'.")
    try:
        with zipfile.ZipFile(source) as archive:
            _check_members(archive, source)
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            arrays = _read_arrays(archive.read(ARRAYS), source)
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise ModelFileError(f"'{source}' is not a readable synthtab model file ({exc}).") from exc
    return unpack(_upgrade(manifest, source), arrays)


def _check_members(archive: zipfile.ZipFile, source: Path) -> None:
    names = sorted(info.filename for info in archive.infolist())
    if names != sorted([MANIFEST, ARRAYS]):
        raise ModelFileError(
            f"'{source}' is not a synthtab model file: it holds {names}, "
            f"expected exactly {MANIFEST} and {ARRAYS}."
        )
    _check_sizes(archive, source)


def _check_sizes(archive: zipfile.ZipFile, source: Path) -> None:
    """Refuse, before anything is decompressed, members whose declared sizes are forged."""
    for info in archive.infolist():
        forged = info.file_size > _MAX_EXPANSION * info.compress_size + 1024
        if info.file_size > MAX_MEMBER_BYTES or forged:
            raise ModelFileError(
                f"'{source}' holds a member '{info.filename}' that declares "
                f"{info.file_size:,} bytes from {info.compress_size:,} stored; the file is "
                "damaged or forged."
            )


def _read_arrays(raw: bytes, source: Path) -> dict[str, np.ndarray]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as inner:
            _check_sizes(inner, source)
            for info in inner.infolist():
                _check_array_header(inner, info, source)
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except ValueError as exc:  # numpy refuses object arrays without allow_pickle
        if "pickle" not in str(exc):
            raise ModelFileError(f"'{source}' holds an unreadable array ({exc}).") from exc
        raise ModelFileError(
            f"'{source}' holds pickled objects, which synthtab never writes; refusing to "
            "load it because unpickling can run code."
        ) from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ModelFileError(f"'{source}' holds unreadable arrays ({exc}).") from exc
    for key, values in arrays.items():
        if values.dtype.kind in "fc" and np.isnan(values).any():
            raise ModelFileError(
                f"'{source}' holds missing numbers (NaN) in its array '{key}', which a "
                "fitted model never has; the file is damaged. Refit the model."
            )
    return arrays


_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def _check_array_header(inner: zipfile.ZipFile, info: zipfile.ZipInfo, source: Path) -> None:
    """An array's declared shape must fit in the bytes its member holds: numpy allocates
    the declared shape before reading, so a forged header would cost gigabytes."""
    with inner.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version not in _HEADER_READERS:
            raise ValueError(f"array format version {version} is not one synthtab writes")
        shape, _, dtype = _HEADER_READERS[version](member)
    declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if declared > info.file_size:
        raise ModelFileError(
            f"'{source}' has an array '{info.filename}' of shape {shape} ({declared:,} bytes) "
            f"in a member of {info.file_size:,} bytes; the file is damaged or forged."
        )


def _upgrade(manifest: dict[str, Any], source: Path) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError(f"'{source}' is not a synthtab model file (no format marker).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"'{source}' has an unreadable format version {version!r}.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"'{source}' was written by synthtab {manifest.get('synthtab_version', '?')} in "
            f"model-file format {version}; this synthtab reads formats up to "
            f"{FORMAT_VERSION}. Upgrade synthtab to load it."
        )
    while version < FORMAT_VERSION:
        if version not in MIGRATIONS:
            raise ModelFileError(
                f"'{source}' uses model-file format {version}, which this synthtab can no "
                f"longer read (it reads formats {min(MIGRATIONS, default=FORMAT_VERSION)} to "
                f"{FORMAT_VERSION}). Refit the model, or load it with the synthtab "
                f"{manifest.get('synthtab_version', 'version')} that wrote it."
            )
        manifest = MIGRATIONS[version](manifest)
        version += 1
        manifest["format_version"] = version
    return manifest
