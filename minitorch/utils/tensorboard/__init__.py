"""TensorBoard logging, as ``torch.utils.tensorboard``: ``SummaryWriter`` writes event files through
the ``tensorboard`` package (an optional dependency: ``pip install tensorboard``)."""

from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
