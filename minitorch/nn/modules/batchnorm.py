"""torch's module path for the batch norms (``torch.nn.modules.batchnorm``); they live in
``normalization.py`` with the other norms that share their affine parameters."""

from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "_BatchNorm"]
