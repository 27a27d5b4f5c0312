"""Special functions: ``lgamma``, ``digamma``, ``polygamma``, ``erfinv``, ``erfc``, ``i0``/``i1``,
``sinc``, ``xlogy``, ``xlog1py``, ``entr``, ``copysign``. NumPy has none of the first ones, so the
kernels are here (float64 inside, the input's dtype out); each docstring states the derivative,
and every ``backward`` is written with Tensor ops, so gradients of gradients work."""

from __future__ import annotations

import functools
import math

import numpy as np

from .._arguments import _as_tensor_arg
from .._promotion import _fl, _promote
from ..autograd.function import Op
from .arithmetic import _const, _quiet, where
from .math import _C, _D, _P, _Q, _SQRPI, _erfc_scaled, erf_np

# ---------------------------------------------------------------- NumPy kernels (float64)

_LANCZOS_G = 7.0
_LANCZOS = (
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _out(res: np.ndarray, like: np.ndarray) -> np.ndarray:
    return res.astype(like.dtype, copy=False) if like.dtype.kind in "fV" else res


def _lgamma_pos(x: np.ndarray) -> np.ndarray:
    """log Gamma(x) for x >= 0.5 (Lanczos, g=7, n=9: about 1e-15 relative)."""
    xm = x - 1.0
    acc = np.full_like(x, _LANCZOS[0])
    for i in range(1, 9):
        acc += _LANCZOS[i] / (xm + i)
    t = xm + _LANCZOS_G + 0.5
    return _HALF_LOG_2PI + (xm + 0.5) * np.log(t) - t + np.log(acc)


_EULER = 0.57721566490153286061
_ZETA_M1: list = []  # zeta(k) - 1 = zeta(k, 2) for k = 2..41, filled on first use


def _lgamma_near_2(e: np.ndarray) -> np.ndarray:
    """log Gamma(2 + e) for |e| <= 1/2 by its Taylor series (exact zero at e = 0, so lgamma(1) and
    lgamma(2) are 0 and their neighbours keep their relative digits)."""
    if not _ZETA_M1:
        _ZETA_M1.extend(float(zeta_np(float(k), np.array([2.0]))[0]) for k in range(2, 42))
    acc = np.zeros_like(e)
    for k in range(41, 1, -1):
        acc = acc * e + (-1) ** k * _ZETA_M1[k - 2] / k
    return e * (1 - _EULER + e * acc)


def lgamma_np(x) -> np.ndarray:
    """log|Gamma(x)| elementwise: a Taylor series about 2 on [0.5, 2.5), Lanczos above, the
    reflection formula below; +inf at the poles."""
    xd = np.asarray(x, dtype=np.float64)
    out = np.empty_like(xd)
    with np.errstate(all="ignore"):
        pos = xd >= 0.5
        out[pos] = _lgamma_pos(xd[pos])
        near1 = pos & (xd < 1.5)
        e = xd[near1] - 1.0
        out[near1] = _lgamma_near_2(e) - np.log1p(e)
        near2 = (xd >= 1.5) & (xd < 2.5)
        out[near2] = _lgamma_near_2(xd[near2] - 2.0)
        xn = xd[~pos]
        # log|Gamma(x)| = log(pi / |sin(pi x)|) - log Gamma(1 - x); sin(pi x) via the fractional part
        s = np.abs(np.sin(math.pi * (xn - np.round(xn))))
        out[~pos] = math.log(math.pi) - np.log(s) - _lgamma_pos(1.0 - xn)
        out[(xd <= 0) & (xd == np.floor(xd))] = np.inf
        out[np.isinf(xd)] = np.inf
        out[np.isnan(xd)] = np.nan
    return _out(out, np.asarray(x))


# Bernoulli numbers B_2k for the asymptotic series of digamma and the Euler-Maclaurin tail of zeta
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798)


def _shift(x: np.ndarray, fn_term, lo: float = 10.0):
    """Move x up to x >= lo by recurrence, summing ``fn_term(x + k)`` for the steps taken."""
    acc = np.zeros_like(x)
    y = x.copy()
    while True:
        m = y < lo
        if not m.any():
            return y, acc
        acc[m] += fn_term(y[m])
        y[m] += 1.0


