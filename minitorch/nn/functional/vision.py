"""Resampling and patch ops, as ``torch.nn.functional``: ``pixel_shuffle``/``pixel_unshuffle``,
``interpolate`` (and the ``upsample*`` aliases), ``grid_sample``, ``affine_grid``, and
``unfold``/``fold`` (im2col / col2im).

Each is composed from differentiable tensor ops (``index_select``, ``gather``, advanced
indexing, ``index_add``) with the index and weight tables computed in NumPy by torch's rules
(aten/src/ATen/native/UpSample.h, GridSampler.h, Im2Col), so values and gradients follow from the
ops' own backwards."""

from __future__ import annotations

import math
import warnings
from numbers import Integral

import numpy as np

from ...ops.arithmetic import where
from ...tensor import Tensor
from ._arguments import _tuple


def _const(arr, like: Tensor | None = None) -> Tensor:
    a = np.asarray(arr)
    if like is not None and a.dtype.kind == "f":
        a = a.astype(like._data.dtype)
    return Tensor._make(a, False, None)


# --- pixel shuffle ---


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with {input.dim()} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, "
            f"but input.size(-3)={c} is not divisible by {r * r}"
        )
    oc = c // (r * r)
    nb = len(batch)
    x = input.reshape(*batch, oc, r, r, h, w)
    perm = list(range(nb)) + [nb, nb + 3, nb + 1, nb + 4, nb + 2]
    return x.permute(*perm).reshape(*batch, oc, h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            "pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.dim()} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if h % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not "
            f"divisible by {r}"
        )
    if w % r:
        raise RuntimeError(
            f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not "
            f"divisible by {r}"
        )
    nb = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    perm = list(range(nb)) + [nb, nb + 2, nb + 4, nb + 1, nb + 3]
    return x.permute(*perm).reshape(*batch, c * r * r, h // r, w // r)


# --- interpolate ---


def _scale_value(scale, in_size: int, out_size: int, dt):
    """torch's compute_scales_value: 1 / scale_factor if one was given, else in / out (in ``dt``)."""
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(in_size) / dt(out_size)


def _area_scale(in_size, out_size, align_corners, scale, dt):
    if out_size > 1:
        if align_corners:
            return dt(in_size - 1) / dt(out_size - 1)
        return _scale_value(scale, in_size, out_size, dt)
    return dt(0)


def _source_index(scale, out_size, align_corners, cubic, dt):
    dst = np.arange(out_size).astype(dt)
    if align_corners:
        return scale * dst
    src = scale * (dst + dt(0.5)) - dt(0.5)
    return src if cubic else np.maximum(src, dt(0))


def _nearest_index(in_size, out_size, scale, exact):
    dst = np.arange(out_size)
    if not exact:
        if out_size == in_size:
            return dst
        if out_size == 2 * in_size:
            return dst >> 1
    s = np.float32(_scale_value(scale, in_size, out_size, float))
    off = np.float32(0.5) if exact else np.float32(0)
    return np.minimum(np.floor((dst.astype(np.float32) + off) * s).astype(np.int64), in_size - 1)


def _taps(mode, in_size, out_size, align_corners, scale, dt):
    """[(index array, weight array or None)] whose weighted sum along one axis resamples it."""
    if mode in ("nearest", "nearest-exact"):
        return [(_nearest_index(in_size, out_size, scale, mode == "nearest-exact"), None)]
    s = _area_scale(in_size, out_size, align_corners, scale, dt)
    if mode == "bicubic":
        real = _source_index(s, out_size, align_corners, True, dt)
        i0 = np.floor(real).astype(np.int64)
        t = (real - i0).astype(dt)
        a = dt(-0.75)

        def c1(x):
            return ((a + 2) * x - (a + 3)) * x * x + 1

        def c2(x):
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

        ws = [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]
        return [(np.clip(i0 - 1 + k, 0, in_size - 1), ws[k].astype(dt)) for k in range(4)]
    real = _source_index(s, out_size, align_corners, False, dt)
    i0 = np.minimum(np.floor(real).astype(np.int64), in_size - 1)
    lam = np.clip(real - i0, 0, 1).astype(dt)
    i1 = i0 + (i0 < in_size - 1)
    return [(i0, (1 - lam).astype(dt)), (i1, lam)]


def _resample(x: Tensor, axis: int, taps) -> Tensor:
    nd = x.dim()
    out = None
    for idx, w in taps:
        term = x.index_select(axis, _const(idx.astype(np.int64)))
        if w is not None:
            shape = [1] * nd
            shape[axis] = len(w)
            term = term * _const(w.reshape(shape), x)
        out = term if out is None else out + term
    return out


_INTERP_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dims of an (N, C, *spatial) input to ``size`` or by ``scale_factor``
    (modes nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area), with torch's
    index rules."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
                )
            if not all(isinstance(s, Integral) for s in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but "
                    f"got size with types {[type(s) for s in size]}"
                )
            output_size = [int(s) for s in size]
        else:
            output_size = [int(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                    "(s1, s2, ...,sK) format."
                )
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [int(math.floor(input.shape[i + 2] * scale_factors[i])) for i in range(dim)]
        scale_factors = None
    if antialias:
        raise NotImplementedError("minitorch: interpolate(antialias=True) is not implemented")
    if mode == "area":
        if dim not in (1, 2, 3):
            raise NotImplementedError(_mode_error(input, mode))
        from . import pooling

        if dim == 3:
            raise NotImplementedError("minitorch: interpolate(mode='area') of 5-D input is not implemented")
        fn = pooling.adaptive_avg_pool1d if dim == 1 else pooling.adaptive_avg_pool2d
        return fn(input, output_size if dim > 1 else output_size[0])
    if mode in _INTERP_DIMS:
        want = _INTERP_DIMS[mode]
        if mode == "bicubic" and dim != 2 and input.dim() in (3, 5):
            raise NotImplementedError(_mode_error(input, mode))
        if dim != want and input.dim() in (3, 4, 5):
            names = {1: "linear", 2: "bilinear", 3: "trilinear"}
            raise NotImplementedError(
                f"Got {input.dim()}D input, but {mode} mode needs {want + 2}D input"
                if mode != "bicubic" and names.get(dim)
                else _mode_error(input, mode)
            )
    elif mode not in ("nearest", "nearest-exact"):
        raise NotImplementedError(_mode_error(input, mode))
    if input.dim() not in (3, 4, 5):
        raise NotImplementedError(_mode_error(input, mode))
    in_sizes = list(input.shape[2:])
    if output_size is None:
        output_size = [int(in_sizes[i] * scale_factors[i]) for i in range(dim)]
    if any(s <= 0 for s in in_sizes) or any(s <= 0 for s in output_size):
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input ({_dims(in_sizes)}) output "
            f"({_dims(output_size)})"
        )
    dt = np.float64 if input._data.dtype == np.float64 else np.float32
    out = input
    for i in range(dim):
        scale = scale_factors[i] if scale_factors is not None else None
        taps = _taps(mode, in_sizes[i], output_size[i], align_corners, scale, dt)
        out = _resample(out, i + 2, taps)
    return out


