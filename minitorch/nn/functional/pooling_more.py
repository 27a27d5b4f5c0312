"""More pooling, as ``torch.nn.functional``: ``adaptive_max_pool1d/2d`` (with indices),
``max_unpool1d/2d``, ``lp_pool1d/2d``, ``local_response_norm`` and the ``*_with_indices``
names; composed from differentiable tensor ops (gather by advanced indexing, ``index_add``)."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ...tensor import Tensor
from ._arguments import _check_tensor, _tuple
from .pooling import _adaptive_sizes, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d


def _const(a) -> Tensor:
    return Tensor._make(np.asarray(a), False, None)


def _bins(n: int, out: int):
    """(out, K) input positions of each adaptive bin [floor(i n / out), ceil((i + 1) n / out)),
    padded by repeating the bin's last position (which changes neither the max nor its first index)."""
    i = np.arange(out)
    start = (i * n) // out
    end = -((-(i + 1) * n) // out)
    k = int((end - start).max()) if out else 0
    return np.minimum(start[:, None] + np.arange(k)[None, :], (end - 1)[:, None])


def _adaptive_max(input: Tensor, output_size, nd: int, return_indices: bool, fn: str):
    _check_tensor(input, "input", fn)
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fn}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(input.shape)}")
    batched = input.dim() == nd + 2
    x = input if batched else input.unsqueeze(0)
    sizes = x.shape[2:]
    out = _adaptive_sizes(output_size, sizes, nd, fn)
    if any(s == 0 for s in sizes):
        raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions")
    n, c = x.shape[:2]
    if nd == 1:
        (b,) = [_bins(sizes[0], out[0])]
        win = x[:, :, _const(b)]  # (N, C, O, K)
        flat = b
    else:
        bh, bw = _bins(sizes[0], out[0]), _bins(sizes[1], out[1])
        rows = bh[:, None, :, None]
        cols = bw[None, :, None, :]
        win = x[:, :, _const(rows), _const(cols)]  # (N, C, OH, OW, KH, KW)
        flat = np.broadcast_to(rows * sizes[1] + cols, (out[0], out[1], bh.shape[1], bw.shape[1]))
        win = win.reshape(n, c, out[0], out[1], -1)
        flat = flat.reshape(out[0], out[1], -1)
    values, arg = win.max(-1)
    if not batched:
        values = values.squeeze(0)
    if not return_indices:
        return values
    a = arg._data
    idx = np.take_along_axis(np.broadcast_to(flat, a.shape + (flat.shape[-1],)), a[..., None], -1)[..., 0]
    idx = _const(idx.astype(np.int64))
    return values, (idx if batched else idx.squeeze(0))


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Max over adaptive bins of the last dim of (N, C, L) or (C, L), as torch's."""
    return _adaptive_max(input, output_size, 1, return_indices, "adaptive_max_pool1d")


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max over adaptive bins of (N, C, H, W) or (C, H, W); indices are flat in each (H, W) plane."""
    return _adaptive_max(input, output_size, 2, return_indices, "adaptive_max_pool2d")


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    return adaptive_max_pool2d(input, output_size, True)


def max_pool1d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _unpool_output_size(input: Tensor, kernel, stride, padding, output_size, nd: int):
    default = [
        (input.shape[input.dim() - nd + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(nd)
    ]
    if output_size is None:
        return default
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    elif len(output_size) == nd + 1:
        output_size = output_size[1:]
    if len(output_size) != nd:
        raise ValueError(
            f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a length of "
            f"'{len(output_size)}'"
        )
    for d in range(nd):
        lo = default[d] - stride[d]
        hi = default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})')
    return output_size


def _max_unpool(input: Tensor, indices: Tensor, kernel_size, stride, padding, output_size, nd: int, fn: str):
    k = _tuple(kernel_size, nd, "kernel_size", fn)
    s = k if stride is None else _tuple(stride, nd, "stride", fn)
    p = _tuple(padding, nd, "padding", fn)
    out = [int(v) for v in _unpool_output_size(input, k, s, p, output_size, nd)]
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) but got "
            f"indices tensor with shape: {list(indices.shape)}"
        )
    batched = input.dim() == nd + 2
    x = input if batched else input.unsqueeze(0)
    n, c = x.shape[:2]
    plane = int(np.prod(out))
    idx = np.asarray(indices._data).astype(np.int64).reshape(n, c, -1)
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        bad = int(idx[(idx < 0) | (idx >= plane)].flat[0])
        raise RuntimeError(
            f"Found an invalid max index: {bad} (output volumes are of size {'x'.join(map(str, out))})"
        )
    from ...ops.vision import MaxUnpool

    res = MaxUnpool.apply(x.reshape(n * c, -1), idx.reshape(n * c, -1), plane)
    res = res.reshape(n, c, *out)
    return res if batched else res.squeeze(0)


def max_unpool1d(
    input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None
) -> Tensor:
    """The partial inverse of ``max_pool1d``: each value placed at its index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def max_unpool2d(
    input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None
) -> Tensor:
    """The partial inverse of ``max_pool2d``: each value placed at its flat (H, W) index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def lp_pool1d(input: Tensor, norm_type, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p)^(1/p), as torch: from ``avg_pool1d`` of x^p."""
    if stride is not None:
        out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool1d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kernel_size).pow(1.0 / norm_type)


