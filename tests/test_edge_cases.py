"""Edge cases of issue 13 against torch 2.13: subgradients at kinks, precision (var of 1e4 + randn,
logaddexp's grad, sigmoid far below 0), shapes/dtypes where torch raises, empty and 0-d inputs, and
torch's wording for broadcast and item-assignment errors."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import needs_torch, torch

pytestmark = needs_torch

LIBS = [mt, torch]


def _grad(lib, fn, vals):
    x = lib.tensor(vals, requires_grad=True)
    fn(lib, x).sum().backward()
    return x.grad.tolist()


@pytest.mark.parametrize(
    "fn",
    [
        lambda L, x: L.nn.functional.hardtanh(x),
        lambda L, x: L.nn.functional.relu6(x),
        lambda L, x: L.nn.functional.hardtanh(x, -2.0, 0.5),
        lambda L, x: L.nn.Hardtanh()(x),
        lambda L, x: L.nn.ReLU6()(x),
        lambda L, x: x.clamp(-1.0, 1.0),
    ],
)
def test_subgradients_at_kinks(fn):
    vals = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 6.0, 7.0, -2.0]
    assert _grad(mt, fn, vals) == _grad(torch, fn, vals)


def test_hardtanh_inplace_and_int():
    a, t = mt.tensor([-3.0, 0.2, 3.0]), torch.tensor([-3.0, 0.2, 3.0])
    mt.nn.functional.hardtanh(a, inplace=True)
    torch.nn.functional.hardtanh(t, inplace=True)
    assert a.tolist() == t.tolist()
    assert mt.nn.functional.relu6(mt.tensor([-1, 3, 9])).tolist() == [0, 3, 6]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_var_std_of_large_offset(dtype):
    x = 1e4 + np.random.default_rng(0).standard_normal((1000, 8))
    x = x.astype(dtype)
    exact = np.var(x.astype(np.float64), axis=0, ddof=1)
    for name in ("var", "std"):
        ref = exact if name == "var" else np.sqrt(exact)
        m = getattr(mt.tensor(x), name)(0).numpy().astype(np.float64)
        t = getattr(torch.tensor(x), name)(0).numpy().astype(np.float64)
        torch_err = np.abs(t - ref).max()
        assert np.abs(m - ref).max() <= max(3 * torch_err, 4 * np.finfo(dtype).eps * ref.max())


def test_logaddexp_grad_of_equal_large_inputs():
    for lib in LIBS:
        a = lib.tensor(1e4, requires_grad=True)
        b = lib.tensor(1e4, requires_grad=True)
        lib.logaddexp(a, b).backward()
        assert a.grad.item() == 0.5 and b.grad.item() == 0.5


def test_sigmoid_far_below_zero_and_bce():
    x = [-100.0, -90.0, -88.0, -5.0, 0.0, 5.0, 20.0]
    np.testing.assert_array_equal(mt.sigmoid(mt.tensor(x)).numpy(), torch.sigmoid(torch.tensor(x)).numpy())
    for lib in LIBS:
        s = lib.sigmoid(lib.tensor([-100.0]))
        assert lib.nn.functional.binary_cross_entropy(s, lib.tensor([1.0])).item() == 100.0


def _raises_as_torch(fn):
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(type(te.value)) as me:
        fn(mt)
    assert str(me.value) == str(te.value)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.stack([L.ones(2, 2), L.ones(2, 2)], dim=3),
        lambda L: L.stack([L.ones(2, 2), L.ones(2, 2)], dim=-4),
        lambda L: L.ones(2, 2).sum((0, 0)),
        lambda L: L.ones(2, 2).sum((1, -1)),
        lambda L: L.ones(2, 2).mean((0, -2)),
        lambda L: L.tensor([3, 4]) // L.tensor([1, 0]),
        lambda L: L.tensor([3, 4]) // 0,
        lambda L: L.ones(3, 4) + L.ones(3, 5),
        lambda L: L.ones(3, 4) * L.ones(2, 2, 1),
        lambda L: L.ones(2, 3) - L.ones(3, 2),
        lambda L: L.ones(2, 3) / L.ones(4),
        lambda L: L.ones(2, 3) ** L.ones(4),
    ],
)
def test_errors_as_torch(fn):
    _raises_as_torch(fn)


@pytest.mark.parametrize("value_shape", [(5,), (2, 4), (3, 1, 4)])
def test_setitem_wrong_shape_error(value_shape):
    def fn(L):
        a = L.zeros(3, 4)
        a[:] = L.ones(*value_shape)

    def fn_grad(L):
        a = L.zeros(3, 4, requires_grad=True) * 1
        a[:] = L.ones(*value_shape)

    if value_shape == (5,):
        _raises_as_torch(lambda L: L.zeros(3, 4).__setitem__(0, L.ones(5)))
    else:
        _raises_as_torch(fn)
        _raises_as_torch(fn_grad)


def test_cat_promotes_as_torch():
    for a, b in [("int64", "float32"), ("float32", "int64"), ("bool", "int32"), ("uint8", "int8")]:
        m = mt.cat([mt.tensor(np.ones(2, a)), mt.tensor(np.ones(2, b))])
        t = torch.cat([torch.tensor(np.ones(2, a)), torch.tensor(np.ones(2, b))])
        assert str(m.dtype).split(".")[1] == str(t.dtype).split(".")[1]


def test_integer_floor_division_is_unchanged():
    for lib in LIBS:
        assert (lib.tensor([7, -7]) // lib.tensor([2, 2])).tolist() == [3, -4]
        assert (lib.tensor([7.0, 1.0]) // 0.0).tolist() == [float("inf")] * 2


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_empty(name, dim):
    m = getattr(mt.ones(5, 0, requires_grad=True), name)(dim)
    t = getattr(torch.ones(5, 0), name)(dim)
    assert tuple(m.shape) == tuple(t.shape)
    m.sum().backward()


def test_gather_on_0d():
    for x, i in [(3.0, 0), (-1.5, 0)]:
        m = mt.gather(mt.tensor(x), 0, mt.tensor(i))
        t = torch.gather(torch.tensor(x), 0, torch.tensor(i))
        assert m.shape == () and m.item() == t.item()
    x = mt.tensor(2.0, requires_grad=True)
    x.gather(0, mt.tensor(0)).backward()
    assert x.grad.item() == 1.0


@pytest.mark.parametrize("shape", [(0, 3), (0, 3, 4)])
def test_batch_norm_training_on_an_empty_batch(shape):
    out = {}
    for lib in LIBS:
        m = lib.nn.BatchNorm1d(3)
        x = lib.ones(*shape, requires_grad=True)
        y = m(x)
        y.sum().backward()
        out[lib] = (
            tuple(y.shape),
            m.running_mean.tolist(),
            m.running_var.tolist(),
            int(m.num_batches_tracked),
            m.weight.grad.tolist(),
            tuple(x.grad.shape),
        )
    assert out[mt] == out[torch]
