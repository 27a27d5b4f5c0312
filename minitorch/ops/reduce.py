"""Reductions over ``dim`` (None, an int or a tuple; negative allowed) with ``keepdim``."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op


_ALL = [tuple(range(n)) for n in range(33)]


def norm_dims(dim, ndim: int):
    """``dim`` as a sorted tuple of non-negative axes (None means all)."""
    if dim is None:
        return _ALL[ndim]
    if isinstance(dim, int):
        if 0 <= dim < ndim:
            return (dim,)
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
        ctx.shape, ctx.axes, ctx.keepdim = a.data.shape, axes, keepdim
        return np.add.reduce(a.data, axis=axes if a.data.ndim else None, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim), None, None


class Mean(Op):
    """mean(a, dims): d/da = 1/n"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = a.data.shape, axes, keepdim
        x = a.data
        ctx.n = int(np.prod([x.shape[i] for i in axes])) if x.ndim else 1
        # NOTE: add.reduce / n is np.mean without its Python-level overhead (same float32 accumulation)
        out = np.add.reduce(x, axis=axes if x.ndim else None, keepdims=keepdim)
        return np.true_divide(out, ctx.n, dtype=x.dtype) if ctx.n else np.full_like(out, np.nan)

    @staticmethod
    def backward(ctx, g):
        return _expand_grad(g / ctx.n, ctx.shape, ctx.axes, ctx.keepdim), None, None


class Amax(Op):
    """amax(a, dims): grad split evenly between tied maxima, as torch"""

    save_output = True
    _fn = staticmethod(np.amax)

    @classmethod
    def forward(cls, ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a.data.shape, axes, keepdim
        if a.data.size == 0:
            raise RuntimeError(
                f"{cls.__name__.lower()}(): Expected reduction dim to be specified for input.numel() "
                "== 0. Specify the reduction dim with the 'dim' argument."
            )
        return np.asarray(cls._fn(a.data, axis=axes if a.data.ndim else None, keepdims=keepdim))

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


class Prod(Op):
    """prod(a, dims): d/da_i = prod of the other elements"""

    save_output = True

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a.data.shape, axes, keepdim
        return np.asarray(np.prod(a.data, axis=axes if a.data.ndim else None, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        ge = _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim)
        if not (a.data == 0).any():
            out = ctx.output
            if not ctx.keepdim:
                out = out.reshape(_kept_shape(ctx.shape, ctx.axes))
            return ge * out / a, None, None
        # NOTE: with zeros, divide-by-a fails; multiply exclusive prefix and suffix products.
        from ..tensor import Tensor

        x = a.data
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


class LogSumExp(Op):
    """log(sum(exp(a))): d/da = softmax(a); computed stably by shifting by the max"""

    save_output = True

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a.data.shape, axes, keepdim
        x = a.data
        ax = axes if x.ndim else None
        m = np.amax(x, axis=ax, keepdims=True)
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
        x = a.data
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
        x = a.data
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
        return np.cumsum(a.data, axis=dim)

    @staticmethod
    def backward(ctx, g):
        d = ctx.dim
        return g.flip(d).cumsum(d).flip(d), None
