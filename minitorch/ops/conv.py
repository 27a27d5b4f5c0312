"""Convolution, pooling, padding and normalisation primitives.

Convolution is im2col + BLAS products: the padded input is viewed as sliding windows with
``as_strided`` and copied once into ``(C*kh*kw, columns)`` matrices, so the forward is
``W (O, C*kh*kw) @ cols``, the weight grad ``g @ cols^T`` and the input grad ``W^T @ g``
followed by col2im (one strided add per kernel position). Images with 32+ output pixels get
one GEMM each (a stack of GEMMs in one NumPy call, whose output is already NCHW); smaller ones
share one batch-wide GEMM. With unit horizontal stride the input grad skips the 25-way col2im:
the ``kw`` column shifts are applied to the grad rows before the GEMM and only the ``kh`` row
shifts are added back (``_conv_input_grad_rows``). See ``ConvSpec`` for the layouts.

The heavy kernels (convolution forward and both grads, max pooling and its backward) split the
batch over threads (``_split``; the count from ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``,
else the CPUs): NumPy releases the GIL in the copies, ufuncs and GEMMs they are made of.

Double backward: the three ops below are the partial derivatives of one trilinear form
``T(x, w, g) = <conv(x, w), g>``, so each one's backward is made of the other two:

- ``Convolution(x, w)``    : dx = ConvInputGrad(g, w),  dw = ConvWeightGrad(x, g)
- ``ConvInputGrad(g, w)``  : dg = Convolution(u, w),    dw = ConvWeightGrad(u, g)   (u: upstream)
- ``ConvWeightGrad(x, g)`` : dx = ConvInputGrad(g, v),  dg = Convolution(x, v)      (v: upstream)

Pooling copies the ``kh*kw`` strided views of the padded input into one contiguous
``(K, N, C, OH, OW)`` array and reduces over its first axis; the backward writes each window
position's share back with one strided op per position (never a loop over items or pixels).
Max pooling's backward and its own backward (a gather at the argmax) are each other's adjoints.

Batch norm and layer norm are fused ops with closed-form backwards in NumPy; with
``create_graph=True`` the same formulas run in Tensor ops so they can be differentiated again.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd import grad_mode
from ..autograd.function import Op
from .arithmetic import _const

_state = grad_mode._state


# --------------------------------------------------------------------------------------------
# threads
# --------------------------------------------------------------------------------------------
_pool: list = [None, None]  # (executor, pid that made it)
_nthreads: list = []
_MIN_SPLIT = 1 << 22  # NOTE: elements a kernel must touch before it is split: waking the pool costs
# ~30 us CPU on a quiet machine but up to ~150 us in a 2-vCPU VM, where a LeNet step at B=64 ran 11%
# slower split than not (benchmarks/README.md)


def _threads() -> int:
    """Threads for the batch-split kernels: the BLAS/OpenMP count set in the environment
    (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``), else the CPUs this
    process may run on (torch's default), at most 8."""
    if not _nthreads:
        n = None
        for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            try:
                n = int(os.environ[v])
                break
            except (KeyError, ValueError):
                pass
        if n is None:
            n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        _nthreads.append(max(1, min(n, 8)))
    return _nthreads[0]


def _split(n: int, size: int, fn) -> None:
    """``fn(lo, hi)`` over batch ranges that cover [0, n): one range per thread when the work
    (``size`` elements touched) pays for the dispatch, else ``fn(0, n)``. NumPy releases the
    GIL in the copies, ufuncs and BLAS calls the kernels are made of, so the ranges run in
    parallel; each writes its own slices of preallocated outputs."""
    t = min(_threads(), n)
    if t < 2 or size < _MIN_SPLIT:
        fn(0, n)
        return
    if _pool[1] != os.getpid():  # NOTE: a forked child has the executor but not its threads
        _pool[:] = [ThreadPoolExecutor(_threads() - 1, thread_name_prefix="minitorch"), os.getpid()]
    bounds = [n * i // t for i in range(t + 1)]
    futures = [_pool[0].submit(fn, bounds[i], bounds[i + 1]) for i in range(1, t)]
    try:
        fn(bounds[0], bounds[1])
    finally:
        for f in futures:
            f.result()


# --------------------------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------------------------
class ConvSpec:
    """Geometry of one 2-D convolution: kernel, stride, padding ((top, bottom), (left, right)),
    dilation, groups, input size (H, W) and output size (OH, OW).

    Columns come in blocks of ``nb`` images (``block``): a ``(N / nb, C*kh*kw, nb*OH*OW)`` stack,
    so each product is a stack of GEMMs (one NumPy call) whose operands stay in cache. With one
    image per block (outputs of 32 pixels or more) the stacked output is already the NCHW
    output and the NCHW grad is already the GEMM operand: no transposing copies.

    Two column layouts, with the same numbers:

    - standard: one column per output pixel, ``OH*OW`` per image;
    - full width (unit horizontal stride only): each output row gets one column per padded
      input column (``Wp`` of them; the last ``Wp - OW`` are discarded). A window row is then a
      contiguous run of the flattened zero-padded image, so im2col/col2im copy long runs instead
      of ``OW``-long pieces, at the price of GEMMs ``Wp / OW`` times larger.

    ``full`` picks the layout of the forward and weight-grad columns, ``full_gx`` the one of the
    input-grad columns (col2im's many strided adds gain most from long runs). The standard
    im2col with unit vertical stride copies in two passes (the ``kw`` column shifts, then the
    ``kh`` row shifts, whose windows are then whole ``OH*OW`` runs).
    """

    __slots__ = (
        "kernel",
        "stride",
        "pad",
        "dilation",
        "groups",
        "in_hw",
        "out_hw",
        "padded_hw",
        "full",
        "full_gx",
    )

    def __init__(self, kernel, stride, pad, dilation, groups, in_hw) -> None:
        self.kernel, self.stride, self.pad = tuple(kernel), tuple(stride), tuple(pad)
        self.dilation, self.groups, self.in_hw = tuple(dilation), groups, tuple(in_hw)
        self.padded_hw = tuple(n + p0 + p1 for n, (p0, p1) in zip(in_hw, pad))
        self.out_hw = tuple(
            (n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(self.padded_hw, kernel, stride, dilation)
        )
        # NOTE: thresholds measured on LeNet's two convs: full width pays where it wastes
        # little, and for col2im also where output rows are short
        ow, wp = self.out_hw[1], self.padded_hw[1]
        cheap = self.stride[1] == 1 and 8 * wp <= 9 * ow
        self.full = cheap
        self.full_gx = cheap or (self.stride[1] == 1 and ow < 16)

    def block(self, n: int) -> int:
        """Images per GEMM of a batch of ``n``: one where an image has enough output pixels
        for a GEMM of its own, else the whole batch."""
        # NOTE: per-image GEMMs measured 2x faster than one batch-wide GEMM on LeNet's convs
        # (the operands stay in cache); tiny outputs would make tiny GEMMs
        return 1 if n == 0 or self.out_hw[0] * self.out_hw[1] >= 32 else n

    def ncols(self, n: int, full: bool) -> int:
        """Columns of the GEMMs for a batch of ``n``: one per (image, output row, column)."""
        return n * self.out_hw[0] * (self.padded_hw[1] if full else self.out_hw[1])

    def _canvas(self, n: int, c: int, dtype, full: bool):
        """Zeros for the padded image, as (buffer, (N, C, Hp, Wp) view).

        For full width the buffer is flat per (n, c) plane, with a tail of ``(kw - 1) * dw``
        spare zeros that the discarded columns of the last rows run into.
        """
        hp, wp = self.padded_hw
        tail = (self.kernel[1] - 1) * self.dilation[1] if full else 0
        buf = np.zeros((n, c, hp * wp + tail), dtype)
        img = buf[:, :, : hp * wp].reshape(n, c, hp, wp)
        return (buf if full else img), img

    def _windows(self, buf: np.ndarray, n: int, c: int, full: bool, nb: int, writeable: bool = False):
        """The (N/nb, C, kh, kw, nb, OH, OW or Wp) strided view of the windows of a canvas."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        oh, ow = self.out_hw
        if full:  # buf is the flat (N, C, Hp*Wp + tail) canvas
            wp, it = self.padded_hw[1], buf.itemsize
            s0, s1 = buf.strides[:2]
            shape = (n // nb, c, kh, kw, nb, oh, wp)
            strides = (nb * s0, s1, dh * wp * it, dw * it, s0, sh * wp * it, it)
        else:  # buf is an (N, C, Hp, Wp) image
            s0, s1, s2, s3 = buf.strides
            shape = (n // nb, c, kh, kw, nb, oh, ow)
            strides = (nb * s0, s1, s2 * dh, s3 * dw, s0, s2 * sh, s3 * sw)
        return as_strided(buf, shape, strides, writeable=writeable)

    def im2col(self, x: np.ndarray, nb: int | None = None, out=None) -> np.ndarray:
        """The column stack (N/nb, C*kh*kw, nb*OH*(OW or Wp)) of ``x`` (N, C, H, W), in the
        ``full`` layout (written into ``out`` if given)."""
        n, c, h, w = x.shape
        nb = self.block(n) if nb is None else nb
        (kh, kw), (dh, dw) = self.kernel, self.dilation
        (pt, _), (pl, _) = self.pad
        full = self.full
        if full or self.padded_hw != (h, w):
            buf, img = self._canvas(n, c, x.dtype, full)
            img[:, :, pt : pt + h, pl : pl + w] = x
        else:
            buf = x
        oh, ow = self.out_hw
        shape = (n // nb, c, kh, kw, nb, oh, self.padded_hw[1] if full else ow)
        cols = np.empty(shape, x.dtype) if out is None else out.reshape(shape)
        if not full and self.stride[0] == 1 and kh > 1 and kw > 1:
            # two passes: the kw column shifts of every padded row, then the kh row shifts,
            # each window of the second pass a whole contiguous (OH, OW) block
            s0, s1, s2, s3 = buf.strides
            shifted = as_strided(
                buf,
                (n // nb, c, kw, nb, self.padded_hw[0], ow),
                (nb * s0, s1, dw * s3, s0, s2, s3 * self.stride[1]),
            )
            x1 = np.ascontiguousarray(shifted)
            t0, t1, t2, t3, t4, t5 = x1.strides
            np.copyto(cols, as_strided(x1, shape, (t0, t1, dh * t4, t2, t3, t4, t5)))
        else:
            np.copyto(cols, self._windows(buf, n, c, full, nb))
        if full and self.padded_hw[1] != ow and not np.isfinite(x).all():
            # NOTE: discarded columns hold stray pixels; keep a non-finite one from leaking
            # (as 0 * inf = nan) into the weight grad of kernel positions it is not under
            cols[..., ow:] = 0
        return cols.reshape(n // nb, c * kh * kw, self.ncols(nb, full))

    def col2im(self, cols: np.ndarray, n: int, c: int, nb: int) -> np.ndarray:
        """Sum a column stack (N/nb, C*kh*kw, nb*OH*(OW or Wp)) in the ``full_gx`` layout back
        into an (N, C, H, W) image (the adjoint of im2col). ``nb=n`` (one block) is fastest."""
        kh, kw = self.kernel
        (pt, _), (pl, _) = self.pad
        h, w = self.in_hw
        buf, img = self._canvas(n, c, cols.dtype, self.full_gx)
        win = self._windows(buf, n, c, self.full_gx, nb, writeable=True)
        c7 = cols.reshape(win.shape)
        # NOTE: one add per kernel position, each covering every image and pixel; the windows
        # of one position never overlap, so each in-place add is safe
        for i in range(kh):
            for j in range(kw):
                v = win[:, :, i, j]
                np.add(v, c7[:, :, i, j], out=v)
        return np.ascontiguousarray(img[:, :, pt : pt + h, pl : pl + w])

    def grad_rows(self, g: np.ndarray, full: bool, nb: int, front: int = 0) -> np.ndarray:
        """An output-shaped grad (N, O, OH, OW) as the GEMM operand stack (N/nb, O, front +
        nb*OH*(OW or Wp)); in full width the discarded columns are zeros, and so are the
        ``front`` leading ones (full width only)."""
        n, o, oh, ow = g.shape
        if not front and (not full or self.padded_hw[1] == ow):
            if nb == 1:
                return np.ascontiguousarray(g).reshape(n, o, oh * ow)
            g5 = g.reshape(n // nb, nb, o, oh, ow).transpose(0, 2, 1, 3, 4)
            return np.ascontiguousarray(g5).reshape(n // nb, o, nb * oh * ow)
        m = self.ncols(nb, full)
        g2 = np.zeros((n // nb, o, front + m), g.dtype)
        g2[:, :, front:].reshape(n // nb, o, nb, oh, m // (nb * oh))[..., :ow] = g.reshape(
            n // nb, nb, o, oh, ow
        ).transpose(0, 2, 1, 3, 4)
        return g2

    def front(self) -> int:
        """Leading zero columns the full-width input grad needs in its grad rows."""
        return (self.kernel[1] - 1) * self.dilation[1] if self.full_gx else 0

    def output(self, out3: np.ndarray, n: int, nb: int, bias=None) -> np.ndarray:
        """The GEMM results (N/nb, O, nb*OH*(OW or Wp)) plus ``bias`` as the contiguous
        (N, O, OH, OW) output.

        NOTE: outputs and grads are contiguous like torch's, so user code such as
        ``x.view(x.size(0), -1)`` works on them.
        """
        o = out3.shape[1]
        oh, ow = self.out_hw
        lw = self.padded_hw[1] if self.full else ow
        if nb == 1 and lw == ow:  # already (N, O, OH*OW)
            out = out3.reshape(n, o, oh, ow)
            if bias is not None:
                out += bias.reshape(1, o, 1, 1)
            return out
        out5 = out3.reshape(n // nb, o, nb, oh, lw)[..., :ow].transpose(0, 2, 1, 3, 4)
        out = np.empty((n, o, oh, ow), out3.dtype)
        dst = out.reshape(n // nb, nb, o, oh, ow)
        if bias is None:
            np.copyto(dst, out5)
        else:
            np.add(out5, bias.reshape(1, 1, o, 1, 1), out=dst)
        return out


def _conv_forward(x: np.ndarray, w: np.ndarray, b, spec: ConvSpec, cols=None):
    """conv(x, w) + b as ndarrays; returns (out, cols)."""
    n = x.shape[0]
    o, grp, nb = w.shape[0], spec.groups, spec.block(n)
    if cols is None and nb == 1 and x.dtype.kind == "f" and w.dtype == x.dtype:
        return _conv_forward_images(x, w, b, spec)
    if cols is None:
        cols = spec.im2col(x, nb)
    ch, k, m = cols.shape
    if grp == 1:
        out = np.matmul(w.reshape(o, k), cols)
    else:
        out = np.matmul(w.reshape(grp, o // grp, -1), cols.reshape(ch, grp, k // grp, m)).reshape(ch, o, m)
    return spec.output(out, n, nb, b), cols


def _conv_forward_images(x: np.ndarray, w: np.ndarray, b, spec: ConvSpec):
    """``_conv_forward`` with one GEMM per image: im2col, GEMM and bias per range of images,
    the ranges on separate threads (``_split``)."""
    n, c = x.shape[:2]
    o, grp = w.shape[0], spec.groups
    k, m = c * spec.kernel[0] * spec.kernel[1], spec.ncols(1, spec.full)
    oh, ow = spec.out_hw
    lw = m // oh
    cols = np.empty((n, k, m), x.dtype)
    out3 = np.empty((n, o, m), x.dtype)
    out = out3.reshape(n, o, oh, ow) if lw == ow else np.empty((n, o, oh, ow), x.dtype)
    wm = w.reshape(o, k) if grp == 1 else w.reshape(grp, o // grp, k // grp)
    bias = None if b is None else b.reshape(1, o, 1, 1)

    def part(lo, hi):
        cl = spec.im2col(x[lo:hi], 1, out=cols[lo:hi])
        if grp == 1:
            np.matmul(wm, cl, out=out3[lo:hi])
        else:
            np.matmul(
                wm, cl.reshape(hi - lo, grp, k // grp, m), out=out3[lo:hi].reshape(hi - lo, grp, o // grp, m)
            )
        if lw != ow:
            src = out3[lo:hi].reshape(hi - lo, o, oh, lw)[..., :ow]
            if bias is None:
                np.copyto(out[lo:hi], src)
            else:
                np.add(src, bias, out=out[lo:hi])
        elif bias is not None:
            v = out[lo:hi]
            np.add(v, bias, out=v)

    _split(n, cols.size + out3.size, part)
    return out, cols


def _conv_input_grad(g: np.ndarray, w: np.ndarray, spec: ConvSpec, g2=None) -> np.ndarray:
    """d<conv(x, w), g>/dx: W^T @ g, then col2im. ``g2``: ``grad_rows(g, full_gx, block(n),
    front())`` if the caller has it."""
    n, o = g.shape[:2]
    grp, nb = spec.groups, spec.block(n)
    if g2 is None:
        g2 = spec.grad_rows(g, spec.full_gx, nb, spec.front())
    if spec.full_gx:
        return _conv_input_grad_rows(g2, w, spec, n)
    ch, _, m = g2.shape
    k = w[0].size * grp
    # NOTE: the GEMMs write into one (C*kh*kw, N*OH*(OW or Wp)) matrix, each image block its own
    # column range: then col2im's adds read long contiguous runs (measured 1.5x faster)
    cols = np.empty((k, ch * m), g.dtype)
    if grp == 1:
        np.matmul(w.reshape(o, -1).T, g2, out=cols.reshape(k, ch, m).transpose(1, 0, 2))
    else:
        wg = w.reshape(grp, o // grp, -1).transpose(0, 2, 1)
        out = cols.reshape(grp, k // grp, ch, m).transpose(2, 0, 1, 3)
        np.matmul(wg, g2.reshape(ch, grp, o // grp, m), out=out)
    return spec.col2im(cols.reshape(1, k, ch * m), n, w.shape[1] * grp, n)


def _conv_input_grad_rows(g2: np.ndarray, w: np.ndarray, spec: ConvSpec, n: int) -> np.ndarray:
    """The full-width input grad without a 25-way col2im: the ``kw`` column shifts are done on
    the grad side (in full width a shift by ``j`` columns is a shift of the flattened rows, so
    the ``kw`` shifted copies of the grad rows are one strided copy), the GEMM then sums over
    (O, kw) and only the ``kh`` row shifts are left to add back: ``T[(c, i)] = sum_(o, j)
    w[o, c, i, j] g[o](p - j*dw)``, ``gx(row y*sh + i*dh) += T[(c, i)](row y)``.
    The GEMM output is ``kw`` times smaller than W^T @ g's and the adds 5x fewer (LeNet: 2x faster).
    """
    o, cg, kh, kw = w.shape
    grp, c = spec.groups, cg * spec.groups
    ch, _, lm = g2.shape
    front = spec.front()
    m = lm - front
    dw, it = spec.dilation[1], g2.itemsize
    s0, s1 = g2.strides[:2]
    wt = w.reshape(grp, o // grp, cg, kh, kw).transpose(0, 2, 3, 1, 4)[..., ::-1]
    wt = np.ascontiguousarray(wt).reshape(grp, cg * kh, (o // grp) * kw)
    nb = n // ch if ch else 1
    (oh, _), (hp, wp), (h, w_) = spec.out_hw, spec.padded_hw, spec.in_hw
    sh, dh = spec.stride[0], spec.dilation[0]
    (pt, _), (pl, _) = spec.pad
    img = np.zeros((n, c, hp, wp), g2.dtype)
    b0, b1, b2, b3 = img.strides
    crop = (hp, wp) != (h, w_)
    gx = np.empty((n, c, h, w_), g2.dtype) if crop else img

    def part(lo, hi):
        # shifted[b, o, j', p] = g2[b, o, p + j' dw] = g(p - (kw - 1 - j') dw): the kernel flipped in j
        shifted = np.ascontiguousarray(as_strided(g2[lo:hi], (hi - lo, o, kw, m), (s0, s1, dw * it, it)))
        if grp == 1:
            t = np.matmul(wt[0], shifted.reshape(hi - lo, o * kw, m))
        else:
            t = np.matmul(wt, shifted.reshape(hi - lo, grp, (o // grp) * kw, m))
        t6 = t.reshape(hi - lo, c, kh, nb, oh, wp)
        im = img[lo * nb : hi * nb]
        for i in range(kh):
            v = as_strided(
                im[:, :, i * dh :], (hi - lo, c, nb, oh, wp), (nb * b0, b1, b0, sh * b2, b3), writeable=True
            )
            np.add(v, t6[:, :, i], out=v)
        if crop:
            np.copyto(gx[lo * nb : hi * nb], im[:, :, pt : pt + h, pl : pl + w_])

    _split(ch, img.size * kh, part)
    return gx


def _conv_weight_grad(x: np.ndarray, g: np.ndarray, spec: ConvSpec, wshape, cols=None, g2=None) -> np.ndarray:
    """d<conv(x, w), g>/dw: g @ cols^T, summed over the image blocks."""
    n, o = g.shape[:2]
    grp, nb = spec.groups, spec.block(n)
    if cols is None:
        cols = spec.im2col(x, nb)
    if g2 is None:
        g2 = spec.grad_rows(g, spec.full, nb)
    ch, k, m = cols.shape
    sums = {}

    def part(lo, hi):
        # NOTE: cols @ g^T (then transposed) is the faster orientation for long, thin operands
        if grp == 1:
            p = np.matmul(cols[lo:hi], g2[lo:hi].transpose(0, 2, 1))
        else:
            c4, g4 = (
                cols[lo:hi].reshape(hi - lo, grp, k // grp, m),
                g2[lo:hi].reshape(hi - lo, grp, o // grp, m),
            )
            p = np.matmul(c4, g4.transpose(0, 1, 3, 2))
        sums[lo] = p.sum(0) if hi - lo != 1 else p[0]  # (K, O) or (G, K/G, O/G)

    _split(ch, cols.size, part)
    gw = sums[0]
    for lo in sorted(sums)[1:]:
        gw = gw + sums[lo]
    return np.ascontiguousarray(gw.swapaxes(-1, -2)).reshape(wshape)


class Convolution(Op):
    """conv(x, w) + b: dx = conv_transpose(g, w), dw = g (x) cols(x), db = sum of g over N, H, W"""

    @staticmethod
    def forward(ctx, x, w, b, spec):
        need_cols = _state.enabled and w._rg
        out, cols = _conv_forward(x._data, w._data, None if b is None else b._data, spec)
        # NOTE: the columns are kept (as a saved tensor, freed with the graph) so the weight grad
        # does not redo the im2col copy; trades memory for speed like torch's slow_conv2d.
        ctx.save_for_backward(x, w, _const(cols) if need_cols else None)
        ctx.spec = spec
        return out if out.dtype == x._data.dtype else out.astype(x._data.dtype)  # bfloat16: as torch

    @staticmethod
    def backward(ctx, g):
        x, w, cols = ctx.saved_tensors
        spec, need = ctx.spec, ctx.needs_input_grad
        # the two products share the grad's GEMM operand when their layouts agree
        g2 = gw2 = None
        if need[0] and need[1] and spec.full == spec.full_gx:
            front = spec.front()
            g2 = spec.grad_rows(g._data, spec.full, spec.block(g._data.shape[0]), front)
            gw2 = g2[:, :, front:]
        gx = ConvInputGrad.apply(g, w, spec, g2) if need[0] else None
        gw = ConvWeightGrad.apply(x, g, spec, None if cols is None else cols._data, gw2) if need[1] else None
        gb = g.sum((0, 2, 3)) if need[2] else None
        return gx, gw, gb, None


class ConvInputGrad(Op):
    """dx = conv_transpose(g, w) (bilinear): d/dg = conv(u, w), d/dw = weight_grad(u, g)"""

    @staticmethod
    def forward(ctx, g, w, spec, g2=None):
        ctx.save_for_backward(g, w)
        ctx.spec = spec
        return _conv_input_grad(g._data, w._data, spec, g2)

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
        o, c = g._data.shape[1], x._data.shape[1]
        kshape = (o, c // spec.groups) + spec.kernel
        return _conv_weight_grad(x._data, g._data, spec, kshape, cols, g2)

    @staticmethod
    def backward(ctx, v):
        x, g = ctx.saved_tensors
        gx = ConvInputGrad.apply(g, v, ctx.spec) if ctx.needs_input_grad[0] else None
        gg = Convolution.apply(x, v, None, ctx.spec) if ctx.needs_input_grad[1] else None
        return gx, gg, None, None, None


# --------------------------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------------------------
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

    def padded(self, x: np.ndarray, value) -> np.ndarray:
        (pt, pb), (pl, pr) = self.pad
        if not (pt or pb or pl or pr):
            return x
        n, c, h, w = x.shape
        xp = np.full((n, c, h + pt + pb, w + pl + pr), value, x.dtype)
        xp[:, :, pt : pt + h, pl : pl + w] = x
        return xp

    def _windows(self, xp: np.ndarray, writeable: bool = False) -> np.ndarray:
        """The (kh, kw, N, C, OH, OW) strided view of the windows of the padded input."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        s0, s1, s2, s3 = xp.strides
        shape = (kh, kw) + xp.shape[:2] + self.out_hw
        return as_strided(xp, shape, (s2 * dh, s3 * dw, s0, s1, s2 * sh, s3 * sw), writeable=writeable)

    def columns(self, xp: np.ndarray) -> np.ndarray:
        """The windows copied into a contiguous (K, N, C, OH, OW) array."""
        cols = np.ascontiguousarray(self._windows(xp))
        return cols.reshape((self.kernel[0] * self.kernel[1],) + cols.shape[2:])

    def overlapping(self) -> bool:
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        return sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1

    def scatter(self, grads, like: np.ndarray, out=None) -> np.ndarray:
        """The adjoint of ``columns``: sum ``grads(k)`` (an (N, C, OH, OW) array for window
        position k, shaped like ``like``) into a zero (N, C, H, W) image (``out`` if given).

        One strided write per window position; when windows do not overlap it writes in
        place (``grads(k, out=view)``), otherwise it adds.
        """
        (pt, pb), (pl, pr) = self.pad
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        (h, w), (oh, ow) = self.in_hw, self.out_hw
        n, c = like.shape[:2]
        overlap = self.overlapping()
        if out is not None and not (pt or pb or pl or pr):
            gx = out
            # NOTE: windows that tile the image exactly write every pixel: no zeroing pass
            if (
                overlap
                or (kh * dh, kw * dw) != (sh, sw)
                or (oh * sh, ow * sw) != (h, w)
                or dh != 1
                or dw != 1
            ):
                gx[...] = 0
        else:
            gx = np.zeros((n, c, h + pt + pb, w + pl + pr), like.dtype)
        for i in range(kh):
            for j in range(kw):
                view = gx[
                    :, :, i * dh : i * dh + sh * (oh - 1) + 1 : sh, j * dw : j * dw + sw * (ow - 1) + 1 : sw
                ]
                if overlap:
                    view += grads(i * kw + j)
                else:
                    grads(i * kw + j, out=view)
        if gx is out:
            return out
        if out is not None:
            np.copyto(out, gx[:, :, pt : pt + h, pl : pl + w])
            return out
        return np.ascontiguousarray(gx[:, :, pt : pt + h, pl : pl + w])


def _lowest(dtype):
    return -np.inf if dtype.kind in "fV" else np.iinfo(dtype).min


def _first_max(cols: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Window position (0..K-1) of each maximum: the first one, or the last NaN, as torch."""
    k = cols.shape[0]
    nan = out.dtype.kind in "fV" and np.isnan(out).any()
    if 2 <= k <= 16 and not nan:
        # the count of leading positions that are not the max, ne0 * (1 + ne1 * (1 + ...)):
        # K - 1 compares of contiguous rows (measured 1.5x faster than the rank trick below)
        idx = np.not_equal(cols[k - 2], out).view(np.uint8)
        for j in range(k - 3, -1, -1):
            idx += 1
            np.multiply(idx, np.not_equal(cols[j], out), out=idx)
        return idx
    itype = np.uint8 if k < 255 else np.int32
    shape = (k,) + (1,) * out.ndim
    # NOTE: (K - position) where a column equals the max, else 0: its max picks the first position
    rank = (k - np.arange(k, dtype=itype)).reshape(shape)
    idx = (k - ((cols == out) * rank).max(0)).astype(itype, copy=False)
    if nan:
        last = (np.isnan(cols) * (np.arange(k, dtype=itype) + 1).reshape(shape)).max(0)
        idx = np.where(last > 0, last - 1, idx).astype(itype)
    return idx


class MaxPool2d(Op):
    """max over windows: the grad goes to the (first) maximum of each window"""

    _node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, spec, indices_out):
        xd = x._data
        low = _lowest(xd.dtype)
        out = np.empty(xd.shape[:2] + spec.out_hw, xd.dtype)
        k = spec.kernel[0] * spec.kernel[1]
        need = indices_out is not None or (_state.enabled and x._rg)
        idx = np.empty(out.shape, np.uint8 if k < 255 else np.int32) if need else None

        def part(lo, hi):  # the images [lo, hi)
            cols = spec.columns(spec.padded(xd[lo:hi], low))
            np.max(cols, 0, out=out[lo:hi])
            if need:
                idx[lo:hi] = _first_max(cols, out[lo:hi])

        _split(xd.shape[0], xd.size * 2, part)
        if need:
            ctx.idx = idx
            if indices_out is not None:  # a list the caller asked to receive the indices in
                indices_out.append(idx)
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
        gd = g._data
        gx = np.empty(gd.shape[:2] + spec.in_hw, gd.dtype)

        def part(lo, hi):  # the images [lo, hi)
            gl, il = gd[lo:hi], idx[lo:hi]

            def at(k, out=None):  # the grads that go to window position k
                return np.multiply(gl, il == k, out=out)

            spec.scatter(at, gl, out=gx[lo:hi])

        _split(gd.shape[0], gx.size * 2, part)
        return gx

    @staticmethod
    def backward(ctx, u):
        return MaxPoolGather.apply(u, ctx.spec, ctx.idx), None, None


class MaxPoolGather(Op):
    """The value at each window's argmax (linear); its backward scatters back"""

    @staticmethod
    def forward(ctx, u, spec, idx):
        ctx.spec, ctx.idx = spec, idx
        cols = spec.columns(spec.padded(u._data, 0))
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
        out = spec.columns(spec.padded(x._data, 0)).sum(0)
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
        gd = g._data / div

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
        xd = x._data
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
