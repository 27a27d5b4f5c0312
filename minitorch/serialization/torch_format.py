"""PyTorch's checkpoint format, read and written without torch.

``torch.save`` writes a zip holding ``<name>/data.pkl`` (a protocol-2 pickle whose tensors are
calls to ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)``, each storage a
persistent id ``('storage', torch.FloatStorage, key, location, numel)``), one raw
``<name>/data/<key>`` file per storage (64-byte aligned), and small ``byteorder`` / ``version``
records.

Reading with ``weights_only=True`` uses an unpickler whose ``find_class`` admits only what torch's
weights-only unpickler admits (the tensor rebuild functions, dtypes, storage types, ``Size``,
``device``, ``OrderedDict``, ``set``, ...), mapped to minitorch's objects, plus the user's safe
globals; anything else is refused by name before it can be created or called. torch is never
imported: every ``torch.*`` name resolves to a minitorch object or is refused.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import io
import pickle
import secrets
import sys
import zipfile
from collections import Counter, OrderedDict

import numpy as np

from .. import _dtype
from .._device import device
from .._size import Size
from ..tensor import Tensor
from . import mapped, safe_globals

_STORAGE_DTYPES = {  # torch's legacy storage classes, by element type
    "Half": _dtype.float16,
    "Float": _dtype.float32,
    "Double": _dtype.float64,
    "Byte": _dtype.uint8,
    "Char": _dtype.int8,
    "Short": _dtype.int16,
    "Int": _dtype.int32,
    "Long": _dtype.int64,
    "Bool": _dtype.bool,
}
_STORAGE_NAMES = {d.name: name for name, d in _STORAGE_DTYPES.items()}
_PICKLE_PROTOCOL = 2  # torch.save's default
_ALIGNMENT = (
    mapped.ALIGNMENT
)  # storages start at multiples of this in the zip (torch.load(mmap=True) needs it)

UNSAFE_MESSAGE = (
    "Re-running `minitorch.load` with `weights_only` set to `False` will likely succeed, but it can result "
    "in arbitrary code execution. Do it only if you got the file from a trusted source."
)


class Refused(pickle.UnpicklingError):
    """A global or construct the weights-only unpickler does not admit."""


class MapLocationError(RuntimeError):
    """A storage ``map_location`` would put somewhere other than the CPU."""


class Unsupported(ValueError):
    """Something torch can store that minitorch has no equivalent for (bfloat16, sparse tensors...)."""


# --- reading ---
class _StorageType:
    """What ``torch.FloatStorage`` (etc.) stands for here: the element type of a storage."""

    def __init__(self, name: str, dtype: _dtype.dtype | None) -> None:
        self.name, self.dtype = name, dtype

    def __repr__(self) -> str:
        return f"torch.{self.name}"


class _Storage:
    """One ``data/<key>`` record: raw bytes, viewed as typed arrays that every tensor on it shares."""

    def __init__(self, raw: bytearray | np.ndarray, dtype: _dtype.dtype | None, byteorder: str) -> None:
        self.raw, self.dtype, self._byteorder = raw, dtype, byteorder
        self._typed: dict[np.dtype, np.ndarray] = {}

    def cpu(self) -> _Storage:
        return self

    def typed(self, dt: np.dtype) -> np.ndarray:
        arr = self._typed.get(dt)
        if arr is None:
            if len(self.raw) % dt.itemsize:
                raise ValueError(f"a storage of {len(self.raw)} bytes cannot hold {dt} elements")
            arr = np.frombuffer(self.raw, dt.newbyteorder("<" if self._byteorder == "little" else ">"))
            if not arr.dtype.isnative:
                arr = arr.byteswap().view(dt)
            self._typed[dt] = arr
        return arr


def _ints(name: str, values) -> tuple[int, ...]:
    if not isinstance(values, (tuple, list)) or not all(type(v) is int and v >= 0 for v in values):
        raise ValueError(f"bad tensor {name} {values!r}")
    return tuple(values)


def _tensor(storage, offset, size, stride, requires_grad, dtype=None) -> Tensor:
    if not isinstance(storage, _Storage):
        raise Refused(f"a tensor must be rebuilt from a storage, got {type(storage).__name__}")
    dtype = dtype or storage.dtype or _dtype.uint8
    if not isinstance(dtype, _dtype.dtype):
        raise Refused(f"bad tensor dtype {dtype!r}")
    size, stride = _ints("size", size), _ints("stride", stride)
    if len(size) != len(stride) or type(offset) is not int or offset < 0 or type(requires_grad) is not bool:
        raise ValueError(f"bad tensor geometry: size {size}, stride {stride}, offset {offset!r}")
    flat = storage.typed(dtype.np)
    if 0 in size:
        arr = np.empty(size, dtype.np)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= len(flat):
            raise ValueError(
                f"a tensor of size {list(size)}, stride {list(stride)} and offset {offset} reaches past "
                f"its storage of {len(flat)} elements"
            )
        strides = tuple(s * dtype.itemsize for s in stride)
        arr = np.lib.stride_tricks.as_strided(flat[offset:], shape=size, strides=strides)
    t = Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _tensor(storage, storage_offset, size, stride, False)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    return _tensor(storage, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(
    storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None
):
    return _tensor(storage, storage_offset, size, stride, requires_grad, dtype)


def _parameter(data, requires_grad):
    from ..nn.parameter import Parameter

    if not isinstance(data, Tensor) or type(requires_grad) is not bool:
        raise Refused(f"a Parameter must wrap a tensor, got {type(data).__name__}")
    return Parameter(data, requires_grad=requires_grad)


def _set_state(obj, state):
    if isinstance(state, tuple) and len(state) == 2:  # (dict, slots), as pickle's BUILD
        state = {**(state[0] or {}), **(state[1] or {})}
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise Refused(f"bad object state of type {type(state).__name__}")
    for k, v in state.items():
        setattr(obj, k, v)
    return obj


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return _parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_state(_parameter(data, requires_grad), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor with Python attributes (or a Parameter): ``func(*args)``, then its ``__dict__``."""
    from ..nn.parameter import Parameter

    if func not in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter, _rebuild_tensor):
        raise Refused(f"_rebuild_from_type_v2 with {func!r}")
    t = func(*args)
    if new_type is Parameter and not isinstance(t, Parameter):
        t = Parameter(t, requires_grad=t.requires_grad)
    elif new_type not in (Tensor, Parameter):
        raise Refused(f"_rebuild_from_type_v2 to {new_type!r}")
    return _set_state(t, state) if state else t


