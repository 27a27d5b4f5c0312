"""What the seed walkthroughs share: the moons data, MNIST-format digits, a loss-curve plot and
quiet printing. Import it from a script in this folder (``from common import make_moons``)."""

from __future__ import annotations

import math
import os

import minitorch
from minitorch.datasets import MNIST, Digits


def printer(verbose: bool):
    """``print`` when verbose, else a function that prints nothing."""
    return print if verbose else (lambda *a, **k: None)


def make_moons(n_samples: int = 400, noise: float = 0.15, generator=None):
    """Two interleaving half circles (as scikit-learn's ``make_moons``): inputs (n, 2), labels (n, 1)."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = minitorch.linspace(0, math.pi, n_out)
    t_in = minitorch.linspace(0, math.pi, n_in)
    outer = minitorch.stack([t_out.cos(), t_out.sin()], dim=1)
    inner = minitorch.stack([1 - t_in.cos(), 1 - t_in.sin() - 0.5], dim=1)
    X = minitorch.cat([outer, inner]) + noise * minitorch.randn(n_samples, 2, generator=generator)
    y = minitorch.cat([minitorch.zeros(n_out, 1), minitorch.ones(n_in, 1)])
    return X, y


def train_test_split(X, y, test_fraction: float = 0.2, generator=None):
    """A random split of the rows: ``X_train, X_test, y_train, y_test``."""
    order = minitorch.randperm(X.shape[0], generator=generator)
    n_test = round(X.shape[0] * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def load_digits_data(n_train: int | None = None, n_test: int | None = None):
    """MNIST-format digits as flat float32 rows in [0, 1] and int64 labels.

    With ``$MINITORCH_MNIST_DIR`` set to a folder holding the MNIST ``t10k-*`` files: 28x28
    MNIST digits (train on the first 8,000 of that split, test on the last 2,000). Otherwise the
    8x8 digits embedded in minitorch (1,438 / 359). Returns
    ``(X_train, y_train, X_test, y_test, name)``.
    """
    folder = os.environ.get("MINITORCH_MNIST_DIR")
    if folder:
        data = MNIST(folder, train=False)
        X = data.data.reshape(data.data.shape[0], -1).float() / 255.0
        parts = (X[:8000], data.targets[:8000], X[8000:], data.targets[8000:])
        name = "MNIST (28x28, t10k split: 8,000 train / 2,000 test)"
    else:
        parts = []
        for train in (True, False):
            d = Digits(train=train)
            parts += [d.data.reshape(d.data.shape[0], -1).float() / 255.0, d.targets]
        name = "the embedded 8x8 digits (1,438 train / 359 test; set MINITORCH_MNIST_DIR for MNIST)"
    X_train, y_train, X_test, y_test = parts
    return X_train[:n_train], y_train[:n_train], X_test[:n_test], y_test[:n_test], name


def plot_curves(curves: dict, path: str, title: str, xlabel: str = "epoch", ylabel: str = "loss") -> str:
    """Save ``{label: [values]}`` as line plots to ``path`` (needs matplotlib)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise SystemExit("plotting needs matplotlib: pip install matplotlib") from None
    fig = Figure(figsize=(6, 3.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for label, values in curves.items():
        ax.plot(values, label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if len(curves) > 1:
        ax.legend()
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path
