"""Each adversarial loss is one object, and it is the loss both training paths use."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch.func import functional_call, grad  # noqa: E402
from torch.nn import functional  # noqa: E402

from synthtab.models.neural.losses import LOSSES, critic_loss, generator_loss  # noqa: E402
from synthtab.models.neural.params import GANParams, LossKind  # noqa: E402


def test_every_loss_kind_has_one_object_of_its_kind() -> None:
    assert set(LOSSES) == set(LossKind)
    assert all(loss.kind is kind for kind, loss in LOSSES.items())
    assert [k for k in LossKind if LOSSES[k].has_penalty] == [LossKind.GP]


def test_the_cross_entropy_loss_is_torchs_binary_cross_entropy() -> None:
    real, fake = torch.randn(64), torch.randn(64)
    loss = LOSSES[LossKind.VANILLA]
    smoothed = functional.binary_cross_entropy_with_logits(real, torch.full_like(real, 0.9))
    expected = smoothed + functional.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
    assert torch.allclose(loss.critic(real, fake, 0.9), expected, atol=1e-6)
    ones = torch.ones_like(fake)
    assert torch.allclose(
        loss.generator(fake), functional.binary_cross_entropy_with_logits(fake, ones)
    )


@pytest.mark.parametrize("kind", list(LossKind))
def test_per_pack_losses_average_to_the_batched_loss(kind: LossKind) -> None:
    """DP-SGD computes the loss of one pack at a time; their mean is the batch's loss."""
    torch.manual_seed(0)
    critic = torch.nn.Linear(3, 1)
    real, fake = torch.randn(16, 3), torch.randn(16, 3)
    batched = critic_loss(kind, critic, real, fake, gp_weight=0.0)
    packs = zip(real, fake, strict=True)
    per_pack = torch.stack(
        [LOSSES[kind].critic(critic(r).sum(), critic(f).sum()) for r, f in packs]
    )
    assert torch.allclose(per_pack.mean(), batched.total, atol=1e-6)
    assert torch.allclose(generator_loss(kind, critic(fake)), LOSSES[kind].generator(critic(fake)))


def test_the_penalty_per_pack_equals_the_batched_penalty_at_the_same_interpolates() -> None:
    critic = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    params = dict(critic.named_parameters())
    mixed = torch.randn(10, 3, requires_grad=True)
    (batched_grads,) = torch.autograd.grad(critic(mixed).sum(), mixed)
    loss = LOSSES[LossKind.GP]
    batched = loss.penalty(batched_grads.norm(2, dim=1), 10.0)
    one = [grad(lambda x: functional_call(critic, params, (x,)).sum())(m) for m in mixed]
    per_pack = torch.stack([loss.penalty(g.norm(2), 10.0) for g in one])
    assert torch.allclose(per_pack.mean(), batched, atol=1e-5)


def test_loss_and_conditioning_are_enums_that_read_back_from_json_strings() -> None:
    params = GANParams.build({"loss": "gp", "conditioning": "columns"})
    assert params.loss is LossKind.GP and params.conditioning.value == "columns"
    assert GANParams.build(params.to_dict()) == params
