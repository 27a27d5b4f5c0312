"""PyTorch's checkpoint format without torch: files written by torch.save load into minitorch
(every layer's state_dict gives torch's outputs), files written by minitorch.save(format="torch")
load in torch.load(weights_only=True), crafted pickles are refused by name, whole modules need
weights_only=False or safe globals, map_location behaves as torch's."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch import nn
from minitorch.serialization import (
    add_safe_globals,
    clear_safe_globals,
    get_safe_globals,
    load,
    safe_globals,
    save,
)

pytestmark = needs_torch

DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]

# (layer constructor args, input shape): the same call builds the torch and the minitorch layer
LAYERS = [
    ("Linear", (5, 3), (4, 5)),
    ("Conv1d", (2, 3, 3), (2, 2, 7)),
    ("Conv2d", (2, 3, 3), (2, 2, 6, 6)),
    ("ConvTranspose2d", (2, 3, 3), (2, 2, 4, 4)),
    ("BatchNorm1d", (3,), (4, 3)),
    ("BatchNorm2d", (2,), (3, 2, 4, 4)),
    ("LayerNorm", (6,), (2, 6)),
    ("GroupNorm", (2, 4), (2, 4, 3)),
    ("Embedding", (10, 4), None),
    ("RNN", (3, 4), (5, 2, 3)),
    ("LSTM", (3, 4), (5, 2, 3)),
    ("GRU", (3, 4), (5, 2, 3)),
    ("MultiheadAttention", (8, 2), (3, 2, 8)),
    ("TransformerEncoderLayer", (8, 2, 16, 0.0), (3, 2, 8)),
]


def _first(out):
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("name,args,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_torch_state_dict_of_each_layer_loads_and_gives_torch_outputs(tmp_path, name, args, shape):
    torch.manual_seed(0)
    t_layer = getattr(torch.nn, name)(*args)
    if "BatchNorm" in name:  # non-trivial running statistics and a step count
        t_layer.train()
        t_layer(torch.randn(*shape))
    t_layer.eval()
    path = tmp_path / f"{name}.pt"
    torch.save(t_layer.state_dict(), path)
    state = load(path)
    assert isinstance(state, OrderedDict) and list(state) == list(t_layer.state_dict())
    m_layer = getattr(nn, name)(*args)
    m_layer.load_state_dict(state)
    m_layer.eval()
    if shape is None:
        x = np.array([[1, 3, 9], [0, 2, 2]])
        t_in, m_in = torch.from_numpy(x), mt.tensor(x)
    else:
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        t_in, m_in = torch.from_numpy(x), mt.tensor(x)
    with torch.no_grad(), mt.no_grad():
        args_t = (t_in, t_in, t_in) if name == "MultiheadAttention" else (t_in,)
        args_m = (m_in, m_in, m_in) if name == "MultiheadAttention" else (m_in,)
        assert_close(_first(m_layer(*args_m)), _first(t_layer(*args_t)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_both_ways(tmp_path, dtype):
    values = np.arange(-3, 9).reshape(3, 4) % 5
    t = torch.from_numpy(values).to(getattr(torch, dtype))
    torch.save({"x": t}, tmp_path / "t.pt")
    got = load(tmp_path / "t.pt")["x"]
    assert got.dtype == getattr(mt, dtype) and np.array_equal(got._data, t.numpy())
    save({"x": got, "dtype": got.dtype}, tmp_path / "m.pt", format="torch")
    back = torch.load(tmp_path / "m.pt", weights_only=True)
    assert back["x"].dtype == t.dtype and torch.equal(back["x"], t) and back["dtype"] == t.dtype


def test_views_and_shared_storages_from_torch(tmp_path):
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "row": base[2], "col": base[:, 3], "step": base[::2, 1::3]}
    torch.save(obj, tmp_path / "v.pt")
    got = load(tmp_path / "v.pt")
    for k, v in obj.items():
        assert got[k].shape == tuple(v.shape) and np.array_equal(got[k]._data, v.numpy()), k
        assert np.shares_memory(got[k]._data, got["base"]._data), k  # one storage, as in torch
    got["base"]._data[2, 3] = -1.0
    assert got["row"][3].item() == -1.0 and got["col"][2].item() == -1.0


def test_minitorch_views_share_a_storage_in_torch(tmp_path):
    base = mt.arange(12.0).reshape(3, 4)
    save(
        {"base": base, "t": base.t(), "row": base[1], "copy": base.clone()}, tmp_path / "v.pt", format="torch"
    )
    got = torch.load(tmp_path / "v.pt", weights_only=True)
    assert torch.equal(got["t"], got["base"].t()) and torch.equal(got["row"], got["base"][1])
    ptr = got["base"].untyped_storage().data_ptr()
    assert got["t"].untyped_storage().data_ptr() == ptr == got["row"].untyped_storage().data_ptr()
    assert got["copy"].untyped_storage().data_ptr() != ptr


def _rewrite(src, dst, edit):
    """Copy a zip checkpoint, passing each member's (name, bytes) through ``edit``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, edit(name, zin.read(name)))


