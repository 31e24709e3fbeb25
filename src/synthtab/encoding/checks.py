"""Checks shared by the column encoders: options, inputs, matrices and saved state."""

from __future__ import annotations

from typing import Any

import numpy as np

from synthtab.encoding.base import State
from synthtab.errors import DataValidationError, InvalidParameterError, ModelFileError


def check_int_option(
    owner: str, option: str, value: object, low: int, high: int | None = None
) -> int:
    """Return ``value`` as an int in ``[low, high]``, or raise :class:`InvalidParameterError`.

    >>> check_int_option("ModeSpecificEncoder", "max_modes", 3, 1, 100)
    3
    """
    upper = float("inf") if high is None else high
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= upper
    ):
        shown = "inf)" if high is None else f"{high}]"
        raise InvalidParameterError(
            f"The '{option}' parameter of {owner} must be an int in [{low}, {shown}. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_matrix(encoded: object, width: int, owner: str) -> np.ndarray:
    """Return ``encoded`` as a float64 matrix of shape (n, width), or raise a clear error."""
    try:
        matrix = np.asarray(encoded, dtype=np.float64)
    except (TypeError, ValueError):
        matrix = np.empty((0,))
    if matrix.ndim != 2 or matrix.shape[1] != width:
        raise DataValidationError(
            [f"expected a float matrix of shape (n, {width}); got {_describe(encoded)}"],
            what=f"The input of {owner}.decode",
        )
    return matrix


def read_state(state: State, owner: str, *keys: str) -> list[Any]:
    """The values of ``keys`` in a saved state; a :class:`ModelFileError` names missing ones."""
    missing = [key for key in keys if key not in state]
    if missing:
        raise ModelFileError(
            f"The saved state of {owner} lacks {missing}: it is corrupt or was written by "
            "another synthtab version. Fit the encoder again."
        )
    return [state[key] for key in keys]


def _describe(value: object) -> str:
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    return f"shape {array.shape} and dtype {array.dtype}"


def as_numbers(values: object, owner: str, *, fitting: bool = False) -> np.ndarray:
    """The input as a 1-D float64 array of finite numbers, or a :class:`DataValidationError`."""
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        x = None
    if x is None or x.ndim != 1:
        problems = [f"expected a 1-D array of numbers; got {_describe(values)}"]
    elif fitting and x.size == 0:
        problems = ["it needs at least one value to fit"]
    elif not np.isfinite(x).all():
        bad = np.flatnonzero(~np.isfinite(x))
        problems = [
            f"{bad.size} value(s) are NaN or infinite (first at position {bad[0]}); "
            "fill or drop them first"
        ]
    else:
        return x
    raise DataValidationError(problems, what=f"The input of {owner}")


def robust_std(x: np.ndarray) -> float:
    """Standard deviation that neither underflows for tiny values nor overflows for huge ones."""
    centred = x - x.mean()
    extent = float(np.abs(centred).max())
    return extent * float(np.sqrt(np.mean((centred / extent) ** 2))) if extent > 0 else 0.0
