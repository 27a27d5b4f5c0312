"""Process-wide memory allocator tuning, applied once when minitorch is imported."""

from __future__ import annotations


def _keep_freed_memory() -> None:
    """Ask glibc's malloc to reuse freed big blocks instead of returning them to the OS.

    NOTE: by default glibc serves blocks over 128 KiB with fresh ``mmap`` pages and unmaps them
    on free, so every training step page-faults its activations and im2col columns in again
    (measured: ~2,700 faults and about half of a LeNet step). Keeping blocks up to 32 MiB on the
    heap, and not trimming it, removes that cost, as PyTorch's caching allocators do. Set
    ``MINITORCH_NO_MALLOPT=1`` (or any ``MALLOC_*`` variable of your own) to leave malloc alone.
    """
    import ctypes
    import os
    import sys

    if not sys.platform.startswith("linux") or os.environ.get("MINITORCH_NO_MALLOPT"):
        return
    if any(k.startswith("MALLOC_") for k in os.environ):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        pass
