"""``repr`` of a Tensor in torch's style: ``tensor([1., 2.], requires_grad=True)``.

A port of the default-options path of ``torch/_tensor_str.py``: one number format per tensor
(integer-valued floats print as ``1.``, otherwise 4 decimals, or scientific notation when the
magnitudes span too much), elements right-aligned to one width, lines wrapped at 80 columns, and
tensors over 1000 elements summarized with ``...`` around 3 edge items.
"""

from __future__ import annotations

import math

import numpy as np

from . import _dtype

PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = 4, 1000, 3, 80
SCI_MODE = None  # None: chosen per tensor; True/False: forced (``set_printoptions(sci_mode=...)``)

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """How tensors print, as ``torch.set_printoptions``: digits after the point, the element count
    above which a print is summarized, items kept at each edge, the line width, a ``profile``
    ('default', 'short', 'full') and ``sci_mode`` (True/False forces scientific notation on/off,
    None lets each tensor choose)."""
    global PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH, SCI_MODE
    if profile is not None:
        opts = _PROFILES[profile]
        PRECISION, THRESHOLD = opts["precision"], opts["threshold"]
        EDGEITEMS, LINEWIDTH = opts["edgeitems"], opts["linewidth"]
    if precision is not None:
        PRECISION = precision
    if threshold is not None:
        THRESHOLD = threshold
    if edgeitems is not None:
        EDGEITEMS = edgeitems
    if linewidth is not None:
        LINEWIDTH = linewidth
    SCI_MODE = sci_mode


def get_printoptions() -> dict:
    return dict(
        precision=PRECISION, threshold=THRESHOLD, edgeitems=EDGEITEMS, linewidth=LINEWIDTH, sci_mode=SCI_MODE
    )


class _Formatter:
    """Picks the number format and the common width from (the summarized part of) the data."""

    def __init__(self, x: np.ndarray) -> None:
        self.floating = x.dtype.kind in "fV"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not self.floating:
            self.width = max((len(str(v)) for v in x.reshape(-1).tolist()), default=1)
            return
        v = x.reshape(-1).astype(np.float64)
        v = v[np.isfinite(v) & (v != 0)]
        if v.size == 0:
            return
        lo, hi = np.abs(v).min(), np.abs(v).max()
        self.int_mode = bool(np.all(v == np.ceil(v)))
        if (
            SCI_MODE
            if SCI_MODE is not None
            else (hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4))
        ):
            self.sci_mode = True
            self.width = max(len(f"{e:.{PRECISION}e}") for e in v.tolist())
        elif self.int_mode:
            self.width = max(len(f"{e:.0f}") + 1 for e in v.tolist())
        else:
            self.width = max(len(f"{e:.{PRECISION}f}") for e in v.tolist())

    def format(self, value) -> str:
        if not self.floating:
            s = str(value)
        elif self.sci_mode:
            s = f"{value:{self.width}.{PRECISION}e}"
        elif self.int_mode:
            s = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            s = f"{value:.{PRECISION}f}"
        return s.rjust(self.width)


def _summarized(x: np.ndarray) -> np.ndarray:
    """The edge items that a summarized print shows (the format is chosen from these only)."""
    if x.ndim == 0:
        return x
    if x.shape[0] > 2 * EDGEITEMS:
        x = np.concatenate([x[:EDGEITEMS], x[-EDGEITEMS:]])
    return x if x.ndim == 1 else np.stack([_summarized(row) for row in x])


def _vector_str(x: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
    if summarize and x.shape[0] > 2 * EDGEITEMS:
        data = [fmt.format(v) for v in x[:EDGEITEMS].tolist()] + [" ..."]
        data += [fmt.format(v) for v in x[-EDGEITEMS:].tolist()]
    else:
        data = [fmt.format(v) for v in x.tolist()]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str(x: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if x.ndim == 0:
        return fmt.format(x.item())
    if x.ndim == 1:
        return _vector_str(x, indent, summarize, fmt)
    if summarize and x.shape[0] > 2 * EDGEITEMS:
        rows = [_tensor_str(r, indent + 1, summarize, fmt) for r in x[:EDGEITEMS]] + ["..."]
        rows += [_tensor_str(r, indent + 1, summarize, fmt) for r in x[-EDGEITEMS:]]
    else:
        rows = [_tensor_str(r, indent + 1, summarize, fmt) for r in x]
    return "[" + ("," + "\n" * (x.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _add_suffixes(body: str, suffixes: list, indent: int) -> str:
    out = [body]
    last_line = len(body) - body.rfind("\n") + 1
    for s in suffixes:
        if last_line + len(s) + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + s)
            last_line = indent + len(s)
        else:
            out.append(", " + s)
            last_line += len(s) + 2
    return "".join(out) + ")"


def format_tensor(t) -> str:
    x = t._data
    prefix = "tensor("
    indent = len(prefix)
    d = _dtype.from_numpy_dtype(x.dtype)
    suffixes = []
    if x.size == 0:
        if x.ndim != 1:
            suffixes.append(f"size={tuple(x.shape)}")
        if d is not _dtype.default_float:  # nothing to infer the dtype from
            suffixes.append(f"dtype={d!r}")
        body = "[]"
    else:
        if d not in (_dtype.default_float, _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={d!r}")
        summarize = x.size > THRESHOLD
        fmt = _Formatter(_summarized(x) if summarize else x)
        body = _tensor_str(x, indent, summarize, fmt)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