def test_big_endian_files(tmp_path):
    obj = {"f": torch.randn(3, 2), "i": torch.arange(5, dtype=torch.int32), "h": torch.randn(4).half()}
    torch.save(obj, tmp_path / "le.pt")
    dtypes = {"0": np.float32, "1": np.int32, "2": np.float16}

    def to_big(name, data):
        if name.endswith("byteorder"):
            return b"big"
        key = name.rsplit("/", 1)[-1]
        if "/data/" in name:
            return np.frombuffer(data, dtypes[key]).byteswap().tobytes()
        return data

    _rewrite(tmp_path / "le.pt", tmp_path / "be.pt", to_big)
    assert torch.load(tmp_path / "be.pt")["f"].equal(obj["f"])  # torch agrees the file is right
    got = load(tmp_path / "be.pt")
    for k, v in obj.items():
        assert np.array_equal(got[k]._data, v.numpy()) and got[k]._data.dtype.isnative


def test_minitorch_writes_what_torch_reads(tmp_path):
    mt.manual_seed(0)
    lin = nn.Linear(3, 2)
    obj = {
        "model": lin.state_dict(),
        "param": nn.Parameter(mt.randn(2, 2)),
        "leaf": mt.ones(3, requires_grad=True),
        "list": [1, 2.5, "s", None, True, (mt.zeros(2, dtype=mt.int64), b"raw")],
        "size": mt.Size([2, 3]),
        "device": mt.device("cpu"),
        "set": {1, 2},
        "empty": mt.zeros(0, 3),
        "scalar": mt.tensor(3.5),
    }
    save(obj, tmp_path / "m.pt", format="torch")
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    assert isinstance(got["model"], OrderedDict)
    for k, v in lin.state_dict().items():
        assert torch.equal(got["model"][k], torch.from_numpy(v.numpy()))
    assert isinstance(got["param"], torch.nn.Parameter) and got["param"].requires_grad
    assert got["leaf"].requires_grad and not isinstance(got["leaf"], torch.nn.Parameter)
    assert got["list"][:5] == [1, 2.5, "s", None, True] and got["list"][5][1] == b"raw"
    assert got["list"][5][0].dtype == torch.int64
    assert got["size"] == torch.Size([2, 3]) and got["device"] == torch.device("cpu") and got["set"] == {1, 2}
    assert got["empty"].shape == (0, 3) and got["scalar"].item() == 3.5 and got["scalar"].dim() == 0
    # and minitorch reads its own torch-format file back into the same objects
    again = load(tmp_path / "m.pt")
    assert isinstance(again["param"], nn.Parameter) and again["size"] == mt.Size([2, 3])
    assert np.array_equal(again["model"]["weight"]._data, lin.weight._data)


def test_storages_are_64_byte_aligned_as_torch_needs_for_mmap(tmp_path):
    save(
        {"a": mt.ones(3), "b": mt.arange(7), "c": mt.zeros(5, dtype=mt.bool)},
        tmp_path / "m.pt",
        format="torch",
    )
    with open(tmp_path / "m.pt", "rb") as fh, zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():
            if "/data/" in info.filename:
                fh.seek(info.header_offset + 26)
                n, extra = np.frombuffer(fh.read(4), "<u2")
                assert (info.header_offset + 30 + n + extra) % 64 == 0
    got = torch.load(tmp_path / "m.pt", mmap=True, weights_only=True)
    assert got["b"].tolist() == list(range(7))


# --- refusing what weights_only refuses ---
class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _Custom:
    def __init__(self, v):
        self.v = v


def test_crafted_pickles_are_refused_by_name(tmp_path):
    marker = tmp_path / "pwned"
    torch.save({"w": torch.ones(2), "x": _Evil(marker)}, tmp_path / "evil.pt")
    with pytest.raises(
        pickle.UnpicklingError, match=r"GLOBAL (posix|os)\.system was not an allowed global"
    ) as e:
        load(tmp_path / "evil.pt")
    assert str(tmp_path / "evil.pt") in str(e.value) and not marker.exists()
    torch.save({"x": _Custom(3)}, tmp_path / "custom.pt")
    with pytest.raises(
        pickle.UnpicklingError, match=r"add_safe_globals\(\[test_serialization_torch\._Custom\]\)"
    ):
        load(tmp_path / "custom.pt")
    with safe_globals([_Custom]):
        assert load(tmp_path / "custom.pt")["x"].v == 3
    with pytest.raises(pickle.UnpicklingError):  # the context manager's allowance has ended
        load(tmp_path / "custom.pt")
    assert load(tmp_path / "custom.pt", weights_only=False)["x"].v == 3


