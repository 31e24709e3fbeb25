"""The Synthesizer: schema, encoder, model and sampler behind one pandas-first API.

Only this layer sees DataFrames, column names, files and seeds; models see
arrays, a layout and a ``numpy.random.Generator``.

>>> import pandas as pd
>>> from synthtab import Synthesizer
>>> real = pd.DataFrame({"x": range(50), "y": ["a", "b"] * 25})
>>> synth = Synthesizer(model="copula", seed=1).fit(real)
>>> synth.sample(5).shape
(5, 2)
"""

from __future__ import annotations

import numbers
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint, ReversibleConstraint
from synthtab.constraints.fitting import (
    check_constraint_options,
    constraint_from_state,
    constraint_to_state,
    enforce_on_real_rows,
    fresh_constraints,
)
from synthtab.constraints.predicate import RowRule
from synthtab.encoding.table import MAX_ONE_HOT_LABELS, TableEncoder
from synthtab.errors import (
    DataValidationError,
    InvalidParameterError,
    ModelFileError,
    NotFittedError,
    PrivacyBudgetError,
    SynthtabError,
)
from synthtab.io.streaming import rebatch
from synthtab.models import model_registry
from synthtab.models.auto import AUTO, choose_model
from synthtab.models.base import FitReport, Model, refusal_message
from synthtab.models.params import ModelParams
from synthtab.persistence import read_model_file, write_model_file
from synthtab.privacy.config import DPConfig, as_dp_config
from synthtab.privacy.ledger import PrivacyReport
from synthtab.progress import ProgressCallback
from synthtab.random import BLOCK_ROWS, SeedTree, check_seed
from synthtab.sampling.engine import Conditions, SamplingEngine, as_request
from synthtab.schema import TableSchema, infer_schema
from synthtab.schema.spec import ColumnSpec

DEFAULT_MODEL = AUTO
#: What ``model="auto"`` fits under a privacy budget: the DP model that keeps correlations.
AUTO_PRIVATE = "copula"


#: The constructor's own arguments; every other keyword is a model parameter.
_OPTIONS = ("model", "seed", "overrides", "constraints", "invalid_rows", "privacy", "rules")


