"""Reductions over ``dim`` (None, an int or a tuple; negative allowed) with ``keepdim``."""

from __future__ import annotations

import math

import numpy as np

from .. import return_types
from .._arguments import _as_tensor_arg, _dim, norm_dims
from .._warn import warn_user
from ..autograd import function as _function
from ..autograd.function import Op
from .arithmetic import _cached, _const, _d, _quiet, where
from .indexing import GatherGrad


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _expand_grad(g, in_shape, axes, keepdim):
    """Grad of a reduction, reshaped to keepdim form and broadcast to the input's shape."""
    if not keepdim:
        g = g.reshape(_kept_shape(in_shape, axes))
    return g.expand(in_shape)


def _expand_grad_np(g, in_shape, axes, keepdim):
    """``_expand_grad`` on an array (a new array: a leaf can keep it without a copy)."""
    if not keepdim:
        g = np.reshape(g, _kept_shape(in_shape, axes))
    out = np.empty(in_shape, g.dtype)
    np.copyto(out, g)
    return out


class Sum(Op):
    """sum(a, dims): d/da = 1 (the grad is broadcast back)"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        d = a._data  # (an integer dtype keeps its width: NumPy would widen int32 to int64)
        return np.add.reduce(
            d,
            axis=axes if d.ndim else None,
            keepdims=keepdim,
            dtype=d.dtype if d.dtype.kind in "iu" else None,
        )

    @staticmethod
    def backward(ctx, g):
        return _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim), None, None

    @staticmethod
    def backward_np(ctx, g):  # the engine's path when no graph is wanted (see Op)
        return _expand_grad_np(g, ctx.shape, ctx.axes, ctx.keepdim), None, None


class SumDim(Sum):
    """sum over given dims (torch's node for this overload is SumBackward1)"""

    _node_name = "SumBackward1"


@_quiet
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

    @staticmethod
    def backward_np(ctx, g):
        return _expand_grad_np(g / ctx.n, ctx.shape, ctx.axes, ctx.keepdim), None, None


class MeanDim(Mean):
    """mean over given dims (torch's node for this overload is MeanBackward1)"""

    _node_name = "MeanBackward1"


@_quiet
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
    """max() of all elements: amax over every dim, named like torch's node; the grad is split
    between the maxima (between the NaNs when there are any), as torch"""

    _node_name = "MaxBackward1"
    _label = "max"

    @staticmethod
    def backward(ctx, g):
        return _evenly(g, ctx.saved_tensors[0], ctx.output), None, None


class MinAll(Amin):
    """min() of all elements: amin over every dim, named like torch's node"""

    _node_name = "MinBackward1"
    _label = "min"
    backward = staticmethod(MaxAll.backward)


@_quiet
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
        if not ctx.shape:
            return g, None, None, None
        if not ctx.keepdim:
            g = g.unsqueeze(ctx.dim)
        return GatherGrad.apply(g, ctx.dim, ctx.idx, ctx.shape), None, None, None


class MinDim(MaxDim):
    """min(a, dim).values: the grad goes to the position of each minimum"""

    _node_name = "MinBackward0"
    _label = "min"


@_quiet
class Prod(Op):
    """prod(a, dims): d/da_i = prod of the other elements. As torch's prod_backward: with no zero,
    g * (out / a) (NaN where a is inf or NaN); with zeros, the product of the others from exclusive
    prefix and suffix products, except that prod() of all with two zeros or more gives zeros (no
    create_graph), so NaN and inf elements then get 0."""

    save_output = True

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        d = a._data  # (an integer dtype keeps its width: NumPy would widen int32 to int64)
        return np.asarray(np.prod(d, axis=axes if d.ndim else None, keepdims=keepdim, dtype=d.dtype))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        ge = _expand_grad(g, ctx.shape, ctx.axes, ctx.keepdim)
        if not a._data.ndim:
            return g, None, None
        zeros = a._data == 0
        if not zeros.any():
            out = ctx.output
            if not ctx.keepdim:
                out = out.reshape(_kept_shape(ctx.shape, ctx.axes))
            return ge * (out / a), None, None
        if _function._state.enabled:  # create_graph: the grad must be differentiable
            return ge * _prod_of_others(a, ctx.axes), None, None
        if ctx._forward_cls is Prod and np.count_nonzero(zeros) > 1:
            return _const(np.zeros(ctx.shape, g._data.dtype)), None, None
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
        return ge * _function.Tensor._make(np.ascontiguousarray(others), False, None), None, None


def _prod_of_others(a, axes):
    """For each element, the product of the other elements of its reduction slice, from
    differentiable ops (for create_graph): torch's prod_safe_zeros_backward, exclusive cumprods
    from both ends of the (flattened) reduced axes."""
    from .shape import cat

    nd, shape = a._data.ndim, a._data.shape
    perm = tuple(axes) + tuple(i for i in range(nd) if i not in axes)
    rest = tuple(shape[i] for i in perm[len(axes) :])
    n = math.prod(shape[i] for i in axes)
    xf = a.permute(*perm).reshape((n,) + rest)
    ones = _const(np.ones((1,) + rest, a._data.dtype))
    before = cat([ones, xf[:-1]], 0).cumprod(0)
    after = cat([ones, xf[1:].flip(0)], 0).cumprod(0).flip(0)
    others = (before * after).reshape(tuple(shape[i] for i in axes) + rest)
    return others.permute(*np.argsort(perm))


class ProdDim(Prod):
    """prod over given dims (torch's node for this overload is ProdBackward1)"""

    _node_name = "ProdBackward1"


@_quiet
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


def _row_max(x: np.ndarray, dim: int) -> np.ndarray:
    """``max(x, dim, keepdims)``; over a short last axis (logits of a few classes, short attention rows;
    C <= 32) as the max over the rows of x^T: NumPy's reduction along a short contiguous axis runs
    a loop per row (27 us for 512 x 10, 3 us this way; 1.1 ms vs 83 us for 25000 x 8). Exact."""
    c = x.shape[-1] if x.ndim else 0
    if x.ndim >= 2 and dim == x.ndim - 1 and 0 < c <= 32 and x.size >= 32 * c:
        rows = np.ascontiguousarray(x.reshape(-1, c).T)
        return np.maximum.reduce(rows, axis=0).reshape(x.shape[:-1] + (1,))
    return np.maximum.reduce(x, axis=dim, keepdims=True)


def _row_sum(x: np.ndarray, dim: int) -> np.ndarray:
    """``sum(x, dim, keepdims)``; over the last axis of a float32/float64 array as one BLAS
    matrix-vector product (8.5 us for 512 x 10 with NumPy's reduction, 2.4 us this way)."""
    c = x.shape[-1] if x.ndim else 0
    if x.ndim >= 2 and dim == x.ndim - 1 and x.dtype.char in "fd" and c and x.size >= 32 * c:
        ones = _cached(_ONES, (c, x.dtype.char), lambda: np.ones((c, 1), x.dtype))
        return (x.reshape(-1, c) @ ones).reshape(x.shape[:-1] + (1,))
    return np.add.reduce(x, axis=dim, keepdims=True)


_ONES: dict = {}  # (C, dtype char) -> a read-only (C, 1) column of ones


@_quiet
class Softmax(Op):
    """s = softmax(a): d/da = s * (g - sum(g * s))"""

    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = a._data
        if x.size == 0:  # nothing to normalise (a (5, 0) input): an empty result, as torch
            return x.copy()
        e = np.exp(x - _row_max(x, dim))
        e /= _row_sum(e, dim)
        return e

    @staticmethod
    def backward(ctx, g):
        s = ctx.output
        return s * (g - (g * s).sum(ctx.dim, keepdim=True)), None

    @staticmethod
    def backward_np(ctx, g):
        s = ctx._output_np()
        return s * (g - _row_sum(g * s, ctx.dim)), None


@_quiet
class LogSoftmax(Op):
    """l = log_softmax(a): d/da = g - exp(l) * sum(g)"""

    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = a._data
        if x.size == 0:  # nothing to normalise (a (5, 0) input): an empty result, as torch
            return x.copy()
        z = x - _row_max(x, dim)
        z -= np.log(_row_sum(np.exp(z), dim))
        return z

    @staticmethod
    def backward(ctx, g):
        if not _function._state.enabled:  # no graph of the backward wanted: the array formula
            return _const(LogSoftmax.backward_np(ctx, g._data)[0]), None
        return g - ctx.output.exp() * g.sum(ctx.dim, keepdim=True), None

    @staticmethod
    def backward_np(ctx, g):
        return g - np.exp(ctx._output_np()) * _row_sum(g, ctx.dim), None


class CumSum(Op):
    """cumsum(a, dim): d/da = reversed cumsum of the grad"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.cumsum(a._data, axis=dim, dtype=a._data.dtype)  # (keeps an integer width)

    @staticmethod
    def backward(ctx, g):
        d = ctx.dim
        return g.flip(d).cumsum(d).flip(d), None


def _centered_sumsq(x: np.ndarray, axes, keepdim):
    if x.size == 0:  # (NumPy would warn "Mean of empty slice"; the sum of nothing is 0)
        return np.zeros(
            _kept_shape(x.shape, axes)
            if keepdim
            else tuple(n for i, n in enumerate(x.shape) if i not in axes),
            np.float64,
        )
    ax = axes if x.ndim else None
    # two passes, the sums of float32 in float64 (as torch's accumulation): 1e4 + randn in float32
    # then has torch's error, not 30x it
    acc = np.float64 if x.dtype == np.float32 else None
    c = x - np.mean(x, axis=ax, keepdims=True, dtype=acc).astype(x.dtype, copy=False)
    return np.sum(c * c, axis=ax, keepdims=keepdim, dtype=acc)


def _dof(shape, axes, correction, name: str = "var"):
    """n - correction, with torch's warning when it is <= 0 (the result is then inf or NaN)."""
    n = int(np.prod([shape[i] for i in axes])) if shape else 1
    if n - correction <= 0:
        warn_user(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
            "factor (input numel divided by output numel)."
        )
    return max(n - correction, 0)


@_quiet
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


@_quiet
class Std(Op):
    """s = std(a, dims, correction): d/da = (a - mean(a)) / ((n - correction) s); 0 where s == 0, as torch"""

    save_output = True

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim):
        ctx.save_for_backward(a)
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        ctx.dof = _dof(a._data.shape, axes, correction, "std")
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.sqrt(_centered_sumsq(a._data, axes, keepdim) / ctx.dof), dtype=a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        s = ctx.output if ctx.keepdim else ctx.output.reshape(_kept_shape(ctx.shape, ctx.axes))
        gk = g if ctx.keepdim else g.reshape(_kept_shape(ctx.shape, ctx.axes))
        scale = gk / where(s == 0, float("inf"), s)  # NOTE: a constant slice has s == 0: grad 0, not nan
        centered = a - a.mean(ctx.axes, keepdim=True)
        return centered * (scale / ctx.dof if ctx.dof else scale * float("inf")), None, None, None


