"""Top-level spellings scripts use that are other names for what minitorch has: ``torch.pi``,
``torch.greater``, ``torch.multiply``, ``torch.conv2d`` (the ``nn.functional`` op), ``torch.relu_(x)``
(the in-place method), the signal windows (``hann_window``, ...), ``set_default_tensor_type`` and
the ``is_*`` queries. ``_extra_functions`` re-exports ``__all__``."""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _dtype
from ._creation import _float_dtype, _new, tensor
from .nn import functional as F

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
newaxis = None


def _method_alias(name: str, method: str):
    def fn(input, *args, **kwargs):  # noqa: A002 - torch's parameter name
        return getattr(input, method)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``input.{method}(...)``."
    return fn


_METHODS = {
    "greater": "gt",
    "greater_equal": "ge",
    "less": "lt",
    "less_equal": "le",
    "not_equal": "ne",
    "multiply": "mul",
    "divide": "div",
    "subtract": "sub",
    "detach": "detach",
    "get_device": "get_device",
    "is_conj": "is_conj",
    "is_neg": "is_neg",
    "is_inference": "is_inference",
    "is_same_size": "is_same_size",
    "is_signed": "is_signed",
    "broadcast_to": "broadcast_to",
    "conj": "conj",
    "conj_physical": "conj_physical",
    "resolve_conj": "resolve_conj",
    "resolve_neg": "resolve_neg",
}
# the in-place function forms: torch.relu_(x) is x.relu_()
_INPLACE = (
    "relu sigmoid tanh exp log abs neg sqrt rsqrt sin cos floor ceil round trunc clamp clip fill zero "
    "log1p expm1 log2 log10 exp2 reciprocal sign sinh cosh asin acos atan erf erfc frac square logit "
    "nan_to_num deg2rad rad2deg fix"
).split()
for _name, _m in _METHODS.items():
    globals()[_name] = _method_alias(_name, _m)
for _name in _INPLACE:
    globals()[_name + "_"] = _method_alias(_name + "_", _name + "_")


def rsub(input, other, *, alpha=1):  # noqa: A002
    """``other - alpha * input``."""
    return input.mul(alpha).neg().add(other)


def fill(input, value):  # noqa: A002
    return input.clone().fill_(value)


def scalar_tensor(s, dtype=None, device=None, requires_grad: bool = False):
    return tensor(s, dtype=dtype if dtype is not None else _dtype.default_float, requires_grad=requires_grad)


# --- nn.functional ops under their torch.* names (same arguments) ---
conv1d, conv2d, conv3d = F.conv1d, F.conv2d, F.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = (
    F.conv_transpose1d,
    F.conv_transpose2d,
    F.conv_transpose3d,
)
max_pool1d, max_pool2d, max_pool3d, avg_pool1d = F.max_pool1d, F.max_pool2d, F.max_pool3d, F.avg_pool1d
adaptive_avg_pool1d = F.adaptive_avg_pool1d
pixel_shuffle, pixel_unshuffle, channel_shuffle = F.pixel_shuffle, F.pixel_unshuffle, F.channel_shuffle
prelu, selu, celu, rrelu, hardshrink = F.prelu, F.selu, F.celu, F.rrelu, F.hardshrink
pdist, pairwise_distance, cosine_similarity, bilinear = (
    F.pdist,
    F.pairwise_distance,
    F.cosine_similarity,
    F.bilinear,
)
group_norm, layer_norm, rms_norm = F.group_norm, F.layer_norm, F.rms_norm


def dropout(input, p: float, train: bool):  # noqa: A002
    return F.dropout(input, p, training=train)


def alpha_dropout(input, p: float, train: bool):  # noqa: A002
    return F.alpha_dropout(input, p, training=train)


def feature_alpha_dropout(input, p: float, train: bool):  # noqa: A002
    return F.feature_alpha_dropout(input, p, training=train)


def embedding(weight, indices, padding_idx: int = -1, scale_grad_by_freq: bool = False, sparse: bool = False):
    """``torch.embedding(weight, indices)``: ``F.embedding`` with the arguments the other way round."""
    return F.embedding(
        indices, weight, None if padding_idx == -1 else padding_idx, None, 2.0, scale_grad_by_freq, sparse
    )


# --- signal windows, as torch's (``periodic``: the window of N + 1 points without its last) ---
def _window(n: int, periodic: bool, dtype, requires_grad: bool, fn):
    if n < 0:
        raise RuntimeError(f"window_length must be non-negative, got {n}")
    if n == 0:
        return _new(np.zeros(0, _float_dtype(dtype)), requires_grad)
    if n == 1:
        return _new(np.ones(1, _float_dtype(dtype)), requires_grad)
    m = n if periodic else n - 1  # the denominator
    k = np.arange(n, dtype=np.float64)
    return _new(fn(k, m).astype(_float_dtype(dtype)), requires_grad)


def hann_window(
    window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    return _window(
        window_length, periodic, dtype, requires_grad, lambda k, m: 0.5 - 0.5 * np.cos(2 * np.pi * k / m)
    )


def hamming_window(
    window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *, dtype=None,
    layout=None, device=None, requires_grad=False,
):  # fmt: skip
    return _window(
        window_length, periodic, dtype, requires_grad, lambda k, m: alpha - beta * np.cos(2 * np.pi * k / m)
    )


def blackman_window(
    window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    return _window(
        window_length,
        periodic,
        dtype,
        requires_grad,
        lambda k, m: 0.42 - 0.5 * np.cos(2 * np.pi * k / m) + 0.08 * np.cos(4 * np.pi * k / m),
    )


def bartlett_window(
    window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    return _window(window_length, periodic, dtype, requires_grad, lambda k, m: 1 - np.abs(2 * k / m - 1))


def kaiser_window(
    window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None, layout=None, device=None,
    requires_grad=False,
):  # fmt: skip
    return _window(
        window_length,
        periodic,
        dtype,
        requires_grad,
        lambda k, m: np.i0(beta * np.sqrt(np.clip(1 - (2 * k / m - 1) ** 2, 0, None))) / np.i0(beta),
    )


def set_default_tensor_type(t) -> None:
    """The deprecated spelling of ``set_default_dtype``: ``torch.FloatTensor`` or ``torch.DoubleTensor``
    (a class or its name); CUDA types raise as on torch's CPU build."""
    warnings.warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
        UserWarning,
        stacklevel=3,  # (past the out= wrapper of _extra_functions)
    )
    name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    if "cuda" in name:
        raise TypeError(f"type {name} not available. Torch not compiled with CUDA enabled.")
    kind = name.rsplit(".", 1)[-1]
    dt = {"FloatTensor": _dtype.float32, "DoubleTensor": _dtype.float64}.get(kind)
    if dt is None:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.default_float = dt


__all__ = [
    "pi",
    "e",
    "inf",
    "nan",
    "newaxis",
    *_METHODS,
    *(n + "_" for n in _INPLACE),
    "rsub",
    "fill",
    "scalar_tensor",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "avg_pool1d",
    "adaptive_avg_pool1d",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "prelu",
    "selu",
    "celu",
    "rrelu",
    "hardshrink",
    "pdist",
    "pairwise_distance",
    "cosine_similarity",
    "bilinear",
    "group_norm",
    "layer_norm",
    "rms_norm",
    "dropout",
    "alpha_dropout",
    "feature_alpha_dropout",
    "embedding",
    "hann_window",
    "hamming_window",
    "blackman_window",
    "bartlett_window",
    "kaiser_window",
    "set_default_tensor_type",
]
del _name, _m
