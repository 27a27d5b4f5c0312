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
from . import function as _function
from .function import AccumulateGrad, _check_hook_result, quiet_off, quiet_on

_state = grad_mode._state
_anomaly = anomaly_mode._state


def _broadcast_axes(gshape: tuple, shape: tuple) -> tuple:
    """How a grad of ``gshape`` broadcasts from ``shape``: (number of leading dims to drop, the
    size-1 dims of ``shape`` it widened, as axes of ``gshape``); torch's error if it cannot."""
    lead = len(gshape) - len(shape)
    if lead < 0 or any(n != 1 and n != gshape[i + lead] for i, n in enumerate(shape)):
        raise RuntimeError(
            f"invalid gradient - got shape {list(gshape)} for an input of shape {list(shape)}; a "
            "backward must return a grad of its input's shape or of a shape that it broadcasts to"
        )
    return lead, tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)


def _sum_to_shape(g, shape, dtype):
    """Sum a gradient shaped like a broadcast result back to ``shape`` (and cast to ``dtype``)."""
    gshape = g._data.shape
    if gshape != shape:
        lead, inner = _broadcast_axes(gshape, shape)
        axes = tuple(range(lead)) + inner
        if axes:
            g = g.sum(axes, keepdim=True)
        if lead:
            g = g.reshape(shape)
        elif g._data.shape != shape:
            g = g.reshape(shape)
    if g._data.dtype != dtype:
        g = g.to(dtype)
    return g


_SUM_TO_SHAPE = _sum_to_shape


def _count_deps(roots) -> dict:
    """How many edges point at each node reachable from ``roots`` (explicit stack): a node is
    pushed when first reached, except a root, which is on the stack already."""
    deps: dict = {}
    stack = [n for n in roots if n is not None]
    rootset = set(stack)
    pop, push = stack.pop, stack.append
    while stack:
        for nxt, _ in pop().next_functions:
            if nxt is None:
                continue
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
                if nxt.next_functions and nxt not in rootset:
                    push(nxt)
    return deps


def _collect(roots):
    """Dependency counts for every node reachable from ``roots``, and the set of those nodes."""
    deps = _count_deps(roots)
    seen = set(deps)
    seen.update(n for n in roots if n is not None)
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

    if not create_graph and inputs is None and not _anomaly.enabled:
        return _run_fast(roots, [g._data for g in root_grads], retain_graph)

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
    token = quiet_on()  # NumPy's floating-point warnings off for the walk, as in _run_fast
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
                    _post_accumulate_hooks(node.variable)
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
        quiet_off(token)
        _state.enabled = prev

    if inputs is not None:
        for i, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
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


def _post_accumulate_hooks(var) -> None:
    """Tensor.register_post_accumulate_grad_hook: ``hook(leaf)`` after its ``.grad`` is updated."""
    hooks = var.__dict__.get("_post_acc_hooks")
    if hooks:
        for hook in list(hooks):
            res = hook(var)
            if res is not None:  # as torch: these hooks cannot replace anything
                raise TypeError(
                    f"expected None from a post accumulate grad hook, but hook returned '{type(res).__name__}'"
                )


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


# --- the fast path: ``create_graph=False`` (no graph of the backward), no ``inputs=``, no anomaly mode ---
#
# Grads flow as NumPy arrays: each node's ``backward_np`` (the built-in ops that have one) computes
# on them directly; any other node (a custom Function, an op without one, a node with hooks) gets
# them wrapped as Tensors and runs its ``backward`` with grad mode off, and its results are
# unwrapped. Tensor hooks see Tensors as always. NumPy's floating-point warnings are off for the
# whole walk (torch prints none for inf/NaN grads), which costs one switch per backward.


