"""More elementwise functions, as torch's: bitwise ops, ``heaviside``, ``float_power``, ``frac``,
``deg2rad``, ``signbit``, ``addcmul``/``addcdiv``, and the value lookups ``isin``, ``bucketize``,
``searchsorted``, ``histc``, ``histogram``. The differentiable ones are compositions of existing
ops (so their gradients, and gradients of those, come from those ops)."""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .. import _dtype
from .._arguments import _as_tensor_arg
from .._promotion import _fl, _promote
from ..autograd import function as _function
from .arithmetic import _const, _d, where


def _named(name: str, fields: str):
    """A named tuple printed as torch's ``torch.return_types.<name>``."""
    base = namedtuple(name, fields.split())

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"{_dtype.display_name}.return_types.{name}(\n{body})"

    return type(
        name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": "minitorch.return_types"}
    )


def _tensor(x) -> _function.Tensor:
    return _as_tensor_arg(x)


def _type_name(t) -> str:
    return {
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "bool": "Bool",
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
    }.get(t._data.dtype.name, t._data.dtype.name.capitalize())


# ---------------------------------------------------------------- bitwise


def _bitwise(name: str, ufunc, x, other=None):
    x = _tensor(x)
    if other is None:
        if x._data.dtype.kind not in "biu":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_type_name(x)}'")
        return _const(np.asarray(ufunc(x._data)))
    a, b = _promote(x, other) if isinstance(x, _function.Tensor) else (x, other)
    if a._data.dtype.kind not in "biu":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_type_name(a)}'")
    bd = _d(b)
    if isinstance(bd, float):
        raise RuntimeError(f"{name}: a float scalar cannot be used with an integer tensor")
    return _const(np.asarray(ufunc(a._data, bd)).astype(a._data.dtype, copy=False))


def bitwise_and(input, other):
    return _bitwise("bitwise_and", np.bitwise_and, input, other)


def bitwise_or(input, other):
    return _bitwise("bitwise_or", np.bitwise_or, input, other)


def bitwise_xor(input, other):
    return _bitwise("bitwise_xor", np.bitwise_xor, input, other)


def bitwise_not(input):
    return _bitwise("bitwise_not", np.invert, input)


def bitwise_left_shift(input, other):
    return _bitwise("lshift", np.left_shift, input, other)


def bitwise_right_shift(input, other):
    return _bitwise("rshift", np.right_shift, input, other)


# ---------------------------------------------------------------- pointwise


def heaviside(input, values):
    """0 where input < 0, ``values`` where input == 0, 1 where input > 0 (no grad, as torch)."""
    values = _tensor(values)
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _const(np.heaviside(input._data, values._data).astype(input._data.dtype, copy=False))


def float_power(input, exponent):
    """``input ** exponent`` in float64, whatever the dtypes."""
    if not isinstance(input, _function.Tensor):
        return _tensor(np.float64(input)) ** exponent.to(_dtype.float64)
    base = input.to(_dtype.float64)
    if isinstance(exponent, _function.Tensor):
        exponent = exponent.to(_dtype.float64)
    else:
        exponent = float(exponent)
    return base**exponent


def frac(input):
    if input._data.dtype.kind not in "fV":
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{_type_name(input)}'")
    return input - input.trunc()


def fix(input):
    return input.trunc()


def sgn(input):
    return input.sign()


def angle(input):
    """The angle of a real number: pi below zero, 0 elsewhere, NaN for NaN (integers give the
    default float); its gradient is 0, as torch's for real tensors."""
    x = _fl(input)
    a = _const(np.where(x._data < 0, math.pi, 0.0).astype(x._data.dtype))
    if x._data.dtype.kind not in "fV":
        return a
    with np.errstate(invalid="ignore"):  # inf * 0 (only NaN's positions are kept)
        nan_part = x * 0
    return where(x.isnan(), nan_part, a)


def signbit(input):
    return _const(np.signbit(input._data))


def deg2rad(input):
    return _fl(input) * (math.pi / 180)


def rad2deg(input):
    return _fl(input) * (180 / math.pi)


def addcmul(input, tensor1, tensor2, *, value=1):
    return input + value * (tensor1 * tensor2)


def addcdiv(input, tensor1, tensor2, *, value=1):
    t1, t2 = _tensor(tensor1), _tensor(tensor2)
    if t1._data.dtype.kind in "biu" and t2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
            "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
            "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
            "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
            "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes."
        )
    return input + value * (t1 / t2)


