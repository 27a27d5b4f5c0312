"""The Tensor API: attributes, dtypes and type promotion, creation functions, repr, conversions,
errors and manual_seed reproducibility. torch is the reference throughout."""

from __future__ import annotations

import itertools
import pickle
import re

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt

# --- attributes ---


def test_shape_size_dim_numel():
    x = mt.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and isinstance(x.shape, tuple) and isinstance(x.shape, mt.Size)
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert x.dim() == 3 and x.ndim == 3 and x.numel() == 24
    assert repr(x.shape) == "minitorch.Size([2, 3, 4])"
    s = mt.tensor(1.0)
    assert s.shape == () and s.dim() == 0 and s.numel() == 1
    with pytest.raises(IndexError):
        x.size(3)


@needs_torch
def test_size_errors_like_torch():
    with pytest.raises(IndexError, match="Dimension out of range"):
        mt.zeros(2, 3).size(2)
    with pytest.raises(IndexError):
        torch.zeros(2, 3).size(2)


def test_transpose_property_T():
    x = mt.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(x.T._data, x._data.T)
    y = mt.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(y.permute(2, 1, 0)._data, np.transpose(y._data, (2, 1, 0)))
    v = mt.arange(3)
    assert v.T.shape == (3,)


def test_item_and_tolist():
    assert mt.tensor(2.5).item() == 2.5 and isinstance(mt.tensor(2.5).item(), float)
    assert mt.tensor([7]).item() == 7 and isinstance(mt.tensor([7]).item(), int)
    assert isinstance(mt.tensor(True).item(), bool)
    assert mt.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert mt.tensor(3).tolist() == 3
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        mt.tensor([1.0, 2.0]).item()


def test_numpy_shares_memory_and_refuses_with_grad():
    x = mt.tensor([1.0, 2.0])
    a = x.numpy()
    a[0] = 5.0
    assert x[0].item() == 5.0
    w = mt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"requires grad.*detach\(\)\.numpy\(\)"):
        w.numpy()
    assert w.detach().numpy()[0] == 1.0


def test_array_protocol():
    x = mt.tensor([1.0, 2.0, 3.0])
    arr = np.asarray(x)
    assert arr.dtype == np.float32 and np.shares_memory(arr, x._data)
    np.testing.assert_array_equal(np.array(x, dtype=np.float64), [1.0, 2.0, 3.0])
    assert np.array(x, dtype=np.float64).dtype == np.float64
    w = mt.tensor([1.0], requires_grad=True)
    assert np.asarray(w).shape == (1,)  # torch raises here; NumPy interop for tensors with grad is allowed


def test_len_and_iter():
    x = mt.arange(6).reshape(3, 2)
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3 and all(isinstance(r, mt.Tensor) and r.shape == (2,) for r in rows)
    np.testing.assert_array_equal(rows[2]._data, [4, 5])
    assert [v.item() for v in mt.tensor([1, 2])] == [1, 2]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mt.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(mt.tensor(1.0))


def test_iterating_keeps_the_graph():
    x = mt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    total = sum(row.sum() * (i + 1) for i, row in enumerate(x))
    total.backward()
    np.testing.assert_array_equal(x.grad._data, [[1.0, 1.0], [2.0, 2.0]])


def test_bool_and_number_conversions():
    assert bool(mt.tensor([1.0])) and not bool(mt.tensor(0))
    assert float(mt.tensor(2.5)) == 2.5 and int(mt.tensor(3.7)) == 3
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(mt.tensor([1, 2]))


def test_requires_grad_grad_fn_is_leaf():
    x = mt.tensor([1.0, 2.0])
    assert not x.requires_grad and x.grad is None and x.grad_fn is None and x.is_leaf
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert y.requires_grad and not y.is_leaf and type(y.grad_fn).__name__ == "MulBackward0"
    x.requires_grad_(False)
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False
    x.requires_grad = True
    assert x.requires_grad


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_integer_tensors_cannot_require_grad(dtype):
    msg = "only Tensors of floating point dtype can require gradients"
    with pytest.raises(RuntimeError, match=msg):
        mt.tensor([1, 0], dtype=getattr(mt, dtype), requires_grad=True)
    with pytest.raises(RuntimeError, match=msg):
        mt.zeros(2, dtype=getattr(mt, dtype)).requires_grad_()
    with pytest.raises(RuntimeError, match=msg):
        mt.ones(2, dtype=getattr(mt, dtype), requires_grad=True)


