"""``autocast``: a context manager (and decorator) that accepts torch's arguments, warns and
disables itself where torch does, and records whether it is on; it casts nothing."""

from __future__ import annotations

import functools
import warnings

from .. import _autocast_state, _dtype

__all__ = [
    "autocast",
    "custom_bwd",
    "custom_fwd",
    "get_autocast_dtype",
    "is_autocast_available",
    "is_autocast_enabled",
]

_DEVICE_TYPES = ("cpu", "cuda", "mps", "xpu", "hpu", "xla", "meta", "mtia", "ipu", "privateuseone")
# per device type: [enabled, dtype], the state torch keeps in C++
_state: dict[str, list] = {
    "cpu": _autocast_state.cpu,  # the ops read this list
    "cuda": [False, "float16"],
    "mps": [False, "float16"],
}


def _dtype_named(name: str):
    """The minitorch dtype called ``name`` (bfloat16 only exists once its package is there)."""
    return getattr(_dtype, name, name)


def is_autocast_available(device_type: str) -> bool:
    return device_type in ("cpu", "cuda", "mps")


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on for ``device_type`` (torch's default: ``'cuda'``)."""
    return _state.get(device_type or "cuda", [False])[0]


def get_autocast_dtype(device_type: str):
    return _dtype_named(_state.get(device_type, [False, "float16"])[1])


class autocast:
    """Mixed-precision region, as ``torch.autocast(device_type, dtype=None, enabled=True,
    cache_enabled=None)``.

    ``'cpu'`` (bfloat16 by default, or float16) casts as torch's CPU autocast does: matmul and its
    variants, linear and the convolutions run in the autocast dtype, the losses in float32 (see
    ``minitorch._autocast_state``). ``'cuda'`` disables itself with torch's warning (no CUDA
    here), ``'cpu'`` with a dtype other than bfloat16/float16 too.

    Example::

        with minitorch.autocast(device_type=device.type, enabled=use_amp):
            loss = loss_fn(model(x), y)
    """

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled=None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                f"{device_type}"
            )
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else get_autocast_dtype(device_type)
        self._enabled = enabled
        name = getattr(self.fast_dtype, "name", str(self.fast_dtype))
        if device_type == "cuda" and enabled:
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
            self._enabled = False
        elif device_type == "cpu" and enabled and name not in ("bfloat16", "float16"):
            warnings.warn(
                "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                stacklevel=2,
            )
            self._enabled = False
        self._name = name

    def __enter__(self):
        state = _state.setdefault(self.device, [False, self._name])
        self._prev = list(state)
        state[:] = [self._enabled, self._name if self._enabled else state[1]]
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> bool:
        _state[self.device][:] = self._prev
        return False

    def __call__(self, func):
        """Use as a decorator: each call runs in a fresh context (re-entrant, as torch's)."""

        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled):
                return func(*args, **kwargs)

        return decorated


def custom_fwd(fwd=None, *, device_type: str = "cuda", cast_inputs=None):
    """Decorator for a custom ``Function.forward`` under autocast; nothing to cast here."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd=None, *, device_type: str = "cuda"):
    """Decorator for a custom ``Function.backward`` under autocast; nothing to cast here."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
