"""Loss functions with torch's reductions, weights, ``ignore_index`` and legacy ``size_average``/``reduce``."""

from __future__ import annotations

import functools
import warnings

import numpy as np

from ... import _autocast_state
from ...ops import fused as Fu
from ...ops import nn as N
from ...ops import reduce as R
from ...ops.arithmetic import where
from ...tensor import Tensor
from ._arguments import _as_t, _tname


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


def _fusable(input: Tensor, target: Tensor, *consts) -> bool:
    """Whether the fused op (torch's single node) applies: one floating dtype, and no grad
    wanted for weights (the fused ops give grads to input and target only)."""
    dt = input.dtype
    return (
        input.is_floating_point()
        and target.dtype == dt
        and all(c is None or (c.dtype == dt and not c.requires_grad) for c in consts)
    )


def _expanded(input: Tensor, target: Tensor):
    """input and target broadcast to one shape (torch's losses broadcast, then fuse)."""
    if input.shape == target.shape:
        return input, target
    shape = np.broadcast_shapes(input.shape, target.shape)
    return tuple(t if t.shape == shape else t.expand(shape) for t in (input, target))


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
    if weight is None and _fusable(input, target):
        return Fu.MseLoss.apply(*_expanded(input, target), reduction)
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
    if beta > 0 and _fusable(input, target):
        return Fu.SmoothL1Loss.apply(*_expanded(input, target), reduction, beta)
    d = input - target
    a = d.abs()
    if beta == 0:
        return _reduce(a, reduction)

    return _reduce(where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight: Tensor | None = None
) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    target = _broadcast_pair(input, target)
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None and _fusable(input, target):
        return Fu.HuberLoss.apply(*_expanded(input, target), reduction, delta)
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


def _check_bounds(t: np.ndarray, n_cls: int, ignore_index: int):
    """torch's IndexError for a target outside [0, C) that is not ``ignore_index``. Returns the
    ``ignore_index`` to pass on, or None where no target can equal it (the NLL skips the test)."""
    # NOTE: as uint64 a negative target is huge: both bounds in one reduction (the common case)
    if t.size and t.view(np.uint64).max() < n_cls:
        return ignore_index if 0 <= ignore_index < n_cls else None
    bad = ((t < 0) | (t >= n_cls)) & (t != ignore_index)
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    return ignore_index


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
    input._float_only("nll_loss_out_frame")
    t, n_cls = _check_class_target(input, target, weight)
    return N.NllLoss.apply(input, t, weight, _check_bounds(t, n_cls, ignore_index), reduction)


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
    x = input._data
    if x.dtype.kind not in "fV":
        input._float_only("log_softmax_lastdim_kernel_impl")
    if (  # the common case first: (N, C) logits, class indices in range, no options
        x.ndim == 2
        and weight is None
        and label_smoothing == 0.0
        and size_average is None
        and reduce is None
        and target.__class__ is Tensor
        and (reduction == "mean" or reduction == "sum")
    ):
        t = target._data
        if t.ndim == 1 and t.dtype == np.int64 and t.shape[0] == x.shape[0]:  # (the checks it needs)
            ignore = _check_bounds(t, x.shape[1], ignore_index)
            return N.NllLoss.apply(R.LogSoftmax.apply(input, 1), t, None, ignore, reduction)
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target = _as_t(target)
    if input._data.ndim >= 1 and target._data.shape == input._data.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    t, n_cls = _check_class_target(input, target, weight)
    ignore = _check_bounds(t, n_cls, ignore_index)
    if label_smoothing == 0:  # as torch: NllLossBackward0 after LogSoftmaxBackward0 in the graph
        cdim = 1 if input._data.ndim >= 2 else 0
        return N.NllLoss.apply(R.LogSoftmax.apply(input, cdim), t, weight, ignore, reduction)
    return N.CrossEntropy.apply(input, t, weight, ignore_index, reduction, float(label_smoothing))


def _cross_entropy_probs(
    input: Tensor, target: Tensor, weight, reduction: str, label_smoothing: float
) -> Tensor:
    if target._data.dtype.kind not in "fV":
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
    if _fusable(input, target, weight, pos_weight):
        return Fu.BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)
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
        safe = where(target > 0, target, 1.0)
        loss = where(target > 0, target * (safe.log() - input), 0.0 * input)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    return _reduce(loss, reduction)


