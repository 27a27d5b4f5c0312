"""``Optimizer``: the base class every optimizer shares, shaped like ``torch.optim.Optimizer``.

Hyperparameters live in ``param_groups`` (a list of dicts, one per group of parameters with its
own options); per-parameter state (momentum buffers, running averages) lives in
``self.state[p]``, created on the first ``step``. Updates run in place on ``p._data`` with NumPy:
no graph is recorded, and the arithmetic follows torch's own order of operations so that
float32 results agree with torch's to rounding.
"""

from __future__ import annotations

import copy
import functools
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Singleton marking a hyperparameter that every param group must set (like torch's)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class for optimizers.

    Args:
        params: an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts (param groups),
            each dict holding ``'params'`` plus options that override ``defaults`` for that group.
        defaults: the default hyperparameters (used by groups that do not set them).

    Subclasses implement ``step(closure=None)``, updating ``p._data`` in place for every ``p`` in
    ``group['params']`` whose ``p.grad`` is not None.
    """

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {params.type()}"
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs) -> None:
        # NOTE: wrap each subclass's ``step`` so LR schedulers can warn when they are stepped
        # before the optimizer (torch patches the instance for the same purpose).
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_marks_called", False):

            @functools.wraps(step)
            def wrapper(self, *args, **kw):
                self._opt_called = True
                return step(self, *args, **kw)

            wrapper._marks_called = True
            cls.step = wrapper

    def __repr__(self) -> str:
        out = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"

    # --- parameter groups ---
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own options) to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering "
                "of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are missing"
                )
            param_group["param_names"] = names
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            param_group.setdefault(name, default)
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this "
                "will cause an error",
                stacklevel=3,
            )
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
            if any(id(p) in ids for p in group["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # --- gradients and steps ---
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors (to None by default, else to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        if p.grad.grad_fn is not None:
                            p.grad.detach_()
                        else:
                            p.grad.requires_grad_(False)
                        p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None):
        """Perform one optimization step (subclasses implement it)."""
        raise NotImplementedError

    # --- checkpointing ---
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as ``{'state': {index: {...}}, 'param_groups': [...]}``.

        Parameters are replaced by their position (counting through the groups in order), so the
        dict can be loaded into a new optimizer over a new model built the same way. The state
        tensors are references, as in torch: save the dict (``minitorch.save``) to snapshot it.
        """
        mapping: dict[int, int] = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()`` (values are deep-copied; the optimizer is unchanged on error).

        Floating-point state tensors are cast to their parameter's dtype (``step`` keeps its own).
        """
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast_state(id_map[k], k, v)
            else:
                state[k] = copy.deepcopy(v)
        for g, new in zip(groups, saved_groups):
            new["params"] = g["params"]
            if "param_names" in g and "param_names" not in new:
                new["param_names"] = g["param_names"]
        self.state = state
        self.param_groups = saved_groups


def _cast_state(param: Tensor, index, value, key=None):
    """Deep copy of one parameter's saved state; float tensors take the parameter's dtype."""
    if isinstance(value, Tensor):
        arr = value._data
        if key != "step":
            if param._data.dtype.kind in "fV":
                arr = arr.astype(param._data.dtype, copy=False)
            if arr.shape != param._data.shape:
                raise ValueError(
                    f"loaded state dict has state {key!r} of shape {list(arr.shape)} for parameter "
                    f"{index} of shape {list(param._data.shape)}"
                )
        return Tensor._make(np.array(arr, copy=True), False, None)
    if isinstance(value, dict):
        return {k: _cast_state(param, index, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, index, v) for v in value)
    return copy.deepcopy(value)


# --- helpers shared by the optimizers ---
def _eval_closure(closure):
    """Run ``closure`` (which recomputes the loss and calls backward) with grad enabled."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _float(x) -> float:
    """A hyperparameter as a Python float (accepts 1-element tensors, like torch's tensor lr)."""
    return float(x.item()) if isinstance(x, Tensor) else float(x)


def _grad(p: Tensor, maximize: bool) -> np.ndarray:
    g = p.grad._data
    return -g if maximize else g


def _zeros_like(p: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(p._data), False, None)


def _step_tensor() -> Tensor:
    """The step counter: a 0-d float tensor (float64 when that is the default dtype, as torch)."""
    dt = np.float64 if _dtype.default_float is _dtype.float64 else np.float32
    return Tensor._make(np.zeros((), dt), False, None)


def _bump(p: Tensor) -> None:
    """Mark an in-place update of ``p._data`` (so graphs that saved ``p`` see the change)."""
    p._vc[0] += 1


def _lerp_(a: np.ndarray, b: np.ndarray, w: float) -> None:
    """``a.lerp_(b, w)`` in place, with torch's two formulas (exact at both ends)."""
    w = a.dtype.type(w)
    d = b - a
    if abs(w) < 0.5:
        d *= w
        a += d
    else:
        d *= 1 - w
        np.subtract(b, d, out=a)


def _addcmul_(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> None:
    """``a.addcmul_(t1, t2, value=v)``: ``a + (v * t1) * t2`` as torch evaluates it."""
    tmp = np.multiply(t1, value, dtype=a.dtype)
    tmp *= t2
    a += tmp


def _addcdiv_(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> None:
    """``a.addcdiv_(t1, t2, value=v)``: ``a + (v * t1) / t2`` as torch evaluates it."""
    tmp = np.multiply(t1, value, dtype=a.dtype)
    tmp /= t2
    a += tmp


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _check_adam_args(lr, eps, betas, weight_decay) -> None:
    """The argument checks the Adam family shares, with torch's messages."""
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")
    _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
    _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


def _check_unsupported(**flags: bool) -> None:
    """``capturable`` / ``differentiable`` cannot be honoured (updates run in NumPy, outside
    autograd, on the CPU); ``foreach`` / ``fused`` are accepted and ignored (already vectorised)."""
    for name, value in flags.items():
        if value:
            raise ValueError(f"{name}=True is not supported by minitorch optimizers")


def _params(group) -> Iterable[Tensor]:
    """The parameters of a group that have a gradient (the others are skipped, as in torch)."""
    return (p for p in group["params"] if p.grad is not None)
