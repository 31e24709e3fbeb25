"""Guards on the files a command writes, checked before any work is done.

A command must never destroy the user's data: an output that is one of the
command's inputs is refused, an output whose suffix does not fit what is
written is refused, and an existing file is replaced only with ``--overwrite``.

>>> model = Output("people.csv", "model file", MODEL_SUFFIXES)
>>> guard_outputs([model], inputs=["people.csv"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
synthtab.errors.OutputError: The model file 'people.csv' ends in '.csv'; ... 'people.synth').
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from synthtab.errors import OutputError

MODEL_SUFFIXES = (".synth",)
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json",)


@dataclass(frozen=True)
class Output:
    """A file a command will write: its path, what it holds, and the suffixes that fit."""

    path: str | os.PathLike[str]
    what: str
    suffixes: tuple[str, ...] = ()


def guard_outputs(
    outputs: Sequence[Output],
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    overwrite: bool = False,
) -> None:
    """Refuse an output that is an input, has the wrong suffix, or exists without overwrite."""
    sources = [Path(p).expanduser() for p in inputs if p is not None and _is_file_path(p)]
    seen: dict[Path, str] = {}
    for out in outputs:
        target = Path(out.path).expanduser()
        _check_suffix(target, out)
        if any(_same_file(target, source) for source in sources):
            raise OutputError(
                f"The {out.what} '{out.path}' is also an input of this command: writing it "
                "would destroy that input. Choose another path."
            )
        key = target.resolve()
        if key in seen:
            raise OutputError(
                f"The {out.what} and the {seen[key]} are both '{out.path}'; give each its own path."
            )
        seen[key] = out.what
        if target.is_file() and not overwrite:
            raise OutputError(
                f"The {out.what} '{out.path}' already exists. Pass --overwrite to replace it, "
                "or choose another path."
            )


def _check_suffix(target: Path, out: Output) -> None:
    if out.suffixes and target.suffix.lower() not in out.suffixes:
        given = f"ends in '{target.suffix}'" if target.suffix else "has no suffix"
        raise OutputError(
            f"The {out.what} '{out.path}' {given}; a {out.what} must end in "
            f"{' or '.join(repr(s) for s in out.suffixes)} "
            f"(for example '{target.with_suffix(out.suffixes[0]).name}')."
        )


def _is_file_path(path: str | os.PathLike[str]) -> bool:
    return "://" not in str(path)  # database URLs are not files


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return a.samefile(b)  # hard links and symlinks too
    return a.resolve() == b.resolve()
