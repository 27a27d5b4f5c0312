"""The autograd engine: accumulation, graph shapes, retain_graph, error cases, grad modes, hooks,
``autograd.grad``, custom ``Function`` and ``gradcheck``. Numbers are checked against torch."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch.autograd import Function, gradcheck
from minitorch.autograd.gradcheck import GradcheckError


def leaf(values, dtype=mt.float64):
    return mt.tensor(values, dtype=dtype, requires_grad=True)


# --- accumulation and graph shapes ---
def test_grads_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    first = x.grad._data.copy()
    (x * x).sum().backward()
    np.testing.assert_array_equal(first, 2 * x._data)
    np.testing.assert_array_equal(x.grad._data, 4 * x._data)


def test_diamond():
    a = leaf(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_wide_diamond_uses_every_path_once():
    a = leaf([1.0, 2.0])
    branches = [a * k for k in range(1, 6)]
    total = branches[0]
    for br in branches[1:]:
        total = total + br
    total.sum().backward()
    np.testing.assert_array_equal(a.grad._data, [15.0, 15.0])


@needs_torch
def test_shared_subexpressions_match_torch():
    def f(m, x, w):
        h = (x @ w).tanh()  # h is used three times
        y = h * h + h.sigmoid() * h
        return (y.sum(1) * h.mean(1)).sum() + m.exp(-h).sum()

    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    mx, mw = leaf(x), leaf(w)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    out, exp = f(mt, mx, mw), f(torch, tx, tw)
    assert_close(out, exp)
    out.backward()
    exp.backward()
    assert_close(mx.grad, tx.grad)
    assert_close(mw.grad, tw.grad)


def test_nodes_are_keyed_by_identity_not_equality():
    """Equal-looking nodes and equal-valued tensors stay distinct in the engine."""
    x = leaf([1.0, 2.0])
    y1, y2 = x * 2, x * 2  # two structurally identical MulBackward0 nodes
    assert type(y1.grad_fn) is type(y2.grad_fn) and y1.grad_fn is not y2.grad_fn
    (y1 + y2).sum().backward()
    np.testing.assert_array_equal(x.grad._data, [4.0, 4.0])
    a, b = leaf([1.0]), leaf([1.0])  # equal values: == is elementwise, so identity must be used
    ga, gb = mt.autograd.grad((a * 3 + b * 5).sum(), [a, b])
    assert ga.item() == 3.0 and gb.item() == 5.0


def test_same_input_twice_in_one_op():
    x = leaf([3.0])
    (x * x).backward()
    assert x.grad.item() == 6.0
    y = leaf([2.0, -1.0])
    (y @ y).backward()
    np.testing.assert_array_equal(y.grad._data, [4.0, -2.0])


def test_deep_chain_is_iterative():
    """20,000 ops deep: no recursion anywhere (the default recursion limit is 1,000)."""
    x = leaf(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward(retain_graph=True)
    assert np.isclose(x.grad.item(), 1.0001**20_000)
    (gx,) = mt.autograd.grad(y, x)
    assert np.isclose(gx.item(), 1.0001**20_000)
    del y  # freeing a deep graph must not recurse either


def test_leaf_grad_has_leaf_dtype_and_shape():
    x = mt.randn(2, 3, requires_grad=True)  # float32
    y = mt.randn(3, dtype=mt.float64, requires_grad=True)
    s = mt.tensor(2.0, requires_grad=True)
    ((x * y).sum() * s).backward()
    assert x.grad.dtype == mt.float32 and x.grad.shape == (2, 3)
    assert y.grad.dtype == mt.float64 and y.grad.shape == (3,)
    assert s.grad.dtype == mt.float32 and s.grad.shape == ()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_grads_of_two_leaves_do_not_alias():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    z = x + y  # AddBackward0 hands the same grad to both inputs
    z.backward(mt.ones(2, dtype=mt.float64), retain_graph=True)
    assert x.grad is not y.grad
    assert not np.shares_memory(x.grad._data, y.grad._data)
    z.backward(mt.ones(2, dtype=mt.float64))  # accumulates in place: must not double count
    np.testing.assert_array_equal(x.grad._data, [2.0, 2.0])
    np.testing.assert_array_equal(y.grad._data, [2.0, 2.0])


def test_grad_does_not_alias_the_callers_gradient():
    v = mt.ones(3, dtype=mt.float64)
    x = leaf([0.0, 0.0, 0.0])
    for _ in range(2):
        (x + 0).backward(v)
        x.backward(v)  # x is itself the root
    np.testing.assert_array_equal(v._data, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad._data, [4.0, 4.0, 4.0])


def test_leaf_grad_is_writeable_after_broadcast_backward():
    """sum's backward broadcasts the grad; .grad must still own memory that can be updated in place."""
    x = mt.randn(3, requires_grad=True)
    x.sum().backward()
    x.grad.mul_(2)
    x.grad.add_(1)
    np.testing.assert_array_equal(x.grad._data, [3.0, 3.0, 3.0])
    b = mt.zeros(4, requires_grad=True)
    (mt.ones(2, 4) + b).sum().backward()
    b.grad.zero_()
    assert b.grad._data.flags.writeable and b.grad._data.flags.c_contiguous


