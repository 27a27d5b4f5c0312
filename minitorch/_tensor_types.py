"""``FloatTensor``, ``LongTensor``, ...: torch's legacy typed constructors, which tutorials still use.

``FloatTensor([1, 2])`` is a float32 tensor, ``LongTensor(2, 3)`` an int64 tensor of that shape, and
``isinstance(x, FloatTensor)`` asks whether ``x`` is a float32 tensor, as in torch. Every tensor is
still a ``minitorch.Tensor``; these classes only construct and check.
"""

from __future__ import annotations

import numpy as np

from . import _device, _dtype
from ._size import Size
from .tensor import Tensor


class _TensorType(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.np

    def __call__(cls, *args, device=None):
        # NOTE: as torch's legacy constructors: only ``device=`` (cpu), no dtype= or requires_grad=
        if device is not None and _device.device(device).type != "cpu":
            raise RuntimeError(
                f"legacy constructor expects device type: cpu but device type: {_device.device(device).type} "
                "was passed"
            )
        data = args[0] if len(args) == 1 else None
        if len(args) != 1 or isinstance(data, (int, np.integer, Size)) and not isinstance(data, bool):
            shape = data if isinstance(data, Size) else args or (0,)
            return Tensor._make(np.zeros(tuple(int(s) for s in shape), cls.dtype.np), False, None)
        if isinstance(data, Tensor):
            if data.dtype != cls.dtype:
                raise TypeError(
                    f"{cls.__name__}(tensor) expects a tensor of dtype {cls.dtype}, got {data.dtype} "
                    f"(convert it with tensor.to({cls.dtype}))"
                )
            return data.view(data.shape)  # an alias sharing memory (and autograd history), as torch
        return Tensor(data, dtype=cls.dtype)

    def __repr__(cls) -> str:
        return f"<class '{_dtype.display_name}.{cls.__name__}'>"


def _tensor_type(d) -> type:
    return _TensorType(f"{d.type_name}Tensor", (), {"dtype": d, "__module__": __name__})


FloatTensor = _tensor_type(_dtype.float32)
DoubleTensor = _tensor_type(_dtype.float64)
HalfTensor = _tensor_type(_dtype.float16)
ByteTensor = _tensor_type(_dtype.uint8)
CharTensor = _tensor_type(_dtype.int8)
ShortTensor = _tensor_type(_dtype.int16)
IntTensor = _tensor_type(_dtype.int32)
LongTensor = _tensor_type(_dtype.int64)
BoolTensor = _tensor_type(_dtype.bool)
BFloat16Tensor = _tensor_type(_dtype.bfloat16)
