"""A small CNN (conv, batch norm, max pool, linear) learns sklearn's bundled 8x8 digits."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from minitorch import nn, optim
from minitorch.nn.modules.conv import Conv2d
from minitorch.nn.modules.normalization import BatchNorm2d
from minitorch.nn.modules.pooling import MaxPool2d

datasets = pytest.importorskip(
    "sklearn.datasets", reason="scikit-learn is not installed (pip install scikit-learn)"
)


def test_small_cnn_reaches_95_percent_on_digits():
    digits = datasets.load_digits()  # 1797 images, bundled with scikit-learn (no download)
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8)
    y = digits.target.astype(np.int64)
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(x))
    test, train = perm[:360], perm[360:]
    xtr, ytr = x[train], y[train]

    mt.manual_seed(0)
    model = nn.Sequential(
        Conv2d(1, 16, 3, padding=1),
        BatchNorm2d(16),
        nn.ReLU(),
        MaxPool2d(2),  # 16 x 4 x 4
        Conv2d(16, 32, 3, padding="same"),
        nn.ReLU(),
        MaxPool2d(2),  # 32 x 2 x 2
        nn.Flatten(),
        nn.Linear(128, 10),
    )
    opt = optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()

    def test_accuracy() -> float:
        model.eval()
        with mt.no_grad():
            pred = model(mt.tensor(x[test])).argmax(1).numpy()
        model.train()
        return float((pred == y[test]).mean())

    before = test_accuracy()
    first_loss = None
    for _ in range(4):  # epochs
        order = rng.permutation(len(train))
        for i in range(0, len(train), 64):
            idx = order[i : i + 64]
            opt.zero_grad()
            loss = loss_fn(model(mt.tensor(xtr[idx])), mt.tensor(ytr[idx]))
            loss.backward()
            opt.step()
            first_loss = loss.item() if first_loss is None else first_loss
    acc = test_accuracy()
    assert acc >= 0.95, f"test accuracy {acc:.3f} (was {before:.3f} before training)"
    assert loss.item() < first_loss / 4
    assert int(model[1].num_batches_tracked.item()) == 4 * -(-len(train) // 64)
