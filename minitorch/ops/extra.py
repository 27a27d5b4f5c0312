"""More ops that PyTorch scripts use: index selection and scattering, triangles and diagonals,
``einsum``, more elementwise math, order statistics (median, kthvalue, mode) and helpers with no
gradient (nonzero, unique, bincount, ...).

The ``Op`` classes come first, one per primitive; after them, the functions that check
arguments the way torch does and call the ops (``Tensor``'s methods are one-liners calling them).
Every backward is written with Tensor ops, so gradients of gradients work.
"""

from __future__ import annotations

import math
import string
import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from ..autograd import function as _function
from ..autograd.function import Op
from . import elementwise as E
from . import movement as M
from . import reduce as R
from .nn import Erf

_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _t(arr) -> _function.Tensor:
    """An ndarray as a constant tensor (no grad)."""
    return _function.Tensor._make(np.asarray(arr), False, None)


def _d(x):
    """The ndarray of a tensor, or anything else as is."""
    return x._data if hasattr(x, "_vc") else x


def _full_index(idx: np.ndarray, dim: int) -> tuple:
    """The NumPy index reaching ``x[i_0, ..., idx[i], ..., i_n]`` for every position ``i`` of ``idx``."""
    full = list(np.indices(idx.shape, sparse=True))
    full[dim] = idx
    return tuple(full)


def _lead(shape) -> tuple:
    """The slices taking the leading ``shape`` block of a (possibly bigger) array."""
    return tuple(slice(0, n) for n in shape)


