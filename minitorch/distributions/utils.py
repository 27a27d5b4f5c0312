"""Helpers shared by the distributions, as ``torch.distributions.utils``.

Besides torch's helpers (``broadcast_all``, ``logits_to_probs``, ``lazy_property``, ...) this
file holds the few primitives the distributions need that minitorch has no public op for yet:
``lgamma``, ``digamma``, ``polygamma``, ``erfinv``, ``xlogy``, a differentiable ``cholesky`` and
``solve_triangular``. Each is an :class:`~minitorch.autograd.function.Op` (NumPy forward, a backward
built from Tensor ops), so gradients flow through them like through any built-in op.
"""

from __future__ import annotations

import math
from functools import update_wrapper
from numbers import Number

import numpy as np

import minitorch
from minitorch.autograd.function import Op
from minitorch.tensor import Tensor

from ..ops.special import lgamma_np

__all__ = [
    "broadcast_all",
    "clamp_probs",
    "euler_constant",
    "lazy_property",
    "logits_to_probs",
    "probs_to_logits",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]

euler_constant = 0.57721566490153286060  # Euler Mascheroni Constant


# ---------------------------------------------------------------------------------------------
# torch.distributions.utils
# ---------------------------------------------------------------------------------------------


def broadcast_all(*values):
    """Broadcast tensors and numbers to one shape; numbers take the first tensor's dtype."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, Tensor) for v in values):
        dtype = minitorch.get_default_dtype()
        for value in values:
            if isinstance(value, Tensor):
                dtype = value.dtype
                break
        values = [v if isinstance(v, Tensor) else minitorch.tensor(v, dtype=dtype) for v in values]
    shape = np.broadcast_shapes(*(tuple(v.shape) for v in values))
    return tuple(v if tuple(v.shape) == shape else v.expand(shape) for v in values)


def _size(shape) -> minitorch.Size:
    return shape if isinstance(shape, minitorch.Size) else minitorch.Size(tuple(shape))


def _standard_normal(shape, dtype, device=None) -> Tensor:
    return minitorch.empty(tuple(shape), dtype=dtype).normal_()


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """Sum out ``dim`` many rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    required_shape = tuple(value.shape[:-dim]) + (-1,)
    return value.reshape(required_shape).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


def _finfo(dtype):
    return np.finfo(minitorch._dtype.to_np(dtype))


