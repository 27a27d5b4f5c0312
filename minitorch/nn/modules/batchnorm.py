"""torch's module path for the batch norms (``torch.nn.modules.batchnorm``); they live in
``normalization.py`` with the other norms that share their affine parameters."""

from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "_BatchNorm"]


def __getattr__(name: str):
    # torch's path for its lazy layers; they live in lazy.py (imported on first use: no cycle)
    if name in (
        "LazyBatchNorm1d",
        "LazyBatchNorm2d",
        "LazyBatchNorm3d",
    ):
        from . import lazy

        return getattr(lazy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
