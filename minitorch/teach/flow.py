"""How gradients and activations flow through the layers of a model.

* :func:`gradient_flow` after a backward: the gradient norm of each layer, input layer first.
  With sigmoids the early layers get far smaller gradients than the late ones (vanishing
  gradients); with ReLU they stay comparable.
* :func:`plot_gradient_flow`: the same as a bar chart (needs matplotlib).
* :func:`watch_activations`: a context manager that records per-layer activation statistics
  during forward passes, including the fraction of dead units (a ReLU whose output is 0 for
  every sample seen: it passes no gradient and stops learning).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..tensor import Tensor
from .graph import _shape_str

__all__ = ["gradient_flow", "plot_gradient_flow", "watch_activations", "ActivationStats", "ActivationWatch"]


def _sq_norm(t: Tensor) -> float:
    a = t._data.astype(np.float64, copy=False)
    return float(np.vdot(a, a))


def gradient_flow(model, per_parameter: bool = False) -> dict:
    """``{layer name: gradient norm}`` of a model after ``loss.backward()``, in ``named_modules`` order.

    A layer's norm is that of all its own parameters' grads together (weight and bias):
    ``sqrt(sum of squared grad entries)``. Layers whose parameters have no grad are left out.

    Args:
        model: an ``nn.Module``.
        per_parameter: one entry per parameter (``'0.weight'``, ``'0.bias'``) instead of per layer.

    Example::

        >>> loss.backward()
        >>> teach.gradient_flow(model)
        {'0': 0.0012, '2': 0.0153, '4': 0.2114}
    """
    if not hasattr(model, "named_modules"):
        raise TypeError(f"gradient_flow() expects an nn.Module, got {type(model).__name__}")
    flow: dict = {}
    any_param = False
    for name, module in model.named_modules():
        own = [(pname, p) for pname, p in module._parameters.items() if p is not None]
        any_param = any_param or bool(own)
        grads = [(pname, p.grad) for pname, p in own if p.grad is not None]
        if not grads:
            continue
        layer = name or type(module).__name__
        if per_parameter:
            for pname, g in grads:
                flow[f"{name}.{pname}" if name else pname] = float(np.sqrt(_sq_norm(g)))
        else:
            flow[layer] = float(np.sqrt(sum(_sq_norm(g) for _, g in grads)))
    if not flow:
        raise RuntimeError(
            "gradient_flow(): no parameter has a .grad yet; call loss.backward() first"
            if any_param
            else "gradient_flow(): the model has no parameters"
        )
    return flow


def plot_gradient_flow(flows, path: str, title: str = "Gradient norm per layer", log: bool = True) -> str:
    """Save a bar chart of per-layer gradient norms to ``path`` (PNG, SVG, ... by extension).

    Args:
        flows: a model (after backward), a ``{layer: norm}`` dict from :func:`gradient_flow`, or
            ``{series label: {layer: norm}}`` to compare runs side by side (e.g. sigmoid vs ReLU).
        path: the image file to write.
        log: log-scale y axis (vanishing gradients span orders of magnitude).

    Returns ``path``. Needs matplotlib (``pip install matplotlib``); uses its Agg backend
    without touching pyplot's global state.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plot_gradient_flow() needs matplotlib: pip install matplotlib") from None
    if hasattr(flows, "named_modules"):
        flows = gradient_flow(flows)
    if not isinstance(flows, Mapping) or not flows:
        raise TypeError(
            "plot_gradient_flow() expects a model, a {layer: norm} dict or {label: {layer: norm}}"
        )
    series = flows if all(isinstance(v, Mapping) for v in flows.values()) else {"": flows}
    layers = list(dict.fromkeys(k for s in series.values() for k in s))
    fig = Figure(figsize=(max(5.0, 0.9 * len(layers) * len(series) + 2), 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / len(series)
    x = np.arange(len(layers))
    for k, (label, s) in enumerate(series.items()):
        vals = [s.get(layer, np.nan) for layer in layers]
        ax.bar(x + (k - (len(series) - 1) / 2) * width, vals, width, label=label or None)
    ax.set_xticks(x)
    ax.set_xticklabels(layers)
    ax.set_xlabel("layer (input -> output)")
    ax.set_ylabel("gradient norm")
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    return path


@dataclass
class ActivationStats:
    """Statistics of one layer's outputs over every forward pass seen.

    ``zero_fraction``: share of all output entries that were exactly 0. ``dead_fraction``: share
    of units (output entries of one sample: everything but the batch dim) that were 0 for every
    sample seen; for a ReLU layer these are dead ReLUs.
    """

    name: str
    kind: str
    shape: tuple = ()
    calls: int = 0
    count: int = 0
    mean: float = 0.0
    std: float = 0.0
    min: float = np.inf
    max: float = -np.inf
    zero_fraction: float = 0.0
    dead_fraction: float = 0.0
    _sum: float = 0.0
    _sumsq: float = 0.0
    _zeros: int = 0
    _active: np.ndarray | None = None

    def _update(self, arr: np.ndarray) -> None:
        a = arr.astype(np.float64, copy=False)
        self.calls += 1
        self.shape = tuple(arr.shape)
        self.count += a.size
        self._sum += float(a.sum())
        self._sumsq += float(np.vdot(a, a))
        self._zeros += int(a.size - np.count_nonzero(a))
        if a.size:
            self.min, self.max = min(self.min, float(a.min())), max(self.max, float(a.max()))
        active = (a != 0).any(axis=0) if a.ndim > 1 else a != 0
        if self._active is None or self._active.shape != active.shape:
            self._active = active
        else:
            self._active = self._active | active
        n = max(self.count, 1)
        self.mean = self._sum / n
        self.std = float(np.sqrt(max(self._sumsq / n - self.mean**2, 0.0)))
        self.zero_fraction = self._zeros / n
        self.dead_fraction = float(1.0 - self._active.mean()) if self._active.size else 0.0


class ActivationWatch(dict):
    """``{layer name: ActivationStats}``, filled by the forward passes inside :func:`watch_activations`."""

    def text(self) -> str:
        """A table: layer, type, output shape, mean, std, min, max, zeros, dead units."""
        head = f"{'layer':<12} {'type':<10} {'shape':<12} {'mean':>9} {'std':>9} {'min':>9} {'max':>9} {'zero':>6} {'dead':>6}"
        lines = [head, "-" * len(head)]
        for s in self.values():
            lines.append(
                f"{s.name:<12} {s.kind:<10} {_shape_str(s.shape):<12} {s.mean:>9.3g} {s.std:>9.3g} "
                f"{s.min:>9.3g} {s.max:>9.3g} {s.zero_fraction:>6.1%} {s.dead_fraction:>6.1%}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


@contextmanager
def watch_activations(model, layers: Iterable | type | tuple | None = None):
    """Record activation statistics of ``model``'s layers during the forward passes in the block.

    Args:
        model: an ``nn.Module``.
        layers: which submodules to watch: a list of names (from ``named_modules``), a module
            type or tuple of types (e.g. ``nn.ReLU``), or None for every leaf module.

    Yields an :class:`ActivationWatch` (a dict ``{name: ActivationStats}``); the hooks are
    removed when the block ends. Only modules are seen: a ``F.relu`` call inside a ``forward``
    is part of its module's output, not a layer of its own.

    Example::

        >>> with teach.watch_activations(model, nn.ReLU) as acts:
        ...     model(x)
        >>> acts["1"].dead_fraction     # share of dead ReLUs in layer '1'
    """
    if not hasattr(model, "named_modules"):
        raise TypeError(f"watch_activations() expects an nn.Module, got {type(model).__name__}")
    named = list(model.named_modules())
    if layers is None:
        chosen = [(n, m) for n, m in named if not m._modules]
    elif isinstance(layers, type) or (isinstance(layers, tuple) and all(isinstance(t, type) for t in layers)):
        chosen = [(n, m) for n, m in named if isinstance(m, layers)]
    else:
        wanted = list(layers)
        by_name = dict(named)
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise KeyError(
                f"watch_activations(): no submodule named {missing[0]!r}; "
                f"the model has {[n for n, _ in named]}"
            )
        chosen = [(n, by_name[n]) for n in wanted]
    watch = ActivationWatch()
    handles = []

    def make_hook(name, module):
        def hook(mod, args, output):
            out = output
            if isinstance(out, (tuple, list)):
                out = next((o for o in out if isinstance(o, Tensor)), None)
            if isinstance(out, Tensor) and out._data.dtype.kind == "f":
                stats = watch.get(name)
                if stats is None:
                    stats = watch[name] = ActivationStats(name, type(module).__name__)
                stats._update(out._data)

        return hook

    try:
        for name, module in chosen:
            handles.append(module.register_forward_hook(make_hook(name or type(module).__name__, module)))
        yield watch
    finally:
        for h in handles:
            h.remove()
