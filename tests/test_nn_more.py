"""The rest of torch.nn's everyday surface against torch: activations, distances and losses,
vision layers (pixel shuffle, interpolate, grid_sample, fold/unfold), Bilinear, EmbeddingBag,
pooling extras, nn.utils (weight_norm, parametrize, functional_call) and nn.init extras:
values, input and parameter grads, reprs, state_dict keys and errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import nn

pytestmark = needs_torch

TF = torch.nn.functional if torch is not None else None


def _pair(arr, grad=True):
    arr = np.asarray(arr)
    return mt.tensor(arr.copy(), requires_grad=grad), torch.tensor(arr.copy(), requires_grad=grad)


def _compare(fm, ft, arrays, grad=True, tol=None, kwargs=None, gseed=1):
    """Run ``fm`` and ``ft`` on the same float64 arrays; compare outputs and input grads."""
    kwargs = kwargs or {}
    ms, ts = zip(*(_pair(a, grad and np.asarray(a).dtype.kind == "f") for a in arrays))
    om, ot = fm(*ms, **kwargs), ft(*ts, **kwargs)
    tol = tol or {}
    assert_close(om, ot, **tol)
    if grad and ot.requires_grad:
        g = np.random.default_rng(gseed).standard_normal(tuple(ot.shape))
        (om * mt.tensor(g)).sum().backward()
        (ot * torch.tensor(g)).sum().backward()
        for a, b in zip(ms, ts):
            if b.requires_grad:
                assert_close(a.grad, b.grad, **tol)
    return om, ot


def _raises_same(fm, ft):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(type(et.value)) as em:
        fm()
    assert str(em.value) == str(et.value), (str(em.value), str(et.value))


def _same_module(mm, tm, x, tol=None):
    """Same repr and state_dict keys; copy torch's parameters in; compare outputs and all grads."""
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: mt.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})
    xs = x if isinstance(x, tuple) else (x,)
    pairs = [_pair(a, np.asarray(a).dtype.kind == "f") for a in xs]
    om = mm(*(p[0] for p in pairs))
    ot = tm(*(p[1] for p in pairs))
    tol = tol or {}
    assert_close(om, ot, **tol)
    g = np.random.default_rng(3).standard_normal(tuple(ot.shape)).astype(om._data.dtype)
    (om * mt.tensor(g)).sum().backward()
    (ot * torch.tensor(g)).sum().backward()
    for a, b in pairs:
        if b.requires_grad:
            assert_close(a.grad, b.grad, **tol)
    pm, pt = dict(mm.named_parameters()), dict(tm.named_parameters())
    assert list(pm) == list(pt)
    for k in pt:
        if pt[k].grad is not None:
            assert_close(pm[k].grad, pt[k].grad, **tol)


RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4, 5)) * 3
X[0, 0, :3] = [0.0, 3.0, -3.0]
X[0, 1, :4] = [0.5, -0.5, 1.0, -1.0]

# --- activations ---

ACTS = [
    ("selu", {}),
    ("celu", {}),
    ("celu", {"alpha": 0.7}),
    ("mish", {}),
    ("hardswish", {}),
    ("hardsigmoid", {}),
    ("softsign", {}),
    ("tanhshrink", {}),
    ("hardshrink", {}),
    ("hardshrink", {"lambd": 1.0}),
    ("softshrink", {}),
    ("softshrink", {"lambd": 1.0}),
    ("glu", {}),
    ("glu", {"dim": 1}),
    ("logsigmoid", {}),
    ("softmin", {"dim": 1}),
    ("rrelu", {}),
    ("rrelu", {"lower": 0.2, "upper": 0.4}),
]


@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_functional(name, kw):
    x = X if name != "glu" or kw.get("dim") != -1 else X
    if name == "glu" and not kw:
        x = X[..., :4]
    _compare(getattr(F, name), getattr(TF, name), [x], kwargs=kw)


@pytest.mark.parametrize("name", ["selu", "celu", "rrelu", "threshold", "hardtanh", "leaky_relu", "elu"])
def test_activation_inplace(name):
    args = (1.0, -2.0) if name == "threshold" else ()
    a, b = _pair(X)
    ym, yt = a * 1, b * 1
    getattr(F, name + "_")(ym, *args)
    getattr(TF, name + "_")(yt, *args)
    assert_close(ym, yt)
    ym.sum().backward()
    yt.sum().backward()
    assert_close(a.grad, b.grad)


