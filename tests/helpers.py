"""Shared test helpers: the torch oracle (skipped with a reason where torch is missing) and
comparisons between minitorch and torch tensors."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt

try:
    import torch
except ImportError:  # pragma: no cover - CI installs torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed (pip install torch==2.13.0)")

TOL = {np.float64: dict(rtol=1e-7, atol=1e-9), np.float32: dict(rtol=1e-4, atol=1e-5)}


def to_np(x) -> np.ndarray:
    """A minitorch tensor, a torch tensor or anything array-like, as a NumPy array."""
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, mt.Tensor):
        return x.data
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
