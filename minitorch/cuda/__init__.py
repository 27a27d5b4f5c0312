"""``torch.cuda`` on a machine without CUDA: the queries scripts make at the top answer as torch's
CPU build does (``is_available()`` False, ``device_count()`` 0), seeding and cache calls do
nothing, and calls that need a GPU raise torch's ``AssertionError``."""

from __future__ import annotations

from . import amp

__all__ = [
    "amp",
    "current_device",
    "device_count",
    "empty_cache",
    "get_device_name",
    "is_available",
    "is_bf16_supported",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "memory_allocated",
    "set_device",
    "synchronize",
]

_NOT_COMPILED = "Torch not compiled with CUDA enabled (minitorch runs on the CPU only)"


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Nothing to seed: there is no GPU (torch's CPU build does the same)."""


manual_seed_all = manual_seed


def empty_cache() -> None:
    """Nothing cached: there is no GPU."""


def memory_allocated(device=None) -> int:
    return 0


def max_memory_allocated(device=None) -> int:
    return 0


def _no_cuda(*args, **kwargs):
    raise AssertionError(_NOT_COMPILED)


current_device = get_device_name = get_device_properties = set_device = synchronize = _no_cuda
