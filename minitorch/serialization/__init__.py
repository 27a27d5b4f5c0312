"""``save`` / ``load``: checkpoints in minitorch's own format or in PyTorch's, never run code unasked.

Two formats, told apart by ``load`` from their contents:

- ``format="minitorch"`` (the default): a zip of ``.npy`` arrays plus a JSON manifest
  (``native.py``). Loading it never unpickles anything.
- ``format="torch"``: ``torch.save``'s zip format (``torch_format.py``); ``torch.load(path)`` reads it
  and ``minitorch.load`` reads files written by ``torch.save``, without torch installed. Loading
  uses a restricted unpickler admitting only what torch's ``weights_only=True`` admits, unless the
  caller passes ``weights_only=False``.

A whole ``nn.Module`` can only be pickled: ``save(model, path)`` writes it in the torch format, as
``torch.save`` does, and loading it then needs ``weights_only=False`` (only for trusted files) or its
classes in ``add_safe_globals``. Saving to a path is atomic; any unreadable file raises one
``RuntimeError`` naming the file.
"""

from __future__ import annotations

import os
import pickle
import zipfile
from typing import Any

from .._device import device
from . import mapped, native, torch_format
from .files import LoadError, bad, describe, open_for_reading, write
from .safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from .safetensors_format import load_file as load_safetensors
from .safetensors_format import save_file as save_safetensors

__all__ = [
    "save",
    "load",
    "add_safe_globals",
    "safe_globals",
    "get_safe_globals",
    "clear_safe_globals",
    "save_safetensors",
    "load_safetensors",
]

_FORMATS = ("minitorch", "torch")


def save(obj, f, *, format: str = "minitorch", pickle_protocol: int = 2) -> None:
    """Save ``obj`` (e.g. a model and optimizer ``state_dict`` in one dict) to ``f``.

    Args:
        obj: for ``format="minitorch"``: nested dicts (incl. OrderedDict and int keys), lists and
            tuples of tensors, NumPy arrays, numbers, strings, bools, None and dtypes. Tensors keep
            their dtype, ``requires_grad`` and whether they are a ``Parameter``; ``.grad`` is not
            saved. A whole ``nn.Module`` is pickled in the torch format, as ``torch.save`` does.
        f: a path (``str`` / ``os.PathLike``; written atomically) or a binary file object.
        format: ``"minitorch"`` (safe to load anywhere, the default) or ``"torch"`` (what
            ``torch.load`` reads; tensors sharing memory share a storage, as in torch).
        pickle_protocol: the pickle protocol of the torch format (torch's default, 2).

    Raises:
        TypeError: for an object the format cannot hold (nothing is written then).

    Example:
        >>> minitorch.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}, "ckpt.mt")
        >>> minitorch.save(model.state_dict(), "model.pt", format="torch")  # for torch.load
    """
    if format not in _FORMATS:
        raise ValueError(f"minitorch.save: format must be one of {_FORMATS}, got {format!r}")

    def write_to(fh) -> None:
        if format == "torch":
            return torch_format.write_archive(fh, obj, pickle_protocol)
        try:
            native.write_archive(fh, obj)
        except native.NeedsPickle:  # raised before anything is written
            torch_format.write_archive(fh, obj, pickle_protocol)

    write(f, write_to)


def _check_map_location(map_location) -> None:
    """Refuse, before reading anything, a map_location that is not a CPU (or not a map_location)."""
    if isinstance(map_location, (str, device)):
        torch_format.restore_location(map_location, None, "cpu")
    elif not (map_location is None or isinstance(map_location, dict) or callable(map_location)):
        raise TypeError(
            f"map_location must be None, a string, a device, a dict or a callable, got {map_location!r}"
        )


def _weights_only_error(where: str, e: Exception) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(
        f"Weights only load failed for {where}. This file can still be loaded, to do so you have two "
        "options, do those steps only if you trust the source of the checkpoint. "
        f"\n\t(1) {torch_format.UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` "
        f"please check the recommended steps in the following error message.\n\tWeightsUnpickler error: {e}"
    )


def _read(zf: zipfile.ZipFile, where: str, map_location, weights_only: bool, mapped_file=None):
    names = zf.namelist()
    if native.MANIFEST in names:
        return native.read_archive(zf, mapped_file)
    pickles = [n for n in names if n == "data.pkl" or n.endswith("/data.pkl")]
    if not pickles:
        raise bad(where, "it is a zip archive but not a checkpoint of minitorch's format or PyTorch's")
    return torch_format.read_archive(zf, pickles[0], map_location, weights_only, mapped_file)


def load(
    f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap: bool | None = None
) -> Any:
    """Load an object saved with ``minitorch.save`` or ``torch.save`` from a path or a binary file.

    Args:
        f: a path or a binary file object.
        map_location: where storages go, as in torch: None, ``'cpu'``, a ``device``, a dict mapping
            saved locations (``{'cuda:0': 'cpu'}``) or a callable ``(storage, location)`` returning
            the storage or None. minitorch runs on the CPU, so a storage saved on a GPU needs
            ``map_location='cpu'`` (torch's rule on a machine without a GPU).
        pickle_module: accepted for torch compatibility; only meaningful with ``weights_only=False``.
        weights_only: True (the default, as torch's since 2.6): a torch-format file may hold only
            tensors, dtypes, ``Size``, ``device`` and plain containers, plus the classes given to
            ``add_safe_globals``. False unpickles anything: do it only for files you trust. The
            minitorch format is never unpickled either way.
        mmap: True maps the file into memory instead of reading it, as ``torch.load(path,
            mmap=True)``: each tensor's data is a view of the mapping (``np.memmap``) read from disk
            lazily, when first touched. The tensors are writable; writes stay in memory and never
            reach the file (a private, copy-on-write mapping: torch's default ``MAP_PRIVATE``).
            ``f`` must then be a path (``ValueError`` otherwise, as torch).

    Raises:
        FileNotFoundError: if the path does not exist.
        pickle.UnpicklingError: naming the refused global, when ``weights_only`` refuses the file.
        RuntimeError: naming the file, if it is empty, truncated, corrupted or not a checkpoint.
    """
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    _check_map_location(map_location)
    where = describe(f)
    with open_for_reading(f, where) as fh:
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
            raise bad(where, f"the file is truncated or corrupted ({e})") from e
        with zf:
            if mmap and not isinstance(f, (str, os.PathLike)):
                raise ValueError("f must be a file path in order to use the mmap argument")
            mapped_file = mapped.map_file(fh) if mmap else None
            try:
                return _read(zf, where, map_location, weights_only, mapped_file)
            except torch_format.Refused as e:
                raise _weights_only_error(where, e) from None
            except torch_format.Unsupported as e:
                raise bad(where, f"it holds {e}") from None
            except (LoadError, torch_format.MapLocationError):
                raise
            except Exception as e:  # any damage inside the archive gets the same clear error
                if not weights_only and isinstance(e, (ImportError, AttributeError)):
                    raise  # a class the pickle names is missing here: the error torch gives
                raise bad(where, f"the file is damaged or truncated ({type(e).__name__}: {e})") from e
