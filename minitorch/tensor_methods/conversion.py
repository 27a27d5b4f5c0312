"""Tensor methods: dtype and device conversion (``to``, ``float``, ``type``, ``cpu``) and ``new_*`` creation.

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _creation, _device, _dtype
from ..autograd import function as _function
from ..ops import arithmetic as A

if TYPE_CHECKING:
    from ..tensor import Tensor


class ConversionMethods:
    __slots__ = ()

    def to(self, *args, **kwargs) -> Tensor:
        """``to(dtype)``, ``to(other)`` or ``to('cpu')``; returns self when nothing changes."""
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, _function.Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device.device)):
                _device.check_cpu(a, "a tensor")
            elif a is not None:
                dtype = a
        _device.check_cpu(kwargs.get("device"), "a tensor")
        if dtype is None:
            return self
        np_dtype = _dtype.to_np(dtype)
        if np_dtype == self._data.dtype:
            return self
        return A.Cast.apply(self, np_dtype)

    def __format__(self, format_spec: str) -> str:
        """``f"{loss:.4f}"`` formats a 0-d tensor's value; other tensors take only an empty spec, as torch."""
        if self._data.ndim == 0:
            return self._data.item().__format__(format_spec)
        return object.__format__(self, format_spec)

    def type(self, dtype=None, non_blocking: bool = False):
        """``x.type()`` is torch's legacy name (``'minitorch.FloatTensor'``); ``x.type(float64)``,
        ``x.type('torch.DoubleTensor')`` or ``x.type(DoubleTensor)`` converts."""
        if dtype is None:
            return f"{_dtype.display_name}.{self.dtype.type_name}Tensor"
        if isinstance(dtype, str):
            d = _dtype.from_type_string(dtype)
            if d is None:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = d
        return self.to(getattr(dtype, "dtype", dtype))  # a legacy class (DoubleTensor) carries .dtype

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def half(self) -> Tensor:
        return self.to(_dtype.float16)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def int(self) -> Tensor:
        return self.to(_dtype.int32)

    def bool(self) -> Tensor:
        return self.to(_dtype.bool)

    def byte(self) -> Tensor:
        return self.to(_dtype.uint8)

    def cpu(self) -> Tensor:
        return self

    @property
    def is_xpu(self) -> bool:
        return False

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None):
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
        return _creation.multinomial(self, num_samples, replacement, generator=generator)

    def cuda(self, *args, **kwargs):
        _device.check_cpu("cuda", "a tensor")

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def new_tensor(self, data, dtype=None, requires_grad: bool = False):
        return _creation.new_tensor(self, data, dtype, requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, fill_value, dtype, requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, 0, dtype, requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, 1, dtype, requires_grad)

    def new_empty(self, *size, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, 0, dtype, requires_grad)
