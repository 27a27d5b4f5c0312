"""Functions built from other ops, as torch's: products (``inner``, ``tensordot``, ``cross``),
arrangements (``rot90``, ``flipud``, ``block_diag``, ``combinations``, ``tril_indices``), scans
(``cummax``, ``cummin``, ``logcumsumexp``, ``diff``, ``gradient``, ``trapezoid``), NaN-aware and
order statistics (``nanmean``, ``nansum``, ``quantile``), ``take_along_dim`` and ``scatter_reduce``.
Most are compositions, so their gradients (and gradients of those) come from the ops they use."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np

from .. import _dtype
from .._arguments import _as_tensor_arg, norm_dims
from .._promotion import _result_type
from ..autograd import function as _function
from ..autograd.function import Op
from ..autograd.grad_mode import is_grad_enabled as _grad_enabled
from .arithmetic import _const, _quiet, where
from .elementwise import _named
from .shape import cat

_TYPE_NAMES = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}
cummax_type = _named("cummax", "values indices")
cummin_type = _named("cummin", "values indices")
aminmax_type = _named("aminmax", "min max")


def _dim(dim, ndim) -> int:
    return norm_dims(dim, ndim)[0]


def _zeros(shape, like):
    return _const(np.zeros(shape, dtype=like._data.dtype))


# ---------------------------------------------------------------- products


def inner(input, other):
    a, b = _as_tensor_arg(input), _as_tensor_arg(other)
    if a._data.ndim == 0 or b._data.ndim == 0:
        return a * b
    k = a._data.shape[-1]
    if b._data.shape[-1] != k:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{list(a._data.shape)} and {list(b._data.shape)}"
        )
    out = a.reshape(-1, k) @ b.reshape(-1, k).t()
    return out.reshape(*a._data.shape[:-1], *b._data.shape[:-1])


def tensordot(a, b, dims=2):
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, _function.Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(na - dims, na)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    da = [d % na for d in da] if na else da
    db = [d % nb for d in db] if nb else db
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    for x, y in zip(da, db):
        if a._data.shape[x] != b._data.shape[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a._data.shape[x]} in dim {x} "
                f"and second has size {b._data.shape[y]} in dim {y}"
            )
    ka = [d for d in range(na) if d not in da]
    kb = [d for d in range(nb) if d not in db]
    m = math.prod(a._data.shape[d] for d in ka)
    k = math.prod(a._data.shape[d] for d in da)
    n = math.prod(b._data.shape[d] for d in kb)
    res = a.permute(*ka, *da).reshape(m, k) @ b.permute(*db, *kb).reshape(k, n)
    return res.reshape(*[a._data.shape[d] for d in ka], *[b._data.shape[d] for d in kb])


def linalg_cross(input, other, *, dim=-1):
    a, b = _as_tensor_arg(input), _as_tensor_arg(other)
    if a._data.ndim != b._data.ndim:
        raise RuntimeError(
            f"linalg.cross: inputs must have the same number of dimensions. Got {a._data.ndim} and {b._data.ndim}"
        )
    shape = np.broadcast_shapes(a._data.shape, b._data.shape)
    d = _dim(dim, len(shape))
    if a._data.shape[d] != 3 or b._data.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {a._data.shape[d]} and {b._data.shape[d]}"
        )
    a, b = a.expand(shape), b.expand(shape)
    return a.roll(-1, d) * b.roll(-2, d) - a.roll(-2, d) * b.roll(-1, d)


def cross(input, other, dim=None):
    if dim is None:
        shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
            "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
            "with that of linalg.cross in a future release.",
            UserWarning,
            stacklevel=2,
        )
    return linalg_cross(input, other, dim=dim)


# ---------------------------------------------------------------- arrangements


def rot90(input, k=1, dims=(0, 1)):
    dims = list(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = dims[0] % n, dims[1] % n
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip((d0, d1))
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return input.flip(0)


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return input.flip(1)


def _index_pairs(row, col, offset, upper, dtype):
    if upper:
        r, c = np.triu_indices(row, offset, col)
    else:
        r, c = np.tril_indices(row, offset, col)
    return _const(np.stack([r, c]).astype(_dtype.to_np(dtype)).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _index_pairs(row, col, offset, False, dtype or _dtype.int64)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _index_pairs(row, col, offset, True, dtype or _dtype.int64)


def combinations(input, r=2, with_replacement=False):
    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input._data.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _const(np.empty((0,), dtype=input._data.dtype))
    n = input._data.shape[0]
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(n), r)), dtype=np.int64).reshape(-1, r)
    return input.index_select(0, _const(idx.reshape(-1))).reshape(-1, r)


def block_diag(*tensors):
    mats = []
    for i, t in enumerate(tensors):
        t = _as_tensor_arg(t)
        if t._data.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {t._data.ndim} dimensions"
            )
        mats.append(t.reshape(1, -1) if t._data.ndim < 2 else t)
    if not mats:
        return _const(np.empty((1, 0), dtype=_dtype.default_float.np))
    dt = mats[0]._data.dtype
    for m in mats[1:]:
        dt = _result_type(_const(np.zeros((1,), dt)), m)
    mats = [m if m._data.dtype == dt else m.to(dt) for m in mats]
    total = sum(m._data.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m._data.shape
        rows.append(cat([_zeros((r, left), m), m, _zeros((r, total - left - c), m)], 1))
        left += c
    return cat(rows, 0)


# ---------------------------------------------------------------- scans


def _cum_extreme(input, dim, is_max):
    x = _as_tensor_arg(input)
    if x._data.ndim == 0:
        return x.clone(), _const(np.zeros((), np.int64))
    d = _dim(dim, x._data.ndim)
    data = np.moveaxis(x._data, d, 0)
    idx = np.zeros(data.shape, np.int64)
    if data.shape[0]:
        best = data[0].copy()
        cur = np.zeros(data.shape[1:], np.int64)
        for i in range(1, data.shape[0]):
            v = data[i]
            with np.errstate(invalid="ignore"):
                take = (v >= best) if is_max else (v <= best)
            if data.dtype.kind in "fV":
                take = np.isnan(v) | (take & ~np.isnan(best))
            best = np.where(take, v, best)
            cur = np.where(take, i, cur)
            idx[i] = cur
    index = _const(np.moveaxis(idx, 0, d))
    return (Cummax if is_max else Cummin).apply(x, d, index), index


class Cummax(Op):
    """values of cummax: the input at the running argmax; d/da = the grads scattered (added) back there"""

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.dim, ctx.index, ctx.shape = dim, index, a._data.shape
        return np.take_along_axis(a._data, index._data, dim)

    @staticmethod
    def backward(ctx, g):
        return _zeros(ctx.shape, g).scatter_add(ctx.dim, ctx.index, g), None, None


class Cummin(Cummax):
    """values of cummin: as Cummax"""


def cummax(input, dim):
    return cummax_type(*_cum_extreme(input, dim, True))


def cummin(input, dim):
    return cummin_type(*_cum_extreme(input, dim, False))


@_quiet
class LogCumSumExp(Op):
    """out_i = log sum_{j<=i} exp(a_j): d/da_i = sum_{j>=i} g_j exp(a_i - out_j)"""

    _node_name = "LogcumsumexpBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.save_for_backward(a)
        ctx.dim = dim
        return np.logaddexp.accumulate(a._data, axis=dim)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d, out = ctx.dim, ctx.output

        if _grad_enabled():  # a graph of the backward is wanted: the plain formula, smooth in g
            return a.exp() * (g * (-out).exp()).flip(d).cumsum(d).flip(d), None

        def rev(t):
            return LogCumSumExp.apply(t.flip(d), d).flip(d)

        # the positive and negative parts of g in log space, as TensorFlow's logcumsumexp grad
        pos = rev(where(g > 0, g, 0.0).log() - out)
        neg = rev(where(g < 0, -g, 0.0).log() - out)
        return (pos + a).exp() - (neg + a).exp(), None


def logcumsumexp(input, dim):
    if input._data.dtype.kind not in "fV":
        name = _dtype.from_numpy_dtype(input._data.dtype).name
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{_TYPE_NAMES.get(name, name)}'"
        )
    x = input
    if x._data.ndim == 0:
        return x.clone()
    return LogCumSumExp.apply(x, _dim(dim, x._data.ndim))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    x = input
    if x._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = _dim(dim, x._data.ndim)
    parts = [t for t in (prepend, x, append) if t is not None]
    if len(parts) > 1:
        parts = [_as_tensor_arg(p) for p in parts]
        parts = [
            p.expand(*x._data.shape[:d], 1, *x._data.shape[d + 1 :]) if p._data.ndim == 0 else p
            for p in parts
        ]
        x = cat(parts, d)
    for _ in range(n):
        size = x._data.shape[d]
        if size == 0:
            break
        if x._data.dtype == np.bool_:
            x = x.narrow(d, 1, size - 1) ^ x.narrow(d, 0, size - 1)
        else:
            x = x.narrow(d, 1, size - 1) - x.narrow(d, 0, size - 1)
    return x


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    x = input if input._data.dtype.kind in "fV" else input.to(_dtype.default_float)
    n = x._data.ndim
    dims = list(range(n)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    dims = [d % n for d in dims]
    if not isinstance(spacing, (list, tuple)):
        spacing = [spacing] * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(
            f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to "
            f"'self.dim() = {n}', since dim argument was not given, but got a list of length {len(spacing)}"
        )
    if edge_order not in (1, 2):
        raise RuntimeError(
            f"torch.gradient only supports edge_order=1 and edge_order=2, but got {edge_order}"
        )
    outs = []
    for d, h in zip(dims, spacing):
        size = x._data.shape[d]
        if size < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")

        def s(start, length, _d=d):
            return x.narrow(_d, start, length)

        if isinstance(h, _function.Tensor) and h._data.ndim == 1:
            c = h.to(x.dtype)
            shp = [1] * n
            shp[d] = -1

            def cs(start, length, _c=c, _shp=shp):
                return _c.narrow(0, start, length).reshape(_shp)

            h1, h2 = cs(1, size - 2) - cs(0, size - 2), cs(2, size - 2) - cs(1, size - 2)
            mid = (
                h1 * h1 * s(2, size - 2) + (h2 * h2 - h1 * h1) * s(1, size - 2) - h2 * h2 * s(0, size - 2)
            ) / (h1 * h2 * (h1 + h2))
            if edge_order == 1:
                first = (s(1, 1) - s(0, 1)) / (cs(1, 1) - cs(0, 1))
                last = (s(size - 1, 1) - s(size - 2, 1)) / (cs(size - 1, 1) - cs(size - 2, 1))
            else:
                a1, a2 = cs(1, 1) - cs(0, 1), cs(2, 1) - cs(1, 1)
                first = (
                    -(2 * a1 + a2) / (a1 * (a1 + a2)) * s(0, 1)
                    + (a1 + a2) / (a1 * a2) * s(1, 1)
                    - a1 / (a2 * (a1 + a2)) * s(2, 1)
                )
                b1, b2 = cs(size - 2, 1) - cs(size - 3, 1), cs(size - 1, 1) - cs(size - 2, 1)
                last = (
                    b2 / (b1 * (b1 + b2)) * s(size - 3, 1)
                    - (b2 + b1) / (b1 * b2) * s(size - 2, 1)
                    + (2 * b2 + b1) / (b2 * (b1 + b2)) * s(size - 1, 1)
                )
        else:
            h = float(h.item() if isinstance(h, _function.Tensor) else h)
            mid = (s(2, size - 2) - s(0, size - 2)) / (2 * h)
            if edge_order == 1:
                first = (s(1, 1) - s(0, 1)) / h
                last = (s(size - 1, 1) - s(size - 2, 1)) / h
            else:
                first = (-1.5 * s(0, 1) + 2 * s(1, 1) - 0.5 * s(2, 1)) / h
                last = (0.5 * s(size - 3, 1) - 2 * s(size - 2, 1) + 1.5 * s(size - 1, 1)) / h
        outs.append(cat([first, mid, last], d))
    return tuple(outs)


def _trapz_parts(y, x, dx, dim):
    d = _dim(dim, y._data.ndim)
    size = y._data.shape[d]
    avg = (y.narrow(d, 1, max(size - 1, 0)) + y.narrow(d, 0, max(size - 1, 0))) / 2
    if x is not None:
        x = _as_tensor_arg(x)
        if x._data.ndim == 1:
            shp = [1] * y._data.ndim
            shp[d] = -1
            dxs = (x.narrow(0, 1, size - 1) - x.narrow(0, 0, size - 1)).reshape(shp)
        else:
            xd = _dim(dim, x._data.ndim)
            dxs = x.narrow(xd, 1, size - 1) - x.narrow(xd, 0, size - 1)
        return avg * dxs, d
    return avg * (1 if dx is None else dx), d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    if x is not None and dx is not None:
        raise RuntimeError("torch.trapezoid: received both x and dx; only one of them may be given")
    y = y if y._data.dtype.kind in "fV" or x is not None else y
    parts, d = _trapz_parts(y, x, dx, dim)
    return parts.sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    parts, d = _trapz_parts(y, x, dx, dim)
    return parts.cumsum(d)


# ---------------------------------------------------------------- NaN-aware and order statistics


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    x = input
    if x._data.dtype.kind in "fV":
        x = where(x.isnan(), 0.0, x)
    return x.sum(dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    x = input if dtype is None else input.to(dtype)
    if x._data.dtype.kind not in "fV":
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{_dtype.from_numpy_dtype(x._data.dtype).name.capitalize()}"
        )
    keep = ~x.isnan()
    return nansum(x, dim, keepdim) / keep.sum(dim, keepdim).to(x.dtype)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    name = "nanquantile" if ignore_nan else "quantile"
    x = input
    if x._data.dtype.kind not in "fV":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    qt = q if isinstance(q, _function.Tensor) else None
    qv = np.asarray(qt._data if qt is not None else q, dtype=np.float64)
    if qv.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if qt is not None and qt._data.dtype != x._data.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if ((qv < 0) | (qv > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. Got {interpolation}"
        )
    scalar_q = qv.ndim == 0
    qv = qv.reshape(-1)
    if dim is None:
        xs = x.reshape(-1)
        d = 0
    else:
        d = _dim(dim, max(x._data.ndim, 1))
        xs = x if x._data.ndim else x.reshape(1)
    if xs._data.shape[d] == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    xs = xs.movedim(d, -1).sort(-1).values  # NaNs sort last
    n = xs._data.shape[-1]
    nan = np.isnan(xs._data)
    valid = (n - nan.sum(-1, keepdims=True)) if ignore_nan else np.full(xs._data.shape[:-1] + (1,), n)
    pos = qv * (valid - 1).astype(np.float64)  # (..., nq)
    pos = np.maximum(pos, 0)
    if interpolation == "lower":
        pos = np.floor(pos)
    elif interpolation == "higher":
        pos = np.ceil(pos)
    elif interpolation == "nearest":
        pos = np.round(pos)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    frac = pos - lo
    if interpolation == "midpoint":
        frac = np.where(frac > 0, 0.5, 0.0)
    a, b = xs.gather(-1, _const(lo)), xs.gather(-1, _const(hi))
    res = a + (b - a) * _const(frac.astype(x._data.dtype))
    res = where(_const(frac == 0), a, res)  # no NaN from (inf - inf) * 0
    bad = (valid == 0) if ignore_nan else nan.any(-1, keepdims=True)
    if bad.any():
        res = where(_const(np.broadcast_to(bad, res._data.shape)), float("nan"), res)
    res = res.movedim(-1, 0)  # (nq, ...)
    if keepdim:
        if dim is None:
            res = res.reshape(len(qv), *([1] * x._data.ndim))
        else:
            res = res.unsqueeze(d + 1)
    return res[0] if scalar_q else res


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, True)


def aminmax(input, *, dim=None, keepdim=False):
    if dim is None:
        if keepdim:
            return aminmax_type(
                input.amin(tuple(range(input._data.ndim)), True),
                input.amax(tuple(range(input._data.ndim)), True),
            )
        return aminmax_type(input.amin(), input.amax())
    return aminmax_type(input.amin(dim, keepdim), input.amax(dim, keepdim))


def renorm(input, p, dim, maxnorm):
    if input._data.dtype.kind not in "fV":
        raise RuntimeError("renorm: input needs to be a floating point tensor")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = _dim(dim, input._data.ndim)
    others = tuple(i for i in range(input._data.ndim) if i != d)
    norm = input.norm(p, others, True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return input * factor


def dist(input, other, p=2):
    return (input - other).norm(p)


def take_along_dim(input, indices, dim=None):
    idx = indices if isinstance(indices, _function.Tensor) else _as_tensor_arg(indices)
    if idx._data.dtype.kind not in "iu":
        raise RuntimeError(
            f"torch.take_along_dim(): dtype of indices should be int64 but got {idx.dtype.name.capitalize()}"
        )
    if dim is None:
        return input.reshape(-1).gather(0, idx.reshape(-1))
    d = _dim(dim, input._data.ndim)
    if input._data.ndim != idx._data.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{input._data.ndim} dimensions for input, and {idx._data.ndim} dimensions for indices"
        )
    si, sx = list(input._data.shape), list(idx._data.shape)
    si[d] = sx[d] = 1
    b = list(np.broadcast_shapes(tuple(si), tuple(sx)))
    bi, bx = list(b), list(b)
    bi[d], bx[d] = input._data.shape[d], idx._data.shape[d]
    return input.expand(bi).gather(d, _const(np.broadcast_to(idx._data, bx)))


# ---------------------------------------------------------------- scatter_reduce

_REDUCE_UFUNC = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum, "mean": np.add}


def _scatter_index(index, dim):
    """Full coordinates for ``out[..., index[i,j,k], ...]`` (NumPy's ``ufunc.at``)."""
    idx = index._data
    grids = list(np.indices(idx.shape, sparse=True))
    grids[dim] = idx
    return tuple(grids)


class ScatterReduce(Op):
    """out = input with src reduced in at index along dim (sum, prod, mean, amax, amin)."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        ctx.save_for_backward(x, src)
        ctx.args = dim, index, reduce, include_self
        coords = _scatter_index(index, dim)
        sd = src._data[tuple(slice(0, s) for s in index._data.shape)]
        out = x._data.copy()
        count = np.ones(out.shape, dtype=np.int64 if reduce == "mean" else np.int64)
        if not include_self:
            touched = np.zeros(out.shape, bool)
            touched[coords] = True
            fill = {"sum": 0, "mean": 0, "prod": 1}.get(reduce)
            if fill is None:
                fill = -np.inf if reduce == "amax" else np.inf
                if out.dtype.kind in "iu":
                    info = np.iinfo(out.dtype)
                    fill = info.min if reduce == "amax" else info.max
            out[touched] = fill
            count[touched] = 0
        _REDUCE_UFUNC[reduce].at(out, coords, sd)
        if reduce == "mean":
            np.add.at(count, coords, 1)
            c = np.maximum(count, 1)
            out = out / c if out.dtype.kind in "fV" else out // c
            out = out.astype(x._data.dtype)
            ctx.count = c
        ctx.result = out
        return out

    @staticmethod
    def backward(ctx, g):
        x, src = ctx.saved_tensors
        dim, index, reduce, include_self = ctx.args
        out = _const(ctx.result)
        src = (
            src.narrow(dim, 0, index._data.shape[dim])
            if src._data.shape[dim] != index._data.shape[dim]
            else src
        )
        touched = np.zeros(x._data.shape, bool)
        touched[_scatter_index(index, dim)] = True
        t = _const(touched)
        if reduce == "sum":
            gx = g if include_self else where(t, 0.0, g)
            gs = g.gather(dim, index)
        elif reduce == "mean":
            gc = g / _const(ctx.count.astype(x._data.dtype))
            gx = gc if include_self else where(t, 0.0, g)
            gs = gc.gather(dim, index)
        elif reduce == "prod":
            # d out / d member = the product of the other members of its group, zeros included:
            # from the group's count of zeros and product of its nonzero members (as torch)
            coords = _scatter_index(index, dim)
            xd, sd = x._data, src._data
            zeros = np.where(xd == 0, 1, 0) if include_self else np.zeros(xd.shape, np.int64)
            nz = np.where(xd == 0, 1, xd) if include_self else np.ones_like(xd)
            np.add.at(zeros, coords, (sd == 0).astype(np.int64))
            np.multiply.at(nz, coords, np.where(sd == 0, 1, sd))

            def others(v, z, p):
                safe = np.where(v == 0, 1, v)
                return np.where(z == 0, p / safe, np.where((z == 1) & (v == 0), p, 0)).astype(v.dtype)

            cx = _const(others(xd, zeros, nz))
            cs = _const(others(sd, zeros[coords], nz[coords]))
            gx = g * cx if include_self else where(t, 0.0, g)
            gs = g.gather(dim, index) * cs
        else:  # amax / amin: the grad is shared evenly among the values equal to the result
            ox = out.gather(dim, index)
            hit_s = (src == ox).to(g.dtype)
            hit_x = (x == out).to(g.dtype) if include_self else _zeros(x._data.shape, g)
            n = hit_x.scatter_add(dim, index, hit_s)
            gx = g * hit_x / n if include_self else where(t, 0.0, g)
            gs = (g / n).gather(dim, index) * hit_s
        if src._data.shape != ctx.saved_tensors[1]._data.shape:
            full = ctx.saved_tensors[1]
            pad = [(0, f - s) for f, s in zip(full._data.shape, gs._data.shape)]
            gs = _pad_zeros(gs, pad)
        return gx, None, None, gs, None, None


def _pad_zeros(t, pad):
    for d, (_, after) in enumerate(pad):
        if after:
            shape = list(t._data.shape)
            shape[d] = after
            t = cat([t, _zeros(tuple(shape), t)], d)
    return t


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    d = _dim(dim, input._data.ndim)
    if index._data.dtype != np.int64:
        raise RuntimeError("scatter_reduce(): Expected dtype int64 for index")
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    if index._data.ndim != input._data.ndim or index._data.ndim != src._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    n = input._data.shape[d]
    if index._data.size and (index._data.min() < -n or index._data.max() >= n):
        raise RuntimeError(f"index {int(index._data.max())} is out of bounds for dimension {d} with size {n}")
    if index._data.size and index._data.min() < 0:
        index = _const(index._data % n)
    return ScatterReduce.apply(input, d, index, src, reduce, include_self)


# ---------------------------------------------------------------- statistics of rows


def _powers(x, n, increasing=True):
    """[x^0, x^1, ..., x^(n-1)] along a new last dim (x^0 as ones, so no 0 * inf in the grad)."""
    col = x.unsqueeze(-1)
    cols = [col * 0 + 1 if i == 0 else col if i == 1 else col**i for i in range(n)]
    if not increasing:
        cols = cols[::-1]
    return cat(cols, -1) if cols else col[..., :0]


def vander(x, N=None, increasing=False):
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.long()
    return _powers(x, n, increasing)


def cov(input, *, correction=1, fweights=None, aweights=None):
    x = input
    if x._data.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input with {x._data.ndim} dimensions"
        )
    if x._data.ndim < 2:
        x = x.reshape(1, -1)
    if x._data.dtype.kind not in "fV":
        x = x.to(_dtype.default_float)
    n = x._data.shape[1]
    w = None
    if fweights is not None:
        w = fweights.to(x.dtype)
    if aweights is not None:
        w = aweights.to(x.dtype) if w is None else w * aweights.to(x.dtype)
    if w is None:
        avg = x.mean(1, keepdim=True)
        norm = n - correction
    else:
        wsum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / wsum
        if aweights is None or correction == 0:
            norm = wsum - correction
        else:
            norm = wsum - correction * (w * aweights.to(x.dtype)).sum() / wsum
    xc = x - avg
    xw = xc if w is None else xc * w
    c = (xw @ xc.mT) / norm
    return c.squeeze() if input._data.ndim < 2 else c


def corrcoef(input):
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    d = c.diagonal()
    sd = d.sqrt()
    c = c / sd.unsqueeze(1) / sd.unsqueeze(0)
    return c.clamp(-1, 1)
