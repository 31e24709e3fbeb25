"""Schema inference: decide each column's kind and learn the facts to restore it.

>>> import pandas as pd
>>> df = pd.DataFrame({"age": [31, 45, 27], "city": ["Oslo", "Rome", "Oslo"]})
>>> [(c.name, c.kind.value) for c in infer_schema(df)]
[('age', 'integer'), ('city', 'categorical')]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError, InvalidParameterError, UnknownNameError
from synthtab.errors import did_you_mean as _did_you_mean
from synthtab.schema import datetimes, pii
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema
from synthtab.schema.validation import validate_table

Override = str | ColumnKind | Mapping[str, Any] | ColumnSpec
_MAX_DECIMALS = 6
_BOOLEAN_PAIRS = [{"yes", "no"}, {"y", "n"}, {"true", "false"}, {"t", "f"}]
_MIN_ID_ROWS = 20
# Text whose values are mostly unique cannot be learned as labels without copying
# them: at least this many distinct values, and half the values distinct or a
# quarter of the rows holding a value seen only once.
_FREE_TEXT_MIN_LABELS = 20
_FREE_TEXT_DISTINCT_SHARE = 0.5
_FREE_TEXT_SINGLETON_SHARE = 0.25


def infer_schema(
    df: pd.DataFrame, *, overrides: Mapping[str, Override] | None = None
) -> TableSchema:
    """Infer the kind, dtype and facts of every column of ``df``.

    Parameters
    ----------
    df:
        The real table.
    overrides:
        Per column, a kind (``"categorical"``), a kind with its detail
        (``"pii:phone_number"``, ``"datetime:%d/%m/%Y"``), a dict of spec fields
        (``{"kind": "pii", "pii_provider": "email"}``) or a full ``ColumnSpec``.
        A personal-data column declared without a provider gets the one its
        values or name suggest.

    Examples
    --------
    >>> import pandas as pd
    >>> infer_schema(pd.DataFrame({"zip": [1010, 2020, 1010]}),
    ...              overrides={"zip": "categorical"})["zip"].categories
    (1010, 2020)
    """
    overrides = dict(overrides or {})
    for name in overrides:
        if name not in df.columns:
            raise UnknownNameError(
                f"overrides names column '{name}', which the table does not have."
                f"{_did_you_mean(name, [str(c) for c in df.columns])}"
            )
    validate_table(df)
    specs = [_column_spec(name, df[name], overrides.get(name)) for name in df.columns]
    return TableSchema(tuple(specs))


def _column_spec(name: str, series: pd.Series, override: Override | None) -> ColumnSpec:
    if isinstance(override, ColumnSpec):
        return override
    fields = _override_fields(name, override)
    kind = ColumnKind.parse(fields.pop("kind"), column=name) if "kind" in fields else None
    if kind is None:
        kind, facts = infer_kind(name, series)
    else:
        facts = _facts_for(kind, name, series, fields)
    if fields.get("pii_provider") is not None:
        pii.check_provider(str(fields["pii_provider"]), column=name)
    spec = SPEC_BUILDERS[kind](name, series, facts)
    if facts.get("reason") and spec.reason is None:
        spec = spec.with_changes(reason=facts["reason"])
    try:
        return spec.with_changes(**fields) if fields else spec
    except TypeError as exc:
        raise InvalidParameterError(f"Bad override for column '{name}': {exc}") from None


_DETAIL_FIELDS = {ColumnKind.PII: "pii_provider", ColumnKind.DATETIME: "datetime_format"}


def _override_fields(name: str, override: Override | None) -> dict[str, Any]:
    """An override as spec fields: ``"pii:email"`` -> kind and provider."""
    if override is None:
        return {}
    if isinstance(override, Mapping):
        return dict(override)
    if isinstance(override, ColumnKind):
        return {"kind": override}
    text = str(override)
    kind_text, sep, detail = text.partition(":")
    kind = ColumnKind.parse(kind_text.strip(), column=name)
    if not sep:
        return {"kind": kind}
    if kind not in _DETAIL_FIELDS or not detail.strip():
        raise InvalidParameterError(
            f"Override {text!r} for column '{name}': only pii:<provider> (pii:phone_number) "
            "and datetime:<format> (datetime:%d/%m/%Y) take a detail after ':'."
        )
    return {"kind": kind, _DETAIL_FIELDS[kind]: detail.strip()}


def infer_kind(name: str, series: pd.Series) -> tuple[ColumnKind, dict[str, Any]]:
    """The kind of one column, with facts found on the way (format, provider)."""
    values = series.dropna()
    dtype = series.dtype
    if len(values) == len(series) and len(values) and values.nunique() == 1:
        # a constant: nothing to learn, but the column is kept and comes back as it is
        return ColumnKind.CATEGORICAL, {"reason": "one value in every row: reproduced as is"}
    if pd.api.types.is_bool_dtype(dtype):
        return ColumnKind.BOOLEAN, {}
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return ColumnKind.DATETIME, {}
    if pd.api.types.is_numeric_dtype(dtype):
        return _numeric_kind(name, values)
    if isinstance(dtype, pd.CategoricalDtype):
        return ColumnKind.CATEGORICAL, {}
    return _text_kind(name, values)


def _numeric_kind(name: str, values: pd.Series) -> tuple[ColumnKind, dict[str, Any]]:
    numbers = values.to_numpy(dtype=np.float64)
    whole = bool(np.all(numbers == np.round(numbers)))
    if whole and set(np.unique(numbers)) <= {0.0, 1.0} and np.unique(numbers).size == 2:
        return ColumnKind.BOOLEAN, {}
    if not whole:
        return ColumnKind.NUMERIC, {}
    unique = np.unique(numbers)
    is_unique = unique.size == numbers.size and numbers.size >= _MIN_ID_ROWS
    consecutive = is_unique and unique[-1] - unique[0] + 1 == unique.size
    if is_unique and (consecutive or pii.looks_like_id_name(name)):
        shape = "consecutive integers" if consecutive else "integers named like a key"
        return ColumnKind.IDENTIFIER, {"reason": f"unique {shape}: a key"}
    if datetimes.looks_like_yyyymmdd(values):
        return ColumnKind.DATETIME, {"datetime_format": datetimes.YYYYMMDD}
    return ColumnKind.INTEGER, {}


def _text_kind(name: str, values: pd.Series) -> tuple[ColumnKind, dict[str, Any]]:
    fmt = datetimes.detect_text_format(values)
    if fmt is not None:
        return ColumnKind.DATETIME, {"datetime_format": fmt}
    provider = pii.detect_pii(name, values)
    if provider is not None:
        return ColumnKind.PII, {"pii_provider": provider, "reason": _pii_reason(provider)}
    text = values.astype(str)
    lowered = set(text.str.lower().unique())
    if len(lowered) == 2 and lowered in _BOOLEAN_PAIRS:
        return ColumnKind.BOOLEAN, {}
    if _is_text_identifier(name, text):
        return ColumnKind.IDENTIFIER, {"reason": "unique values of one shape: a key"}
    why = _free_text_reason(text)
    if why is not None:
        if pii.text_pattern(text).value_counts(normalize=True).iloc[0] >= 0.95:
            return ColumnKind.IDENTIFIER, {"reason": f"{why}, all of one shape: a key"}
        provider = pii.free_text_provider(name, text)
        return ColumnKind.PII, {"pii_provider": provider, "reason": f"{why}: free text"}
    return ColumnKind.CATEGORICAL, {}


def _pii_reason(provider: str) -> str:
    return f"values have the shape of '{provider}' values: personal data"


def _free_text_reason(text: pd.Series) -> str | None:
    """Why text is too varied to learn as labels (learning it would copy it), or None."""
    counts = text.value_counts(sort=False)
    if counts.size < _FREE_TEXT_MIN_LABELS:
        return None
    distinct = counts.size / text.size
    singletons = float(counts[counts == 1].sum()) / text.size
    if distinct < _FREE_TEXT_DISTINCT_SHARE and singletons < _FREE_TEXT_SINGLETON_SHARE:
        return None
    return (
        f"{counts.size:,} distinct values in {text.size:,} rows "
        f"({singletons:.0%} of rows hold a value seen once), generated afresh so none is copied"
    )


def _is_text_identifier(name: str, text: pd.Series) -> bool:
    if text.size < _MIN_ID_ROWS or text.nunique() != text.size:
        return False
    patterns = pii.text_pattern(text)
    one_shape = patterns.value_counts(normalize=True).iloc[0] >= 0.95
    return one_shape or pii.looks_like_id_name(name)


def _facts_for(
    kind: ColumnKind, name: str, series: pd.Series, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Facts an overridden kind needs (a date format, a Faker provider)."""
    values = series.dropna()
    if kind is ColumnKind.DATETIME and not pd.api.types.is_datetime64_any_dtype(series.dtype):
        if fields.get("datetime_format"):
            return {"datetime_format": fields["datetime_format"]}
        if pd.api.types.is_integer_dtype(series.dtype) and datetimes.looks_like_yyyymmdd(values):
            return {"datetime_format": datetimes.YYYYMMDD}
        fmt = datetimes.detect_text_format(values)
        if fmt is None:
            raise DataValidationError(
                [
                    f"column '{name}' was declared a datetime, but its values "
                    f"(e.g. {list(values.astype(str).unique()[:3])}) do not all parse with one "
                    "format; pass {'kind': 'datetime', 'datetime_format': '...'}"
                ]
            )
        return {"datetime_format": fmt}
    if kind is ColumnKind.PII:
        if fields.get("pii_provider"):
            return {"pii_provider": fields["pii_provider"]}
        provider = pii.guess_provider(name, values)
        if provider is None:
            raise InvalidParameterError(
                f"Column '{name}' was declared personal data, but its values "
                f"(e.g. {list(values.astype(str).unique()[:3])}) do not show which kind; "
                f"name a provider: overrides={{'{name}': 'pii:phone_number'}} "
                f"(CLI: --override {name}=pii:phone_number). Common providers: name, email, "
                "phone_number, address, postcode, iban, uuid4, job, sentence."
            )
        return {"pii_provider": provider, "reason": "declared personal data"}
    return {}


