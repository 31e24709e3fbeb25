"""The neural family: losses, conditioning, training control and parameter errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from synthtab import Condition, Synthesizer  # noqa: E402
from synthtab.encoding.layout import Activation, Layout, Span  # noqa: E402
from synthtab.errors import InvalidParameterError  # noqa: E402
from synthtab.models.neural.layers import OutputHead  # noqa: E402
from synthtab.models.neural.losses import gradient_penalty  # noqa: E402
from synthtab.models.neural.networks import Critic  # noqa: E402
from synthtab.models.neural.trainer import EpochStatus  # noqa: E402

TINY = {"generator_dims": [32], "critic_dims": [32], "embedding_dim": 16}


@pytest.fixture(scope="module")
def people(adult: pd.DataFrame) -> pd.DataFrame:
    return adult[["age", "hours-per-week", "sex", "race", "income"]].sample(600, random_state=1)


def test_weight_clipping_keeps_every_critic_weight_in_range(people: pd.DataFrame) -> None:
    synth = Synthesizer("wgan", seed=0, steps=5, clip_value=0.02, **TINY).fit(people)
    weights = torch.cat([w.detach().flatten() for w in synth.model_.critic_.parameters()])
    assert float(weights.abs().max()) <= 0.02 + 1e-7
    assert float(weights.abs().max()) > 0.019  # clipping was active, not a tiny init


def test_gradient_penalty_is_computed_on_interpolates_of_real_and_fake() -> None:
    torch.manual_seed(0)  # the penalty draws its alphas from torch's global generator
    real, fake = torch.randn(8, 3), torch.randn(8, 3)
    critic = Critic(3, [8], pac=2, dropout=0.0)
    penalty, interpolates = gradient_penalty(critic, real, fake, pac=2)
    # each interpolate is fake + alpha (real - fake), one alpha in [0, 1] per pack of 2 rows;
    # recovered in float64, as float32 division by a small real - fake loses digits
    diff = (real - fake).double()
    alpha = ((interpolates.detach().double() - fake.double()) / diff).numpy()
    assert np.allclose(alpha, alpha[:, :1], atol=1e-4)
    assert np.all((alpha >= -1e-6) & (alpha <= 1 + 1e-6))
    assert np.allclose(alpha[0::2, 0], alpha[1::2, 0])
    assert float(penalty.detach()) >= 0.0


def test_gradient_penalty_is_zero_for_a_critic_with_unit_gradient() -> None:
    critic = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        critic.weight[:] = torch.tensor([[0.6, 0.8]])  # |grad| = 1 everywhere
    penalty, _ = gradient_penalty(critic, torch.randn(4, 2), torch.randn(4, 2))
    assert float(penalty.detach()) == pytest.approx(0.0, abs=1e-10)


def _mixed_layout() -> Layout:
    return Layout(
        (
            Span("a", "value", 1, Activation.TANH),
            Span("a", "mode", 3, Activation.SOFTMAX, n_categories=3),
            Span("b", "code", 1, Activation.SIGMOID),
            Span("c", "label", 5, Activation.SOFTMAX, n_categories=5),
            Span("d", "label", 2, Activation.SOFTMAX, n_categories=2),
        )
    )


def test_output_head_activates_every_span_in_layout_order() -> None:
    head = OutputHead(_mixed_layout())
    raw = (10 * torch.randn(64, 12, generator=torch.Generator().manual_seed(0))).requires_grad_()
    out = head(raw)
    assert torch.allclose(out[:, 0], torch.tanh(raw[:, 0]))
    assert torch.allclose(out[:, 4], torch.sigmoid(raw[:, 4]))
    for block in (slice(1, 4), slice(5, 10), slice(10, 12)):  # relaxed one-hot per block
        assert torch.all(out[:, block] >= 0)
        assert torch.allclose(out[:, block].sum(dim=1), torch.ones(64), atol=1e-5)
    out[:, 5].sum().backward()  # gradients reach the block's raw scores, and only them
    assert raw.grad[:, 5:10].abs().sum() > 0
    assert raw.grad[:, [0, 1, 2, 3, 4, 10, 11]].abs().sum() == 0


def test_output_head_relaxed_labels_follow_the_softmax() -> None:
    head = OutputHead(_mixed_layout())
    logits = torch.tensor([0.0, 1.0, 2.0, -1.0, 0.5])
    raw = torch.zeros(20_000, 12)
    raw[:, 5:10] = logits
    torch.manual_seed(0)
    chosen = head(raw)[:, 5:10].argmax(dim=1)  # Gumbel-max: the argmax is a softmax draw
    shares = torch.bincount(chosen, minlength=5) / 20_000
    assert torch.allclose(shares, torch.softmax(logits, 0), atol=0.015)


def test_output_head_draws_exact_one_hot_labels_when_sampling() -> None:
    head = OutputHead(_mixed_layout())
    raw = torch.randn(50, 12, generator=torch.Generator().manual_seed(1))
    out = head(raw, sample=True, generator=torch.Generator().manual_seed(2))
    for block in (slice(1, 4), slice(5, 10), slice(10, 12)):
        assert torch.equal(out[:, block].sum(dim=1), torch.ones(50))
        assert set(out[:, block].unique().tolist()) <= {0.0, 1.0}


@pytest.mark.parametrize("name", ["cgan", "wcgan"])
def test_label_conditioned_gans_generate_the_asked_class_natively(
    name: str, people: pd.DataFrame
) -> None:
    synth = Synthesizer(name, seed=0, steps=3, condition_columns=["income"], **TINY)
    synth.fit(people)
    bounds = synth.encoder_.encoded_bounds(
        Condition({"income": ">50K"}).canonical_bounds(synth.schema_)
    )
    encoded = synth.model_.sample(2000, rng=np.random.default_rng(0), condition=bounds)
    decoded = synth.encoder_.decode(encoded)
    assert (decoded["income"] == ">50K").all()  # the model's own rows, before any rejection


def test_ctgan_conditions_natively_on_any_label_column(people: pd.DataFrame) -> None:
    synth = Synthesizer("ctgan", seed=0, steps=3, batch_size=100, **TINY).fit(people)
    for column, value in [("race", "Other"), ("sex", "Female")]:
        bounds = synth.encoder_.encoded_bounds(
            Condition({column: value}).canonical_bounds(synth.schema_)
        )
        rows = synth.model_.sample(1000, rng=np.random.default_rng(1), condition=bounds)
        assert (synth.encoder_.decode(rows)[column] == value).all(), column


def test_conditional_sampling_through_the_synthesizer(people: pd.DataFrame) -> None:
    synth = Synthesizer("cgan", seed=0, steps=3, **TINY).fit(people)
    out = synth.sample(300, conditions=Condition({"income": "<=50K", "sex": "Male"}))
    assert len(out) == 300
    assert (out["income"] == "<=50K").all() and (out["sex"] == "Male").all()


def test_loss_history_is_recorded_per_epoch(people: pd.DataFrame) -> None:
    synth = Synthesizer("wgan_gp", seed=0, epochs=3, critic_pretrain_steps=0, **TINY)
    history = synth.fit(people).fit_report_.history
    assert set(history) == {"critic_loss", "generator_loss", "wasserstein_estimate"}
    assert all(len(v) == 3 and np.all(np.isfinite(v)) for v in history.values())


def test_callback_sees_each_epoch_and_can_stop_training(people: pd.DataFrame) -> None:
    seen: list[EpochStatus] = []

    def stop_after_two(status: EpochStatus) -> bool:
        seen.append(status)
        return status.epoch == 2

    synth = Synthesizer("vae", seed=0, epochs=50, batch_size=100)
    synth.fit(people, callback=stop_after_two)
    assert [s.epoch for s in seen] == [1, 2]
    assert seen[0].epochs == 50 and "loss" in seen[0].losses
    assert len(synth.fit_report_.history["loss"]) == 2
    assert any("stopped by the callback after epoch 2" in n for n in synth.fit_report_.notes)


def test_early_stopping_restores_the_best_weights(people: pd.DataFrame) -> None:
    synth = Synthesizer("vae", seed=0, epochs=400, patience=2, lr=0.05, batch_size=50)
    report = synth.fit(people).fit_report_
    validation = report.history["validation"]
    assert len(validation) < 400
    assert any("stopped early" in n for n in report.notes)


def test_steps_and_time_budget_bound_training(people: pd.DataFrame) -> None:
    report = Synthesizer("gan", seed=0, steps=7, **TINY).fit(people).fit_report_
    assert any("(7 steps)" in note for note in report.notes)
    report = Synthesizer("gan", seed=0, epochs=10_000, time_budget=0.5, **TINY).fit(people)
    assert any("time budget" in note for note in report.fit_report_.notes)


def test_vae_learns_label_shares_and_missing_share(mixed_frame: pd.DataFrame) -> None:
    synth = Synthesizer("vae", seed=0, steps=400, encoder_dims=[32], decoder_dims=[32])
    out = synth.fit(mixed_frame).sample(5000)
    for column in ("income", "visits"):
        assert abs(out[column].isna().mean() - mixed_frame[column].isna().mean()) < 0.04
    real = mixed_frame["member"].mean()
    assert abs(out["member"].mean() - real) < 0.08


def test_gaussian_interval_categorical_encoding_can_be_chosen(people: pd.DataFrame) -> None:
    synth = Synthesizer("gan", seed=0, steps=3, categorical="gaussian_interval", **TINY)
    out = synth.fit(people).sample(200)
    assert set(out["race"]) <= set(people["race"])
    spans = synth.model_.layout_.spans
    assert [s.width for s in spans if s.column == "race"] == [1]


def test_pac_must_divide_the_batch(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="must be a multiple of 'pac'"):
        Synthesizer("ctgan", seed=0, batch_size=64, steps=1).fit(people)


def test_unknown_condition_column_is_named(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match=r"names \['incme'\].*label columns"):
        Synthesizer("cgan", seed=0, steps=1, condition_columns=["incme"], **TINY).fit(people)


def test_bad_parameters_are_refused_before_training() -> None:
    with pytest.raises(InvalidParameterError, match="'epochs' parameter of GAN must be an int"):
        Synthesizer("ctgan", epochs=0).fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    with pytest.raises(InvalidParameterError, match="'device' parameter of GAN must be one of"):
        Synthesizer("gan", device="tpu").fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_a_missing_gpu_is_a_clear_error(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="torch sees no CUDA GPU here"):
        Synthesizer("vae", device="cuda", steps=1).fit(people)


def test_torch_threads_are_set_for_training_and_restored(people: pd.DataFrame) -> None:
    seen: list[int] = []
    before = torch.get_num_threads()
    synth = Synthesizer("vae", seed=0, epochs=1, threads=1, batch_size=100)
    synth.fit(people, callback=lambda status: seen.append(torch.get_num_threads()))
    assert seen == [1]
    assert torch.get_num_threads() == before


def test_vae_cross_entropy_of_all_blocks_matches_one_block_at_a_time() -> None:
    from torch.nn import functional as F  # noqa: N812

    from synthtab.models.neural.vae import _Spans

    layout = _mixed_layout()
    spans = _Spans(layout)
    gen = torch.Generator().manual_seed(3)
    raw = torch.randn(40, layout.width, generator=gen)
    batch = torch.zeros(40, layout.width)
    for block in spans.softmax:  # a one-hot label per block, as the encoder writes them
        labels = torch.randint(block.stop - block.start, (40,), generator=gen)
        batch[torch.arange(40), block.start + labels] = 1.0
    expected = sum(
        F.cross_entropy(raw[:, b], batch[:, b].argmax(dim=1), reduction="sum")
        for b in spans.softmax
    )
    assert torch.allclose(spans.cross_entropy(raw, batch), expected, rtol=1e-5)


def test_lazy_gradient_penalty_weighs_every_kth_critic_update_k_times() -> None:
    from types import SimpleNamespace

    from synthtab.models.neural.gan_steps import GANSteps

    steps = GANSteps.__new__(GANSteps)  # only the schedule is under test
    steps.params, steps.critic_updates = SimpleNamespace(gp_weight=10.0, gp_interval=3), 0
    assert [steps._penalty_weight() for _ in range(7)] == [30.0, 0, 0, 30.0, 0, 0, 30.0]


def test_spectral_norm_keeps_each_critic_layer_one_lipschitz() -> None:
    torch.manual_seed(0)  # the layers' initial weights: not whatever earlier tests left
    critic = Critic(6, [32, 32], pac=2, dropout=0.0, spectral_norm=True)
    layers = [m for m in critic.modules() if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for layer in layers:
            layer.parametrizations.weight.original.mul_(10.0)  # far from 1-Lipschitz
        for _ in range(30):  # one power iteration per training forward
            critic(torch.randn(64, 6))
    for layer in layers:
        raw = torch.linalg.matrix_norm(layer.parametrizations.weight.original.detach(), ord=2)
        used = torch.linalg.matrix_norm(layer.weight.detach(), ord=2)
        assert float(raw) > 3.0
        assert float(used) == pytest.approx(1.0, abs=0.02)


def test_generator_moving_average_is_the_generator_kept(people: pd.DataFrame) -> None:
    from synthtab.models.neural.gan_steps import GANSteps
    from synthtab.models.neural.torch_state import module_arrays

    decay = 0.75
    synth = Synthesizer("cgan", seed=0, steps=1, generator_ema=decay, **TINY).fit(people)
    model = synth.model_
    train = synth.encoder_.encode(people, rng=np.random.default_rng(0)).values.astype(np.float32)
    steps = GANSteps(model, train, np.random.default_rng(1))
    raw = []
    for _ in range(3):
        steps.step()
        raw.append(module_arrays(model.generator_))
    expected = raw[0][0]  # the first layer's weights: the first update copies them, the
    for n, weights in enumerate(raw[1:], start=1):  # n-th later one keeps a warmed decay
        kept = min(decay, (1 + n) / (10 + n))
        expected = kept * expected + (1 - kept) * weights[0]
    assert not np.allclose(expected, raw[-1][0])  # the average lags the last weights
    np.testing.assert_allclose(module_arrays(steps.published)[0], expected, rtol=1e-5)
    steps.publish()  # what fit does at the end when no best epoch is restored
    np.testing.assert_allclose(module_arrays(model.generator_)[0], expected, rtol=1e-5)


def test_label_conditioned_training_draws_classes_by_log_frequency() -> None:
    from synthtab.models.neural.gan_steps import RowSampler

    codes = np.repeat([[0], [1]], [900, 100], axis=0)  # a 10 % class
    rows = RowSampler(codes, by_label=True).draw(len(codes), 200_000, np.random.default_rng(0))
    rare_share = float(np.mean(codes[rows, 0] == 1))
    expected = np.log1p(100) / (np.log1p(100) + np.log1p(900))
    assert rare_share == pytest.approx(expected, abs=0.005)  # ~0.40, not 0.10
    assert len(np.unique(rows[codes[rows, 0] == 1])) == 100  # every rare row is used
    plain = RowSampler(codes, by_label=False).draw(len(codes), 200_000, np.random.default_rng(0))
    assert float(np.mean(codes[plain, 0] == 1)) == pytest.approx(0.1, abs=0.005)


def test_validation_gap_sees_a_lost_spike_that_means_and_spreads_miss() -> None:
    from synthtab.models.neural.base import marginal_gap

    rng = np.random.default_rng(0)
    real = np.where(rng.random(4_000) < 0.5, 0.0, rng.normal(0, np.sqrt(2), 4_000))[:, None]
    smooth = rng.normal(0, 1, 4_000)[:, None]  # same mean and spread, no spike at 0
    assert abs(real.std() - smooth.std()) < 0.05
    assert marginal_gap(real, rng.permutation(real)) == 0.0
    assert marginal_gap(real, smooth) > 0.1
    assert marginal_gap(real, real + 0.5) == pytest.approx(0.5)
    groups = np.repeat([0, 1], 2_000)  # within groups: group 1 shifted by 1 -> half of 1
    shifted = real.copy()
    shifted[groups == 1] += 1.0
    assert marginal_gap(real, shifted, groups) == pytest.approx(0.5)


def test_one_sided_label_smoothing_aims_real_scores_at_the_smoothed_target() -> None:
    from synthtab.models.neural.losses import critic_loss
    from synthtab.models.neural.params import LossKind

    target = torch.logit(torch.tensor(0.9))
    real = target.reshape(1, 1).requires_grad_()
    fake = torch.full((1, 1), -50.0)  # the fake part is ~0 and flat here
    loss = critic_loss(LossKind.VANILLA, torch.nn.Identity(), real, fake, real_label=0.9)
    loss.total.backward()
    assert abs(float(real.grad)) < 1e-6  # the real part is minimal at sigmoid(score) = 0.9
    plain = critic_loss(LossKind.VANILLA, torch.nn.Identity(), real.detach(), fake)
    assert float(plain.total) < float(loss.total.detach())  # unsmoothed: 0.9 is not optimal


def test_wide_label_column_is_not_one_hot_coded_and_says_so() -> None:
    from synthtab.encoding.table import MAX_ONE_HOT_LABELS

    rng = np.random.default_rng(0)
    labels = [f"sku-{i}" for i in range(MAX_ONE_HOT_LABELS + 50)]
    frame = pd.DataFrame({"sku": rng.choice(labels, 3_000), "x": rng.normal(size=3_000)})
    synth = Synthesizer("ctgan", seed=0, epochs=1, batch_size=200).fit(frame)
    assert synth.encoder_.layout.width < 60  # one feature for sku, not 250
    assert any("coded as one number" in note and "sku" in note for note in synth.fit_report_.notes)
    out = synth.sample(500)
    assert set(out["sku"]) <= set(labels)
    assert out["sku"].nunique() > 20
