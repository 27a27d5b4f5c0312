"""Shape and indexing ops. Views (reshape, permute, expand, basic indexing) share memory
and version counter with their input, as in torch."""

from __future__ import annotations

import numpy as np

from ..autograd import function as _function
from ..autograd.function import Function, Op


class ViewOp(Op):
    is_view = True
    always_view = True  # NumPy returns a view every time (Reshape may have to copy)


class Reshape(ViewOp):
    """reshape(a, shape): the grad is reshaped back"""

    _node_name = "ViewBackward0"
    always_view = False

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a._data.shape
        return a._data.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Expand(ViewOp):
    """broadcast a to shape: the engine sums the grad back to a's shape"""

    @staticmethod
    def forward(ctx, a, shape):
        return np.broadcast_to(a._data, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None


class Permute(ViewOp):
    """permute(a, dims): the grad is permuted back"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.inv = tuple(np.argsort(dims))
        return np.transpose(a._data, dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(*ctx.inv), None


class Transpose(ViewOp):
    """swap two dims: the grad is swapped back"""

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.d = (d0, d1)
        return np.swapaxes(a._data, d0, d1)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.d), None, None


class Flip(Op):
    """reverse along dims: the grad is flipped back"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a._data, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims), None


def _is_basic(idx) -> bool:
    """True when numpy indexing with ``idx`` gives a view (no arrays, lists or bool masks)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, slice, np.integer)) for i in items)


class Index(Op):
    """a[idx]: the grad is scattered back into zeros; repeated indices accumulate"""

    _node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, idx):
        ctx.shape, ctx.dtype, ctx.idx = a._data.shape, a._data.dtype, idx
        out = a._data[idx]
        if out.__class__ is not np.ndarray:  # every dim taken by an int: a 0-d view, not a NumPy scalar
            out = a._data[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexAddZeros.apply(g, ctx.idx, ctx.shape), None


class IndexAddZeros(Op):
    """zeros(shape) with g added at idx: the backward of indexing; its own backward is indexing"""

    @staticmethod
    def forward(ctx, g, idx, shape):
        ctx.idx = idx
        out = np.zeros(shape, g._data.dtype)
        if _is_basic(idx):
            out[idx] = g._data
        else:
            np.add.at(out, idx, g._data)
        return out

    @staticmethod
    def backward(ctx, gg):
        return gg[ctx.idx], None, None


class IndexPut(Op):
    """out = a with out[idx] = v: d/da = 1 outside idx, d/dv = grad at idx (summed for broadcast)"""

    _node_name = "CopySlices"

    @staticmethod
    def forward(ctx, a, idx, v):
        ctx.idx, ctx.vndim = idx, np.ndim(v._data if hasattr(v, "_vc") else v)
        out = a._data.copy()
        out[idx] = v._data if hasattr(v, "_vc") else v
        return out

    @staticmethod
    def backward(ctx, g):
        ga = gv = None
        if ctx.needs_input_grad[0]:
            from ..tensor import Tensor

            mask = np.ones(g._data.shape, dtype=g._data.dtype)
            mask[ctx.idx] = 0
            ga = g * Tensor._make(mask, False, None)
        if ctx.needs_input_grad[2]:
            gv = g[ctx.idx]
            if ctx.vndim > gv._data.ndim:  # v had extra leading 1s (allowed when assigning)
                gv = gv.reshape((1,) * (ctx.vndim - gv._data.ndim) + gv.shape)
        return ga, None, gv


class Gather(Op):
    """gather(a, dim, index): the grad is scatter-added back"""

    @staticmethod
    def forward(ctx, a, dim, index):
        x = a._data
        idx = index._data if hasattr(index, "_vc") else index
        if idx.shape != x.shape:  # torch allows a smaller index in the other dims
            sl = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(idx.shape))
            x = x[sl]
        ctx.shape, ctx.dim, ctx.idx = a._data.shape, dim, idx
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(g, ctx.dim, ctx.idx, ctx.shape), None, None


class ScatterAdd(Op):
    """zeros(shape) with g added at index along dim (the backward of gather)"""

    @staticmethod
    def forward(ctx, g, dim, idx, shape):
        ctx.dim, ctx.idx = dim, idx
        out = np.zeros(shape, g._data.dtype)
        full = list(np.indices(idx.shape, sparse=True))
        full[dim] = idx
        np.add.at(out, tuple(full), g._data)
        return out

    @staticmethod
    def backward(ctx, gg):
        return Gather.apply(gg, ctx.dim, ctx.idx), None, None, None


class Cat(Op):
    """cat(tensors, dim): each input gets its slice of the grad"""

    @staticmethod
    def forward(ctx, dim, *ts):
        ctx.dim = dim
        ctx.sizes = [t._data.shape[dim] for t in ts]
        return np.concatenate([t._data for t in ts], axis=dim)

    @staticmethod
    def backward(ctx, g):
        out, start = [None], 0
        lead = (slice(None),) * ctx.dim
        for n, need in zip(ctx.sizes, ctx.needs_input_grad[1:]):
            out.append(g[lead + (slice(start, start + n),)] if need else None)
            start += n
        return tuple(out)


class Repeat(Op):
    """repeat (tile) a: the grad sums over the copies"""

    @staticmethod
    def forward(ctx, a, reps):
        x = a._data
        pad = len(reps) - x.ndim
        ctx.in_shape = (1,) * pad + x.shape
        ctx.orig, ctx.reps = x.shape, reps
        return np.tile(x.reshape(ctx.in_shape), reps)

    @staticmethod
    def backward(ctx, g):
        inter = []
        for r, n in zip(ctx.reps, ctx.in_shape):
            inter += [r, n]
        g = g.reshape(inter).sum(tuple(range(0, len(inter), 2)))
        return g.reshape(ctx.orig), None


def replay(t, steps):
    """Re-apply the view ops ``steps`` (a view's ``_vfn``) to ``t``, e.g. its base."""
    for op, args in steps:
        t = op.apply(t, *args)
    return t


class CopySlices(Op):
    """base with the region of the view ``steps`` overwritten by v, written in place (the in-place op
    on a view): d/dbase = g outside the region, d/dv = g's view"""

    @staticmethod
    def forward(ctx, base, v, steps):
        from ..tensor import Tensor

        ctx.steps = steps
        region = np.zeros_like(base._data, dtype=bool)
        replay(Tensor._make(region, False, None), steps)._data[...] = True
        ctx.keep = ~region
        replay(Tensor._make(base._data, False, None), steps)._data[...] = v._data
        return base._data

    @staticmethod
    def backward(ctx, g):
        from ..tensor import Tensor

        gb = (
            g * Tensor._make(ctx.keep.astype(g._data.dtype), False, None) if ctx.needs_input_grad[0] else None
        )
        gv = replay(g, ctx.steps) if ctx.needs_input_grad[1] else None
        return gb, gv, None


class Copy(Op):
    """a.copy_(b) out of place: b broadcast to a's shape and cast to its dtype: d/da = 0, d/db = 1"""

    _node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shape = a._data.shape
        return np.broadcast_to(b._data if hasattr(b, "_vc") else b, a._data.shape).astype(a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import Tensor

        ga = (
            Tensor._make(np.zeros(ctx.shape, g._data.dtype), False, None) if ctx.needs_input_grad[0] else None
        )
        return ga, (g if ctx.needs_input_grad[1] else None)


class Split(Function):
    """split/chunk: views of ``x`` along ``dim``; backward concatenates the grads in one op.

    NOTE: slicing piece by piece would give each piece a backward that scatters into a zero
    tensor of ``x``'s full size: O(T^2) work to split a length-T sequence into T steps.
    """

    _node_name = "SplitWithSizesBackward0"
    _stack = False  # Unbind drops the dim and stacks instead

    @classmethod
    def forward(cls, ctx, x, dim, sizes):
        ctx.dim = dim
        xd, lead = x._data, (slice(None),) * dim
        if cls._stack:
            views = [xd[lead + (i,)] for i in range(xd.shape[dim])]
        else:
            views, start = [], 0
            for s in sizes:
                views.append(xd[lead + (slice(start, start + s),)])
                start += s
        outs = tuple(_function.Tensor._make(v, False, None) for v in views)
        for o in outs:
            o._vc = x._vc
        return outs

    @classmethod
    def backward(cls, ctx, *grads):
        from ..tensor import cat, stack

        return (stack if cls._stack else cat)(grads, ctx.dim), None, None


class SplitEqual(Split):
    """split into equal sizes (``split(int)``, ``chunk``): torch names this node SplitBackward0"""

    _node_name = "SplitBackward0"


class Unbind(Split):
    """unbind: each index along ``dim`` as a view without that dim; backward stacks the grads"""

    _node_name = "UnbindBackward0"
    _stack = True
