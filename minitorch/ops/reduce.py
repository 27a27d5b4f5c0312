"""Reductions over ``dim`` (None, an int or a tuple; negative allowed) with ``keepdim``."""

from __future__ import annotations

import math

import numpy as np

from ..autograd import function as _function
from ..autograd.function import Op

_ALL = [tuple(range(n)) for n in range(33)]


def norm_dims(dim, ndim: int):
    """``dim`` as a sorted tuple of non-negative axes (None means all)."""
    if dim is None:
        return _ALL[ndim]
    if isinstance(dim, int):
        if 0 <= dim < ndim:
            return (dim,)
        if -ndim <= dim < 0:
            return (dim + ndim,)
        dim = (dim,)
    n = max(ndim, 1)
    out = []
    for d in dim:
        if not -n <= d < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
            )
        out.append(d % n)
    return tuple(sorted(set(out)))


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _expand_grad(g, in_shape, axes, keepdim):
    """Grad of a reduction, reshaped to keepdim form and broadcast to the input's shape."""
    if not keepdim:
        g = g.reshape(_kept_shape(in_shape, axes))
    return g.expand(in_shape)


class Sum(Op):
    """sum(a, dims): d/da = 1 (the grad is broadcast back)"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        return np.add.reduce(a._data, axis=axes if a._data.ndim else None, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim), None, None


class SumDim(Sum):
    """sum over given dims (torch's node for this overload is SumBackward1)"""

    _node_name = "SumBackward1"


class Mean(Op):
    """mean(a, dims): d/da = 1/n"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        x = a._data
        ctx.n = math.prod([x.shape[i] for i in axes]) if x.ndim else 1
        # NOTE: add.reduce / n is np.mean without its Python-level overhead (same float32 accumulation)
        out = np.add.reduce(x, axis=axes if x.ndim else None, keepdims=keepdim)
        return np.true_divide(out, ctx.n, dtype=x.dtype) if ctx.n else np.full_like(out, np.nan)

    @staticmethod
    def backward(ctx, g):
        return _expand_grad(g / ctx.n, ctx.shape, ctx.axes, ctx.keepdim), None, None


class MeanDim(Mean):
    """mean over given dims (torch's node for this overload is MeanBackward1)"""

    _node_name = "MeanBackward1"


class Amax(Op):
    """amax(a, dims): grad split evenly between tied maxima, as torch"""

    save_output = True
    _fn = staticmethod(np.amax)
    _label = "amax"

    @classmethod
    def forward(cls, ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        if a._data.size == 0:
            if len(axes) == a._data.ndim:
                raise RuntimeError(
                    f"{cls._label}(): Expected reduction dim to be specified for input.numel() "
                    "== 0. Specify the reduction dim with the 'dim' argument."
                )
            for d in axes:
                if a._data.shape[d] == 0:
                    raise IndexError(f"{cls._label}(): Expected reduction dim {d} to have non-zero size.")
        return np.asarray(cls._fn(a._data, axis=axes if a._data.ndim else None, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        out = ctx.output
        if not ctx.keepdim:
            out = out.reshape(_kept_shape(ctx.shape, ctx.axes))
        mask = (a == out).to(g.dtype)
        count = mask.sum(ctx.axes, keepdim=True)
        return _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim) * mask / count, None, None


class Amin(Amax):
    """amin(a, dims): grad split evenly between tied minima, as torch"""

    _fn = staticmethod(np.amin)
    _label = "amin"


class MaxAll(Amax):
    """max() of all elements: amax over every dim, named like torch's node"""

    _node_name = "MaxBackward1"
    _label = "max"


class MinAll(Amin):
    """min() of all elements: amin over every dim, named like torch's node"""

    _node_name = "MinBackward1"
    _label = "min"


class MaxDim(Op):
    """max(a, dim).values: the grad goes to the position of each maximum (``idx``, kept-dim form)"""

    _node_name = "MaxBackward0"
    _label = "max"

    @staticmethod
    def forward(ctx, a, dim, idx, keepdim):
        x = a._data
        ctx.shape, ctx.dim, ctx.idx, ctx.keepdim = x.shape, dim, idx, keepdim
        if x.ndim == 0:
            return x.copy()
        out = np.take_along_axis(x, idx, axis=dim)
        return out if keepdim else np.squeeze(out, dim)

    @staticmethod
    def backward(ctx, g):
        from .movement import ScatterAdd

        if not ctx.shape:
            return g, None, None, None
        if not ctx.keepdim:
            g = g.unsqueeze(ctx.dim)
        return ScatterAdd.apply(g, ctx.dim, ctx.idx, ctx.shape), None, None, None


class MinDim(MaxDim):
    """min(a, dim).values: the grad goes to the position of each minimum"""

    _node_name = "MinBackward0"
    _label = "min"


class Prod(Op):
    """prod(a, dims): d/da_i = prod of the other elements"""

    save_output = True

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        return np.asarray(np.prod(a._data, axis=axes if a._data.ndim else None, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        ge = _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim)
        if not (a._data == 0).any():
            out = ctx.output
            if not ctx.keepdim:
                out = out.reshape(_kept_shape(ctx.shape, ctx.axes))
            return ge * out / a, None, None
        from ..tensor import Tensor

        if _function._state.enabled and a._data.ndim:  # create_graph: the grad must be differentiable
            return ge * _prod_of_others(a, ctx.axes), None, None
        # NOTE: with zeros, divide-by-a fails; multiply exclusive prefix and suffix products.
        x = a._data
        axes = ctx.axes
        moved = np.moveaxis(x, axes, range(len(axes))) if x.ndim else x.reshape(1)
        lead = moved.shape[: len(axes)]
        flat = moved.reshape((-1,) + moved.shape[len(axes) :])
        ones = np.ones((1,) + flat.shape[1:], x.dtype)
        left = np.cumprod(np.concatenate([ones, flat[:-1]]), axis=0)
        right = np.cumprod(np.concatenate([ones, flat[::-1][:-1]]), axis=0)[::-1]
        others = (left * right).reshape(lead + flat.shape[1:])
        others = np.moveaxis(others, range(len(axes)), axes) if x.ndim else others.reshape(())
        return ge * Tensor._make(np.ascontiguousarray(others), False, None), None, None


def _prod_of_others(a, axes):
    """For each element, the product of the other elements of its reduction slice, built from
    differentiable ops (n x n per slice: only used for double backward through zeros)."""
    from ..tensor import Tensor, where

    nd, shape = a._data.ndim, a._data.shape
    perm = tuple(axes) + tuple(i for i in range(nd) if i not in axes)
    rest = tuple(shape[i] for i in perm[len(axes) :])
    n = math.prod(shape[i] for i in axes)
    xf = a.permute(*perm).reshape((n,) + rest)
    eye = Tensor._make(np.eye(n, dtype=bool).reshape((n, n) + (1,) * len(rest)), False, None)
    m = where(eye, 1.0, xf.unsqueeze(0).expand((n, n) + rest))  # m[i, j] = x_j, or 1 where j == i
    others = m.prod(1).reshape(tuple(shape[i] for i in axes) + rest)
    return others.permute(*np.argsort(perm))


class ProdDim(Prod):
    """prod over given dims (torch's node for this overload is ProdBackward1)"""

    _node_name = "ProdBackward1"


class LogSumExp(Op):
    """log(sum(exp(a))): d/da = softmax(a); computed stably by shifting by the max"""

    _node_name = "LogsumexpBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        x = a._data
        ax = axes if x.ndim else None
        m = np.amax(x, axis=ax, keepdims=True, initial=-np.inf)  # initial: empty dims give -inf
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
        if not keepdim:
            out = out.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        out = ctx.output
        if not ctx.keepdim:
            out = out.reshape(_kept_shape(ctx.shape, ctx.axes))
        return _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim) * (a - out).exp(), None, None


class Softmax(Op):
    """s = softmax(a): d/da = s * (g - sum(g * s))"""

    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = a._data
        e = np.exp(x - np.maximum.reduce(x, axis=dim, keepdims=True))
        e /= np.add.reduce(e, axis=dim, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, g):
        s = ctx.output
        return s * (g - (g * s).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Op):
    """l = log_softmax(a): d/da = g - exp(l) * sum(g)"""

    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = a._data
        z = x - np.maximum.reduce(x, axis=dim, keepdims=True)
        z -= np.log(np.add.reduce(np.exp(z), axis=dim, keepdims=True))
        return z

    @staticmethod
    def backward(ctx, g):
        return g - ctx.output.exp() * g.sum(ctx.dim, keepdim=True), None


class CumSum(Op):
    """cumsum(a, dim): d/da = reversed cumsum of the grad"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.cumsum(a._data, axis=dim)

    @staticmethod
    def backward(ctx, g):
        d = ctx.dim
        return g.flip(d).cumsum(d).flip(d), None


def _centered_sumsq(x: np.ndarray, axes, keepdim):
    ax = axes if x.ndim else None
    c = x - np.mean(x, axis=ax, keepdims=True)
    return np.sum(c * c, axis=ax, keepdims=keepdim)


def _dof(shape, axes, correction):
    n = int(np.prod([shape[i] for i in axes])) if shape else 1
    return max(n - correction, 0)


class Var(Op):
    """var(a, dims, correction): d/da = 2 (a - mean(a)) / (n - correction)"""

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        ctx.dof = _dof(a._data.shape, axes, correction)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(_centered_sumsq(a._data, axes, keepdim) / ctx.dof, dtype=a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        centered = a - a.mean(ctx.axes, keepdim=True)
        scale = 2.0 / ctx.dof if ctx.dof else float("inf")
        return _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim) * centered * scale, None, None, None


class Std(Op):
    """s = std(a, dims, correction): d/da = (a - mean(a)) / ((n - correction) s); 0 where s == 0, as torch"""

    save_output = True

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        ctx.dof = _dof(a._data.shape, axes, correction)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.sqrt(_centered_sumsq(a._data, axes, keepdim) / ctx.dof), dtype=a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import where

        (a,) = ctx.saved_tensors
        s = ctx.output if ctx.keepdim else ctx.output.reshape(_kept_shape(ctx.shape, ctx.axes))
        gk = g if ctx.keepdim else g.reshape(_kept_shape(ctx.shape, ctx.axes))
        scale = gk / where(s == 0, float("inf"), s)  # NOTE: a constant slice has s == 0: grad 0, not nan
        centered = a - a.mean(ctx.axes, keepdim=True)
        return centered * (scale / ctx.dof if ctx.dof else scale * float("inf")), None, None, None


class Norm(Op):
    """||a||_p over dims: d/da = sgn(a) |a|^(p-1) / ||a||^(p-1) (a / ||a|| for p = 2); 0 where ||a|| = 0"""

    _node_name = "LinalgVectorNormBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, p, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim, ctx.p = a._data.shape, axes, keepdim, p
        x = a._data
        ax = axes if x.ndim else None
        if p == 2:
            out = np.sqrt(np.sum(x * x, axis=ax, keepdims=keepdim))
        else:
            out = np.sum(np.abs(x) ** p, axis=ax, keepdims=keepdim) ** (1.0 / p)
        return np.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import where

        (a,) = ctx.saved_tensors
        p = ctx.p
        out = ctx.output if ctx.keepdim else ctx.output.reshape(_kept_shape(ctx.shape, ctx.axes))
        gk = g if ctx.keepdim else g.reshape(_kept_shape(ctx.shape, ctx.axes))
        if p == 2:
            scaled, denom = a, out
        else:
            scaled, denom = a.sign() * a.abs() ** (p - 1), out ** (p - 1)
            if p < 1:
                scaled = where(a == 0, 0.0, scaled)
        return scaled * (gk / where(out == 0, float("inf"), denom)), None, None, None