def _get_layout(name):
    if name != "torch.strided":
        raise Unsupported(f"tensors with layout {name} (minitorch has dense tensors only)")
    return name


def _allowed_globals() -> dict:
    """``"module.name"`` -> the minitorch object it stands for: exactly the globals torch's
    weights-only unpickler admits that minitorch has an equivalent for."""
    from ..nn.parameter import Parameter

    table = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "builtins.set": set,
        "builtins.bytearray": bytearray,
        "builtins.complex": complex,
        "_codecs.encode": codecs.encode,  # how protocol 2 stores bytes
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Tensor": Tensor,
        "torch.Size": Size,
        "torch.device": device,
        "torch.serialization._get_layout": _get_layout,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.storage.UntypedStorage": _StorageType("UntypedStorage", None),
    }
    for f in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter):
        table[f"torch._utils.{f.__name__}"] = f
    table["torch._utils._rebuild_parameter_with_state"] = _rebuild_parameter_with_state
    for d in _dtype._ALL:
        table[f"torch.{d.name}"] = d
    for name, d in _STORAGE_DTYPES.items():
        table[f"torch.{name}Storage"] = _StorageType(f"{name}Storage", d)
    return table


_ALLOWED: dict | None = None


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh, read_storage, weights_only: bool) -> None:
        super().__init__(fh, encoding="utf-8")
        self._read_storage, self._weights_only = read_storage, weights_only

    def find_class(self, module: str, name: str):
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol 2 writes Python 2 names
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        global _ALLOWED
        _ALLOWED = _ALLOWED or _allowed_globals()
        if full in _ALLOWED:
            return _ALLOWED[full]
        if module == "torch" or module.startswith("torch."):  # never import torch
            raise Unsupported(f"the PyTorch object {full}, which minitorch has no equivalent for")
        user = safe_globals.lookup(full)
        if user is not None:
            return user
        if not self._weights_only:
            return super().find_class(module, name)
        shown = full[len("builtins.") :] if full.startswith("builtins.") else full
        raise Refused(
            f"Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use "
            f"`minitorch.serialization.add_safe_globals([{shown}])` or the "
            f"`minitorch.serialization.safe_globals([{shown}])` context manager to allowlist this global "
            "if you trust this class/function."
        )

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise Refused(f"unsupported persistent id encountered: {str(pid)[:80]}")
        _, storage_type, key, location, numel = pid
        if not (
            isinstance(storage_type, _StorageType) and isinstance(key, str) and isinstance(location, str)
        ):
            raise Refused(f"unsupported persistent id encountered: {str(pid)[:80]}")
        if type(numel) is not int or numel < 0:
            raise ValueError(f"bad storage size {numel!r}")
        return self._read_storage(key, storage_type.dtype, location, numel)