# -- spec builders, one per kind --------------------------------------------------------


def _bounds(numbers: np.ndarray) -> dict[str, float]:
    return {"minimum": float(numbers.min()), "maximum": float(numbers.max())}


def _numbers(name: str, series: pd.Series) -> np.ndarray:
    values = pd.to_numeric(series.dropna(), errors="coerce")
    if values.isna().any():
        bad = list(series.dropna()[values.isna()].unique()[:5])
        raise DataValidationError(
            [f"column '{name}' was declared numeric, but holds non-numbers such as {bad}"]
        )
    return values.to_numpy(dtype=np.float64)


def _decimals(numbers: np.ndarray) -> int | None:
    for digits in range(_MAX_DECIMALS + 1):
        if np.array_equal(np.round(numbers, digits), numbers):  # exact: rounding loses nothing
            return digits
    return None


def _base(name: str, series: pd.Series, kind: ColumnKind, **facts: Any) -> ColumnSpec:
    missing = series.isna()
    if kind.is_generated and missing.any():
        facts["missing_share"] = round(float(missing.mean()), 6)
    return ColumnSpec(
        name=name, kind=kind, dtype=str(series.dtype), nullable=bool(missing.any()), **facts
    )


def _reason(facts: dict[str, Any]) -> dict[str, Any]:
    return {"reason": facts["reason"]} if facts.get("reason") else {}


