"""``torchvision.transforms.functional`` on minitorch: the image operations behind the transforms.

Every function takes an image in one of three forms and returns the same form:

- a minitorch tensor (..., C, H, W) (computed as torchvision's tensor kernels compute, in NumPy;
  a tensor that requires grad is refused, except by the flips, in-bounds crops and ``normalize``,
  which use tensor ops and propagate gradients),
- a NumPy array (H, W) or (H, W, C), as ``minitorch.datasets`` hands images to a transform
  (treated as a channels-last image, computed with the tensor kernels),
- a PIL image (when Pillow is installed; computed with Pillow, as torchvision does).

Differences from torchvision: ``resize``/``resized_crop`` on tensors and arrays support
``nearest``, ``nearest-exact``, ``bilinear`` and ``bicubic`` (antialiased or not), not the PIL-only
``box``/``hamming``/``lanczos``; ``rotate``/``affine``/``perspective`` support ``nearest`` and
``bilinear`` (as torchvision's tensor kernels do).
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence
from enum import Enum

import numpy as np

from ... import _dtype
from ...tensor import Tensor
from .._pil import is_pil_image, pil_image, require_pil

__all__ = [
    "InterpolationMode",
    "get_dimensions",
    "get_image_size",
    "get_image_num_channels",
    "to_tensor",
    "pil_to_tensor",
    "to_pil_image",
    "convert_image_dtype",
    "normalize",
    "resize",
    "pad",
    "crop",
    "center_crop",
    "resized_crop",
    "hflip",
    "vflip",
    "rotate",
    "affine",
    "perspective",
    "rgb_to_grayscale",
    "to_grayscale",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_saturation",
    "adjust_hue",
    "gaussian_blur",
    "erase",
]


class InterpolationMode(Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_CODES = {
    InterpolationMode.NEAREST: 0,
    InterpolationMode.NEAREST_EXACT: 0,
    InterpolationMode.LANCZOS: 1,
    InterpolationMode.BILINEAR: 2,
    InterpolationMode.BICUBIC: 3,
    InterpolationMode.BOX: 4,
    InterpolationMode.HAMMING: 5,
}
_FROM_PIL_CODE = {0: InterpolationMode.NEAREST, 1: InterpolationMode.LANCZOS, 2: InterpolationMode.BILINEAR,
                  3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING}  # fmt: skip


def _interpolation_modes_from_int(i: int) -> InterpolationMode:
    return _FROM_PIL_CODE[i]


def _mode(interpolation) -> InterpolationMode:
    if isinstance(interpolation, int):
        return _FROM_PIL_CODE[interpolation]
    if isinstance(interpolation, str):
        return InterpolationMode(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError(
            "Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant"
        )
    return interpolation


# ---------------------------------------------------------------- image kinds
def _check_img(img) -> None:
    if not (isinstance(img, (Tensor, np.ndarray)) or is_pil_image(img)):
        raise TypeError(f"img should be PIL Image, ndarray or Tensor. Got {type(img)}")


def _unpack(img):
    """``(array (..., C, H, W), pack)``: ``pack(result)`` returns a result of ``img``'s kind."""
    if isinstance(img, Tensor):
        if img.dim() < 2:
            raise TypeError(f"Tensor is not a torch image: it has {img.dim()} dims")
        if img.requires_grad and _grad_enabled():
            raise NotImplementedError(
                "minitorch.vision: this transform is computed in NumPy and would not propagate gradients "
                "to a tensor that requires grad (hflip, vflip, crop, normalize do; use "
                "torch.nn.functional.interpolate / grid_sample inside models)"
            )
        data = img._data
        if data.ndim == 2:
            return data[None], lambda a: Tensor._make(
                np.ascontiguousarray(a[0] if a.shape[0] == 1 else a), False, None
            )
        return data, lambda a: Tensor._make(np.ascontiguousarray(a), False, None)
    if is_pil_image(img):
        arr = np.asarray(img)
        mode = img.mode
        Image = pil_image()

        def pack_pil(a):
            hwc = a[0] if a.shape[0] == 1 else a.transpose(1, 2, 0)
            out = Image.fromarray(np.ascontiguousarray(hwc))
            return out.convert(mode) if out.mode != mode and mode in ("1", "P") else out

        return (arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)), pack_pil
    if isinstance(img, np.ndarray):
        if img.ndim not in (2, 3):
            raise ValueError(f"an ndarray image should be (H, W) or (H, W, C). Got shape {img.shape}")
        two = img.ndim == 2

        def pack_np(a):
            return np.ascontiguousarray(a[0] if (two and a.shape[0] == 1) else a.transpose(1, 2, 0))

        return (img[None] if two else img.transpose(2, 0, 1)), pack_np
    _check_img(img)
    raise AssertionError


def _grad_enabled() -> bool:
    from ... import is_grad_enabled

    return is_grad_enabled()


def _tracks_grad(img) -> bool:
    return isinstance(img, Tensor) and img.requires_grad and _grad_enabled()