def restore_location(map_location, storage, location: str):
    """Where ``map_location`` puts a storage saved at ``location``; only the CPU is possible."""
    if map_location is None:
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif isinstance(map_location, (str, device)):
        target = map_location
    elif callable(map_location):
        result = map_location(storage, location)
        if result is not None and result is not storage:
            raise MapLocationError(
                "map_location: a callable must return the storage it was given (or None); "
                f"minitorch keeps every storage on the CPU, got {type(result).__name__}"
            )
        target = location if result is None else "cpu"  # the storage it returns is on the CPU
    else:
        raise TypeError(
            f"map_location must be None, a string, a device, a dict or a callable, got {map_location!r}"
        )
    kind = device(target if isinstance(target, (str, device)) else str(target)).type
    if kind != "cpu":
        raise MapLocationError(
            f"Attempting to deserialize object on a {kind.upper()} device ({location!r} mapped to "
            f"{str(target)!r}) but minitorch runs on the CPU only. Please use minitorch.load with "
            "map_location='cpu' to map your storages to the CPU."
        )


def read_archive(zf: zipfile.ZipFile, pickle_name: str, map_location, weights_only: bool, mapped_file=None):
    """The object in an open torch checkpoint whose pickle is the member ``pickle_name``; its
    storages are views of ``mapped_file`` (the file mapped by ``mapped.map_file``) when given."""
    prefix = pickle_name[: -len("data.pkl")]
    names = set(zf.namelist())
    byteorder = zf.read(prefix + "byteorder").decode() if prefix + "byteorder" in names else "little"
    if byteorder not in ("little", "big"):
        raise ValueError(f"unknown byte order {byteorder!r}")
    storages: dict[str, _Storage] = {}

    def read_storage(key: str, dtype, location: str, numel: int) -> _Storage:
        if key not in storages:
            info = zf.getinfo(f"{prefix}data/{key}")
            nbytes = numel * (dtype.itemsize if dtype is not None else 1)
            if info.file_size != nbytes:
                raise ValueError(f"storage {key} holds {info.file_size} bytes, expected {nbytes}")
            raw = mapped.member_bytes(zf, mapped_file, info) if mapped_file is not None and nbytes else None
            if raw is None:
                raw = bytearray(nbytes)
                with zf.open(info) as member:
                    if member.readinto(raw) != nbytes:
                        raise EOFError(f"storage {key} is truncated")
            storages[key] = _Storage(raw, dtype, byteorder)
        storage = storages[key]
        restore_location(map_location, storage, location)
        return storage

    with zf.open(pickle_name) as fh:
        return _Unpickler(io.BufferedReader(fh), read_storage, weights_only).load()


