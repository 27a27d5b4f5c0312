"""``torch.special``: the special functions (kernels in ``ops/special.py``), as torch's names."""

from __future__ import annotations

import math

from ._promotion import _fl
from .ops import math as _math
from .ops import special as _S
from .ops.special import (
    bessel_j0,
    bessel_j1,
    bessel_y0,
    bessel_y1,
    digamma,
    entr,
    erfc,
    erfcx,
    erfinv,
    gammainc,
    gammaincc,
    i0,
    i0e,
    i1,
    i1e,
    modified_bessel_k0,
    modified_bessel_k1,
    polygamma,
    scaled_modified_bessel_k0,
    scaled_modified_bessel_k1,
    sinc,
    xlog1py,
    xlogy,
    zeta,
)

psi = digamma
modified_bessel_i0 = i0
modified_bessel_i1 = i1


def spherical_bessel_j0(input):
    """sin(x) / x (1 at 0)."""
    return sinc(_fl(input) / math.pi)


def erf(input):
    return _math.erf(input)


def expit(input):
    return _fl(input).sigmoid()


def logit(input, eps=None):
    return _math.logit(input, eps)


def gammaln(input):
    return _S.lgamma(input)


def multigammaln(input, p):
    return _S.mvlgamma(input, p)


def expm1(input):
    return input.expm1()


def exp2(input):
    return input.exp2()


def log1p(input):
    return input.log1p()


def round(input, decimals=0):  # noqa: A001
    return input.round(decimals=decimals)


def softmax(input, dim, *, dtype=None):
    return input.softmax(dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    return input.log_softmax(dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False):
    return input.logsumexp(dim, keepdim)


def ndtr(input):
    """The standard normal CDF: erfc(-x / sqrt 2) / 2."""
    return _S.erfc(_fl(input) * (-1 / math.sqrt(2))) * 0.5


def ndtri(input):
    """The inverse of ``ndtr``."""
    return _S.ndtri(input)


def log_ndtr(input):
    """log(ndtr(x)); below x = -1 as log(erfcx(-x / sqrt 2) / 2) - x^2 / 2, which does not underflow."""
    from .ops.arithmetic import where

    x = _fl(input)
    neg = x < -1
    t = where(neg, x, -2.0) * (-1 / math.sqrt(2))
    tail = (_S.erfcx(t) * 0.5).log() - t * t
    return where(neg, tail, ndtr(where(neg, 0.0, x)).log())


__all__ = [
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
    "xlog1py",
    "xlogy",
    "zeta",
]


# ---------------------------------------------------------------- orthogonal polynomials (no grad, as torch)


def _poly(name, first, step, shift=False):
    """P_n(x) by its three-term recurrence: ``first(x)`` gives (P_0, P_1), ``step(k, x, p_k, p_km1)``
    gives P_(k+1); n elementwise (a tensor or a number), 0 for n < 0."""
    import numpy as np

    from .ops.arithmetic import _const

    def fn(input, n, *, out=None):
        xt = input if hasattr(input, "_data") else _const(np.asarray(input, dtype=np.float32))
        nt = n._data if hasattr(n, "_data") else np.asarray(n)
        xd = xt._data
        if xd.dtype.kind in "fV":
            dt = np.result_type(xd.dtype, nt.dtype) if nt.dtype.kind == "f" and nt.ndim else xd.dtype
        else:
            dt = nt.dtype if nt.dtype.kind == "f" and nt.ndim else np.float32
        x = xd.astype(np.float64)
        if shift:
            x = 2 * x - 1
        nn = np.broadcast_to(nt, np.broadcast_shapes(x.shape, nt.shape)).astype(np.int64)
        x = np.broadcast_to(x, nn.shape)
        p0, p1 = first(x)
        res = np.where(nn == 0, p0, 0.0)
        res = np.where(nn == 1, p1, res)
        prev, cur = p0, p1
        for k in range(1, int(nn.max(initial=0))):
            prev, cur = cur, step(k, x, cur, prev)
            res = np.where(nn == k + 1, cur, res)
        return _const(np.asarray(res, dtype=dt))

    fn.__name__ = fn.__qualname__ = name
    return fn


def _ones(x):
    return __import__("numpy").ones_like(x)


chebyshev_polynomial_t = _poly(
    "chebyshev_polynomial_t", lambda x: (_ones(x), x), lambda k, x, p, q: 2 * x * p - q
)
chebyshev_polynomial_u = _poly(
    "chebyshev_polynomial_u", lambda x: (_ones(x), 2 * x), lambda k, x, p, q: 2 * x * p - q
)
chebyshev_polynomial_v = _poly(
    "chebyshev_polynomial_v", lambda x: (_ones(x), 2 * x - 1), lambda k, x, p, q: 2 * x * p - q
)
chebyshev_polynomial_w = _poly(
    "chebyshev_polynomial_w", lambda x: (_ones(x), 2 * x + 1), lambda k, x, p, q: 2 * x * p - q
)
shifted_chebyshev_polynomial_t = _poly(
    "shifted_chebyshev_polynomial_t", lambda x: (_ones(x), x), lambda k, x, p, q: 2 * x * p - q, True
)
shifted_chebyshev_polynomial_u = _poly(
    "shifted_chebyshev_polynomial_u", lambda x: (_ones(x), 2 * x), lambda k, x, p, q: 2 * x * p - q, True
)
shifted_chebyshev_polynomial_v = _poly(
    "shifted_chebyshev_polynomial_v", lambda x: (_ones(x), 2 * x - 1), lambda k, x, p, q: 2 * x * p - q, True
)
shifted_chebyshev_polynomial_w = _poly(
    "shifted_chebyshev_polynomial_w", lambda x: (_ones(x), 2 * x + 1), lambda k, x, p, q: 2 * x * p - q, True
)
hermite_polynomial_h = _poly(
    "hermite_polynomial_h", lambda x: (_ones(x), 2 * x), lambda k, x, p, q: 2 * x * p - 2 * k * q
)
hermite_polynomial_he = _poly(
    "hermite_polynomial_he", lambda x: (_ones(x), x), lambda k, x, p, q: x * p - k * q
)
laguerre_polynomial_l = _poly(
    "laguerre_polynomial_l",
    lambda x: (_ones(x), 1 - x),
    lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1),
)
legendre_polynomial_p = _poly(
    "legendre_polynomial_p",
    lambda x: (_ones(x), x),
    lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1),
)

__all__ += [
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
]

from ._extra_functions import _add_out  # noqa: E402

_add_out(globals(), __all__)