def test_detach_shares_data_and_version():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert d.is_leaf and not d.requires_grad and np.shares_memory(d._data, x._data)
    d.add_(1)  # visible through x: same memory, as torch
    np.testing.assert_array_equal(x._data, [2.0, 3.0])
    assert x._version == d._version


# --- dtypes ---
@needs_torch
def test_dtype_attributes_and_aliases():
    pairs = {
        "float32": "float",
        "float64": "double",
        "int64": "long",
        "int32": "int",
        "float16": "half",
        "int16": "short",
    }
    for name, alias in pairs.items():
        assert getattr(mt, name) is getattr(mt, alias)
    for name in ("float32", "float64", "int64", "int32", "bool", "uint8", "int8", "int16", "float16"):
        d = getattr(mt, name)
        assert repr(d) == f"minitorch.{name}"
        assert d.is_floating_point == getattr(torch, name).is_floating_point
        assert d.itemsize == getattr(torch, name).itemsize
        assert pickle.loads(pickle.dumps(d)) is d


@needs_torch
@pytest.mark.parametrize(
    "data",
    [[1.0, 2.0], [1, 2], [True, False], 3, 2.5, True, [[1, 2.5]], [], [[]], np.float64(2.0)],
    ids=repr,
)
def test_tensor_infers_dtype_like_torch(data):
    m, t = mt.tensor(data), torch.tensor(data)
    assert m.dtype.name == str(t.dtype).removeprefix("torch.")
    assert m.shape == tuple(t.shape)


@needs_torch
@pytest.mark.parametrize(
    "np_dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_, np.int16]
)
def test_numpy_arrays_keep_their_dtype(np_dtype):
    arr = np.array([1, 0, 1]).astype(np_dtype)
    for make_m, make_t in (
        (mt.tensor, torch.tensor),
        (mt.from_numpy, torch.from_numpy),
        (mt.as_tensor, torch.as_tensor),
    ):
        assert make_m(arr).dtype.name == str(make_t(arr).dtype).removeprefix("torch.")


def test_unsupported_data_raises_type_error():
    with pytest.raises(TypeError):
        mt.tensor(["a", "b"])
    with pytest.raises(TypeError):
        mt.from_numpy(np.array([1 + 2j]))


def test_float_default_and_float64_stays():
    assert mt.tensor([1.0]).dtype == mt.float32
    assert mt.zeros(2).dtype == mt.float32 and mt.rand(2).dtype == mt.float32
    x64 = mt.tensor([1.0], dtype=mt.float64)
    for y in (x64 * 2.0, x64 + 1, x64 / 3, x64**2, 2.0 - x64, x64.exp(), x64.sum(), x64 @ x64):
        assert y.dtype == mt.float64
    x32 = mt.tensor([1.0])
    for y in (x32 * 2.0, x32 + 10**6, x32 / 3, x32**0.5, 1.0 / x32, x32 * np.float64(2.0)):
        assert y.dtype == mt.float32  # Python (and NumPy) scalars do not upcast


def test_set_default_dtype():
    mt.set_default_dtype(mt.float64)
    assert mt.get_default_dtype() == mt.float64
    assert mt.tensor([1.5]).dtype == mt.float64 and mt.zeros(2).dtype == mt.float64
    assert mt.randn(2).dtype == mt.float64 and mt.arange(0.0, 1.0, 0.5).dtype == mt.float64
    assert (mt.tensor([1, 2]) * 0.5).dtype == mt.float64
    mt.set_default_dtype(mt.float32)
    assert mt.tensor([1.5]).dtype == mt.float32


@needs_torch
@pytest.mark.parametrize("method", ["float", "double", "long", "int", "bool", "half", "byte"])
def test_conversion_methods(method):
    src = np.array([0.0, 1.5, -2.0, 3.0], dtype=np.float32)
    m, t = getattr(mt.tensor(src), method)(), getattr(torch.tensor(src), method)()
    assert_close(m, t)


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool", "uint8"])
def test_to_dtype(dtype):
    src = np.array([0.0, 1.0, 2.0], dtype=np.float64)
    m = mt.tensor(src).to(getattr(mt, dtype))
    t = torch.tensor(src).to(getattr(torch, dtype))
    assert_close(m, t)
    assert mt.tensor(src).to(dtype=getattr(mt, dtype)).dtype == getattr(mt, dtype)


