"""The NumPy fast paths of hot backwards (taken when no graph of the backward is wanted) against
torch and against the differentiable path they shortcut (create_graph=True, double backward)."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from minitorch.nn import functional as F
from tests.helpers import assert_close, needs_torch, torch

pytestmark = needs_torch


def _pair(arr):
    return mt.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignored", [0, 2, 5])
def test_cross_entropy_fast_backward(reduction, ignored):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 7)).astype(np.float32)
    t = rng.integers(0, 7, 5)
    t[:ignored] = -100
    a, b = _pair(x)
    la = F.cross_entropy(a, mt.tensor(t), reduction=reduction)
    lb = torch.nn.functional.cross_entropy(b, torch.tensor(t), reduction=reduction)
    assert_close(la, lb)
    w = rng.standard_normal(la.shape).astype(np.float32)
    la.backward(mt.tensor(w))
    lb.backward(torch.tensor(w))
    assert_close(a.grad, b.grad)
    # the general (differentiable) path gives the same grad
    c = mt.tensor(x, requires_grad=True)
    (g,) = mt.autograd.grad(
        F.cross_entropy(c, mt.tensor(t), reduction=reduction), c, mt.tensor(w), create_graph=True
    )
    assert_close(g.detach(), b.grad)


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
def test_all_targets_ignored_loss_nan_grad_zero(fn):
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    t = np.full(3, -100)
    a, b = _pair(x)
    la, lb = getattr(F, fn)(a, mt.tensor(t)), getattr(torch.nn.functional, fn)(b, torch.tensor(t))
    assert np.isnan(la.item()) and np.isnan(lb.item())
    la.backward()
    lb.backward()
    assert_close(a.grad, b.grad)
    assert not np.isnan(a.grad.numpy()).any()
    c = mt.tensor(x, requires_grad=True)
    (g,) = mt.autograd.grad(getattr(F, fn)(c, mt.tensor(t)), c, create_graph=True)
    assert_close(g.detach(), b.grad)


@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 6)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_fast_backward_and_double_backward(shape, bias):
    rng = np.random.default_rng(2)
    x, w, bb = (rng.standard_normal(s).astype(np.float64) for s in (shape, (5, 6), (5,)))
    xs, ws = _pair(x), _pair(w)
    bs = _pair(bb) if bias else (None, None)
    outs = [lib.nn.functional.linear(xi, wi, bi) for lib, xi, wi, bi in zip((mt, torch), xs, ws, bs)]
    for o in outs:
        (o * o).sum().backward()
    for p in (xs, ws) + ((bs,) if bias else ()):
        assert_close(p[0].grad, p[1].grad)
    # double backward: grad of sum(grad_x ** 2) w.r.t. w, through the differentiable path
    res = []
    for lib, xi, wi, bi in zip((mt, torch), xs, ws, bs):
        xi.grad = wi.grad = None
        o = lib.nn.functional.linear(xi, wi, bi)
        (gx,) = lib.autograd.grad((o * o).sum(), xi, create_graph=True)
        (gw,) = lib.autograd.grad((gx * gx).sum(), wi)
        res.append(gw)
    assert_close(res[0], res[1])


def test_relu_backward_nan_semantics_as_torch():
    x = np.array([np.nan, -1.0, 1.0, 0.0, 2.0], np.float32)
    g = np.array([1.0, np.nan, 2.0, np.inf, 3.0], np.float32)
    a, b = _pair(x)
    a.relu().backward(mt.tensor(g))
    b.relu().backward(torch.tensor(g))
    assert_close(a.grad, b.grad)


def test_relu_backward_random_mask_and_double_backward():
    x = np.random.default_rng(3).standard_normal((4, 8, 6, 6))
    a, b = _pair(x)
    for t in (a, b):
        (t.relu() * t).sum().backward()
    assert_close(a.grad, b.grad)
    res = []
    for lib, t in ((mt, a), (torch, b)):
        (g,) = lib.autograd.grad((t.relu() ** 3).sum(), t, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), t)
        res.append(gg)
    assert_close(res[0], res[1])


@pytest.mark.parametrize("shape", [(4,), (2, 4), (5, 2, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_grad_fn_names_as_torch(shape, bias):
    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    names = []
    for lib in (mt, torch):
        w = lib.ones(3, 4, requires_grad=True)
        b = lib.ones(3, requires_grad=True) if bias else None
        names.append(lib.nn.functional.linear(lib.tensor(x), w, b).grad_fn.name())
    assert names[0] == names[1]


@pytest.mark.parametrize("rows", [7, 8, 32, 48, 49])
def test_linear_short_wide_input_matches_torch_and_is_contiguous(rows):
    # 8..48 rows against a weight of 128 x 784 take the W x^T route in Linear.forward
    rng = np.random.default_rng(rows)
    x = rng.standard_normal((rows, 784)).astype(np.float32)
    w = rng.standard_normal((128, 784)).astype(np.float32) * 0.03
    bias = rng.standard_normal(128).astype(np.float32)
    (a, ta), (wm, wt), (bm, bt) = _pair(x), _pair(w), _pair(bias)
    out, ref = F.linear(a, wm, bm), torch.nn.functional.linear(ta, wt, bt)
    assert_close(out, ref, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(out.detach().numpy(), x @ w.T + bias, rtol=1e-5, atol=1e-4)
    assert out.is_contiguous() and out.view(-1).shape == (rows * 128,)
    out.sum().backward()
    ref.sum().backward()
    for m, t in ((a, ta), (wm, wt), (bm, bt)):
        assert_close(m.grad, t.grad, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("ignore_index", [-100, 0, 3])
@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
def test_nll_ignore_index_inside_the_classes(fn, ignore_index):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 5)).astype(np.float32)
    t = np.array([3, 0, 4, 3, 1, 2])
    a, b = _pair(x)
    la = getattr(F, fn)(a, mt.tensor(t), ignore_index=ignore_index)
    lb = getattr(torch.nn.functional, fn)(b, torch.tensor(t), ignore_index=ignore_index)
    assert_close(la, lb)
    la.backward()
    lb.backward()
    assert_close(a.grad, b.grad)
    bad = t.copy()
    bad[1] = -1
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        getattr(F, fn)(a, mt.tensor(bad), ignore_index=ignore_index)
    with pytest.raises(IndexError):
        getattr(torch.nn.functional, fn)(b, torch.tensor(bad), ignore_index=ignore_index)


@pytest.mark.parametrize("shape", [(8, 10), (64, 10), (64, 40), (40, 3), (4, 2, 8, 8), (2, 3, 16, 64)])
@pytest.mark.parametrize("fn", ["log_softmax", "softmax"])
def test_softmax_rows_of_few_classes_match_torch(fn, shape):
    # (rows >= 32, C <= 32) take the transposed max; the last-axis sums are one BLAS product
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 20).astype(np.float32)
    rows = x.reshape(-1, shape[-1])
    rows[1, 0] = np.inf  # a row with +inf (NaN out, as torch) and one with -inf (exp 0)
    rows[2, 1] = -np.inf
    a, b = _pair(x)
    ya, yb = getattr(a, fn)(-1), getattr(b, fn)(-1)
    assert_close(ya, yb, rtol=1e-5, atol=1e-5)
    w = rng.standard_normal(rows.shape).astype(np.float32)[2:]
    (ya.reshape(-1, shape[-1])[2:] * mt.tensor(w)).sum().backward()
    (yb.reshape(-1, shape[-1])[2:] * torch.tensor(w)).sum().backward()
    assert_close(a.grad, b.grad, rtol=1e-5, atol=1e-5)
