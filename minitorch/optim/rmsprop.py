"""RMSprop (with momentum, centered variant, weight decay and ``maximize``)."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _addcdiv_,
    _addcmul_,
    _bump,
    _check,
    _check_unsupported,
    _eval_closure,
    _float,
    _grad,
    _lerp_,
    _params,
    _step_tensor,
    _zeros_like,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``.

    Each step: ``v = alpha v + (1 - alpha) g^2``; ``avg = sqrt(v) + eps`` (centered:
    ``sqrt(v - mean_g^2) + eps`` with ``mean_g`` a running mean of ``g``); then ``p -= lr g / avg``,
    or with momentum ``b = momentum b + g / avg; p -= lr b``.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            maximize=maximize,
        )
        defaults.update(
            foreach=foreach, capturable=capturable, differentiable=differentiable
        )  # torch's flags, kept in each group
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, alpha, eps = _float(group["lr"]), _float(group["alpha"]), _float(group["eps"])
            wd, momentum = _float(group["weight_decay"]), _float(group["momentum"])
            centered, maximize = group["centered"], group["maximize"]
            for p in _params(group):
                g = _grad(p, maximize)
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        state["grad_avg"] = _zeros_like(p)
                state["step"]._data += 1
                if wd != 0:
                    g = g + wd * p._data
                sq = state["square_avg"]._data
                sq *= alpha
                _addcmul_(sq, g, g, 1 - alpha)
                if centered:
                    ga = state["grad_avg"]._data
                    _lerp_(ga, g, 1 - alpha)
                    avg = sq.copy()
                    _addcmul_(avg, ga, ga, -1)
                    np.sqrt(avg, out=avg)
                else:
                    avg = np.sqrt(sq)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    _addcdiv_(buf, g, avg, 1)
                    p._data += -lr * buf
                else:
                    _addcdiv_(p._data, g, avg, -lr)
                _bump(p)
        return loss
