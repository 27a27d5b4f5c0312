"""Teaching tools: what PyTorch hides, shown.

* ``graph(loss)``: the backward graph as an indented tree (``.text()``) or Graphviz (``.dot()``).
* ``trace_backward(loss)`` / ``print_trace(steps)``: every step of backward, in the engine's
  order, with the gradient each node received and what it sent to each input.
* ``check_ops(fn, *inputs)``: which op's gradient is wrong: each op's backward checked on its
  own against central differences of its own forward.
* ``jacobian_view(fn, x)``: a small function's whole Jacobian beside the vector-Jacobian product
  that backward computes.
* ``gradient_flow(model)`` / ``plot_gradient_flow``: the gradient norm of every layer
  (vanishing gradients), and ``watch_activations(model)``: per-layer activation statistics
  (dead ReLUs).

Example::

    >>> from minitorch import teach
    >>> loss = F.mse_loss(model(x), y)
    >>> print(teach.graph(loss, params=model).text())
    >>> teach.print_trace(teach.trace_backward(loss, params=model))
    >>> teach.gradient_flow(model)

Each result shows itself: ``.show()`` prints it, and in Jupyter it draws itself (HTML / SVG).
See ``examples/teach.ipynb``, ``examples/teach_backprop.py`` and ``examples/seeds/``.
"""

from .flow import (
    ActivationStats,
    ActivationWatch,
    GradientFlow,
    GradientFlowRecorder,
    gradient_flow,
    plot_activations,
    plot_gradient_flow,
    plot_gradient_history,
    watch_activations,
)
from .gradcheck_ops import OpCheck, OpCheckReport, check_ops
from .jacobian import JacobianView, jacobian_view
from .graph import Graph, GraphNode, graph, module_scopes
from .trace import Step, Trace, format_grad, format_trace, print_trace, trace_backward

__all__ = [
    "graph",
    "Graph",
    "GraphNode",
    "module_scopes",
    "trace_backward",
    "Trace",
    "print_trace",
    "format_trace",
    "format_grad",
    "Step",
    "check_ops",
    "jacobian_view",
    "JacobianView",
    "OpCheck",
    "OpCheckReport",
    "gradient_flow",
    "plot_gradient_flow",
    "GradientFlow",
    "GradientFlowRecorder",
    "plot_gradient_history",
    "plot_activations",
    "watch_activations",
    "ActivationStats",
    "ActivationWatch",
]
