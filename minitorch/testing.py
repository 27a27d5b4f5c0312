"""``minitorch.testing.assert_close``: torch's closeness check for tensors, numbers and their
containers, with torch's default tolerances per dtype and its failure messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import _dtype
from .tensor import Tensor

__all__ = ["assert_close", "make_tensor"]

# (rtol, atol) by dtype name, as torch.testing
_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


def _as_array(x):
    if isinstance(x, Tensor):
        return x.detach()._data, x.dtype
    arr = np.asarray(x)
    if arr.dtype == np.float64 and isinstance(x, float):
        return arr, _dtype.float64
    return arr, _dtype.from_numpy_dtype(arr.dtype) if arr.dtype != object else None


def _fail(msg, default):
    raise AssertionError(default if msg is None else (msg(default) if callable(msg) else msg))


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg=None,
) -> None:
    """Raise AssertionError unless ``|actual - expected| <= atol + rtol * |expected|`` everywhere
    (same shapes, and same dtypes with ``check_dtype``); containers are compared item by item."""
    if (rtol is None) != (atol is None):
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}."
        )
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        if set(actual) != set(expected):
            _fail(msg, f"The keys of the mappings do not match: {sorted(actual)} != {sorted(expected)}")
        for k in expected:
            assert_close(
                actual[k],
                expected[k],
                rtol=rtol,
                atol=atol,
                equal_nan=equal_nan,
                check_dtype=check_dtype,
                msg=msg,
            )
        return
    seqs = (Sequence,)
    if isinstance(expected, seqs) and isinstance(actual, seqs) and not isinstance(expected, str):
        if len(actual) != len(expected):
            _fail(msg, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
        return
    is_tensor = isinstance(actual, Tensor) or isinstance(expected, Tensor)
    if is_tensor and not (isinstance(actual, Tensor) and isinstance(expected, Tensor)):
        raise TypeError(
            f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}."
        )
    a, adt = _as_array(actual)
    e, edt = _as_array(expected)
    if is_tensor and a.shape != e.shape:
        _fail(
            msg,
            f"The values for attribute 'shape' do not match: {_dtype.display_name}.Size({list(a.shape)}) != "
            f"{_dtype.display_name}.Size({list(e.shape)}).",
        )
    if is_tensor and check_dtype and adt is not edt:
        _fail(msg, f"The values for attribute 'dtype' do not match: {adt} != {edt}.")
    if rtol is None:
        names = [d.name for d in (adt, edt) if d is not None]
        pairs = [_TOLERANCES.get(n, (0.0, 0.0)) for n in names] or [(0.0, 0.0)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    a64 = a.astype(np.float64) if a.dtype.kind in "fV" or e.dtype.kind in "fV" else a
    e64 = e.astype(np.float64) if a64 is not a else e
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if np.all(close):
        return
    what = "Tensor-likes" if is_tensor else "Scalars"
    if not is_tensor:
        diff = abs(float(a64) - float(e64))
        rel = diff / abs(float(e64)) if float(e64) else float("inf")
        _fail(
            msg,
            f"{what} are not close!\n\nExpected {float(e64)} but got {float(a64)}.\n"
            f"Absolute difference: {diff} (up to {atol} allowed)\nRelative difference: {rel} (up to {rtol} allowed)",
        )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absdiff = np.abs(a64.astype(np.float64) - e64.astype(np.float64))
        reldiff = absdiff / np.abs(e64.astype(np.float64))
    absdiff = np.where(np.isnan(absdiff), np.inf, absdiff)
    reldiff = np.where(np.isnan(reldiff), np.inf, reldiff)
    n_bad, n = int((~close).sum()), close.size
    ia = np.unravel_index(int(np.argmax(absdiff)), absdiff.shape) if absdiff.ndim else ()
    ir = np.unravel_index(int(np.argmax(reldiff)), reldiff.shape) if reldiff.ndim else ()
    at = f" at index {tuple(int(i) for i in ia)}" if absdiff.ndim else ""
    rt = f" at index {tuple(int(i) for i in ir)}" if reldiff.ndim else ""
    _fail(
        msg,
        f"{what} are not close!\n\nMismatched elements: {n_bad} / {n} ({100 * n_bad / n:.1f}%)\n"
        f"Greatest absolute difference: {absdiff.max()}{at} (up to {atol} allowed)\n"
        f"Greatest relative difference: {reldiff.max()}{rt} (up to {rtol} allowed)",
    )


def make_tensor(
    *shape, dtype, device=None, low=None, high=None, requires_grad: bool = False, **kwargs
) -> Tensor:
    """A tensor of random values in [low, high) (default [-9, 9)), as ``torch.testing.make_tensor``."""
    from ._creation import rand, randint

    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    lo = -9 if low is None else low
    hi = 9 if high is None else high
    d = _dtype.from_numpy_dtype(_dtype.to_np(dtype))
    if d.is_floating_point:
        t = (rand(*shape, dtype=d) * (hi - lo) + lo).to(d)
    elif d.np == np.bool_:
        t = randint(0, 2, shape).to(d)
    else:
        t = randint(int(lo), int(hi), shape, dtype=d)
    return t.requires_grad_(requires_grad) if requires_grad else t
