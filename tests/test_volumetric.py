"""Conv3d / ConvTranspose3d / MaxPool3d / AvgPool3d / AdaptiveAvgPool3d / AdaptiveMaxPool3d (and their
F. functions) against torch: values, input, weight and bias grads, float32 and float64,
padding/stride/dilation/groups/'same'/output_padding, ties of max pooling, count_include_pad and
divisor_override, adaptive sizes with None entries and indices, seeded init of Conv3d and
ConvTranspose3d."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch


def _run(lib, fn, x, w=None, dtype="float64", **kw):
    xt = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
    params = [xt]
    if w is not None:
        params.append(lib.tensor(w, dtype=getattr(lib, dtype), requires_grad=True))
    if kw.get("bias") is not None:
        kw["bias"] = lib.tensor(kw["bias"], dtype=getattr(lib, dtype), requires_grad=True)
        params.append(kw["bias"])
    y = getattr(lib.nn.functional, fn)(*params[: 1 + (w is not None)], **kw)
    extra = list(y[1:]) if isinstance(y, tuple) else []  # indices
    y = y[0] if isinstance(y, tuple) else y
    (y * lib.arange(float(y.numel()), dtype=getattr(lib, dtype)).reshape(y.shape).cos()).sum().backward()
    return [y.detach().numpy()] + [p.grad.numpy() for p in params] + [e.numpy() for e in extra]


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


@pytest.mark.parametrize(
    "kw,wshape",
    [
        ({}, (4, 3, 3, 3, 3)),
        ({"stride": 2, "bias": RNG.standard_normal(3)}, (4, 3, 2, 3, 2)),
        ({"stride": 2, "padding": 1, "output_padding": 1}, (4, 3, 3, 3, 3)),
        ({"stride": (3, 1, 2), "padding": (2, 0, 1), "output_padding": (2, 0, 1)}, (4, 3, 3, 2, 3)),
        ({"dilation": (2, 1, 2), "padding": (3, 1, 0), "output_padding": (1, 0, 1)}, (4, 2, 2, 3, 2)),
        ({"groups": 2, "stride": (1, 2, 1), "bias": RNG.standard_normal(4)}, (4, 2, 2, 2, 3)),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_conv_transpose3d_matches_torch(kw, wshape, dtype):
    _same("conv_transpose3d", X, RNG.standard_normal(wshape), dtype, **kw)
    _same("conv_transpose3d", X[1], RNG.standard_normal(wshape), dtype, **kw)  # unbatched


@pytest.mark.parametrize("size", [(3, 1, 4), (1, 7, 5), (2, 2, 2)])
def test_conv_transpose3d_padding_past_the_input(size):
    # kernel depths that land wholly in the cropped padding; output_padding past the last input depth
    w = RNG.standard_normal((2, 3, 5, 1, 1))
    _same("conv_transpose3d", RNG.standard_normal((1, 2, *size)), w, padding=(2, 0, 0), stride=(3, 1, 1))
    _same(
        "conv_transpose3d",
        RNG.standard_normal((1, 2, *size)),
        w,
        padding=(2, 0, 0),
        output_padding=(2, 0, 0),
        stride=(3, 1, 1),
    )


@pytest.mark.parametrize("size", [2, (3, 2, 2), (None, 3, 2), (1, 1, 1), (4, None, 1), (6, 7, 5)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_adaptive_pool3d_matches_torch(size, dtype):
    _same("adaptive_avg_pool3d", X, None, dtype, output_size=size)
    _same("adaptive_max_pool3d", X, None, dtype, output_size=size)
    _same("adaptive_max_pool3d", X[0], None, dtype, output_size=size, return_indices=True)
    ties = np.round(RNG.standard_normal((2, 3, 5, 5, 4))).clip(0, None)
    _same("adaptive_max_pool3d", ties, None, dtype, output_size=size, return_indices=True)
    _same("adaptive_max_pool3d_with_indices", ties[1], None, dtype, output_size=size)


def test_transposed_and_adaptive_modules_init_repr_and_output_size():
    res = []
    for lib in (mt, torch):
        lib.manual_seed(0)
        up = lib.nn.ConvTranspose3d(4, 6, (2, 3, 2), stride=2, padding=1, groups=2, dilation=(1, 2, 1))
        plain = lib.nn.ConvTranspose3d(4, 2, 3, bias=False, output_padding=1, dilation=2)
        x = lib.tensor(X.astype(np.float32))
        y = up(x, output_size=[11, 15, 9])
        pools = [lib.nn.AdaptiveAvgPool3d((None, 2, 3)), lib.nn.AdaptiveMaxPool3d(2, return_indices=True)]
        v, i = pools[1](y[0])
        res.append(
            (
                [repr(m) for m in (up, plain, *pools)],
                up.weight.detach().numpy(),
                up.bias.detach().numpy(),
                plain.weight.detach().numpy(),
                y.detach().numpy(),
                plain(x).detach().numpy(),
                pools[0](y).detach().numpy(),
                v.detach().numpy(),
                i.numpy(),
            )
        )
        with pytest.raises(ValueError, match="requested an output size of"):
            up(x, output_size=(12, 15, 9))
    assert res[0][0] == res[1][0]
    for a, b in zip(res[0][1:], res[1][1:]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "call,match",
    [
        (
            lambda F: F.conv_transpose3d(mt.randn(2, 4, 3, 3, 3), mt.randn(3, 2, 2, 2, 2)),
            "to have 3 channels",
        ),
        (
            lambda F: F.conv_transpose3d(
                mt.randn(2, 4, 3, 3, 3), mt.randn(4, 2, 2, 2, 2), output_padding=(1, 0, 0)
            ),
            "output_padding_depth: 1",
        ),
        (
            lambda F: F.conv_transpose3d(mt.randn(3, 3, 3), mt.randn(3, 2, 2, 2, 2)),
            r"Expected 4D \(unbatched\)",
        ),
        (lambda F: F.adaptive_avg_pool3d(mt.randn(3, 3, 3), 2), "Expected 4D or 5D tensor"),
        (lambda F: F.adaptive_max_pool3d(mt.randn(1, 3, 3, 3), (2, 2)), "output_size must be 3"),
    ],
)
def test_volumetric_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call(mt.nn.functional)