def get_dimensions(img) -> list[int]:
    """``[channels, height, width]``."""
    if is_pil_image(img):
        bands = img.getbands()
        return [len(bands), img.height, img.width]
    if isinstance(img, Tensor):
        shape = tuple(img.shape)
        if len(shape) < 2:
            raise TypeError(f"Tensor is not a torch image: it has {len(shape)} dims")
        return [1 if len(shape) == 2 else int(shape[-3]), int(shape[-2]), int(shape[-1])]
    arr, _ = _unpack(img)
    return [int(arr.shape[-3]), int(arr.shape[-2]), int(arr.shape[-1])]


def get_image_size(img) -> list[int]:
    """``[width, height]``."""
    c, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img) -> int:
    return get_dimensions(img)[0]


def _max_value(dtype: np.dtype) -> float:
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return 1
    if np.issubdtype(dtype, np.integer):
        return int(np.iinfo(dtype).max)
    return 1.0


def _work_dtype(arr: np.ndarray) -> np.dtype:
    """The float dtype torchvision computes in: the image's own float dtype, else float32."""
    return arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.dtype(np.float32)


def _cast_out(res: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """torchvision's ``_cast_squeeze_out``: integer outputs are rounded, then cast."""
    if res.dtype == dtype:
        return res
    if np.issubdtype(dtype, np.integer):
        res = np.round(res)
    return res.astype(dtype)


# ---------------------------------------------------------------- conversion
def to_tensor(pic) -> Tensor:
    """A PIL image or ndarray (H, W[, C]) -> a tensor (C, H, W); uint8 is scaled to [0, 1]."""
    from ...datasets.transforms import ToTensor

    return ToTensor()(pic)


def pil_to_tensor(pic) -> Tensor:
    """A PIL image (or ndarray (H, W[, C])) -> a tensor (C, H, W) of the same dtype, not scaled."""
    if isinstance(pic, Tensor) or not (isinstance(pic, np.ndarray) or is_pil_image(pic)):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return Tensor._make(np.ascontiguousarray(arr.transpose(2, 0, 1)), False, None)


def to_pil_image(pic, mode: str | None = None):
    """A tensor (C, H, W) or ndarray (H, W[, C]) -> a PIL image (floats are scaled by 255)."""
    Image = require_pil("ToPILImage / to_pil_image")
    if isinstance(pic, Tensor):
        if pic.dim() not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.dim()} dimensions.")
        arr = pic._data
        if arr.ndim == 2:
            arr = arr[None]
        if arr.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-3]} channels.")
        if np.issubdtype(arr.dtype, np.floating) and mode != "F":
            arr = _float_to_byte(arr * arr.dtype.type(255))
        npimg = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
        if npimg.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")
        if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
            npimg = (npimg * 255).astype(np.uint8)
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if npimg.shape[2] == 1:
        npimg = npimg[:, :, 0]
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.int32): "I",
                    np.dtype(np.float32): "F"}.get(npimg.dtype)  # fmt: skip
        if mode is not None and mode != expected and not (mode == "L" and expected is None):
            raise ValueError(
                f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be {expected}"
            )
        mode = mode or expected
        if mode is None:
            raise TypeError(f"Input type {npimg.dtype} is not supported")
        if mode == "I;16":
            npimg = npimg.astype("<u2")
    else:
        if npimg.dtype != np.uint8:
            raise TypeError(f"Input type {npimg.dtype} is not supported")
        mode = mode or {2: "LA", 3: "RGB", 4: "RGBA"}[npimg.shape[2]]
    out = Image.fromarray(np.ascontiguousarray(npimg))
    return out if out.mode == mode else out.convert(mode)


def _float_to_byte(a: np.ndarray) -> np.ndarray:
    """torch's float -> uint8 cast: truncate toward zero, wrap modulo 256 (as CPU torch does)."""
    with np.errstate(invalid="ignore"):
        return np.trunc(a).astype(np.int64).astype(np.uint8)