# --- margin, embedding, Poisson/Gaussian and multi-label losses, composed from tensor ops ---


def _t64(arr) -> Tensor:
    return Tensor._make(np.asarray(arr), False, None)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction(reduction, size_average, reduce)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """x where target == 1, max(0, margin - x) where target == -1 (summed where both)."""
    reduction = _reduction(reduction, size_average, reduce)
    target = _broadcast_pair(input, target, warn=False)
    margin_clamp = (margin - input).clamp_min(0)
    out = where(target != 1, margin_clamp, 0.0) + where(target != -1, input, 0.0)
    return _reduce(out, reduction)


def soft_margin_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """log(1 + exp(-target * input))."""
    reduction = _reduction(reduction, size_average, reduce)
    target = _broadcast_pair(input, target, warn=False)
    from ...autograd.grad_mode import is_grad_enabled

    if target.requires_grad and is_grad_enabled():
        raise RuntimeError(
            "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input "
            "cannot have requires_grad True."
        )
    return _reduce((-input * target).exp().log1p(), reduction)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross entropy of sigmoid(input) per class, averaged over the classes."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    loss = -(target * N.LogSigmoid.apply(input) + (1 - target) * N.LogSigmoid.apply(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction == "none":
        return loss
    if reduction in ("mean", "sum"):
        return _reduce(loss, reduction)
    raise ValueError(reduction + " is not valid")


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dim() == 1:
        if input1.dim() != 2 or input2.dim() != 2:
            raise RuntimeError(
                f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                f"{list(input1.shape)} and {list(input2.shape)}."
            )
    elif input1.dim() != 1 or input2.dim() != 1:
        raise RuntimeError(
            f"0D target tensor expects 1D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    targ_dim = target.dim()
    eps = 1e-12
    prod_sum = (input1 * input2).sum(targ_dim)
    mag1 = (input1 * input1).sum(targ_dim) + eps
    mag2 = (input2 * input2).sum(targ_dim) + eps
    cos = prod_sum / (mag1 * mag2).sqrt()
    out = where(target == 1, 1 - cos, 0.0) + where(target == -1, (cos - margin).clamp_min(0), 0.0)
    return _reduce(out, reduction)


def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average=None,
    eps: float = 1e-8,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """exp(input) - target * input (``log_input``), else input - target * log(input + eps); with
    ``full``, Stirling's term where target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    target = _as_t(target)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = target * target.log() - target + 0.5 * (2 * np.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(
    input: Tensor, target: Tensor, var, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
) -> Tensor:
    """0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) with ``full``)."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * input.new_ones(input.shape)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var + (var.clamp(min=eps) - var).detach()  # clamped as torch: under no_grad, grad unchanged
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return _reduce(loss, reduction)


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """sum over i != y of max(0, margin - x[y] + x[i])^p / C, times weight[y]."""
    reduction = _reduction(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    nd = input.dim()
    x = input.reshape(1, -1) if nd <= 1 else input
    n, c = x.shape
    t = np.asarray(_as_t(target)._data).reshape(-1).astype(np.int64)
    if nd == 2 and (target.dim() != 1 or t.shape[0] != n) or nd <= 1 and t.shape[0] != 1:
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    tt = _t64(t)
    xy = x.gather(1, tt.reshape(n, 1))
    z = (margin - xy + x).clamp_min(0)
    if p == 2:
        z = z * z
    z = z.masked_fill(_t64(np.arange(c)[None, :] == t[:, None]), 0)
    if weight is not None:
        z = z * weight.index_select(0, tt).reshape(n, 1)
    loss = z.sum(1) / c
    if nd <= 1:
        loss = loss.reshape(tuple(target.shape))
    return _reduce(loss, reduction)


def multilabel_margin_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C; each
    row of ``target`` lists class indices, ended by the first -1."""
    reduction = _reduction(reduction, size_average, reduce)
    nd = input.dim()
    x = input.reshape(1, -1) if nd <= 1 else input
    n, c = x.shape
    t = np.asarray(_as_t(target)._data).astype(np.int64)
    if t.shape != tuple(input.shape) and not (nd == 0 and t.size == 1):
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    t = t.reshape(n, c)
    cnt = np.zeros((n, c))
    for row in range(n):
        for v in t[row]:
            if v < 0:
                break
            if v >= c:
                raise RuntimeError("target out of range")
            cnt[row, v] += 1
    non_target = (cnt == 0).astype(x._data.dtype)
    pair = (1 - x.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0)  # [n, j, i] = 1 - x[j] + x[i]
    w = _t64((cnt[:, :, None] * non_target[:, None, :]).astype(x._data.dtype))
    loss = (pair * w).sum((1, 2)) / c
    if nd <= 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise p-distance."""
    from .distance import pairwise_distance

    reduction = _reduction(reduction, size_average, reduce)
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd == nd):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs"
        )
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = d_neg.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function=None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """``triplet_margin_loss`` with any ``distance_function`` (default ``pairwise_distance``)."""
    from .distance import pairwise_distance

    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd == nd):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs"
        )
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths,
    target_lengths,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """Connectionist temporal classification loss of (T, N, C) (or (T, C)) log-probabilities
    against padded (N, S) or concatenated 1-D targets; ``mean`` divides each sample's loss by
    its target length, then averages, as torch."""
    from ...ops.ctc import CtcLoss

    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.dim() != 3:
        raise RuntimeError(f"ctc_loss(): expected log_probs to be 2-D or 3-D, but got {log_probs.dim()}-D")

    def ints(v):
        a = np.asarray(v._data if isinstance(v, Tensor) else v).astype(np.int64).reshape(-1)
        return a

    in_len, tgt_len = ints(input_lengths), ints(target_lengths)
    t_max, n, c = lp.shape
    if len(in_len) != n:
        raise RuntimeError(
            f"input_lengths must be of size batch_size, but got {len(in_len)} (batch_size {n})"
        )
    if len(tgt_len) != n:
        raise RuntimeError(
            f"target_lengths must be of size batch_size, but got {len(tgt_len)} (batch_size {n})"
        )
    if blank < 0 or blank >= c:
        raise RuntimeError("blank must be in label range")
    tg = np.asarray(targets._data if isinstance(targets, Tensor) else targets).astype(np.int64)
    if unbatched and tg.ndim == 1 and len(tgt_len) == 1 and tg.shape[0] >= tgt_len[0]:
        tg = tg.reshape(1, -1)
    per = []
    if tg.ndim == 1:
        offsets = np.concatenate([[0], np.cumsum(tgt_len)])
        per = [tg[offsets[b] : offsets[b + 1]] for b in range(n)]
    else:
        for b in range(n):
            if tgt_len[b] > tg.shape[1]:
                raise RuntimeError(
                    f"Expected tensor to have size at least {tgt_len[b]} at dimension 1, but got size "
                    f"{tg.shape[1]} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)"
                )
            per.append(tg[b, : tgt_len[b]])
    for b in range(n):
        if in_len[b] > t_max:
            raise RuntimeError(
                f"Expected input_lengths to have value at most {t_max}, but got value {in_len[b]} (while checking "
                "arguments for ctc_loss_cpu)"
            )
    nll = CtcLoss.apply(lp, per, in_len, tgt_len, blank, zero_infinity)
    if zero_infinity:
        nll = where(nll == float("inf"), 0.0, nll)
    if unbatched:
        nll = nll.reshape(())
    if reduction == "mean":
        denom = Tensor._make(np.maximum(tgt_len, 1).astype(lp._data.dtype).reshape(nll.shape), False, None)
        return (nll / denom).mean()
    if reduction == "sum":
        return nll.sum()
    return nll


def _float32_under_autocast(fn):
    """``fn`` with bfloat16/float16 tensor arguments cast to float32 inside an enabled CPU
    autocast: the losses are on torch's float32 list."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        if _autocast_state.cpu[0]:
            args = [_autocast_state.fp32(a) for a in args]
            kwargs = {k: _autocast_state.fp32(v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)

    return wrapped


for _name in (
    "mse_loss l1_loss smooth_l1_loss huber_loss nll_loss cross_entropy binary_cross_entropy "
    "binary_cross_entropy_with_logits kl_div margin_ranking_loss hinge_embedding_loss soft_margin_loss "
    "multilabel_soft_margin_loss cosine_embedding_loss poisson_nll_loss multi_margin_loss "
    "multilabel_margin_loss triplet_margin_loss ctc_loss"
).split():
    globals()[_name] = _float32_under_autocast(globals()[_name])
del _name
