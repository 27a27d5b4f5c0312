"""Activation functions and the softmax family, as ``torch.nn.functional``."""

from __future__ import annotations

import warnings

from ...ops import fused as Fu
from ...ops import nn as N
from ...ops.math import Hardtanh, LeakyRelu
from ...tensor import Tensor


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0)."""
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val]."""
    if input._data.dtype.kind not in "fV":
        return input.clamp_(min_val, max_val) if inplace else input.clamp(min_val, max_val)
    if inplace:
        return input._inplace(lambda s: Hardtanh.apply(s, min_val, max_val))
    return Hardtanh.apply(input, min_val, max_val)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x."""
    if inplace:
        return input._inplace(lambda s: LeakyRelu.apply(s, negative_slope))
    return LeakyRelu.apply(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1)."""
    if inplace:
        return input._inplace(lambda s: N.Elu.apply(s, alpha))
    return N.Elu.apply(input, alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) with the exact normal CDF (``approximate='none'``) or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return N.Gelu.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    if inplace:
        return input._inplace(lambda s: Fu.Silu.apply(s))
    return Fu.Silu.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
    return N.Softplus.apply(input._float_only("softplus_cpu"), beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), stable for large |x|."""
    return N.LogSigmoid.apply(input)


def _get_softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim())
    return input.softmax(dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x - logsumexp(x) along ``dim``."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim())
    return input.log_softmax(dim, dtype=dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim())
    return (-input).softmax(dim, dtype=dtype)


# --- the rest of torch.nn.functional's activations, composed from differentiable ops ---


def _inplace_or(input: Tensor, fn, inplace: bool) -> Tensor:
    return input._inplace(fn) if inplace else fn(input)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with torch's fixed alpha and scale (Klambauer et al., 2017)."""
    return _inplace_or(input, lambda x: N.Elu.apply(x, _SELU_ALPHA) * _SELU_SCALE, inplace)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _inplace_or(input, lambda x: N.Elu.apply(x * (1.0 / alpha), 1.0) * alpha, inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else weight * x, with one weight per channel (dim 1) or one for all."""
    if input.dtype != weight.dtype:
        from ._arguments import _tname

        raise RuntimeError(f"prelu: Type promoting not supported. Got {_tname(input)} and {_tname(weight)}")
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.dim() >= 2 else 1
        if channels != n:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                f"{n} and channel size = {channels}."
            )
        if weight.dim() != 1:
            weight = weight.reshape(n)
        if input.dim() >= 2:
            weight = weight.reshape((n,) + (1,) * (input.dim() - 2))
    elif weight.dim() != 0 and input.dim() < weight.dim():
        weight = weight.reshape(())
    from ...ops.arithmetic import where

    return where(input > 0, input, weight * input)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """leaky_relu with a slope drawn from U(lower, upper) per element (training) or their mean (eval)."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    import numpy as np

    from ..._random import _gen

    # NOTE: as torch's CPU kernel: one uniform_real_distribution<double>(lower, upper) draw per
    # element <= 0, in memory order, cast to the input's dtype; the noise is 1 elsewhere
    x = input._data
    neg = np.ascontiguousarray(x <= 0)
    u = _gen(None)._uniform64(int(neg.sum()))
    noise = np.ones(x.shape, x.dtype)
    lo, hi = (float(np.asarray(v).astype(x.dtype)) for v in (lower, upper))  # opmath_t bounds
    noise[neg] = (u * (hi - lo) + lo).astype(x.dtype)
    slopes = Tensor._make(noise, False, None)
    return _inplace_or(input, lambda t: t * slopes, inplace)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, True)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), where a and b are the two halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.dim() if -input.dim() <= dim < input.dim() else dim
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    a, b = input.chunk(2, d)
    return a * b.sigmoid()


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return _inplace_or(input, lambda x: x * N.Softplus.apply(x, 1.0, 20.0).tanh(), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6; grad x / 3 + 1/2 strictly inside (-3, 3), 0 below, 1 above, as torch."""
    from ...ops.arithmetic import where

    def f(x):
        d = x.detach()
        return where((d > -3) & (d < 3), x * (x + 3) * (1.0 / 6), where(d >= 3, x, x * 0))

    return _inplace_or(input, f, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6; grad 1/6 strictly inside (-3, 3), as torch."""
    from ...ops.arithmetic import where

    def f(x):
        d = x.detach()
        return where((d > -3) & (d < 3), x * (1.0 / 6) + 0.5, (d >= 3).to(x.dtype))

    return _inplace_or(input, f, inplace)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - input.tanh()


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    from ...ops.arithmetic import where

    return _inplace_or(input, lambda x: where(x.detach() <= threshold, value, x), inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return globals()["threshold"](input, threshold, value, True)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    from ...ops.arithmetic import where

    d = input.detach()
    return where((d >= -lambd) & (d <= lambd), 0.0, input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, else 0."""
    from ...ops.arithmetic import where

    if lambd < 0:
        big, name = ("1.79769e+308", "Double") if input.dtype.itemsize == 8 else ("3.40282e+38", "Float")
        raise RuntimeError(f"lambda must be in range [0, {big}] for input dtype {name}, but found {lambd:g}")
    d = input.detach()
    return where(d > lambd, input - lambd, where(d < -lambd, input + lambd, input * 0))


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """softmax((logits + g) / tau) with Gumbel(0, 1) noise g = -log(Exp(1)); with ``hard``, the
    one-hot of its argmax, with the soft sample's gradient (straight-through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -logits.new_empty(logits.shape).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = logits.new_zeros(logits.shape).scatter_(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft
