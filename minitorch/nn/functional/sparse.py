"""``one_hot`` and ``embedding``: lookups by integer index."""

from __future__ import annotations

import numpy as np

from ...ops import nn as N
from ...tensor import Tensor
from ._arguments import _type_str


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """``(*,)`` int64 class indices to ``(*, num_classes)`` int64 rows of zeros with a single 1."""
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size:
        if t.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if t.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes < 0:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (t[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(out, False, None)


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: output shape ``input.shape + (dim,)``.

    ``padding_idx`` rows get no gradient; ``max_norm`` renormalises the looked-up rows of
    ``weight`` in place first, as torch. ``sparse`` is accepted but grads are always dense.
    """
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got {_type_str(input)} instead (while checking arguments for embedding)"
        )
    n = weight._data.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < n, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -n, "Padding_idx must be within num_embeddings"
            padding_idx = n + padding_idx
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    return N.Embedding.apply(weight, idx, padding_idx, scale_grad_by_freq)


def _embedding_renorm_(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    rows = np.unique(idx)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        r = rows[big]
        w[r] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight._vc[0] += 1


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """Sums, means or maxima of bags of embedding rows: the rows of a 2-D ``input``, or the
    slices of a 1-D ``input`` that start at ``offsets``; ``padding_idx`` entries are left out."""
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must have the "
            f"same shape as the input ({input.shape})"
        )
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    idx = np.asarray(input._data)
    if input.dim() == 2:
        if offsets is not None:
            from ... import _dtype

            kind = (
                f"<class '{_dtype.display_name}.Tensor'>"
                if isinstance(offsets, Tensor)
                else str(type(offsets))
            )
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length "
                f"sequences. However, found offsets of type {kind}"
            )
        starts = (
            np.arange(0, idx.size, max(idx.shape[1], 1)) if idx.shape[1] else np.zeros(idx.shape[0], np.int64)
        )
        include_last_offset = False
        idx = idx.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = np.asarray(offsets._data).astype(np.int64)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    elif mode not in ("sum", "mean"):
        raise ValueError("mode has to be one of sum, mean or max")
    idx = idx.astype(np.int64)
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
            f"(got mode='{mode}'). Please open a feature request on GitHub."
        )
    n_idx = idx.shape[0]
    if include_last_offset:
        bounds = np.append(starts[:-1], min(int(starts[-1]), n_idx)) if len(starts) else starts
        n_bags = max(len(starts) - 1, 0)
        ends = bounds[1:]
        starts = bounds[:-1]
    else:
        n_bags = len(starts)
        ends = np.append(starts[1:], n_idx)
    bag_of = np.repeat(np.arange(n_bags), np.maximum(ends - starts, 0))
    keep = np.ones(n_idx, bool) if padding_idx is None else idx != padding_idx
    pos = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)]) if n_bags else np.zeros(0, np.int64)
    keep_pos = pos[keep[pos]]
    bag_kept = bag_of[keep[pos]]
    d = weight.shape[1]

    def t(a):
        return Tensor._make(np.asarray(a, dtype=np.int64), False, None)

    rows = weight.index_select(0, t(idx[keep_pos]))
    if mode == "max":
        counts = np.bincount(bag_kept, minlength=n_bags)
        width = int(counts.max()) if n_bags and counts.size else 0
        if width == 0:
            return weight.new_zeros((n_bags, d))
        slot = np.arange(len(bag_kept)) - np.concatenate([[0], np.cumsum(counts)[:-1]])[bag_kept]
        table = np.full((n_bags, width), len(bag_kept), np.int64)  # the extra row: -inf padding
        table[bag_kept, slot] = np.arange(len(bag_kept))
        padded = rows.new_full((1, d), float("-inf"))
        from ...ops.shape import cat

        stacked = cat([rows, padded], 0).index_select(0, t(table.reshape(-1))).reshape(n_bags, width, d)
        out = stacked.max(1).values
        empty = Tensor._make((counts == 0)[:, None], False, None)
        return out.masked_fill(empty, 0)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.index_select(0, t(keep_pos)).unsqueeze(1)
    out = weight.new_zeros((n_bags, d)).index_add(0, t(bag_kept), rows)
    if mode == "mean":
        counts = np.bincount(bag_kept, minlength=n_bags).astype(weight._data.dtype)
        out = out / Tensor._make(np.maximum(counts, 1)[:, None], False, None)
    return out
