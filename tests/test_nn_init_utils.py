"""``nn.init`` (distributions checked statistically against the formulas, gains and fans
against torch) and ``nn.utils`` (gradient clipping and parameter vectors against torch)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn as nn
from minitorch.nn import init

# --- calculate_gain / fans ---
GAINS = [
    ("linear", None),
    ("conv2d", None),
    ("sigmoid", None),
    ("tanh", None),
    ("relu", None),
    ("leaky_relu", None),
    ("leaky_relu", 0.2),
    ("leaky_relu", math.sqrt(5)),
    ("selu", None),
]


@needs_torch
@pytest.mark.parametrize("nonlinearity, param", GAINS)
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


@needs_torch
@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (6, 3, 2, 2), (2, 1, 4, 4, 4)])
def test_fan_in_fan_out_matches_torch(shape):
    assert init._calculate_fan_in_and_fan_out(
        mt.empty(*shape)
    ) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(mt.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(mt.empty(3, 3), mode="fan_avg")


# --- distributions ---
SHAPE = (300, 200)  # 60000 draws: sample std within ~0.6% of the true one


def _check_uniform(x: np.ndarray, bound: float):
    assert np.abs(x).max() <= bound and np.abs(x).max() > 0.99 * bound
    assert abs(x.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(x.mean()) < 0.02 * bound


def _check_normal(x: np.ndarray, std: float, mean: float = 0.0):
    assert abs(x.std() - std) < 0.02 * std
    assert abs(x.mean() - mean) < 0.02 * std + 1e-12
    # about 4.55% of a normal lies beyond 2 std
    assert abs((np.abs(x - mean) > 2 * std).mean() - 0.0455) < 0.005


def test_uniform_and_normal():
    t = mt.empty(*SHAPE)
    assert init.uniform_(t, -2.0, 3.0) is t
    assert t._data.min() >= -2 and t._data.max() < 3 and abs(t._data.mean() - 0.5) < 0.03
    init.normal_(t, 1.5, 0.3)
    _check_normal(t._data, 0.3, 1.5)
    assert t.dtype == mt.float32


def test_constant_zeros_ones_eye():
    t = mt.empty(3, 4)
    assert np.all(init.constant_(t, 0.25)._data == 0.25)
    assert np.all(init.zeros_(t)._data == 0)
    assert np.all(init.ones_(t)._data == 1)
    assert np.array_equal(init.eye_(t)._data, np.eye(3, 4, dtype=np.float32))


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier(gain):
    t = mt.empty(*SHAPE)
    fan_in, fan_out = SHAPE[1], SHAPE[0]
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    _check_uniform(init.xavier_uniform_(t, gain=gain)._data, math.sqrt(3) * std)
    _check_normal(init.xavier_normal_(t, gain=gain)._data, std)


@pytest.mark.parametrize(
    "a, mode, nonlinearity",
    [
        (0, "fan_in", "leaky_relu"),
        (math.sqrt(5), "fan_in", "leaky_relu"),
        (0, "fan_out", "relu"),
        (0.1, "fan_in", "leaky_relu"),
        (0, "fan_in", "tanh"),
    ],
)
def test_kaiming(a, mode, nonlinearity):
    t = mt.empty(*SHAPE)
    fan = SHAPE[1] if mode == "fan_in" else SHAPE[0]
    std = init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    _check_uniform(
        init.kaiming_uniform_(t, a=a, mode=mode, nonlinearity=nonlinearity)._data, math.sqrt(3) * std
    )
    _check_normal(init.kaiming_normal_(t, a=a, mode=mode, nonlinearity=nonlinearity)._data, std)


def test_kaiming_conv_shape_uses_receptive_field():
    t = mt.empty(64, 16, 3, 3)
    init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
    _check_normal(t._data, math.sqrt(2.0) / math.sqrt(64 * 9))


def test_kaiming_zero_element_warns():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(mt.empty(0, 3))


def test_trunc_normal_bounds_and_spread():
    t = mt.empty(*SHAPE)
    init.trunc_normal_(t, mean=0.0, std=1.0, a=-1.0, b=2.0)
    x = t._data
    assert x.min() >= -1.0 and x.max() <= 2.0
    # mean of N(0,1) truncated to [-1, 2]: (phi(-1) - phi(2)) / (Phi(2) - Phi(-1))
    phi = lambda v: math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
    Phi = lambda v: 0.5 * (1 + math.erf(v / math.sqrt(2)))
    expected_mean = (phi(-1) - phi(2)) / (Phi(2) - Phi(-1))
    assert abs(x.mean() - expected_mean) < 0.01


def test_orthogonal():
    for shape in [(6, 4), (4, 6), (3, 2, 2)]:
        t = init.orthogonal_(mt.empty(*shape), gain=2.0)
        flat = t._data.reshape(shape[0], -1).astype(np.float64)
        gram = flat @ flat.T if shape[0] <= flat.shape[1] else flat.T @ flat
        np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-5)


def test_init_in_place_on_parameters_without_recording():
    p = nn.Parameter(mt.empty(3, 3))
    data = p._data
    v = p._version
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_normal_, init.zeros_):
        assert fn(p) is p
    assert p._data is data and p.grad_fn is None and p.requires_grad and p.is_leaf
    assert p._version > v


def test_init_reproducible_under_manual_seed_and_generator():
    mt.manual_seed(11)
    a = init.kaiming_uniform_(mt.empty(4, 4))._data.copy()
    mt.manual_seed(11)
    b = init.kaiming_uniform_(mt.empty(4, 4))._data.copy()
    assert np.array_equal(a, b)
    g1, g2 = mt.Generator().manual_seed(5), mt.Generator().manual_seed(5)
    assert np.array_equal(
        init.normal_(mt.empty(3), generator=g1)._data, init.normal_(mt.empty(3), generator=g2)._data
    )


def test_init_float64_tensor_keeps_dtype():
    t = mt.empty(3, 3, dtype=mt.float64)
    init.xavier_normal_(t)
    assert t.dtype == mt.float64


# --- clip_grad_norm_ / clip_grad_value_ ---
def _models_with_grads(dtype=np.float32, scale=1.0):
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    vals = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [(rng.standard_normal(s) * scale).astype(dtype) for s in shapes]
    mps = [nn.Parameter(mt.tensor(v)) for v in vals]
    tps = [torch.nn.Parameter(torch.tensor(v)) for v in vals]
    for mp, tp, g in zip(mps, tps, grads):
        mp.grad = mt.tensor(g)
        tp.grad = torch.tensor(g)
    return mps, tps


@needs_torch
@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf"), 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, dtype):
    mps, tps = _models_with_grads(dtype)
    tm = nn.utils.clip_grad_norm_(mps, max_norm, norm_type)
    tt = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type)
    assert_close(tm, tt)
    for mp, tp in zip(mps, tps):
        assert_close(mp.grad, tp.grad)


@needs_torch
def test_clip_grad_norm_edge_cases():
    mps, tps = _models_with_grads()
    mps[0].grad._data[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        nn.utils.clip_grad_norm_(mps, 1.0, error_if_nonfinite=True)
    p = nn.Parameter(mt.ones(2))
    out = nn.utils.clip_grad_norm_([p], 1.0)
    assert out.item() == 0.0 and p.grad is None
    single = nn.Parameter(mt.ones(4))
    single.grad = mt.full((4,), 2.0)
    assert nn.utils.clip_grad_norm_(single, 1.0).item() == pytest.approx(4.0)
    assert np.allclose(single.grad._data, 0.5, rtol=1e-5)
    model = nn.Linear(3, 2)
    model(mt.randn(5, 3)).sum().backward()
    before = np.concatenate([p.grad._data.ravel() for p in model.parameters()])
    total = nn.utils.clip_grad_norm_(model.parameters(), 1e6)
    assert total.item() == pytest.approx(np.linalg.norm(before), rel=1e-5)


@needs_torch
def test_clip_grad_value_matches_torch():
    mps, tps = _models_with_grads(scale=3.0)
    nn.utils.clip_grad_value_(mps, 1.5)
    torch.nn.utils.clip_grad_value_(tps, 1.5)
    for mp, tp in zip(mps, tps):
        assert_close(mp.grad, tp.grad)


# --- parameters <-> vector ---
@needs_torch
def test_parameters_to_vector_and_back_match_torch():
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    m = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    m.load_state_dict({k: v.detach().numpy() for k, v in t.state_dict().items()})
    vm = nn.utils.parameters_to_vector(m.parameters())
    vt = torch.nn.utils.parameters_to_vector(t.parameters())
    assert_close(vm, vt)
    (vm * vm).sum().backward()
    (vt * vt).sum().backward()
    for pm, pt in zip(m.parameters(), t.parameters()):
        assert_close(pm.grad, pt.grad)
    new = np.arange(vm.numel(), dtype=np.float32) / 10
    params = list(m.parameters())
    nn.utils.vector_to_parameters(mt.tensor(new), m.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t.parameters())
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    for pm, pt in zip(m.parameters(), t.parameters()):
        assert_close(pm.detach(), pt.detach())
    with pytest.raises(TypeError, match="expected minitorch.Tensor"):
        nn.utils.vector_to_parameters(new, m.parameters())
