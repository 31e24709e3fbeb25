"""Linear spans (a number encoded unscaled, a Gaussian-in-interval label) reach the
networks' outputs unchanged: the output head used to drop them, the VAE to squash them."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from synthtab.encoding.layout import Activation, EncodedTable, Layout, Span  # noqa: E402
from synthtab.models.neural.layers import OutputHead  # noqa: E402
from synthtab.models.neural.params import VAEParams  # noqa: E402
from synthtab.models.neural.vae import VAEModel  # noqa: E402

LAYOUT = Layout(
    (
        Span("a", "value", 1, Activation.LINEAR),
        Span("b", "value", 1, Activation.TANH),
        Span("c", "category", 3, Activation.SOFTMAX, 3),
        Span("d", "value", 2, Activation.LINEAR),
        Span("e", "missing", 1, Activation.SIGMOID),
    )
)


def test_output_head_keeps_every_feature_in_layout_order() -> None:
    head = OutputHead(LAYOUT)
    raw = torch.tensor([[5.0, 0.3, 1.0, 2.0, 3.0, -7.0, 9.0, 0.0]])
    out = head(raw)
    assert out.shape == raw.shape
    assert torch.equal(out[:, [0, 5, 6]], raw[:, [0, 5, 6]])  # linear: unchanged
    assert torch.allclose(out[:, 1], torch.tanh(raw[:, 1]))
    assert torch.allclose(out[:, 7], torch.sigmoid(raw[:, 7]))
    assert torch.allclose(out[:, 2:5].sum(dim=1), torch.ones(1))
    drawn = head(raw, sample=True, generator=torch.Generator().manual_seed(0))
    assert torch.equal(drawn[:, [0, 5, 6]], raw[:, [0, 5, 6]])
    assert set(drawn[0, 2:5].tolist()) == {0.0, 1.0}


def test_vae_learns_a_linear_feature_beyond_the_tanh_range() -> None:
    rng = np.random.default_rng(0)
    n = 600
    layout = Layout(
        (Span("x", "value", 1, Activation.LINEAR), Span("y", "value", 1, Activation.TANH))
    )
    values = np.column_stack([rng.normal(3.0, 0.5, n), rng.uniform(-0.5, 0.5, n)])
    params = VAEParams(epochs=150, batch_size=100, encoder_dims=(32,), decoder_dims=(32,), lr=1e-2)
    model = VAEModel(params)
    model.fit(EncodedTable(values, layout), rng=np.random.default_rng(1))
    out = model.sample(2000, rng=np.random.default_rng(2))
    assert out[:, 0].mean() == pytest.approx(3.0, abs=0.5)  # tanh would cap it at 1
    assert np.abs(out[:, 1]).max() <= 1.0
