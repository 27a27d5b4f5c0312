"""``VisionDataset``: the shared body of the image datasets (MNIST, FashionMNIST, Digits).

A subclass fills ``self.data`` (a uint8 tensor (N, H, W)) and ``self.targets`` (an int64 tensor
(N,)). Sample ``i`` is ``(transform(image), target_transform(label))`` where ``image`` is the
uint8 array (H, W) (what torchvision would hand over as a PIL image) and ``label`` a Python int.
With ``transform=None`` the image comes out as ``ToTensor()`` makes it: a float32 tensor
(1, H, W) in [0, 1]. (torchvision returns the PIL image itself there; minitorch has no PIL, and a
tensor is what a training loop needs.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..tensor import Tensor
from ..utils.data import Dataset
from .transforms import ToTensor, _can_batch

__all__ = ["VisionDataset"]

_DEFAULT_TRANSFORM = ToTensor()


def _array(x) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


class VisionDataset(Dataset):
    """Images with integer labels, held in memory as ``data`` (uint8) and ``targets`` (int64)."""

    data: Tensor
    targets: Tensor
    classes: list[str] = []

    def __init__(
        self, root: str | None, transform: Callable | None = None, target_transform: Callable | None = None
    ) -> None:
        self.root = root
        self.transform = transform
        self.target_transform = target_transform

    def __getitem__(self, index: int):
        """``(image, target)``: by default a float32 tensor (1, H, W) in [0, 1] and an int."""
        img, target = _array(self.data)[index], int(_array(self.targets)[index])
        img = (_DEFAULT_TRANSFORM if self.transform is None else self.transform)(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(_array(self.data))

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def _batch_fetcher(self):
        """A whole batch in a few NumPy calls (used by ``DataLoader``), when the transforms allow it.

        Gives exactly what indexing sample by sample and ``default_collate`` give.
        """
        if type(self).__getitem__ is not VisionDataset.__getitem__ or self.target_transform is not None:
            return None
        transform = _DEFAULT_TRANSFORM if self.transform is None else self.transform
        if not _can_batch(transform):
            return None
        images, targets = _array(self.data), _array(self.targets).astype(np.int64, copy=False)
        return lambda idx: [transform._batched(images[idx]), Tensor._make(targets[idx], False, None)]

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"Root location: {self.root}")
        lines += [line for line in self.extra_repr().splitlines() if line]
        if self.transform is not None:
            lines.append(f"Transform: {self.transform!r}".replace("\n", "\n    "))
        if self.target_transform is not None:
            lines.append(f"Target transform: {self.target_transform!r}")
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in lines])
