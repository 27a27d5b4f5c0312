"""Datasets, as ``torchvision.datasets``: ``MNIST`` and ``FashionMNIST`` (IDX files found on disk
or downloaded from mirrors), the embedded 8x8 ``Digits`` / ``load_digits()``, and a few
``transforms``. All work with ``minitorch.utils.data.DataLoader``.

Example:
    >>> from minitorch.datasets import MNIST, transforms
    >>> train = MNIST("data", train=True, download=True,
    ...               transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))
    >>> image, label = train[0]      # float32 tensor (1, 28, 28), int
"""

from . import transforms
from .digits import Digits, load_digits
from .download import download_url, md5sum
from .idx import read_idx, read_image_file, read_label_file, write_idx
from .mnist import MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = [
    "MNIST",
    "FashionMNIST",
    "Digits",
    "VisionDataset",
    "load_digits",
    "transforms",
    "download_url",
    "md5sum",
    "read_idx",
    "write_idx",
    "read_image_file",
    "read_label_file",
]