class Synthesizer:
    """Learn a table and generate new rows like it.

    Parameters
    ----------
    model:
        A registered model name (``synthtab models`` lists them), or ``"auto"``
        (the default): the copula for mostly-numeric tables, trees otherwise;
        ``fit_report_.notes`` says which and why.
    seed:
        The one seed every random choice of fit and sample flows from.
    overrides:
        Column kinds or specs that replace what inference would decide,
        e.g. ``{"zip": "categorical"}``.
    constraints:
        Business rules every sampled row obeys (``Inequality``, ``Range``, ...).
    invalid_rows:
        What to do when real rows already break a constraint: ``"raise"``
        (the default: you are told how many, with examples) or ``"drop"``.
    privacy:
        A differential-privacy budget: a :class:`~synthtab.privacy.DPConfig` or
        a bare epsilon. Everything learned from the rows (category sets, numeric
        bounds, the model) is spent from it; ``privacy_report_`` says how. A
        model that cannot honour it is refused here, before any data is read.
    rules:
        ``"auto"`` (the default) finds the exact rules the real rows obey at fit time
        (orders, formulas, lookups, parts of dates, missingness, grids; see
        :mod:`synthtab.constraints.discovery`) and keeps them in every sampled row,
        beside the declared ``constraints``; ``discovered_rules_`` lists them, and the
        fit report names them. ``None`` finds none; a list of rules is taken as
        declared rules (as ``constraints``) and nothing is searched for. Under a
        differential-privacy budget nothing is searched for either (an exact rule of
        the real rows is not differentially private): the fit report says so.
    **params:
        Parameters of the model, validated at once.

    Examples
    --------
    >>> Synthesizer(model="copula", seed=0).get_params()["model"]
    'copula'
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        seed: int = 0,
        overrides: Mapping[str, Any] | None = None,
        constraints: Sequence[Constraint] | None = None,
        invalid_rows: str = "raise",
        privacy: DPConfig | float | None = None,
        rules: str | Sequence[Constraint] | None = "auto",
        **params: Any,
    ) -> None:
        self.model = model
        self.seed = seed
        self.overrides = dict(overrides) if overrides else None
        self.constraints = list(constraints) if constraints else None
        self.invalid_rows = invalid_rows
        self.privacy = privacy
        self.rules = list(rules) if isinstance(rules, list | tuple) else rules
        self.params = params
        self._build_params()  # raise early on a typo or a bad value

    # -- scikit-learn style parameters ------------------------------------------------

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, as a dict."""
        return {
            "model": self.model,
            "seed": self.seed,
            "overrides": self.overrides,
            "constraints": self.constraints,
            "invalid_rows": self.invalid_rows,
            "privacy": self.privacy,
            "rules": self.rules,
            **self.params,
        }

    def set_params(self, **params: Any) -> Self:
        """Change constructor arguments (validated at once); returns ``self``."""
        for key in _OPTIONS:
            if key in params:
                setattr(self, key, params.pop(key))
        self.params = {**self.params, **params}
        self._build_params()
        return self

    def _build_params(self, model: str | None = None) -> ModelParams | None:
        check_seed(self.seed)
        private = as_dp_config(self.privacy) is not None
        _check_rules_option(self.rules)
        check_constraint_options(self._declared(), self.invalid_rows)
        model = model or (AUTO_PRIVATE if private and self.model == AUTO else self.model)
        if model == AUTO:
            if self.params:
                raise InvalidParameterError(
                    f"model='auto' takes no model parameters (got {sorted(self.params)}); "
                    "choose a model to set them, e.g. Synthesizer('trees', min_leaf=20)."
                )
            return None
        entry = model_registry.get(model)
        model_cls = entry.load()
        if private:
            from synthtab.privacy.pipeline import check_private_constraints

            if not model_cls.capabilities.differential_privacy:
                raise PrivacyBudgetError(refusal_message(model_cls))
            check_private_constraints(self._declared())
        return model_cls.Params.build({**entry.preset, **self.params})

    @staticmethod
    def _nothing_to_learn(schema: TableSchema, asked: str) -> tuple[str, ModelParams, str]:
        """Every column is generated afresh: no model has anything to fit (a copula of
        zero columns is undefined), so the empty marginals model stands in, and says so."""
        entry = model_registry.get(MARGINALS)
        params = entry.load().Params.build(dict(entry.preset))
        generated = ", ".join(c.name for c in schema)
        reason = (
            f"every column is generated afresh, not learned ({generated}): there is nothing "
            f"for '{asked}' to learn, so no model is trained"
        )
        return MARGINALS, params, reason

    # -- fit and sample -----------------------------------------------------------------

    def fit(
        self,
        data: pd.DataFrame,
        *,
        progress: ProgressCallback | None = None,
        callback: Callable[[Any], bool | None] | None = None,
    ) -> Self:
        """Learn the joint distribution of ``data``; returns ``self``.

        ``callback`` is called after every epoch of a neural model with an
        ``EpochStatus`` (epoch, epochs, losses, validation); returning ``True``
        stops training there.
        """
        _check_frame(data)
        seeds = SeedTree(self.seed)
        schema = infer_schema(data, overrides=self.overrides)
        config = as_dp_config(self.privacy)
        name, reason = choose_model(schema) if self.model == AUTO else (self.model, "")
        if config is not None and self.model == AUTO:
            name, reason = AUTO_PRIVATE, f"auto chose {AUTO_PRIVATE}: it can honour privacy"
        params = self._build_params(name)
        if not any(not c.kind.is_generated for c in schema):
            name, params, reason = self._nothing_to_learn(schema, name)
        model: Model = model_registry.get(name).load()(params)
        rules = fresh_constraints(self._declared(), schema)
        data, dropped = enforce_on_real_rows(data, rules, schema, self.invalid_rows)
        search = self.rules == "auto" and config is None
        found = self._discover(data, schema, rules) if search else []
        rules = fresh_constraints([*rules, *found], schema) if found else rules
        for rule in rules:
            if isinstance(rule, ReversibleConstraint):
                schema = rule.decoding_schema(schema)
        started = time.perf_counter()
        budget = None
        if config is None:
            encoder = TableEncoder(schema, model.encoding_options(), rules)
            encoder.fit(data, rng=seeds.rng("encoder"))
            table = encoder.encode(data, rng=seeds.rng("encode"))
        else:
            private = self._private_inputs(schema, data, model, rules, config)
            schema, encoder, table, budget = private
        report = model.fit(
            table, rng=seeds.rng("model"), privacy=budget, progress=progress, callback=callback
        )
        self.privacy_report_ = budget.ledger.report() if budget is not None else None
        report.model = name
        report.fit_seconds = time.perf_counter() - started
        if reason:
            report.notes.insert(0, reason)
        if dropped:
            report.notes.append(f"dropped {dropped} real rows that broke a constraint")
        if search:
            shown = "; ".join(map(repr, found)) or "none"
            report.notes.append(f"rules found in the real rows, kept in every sampled row: {shown}")
        elif self.rules == "auto":
            report.notes.append(
                "rules were not searched for: under a differential-privacy budget an exact "
                "rule found in the real rows is not differentially private; pass the rules "
                "you know as constraints=[...]"
            )
        wide = encoder.wide_label_columns()
        if wide:
            report.notes.append(
                f"label columns with more than {MAX_ONE_HOT_LABELS} labels coded as one number "
                f"(Gaussian within each label's interval) instead of one-hot: {', '.join(wide)}"
            )
        self.schema_, self.encoder_, self.model_, self.fit_report_ = schema, encoder, model, report
        self.constraints_ = rules
        self.discovered_rules_ = [r for r in rules if any(r == f for f in found)]
        self.model_params_ = model.params.to_dict()
        self.model_name_ = name
        return self

    def _declared(self) -> list[Constraint]:
        """The declared rules: ``constraints``, and ``rules`` when it is a list."""
        listed = self.rules if isinstance(self.rules, list) else []
        return [*(self.constraints or ()), *listed]

    def _discover(
        self, data: pd.DataFrame, schema: TableSchema, declared: Sequence[Constraint]
    ) -> list[Constraint]:
        """Rules the real rows obey, leaving alone every column a declared rule reads."""
        from synthtab.constraints.discovery import discover_rules

        busy = {c for rule in declared for c in rule.columns}
        found = discover_rules(data, schema, seed=self.seed)
        return [rule for rule in found if not busy & set(rule.columns)]

    def _private_inputs(
        self, schema: TableSchema, data: pd.DataFrame, model: Model, rules: Any, config: DPConfig
    ) -> tuple[TableSchema, TableEncoder, Any, Any]:
        from synthtab.privacy.pipeline import prepare_private

        private = prepare_private(
            schema,
            data,
            options=model.encoding_options(),
            constraints=rules,
            config=config,
            overrides=self.overrides,
            rng=SeedTree(self.seed).rng("privacy"),
        )
        return private.schema, private.encoder, private.table, private.budget

    def sample(
        self,
        n: int,
        *,
        seed: int | None = None,
        conditions: Conditions = None,
        progress: ProgressCallback | None = None,
    ) -> pd.DataFrame:
        """Draw ``n`` synthetic rows.

        With ``seed=None`` the synthesizer's own seed is used, so repeated calls
        return the same rows; pass another ``seed`` for a fresh draw.
        ``conditions`` is a :class:`Condition`, a :class:`ClassMix`, a dict, or a list of
        Conditions that each give their row count ``n`` (rows come in that order).
        """
        self._check_fitted()
        _check_count(n, "number of rows to sample")
        n = int(n)
        _check_in_memory(n, len(self.schema_.names))
        seeds = SeedTree(check_seed(self.seed if seed is None else seed)).child("sample")
        request = as_request(conditions, self.schema_, n)
        return self._engine().sample(n, seeds, request, progress)

    def sample_batches(
        self,
        n: int,
        *,
        batch_size: int = BLOCK_ROWS,
        seed: int | None = None,
        conditions: Conditions = None,
        progress: ProgressCallback | None = None,
        workers: int | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Yield ``n`` rows in batches of ``batch_size``, with memory bounded by a batch.

        The rows are exactly those of ``sample(n)`` with the same seed and
        conditions, whatever the batch size. ``workers`` threads draw row blocks
        at once (default: one per core, at most 4); the rows do not depend on it.

        >>> import pandas as pd
        >>> synth = Synthesizer("copula").fit(pd.DataFrame({"x": range(30)}))
        >>> [len(b) for b in synth.sample_batches(25, batch_size=10)]
        [10, 10, 5]
        """
        self._check_fitted()
        _check_count(n, "number of rows to sample")
        from dataclasses import replace

        _check_count(batch_size, "batch_size")
        n, batch_size = int(n), int(batch_size)
        if workers is not None:
            _check_count(workers, "number of workers")
        seeds = SeedTree(check_seed(self.seed if seed is None else seed)).child("sample")
        request = as_request(conditions, self.schema_, n)
        engine = replace(self._engine(), workers=workers)
        return rebatch(engine.stream(n, seeds, request, progress), batch_size)

    def sample_to(
        self,
        path: str | os.PathLike[str],
        n: int,
        *,
        table: str | None = None,
        batch_size: int = BLOCK_ROWS,
        seed: int | None = None,
        conditions: Conditions = None,
        progress: ProgressCallback | None = None,
        client: Any = None,
        workers: int | None = None,
    ) -> Path | str:
        """Stream ``n`` rows into a ``.parquet``, ``.csv`` or ``.tsv`` file, atomically, or
        into a new ``table`` of the database at ``path`` (a URL), in one transaction.

        Memory stays bounded by the batch size; the output is the same whatever
        the batch size or ``workers`` (threads drawing blocks, as in
        :meth:`sample_batches`), and nothing is left behind if sampling fails. With a
        ``dask.distributed.Client``, the workers draw the row blocks and write
        ``path`` as a Parquet dataset folder (one part per task) holding the same
        rows as a one-process run (see :mod:`synthtab.io.dask`).
        """
        from synthtab.io.sql import is_database_url, write_sql
        from synthtab.io.streaming import write_batches
        from synthtab.io.tables import check_table_output

        if client is not None:
            return self._sample_with_dask(path, n, seed, conditions, progress, client)
        to_database = is_database_url(path)
        if to_database and not table:
            raise InvalidParameterError("Writing to a database needs a table name: table=...")
        if not to_database:
            check_table_output(path)
            self._check_fitted()
            _check_count(n, "number of rows to sample")
            _check_disk(path, n, len(self.schema_.names))
        batches = self.sample_batches(
            n,
            batch_size=batch_size,
            seed=seed,
            conditions=conditions,
            progress=progress,
            workers=workers,
        )
        if to_database:
            write_sql(batches, str(path), table or "")
            return str(path)
        return write_batches(batches, path, row_group_rows=BLOCK_ROWS)

    def _sample_with_dask(
        self,
        path: str | os.PathLike[str],
        n: int,
        seed: int | None,
        conditions: Conditions,
        progress: ProgressCallback | None,
        client: Any,
    ) -> Path:
        from synthtab.io.dask import check_client_request, sample_dataset

        self._check_fitted()
        _check_count(n, "number of rows to sample")
        check_client_request(conditions)
        seeds = SeedTree(check_seed(self.seed if seed is None else seed)).child("sample")
        return sample_dataset(self._engine(), path, n, seeds, client, progress=progress)

    def _engine(self) -> SamplingEngine:
        return SamplingEngine(self.model_, self.encoder_, self.constraints_)

    # -- files --------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted synthesizer to a ``.synth`` file (atomically)."""
        return write_model_file(path, self.to_manifest())

    def to_manifest(self) -> dict[str, Any]:
        """The fitted synthesizer as a state tree of JSON scalars and numpy arrays
        (what :meth:`save` writes; a database model nests one per table)."""
        self._check_fitted()
        from synthtab.version import __version__

        return {
            "synthtab_version": __version__,
            "synthesizer": {
                "model": self.model,
                "model_name": self.model_name_,
                "seed": self.seed,
                "overrides": _overrides_to_json(self.overrides),
                "invalid_rows": self.invalid_rows,
                "params": self.model_params_,
                "user_params": self.params,
                "privacy": _privacy_to_json(self.privacy),
                "rules": self.rules if not isinstance(self.rules, list) else None,
                "discovered_rules": [
                    i for i, r in enumerate(self.constraints_) if r in self.discovered_rules_
                ],
            },
            "schema": self.schema_.to_dict(),
            "constraints": [constraint_to_state(c) for c in self.constraints_],
            "encoder": self.encoder_.state_dict(),
            "model": self.model_.state_dict(),
            "fit_report": self.fit_report_.to_dict(),
            "privacy_report": (
                self.privacy_report_.to_dict() if self.privacy_report_ is not None else None
            ),
        }

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], *, predicates: Mapping[str, RowRule] | None = None
    ) -> Synthesizer:
        """Read a synthesizer written by :meth:`save`; no code in the file can run.

        Custom ``Predicate`` rules are saved by name only; pass their functions
        again as ``predicates={"name": fn}``.
        """
        manifest = read_model_file(path)
        if "database" in manifest:
            raise ModelFileError(
                f"'{path}' holds a database model; load it with "
                "synthtab.MultiTableSynthesizer.load."
            )
        return cls.from_manifest(manifest, path, predicates=predicates)

    @classmethod
    def from_manifest(
        cls,
        manifest: dict[str, Any],
        path: str | os.PathLike[str],
        *,
        predicates: Mapping[str, RowRule] | None = None,
    ) -> Synthesizer:
        """Rebuild a synthesizer from :meth:`to_manifest`'s tree, read from ``path``."""
        try:
            synth = cls._from_manifest(manifest, dict(predicates or {}))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, SynthtabError):
                raise ModelFileError(f"'{path}' cannot be loaded: {exc}") from exc
            raise ModelFileError(f"'{path}' is incomplete or damaged ({exc!r}).") from exc
        synth._check_loaded(path)
        return synth

    #: Rows drawn on load to prove that a model file's arrays fit together.
    _PROBE_ROWS = 8

    def _check_loaded(self, path: str | os.PathLike[str]) -> None:
        """Draw a few rows: arrays of the wrong shapes fail here, as a ModelFileError,
        not as an IndexError in the user's first sample."""
        try:
            probe = self.sample(self._PROBE_ROWS)
        except SynthtabError:
            return  # a refusal a fitted model can give too (a rule that rejects rows)
        except Exception as exc:  # the model's arrays do not fit together
            raise ModelFileError(
                f"'{path}' is damaged: its model cannot draw rows ({type(exc).__name__}: {exc})."
                " Refit the model."
            ) from exc
        gaps = [c.name for c in self.schema_ if not c.nullable and probe[c.name].isna().any()]
        if gaps:
            raise ModelFileError(
                f"'{path}' is damaged: it draws missing values in {gaps}, which were never "
                "missing in the training data. Refit the model."
            )

    @classmethod
    def _from_manifest(
        cls, manifest: dict[str, Any], predicates: dict[str, RowRule]
    ) -> Synthesizer:
        info = manifest["synthesizer"]
        rules = [constraint_from_state(item, predicates) for item in manifest["constraints"]]
        found = set(info.get("discovered_rules", []))
        declared = [rule for i, rule in enumerate(rules) if i not in found]
        synth = cls(
            info["model"],
            seed=info["seed"],
            overrides=info["overrides"],
            constraints=declared or None,
            invalid_rows=info["invalid_rows"],
            privacy=_privacy_from_json(info.get("privacy")),
            rules=info.get("rules"),
            **info["user_params"],
        )
        synth.discovered_rules_ = [rule for i, rule in enumerate(rules) if i in found]
        model_cls = model_registry.get(info["model_name"]).load()
        params = model_cls.Params.build(info["params"])
        synth.model_name_ = info["model_name"]
        synth.schema_ = TableSchema.from_dict(manifest["schema"])
        synth.constraints_ = rules
        synth.encoder_ = TableEncoder.from_state_dict(synth.schema_, manifest["encoder"], rules)
        synth.model_ = model_cls.from_state_dict(params, manifest["model"])
        synth.fit_report_ = FitReport.from_dict(manifest["fit_report"])
        synth.model_params_ = params.to_dict()
        spent = manifest.get("privacy_report")
        synth.privacy_report_ = PrivacyReport.from_dict(spent) if spent else None
        return synth

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                "This Synthesizer is not fitted yet; call fit(data) or Synthesizer.load(path)."
            )

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Synthesizer(model={self.model!r}, seed={self.seed!r}{extra})"