def test_custom_backward_returning_a_kept_tensor_is_not_aliased():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            (w,) = ctx.saved_tensors
            return w, None  # returns a tensor the caller owns (valid for an upstream grad of ones)

    x, w = leaf([0.0, 0.0]), mt.tensor([2.0, 3.0], dtype=mt.float64)
    Scale.apply(x, w).sum().backward()
    Scale.apply(x, w).sum().backward()
    np.testing.assert_array_equal(w._data, [2.0, 3.0])
    np.testing.assert_array_equal(x.grad._data, [4.0, 6.0])


def test_detach_cuts_the_graph():
    x = leaf([1.0, 2.0])
    y = x * 3
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad and np.shares_memory(d._data, y._data)
    (y * d).sum().backward()  # d is a constant: dy/dx only through y
    np.testing.assert_array_equal(x.grad._data, 3 * d._data)


def test_non_leaf_grad_is_none_unless_retained():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * 3
    z.retain_grad()
    assert z.retains_grad and not y.retains_grad
    (z * z).sum().backward()
    assert y.grad is None
    np.testing.assert_array_equal(z.grad._data, 2 * z._data)
    np.testing.assert_array_equal(x.grad._data, 2 * z._data * 6)


# --- retain_graph and error cases ---
def test_second_backward_through_freed_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    g1 = x.grad._data.copy()
    y.backward()
    np.testing.assert_allclose(x.grad._data, 2 * g1)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_freed_graph_error_from_autograd_grad():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    mt.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        mt.autograd.grad(y, x)


def test_implicit_grad_only_for_scalar_outputs():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        mt.autograd.grad(x * 2, x)
    (x * 2).sum().backward()  # a single element of any shape is fine
    (x[:1] * 2).backward()
    np.testing.assert_array_equal(x.grad._data, [4.0, 2.0])


def test_backward_of_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        mt.tensor([1.0]).sum().backward()
    with mt.no_grad():
        y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_backward_gradient_shape_mismatch_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(mt.ones(3, dtype=mt.float64))


def test_backward_with_inputs_only_fills_those():
    x, y = leaf([1.0]), leaf([2.0])
    (x * y).backward(inputs=[x])
    assert x.grad.item() == 2.0 and y.grad is None


# --- grad modes ---
def test_no_grad_context_manager():
    x = leaf([1.0])
    with mt.no_grad():
        assert not mt.is_grad_enabled()
        y = x * 2
        w = mt.ones(2, requires_grad=True)  # creating leaves that require grad is still allowed
    assert mt.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert w.requires_grad


def test_grad_modes_nest_and_restore():
    x = leaf([1.0])
    with mt.no_grad():
        with mt.enable_grad():
            assert mt.is_grad_enabled()
            assert (x * 2).requires_grad
            with mt.set_grad_enabled(False):
                assert not (x * 2).requires_grad
            assert mt.is_grad_enabled()
        assert not mt.is_grad_enabled()
        with mt.no_grad():
            assert not mt.is_grad_enabled()
        assert not mt.is_grad_enabled()
    assert mt.is_grad_enabled()


