"""The 8x8 handwritten digits that ship with scikit-learn (1,797 images, 10 classes), embedded
in minitorch so examples and tests have real images with no download and no extra package.

The data (``_data/digits-*-idx*-ubyte.gz``, IDX format, 44 KB) is scikit-learn's
``load_digits()`` unchanged: the test set of the UCI "Optical Recognition of Handwritten Digits"
data set (Alpaydin & Kaynak, 1998; CC BY 4.0), pixel values 0-16.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from ..tensor import Tensor
from .idx import read_image_file, read_label_file
from .vision import VisionDataset

__all__ = ["load_digits", "Digits"]

_DATA = os.path.join(os.path.dirname(__file__), "_data")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The embedded 8x8 digits as NumPy arrays, equal to scikit-learn's ``load_digits()``.

    Returns:
        ``(images, targets)``: images uint8 (1797, 8, 8) with values 0-16 (sklearn's
        ``images``, there float64), targets int64 (1797,) with labels 0-9.

    Example:
        >>> images, targets = load_digits()
        >>> x = minitorch.tensor(images.reshape(-1, 64) / 16.0, dtype=minitorch.float32)
    """
    images = read_image_file(os.path.join(_DATA, "digits-images-idx3-ubyte.gz"))
    targets = read_label_file(os.path.join(_DATA, "digits-labels-idx1-ubyte.gz"))
    return images, targets


class Digits(VisionDataset):
    """The embedded 8x8 digits as a dataset with a fixed train/test split, shaped like ``MNIST``.

    Pixels are rescaled from 0-16 to 0-255 (uint8, ``round(v * 255 / 16)``) so the images look
    like MNIST's and ``ToTensor`` maps them to [0, 1]. The test split is every fifth image
    (index % 5 == 4: 359 images), the training split the other 1,438; both hold all writers'
    styles, and the split does not depend on any random seed.

    Args:
        root: ignored (the data is embedded); accepted so code written for ``MNIST`` works.
        train: the training split (1,438 images) or the test split (359).
        transform: applied to each image, a uint8 array (8, 8); default ``ToTensor()``, giving a
            float32 tensor (1, 8, 8) in [0, 1].
        target_transform: applied to each label (a Python int).
    """

    classes = [str(i) for i in range(10)]

    def __init__(
        self,
        root: str | None = None,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(None, transform, target_transform)
        self.train = train
        images, targets = load_digits()
        keep = (np.arange(len(images)) % 5 != 4) if train else (np.arange(len(images)) % 5 == 4)
        scaled = np.round(images[keep] * (255 / 16)).astype(np.uint8)
        self.data = Tensor._make(scaled, False, None)
        self.targets = Tensor._make(targets[keep], False, None)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"
