"""``repr`` of a Tensor in torch's style: ``tensor([1., 2.], requires_grad=True)``."""

from __future__ import annotations

import numpy as np

from . import _dtype


def _float_formatter(x: np.ndarray):
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return lambda v: f"{v}"
    absmax = np.abs(finite).max()
    nz = np.abs(finite[finite != 0])
    absmin = nz.min() if nz.size else 0.0
    if np.all(finite == np.round(finite)) and absmax < 1e8:
        width = max(len(f"{v:.0f}") for v in (finite.max(), finite.min()))
        return lambda v: (f"{v:.0f}." if np.isfinite(v) else str(v)).rjust(width + 1)
    if absmax >= 1e8 or (absmin and absmin < 1e-4) or (absmin and absmax / absmin > 1e5 and absmax > 1e3):
        return lambda v: f"{v:.4e}"
    width = max(len(f"{v:.4f}") for v in (finite.max(), finite.min()))
    return lambda v: f"{v:.4f}".rjust(width)


def format_tensor(t) -> str:
    x = t.data
    suffix = []
    d = _dtype.from_numpy_dtype(x.dtype)
    if x.size == 0 and x.ndim == 1:
        body = "[]"
    else:
        if x.dtype.kind == "f":
            fmt = {"float_kind": _float_formatter(x.astype(np.float64))}
        elif x.dtype.kind == "b":
            fmt = {"bool": lambda v: "True" if v else "False"}
        else:
            fmt = None
        body = np.array2string(
            x, separator=", ", prefix="tensor(", formatter=fmt, threshold=1000, edgeitems=3, max_line_width=80
        )
    if x.size == 0 and x.ndim != 1:
        suffix.append(f"size={tuple(x.shape)}")
    if d not in (_dtype.float32, _dtype.int64, _dtype.bool):
        suffix.append(f"dtype={d!r}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"
