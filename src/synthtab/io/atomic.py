"""Atomic file output: write to a temporary file beside the target, then rename.

A failure (an exception, Ctrl-C) leaves neither a partial file nor the
temporary one behind, and an existing file at the target stays untouched.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_output(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text()
'done'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from synthtab.errors import OutputError


def check_writable(path: str | os.PathLike[str], *, option: str = "output") -> Path:
    """Return ``path`` as a Path if its folder exists and is writable, else raise."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path.cwd()
    if target.is_dir():
        raise OutputError(f"The {option} path '{target}' is a folder; give a file name.")
    if not folder.is_dir():
        raise OutputError(
            f"Cannot write the {option} '{target}': the folder '{folder}' does not exist. "
            "Create it first or choose another path."
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(
            f"Cannot write the {option} '{target}': the folder '{folder}' is not writable."
        )
    return target


def _default_mode() -> int:
    """The mode a new file gets from open(): 0o666 less the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, option: str = "output") -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path``, on failure it is removed."""
    target = check_writable(path, option=option)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as exc:  # the folder vanished or turned read-only since the check
        raise OutputError(f"Could not write the {option} '{target}': {exc.strerror}.") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        tmp.chmod(_default_mode())  # mkstemp makes files private; outputs get the usual mode
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"Could not write the {option} '{target}': {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
