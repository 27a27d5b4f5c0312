"""Indexing, gathering and scattering: ``x[idx]`` and ``x[idx] = v``, ``gather``, ``index_select``,
``masked_select``, ``take``, ``scatter``/``scatter_add``/``index_add``/``index_fill``, ``nonzero``.

The ``Op`` classes come first; after them, the functions that check arguments the way torch does
and call the ops. Every backward is written with Tensor ops, so gradients of gradients work.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._arguments import _as_tensor_arg, _dim
from ..autograd import function as _function
from ..autograd.function import Op
from .arithmetic import _const, _d


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


class _Select(Index):
    _node_name = "SelectBackward0"


class _Slice(Index):
    _node_name = "SliceBackward0"


class _Unsqueeze(Index):
    _node_name = "UnsqueezeBackward0"


class _Alias(Index):
    _node_name = "AliasBackward0"


_FULL = slice(None)


def index_op(idx) -> type:
    """The Index op named as torch names ``a[idx]``'s node: torch applies basic indexing one item at
    a time (skipping ``...`` and full ``:`` after the first item), so the last int, slice or None
    names it; any array, list or mask makes it ``IndexBackward0``."""
    cls = idx.__class__
    if cls is int or cls is np.int64:
        return _Select
    if cls is slice:
        return _Slice
    if idx is None:
        return _Unsqueeze
    if idx is Ellipsis:
        return _Alias
    if cls is not tuple or not _is_basic(idx):
        return Index
    for item in reversed(idx):
        if item is None:
            return _Unsqueeze
        if isinstance(item, (int, np.integer)):
            return _Select
        if item.__class__ is slice and item != _FULL:
            return _Slice
    return _Alias


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


def set_item(arr: np.ndarray, idx, value) -> None:
    """``arr[idx] = value``, with torch's error when ``value`` cannot be expanded to the target."""
    try:
        arr[idx] = value
    except ValueError:
        target, src = np.shape(arr[idx]), np.shape(value)
        n = len(target)
        if len(src) > n:
            raise RuntimeError(
                f"expand(torch.{_TYPE_NAMES.get(np.dtype(arr.dtype).char, 'Tensor')}{{{list(src)}}}, "
                f"size={list(target)}): the number of sizes provided ({n}) must be greater or equal to "
                f"the number of dimensions in the tensor ({len(src)})"
            ) from None
        pad = (1,) * (n - len(src)) + tuple(src)
        for i in range(n - 1, -1, -1):
            if pad[i] != target[i] and pad[i] != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target[i]}) must match the existing size "
                    f"({pad[i]}) at non-singleton dimension {i}.  Target sizes: {list(target)}.  "
                    f"Tensor sizes: {list(src)}"
                ) from None
        raise


_TYPE_NAMES = {
    "f": "FloatTensor",
    "d": "DoubleTensor",
    "e": "HalfTensor",
    "q": "LongTensor",
    "l": "LongTensor",
    "i": "IntTensor",
    "h": "ShortTensor",
    "b": "CharTensor",
    "B": "ByteTensor",
    "?": "BoolTensor",
}


class IndexPut(Op):
    """out = a with out[idx] = v: d/da = 1 outside idx, d/dv = grad at idx (summed for broadcast)"""

    _node_name = "CopySlices"

    @staticmethod
    def forward(ctx, a, idx, v):
        ctx.idx, ctx.vndim = idx, np.ndim(v._data if hasattr(v, "_vc") else v)
        out = a._data.copy()
        set_item(out, idx, v._data if hasattr(v, "_vc") else v)
        return out

    @staticmethod
    def backward(ctx, g):
        ga = gv = None
        if ctx.needs_input_grad[0]:
            mask = np.ones(g._data.shape, dtype=g._data.dtype)
            mask[ctx.idx] = 0
            ga = g * _function.Tensor._make(mask, False, None)
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
        return GatherGrad.apply(g, ctx.dim, ctx.idx, ctx.shape), None, None


