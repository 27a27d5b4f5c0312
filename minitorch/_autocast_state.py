"""CPU autocast's switch and casts, below ``ops`` and ``nn`` (``amp.autocast`` flips it).

Inside an enabled ``autocast('cpu', dtype)`` the ops torch runs in lower precision (matmul and its
variants, linear, convolutions) cast their floating inputs to ``dtype`` (bfloat16 by default),
and the losses torch keeps in float32 cast lower-precision inputs up to float32, as torch's
CPU autocast does. The casts are ordinary differentiable ``to`` ops, so gradients reach the
float32 parameters in float32.
"""

from __future__ import annotations

cpu = [False, "bfloat16"]  # [enabled, dtype name]; amp.autocast updates this list in place


def lower(*tensors) -> list:
    """The tensors cast to the autocast dtype (floating ones only; None stays None)."""
    from . import _dtype

    dt = getattr(_dtype, cpu[1])
    return [t.to(dt) if t is not None and t.is_floating_point() and t.dtype is not dt else t for t in tensors]


def fp32(t):
    """A bfloat16/float16 tensor cast to float32 (anything else unchanged)."""
    from . import _dtype

    if hasattr(t, "dtype") and t.dtype in (_dtype.bfloat16, _dtype.float16):
        return t.to(_dtype.float32)
    return t