def digamma_np(x) -> np.ndarray:
    """psi(x) = d/dx log Gamma(x): recurrence up to x >= 10, then the asymptotic series; reflection
    for x < 0; -inf at 0 and NaN at the negative integers, as torch."""
    xd = np.asarray(x, dtype=np.float64)
    out = np.empty_like(xd)
    with np.errstate(all="ignore"):
        neg = xd < 0
        xr = np.where(neg, 1.0 - xd, xd)
        fin = np.isfinite(xr) & (xr != 0)
        y, acc = _shift(np.where(fin, xr, 10.0), lambda v: 1.0 / v)
        z = 1.0 / (y * y)
        series = np.zeros_like(y)
        for k in range(len(_B2K) - 1, -1, -1):
            series = series * z + _B2K[k] / (2 * (k + 1))
        res = np.log(y) - 0.5 / y - z * series - acc
        # psi(x) = psi(1 - x) - pi / tan(pi x); tan via the fractional part keeps its period exact
        xn = xd[neg]
        res[neg] -= math.pi / np.tan(math.pi * (xn - np.round(xn)))
        out[...] = res
        out[neg & (xd == np.floor(xd))] = np.nan
        out[xd == 0] = -np.inf
        out[xd == np.inf] = np.inf
        out[(xd == -np.inf) | np.isnan(xd)] = np.nan
    return _out(out, np.asarray(x))


def zeta_np(s: float, x) -> np.ndarray:
    """Hurwitz zeta(s, x) = sum_k (x + k)^-s for s > 1: recurrence up to x >= 10, then Euler-Maclaurin."""
    xd = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        y, acc = _shift(np.where(np.isfinite(xd), xd, 10.0), lambda v: v**-s)
        res = acc + y ** (1.0 - s) / (s - 1.0) + 0.5 * y**-s
        fac, term = 1.0, s * y ** (-s - 1.0)  # s (s+1) ... (s+2k-2) y^(-s-2k+1) / (2k)!
        for k in range(1, len(_B2K) + 1):
            fac *= (2 * k) * (2 * k - 1) if k > 1 else 2
            res += _B2K[k - 1] / fac * term
            term = term * (s + 2 * k - 1) * (s + 2 * k) / (y * y)
        res[xd == np.inf] = 0.0
        res[np.isnan(xd) | (xd == -np.inf)] = np.nan
        res[(xd <= 0) & (xd == np.floor(xd))] = np.inf
    return res


def polygamma_np(n: int, x) -> np.ndarray:
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x) for n >= 1; digamma for n = 0."""
    if n == 0:
        return digamma_np(x)
    res = (-1.0) ** (n + 1) * math.factorial(n) * zeta_np(n + 1.0, x)
    return _out(res, np.asarray(x))


# Giles' single-precision erfinv (2010), then Newton steps on erf to float64 accuracy
_GILES_A = (
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
)
_GILES_B = (
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
)


def erfinv_np(y) -> np.ndarray:
    """erf^-1(y) for -1 <= y <= 1 (+-inf at +-1, NaN outside)."""
    yd = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - yd) * (1.0 + yd))
        small = w < 5.0
        ws = np.where(small, w - 2.5, np.sqrt(w) - 3.0)
        p = np.where(small, _GILES_A[0], _GILES_B[0])
        for a, b in zip(_GILES_A[1:], _GILES_B[1:]):
            p = np.where(small, a, b) + p * ws
        x = p * yd
        ok = np.isfinite(x)
        # Newton on erf(x) = y near 0, on erfc(|x|) = 1 - |y| in the tails (1 - |y| is exact there)
        mid = ok & (np.abs(yd) <= 0.5)
        tail = ok & ~mid
        ym, t = yd[mid], 1.0 - np.abs(yd[tail])
        xm, xt = x[mid], np.abs(x[tail])
        for _ in range(4):
            xm = xm - (erf_np(xm) - ym) / (2.0 / math.sqrt(math.pi) * np.exp(-xm * xm))
            c = erfc_np(xt)  # Newton on log erfc(x) = log t: nearly linear in the far tail
            xt = xt + (np.log(c) - np.log(t)) * c / (2.0 / math.sqrt(math.pi) * np.exp(-xt * xt))
        x[mid] = xm
        x[tail] = np.copysign(xt, yd[tail])
        x[yd == 1.0] = np.inf
        x[yd == -1.0] = -np.inf
        x[np.abs(yd) > 1.0] = np.nan
    return _out(x, np.asarray(y))


def _erfc_tail_inv(t: np.ndarray) -> np.ndarray:
    """x > 0 with erfc(x) = t, for 0 < t <= 1 (t taken exactly, so tiny t keep their digits):
    Giles' guess, then Newton on log erfc(x) = log t."""
    with np.errstate(all="ignore"):
        w = -np.log(t * (2.0 - t))
        small = w < 5.0
        ws = np.where(small, w - 2.5, np.sqrt(w) - 3.0)
        p = np.where(small, _GILES_A[0], _GILES_B[0])
        for a, b in zip(_GILES_A[1:], _GILES_B[1:]):
            p = np.where(small, a, b) + p * ws
        x = np.abs(p * (1.0 - t))
        # far tail (t < 1e-17, beyond Giles' range): erfc(x) ~ exp(-x^2) / (x sqrt(pi))
        lt = -np.log(t)
        far = lt > 40
        x0 = np.sqrt(lt)
        x0 = np.sqrt(lt - np.log(x0 * math.sqrt(math.pi)))
        x = np.where(far, x0, x)
        for _ in range(5):  # log erfc(x) = log erfcx(x) - x^2 does not underflow
            cx = erfcx_np(x)
            x = x + (np.log(cx) - x * x - np.log(t)) * cx * (math.sqrt(math.pi) / 2)
    return x