def test_to_same_dtype_returns_self_and_cast_is_differentiable():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    assert x.to(mt.float32) is x and x.float() is x and x.to("cpu") is x
    y = x.double()
    assert y.dtype == mt.float64 and type(y.grad_fn).__name__ == "ToCopyBackward0"
    (y * y).sum().backward()
    assert x.grad.dtype == mt.float32
    np.testing.assert_array_equal(x.grad._data, [2.0, 4.0])
    assert x.to(mt.float64).to(x).dtype == mt.float32  # to(other tensor) takes its dtype
    with pytest.raises(AssertionError):  # torch's CPU build: "Torch not compiled with CUDA enabled"
        x.to("cuda")


# --- type promotion ---
DTYPES = ["float32", "float64", "int64", "int32", "bool", "uint8"]


def _sample(lib, dtype, zero_dim):
    arr = np.array(2) if zero_dim else np.array([1, 2, 3])
    return lib.tensor(arr.astype(dtype))


def _outcome(fn, *args):
    try:
        out = fn(*args)
    except Exception as e:  # noqa: BLE001 - comparing error types with torch
        return type(e).__name__
    return str(out.dtype).split(".")[-1], out


BINARY_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


@needs_torch
@pytest.mark.parametrize("op", list(BINARY_OPS))
@pytest.mark.parametrize("da,db", list(itertools.product(DTYPES, DTYPES)), ids=lambda v: v)
def test_tensor_tensor_promotion_matches_torch(op, da, db):
    f = BINARY_OPS[op]
    if op == "pow" and da == db == "bool":  # torch does not implement it: minitorch's own result
        for za, zb in ((False, False), (False, True), (True, False), (True, True)):
            a, b = _sample(mt, da, za), _sample(mt, db, zb)
            out = f(a, b)
            assert out.dtype.is_floating_point is False and out.dtype != mt.bool
            expected = np.power(a.numpy().astype(np.int64), b.numpy().astype(np.int64))
            np.testing.assert_array_equal(out.numpy(), expected)
        return
    for za, zb in ((False, False), (False, True), (True, False), (True, True)):
        m = _outcome(f, _sample(mt, da, za), _sample(mt, db, zb))
        t = _outcome(f, _sample(torch, da, za), _sample(torch, db, zb))
        assert m[0] == t[0], f"{da}{'(0-d)' if za else ''} {op} {db}{'(0-d)' if zb else ''}: {m[0]} vs {t[0]}"
        if isinstance(t, tuple):
            assert_close(m[1], t[1], rtol=1e-6, atol=1e-6)


SCALARS = [2, 2.5, True, -1, 0]


