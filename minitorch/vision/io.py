"""``torchvision.io.read_image`` / ``decode_image``: image files -> uint8 tensors (C, H, W), decoded
with Pillow (an optional dependency)."""

from __future__ import annotations

import io
import os
from enum import Enum

import numpy as np

from ..tensor import Tensor
from ._pil import require_pil

__all__ = ["ImageReadMode", "read_image", "decode_image", "read_file", "write_png", "encode_png"]


class ImageReadMode(Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}  # fmt: skip


def read_file(path) -> Tensor:
    """The bytes of a file as a uint8 tensor (N,)."""
    with open(os.fspath(path), "rb") as f:
        return Tensor._make(np.frombuffer(f.read(), dtype=np.uint8).copy(), False, None)


def decode_image(
    input, mode: ImageReadMode = ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False
) -> Tensor:
    """Decode an image (a uint8 tensor of the file's bytes, or a path) to a uint8 tensor (C, H, W)."""
    Image = require_pil("torchvision.io image decoding")
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    if isinstance(input, Tensor):
        data = input._data.tobytes()
    else:
        with open(os.fspath(input), "rb") as f:
            data = f.read()
    img = Image.open(io.BytesIO(data))
    if apply_exif_orientation:
        from PIL import ImageOps

        img = ImageOps.exif_transpose(img)
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODES[mode])
    elif img.mode not in ("L", "LA", "RGB", "RGBA", "I;16"):
        img = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
    arr = np.array(img)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return Tensor._make(np.ascontiguousarray(arr.transpose(2, 0, 1)), False, None)


def read_image(
    path, mode: ImageReadMode = ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False
) -> Tensor:
    """Read a JPEG/PNG/... file into a uint8 tensor (C, H, W)."""
    return decode_image(os.fspath(path), mode, apply_exif_orientation)


def encode_png(input: Tensor, compression_level: int = 6) -> Tensor:
    Image = require_pil("encode_png")
    arr = input._data.transpose(1, 2, 0)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)).save(
        buf, format="PNG", compress_level=compression_level
    )
    return Tensor._make(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy(), False, None)


def write_png(input: Tensor, filename, compression_level: int = 6) -> None:
    with open(os.fspath(filename), "wb") as f:
        f.write(encode_png(input, compression_level)._data.tobytes())