def convert_image_dtype(image: Tensor, dtype=None) -> Tensor:
    """Convert a tensor image to ``dtype``, rescaling values (uint8 255 <-> float 1.0)."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    target = _dtype.default_float if dtype is None else dtype
    src, dst = image._data.dtype, target.np
    if src == dst:
        return image
    arr = image._data
    if np.issubdtype(src, np.floating):
        if np.issubdtype(dst, np.floating):
            return Tensor._make(arr.astype(dst), False, None)
        if (src == np.float32 and dst in (np.int32, np.int64)) or (src == np.float64 and dst == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {target} cannot be performed safely.")
        max_val = float(_max_value(dst))
        return Tensor._make(_float_to_byte(arr * src.type(max_val + 1.0 - 1e-3)).astype(dst) if dst == np.uint8
                            else (arr * src.type(max_val + 1.0 - 1e-3)).astype(dst), False, None)  # fmt: skip
    input_max = float(_max_value(src))
    if np.issubdtype(dst, np.floating):
        return Tensor._make(arr.astype(dst) / dst.type(input_max), False, None)
    output_max = float(_max_value(dst))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return Tensor._make((arr // factor).astype(dst), False, None)
    factor = int((output_max + 1) // (input_max + 1))
    return Tensor._make(arr.astype(dst) * dst.type(factor), False, None)


def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> Tensor:
    """``(tensor - mean[c]) / std[c]`` per channel."""
    from ...datasets.transforms import Normalize

    return Normalize(mean, std, inplace)(tensor)


# ---------------------------------------------------------------- geometry
def _setup_size(size, error_msg: str = "Please provide only two dimensions (h, w) for size."):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def _compute_resized_output_size(image_size, size, max_size=None) -> list[int]:
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        if max_size is None:
            raise ValueError("max_size must be an integer when size is None")
        new_short, new_long = int(max_size * short / long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    elif len(size) == 1:
        requested_new_short = size if isinstance(size, int) else size[0]
        new_short, new_long = requested_new_short, int(requested_new_short * long / short)
        if max_size is not None:
            if max_size <= requested_new_short:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested "
                    f"size for the smaller edge size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _keys_cubic(x: np.ndarray, a: float) -> np.ndarray:
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _keys_cubic_aa(x: np.ndarray) -> np.ndarray:
    return _keys_cubic(x, -0.5)


@functools.lru_cache(maxsize=64)
def _aa_weights(in_size: int, out_size: int, filt, interp_size: int) -> np.ndarray:
    """(out, in) weights of torch's antialiased kernels (``_upsample_*_aa``, Pillow's algorithm)."""
    scale = in_size / out_size
    support = interp_size * 0.5 * scale if scale >= 1.0 else interp_size * 0.5
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    w = np.zeros((out_size, in_size), dtype=np.float64)
    for i in range(out_size):
        center = scale * (i + 0.5)
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        ws = filt((np.arange(xmin, xmax) - center + 0.5) * invscale)
        total = ws.sum()
        w[i, xmin:xmax] = ws / total if total != 0 else ws
    w.flags.writeable = False  # cached: shared between calls
    return w


@functools.lru_cache(maxsize=64)
def _linear_weights(in_size: int, out_size: int, antialias: bool) -> np.ndarray:
    """(out, in) weights of torch's bilinear interpolation along one axis (align_corners=False)."""
    if antialias:
        return _aa_weights(in_size, out_size, _triangle, 2)
    scale = in_size / out_size
    w = np.zeros((out_size, in_size), dtype=np.float64)
    src = np.maximum(scale * (np.arange(out_size) + 0.5) - 0.5, 0.0)
    i0 = src.astype(np.int64)
    i1 = np.minimum(i0 + 1, in_size - 1)
    lam = src - i0
    rows = np.arange(out_size)
    np.add.at(w, (rows, i0), 1.0 - lam)
    np.add.at(w, (rows, i1), lam)
    w.flags.writeable = False
    return w


@functools.lru_cache(maxsize=64)
def _cubic_weights(in_size: int, out_size: int, antialias: bool) -> np.ndarray:
    """(out, in) weights of torch's bicubic interpolation (Keys a=-0.75; antialiased: a=-0.5)."""
    if antialias:
        return _aa_weights(in_size, out_size, _keys_cubic_aa, 4)
    scale = in_size / out_size
    w = np.zeros((out_size, in_size), dtype=np.float64)
    src = scale * (np.arange(out_size) + 0.5) - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    rows = np.arange(out_size)
    for k, coeff in enumerate([_keys_cubic(t + 1, -0.75), _keys_cubic(t, -0.75),
                               _keys_cubic(1 - t, -0.75), _keys_cubic(2 - t, -0.75)]):  # fmt: skip
        np.add.at(w, (rows, np.clip(i0 - 1 + k, 0, in_size - 1)), coeff)
    w.flags.writeable = False
    return w


@functools.lru_cache(maxsize=64)
def _taps(mode, in_size: int, out_size: int, antialias: bool):
    """The (out, K) input indices and weights of each output pixel (the nonzero entries of a row)."""
    dense = (_linear_weights if mode == InterpolationMode.BILINEAR else _cubic_weights)(
        in_size, out_size, antialias
    )
    nz = dense != 0
    k = max(int(nz.sum(axis=1).max()), 1)
    idx = np.zeros((out_size, k), dtype=np.int64)
    wts = np.zeros((out_size, k), dtype=np.float64)
    for i in range(out_size):
        cols = np.nonzero(nz[i])[0]
        idx[i, : len(cols)] = cols
        wts[i, : len(cols)] = dense[i, cols]
    idx.flags.writeable = wts.flags.writeable = False
    return idx, wts


def _apply_taps(arr: np.ndarray, idx: np.ndarray, wts: np.ndarray, dt, axis: int) -> np.ndarray:
    """``out[..., i] = sum_k wts[i, k] * arr[..., idx[i, k]]`` along ``axis`` (-1 or -2), in order of k."""
    w = wts.astype(dt)
    if axis == -2:
        w = w[:, None, :]
    out = None
    for k in range(idx.shape[1]):
        term = np.take(arr, idx[:, k], axis=axis) * (w[..., k] if axis == -1 else w[:, :, k])
        out = term if out is None else out + term
    return out


def _nearest_index(in_size: int, out_size: int, exact: bool) -> np.ndarray:
    scale = np.float32(in_size) / np.float32(out_size)
    i = np.arange(out_size, dtype=np.float32)
    if exact:
        idx = np.floor((i + np.float32(0.5)) * scale).astype(np.int64)
    elif out_size == in_size:
        return np.arange(out_size)
    elif out_size == 2 * in_size:
        return np.arange(out_size) >> 1
    else:
        idx = np.floor(i * scale).astype(np.int64)
    return np.minimum(idx, in_size - 1)


