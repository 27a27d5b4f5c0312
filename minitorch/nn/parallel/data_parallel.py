"""``DataParallel``: with no GPU to split the batch over, torch's ``DataParallel`` wraps the module
and calls it directly; minitorch does the same (so ``state_dict`` keys get the ``module.`` prefix)."""

from __future__ import annotations

from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _cpu_only(ids, what: str) -> None:
    if ids:
        raise RuntimeError(f"{what}: device_ids={list(ids)} name GPUs, but minitorch runs on the CPU only")


class DataParallel(Module):
    """``DataParallel(module, device_ids=None, output_device=None, dim=0)``: ``forward`` calls
    ``module`` (``device_ids`` stays empty, as torch's on a CPU-only machine)."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        _cpu_only(device_ids, "DataParallel")
        self.module = module
        self.device_ids = []
        self.dim = dim
        self.output_device = None
        self.src_device_obj = None

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim: int = 0, module_kwargs=None):
    """Functional ``DataParallel``: ``module(*inputs, **module_kwargs)`` on the CPU."""
    _cpu_only(device_ids, "data_parallel")
    if not isinstance(inputs, tuple):
        inputs = (inputs,)
    return module(*inputs, **(module_kwargs or {}))