#: The model that stands in when every column is generated (it fits nothing).
MARGINALS = "marginals"

#: The most rows :meth:`Synthesizer.sample` builds in memory; beyond it use ``sample_to``.
MAX_IN_MEMORY_ROWS = 10**9


#: Bytes a value takes at the least: 16 in memory (the float64 block it is decoded
#: from and its column; measured peak ~15), 1 in a CSV (a digit), 1/8 in Parquet
#: (a bit of a run-length-encoded constant).
_LEAST_BYTES = {"memory": 16.0, "CSV": 1.0, "TSV": 1.0, "Parquet": 0.125}


def _check_in_memory(n: int, columns: int) -> None:
    memory = _physical_memory()
    needed = n * max(columns, 1) * _LEAST_BYTES["memory"]
    if n > MAX_IN_MEMORY_ROWS or (memory is not None and needed > memory):
        fits = f" ({_gb(needed)} at the least; this machine has {_gb(memory)})" if memory else ""
        raise InvalidParameterError(
            f"sample(n={n}) would build {n:,} rows x {columns} columns in memory{fits}, "
            f"more than sample() can hold (at most {MAX_IN_MEMORY_ROWS:,} rows); use "
            "sample_to(path, n) (or sample_batches) to stream large outputs to a file"
        )


def _check_disk(path: str | os.PathLike[str], n: int, columns: int) -> None:
    """Refuse, before any row is drawn, an output the disk surely cannot hold."""
    import shutil

    from synthtab.errors import OutputError
    from synthtab.io.tables import table_format

    target = Path(path).expanduser().resolve()
    needed = n * max(columns, 1) * _LEAST_BYTES[table_format(target, writing=True)]
    free = shutil.disk_usage(target.parent).free
    if needed > free:
        raise OutputError(
            f"Writing {n:,} rows x {columns} columns to '{path}' needs {_gb(needed)} at the "
            f"least, but its disk has {_gb(free)} free. Ask for fewer rows or write elsewhere."
        )


