"""Creation functions as scripts call them: ``device=``, ``layout=``, ``pin_memory=``, the default
device, ``dtype=float``, ``randint``'s overloads, ``normal``'s tensor form, ``multinomial`` and the
errors torch gives for bad arguments."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

CALLS = [
    ("zeros", (2, 3), {}),
    ("ones", ((2, 3),), {}),
    ("empty", (4,), {}),
    ("full", ((2,), 1.5), {}),
    ("eye", (3,), {}),
    ("arange", (5,), {}),
    ("linspace", (0.0, 1.0, 5), {}),
    ("rand", (2,), {}),
    ("randn", (2, 2), {}),
    ("randint", (0, 5, (3,)), {}),
    ("randperm", (4,), {}),
    ("tensor", ([1.0, 2.0],), {}),
    ("as_tensor", ([1, 2],), {}),
    ("normal", (0.0, 1.0, (2,)), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("device", ["cpu", "device", None])
def test_device_cpu_accepted_like_torch(name, args, kwargs, device):
    dev = {"cpu": "cpu", "None": None}.get(str(device), None)
    mdev = mt.device("cpu") if device == "device" else dev
    tdev = torch.device("cpu") if device == "device" else dev
    m = getattr(mt, name)(*args, device=mdev, **kwargs)
    t = getattr(torch, name)(*args, device=tdev, **kwargs)
    assert tuple(m.shape) == tuple(t.shape) and str(m.dtype).split(".")[1] == str(t.dtype).split(".")[1]
    assert m.device == "cpu"


@pytest.mark.parametrize("name,args,kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_cuda_and_mps_raise_torchs_exception(name, args, kwargs):
    for dev, exc in (("cuda", AssertionError), ("cuda:0", AssertionError)):
        with pytest.raises(exc, match="not compiled with CUDA"):
            getattr(torch, name)(*args, device=dev, **kwargs)
        with pytest.raises(exc, match="not compiled with CUDA"):
            getattr(mt, name)(*args, device=dev, **kwargs)
    with pytest.raises((NotImplementedError, RuntimeError)):  # torch: one or the other, by function
        getattr(torch, name)(*args, device="mps", **kwargs)
    with pytest.raises(NotImplementedError, match="'mps'"):
        getattr(mt, name)(*args, device="mps", **kwargs)


def test_like_functions_take_device_and_memory_format():
    x = mt.ones(2, 3)
    for fn in ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"):
        y = getattr(mt, fn)(x, device="cpu", memory_format=mt.preserve_format)
        assert y.shape == (2, 3) and y.dtype == mt.float32
    assert mt.full_like(x, 7, device="cpu")._data.tolist() == [[7.0] * 3] * 2
    r = mt.randint_like(x, 3, device="cpu")
    assert r.dtype == mt.float32 and r._data.min() >= 0 and r._data.max() < 3
    with pytest.raises(AssertionError):
        mt.zeros_like(x, device="cuda")


def test_unknown_device_string_is_torchs_runtime_error():
    with pytest.raises(RuntimeError) as t_err:
        torch.device("foo")
    with pytest.raises(RuntimeError) as m_err:
        mt.device("foo")
    assert str(m_err.value) == str(t_err.value)


def test_default_device():
    assert repr(mt.get_default_device()) == repr(torch.get_default_device())
    try:
        mt.set_default_device("cuda")  # allowed, as in torch; creating a tensor then fails
        with pytest.raises(AssertionError):
            mt.zeros(2)
        assert mt.zeros(2, device="cpu").shape == (2,)
    finally:
        mt.set_default_device(None)
    mt.set_default_device("cpu")
    try:
        assert mt.get_default_device() == mt.device("cpu") and mt.zeros(1).device == "cpu"
    finally:
        mt.set_default_device(None)


def test_layout_and_pin_memory():
    assert repr(mt.strided) == "minitorch.strided" and mt.zeros(2, layout=mt.strided).shape == (2,)
    with pytest.raises(RuntimeError, match="pin_memory=True requires") as m_err:
        mt.zeros(2, pin_memory=True)
    with pytest.raises(RuntimeError) as t_err:
        torch.zeros(2, pin_memory=True)
    assert str(m_err.value) == str(t_err.value)


@pytest.mark.parametrize("py", [float, int, bool])
def test_python_types_as_dtype(py):
    for fn in ("ones", "zeros"):
        assert (
            repr(getattr(mt, fn)(2, dtype=py).dtype).split(".")[1]
            == repr(getattr(torch, fn)(2, dtype=py).dtype).split(".")[1]
        )
    assert repr(mt.tensor([1, 0], dtype=py).dtype)[10:] == repr(torch.tensor([1, 0], dtype=py).dtype)[6:]
    assert repr(mt.ones(2).to(py).dtype)[10:] == repr(torch.ones(2).to(py).dtype)[6:]


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((5, (3,)), {}),
        ((5,), {"size": (3,)}),
        ((), {"high": 5, "size": (3,)}),
        ((2, 5, (3,)), {}),
        ((2, 5), {"size": (2, 2)}),
    ],
)
def test_randint_overloads(args, kwargs):
    t = torch.randint(*args, **kwargs)
    m = mt.randint(*args, **kwargs)
    assert tuple(m.shape) == tuple(t.shape) and m.dtype == mt.int64
    low = args[0] if len(args) == 3 or (len(args) == 2 and "size" in kwargs) else 0
    high = kwargs.get(
        "high", args[1] if len(args) >= 2 and not isinstance(args[1], tuple) else (args[0] if args else None)
    )
    assert m._data.min() >= low and m._data.max() < high


def test_randint_missing_size_is_type_error():
    for lib in (torch, mt):
        with pytest.raises(TypeError):
            lib.randint(5, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.arange(0, 5, -1),
        lambda lib: lib.arange(5, 0, 1),
        lambda lib: lib.randint(5, 5, (2,)),
        lambda lib: lib.randint(6, 5, (2,)),
        lambda lib: lib.normal(0.0, -1.0, (2,)),
        lambda lib: lib.normal(lib.zeros(2), -1.0),
    ],
)
def test_bad_arguments_raise_torchs_error(call):
    with pytest.raises(RuntimeError) as t_err:
        call(torch)
    with pytest.raises(RuntimeError) as m_err:
        call(mt)
    assert str(m_err.value) == str(t_err.value)


def test_arange_empty_and_negative_steps_match_torch():
    for args in [(0, 0), (5, 0, -1), (0.0, 1.0, 0.25), (3, 3, -1)]:
        np.testing.assert_allclose(mt.arange(*args)._data, torch.arange(*args).numpy())


def test_normal_with_tensor_arguments_broadcasts_and_follows_the_statistics():
    mt.manual_seed(0)
    mean = mt.arange(4.0)
    x = mt.normal(mean, 0.0)
    np.testing.assert_array_equal(x._data, mean._data)
    big = mt.normal(mt.full((200_000,), 3.0, dtype=mt.float64), mt.tensor(2.0, dtype=mt.float64))
    assert (
        big.dtype == mt.float64 and abs(big._data.mean() - 3.0) < 0.02 and abs(big._data.std() - 2.0) < 0.02
    )
    assert mt.normal(mt.zeros(2, 1), mt.ones(3)).shape == torch.normal(torch.zeros(2, 1), torch.ones(3)).shape
    assert mt.normal(2.0, 3.0, size=(1, 4)).dtype == mt.float32


def test_multinomial_frequencies_shapes_and_errors():
    mt.manual_seed(0)
    p = mt.tensor([0.1, 0.0, 0.6, 0.3])
    draws = mt.multinomial(p, 20_000, replacement=True)
    assert draws.dtype == mt.int64 and draws.shape == (20_000,)
    freq = np.bincount(draws._data, minlength=4) / 20_000
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.6, 0.3], atol=0.015)
    rows = p.multinomial(3)  # without replacement: distinct, never the zero-weight index
    assert sorted(rows._data.tolist()) == [0, 2, 3]
    two = mt.multinomial(mt.tensor([[1.0, 2.0], [3.0, 0.5]]), 2)
    assert two.shape == torch.multinomial(torch.tensor([[1.0, 2.0], [3.0, 0.5]]), 2).shape
    for bad in (
        lambda lib: lib.multinomial(lib.tensor([0.2, 0.8]), 3),
        lambda lib: lib.multinomial(lib.tensor([-0.2, 0.8]), 1),
        lambda lib: lib.multinomial(lib.tensor([0.0, 0.0]), 1),
        lambda lib: lib.multinomial(lib.ones(3, 4, 5), 1),
    ):
        with pytest.raises(RuntimeError) as t_err:
            bad(torch)
        with pytest.raises(RuntimeError) as m_err:
            bad(mt)
        assert str(m_err.value) == str(t_err.value)
