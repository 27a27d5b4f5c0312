"""``minitorch.load(path, mmap=True)`` maps the file as ``torch.load(path, mmap=True)`` does: every
tensor is a view of an ``np.memmap`` of the checkpoint (nothing is read up front), the values are
torch.load's, tensors are writable and writes never reach the file (copy-on-write, torch's
MAP_PRIVATE), and torch's errors for what cannot be mapped."""

from __future__ import annotations

import hashlib
import io
import pickle
import tracemalloc
import zipfile

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import nn
from minitorch.serialization import load, save


def _memmap_of(arr):
    """The np.memmap ``arr`` is (a view of), following its base chain; None if it has none."""
    while arr is not None:
        if isinstance(arr, np.memmap):
            return arr
        arr = getattr(arr, "base", None)
    return None


def _maps(arr) -> bool:
    mm = _memmap_of(arr)
    if mm is None:
        return False
    lo = mm.__array_interface__["data"][0]
    ptr = arr.__array_interface__["data"][0]
    return lo <= ptr and ptr + arr.nbytes <= lo + mm.nbytes


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _objects():
    base = mt.arange(12, dtype=mt.float32).reshape(3, 4)
    return {
        "w": mt.randn(5, 3),
        "p": nn.Parameter(mt.randn(4)),
        "i": mt.arange(7),
        "b": mt.tensor([True, False, True]),
        "h": mt.randn(2, 3).to(mt.float16),
        "t": base.t(),  # a transposed view (fortran-ordered .npy in minitorch's format)
        "row": base[1],  # a view sharing base's storage (in torch's format)
        "base": base,
        "scalar": mt.tensor(2.5, dtype=mt.float64),
        "empty": mt.zeros(0, 3),
    }


@pytest.mark.parametrize("fmt", ["minitorch", "torch"])
def test_mmap_tensors_are_views_of_the_mapped_file(tmp_path, fmt):
    obj = _objects()
    path = tmp_path / "ckpt"
    save(obj, path, format=fmt)
    got = load(path, mmap=True)
    for k, v in obj.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape, k
        assert np.array_equal(got[k]._data, v._data), k
        if v.numel():
            assert _maps(got[k]._data), k
            assert got[k]._data.__array_interface__["data"][0] % got[k]._data.itemsize == 0, k  # aligned
    assert isinstance(got["p"], nn.Parameter) and got["p"].requires_grad
    plain = load(path)  # without mmap the data is read into memory
    assert not any(_maps(t._data) for t in plain.values())


@needs_torch
def test_mmap_of_a_file_written_by_torch_gives_torch_load_values(tmp_path):
    g = torch.Generator().manual_seed(0)
    base = torch.randn(6, 5, generator=g)
    obj = {
        "lin": torch.nn.Linear(5, 3).state_dict(),
        "view": base[1:, ::2],
        "base": base,
        "half": torch.randn(4, generator=g).half(),
        "long": torch.arange(10),
    }
    path = tmp_path / "t.pt"
    torch.save(obj, path)
    want = torch.load(path, mmap=True, weights_only=True)
    got = load(path, mmap=True)
    pairs = [(got["lin"][k], want["lin"][k]) for k in want["lin"]] + [
        (got[k], want[k]) for k in ("view", "base", "half", "long")
    ]
    for g_, w in pairs:
        assert np.array_equal(g_._data, w.numpy()) and g_._data.dtype == w.numpy().dtype
        assert _maps(g_._data)
    # two tensors on one storage stay one memory, as in torch
    got["base"][1, 0] = 100.0
    want["base"][1, 0] = 100.0
    assert got["view"][0, 0].item() == want["view"][0, 0].item() == 100.0


@pytest.mark.parametrize("fmt", ["minitorch", "torch"])
def test_writes_to_mmap_tensors_stay_in_memory(tmp_path, fmt):
    path = tmp_path / "ckpt"
    save({"w": mt.ones(4, 4), "b": mt.zeros(4)}, path, format=fmt)
    before = _digest(path)
    got = load(path, mmap=True)
    got["w"][0, 0] = 7.0
    got["w"].mul_(2.0)
    got["b"].add_(1.0)
    assert got["w"][0, 0].item() == 14.0 and got["b"].tolist() == [1.0] * 4
    del got
    assert _digest(path) == before
    again = load(path, mmap=True)
    assert again["w"].tolist() == [[1.0] * 4] * 4


@needs_torch
def test_torch_mmap_also_keeps_writes_out_of_the_file(tmp_path):
    """The semantics the test above copies: torch maps privately (MAP_PRIVATE) by default."""
    path = tmp_path / "t.pt"
    torch.save({"w": torch.ones(3)}, path)
    before = _digest(path)
    torch.load(path, mmap=True, weights_only=True)["w"].add_(1.0)
    assert _digest(path) == before


@pytest.mark.parametrize("fmt", ["minitorch", "torch"])
def test_mmap_reads_nothing_up_front(tmp_path, fmt):
    n = 4 * 2**20  # 16 MiB of float32
    path = tmp_path / "big"
    save({"big": mt.ones(n)}, path, format=fmt)
    tracemalloc.start()
    try:
        got = load(path, mmap=True)
        _, mapped_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        read = load(path)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read_peak >= 4 * n  # reading holds the whole tensor
    assert mapped_peak < 2**20  # mapping allocates next to nothing
    assert got["big"][n - 1].item() == 1.0 and read["big"][0].item() == 1.0


@pytest.mark.parametrize("fmt", ["minitorch", "torch"])
@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_rezipped_checkpoints_still_load_with_mmap(tmp_path, fmt, compression):
    """A stored member at any offset is mapped (unaligned); a compressed one is read instead."""
    obj = _objects()
    src, dst = tmp_path / "a", tmp_path / "b"
    save(obj, src, format=fmt)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        zout.writestr("pad.txt", "x")  # moves every member by an odd number of bytes
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    got = load(dst, mmap=True)
    for k, v in obj.items():
        assert np.array_equal(got[k]._data, v._data), k
    assert _maps(got["w"]._data) == (compression == zipfile.ZIP_STORED)


@needs_torch
@pytest.mark.parametrize("fmt", ["minitorch", "torch"])
def test_mmap_needs_a_path_as_torch(tmp_path, fmt):
    path = tmp_path / "c"
    save({"w": mt.ones(2)}, path, format=fmt)
    loaders = [load] + ([lambda f, **kw: torch.load(f, weights_only=True, **kw)] if fmt == "torch" else [])
    for lib_load in loaders:
        with (
            open(path, "rb") as fh,
            pytest.raises(ValueError, match="f must be a file path in order to use the mmap"),
        ):
            lib_load(fh, mmap=True)
        with pytest.raises(ValueError, match="f must be a file path"):
            lib_load(io.BytesIO(path.read_bytes()), mmap=True)
    with open(path, "rb") as fh:  # without mmap a file object is fine
        assert load(fh)["w"].tolist() == [1.0, 1.0]
    assert load(str(path), mmap=True)["w"].tolist() == [1.0, 1.0]


@needs_torch
def test_mmap_of_a_bare_pickle_is_a_runtime_error_as_torch(tmp_path):
    path = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        torch.load(path, mmap=True, weights_only=True)
    with pytest.raises(RuntimeError, match="bare pickle"):
        load(path, mmap=True)
    path.write_bytes(pickle.dumps({"w": 1}, protocol=2))
    with pytest.raises(RuntimeError):
        load(path, mmap=True)