def erfcinv_np(t) -> np.ndarray:
    """erfc^-1(t) for 0 <= t <= 2 (+inf at 0, -inf at 2, NaN outside)."""
    td = np.asarray(t, dtype=np.float64)
    out = np.full(td.shape, np.nan)
    lo = (td > 0) & (td <= 1)
    hi = (td > 1) & (td < 2)
    out[lo] = _erfc_tail_inv(td[lo])
    out[hi] = -_erfc_tail_inv(2.0 - td[hi])  # 2 - t is exact for 1 <= t <= 2
    out[td == 0] = np.inf
    out[td == 2] = -np.inf
    return _out(out, np.asarray(t))


def erfcx_np(x) -> np.ndarray:
    """exp(x^2) erfc(x) without overflow or underflow for large x (Cody's rational functions)."""
    xd = np.asarray(x, dtype=np.float64)
    y = np.abs(xd)
    out = np.empty_like(xd)
    with np.errstate(all="ignore"):
        small = y <= 0.46875
        out[small] = erfc_np(xd[small]) * np.exp(xd[small] ** 2)
        mid = ~small & (y <= 4.0)
        ym = y[mid]
        num, den = _C[8] * ym, ym.copy()
        for i in range(7):
            num = (num + _C[i]) * ym
            den = (den + _D[i]) * ym
        out[mid] = (num + _C[7]) / (den + _D[7])
        big = y > 4.0
        yb = y[big]
        z = 1.0 / (yb * yb)
        num, den = _P[5] * z, z.copy()
        for i in range(4):
            num = (num + _P[i]) * z
            den = (den + _Q[i]) * z
        out[big] = (_SQRPI - z * (num + _P[4]) / (den + _Q[4])) / yb
        neg = (xd < 0) & ~small
        out[neg] = 2.0 * np.exp(xd[neg] ** 2) - out[neg]
        out[xd == np.inf] = 0.0
        out[np.isnan(xd)] = np.nan
    return _out(out, np.asarray(x))


def erfc_np(x) -> np.ndarray:
    """1 - erf(x) without the cancellation for large x."""
    xd = np.asarray(x, dtype=np.float64)
    out = 1.0 - erf_np(xd)
    big = np.abs(xd) > 0.46875
    if big.any():
        with np.errstate(all="ignore"):
            tail = _erfc_scaled(np.abs(xd[big]))
        out[big] = np.where(xd[big] > 0, tail, 2.0 - tail)
    return _out(out, np.asarray(x))


