"""Datetimes stored as text or as YYYYMMDD integers: find the format, keep it exact.

A format is accepted only if every value parses with it *and* prints back to
the same text, so sampled dates come back exactly as the real ones were written.

>>> import pandas as pd
>>> detect_text_format(pd.Series(["31/01/2020", "05/02/2021"]))
'%d/%m/%Y'
>>> detect_text_format(pd.Series(["red", "blue"])) is None
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

#: Formats tried on text columns, most specific first. Day-first and
#: month-first forms both appear; the data decide between them.
TEXT_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",  # ISO 8601 in UTC, as JSON exports and R's write.csv give it
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d %b %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%B %d, %Y",
)
YYYYMMDD = "%Y%m%d"
_SAMPLE = 500
#: Units tried for the resolution, coarsest first, with their length in ns.
_RESOLUTIONS = (
    ("D", 86_400 * 10**9),
    ("h", 3_600 * 10**9),
    ("min", 60 * 10**9),
    ("s", 10**9),
    ("ms", 10**6),
    ("us", 10**3),
    ("ns", 1),
)


def _parses_exactly(text: pd.Series, fmt: str) -> bool:
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    if parsed.isna().any():
        return False
    return bool((parsed.dt.strftime(fmt) == text).all())


def detect_text_format(values: pd.Series) -> str | None:
    """The one format all non-missing strings parse with and print back to, or None."""
    text = values.dropna().astype(str)
    if text.empty or not text.str.contains(r"\d", regex=True).all():
        return None
    sample = pd.Series(text.unique()[:_SAMPLE])
    for fmt in (*TEXT_FORMATS, *_guessed_formats(sample)):
        if _parses_exactly(sample, fmt) and _parses_exactly(pd.Series(text.unique()), fmt):
            return fmt
    return None


def _guessed_formats(sample: pd.Series) -> list[str]:
    """Formats pandas guesses from a few values (``2016/01/01 00:47:36``,
    ``Mon, 02 Jan 2023 10:00``), for the layouts the fixed list does not hold.
    Only formats with a day and a month count: a bare year is a number."""
    from pandas.tseries.api import guess_datetime_format

    found: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns about dayfirst on every guess
        for value in sample.iloc[:3]:
            for dayfirst in (False, True):
                fmt = guess_datetime_format(str(value), dayfirst=dayfirst)
                has_month = any(code in (fmt or "") for code in ("%m", "%b", "%B"))
                if fmt and "%d" in fmt and has_month and fmt not in found:
                    found.append(fmt)
    return found


def looks_like_yyyymmdd(values: pd.Series) -> bool:
    """Whether integers are all valid YYYYMMDD dates (and not a run of row numbers)."""
    numbers = values.dropna().astype(np.int64)
    if numbers.empty or numbers.min() < 1800_01_01 or numbers.max() > 2200_12_31:
        return False
    unique = np.unique(numbers.to_numpy())
    if unique.size == numbers.size and unique[-1] - unique[0] + 1 == unique.size:
        return False  # consecutive unique integers are keys, not dates
    parsed = pd.to_datetime(pd.Series(unique).astype(str), format=YYYYMMDD, errors="coerce")
    return bool(parsed.notna().all())


def resolution(stamps: pd.Series) -> str:
    """The coarsest unit every instant is a whole multiple of ("D", "h", ..., "ns")."""
    naive = stamps.dropna()
    if getattr(naive.dtype, "tz", None) is not None:
        naive = naive.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = naive.astype("datetime64[ns]").to_numpy().astype(np.int64)
    for unit, length in _RESOLUTIONS:
        if (ns % length == 0).all():
            return unit
    return "ns"


def unit_nanoseconds(unit: str) -> int:
    """Length of a resolution unit in nanoseconds."""
    return dict(_RESOLUTIONS)[unit]


def parse_datetimes(series: pd.Series, fmt: str | None) -> pd.Series:
    """Datetimes of a column stored as datetime64, text in ``fmt``, or YYYYMMDD ints."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    if fmt == YYYYMMDD and pd.api.types.is_numeric_dtype(series.dtype):
        text = series.astype("Int64").astype("string")
        return pd.to_datetime(text, format=fmt, errors="coerce")
    return pd.to_datetime(series, format=fmt, errors="coerce")


def epoch_seconds(stamps: pd.Series) -> np.ndarray:
    """Seconds since 1970-01-01 UTC as float64, NaN for NaT: the one numeric form of a
    datetime in synthtab (schema bounds, encoders, rules and metrics all use it).

    A time-zone-aware column counts from the UTC epoch, so the same instant written
    in two zones is one number.

    >>> epoch_seconds(pd.Series(pd.to_datetime(["1970-01-02", None])))
    array([86400.,    nan])
    """
    if getattr(stamps.dtype, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = stamps.astype("datetime64[ns]").to_numpy()
    out = ns.astype(np.int64) / 1e9
    out[np.isnat(ns)] = np.nan
    return out
