"""Adadelta (with weight decay and ``maximize``)."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _addcmul_,
    _bump,
    _check,
    _check_unsupported,
    _eval_closure,
    _float,
    _grad,
    _params,
    _step_tensor,
    _zeros_like,
)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta, as ``torch.optim.Adadelta``.

    Each step: ``v = rho v + (1 - rho) g^2``; ``d = sqrt(u + eps) / sqrt(v + eps) * g``;
    ``u = rho u + (1 - rho) d^2``; ``p -= lr d``.
    """

    def __init__(
        self,
        params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        defaults.update(
            foreach=foreach, capturable=capturable, differentiable=differentiable
        )  # torch's flags, kept in each group
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, rho, eps = _float(group["lr"]), _float(group["rho"]), _float(group["eps"])
            wd, maximize = _float(group["weight_decay"]), group["maximize"]
            for p in _params(group):
                g = _grad(p, maximize)
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["square_avg"] = _zeros_like(p)
                    state["acc_delta"] = _zeros_like(p)
                state["step"]._data += 1
                if wd != 0:
                    g = g + wd * p._data
                sq, acc = state["square_avg"]._data, state["acc_delta"]._data
                sq *= rho
                _addcmul_(sq, g, g, 1 - rho)
                std = sq + eps
                np.sqrt(std, out=std)
                delta = acc + eps
                np.sqrt(delta, out=delta)
                delta /= std
                delta *= g
                acc *= rho
                _addcmul_(acc, delta, delta, 1 - rho)
                p._data += -lr * delta
                _bump(p)
        return loss
