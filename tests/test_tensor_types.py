"""The legacy API tutorials still teach, against torch: ``FloatTensor`` & co. (constructors and
``isinstance``), ``Tensor(2, 3)``, ``x.type()``, ``autograd.Variable``, ``f"{loss:.4f}"``, the
device methods of a CPU-only build, printed names and ``bfloat16``."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import _dtype

pytestmark = needs_torch

TYPES = [
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "ByteTensor",
    "CharTensor",
    "ShortTensor",
    "IntTensor",
    "LongTensor",
    "BoolTensor",
]


def _name(d) -> str:
    return repr(d).split(".", 1)[1]


@pytest.mark.parametrize("name", TYPES)
def test_legacy_constructors_and_isinstance(name):
    M, T = getattr(mt, name), getattr(torch, name)
    for args in [([1.7, 0.0, 2.0],), (2, 3), (mt.Size([2]),), ()]:
        targs = tuple(torch.Size(a) if isinstance(a, mt.Size) else a for a in args)
        m, t = M(*args), T(*targs)
        assert tuple(m.shape) == tuple(t.shape) and _name(m.dtype) == _name(t.dtype)
        if args and isinstance(args[0], list):
            np.testing.assert_array_equal(m._data, t.numpy())
    assert isinstance(M([1]), M) and isinstance(M([1]), mt.Tensor) and type(M([1])) is mt.Tensor
    for other in TYPES:
        assert isinstance(getattr(mt, other)([1]), M) == isinstance(getattr(torch, other)([1]), T)
    assert repr(M) == f"<class 'minitorch.{name}'>"


def test_legacy_constructors_take_only_device_as_torch():
    for lib in (mt, torch):
        with pytest.raises(TypeError):
            lib.LongTensor(2, requires_grad=True)
        with pytest.raises(TypeError):
            lib.FloatTensor([1.0], dtype=lib.float64)
        with pytest.raises(TypeError):  # a tensor of another dtype is refused, not converted
            lib.LongTensor(lib.ones(2))
        with pytest.raises(RuntimeError, match="legacy constructor expects device type: cpu"):
            lib.FloatTensor(2, device="cuda")
        x = lib.ones(2)
        lib.FloatTensor(x).add_(1)  # an alias of x
        assert x.tolist() == [2.0, 2.0] and lib.FloatTensor([1, 2], device="cpu").shape == (2,)
        assert lib.FloatTensor(2, 3, device=lib.device("cpu")).shape == (2, 3)


def test_tensor_sizes_form_and_data_form():
    for args in [(2, 3), (4,), ([1, 2],), ([[1.5]],), ()]:
        m, t = mt.Tensor(*args), torch.Tensor(*args)
        assert tuple(m.shape) == tuple(t.shape) and m.dtype == mt.float32
    assert mt.Tensor(mt.Size([2, 5])).shape == (2, 5)
    np.testing.assert_array_equal(mt.Tensor([1, 2])._data, [1.0, 2.0])


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
)
def test_type_names_and_conversions(dtype):
    m, t = mt.ones(2, dtype=getattr(mt, dtype)), torch.ones(2, dtype=getattr(torch, dtype))
    assert m.type() == t.type().replace("torch.", "minitorch.")
    assert m.type("torch.DoubleTensor").dtype == mt.float64
    assert m.type("minitorch.LongTensor").dtype == mt.int64
    assert m.type(mt.IntTensor).dtype == mt.int32 and m.type(mt.float16).dtype == mt.float16
    with pytest.raises(ValueError, match="invalid type"):
        m.type("torch.NotATensor")


def test_variable_is_a_detached_tensor_as_in_torch():
    from minitorch.autograd import Variable

    for lib, V in ((torch, torch.autograd.Variable), (mt, Variable)):
        x = lib.ones(2)
        v = V(x, requires_grad=True)
        assert v is not x and v.requires_grad and not x.requires_grad and isinstance(x, V)
        v.data.mul_(3)
        assert x[0].item() == 3.0  # shares memory
        y = V(v * 2)
        assert not y.requires_grad and y.grad_fn is None
        (v * v).sum().backward()
        np.testing.assert_array_equal(v.grad.numpy(), [6.0, 6.0])
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
            V([1, 2])
        with pytest.warns(UserWarning, match="volatile was removed"):
            V(x, volatile=True)


@pytest.mark.parametrize("spec", [".4f", "5d", ">8", "", ".2e", "+.1f"])
def test_format_spec_on_0d_tensors(spec):
    for value in (2.5, 3, -0.125):
        if spec.endswith("d") and not isinstance(value, int):
            continue
        assert format(mt.tensor(value), spec) == format(torch.tensor(value), spec)
    assert f"{mt.tensor(1.5):.4f}" == "1.5000"
    assert format(mt.ones(2), "") == str(mt.ones(2))


def test_format_spec_on_bigger_tensors_fails_as_torch():
    with pytest.raises(TypeError) as t_err:
        format(torch.ones(2), ".4f")
    with pytest.raises(TypeError) as m_err:
        format(mt.ones(2), ".4f")
    assert str(m_err.value) == str(t_err.value)


def test_device_methods_of_a_cpu_only_build():
    m, t = mt.ones(2), torch.ones(2)
    assert m.is_xpu is t.is_xpu is False and m.is_cuda is t.is_cuda is False
    assert m.is_pinned() is t.is_pinned() is False
    assert m.cpu() is m and m.to("cpu", mt.float64, non_blocking=True).dtype == mt.float64
    for call in (lambda x: x.cuda(), lambda x: x.to("cuda"), lambda x: x.to(device="cuda:0")):
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            call(t)
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            call(m)
    with pytest.raises(RuntimeError) as t_err:
        t.pin_memory()
    with pytest.raises(RuntimeError) as m_err:
        m.pin_memory()
    assert str(m_err.value) == str(t_err.value)
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        mt.nn.Linear(2, 2).cuda()
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        mt.nn.Linear(2, 2, device="cuda")


def test_printed_names_follow_display_name():
    x = mt.ones(2, 3)
    assert repr(x.shape) == "minitorch.Size([2, 3])" and repr(x.dtype) == "minitorch.float32"
    old = _dtype.display_name
    _dtype.display_name = "torch"  # what python -m minitorch sets: output reads as under torch
    try:
        t = torch.ones(2, 3)
        assert repr(x.shape) == repr(t.shape) and repr(x.dtype) == repr(t.dtype) and x.type() == t.type()
        assert repr(mt.int64) == repr(torch.int64) and repr(mt.strided) == repr(torch.strided)
        assert repr(x.max(1)) == repr(t.max(1)).replace("tensor(", "tensor(")
    finally:
        _dtype.display_name = old


def test_bfloat16_storage_and_arithmetic_match_torch():
    pytest.importorskip("ml_dtypes")
    vals = [1.1, -2.7, 3.14159, 1e-3, 300.5]
    m = mt.tensor(vals, dtype=mt.bfloat16)
    t = torch.tensor(vals, dtype=torch.bfloat16)
    assert repr(m.dtype) == "minitorch.bfloat16" and m.dtype.is_floating_point and m.dtype.itemsize == 2
    assert m.type() == "minitorch.BFloat16Tensor"
    np.testing.assert_array_equal(m.float()._data, t.float().numpy())
    np.testing.assert_array_equal(mt.ones(3).to(mt.bfloat16).float()._data, np.ones(3, np.float32))
    np.testing.assert_array_equal((m + m).float()._data, (t + t).float().numpy())
    np.testing.assert_array_equal((m * 3).float()._data, (t * 3).float().numpy())
    assert mt.BFloat16Tensor([1.0]).dtype == mt.bfloat16 and isinstance(m, mt.BFloat16Tensor)


BF16_OPS = [
    "x.exp()",
    "x / 3",
    "x.sigmoid()",
    "x.mean()",
    "F.softmax(x, 1)",
    "F.log_softmax(x, 1)",
    "x.sum(1)",
    "x * x",
    "x.tanh()",
    "x.relu()",
    "x.abs().sqrt()",
    "x.var()",
    "x.norm()",
    "x.max()",
    "x + 1.5",
    "x @ x.T",
    "F.gelu(x)",
    "F.mse_loss(x, x * 0)",
    "x.cumsum(1)",
    "x.std()",
    "x ** 2",
    "x.clamp(0, 1)",
    "F.layer_norm(x, (3,))",
    "F.conv1d(x[None], x[:, :2][None])",
    "F.max_pool1d(x[None], 2)",
    "F.cross_entropy(x, lib.tensor([0, 2]))",
    "F.linear(x, x, x[0, :2])",
]


@pytest.mark.parametrize("expr", BF16_OPS)
def test_bfloat16_ops_keep_the_dtype_and_match_torch(expr):
    pytest.importorskip("ml_dtypes")
    res = []
    for lib in (torch, mt):
        x = lib.tensor([[0.5, -1.25, 2.0], [3.0, 0.1, -0.7]], dtype=lib.bfloat16, requires_grad=True)
        y = eval(expr, {"x": x, "F": lib.nn.functional, "lib": lib})
        y.float().sum().backward()
        res.append((_name(y.dtype), y.detach().float().numpy(), _name(x.grad.dtype), x.grad.float().numpy()))
    (td, tv, tgd, tg), (md, mv, mgd, mg) = res
    assert (md, mgd) == (td, tgd) == ("bfloat16", "bfloat16")
    np.testing.assert_allclose(mv, tv, rtol=2e-2, atol=1e-2)
    np.testing.assert_allclose(mg, tg, rtol=3e-2, atol=2e-2)


def test_bfloat16_model_trains_as_torch():
    pytest.importorskip("ml_dtypes")
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).to(torch.bfloat16)
    mm = mt.nn.Sequential(mt.nn.Linear(4, 8), mt.nn.ReLU(), mt.nn.Linear(8, 3)).to(mt.bfloat16)
    for (_, tp), (_, mp) in zip(tm.named_parameters(), mm.named_parameters()):
        mp.data.copy_(mt.tensor(tp.detach().float().numpy()))
    x = np.random.default_rng(0).standard_normal((16, 4)).astype(np.float32)
    y = np.arange(16) % 3
    losses = []
    for lib, model in ((torch, tm), (mt, mm)):
        opt = lib.optim.Adam(model.parameters(), lr=1e-2)
        xs, ys, out = lib.tensor(x).to(lib.bfloat16), lib.tensor(y), []
        for _ in range(5):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(xs), ys)
            loss.backward()
            opt.step()
            out.append(loss.item())
        assert all(_name(p.dtype) == "bfloat16" for p in model.parameters())
        losses.append(out)
    np.testing.assert_allclose(losses[1], losses[0], rtol=3e-2)


def test_data_setter_takes_a_numeric_array_and_refuses_the_rest():
    """torch refuses ``p.data = ndarray``; minitorch takes a numeric one (the shared speed
    yardstick assigns arrays) and keeps torch's TypeError for anything else."""
    p = mt.nn.Parameter(mt.zeros(3))
    a = np.arange(3, dtype=np.float32)
    p.data = a
    assert p.requires_grad and np.shares_memory(p.detach().numpy(), a)
    (p * 2).sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 2.0, 2.0])
    for bad in ([1.0, 2.0, 3.0], np.array(["a"]), np.array([None])):
        with pytest.raises(TypeError, match="Variable data has to be a tensor"):
            p.data = bad
