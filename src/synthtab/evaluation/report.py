"""The evaluation report: results, figures and context, with summaries and file output.

>>> from synthtab.evaluation.base import Direction, Family, MetricResult
>>> rep = Report([MetricResult("column_shapes", Family.FIDELITY, 0.9, Direction.HIGHER)])
>>> rep.scores["column_shapes"]
0.9
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthtab.evaluation.base import Family, MetricResult
from synthtab.io.atomic import atomic_output

#: Headline score per family: the result used, and how to turn it into [0, 1].
_HEADLINE = {
    Family.FIDELITY: ("fidelity_score", lambda s: s),
    Family.UTILITY: ("utility_score", lambda s: s),
    Family.PRIVACY: ("dcr_share_closer_to_train", lambda s: 1.0 - min(1.0, 2 * abs(s - 0.5))),
}
_VERDICTS = [
    (0.9, "excellent"),
    (0.75, "good"),
    (0.5, "fair"),
    (0.0, "poor"),
]
_PHRASES = {
    Family.FIDELITY: "how closely the columns and their relations follow the real table",
    Family.UTILITY: "how well models trained on synthetic rows do on real rows",
    Family.PRIVACY: "how far synthetic rows stay from training rows, against unseen real rows",
}


@dataclass
class Report:
    """What :func:`synthtab.evaluate` returns.

    Examples
    --------
    >>> Report([]).summary().columns.tolist()
    ['metric', 'family', 'score', 'direction', 'target']
    """

    results: list[MetricResult]
    figures: list[Any] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """One row per metric: metric, family, score, direction, target."""
        rows = [(r.name, str(r.family), r.score, str(r.direction), r.target) for r in self.results]
        return pd.DataFrame(rows, columns=["metric", "family", "score", "direction", "target"])

    @property
    def scores(self) -> dict[str, float]:
        """Every score, plus extras as ``"name.key"``."""
        out: dict[str, float] = {}
        for r in self.results:
            out[r.name] = float(r.score)
            out.update({f"{r.name}.{k}": float(v) for k, v in r.extra.items()})
        return out

    def result(self, name: str) -> MetricResult:
        """The result called ``name``."""
        from synthtab.errors import UnknownNameError, did_you_mean

        for r in self.results:
            if r.name == name:
                return r
        names = [r.name for r in self.results]
        raise UnknownNameError(
            f"The report has no metric '{name}'.{did_you_mean(name, names)} "
            f"It has: {', '.join(names)}."
        )

    def headline(self) -> dict[str, tuple[float, str]]:
        """Family -> (score in [0, 1], plain-language verdict), for the families computed."""
        scores, out = self.scores, {}
        for family, (key, to_unit) in _HEADLINE.items():
            if key not in scores or not math.isfinite(scores[key]):
                continue
            value = float(np.clip(to_unit(scores[key]), 0.0, 1.0))
            word = next(w for threshold, w in _VERDICTS if value >= threshold)
            verdict = f"{word.capitalize()}: {_PHRASES[family]} ({value:.2f})."
            if family is Family.UTILITY:
                verdict = _utility_verdict(scores, value, verdict)
            out[str(family)] = (value, verdict)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict: scores, summary, headline, notes and context."""
        return {
            "scores": {k: _json_float(v) for k, v in self.scores.items()},
            "summary": [
                {**row, "score": _json_float(row["score"]), "target": row["target"]}
                for row in self.summary()
                .astype(object)
                .where(self.summary().notna(), None)
                .to_dict("records")
            ],
            "headline": {k: {"score": v[0], "verdict": v[1]} for k, v in self.headline().items()},
            "notes": {r.name: r.note for r in self.results if r.note},
            "context": _jsonable(self.context),
        }

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` as JSON, atomically; returns the path."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False)
        with atomic_output(path, option="JSON report") as tmp:
            tmp.write_text(text, encoding="utf-8")
        return Path(path)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the self-contained HTML report, atomically; returns the path."""
        from synthtab.evaluation.html import render_report

        text = render_report(self)
        with atomic_output(path, option="HTML report") as tmp:
            tmp.write_text(text, encoding="utf-8")
        return Path(path)


#: A real-on-real ROC AUC (or R²) below this says the target is barely predictable.
_WEAK_REFERENCE = {"roc_auc": 0.65, "r2": 0.1}


def _utility_verdict(scores: dict[str, float], ratio: float, verdict: str) -> str:
    """The ratio's verdict with the absolute scores beside it: a ratio of 1 between two
    models that barely beat chance is no evidence of useful data."""
    metric = "roc_auc" if "utility_trtr.roc_auc" in scores else "r2"
    tstr, trtr = scores.get(f"utility_tstr.{metric}"), scores.get(f"utility_trtr.{metric}")
    if tstr is None or trtr is None or not (math.isfinite(tstr) and math.isfinite(trtr)):
        return verdict
    label = "ROC AUC" if metric == "roc_auc" else "R²"
    figures = f"{label} {tstr:.3f} trained on synthetic rows vs {trtr:.3f} on real rows"
    if trtr < _WEAK_REFERENCE[metric]:
        return (
            f"Inconclusive: the real rows themselves predict the target barely better than "
            f"chance ({figures}), so the ratio ({ratio:.2f}) says little."
        )
    return f"{verdict[:-2]}; {figures})."


def _json_float(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | np.floating):
        return _json_float(value)
    if isinstance(value, np.integer):
        return int(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)