def _run_fast(roots, root_grads, retain_graph):
    deps = _count_deps([n for n, _ in roots])
    buffers: dict = {}
    stored = set()  # ids of arrays someone else may hold (see _accumulate)
    for (node, nr), g in zip(roots, root_grads):
        g = np.asarray(g)
        stored.add(id(g))
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    ready = list(dict.fromkeys(n for n, _ in roots if deps.get(n, 0) == 0))

    prev = _state.enabled
    _state.enabled = False
    token = quiet_on()
    ndarray = np.ndarray
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node)
            if node._pre_hooks:
                _pre_hooks_np(node, grads, stored)
            fast = node._np_backward
            if fast is None:
                if isinstance(node, AccumulateGrad):
                    _accumulate_np(node.variable, grads[0], stored)
                    _post_accumulate_hooks(node.variable)
                    continue
                in_grads = _apply_wrapped(node, grads, stored)
            elif node._hooks is not None and node._hooks:
                in_grads = _apply_wrapped(node, grads, stored)
            else:
                if len(grads) > 1 and any(g is None for g in grads):
                    grads = [g if g is not None else np.zeros(*m) for g, m in zip(grads, node._output_meta)]
                in_grads = fast(node, *grads)
                if in_grads is NotImplemented:  # this case is left to the Tensor backward
                    in_grads = _apply_wrapped(node, grads, stored)
            if not retain_graph:
                node._saved = node._out_data = None  # node._release(), inlined
                node._freed = True
            leaves = None
            for (nxt, nr), g, meta in zip(node.next_functions, in_grads, node._input_meta):
                if nxt is None:
                    continue
                if g is not None:
                    if g.__class__ is not ndarray:
                        g = np.asarray(g)
                    if g.shape != meta[0] or g.dtype != meta[1]:
                        try:
                            if _sum_to_shape is _SUM_TO_SHAPE:
                                g = _sum_to_shape_np(g, meta[0], meta[1])
                            else:  # replaced (a test's spy): give it the Tensor it expects
                                g = _sum_to_shape(_function.Tensor._make(g, False, None), *meta)._data
                        except RuntimeError as e:
                            raise RuntimeError(f"Function {node.name()} returned an {e}") from None
                    buf = buffers.get(nxt)
                    if buf is None:
                        if nxt._is_leaf_node and deps[nxt] == 1:
                            # NOTE: a leaf's only edge: accumulate right after this node (torch runs
                            # AccumulateGrad first among ready nodes too), not through the buffers
                            # and the stack; in the order the stack would have popped them
                            deps[nxt] = 0
                            if leaves is None:
                                leaves = []
                            leaves.append((nxt, g))
                            continue
                        n_out = nxt._n_outputs
                        if n_out == 1:
                            buffers[nxt] = [g]
                        else:
                            buf = buffers[nxt] = [None] * n_out
                            buf[nr] = g
                    elif buf[nr] is None:
                        buf[nr] = g
                    else:
                        buf[nr] = buf[nr] + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    if nxt in buffers:
                        ready.append(nxt)
                    else:
                        _release_subtree(nxt, deps, ready, buffers, retain_graph)
            if leaves is not None:
                for acc, g in reversed(leaves):
                    if acc._pre_hooks:  # the leaf's tensor hooks
                        grads = [g]
                        _pre_hooks_np(acc, grads, stored)
                        g = grads[0]
                    var = acc.variable
                    _accumulate_np(var, g, stored)
                    _post_accumulate_hooks(var)
    finally:
        quiet_off(token)
        _state.enabled = prev


def _wrap(arr, stored, keep=True):
    """An array as a Tensor; ``keep``: handed to user code, which may keep it (a leaf must copy it)."""
    if keep:
        stored.add(id(arr))
    return _function.Tensor._make(arr, False, None)


def _pre_hooks_np(node, grads, stored) -> None:
    for nr, hooks in node._pre_hooks.items():
        if not hooks or grads[nr] is None:
            continue
        g = _wrap(grads[nr], stored)
        for hook in list(hooks):
            new = hook(g)
            if new is not None:
                _check_hook_result(hook, g, new)
                g = new
        grads[nr] = _unwrap(g, stored)


def _unwrap(t, stored):
    arr = t._data
    stored.add(id(arr))
    return arr


def _apply_wrapped(node, grads, stored):
    """Run a node's Tensor ``backward`` (grad mode is off) on wrapped grads; return arrays."""
    Tensor = _function.Tensor
    user = not node._forward_cls._builtin or bool(node._hooks)
    tgrads = [None if g is None else _wrap(g, stored, user) for g in grads]
    if node._materialize and any(g is None for g in tgrads):
        tgrads = [g if g is not None else _zeros(meta) for g, meta in zip(tgrads, node._output_meta)]
    in_grads = node.apply(*tgrads)
    if not isinstance(in_grads, tuple):
        in_grads = (in_grads,)
    if node._hooks:
        for hook in node._hooks:
            res = hook(in_grads, tuple(tgrads))
            if res is not None:
                in_grads = tuple(res)
    nf = node.next_functions
    if len(in_grads) < len(nf):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(nf)}, got {len(in_grads)})"
        )
    out = []
    for g, (nxt, _) in zip(in_grads, nf):
        if g is None or nxt is None:
            out.append(None)
        elif not isinstance(g, Tensor):
            raise TypeError(
                f"{node.name()} returned a gradient of type {type(g).__name__}; "
                "backward must return Tensors or None"
            )
        else:  # a custom backward or a hook may keep the tensors it returns
            out.append(_unwrap(g, stored) if user else g._data)
    return out


def _sum_to_shape_np(g, shape, dtype):
    """``_sum_to_shape`` on an array."""
    gshape = g.shape
    if gshape != shape:
        lead, inner = _broadcast_axes(gshape, shape)
        if inner:
            g = np.add.reduce(g, axis=tuple(range(lead)) + inner, keepdims=True)
        elif lead:  # only leading dims to drop (a bias): no keepdims, no reshape
            g = np.add.reduce(g, axis=tuple(range(lead)))
        if g.shape != shape:
            g = g.reshape(shape)
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


def _accumulate_np(var, g, stored) -> None:
    """``_accumulate`` for an array grad (grad mode is off)."""
    Tensor = _function.Tensor
    old = var._grad
    if old is None:
        i = id(g)
        if i in stored or not (g.flags.owndata and g.flags.writeable):
            g = g.copy()  # NOTE: .grad must own its buffer (see _accumulate)
        else:
            stored.add(i)
        d = var._data
        if g.shape == d.shape and g.dtype == d.dtype:
            var._grad = Tensor._make(g, False, None)  # what the ``grad`` setter checks holds
        else:
            var.grad = Tensor._make(g, False, None)  # (raises the setter's error)
    elif old._rg or not (old._data.shape == g.shape and old._data.flags.writeable):
        var.grad = old + Tensor._make(g, False, None)
    else:
        np.add(old._data, g, out=old._data, casting="unsafe")
        old._vc[0] += 1
