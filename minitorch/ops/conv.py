"""Convolution, pooling, padding and normalisation primitives.

Convolution is im2col + one BLAS product: the padded input is viewed as sliding windows with
``as_strided`` and copied once into a ``(C*kh*kw, N*OH*OW)`` column matrix, so the forward is
``W (O, C*kh*kw) @ cols``. Columns are laid out channel-first (``C, kh, kw, N, OH, OW``) so the
copy streams along output rows and every product is a plain 2-D GEMM (a stack of ``groups``
GEMMs for grouped convolution).

Double backward: the three ops below are the partial derivatives of one trilinear form
``T(x, w, g) = <conv(x, w), g>``, so each one's backward is made of the other two:

- ``Convolution(x, w)``    : dx = ConvInputGrad(g, w),  dw = ConvWeightGrad(x, g)
- ``ConvInputGrad(g, w)``  : dg = Convolution(u, w),    dw = ConvWeightGrad(u, g)   (u: upstream)
- ``ConvWeightGrad(x, g)`` : dx = ConvInputGrad(g, v),  dg = Convolution(x, v)      (v: upstream)

Pooling works on views of the padded input, one strided view per kernel position (a loop over
``kh*kw`` positions, never over batch items or pixels).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd import grad_mode
from ..autograd.function import Op

_state = grad_mode._state


def _keep_freed_memory() -> None:
    """Ask glibc's malloc to reuse freed big blocks instead of returning them to the OS.

    NOTE: by default glibc serves blocks over 128 KiB with fresh ``mmap`` pages and unmaps them
    on free, so every training step page-faults its activations and im2col columns in again
    (measured: ~2,700 faults and about half of a LeNet step). Keeping blocks up to 32 MiB on the
    heap, and not trimming it, removes that cost, as PyTorch's caching allocators do. Set
    ``MINITORCH_NO_MALLOPT=1`` (or any ``MALLOC_*`` variable of your own) to leave malloc alone.
    """
    import ctypes
    import os
    import sys

    if not sys.platform.startswith("linux") or os.environ.get("MINITORCH_NO_MALLOPT"):
        return
    if any(k.startswith("MALLOC_") for k in os.environ):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        pass


_keep_freed_memory()


def _t(arr):
    """Wrap an ndarray as a constant Tensor."""
    from ..tensor import Tensor

    return Tensor._make(arr, False, None)


# --------------------------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------------------------
class ConvSpec:
    """Geometry of one 2-D convolution: kernel, stride, padding ((top, bottom), (left, right)),
    dilation, groups, input size (H, W) and output size (OH, OW).

    With unit horizontal stride and short output rows the columns are "full width": each output
    row gets one column per padded input column (``Wp`` of them, of which the last ``Wp - OW``
    are discarded). Then a window row is a contiguous run of the (flattened, zero-padded) image,
    so im2col and col2im copy long contiguous runs instead of ``OW``-long pieces; the GEMMs grow
    by ``Wp / OW``.
    """

    __slots__ = ("kernel", "stride", "pad", "dilation", "groups", "in_hw", "out_hw", "full", "padded_hw")

    def __init__(self, kernel, stride, pad, dilation, groups, in_hw) -> None:
        self.kernel, self.stride, self.pad = tuple(kernel), tuple(stride), tuple(pad)
        self.dilation, self.groups, self.in_hw = tuple(dilation), groups, tuple(in_hw)
        self.padded_hw = tuple(n + p0 + p1 for n, (p0, p1) in zip(in_hw, pad))
        self.out_hw = tuple(
            (n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(self.padded_hw, kernel, stride, dilation)
        )
        # NOTE: full width pays when output rows are short (copies of a few elements are all
        # overhead) or when it wastes little; measured on LeNet's two convs
        ow, wp = self.out_hw[1], self.padded_hw[1]
        self.full = self.stride[1] == 1 and (ow < 16 or 8 * wp <= 9 * ow)

    def ncols(self, n: int) -> int:
        """Columns of the GEMM for a batch of ``n``: one per (image, output row, column)."""
        return n * self.out_hw[0] * (self.padded_hw[1] if self.full else self.out_hw[1])

    def _canvas(self, n: int, c: int, dtype):
        """Zeros for the padded image, channel-major, as (flat buffer, (N, C, Hp, Wp) view).

        In full-width mode each (c, n) plane has a tail of ``(kw - 1) * dw`` spare zeros, which
        the discarded columns of the last rows run into.
        """
        hp, wp = self.padded_hw
        tail = (self.kernel[1] - 1) * self.dilation[1] if self.full else 0
        buf = np.zeros((c, n, hp * wp + tail), dtype)
        return buf, buf[:, :, : hp * wp].reshape(c, n, hp, wp).transpose(1, 0, 2, 3)

    def _windows(self, buf: np.ndarray, n: int, c: int, writeable: bool = False) -> np.ndarray:
        """The (C, kh, kw, N, OH, Wc) strided view of the windows of a padded canvas."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        oh, ow = self.out_hw
        if self.full:  # buf is the flat (C, N, Hp*Wp + tail) canvas
            wp, it = self.padded_hw[1], buf.itemsize
            s0, s1 = buf.strides[:2]
            shape, strides = (c, kh, kw, n, oh, wp), (s0, dh * wp * it, dw * it, s1, sh * wp * it, it)
        else:  # buf is an (N, C, Hp, Wp) image
            s0, s1, s2, s3 = buf.strides
            shape, strides = (c, kh, kw, n, oh, ow), (s1, s2 * dh, s3 * dw, s0, s2 * sh, s3 * sw)
        return as_strided(buf, shape, strides, writeable=writeable)

    def im2col(self, x: np.ndarray) -> np.ndarray:
        """The column matrix (C*kh*kw, ncols) of ``x`` (N, C, H, W)."""
        n, c, h, w = x.shape
        (pt, _), (pl, _) = self.pad
        if self.full or pt or pl or self.padded_hw != (h, w):
            buf, img = self._canvas(n, c, x.dtype)
            img[:, :, pt : pt + h, pl : pl + w] = x
            if not self.full:
                buf = img
        else:
            buf = x
        cols = np.ascontiguousarray(self._windows(buf, n, c))
        if self.full and self.padded_hw[1] != self.out_hw[1] and not np.isfinite(x).all():
            # NOTE: discarded columns hold stray pixels; keep a non-finite one from leaking
            # (as 0 * inf = nan) into the weight grad of kernel positions it is not under
            cols[..., self.out_hw[1] :] = 0
        return cols.reshape(c * self.kernel[0] * self.kernel[1], self.ncols(n))

    def col2im(self, cols: np.ndarray, n: int, c: int) -> np.ndarray:
        """Sum columns (C*kh*kw, ncols) back into an (N, C, H, W) image (the adjoint of im2col)."""
        kh, kw = self.kernel
        (pt, _), (pl, _) = self.pad
        h, w = self.in_hw
        buf, img = self._canvas(n, c, cols.dtype)
        win = self._windows(buf if self.full else img, n, c, writeable=True)
        c6 = cols.reshape(win.shape)
        # NOTE: one add per kernel position, each covering every image and pixel; the windows
        # of one position never overlap, so each in-place add is safe
        for i in range(kh):
            for j in range(kw):
                v = win[:, i, j]
                np.add(v, c6[:, i, j], out=v)
        return img[:, :, pt : pt + h, pl : pl + w]

    def grad_rows(self, g: np.ndarray) -> np.ndarray:
        """An output-shaped grad (N, O, OH, OW) as the GEMM operand (O, ncols); in full-width
        mode the discarded columns are zeros."""
        n, o, oh, ow = g.shape
        gt = g.transpose(1, 0, 2, 3)
        if not self.full or self.padded_hw[1] == ow:
            return gt.reshape(o, self.ncols(n))
        g2 = np.zeros((o, n, oh, self.padded_hw[1]), g.dtype)
        g2[..., :ow] = gt
        return g2.reshape(o, self.ncols(n))

    def output(self, out2: np.ndarray, n: int) -> np.ndarray:
        """The GEMM result (O, ncols) as the (N, O, OH, OW) output (a view: channel-major memory)."""
        o = out2.shape[0]
        oh, ow = self.out_hw
        if self.full:
            return out2.reshape(o, n, oh, self.padded_hw[1])[..., :ow].transpose(1, 0, 2, 3)
        return out2.reshape(o, n, oh, ow).transpose(1, 0, 2, 3)