def _dims(sizes) -> str:
    names = {1: ["W"], 2: ["H", "W"], 3: ["D", "H", "W"]}[len(sizes)]
    return ", ".join(f"{n}: {s}" for n, s in zip(names, sizes))


def _mode_error(input: Tensor, mode: str) -> str:
    return (
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the modes: nearest | "
        f"linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})"
    )


def upsample(
    input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners=None
) -> Tensor:
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- affine_grid and grid_sample ---

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify "
    "align_corners=True if the old behavior is desired. See the documentation of grid_sample for details."
)


def _linspace_from_neg_one(n: int, align_corners: bool, dt) -> np.ndarray:
    if n <= 1:
        return np.zeros(1, dt)
    r = np.linspace(-1, 1, n, dtype=dt)
    if not align_corners:
        r = r * (n - 1) / n
    return r.astype(dt)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The (N, H, W, 2) (or (N, D, H, W, 3)) sampling grid of the affine maps ``theta``, for ``grid_sample``."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got {theta.shape}."
            )
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got {theta.shape}."
            )
        spatial = size[-3:]
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. "
            f"Got size {size}."
        )
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. "
            "This is not an intended use case of affine_grid. See the documentation of affine_grid for details.",
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    dt = theta._data.dtype
    n = int(size[0])
    axes = [_linspace_from_neg_one(s, align_corners, dt) for s in spatial]  # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")
    coords = [m.reshape(-1) for m in reversed(mesh)]  # x (W) first, then y, then z
    base = np.stack([*coords, np.ones_like(coords[0])], axis=1).astype(dt)  # (P, k + 1)
    grid = _const(base).unsqueeze(0).expand(n, *base.shape).bmm(theta.transpose(1, 2))
    return grid.reshape(n, *spatial, len(spatial))


