"""Layers against torch: with torch's weights copied in, the same input gives the same output
and the same gradients (input and parameters), in float32 and float64. Also default
initialisation (statistically), dropout, erf/GELU accuracy, the fused Linear op against the
composed version with second derivatives, and a short training run that follows torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.ops import nn as ops_nn

DTYPES = [np.float32, np.float64]


def copy_from_torch(m_mod, t_mod) -> None:
    """Load torch's weights into the minitorch module (via NumPy, as a user would)."""
    m_mod.load_state_dict({k: v.detach().numpy() for k, v in t_mod.state_dict().items()})


def compare_module(m_mod, t_mod, x_np, dtype, int_input: bool = False, seed: int = 0):
    """Forward and backward through both modules; compare output, input grad and param grads."""
    copy_from_torch(m_mod, t_mod)
    if dtype == np.float64:
        m_mod.double()
        t_mod.double()
    if int_input:
        xm, xt = mt.tensor(x_np), torch.tensor(x_np)
    else:
        xm = mt.tensor(x_np.astype(dtype), requires_grad=True)
        xt = torch.tensor(x_np.astype(dtype), requires_grad=True)
    out_m, out_t = m_mod(xm), t_mod(xt)
    assert_close(out_m, out_t)
    g = np.random.default_rng(seed).standard_normal(tuple(out_t.shape)).astype(dtype)
    out_m.backward(mt.tensor(g))
    out_t.backward(torch.tensor(g))
    if not int_input:
        assert_close(xm.grad, xt.grad)
    t_params = dict(t_mod.named_parameters())
    m_params = dict(m_mod.named_parameters())
    assert list(m_params) == list(t_params)
    for name, p in t_params.items():
        if p.grad is None:
            assert m_params[name].grad is None
        else:
            assert_close(m_params[name].grad, p.grad)
    return out_m


LAYERS = [
    ("Linear", (4, 3), {}, (5, 4)),
    ("Linear", (4, 3), {"bias": False}, (5, 4)),
    ("Linear", (4, 3), {}, (4,)),
    ("Linear", (4, 3), {}, (2, 3, 4)),
    ("Identity", (), {}, (3, 4)),
    ("ReLU", (), {}, (3, 4)),
    ("ReLU6", (), {}, (3, 4)),
    ("LeakyReLU", (), {}, (3, 4)),
    ("LeakyReLU", (0.2,), {}, (3, 4)),
    ("ELU", (), {}, (3, 4)),
    ("ELU", (0.7,), {}, (3, 4)),
    ("GELU", (), {}, (3, 4)),
    ("GELU", (), {"approximate": "tanh"}, (3, 4)),
    ("SiLU", (), {}, (3, 4)),
    ("Sigmoid", (), {}, (3, 4)),
    ("Tanh", (), {}, (3, 4)),
    ("Softplus", (), {}, (3, 4)),
    ("Softplus", (), {"beta": 2.0, "threshold": 1.0}, (3, 4)),
    ("LogSigmoid", (), {}, (3, 4)),
    ("Hardtanh", (-0.5, 0.8), {}, (3, 4)),
    ("Softmax", (1,), {}, (3, 4)),
    ("Softmax", (0,), {}, (3, 4)),
    ("LogSoftmax", (1,), {}, (3, 4)),
    ("LogSoftmax", (-1,), {}, (2, 3, 4)),
    ("Softmin", (1,), {}, (3, 4)),
    ("Flatten", (), {}, (2, 3, 4)),
    ("Flatten", (0, 1), {}, (2, 3, 4)),
    ("Unflatten", (1, (2, 2)), {}, (3, 4)),
    ("Unflatten", (-1, (2, -1)), {}, (3, 4)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS)
@pytest.mark.parametrize("dtype", DTYPES)
@needs_torch
def test_layer_matches_torch(name, args, kwargs, shape, dtype):
    x = np.random.default_rng(1).standard_normal(shape) * 2
    m_mod, t_mod = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(m_mod) == repr(t_mod)
    compare_module(m_mod, t_mod, x, dtype)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("ReLU", {}),
        ("LeakyReLU", {"negative_slope": 0.3}),
        ("ELU", {}),
        ("SiLU", {}),
        ("Hardtanh", {}),
        ("ReLU6", {}),
    ],
)
@needs_torch
def test_inplace_activations(name, kwargs):
    x = np.random.default_rng(2).standard_normal((3, 4)) * 3
    xm, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    hm, ht = xm * 2, xt * 2
    om = getattr(nn, name)(inplace=True, **kwargs)(hm)
    ot = getattr(torch.nn, name)(inplace=True, **kwargs)(ht)
    assert om is hm
    assert_close(hm, ht)
    (om * om).sum().backward()
    (ot * ot).sum().backward()
    assert_close(xm.grad, xt.grad)


