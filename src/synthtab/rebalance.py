"""More rows of the rare classes: SMOTE and friends, or any synthesizer's conditional sampling.

The real rows are kept as they are; new rows of each class short of its
target count are added, in the exact dtypes of the table.

>>> import pandas as pd, numpy as np
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame({"x": rng.normal(size=200).round(3), "y": [1] * 20 + [0] * 180})
>>> rebalance(df, "y", strategy="smote")["y"].value_counts().sort_index().to_dict()
{0: 180, 1: 180}
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthtab.encoding.columns import generate_column
from synthtab.encoding.layout import EncodingStyle
from synthtab.encoding.table import EncodingOptions, TableEncoder
from synthtab.errors import DataValidationError, InvalidParameterError, did_you_mean
from synthtab.random import SeedTree
from synthtab.registry import Registry
from synthtab.schema import ColumnSpec, TableSchema, infer_schema


@dataclass(frozen=True)
class Oversampler:
    """An imbalanced-learn oversampler run on the table's ORDINAL encoding (numbers as
    they are, labels as codes), so its rows decode through the same
    :class:`~synthtab.encoding.table.TableEncoder` as every model's: exact dtypes,
    rounding, bounds, and fresh identifiers and personal data.

    It is not a :class:`~synthtab.models.Model`: SMOTE-NC gives a new row the label most
    of its neighbours have, so rare labels of the other columns vanish, which the model
    contract (every label's share kept) rightly refuses; it makes rows of a class, not
    a copy of the table.
    """

    method: str  # the imblearn.over_sampling class
    handles_labels: bool = False

    def resample(
        self,
        features: np.ndarray,
        y: np.ndarray,
        goal: dict[int, int],
        labels: list[int],
        seed: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The new rows and their class codes (imbalanced-learn appends them after the real)."""
        import imblearn.over_sampling as over

        options: dict[str, Any] = {"sampling_strategy": goal, "random_state": seed}
        if labels:
            options["categorical_features"] = labels
        resampled, codes = getattr(over, self.method)(**options).fit_resample(features, y)
        return resampled[len(features) :], codes[len(features) :]


oversampler_registry: Registry[Oversampler] = Registry("oversampler")
for _name, _sampler in {
    "smote": Oversampler("SMOTE"),
    "smotenc": Oversampler("SMOTENC", handles_labels=True),
    "adasyn": Oversampler("ADASYN"),
    "borderline": Oversampler("BorderlineSMOTE"),
}.items():
    oversampler_registry.add(_name, Oversampler, preset=vars(_sampler), description=_sampler.method)


def rebalance(
    df: pd.DataFrame,
    target: str,
    *,
    strategy: str = "auto",
    ratio: float = 1.0,
    seed: int = 0,
    **model_params: Any,
) -> pd.DataFrame:
    """Add synthetic rows of the rarer classes of ``target`` until each has ``ratio`` times
    the count of the largest class.

    Parameters
    ----------
    df: the real table.
    target: the class column.
    strategy: ``"auto"`` (SMOTE, or SMOTE-NC when there are label features, or ``"trees"``
        when a feature has missing values, which interpolation cannot reproduce),
        ``"smote"``, ``"smotenc"``, ``"adasyn"``, ``"borderline"``, or a model name
        (``"copula"``, ...) whose conditional sampling makes the new rows.
    ratio: each class's target share of the largest class, in (0, 1].
    seed: the one seed for every random choice.
    **model_params: parameters of the model, for a model strategy.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": range(40), "y": ["a"] * 30 + ["b"] * 10})
    >>> rebalance(df, "y", strategy="copula", ratio=0.5)["y"].value_counts().to_dict()
    {'a': 30, 'b': 15}
    """
    schema = infer_schema(df)
    counts = _class_counts(df, target, schema, ratio)
    if not counts:
        return df.copy()
    seeds = SeedTree(seed).child("rebalance")
    if strategy == "auto":
        strategy = _auto_strategy(df, schema, target)
    if strategy in oversampler_registry:
        new = _oversample(df, target, schema, strategy, counts, seeds)
    else:
        new = _synthesize(df, target, strategy, counts, seed, model_params)
    return pd.concat([df, new], ignore_index=True)


def _class_counts(
    df: pd.DataFrame, target: str, schema: TableSchema, ratio: float
) -> dict[Any, int]:
    """Rows to add per class."""
    if target not in df.columns:
        raise InvalidParameterError(
            f"rebalance: the table has no column '{target}'.{did_you_mean(target, df.columns)}"
        )
    if not schema[target].kind.is_discrete:
        raise InvalidParameterError(
            f"rebalance needs a categorical or boolean target; '{target}' is "
            f"{schema[target].kind.value}."
        )
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio <= 1:
        raise InvalidParameterError(f"The 'ratio' option must be in (0, 1]. Got {ratio!r}.")
    present = df[target].value_counts()
    wanted = math.ceil(ratio * present.max())
    return {label: wanted - int(n) for label, n in present.items() if n < wanted}


def _auto_strategy(df: pd.DataFrame, schema: TableSchema, target: str) -> str:
    """SMOTE-family interpolation when it can work; the tree model when values are missing
    (interpolation cannot make a missing value, the trees learn each column's missing share)."""
    modelled = [c.name for c in _modelled(schema, target)]
    if df[modelled].isna().to_numpy().any():
        return "trees"
    return "smotenc" if _label_features(schema, target) else "smote"


def _label_features(schema: TableSchema, target: str) -> list[str]:
    return [c.name for c in schema if c.kind.is_discrete and c.name != target]


def _modelled(schema: TableSchema, target: str) -> list[ColumnSpec]:
    return [c for c in schema if not c.kind.is_generated and c.name != target]


def _oversample(
    df: pd.DataFrame,
    target: str,
    schema: TableSchema,
    strategy: str,
    counts: dict[Any, int],
    seeds: SeedTree,
) -> pd.DataFrame:
    entry = oversampler_registry.get(strategy)
    sampler = entry.load()(**entry.preset)
    specs = _modelled(schema, target)
    label_names = [c.name for c in specs if c.kind.is_discrete]
    if label_names and not sampler.handles_labels:
        raise InvalidParameterError(
            f"strategy='{strategy}' interpolates numbers and cannot handle the label columns "
            f"{label_names}; use strategy='smotenc' or a model such as 'copula'."
        )
    if not label_names and sampler.handles_labels:
        raise InvalidParameterError(f"strategy='{strategy}' needs label columns; use 'smote'.")
    _check_complete(df, specs, strategy)
    encoder = TableEncoder(schema, EncodingOptions(style=EncodingStyle.ORDINAL))
    encoded = encoder.fit(df, rng=seeds.rng("encoder")).encode(df, rng=seeds.rng("encode"))
    spans = encoded.layout.spans
    y_at = next(i for i, s in enumerate(spans) if s.column == target)
    kept = [i for i in range(len(spans)) if i != y_at]
    labels = [k for k, i in enumerate(kept) if spans[i].discrete]
    y = np.rint(encoded.values[:, y_at]).astype(np.int64)  # the target's label codes
    present = df[target].value_counts()
    classes = pd.Index(list(schema[target].categories or ()), dtype=object)
    goal = {
        int(classes.get_indexer([label])[0]): int(present[label]) + extra
        for label, extra in counts.items()
    }
    try:
        new_x, new_y = sampler.resample(
            encoded.values[:, kept], y, goal, labels, seeds.integer_seed()
        )
    except (ValueError, RuntimeError) as exc:
        raise DataValidationError(
            [f"{sampler.method} could not resample '{target}': {exc}"]
        ) from exc
    rows = np.empty((len(new_y), len(spans)))
    rows[:, kept], rows[:, y_at] = new_x, new_y
    new = encoder.decode(rows)
    generated = encoder.generate(len(new), rng=seeds.rng("generated"), row_offset=len(df))
    return encoder.assemble(new, generated)


def _check_complete(df: pd.DataFrame, specs: list[ColumnSpec], strategy: str) -> None:
    gaps = [s.name for s in specs if df[s.name].isna().any()]
    if gaps:
        raise DataValidationError(
            [
                f"strategy='{strategy}' cannot interpolate missing values, found in {gaps}; "
                "fill or drop them, or use a model strategy such as 'copula', which learns them"
            ]
        )


def _with_generated(
    frame: pd.DataFrame, schema: TableSchema, seeds: SeedTree, row_offset: int
) -> pd.DataFrame:
    """Fresh identifiers and personal data for the new rows, never reusing a real key."""
    rng = seeds.rng("generated")
    for spec in schema:
        if spec.kind.is_generated:
            frame[spec.name] = generate_column(spec, len(frame), rng=rng, row_offset=row_offset)
    return frame[schema.names]


def _synthesize(
    df: pd.DataFrame,
    target: str,
    model: str,
    counts: dict[Any, int],
    seed: int,
    params: dict[str, Any],
) -> pd.DataFrame:
    from synthtab.sampling.conditions import Condition
    from synthtab.synthesizer import Synthesizer

    seeds = SeedTree(seed).child("rebalance")
    synth = Synthesizer(model, seed=seed, **params).fit(df)
    parts = [
        synth.sample(
            extra,
            seed=seeds.child(f"class={label!r}").integer_seed(),
            conditions=Condition({target: label}),
        )
        for label, extra in counts.items()
    ]
    new = pd.concat(parts, ignore_index=True)
    return _with_generated(new, synth.schema_, seeds, row_offset=len(df))
