"""3-D convolution and pooling over (N, C, D, H, W), as ``torch.nn.functional.conv3d`` /
``conv_transpose3d`` / ``max_pool3d`` / ``avg_pool3d`` / ``adaptive_avg_pool3d`` /
``adaptive_max_pool3d``: each is the 2-D op applied to depth slices (one batched call per kernel
depth offset), combined over depth with Tensor ops, so gradients (and their gradients) come from
autograd."""

from __future__ import annotations

import math

import numpy as np

from ...ops.shape import stack
from ...tensor import Tensor
from ._arguments import _check_tensor, _tuple
from .conv import _conv_transpose_args, conv2d, conv_transpose2d
from .padding import pad
from .pooling import _adaptive_sizes, adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .pooling_more import _bins, _const, adaptive_max_pool2d

__all__ = [
    "adaptive_avg_pool3d",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "avg_pool3d",
    "conv3d",
    "conv_transpose3d",
    "max_pool3d",
]


def _batched5(x: Tensor, fn: str):
    if x.dim() == 5:
        return x, False
    if x.dim() == 4:
        return x.unsqueeze(0), True
    raise RuntimeError(
        f"Expected 4D (unbatched) or 5D (batched) input to {fn}, but got input of size: {list(x.shape)}"
    )


def _depth_slices(x: Tensor, start: int, count: int, step: int) -> Tensor:
    """(N, C, count, H, W) -> (N * count, C, H, W): the depth planes start, start + step, ..."""
    n, c = x.shape[0], x.shape[1]
    s = x[:, :, start : start + step * (count - 1) + 1 : step]
    return s.transpose(1, 2).reshape(n * count, c, *x.shape[3:])


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """3-D convolution of ``input`` (N, C, D, H, W) or (C, D, H, W) with ``weight``
    (O, C/groups, kD, kH, kW); ``padding`` an int, a triple, ``'valid'`` or ``'same'``."""
    _check_tensor(input, "input", "conv3d")
    _check_tensor(weight, "weight", "conv3d")
    x, added = _batched5(input, "conv3d")
    if weight.dim() != 5:
        raise RuntimeError(
            "conv3d: expected weight to be 5-dimensional (out_channels, in_channels/groups, *kernel_size), "
            f"but got weight of size {list(weight.shape)}"
        )
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{list(x.shape)} to have "
            f"{weight.shape[1] * groups} channels, but got {x.shape[1]} channels instead"
        )
    stride = _tuple(stride, 3, "stride", "convolution")
    dilation = _tuple(dilation, 3, "dilation", "convolution")
    kernel = weight.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * 3
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation)]
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = [(p, p) for p in _tuple(padding, 3, "padding", "convolution")]
    if any(p for pair in pads for p in pair):
        x = pad(x, [v for pair in reversed(pads) for v in pair])
    n, _, depth = x.shape[:3]
    kd, sd, dd = kernel[0], stride[0], dilation[0]
    od = (depth - dd * (kd - 1) - 1) // sd + 1
    if od <= 0:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Kernel size: "
            f"({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). Kernel size can't be "
            "greater than actual input size"
        )
    out = None
    for k in range(kd):
        y = conv2d(
            _depth_slices(x, k * dd, od, sd), weight[:, :, k], None, stride[1:], 0, dilation[1:], groups
        )
        out = y if out is None else out + y
    out = out.reshape(n, od, *out.shape[1:]).transpose(1, 2)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out.squeeze(0) if added else out


