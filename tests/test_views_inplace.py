"""Views of a tensor modified in place, and ops that must save what torch saves (issue 13)."""

import pytest

import minitorch
from tests.helpers import assert_close, needs_torch, torch

pytestmark = needs_torch


def _both(fn):
    """Run ``fn(lib)`` with minitorch and torch; return both results."""
    return fn(minitorch), fn(torch)


def _grads_equal(fn):
    got, want = _both(fn)
    for g, w in zip(got, want):
        assert_close(g, w)


def test_view_backward_after_base_modified_in_place():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        s = x * 1
        r = s.view(3)
        s.mul_(2)
        r.backward(lib.ones(3))
        return (x.grad,)

    _grads_equal(f)


@pytest.mark.parametrize(
    "make_view",
    [
        lambda s: s.reshape(3),
        lambda s: s[1:],
        lambda s: s.view(3, 1),
        lambda s: s.unsqueeze(0),
        lambda s: s[::2],
    ],
)
def test_view_through_autograd_grad_after_base_modified(make_view):
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        s = x * x
        r = make_view(s)
        s.mul_(3)
        (g,) = lib.autograd.grad((r * r).sum(), x)
        return (g,)

    _grads_equal(f)


@pytest.mark.parametrize("split", [lambda s: s.split(1), lambda s: s.chunk(3), lambda s: s.unbind(0)])
@pytest.mark.parametrize("grad_mode", [True, False])
def test_multi_output_view_used_after_base_modified_raises(split, grad_mode):
    for lib in (torch, minitorch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        s = x * 1
        pieces = split(s)
        with lib.set_grad_enabled(grad_mode):
            s.mul_(2)
        with pytest.raises(RuntimeError, match="is a view and its base or another view of its base has been"):
            (pieces[0] * 1).sum().backward()


def test_retain_grad_survives_in_place_on_the_tensor():
    def f(lib):
        x = lib.tensor(3.0, requires_grad=True)
        y = x * 1
        y.retain_grad()
        y.mul_(2)
        y.backward()
        return y.grad, x.grad

    _grads_equal(f)


def test_retain_grad_on_view_survives_base_modified_in_place():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        s = x * 1
        r = s[1:]
        r.retain_grad()
        s.mul_(2)
        (r * lib.tensor([2.0, 5.0])).sum().backward()
        return r.grad, x.grad

    _grads_equal(f)


def test_hypothesis_minimal_case_cat_of_views_of_leaf_modified_under_no_grad():
    def f(lib):
        leaf = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=lib.float64, requires_grad=True)
        a = leaf[2]
        b = leaf[2].reshape(2)
        b.retain_grad()
        with lib.no_grad():
            leaf.mul_(2)
        out = lib.cat([a, b])
        out.backward(lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64))
        return out.detach(), b.grad, leaf.grad

    _grads_equal(f)


@pytest.mark.parametrize("op", ["relu", "sigmoid", "tanh", "exp"])
def test_op_saves_its_output_so_input_may_change_in_place(op):
    """torch saves these ops' outputs, not their inputs: changing the input afterwards is fine."""

    def f(lib):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        h = x * 1
        y = getattr(h, op)()
        with lib.no_grad():
            h.mul_(0.5)
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return (x.grad,)

    _grads_equal(f)


def test_relu_output_modified_in_place_still_raises():
    for lib in (torch, minitorch):
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        y = (x * 1).relu()
        with lib.no_grad():
            y.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
