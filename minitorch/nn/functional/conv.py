"""Convolution and transposed convolution, 1-D and 2-D; the primitives live in ``minitorch.ops.conv``."""

from __future__ import annotations

from numbers import Integral

from ... import _autocast_state
from ...ops import conv as C
from ...tensor import Tensor
from ._arguments import _check_tensor, _tuple
from .padding import pad


def _conv_spec(x, weight, bias, stride, padding, dilation, groups, nd: int, fn: str) -> C.ConvSpec:
    """Validate the arguments of an ``nd``-D convolution (on (N, C, *spatial) input) like torch."""
    _check_tensor(x, "input", fn)
    _check_tensor(weight, "weight", fn)
    stride = _tuple(stride, nd, "stride", "convolution")
    dilation = _tuple(dilation, nd, "dilation", "convolution")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if not isinstance(groups, Integral) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight._data.ndim != nd + 2:
        raise RuntimeError(
            f"{fn}: expected weight to be {nd + 2}-dimensional (out_channels, in_channels/groups, "
            f"*kernel_size), but got weight of size {list(weight.shape)}"
        )
    kernel = weight._data.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # torch puts the odd extra pixel at the end (right/bottom)
            pads = tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = _tuple(padding, nd, "padding", "convolution")
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((v, v) for v in p)
    o, cg = weight._data.shape[:2]
    if o % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(weight.shape)}] instead"
        )
    if x._data.shape[1] != cg * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {cg * groups} channels, but got {x._data.shape[1]} channels instead"
        )
    if bias is not None:
        _check_tensor(bias, "bias", fn)
        if bias._data.shape != (o,):
            raise RuntimeError(
                f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                f"{o} elements, but got bias of size {list(bias.shape)} instead"
            )
    if x._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"Input type ({x.dtype}) and weight type ({weight.dtype}) should be the same; "
            "convert one with .to(dtype)"
        )
    if bias is not None and bias._data.dtype != x._data.dtype:
        raise RuntimeError(f"Input type ({x.dtype}) and bias type ({bias.dtype}) should be the same")
    spatial = x._data.shape[2:]
    eff = tuple(n + a + b for n, (a, b) in zip(spatial, pads))
    if any(e < d * (k - 1) + 1 for e, k, d in zip(eff, kernel, dilation)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, eff))}). Kernel size: "
            f"({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). Kernel size "
            "can't be greater than actual input size"
        )
    if nd == 1:  # a 1-D convolution is a 2-D one over a height-1 image
        return C.ConvSpec(
            (1,) + kernel, (1,) + stride, ((0, 0),) + pads, (1,) + dilation, groups, (1,) + spatial
        )
    return C.ConvSpec(kernel, stride, pads, dilation, groups, spatial)


