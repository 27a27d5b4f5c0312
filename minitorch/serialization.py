"""``save`` / ``load``: checkpoints that cannot run code when loaded.

A checkpoint is a zip archive holding ``manifest.json`` (the structure of the saved object: dicts,
lists, tuples, numbers, strings, ...) and one ``data/<i>.npy`` file per tensor or array, read back
with ``allow_pickle=False``. Nothing is ever unpickled, so a crafted file can at worst be refused.

Saving to a path is atomic: the archive is written to a temporary file in the same directory,
flushed to disk, then renamed over the target, so a failed save leaves the previous file intact.
Any unreadable file (empty, truncated, corrupted, a pickle, a torch checkpoint, ...) raises one
``RuntimeError`` that names the file and says what is wrong.

Moving weights to and from PyTorch goes through NumPy::

    model.load_state_dict({k: v.numpy() for k, v in torch_model.state_dict().items()})  # torch -> minitorch
    torch_model.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in model.state_dict().items()})
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import math
import os
import secrets
import stat
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from . import _dtype
from .tensor import Size, Tensor

__all__ = ["save", "load"]

_FORMAT = "minitorch.save"
_VERSION = 1
_MANIFEST = "manifest.json"
_TAG = "__mt__"
_SUPPORTED = (
    "dict, OrderedDict, list, tuple, Tensor, Parameter, numpy arrays and scalars, int, float, bool, "
    "str, bytes, None and minitorch dtypes"
)


def _parameter_cls():
    try:
        from .nn.parameter import Parameter
    except ImportError:  # pragma: no cover - nn is optional for serialization
        return None
    return Parameter


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
        raise TypeError(
            f"minitorch.save: cannot save an object of type {type(obj).__name__} at {self._where()} "
            f"(supported: {_SUPPORTED})"
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
def _write_archive(fh, manifest: dict, arrays: list[np.ndarray]) -> None:
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(_MANIFEST, json.dumps(manifest, allow_nan=False))
        for i, arr in enumerate(arrays):
            with zf.open(f"data/{i}.npy", "w", force_zip64=arr.nbytes > 2**31 - 2**16) as out:
                np.lib.format.write_array(out, arr, allow_pickle=False)


def _atomic_write(path: str, manifest: dict, arrays: list[np.ndarray]) -> None:
    """Write to a temp file next to ``path``, fsync, then rename over it (the old file survives
    any failure, and the temp file is removed)."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_archive(fh, manifest, arrays)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # keep the permissions of the file being replaced
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename itself durable (POSIX)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def save(obj, f) -> None:
    """Save ``obj`` (e.g. a model and optimizer ``state_dict`` in one dict) to ``f``.

    Args:
        obj: nested dicts (incl. OrderedDict and int keys), lists and tuples of tensors, NumPy
            arrays, numbers, strings, bools, None and dtypes. Tensors keep their dtype, their
            ``requires_grad`` flag and whether they are a ``Parameter``; ``.grad`` is not saved.
        f: a path (``str`` / ``os.PathLike``; written atomically) or a binary file object.

    Raises:
        TypeError: for an object that cannot be saved (nothing is written then).

    Example:
        >>> minitorch.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}, "ckpt.mt")
    """
    enc = _Encoder()
    manifest = {"format": _FORMAT, "version": _VERSION, "root": enc.encode(obj), "arrays": len(enc.arrays)}
    if isinstance(f, (str, os.PathLike)):
        _atomic_write(os.fspath(f), manifest, enc.arrays)
    elif hasattr(f, "write"):
        _write_archive(f, manifest, enc.arrays)
    else:
        raise TypeError(f"minitorch.save: f must be a path or a binary file object, got {type(f).__name__}")


def _describe(f) -> str:
    if isinstance(f, (str, os.PathLike)):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, (str, bytes)) else f"<{type(f).__name__}>"


def _bad(where: str, what: str) -> RuntimeError:
    return RuntimeError(f"minitorch.load: cannot load {where}: {what}")


def _check_header(head: bytes, where: str) -> None:
    if not head:
        raise _bad(where, "the file is empty (0 bytes); it was probably never fully written")
    if head[:2] == b"PK":
        return
    if head[:1] == b"\x80":  # the PROTO opcode that starts every pickle of protocol 2+
        raise _bad(
            where,
            "it is a pickle file (e.g. written by pickle.dump or an old torch.save); minitorch.load "
            "refuses pickles because loading one can run arbitrary code",
        )
    raise _bad(where, f"it is not a minitorch checkpoint (unrecognised header {head[:8]!r})")


def _load_archive(fh, where: str):
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise _bad(where, f"the file is truncated or corrupted ({e})") from e
    with zf:
        names = set(zf.namelist())
        if _MANIFEST not in names:
            if any(n.endswith("data.pkl") for n in names):
                raise _bad(
                    where,
                    "it is a PyTorch checkpoint (torch.save), which holds pickled data. Load it with torch "
                    "and convert the tensors with {k: v.numpy() for k, v in state_dict.items()}",
                )
            raise _bad(where, "it is a zip archive but not a minitorch checkpoint (no manifest.json)")
        try:
            manifest = json.loads(zf.read(_MANIFEST))
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
                with zf.open(f"data/{i}.npy") as member:
                    return np.lib.format.read_array(member, allow_pickle=False)

            return _Decoder(read_array, n).decode(manifest["root"])
        except Exception as e:  # any damage inside the archive gets the same clear error
            raise _bad(where, f"the file is damaged or truncated ({type(e).__name__}: {e})") from e


def load(f, map_location=None, *, weights_only: bool | None = None, mmap: bool | None = None) -> Any:
    """Load an object saved with ``minitorch.save`` from a path or a binary file object.

    Never unpickles anything: ``weights_only`` is accepted for torch compatibility and is always
    effectively True. ``map_location`` may be None or ``'cpu'`` (minitorch is CPU only).

    Raises:
        FileNotFoundError: if the path does not exist.
        RuntimeError: naming the file, if it is empty, truncated, corrupted or not a minitorch
            checkpoint (a pickle or a torch checkpoint is refused without being executed).
    """
    if isinstance(map_location, str) and not map_location.startswith("cpu"):
        raise RuntimeError(f"minitorch runs on the CPU only; cannot load to map_location={map_location!r}")
    where = _describe(f)
    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), "rb") as fh:
            _check_header(fh.read(8), where)
            fh.seek(0)
            return _load_archive(fh, where)
    if not hasattr(f, "read"):
        raise TypeError(f"minitorch.load: f must be a path or a binary file object, got {type(f).__name__}")
    seekable = getattr(f, "seekable", lambda: False)()
    if seekable:
        start = f.tell()
        head = f.read(8)
        f.seek(start)
        _check_header(head, where)
        return _load_archive(f, where)
    data = f.read()
    _check_header(data[:8], where)
    return _load_archive(io.BytesIO(data), where)
