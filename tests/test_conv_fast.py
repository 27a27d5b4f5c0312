"""The fast convolution paths against torch and against each other: per-image GEMM blocks
(outputs of 32+ pixels), the two-pass im2col (unit vertical stride), the full-width input grad
that shifts the grad rows instead of a 25-way col2im, each with padding, stride, dilation,
groups, float32 and float64, first and second derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch.ops import conv as C

pytestmark = needs_torch

TOL = {np.float64: dict(rtol=1e-8, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-4)}

# (N, C_in, H, W, C_out, kernel, stride, padding, dilation, groups): every output has 32 or
# more pixels, so each runs the per-image blocks
FAST_CASES = [
    (3, 1, 12, 12, 4, 5, 1, 0, 1, 1),  # LeNet's first conv, small
    (2, 4, 10, 10, 6, 5, 1, 0, 1, 1),  # LeNet's second conv: full-width input grad
    (2, 3, 11, 20, 4, 3, 1, 1, 1, 1),  # padded, wide: full width everywhere
    (2, 4, 12, 11, 6, (3, 2), 1, (1, 0), (2, 1), 2),  # dilation, groups
    (2, 2, 17, 12, 3, 3, (2, 1), 1, (1, 2), 1),  # vertical stride: one-pass im2col
    (2, 4, 14, 15, 4, (2, 3), (1, 2), (0, 1), 1, 2),  # horizontal stride: standard columns
    (1, 3, 9, 40, 2, (3, 5), 1, (1, 2), (1, 3), 1),  # wide rows: full width forward
    (2, 4, 9, 9, 4, 3, 1, "same", 1, 4),  # depthwise
]


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


def _spec(case):
    n, c, h, w, o, k, s, p, d, g = case
    x = mt.zeros(n, c, h, w)
    wt = mt.zeros((o, c // g) + _pair(k))
    from minitorch.nn.functional.conv import _conv_spec

    return _conv_spec(x, wt, None, s, p, d, g, 2, "conv2d")


def _case_arrays(case, dtype, seed=0):
    n, c, h, w, o, k, s, p, d, g = case
    rng = np.random.default_rng(seed)
    xa = rng.standard_normal((n, c, h, w)).astype(dtype)
    wa = rng.standard_normal((o, c // g) + _pair(k)).astype(dtype)
    ba = rng.standard_normal(o).astype(dtype)
    return xa, wa, ba


def test_fast_cases_take_the_fast_paths():
    specs = [_spec(c) for c in FAST_CASES]
    assert all(sp.block(2) == 1 for sp in specs)
    assert any(sp.full_gx and not sp.full for sp in specs)  # the grad-row shifts
    assert any(sp.full for sp in specs)
    assert any(not sp.full and sp.stride[0] == 1 for sp in specs)  # two-pass im2col
    assert any(not sp.full_gx for sp in specs)  # col2im


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", FAST_CASES, ids=lambda c: "-".join(map(str, c)))
def test_fast_conv2d_matches_torch(case, dtype):
    n, c, h, w, o, k, s, p, d, g = case
    xa, wa, ba = _case_arrays(case, dtype)
    x, wt, b = (mt.tensor(a, requires_grad=True) for a in (xa, wa, ba))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (xa, wa, ba))
    out = F.conv2d(x, wt, b, s, p, d, g)
    tout = torch.nn.functional.conv2d(tx, tw, tb, s, p, d, g)
    assert_close(out, tout, **TOL[dtype])
    assert out.is_contiguous()
    ga = np.random.default_rng(1).standard_normal(tout.shape).astype(dtype)
    out.backward(mt.tensor(ga))
    tout.backward(torch.tensor(ga))
    for a, t in ((x, tx), (wt, tw), (b, tb)):
        assert_close(a.grad, t.grad, **TOL[dtype])


@pytest.mark.parametrize(
    "case", [FAST_CASES[1], FAST_CASES[3], FAST_CASES[4]], ids=lambda c: "-".join(map(str, c))
)
def test_fast_conv2d_double_backward_matches_torch(case):
    n, c, h, w, o, k, s, p, d, g = case
    xa, wa, ba = _case_arrays(case, np.float64)
    x, wt = mt.tensor(xa, requires_grad=True), mt.tensor(wa, requires_grad=True)
    tx, tw = torch.tensor(xa, requires_grad=True), torch.tensor(wa, requires_grad=True)
    out = F.conv2d(x, wt, None, s, p, d, g)
    tout = torch.nn.functional.conv2d(tx, tw, None, s, p, d, g)
    rng = np.random.default_rng(2)
    ga = rng.standard_normal(tout.shape)
    gm, tg = mt.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
    gx, gw = mt.autograd.grad(out, (x, wt), gm, create_graph=True)
    tgx, tgw = torch.autograd.grad(tout, (tx, tw), tg, create_graph=True)
    va, vb = rng.standard_normal(tgx.shape), rng.standard_normal(tgw.shape)
    loss = (gx * mt.tensor(va)).sum() + (gw * mt.tensor(vb)).sum() + (gx * gx).sum()
    tloss = (tgx * torch.tensor(va)).sum() + (tgw * torch.tensor(vb)).sum() + (tgx * tgx).sum()
    for a, t in zip(mt.autograd.grad(loss, (x, wt, gm)), torch.autograd.grad(tloss, (tx, tw, tg))):
        assert_close(a, t, **TOL[np.float64])


def _direct(x, w, spec):
    """The convolution by its definition (float64 loops over kernel positions)."""
    (kh, kw), (sh, sw), (dh, dw), grp = spec.kernel, spec.stride, spec.dilation, spec.groups
    (pt, pb), (pl, pr) = spec.pad
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh, ow = spec.out_hw
    n, c = x.shape[:2]
    o, cg = w.shape[:2]
    out = np.zeros((n, o, oh, ow))
    for gi in range(grp):
        os_, cs = slice(gi * o // grp, (gi + 1) * o // grp), slice(gi * cg, (gi + 1) * cg)
        for i in range(kh):
            for j in range(kw):
                patch = xp[
                    :, cs, i * dh : i * dh + sh * (oh - 1) + 1 : sh, j * dw : j * dw + sw * (ow - 1) + 1 : sw
                ]
                out[:, os_] += np.einsum("ncyx,oc->noyx", patch, w[os_, :, i, j])
    return out


@pytest.mark.parametrize("block", ["image", "batch"])
@pytest.mark.parametrize("layout", ["auto", "standard", "full"])
@pytest.mark.parametrize(
    "case", FAST_CASES + [(3, 2, 5, 6, 3, (2, 3), 1, 1, (1, 2), 1)], ids=lambda c: "-".join(map(str, c))
)
def test_every_layout_and_block_gives_the_definition(case, layout, block, monkeypatch):
    """Forward against the definition; input and weight grads against it by adjointness
    (<conv(x, w), g> = <x, input_grad(g, w)> = <w, weight_grad(x, g)>), for each column layout
    and for one GEMM per image or per batch."""
    spec = _spec(case)
    if layout != "auto":
        if layout == "full" and spec.stride[1] != 1:
            pytest.skip("full width needs unit horizontal stride")
        spec.full = spec.full_gx = layout == "full"
    n = case[0]
    monkeypatch.setattr(C.ConvSpec, "block", lambda self, m: 1 if block == "image" or m == 0 else m)
    xa, wa, _ = _case_arrays(case, np.float64, seed=3)
    out, cols = C._conv_forward(xa, wa, None, spec)
    np.testing.assert_allclose(out, _direct(xa, wa, spec), rtol=1e-10, atol=1e-10)
    assert cols.shape[0] == (n if block == "image" else 1)
    g = np.random.default_rng(4).standard_normal(out.shape)
    t = np.vdot(out, g)
    np.testing.assert_allclose(np.vdot(xa, C._conv_input_grad(g, wa, spec)), t, rtol=1e-10)
    np.testing.assert_allclose(np.vdot(wa, C._conv_weight_grad(xa, g, spec, wa.shape)), t, rtol=1e-10)
    np.testing.assert_allclose(np.vdot(wa, C._conv_weight_grad(xa, g, spec, wa.shape, cols)), t, rtol=1e-10)


def test_shared_grad_rows_with_both_grads_in_full_width():
    """Convolution.backward hands one front-padded grad-row array to both products."""
    case = (2, 3, 11, 20, 4, 3, 1, 1, 1, 1)
    spec = _spec(case)
    assert spec.full and spec.full_gx and spec.front() > 0
    xa, wa, ba = _case_arrays(case, np.float64)
    x, wt, b = (mt.tensor(a, requires_grad=True) for a in (xa, wa, ba))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (xa, wa, ba))
    (F.conv2d(x, wt, b, 1, 1) ** 2).sum().backward()
    (torch.nn.functional.conv2d(tx, tw, tb, 1, 1) ** 2).sum().backward()
    for a, t in ((x, tx), (wt, tw), (b, tb)):
        assert_close(a.grad, t.grad, **TOL[np.float64])


def test_fast_path_non_finite_input_matches_torch():
    """An inf under some kernel positions only: the weight grad is inf/nan exactly where torch's is."""
    xa = np.random.default_rng(7).standard_normal((2, 2, 9, 12))
    xa[1, 0, 4, 11] = np.inf
    wa = np.random.default_rng(8).standard_normal((3, 2, 3, 3))
    for pad in (0, 1):
        w, tw = mt.tensor(wa, requires_grad=True), torch.tensor(wa, requires_grad=True)
        x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
        out, tout = F.conv2d(x, w, padding=pad), torch.nn.functional.conv2d(tx, tw, padding=pad)
        out.backward(mt.ones(*out.shape, dtype=mt.float64))
        tout.backward(torch.ones(tout.shape, dtype=torch.float64))
        assert_close(out, tout)
        assert_close(w.grad, tw.grad)
        assert_close(x.grad, tx.grad)