class GatherGrad(Op):
    _node_name = "ScatterAddBackward0"
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


def _full_index(idx: np.ndarray, dim: int) -> tuple:
    """The NumPy index reaching ``x[i_0, ..., idx[i], ..., i_n]`` for every position ``i`` of ``idx``."""
    full = list(np.indices(idx.shape, sparse=True))
    full[dim] = idx
    return tuple(full)


def _lead(shape) -> tuple:
    """The slices taking the leading ``shape`` block of a (possibly bigger) array."""
    return tuple(slice(0, n) for n in shape)


_ROUNDS = 8


def add_at(out: np.ndarray, dim: int, idx: np.ndarray, src: np.ndarray) -> None:
    """``out[..., idx[i], ...] += src[..., i, ...]`` along ``dim``; repeated indices accumulate."""
    if src.size < 4096 or idx.size < 64:
        np.add.at(out, (slice(None),) * dim + (idx,), src)
        return
    # NOTE: np.add.at is slow on slices, and a plain ``+=`` drops repeats. So add in rounds: round r
    # takes the r-th occurrence of each index (no repeats within a round); only indices repeated
    # more than _ROUNDS times are left to np.add.at. Several times faster for embedding-like use.
    if idx.min() < 0:
        idx = np.where(idx < 0, idx + out.shape[dim], idx)
    order = np.argsort(idx, kind="stable")
    srt, pos = idx[order], np.arange(idx.size)
    first = np.maximum.accumulate(np.where(np.r_[True, srt[1:] != srt[:-1]], pos, 0))
    rank = np.empty_like(pos)
    rank[order] = pos - first
    o, v = np.moveaxis(out, dim, 0), np.moveaxis(src, dim, 0)
    for r in range(min(int(rank.max()) + 1, _ROUNDS)):
        sel = np.flatnonzero(rank == r)
        o[idx[sel]] += v[sel]
    rest = np.flatnonzero(rank >= _ROUNDS)
    if rest.size:
        np.add.at(o, idx[rest], v[rest])


class IndexSelect(Op):
    """index_select(a, dim, index): the grad is added back at index (repeats accumulate)"""

    @staticmethod
    def forward(ctx, a, dim, idx):
        ctx.shape, ctx.dim, ctx.idx = a._data.shape, dim, idx
        return np.take(a._data, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return IndexAddToZeros.apply(g, ctx.dim, ctx.idx, ctx.shape), None, None


class IndexAddToZeros(Op):
    """zeros(shape) with g added at index along dim (the backward of index_select): d/dg = index_select"""

    @staticmethod
    def forward(ctx, g, dim, idx, shape):
        ctx.dim, ctx.idx = dim, idx
        out = np.zeros(shape, g._data.dtype)
        add_at(out, dim, idx, g._data)
        return out

    @staticmethod
    def backward(ctx, gg):
        return IndexSelect.apply(gg, ctx.dim, ctx.idx), None, None, None


class MaskedSelect(Index):
    """a[mask] (1-D): the grad is written back where the mask is True"""

    _node_name = "MaskedSelectBackward0"


class Take(Index):
    """a.flatten()[index]: the grad is added back at index"""

    _node_name = "TakeBackward0"


class Scatter(Op):
    """a with src (or a number) written at index along dim: d/da = 1 where not overwritten,
    d/dsrc = g gathered at index"""

    @staticmethod
    def forward(ctx, a, dim, idx, src):
        ctx.dim, ctx.idx, ctx.key = dim, idx, _full_index(idx, dim)
        ctx.src_shape = src._data.shape if hasattr(src, "_vc") else None
        out = a._data.copy()
        out[ctx.key] = src._data[_lead(idx.shape)] if hasattr(src, "_vc") else src
        return out

    @staticmethod
    def backward(ctx, g):
        ga = gs = None
        if ctx.needs_input_grad[0]:
            keep = np.ones(g._data.shape, g._data.dtype)
            keep[ctx.key] = 0
            ga = g * _const(keep)
        if ctx.needs_input_grad[3]:
            gs = _grad_to_src(Gather.apply(g, ctx.dim, ctx.idx), ctx.src_shape)
        return ga, None, None, gs


class ScatterValue(Scatter):
    """scatter of a number (torch's node for this overload is ScatterBackward1)"""

    _node_name = "ScatterBackward1"


def _grad_to_src(gs, src_shape):
    """A grad shaped like the index, padded with zeros to the (bigger) source it was read from."""
    if gs._data.shape == src_shape:
        return gs
    return IndexAddZeros.apply(gs, _lead(gs._data.shape), src_shape)


class ScatterAdd(Op):
    """a with src added at index along dim (repeats accumulate): d/da = 1, d/dsrc = g gathered at index"""

    @staticmethod
    def forward(ctx, a, dim, idx, src):
        ctx.dim, ctx.idx, ctx.src_shape = dim, idx, src._data.shape
        out = a._data.copy()
        np.add.at(out, _full_index(idx, dim), src._data[_lead(idx.shape)])
        return out

    @staticmethod
    def backward(ctx, g):
        gs = (
            _grad_to_src(Gather.apply(g, ctx.dim, ctx.idx), ctx.src_shape)
            if ctx.needs_input_grad[3]
            else None
        )
        return g, None, None, gs


class ScatterMultiply(Op):
    """a with src multiplied in at index along dim: no derivative, as in torch"""

    _node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, dim, idx, src):
        out = a._data.copy()
        np.multiply.at(
            out, _full_index(idx, dim), src._data[_lead(idx.shape)] if hasattr(src, "_vc") else src
        )
        return out

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for scatter with reduce='multiply' is not implemented")


