"""One global random generator, as torch's default CPU generator, drawing torch's exact numbers.

torch's CPU generator is an mt19937 seeded by ``init_genrand`` on the low 32 bits of the seed:
``random()`` is one 32-bit draw and ``random64()`` two (the first is the high half). NumPy's
``MT19937`` with its legacy seeding is the same engine, so ``random_raw`` gives torch's raw stream
in bulk. On top of it this module reproduces torch 2.13's CPU kernels (ATen's
``DistributionsHelper.h``, ``TransformationHelper.h`` and ``cpu/DistributionTemplates.h``):

- uniform: float32 from the low 24 bits of ``random()``, float64 from the low 53 bits of
  ``random64()``, then ``x * (to - from) + from`` as one fused multiply-add in the dtype;
- normal: for 16+ contiguous elements, uniforms then Box-Muller in blocks of 16 (the last block
  recomputed from 16 fresh uniforms when the size is not a multiple of 16), in float32 through
  the AVX2 Cephes ``log256_ps``/``sincos256_ps`` polynomials; below 16 elements (or for a strided
  target) the scalar ``normal_distribution<double>``, whose second Box-Muller sample is cached
  in the generator (and in its state) for the next draw;
- integers: ``random() % range + from`` (``random64()`` when the range is 2**28 or more);
- randperm: ``n - 1`` swaps with ``random() % (n - i)``; bernoulli: ``uniform < p``.

Every random function (``rand``, ``randn``, ``randperm``, ``nn.init``, dropout, DataLoader
shuffling) draws from the global generator unless given its own ``generator``.
"""

from __future__ import annotations

import array
import math
import os
import struct

import numpy as np

_DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val: a fresh torch.Generator()'s seed
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState)
_MASK64 = (1 << 64) - 1
_F32 = np.float32
_TWO_PI = 2.0 * math.pi


