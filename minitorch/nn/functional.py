"""``minitorch.nn.functional``: stateless versions of the layers and losses, as ``torch.nn.functional``.

Example::

    import minitorch.nn.functional as F
    loss = F.cross_entropy(model(x), y)
"""

from __future__ import annotations

import warnings

import numpy as np

from .._random import _rng
from ..ops import nn as N
from ..ops.math import LeakyRelu
from ..tensor import Tensor
from ._functional_cnn import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    batch_norm,
    conv1d,
    conv2d,
    layer_norm,
    max_pool1d,
    max_pool2d,
    pad,
)
from ._functional_extra import (
    conv_transpose1d,
    conv_transpose2d,
    group_norm,
    instance_norm,
    multi_head_attention_forward,
    scaled_dot_product_attention,
)

__all__ = [
    "linear",
    "relu",
    "relu_",
    "relu6",
    "leaky_relu",
    "elu",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "softplus",
    "logsigmoid",
    "hardtanh",
    "softmax",
    "log_softmax",
    "softmin",
    "dropout",
    "dropout2d",
    "one_hot",
    "embedding",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "normalize",
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "pad",
    "batch_norm",
    "layer_norm",
    "group_norm",
    "instance_norm",
    "conv_transpose1d",
    "conv_transpose2d",
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
]

_TYPE_NAMES = {
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "bool": "Bool",
}


def _tname(t: Tensor) -> str:
    return _TYPE_NAMES[t._data.dtype.name]


def _type_str(t: Tensor) -> str:
    """``minitorch.FloatTensor`` etc., the names torch's errors use."""
    return f"minitorch.{_tname(t)}Tensor"


def _as_t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x), False, None)


# --- linear ---
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one fused op; ``input`` is ``(*, in_features)``."""
    x, w = input._data, weight._data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {x.ndim}D and {w.ndim}D"
        )
    if w.ndim != 2:
        return input @ weight.t() + (bias if bias is not None else 0)
    if x.shape[-1] != w.shape[1]:
        rows = x.size // x.shape[-1] if x.shape[-1] else int(np.prod(x.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and {w.shape[1]}x{w.shape[0]})"
        )
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != x.dtype):
        other = w.dtype if x.dtype != w.dtype else bias._data.dtype
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_TYPE_NAMES[x.dtype.name]} and "
            f"{_TYPE_NAMES[other.name]}"
        )
    return N.Linear.apply(input, weight, bias)


# --- activations ---
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
    return input.clamp_(min_val, max_val) if inplace else input.clamp(min_val, max_val)


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
        return input._inplace(lambda s: s * s.sigmoid())
    return input * input.sigmoid()


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
    return N.Softplus.apply(input, beta, threshold)


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


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``."""
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)


# --- dropout ---
def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply_mask(input: Tensor, p: float, mask_shape: tuple, inplace: bool) -> Tensor:
    x = input._data
    dt = x.dtype if x.dtype.kind == "f" else np.float32
    if p == 1.0:
        mask = np.zeros(mask_shape, dt)
    else:
        draw = _rng(None).random(mask_shape, dtype=np.float32 if dt == np.float32 else np.float64)
        mask = (draw >= p).astype(dt) * dt.type(1.0 / (1.0 - p))
    m = Tensor._make(mask, False, None)
    return input.mul_(m) if inplace else input * m


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (identity when
    not ``training``). Draws from the global generator."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _apply_mask(input, p, input._data.shape, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels: one draw per ``(N, C)`` pair, shared over the spatial dims."""
    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
            "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
            "will change in a future release to interpret the input as one without a batch dimension, i.e. "
            "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
            "dropout1d instead.",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    shape = input._data.shape
    return _apply_mask(input, p, shape[:2] + (1,) * (len(shape) - 2), inplace)