class IndexAdd(Op):
    """a with alpha * src added at index along dim: d/da = 1, d/dsrc = alpha * g.index_select(dim, index)"""

    @staticmethod
    def forward(ctx, a, dim, idx, src, alpha):
        ctx.dim, ctx.idx, ctx.alpha = dim, idx, alpha
        out = a._data.copy()
        add_at(out, dim, idx, src._data if alpha == 1 else src._data * alpha)
        return out

    @staticmethod
    def backward(ctx, g):
        gs = None
        if ctx.needs_input_grad[3]:
            gs = IndexSelect.apply(g, ctx.dim, ctx.idx)
            gs = gs if ctx.alpha == 1 else gs * ctx.alpha
        return g, None, None, gs, None


class IndexFill(IndexPut):
    """a with value written at index along dim: d/da = 1 elsewhere, d/dvalue = sum of g at index"""

    _node_name = "IndexFillBackward0"


class IndexFillTensor(IndexFill):
    """index_fill with a 0-d tensor value (torch's node for this overload is IndexFillBackward1)"""

    _node_name = "IndexFillBackward1"


def _index(index, name: str) -> np.ndarray:
    """An index argument as an integer ndarray (torch takes int64 and int32 tensors)."""
    if hasattr(index, "_vc"):
        arr = index._data
    else:
        arr = np.asarray(index)
        if arr.size == 0:
            arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise RuntimeError(
            f"{name}(): Expected dtype int32 or int64 for index, got {_dtype.from_numpy_dtype(arr.dtype)}"
        )
    return arr


def _check_range(idx: np.ndarray, n: int, dim: int, negative: bool, exc=RuntimeError) -> None:
    if idx.size:
        lo, hi = idx.min(), idx.max()
        bad = lo if lo < (-n if negative else 0) else hi if hi >= n else None
        if bad is not None:
            raise exc(f"index {int(bad)} is out of bounds for dimension {dim} with size {n}")


def _vector_index(x, dim, index, name, negative, exc=RuntimeError):
    """Check a 0-d or 1-D index along ``dim``; returns (dim, 1-D index)."""
    idx = _index(index, name)
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    d = _dim(x, dim)
    n = x._data.shape[d] if x._data.ndim else 1
    _check_range(idx, n, d, negative, exc)
    return d, idx.reshape(-1)


