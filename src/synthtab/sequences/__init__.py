"""Histories per entity: a long table of events, learned and sampled as sequences."""

from synthtab.sequences.history import split_histories
from synthtab.sequences.synthesizer import SequenceSynthesizer

__all__ = ["SequenceSynthesizer", "split_histories"]
