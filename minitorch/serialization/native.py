"""minitorch's own checkpoint format: a zip that cannot run code when loaded.

The archive holds ``manifest.json`` (the structure of the saved object: dicts, lists, tuples,
numbers, strings, ...) and one ``data/<i>.npy`` file per tensor or array, read back with
``allow_pickle=False``. Nothing is ever unpickled, so a crafted file can at worst be refused.
"""

from __future__ import annotations

import base64
import json
import math
import time
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from .. import _dtype
from .._size import Size
from ..tensor import Tensor
from .mapped import aligned_info, npy_array

_FORMAT = "minitorch.save"
_VERSION = 1
MANIFEST = "manifest.json"
_TAG = "__mt__"
_SUPPORTED = (
    "dict, OrderedDict, list, tuple, Tensor, Parameter, numpy arrays and scalars, int, float, bool, "
    "str, bytes, None and minitorch dtypes"
)


class NeedsPickle(TypeError):
    """Raised for an object only pickling can store (a whole ``nn.Module``), as ``torch.save`` does."""


def _parameter_cls():
    try:
        from ..nn.parameter import Parameter
    except ImportError:  # pragma: no cover - nn is optional for serialization
        return None
    return Parameter


def _module_cls():
    try:
        from ..nn.modules.module import Module
    except ImportError:  # pragma: no cover
        return None
    return Module


# --- encoding: object -> JSON-able structure + list of arrays ---
class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self._memo: dict[int, int] = {}  # id(tensor or array) -> array index (shared objects stored once)
        self._active: set[int] = set()  # containers being encoded (cycle check)
        self._path: list[str] = []
        self._param = _parameter_cls()

    def _where(self) -> str:
        return "obj" + "".join(self._path)

    def _array(self, obj, arr: np.ndarray) -> int:
        if arr.dtype.hasobject:
            raise TypeError(f"minitorch.save: cannot save a numpy array of dtype object at {self._where()}")
        key = id(obj)
        if key not in self._memo:
            self._memo[key] = len(self.arrays)
            self.arrays.append(arr)
        return self._memo[key]

    def encode(self, obj) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int) and type(obj) is int:
            return obj
        if type(obj) is float:
            return obj if math.isfinite(obj) else {_TAG: "float", "v": repr(obj)}
        if isinstance(obj, Tensor):
            node = {_TAG: "tensor", "array": self._array(obj, obj._data), "requires_grad": obj.requires_grad}
            if self._param is not None and isinstance(obj, self._param):
                node[_TAG] = "parameter"
            return node
        if isinstance(obj, np.ndarray):
            return {_TAG: "ndarray", "array": self._array(obj, obj)}
        if isinstance(obj, np.generic):
            return {_TAG: "npscalar", "array": self._array(obj, np.asarray(obj))}
        if isinstance(obj, _dtype.dtype):
            return {_TAG: "dtype", "name": obj.name}
        if isinstance(obj, (bytes, bytearray)):
            return {_TAG: "bytes", "b64": base64.b64encode(bytes(obj)).decode("ascii")}
        if isinstance(obj, (dict, list, tuple)):
            return self._container(obj)
        if isinstance(obj, (int, float)):  # int/float subclasses (e.g. IntEnum) save as plain numbers
            return self.encode(int(obj) if isinstance(obj, int) else float(obj))
        module = _module_cls()
        if module is not None and isinstance(obj, module):
            raise NeedsPickle(f"a whole {type(obj).__name__} module at {self._where()}")
        raise TypeError(
            f"minitorch.save: cannot save an object of type {type(obj).__name__} at {self._where()} "
            f"(supported: {_SUPPORTED}; format='torch' pickles anything, as torch.save does)"
        )

    def _container(self, obj) -> Any:
        if id(obj) in self._active:
            raise ValueError(f"minitorch.save: the object contains a reference cycle at {self._where()}")
        self._active.add(id(obj))
        try:
            if isinstance(obj, dict):
                items = []
                for k, v in obj.items():
                    self._path.append(f"[{k!r}]")
                    if isinstance(k, (Tensor, np.ndarray, dict, list)):
                        raise TypeError(
                            f"minitorch.save: unsupported dict key of type {type(k).__name__} at {self._where()}"
                        )
                    items.append([self.encode(k), self.encode(v)])
                    self._path.pop()
                return {_TAG: "odict" if isinstance(obj, OrderedDict) else "dict", "items": items}
            out = []
            for i, v in enumerate(obj):
                self._path.append(f"[{i}]")
                out.append(self.encode(v))
                self._path.pop()
            if isinstance(obj, list):
                return out
            return {_TAG: "size" if isinstance(obj, Size) else "tuple", "items": out}
        finally:
            self._active.discard(id(obj))


