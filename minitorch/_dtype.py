"""dtypes: thin named wrappers over NumPy dtypes, printed like torch's (``minitorch.float32``)."""

from __future__ import annotations

import numpy as np


class dtype:
    """A tensor element type. ``np`` is the NumPy dtype that stores it."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize")

    def __init__(self, name: str, np_dtype) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"minitorch.{self.name}"

    def __reduce__(self):
        return (_lookup_name, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

_ALL = [float16, float32, float64, uint8, int8, int16, int32, int64, bool]
_BY_NP = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
default_float = float32


def _lookup_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The minitorch dtype for a NumPy dtype (TypeError for unsupported ones)."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        pass
    d = np.dtype(np_dtype)
    if d in _BY_NP:
        return _BY_NP[d]
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{d}. The only supported types are: "
        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
    )


def to_np(d) -> np.dtype:
    """Accept a minitorch dtype, a NumPy dtype, a Python type or a string; return a NumPy dtype."""
    if isinstance(d, dtype):
        return d.np
    import builtins

    if d is builtins.float:
        return float32.np
    if d is builtins.int:
        return int64.np
    if d is builtins.bool:
        return bool.np
    return from_numpy_dtype(np.dtype(d)).np
