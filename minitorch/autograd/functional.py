"""Functional autograd: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``vhp``, ``hvp`` with
``torch.autograd.functional``'s signatures and output shapes."""

from __future__ import annotations

import numpy as np


def _tuple(x):
    from ..tensor import Tensor

    return (x,) if isinstance(x, Tensor) else tuple(x), isinstance(x, Tensor)


def _prep(inputs, create_graph):
    ins, single = _tuple(inputs)
    out = []
    for x in ins:
        t = x if create_graph and x.requires_grad else x.detach()
        if not t.requires_grad:
            t = t.detach().requires_grad_(True) if t.grad_fn is None else t
        out.append(t)
    return tuple(out), single


def _grads(outputs, inputs, grad_outputs, create_graph):
    from ..tensor import Tensor
    from . import grad

    outs = [o for o in outputs]
    res = [None] * len(inputs)
    live = [(o, g) for o, g in zip(outs, grad_outputs) if o.requires_grad]
    if live:
        res = list(
            grad(
                [o for o, _ in live],
                list(inputs),
                [g for _, g in live],
                retain_graph=True,
                create_graph=create_graph,
                allow_unused=True,
            )
        )
    return tuple(
        r if r is not None else Tensor._make(np.zeros_like(x._data), False, None) for r, x in zip(res, inputs)
    )


def _ones_like(o):
    from ..tensor import Tensor

    if o._data.size != 1:
        raise RuntimeError(
            "The vector v can only be None if the user-provided function returns a single Tensor "
            "with a single element."
        )
    return Tensor._make(np.ones_like(o._data), False, None)


def _finish(x, create_graph):
    return x if create_graph else x.detach()


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Returns ``(func(inputs), v^T J)``."""
    ins, single_in = _prep(inputs, create_graph)
    out = func(*ins)
    outs, single_out = _tuple(out)
    vs = [_ones_like(o) for o in outs] if v is None else list(_tuple(v)[0])
    g = _grads(outs, ins, vs, create_graph)
    g = tuple(_finish(x, create_graph) for x in g)
    out = tuple(_finish(o, create_graph) for o in outs)
    return (out[0] if single_out else out), (g[0] if single_in else g)


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Returns ``(func(inputs), J v)`` via the double-backward trick."""
    from ..tensor import Tensor

    ins, single_in = _prep(inputs, create_graph)
    out = func(*ins)
    outs, single_out = _tuple(out)
    if v is None:
        vs = [_ones_like(x) for x in ins]
    else:
        vs = list(_tuple(v)[0])
    dummies = [Tensor._make(np.zeros_like(o._data), True, None) for o in outs]
    g = _grads(outs, ins, dummies, create_graph=True)
    jv = _grads(g, dummies, vs, create_graph)
    jv = tuple(_finish(x, create_graph) for x in jv)
    out = tuple(_finish(o, create_graph) for o in outs)
    return (out[0] if single_out else out), (jv[0] if single_out else jv)


def jacobian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
):
    """The Jacobian: shape ``output.shape + input.shape`` per (output, input) pair, nested like torch."""
    from ..ops.shape import stack
    from ..tensor import Tensor

    ins, single_in = _prep(inputs, create_graph)
    out = func(*ins)
    outs, single_out = _tuple(out)
    table = []
    for o in outs:
        rows = []
        for j in range(o._data.size):
            seed = np.zeros(o._data.shape, o._data.dtype)
            seed.flat[j] = 1
            if o.requires_grad:
                rows.append(_grads([o], ins, [Tensor._make(seed, False, None)], create_graph))
            else:
                rows.append(tuple(Tensor._make(np.zeros_like(x._data), False, None) for x in ins))
        per_in = []
        for i, x in enumerate(ins):
            if rows:
                J = stack([r[i] for r in rows]).reshape(o.shape + x.shape)
            else:
                J = Tensor._make(np.zeros(o._data.shape + x._data.shape, x._data.dtype), False, None)
            per_in.append(_finish(J, create_graph))
        table.append(per_in[0] if single_in else tuple(per_in))
    return table[0] if single_out else tuple(table)


def hessian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
):
    """The Hessian of a scalar function: shape ``input.shape + input.shape``."""
    ins, single_in = _prep(inputs, True)

    def grad_fn(*xs):
        out = func(*xs)
        if out._data.size != 1:
            raise RuntimeError("The function given to hessian should return a single element Tensor")
        return _grads([out], xs, [_ones_like(out)], create_graph=True)

    res = jacobian(grad_fn, ins, create_graph=create_graph)  # tuple in, tuple out: a tuple of tuples
    return res[0][0] if single_in else res


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Returns ``(func(inputs), v^T H)``."""
    ins, single_in = _prep(inputs, True)
    out = func(*ins)
    if out._data.size != 1:
        raise RuntimeError("The function given to vhp should return a single element Tensor")
    g = _grads([out], ins, [_ones_like(out)], create_graph=True)
    vs = list(_tuple(v)[0]) if v is not None else [_ones_like(x) for x in ins]
    h = _grads(g, ins, vs, create_graph)
    h = tuple(_finish(x, create_graph) for x in h)
    return _finish(out, create_graph), (h[0] if single_in else h)


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Returns ``(func(inputs), H v)`` (equal to vhp for the symmetric Hessians of smooth functions)."""
    return vhp(func, inputs, v, create_graph, strict)
