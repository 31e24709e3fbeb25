"""What every report figure shares: the Figure record, the colours, PNG output.

Figures are plain :class:`matplotlib.figure.Figure` objects, never pyplot: no
global state, no backend switch, safe in threads and in a user's notebook.
Real rows are always drawn in :data:`REAL_COLOUR`, synthetic rows in
:data:`SYNTHETIC_COLOUR`, and reference rows (the holdout) in :data:`HOLDOUT_COLOUR`.

>>> fig = new_figure(2.0, 1.0)
>>> png = to_png(fig)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure as MplFigure

from synthtab.evaluation.base import EvalContext, MetricResult

#: Real rows everywhere (a blue).
REAL_COLOUR = "#1f6fb4"
#: Synthetic rows everywhere (an orange).
SYNTHETIC_COLOUR = "#f08a24"
#: Real rows that the generator never saw (a grey).
HOLDOUT_COLOUR = "#7a7a7a"
#: Pixels per inch of the PNGs: modest, so the HTML stays small.
DPI = 72
#: Longest label shown on an axis before it is cut.
LABEL_CHARS = 14

Results = dict[str, MetricResult]


@dataclass(frozen=True)
class Figure:
    """One rendered report figure.

    Attributes
    ----------
    section : the report section it belongs to ("fidelity", "utility", "privacy", "training").
    title, caption : shown under the image; the caption says what was subsampled.
    png : the image bytes.
    name : a short identifier, e.g. ``"marginals"``.

    Examples
    --------
    >>> Figure("fidelity", "Title", "Caption.", b"", "example").section
    'fidelity'
    """

    section: str
    title: str
    caption: str
    png: bytes
    name: str


def new_figure(width: float, height: float) -> MplFigure:
    """A pyplot-free figure of ``width`` x ``height`` inches with constrained layout."""
    return MplFigure(figsize=(width, height), dpi=DPI, layout="constrained")


def to_png(fig: MplFigure) -> bytes:
    """The figure as PNG bytes at :data:`DPI` (the figure is not kept)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def short_label(value: object, limit: int = LABEL_CHARS) -> str:
    """``value`` as text, cut to ``limit`` characters with an ellipsis.

    >>> short_label("a very long category name", 8)
    'a very …'
    """
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + " …"


def row_sample(ctx: EvalContext, n_rows: int, size: int) -> np.ndarray:
    """Sorted positions of at most ``size`` of ``n_rows`` rows, drawn with the ctx rng."""
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(ctx.rng.choice(n_rows, size=size, replace=False))


def add_real_synthetic_legend(fig: MplFigure, *, holdout: bool = False) -> None:
    """One legend for the whole figure, in the report's fixed colours."""
    from matplotlib.patches import Patch

    handles = [
        Patch(color=REAL_COLOUR, label="real"),
        Patch(color=SYNTHETIC_COLOUR, label="synthetic"),
    ]
    if holdout:
        handles.append(Patch(color=HOLDOUT_COLOUR, label="holdout (real, unseen)"))
    fig.legend(handles=handles, loc="outside upper right", ncols=len(handles), frameon=False)