@pytest.mark.parametrize(
    "make,inside",
    [
        (lambda: mt.no_grad(), False),
        (lambda: mt.enable_grad(), True),
        (lambda: mt.set_grad_enabled(False), False),
        (lambda: mt.set_grad_enabled(True), True),
        (lambda: mt.inference_mode(), False),
    ],
    ids=["no_grad", "enable_grad", "set_grad_enabled(False)", "set_grad_enabled(True)", "inference_mode"],
)
@pytest.mark.parametrize("outer", [True, False])
def test_grad_modes_restored_on_exceptions(make, inside, outer):
    mt.set_grad_enabled(outer)
    try:
        with pytest.raises(ValueError):
            with make():
                assert mt.is_grad_enabled() is inside
                raise ValueError("boom")
        assert mt.is_grad_enabled() is outer

        @make()
        def f():
            assert mt.is_grad_enabled() is inside
            raise KeyError("boom")

        with pytest.raises(KeyError):
            f()
        assert mt.is_grad_enabled() is outer
    finally:
        mt.set_grad_enabled(True)


def test_grad_modes_as_decorators():
    x = leaf([1.0])

    @mt.no_grad()
    def frozen(t):
        """doc"""
        return t * 2

    @mt.enable_grad()
    def tracked(t):
        return t * 2

    @mt.set_grad_enabled(False)
    def off(t):
        return t * 2

    assert mt.is_grad_enabled()  # decorating with set_grad_enabled does not switch the mode now
    assert not frozen(x).requires_grad and frozen.__name__ == "frozen" and frozen.__doc__ == "doc"
    assert not off(x).requires_grad
    with mt.no_grad():
        assert tracked(x).requires_grad
        assert not mt.is_grad_enabled()
    assert mt.is_grad_enabled()


def test_grad_mode_decorators_without_parentheses():
    """``@torch.no_grad`` (no call) works in torch 2; so it must here."""
    x = leaf([1.0])

    @mt.no_grad
    def frozen(t):
        return t * 2

    @mt.enable_grad
    def tracked(t):
        return t * 2

    assert not frozen(x).requires_grad and frozen.__name__ == "frozen"
    with mt.no_grad():
        assert tracked(x).requires_grad


def test_grad_mode_decorated_generator_runs_each_step_in_the_mode():
    x = leaf([1.0])

    @mt.no_grad()
    def batches(n):
        for _ in range(n):
            received = yield (x * 2).requires_grad, mt.is_grad_enabled()
            assert received is None or received == "ping"
        return "done"

    gen = batches(3)
    assert next(gen) == (False, False)
    assert mt.is_grad_enabled()  # between steps the caller's mode is back
    assert gen.send("ping") == (False, False)
    assert (x * 2).requires_grad
    assert list(gen) == [(False, False)]
    with mt.no_grad():
        assert list(mt.enable_grad()(lambda: (yield mt.is_grad_enabled()))()) == [True]
    assert mt.is_grad_enabled()


def test_set_grad_enabled_as_a_function_call():
    prev = mt.set_grad_enabled(False)
    try:
        assert not mt.is_grad_enabled()
        assert not (leaf([1.0]) * 2).requires_grad
    finally:
        mt.set_grad_enabled(True)
    assert prev is not None and mt.is_grad_enabled()


def test_grad_mode_context_value_is_none():
    with mt.no_grad() as value:
        assert value is None


# --- hooks ---
def test_hook_on_leaf_modifies_its_grad():
    x = leaf([1.0, 2.0])
    seen = []
    handle = x.register_hook(lambda g: seen.append(g._data.copy()) or g * 10)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(seen[0], [3.0, 3.0])
    np.testing.assert_array_equal(x.grad._data, [30.0, 30.0])
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad._data, [3.0, 3.0])


@needs_torch
def test_hook_on_non_leaf_changes_what_flows_upstream():
    def run(m, t):
        x = t.tensor([1.0, -2.0], dtype=t.float64, requires_grad=True)
        y = x * x
        y.register_hook(lambda g: g * 2)
        y.register_hook(lambda g: g + 1)  # hooks run in registration order
        (y * 3).sum().backward()
        return x.grad

    assert_close(run(mt, mt), run(torch, torch))


def test_hook_returning_none_keeps_the_grad_and_sees_it():
    x = leaf([1.0, 2.0])
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(g.shape))
    y.sum().backward()
    assert calls == [(2,)]
    np.testing.assert_array_equal(x.grad._data, [2.0, 2.0])