def test_lenet_shapes_match_torch_float32():
    """The benchmark's LeNet convolutions (B=8): values and all grads, float32."""
    rng = np.random.default_rng(9)
    xa = rng.random((8, 1, 28, 28), dtype=np.float32)
    w1, b1 = rng.standard_normal((8, 1, 5, 5)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    w2, b2 = (
        rng.standard_normal((16, 8, 5, 5)).astype(np.float32) * 0.1,
        rng.standard_normal(16).astype(np.float32),
    )
    res = []
    for lib in (mt, torch):
        fn = lib.nn.functional
        ps = [lib.tensor(a, requires_grad=True) for a in (xa, w1, b1, w2, b2)]
        y = fn.max_pool2d(fn.relu(fn.conv2d(ps[0], ps[1], ps[2])), 2)
        y = fn.conv2d(y, ps[3], ps[4])
        (y * y).sum().backward()
        res.append([y.detach().numpy()] + [p.grad.numpy() for p in ps])
    for a, t in zip(*res):
        np.testing.assert_allclose(a, t, rtol=1e-3, atol=1e-3 * np.abs(t).max())


@pytest.mark.parametrize("stride", [1, 2])
def test_bfloat16_conv2d_keeps_the_dtype(stride):
    pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(10)
    xa, wa = rng.standard_normal((2, 2, 10, 10)), rng.standard_normal((3, 2, 3, 3))
    res = []
    for lib in (mt, torch):
        x = lib.tensor(xa, dtype=lib.bfloat16, requires_grad=True)
        w = lib.tensor(wa, dtype=lib.bfloat16, requires_grad=True)
        y = lib.nn.functional.conv2d(x, w, stride=stride)
        y.float().sum().backward()
        res.append((str(y.dtype), str(x.grad.dtype), str(w.grad.dtype), y.float().detach().numpy()))
    assert res[0][:3] == ("minitorch.bfloat16",) * 3 and res[1][:3] == ("torch.bfloat16",) * 3
    np.testing.assert_allclose(res[0][3], res[1][3], rtol=5e-2, atol=5e-2)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize(
    "case", [FAST_CASES[1], FAST_CASES[2], FAST_CASES[3]], ids=lambda c: "-".join(map(str, c))
)
def test_batch_split_over_threads_matches_torch(case, threads, monkeypatch):
    """The kernels split over image ranges on threads (forced here for any size) give torch's
    numbers: convolution and max pooling, values and grads."""
    monkeypatch.setattr(C, "_nthreads", [threads])
    monkeypatch.setattr(C, "_MIN_SPLIT", 0)
    n, c, h, w, o, k, s, p, d, g = case
    xa, wa, ba = _case_arrays(case, np.float32)
    xa = np.concatenate([xa] * 2)  # 4 images: uneven ranges for 3 threads
    res = []
    for lib in (mt, torch):
        x, wt, b = (lib.tensor(a, requires_grad=True) for a in (xa, wa, ba))
        y = lib.nn.functional.conv2d(x, wt, b, s, p, d, g)
        z, ind = lib.nn.functional.max_pool2d(y, 2, return_indices=True)
        (z * z).sum().backward()
        res.append([t.detach().numpy() for t in (y, z, ind, x.grad, wt.grad, b.grad)])
    for a, t in zip(*res):
        np.testing.assert_allclose(a, t, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(t).max()))