@needs_torch
def test_gelu_extremes_float64():
    x = np.array([-40.0, -10.0, -5.0, -1e-8, 0.0, 1e-8, 3.0, 10.0, 40.0])
    for approx in ["none", "tanh"]:
        xm, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        om, ot = F.gelu(xm, approximate=approx), torch.nn.functional.gelu(xt, approximate=approx)
        assert_close(om, ot, rtol=1e-8, atol=1e-300)
        om.sum().backward()
        ot.sum().backward()
        assert_close(xm.grad, xt.grad, rtol=1e-8, atol=1e-300)


def test_erf_matches_math_erf():
    x = np.concatenate(
        [
            np.linspace(-8, 8, 4001),
            np.geomspace(1e-300, 30, 500),
            -np.geomspace(1e-300, 30, 500),
            [0.46875, 4.0, -4.0, np.inf, -np.inf],
        ]
    )
    ref = np.array([math.erf(v) for v in x])
    got = ops_nn.erf_np(x)
    np.testing.assert_allclose(got, ref, rtol=2e-15, atol=0)
    assert np.isnan(ops_nn.erf_np(np.array([np.nan]))[0])
    assert ops_nn.erf_np(np.float32([0.5])).dtype == np.float32


def test_gelu_bad_approximate():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(mt.ones(2), approximate="foo")


