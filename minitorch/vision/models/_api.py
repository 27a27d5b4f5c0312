"""Weights enums (``ResNet18_Weights.DEFAULT`` ...) without downloads: minitorch.vision cannot fetch
pretrained weights, but loads them from torch hub's cache (``$TORCH_HOME/hub/checkpoints``, see
``minitorch.hub.get_dir``) when a torchvision run already put the file there."""

from __future__ import annotations

import os
from enum import Enum

__all__ = ["Weights", "WeightsEnum", "load_weights"]


class Weights:
    def __init__(self, url: str, num_classes: int = 1000) -> None:
        self.url = url
        self.meta = {"num_classes": num_classes}

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    def __repr__(self) -> str:
        return f"Weights(url={self.url!r})"


class WeightsEnum(Enum):
    """An enum of ``Weights``; ``get_state_dict()`` reads the cached file or raises."""

    @classmethod
    def verify(cls, obj):
        if obj is None:
            return None
        if isinstance(obj, str):
            obj = cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(
                f"Invalid Weight class provided; expected {cls.__name__} but received {obj.__class__.__name__}."
            )
        return obj

    @property
    def url(self) -> str:
        return self.value.url

    @property
    def meta(self) -> dict:
        return self.value.meta

    def get_state_dict(self, progress: bool = True, check_hash: bool = True):
        return load_weights(self.value)


def load_weights(weights: Weights):
    from ... import hub, load

    path = os.path.join(hub.get_dir(), "checkpoints", weights.filename)
    if not os.path.isfile(path):
        raise RuntimeError(
            f"minitorch.vision cannot download pretrained weights ({weights.url}). Put the file at {path} "
            "(where torchvision caches it) to load it, or build the model with weights=None."
        )
    return load(path, map_location="cpu", weights_only=True)


def _resolve(weights_enum, weights, kwargs):
    """``weights`` (or the deprecated ``pretrained=True``) -> the Weights member or None."""
    if kwargs.pop("pretrained", False):
        weights = weights or weights_enum.DEFAULT
    weights = weights_enum.verify(weights)
    if weights is not None:
        kwargs.setdefault("num_classes", weights.meta["num_classes"])
    return weights


def _load_into(model, weights):
    if weights is not None:
        model.load_state_dict(weights.get_state_dict())  # (BatchNorm keeps its count if a file lacks it)
    return model
