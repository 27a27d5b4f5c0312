"""Functional convolution, pooling, padding and normalisation, with torch's signatures.

These are re-exported by ``minitorch.nn.functional``; the primitives live in ``minitorch.ops.conv``.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from ..ops import conv as C
from ..ops import nn as N
from ..tensor import Tensor

__all__ = [
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "pad",
    "batch_norm",
    "layer_norm",
]


def _tuple(value, n: int, name: str, op: str) -> tuple:
    """An int or a length-``n`` sequence of ints as a tuple (torch's error otherwise)."""
    if isinstance(value, Integral):
        return (int(value),) * n
    value = tuple(value)
    if len(value) == 1:
        return (int(value[0]),) * n
    if len(value) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match the "
            f"{op} dimensions, but got {name}={list(value)}"
        )
    return tuple(int(v) for v in value)


def _check_tensor(x, name: str, fn: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(x).__name__}")


# --------------------------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------------------------
def _conv_spec(x, weight, bias, stride, padding, dilation, groups, nd: int, fn: str) -> C.ConvSpec:
    """Validate the arguments of an ``nd``-D convolution (on (N, C, *spatial) input) like torch."""
    _check_tensor(x, "input", fn)
    _check_tensor(weight, "weight", fn)
    stride = _tuple(stride, nd, "stride", "convolution")
    dilation = _tuple(dilation, nd, "dilation", "convolution")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if not isinstance(groups, Integral) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight._data.ndim != nd + 2:
        raise RuntimeError(
            f"{fn}: expected weight to be {nd + 2}-dimensional (out_channels, in_channels/groups, "
            f"*kernel_size), but got weight of size {list(weight.shape)}"
        )
    kernel = weight._data.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # torch puts the odd extra pixel at the end (right/bottom)
            pads = tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = _tuple(padding, nd, "padding", "convolution")
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((v, v) for v in p)
    o, cg = weight._data.shape[:2]
    if o % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(weight.shape)}] instead"
        )
    if x._data.shape[1] != cg * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {cg * groups} channels, but got {x._data.shape[1]} channels instead"
        )
    if bias is not None:
        _check_tensor(bias, "bias", fn)
        if bias._data.shape != (o,):
            raise RuntimeError(
                f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                f"{o} elements, but got bias of size {list(bias.shape)} instead"
            )
    if x._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"Input type ({x.dtype}) and weight type ({weight.dtype}) should be the same; "
            "convert one with .to(dtype)"
        )
    if bias is not None and bias._data.dtype != x._data.dtype:
        raise RuntimeError(f"Input type ({x.dtype}) and bias type ({bias.dtype}) should be the same")
    spatial = x._data.shape[2:]
    eff = tuple(n + a + b for n, (a, b) in zip(spatial, pads))
    if any(e < d * (k - 1) + 1 for e, k, d in zip(eff, kernel, dilation)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, eff))}). Kernel size: "
            f"({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). Kernel size "
            "can't be greater than actual input size"
        )
    if nd == 1:  # a 1-D convolution is a 2-D one over a height-1 image
        return C.ConvSpec(
            (1,) + kernel, (1,) + stride, ((0, 0),) + pads, (1,) + dilation, groups, (1,) + spatial
        )
    return C.ConvSpec(kernel, stride, pads, dilation, groups, spatial)


