"""Arithmetic and comparison-free elementwise ops: ``+ - * / **``, ``fmod``/``remainder``,
``maximum``/``minimum``/``clamp``, ``where``, casts and copies. Binary ops broadcast like NumPy; the
engine sums grads back to each input's shape, so no backward here reduces anything.

The ``Op`` classes come first; after them, the functions that check arguments the way torch does
and call the ops (``Tensor``'s methods are one-liners calling them).
"""

from __future__ import annotations

import numpy as np

from .._arguments import _as_tensor_arg
from .._promotion import _promote, _result_type, _wrap_like
from ..autograd import function as _function
from ..autograd.function import Op, quiet_off, quiet_on


def _const(arr):
    """An ndarray as a tensor that needs no grad (masks and other constants in backward)."""
    return _function.Tensor._make(np.asarray(arr), False, None)


def _d(x):
    """The ndarray of a Tensor, or a Python number as is."""
    return x._data if hasattr(x, "_vc") else x


def _sign(x):
    """torch.sign: as NumPy's, but 0 for NaN"""
    out = np.sign(x)
    return np.nan_to_num(out, nan=0.0) if out.dtype.kind in "fV" else out


def _quiet(cls):
    """Run an op's forward and backward with NumPy's floating-point warnings off: torch prints none
    for inf/NaN results (``log(0)``, ``1 / 0``, ``exp(1e4)``). Only for ops that can meet them; the
    hot ops (add, mul, matmul) do without the ~2 us it costs."""
    for name in ("forward", "backward"):
        meth = cls.__dict__.get(name)
        if meth is None:
            continue
        fn = meth.__func__

        def quiet(*args, _fn=fn):
            token = quiet_on()  # np.errstate(all="ignore"), at a quarter of its cost
            try:
                return _fn(*args)
            finally:
                quiet_off(token)

        quiet.__name__, quiet.__doc__ = fn.__name__, fn.__doc__
        setattr(cls, name, type(meth)(quiet))
    return cls


def _cached(cache: dict, key, make) -> np.ndarray:
    """``make()`` kept read-only in ``cache`` under ``key`` (a constant array a hot op needs each
    step: the row index of an NLL, a column of ones); at most 64 kept."""
    a = cache.get(key)
    if a is None:
        if len(cache) >= 64:
            cache.clear()
        a = cache[key] = make()
        a.flags.writeable = False
    return a


def _shape_error(a, b) -> RuntimeError:
    """torch's broadcast error for ``a (op) b`` (built only after NumPy refused, so free on the fast path)."""
    sa, sb = np.shape(_d(a)), np.shape(_d(b))
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                f"at non-singleton dimension {i}"
            )
    return RuntimeError(f"operands could not be broadcast together with shapes {sa} {sb}")


def floor_divide(a, b):
    """``a // b`` (no grad, as torch): integer division by zero raises as torch."""
    t, other = (a, b) if isinstance(a, _function.Tensor) else (b, a)
    rt = _result_type(t, other)  # torch's promotion (int32 // 2.5 is float32, not NumPy's float64)
    x, y = np.asarray(_d(a)).astype(rt, copy=False), np.asarray(_d(b)).astype(rt, copy=False)
    if rt.kind in "iub" and np.any(y == 0):
        raise RuntimeError("ZeroDivisionError")
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.floor_divide(x, y)
    except ValueError:
        raise _shape_error(a, b) from None
    return _function.Tensor._make(np.asarray(out), False, None)


class Add(Op):
    """a + b: d/da = 1, d/db = 1"""

    @staticmethod
    def forward(ctx, a, b):
        try:
            return a._data + (b._data if hasattr(b, "_vc") else b)  # a is the tensor (see __add__)
        except ValueError:
            raise _shape_error(a, b) from None
        except AttributeError:  # a Python number first, from a direct Add.apply(2, x)
            return _d(a) + _d(b)

    @staticmethod
    def backward(ctx, g):
        return g, g

    # NOTE: ``backward_np``: the same formula on NumPy arrays, which the engine uses when no graph
    # of the backward is wanted (create_graph=False); tests/test_fast_backward.py checks both agree
    @staticmethod
    def backward_np(ctx, g):
        return g, g


class Sub(Op):
    """a - b: d/da = 1, d/db = -1"""

    @staticmethod
    def forward(ctx, a, b):
        try:
            return _d(a) - _d(b)
        except ValueError:
            raise _shape_error(a, b) from None

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)

    @staticmethod
    def backward_np(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class Rsub(Op):
    """b - a (for ``2 - x``): d/da = -1"""

    _node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b):
        try:
            return _d(b) - _d(a)
        except ValueError:
            raise _shape_error(a, b) from None

    @staticmethod
    def backward(ctx, g):
        return -g, (g if ctx.needs_input_grad[1] else None)

    @staticmethod
    def backward_np(ctx, g):
        return -g, (g if ctx.needs_input_grad[1] else None)