def _diag_view(x: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """``np.diagonal(x, offset, d1, d2)`` as a view that can be written to when ``x`` can."""
    d = np.diagonal(x, offset, d1, d2)
    start = [slice(None)] * x.ndim
    if offset >= 0:
        start[d2] = slice(min(offset, x.shape[d2]), None)
    else:
        start[d1] = slice(min(-offset, x.shape[d1]), None)
    return as_strided(x[tuple(start)], d.shape, d.strides, writeable=True)


# ---------------------------------------------------------------- indexing


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


class MaskedSelect(M.Index):
    """a[mask] (1-D): the grad is written back where the mask is True"""

    _node_name = "MaskedSelectBackward0"


class Take(M.Index):
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
            ga = g * _t(keep)
        if ctx.needs_input_grad[3]:
            gs = _grad_to_src(M.Gather.apply(g, ctx.dim, ctx.idx), ctx.src_shape)
        return ga, None, None, gs


class ScatterValue(Scatter):
    """scatter of a number (torch's node for this overload is ScatterBackward1)"""

    _node_name = "ScatterBackward1"


def _grad_to_src(gs, src_shape):
    """A grad shaped like the index, padded with zeros to the (bigger) source it was read from."""
    if gs._data.shape == src_shape:
        return gs
    return M.IndexAddZeros.apply(gs, _lead(gs._data.shape), src_shape)


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
            _grad_to_src(M.Gather.apply(g, ctx.dim, ctx.idx), ctx.src_shape)
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


class IndexFill(M.IndexPut):
    """a with value written at index along dim: d/da = 1 elsewhere, d/dvalue = sum of g at index"""

    _node_name = "IndexFillBackward0"


class IndexFillTensor(IndexFill):
    """index_fill with a 0-d tensor value (torch's node for this overload is IndexFillBackward1)"""

    _node_name = "IndexFillBackward1"


class NanToNum(Op):
    """nan_to_num(a): d/da = 1 where a is finite, else 0"""

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.finite = np.isfinite(a._data)
        return np.nan_to_num(a._data, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        return E.Where.apply(_t(ctx.finite), g, 0.0), None, None, None


# ---------------------------------------------------------------- shape: roll, triangles, diagonals


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


class Diagonal(M.ViewOp):
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


# ---------------------------------------------------------------- einsum


class Einsum(Op):
    """einsum(eq, *ops): d/d(op i) = einsum of the grad with the other operands (an explicit equation
    without ellipsis; see ``_einsum_grad_eq``)"""

    @staticmethod
    def forward(ctx, eq, *ops):
        ctx.eq = eq
        ctx.save_for_backward(*ops)
        return np.einsum(eq, *[o._data for o in ops], optimize=len(ops) > 1)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        ins, out = ctx.eq.split("->")
        ins = ins.split(",")
        grads = [None]
        for i, need in enumerate(ctx.needs_input_grad[1:]):
            if not need:
                grads.append(None)
                continue
            shapes = [g._data.shape] + [o._data.shape for o in ops]
            eq, consts = _einsum_grad_eq(ins, out, i, shapes, g._data.dtype)
            others = [o for j, o in enumerate(ops) if j != i]
            grads.append(Einsum.apply(eq, g, *others, *consts))
        return tuple(grads)


def _einsum_grad_eq(ins, out, i, shapes, dtype):
    """The equation (and constant operands) giving the grad of operand ``i`` from the output grad
    (``shapes``: the grad's, then every operand's).

    ``out, others -> ins[i]`` works when each letter of operand ``i`` appears once and somewhere
    else; a repeated letter (a diagonal, ``ii``) is renamed in the result and tied to the original
    by an identity matrix, and a letter summed away in operand ``i`` alone (or of size 1 everywhere
    else) gets ones of its size."""
    sub = ins[i]
    size = dict(zip(sub, shapes[i + 1]))
    size_elsewhere = {}
    for j, (s, shp) in enumerate(zip([out] + ins, shapes)):
        if j != i + 1:
            for c, n in zip(s, shp):
                size_elsewhere[c] = max(n, size_elsewhere.get(c, 0))
    free = iter(c for c in string.ascii_letters if c not in "".join(ins) + out)
    res, seen, consts, subs = [], set(), [], []
    for c in sub:
        if c in seen:
            new = next(free)
            consts.append(_t(np.eye(size[c], dtype=dtype)))
            subs.append(c + new)
            res.append(new)
        else:
            seen.add(c)
            res.append(c)
    lonely = [
        c
        for c in seen
        if (c not in size_elsewhere or size_elsewhere[c] < size[c]) and not any(c in s for s in subs)
    ]
    if lonely:
        consts.append(_t(np.ones([size[c] for c in lonely], dtype)))
        subs.append("".join(lonely))
    return ",".join([out] + ins[:i] + ins[i + 1 :] + subs) + "->" + "".join(res), consts


def _einsum_equation(eq: str, shapes) -> str:
    """torch's einsum equation as an explicit one without spaces or ellipsis (NumPy broadcasts
    size-1 dims of a letter, so the ellipsis dims become letters of their own)."""
    eq = eq.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        more = "more" if len(shapes) > len(ins) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation")
    for k, (sub, shp) in enumerate(zip(ins, shapes)):
        n = len(sub.replace("...", ""))
        if ("..." not in sub and n != len(shp)) or n > len(shp):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n}) does not match the number of "
                f"dimensions ({len(shp)}) for operand {k}"
                + ("" if "..." in sub else " and no ellipsis was given")
            )
        if not all(c in string.ascii_letters for c in sub.replace("...", "")):
            raise RuntimeError(f"einsum(): invalid subscript given in the equation for operand {k}: {sub!r}")
    if not arrow:
        letters = "".join(ins).replace("...", "")
        out = ("..." if "..." in lhs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1)
        )
    n_ell = max([len(s) - len(sub.replace("...", "")) for sub, s in zip(ins, shapes) if "..." in sub] or [0])
    free = [c for c in string.ascii_letters if c not in eq][:n_ell]
    ins = [
        sub.replace("...", "".join(free[n_ell - (len(s) - len(sub) + 3) :])) if "..." in sub else sub
        for sub, s in zip(ins, shapes)
    ]
    return ",".join(ins) + "->" + out.replace("...", "".join(free))