def test_numpy_arrays_need_weights_only_false_as_in_torch(tmp_path):
    torch.save({"a": np.arange(3)}, tmp_path / "np.pt")
    with pytest.raises(pickle.UnpicklingError, match="numpy"):
        load(tmp_path / "np.pt")
    assert np.array_equal(load(tmp_path / "np.pt", weights_only=False)["a"], np.arange(3))


def test_torch_objects_minitorch_lacks_are_named(tmp_path):
    torch.save({"w": torch.ones(2, dtype=torch.bfloat16)}, tmp_path / "bf16.pt")
    with pytest.raises(RuntimeError, match=r"bf16\.pt.*torch\.BFloat16Storage"):
        load(tmp_path / "bf16.pt")


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.1])
def test_truncated_torch_file_gives_one_error_naming_the_path(tmp_path, cut):
    torch.save({"w": torch.randn(50, 50), "b": torch.zeros(50)}, tmp_path / "ok.pt")
    data = (tmp_path / "ok.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(RuntimeError, match=r"cut\.pt.*(truncated|damaged)"):
        load(tmp_path / "cut.pt")


def test_a_storage_smaller_than_its_tensor_is_refused(tmp_path):
    torch.save({"w": torch.ones(4)}, tmp_path / "ok.pt")
    _rewrite(tmp_path / "ok.pt", tmp_path / "short.pt", lambda n, d: d[:8] if "/data/" in n else d)
    with pytest.raises(RuntimeError, match=r"short\.pt.*damaged"):
        load(tmp_path / "short.pt")


# --- whole modules and safe globals ---
class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))


def test_whole_module_needs_weights_only_false_or_safe_globals(tmp_path):
    net = _Net()
    save(net, tmp_path / "net.pt")
    with pytest.raises(
        pickle.UnpicklingError, match=r"GLOBAL test_serialization_torch\._Net .*add_safe_globals"
    ):
        load(tmp_path / "net.pt")
    x = mt.randn(4, 3)
    loaded = load(tmp_path / "net.pt", weights_only=False)
    assert type(loaded) is _Net and np.array_equal(loaded(x)._data, net(x)._data)
    assert isinstance(loaded.fc.weight, nn.Parameter) and loaded.fc.weight.requires_grad
    with safe_globals([_Net, nn.Linear, nn.ReLU]):
        assert np.array_equal(load(tmp_path / "net.pt")(x)._data, net(x)._data)
    with pytest.raises(RuntimeError, match="pickle_module"):
        load(tmp_path / "net.pt", pickle_module=pickle, weights_only=True)


def test_add_safe_globals_and_friends():
    clear_safe_globals()
    add_safe_globals([_Custom, (_Net, "somewhere.Net")])
    assert get_safe_globals() == [_Custom, (_Net, "somewhere.Net")]
    clear_safe_globals()
    assert get_safe_globals() == []
    with pytest.raises(ValueError, match="tuple of length 2"):
        add_safe_globals([(_Custom,)])
    with pytest.raises(TypeError):
        add_safe_globals(_Custom)


# --- map_location ---
def _on_cuda(src, dst):
    """The same checkpoint with its storages saved on 'cuda:0'."""

    def edit(name, data):
        return (
            data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            if name.endswith("data.pkl")
            else data
        )

    _rewrite(src, dst, edit)


def test_map_location(tmp_path):
    torch.save({"w": torch.arange(3.0)}, tmp_path / "cpu.pt")
    _on_cuda(tmp_path / "cpu.pt", tmp_path / "cuda.pt")
    with pytest.raises(RuntimeError, match=r"CUDA device .*map_location='cpu'"):
        load(tmp_path / "cuda.pt")
    seen = []
    for where in [
        "cpu",
        mt.device("cpu"),
        {"cuda:0": "cpu"},
        lambda storage, loc: seen.append(loc) or storage,
    ]:
        assert load(tmp_path / "cuda.pt", map_location=where)["w"].tolist() == [0.0, 1.0, 2.0]
    assert seen == ["cuda:0"]
    assert load(tmp_path / "cpu.pt", map_location=lambda s, loc: None)["w"].tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(RuntimeError, match="CPU only"):
        load(tmp_path / "cpu.pt", map_location="cuda")
    with pytest.raises(TypeError, match="map_location"):
        load(tmp_path / "cpu.pt", map_location=3)
    buf = io.BytesIO()
    save({"w": mt.ones(2)}, buf)  # the minitorch format takes the same map_location values
    buf.seek(0)
    assert load(buf, map_location={"cuda:0": "cpu"})["w"].tolist() == [1.0, 1.0]
