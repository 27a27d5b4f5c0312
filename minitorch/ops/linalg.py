"""Matrix products. One op for all of 1-D, 2-D and batched (broadcast batch dims)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op


class MatMul(Op):
    """a @ b: d/da = g @ b^T, d/db = a^T @ g (1-D operands are promoted, then squeezed back)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a._data, b._data)

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


class Mm(MatMul):
    _node_name = "MmBackward0"


class Mv(MatMul):
    _node_name = "MvBackward0"


class Dot(MatMul):
    _node_name = "DotBackward0"


class Bmm(MatMul):
    _node_name = "BmmBackward0"


def matmul(a, b):
    """Pick the node name torch would show; the math is the same op."""
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
        sa = "x".join(map(str, a._data.shape if na > 1 else (1,) + a._data.shape))
        sb = "x".join(map(str, b._data.shape if nb > 1 else b._data.shape + (1,)))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")
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