def _batched(x, nd: int, fn: str):
    """(x with a batch dim, whether it was added); torch's error for other ranks."""
    if x._data.ndim == nd + 2:
        return x, False
    if x._data.ndim == nd + 1:
        return x.unsqueeze(0), True
    kinds = {1: ("2D", "3D"), 2: ("3D", "4D")}[nd]
    raise RuntimeError(
        f"Expected {kinds[0]} (unbatched) or {kinds[1]} (batched) input to {fn}, but got input of "
        f"size: {list(x.shape)}"
    )


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution (cross-correlation) of ``input`` (N, C, H, W) or (C, H, W) with ``weight``
    (O, C/groups, kH, kW), as ``torch.nn.functional.conv2d``.

    ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the
    input; stride 1 only).

    Example::

        >>> F.conv2d(minitorch.randn(8, 1, 28, 28), minitorch.randn(6, 1, 5, 5)).shape
        minitorch.Size([8, 6, 24, 24])
    """
    _check_tensor(input, "input", "conv2d")
    x, added = _batched(input, 2, "conv2d")
    spec = _conv_spec(x, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    out = C.Convolution.apply(x, weight, bias, spec)
    return out.squeeze(0) if added else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution of ``input`` (N, C, L) or (C, L) with ``weight`` (O, C/groups, k), as
    ``torch.nn.functional.conv1d``; computed as a 2-D convolution over a height-1 image."""
    _check_tensor(input, "input", "conv1d")
    x, added = _batched(input, 1, "conv1d")
    spec = _conv_spec(x, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    n, c, length = x._data.shape
    w = weight.unsqueeze(2)
    out = C.Convolution.apply(x.reshape(n, c, 1, length), w, bias, spec).squeeze(2)
    return out.squeeze(0) if added else out


# --------------------------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------------------------
def _pool_spec(x, kernel_size, stride, padding, dilation, ceil_mode, fn: str, nd: int = 2) -> C.PoolSpec:
    kernel = _tuple(kernel_size, nd, "kernel_size", fn)
    stride = (
        kernel
        if stride is None or (not isinstance(stride, Integral) and len(stride) == 0)
        else _tuple(stride, nd, "stride", fn)
    )
    padding = _tuple(padding, nd, "padding", fn)
    dilation = _tuple(dilation, nd, "dilation", fn)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{fn}: kernel_size must be greater than zero, but got {list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{fn}: dilation must be greater than zero, but got {list(dilation)}")
    if any(p < 0 or p > (d * (k - 1) + 1) // 2 for p, k, d in zip(padding, kernel, dilation)):
        p, k, d = next(
            (p, k, d) for p, k, d in zip(padding, kernel, dilation) if p < 0 or p > (d * (k - 1) + 1) // 2
        )
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
            f"and dilation={d}"
        )
    if nd == 1:
        kernel, stride, padding, dilation = (1,) + kernel, (1,) + stride, (0,) + padding, (1,) + dilation
    spec = C.PoolSpec(kernel, stride, padding, dilation, ceil_mode, x._data.shape[-2:])
    if any(o <= 0 for o in spec.out_hw):
        c = x._data.shape[-3]
        shp = spec.in_hw[nd == 1 :]
        out = spec.out_hw[nd == 1 :]
        raise RuntimeError(
            f"Given input size: ({c}x{'x'.join(map(str, shp))}). Calculated output size: "
            f"({c}x{'x'.join(map(str, out))}). Output size is too small"
        )
    return spec


def _pool_input(x, nd: int, fn: str):
    _check_tensor(x, "input", fn)
    if x._data.ndim not in (nd + 1, nd + 2) or x._data.size == 0:
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
    added = x._data.ndim == nd + 1
    x4 = x.unsqueeze(0) if added else x
    if nd == 1:
        x4 = x4.unsqueeze(2)
    return x4, added


def _pool_output(out, added: bool, nd: int):
    if nd == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if added else out


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd, fn):
    x, added = _pool_input(input, nd, fn)
    spec = _pool_spec(x, kernel_size, stride, padding, dilation, ceil_mode, fn, nd)
    box = [] if return_indices else None
    out = C.MaxPool2d.apply(x, spec, box)
    res = _pool_output(out, added, nd)
    if not return_indices:
        return res
    flat = Tensor._make(C.max_pool_indices(box[0], spec), False, None)
    return res, _pool_output(flat, added, nd)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over ``kernel_size`` windows of ``input`` (N, C, H, W) or (C, H, W), as
    ``torch.nn.functional.max_pool2d``. ``stride`` defaults to ``kernel_size``; ``padding`` pads
    with -inf. With ``return_indices``, also returns each maximum's flat index in its (H, W) plane.

    Example::

        >>> F.max_pool2d(minitorch.randn(1, 1, 4, 4), 2).shape
        minitorch.Size([1, 1, 2, 2])
    """
    return _max_pool(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d"
    )


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over windows of ``input`` (N, C, L) or (C, L), as ``torch.nn.functional.max_pool1d``."""
    return _max_pool(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1, "max_pool1d"
    )


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd, fn):
    x, added = _pool_input(input, nd, fn)
    spec = _pool_spec(x, kernel_size, stride, padding, 1, ceil_mode, fn, nd)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    dtype = x._data.dtype if x._data.dtype.kind == "f" else np.dtype(np.float64)
    div = C._avg_divisor(spec, count_include_pad, divisor_override, dtype)
    if x._data.dtype.kind != "f":  # integer pooling truncates, as torch
        out = C.AvgPool2d.apply(Tensor._make(x._data.astype(np.float64), False, None), spec, div)
        out = Tensor._make(np.trunc(out._data).astype(x._data.dtype), False, None)
    else:
        out = C.AvgPool2d.apply(x, spec, div)
    return _pool_output(out, added, nd)


