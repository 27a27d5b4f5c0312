"""``minitorch.autograd.functional`` against ``torch.autograd.functional``: vjp, jvp, jacobian,
hessian, vhp, hvp with single and tuple inputs/outputs (values, shapes and nesting)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch.autograd import functional as F

pytestmark = needs_torch
TF = torch.autograd.functional if torch is not None else None


def same(a, b):
    """Nested tuples of minitorch tensors equal nested tuples of torch tensors (structure too)."""
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b), (type(a), a)
        for x, y in zip(a, b):
            same(x, y)
    else:
        assert isinstance(a, mt.Tensor), type(a)
        assert_close(a, b)


def inputs(shapes, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    arrs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    return [mt.tensor(a) for a in arrs], [torch.tensor(a) for a in arrs]


def pack(xs, single):
    return xs[0] if single else tuple(xs)


# functions usable with both libraries (lib = the module)
FUNCS = {
    "vec_to_vec": ([(3,)], lambda lib: lambda x: x.sin() * x.sum()),
    "mat_to_scalar": ([(2, 3)], lambda lib: lambda x: (x.exp() * x).sum()),
    "mat_to_mat": ([(2, 3)], lambda lib: lambda x: x.softmax(1) * x),
    "two_in_one_out": ([(3,), (3,)], lambda lib: lambda x, y: x * y.tanh() + y),
    "two_in_two_out": ([(2,), (2, 3)], lambda lib: lambda x, y: (x @ y, (y * y).sum(0))),
    "one_in_two_out": ([(3,)], lambda lib: lambda x: (x.cumsum(0), x.norm())),
    "0d_in": ([()], lambda lib: lambda x: x**3),
    "linear": ([(4,)], lambda lib: lambda x: 2 * x + 1),
}
SCALAR_FUNCS = {
    "quad": ([(3,)], lambda lib: lambda x: (x * x * x).sum() + x.prod()),
    "two_in": ([(2,), (2,)], lambda lib: lambda x, y: (x * y.exp()).sum() + (x**2).sum()),
    "mat": ([(2, 2)], lambda lib: lambda x: (x @ x).sin().sum()),
    "logsumexp": ([(4,)], lambda lib: lambda x: x.logsumexp(0)),
}


def _single(shapes, out_single=True):
    return len(shapes) == 1


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", list(FUNCS))
def test_vjp(name, create_graph):
    shapes, make = FUNCS[name]
    xm, xt = inputs(shapes)
    f_m, f_t = make(mt), make(torch)
    out_t = f_t(*xt)
    outs = out_t if isinstance(out_t, tuple) else (out_t,)
    vm, vt = inputs([o.shape for o in outs], seed=1)
    single_in, single_out = len(shapes) == 1, not isinstance(out_t, tuple)
    got = F.vjp(f_m, pack(xm, single_in), pack(vm, single_out), create_graph=create_graph)
    want = TF.vjp(f_t, pack(xt, single_in), pack(vt, single_out), create_graph=create_graph)
    same(got, want)


@pytest.mark.parametrize("name", list(FUNCS))
def test_jvp(name):
    shapes, make = FUNCS[name]
    xm, xt = inputs(shapes)
    vm, vt = inputs(shapes, seed=2)
    single = len(shapes) == 1
    got = F.jvp(make(mt), pack(xm, single), pack(vm, single))
    want = TF.jvp(make(torch), pack(xt, single), pack(vt, single))
    same(got, want)


@pytest.mark.parametrize("name", list(FUNCS))
def test_jacobian(name):
    shapes, make = FUNCS[name]
    xm, xt = inputs(shapes)
    single = len(shapes) == 1
    got = F.jacobian(make(mt), pack(xm, single))
    want = TF.jacobian(make(torch), pack(xt, single))
    same(got, want)


def test_jacobian_float32_and_tuple_of_one():
    xm, xt = inputs([(3,)], np.float32)
    f = lambda x: x.exp() * 2
    same(F.jacobian(f, xm[0]), TF.jacobian(f, xt[0]))
    same(F.jacobian(f, tuple(xm)), TF.jacobian(f, tuple(xt)))
    same(F.jacobian(lambda x: (f(x),), xm[0]), TF.jacobian(lambda x: (f(x),), xt[0]))


def test_jacobian_create_graph_is_differentiable():
    xm, xt = inputs([(2,)])
    xm[0].requires_grad_()
    xt[0].requires_grad_()
    jm = F.jacobian(lambda x: x**3, xm[0], create_graph=True)
    jt = TF.jacobian(lambda x: x**3, xt[0], create_graph=True)
    assert jm.requires_grad
    (gm,) = mt.autograd.grad(jm.sum(), xm[0])
    (gt,) = torch.autograd.grad(jt.sum(), xt[0])
    assert_close(gm, gt)


def test_jacobian_of_unused_input_is_zero():
    xm, xt = inputs([(2,), (3,)])
    f = lambda x, y: x * 2
    same(F.jacobian(f, tuple(xm)), TF.jacobian(f, tuple(xt)))


@pytest.mark.parametrize("name", list(SCALAR_FUNCS))
def test_hessian(name):
    shapes, make = SCALAR_FUNCS[name]
    xm, xt = inputs(shapes)
    single = len(shapes) == 1
    got = F.hessian(make(mt), pack(xm, single))
    want = TF.hessian(make(torch), pack(xt, single))
    same(got, want)


@pytest.mark.parametrize("fn_name", ["vhp", "hvp"])
@pytest.mark.parametrize("name", list(SCALAR_FUNCS))
def test_vhp_hvp(name, fn_name):
    shapes, make = SCALAR_FUNCS[name]
    xm, xt = inputs(shapes)
    vm, vt = inputs(shapes, seed=3)
    single = len(shapes) == 1
    got = getattr(F, fn_name)(make(mt), pack(xm, single), pack(vm, single))
    want = getattr(TF, fn_name)(make(torch), pack(xt, single), pack(vt, single))
    same(got, want)


def test_vjp_v_defaults_to_one_for_scalar_output():
    xm, xt = inputs([(3,)])
    f = lambda x: (x * x).sum()
    same(F.vjp(f, xm[0]), TF.vjp(f, xt[0]))
    with pytest.raises(RuntimeError):
        F.vjp(lambda x: x * 2, xm[0])


def test_functional_leaves_inputs_untouched():
    x = mt.tensor([1.0, 2.0])
    F.jacobian(lambda t: t * t, x)
    F.hessian(lambda t: (t**3).sum(), x)
    F.vjp(lambda t: t.exp(), x, mt.ones(2))
    assert not x.requires_grad and x.grad is None and x.grad_fn is None


def test_outputs_without_create_graph_are_detached():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    out, g = F.vjp(lambda t: t.exp(), x, mt.ones(2))
    assert not out.requires_grad and not g.requires_grad
    out, jv = F.jvp(lambda t: t.exp(), x, mt.ones(2))
    assert not out.requires_grad and not jv.requires_grad
    assert not F.hessian(lambda t: (t**3).sum(), x).requires_grad


def test_hessian_of_quadratic_form():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    h = F.hessian(lambda x: x @ mt.tensor(a) @ x, mt.tensor([0.3, -0.7], dtype=mt.float64))
    assert_close(h, torch.tensor(2 * a))
