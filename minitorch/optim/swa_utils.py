"""Stochastic weight averaging and EMA, as ``torch.optim.swa_utils``: ``AveragedModel`` keeps a
running average (equal weights, or ``avg_fn``/``multi_avg_fn`` such as ``get_ema_multi_avg_fn``) of
a model's parameters, ``SWALR`` anneals the lr to a constant ``swa_lr``, and ``update_bn``
recomputes BatchNorm statistics for the averaged weights."""

from __future__ import annotations

import copy
import itertools
import math

from .._creation import tensor
from .._dtype import int64
from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from ..nn.modules.normalization import _BatchNorm
from ..tensor import Tensor
from .lr_scheduler import LRScheduler, _per_group

__all__ = [
    "AveragedModel",
    "SWALR",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay: float = 0.999):
    """In place, for lists of averaged and current parameters: ``ema = lerp(ema, p, 1 - decay)``."""
    _check_decay(decay)

    def ema_update(ema_params, current_params, _):
        with no_grad():
            for e, p in zip(ema_params, current_params):
                if e.is_floating_point():
                    e.lerp_(p, 1 - decay)
                else:
                    e.copy_(e * decay + p * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """In place: ``avg += (p - avg) / (n + 1)`` (the running mean of the models seen)."""

    def swa_update(averaged_params, current_params, num_averaged):
        n = float(num_averaged)
        with no_grad():
            for a, p in zip(averaged_params, current_params):
                if a.is_floating_point():
                    a.lerp_(p, 1 / (n + 1))
                else:
                    a.add_((p - a) / (n + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999):
    """Out of place: ``decay * ema + (1 - decay) * p``."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """Out of place: ``avg + (p - avg) / (n + 1)``."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A deep copy of ``model`` whose parameters (and buffers, with ``use_buffers``) are averaged
    by ``update_parameters(model)``; the first call copies them. ``n_averaged`` is a buffer."""

    def __init__(
        self, model: Module, device=None, avg_fn=None, multi_avg_fn=None, use_buffers: bool = False
    ) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        if self.use_buffers:
            mine = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            theirs = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            mine, theirs = list(self.parameters()), list(model.parameters())
        mine = [p.detach() for p in mine]
        theirs = [p.detach() for p in theirs]
        n = int(self.n_averaged.item())
        with no_grad():
            if n == 0:
                for a, p in zip(mine, theirs):
                    a.copy_(p)
            elif self.avg_fn is not None:
                for a, p in zip(mine, theirs):
                    a.copy_(self.avg_fn(a, p, self.n_averaged))
            else:
                (self.multi_avg_fn or _swa_by_formula)(mine, theirs, self.n_averaged)
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.copy_(b_model.detach())
            self.n_averaged += 1


def _swa_by_formula(mine, theirs, n_averaged) -> None:
    """torch's CPU default: the out-of-place SWA formula per parameter."""
    avg = get_swa_avg_fn()
    for a, p in zip(mine, theirs):
        a.copy_(avg(a, p, n_averaged))


def update_bn(loader, model: Module, device=None) -> None:
    """One pass over ``loader`` in training mode to recompute every BatchNorm's running statistics
    (as a cumulative average, momentum None); batches may be tensors or tuples whose first item is."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            model(batch if device is None else batch.to(device))
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's lr to ``swa_lr`` over ``anneal_epochs`` ('cos' or 'linear'), then
    keeps it there, as ``torch.optim.swa_utils.SWALR``."""

    def __init__(
        self, optimizer, swa_lr, anneal_epochs: int = 10, anneal_strategy: str = "cos", last_epoch: int = -1
    ):
        for lr, group in zip(_per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2 if self._anneal_strategy == "cos" else t

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        groups = self.optimizer.param_groups
        prev_lrs = [
            g["swa_lr"] if prev_alpha == 1 else (g["lr"] - prev_alpha * g["swa_lr"]) / (1 - prev_alpha)
            for g in groups
        ]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]
