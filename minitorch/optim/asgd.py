"""ASGD: averaged stochastic gradient descent, as ``torch.optim.ASGD``."""

from __future__ import annotations

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

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """ASGD, as ``torch.optim.ASGD``: ``p = p (1 - lambd eta) - eta g``; the average ``ax`` of the
    iterates starts after ``t0`` steps; ``eta = lr / (1 + lambd lr t)^alpha``.

    State per parameter: ``step``, ``eta``, ``mu`` (0-d tensors) and ``ax``."""

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_unsupported(capturable=capturable, differentiable=differentiable)
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, maximize=maximize)
        defaults.update(
            foreach=foreach, capturable=capturable, differentiable=differentiable
        )  # torch's flags, kept in each group
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, wd = _float(group["lr"]), _float(group["weight_decay"])
            lambd, alpha, t0 = _float(group["lambd"]), _float(group["alpha"]), _float(group["t0"])
            for p in _params(group):
                g = _grad(p, group["maximize"])
                state = self.state[p]
                if not state:
                    state["step"] = _step_tensor()
                    state["eta"] = _step_tensor()
                    state["eta"]._data[...] = lr
                    state["mu"] = _step_tensor()
                    state["mu"]._data[...] = 1.0
                    state["ax"] = _zeros_like(p)
                step_t = state["step"]._data
                step_t += 1
                if wd != 0:
                    g = g + wd * p._data
                eta = float(state["eta"]._data)
                p._data *= 1 - lambd * eta
                p._data -= p._data.dtype.type(eta) * g
                ax, mu = state["ax"]._data, float(state["mu"]._data)
                if mu != 1:
                    ax += (p._data - ax) * p._data.dtype.type(mu)
                else:
                    ax[...] = p._data
                step = float(step_t)
                state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** alpha)
                state["mu"]._data[...] = 1 / max(1, step - t0)
                _bump(p)
        return loss
