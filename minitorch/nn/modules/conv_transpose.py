"""``ConvTranspose1d``, ``ConvTranspose2d`` and ``ConvTranspose3d``: learnable transposed convolutions with torch's
arguments, initialisation and repr."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .conv import _check_device, _ConvBase, _ntuple

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvTransposeNd(_ConvBase):
    """Shared constructor and ``output_size`` handling of the transposed convolutions.

    ``weight`` has shape ``(in_channels, out_channels // groups, *kernel_size)``, initialised as
    torch: ``kaiming_uniform_(a=sqrt(5))``, with fan_in = ``out_channels // groups * prod(kernel)``.
    """

    _nd = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups: int = 1,
        bias: bool = True,
        dilation=1,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        _check_device(device)
        nd = self._nd
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        self._check_groups(in_channels, out_channels, groups)
        if isinstance(padding, str):
            raise ValueError(f"Invalid padding string '{padding}' for {type(self).__name__}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _ntuple(kernel_size, nd), _ntuple(stride, nd)
        self.padding, self.dilation = _ntuple(padding, nd), _ntuple(dilation, nd)
        self.transposed, self.output_padding = True, _ntuple(output_padding, nd)
        self.groups, self.padding_mode = groups, padding_mode
        self._init_parameters((in_channels, out_channels // groups, *self.kernel_size), bias, dtype)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        """The transposed convolution; ``output_size`` picks the ``output_padding`` that gives it."""
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self._nd - 1]
        output_padding = self._output_padding(input, output_size)
        return fn(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            output_padding,
            self.groups,
            self.dilation,
        )

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        """The ``output_padding`` that gives ``output_size`` (torch's ValueError if none can)."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        non_spatial = 2 if input.dim() == nd + 2 else 1
        output_size = list(output_size)
        if len(output_size) == non_spatial + nd:
            output_size = output_size[non_spatial:]
        if len(output_size) != nd:
            raise ValueError(
                f"ConvTranspose{nd}D: for {input.dim()}D input, output_size must have {nd} or "
                f"{non_spatial + nd} elements (got {len(output_size)})"
            )
        min_sizes = [
            (input.shape[d + non_spatial] - 1) * self.stride[d]
            - 2 * self.padding[d]
            + self.dilation[d] * (self.kernel_size[d] - 1)
            + 1
            for d in range(nd)
        ]
        max_sizes = [m + s - 1 for m, s in zip(min_sizes, self.stride)]
        for size, lo, hi in zip(output_size, min_sizes, max_sizes):
            if size < lo or size > hi:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from {min_sizes} to "
                    f"{max_sizes} (for an input of {input.shape[non_spatial:]})"
                )
        return tuple(s - m for s, m in zip(output_size, min_sizes))


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over (N, C_in, H, W) or (C_in, H, W) inputs, as
    ``torch.nn.ConvTranspose2d``: the gradient of ``Conv2d`` w.r.t. its input, used to upsample
    (decoders, GAN generators). Output size ``(H - 1) * stride - 2 * padding + dilation *
    (kernel_size - 1) + output_padding + 1``; ``forward(input, output_size)`` picks the
    ``output_padding`` that gives ``output_size``.

    Example::

        up = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        y = up(minitorch.randn(2, 16, 7, 7))   # shape (2, 8, 14, 14)
    """

    _nd = 2


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over (N, C_in, L) or (C_in, L) inputs, as ``torch.nn.ConvTranspose1d``.

    Example::

        up = nn.ConvTranspose1d(4, 2, 3, stride=2)
        y = up(minitorch.randn(1, 4, 10))   # shape (1, 2, 21)
    """

    _nd = 1


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution over (N, C_in, D, H, W) or (C_in, D, H, W) inputs, as
    ``torch.nn.ConvTranspose3d`` (computed as 2-D ones of depth slices: ``F.conv_transpose3d``).

    Example::

        up = nn.ConvTranspose3d(8, 4, 2, stride=2)
        y = up(minitorch.randn(1, 8, 4, 4, 4))   # shape (1, 4, 8, 8, 8)
    """

    _nd = 3
