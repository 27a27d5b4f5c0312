"""``torch.nn.parallel``: ``DataParallel`` on a machine without GPUs just runs the module, as torch
does; ``DistributedDataParallel`` needs a process group, which minitorch never has."""

from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