def _resize_array(arr: np.ndarray, size: list[int], mode: InterpolationMode, antialias: bool) -> np.ndarray:
    """torchvision's tensor resize on an array (..., C, H, W)."""
    (h, w), (oh, ow) = arr.shape[-2:], size
    if mode in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        exact = mode == InterpolationMode.NEAREST_EXACT
        rows, cols = _nearest_index(h, oh, exact), _nearest_index(w, ow, exact)
        return arr[..., rows[:, None], cols[None, :]]
    if mode not in (InterpolationMode.BILINEAR, InterpolationMode.BICUBIC):
        raise NotImplementedError(
            f"minitorch.vision: resize with interpolation={mode.value} is only supported on PIL images; "
            "tensors and arrays support nearest, nearest-exact, bilinear and bicubic"
        )
    dt = _work_dtype(arr)
    out = arr.astype(dt, copy=False)
    if ow != w:  # torch resamples the width first, then the height
        out = _apply_taps(out, *_taps(mode, w, ow, bool(antialias)), dt, axis=-1)
    if oh != h:
        out = _apply_taps(out, *_taps(mode, h, oh, bool(antialias)), dt, axis=-2)
    if mode == InterpolationMode.BICUBIC and arr.dtype == np.uint8:
        out = np.clip(out, 0, 255)
    return _cast_out(out, arr.dtype)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias: bool | None = True):
    """Resize to ``size`` ((h, w), or an int: the smaller edge, keeping the aspect ratio)."""
    mode = _mode(interpolation)
    if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
        raise ValueError(
            f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list"
        )
    if max_size is not None and isinstance(size, (list, tuple)) and len(size) != 1:
        raise ValueError(
            "max_size should only be passed if size is None or specifies the length of the smaller edge"
        )
    _, h, w = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((h, w), size, max_size)
    if [h, w] == list(output_size):
        return img
    if is_pil_image(img):
        return img.resize((output_size[1], output_size[0]), _PIL_CODES[mode])
    arr, pack = _unpack(img)
    aa = bool(antialias) and mode in (InterpolationMode.BILINEAR, InterpolationMode.BICUBIC)
    return pack(_resize_array(arr, output_size, mode, aa))


def _parse_pad(padding) -> list[int]:
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return [int(padding[0])] * 4
    if len(padding) == 2:
        return [int(padding[0]), int(padding[1]), int(padding[0]), int(padding[1])]
    if len(padding) == 4:
        return [int(p) for p in padding]
    raise ValueError(
        f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple"
    )


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Pad the borders: ``padding`` is an int, (left/right, top/bottom) or (left, top, right, bottom).

    ``padding_mode``: constant (with ``fill``), edge, reflect or symmetric.
    """
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_pad(padding)
    if is_pil_image(img) and padding_mode == "constant" and min(left, top, right, bottom) >= 0:
        from PIL import ImageOps

        return ImageOps.expand(img, border=(left, top, right, bottom), fill=fill)
    arr, pack = _unpack(img)
    # negative padding crops
    arr = arr[
        ..., max(-top, 0) : arr.shape[-2] - max(-bottom, 0), max(-left, 0) : arr.shape[-1] - max(-right, 0)
    ]
    widths = [(0, 0)] * (arr.ndim - 2) + [(max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0))]
    if padding_mode == "constant":
        fills = np.asarray(fill if fill is not None else 0)
        if fills.ndim == 0 or fills.size == 1:
            out = np.pad(arr, widths, mode="constant", constant_values=fills.reshape(()).astype(arr.dtype))
        else:
            out = np.pad(arr, widths, mode="constant")
            mask = np.ones(arr.shape[-2:], dtype=bool)
            mask = ~np.pad(mask, widths[-2:], mode="constant")
            out[..., mask] = fills.astype(arr.dtype).reshape(-1, 1)
        return pack(out)
    return pack(np.pad(arr, widths, mode=padding_mode))


def crop(img, top: int, left: int, height: int, width: int):
    """``img[..., top:top+height, left:left+width]``; parts outside the image are zeros."""
    if is_pil_image(img):
        return img.crop((left, top, left + width, top + height))
    if (
        _tracks_grad(img)
        and left >= 0
        and top >= 0
        and left + width <= img.shape[-1]
        and top + height <= img.shape[-2]
    ):
        return img[..., top : top + height, left : left + width]
    arr, pack = _unpack(img)
    h, w = arr.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        inner = arr[..., max(top, 0) : min(bottom, h), max(left, 0) : min(right, w)]
        widths = [(0, 0)] * (arr.ndim - 2) + [
            (max(-top, 0), max(bottom - max(h, top), 0)),
            (max(-left, 0), max(right - max(w, left), 0)),
        ]
        return pack(np.pad(inner, widths, mode="constant"))
    return pack(arr[..., top:bottom, left:right].copy())


def center_crop(img, output_size):
    """Crop the center ``output_size`` ((h, w) or an int); pads with zeros when the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(
    img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True
):
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    """Flip left-right."""
    if is_pil_image(img):
        return img.transpose(0)  # Image.FLIP_LEFT_RIGHT
    if _tracks_grad(img):
        return img.flip(-1)
    arr, pack = _unpack(img)
    return pack(arr[..., ::-1].copy())


