"""The backward engine: an iterative walk of the graph in dependency order.

1. Count, for every node reachable from the roots, how many edges point at it.
2. Start from the roots with their output grads; run a node only once all the grads flowing
   into it have been summed (its count reached zero), so each node runs exactly once.
3. Each node's input grads are summed back to the input's shape (broadcast reduction lives here
   and nowhere else) and passed down its edges; ``AccumulateGrad`` nodes add into ``leaf.grad``.

No recursion anywhere, so a 20,000-op chain is fine.
"""

from __future__ import annotations

import numpy as np

from . import anomaly_mode, grad_mode
from .function import AccumulateGrad, _check_hook_result

_state = grad_mode._state
_anomaly = anomaly_mode._state


def _sum_to_shape(g, shape, dtype):
    """Sum a gradient shaped like a broadcast result back to ``shape`` (and cast to ``dtype``)."""
    gshape = g._data.shape
    if gshape != shape:
        lead = len(gshape) - len(shape)
        if lead < 0 or any(n != 1 and n != gshape[i + lead] for i, n in enumerate(shape)):
            raise RuntimeError(
                f"invalid gradient - got shape {list(gshape)} for an input of shape {list(shape)}; a "
                "backward must return a grad of its input's shape or of a shape that it broadcasts to"
            )
        axes = tuple(range(lead)) + tuple(
            i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1
        )
        if axes:
            g = g.sum(axes, keepdim=True)
        if lead:
            g = g.reshape(shape)
        elif g._data.shape != shape:
            g = g.reshape(shape)
    if g._data.dtype != dtype:
        g = g.to(dtype)
    return g