def avg_pool2d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
) -> Tensor:
    """Mean over ``kernel_size`` windows of ``input`` (N, C, H, W) or (C, H, W), as
    ``torch.nn.functional.avg_pool2d``. Zero padding counts towards the mean unless
    ``count_include_pad=False``; ``divisor_override`` replaces the window size.
    """
    return _avg_pool(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2, "avg_pool2d"
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True) -> Tensor:
    """Mean over windows of ``input`` (N, C, L) or (C, L), as ``torch.nn.functional.avg_pool1d``."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d")


def _adaptive_matrix(n: int, out: int, dtype) -> np.ndarray:
    """(out, n) averaging matrix: row i averages [floor(i n / out), ceil((i + 1) n / out))."""
    i = np.arange(out)
    start = (i * n) // out
    end = -((-(i + 1) * n) // out)
    cols = np.arange(n)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _adaptive_sizes(output_size, in_sizes, nd: int, fn: str) -> tuple:
    if isinstance(output_size, Integral) or output_size is None:
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise RuntimeError(f"{fn}: output_size must be {nd}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, in_sizes))
    if any(o < 0 for o in out):
        raise RuntimeError(
            f"{fn}: elements of output_size must be greater than or equal to 0 but received {list(out)}"
        )
    return out


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """Average pooling to a fixed ``output_size`` (int, pair, ``None`` keeps that dim), as
    ``torch.nn.functional.adaptive_avg_pool2d``: output cell ``i`` averages input rows
    ``floor(i*H/OH)`` to ``ceil((i+1)*H/OH)``.
    """
    _check_tensor(input, "input", "adaptive_avg_pool2d")
    if input._data.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    h, w = input._data.shape[-2:]
    oh, ow = _adaptive_sizes(output_size, (h, w), 2, "adaptive_avg_pool2d")
    if (oh, ow) == (1, 1):
        return input.mean((-2, -1), keepdim=True)
    if oh and ow and h % oh == 0 and w % ow == 0:  # equal windows: plain average pooling
        return avg_pool2d(input, (h // oh, w // ow))
    # NOTE: averaging over a rectangle is separable: rows @ x @ cols^T (two small products)
    dtype = input._data.dtype
    rows = Tensor._make(_adaptive_matrix(h, oh, dtype), False, None)
    cols = Tensor._make(_adaptive_matrix(w, ow, dtype).T.copy(), False, None)
    return rows @ (input @ cols)


def adaptive_avg_pool1d(input, output_size) -> Tensor:
    """Average pooling of (N, C, L) or (C, L) to ``output_size``, as torch's."""
    _check_tensor(input, "input", "adaptive_avg_pool1d")
    if input._data.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    (o,) = _adaptive_sizes(output_size, input._data.shape[-1:], 1, "adaptive_avg_pool1d")
    cols = Tensor._make(_adaptive_matrix(input._data.shape[-1], o, input._data.dtype).T.copy(), False, None)
    return input @ cols


# --------------------------------------------------------------------------------------------
# padding
# --------------------------------------------------------------------------------------------
def pad(input, pad, mode: str = "constant", value=None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims of ``input``, as ``torch.nn.functional.pad``.

    ``pad`` lists (before, after) widths starting from the LAST dim: ``(left, right, top,
    bottom, ...)``. Negative widths crop (constant mode). ``mode`` is ``'constant'`` (fill with
    ``value``, default 0), ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Example::

        >>> F.pad(minitorch.ones(1, 2, 2), (1, 1)).shape
        minitorch.Size([1, 2, 4])
    """
    _check_tensor(input, "input", "pad")
    pad = tuple(int(p) for p in pad)
    nd = input._data.ndim
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > nd:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got "
            f"padding length {len(pad)} and input of dimension {nd}"
        )
    k = len(pad) // 2
    # widths per dim, first dim first
    widths = [(0, 0)] * (nd - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    if mode == "constant":
        return _constant_pad(input, widths, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if not (k in (1, 2, 3) and nd in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {nd}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    out = input
    for d in range(nd - k, nd):
        a, b = widths[d]
        n = input._data.shape[d]
        idx = np.arange(-a, n + b)
        if mode == "reflect":
            if a >= n or b >= n:
                raise RuntimeError(
                    f"Argument #4: Padding size should be less than the corresponding input dimension, "
                    f"but got: padding ({a}, {b}) at dimension {d} of input {list(input.shape)}"
                )
            period = 2 * (n - 1) if n > 1 else 1
            idx = np.abs(idx) % period
            idx = np.where(idx >= n, period - idx, idx)
        elif mode == "replicate":
            idx = np.clip(idx, 0, n - 1)
        else:
            if a > n or b > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            idx = idx % n
        out = out[(slice(None),) * d + (idx,)]
    return out


def _constant_pad(x, widths, value):
    """Crop the negative widths (a view), then pad the positive ones."""
    if any(a < 0 or b < 0 for a, b in widths):
        crop = []
        for (a, b), n in zip(widths, x._data.shape):
            start, stop = max(-a, 0), n - max(-b, 0)
            if stop < start:
                raise RuntimeError(
                    f"The input size {n}, plus negative padding {a} and {b} resulted in a negative "
                    "output size, which is invalid. Check dimension of your input."
                )
            crop.append(slice(start, stop))
        x = x[tuple(crop)]
        widths = [(max(a, 0), max(b, 0)) for a, b in widths]
    if not any(a or b for a, b in widths):
        return x if x.grad_fn is not None or not x.requires_grad else x.clone()
    return C.ConstantPad.apply(x, tuple(widths), value)


# --------------------------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------------------------
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
