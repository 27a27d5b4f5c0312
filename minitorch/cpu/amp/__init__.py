"""``torch.cpu.amp``: the deprecated spellings of ``torch.amp.autocast('cpu')`` and
``torch.amp.GradScaler('cpu')``, with torch's FutureWarning."""

from __future__ import annotations

from ...amp._deprecated import deprecated_spellings

__all__ = ["GradScaler", "autocast"]

autocast, GradScaler = deprecated_spellings("cpu")
