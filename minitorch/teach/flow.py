"""How gradients and activations flow through the layers of a model.

* :func:`gradient_flow` after a backward: the gradient norm of each layer, input layer first.
  With sigmoids the early layers get far smaller gradients than the late ones (vanishing
  gradients); with ReLU they stay comparable.
* :func:`plot_gradient_flow`: the same as a bar chart (needs matplotlib), on a linear axis
  from 0 unless asked for a log one, each bar labelled with its layer's name and type.
* :class:`GradientFlowRecorder`: a training callback that records every layer's norm at each
  step, and :func:`plot_gradient_history` to draw their evolution.
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
from .display import Rich, esc, html_table
from .graph import _shape_str

__all__ = [
    "GradientFlow",
    "GradientFlowRecorder",
    "gradient_flow",
    "plot_gradient_flow",
    "plot_gradient_history",
    "plot_activations",
    "watch_activations",
    "ActivationStats",
    "ActivationWatch",
]


class GradientFlow(Rich, dict):
    """``{layer name: gradient norm}`` (input layer first) with each layer's type in ``types``.

    ``show()`` prints a bar per layer, Jupyter draws an HTML table with bars, and
    :func:`plot_gradient_flow` draws it as a chart.
    """

    _title = "Gradient norm per layer"

    def __init__(self, *args, types: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.types = dict(types or {})

    def label(self, layer: str) -> str:
        """``'0 Linear'``: the layer's name and type, as the plots label it."""
        kind = self.types.get(layer)
        return f"{layer} {kind}" if kind and kind != layer else layer

    def _bars(self) -> list:
        top = max(self.values(), default=0.0) or 1.0
        return [(self.label(k), v, v / top) for k, v in self.items()]

    def text(self) -> str:
        width = max((len(lab) for lab, _, _ in self._bars()), default=5)
        lines = [
            f"  {lab:<{width}} {v:10.3e}  {'#' * max(1, round(40 * f)) if v else ''}"
            for lab, v, f in self._bars()
        ]
        return "\n".join(lines)

    def _html_body(self) -> str:
        rows = [
            [
                esc(lab),
                f"<span class='mono'>{v:.4g}</span>",
                f"<span class='bar' style='width:{240 * f:.0f}px'></span>",
            ]
            for lab, v, f in self._bars()
        ]
        return html_table(
            ["layer", "gradient norm", ""], rows, caption=self._title + " (input layer first)", raw=True
        )

    def __repr__(self) -> str:
        return dict.__repr__(self)


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
    flow = GradientFlow()
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
                key = f"{name}.{pname}" if name else pname
                flow[key] = float(np.sqrt(_sq_norm(g)))
                flow.types[key] = type(module).__name__
        else:
            flow[layer] = float(np.sqrt(sum(_sq_norm(g) for _, g in grads)))
            flow.types[layer] = type(module).__name__
    if not flow:
        raise RuntimeError(
            "gradient_flow(): no parameter has a .grad yet; call loss.backward() first"
            if any_param
            else "gradient_flow(): the model has no parameters"
        )
    return flow