def _conv_forward(x: np.ndarray, w: np.ndarray, b, spec: ConvSpec, cols=None):
    """conv(x, w) + b as ndarrays; returns (out, cols)."""
    o, grp = w.shape[0], spec.groups
    if cols is None:
        cols = spec.im2col(x)
    if grp == 1:
        out = w.reshape(o, -1) @ cols
    else:
        out = np.matmul(w.reshape(grp, o // grp, -1), cols.reshape(grp, -1, cols.shape[1])).reshape(o, cols.shape[1])
    if b is not None:
        out += b.reshape(o, 1)
    return spec.output(out, x.shape[0]), cols


def _conv_input_grad(g: np.ndarray, w: np.ndarray, spec: ConvSpec, g2=None) -> np.ndarray:
    """d<conv(x, w), g>/dx: W^T @ g, then col2im."""
    n, o = g.shape[:2]
    grp = spec.groups
    if g2 is None:
        g2 = spec.grad_rows(g)
    if grp == 1:
        cols = w.reshape(o, -1).T @ g2
    else:
        wg = w.reshape(grp, o // grp, -1)
        cols = np.matmul(wg.transpose(0, 2, 1), g2.reshape(grp, o // grp, -1))
    return spec.col2im(cols, n, w.shape[1] * grp)


def _conv_weight_grad(x: np.ndarray, g: np.ndarray, spec: ConvSpec, wshape, cols=None, g2=None) -> np.ndarray:
    """d<conv(x, w), g>/dw: g @ cols^T."""
    if cols is None:
        cols = spec.im2col(x)
    if g2 is None:
        g2 = spec.grad_rows(g)
    o, grp = g.shape[1], spec.groups
    if grp == 1:
        gw = (cols @ g2.T).T  # NOTE: this orientation is the faster GEMM for long, thin operands
    else:
        gw = np.matmul(g2.reshape(grp, o // grp, -1), cols.reshape(grp, -1, cols.shape[1]).transpose(0, 2, 1))
    return np.ascontiguousarray(gw).reshape(wshape)


class Convolution(Op):
    """conv(x, w) + b: dx = conv_transpose(g, w), dw = g (x) cols(x), db = sum of g over N, H, W"""

    @staticmethod
    def forward(ctx, x, w, b, spec):
        need_cols = _state.enabled and w._rg
        out, cols = _conv_forward(x.data, w.data, None if b is None else b.data, spec)
        # NOTE: the columns are kept (as a saved tensor, freed with the graph) so the weight grad
        # does not redo the im2col copy; trades memory for speed like torch's slow_conv2d.
        ctx.save_for_backward(x, w, _t(cols) if need_cols else None)
        ctx.spec = spec
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, cols = ctx.saved_tensors
        spec, need = ctx.spec, ctx.needs_input_grad
        g2 = spec.grad_rows(g.data) if need[0] and need[1] else None  # shared by both products
        gx = ConvInputGrad.apply(g, w, spec, g2) if need[0] else None
        gw = ConvWeightGrad.apply(x, g, spec, None if cols is None else cols.data, g2) if need[1] else None
        gb = g.sum((0, 2, 3)) if ctx.needs_input_grad[2] else None
        return gx, gw, gb, None


class ConvInputGrad(Op):
    """dx = conv_transpose(g, w) (bilinear): d/dg = conv(u, w), d/dw = weight_grad(u, g)"""

    @staticmethod
    def forward(ctx, g, w, spec, g2=None):
        ctx.save_for_backward(g, w)
        ctx.spec = spec
        return _conv_input_grad(g.data, w.data, spec, g2)

    @staticmethod
    def backward(ctx, u):
        g, w = ctx.saved_tensors
        gg = Convolution.apply(u, w, None, ctx.spec) if ctx.needs_input_grad[0] else None
        gw = ConvWeightGrad.apply(u, g, ctx.spec, None) if ctx.needs_input_grad[1] else None
        return gg, gw, None, None


class ConvWeightGrad(Op):
    """dw = g (x) cols(x) (bilinear): d/dx = conv_transpose(g, v), d/dg = conv(x, v)"""

    @staticmethod
    def forward(ctx, x, g, spec, cols, g2=None):
        ctx.save_for_backward(x, g)
        ctx.spec = spec
        o, c = g.data.shape[1], x.data.shape[1]
        kshape = (o, c // spec.groups) + spec.kernel
        return _conv_weight_grad(x.data, g.data, spec, kshape, cols, g2)

    @staticmethod
    def backward(ctx, v):
        x, g = ctx.saved_tensors
        gx = ConvInputGrad.apply(g, v, ctx.spec) if ctx.needs_input_grad[0] else None
        gg = Convolution.apply(x, v, None, ctx.spec) if ctx.needs_input_grad[1] else None
        return gx, gg, None, None, None


# --------------------------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------------------------
def _channel_outer(a: np.ndarray) -> bool:
    """True for an (N, C, H, W) array stored channel-major (a transposed view, as conv outputs are)."""
    return a.ndim == 4 and a.shape[0] > 1 and a.shape[1] > 1 and a.strides[1] > a.strides[0]


def _channel_major(a: np.ndarray) -> np.ndarray:
    """A copy of (N, C, H, W) ``a`` stored channel-major (returned as an (N, C, H, W) view)."""
    return np.ascontiguousarray(a.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)


class PoolSpec:
    """Geometry of one 2-D pooling: kernel, stride, padding ((top, bottom), (left, right)) where
    bottom/right include the ceil-mode overhang, dilation, input size and output size.

    Pooling works on "columns": the ``K = kh*kw`` strided views of the padded input copied into
    one contiguous ``(K, N, C, OH, OW)`` array, so every reduction and mask is a contiguous op.
    """

    __slots__ = ("kernel", "stride", "pad", "dilation", "in_hw", "out_hw")

    def __init__(self, kernel, stride, padding, dilation, ceil_mode, in_hw) -> None:
        self.kernel, self.stride, self.dilation, self.in_hw = kernel, stride, dilation, tuple(in_hw)
        out, pad = [], []
        for n, k, s, p, d in zip(in_hw, kernel, stride, padding, dilation):
            span = n + 2 * p - d * (k - 1) - 1
            o = (-(-span // s) if ceil_mode else span // s) + 1
            if ceil_mode and (o - 1) * s >= n + p:  # the last window must start inside the input
                o -= 1
            out.append(o)
            pad.append((p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p)))
        self.out_hw, self.pad = tuple(out), tuple(pad)

    def _empty(self, like: np.ndarray, shape, fill, dtype) -> np.ndarray:
        """An (N, C, *shape) array filled with ``fill``, in the memory order of ``like``."""
        n, c = like.shape[:2]
        if _channel_outer(like):
            return np.full((c, n) + shape, fill, dtype).transpose(1, 0, 2, 3)
        return np.full((n, c) + shape, fill, dtype)

    def padded(self, x: np.ndarray, value) -> np.ndarray:
        (pt, pb), (pl, pr) = self.pad
        if not (pt or pb or pl or pr):
            return x
        h, w = self.in_hw
        xp = self._empty(x, (h + pt + pb, w + pl + pr), value, x.dtype)
        xp[:, :, pt : pt + h, pl : pl + w] = x
        return xp

    def _windows(self, xp: np.ndarray, writeable: bool = False) -> np.ndarray:
        """The (kh, kw, N, C, OH, OW) strided view of the windows of the padded input."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        s0, s1, s2, s3 = xp.strides
        shape = (kh, kw) + xp.shape[:2] + self.out_hw
        return as_strided(xp, shape, (s2 * dh, s3 * dw, s0, s1, s2 * sh, s3 * sw), writeable=writeable)

    def columns(self, xp: np.ndarray) -> np.ndarray:
        """The windows copied into a contiguous (K, N, C, OH, OW) array (channel-major inside
        when ``xp`` is, so the copy streams through memory)."""
        win = self._windows(xp)
        k = self.kernel[0] * self.kernel[1]
        if _channel_outer(xp):
            cols = np.ascontiguousarray(win.transpose(0, 1, 3, 2, 4, 5))
            return cols.reshape((k,) + cols.shape[2:]).transpose(0, 2, 1, 3, 4)
        cols = np.ascontiguousarray(win)
        return cols.reshape((k,) + cols.shape[2:])

    def overlapping(self) -> bool:
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        return sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1

    def scatter(self, grads, like: np.ndarray) -> np.ndarray:
        """The adjoint of ``columns``: sum ``grads(k)`` (an (N, C, OH, OW) array for window
        position k) into a zero (N, C, H, W) image laid out like ``like``.

        One strided write per window position; when windows do not overlap it writes in
        place (``grads(k, out=view)``), otherwise it adds.
        """
        (pt, pb), (pl, pr) = self.pad
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        (h, w), (oh, ow) = self.in_hw, self.out_hw
        gx = self._empty(like, (h + pt + pb, w + pl + pr), 0, like.dtype)
        overlap = self.overlapping()
        for i in range(kh):
            for j in range(kw):
                view = gx[:, :, i * dh : i * dh + sh * (oh - 1) + 1 : sh, j * dw : j * dw + sw * (ow - 1) + 1 : sw]
                if overlap:
                    view += grads(i * kw + j)
                else:
                    grads(i * kw + j, out=view)
        return gx[:, :, pt : pt + h, pl : pl + w]


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _first_max(cols: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Window position (0..K-1) of each maximum: the first one, or the last NaN, as torch."""
    k = cols.shape[0]
    itype = np.uint8 if k < 255 else np.int32
    shape = (k,) + (1,) * out.ndim
    # NOTE: (K - position) where a column equals the max, else 0: its max picks the first position
    rank = (k - np.arange(k, dtype=itype)).reshape(shape)
    idx = (k - ((cols == out) * rank).max(0)).astype(itype, copy=False)
    if out.dtype.kind == "f" and np.isnan(out).any():
        last = (np.isnan(cols) * (np.arange(k, dtype=itype) + 1).reshape(shape)).max(0)
        idx = np.where(last > 0, last - 1, idx).astype(itype)
    return idx


class MaxPool2d(Op):
    """max over windows: the grad goes to the (first) maximum of each window"""

    _node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, spec, indices_out):
        cols = spec.columns(spec.padded(x.data, _lowest(x.data.dtype)))
        out = cols.max(0)
        if indices_out is not None or (_state.enabled and x._rg):
            ctx.idx = _first_max(cols, out)
            if indices_out is not None:  # a list the caller asked to receive the indices in
                indices_out.append(ctx.idx)
        ctx.spec = spec
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxPoolScatter.apply(g, ctx.spec, ctx.idx), None, None


class MaxPoolScatter(Op):
    """Window grads put back at each window's argmax (linear); its backward gathers them"""

    @staticmethod
    def forward(ctx, g, spec, idx):
        ctx.spec, ctx.idx = spec, idx
        gd = g.data
        if gd.ndim == 4 and _channel_outer(idx) != _channel_outer(gd):  # one memory order for all
            gd = _channel_major(gd) if _channel_outer(idx) else np.ascontiguousarray(gd)

        def at(k, out=None):  # the grads that go to window position k
            return np.multiply(gd, idx == k, out=out)

        return spec.scatter(at, gd)

    @staticmethod
    def backward(ctx, u):
        return MaxPoolGather.apply(u, ctx.spec, ctx.idx), None, None


class MaxPoolGather(Op):
    """The value at each window's argmax (linear); its backward scatters back"""

    @staticmethod
    def forward(ctx, u, spec, idx):
        ctx.spec, ctx.idx = spec, idx
        cols = spec.columns(spec.padded(u.data, 0))
        return np.take_along_axis(cols, idx[None].astype(np.intp), 0)[0]

    @staticmethod
    def backward(ctx, g):
        return MaxPoolScatter.apply(g, ctx.spec, ctx.idx), None, None


def max_pool_indices(idx: np.ndarray, spec: PoolSpec) -> np.ndarray:
    """Window positions of the maxima as torch's flat indices into each (H, W) input plane."""
    kw, (sh, sw), (dh, dw) = spec.kernel[1], spec.stride, spec.dilation
    (pt, _), (pl, _) = spec.pad
    oh, ow = spec.out_hw
    i, j = np.divmod(idx.astype(np.int64), kw)
    rows = np.arange(oh).reshape(oh, 1) * sh - pt + i * dh
    cols = np.arange(ow) * sw - pl + j * dw
    return np.ascontiguousarray(rows * spec.in_hw[1] + cols)


def _avg_divisor(spec: PoolSpec, count_include_pad: bool, divisor_override, dtype):
    """The (OH, OW) divisor of each window, as torch's avg_pool2d computes it."""
    if divisor_override:
        return dtype.type(divisor_override)
    counts = []
    for n, k, s, (p, _), o in zip(spec.in_hw, spec.kernel, spec.stride, spec.pad, spec.out_hw):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        size = end - start  # the window clipped to the padded input (ceil-mode overhang excluded)
        if not count_include_pad:
            size = np.minimum(end, n) - np.maximum(start, 0)
        counts.append(size)
    return (counts[0].reshape(-1, 1) * counts[1]).astype(dtype)


class AvgPool2d(Op):
    """mean over windows (linear): each window's grad is spread evenly over it"""

    _node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, spec, div):
        ctx.spec, ctx.div = spec, div
        out = spec.columns(spec.padded(x.data, 0)).sum(0)
        out /= div
        return out

    @staticmethod
    def backward(ctx, g):
        return AvgPoolScatter.apply(g, ctx.spec, ctx.div), None, None


class AvgPoolScatter(Op):
    """The adjoint of average pooling (linear); its backward is average pooling"""

    @staticmethod
    def forward(ctx, g, spec, div):
        ctx.spec, ctx.div = spec, div
        gd = g.data / div

        def at(k, out=None):  # every window position gets the window's share
            if out is None:
                return gd
            np.copyto(out, gd)

        return spec.scatter(at, gd)

    @staticmethod
    def backward(ctx, u):
        return AvgPool2d.apply(u, ctx.spec, ctx.div), None, None


# --------------------------------------------------------------------------------------------
# padding
# --------------------------------------------------------------------------------------------
class ConstantPad(Op):
    """pad with a constant (non-negative widths): the grad is the interior of g"""

    _node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, widths, value):
        xd = x.data
        ctx.inner = tuple(slice(a, a + n) for (a, _), n in zip(widths, xd.shape))
        out = np.full(tuple(n + a + b for (a, b), n in zip(widths, xd.shape)), value, xd.dtype)
        out[ctx.inner] = xd
        return out

    @staticmethod
    def backward(ctx, g):
        return g[ctx.inner], None, None


# --------------------------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------------------------
class BatchNorm(Op):
    """y = (x - mean) * invstd * w + b over (N, *) per channel; training uses batch stats:
    dx = w invstd / M (M g - sum g - xhat sum(g xhat)), dw = sum(g xhat), db = sum g"""

    _node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        xd = x.data
        axes = (0,) + tuple(range(2, xd.ndim))
        cshape = (1, -1) + (1,) * (xd.ndim - 2)
        m = xd.size // xd.shape[1]
        if training:
            mean = xd.mean(axes)
            xc = xd - mean.reshape(cshape)
            var = (xc * xc).mean(axes)
            if running_mean is not None:
                rm, rv = running_mean.data, running_var.data
                rm *= 1 - momentum
                rm += momentum * mean
                rv *= 1 - momentum
                rv += momentum * m / max(m - 1, 1) * var
                running_mean._vc[0] += 1
                running_var._vc[0] += 1
        else:
            mean, var = running_mean.data, running_var.data
            xc = xd - mean.reshape(cshape)
        invstd = (1.0 / np.sqrt(var + eps)).astype(xd.dtype, copy=False)
        xhat = xc * invstd.reshape(cshape)
        y = xhat if w is None else xhat * w.data.reshape(cshape)
        if b is not None:
            y += b.data.reshape(cshape)
        ctx.save_for_backward(x, w, b, _t(xhat))
        ctx.invstd, ctx.mean, ctx.training, ctx.eps = invstd, mean, training, eps
        ctx.axes, ctx.cshape, ctx.m = axes, cshape, m
        return y

    @staticmethod
    def backward(ctx, g):
        x, w, b, xhat = ctx.saved_tensors
        need = ctx.needs_input_grad
        if _state.enabled:  # create_graph: the same closed form, in Tensor ops
            return _batch_norm_backward_graph(ctx, g, x, w) + (None,) * 5
        axes, cshape, xhat, invstd = ctx.axes, ctx.cshape, xhat.data, ctx.invstd
        gd = g.data
        gb = gd.sum(axes)
        gw = (gd * xhat).sum(axes)
        gx = None
        if need[0]:
            scale = invstd if w is None else invstd * w.data
            if ctx.training:
                gx = (gd - (gb / ctx.m).reshape(cshape) - xhat * (gw / ctx.m).reshape(cshape)) * scale.reshape(cshape)
            else:
                gx = gd * scale.reshape(cshape)
            gx = _t(gx)
        return gx, _t(gw) if need[1] else None, _t(gb) if need[2] else None, None, None, None, None, None


def _batch_norm_backward_graph(ctx, g, x, w):
    """BatchNorm's backward in Tensor ops, so that it can itself be differentiated."""
    axes, cshape = ctx.axes, ctx.cshape
    if ctx.training:
        mean = x.mean(axes, keepdim=True)
        xc = x - mean
        invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
    else:
        invstd = _t(ctx.invstd.reshape(cshape))
        xc = x - _t(ctx.mean.reshape(cshape))
    xhat = xc * invstd
    gb = g.sum(axes, keepdim=True)
    gw = (g * xhat).sum(axes, keepdim=True)
    scale = invstd if w is None else invstd * w.reshape(cshape)
    if ctx.training:
        gx = (g - gb / ctx.m - xhat * (gw / ctx.m)) * scale
    else:
        gx = g * scale
    need = ctx.needs_input_grad
    return (
        gx if need[0] else None,
        gw.reshape(-1) if need[1] else None,
        gb.reshape(-1) if need[2] else None,
    )


class LayerNorm(Op):
    """y = (x - mean) * invstd * w + b over the last dims:
    dx = invstd (gh - mean(gh) - xhat mean(gh xhat)) with gh = g w; dw = sum(g xhat); db = sum g"""

    _node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, ndim, eps):
        xd = x.data
        axes = tuple(range(xd.ndim - ndim, xd.ndim))
        mean = xd.mean(axes, keepdims=True)
        xc = xd - mean
        invstd = (1.0 / np.sqrt((xc * xc).mean(axes, keepdims=True) + eps)).astype(xd.dtype, copy=False)
        xhat = xc * invstd
        y = xhat if w is None else xhat * w.data
        if b is not None:
            y = y + b.data if y is xhat else np.add(y, b.data, out=y)
        ctx.save_for_backward(x, w, _t(xhat), _t(invstd))
        ctx.axes, ctx.eps = axes, eps
        return y

    @staticmethod
    def backward(ctx, g):
        x, w, xhat, invstd = ctx.saved_tensors
        need = ctx.needs_input_grad
        axes = ctx.axes
        lead = tuple(range(x.data.ndim - len(axes)))
        if _state.enabled:  # create_graph: the same closed form, in Tensor ops
            mean = x.mean(axes, keepdim=True)
            xc = x - mean
            invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
            xhat = xc * invstd
            gh = g if w is None else g * w
            gx = invstd * (gh - gh.mean(axes, keepdim=True) - xhat * (gh * xhat).mean(axes, keepdim=True))
            gw = (g * xhat).sum(lead) if need[1] else None
            gb = g.sum(lead) if need[2] else None
            return (gx if need[0] else None), gw, gb, None, None
        gd, xhat = g.data, xhat.data
        gx = gw = gb = None
        if need[0]:
            gh = gd if w is None else gd * w.data
            gx = _t(invstd.data * (gh - gh.mean(axes, keepdims=True) - xhat * (gh * xhat).mean(axes, keepdims=True)))
        if need[1]:
            gw = _t((gd * xhat).sum(lead))
        if need[2]:
            gb = _t(gd.sum(lead))
        return gx, gw, gb, None, None
