"""``ToImage`` and ``ToDtype`` of ``torchvision.transforms.v2``."""

from __future__ import annotations

from ....tensor import Tensor
from .. import functional as F

__all__ = ["ToImage", "ToDtype"]


class ToImage:
    """A PIL image or ndarray (H, W[, C]) -> a tensor (C, H, W) of the same dtype; tensors pass."""

    def __call__(self, img):
        if isinstance(img, Tensor):
            return img if img.dim() >= 3 else img.unsqueeze(0)
        return F.pil_to_tensor(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ToDtype:
    """Cast a tensor image to ``dtype``; with ``scale=True`` rescale values (uint8 255 <-> 1.0)."""

    def __init__(self, dtype, scale: bool = False) -> None:
        self.dtype, self.scale = dtype, scale

    def __call__(self, img):
        if not isinstance(img, Tensor):
            return img
        return F.convert_image_dtype(img, self.dtype) if self.scale else img.to(self.dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dtype={self.dtype}, scale={self.scale})"
