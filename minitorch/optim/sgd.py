"""SGD with momentum, dampening, Nesterov momentum, weight decay and ``maximize``."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, _bump, _check, _check_unsupported, _eval_closure, _float, _grad, _params

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    Each step: ``g = grad + weight_decay * p``; with momentum ``b = momentum * b + (1 - dampening)
    * g`` (``b = g`` on the first step), then ``g = g + momentum * b`` (Nesterov) or ``g = b``;
    finally ``p -= lr * g``.

    Example:
        >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_unsupported(differentiable=differentiable)
        _check(lr >= 0.0, f"Invalid learning rate: {lr}")
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        _check(
            not nesterov or (momentum > 0 and dampening == 0),
            "Nesterov momentum requires a momentum and zero dampening",
        )
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss (optional)."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, wd = _float(group["lr"]), _float(group["weight_decay"])
            momentum, dampening = _float(group["momentum"]), _float(group["dampening"])
            nesterov, maximize = group["nesterov"], group["maximize"]
            if momentum == 0 and wd == 0 and not maximize:  # plain SGD: p -= lr * grad, nothing else
                for p in group["params"]:
                    g = p._grad
                    if g is not None:
                        p._data += -lr * g._data
                        p._vc[0] += 1  # _bump(p), inlined
                continue
            for p in _params(group):
                g = _grad(p, maximize)
                if wd != 0:
                    g = g + wd * p._data
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = Tensor._make(np.array(g, copy=True), False, None)
                    else:
                        b = buf._data
                        b *= momentum
                        b += (1 - dampening) * g
                    g = g + momentum * buf._data if nesterov else buf._data
                p._data += -lr * g
                _bump(p)
        return loss
