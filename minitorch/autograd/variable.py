"""``Variable``: the pre-0.4 wrapper that tutorials still use. Today it is a function in effect:
``Variable(t, requires_grad=True)`` returns a detached tensor sharing ``t``'s memory, and
``isinstance(x, Variable)`` is true for every tensor, as in torch."""

from __future__ import annotations

import warnings

from . import function as _function


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        return isinstance(other, _function.Tensor)

    def __call__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                stacklevel=2,
            )
        if data is None:
            data = _function.Tensor()
        if not isinstance(data, _function.Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: returns a tensor; kept for old code."""
