"""NAdam: Adam with Nesterov momentum and momentum decay, as ``torch.optim.NAdam``."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _addcdiv_,
    _addcmul_,
    _bump,
    _check,
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

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam, as ``torch.optim.NAdam``: ``mu_t = beta1 (1 - 0.5 * 0.96^(t psi))`` (``psi`` is
    ``momentum_decay``), Adam's moments, then
    ``p -= lr (1 - mu_t) / (1 - prod mu) * g / d + lr mu_{t+1} / (1 - prod mu * mu_{t+1}) * m / d``
    with ``d = sqrt(v / (1 - beta2^t)) + eps``.

    State per parameter: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``."""

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check_adam_args(lr, eps, betas, weight_decay)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
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
            lr, eps, wd = _float(group["lr"]), _float(group["eps"]), _float(group["weight_decay"])
            beta1, beta2 = (_float(b) for b in group["betas"])
            psi = _float(group["momentum_decay"])
            for p in _params(group):
                g = _grad(p, group["maximize"])
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["mu_product"] = _step_tensor()
                    state["mu_product"]._data[...] = 1.0
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                step_t = state["step"]._data
                step_t += 1
                step = float(step_t)
                bias_correction2 = 1 - beta2**step
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        p._data *= 1 - lr * wd
                    else:
                        g = g + wd * p._data
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
                mp = state["mu_product"]._data
                mp *= mu
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                _addcmul_(v, g, g, 1 - beta2)
                denom = np.sqrt(v / p._data.dtype.type(bias_correction2))
                denom += p._data.dtype.type(eps)
                mu_product = float(mp)
                mu_product_next = mu_product * mu_next
                _addcdiv_(p._data, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
                _addcdiv_(p._data, m, denom, (-lr * mu_next) / (1.0 - mu_product_next))
                _bump(p)
        return loss
