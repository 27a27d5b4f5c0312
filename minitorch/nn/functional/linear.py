"""``linear``: ``input @ weight.T + bias`` as one fused op."""

from __future__ import annotations

import numpy as np

from ...ops import nn as N
from ...tensor import Tensor
from ._arguments import _TYPE_NAMES


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one fused op; ``input`` is ``(*, in_features)``."""
    x, w = input._data, weight._data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {x.ndim}D and {w.ndim}D"
        )
    if w.ndim != 2:
        return input @ weight.t() + (bias if bias is not None else 0)
    if x.shape[-1] != w.shape[1]:
        rows = x.size // x.shape[-1] if x.shape[-1] else int(np.prod(x.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and {w.shape[1]}x{w.shape[0]})"
        )
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != x.dtype):
        other = w.dtype if x.dtype != w.dtype else bias._data.dtype
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_TYPE_NAMES[x.dtype.name]} and "
            f"{_TYPE_NAMES[other.name]}"
        )
    return _LINEAR_OPS[bias is None][min(x.ndim, 3)].apply(input, weight, bias)


# the op by (no bias, input dims 1/2/3+): one fused computation, torch's grad_fn name for each
_LINEAR_OPS = {
    False: {1: N.LinearView, 2: N.Linear, 3: N.LinearView},
    True: {1: N.LinearSqueeze, 2: N.LinearMm, 3: N.LinearUnsafeView},
}
