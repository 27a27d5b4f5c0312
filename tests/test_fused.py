"""Fused ops (minitorch/ops/fused.py): torch's grad_fn names, values and grads against torch,
second derivatives by gradgradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
import minitorch.nn.functional as F
from tests.helpers import assert_close, needs_torch, torch

CASES = [
    ("mse_loss", {}),
    ("smooth_l1_loss", {"beta": 0.7}),
    ("huber_loss", {"delta": 0.6}),
    ("binary_cross_entropy_with_logits", {}),
    ("binary_cross_entropy_with_logits", {"pos_weight": np.array([0.5, 2.0, 1.5, 3.0])}),
    ("binary_cross_entropy_with_logits", {"weight": np.array([0.5, 2.0, 1.5, 3.0])}),
]


def _kw(kw, lib, dt):
    return {k: lib.tensor(v.astype(dt)) if isinstance(v, np.ndarray) else v for k, v in kw.items()}


def _inputs(lib, dt):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 4)).astype(dt) * 2
    y = rng.uniform(0, 1, (3, 4)).astype(dt)
    return lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)


@needs_torch
@pytest.mark.parametrize("dt", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("fn, kw", CASES)
def test_loss_node_names_values_and_grads_as_torch(fn, kw, reduction, dt):
    (a, b), (ta, tb) = _inputs(mt, dt), _inputs(torch, dt)
    out = getattr(F, fn)(a, b, reduction=reduction, **_kw(kw, mt, dt))
    ref = getattr(torch.nn.functional, fn)(ta, tb, reduction=reduction, **_kw(kw, torch, dt))
    assert type(out.grad_fn).__name__ == type(ref.grad_fn).__name__
    assert_close(out, ref)
    g = np.random.default_rng(1).standard_normal(tuple(ref.shape)).astype(dt)
    out.backward(mt.tensor(g))
    ref.backward(torch.tensor(g))
    assert_close(a.grad, ta.grad)
    assert_close(b.grad, tb.grad)


@needs_torch
def test_broadcast_mse_and_composed_variants_keep_torch_names():
    a, ta = mt.ones(3, 4, requires_grad=True), torch.ones(3, 4, requires_grad=True)
    with pytest.warns(UserWarning):
        out = F.mse_loss(a, mt.zeros(4))
    with pytest.warns(UserWarning):
        ref = torch.nn.functional.mse_loss(ta, torch.zeros(4))
    assert type(out.grad_fn).__name__ == type(ref.grad_fn).__name__ == "MseLossBackward0"
    # the input already has the broadcast shape: no expand node between it and the loss (as torch)
    assert "Expand" not in type(out.grad_fn.next_functions[0][0]).__name__
    out = F.smooth_l1_loss(a, mt.zeros(3, 4), beta=0.0)
    ref = torch.nn.functional.smooth_l1_loss(ta, torch.zeros(3, 4), beta=0.0)
    assert type(out.grad_fn).__name__ == type(ref.grad_fn).__name__


@needs_torch
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_silu_name_values_grads_and_inplace(dt):
    x = (np.linspace(-30, 30, 13)).astype(dt)
    a, ta = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = F.silu(a), torch.nn.functional.silu(ta)
    assert type(out.grad_fn).__name__ == type(ref.grad_fn).__name__ == "SiluBackward0"
    assert type(mt.nn.SiLU()(a).grad_fn).__name__ == "SiluBackward0"
    assert_close(out, ref)
    out.sum().backward()
    ref.sum().backward()
    assert_close(a.grad, ta.grad)
    c, tc = a.detach().clone().requires_grad_().clone(), ta.detach().clone().requires_grad_().clone()
    assert (
        type(F.silu(c, inplace=True).grad_fn).__name__
        == type(torch.nn.functional.silu(tc, inplace=True).grad_fn).__name__
    )
    assert_close(c, tc)


@pytest.mark.parametrize("fn, kw", CASES[:4])
def test_fused_losses_second_derivatives(fn, kw):
    a, b = _inputs(mt, np.float64)
    # keep |x - y| away from the kinks of smooth_l1/huber so finite differences are smooth
    assert mt.autograd.gradgradcheck(lambda x, y: getattr(F, fn)(x, y, reduction="sum", **kw), (a, b))
    assert mt.autograd.gradcheck(lambda x: F.silu(x), (a,))
    assert mt.autograd.gradgradcheck(lambda x: F.silu(x), (a,))


INDEX_KEYS = [
    "[0]",
    "[1:3]",
    "[0, 1:3]",
    "[:, 0]",
    "[None]",
    "[..., 0]",
    "[[0, 1]]",
    "[x > 0]",
    "[0, 1]",
    "[1:3, None]",
    "[:, 1:3]",
    "[:]",
    "[-1]",
    "[:, ::2]",
    "[0, :]",
    "[:, :]",
    "[...]",
    "[None, 0]",
    "[:, None, :]",
    "[1:, [0, 1]]",
    "[True]",
]


@pytest.mark.parametrize("key", INDEX_KEYS)
def test_indexing_node_names_values_and_grads_as_torch(key):
    res = []
    for lib in (torch, mt):
        x = lib.arange(20.0).reshape(4, 5).requires_grad_()
        y = eval("x" + key, {"x": x})
        (y * lib.arange(float(y.numel())).reshape(y.shape)).sum().backward()
        res.append((type(y.grad_fn).__name__, y.detach().numpy(), x.grad.numpy()))
    assert res[1][0] == res[0][0]
    np.testing.assert_array_equal(res[1][1], res[0][1])
    np.testing.assert_array_equal(res[1][2], res[0][2])


def test_cross_entropy_graph_is_nll_after_log_softmax_and_leaves_are_accumulate_grad():
    for lib in (torch, mt):
        x = lib.randn(3, 4, requires_grad=True)
        ce = lib.nn.functional.cross_entropy(x, lib.tensor([0, 1, 3]))
        lsm = ce.grad_fn.next_functions[0][0]
        names = [type(n).__name__ for n in (ce.grad_fn, lsm, lsm.next_functions[0][0])]
        assert names == ["NllLossBackward0", "LogSoftmaxBackward0", "AccumulateGrad"]
