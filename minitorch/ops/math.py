"""Elementwise math: ``exp``, ``log``, ``sqrt``, trigonometric and hyperbolic functions, ``sigmoid``,
``tanh``, ``relu``, ``erf``, ``logaddexp``, ... Each docstring states the local derivative.
Binary ones broadcast like NumPy; the engine sums grads back to each input's shape."""

from __future__ import annotations

import math

import numpy as np

from .._promotion import _fl
from ..autograd import grad_mode as _grad_mode
from ..autograd.function import Op, quiet_off, quiet_on
from .arithmetic import Where, _const, _quiet, where


@_quiet
class Exp(Op):
    """exp(a): d/da = exp(a)"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.exp(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.output

    # NOTE: ``backward_np``: the same formula on NumPy arrays, which the engine uses when no graph
    # of the backward is wanted (create_graph=False); tests/test_fast_backward.py checks both agree
    @staticmethod
    def backward_np(ctx, g):
        return (g * ctx._output_np(),)


@_quiet
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


@_quiet
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


@_quiet
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


@_quiet
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
    """1 / (1 + exp(-x)) as torch computes it: exp overflows to inf below about -88.7 (float32), so
    the result is 0 there, as torch's (binary_cross_entropy of sigmoid(-100) against 1 is then 100)."""
    if x.dtype.char not in _EXP_MAX:  # float16: compute in float32
        return _sigmoid(x.astype(np.float32)).astype(x.dtype)
    e = np.negative(x, out=np.empty_like(x))
    token = quiet_on()  # exp overflows to inf, as intended
    try:
        np.exp(e, out=e)
    finally:
        quiet_off(token)
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

    @staticmethod
    def backward_np(ctx, g):
        s = ctx._output_np()
        return (g * s * (1 - s),)


# NOTE: no @_quiet on Sigmoid and Tanh: their forward cannot warn (tanh is bounded; _sigmoid silences
# its exp) and the engine turns NumPy's warnings off for the whole backward walk
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

    @staticmethod
    def backward_np(ctx, g):
        t = ctx._output_np()
        d = t * t
        if d.__class__ is not np.ndarray or g.dtype != d.dtype:  # 0-d (a NumPy scalar), or a cast
            return (g * (1 - d),)
        np.subtract(1, d, out=d)  # 1 - t * t, without a second temporary
        return (np.multiply(g, d, out=d),)


