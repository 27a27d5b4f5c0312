"""Dropout: elementwise and channel-wise, drawn from the global generator."""

from __future__ import annotations

import warnings

import numpy as np

from ... import _random
from ...tensor import Tensor


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply_mask(input: Tensor, p: float, mask_shape: tuple, inplace: bool) -> Tensor:
    """torch's CPU dropout: ``noise = empty(mask_shape).bernoulli_(1 - p)``, ``noise.div_(1 - p)``,
    then ``input * noise`` (so the kept values are ``x * (1 / (1 - p))`` rounded in the dtype)."""
    x = input._data
    dt = x.dtype if x.dtype.kind in "fV" else np.dtype(np.float32)
    if p == 1.0:
        mask = np.zeros(mask_shape, dt)
    else:
        keep = _random.bernoulli_scalar(int(np.prod(mask_shape, dtype=np.int64)), 1.0 - p).reshape(mask_shape)
        mask = keep.astype(dt) / np.asarray(1.0 - p).astype(dt)
    m = Tensor._make(mask.astype(dt, copy=False), False, None)
    return input.mul_(m) if inplace else input * m


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (identity when
    not ``training``). Draws from the global generator."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _apply_mask(input, p, input._data.shape, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels: one draw per ``(N, C)`` pair, shared over the spatial dims."""
    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
            "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
            "will change in a future release to interpret the input as one without a batch dimension, i.e. "
            "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
            "dropout1d instead.",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    shape = input._data.shape
    return _apply_mask(input, p, shape[:2] + (1,) * (len(shape) - 2), inplace)


def _feature_shape(shape: tuple) -> tuple:
    return shape[:2] + (1,) * (len(shape) - 2)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an (N, C, L) or (C, L) input: one draw per channel."""
    _check_p(p)
    nd = input.dim()
    if nd not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
            "batch dimension (i.e. 2D or 3D inputs)."
        )
    if not training or p == 0.0:
        return input
    if nd == 3:
        return _apply_mask(input, p, _feature_shape(input._data.shape), inplace)
    return _apply_mask(input, p, (input._data.shape[0], 1), inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input: one draw per channel."""
    _check_p(p)
    nd = input.dim()
    if nd not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and will result in an error "
            "in a future release. To retain the behavior and silence this warning, please use dropout instead. "
            "Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a "
            "channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    shape = input._data.shape
    if nd == 5:
        return _apply_mask(input, p, _feature_shape(shape), inplace)
    # unbatched: the leading dim is the channel one, as torch's unsqueeze(0) + feature dropout
    return _apply_mask(input, p, shape[:1] + (1,) * (len(shape) - 1), inplace)


_SELU_ALPHA_DROP = 1.7580993408473766


def _alpha_dropout(input: Tensor, p: float, training: bool, inplace: bool, feature: bool) -> Tensor:
    _check_p(p)
    if not training or p == 0.0 or input.numel() == 0:
        return input
    x = input._data
    dt = x.dtype if x.dtype.kind in "fV" else np.dtype(np.float32)
    if p == 1.0:
        m = Tensor._make(np.zeros((), dt), False, None)
        return input.mul_(m) if inplace else input * m
    shape = _feature_shape(x.shape) if feature else x.shape
    keep = _random.bernoulli_scalar(int(np.prod(shape, dtype=np.int64)), 1.0 - p).reshape(shape).astype(dt)
    a = 1.0 / np.sqrt((_SELU_ALPHA_DROP**2 * p + 1) * (1 - p))
    b = (keep - 1) * np.asarray(_SELU_ALPHA_DROP * a).astype(dt) + np.asarray(
        _SELU_ALPHA_DROP * a * p
    ).astype(dt)
    noise = keep * np.asarray(a).astype(dt)
    mt_noise = Tensor._make(noise.astype(dt, copy=False), False, None)
    mt_b = Tensor._make(b.astype(dt, copy=False), False, None)
    if inplace:
        return input.mul_(mt_noise).add_(mt_b)
    return input * mt_noise + mt_b


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalising mean and variance (dropped values go to -alpha')."""
    return _alpha_dropout(input, p, training, inplace, False)


def feature_alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """``alpha_dropout`` of whole channels."""
    return _alpha_dropout(input, p, training, inplace, True)
