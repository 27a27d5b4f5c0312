"""Tensor methods: arithmetic operators and methods, comparisons, ``clamp``/``where``/``maximum`` (ops in ``ops/arithmetic.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype
from .._arguments import _as_tensor_arg, _d, norm_dims
from .._promotion import _promote, _wrap_like
from ..autograd import function as _function
from ..ops import arithmetic as A

_pybool, _pyint = builtins.bool, builtins.int


class ArithmeticMethods:
    __slots__ = ()

    def __add__(self, other):
        return A.Add.apply(*_promote(self, other))

    def __radd__(self, other):
        return A.Add.apply(*_promote(self, other))

    def __sub__(self, other):
        return A.Sub.apply(*_promote(self, other, sub=True))

    def __rsub__(self, other):
        return A.Rsub.apply(*_promote(self, other, sub=True))

    def __mul__(self, other):
        return A.Mul.apply(*_promote(self, other))

    def __rmul__(self, other):
        return A.Mul.apply(*_promote(self, other))

    def __truediv__(self, other):
        return A.Div.apply(*_promote(self, other, true_div=True))

    def __rtruediv__(self, other):
        a, b = _promote(self, other, true_div=True)
        return A.Div.apply(_wrap_like(b, a), a)

    def __pow__(self, other):
        if self._data.dtype.kind in "iub" and isinstance(other, _pyint) and other < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        a, b = _promote(self, other)
        return (A.PowTensor if isinstance(b, _function.Tensor) else A.Pow).apply(a, b)

    def __rpow__(self, other):
        a, b = _promote(self, other)
        return A.RPow.apply(_wrap_like(b, a), a)

    def __neg__(self):
        return A.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __floordiv__(self, other):
        return A.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return A.floor_divide(other, self)

    def __mod__(self, other):
        return A.remainder(self, other)

    def add(self, other, alpha=1):
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        return self * other

    def div(self, other, rounding_mode=None):
        if rounding_mode is None:
            return self / other
        q = self._data / _d(other)
        q = np.floor(q) if rounding_mode == "floor" else np.trunc(q)
        return _function.Tensor._make(q.astype(np.result_type(self._data, _d(other))), False, None)

    def true_divide(self, other):
        return self / other

    def pow(self, exponent):
        return self**exponent

    def neg(self):
        return -self

    def reciprocal(self):
        return 1 / self

    def rsqrt(self):
        return 1 / self.sqrt()

    def square(self):
        return (self.long() if self._data.dtype == np.bool_ else self) ** 2  # as torch: bool -> int64

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        x = self
        for bound in (min, max):
            if bound is not None:
                x = _promote(x, bound)[0]  # torch's type promotion over self, min and max
        if isinstance(min, _function.Tensor):
            min = min.to(x._data.dtype)
        if isinstance(max, _function.Tensor):
            max = max.to(x._data.dtype)
        return A.Clamp.apply(
            x,
            _d(min) if not isinstance(min, _function.Tensor) else min,
            _d(max) if not isinstance(max, _function.Tensor) else max,
        )

    clip = clamp

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def maximum(self, other):
        return A.Maximum.apply(*_promote(self, _as_tensor_arg(other)))

    def minimum(self, other):
        return A.Minimum.apply(*_promote(self, _as_tensor_arg(other)))

    def where(self, condition, other):
        return A.where(condition, self, other)

    def masked_fill(self, mask, value):
        """``value`` where the bool ``mask`` is True (broadcasting); differentiable in self and a 0-d ``value``."""
        m = mask._data if isinstance(mask, _function.Tensor) else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(
                f"masked_fill_ only supports boolean masks, but got mask with dtype {_dtype.from_numpy_dtype(m.dtype)}"
            )
        if isinstance(value, _function.Tensor) and value._data.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        try:
            return A.where(mask, value, self)
        except ValueError:  # torch's broadcast error: the mask against the tensor (a = mask)
            raise A._shape_error(m, self) from None

    def lerp(self, end, weight):
        return self + weight * (end - self)

    def __eq__(self, other):
        if other is None:
            return False  # as torch: ``t == None`` is a plain False
        return _function.Tensor._make(np.asarray(self._data == _d(other)), False, None)

    def __ne__(self, other):
        if other is None:
            return True
        return _function.Tensor._make(np.asarray(self._data != _d(other)), False, None)

    def __lt__(self, other):
        return _function.Tensor._make(np.asarray(self._data < _d(other)), False, None)

    def __le__(self, other):
        return _function.Tensor._make(np.asarray(self._data <= _d(other)), False, None)

    def __gt__(self, other):
        return _function.Tensor._make(np.asarray(self._data > _d(other)), False, None)

    def __ge__(self, other):
        return _function.Tensor._make(np.asarray(self._data >= _d(other)), False, None)

    def __and__(self, other):
        return _function.Tensor._make(np.asarray(self._data & _d(other)), False, None)

    def __or__(self, other):
        return _function.Tensor._make(np.asarray(self._data | _d(other)), False, None)

    def __xor__(self, other):
        return _function.Tensor._make(np.asarray(self._data ^ _d(other)), False, None)

    def __invert__(self):
        return _function.Tensor._make(np.asarray(~self._data), False, None)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __lshift__(self, other):
        return self.bitwise_left_shift(other)

    def __rshift__(self, other):
        return self.bitwise_right_shift(other)

    def __rlshift__(self, other):
        return _as_tensor_arg(other).bitwise_left_shift(self)

    def __rrshift__(self, other):
        return _as_tensor_arg(other).bitwise_right_shift(self)

    def __ilshift__(self, other):
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other):
        return self.bitwise_right_shift_(other)

    def floor_divide(self, other):
        return self.__floordiv__(other)

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def logical_not(self):
        return _function.Tensor._make(np.logical_not(self._data), False, None)

    def logical_and(self, other):
        return _function.Tensor._make(np.logical_and(self._data, _d(other)), False, None)

    def logical_or(self, other):
        return _function.Tensor._make(np.logical_or(self._data, _d(other)), False, None)

    def equal(self, other) -> bool:
        return self._data.shape == other._data.shape and _pybool(np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return _pybool(np.allclose(self._data, _d(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isnan(self):
        return _function.Tensor._make(np.isnan(self._data), False, None)

    def isinf(self):
        return _function.Tensor._make(np.isinf(self._data), False, None)

    def isfinite(self):
        return _function.Tensor._make(np.isfinite(self._data), False, None)

    def _logical_reduce(self, fn, dim, keepdim):
        axes = None if dim is None else norm_dims(dim, self._data.ndim)
        out = np.asarray(fn(self._data, axis=axes, keepdims=keepdim))
        return _function.Tensor._make(
            out.astype(np.uint8) if self._data.dtype == np.uint8 else out, False, None
        )

    def all(self, dim=None, keepdim=False):
        return self._logical_reduce(np.all, dim, keepdim)

    def any(self, dim=None, keepdim=False):  # (uint8 answers uint8, as torch)
        return self._logical_reduce(np.any, dim, keepdim)

    def fmod(self, other):
        return A.fmod(self, other)

    def remainder(self, other):
        return A.remainder(self, other)

    def nan_to_num(self, nan: float = 0.0, posinf=None, neginf=None):
        return A.nan_to_num(self, nan, posinf, neginf)

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        return A.isclose(self, other, rtol, atol, equal_nan)
