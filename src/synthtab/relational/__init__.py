"""Databases: tables, their keys and relations, and the synthesizer that keeps them."""

from synthtab.relational.metadata import (
    Relation,
    check_database,
    detect_primary_keys,
    detect_relations,
)
from synthtab.relational.synthesizer import MultiTableSynthesizer

__all__ = [
    "MultiTableSynthesizer",
    "Relation",
    "check_database",
    "detect_primary_keys",
    "detect_relations",
]
