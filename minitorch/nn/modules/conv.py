"""``Conv1d`` and ``Conv2d``: learnable convolutions with torch's arguments and initialisation."""

from __future__ import annotations

import math
from numbers import Integral

from ... import _creation
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .linear import _check_device
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value, n: int) -> tuple:
    if isinstance(value, Integral):
        return (int(value),) * n
    value = tuple(value)
    return value * n if len(value) == 1 else value


class _ConvBase(Module):
    """What ``_ConvNd`` and ``_ConvTransposeNd`` (conv_transpose.py) share: the ``groups``
    checks, ``weight`` / ``bias`` creation, torch's default init and the repr."""

    _nd = 2

    @staticmethod
    def _check_groups(in_channels: int, out_channels: int, groups: int) -> None:
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")

    def _init_parameters(self, weight_shape: tuple, bias: bool, dtype) -> None:
        """``weight`` of ``weight_shape`` and (if ``bias``) a bias per output channel, initialised."""
        self.weight = Parameter(_creation.empty(*weight_shape, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's default: weight ~ kaiming_uniform_(a=sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        nd = self._nd
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _ConvNd(_ConvBase):
    """Shared constructor and padding of ``Conv1d`` / ``Conv2d``."""

    _nd = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        _check_device(device)
        nd = self._nd
        self._check_groups(in_channels, out_channels, groups)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode='{padding_mode}'"
            )
        kernel_size, stride, dilation = _ntuple(kernel_size, nd), _ntuple(stride, nd), _ntuple(dilation, nd)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(padding, nd)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.transposed, self.output_padding = False, (0,) * nd
        self.groups, self.padding_mode = groups, padding_mode
        # F.pad widths (last dim first) for the non-zero padding modes, as torch
        if isinstance(padding, str):
            pads = []
            if padding == "same":
                for d, k in zip(reversed(dilation), reversed(kernel_size)):
                    total = d * (k - 1)
                    pads += [total // 2, total - total // 2]
            else:
                pads = [0, 0] * nd
            self._reversed_padding_repeated_twice = pads
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(padding) for _ in range(2)]
        self._init_parameters((out_channels, in_channels // groups, *kernel_size), bias, dtype)

    def _conv(self, input: Tensor, fn) -> Tensor:
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return fn(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W) (or unbatched (C_in, H, W)) inputs, as ``torch.nn.Conv2d``.

    ``weight`` has shape ``(out_channels, in_channels // groups, kH, kW)``; ``padding`` is an
    int, a pair, ``'valid'`` or ``'same'``; ``padding_mode`` is ``'zeros'``, ``'reflect'``,
    ``'replicate'`` or ``'circular'``.

    Example::

        conv = nn.Conv2d(1, 8, 5)
        y = conv(minitorch.randn(64, 1, 28, 28))   # shape (64, 8, 24, 24)
    """

    _nd = 2

    def forward(self, input: Tensor) -> Tensor:
        return self._conv(input, F.conv2d)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L) (or unbatched (C_in, L)) inputs, as ``torch.nn.Conv1d``.

    Example::

        conv = nn.Conv1d(4, 8, 3, padding="same")
        y = conv(minitorch.randn(2, 4, 50))   # shape (2, 8, 50)
    """

    _nd = 1

    def forward(self, input: Tensor) -> Tensor:
        return self._conv(input, F.conv1d)


# NOTE: torch's path for the transposed convs is torch.nn.modules.conv; they live in
# conv_transpose.py and build on _ConvBase above, so this import comes last
from .conv_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d  # noqa: E402


def __getattr__(name: str):
    # torch's path for its lazy layers; they live in lazy.py (imported on first use: no cycle)
    if name in (
        "LazyConv1d",
        "LazyConv2d",
        "LazyConvTranspose1d",
        "LazyConvTranspose2d",
    ):
        from . import lazy

        return getattr(lazy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Conv3d(_ConvNd):
    """3-D convolution over (N, C_in, D, H, W) (or unbatched (C_in, D, H, W)) inputs, as
    ``torch.nn.Conv3d`` (computed as 2-D convolutions of depth slices: ``F.conv3d``).

    Example::

        conv = nn.Conv3d(1, 4, 3)
        y = conv(minitorch.randn(2, 1, 8, 8, 8))   # shape (2, 4, 6, 6, 6)
    """

    _nd = 3

    def forward(self, input: Tensor) -> Tensor:
        return self._conv(input, F.conv3d)
