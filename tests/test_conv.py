"""conv1d / conv2d (functional and modules) against torch: values, input/weight/bias grads,
double backward, errors, module init and state_dict."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch.ops import conv as C

pytestmark = needs_torch

TOL = {np.float64: dict(rtol=1e-8, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-5)}

# (N, C_in, H, W, C_out, kernel, stride, padding, dilation, groups)
CONV2D_CASES = [
    (2, 3, 7, 7, 4, 3, 1, 0, 1, 1),
    (1, 1, 5, 6, 2, (2, 3), 1, 0, 1, 1),
    (2, 2, 8, 9, 3, 3, 2, 1, 1, 1),
    (2, 3, 9, 8, 2, (3, 2), (2, 1), (1, 2), 1, 1),
    (1, 2, 9, 9, 2, 3, 1, 2, 2, 1),
    (2, 2, 10, 7, 3, (2, 3), (3, 2), 0, (2, 1), 1),
    (2, 4, 6, 6, 6, 3, 1, 1, 1, 2),
    (2, 4, 7, 7, 4, 3, 2, 1, 1, 4),  # depthwise
    (1, 6, 5, 5, 3, 1, 1, 0, 1, 3),  # 1x1 grouped
    (2, 3, 6, 7, 4, 3, 1, "same", 1, 1),
    (2, 2, 6, 7, 3, (2, 4), 1, "same", (2, 1), 1),  # asymmetric 'same' padding
    (2, 3, 6, 7, 4, 3, 1, "valid", 1, 1),
    (1, 2, 4, 4, 2, 4, 1, 0, 1, 1),  # kernel as large as the input
    (3, 2, 5, 5, 2, 2, 3, 1, 1, 1),  # stride larger than the kernel
]


def _pair(v, n=2):
    return v if isinstance(v, tuple) else (v,) * n


def _run_conv(case, dtype, bias=True, grad=True):
    n, c, h, w, o, k, s, p, d, g = case
    k = _pair(k)
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((n, c, h, w)).astype(dtype)
    wa = rng.standard_normal((o, c // g) + k).astype(dtype)
    ba = rng.standard_normal(o).astype(dtype)
    x, tx = mt.tensor(xa, requires_grad=grad), torch.tensor(xa, requires_grad=grad)
    wt, tw = mt.tensor(wa, requires_grad=grad), torch.tensor(wa, requires_grad=grad)
    b, tb = (
        (mt.tensor(ba, requires_grad=grad), torch.tensor(ba, requires_grad=grad)) if bias else (None, None)
    )
    out = F.conv2d(x, wt, b, s, p, d, g)
    tout = torch.nn.functional.conv2d(tx, tw, tb, s, p, d, g)
    return (x, wt, b, out), (tx, tw, tb, tout)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV2D_CASES, ids=lambda c: "-".join(map(str, c)))
def test_conv2d_matches_torch(case, dtype):
    (x, w, b, out), (tx, tw, tb, tout) = _run_conv(case, dtype)
    tol = TOL[dtype]
    assert_close(out, tout, **tol)
    ga = np.random.default_rng(1).standard_normal(tout.shape).astype(dtype)
    out.backward(mt.tensor(ga))
    tout.backward(torch.tensor(ga))
    assert_close(x.grad, tx.grad, **tol)
    assert_close(w.grad, tw.grad, **tol)
    assert_close(b.grad, tb.grad, **tol)


def test_conv2d_no_bias_and_partial_grads():
    case = CONV2D_CASES[2]
    (x, w, _, out), (tx, tw, _, tout) = _run_conv(case, np.float64, bias=False)
    assert_close(out, tout, **TOL[np.float64])
    w.requires_grad_(False)
    (x2, w2, b2, out2), _ = _run_conv(case, np.float64)
    w2.requires_grad_(False)
    out2 = F.conv2d(x2, w2, b2, *case[6:])
    out2.sum().backward()
    assert w2.grad is None and x2.grad is not None and b2.grad is not None


def test_conv2d_unbatched_and_empty_batch():
    rng = np.random.default_rng(0)
    xa, wa = rng.standard_normal((3, 6, 6)), rng.standard_normal((2, 3, 3, 3))
    assert_close(
        F.conv2d(mt.tensor(xa), mt.tensor(wa), padding=1),
        torch.nn.functional.conv2d(torch.tensor(xa), torch.tensor(wa), padding=1),
    )
    out = F.conv2d(mt.zeros(0, 3, 6, 6), mt.zeros(2, 3, 3, 3))
    assert out.shape == (0, 2, 4, 4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "case",
    [
        (2, 3, 10, 4, 3, 1, 0, 1, 1),
        (2, 2, 11, 4, 4, 2, 1, 2, 2),
        (1, 4, 9, 4, 3, 1, "same", 2, 1),
        (2, 4, 9, 8, 3, 2, 1, 1, 4),
    ],
)
def test_conv1d_matches_torch(case, dtype):
    n, c, length, o, k, s, p, d, g = case
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((n, c, length)).astype(dtype)
    wa = rng.standard_normal((o, c // g, k)).astype(dtype)
    ba = rng.standard_normal(o).astype(dtype)
    x, w, b = (mt.tensor(a, requires_grad=True) for a in (xa, wa, ba))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (xa, wa, ba))
    out = F.conv1d(x, w, b, s, p, d, g)
    tout = torch.nn.functional.conv1d(tx, tw, tb, s, p, d, g)
    tol = TOL[dtype]
    assert_close(out, tout, **tol)
    ga = rng.standard_normal(tout.shape).astype(dtype)
    out.backward(mt.tensor(ga))
    tout.backward(torch.tensor(ga))
    for a, t in ((x, tx), (w, tw), (b, tb)):
        assert_close(a.grad, t.grad, **tol)
    # unbatched
    assert_close(
        F.conv1d(mt.tensor(xa[0]), mt.tensor(wa), None, s, p, d, g),
        torch.nn.functional.conv1d(torch.tensor(xa[0]), torch.tensor(wa), None, s, p, d, g),
        **tol,
    )


@pytest.mark.parametrize(
    "case",
    [CONV2D_CASES[0], CONV2D_CASES[3], CONV2D_CASES[6], CONV2D_CASES[10]],
    ids=lambda c: "-".join(map(str, c)),
)
def test_conv2d_double_backward_matches_torch(case):
    (x, w, b, out), (tx, tw, tb, tout) = _run_conv(case, np.float64)
    rng = np.random.default_rng(2)
    ga = rng.standard_normal(tout.shape)
    g, tg = mt.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
    gx, gw = mt.autograd.grad(out, (x, w), g, create_graph=True)
    tgx, tgw = torch.autograd.grad(tout, (tx, tw), tg, create_graph=True)
    va, vb = rng.standard_normal(tgx.shape), rng.standard_normal(tgw.shape)
    loss = (gx * mt.tensor(va)).sum() + (gw * mt.tensor(vb)).sum() + (gx * gx).sum() + (gw * gw).sum()
    tloss = (
        (tgx * torch.tensor(va)).sum()
        + (tgw * torch.tensor(vb)).sum()
        + (tgx * tgx).sum()
        + (tgw * tgw).sum()
    )
    res = mt.autograd.grad(loss, (x, w, g))
    tres = torch.autograd.grad(tloss, (tx, tw, tg))
    for a, t in zip(res, tres):
        assert_close(a, t, **TOL[np.float64])


def test_conv_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(3)
    x = mt.tensor(rng.standard_normal((1, 2, 5, 4)), requires_grad=True)
    w = mt.tensor(rng.standard_normal((2, 1, 2, 3)), requires_grad=True)
    b = mt.tensor(rng.standard_normal(2), requires_grad=True)

    def f(x, w, b):
        return F.conv2d(x, w, b, stride=(2, 1), padding=(1, 1), dilation=(1, 2), groups=2)

    assert mt.autograd.gradcheck(f, (x, w, b))
    assert mt.autograd.gradgradcheck(f, (x, w, b))


def test_conv_ops_are_adjoint():
    """<conv(x, w), g> = <x, input_grad(g, w)> = <w, weight_grad(x, g)>: the three ops agree."""
    rng = np.random.default_rng(4)
    spec = C.ConvSpec((3, 2), (2, 1), ((1, 0), (2, 1)), (1, 2), 2, (7, 6))
    x = rng.standard_normal((2, 4, 7, 6))
    w = rng.standard_normal((6, 2, 3, 2))
    out, _ = C._conv_forward(x, w, None, spec)
    g = rng.standard_normal(out.shape)
    t = np.vdot(out, g)
    np.testing.assert_allclose(np.vdot(x, C._conv_input_grad(g, w, spec)), t, rtol=1e-10)
    np.testing.assert_allclose(np.vdot(w, C._conv_weight_grad(x, g, spec, w.shape)), t, rtol=1e-10)


@pytest.mark.parametrize(
    "kernel, stride, pad, dilation, groups, hw",
    [
        ((3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1, (6, 20)),
        ((2, 3), (2, 1), ((0, 1), (2, 0)), (1, 2), 2, (7, 9)),
        ((3, 2), (1, 1), ((0, 0), (0, 0)), (2, 1), 1, (8, 18)),
    ],
)
def test_conv_full_width_columns_equal_standard(kernel, stride, pad, dilation, groups, hw):
    """The two column layouts (full-width rows, or exactly OW columns) give the same numbers."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 4) + hw)
    w = rng.standard_normal((6, 4 // groups) + kernel)
    specs = [C.ConvSpec(kernel, stride, pad, dilation, groups, hw) for _ in range(2)]
    specs[0].full = specs[0].full_gx = stride[1] == 1
    specs[1].full = specs[1].full_gx = False
    outs = [C._conv_forward(x, w, None, sp)[0] for sp in specs]
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    g = rng.standard_normal(outs[0].shape)
    for f in (lambda sp: C._conv_input_grad(g, w, sp), lambda sp: C._conv_weight_grad(x, g, sp, w.shape)):
        np.testing.assert_allclose(f(specs[0]), f(specs[1]), rtol=1e-12)


def test_conv_non_finite_input_grads_match_torch():
    """An inf in the input must not leak into weight grads of kernel positions it is not under."""
    xa = np.random.default_rng(7).standard_normal((1, 1, 6, 20))
    xa[0, 0, 2, 19] = np.inf
    assert C.ConvSpec((3, 3), (1, 1), ((0, 0), (0, 0)), (1, 1), 1, (6, 20)).full  # full-width columns
    wa = np.random.default_rng(8).standard_normal((2, 1, 3, 3))
    w, tw = mt.tensor(wa, requires_grad=True), torch.tensor(wa, requires_grad=True)
    out = F.conv2d(mt.tensor(xa), w)
    tout = torch.nn.functional.conv2d(torch.tensor(xa), tw)
    out.backward(mt.ones(*out.shape, dtype=mt.float64))
    tout.backward(torch.ones_like(tout))
    np.testing.assert_allclose(w.grad._data, tw.grad.numpy(), rtol=1e-12)  # same inf pattern, no nan


def test_conv_output_chains_through_layers():
    """The channel-outer (transposed view) conv output feeds the next conv and pool exactly."""
    rng = np.random.default_rng(5)
    xa = rng.standard_normal((3, 2, 12, 12)).astype(np.float32)
    was = [rng.standard_normal(s).astype(np.float32) for s in ((4, 2, 3, 3), (5, 4, 3, 3))]
    x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    ws = [mt.tensor(a, requires_grad=True) for a in was]
    tws = [torch.tensor(a, requires_grad=True) for a in was]
    y = F.max_pool2d(F.conv2d(x, ws[0], padding=1).relu(), 2)
    y = F.conv2d(y, ws[1], padding="same").relu().reshape(3, -1).sum(1)
    ty = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(tx, tws[0], padding=1).relu(), 2)
    ty = torch.nn.functional.conv2d(ty, tws[1], padding="same").relu().reshape(3, -1).sum(1)
    assert_close(y, ty)
    (y * mt.tensor([1.0, -2.0, 3.0])).sum().backward()
    (ty * torch.tensor([1.0, -2.0, 3.0])).sum().backward()
    assert_close(x.grad, tx.grad)
    for a, t in zip(ws, tws):
        assert_close(a.grad, t.grad, rtol=1e-4, atol=1e-4)


def test_conv_node_name():
    x = mt.randn(1, 1, 4, 4, requires_grad=True)
    assert F.conv2d(x, mt.randn(1, 1, 3, 3)).grad_fn.name() == "ConvolutionBackward0"


@pytest.mark.parametrize(
    "kwargs, xshape, wshape, match",
    [
        ({}, (2, 3), (4, 3, 3, 3), "Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to conv2d"),
        ({}, (2, 2, 8, 8), (4, 3, 3, 3), "expected input\\[2, 2, 8, 8\\] to have 3 channels, but got 2"),
        ({}, (2, 3, 2, 2), (4, 3, 3, 3), "Kernel size can't be greater than actual input size"),
        ({"padding": "foo"}, (2, 3, 8, 8), (4, 3, 3, 3), "Invalid padding string: 'foo'"),
        ({"padding": "same", "stride": 2}, (2, 3, 8, 8), (4, 3, 3, 3), "not supported for strided"),
        ({"stride": 0}, (2, 3, 8, 8), (4, 3, 3, 3), "non-positive stride"),
        ({"padding": -1}, (2, 3, 8, 8), (4, 3, 3, 3), "negative padding"),
        ({"dilation": 0}, (2, 3, 8, 8), (4, 3, 3, 3), "non-positive dilation"),
        ({"stride": (1, 1, 1)}, (2, 3, 8, 8), (4, 3, 3, 3), "list of 2 values"),
        ({"groups": 3}, (2, 3, 8, 8), (4, 1, 3, 3), "expected weight to be divisible by 3"),
        ({"groups": 2}, (2, 3, 8, 8), (4, 3, 3, 3), "to have 6 channels"),
    ],
)
def test_conv2d_errors_like_torch(kwargs, xshape, wshape, match):
    with pytest.raises(RuntimeError, match=match):
        F.conv2d(mt.zeros(*xshape), mt.zeros(*wshape), **kwargs)
    with pytest.raises(RuntimeError):
        torch.nn.functional.conv2d(torch.zeros(*xshape), torch.zeros(*wshape), **kwargs)


def test_conv2d_dtype_and_bias_errors():
    x = mt.zeros(1, 3, 5, 5)
    with pytest.raises(RuntimeError, match="weight type"):
        F.conv2d(x, mt.zeros(2, 3, 3, 3, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="bias type"):
        F.conv2d(x, mt.zeros(2, 3, 3, 3), mt.zeros(2, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 2 elements"):
        F.conv2d(x, mt.zeros(2, 3, 3, 3), mt.zeros(3))
    with pytest.raises(TypeError, match="must be Tensor"):
        F.conv2d(np.zeros((1, 3, 5, 5)), mt.zeros(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="Expected 2D \\(unbatched\\) or 3D \\(batched\\) input to conv1d"):
        F.conv1d(mt.zeros(1, 3, 5, 5), mt.zeros(2, 3, 3))


def test_conv_saved_input_modified_inplace_raises():
    x = mt.randn(1, 1, 5, 5)
    w = mt.randn(1, 1, 3, 3, requires_grad=True)
    y = F.conv2d(x, w)
    x.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# --- modules ---
def _copy_params(m, t):
    with torch.no_grad():
        for pm, pt in zip(m.parameters(), t.parameters()):
            pt.copy_(torch.from_numpy(pm._data.copy()))


@pytest.mark.parametrize(
    "cls, args, kwargs, xshape",
    [
        ("Conv2d", (3, 4, 3), {}, (2, 3, 7, 7)),
        (
            "Conv2d",
            (4, 6, (3, 2)),
            {"stride": 2, "padding": 1, "dilation": (2, 1), "groups": 2, "bias": False},
            (2, 4, 9, 8),
        ),
        ("Conv2d", (2, 4, 3), {"padding": "same", "padding_mode": "reflect"}, (2, 2, 6, 6)),
        ("Conv2d", (2, 4, 3), {"padding": 2, "padding_mode": "circular"}, (2, 2, 6, 6)),
        ("Conv2d", (2, 4, 4), {"padding": (1, 2), "padding_mode": "replicate"}, (2, 2, 6, 6)),
        ("Conv2d", (2, 3, 4), {"padding": "valid"}, (2, 6, 6)),
        ("Conv1d", (3, 4, 3), {"padding": 1}, (2, 3, 10)),
        ("Conv1d", (4, 4, 3), {"padding": "same", "dilation": 2, "groups": 4}, (2, 4, 10)),
    ],
)
def test_conv_modules_match_torch(cls, args, kwargs, xshape):
    from minitorch.nn.modules import conv as mconv

    m = getattr(mconv, cls)(*args, **kwargs)
    t = getattr(torch.nn, cls)(*args, **kwargs)
    _copy_params(m, t)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [p.shape for p in m.parameters()] == [tuple(p.shape) for p in t.parameters()]
    xa = np.random.default_rng(0).standard_normal(xshape).astype(np.float32)
    x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    out, tout = m(x), t(tx)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)
    for pm, pt in zip(m.parameters(), t.parameters()):
        assert_close(pm.grad, pt.grad, rtol=1e-4, atol=1e-4)


def test_conv2d_default_init_is_torchs():
    """kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the bias has the same bound."""
    from minitorch.nn.modules.conv import Conv1d, Conv2d

    m = Conv2d(16, 64, 3, groups=2)
    bound = 1 / np.sqrt(8 * 9)  # fan_in = in_channels / groups * kh * kw
    w = m.weight._data
    assert w.dtype == np.float32 and np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.98 * bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.05)
    assert np.abs(m.bias._data).max() <= bound
    assert Conv1d(2, 3, 5, dtype=mt.float64).weight.dtype == mt.float64
    mt.manual_seed(1)
    a = Conv2d(2, 3, 3).weight._data.copy()
    mt.manual_seed(1)
    np.testing.assert_array_equal(Conv2d(2, 3, 3).weight._data, a)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"groups": 2}, "in_channels must be divisible by groups"),
        ({"padding": "foo"}, "Invalid padding string 'foo'"),
        ({"padding": "same", "stride": 2}, "padding='same' is not supported for strided convolutions"),
        ({"padding_mode": "foo"}, "padding_mode must be one of"),
        ({"groups": 0}, "groups must be a positive integer"),
    ],
)
def test_conv_module_errors_like_torch(kwargs, match):
    from minitorch.nn.modules.conv import Conv2d

    with pytest.raises(ValueError, match=match):
        Conv2d(3, 4, 3, **kwargs)
    with pytest.raises(ValueError):
        torch.nn.Conv2d(3, 4, 3, **kwargs)


def test_outputs_and_grads_are_contiguous_like_torchs():
    """Scripts do ``x.view(x.size(0), -1)`` after conv/pool layers: results must be contiguous."""
    x = mt.randn(3, 2, 10, 11, requires_grad=True)
    w = mt.randn(4, 2, 3, 3, requires_grad=True)
    for y in (
        F.conv2d(x, w, padding=1),
        F.conv2d(x, w, stride=2),
        F.max_pool2d(x, 3, 2, 1),
        F.avg_pool2d(x, 2, padding=1),
    ):
        assert y.is_contiguous()
        y.view(3, -1).sum().backward()
        assert x.grad.is_contiguous() and w.grad.is_contiguous()
