"""Rprop: resilient backpropagation (sign-based steps), as ``torch.optim.Rprop``."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
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

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Rprop, as ``torch.optim.Rprop``: each weight's step size grows by ``etaplus`` while its
    gradient keeps its sign and shrinks by ``etaminus`` when it flips (that step is then skipped),
    clamped to ``step_sizes``; ``p -= sign(g) * step_size``.

    State per parameter: ``step``, ``prev`` (the last gradient used) and ``step_size``."""

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize)
        defaults.update(
            foreach=foreach, capturable=capturable, differentiable=differentiable
        )  # torch's flags, kept in each group
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            etaminus, etaplus = (_float(e) for e in group["etas"])
            smin, smax = (_float(s) for s in group["step_sizes"])
            for p in _params(group):
                g = _grad(p, group["maximize"])
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["prev"] = _zeros_like(p)
                    state["step_size"] = _zeros_like(p)
                    state["step_size"]._data[...] = _float(group["lr"])
                state["step"]._data += 1
                prev, size = state["prev"]._data, state["step_size"]._data
                sign = np.sign(g * prev)
                factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1)).astype(size.dtype)
                size *= factor
                np.clip(size, smin, smax, out=size)
                g = np.where(factor == size.dtype.type(etaminus), 0, g).astype(g.dtype, copy=False)
                p._data -= np.sign(g) * size
                prev[...] = g
                _bump(p)
        return loss
