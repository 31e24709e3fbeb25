"""The exception tree of synthtab.

Every error synthtab raises on purpose derives from :class:`SynthtabError` and
also from the builtin a user already catches, so ``except ValueError`` keeps
working::

    SynthtabError (Exception)
    ├── InvalidParameterError (ValueError)     a model or option parameter is out of its domain
    ├── UnknownNameError (KeyError)            a model, encoder or metric name is not registered
    ├── DataValidationError (ValueError)       the input table is unusable; lists every problem
    │   ├── SchemaMismatchError                the table does not match a given schema
    │   └── ConstraintViolationError           real rows already break a declared rule
    ├── ConditionError (ValueError)            a condition names an unknown column or value
    ├── NotFittedError (RuntimeError)          sample/save/encode before fit
    ├── SamplingError (RuntimeError)           bounded rejection could not produce the rows
    ├── PrivacyBudgetError (ValueError)        a differential-privacy request cannot be met
    ├── ModelFileError (ValueError)            a .synth file is corrupt, unsafe or too new
    ├── DataSourceError (OSError)              a file or database cannot be read
    └── OutputError (OSError)                  a result cannot be written; nothing partial is left

Messages say what is wrong, what was given, and what to do about it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class SynthtabError(Exception):
    """Root of every error synthtab raises on purpose."""


class InvalidParameterError(SynthtabError, ValueError):
    """A parameter of a model, encoder or option is outside its domain."""


class UnknownNameError(SynthtabError, KeyError):
    """A name that is not registered (model, encoder, metric, column kind)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class DataValidationError(SynthtabError, ValueError):
    """The input table cannot be used; ``problems`` lists every reason at once."""

    def __init__(self, problems: Sequence[str], *, what: str = "The input table") -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{what} has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class SchemaMismatchError(DataValidationError):
    """The table does not match the schema it was declared to follow."""


class ConstraintViolationError(DataValidationError):
    """Real rows break a declared constraint; the message offers the choices."""


class ConditionError(SynthtabError, ValueError):
    """A sampling condition names an unknown column or an impossible value."""


class NotFittedError(SynthtabError, RuntimeError):
    """The object must be fitted before this call."""


class SamplingError(SynthtabError, RuntimeError):
    """Bounded rejection sampling could not produce the requested rows."""


class PrivacyBudgetError(SynthtabError, ValueError):
    """A differential-privacy request cannot be honoured by this model or budget."""


class ModelFileError(SynthtabError, ValueError):
    """A model file is corrupt, unsafe, or written by an incompatible version."""


class DataSourceError(SynthtabError, OSError):
    """A table cannot be read from a file or database."""


class OutputError(SynthtabError, OSError):
    """A result cannot be written; no partial output is left behind."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return a " Did you mean 'x'?" hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""
