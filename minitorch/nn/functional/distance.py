"""Distances between batches of vectors, as ``torch.nn.functional``: ``cosine_similarity``,
``pairwise_distance`` and ``pdist``, composed from differentiable tensor ops."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ._arguments import _as_t


def _broadcast(x1: Tensor, x2: Tensor):
    a, b = x1._data.shape, x2._data.shape
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        nd = max(len(a), len(b))
        a1, b1 = (1,) * (nd - len(a)) + a, (1,) * (nd - len(b)) + b
        d = next(i for i in range(nd - 1, -1, -1) if a1[i] != b1[i] and 1 not in (a1[i], b1[i]))
        raise RuntimeError(
            f"The size of tensor a ({a1[d]}) must match the size of tensor b ({b1[d]}) at non-singleton "
            f"dimension {d}"
        ) from None
    return tuple(t if t.shape == shape else t.expand(shape) for t in (x1, x2))


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(|x1|, eps) * max(|x2|, eps)) along ``dim`` (inputs broadcast); as torch,
    the norms are clamped without changing their gradient."""
    x1, x2 = _broadcast(_as_t(x1), _as_t(x2))

    def unit(x):
        n = x.norm(2, dim=dim, keepdim=True)
        n = n + (n.clamp_min(eps) - n).detach()
        return x / n

    return (unit(x1) * unit(x2)).sum(dim)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """||x1 - x2 + eps||_p over the last dimension."""
    x1, x2 = _as_t(x1), _as_t(x2)
    nd = max(x1.dim(), x2.dim())
    d = x1 - x2 + eps
    if nd == 0:
        return d.abs()
    return d.norm(p, dim=nd - 1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The p-norm distances between the rows of an (N, M) input, for i < j in row-major order."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    if len(i) == 0:
        return input.new_zeros(0)
    from ...tensor import Tensor as _T

    ii = _T._make(i.astype(np.int64), False, None)
    jj = _T._make(j.astype(np.int64), False, None)
    return (input.index_select(0, ii) - input.index_select(0, jj)).norm(p, dim=1)
