"""``torch.cpu``: the CPU device module (``is_available()``, ``device_count()``, ``synchronize()``,
...) and ``torch.cpu.amp``, the deprecated spellings of ``torch.amp.autocast('cpu')``."""

from __future__ import annotations

from . import amp

__all__ = ["amp", "current_device", "device_count", "is_available", "set_device", "synchronize"]


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    """Kept for API parity (there is one CPU device)."""


def synchronize(device=None) -> None:
    """Kept for API parity: CPU work is synchronous."""
