"""dtypes: thin named wrappers over NumPy dtypes, printed like torch's (``minitorch.float32``).

Printed forms (``minitorch.float32``, ``minitorch.Size([2, 3])``, ``x.type()`` ->
``'minitorch.FloatTensor'``) start with ``display_name``: ``"minitorch"``, or ``"torch"`` while
``python -m minitorch`` runs a PyTorch script, so that its output reads as it does under torch.
``bfloat16`` is stored with the ``ml_dtypes`` package (NumPy has no bfloat16), imported on first use
(it takes longer to import than the rest of minitorch).
"""

from __future__ import annotations

import builtins

import numpy as np

display_name = "minitorch"


class dtype:
    """A tensor element type. ``np`` is the NumPy dtype that stores it."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize", "type_name")

    def __init__(self, name: str, np_dtype, type_name: str) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind in "fV" or name == "bfloat16"
        self.itemsize = self.np.itemsize
        self.type_name = type_name  # torch's legacy name: Float for float32 (FloatTensor)

    @property
    def is_signed(self) -> builtins.bool:
        return self.np.kind in "fi" or self.name == "bfloat16"

    @property
    def is_complex(self) -> builtins.bool:
        return False

    def to_real(self) -> dtype:
        return self

    def __repr__(self) -> str:
        return f"{display_name}.{self.name}"

    def __reduce__(self):
        return (_lookup_name, (self.name,))


float16 = half = dtype("float16", np.float16, "Half")
float32 = float = dtype("float32", np.float32, "Float")
float64 = double = dtype("float64", np.float64, "Double")
uint8 = dtype("uint8", np.uint8, "Byte")
int8 = dtype("int8", np.int8, "Char")
int16 = short = dtype("int16", np.int16, "Short")
int32 = int = dtype("int32", np.int32, "Int")
int64 = long = dtype("int64", np.int64, "Long")
bool = dtype("bool", np.bool_, "Bool")

_ALL = [float16, float32, float64, uint8, int8, int16, int32, int64, bool]


class _BFloat16(dtype):
    """``bfloat16``: its NumPy dtype comes from ``ml_dtypes``, imported when first needed."""

    __slots__ = ()

    def __init__(self) -> None:
        self.name, self.type_name, self.is_floating_point, self.itemsize = "bfloat16", "BFloat16", True, 2

    @property
    def np(self) -> np.dtype:
        try:
            import ml_dtypes
        except ImportError:
            raise TypeError("bfloat16 needs the ml_dtypes package: pip install ml_dtypes") from None
        d = np.dtype(ml_dtypes.bfloat16)
        _BY_NP[d] = self
        return d


bfloat16 = _BFloat16()
_BY_NP = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in (*_ALL, bfloat16)}
default_float = float32


def _lookup_name(name: str) -> dtype:
    return _BY_NAME[name]


_BY_TYPE_NAME = {d.type_name: d for d in (*_ALL, bfloat16)}


def from_type_string(name: str):
    """``'torch.FloatTensor'`` / ``'minitorch.DoubleTensor'`` (as ``x.type(...)`` takes) -> dtype, or None."""
    module, _, cls = name.rpartition(".")
    if module in ("torch", "minitorch") and cls.endswith("Tensor"):
        return _BY_TYPE_NAME.get(cls[: -len("Tensor")])
    return None


def from_numpy_dtype(np_dtype) -> dtype:
    """The minitorch dtype for a NumPy dtype (TypeError for unsupported ones)."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        pass
    d = np.dtype(np_dtype)
    if d in _BY_NP:
        return _BY_NP[d]
    if d.name == "bfloat16":  # an ml_dtypes array made before minitorch asked for bfloat16
        return bfloat16
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{d}. The only supported types are: "
        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
    )


def to_np(d) -> np.dtype:
    """Accept a minitorch dtype, a NumPy dtype, a Python type or a string; return a NumPy dtype."""
    if isinstance(d, dtype):
        return d.np
    if d is builtins.float:  # torch.ones(2, dtype=float) is float64, as NumPy's float
        return float64.np
    if d is builtins.int:
        return int64.np
    if d is builtins.bool:
        return bool.np
    return from_numpy_dtype(np.dtype(d)).np