def vflip(img):
    """Flip top-bottom."""
    if is_pil_image(img):
        return img.transpose(1)  # Image.FLIP_TOP_BOTTOM
    if _tracks_grad(img):
        return img.flip(-2)
    arr, pack = _unpack(img)
    return pack(arr[..., ::-1, :].copy())


def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True) -> list[float]:
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        matrix = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
        matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
        matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
        matrix[2] += cx
        matrix[5] += cy
    else:
        matrix = [a * scale, b * scale, 0.0, c * scale, d * scale, 0.0]
        matrix[2] += matrix[0] * (-cx) + matrix[1] * (-cy)
        matrix[5] += matrix[3] * (-cx) + matrix[4] * (-cy)
        matrix[2] += cx + tx
        matrix[5] += cy + ty
    return matrix


def _compute_affine_output_size(matrix, w, h) -> tuple[int, int]:
    pts = np.array(
        [
            [-0.5 * w, -0.5 * h, 1.0],
            [-0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, -0.5 * h, 1.0],
        ]
    )
    theta = np.array(matrix, dtype=np.float64).reshape(2, 3)
    new_pts = pts @ theta.T
    min_vals, max_vals = new_pts.min(axis=0), new_pts.max(axis=0)
    tol = 1e-4
    cmax = np.ceil(np.trunc(max_vals * 1e4) / 1e4 - tol)
    cmin = np.floor(np.trunc(min_vals * 1e4) / 1e4 + tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _grid_sample(img: np.ndarray, gx: np.ndarray, gy: np.ndarray, mode: str) -> np.ndarray:
    """grid_sample(padding_mode='zeros', align_corners=False) of (..., C, H, W) at grid (oh, ow)."""
    h, w = img.shape[-2:]
    ix = ((gx + 1) * w - 1) / 2
    iy = ((gy + 1) * h - 1) / 2
    if mode == "nearest":
        xi, yi = np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64)
        valid = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        out = img[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
        return out * valid.astype(img.dtype)
    x0, y0 = np.floor(ix), np.floor(iy)
    out = np.zeros(img.shape[:-2] + gx.shape, dtype=img.dtype)
    for dy in (0, 1):
        for dx in (0, 1):
            xc, yc = x0 + dx, y0 + dy
            wgt = (1 - np.abs(ix - xc)) * (1 - np.abs(iy - yc))
            valid = (xc >= 0) & (xc < w) & (yc >= 0) & (yc < h)
            xi, yi = np.clip(xc, 0, w - 1).astype(np.int64), np.clip(yc, 0, h - 1).astype(np.int64)
            out += img[..., yi, xi] * (wgt * valid).astype(img.dtype)
    return out


def _affine_grid(matrix, w: int, h: int, ow: int, oh: int, dt) -> np.ndarray:
    """torchvision's ``_gen_affine_grid``: the (oh, ow, 2) sampling grid of an inverse affine matrix."""
    theta = np.asarray(matrix, dtype=dt).reshape(2, 3)
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow).astype(dt)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh).astype(dt)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((), dt)), axis=-1)  # (oh, ow, 3)
    rescaled = theta.T / np.asarray([0.5 * w, 0.5 * h], dtype=dt)
    return base @ rescaled


def _check_fill(fill, channels: int) -> None:
    """torchvision's ``_assert_grid_transform_inputs`` check on a sequence ``fill``."""
    if isinstance(fill, (list, tuple)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError(
            "The number of elements in 'fill' cannot broadcast to match the number of channels of the image "
            f"({len(fill)} != {channels})"
        )


def _apply_grid(arr: np.ndarray, grid: np.ndarray, mode: str, fill) -> np.ndarray:
    """torchvision's ``_apply_grid_transform`` on (..., C, H, W): grid_sample (zeros padding,
    align_corners=False) with a ones channel appended, whose sampled value blends in ``fill``."""
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    _check_fill(fill, arr.shape[-3])
    dt = _work_dtype(arr)
    img = arr.astype(dt, copy=False)
    if fill is not None:
        img = np.concatenate([img, np.ones(img.shape[:-3] + (1,) + img.shape[-2:], dt)], axis=-3)
    out = _grid_sample(img, grid[..., 0], grid[..., 1], mode)
    if fill is not None:
        mask, out = out[..., -1:, :, :], out[..., :-1, :, :]
        fills = np.asarray(fill if isinstance(fill, (list, tuple)) else [float(fill)], dtype=dt).reshape(
            -1, 1, 1
        )
        if mode == "nearest":
            out = np.where(mask < 0.5, np.broadcast_to(fills, out.shape), out)
        else:
            out = out * mask + (1.0 - mask) * fills
    return _cast_out(out, arr.dtype)


def _apply_affine(arr: np.ndarray, matrix, mode: str, fill, expand: bool = False) -> np.ndarray:
    """torchvision's tensor ``_gen_affine_grid`` + ``_apply_grid_transform`` on (..., C, H, W)."""
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    h, w = arr.shape[-2:]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    return _apply_grid(arr, _affine_grid(matrix, w, h, ow, oh, _work_dtype(arr)), mode, fill)


def _pil_fill(fill, img, name: str = "fillcolor") -> dict:
    """torchvision's ``F_pil._parse_fill``: ``fill`` as Pillow takes it for ``img``'s mode."""
    num_channels = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * num_channels
        elif len(fill) != num_channels:
            raise ValueError(
                "The number of elements in 'fill' does not match the number of channels of the image "
                f"({len(fill)} != {num_channels})"
            )
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, (list, tuple)) else int(fill)
    return {name: fill}


