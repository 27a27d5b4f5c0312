"""``DistributedDataParallel``: needs a process group, and minitorch has none."""

from __future__ import annotations

from ... import distributed
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Raises torch's error for a process group that was never initialized: minitorch runs in one
    process (``minitorch.distributed.is_available()`` is False). Use the module itself, or
    ``DataParallel`` (which just calls it)."""

    def __init__(self, module: Module, *args, **kwargs) -> None:
        super().__init__()
        if not distributed.is_initialized():
            raise ValueError(
                distributed._NO_GROUP
                + " (minitorch runs in one process: use the module itself instead of DistributedDataParallel)"
            )