@needs_torch
@pytest.mark.parametrize("op", list(BINARY_OPS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_scalar_promotion_matches_torch(op, dtype):
    f = BINARY_OPS[op]
    for zero_dim, s, reflected in itertools.product((False, True), SCALARS, (False, True)):
        if op == "pow" and dtype == "bool" and isinstance(s, bool):
            continue  # torch: bool ** bool is not implemented
        if op == "div" and s == 0 or (op == "pow" and s == -1 and dtype != "float32" and dtype != "float64"):
            continue  # division by zero / integer to a negative power: checked elsewhere
        mx, tx = _sample(mt, dtype, zero_dim), _sample(torch, dtype, zero_dim)
        m = _outcome(f, s, mx) if reflected else _outcome(f, mx, s)
        t = _outcome(f, s, tx) if reflected else _outcome(f, tx, s)
        where = f"{'s ' + op + ' x' if reflected else 'x ' + op + ' s'} with x {dtype}{'(0-d)' if zero_dim else ''}, s={s!r}"
        assert m[0] == t[0], f"{where}: {m[0]} vs {t[0]}"
        if isinstance(t, tuple):
            assert_close(m[1], t[1], rtol=1e-6, atol=1e-6)


@needs_torch
def test_promotion_errors_match_torch():
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
        mt.tensor([1, 2]) ** -1
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with a bool tensor"):
        mt.tensor([1.0]) - mt.tensor([True])
    with pytest.raises(RuntimeError, match="with two bool tensors"):
        mt.tensor([True]) - mt.tensor([False])
    with pytest.raises(TypeError):
        mt.tensor([1.0]) + "a"


@needs_torch
@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "sin", "cos", "sigmoid", "tanh", "abs", "neg", "relu"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_unary_ops_on_integer_tensors_match_torch(fn, dtype):
    """Float-valued math on integer tensors gives the default float dtype; abs/neg/relu stay integer."""
    arr = np.array([[1, 5, 0], [4, 2, 6]]).astype(dtype)
    try:
        expected = getattr(torch.tensor(arr), fn)()
    except Exception as e:  # noqa: BLE001 - torch refuses some (neg, abs, relu of bool): so must we
        with pytest.raises(type(e), match=re.escape(str(e).split(" (")[0])):
            getattr(mt.tensor(arr), fn)()
        return
    with np.errstate(divide="ignore"):
        assert_close(getattr(mt.tensor(arr), fn)(), expected)


@needs_torch
def test_matmul_needs_equal_dtypes_like_torch():
    for a, b in (
        (mt.ones(2, 3), mt.ones(3, 2, dtype=mt.float64)),
        (mt.ones(2, 3), mt.ones(3, dtype=mt.int64)),
        (mt.ones(3), mt.ones(3, dtype=mt.int64)),
    ):
        with pytest.raises(RuntimeError, match="same dtype"):
            a @ b
    with pytest.raises(RuntimeError):
        torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64)
    assert_close(mt.arange(6).reshape(2, 3) @ mt.arange(3), torch.arange(6).reshape(2, 3) @ torch.arange(3))


def test_comparing_with_none_is_a_plain_bool():
    x = mt.tensor([1.0, 2.0])
    assert (x == None) is False and (x != None) is True  # noqa: E711 - the point of the test


@needs_torch
def test_integer_overflow_wraps_like_torch():
    assert_close(mt.tensor([1, 2], dtype=mt.uint8) + 300, torch.tensor([1, 2], dtype=torch.uint8) + 300)
    assert_close(mt.tensor([1, 2], dtype=mt.uint8) - 3, torch.tensor([1, 2], dtype=torch.uint8) - 3)


@needs_torch
def test_numpy_operands_promote_like_torch():
    m, t = mt.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])
    assert (m * np.float64(2)).dtype == mt.float32 and (t * np.float64(2)).dtype == torch.float32
    assert_close(m + np.array([1.0, 2.0]), t + torch.tensor(np.array([1.0, 2.0])))


# --- creation ---
CREATION = [
    ("zeros(2, 3)", lambda m: m.zeros(2, 3)),
    ("zeros((2, 3))", lambda m: m.zeros((2, 3))),
    ("zeros([])", lambda m: m.zeros([])),
    ("ones(4, dtype=int64)", lambda m: m.ones(4, dtype=m.int64)),
    ("ones(2, 2, dtype=float64)", lambda m: m.ones(2, 2, dtype=m.float64)),
    ("full((2,), 7)", lambda m: m.full((2,), 7)),
    ("full((2, 2), 1.5)", lambda m: m.full((2, 2), 1.5)),
    ("full((2,), True)", lambda m: m.full((2,), True)),
    ("full((2,), 3, dtype=float64)", lambda m: m.full((2,), 3, dtype=m.float64)),
    ("eye(3)", lambda m: m.eye(3)),
    ("eye(2, 3)", lambda m: m.eye(2, 3)),
    ("eye(3, dtype=int64)", lambda m: m.eye(3, dtype=m.int64)),
    ("arange(5)", lambda m: m.arange(5)),
    ("arange(1, 4)", lambda m: m.arange(1, 4)),
    ("arange(0, 1, 0.25)", lambda m: m.arange(0, 1, 0.25)),
    ("arange(5.0)", lambda m: m.arange(5.0)),
    ("arange(10, 0, -3)", lambda m: m.arange(10, 0, -3)),
    ("arange(0, 1, 0.1)", lambda m: m.arange(0, 1, 0.1)),
    ("arange(3, dtype=float64)", lambda m: m.arange(3, dtype=m.float64)),
    ("linspace(0, 1, 5)", lambda m: m.linspace(0, 1, 5)),
    ("linspace(-1, 1, 1)", lambda m: m.linspace(-1, 1, 1)),
    ("linspace(0, 10, 4, dtype=float64)", lambda m: m.linspace(0, 10, 4, dtype=m.float64)),
    ("zeros_like(int)", lambda m: m.zeros_like(m.tensor([[1, 2]]))),
    ("ones_like(float64)", lambda m: m.ones_like(m.tensor([1.0], dtype=m.float64))),
    ("full_like(float, 2)", lambda m: m.full_like(m.tensor([1.0, 2.0]), 2)),
    ("full_like(int, 2.7)", lambda m: m.full_like(m.tensor([1, 2]), 2.7)),
    ("ones_like(dtype=)", lambda m: m.ones_like(m.tensor([1, 2]), dtype=m.float32)),
    ("tensor(nested)", lambda m: m.tensor([[1.5, 2.0], [3.0, 4.0]])),
    ("as_tensor(list)", lambda m: m.as_tensor([1, 2, 3])),
    ("as_tensor(dtype)", lambda m: m.as_tensor([1, 2, 3], dtype=m.float64)),
]


