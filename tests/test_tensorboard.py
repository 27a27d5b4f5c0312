"""minitorch.utils.tensorboard.SummaryWriter against torch's: the same scalars, histogram buckets
and images read back by TensorBoard's own event reader; an install hint without tensorboard."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import nn
from minitorch.utils.tensorboard import SummaryWriter

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402


def _read(path):
    events = EventAccumulator(str(path), size_guidance={"histograms": 0, "images": 0, "scalars": 0})
    events.Reload()
    return events


def _log(writer, values, image):
    writer.add_scalar("loss", 0.5, 1)
    writer.add_scalar("loss", 0.25, 2)
    writer.add_histogram("w", values, 3)
    writer.add_image("img", image, 4)
    writer.add_scalars("run", {"a": 1.0, "b": 2.0}, 5)
    writer.close()


@needs_torch
def test_same_events_as_torch(tmp_path):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    values = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    image = np.random.default_rng(1).random((3, 5, 7)).astype(np.float32)
    _log(SummaryWriter(str(tmp_path / "mt")), mt.tensor(values), mt.tensor(image))
    _log(TorchWriter(str(tmp_path / "torch")), torch.from_numpy(values), torch.from_numpy(image))
    ours, theirs = _read(tmp_path / "mt"), _read(tmp_path / "torch")
    assert [(e.step, e.value) for e in ours.Scalars("loss")] == [
        (e.step, e.value) for e in theirs.Scalars("loss")
    ]
    h1, h2 = ours.Histograms("w")[0].histogram_value, theirs.Histograms("w")[0].histogram_value
    assert (h1.min, h1.max, h1.num, h1.bucket_limit, h1.bucket) == (
        h2.min,
        h2.max,
        h2.num,
        h2.bucket_limit,
        h2.bucket,
    )
    assert h1.sum == pytest.approx(h2.sum, rel=1e-5) and h1.sum_squares == pytest.approx(
        h2.sum_squares, rel=1e-5
    )
    i1, i2 = ours.Images("img")[0], theirs.Images("img")[0]
    assert (i1.width, i1.height, i1.step) == (i2.width, i2.height, i2.step) == (7, 5, 4)
    for sub in ("run_a", "run_b"):
        assert [e.value for e in _read(tmp_path / "mt" / sub).Scalars("run")] == [
            e.value for e in _read(tmp_path / "torch" / sub).Scalars("run")
        ]


def test_graph_and_text(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(model, mt.randn(1, 3))
        w.add_text("note", "hello", 1)
    graph = _read(tmp_path).Graph()
    names = {n.name for n in graph.node}
    assert any("0.weight" in n for n in names) and len(graph.node) >= 3


def test_bad_values_and_missing_package(tmp_path, monkeypatch):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(ValueError, match="0D"):
            w.add_scalar("x", mt.ones(2))
        with pytest.raises(ValueError, match="dataformats"):
            w.add_image("x", mt.ones(2, 2), dataformats="CHW")
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto", None)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        SummaryWriter(str(tmp_path / "other"))
