"""Automatic mixed precision, as ``torch.amp``: ``autocast`` and ``GradScaler``.

minitorch has float32 kernels only (NumPy), so ``autocast`` never changes a dtype; it keeps
torch's checks, warnings and ``is_autocast_enabled`` state so AMP boilerplate runs unchanged.
``GradScaler`` is the real algorithm: enabled for ``'cpu'`` (it scales the loss and unscales,
checks and skips steps exactly as torch), disabled with torch's warning for ``'cuda'``.
"""

from .autocast_mode import (
    autocast,
    custom_bwd,
    custom_fwd,
    get_autocast_dtype,
    is_autocast_available,
    is_autocast_enabled,
)
from .grad_scaler import GradScaler, OptState

__all__ = [
    "GradScaler",
    "OptState",
    "autocast",
    "custom_bwd",
    "custom_fwd",
    "get_autocast_dtype",
    "is_autocast_available",
    "is_autocast_enabled",
]
