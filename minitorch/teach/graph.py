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

from collections.abc import Iterable, Mapping

from ..autograd.function import AccumulateGrad
from ..tensor import Tensor

__all__ = ["Graph", "GraphNode", "graph"]


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

    def __init__(self, nodes: list, out_shape: tuple, out_dtype: str) -> None:
        self.nodes = nodes
        self.out_shape, self.out_dtype = out_shape, out_dtype

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
        return f"{n.name}{label}  {_shape_str(shape)} {dtype}"

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

    def dot(self, title: str | None = None) -> str:
        """Graphviz DOT source (render with ``dot -Tsvg``): ops as boxes, named leaves as blue
        ellipses, the output as a green box; edges point the way the forward ran, labelled
        with the shape of the tensor that flows along them."""
        out = ["digraph minitorch_graph {"]
        if title:
            out.append(f"  label={_quote(title)}; labelloc=t;")
        out.append('  node [shape=box, style="rounded,filled", fillcolor=lightgray, fontname="Helvetica"];')
        out.append(
            "  output [label="
            + _quote(f"output\n{_shape_str(self.out_shape)} {self.out_dtype}")
            + ", fillcolor=darkolivegreen1];"
        )
        for n in self.nodes:
            if n.is_leaf:
                text = (n.label or "leaf") + f"\n{_shape_str(n.shape)} {n.dtype}"
                out.append(f"  n{n.index} [label={_quote(text)}, shape=ellipse, fillcolor=lightblue];")
            else:
                out.append(f"  n{n.index} [label={_quote(n.name)}];")
        out.append(f"  n0 -> output [label={_quote(_shape_str(self.out_shape))}];")
        for n in self.nodes:
            for child, _, pos in n.inputs:
                meta = n.node._input_meta[pos]
                shape = meta[0] if meta else self.nodes[child].shape
                out.append(f"  n{child} -> n{n.index} [label={_quote(_shape_str(shape))}];")
        out.append("}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<Graph: {len(self.nodes)} nodes, {len(self.leaves())} leaves>\n{self.text(max_depth=20)}"


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def graph(tensor: Tensor, params: Mapping | Iterable | None = None) -> Graph:
    """The backward graph that ``tensor.backward()`` would walk.

    Args:
        tensor: the output (usually the loss); it must have a ``grad_fn`` or require grad.
        params: names for the leaves: a Module (its ``named_parameters()``), a ``{name: tensor}``
            dict or ``(name, tensor)`` pairs. Unnamed leaves show as plain ``AccumulateGrad``.

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
    names = _leaf_names(params)
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
    return Graph(nodes, tuple(tensor._data.shape), tensor._data.dtype.name)
