"""``warn_user``: a warning attributed to the user's line (the first frame outside minitorch), as
torch's C++ warnings point at the Python line that called into it."""

from __future__ import annotations

import os
import sys
import warnings

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def internal(filename: str) -> bool:
    """Whether a frame's file is minitorch's own."""
    return os.path.abspath(filename).startswith(_PACKAGE_DIR)


def warn_user(message: str, category=UserWarning) -> None:
    frame, level = sys._getframe(1), 2  # (1 is this function)
    while frame is not None and internal(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
