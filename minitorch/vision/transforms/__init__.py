"""``torchvision.transforms`` on minitorch: the transform classes, ``functional`` (as ``F``) and
``v2`` (the same classes). Inputs: PIL images (with Pillow), uint8 arrays (H, W[, C]) as
``minitorch.datasets`` hands them, and tensors (..., C, H, W)."""

from . import functional
from .transforms import *  # noqa: F403
from .transforms import __all__
from .autoaugment import AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide

__all__ = [*__all__, "AutoAugment", "AutoAugmentPolicy", "RandAugment", "TrivialAugmentWide"]

from . import v2  # noqa: E402  (after the classes it re-exports)
