"""Primitives for ``minitorch.nn``: fused ops where they pay (``Linear``, log-softmax + NLL),
activations whose derivative is not a plain composition (``Erf``, ``Gelu``, ``Elu``,
``LogSigmoid``) and the losses whose backward torch defines specially (``BinaryCrossEntropy``).

Every backward is written with Tensor ops, so gradients of gradients work."""

from __future__ import annotations

import math

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Op

_state = grad_mode._state


def _t(arr: np.ndarray):
    """An ndarray as a constant Tensor (no grad)."""
    from ..tensor import Tensor

    return Tensor._make(arr, False, None)


# --- erf (W. J. Cody's rational Chebyshev approximation, ~1e-16 relative) ---
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
    return out.astype(np.asarray(x).dtype, copy=False) if np.asarray(x).dtype.kind == "f" else out


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


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


class Gelu(Op):
    """x * Phi(x): d/dx = Phi(x) + x * phi(x); with 'tanh', the tanh approximation's derivative"""

    @staticmethod
    def forward(ctx, a, approximate):
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        x = a._data
        if approximate == "tanh":
            return (0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))).astype(
                x.dtype, copy=False
            )
        return (0.5 * x * (1.0 + erf_np(x * (1 / math.sqrt(2.0))))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (a + 0.044715 * a * a * a)
            t = inner.tanh()
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * a * a)
            return g * (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * d_inner), None
        cdf = 0.5 * (1 + Erf.apply(a * (1 / math.sqrt(2.0))))
        pdf = (-0.5 * a * a).exp() * (1 / math.sqrt(2 * math.pi))
        return g * (cdf + a * pdf), None


class Elu(Op):
    """x if x > 0 else alpha * (exp(x) - 1): d/dx = 1 or alpha * exp(x)"""

    @staticmethod
    def forward(ctx, a, alpha):
        ctx.save_for_backward(a)
        ctx.alpha = alpha
        x = a._data
        with np.errstate(over="ignore"):
            neg = alpha * np.expm1(np.minimum(x, 0))
        return np.where(x > 0, x, neg).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import where

        (a,) = ctx.saved_tensors
        return where(a > 0, g, g * ctx.alpha * a.clamp(max=0).exp()), None


class LogSigmoid(Op):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|: d/dx = sigmoid(-x)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (-a).sigmoid()


class Softplus(Op):
    """log(1 + exp(beta x)) / beta (linear above threshold): d/dx = sigmoid(beta x)"""

    @staticmethod
    def forward(ctx, a, beta, threshold):
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        x = a._data
        bx = beta * x
        soft = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
        return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import where

        (a,) = ctx.saved_tensors
        bx = a * ctx.beta
        return where(bx > ctx.threshold, g, g * bx.sigmoid()), None, None


# --- Linear ---
class Linear(Op):
    """y = x W^T + b: dx = g W, dW = g^T x (batch dims flattened), db = sum of g over batch dims"""

    _node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        xd, wd = x._data, w._data
        if xd.ndim == 2:
            out = xd @ wd.T
        else:
            out = (xd.reshape(-1, xd.shape[-1]) @ wd.T).reshape(xd.shape[:-1] + (wd.shape[0],))
        if b is not None:
            out += b._data
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = g @ w
        if ctx.needs_input_grad[1]:
            if g._data.ndim == 2:
                gw = g.t() @ x
            else:
                gw = g.reshape(-1, w.shape[0]).t() @ x.reshape(-1, w.shape[1])
        if ctx.needs_input_grad[2]:
            gb = g  # the engine sums it over the batch dims back to b's shape
        return gx, gw, gb


# --- losses ---
def _reduce_np(loss: np.ndarray, reduction: str, denom=None) -> np.ndarray:
    if reduction == "none":
        return loss
    total = loss.sum(dtype=loss.dtype)
    if reduction == "sum":
        return np.asarray(total)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / (loss.size if denom is None else denom)).astype(loss.dtype)


def _scale_grad(g, reduction: str, cdim: int, denom):
    """The output grad as a per-element factor that broadcasts against the input."""
    if reduction == "none":
        return g.unsqueeze(cdim)
    if reduction == "mean":
        return g / denom
    return g


def _target_weights(t: np.ndarray, valid: np.ndarray, weight, dtype) -> np.ndarray:
    """w[target] where the target is not ignored, else 0 (shape of the target)."""
    if weight is None:
        return valid.astype(dtype)
    return np.where(valid, weight._data.astype(dtype, copy=False)[t], 0).astype(dtype, copy=False)


def _weight_along(weight, shape, cdim, dtype) -> np.ndarray:
    """The class weights shaped to broadcast along the class dim of an input of ``shape``."""
    view = [1] * len(shape)
    view[cdim] = shape[cdim]
    return weight._data.astype(dtype, copy=False).reshape(view)


class NllLoss(Op):
    """-w[t] * x[t] per element: d/dx = -w[t] at the target class, 0 elsewhere"""

    _node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, ignore_index, reduction):
        xd = x._data
        cdim = 1 if xd.ndim >= 2 else 0
        valid = t != ignore_index
        ts = np.where(valid, t, 0)
        wt = _target_weights(ts, valid, weight, xd.dtype)
        picked = np.take_along_axis(xd, np.expand_dims(ts, cdim), cdim).squeeze(cdim)
        denom = wt.sum()
        ctx.cdim, ctx.reduction, ctx.denom = cdim, reduction, denom
        ctx.ts, ctx.wt, ctx.shape = ts, wt, xd.shape
        loss = np.where(valid, -wt * picked, 0).astype(xd.dtype, copy=False)  # ignored: 0, even for -inf
        return _reduce_np(loss, reduction, denom)

    @staticmethod
    def backward(ctx, g):
        coef = np.zeros(ctx.shape, g._data.dtype)
        np.put_along_axis(coef, np.expand_dims(ctx.ts, ctx.cdim), -np.expand_dims(ctx.wt, ctx.cdim), ctx.cdim)
        return _t(coef) * _scale_grad(g, ctx.reduction, ctx.cdim, ctx.denom), None, None, None, None