# --- writing ---
class _TorchGlobal:
    """A torch function or class named in the pickle by its module and name, never imported."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle only saves callables as the function of a reduce
        raise RuntimeError(f"{self.module}.{self.name} is a name written into torch checkpoints")


class _Call:
    """Pickles as ``func(*args)``."""

    def __init__(self, func, args) -> None:
        self.func, self.args = func, args

    def __reduce_ex__(self, protocol):
        return self.func, self.args


class _StorageRef:
    __slots__ = ("key", "array")

    def __init__(self, key: str, array: np.ndarray) -> None:
        self.key, self.array = key, array


_REBUILD_V2 = _TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchGlobal("torch._utils", "_rebuild_parameter")


def _contiguous_strides(shape) -> tuple[int, ...]:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


class _Storages:
    """The storages to write: an array that is a view of a contiguous array is saved as that base
    with an offset and strides, so tensors sharing memory share one storage, as in torch."""

    def __init__(self) -> None:
        self.refs: list[_StorageRef] = []
        self._by_base: dict[int, _StorageRef] = {}

    def _ref(self, base: np.ndarray) -> _StorageRef:
        ref = self._by_base.get(id(base))
        if ref is None:
            ref = self._by_base[id(base)] = _StorageRef(str(len(self.refs)), base)
            self.refs.append(ref)
        return ref

    def locate(self, arr: np.ndarray) -> tuple[_StorageRef, int, tuple[int, ...]]:
        """(storage, offset, strides in elements) for ``arr``."""
        base = arr
        while isinstance(base.base, np.ndarray):
            base = base.base
        item = arr.dtype.itemsize
        if base.dtype == arr.dtype and base.flags.c_contiguous and arr.dtype.isnative:
            delta = arr.__array_interface__["data"][0] - base.__array_interface__["data"][0]
            reach = sum((n - 1) * s for n, s in zip(arr.shape, arr.strides))
            if (
                arr.size
                and delta >= 0
                and delta % item == 0
                and all(s >= 0 and s % item == 0 for s in arr.strides)
                and delta + reach + item <= base.nbytes
            ):
                return self._ref(base), delta // item, tuple(s // item for s in arr.strides)
        own = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("="), copy=False)
        return self._ref(own), 0, _contiguous_strides(arr.shape)


class _Pickler(pickle._Pickler):
    """Python's pickler, writing minitorch tensors, dtypes, devices and sizes as torch's."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, fh, protocol: int, storages: _Storages) -> None:
        super().__init__(fh, protocol)
        self._storages = storages

    def _save_torch_global(self, obj: _TorchGlobal) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def _save_dtype(self, obj: _dtype.dtype) -> None:
        self.write(pickle.GLOBAL + f"torch\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_TorchGlobal] = _save_torch_global
    dispatch[_dtype.dtype] = _save_dtype

    def persistent_id(self, obj):
        if not isinstance(obj, _StorageRef):
            return None
        kind = _TorchGlobal(
            "torch", _STORAGE_NAMES[_dtype.from_numpy_dtype(obj.array.dtype).name] + "Storage"
        )
        return ("storage", kind, obj.key, "cpu", obj.array.size)

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from ..nn.parameter import Parameter

            ref, offset, stride = self._storages.locate(obj._data)
            geometry = (ref, offset, tuple(obj.shape), stride)
            if isinstance(obj, Parameter):
                data = _Call(_REBUILD_V2, (*geometry, False, OrderedDict()))
                return _REBUILD_PARAMETER, (data, obj.requires_grad, OrderedDict())
            return _REBUILD_V2, (*geometry, obj.requires_grad, OrderedDict())
        if isinstance(obj, device):
            return _TorchGlobal("torch", "device"), (str(obj),)
        if isinstance(obj, Size):
            return _TorchGlobal("torch", "Size"), (tuple(obj),)
        return NotImplemented


def _write_aligned(zf: zipfile.ZipFile, name: str, arr: np.ndarray) -> None:
    """A stored member whose data starts at a multiple of 64 bytes (padding in an extra field, as torch)."""
    zip64 = arr.nbytes * 1.05 > zipfile.ZIP64_LIMIT  # zipfile then adds a 20-byte zip64 extra field
    info = mapped.aligned_info(zf, name, zip64)
    with zf.open(info, "w", force_zip64=zip64) as out:
        out.write(memoryview(arr.reshape(-1).view(np.uint8)))


def write_archive(fh, obj, protocol: int = _PICKLE_PROTOCOL) -> None:
    """Write ``obj`` in torch's zip format. It is pickled first, so nothing is written if that fails."""
    storages = _Storages()
    data = io.BytesIO()
    _Pickler(data, protocol, storages).dump(obj)
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr("archive/data.pkl", data.getvalue())
        zf.writestr("archive/.format_version", "1")
        zf.writestr("archive/.storage_alignment", str(_ALIGNMENT))
        zf.writestr("archive/byteorder", sys.byteorder)
        for ref in storages.refs:
            _write_aligned(zf, f"archive/data/{ref.key}", ref.array)
        zf.writestr("archive/version", "3\n")
        zf.writestr(
            "archive/.data/serialization_id", "".join(secrets.choice("0123456789") for _ in range(40))
        )