def _out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    span = size + 2 * p - d * (k - 1) - 1
    out = (math.ceil(span / s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside the input
        out -= 1
    return out


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over ``kernel_size`` windows of (N, C, D, H, W) or (C, D, H, W) input; ties and NaN as
    torch (the first maximum in depth, row, column order gets the gradient)."""
    if return_indices:
        raise NotImplementedError("max_pool3d(return_indices=True) is not supported by minitorch")
    _check_tensor(input, "input", "max_pool3d")
    x, added = _batched5(input, "max_pool3d")
    k = _tuple(kernel_size, 3, "kernel_size", "max_pool3d")
    s = _tuple(stride if stride not in (None, []) else kernel_size, 3, "stride", "max_pool3d")
    p = _tuple(padding, 3, "padding", "max_pool3d")
    d = _tuple(dilation, 3, "dilation", "max_pool3d")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise RuntimeError("pad should be at most half of effective kernel size")
    n, c, depth = x.shape[:3]
    od = _out_size(depth, k[0], s[0], p[0], d[0], ceil_mode)
    right = max(0, (od - 1) * s[0] + d[0] * (k[0] - 1) + 1 - depth - p[0])
    if p[0] or right:
        x = pad(x, [0, 0, 0, 0, p[0], right], value=-math.inf)
    planes = max_pool2d(
        x.transpose(1, 2).reshape(n * x.shape[2], c, *x.shape[3:]), k[1:], s[1:], p[1:], d[1:], ceil_mode
    )
    planes = planes.reshape(n, x.shape[2], c, *planes.shape[2:])
    windows = stack([planes[:, j * d[0] : j * d[0] + s[0] * (od - 1) + 1 : s[0]] for j in range(k[0])], 0)
    out = windows.max(0)[0].transpose(1, 2)
    return out.squeeze(0) if added else out


def avg_pool3d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
) -> Tensor:
    """Mean over ``kernel_size`` windows of (N, C, D, H, W) or (C, D, H, W) input (zero padding
    counts unless ``count_include_pad=False``)."""
    _check_tensor(input, "input", "avg_pool3d")
    x, added = _batched5(input, "avg_pool3d")
    k = _tuple(kernel_size, 3, "kernel_size", "avg_pool3d")
    s = _tuple(stride if stride not in (None, []) else kernel_size, 3, "stride", "avg_pool3d")
    p = _tuple(padding, 3, "padding", "avg_pool3d")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise RuntimeError("pad should be at most half of kernel size")
    n, c, depth = x.shape[:3]
    od = _out_size(depth, k[0], s[0], p[0], 1, ceil_mode)
    partial = ceil_mode and (od - 1) * s[0] + k[0] > depth + 2 * p[0]
    if (p[0] and not count_include_pad) or partial or (divisor_override and any(p)):
        raise NotImplementedError(
            "avg_pool3d: depth padding with count_include_pad=False, ceil_mode windows that run past the "
            "padding, or divisor_override with padding are not supported by minitorch"
        )
    if p[0]:
        x = pad(x, [0, 0, 0, 0, p[0], p[0]])
    # sum over the (h, w) window, then over depth, then one division
    planes = avg_pool2d(
        x.transpose(1, 2).reshape(n * x.shape[2], c, *x.shape[3:]),
        k[1:],
        s[1:],
        p[1:],
        ceil_mode,
        count_include_pad,
        divisor_override=1 if divisor_override else None,
    )
    planes = planes.reshape(n, x.shape[2], c, *planes.shape[2:])
    total = None
    for j in range(k[0]):
        sl = planes[:, j : j + s[0] * (od - 1) + 1 : s[0]]
        total = sl if total is None else total + sl
    out = (total / (divisor_override if divisor_override else k[0])).transpose(1, 2)
    return out.squeeze(0) if added else out


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """3-D transposed convolution of ``input`` (N, C_in, D, H, W) or (C_in, D, H, W) with ``weight``
    (C_in, C_out/groups, kD, kH, kW), as ``torch.nn.functional.conv_transpose3d``: input depth ``i``
    through kernel depth ``k`` lands at output depth ``i * stride + k * dilation - padding``."""
    _check_tensor(input, "input", "conv_transpose3d")
    x, added = _batched5(input, "conv_transpose3d")
    s, p, op, d, out = _conv_transpose_args(
        x, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )
    n, depth, kd = x.shape[0], x.shape[2], weight.shape[2]
    planes = _depth_slices(x, 0, depth, 1)
    full = (depth - 1) * s[0] + d[0] * (kd - 1) + 1  # output depth before cropping and output_padding
    total = None
    for k in range(kd):
        y = conv_transpose2d(planes, weight[:, :, k], None, s[1:], p[1:], op[1:], groups, d[1:])
        y = y.reshape(n, depth, *y.shape[1:])
        if s[0] > 1:  # zeros between input depths: depth i at i * stride
            y = pad(y.unsqueeze(2), [0, 0] * 3 + [0, s[0] - 1]).reshape(n, depth * s[0], *y.shape[2:])
        y = pad(y, [0, 0] * 3 + [k * d[0], full - k * d[0] - depth * s[0]])
        total = y if total is None else total + y
    # crop padding in front, crop or zero-extend (output_padding) at the back
    total = pad(total, [0, 0] * 3 + [-p[0], out[0] + p[0] - full]).transpose(1, 2)
    if bias is not None:
        total = total + bias.reshape(1, -1, 1, 1, 1)
    return total.squeeze(0) if added else total


def _adaptive5(input, output_size, fn: str, sep: str = ""):
    _check_tensor(input, "input", fn)
    if input.dim() not in (4, 5):
        raise RuntimeError(f"{fn}(): Expected 4D or 5D tensor, but got{sep} {list(input.shape)}")
    x = input if input.dim() == 5 else input.unsqueeze(0)
    return x, input.dim() == 4, _adaptive_sizes(output_size, x.shape[2:], 3, fn)


def adaptive_avg_pool3d(input, output_size) -> Tensor:
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size`` (int or triple,
    ``None`` keeps that dim), as torch's: the (H, W) pooling, then the depth pooling."""
    x, added, (od, oh, ow) = _adaptive5(input, output_size, "adaptive_avg_pool3d")
    n, c, depth, h, w = x.shape
    y = adaptive_avg_pool2d(x.reshape(n, c * depth, h, w), (oh, ow)).reshape(n, c, depth, oh * ow)
    out = adaptive_avg_pool2d(y, (od, oh * ow)).reshape(n, c, od, oh, ow)
    return out.squeeze(0) if added else out


def adaptive_max_pool3d(input, output_size, return_indices: bool = False):
    """Max pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size``, as torch's; indices are flat
    in each D*H*W volume, and the gradient goes to that element (the first maximum)."""
    x, added, (od, oh, ow) = _adaptive5(input, output_size, "adaptive_max_pool3d", ":")
    n, c, depth, h, w = x.shape
    if depth * h * w == 0:
        raise RuntimeError(
            "adaptive_max_pool3d(): Expected input to have non-zero size for non-batch dimensions"
        )
    # (H, W) maxima of each depth plane, then the first best plane in each depth bin (NumPy)
    planes, hw = adaptive_max_pool2d(x.detach().reshape(n, c * depth, h, w), (oh, ow), True)
    bins = _bins(depth, od)  # (OD, K)
    vals = planes._data.reshape(n, c, depth, oh, ow)[:, :, bins]  # (N, C, OD, K, OH, OW)
    di = bins[np.arange(od)[:, None, None], vals.argmax(3)]
    idx = di * (h * w) + np.take_along_axis(hw._data.reshape(n, c, depth, oh, ow), di, 2)
    out = x.reshape(n, c, -1).gather(2, idx.reshape(n, c, -1)).reshape(n, c, od, oh, ow)
    if not return_indices:
        return out.squeeze(0) if added else out
    idx = _const(idx.astype(np.int64))
    return (out.squeeze(0), idx.squeeze(0)) if added else (out, idx)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices: bool = False):
    return adaptive_max_pool3d(input, output_size, True)