@needs_torch
@pytest.mark.parametrize("name,make", CREATION, ids=[c[0] for c in CREATION])
def test_creation_matches_torch(name, make):
    assert_close(make(mt), make(torch), rtol=1e-6, atol=1e-7)


RANDOM = [
    ("rand(2, 3)", lambda m: m.rand(2, 3)),
    ("rand((4,))", lambda m: m.rand((4,))),
    ("randn(3)", lambda m: m.randn(3)),
    ("randn(2, 2, dtype=float64)", lambda m: m.randn(2, 2, dtype=m.float64)),
    ("randint(5, (3,))", lambda m: m.randint(5, (3,))),
    ("randint(2, 6, (2, 2))", lambda m: m.randint(2, 6, (2, 2))),
    ("randint(0, 3, (4,), dtype=int32)", lambda m: m.randint(0, 3, (4,), dtype=m.int32)),
    ("randperm(6)", lambda m: m.randperm(6)),
    ("rand_like(float64)", lambda m: m.rand_like(m.zeros(2, dtype=m.float64))),
    ("randn_like", lambda m: m.randn_like(m.zeros(3, 2))),
    ("randint_like", lambda m: m.randint_like(m.zeros(3), 4)),
    ("empty(2, 3)", lambda m: m.empty(2, 3)),
    ("empty_like(int)", lambda m: m.empty_like(m.zeros(2, dtype=m.int64))),
]


@needs_torch
@pytest.mark.parametrize("name,make", RANDOM, ids=[c[0] for c in RANDOM])
def test_random_creation_shapes_and_dtypes_match_torch(name, make):
    m, t = make(mt), make(torch)
    assert m.shape == tuple(t.shape) and m.dtype.name == str(t.dtype).removeprefix("torch.")


def test_random_value_ranges():
    mt.manual_seed(1)
    u = mt.rand(10_000)
    assert 0.0 <= u._data.min() and u._data.max() < 1.0 and abs(u._data.mean() - 0.5) < 0.02
    n = mt.randn(10_000)
    assert abs(n._data.mean()) < 0.05 and abs(n._data.std() - 1.0) < 0.05
    r = mt.randint(3, 7, (1000,))
    assert set(np.unique(r._data)) == {3, 4, 5, 6}
    p = mt.randperm(50)
    assert sorted(p.tolist()) == list(range(50))


def test_creation_with_requires_grad():
    for t in (
        mt.zeros(2, requires_grad=True),
        mt.ones(2, requires_grad=True),
        mt.randn(2, requires_grad=True),
        mt.rand(2, requires_grad=True),
        mt.full((2,), 1.0, requires_grad=True),
        mt.tensor([1.0], requires_grad=True),
        mt.zeros_like(mt.ones(2), requires_grad=True),
    ):
        assert t.requires_grad and t.is_leaf
    with pytest.raises(RuntimeError, match="negative dimension"):
        mt.zeros(-1)


