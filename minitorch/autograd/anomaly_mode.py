"""Anomaly detection: ``detect_anomaly()`` and ``set_detect_anomaly(mode)``, as torch's.

While it is on, every recorded node keeps the traceback of the forward line that created it, and
backward checks each node's output grads: the first node that returns NaN raises
``RuntimeError: Function 'XBackward0' returned nan values in its 0th output.`` after a
``UserWarning`` that shows the forward traceback (torch checks NaN only, not inf).
"""

from __future__ import annotations

import traceback
import warnings

import numpy as np

from .._warn import internal


class _State:
    enabled = False
    check_nan = True


_state = _State()


def is_anomaly_enabled() -> bool:
    return _state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _state.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off (``torch.set_anomaly_enabled``: no warning, no context)."""
    for i, (name, v) in enumerate((("enabled", enabled), ("check_nan", check_nan))):
        if not isinstance(v, bool):
            raise TypeError(
                f"set_anomaly_enabled(): argument '{name}' (position {i + 1}) must be bool, not {type(v).__name__}"
            )
    _state.enabled, _state.check_nan = enabled, check_nan


def _warn_enabled() -> None:
    warnings.warn(
        "Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
        "enabled for debugging.",
        UserWarning,
        stacklevel=3,
    )


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside its body."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev = _state.enabled
        self.prev_check_nan = _state.check_nan
        _warn_enabled()

    def __enter__(self) -> None:
        _state.enabled, _state.check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        _state.enabled, _state.check_nan = self.prev, self.prev_check_nan

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)

        wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off; takes effect at once, and also works with ``with``."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = _state.enabled, _state.check_nan
        _state.enabled, _state.check_nan = bool(mode), check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _state.enabled, _state.check_nan = self.prev, self.prev_check_nan


def _record(node) -> None:
    """Keep the forward traceback on ``node`` (called when a node is recorded in anomaly mode): the
    user's frames, as torch's (minitorch's own frames and the ``python -m minitorch`` runner's
    are left out, as torch's C++ frames are)."""
    frames = [
        f
        for f in traceback.extract_stack()[:-2]
        if not (internal(f.filename) or f.filename.startswith("<frozen"))
    ]
    node._trace = traceback.format_list(frames)


def _check(node, grads) -> None:
    """Raise if ``node``'s backward returned NaN, after warning with its forward traceback."""
    if not _state.check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and g._data.dtype.kind in "fcV" and np.isnan(g._data).any():
            trace = "".join(node._trace or ["  (no traceback: the node was recorded outside anomaly mode)\n"])
            warnings.warn(
                f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{trace}",
                UserWarning,
                stacklevel=2,
            )
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