# ---------------------------------------------------------------- elementwise math


class Tan(Op):
    """t = tan(a): d/da = 1 + t^2"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.tan(a._data)

    @staticmethod
    def backward(ctx, g):
        t = ctx.output
        return g * (1 + t * t)


class Asin(Op):
    """asin(a): d/da = 1 / sqrt(1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arcsin(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 - a * a).sqrt()


class Acos(Op):
    """acos(a): d/da = -1 / sqrt(1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arccos(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g / (1 - a * a).sqrt()


class Atan(Op):
    """atan(a): d/da = 1 / (1 + a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 + a * a)


class Sinh(Op):
    """sinh(a): d/da = cosh(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Cosh.apply(a)


class Cosh(Op):
    """cosh(a): d/da = sinh(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cosh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Sinh.apply(a)


class Asinh(Op):
    """asinh(a): d/da = 1 / sqrt(a^2 + 1)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * a + 1).sqrt()


class Acosh(Op):
    """acosh(a): d/da = 1 / sqrt(a^2 - 1)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arccosh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * a - 1).sqrt()


class Atanh(Op):
    """atanh(a): d/da = 1 / (1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.arctanh(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 - a * a)


class Log2(Op):
    """log2(a): d/da = 1 / (a ln 2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN2)


class Log10(Op):
    """log10(a): d/da = 1 / (a ln 10)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN10)


class Exp2(Op):
    """2^a: d/da = 2^a ln 2"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.exp2(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.output * _LN2


class Logit(Op):
    """log(a / (1 - a)) of a clamped to [eps, 1 - eps]: d/da = 1 / (a (1 - a)); 0 outside the clamp
    range (nan outside [0, 1] without eps), as torch"""

    @staticmethod
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps
        x = a._data if eps is None else np.clip(a._data, eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        x, eps = a._data, ctx.eps
        grad = g / (a * (1 - a))
        if eps is None:
            out = (x < 0) | (x > 1)
            return (E.Where.apply(_t(out), float("nan"), grad) if out.any() else grad), None
        out = (x < eps) | (x > 1 - eps)
        return (E.Where.apply(_t(out), 0.0, grad) if out.any() else grad), None


class Atan2(Op):
    """atan2(a, b): d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2) (0 at a = b = 0, as torch)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        zero = r2._data == 0
        if zero.any():
            r2 = E.Where.apply(_t(zero), float("inf"), r2)
        ga = g * b / r2 if ctx.needs_input_grad[0] else None
        gb = -g * a / r2 if ctx.needs_input_grad[1] else None
        return ga, gb


class Hypot(Op):
    """h = sqrt(a^2 + b^2): d/da = a / h, d/db = b / h"""

    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.hypot(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gh = g / ctx.output
        return (gh * a if ctx.needs_input_grad[0] else None), (gh * b if ctx.needs_input_grad[1] else None)


class LogAddExp(Op):
    """l = log(exp(a) + exp(b)): d/da = exp(a - l), d/db = exp(b - l)"""

    _node_name = "LogaddexpBackward0"

    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return np.logaddexp(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        out = ctx.output
        ga = g * (a - out).exp() if ctx.needs_input_grad[0] else None
        gb = g * (b - out).exp() if ctx.needs_input_grad[1] else None
        return ga, gb


class LogAddExp2(Op):
    """l = log2(2^a + 2^b): d/da = 2^(a - l), d/db = 2^(b - l)"""

    _node_name = "Logaddexp2Backward0"

    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return np.logaddexp2(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        out = ctx.output
        ga = g * Exp2.apply(a - out) if ctx.needs_input_grad[0] else None
        gb = g * Exp2.apply(b - out) if ctx.needs_input_grad[1] else None
        return ga, gb


def _int_mod(fn, a, b):
    if a.dtype.kind in "iu" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")
    return fn(a, b)


class Fmod(Op):
    """a - trunc(a / b) b: d/da = 1, d/db = -trunc(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        grad_b = hasattr(b, "_vc") and b._rg  # save only what backward needs (see Mul)
        ctx.save_for_backward(a if grad_b else None, b if grad_b else None)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _int_mod(np.fmod, a._data, _d(b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = -g * (a / b).trunc() if ctx.needs_input_grad[1] else None
        return g, gb


class Remainder(Op):
    """a - floor(a / b) b (Python's %): d/da = 1, d/db = -floor(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        grad_b = hasattr(b, "_vc") and b._rg  # save only what backward needs (see Mul)
        ctx.save_for_backward(a if grad_b else None, b if grad_b else None)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _int_mod(np.remainder, a._data, _d(b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = -g * (a / b).floor() if ctx.needs_input_grad[1] else None
        return g, gb


class FmodTensor(Fmod):
    """fmod by a tensor (torch's node for this overload is FmodBackward1)"""

    _node_name = "FmodBackward1"


class RemainderTensor(Remainder):
    """remainder by a tensor (torch's node for this overload is RemainderBackward1)"""

    _node_name = "RemainderBackward1"


class CumProd(Op):
    """cumprod(a, dim): d/da_k = sum over j >= k of g_j * prod over i <= j, i != k of a_i"""

    _node_name = "CumprodBackward0"

    save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.save_for_backward(a)
        ctx.dim = dim
        return np.cumprod(a._data, axis=dim)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = ctx.dim
        if a._data.size == 0:
            return g, None
        if not (a._data == 0).any():  # the product up to j divided by a_k
            return (g * ctx.output).flip(d).cumsum(d).flip(d) / a, None
        # NOTE: with zeros, build every "product without a_k" explicitly: O(n^2) but exact
        x, gm = a.movedim(d, -1), g.movedim(d, -1)
        n = x._data.shape[-1]
        eye = _t(np.eye(n, dtype=bool))
        without_k = E.Where.apply(eye, 1.0, x.unsqueeze(-2)).cumprod(-1)  # [..., k, j]
        grad = (without_k.triu() * gm.unsqueeze(-2)).sum(-1)
        return grad.movedim(-1, d), None


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
        mask = (a == ctx.output).to(g.dtype)
        return g * mask / mask.sum()


class MedianDim(R.MaxDim):
    """median(a, dim).values: the grad goes to the position of each median"""

    _node_name = "MedianBackward1"
    _label = "median"


class KthvalueDim(R.MaxDim):
    """kthvalue(a, k, dim).values: the grad goes to the position of each k-th smallest value"""

    _node_name = "KthvalueBackward0"
    _label = "kthvalue"


class ModeDim(R.MaxDim):
    """mode(a, dim).values: the grad goes to the position given in indices"""

    _node_name = "ModeBackward0"
    _label = "mode"


# ================================================================ argument checks + op calls
# (``Tensor``'s methods call these; ``x`` is always a Tensor.)


def _fl(x):
    return x if x._data.dtype.kind == "f" else x.to(_dtype.default_float)


def _tensor(x):
    Tensor = _function.Tensor
    if isinstance(x, Tensor):
        return x
    from ..tensor import _to_array

    return Tensor._make(_to_array(x), False, None)


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


def _dim(x, dim) -> int:
    return R.norm_dims(dim, x._data.ndim)[0] if x._data.ndim else R.norm_dims(dim, 1)[0]


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
        src = src if src is not None else _t(np.full(idx.shape, value, x._data.dtype))
        return ScatterAdd.apply(x, d, idx, src)
    if reduce == "multiply":
        return ScatterMultiply.apply(x, d, idx, src if src is not None else _d(value))
    if src is None:
        return ScatterValue.apply(x, d, idx, _d(value))
    return Scatter.apply(x, d, idx, src)


def scatter_add(x, dim, index, src):
    """``x`` with ``src[i]`` added at ``index[i]`` along ``dim`` (repeated indices accumulate)."""
    src = _tensor(src)
    d, idx = _scatter_index(x, dim, index, src, "scatter_add")
    return ScatterAdd.apply(x, d, idx, src)


def index_add(x, dim, index, source, alpha=1):
    """``x`` with ``alpha * source[..., i, ...]`` added at ``x[..., index[i], ...]`` along ``dim``."""
    source = _tensor(source)
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
        return _t(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
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
        return tuple(_t(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(a)))
    return _t(np.argwhere(a).astype(np.int64))


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
    d1, d2 = R.norm_dims(dim1, x._data.ndim)[0], R.norm_dims(dim2, x._data.ndim)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(x, int(offset), d1, d2)


def diag_embed(x, offset=0, dim1=-2, dim2=-1):
    """Matrices (in dims ``dim1``, ``dim2``) whose ``offset`` diagonal is the last dim of ``x``."""
    nd = x._data.ndim + 1
    d1, d2 = R.norm_dims(dim1, nd)[0], R.norm_dims(dim2, nd)[0]
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


def trace(x):
    if x._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x._data.ndim}")
    return Diagonal.apply(x, 0, 0, 1).sum()


def outer(x, vec2):
    vec2 = _tensor(vec2)
    for name, v in (("self", x), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    return x.unsqueeze(1) * vec2


def einsum(equation: str, *operands):
    """Sum of products over the subscripts in ``equation`` (torch's syntax, ``...`` included), e.g.
    ``einsum('bij,bjk->bik', a, b)`` is a batched matmul. Differentiable in every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [_tensor(o) for o in operands]
    for o in ops[1:]:
        if o._data.dtype != ops[0]._data.dtype:
            raise RuntimeError(
                f"einsum(): expected all operands to have the same dtype, got {ops[0].dtype} and {o.dtype}"
            )
    eq = _einsum_equation(equation, [o._data.shape for o in ops])
    try:
        return Einsum.apply(eq, *ops)
    except ValueError as e:
        raise RuntimeError(f"einsum(): {e} (equation {equation!r})") from None


def cumprod(x, dim, dtype=None):
    x = x if dtype is None else x.to(dtype)
    if x._data.dtype.kind != "f" and x._data.dtype != np.int64:
        x = x.long()  # torch multiplies integers and bools as int64
    if x._data.ndim == 0:
        return CumProd.apply(x.reshape(1), _dim(x, dim)).reshape(())
    return CumProd.apply(x, _dim(x, dim))


def _binary(op, x, other):
    """A float binary op with torch's type promotion (integers become the default float)."""
    from ..tensor import _promote, _wrap_like

    a, b = _promote(x, other, true_div=True)
    return op.apply(a, _wrap_like(b, a))


def fmod(x, other, ops=(Fmod, FmodTensor)):
    from ..tensor import _promote

    a, b = _promote(x, other)
    return ops[hasattr(b, "_vc")].apply(a, b)


def remainder(x, other):
    return fmod(x, other, (Remainder, RemainderTensor))


def erf(x):
    return Erf.apply(_fl(x))


def logit(x, eps=None):
    return Logit.apply(_fl(x), eps)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf``, ``neginf`` (defaults: 0, the dtype's max, min)."""
    if x._data.dtype.kind != "f":
        return x.clone()
    return NanToNum.apply(x, nan, posinf, neginf)


def _order_stat(x, dim, keepdim, pick, op, name):
    """values and indices of the element at sorted position ``pick(n)`` along ``dim``."""
    from .. import return_types

    d = _dim(x, dim)
    a = x._data if x._data.ndim else x._data.reshape(1)
    n = a.shape[d]
    if n == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(a, axis=d, kind="stable")
    idx = np.take(order, [pick(n)], axis=d)
    has_nan = np.isnan(a).any(axis=d, keepdims=True) if a.dtype.kind == "f" else None
    if has_nan is not None and has_nan.any():  # NaN is the median of a row holding one, as torch
        idx = np.where(has_nan, np.expand_dims(np.argmax(np.isnan(a), axis=d), d), idx)
    if not x._data.ndim:
        idx = idx.reshape(())
    values = op.apply(x, d, idx, keepdim)
    if x._data.ndim and not keepdim:
        idx = np.squeeze(idx, d)
    return getattr(return_types, name)(values, _t(idx.astype(np.int64)))


def median(x, dim=None, keepdim=False):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``."""
    if dim is None:
        return MedianAll.apply(x)
    return _order_stat(x, dim, keepdim, lambda n: (n - 1) // 2, MedianDim, "median")


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
    from .. import return_types

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
    return return_types.mode(values, _t(idx.astype(np.int64)))


def count_nonzero(x, dim=None):
    axes = None if dim is None else R.norm_dims(dim, x._data.ndim)
    return _t(np.asarray(np.count_nonzero(x._data, axis=axes), dtype=np.int64))


def isclose(x, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|x - other| <= atol + rtol * |other|`` elementwise (no grad)."""
    if hasattr(other, "_vc") and other._data.dtype != x._data.dtype:
        raise RuntimeError(
            f"isclose: {other.dtype.name.capitalize()} did not match {x.dtype.name.capitalize()} "
            "(convert one with .to(dtype))"
        )
    return _t(np.isclose(x._data, _d(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def bincount(x, weights=None, minlength=0):
    """How often each value 0, 1, ... occurs in the 1-D non-negative integer ``x`` (or the sum of ``weights``)."""
    a = x._data
    if a.dtype.kind == "f":
        raise NotImplementedError(f'"bincount_cpu" not implemented for {x.dtype.name.capitalize()!r}')
    if a.ndim != 1 or (a.size and a.min() < 0) or a.dtype.kind not in "iub":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _t(np.bincount(a, minlength=minlength).astype(np.int64))
    w = _d(weights)
    w = np.asarray(w)
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out = np.bincount(a, weights=w, minlength=minlength)
    return _t(out.astype(w.dtype if w.dtype.kind == "f" else np.float64))


def unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted) of ``x``, or distinct slices along ``dim``; optionally the index
    of each element's value in them and how often each occurs (no grad)."""
    a = x._data
    if dim is not None:
        dim = _dim(x, dim)
    vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=dim)
    inv = inv.reshape(a.shape if dim is None else (-1,)).astype(np.int64)
    out = [_t(vals)]
    if return_inverse:
        out.append(_t(inv))
    if return_counts:
        out.append(_t(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    """Like ``unique`` but only merges runs of equal neighbours, keeping their order (no grad)."""
    a = x._data.reshape(-1) if dim is None else x._data
    d = 0 if dim is None else _dim(x, dim)
    n = a.shape[d] if a.ndim else 1
    rows = np.moveaxis(a, d, 0).reshape(n, a.size // n if n else 0) if a.ndim else a.reshape(1, 1)
    keep = np.concatenate([np.ones(min(n, 1), bool), (rows[1:] != rows[:-1]).any(axis=1)])
    out = [_t(np.take(a, np.flatnonzero(keep), axis=d) if a.ndim else a.copy())]
    if return_inverse:
        out.append(
            _t((np.cumsum(keep) - 1).reshape(x._data.shape if dim is None else (-1,)).astype(np.int64))
        )
    if return_counts:
        out.append(_t(np.diff(np.append(np.flatnonzero(keep), n)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


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
    src_n = [R.norm_dims(s, nd)[0] if nd else R.norm_dims(s, 1)[0] for s in src]
    dst_n = [R.norm_dims(s, nd)[0] if nd else R.norm_dims(s, 1)[0] for s in dst]
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


def kron(x, other):
    """The Kronecker product: every element of ``x`` times the whole of ``other``."""
    other = _tensor(other)
    nd = max(x._data.ndim, other._data.ndim)
    sa = (1,) * (nd - x._data.ndim) + x._data.shape
    sb = (1,) * (nd - other._data.ndim) + other._data.shape
    a = x.reshape([n for s in sa for n in (s, 1)])
    b = other.reshape([n for s in sb for n in (1, s)])
    return (a * b).reshape([p * q for p, q in zip(sa, sb)])


def _add_product(x, prod, beta, alpha, name):
    """``beta * x + alpha * prod`` (``x`` broadcast to prod's shape; ignored when beta is 0), as addmm."""
    try:
        shape = np.broadcast_shapes(x._data.shape, prod._data.shape)
    except ValueError:
        shape = None
    if shape != prod._data.shape:
        raise RuntimeError(
            f"{name}: the input of shape {list(x._data.shape)} cannot be broadcast to the product's shape "
            f"{list(prod._data.shape)}"
        )
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:  # NOTE: x is ignored (its NaNs too), but still gets a zero grad, as torch
        return prod + M.Copy.apply(x, 0) if x.requires_grad else prod
    return (x if beta == 1 else x * beta) + prod


def addmm(x, mat1, mat2, beta=1, alpha=1):
    return _add_product(x, mat1.mm(mat2), beta, alpha, "addmm")


def addmv(x, mat, vec, beta=1, alpha=1):
    return _add_product(x, mat.mv(vec), beta, alpha, "addmv")


def addbmm(x, batch1, batch2, beta=1, alpha=1):
    return _add_product(x, batch1.bmm(batch2).sum(0), beta, alpha, "addbmm")


def baddbmm(x, batch1, batch2, beta=1, alpha=1):
    return _add_product(x, batch1.bmm(batch2), beta, alpha, "baddbmm")


def addr(x, vec1, vec2, beta=1, alpha=1):
    return _add_product(x, outer(vec1, vec2), beta, alpha, "addr")


def fill_diagonal_mask(x, wrap):
    """The bool mask of the main diagonal that ``fill_diagonal_`` writes (tall matrices may wrap)."""
    shp = x._data.shape
    if len(shp) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shp) > 2 and len(set(shp)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shp, bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    return _t(mask)


class memory_format:
    """The layouts torch's ``clone``/``contiguous`` accept; minitorch's arrays are always C-ordered."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"minitorch.{self._name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")


def new(x, shape, fill, dtype, requires_grad):
    """``x.new_full(shape, fill)``: a new tensor of ``x``'s dtype unless ``dtype`` is given."""
    from ..tensor import _shape_arg

    t = _t(np.full(_shape_arg(shape), fill, x._data.dtype if dtype is None else _dtype.to_np(dtype)))
    if requires_grad:
        t.requires_grad = True
    return t


def new_tensor(x, data, dtype=None, requires_grad=False):
    from ..tensor import tensor

    return tensor(data, dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad)


# ---------------------------------------------------------------- torch.* functions with no Tensor method


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
    ts = [_tensor(t) for t in tensors]
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
        return _tensor(tensors[0])
    from ..tensor import stack

    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], dim=1)


def cdist(x1, x2, p: float = 2.0, compute_mode=None):
    """The p-norm distance between each row of ``x1`` [.., P, M] and each row of ``x2`` [.., R, M]."""
    x1, x2 = _tensor(x1), _tensor(x2)
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x._data.ndim}D")
        if x._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {x.dtype}")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} X2: {x2._data.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p, dim=-1)


def _var_mean(x, kind, dim=None, unbiased=None, keepdim=False, *, correction=None):
    x = _tensor(x)
    spread = getattr(x, kind)(dim, unbiased, keepdim, correction=correction)
    mean_dim = None if dim is None or isinstance(dim, bool) else dim
    return spread, x.mean(mean_dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(input.std(...), input.mean(...))`` over the same dims."""
    return _var_mean(input, "std", dim, unbiased, keepdim, correction=correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(input.var(...), input.mean(...))`` over the same dims."""
    return _var_mean(input, "var", dim, unbiased, keepdim, correction=correction)
