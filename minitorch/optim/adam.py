"""Adam (with AMSGrad, L2 or decoupled weight decay and ``maximize``)."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _addcdiv_,
    _addcmul_,
    _bump,
    _check_adam_args,
    _check_unsupported,
    _eval_closure,
    _float,
    _grad,
    _lerp_,
    _params,
    _step_tensor,
    _zeros_like,
)

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``.

    Each step ``t``: ``m = beta1 m + (1 - beta1) g``, ``v = beta2 v + (1 - beta2) g^2`` (with
    ``amsgrad``, ``v_max = max(v_max, v)`` is used instead of ``v``), then
    ``p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``. ``weight_decay`` adds
    ``weight_decay * p`` to the gradient (L2), or with ``decoupled_weight_decay=True`` (AdamW)
    shrinks ``p *= 1 - lr * weight_decay`` first.

    State per parameter: ``step`` (0-d float tensor), ``exp_avg``, ``exp_avg_sq`` and, with
    amsgrad, ``max_exp_avg_sq``.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, eps, wd = _float(group["lr"]), _float(group["eps"]), _float(group["weight_decay"])
            beta1, beta2 = (_float(b) for b in group["betas"])
            amsgrad, maximize = group["amsgrad"], group["maximize"]
            decoupled = group.get("decoupled_weight_decay", False)
            for p in _params(group):
                g = _grad(p, maximize)
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                step_t = state["step"]._data
                step_t += 1
                step = float(step_t)
                if wd != 0:
                    if decoupled:
                        p._data *= 1 - lr * wd
                    else:
                        g = g + wd * p._data
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                _addcmul_(v, g, g, 1 - beta2)
                step_size = lr / (1 - beta1**step)
                bc2_sqrt = (1 - beta2**step) ** 0.5
                if amsgrad:
                    vmax = state["max_exp_avg_sq"]._data
                    np.maximum(vmax, v, out=vmax)
                    v = vmax
                denom = np.sqrt(v)
                denom /= bc2_sqrt
                denom += eps
                _addcdiv_(p._data, m, denom, -step_size)
                _bump(p)
        return loss
