"""Tensor creation: ``zeros``, ``ones``, ``full``, ``arange``, ``rand``, ``randn``, ... and ``*_like``."""

from __future__ import annotations

import builtins
import numbers
from typing import TYPE_CHECKING

import numpy as np

from . import _device, _dtype, _random
from ._arguments import _shape_arg, _to_array
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
    "multinomial",
    "strided",
]


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    out = tuple(builtins.int(s) for s in size)
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(out)}")
    return out


def _placed(device, layout, pin_memory: bool) -> None:
    """``device=``, ``layout=`` and ``pin_memory=`` of a creation function, checked as a CPU-only torch does."""
    _device.check_placement(device)
    if layout is not None and layout is not strided:
        raise NotImplementedError(f"minitorch has only dense tensors (layout=strided), got layout={layout}")
    if pin_memory:
        raise RuntimeError(
            "pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator is "
            "available on this system."
        )


class layout:
    """A tensor's memory layout, as ``torch.layout``; minitorch has only ``strided`` (dense) tensors."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"{_dtype.display_name}.{self._name}"


strided = layout("strided")


def _new(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = _function.Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


def _float_dtype(dtype) -> np.dtype:
    return _dtype.to_np(dtype) if dtype is not None else _dtype.default_float.np


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array (or returns a Tensor as is)."""
    _device.check_placement(device)
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


def zeros(
    *size, dtype=None, device=None, requires_grad: bool = False, layout=None, pin_memory: bool = False
) -> Tensor:
    _placed(device, layout, pin_memory)
    return _new(np.zeros(_size(size), _float_dtype(dtype)), requires_grad)


def ones(
    *size, dtype=None, device=None, requires_grad: bool = False, layout=None, pin_memory: bool = False
) -> Tensor:
    _placed(device, layout, pin_memory)
    return _new(np.ones(_size(size), _float_dtype(dtype)), requires_grad)


def empty(
    *size, dtype=None, device=None, requires_grad: bool = False, layout=None, pin_memory: bool = False
) -> Tensor:
    _placed(device, layout, pin_memory)
    return _new(np.empty(_size(size), _float_dtype(dtype)), requires_grad)


