"""torch's NaN/inf semantics, op by op: every elementwise op and reduction, forward and backward, on
``[nan, inf, -inf, 0, 1, -1, 2.5, -0.0, 1e-30, -3]`` matches torch 2.13, and no NumPy
RuntimeWarning escapes (torch prints none)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import needs_torch, torch

VALS = np.array([np.nan, np.inf, -np.inf, 0.0, 1.0, -1.0, 2.5, -0.0, 1e-30, -3.0])
OTHER = np.array([1.0, np.nan, 2.0, 0.0, -np.inf, 1.0, 2.5, 0.0, -1.0, np.inf])

UNARY = {
    "exp": lambda L, x: x.exp(),
    "log": lambda L, x: x.log(),
    "sqrt": lambda L, x: x.sqrt(),
    "abs": lambda L, x: x.abs(),
    "sign": lambda L, x: x.sign(),
    "neg": lambda L, x: -x,
    "sin": lambda L, x: x.sin(),
    "tanh": lambda L, x: x.tanh(),
    "sigmoid": lambda L, x: x.sigmoid(),
    "relu": lambda L, x: x.relu(),
    "elu": lambda L, x: L.nn.functional.elu(x),
    "gelu": lambda L, x: L.nn.functional.gelu(x),
    "silu": lambda L, x: L.nn.functional.silu(x),
    "softplus": lambda L, x: L.nn.functional.softplus(x),
    "leaky_relu": lambda L, x: L.nn.functional.leaky_relu(x),
    "hardtanh": lambda L, x: L.nn.functional.hardtanh(x),
    "relu6": lambda L, x: L.nn.functional.relu6(x),
    "pow2": lambda L, x: x**2,
    "pow0.5": lambda L, x: x**0.5,
    "rpow": lambda L, x: 2.0**x,
    "reciprocal": lambda L, x: 1.0 / x,
    "clamp": lambda L, x: x.clamp(-1.0, 1.0),
    "square": lambda L, x: x * x,
    "cumsum": lambda L, x: x.cumsum(0),
    "cumprod": lambda L, x: x.cumprod(0),
    "sum": lambda L, x: x.sum(),
    "mean": lambda L, x: x.mean(),
    "prod": lambda L, x: x.prod(),
    "max": lambda L, x: x.max(),
    "min": lambda L, x: x.min(),
    "amax": lambda L, x: x.amax(0),
    "median": lambda L, x: x.median(),
    "var": lambda L, x: x.var(),
    "norm": lambda L, x: x.norm(),
    "logsumexp": lambda L, x: x.logsumexp(0),
    "softmax": lambda L, x: x.softmax(0),
    "log_softmax": lambda L, x: x.log_softmax(0),
}
BINARY = {
    "add": lambda L, x, y: x + y,
    "mul": lambda L, x, y: x * y,
    "div": lambda L, x, y: x / y,
    "pow": lambda L, x, y: x**y,
    "maximum": lambda L, x, y: L.maximum(x, y),
    "minimum": lambda L, x, y: L.minimum(x, y),
    "logaddexp": lambda L, x, y: L.logaddexp(x, y),
    "remainder": lambda L, x, y: L.remainder(x, y),
    "fmod": lambda L, x, y: L.fmod(x, y),
    "atan2": lambda L, x, y: L.atan2(x, y),
    "l1_loss": lambda L, x, y: L.nn.functional.l1_loss(x, y, reduction="none"),
    "mse_loss": lambda L, x, y: L.nn.functional.mse_loss(x, y, reduction="none"),
    "smooth_l1_loss": lambda L, x, y: L.nn.functional.smooth_l1_loss(x, y, reduction="none"),
    "huber_loss": lambda L, x, y: L.nn.functional.huber_loss(x, y, reduction="none"),
}


# Not yet as torch: NaN/inf grads of these differ, or a NumPy warning escapes. strict: fixing one
# turns its xfail into a failure, so the entry must then be removed.
KNOWN: set[str] = set()


def _known(name):
    return pytest.mark.xfail(name in KNOWN, reason="NaN/inf semantics not yet torch's", strict=True)


def _run(lib, fn, arrays):
    leaves = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
    out = fn(lib, *leaves)
    out.backward(lib.ones_like(out))
    return out, [leaf.grad for leaf in leaves]


def _same(a, b, what):
    a = np.asarray(a.detach().numpy() if hasattr(a, "detach") else a, dtype=np.float64)
    b = np.asarray(b.numpy() if hasattr(b, "numpy") else b, dtype=np.float64)
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-12, equal_nan=True, err_msg=what)
    assert (np.signbit(a) == np.signbit(b))[np.isinf(b)].all(), what


def _check(fn, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        m_out, m_grads = _run(mt, fn, arrays)
    t_out, t_grads = _run(torch, fn, arrays)
    _same(t_out.detach().numpy(), m_out.detach().numpy(), "forward")
    for i, (mg, tg) in enumerate(zip(m_grads, t_grads)):
        _same(tg.numpy(), mg.numpy(), f"grad of input {i}")


@needs_torch
@pytest.mark.parametrize("name", [pytest.param(n, marks=_known(n)) for n in sorted(UNARY)])
def test_unary_nan_inf_table(name):
    _check(UNARY[name], [VALS])


@needs_torch
@pytest.mark.parametrize("name", [pytest.param(n, marks=_known(n)) for n in sorted(BINARY)])
@pytest.mark.parametrize("swap", [False, True])
def test_binary_nan_inf_table(name, swap):
    _check(BINARY[name], [OTHER, VALS] if swap else [VALS, OTHER])


@needs_torch
@pytest.mark.parametrize(
    "name, fn, x",
    [
        ("exp(1e4)", lambda L, x: x.exp(), [1e4]),
        ("log(0)", lambda L, x: x.log(), [0.0]),
        ("sqrt(0)", lambda L, x: x.sqrt(), [0.0]),
        ("1/0", lambda L, x: 1.0 / x, [0.0]),
    ],
)
def test_no_runtime_warning(name, fn, x):
    _check(fn, [np.array(x)])


def _grads(lib, fn, x, g, create_graph):
    t = lib.tensor(x.copy(), requires_grad=True)
    y = fn(lib, t)
    (gx,) = lib.autograd.grad(y, t, lib.tensor(g.copy()), create_graph=create_graph)
    return y, gx


@needs_torch
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize(
    "name, fn",
    [
        ("prod", lambda L, x: x.prod()),
        ("prod_dim", lambda L, x: x.prod(1)),
        ("cumprod", lambda L, x: x.cumprod(1)),
        ("cumprod0", lambda L, x: x.cumprod(0)),
    ],
)
def test_prod_cumprod_grads_with_zeros_nan_inf(name, fn, create_graph):
    """Slices with no zero, one and two (torch's formulas differ between them), NaN/inf inputs and
    output grads, with and without create_graph (torch takes another formula with it)."""
    x = np.array(
        [
            [2.0, np.nan, 0.5, 3.0],
            [0.0, np.inf, -2.0, 4.0],
            [1.5, 0.0, -0.0, np.inf],
            [1e300, 1e300, 0.0, 2.0],
        ]
    )
    g_full = np.array(
        [[1.0, -0.5, 2.0, np.nan], [np.inf, 1.0, 0.0, 2.0], [0.5, 1.0, -1.0, 3.0], [2.0, 0.0, np.inf, 1.0]]
    )
    for rows in (slice(0, 1), slice(1, 2), slice(0, 4)):
        xs = x[rows]
        out_shape = fn(torch, torch.tensor(xs)).shape
        g = np.ones(out_shape) if len(out_shape) < 2 else g_full[rows]
        m_y, m_g = _grads(mt, fn, xs, g, create_graph)
        t_y, t_g = _grads(torch, fn, xs, g, create_graph)
        _same(t_y.detach().numpy(), m_y.detach().numpy(), "forward")
        _same(t_g.detach().numpy(), m_g.detach().numpy(), f"grad, rows {rows}")


@needs_torch
def test_elu_double_backward_at_zero_nan_inf():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 2.0, 1000.0])
    res = []
    for L in (mt, torch):
        t = L.tensor(x.copy(), requires_grad=True)
        (g,) = L.autograd.grad(L.nn.functional.elu(t, alpha=0.7).sum(), t, create_graph=True)
        (gg,) = L.autograd.grad(g.sum(), t)
        res.append((g.detach().numpy(), gg.numpy()))
    _same(res[1][0], res[0][0], "grad")
    _same(res[1][1], res[0][1], "second derivative")


@needs_torch
@pytest.mark.parametrize(
    "name, fn, x",
    [
        ("elu(-0.0)", lambda L, x: L.nn.functional.elu(x, alpha=-2.0), [-0.0, 0.0, -1e-30]),
        ("(-0.0) ** 0.5", lambda L, x: x**0.5, [-0.0, 0.0]),
        ("(-0.0) ** -0.5", lambda L, x: x**-0.5, [-0.0, 0.0, -np.inf]),
        (
            "remainder zero",
            lambda L, x: L.remainder(x, L.tensor([1.0, -1.0, 2.0, -2.0])),
            [-1.0, 1.0, -0.0, 4.0],
        ),
    ],
)
def test_signed_zeros(name, fn, x):
    m = fn(mt, mt.tensor(x)).numpy()
    t = fn(torch, torch.tensor(x)).numpy()
    np.testing.assert_array_equal(m, t)
    assert (np.signbit(m) == np.signbit(t)).all(), name


@needs_torch
@pytest.mark.parametrize(
    "name",
    ["prod", "cumprod", "pow0.5", "pow2", "elu", "pow", "remainder", "fmod", "atan2", "logaddexp"]
    + ["huber_loss", "smooth_l1_loss"],
)
def test_double_backward_nan_inf_table(name):
    """Second derivatives on the table's values, as torch's formulas (e.g. 0 * inf = NaN where
    torch multiplies, none where it masks or slices)."""
    fn = UNARY.get(name) or BINARY[name]
    arrays = [VALS] if name in UNARY else [VALS, OTHER]
    res = []
    for L in (mt, torch):
        leaves = [L.tensor(a.copy(), requires_grad=True) for a in arrays]
        out = fn(L, *leaves)
        grads = L.autograd.grad(out, leaves, L.ones_like(out), create_graph=True)
        w = L.tensor(np.linspace(0.5, 1.5, VALS.size))
        s = sum((g * w).sum() for g in grads)
        second = L.autograd.grad(s, leaves, allow_unused=True) if s.requires_grad else [None] * len(leaves)
        res.append([np.zeros(VALS.size) if g is None else g.numpy() for g in second])
    for i, (m, t) in enumerate(zip(*res)):
        _same(t, m, f"second derivative, input {i}")
