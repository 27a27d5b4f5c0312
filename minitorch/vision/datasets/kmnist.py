"""``KMNIST`` (Kuzushiji-MNIST), as ``torchvision.datasets``: MNIST's format and layout
(``root/KMNIST/raw``), other mirror and classes. (EMNIST, shipped as a zip of splits, is not provided.)"""

from __future__ import annotations

from ...datasets.mnist import MNIST

__all__ = ["KMNIST"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: 70,000 28x28 grayscale cursive Japanese characters in 10 classes.

    Same arguments as ``minitorch.datasets.MNIST``; mirrors also from ``MINITORCH_KMNIST_MIRRORS``.
    """

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