def empty_strided(
    size,
    stride,
    *,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """An uninitialised tensor of ``size`` laid out with ``stride`` (in elements) over its own
    buffer, as torch's."""
    _placed(device, layout, pin_memory)
    size, stride = _size((size,)), tuple(int(s) for s in stride)
    if len(stride) != len(size):
        raise RuntimeError(
            f"mismatch in length of strides and shape: {len(stride)} strides for {len(size)} dimensions"
        )
    d = np.dtype(_float_dtype(dtype))
    need = 1 + sum((n - 1) * st for n, st in zip(size, stride)) if all(size) else 0
    strides = tuple(st * d.itemsize for st in stride)
    return _new(np.lib.stride_tricks.as_strided(np.empty(need, d), size, strides), requires_grad)


def full(
    size,
    fill_value,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    _placed(device, layout, pin_memory)
    if not isinstance(fill_value, (numbers.Number, np.generic, _function.Tensor)):
        raise TypeError(
            f"full(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}"
        )
    if dtype is None:
        dtype = (
            _dtype.bool
            if isinstance(fill_value, builtins.bool)
            else _dtype.int64
            if isinstance(fill_value, builtins.int)
            else _dtype.default_float
        )
    return _new(np.full(_size((size,)), fill_value, _dtype.to_np(dtype)), requires_grad)


def eye(
    n: int,
    m: int | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    _placed(device, layout, pin_memory)
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"{'n' if n < 0 else 'm'} must be greater or equal to 0, got {n if n < 0 else m}")
    return _new(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(
    start,
    end=None,
    step=1,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """Integers give int64 (``arange(5)``); any float argument gives float32."""
    _placed(device, layout, pin_memory)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, _function.Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[2] > 0 and vals[1] < vals[0]) or (vals[2] < 0 and vals[1] > vals[0]):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_int = builtins.all(isinstance(v, (builtins.int, np.integer)) for v in vals)
        dtype = _dtype.int64 if is_int else _dtype.default_float
    n = builtins.max(0, int(np.ceil((vals[1] - vals[0]) / vals[2])))
    arr = (vals[0] + np.arange(n, dtype=np.float64) * vals[2]).astype(_dtype.to_np(dtype))
    return _new(arr, requires_grad)


def linspace(
    start,
    end,
    steps: int,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    _placed(device, layout, pin_memory)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _new(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad)


def logspace(
    start,
    end,
    steps: int,
    base: float = 10.0,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    _placed(device, layout, pin_memory)
    return _new((base ** np.linspace(start, end, steps)).astype(_float_dtype(dtype)), requires_grad)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None) -> Tensor:
    """``obj`` as a tensor: a tensor (of that dtype) or a NumPy array is shared unless ``copy=True``;
    anything else is copied in (Python floats as the default float dtype)."""
    t = as_tensor(obj, dtype, device)
    if copy and (t is obj or (isinstance(obj, np.ndarray) and np.shares_memory(t._data, obj))):
        t = _function.Tensor._make(t._data.copy(), False, None)
    if requires_grad is not None and requires_grad != t.requires_grad:
        t = t.detach() if t is obj else t
        t.requires_grad_(requires_grad)
    return t


def rand(
    *size,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """Uniform on [0, 1), drawn from the global generator (see ``manual_seed``)."""
    _placed(device, layout, pin_memory)
    d, shape = np.dtype(_float_dtype(dtype)), _size(size)
    n = int(np.prod(shape, dtype=np.int64))
    return _new(_random.uniform(n, d, 0.0, 1.0, generator).reshape(shape), requires_grad)


def randn(
    *size,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """Standard normal, drawn from the global generator (see ``manual_seed``)."""
    _placed(device, layout, pin_memory)
    d, shape = np.dtype(_float_dtype(dtype)), _size(size)
    n = int(np.prod(shape, dtype=np.int64))
    return _new(_random.normal(n, d, 0.0, 1.0, generator).reshape(shape), requires_grad)


def randint(
    low=0,
    high=None,
    size=None,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """``randint(high, size)``, ``randint(low, high, size)``, ``randint(high, size=...)`` or
    ``randint(high=..., size=...)``: uniform integers in ``[low, high)``, int64 unless ``dtype`` says."""
    _placed(device, layout, pin_memory)
    if size is None and high is not None and not isinstance(high, (builtins.int, np.integer)):
        low, high, size = 0, low, high  # randint(high, size)
    elif high is None and size is not None:
        low, high = 0, low  # randint(high, size=...)
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: expected randint(low=0, high, size)")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    d = _dtype.to_np(dtype) if dtype is not None else np.int64
    shape = _size((size,))
    n = int(np.prod(shape, dtype=np.int64))
    return _new(_random.random_from_to(n, d, low, high, generator).reshape(shape), requires_grad)


def randperm(
    n: int,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    _placed(device, layout, pin_memory)
    d = _dtype.to_np(dtype) if dtype is not None else np.int64
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    return _new(_random.randperm(n, generator).astype(d), requires_grad)


def normal(
    mean=0.0,
    std=1.0,
    size=None,
    generator=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
) -> Tensor:
    """``normal(mean, std, size)`` with floats, or ``normal(mean, std)`` where either is a tensor: one
    draw per element of their broadcast shape, as torch."""
    _placed(device, layout, pin_memory)
    tensors = [v for v in (mean, std) if isinstance(v, _function.Tensor)]
    m = mean._data if isinstance(mean, _function.Tensor) else mean
    s = std._data if isinstance(std, _function.Tensor) else std
    if np.any(np.asarray(s) < 0):
        bad = np.min(s)
        raise RuntimeError(f"normal expects std >= 0.0, but found std {bad:g}")
    if tensors:
        shape = np.broadcast_shapes(*(v._data.shape for v in tensors))
        d = np.result_type(*(v._data for v in tensors))
        if d.kind not in "fV":
            raise RuntimeError("normal expects floating point mean and std")
    else:
        if size is None:
            raise TypeError("normal() missing required argument 'size' (mean and std are numbers)")
        shape, d = _size((size,)), _dtype.default_float.np
    d = np.dtype(d)
    n = int(np.prod(shape, dtype=np.int64))
    if not tensors:  # empty(size).normal_(mean, std)
        return _new(_random.normal(n, d, mean, std, generator).reshape(shape), requires_grad)
    # torch: normal_(0, std) then add_(mean) for a float std, normal_(0, 1).mul_(std).add_(mean) else
    if isinstance(std, _function.Tensor):
        z = _random.normal(n, d, 0.0, 1.0, generator).reshape(shape)
        z = (z * np.asarray(s).astype(d, copy=False)).astype(d, copy=False)
    else:
        z = _random.normal(n, d, 0.0, std, generator).reshape(shape)
    return _new((z + np.asarray(m).astype(d, copy=False)).astype(d, copy=False), requires_grad)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """``num_samples`` indices per row of ``input`` (1-D or 2-D, non-negative weights, not
    necessarily summing to 1), drawn with or without replacement: int64, as torch."""
    p = input._data
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind not in "fV":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    sums = rows.sum(axis=1)
    if np.any(sums <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    w = p.reshape(-1, p.shape[-1])
    if w.dtype not in (np.float32, np.float64):
        w = w.astype(np.float32)
    out = _random.multinomial(w, num_samples, replacement, generator)
    return _function.Tensor._make(out.reshape(p.shape[:-1] + (num_samples,)), False, None)


def bernoulli(input: Tensor, p=None, *, generator=None, out=None) -> Tensor:
    """``bernoulli(input)``: 1 with probability ``input`` (elementwise), in ``input``'s dtype; with
    ``p`` a number, ``bernoulli_(p)`` on a tensor shaped as ``input``."""
    x = input._data
    if p is None:
        vals = _random.bernoulli_tensor(np.ascontiguousarray(x).reshape(-1), generator)
    else:
        vals = _random.bernoulli_scalar(x.size, p, generator)
    res = _function.Tensor._make(vals.reshape(x.shape).astype(x.dtype), False, None)
    if out is not None:
        out._fill_with(res._data)
        return out
    return res


def _like(fn):
    def like(
        input: Tensor, *args, dtype=None, requires_grad: bool = False, memory_format=None, **kwargs
    ) -> Tensor:
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


def full_like(input: Tensor, fill_value, *, dtype=None, memory_format=None, **kwargs) -> Tensor:
    return full(input.shape, fill_value, dtype=dtype if dtype is not None else input.dtype, **kwargs)


def randint_like(input: Tensor, low=0, high=None, *, dtype=None, memory_format=None, **kwargs) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype if dtype is not None else input.dtype, **kwargs)


def tensor(
    data, dtype=None, device=None, requires_grad: bool = False, layout=None, pin_memory: bool = False
) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats become float32, ints int64)."""
    _placed(device, layout, pin_memory)
    arr = np.array(_to_array(data, dtype), copy=True)
    t = _function.Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


class memory_format(layout):
    """The layouts torch's ``clone``/``contiguous`` accept; minitorch's arrays are always C-ordered."""


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
