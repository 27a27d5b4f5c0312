"""``graph(tensor)``: the backward graph behind a tensor, as an indented tree or Graphviz DOT.

Every op that records a node links it to the nodes of its inputs (``node.next_functions``); a
leaf that requires grad ends in an ``AccumulateGrad`` node. Walking those links from
``loss.grad_fn`` shows exactly what ``loss.backward()`` will visit::

    >>> loss = (model(x) - y).pow(2).sum()
    >>> print(teach.graph(loss, params=model).text())
    SumBackward0  [] float64
    └── PowBackward0  [1, 1] float64
        └── SubBackward0  [1, 1] float64
            └── SigmoidBackward0  [1, 1] float64
                └── AddmmBackward0  [1, 1] float64
                    ├── ReluBackward0  [1, 2] float64
                    │   └── AddmmBackward0  [1, 2] float64
                    │       ├── AccumulateGrad hidden.weight  [2, 2] float64
                    │       └── AccumulateGrad hidden.bias  [2] float64
                    ├── AccumulateGrad out.weight  [1, 2] float64
                    └── AccumulateGrad out.bias  [1] float64
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

import numpy as np

from ..autograd.function import AccumulateGrad
from ..tensor import Tensor
from .display import esc, wrap
from .drawing import Box, layered_svg

__all__ = ["Graph", "GraphNode", "graph", "module_scopes"]

DOT_HINT = (
    "Graphviz's `dot` is not installed, so this is minitorch's own drawing; for Graphviz's layout "
    "install it (apt-get install graphviz, brew install graphviz or conda install graphviz)"
)


def _shape_str(shape) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _leaf_names(params) -> dict:
    """``id(tensor) -> name`` from a Module, a ``{name: tensor}`` mapping or ``(name, tensor)`` pairs."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        params = params.named_parameters()
    if isinstance(params, Mapping):
        params = params.items()
    names = {}
    for name, t in params:
        if not isinstance(t, Tensor):
            raise TypeError(f"params: expected name -> Tensor pairs, got {type(t).__name__} for {name!r}")
        names.setdefault(id(t), name)
    return names


def _caller_names(frame) -> dict:
    """``id(tensor) -> name`` for the tensors and modules bound to names in ``frame``: a tensor
    that requires grad is named by its variable, a module's parameters as ``var.param``."""
    names: dict = {}
    if frame is None:
        return names
    scope = {**frame.f_globals, **frame.f_locals}
    for var, value in scope.items():
        if var.startswith("_"):
            continue
        if isinstance(value, Tensor) and value.requires_grad:
            names.setdefault(id(value), var)
        elif hasattr(value, "named_parameters") and hasattr(value, "_modules"):
            for pname, p in value.named_parameters():
                names.setdefault(id(p), f"{var}.{pname}")
    return names


def _names(params, frame) -> dict:
    """Leaf names: ``params`` first, then the caller's variables."""
    names = _caller_names(frame)
    names.update(_leaf_names(params))
    return names


def _grad_str(g) -> str:
    arr = g._data.astype(np.float64, copy=False)
    return f"grad {_shape_str(arr.shape)} |g|={np.sqrt(np.vdot(arr, arr)):.3g}"


def _root_node(tensor: Tensor, who: str):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{who}() expects a Tensor, got {type(tensor).__name__}")
    if tensor.grad_fn is not None:
        return tensor.grad_fn
    if tensor.requires_grad:
        return tensor._accumulator()
    raise RuntimeError(
        f"{who}(): the tensor does not require grad and has no grad_fn, so no graph was recorded. "
        "Create the inputs with requires_grad=True (or use a model's parameters) and do not "
        "compute under no_grad()."
    )


