"""``pad``: constant, reflect, replicate and circular padding of the last dims."""

from __future__ import annotations

import numpy as np

from ...ops import conv as C
from ...tensor import Tensor
from ._arguments import _check_tensor


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