def index_select(x, dim, index):
    """The slices ``index`` (a 1-D integer tensor) along ``dim``."""
    d, idx = _vector_index(x, dim, index, "index_select", negative=False)
    if x._data.ndim == 0:
        if idx.size != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)"
            )
        return x.clone()
    return IndexSelect.apply(x, d, idx)


def masked_select(x, mask):
    """The elements where the bool ``mask`` (broadcast with ``x``) is True, as a 1-D tensor."""
    m = mask._data if hasattr(mask, "_vc") else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_select: expected BoolTensor for mask, got {_dtype.from_numpy_dtype(m.dtype)}"
        )
    try:
        shape = np.broadcast_shapes(x._data.shape, m.shape)
    except ValueError:
        raise RuntimeError(
            f"masked_select: the mask of shape {list(m.shape)} cannot be broadcast with the input's shape "
            f"{list(x._data.shape)}"
        ) from None
    if x._data.shape != shape:
        x = x.expand(shape)
    return MaskedSelect.apply(x, np.broadcast_to(m, shape))


def take(x, index):
    """``x.flatten()[index]``, shaped like ``index``."""
    idx = _index(index, "take")
    n = x._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.min() if idx.min() < -n else idx.max())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return Take.apply(x.reshape(-1), idx)


def _scatter_index(x, dim, index, src, name):
    idx = _index(index, name)
    d = _dim(x, dim)
    if idx.ndim != x._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    big = any(i > s for k, (i, s) in enumerate(zip(idx.shape, x._data.shape)) if k != d)
    if src is not None:
        if src._data.ndim != idx.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        if big or any(i > s for i, s in zip(idx.shape, src._data.shape)):
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {list(x._data.shape)} apart from "
                f"dimension {d} and to be no larger size than src {list(src._data.shape)}"
            )
        if src._data.dtype != x._data.dtype:
            raise RuntimeError(
                f"{name}(): Expected self.dtype to be equal to src.dtype (got {x.dtype} and {src.dtype})"
            )
    elif big:
        raise RuntimeError(
            f"Expected index {list(idx.shape)} to be no larger than self {list(x._data.shape)} apart from dimension {d}"
        )
    _check_range(idx, x._data.shape[d] if x._data.ndim else 1, d, negative=False)
    return d, idx


def scatter(x, dim, index, src=None, value=None, reduce=None):
    """``x`` with ``src[i]`` (or ``value``) written at ``index[i]`` along ``dim`` (torch's semantics:
    only the leading ``index.shape`` block of ``src`` is read). ``reduce='add'|'multiply'``
    combines with the old value instead."""
    if src is not None and not hasattr(src, "_vc"):
        src, value = None, src  # scatter(dim, index, 2.0): the value overload
    if src is None and value is None:
        raise TypeError("scatter() missing the 'src' or 'value' argument")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce!r}")
    d, idx = _scatter_index(x, dim, index, src, "scatter")
    if reduce == "add":
        src = src if src is not None else _const(np.full(idx.shape, value, x._data.dtype))
        return ScatterAdd.apply(x, d, idx, src)
    if reduce == "multiply":
        return ScatterMultiply.apply(x, d, idx, src if src is not None else _d(value))
    if src is None:
        return ScatterValue.apply(x, d, idx, _d(value))
    return Scatter.apply(x, d, idx, src)


def scatter_add(x, dim, index, src):
    """``x`` with ``src[i]`` added at ``index[i]`` along ``dim`` (repeated indices accumulate)."""
    src = _as_tensor_arg(src)
    d, idx = _scatter_index(x, dim, index, src, "scatter_add")
    return ScatterAdd.apply(x, d, idx, src)