class CrossEntropy(Op):
    """Fused log_softmax + NLL over class indices, with class weights, ignore_index and label
    smoothing eps (torch's definition: (1-eps) * nll + eps/C * sum_c -w_c log p_c).

    d/dx = scale * (A * softmax(x) - B), A = valid * ((1-eps) w[t] + eps/C * sum(w)) and
    B = valid * ((1-eps) w[t] onehot(t) + eps/C * w): no log-softmax tensor is ever built."""

    _node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, ignore_index, reduction, label_smoothing):
        xd = x._data
        cdim = 1 if xd.ndim >= 2 else 0
        n_cls = xd.shape[cdim]
        z = xd - xd.max(axis=cdim, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=cdim, keepdims=True)
        lse = np.log(s)
        eps = label_smoothing
        valid = t != ignore_index
        ts = np.where(valid, t, 0)
        idx = np.expand_dims(ts, cdim)
        wt = _target_weights(ts, valid, weight, xd.dtype)
        picked = (np.take_along_axis(z, idx, cdim) - lse).squeeze(cdim)
        loss = -wt * picked
        denom = wt.sum()
        if eps > 0:
            logp = z - lse
            if weight is not None:
                logp = logp * _weight_along(weight, xd.shape, cdim, xd.dtype)
            smooth = np.where(valid, -logp.sum(axis=cdim), 0).astype(xd.dtype, copy=False)
            loss = (1 - eps) * loss + (eps / n_cls) * smooth
        ctx.save_for_backward(x)
        e /= s  # softmax, kept for backward
        ctx.p = e
        ctx.cdim, ctx.reduction, ctx.denom = cdim, reduction, denom
        ctx.ts, ctx.wt, ctx.valid, ctx.eps, ctx.n_cls = ts, wt, valid, eps, n_cls
        ctx.weight = weight
        return _reduce_np(loss.astype(xd.dtype, copy=False), reduction, denom)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        cdim, eps, dt = ctx.cdim, ctx.eps, x._data.dtype
        # with create_graph the softmax must be a function of x; otherwise reuse forward's
        p = x.softmax(cdim) if _state.enabled else _t(ctx.p)
        idx = np.expand_dims(ctx.ts, cdim)
        wt = np.expand_dims(ctx.wt, cdim)
        b = np.zeros(x._data.shape, dt)
        np.put_along_axis(b, idx, (1 - eps) * wt, cdim)
        if eps > 0:
            valid = np.expand_dims(ctx.valid, cdim).astype(dt)
            if ctx.weight is None:
                b += valid * (eps / ctx.n_cls)
                a = valid
            else:
                w = _weight_along(ctx.weight, x._data.shape, cdim, dt)
                b += valid * (eps / ctx.n_cls) * w
                a = valid * ((1 - eps) * wt + (eps / ctx.n_cls) * w.sum())
        elif ctx.weight is None and ctx.valid.all():
            a = None  # plain case: d/dx = softmax - onehot
        else:
            a = wt
        core = (p if a is None else p * _t(np.ascontiguousarray(a))) - _t(b)
        return core * _scale_grad(g, ctx.reduction, cdim, ctx.denom), None, None, None, None, None


class BinaryCrossEntropy(Op):
    """-w (y log x + (1-y) log(1-x)), logs clamped at -100 as torch:
    d/dx = w (x - y) / max(x (1-x), 1e-12), d/dy = w (log(1-x) - log x)"""

    @staticmethod
    def forward(ctx, x, y, weight, reduction):
        ctx.save_for_backward(x, y, weight)
        ctx.reduction = reduction
        xd, yd = x._data, y._data
        with np.errstate(divide="ignore"):
            lx = np.maximum(np.log(xd), -100)
            l1x = np.maximum(np.log1p(-xd), -100)
        loss = -(yd * lx + (1 - yd) * l1x)
        if weight is not None:
            loss = loss * weight._data
        return _reduce_np(loss.astype(xd.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, w = ctx.saved_tensors
        if ctx.reduction == "mean":
            g = g / x._data.size
        if w is not None:
            g = g * w
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - y) / (x * (1 - x)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            gy = g * ((1 - x).log().clamp(min=-100) - x.log().clamp(min=-100))
        return gx, gy, None, None


# --- embedding ---
class Embedding(Op):
    """weight[idx]: the grad is scatter-added into the rows that were looked up (none into
    ``padding_idx``; divided by each index's count with ``scale_grad_by_freq``)"""

    @staticmethod
    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq):
        ctx.idx, ctx.padding_idx, ctx.shape = idx, padding_idx, w._data.shape
        ctx.scale = scale_grad_by_freq
        return w._data[idx]

    @staticmethod
    def backward(ctx, g):
        from .movement import IndexAddZeros

        idx = ctx.idx
        keep = None
        if ctx.padding_idx is not None:
            keep = (idx != ctx.padding_idx).astype(g._data.dtype)
        if ctx.scale:
            _, inv, counts = np.unique(idx, return_inverse=True, return_counts=True)
            f = (1.0 / counts[inv.reshape(idx.shape)]).astype(g._data.dtype)
            keep = f if keep is None else keep * f
        if keep is not None:
            g = g * _t(keep[..., None])
        return IndexAddZeros.apply(g, idx, ctx.shape), None, None, None
