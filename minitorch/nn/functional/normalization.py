"""Batch, layer, group and instance norm, and ``normalize`` (Lp-normalise along a dim).

Group norm is a layer norm over ``(N, G, -1)`` and instance norm a batch norm over
``(1, N*C, *)``, as torch computes both."""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from ...ops import nn as N
from ...tensor import Tensor
from ._arguments import _check_tensor


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-05,
) -> Tensor:
    """Normalise each channel (dim 1) of ``input`` (N, C, *), as ``torch.nn.functional.batch_norm``.

    ``training=True`` uses the batch's mean and biased variance and updates ``running_mean`` /
    ``running_var`` in place (when given) with ``momentum``, storing the UNBIASED variance, as
    torch. ``training=False`` normalises with the running statistics (which must be given).
    """
    _check_tensor(input, "input", "batch_norm")
    x = input._data
    if x.ndim < 2:
        raise ValueError(f"Expected 2D or more input for batch_norm (got {x.ndim}D input)")
    c = x.shape[1]
    for t, name in (
        (running_mean, "running_mean"),
        (running_var, "running_var"),
        (weight, "weight"),
        (bias, "bias"),
    ):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
    if training and x.size == 0:  # an empty batch: an empty result, stats unchanged, as torch
        shape = (1, c) + (1,) * (x.ndim - 2)
        out = input.clone()
        if weight is not None:
            out = out * weight.reshape(shape)
        return out if bias is None else out + bias.reshape(shape)
    if training:
        if x.size // c <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {input.shape}"
            )
        if eps <= 0.0:
            raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
        if (running_mean is None) != (running_var is None):
            raise RuntimeError("running_mean and running_var must both be given or both be None")
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError(
                "running_mean must be defined in evaluation mode (pass training=True to normalise "
                "with the batch statistics)"
            )
        if eps < 0.0:
            raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return N.BatchNorm.apply(input, weight, bias, running_mean, running_var, bool(training), momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-05) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dims, as ``torch.nn.functional.layer_norm``."""
    _check_tensor(input, "input", "layer_norm")
    if isinstance(normalized_shape, Integral):
        raise TypeError(
            "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"
        )
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input._data.shape[input._data.ndim - k :] != shape or input._data.ndim < k:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and t._data.shape != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                f"{list(t.shape)} and normalized_shape = {list(shape)}"
            )
    if math.prod(shape) == 0:
        return input.clone()
    return N.LayerNorm.apply(input, weight, bias, k, eps)


def group_norm(input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-05) -> Tensor:
    """Normalise ``input`` (N, C, *) over each group of ``C // num_groups`` channels (and all
    spatial positions), then scale and shift per channel, as ``torch.nn.functional.group_norm``.

    Example::

        >>> F.group_norm(minitorch.randn(2, 6, 4, 4), 3).shape
        minitorch.Size([2, 6, 4, 4])
    """
    _check_tensor(input, "input", "group_norm")
    shape = input._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {len(shape)}")
    n, c = shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{list(shape)} and num_groups={num_groups}"
        )
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and t._data.shape != (c,):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
                f"{name} of shape {list(t.shape)} and input of shape {list(shape)}"
            )
    if input._data.size == 0:
        return input.clone()
    x = input.reshape(n, num_groups, -1)
    y = layer_norm(x, (x._data.shape[-1],), None, None, eps).reshape(shape)
    view = (1, c) + (1,) * (len(shape) - 2)
    if weight is not None:
        y = y * weight.reshape(view)
    if bias is not None:
        y = y + bias.reshape(view)
    return y


def instance_norm(
    input: Tensor,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-05,
) -> Tensor:
    """Normalise each channel of each sample of ``input`` (N, C, *) over its spatial positions,
    as ``torch.nn.functional.instance_norm``.

    With ``running_mean`` / ``running_var`` given and ``use_input_stats`` they are updated
    (with the batch average of the per-instance statistics); ``use_input_stats=False``
    normalises with them instead.
    """
    _check_tensor(input, "input", "instance_norm")
    shape = input._data.shape
    if len(shape) < 3:
        raise ValueError(f"Expected 3D or higher input for instance_norm (got {len(shape)}D input)")
    if use_input_stats and math.prod(shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(shape)}")
    n, c = shape[:2]
    # NOTE: as torch: a batch norm over (1, N*C, *) with the per-channel tensors repeated N times
    x = input.reshape((1, n * c) + shape[2:])
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    rm = Tensor._make(np.tile(running_mean._data, n), False, None) if running_mean is not None else None
    rv = Tensor._make(np.tile(running_var._data, n), False, None) if running_var is not None else None
    out = batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if use_input_stats:
        for src, dst in ((rm, running_mean), (rv, running_var)):
            if dst is not None:
                dst._data[...] = src._data.reshape(n, c).mean(0)
                dst._vc[0] += 1
    return out.reshape(shape)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``."""
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)


def rms_norm(
    input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """x / sqrt(mean(x^2 over the last dims) + eps) * weight; ``eps`` defaults to the dtype's
    machine epsilon, as ``torch.nn.functional.rms_norm``."""
    _check_tensor(input, "input", "rms_norm")
    shape = (int(normalized_shape),) if isinstance(normalized_shape, Integral) else tuple(normalized_shape)
    k = len(shape)
    if input._data.ndim < k or tuple(input._data.shape[input._data.ndim - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*"
            f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - k, input.dim()))
    out = input * (input * input).mean(dims, keepdim=True).add(eps).rsqrt()
    return out if weight is None else out * weight
