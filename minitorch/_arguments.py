"""Argument normalisation and array conversion shared by ``Tensor`` and the ops: Python data to
arrays with torch's dtype inference, shape and index arguments, scalars and tensors as arrays.

This sits below both ``tensor.py`` and ``ops/``; it reaches the ``Tensor`` class through
``autograd.function.Tensor`` (set when ``minitorch.tensor`` is imported).
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import numpy as np

from . import _dtype
from .autograd import function as _function

if TYPE_CHECKING:
    from .tensor import Tensor


def _to_array(data, dtype=None) -> np.ndarray:
    """Convert Python data / NumPy arrays / Tensors to an ndarray with torch's dtype inference."""
    if isinstance(data, _function.Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray):
        arr = data
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(x, _function.Tensor) for x in data):
            data = [x._data if isinstance(x, _function.Tensor) else x for x in data]
        try:
            arr = np.array(data)
        except ValueError:
            raise _ragged_error(data) from None
        if dtype is None and arr.dtype == np.float64 and not isinstance(data, np.generic):
            arr = arr.astype(_dtype.default_float.np)  # Python floats give the default dtype
        if arr.dtype.kind in "US" or arr.dtype == object:
            raise TypeError(f"Could not infer dtype of {type(data).__name__}: {data!r:.80}")
    if dtype is not None:
        arr = arr.astype(_dtype.to_np(dtype), copy=False)
    else:
        _dtype.from_numpy_dtype(arr.dtype)  # TypeError on unsupported dtypes
    return arr


def _ragged_error(data) -> ValueError:
    """torch's error for nested sequences of unequal lengths: the first length that differs."""
    level, dim = [data], 0
    while level and all(isinstance(x, (list, tuple)) for x in level):
        want = len(level[0])
        for x in level:
            if len(x) != want:
                return ValueError(f"expected sequence of length {want} at dim {dim} (got {len(x)})")
        level, dim = [y for x in level for y in x], dim + 1
    return ValueError("setting a tensor element with a sequence (the nested lists are ragged)")


def _check_requires_grad(arr: np.ndarray) -> None:
    if arr.dtype.kind not in "fV":
        raise RuntimeError(
            "only Tensors of floating point dtype can require gradients "
            f"(got dtype {_dtype.from_numpy_dtype(arr.dtype)!r}); convert with .float() first"
        )


def _d(x):
    if isinstance(x, _function.Tensor):
        return x._data
    if isinstance(x, np.generic):
        return x.item()
    return x


def _as_tensor_arg(x) -> Tensor:
    return x if isinstance(x, _function.Tensor) else _function.Tensor._make(_to_array(x), False, None)


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(map(operator.index, shape))


def _index_arg(idx):
    """Translate Tensor/list indices into NumPy indices, rejecting what torch rejects."""
    if isinstance(idx, tuple):
        return tuple(_index_arg(i) for i in idx)
    if isinstance(idx, slice):
        if idx.step is not None and idx.step <= 0:
            raise ValueError("step must be greater than zero")  # torch has no negative steps: use flip
        return idx
    if isinstance(idx, _function.Tensor):
        arr = idx._data
        if arr.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr.astype(bool) if arr.dtype == np.uint8 else arr  # byte tensors are masks, as torch
    if isinstance(idx, list):
        arr = np.asarray([_d(i) for i in idx])
        return arr.astype(np.int64) if arr.size == 0 else arr
    return idx


def norm_dims(dim, ndim: int):
    """``dim`` as a sorted tuple of non-negative axes (None means all)."""
    if dim is None:
        return _ALL[ndim]
    if isinstance(dim, int):
        if 0 <= dim < ndim:
            return (dim,)
        if -ndim <= dim < 0:
            return (dim + ndim,)
        dim = (dim,)
    n = max(ndim, 1)
    out = []
    for d in dim:
        if not -n <= d < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
            )
        d %= n
        if d in out:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    return tuple(sorted(out))


def _dim(x, dim) -> int:
    return norm_dims(dim, x._data.ndim)[0] if x._data.ndim else norm_dims(dim, 1)[0]


_ALL = [tuple(range(n)) for n in range(33)]
