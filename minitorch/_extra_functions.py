"""The top-level functions of the special-function, linear-algebra and tensor-algebra families
(``minitorch.lgamma``, ``minitorch.det``, ``minitorch.tensordot``, ...), as torch's; ``__init__``
re-exports ``__all__``."""

from __future__ import annotations

import functools
import inspect

import numpy as np

from . import _out_argument
from ._stacking import *  # noqa: F403 - the stacking helpers, listed in __all__ below
from ._stacking import __all__ as _STACKING
from ._torch_aliases import *  # noqa: F403 - torch.* spellings of existing ops, listed in __all__
from ._torch_aliases import __all__ as _ALIASES
from .ops import decompositions as _D
from .ops.arithmetic import _const
from .ops.decompositions import (
    chain_matmul,
    cholesky_inverse,
    cholesky_solve,
    lu_unpack,
    matrix_exp,
    matrix_power,
    slogdet,
    triangular_solve,
)
from .ops.decompositions import cholesky as _linalg_cholesky
from .ops.decompositions import det as det
from .ops.decompositions import inv as inverse
from .ops.decompositions import logdet as logdet
from .ops.elementwise import (
    absolute,
    addcdiv,
    addcmul,
    bitwise_and,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    bucketize,
    deg2rad,
    fix,
    float_power,
    fmax,
    fmin,
    frac,
    frexp,
    gcd,
    heaviside,
    histc,
    histogram,
    isin,
    isneginf,
    isposinf,
    isreal,
    lcm,
    ldexp,
    logical_xor,
    negative,
    nextafter,
    positive,
    rad2deg,
    searchsorted,
    sgn,
    signbit,
)
from .ops.special import (
    copysign,
    digamma,
    erfc,
    erfinv,
    i0,
    lgamma,
    mvlgamma,
    polygamma,
    sinc,
    xlogy,
)
from .ops.special import gammainc as igamma
from .ops.special import gammaincc as igammac
from .ops.tensor_algebra import (
    aminmax,
    block_diag,
    combinations,
    corrcoef,
    cov,
    cross,
    cummax,
    cummin,
    cumulative_trapezoid,
    diff,
    dist,
    fliplr,
    flipud,
    gradient,
    inner,
    logcumsumexp,
    nanmean,
    nanquantile,
    nansum,
    quantile,
    renorm,
    rot90,
    scatter_reduce,
    take_along_dim,
    tensordot,
    trapezoid,
    trapz,
    tril_indices,
    triu_indices,
    vander,
)


def pinverse(input, rcond=1e-15, hermitian=False):
    return _D.pinv(input, rtol=rcond, hermitian=hermitian)


def cholesky(input, upper=False):
    return _linalg_cholesky(input, upper=upper)


def qr(input, some=True):
    return _D.qr(input, "reduced" if some else "complete")


def svd(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with V, not V^T; ``some=False`` gives full U and V."""
    if not compute_uv:
        m, n = input._data.shape[-2:]
        S = _D.svdvals(input)
        z = input._data.dtype
        return _D.torch_svd_type(
            _const(np.zeros((*input._data.shape[:-2], m, m), z)),
            S,
            _const(np.zeros((*input._data.shape[:-2], n, n), z)),
        )
    U, S, Vh = _D.svd(input, full_matrices=not some)
    return _D.torch_svd_type(U, S, Vh.mT)


def lu_solve(b, LU_data, LU_pivots):
    """torch.lu_solve (deprecated argument order): X with A X = b from A's LU factorisation."""
    return _D.lu_solve(LU_data, LU_pivots, b)


def lu(A, pivot=True, get_infos=False):
    LU, piv = _D.lu_factor(A, pivot=pivot)
    if get_infos:
        info = np.array([_D._lu_np(m)[2] for m in A._data.reshape(-1, *A._data.shape[-2:])], np.int32)
        return LU, piv, _const(info.reshape(A._data.shape[:-2]))
    return LU, piv


__all__ = [
    "absolute",
    "addcdiv",
    "addcmul",
    "aminmax",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "block_diag",
    "bucketize",
    "chain_matmul",
    "cholesky",
    "cholesky_inverse",
    "cholesky_solve",
    "combinations",
    "copysign",
    "corrcoef",
    "cov",
    "cross",
    "cummax",
    "cummin",
    "cumulative_trapezoid",
    "deg2rad",
    "det",
    "diff",
    "digamma",
    "dist",
    "erfc",
    "erfinv",
    "fix",
    "fliplr",
    "flipud",
    "float_power",
    "fmax",
    "fmin",
    "frac",
    "frexp",
    "gcd",
    "gradient",
    "heaviside",
    "histc",
    "histogram",
    "i0",
    "igamma",
    "igammac",
    "inner",
    "inverse",
    "isin",
    "isneginf",
    "isposinf",
    "isreal",
    "lcm",
    "ldexp",
    "lgamma",
    "logcumsumexp",
    "logdet",
    "logical_xor",
    "lu",
    "lu_solve",
    "lu_unpack",
    "matrix_exp",
    "matrix_power",
    "mvlgamma",
    "nanmean",
    "nanquantile",
    "nansum",
    "negative",
    "nextafter",
    "pinverse",
    "polygamma",
    "positive",
    "qr",
    "quantile",
    "rad2deg",
    "renorm",
    "rot90",
    "scatter_reduce",
    "searchsorted",
    "sgn",
    "signbit",
    "sinc",
    "slogdet",
    "svd",
    "take_along_dim",
    "tensordot",
    "trapezoid",
    "trapz",
    "triangular_solve",
    "tril_indices",
    "triu_indices",
    "vander",
    "xlogy",
    "poisson",
    "is_nonzero",
    "broadcast_shapes",
    "broadcast_tensors",
    "diagflat",
    "real",
    *_STACKING,
    *_ALIASES,
]


def is_nonzero(input) -> bool:  # noqa: A002 - torch's parameter name
    """The truth of a one-element tensor (torch's errors for none or several)."""
    n = input._data.size
    if n != 1:
        raise RuntimeError(
            f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'} is ambiguous"
        )
    return bool(input._data.reshape(()))


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to (torch's error if they do not)."""
    from ._size import Size

    norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape {norm}") from None


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t.expand(*shape) for t in tensors)


def diagflat(input, offset: int = 0):  # noqa: A002
    return input.reshape(-1).diag(offset)


def real(input):  # noqa: A002
    return input.real


def poisson(input, generator=None):  # noqa: A002 - torch's parameter name
    """Poisson draws with rates ``input`` (torch's sampler, same stream: bit for bit)."""
    from .distributions.utils import _poisson

    if generator is not None:
        raise NotImplementedError("poisson(generator=...): only the global generator is supported")
    return _poisson(input)


def with_out(fn):
    """``fn`` that also takes torch's ``out=`` (the result written into the given tensor(s))."""
    if "out" in inspect.signature(fn).parameters:
        return fn

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return _out_argument.call_with_out(fn.__name__, fn, args, kwargs, out)

    return wrapper


def _add_out(namespace: dict, names) -> None:
    for n in names:
        if callable(namespace[n]) and not isinstance(namespace[n], type):
            namespace[n] = with_out(namespace[n])


_add_out(globals(), __all__)