# --- Linear: fused op, errors, init ---
@pytest.mark.parametrize("xshape", [(5, 4), (4,), (2, 3, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_fused_linear_matches_composed(xshape, bias):
    rng = np.random.default_rng(3)
    x_np, w_np, b_np = rng.standard_normal(xshape), rng.standard_normal((3, 4)), rng.standard_normal(3)
    x, w, b = (mt.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
    x2, w2, b2 = (mt.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
    fused = F.linear(x, w, b if bias else None)
    composed = x2 @ w2.t() + b2 if bias else x2 @ w2.t()
    # grad_fn names per input dims and bias, as torch's: tests/test_fast_paths.py
    assert_close(fused, composed._data)
    g = mt.tensor(rng.standard_normal(fused.shape))
    fused.backward(g)
    composed.backward(g)
    for a, c in zip((x, w, b) if bias else (x, w), (x2, w2, b2) if bias else (x2, w2)):
        assert_close(a.grad, c.grad._data)


@pytest.mark.parametrize("xshape", [(3, 4), (4,), (2, 2, 4)])
def test_fused_linear_second_derivatives(xshape):
    rng = np.random.default_rng(4)
    x = mt.tensor(rng.standard_normal(xshape), requires_grad=True)
    w = mt.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    b = mt.tensor(rng.standard_normal(2), requires_grad=True)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(F.linear, (x, w, b))
    assert gradgradcheck(lambda a, c: F.linear(a, c), (x, w))


@needs_torch
def test_linear_double_backward_matches_torch():
    rng = np.random.default_rng(5)
    x_np, w_np, b_np = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    m = [mt.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np)]
    t = [torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np)]
    om = (F.linear(*m).tanh() ** 2).sum()
    ot = (torch.nn.functional.linear(*t).tanh() ** 2).sum()
    gm = mt.autograd.grad(om, m, create_graph=True)
    gt = torch.autograd.grad(ot, t, create_graph=True)
    sum(g.sum() * (i + 1) for i, g in enumerate(gm)).backward()
    sum(g.sum() * (i + 1) for i, g in enumerate(gt)).backward()
    for a, c in zip(m, t):
        assert_close(a.grad, c.grad)


@pytest.mark.parametrize(
    "op, args",
    [
        (ops_nn.Erf.apply, ()),
        (lambda x: ops_nn.Gelu.apply(x, "none"), ()),
        (lambda x: ops_nn.Gelu.apply(x, "tanh"), ()),
        (lambda x: ops_nn.Elu.apply(x, 0.7), ()),
        (ops_nn.LogSigmoid.apply, ()),
        (lambda x: ops_nn.Softplus.apply(x, 2.0, 1.5), ()),
    ],
)
def test_activation_ops_second_derivatives(op, args):
    x = mt.tensor(np.array([-2.3, -0.7, 0.4, 1.9, 0.9]), requires_grad=True)
    assert gradcheck(op, (x,))
    assert gradgradcheck(op, (x,))


@needs_torch
@pytest.mark.parametrize("shape", [(2, 5), (2, 3, 5), (5,)])
def test_linear_wrong_features_message(shape):
    with pytest.raises(RuntimeError) as te:
        torch.nn.Linear(4, 3)(torch.randn(*shape))
    with pytest.raises(RuntimeError) as me:
        nn.Linear(4, 3)(mt.randn(*shape))
    assert str(me.value) == str(te.value)


@needs_torch
def test_linear_dtype_mismatch_message():
    with pytest.raises(RuntimeError) as te:
        torch.nn.Linear(4, 3)(torch.randn(2, 4).double())
    with pytest.raises(RuntimeError) as me:
        nn.Linear(4, 3)(mt.randn(2, 4).double())
    assert str(me.value) == str(te.value)


def test_linear_default_init_bounds_and_spread():
    fan_in = 50
    lin = nn.Linear(fan_in, 400)
    bound = 1 / math.sqrt(fan_in)
    w, b = lin.weight._data, lin.bias._data
    assert w.dtype == np.float32 and w.shape == (400, fan_in) and b.shape == (400,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-k, k) has std k / sqrt(3); 20000 draws pin it to about 1%
    assert abs(w.std() - bound / math.sqrt(3)) < 0.03 * bound
    assert abs(w.mean()) < 0.02 * bound
    assert np.abs(w).max() > 0.99 * bound
    assert lin.weight.requires_grad and lin.weight.grad_fn is None


def test_linear_init_reproducible_under_manual_seed():
    mt.manual_seed(7)
    a = nn.Linear(3, 2)
    mt.manual_seed(7)
    b = nn.Linear(3, 2)
    assert np.array_equal(a.weight._data, b.weight._data) and np.array_equal(a.bias._data, b.bias._data)
    assert not np.array_equal(a.weight._data, nn.Linear(3, 2).weight._data)


def test_linear_dtype_argument():
    lin = nn.Linear(3, 2, dtype=mt.float64)
    assert lin.weight.dtype == mt.float64 and lin.bias.dtype == mt.float64


# --- Embedding ---
@needs_torch
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding_idx": 0},
        {"padding_idx": -1},
        {"scale_grad_by_freq": True},
        {"padding_idx": 2, "scale_grad_by_freq": True},
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_embedding_matches_torch(kwargs, dtype):
    idx = np.array([[0, 2, 4], [4, 4, 1]])
    m_mod, t_mod = nn.Embedding(5, 3, **kwargs), torch.nn.Embedding(5, 3, **kwargs)
    assert repr(m_mod) == repr(t_mod)
    compare_module(m_mod, t_mod, idx, dtype, int_input=True)


@needs_torch
def test_embedding_max_norm_renormalises_like_torch():
    idx = np.array([1, 3, 3])
    m_mod, t_mod = nn.Embedding(4, 3, max_norm=0.5), torch.nn.Embedding(4, 3, max_norm=0.5)
    assert repr(m_mod) == repr(t_mod)
    compare_module(m_mod, t_mod, idx, np.float64, int_input=True)
    assert_close(m_mod.weight.detach(), t_mod.weight.detach())


def test_embedding_init_and_padding_row():
    emb = nn.Embedding(2000, 10, padding_idx=3)
    w = emb.weight._data
    assert np.all(w[3] == 0)
    rest = np.delete(w, 3, axis=0)
    assert abs(rest.mean()) < 0.03 and abs(rest.std() - 1) < 0.03
    out = emb(mt.tensor([3, 5, 3]))
    out.sum().backward()
    assert np.all(emb.weight.grad._data[3] == 0) and np.all(emb.weight.grad._data[5] == 1)


@needs_torch
def test_embedding_errors_and_from_pretrained():
    w = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    for bad in (np.array([0, 4]), np.array([0.0, 1.0], dtype=np.float32)):
        with pytest.raises(Exception) as te:
            torch.nn.functional.embedding(torch.tensor(bad), torch.tensor(w))
        with pytest.raises(type(te.value)) as me:
            F.embedding(mt.tensor(bad), mt.tensor(w))
        assert str(me.value) == str(te.value).replace("torch.", "minitorch.")
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=5)
    emb = nn.Embedding.from_pretrained(mt.tensor(w))
    assert not emb.weight.requires_grad and np.array_equal(emb.weight._data, w)
    assert nn.Embedding.from_pretrained(mt.tensor(w), freeze=False).weight.requires_grad


# --- Dropout ---
def test_dropout_statistics_and_scaling():
    drop = nn.Dropout(0.3)
    x = mt.ones(200, 100)
    y = drop(x)._data
    zero_frac = (y == 0).mean()
    assert abs(zero_frac - 0.3) < 0.015
    assert np.allclose(y[y != 0], 1 / 0.7)
    assert y.dtype == np.float32
    drop.eval()
    assert drop(x) is x


def test_dropout_gradient_uses_the_same_mask():
    x = mt.randn(50, 40, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    kept = y._data != 0
    assert np.allclose(x.grad._data[kept], 2.0) and np.all(x.grad._data[~kept] == 0)


def test_dropout_edge_probabilities_and_errors():
    x = mt.randn(4, 5)
    assert F.dropout(x, 0.0) is x
    assert np.all(F.dropout(x, 1.0)._data == 0)
    assert F.dropout(x, 0.5, training=False) is x
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="but got -0.1"):
        F.dropout(x, -0.1)


def test_dropout_reproducible_under_manual_seed_and_inplace():
    mt.manual_seed(3)
    a = F.dropout(mt.ones(10, 10), 0.5)
    mt.manual_seed(3)
    h = mt.ones(10, 10)
    b = F.dropout(h, 0.5, inplace=True)
    assert b is h and np.array_equal(a._data, b._data)
    assert repr(nn.Dropout(0.2, inplace=True)) == "Dropout(p=0.2, inplace=True)"


def test_dropout2d_zeroes_whole_channels():
    drop = nn.Dropout2d(0.5)
    y = drop(mt.ones(8, 16, 3, 3))._data
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    drop.eval()
    x = mt.ones(2, 3, 4, 4)
    assert drop(x) is x
    with pytest.warns(UserWarning, match="channel-wise 1D dropout"):
        y3 = F.dropout2d(mt.ones(4, 6, 5), 0.5)._data
    assert np.all((y3 == 0).all(-1) | (y3 == 2).all(-1))
    assert repr(drop) == "Dropout2d(p=0.5, inplace=False)"


# --- misc ---
def test_softmax_without_dim_warns_and_picks_torch_dim():
    x = mt.randn(3, 4)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(x)
    assert_close(out, x.softmax(1)._data)


@needs_torch
def test_unflatten_bad_sizes_message():
    with pytest.raises(RuntimeError) as te:
        torch.nn.Unflatten(1, (2, 2))(torch.randn(2, 3, 4))
    with pytest.raises(RuntimeError) as me:
        nn.Unflatten(1, (2, 2))(mt.randn(2, 3, 4))
    assert str(me.value) == str(te.value)


# --- training follows torch ---
@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
def test_mlp_sgd_training_follows_torch(dtype):
    t_model = torch.nn.Sequential(
        torch.nn.Linear(6, 16),
        torch.nn.GELU(),
        torch.nn.Linear(16, 16),
        torch.nn.Tanh(),
        torch.nn.Linear(16, 3),
    )
    m_model = nn.Sequential(nn.Linear(6, 16), nn.GELU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))
    copy_from_torch(m_model, t_model)
    if dtype == np.float64:
        t_model.double()
        m_model.double()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 6)).astype(dtype), rng.integers(0, 3, 32)
    lr = 0.1
    for _ in range(20):
        loss_m = F.cross_entropy(m_model(mt.tensor(x)), mt.tensor(y))
        loss_t = torch.nn.functional.cross_entropy(t_model(torch.tensor(x)), torch.tensor(y))
        assert_close(loss_m, loss_t, rtol=1e-8 if dtype == np.float64 else 1e-4)
        m_model.zero_grad()
        t_model.zero_grad()
        loss_m.backward()
        loss_t.backward()
        with mt.no_grad():
            for p in m_model.parameters():
                p -= lr * p.grad
        with torch.no_grad():
            for p in t_model.parameters():
                p -= lr * p.grad
    for pm, pt in zip(m_model.parameters(), t_model.parameters()):
        assert_close(pm.detach(), pt, rtol=1e-8 if dtype == np.float64 else 1e-4)