def _unnormalize(coord: Tensor, size: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) * ((size - 1) / 2)
    return ((coord + 1) * size - 1) / 2


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    if twice_low == twice_high:
        return x * 0
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    d = (x - lo).abs()
    flips = np.floor(d._data / span)
    extra = d - _const(flips * span, d)
    return where(_const(flips % 2 == 0), extra + lo, span - extra + lo)


def _source_coord(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    x = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        x = x.clamp(0, size - 1)
    elif padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        x = x.clamp(0, size - 1)
    return x


def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Sample the (N, C, H, W) input at the (N, Ho, Wo, 2) grid of (x, y) points in [-1, 1]
    (bilinear or nearest; zeros, border or reflection padding); differentiable in input and grid."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', "
            f"but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if mode == "bicubic":
        raise NotImplementedError("minitorch: grid_sample(mode='bicubic') is not implemented")
    if input.dim() != 4 or grid.dim() != 4:
        if input.dim() == 5:
            raise NotImplementedError("minitorch: grid_sample of 5-D input is not implemented")
        raise RuntimeError(
            f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got input with "
            f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    n, c, h, w = input.shape
    if grid.shape[0] != n:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input with sizes "
            f"{list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if grid.shape[-1] != 2:
        raise RuntimeError(
            "grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes "
            f"{list(grid.shape)}"
        )
    ho, wo = grid.shape[1], grid.shape[2]
    ix = _source_coord(grid[..., 0], w, padding_mode, align_corners)  # (N, Ho, Wo)
    iy = _source_coord(grid[..., 1], h, padding_mode, align_corners)
    flat = input.reshape(n, c, h * w)

    def tap(yi: np.ndarray, xi: np.ndarray) -> Tensor:
        valid = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        idx = np.where(valid, np.clip(yi, 0, h - 1) * w + np.clip(xi, 0, w - 1), 0).reshape(n, 1, ho * wo)
        vals = flat.gather(2, _const(np.broadcast_to(idx, (n, c, ho * wo)).astype(np.int64)))
        return vals.reshape(n, c, ho, wo), valid

    if mode == "nearest":
        xi = np.rint(ix._data).astype(np.int64)
        yi = np.rint(iy._data).astype(np.int64)
        vals, valid = tap(yi, xi)
        zero = (grid * 0).sum(-1).unsqueeze(1)  # the grid's grad is zero, as torch's (not None)
        return vals * _const(valid[:, None], input) + zero
    x0 = np.floor(ix._data).astype(np.int64)
    y0 = np.floor(iy._data).astype(np.int64)
    fx = ix - _const(x0, ix)  # weight of the right column, differentiable in the grid
    fy = iy - _const(y0, iy)
    out = None
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            vals, valid = tap(y0 + dy, x0 + dx)
            wgt = (wy * wx) * _const(valid, ix)
            term = vals * wgt.unsqueeze(1)
            out = term if out is None else out + term
    return out


# --- unfold / fold (im2col / col2im) ---


def _im2col_index(size, kernel, dilation, padding, stride):
    """Per spatial dim: the (k, L) padded-input positions of each kernel offset at each block."""
    out = []
    for s, k, d, p, st in zip(size, kernel, dilation, padding, stride):
        n_blocks = (s + 2 * p - (d * (k - 1) + 1)) // st + 1
        out.append((np.arange(k)[:, None] * d + np.arange(max(n_blocks, 0))[None, :] * st, n_blocks))
    return out


def _check_im2col_args(kernel_size, dilation, padding, stride, name):
    args = {}
    for key, v in (
        ("kernel_size", kernel_size),
        ("dilation", dilation),
        ("padding", padding),
        ("stride", stride),
    ):
        args[key] = _tuple(v, 2, key, name)
    for key, what, short in (
        ("kernel_size", "kernel size", "kernel"),
        ("dilation", "dilation", "dilation"),
        ("stride", "stride", "stride"),
    ):
        a = args[key]
        if any(v <= 0 for v in a):
            raise RuntimeError(
                f"{what} should be greater than zero, but got {short}_height: {a[0]} {short}_width: {a[1]}"
            )
    if any(v < 0 for v in args["padding"]):
        raise RuntimeError(
            f"padding should be non-negative, but got pad_height: {args['padding'][0]} pad_width: {args['padding'][1]}"
        )
    return args["kernel_size"], args["dilation"], args["padding"], args["stride"]


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding blocks of an (N, C, H, W) (or (C, H, W)) input as columns: (N, C * kh * kw, L)."""
    k, d, p, s = _check_im2col_args(kernel_size, dilation, padding, stride, "im2col")
    if input.dim() not in (3, 4) or 0 in input.shape[-3:] or (input.dim() == 4 and input.shape[0] == 0):
        raise RuntimeError(
            f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for "
            f"input, but got: {list(input.shape)}"
        )
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    n, c, h, w = x.shape
    (ih, lh), (iw, lw) = _im2col_index((h, w), k, d, p, s)
    if lh < 1 or lw < 1:
        raise RuntimeError(
            f"Given input with spatial size ({h}, {w}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), "
            f"padding=({p[0]}, {p[1]}), calculated shape of the array of sliding blocks as ({lh}, {lw}), but its "
            "components must be at least one."
        )
    if p[0] or p[1]:
        from .padding import pad

        x = pad(x, (p[1], p[1], p[0], p[0]))
    rows = _const(ih[:, None, :, None])  # (kh, 1, Lh, 1)
    cols = _const(iw[None, :, None, :])  # (1, kw, 1, Lw)
    patches = x[:, :, rows, cols]  # (N, C, kh, kw, Lh, Lw)
    out = patches.reshape(n, c * k[0] * k[1], lh * lw)
    return out if batched else out.squeeze(0)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The adjoint of ``unfold``: sum the (N, C * kh * kw, L) columns back into an (N, C, H, W) image."""
    o = _tuple(output_size, 2, "output_size", "col2im")
    k, d, p, s = _check_im2col_args(kernel_size, dilation, padding, stride, "col2im")
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(
            f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions "
            f"for input, but got: {list(input.shape)}"
        )
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    n, ck, length = x.shape
    kk = k[0] * k[1]
    if ck % kk:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
            f"input.size(1)={ck} and kernel_size=({k[0]}, {k[1]})."
        )
    (ih, lh), (iw, lw) = _im2col_index(o, k, d, p, s)
    if lh * lw != length:
        raise RuntimeError(
            f"Given output_size=({o[0]}, {o[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), "
            f"padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), expected size of input's dimension 2 to match "
            f"the calculated number of sliding blocks {lh} * {lw} = {lh * lw}, but got input.size(2)={length}."
        )
    c = ck // kk
    hp, wp = o[0] + 2 * p[0], o[1] + 2 * p[1]
    flat_idx = (ih[:, None, :, None] * wp + iw[None, :, None, :]).reshape(-1)  # (kh * kw * L)
    cols = x.reshape(n, c, kk * length)
    out = x.new_zeros((n, c, hp * wp)).index_add(2, _const(flat_idx.astype(np.int64)), cols)
    out = out.reshape(n, c, hp, wp)[:, :, p[0] : p[0] + o[0], p[1] : p[1] + o[1]]
    return out if batched else out.squeeze(0)


def _tensor_unfold(x: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: every window of ``size`` elements, ``step`` apart, along ``dimension``,
    as a new last dimension (the windows replace the dimension)."""
    from ..._arguments import norm_dims

    if x.dim() == 0:
        if size > 1:
            raise RuntimeError(f"maximum size for tensor at dimension 0 is 1 but size is {size}")
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        return x.reshape(1)
    (d,) = norm_dims(dimension, x.dim())
    n = x.shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (n - size) // step + 1
    idx = (np.arange(count)[:, None] * step + np.arange(size)[None, :]).reshape(-1)
    out = x.index_select(d, _const(idx.astype(np.int64)))
    out = out.reshape(*x.shape[:d], count, size, *x.shape[d + 1 :])
    return out.movedim(d + 1, -1)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, g * k, *) -> (N, k * g, *): interleave the channels of the ``groups`` groups (ShuffleNet)."""
    if input.dim() <= 2:
        raise RuntimeError(
            f"channel_shuffle expects input to have at least 3 dimensions, but got input with {input.dim()} "
            "dimension(s)"
        )
    if groups <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{groups}"
        )
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups."
        )
    n, rest = input.shape[0], tuple(input.shape[2:])
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle
