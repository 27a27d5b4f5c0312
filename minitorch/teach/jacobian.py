"""``jacobian_view(fn, x)``: the whole Jacobian of a small function next to the one
vector-Jacobian product that backward really computes.

Backward never builds the Jacobian J = d(output)/d(input): given v = dL/d(output) it computes
v^T J directly, one op at a time. For a small function this shows both, so the learner can see
that the engine's answer is exactly the row vector v^T J.
"""

from __future__ import annotations

import numpy as np

from ..autograd.functional import jacobian
from ..tensor import Tensor
from .display import Rich, matrix_html
from .graph import _shape_str

__all__ = ["JacobianView", "jacobian_view"]

MAX_ELEMENTS = 400


class JacobianView(Rich):
    """The Jacobian ``J`` (output elements x input elements), the probe ``v``, the product
    ``v^T J`` and what backward computed (``vjp``); ``ok`` says the two agree."""

    _title = "Jacobian and vector-Jacobian product"

    def __init__(
        self, J: np.ndarray, v: np.ndarray, vjp: np.ndarray, in_shape: tuple, out_shape: tuple
    ) -> None:
        self.J, self.v, self.vjp = J, v, vjp
        self.in_shape, self.out_shape = in_shape, out_shape
        self.product = v.reshape(-1) @ J

    @property
    def ok(self) -> bool:
        return bool(np.allclose(self.product, self.vjp.reshape(-1), rtol=1e-5, atol=1e-8))

    def text(self) -> str:
        fmt = {"float_kind": lambda x: f"{x:.4g}"}
        return "\n".join(
            [
                f"J = d(output {_shape_str(self.out_shape)}) / d(input {_shape_str(self.in_shape)}), "
                f"{self.J.shape[0]} x {self.J.shape[1]}:",
                np.array2string(self.J, formatter=fmt),
                "v = dL/d(output): " + np.array2string(self.v.reshape(-1), formatter=fmt),
                "v^T J           : " + np.array2string(self.product, formatter=fmt),
                "backward (vjp)  : " + np.array2string(self.vjp.reshape(-1), formatter=fmt),
                "equal" if self.ok else "DIFFERENT",
            ]
        )

    def _html_body(self) -> str:
        cell = "<td style='vertical-align:top;padding-right:18px'><b>{}</b>{}</td>"
        return (
            "<table><tr>"
            + cell.format(f"J ({self.J.shape[0]} x {self.J.shape[1]})", matrix_html(self.J))
            + cell.format("v = dL/d(output)", matrix_html(self.v.reshape(-1, 1)))
            + cell.format("v<sup>T</sup> J", matrix_html(self.product))
            + cell.format("backward computes", matrix_html(self.vjp.reshape(-1)))
            + "</tr></table>"
            + (
                "<div class='ok'>equal: backward computes v<sup>T</sup> J without building J</div>"
                if self.ok
                else "<div class='bad'>different</div>"
            )
        )


def jacobian_view(fn, x: Tensor, v: Tensor | None = None) -> JacobianView:
    """The full Jacobian of ``fn`` at ``x`` beside the vector-Jacobian product of backward.

    Args:
        fn: a function of one tensor returning one tensor (at most 400 Jacobian entries).
        x: the input.
        v: dL/d(output), shaped like ``fn(x)``; default all ones (the grad of ``fn(x).sum()``).

    Example::

        >>> teach.jacobian_view(lambda x: x.sin() * x, minitorch.tensor([0.5, 1.0, 2.0]))
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"jacobian_view() expects a Tensor input, got {type(x).__name__}")
    x = x.detach().double()
    out = fn(x)
    if out.numel() * x.numel() > MAX_ELEMENTS:
        raise ValueError(
            f"jacobian_view(): the Jacobian would have {out.numel()} x {x.numel()} entries; "
            f"it is meant for small functions (at most {MAX_ELEMENTS} entries)"
        )
    J = jacobian(fn, x)._data.reshape(out.numel(), x.numel())
    v = (
        np.ones(out.shape)
        if v is None
        else np.asarray(v._data if isinstance(v, Tensor) else v, dtype=np.float64)
    )
    if v.shape != tuple(out.shape):
        raise ValueError(
            f"jacobian_view(): v has shape {list(v.shape)} but fn(x) has shape {list(out.shape)}"
        )
    xg = x.clone().requires_grad_()
    fn(xg).backward(Tensor._make(v.astype(np.float64), False, None))
    return JacobianView(J, v, xg.grad._data.copy(), tuple(x.shape), tuple(out.shape))
