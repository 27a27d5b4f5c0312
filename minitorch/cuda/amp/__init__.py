"""``torch.cuda.amp``: the deprecated spellings of ``torch.amp.autocast('cuda')`` and
``torch.amp.GradScaler('cuda')``, with torch's FutureWarning. Without CUDA both disable themselves
with torch's warning."""

from __future__ import annotations

from ...amp._deprecated import deprecated_spellings

__all__ = ["GradScaler", "autocast"]

autocast, GradScaler = deprecated_spellings("cuda")
