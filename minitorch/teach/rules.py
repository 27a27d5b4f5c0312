"""The local rule of each backward step, in words, and the axes summed to undo broadcasting.

Every built-in op's docstring starts with its derivative (``exp(a): d/da = exp(a)``), so the
rule a node applied is read from the op that recorded it. The few ops whose docstring says
something else get their rule from the table below.
"""

from __future__ import annotations

import re

from ..autograd.function import AccumulateGrad

__all__ = ["local_rule", "summed_axes"]

_RULES = {
    "SigmoidBackward0": "sigmoid: d/dx = s (1 - s), s = sigmoid(x)",
    "TanhBackward0": "tanh: d/dx = 1 - t^2, t = tanh(x)",
    "ReluBackward0": "relu: d/dx = 1 where x > 0, else 0",
    "AccumulateGrad": "leaf: the grad is added into .grad",
}


def local_rule(node) -> str:
    """The derivative ``node`` applies, in one line (``'a * b: d/da = b, d/db = a'``): the first
    sentence of its op's docstring."""
    name = node.name()
    if name in _RULES:
        return _RULES[name]
    if isinstance(node, AccumulateGrad):
        return _RULES["AccumulateGrad"]
    cls = getattr(node, "_forward_cls", None)
    doc = (getattr(cls, "__doc__", None) or "").strip()
    if not doc or cls.__doc__ is getattr(cls.__base__, "__doc__", None):
        return f"{name}: the backward of a custom Function" if cls is not None else name
    first = " ".join(doc.split("\n\n")[0].split())
    return re.split(r"(?<=\.)\s+(?=[A-Z])", first)[0]  # the notes after the first sentence are no rule


def summed_axes(grad_shape: tuple, input_shape: tuple) -> tuple:
    """The axes of a grad shaped ``grad_shape`` that are summed to give an input of ``input_shape``.

    The engine undoes broadcasting this way: leading axes the input did not have are summed
    away, and axes where the input had size 1 are summed with ``keepdim``. ``()`` when the
    shapes match. Example: a grad ``(4, 3)`` for a bias ``(3,)`` sums axis 0.
    """
    grad_shape, input_shape = tuple(grad_shape), tuple(input_shape)
    if grad_shape == input_shape:
        return ()
    lead = len(grad_shape) - len(input_shape)
    if lead < 0:
        return ()
    return tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(input_shape) if n == 1 and grad_shape[i + lead] != 1
    )
