"""Pillow, imported on first use: an optional dependency (``pip install pillow``, or the
``examples`` extra). Everything that only needs arrays and tensors works without it."""

from __future__ import annotations

import importlib

__all__ = ["pil_image", "is_pil_image", "require_pil"]


def _try():
    try:
        return importlib.import_module("PIL.Image")
    except ImportError:
        return None


def require_pil(what: str):
    """``PIL.Image``, or ImportError saying ``what`` needs Pillow and how to install it."""
    mod = _try()
    if mod is None:
        raise ImportError(
            f"minitorch.vision: {what} needs Pillow, which is not installed. "
            "Install it with `pip install pillow` (or `pip install minitorch[examples]`)."
        )
    return mod


def pil_image():
    """``PIL.Image`` or None when Pillow is not installed."""
    return _try()


def is_pil_image(img) -> bool:
    mod = _try() if type(img).__module__.startswith("PIL") else None
    return mod is not None and isinstance(img, mod.Image)