def test_hook_requires_grad():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        mt.tensor([1.0]).register_hook(lambda g: g)


@needs_torch
def test_retain_grad_sees_the_grad_after_all_hooks_like_torch():
    def run(m):
        x = m.tensor([1.0], dtype=m.float64, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 5)  # registered after retain_grad, still runs before it
        (y * 3).sum().backward()
        return x.grad, y.grad

    for a, b in zip(run(mt), run(torch)):
        assert_close(a, b)


# --- autograd.grad ---
@needs_torch
def test_autograd_grad_matches_torch_and_leaves_dot_grad_alone():
    def run(m):
        a = m.tensor([1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True)
        b = m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=True)
        out1 = (a * b).sum()
        out2 = (a.exp() * b * b).sum()
        ga, gb = m.autograd.grad([out1, out2], [a, b], grad_outputs=[m.tensor(2.0, dtype=m.float64), None])
        assert a.grad is None and b.grad is None
        return ga, gb

    for x, y in zip(run(mt), run(torch)):
        assert_close(x, y)


def test_autograd_grad_returns_a_tuple_for_a_single_input():
    x = leaf([1.0, 2.0])
    res = mt.autograd.grad((x * x).sum(), x)
    assert isinstance(res, tuple) and len(res) == 1
    np.testing.assert_array_equal(res[0]._data, [2.0, 4.0])


def test_autograd_grad_allow_unused():
    x, unused = leaf([1.0]), leaf([2.0])
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph.*allow_unused=True"):
        mt.autograd.grad(y, [x, unused], retain_graph=True)
    gx, gu = mt.autograd.grad(y, [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None
    assert x.grad is None and unused.grad is None


def test_autograd_grad_input_must_require_grad():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        mt.autograd.grad((x * 2).sum(), mt.tensor([1.0]))


def test_autograd_grad_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x * x).sum()
    (g1,) = mt.autograd.grad(y, x, retain_graph=True)
    (g2,) = mt.autograd.grad(y, x)
    np.testing.assert_array_equal(g1._data, g2._data)


def test_autograd_grad_of_intermediate_and_non_scalar_with_grad_outputs():
    x = leaf([1.0, 2.0])
    h = x * 3
    y = h * h
    (gh,) = mt.autograd.grad(y, h, grad_outputs=mt.tensor([1.0, 10.0], dtype=mt.float64))
    np.testing.assert_array_equal(gh._data, [6.0, 120.0])
    assert x.grad is None and h.grad is None


@needs_torch
def test_autograd_grad_create_graph_gives_higher_derivatives():
    def run(m):
        x = m.tensor([0.5, -1.5], dtype=m.float64, requires_grad=True)
        y = (x**3 * x.sin()).sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)
        assert g.requires_grad
        (gg,) = m.autograd.grad(g.sum(), x)
        return g.detach(), gg

    for a, b in zip(run(mt), run(torch)):
        assert_close(a, b)


# --- custom Function ---
class MulAdd(Function):
    """out1 = x * y * k, out2 = x + y (k a Python number): two inputs, two outputs, a non-tensor arg."""

    @staticmethod
    def forward(ctx, x, y, k):
        ctx.save_for_backward(x, y)
        ctx.k = k
        ctx.seen_needs = ctx.needs_input_grad
        return x * y * k, x + y

    @staticmethod
    def backward(ctx, g1, g2):
        x, y = ctx.saved_tensors
        gx = g1 * y * ctx.k + g2 if ctx.needs_input_grad[0] else None
        gy = g1 * x * ctx.k + g2 if ctx.needs_input_grad[1] else None
        return gx, gy, None


@needs_torch
def test_custom_function_matches_torch():
    class TMulAdd(torch.autograd.Function):
        forward = staticmethod(MulAdd.forward)
        backward = staticmethod(MulAdd.backward)

    xv, yv = np.array([1.0, 2.0]), np.array([3.0, -1.0])

    def run(m, F):
        x = m.tensor(xv, requires_grad=True)
        y = m.tensor(yv, requires_grad=True)
        a, b = F.apply(x, y, 2.5)
        assert type(a.grad_fn).__name__ == F.__name__ + "Backward"
        assert a.grad_fn is b.grad_fn
        (a.sum() * 3 + (b * b).sum()).backward()
        return a, b, x.grad, y.grad

    for p, q in zip(run(mt, MulAdd), run(torch, TMulAdd)):
        assert_close(p, q)


