"""Tensor methods: elementwise math: ``exp``, ``log``, ``sigmoid``, trigonometry, ``erf``, ... (ops in ``ops/math.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

import numpy as np

from .._promotion import _fl
from ..ops import arithmetic as A
from ..ops import math as E


def _no_bool(t, msg: str, exc=RuntimeError) -> None:
    if t._data.dtype == np.bool_:
        raise exc(msg)


class MathMethods:
    __slots__ = ()

    def exp(self):
        return E.Exp.apply(_fl(self))

    def log(self):
        return E.Log.apply(_fl(self))

    def sqrt(self):
        return E.Sqrt.apply(_fl(self))

    def abs(self):
        _no_bool(self, "\"abs_cpu\" not implemented for 'Bool'", NotImplementedError)
        return E.Abs.apply(self)

    def sin(self):
        return E.Sin.apply(_fl(self))

    def cos(self):
        return E.Cos.apply(_fl(self))

    def sigmoid(self):
        return E.Sigmoid.apply(_fl(self))

    def tanh(self):
        return E.Tanh.apply(_fl(self))

    def relu(self):
        _no_bool(self, "Boolean inputs not supported for relu")
        return E.Relu.apply(self)

    def log1p(self):
        return (self + 1).log()

    def expm1(self):
        return self.exp() - 1

    def sign(self):
        if self._data.dtype == np.bool_:
            return self.clone()  # as torch: the sign of a bool is itself
        return A.ZeroGrad.apply(self, A._sign)

    def floor(self):
        _no_bool(self, "\"floor_vml_cpu\" not implemented for 'Bool'", NotImplementedError)
        return A.ZeroGrad.apply(self, np.floor)

    def ceil(self):
        return A.ZeroGrad.apply(self, np.ceil)

    def round(self, decimals: int = 0):
        return A.ZeroGrad.apply(self, (lambda x: np.round(x, decimals)) if decimals else np.round)

    def trunc(self):
        return A.ZeroGrad.apply(self, np.trunc)

    def erf(self):
        return E.erf(self)

    def tan(self):
        return E.Tan.apply(_fl(self))

    def asin(self):
        return E.Asin.apply(_fl(self))

    def acos(self):
        return E.Acos.apply(_fl(self))

    def atan(self):
        return E.Atan.apply(_fl(self))

    def sinh(self):
        return E.Sinh.apply(_fl(self))

    def cosh(self):
        return E.Cosh.apply(_fl(self))

    def asinh(self):
        return E.Asinh.apply(_fl(self))

    def acosh(self):
        return E.Acosh.apply(_fl(self))

    def atanh(self):
        return E.Atanh.apply(_fl(self))

    def log2(self):
        return E.Log2.apply(_fl(self))

    def log10(self):
        return E.Log10.apply(_fl(self))

    def exp2(self):
        return E.Exp2.apply(_fl(self))

    def logit(self, eps=None):
        return E.logit(self, eps)

    def atan2(self, other):
        return A._binary(E.Atan2, self, other)

    def hypot(self, other):
        return A._binary(E.Hypot, self, other)

    def logaddexp(self, other):
        return A._binary(E.LogAddExp, self, other)

    def logaddexp2(self, other):
        return A._binary(E.LogAddExp2, self, other)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
    arctan2 = atan2
