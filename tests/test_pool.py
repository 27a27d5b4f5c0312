"""max/avg/adaptive pooling and F.pad (functional and modules) against torch: values, grads,
ties and NaNs, return_indices, double backward, errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch.nn.modules import pooling as P

pytestmark = needs_torch

TOL = {np.float64: dict(rtol=1e-8, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-5)}
TF = torch.nn.functional if torch is not None else None


def _check(fn_mt, fn_t, xa, dtype, grad=True):
    """Forward values and input grads (for a random upstream grad) agree with torch."""
    x, tx = mt.tensor(xa, requires_grad=grad), torch.tensor(xa, requires_grad=grad)
    out, tout = fn_mt(x), fn_t(tx)
    assert_close(out, tout, **TOL[dtype])
    if grad:
        ga = np.random.default_rng(1).standard_normal(tout.shape).astype(dtype)
        out.backward(mt.tensor(ga))
        tout.backward(torch.tensor(ga))
        assert_close(x.grad, tx.grad, **TOL[dtype])


# (shape, kernel, stride, padding, dilation, ceil_mode)
MAX_CASES = [
    ((2, 3, 8, 8), 2, None, 0, 1, False),
    ((2, 3, 9, 7), 3, 2, 1, 1, False),
    ((1, 2, 9, 9), (3, 2), (2, 1), (1, 1), 1, False),
    ((2, 2, 10, 10), 3, 1, 1, 2, False),  # dilation, overlapping windows
    ((2, 2, 7, 7), 2, 2, 0, 1, True),  # ceil mode overhang
    ((1, 3, 8, 9), 3, 2, 1, 1, True),
    ((2, 3, 6, 6), 3, 3, 0, 1, False),
    ((1, 1, 5, 5), 5, None, 2, 1, False),  # one window, padded
    ((3, 8, 6), 2, None, 0, 1, False),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", MAX_CASES, ids=lambda c: "-".join(map(str, c)))
def test_max_pool2d_matches_torch(case, dtype):
    shape, k, s, p, d, ceil = case
    xa = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    _check(
        lambda x: F.max_pool2d(x, k, s, p, d, ceil), lambda x: TF.max_pool2d(x, k, s, p, d, ceil), xa, dtype
    )
    _, idx = F.max_pool2d(mt.tensor(xa), k, s, p, d, ceil, return_indices=True)
    _, tidx = TF.max_pool2d(torch.tensor(xa), k, s, p, d, ceil, return_indices=True)
    assert_close(idx, tidx)


@pytest.mark.parametrize("kernel, stride", [(2, 2), (3, 1), (2, 1)])
def test_max_pool2d_ties_go_to_the_first_maximum(kernel, stride):
    """Integer-valued inputs have many ties; torch's grad goes to the first max of each window."""
    xa = np.random.default_rng(2).integers(0, 3, (2, 3, 7, 7)).astype(np.float64)
    _check(
        lambda x: F.max_pool2d(x, kernel, stride), lambda x: TF.max_pool2d(x, kernel, stride), xa, np.float64
    )
    xa = np.zeros((1, 2, 6, 6))  # all equal
    _check(
        lambda x: F.max_pool2d(x, kernel, stride, 1),
        lambda x: TF.max_pool2d(x, kernel, stride, 1),
        xa,
        np.float64,
    )


def test_max_pool2d_nan_propagates_like_torch():
    xa = np.random.default_rng(3).standard_normal((1, 2, 6, 6))
    xa[0, 0, 1, 1] = np.nan
    xa[0, 1, 4, 4] = xa[0, 1, 4, 5] = np.nan
    x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    tout, tidx = TF.max_pool2d(tx, 2, return_indices=True)
    np.testing.assert_array_equal(np.isnan(out._data), np.isnan(tout.detach().numpy()))
    assert_close(idx, tidx)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)


def test_max_pool1d_and_integer_input():
    xa = np.random.default_rng(4).standard_normal((2, 3, 11))
    _check(lambda x: F.max_pool1d(x, 3, 2, 1), lambda x: TF.max_pool1d(x, 3, 2, 1), xa, np.float64)
    out, idx = F.max_pool1d(mt.tensor(xa), 2, return_indices=True)
    tout, tidx = TF.max_pool1d(torch.tensor(xa), 2, return_indices=True)
    assert_close(out, tout)
    assert_close(idx, tidx)
    ia = np.random.default_rng(5).integers(-9, 9, (2, 2, 6, 6))
    assert_close(F.max_pool2d(mt.tensor(ia), 2, padding=1), TF.max_pool2d(torch.tensor(ia), 2, padding=1))


def test_max_pool2d_double_backward_matches_torch():
    xa = np.random.default_rng(6).standard_normal((2, 2, 7, 7))
    x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    ga = np.random.default_rng(7).standard_normal((2, 2, 4, 4))
    g, tg = mt.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
    (gx,) = mt.autograd.grad(F.max_pool2d(x, 3, 2, 1), x, g, create_graph=True)
    (tgx,) = torch.autograd.grad(TF.max_pool2d(tx, 3, 2, 1), tx, tg, create_graph=True)
    assert_close(gx, tgx)
    va = np.random.default_rng(8).standard_normal(xa.shape)
    (gg,) = mt.autograd.grad((gx * mt.tensor(va)).sum(), g)
    (tgg,) = torch.autograd.grad((tgx * torch.tensor(va)).sum(), tg)
    assert_close(gg, tgg)


