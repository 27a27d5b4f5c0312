"""Load the CIFAR python batches without running arbitrary pickled code.

``pickle.load`` executes whatever callable a file names. The CIFAR files only need NumPy's array
reconstruction (``numpy.core.multiarray._reconstruct`` / ``numpy._core...``, ``numpy.ndarray``,
``numpy.dtype``, ``_frombuffer``) and ``_codecs.encode`` (bytes pickled by Python 3 at protocol 2);
``RestrictedUnpickler`` admits exactly those and refuses any other global with
``pickle.UnpicklingError`` naming it.
"""

from __future__ import annotations

import codecs
import io
import pickle

import numpy as np

__all__ = ["RestrictedUnpickler", "restricted_load"]


def _numpy_attr(*path):
    for mod in ("numpy._core", "numpy.core"):
        try:
            obj = __import__(f"{mod}.{path[0]}", fromlist=[path[1]])
            return getattr(obj, path[1])
        except (ImportError, AttributeError):
            continue
    raise AttributeError(".".join(path))


def _allowed() -> dict[tuple[str, str], object]:
    table: dict[tuple[str, str], object] = {("_codecs", "encode"): codecs.encode}
    for prefix in ("numpy.core", "numpy._core"):
        table[(f"{prefix}.multiarray", "_reconstruct")] = _numpy_attr("multiarray", "_reconstruct")
        table[(f"{prefix}.multiarray", "scalar")] = _numpy_attr("multiarray", "scalar")
        table[(f"{prefix}.numeric", "_frombuffer")] = _numpy_attr("numeric", "_frombuffer")
    table[("numpy", "ndarray")] = np.ndarray
    table[("numpy", "dtype")] = np.dtype
    return table


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler that resolves only NumPy array globals (see the module docstring)."""

    _ALLOWED = None

    def find_class(self, module: str, name: str):
        if RestrictedUnpickler._ALLOWED is None:
            RestrictedUnpickler._ALLOWED = _allowed()
        obj = RestrictedUnpickler._ALLOWED.get((module, name))
        if obj is None:
            raise pickle.UnpicklingError(
                f"refusing to load global '{module}.{name}': this file is not a plain CIFAR batch "
                "(only NumPy arrays, lists, dicts, strings and numbers are allowed)"
            )
        return obj


def restricted_load(f, encoding: str = "latin1"):
    """``pickle.load(f, encoding=...)`` through ``RestrictedUnpickler``; ``f`` a file or bytes."""
    if isinstance(f, (bytes, bytearray)):
        f = io.BytesIO(f)
    return RestrictedUnpickler(f, encoding=encoding).load()
