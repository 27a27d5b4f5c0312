"""Tensor creation: ``zeros``, ``ones``, ``full``, ``arange``, ``rand``, ``randn``, ... and ``*_like``."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from . import _dtype
from ._arguments import _shape_arg, _to_array
from ._random import _rng
from ._size import Size
from .autograd import function as _function

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "empty",
    "eye",
    "arange",
    "linspace",
    "rand",
    "randn",
    "randint",
    "randperm",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
    "bernoulli",
]


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    out = tuple(builtins.int(s) for s in size)
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(out)}")
    return out


def _new(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = _function.Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


def _float_dtype(dtype) -> np.dtype:
    return _dtype.to_np(dtype) if dtype is not None else _dtype.default_float.np


def as_tensor(data, dtype=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array (or returns a Tensor as is)."""
    if isinstance(data, _function.Tensor) and (dtype is None or _dtype.to_np(dtype) == data._data.dtype):
        return data
    if isinstance(data, _function.Tensor):
        return data.to(dtype)
    return _function.Tensor._make(_to_array(data, dtype), False, None)


def from_numpy(arr: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``arr`` (float64 stays float64, as in torch)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    _dtype.from_numpy_dtype(arr.dtype)
    return _function.Tensor._make(arr, False, None)


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return _new(np.zeros(_size(size), _float_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return _new(np.ones(_size(size), _float_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return _new(np.empty(_size(size), _float_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = (
            _dtype.bool
            if isinstance(fill_value, builtins.bool)
            else _dtype.int64
            if isinstance(fill_value, builtins.int)
            else _dtype.default_float
        )
    return _new(np.full(_size((size,)), fill_value, _dtype.to_np(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False) -> Tensor:
    return _new(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Integers give int64 (``arange(5)``); any float argument gives float32."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, _function.Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        is_int = builtins.all(isinstance(v, (builtins.int, np.integer)) for v in vals)
        dtype = _dtype.int64 if is_int else _dtype.default_float
    n = builtins.max(0, int(np.ceil((vals[1] - vals[0]) / vals[2])))
    arr = (vals[0] + np.arange(n, dtype=np.float64) * vals[2]).astype(_dtype.to_np(dtype))
    return _new(arr, requires_grad)


def linspace(start, end, steps: int, dtype=None, requires_grad: bool = False) -> Tensor:
    return _new(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad)


def rand(*size, generator=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1), drawn from the global generator (see ``manual_seed``)."""
    d = _float_dtype(dtype)
    return _new(_rng(generator).random(_size(size)).astype(d, copy=False), requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard normal, drawn from the global generator (see ``manual_seed``)."""
    d = _float_dtype(dtype)
    return _new(_rng(generator).standard_normal(_size(size)).astype(d, copy=False), requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """``randint(high, size)`` or ``randint(low, high, size)``: int64 unless ``dtype`` says."""
    if size is None:
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: expected randint(low=0, high, size)")
    d = _dtype.to_np(dtype) if dtype is not None else np.int64
    return _new(_rng(generator).integers(low, high, _size((size,))).astype(d), requires_grad)


def randperm(n: int, generator=None, dtype=None, requires_grad: bool = False) -> Tensor:
    d = _dtype.to_np(dtype) if dtype is not None else np.int64
    return _new(_rng(generator).permutation(n).astype(d), requires_grad)


def normal(mean: float, std: float, size, generator=None, requires_grad: bool = False) -> Tensor:
    return _new(_rng(generator).normal(mean, std, _size((size,))).astype(np.float32), requires_grad)


def bernoulli(input: Tensor, generator=None) -> Tensor:
    return _function.Tensor._make(
        (_rng(generator).random(input._data.shape) < input._data).astype(input._data.dtype), False, None
    )


def _like(fn):
    def like(input: Tensor, *args, dtype=None, requires_grad: bool = False, **kwargs) -> Tensor:
        d = dtype if dtype is not None else input.dtype
        return fn(input.shape, *args, dtype=d, requires_grad=requires_grad, **kwargs)

    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape (and dtype) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(input: Tensor, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    return full(
        input.shape,
        fill_value,
        dtype=dtype if dtype is not None else input.dtype,
        requires_grad=requires_grad,
    )


def randint_like(input: Tensor, low, high=None, dtype=None, requires_grad: bool = False) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(
        low, high, input.shape, dtype=dtype if dtype is not None else input.dtype, requires_grad=requires_grad
    )


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats become float32, ints int64)."""
    arr = np.array(_to_array(data, dtype), copy=True)
    t = _function.Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


class memory_format:
    """The layouts torch's ``clone``/``contiguous`` accept; minitorch's arrays are always C-ordered."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"minitorch.{self._name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")


def new(x, shape, fill, dtype, requires_grad):
    """``x.new_full(shape, fill)``: a new tensor of ``x``'s dtype unless ``dtype`` is given."""
    arr = np.full(_shape_arg(shape), fill, x._data.dtype if dtype is None else _dtype.to_np(dtype))
    t = _function.Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


def new_tensor(x, data, dtype=None, requires_grad=False):
    return tensor(data, dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad)