# (shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
AVG_CASES = [
    ((2, 3, 8, 8), 2, None, 0, False, True, None),
    ((2, 3, 9, 7), 3, 2, 1, False, True, None),
    ((2, 3, 9, 7), 3, 2, 1, False, False, None),
    ((1, 2, 7, 7), (3, 2), (2, 1), (1, 1), True, True, None),
    ((1, 2, 7, 7), 3, 2, 1, True, False, None),
    ((2, 2, 6, 6), 3, 1, 1, False, True, None),  # overlapping windows
    ((2, 2, 6, 6), 2, None, 0, False, True, 3),
    ((3, 6, 6), 2, None, 1, False, True, None),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", AVG_CASES, ids=lambda c: "-".join(map(str, c)))
def test_avg_pool2d_matches_torch(case, dtype):
    shape, k, s, p, ceil, cip, div = case
    xa = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    _check(
        lambda x: F.avg_pool2d(x, k, s, p, ceil, cip, div),
        lambda x: TF.avg_pool2d(x, k, s, p, ceil, cip, div),
        xa,
        dtype,
    )


def test_avg_pool1d_and_double_backward():
    xa = np.random.default_rng(1).standard_normal((2, 3, 10))
    _check(
        lambda x: F.avg_pool1d(x, 3, 2, 1, True, False),
        lambda x: TF.avg_pool1d(x, 3, 2, 1, True, False),
        xa,
        np.float64,
    )
    x = mt.tensor(np.random.default_rng(2).standard_normal((1, 2, 5, 5)), requires_grad=True)
    assert mt.autograd.gradgradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1, count_include_pad=False), (x,))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "shape, size",
    [
        ((2, 3, 7, 9), (3, 4)),
        ((2, 3, 8, 8), 1),
        ((2, 3, 8, 8), (4, 2)),
        ((1, 2, 5, 7), (None, 3)),
        ((3, 10, 6), (7, 4)),
        ((1, 1, 4, 4), (6, 5)),
    ],
)
def test_adaptive_avg_pool2d_matches_torch(shape, size, dtype):
    xa = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    _check(lambda x: F.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size), xa, dtype)


def test_adaptive_avg_pool1d_matches_torch():
    xa = np.random.default_rng(0).standard_normal((2, 3, 10))
    _check(lambda x: F.adaptive_avg_pool1d(x, 4), lambda x: TF.adaptive_avg_pool1d(x, 4), xa, np.float64)


@pytest.mark.parametrize(
    "pad, mode, value",
    [
        ((1, 2), "constant", None),
        ((1, 0, 2, 3), "constant", 1.5),
        ((1, 1, 0, 2, 1, 0), "constant", -2.0),
        ((-1, 2, 1, -2), "constant", 0.5),
        ((2, 1, 1, 2), "reflect", None),
        ((2, 3, 1, 0), "replicate", None),
        ((2, 1, 3, 1), "circular", None),
    ],
)
def test_pad_matches_torch(pad, mode, value):
    xa = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    _check(lambda x: F.pad(x, pad, mode, value), lambda x: TF.pad(x, pad, mode, value), xa, np.float64)


def test_pad_node_and_errors():
    x = mt.randn(2, 3, 4, requires_grad=True)
    assert F.pad(x, (1, 1)).grad_fn.name() == "ConstantPadNdBackward0"
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(x, (1, 2, 3))
    with pytest.raises(RuntimeError, match="less than or equal to two times the input dimension"):
        F.pad(x, (1,) * 8)
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode foo"):
        F.pad(x, (1, 1), mode="foo")
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding input"):
        F.pad(x, (4, 1), mode="reflect")
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D input"):
        F.pad(mt.randn(1, 2, 3, 4), (1, 1), mode="reflect")


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda x: F.max_pool2d(x, 3, padding=2), "pad should be at most half of effective kernel size"),
        (lambda x: F.max_pool2d(x[:, :, :2, :2], 3), "Output size is too small"),
        (lambda x: F.max_pool2d(x[0, 0], 2), "non-empty 3D or 4D"),
        (lambda x: F.max_pool2d(x, 2, stride=0), "stride should not be zero"),
        (lambda x: F.avg_pool2d(x, 3, padding=2), "pad should be at most half"),
        (lambda x: F.avg_pool2d(x, 2, divisor_override=0), "divisor must be not zero"),
        (lambda x: F.adaptive_avg_pool2d(x, (3, 4, 5)), "output_size must be 2"),
    ],
)
def test_pool_errors_like_torch(call, match):
    with pytest.raises(RuntimeError, match=match):
        call(mt.randn(2, 3, 8, 8))


def test_pool_modules_match_torch_and_repr():
    xa = np.random.default_rng(0).standard_normal((2, 3, 9, 9)).astype(np.float32)
    pairs = [
        (P.MaxPool2d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 1, ceil_mode=True)),
        (
            P.AvgPool2d(2, count_include_pad=False, padding=1),
            torch.nn.AvgPool2d(2, count_include_pad=False, padding=1),
        ),
        (P.AdaptiveAvgPool2d((2, None)), torch.nn.AdaptiveAvgPool2d((2, None))),
    ]
    for m, t in pairs:
        assert_close(m(mt.tensor(xa)), t(torch.tensor(xa)))
        assert repr(m) == repr(t)
    out, idx = P.MaxPool2d(2, return_indices=True)(mt.tensor(xa))
    tout, tidx = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(xa))
    assert_close(idx, tidx)
    xa1 = xa[:, :, 0]
    for m, t in [
        (P.MaxPool1d(2), torch.nn.MaxPool1d(2)),
        (P.AvgPool1d(3, 2), torch.nn.AvgPool1d(3, 2)),
        (P.AdaptiveAvgPool1d(4), torch.nn.AdaptiveAvgPool1d(4)),
    ]:
        assert_close(m(mt.tensor(xa1)), t(torch.tensor(xa1)))
        assert repr(m) == repr(t)
