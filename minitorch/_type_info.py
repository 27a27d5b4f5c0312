"""Questions about dtypes, as torch answers them: ``finfo``/``iinfo`` (limits of a float or integer
dtype), ``promote_types``, ``result_type``, ``can_cast``, ``is_floating_point``, ``typename``."""

from __future__ import annotations

import numpy as np

from . import _dtype
from ._promotion import _CATEGORY, _promote_types, _result_type
from .tensor import Tensor


def _as_dtype(d) -> _dtype.dtype:
    return _dtype.from_numpy_dtype(_dtype.to_np(d))


class finfo:
    """Machine limits of a floating point dtype (default: the default dtype), as ``torch.finfo``."""

    def __init__(self, type=None) -> None:  # noqa: A002 - torch's parameter name
        d = _dtype.default_float if type is None else _as_dtype(type)
        if not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'"
            )
        if d.name == "bfloat16":
            import ml_dtypes

            info = ml_dtypes.finfo(ml_dtypes.bfloat16)
        else:
            info = np.finfo(d.np)
        self.dtype = d.name
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # torch: exactly 10**-digits

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:
    """Limits of an integer (or bool) dtype, as ``torch.iinfo``."""

    def __init__(self, type) -> None:  # noqa: A002 - torch's parameter name
        d = _as_dtype(type)
        if d.is_floating_point:
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'"
            )
        info = np.iinfo(np.uint8 if d.np == np.bool_ else d.np)
        self.dtype = d.name
        self.bits = int(info.bits)
        self.min, self.max = (0, 1) if d.np == np.bool_ else (int(info.min), int(info.max))

    def __repr__(self) -> str:
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"


def promote_types(type1, type2) -> _dtype.dtype:
    """The dtype that an op on the two dtypes gives (bool < integers < floats)."""
    return _dtype.from_numpy_dtype(_promote_types(_dtype.to_np(type1), _dtype.to_np(type2)))


def result_type(tensor1, tensor2) -> _dtype.dtype:
    """The dtype of ``tensor1 op tensor2`` (tensors or Python numbers), as ``torch.result_type``."""
    if not isinstance(tensor1, Tensor):
        if not isinstance(tensor2, Tensor):  # two numbers: the first as a 0-d tensor of its kind
            tensor1 = Tensor._make(np.asarray(tensor1, dtype=_result_type(_ZERO_D, tensor1)), False, None)
        else:
            tensor1, tensor2 = tensor2, tensor1
    return _dtype.from_numpy_dtype(_result_type(tensor1, tensor2))


_ZERO_D = Tensor._make(np.zeros((), np.bool_), False, None)


def can_cast(from_, to) -> bool:
    """Whether torch's type promotion allows casting ``from_`` to ``to`` (never to a lower category:
    float to int, or int to bool)."""
    a, b = _dtype.to_np(from_), _dtype.to_np(to)
    return _CATEGORY[a.kind] <= _CATEGORY[b.kind]


def is_floating_point(input: Tensor) -> bool:  # noqa: A002 - torch's parameter name
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:  # noqa: A002
    return False


def typename(obj) -> str:
    """``'torch.FloatTensor'`` for a tensor (with minitorch's printed name), else the type's name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "")
    name = type(obj).__qualname__
    return name if module in ("builtins", "", None) else f"{module}.{name}"