def index_add(x, dim, index, source, alpha=1):
    """``x`` with ``alpha * source[..., i, ...]`` added at ``x[..., index[i], ...]`` along ``dim``."""
    source = _as_tensor_arg(source)
    d, idx = _vector_index(x, dim, index, "index_add", negative=False)
    n_src = source._data.shape[d] if source._data.ndim else 1
    if idx.size != n_src:
        raise RuntimeError(
            f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): ({n_src}), "
            f"for dim: {d}"
        )
    if (
        source._data.ndim
        and x._data.ndim
        and (
            source._data.ndim != x._data.ndim
            or any(s != n for k, (s, n) in enumerate(zip(source._data.shape, x._data.shape)) if k != d)
        )
    ):
        raise RuntimeError(
            f"index_add_(): source of shape {list(source._data.shape)} does not match self of shape "
            f"{list(x._data.shape)} outside dimension {d}"
        )
    if source._data.dtype != x._data.dtype:
        raise RuntimeError(
            f"index_add_(): self ({x.dtype.name.capitalize()}) and source ({source.dtype.name.capitalize()}) "
            "must have the same scalar type"
        )
    if x._data.ndim == 0:
        return x + source.reshape(()) * alpha
    return IndexAdd.apply(
        x, d, idx, source.reshape(x._data.shape[:d] + (idx.size,) + x._data.shape[d + 1 :]), alpha
    )


def index_fill(x, dim, index, value):
    """``x`` with every slice ``index[i]`` along ``dim`` set to ``value`` (a number or 0-d tensor)."""
    if hasattr(value, "_vc") and value._data.ndim:
        raise RuntimeError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value._data.ndim} dimension(s)."
        )
    idx = _index(index, "index_fill")
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    d, idx = _vector_index(x, dim, idx, "index_fill", negative=True, exc=IndexError)
    if x._data.ndim == 0:
        return IndexFill.apply(x, (), value)
    op = IndexFillTensor if hasattr(value, "_vc") else IndexFill
    return op.apply(x, (slice(None),) * d + (idx,), value)


def repeat_interleave(x, repeats=None, dim=None, output_size=None):
    """Each element (slice along ``dim``) repeated ``repeats`` times (an int or one count per element).
    With only a tensor of counts, ``repeat_interleave(counts)`` repeats ``0, 1, 2, ...``."""
    if repeats is None:
        counts = _index(x, "repeat_interleave")
        if counts.ndim > 1 or (counts < 0).any():
            raise RuntimeError("repeats has to be a 1D tensor of non-negative integers")
        return _const(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        x, d = x.reshape(-1), 0
    else:
        d = _dim(x, dim)
        if x._data.ndim == 0:
            x = x.reshape(1)
    n = x._data.shape[d]
    r = np.asarray(_d(repeats))
    if r.ndim > 1 or r.dtype.kind not in "iu":
        raise RuntimeError("repeat_interleave(): repeats must be an integer or a 1-D integer tensor")
    if r.ndim == 1 and r.size != 1 and r.size != n:
        raise RuntimeError(
            "repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{r.size} and input.size({d}) = {n}"
        )
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    idx = np.repeat(np.arange(n), np.broadcast_to(r.reshape(-1) if r.ndim else r, (n,)))
    if output_size is not None and output_size != idx.size:
        raise RuntimeError(
            f"repeat_interleave(): output_size={output_size} but the repeats add up to {idx.size}"
        )
    return IndexSelect.apply(x, d, idx)


def nonzero(x, as_tuple=False):
    """The indices of the non-zero elements: an int64 tensor [n, ndim], or one 1-D tensor per dim."""
    a = x._data
    if as_tuple:
        return tuple(_const(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(a)))
    return _const(np.argwhere(a).astype(np.int64))


def fill_diagonal_mask(x, wrap):
    """The bool mask of the main diagonal that ``fill_diagonal_`` writes (tall matrices may wrap)."""
    shp = x._data.shape
    if len(shp) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shp) > 2 and len(set(shp)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shp, bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    return _const(mask)
