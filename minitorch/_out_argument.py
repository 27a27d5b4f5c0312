"""``out=``: write a function's result into a given tensor, as torch's ``torch.add(a, b, out=c)``.

The result is computed as usual and copied in; ``out`` is resized (with torch's warning when it held
elements) and must be able to hold the result's dtype. Functions with ``out=`` record no graph, so an
input that requires grad is refused while grad mode is on, as in torch.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _dtype
from ._promotion import _CATEGORY
from .autograd import function as _function
from .autograd import grad_mode


def _write(name: str, out, result):
    if not isinstance(out, _function.Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    src, dst = result._data, out._data
    if _CATEGORY[src.dtype.kind] > _CATEGORY[dst.dtype.kind]:  # float into an int out, as torch refuses
        raise RuntimeError(
            f"result type {_dtype.from_numpy_dtype(src.dtype).type_name} can't be cast to the desired output "
            f"type {_dtype.from_numpy_dtype(dst.dtype).type_name}"
        )
    if dst.shape != src.shape:
        if dst.size != 0:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape {list(dst.shape)}, which "
                f"does not match the required output shape {list(src.shape)}. This behavior is deprecated, and "
                "in a future PyTorch release outputs will not be resized unless they have zero elements. You "
                "can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                stacklevel=3,
            )
        out._data = dst = np.empty(src.shape, dst.dtype)
    np.copyto(dst, src, casting="unsafe")
    out._vc[0] += 1
    return out


def call_with_out(name: str, fn, args: tuple, kwargs: dict, out):
    """``fn(*args, **kwargs)`` written into ``out`` (a tensor, or a tuple of them for tuple results)."""
    if grad_mode.is_grad_enabled():
        flat = [a for arg in args for a in (arg if isinstance(arg, (list, tuple)) else (arg,))]
        if any(isinstance(a, _function.Tensor) and a.requires_grad for a in flat):
            raise RuntimeError(
                f"{name}(): functions with out=... arguments don't support automatic differentiation, but one "
                "of the arguments requires grad."
            )
    with grad_mode.no_grad():
        result = fn(*args, **kwargs)
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} Tensors")
        for o, r in zip(out, result):
            _write(name, o, r)
        return type(result)(*out) if hasattr(result, "_fields") else tuple(out)
    return _write(name, out, result)
