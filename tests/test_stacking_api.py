"""torch's stacking/splitting helpers, logspace, asarray, poisson and a few parity methods,
against torch."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import assert_close, needs_torch, torch

pytestmark = needs_torch


def _both(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    arrs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    return [mt.tensor(a) for a in arrs], [torch.tensor(a) for a in arrs]


@pytest.mark.parametrize("fn", ["hstack", "vstack", "row_stack", "dstack", "column_stack"])
@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (2, 3)], [(2, 3, 4), (2, 3, 4)], [()]])
def test_stack_helpers_as_torch(fn, shapes):
    ms, ts = _both(*shapes)
    try:
        expected = getattr(torch, fn)(ts)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            getattr(mt, fn)(ms)
        return
    got = getattr(mt, fn)(ms)
    assert got.shape == expected.shape
    assert_close(got, expected)


def test_stack_helpers_grad_and_out():
    (a, b), (ta, tb) = _both((3,), (3, 2))
    a.requires_grad_(), ta.requires_grad_()
    w = np.arange(9, dtype=np.float32).reshape(3, 3)
    (mt.column_stack([a, b]) * mt.tensor(w)).sum().backward()
    (torch.column_stack([ta, tb]) * torch.tensor(w)).sum().backward()
    assert_close(a.grad, ta.grad)
    for fn in ("hstack", "vstack", "dstack", "column_stack"):
        with pytest.raises(RuntimeError, match=f"{fn} expects a non-empty TensorList"):
            getattr(mt, fn)([])
    out = mt.empty(0)
    mt.hstack([mt.ones(2), mt.zeros(3)], out=out)
    np.testing.assert_array_equal(out.numpy(), [1, 1, 0, 0, 0])


@pytest.mark.parametrize("fn", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast_as_torch(fn):
    ms, ts = _both((), (3,), (2, 3), (2, 3, 4))
    for m, t in zip(ms, ts):
        assert getattr(mt, fn)(m).shape == getattr(torch, fn)(t).shape
    got, expected = getattr(mt, fn)(*ms), getattr(torch, fn)(*ts)
    assert isinstance(got, tuple) and [g.shape for g in got] == [e.shape for e in expected]
    assert isinstance(getattr(mt, fn)([ms[0]]), tuple)


@pytest.mark.parametrize("ios", [3, 7, 1, [1, 5], [5, 1], [-2], [0, 0, 9], "tensor0d", "tensor1d"])
def test_tensor_split_as_torch(ios):
    (m,), (t,) = _both((4, 7))
    mi = ti = ios
    if ios == "tensor0d":
        mi, ti = mt.tensor(3), torch.tensor(3)
    elif ios == "tensor1d":
        mi, ti = mt.tensor([2, 4]), torch.tensor([2, 4])
    m.requires_grad_(), t.requires_grad_()
    got, expected = mt.tensor_split(m, mi, dim=1), torch.tensor_split(t, ti, dim=1)
    assert [g.shape for g in got] == [e.shape for e in expected]
    for g, e in zip(got, expected):
        assert_close(g, e)
    assert all(g.grad_fn.name() == "SliceBackward0" for g in got)
    sum((g * (i + 1)).sum() for i, g in enumerate(got)).backward()
    sum((e * (i + 1)).sum() for i, e in enumerate(expected)).backward()
    assert_close(m.grad, t.grad)
    assert [g.shape for g in m.tensor_split(mi, 1)] == [e.shape for e in expected]


@pytest.mark.parametrize(
    "fn,shape,ios",
    [
        ("hsplit", (6,), 3),
        ("hsplit", (2, 6), [1, 4]),
        ("vsplit", (4, 2), 2),
        ("dsplit", (1, 2, 4), [3]),
        ("hsplit", (2, 7), 3),
        ("vsplit", (6,), 2),
        ("dsplit", (2, 3), 1),
    ],
)
def test_hsplit_vsplit_dsplit_as_torch(fn, shape, ios):
    (m,), (t,) = _both(shape)
    try:
        expected = getattr(torch, fn)(t, ios)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=str(e).split(",")[0].replace(".", r"\.")):
            getattr(mt, fn)(m, ios)
        return
    got = getattr(mt, fn)(m, ios)
    assert [g.shape for g in got] == [e.shape for e in expected]
    for g, e in zip(got, expected):
        assert_close(g, e)


def test_ravel_is_contiguous_flat_as_torch():
    (m,), (t,) = _both((3, 4))
    assert_close(mt.ravel(m.t()), torch.ravel(t.t()))
    assert m.ravel().shape == (12,)


@pytest.mark.parametrize(
    "args,kw", [((0, 2, 3), {}), ((-1, 1, 5), {"base": 2.0}), ((0, 3, 4), {"dtype": "float64"})]
)
def test_logspace_as_torch(args, kw):
    kt = {k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}
    km = {k: getattr(mt, v) if k == "dtype" else v for k, v in kw.items()}
    assert_close(mt.logspace(*args, **km), torch.logspace(*args, **kt), rtol=1e-6, atol=0)


def test_asarray_as_torch():
    for obj in ([1, 2], [1.0, 2.0], np.arange(3.0), 3.5):
        got, expected = mt.asarray(obj), torch.asarray(obj)
        assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
        assert_close(got, expected)
    a = np.arange(3.0)
    assert np.shares_memory(mt.asarray(a).numpy(), a)
    assert not np.shares_memory(mt.asarray(a, copy=True).numpy(), a)
    t = mt.ones(2)
    assert mt.asarray(t) is t and mt.asarray(t, copy=True) is not t
    assert mt.asarray(t, dtype=mt.float64).dtype == mt.float64
    assert mt.asarray([1.0], requires_grad=True).requires_grad


def test_poisson_draws_as_torch():
    rates = np.array([0.5, 4.0, 20.0, 150.0], dtype=np.float32)
    mt.manual_seed(3)
    torch.manual_seed(3)
    assert_close(mt.poisson(mt.tensor(rates)), torch.poisson(torch.tensor(rates)), rtol=0, atol=0)


def test_is_complex_and_module_share_memory():
    assert mt.ones(2).is_complex() is False and torch.ones(2).is_complex() is False
    m = mt.nn.Linear(2, 2)
    assert m.share_memory() is m
