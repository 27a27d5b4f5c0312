"""The one place where broadcast gradients are summed back: ``autograd.engine._sum_to_shape``.

Ops return gradients shaped like their (broadcast) output; the engine reduces each one to its
input's shape and dtype. These tests pin the helper down directly (against a NumPy reference),
check that it does no work when there is nothing to do, and check that the engine uses it for
every edge (so no op has to unbroadcast by itself).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch as mt
from minitorch.autograd import engine
from minitorch.autograd.engine import _sum_to_shape


def reference_sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` over the leading dims it has beyond ``shape`` and over dims where ``shape`` is 1."""
    lead = g.ndim - len(shape)
    out = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and out.shape[i] != 1)
    return out.sum(axis=axes, keepdims=True) if axes else out


def grad_tensor(shape, dtype=np.float64, seed=0) -> mt.Tensor:
    return mt.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


CASES = [
    # (grad shape, input shape)
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((2, 3), (1, 3)),
    ((2, 3), (2, 1)),
    ((2, 3), (1, 1)),
    ((2, 3), (1,)),
    ((2, 3), ()),
    ((4, 2, 3), (2, 1)),
    ((4, 2, 3), (4, 1, 3)),
    ((4, 2, 3), (1, 2, 1)),
    ((5, 4, 2, 3), (4, 1, 1)),
    ((1, 3), (3,)),
    ((1, 1), ()),
    ((), ()),
    ((3,), (1,)),
    ((0, 3), (1, 3)),
    ((0, 3), (3,)),
    ((2, 0), (2, 1)),
]


@pytest.mark.parametrize("gshape,shape", CASES, ids=[f"{g}->{s}" for g, s in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sum_to_shape_matches_numpy(gshape, shape, dtype):
    g = grad_tensor(gshape, dtype)
    out = _sum_to_shape(g, shape, np.dtype(dtype))
    assert out.shape == shape
    assert out.dtype == mt.tensor(np.zeros(0, dtype)).dtype
    expected = reference_sum_to(g._data, shape)
    np.testing.assert_allclose(out._data, expected, rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_sum_to_shape_property(data):
    """Any shape that broadcasts to the grad's shape: sum and shape agree with NumPy."""
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), label="input")
    extra = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3), label="lead")
    grown = tuple(n if n != 1 else data.draw(st.integers(1, 3)) for n in shape)
    gshape = extra + grown
    g = grad_tensor(gshape)
    out = _sum_to_shape(g, shape, np.dtype(np.float64))
    assert out.shape == shape
    np.testing.assert_allclose(out._data, reference_sum_to(g._data, shape), rtol=1e-12, atol=1e-12)
    # the total is preserved: summing back never drops or duplicates a contribution
    np.testing.assert_allclose(out._data.sum(), g._data.sum(), rtol=1e-10, atol=1e-10)


def test_nothing_to_do_returns_the_same_tensor():
    """Same shape and dtype: no copy, no cast, no new node."""
    g = grad_tensor((2, 3))
    assert _sum_to_shape(g, (2, 3), np.dtype(np.float64)) is g


def test_size_one_grad_for_size_one_input_needs_no_sum(monkeypatch):
    """A (1, 3) grad for a (1, 3) input is returned as is; only a leading dim triggers a reshape."""
    calls = []
    orig = mt.Tensor.sum
    monkeypatch.setattr(mt.Tensor, "sum", lambda self, *a, **k: calls.append(a) or orig(self, *a, **k))
    g = grad_tensor((1, 3))
    assert _sum_to_shape(g, (1, 3), np.dtype(np.float64)) is g
    out = _sum_to_shape(grad_tensor((1, 1, 3)), (1, 3), np.dtype(np.float64))
    assert out.shape == (1, 3)
    assert calls == [((0,),)]  # one sum over the leading dim, none over the matching size-1 dim


def test_dtype_is_cast_to_the_inputs():
    g = grad_tensor((2, 3), np.float64)
    out = _sum_to_shape(g, (3,), np.dtype(np.float32))
    assert out.dtype == mt.float32
    np.testing.assert_allclose(out._data, g._data.sum(0), rtol=1e-6)
    same_shape = _sum_to_shape(g, (2, 3), np.dtype(np.float32))
    assert same_shape.dtype == mt.float32 and same_shape.shape == (2, 3)


def test_the_reduction_is_differentiable():
    """With create_graph the summed grad stays on the graph (double backward through broadcasting)."""
    g = mt.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    out = _sum_to_shape(g, (3,), np.dtype(np.float64))
    assert out.requires_grad
    (out * mt.tensor([1.0, 2.0, 3.0], dtype=mt.float64)).sum().backward()
    np.testing.assert_array_equal(g.grad._data, np.tile([1.0, 2.0, 3.0], (2, 1)))


@pytest.mark.parametrize(
    "gshape,shape", [((2, 3), (3, 2)), ((2, 3), (2,)), ((3,), (2, 3)), ((2, 3), (4, 2, 3))]
)
def test_incompatible_shapes_raise(gshape, shape):
    """A gradient the input cannot broadcast to is a bug in some backward: say so, never reshape it."""
    with pytest.raises(RuntimeError, match="invalid gradient"):
        _sum_to_shape(grad_tensor(gshape), shape, np.dtype(np.float64))


def test_engine_names_the_node_that_returned_a_bad_gradient():
    class Bad(mt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.reshape(3, 2)

    x = mt.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="BadBackward returned an invalid gradient"):
        Bad.apply(x).sum().backward()


def test_engine_reduces_every_broadcast_edge(monkeypatch):
    """Every gradient the engine hands to an input edge goes through the helper, once per edge."""
    seen = []
    orig = engine._sum_to_shape

    def spy(g, shape, dtype):
        seen.append((tuple(g.shape), shape))
        return orig(g, shape, dtype)

    monkeypatch.setattr(engine, "_sum_to_shape", spy)
    a = mt.randn(2, 3, requires_grad=True)
    b = mt.randn(3, requires_grad=True)
    c = mt.randn(1, 1, requires_grad=True)
    ((a * b + c) * 2).sum().backward()
    assert ((2, 3), (3,)) in seen and ((2, 3), (1, 1)) in seen
    assert a.grad.shape == (2, 3) and b.grad.shape == (3,) and c.grad.shape == (1, 1)
    np.testing.assert_allclose(b.grad._data, 2 * a._data.sum(0), rtol=1e-5)
    np.testing.assert_allclose(c.grad._data, np.full((1, 1), 12.0), rtol=1e-6)


def test_broadcast_grad_of_scalar_leaf_and_int_operand():
    """A 0-d leaf broadcast against a matrix, and a grad flowing past an integer operand."""
    s = mt.tensor(2.0, requires_grad=True)
    m = mt.arange(6).reshape(2, 3)  # int64, no grad
    (s * m).sum().backward()
    assert s.grad.shape == () and s.grad.dtype == mt.float32
    assert s.grad.item() == 15.0
