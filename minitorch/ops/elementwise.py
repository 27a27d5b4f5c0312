"""Elementwise ops. Binary ops broadcast like NumPy; the engine sums grads back to each
input's shape, so no backward here reduces anything."""

from __future__ import annotations

import numpy as np

from ..autograd import function as _function
from ..autograd.function import Op


def _const(arr: np.ndarray):
    """An ndarray as a tensor that needs no grad (masks and other constants in backward)."""
    return _function.Tensor._make(arr, False, None)


def _d(x):
    """The ndarray of a Tensor, or a Python number as is."""
    return x._data if hasattr(x, "_vc") else x


class Add(Op):
    """a + b: d/da = 1, d/db = 1"""

    @staticmethod
    def forward(ctx, a, b):
        return _d(a) + _d(b)

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Op):
    """a - b: d/da = 1, d/db = -1"""

    @staticmethod
    def forward(ctx, a, b):
        return _d(a) - _d(b)

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class Rsub(Op):
    """b - a (for ``2 - x``): d/da = -1"""

    _node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b):
        return _d(b) - _d(a)

    @staticmethod
    def backward(ctx, g):
        return -g, (g if ctx.needs_input_grad[1] else None)


class Mul(Op):
    """a * b: d/da = b, d/db = a"""

    @staticmethod
    def forward(ctx, a, b):
        # NOTE: as torch, save an operand only when the other one needs it for its grad, so that
        # modifying ``a`` in place after ``a * const`` is fine (no version error), as in torch.
        ta, tb = hasattr(a, "_vc"), hasattr(b, "_vc")
        ctx.save_for_backward(a if ta and tb and b._rg else None, b if tb and ta and a._rg else None)
        ctx.sa = None if hasattr(a, "_vc") else a
        ctx.sb = None if hasattr(b, "_vc") else b
        return _d(a) * _d(b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        ga = g * b if ctx.needs_input_grad[0] else None
        gb = g * a if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Op):
    """a / b: d/da = 1/b, d/db = -a/b^2"""

    @staticmethod
    def forward(ctx, a, b):
        ta, tb = hasattr(a, "_vc"), hasattr(b, "_vc")  # save only what backward will need (see Mul)
        ctx.save_for_backward(a if ta and tb and b._rg else None, b if tb else None)
        ctx.sa = None if hasattr(a, "_vc") else a
        ctx.sb = None if hasattr(b, "_vc") else b
        return _d(a) / _d(b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        ga = g / b if ctx.needs_input_grad[0] else None
        gb = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


class Neg(Op):
    """-a: d/da = -1"""

    @staticmethod
    def forward(ctx, a):
        try:
            return -a._data
        except TypeError:  # NumPy refuses to negate bools; torch raises RuntimeError
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                "invert a mask, use the `~` or `logical_not()` operator instead."
            ) from None

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Op):
    """a ** b: d/da = b a^(b-1), d/db = a^b log(a) (0 where a == 0 and b >= 0, as torch)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if hasattr(a, "_vc") else None, b if hasattr(b, "_vc") else None)
        ctx.sa = None if hasattr(a, "_vc") else a
        ctx.sb = None if hasattr(b, "_vc") else b
        try:
            return np.power(_d(a), _d(b))
        except ValueError as e:  # integers to negative integer powers: torch raises RuntimeError
            raise RuntimeError(str(e)) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        ga = gb = None
        if ctx.needs_input_grad[0]:
            if not hasattr(b, "_vc"):
                ga = g * 0.0 if b == 0 else g * b * a ** (b - 1)
            elif (b._data == 0).any():  # NOTE: b a^(b-1) is 0 * inf = nan at a = b = 0; torch gives 0
                from ..tensor import where

                ga = g * b * a ** (where(b == 0, 1.0, b) - 1)
            else:
                ga = g * b * a ** (b - 1)
        if ctx.needs_input_grad[1]:
            from ..tensor import tensor, where

            base = a if hasattr(a, "_vc") else tensor(a, dtype=b.dtype)
            zero = tensor((base._data == 0) & (_d(b) >= 0))
            # NOTE: log(1) in place of log(0) where the grad is 0 anyway (no 0 * -inf = nan warnings)
            gb = where(zero, 0.0, g * base**b * where(zero, 1.0, base).log())
        return ga, gb


class PowTensor(Pow):
    """a ** b with a tensor exponent (torch's node for this overload is PowBackward1)"""

    _node_name = "PowBackward1"


class RPow(Pow):
    """scalar ** b, as in ``2 ** x`` (torch's node for this overload is PowBackward2)"""

    _node_name = "PowBackward2"


class Exp(Op):
    """exp(a): d/da = exp(a)"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.exp(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.output


class Log(Op):
    """log(a): d/da = 1/a"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / a


class Sqrt(Op):
    """sqrt(a): d/da = 1 / (2 sqrt(a))"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            return np.sqrt(a._data)

    @staticmethod
    def backward(ctx, g):
        return g / (2 * ctx.output)


class Abs(Op):
    """|a|: d/da = sign(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * a.sign()


class Sin(Op):
    """sin(a): d/da = cos(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * a.cos()


class Cos(Op):
    """cos(a): d/da = -sin(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * a.sin()


_EXP_MAX = {"f": 88.0, "d": 709.0}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Overflow-free logistic."""
    # 1 / (1 + exp(-x)) as torch computes it; -x is capped below exp's overflow point, which
    # changes only results smaller than 1e-38 (float32) / 1e-307 (float64).
    cap = _EXP_MAX.get(x.dtype.char)
    if cap is None:  # float16: compute in float32
        return _sigmoid(x.astype(np.float32)).astype(x.dtype)
    e = np.negative(x, out=np.empty_like(x))
    np.minimum(e, cap, out=e)
    np.exp(e, out=e)
    e += 1
    return np.reciprocal(e, out=e)


class Sigmoid(Op):
    """s = 1/(1+exp(-a)): d/da = s (1 - s)"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return _sigmoid(a._data)

    @staticmethod
    def backward(ctx, g):
        s = ctx.output
        return g * s * (1 - s)


class Tanh(Op):
    """t = tanh(a): d/da = 1 - t^2"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.tanh(a._data)

    @staticmethod
    def backward(ctx, g):
        t = ctx.output
        return g * (1 - t * t)


class Relu(Op):
    """max(a, 0): d/da = 1 where a > 0 else 0"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.maximum(a._data, 0)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        # NOTE: one Where op instead of (a > 0) -> cast to float -> multiply
        return Where.apply(_const(a._data > 0), g, 0.0)


class LeakyRelu(Op):
    """a if a > 0 else slope * a: d/da = 1 or slope"""

    @staticmethod
    def forward(ctx, a, slope):
        ctx.save_for_backward(a)
        ctx.slope = slope
        x = a._data
        return np.where(x > 0, x, x * slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        from ..tensor import where

        return where(a > 0, g, g * ctx.slope), None


class Cast(Op):
    """a.to(dtype): the grad is cast back to a's dtype"""

    _node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, np_dtype):
        ctx.src = a._data.dtype
        return a._data.astype(np_dtype)

    @staticmethod
    def backward(ctx, g):
        return g.to(ctx.src), None


class Clone(Op):
    """a copy of a: d/da = 1"""

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class ZeroGrad(Op):
    """A piecewise-constant function (sign, floor, ceil, round): d/da = 0, as torch"""

    @staticmethod
    def forward(ctx, a, fn):
        return fn(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0, None


class Where(Op):
    """where(c, a, b): d/da = c, d/db = not c"""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        out = np.where(cond._data, _d(a), _d(b))
        return out

    @staticmethod
    def backward(ctx, g):
        from ..tensor import where

        c = ctx.cond
        ga = where(c, g, 0.0) if ctx.needs_input_grad[1] else None
        gb = where(c, 0.0, g) if ctx.needs_input_grad[2] else None
        return None, ga, gb


class Maximum(Op):
    """max(a, b): grad to the larger; ties split it in half, as torch"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        w = (a > b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
        return g * w, g * (1 - w)


class Minimum(Op):
    """min(a, b): grad to the smaller; ties split it in half, as torch"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        w = (a < b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
        return g * w, g * (1 - w)


class Clamp(Op):
    """clamp(a, lo, hi): d/da = 1 where lo <= a <= hi; d/dlo = 1 where a < lo; d/dhi = 1 where a > hi
    (when lo > hi the result is hi everywhere, so hi gets all the grad), as torch"""

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo if hasattr(lo, "_vc") else None, hi if hasattr(hi, "_vc") else None)
        ctx.lo, ctx.hi = (None if hasattr(lo, "_vc") else lo), (None if hasattr(hi, "_vc") else hi)
        ctx.has_lo, ctx.has_hi = lo is not None, hi is not None
        return np.clip(a._data, _d(lo), _d(hi)).astype(a._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import Tensor

        a, lo, hi = ctx.saved_tensors
        x, lo, hi = a._data, (ctx.lo if lo is None else lo._data), (ctx.hi if hi is None else hi._data)

        def masked(mask):
            return g * Tensor._make(np.asarray(mask, dtype=g._data.dtype), False, None)

        ga = glo = ghi = None
        if ctx.needs_input_grad[0]:
            mask = True
            if ctx.has_lo:
                mask = mask & (x >= lo)
            if ctx.has_hi:
                mask = mask & (x <= hi)
            ga = masked(mask)
        if ctx.needs_input_grad[1]:
            glo = masked((x < lo) & (lo < hi) if ctx.has_hi else x < lo)
        if ctx.needs_input_grad[2]:
            ghi = masked((x > hi) | (hi < lo) if ctx.has_lo else x > hi)
        return ga, glo, ghi