class Mul(Op):
    """a * b: d/da = b, d/db = a"""

    @staticmethod
    def forward(ctx, a, b):
        # NOTE: as torch, save an operand only when the other one needs it for its grad, so that
        # modifying ``a`` in place after ``a * const`` is fine (no version error), as in torch.
        if hasattr(a, "_vc") and hasattr(b, "_vc"):
            ctx.save_for_backward(a if b._rg else None, b if a._rg else None)
            ctx.sa = ctx.sb = None
            x, y = a._data, b._data
        else:  # a Python number: nothing to save (what save_for_backward(None, None) would set)
            ctx._saved = ctx._saved_versions = (None, None)
            ctx.sa = x = None if hasattr(a, "_vc") else a
            ctx.sb = y = None if hasattr(b, "_vc") else b
            x = a._data if x is None else x
            y = b._data if y is None else y
        try:
            return x * y
        except ValueError:
            raise _shape_error(a, b) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        ga = g * b if ctx.needs_input_grad[0] else None
        gb = g * a if ctx.needs_input_grad[1] else None
        return ga, gb

    @staticmethod
    def backward_np(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = g * (ctx.sb if b is None else b._data) if need[0] else None
        gb = g * (ctx.sa if a is None else a._data) if need[1] else None
        return ga, gb


@_quiet
class Div(Op):
    """a / b: d/da = 1/b, d/db = -a/b^2"""

    @staticmethod
    def forward(ctx, a, b):
        ta, tb = hasattr(a, "_vc"), hasattr(b, "_vc")  # save only what backward will need (see Mul)
        ctx.save_for_backward(a if ta and tb and b._rg else None, b if tb else None)
        ctx.sa = None if hasattr(a, "_vc") else a
        ctx.sb = None if hasattr(b, "_vc") else b
        try:
            return _d(a) / _d(b)
        except ValueError:
            raise _shape_error(a, b) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        ga = g / b if ctx.needs_input_grad[0] else None
        gb = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb

    @staticmethod
    def backward_np(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a._data
        b = ctx.sb if b is None else b._data
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

    @staticmethod
    def backward_np(ctx, g):
        return (-g,)


@_quiet
class Pow(Op):
    """a ** b: d/da = b a^(b-1) (0 where b == 0), d/db = a^b log(a) (0 where a == 0 and b >= 0), as
    torch. A float tensor to the number 0.5 is sqrt and to -0.5 is 1 / sqrt, as torch's kernel (and
    NumPy's for 0.5): (-0.0) ** -0.5 = -inf and (-inf) ** -0.5 = nan, where C's pow gives inf and 0."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if hasattr(a, "_vc") else None, b if hasattr(b, "_vc") else None)
        ctx.sa = None if hasattr(a, "_vc") else a
        ctx.sb = None if hasattr(b, "_vc") else b
        if isinstance(b, float) and b == -0.5 and a._data.dtype.kind in "fV":
            return 1 / np.sqrt(a._data)
        try:
            return np.power(_d(a), _d(b))
        except ValueError as e:  # integers to negative integer powers: torch raises RuntimeError
            raise (_shape_error(a, b) if "broadcast" in str(e) else RuntimeError(str(e))) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        ga = gb = None
        if ctx.needs_input_grad[0]:
            if not hasattr(b, "_vc"):
                ga = _const(np.zeros_like(g._data)) if b == 0 else g * (b * a ** (b - 1))
            elif (b._data == 0).any():  # b a^(b-1) is 0 * inf = nan at a = b = 0: torch's where
                ga = where(b == 0, 0.0, g * (b * a ** (b - 1)))
            else:
                ga = g * (b * a ** (b - 1))
        if ctx.needs_input_grad[1]:
            base = a if hasattr(a, "_vc") else _const(np.asarray(a, dtype=b._data.dtype))
            zero = (base._data == 0) & (_d(b) >= 0)
            # NOTE: torch's formula as it is (its double backward is NaN where it is, e.g. at 0 ** 0)
            gb = g * (where(_const(zero), 0.0, base**b * base.log()) if zero.any() else base**b * base.log())
        return ga, gb


class PowTensor(Pow):
    """a ** b with a tensor exponent (torch's node for this overload is PowBackward1)"""

    _node_name = "PowBackward1"


class RPow(Pow):
    """scalar ** b, as in ``2 ** x`` (torch's node for this overload is PowBackward2)"""

    _node_name = "PowBackward2"


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
        c = ctx.cond
        ga = where(c, g, 0.0) if ctx.needs_input_grad[1] else None
        gb = where(c, 0.0, g) if ctx.needs_input_grad[2] else None
        return None, ga, gb


def _max_min_grads(ctx, g, loses):
    """Each input gets the grad unless it loses (``loses(a, b)``); ties split it in half; where either
    is NaN (the result is NaN), both get it, as torch."""
    a, b = (t._data for t in ctx.saved_tensors)
    tie = (a == b) * 0.5
    wa = 1 - loses(a, b) - tie
    wb = 1 - loses(b, a) - tie
    dt = g._data.dtype
    ga = g * _const(wa.astype(dt, copy=False)) if ctx.needs_input_grad[0] else None
    gb = g * _const(wb.astype(dt, copy=False)) if ctx.needs_input_grad[1] else None
    return ga, gb


class Maximum(Op):
    """max(a, b): grad to the larger; ties split it in half, as torch"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        return _max_min_grads(ctx, g, np.less)


class Minimum(Op):
    """min(a, b): grad to the smaller; ties split it in half, as torch"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        return _max_min_grads(ctx, g, np.greater)


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
        a, lo, hi = ctx.saved_tensors
        x, lo, hi = a._data, (ctx.lo if lo is None else lo._data), (ctx.hi if hi is None else hi._data)

        def masked(mask):
            return g * _function.Tensor._make(np.asarray(mask, dtype=g._data.dtype), False, None)

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


def where(condition, input=None, other=None):
    """``where(c, a, b)``: elements of ``a`` where ``c`` else of ``b`` (differentiable in a, b)."""
    if input is None and other is None:
        return tuple(
            _function.Tensor._make(i.astype(np.int64), False, None) for i in np.nonzero(_d(condition))
        )
    cond = (
        condition
        if isinstance(condition, _function.Tensor)
        else _function.Tensor._make(np.asarray(condition), False, None)
    )
    if cond._data.dtype != np.bool_:
        cond = _function.Tensor._make(cond._data.astype(bool), False, None)
    if isinstance(input, _function.Tensor) and isinstance(other, _function.Tensor):
        input, other = _promote(input, other)
    elif isinstance(input, _function.Tensor):
        input, other = _promote(input, other)
    elif isinstance(other, _function.Tensor):
        other, input = _promote(other, input)
    else:
        input, other = _promote(_as_tensor_arg(input), _as_tensor_arg(other))
    return Where.apply(cond, input, other)


class NanToNum(Op):
    """nan_to_num(a): d/da = 1 where a is finite, else 0"""

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.finite = np.isfinite(a._data)
        return np.nan_to_num(a._data, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        return Where.apply(_const(ctx.finite), g, 0.0), None, None, None


def _int_mod(fn, a, b):
    if a.dtype.kind in "iu" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")
    return fn(a, b)


@_quiet
class Fmod(Op):
    """a - trunc(a / b) b: d/da = 1, d/db = -trunc(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        grad_b = hasattr(b, "_vc") and b._rg  # save only what backward needs (see Mul)
        ctx.save_for_backward(a if grad_b else None, b if grad_b else None)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _int_mod(np.fmod, a._data, _d(b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = -g * _DivRounded.apply(a, b, "trunc") if ctx.needs_input_grad[1] else None
        return g, gb


class _DivRounded(Op):
    """trunc(a / b) or a // b (torch's ``div(rounding_mode=...)``, which fmod's and remainder's
    backward use): as torch, its own derivative is zero, so double backward gets no NaN from a / b."""

    _node_name = "DivBackward3"

    @staticmethod
    def forward(ctx, a, b, mode):
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return np.trunc(a._data / b._data) if mode == "trunc" else np.floor_divide(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        return None, None, None


@_quiet
class Remainder(Op):
    """a - floor(a / b) b (Python's %): d/da = 1, d/db = -(a // b), the floor division of torch's
    ``div(rounding_mode="floor")`` (and NumPy's): NaN where fmod(a, b) is (a = +-inf), -1 for 1 // -inf"""

    @staticmethod
    def forward(ctx, a, b):
        grad_b = hasattr(b, "_vc") and b._rg  # save only what backward needs (see Mul)
        ctx.save_for_backward(a if grad_b else None, b if grad_b else None)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = _int_mod(np.remainder, a._data, _d(b))
        if out.dtype.kind in "fV":  # a zero result has a's sign (torch's fmod-based kernel), not b's
            if out.ndim:
                np.copysign(out, a._data, out=out, where=out == 0)
            elif out == 0:
                out = np.copysign(out, a._data)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = -g * _DivRounded.apply(a, b, "floor") if ctx.needs_input_grad[1] else None
        return g, gb


class FmodTensor(Fmod):
    """fmod by a tensor (torch's node for this overload is FmodBackward1)"""

    _node_name = "FmodBackward1"


class RemainderTensor(Remainder):
    """remainder by a tensor (torch's node for this overload is RemainderBackward1)"""

    _node_name = "RemainderBackward1"


def _binary(op, x, other):
    """A float binary op with torch's type promotion (integers become the default float)."""
    a, b = _promote(x, other, true_div=True)
    return op.apply(a, _wrap_like(b, a))


def fmod(x, other, ops=(Fmod, FmodTensor)):
    a, b = _promote(x, other)
    return ops[hasattr(b, "_vc")].apply(a, b)


def remainder(x, other):
    return fmod(x, other, (Remainder, RemainderTensor))


def isclose(x, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|x - other| <= atol + rtol * |other|`` elementwise (no grad)."""
    if hasattr(other, "_vc") and other._data.dtype != x._data.dtype:
        raise RuntimeError(
            f"isclose: {other.dtype.name.capitalize()} did not match {x.dtype.name.capitalize()} "
            "(convert one with .to(dtype))"
        )
    return _const(np.isclose(x._data, _d(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf``, ``neginf`` (defaults: 0, the dtype's max, min)."""
    if x._data.dtype.kind not in "fV":
        return x.clone()
    return NanToNum.apply(x, nan, posinf, neginf)
