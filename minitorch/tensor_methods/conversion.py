"""Tensor methods: dtype and device conversion (``to``, ``float``, ``type``, ``cpu``) and ``new_*`` creation.

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import _creation, _device, _dtype
from ..autograd import function as _function
from ..ops import arithmetic as A
from ..ops import shape as S

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

    def char(self) -> Tensor:
        return self.to(_dtype.int8)

    def short(self) -> Tensor:
        return self.to(_dtype.int16)

    def bfloat16(self) -> Tensor:
        return self.to(_dtype.bfloat16)

    def cpu(self) -> Tensor:
        return self

    @property
    def is_xpu(self) -> bool:
        return False

    def is_pinned(self, device=None) -> bool:
        return False

    def get_device(self) -> int:
        return -1  # torch's answer for a CPU tensor

    # a dense, real, CPU tensor (torch's queries scripts make before choosing a code path)
    is_sparse = is_meta = is_quantized = is_mkldnn = is_nested = False

    @property
    def layout(self):
        return _creation.strided

    def is_inference(self) -> bool:
        return False  # (inference_mode is no_grad here: no inference tensors)

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def is_same_size(self, other) -> bool:
        return self._data.shape == other._data.shape

    def is_set_to(self, other) -> bool:
        """Same memory, shape and strides."""
        a, b = self._data, other._data
        return (
            a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
            and a.shape == b.shape
            and a.strides == b.strides
        )

    def is_conj(self) -> bool:
        return False

    def is_neg(self) -> bool:
        return False

    def conj(self):
        return self  # real dtypes only: conj is the tensor itself, as torch's for real tensors

    resolve_conj = resolve_neg = conj_physical = conj

    @property
    def real(self):
        return self

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

    # --- storage ---
    def untyped_storage(self):
        """The memory this tensor's array views (``minitorch/storage.py``)."""
        from ..storage import untyped_storage

        return untyped_storage(self)

    def storage(self):
        from ..storage import typed_storage

        return typed_storage(self)

    def storage_offset(self) -> int:
        """Elements between the start of the memory this tensor views and its first element."""
        return S._storage(self._data)[1]

    @property
    def nbytes(self) -> int:
        return self._data.size * self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    def share_memory_(self):
        """Kept for API parity: minitorch tensors live in process memory (DataLoader workers are
        threads or fork()ed processes, which see it already)."""
        return self

    def is_shared(self) -> bool:
        return False

    def apply_(self, callable):  # noqa: A002 - torch's parameter name
        """Replace each element ``x`` by ``callable(x)`` (a Python loop, as torch's)."""
        if self.requires_grad:
            raise RuntimeError("apply_ is only implemented on tensors that do not require grad")
        flat = self._data.reshape(-1)
        for i, v in enumerate(flat.tolist()):
            flat[i] = callable(v)
        if not np.shares_memory(flat, self._data):
            self._data[...] = flat.reshape(self._data.shape)
        self._vc[0] += 1
        return self

    def map_(self, tensor, callable):  # noqa: A002
        """Replace each element ``x`` by ``callable(x, y)``, ``y`` from ``tensor`` (broadcast)."""
        if self.requires_grad:
            raise RuntimeError("map_ is only implemented on tensors that do not require grad")
        other = np.broadcast_to(tensor._data, self._data.shape).reshape(-1).tolist()
        flat = self._data.reshape(-1)
        for i, (v, w) in enumerate(zip(flat.tolist(), other)):
            flat[i] = callable(v, w)
        if not np.shares_memory(flat, self._data):
            self._data[...] = flat.reshape(self._data.shape)
        self._vc[0] += 1
        return self

    def resize_(self, *sizes):
        """Give this tensor a new shape in place, keeping the leading elements (new ones are 0)."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        shape = tuple(int(n) for n in sizes)
        n = int(np.prod(shape))
        if n == self._data.size:
            self._data = (
                self._data.reshape(shape)
                if self._data.flags.c_contiguous
                else self._data.copy().reshape(shape)
            )
        else:
            new = np.zeros(n, self._data.dtype)
            k = min(n, self._data.size)
            new[:k] = self._data.reshape(-1)[:k]
            self._data = new.reshape(shape)
        self._vc[0] += 1
        return self

    def resize_as_(self, other):
        return self.resize_(other.shape)

    def new_zeros(self, *size, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, 0, dtype, requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, 1, dtype, requires_grad)

    def new_empty(self, *size, dtype=None, requires_grad: bool = False):
        return _creation.new(self, size, 0, dtype, requires_grad)