# ---------------------------------------------------------------- lookups


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    e, t = _d(elements), _d(test_elements)
    return _const(np.isin(np.asarray(e), np.asarray(t), invert=invert))


def _index_dtype(out_int32):
    return np.int32 if out_int32 else np.int64


def bucketize(input, boundaries, *, out_int32=False, right=False):
    b = boundaries._data
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    res = np.searchsorted(b, _d(input), side="right" if right else "left")
    return _const(np.asarray(res).astype(_index_dtype(out_int32)))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of left while "
                "right was True"
            )
    else:
        side = "right" if right else "left"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    vals = np.asarray(_d(input))
    if seq.ndim == 1:
        res = np.searchsorted(seq, vals, side=side)
    else:
        if vals.ndim == 0 or vals.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions "
                "of boundaries tensor and input value tensor must match, but we got boundaries tensor "
                f"{list(seq.shape)} and input value tensor {list(vals.shape)}"
            )
        s2, v2 = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        res = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(s2, v2)]).reshape(vals.shape)
    return _const(np.asarray(res).astype(_index_dtype(out_int32)))


def histc(input, bins=100, min=0, max=0):
    d = input._data
    if d.dtype.kind not in "fV":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_type_name(input)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and d.size:
        lo, hi = float(d.min()), float(d.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc(): max must be larger than min, but got min {lo} max {hi}")
    hist, _ = np.histogram(d[(d >= lo) & (d <= hi)], bins=bins, range=(lo, hi))
    return _const(hist.astype(d.dtype))


histogram_type = _named("histogram", "hist bin_edges")


def histogram(input, bins, *, range=None, weight=None, density=False):
    d = input._data
    w = None if weight is None else weight._data
    b = bins._data if isinstance(bins, _function.Tensor) else bins
    if range is None and not isinstance(b, np.ndarray) and d.size:
        range = (float(d.min()), float(d.max()))
    hist, edges = np.histogram(d, bins=b, range=range, weights=w, density=density)
    return histogram_type(_const(hist.astype(d.dtype)), _const(edges.astype(d.dtype)))


# ---------------------------------------------------------------- more pointwise


def _both(x, other):
    x = _tensor(x)
    return _promote(x, other)


def fmax(input, other):
    """The larger of the two, ignoring NaN (NaN only where both are)."""
    from .arithmetic import where

    a, b = _both(input, other)
    b = _tensor(b)
    return where((a >= b) | b.isnan(), a, b)


def fmin(input, other):
    from .arithmetic import where

    a, b = _both(input, other)
    b = _tensor(b)
    return where((a <= b) | b.isnan(), a, b)


def ldexp(input, other):
    """input * 2 ** other (a float result)."""
    x = _fl(_tensor(input))
    e = _tensor(other)
    return x * (2.0 ** e.to(x.dtype))


frexp_type = _named("frexp", "mantissa exponent")


def frexp(input):
    if input._data.dtype.kind not in "fV":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = np.frexp(input._data)
    return frexp_type(_const(m.astype(input._data.dtype)), _const(e.astype(np.int32)))


def nextafter(input, other):
    a, b = _both(input, other)
    return _const(np.nextafter(a._data, _d(b)).astype(a._data.dtype))


def _int_only(name, a):
    if a._data.dtype.kind not in "iu":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_type_name(a)}'")


def gcd(input, other):
    a, b = _both(input, other)
    _int_only("gcd", a)
    return _const(np.asarray(np.gcd(a._data, _d(b))).astype(a._data.dtype))


def lcm(input, other):
    a, b = _both(input, other)
    _int_only("lcm", a)
    return _const(np.asarray(np.lcm(a._data, _d(b))).astype(a._data.dtype))


def isposinf(input):
    return _const(
        np.isposinf(input._data) if input._data.dtype.kind in "fV" else np.zeros(input._data.shape, bool)
    )


def isneginf(input):
    return _const(
        np.isneginf(input._data) if input._data.dtype.kind in "fV" else np.zeros(input._data.shape, bool)
    )


def isreal(input):
    return _const(np.ones(input._data.shape, bool))


def logical_xor(input, other):
    return _const(np.logical_xor(input._data, _d(_tensor(other))))


def positive(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "The `+` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
            "the `~` or `logical_not()` operator instead."
        )
    return input


def negative(input):
    return -input


def absolute(input):
    return input.abs()