def _fill_list(fill, channels):
    if fill is None:
        return None
    if isinstance(fill, (int, float)):
        return [float(fill)] * channels
    return [float(f) for f in fill]


def rotate(
    img, angle: float, interpolation=InterpolationMode.NEAREST, expand: bool = False, center=None, fill=None
):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (default: the image center)."""
    mode = _mode(interpolation)
    if is_pil_image(img):
        return img.rotate(angle, _PIL_CODES[mode], expand, center, **_pil_fill(fill, img))
    center_f = [0.0, 0.0]
    if center is not None:
        _, height, width = get_dimensions(img)
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    arr, pack = _unpack(img)
    return pack(_apply_affine(arr, matrix, mode.value, fill, expand))


def affine(img, angle: float, translate, scale: float, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):  # fmt: skip
    """Rotation by ``angle``, translation, scale and shear (degrees) about the center."""
    mode = _mode(interpolation)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = [float(s) for s in shear]
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    _, height, width = get_dimensions(img)
    if is_pil_image(img):
        center_f = [width * 0.5, height * 0.5] if center is None else list(center)
        matrix = _get_inverse_affine_matrix(center_f, angle, list(translate), scale, shear)
        return img.transform(img.size, 0, matrix, _PIL_CODES[mode], **_pil_fill(fill, img))  # Image.AFFINE
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    translate_f = [float(t) for t in translate]
    matrix = _get_inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    arr, pack = _unpack(img)
    return pack(_apply_affine(arr, matrix, mode.value, fill))


def _get_perspective_coeffs(startpoints, endpoints) -> list[float]:
    """The coefficients (a, b, c, d, e, f, g, h) of the perspective transform that maps each output
    pixel (x, y) to the input pixel ((ax + by + c) / (gx + hy + 1), (dx + ey + f) / (gx + hy + 1)),
    taking ``endpoints`` to ``startpoints`` (four corners each, ``[top-left, top-right, bottom-right,
    bottom-left]``): solved in float64 and rounded to float32, as torchvision does."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(
            f"Please provide exactly four corners, got {len(startpoints)} startpoints and {len(endpoints)} endpoints."
        )
    a_matrix = np.zeros((2 * len(startpoints), 8), dtype=np.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        for r, row in enumerate(([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]],
                                 [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]])):  # fmt: skip
            # torch.tensor(row) is int64 for ints, else float32 (the default dtype), before the copy
            exact = all(isinstance(v, (int, np.integer)) for v in row)
            a_matrix[2 * i + r] = np.asarray(row, dtype=np.float64 if exact else np.float32)
    b_matrix = np.asarray(startpoints, dtype=np.float64).reshape(8)
    res = np.linalg.lstsq(a_matrix, b_matrix, rcond=None)[0].astype(np.float32)
    return res.tolist()


def _perspective_grid(coeffs, ow: int, oh: int, dt) -> np.ndarray:
    """torchvision's ``_perspective_grid`` (Pillow's perspective formula, normalized to [-1, 1])."""
    theta1 = np.asarray([coeffs[0:3], coeffs[3:6]], dtype=dt)
    theta2 = np.asarray([[coeffs[6], coeffs[7], 1.0], [coeffs[6], coeffs[7], 1.0]], dtype=dt)
    xs = np.linspace(0.5, ow * 1.0 + 0.5 - 1.0, ow, dtype=np.float32).astype(dt)
    ys = np.linspace(0.5, oh * 1.0 + 0.5 - 1.0, oh, dtype=np.float32).astype(dt)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((), dt)), axis=-1)  # (oh, ow, 3)
    grid1 = base @ (theta1.T / np.asarray([0.5 * ow, 0.5 * oh], dtype=dt))
    grid2 = base @ theta2.T
    return grid1 / grid2 - dt.type(1.0)


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Perspective transform taking the four ``startpoints`` (``[top-left, top-right, bottom-right,
    bottom-left]`` corners, ``[x, y]`` each) to ``endpoints``; the output keeps the input's size,
    ``fill`` (default 0) where no input pixel lands."""
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    if isinstance(interpolation, int):
        interpolation = _interpolation_modes_from_int(interpolation)
    elif not isinstance(interpolation, InterpolationMode):
        raise TypeError(
            "Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant"
        )
    if is_pil_image(img):
        # Image.PERSPECTIVE == 2
        return img.transform(img.size, 2, coeffs, _PIL_CODES[interpolation], **_pil_fill(fill, img))
    arr, pack = _unpack(img)
    if len(coeffs) != 8:
        raise ValueError("Argument perspective_coeffs should have 8 float values")
    h, w = arr.shape[-2:]
    grid = _perspective_grid(coeffs, w, h, _work_dtype(arr))
    return pack(_apply_grid(arr, grid, interpolation.value, fill))


# ---------------------------------------------------------------- color
def _gray(arr: np.ndarray) -> np.ndarray:
    """torchvision's ``rgb_to_grayscale`` on (..., 3, H, W), in the input dtype (ints truncated)."""
    r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
    dt = _work_dtype(arr)
    lum = dt.type(0.2989) * r.astype(dt) + dt.type(0.587) * g.astype(dt) + dt.type(0.114) * b.astype(dt)
    return lum.astype(arr.dtype)[..., None, :, :]


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Luma ``0.2989 R + 0.587 G + 0.114 B``, as 1 or 3 channels."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if is_pil_image(img):
        out = img.convert("L")
        return out.convert("RGB") if num_output_channels == 3 else out
    arr, pack = _unpack(img)
    c = arr.shape[-3]
    if c not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {c}")
    gray = _gray(arr) if c == 3 else arr.copy()
    if num_output_channels == 3:
        gray = np.broadcast_to(gray, gray.shape[:-3] + (3,) + gray.shape[-2:]).copy()
    return pack(gray)


