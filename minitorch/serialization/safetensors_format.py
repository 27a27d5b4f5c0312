"""safetensors files (``save_file`` / ``load_file``, as ``safetensors.torch``), through the
``safetensors`` package's NumPy API: an optional dependency, imported when first used."""

from __future__ import annotations

import os

import numpy as np

from .. import _dtype
from ..tensor import Tensor


def _numpy_api():
    try:
        import safetensors.numpy
    except ImportError as e:
        raise ImportError(
            "safetensors files need the safetensors package: pip install safetensors "
            "(or pip install 'minitorch[safetensors]')"
        ) from e
    return safetensors.numpy


def _arrays(tensors) -> dict[str, np.ndarray]:
    if not isinstance(tensors, dict):
        raise TypeError(f"save_file: expected a dict of name -> Tensor, got {type(tensors).__name__}")
    out, owners = {}, {}
    for name, t in tensors.items():
        if not isinstance(name, str) or not isinstance(t, Tensor):
            raise TypeError(f"save_file: expected a dict of str -> Tensor, got {name!r}: {type(t).__name__}")
        base = t._data
        while isinstance(base.base, np.ndarray):
            base = base.base
        other = owners.setdefault(id(base), name)
        if other != name and np.shares_memory(t._data, tensors[other]._data):
            raise RuntimeError(
                f"Some tensors share memory, this will lead to duplicate memory on disk and potential "
                f"differences when loading them again: [{other!r}, {name!r}]. Save clones instead "
                "({k: v.clone() for k, v in tensors.items()})."
            )
        out[name] = np.ascontiguousarray(t._data)
    return out


def save_file(tensors: dict, filename, metadata: dict[str, str] | None = None) -> None:
    """Write ``tensors`` (name -> Tensor, e.g. a ``state_dict``) to a safetensors file.

    Example:
        >>> minitorch.save_safetensors(model.state_dict(), "model.safetensors")
    """
    _numpy_api().save_file(_arrays(tensors), os.fspath(filename), metadata=metadata)


def load_file(filename, device: str = "cpu") -> dict[str, Tensor]:
    """The tensors of a safetensors file, name -> Tensor, in the file's order (on the CPU)."""
    if str(device) != "cpu":
        raise RuntimeError(f"minitorch runs on the CPU only; cannot load to device={device!r}")
    arrays = _numpy_api().load_file(os.fspath(filename))
    out = {}
    for name, arr in arrays.items():
        _dtype.from_numpy_dtype(arr.dtype)  # TypeError naming dtypes minitorch lacks
        out[name] = Tensor._make(np.array(arr), False, None)
    return out
