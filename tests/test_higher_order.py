"""Gradients of gradients: ``create_graph=True`` builds a differentiable backward graph for every op.

For each op: first grads with ``create_graph=True`` for a random cotangent ``v``, then the grads of
``sum(first_grads * u)`` with respect to the inputs AND ``v``, all against torch; plus
``minitorch.autograd.gradgradcheck`` (float64 central differences) on small inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import DTYPES, Const, Leaf, assert_close, flat_outputs, make_inputs, needs_torch, torch

import minitorch as mt
from minitorch.autograd import gradcheck, gradgradcheck

pytestmark = needs_torch


def pos(*shape, seed=0):
    """A leaf with values in [0.5, 2) (for log, sqrt, pow, division)."""
    return Leaf(np.random.default_rng(seed).uniform(0.5, 2.0, shape))


def _grad_or_zeros(grads, xs, lib):
    return [g if g is not None else lib.zeros_like(x) for g, x in zip(grads, xs)]


def check_double(fn, specs, dtype, seed=0):
    """First and second derivatives of fn agree with torch (w.r.t. the inputs and the cotangent)."""
    mts, ths = make_inputs(specs, dtype, seed)
    xs_m = [x for x in mts if isinstance(x, mt.Tensor) and x.requires_grad]
    xs_t = [x for x in ths if isinstance(x, torch.Tensor) and x.requires_grad]
    outs_m = [o for o in flat_outputs(fn(mt, *mts)) if isinstance(o, mt.Tensor) and o.requires_grad]
    outs_t = [o for o in flat_outputs(fn(torch, *ths)) if isinstance(o, torch.Tensor) and o.requires_grad]
    assert len(outs_m) == len(outs_t)
    rng = np.random.default_rng(seed + 7)
    vs = [rng.standard_normal(o.shape).astype(dtype) for o in outs_t]
    vs_m = [mt.tensor(v, requires_grad=True) for v in vs]
    vs_t = [torch.tensor(v, requires_grad=True) for v in vs]
    g_m = mt.autograd.grad(outs_m, xs_m, vs_m, create_graph=True, allow_unused=True)
    g_t = torch.autograd.grad(outs_t, xs_t, vs_t, create_graph=True, allow_unused=True)
    g_m, g_t = _grad_or_zeros(g_m, xs_m, mt), _grad_or_zeros(g_t, xs_t, torch)
    for a, b in zip(g_m, g_t):
        assert_close(a, b)
    us = [rng.standard_normal(x.shape).astype(dtype) for x in xs_t]
    live_t = [(g, u) for g, u in zip(g_t, us) if g.requires_grad]
    live_m = [(g, u) for g, u in zip(g_m, us) if g.requires_grad]
    wrt_m, wrt_t = xs_m + vs_m, xs_t + vs_t
    if not live_t:  # torch's first grads are constant: minitorch's must have zero derivative too
        if live_m:
            s = sum((g * mt.tensor(u)).sum() for g, u in live_m)
            for gg in mt.autograd.grad(s, wrt_m, allow_unused=True):
                assert gg is None or not gg._data.any()
        return
    s_m = sum((g * mt.tensor(u)).sum() for g, u in live_m)
    s_t = sum((g * torch.tensor(u)).sum() for g, u in live_t)
    gg_m = _grad_or_zeros(mt.autograd.grad(s_m, wrt_m, allow_unused=True), wrt_m, mt)
    gg_t = _grad_or_zeros(torch.autograd.grad(s_t, wrt_t, allow_unused=True), wrt_t, torch)
    for a, b in zip(gg_m, gg_t):
        assert_close(a, b)


S = (2, 3)
MASK = Const(np.array([[True, False, True], [False, False, True]]))
OPS = {
    # --- arithmetic ---
    "add": ([S, S], lambda m, a, b: a + b),
    "add_bcast": ([S, (3,)], lambda m, a, b: a + b),
    "sub": ([S, (2, 1)], lambda m, a, b: a - b),
    "rsub": ([S], lambda m, a: 2 - a),
    "mul": ([S, S], lambda m, a, b: a * b),
    "mul_bcast": ([S, (3,)], lambda m, a, b: a * b),
    "mul_self": ([S], lambda m, a: a * a * a),
    "mul_scalar": ([S], lambda m, a: a * 3),
    "div": ([S, pos(2, 3)], lambda m, a, b: a / b),
    "rdiv": ([pos(2, 3)], lambda m, a: 2 / a),
    "neg": ([S], lambda m, a: -a * a),
    "pow_scalar": ([S], lambda m, a: a**3),
    "pow_frac": ([pos(2, 3)], lambda m, a: a**1.5),
    "pow_tensor": ([pos(2, 3), S], lambda m, a, b: a**b),
    "rpow": ([S], lambda m, a: 2**a),
    "add_alpha": ([S, S], lambda m, a, b: a.add(b * b, alpha=0.5)),
    "lerp": ([S, S], lambda m, a, b: a.lerp(b * b, 0.3)),
    # --- elementwise ---
    "exp": ([S], lambda m, a: a.exp()),
    "log": ([pos(2, 3)], lambda m, a: a.log()),
    "log1p": ([pos(2, 3)], lambda m, a: a.log1p()),
    "expm1": ([S], lambda m, a: a.expm1()),
    "sqrt": ([pos(2, 3)], lambda m, a: a.sqrt()),
    "rsqrt": ([pos(2, 3)], lambda m, a: a.rsqrt()),
    "abs": ([S], lambda m, a: a.abs() * a),
    "square": ([S], lambda m, a: a.square()),
    "reciprocal": ([pos(2, 3)], lambda m, a: a.reciprocal()),
    "sin": ([S], lambda m, a: a.sin()),
    "cos": ([S], lambda m, a: a.cos()),
    "sigmoid": ([S], lambda m, a: a.sigmoid()),
    "tanh": ([S], lambda m, a: a.tanh()),
    "relu": ([S], lambda m, a: a.relu() * a),
    "sign": ([S], lambda m, a: a.sign() * a * a),
    "floor_round": ([S], lambda m, a: (a.floor() + a.round() + a.ceil()) * a),
    "to_dtype": (
        [S],
        lambda m, a: (
            (a.double() * a.double()).float() if a.dtype == m.float32 else (a.float() * a.float()).double()
        ),
    ),
    "clone": ([S], lambda m, a: a.clone() * a),
    # --- selection ---
    "where": ([S, S], lambda m, a, b: m.where(a > 0, a * a, b * a)),
    "where_scalar": ([S], lambda m, a: m.where(a > 0, a * a, 0.0)),
    "maximum": ([S, S], lambda m, a, b: m.maximum(a * a, b * a)),
    "minimum": ([S, (3,)], lambda m, a, b: m.minimum(a, b) * a),
    "clamp": ([S], lambda m, a: a.clamp(-0.5, 0.5) * a),
    "clamp_tensor": ([S, (3,), (3,)], lambda m, a, lo, hi: a.clamp(lo * lo - 1, hi * hi) * a * lo),
    "masked_fill": ([S, MASK], lambda m, a, mask: a.masked_fill(mask, 1.0) * a),
    "masked_fill_value": ([S, MASK, ()], lambda m, a, mask, v: a.masked_fill(mask, v * v) * a),
    # --- reductions ---
    "sum": ([S], lambda m, a: (a * a).sum()),
    "sum_dim": ([S], lambda m, a: (a * a).sum(1)),
    "mean": ([S], lambda m, a: (a * a).mean(0, keepdim=True)),
    "prod": ([S], lambda m, a: a.prod(1)),
    "prod_all": ([S], lambda m, a: a.prod()),
    "amax": ([S], lambda m, a: (a * a).amax(1)),
    "max": ([S], lambda m, a: (a * a).max()),
    "max_dim": ([S], lambda m, a: (a * a).max(0).values),
    "min_dim": ([S], lambda m, a: (a * a).min(1, keepdim=True)[0]),
    "logsumexp": ([S], lambda m, a: (a * a).logsumexp(1)),
    "softmax": ([S], lambda m, a: (a * a).softmax(1)),
    "softmax0": ([S], lambda m, a: a.softmax(0)),
    "log_softmax": ([S], lambda m, a: (a * a).log_softmax(-1)),
    "cumsum": ([S], lambda m, a: (a * a).cumsum(1)),
    "var": ([S], lambda m, a: a.var()),
    "var_dim": ([S], lambda m, a: a.var(1, keepdim=True)),
    "std": ([S], lambda m, a: a.std()),
    "std_dim": ([S], lambda m, a: a.std(0, correction=0)),
    "norm": ([S], lambda m, a: a.norm()),
    "norm_dim": ([S], lambda m, a: a.norm(dim=1)),
    "norm_p1": ([S], lambda m, a: a.norm(1, dim=1) * a.sum()),
    "norm_p3": ([S], lambda m, a: a.norm(3, dim=0)),
    "norm_inf": ([S], lambda m, a: a.norm(float("inf")) * a.sum()),
    "sort": ([S], lambda m, a: (a * a).sort(1).values),
    "topk": ([S], lambda m, a: (a * a).topk(2).values),
    # --- linear algebra ---
    "matmul": ([S, (3, 4)], lambda m, a, b: a @ b),
    "matmul_self": ([(3, 3)], lambda m, a: a @ a),
    "mv": ([S, (3,)], lambda m, a, b: a.mv(b)),
    "dot": ([(3,), (3,)], lambda m, a, b: a.dot(b)),
    "vec_mat": ([(2,), S], lambda m, a, b: a @ b),
    "bmm": ([(2, 2, 3), (2, 3, 2)], lambda m, a, b: a.bmm(b)),
    "matmul_bcast": ([(2, 2, 3), (3, 2)], lambda m, a, b: a @ b),
    "mlp": ([(4, 3), (3, 5), (5,)], lambda m, x, w, b: ((x @ w + b).tanh() ** 2).sum()),
    # --- shape ---
    "reshape": ([S], lambda m, a: (a * a).reshape(3, 2)),
    "view": ([S], lambda m, a: (a * a).view(-1)),
    "flatten": ([(2, 3, 2)], lambda m, a: (a * a).flatten(1)),
    "squeeze_unsqueeze": ([(2, 1, 3)], lambda m, a: (a * a).squeeze(1).unsqueeze(0)),
    "permute": ([(2, 3, 2)], lambda m, a: (a * a).permute(2, 0, 1)),
    "transpose": ([S], lambda m, a: (a * a).t()),
    "expand": ([(2, 1)], lambda m, a: (a * a).expand(2, 3)),
    "repeat": ([S], lambda m, a: (a * a).repeat(2, 1)),
    "flip": ([S], lambda m, a: (a * a).flip(1)),
    "cat": ([S, (1, 3)], lambda m, a, b: m.cat([a * b, b * b]) * 1),
    "stack": ([S, S], lambda m, a, b: m.stack([a * b, a], 1)),
    "split": ([(4, 3)], lambda m, a: [p * p for p in (a * a).split([1, 3])]),
    "chunk": ([(4, 3)], lambda m, a: [p * a[:2] for p in a.chunk(2)]),
    "unbind": ([S], lambda m, a: [r * r for r in a.unbind(1)]),
    "getitem_basic": ([(3, 4)], lambda m, a: (a * a)[1:, ::2] * a[0, 0]),
    "getitem_int": ([(3, 4)], lambda m, a: (a * a)[1] * a[2]),
    "getitem_advanced": ([(3, 4)], lambda m, a: (a * a)[[0, 0, 2]] * a[1]),
    "getitem_mask": ([(3, 4)], lambda m, a: (a * a)[a > 0] * 2),
    "gather": ([(3, 4), Const(np.array([[0, 0], [3, 1], [2, 2]]))], lambda m, a, i: (a * a).gather(1, i)),
    # --- in-place ops on non-leaves and __setitem__ ---
    "setitem": ([S, (3,)], lambda m, a, v: _setitem(a, v)),
    "inplace_ops": ([S, (3,)], lambda m, a, v: _inplace_chain(a, v)),
    "inplace_view": ([S, (3,)], lambda m, a, v: _inplace_view(a, v)),
    "copy_": ([S, (3,)], lambda m, a, v: _copy(m, a, v)),
}


def _setitem(a, v):
    y = a * a
    y[0] = v * v
    y[1, 1:] = a[0, :2] * v[0]
    return y


def _inplace_chain(a, v):
    y = a * 1
    y.mul_(a)
    y.add_(v * v)
    y.div_(2)
    y.clamp_(-1, 1)
    return y * v


def _inplace_view(a, v):
    y = a * 1
    y[1].mul_(v)
    y.t()[0].add_(a[0, 0] ** 2)
    return y * y


def _copy(m, a, v):
    buf = m.zeros(2, 3, dtype=a.dtype)
    buf.copy_(v * a[0])
    buf[1].copy_(a[1] ** 2)
    return buf * a


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(OPS))
def test_second_derivative_matches_torch(name, dtype):
    specs, fn = OPS[name]
    check_double(fn, specs, dtype)


# floor_round: piecewise constant (differences straddle the jumps); to_dtype: goes through float32
GRADGRAD_SKIP = {"floor_round", "to_dtype"}


@pytest.mark.parametrize("name", [n for n in OPS if n not in GRADGRAD_SKIP])
def test_gradgradcheck(name):
    specs, fn = OPS[name]
    mts, _ = make_inputs(specs, np.float64)
    assert gradcheck(lambda *xs: fn(mt, *xs), mts)
    assert gradgradcheck(lambda *xs: fn(mt, *xs), mts)


def test_cube_second_derivative_with_backward_create_graph():
    x = mt.tensor([1.0, -2.0, 0.5], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.grad_fn is not None
    assert_close(g, 3 * x.detach() ** 2)
    x.grad = None
    g.sum().backward()
    assert_close(x.grad, 6 * x.detach())


def test_cube_derivatives_with_autograd_grad():
    x = mt.tensor([1.0, -2.0, 0.5], dtype=mt.float64, requires_grad=True)
    y = x**3
    (g,) = mt.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = mt.autograd.grad(g.sum(), x, create_graph=True)
    (ggg,) = mt.autograd.grad(gg.sum(), x)
    assert_close(g, 3 * x.detach() ** 2)
    assert_close(gg, 6 * x.detach())
    assert_close(ggg, mt.full((3,), 6.0, dtype=mt.float64))
    assert x.grad is None  # autograd.grad does not touch .grad


def test_third_derivative_of_composite_matches_torch():
    arr = np.array([0.3, -1.2, 2.0])
    outs = []
    for lib in (mt, torch):
        x = lib.tensor(arr, requires_grad=True)
        y = (x.sin() * x.exp() / (1 + x * x)).sum()
        grads = []
        for _ in range(3):
            (y,) = lib.autograd.grad(y, x, create_graph=True)
            grads.append(y)
            y = y.sum()
        outs.append(grads)
    for a, b in zip(*outs):
        assert_close(a, b)


def test_without_create_graph_grads_have_no_graph():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    (g,) = mt.autograd.grad((x**3).sum(), x)
    assert not g.requires_grad and g.grad_fn is None
    (x**3).sum().backward()
    assert not x.grad.requires_grad


def test_create_graph_retains_graph_and_accumulates():
    x = mt.tensor([1.5], dtype=mt.float64, requires_grad=True)
    y = x**3
    y.backward(create_graph=True)  # x.grad = 3x^2 (with a graph)
    y.backward(create_graph=True)  # the graph was retained: x.grad = 6x^2
    assert_close(x.grad, 6 * x.detach() ** 2)
    (gg,) = mt.autograd.grad(x.grad, x)
    assert_close(gg, 12 * x.detach())


def test_hessian_vector_product_by_double_backward_matches_torch():
    rng = np.random.default_rng(0)
    a, w0, v = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal(3)
    res = []
    for lib in (mt, torch):
        w = lib.tensor(w0, requires_grad=True)
        A = lib.tensor(a)
        loss = (A @ w).sigmoid().log().mean() + (w * w).sum() * 0.1
        (g,) = lib.autograd.grad(loss, w, create_graph=True)
        (hv,) = lib.autograd.grad((g * lib.tensor(v)).sum(), w)
        res.append(hv)
    assert_close(*res)


def test_gradgradcheck_detects_a_wrong_double_backward():
    class BadSquare(mt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x.detach()  # the first derivative is right, its derivative in x is lost

    x = mt.tensor([0.5, -1.0], dtype=mt.float64, requires_grad=True)
    assert gradcheck(BadSquare.apply, (x,))
    with pytest.raises(RuntimeError):
        gradgradcheck(BadSquare.apply, (x,))
    assert gradgradcheck(BadSquare.apply, (x,), raise_exception=False) is False


@needs_torch
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_second_derivative_through_zeros_matches_torch(dim):
    x = np.array([[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 0.5], [2.0, -0.5, 1.0, 4.0]])
    xm, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ym = xm.prod() if dim is None else xm.prod(dim)
    yt = xt.prod() if dim is None else xt.prod(dim)
    v = np.linspace(0.5, 1.5, ym.numel()).reshape(ym.shape)
    (gm,) = mt.autograd.grad((ym * mt.tensor(v)).sum(), xm, create_graph=True)
    (gt,) = torch.autograd.grad((yt * torch.tensor(v)).sum(), xt, create_graph=True)
    np.testing.assert_allclose(gm._data, gt.detach().numpy(), rtol=1e-10)
    w = np.arange(x.size, dtype=np.float64).reshape(x.shape) / 7
    (hm,) = mt.autograd.grad((gm * mt.tensor(w)).sum(), xm)
    (ht,) = torch.autograd.grad((gt * torch.tensor(w)).sum(), xt)
    np.testing.assert_allclose(hm._data, ht.numpy(), rtol=1e-10, atol=1e-12)
    assert mt.autograd.gradgradcheck(lambda t: (t.prod() if dim is None else t.prod(dim)).sum(), (xm,))


@needs_torch
@pytest.mark.parametrize("name", ["relu", "leaky_relu", "hardtanh", "relu6"])
def test_second_derivative_of_piecewise_linear_activations_is_zero_as_torch(name):
    res = []
    for lib in (torch, mt):
        x = lib.tensor([-1.0, 0.5, 2.0, 7.0, 0.0], requires_grad=True)
        y = getattr(lib.nn.functional, name)(x)
        (g,) = lib.autograd.grad((y * lib.arange(5.0)).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        res.append((type(g.grad_fn).__name__, g.tolist(), gg.tolist()))
    assert res[0] == res[1]
