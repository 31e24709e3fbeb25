"""The table encoder: a DataFrame to an :class:`EncodedTable` and back, exactly.

Each modelled column is first turned into its canonical form
(:mod:`synthtab.encoding.columns`: floats with NaN, or integer codes with -1),
then into features by the encoders the model's style asks for:

============  =====================  ==========================
style         numbers                labels
============  =====================  ==========================
NEURAL        mode-specific          one-hot
ORDINAL       identity               integer codes
GAUSSIAN      identity               Gaussian-in-interval
============  =====================  ==========================

Missing numbers get an indicator span (encoded like a two-label column); a
missing label is one more label. Identifiers and personal data are not
modelled: they are generated afresh for every sampled block.

>>> import pandas as pd
>>> from synthtab.schema import infer_schema
>>> df = pd.DataFrame({"x": [1.5, 2.5, None, 4.0], "c": ["a", "b", "a", "a"]})
>>> enc = TableEncoder(infer_schema(df), EncodingOptions(style=EncodingStyle.ORDINAL))
>>> table = enc.fit(df, rng=np.random.default_rng(0)).encode(df, rng=np.random.default_rng(0))
>>> enc.decode(table.values).equals(df)
True
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from synthtab.encoding.base import (
    CategoricalEncoding,
    ColumnEncoder,
    NumericEncoding,
    State,
    categorical_encoders,
    numeric_encoders,
)
from synthtab.encoding.canonical import CanonicalTable, CanonicalTransform
from synthtab.encoding.columns import (
    NAME_PROVIDERS,
    emails_for_names,
    from_canonical,
    generate_column,
    missing_mask,
    to_canonical,
)
from synthtab.encoding.layout import (
    CanonicalBounds,
    EncodedBounds,
    EncodedTable,
    EncodingStyle,
    Layout,
    Span,
)
from synthtab.errors import NotFittedError
from synthtab.schema.spec import ColumnSpec, TableSchema

_STYLE_DEFAULTS: dict[EncodingStyle, tuple[NumericEncoding, CategoricalEncoding]] = {
    EncodingStyle.NEURAL: (NumericEncoding.MODE_SPECIFIC, CategoricalEncoding.ONEHOT),
    EncodingStyle.ORDINAL: (NumericEncoding.IDENTITY, CategoricalEncoding.ORDINAL),
    EncodingStyle.GAUSSIAN: (NumericEncoding.IDENTITY, CategoricalEncoding.GAUSSIAN_INTERVAL),
}


@dataclass(frozen=True, kw_only=True)
class EncodingOptions:
    """The encoders a model asks for; ``None`` takes its style's default."""

    style: EncodingStyle
    numeric: NumericEncoding | None = None
    categorical: CategoricalEncoding | None = None

    @property
    def numeric_name(self) -> str:
        """Registered name of the numeric encoder in use."""
        return (self.numeric or _STYLE_DEFAULTS[self.style][0]).value

    @property
    def categorical_name(self) -> str:
        """Registered name of the categorical encoder in use."""
        return (self.categorical or _STYLE_DEFAULTS[self.style][1]).value

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form, with defaults resolved."""
        return {
            "style": self.style.value,
            "numeric": self.numeric_name,
            "categorical": self.categorical_name,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> EncodingOptions:
        """Inverse of :meth:`to_dict`."""
        return cls(
            style=EncodingStyle(data["style"]),
            numeric=NumericEncoding(data["numeric"]),
            categorical=CategoricalEncoding(data["categorical"]),
        )


@dataclass
class _ColumnEncoders:
    """The encoders of one modelled column: an optional missing indicator, then values."""

    spec: ColumnSpec
    value: ColumnEncoder
    missing: ColumnEncoder | None = None

    def spans(self) -> list[Span]:
        parts = [self.missing] if self.missing is not None else []
        return [s for enc in [*parts, self.value] for s in enc.spans(self.spec.name)]


class TableEncoder:
    """Encode a table for a model and decode model output to the exact table.

    Parameters
    ----------
    schema:
        The table's schema (from :func:`synthtab.infer_schema`).
    options:
        The encoding style and encoder choices the model asked for.
    constraints:
        Business rules; those that are a :class:`CanonicalTransform` (the reversible
        ones) reparametrise the canonical columns before encoding and are inverted
        after decoding, in reverse order; the others are the sampling engine's.
    """

    def __init__(
        self,
        schema: TableSchema,
        options: EncodingOptions,
        constraints: Sequence[object] = (),
    ) -> None:
        self.schema = schema
        self.options = options
        self.transforms = [c for c in constraints if isinstance(c, CanonicalTransform)]
        self.columns_: list[_ColumnEncoders] | None = None

    @property
    def modelled(self) -> list[ColumnSpec]:
        """Specs of the real columns the model learns (not generated ones)."""
        return [c for c in self.schema if not c.kind.is_generated]

    @property
    def generated(self) -> list[ColumnSpec]:
        """Specs of identifiers and personal data, generated afresh."""
        return [c for c in self.schema if c.kind.is_generated]

    @property
    def layout(self) -> Layout:
        """The layout of encoded matrices."""
        return Layout(tuple(s for col in self._fitted() for s in col.spans()))

    def fit(self, df: pd.DataFrame, *, rng: np.random.Generator) -> Self:
        """Learn the constraint transforms and every column's encoders from ``df``."""
        table = self._canonical(df)
        for rule in self.transforms:
            rule.fit_transform(table)
        specs = list(table.specs.items())
        streams = rng.spawn(len(specs))  # one stream per column: the same fit in any order
        with warnings.catch_warnings(), ThreadPoolExecutor(_fit_threads(len(specs))) as pool:
            # Warning filters are process-wide: set here, once, not raced by each thread.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # mixtures of numeric columns dominate; numpy and sklearn release the GIL enough
            # that two threads fit adult's six in 3.4 s instead of 5.1 s
            fitted = pool.map(
                lambda item: self._fit_column(item[0][1], table.values[item[0][0]], item[1]),
                zip(specs, streams, strict=True),
            )
            self.columns_ = list(fitted)
        return self

    def encode(self, df: pd.DataFrame, *, rng: np.random.Generator) -> EncodedTable:
        """Encode the modelled columns of ``df`` into one float matrix."""
        table = self._canonical(df)
        for rule in self.transforms:
            rule.transform(table)
        blocks = [
            block
            for col in self._fitted()
            for block in self._encode_column(col, table.values[col.spec.name], rng)
        ]
        values = np.hstack(blocks) if blocks else np.empty((len(df), 0))
        return EncodedTable(values.astype(np.float64, copy=False), self.layout)

    def decode(self, encoded: np.ndarray) -> pd.DataFrame:
        """Decode a model's output to the modelled columns, with exact dtypes."""
        table = CanonicalTable({}, {})
        start = 0
        for col in self._fitted():
            width = sum(s.width for s in col.spans())
            block = encoded[:, start : start + width]
            table.replace(col.spec.name, self._decode_column(col, block), col.spec)
            start += width
        for rule in reversed(self.transforms):
            rule.inverse_transform(table)
        data = {spec.name: from_canonical(table.values[spec.name], spec) for spec in self.modelled}
        return pd.DataFrame(data, index=pd.RangeIndex(encoded.shape[0]))

    def generate(self, n: int, *, rng: np.random.Generator, row_offset: int = 0) -> pd.DataFrame:
        """Fresh identifiers and personal data for ``n`` rows.

        A row's email is built from its generated name, as a real one would be, so
        an email column beside a name column draws only its gaps from Faker's side.
        """
        names = [s.name for s in self.generated if s.pii_provider in NAME_PROVIDERS]
        data: dict[str, pd.Series] = {}
        gaps: dict[str, np.ndarray] = {}
        for spec in self.generated:
            if names and spec.pii_provider == "email":
                _, gap_rng = rng.spawn(2)  # the streams generate_column would take
                gaps[spec.name] = missing_mask(spec, n, rng=gap_rng)
            else:
                data[spec.name] = generate_column(spec, n, rng=rng, row_offset=row_offset)
        if gaps:
            full = next((c for c in names if self.schema[c].pii_provider == "name"), None)
            person = data[full] if full else _joined([data[c] for c in names])
            for name, missing in gaps.items():
                made = emails_for_names(person, rng).where(~missing)
                data[name] = made.astype(self.schema[name].dtype).rename(name)
        return pd.DataFrame({s.name: data[s.name] for s in self.generated}, index=pd.RangeIndex(n))

    def assemble(self, modelled: pd.DataFrame, generated: pd.DataFrame) -> pd.DataFrame:
        """Put modelled and generated columns together in the schema's order."""
        both = pd.concat([modelled.reset_index(drop=True), generated], axis=1)
        return both[self.schema.names]

    def encoded_bounds(self, canonical: CanonicalBounds) -> EncodedBounds | None:
        """Intervals on encoded features that give the asked canonical values.

        Each column's encoders answer for their own features (a raw number or a code
        widens by half a rounding step, a one-hot label turns its indicator on, a
        number under a missing indicator asks for "present"). Columns they cannot
        answer for, and columns a constraint rewrites, are left to the engine's
        rejection, which checks every row anyway; ``None`` when nothing is left.
        """
        for rule in self.transforms:  # a rewritten column asks the columns it comes from
            translate = getattr(rule, "condition_bounds", None)
            canonical = translate(canonical) if translate is not None else canonical
        bounds: EncodedBounds = {}
        for col, start in zip(self._fitted(), self._feature_starts(), strict=True):
            asked = canonical.get(col.spec.name)
            if asked is None or col.spec != self.schema[col.spec.name]:
                continue  # not asked, or rewritten by a constraint: no direct translation
            offset = start + (col.missing.width if col.missing is not None else 0)
            value = col.value.feature_bounds(*asked, step=col.spec.rounding_step)
            if value is None:
                continue
            if col.missing is not None:
                present = col.missing.feature_bounds(0, 0, step=0.0)
                if present is None:
                    continue
                bounds.update({start + k: b for k, b in present.items()})
            bounds.update({offset + k: b for k, b in value.items()})
        return bounds or None

    def column_spans(self) -> list[tuple[ColumnSpec, list[Span]]]:
        """Each modelled column's working spec (after the rules' rewrites) and its spans,
        in layout order."""
        return [(col.spec, col.spans()) for col in self._fitted()]

    def _feature_starts(self) -> list[int]:
        widths = [sum(s.width for s in col.spans()) for col in self._fitted()]
        return list(np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(int))

    def state_dict(self) -> State:
        """Encoder choices, working specs and every column encoder's learned state."""
        return {
            "options": self.options.to_dict(),
            "columns": [
                {
                    "spec": col.spec.to_dict(),
                    "value": _encoder_state(col.value),
                    "missing": _encoder_state(col.missing) if col.missing else None,
                }
                for col in self._fitted()
            ],
        }

    @classmethod
    def from_state_dict(
        cls, schema: TableSchema, state: State, constraints: Sequence[object] = ()
    ) -> TableEncoder:
        """Rebuild a fitted encoder from :meth:`state_dict`, its schema and fitted rules."""
        encoder = cls(schema, EncodingOptions.from_dict(state["options"]), constraints)
        encoder.columns_ = [
            _ColumnEncoders(
                spec=ColumnSpec.from_dict(item["spec"]),
                value=_encoder_from_state(item["value"]),
                missing=_encoder_from_state(item["missing"]) if item["missing"] else None,
            )
            for item in state["columns"]
        ]
        return encoder

    # -- one column ------------------------------------------------------------------

    def _canonical(self, df: pd.DataFrame) -> CanonicalTable:
        specs = {spec.name: spec for spec in self.modelled}
        return CanonicalTable({n: to_canonical(df[n], s) for n, s in specs.items()}, specs)

    def _fit_column(
        self, spec: ColumnSpec, canonical: np.ndarray, rng: np.random.Generator
    ) -> _ColumnEncoders:
        if spec.kind.is_discrete:
            n_labels = len(spec.categories or ()) + int(spec.nullable)
            codes = np.where(canonical < 0, n_labels - 1, canonical)
            value = self._label_encoder(n_labels).fit(codes, rng=rng)
            return _ColumnEncoders(spec=spec, value=value)
        missing = np.isnan(canonical)
        indicator = self._categorical(2).fit(missing.astype(np.int64), rng=rng)
        filled = _fill_missing(canonical, missing, rng)
        value = self._numeric().fit(filled, rng=rng)
        return _ColumnEncoders(spec=spec, value=value, missing=indicator if spec.nullable else None)

    def _encode_column(
        self, col: _ColumnEncoders, canonical: np.ndarray, rng: np.random.Generator
    ) -> list[np.ndarray]:
        if col.spec.kind.is_discrete:
            n_labels = len(col.spec.categories or ()) + int(col.spec.nullable)
            codes = np.where(canonical < 0, n_labels - 1, canonical).astype(np.int64)
            return [col.value.encode(codes, rng=rng)]
        missing = np.isnan(canonical)
        blocks = []
        if col.missing is not None:
            blocks.append(col.missing.encode(missing.astype(np.int64), rng=rng))
        blocks.append(col.value.encode(_fill_missing(canonical, missing, rng), rng=rng))
        return blocks

    def _decode_column(self, col: _ColumnEncoders, block: np.ndarray) -> np.ndarray:
        """Canonical values (floats with NaN, or codes with -1) of one working column."""
        spec = col.spec
        if spec.kind.is_discrete:
            codes = col.value.decode(block).astype(np.int64)
            if spec.nullable:
                codes = np.where(codes == len(spec.categories or ()), -1, codes)
            return codes
        if col.missing is None:
            return col.value.decode(block).astype(np.float64)
        split = col.missing.width
        values = col.value.decode(block[:, split:]).astype(np.float64)
        is_missing = col.missing.decode(block[:, :split]).astype(bool)
        return np.where(is_missing, np.nan, values)

    def _numeric(self) -> ColumnEncoder:
        return numeric_encoders.get(self.options.numeric_name).load()()

    def _label_encoder(self, n_labels: int) -> ColumnEncoder:
        """The model's label encoder; past :data:`MAX_ONE_HOT_LABELS` labels one-hot
        would make thousands of features (minutes per epoch, gigabytes), so such a
        column is coded as one number, Gaussian within its label's interval."""
        if self.options.categorical_name == CategoricalEncoding.ONEHOT.value and (
            n_labels > MAX_ONE_HOT_LABELS
        ):
            cls: Any = categorical_encoders.get(CategoricalEncoding.GAUSSIAN_INTERVAL.value).load()
            return cls(n_categories=n_labels)
        return self._categorical(n_labels)

    def wide_label_columns(self) -> list[str]:
        """Label columns coded as one number instead of one-hot (too many labels)."""
        return [
            c.spec.name
            for c in self._fitted()
            if c.spec.kind.is_discrete
            and self.options.categorical_name == CategoricalEncoding.ONEHOT.value
            and c.value.name != CategoricalEncoding.ONEHOT.value
        ]

    def _categorical(self, n_categories: int) -> ColumnEncoder:
        cls: Any = categorical_encoders.get(self.options.categorical_name).load()
        return cls(n_categories=n_categories)

    def _fitted(self) -> list[_ColumnEncoders]:
        if self.columns_ is None:
            raise NotFittedError("This TableEncoder is not fitted yet; call fit first.")
        return self.columns_


#: Most labels a column one-hot codes; a wider column is coded as one number.
MAX_ONE_HOT_LABELS = 200


def _fit_threads(columns: int) -> int:
    return max(1, min(columns, os.cpu_count() or 1, 8))


def _fill_missing(values: np.ndarray, missing: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Replace NaN by draws from the observed values, keeping the column's shape."""
    if not missing.any():
        return values
    observed = values[~missing]
    filled = values.copy()
    if observed.size == 0:
        filled[missing] = 0.0
    else:
        filled[missing] = observed[rng.integers(0, observed.size, int(missing.sum()))]
    return filled


def _encoder_state(encoder: ColumnEncoder) -> State:
    return {"encoder": encoder.name, "state": encoder.state_dict()}


def _encoder_from_state(item: State) -> ColumnEncoder:
    name = item["encoder"]
    registry = numeric_encoders if name in numeric_encoders else categorical_encoders
    return registry.get(name).load().from_state_dict(item["state"])


def _joined(parts: list[pd.Series]) -> pd.Series:
    """First and last names side by side, as one full name."""
    out = parts[0].fillna("").astype(str)
    for part in parts[1:]:
        out = out + " " + part.fillna("").astype(str)
    return out
