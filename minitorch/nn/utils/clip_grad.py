"""Gradient clipping, as ``torch.nn.utils``: call between ``backward()`` and ``step()``."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _params(parameters) -> list:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _norm(x: np.ndarray, p: float):
    """The p-norm of all elements of ``x``, computed in x's dtype (as torch)."""
    flat = x.reshape(-1)
    if p == np.inf:
        return np.abs(flat).max() if flat.size else x.dtype.type(0)
    if p == 2:
        return np.sqrt(np.dot(flat, flat))
    if p == 1:
        return np.abs(flat).sum()
    if p == 0:
        return x.dtype.type(np.count_nonzero(flat))
    return (np.abs(flat) ** p).sum() ** (1.0 / p)


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """The norm of the per-tensor norms: the norm of all elements viewed as one vector."""
    tensors = [t for t in _params(tensors) if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return Tensor._make(np.asarray(0.0, np.float32), False, None)
    norms = [_norm(t._data, norm_type) for t in tensors]
    dt = np.result_type(*[t._data.dtype for t in tensors])
    total = np.asarray(_norm(np.asarray(norms, dtype=dt), norm_type), dtype=dt)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot "
            "be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return Tensor._make(total, False, None)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach=None) -> None:
    """Scale every grad in place by ``min(1, max_norm / (total_norm + 1e-6))``."""
    grads = [p.grad for p in _params(parameters) if p.grad is not None]
    if not grads:
        return
    tn = total_norm._data if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    dt = tn.dtype.type
    coef = min(dt(float(max_norm)) / (tn + dt(1e-6)), dt(1.0))
    for g in grads:
        g._data *= g._data.dtype.type(coef)
        g._vc[0] += 1


def clip_grad_norm_(
    parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None
) -> Tensor:
    """Rescale the grads of ``parameters`` in place so that their joint norm is at most ``max_norm``.

    Returns the total norm before clipping (a 0-d Tensor), as torch. ``norm_type`` may be
    ``float('inf')``. With ``error_if_nonfinite=True`` a nan/inf total norm raises RuntimeError.

    Example::

        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
    """
    params = _params(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_norm(
    parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None
) -> Tensor:
    """Deprecated alias of :func:`clip_grad_norm_`."""
    import warnings

    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every grad in place to ``[-clip_value, clip_value]``."""
    clip_value = float(clip_value)
    for p in _params(parameters):
        if p.grad is not None:
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)
            p.grad._vc[0] += 1
