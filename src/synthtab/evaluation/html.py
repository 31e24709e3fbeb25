"""One self-contained HTML page for a Report, read top down.

A headline with the three scores and plain-language verdicts, then a section
per family (fidelity, utility, privacy, validity) with its metrics, notes and
detail tables, and the figures of that section inlined as base64 PNG. No
external resources, no scripts; every text is escaped.
"""

from __future__ import annotations

import base64
import html
import math
from typing import Any

import pandas as pd

_SECTIONS = ("fidelity", "utility", "privacy", "validity", "training")
_DETAIL_ROWS = 40
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222;line-height:1.4}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{flex:1;min-width:14rem;border:1px solid #ddd;border-radius:.5rem;padding:1rem}
.card .score{font-size:2.2rem;font-weight:600}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left} th{background:#f4f4f4}
.note{color:#555;font-size:.88rem} figure{margin:1rem 0} img{max-width:100%}
details summary{cursor:pointer;color:#225}
.swatch{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .6em;vertical-align:-.05em}
"""


def render_report(report: Any) -> str:
    """The report as one HTML document (a string)."""
    context = report.context or {}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>synthtab evaluation report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Synthetic data report</h1>",
        f"<p class='note'>{_esc(_sizes(context))}</p>",
        _headline(report.headline()),
        _colour_key(report.figures),
        _notes(context.get("notes", [])),
    ]
    for section in _SECTIONS:
        results = [r for r in report.results if str(r.family) == section]
        figures = [f for f in report.figures if getattr(f, "section", "") == section]
        if section == "privacy" and context.get("privacy"):
            parts.append(_privacy_spend(context["privacy"]))
        if results or figures:
            parts.append(_section(section, results, figures))
    parts.append("</body></html>")
    return "\n".join(parts)


def _privacy_spend(spend: dict[str, Any]) -> str:
    """The differential-privacy budget of the fit: totals, then each part's mechanisms."""
    rows = "".join(
        f"<tr><td>{_esc(name)}</td><td>{_number(part.get('epsilon'))}</td>"
        f"<td>{_number(part.get('delta'))}</td>"
        f"<td class='note'>{_esc('; '.join(part.get('mechanisms', [])))}</td></tr>"
        for name, part in spend.get("parts", {}).items()
    )
    total = (
        f"epsilon {_number(spend.get('epsilon_total'))} of {_number(spend.get('epsilon_target'))}"
        f", delta {_number(spend.get('delta'))} of {_number(spend.get('delta_target'))}"
    )
    return (
        f"<section><h2>Differential privacy</h2><p>The model was fitted under differential "
        f"privacy: {total} spent.</p><table><tr><th>part</th><th>epsilon</th><th>delta</th>"
        f"<th>mechanisms</th></tr>{rows}</table></section>"
    )


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _sizes(context: dict[str, Any]) -> str:
    keys = [
        ("n_real", "real rows"),
        ("n_synthetic", "synthetic rows"),
        ("n_holdout", "holdout rows"),
    ]
    shown = [f"{context[k]:,} {label}" for k, label in keys if isinstance(context.get(k), int)]
    target = context.get("target")
    return ", ".join(shown) + (f"; target column '{target}'" if target else "")


def _headline(headline: dict[str, tuple[float, str]]) -> str:
    cards = "".join(
        f"<div class='card'><div>{_esc(family.capitalize())}</div>"
        f"<div class='score'>{score:.2f}</div><div>{_esc(verdict)}</div></div>"
        for family, (score, verdict) in headline.items()
    )
    return f"<div class='cards'>{cards}</div>" if cards else ""


def _colour_key(figures: list[Any]) -> str:
    """The colours every figure uses, stated once above them."""
    if not figures:
        return ""
    from synthtab.evaluation.figures_common import HOLDOUT_COLOUR, REAL_COLOUR, SYNTHETIC_COLOUR

    keys = [(REAL_COLOUR, "real"), (SYNTHETIC_COLOUR, "synthetic"), (HOLDOUT_COLOUR, "holdout")]
    swatches = " ".join(
        f"<span class='swatch' style='background:{colour}'></span>{label}" for colour, label in keys
    )
    return f"<p class='note'>Colours in every figure: {swatches}.</p>"


def _notes(notes: list[str]) -> str:
    if not notes:
        return ""
    return "<ul class='note'>" + "".join(f"<li>{_esc(n)}</li>" for n in notes) + "</ul>"


def _section(name: str, results: list[Any], figures: list[Any]) -> str:
    rows = "".join(
        f"<tr><td>{_esc(r.name)}</td><td>{_number(r.score)}</td><td>{_esc(r.direction)}</td>"
        f"<td>{_number(r.target) if r.target is not None else ''}</td>"
        f"<td class='note'>{_esc(r.note)}</td></tr>"
        for r in results
    )
    table = (
        "<table><tr><th>metric</th><th>score</th><th>better when</th><th>ideal</th>"
        f"<th>note</th></tr>{rows}</table>"
        if rows
        else ""
    )
    details = "".join(_details(r) for r in results)
    images = "".join(_figure(f) for f in figures)
    return f"<section><h2>{_esc(name.capitalize())}</h2>{table}{images}{details}</section>"


def _number(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _esc(value)
    return "–" if not math.isfinite(number) else f"{number:.4g}"


def _details(result: Any) -> str:
    frame = result.details
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return ""
    shown = frame.head(_DETAIL_ROWS)
    more = f" (first {_DETAIL_ROWS} of {len(frame)} rows)" if len(frame) > _DETAIL_ROWS else ""
    table = shown.to_html(float_format=lambda x: f"{x:.4g}", border=0, escape=True)
    return f"<details><summary>{_esc(result.name)}: details{more}</summary>{table}</details>"


def _figure(figure: Any) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    return (
        f"<figure><img alt='{_esc(figure.title)}' src='data:image/png;base64,{data}'>"
        f"<figcaption class='note'><b>{_esc(figure.title)}</b>. {_esc(figure.caption)}"
        "</figcaption></figure>"
    )
