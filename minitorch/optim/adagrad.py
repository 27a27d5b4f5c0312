"""Adagrad (with learning-rate decay, weight decay and ``maximize``)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
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
    _params,
    _step_tensor,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``.

    Each step ``t``: ``s += g^2``; ``p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)``.
    The state (``step``, ``sum`` filled with ``initial_accumulator_value``) is created at
    construction, as in torch.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_unsupported(differentiable=differentiable)
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(
            0.0 <= initial_accumulator_value,
            f"Invalid initial_accumulator_value value: {initial_accumulator_value}",
        )
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            maximize=maximize,
        )
        defaults.update(
            foreach=foreach, differentiable=differentiable, fused=fused
        )  # torch's flags, kept in each group
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group) -> dict:
        state = self.state[p]
        if not state:
            state["step"] = _step_tensor()
            init = _float(group["initial_accumulator_value"])
            state["sum"] = Tensor._make(np.full_like(p._data, init), False, None)
        return state

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, lr_decay, eps = _float(group["lr"]), _float(group["lr_decay"]), _float(group["eps"])
            wd, maximize = _float(group["weight_decay"]), group["maximize"]
            for p in _params(group):
                g = _grad(p, maximize)
                state = self._init_state(p, group)
                step_t = state["step"]._data
                step_t += 1
                step = float(step_t)
                if wd != 0:
                    g = g + wd * p._data
                clr = lr / (1 + (step - 1) * lr_decay)
                s = state["sum"]._data
                _addcmul_(s, g, g, 1)
                std = np.sqrt(s)
                std += eps
                _addcdiv_(p._data, g, std, -clr)
                _bump(p)
        return loss
