"""``out=`` on the torch-level functions, against torch: values written into the given tensor (which is
returned), resizing with torch's warning, dtype refusals, and the refusal to record a graph."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

A = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5
B = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)

CASES = [
    ("add", lambda L, a, b: (a, b), {}, (2, 3)),
    ("mul", lambda L, a, b: (a, b), {}, (2, 3)),
    ("sub", lambda L, a, b: (a, 2.0), {}, (2, 3)),
    ("matmul", lambda L, a, b: (a, b.T), {}, (2, 2)),
    ("sum", lambda L, a, b: (a, 0), {}, (3,)),
    ("mean", lambda L, a, b: (a, 1), {"keepdim": True}, (2, 1)),
    ("exp", lambda L, a, b: (a,), {}, (2, 3)),
    ("clamp", lambda L, a, b: (a,), {"min": -1.0, "max": 1.0}, (2, 3)),
    ("cat", lambda L, a, b: ([a, b],), {}, (4, 3)),
    ("stack", lambda L, a, b: ([a, b], 1), {}, (2, 2, 3)),
    ("where", lambda L, a, b: (a > 0, a, b), {}, (2, 3)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", CASES, ids=[c[0] for c in CASES])
def test_out_writes_and_returns_out(name, args, kwargs, shape):
    res = {}
    for L in (torch, mt):
        out = L.empty(*shape)
        r = getattr(L, name)(*args(L, L.tensor(A), L.tensor(B)), out=out, **kwargs)
        assert r is out
        res[L] = out.numpy() if L is torch else out._data
    np.testing.assert_allclose(res[mt], res[torch], rtol=1e-6)


def test_out_is_resized_with_torchs_warning_and_silently_when_empty():
    for L in (torch, mt):
        with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
            out = L.add(L.ones(2), 1, out=L.empty(3))
        assert tuple(out.shape) == (2,)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert tuple(L.add(L.ones(2), 1, out=L.empty(0)).shape) == (2,)


def test_out_dtype_rules_match_torch():
    for L in (torch, mt):
        with pytest.raises(
            RuntimeError, match="result type Float can't be cast to the desired output type Long"
        ):
            L.add(L.ones(2), 1.5, out=L.empty(2, dtype=L.long))
        d = L.sum(L.ones(2, 2), 0, out=L.empty(2, dtype=L.float64))
        assert str(d.dtype).endswith("float64")
        i = L.add(L.ones(2, dtype=L.long), 1, out=L.empty(2))  # int result into float out: fine
        assert str(i.dtype).endswith("float32")


def test_out_with_grad_is_refused_as_torch_and_allowed_under_no_grad():
    for L in (torch, mt):
        a = L.ones(2, 2, requires_grad=True)
        with pytest.raises(
            RuntimeError, match="functions with out=... arguments don't support automatic differentiation"
        ):
            L.matmul(a, L.ones(2, 2), out=L.empty(2, 2))
        with L.no_grad():
            out = L.matmul(a, L.ones(2, 2), out=L.empty(2, 2))
        assert not out.requires_grad and out.grad_fn is None


def test_out_tuple_for_values_and_indices():
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], np.float32)
    for L in (torch, mt):
        v, i = L.empty(2), L.empty(2, dtype=L.long)
        r = L.max(L.tensor(x), 1, out=(v, i))
        assert r.values is v and r.indices is i
        np.testing.assert_array_equal(np.asarray(v.tolist()), [5.0, 7.0])
        np.testing.assert_array_equal(np.asarray(i.tolist()), [1, 0])