def clamp_probs(probs: Tensor) -> Tensor:
    """Clamp probabilities to the open interval ``(0, 1)``."""
    eps = float(_finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


class lazy_property:
    """A property computed once (with grad enabled) and then stored on the instance."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with minitorch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped) -> None:
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    n = mat.shape[-1]
    rows, cols = np.tril_indices(n, k=diag)
    return mat[..., minitorch.tensor(rows), minitorch.tensor(cols)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    n = int(
        (-(1 + 2 * diag) + math.sqrt((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)))
        / 2
    )
    rows, cols = np.tril_indices(n, k=diag)
    flat = minitorch.tensor(rows * n + cols)
    out = vec.new_zeros(tuple(vec.shape[:-1]) + (n * n,))
    out = out.index_add(-1, flat, vec)
    return out.reshape(tuple(vec.shape[:-1]) + (n, n))


# ---------------------------------------------------------------------------------------------
# Random draws that minitorch has no public function for (Poisson, Gamma, Binomial): NumPy's,
# from the generator minitorch's own random functions use.
# ---------------------------------------------------------------------------------------------


def _numpy_rng() -> np.random.Generator:
    from minitorch import _random

    try:
        return _random._rng(None)
    except Exception:  # pragma: no cover  (a generator without a NumPy Generator inside)
        seed = int(minitorch.randint(0, 2**62, (1,)).item())
        return np.random.default_rng(seed)


def _exponential(shape, dtype) -> Tensor:
    """Standard exponential draws (``Tensor.exponential_()`` where minitorch has it)."""
    out = minitorch.empty(tuple(shape), dtype=dtype)
    if hasattr(out, "exponential_"):
        return out.exponential_()
    u = minitorch.rand(tuple(shape), dtype=dtype)
    return -(-u).log1p()


class _TorchStream:
    """torch's scalar samplers' draws, in torch's order: ``uniform_real_distribution<double>``
    (53 bits of ``random64()``) and ``normal_distribution<double>`` (Box-Muller whose second value
    is cached in the generator). Uniforms are drawn from minitorch's generator in blocks and
    consumed one by one in Python; ``close()`` rewinds the generator to just past the ones used.
    ``None`` from ``open()`` when the generator is not the torch-exact one (then NumPy samples)."""

    @classmethod
    def open(cls, n_hint: int):
        from minitorch import _random

        g = _random._gen(None)
        if not all(hasattr(g, a) for a in ("_bg", "_uniform64", "_next_double")):
            return None
        self = cls()
        self.g, self.snapshot, self.fresh = g, g._bg.state, getattr(g, "_fresh", None)
        self.cache = g._next_double
        self.block = max(64, int(n_hint))
        self.buf, self.pos, self.used = g._uniform64(self.block).tolist(), 0, 0
        return self

    def uniform(self) -> float:
        if self.pos == len(self.buf):
            self.buf, self.pos = self.g._uniform64(self.block).tolist(), 0
        self.pos += 1
        self.used += 1
        return self.buf[self.pos - 1]

    def normal(self) -> float:
        if self.cache is not None:
            v, self.cache = self.cache, None
            return v
        u1 = self.uniform()
        u2 = self.uniform()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self.cache = r * math.sin(theta)
        return r * math.cos(theta)

    def close(self) -> None:
        g = self.g
        g._bg.state = self.snapshot
        if self.fresh is not None:
            g._fresh = self.fresh
        if self.used:
            g._uniform64(self.used)
        g._next_double = self.cache


_THIRD_F = float(np.float32(1.0) / np.float32(3.0))  # torch's 1.0f / 3.0f, used in double
_C0331_F = float(np.float32(0.0331))


def _torch_gamma_np(alpha: np.ndarray, single: bool, stream: _TorchStream) -> np.ndarray:
    """ATen's ``sample_gamma`` (Marsaglia-Tsang with the alpha < 1 boost), element by element in
    row-major order; ``single``: the float32 kernel (alpha's arithmetic in float)."""
    flat = np.asarray(alpha, np.float64).reshape(-1).tolist()
    out = np.empty(len(flat), np.float64)
    uniform, normal, log, sqrt = stream.uniform, stream.normal, math.log, math.sqrt
    f32, one_f = np.float32, np.float32(1.0)
    for i, a in enumerate(flat):
        scale = 1.0
        if single:
            af = f32(a)
            if af < 1.0:
                if af == 0:
                    out[i] = 0.0
                    continue
                scale *= (1 - uniform()) ** float(one_f / af)
                af = f32(af + one_f)
            d = float(f32(af - f32(_THIRD_F)))
        else:
            if a < 1.0:
                if a == 0:
                    out[i] = 0.0
                    continue
                scale *= (1 - uniform()) ** (1.0 / a)
                a += 1.0
            d = a - _THIRD_F
        c = 1.0 / sqrt(9.0 * d)
        while True:
            while True:
                x = normal()
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            u = 1 - uniform()
            xx = x * x
            if u < 1.0 - _C0331_F * xx * xx:
                break
            if log(u) < 0.5 * xx + d * (1.0 - v + log(v)):
                break
        out[i] = scale * d * v
    return out.reshape(np.shape(alpha))


def _torch_poisson_np(rate: np.ndarray, stream: _TorchStream) -> np.ndarray:
    """ATen's ``sample_poisson``: transformed rejection (Hoermann, 1993) for rate >= 10, else the
    product of uniforms."""
    flat = np.asarray(rate, np.float64).reshape(-1).tolist()
    out = np.empty(len(flat), np.float64)
    uniform, log = stream.uniform, math.log
    for i, lam in enumerate(flat):
        if lam >= 10:
            slam, loglam = math.sqrt(lam), log(lam)
            b = 0.931 + 2.53 * slam
            a = -0.059 + 0.02483 * b
            invalpha = 1.1239 + 1.1328 / (b - 3.4)
            vr = 0.9277 - 3.6224 / (b - 2)
            while True:
                U = uniform() - 0.5
                V = uniform()
                us = 0.5 - abs(U)
                k = math.floor((2 * a / us + b) * U + lam + 0.43)
                if us >= 0.07 and V <= vr:
                    break
                if k < 0 or (us < 0.013 and V > us):
                    continue
                if log(V) + log(invalpha) - log(a / (us * us) + b) <= -lam + k * loglam - math.lgamma(
                    k + 1.0
                ):
                    break
            out[i] = k
        elif lam == 0:
            out[i] = 0.0
        else:
            enlam, X, prod = math.exp(-lam), 0, 1.0
            while True:
                prod *= uniform()
                if prod > enlam:
                    X += 1
                else:
                    break
            out[i] = X
    return out.reshape(np.shape(rate))


_STIRLING_TAIL = (
    0.0810614667953272,
    0.0413406959554092,
    0.0276779256849983,
    0.02079067210376509,
    0.0166446911898211,
    0.0138761288230707,
    0.0118967099458917,
    0.0104112652619720,
    0.00925546218271273,
    0.00833056343336287,
)


def _stirling_approx_tail(k: float) -> float:
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _torch_binomial_np(count: np.ndarray, prob: np.ndarray, single: bool, stream: _TorchStream) -> np.ndarray:
    """ATen's ``sample_binomial``: BTRS (Hormann, 1993) when n * p >= 10, else inversion by
    geometric sums; ``single``: the float32 kernel (count and prob arithmetic in float)."""
    count, prob = np.broadcast_arrays(np.asarray(count, np.float64), np.asarray(prob, np.float64))
    out = np.empty(count.size, np.float64)
    uniform, log, floor = stream.uniform, math.log, math.floor
    f = np.float32 if single else float

    def inversion(n, p):
        logprob = float(np.log1p(f(-p))) if single else math.log1p(-p)
        geom_sum, num_geom = 0.0, 0
        while True:
            geom = math.ceil(log(uniform()) / logprob)
            geom_sum += geom
            if geom_sum > n:
                return float(num_geom)
            num_geom += 1

    def btrs(n, p):
        stddev = float(np.sqrt(f(f(n * p) * f(1 - p)))) if single else math.sqrt(n * p * (1 - p))
        b = 1.15 + 2.53 * stddev
        a = -0.0873 + 0.0248 * b + 0.01 * float(p)
        c = float(f(n * p)) + 0.5
        v_r = 0.92 - 4.2 / b
        r = float(f(p / f(1 - p))) if single else p / (1 - p)
        alpha = (2.83 + 5.1 / b) * stddev
        m = float(floor(f(f(n + 1) * p)))
        while True:
            U = uniform() - 0.5
            V = uniform()
            us = 0.5 - abs(U)
            k = float(f(floor((2 * a / us + b) * U + c)))
            if k < 0 or k > n:
                continue
            if us >= 0.07 and V <= v_r:
                return k
            V = log(V * alpha / (a / (us * us) + b))
            upperbound = (
                (m + 0.5) * log((m + 1) / (r * (n - m + 1)))
                + (float(f(n + 1))) * log((n - m + 1) / float(f(f(n - k) + 1)))
                + (k + 0.5) * log(r * float(f(f(n - k) + 1)) / float(f(k + 1)))
                + _stirling_approx_tail(m)
                + _stirling_approx_tail(n - m)
                - _stirling_approx_tail(k)
                - _stirling_approx_tail(float(f(n - k)))
            )
            if V <= upperbound:
                return k

    for i, (n, p) in enumerate(zip(count.reshape(-1).tolist(), prob.reshape(-1).tolist())):
        if single:
            n, p = f(n), f(p)
        if n <= 0.0 or p <= 0.0:
            out[i] = 0.0
        elif p >= 1.0:
            out[i] = float(n)
        elif p <= 0.5:
            out[i] = btrs(n, p) if f(n * p) >= 10.0 else inversion(n, p)
        elif p > 0.5:
            q = f(1.0 - float(p))
            out[i] = float(n) - (btrs(n, q) if f(n * q) >= 10.0 else inversion(n, q))
        else:
            out[i] = math.nan
    return out.reshape(count.shape)


def _binomial(count: Tensor, prob: Tensor) -> Tensor:
    """``torch.binomial(count, prob)`` (no gradient)."""
    n, p = count.detach()._data, prob.detach()._data
    stream = _TorchStream.open(4 * p.size + 16)
    if stream is None:
        draws = _numpy_rng().binomial(n.astype(np.int64), p.astype(np.float64))
    else:
        try:
            draws = _torch_binomial_np(n, p, p.dtype != np.float64, stream)
        finally:
            stream.close()
    return minitorch.from_numpy(np.asarray(draws).astype(p.dtype))


def _standard_gamma_np(alpha: np.ndarray, double_kernel: bool = False) -> np.ndarray:
    """Gamma(alpha, 1) draws as float64: torch's sampler on torch's stream when minitorch's
    generator is torch's, else NumPy's ``standard_gamma``."""
    alpha = np.asarray(alpha)
    stream = _TorchStream.open(3 * alpha.size + 16)
    if stream is None:
        return _numpy_rng().standard_gamma(alpha.astype(np.float64))
    try:
        return _torch_gamma_np(alpha, alpha.dtype != np.float64 and not double_kernel, stream)
    finally:
        stream.close()


def _poisson_np(rate: np.ndarray) -> np.ndarray:
    rate = np.asarray(rate)
    stream = _TorchStream.open(3 * rate.size + 16)
    if stream is None:
        return _numpy_rng().poisson(rate.astype(np.float64)).astype(np.float64)
    try:
        return _torch_poisson_np(rate, stream)
    finally:
        stream.close()


def _poisson(rate: Tensor) -> Tensor:
    """``torch.poisson(rate)`` (no gradient)."""
    r = rate.detach()._data
    return minitorch.from_numpy(_poisson_np(r).astype(r.dtype))


def _standard_gamma(concentration: Tensor) -> Tensor:
    """``torch._standard_gamma``: Gamma(concentration, 1) draws, no gradient (see ``StandardGamma``
    for the rsample path); clamped to the dtype's smallest normal number, as torch."""
    alpha = concentration.detach()._data
    draws = _standard_gamma_np(alpha)
    out = draws.astype(alpha.dtype)
    return minitorch.from_numpy(np.asarray(np.maximum(out, np.finfo(alpha.dtype).tiny)))  # 0-d: an array


def _sample_dirichlet_np(alpha: np.ndarray) -> np.ndarray:
    """``torch._sample_dirichlet``: double-precision gammas of double(alpha), normalized in double,
    then cast and clamped to [tiny, nextafter(1, 0)] of alpha's dtype."""
    gam = np.maximum(
        _standard_gamma_np(alpha.astype(np.float64), double_kernel=True), np.finfo(np.float64).tiny
    )
    x = (gam / gam.sum(-1, keepdims=True)).astype(alpha.dtype)
    one = np.array(1.0, alpha.dtype)
    return np.clip(x, np.finfo(alpha.dtype).tiny, np.nextafter(one, np.array(0.0, alpha.dtype)))


# ---------------------------------------------------------------------------------------------
# Special functions: minitorch's ops (minitorch/ops/special.py), on float tensors
# ---------------------------------------------------------------------------------------------


def _cast_like(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    return out.astype(x.dtype, copy=False) if x.dtype.kind == "f" else out


def _as_float(a) -> Tensor:
    if not isinstance(a, Tensor):
        a = minitorch.tensor(a)
    if not a.is_floating_point():
        a = a.to(minitorch.get_default_dtype())
    return a


def lgamma(a) -> Tensor:
    return _as_float(a).lgamma()


def digamma(a) -> Tensor:
    return _as_float(a).digamma()


def polygamma(n: int, a) -> Tensor:
    return minitorch.polygamma(int(n), _as_float(a))


def mvlgamma(a: Tensor, p: int) -> Tensor:
    """Multivariate log-gamma of dimension ``p``."""
    return minitorch.mvlgamma(a, p)


def erfinv(a) -> Tensor:
    return _as_float(a).erfinv()


def xlogy(x, y) -> Tensor:
    """x * log(y), 0 where x == 0 (as ``torch.special.xlogy``)."""
    x, y = broadcast_all(x, y)
    return minitorch.where(x == 0, minitorch.zeros_like(x), x * y.log())


def erfc(a: Tensor) -> Tensor:
    return 1 - a.erf()


# ---------------------------------------------------------------------------------------------
# Linear algebra: cholesky and triangular solves, differentiable
# ---------------------------------------------------------------------------------------------


class Cholesky(Op):
    """L = cholesky(A), lower; backward as torch's cholesky_backward."""

    save_output = True

    @staticmethod
    def forward(ctx, a):
        try:
            return np.linalg.cholesky(a._data)
        except np.linalg.LinAlgError:
            raise RuntimeError(
                "linalg.cholesky: The factorization could not be completed because the input is not positive-definite."
            ) from None

    @staticmethod
    def backward(ctx, g):
        L = minitorch.from_numpy(ctx._out_data)
        gA = (L.mT @ g).tril()
        gA = 0.5 * (gA + gA.tril(-1).mT)
        gA = solve_triangular(L.mT, gA, upper=True, left=True)
        gA = solve_triangular(L, gA, upper=False, left=False)
        return gA


def cholesky(a: Tensor) -> Tensor:
    return Cholesky.apply(a)


def _solve_np(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    return np.linalg.solve(a, b)


class SolveTriangular(Op):
    """X with A X = B (left) or X A = B (right), A triangular (only its ``upper``/lower part is read)."""

    save_output = True

    @staticmethod
    def forward(ctx, a, b, upper, left):
        ctx.save_for_backward(a)
        ctx.upper, ctx.left = upper, left
        A = np.triu(a._data) if upper else np.tril(a._data)
        if left:
            return _solve_np(A, b._data)
        return np.swapaxes(_solve_np(np.swapaxes(A, -1, -2), np.swapaxes(b._data, -1, -2)), -1, -2)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        X = minitorch.from_numpy(ctx._out_data)
        upper, left = ctx.upper, ctx.left
        gB = solve_triangular(a.mT, g, upper=not upper, left=left)
        gA = -(gB @ X.mT) if left else -(X.mT @ gB)
        gA = gA.triu() if upper else gA.tril()
        return gA, gB, None, None


def solve_triangular(a: Tensor, b: Tensor, *, upper: bool, left: bool = True) -> Tensor:
    return SolveTriangular.apply(a, b, bool(upper), bool(left))


class CholeskySolve(Op):
    """X = (L L^T)^-1 B for lower-triangular L; backward as torch's cholesky_solve_backward
    (the gradient for L is -(G + G^T) L with G = grad_B X^T, not projected on the lower triangle)."""

    save_output = True

    @staticmethod
    def forward(ctx, b, L):
        ctx.save_for_backward(b, L)
        Lf = np.tril(L._data)
        y = _solve_np(Lf, b._data)
        return _solve_np(np.swapaxes(Lf, -1, -2), y)

    @staticmethod
    def backward(ctx, g):
        b, L = ctx.saved_tensors
        X = minitorch.from_numpy(ctx._out_data)
        grad_b = cholesky_solve(g, L)
        common = grad_b @ X.mT
        common = common + common.mT
        return grad_b, -(common @ L)


def cholesky_solve(b: Tensor, L: Tensor) -> Tensor:
    """(L L^T)^-1 b, L lower triangular (``torch.cholesky_solve(b, L)``)."""
    return CholeskySolve.apply(b, L)


def _batch_mv(bmat: Tensor, bvec: Tensor) -> Tensor:
    return (bmat @ bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL: Tensor, bx: Tensor) -> Tensor:
    """Squared Mahalanobis distance x^T (L L^T)^-1 x, batched (L lower triangular)."""
    sol = solve_triangular(bL, bx.unsqueeze(-1), upper=False).squeeze(-1)
    return sol.pow(2).sum(-1)


# ---------------------------------------------------------------------------------------------
# Regularized lower incomplete gamma P(a, x), and the implicit reparameterization gradient of a
# Gamma(a, 1) draw: dx/da = -(dP/da)(a, x) / p(x; a)  (dP/da by central differences)
# ---------------------------------------------------------------------------------------------


def _gammainc64(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.zeros(a.shape)
    with np.errstate(all="ignore"):
        log_pre = a * np.log(x) - x - lgamma_np(a)
        use_series = x < a + 1
        # series: P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n))
        s_a, s_x = a[use_series], x[use_series]
        term = 1.0 / s_a
        total = term.copy()
        ap = s_a.copy()
        for _ in range(1000):
            ap = ap + 1
            term = term * s_x / ap
            total = total + term
            if np.all(np.abs(term) <= np.abs(total) * 1e-16):
                break
        out[use_series] = total * np.exp(log_pre[use_series])
        # continued fraction for Q = 1 - P (modified Lentz)
        c_a, c_x = a[~use_series], x[~use_series]
        tiny = 1e-300
        b = c_x + 1 - c_a
        c = np.full(c_a.shape, 1 / tiny)
        d = 1 / b
        h = d.copy()
        for i in range(1, 1000):
            an = -i * (i - c_a)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            delta = d * c
            h = h * delta
            if np.all(np.abs(delta - 1) <= 1e-16):
                break
        out[~use_series] = 1 - np.exp(log_pre[~use_series]) * h
        out[x <= 0] = 0.0
        out[np.isposinf(x)] = 1.0
        out[np.isnan(a) | np.isnan(x)] = np.nan
    return out


class Gammainc(Op):
    """P(a, x): d/dx = x^(a-1) e^-x / Gamma(a); no derivative for ``a`` (as torch's igamma)."""

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return _cast_like(_gammainc64(a._data, x._data), a._data)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        return None, g * ((a - 1) * x.log() - x - lgamma(a)).exp()


def gammainc(a: Tensor, x: Tensor) -> Tensor:
    """Regularized lower incomplete gamma ``P(a, x)`` (differentiable in ``x`` only, as torch's)."""
    a, x = broadcast_all(a, x)
    return Gammainc.apply(a, x)


def _standard_gamma_grad64(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    alpha = np.asarray(alpha, np.float64)
    x = np.asarray(x, np.float64)
    h = 1e-5 * np.maximum(alpha, 1e-3)
    dP = (_gammainc64(alpha + h, x) - _gammainc64(alpha - h, x)) / (2 * h)
    with np.errstate(all="ignore"):
        log_pdf = (alpha - 1) * np.log(x) - x - lgamma_np(alpha)
        grad = -dP / np.exp(log_pdf)
    return np.where(np.isfinite(grad), grad, 0.0)


class StandardGamma(Op):
    """x ~ Gamma(alpha, 1) with torch's implicit reparameterization gradient dx/dalpha."""

    @staticmethod
    def forward(ctx, alpha):
        x = _standard_gamma(alpha)._data
        ctx.alpha_np, ctx.x_np = alpha._data, x
        return x

    @staticmethod
    def backward(ctx, g):
        grad = _standard_gamma_grad64(ctx.alpha_np, ctx.x_np).astype(ctx.x_np.dtype)
        return g * minitorch.from_numpy(grad)


def _rsample_standard_gamma(alpha: Tensor) -> Tensor:
    return StandardGamma.apply(alpha)


def _cauchy(shape, dtype) -> Tensor:
    """Standard Cauchy draws (``Tensor.cauchy_()`` where minitorch has it)."""
    out = minitorch.empty(tuple(shape), dtype=dtype)
    if hasattr(out, "cauchy_"):
        return out.cauchy_()
    u = minitorch.rand(tuple(shape), dtype=dtype)
    return (math.pi * (u - 0.5)).tan()


# ---------------------------------------------------------------------------------------------
# Regularized incomplete beta I_x(a, b) and torch's Dirichlet reparameterization gradient:
# d x_i / d alpha_i = -(dI/da)(x_i; alpha_i, total - alpha_i) / p(x_i)  (x_i ~ Beta marginal)
# ---------------------------------------------------------------------------------------------


def _betacf64(a, b, x):
    """Continued fraction of I_x(a, b) (modified Lentz), vectorized."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, 3000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1.0) < 1e-15):
            break
    return h


def _betainc64(a, b, x):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.empty(a.shape)
    with np.errstate(all="ignore"):
        log_front = a * np.log(x) + b * np.log1p(-x) - (lgamma_np(a) + lgamma_np(b) - lgamma_np(a + b))
        direct = x < (a + 1.0) / (a + b + 2.0)
        if direct.any():
            ad, bd, xd = a[direct], b[direct], x[direct]
            out[direct] = np.exp(log_front[direct]) * _betacf64(ad, bd, xd) / ad
        flip = ~direct
        if flip.any():
            af, bf, xf = a[flip], b[flip], x[flip]
            out[flip] = 1.0 - np.exp(log_front[flip]) * _betacf64(bf, af, 1.0 - xf) / bf
        out[x <= 0] = 0.0
        out[x >= 1] = 1.0
    return out


def _dirichlet_grad64(x, alpha, total):
    """torch's ``_dirichlet_grad``: -(d/dalpha I_x(alpha, beta)) / pdf(x; alpha, beta) / (1 - x),
    beta = total - alpha held fixed (the backward multiplies by (g - (x * g).sum()), which gives
    d x_i / d alpha_i = -(dI/da) / pdf)."""
    x, alpha, total = (np.asarray(v, np.float64) for v in (x, alpha, total))
    beta = total - alpha
    h = 1e-5 * np.maximum(alpha, 1e-3)
    dI = (_betainc64(alpha + h, beta, x) - _betainc64(alpha - h, beta, x)) / (2 * h)
    with np.errstate(all="ignore"):
        log_pdf = (
            (alpha - 1) * np.log(x)
            + (beta - 1) * np.log1p(-x)
            - (lgamma_np(alpha) + lgamma_np(beta) - lgamma_np(total))
        )
        grad = -dI / np.exp(log_pdf) / (1 - x)
    return np.where(np.isfinite(grad), grad, 0.0)


class SampleDirichlet(Op):
    """x ~ Dirichlet(concentration) (normalized Gamma draws) with torch's backward:
    grad_alpha = dirichlet_grad(x, alpha, total) * (g - (x * g).sum(-1))."""

    @staticmethod
    def forward(ctx, concentration):
        x = _sample_dirichlet_np(concentration._data)
        ctx.x_np, ctx.alpha_np = x, concentration._data
        return x

    @staticmethod
    def backward(ctx, g):
        x, alpha = ctx.x_np, ctx.alpha_np
        total = np.broadcast_to(alpha.sum(-1, keepdims=True), alpha.shape)
        grad = minitorch.from_numpy(_dirichlet_grad64(x, alpha, total).astype(x.dtype))
        xt = minitorch.from_numpy(x)
        return grad * (g - (xt * g).sum(-1, keepdim=True))