@_quiet
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


def _argsort(x: np.ndarray, d: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``d``; descending keeps equal elements in their original order."""
    if not descending:
        return np.argsort(x, axis=d, kind="stable")
    n = x.shape[d]
    return np.flip(n - 1 - np.argsort(np.flip(x, d), axis=d, kind="stable"), d)


def _arg(x: np.ndarray, dim, keepdim, fn):
    if x.size == 0 and (dim is None or x.ndim == 0 or x.shape[norm_dims(dim, x.ndim)[0]] == 0):
        name = fn.__name__
        raise IndexError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if dim is None
            else f"{name}(): Expected reduction dim {dim} to have non-zero size."
        )
    if dim is None:
        out = np.asarray(fn(x))
        if keepdim:
            out = out.reshape((1,) * x.ndim)
    else:
        (d,) = norm_dims(dim, x.ndim)
        out = fn(x, axis=d) if x.ndim else np.asarray(0)
        if keepdim and x.ndim:
            out = np.expand_dims(out, d)
    return _function.Tensor._make(np.asarray(out, dtype=np.int64), False, None)


@_quiet
class CumProd(Op):
    """cumprod(a, dim): d/da_k = sum over j >= k of g_j * prod over i <= j, i != k of a_i. As torch's
    cumprod_backward: with no zero, reversed_cumsum(g * out) / a; with zeros and no create_graph,
    its O(n) form per slice: that before the first zero z, a sum at z, and 0 after it, so that
    elements after a zero get 0 even where NaN or inf; with create_graph, the O(n^2) form."""

    _node_name = "CumprodBackward0"

    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.save_for_backward(a)
        ctx.dim = dim
        return np.cumprod(a._data, axis=dim, dtype=a._data.dtype)  # (keeps an integer width)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = ctx.dim
        if a._data.size <= 1 or a._data.shape[d] == 1:
            return g, None
        zeros = a._data == 0
        if not zeros.any():  # the product up to j divided by a_k
            return (g * ctx.output).flip(d).cumsum(d).flip(d) / a, None
        if not _function._state.enabled:
            return _const(_cumprod_grad_zeros(g._data, a._data, ctx.output._data, zeros, d)), None
        # NOTE: with zeros and create_graph, torch's O(n^2) loop: the grad of a_k is the sum over
        # j >= k of g_j * prod(a[:k]) * prod(a[k+1 : j+1]) (slices, so no inf * 0 from j < k)
        from .shape import cat, stack

        x, gm = a.movedim(d, -1), g.movedim(d, -1)
        n = x._data.shape[-1]
        grads = []
        for k in range(n):
            if k == 0:
                ones = _const(np.ones(x._data.shape[:-1] + (1,), x._data.dtype))
                omitted = cat([ones, x[..., 1:].cumprod(-1)], -1)
            else:
                until_k = x[..., :k].prod(-1, keepdim=True)
                omitted = until_k
                if k < n - 1:
                    after = x[..., k + 1 :].cumprod(-1)
                    omitted = cat([until_k, until_k.expand(after.shape) * after], -1)
            grads.append((gm[..., k:] * omitted).sum(-1))
        return stack(grads, -1).movedim(-1, d), None


def _cumprod_grad_zeros(g, x, out, zeros, d):
    """torch's O(n) cumprod grad for slices with zeros, on arrays: k < z (before the first zero)
    as without zeros over the part before z; at z, prod(x[:z]) * sum over j in [z, z2) of
    g_j * prod(x[z+1 : j+1]) (z2 the second zero); after z, 0."""

    def rcumsum(w):
        return np.flip(np.cumsum(np.flip(w, d), d), d)

    count = np.cumsum(zeros, d)
    before = count == 0
    grad = np.where(before, rcumsum(np.where(before, out * g, 0)) / np.where(before, x, 1), 0)
    first = count == 1
    z = np.expand_dims(np.argmax(first, d), d)  # the first zero (0 where a slice has none)
    at_z = np.zeros_like(first)
    np.put_along_axis(at_z, z, True, d)
    at_z &= first
    inner = first & ~at_z  # (z, z2)
    s = np.sum(np.cumprod(np.where(inner, x, 1), d) * np.where(first, g, 0), d, keepdims=True)
    lead = np.where(z == 0, 1, np.take_along_axis(out, np.maximum(z - 1, 0), d))  # prod(x[:z])
    return np.where(at_z, s * lead, grad).astype(g.dtype, copy=False)


@_quiet
class MedianAll(Op):
    """median of all elements (the lower middle one): grad split evenly between the elements equal
    to it, as torch"""

    _node_name = "MedianBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data.reshape(-1)
        if x.size == 0 or np.isnan(x).any():
            return np.asarray(np.nan, x.dtype)
        k = (x.size - 1) // 2
        return np.asarray(np.partition(x, k)[k])

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _evenly(g, a, ctx.output)


def _evenly(g, a, out):
    """torch's evenly_distribute_backward: the grad split between the elements equal to the result
    (to the NaNs when the result is NaN)."""
    x, v = a._data, out._data
    mask = np.isnan(x) if np.isnan(v) else x == v
    mask = mask.astype(g._data.dtype)
    return g * _const(mask / mask.sum())


class MedianDim(MaxDim):
    """median(a, dim).values: the grad goes to the position of each median"""

    _node_name = "MedianBackward1"
    _label = "median"


class KthvalueDim(MaxDim):
    """kthvalue(a, k, dim).values: the grad goes to the position of each k-th smallest value"""

    _node_name = "KthvalueBackward0"
    _label = "kthvalue"


class ModeDim(MaxDim):
    """mode(a, dim).values: the grad goes to the position given in indices"""

    _node_name = "ModeBackward0"
    _label = "mode"


def _accumulator(x, dtype):
    """``x`` in the dtype a sum or product over it takes, as torch: ``dtype`` if given, else int64
    for integers and bools."""
    if dtype is not None:
        return x.to(dtype)
    return x.long() if x._data.dtype.kind not in "fV" and x._data.dtype != np.int64 else x


def cumprod(x, dim, dtype=None):
    x = _accumulator(x, dtype)
    if x._data.ndim == 0:
        return CumProd.apply(x.reshape(1), _dim(x, dim)).reshape(())
    return CumProd.apply(x, _dim(x, dim))


def _order_stat(x, dim, keepdim, pick, op, name):
    """values and indices of the element at sorted position ``pick(n)`` along ``dim``."""
    d = _dim(x, dim)
    a = x._data if x._data.ndim else x._data.reshape(1)
    n = a.shape[d]
    if n == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(a, axis=d, kind="stable")
    idx = np.take(order, [pick(n)], axis=d)
    has_nan = np.isnan(a).any(axis=d, keepdims=True) if a.dtype.kind in "fV" else None
    if has_nan is not None and has_nan.any():  # NaN is the median of a row holding one, as torch
        idx = np.where(has_nan, np.expand_dims(np.argmax(np.isnan(a), axis=d), d), idx)
    if not x._data.ndim:
        idx = idx.reshape(())
    values = op.apply(x, d, idx, keepdim)
    if x._data.ndim and not keepdim:
        idx = np.squeeze(idx, d)
    return getattr(return_types, name)(values, _const(idx.astype(np.int64)))


def median(x, dim=None, keepdim=False):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``."""
    if dim is None:
        return MedianAll.apply(x)
    return _order_stat(x, dim, keepdim, lambda n: (n - 1) // 2, MedianDim, "median")


def nanmedian(x, dim=None, keepdim=False):
    """``median`` of the non-NaN values (NaN where all are NaN): the lower middle one, picked
    with ``gather`` so the grad flows to it, as torch's."""
    if dim is None:
        return nanmedian(x.reshape(-1), 0).values.reshape(())
    d = _dim(x, dim)
    a = x._data if x._data.ndim else x._data.reshape(1)
    order = np.argsort(a, axis=d, kind="stable")  # NaN sorts last
    k = (
        np.sum(~np.isnan(a), axis=d, keepdims=True)
        if a.dtype.kind in "fV"
        else np.full_like(order[:1], a.shape[d])
    )
    idx = np.take_along_axis(order, np.maximum((k - 1) // 2, 0), axis=d)
    src = x if x._data.ndim else x.reshape(1)
    values = src.gather(d, _const(idx))
    if not keepdim or not x._data.ndim:
        values, idx = values.squeeze(d), np.squeeze(idx, d)
    return return_types.nanmedian(values, _const(idx.astype(np.int64)))


def kthvalue(x, k, dim=-1, keepdim=False):
    """``(values, indices)`` of the ``k``-th smallest element along ``dim``."""
    d = _dim(x, dim)
    n = x._data.shape[d] if x._data.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _order_stat(x, d, keepdim, lambda n: k - 1, KthvalueDim, "kthvalue")


def mode(x, dim=-1, keepdim=False):
    """``(values, indices)`` of the most frequent value along ``dim`` (the smallest among equally
    frequent ones; its index is that of its last occurrence, as torch)."""
    d = _dim(x, dim)
    a = np.moveaxis(x._data if x._data.ndim else x._data.reshape(1), d, -1)
    n = a.shape[-1]
    if n == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    s = np.sort(a, axis=-1)
    pos = np.arange(n)
    new_run = np.concatenate([np.ones(s.shape[:-1] + (1,), bool), s[..., 1:] != s[..., :-1]], -1)
    end_run = np.concatenate([s[..., 1:] != s[..., :-1], np.ones(s.shape[:-1] + (1,), bool)], -1)
    start = np.maximum.accumulate(np.where(new_run, pos, 0), axis=-1)
    end = np.flip(np.minimum.accumulate(np.flip(np.where(end_run, pos, n), -1), axis=-1), -1)
    best = np.take_along_axis(s, np.argmax(end - start, axis=-1)[..., None], -1)  # first: the smallest
    idx = n - 1 - np.argmax(np.flip(a == best, -1), axis=-1)[..., None]
    idx = np.moveaxis(idx, -1, d) if x._data.ndim else idx.reshape(())
    values = ModeDim.apply(x, d, idx, keepdim)
    if x._data.ndim and not keepdim:
        idx = np.squeeze(idx, d)
    return return_types.mode(values, _const(idx.astype(np.int64)))


def count_nonzero(x, dim=None):
    axes = None if dim is None else norm_dims(dim, x._data.ndim)
    return _const(np.asarray(np.count_nonzero(x._data, axis=axes), dtype=np.int64))


def bincount(x, weights=None, minlength=0):
    """How often each value 0, 1, ... occurs in the 1-D non-negative integer ``x`` (or the sum of ``weights``)."""
    a = x._data
    if a.dtype.kind in "fV":
        raise NotImplementedError(f'"bincount_cpu" not implemented for {x.dtype.name.capitalize()!r}')
    if a.ndim != 1 or (a.size and a.min() < 0) or a.dtype.kind not in "iub":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _const(np.bincount(a, minlength=minlength).astype(np.int64))
    w = _d(weights)
    w = np.asarray(w)
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out = np.bincount(a, weights=w, minlength=minlength)
    return _const(out.astype(w.dtype if w.dtype.kind in "fV" else np.float64))


def unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted) of ``x``, or distinct slices along ``dim``; optionally the index
    of each element's value in them and how often each occurs (no grad)."""
    a = x._data
    if dim is not None:
        dim = _dim(x, dim)
    vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=dim)
    inv = inv.reshape(a.shape if dim is None else (-1,)).astype(np.int64)
    out = [_const(vals)]
    if return_inverse:
        out.append(_const(inv))
    if return_counts:
        out.append(_const(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    """Like ``unique`` but only merges runs of equal neighbours, keeping their order (no grad)."""
    a = x._data.reshape(-1) if dim is None else x._data
    d = 0 if dim is None else _dim(x, dim)
    n = a.shape[d] if a.ndim else 1
    rows = np.moveaxis(a, d, 0).reshape(n, a.size // n if n else 0) if a.ndim else a.reshape(1, 1)
    keep = np.concatenate([np.ones(min(n, 1), bool), (rows[1:] != rows[:-1]).any(axis=1)])
    out = [_const(np.take(a, np.flatnonzero(keep), axis=d) if a.ndim else a.copy())]
    if return_inverse:
        out.append(
            _const((np.cumsum(keep) - 1).reshape(x._data.shape if dim is None else (-1,)).astype(np.int64))
        )
    if return_counts:
        out.append(_const(np.diff(np.append(np.flatnonzero(keep), n)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _var_mean(x, kind, dim=None, unbiased=None, keepdim=False, *, correction=None):
    x = _as_tensor_arg(x)
    spread = getattr(x, kind)(dim, unbiased, keepdim, correction=correction)
    mean_dim = None if dim is None or isinstance(dim, bool) else dim
    return spread, x.mean(mean_dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(input.std(...), input.mean(...))`` over the same dims."""
    return _var_mean(input, "std", dim, unbiased, keepdim, correction=correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(input.var(...), input.mean(...))`` over the same dims."""
    return _var_mean(input, "var", dim, unbiased, keepdim, correction=correction)