class _MaskedGrad(Op):
    """The grad of a piecewise-linear activation as a function of (grad, input): ``g`` where the
    mask holds, ``g * other`` elsewhere. Its derivative w.r.t. the input is 0, as torch's
    ``threshold_backward`` & co., so the second derivative of relu is zeros rather than an error."""

    @staticmethod
    def forward(ctx, g, x, mask, other):
        ctx.mask, ctx.other = mask, other
        gd = g._data
        if other == 0.0:
            return np.where(mask, gd, 0).astype(gd.dtype, copy=False)
        return np.where(mask, gd, gd * other).astype(gd.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        other = 0.0 if ctx.other == 0.0 else gg * ctx.other
        return Where.apply(_const(ctx.mask), gg, other), gg * 0.0, None, None


class ThresholdBackward(_MaskedGrad):
    _node_name = "ThresholdBackwardBackward0"


class LeakyReluBackward(_MaskedGrad):
    _node_name = "LeakyReluBackwardBackward0"


class HardtanhBackward(_MaskedGrad):
    _node_name = "HardtanhBackwardBackward0"


class Hardtanh(Op):
    """hardtanh(a, lo, hi) = clamp(a, lo, hi): d/da = 1 strictly inside (lo, hi), 0 at the kinks and
    outside, as torch (clamp's grad is 1 at the bounds; hardtanh's and relu6's is 0)"""

    @staticmethod
    def forward(ctx, a, lo, hi):
        x = a._data
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        return np.minimum(np.maximum(x, x.dtype.type(lo)), x.dtype.type(hi))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        x = a._data
        mask = (x > ctx.lo) & (x < ctx.hi)
        if _grad_mode._state.enabled:  # create_graph: a function of g and (with zero grad) of a
            return HardtanhBackward.apply(g, a, mask, 0.0), None, None
        return Where.apply(_const(mask), g, 0.0), None, None


class Relu(Op):
    """max(a, 0): d/da = 1 where a > 0 else 0 (read off the output, which torch saves)"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.maximum(a._data, 0)

    @staticmethod
    def backward(ctx, g):
        # torch's threshold_backward(g, out, 0): g passes where not (out <= 0), so NaN passes it
        mask = ~(ctx.output._data <= 0)
        if _grad_mode._state.enabled:  # create_graph: a function of g and (with zero grad) of the output
            return ThresholdBackward.apply(g, ctx.output, mask, 0.0)
        # NOTE: branch-free multiply (np.where on a random mask mispredicts, ~10x slower); it is
        # wrong only where the mask is off and g is inf/NaN, and then the sum is NaN: redo with where
        with np.errstate(invalid="ignore"):  # inf * 0 where the mask is off: redone below
            out = g._data * mask
        if np.isnan(out.sum()):
            out = np.where(mask, g._data, 0).astype(out.dtype, copy=False)
        return _const(out)

    @staticmethod
    def backward_np(ctx, g):
        # NOTE: the output is >= 0 or NaN, so ``out != 0`` is backward's ~(out <= 0) in one pass
        mask = ctx._output_np() != 0
        if np.isfinite(g).all():  # as backward, branch-free: exact wherever g is finite
            return (g * mask,)
        return (np.where(mask, g, 0).astype(g.dtype, copy=False),)


@_quiet
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
        if _grad_mode._state.enabled:  # create_graph: a function of g and (with zero grad) of a
            return LeakyReluBackward.apply(g, a, a._data > 0, ctx.slope), None
        return where(a > 0, g, g * ctx.slope), None


_LN2 = math.log(2.0)


_LN10 = math.log(10.0)


@_quiet
class Tan(Op):
    """t = tan(a): d/da = 1 + t^2"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.tan(a._data)

    @staticmethod
    def backward(ctx, g):
        t = ctx.output
        return g * (1 + t * t)


@_quiet
class Asin(Op):
    """asin(a): d/da = 1 / sqrt(1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arcsin(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 - a * a).sqrt()


@_quiet
class Acos(Op):
    """acos(a): d/da = -1 / sqrt(1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arccos(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g / (1 - a * a).sqrt()


@_quiet
class Atan(Op):
    """atan(a): d/da = 1 / (1 + a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 + a * a)


@_quiet
class Sinh(Op):
    """sinh(a): d/da = cosh(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Cosh.apply(a)


@_quiet
class Cosh(Op):
    """cosh(a): d/da = sinh(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cosh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Sinh.apply(a)


@_quiet
class Asinh(Op):
    """asinh(a): d/da = 1 / sqrt(a^2 + 1)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * a + 1).sqrt()


@_quiet
class Acosh(Op):
    """acosh(a): d/da = 1 / sqrt(a^2 - 1)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arccosh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * a - 1).sqrt()


@_quiet
class Atanh(Op):
    """atanh(a): d/da = 1 / (1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.arctanh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 - a * a)


@_quiet
class Log2(Op):
    """log2(a): d/da = 1 / (a ln 2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN2)


@_quiet
class Log10(Op):
    """log10(a): d/da = 1 / (a ln 10)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN10)


@_quiet
class Exp2(Op):
    """2^a: d/da = 2^a ln 2"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.exp2(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.output * _LN2


@_quiet
class Logit(Op):
    """log(a / (1 - a)) of a clamped to [eps, 1 - eps]: d/da = 1 / (a (1 - a)); 0 outside the clamp
    range (nan outside [0, 1] without eps), as torch"""

    @staticmethod
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps
        x = a._data if eps is None else np.clip(a._data, eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        x, eps = a._data, ctx.eps
        grad = g / (a * (1 - a))
        if eps is None:
            out = (x < 0) | (x > 1)
            return (Where.apply(_const(out), float("nan"), grad) if out.any() else grad), None
        out = (x < eps) | (x > 1 - eps)
        return (Where.apply(_const(out), 0.0, grad) if out.any() else grad), None


@_quiet
class Atan2(Op):
    """atan2(a, b): d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2) (0 at a = b = 0), as torch's
    g * b * recip with recip = 1 / (a^2 + b^2), masked to 0 where that is 0 (NaN second derivative)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        recip = r2.reciprocal()
        zero = r2._data == 0
        if zero.any():
            recip = Where.apply(_const(zero), 0.0, recip)
        ga = g * b * recip if ctx.needs_input_grad[0] else None
        gb = g * -a * recip if ctx.needs_input_grad[1] else None
        return ga, gb


@_quiet
class Hypot(Op):
    """h = sqrt(a^2 + b^2): d/da = a / h, d/db = b / h"""

    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.hypot(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gh = g / ctx.output
        return (gh * a if ctx.needs_input_grad[0] else None), (gh * b if ctx.needs_input_grad[1] else None)


@_quiet
class LogAddExp(Op):
    """l = log(exp(a) + exp(b)): d/da = exp(a - l), d/db = exp(b - l)"""

    _node_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return np.logaddexp(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if _grad_mode._state.enabled:  # create_graph: torch's formula, so its derivative is torch's
            ga = g / (1 + (b - a).exp()) if ctx.needs_input_grad[0] else None
            gb = g / (1 + (a - b).exp()) if ctx.needs_input_grad[1] else None
            return ga, gb
        # 1 / (1 + exp(b - a)) as torch (the same bits: sigmoid(x) is 1 / (1 + exp(-x))): exact 0.5
        # at a == b, unlike exp(a - out) with a rounded out
        ga = g * (a - b).sigmoid() if ctx.needs_input_grad[0] else None
        gb = g * (b - a).sigmoid() if ctx.needs_input_grad[1] else None
        return ga, gb


@_quiet
class LogAddExp2(Op):
    """l = log2(2^a + 2^b): d/da = 2^(a - l), d/db = 2^(b - l)"""

    _node_name = "Logaddexp2Backward0"

    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return np.logaddexp2(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        out = ctx.output
        ga = g * Exp2.apply(a - out) if ctx.needs_input_grad[0] else None
        gb = g * Exp2.apply(b - out) if ctx.needs_input_grad[1] else None
        return ga, gb


def erf(x):
    return Erf.apply(_fl(x))


def logit(x, eps=None):
    return Logit.apply(_fl(x), eps)


_A = (
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
)


_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)


_C = (
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
)


_D = (
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
)


_P = (
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
)


_Q = (
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
)


_SQRPI = 5.6418958354775628695e-1  # 1 / sqrt(pi)


def _erfc_scaled(y: np.ndarray) -> np.ndarray:
    """erfc(y) for y > 0.46875 (float64): Cody's second and third intervals."""
    out = np.empty_like(y)
    mid = y <= 4.0
    ym = y[mid]
    num, den = _C[8] * ym, ym.copy()
    for i in range(7):
        num = (num + _C[i]) * ym
        den = (den + _D[i]) * ym
    out[mid] = (num + _C[7]) / (den + _D[7])
    yb = y[~mid]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        z = 1.0 / (yb * yb)
        num, den = _P[5] * z, z.copy()
        for i in range(4):
            num = (num + _P[i]) * z
            den = (den + _Q[i]) * z
        out[~mid] = (_SQRPI - z * (num + _P[4]) / (den + _Q[4])) / yb
    # exp(-y^2) split in two factors for accuracy, as Cody does
    ysq = np.trunc(y * 16.0) / 16.0
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out *= np.exp(-ysq * ysq) * np.exp(-(y - ysq) * (y + ysq))
    out[np.isinf(y)] = 0.0
    return out


def erf_np(x: np.ndarray) -> np.ndarray:
    """The error function of an array, elementwise (computed in float64, returned in x's dtype)."""
    xd = np.asarray(x, dtype=np.float64)
    y = np.abs(xd)
    out = np.empty_like(xd)
    small = y <= 0.46875
    xs = xd[small]
    z = xs * xs
    num, den = _A[4] * z, z.copy()
    for i in range(3):
        num = (num + _A[i]) * z
        den = (den + _B[i]) * z
    out[small] = xs * (num + _A[3]) / (den + _B[3])
    big = ~small
    yb = y[big]
    out[big] = np.copysign(1.0 - _erfc_scaled(yb), xd[big])
    nan = np.isnan(xd)
    if nan.any():
        out[nan] = np.nan
    return out.astype(np.asarray(x).dtype, copy=False) if np.asarray(x).dtype.kind in "fV" else out


@_quiet
class Erf(Op):
    """erf(a): d/da = 2/sqrt(pi) * exp(-a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erf_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (2.0 / math.sqrt(math.pi)) * (-(a * a)).exp()
