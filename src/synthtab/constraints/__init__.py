"""Business rules: reversible transforms where one exists, bounded rejection otherwise."""

from synthtab.constraints.base import (
    CanonicalTable,
    Constraint,
    ReversibleConstraint,
    constraint_registry,
)
from synthtab.constraints.combinations import FixedCombinations
from synthtab.constraints.datepart import DatePart
from synthtab.constraints.formula import Formula
from synthtab.constraints.grid import Grid
from synthtab.constraints.lookup import Lookup
from synthtab.constraints.missing import MissingWhen
from synthtab.constraints.predicate import Predicate
from synthtab.constraints.rules import Inequality, Negative, Positive, Range

__all__ = [
    "CanonicalTable",
    "Constraint",
    "DatePart",
    "FixedCombinations",
    "Formula",
    "Grid",
    "Inequality",
    "Lookup",
    "MissingWhen",
    "Negative",
    "Positive",
    "Predicate",
    "Range",
    "ReversibleConstraint",
    "constraint_registry",
]