def to_grayscale(img, num_output_channels: int = 1):
    return rgb_to_grayscale(img, num_output_channels)


def _blend(img1: np.ndarray, img2, ratio: float) -> np.ndarray:
    ratio = float(ratio)
    bound = _max_value(img1.dtype)
    dt = _work_dtype(img1)
    out = dt.type(ratio) * img1.astype(dt) + dt.type(1.0 - ratio) * np.asarray(img2).astype(dt)
    out = np.clip(out, 0, bound)
    return (
        out.astype(img1.dtype)
        if not np.issubdtype(img1.dtype, np.integer)
        else _float_to_byte(out).astype(img1.dtype)
    )


def _enhance(img, name: str, factor: float):
    from PIL import ImageEnhance

    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img, brightness_factor: float):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    if is_pil_image(img):
        return _enhance(img, "Brightness", brightness_factor)
    arr, pack = _unpack(img)
    return pack(_blend(arr, np.zeros((), arr.dtype), brightness_factor))


def adjust_contrast(img, contrast_factor: float):
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    if is_pil_image(img):
        return _enhance(img, "Contrast", contrast_factor)
    arr, pack = _unpack(img)
    dt = _work_dtype(arr)
    src = _gray(arr) if arr.shape[-3] == 3 else arr
    mean = src.astype(dt).mean(axis=(-3, -2, -1), keepdims=True, dtype=dt)
    return pack(_blend(arr, mean, contrast_factor))


def adjust_saturation(img, saturation_factor: float):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    if is_pil_image(img):
        return _enhance(img, "Color", saturation_factor)
    arr, pack = _unpack(img)
    if arr.shape[-3] == 1:
        return img
    return pack(_blend(arr, _gray(arr), saturation_factor))


def _rgb2hsv(img: np.ndarray) -> np.ndarray:
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc, minc = img.max(axis=-3), img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    cr_divisor = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0).astype(img.dtype)
    return np.stack((h, s, maxc), axis=-3)


def _hsv2rgb(img: np.ndarray) -> np.ndarray:
    h, s, v = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    choices = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = [np.select([i == k for k in range(6)], [c[ch] for c in choices]) for ch in range(3)]
    return np.stack(out, axis=-3).astype(img.dtype)


def adjust_hue(img, hue_factor: float):
    """Shift the hue by ``hue_factor`` in [-0.5, 0.5] (a fraction of the hue circle)."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if is_pil_image(img):
        input_mode = img.mode
        if input_mode in {"L", "1", "I", "F"}:
            return img
        Image = pil_image()
        h, s, v = img.convert("HSV").split()
        np_h = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            np_h += np.int32(hue_factor * 255).astype(np.uint8)
        h = Image.fromarray(np_h, "L")
        return Image.merge("HSV", (h, s, v)).convert(input_mode)
    arr, pack = _unpack(img)
    if arr.shape[-3] == 1:
        return img
    orig = arr.dtype
    f = arr.astype(np.float32) / np.float32(_max_value(orig)) if np.issubdtype(orig, np.integer) else arr
    hsv = _rgb2hsv(f)
    hsv[..., 0, :, :] = np.mod(hsv[..., 0, :, :] + hsv.dtype.type(hue_factor), 1.0)
    out = _hsv2rgb(hsv)
    if np.issubdtype(orig, np.integer):
        out = _float_to_byte(out * np.float32(_max_value(orig) + 1.0 - 1e-3)).astype(orig)
    return pack(out)


# ---------------------------------------------------------------- filters, erasing
def _gaussian_kernel1d(kernel_size: int, sigma: float, dt) -> np.ndarray:
    ksize_half = (kernel_size - 1) * 0.5
    x = np.linspace(-ksize_half, ksize_half, kernel_size).astype(dt)
    pdf = np.exp(dt.type(-0.5) * (x / dt.type(sigma)) ** 2)
    return pdf / pdf.sum(dtype=dt)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel (odd ``kernel_size``; ``sigma`` default ``0.3 * ((k - 1) * 0.5 - 1) + 0.8``);
    borders are reflected."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    if is_pil_image(img):
        t = pil_to_tensor(img)
        return to_pil_image(gaussian_blur(t, kernel_size, sigma), mode=img.mode)
    arr, pack = _unpack(img)
    dt = _work_dtype(arr)
    kx = _gaussian_kernel1d(kernel_size[0], sigma[0], dt)
    ky = _gaussian_kernel1d(kernel_size[1], sigma[1], dt)
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    x = np.pad(arr.astype(dt), [(0, 0)] * (arr.ndim - 2) + [(py, py), (px, px)], mode="reflect")
    h, w = arr.shape[-2:]
    rows = sum(kx[j] * x[..., :, j : j + w] for j in range(kernel_size[0]))  # separable: across, then down
    out = sum(ky[i] * rows[..., i : i + h, :] for i in range(kernel_size[1])).astype(dt)
    return pack(_cast_out(out, arr.dtype))


def erase(img: Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> Tensor:
    """Set ``img[..., i:i+h, j:j+w] = v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    vals = v._data if isinstance(v, Tensor) else np.asarray(v)
    img[..., i : i + h, j : j + w] = Tensor._make(np.asarray(vals, dtype=img._data.dtype), False, None)
    return img


