"""``torchvision.utils``: ``make_grid`` (a batch of images tiled into one) and ``save_image``."""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from ._pil import require_pil

__all__ = ["make_grid", "save_image"]


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False, value_range=None,
              scale_each: bool = False, pad_value: float = 0.0) -> Tensor:  # fmt: skip
    """Tile images (B, C, H, W) (or a list of (C, H, W)) into one image, ``nrow`` per row,
    ``padding`` pixels of ``pad_value`` between them. ``normalize`` maps ``value_range`` (default:
    the min and max; per image with ``scale_each``) to [0, 1]. One-channel images become three."""
    if isinstance(tensor, list):
        if not all(isinstance(t, Tensor) for t in tensor):
            raise TypeError(
                f"tensor or list of tensors expected, got a list containing {set(type(t) for t in tensor)}"
            )
        arr = np.stack([t._data for t in tensor], axis=0)
    elif isinstance(tensor, Tensor):
        arr = tensor._data
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        if arr.shape[0] == 1:
            arr = np.concatenate((arr, arr, arr), 0)
        arr = arr[None]
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = np.concatenate((arr, arr, arr), 1)
    if normalize is True:
        arr = arr.copy()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

        def norm_ip(img, low, high):
            np.clip(img, low, high, out=img)
            img -= img.dtype.type(low)
            img /= img.dtype.type(max(high - low, 1e-5))

        def norm_range(t, value_range):
            if value_range is not None:
                norm_ip(t, value_range[0], value_range[1])
            else:
                norm_ip(t, float(t.min()), float(t.max()))

        if scale_each is True:
            for t in arr:
                norm_range(t, value_range)
        else:
            norm_range(arr, value_range)
    if arr.shape[0] == 1:
        return Tensor._make(np.ascontiguousarray(arr[0]), False, None)
    nmaps = arr.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(arr.shape[2] + padding), int(arr.shape[3] + padding)
    grid = np.full(
        (arr.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value, dtype=arr.dtype
    )
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            grid[:, y * height + padding : (y + 1) * height, x * width + padding : (x + 1) * width] = arr[k]
            k += 1
    return Tensor._make(grid, False, None)


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """``make_grid(tensor, **kwargs)`` written as an 8-bit image file (needs Pillow)."""
    Image = require_pil("save_image")
    grid = make_grid(tensor, **kwargs)._data
    ndarr = (
        np.clip(grid * grid.dtype.type(255) + grid.dtype.type(0.5), 0, 255)
        .transpose(1, 2, 0)
        .astype(np.uint8)
    )
    Image.fromarray(np.ascontiguousarray(ndarr)).save(fp, format=format)
