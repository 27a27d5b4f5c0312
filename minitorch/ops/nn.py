"""Primitives for ``minitorch.nn``: fused ops where they pay (``Linear``, log-softmax + NLL),
activations whose derivative is not a plain composition (``Erf``, ``Gelu``, ``Elu``,
``LogSigmoid``) and the losses whose backward torch defines specially (``BinaryCrossEntropy``).

Every backward is written with Tensor ops, so gradients of gradients work."""

from __future__ import annotations

import math

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Op
from .arithmetic import _cached, _const, where
from .indexing import IndexAddZeros
from .math import Erf, erf_np

_state = grad_mode._state


# --- erf (W. J. Cody's rational Chebyshev approximation, ~1e-16 relative) ---


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


class Gelu(Op):
    """x * Phi(x): d/dx = Phi(x) + x * phi(x); with 'tanh', the tanh approximation's derivative.
    At -inf both are NaN (-inf * 0), as torch's kernels, without NumPy's warnings."""

    @staticmethod
    def forward(ctx, a, approximate):
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        x = a._data
        with np.errstate(invalid="ignore", over="ignore"):
            if approximate == "tanh":
                inner = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))
                return (0.5 * x * (1.0 + inner)).astype(x.dtype, copy=False)
            return (0.5 * x * (1.0 + erf_np(x * (1 / math.sqrt(2.0))))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        with np.errstate(invalid="ignore", over="ignore"):
            return Gelu._backward(ctx, g)

    @staticmethod
    def _backward(ctx, g):
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
    """alpha * expm1(x) where x < 0, else x: d/dx = alpha * exp(x) where x <= 0, else 1. As torch:
    zeros are returned as they are (elu(-0.0) = -0.0 for any alpha) but get the grad alpha; NaN gets
    the grad g (torch's scalar loop; its vectorised loop, used from 16 float64 elements, gives NaN)."""

    @staticmethod
    def forward(ctx, a, alpha):
        ctx.save_for_backward(a)
        ctx.alpha = alpha
        x = a._data
        with np.errstate(over="ignore"):  # expm1 of a large x overflows where it is not used
            neg = alpha * np.expm1(x)
        return np.where(x < 0, neg, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        # exp of 0 where a >= 0 or NaN: no inf or NaN in the branch not taken, and a second
        # derivative of 0 at zero (torch's elu_double_backward multiplies by a < 0)
        return where(a <= 0, g * ctx.alpha * where(a < 0, a, 0.0).exp(), g), None


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
            m = xd.shape[0]
            if 8 <= m <= 48 and wd.size >= 65536 and xd.dtype == np.float32:
                # NOTE: OpenBLAS's sgemm with a transposed B is slow for a short, wide x; W x^T
                # then a copy back to rows is 20-30% faster there (benchmarks/README.md)
                out = np.ascontiguousarray((wd @ xd.T).T)
            else:
                out = xd @ wd.T
        else:
            out = (xd.reshape(-1, xd.shape[-1]) @ wd.T).reshape(xd.shape[:-1] + (wd.shape[0],))
        if b is not None:
            out += b._data
        return out if out.dtype == xd.dtype else out.astype(xd.dtype)  # bfloat16 @ answers float32

    @staticmethod
    def backward(ctx, g):
        if not _state.enabled and g._data.ndim >= 2:  # no graph of the backward wanted: the arrays
            gx, gw, gb = Linear.backward_np(ctx, g._data)
            # NOTE: b is (out,) or, from the RNNs, any shape that broadcasts: the engine sums gb to
            # b's shape (the teaching trace shows that step)
            return (
                (None if gx is None else _const(gx)),
                (None if gw is None else _const(gw)),
                (g if gb is not None else None),
            )
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

    @staticmethod
    def backward_np(ctx, g):
        """``backward``'s NumPy branch on arrays (the engine's path when no graph is wanted)."""
        if g.ndim < 2:
            return NotImplemented  # the engine runs ``backward`` instead
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        wd = w._data
        gx = g @ wd if need[0] else None
        gw = None
        if need[1]:
            xd = x._data
            g2 = g if g.ndim == 2 else g.reshape(-1, wd.shape[0])
            gw = g2.T @ (xd if xd.ndim == 2 else xd.reshape(-1, wd.shape[1]))
        gb = None
        if need[2]:  # a (out,) bias: the engine's sum over the batch, done here; others: the engine's
            gb = np.add.reduce(g, axis=0) if g.ndim == 2 and len(ctx._input_meta[2][0]) == 1 else g
        return gx, gw, gb


class LinearMm(Linear):
    """``Linear`` without bias on a 2-D input: torch records an ``mm``."""

    _node_name = "MmBackward0"


class LinearView(Linear):
    """``Linear`` with bias on a 1-D or N-D (N > 2) input: torch's addmm then a view."""

    _node_name = "ViewBackward0"


class LinearUnsafeView(Linear):
    """``Linear`` without bias on an N-D (N > 2) input: torch's mm then an unsafe view."""

    _node_name = "UnsafeViewBackward0"


class LinearSqueeze(Linear):
    """``Linear`` without bias on a 1-D input: torch's mv-like mm then a squeeze."""

    _node_name = "SqueezeBackward4"


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


_ARANGES: dict = {}


def _arange(n: int) -> np.ndarray:
    """``np.arange(n)``, cached: the row index of every NLL step (batch sizes repeat)."""
    return _cached(_ARANGES, n, lambda: np.arange(n))


class NllLoss(Op):
    """-w[t] * x[t] per element: d/dx = -w[t] at the target class, 0 elsewhere"""

    _node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, ignore_index, reduction):
        """``ignore_index`` None: the caller checked that no target equals it."""
        xd = x._data
        if xd.ndim == 2 and weight is None and reduction != "none" and xd.shape[0]:
            n = xd.shape[0]
            if ignore_index is None or not (t == ignore_index).any():  # the common case
                loss = -xd[_arange(n), t].sum(dtype=xd.dtype)
                ctx.cdim, ctx.reduction, ctx.shape = 1, reduction, xd.shape
                ctx.ts, ctx.wt, ctx.denom = t, 1.0, n
                return np.asarray(loss / xd.dtype.type(n) if reduction == "mean" else loss, dtype=xd.dtype)
        cdim = 1 if xd.ndim >= 2 else 0
        valid = t != ignore_index if ignore_index is not None else np.ones(t.shape, bool)
        ts = np.where(valid, t, 0)
        wt = _target_weights(ts, valid, weight, xd.dtype)
        if xd.ndim == 2:  # NOTE: fancy indexing is cheaper than take_along_axis on the hot path
            picked = xd[np.arange(xd.shape[0]), ts]
        else:
            picked = np.take_along_axis(xd, np.expand_dims(ts, cdim), cdim).squeeze(cdim)
        denom = wt.sum()
        ctx.cdim, ctx.reduction, ctx.denom = cdim, reduction, denom
        ctx.ts, ctx.wt, ctx.shape = ts, wt, xd.shape
        loss = np.where(valid, -wt * picked, 0).astype(xd.dtype, copy=False)  # ignored: 0, even for -inf
        return _reduce_np(loss, reduction, denom)

    @staticmethod
    def backward(ctx, g):
        gd = g._data
        if not _state.enabled:
            res = NllLoss.backward_np(ctx, gd)
            if res is not NotImplemented:
                return _const(res[0]), None, None, None, None
        coef = np.zeros(ctx.shape, gd.dtype)
        wt = np.broadcast_to(ctx.wt, ctx.ts.shape)  # (the common case keeps a 1.0)
        np.put_along_axis(coef, np.expand_dims(ctx.ts, ctx.cdim), -np.expand_dims(wt, ctx.cdim), ctx.cdim)
        if ctx.reduction == "mean" and not ctx.denom:  # every target ignored: grad 0, as torch
            return _const(coef) * 0.0 * g, None, None, None, None
        return _const(coef) * _scale_grad(g, ctx.reduction, ctx.cdim, ctx.denom), None, None, None, None

    @staticmethod
    def backward_np(ctx, g):
        """The common case on arrays (2-D input, a reduced loss): -w[t] * scale at the target
        class, 0 elsewhere; the other cases are left to ``backward``."""
        if ctx.cdim != 1 or len(ctx.shape) != 2 or ctx.reduction == "none":
            return NotImplemented
        coef = np.zeros(ctx.shape, g.dtype)
        scale = g
        if ctx.reduction == "mean":  # every target ignored (denom 0): grad 0, as torch
            scale = g / ctx.denom if ctx.denom else g * 0.0
        coef[_arange(ctx.shape[0]), ctx.ts] = -ctx.wt * scale
        return coef, None, None, None, None


class CrossEntropy(Op):
    """Fused log_softmax + NLL over class indices with label smoothing eps > 0 (without it,
    ``cross_entropy`` is ``NllLoss`` after ``LogSoftmax``, as torch's graph), with class weights,
    ignore_index and label smoothing eps (torch's definition: (1-eps) * nll + eps/C * sum_c -w_c log p_c).

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
        wt = _target_weights(ts, valid, weight, xd.dtype)
        if xd.ndim == 2:  # NOTE: fancy indexing is cheaper than take_along_axis on the hot path
            picked = z[np.arange(xd.shape[0]), ts] - lse[:, 0]
        else:
            picked = (np.take_along_axis(z, np.expand_dims(ts, cdim), cdim) - lse).squeeze(cdim)
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
        p = x.softmax(cdim) if _state.enabled else _const(ctx.p)
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
        core = (p if a is None else p * _const(np.ascontiguousarray(a))) - _const(b)
        if ctx.reduction == "mean" and not ctx.denom:  # every target ignored: grad 0, as torch
            return core * 0.0 * g, None, None, None, None, None
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
        idx = ctx.idx
        keep = None
        if ctx.padding_idx is not None:
            keep = (idx != ctx.padding_idx).astype(g._data.dtype)
        if ctx.scale:
            _, inv, counts = np.unique(idx, return_inverse=True, return_counts=True)
            f = (1.0 / counts[inv.reshape(idx.shape)]).astype(g._data.dtype)
            keep = f if keep is None else keep * f
        if keep is not None:
            g = g * _const(keep[..., None])
        return IndexAddZeros.apply(g, idx, ctx.shape), None, None, None


class BatchNorm(Op):
    """y = (x - mean) * invstd * w + b over (N, *) per channel; training uses batch stats:
    dx = w invstd / M (M g - sum g - xhat sum(g xhat)), dw = sum(g xhat), db = sum g"""

    _node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        xd = x._data
        axes = (0,) + tuple(range(2, xd.ndim))
        cshape = (1, -1) + (1,) * (xd.ndim - 2)
        m = xd.size // xd.shape[1]
        if training:
            mean = xd.mean(axes)
            xc = xd - mean.reshape(cshape)
            var = (xc * xc).mean(axes)
            if running_mean is not None:
                rm, rv = running_mean._data, running_var._data
                rm *= 1 - momentum
                rm += momentum * mean
                rv *= 1 - momentum
                rv += momentum * m / max(m - 1, 1) * var
                running_mean._vc[0] += 1
                running_var._vc[0] += 1
        else:
            mean, var = running_mean._data, running_var._data
            xc = xd - mean.reshape(cshape)
        invstd = (1.0 / np.sqrt(var + eps)).astype(xd.dtype, copy=False)
        xhat = xc * invstd.reshape(cshape)
        y = xhat if w is None else xhat * w._data.reshape(cshape)
        if b is not None:
            y += b._data.reshape(cshape)
        ctx.save_for_backward(x, w, b, _const(xhat))
        ctx.invstd, ctx.mean, ctx.training, ctx.eps = invstd, mean, training, eps
        ctx.axes, ctx.cshape, ctx.m = axes, cshape, m
        return y

    @staticmethod
    def backward(ctx, g):
        x, w, b, xhat = ctx.saved_tensors
        need = ctx.needs_input_grad
        if _state.enabled:  # create_graph: the same closed form, in Tensor ops
            return _batch_norm_backward_graph(ctx, g, x, w) + (None,) * 5
        axes, cshape, xhat, invstd = ctx.axes, ctx.cshape, xhat._data, ctx.invstd
        gd = g._data
        gb = gd.sum(axes)
        gw = (gd * xhat).sum(axes)
        gx = None
        if need[0]:
            scale = invstd if w is None else invstd * w._data
            if ctx.training:
                gx = (
                    gd - (gb / ctx.m).reshape(cshape) - xhat * (gw / ctx.m).reshape(cshape)
                ) * scale.reshape(cshape)
            else:
                gx = gd * scale.reshape(cshape)
            gx = _const(gx)
        return (
            gx,
            _const(gw) if need[1] else None,
            _const(gb) if need[2] else None,
            None,
            None,
            None,
            None,
            None,
        )


def _batch_norm_backward_graph(ctx, g, x, w):
    """BatchNorm's backward in Tensor ops, so that it can itself be differentiated."""
    axes, cshape = ctx.axes, ctx.cshape
    if ctx.training:
        mean = x.mean(axes, keepdim=True)
        xc = x - mean
        invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
    else:
        invstd = _const(ctx.invstd.reshape(cshape))
        xc = x - _const(ctx.mean.reshape(cshape))
    xhat = xc * invstd
    gb = g.sum(axes, keepdim=True)
    gw = (g * xhat).sum(axes, keepdim=True)
    scale = invstd if w is None else invstd * w.reshape(cshape)
    if ctx.training:
        gx = (g - gb / ctx.m - xhat * (gw / ctx.m)) * scale
    else:
        gx = g * scale
    need = ctx.needs_input_grad
    return (
        gx if need[0] else None,
        gw.reshape(-1) if need[1] else None,
        gb.reshape(-1) if need[2] else None,
    )


class LayerNorm(Op):
    """y = (x - mean) * invstd * w + b over the last dims:
    dx = invstd (gh - mean(gh) - xhat mean(gh xhat)) with gh = g w; dw = sum(g xhat); db = sum g"""

    _node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, ndim, eps):
        xd = x._data
        n = int(np.prod(xd.shape[xd.ndim - ndim :]))
        # NOTE: as an (M, n) matrix every statistic is a row reduction; einsum forms the sums of
        # products without a temporary
        x2 = xd.reshape(-1, n)
        xc = x2 - (x2 @ np.full(n, 1.0 / n, xd.dtype))[:, None]
        var = np.einsum("ij,ij->i", xc, xc) / n
        invstd = (1.0 / np.sqrt(var + eps)).astype(xd.dtype, copy=False)[:, None]
        xhat = np.multiply(xc, invstd, out=xc)
        if w is None:
            y = xhat + b._data.reshape(n) if b is not None else xhat.copy()
        else:
            y = xhat * w._data.reshape(n)
            if b is not None:
                y += b._data.reshape(n)
        ctx.save_for_backward(x, w, _const(xhat), _const(invstd))
        ctx.ndim, ctx.eps = ndim, eps
        return y.reshape(xd.shape).astype(xd.dtype, copy=False)  # bfloat16 @ answers float32

    @staticmethod
    def backward(ctx, g):
        x, w, xhat, invstd = ctx.saved_tensors
        need = ctx.needs_input_grad
        nd = x._data.ndim
        axes, lead = tuple(range(nd - ctx.ndim, nd)), tuple(range(nd - ctx.ndim))
        if _state.enabled:  # create_graph: the same closed form, in Tensor ops
            mean = x.mean(axes, keepdim=True)
            xc = x - mean
            invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
            xhat = xc * invstd
            gh = g if w is None else g * w
            gx = invstd * (gh - gh.mean(axes, keepdim=True) - xhat * (gh * xhat).mean(axes, keepdim=True))
            gw = (g * xhat).sum(lead) if need[1] else None
            gb = g.sum(lead) if need[2] else None
            return (gx if need[0] else None), gw, gb, None, None
        xhat, invstd = xhat._data, invstd._data
        m, n = xhat.shape
        gd = g._data.reshape(m, n)
        pshape = x._data.shape[nd - ctx.ndim :]
        gx = gw = gb = None
        if need[0]:
            gh = gd * w._data.reshape(n) if w is not None else gd.copy()
            a = gh @ np.full(n, 1.0 / n, gh.dtype)  # row means as one BLAS product
            c = np.einsum("ij,ij->i", gh, xhat) / n
            gh -= a[:, None]
            gh -= xhat * c[:, None]
            gh *= invstd
            gx = _const(gh.reshape(x._data.shape))
        if need[1]:
            gw = _const(np.einsum("ij,ij->j", gd, xhat).reshape(pshape))
        if need[2]:
            gb = _const((np.ones(m, gd.dtype) @ gd).reshape(pshape))
        return gx, gw, gb, None, None