# --- decoding: JSON structure + arrays -> object ---
class _Decoder:
    def __init__(self, read_array, n_arrays: int) -> None:
        self._read = read_array
        self._n = n_arrays
        self._cache: dict[tuple[str, int], Any] = {}
        self._param = _parameter_cls()

    def _array(self, node) -> np.ndarray:
        i = node.get("array")
        if type(i) is not int or not 0 <= i < self._n:
            raise ValueError(f"bad array reference {i!r}")
        return self._read(i)

    def decode(self, node) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict) or not isinstance(node.get(_TAG), str):
            raise ValueError(f"unexpected manifest entry {str(node)[:80]}")
        tag = node[_TAG]
        if tag in ("tensor", "parameter", "ndarray", "npscalar"):
            key = (tag, node.get("array"))
            if key not in self._cache:  # one object per saved object, so shared tensors stay shared
                self._cache[key] = self._leaf(tag, node)
            return self._cache[key]
        if tag in ("dict", "odict"):
            out = OrderedDict() if tag == "odict" else {}
            for k, v in node["items"]:
                out[self._key(self.decode(k))] = self.decode(v)
            return out
        if tag == "tuple":
            return tuple(self.decode(v) for v in node["items"])
        if tag == "size":
            return Size(int(v) for v in node["items"])
        if tag == "float":
            if node["v"] not in ("nan", "inf", "-inf"):
                raise ValueError(f"bad float {node['v']!r}")
            return float(node["v"])
        if tag == "dtype":
            return _dtype._BY_NAME[node["name"]]
        if tag == "bytes":
            return base64.b64decode(node["b64"], validate=True)
        raise ValueError(f"unknown entry type {tag!r}")

    @staticmethod
    def _key(k):
        hash(k)  # TypeError for unhashable keys (only possible in a crafted file)
        return k

    def _leaf(self, tag: str, node):
        arr = self._array(node)
        if tag == "ndarray":
            return arr
        if tag == "npscalar":
            return arr[()]
        _dtype.from_numpy_dtype(arr.dtype)  # TypeError for dtypes tensors cannot hold
        t = Tensor._make(arr, False, None)
        rg = node.get("requires_grad", False)
        if type(rg) is not bool:
            raise ValueError("bad requires_grad flag")
        if tag == "parameter" and self._param is not None:
            return self._param(t, requires_grad=rg)
        if rg:
            t.requires_grad = True
        return t


# --- the archive ---
def write_archive(fh, obj) -> None:
    """Write ``obj`` as a minitorch archive to the binary file ``fh`` (TypeError before writing
    anything for an object the format cannot hold)."""
    enc = _Encoder()
    manifest = {"format": _FORMAT, "version": _VERSION, "root": enc.encode(obj), "arrays": len(enc.arrays)}
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, allow_nan=False))
        for i, arr in enumerate(enc.arrays):
            zip64 = arr.nbytes > 2**31 - 2**16
            info = aligned_info(zf, f"data/{i}.npy", zip64, time.localtime()[:6])
            with zf.open(info, "w", force_zip64=zip64) as out:
                np.lib.format.write_array(out, arr, allow_pickle=False)


def read_archive(zf: zipfile.ZipFile, mapped=None):
    """The object stored in an open minitorch archive (ValueError and friends for a damaged one);
    its arrays are views of ``mapped`` (the file mapped by ``mapped.map_file``) when given."""
    manifest = json.loads(zf.read(MANIFEST))
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise ValueError("the manifest is not a minitorch manifest")
    if manifest.get("version") != _VERSION:
        raise ValueError(
            f"unsupported format version {manifest.get('version')!r} (this is version {_VERSION})"
        )
    n = manifest.get("arrays")
    if type(n) is not int or n < 0:
        raise ValueError("bad array count")

    def read_array(i: int) -> np.ndarray:
        if mapped is not None:
            arr = npy_array(zf, mapped, f"data/{i}.npy")
            if arr is not None:
                return arr
        with zf.open(f"data/{i}.npy") as member:
            return np.lib.format.read_array(member, allow_pickle=False)

    return _Decoder(read_array, n).decode(manifest["root"])