def _bessel_i(nu: int, x: np.ndarray, scaled: bool) -> np.ndarray:
    """Modified Bessel I_nu(x) (nu = 0, 1), or exp(-|x|) I_nu(x): power series for |x| <= 20,
    the asymptotic expansion above."""
    xd = np.asarray(x, dtype=np.float64)
    ax = np.abs(xd)
    out = np.empty_like(xd)
    with np.errstate(all="ignore"):
        small = ax <= 20.0
        xs = ax[small]
        q = (xs * 0.5) ** 2
        term = np.ones_like(xs) if nu == 0 else xs * 0.5
        acc = term.copy()
        for k in range(1, 80):
            term = term * q / (k * (k + nu))
            acc += term
        out[small] = acc * np.exp(-xs) if scaled else acc
        xb = ax[~small]
        mu = 4.0 * nu * nu
        term = np.ones_like(xb)
        acc = term.copy()
        for k in range(1, 40):
            term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * xb)
            acc += term
        pref = 1.0 / np.sqrt(2 * math.pi * xb)
        out[~small] = acc * pref if scaled else acc * pref * np.exp(xb)
        if nu == 1:
            out = np.copysign(out, xd)
        out[np.isnan(xd)] = np.nan
    return _out(out, np.asarray(x))


def i0_np(x):
    return _bessel_i(0, x, False)


def i1_np(x):
    return _bessel_i(1, x, False)


def _igamma_np(a, x, upper: bool) -> np.ndarray:
    """The regularised incomplete gamma P(a, x) (or Q = 1 - P with ``upper``): the series below
    x < a + 1, Lentz's continued fraction for Q above (Numerical Recipes 6.2), 400 steps at most."""
    ad, xd = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    ad, xd = ad.copy(), xd.copy()
    out = np.full(ad.shape, np.nan)
    with np.errstate(all="ignore"):
        ok = (ad >= 0) & (xd >= 0)
        ser = ok & (xd < ad + 1) & (ad > 0)
        cf = ok & ~ser & (ad > 0)
        # series: P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n))
        a1, x1 = ad[ser], xd[ser]
        term = 1.0 / np.where(a1 == 0, 1, a1)
        total, ap = term.copy(), a1.copy()
        for _ in range(400):
            ap = ap + 1
            term = term * x1 / ap
            total += term
            if (np.abs(term) < np.abs(total) * 1e-17).all():
                break
        p = total * np.exp(a1 * np.log(x1) - x1 - lgamma_np(a1))
        out[ser] = 1 - p if upper else p
        # continued fraction: Q = e^-x x^a / Gamma(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...))
        a2, x2 = ad[cf], xd[cf]
        tiny = 1e-300
        b = x2 + 1 - a2
        c = np.full_like(b, 1 / tiny)
        d = 1 / np.where(b == 0, tiny, b)
        h = d.copy()
        for i in range(1, 400):
            an = -i * (i - a2)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            delta = d * c
            h = h * delta
            if (np.abs(delta - 1) < 1e-16).all():
                break
        q = np.exp(a2 * np.log(x2) - x2 - lgamma_np(a2)) * h
        out[cf] = q if upper else 1 - q
        a0 = ok & (ad == 0)  # Gamma(0, x): P = 1 for x > 0
        out[a0 & (xd > 0)] = 0.0 if upper else 1.0
        out[a0 & (xd == 0)] = np.nan
        out[ok & (xd == np.inf)] = 0.0 if upper else 1.0
    return out


def zeta2_np(s, q) -> np.ndarray:
    """Hurwitz zeta with arrays for both arguments (broadcast); NaN for s < 1, inf at s == 1."""
    sd, qd = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    out = np.full(sd.shape, np.nan)
    for sv in np.unique(sd[~np.isnan(sd)]):
        m = sd == sv
        if sv == 1:
            out[m] = np.inf
        elif sv > 1:
            out[m] = zeta_np(float(sv), qd[m])
    return out


# ---------------------------------------------------------------- Ops