def test_threshold_values_and_ints():
    _compare(F.threshold, TF.threshold, [X], kwargs=dict(threshold=0.5, value=-7.0))
    xi = np.array([1, 2, 3])
    assert_close(F.threshold(mt.tensor(xi), 1.5, 0), TF.threshold(torch.tensor(xi), 1.5, 0))
    nan = np.array([np.nan, 1.0])
    for f in ("hardshrink", "softshrink"):
        assert_close(getattr(F, f)(mt.tensor(nan)), getattr(TF, f)(torch.tensor(nan)))


@pytest.mark.parametrize(
    "shape,nw", [((3, 4, 5), 4), ((3, 4, 5), 1), ((6,), 1), ((2, 3, 4, 5), 3), ((2, 3), 3)]
)
def test_prelu(shape, nw):
    x = RNG.standard_normal(shape)
    w = RNG.standard_normal(nw)
    _compare(F.prelu, TF.prelu, [x, w])


MODULES = [
    ("PReLU", (), (3, 4, 5)),
    ("PReLU", (4, 0.1), (3, 4, 5)),
    ("RReLU", (), (3, 4)),
    ("RReLU", (0.1, 0.3, True), (3, 4)),
    ("SELU", (), (3, 4)),
    ("SELU", (True,), (3, 4)),
    ("CELU", (0.5,), (3, 4)),
    ("GLU", (), (3, 4)),
    ("GLU", (0,), (4, 3)),
    ("Mish", (), (3, 4)),
    ("Hardswish", (), (3, 4)),
    ("Hardsigmoid", (), (3, 4)),
    ("Softsign", (), (3, 4)),
    ("Tanhshrink", (), (3, 4)),
    ("Threshold", (0.1, 20), (3, 4)),
    ("Threshold", (0.1, 20, True), (3, 4)),
    ("Softmax2d", (), (2, 3, 4, 5)),
    ("Hardshrink", (), (3, 4)),
    ("Softshrink", (0.3,), (3, 4)),
    ("LogSigmoid", (), (3, 4)),
    ("Softmin", (1,), (3, 4)),
]


@pytest.mark.parametrize("name,args,shape", MODULES)
def test_activation_modules(name, args, shape):
    mm, tm = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    if name == "RReLU":
        mm.eval(), tm.eval()
    x = RNG.standard_normal(shape).astype(np.float32)
    if getattr(mm, "inplace", False):
        assert repr(mm) == repr(tm)
        a, b = _pair(x, False)
        assert_close(mm(a), tm(b))
        assert_close(a, b)
        return
    _same_module(mm, tm, x)


def test_rrelu_training():
    x = mt.tensor(X, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    nz = X != 0
    ratio = np.where(nz, y._data / np.where(nz, X, 1), 0)
    neg = X < 0
    assert np.all((ratio[neg] >= 0.1) & (ratio[neg] <= 0.3)) and np.allclose(ratio[X > 0], 1)
    assert len(np.unique(ratio[neg])) > 5
    y.sum().backward()
    assert np.allclose(x.grad._data[nz], ratio[nz])


def test_activation_errors():
    _raises_same(
        lambda: F.prelu(mt.randn(2, 4), mt.randn(3)), lambda: TF.prelu(torch.randn(2, 4), torch.randn(3))
    )
    _raises_same(lambda: F.prelu(mt.randn(6), mt.randn(6)), lambda: TF.prelu(torch.randn(6), torch.randn(6)))
    _raises_same(
        lambda: F.prelu(mt.randn(6, dtype=mt.float64), mt.randn(1)),
        lambda: TF.prelu(torch.randn(6, dtype=torch.float64), torch.randn(1)),
    )
    _raises_same(lambda: F.glu(mt.randn(2, 5)), lambda: TF.glu(torch.randn(2, 5)))
    _raises_same(lambda: F.glu(mt.tensor(1.0)), lambda: TF.glu(torch.tensor(1.0)))
    _raises_same(lambda: nn.Softmax2d()(mt.randn(2)), lambda: torch.nn.Softmax2d()(torch.randn(2)))
    _raises_same(lambda: F.celu(mt.randn(3), alpha=0.0), lambda: TF.celu(torch.randn(3), alpha=0.0))
    _raises_same(lambda: F.softshrink(mt.randn(3), -1.0), lambda: TF.softshrink(torch.randn(3), -1.0))
