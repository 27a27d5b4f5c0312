"""Utilities, as ``torch.utils``: ``data`` (datasets and the DataLoader), ``checkpoint``
(activation checkpointing), ``benchmark`` (``Timer``), ``tensorboard`` (``SummaryWriter``)."""

import importlib

from . import data

__all__ = ["benchmark", "checkpoint", "data", "tensorboard"]


def __getattr__(name: str):
    if name in ("benchmark", "checkpoint", "tensorboard"):  # loaded on first use
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
