"""synthtab: synthetic tabular data that keeps statistics, utility and rules.

>>> import synthtab
>>> {"Synthesizer", "Condition", "ClassMix"} <= set(synthtab.__all__)
True

Names are imported on first use (PEP 562), so ``import synthtab`` is fast and
never imports pandas or torch until something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synthtab.version import __version__

_EXPORTS = {
    "Synthesizer": "synthtab.synthesizer",
    "Condition": "synthtab.sampling.conditions",
    "ClassMix": "synthtab.sampling.conditions",
    "infer_schema": "synthtab.schema",
    "TableSchema": "synthtab.schema",
    "ColumnSpec": "synthtab.schema",
    "ColumnKind": "synthtab.schema",
    "load": "synthtab.synthesizer",
    "model_registry": "synthtab.models",
    "SynthtabError": "synthtab.errors",
    "Inequality": "synthtab.constraints",
    "Range": "synthtab.constraints",
    "Positive": "synthtab.constraints",
    "Negative": "synthtab.constraints",
    "DatePart": "synthtab.constraints",
    "FixedCombinations": "synthtab.constraints",
    "Formula": "synthtab.constraints",
    "Grid": "synthtab.constraints",
    "Lookup": "synthtab.constraints",
    "MissingWhen": "synthtab.constraints",
    "Predicate": "synthtab.constraints",
    "rebalance": "synthtab.rebalance",
    "evaluate": "synthtab.evaluation",
    "DPConfig": "synthtab.privacy",
    "MultiTableSynthesizer": "synthtab.relational",
    "SequenceSynthesizer": "synthtab.sequences",
}

__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:
    from synthtab.constraints import (  # noqa: F401
        DatePart,
        FixedCombinations,
        Formula,
        Grid,
        Inequality,
        Lookup,
        MissingWhen,
        Negative,
        Positive,
        Predicate,
        Range,
    )
    from synthtab.errors import SynthtabError  # noqa: F401
    from synthtab.models import model_registry  # noqa: F401
    from synthtab.privacy import DPConfig  # noqa: F401
    from synthtab.rebalance import rebalance  # noqa: F401
    from synthtab.relational import MultiTableSynthesizer  # noqa: F401
    from synthtab.sampling.conditions import ClassMix, Condition  # noqa: F401
    from synthtab.schema import ColumnKind, ColumnSpec, TableSchema, infer_schema  # noqa: F401
    from synthtab.sequences import SequenceSynthesizer  # noqa: F401
    from synthtab.synthesizer import Synthesizer, load  # noqa: F401


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'synthtab' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
