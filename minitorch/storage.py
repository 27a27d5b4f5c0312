"""``Tensor.untyped_storage()`` and ``Tensor.storage()``: the memory a tensor's array comes from (the
root of its NumPy ``.base`` chain), as torch's ``UntypedStorage`` (bytes) and ``TypedStorage``
(elements of the tensor's dtype). Enough for the checks scripts make (``data_ptr()`` to see whether
two tensors share memory, ``size()``, ``tolist()``); no resizing."""

from __future__ import annotations

import numpy as np

from . import _device, _dtype
from .ops.shape import _storage

__all__ = ["TypedStorage", "UntypedStorage"]


class UntypedStorage:
    def __init__(self, flat: np.ndarray) -> None:
        self._flat = flat  # the memory, as a 1-D array of some dtype

    def data_ptr(self) -> int:
        return self._flat.__array_interface__["data"][0]

    def nbytes(self) -> int:
        return self._flat.nbytes

    def size(self) -> int:
        return self._flat.nbytes

    __len__ = size

    def element_size(self) -> int:
        return 1

    @property
    def device(self):
        return _device.device("cpu")

    def is_shared(self) -> bool:
        return False

    def __getitem__(self, i):
        return int(self._flat.view(np.uint8)[i])

    def __repr__(self) -> str:
        return f"[{_dtype.display_name}.storage.UntypedStorage(device=cpu) of size {self.size()}]"


class TypedStorage(UntypedStorage):
    def size(self) -> int:
        return self._flat.size

    __len__ = size

    def element_size(self) -> int:
        return self._flat.itemsize

    @property
    def dtype(self):
        return _dtype.from_numpy_dtype(self._flat.dtype)

    def tolist(self) -> list:
        return self._flat.tolist()

    def untyped(self) -> UntypedStorage:
        return UntypedStorage(self._flat)

    def __getitem__(self, i):
        return self._flat[i].item() if np.ndim(self._flat[i]) == 0 else self._flat[i].tolist()

    def __repr__(self) -> str:
        lines = [f" {v}" for v in self._flat.tolist()]
        name = f"{_dtype.display_name}.storage.TypedStorage"
        return "\n".join(lines + [f"[{name}(dtype={self.dtype}, device=cpu) of size {self.size()}]"])


def untyped_storage(t) -> UntypedStorage:
    return UntypedStorage(_storage(t._data)[0])


def typed_storage(t) -> TypedStorage:
    return TypedStorage(_storage(t._data)[0])