def _collect(roots):
    """Dependency counts for every node reachable from ``roots`` (explicit stack)."""
    deps: dict = {}
    seen = set()
    stack = [n for n in roots if n is not None]
    for n in stack:
        seen.add(n)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _needed(roots, seen, targets):
    """Nodes that lie on a path from a root to one of ``targets`` (for ``autograd.grad``)."""
    needed = set(targets)
    # iterative post-order over the DAG
    order, visited, stack = [], set(), [(n, False) for n in roots if n is not None]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in visited:
                stack.append((nxt, False))
    for node in order:  # children come before parents
        if node not in needed and any(n in needed for n, _ in node.next_functions if n is not None):
            needed.add(node)
    return needed


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None, allow_unused=False):
    """Backpropagate from ``tensors``. With ``inputs``, return their grads instead of accumulating."""
    from ..tensor import Tensor

    roots, root_grads = [], []
    for t, g in zip(tensors, grad_tensors):
        if not t.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if t._base is not None and t._hist_version != t._vc[0]:
            t._regenerate_history()  # a view whose base changed in place: its current history
        node = t.grad_fn if t.grad_fn is not None else t._accumulator()
        roots.append((node, t._output_nr))
        root_grads.append(g)

    deps, seen = _collect([n for n, _ in roots])
    capture = None
    needed = None
    if inputs is not None:
        capture = {}  # (node, output_nr) -> index into inputs
        for i, x in enumerate(inputs):
            if x._base is not None and x._hist_version != x._vc[0]:
                x._regenerate_history()
            key = (x.grad_fn, x._output_nr) if x.grad_fn is not None else (x._accumulator(), 0)
            capture.setdefault(key, []).append(i)
        needed = _needed([n for n, _ in roots], seen, {k[0] for k in capture})
    results = [None] * (len(inputs) if inputs is not None else 0)

    # grad buffers: node -> list of per-output grads
    buffers: dict = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.setdefault(node, [None] * _n_outputs(node))
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    prev = _state.enabled
    _state.enabled = create_graph
    # ids of grad tensors that a leaf's .grad, the caller, a hook or a custom Function may hold:
    # a leaf that receives one of them stores a copy
    stored = {id(g) for g in root_grads}
    try:
        ready = [n for n, _ in roots if deps.get(n, 0) == 0]
        ready = list(dict.fromkeys(ready))
        while ready:
            node = ready.pop()
            grads = buffers.pop(node)
            if node._pre_hooks:
                for nr, hooks in node._pre_hooks.items():
                    for hook in list(hooks):
                        if grads[nr] is not None:
                            new = hook(grads[nr])
                            if new is not None:
                                _check_hook_result(hook, grads[nr], new)
                                grads[nr] = new
                                stored.add(id(new))
            if capture is not None:
                for nr, g in enumerate(grads):
                    for i in capture.get((node, nr), ()):
                        results[i] = g
            if isinstance(node, AccumulateGrad):
                if inputs is None:
                    _accumulate(node.variable, grads[0], create_graph, stored)
                continue
            if needed is not None and node not in needed:
                _release_subtree(node, deps, ready, buffers, retain_graph)
                continue
            if node._materialize and any(g is None for g in grads):
                grads = [g if g is not None else _zeros(meta) for g, meta in zip(grads, node._output_meta)]
            in_grads = node.apply(*grads)
            if not isinstance(in_grads, tuple):
                in_grads = (in_grads,)
            if _anomaly.enabled:
                anomaly_mode._check(node, in_grads)
            if not node._forward_cls._builtin:  # a custom backward may return tensors it keeps
                stored.update(id(g) for g in in_grads)
            if node._hooks:
                for hook in node._hooks:
                    res = hook(in_grads, tuple(grads))
                    if res is not None:
                        in_grads = tuple(res)
                        stored.update(id(g) for g in in_grads)
            if not retain_graph:
                node._release()
            nf = node.next_functions
            if len(in_grads) < len(nf):
                raise RuntimeError(
                    f"function {node.name()} returned an incorrect number of gradients "
                    f"(expected {len(nf)}, got {len(in_grads)})"
                )
            for (nxt, nr), g, meta in zip(nf, in_grads, node._input_meta):
                if nxt is None:
                    continue
                if g is not None:
                    if not isinstance(g, Tensor):
                        raise TypeError(
                            f"{node.name()} returned a gradient of type {type(g).__name__}; "
                            "backward must return Tensors or None"
                        )
                    gd = g._data
                    if gd.shape != meta[0] or gd.dtype != meta[1]:  # NOTE: most grads match already
                        try:
                            g = _sum_to_shape(g, meta[0], meta[1])
                        except RuntimeError as e:
                            raise RuntimeError(f"Function {node.name()} returned an {e}") from None
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * _n_outputs(nxt)
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    if nxt in buffers:
                        ready.append(nxt)
                    else:
                        _release_subtree(nxt, deps, ready, buffers, retain_graph)
    finally:
        _state.enabled = prev

    if inputs is not None:
        for r in results:
            if r is None and not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        return tuple(results)
    return None


def _n_outputs(node) -> int:
    return getattr(node, "_n_outputs", 1)


def _zeros(meta):
    from ..tensor import Tensor

    return Tensor._make(np.zeros(meta[0], meta[1]), False, None)


def _release_subtree(node, deps, ready, buffers, retain_graph):
    """A node that will not run: its children lose one pending edge each (iteratively)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if not retain_graph and not isinstance(n, AccumulateGrad):
            n._release()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0:
                (ready if nxt in buffers else stack).append(nxt)


def _accumulate(var, g, create_graph, stored):
    """``var.grad += g``, without aliasing one grad tensor between two leaves (or with the caller)."""
    if var.grad is None:
        seen = id(g) in stored
        stored.add(id(g))
        if create_graph:
            var.grad = g.clone() if seen else g
            return
        g = g.detach()
        arr = g._data
        # NOTE: .grad must own its buffer (it is added to in place, optimizers update it in place):
        # copy broadcast views, views of other memory and grads that someone else may hold.
        if seen or not (arr.flags.owndata and arr.flags.writeable):
            g._data = arr.copy()
        var.grad = g
    elif create_graph or var.grad.requires_grad:
        var.grad = var.grad + g
    elif var.grad._data.shape == g._data.shape and var.grad._data.flags.writeable:
        np.add(var.grad._data, g._data, out=var.grad._data, casting="unsafe")
        var.grad._vc[0] += 1
    else:
        var.grad = var.grad + g
