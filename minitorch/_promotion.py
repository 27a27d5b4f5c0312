"""torch's type promotion for binary ops, on top of NumPy's: what dtype ``a (op) b`` has.

Below both ``tensor.py`` and ``ops/``; ``Tensor`` is reached through ``autograd.function.Tensor``.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from . import _dtype
from ._arguments import _to_array
from .autograd import function as _function

if TYPE_CHECKING:
    from .tensor import Tensor

_pybool, _pyint, _pyfloat = builtins.bool, builtins.int, builtins.float


def _fl(x: Tensor) -> Tensor:
    """Integer and bool tensors become the default float dtype for float math (exp, log, ...), as torch."""
    return x if x._data.dtype.kind in "fV" else x.to(_dtype.default_float)


def _wrap_like(x, like: Tensor) -> Tensor:
    """A Python scalar as a 0-d tensor of ``like``'s dtype (for reflected ops like ``2 / x``)."""
    if isinstance(x, _function.Tensor):
        return x
    return _function.Tensor._make(np.asarray(x, dtype=like._data.dtype), False, None)


def _promote(a: Tensor, b, true_div: bool = False, sub: bool = False):
    """torch's type promotion on top of NumPy's: Python scalars never upcast a tensor, integer
    tensors meeting floats become float32, and 0-d tensors give way to dimensioned ones."""
    kind = a._data.dtype.kind
    if kind == "f":  # fast paths: the common float cases need no promotion
        if isinstance(b, _function.Tensor):
            if b._data.dtype == a._data.dtype:
                return a, b
        elif b.__class__ is _pyfloat or b.__class__ is _pyint:
            return a, b
    return _promote_slow(a, b, true_div, sub)


def _promote_slow(a: Tensor, b, true_div: bool, sub: bool = False):
    if sub:
        _check_bool_sub(a, b)
    if isinstance(b, np.generic):
        b = b.item()  # NumPy scalars count as Python scalars, as in torch
    elif isinstance(b, np.ndarray):
        b = _function.Tensor._make(b, False, None)
    elif isinstance(b, (list, tuple)):
        b = _function.Tensor._make(_to_array(b), False, None)
    rt = _result_type(a, b)
    if true_div and rt.kind not in "fV":
        rt = _dtype.default_float.np  # true division of integers gives the default float dtype
    if a._data.dtype != rt:
        a = a.to(rt)
    if isinstance(b, _function.Tensor):
        if b._data.dtype != rt:
            b = b.to(rt)
    elif rt.kind in "iu" and b.__class__ is not _pybool:
        b = np.asarray(b).astype(rt)  # out-of-range ints wrap around as in torch (uint8 + -1 == 255)
    return a, b


def _check_bool_sub(a: Tensor, b) -> None:
    b_bool = isinstance(b, (_pybool, np.bool_)) or (
        isinstance(b, _function.Tensor) and b._data.dtype.kind == "b"
    )
    a_bool = a._data.dtype.kind == "b"
    if a_bool and b_bool and isinstance(b, _function.Tensor):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    if a_bool or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "V": 2}  # "V": bfloat16 (ml_dtypes), a float


def _promote_types(x: np.dtype, y: np.dtype) -> np.dtype:
    """torch.promote_types: the higher category (bool < integer < float) wins; within one, NumPy's."""
    cx, cy = _CATEGORY[x.kind], _CATEGORY[y.kind]
    if cx != cy:
        return x if cx > cy else y
    return np.promote_types(x, y)


def _result_type(a: Tensor, b) -> np.dtype:
    """torch.result_type(a, b): dimensioned tensors outrank 0-d tensors, which outrank Python
    scalars; a lower-ranked operand only matters when its category is higher (int tensor + 2.5)."""
    ranks = [None, None, None]  # dimensioned tensors, 0-d tensors, Python scalars
    for x in (a, b):
        if isinstance(x, _function.Tensor):
            dt, r = x._data.dtype, (0 if x._data.ndim else 1)
        elif isinstance(x, _pybool):
            dt, r = np.dtype(np.bool_), 2
        elif isinstance(x, _pyint):
            dt, r = np.dtype(np.int64), 2
        elif isinstance(x, _pyfloat):
            dt, r = _dtype.default_float.np, 2
        else:
            raise TypeError(f"unsupported operand type for a Tensor operation: {type(x).__name__}")
        ranks[r] = dt if ranks[r] is None else _promote_types(ranks[r], dt)
    out = None
    for dt in reversed(ranks):  # from Python scalars up to dimensioned tensors
        if dt is not None:
            out = dt if out is None or _CATEGORY[dt.kind] >= _CATEGORY[out.kind] else _promote_types(dt, out)
    return out