def test_custom_function_needs_input_grad_and_forward_without_recording():
    recorded = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x, y):
            recorded.append((mt.is_grad_enabled(), ctx.needs_input_grad))
            return x * y

        @staticmethod
        def backward(ctx, g):
            recorded.append(ctx.needs_input_grad)
            return (g if ctx.needs_input_grad[0] else None), (g if ctx.needs_input_grad[1] else None)

    x, c = leaf([1.0]), mt.tensor([2.0], dtype=mt.float64)
    out = Probe.apply(x, c)
    assert out.requires_grad and out.grad_fn is not None
    out.sum().backward()
    assert recorded[0] == (False, (True, False))  # forward runs in no-grad mode, as torch, and
    assert recorded[-1] == (True, False)  # already knows which inputs require grad
    with mt.no_grad():
        assert not Probe.apply(x, c).requires_grad
    assert recorded[-1] == (False, (True, False))  # under no_grad too, as torch


def test_custom_function_only_one_output_used():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    a, b = MulAdd.apply(x, y, 1.0)
    b.sum().backward()  # a's grad is materialized as zeros for backward
    np.testing.assert_array_equal(x.grad._data, [1.0, 1.0])


@needs_torch
@pytest.mark.parametrize("materialize", [True, False])
def test_custom_function_non_differentiable_output_like_torch(materialize):
    def run(m):
        received = []

        class Ranked(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                rank = x * 0 + 1
                ctx.mark_non_differentiable(rank)
                return x * 3, rank

            @staticmethod
            def backward(ctx, gv, grank):
                received.append(None if grank is None else grank.tolist())
                return gv * 3

        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        v, rank = Ranked.apply(x)
        assert v.requires_grad and not rank.requires_grad and rank.grad_fn is None
        v.sum().backward()
        return x.grad, received

    (ga, ra), (gb, rb) = run(mt), run(torch)
    assert_close(ga, gb)
    assert ra == rb


def test_custom_function_saved_tensor_modified_in_place_raises():
    x = leaf([1.0, 2.0])
    y = mt.tensor([3.0, 4.0], dtype=mt.float64)
    a, _ = MulAdd.apply(x, y, 1.0)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        a.sum().backward()


def test_custom_function_wrong_number_of_grads_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(leaf([1.0]), leaf([2.0])).sum().backward()


def test_custom_function_gradcheck():
    x, y = leaf([0.3, -1.2]), leaf([2.0, 0.7])
    assert gradcheck(lambda a, b: MulAdd.apply(a, b, 1.7), (x, y))


# --- gradcheck ---
def test_gradcheck_passes_on_correct_functions():
    rng = np.random.default_rng(0)
    x = mt.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    w = mt.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    assert gradcheck(lambda a, b: (a @ b).tanh().softmax(-1), (x, w))
    assert gradcheck(lambda a: a.exp().sum(0) * a.mean(), x, eps=1e-6, atol=1e-5, rtol=1e-3)


class WrongSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        bump = mt.zeros_like(x)
        bump._data.flat[4] = 1.0  # wrong at one element only
        return g * (2 * x + bump)


def test_gradcheck_raises_naming_the_input_and_worst_element():
    c = leaf(np.ones(2))
    x = leaf(np.arange(6.0).reshape(2, 3))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a.sum() + WrongSquare.apply(b), (c, x))
    msg = str(info.value)
    assert "with respect to input 1" in msg
    assert "(1, 1)" in msg  # flat index 4 of a (2, 3) input
    assert isinstance(info.value, RuntimeError)


def test_gradcheck_returns_false_without_raising():
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError):
        gradcheck(lambda a: a * 2, (mt.tensor([1.0], dtype=mt.float64),))


def test_gradcheck_warns_for_single_precision():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="double precision"):
        gradcheck(lambda a: a * 2, (x,), atol=1e-2, rtol=1e-2, raise_exception=False)


def test_gradcheck_leaves_inputs_unchanged():
    x = leaf([0.5, 1.5])
    before = x._data.copy()
    gradcheck(lambda a: a.sin(), (x,))
    np.testing.assert_array_equal(x._data, before)
    assert x.grad is None
