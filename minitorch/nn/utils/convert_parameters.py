"""Flatten parameters into one vector and back, as ``torch.nn.utils``."""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import no_grad
from ...ops.shape import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into ``parameters`` (the inverse of
    :func:`parameters_to_vector`). NOTE: torch makes the parameters alias ``vec``; minitorch
    copies the values, so each parameter keeps its own memory and dtype."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected minitorch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.dim() != 1 or vec.numel() != total:
        raise RuntimeError(
            f"vector_to_parameters: expected a 1-D vector of {total} elements, got shape {list(vec.shape)}"
        )
    pointer = 0
    with no_grad():
        for p in params:
            n = p.numel()
            np.copyto(p._data, vec._data[pointer : pointer + n].reshape(p._data.shape), casting="unsafe")
            p._vc[0] += 1
            pointer += n
