"""RAdam: Adam with a rectified adaptive learning rate, as ``torch.optim.RAdam``."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
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

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam, as ``torch.optim.RAdam``: Adam's moments; while the variance estimate is unreliable
    (``rho_t <= 5``) the step is plain momentum SGD ``p -= lr * m_hat``, afterwards
    ``p -= lr * m_hat * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)`` with the rectification ``r_t``.

    State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq``."""

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        defaults.update(
            foreach=foreach, capturable=capturable, differentiable=differentiable
        )  # torch's flags, kept in each group
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, eps, wd = _float(group["lr"]), _float(group["eps"]), _float(group["weight_decay"])
            beta1, beta2 = (_float(b) for b in group["betas"])
            for p in _params(group):
                g = _grad(p, group["maximize"])
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                step_t = state["step"]._data
                step_t += 1
                step = float(step_t)
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        p._data *= 1 - lr * wd
                    else:
                        g = g + wd * p._data
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                _addcmul_(v, g, g, 1 - beta2)
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                m_hat = m / p._data.dtype.type(bias_correction1)
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                if rho_t > 5.0:
                    rect = (
                        (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                    ) ** 0.5
                    adaptive = np.sqrt(v)
                    adaptive += p._data.dtype.type(eps)
                    adaptive = (bias_correction2**0.5) / adaptive
                    p._data -= m_hat * lr * adaptive * rect
                else:
                    p._data -= m_hat * lr
                _bump(p)
        return loss
