"""Tensor methods: special functions, decompositions and tensor algebra: ``lgamma``, ``erfinv``,
``det``, ``svd``, ``inner``, ``cummax``, ``addcmul``, ``scatter_reduce``, ... (ops in
``ops/special.py``, ``ops/decompositions.py``, ``ops/elementwise.py``, ``ops/tensor_algebra.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls a function,
and each ``name_`` writes ``name``'s result into the tensor (recorded by autograd when needed).
"""

from __future__ import annotations

import importlib


class _OnFirstUse:
    """A module imported when first used, which then takes this placeholder's name (keeps
    ``import minitorch`` short: these ops are ~10% of it and most programs never call them)."""

    def __init__(self, var: str, name: str) -> None:
        self._var, self._name = var, name

    def __getattr__(self, attr):
        mod = globals()[self._var] = importlib.import_module(self._name)
        return getattr(mod, attr)


F = _OnFirstUse("F", "minitorch._extra_functions")
D = _OnFirstUse("D", "minitorch.ops.decompositions")
W = _OnFirstUse("W", "minitorch.ops.elementwise")
S = _OnFirstUse("S", "minitorch.ops.special")
T = _OnFirstUse("T", "minitorch.ops.tensor_algebra")


class SpecialMethods:
    __slots__ = ()

    # special functions
    def lgamma(self):
        return S.lgamma(self)

    def digamma(self):
        return S.digamma(self)

    def polygamma(self, n):
        return S.polygamma(n, self)

    def mvlgamma(self, p):
        return S.mvlgamma(self, p)

    def erfinv(self):
        return S.erfinv(self)

    def erfc(self):
        return S.erfc(self)

    def i0(self):
        return S.i0(self)

    def sinc(self):
        return S.sinc(self)

    def xlogy(self, other):
        return S.xlogy(self, other)

    def copysign(self, other):
        return S.copysign(self, other)

    def igamma(self, other):
        return S.gammainc(self, other)

    def igammac(self, other):
        return S.gammaincc(self, other)

    # elementwise
    def signbit(self):
        return W.signbit(self)

    def sgn(self):
        return W.sgn(self)

    def angle(self):
        return W.angle(self)

    def frac(self):
        return W.frac(self)

    def fix(self):
        return W.fix(self)

    def deg2rad(self):
        return W.deg2rad(self)

    def rad2deg(self):
        return W.rad2deg(self)

    def heaviside(self, values):
        return W.heaviside(self, values)

    def float_power(self, exponent):
        return W.float_power(self, exponent)

    def bitwise_and(self, other):
        return W.bitwise_and(self, other)

    def bitwise_or(self, other):
        return W.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return W.bitwise_xor(self, other)

    def bitwise_not(self):
        return W.bitwise_not(self)

    def bitwise_left_shift(self, other):
        return W.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        return W.bitwise_right_shift(self, other)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return W.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return W.addcdiv(self, tensor1, tensor2, value=value)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002
        return W.histc(self, bins, min, max)

    def histogram(self, bins, *, range=None, weight=None, density=False):  # noqa: A002
        return W.histogram(self, bins, range=range, weight=weight, density=density)

    # tensor algebra
    def inner(self, other):
        return T.inner(self, other)

    def cross(self, other, dim=None):
        return T.cross(self, other, dim)

    def rot90(self, k=1, dims=(0, 1)):
        return T.rot90(self, k, dims)

    def flipud(self):
        return T.flipud(self)

    def fliplr(self):
        return T.fliplr(self)

    def aminmax(self, *, dim=None, keepdim=False):
        return T.aminmax(self, dim=dim, keepdim=keepdim)

    def renorm(self, p, dim, maxnorm):
        return T.renorm(self, p, dim, maxnorm)

    def dist(self, other, p=2):
        return T.dist(self, other, p)

    def cummax(self, dim):
        return T.cummax(self, dim)

    def cummin(self, dim):
        return T.cummin(self, dim)

    def logcumsumexp(self, dim):
        return T.logcumsumexp(self, dim)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return T.diff(self, n, dim, prepend, append)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return T.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return T.nanmean(self, dim, keepdim, dtype=dtype)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return T.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return T.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def take_along_dim(self, indices, dim=None):
        return T.take_along_dim(self, indices, dim)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return T.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    # linear algebra
    def det(self):
        return D.det(self)

    def logdet(self):
        return D.logdet(self)

    def slogdet(self):
        return D.slogdet(self)

    def inverse(self):
        return D.inv(self)

    def pinverse(self, rcond=1e-15):
        return F.pinverse(self, rcond)

    def cholesky(self, upper=False):
        return D.cholesky(self, upper=upper)

    def qr(self, some=True):
        return F.qr(self, some)

    def svd(self, some=True, compute_uv=True):
        return F.svd(self, some, compute_uv)

    def matrix_power(self, n):
        return D.matrix_power(self, n)

    def matrix_exp(self):
        return D.matrix_exp(self)

    def lu(self, pivot=True, get_infos=False):
        return F.lu(self, pivot, get_infos)

    def lu_solve(self, LU_data, LU_pivots):
        return D.lu_solve(LU_data, LU_pivots, self)

    def cholesky_solve(self, input2, upper=False):
        return D.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper=False):
        return D.cholesky_inverse(self, upper)

    def triangular_solve(self, A, upper=True, transpose=False, unitriangular=False):
        return D.triangular_solve(self, A, upper, transpose, unitriangular)

    # more elementwise
    def fmax(self, other):
        return W.fmax(self, other)

    def fmin(self, other):
        return W.fmin(self, other)

    def ldexp(self, other):
        return W.ldexp(self, other)

    def frexp(self):
        return W.frexp(self)

    def nextafter(self, other):
        return W.nextafter(self, other)

    def gcd(self, other):
        return W.gcd(self, other)

    def lcm(self, other):
        return W.lcm(self, other)

    def isposinf(self):
        return W.isposinf(self)

    def isneginf(self):
        return W.isneginf(self)

    def isreal(self):
        return W.isreal(self)

    def logical_xor(self, other):
        return W.logical_xor(self, other)

    def positive(self):
        return W.positive(self)

    def negative(self):
        return W.negative(self)

    def absolute(self):
        return W.absolute(self)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        return T.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self):
        return T.corrcoef(self)

    # in place: the out-of-place result written into this tensor
    def lgamma_(self):
        return self._inplace(S.lgamma)

    def digamma_(self):
        return self._inplace(S.digamma)

    def polygamma_(self, n):
        return self._inplace(lambda s: S.polygamma(n, s))

    def mvlgamma_(self, p):
        return self._inplace(lambda s: S.mvlgamma(s, p))

    def erfinv_(self):
        return self._inplace(S.erfinv)

    def erfc_(self):
        return self._inplace(S.erfc)

    def i0_(self):
        return self._inplace(S.i0)

    def sinc_(self):
        return self._inplace(S.sinc)

    def xlogy_(self, other):
        return self._inplace(S.xlogy, other)

    def copysign_(self, other):
        return self._inplace(S.copysign, other)

    def sgn_(self):
        return self._inplace(W.sgn)

    def frac_(self):
        return self._inplace(W.frac)

    def fix_(self):
        return self._inplace(W.fix)

    def deg2rad_(self):
        return self._inplace(W.deg2rad)

    def rad2deg_(self):
        return self._inplace(W.rad2deg)

    def heaviside_(self, values):
        return self._inplace(W.heaviside, values)

    def float_power_(self, exponent):
        if self._data.dtype.name != "float64":
            raise RuntimeError(
                f"the base given to float_power_ has dtype {self.dtype.name.capitalize()} but the operation's "
                "result requires dtype Double"
            )
        return self._inplace(W.float_power, exponent)

    def bitwise_and_(self, other):
        return self._inplace(W.bitwise_and, other)

    def bitwise_or_(self, other):
        return self._inplace(W.bitwise_or, other)

    def bitwise_xor_(self, other):
        return self._inplace(W.bitwise_xor, other)

    def bitwise_not_(self):
        return self._inplace(W.bitwise_not)

    def bitwise_left_shift_(self, other):
        return self._inplace(W.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other):
        return self._inplace(W.bitwise_right_shift, other)

    def igamma_(self, other):
        return self._inplace(S.gammainc, other)

    def igammac_(self, other):
        return self._inplace(S.gammaincc, other)

    def ldexp_(self, other):
        return self._inplace(W.ldexp, other)

    def nextafter_(self, other):
        return self._inplace(W.nextafter, other)

    def gcd_(self, other):
        return self._inplace(W.gcd, other)

    def lcm_(self, other):
        return self._inplace(W.lcm, other)

    def logical_xor_(self, other):
        return self._inplace(W.logical_xor, other)

    def negative_(self):
        return self._inplace(W.negative)

    def absolute_(self):
        return self._inplace(W.absolute)

    def renorm_(self, p, dim, maxnorm):
        return self._inplace(lambda s: T.renorm(s, p, dim, maxnorm))

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return self._inplace(
            lambda s, v: T.scatter_reduce(s, dim, index, v, reduce, include_self=include_self), src
        )
