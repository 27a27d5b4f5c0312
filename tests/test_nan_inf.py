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
