"""``torchvision.datasets.VisionDataset``'s signature, ``(root, transforms=None, transform=None,
target_transform=None)``, over ``minitorch.datasets.VisionDataset``, for datasets that scripts
define themselves; and ``StandardTransform``."""

from __future__ import annotations

from ...datasets.vision import VisionDataset as _BaseVisionDataset

__all__ = ["VisionDataset", "StandardTransform"]


class StandardTransform:
    """``(input, target) -> (transform(input), target_transform(target))``."""

    def __init__(self, transform=None, target_transform=None) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self) -> str:
        body = [self.__class__.__name__]
        if self.transform is not None:
            body.append(f"Transform: {self.transform!r}")
        if self.target_transform is not None:
            body.append(f"Target transform: {self.target_transform!r}")
        return "\n".join(body)


class VisionDataset(_BaseVisionDataset):
    """Base class with torchvision's constructor: pass either ``transforms`` (a callable on
    ``(input, target)``) or ``transform``/``target_transform``."""

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None) -> None:
        has_transforms = transforms is not None
        has_separate_transform = transform is not None or target_transform is not None
        if has_transforms and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        super().__init__(root, transform, target_transform)
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms
