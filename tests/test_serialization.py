"""minitorch.save / minitorch.load: round trips, a checkpoint that resumes training bit-identically,
refusal of files crafted to run code, atomic writes, one clear error for damaged files, and the
two-line PyTorch interop recipe."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import stat
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch import optim
from minitorch.serialization import load, save
from minitorch.utils.data import DataLoader, TensorDataset


def _same(a, b):
    """Deep equality that also checks types, dtypes and requires_grad."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, mt.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        assert np.array_equal(a._data, b._data, equal_nan=a._data.dtype.kind == "f")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b and (not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, b))


def _rich_object():
    tensors = {
        str(d): mt.tensor(np.arange(6).reshape(2, 3) % 2 == 0).to(d)
        if d is mt.bool
        else mt.arange(6).reshape(2, 3).to(d)
        for d in (
            mt.float16,
            mt.float32,
            mt.float64,
            mt.uint8,
            mt.int8,
            mt.int16,
            mt.int32,
            mt.int64,
            mt.bool,
        )
    }
    base = mt.randn(3, 4)
    return {
        "tensors": tensors,
        "grad": mt.randn(3, requires_grad=True),
        "scalar": mt.tensor(2.5),
        "empty": mt.zeros(0, 3),
        "view": base.t(),  # non-contiguous
        "numpy": [np.arange(5, dtype=np.int16), np.asfortranarray(np.ones((2, 3))), np.array(["ab", "c"])],
        "np_scalars": (np.float32(1.5), np.int64(-3), np.bool_(True)),
        "numbers": [0, -7, 2**70, 1.25, -0.0, float("nan"), float("inf"), -float("inf"), True, False, None],
        "text": ["", "héllo ☃", "__mt__"],
        "bytes": b"\x00\xff raw",
        "dtypes": [mt.float32, mt.int64, mt.bool],
        "size": mt.Size([2, 3]),
        "ordered": OrderedDict([("b", 1), ("a", 2)]),
        "int_keys": {0: "zero", 1: {"nested": [1, (2, 3)]}, -5: None},
        "odd_keys": {(1, "x"): 1, None: 2, 2.5: 3, True: 4},
        "tuple": (1, [2, (3,)], {"k": ()}),
    }


@pytest.mark.parametrize("target", ["path", "pathlike", "bytesio"])
def test_round_trip(tmp_path, target):
    obj = _rich_object()
    if target == "bytesio":
        buf = io.BytesIO()
        save(obj, buf)
        buf.seek(0)
        out = load(buf)
    else:
        p = tmp_path / "ckpt.mt"
        save(obj, p if target == "pathlike" else str(p))
        out = load(p if target == "pathlike" else str(p))
    _same(out, obj)
    assert isinstance(out["size"], mt.Size) and isinstance(out["ordered"], OrderedDict)
    assert out["grad"].is_leaf and out["grad"].grad is None


def test_non_seekable_stream():
    class Stream(io.RawIOBase):
        def __init__(self, data):
            self._b = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            return self._b.readinto(b)

    buf = io.BytesIO()
    save({"w": mt.ones(3)}, buf)
    out = load(Stream(buf.getvalue()))
    _same(out, {"w": mt.ones(3)})


def test_shared_tensors_stay_shared_and_loaded_data_is_independent(tmp_path):
    t = mt.randn(4)
    save({"a": t, "b": [t]}, tmp_path / "s.mt")
    out = load(tmp_path / "s.mt")
    assert out["a"] is out["b"][0]
    out["a"]._data[0] = 123.0
    assert t._data[0] != 123.0


def test_parameters_stay_parameters(tmp_path):
    from minitorch import nn

    p = nn.Parameter(mt.randn(2, 2))
    frozen = nn.Parameter(mt.randn(2), requires_grad=False)
    save({"p": p, "f": frozen}, tmp_path / "p.mt")
    out = load(tmp_path / "p.mt")
    assert isinstance(out["p"], nn.Parameter) and out["p"].requires_grad
    assert isinstance(out["f"], nn.Parameter) and not out["f"].requires_grad
    assert np.array_equal(out["p"]._data, p._data)


def test_file_is_a_zip_of_json_and_npy(tmp_path):
    """The format is inspectable with standard tools and holds no pickles."""
    save({"w": mt.ones(2, 3), "lr": 0.1}, tmp_path / "c.mt")
    with zipfile.ZipFile(tmp_path / "c.mt") as zf:
        assert sorted(zf.namelist()) == ["data/0.npy", "manifest.json"]
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "minitorch.save" and manifest["arrays"] == 1
        arr = np.load(io.BytesIO(zf.read("data/0.npy")), allow_pickle=False)
    assert arr.dtype == np.float32 and arr.shape == (2, 3)


# --- refusing code ---
class _Evil:
    """Unpickling this would create the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_crafted_pickle_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "evil.pt"
    with open(bad, "wb") as fh:
        pickle.dump({"state": _Evil(marker)}, fh)
    with pytest.raises(RuntimeError, match="pickle") as e:
        load(bad)
    assert str(bad) in str(e.value)
    with pytest.raises(RuntimeError, match="pickle"):
        load(io.BytesIO(bad.read_bytes()))
    assert not marker.exists()


def test_pickled_object_array_inside_the_archive_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "evil.mt"
    npy = io.BytesIO()
    np.save(npy, np.array([_Evil(marker)], dtype=object), allow_pickle=True)
    manifest = {
        "format": "minitorch.save",
        "version": 1,
        "arrays": 1,
        "root": {"__mt__": "ndarray", "array": 0},
    }
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("data/0.npy", npy.getvalue())
    with pytest.raises(RuntimeError, match="evil.mt"):
        load(bad)
    assert not marker.exists()


# --- damaged files: one clear error naming the path ---
def _valid_bytes():
    buf = io.BytesIO()
    save({"model": {"w": mt.randn(20, 20), "b": mt.zeros(20)}, "epoch": 3}, buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "make,what",
    [
        (lambda b: b"", "empty"),
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[:-10], "truncated"),
        (lambda b: b[:30], "truncated"),
        (lambda b: b"hello, this is text\n", "not a checkpoint"),
        (lambda b: bytes(range(256)) * 4, "not a checkpoint"),
    ],
    ids=["empty", "half", "tail-cut", "head-only", "text", "binary"],
)
def test_damaged_files_raise_one_clear_error(tmp_path, make, what):
    p = tmp_path / "bad.mt"
    p.write_bytes(make(_valid_bytes()))
    with pytest.raises(RuntimeError, match=what) as e:
        load(p)
    assert repr(str(p)) in str(e.value)


def test_corrupted_member_and_foreign_zip(tmp_path):
    data = bytearray(_valid_bytes())
    i = data.index(b"NUMPY") + 200  # inside the first array's bytes: the CRC check fails
    data[i] ^= 0xFF
    p = tmp_path / "flip.mt"
    p.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="damaged"):
        load(p)
    z = tmp_path / "other.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(RuntimeError, match="not a checkpoint"):
        load(z)
    for manifest in [{"format": "minitorch.save", "version": 99, "arrays": 0, "root": 1}, {"x": 1}, [1, 2]]:
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr("manifest.json", json.dumps(manifest))
        with pytest.raises(RuntimeError, match="other.zip"):
            load(z)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.mt")


# --- atomic writes ---
def _tmp_leftovers(d):
    return [n for n in os.listdir(d) if n.endswith(".tmp")]


def test_unsaveable_object_leaves_previous_file_intact(tmp_path):
    p = tmp_path / "ckpt.mt"
    save({"epoch": 1, "w": mt.ones(3)}, p)
    before = p.read_bytes()
    with pytest.raises(
        TypeError, match=r"cannot save an object of type object at obj\['state'\]\[1\]\['bad'\]"
    ):
        save({"epoch": 2, "state": [mt.zeros(3), {"bad": object()}, mt.zeros(2)]}, p)
    assert p.read_bytes() == before and load(p)["epoch"] == 1
    assert _tmp_leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["write_array", "fsync", "replace"])
def test_failure_half_way_leaves_previous_file_and_no_temp(tmp_path, monkeypatch, where):
    p = tmp_path / "ckpt.mt"
    save({"epoch": 1}, p)
    before = p.read_bytes()
    if where == "write_array":
        real, calls = np.lib.format.write_array, []

        def flaky(fp, arr, **kw):
            calls.append(1)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return real(fp, arr, **kw)

        monkeypatch.setattr(np.lib.format, "write_array", flaky)
    else:

        def boom(*a, **k):
            raise OSError(5, f"simulated {where} failure")

        monkeypatch.setattr(os, where, boom)
    with pytest.raises(OSError):
        save({"epoch": 2, "a": mt.ones(100), "b": mt.ones(100), "c": mt.ones(100)}, p)
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert _tmp_leftovers(tmp_path) == []


def test_save_keeps_file_permissions_and_checks_directory(tmp_path):
    p = tmp_path / "ckpt.mt"
    save(1, p)
    os.chmod(p, 0o600)
    save(2, p)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600 and load(p) == 2
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        save(1, tmp_path / "missing" / "x.mt")


def test_unsupported_values_and_cycles():
    for bad in [object(), {1, 2}, 1 + 2j, np.array([object()], dtype=object), {mt.zeros(1): 1}]:
        with pytest.raises(TypeError, match="minitorch.save"):
            save(bad, io.BytesIO())
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="reference cycle"):
        save({"x": loop}, io.BytesIO())


# --- checkpoints in training ---
def test_checkpoint_round_trip_resumes_bit_identically(tmp_path):
    """Model + Adam + RNG state saved in one file mid-training; resuming in a fresh model and
    optimizer gives exactly the parameters of an uninterrupted run (shuffled batches included)."""
    from minitorch import nn

    rng = np.random.default_rng(0)
    data = TensorDataset(
        mt.tensor(rng.standard_normal((40, 3)).astype(np.float32)), mt.tensor(rng.integers(0, 2, 40))
    )

    def make(seed):
        mt.manual_seed(seed)
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
        return model, optim.Adam(model.parameters(), lr=0.01, amsgrad=True)

    def epoch(model, opt):
        for xb, yb in DataLoader(data, batch_size=8, shuffle=True):
            opt.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()

    model, opt = make(0)
    for _ in range(4):
        epoch(model, opt)
    reference = [p._data.copy() for p in model.parameters()]

    model, opt = make(0)
    for _ in range(2):
        epoch(model, opt)
    save(
        {"model": model.state_dict(), "optimizer": opt.state_dict(), "rng": mt.get_rng_state(), "epoch": 2},
        tmp_path / "ck.mt",
    )
    del model, opt

    model, opt = make(123)  # different initial weights: everything must come from the file
    ckpt = load(tmp_path / "ck.mt")
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    mt.set_rng_state(ckpt["rng"])
    assert ckpt["epoch"] == 2 and sorted(ckpt["optimizer"]["state"]) == [0, 1, 2, 3]
    for _ in range(2):
        epoch(model, opt)
    for p, ref in zip(model.parameters(), reference):
        assert np.array_equal(p._data, ref)


@needs_torch
def test_pytorch_interop_recipe():
    """The README recipe: state_dict tensors cross between the libraries through NumPy."""
    from minitorch import nn

    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    m_model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)

    m_model.load_state_dict({k: v.numpy() for k, v in t_model.state_dict().items()})  # torch -> minitorch
    assert_close(m_model(mt.tensor(x)), t_model(torch.tensor(x)).detach())

    m_model2 = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    t_model.load_state_dict(
        {k: torch.from_numpy(v.numpy()) for k, v in m_model2.state_dict().items()}
    )  # back
    assert_close(m_model2(mt.tensor(x)), t_model(torch.tensor(x)).detach())
    for k, v in t_model.state_dict().items():
        assert np.array_equal(v.numpy(), m_model2.state_dict()[k]._data)


def test_optimizer_state_dict_survives_save_load(tmp_path):
    p = mt.randn(3, requires_grad=True)
    opt = optim.SGD([{"params": [p], "lr": 0.5}], lr=0.1, momentum=0.9, nesterov=True)
    p.grad = mt.ones(3)
    opt.step()
    save(opt.state_dict(), tmp_path / "o.mt")
    sd = load(tmp_path / "o.mt")
    _same(sd, opt.state_dict())
    assert list(sd["state"]) == [0] and sd["param_groups"][0]["params"] == [0]
