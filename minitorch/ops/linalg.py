"""Matrix products. One op for all of 1-D, 2-D and batched (broadcast batch dims)."""

from __future__ import annotations

import string

import numpy as np

from .. import _autocast_state
from .._arguments import _as_tensor_arg
from ..autograd.function import Op
from .arithmetic import _const
from .shape import Copy, Diagonal


class MatMul(Op):
    """a @ b: d/da = g @ b^T, d/db = a^T @ g (1-D operands are promoted, then squeezed back)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = np.matmul(a._data, b._data)
        # NOTE: ml_dtypes' bfloat16 matmul answers in float32; torch rounds back to bfloat16
        return out if out.dtype == a._data.dtype else out.astype(a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a1, b1 = a._data.ndim == 1, b._data.ndim == 1
        # NOTE: b first, so 1-D @ 1-D (a 0-d g) becomes (1, 1); promoted dims are squeezed back
        if b1:
            b = b.reshape(b.shape + (1,))
            g = g.unsqueeze(-1)
        if a1:
            a = a.reshape((1,) + a.shape)
            g = g.unsqueeze(-2)
        ga = g @ b.transpose(-1, -2) if ctx.needs_input_grad[0] else None
        gb = a.transpose(-1, -2) @ g if ctx.needs_input_grad[1] else None
        if a1 and ga is not None:
            ga = ga.squeeze(-2)
        if b1 and gb is not None:
            gb = gb.squeeze(-1)
        return ga, gb

    @staticmethod
    def backward_np(ctx, g):
        """``backward`` on arrays for N-D @ N-D (N >= 2; the engine sums broadcast batch dims)."""
        a, b = ctx.saved_tensors
        ad, bd = a._data, b._data
        if ad.ndim < 2 or bd.ndim < 2:
            return NotImplemented  # 1-D operands: the engine runs ``backward``
        need = ctx.needs_input_grad
        ga = np.matmul(g, np.swapaxes(bd, -1, -2)) if need[0] else None
        gb = np.matmul(np.swapaxes(ad, -1, -2), g) if need[1] else None
        return ga, gb


class Mm(MatMul):
    _node_name = "MmBackward0"


class Mv(MatMul):
    _node_name = "MvBackward0"


class Dot(MatMul):
    _node_name = "DotBackward0"


class Bmm(MatMul):
    _node_name = "BmmBackward0"


def _matmul_error(sa: tuple, sb: tuple) -> RuntimeError:
    """torch's message for each matmul form whose inner sizes differ."""
    if len(sa) == 1 and len(sb) == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same number "
            f"of elements, but got {sa[0]} and {sb[0]} elements respectively"
        )
    if len(sa) == 2 and len(sb) == 1:
        return RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({sb[0]})")
    if len(sb) == 2 and len(sa) >= 2:  # (..., n, k) @ (k', m): torch folds the batch into the rows
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(sa[:-1]))}x{sa[-1]} and {sb[0]}x{sb[1]})"
        )
    ra = "x".join(map(str, sa if len(sa) > 1 else (1,) + sa))
    rb = "x".join(map(str, sb if len(sb) > 1 else sb + (1,)))
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({ra} and {rb})")


def matmul(a, b):
    """Pick the node name torch would show; the math is the same op."""
    if _autocast_state.cpu[0]:
        a, b = _autocast_state.lower(a, b)
    na, nb = a._data.ndim, b._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if a._data.dtype != b._data.dtype:  # torch does not promote inside matmul
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype} "
            "(convert one of them with .to(dtype))"
        )
    ka = a._data.shape[-1]
    kb = b._data.shape[-2] if nb > 1 else b._data.shape[0]
    if ka != kb:
        raise _matmul_error(a._data.shape, b._data.shape)
    op = (
        Mm
        if na == 2 and nb == 2
        else Mv
        if na == 2 and nb == 1
        else Dot
        if na == nb == 1
        else Bmm
        if na == nb == 3
        else MatMul
    )
    return op.apply(a, b)


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
            consts.append(_const(np.eye(size[c], dtype=dtype)))
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
        consts.append(_const(np.ones([size[c] for c in lonely], dtype)))
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


def trace(x):
    if x._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x._data.ndim}")
    return Diagonal.apply(x, 0, 0, 1).sum()


def outer(x, vec2):
    vec2 = _as_tensor_arg(vec2)
    for name, v in (("self", x), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    return x.unsqueeze(1) * vec2


def einsum(equation: str, *operands):
    """Sum of products over the subscripts in ``equation`` (torch's syntax, ``...`` included), e.g.
    ``einsum('bij,bjk->bik', a, b)`` is a batched matmul. Differentiable in every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [_as_tensor_arg(o) for o in operands]
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


def kron(x, other):
    """The Kronecker product: every element of ``x`` times the whole of ``other``."""
    other = _as_tensor_arg(other)
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
        return prod + Copy.apply(x, 0) if x.requires_grad else prod
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


def cdist(x1, x2, p: float = 2.0, compute_mode=None):
    """The p-norm distance between each row of ``x1`` [.., P, M] and each row of ``x2`` [.., R, M]."""
    x1, x2 = _as_tensor_arg(x1), _as_tensor_arg(x2)
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x._data.ndim}D")
        if x._data.dtype.kind not in "fV":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {x.dtype}")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} X2: {x2._data.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p, dim=-1)
