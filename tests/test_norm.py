"""BatchNorm1d/2d and LayerNorm (functional and modules) against torch: values, grads, the fused
backward against the composed one, running statistics, eval mode, state_dict, errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch.nn.modules import normalization as Nm

pytestmark = needs_torch

TOL = {np.float64: dict(rtol=1e-8, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-5)}


def _leaves(*arrays):
    return [mt.tensor(a, requires_grad=True) for a in arrays], [
        torch.tensor(a, requires_grad=True) for a in arrays
    ]


def _composed_batch_norm(x, w, b, eps):
    """Batch norm in training mode from primitive ops (the reference for the fused op)."""
    axes = (0,) + tuple(range(2, x.dim()))
    shape = (1, -1) + (1,) * (x.dim() - 2)
    mean = x.mean(axes, keepdim=True)
    var = ((x - mean) ** 2).mean(axes, keepdim=True)
    return (x - mean) / (var + eps).sqrt() * w.reshape(shape) + b.reshape(shape)


def _composed_layer_norm(x, w, b, k, eps):
    axes = tuple(range(x.dim() - k, x.dim()))
    mean = x.mean(axes, keepdim=True)
    var = ((x - mean) ** 2).mean(axes, keepdim=True)
    return (x - mean) / (var + eps).sqrt() * w + b


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (3, 2, 4, 5)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_matches_torch(shape, training, dtype):
    rng = np.random.default_rng(0)
    c = shape[1]
    xa = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    wa, ba = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    rma, rva = rng.standard_normal(c).astype(dtype), rng.uniform(0.5, 2, c).astype(dtype)
    (x, w, b), (tx, tw, tb) = _leaves(xa, wa, ba)
    rm, rv = mt.tensor(rma.copy()), mt.tensor(rva.copy())
    trm, trv = torch.tensor(rma.copy()), torch.tensor(rva.copy())
    out = F.batch_norm(x, rm, rv, w, b, training, 0.3, 1e-3)
    tout = torch.nn.functional.batch_norm(tx, trm, trv, tw, tb, training, 0.3, 1e-3)
    tol = TOL[dtype]
    assert_close(out, tout, **tol)
    assert_close(rm, trm, **tol)
    assert_close(rv, trv, **tol)
    ga = rng.standard_normal(shape).astype(dtype)
    out.backward(mt.tensor(ga))
    tout.backward(torch.tensor(ga))
    for a, t in ((x, tx), (w, tw), (b, tb)):
        assert_close(a.grad, t.grad, **tol)


def test_batch_norm_without_affine_or_running_stats():
    xa = np.random.default_rng(1).standard_normal((6, 4, 3))
    x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    out = F.batch_norm(x, None, None, training=True)  # no running stats to update
    tout = torch.nn.functional.batch_norm(tx, None, None, training=True)
    assert_close(out, tout)
    (out * mt.tensor(xa)).sum().backward()
    (tout * torch.tensor(xa)).sum().backward()
    assert_close(x.grad, tx.grad)
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match="eps must be positive during training"):
        F.batch_norm(x, None, None, training=True, eps=0.0)


@pytest.mark.parametrize("shape", [(7, 3), (4, 3, 2, 5)])
def test_fused_batch_norm_equals_composed(shape):
    rng = np.random.default_rng(2)
    xa, wa, ba = rng.standard_normal(shape), rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    ga = rng.standard_normal(shape)
    (x, w, b), _ = _leaves(xa, wa, ba)
    (x2, w2, b2), _ = _leaves(xa, wa, ba)
    out = F.batch_norm(x, None, None, w, b, True, 0.1, 1e-5)
    ref = _composed_batch_norm(x2, w2, b2, 1e-5)
    assert_close(out, ref._data)
    out.backward(mt.tensor(ga))
    ref.backward(mt.tensor(ga))
    for a, r in ((x, x2), (w, w2), (b, b2)):
        assert_close(a.grad, r.grad._data)
    assert out.grad_fn.name() == "NativeBatchNormBackward0"


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_double_backward_matches_torch(training):
    rng = np.random.default_rng(3)
    xa, wa, ba = rng.standard_normal((5, 3, 4)), rng.standard_normal(3), rng.standard_normal(3)
    rma, rva = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    (x, w, b), (tx, tw, tb) = _leaves(xa, wa, ba)
    ga = rng.standard_normal(xa.shape)
    g, tg = mt.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
    out = F.batch_norm(x, mt.tensor(rma), mt.tensor(rva), w, b, training, 0.1, 1e-3)
    tout = torch.nn.functional.batch_norm(
        tx, torch.tensor(rma), torch.tensor(rva), tw, tb, training, 0.1, 1e-3
    )
    grads = mt.autograd.grad(out, (x, w, b), g, create_graph=True)
    tgrads = torch.autograd.grad(tout, (tx, tw, tb), tg, create_graph=True)
    loss = sum((gr * gr).sum() for gr in grads)
    tloss = sum((gr * gr).sum() for gr in tgrads)
    res = mt.autograd.grad(loss, (x, w, g), allow_unused=True)
    tres = torch.autograd.grad(tloss, (tx, tw, tg), allow_unused=True)
    for a, t in zip(res, tres):
        if t is None:
            assert a is None or np.allclose(a._data, 0)
        else:
            assert_close(a, t)


@pytest.mark.parametrize(
    "cls, tcls, shape",
    [
        ("BatchNorm1d", "BatchNorm1d", (6, 4)),
        ("BatchNorm1d", "BatchNorm1d", (5, 4, 3)),
        ("BatchNorm2d", "BatchNorm2d", (3, 4, 5, 2)),
    ],
)
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_module_running_stats_and_eval_match_torch(cls, tcls, shape, momentum):
    m = getattr(Nm, cls)(4, momentum=momentum)
    t = getattr(torch.nn, tcls)(4, momentum=momentum).double()
    m.double()
    rng = np.random.default_rng(4)
    with torch.no_grad():
        wa, ba = rng.standard_normal(4), rng.standard_normal(4)
        m.weight._data[...] = wa
        m.bias._data[...] = ba
        t.weight.copy_(torch.tensor(wa))
        t.bias.copy_(torch.tensor(ba))
    for _ in range(4):  # several training steps
        xa = rng.standard_normal(shape) * 3 + 2
        x, tx = mt.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
        out, tout = m(x), t(tx)
        assert_close(out, tout)
        out.sum().backward()
        tout.sum().backward()
        assert_close(x.grad, tx.grad)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        assert_close(getattr(m, name), getattr(t, name))
    assert_close(m.weight.grad, t.weight.grad)
    m.eval()
    t.eval()
    xa = rng.standard_normal(shape)
    assert_close(m(mt.tensor(xa)), t(torch.tensor(xa)))
    assert int(m.num_batches_tracked.item()) == 4  # eval does not count
    assert list(m.state_dict()) == list(t.state_dict())
    assert repr(m) == repr(t)


def test_batch_norm_track_running_stats_false_and_no_affine():
    m, t = (
        Nm.BatchNorm2d(3, affine=False, track_running_stats=False),
        torch.nn.BatchNorm2d(3, affine=False, track_running_stats=False),
    )
    assert list(m.state_dict()) == list(t.state_dict()) == []
    xa = np.random.default_rng(5).standard_normal((2, 3, 4, 4)).astype(np.float32)
    m.eval()
    t.eval()  # no running stats: eval still uses batch statistics
    assert_close(m(mt.tensor(xa)), t(torch.tensor(xa)))
    assert m.running_mean is None and m.num_batches_tracked is None
    assert repr(m) == repr(t)


def test_batch_norm_state_dict_roundtrip_and_reset():
    m = Nm.BatchNorm1d(3)
    m(mt.randn(5, 3) * 4)
    sd = {k: v.clone() for k, v in m.state_dict().items()}
    assert sd["num_batches_tracked"].dtype == mt.int64
    m2 = Nm.BatchNorm1d(3)
    m2.load_state_dict(sd)
    assert_close(m2.running_var, sd["running_var"]._data)
    assert int(m2.num_batches_tracked.item()) == 1
    m2.reset_running_stats()
    assert np.all(m2.running_var._data == 1) and int(m2.num_batches_tracked.item()) == 0


def test_batch_norm_errors_like_torch():
    with pytest.raises(ValueError, match="expected 2D or 3D input \\(got 4D input\\)"):
        Nm.BatchNorm1d(3)(mt.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="expected 4D input \\(got 3D input\\)"):
        Nm.BatchNorm2d(3)(mt.randn(2, 3, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        Nm.BatchNorm1d(3)(mt.randn(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        Nm.BatchNorm2d(3)(mt.randn(2, 4, 4, 4))
    with pytest.raises(RuntimeError):
        torch.nn.BatchNorm2d(3)(torch.randn(2, 4, 4, 4))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, nshape", [((4, 6), (6,)), ((2, 3, 5), (5,)), ((2, 3, 4), (3, 4))])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_matches_torch(shape, nshape, affine, dtype):
    rng = np.random.default_rng(6)
    xa = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    wa, ba = rng.standard_normal(nshape).astype(dtype), rng.standard_normal(nshape).astype(dtype)
    (x, w, b), (tx, tw, tb) = _leaves(xa, wa, ba)
    if affine == "none":
        w = b = tw = tb = None
    elif affine == "weight":
        b = tb = None
    out = F.layer_norm(x, nshape, w, b, 1e-4)
    tout = torch.nn.functional.layer_norm(tx, nshape, tw, tb, 1e-4)
    tol = TOL[dtype]
    assert_close(out, tout, **tol)
    ga = rng.standard_normal(shape).astype(dtype)
    out.backward(mt.tensor(ga))
    tout.backward(torch.tensor(ga))
    for a, t in ((x, tx), (w, tw), (b, tb)):
        if a is not None:
            assert_close(a.grad, t.grad, **tol)


def test_fused_layer_norm_equals_composed_and_double_backward():
    rng = np.random.default_rng(7)
    xa, wa, ba = rng.standard_normal((3, 4, 5)), rng.standard_normal(5), rng.standard_normal(5)
    ga = rng.standard_normal(xa.shape)
    (x, w, b), (tx, tw, tb) = _leaves(xa, wa, ba)
    (x2, w2, b2), _ = _leaves(xa, wa, ba)
    out = F.layer_norm(x, (5,), w, b)
    ref = _composed_layer_norm(x2, w2, b2, 1, 1e-5)
    assert_close(out, ref._data)
    out.backward(mt.tensor(ga), retain_graph=True)
    ref.backward(mt.tensor(ga))
    for a, r in ((x, x2), (w, w2), (b, b2)):
        assert_close(a.grad, r.grad._data)
    g, tg = mt.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
    grads = mt.autograd.grad(F.layer_norm(x, (5,), w, b), (x, w), g, create_graph=True)
    tgrads = torch.autograd.grad(
        torch.nn.functional.layer_norm(tx, (5,), tw, tb), (tx, tw), tg, create_graph=True
    )
    res = mt.autograd.grad(sum((gr * gr).sum() for gr in grads), (x, w, g))
    tres = torch.autograd.grad(sum((gr * gr).sum() for gr in tgrads), (tx, tw, tg))
    for a, t in zip(res, tres):
        assert_close(a, t)


def test_layer_norm_module_matches_torch():
    for args, kwargs in [((5,), {}), (((3, 5),), {"bias": False}), ((5,), {"elementwise_affine": False})]:
        m, t = Nm.LayerNorm(*args, **kwargs), torch.nn.LayerNorm(*args, **kwargs)
        assert list(m.state_dict()) == list(t.state_dict())
        assert repr(m) == repr(t)
        xa = np.random.default_rng(8).standard_normal((2, 3, 5)).astype(np.float32)
        assert_close(m(mt.tensor(xa)), t(torch.tensor(xa)))


def test_layer_norm_errors_like_torch():
    x = mt.randn(2, 3, 8)
    with pytest.raises(RuntimeError, match="expected input with shape \\[\\*, 7\\]"):
        F.layer_norm(x, (7,))
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape as normalized_shape"):
        F.layer_norm(x, (3, 8), weight=mt.ones(8))
    with pytest.raises(TypeError, match="must be tuple of ints, not int"):
        F.layer_norm(x, 8)
