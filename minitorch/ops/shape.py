"""Shape and indexing ops. Views (reshape, permute, expand, basic indexing) share memory
and version counter with their input, as in torch."""

from __future__ import annotations

import builtins
import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._arguments import _as_tensor_arg, _dim, norm_dims
from .._promotion import _promote_types
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


def _storage(a: np.ndarray):
    """(the flat memory ``a`` views, as an array of its dtype; ``a``'s offset and strides in it, in
    elements): the root of its ``.base`` chain owns one contiguous block."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    n = root.nbytes // a.itemsize
    flat = as_strided(root, (n,), (a.itemsize,))
    offset = (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize
    return flat, offset, tuple(s // a.itemsize for s in a.strides)


class AsStrided(ViewOp):
    """as_strided(a, size, stride, offset): a view of a's memory; the grad of each element of ``a``
    is the sum of the grads of the output elements that share its memory"""

    @staticmethod
    def forward(ctx, a, size, stride, offset):
        flat, a_off, a_st = _storage(a._data)
        ctx.geometry = (flat.size, size, stride, offset, a._data.shape, a_st, a_off)
        need = offset + 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
        if need > flat.size:
            k = flat.itemsize
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and itemsize "
                f"{k} requiring a storage size of {need * k} are out of bounds for storage of size {flat.size * k}"
            )
        step = flat.itemsize
        return as_strided(flat[offset:], size, tuple(s * step for s in stride))

    @staticmethod
    def backward(ctx, g):
        n, size, stride, offset, a_shape, a_st, a_off = ctx.geometry
        pos = np.arange(n)
        out_pos = as_strided(pos[offset:], size, tuple(s * pos.itemsize for s in stride))
        in_pos = as_strided(pos[a_off:], a_shape, tuple(s * pos.itemsize for s in a_st))
        storage = _function.Tensor._make(np.zeros(n, g._data.dtype), False, None)
        storage = storage.index_add(0, _const_index(out_pos), g.reshape(-1))
        return storage.take(_const_index(in_pos)).reshape(a_shape), None, None, None


def _const_index(a: np.ndarray):
    return _function.Tensor._make(np.ascontiguousarray(a, np.int64).reshape(-1), False, None)


class Flip(Op):
    """reverse along dims: the grad is flipped back"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a._data, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims), None


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
        ctx.steps = steps
        region = np.zeros_like(base._data, dtype=bool)
        replay(_function.Tensor._make(region, False, None), steps)._data[...] = True
        ctx.keep = ~region
        replay(_function.Tensor._make(base._data, False, None), steps)._data[...] = v._data
        return base._data

    @staticmethod
    def backward(ctx, g):
        gb = (
            g * _function.Tensor._make(ctx.keep.astype(g._data.dtype), False, None)
            if ctx.needs_input_grad[0]
            else None
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
        ga = (
            _function.Tensor._make(np.zeros(ctx.shape, g._data.dtype), False, None)
            if ctx.needs_input_grad[0]
            else None
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
        return (stack if cls._stack else cat)(grads, ctx.dim), None, None


class SplitEqual(Split):
    """split into equal sizes (``split(int)``, ``chunk``): torch names this node SplitBackward0"""

    _node_name = "SplitBackward0"


class Unbind(Split):
    """unbind: each index along ``dim`` as a view without that dim; backward stacks the grads"""

    _node_name = "UnbindBackward0"
    _stack = True


def cat(tensors, dim: int = 0) -> _function.Tensor:
    """Concatenate along an existing dim (differentiable; each input gets its slice of the grad)."""
    tensors = [t if isinstance(t, _function.Tensor) else _as_tensor_arg(t) for t in tensors]
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)] or tensors[:1]
    nd = tensors[0]._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    (d,) = norm_dims(dim, nd)
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        s = t._data.shape
        if len(s) != nd or builtins.any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            if len(s) != nd:
                raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {len(s)}")
            j = next(j for j, (a, b) in enumerate(zip(s, ref)) if j != d and a != b)
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {d}. Expected size {ref[j]} but got "
                f"size {s[j]} for tensor number {i} in the list."
            )
    dt = tensors[0]._data.dtype
    for t in tensors[1:]:
        if t._data.dtype != dt:
            dt = _promote_types(dt, t._data.dtype)  # torch's: int64 with float32 is float32
    tensors = [t.to(dt) for t in tensors]
    return Cat.apply(d, *tensors)


