"""Progress reporting: one plain callable, so any front end can show it.

A callback receives ``(stage, done, total)``: a short stage label, the units
completed so far and the units in the stage (``0`` when the total is unknown,
which a front end shows as a spinner). It is called often, so it must be cheap.

>>> seen = []
>>> report(lambda stage, done, total: seen.append((stage, done, total)), "fit", 1, 10)
>>> seen
[('fit', 1, 10)]
>>> report(None, "fit", 2, 10)  # no callback: nothing happens
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[str, int, int], None]


def report(progress: ProgressCallback | None, stage: str, done: int, total: int) -> None:
    """Call ``progress(stage, done, total)``, or do nothing when ``progress`` is None.

    >>> report(None, "sample", 0, 100)
    """
    if progress is not None:
        progress(stage, done, total)