def test_thread_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setattr(C, "_nthreads", [])
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert C._threads() == 3
    monkeypatch.setattr(C, "_nthreads", [])
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert C._threads() == 1
    calls = []
    C._split(5, 1 << 30, lambda lo, hi: calls.append((lo, hi)))
    assert calls == [(0, 5)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel", [(1, 2), 2, 3, (4, 4), 5])  # K = 2, 4, 9, 16 (counted), 25 (ranked)
def test_max_pool_first_max_counting_matches_torch(kernel, dtype):
    """Ties (small integers) and a NaN window: indices and grads as torch's, on both ways of
    finding the first maximum (counting leading non-maxima for K <= 16, ranks above)."""
    xa = np.random.default_rng(11).integers(0, 3, (2, 3, 10, 10)).astype(dtype)
    xa[1, 2, 0, 0] = np.nan
    res = []
    for lib in (mt, torch):
        x = lib.tensor(xa, requires_grad=True)
        out, ind = lib.nn.functional.max_pool2d(x, kernel, 1, return_indices=True)
        (out * lib.tensor(np.arange(out.numel(), dtype=dtype).reshape(out.shape))).sum().backward()
        res.append([t.detach().numpy() for t in (out, ind, x.grad)])
    for a, t in zip(*res):
        np.testing.assert_array_equal(a, t)
