"""``torchvision`` on minitorch: ``datasets``, ``transforms`` (with ``functional`` and ``v2``),
``utils`` (``make_grid``, ``save_image``), ``io`` (``read_image``) and ``models`` (ResNet, VGG,
AlexNet, MobileNetV2; no weight downloads). ``python -m minitorch``
aliases ``torchvision`` (and every ``torchvision.X``) to this package.

Pillow is optional: PIL images, ``ImageFolder``, ``ToPILImage``, ``save_image`` and ``io`` need
it; everything else works on uint8 arrays and tensors.
"""

from . import datasets, io, models, transforms, utils

__version__ = "0.0.0+minitorch"

__all__ = ["datasets", "io", "models", "transforms", "utils"]


def get_image_backend() -> str:
    return "PIL"


def set_image_backend(backend: str) -> None:
    if backend != "PIL":
        raise ValueError(f"minitorch.vision: only the 'PIL' image backend is available, not {backend!r}")
