"""``torch.cuda.amp`` and ``torch.cpu.amp``: the deprecated spellings of ``torch.amp.autocast(device)``
and ``torch.amp.GradScaler(device)``, with torch's FutureWarning."""

from __future__ import annotations

import warnings

from .autocast_mode import autocast as _autocast
from .grad_scaler import GradScaler as _GradScaler


def deprecated_spellings(device: str) -> tuple:
    """``(autocast, GradScaler)`` of ``torch.<device>.amp``."""

    def warn(name: str) -> None:
        warnings.warn(
            f"`torch.{device}.amp.{name}(args...)` is deprecated. Please use "
            f"`torch.amp.{name}('{device}', args...)` instead.",
            FutureWarning,
            stacklevel=3,
        )

    class autocast(_autocast):
        def __init__(self, enabled: bool = True, dtype=None, cache_enabled: bool = True) -> None:
            warn("autocast")
            super().__init__(device, dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    class GradScaler(_GradScaler):
        def __init__(
            self,
            init_scale: float = 2.0**16,
            growth_factor: float = 2.0,
            backoff_factor: float = 0.5,
            growth_interval: int = 2000,
            enabled: bool = True,
        ) -> None:
            warn("GradScaler")
            super().__init__(device, init_scale, growth_factor, backoff_factor, growth_interval, enabled)

    for cls in (autocast, GradScaler):
        cls.__module__ = f"minitorch.{device}.amp"
        cls.__doc__ = (
            f"``torch.{device}.amp.{cls.__name__}(...)``, i.e. ``torch.amp.{cls.__name__}('{device}', ...)``."
        )
    return autocast, GradScaler
