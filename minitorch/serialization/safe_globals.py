"""The user's allowlist for ``load(weights_only=True)``, as ``torch.serialization``'s: classes and
functions the restricted unpickler may use beyond tensors and plain containers."""

from __future__ import annotations

import contextlib
from typing import Any

_USER_GLOBALS: dict[Any, str | None] = {}  # object -> the "module.name" it is pickled as (None: its own)


def _check(entries) -> list:
    if not isinstance(entries, (list, tuple)):
        raise TypeError(f"safe_globals must be a list, got {type(entries).__name__}")
    for entry in entries:
        if isinstance(entry, tuple) and not (
            len(entry) == 2 and callable(entry[0]) and isinstance(entry[1], str)
        ):
            raise ValueError(
                f"Expected tuple of length 2 (global, str of callable full path), but got {entry!r}"
            )
    return list(entries)


def add_safe_globals(safe_globals: list) -> None:
    """Mark ``safe_globals`` (classes or functions, or ``(obj, "module.name")`` pairs) as safe for
    ``minitorch.load(weights_only=True)``: a checkpoint may then create and fill such objects.

    Example:
        >>> minitorch.serialization.add_safe_globals([MyNet, nn.Linear])
    """
    for entry in _check(safe_globals):
        obj, name = entry if isinstance(entry, tuple) else (entry, None)
        _USER_GLOBALS[obj] = name


def get_safe_globals() -> list:
    """The user-added safe globals, as passed to ``add_safe_globals``."""
    return [obj if name is None else (obj, name) for obj, name in _USER_GLOBALS.items()]


def clear_safe_globals() -> None:
    """Forget every user-added safe global."""
    _USER_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    """Within this ``with`` block only, ``safe_globals`` are safe for ``load(weights_only=True)``."""
    before = dict(_USER_GLOBALS)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _USER_GLOBALS.clear()
        _USER_GLOBALS.update(before)


def lookup(full_name: str):
    """The user-allowed object pickled as ``full_name`` ("module.qualname"), or None."""
    for obj, name in _USER_GLOBALS.items():
        if full_name == (name or f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"):
            return obj
    return None
