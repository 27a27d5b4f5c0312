"""Autograd misuse is caught as torch catches it: unreferenced leaves, hooks, ``.grad`` assignment,
custom Functions, reading ``.grad`` of a non-leaf (issue 13)."""

import gc
import warnings

import pytest

import minitorch
from tests.helpers import assert_close, needs_torch, torch

pytestmark = needs_torch


def test_unreferenced_leaf_backward():
    def f(lib):
        out = lib.tensor([1.0, 2.0], requires_grad=True).exp().sum()
        gc.collect()
        out.backward()
        return out.grad_fn.next_functions[0][0].next_functions[0][0].variable.grad

    assert_close(f(minitorch), f(torch))


def test_unreferenced_parameter_in_matmul_backward():
    for lib in (minitorch, torch):
        y = (lib.ones(3, 2) @ lib.ones(2, 2, requires_grad=True)).sum()
        gc.collect()
        y.backward()
        w = y.grad_fn.next_functions[0][0].next_functions[1][0].variable
        assert w.grad.tolist() == [[3.0, 3.0], [3.0, 3.0]]


@pytest.mark.parametrize("nonleaf", [False, True])
def test_hook_changing_size_raises_naming_it(nonleaf):
    for lib in (torch, minitorch):
        x = lib.ones(3, requires_grad=True)
        t = x * 2 if nonleaf else x
        t.register_hook(lambda g, lib=lib: lib.ones(5))
        with pytest.raises(RuntimeError, match="hook '<lambda>' has changed the size of value"):
            t.sum().backward()


def test_hook_changing_dtype_raises():
    for lib in (torch, minitorch):
        x = lib.ones(3, requires_grad=True)
        x.register_hook(lambda g, lib=lib: g.to(lib.float64))
        with pytest.raises(RuntimeError, match="hook '<lambda>' has changed the type of value"):
            x.sum().backward()


def test_hook_returning_non_tensor_raises_type_error():
    for lib in (torch, minitorch):
        x = lib.ones(3, requires_grad=True)
        x.register_hook(lambda g: 3)
        with pytest.raises(TypeError, match="expected Variable, but hook returned 'int'"):
            x.sum().backward()


def test_grad_assignment_checked():
    for lib in (torch, minitorch):
        w = lib.ones(3, requires_grad=True)
        with pytest.raises(
            RuntimeError, match="assign a gradient of size '\\[1\\]' to a tensor of size '\\[3\\]'"
        ):
            w.grad = lib.ones(1) * 0.5
        with pytest.raises(RuntimeError, match="with dtype 'double' to a tensor with grad_dtype 'Float'"):
            w.grad = lib.ones(3, dtype=lib.float64)
        with pytest.raises(
            TypeError, match="assigned grad expected to be a Tensor or None but got grad of type int"
        ):
            w.grad = 3
        w.grad = lib.full((3,), 0.5)
        assert w.grad.tolist() == [0.5, 0.5, 0.5]
        w.grad = None
        assert w.grad is None


def test_sgd_with_wrong_grad_assignment_never_runs():
    w = minitorch.nn.Parameter(minitorch.ones(3))
    with pytest.raises(RuntimeError):
        w.grad = minitorch.ones(1)
    assert w.grad is None


def test_nonleaf_grad_read_warns():
    for lib in (torch, minitorch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        with pytest.warns(UserWarning, match="retain_grad"):
            assert y.grad is None
        y.retain_grad()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert y.grad is None
            assert x.grad is None


def _custom(backward, save=None):
    lib = minitorch

    class F(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            if save is not None:
                ctx.save_for_backward(save)
            return x * k

        @staticmethod
        def backward(ctx, g):
            return backward(g)

    return F


def _torch_custom(backward, save=None):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            if save is not None:
                ctx.save_for_backward(save)
            return x * k

        @staticmethod
        def backward(ctx, g):
            return backward(g)

    return F


def test_save_for_backward_non_tensor_type_error():
    for make, lib in ((_custom, minitorch), (_torch_custom, torch)):
        F = make(lambda g: (g, None), save=3)
        with pytest.raises(
            TypeError, match="save_for_backward can only save variables, but argument 0 is of type int"
        ):
            F.apply(lib.ones(2, requires_grad=True), 2.0)


@pytest.mark.parametrize(
    "backward,match",
    [
        (lambda g: (g, None, g), "returned an incorrect number of gradients \\(expected 2, got 3\\)"),
        (lambda g: (g, g), "returned a gradient different than None at position 2, but the corresponding"),
    ],
)
def test_custom_backward_misuse_raises(backward, match):
    for make, lib in ((_custom, minitorch), (_torch_custom, torch)):
        F = make(backward)
        out = F.apply(lib.ones(2, requires_grad=True), 2.0)
        with pytest.raises(RuntimeError, match=match):
            out.sum().backward()


def test_custom_backward_extra_nones_are_fine():
    for make, lib in ((_custom, minitorch), (_torch_custom, torch)):
        x = lib.ones(2, requires_grad=True)
        make(lambda g: (g * 3, None, None)).apply(x, 2.0).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]