def _physical_memory() -> int | None:
    """The memory this process may use: the machine's, or its cgroup's limit if lower."""
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: the row cap alone
        return None
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            memory = min(memory, int(Path(limit_file).read_text().strip()))
        except (OSError, ValueError):  # no such cgroup file, or "max"
            continue
    return memory


def _gb(size: float) -> str:
    return f"{size / 1e9:,.1f} GB"


def _check_count(value: object, what: str) -> None:
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, numbers.Integral)
        or value <= 0
    ):
        raise InvalidParameterError(f"The {what} must be a positive int. Got {value!r} instead.")


def _check_rules_option(rules: object) -> None:
    if rules is not None and rules != "auto" and not isinstance(rules, list):
        raise InvalidParameterError(
            "The 'rules' option must be 'auto' (find the table's exact rules), None (find "
            f"none) or a list of rules (declared, as constraints=[...]). Got {rules!r}."
        )


def _check_frame(data: object) -> None:
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            [
                f"expected a pandas DataFrame, got {type(data).__name__}; "
                "read files with synthtab.io.read_table or pandas first"
            ]
        )


def _privacy_to_json(privacy: DPConfig | float | None) -> dict[str, Any] | None:
    config = as_dp_config(privacy)
    return config.to_dict() if config is not None else None


def _privacy_from_json(data: dict[str, Any] | None) -> DPConfig | None:
    return DPConfig.from_dict(data) if data else None


def _overrides_to_json(overrides: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not overrides:
        return None
    out: dict[str, Any] = {}
    for name, value in overrides.items():
        if isinstance(value, ColumnSpec):
            out[name] = value.to_dict()
        elif isinstance(value, Mapping):
            out[name] = dict(value)
        else:
            out[name] = str(value)
    return out


def load(path: str | os.PathLike[str]) -> Synthesizer:
    """Read a fitted synthesizer from a ``.synth`` file (same as ``Synthesizer.load``)."""
    return Synthesizer.load(path)
