"""Max, average and adaptive average pooling, 1-D and 2-D."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ...ops import conv as C
from ...tensor import Tensor
from ._arguments import _check_tensor, _tuple


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
    dtype = x._data.dtype if x._data.dtype.kind in "fV" else np.dtype(np.float64)
    div = C._avg_divisor(spec, count_include_pad, divisor_override, dtype)
    if x._data.dtype.kind not in "fV":  # integer pooling truncates, as torch
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
