"""Adamax: Adam with the infinity norm, as ``torch.optim.Adamax``."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _addcdiv_,
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

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, as ``torch.optim.Adamax``: ``m = beta1 m + (1 - beta1) g``,
    ``u = max(beta2 u, |g| + eps)``, ``p -= lr / (1 - beta1^t) * m / u``.

    State per parameter: ``step``, ``exp_avg``, ``exp_inf``."""

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize)
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
                    state["exp_inf"] = _zeros_like(p)
                step_t = state["step"]._data
                step_t += 1
                if wd != 0:
                    g = g + wd * p._data
                m, u = state["exp_avg"]._data, state["exp_inf"]._data
                _lerp_(m, g, 1 - beta1)
                u *= beta2
                np.maximum(u, np.abs(g) + p._data.dtype.type(eps), out=u)
                clr = lr / (1 - beta1 ** float(step_t))
                _addcdiv_(p._data, m, u, -clr)
                _bump(p)
        return loss
