"""``trace_backward(loss)``: run backward and record every step the engine takes.

For each node, in the order the engine runs it, a :class:`Step` keeps the gradient that arrived
(dL/d(node's output)) and the gradients it sent on to its inputs (dL/d(each input)). Nothing in
the engine changes: a hook is put on every node of the graph for the duration of the call
(``node.register_hook`` for ops, a pre-hook for the ``AccumulateGrad`` leaves) and removed after.

    >>> steps = teach.trace_backward(loss, params=model)
    >>> steps.show()              # in Jupyter, leave ``steps`` last in a cell: an HTML table
    >>> steps.save_html("trace.html")  # one self-contained page, opens offline

Each step also names the local rule the node applied (read from its op's docstring) and, for
each input, the axes the engine summed to undo broadcasting.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..autograd.function import AccumulateGrad
from ..tensor import Tensor
from .display import Rich, esc, html_table
from .graph import _names, _root_node, _shape_str, walk
from .rules import local_rule, summed_axes

__all__ = ["Step", "Trace", "trace_backward", "format_trace", "print_trace", "format_grad"]


@dataclass
class Step:
    """One node run by the backward engine.

    Attributes:
        index: 1 for the first node the engine ran, 2 for the next, ...
        name: the node's type name (``MulBackward0``; ``AccumulateGrad`` for a leaf).
        label: for a leaf, its name from ``params`` (``'0.weight'``), else None.
        incoming: the grads that arrived, dL/d(output), one per output of the node's op
            (None for an output that got no grad). For a leaf, the grad added into ``.grad``.
        outgoing: ``(target, grad)`` for each input that needs a grad: the node it is sent to
            (its label, or its type name) and dL/d(that input), already summed back to the
            input's shape as the engine does. Empty for a leaf.
        node: the autograd node itself.
        rule: the local derivative the node applied, in words (``'exp(a): d/da = exp(a)'``).
        summed: for each entry of ``outgoing``, the axes of the op's grad that the engine summed
            to undo broadcasting (``(0,)`` for a bias added to every row; ``()`` for none).

    The tensors are copies, detached from any graph.
    """

    index: int
    name: str
    label: str | None
    incoming: tuple
    outgoing: list = field(default_factory=list)
    node: object = field(default=None, repr=False)
    rule: str = ""
    summed: list = field(default_factory=list)

    @property
    def grad(self):
        """The (first) incoming grad: what a leaf receives, or dL/d(output) of an op."""
        return self.incoming[0] if self.incoming else None

    @property
    def is_leaf(self) -> bool:
        return isinstance(self.node, AccumulateGrad)


def _copy(g):
    if not isinstance(g, Tensor):
        return g
    return Tensor._make(np.array(g._data, copy=True), False, None)


def _sum_to(arr: np.ndarray, shape: tuple) -> np.ndarray:
    """A grad shaped like a broadcast result, summed back to ``shape`` (what the engine does)."""
    axes = summed_axes(arr.shape, shape)
    return arr.sum(axis=axes, keepdims=True).reshape(shape) if axes else arr.reshape(shape)


def _target_name(node, names: dict) -> str:
    if isinstance(node, AccumulateGrad):
        var = node.variable
        label = names.get(id(var)) if var is not None else None
        return label or f"leaf {_shape_str(var._data.shape) if var is not None else ''}".rstrip()
    return node.name()


def trace_backward(
    tensor: Tensor,
    gradient: Tensor | None = None,
    params: Mapping | Iterable | None = None,
    retain_graph: bool = False,
) -> Trace:
    """Run ``tensor.backward(gradient)`` and return the :class:`Step` s in the engine's order.

    The result is a :class:`Trace` (a list of steps): ``.show()`` prints it, Jupyter draws it
    as a table, ``.save_html(path)`` writes a page.

    Leaves get their ``.grad`` as with a plain ``backward()``.

    Args:
        tensor: what to differentiate, usually the loss.
        gradient: dL/d(tensor); may be omitted for a one-element tensor (it is 1).
        params: names for the leaves: a Module, a ``{name: tensor}`` dict or ``(name, tensor)`` pairs.
        retain_graph: keep the graph to call backward again.

    Example::

        >>> steps = teach.trace_backward(loss, params=model)
        >>> steps[-1].name, steps[-1].label, steps[-1].grad    # the last leaf to get its grad
    """
    root = _root_node(tensor, "trace_backward")
    names = _names(params, sys._getframe(1))
    steps = Trace()
    handles = []

    def op_hook(node):
        def hook(grad_inputs, grad_outputs):
            outgoing, summed = [], []
            for (nxt, _), g, meta in zip(node.next_functions, grad_inputs, node._input_meta):
                if nxt is None:
                    continue
                axes = ()
                if isinstance(g, Tensor):
                    arr = g._data
                    axes = summed_axes(arr.shape, meta[0])
                    try:
                        arr = _sum_to(arr, meta[0]).astype(meta[1], copy=False)
                    except ValueError:  # a grad of a wrong shape: the engine reports it next
                        pass
                    g = Tensor._make(np.array(arr, copy=True), False, None)
                outgoing.append((_target_name(nxt, names), g))
                summed.append(axes)
            incoming = tuple(_copy(g) for g in grad_outputs)
            steps.append(
                Step(len(steps) + 1, node.name(), None, incoming, outgoing, node, local_rule(node), summed)
            )

        return hook

    def leaf_hook(node):
        def hook(grad):
            var = node.variable
            label = names.get(id(var))
            steps.append(
                Step(len(steps) + 1, "AccumulateGrad", label, (_copy(grad),), [], node, local_rule(node))
            )

        return hook

    try:
        for node in walk(root):
            if isinstance(node, AccumulateGrad):
                handles.append(node._add_pre_hook(0, leaf_hook(node)))
            else:
                handles.append(node.register_hook(op_hook(node)))
        tensor.backward(gradient, retain_graph=retain_graph)
    finally:
        for h in handles:
            h.remove()
    return steps


def format_grad(g, max_values: int = 4) -> str:
    """``[2, 3] norm=1.2e+00 min=-0.5 max=0.9``, or the values themselves for small grads."""
    if g is None:
        return "None"
    arr = np.asarray(g._data if isinstance(g, Tensor) else g)
    shape = _shape_str(arr.shape)
    if arr.size == 0:
        return shape + " (empty)"
    if arr.size <= max_values:
        vals = np.array2string(
            arr + 0.0,
            separator=", ",
            max_line_width=10**6,  # + 0.0: no "-0"
            formatter={"float_kind": lambda v: f"{v:.4g}"},
        )
        return f"{shape} = " + " ".join(vals.split())
    a64 = arr.astype(np.float64)
    return f"{shape} norm={np.sqrt(np.sum(a64 * a64)):.4g} min={a64.min():.4g} max={a64.max():.4g}"


def _axes_note(axes: tuple) -> str:
    if not axes:
        return ""
    return f" (summed over axis {axes[0]})" if len(axes) == 1 else f" (summed over axes {list(axes)})"


def _rows(steps: list, max_values: int) -> list:
    """Per step: index, node, the grad(s) it got, its rule, and one line per input it sent to."""
    rows = []
    for s in steps:
        node = s.name + (f" {s.label}" if s.label else "")
        got = (
            "; ".join(format_grad(g, max_values) for g in s.incoming)
            if len(s.incoming) > 1
            else format_grad(s.grad, max_values)
        )
        if s.is_leaf:
            sent = [f"-> {s.label or 'leaf'}.grad"]
        else:
            axes = s.summed or [()] * len(s.outgoing)
            sent = [
                f"-> {t}: {format_grad(g, max_values)}{_axes_note(a)}" for (t, g), a in zip(s.outgoing, axes)
            ]
            sent = sent or ["(no inputs need grad)"]
        rows.append((str(s.index), node, got, s.rule, sent))
    return rows


def format_trace(steps: list, max_values: int = 4, rules: bool = True) -> str:
    """The steps as a table: what each node received, the local rule it applied, and what it
    sent to each of its inputs (with the axes summed to undo broadcasting).

    Grads with at most ``max_values`` elements are printed in full, larger ones as
    shape / norm / min / max. ``rules=False`` leaves out the line with each node's rule.
    """
    rows = _rows(steps, max_values)
    heads = ("step", "node", "dL/d(output)")
    w = [max([len(h)] + [len(r[k]) for r in rows]) for k, h in enumerate(heads)]
    lines = [f"{'step':>{w[0]}}  {'node':<{w[1]}}  {'dL/d(output)':<{w[2]}}  sends dL/d(input)"]
    lines.append("-" * len(lines[0]))
    pad = " " * (w[0] + w[1] + w[2] + 6)
    for idx, node, got, rule, sent in rows:
        lines.append(f"{idx:>{w[0]}}  {node:<{w[1]}}  {got:<{w[2]}}  {sent[0]}")
        lines.extend(pad + extra for extra in sent[1:])
        if rules and rule:
            lines.append(" " * (w[0] + 2) + "rule: " + rule)
    return "\n".join(lines)


def print_trace(steps: list, max_values: int = 4, file=None) -> None:
    """Print :func:`format_trace` of ``steps``."""
    print(format_trace(steps, max_values), file=file or sys.stdout)


class Trace(Rich, list):
    """The :class:`Step` s of one backward, in the engine's order (a list).

    ``show()`` prints the table, Jupyter draws it as HTML, ``save_html(path)`` writes a
    self-contained page a teacher can open offline.
    """

    _title = "Backward, step by step"
    max_values = 4

    def text(self) -> str:
        return format_trace(self, self.max_values)

    def _html_body(self) -> str:
        body = []
        for idx, node, got, rule, sent in _rows(self, self.max_values):
            body.append(
                [
                    esc(idx),
                    f"<b>{esc(node)}</b>",
                    f"<span class='mono'>{esc(got)}</span>",
                    f"<code>{esc(rule)}</code>",
                    "<br>".join(f"<span class='mono'>{esc(x)}</span>" for x in sent),
                ]
            )
        caption = (
            f"{len(self)} backward steps, in the order the engine ran them: each node gets "
            "dL/d(its output), applies its local rule, and sends dL/d(input) to each input"
        )
        header = ["step", "node", "dL/d(output) (received)", "local rule", "sends dL/d(input)"]
        return html_table(header, body, caption=caption, raw=True)

    def __repr__(self) -> str:
        return self.text()
