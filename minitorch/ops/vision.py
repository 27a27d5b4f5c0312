"""Ops for ``nn.functional``'s vision and pooling extras whose torch semantics a composition of
existing ops cannot give: ``MaxUnpool`` writes (the last of repeated indices wins, as torch's
loop) where ``index_add`` would sum, and its backward gathers the grad at every index."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op


class MaxUnpool(Op):
    """(P, L) values into (P, S) zero planes at (P, L) flat indices; torch's grad_fn name."""

    _node_name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, idx, plane):
        ctx.idx = idx
        p = x._data.shape[0]
        out = np.zeros((p, plane), x._data.dtype)
        rows = np.broadcast_to(np.arange(p)[:, None], idx.shape)
        out[rows, idx] = x._data  # NumPy assigns in order: the last of repeated indices wins
        return out

    @staticmethod
    def backward(ctx, g):
        from ..tensor import Tensor

        return g.gather(1, Tensor._make(ctx.idx, False, None)), None, None
