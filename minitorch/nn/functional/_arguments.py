"""Argument checks and the type names torch's error messages use, shared by the functional files."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ... import _dtype
from ...tensor import Tensor

_TYPE_NAMES = {
    d.name: d.type_name for d in (*_dtype._ALL, _dtype.bfloat16)
}  # float32 -> "Float", as torch's errors


def _tname(t: Tensor) -> str:
    return _TYPE_NAMES[t._data.dtype.name]


def _type_str(t: Tensor) -> str:
    """``minitorch.FloatTensor`` etc., the names torch's errors use."""
    return f"{_dtype.display_name}.{_tname(t)}Tensor"


def _as_t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x), False, None)


def _tuple(value, n: int, name: str, op: str) -> tuple:
    """An int or a length-``n`` sequence of ints as a tuple (torch's error otherwise)."""
    if isinstance(value, Integral):
        return (int(value),) * n
    value = tuple(value)
    if len(value) == 1:
        return (int(value[0]),) * n
    if len(value) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match the "
            f"{op} dimensions, but got {name}={list(value)}"
        )
    return tuple(int(v) for v in value)


def _check_tensor(x, name: str, fn: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(x).__name__}")