def test_tensor_copies_but_from_numpy_and_as_tensor_share():
    arr = np.array([1.0, 2.0])
    t, f, a = mt.tensor(arr), mt.from_numpy(arr), mt.as_tensor(arr)
    arr[0] = 9.0
    assert t[0].item() == 1.0 and f[0].item() == 9.0 and a[0].item() == 9.0
    assert f.dtype == mt.float64
    x = mt.tensor([1.0])
    assert mt.as_tensor(x) is x
    with pytest.raises(TypeError):
        mt.from_numpy([1.0, 2.0])


def test_tensor_of_tensors_and_scalars():
    x = mt.tensor([mt.tensor(1.0), mt.tensor(2.0)])
    assert x.shape == (2,) and x.dtype == mt.float32
    src = mt.tensor([1.0, 2.0], requires_grad=True)
    y = mt.tensor(src)
    assert not y.requires_grad and not np.shares_memory(y._data, src._data)


# --- manual_seed ---
def _draw_all():
    return [
        mt.rand(3)._data,
        mt.randn(2, 2)._data,
        mt.randint(0, 100, (4,))._data,
        mt.randperm(5)._data,
        mt.rand_like(mt.zeros(2))._data,
        mt.randn_like(mt.zeros(2))._data,
        mt.randint_like(mt.zeros(3), 9)._data,
        mt.empty(3).uniform_()._data,
        mt.empty(3).normal_()._data,
        mt.bernoulli(mt.full((6,), 0.5))._data,
    ]


def test_manual_seed_reproduces_every_random_function():
    mt.manual_seed(123)
    first = _draw_all()
    mt.manual_seed(123)
    second = _draw_all()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    mt.manual_seed(124)
    third = _draw_all()
    assert not all(np.array_equal(a, b) for a, b in zip(first, third))


def test_all_random_functions_share_one_generator():
    """Drawing from one function moves the stream for all the others."""
    mt.manual_seed(7)
    plain = mt.randn(4)._data
    for draw in (
        lambda: mt.rand(1),
        lambda: mt.randint(0, 5, (1,)),
        lambda: mt.randperm(3),
        lambda: mt.rand_like(mt.zeros(1)),
        lambda: mt.empty(2).normal_(),
    ):
        mt.manual_seed(7)
        draw()
        assert not np.array_equal(mt.randn(4)._data, plain)


def test_dropout_and_shuffling_draw_from_the_global_generator():
    F = pytest.importorskip("minitorch.nn.functional")
    data = pytest.importorskip("minitorch.utils.data")

    def draws():
        mask = F.dropout(mt.ones(32), 0.5, training=True)._data
        loader = data.DataLoader(data.TensorDataset(mt.arange(20)), batch_size=20, shuffle=True)
        return mask, next(iter(loader))[0]._data

    mt.manual_seed(3)
    first = draws()
    mt.manual_seed(3)
    for a, b in zip(first, draws()):
        np.testing.assert_array_equal(a, b)
    mt.manual_seed(3)
    mt.rand(1)  # one draw elsewhere shifts both
    shifted = draws()
    assert not np.array_equal(first[0], shifted[0]) and not np.array_equal(first[1], shifted[1])


def test_manual_seed_returns_the_generator_and_generators_are_independent():
    g = mt.manual_seed(5)
    assert g is mt.default_generator and mt.initial_seed() == 5
    own = mt.Generator().manual_seed(5)
    a = mt.rand(3, generator=own)._data
    mt.manual_seed(5)
    b = mt.rand(3)._data
    np.testing.assert_array_equal(a, b)
    state = mt.get_rng_state()
    c = mt.randn(3)._data
    mt.set_rng_state(state)
    np.testing.assert_array_equal(mt.randn(3)._data, c)


