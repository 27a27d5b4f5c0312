"""Ops torch records as one node that minitorch would otherwise compose from primitives.

Each is fused so that ``grad_fn`` carries torch's name (``MseLossBackward0``, ``SiluBackward0``,
...), as tutorials print it, and so that backward is one step. Backward is written with tensor
ops, so double backward works as for the composed form.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from .arithmetic import where
from .nn import LogSigmoid, _reduce_np


def _per_element(g, reduction: str, n: int):
    """The output grad as a factor per element (``mean`` divides by the element count)."""
    return g / n if reduction == "mean" else g


class MseLoss(Op):
    """(x - y)^2, reduced: d/dx = 2 (x - y), d/dy = -2 (x - y)"""

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        d = x._data - y._data
        return _reduce_np(d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gd = _per_element(g, ctx.reduction, x.numel()) * 2 * (x - y)
        return gd if ctx.needs_input_grad[0] else None, -gd if ctx.needs_input_grad[1] else None, None


class SmoothL1Loss(Op):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta: d/dx = d / beta or sign(d)"""

    @staticmethod
    def forward(ctx, x, y, reduction, beta):
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.beta = reduction, beta
        d = x._data - y._data
        a = np.abs(d)
        loss = np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta).astype(d.dtype, copy=False)
        return _reduce_np(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        d = x - y
        local = where(d.abs() >= ctx.beta, d.sign(), d / ctx.beta)  # NaN where d is NaN, as torch
        gd = _per_element(g, ctx.reduction, x.numel()) * local
        return gd if ctx.needs_input_grad[0] else None, -gd if ctx.needs_input_grad[1] else None, None, None


class HuberLoss(Op):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta): d/dx = d or delta sign(d)"""

    @staticmethod
    def forward(ctx, x, y, reduction, delta):
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.delta = reduction, delta
        d = x._data - y._data
        a = np.abs(d)
        loss = np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)).astype(d.dtype, copy=False)
        return _reduce_np(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        d = x - y
        local = where(d.abs() >= ctx.delta, ctx.delta * d.sign(), d)  # NaN where d is NaN, as torch
        gd = _per_element(g, ctx.reduction, x.numel()) * local
        return gd if ctx.needs_input_grad[0] else None, -gd if ctx.needs_input_grad[1] else None, None, None


class BinaryCrossEntropyWithLogits(Op):
    """w ((1 - y) x + lw softplus(-x)), lw = 1 + (pw - 1) y:
    d/dx = w (lw sigmoid(x) - pw y), d/dy = w ((pw - 1) softplus(-x) - x)"""

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):
        ctx.save_for_backward(x, y, weight, pos_weight)
        ctx.reduction = reduction
        xd, yd = x._data, y._data
        sp = np.log1p(np.exp(-np.abs(xd))) + np.maximum(-xd, 0)  # softplus(-x) = -log(sigmoid(x))
        if pos_weight is None:
            loss = (1 - yd) * xd + sp
        else:
            loss = (1 - yd) * xd + ((pos_weight._data - 1) * yd + 1) * sp
        if weight is not None:
            loss = loss * weight._data
        return _reduce_np(loss.astype(xd.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, w, pw = ctx.saved_tensors
        g = _per_element(g, ctx.reduction, x.numel())
        if w is not None:
            g = g * w
        gx = gy = None
        if ctx.needs_input_grad[0]:
            s = x.sigmoid()
            gx = g * (s - y if pw is None else ((pw - 1) * y + 1) * s - pw * y)
        if ctx.needs_input_grad[1]:
            gy = -g * x if pw is None else g * ((1 - pw) * LogSigmoid.apply(x) - x)
        return gx, gy, None, None, None


class Silu(Op):
    """x sigmoid(x): d/dx = s (1 + x (1 - s)), s = sigmoid(x). Both NaN at -inf (-inf / inf and
    0 * -inf), as torch's kernels, without NumPy's warnings."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        with np.errstate(over="ignore", invalid="ignore"):
            return (x / (1 + np.exp(-x))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        s = a.sigmoid()
        with np.errstate(invalid="ignore"):
            return g * s * (1 + a * (1 - s))