class Generator:
    """A random number generator; ``manual_seed(s)`` makes its draws reproducible."""

    def __init__(self, device="cpu") -> None:
        from ._device import device as _device_cls

        self.device = device if isinstance(device, _device_cls) else _device_cls(device)
        self._bg = np.random.MT19937(0)
        self._np = np.random.Generator(self._bg)  # bulk uint32 draws straight from the raw stream
        self._reseed(_DEFAULT_SEED)

    def _reseed(self, seed: int) -> None:
        self._seed = int(seed) & _MASK64
        self._bg._legacy_seeding(self._seed & 0xFFFFFFFF)
        self._fresh = True  # torch's engine says next_ = 0 until the first draw
        self._next_double = None  # the cached second Box-Muller sample of normal_distribution<double>
        self._next_float = None

    def manual_seed(self, seed) -> Generator:
        seed = int(seed)
        if seed < -(1 << 63) or seed > _MASK64:
            raise RuntimeError("Overflow when unpacking long long")
        self._reseed(seed)
        return self

    def seed(self) -> int:
        s = int.from_bytes(os.urandom(8), "little") & ((1 << 53) - 1)
        self._reseed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        """torch's ``CPUGeneratorImplState`` as a uint8 tensor of 5056 bytes."""
        from .autograd import function as _function

        st = self._bg.state["state"]
        pos = int(st["pos"])
        left, nxt = (1, 0) if self._fresh else (625 - pos, pos)
        buf = bytearray(_STATE_BYTES)
        struct.pack_into("<QiiQ", buf, 0, self._seed, left, 1, nxt)
        buf[24:5016] = np.asarray(st["key"], dtype="<u8").tobytes()
        nd, nf = self._next_double, self._next_float
        struct.pack_into("<dddi", buf, 5016, 0.0, 0.0 if nd is None else nd, 0.0, nd is not None)
        struct.pack_into("<f?", buf, 5048, 0.0 if nf is None else nf, nf is not None)
        return _function.Tensor._make(np.frombuffer(bytes(buf), dtype=np.uint8).copy(), False, None)

    def set_state(self, new_state) -> Generator:
        data = getattr(new_state, "_data", new_state)
        arr = np.asarray(data)
        if arr.dtype != np.uint8:
            raise TypeError(f"expected a torch.ByteTensor, but got {getattr(new_state, 'dtype', arr.dtype)}")
        raw = arr.tobytes()
        if len(raw) not in (5048, _STATE_BYTES):
            raise RuntimeError(
                "Expected either a THGeneratorState of size 5048 or a CPUGeneratorImplState of size 5056 "
                f"but found the input RNG state size to be {len(raw)}"
            )
        seed, left, _seeded, nxt = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, dtype="<u8", count=624, offset=24).astype(np.uint32)
        _x, normal_y, _rho, normal_valid = struct.unpack_from("<dddi", raw, 5016)
        nf, nf_valid = struct.unpack_from("<f?", raw, 5048) if len(raw) == _STATE_BYTES else (0.0, False)
        self._bg.state = {
            "bit_generator": "MT19937",
            "state": {"key": key, "pos": 624 if left <= 1 else int(nxt)},
        }
        self._seed = seed
        self._fresh = left == 1 and nxt == 0
        self._next_double = normal_y if normal_valid else None
        self._next_float = nf if nf_valid else None
        return self

    def __getstate__(self):
        return {"device": self.device, "state": self.get_state()._data}

    def __setstate__(self, d) -> None:
        self.device = d["device"]
        self._bg = np.random.MT19937(0)
        self._np = np.random.Generator(self._bg)
        self.set_state(d["state"])

    # raw draws -----------------------------------------------------------------------------------
    def _random(self, n: int) -> np.ndarray:
        """``n`` draws of torch's ``random()``: 32-bit values (as uint64)."""
        self._fresh = False
        return self._bg.random_raw(int(n))

    def _random64(self, n: int) -> np.ndarray:
        """``n`` draws of torch's ``random64()``: the first 32-bit draw is the high half."""
        r = self._random(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    def _uniform32(self, n: int) -> np.ndarray:
        """``uniform_real_distribution<float>(0, 1)``: the low 24 bits of ``random()`` / 2**24."""
        self._fresh = False
        r = self._np.integers(0, 1 << 32, size=int(n), dtype=np.uint32)
        r &= np.uint32(0xFFFFFF)
        x = r.view(np.int32).astype(_F32)
        x *= _F32(2.0**-24)
        return x

    def _uniform64(self, n: int) -> np.ndarray:
        """``uniform_real_distribution<double>(0, 1)``: the low 53 bits of ``random64()`` / 2**53."""
        r = self._random(2 * n)
        return ((r[0::2] & np.uint64(0x1FFFFF)).astype(np.float64) * 4294967296.0 + r[1::2]) * 2.0**-53


default_generator = Generator()
default_generator.seed()


def manual_seed(seed) -> Generator:
    """Seed the global generator (and return it), as ``torch.manual_seed``."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


def _gen(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


def _rng(generator: Generator | None) -> np.random.Generator:
    """A NumPy generator seeded by one 64-bit draw (for code that needs no torch parity)."""
    return np.random.default_rng(int(_gen(generator)._random64(1)[0]))


# ---------------------------------------------------------------------------------------------------
# exact float arithmetic helpers


def _fma32(a, b, c):
    """float32 fused multiply-add: the product of two float32 is exact in float64."""
    return (np.asarray(a, np.float64) * b + c).astype(_F32)


_SPLIT = 134217729.0  # 2**27 + 1


def _fma64(a, b, c):
    """float64 fused multiply-add from an exact product (Dekker) and an exact sum (Knuth)."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    return s + (err + e)


def _libm(math_fn, x) -> np.ndarray:
    """The C library's ``log``/``log1p`` (what torch calls) on float64, element by element:
    NumPy's SIMD versions (and even the 80-bit long double ones, rounded) differ from glibc's in
    the last bit for about one value in a thousand."""
    x = np.asarray(x, np.float64)
    flat = x.reshape(-1).tolist()
    try:
        vals = list(map(math_fn, flat))
    except ValueError:  # log(0) or a negative argument: as C, -inf or NaN
        vals = [
            math_fn(v) if v > (-1.0 if math_fn is math.log1p else 0.0) else _c_edge(math_fn, v) for v in flat
        ]
    return np.array(vals, dtype=np.float64).reshape(x.shape)


def _c_edge(math_fn, v: float) -> float:
    edge = -1.0 if math_fn is math.log1p else 0.0
    return -math.inf if v == edge else math.nan


def _log64(x) -> np.ndarray:
    return _libm(math.log, x)


def _log1p64(x) -> np.ndarray:
    return _libm(math.log1p, x)


# ---------------------------------------------------------------------------------------------------
# torch's AVX2 float32 Box-Muller (avx_mathfun.h's Cephes polynomials, as compiled: GCC contracts
# each multiply-add into an FMA)

_LOG_P = tuple(
    _F32(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
)


def _fma_into(out32: np.ndarray, a, b, c, t64: np.ndarray) -> np.ndarray:
    """``out32 = fma(a, b, c)`` in float32, through the float64 buffer ``t64`` (the product of two
    float32 values is exact in float64, so only the sum rounds, then the cast)."""
    np.multiply(a, b, out=t64, dtype=np.float64)
    t64 += c
    np.copyto(out32, t64, casting="same_kind")
    return out32


def _log256(x: np.ndarray) -> np.ndarray:
    """``log256_ps`` on float32 ``x`` in (0, 1] (Box-Muller's ``1 - u``)."""
    t64 = np.empty(x.shape, np.float64)
    bits = x.view(np.int32)
    e = (bits >> 23).astype(_F32)
    e -= _F32(126)
    m = ((bits & np.int32(0x007FFFFF)) | np.int32(0x3F000000)).view(_F32)
    mask = m < _F32(0.707106781186547524)
    xx = m - _F32(1)
    m *= mask
    xx += m  # x + x - 1 where x < sqrt(1/2)
    e -= mask
    x64 = xx.astype(np.float64)
    y = np.empty(x.shape, _F32)
    _fma_into(y, x64, np.float64(_LOG_P[0]), np.float64(_LOG_P[1]), t64)
    for c in _LOG_P[2:]:
        _fma_into(y, y, x64, np.float64(c), t64)
    y *= xx
    z = xx * xx
    _fma_into(y, y, z, e * _F32(-2.12194440e-4), t64)
    z *= _F32(0.5)
    y -= z  # fma(-z, 0.5, y): z * 0.5 is exact
    xx += y
    return _fma_into(xx, e, np.float64(_F32(0.693359375)), xx, t64)


def _sincos256(x: np.ndarray):
    """``sincos256_ps`` on float32 ``x >= 0`` (Box-Muller's ``2 pi u``)."""
    f64, t64 = np.float64, np.empty(x.shape, np.float64)
    j = (x * _F32(1.27323954473516)).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(_F32)
    sign_sin = (j & 4) << 29  # sign bits and the polynomial mask, as the AVX code's integer ops
    sign_cos = (~(j - 2) & 4) << 29
    poly = ((j & 2) >> 1) - 1  # all ones where the sine polynomial gives the sine
    xx = x.copy()
    for c in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        _fma_into(xx, y, f64(_F32(c)), xx, t64)
    z = xx * xx
    z64 = z.astype(f64)
    yc = np.empty(x.shape, _F32)
    _fma_into(yc, z64, f64(_F32(2.443315711809948e-005)), f64(_F32(-1.388731625493765e-003)), t64)
    _fma_into(yc, yc, z64, f64(_F32(4.166664568298827e-002)), t64)
    yc *= z
    _fma_into(yc, yc, z64, -(z * _F32(0.5)), t64)
    yc += _F32(1)
    ys = np.empty(x.shape, _F32)
    _fma_into(ys, z64, f64(_F32(-1.9515295891e-4)), f64(_F32(8.3321608736e-3)), t64)
    _fma_into(ys, ys, z64, f64(_F32(-1.6666654611e-1)), t64)
    ys *= z
    _fma_into(ys, ys, xx, xx, t64)
    ysi, yci = ys.view(np.int32), yc.view(np.int32)
    s = (ysi & poly) | (yci & ~poly)
    c = s ^ ysi ^ yci  # the other one of the two
    s ^= sign_sin
    c ^= sign_cos
    return s.view(_F32), c.view(_F32)


def _box_muller16_f32(u: np.ndarray, mean, std) -> np.ndarray:
    """``NormalFill16<float>`` (AVX2) on rows of 16 uniforms."""
    u1 = _F32(1) - u[:, :8]
    radius = np.sqrt(_F32(-2) * _log256(u1))
    s, c = _sincos256(_F32(_TWO_PI) * u[:, 8:])
    m, sd = _F32(mean), _F32(std)
    out = np.empty(u.shape, _F32)
    c *= radius
    s *= radius
    if m == 0 and sd == 1:  # fma(n, 1, 0) is n
        out[:, :8], out[:, 8:] = c, s
    else:
        out[:, :8], out[:, 8:] = _fma32(c, sd, m), _fma32(s, sd, m)
    return out


def _box_muller16_f64(u: np.ndarray, mean, std) -> np.ndarray:
    """``NormalFill16<double>`` on rows of 16 uniforms."""
    radius = np.sqrt(-2 * _log64(1 - u[:, :8]))
    theta = _TWO_PI * u[:, 8:]
    return np.concatenate(
        [_fma64(radius * np.cos(theta), std, mean), _fma64(radius * np.sin(theta), std, mean)], 1
    )


# ---------------------------------------------------------------------------------------------------
# distributions: each returns a flat array in torch's element order (C order for a contiguous target)


def _is_low_float(dt: np.dtype) -> bool:
    return dt.kind == "V" or dt == np.float16


def uniform(n: int, dtype, a: float, b: float, generator=None) -> np.ndarray:
    """``Tensor.uniform_(a, b)``: one draw per element, rounded as torch."""
    g, dt = _gen(generator), np.dtype(dtype)
    if dt == np.float64:
        x = g._uniform64(n)
        out = x if float(a) == 0 and float(b) == 1 else _fma64(x, float(b) - float(a), float(a))
        return np.where(out == float(b), float(a), out)
    # float32 and the half types: computed in float32 (torch's opmath), then cast
    fa, fb = _F32(a), _F32(b)
    x = g._uniform32(n)
    out = x if fa == 0 and fb == 1 else _fma32(x, fb - fa, fa)
    if dt == np.float32:
        return np.where(out == fb, fa, out)
    out = out.astype(dt)
    ta, tb = np.asarray(a).astype(_F32).astype(dt), np.asarray(b).astype(_F32).astype(dt)
    return np.where(out == tb, ta, out)


def _normal_scalar(g: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """``normal_distribution<double>`` one element at a time, with its cached second sample."""
    out = np.empty(n, np.float64)
    i = 0
    if n and g._next_double is not None:
        out[0] = g._next_double
        g._next_double = None
        i = 1
    pairs = (n - i + 1) // 2
    if pairs:
        u = g._uniform64(2 * pairs).tolist()
        log1p, sqrt, sin, cos = math.log1p, math.sqrt, math.sin, math.cos
        for k in range(pairs):
            r = sqrt(-2.0 * log1p(-u[2 * k + 1]))
            theta = _TWO_PI * u[2 * k]
            out[i] = r * cos(theta)
            if i + 1 < n:
                out[i + 1] = r * sin(theta)
            else:
                g._next_double = r * sin(theta)
            i += 2
    return _fma64(out, float(std), float(mean))


def normal(n: int, dtype, mean: float = 0.0, std: float = 1.0, generator=None, contiguous: bool = True):
    """``Tensor.normal_(mean, std)``: Box-Muller in blocks of 16 for 16+ contiguous elements,
    otherwise torch's scalar sampler (with its cached second sample)."""
    g, dt = _gen(generator), np.dtype(dtype)
    if n < 16 or not contiguous:
        return _normal_scalar(g, n, mean, std).astype(dt)
    full = n - n % 16
    if dt == np.float64:
        u, fill = g._uniform64(n), _box_muller16_f64
    elif dt == np.float32:
        u, fill = g._uniform32(n), _box_muller16_f32
    else:  # bfloat16/float16: float blocks of 16, without drawing the n % 16 leftovers first
        u, fill = g._uniform32(full), _box_muller16_f32
    out = np.empty(n, u.dtype)  # float64 or float32, cast to the dtype at the end
    step = 1 << 16  # chunks that stay in cache: faster than whole-array passes
    for i in range(0, full, step):
        j = min(i + step, full)
        out[i:j] = fill(u[i:j].reshape(-1, 16), mean, std).reshape(-1)
    if n % 16:
        tail = g._uniform64(16) if dt == np.float64 else g._uniform32(16)
        out[n - 16 :] = fill(tail.reshape(1, 16), mean, std).reshape(-1)
    return out.astype(dt, copy=False)


def _int_limits(dt: np.dtype):
    if dt == np.bool_:
        return 0, 1
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return int(info.min), int(info.max)
    digits = {np.dtype(np.float64): 53, np.dtype(np.float32): 24, np.dtype(np.float16): 11}.get(dt, 8)
    return -(1 << digits), 1 << digits


def random_from_to(n: int, dtype, low: int, high: int | None, generator=None) -> np.ndarray:
    """``Tensor.random_(low, high)``: ``random() % (high - low) + low`` (``random64()`` for ranges
    of 2**28 or more); ``high=None`` means up to the dtype's largest value, inclusive."""
    g, dt = _gen(generator), np.dtype(dtype)
    low = int(low)
    if high is None:
        high = _int_limits(dt)[1] + 1
    span = int(high) - low
    if span >= 1 << 64:  # [int64 min, int64 max]: the full 64-bit draw
        return g._random64(n).view(np.int64).astype(dt)
    r = g._random64(n) if span >= 1 << 28 else g._random(n)
    v = (r % np.uint64(span)) + np.uint64(low & _MASK64)
    return v.view(np.int64).astype(dt)


def random_full(n: int, dtype, generator=None) -> np.ndarray:
    """``Tensor.random_()``: ``[0, max]`` for integer dtypes, ``[0, 2**mantissa]`` for floats."""
    g, dt = _gen(generator), np.dtype(dtype)
    if dt == np.bool_:
        return (g._random(n) & np.uint64(1)).astype(dt)
    if dt.kind in "iu":
        r = g._random64(n) if dt == np.int64 else g._random(n)
        return (r % np.uint64(int(np.iinfo(dt).max) + 1)).astype(dt)
    top = _int_limits(dt)[1]
    r = g._random64(n) if dt == np.float64 else g._random(n)
    return (r % np.uint64(top + 1)).astype(np.float64).astype(dt)


def int64_seed(generator=None) -> int:
    """``torch.empty((), dtype=torch.int64).random_(generator=g).item()``: one 63-bit draw."""
    return int(random_full(1, np.int64, generator)[0])


_SMALL_PERM = (2**32 - 1) // 20


def randperm(n: int, generator=None) -> np.ndarray:
    """torch's CPU ``randperm``: ``n - 1`` swaps of ``i`` with ``i + random() % (n - i)``."""
    g = _gen(generator)
    n = int(n)
    if n < _SMALL_PERM:
        if n <= 1:
            return np.arange(n, dtype=np.int64)
        z = (g._random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
        j = (z + np.arange(n - 1, dtype=np.int64)).tolist()
        a = array.array("q", range(n))  # swaps in a typed buffer, then no conversion back
        for i, k in enumerate(j):
            a[i], a[k] = a[k], a[i]
        return np.frombuffer(a, dtype=np.int64).copy()
    a = np.empty(n, np.int64)  # n >= 2**32 / 20: the inside-out shuffle on random64()
    for i in range(n):
        k = int(g._random64(1)[0] % np.uint64(i + 1))
        a[i] = a[k]
        a[k] = i
    return a


def bernoulli_scalar(n: int, p: float, generator=None) -> np.ndarray:
    """``Tensor.bernoulli_(p)``: ``uniform_double < p`` per element (bool array)."""
    return _gen(generator)._uniform64(n) < float(p)


def bernoulli_tensor(p: np.ndarray, generator=None) -> np.ndarray:
    """``Tensor.bernoulli_(p_tensor)`` / ``torch.bernoulli(p)``: a double uniform per element when
    ``p`` is float64, a float one otherwise (``p`` already broadcast, flat, in element order)."""
    g = _gen(generator)
    if p.dtype == np.float64:
        return g._uniform64(p.size) < p
    return g._uniform32(p.size) < p.astype(_F32)


def exponential(n: int, dtype, lambd: float = 1.0, generator=None) -> np.ndarray:
    """``Tensor.exponential_(lambd)``: ``-1 / lambd * log1p(-u)`` in double, then cast."""
    u = _gen(generator)._uniform64(n)
    return ((-1.0 / float(lambd)) * _log1p64(-u)).astype(np.dtype(dtype))


def geometric(n: int, dtype, p: float, generator=None) -> np.ndarray:
    """``Tensor.geometric_(p)``: ``ceil(log(u) / log(1 - p))``."""
    u = _gen(generator)._uniform64(n)
    with np.errstate(divide="ignore"):
        return np.ceil(_log64(u) / math.log(1.0 - float(p))).astype(np.dtype(dtype))


def log_normal(n: int, dtype, mean: float = 1.0, std: float = 2.0, generator=None) -> np.ndarray:
    """``Tensor.log_normal_(mean, std)``: ``exp`` of the scalar normal sampler."""
    z = _normal_scalar(_gen(generator), n, mean, std)
    return np.array([math.exp(v) for v in z.tolist()], dtype=np.float64).astype(np.dtype(dtype))


def cauchy(n: int, dtype, median: float = 0.0, sigma: float = 1.0, generator=None) -> np.ndarray:
    """``Tensor.cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``."""
    u = _gen(generator)._uniform64(n)
    t = np.array([math.tan(math.pi * (v - 0.5)) for v in u.tolist()], dtype=np.float64)
    return _fma64(float(sigma), t, float(median)).astype(np.dtype(dtype))


def multinomial(rows: np.ndarray, num_samples: int, replacement: bool, generator=None) -> np.ndarray:
    """torch's CPU ``multinomial`` on a 2-D array of weights: without replacement (or for one
    sample) ``argmax``/``topk`` of ``p / Exp(1)``; with replacement a binary search of a double
    uniform in the normalised cumulative sums (accumulated in the input's float type)."""
    g = _gen(generator)
    dt = rows.dtype
    if not replacement or num_samples == 1:
        q = exponential(rows.size, dt, 1.0, g).reshape(rows.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = (rows / q).astype(dt, copy=False)
        if num_samples == 1:
            return np.argmax(q, axis=1)[:, None].astype(np.int64)
        order = np.argsort(-q.astype(np.float64), axis=1, kind="stable")
        return order[:, :num_samples].astype(np.int64)
    acc = np.float64 if dt == np.float64 else _F32
    cum = np.cumsum(rows.astype(acc), axis=1, dtype=acc)
    cum = cum / cum[:, -1:]
    cum[:, -1] = 1
    u = g._uniform64(rows.shape[0] * num_samples).reshape(rows.shape[0], num_samples)
    out = np.empty(u.shape, np.int64)
    for i in range(rows.shape[0]):
        out[i] = np.searchsorted(cum[i].astype(np.float64), u[i], side="left")
    return out


# ---------------------------------------------------------------------------------------------------
# element order: a nullary TensorIterator op walks a strided target in memory order


def _memory_perm(a: np.ndarray):
    if a.flags.c_contiguous or a.ndim < 2:
        return None
    return sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]))


def ordered(target: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """``flat`` (values in torch's element order for ``target``) placed into ``target``'s shape."""
    perm = _memory_perm(target)
    if perm is None:
        return flat.reshape(target.shape)
    out = np.empty(target.shape, flat.dtype)
    out.transpose(perm)[...] = flat.reshape([target.shape[d] for d in perm])
    return out


def in_order(target: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` (shaped as ``target``) flattened in torch's element order for ``target``."""
    perm = _memory_perm(target)
    return np.ascontiguousarray(values if perm is None else values.transpose(perm)).reshape(-1)
