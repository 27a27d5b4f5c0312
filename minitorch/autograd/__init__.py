"""Automatic differentiation: ``Function``, ``backward``, ``grad``, grad modes, ``gradcheck``."""

from __future__ import annotations

from . import anomaly_mode
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, Node, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck


def _as_list(x):
    from ..tensor import Tensor

    if x is None:
        return None
    return [x] if isinstance(x, Tensor) else list(x)


def _default_grads(outputs, grad_outputs):
    import numpy as np

    from ..tensor import Tensor

    grads = [None] * len(outputs) if grad_outputs is None else _as_list(grad_outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(
            f"grad requires one grad_output per output: got {len(grads)} for {len(outputs)} outputs"
        )
    out = []
    for o, g in zip(outputs, grads):
        if g is None:
            if o._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = Tensor._make(np.ones_like(o._data), False, None)
        out.append(g)
    return out


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate grads of ``tensors`` into the leaves' ``.grad`` (as ``torch.autograd.backward``)."""
    from .engine import run_backward

    tensors = _as_list(tensors)
    grads = _default_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(tensors, grads, retain_graph, create_graph)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=None,
    materialize_grads=False,
):
    """Return d(outputs)/d(inputs) without touching any ``.grad`` (as ``torch.autograd.grad``)."""
    from ..tensor import Tensor
    from .engine import run_backward

    outputs = _as_list(outputs)
    single = isinstance(inputs, Tensor)
    ins = _as_list(inputs)
    for x in ins:
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _default_grads(outputs, grad_outputs)
    res = run_backward(outputs, grads, retain_graph, create_graph, ins, allow_unused)
    if materialize_grads:
        import numpy as np

        res = tuple(
            r if r is not None else Tensor._make(np.zeros_like(x._data), False, None)
            for r, x in zip(res, ins)
        )
    return res if not single else res


from . import functional, graph, profiler  # noqa: E402
from .variable import Variable  # noqa: E402

__all__ = [
    "Function",
    "Node",
    "backward",
    "grad",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "inference_mode",
    "gradcheck",
    "gradgradcheck",
    "functional",
    "graph",
    "once_differentiable",
    "anomaly_mode",
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
    "Variable",
]
