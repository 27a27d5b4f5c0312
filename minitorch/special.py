"""``torch.special``: the special functions (kernels in ``ops/special.py``), as torch's names."""

from __future__ import annotations

import math

from ._promotion import _fl
from .ops import math as _math
from .ops import special as _S
from .ops.special import (
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
    polygamma,
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
    """The inverse of ``ndtr``: sqrt 2 * erfinv(2p - 1)."""
    return _S.erfinv(_fl(input) * 2 - 1) * math.sqrt(2)


def log_ndtr(input):
    """log(ndtr(x)); below x = -1 as log(erfcx(-x / sqrt 2) / 2) - x^2 / 2, which does not underflow."""
    from .ops.arithmetic import where

    x = _fl(input)
    neg = x < -1
    t = where(neg, x, -2.0) * (-1 / math.sqrt(2))
    tail = (_S.erfcx(t) * 0.5).log() - t * t
    return where(neg, tail, ndtr(where(neg, 0.0, x)).log())


__all__ = [
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
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
    "xlog1py",
    "xlogy",
    "zeta",
]