def walk(root) -> list:
    """Every node reachable from ``root``, in depth-first pre-order (edges in ``next_functions``
    order), each once. Iterative: a 20,000-op chain is fine."""
    order, seen, stack = [], {root}, [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for nxt, _ in reversed(node.next_functions):  # reversed: the first edge is visited first
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return order


class GraphNode:
    """One node of a :class:`Graph`.

    Attributes:
        index: position in ``Graph.nodes`` (depth-first pre-order from the root, root = 0).
        node: the autograd node itself (``tensor.grad_fn`` or a leaf's ``AccumulateGrad``).
        name: its type name, as torch prints it (``MulBackward0``, ``AccumulateGrad``).
        label: the leaf's name from ``params`` (``'0.weight'``), else None.
        shape, dtype: of the tensor this node produced (its output 0; the leaf for AccumulateGrad).
        inputs: ``(child_index, output_nr, input_position)`` for each input that needs a grad.
    """

    __slots__ = ("index", "node", "name", "label", "shape", "dtype", "inputs", "n_parents")

    def __init__(self, index: int, node) -> None:
        self.index, self.node, self.name = index, node, node.name()
        self.label = self.shape = self.dtype = None
        self.inputs: list = []
        self.n_parents = 0

    @property
    def is_leaf(self) -> bool:
        return isinstance(self.node, AccumulateGrad)

    def __repr__(self) -> str:
        label = f" {self.label}" if self.label else ""
        return f"GraphNode({self.index}, {self.name}{label}, {_shape_str(self.shape or ())} {self.dtype})"


class Graph:
    """The backward graph from a tensor; build it with :func:`graph`.

    ``nodes`` lists every node once (depth-first pre-order from the root); ``text()`` draws the
    tree, ``dot()`` writes Graphviz source, ``names()`` lists the node type names.
    """

    def __init__(self, nodes: list, out_shape: tuple, out_dtype: str, scopes=None) -> None:
        self.nodes = nodes
        self.out_shape, self.out_dtype = out_shape, out_dtype
        self.grads: dict = {}  # node index -> the grad it received (see attach)
        self.scopes: dict = dict(scopes or {})  # autograd node -> module path
        self.module_types: dict = dict(getattr(scopes, "types", {}))
        self.param_scopes: dict = dict(getattr(scopes, "params", {}))  # id(parameter) -> module path

    @property
    def root(self) -> GraphNode:
        return self.nodes[0]

    def __len__(self) -> int:
        return len(self.nodes)

    def names(self) -> list:
        """The node type names in ``nodes`` order, e.g. ``['SumBackward0', 'MulBackward0', ...]``."""
        return [n.name for n in self.nodes]

    def leaves(self) -> list:
        """The ``AccumulateGrad`` nodes: the tensors that will receive a ``.grad``."""
        return [n for n in self.nodes if n.is_leaf]

    def _describe(self, n: GraphNode, shape, dtype) -> str:
        label = f" {n.label}" if n.label else ""
        g = self.grad_of(n)
        return f"{n.name}{label}  {_shape_str(shape)} {dtype}" + (
            f"  {_grad_str(g)}" if g is not None else ""
        )

    def text(self, max_depth: int | None = None) -> str:
        """An indented tree, the root (the last op of the forward) first, each node's inputs below it.

        A node used by several others is drawn in full once, marked ``(#k)``, and later
        references read ``-> see #k``. ``max_depth`` cuts off deeper levels (for very deep graphs).
        """
        ids: dict = {}  # index -> the #k of a shared node
        for n in self.nodes:
            if n.n_parents > 1:
                ids[n.index] = len(ids) + 1
        lines: list = []
        drawn: set = set()
        # each entry: (node, shape, dtype, prefix for this line, prefix for its children, depth)
        stack = [(self.root, self.out_shape, self.out_dtype, "", "", 0)]
        while stack:
            n, shape, dtype, head, tail, depth = stack.pop()
            line = head + self._describe(n, shape, dtype)
            if n.index in ids:
                if n.index in drawn:
                    lines.append(line + f"  -> see #{ids[n.index]}")
                    continue
                line += f"  (#{ids[n.index]})"
            drawn.add(n.index)
            lines.append(line)
            if not n.inputs:
                continue
            if max_depth is not None and depth >= max_depth:
                lines.append(tail + "└── ...")
                continue
            children = []
            for k, (child, nr, pos) in enumerate(n.inputs):
                last = k == len(n.inputs) - 1
                meta = n.node._input_meta[pos]
                c = self.nodes[child]
                c_shape, c_dtype = (meta[0], meta[1].name) if meta else (c.shape, c.dtype)
                if nr:  # an output other than the first of a multi-output node
                    c_dtype += f" (output {nr})"
                children.append(
                    (
                        c,
                        c_shape,
                        c_dtype,
                        tail + ("└── " if last else "├── "),
                        tail + ("    " if last else "│   "),
                        depth + 1,
                    )
                )
            stack.extend(reversed(children))
        return "\n".join(lines)

    # --- gradients and module scopes ---
    def attach(self, steps) -> Graph:
        """Show the grads of a :func:`trace_backward` of the same graph: each op gets the grad
        it received (dL/d(its output)). Leaves show their ``.grad`` without this. Returns self."""
        where = {n.node: n.index for n in self.nodes}
        for s in steps:
            k = where.get(s.node)
            if k is not None and s.grad is not None:
                self.grads[k] = s.grad
        return self

    def grad_of(self, n: GraphNode):
        """The grad shown for node ``n``: from :meth:`attach`, else a leaf's ``.grad``, else None."""
        if n.index in self.grads:
            return self.grads[n.index]
        var = n.node.variable if n.is_leaf else None
        return var.grad if var is not None else None

    def scope_of(self, n: GraphNode) -> str | None:
        """The module path that made ``n`` (from :func:`module_scopes`, or a leaf's name)."""
        if n.node in self.scopes:
            return self.scopes[n.node]
        var = n.node.variable if n.is_leaf else None
        if var is not None and id(var) in self.param_scopes:
            return self.param_scopes[id(var)]
        if n.is_leaf and n.label and "." in n.label:
            return n.label.rsplit(".", 1)[0]
        return None

    # --- drawing ---
    def _units(self, collapse: int | None, max_nodes: int):
        """What to draw: ``(boxes, edges, note)``, boxes as ``(key, lines, kind)``.

        ``collapse=d`` merges the nodes made inside one module (its path cut to ``d`` parts)
        into one box. Past ``max_nodes`` boxes the rest of the graph is cut off with a note.
        """
        key_of: dict = {}
        groups: dict = {}
        for n in self.nodes:
            scope = self.scope_of(n) if collapse else None
            if scope:
                scope = ".".join(scope.split(".")[:collapse])
                key_of[n.index] = "g:" + scope
                groups.setdefault(scope, []).append(n)
            else:
                key_of[n.index] = f"n{n.index}"
        order = list(dict.fromkeys(key_of[n.index] for n in self.nodes))
        shown = set(order[:max_nodes])
        boxes = [("output", ["output", f"{_shape_str(self.out_shape)} {self.out_dtype}"], "output")]
        for key in order[:max_nodes]:
            if key.startswith("g:"):
                members = groups[key[2:]]
                kind = self.module_types.get(key[2:], "")
                ops = sum(not m.is_leaf for m in members)
                held = [m.label.rsplit(".", 1)[-1] for m in members if m.is_leaf and m.label]
                what = " + ".join([f"{ops} op" + "s" * (ops != 1)] + held)
                boxes.append((key, [f"{key[2:]}: {kind}" if kind else key[2:], what], "group"))
                continue
            n = self.nodes[int(key[1:])]
            lines = [(n.label or "leaf") if n.is_leaf else n.name]
            if n.is_leaf:
                lines.append(f"{_shape_str(n.shape)} {n.dtype}")
            g = self.grad_of(n)
            if g is not None:
                lines.append(_grad_str(g))
            boxes.append((key, lines, "leaf" if n.is_leaf else "op"))
        edges, seen, cut = [(key_of[0], "output", _shape_str(self.out_shape))], set(), False
        for n in self.nodes:
            for child, _, pos in n.inputs:
                a, b = key_of[child], key_of[n.index]
                if a == b or (a, b) in seen:
                    continue
                seen.add((a, b))
                if a not in shown or b not in shown:
                    cut = True
                    continue
                meta = n.node._input_meta[pos]
                edges.append((a, b, _shape_str(meta[0] if meta else self.nodes[child].shape)))
        note = None
        if cut:
            note = f"showing {len(shown)} of {len(order)} boxes (the last ops of the forward); pass max_nodes= or collapse= for more"
        return boxes, edges, note

    def dot(self, title: str | None = None, collapse: int | None = None, max_nodes: int = 300) -> str:
        """Graphviz DOT source (render with ``dot -Tsvg``): ops as boxes, leaves as blue
        ellipses, the output as a green box, modules (``collapse``) as orange boxes; edges point
        the way the forward ran, labelled with the shape of the tensor that flows along them.
        After backward each node also shows its grad's shape and norm."""
        boxes, edges, note = self._units(collapse, max_nodes)
        out = ["digraph minitorch_graph {"]
        label = "\n".join(t for t in (title, note) if t)
        if label:
            out.append(f'  label={_quote(label)}; labelloc=t; fontname="Helvetica";')
        out.append('  node [shape=box, style="rounded,filled", fillcolor=lightgray, fontname="Helvetica"];')
        out.append('  edge [fontname="Helvetica"];')
        style = {"output": ", fillcolor=darkolivegreen1", "leaf": ", shape=ellipse, fillcolor=lightblue"}
        style["group"] = ", fillcolor=navajowhite"
        for key, lines, kind in boxes:
            name = key.replace("g:", "g_").replace(".", "_").replace("-", "_")
            out.append(f"  {name} [label={_quote(chr(10).join(lines))}{style.get(kind, '')}];")
        for a, b, lab in edges:
            a, b = (k.replace("g:", "g_").replace(".", "_").replace("-", "_") for k in (a, b))
            out.append(f"  {a} -> {b} [label={_quote(lab)}];")
        out.append("}")
        return "\n".join(out)

    def svg(
        self,
        title: str | None = None,
        collapse: int | None = None,
        max_nodes: int = 300,
        engine: str = "auto",
    ) -> str:
        """The graph as SVG: Graphviz's layout when ``dot`` is installed (``engine="auto"`` or
        ``"dot"``), else minitorch's own layered drawing (``engine="builtin"``)."""
        if engine not in ("auto", "dot", "builtin"):
            raise ValueError(f"svg(): engine must be 'auto', 'dot' or 'builtin', got {engine!r}")
        if engine != "builtin" and shutil.which("dot"):
            src = self.dot(title, collapse, max_nodes)
            done = subprocess.run(["dot", "-Tsvg"], input=src.encode(), capture_output=True, check=True)
            text = done.stdout.decode()
            return text[text.index("<svg") :]
        if engine == "dot":
            raise RuntimeError(DOT_HINT)
        boxes, edges, note = self._units(collapse, max_nodes)
        return layered_svg([Box(*b) for b in boxes], edges, title, note)

    def _repr_svg_(self) -> str:
        return self.svg(collapse=1 if len(self.nodes) > 300 else None)

    def _repr_html_(self) -> str:
        hint = "" if shutil.which("dot") else f"<div class='muted'>{esc(DOT_HINT)}</div>"
        return wrap(self._repr_svg_() + hint)

    def save_svg(self, path: str, **kwargs) -> str:
        """Write :meth:`svg` to ``path`` and return the path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg(**kwargs))
        return path

    def show(self, file=None) -> None:
        """Print the tree (for the terminal; in Jupyter the graph draws itself)."""
        print(self.text(max_depth=40), file=file or sys.stdout)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<Graph: {len(self.nodes)} nodes, {len(self.leaves())} leaves>\n{self.text(max_depth=20)}"


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def graph(
    tensor: Tensor, params: Mapping | Iterable | None = None, scopes=None, auto_names: bool = True
) -> Graph:
    """The backward graph that ``tensor.backward()`` would walk.

    In Jupyter the result draws itself (SVG); ``.svg()``, ``.dot()``, ``.text()`` and ``.show()``
    give it elsewhere. After ``backward`` each leaf shows its grad's shape and norm;
    ``.attach(trace_backward(...))`` adds the grad every op received.

    Args:
        tensor: the output (usually the loss); it must have a ``grad_fn`` or require grad.
        params: names for the leaves: a Module (its ``named_parameters()``), a ``{name: tensor}``
            dict or ``(name, tensor)`` pairs. Unnamed leaves show as plain ``AccumulateGrad``.
        scopes: from :func:`module_scopes`: which module made each node, so that
            ``svg(collapse=1)`` can draw each module as one box.
        auto_names: also name leaves by the caller's variables (``x``, ``model.0.weight``).

    Example::

        >>> x = minitorch.tensor([1., 2., 3.], requires_grad=True)
        >>> w = minitorch.tensor([0.5, 0.5, 0.5], requires_grad=True)
        >>> print(teach.graph((x * w).sum(), params={"x": x, "w": w}))
        SumBackward0  [] float32
        └── MulBackward0  [3] float32
            ├── AccumulateGrad x  [3] float32
            └── AccumulateGrad w  [3] float32
    """
    root = _root_node(tensor, "graph")
    names = _names(params, sys._getframe(1) if auto_names else None)
    order = walk(root)
    index = {node: i for i, node in enumerate(order)}
    nodes = [GraphNode(i, node) for i, node in enumerate(order)]
    for gn in nodes:
        node = gn.node
        if isinstance(node, AccumulateGrad):
            var = node.variable
            if var is not None:
                gn.shape, gn.dtype = tuple(var._data.shape), var._data.dtype.name
                gn.label = names.get(id(var))
        meta = getattr(node, "_output_meta", None)
        if meta and meta[0] is not None and gn.shape is None:
            gn.shape, gn.dtype = tuple(meta[0][0]), meta[0][1].name
        for pos, (nxt, nr) in enumerate(node.next_functions):
            if nxt is None:
                continue
            child = nodes[index[nxt]]
            gn.inputs.append((child.index, nr, pos))
            child.n_parents += 1
            m = node._input_meta[pos] if pos < len(node._input_meta) else None
            if child.shape is None and m is not None and nr == 0:
                child.shape, child.dtype = tuple(m[0]), m[1].name
    nodes[0].shape, nodes[0].dtype = tuple(tensor._data.shape), tensor._data.dtype.name
    return Graph(nodes, tuple(tensor._data.shape), tensor._data.dtype.name, scopes)


class Scopes(dict):
    """``{autograd node: module path}`` filled by :func:`module_scopes`; ``types`` maps each
    path to its module's class name, ``params`` each parameter (by id) to its module's path."""

    def __init__(self) -> None:
        super().__init__()
        self.types: dict = {}
        self.params: dict = {}  # id(parameter) -> the path of the module that owns it


@contextmanager
def module_scopes(model):
    """Record which module of ``model`` made each node of the graphs built in the block.

    Example::

        >>> with teach.module_scopes(model) as scopes:
        ...     loss = F.cross_entropy(model(x), y)
        >>> teach.graph(loss, params=model, scopes=scopes).svg(collapse=1)   # one box per layer
    """
    if not hasattr(model, "named_modules"):
        raise TypeError(f"module_scopes() expects an nn.Module, got {type(model).__name__}")
    scopes = Scopes()
    handles = []

    def make_hook(path):
        def hook(module, args, output):
            stop = {a.grad_fn for a in args if isinstance(a, Tensor) and a.grad_fn is not None}
            outs = output if isinstance(output, (tuple, list)) else (output,)
            for o in outs:
                if not isinstance(o, Tensor) or o.grad_fn is None:
                    continue
                seen, stack = set(stop), [o.grad_fn]
                while stack:  # the nodes between the module's inputs and its output
                    node = stack.pop()
                    if node in seen or isinstance(node, AccumulateGrad):
                        continue
                    seen.add(node)
                    scopes.setdefault(node, path)  # inner modules ran first and keep theirs
                    stack.extend(nxt for nxt, _ in node.next_functions if nxt is not None)

        return hook

    for path, module in model.named_modules():
        if path:
            scopes.types[path] = type(module).__name__
            scopes.params.update({id(p): path for p in module._parameters.values() if p is not None})
            handles.append(module.register_forward_hook(make_hook(path)))
    try:
        yield scopes
    finally:
        for h in handles:
            h.remove()
