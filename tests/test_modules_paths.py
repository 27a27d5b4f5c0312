"""Scripts import names by their full module path (``from torch.nn.modules.loss import
_Loss``, ``from torch.utils.data.dataloader import DataLoader``). Every public name that torch
shows under one of these paths, and that minitorch has, imports from the same path in minitorch
and is the same object as minitorch's top-level name."""

from __future__ import annotations

import importlib
import warnings

import pytest
from helpers import needs_torch

import minitorch

pytestmark = needs_torch

# (torch module path, the minitorch namespace where its public names live)
PATHS = [
    ("utils.data.dataloader", "utils.data"),
    ("utils.data.dataset", "utils.data"),
    ("utils.data.sampler", "utils.data"),
    ("utils.data.distributed", "utils.data"),
    ("utils.data._utils.collate", "utils.data"),
    ("nn.modules", "nn"),
    ("nn.modules.module", "nn"),
    ("nn.modules.linear", "nn"),
    ("nn.modules.activation", "nn"),
    ("nn.modules.loss", "nn"),
    ("nn.modules.conv", "nn"),
    ("nn.modules.pooling", "nn"),
    ("nn.modules.batchnorm", "nn"),
    ("nn.modules.normalization", "nn"),
    ("nn.modules.instancenorm", "nn"),
    ("nn.modules.dropout", "nn"),
    ("nn.modules.sparse", "nn"),
    ("nn.modules.container", "nn"),
    ("nn.modules.flatten", "nn"),
    ("nn.modules.rnn", "nn"),
    ("nn.modules.transformer", "nn"),
    ("nn.modules.pixelshuffle", "nn"),
    ("nn.modules.upsampling", "nn"),
    ("nn.modules.fold", "nn"),
    ("nn.modules.padding", "nn"),
    ("nn.modules.distance", "nn"),
    ("nn.modules.channelshuffle", "nn"),
    ("nn.parameter", "nn"),
    ("nn.parallel", "nn"),
    ("nn.parallel.data_parallel", "nn"),
    ("nn.parallel.distributed", "nn.parallel"),
    ("nn.functional", "nn.functional"),
    ("nn.init", "nn.init"),
    ("nn.utils", "nn.utils"),
    ("nn.utils.clip_grad", "nn.utils"),
    ("nn.utils.convert_parameters", "nn.utils"),
    ("nn.utils.rnn", "nn.utils.rnn"),
    ("optim", "optim"),
    ("optim.optimizer", "optim"),
    ("optim.sgd", "optim"),
    ("optim.adam", "optim"),
    ("optim.adamw", "optim"),
    ("optim.rmsprop", "optim"),
    ("optim.adagrad", "optim"),
    ("optim.adadelta", "optim"),
    ("optim.lbfgs", "optim"),
    ("optim.adamax", "optim"),
    ("optim.nadam", "optim"),
    ("optim.radam", "optim"),
    ("optim.asgd", "optim"),
    ("optim.rprop", "optim"),
    ("optim.swa_utils", "optim.swa_utils"),
    ("optim.lr_scheduler", "optim.lr_scheduler"),
    ("autograd", "autograd"),
    ("autograd.function", "autograd"),
    ("autograd.grad_mode", "autograd"),
    ("autograd.gradcheck", "autograd"),
    ("autograd.functional", "autograd.functional"),
    ("amp", "amp"),
    ("amp.autocast_mode", "amp"),
    ("amp.grad_scaler", "amp"),
    ("cuda", "cuda"),
    ("cuda.amp", "cuda.amp"),
    ("backends", "backends"),
    ("backends.cudnn", "backends.cudnn"),
    ("backends.cuda", "backends.cuda"),
    ("backends.mps", "backends.mps"),
    ("distributed", "distributed"),
    ("jit", "jit"),
    ("onnx", "onnx"),
    ("random", ""),
]


def _public(mod) -> list[str]:
    names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecated aliases warn when read
        return [n for n in names if not isinstance(getattr(mod, n, None), type(importlib))]


def _get(root, dotted: str):
    for part in filter(None, dotted.split(".")):
        root = getattr(root, part)
    return root


@pytest.mark.parametrize("path,namespace", PATHS, ids=[p for p, _ in PATHS])
def test_torch_module_path_imports_from_minitorch(path, namespace):
    ours = importlib.import_module(f"minitorch.{path}")
    ref = importlib.import_module(f"torch.{path}")
    home = _get(minitorch, namespace)
    shared = [n for n in _public(ref) if not isinstance(getattr(home, n, importlib), type(importlib))]
    missing = [n for n in shared if not hasattr(ours, n)]
    assert not missing, f"minitorch.{path} lacks {missing} (minitorch.{namespace} has them)"
    for n in shared:
        assert getattr(ours, n) is getattr(home, n), f"minitorch.{path}.{n} is a different object"


# names scripts import by path that minitorch must have (not only "where it has the name")
REQUIRED = {
    "utils.data.dataloader": ["DataLoader", "default_collate"],
    "utils.data.dataset": ["Dataset", "TensorDataset", "Subset", "random_split", "ConcatDataset"],
    "utils.data.sampler": ["Sampler", "RandomSampler", "SequentialSampler", "BatchSampler"],
    "utils.data.distributed": ["DistributedSampler"],
    "nn.modules.loss": ["_Loss", "MSELoss", "CrossEntropyLoss"],
    "nn.modules.module": ["Module"],
    "nn.modules.activation": ["ReLU", "MultiheadAttention"],
    "nn.modules.batchnorm": ["BatchNorm1d", "BatchNorm2d"],
    "nn.modules.transformer": ["Transformer", "TransformerEncoderLayer", "TransformerDecoderLayer"],
    "nn.parameter": ["Parameter"],
    "nn.utils.rnn": ["pad_sequence"],
    "optim.optimizer": ["Optimizer"],
    "autograd.function": ["Function", "once_differentiable"],
}


@pytest.mark.parametrize("path", sorted(REQUIRED))
def test_required_names_by_path(path):
    ours = importlib.import_module(f"minitorch.{path}")
    missing = [n for n in REQUIRED[path] if not hasattr(ours, n)]
    assert not missing, f"minitorch.{path} lacks {missing}"