def _numeric_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    numbers = _numbers(name, series)
    return _base(name, series, ColumnKind.NUMERIC, decimals=_decimals(numbers), **_bounds(numbers))


def _integer_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    numbers = _numbers(name, series)
    if not np.all(numbers == np.round(numbers)):
        raise DataValidationError(
            [
                f"column '{name}' was declared integer, but holds fractions such as "
                f"{numbers[numbers != np.round(numbers)][:3].tolist()}"
            ]
        )
    return _base(name, series, ColumnKind.INTEGER, decimals=0, **_bounds(numbers))


def _labels(series: pd.Series) -> tuple[Any, ...]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return tuple(_scalar(c) for c in series.cat.categories)  # pandas order, kept exactly
    counts = series.dropna().value_counts(sort=False)
    order = np.argsort(-counts.to_numpy(), kind="stable")  # most frequent, then first seen
    return tuple(_scalar(counts.index[i]) for i in order)


def _scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _categorical_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    return _base(name, series, ColumnKind.CATEGORICAL, categories=_labels(series))


def _boolean_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    return _base(name, series, ColumnKind.BOOLEAN, categories=_labels(series))


def _datetime_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    fmt = facts.get("datetime_format")
    stamps = datetimes.parse_datetimes(series, fmt)
    seconds = datetimes.epoch_seconds(stamps.dropna())
    return _base(
        name,
        series,
        ColumnKind.DATETIME,
        datetime_format=fmt,
        datetime_resolution=datetimes.resolution(stamps),
        **_bounds(seconds),
    )


def _identifier_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers = values.to_numpy(dtype=np.float64)
        return _base(name, series, ColumnKind.IDENTIFIER, **_bounds(numbers), **_reason(facts))
    pattern = pii.text_pattern(values).value_counts().index[0]
    return _base(
        name, series, ColumnKind.IDENTIFIER, identifier_pattern=pattern, **_reason(facts)
    )


def _pii_spec(name: str, series: pd.Series, facts: dict[str, Any]) -> ColumnSpec:
    return _base(
        name, series, ColumnKind.PII, pii_provider=facts["pii_provider"], **_reason(facts)
    )


SPEC_BUILDERS: dict[ColumnKind, Callable[[str, pd.Series, dict[str, Any]], ColumnSpec]] = {
    ColumnKind.NUMERIC: _numeric_spec,
    ColumnKind.INTEGER: _integer_spec,
    ColumnKind.CATEGORICAL: _categorical_spec,
    ColumnKind.BOOLEAN: _boolean_spec,
    ColumnKind.DATETIME: _datetime_spec,
    ColumnKind.IDENTIFIER: _identifier_spec,
    ColumnKind.PII: _pii_spec,
}