# --- repr ---
REPR_CASES = [
    ("ints", lambda m: m.tensor([1, 2, 3])),
    ("floats", lambda m: m.tensor([1.0, 2.0, 3.0])),
    ("decimals", lambda m: m.tensor([1.5, 2.25, -3.125])),
    ("0-d float", lambda m: m.tensor(3.5)),
    ("0-d int", lambda m: m.tensor(3)),
    ("0-d bool", lambda m: m.tensor(True)),
    ("bools", lambda m: m.tensor([True, False])),
    ("2-D float", lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]])),
    ("2-D int", lambda m: m.tensor([[1, 2], [3, 4]])),
    ("3-D", lambda m: m.arange(24.0).reshape(2, 3, 4) / 3),
    ("requires_grad", lambda m: m.tensor([1.0, 2.0], requires_grad=True)),
    ("0-d requires_grad", lambda m: m.tensor(2.5, requires_grad=True)),
    ("grad_fn", lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2),
    ("grad_fn sum", lambda m: m.tensor([1.0, 2.0], requires_grad=True).sum()),
    ("float64", lambda m: m.tensor([1.0, 2.0], dtype=m.float64)),
    ("float64 2-D", lambda m: m.tensor([[1.0, -2.0, 3.5], [0.25, 5.0, -6.75]], dtype=m.float64)),
    ("float64 grad_fn", lambda m: m.tensor([1.5], dtype=m.float64, requires_grad=True).exp()),
    ("int32", lambda m: m.tensor([1, 2], dtype=m.int32)),
    ("uint8", lambda m: m.tensor([1, 2], dtype=m.uint8)),
    ("float16", lambda m: m.tensor([1.0, 2.0], dtype=m.float16)),
    ("small", lambda m: m.tensor([0.1, 0.2, 0.3])),
    ("scientific", lambda m: m.tensor([1e-5, 1.0])),
    ("large", lambda m: m.tensor([1e10, 1.0])),
    ("wide range", lambda m: m.tensor([0.001, 1000.0])),
    ("nan inf", lambda m: m.tensor([float("nan"), 1.0, float("inf")])),
    ("negative zero", lambda m: m.tensor([-0.0, 0.0])),
    ("empty", lambda m: m.tensor([])),
    ("empty 2-D", lambda m: m.zeros(0, 3)),
    ("empty int", lambda m: m.zeros(0, dtype=m.int64)),
    ("summarized", lambda m: m.arange(2000)),
    ("summarized 2-D", lambda m: m.arange(2000).reshape(40, 50).double()),
    ("wrapped lines", lambda m: m.full((3, 20), 0.5)),
    ("long line with suffix", lambda m: m.tensor([0.123456] * 11, dtype=m.float64, requires_grad=True) * 2),
    ("mixed ints", lambda m: m.tensor([[-1, 200], [3, 4]])),
]


@needs_torch
@pytest.mark.parametrize("name,make", REPR_CASES, ids=[c[0] for c in REPR_CASES])
def test_repr_matches_torch(name, make):
    assert repr(make(mt)).replace("minitorch", "torch") == repr(make(torch))
    assert str(make(mt)) == repr(make(mt))


@needs_torch
def test_repr_follows_the_default_dtype():
    mt.set_default_dtype(mt.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for make in (lambda m: m.tensor([1.5, 2.0]), lambda m: m.tensor([1.5], dtype=m.float32)):
            assert repr(make(mt)).replace("minitorch", "torch") == repr(make(torch))
    finally:
        torch.set_default_dtype(torch.float32)


# --- misc API ---
def test_tensor_hash_is_identity_and_eq_is_elementwise():
    a, b = mt.tensor([1.0]), mt.tensor([1.0])
    assert len({a, b}) == 2
    assert (a == b).dtype == mt.bool and (a == b).item() is True
    assert a.equal(b) and mt.equal(a, b)


def test_pickle_roundtrip_keeps_data_dtype_and_requires_grad():
    x = mt.tensor([[1.0, 2.0]], dtype=mt.float64, requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype == mt.float64 and y.requires_grad and y.is_leaf
    np.testing.assert_array_equal(y._data, x._data)


def test_module_level_functions_exist():
    for name in (
        "tensor as_tensor from_numpy zeros ones full empty eye arange linspace rand randn randint "
        "randperm zeros_like ones_like full_like empty_like rand_like randn_like randint_like manual_seed "
        "no_grad enable_grad set_grad_enabled is_grad_enabled float32 float float64 double int64 long "
        "int32 int bool uint8 exp log sqrt abs sin cos sigmoid tanh relu softmax log_softmax sum mean max "
        "min amax amin argmax argmin prod logsumexp matmul mm bmm mv dot"
    ).split():
        assert hasattr(mt, name), name
