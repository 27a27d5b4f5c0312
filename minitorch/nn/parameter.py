"""``Parameter``: a Tensor that a ``Module`` registers as one of its learnable weights."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default and registers itself when set on a Module.

    ``Parameter(t)`` shares ``t``'s memory (and version counter), cut from any graph, as torch.

    Example::

        w = nn.Parameter(minitorch.randn(3, 4))   # requires_grad=True
    """

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = Tensor._make(np.empty((0,), _dtype.default_float.np), False, None)
        elif not isinstance(data, Tensor):
            data = Tensor(data)
        Tensor.__init__(self, data._data)  # shares the ndarray (no copy)
        self._vc = data._vc
        if requires_grad:
            self.requires_grad = True

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce__(self):
        return (_rebuild_parameter, (self._data, self._rg))


def _rebuild_parameter(data, requires_grad):
    return Parameter(Tensor._make(data, False, None), requires_grad)


def is_lazy(param) -> bool:
    """Whether ``param`` is an ``UninitializedParameter``/``Buffer`` of a lazy layer."""
    from .modules.lazy import is_lazy as _is_lazy

    return _is_lazy(param)


def __getattr__(name: str):
    # UninitializedParameter/Buffer live with the lazy layers (nn/modules/lazy.py)
    if name in ("UninitializedParameter", "UninitializedBuffer"):
        from .modules import lazy

        return getattr(lazy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