# ---------------------------------------------------------------- more color ops, multi-crops
def _pil_ops():
    from PIL import ImageOps

    return ImageOps


def invert(img):
    """``max_value - img`` (255 for uint8, 1.0 for floats)."""
    if is_pil_image(img):
        return _pil_ops().invert(img)
    arr, pack = _unpack(img)
    return pack((np.asarray(_max_value(arr.dtype), dtype=arr.dtype) - arr).astype(arr.dtype))


def posterize(img, bits: int):
    """Keep the top ``bits`` bits of each uint8 channel value."""
    if not (0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if is_pil_image(img):
        return _pil_ops().posterize(img, bits)
    arr, pack = _unpack(img)
    if arr.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {arr.dtype}")
    return pack(arr & np.uint8((-int(2 ** (8 - bits))) & 0xFF))


def solarize(img, threshold: float):
    """Invert the values at or above ``threshold``."""
    if is_pil_image(img):
        return _pil_ops().solarize(img, threshold)
    arr, pack = _unpack(img)
    if threshold > _max_value(arr.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    inverted = (np.asarray(_max_value(arr.dtype), dtype=arr.dtype) - arr).astype(arr.dtype)
    return pack(np.where(arr >= threshold, inverted, arr))


def autocontrast(img):
    """Stretch each channel to the full range [0, max_value]."""
    if is_pil_image(img):
        return _pil_ops().autocontrast(img)
    arr, pack = _unpack(img)
    bound = _max_value(arr.dtype)
    dt = _work_dtype(arr)
    minimum = arr.min(axis=(-2, -1), keepdims=True).astype(dt)
    maximum = arr.max(axis=(-2, -1), keepdims=True).astype(dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = dt.type(bound) / (maximum - minimum)
    eq = ~np.isfinite(scale)
    minimum[eq], scale[eq] = 0, 1
    out = np.clip((arr.astype(dt) - minimum) * scale, 0, bound)
    return pack(
        out.astype(arr.dtype)
        if not np.issubdtype(arr.dtype, np.integer)
        else _float_to_byte(out).astype(arr.dtype)
    )


def adjust_sharpness(img, sharpness_factor: float):
    """Blend with a smoothed copy (factor 0: smooth, 1: the image, 2: sharper)."""
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    if is_pil_image(img):
        return _enhance(img, "Sharpness", sharpness_factor)
    arr, pack = _unpack(img)
    if arr.shape[-1] <= 2 or arr.shape[-2] <= 2:
        return img
    dt = _work_dtype(arr)
    kernel = np.ones((3, 3), dtype=dt)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    win = np.lib.stride_tricks.sliding_window_view(arr.astype(dt), (3, 3), axis=(-2, -1))
    smooth = _cast_out(np.einsum("...ij,ij->...", win, kernel).astype(dt), arr.dtype)
    degenerate = arr.copy()
    degenerate[..., 1:-1, 1:-1] = smooth
    return pack(_blend(arr, degenerate, sharpness_factor))


def five_crop(img, size):
    """The four corner crops and the center crop of ``size``."""
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(
            f"Requested crop size {size} is bigger than input size {(image_height, image_width)}"
        )
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    center = center_crop(img, [crop_height, crop_width])
    return tl, tr, bl, br, center


def ten_crop(img, size, vertical_flip: bool = False):
    """``five_crop`` of the image and of its flipped copy."""
    first_five = five_crop(img, size)
    img = vflip(img) if vertical_flip else hflip(img)
    return first_five + five_crop(img, size)


__all__ += ["invert", "posterize", "solarize", "autocontrast", "adjust_sharpness", "five_crop", "ten_crop"]


def _equalize_channel(chan: np.ndarray) -> np.ndarray:
    hist = np.bincount(chan.reshape(-1), minlength=256)
    nonzero = hist[hist != 0]
    step = int(nonzero[:-1].sum()) // 255
    if step == 0:
        return chan
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255)
    return lut[chan.astype(np.int64)].astype(np.uint8)


def equalize(img):
    """Equalize the histogram of each channel of a uint8 image."""
    if is_pil_image(img):
        return _pil_ops().equalize(img)
    arr, pack = _unpack(img)
    if arr.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {arr.dtype}")
    flat = arr.reshape(-1, *arr.shape[-2:])
    out = np.stack([_equalize_channel(c) for c in flat]).reshape(arr.shape)
    return pack(out)


__all__ += ["equalize"]
