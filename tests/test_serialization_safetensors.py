"""safetensors files through the optional safetensors package: torch's files load into minitorch,
minitorch's load in torch, shared memory is refused as safetensors.torch refuses it, and a missing
package gives an install hint."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

st_torch = pytest.importorskip("safetensors.torch")


@needs_torch
def test_both_ways_with_torch(tmp_path):
    t = {
        "w": torch.randn(3, 4),
        "i": torch.arange(5),
        "b": torch.tensor([True, False]),
        "h": torch.ones(2).half(),
    }
    st_torch.save_file(t, tmp_path / "t.safetensors")
    got = mt.load_safetensors(tmp_path / "t.safetensors")
    assert list(got) == sorted(t) or set(got) == set(t)
    for k, v in t.items():
        assert np.array_equal(got[k]._data, v.numpy()) and got[k].dtype == getattr(mt, str(v.dtype)[6:])
    mt.save_safetensors(
        {"x": mt.arange(6.0).reshape(2, 3).t()}, tmp_path / "m.safetensors", metadata={"a": "b"}
    )
    back = st_torch.load_file(tmp_path / "m.safetensors")
    assert torch.equal(back["x"], torch.arange(6.0).reshape(2, 3).t())


def test_shared_memory_and_bad_input_are_refused(tmp_path):
    base = mt.zeros(4)
    with pytest.raises(RuntimeError, match="share memory"):
        mt.save_safetensors({"a": base, "b": base[1:]}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="str -> Tensor"):
        mt.save_safetensors({"a": np.zeros(2)}, tmp_path / "x.safetensors")
    assert not (tmp_path / "x.safetensors").exists()


def test_missing_package_gives_an_install_hint(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match="pip install safetensors"):
        mt.save_safetensors({"a": mt.zeros(2)}, tmp_path / "x.safetensors")
