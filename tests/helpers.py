"""Shared test helpers: the torch oracle (skipped with a reason where torch is missing),
comparisons between minitorch and torch tensors, and the input specs and ``check`` that the op
tables (test_shape_ops, test_op_table, test_indexing, test_inplace, test_higher_order) run on."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minitorch as mt

try:
    import torch
except ImportError:  # pragma: no cover - CI installs torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed (pip install torch==2.13.0)")

DTYPES = [np.float64, np.float32]
TOL = {np.float64: dict(rtol=1e-7, atol=1e-9), np.float32: dict(rtol=1e-4, atol=1e-5)}


def to_np(x) -> np.ndarray:
    """A minitorch tensor, a torch tensor or anything array-like, as a NumPy array."""
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, mt.Tensor):
        return x._data
    return np.asarray(x)


def mt_and_torch(arr: np.ndarray, requires_grad: bool = False):
    """The same data as a minitorch leaf and a torch leaf (independent copies)."""
    a = mt.tensor(arr.copy(), requires_grad=requires_grad)
    t = torch.tensor(arr.copy(), requires_grad=requires_grad)
    return a, t


def assert_close(actual, expected, rtol=None, atol=None, dtype_check: bool = True) -> None:
    """Values (and dtype) of a minitorch tensor agree with a torch tensor or an array."""
    a, e = to_np(actual), to_np(expected)
    if dtype_check:
        assert a.dtype == e.dtype, f"dtype {a.dtype} != {e.dtype}"
    assert a.shape == e.shape, f"shape {a.shape} != {e.shape}"
    tol = TOL.get(e.dtype.type, dict(rtol=1e-4, atol=1e-5))
    np.testing.assert_allclose(
        a, e, rtol=tol["rtol"] if rtol is None else rtol, atol=tol["atol"] if atol is None else atol
    )


# --- op-table inputs: a shape tuple is a random leaf that requires grad ---
class Leaf:
    """A given float array, as a leaf that requires grad (for ties and special values)."""

    def __init__(self, arr):
        self.arr = np.asarray(arr, dtype=np.float64)


class Const:
    """A tensor argument that does not require grad (any dtype; float arrays take the test dtype)."""

    def __init__(self, arr):
        self.arr = np.asarray(arr)


def make_inputs(specs, dtype, seed=0):
    """Identical minitorch and torch inputs: a shape tuple is a random leaf that requires grad."""
    rng = np.random.default_rng(seed)
    mts, ths = [], []
    for s in specs:
        if isinstance(s, (tuple, Leaf)):
            arr = (rng.standard_normal(s) if isinstance(s, tuple) else s.arr).astype(dtype)
            mts.append(mt.tensor(arr.copy(), requires_grad=True))
            ths.append(torch.tensor(arr.copy(), requires_grad=True))
        elif isinstance(s, Const):
            arr = s.arr.astype(dtype) if s.arr.dtype.kind == "f" else s.arr
            mts.append(mt.tensor(arr.copy()))
            ths.append(torch.tensor(arr.copy()))
        else:
            mts.append(s)
            ths.append(s)
    return mts, ths


def flat_outputs(out):
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in flat_outputs(x)]
    return [out]


def check(fn, specs, dtype, seed=0, grad=True):
    """fn(mt, *inputs) and fn(torch, *inputs) agree in value, dtype, shape, requires_grad and leaf grads."""
    mts, ths = make_inputs(specs, dtype, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation notes (scatter reduce=, meshgrid)
        outs_m, outs_t = flat_outputs(fn(mt, *mts)), flat_outputs(fn(torch, *ths))
    assert len(outs_m) == len(outs_t)
    for om, ot in zip(outs_m, outs_t):
        if isinstance(ot, torch.Tensor):
            assert isinstance(om, mt.Tensor), type(om)
            assert_close(om, ot)
            assert om.requires_grad == ot.requires_grad
        else:
            assert om == ot
    if not grad:
        return
    rng = np.random.default_rng(seed + 1)
    diff = [(om, ot) for om, ot in zip(outs_m, outs_t) if isinstance(ot, torch.Tensor) and ot.requires_grad]
    if not diff:
        return
    loss_m = loss_t = 0
    for om, ot in diff:
        g = rng.standard_normal(ot.shape).astype(dtype)
        with np.errstate(over="ignore"):  # nan_to_num's float max times g
            loss_m = loss_m + (om * mt.tensor(g)).sum()
        loss_t = loss_t + (ot * torch.tensor(g)).sum()
    loss_m.backward()
    loss_t.backward()
    for xm, xt in zip(mts, ths):
        if isinstance(xt, torch.Tensor) and xt.requires_grad:
            if xt.grad is None:
                assert xm.grad is None or not xm.grad._data.any()
            else:
                assert xm.grad is not None, "minitorch produced no gradient"
                assert_close(xm.grad, xt.grad)