# --- one_hot / embedding ---
def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """``(*,)`` int64 class indices to ``(*, num_classes)`` int64 rows of zeros with a single 1."""
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size:
        if t.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if t.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes < 0:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (t[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(out, False, None)


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: output shape ``input.shape + (dim,)``.

    ``padding_idx`` rows get no gradient; ``max_norm`` renormalises the looked-up rows of
    ``weight`` in place first, as torch. ``sparse`` is accepted but grads are always dense.
    """
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got {_type_str(input)} instead (while checking arguments for embedding)"
        )
    n = weight._data.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < n, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -n, "Padding_idx must be within num_embeddings"
            padding_idx = n + padding_idx
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    return N.Embedding.apply(weight, idx, padding_idx, scale_grad_by_freq)


def _embedding_renorm_(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    rows = np.unique(idx)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        r = rows[big]
        w[r] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight._vc[0] += 1


# --- losses ---
def _legacy_reduction(size_average, reduce, emit_warning: bool = True) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
            stacklevel=3,
        )
    return ret


def _reduction(reduction: str, size_average=None, reduce=None) -> str:
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _broadcast_pair(input: Tensor, target: Tensor, warn: bool = True):
    target = _as_t(target)
    if warn and target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )
    try:
        np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        a, b = input._data.shape, target._data.shape
        nd = max(len(a), len(b))
        a1, b1 = (1,) * (nd - len(a)) + a, (1,) * (nd - len(b)) + b
        d = next(i for i in range(nd - 1, -1, -1) if a1[i] != b1[i] and 1 not in (a1[i], b1[i]))
        raise RuntimeError(
            f"The size of tensor a ({a1[d]}) must match the size of tensor b ({b1[d]}) at non-singleton "
            f"dimension {d}"
        ) from None
    return target


def _weighted(loss: Tensor, input: Tensor, weight, reduction: str, mean_by_weight: bool) -> Tensor:
    if weight is None:
        return _reduce(loss, reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """(input - target)^2, averaged (``reduction='mean'``), summed or kept per element."""
    target = _broadcast_pair(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    d = input - target
    return _weighted(d * d, input, weight, reduction, True)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """|input - target|, reduced."""
    target = _broadcast_pair(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    return _weighted((input - target).abs(), input, weight, reduction, True)


def smooth_l1_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target)."""
    target = _broadcast_pair(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = input - target
    a = d.abs()
    if beta == 0:
        return _reduce(a, reduction)
    from ..ops.arithmetic import where

    return _reduce(where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight: Tensor | None = None
) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    target = _broadcast_pair(input, target)
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    from ..ops.arithmetic import where

    d = input - target
    a = d.abs()
    loss = where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _weighted(loss, input, weight, reduction, False)


def _check_class_target(input: Tensor, target: Tensor, weight) -> tuple:
    """Validate (input, class-index target, weight) like torch's nll_loss; return (target array, C)."""
    x, t = input._data, target._data
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim == 1:
        if t.ndim > 1 or (t.ndim == 1 and t.shape[0] != 1):
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.shape[0]}")
        t = t.reshape(())
    else:
        tb = t.shape[0] if t.ndim else 0
        if x.shape[0] != tb:
            raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({tb}).")
        if x.ndim == 2 and t.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if x.ndim > 2 and t.shape != x.shape[:1] + x.shape[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: {list(t.shape)}")
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_tname(target)}")
    n_cls = x.shape[1 if x.ndim >= 2 else 0]
    if weight is not None and weight._data.size != n_cls:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_cls} classes or no classes but got weight "
            f"tensor of shape: {list(weight.shape)}"
        )
    return t.astype(np.int64, copy=False), n_cls


def _check_bounds(t: np.ndarray, n_cls: int, ignore_index: int) -> None:
    bad = ((t < 0) | (t >= n_cls)) & (t != ignore_index)
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of class indices given log-probabilities ``input`` of shape
    ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``: mean over ``-w[t] * input[t]``, weighted by
    ``w[t]``, skipping targets equal to ``ignore_index``."""
    reduction = _reduction(reduction, size_average, reduce)
    t, n_cls = _check_class_target(input, target, weight)
    _check_bounds(t, n_cls, ignore_index)
    return N.NllLoss.apply(input, t, weight, ignore_index, reduction)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross entropy between logits ``input`` (``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``) and
    either class indices (int64, one fused log-softmax + NLL op, stable for huge logits) or class
    probabilities (float, same shape as ``input``).

    Options as torch: ``weight`` per class, ``ignore_index`` (class indices only),
    ``label_smoothing`` in [0, 1], ``reduction`` 'mean' | 'sum' | 'none'.
    """
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target = _as_t(target)
    if input._data.ndim >= 1 and target._data.shape == input._data.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    t, n_cls = _check_class_target(input, target, weight)
    _check_bounds(t, n_cls, ignore_index)
    return N.CrossEntropy.apply(input, t, weight, ignore_index, reduction, float(label_smoothing))


def _cross_entropy_probs(
    input: Tensor, target: Tensor, weight, reduction: str, label_smoothing: float
) -> Tensor:
    if target._data.dtype.kind != "f":
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, got {_tname(target)}"
        )
    cdim = 1 if input.dim() >= 2 else 0
    n_cls = input.shape[cdim]
    if weight is not None and weight._data.size != n_cls:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_cls} classes or no classes but got weight "
            f"tensor of shape: {list(weight.shape)}"
        )
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_cls
    prod = input.log_softmax(cdim) * target
    if weight is not None:
        view = [1] * input.dim()
        view[cdim] = n_cls
        prod = prod * weight.reshape(view)
    if reduction == "mean":
        return -prod.sum() / (input.numel() / n_cls)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(cdim)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """-(t log x + (1 - t) log(1 - x)) for probabilities ``input``; each log is clamped at -100."""
    reduction = _reduction(reduction, size_average, reduce)
    target = _as_t(target)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )
    x, y = input._data, target._data
    if x.size and (x.min() < 0 or x.max() > 1 or np.isnan(x).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if y.size and (y.min() < 0 or y.max() > 1):
        raise RuntimeError("all elements of target should be between 0 and 1")
    if weight is not None and weight.shape != input.shape:
        weight = weight.expand(input.shape)
    return N.BinaryCrossEntropy.apply(input, target, weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """BCE on logits: (1 - t) x - (1 + (pos_weight - 1) t) log(sigmoid(x)), stable for any |x|."""
    reduction = _reduction(reduction, size_average, reduce)
    target = _as_t(target)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    log_sig = N.LogSigmoid.apply(input)
    if pos_weight is not None:
        log_weight = (pos_weight - 1) * target + 1
        loss = (1 - target) * input - log_weight * log_sig
    else:
        loss = (1 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """target * (log(target) - input) pointwise (``input`` holds log-probabilities);
    ``reduction='batchmean'`` divides the sum by the batch size."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    target = _as_t(target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from ..ops.arithmetic import where

        safe = where(target > 0, target, 1.0)
        loss = where(target > 0, target * (safe.log() - input), 0.0 * input)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    return _reduce(loss, reduction)