def _batched(x, nd: int, fn: str):
    """(x with a batch dim, whether it was added); torch's error for other ranks."""
    if x._data.ndim == nd + 2:
        return x, False
    if x._data.ndim == nd + 1:
        return x.unsqueeze(0), True
    kinds = {1: ("2D", "3D"), 2: ("3D", "4D")}[nd]
    raise RuntimeError(
        f"Expected {kinds[0]} (unbatched) or {kinds[1]} (batched) input to {fn}, but got input of "
        f"size: {list(x.shape)}"
    )


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution (cross-correlation) of ``input`` (N, C, H, W) or (C, H, W) with ``weight``
    (O, C/groups, kH, kW), as ``torch.nn.functional.conv2d``.

    ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the
    input; stride 1 only).

    Example::

        >>> F.conv2d(minitorch.randn(8, 1, 28, 28), minitorch.randn(6, 1, 5, 5)).shape
        minitorch.Size([8, 6, 24, 24])
    """
    _check_tensor(input, "input", "conv2d")
    if _autocast_state.cpu[0]:
        input, weight, bias = _autocast_state.lower(input, weight, bias)
    x, added = _batched(input, 2, "conv2d")
    spec = _conv_spec(x, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    out = C.Convolution.apply(x, weight, bias, spec)
    return out.squeeze(0) if added else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution of ``input`` (N, C, L) or (C, L) with ``weight`` (O, C/groups, k), as
    ``torch.nn.functional.conv1d``; computed as a 2-D convolution over a height-1 image."""
    _check_tensor(input, "input", "conv1d")
    if _autocast_state.cpu[0]:
        input, weight, bias = _autocast_state.lower(input, weight, bias)
    x, added = _batched(input, 1, "conv1d")
    spec = _conv_spec(x, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    n, c, length = x._data.shape
    w = weight.unsqueeze(2)
    out = C.Convolution.apply(x.reshape(n, c, 1, length), w, bias, spec).squeeze(2)
    return out.squeeze(0) if added else out


def _conv_transpose_args(input, weight, bias, stride, padding, output_padding, groups, dilation, nd, fn):
    """Check an ``nd``-D transposed convolution's arguments as torch does; return (stride, padding,
    output_padding, dilation, output size) as tuples."""
    _check_tensor(input, "input", fn)
    _check_tensor(weight, "weight", fn)
    stride = _tuple(stride, nd, "stride", "convolution")
    padding = _tuple(padding, nd, "padding", "convolution")
    output_padding = _tuple(output_padding, nd, "output_padding", "convolution")
    dilation = _tuple(dilation, nd, "dilation", "convolution")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if not isinstance(groups, Integral) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        names = ("depth", "height", "width")[3 - nd :]
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(f"output_padding_{a}: {v}" for a, v in zip(names, output_padding))
            + " "
            + " ".join(f"stride_{a}: {v}" for a, v in zip(names, stride))
            + " "
            + " ".join(f"dilation_{a}: {v}" for a, v in zip(names, dilation))
        )
    wshape, xshape = weight._data.shape, input._data.shape
    if len(wshape) != nd + 2:
        raise RuntimeError(
            f"{fn}: expected weight to be {nd + 2}-dimensional (in_channels, out_channels/groups, "
            f"*kernel_size), but got weight of size {list(wshape)}"
        )
    if wshape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got "
            f"weight of size [{list(wshape)}] instead"
        )
    if xshape[1] != wshape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(wshape)}, expected input{list(xshape)} to have "
            f"{wshape[0]} channels, but got {xshape[1]} channels instead"
        )
    c_out = wshape[1] * groups
    if bias is not None:
        _check_tensor(bias, "bias", fn)
        if bias._data.shape != (c_out,):
            raise RuntimeError(
                f"Given transposed=1, weight of size {list(wshape)}, expected bias to be 1-dimensional with "
                f"{c_out} elements, but got bias of size {list(bias.shape)} instead"
            )
    if input._data.dtype != weight._data.dtype or (
        bias is not None and bias._data.dtype != input._data.dtype
    ):
        other = weight if input._data.dtype != weight._data.dtype else bias
        raise RuntimeError(
            f"Input type ({input.dtype}) and weight type ({other.dtype}) should be the same; "
            "convert one with .to(dtype)"
        )
    kernel, spatial = wshape[2:], xshape[2:]
    out = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(spatial, stride, padding, dilation, kernel, output_padding)
    )
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, spatial))}). Calculated output size per "
            f"channel: ({' x '.join(map(str, out))}). Output size is too small"
        )
    return stride, padding, output_padding, dilation, out


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd, fn) -> Tensor:
    """``nd``-D transposed convolution of batched ``input`` (N, C_in, *): the gradient of the
    convolution with ``weight`` (C_in, C_out/groups, *k) w.r.t. its input."""
    if _autocast_state.cpu[0]:
        input, weight, bias = _autocast_state.lower(input, weight, bias)
    stride, padding, output_padding, dilation, out = _conv_transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, nd, fn
    )
    kernel, c_out = weight._data.shape[2:], weight._data.shape[1] * groups
    pads = tuple((p, p) for p in padding)
    if nd == 1:  # a 1-D transposed convolution is a 2-D one over a height-1 image
        spec = C.ConvSpec((1,) + kernel, (1,) + stride, ((0, 0),) + pads, (1,) + dilation, groups, (1,) + out)
        x, w = input.unsqueeze(2), weight.unsqueeze(2)
    else:
        spec = C.ConvSpec(kernel, stride, pads, dilation, groups, out)
        x, w = input, weight
    # NOTE: with output_padding >= stride (allowed when dilation is larger) the convolution this is
    # the gradient of has more output positions than ``input``: those get zero grad
    extra = [o - n for o, n in zip(spec.out_hw, x._data.shape[2:])]
    if any(extra):
        x = pad(x, [v for e in reversed(extra) for v in (0, e)])
    y = C.ConvInputGrad.apply(x, w, spec)
    if nd == 1:
        y = y.squeeze(2)
    if bias is not None:
        y = y + bias.reshape((1, c_out) + (1,) * nd)
    return y


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """2-D transposed convolution ("deconvolution") of ``input`` (N, C_in, H, W) or (C_in, H, W)
    with ``weight`` (C_in, C_out/groups, kH, kW), as ``torch.nn.functional.conv_transpose2d``.

    The output has size ``(H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``
    (likewise for W); it is the gradient of ``conv2d`` with the same arguments w.r.t. its input.

    Example::

        >>> F.conv_transpose2d(minitorch.randn(1, 4, 5, 5), minitorch.randn(4, 2, 3, 3), stride=2).shape
        minitorch.Size([1, 2, 11, 11])
    """
    _check_tensor(input, "input", "conv_transpose2d")
    x, added = _batched(input, 2, "conv_transpose2d")
    out = _conv_transpose(
        x, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )
    return out.squeeze(0) if added else out


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """1-D transposed convolution of ``input`` (N, C_in, L) or (C_in, L) with ``weight``
    (C_in, C_out/groups, k), as ``torch.nn.functional.conv_transpose1d``."""
    _check_tensor(input, "input", "conv_transpose1d")
    x, added = _batched(input, 1, "conv_transpose1d")
    out = _conv_transpose(
        x, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )
    return out.squeeze(0) if added else out
