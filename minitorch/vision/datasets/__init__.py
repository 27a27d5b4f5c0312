"""``torchvision.datasets`` on minitorch: ``MNIST``/``FashionMNIST`` (from ``minitorch.datasets``), ``KMNIST``,
``CIFAR10``/``CIFAR100``, ``ImageFolder``/``DatasetFolder`` and ``FakeData``."""

from ...datasets import MNIST, FashionMNIST
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .kmnist import KMNIST
from .vision import StandardTransform, VisionDataset
from .folder import IMG_EXTENSIONS, DatasetFolder, ImageFolder, default_loader, pil_loader

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "VisionDataset", "StandardTransform", "CIFAR10", "CIFAR100", "FakeData", "ImageFolder",
           "DatasetFolder", "IMG_EXTENSIONS", "default_loader", "pil_loader"]  # fmt: skip
