"""``linear``: ``input @ weight.T + bias`` as one fused op."""

from __future__ import annotations

import numpy as np

from ... import _autocast_state
from ...ops import nn as N
from ...tensor import Tensor
from ._arguments import _TYPE_NAMES


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one fused op; ``input`` is ``(*, in_features)``."""
    if _autocast_state.cpu[0]:
        input, weight, bias = _autocast_state.lower(input, weight, bias)
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


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_k = x1^T W_k x2 + b_k, with ``weight`` of shape (out, in1, in2)."""
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but expected {in1}"
        )
    if input2.shape[-1] != in2:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but expected {in2}"
        )
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(
            "bilinear(): input batch dimensions do not match: got "
            f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}"
        )
    t = input1 @ weight.permute(1, 0, 2).reshape(in1, out_f * in2)  # (..., out * in2)
    y = (t.reshape(*input1.shape[:-1], out_f, in2) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias
