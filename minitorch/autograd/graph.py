"""``minitorch.autograd.graph``: what scripts use of ``torch.autograd.graph`` on a CPU.

- ``Node``: the base class of every ``grad_fn`` (built-in ops, custom ``Function``s, ``AccumulateGrad``).
- ``saved_tensors_hooks(pack_hook, unpack_hook)``: while active, each tensor that a recorded op saves
  with ``ctx.save_for_backward`` goes through ``pack_hook`` at once and only the result is kept;
  ``ctx.saved_tensors`` returns ``unpack_hook(packed)`` (called at each access, with no in-place
  version check, as torch). The innermost pair applies. Unlike torch, an op's saved *output*
  (``save_output`` ops such as ``exp``) is kept as is.
- ``save_on_cpu``: tensors are already on the CPU, so its hooks keep them as they are (as torch's).
- ``disable_saved_tensors_hooks(error_message)``: entering hooks inside it raises that message.
"""

from __future__ import annotations

import contextlib

from . import function as _function
from .function import Node, _saved_hooks

__all__ = [
    "Node",
    "saved_tensors_hooks",
    "save_on_cpu",
    "disable_saved_tensors_hooks",
    "register_multi_grad_hook",
]

_disabled: list = []  # the error messages of the active disable_saved_tensors_hooks


class saved_tensors_hooks:
    """Context manager: pack/unpack hooks for the tensors saved for backward inside it."""

    def __init__(self, pack_hook, unpack_hook) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if _disabled:
            raise RuntimeError(_disabled[-1])
        _saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc) -> None:
        _saved_hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors on the CPU: where every tensor already is, so nothing moves."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str):
    """Inside it, using saved tensors hooks raises ``RuntimeError(error_message)``."""
    if _saved_hooks:
        raise RuntimeError(error_message)
    _disabled.append(error_message)
    try:
        yield
    finally:
        _disabled.pop()


def register_multi_grad_hook(tensors, fn, *, mode: str = "all"):
    raise NotImplementedError(
        "minitorch.autograd.graph.register_multi_grad_hook is not implemented: register a hook on "
        "each tensor with Tensor.register_hook instead"
    )


def _pack_saved(ctx) -> None:
    """Called when a node is recorded while hooks are active: pack what its forward saved."""
    pack, unpack = _saved_hooks[-1]
    ctx._packed = (unpack, tuple(None if t is None else pack(t) for t in ctx._saved))
    ctx._saved = ()


def _unpack_saved(ctx) -> tuple:
    unpack, packed = ctx._packed
    out = []
    for p in packed:
        t = None if p is None else unpack(p)
        if p is not None and not isinstance(t, _function.Tensor):
            raise TypeError(
                f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type {type(t).__name__}"
            )
        out.append(t)
    return tuple(out)
