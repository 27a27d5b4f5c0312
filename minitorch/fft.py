"""``torch.fft``: the frequency helpers (``fftfreq``, ``rfftfreq``, ``fftshift``, ``ifftshift``).

The transforms themselves return or take complex tensors, and minitorch has no complex dtypes
(``complex64``/``complex128``): they raise a ``RuntimeError`` that says so.
"""

from __future__ import annotations

import numpy as np

from . import _dtype
from .ops.arithmetic import _const


def _real_dtype(dtype):
    return _dtype.to_np(dtype) if dtype is not None else _dtype.default_float.np


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, **_):
    t = _const(np.fft.fftfreq(n, d).astype(_real_dtype(dtype)))
    return t.requires_grad_(requires_grad) if requires_grad else t


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, **_):
    t = _const(np.fft.rfftfreq(n, d).astype(_real_dtype(dtype)))
    return t.requires_grad_(requires_grad) if requires_grad else t


def _shift(input, dim, sign):
    n = input._data.ndim
    dims = list(range(n)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    shifts = [sign * (input._data.shape[d] // 2) if sign > 0 else -(input._data.shape[d] // 2) for d in dims]
    return input.roll(shifts, dims) if dims else input.clone()


def fftshift(input, dim=None):
    return _shift(input, dim, 1)


def ifftshift(input, dim=None):
    return _shift(input, dim, -1)


def _complex(name):
    def fn(*args, **kwargs):
        raise RuntimeError(
            f"torch.fft.{name}: the transform needs complex tensors (complex64/complex128), which minitorch "
            "does not have (NumPy-backed, real dtypes only); fftfreq, rfftfreq, fftshift and ifftshift work"
        )

    fn.__name__ = fn.__qualname__ = name
    return fn


for _n in (
    "fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn hfft ihfft hfft2 ihfft2 hfftn ihfftn"
).split():
    globals()[_n] = _complex(_n)
del _n
