"""``torch.distributed`` in a single process: ``is_available()`` is False (minitorch has no
communication backend), ``is_initialized()`` is False, and everything that needs a process group
raises torch's error for a group that was never initialized."""

from __future__ import annotations

__all__ = [
    "all_reduce",
    "barrier",
    "broadcast",
    "destroy_process_group",
    "get_rank",
    "get_world_size",
    "init_process_group",
    "is_available",
    "is_initialized",
    "is_torchelastic_launched",
]

_NO_GROUP = "Default process group has not been initialized, please make sure to call init_process_group."


def is_available() -> bool:
    return False


def is_initialized() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return False


def init_process_group(*args, **kwargs) -> None:
    raise RuntimeError(
        "minitorch.distributed.init_process_group: minitorch runs in one process and has no "
        "communication backend (gloo, nccl, mpi); run the script without torchrun/distributed launch"
    )


def _needs_group(*args, **kwargs):
    raise ValueError(_NO_GROUP)


get_rank = get_world_size = barrier = all_reduce = broadcast = destroy_process_group = _needs_group
