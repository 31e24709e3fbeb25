"""``model="auto"``: the model that suits the table's shape and kinds.

The rule, from ``benchmarks/bench_tradeoff.py`` and the breast cancer run in
the closing note: on mostly-numeric tables the Gaussian copula gives the best
utility at an honest privacy score (breast cancer: AUC ratio 0.997, DCR share
0.491; trees 0.972); as soon as labels carry structure, sequential trees win
by far (adult: 0.986 against the copula's 0.946, and 0.2% against 78% broken
education pairs).

>>> from synthtab.schema import ColumnKind, ColumnSpec, TableSchema
>>> numbers = [ColumnSpec(name=f"x{i}", kind=ColumnKind.NUMERIC, dtype="float64") for i in range(9)]
>>> label = ColumnSpec(name="y", kind=ColumnKind.BOOLEAN, dtype="bool", categories=(True, False))
>>> choose_model(TableSchema((*numbers, label)))[0]
'copula'
"""

from __future__ import annotations

from synthtab.schema.spec import TableSchema

AUTO = "auto"
#: Largest share of label columns for which the copula is chosen.
COPULA_LABEL_SHARE = 0.10


def choose_model(schema: TableSchema) -> tuple[str, str]:
    """The model for ``schema`` and the reason, in words."""
    modelled = [c for c in schema if not c.kind.is_generated]
    labels = [c for c in modelled if c.kind.is_discrete]
    share = len(labels) / max(len(modelled), 1)
    counted = f"{len(labels)} of {len(modelled)} learned columns are labels"
    if share <= COPULA_LABEL_SHARE:
        return "copula", f"model 'auto' chose 'copula': {counted} (at most 10%)"
    return "trees", f"model 'auto' chose 'trees': {counted} (more than 10%)"
