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

    def type(self, dtype=None):
        if dtype is None:
            return f"minitorch.{self.dtype.name.capitalize()}Tensor"
        return self.to(dtype)

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

    def cuda(self, *args, **kwargs):
        raise RuntimeError("minitorch runs on the CPU only (no CUDA)")

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
