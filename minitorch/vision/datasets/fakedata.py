"""``FakeData``, as ``torchvision.datasets``: random images, the same for an index every time."""

from __future__ import annotations

import numpy as np

import minitorch

from ...datasets.vision import _DEFAULT_TRANSFORM
from ...utils.data import Dataset
from ..transforms.functional import _float_to_byte

__all__ = ["FakeData"]


class FakeData(Dataset):
    """``size`` random images of ``image_size`` (C, H, W) with labels in ``range(num_classes)``.

    Image ``i`` is drawn as torchvision draws it (``randn`` after ``manual_seed(i + random_offset)``,
    then the label with ``randint``; the global generator state is restored), turned into uint8 as
    ``ToPILImage`` does, and handed to ``transform`` as a uint8 array (H, W, C) (torchvision hands
    the PIL image); with ``transform=None`` it comes out as ``ToTensor()`` makes it.
    """

    def __init__(self, size: int = 1000, image_size=(3, 224, 224), num_classes: int = 10, transform=None,
                 target_transform=None, random_offset: int = 0) -> None:  # fmt: skip
        self.size, self.num_classes = size, num_classes
        self.image_size = tuple(image_size)
        self.transform, self.target_transform = transform, target_transform
        self.random_offset = random_offset

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng_state = minitorch.get_rng_state()
        minitorch.manual_seed(index + self.random_offset)
        img = minitorch.randn(*self.image_size)
        target = minitorch.randint(0, self.num_classes, size=(1,), dtype=minitorch.long)[0]
        minitorch.set_rng_state(rng_state)
        arr = _float_to_byte(img._data * np.float32(255)).transpose(1, 2, 0)
        if arr.shape[2] == 1:
            arr = arr[:, :, 0]
        img = (_DEFAULT_TRANSFORM if self.transform is None else self.transform)(np.ascontiguousarray(arr))
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, int(target.item()) if isinstance(target, minitorch.Tensor) else target

    def __len__(self) -> int:
        return self.size
