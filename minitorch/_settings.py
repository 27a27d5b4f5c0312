"""Process-wide switches that torch scripts set at the top: determinism, matmul precision, thread
counts. On NumPy most are already what the script asks for; they are recorded and reported back
so that the ``get``/``are`` side answers as torch's does."""

from __future__ import annotations

import os

_deterministic = {"mode": False, "warn_only": False}
_matmul_precision = ["highest"]
_interop_threads = [1]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Every minitorch op is deterministic on the CPU already; the flag is kept for the getters."""
    _deterministic["mode"], _deterministic["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic["warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """Accepted values as torch: 'highest', 'high', 'medium' (NumPy always computes 'highest')."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid value {precision!r} for float32 matmul precision")
    _matmul_precision[0] = precision


def get_float32_matmul_precision() -> str:
    return _matmul_precision[0]


def _threadpool_limits():
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return None, None
    return threadpool_info, threadpool_limits


def get_num_threads() -> int:
    """The BLAS thread count (what minitorch's matmuls and convolutions use)."""
    info, _ = _threadpool_limits()
    if info is not None:
        counts = [p["num_threads"] for p in info() if p.get("user_api") == "blas"]
        if counts:
            return max(counts)
    return os.cpu_count() or 1


def set_num_threads(n: int) -> None:
    """Set the BLAS thread count (through ``threadpoolctl`` when it is installed)."""
    n = int(n)
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _, limits = _threadpool_limits()
    if limits is not None:
        limits(limits=n, user_api="blas")


def get_num_interop_threads() -> int:
    return _interop_threads[0]


def set_num_interop_threads(n: int) -> None:
    if int(n) <= 0:
        raise RuntimeError("Number of inter-op threads must be positive")
    _interop_threads[0] = int(n)