def _figure(width: float, height: float, who: str):
    """A matplotlib Figure drawn with the Agg backend, without touching pyplot's global state."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"{who}() needs matplotlib: pip install matplotlib") from None
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _finish(fig, ax, path: str, title: str, legend: bool) -> str:
    ax.set_title(title)
    if legend:
        ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def plot_gradient_flow(flows, path: str, title: str = "Gradient norm per layer", log: bool = False) -> str:
    """Save a bar chart of per-layer gradient norms to ``path`` (PNG, SVG, ... by extension).

    Args:
        flows: a model (after backward), a :class:`GradientFlow` / ``{layer: norm}`` dict, or
            ``{series label: {layer: norm}}`` to compare runs side by side (e.g. sigmoid vs ReLU).
        path: the image file to write.
        log: a log-scale y axis, for norms that span orders of magnitude (vanishing gradients).
            The default is a linear axis from 0, so that bar heights compare honestly.

    Bars are labelled with the layer's name and type (``'0 Linear'``). Returns ``path``. Needs
    matplotlib (``pip install matplotlib``).
    """
    if hasattr(flows, "named_modules"):
        flows = gradient_flow(flows)
    if not isinstance(flows, Mapping) or not flows:
        raise TypeError(
            "plot_gradient_flow() expects a model, a {layer: norm} dict or {label: {layer: norm}}"
        )
    series = flows if all(isinstance(v, Mapping) for v in flows.values()) else {"": flows}
    layers = list(dict.fromkeys(k for s in series.values() for k in s))
    labels = {}
    for s in series.values():
        labels.update({k: s.label(k) for k in s} if isinstance(s, GradientFlow) else {})
    fig = _figure(max(5.0, 0.9 * len(layers) * len(series) + 2), 4, "plot_gradient_flow")
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / len(series)
    x = np.arange(len(layers))
    for k, (label, s) in enumerate(series.items()):
        vals = [s.get(layer, np.nan) for layer in layers]
        ax.bar(x + (k - (len(series) - 1) / 2) * width, vals, width, label=label or None)
    ax.set_xticks(x)
    ax.set_xticklabels([labels.get(k, k) for k in layers], rotation=30 if len(layers) > 6 else 0)
    ax.set_xlabel("layer (input -> output)")
    ax.set_ylabel("gradient norm" + (" (log scale)" if log else ""))
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    return _finish(fig, ax, path, title, len(series) > 1)


class GradientFlowRecorder:
    """A training callback: call it after each ``loss.backward()`` to record every layer's
    gradient norm; ``history`` is ``{layer: [norm at each recorded step]}``.

    Example::

        >>> rec = teach.GradientFlowRecorder(model)
        >>> for step in range(100):
        ...     opt.zero_grad(); loss_fn(model(x), y).backward(); rec(); opt.step()
        >>> teach.plot_gradient_history(rec, "history.png")
    """

    def __init__(self, model, per_parameter: bool = False) -> None:
        if not hasattr(model, "named_modules"):
            raise TypeError(f"GradientFlowRecorder() expects an nn.Module, got {type(model).__name__}")
        self.model, self.per_parameter = model, per_parameter
        self.steps: list = []
        self.history: dict = {}
        self.types: dict = {}

    def __call__(self, step: int | None = None) -> GradientFlow:
        """Record the current grads (``step`` defaults to the count of calls so far)."""
        flow = gradient_flow(self.model, self.per_parameter)
        self.steps.append(len(self.steps) if step is None else step)
        for layer, norm in flow.items():
            self.history.setdefault(layer, []).append(norm)
        self.types.update(flow.types)
        return flow

    def last(self) -> GradientFlow:
        """The latest recorded norms as a :class:`GradientFlow`."""
        return GradientFlow({k: v[-1] for k, v in self.history.items()}, types=self.types)


def plot_gradient_history(
    recorder: GradientFlowRecorder,
    path: str,
    title: str = "Gradient norm per layer during training",
    log: bool = True,
) -> str:
    """Save the evolution of each layer's gradient norm over the recorded steps (one line per
    layer, log axis by default since norms of different layers differ by orders of magnitude)."""
    if not recorder.history:
        raise RuntimeError("plot_gradient_history(): nothing recorded; call the recorder after each backward")
    fig = _figure(6.5, 4, "plot_gradient_history")
    ax = fig.add_subplot(1, 1, 1)
    for layer, norms in recorder.history.items():
        ax.plot(recorder.steps[-len(norms) :], norms, label=recorder.last().label(layer))
    ax.set_xlabel("step")
    ax.set_ylabel("gradient norm" + (" (log scale)" if log else ""))
    if log:
        ax.set_yscale("log")
    return _finish(fig, ax, path, title, True)


def plot_activations(watches, path: str, title: str = "Dead units per layer") -> str:
    """Save a bar chart of each watched layer's dead fraction (units that were 0 for every
    sample) and zero fraction, in the style of :func:`plot_gradient_flow`.

    Args:
        watches: an :class:`ActivationWatch`, or ``{series label: ActivationWatch}`` to compare
            (e.g. ReLU vs Leaky ReLU).
    """
    series = watches if all(isinstance(v, ActivationWatch) for v in watches.values()) else {"": watches}
    if not any(series.values()):
        raise RuntimeError(
            "plot_activations(): no activations recorded; run a forward pass inside watch_activations()"
        )
    fig = _figure(6.5, 4, "plot_activations")
    ax = fig.add_subplot(1, 1, 1)
    n = len(series)
    for k, (label, watch) in enumerate(series.items()):
        x = np.arange(len(watch))
        ax.bar(
            x + (k - (n - 1) / 2) * 0.8 / n,
            [s.dead_fraction for s in watch.values()],
            0.8 / n,
            label=label or None,
        )
        ax.set_xticks(x)
        ax.set_xticklabels([f"layer {s.name}" for s in watch.values()])
    ax.set_ylim(0, 1)
    ax.set_xlabel("layer (input -> output)")
    ax.set_ylabel("fraction of dead units")
    return _finish(fig, ax, path, title, n > 1)


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


class ActivationWatch(Rich, dict):
    """``{layer name: ActivationStats}``, filled by the forward passes inside :func:`watch_activations`."""

    _title = "Activations per layer"

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

    def _html_body(self) -> str:
        rows = [
            [
                s.name,
                s.kind,
                _shape_str(s.shape),
                f"{s.mean:.3g}",
                f"{s.std:.3g}",
                f"{s.min:.3g}",
                f"{s.max:.3g}",
                f"{s.zero_fraction:.1%}",
                f"{s.dead_fraction:.1%}",
            ]
            for s in self.values()
        ]
        header = ["layer", "type", "shape", "mean", "std", "min", "max", "zero", "dead units"]
        return html_table(header, rows, caption=self._title)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return dict.__repr__(self)


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
            if isinstance(out, Tensor) and out._data.dtype.kind in "fV":
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
