"""What a table is: the kind, exact dtype and learned facts of every column.

A :class:`TableSchema` is frozen and round-trips through JSON exactly, so it
travels in the model file and can be written, edited and passed back by users.

>>> spec = ColumnSpec(name="age", kind=ColumnKind.INTEGER, dtype="int64", minimum=17)
>>> schema = TableSchema((spec,))
>>> TableSchema.from_json(schema.to_json()) == schema
True
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from synthtab.errors import InvalidParameterError, UnknownNameError, did_you_mean

#: Version of the JSON form of a schema; bumped on incompatible changes.
SCHEMA_VERSION = 1


class ColumnKind(StrEnum):
    """The closed set of column kinds synthtab understands."""

    NUMERIC = "numeric"  # continuous numbers, rounded to ``decimals`` on the way out
    INTEGER = "integer"  # whole numbers (stored as int, nullable Int, or float with NaN)
    CATEGORICAL = "categorical"  # a finite set of labels; every one seen is kept
    BOOLEAN = "boolean"  # two values (True/False, 0/1, "yes"/"no")
    DATETIME = "datetime"  # instants; may be stored as strings or YYYYMMDD integers
    IDENTIFIER = "identifier"  # unique keys: regenerated, never learned
    PII = "pii"  # personal data (names, emails, phones): replaced by Faker values

    @classmethod
    def parse(cls, value: object, *, column: str = "") -> ColumnKind:
        """Turn ``"categorical"`` or a ``ColumnKind`` into a ``ColumnKind``."""
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            names = [k.value for k in cls]
            where = f" for column '{column}'" if column else ""
            raise UnknownNameError(
                f"Unknown column kind {value!r}{where}.{did_you_mean(str(value), names)} "
                f"Choose one of: {', '.join(names)}."
            ) from None

    @property
    def is_continuous(self) -> bool:
        """Modelled as a number (numeric, integer, datetime)."""
        return self in (ColumnKind.NUMERIC, ColumnKind.INTEGER, ColumnKind.DATETIME)

    @property
    def is_discrete(self) -> bool:
        """Modelled as a set of labels (categorical, boolean)."""
        return self in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)

    @property
    def is_generated(self) -> bool:
        """Not learned from the data but generated afresh (identifiers, personal data)."""
        return self in (ColumnKind.IDENTIFIER, ColumnKind.PII)


Scalar = str | int | float | bool | None


@dataclass(frozen=True, kw_only=True)
class ColumnSpec:
    """Everything synthtab knows about one column.

    Parameters
    ----------
    name: the column name.
    kind: how the column is modelled.
    dtype: the exact pandas dtype to restore (``str(series.dtype)``).
    nullable: whether missing values occur (and so must be generated).
    minimum, maximum: bounds of numeric columns; datetimes hold epoch seconds.
    decimals: digits after the point to round numeric values to (0 for integers).
    categories: every label of a categorical or boolean column, most frequent first.
    datetime_format: strftime format of datetimes stored as text or integers
        (``"%Y%m%d"`` for YYYYMMDD integers); ``None`` for datetime dtypes.
    datetime_resolution: the finest unit that varies (``"D"``, ``"s"``, ``"ms"``, ...),
        so that sampled instants are rounded like the real ones.
    pii_provider: the Faker provider that generates a personal-data column.
    identifier_pattern: a template for string identifiers (``"A"`` letter, ``"9"`` digit).
    missing_share: the share of missing values of a generated column (identifiers and
        personal data are generated afresh, so their gaps are drawn at this rate).
    reason: why inference chose a generated kind (identifier or personal data), so
        that a user can see why a column is not learned.
    """

    name: str
    kind: ColumnKind
    dtype: str
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None
    categories: tuple[Scalar, ...] | None = None
    datetime_format: str | None = None
    datetime_resolution: str | None = None
    pii_provider: str | None = None
    identifier_pattern: str | None = None
    missing_share: float | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ColumnKind.parse(self.kind, column=self.name))
        if self.categories is not None and not isinstance(self.categories, tuple):
            object.__setattr__(self, "categories", tuple(self.categories))
        if self.kind.is_discrete and not self.categories:
            raise InvalidParameterError(
                f"Column '{self.name}' is {self.kind.value} but lists no categories."
            )
        if self.kind is ColumnKind.PII and not self.pii_provider:
            raise InvalidParameterError(
                f"Column '{self.name}' is personal data but names no Faker provider "
                "(for example 'name', 'email' or 'phone_number')."
            )
        if self.missing_share is not None and not 0.0 <= self.missing_share <= 1.0:
            raise InvalidParameterError(
                f"Column '{self.name}' has missing_share {self.missing_share}; "
                "it must lie between 0 and 1."
            )
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise InvalidParameterError(
                f"Column '{self.name}' has minimum {self.minimum} above maximum {self.maximum}."
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``None`` fields are left out."""
        out = {k: v for k, v in asdict(self).items() if v is not None}
        out["kind"] = self.kind.value
        if self.categories is not None:
            out["categories"] = list(self.categories)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnSpec:
        """Inverse of :meth:`to_dict`; unknown keys are an error, not ignored."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidParameterError(
                f"Unknown column-spec field(s) {unknown} for column '{data.get('name')}'. "
                f"Known fields: {', '.join(sorted(known))}."
            )
        return cls(**dict(data))

    @property
    def rounding_step(self) -> float:
        """The spacing of decoded values: 1 for integers, ``10**-decimals``, a datetime's
        unit in seconds; 0.0 for a number kept at full precision.

        >>> price = ColumnSpec(name="price", kind=ColumnKind.NUMERIC, dtype="float64", decimals=2)
        >>> price.rounding_step
        0.01
        """
        if self.kind is ColumnKind.INTEGER:
            return 1.0
        if self.kind is ColumnKind.DATETIME:
            from synthtab.schema.datetimes import unit_nanoseconds

            return unit_nanoseconds(self.datetime_resolution or "s") / 1e9
        return 10.0**-self.decimals if self.decimals is not None else 0.0

    def with_changes(self, **changes: Any) -> ColumnSpec:
        """A copy with some fields replaced (specs are frozen)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class TableSchema:
    """The ordered, frozen set of column specs of one table."""

    columns: tuple[ColumnSpec, ...]
    _by_name: dict[str, ColumnSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})
        if len(self._by_name) != len(self.columns):
            names = [c.name for c in self.columns]
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise InvalidParameterError(f"The schema names these columns twice: {dupes}.")

    @property
    def names(self) -> list[str]:
        """Column names in table order."""
        return [c.name for c in self.columns]

    def __getitem__(self, name: str) -> ColumnSpec:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownNameError(
                f"The table has no column '{name}'.{did_you_mean(name, self.names)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[ColumnSpec]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def of_kind(self, *kinds: ColumnKind) -> list[ColumnSpec]:
        """The specs of the given kinds, in table order."""
        return [c for c in self.columns if c.kind in kinds]

    def replace_column(self, spec: ColumnSpec) -> TableSchema:
        """A copy with the spec of ``spec.name`` replaced."""
        self[spec.name]  # raises a clear error for an unknown name
        return TableSchema(tuple(spec if c.name == spec.name else c for c in self.columns))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with a format version."""
        return {"schema_version": SCHEMA_VERSION, "columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableSchema:
        """Inverse of :meth:`to_dict`."""
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise InvalidParameterError(
                f"Schema format version {version!r} is not supported; "
                f"this synthtab reads version {SCHEMA_VERSION}."
            )
        return cls(tuple(ColumnSpec.from_dict(c) for c in data["columns"]))

    def to_json(self, indent: int | None = 2) -> str:
        """The schema as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> TableSchema:
        """Read a schema from :meth:`to_json` text."""
        return cls.from_dict(json.loads(text))

    def validate(self, df: Any) -> None:
        """Raise :class:`~synthtab.errors.SchemaMismatchError` listing every way
        ``df`` departs from this schema (missing columns, wrong kinds, unseen labels)."""
        from synthtab.schema.validation import validate_against_schema

        validate_against_schema(df, self)
