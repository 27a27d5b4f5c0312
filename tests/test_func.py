"""torch.func transforms against torch: grad (nested, argnums, has_aux), grad_and_value, vjp,
jvp, jacrev/jacfwd, hessian, vmap (in_dims/out_dims, tuples, None) and functional_call."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

X = np.array([0.3, -1.2, 2.0], dtype=np.float64)
Y = np.array([[1.0, 2.0, -0.5], [0.1, 0.0, 3.0]], dtype=np.float64)


def _both(fn):
    out = []
    for lib in (mt, torch):
        F = importlib.import_module(lib.__name__ + ".func")
        res = fn(lib, F)
        res = res if isinstance(res, tuple) else (res,)
        out.append([r.detach().numpy() if hasattr(r, "detach") else np.asarray(r) for r in res])
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def f(lib, x):
    return (x.sin() * x).sum()


CASES = {
    "grad": lambda lib, F: F.grad(lambda x: f(lib, x))(lib.tensor(X)),
    "grad-grad": lambda lib, F: F.grad(lambda x: F.grad(lambda y: (y**3).sum())(x).sum())(lib.tensor(X)),
    "grad-argnums": lambda lib, F: F.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(
        lib.tensor(X), lib.tensor(X * 2)
    ),
    "grad-aux": lambda lib, F: F.grad(lambda x: (f(lib, x), x.cos()), has_aux=True)(lib.tensor(X)),
    "grad_and_value": lambda lib, F: F.grad_and_value(lambda x: f(lib, x))(lib.tensor(X)),
    "vjp": lambda lib, F: F.vjp(lambda x: x.exp() * 2, lib.tensor(X))[1](
        lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
    ),
    "jvp": lambda lib, F: F.jvp(
        lambda x: x.exp() * x, (lib.tensor(X),), (lib.tensor([1.0, 0.0, 2.0], dtype=lib.float64),)
    ),
    "jacrev": lambda lib, F: F.jacrev(lambda x: x.sin() * x.sum())(lib.tensor(X)),
    "jacfwd": lambda lib, F: F.jacfwd(lambda x: x.exp())(lib.tensor(X)),
    "hessian": lambda lib, F: F.hessian(lambda x: (x**3).sum() * x[0])(lib.tensor(X)),
    "vmap": lambda lib, F: F.vmap(lambda r: (r * r).sum())(lib.tensor(Y)),
    "vmap-in_dims": lambda lib, F: F.vmap(lambda a, b: a * b, in_dims=(1, None))(
        lib.tensor(Y), lib.tensor(2.0)
    ),
    "vmap-out_dims": lambda lib, F: F.vmap(lambda r: r.exp(), out_dims=1)(lib.tensor(Y)),
    "vmap-tuple": lambda lib, F: F.vmap(lambda r: (r.sum(), r * 2))(lib.tensor(Y)),
    "vmap-grad": lambda lib, F: F.vmap(F.grad(lambda r: (r.sin() * r).sum()))(lib.tensor(Y)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_transform_matches_torch(name):
    _both(CASES[name])


def test_top_level_vmap_and_errors():
    assert mt.vmap is mt.func.vmap
    with pytest.raises(RuntimeError, match="scalar Tensor"):
        mt.func.grad(lambda x: x * 2)(mt.ones(3))
    with pytest.raises(ValueError, match="same size"):
        mt.vmap(lambda a, b: a + b)(mt.ones(2, 3), mt.ones(3, 3))


def test_functional_call_swaps_parameters_and_restores_them():
    res = []
    for lib in (mt, torch):
        F = importlib.import_module(lib.__name__ + ".func")
        m = lib.nn.Linear(3, 2)
        w = lib.tensor(Y.astype(np.float32), requires_grad=True)
        out = F.functional_call(m, {"weight": w, "bias": lib.zeros(2)}, (lib.tensor(X.astype(np.float32)),))
        out.sum().backward()
        assert m.weight is not w and m.weight.shape == (2, 3)
        res.append((out.detach().numpy(), w.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-6)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-6)
