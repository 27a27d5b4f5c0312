"""The engine's fast path (``backward()`` without ``create_graph``: grads flow as NumPy arrays through
the ops' ``backward_np``) against the general path (``autograd.grad``: the Tensor ``backward``s)
and against torch: the same bits, and the same bookkeeping (aliasing, hooks, freed graphs)."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from minitorch.autograd import engine
from tests.helpers import needs_torch, torch

rng = np.random.default_rng(0)


def _arr(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


CASES = {
    "add": (lambda L, a, b: a + b, [(3, 4), (4,)]),
    "add_scalar": (lambda L, a: a + 0.5, [(3, 4)]),
    "sub": (lambda L, a, b: a - b, [(2, 3, 4), (3, 1)]),
    "rsub": (lambda L, a: 2.0 - a, [(3, 4)]),
    "mul": (lambda L, a, b: a * b, [(3, 4), (1, 4)]),
    "mul_scalar": (lambda L, a: a * 1.0001, [(3, 4)]),
    "mul_self": (lambda L, a: a * a, [(3, 4)]),
    "div": (lambda L, a, b: a / b, [(3, 4), (4,)]),
    "rdiv": (lambda L, a: 2.0 / a, [(3, 4)]),
    "neg": (lambda L, a: -a, [(3, 4)]),
    "tanh": (lambda L, a: a.tanh(), [(3, 4)]),
    "tanh_0d": (lambda L, a: a.tanh(), [()]),
    "relu_0d": (lambda L, a: a.relu() * 2.0, [()]),
    "sigmoid": (lambda L, a: a.sigmoid(), [(3, 4)]),
    "exp": (lambda L, a: a.exp(), [(3, 4)]),
    "relu": (lambda L, a: a.relu(), [(3, 4)]),
    "matmul": (lambda L, a, b: a @ b, [(3, 4), (4, 5)]),
    "matmul_batched": (lambda L, a, b: a @ b, [(2, 3, 4), (4, 5)]),
    "matmul_vec": (lambda L, a, b: a @ b, [(3, 4), (4,)]),
    "linear": (lambda L, x, w, b: L.nn.functional.linear(x, w, b), [(5, 4), (3, 4), (3,)]),
    "linear_3d": (lambda L, x, w, b: L.nn.functional.linear(x, w, b), [(2, 5, 4), (3, 4), (3,)]),
    "linear_1d": (lambda L, x, w, b: L.nn.functional.linear(x, w, b), [(4,), (3, 4), (3,)]),
    "sum_dim": (lambda L, a: a.sum(1) * 2.0, [(3, 4)]),
    "sum_keepdim": (lambda L, a: a.sum((0, 2), keepdim=True).tanh(), [(2, 3, 4)]),
    "mean": (lambda L, a: a.mean() * 3.0, [(3, 4)]),
    "mean_dim": (lambda L, a: a.mean(0).exp(), [(3, 4)]),
    "log_softmax": (lambda L, a: a.log_softmax(1) * 2.0, [(3, 4)]),
    "chain": (lambda L, a: ((a * 1.0001 + 0.001).tanh() * 0.5 - a).sigmoid(), [(8, 8)]),
    "mlp": (lambda L, x, w, b: (x @ w.t() + b).relu().sum(1).exp(), [(6, 4), (5, 4), (5,)]),
}


def _leaves(L, shapes, dtype, seed):
    r = np.random.default_rng(seed)
    return [L.tensor(r.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_matches_general_path(name, dtype):
    fn, shapes = CASES[name]
    xs = _leaves(mt, shapes, dtype, 1)
    out = fn(mt, *xs)
    g = mt.tensor(np.random.default_rng(2).standard_normal(out.shape).astype(dtype))
    general = mt.autograd.grad(out, xs, g, retain_graph=True)  # inputs=: the Tensor backwards
    out.backward(g)  # the fast path
    for x, ref in zip(xs, general):
        assert x.grad.dtype == ref.dtype and x.grad.shape == ref.shape
        np.testing.assert_array_equal(x.grad.numpy(), ref.numpy())


@needs_torch
@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_matches_torch(name):
    fn, shapes = CASES[name]
    grads = []
    for L in (mt, torch):
        xs = _leaves(L, shapes, np.float64, 3)
        out = fn(L, *xs)
        out.backward(L.ones_like(out))
        grads.append([x.grad.numpy() for x in xs])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_one_grad_array_is_never_shared():
    """``a + b`` hands the same array to both leaves: each .grad must own its memory, and the
    caller's gradient must not become a leaf's .grad."""
    a, b = mt.ones(3, requires_grad=True), mt.ones(3, requires_grad=True)
    g = mt.tensor([1.0, 2.0, 3.0])
    (a + b).backward(g)
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    assert not np.shares_memory(a.grad.numpy(), g.numpy())
    a.grad.add_(1.0)
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g.numpy(), [1.0, 2.0, 3.0])
    x = mt.ones(3, requires_grad=True)
    y = x.clone()
    y.backward(g)
    assert not np.shares_memory(x.grad.numpy(), g.numpy())


def test_second_backward_accumulates_in_place_without_touching_a_hooked_grad():
    x = mt.ones(3, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0, 5.0])
    np.testing.assert_array_equal(seen[0].numpy(), [2.0, 2.0, 2.0])  # not changed by the 2nd backward


def test_hooks_retain_grad_and_replacing_hooks_on_the_fast_path():
    x = mt.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x.tanh()
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    z = (y * y).sum()
    z.backward()
    t = torch.tensor([1.0, -2.0, 3.0], requires_grad=True) if torch is not None else None
    if t is not None:
        ty = t.tanh()
        ty.retain_grad()
        ty.register_hook(lambda g: g * 2)
        (ty * ty).sum().backward()
        np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-5)
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-5)
    else:
        np.testing.assert_allclose(y.grad.numpy(), 2 * np.tanh([1.0, -2.0, 3.0]), rtol=1e-6)


def test_freed_graph_and_modified_saved_tensor_raise_on_the_fast_path():
    x = mt.randn(3, requires_grad=True)
    y = x.tanh()
    s = y.sum()
    s.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        s.backward()
    a = mt.randn(3, requires_grad=True)
    b = a * 1.0
    c = b * b
    b.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_custom_function_and_op_without_backward_np_mix_with_fast_ops():
    class Square(mt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = mt.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = Square.apply(x.tanh()).log_softmax(0).sum() + x.sin().sum()
    (ref,) = mt.autograd.grad(y, [x], retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), ref.numpy())


def test_a_backward_np_is_not_inherited_past_an_overriding_backward():
    from minitorch.ops.arithmetic import Mul

    class Twice(Mul):
        @staticmethod
        def backward(ctx, g):
            return g * 2.0, None

    assert Mul._node_cls._np_backward is not None
    assert Twice._node_cls._np_backward is None
    x = mt.ones(2, requires_grad=True)
    Twice.apply(x, 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_fast_path_reduces_broadcast_edges_with_the_engine_helper(monkeypatch):
    seen = []
    orig = engine._sum_to_shape

    def spy(g, shape, dtype):
        seen.append((tuple(g.shape), shape))
        return orig(g, shape, dtype)

    monkeypatch.setattr(engine, "_sum_to_shape", spy)
    a = mt.randn(2, 3, requires_grad=True)
    b = mt.randn(3, requires_grad=True)
    (a * b).sum().backward()
    assert ((2, 3), (3,)) in seen


@needs_torch
def test_roots_that_depend_on_each_other_as_torch():
    """backward([y, z]) with z computed from y: y's own grad and the one through z both arrive."""
    res = []
    for lib in (mt, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = (y * 3).exp()
        lib.autograd.backward([y, z], [lib.ones(2), lib.full((2,), 0.5)])
        res.append(x.grad.tolist())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-6)


@needs_torch
@pytest.mark.parametrize("twice", [False, True])
def test_leaf_grads_accumulated_on_arrival_in_torch_order(twice):
    """A leaf with one edge is accumulated as soon as its grad arrives: the post-accumulate hooks
    fire in torch's order, a second backward adds in place, and a leaf with a tensor hook still
    goes through the hook."""
    res = {}
    for lib in (mt, torch):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
        order = []
        for n, p in m.named_parameters():
            p.register_post_accumulate_grad_hook(lambda p, n=n, order=order: order.append(n))
        m[2].bias.register_hook(lambda g: g * 10)
        x = lib.tensor(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
        for _ in range(2 if twice else 1):
            lib.nn.functional.cross_entropy(m(x), lib.tensor([0, 1, 0, 1, 1])).backward()
        res[lib.__name__] = order, [p.grad.numpy().copy() for p in m.parameters()]
    assert res["minitorch"][0] == res["torch"][0]
    for a, b in zip(res["minitorch"][1], res["torch"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