def stack(tensors, dim: int = 0) -> _function.Tensor:
    """Join tensors of equal shape along a new dim."""
    tensors = [t if isinstance(t, _function.Tensor) else _as_tensor_arg(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shp = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shp:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shp)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    (d,) = norm_dims(dim, len(shp) + 1)
    return cat([t.unsqueeze(d) for t in tensors], d)


def _diag_view(x: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """``np.diagonal(x, offset, d1, d2)`` as a view that can be written to when ``x`` can."""
    d = np.diagonal(x, offset, d1, d2)
    start = [slice(None)] * x.ndim
    if offset >= 0:
        start[d2] = slice(min(offset, x.shape[d2]), None)
    else:
        start[d1] = slice(min(-offset, x.shape[d1]), None)
    return as_strided(x[tuple(start)], d.shape, d.strides, writeable=True)


class Roll(Op):
    """roll(a, shifts, dims): the grad is rolled back"""

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a._data, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        back = -ctx.shifts if isinstance(ctx.shifts, int) else tuple(-s for s in ctx.shifts)
        return Roll.apply(g, back, ctx.dims), None, None


class Tril(Op):
    """tril(a, k): d/da = 1 on and below the k-th diagonal, else 0"""

    @staticmethod
    def forward(ctx, a, k):
        ctx.k = k
        return np.tril(a._data, k)

    @staticmethod
    def backward(ctx, g):
        return Tril.apply(g, ctx.k), None


class Triu(Op):
    """triu(a, k): d/da = 1 on and above the k-th diagonal, else 0"""

    @staticmethod
    def forward(ctx, a, k):
        ctx.k = k
        return np.triu(a._data, k)

    @staticmethod
    def backward(ctx, g):
        return Triu.apply(g, ctx.k), None


class Diagonal(ViewOp):
    """diagonal(a, offset, d1, d2) (a view, as torch's): the grad is written onto the diagonal of zeros"""

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        ctx.shape, ctx.args = a._data.shape, (offset, d1, d2)
        return _diag_view(a._data, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return DiagEmbed.apply(g, ctx.shape, *ctx.args), None, None, None


class DiagEmbed(Op):
    """zeros(shape) with g on its (offset, d1, d2) diagonal (diag_embed, diag of a vector, and the
    backward of diagonal): d/dg = the diagonal of the grad"""

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = np.zeros(shape, g._data.dtype)
        _diag_view(out, offset, d1, d2)[...] = g._data
        return out

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, *ctx.args), None, None, None, None


def roll(x, shifts, dims=None):
    """Shift elements along ``dims`` (all, flattened, when None), wrapping around."""
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(x, int(shifts[0]), None)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    dims = tuple(_dim(x, d) for d in dims)
    return Roll.apply(x, tuple(int(s) for s in shifts), dims)


def _tri(x, k, op, name):
    if x._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return op.apply(x, int(k))


def tril(x, diagonal=0):
    return _tri(x, diagonal, Tril, "tril")


def triu(x, diagonal=0):
    return _tri(x, diagonal, Triu, "triu")


def diagonal(x, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a view; its dim goes last."""
    d1, d2 = norm_dims(dim1, x._data.ndim)[0], norm_dims(dim2, x._data.ndim)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(x, int(offset), d1, d2)


def diag_embed(x, offset=0, dim1=-2, dim2=-1):
    """Matrices (in dims ``dim1``, ``dim2``) whose ``offset`` diagonal is the last dim of ``x``."""
    nd = x._data.ndim + 1
    d1, d2 = norm_dims(dim1, nd)[0], norm_dims(dim2, nd)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (x._data.shape[-1] if x._data.ndim else 1) + abs(offset)
    shape = list(x._data.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    return DiagEmbed.apply(x.reshape(1) if not x._data.ndim else x, tuple(shape), int(offset), d1, d2)


def diag(x, diagonal=0):
    """1-D ``x``: the square matrix with ``x`` on its ``diagonal``; 2-D: that diagonal (a copy)."""
    if x._data.ndim == 1:
        n = x._data.shape[0] + abs(diagonal)
        return DiagEmbed.apply(x, (n, n), int(diagonal), 0, 1)
    if x._data.ndim == 2:
        return Diagonal.apply(x, int(diagonal), 0, 1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x._data.ndim}D")


def movedim(x, source, destination):
    """Move dims ``source`` to positions ``destination`` (ints or tuples), keeping the others' order."""
    src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain the same "
            f"number of dims as destination ({list(dst)} dims)"
        )
    nd = x._data.ndim
    src_n = [norm_dims(s, nd)[0] if nd else norm_dims(s, 1)[0] for s in src]
    dst_n = [norm_dims(s, nd)[0] if nd else norm_dims(s, 1)[0] for s in dst]
    for name, dims, given in (("source", src_n, src), ("destination", dst_n, dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    if nd == 0:
        return x
    order = [n for n in range(nd) if n not in src_n]
    for dd, s in sorted(zip(dst_n, src_n)):
        order.insert(dd, s)
    return x if order == list(range(nd)) else x.permute(order)


def tile(x, dims):
    dims = tuple(dims)
    return x.repeat((1,) * (x._data.ndim - len(dims)) + dims)


def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids from 1-D tensors: output ``i`` varies along dim ``i`` (``indexing='ij'``) or,
    for the first two, along the other one (``'xy'``, as NumPy's default). The outputs are views."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    ts = [_as_tensor_arg(t) for t in tensors]
    for t in ts:
        if t._data.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a {t._data.ndim}D tensor"
            )
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    sizes = [t._data.size for t in ts]
    axes = list(range(len(ts)))
    if indexing == "xy" and len(ts) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(ts)
    for ax, n in zip(axes, sizes):
        shape[ax] = n
    out = []
    for t, ax in zip(ts, axes):
        view = [1] * len(ts)
        view[ax] = -1
        out.append(t.reshape(view).expand(shape))
    return tuple(out)


def cartesian_prod(*tensors):
    """All combinations of the elements of 1-D tensors, one per row."""
    if len(tensors) == 1:
        return _as_tensor_arg(tensors[0])
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], dim=1)