def lp_pool2d(input: Tensor, norm_type, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p)^(1/p), as torch: from ``avg_pool2d`` of x^p."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, Integral) else kernel_size
    if stride is not None:
        out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool2d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kw * kh).pow(1.0 / norm_type)


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """x / (k + alpha * mean of x^2 over ``size`` neighbouring channels)^beta (AlexNet's LRN)."""
    dim = input.dim()
    if dim < 3:
        gap = " " * 26  # torch's message has this run of spaces (a continued string literal)
        raise ValueError(f"Expected 3D or higher dimensionality{gap}input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = input * input
    before, after = size // 2, (size - 1) // 2
    zeros_b = sq.new_zeros((sq.shape[0], before, *sq.shape[2:]))
    zeros_a = sq.new_zeros((sq.shape[0], after, *sq.shape[2:]))
    from ...ops.shape import cat

    padded = cat([zeros_b, sq, zeros_a], 1)
    total = None
    for j in range(size):
        part = padded[:, j : j + c]
        total = part if total is None else total + part
    div = (total * (1.0 / size)).mul(alpha).add(k).pow(beta)
    return input / div


def _fractional_intervals(sample, in_size: int, out_size: int, pool: int, dt) -> np.ndarray:
    """torch's generate_intervals: window starts from one U(0, 1) sample (in the input's dtype)."""
    seq = np.zeros(out_size, np.int64)
    if out_size > 1:
        alpha = dt(in_size - pool) / dt(out_size - 1)
        i = np.arange(out_size - 1).astype(dt)
        seq[:-1] = ((i + dt(sample)) * alpha).astype(np.int64) - np.int64(dt(sample) * alpha)
    if out_size > 0:
        seq[-1] = in_size - pool
    return seq


def fractional_max_pool2d(
    input: Tensor,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices: bool = False,
    _random_samples=None,
):
    """Max pooling over pseudo-random overlapping windows (Graham, 2014): one U(0, 1) pair per
    (batch, channel) places the windows, as torch's (same samples, same windows)."""
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an output_ratio")
    if input.dim() not in (3, 4):
        raise RuntimeError(f"fractional_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    if output_size is None:
        ratio = (
            (output_ratio, output_ratio)
            if not isinstance(output_ratio, (tuple, list))
            else tuple(output_ratio)
        )
        if len(ratio) > 2:
            raise ValueError(
                "fractional_max_pool2d requires output_ratio to either be a single Int or tuple of Ints."
            )
        output_size = [int(input.shape[-2] * ratio[0]), int(input.shape[-1] * ratio[1])]
    oh, ow = _tuple(output_size, 2, "output_size", "fractional_max_pool2d")
    kh, kw = _tuple(kernel_size, 2, "kernel_size", "fractional_max_pool2d")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    n, c, h, w = x.shape
    if oh + kh - 1 > h:
        raise RuntimeError(
            f"fractional_max_pool2d(): pool height {kh} too large relative to input height {h}"
        )
    if ow + kw - 1 > w:
        raise RuntimeError(f"fractional_max_pool2d(): pool width {kw} too large relative to input width {w}")
    if _random_samples is None:
        from ... import _creation

        _random_samples = _creation.rand(n, c, 2, dtype=input.dtype)
    samples = np.asarray(_random_samples._data if isinstance(_random_samples, Tensor) else _random_samples)
    dt = np.float64 if input._data.dtype == np.float64 else np.float32
    # flat (H * W) input index of each window element, per (n, c): (N, C, OH, OW, KH * KW)
    table = np.empty((n, c, oh, ow, kh * kw), np.int64)
    for b in range(n):
        for ch in range(c):
            sw = _fractional_intervals(samples[b, ch, 0], w, ow, kw, dt)
            sh = _fractional_intervals(samples[b, ch, 1], h, oh, kh, dt)
            rows = sh[:, None] + np.arange(kh)[None, :]  # (OH, KH)
            cols = sw[:, None] + np.arange(kw)[None, :]  # (OW, KW)
            table[b, ch] = (rows[:, None, :, None] * w + cols[None, :, None, :]).reshape(oh, ow, kh * kw)
    flat = x.reshape(n, c, h * w)
    win = flat.gather(2, _const(table.reshape(n, c, -1))).reshape(n, c, oh, ow, kh * kw)
    values, arg = win.max(-1)
    idx = np.take_along_axis(table, arg._data[..., None], -1)[..., 0]
    if not batched:
        values, idx = values.squeeze(0), idx[0]
    if return_indices:
        return values, _const(idx)
    return values


def fractional_max_pool2d_with_indices(
    input: Tensor,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices: bool = False,
    _random_samples=None,
):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)