@_quiet
class Lgamma(Op):
    """lgamma(a): d/da = digamma(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return lgamma_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Digamma.apply(a)


@_quiet
class Digamma(Op):
    """digamma(a): d/da = polygamma(1, a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return digamma_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Polygamma.apply(a, 1)


@_quiet
class Polygamma(Op):
    """polygamma(n, a): d/da = polygamma(n + 1, a)"""

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return polygamma_np(n, a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Polygamma.apply(a, ctx.n + 1), None


@_quiet
class Erfinv(Op):
    """erfinv(a): d/da = sqrt(pi)/2 * exp(erfinv(a)^2)"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        return erfinv_np(a._data)

    @staticmethod
    def backward(ctx, g):
        out = ctx.output
        return g * (math.sqrt(math.pi) / 2) * (out * out).exp()


@_quiet
class Erfc(Op):
    """erfc(a): d/da = -2/sqrt(pi) * exp(-a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erfc_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (-2.0 / math.sqrt(math.pi)) * (-(a * a)).exp()


@_quiet
class Erfcx(Op):
    """erfcx(a) = exp(a^2) erfc(a): d/da = 2 a erfcx(a) - 2/sqrt(pi)"""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erfcx_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (2 * a * ctx.output - 2.0 / math.sqrt(math.pi))


@_quiet
class Ndtri(Op):
    """ndtri(p) = sqrt(2) erfc^-1(2 - 2p) (digits kept in both tails): d/dp = sqrt(2 pi) exp(ndtri(p)^2 / 2)"""

    save_output = True

    @staticmethod
    def forward(ctx, p):
        pd = p._data.astype(np.float64)
        lower = pd < 0.5
        # -sqrt(2) erfc^-1(2p) below 1/2; sqrt(2) erfc^-1(2 (1 - p)) above (1 - p exact there)
        res = np.where(lower, -erfcinv_np(2 * pd), erfcinv_np(2 * (1 - pd))) * math.sqrt(2)
        return res.astype(p._data.dtype)

    @staticmethod
    def backward(ctx, g):
        out = ctx.output
        return g * math.sqrt(2 * math.pi) * (out * out / 2).exp()


@_quiet
class I0(Op):
    """i0(a): d/da = i1(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return i0_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * I1.apply(a)


@_quiet
class I1(Op):
    """i1(a): d/da = i0(a) - i1(a)/a (1/2 at 0)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return i1_np(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        zero = a == 0
        safe = where(zero, 1.0, a)
        return g * where(zero, 0.5, I0.apply(a) - I1.apply(safe) / safe)


@_quiet
class I0e(Op):
    """i0e(a) = exp(-|a|) i0(a): d/da = i1e(a) - sign(a) i0e(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _bessel_i(0, a._data, True)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (I1e.apply(a) - a.sign() * I0e.apply(a))


@_quiet
class I1e(Op):
    """i1e(a) = exp(-|a|) i1(a): d/da = i0e(a) - i1e(a) (sign(a) + 1/a) (1/2 at 0)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _bessel_i(1, a._data, True)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        zero = a == 0
        safe = where(zero, 1.0, a)
        d = I0e.apply(a) - I1e.apply(safe) * (safe.sign() + 1 / safe)
        return g * where(zero, 0.5, d)


@_quiet
class Sinc(Op):
    """sinc(a) = sin(pi a)/(pi a), 1 at 0: d/da = (cos(pi a) - sinc(a)) / a (0 at 0)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinc(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        zero = a == 0
        safe = where(zero, 1.0, a)
        d = ((safe * math.pi).cos() - Sinc.apply(safe)) / safe
        return g * where(zero, 0.0, d)


@_quiet
class Xlogy(Op):
    """x * log(y), 0 where x == 0 (unless y is NaN): d/dx = log(y) (0 where x == 0 and y <= 0), d/dy = x / y"""

    @staticmethod
    def forward(ctx, x, y, log1p=False):
        ctx.save_for_backward(x, y)
        ctx.log1p = log1p
        xd, yd = x._data, y._data
        res = xd * (np.log1p(yd) if log1p else np.log(yd))
        return np.where((xd == 0) & ~np.isnan(yd), np.zeros((), res.dtype), res)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        lo = -1.0 if ctx.log1p else 0.0
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = Xlogy.apply(g, y, ctx.log1p).masked_fill((x == 0) & (y <= lo), 0.0)
        if ctx.needs_input_grad[1]:
            gy = g * x / (y + 1 if ctx.log1p else y)
        return gx, gy, None


@_quiet
class Entr(Op):
    """-x log x (0 at 0, -inf below): d/dx = -(1 + log x)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = a._data
        res = np.where(d > 0, -d * np.log(np.where(d > 0, d, 1)), np.where(d == 0, 0.0, -np.inf))
        return np.where(np.isnan(d), d, res).astype(d.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * (1 + a.log())


class Copysign(Op):
    """|a| with b's sign: d/da = copysign(1, a) * copysign(1, b) (0 where a == 0), d/db = 0"""

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a._data, b._data if hasattr(b, "_vc") else b)
        ctx.save_for_backward(a)
        ctx.ratio = _const(np.where(a._data == 0, 0, out / np.where(a._data == 0, 1, a._data)))
        return out

    @staticmethod
    def backward(ctx, g):
        return g * ctx.ratio, (g * 0 if ctx.needs_input_grad[1] else None)


# ---------------------------------------------------------------- functions


def lgamma(x):
    return Lgamma.apply(_fl(x))


def digamma(x):
    return Digamma.apply(_fl(x))


def polygamma(n, x):
    if not isinstance(n, int) or n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(_fl(x), n)


def mvlgamma(x, p):
    """Multivariate log-gamma: sum_i lgamma(x - i/2) + p (p-1)/4 log(pi)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _fl(x)
    if bool((x._data <= (p - 1) / 2).any()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 (= {(p - 1) / 2})")
    out = p * (p - 1) / 4 * math.log(math.pi)
    for i in range(p):
        out = Lgamma.apply(x - i / 2) + out
    return out


def erfinv(x):
    return Erfinv.apply(_fl(x))


def erfc(x):
    return Erfc.apply(_fl(x))


def erfcx(x):
    return Erfcx.apply(_fl(x))


def ndtri(p):
    return Ndtri.apply(_fl(p))


def i0(x):
    return I0.apply(_fl(x))


def i1(x):
    return I1.apply(_fl(x))


def i0e(x):
    return I0e.apply(_fl(x))


def i1e(x):
    return I1e.apply(_fl(x))


def sinc(x):
    return Sinc.apply(_fl(x))


def _pair(x, y):
    if not hasattr(x, "_vc"):
        if not hasattr(y, "_vc"):
            raise TypeError("expected at least one Tensor argument")
        y, x = _promote(_fl(y), x, true_div=True)
        return _as_tensor_arg(x).to(y.dtype), y
    x, y = _promote(x, y, true_div=True)
    x = _fl(x)
    y = _as_tensor_arg(y)
    return x, (y if y.dtype == x.dtype else y.to(x.dtype))


def xlogy(x, y):
    return Xlogy.apply(*_pair(x, y), False)


def xlog1py(x, y):
    return Xlogy.apply(*_pair(x, y), True)


def entr(x):
    return Entr.apply(_fl(x))


def copysign(x, other):
    a, b = _pair(x, other)
    return Copysign.apply(a, b)


class Igamma(Op):
    """gammainc(a, x) (gammaincc with ``upper``): d/dx = +-exp(-x) x^(a-1) / Gamma(a); no grad in a, as torch"""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        return _out(_igamma_np(a._data, x._data, upper), x._data)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(
                f"the derivative for '{'igammac' if ctx.upper else 'igamma'}: input' is not implemented."
            )
        d = ((a - 1) * x.log() - x - Lgamma.apply(a)).exp()
        return None, (-g * d if ctx.upper else g * d), None


class Zeta(Op):
    """Hurwitz zeta(s, q): d/dq = -s zeta(s + 1, q); no grad in s, as torch"""

    @staticmethod
    def forward(ctx, s, q):
        ctx.save_for_backward(s, q)
        return _out(zeta2_np(s._data, q._data), q._data)

    @staticmethod
    def backward(ctx, g):
        s, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, -g * s * Zeta.apply(s + 1, q)


def gammainc(input, other):
    a, x = _pair(input, other)
    return Igamma.apply(a, x, False)


def gammaincc(input, other):
    a, x = _pair(input, other)
    return Igamma.apply(a, x, True)


def zeta(input, other):
    s, q = _pair(input, other)
    return Zeta.apply(s, q)


# ---------------------------------------------------------------- Bessel J and Y of orders 0 and 1


def _bessel_asymptotic(x: np.ndarray):
    """J0, J1, Y0, Y1 for x > 25 from Hankel's expansions (error below 1e-20 there)."""
    out = []
    for nu in (0, 1):
        mu = 4.0 * nu * nu
        p, q = np.ones_like(x), np.zeros_like(x)
        a = np.ones_like(x)
        for k in range(1, 30):
            a = a * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
            if k % 2:
                q += (-1) ** ((k - 1) // 2) * a
            else:
                p += (-1) ** (k // 2) * a
        chi = x - (0.25 + 0.5 * nu) * math.pi
        amp = np.sqrt(2.0 / (math.pi * x))
        out.append((amp * (p * np.cos(chi) - q * np.sin(chi)), amp * (p * np.sin(chi) + q * np.cos(chi))))
    (j0, y0), (j1, y1) = out
    return j0, j1, y0, y1


def _bessel_miller(x: np.ndarray):
    """J0, J1, Y0, Y1 for 0 < x <= 25: J_n by Miller's backward recurrence (normalised by
    J0 + 2 sum J_2k = 1), Y0 by Neumann's series in the J_2k, Y1 = -Y0' from the same sums."""
    n_top = 2 * ((int(x.max(initial=0.0)) + 40) // 2)
    jp1, j = np.zeros_like(x), np.full_like(x, 1e-300)  # J_(n+1), J_n for n = n_top
    norm, s0, s1 = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    j_hi = np.zeros_like(x)  # J_(n+1) when n is even, for the Y1 sum
    for n in range(n_top, 0, -1):
        jm1 = (2.0 * n / x) * j - jp1  # J_(n-1)
        jp1, j = j, jm1
        m = n - 1  # j is J_m now
        if m % 2 == 0 and m > 0:
            k = m // 2
            norm += j
            s0 += (-1) ** k * j / k
            j_hi = jp1
        elif m % 2 == 1 and m + 1 <= n_top:
            k = (m + 1) // 2  # the term (J_(2k-1) - J_(2k+1)) / (2k) with 2k - 1 = m
            s1 += (-1) ** k * (j - j_hi) / (2 * k)
        big = np.abs(j) > 1e250
        if big.any():
            f = np.where(big, 1e-250, 1.0)
            j, jp1, norm, s0, s1, j_hi = j * f, jp1 * f, norm * f, s0 * f, s1 * f, j_hi * f
    scale = 1.0 / (j + 2.0 * norm)  # j is J_0
    j0, j1 = j * scale, jp1 * scale
    s0, s1 = s0 * scale, s1 * scale
    lg = np.log(x / 2.0) + _EULER
    y0 = (2 / math.pi) * lg * j0 - (4 / math.pi) * s0
    y1 = -(2 / math.pi) * (j0 / x - lg * j1) + (4 / math.pi) * s1
    return j0, j1, y0, y1


def bessel_jy_np(x):
    """(J0, J1, Y0, Y1) of an array, in float64."""
    xd = np.asarray(x, dtype=np.float64)
    ax = np.abs(xd)
    j0, j1, y0, y1 = (np.full(xd.shape, np.nan) for _ in range(4))
    with np.errstate(all="ignore"):
        mid = (ax > 0) & (ax <= 25)
        big = (ax > 25) & np.isfinite(ax)
        for sel, fn in ((mid, _bessel_miller), (big, _bessel_asymptotic)):
            if sel.any():
                a, b, c, d = fn(ax[sel])
                j0[sel], j1[sel], y0[sel], y1[sel] = a, b, c, d
        zero = ax == 0
        j0[zero], j1[zero], y0[zero], y1[zero] = 1.0, 0.0, -np.inf, -np.inf
        # NOTE: +-inf give NaN, as torch's
        j1 = np.where(xd < 0, -j1, j1)
        y0[xd < 0] = np.nan
        y1[xd < 0] = np.nan
    return j0, j1, y0, y1


def _bessel_fn(i: int, name: str):
    def fn(input, *, out=None):
        x = _fl(input if hasattr(input, "_data") else _as_tensor_arg(input))
        return _const(bessel_jy_np(x._data)[i].astype(x._data.dtype))

    fn.__name__ = fn.__qualname__ = name
    return fn


bessel_j0 = _bessel_fn(0, "bessel_j0")
bessel_j1 = _bessel_fn(1, "bessel_j1")
bessel_y0 = _bessel_fn(2, "bessel_y0")
bessel_y1 = _bessel_fn(3, "bessel_y1")


# ---------------------------------------------------------------- modified Bessel K of orders 0 and 1


def _bessel_k_series(x: np.ndarray):
    """K0, K1 for 0 < x <= 1 by their series (A&S 9.6.13 and 9.6.11)."""
    q = x * x / 4
    lg = np.log(x / 2)
    i0, i1 = _bessel_i(0, x, False), _bessel_i(1, x, False)
    term0 = np.ones_like(x)  # (x^2/4)^k / (k!)^2
    k0 = -(lg + _EULER) * i0
    term1 = np.ones_like(x)  # (x^2/4)^k / (k! (k+1)!)
    h_prev, h = 0.0, 0.0  # harmonic numbers H_k, H_(k+1)
    s1 = np.zeros_like(x)
    for k in range(0, 30):
        if k > 0:
            term0 = term0 * q / (k * k)
            term1 = term1 * q / (k * (k + 1))
        h_prev = sum(1.0 / j for j in range(1, k + 1))
        h = h_prev + 1.0 / (k + 1)
        if k > 0:
            k0 = k0 + term0 * h_prev
        s1 = s1 + (2 * -_EULER + h_prev + h) * term1  # psi(k+1) + psi(k+2)
    k1 = 1 / x + i1 * lg - (x / 4) * s1
    return k0, k1


def _bessel_k_scaled_integral(x: np.ndarray):
    """exp(x) K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt for x > 1, by the trapezoidal
    rule (exponentially accurate for this analytic, double-exponentially decaying integrand)."""
    h = np.minimum(0.05, 0.25 / np.sqrt(x))  # the integrand's width is about 1 / sqrt(x)
    k0, k1 = 0.5 * np.ones_like(x), 0.5 * np.ones_like(x)
    for k in range(1, 2000):
        c = np.cosh(k * h)
        e = np.exp(-2.0 * x * np.sinh(k * h / 2) ** 2)  # cosh t - 1 = 2 sinh(t/2)^2, no cancellation
        k0 += e
        k1 += e * c
        if (e * c < 1e-18 * k1).all():
            break
    return h * k0, h * k1


def bessel_k_np(x, scaled: bool):
    """(K0, K1) of an array (or exp(x) K0, exp(x) K1), in float64: NaN below 0, inf at 0."""
    xd = np.asarray(x, dtype=np.float64)
    k0, k1 = np.full(xd.shape, np.nan), np.full(xd.shape, np.nan)
    with np.errstate(all="ignore"):
        small = (xd > 0) & (xd <= 1)
        if small.any():
            a, b = _bessel_k_series(xd[small])
            f = np.exp(xd[small]) if scaled else 1.0
            k0[small], k1[small] = a * f, b * f
        big = (xd > 1) & np.isfinite(xd)
        if big.any():
            a, b = _bessel_k_scaled_integral(xd[big])
            f = 1.0 if scaled else np.exp(-xd[big])
            k0[big], k1[big] = a * f, b * f
        k0[xd == 0] = k1[xd == 0] = np.inf
        k0[xd == np.inf] = k1[xd == np.inf] = 0.0
    return k0, k1


def _bessel_k_fn(i: int, scaled: bool, name: str):
    def fn(input, *, out=None):
        x = _fl(input if hasattr(input, "_data") else _as_tensor_arg(input))
        return _const(bessel_k_np(x._data, scaled)[i].astype(x._data.dtype))

    fn.__name__ = fn.__qualname__ = name
    return fn


modified_bessel_k0 = _bessel_k_fn(0, False, "modified_bessel_k0")
modified_bessel_k1 = _bessel_k_fn(1, False, "modified_bessel_k1")
scaled_modified_bessel_k0 = _bessel_k_fn(0, True, "scaled_modified_bessel_k0")
scaled_modified_bessel_k1 = _bessel_k_fn(1, True, "scaled_modified_bessel_k1")


def _zero_d_safe(fn, *positions):
    """``fn`` on 0-d array arguments (at ``positions``) through 1-element arrays, so the boolean
    indexing inside it works; the result (or each result of a tuple) comes back 0-d."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        args = list(args)
        if not all(np.ndim(args[i]) == 0 for i in positions):
            return fn(*args, **kwargs)
        for i in positions:
            args[i] = np.reshape(np.asarray(args[i]), (1,))
        out = fn(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(np.reshape(o, ()) for o in out)
        return np.reshape(out, ())

    return wrapped


for _name, _pos in (
    ("lgamma_np", (0,)),
    ("digamma_np", (0,)),
    ("zeta_np", (1,)),
    ("polygamma_np", (1,)),
    ("erfinv_np", (0,)),
    ("erfcinv_np", (0,)),
    ("erfcx_np", (0,)),
    ("erfc_np", (0,)),
    ("_igamma_np", (0, 1)),
    ("bessel_jy_np", (0,)),
    ("bessel_k_np", (0,)),
):
    globals()[_name] = _zero_d_safe(globals()[_name], *_pos)
del _name, _pos
