"""Exact codecs between a raw pandas column and its canonical numpy form.

Canonical forms: numbers and datetimes are float64 with NaN for missing
(datetimes in epoch seconds, UTC); labels are int64 codes into
``spec.categories`` with -1 for missing. Decoding accepts any model output and
always returns a valid column: rounded, clipped to the training range, in the
exact dtype and storage format of the real one (YYYYMMDD integers and date
strings included).

>>> import pandas as pd
>>> from synthtab.schema import infer_schema
>>> s = pd.Series([20200131, 20210315, 20200131], name="day")
>>> spec = infer_schema(s.to_frame())["day"]
>>> from_canonical(to_canonical(s, spec), spec).tolist()
[20200131, 20210315, 20200131]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from synthtab.errors import InvalidParameterError
from synthtab.random import integer_seed
from synthtab.schema.datetimes import epoch_seconds, parse_datetimes, unit_nanoseconds
from synthtab.schema.pii import check_provider
from synthtab.schema.spec import ColumnKind, ColumnSpec

#: Faker values generated per call at most; larger requests draw from this pool.
PII_POOL = 5_000


# -- to canonical ---------------------------------------------------------------------


def _numbers_to_canonical(series: pd.Series, spec: ColumnSpec) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _datetimes_to_canonical(series: pd.Series, spec: ColumnSpec) -> np.ndarray:
    return epoch_seconds(parse_datetimes(series, spec.datetime_format))


def _labels_to_canonical(series: pd.Series, spec: ColumnSpec) -> np.ndarray:
    index = pd.Index(list(spec.categories or ()), dtype=object)
    return index.get_indexer(series.astype(object)).astype(np.int64)


def to_canonical(series: pd.Series, spec: ColumnSpec) -> np.ndarray:
    """The canonical array of one raw column (see the module docstring)."""
    return _TO_CANONICAL[spec.kind](series, spec)


# -- from canonical -------------------------------------------------------------------


def _restore(values: np.ndarray | pd.Series, dtype: str, name: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if dtype == "object":
        out = series.astype(object)
        return out.where(out.notna(), np.nan).rename(name)
    return series.astype(dtype).rename(name)


def _numbers_from_canonical(values: np.ndarray, spec: ColumnSpec) -> pd.Series:
    x = np.asarray(values, dtype=np.float64)
    decimals = 0 if spec.kind is ColumnKind.INTEGER else spec.decimals
    if decimals is not None:
        x = np.round(x, decimals)
    x = np.clip(x, spec.minimum, spec.maximum) if spec.minimum is not None else x
    if np.isnan(x).any() and _is_numpy_integer(spec.dtype):
        x = np.where(np.isnan(x), spec.minimum or 0.0, x)  # a non-nullable column
    if _is_numpy_integer(spec.dtype) or _integer_extension(spec.dtype):
        return _restore(_to_integers(x, spec.dtype), spec.dtype, spec.name)
    return _restore(x, spec.dtype, spec.name)


def _integer_extension(dtype: str) -> bool:
    try:
        return pd.api.types.is_integer_dtype(pd.api.types.pandas_dtype(dtype))
    except TypeError:
        return False


def _to_integers(x: np.ndarray, dtype: str) -> np.ndarray:
    """Floats to the integer dtype without wrapping: near the int64/uint64 limits a float64
    rounds past the largest integer (2**63 - 10 reads 2**63), which a plain cast wraps to
    the other end of the range. Clip to the largest floats the dtype holds first."""
    kind = pd.api.types.pandas_dtype(dtype)
    numpy_dtype = np.dtype(getattr(kind, "numpy_dtype", kind))
    if numpy_dtype.kind == "b":
        return x
    info = np.iinfo(numpy_dtype)
    hi = np.nextafter(np.float64(info.max) + 1.0, -np.inf) if info.max > 2**53 else info.max
    lo = float(info.min)
    missing = np.isnan(x)
    clipped = np.clip(np.where(missing, 0.0, x), lo, hi).astype(numpy_dtype)
    if missing.any():
        return pd.Series(pd.array(clipped, dtype=dtype)).mask(missing).to_numpy(object)
    return clipped


def _is_numpy_integer(dtype: str) -> bool:
    try:
        return np.dtype(dtype).kind in "iub"
    except TypeError:  # a pandas extension dtype such as Int64
        return False


def _datetimes_from_canonical(values: np.ndarray, spec: ColumnSpec) -> pd.Series:
    x = np.clip(np.asarray(values, dtype=np.float64), spec.minimum, spec.maximum)
    step = unit_nanoseconds(spec.datetime_resolution or "s")
    missing = np.isnan(x)
    counts = np.round(np.where(missing, 0.0, x) * (1e9 / step)).astype(np.int64)
    ns = (counts * step).astype("datetime64[ns]")
    ns[missing] = np.datetime64("NaT")
    stamps = pd.Series(ns)
    dtype = pd.api.types.pandas_dtype(spec.dtype)
    tz = getattr(dtype, "tz", None)
    if tz is not None:
        stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(tz)
    if spec.datetime_format is None:
        return _restore(stamps, spec.dtype, spec.name)
    text = stamps.dt.strftime(spec.datetime_format)
    if pd.api.types.is_numeric_dtype(dtype):
        return _restore(pd.to_numeric(text), spec.dtype, spec.name)
    return _restore(text.astype(object).where(~missing, None), spec.dtype, spec.name)


def _labels_from_canonical(values: np.ndarray, spec: ColumnSpec) -> pd.Series:
    categories = list(spec.categories or ())
    codes = np.asarray(values, dtype=np.int64)
    valid = (codes >= 0) & (codes < len(categories))
    if not spec.nullable:
        codes, valid = np.where(valid, codes, 0), np.ones_like(valid)
    codes = np.where(valid, codes, -1)
    if spec.dtype == "category":
        return pd.Series(pd.Categorical.from_codes(codes, categories=categories), name=spec.name)
    labels = _label_index(tuple(categories), spec.dtype)
    missing = codes < 0
    # Index.take(allow_fill=True, fill_value=None) fills -1 with the last label under
    # pandas 2 and with NA under pandas 3: take a valid code, then mask it
    taken = labels.take(np.where(missing, 0, codes))
    if missing.any():
        taken = pd.Series(taken, copy=False).where(~missing)
    if str(taken.dtype) == spec.dtype and spec.dtype != "object":  # already exact: no cast
        return pd.Series(taken, name=spec.name, copy=False)
    return _restore(pd.Series(taken), spec.dtype, spec.name)


@lru_cache(maxsize=256)
def _label_index(categories: tuple[object, ...], dtype: str) -> pd.Index:
    """The labels as a typed index, built once per column (blocks decode the same column)."""
    try:  # taking from a typed index is several times faster than casting objects
        return pd.Index(list(categories), dtype=dtype)
    except (TypeError, ValueError):
        return pd.Index(list(categories), dtype=object)


def from_canonical(values: np.ndarray, spec: ColumnSpec) -> pd.Series:
    """The raw column, in its exact dtype, from canonical values (or model output)."""
    return _FROM_CANONICAL[spec.kind](values, spec)


_TO_CANONICAL: dict[ColumnKind, Callable[[pd.Series, ColumnSpec], np.ndarray]] = {
    ColumnKind.NUMERIC: _numbers_to_canonical,
    ColumnKind.INTEGER: _numbers_to_canonical,
    ColumnKind.DATETIME: _datetimes_to_canonical,
    ColumnKind.CATEGORICAL: _labels_to_canonical,
    ColumnKind.BOOLEAN: _labels_to_canonical,
}
_FROM_CANONICAL: dict[ColumnKind, Callable[[np.ndarray, ColumnSpec], pd.Series]] = {
    ColumnKind.NUMERIC: _numbers_from_canonical,
    ColumnKind.INTEGER: _numbers_from_canonical,
    ColumnKind.DATETIME: _datetimes_from_canonical,
    ColumnKind.CATEGORICAL: _labels_from_canonical,
    ColumnKind.BOOLEAN: _labels_from_canonical,
}


# -- generated columns ----------------------------------------------------------------


def generate_column(
    spec: ColumnSpec, n: int, *, rng: np.random.Generator, row_offset: int = 0
) -> pd.Series:
    """Fresh identifiers or personal data for ``n`` rows; nothing is copied from the input.

    Integer keys continue above the largest real key (offset by ``row_offset``,
    so separately drawn blocks never collide); text keys follow the real keys'
    pattern; personal data come from Faker, seeded from ``rng``. A column with
    gaps gets them at its ``missing_share``.

    Every draw is prefix-stable: the first ``m`` of ``n`` rows equal the rows of a
    call for ``m``, so a block is generated only as far as it is used.
    """
    value_rng, gap_rng = rng.spawn(2)
    values = _generated_values(spec, n, value_rng, row_offset)
    gaps = missing_mask(spec, n, rng=gap_rng)
    if gaps.any():
        values = values.astype(object)
        values[gaps] = None
    return _restore(values, spec.dtype, spec.name)


def missing_mask(spec: ColumnSpec, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Which of ``n`` generated rows are missing, drawn at the column's ``missing_share``."""
    if not spec.missing_share:
        return np.zeros(n, dtype=bool)
    return rng.random(n) < spec.missing_share


