"""Conv3d / MaxPool3d / AvgPool3d (F.conv3d, max_pool3d, avg_pool3d) against torch: values, input
and weight grads, float32 and float64, padding/stride/dilation/groups/'same', ties of max pooling,
count_include_pad and divisor_override, seeded init of Conv3d."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch


def _run(lib, fn, x, w=None, dtype="float64", **kw):
    xt = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
    args = [xt]
    wt = None
    if w is not None:
        wt = lib.tensor(w, dtype=getattr(lib, dtype), requires_grad=True)
        args.append(wt)
    y = getattr(lib.nn.functional, fn)(*args, **kw)
    (y * lib.arange(float(y.numel()), dtype=getattr(lib, dtype)).reshape(y.shape).cos()).sum().backward()
    return [y.detach().numpy(), xt.grad.numpy()] + ([wt.grad.numpy()] if wt is not None else [])


def _same(fn, x, w=None, dtype="float64", **kw):
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == "float64" else dict(rtol=2e-5, atol=2e-5)
    for a, b in zip(_run(mt, fn, x, w, dtype, **kw), _run(torch, fn, x, w, dtype, **kw)):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, **tol)


RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 4, 6, 7, 5))


@pytest.mark.parametrize(
    "kw,wshape",
    [
        ({}, (3, 4, 3, 3, 3)),
        ({"stride": 2, "padding": 1}, (3, 4, 3, 2, 3)),
        ({"stride": (1, 2, 1), "padding": (2, 0, 1), "dilation": (2, 1, 1)}, (3, 4, 2, 3, 2)),
        ({"groups": 2}, (4, 2, 2, 2, 2)),
        ({"padding": "same"}, (2, 4, 2, 3, 4)),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_conv3d_matches_torch(kw, wshape, dtype):
    _same("conv3d", X, RNG.standard_normal(wshape), dtype, **kw)


@pytest.mark.parametrize(
    "kw",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 2, "padding": 1},
        {"kernel_size": (2, 3, 2), "stride": 1, "dilation": (2, 1, 1)},
        {"kernel_size": 2, "stride": 2, "ceil_mode": True},
    ],
)
def test_max_pool3d_matches_torch(kw):
    _same("max_pool3d", X, **kw)
    ties = np.round(RNG.standard_normal((1, 2, 5, 5, 5))).clip(0, None)  # many equal maxima (ReLU-like)
    _same("max_pool3d", ties, **kw)


@pytest.mark.parametrize(
    "kw",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 2, "padding": 1},
        {"kernel_size": (1, 3, 3), "stride": 1, "padding": (0, 1, 1), "count_include_pad": False},
        {"kernel_size": 2, "divisor_override": 3},
        {"kernel_size": (2, 3, 3), "stride": (2, 2, 2), "ceil_mode": True},
    ],
)
def test_avg_pool3d_matches_torch(kw):
    _same("avg_pool3d", X, **kw)


def test_modules_init_repr_and_unbatched_input():
    res = []
    for lib in (mt, torch):
        lib.manual_seed(0)
        conv = lib.nn.Conv3d(2, 3, (2, 3, 3), stride=(1, 2, 2), padding=1)
        x = lib.tensor(X[0, :2].astype(np.float32))
        y = lib.nn.MaxPool3d(2)(conv(x))
        z = lib.nn.AvgPool3d(2, stride=1)(x)
        res.append(
            (
                repr(conv),
                repr(lib.nn.MaxPool3d(2)),
                conv.weight.detach().numpy(),
                y.detach().numpy(),
                z.numpy(),
            )
        )
    assert res[0][:2] == res[1][:2]
    for a, b in zip(res[0][2:], res[1][2:]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
