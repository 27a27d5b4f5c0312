"""Image transforms that mirror ``torchvision.transforms``: ``ToTensor``, ``Normalize``,
``Compose`` and ``Lambda``.

minitorch has no PIL dependency, so the datasets hand a transform a uint8 NumPy array (H, W)
where torchvision hands it a PIL image; ``ToTensor`` accepts both (and anything
``np.asarray`` turns into an (H, W) or (H, W, C) array), so torchvision pipelines such as
``Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])`` read and behave the same.

Each transform here can also run on a whole batch at once (``_batched``: images stacked along a
new first dim), which the datasets use to let ``DataLoader`` build a batch with a few NumPy
calls instead of one call per image. Both paths give the same numbers (see the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .. import _dtype
from ..tensor import Tensor

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda"]


class Compose:
    """Apply several transforms in turn.

    Example:
        >>> t = Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])
    """

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def _batched(self, imgs):
        for t in self.transforms:
            imgs = t._batched(imgs)
        return imgs

    @property
    def _can_batch(self) -> bool:
        return all(_can_batch(t) for t in self.transforms)

    def __repr__(self) -> str:
        lines = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({lines}\n)"


class ToTensor:
    """An image (H, W) or (H, W, C) (NumPy array or PIL image) -> a tensor (C, H, W).

    uint8 images are scaled to [0, 1] in the default float dtype (float32); other dtypes keep
    their values and dtype, as ``torchvision.transforms.ToTensor``.
    """

    def __call__(self, pic) -> Tensor:
        arr = _as_image_array(pic)
        if arr.ndim == 2:
            arr = arr[:, :, None]
        return _to_float_tensor(np.ascontiguousarray(arr.transpose(2, 0, 1)))

    def _batched(self, imgs: np.ndarray) -> Tensor:
        if imgs.ndim == 3:
            imgs = imgs[:, None]
        else:
            imgs = np.ascontiguousarray(imgs.transpose(0, 3, 1, 2))
        return _to_float_tensor(imgs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """``(x - mean[c]) / std[c]`` per channel on a float tensor (..., C, H, W).

    Args:
        mean, std: one value per channel (sequences; a single number broadcasts).
        inplace: overwrite the input tensor instead of returning a new one.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor: Tensor) -> Tensor:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.dim() < 3:
            raise ValueError(
                "Expected tensor to be a tensor image of size (..., C, H, W). Got "
                f"tensor.size() = {tensor.size()}"
            )
        mean, std = self._stats(tensor._data.dtype)
        if self.inplace:
            tensor.sub_(Tensor._make(mean, False, None)).div_(Tensor._make(std, False, None))
            return tensor
        return tensor.sub(Tensor._make(mean, False, None)).div(Tensor._make(std, False, None))

    def _batched(self, imgs: Tensor) -> Tensor:
        return self(imgs)

    def _stats(self, dtype) -> tuple[np.ndarray, np.ndarray]:
        mean = np.asarray(self.mean, dtype=dtype)
        std = np.asarray(self.std, dtype=dtype)
        if (std == 0).any():
            raise ValueError(
                f"std evaluated to zero after conversion to {_dtype.from_numpy_dtype(np.dtype(dtype))}, "
                "leading to division by zero."
            )
        if mean.ndim == 1:
            mean = mean.reshape(-1, 1, 1)
        if std.ndim == 1:
            std = std.reshape(-1, 1, 1)
        return mean, std

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """Wrap a function as a transform."""

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _as_image_array(pic) -> np.ndarray:
    if isinstance(pic, Tensor) or not (isinstance(pic, np.ndarray) or hasattr(pic, "__array_interface__")):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    arr = np.asarray(pic)
    if arr.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {arr.ndim} dimensions.")
    return arr


def _to_float_tensor(arr: np.ndarray) -> Tensor:
    if arr.dtype == np.uint8:
        ftype = _dtype.default_float.np
        arr = np.divide(arr, ftype.type(255), dtype=ftype)  # x.float() / 255, rounded as torch does
    else:
        _dtype.from_numpy_dtype(arr.dtype)  # TypeError for dtypes a tensor cannot hold
    return Tensor._make(arr, False, None)


def _can_batch(transform) -> bool:
    """Whether ``transform`` has a batched form that gives the same result as its per-image form."""
    if isinstance(transform, Compose):
        return transform._can_batch
    return type(transform) in (ToTensor, Normalize)