def _generated_values(
    spec: ColumnSpec, n: int, rng: np.random.Generator, row_offset: int
) -> np.ndarray:
    if spec.kind is ColumnKind.IDENTIFIER and spec.identifier_pattern is None:
        start = int(spec.maximum or 0) + 1 + row_offset
        return np.arange(start, start + n)
    if spec.kind is ColumnKind.IDENTIFIER:
        return pattern_strings(spec.identifier_pattern or "", n, rng)
    if spec.kind is ColumnKind.PII:
        return _faker_values(spec, n, rng)
    raise InvalidParameterError(
        f"Column '{spec.name}' is {spec.kind.value}; it is learned, not generated."
    )


_CHAR_RANGES = {"A": (65, 91), "a": (97, 123), "9": (48, 58)}


def pattern_strings(pattern: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random strings of one shape (A: upper letter, a: lower, 9: digit)."""
    ranges = np.array([_CHAR_RANGES.get(c, (ord(c), ord(c) + 1)) for c in pattern] or [(32, 33)])
    # one row-major draw, so row i depends on nothing after it
    uniform = rng.random((n, len(ranges)))
    codes = (ranges[:, 0] + uniform * (ranges[:, 1] - ranges[:, 0])).astype(np.uint32)
    return codes.view(f"<U{len(ranges)}").ravel().astype(object)


def _faker_values(spec: ColumnSpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """Faker values: the rows take a seeded pool in a random order (no repeats up to
    :data:`PII_POOL` rows), then random pool entries. The pool is made in chunks of
    :data:`_POOL_CHUNK`, each from its own seed, and only the chunks the rows use are
    made: ten rows cost a few hundred Faker calls, not a pool of thousands."""
    provider = check_provider(spec.pii_provider or "name", column=spec.name)
    if provider == "uuid4":  # unique keys: drawn from the seed, never from a small pool
        return _uuid4_strings(n, rng)
    order_rng, rest_rng, pool_rng = rng.spawn(3)
    index = order_rng.permutation(PII_POOL)[: min(n, PII_POOL)]
    if n > PII_POOL:
        index = np.concatenate([index, rest_rng.integers(0, PII_POOL, n - PII_POOL)])
    values = _pool_values(provider, index, base_seed=integer_seed(pool_rng))
    if provider == "email":  # a repeated address gets a number: addresses stay unique
        repeat = pd.Series(values).groupby(values).cumcount().to_numpy()
        local, _, domain = np.char.partition(values.astype(str), "@").T
        numbered = np.char.add(np.char.add(local, repeat.astype(str)), np.char.add("@", domain))
        values = np.where(repeat > 0, numbered, values).astype(object)
    return values


#: Faker values made per seed; a chunk is made whole or not at all.
_POOL_CHUNK = 32


def _pool_values(provider: str, index: np.ndarray, *, base_seed: int) -> np.ndarray:
    from faker import Faker

    fake = Faker()
    make = getattr(fake, provider)
    # safe=True would give example.* domains, recognisable at a glance
    kwargs = {"safe": False} if provider == "email" else {}
    pool = np.empty(PII_POOL, dtype=object)
    for chunk in np.unique(index // _POOL_CHUNK):  # a loop over pool chunks, not rows
        seed = np.random.SeedSequence([base_seed, int(chunk)]).generate_state(1)[0]
        fake.seed_instance(int(seed))
        start = int(chunk) * _POOL_CHUNK
        stop = min(start + _POOL_CHUNK, PII_POOL)
        pool[start:stop] = [make(**kwargs) for _ in range(stop - start)]
    return pool[index]


def _uuid4_strings(n: int, rng: np.random.Generator) -> np.ndarray:
    """Random (version 4) UUIDs in canonical form, vectorised."""
    raw = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexes = np.array([f"{b:02x}" for b in range(256)])[raw]
    out = np.full(n, "", dtype="<U36")
    for position in range(16):  # a loop over bytes, not rows
        if position in (4, 6, 8, 10):
            out = np.char.add(out, "-")
        out = np.char.add(out, hexes[:, position])
    return out.astype(object)


NAME_PROVIDERS = ("name", "first_name", "last_name")
_TITLES = r"\b(?:dr|mr|mrs|ms|miss|md|phd|jr|sr|dds|dvm|ii|iii|iv)\b\.?"


def emails_for_names(names: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Addresses that belong to the people named (``Ann Lee`` -> ``ann.lee@gmail.com``),
    at common free-mail domains, unique within the block."""
    from faker import Faker

    domain_rng, style_rng, pick_rng = rng.spawn(3)  # one stream per draw: prefix-stable
    fake = Faker()
    fake.seed_instance(integer_seed(domain_rng))
    domains = np.array(sorted({fake.free_email_domain() for _ in range(40)}), dtype=object)
    words = (
        names.fillna("").astype(str).str.lower()
        .str.replace(_TITLES, " ", regex=True)
        .str.replace(r"[^a-z ]", "", regex=True)
        .str.split()
    )
    first, last = words.str[0].fillna("user"), words.str[-1].fillna("mail")
    styles = style_rng.integers(0, 3, len(names))
    local = np.where(styles == 0, first + "." + last, np.where(styles == 1, first + last,
                     first.str[0] + last))
    local = pd.Series(local, index=names.index)
    repeat = local.groupby(local).cumcount()  # a second Ann Lee gets ann.lee1
    local = local.where(repeat == 0, local + repeat.astype(str))
    return local + "@" + domains[pick_rng.integers(0, len(domains), len(names))]
