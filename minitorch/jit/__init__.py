"""``torch.jit`` without a compiler: ``script`` and ``trace`` return what they are given (the
module or function runs eagerly, with the same results), the decorators ``ignore``, ``unused``,
``export`` return their function, and ``save``/``load`` (TorchScript archives) raise."""

from __future__ import annotations

import functools

__all__ = [
    "Final",
    "annotate",
    "export",
    "ignore",
    "is_scripting",
    "is_tracing",
    "load",
    "save",
    "script",
    "trace",
    "trace_module",
    "unused",
]


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """Return ``obj`` unchanged: minitorch runs every module and function eagerly."""
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """Return ``func`` (a module or function) unchanged; ``example_inputs`` are not run."""
    return func


def trace_module(mod, inputs, *args, **kwargs):
    return mod


def ignore(drop=False, **kwargs):
    """``@jit.ignore`` or ``@jit.ignore(drop=...)``: leave the function as it is."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def annotate(the_type, the_value):
    return the_value


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return False


class _FinalType:
    def __getitem__(self, item):
        return item


Final = _FinalType()


def _no_torchscript(name: str):
    @functools.wraps(script)
    def fail(*args, **kwargs):
        raise NotImplementedError(
            f"minitorch.jit.{name}: minitorch has no TorchScript; save weights with "
            "minitorch.save(model.state_dict(), path) instead"
        )

    fail.__name__ = fail.__qualname__ = name
    return fail


save = _no_torchscript("save")
load = _no_torchscript("load")
