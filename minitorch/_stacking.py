"""torch's stacking and splitting helpers (``_extra_functions`` re-exports them with ``out=``), built from ``cat``, ``reshape`` and the split methods:
``atleast_1d/2d/3d``, ``hstack``, ``vstack`` (``row_stack``), ``dstack``, ``column_stack``,
``ravel``, ``tensor_split``, ``hsplit``, ``vsplit``, ``dsplit``."""

from __future__ import annotations

from .ops.shape import cat
from .tensor import Tensor


def _atleast(shapes, tensors):
    """One tensor in: one tensor out; several (or a sequence): a tuple, as torch."""
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    ts = tensors[0] if len(tensors) == 1 and not single else tensors
    out = tuple(t.reshape(shapes(t)) if t.dim() < len(shapes(t)) else t for t in ts)
    return out[0] if single else out


def atleast_1d(*tensors):
    return _atleast(lambda t: (t.numel(),) if t.dim() == 0 else t.shape, tensors)


def atleast_2d(*tensors):
    return _atleast(lambda t: {0: (1, 1), 1: (1, t.numel())}.get(t.dim(), t.shape), tensors)


def atleast_3d(*tensors):
    def shape(t):
        if t.dim() == 0:
            return (1, 1, 1)
        if t.dim() == 1:
            return (1, t.shape[0], 1)
        return tuple(t.shape) + (1,) if t.dim() == 2 else t.shape

    return _atleast(shape, tensors)


def _nonempty(name: str, tensors) -> tuple:
    tensors = tuple(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors):
    ts = atleast_1d(_nonempty("hstack", tensors))
    return cat(ts, 0 if ts[0].dim() == 1 else 1)


def vstack(tensors):
    return cat(atleast_2d(_nonempty("vstack", tensors)), 0)


def row_stack(tensors):
    return vstack(tensors)


def dstack(tensors):
    return cat(atleast_3d(_nonempty("dstack", tensors)), 2)


def column_stack(tensors):
    ts = _nonempty("column_stack", tensors)
    return cat(tuple(t.reshape(t.numel(), 1) if t.dim() <= 1 else t for t in ts), 1)


def ravel(input: Tensor) -> Tensor:  # noqa: A002 - torch's parameter name
    return input.ravel()


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0):  # noqa: A002
    return input.tensor_split(indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections):  # noqa: A002
    return input.hsplit(indices_or_sections)


def vsplit(input: Tensor, indices_or_sections):  # noqa: A002
    return input.vsplit(indices_or_sections)


def dsplit(input: Tensor, indices_or_sections):  # noqa: A002
    return input.dsplit(indices_or_sections)


__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "column_stack",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "ravel",
    "row_stack",
    "tensor_split",
    "vsplit",
    "vstack",
]
